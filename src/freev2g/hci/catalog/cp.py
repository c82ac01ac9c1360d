"""Control Pilot module 0x29 (manual 2.14 §15, p92-p101; identical in 2.11 §14, p88-p97).

The EV reads the PWM duty cycle and sets the CP level through its resistors; the EVSE sets the
PWM and cannot set resistors (p92). Values set before Start are kept and applied at Start (p94).
The only difference between the manuals is a note added to Get CP AD Value (v1-api §2.6).
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U8, U16, U32
from freev2g.hci.message import Command, ResponseMessage, Status
from freev2g.hci.modules import ModuleId

CP = ModuleId.CONTROL_PILOT

DUTY_CYCLE = U16(0, 1000, unit="‰")
"""Duty cycle and threshold in permille (p95-p99): 1000 = 100 % = X1, 50 = 5 %, 0 = state F."""


class ControlPilotMode(enum.IntEnum):
    """CP service mode (§15.4.1-§15.4.2, p93-p94)."""

    EV = 0
    EVSE = 1
    NOT_SET = 255  # listed with Set Mode (p93); only Get Mode can return it


class ResistorLevel(enum.IntEnum):
    """EV resistor level and the CP state it produces (§15.4.7, p97)."""

    STATE_B = 0  # only the 2.74 kOhm resistor; the level after Start and Stop
    STATE_C = 1
    STATE_D = 2


class ControlPilotState(enum.IntEnum):
    """State measured on the CP line (§15.4.9, p98): A 12 V, B 9 V, C 6 V, D 3 V, E 0 V, F -12 V.

    An EV sees only B-E; ``UNKNOWN`` means the voltage matched no state with enough confidence.
    """

    A = 0
    B = 1
    C = 2
    D = 3
    E = 4
    F = 5
    UNKNOWN = 6


STATE = U8(0, 6)
"""Decision: the tables of Get State and State Changed give the range ``uint8 (0-5)`` but list
6 = unknown in the description (p98, p101; 2.11 p94, p97). Value 6 is accepted."""


class SetMode(Command, module=CP, sub_id=0x40):
    """Set Mode, before Start only (§15.4.1, p93; 2.11 p89). Result 0x01 when the service is
    started, 0x05 when the firmware supports one mode only.

    Decision: the table lists "255: Mode not yet set" next to the range 0-1; 255 is a Get Mode
    answer, so encoding it here is refused.
    """

    mode: Annotated[ControlPilotMode, U8(0, 1)]


class GetMode(Command, module=CP, sub_id=0x41):
    """Get Mode (§15.4.2, p94; 2.11 p90)."""

    class Response(ResponseMessage):
        """Decision: the table says ``uint8 (0-1)``, but Set Mode's table (p93) lists 255 = mode
        not yet set, which a firmware can only report here; 255 is accepted (hci-reference §3.6)."""

        mode: Annotated[ControlPilotMode, U8]


class Start(Command, module=CP, sub_id=0x42):
    """Start the CP service; 0x05 when already started (§15.4.3, p94-p95; 2.11 p90-p91)."""


class Stop(Command, module=CP, sub_id=0x43):
    """Stop the CP service; 0x05 when not started (§15.4.4, p95; 2.11 p91).

    The text says the EVSE returns to 100 % (X1), Figure 20 (p203) says 0 % (hci-reference §9.13);
    the wire layout is the same either way, the text is taken as the specification.
    """


class SetPwmDutyCycle(Command, module=CP, sub_id=0x44, title="Set PWM Duty Cycle"):
    """EVSE only, 0x05 in EV mode (§15.4.5, p95-p96; 2.11 p91-p92)."""

    duty_cycle: Annotated[int, DUTY_CYCLE]


class GetPwmDutyCycle(Command, module=CP, sub_id=0x45, title="Get PWM Duty Cycle"):
    """The set duty cycle (EVSE) or the measured one (EV) (§15.4.6, p96; 2.11 p92)."""

    class Response(ResponseMessage):
        duty_cycle: Annotated[int, DUTY_CYCLE]


class SetResistorLevel(Command, module=CP, sub_id=0x46):
    """EV only, 0x05 in EVSE mode (§15.4.7, p97; 2.11 p93)."""

    resistor_level: Annotated[ResistorLevel, U8]


class GetResistorLevel(Command, module=CP, sub_id=0x47):
    """EV only, 0x05 in EVSE mode (§15.4.8, p97-p98; 2.11 p93-p94)."""

    class Response(ResponseMessage):
        resistor_level: Annotated[ResistorLevel, U8]


class GetState(Command, module=CP, sub_id=0x48):
    """State measured on the CP line (§15.4.9, p98; 2.11 p94)."""

    class Response(ResponseMessage):
        state: Annotated[ControlPilotState, STATE]


class SetPwmDutyCycleNotificationThreshold(Command, module=CP, sub_id=0x49,
                                           title="Set PWM Duty Cycle Notification Threshold"):
    """EV only (§15.4.10, p98-p99; 2.11 p94-p95). With 50 % and a threshold of 50 ‰ the module
    reports Duty Cycle Changed at >= 55 % or <= 45 %."""

    threshold_level: Annotated[int, DUTY_CYCLE]


class GetPwmDutyCycleNotificationThreshold(Command, module=CP, sub_id=0x4A,
                                           title="Get PWM Duty Cycle Notification Threshold"):
    """EV only (§15.4.11, p99-p100; 2.11 p95-p96)."""

    class Response(ResponseMessage):
        threshold_level: Annotated[int, DUTY_CYCLE]


class GetCpAdValue(Command, module=CP, sub_id=0x4B, title="Get CP AD Value"):
    """Raw AD value of the CP pin; "EVSE only" is a note added in 2.14 (§15.4.12, p100; 2.11 p96)."""

    class Response(ResponseMessage):
        ad_value: Annotated[int, U32]

        @property
        def voltage(self) -> float:
            """CP voltage in V by the manual's formula U = AD * 0.007172 - 14.84 (2.14 p100)."""
            return self.ad_value * 0.007172 - 14.84


class DutyCycleChanged(Status, module=CP, sub_id=0x80):
    """The duty cycle changed by more than the threshold (§15.5.1, p100-p101; 2.11 p96-p97)."""

    duty_cycle: Annotated[int, DUTY_CYCLE]


class StateChanged(Status, module=CP, sub_id=0x81):
    """The state on the CP line changed (§15.5.2, p101; 2.11 p97); range as Get State."""

    state: Annotated[ControlPilotState, STATE]
