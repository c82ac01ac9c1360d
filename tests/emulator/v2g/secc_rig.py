"""A test rig for the SECC engine: a scripted EVCC on a MemoryNetwork, a small fake controller, and
the requests of a session, all on a ManualClock."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.emulator.v2g.messages import EnergyTransferModeType as Mode
from freev2g.emulator.v2g.messages import V2gProtocol
from freev2g.emulator.v2g.secc import Secc
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEnd, SessionEndKind, SessionInfo
from freev2g.emulator.v2g.timeouts import SEQUENCE_TIMEOUT

T = TypeVar("T")
DIN, ISO = V2gProtocol.DIN_70121, V2gProtocol.ISO_15118_2
OFFER = SeccOffer(protocols=(ISO, DIN), payment_options=(m.PaymentOption.EXTERNAL_PAYMENT,),
                  energy_transfer_modes=(Mode.DC_EXTENDED, Mode.AC_THREE_PHASE_CORE))
EVSE_ID = "DE*FV2*E0001"
EVCC_ID = bytes.fromhex("0a1b2c3d4e5f")
STEP = 0.01  # enough for a request and its answer on the 2 ms memory network

EV_STATUS = m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR, ev_ress_soc=40)
EVSE_STATUS = m.DCEVSEStatus(evse_isolation_status=m.IsolationLevel.VALID,
                             evse_status_code=m.DCEVSEStatusCode.EVSE_READY)
AC_STATUS = m.ACEVSEStatus(rcd=False)
SCHEDULE = (m.SAScheduleTuple(sa_schedule_tuple_id=1, p_max_schedule=(
    m.PMaxScheduleEntry(start=0, duration=86400, p_max=50_000.0),)),)


# --- the requests --------------------------------------------------------------------------------

def app_protocols(*entries: tuple[V2gProtocol, int]) -> m.SupportedAppProtocolReq:
    """(protocol, priority) pairs; the schema ID is the entry's position + 10."""
    return m.SupportedAppProtocolReq(app_protocol=tuple(
        m.AppProtocol(protocol_namespace=protocol.namespace, version_number_major=protocol.major,
                      version_number_minor=protocol.minor, schema_id=10 + index, priority=priority)
        for index, (protocol, priority) in enumerate(entries)))


def charge_parameters(mode: Mode) -> m.ChargeParameterDiscoveryReq:
    if mode.is_dc:
        return m.ChargeParameterDiscoveryReq(
            requested_energy_transfer_mode=mode, dc_ev_charge_parameter=m.DCEVChargeParameter(
                departure_time=None, dc_ev_status=EV_STATUS, ev_maximum_current_limit=125.0,
                ev_maximum_power_limit=50_000.0, ev_maximum_voltage_limit=450.0, ev_energy_capacity=None,
                ev_energy_request=None, full_soc=None, bulk_soc=None))
    return m.ChargeParameterDiscoveryReq(
        requested_energy_transfer_mode=mode, ac_ev_charge_parameter=m.ACEVChargeParameter(
            departure_time=None, e_amount=20_000.0, ev_max_voltage=400.0, ev_max_current=32.0,
            ev_min_current=6.0))


def power_delivery(progress: m.ChargeProgress) -> m.PowerDeliveryReq:
    return m.PowerDeliveryReq(charge_progress=progress, sa_schedule_tuple_id=1)


SETUP = m.SessionSetupReq(evcc_id=EVCC_ID)
DISCOVERY = m.ServiceDiscoveryReq()
DETAIL = m.ServiceDetailReq(service_id=1)
PAYMENT = m.PaymentServiceSelectionReq(selected_payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
                                       selected_service_list=(m.SelectedService(service_id=1),))
AUTHORIZATION = m.AuthorizationReq()
CPD_DC = charge_parameters(Mode.DC_EXTENDED)
CPD_AC = charge_parameters(Mode.AC_THREE_PHASE_CORE)
CABLE_CHECK = m.CableCheckReq(dc_ev_status=EV_STATUS)
PRE_CHARGE = m.PreChargeReq(dc_ev_status=EV_STATUS, ev_target_voltage=400.0, ev_target_current=2.0)
START = power_delivery(m.ChargeProgress.START)
STOP = power_delivery(m.ChargeProgress.STOP)
RENEGOTIATE = power_delivery(m.ChargeProgress.RENEGOTIATE)
CURRENT_DEMAND = m.CurrentDemandReq(dc_ev_status=EV_STATUS, ev_target_current=100.0, ev_target_voltage=400.0)
CHARGING_STATUS = m.ChargingStatusReq()
WELDING = m.WeldingDetectionReq(dc_ev_status=EV_STATUS)
SESSION_STOP = m.SessionStopReq()

