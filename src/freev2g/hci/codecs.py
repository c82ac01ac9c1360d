"""Field codecs: how one field of a message is laid out on the wire (hci-reference §0, §4).

A codec encodes a Python value into a bytearray, decodes it back from a payload, validates the
range on encode, and renders the value for ``str()`` and JSON. Message declarations attach a
codec to each field with ``typing.Annotated``::

    duty_cycle: Annotated[int, U16(0, 1000, unit="‰")]
    mode: Annotated[ControlPilotMode, U8]          # an IntEnum annotation makes U8 an enum codec
    max_voltage: Annotated[float, Phys("V")]
    isolation: Annotated[IsolationLevel | None, Opt(U8)]

Codecs raise :class:`FieldFault` with the path of the faulty field; the message layer turns it
into :class:`~freev2g.hci.errors.PayloadError` (decode) or
:class:`~freev2g.hci.errors.EncodeError` (encode).
"""

from __future__ import annotations

import copy
import enum
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union

from freev2g.hci import physical
from freev2g.hci.ethernet import format_mac, parse_mac

if TYPE_CHECKING:
    from freev2g.hci.message import Struct

Siblings = Mapping[str, Any]


class FieldFault(Exception):
    """A field that cannot be decoded or encoded; ``path`` grows as the fault bubbles up."""

    def __init__(self, detail: str, path: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.path = path

    def within(self, name: str) -> FieldFault:
        """Prefix the path with the enclosing field name or list index."""
        if not self.path:
            self.path = name
        elif self.path.startswith("["):
            self.path = name + self.path
        else:
            self.path = f"{name}.{self.path}"
        return self


def _need(data: bytes, pos: int, size: int) -> None:
    if pos + size > len(data):
        raise FieldFault(f"needs {size} byte(s) at offset {pos}, payload has {len(data)}")


class Codec:
    """Base of all codecs. ``unit`` is shown after the value; ``default_none`` marks fields
    that may be absent (their dataclass default is ``None``)."""

    unit: str | None = None
    default_none = False

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        raise NotImplementedError

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        raise NotImplementedError

    def bind(self, py_type: Any) -> Codec:
        """Specialise by the field's annotation (enums, records); most codecs need nothing."""
        return self

    def to_json(self, value: Any) -> Any:
        return value

    def format(self, value: Any) -> str:
        text = str(self.to_json(value))
        return f"{text} {self.unit}" if self.unit and value is not None else text

    def describe(self) -> str:
        return type(self).__name__


class Int(Codec):
    """Big-endian integer of 1, 2, 4 or 8 bytes; call it to add a range and a unit."""

    def __init__(self, size: int, signed: bool, lo: int | None = None, hi: int | None = None,
                 unit: str | None = None) -> None:
        self.size = size
        self.signed = signed
        bits = size * 8
        self.type_lo = -(1 << (bits - 1)) if signed else 0
        self.type_hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        self.lo = self.type_lo if lo is None else lo
        self.hi = self.type_hi if hi is None else hi
        self.unit = unit

    def __call__(self, lo: int | None = None, hi: int | None = None, *, unit: str | None = None) -> Int:
        return Int(self.size, self.signed, lo, hi, unit)

    def bind(self, py_type: Any) -> Codec:
        if isinstance(py_type, type) and issubclass(py_type, enum.IntEnum):
            return EnumCodec(py_type, self)
        return self

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldFault(f"{value!r} is not an integer")
        if not self.lo <= value <= self.hi:
            raise FieldFault(f"{value} is outside {self.lo}..{self.hi}")
        return value

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        out += self.check(value).to_bytes(self.size, "big", signed=self.signed)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[int, int]:
        _need(data, pos, self.size)
        value = int.from_bytes(data[pos : pos + self.size], "big", signed=self.signed)
        if not self.lo <= value <= self.hi:
            raise FieldFault(f"{value} is outside {self.lo}..{self.hi}")
        return value, pos + self.size

    def describe(self) -> str:
        kind = f"{'s' if self.signed else 'u'}{self.size * 8}"
        if (self.lo, self.hi) != (self.type_lo, self.type_hi):
            kind += f" {self.lo}..{self.hi}"
        return kind


U8, U16, U32, U64 = Int(1, False), Int(2, False), Int(4, False), Int(8, False)
S8, S16, S32, S64 = Int(1, True), Int(2, True), Int(4, True), Int(8, True)


class EnumCodec(Codec):
    """An integer whose values are the members of an IntEnum; other values are rejected."""

    def __init__(self, enum_type: type[enum.IntEnum], base: Int) -> None:
        self.enum_type = enum_type
        self.base = base

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        self.base.encode(int(self._member(value)), out, siblings)

    def _member(self, value: Any) -> enum.IntEnum:
        if isinstance(value, str):
            try:
                return self.enum_type[value]
            except KeyError:
                pass
        try:
            return self.enum_type(value)
        except ValueError:
            names = ", ".join(f"{m.value} {m.name}" for m in self.enum_type)
            raise FieldFault(f"{value!r} is not a {self.enum_type.__name__} ({names})") from None

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[enum.IntEnum, int]:
        raw, pos = self.base.decode(data, pos, siblings)
        return self._member(raw), pos

    def to_json(self, value: Any) -> Any:
        try:
            return self._member(value).name
        except FieldFault:
            return value

    def format(self, value: Any) -> str:
        try:
            member = self._member(value)
        except FieldFault:
            return repr(value)
        return f"{member.name} ({int(member)})"

    def describe(self) -> str:
        return f"{self.base.describe()} {self.enum_type.__name__}"


class Bool(Codec):
    """One byte, 0x00 false and 0x01 true; other bytes are rejected."""

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, bool):
            raise FieldFault(f"{value!r} is not a boolean")
        out.append(int(value))

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[bool, int]:
        _need(data, pos, 1)
        if data[pos] > 1:
            raise FieldFault(f"boolean byte 0x{data[pos]:02X} is neither 0x00 nor 0x01")
        return data[pos] == 1, pos + 1

    def describe(self) -> str:
        return "bool"


