"""Firmware Update module 0x11 (manual 2.14 §14, p85-p91; identical in 2.11 §13, p81-p87).

Pages below are those of 2.14; the 2.11 page is 4 lower. hci-reference §3.5.

Procedure (p87): Set Mode 2, then FWU Data Frames with packet numbers counting up from 0; on
Request Missing Packets resend from the given number; Ready, Timeout or Error ends the update.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U16, U32, Rest, Str, Trailing
from freev2g.hci.message import Command, ResponseMessage, Status
from freev2g.hci.modules import ModuleId

FWU = ModuleId.FIRMWARE_UPDATE


class UpdateStatus(enum.IntEnum):
    READY_FOR_UPDATE = 0
    UPDATE_ACTIVE = 1
    CHECKING_FOR_NEW_FIRMWARE = 2
    UPDATE_DONE = 3
    UPDATE_FAILED = 4


class UpdateMode(enum.IntEnum):
    CHECK_VIA_HTTP = 0  # not supported by the firmware
    UPDATE_VIA_HTTP = 1  # not supported by the firmware
    UPDATE_VIA_FRAMING = 2


class RequestType(enum.IntEnum):
    REPEAT_FROM_PACKET = 0  # resend every packet from the given number on


class FwuDataFrame(Command, module=FWU, sub_id=0x04, title="FWU Data Frame"):
    """A piece of the FWU file (§14.3.1, p87; 2.11 p83).

    A data-transfer Sub-ID, yet the table and the example give it a result code. The data is
    the rest of the payload (0-2000 bytes, no length prefix; the example's length 12 is 4 + 8).
    """

    packet_number: Annotated[int, U32]
    data: Annotated[bytes, Rest(0, 2000)]


class GetStatus(Command, module=FWU, sub_id=0x40):
    """State and progress of the update (§14.4.1, p88; 2.11 p84)."""

    class Response(ResponseMessage):
        status: Annotated[UpdateStatus, U8]
        progress: Annotated[int, U8(0, 100, unit="%")]


class SetMode(Command, module=FWU, sub_id=0x41):
    """Start an update (§14.4.2, p89; 2.11 p85).

    ``version`` is optional and only used by the HTTP modes 0 and 1, which the firmware does
    not support; its encoding is not documented. Decision: a u8-prefixed string like every
    other HCI string (hci-reference §9.3), present only when bytes follow the mode.
    """

    mode: Annotated[UpdateMode, U8]
    version: Annotated[str | None, Trailing(Str(0, 255))] = None

    class Response(ResponseMessage):
        """``rx_buffer`` (receive buffer size) only in answers to mode 2.

        Decision: the example (p89) prints ``09 CF`` after the result code with a length field
        of 1; the length is wrong (3 is right). ``09 CF`` is 2511, the comment says "max. 2500
        bytes": the bytes are taken as printed.
        """

        rx_buffer: Annotated[int | None, Trailing(U16(unit="bytes"))] = None


class FirmwareUpdateReady(Status, module=FWU, sub_id=0x80):
    """The update succeeded (§14.5.1, p90; 2.11 p86)."""


class FirmwareUpdateTimeout(Status, module=FWU, sub_id=0x81):
    """The update failed on a timeout (§14.5.2, p90; 2.11 p86)."""


class FirmwareUpdateError(Status, module=FWU, sub_id=0x82):
    """The update failed on an error (§14.5.3, p90-p91; 2.11 p86-p87)."""


class RequestMissingPackets(Status, module=FWU, sub_id=0x83):
    """A gap in the packet numbers: resend from ``packet_number`` (§14.5.4, p91; 2.11 p87).

    The example's length field prints 0 before 5 bytes; 5 is right.
    """

    request_type: Annotated[RequestType, U8]
    packet_number: Annotated[int, U32]
