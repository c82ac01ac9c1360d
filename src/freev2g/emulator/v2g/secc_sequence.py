"""Which request may follow which on the SECC side: the message order as data.

The SECC's state is the last step it answered (none before supportedAppProtocol), whether that
answer said ``EVSEProcessing.ONGOING``, and whether a renegotiation is running. The order is the
one of DIN SPEC 70121 and ISO 15118-2 as the WHITE beet runs them (hci-reference §5.7 and the
manual's Figures 26-36, manual 2.14 p217-p229; v1-api §1.9):

``supportedAppProtocol, SessionSetup, ServiceDiscovery, ServiceDetail (0..n),
PaymentServiceSelection, Authorization (repeated while Ongoing), ChargeParameterDiscovery
(repeated while Ongoing)``, then DC: ``CableCheck (repeated while Ongoing), PreCharge (1..n),
PowerDelivery(Start), CurrentDemand (0..n), PowerDelivery(Stop), WeldingDetection (0..n)``; AC:
``PowerDelivery(Start), ChargingStatus (0..n), PowerDelivery(Stop)``; last ``SessionStop``.

Decisions where the sources leave room (tested in tests/emulator/v2g/test_secc.py):

* **Renegotiation** (ISO 15118-2 only; DIN's PowerDeliveryReq has no such value, so there it is a
  sequence error). ISO 15118-2 goes from PowerDelivery(Renegotiate) straight to
  ChargeParameterDiscovery; the WHITE beet manual's renegotiation figure (Figure 44, 2.14 p236;
  hci-reference §5.8) shows ServiceDiscovery, ServiceDetail and PaymentServiceSelection first.
  Both paths are accepted; after a renegotiation's PaymentServiceSelection the EV may go on to
  ChargeParameterDiscovery without a new Authorization, and a DC EV may go from that
  ChargeParameterDiscovery straight to PowerDelivery(Start) (the isolation was checked once
  already) as well as through CableCheck and PreCharge again.
* PowerDelivery(Stop) may follow PowerDelivery(Start) with no charge loop request in between.
* SessionStop is accepted only after PowerDelivery(Stop) (AC and DC) and WeldingDetection; an EV
  that leaves earlier closes the connection instead.
"""

from __future__ import annotations

import enum

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.messages import V2gProtocol


class Step(enum.Enum):
    """One request as the order sees it: PowerDelivery splits by ChargeProgress and by AC/DC."""

    SUPPORTED_APP_PROTOCOL = "supportedAppProtocol"
    SESSION_SETUP = "SessionSetup"
    SERVICE_DISCOVERY = "ServiceDiscovery"
    SERVICE_DETAIL = "ServiceDetail"
    PAYMENT_SELECTION = "PaymentServiceSelection"
    AUTHORIZATION = "Authorization"
    CHARGE_PARAMETERS_AC = "ChargeParameterDiscovery (AC)"
    CHARGE_PARAMETERS_DC = "ChargeParameterDiscovery (DC)"
    CABLE_CHECK = "CableCheck"
    PRE_CHARGE = "PreCharge"
    START_AC = "PowerDelivery(Start) AC"
    START_DC = "PowerDelivery(Start) DC"
    CHARGING_STATUS = "ChargingStatus"
    CURRENT_DEMAND = "CurrentDemand"
    STOP_AC = "PowerDelivery(Stop) AC"
    STOP_DC = "PowerDelivery(Stop) DC"
    RENEGOTIATE = "PowerDelivery(Renegotiate)"
    WELDING_DETECTION = "WeldingDetection"
    SESSION_STOP = "SessionStop"


_SIMPLE: dict[type[m.V2gRequest], Step] = {
    m.SupportedAppProtocolReq: Step.SUPPORTED_APP_PROTOCOL,
    m.SessionSetupReq: Step.SESSION_SETUP,
    m.ServiceDiscoveryReq: Step.SERVICE_DISCOVERY,
    m.ServiceDetailReq: Step.SERVICE_DETAIL,
    m.PaymentServiceSelectionReq: Step.PAYMENT_SELECTION,
    m.AuthorizationReq: Step.AUTHORIZATION,
    m.CableCheckReq: Step.CABLE_CHECK,
    m.PreChargeReq: Step.PRE_CHARGE,
    m.ChargingStatusReq: Step.CHARGING_STATUS,
    m.CurrentDemandReq: Step.CURRENT_DEMAND,
    m.WeldingDetectionReq: Step.WELDING_DETECTION,
    m.SessionStopReq: Step.SESSION_STOP,
}


