"""The physical value type ("exponential"): sint16 mantissa, sint8 exponent, value = m * 10^e.

Manual 2.14 p119 (§18.1) defines the 3-byte type; it gives no exponent range. ISO 15118-2
PhysicalValueType multipliers are -3..3 and the module copies the value into EXI, so the
encoder uses exponents -3..3 (hci-reference §4, ambiguity §9.8); the decoder accepts any sint8.

Encoding rule: the value is encoded exactly when some mantissa in -32768..32767 with an
exponent in -3..3 represents it, choosing the exponent closest to zero (400 -> ``01 90 00``,
0.5 -> ``00 05 FF``, 50 000 -> ``13 88 01``). Otherwise it is rounded half-to-even to the
nearest representable value: the smallest exponent whose mantissa fits keeps the most digits
(123 456.7 -> 12 346 * 10^1). Values outside -32 768 000..32 767 000, NaN and infinities cannot
be represented and raise :class:`ValueError`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

MANTISSA_MIN, MANTISSA_MAX = -32768, 32767
EXPONENT_MIN, EXPONENT_MAX = -3, 3
SIZE = 3
LARGEST = MANTISSA_MAX * 10**EXPONENT_MAX
SMALLEST = MANTISSA_MIN * 10**EXPONENT_MAX

Number = int | float


def to_value(mantissa: int, exponent: int) -> Number:
    """Decode; an int for exponents >= 0, a float (correctly rounded) otherwise."""
    if exponent >= 0:
        return mantissa * int(10**exponent)
    return mantissa / int(10**-exponent)


def to_mantissa_exponent(value: Number | Decimal) -> tuple[int, int]:
    """Choose (mantissa, exponent) for ``value`` following the module docstring's rule."""
    exact = _exact_fast(value)
    return exact if exact is not None else _general(value)


def _exact_fast(value: Number | Decimal) -> tuple[int, int] | None:
    """The common exact cases without Decimal arithmetic (the charge loop encodes these)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MANTISSA_MAX:
        return int(value), 0
    if isinstance(value, int) and not isinstance(value, bool) and MANTISSA_MIN <= value <= MANTISSA_MAX:
        return value, 0
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= MANTISSA_MAX:
        for exponent in (-1, -2, -3):
            mantissa = round(value * 10**-exponent)
            if MANTISSA_MIN <= mantissa <= MANTISSA_MAX and to_value(mantissa, exponent) == value:
                return mantissa, exponent
    return None


def _general(value: Number | Decimal) -> tuple[int, int]:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a physical value")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f"{value!r} is not a number") from None
    if not SMALLEST <= exact <= LARGEST:
        raise ValueError(f"{value} is outside the physical value range {SMALLEST}..{LARGEST}")
    for exponent in sorted(range(EXPONENT_MIN, EXPONENT_MAX + 1), key=abs):
        mantissa = exact.scaleb(-exponent)
        if mantissa == mantissa.to_integral_value() and MANTISSA_MIN <= mantissa <= MANTISSA_MAX:
            return int(mantissa), exponent
    for exponent in range(EXPONENT_MIN, EXPONENT_MAX + 1):
        rounded = exact.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        if rounded == 0:
            return 0, 0
        if MANTISSA_MIN <= rounded <= MANTISSA_MAX:
            return int(rounded), exponent
    raise ValueError(f"{value} is outside the physical value range {SMALLEST}..{LARGEST}")  # pragma: no cover


def encode(value: Number | Decimal) -> bytes:
    mantissa, exponent = to_mantissa_exponent(value)
    return mantissa.to_bytes(2, "big", signed=True) + exponent.to_bytes(1, "big", signed=True)


def decode(data: bytes | bytearray | memoryview) -> Number:
    mantissa = int.from_bytes(data[0:2], "big", signed=True)
    return to_value(mantissa, int.from_bytes(data[2:3], "big", signed=True))


def represent(value: Number) -> Number:
    """The value the module receives when ``value`` is encoded (identity when exact)."""
    return to_value(*to_mantissa_exponent(value))
