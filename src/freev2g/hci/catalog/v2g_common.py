"""V2G module 0x27: the commands common to both roles (manual 2.14 §18.8, p122-p123;
manual 2.11 §17.8, p118-p120; hci-reference §3.9.2; v1-api §1.4).

Set Mode and Get Mode exist in both generations. Start (0x42) and Stop (0x43) exist only in
manual 2.11: manual 2.14 replaced them by EVSE Start Listen 0x6A / Stop Listen 0x70, and the EV
role never needed them (v1-api §2.9).
"""

from __future__ import annotations

from typing import Annotated

from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.codecs import U8
from freev2g.hci.message import Command, ResponseMessage
from freev2g.hci.modules import V1_ONLY, ModuleId

V2G = ModuleId.V2G


class SetMode(Command, module=V2G, sub_id=0x40):
    """Set Mode: EV or EVSE (2.14 §18.8.1, p122; 2.11 §17.8.1, p118).

    Only before the service is started (else result 0x01 busy); firmware supporting a single
    mode answers 0x05. ``UNDEFINED`` (2) is only a Get Mode answer, so the range is 0-1.
    """

    mode: Annotated[V2gMode, U8(0, 1)]


class GetMode(Command, module=V2G, sub_id=0x41):
    """Get Mode (2.14 §18.8.2, p123; 2.11 §17.8.2, p119)."""

    class Response(ResponseMessage):
        """Decision: result code first, then the mode. The tables of both manuals (2.14 p123,
        2.11 p119) list Mode before Code, but both examples print ``00`` (acknowledgement) then
        ``00`` (mode EV), which is also the general response rule (p48; hci-reference §7.3 #3).
        The mode may be 2 = undefined although the table's range says 0-1.
        """

        mode: Annotated[V2gMode, U8(0, 2)]


class Start(Command, module=V2G, sub_id=0x42, generations=V1_ONLY):
    """Start the V2G service; 0x05 if already started (2.11 §17.8.3, p119-p120). Not in 2.14."""


class Stop(Command, module=V2G, sub_id=0x43, generations=V1_ONLY):
    """Stop the V2G service; 0x05 if it was not started (2.11 §17.8.4, p120). Not in 2.14."""