BOOL = Bool()


class Phys(Codec):
    """Physical value: sint16 mantissa, sint8 exponent (see :mod:`freev2g.hci.physical`)."""

    def __init__(self, unit: str | None = None, lo: float | None = None, hi: float | None = None) -> None:
        self.unit = unit
        self.lo = lo
        self.hi = hi

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FieldFault(f"{value!r} is not a number")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise FieldFault(f"{value} is outside {self.lo}..{self.hi}")
        try:
            out += physical.encode(value)
        except ValueError as exc:
            raise FieldFault(str(exc)) from None

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[physical.Number, int]:
        _need(data, pos, physical.SIZE)
        return physical.decode(data[pos : pos + physical.SIZE]), pos + physical.SIZE

    def describe(self) -> str:
        return f"physical value ({self.unit})" if self.unit else "physical value"


class Opt(Codec):
    """Optional field ``T[0-1]``: a presence byte 0/1, then the value when it is 1."""

    default_none = True

    def __init__(self, inner: Codec) -> None:
        self.inner = inner
        self.unit = inner.unit

    def bind(self, py_type: Any) -> Codec:
        return _with_inner(self, self.inner.bind(_without_none(py_type)))

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        out.append(value is not None)
        if value is not None:
            self.inner.encode(value, out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        _need(data, pos, 1)
        flag = data[pos]
        if flag > 1:
            raise FieldFault(f"presence byte 0x{flag:02X} is neither 0x00 nor 0x01")
        return self.inner.decode(data, pos + 1, siblings) if flag else (None, pos + 1)

    def to_json(self, value: Any) -> Any:
        return None if value is None else self.inner.to_json(value)

    def format(self, value: Any) -> str:
        return "absent" if value is None else self.inner.format(value)

    def describe(self) -> str:
        return f"optional {self.inner.describe()}"


def _prefix_for(hi: int) -> Int:
    """Count prefix width: u8 when the maximum is <= 255, u16 above (hci-reference §0, §4)."""
    return U8 if hi <= 0xFF else U16


class Blob(Codec):
    """Variable byte array ``uint8[lo-hi]``: a count prefix, then the bytes."""

    def __init__(self, lo: int = 0, hi: int = 255, prefix: Int | None = None) -> None:
        self.lo, self.hi = lo, hi
        self.prefix = prefix or _prefix_for(hi)

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, bytes | bytearray):
            raise FieldFault(f"{value!r} is not bytes")
        if not self.lo <= len(value) <= self.hi:
            raise FieldFault(f"{len(value)} bytes is outside {self.lo}..{self.hi} bytes")
        self.prefix.encode(len(value), out, siblings)
        out += value

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[bytes, int]:
        count, pos = self.prefix.decode(data, pos, siblings)
        if not self.lo <= count <= self.hi:
            raise FieldFault(f"length {count} is outside {self.lo}..{self.hi}")
        _need(data, pos, count)
        return bytes(data[pos : pos + count]), pos + count

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()

    def describe(self) -> str:
        return f"{self.prefix.describe()}-prefixed bytes {self.lo}..{self.hi}"


