"""PLC module 0x2A (manual 2.14 §17, p114-p118; identical in 2.11 §16, p110-p114).

Pages below are those of 2.14; the 2.11 page is 4 lower. hci-reference §3.8.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U16, Blob, Fixed, Rest
from freev2g.hci.message import Command, ResponseMessage, Status
from freev2g.hci.modules import ModuleId

PLC = ModuleId.PLC


class JoinResult(enum.IntEnum):
    FAILED = 0
    SUCCESS = 1


class HpgpJoinStatus(Status, module=PLC, sub_id=0x80, title="Status for Joining HPGP Network"):
    """Outcome of Join HPGP Network (§17.3.1, p115; 2.11 p111). Request ID 0xFF, or the Join
    command's when the module can relate it (§17.3, p114)."""

    status: Annotated[JoinResult, U8]


class JoinHpgpNetwork(Command, module=PLC, sub_id=0x40, title="Join HPGP Network"):
    """Join with a given NID and NMK (§17.4.1, p116; 2.11 p112); the status 0x80 follows.

    Bits 7 and 8 of the NID's last byte "must be zero" and the module ignores them otherwise
    (p116). Decision: not checked either way, since the module accepts any value; the host
    should send them as zero.
    """

    nid: Annotated[bytes, Fixed(7)]
    nmk: Annotated[bytes, Fixed(16)]


class ChangePibFile(Command, module=PLC, sub_id=0x41, title="Change PIB File"):
    """Write into the PIB data area (§17.4.2, p117; 2.11 p113).

    ``offset`` counts from the start of the PIB data area, file offset 0x3C0. The table's
    ``Length uint16`` is the byte count of ``data`` (1-600), so it is the u16 prefix of a
    Blob and cannot disagree with the data.
    """

    offset: Annotated[int, U16(unit="bytes")]
    data: Annotated[bytes, Blob(1, 600)]


class ReadPibFile(Command, module=PLC, sub_id=0x42, title="Read PIB File"):
    """Read from the PIB data area (§17.4.3, p118; 2.11 p114); offset as in Change PIB File.

    The response data is the rest of the payload (0-600 bytes), so ``length`` is at most 600.
    """

    offset: Annotated[int, U16(unit="bytes")]
    length: Annotated[int, U16(0, 600, unit="bytes")]

    class Response(ResponseMessage):
        data: Annotated[bytes, Rest(0, 600)]
