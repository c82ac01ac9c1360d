"""The manuals' Sub-ID tables as data: the catalog must declare every message of every module of
both generations, and nothing else.

Tables: manual 2.14 (v2) §10.3.1 p49, §11.2 p50, §12.2 p65, §13.2 p68, §14.2 p85, §15.2 p92,
§16.2 p102, §17.2 p114, §18.2-§18.7 p119-p122, §19.1 p172, §20 p177; manual 2.11 (v1) the same
chapters one lower from §12 on, V2G §17.2-§17.7 p115-p118 (v1-api §1.3).
"""

from __future__ import annotations

import pytest

from freev2g.hci import catalog  # noqa: F401 - registers every declaration
from freev2g.hci.message import Command, ResponseMessage, Status, declared, lookup
from freev2g.hci.modules import Direction, Generation, ModuleId

M = ModuleId


def span(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


# module -> (command Sub-IDs, status Sub-IDs); identical in both generations
SHARED = {
    M.FRAMING: ({0x00}, set()),
    M.FRAMING_ERROR: (set(), span(0xF0, 0xFD)),
    M.SYSTEM: ({0x40, 0x41, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x57, 0x58, 0x59, 0x5A}, set()),
    M.NETWORK_CONFIGURATION: (
        {0x42, 0x43, 0x4A, 0x4B, 0x4C, 0x4D, 0x50, 0x51, 0x52, 0x55, 0x56, 0x57, 0x58}, span(0x80, 0x83)),
    M.FIRMWARE_UPDATE: ({0x04, 0x40, 0x41}, span(0x80, 0x83)),
    M.CONTROL_PILOT: (span(0x40, 0x4B), {0x80, 0x81}),
    M.SLAC: (span(0x40, 0x4C), span(0x80, 0x83)),
    M.PLC: ({0x40, 0x41, 0x42}, {0x80}),
    M.GPIO: (span(0x40, 0x43), set()),
}
EV_ROLE = (span(0xA0, 0xAE), span(0xC0, 0xCD))

TABLES: dict[Generation, dict[int, tuple[set[int], set[int]]]] = {
    Generation.V1: {
        **SHARED,
        M.V2G: ({0x40, 0x41, 0x42, 0x43} | EV_ROLE[0] | span(0x60, 0x72), EV_ROLE[1] | span(0x80, 0x8C)),
    },
    Generation.V2: {
        **SHARED,
        M.TIME: ({0x40, 0x41}, set()),
        M.V2G: ({0x40, 0x41} | EV_ROLE[0] | span(0x60, 0x70) | span(0x73, 0x75),  # 0x71, 0x72: unused
                EV_ROLE[1] | span(0x80, 0x8C) | span(0x8E, 0x91)),
        M.CERTIFICATE_MANAGER: (span(0x40, 0x44) | span(0x60, 0x67), {0x80, 0x81, 0xA0, 0xA1}),
    },
}

# Declared beyond the manuals, each with its reason in its docstring.
EXTRAS = {
    (Generation.V2, M.V2G, 0x76, Direction.HOST),  # Set Session Parameter Timeout, newer firmware
    (Generation.V2, M.V2G, 0x76, Direction.MODULE),
}

REPLY_SUB_ID = {(M.FRAMING, 0x00): 0x01}  # ping reply, manual p49


def expected_keys(generation: Generation) -> set[tuple[int, int, Direction]]:
    keys = set()
    for module, (commands, statuses) in TABLES[generation].items():
        for sub_id in commands:
            keys.add((module, sub_id, Direction.HOST))
            keys.add((module, REPLY_SUB_ID.get((module, sub_id), sub_id), Direction.MODULE))
        keys |= {(module, sub_id, Direction.MODULE) for sub_id in statuses}
    return keys


@pytest.mark.parametrize("generation", list(Generation), ids=lambda g: g.value)
def test_every_message_of_the_manual_is_declared(generation: Generation) -> None:
    missing = sorted(
        f"{ModuleId(m).name} 0x{s:02X} {d.value}"
        for m, s, d in expected_keys(generation)
        if lookup(m, s, d, generation) is None
    )
    assert not missing, f"missing in {generation.value}: {missing}"


@pytest.mark.parametrize("generation", list(Generation), ids=lambda g: g.value)
def test_nothing_is_declared_beyond_the_manual(generation: Generation) -> None:
    allowed = expected_keys(generation) | {(m, s, d) for g, m, s, d in EXTRAS if g is generation}
    extra = sorted(
        f"{cls.__qualname__} 0x{cls.module_id:02X}/0x{cls.sub_id:02X}"
        for cls in declared(generation)
        if (cls.module_id, cls.sub_id, cls.direction) not in allowed
    )
    assert not extra, f"declared in {generation.value} but not in its manual: {extra}"


@pytest.mark.parametrize("generation", list(Generation), ids=lambda g: g.value)
def test_kinds_match_the_tables(generation: Generation) -> None:
    for module, (commands, statuses) in TABLES[generation].items():
        for sub_id in commands:
            command = lookup(module, sub_id, Direction.HOST, generation)
            assert command is not None and issubclass(command, Command), (module, sub_id)
            assert issubclass(command.Response, ResponseMessage)
            assert lookup(module, command.Response.sub_id, Direction.MODULE, generation) is command.Response
        for sub_id in statuses:
            status = lookup(module, sub_id, Direction.MODULE, generation)
            assert status is not None and issubclass(status, Status), (module, sub_id)


def test_v1_has_neither_time_nor_certificate_manager() -> None:
    for cls in declared(Generation.V1):
        assert cls.module_id not in (M.TIME, M.CERTIFICATE_MANAGER), cls.__qualname__