HANDSHAKE = [SETUP, DISCOVERY, DETAIL, PAYMENT, AUTHORIZATION]
DC_SESSION = [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, PRE_CHARGE, START, CURRENT_DEMAND,
              CURRENT_DEMAND, STOP, WELDING, WELDING, SESSION_STOP]
AC_SESSION = [*HANDSHAKE, CPD_AC, START, CHARGING_STATUS, CHARGING_STATUS, STOP, SESSION_STOP]


# --- the EVSE side ---------------------------------------------------------------------------------

class FakeController:
    """Answers at once with plausible responses; ``ongoing`` counts "Ongoing" answers per method,
    ``next_decision`` replaces the next decision of a method (to fail it or keep it pending)."""

    def __init__(self, offer: SeccOffer = OFFER) -> None:
        self._offer = offer
        self.calls: list[str] = []
        self.infos: list[SessionInfo] = []
        self.ends: list[SessionEnd] = []
        self.ongoing: dict[str, int] = {}
        self.next_decision: dict[str, Decision[Any]] = {}

    def offer(self) -> SeccOffer:
        return self._offer

    def _decide(self, name: str, value: T) -> Decision[T]:
        self.calls.append(name)
        if name in self.next_decision:
            return self.next_decision.pop(name)
        if self.ongoing.get(name, 0) > 0:
            self.ongoing[name] -= 1
            value = dataclasses.replace(value, evse_processing=m.EVSEProcessing.ONGOING)  # type: ignore[type-var]
        return Decision.of(value)

    def session_setup(self, info: SessionInfo) -> Decision[str]:
        self.infos.append(info)
        return self._decide("session_setup", EVSE_ID)

    def payment_selected(self, request: m.PaymentServiceSelectionReq) -> None:
        self.calls.append("payment_selected")

    def authorization(self, request: m.AuthorizationReq) -> Decision[m.AuthorizationRes]:
        return self._decide("authorization", m.AuthorizationRes())

    def charge_parameter_discovery(
            self, request: m.ChargeParameterDiscoveryReq) -> Decision[m.ChargeParameterDiscoveryRes]:
        return self._decide("charge_parameter_discovery",
                            m.ChargeParameterDiscoveryRes(sa_schedule_list=SCHEDULE))

    def cable_check(self, request: m.CableCheckReq) -> Decision[m.CableCheckRes]:
        return self._decide("cable_check", m.CableCheckRes(dc_evse_status=EVSE_STATUS))

    def pre_charge(self, request: m.PreChargeReq) -> Decision[m.PreChargeRes]:
        return self._decide("pre_charge", m.PreChargeRes(
            dc_evse_status=EVSE_STATUS, evse_present_voltage=request.ev_target_voltage))

    def power_delivery(self, request: m.PowerDeliveryReq) -> Decision[m.PowerDeliveryRes]:
        return self._decide("power_delivery", m.PowerDeliveryRes())

    def current_demand(self, request: m.CurrentDemandReq) -> Decision[m.CurrentDemandRes]:
        return self._decide("current_demand", m.CurrentDemandRes(
            dc_evse_status=EVSE_STATUS, evse_present_voltage=request.ev_target_voltage,
            evse_present_current=request.ev_target_current, evse_current_limit_achieved=False,
            evse_voltage_limit_achieved=False, evse_power_limit_achieved=False))

    def charging_status(self, request: m.ChargingStatusReq) -> Decision[m.ChargingStatusRes]:
        return self._decide("charging_status", m.ChargingStatusRes(
            evse_id=EVSE_ID, sa_schedule_tuple_id=1, ac_evse_status=AC_STATUS))

    def welding_detection(self, request: m.WeldingDetectionReq) -> Decision[m.WeldingDetectionRes]:
        return self._decide("welding_detection", m.WeldingDetectionRes(
            dc_evse_status=EVSE_STATUS, evse_present_voltage=0.0))

    def session_stop(self, request: m.SessionStopReq) -> None:
        self.calls.append("session_stop")

    def session_ended(self, end: SessionEnd) -> None:
        self.ends.append(end)


# --- the EV side -----------------------------------------------------------------------------------

def counting_ids() -> Callable[[], bytes]:
    counter: Iterator[int] = itertools.count(1)
    return lambda: next(counter).to_bytes(8, "big")


