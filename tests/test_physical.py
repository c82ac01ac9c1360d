"""Physical values (manual 2.14 p119): exact where representable, rounded to nearest otherwise."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freev2g.hci import physical


@pytest.mark.parametrize(("value", "wire"), [
    (400, "019000"),          # exponent closest to zero
    (0.5, "0005ff"),          # two's complement exponent (the manual's 81 on p139 is wrong)
    (50_000, "138801"),       # mantissa above 32767 needs an exponent (seed bug: C3 50 00)
    (-12.5, "ff83ff"),        # negative values
    (33_333, "0d0501"),       # rounded to the nearest representable: 33 330
    (32_767_000, "7fff03"),
    (-32_768_000, "800003"),
    (0, "000000"),
    (0.0004, "000000"),       # below the smallest step 0.001 rounds to zero
    (0.0005, "000000"),       # half to even
    (0.0015, "0002fd"),
    (280_000, "6d6001"),
])
def test_encoding(value: float, wire: str) -> None:
    assert physical.encode(value).hex() == wire


@pytest.mark.parametrize(("wire", "value"), [
    ("000402", 400), ("011803", 280_000), ("0005ff", 0.5), ("003203", 50_000), ("000581", 5e-127),
])
def test_decoding_accepts_any_exponent(wire: str, value: float) -> None:
    assert physical.decode(bytes.fromhex(wire)) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("value", [32_767_001, -32_768_001, math.inf, -math.inf, math.nan])
def test_unrepresentable_values_are_rejected(value: float) -> None:
    with pytest.raises(ValueError, match=r"range|finite"):
        physical.encode(value)


@given(st.integers(-32768, 32767), st.integers(-3, 3))
def test_every_representable_value_round_trips_exactly(mantissa: int, exponent: int) -> None:
    value = physical.to_value(mantissa, exponent)
    assert physical.decode(physical.encode(value)) == value


@given(st.floats(min_value=-32_768_000, max_value=32_767_000, allow_nan=False))
def test_rounding_is_to_the_nearest_representable_value(value: float) -> None:
    mantissa, exponent = physical.to_mantissa_exponent(value)
    assert -32768 <= mantissa <= 32767 and -3 <= exponent <= 3
    step = 10.0**exponent
    assert abs(physical.to_value(mantissa, exponent) - value) <= step / 2 * (1 + 1e-9)
    rounded = physical.to_value(mantissa, exponent) != value
    if rounded and exponent > -3 and mantissa != 0:  # a finer step would not have fitted
        finer = round(value / 10.0 ** (exponent - 1))
        assert not -32768 <= finer <= 32767
