"""GPIO module 0x0F (manual 2.14 §19, p172-p176; identical in 2.11 §18, p167-p171).

Pages below are those of 2.14; the 2.11 page is 5 lower. hci-reference §3.10. The Sub-ID table
(p172) points Set/Get Mode to sections "11.3.1/11.3.2", a typo for 19.2.1/19.2.2.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8
from freev2g.hci.message import Command, ResponseMessage
from freev2g.hci.modules import ModuleId

GPIO = ModuleId.GPIO

# HCI GPIO numbers 20-27 are the only ones available (manual 2.14 §2.6 Table 5, p19).
PIN = U8(20, 27)


class GpioMode(enum.IntEnum):
    OUTPUT = 0
    INPUT = 1


class GpioState(enum.IntEnum):
    OFF = 0
    ON = 1


class SetMode(Command, module=GPIO, sub_id=0x40):
    """§19.2.1, p173; 2.11 p168."""

    gpio: Annotated[int, PIN]
    mode: Annotated[GpioMode, U8]


class GetMode(Command, module=GPIO, sub_id=0x41):
    """§19.2.2, p174; 2.11 p169. The example's length field prints 0 before the 1 GPIO byte."""

    gpio: Annotated[int, PIN]

    class Response(ResponseMessage):
        mode: Annotated[GpioMode, U8]


class SetState(Command, module=GPIO, sub_id=0x42):
    """§19.2.3, p175; 2.11 p170."""

    gpio: Annotated[int, PIN]
    state: Annotated[GpioState, U8]


class GetState(Command, module=GPIO, sub_id=0x43):
    """§19.2.4, p176; 2.11 p171. The example's length fields print 0 (command, 1 byte follows)
    and 0x0A (response, 2 bytes follow); both are wrong."""

    gpio: Annotated[int, PIN]

    class Response(ResponseMessage):
        state: Annotated[GpioState, U8]
