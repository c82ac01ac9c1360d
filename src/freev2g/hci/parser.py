"""Streaming frame parser: bytes in, frames and typed framing faults out (hci-reference §2.7).

Feed it chunks of any size, split anywhere. It never raises on input bytes: every fault is
yielded as a :class:`~freev2g.hci.errors.FramingFault` and the parser resynchronises on the
next start byte. It keeps at most one partial frame (< 4096 bytes) between calls.
"""

from __future__ import annotations

from freev2g.hci.errors import (
    BadChecksum,
    FrameTooBig,
    FramingFault,
    MissingEnd,
    MissingStart,
    Truncated,
)
from freev2g.hci.frame import (
    END,
    HEADER_SIZE,
    MAX_FRAME_SIZE,
    OVERHEAD,
    START,
    Frame,
    verify_checksum,
)

Event = Frame | FramingFault


class FrameParser:
    """Reassembles frames from a byte stream (Ethernet payloads, SPI transfers, a socket)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._offset = 0  # stream offset of _buffer[0]
        self._garbage = 0  # length of the current run of bytes outside any frame
        self.frames = 0
        self.faults = 0

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame held back; non-zero means "inside a frame"."""
        return len(self._buffer)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Consume ``data`` and return the frames and faults it completes, in stream order."""
        self._buffer += data
        events: list[Event] = []
        buf = self._buffer
        while buf:
            if buf[0] != START:
                start = buf.find(START)
                skipped = len(buf) if start < 0 else start
                self._drop(skipped)
                self._garbage += skipped
                if start < 0:
                    break
            self._report_garbage(events)
            if len(buf) < HEADER_SIZE:
                break
            size = int.from_bytes(buf[4:6], "big") + OVERHEAD
            if size > MAX_FRAME_SIZE:
                self._fault(events, FrameTooBig(size, self._offset))
                self._drop(1)
                continue
            if len(buf) < size:
                break
            if buf[size - 1] != END:
                self._fault(events, MissingEnd(buf[size - 1], self._offset + size - 1))
                self._drop(1)  # rescan everything after the false start byte
                continue
            raw = bytes(buf[:size])
            expected = verify_checksum(raw)
            if expected is None:
                self.frames += 1
                events.append(Frame(raw[1], raw[2], raw[3], raw[HEADER_SIZE:-2], raw[-2]))
            else:
                self._fault(events, BadChecksum(raw[-2], expected, self._offset + size - 2))
            self._drop(size)
        self._report_garbage(events)  # per chunk, so that a receiver learns of it at once
        return events

    def flush(self) -> list[Event]:
        """End of stream (or a receive timeout): report and discard any partial frame."""
        events: list[Event] = []
        self._report_garbage(events)
        if self._buffer:
            have = len(self._buffer)
            need = OVERHEAD
            if have >= HEADER_SIZE:
                need = int.from_bytes(self._buffer[4:6], "big") + OVERHEAD
            self._fault(events, Truncated(have, need, self._offset))
            self._drop(have)
        return events

    def _drop(self, count: int) -> None:
        del self._buffer[:count]
        self._offset += count

    def _fault(self, events: list[Event], fault: FramingFault) -> None:
        self.faults += 1
        events.append(fault)

    def _report_garbage(self, events: list[Event]) -> None:
        if self._garbage:
            self._fault(events, MissingStart(self._garbage, self._offset - self._garbage))
            self._garbage = 0
