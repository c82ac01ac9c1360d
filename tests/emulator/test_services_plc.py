"""PLC service 0x2A (manual 2.14 §17, p114-p118)."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.plc import DATA_AREA, JOIN_DELAY, PIB_SIZE, PlcService, default_pib
from freev2g.hci.catalog import plc
from freev2g.hci.catalog.plc import JoinResult
from tests.catalog.test_plc import NID, NMK, PIB_DATA, VECTORS
from tests.emulator.examples import check_example, example_pairs, send_example
from tests.emulator.harness import Host, result_code


@pytest.fixture
def host() -> Host:
    return Host.with_service(PlcService)


def test_manual_examples_in_order(host: Host) -> None:
    pairs = example_pairs(VECTORS)
    assert len(pairs) == 3
    for command, response in pairs:
        check_example(host, command, response)


def test_default_pib_reads_as_the_example_before_any_change(host: Host) -> None:
    read = next(c for c, _ in example_pairs(VECTORS) if isinstance(c.expected, plc.ReadPibFile))
    assert send_example(host, read).payload == b"\x00" + PIB_DATA
    assert len(default_pib()) == PIB_SIZE == 16384
    assert default_pib("02:00:00:00:00:07")[DATA_AREA + 12:DATA_AREA + 18] == bytes.fromhex("020000000007")


def test_join_example_then_success_status_after_a_second(host: Host) -> None:
    join = next(c for c, _ in example_pairs(VECTORS) if isinstance(c.expected, plc.JoinHpgpNetwork))
    assert send_example(host, join).payload == b"\x00"
    host.clock.advance(JOIN_DELAY - 0.01)
    assert host.take() == []
    host.clock.advance(0.01)
    (status,) = host.take()
    assert (status.sub_id, status.request_id, status.payload) == (0x80, 0xFF, b"\x01")  # p115
    assert (host.service(PlcService).nid, host.service(PlcService).nmk) == (NID, NMK)


def test_nid_bits_7_and_8_are_ignored(host: Host) -> None:
    host.request(plc.JoinHpgpNetwork(nid=bytes(6) + b"\xc5", nmk=NMK))
    host.clock.advance(JOIN_DELAY)
    assert host.service(PlcService).nid == bytes(6) + b"\x05"


def test_join_while_joining_is_busy_and_policy_can_fail_it(host: Host) -> None:
    host.service(PlcService).join_policy = lambda nid, nmk: nmk == NMK
    host.request(plc.JoinHpgpNetwork(nid=NID, nmk=bytes(16)))
    assert result_code(host.request(plc.JoinHpgpNetwork(nid=NID, nmk=NMK))) == 0x01
    host.clock.advance(JOIN_DELAY)
    assert host.decoded() == [plc.HpgpJoinStatus(status=JoinResult.FAILED)]
    assert host.service(PlcService).nmk is None
    host.request(plc.JoinHpgpNetwork(nid=NID, nmk=NMK))
    host.clock.advance(JOIN_DELAY)
    assert host.decoded() == [plc.HpgpJoinStatus(status=JoinResult.SUCCESS)]


def test_change_reads_back_at_file_offset_3c0(host: Host) -> None:
    assert host.request(plc.ChangePibFile(offset=0x100, data=b"\x12\x34\x56")) == plc.ChangePibFile.Response()
    assert host.request(plc.ReadPibFile(offset=0xFF, length=5)) == \
        plc.ReadPibFile.Response(data=b"\x00\x12\x34\x56\x00")
    assert host.service(PlcService).pib[0x3C0 + 0x100:0x3C0 + 0x103] == b"\x12\x34\x56"
    assert host.request(plc.ReadPibFile(offset=0, length=0)) == plc.ReadPibFile.Response(data=b"")


def test_access_past_the_data_area_is_04(host: Host) -> None:
    end = PIB_SIZE - DATA_AREA
    assert host.request(plc.ReadPibFile(offset=end - 4, length=4)) == plc.ReadPibFile.Response(data=bytes(4))
    assert result_code(host.request(plc.ReadPibFile(offset=end - 4, length=5))) == 0x04
    assert result_code(host.request(plc.ChangePibFile(offset=end, data=b"\x01"))) == 0x04


def test_restart_keeps_the_pib_and_forgets_the_network_factory_reset_restores(host: Host) -> None:
    host.request(plc.ChangePibFile(offset=12, data=b"\xaa" * 6))
    host.request(plc.JoinHpgpNetwork(nid=NID, nmk=NMK))
    host.clock.advance(JOIN_DELAY)
    host.take()
    host.module.restart()
    assert host.service(PlcService).nmk is None
    assert host.request(plc.ReadPibFile(offset=12, length=6)) == plc.ReadPibFile.Response(data=b"\xaa" * 6)
    host.request(plc.JoinHpgpNetwork(nid=NID, nmk=NMK))
    host.module.restart(factory=True)
    host.clock.advance(JOIN_DELAY)
    assert host.take() == []  # the pending join died with the restart
    assert host.request(plc.ReadPibFile(offset=0, length=32)) == plc.ReadPibFile.Response(data=PIB_DATA)
