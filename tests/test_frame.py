"""Frame codec, checksum and Ethernet control header (manual 2.14 §9.1 p38-p39, §10.1 p45-p48)."""

from __future__ import annotations

import pytest

from freev2g.hci import ethernet
from freev2g.hci.errors import (
    BadChecksum,
    EthernetError,
    FrameTooBig,
    MissingEnd,
    MissingStart,
    TrailingBytes,
    Truncated,
)
from freev2g.hci.frame import Frame, checksum, decode_frame


@pytest.mark.parametrize(("frame", "expected"), [
    ("C0 10 59 1A 00 09 00 07 31 2E 30 2E 30 2E 30 00 C1", 0x9D),  # p63, worked example 1
    ("C0 0E 00 01 00 05 01 02 03 04 05 00 C1", 0x5A),               # worked example 2
    ("C0 10 40 2D 00 00 00 C1", 0xFF),                               # folded sum 0xFF is sent as FF
    ("C0 05 42 00 00 01 00 00 C1", 0x35),                            # p70
])
def test_checksum_matches_the_manual(frame: str, expected: int) -> None:
    assert checksum(bytes.fromhex(frame)) == expected


def test_encode_computes_the_checksum_and_can_disable_it() -> None:
    frame = Frame(0x10, 0x59, 0x1A, bytes.fromhex("00 07 31 2E 30 2E 30 2E 30"))
    assert frame.encode().hex(" ") == "c0 10 59 1a 00 09 00 07 31 2e 30 2e 30 2e 30 9d c1"
    assert frame.encode(compute_checksum=False)[-2] == 0


def test_decode_accepts_checksum_zero_and_the_right_checksum() -> None:
    assert decode_frame(bytes.fromhex("C0 10 40 01 00 00 00 C1")) == Frame(0x10, 0x40, 1, b"", 0)
    assert decode_frame(bytes.fromhex("C0 10 40 2D 00 00 FF C1")).request_id == 0x2D


@pytest.mark.parametrize(("raw", "error", "text"), [
    ("C0 10 40 01 00 00 12 C1", BadChecksum, "checksum 0x12, expected 0x2C"),
    ("10 40 01 00 00 00 C1", MissingStart, "before a start byte"),
    ("C0 10 40 01 00 01 00 00 C0", MissingEnd, "end byte 0xC0"),
    ("C0 10 40 01 0F F9 00", FrameTooBig, "4097 bytes"),
    ("C0 10 40 01 00 05 00", Truncated, "7 of 13"),
    ("C0 10 40 01 00 00 00 C1 00", TrailingBytes, "1 byte"),
    ("", MissingStart, "0 byte"),
])
def test_decode_errors_are_typed(raw: str, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        decode_frame(bytes.fromhex(raw))


def test_payload_may_contain_start_and_end_bytes() -> None:
    frame = Frame(0x27, 0x6A, 0x11, bytes.fromhex("C0 C1 C1 C0"))
    assert decode_frame(frame.encode()) == Frame(0x27, 0x6A, 0x11, bytes.fromhex("C0 C1 C1 C0"),
                                                 frame.encode()[-2])


def test_largest_frame_is_4096_bytes() -> None:
    assert len(Frame(0x27, 0x73, 1, bytes(4088)).encode()) == 4096
    with pytest.raises(FrameTooBig):
        Frame(0x27, 0x73, 1, bytes(4089)).encode()


def test_ethernet_frame_round_trip_with_padding() -> None:
    host, module = ethernet.parse_mac("00:22:22:22:22:22"), ethernet.parse_mac("00:01:01:63:77:33")
    data = bytes.fromhex("C0 28 42 00 00 01 01 00 C1")
    raw = ethernet.HciEthernetFrame(module, host, data).encode()
    assert len(raw) == 60 and raw[:27].hex(" ") == (
        "00 01 01 63 77 33 00 22 22 22 22 22 60 03 00 04 00 09 c0 28 42 00 00 01 01 00 c1")  # p206
    decoded = ethernet.decode_ethernet(raw)
    assert (decoded.destination, decoded.source, decoded.data) == (module, host, data)


@pytest.mark.parametrize(("raw", "text"), [
    ("000101637733 002222222222 0800 00040001 C0", "EtherType 0x0800"),
    ("000101637733 002222222222 6003 01040001 C0", "version 0x01"),
    ("000101637733 002222222222 6003 00050001 C0", "message type 0x05"),
    ("000101637733 002222222222 6003 00040009 C0", "size 9 exceeds"),
    ("000101637733 002222222222 6003 0004", "too short"),
])
def test_ethernet_errors(raw: str, text: str) -> None:
    with pytest.raises(EthernetError, match=text):
        ethernet.decode_ethernet(bytes.fromhex(raw))


def test_split_stream_respects_the_ethernet_payload() -> None:
    pieces = ethernet.split_stream(bytes(4000))
    assert [len(p) for p in pieces] == [1496, 1496, 1008]


@pytest.mark.parametrize("text", ["00:01:01:63:77", "00:01:01:63:77:zz", "0001.0163.7733"])
def test_bad_mac_addresses_are_named(text: str) -> None:
    with pytest.raises(ValueError, match="six hex bytes"):
        ethernet.parse_mac(text)
