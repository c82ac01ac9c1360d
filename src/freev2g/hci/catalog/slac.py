"""SLAC module 0x28 (manual 2.14 §16, p102-p113; identical in 2.11 §15, p98-p109).

Result code 0x10 "wrong state" is listed only in 2.14 (p102), but Stop SLAC answers it in both
(v1-api §2.7). Status messages carry request ID 0xFF or that of the related command (p103).

Not declared: the vendor application code also knows a command 0x4D "join network" (NID 7 bytes +
NMK 16 bytes) and a status 0x84 "join status" (hci-reference §3.7, §7.1 #2). Neither manual
documents them, and the manuals are the specification; joining a network is PLC 0x2A/0x40. Such
frames decode as unknown messages.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U16, Fixed
from freev2g.hci.message import Command, ResponseMessage, Status
from freev2g.hci.modules import ModuleId

SLAC = ModuleId.SLAC

GROUPS = 58
"""AttnRx and AttnTxRef carry one value per group, 58 groups, no count prefix (p108-p110)."""

NO_INTERFACE = 0xFF
"""Get Interface's index when no valid interface is configured (p105)."""


class SlacMode(enum.IntEnum):
    """Role given to Start SLAC (§16.4.3, p106)."""

    EV = 0
    EVSE = 1


class SlacState(enum.IntEnum):
    """Get State's states (§16.4.6, p107-p108)."""

    NOT_INITIALIZED = 0
    IDLE = 1
    STARTING = 2
    STARTED_NOT_RUNNING = 3
    RUNNING = 4
    READY = 5  # matching succeeded
    FAILURE = 6


class ValidationConfiguration(enum.IntEnum):
    """Whether SLAC validation (BCB toggling, ISO 15118-3) runs (§16.4.12-§16.4.13, p112)."""

    DISABLED = 0
    ENABLED = 1


class SlacProcessSuccessful(Status, module=SLAC, sub_id=0x80, title="SLAC Process Successful"):
    """The EV joined the EVSE's logical network (§16.3.1, p103; 2.11 p99)."""


class SlacProcessFailed(Status, module=SLAC, sub_id=0x81, title="SLAC Process Failed"):
    """Matching failed or timed out (§16.3.2, p103; 2.11 p99)."""


class BcbTogglingStarted(Status, module=SLAC, sub_id=0x82, title="BCB Toggling Started"):
    """The EV started BCB toggling; count the toggles within the window and send Set BCB Toggle
    Result at once (§16.3.3, p104; 2.11 p100). The table gives no unit; the example reads
    ``07 D0`` as 2000 ms."""

    bcb_time_window: Annotated[int, U16(unit="ms")]


class BcbTogglingFinished(Status, module=SLAC, sub_id=0x83, title="BCB Toggling Finished"):
    """The toggling window expired; the result must have been sent before (§16.3.4, p104; 2.11 p100)."""


class SetInterface(Command, module=SLAC, sub_id=0x40):
    """Interface for the SLAC communication (§16.4.1, p104-p105; 2.11 p100-p101)."""

    index: Annotated[int, U8]


class GetInterface(Command, module=SLAC, sub_id=0x41):
    """Marked "not supported yet" in both manuals (§16.4.2, p105; 2.11 p101)."""

    class Response(ResponseMessage):
        """``index`` is :data:`NO_INTERFACE` when none is configured (p105)."""

        index: Annotated[int, U8]


class StartSlac(Command, module=SLAC, sub_id=0x42, title="Start SLAC"):
    """Start the SLAC service in a role; matching is started separately (§16.4.3, p105-p106;
    2.11 p101-p102)."""

    mode: Annotated[SlacMode, U8]


class StopSlac(Command, module=SLAC, sub_id=0x43, title="Stop SLAC"):
    """Result 0x10 when already stopped or never started (§16.4.4, p106-p107; 2.11 p102-p103)."""


class StartSlacMatchingProcess(Command, module=SLAC, sub_id=0x44, title="Start SLAC Matching Process"):
    """EVSE: ready for matching for 50 s, then SLAC Process Failed; EV: starts sending
    CM_SLAC_PARM.REQ (§16.4.5, p107; 2.11 p103)."""


class GetState(Command, module=SLAC, sub_id=0x45):
    """SLAC state (§16.4.6, p107-p108; 2.11 p103-p104)."""

    class Response(ResponseMessage):
        """Decision: the table lists State before Code (p107), the example (p108) puts the code
        first, as the general rule does for every response (p48; hci-reference §7.3 #3). Code
        first: ``00 01`` is OK + IDLE, and a payload ``01 00`` is a busy rejection."""

        state: Annotated[SlacState, U8]


class SetAttnRxValues(Command, module=SLAC, sub_id=0x46, title="Set AttnRx Values"):
    """EVSE only; kept until reset (§16.4.7, p108; 2.11 p104). The example's length field reads
    ``00 00`` for 58 bytes (a printing mistake; the application chapter p212 prints ``00 3A``)."""

    attn_rx: Annotated[bytes, Fixed(GROUPS)]


class GetAttnRxValues(Command, module=SLAC, sub_id=0x47, title="Get AttnRx Values"):
    """EVSE only (§16.4.8, p109; 2.11 p105). The example's length field reads ``00 01`` for 59
    bytes (a printing mistake)."""

    class Response(ResponseMessage):
        attn_rx: Annotated[bytes, Fixed(GROUPS)]


class SetAttnTxRefValues(Command, module=SLAC, sub_id=0x48, title="Set AttnTxRef Values"):
    """EV only; kept until reset (§16.4.9, p109-p110; 2.11 p105-p106). The example's length field
    reads ``00 00`` for 58 bytes (a printing mistake; p214 prints ``00 3A``)."""

    attn_tx_ref: Annotated[bytes, Fixed(GROUPS)]


class GetAttnTxRefValues(Command, module=SLAC, sub_id=0x49, title="Get AttnTxRef Values"):
    """EV only (§16.4.10, p110; 2.11 p106)."""

    class Response(ResponseMessage):
        attn_tx_ref: Annotated[bytes, Fixed(GROUPS)]


class SetBcbToggleResult(Command, module=SLAC, sub_id=0x4A, title="Set BCB Toggle Result"):
    """Number of BCB toggles detected in the window (§16.4.11, p110-p111; 2.11 p106-p107).

    The manual names the field "Mode"; it is a count: 0 none, 1-3 toggles, 4-255 invalid,
    so encoding accepts 0-3 only.
    """

    toggles: Annotated[int, U8(0, 3)]


class SetValidationConfiguration(Command, module=SLAC, sub_id=0x4B):
    """Enable or disable SLAC validation (§16.4.12, p112; 2.11 p108)."""

    mode: Annotated[ValidationConfiguration, U8]


class GetValidationConfiguration(Command, module=SLAC, sub_id=0x4C):
    """Whether SLAC validation is enabled (§16.4.13, p112-p113; 2.11 p108-p109)."""

    class Response(ResponseMessage):
        state: Annotated[ValidationConfiguration, U8]
