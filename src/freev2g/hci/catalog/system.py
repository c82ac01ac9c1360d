"""System module 0x10 (manual 2.14 §11, p50-p64; identical in 2.11 §11, p49-p63)."""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U32, Codec, FieldFault, Fixed, Siblings, Str
from freev2g.hci.ethernet import format_mac, parse_mac
from freev2g.hci.message import Command, ResponseMessage
from freev2g.hci.modules import ModuleId

SYSTEM = ModuleId.SYSTEM


class SaveMode(enum.IntEnum):
    MANUAL = 0
    AUTOMATIC = 1  # save after every change


class GetVersion(Command, module=SYSTEM, sub_id=0x40):
    """Version of the file system image, not of the firmware (p51; v1-api §3.1)."""

    class Response(ResponseMessage):
        version: Annotated[str, Str(0, 12)]


class GetFirmwareVersion(Command, module=SYSTEM, sub_id=0x41):
    """Firmware version string such as ``V02_00_01``; tells the API generation (p52)."""

    class Response(ResponseMessage):
        version: Annotated[str, Str(0, 32)]


class CountedMac(Codec):
    """Get MAC Address response: the table says ``uint8[6]``, the example (p53) prints a count
    byte ``06`` before the six bytes and a length that agrees with it (hci-reference §9.9).

    Decision: encode as the example does (``06`` + 6 bytes); decode both forms, telling them
    apart by the remaining length (7 bytes with the count, 6 without).
    """

    def encode(self, value: object, out: bytearray, siblings: Siblings) -> None:
        try:
            raw = parse_mac(value) if isinstance(value, str) else value
        except ValueError as exc:
            raise FieldFault(str(exc)) from None
        if not isinstance(raw, bytes) or len(raw) != 6:
            raise FieldFault(f"{value!r} is not a MAC address")
        out += b"\x06" + raw

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[str, int]:
        remaining = len(data) - pos
        if remaining == 7 and data[pos] == 6:
            pos += 1
        mac, end = Fixed(6).decode(data, pos, siblings)
        return format_mac(mac), end

    def describe(self) -> str:
        return "MAC address (count byte 06 optional)"


class GetMacAddress(Command, module=SYSTEM, sub_id=0x45, title="Get MAC Address"):
    class Response(ResponseMessage):
        mac: Annotated[str, CountedMac()]


class SetSerialNumber(Command, module=SYSTEM, sub_id=0x46):
    """The serial number can be set only once (p54)."""

    serial_number: Annotated[str, Str(0, 15)]


class GetSerialNumber(Command, module=SYSTEM, sub_id=0x47):
    class Response(ResponseMessage):
        serial_number: Annotated[str, Str(0, 15)]


class RestartSystem(Command, module=SYSTEM, sub_id=0x48):
    """Restart; unsaved configuration is lost (p56)."""


class FactoryReset(Command, module=SYSTEM, sub_id=0x49):
    """Back to factory settings; the serial number is kept (p57)."""


class SetSaveMode(Command, module=SYSTEM, sub_id=0x4A):
    mode: Annotated[SaveMode, U8]


class GetSaveMode(Command, module=SYSTEM, sub_id=0x4B):
    class Response(ResponseMessage):
        mode: Annotated[SaveMode, U8]


class SaveConfiguration(Command, module=SYSTEM, sub_id=0x4C):
    """No parameters. The example on p60 prints a length of 1 with no byte: decided as empty."""


class GetApiInfo(Command, module=SYSTEM, sub_id=0x57, title="Get API Info"):
    class Response(ResponseMessage):
        api_type: Annotated[str, Str(0, 32)]
        api_version: Annotated[str, Str(0, 32)]


class GetUptime(Command, module=SYSTEM, sub_id=0x58):
    class Response(ResponseMessage):
        uptime: Annotated[int, U32(unit="s")]


class GetKernelVersion(Command, module=SYSTEM, sub_id=0x59):
    class Response(ResponseMessage):
        version: Annotated[str, Str(0, 12)]


class GetFileHash(Command, module=SYSTEM, sub_id=0x5A):
    """SHA-256 of a file of the module's file system; result 0x10 when it does not exist (p64)."""

    filename: Annotated[str, Str(0, 255)]

    class Response(ResponseMessage):
        size: Annotated[int, U32(unit="bytes")]
        sha256: Annotated[bytes, Fixed(32)]