def step_of(request: m.V2gRequest, dc: bool) -> Step:
    """The step ``request`` is; ``dc``: the energy transfer mode of the session is DC (a
    PowerDeliveryReq always comes after ChargeParameterDiscovery chose it)."""
    if isinstance(request, m.ChargeParameterDiscoveryReq):
        is_dc = request.requested_energy_transfer_mode.is_dc
        return Step.CHARGE_PARAMETERS_DC if is_dc else Step.CHARGE_PARAMETERS_AC
    if isinstance(request, m.PowerDeliveryReq):
        if request.charge_progress is m.ChargeProgress.RENEGOTIATE:
            return Step.RENEGOTIATE
        if request.charge_progress is m.ChargeProgress.START:
            return Step.START_DC if dc else Step.START_AC
        return Step.STOP_DC if dc else Step.STOP_AC
    return _SIMPLE[type(request)]


_CHARGE_PARAMETERS = frozenset({Step.CHARGE_PARAMETERS_AC, Step.CHARGE_PARAMETERS_DC})

# After the step on the left was answered (finished), the EV may send one of these.
_FOLLOWS: dict[Step | None, frozenset[Step]] = {
    None: frozenset({Step.SUPPORTED_APP_PROTOCOL}),
    Step.SUPPORTED_APP_PROTOCOL: frozenset({Step.SESSION_SETUP}),
    Step.SESSION_SETUP: frozenset({Step.SERVICE_DISCOVERY}),
    Step.SERVICE_DISCOVERY: frozenset({Step.SERVICE_DETAIL, Step.PAYMENT_SELECTION}),
    Step.SERVICE_DETAIL: frozenset({Step.SERVICE_DETAIL, Step.PAYMENT_SELECTION}),
    Step.PAYMENT_SELECTION: frozenset({Step.AUTHORIZATION}),
    Step.AUTHORIZATION: _CHARGE_PARAMETERS,
    Step.CHARGE_PARAMETERS_AC: frozenset({Step.START_AC}),
    Step.CHARGE_PARAMETERS_DC: frozenset({Step.CABLE_CHECK}),
    Step.CABLE_CHECK: frozenset({Step.PRE_CHARGE}),
    Step.PRE_CHARGE: frozenset({Step.PRE_CHARGE, Step.START_DC}),
    Step.START_AC: frozenset({Step.CHARGING_STATUS, Step.STOP_AC, Step.RENEGOTIATE}),
    Step.CHARGING_STATUS: frozenset({Step.CHARGING_STATUS, Step.STOP_AC, Step.RENEGOTIATE}),
    Step.START_DC: frozenset({Step.CURRENT_DEMAND, Step.STOP_DC, Step.RENEGOTIATE}),
    Step.CURRENT_DEMAND: frozenset({Step.CURRENT_DEMAND, Step.STOP_DC, Step.RENEGOTIATE}),
    Step.STOP_AC: frozenset({Step.SESSION_STOP}),
    Step.STOP_DC: frozenset({Step.WELDING_DETECTION, Step.SESSION_STOP}),
    Step.WELDING_DETECTION: frozenset({Step.WELDING_DETECTION, Step.SESSION_STOP}),
    Step.RENEGOTIATE: _CHARGE_PARAMETERS | {Step.SERVICE_DISCOVERY},
    Step.SESSION_STOP: frozenset(),
}

# Extra ways on while a renegotiation runs (PowerDelivery(Renegotiate) until the next Start).
_RENEGOTIATION_EXTRAS: dict[Step, frozenset[Step]] = {
    Step.PAYMENT_SELECTION: _CHARGE_PARAMETERS,
    Step.CHARGE_PARAMETERS_DC: frozenset({Step.START_DC}),
}

# After an "Ongoing" answer the EV repeats the request (a repeated ChargeParameterDiscoveryReq
# may name the other energy transfer mode).
_REPEATS: dict[Step, frozenset[Step]] = {
    Step.AUTHORIZATION: frozenset({Step.AUTHORIZATION}),
    Step.CHARGE_PARAMETERS_AC: _CHARGE_PARAMETERS,
    Step.CHARGE_PARAMETERS_DC: _CHARGE_PARAMETERS,
    Step.CABLE_CHECK: frozenset({Step.CABLE_CHECK}),
}

# DIN SPEC 70121 is DC only and has no renegotiation. An AC ChargeParameterDiscoveryReq stays in
# order: the engine refuses its mode with FAILED_WrongEnergyTransferMode, which says more.
_NOT_IN_DIN = frozenset({Step.START_AC, Step.CHARGING_STATUS, Step.STOP_AC, Step.RENEGOTIATE})

ONGOING_STEPS = frozenset(_REPEATS)


def allowed_steps(protocol: V2gProtocol | None, last: Step | None, *, ongoing: bool = False,
                  renegotiating: bool = False) -> frozenset[Step]:
    """The steps that may come next after ``last`` was answered (``ongoing``: with "Ongoing")."""
    if ongoing and last in _REPEATS:
        steps = _REPEATS[last]
    else:
        steps = _FOLLOWS[last]
        if renegotiating and last in _RENEGOTIATION_EXTRAS:
            steps = steps | _RENEGOTIATION_EXTRAS[last]
    if protocol is V2gProtocol.DIN_70121:
        steps = steps - _NOT_IN_DIN
    return steps
