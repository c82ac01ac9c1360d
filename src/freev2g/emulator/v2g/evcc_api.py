"""What the EVCC engine asks of the EV side at each step of a session.

The engine (``evcc.py``) runs the EV's half of the protocol in the order of hci-reference §5.8 and
v1-api §1.9: connect (SDP + TCP), supportedAppProtocol, SessionSetup, ServiceDiscovery,
ServiceDetail, PaymentServiceSelection, Authorization (repeated while Ongoing),
ChargeParameterDiscovery (repeated while Ongoing); DC: CableCheck loop, PreCharge loop; then
PowerDelivery(Start), the CurrentDemand (DC) or ChargingStatus (AC) loop, PowerDelivery(Stop or
Renegotiate); DC: WeldingDetection loop; SessionStop. It keeps the standards' message timeouts
(``timeouts.py``) and stamps the session ID.

The :class:`EvController` supplies the request contents and the points where the EV side decides
when to go on. Two kinds exist: an emulated EV module, whose host decides with HCI commands
(Start Cable Check 0xAA, Start Pre Charging 0xAB, Start Charging 0xAC, Stop Charging 0xAD, Stop
Session 0xAE) and which reports each step with its status messages (0xC0-0xCD); and the simulated
car, which decides from its battery model.

The ``wait_*`` decisions gate the flow: the engine calls each once per session step and moves on
when it resolves. In a loop (pre-charge, charge loop, welding detection) the engine keeps sending
the loop's request until the gate of the next step resolves; a failed gate ends the session.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionInfo


@dataclass(frozen=True, kw_only=True)
class EvSessionConfig:
    """Read when the engine starts a session."""

    protocols: tuple[m.V2gProtocol, ...]  # the EV's order of preference (priority 1 first)
    evcc_id: bytes
    payment_option: m.PaymentOption
    energy_transfer_mode: m.EnergyTransferModeType
    loop_interval: float = 0.1  # s between the loop requests (pre-charge, charge loop, welding)


class EvStep(enum.Enum):
    """Points the engine reports to the controller (the EV module's status messages)."""

    CABLE_CHECK_FINISHED = "cable check finished"  # 0xC5
    CHARGING_READY = "charging ready"  # 0xC7: AC after CPD; DC after the first PreChargeRes
    CHARGING_STARTED = "charging started"  # 0xC8: PowerDeliveryRes(Start) OK
    CHARGING_STOPPED = "charging stopped"  # 0xC9 (AC): PowerDeliveryRes(Stop) OK
    POST_CHARGING_READY = "post charging ready"  # 0xCA (DC): PowerDeliveryRes(Stop) OK


@dataclass(frozen=True, kw_only=True)
class EvTargets:
    """The EV's present request, read for every loop request."""

    dc_ev_status: m.DCEVStatus
    ev_target_voltage: float  # V
    ev_target_current: float  # A
    ev_maximum_voltage_limit: float | None = None  # V
    ev_maximum_current_limit: float | None = None  # A
    ev_maximum_power_limit: float | None = None  # W
    bulk_charging_complete: bool | None = None
    charging_complete: bool = False
    remaining_time_to_full_soc: float | None = None  # s
    remaining_time_to_bulk_soc: float | None = None  # s


class EvController(Protocol):
    def session_config(self) -> EvSessionConfig: ...

    def session_started(self, info: SessionInfo, setup: m.SessionSetupRes) -> None:
        """SessionSetupRes OK: the session ID and the EVSE ID are known."""

    def charge_parameters(self) -> m.ChargeParameterDiscoveryReq:
        """The body of each ChargeParameterDiscoveryReq (also after a renegotiation)."""

    def charge_parameters_received(self, response: m.ChargeParameterDiscoveryRes) -> None:
        """The EVSE's limits and schedules (0xC3, 0xC0, then 0xC1 or 0xC2)."""

    def evse_response(self, response: m.V2gResponse) -> None:
        """Every response after discovery: present values and notifications (0xC1, 0xC2, 0xCC)."""

    def targets(self) -> EvTargets: ...

    def charging_profile(self) -> tuple[int, tuple[m.ProfileEntry, ...]]:
        """The SAScheduleTupleID and profile for PowerDeliveryReq(Start)."""

    def wait_cable_check(self) -> Decision[None]:
        """DC: the EV side is ready for the cable check (0xC4, then host 0xAA)."""

    def wait_pre_charge(self) -> Decision[None]:
        """DC: ready for pre-charge (0xC6, then host 0xAB)."""

    def wait_start_charging(self) -> Decision[None]:
        """Ready to close the contactors (host 0xAC; the car: voltage within its tolerance)."""

    def wait_stop_charging(self) -> Decision[m.ChargeProgress]:
        """STOP or RENEGOTIATE (host 0xAD; the car: target SOC or charge time reached)."""

    def wait_stop_session(self) -> Decision[None]:
        """DC after welding detection (host 0xAE; the car: voltage below its safe level)."""

    def step(self, step: EvStep) -> None: ...

    def session_ended(self, end: SessionEnd) -> None:
        """The session is over (0xCB after SessionStopRes, 0xCD then 0xCB on an error)."""