class Str(Blob):
    """String ``string[lo-hi]``: a count prefix, then UTF-8 text (ASCII in practice)."""

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, str):
            raise FieldFault(f"{value!r} is not a string")
        super().encode(value.encode("utf-8"), out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        raw, pos = super().decode(data, pos, siblings)
        try:
            return raw.decode("utf-8"), pos
        except UnicodeDecodeError:
            raise FieldFault(f"string bytes {raw.hex()} are not UTF-8") from None

    def to_json(self, value: Any) -> Any:
        return value

    def format(self, value: Any) -> str:
        return repr(value)

    def describe(self) -> str:
        return f"{self.prefix.describe()}-prefixed string {self.lo}..{self.hi}"


class Fixed(Codec):
    """Fixed-size byte array ``uint8[N]`` with no prefix (session ID, IPv6 address, NMK)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, bytes | bytearray) or len(value) != self.size:
            raise FieldFault(f"{value!r} is not {self.size} bytes")
        out += value

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        _need(data, pos, self.size)
        return bytes(data[pos : pos + self.size]), pos + self.size

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()

    def describe(self) -> str:
        return f"{self.size} bytes"


class FixedStr(Fixed):
    """Fixed-size text, zero-padded when shorter (Certificate Manager file names, 40 bytes)."""

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, str):
            raise FieldFault(f"{value!r} is not a string")
        raw = value.encode("utf-8")
        if len(raw) > self.size:
            raise FieldFault(f"{len(raw)} bytes is longer than {self.size}")
        out += raw.ljust(self.size, b"\x00")

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        raw, pos = super().decode(data, pos, siblings)
        try:
            return raw.rstrip(b"\x00").decode("utf-8"), pos
        except UnicodeDecodeError:
            raise FieldFault(f"text bytes {raw.hex()} are not UTF-8") from None

    def to_json(self, value: Any) -> Any:
        return value

    def format(self, value: Any) -> str:
        return repr(value)


class Mac(Fixed):
    """A 6-byte MAC address, given and shown as ``00:01:01:63:77:33``."""

    def __init__(self) -> None:
        super().__init__(6)

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if isinstance(value, str):
            try:
                value = parse_mac(value)
            except ValueError as exc:
                raise FieldFault(str(exc)) from None
        super().encode(value, out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        raw, pos = super().decode(data, pos, siblings)
        return format_mac(raw), pos

    def to_json(self, value: Any) -> Any:
        return value if isinstance(value, str) else format_mac(bytes(value))

    def describe(self) -> str:
        return "MAC address"


MAC = Mac()


class Rest(Codec):
    """All remaining bytes of the payload, no prefix (ping data, FWU data, PIB data)."""

    def __init__(self, lo: int = 0, hi: int = 4088) -> None:
        self.lo, self.hi = lo, hi

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, bytes | bytearray):
            raise FieldFault(f"{value!r} is not bytes")
        if not self.lo <= len(value) <= self.hi:
            raise FieldFault(f"{len(value)} bytes is outside {self.lo}..{self.hi} bytes")
        out += value

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        count = len(data) - pos
        if not self.lo <= count <= self.hi:
            raise FieldFault(f"{count} remaining bytes is outside {self.lo}..{self.hi}")
        return bytes(data[pos:]), len(data)

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()

    def describe(self) -> str:
        return f"remaining bytes {self.lo}..{self.hi}"


class Record(Codec):
    """A nested :class:`~freev2g.hci.message.Struct` (schedule entry, interface info...)."""

    def __init__(self, struct: type[Struct]) -> None:
        self.struct = struct

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if not isinstance(value, self.struct):
            raise FieldFault(f"{value!r} is not a {self.struct.__name__}")
        value.encode_into(out)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        return self.struct.decode_from(data, pos)

    def to_json(self, value: Any) -> Any:
        return value.to_json()

    def format(self, value: Any) -> str:
        return "{" + str(value.format_fields()) + "}"

    def describe(self) -> str:
        return self.struct.__name__


def _struct_type(py_type: Any) -> type[Struct] | None:
    from freev2g.hci.message import Struct

    return py_type if isinstance(py_type, type) and issubclass(py_type, Struct) else None


class List(Codec):
    """Count-prefixed list ``T[lo-hi]``; ``count=None`` repeats items until the payload ends.

    The item codec may be omitted when the annotation names a Struct (``list[ScheduleEntry]``).
    """

    def __init__(self, item: Codec | None = None, lo: int = 0, hi: int = 255,
                 count: Int | None = U8) -> None:
        self.item = item
        self.lo, self.hi = lo, hi
        self.count = count

    def bind(self, py_type: Any) -> Codec:
        args = typing.get_args(_without_none(py_type))
        item_type = args[0] if args else None
        item = self.item
        if item is None:
            struct = _struct_type(item_type)
            if struct is None:
                raise TypeError(f"List() without an item codec needs list[Struct], got {py_type}")
            item = Record(struct)
        return List(item.bind(item_type), self.lo, self.hi, self.count)

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        assert self.item is not None
        if not isinstance(value, list | tuple):
            raise FieldFault(f"{value!r} is not a list")
        if not self.lo <= len(value) <= self.hi:
            raise FieldFault(f"{len(value)} items is outside {self.lo}..{self.hi} items")
        if self.count is not None:
            self.count.encode(len(value), out, siblings)
        for index, item in enumerate(value):
            try:
                self.item.encode(item, out, siblings)
            except FieldFault as fault:
                raise fault.within(f"[{index}]") from None

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        assert self.item is not None
        items: list[Any] = []
        if self.count is None:
            while pos < len(data):
                item, pos = self._item(data, pos, siblings, len(items))
                items.append(item)
            if not self.lo <= len(items) <= self.hi:
                raise FieldFault(f"{len(items)} items is outside {self.lo}..{self.hi}")
            return items, pos
        count, pos = self.count.decode(data, pos, siblings)
        if not self.lo <= count <= self.hi:
            raise FieldFault(f"count {count} is outside {self.lo}..{self.hi}")
        for index in range(count):
            item, pos = self._item(data, pos, siblings, index)
            items.append(item)
        return items, pos

    def _item(self, data: bytes, pos: int, siblings: Siblings, index: int) -> tuple[Any, int]:
        assert self.item is not None
        try:
            return self.item.decode(data, pos, siblings)
        except FieldFault as fault:
            raise fault.within(f"[{index}]") from None

    def to_json(self, value: Any) -> Any:
        assert self.item is not None
        return [self.item.to_json(item) for item in value]

    def format(self, value: Any) -> str:
        assert self.item is not None
        unit = f" {self.item.unit}" if self.item.unit else ""
        return "[" + ", ".join(self.item.format(item) if not unit else str(self.item.to_json(item))
                               for item in value) + "]" + unit

    def describe(self) -> str:
        assert self.item is not None
        prefix = "until the end" if self.count is None else f"{self.count.describe()} count"
        return f"list of {self.item.describe()} ({prefix}, {self.lo}..{self.hi})"


class When(Codec):
    """A field present only when an earlier field of the same struct has one of ``values``.

    Example: the SDP port follows only when ``allow_unsecure`` is true (manual 2.14 p145).
    """

    default_none = True

    def __init__(self, field: str, values: typing.Collection[Any], inner: Codec) -> None:
        self.field = field
        self.values = frozenset(values)
        self.inner = inner
        self.unit = inner.unit

    def bind(self, py_type: Any) -> Codec:
        return _with_inner(self, self.inner.bind(_without_none(py_type)))

    def _present(self, siblings: Siblings) -> bool:
        value = siblings.get(self.field)
        if isinstance(value, str):  # an enum field given by member name
            value = next((v for v in self.values if isinstance(v, enum.Enum) and v.name == value), value)
        try:
            return value in self.values
        except TypeError:  # an unhashable value (a list) is never one of the values
            return False

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        present = self._present(siblings)
        if present and value is None:
            raise FieldFault(f"required because {self.field} is {siblings.get(self.field)!r}")
        if not present and value is not None:
            raise FieldFault(f"must be None because {self.field} is {siblings.get(self.field)!r}")
        if present:
            self.inner.encode(value, out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        return self.inner.decode(data, pos, siblings) if self._present(siblings) else (None, pos)

    def to_json(self, value: Any) -> Any:
        return None if value is None else self.inner.to_json(value)

    def format(self, value: Any) -> str:
        return "absent" if value is None else self.inner.format(value)

    def describe(self) -> str:
        return f"{self.inner.describe()} (when {self.field} in {sorted(self.values, key=int)})"


class Trailing(Codec):
    """A field that older or newer firmware omits at the end of the payload.

    Decoded when bytes remain, else ``None``; encoded only when not ``None``. Used where the
    manuals document firmware variants (v1-api §1.12, hci-reference §7.1 #8).
    """

    default_none = True

    def __init__(self, inner: Codec) -> None:
        self.inner = inner
        self.unit = inner.unit

    def bind(self, py_type: Any) -> Codec:
        return _with_inner(self, self.inner.bind(_without_none(py_type)))

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if value is not None:
            self.inner.encode(value, out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        return self.inner.decode(data, pos, siblings) if pos < len(data) else (None, pos)

    def to_json(self, value: Any) -> Any:
        return None if value is None else self.inner.to_json(value)

    def format(self, value: Any) -> str:
        return "absent" if value is None else self.inner.format(value)

    def describe(self) -> str:
        return f"{self.inner.describe()} (absent in some firmware)"


class Tagged(Codec):
    """A tag byte selecting which Struct follows (v1 DC or AC parameter blocks).

    ``cases`` maps tag values (ints or IntEnum members) to Struct types; the value is an
    instance of one of them and its tag is derived from its type on encode.
    """

    def __init__(self, tag: Int, cases: Mapping[int, type[Struct]], name: str = "type") -> None:
        self.tag = tag
        self.cases = dict(cases)
        self.tags = {struct: tag_value for tag_value, struct in cases.items()}
        self.name = name

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        tag = self.tags.get(type(value))
        if tag is None:
            names = ", ".join(s.__name__ for s in self.cases.values())
            raise FieldFault(f"{value!r} is none of {names}")
        self.tag.encode(int(tag), out, siblings)
        value.encode_into(out)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        tag, pos = self.tag.decode(data, pos, siblings)
        struct = self.cases.get(tag)
        if struct is None:
            raise FieldFault(f"{self.name} {tag} is none of {sorted(int(t) for t in self.cases)}")
        return struct.decode_from(data, pos)

    def to_json(self, value: Any) -> Any:
        tag = self.tags[type(value)]
        return {self.name: tag.name if isinstance(tag, enum.Enum) else tag, **value.to_json()}

    def format(self, value: Any) -> str:
        tag = self.tags[type(value)]
        label = tag.name if isinstance(tag, enum.Enum) else str(tag)
        fields = value.format_fields()
        return f"{label}{{{fields}}}" if fields else label

    def describe(self) -> str:
        choices = " | ".join(struct.__name__ for struct in self.cases.values())
        return f"{self.tag.describe()} {self.name} selecting {choices}"


_C = typing.TypeVar("_C", bound=Codec)


def _with_inner(codec: _C, inner: Codec) -> _C:
    """A copy of a wrapping codec (subclasses included) around a bound inner codec."""
    clone = copy.copy(codec)
    clone.inner = inner  # type: ignore[attr-defined]
    return clone


def _without_none(py_type: Any) -> Any:
    """``X | None`` -> ``X`` (annotations of optional fields)."""
    origin = typing.get_origin(py_type)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(py_type) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return py_type
