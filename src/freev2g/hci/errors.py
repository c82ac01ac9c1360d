"""Typed errors of the sans-IO HCI layer.

Framing faults are both raisable (by :func:`freev2g.hci.frame.decode_frame`) and yielded as
events (by :class:`freev2g.hci.parser.FrameParser`), so one type describes each fault everywhere.
"""

from __future__ import annotations


class HciError(Exception):
    """Base of every error raised by :mod:`freev2g.hci`."""


class FramingFault(HciError):
    """A fault in the framing layer (manual 2.14 §10.1, p45-p49).

    ``offset`` is the position of the fault in the bytes fed so far (stream parser) or in the
    frame (single-frame decode). ``module_error`` is the Sub-ID the module would report in a
    framing-error status message of module 0xFF (manual 2.14 p49).
    """

    module_error: int = 0xF6

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


class MissingStart(FramingFault):
    """Bytes outside a frame that are not 0xC0 (module error 0xF1)."""

    module_error = 0xF1

    def __init__(self, skipped: int, offset: int = 0) -> None:
        super().__init__(f"{skipped} byte(s) skipped before a start byte 0xC0", offset)
        self.skipped = skipped


class BadChecksum(FramingFault):
    """Checksum byte that is neither 0x00 nor the computed value (module error 0xF2)."""

    module_error = 0xF2

    def __init__(self, received: int, expected: int, offset: int = 0) -> None:
        super().__init__(f"checksum 0x{received:02X}, expected 0x{expected:02X}", offset)
        self.received = received
        self.expected = expected


class MissingEnd(FramingFault):
    """The byte at the position given by the length field is not 0xC1 (module error 0xF3)."""

    module_error = 0xF3

    def __init__(self, found: int, offset: int = 0) -> None:
        super().__init__(f"end byte 0x{found:02X} where 0xC1 was expected", offset)
        self.found = found


class FrameTooBig(FramingFault):
    """A length field that makes the frame exceed 4096 bytes (module error 0xF5)."""

    module_error = 0xF5

    def __init__(self, size: int, offset: int = 0) -> None:
        super().__init__(f"frame of {size} bytes exceeds the 4096-byte limit", offset)
        self.size = size


class Truncated(FramingFault):
    """A frame that ended before its length field said it would (module error 0xF0 on a pause)."""

    module_error = 0xF0

    def __init__(self, have: int, need: int, offset: int = 0) -> None:
        super().__init__(f"frame truncated: {have} of {need} bytes", offset)
        self.have = have
        self.need = need


class TrailingBytes(FramingFault):
    """Bytes after the end of a single frame given to :func:`decode_frame`."""

    def __init__(self, count: int, offset: int = 0) -> None:
        super().__init__(f"{count} byte(s) after the end byte 0xC1", offset)
        self.count = count


class PayloadError(HciError):
    """A payload that does not match its message declaration.

    Names the message and the field, for example
    ``CP Get Mode response: field 'mode': value 7 is not a ControlPilotMode``.
    """

    def __init__(self, message_name: str, field: str | None, detail: str) -> None:
        where = f"field '{field}': " if field else ""
        super().__init__(f"{message_name}: {where}{detail}")
        self.message_name = message_name
        self.field = field
        self.detail = detail


class EncodeError(HciError):
    """A value that cannot be encoded: out of range, wrong type or not representable."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"field '{field}': {detail}")
        self.field = field
        self.detail = detail


class EthernetError(HciError):
    """An Ethernet frame that is not a valid HCI frame (EtherType, control header, size)."""
