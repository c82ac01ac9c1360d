"""The catalog as Lua tables: every message, struct, field and enum of both generations.

Each field codec of :mod:`freev2g.hci.codecs` (and the catalog's own codecs) becomes one call of a
field constructor of the Lua runtime (``int``, ``phys``, ``opt``, ``list``...), which creates the
Wireshark ProtoField and remembers how to read the field. Nothing is written by hand: a codec
type the generator does not know is an error, so a new codec cannot be silently skipped.

Field filter names are ``freev2g.<catalog file>.<struct>.<field>``, for example
``freev2g.v2g_evse_v2.evse_set_dc_charging_parameters.max_voltage``; list items add ``.item`` and the
tag of a tagged field adds its tag name.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from freev2g.hci import catalog, codecs, results
from freev2g.hci.catalog.certmgr import Flags, UnixTime
from freev2g.hci.catalog.netconf import IpAddress
from freev2g.hci.catalog.system import CountedMac
from freev2g.hci.catalog.v2g_evse_v2 import CountedFixed, SalesTariffSection
from freev2g.hci.message import Message, ResponseMessage, Status, Struct, declared
from freev2g.hci.modules import MODULE_TITLES, Direction, Generation
from freev2g.wireshark import lua

assert catalog.MODULES  # importing the catalog registers every declaration
Q = lua.string


def snake(name: str) -> str:
    """``SetDcChargeParameters.Response`` -> ``set_dc_charge_parameters.response``."""
    parts = [re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", part).lower()
             for part in name.split(".")]
    return ".".join(part.strip("_") for part in parts)


def struct_key(struct: type[Struct]) -> str:
    """The Lua key and filter-name stem of a struct: catalog file and qualified class name."""
    return f"{struct.__module__.rsplit('.', 1)[-1]}.{snake(struct.__qualname__)}"


@dataclass
class CatalogTables:
    """Collects the structs and enums the messages reach, each emitted once."""

    structs: dict[str, list[str]] = field(default_factory=dict)
    enums: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    flag_sets: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def struct(self, struct: type[Struct]) -> str:
        key = struct_key(struct)
        if key not in self.structs:
            self.structs[key] = []  # reserve first: a struct may be reached again while walking
            self.structs[key] = [self.codec(spec.codec, f"freev2g.{key}.{spec.name}", spec.name)
                                 for spec in struct.field_specs]
        return key

    def enum_key(self, enum_type: type[enum.IntEnum]) -> str:
        key = f"{enum_type.__module__.rsplit('.', 1)[-1]}.{enum_type.__qualname__}"
        self.enums.setdefault(key, [(int(member), member.name) for member in enum_type])
        return key

    def flag_key(self, flag_type: type[enum.IntFlag]) -> str:
        key = f"{flag_type.__module__.rsplit('.', 1)[-1]}.{flag_type.__qualname__}"
        self.flag_sets.setdefault(key, [(int(member), member.name or "") for member in flag_type])
        return key

    def codec(self, codec: codecs.Codec, abbrev: str, name: str) -> str:
        """The Lua constructor call that reads ``codec`` as field ``name``."""
        writer = _WRITERS.get(type(codec))
        if writer is None:
            raise TypeError(f"{abbrev}: no Lua reader for codec {type(codec).__name__}; add one to"
                            " freev2g.wireshark.tables and the Lua runtime")
        return writer(self, codec, abbrev, name)


def _unit(codec: codecs.Codec) -> str:
    return lua.string(codec.unit) if codec.unit else "nil"


def _range(codec: codecs.Int) -> tuple[str, str]:
    """Range limits worth checking (Lua numbers are doubles: 64-bit limits are not checked)."""
    if codec.size == 8 or (codec.lo, codec.hi) == (codec.type_lo, codec.type_hi):
        return "nil", "nil"
    return str(codec.lo), str(codec.hi)


def _int(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Int)
    lo, hi = _range(codec)
    return lua.call("int", Q(abbrev), Q(name), str(codec.size), lua.number(codec.signed), lo, hi,
                    _unit(codec))


def _enum(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.EnumCodec)
    base = codec.base
    return lua.call("enum", Q(abbrev), Q(name), str(base.size), lua.number(base.signed),
                    lua.string(tables.enum_key(codec.enum_type)))


def _flags(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, Flags)
    names = lua.string(tables.flag_key(codec.flag_type)) if codec.flag_type else "nil"
    return lua.call("flags", Q(abbrev), Q(name), str(codec.size), names)


def _simple(kind: str) -> Callable[[CatalogTables, codecs.Codec, str, str], str]:
    def write(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
        if kind == "phys":
            return lua.call(kind, Q(abbrev), Q(name), _unit(codec))
        return lua.call(kind, Q(abbrev), Q(name))
    return write


def _sized(kind: str) -> Callable[[CatalogTables, codecs.Codec, str, str], str]:
    def write(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
        assert isinstance(codec, codecs.Fixed | CountedFixed)
        return lua.call(kind, Q(abbrev), Q(name), str(codec.size))
    return write


def _blob(kind: str) -> Callable[[CatalogTables, codecs.Codec, str, str], str]:
    def write(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
        assert isinstance(codec, codecs.Blob)
        return lua.call(kind, Q(abbrev), Q(name), str(codec.prefix.size), str(codec.lo), str(codec.hi))
    return write


def _rest(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Rest)
    return lua.call("rest", Q(abbrev), Q(name), str(codec.lo), str(codec.hi))


def _opt(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Opt)
    return lua.call("opt", tables.codec(codec.inner, abbrev, name))


def _trailing(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Trailing)
    return lua.call("trailing", tables.codec(codec.inner, abbrev, name))


def _when(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.When)
    values = "{" + ", ".join(str(int(v)) for v in sorted(codec.values, key=int)) + "}"
    return lua.call("when", lua.string(codec.field), values, tables.codec(codec.inner, abbrev, name))


def _list(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.List) and codec.item is not None
    count = str(codec.count.size) if codec.count is not None else "nil"
    item = tables.codec(codec.item, abbrev + ".item", name)
    return lua.call("list", Q(abbrev), Q(name), count, str(codec.lo), str(codec.hi), item)


def _record(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Record)
    return lua.call("record", Q(abbrev), Q(name), lua.string(tables.struct(codec.struct)))


def _tagged(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, codecs.Tagged)
    enum_types = {type(tag) for tag in codec.cases if isinstance(tag, enum.IntEnum)}
    names = lua.string(tables.enum_key(enum_types.pop())) if len(enum_types) == 1 else "nil"
    cases = lua.integer_map(((int(tag), tables.struct(struct)) for tag, struct in codec.cases.items()),
                            indent="    ")
    tag_abbrev = Q(f"{abbrev}.{codec.name}")
    return lua.call("tagged", Q(abbrev), Q(name), lua.string(codec.name), tag_abbrev, str(codec.tag.size),
                    names, cases)


def _sales_tariffs(tables: CatalogTables, codec: codecs.Codec, abbrev: str, name: str) -> str:
    assert isinstance(codec, SalesTariffSection)
    assert isinstance(codec.inner, codecs.Record) and isinstance(codec.counted, codecs.Record)
    fixed, counted = tables.struct(codec.inner.struct), tables.struct(codec.counted.struct)
    return lua.call("tariff_section", Q(abbrev), Q(name), lua.string(fixed), lua.string(counted))


_WRITERS: dict[type, Callable[[CatalogTables, codecs.Codec, str, str], str]] = {
    codecs.Int: _int,
    codecs.EnumCodec: _enum,
    Flags: _flags,
    UnixTime: _simple("unix_time"),
    codecs.Bool: _simple("bool"),
    codecs.Phys: _simple("phys"),
    codecs.Opt: _opt,
    codecs.When: _when,
    codecs.Trailing: _trailing,
    codecs.Blob: _blob("blob"),
    codecs.Str: _blob("str"),
    codecs.Fixed: _sized("fixed"),
    codecs.FixedStr: _sized("fixed_str"),
    CountedFixed: _sized("counted_fixed"),
    codecs.Mac: _simple("mac"),
    CountedMac: _simple("counted_mac"),
    IpAddress: lambda tables, codec, abbrev, name: lua.call(
        "ipv4" if isinstance(codec, IpAddress) and codec.version == 4 else "ipv6", Q(abbrev), Q(name)),
    codecs.Rest: _rest,
    codecs.List: _list,
    codecs.Record: _record,
    codecs.Tagged: _tagged,
    SalesTariffSection: _sales_tariffs,
}


@dataclass(frozen=True)
class MessageEntry:
    generation: Generation
    message: type[Message]
    struct: str

    @property
    def key(self) -> str:
        direction = "h" if self.message.direction is Direction.HOST else "m"
        return f"{self.message.module_id:02X}:{self.message.sub_id:02X}:{direction}"

    def lua(self) -> str:
        has_result = issubclass(self.message, ResponseMessage) and self.message.has_result
        kind = "status" if issubclass(self.message, Status) else self.message.kind
        return (f"  [{lua.string(self.key)}] = {{ title = {lua.string(self.message.title)},"
                f" kind = {lua.string(kind)}, result = {lua.number(has_result)},"
                f" struct = {lua.string(self.struct)} }},")


def message_entries(tables: CatalogTables, generation: Generation) -> Iterator[MessageEntry]:
    """Every declared message of ``generation``, sorted by module, sub-ID and direction."""
    messages = sorted(declared(generation), key=lambda m: (m.module_id, m.sub_id, m.direction.value))
    for message in messages:
        yield MessageEntry(generation, message, tables.struct(message))


def module_titles() -> str:
    return lua.integer_map(sorted((int(module), title) for module, title in MODULE_TITLES.items()), indent="")


def result_meanings() -> str:
    """Generic result codes and the module-specific ones (manual 2.14 p48, hci-reference §2.2)."""
    lines = ["{", f"  generic = {lua.integer_map(sorted(results.GENERIC.items()), indent='  ')},"]
    for module, meanings in sorted(results.MODULE_SPECIFIC.items()):
        lines.append(f"  [{int(module)}] = {lua.integer_map(sorted(meanings.items()), indent='  ')},")
    lines.append("}")
    return "\n".join(lines)