class Rig:
    """One accepted connection: ``ev.send(request)`` and read what came back."""

    def __init__(self, offer: SeccOffer = OFFER, *, new_session_id: Callable[[], bytes] | None = None,
                 resume_session_id: bytes | None = None) -> None:
        self.clock = ManualClock()
        self.network = MemoryNetwork(self.clock)
        self.controller = FakeController(offer)
        self.seccs: list[Secc] = []
        self.received: list[m.V2gMessage] = []
        self.ev_closed = False
        self.session_id = m.NO_SESSION
        ids = new_session_id or counting_ids()

        def accept(end: LinkEnd) -> None:
            self.seccs.append(Secc(self.clock, end, self.controller, new_session_id=ids,
                                   resume_session_id=resume_session_id))

        self.network.listen(accept)
        self.ends: list[LinkEnd | None] = []
        self.network.connect(self.ends.append)
        self.clock.advance(STEP)
        end = self.ends[0]
        assert end is not None
        self.end = end
        end.on_message = self.received.append
        end.on_close = self._closed

    def _closed(self) -> None:
        self.ev_closed = True

    @property
    def secc(self) -> Secc:
        return self.seccs[0]

    def send(self, request: m.V2gRequest, *, session_id: bytes | None = None) -> m.V2gMessage | None:
        """Send ``request`` with the session ID (the last SessionSetupRes's unless given) and
        return the answer, if one came within a few milliseconds."""
        stamped = dataclasses.replace(request, session_id=self.session_id if session_id is None else session_id)
        count = len(self.received)
        self.end.send(stamped)
        self.clock.advance(STEP)
        answers = self.received[count:]
        assert len(answers) <= 1, answers
        if answers and isinstance(answers[0], m.SessionSetupRes) and answers[0].response_code.ok:
            self.session_id = answers[0].session_id
        return answers[0] if answers else None

    def run(self, requests: list[m.V2gRequest]) -> list[m.V2gMessage | None]:
        return [self.send(request) for request in requests]


def negotiated(protocol: V2gProtocol = ISO, offer: SeccOffer = OFFER, *,
               new_session_id: Callable[[], bytes] | None = None,
               resume_session_id: bytes | None = None) -> Rig:
    """A rig past supportedAppProtocol with ``protocol``."""
    rig = Rig(offer, new_session_id=new_session_id, resume_session_id=resume_session_id)
    answer = rig.send(app_protocols((protocol, 1)))
    assert isinstance(answer, m.SupportedAppProtocolRes)
    assert answer.app_response_code is m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION
    return rig


# --- checks --------------------------------------------------------------------------------------

RESPONSE_OF = {
    m.SessionSetupReq: m.SessionSetupRes, m.ServiceDiscoveryReq: m.ServiceDiscoveryRes,
    m.ServiceDetailReq: m.ServiceDetailRes, m.PaymentServiceSelectionReq: m.PaymentServiceSelectionRes,
    m.AuthorizationReq: m.AuthorizationRes, m.ChargeParameterDiscoveryReq: m.ChargeParameterDiscoveryRes,
    m.CableCheckReq: m.CableCheckRes, m.PreChargeReq: m.PreChargeRes, m.PowerDeliveryReq: m.PowerDeliveryRes,
    m.CurrentDemandReq: m.CurrentDemandRes, m.ChargingStatusReq: m.ChargingStatusRes,
    m.WeldingDetectionReq: m.WeldingDetectionRes, m.SessionStopReq: m.SessionStopRes,
    m.SupportedAppProtocolReq: m.SupportedAppProtocolRes,
}


def only_end(rig: Rig) -> SessionEnd:
    assert len(rig.controller.ends) == 1, rig.controller.ends
    assert not rig.secc.active
    return rig.controller.ends[0]


def assert_ended(rig: Rig, kind: SessionEndKind, reason_start: str = "") -> None:
    end = only_end(rig)
    assert end.kind is kind, end
    assert end.reason.startswith(reason_start), end
    assert rig.ev_closed  # the SECC closed the connection
    rig.clock.advance(2 * SEQUENCE_TIMEOUT)
    assert len(rig.controller.ends) == 1  # no timeout or second end later


def run_ok(rig: Rig, requests: list[m.V2gRequest]) -> list[m.V2gResponse]:
    answers = []
    for request in requests:
        answer = rig.send(request)
        assert isinstance(answer, RESPONSE_OF[type(request)]), (request, answer)
        assert answer.response_code.ok, answer
        assert answer.session_id == rig.secc.session_id
        answers.append(answer)
    return answers
