"""Firmware Update module 0x11: every example frame of manuals 2.14 (p87-p91) and 2.11
(p83-p87, identical; hci-reference §6.1), the printed mistakes and the decisions on them."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import fwu
from freev2g.hci.errors import EncodeError, MissingEnd, PayloadError
from freev2g.hci.message import Command, lookup
from freev2g.hci.modules import Direction, ModuleId
from tests.vectors import (
    BOTH,
    HOST,
    MODULE,
    V1,
    V2,
    BadVector,
    Vector,
    check_bad_vector,
    check_vector,
    decode_hex,
)

VECTORS = [
    Vector("2.14 p87, 2.11 p83", "C0 11 04 00 00 0C 00 00 00 00 30 31 32 33 34 35 36 37 00 C1", HOST,
           fwu.FwuDataFrame(packet_number=0, data=b"01234567")),
    Vector("2.14 p87, 2.11 p83", "C0 11 04 00 00 01 00 00 C1", MODULE, fwu.FwuDataFrame.Response()),
    Vector("2.14 p88, 2.11 p84", "C0 11 40 01 00 00 00 C1", HOST, fwu.GetStatus()),
    Vector("2.14 p88, 2.11 p84", "C0 11 40 01 00 03 00 01 62 00 C1", MODULE,
           fwu.GetStatus.Response(status=fwu.UpdateStatus.UPDATE_ACTIVE, progress=98)),
    Vector("2.14 p89, 2.11 p85", "C0 11 41 02 00 01 02 00 C1", HOST,
           fwu.SetMode(mode=fwu.UpdateMode.UPDATE_VIA_FRAMING)),
    Vector("2.14 p89, 2.11 p85 corrected (length 3)", "C0 11 41 02 00 03 00 09 CF 00 C1", MODULE,
           fwu.SetMode.Response(rx_buffer=2511)),
    Vector("2.14 p90, 2.11 p86", "C0 11 80 FF 00 00 00 C1", MODULE, fwu.FirmwareUpdateReady()),
    Vector("2.14 p90, 2.11 p86", "C0 11 81 FF 00 00 00 C1", MODULE, fwu.FirmwareUpdateTimeout()),
    Vector("2.14 p90-p91, 2.11 p86-p87", "C0 11 82 FF 00 00 00 C1", MODULE, fwu.FirmwareUpdateError()),
    Vector("2.14 p91, 2.11 p87 corrected (length 5)", "C0 11 83 FF 00 05 00 00 00 00 10 00 C1", MODULE,
           fwu.RequestMissingPackets(request_type=fwu.RequestType.REPEAT_FROM_PACKET, packet_number=16)),
]

BAD_VECTORS = [
    BadVector("2.14 p89, 2.11 p85", "C0 11 41 02 00 01 00 09 CF 00 C1", MODULE, MissingEnd,
              "Set Mode response: length 1 before 3 payload bytes"),
    BadVector("2.14 p91, 2.11 p87", "C0 11 83 FF 00 00 00 00 00 00 10 00 C1", MODULE, MissingEnd,
              "Request Missing Packets: length 0 before 5 payload bytes"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


def test_every_message_is_declared_in_both_generations() -> None:
    for generation in BOTH:
        for sub_id in (0x04, 0x40, 0x41):
            command = lookup(ModuleId.FIRMWARE_UPDATE, sub_id, Direction.HOST, generation)
            assert command is not None and issubclass(command, Command)
            assert lookup(ModuleId.FIRMWARE_UPDATE, sub_id, Direction.MODULE, generation) is command.Response
        for sub_id in (0x80, 0x81, 0x82, 0x83):
            assert lookup(ModuleId.FIRMWARE_UPDATE, sub_id, Direction.MODULE, generation) is not None


def test_data_frame_carries_up_to_2000_bytes() -> None:
    full = fwu.FwuDataFrame(packet_number=0xFFFFFFFF, data=bytes(2000))
    assert full.payload() == b"\xff" * 4 + bytes(2000)
    assert fwu.FwuDataFrame(packet_number=1, data=b"").payload() == b"\x00\x00\x00\x01"
    with pytest.raises(EncodeError, match=r"data.*0\.\.2000"):
        fwu.FwuDataFrame(packet_number=1, data=bytes(2001)).payload()
    with pytest.raises(EncodeError, match="packet_number"):
        fwu.FwuDataFrame(packet_number=-1, data=b"").payload()


def test_data_frame_shorter_than_the_packet_number_is_an_error() -> None:
    with pytest.raises(PayloadError, match="FWU Data Frame: field 'packet_number'"):
        decode_hex("C0 11 04 00 00 03 00 00 00 00 C1", V2, HOST)


def test_set_mode_response_without_rx_buffer() -> None:
    """Modes 0 and 1 answer with the result code only (p89)."""
    assert decode_hex("C0 11 41 02 00 01 00 00 C1", V1, MODULE) == fwu.SetMode.Response()
    assert fwu.SetMode.Response().payload() == b"\x00"


def test_set_mode_with_a_version_for_the_http_modes() -> None:
    message = fwu.SetMode(mode=fwu.UpdateMode.UPDATE_VIA_HTTP, version="1.2.3")
    assert message.payload() == b"\x01\x051.2.3"
    assert decode_hex("C0 11 41 02 00 07 01 05 31 2E 32 2E 33 00 C1", V2, HOST) == message


def test_progress_above_100_percent_is_an_error() -> None:
    with pytest.raises(PayloadError, match="Get Status response: field 'progress'"):
        decode_hex("C0 11 40 01 00 03 00 01 65 00 C1", V2, MODULE)
    with pytest.raises(EncodeError, match="progress"):
        fwu.GetStatus.Response(status=fwu.UpdateStatus.UPDATE_ACTIVE, progress=101).payload()


def test_unknown_update_status_is_an_error() -> None:
    with pytest.raises(PayloadError, match=r"field 'status'.*UpdateStatus"):
        decode_hex("C0 11 40 01 00 03 00 05 00 00 C1", V2, MODULE)


def test_str_names_the_enums_and_units() -> None:
    assert str(fwu.GetStatus.Response(status=fwu.UpdateStatus.UPDATE_DONE, progress=100)) == (
        "Get Status response: status=UPDATE_DONE (3), progress=100 %")
    assert str(fwu.SetMode.Response(rx_buffer=2511)) == "Set Mode response: rx_buffer=2511 bytes"
