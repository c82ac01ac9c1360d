"""Framing module 0x0E: Ping and its reply, and the framing errors of module 0xFF.

Manual 2.14 §10.3, p49 (identical in 2.11 §10.3, p48); hci-reference §2.6, §2.8.
"""

from __future__ import annotations

from typing import Annotated

from freev2g.hci.codecs import Rest
from freev2g.hci.message import Command, ResponseMessage, Status
from freev2g.hci.modules import ModuleId

FRAMING = ModuleId.FRAMING
ERROR = ModuleId.FRAMING_ERROR


class Ping(Command, module=FRAMING, sub_id=0x00):
    """Ping with any amount of data, which the module does not interpret (p49)."""

    data: Annotated[bytes, Rest()] = b""

    class Response(ResponseMessage, sub_id=0x01, result=False):
        """Ping reply on Sub-ID 0x01 with the ping's request ID and data (p49).

        A data-transfer Sub-ID (0x00-0x3F) carries no result code (ambiguity §9.11: decided as
        a pure echo, as the manual describes it).
        """

        data: Annotated[bytes, Rest()] = b""


# Framing errors (p49): module 0xFF, one Sub-ID per reason. The manual documents neither their
# payload nor their request ID (hci-reference §9.10); any payload is kept as ``data``.


class RxTimeout(Status, module=ERROR, sub_id=0xF0, title="RX Timeout"):
    """A pause of more than 100 ms while receiving a frame."""

    data: Annotated[bytes, Rest()] = b""


class MissingStartOfFrame(Status, module=ERROR, sub_id=0xF1):
    data: Annotated[bytes, Rest()] = b""


class ChecksumError(Status, module=ERROR, sub_id=0xF2):
    data: Annotated[bytes, Rest()] = b""


class MissingEndOfFrame(Status, module=ERROR, sub_id=0xF3):
    data: Annotated[bytes, Rest()] = b""


class ModuleUnknown(Status, module=ERROR, sub_id=0xF4):
    """The module ID addressed does not exist in this firmware."""

    data: Annotated[bytes, Rest()] = b""


class FrameTooBig(Status, module=ERROR, sub_id=0xF5):
    """Total frame size above 4096 bytes."""

    data: Annotated[bytes, Rest()] = b""


class ReservedFramingError(Status, module=ERROR, sub_id=0xF6, title="Reserved Framing Error 0xF6"):
    """Sub-IDs 0xF6-0xFD are reserved; the manual says to treat them as synchronisation errors.

    Declared once here for 0xF6; :data:`RESERVED_FRAMING_ERRORS` holds one class per Sub-ID.
    """

    data: Annotated[bytes, Rest()] = b""


def _reserved(sub_id: int) -> type[Status]:
    name = f"ReservedFramingError{sub_id:02X}"
    return type(name, (ReservedFramingError,), {"__module__": __name__, "__qualname__": name},
                module=ERROR, sub_id=sub_id, title=f"Reserved Framing Error 0x{sub_id:02X}")


RESERVED_FRAMING_ERRORS = [ReservedFramingError, *(_reserved(sub) for sub in range(0xF7, 0xFE))]
