"""Hypothesis strategies derived from the message declarations themselves.

Every codec class maps to a strategy of values it can encode; a declaration that uses a codec this
file does not know fails the round-trip test, so a new codec cannot go untested.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from freev2g.hci import physical
from freev2g.hci.codecs import (
    Blob,
    Bool,
    Codec,
    EnumCodec,
    Fixed,
    FixedStr,
    Int,
    List,
    Mac,
    Opt,
    Phys,
    Record,
    Rest,
    Str,
    Tagged,
    Trailing,
    When,
)
from freev2g.hci.ethernet import format_mac
from freev2g.hci.message import Struct

TEXT = string.ascii_letters + string.digits + "*+-_./"
MAX_ITEMS = 3  # keeps generated schedules small; ranges are tested by the codec tests

physical_values = st.builds(physical.to_value, st.integers(-32768, 32767), st.integers(-3, 3))

# Codecs declared inside catalog modules (by class name), each with the values it encodes.
CUSTOM: dict[str, Callable[[Codec], st.SearchStrategy[Any]]] = {
    "CountedMac": lambda codec: st.binary(min_size=6, max_size=6).map(format_mac),
}


def for_codec(codec: Codec) -> st.SearchStrategy[Any]:
    match codec:
        case EnumCodec():
            return st.sampled_from([m for m in codec.enum_type if codec.base.lo <= m <= codec.base.hi])
        case Int():
            return st.integers(codec.lo, codec.hi)
        case Bool():
            return st.booleans()
        case Phys():
            values = physical_values
            if codec.lo is not None or codec.hi is not None:
                lo, hi = codec.lo, codec.hi
                values = values.filter(lambda v: (lo is None or v >= lo) and (hi is None or v <= hi))
            return values
        case Opt() | When() | Trailing():
            return st.none() | for_codec(codec.inner)
        case Str():
            return st.text(TEXT, min_size=codec.lo, max_size=min(codec.hi, 40))
        case Blob():
            return st.binary(min_size=codec.lo, max_size=min(codec.hi, 64))
        case Mac():
            return st.binary(min_size=6, max_size=6).map(format_mac)
        case FixedStr():
            return st.text(TEXT, max_size=codec.size)
        case Fixed():
            return st.binary(min_size=codec.size, max_size=codec.size)
        case Rest():
            return st.binary(min_size=codec.lo, max_size=min(codec.hi, 64))
        case Record():
            return for_struct(codec.struct)
        case Tagged():
            return st.one_of([for_struct(struct) for struct in codec.cases.values()])
        case List():
            assert codec.item is not None
            return st.lists(for_codec(codec.item), min_size=codec.lo, max_size=max(codec.lo, min(codec.hi, MAX_ITEMS)))
    custom = CUSTOM.get(type(codec).__name__)
    if custom is None:
        raise NotImplementedError(f"no strategy for codec {type(codec).__name__}; add one to tests/strategies.py")
    return custom(codec)


def for_struct(struct: type[Struct]) -> st.SearchStrategy[Any]:
    """Fields drawn in order, so that When() sees its sibling and trailing fields stay a prefix."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        values: dict[str, Any] = {}
        trailing_ended = False
        for spec in struct.field_specs:
            codec = spec.codec
            if isinstance(codec, When):
                present = values.get(codec.field) in codec.values
                values[spec.name] = draw(for_codec(codec.inner)) if present else None
            elif isinstance(codec, Trailing):
                value = None if trailing_ended else draw(for_codec(codec))
                trailing_ended = trailing_ended or value is None or _empty_at_end(codec, value)
                values[spec.name] = value
            else:
                values[spec.name] = draw(for_codec(codec))
        return struct(**values)

    return build()


def _empty_at_end(codec: Trailing, value: Any) -> bool:
    """A trailing value that encodes to nothing cannot be told from an absent one."""
    out = bytearray()
    codec.inner.encode(value, out, {})
    return not out
