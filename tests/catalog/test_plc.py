"""PLC module 0x2A: every example frame of manuals 2.14 (p115-p118) and 2.11 (p111-p114,
identical; hci-reference §6.1)."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import plc
from freev2g.hci.errors import EncodeError, PayloadError
from freev2g.hci.message import Command, lookup
from freev2g.hci.modules import Direction, ModuleId
from tests.vectors import BOTH, HOST, MODULE, V1, V2, Vector, check_vector, decode_hex

NID = bytes(range(1, 8))
NMK = bytes(range(16))
PIB_DATA = bytes(12) + bytes.fromhex("C493 0000 0001") + b"\xff" * 14

VECTORS = [
    Vector("2.14 p115, 2.11 p111", "C0 2A 80 FF 00 01 01 00 C1", MODULE,
           plc.HpgpJoinStatus(status=plc.JoinResult.SUCCESS)),
    Vector("2.14 p116, 2.11 p112",
           "C0 2A 40 00 00 17 01 02 03 04 05 06 07 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 00 C1",
           HOST, plc.JoinHpgpNetwork(nid=NID, nmk=NMK)),
    Vector("2.14 p116, 2.11 p112", "C0 2A 40 00 00 01 00 00 C1", MODULE, plc.JoinHpgpNetwork.Response()),
    Vector("2.14 p117, 2.11 p113", "C0 2A 41 01 00 0A 00 0C 00 06 C4 93 00 00 00 01 00 C1", HOST,
           plc.ChangePibFile(offset=12, data=bytes.fromhex("C49300000001"))),
    Vector("2.14 p117, 2.11 p113", "C0 2A 41 01 00 01 00 00 C1", MODULE, plc.ChangePibFile.Response()),
    Vector("2.14 p118, 2.11 p114", "C0 2A 42 02 00 04 00 00 00 20 00 C1", HOST,
           plc.ReadPibFile(offset=0, length=32)),
    Vector("2.14 p118, 2.11 p114",
           "C0 2A 42 02 00 21 00 00 00 00 00 00 00 00 00 00 00 00 00 C4 93 00 00 00 01"
           " FF FF FF FF FF FF FF FF FF FF FF FF FF FF 00 C1", MODULE,
           plc.ReadPibFile.Response(data=PIB_DATA)),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


def test_every_message_is_declared_in_both_generations() -> None:
    for generation in BOTH:
        for sub_id in (0x40, 0x41, 0x42):
            command = lookup(ModuleId.PLC, sub_id, Direction.HOST, generation)
            assert command is not None and issubclass(command, Command) and command.__module__ == plc.__name__
            assert lookup(ModuleId.PLC, sub_id, Direction.MODULE, generation) is command.Response
        assert lookup(ModuleId.PLC, 0x80, Direction.MODULE, generation) is plc.HpgpJoinStatus


def test_join_status_may_carry_the_join_request_id() -> None:
    """§17.3 (p114): the request ID of the related command when the module can relate it."""
    decoded = decode_hex("C0 2A 80 00 00 01 00 00 C1", V1, MODULE)
    assert decoded == plc.HpgpJoinStatus(status=plc.JoinResult.FAILED)


def test_nid_top_bits_are_not_checked() -> None:
    """The module ignores bits 7 and 8 of the NID's last byte (p116)."""
    assert plc.JoinHpgpNetwork(nid=bytes(6) + b"\xc0", nmk=NMK).payload()[6] == 0xC0
    frame = "C0 2A 40 00 00 17 00 00 00 00 00 00 C0" + " 00" * 16 + " 00 C1"
    assert decode_hex(frame, V2, HOST) == plc.JoinHpgpNetwork(nid=bytes(6) + b"\xc0", nmk=bytes(16))


def test_key_sizes_are_fixed() -> None:
    with pytest.raises(EncodeError, match="nid"):
        plc.JoinHpgpNetwork(nid=bytes(6), nmk=NMK).payload()
    with pytest.raises(EncodeError, match="nmk"):
        plc.JoinHpgpNetwork(nid=NID, nmk=bytes(15)).payload()
    with pytest.raises(PayloadError, match="Join HPGP Network: field 'nmk'"):
        decode_hex("C0 2A 40 00 00 16 01 02 03 04 05 06 07" + " 00" * 15 + " 00 C1", V2, HOST)


def test_change_pib_length_is_the_data_length() -> None:
    assert plc.ChangePibFile(offset=0x3C, data=b"\xaa" * 600).payload()[:4] == bytes.fromhex("003C0258")
    for bad in (b"", b"\xaa" * 601):
        with pytest.raises(EncodeError, match=r"data.*1\.\.600"):
            plc.ChangePibFile(offset=0, data=bad).payload()
    # length 7 with 6 data bytes, and length 5 with 6 data bytes
    with pytest.raises(PayloadError, match="Change PIB File: field 'data'"):
        decode_hex("C0 2A 41 01 00 0A 00 0C 00 07 C4 93 00 00 00 01 00 C1", V2, HOST)
    with pytest.raises(PayloadError, match="Change PIB File: 1 unexpected byte"):
        decode_hex("C0 2A 41 01 00 0A 00 0C 00 05 C4 93 00 00 00 01 00 C1", V2, HOST)


def test_read_pib_at_most_600_bytes() -> None:
    with pytest.raises(EncodeError, match=r"length.*0\.\.600"):
        plc.ReadPibFile(offset=0, length=601).payload()
    with pytest.raises(EncodeError, match=r"data.*0\.\.600"):
        plc.ReadPibFile.Response(data=bytes(601)).payload()
    assert plc.ReadPibFile.Response(data=b"").payload() == b"\x00"


def test_unknown_join_status_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="Status for Joining HPGP Network: field 'status'"):
        decode_hex("C0 2A 80 FF 00 01 02 00 C1", V2, MODULE)
