"""Time module 0x12, software RTC (manual 2.14 §12, p65-p67; not in 2.11, so v2 only).

hci-reference §3.3. Result code 0x10: no valid time available (p65).
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U16
from freev2g.hci.message import Command, ResponseMessage
from freev2g.hci.modules import V2_ONLY, ModuleId

TIME = ModuleId.TIME


class TimeType(enum.IntEnum):
    UTC = 0
    LOCAL = 1


class SetTime(Command, module=TIME, sub_id=0x40, generations=V2_ONLY):
    """Set the RTC (§12.3.1, p66).

    The example's comment says "Payload: 7 bytes"; its length field 8 (type + 7 date bytes) is
    right. The calendar ranges are ours: the table gives only the types.
    """

    type: Annotated[TimeType, U8]
    year: Annotated[int, U16]
    month: Annotated[int, U8(1, 12)]
    day: Annotated[int, U8(1, 31)]
    hour: Annotated[int, U8(0, 23)]
    minute: Annotated[int, U8(0, 59)]
    second: Annotated[int, U8(0, 59)]


class GetTime(Command, module=TIME, sub_id=0x41, generations=V2_ONLY):
    """Read the RTC (§12.3.2, p67); result 0x10 when no valid time is set."""

    type: Annotated[TimeType, U8]

    class Response(ResponseMessage):
        year: Annotated[int, U16]
        month: Annotated[int, U8(1, 12)]
        day: Annotated[int, U8(1, 31)]
        hour: Annotated[int, U8(0, 23)]
        minute: Annotated[int, U8(0, 59)]
        second: Annotated[int, U8(0, 59)]
