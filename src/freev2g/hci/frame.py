"""One HCI framing-protocol frame (manual 2.14 §10.1, p45-p48; hci-reference §2).

Layout, big-endian::

    C0 | module | sub-ID | request ID | length (u16) | payload | checksum | C1

There is no byte stuffing: 0xC0 and 0xC1 occur inside payloads, so only the length field
delimits a frame. The total size (payload + 8) is at most 4096 bytes (p49, error 0xF5).
"""

from __future__ import annotations

from dataclasses import dataclass

from freev2g.hci.errors import (
    BadChecksum,
    FrameTooBig,
    MissingEnd,
    MissingStart,
    TrailingBytes,
    Truncated,
)

START = 0xC0
END = 0xC1
HEADER_SIZE = 6
OVERHEAD = 8
MAX_FRAME_SIZE = 4096
MAX_PAYLOAD = MAX_FRAME_SIZE - OVERHEAD
NO_CHECKSUM = 0x00
STATUS_REQUEST_ID = 0xFF


def checksum(data: bytes | bytearray | memoryview) -> int:
    """Return the checksum byte for ``data`` (the whole frame, its checksum byte set to 0).

    8-bit one's complement of the one's complement sum (manual 2.14 p47). A result of 0x00 is
    sent as 0xFF, because 0x00 means "checksum not computed".
    """
    total = sum(data)
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFF) + (total >> 8)
    total = (total & 0xFF) + (total >> 8)
    return total if total == 0xFF else (~total) & 0xFF


@dataclass(frozen=True, slots=True)
class Frame:
    """A framing-protocol frame. ``checksum`` is the byte as received (0 = not computed)."""

    module_id: int
    sub_id: int
    request_id: int
    payload: bytes = b""
    checksum: int | None = None

    def encode(self, *, compute_checksum: bool = True) -> bytes:
        """Serialise; the checksum is computed unless ``compute_checksum`` is false (then 00)."""
        if not 0 <= len(self.payload) <= MAX_PAYLOAD:
            raise FrameTooBig(len(self.payload) + OVERHEAD)
        header = bytes(
            (START, self.module_id, self.sub_id, self.request_id, *len(self.payload).to_bytes(2, "big"))
        )
        body = header + self.payload
        check = checksum(body + b"\x00\xc1") if compute_checksum else NO_CHECKSUM
        return body + bytes((check, END))

    def __len__(self) -> int:
        return len(self.payload) + OVERHEAD


def verify_checksum(frame: bytes | bytearray | memoryview) -> int | None:
    """Return the expected checksum if the frame's checksum byte is wrong, else ``None``.

    A checksum byte of 0x00 is always accepted (manual 2.14 p47). Otherwise the sum over the
    frame as received must fold to 0xFF.
    """
    received = frame[-2]
    if received == NO_CHECKSUM:
        return None
    zeroed = bytearray(frame)
    zeroed[-2] = 0
    expected = checksum(zeroed)
    return None if expected == received else expected


def decode_frame(data: bytes | bytearray | memoryview) -> Frame:
    """Decode exactly one frame; raise a :class:`~freev2g.hci.errors.FramingFault` otherwise."""
    data = bytes(data)
    if not data or data[0] != START:
        raise MissingStart(len(data) if START not in data else data.index(START))
    if len(data) < HEADER_SIZE:
        raise Truncated(len(data), OVERHEAD)
    length = int.from_bytes(data[4:6], "big")
    size = length + OVERHEAD
    if size > MAX_FRAME_SIZE:
        raise FrameTooBig(size)
    if len(data) < size:
        raise Truncated(len(data), size)
    if data[size - 1] != END:
        raise MissingEnd(data[size - 1], size - 1)
    if len(data) > size:
        raise TrailingBytes(len(data) - size, size)
    expected = verify_checksum(data)
    if expected is not None:
        raise BadChecksum(data[size - 2], expected, size - 2)
    return Frame(data[1], data[2], data[3], data[HEADER_SIZE : size - 2], data[size - 2])
