"""Capture files: read pcap and pcapng, write pcap (standard library only, no libpcap binding).

The writer flushes every record as it is written, so a crash leaves a file that Wireshark and
``freev2g decode`` can read up to the last frame. Only the Ethernet link type is used here.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

LINKTYPE_ETHERNET = 1
SNAPLEN = 65535

_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
_PCAPNG_SHB = 0x0A0D0D0A
_PCAPNG_IDB, _PCAPNG_SPB, _PCAPNG_EPB = 0x00000001, 0x00000003, 0x00000006


class CaptureError(Exception):
    """A file that is not a readable pcap or pcapng capture."""


@dataclass(frozen=True, slots=True)
class Packet:
    timestamp: float
    linktype: int
    data: bytes


def read_packets(path: str | Path) -> Iterator[Packet]:
    """Yield the packets of a pcap or pcapng file; :class:`CaptureError` names the fault."""
    with open(path, "rb") as stream:
        magic = stream.read(4)
        if magic in _PCAP_MAGICS:
            yield from _read_pcap(stream, magic, str(path))
        elif len(magic) == 4 and int.from_bytes(magic, "little") == _PCAPNG_SHB:
            yield from _read_pcapng(stream, magic, str(path))
        else:
            raise CaptureError(f"{path}: not a pcap or pcapng file (magic {magic.hex() or 'missing'})")


def _read_exact(stream: BinaryIO, size: int, path: str, what: str) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise CaptureError(f"{path}: file ends inside {what} ({len(data)} of {size} bytes)")
    return data


def _read_pcap(stream: BinaryIO, magic: bytes, path: str) -> Iterator[Packet]:
    order, resolution = _PCAP_MAGICS[magic]
    header = _read_exact(stream, 20, path, "the pcap file header")
    linktype = struct.unpack(order + "HHiIII", header)[5] & 0x0FFFFFFF
    index = 0
    while record := stream.read(16):
        index += 1
        if len(record) != 16:
            raise CaptureError(f"{path}: file ends inside the header of packet {index}")
        seconds, fraction, captured, _original = struct.unpack(order + "IIII", record)
        data = _read_exact(stream, captured, path, f"packet {index}")
        yield Packet(seconds + fraction * resolution, linktype, data)


def _read_pcapng(stream: BinaryIO, magic: bytes, path: str) -> Iterator[Packet]:
    order = "<"
    interfaces: list[tuple[int, float]] = []
    block_type = int.from_bytes(magic, "little")
    while True:
        length_raw = _read_exact(stream, 4, path, "a pcapng block header")
        if block_type == _PCAPNG_SHB:
            bom = _read_exact(stream, 4, path, "the section header")
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            length = struct.unpack(order + "I", length_raw)[0]
            if length < 28:
                raise CaptureError(f"{path}: pcapng section header of impossible length {length}")
            body = bom + _read_exact(stream, length - 16, path, "the section header")
            interfaces = []
        else:
            length = struct.unpack(order + "I", length_raw)[0]
            if length < 12:
                raise CaptureError(f"{path}: pcapng block of impossible length {length}")
            body = _read_exact(stream, length - 12, path, "a pcapng block")
        _read_exact(stream, 4, path, "a pcapng block trailer")
        if block_type == _PCAPNG_IDB:
            linktype = struct.unpack(order + "H", body[0:2])[0]
            interfaces.append((linktype, _tsresol(body[8:], order)))
        elif block_type == _PCAPNG_EPB:
            iface, high, low, captured = struct.unpack(order + "IIII", body[0:16])
            if iface >= len(interfaces):
                raise CaptureError(f"{path}: packet refers to undeclared interface {iface}")
            linktype, resolution = interfaces[iface]
            yield Packet(((high << 32) | low) * resolution, linktype, body[20 : 20 + captured])
        elif block_type == _PCAPNG_SPB and interfaces:
            original = struct.unpack(order + "I", body[0:4])[0]
            yield Packet(0.0, interfaces[0][0], body[4 : 4 + original])
        raw_type = stream.read(4)
        if not raw_type:
            return
        if len(raw_type) != 4:
            raise CaptureError(f"{path}: file ends inside a pcapng block type")
        block_type = struct.unpack(order + "I", raw_type)[0]


def _tsresol(options: bytes, order: str) -> float:
    """The if_tsresol option of an interface description block (default microseconds)."""
    pos = 0
    while pos + 4 <= len(options):
        code, size = struct.unpack(order + "HH", options[pos : pos + 4])
        if code == 0:
            break
        if code == 9 and size >= 1:
            value = options[pos + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0 ** -value
        pos += 4 + ((size + 3) & ~3)
    return 1e-6


class PcapWriter:
    """Writes Ethernet frames to a classic pcap file (microsecond timestamps), flushed per frame."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._stream = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._stream.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET))
        self._stream.flush()
        self.count = 0

    def write(self, frame: bytes, timestamp: float | None = None) -> None:
        stamp = time.time() if timestamp is None else timestamp
        seconds = int(stamp)
        micros = round((stamp - seconds) * 1e6)
        if micros >= 1_000_000:
            seconds, micros = seconds + 1, micros - 1_000_000
        self._stream.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
        self._stream.flush()
        self.count += 1

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> PcapWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
