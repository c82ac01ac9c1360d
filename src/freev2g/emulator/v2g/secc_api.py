"""What the SECC engine asks of the EVSE side at each step of a session.

The engine (``secc.py``) runs the protocol: supportedAppProtocol negotiation, the session ID,
ServiceDiscovery, ServiceDetail and PaymentServiceSelection from the :class:`SeccOffer`, message
order, and the stamping of the session ID on every response. For every other step it calls the
:class:`EvseController` and sends the response the returned :class:`Decision` resolves to.

Two kinds of controller exist: an emulated EVSE module, which asks its host over HCI (v1 "Request
X" / "Set X", v2 status messages and commands; hci-reference §5.7, v1-api §1.9), and the
simulated charger, which decides from its models at once. A controller that has not decided yet
when a request with EVSEProcessing arrives (Authorization, ChargeParameterDiscovery, CableCheck)
resolves the decision with ``EVSEProcessing.ONGOING`` itself; the EV then repeats the request and
the engine calls the controller again. A failed decision ends the session: the engine closes the
connection and calls :meth:`EvseController.session_ended`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision


@dataclass(frozen=True, kw_only=True)
class SeccOffer:
    """What the SECC offers, read when a connection is accepted."""

    protocols: tuple[m.V2gProtocol, ...]  # in the SECC's order of preference
    payment_options: tuple[m.PaymentOption, ...]
    energy_transfer_modes: tuple[m.EnergyTransferModeType, ...]


@dataclass(frozen=True, kw_only=True)
class SessionInfo:
    protocol: m.V2gProtocol
    session_id: bytes
    evcc_id: bytes


class SessionEndKind(enum.Enum):
    STOPPED = "stopped"  # SessionStopReq answered
    CONNECTION_LOST = "connection lost"  # the EV (or the PLC link) went away
    TIMEOUT = "timeout"  # no next request within the sequence timeout
    SEQUENCE_ERROR = "sequence error"  # a request out of order
    FAILED = "failed"  # the EVSE side failed a decision (reason says which)


@dataclass(frozen=True, kw_only=True)
class SessionEnd:
    kind: SessionEndKind
    reason: str = ""


class EvseController(Protocol):
    def offer(self) -> SeccOffer: ...

    def session_setup(self, info: SessionInfo) -> Decision[str]:
        """SessionSetupReq arrived with a new session: the EVSE ID to answer with."""

    def payment_selected(self, request: m.PaymentServiceSelectionReq) -> None: ...

    def authorization(self, request: m.AuthorizationReq) -> Decision[m.AuthorizationRes]: ...

    def charge_parameter_discovery(
        self, request: m.ChargeParameterDiscoveryReq) -> Decision[m.ChargeParameterDiscoveryRes]: ...

    def cable_check(self, request: m.CableCheckReq) -> Decision[m.CableCheckRes]: ...

    def pre_charge(self, request: m.PreChargeReq) -> Decision[m.PreChargeRes]: ...

    def power_delivery(self, request: m.PowerDeliveryReq) -> Decision[m.PowerDeliveryRes]: ...

    def current_demand(self, request: m.CurrentDemandReq) -> Decision[m.CurrentDemandRes]: ...

    def charging_status(self, request: m.ChargingStatusReq) -> Decision[m.ChargingStatusRes]: ...

    def welding_detection(self, request: m.WeldingDetectionReq) -> Decision[m.WeldingDetectionRes]: ...

    def session_stop(self, request: m.SessionStopReq) -> None:
        """SessionStopReq arrived; the engine answers OK and then reports STOPPED."""

    def session_ended(self, end: SessionEnd) -> None:
        """The session is over, for whatever reason; called exactly once per session."""
