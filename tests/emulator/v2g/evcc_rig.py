"""A scripted SECC and a fake EV controller, to drive the EVCC engine on a MemoryNetwork."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.evcc_api import EvSessionConfig, EvStep, EvTargets
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionInfo

ISO, DIN = m.V2gProtocol.ISO_15118_2, m.V2gProtocol.DIN_70121
DC, AC = m.EnergyTransferModeType.DC_EXTENDED, m.EnergyTransferModeType.AC_THREE_PHASE_CORE
SID = bytes.fromhex("0a1b2c3d4e5f6071")
EVCC_ID = bytes.fromhex("020000000001")
LOOP = 0.1
LATENCY = 0.002  # MemoryNetwork's default, one way

DC_EVSE_STATUS = m.DCEVSEStatus(evse_isolation_status=m.IsolationLevel.VALID,
                                evse_status_code=m.DCEVSEStatusCode.EVSE_READY)
AC_EVSE_STATUS = m.ACEVSEStatus(rcd=False)
EV_STATUS = m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR, ev_ress_soc=40)
SCHEDULE = m.SAScheduleTuple(sa_schedule_tuple_id=7, p_max_schedule=(
    m.PMaxScheduleEntry(start=0, duration=86400, p_max=50000.0),))
PROFILE = (m.ProfileEntry(charging_profile_entry_start=0, charging_profile_entry_max_power=50000.0),)

Answer = Callable[[m.V2gRequest], m.V2gMessage | None]


def label(request: m.V2gRequest) -> str:
    """A request's name; PowerDelivery with its ChargeProgress."""
    if isinstance(request, m.PowerDeliveryReq):
        return f"PowerDeliveryReq({request.charge_progress.value})"
    return request.name


def default_answer(request: m.V2gRequest, protocols: tuple[m.V2gProtocol, ...]) -> m.V2gMessage:
    """What a well-behaved SECC answers (Finished at once), stamped with :data:`SID`."""
    match request:
        case m.SupportedAppProtocolReq(app_protocol=offered):
            for entry in sorted(offered, key=lambda entry: entry.priority):
                if any(entry.protocol_namespace == protocol.namespace for protocol in protocols):
                    return m.SupportedAppProtocolRes(
                        app_response_code=m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION,
                        schema_id=entry.schema_id)
            return m.SupportedAppProtocolRes(app_response_code=m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION)
        case m.SessionSetupReq():
            response: m.V2gMessage = m.SessionSetupRes(
                response_code=m.ResponseCode.OK_NEW_SESSION_ESTABLISHED, evse_id="DE*ABC*E123")
        case m.ServiceDiscoveryReq():
            response = m.ServiceDiscoveryRes(
                payment_option_list=(m.PaymentOption.EXTERNAL_PAYMENT,),
                charge_service=m.ChargeService(supported_energy_transfer_modes=(DC, AC)))
        case m.ServiceDetailReq(service_id=service_id):
            response = m.ServiceDetailRes(service_id=service_id)
        case m.PaymentServiceSelectionReq():
            response = m.PaymentServiceSelectionRes()
        case m.AuthorizationReq():
            response = m.AuthorizationRes()
        case m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=mode):
            if mode.is_dc:
                response = m.ChargeParameterDiscoveryRes(sa_schedule_list=(SCHEDULE,), dc_evse_charge_parameter=(
                    m.DCEVSEChargeParameter(
                        dc_evse_status=DC_EVSE_STATUS, evse_maximum_current_limit=200, evse_maximum_power_limit=50000,
                        evse_maximum_voltage_limit=500, evse_minimum_current_limit=0, evse_minimum_voltage_limit=150,
                        evse_current_regulation_tolerance=None, evse_peak_current_ripple=1,
                        evse_energy_to_be_delivered=None)))
            else:
                response = m.ChargeParameterDiscoveryRes(sa_schedule_list=(SCHEDULE,), ac_evse_charge_parameter=(
                    m.ACEVSEChargeParameter(ac_evse_status=AC_EVSE_STATUS, evse_nominal_voltage=230,
                                            evse_max_current=16)))
        case m.CableCheckReq():
            response = m.CableCheckRes(dc_evse_status=DC_EVSE_STATUS)
        case m.PreChargeReq(ev_target_voltage=voltage):
            response = m.PreChargeRes(dc_evse_status=DC_EVSE_STATUS, evse_present_voltage=voltage)
        case m.PowerDeliveryReq(dc_ev_power_delivery_parameter=parameter):
            response = (m.PowerDeliveryRes(ac_evse_status=AC_EVSE_STATUS) if parameter is None
                        else m.PowerDeliveryRes(dc_evse_status=DC_EVSE_STATUS))
        case m.CurrentDemandReq(ev_target_voltage=voltage, ev_target_current=current):
            response = m.CurrentDemandRes(
                dc_evse_status=DC_EVSE_STATUS, evse_present_voltage=voltage, evse_present_current=current,
                evse_current_limit_achieved=False, evse_voltage_limit_achieved=False,
                evse_power_limit_achieved=False)
        case m.ChargingStatusReq():
            response = m.ChargingStatusRes(evse_id="DE*ABC*E123", sa_schedule_tuple_id=7,
                                           ac_evse_status=AC_EVSE_STATUS)
        case m.WeldingDetectionReq():
            response = m.WeldingDetectionRes(dc_evse_status=DC_EVSE_STATUS, evse_present_voltage=10)
        case m.SessionStopReq():
            response = m.SessionStopRes()
        case _:
            raise AssertionError(f"no answer for {request}")
    return _stamped(response)


def _stamped(message: m.V2gMessage) -> m.V2gMessage:
    return dataclasses.replace(message, session_id=SID)


def ongoing(request_type: type[m.V2gRequest], times: int | None) -> Answer:
    """Answer ``request_type`` with Ongoing ``times`` times (None: always), then as usual."""
    count = 0

    def answer(request: m.V2gRequest) -> m.V2gMessage | None:
        nonlocal count
        usual = default_answer(request, (ISO, DIN))
        if times is not None and count >= times:
            return usual
        count += 1
        return dataclasses.replace(usual, evse_processing=m.EVSEProcessing.ONGOING)  # type: ignore[call-arg]

    return answer


class ScriptedSecc:
    """Listens on ``network`` and answers each request: ``answers[type]`` if set, else the default.

    An answer of None sends nothing. ``log`` keeps (time, request) of every request received.
    """

    def __init__(self, clock: ManualClock, network: MemoryNetwork,
                 protocols: tuple[m.V2gProtocol, ...] = (ISO, DIN)) -> None:
        self.clock = clock
        self.protocols = protocols
        self.answers: dict[type[m.V2gRequest], Answer] = {}
        self.log: list[tuple[float, m.V2gRequest]] = []
        self.end: LinkEnd | None = None
        self.closed_by_ev = False
        network.listen(self._accept)

    @property
    def requests(self) -> list[str]:
        return [label(request) for _, request in self.log]

    def times(self, name: str) -> list[float]:
        return [when for when, request in self.log if label(request) == name]

    def close(self) -> None:
        assert self.end is not None
        self.end.close()

    def _accept(self, end: LinkEnd) -> None:
        self.end = end
        end.on_message = self._received
        end.on_close = self._closed

    def _closed(self) -> None:
        self.closed_by_ev = True

    def _received(self, message: m.V2gMessage) -> None:
        assert isinstance(message, m.V2gRequest)
        assert self.end is not None
        self.log.append((self.clock.now(), message))
        answer = self.answers.get(type(message))
        response = answer(message) if answer is not None else default_answer(message, self.protocols)
        if response is not None:
            self.end.send(response)


GATES = ("wait_cable_check", "wait_pre_charge", "wait_start_charging", "wait_stop_charging", "wait_stop_session")


@dataclass
class FakeEv:
    """An EvController that records every call; gates named in ``held`` wait for the test."""

    mode: m.EnergyTransferModeType = DC
    protocols: tuple[m.V2gProtocol, ...] = (ISO, DIN)
    held: set[str] = field(default_factory=set)
    stop_progress: list[m.ChargeProgress] = field(default_factory=list)  # then STOP
    events: list[tuple[str, object]] = field(default_factory=list)
    ends: list[SessionEnd] = field(default_factory=list)
    gates: dict[str, list[Decision[object]]] = field(default_factory=dict)
    on_response: Callable[[m.V2gResponse], None] | None = None
    now: Callable[[], float] = lambda: 0.0
    ended_at: list[float] = field(default_factory=list)

    def session_config(self) -> EvSessionConfig:
        return EvSessionConfig(protocols=self.protocols, evcc_id=EVCC_ID,
                               payment_option=m.PaymentOption.EXTERNAL_PAYMENT, energy_transfer_mode=self.mode,
                               loop_interval=LOOP)

    def session_started(self, info: SessionInfo, setup: m.SessionSetupRes) -> None:
        self.events.append(("started", info))

    def charge_parameters(self) -> m.ChargeParameterDiscoveryReq:
        self.events.append(("charge_parameters", None))
        if self.mode.is_dc:
            return m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=self.mode, dc_ev_charge_parameter=(
                m.DCEVChargeParameter(departure_time=None, dc_ev_status=EV_STATUS, ev_maximum_current_limit=125,
                                      ev_maximum_power_limit=50000, ev_maximum_voltage_limit=450,
                                      ev_energy_capacity=60000, ev_energy_request=30000, full_soc=100,
                                      bulk_soc=80)))
        return m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=self.mode, ac_ev_charge_parameter=(
            m.ACEVChargeParameter(departure_time=None, e_amount=20000, ev_max_voltage=400, ev_max_current=16,
                                  ev_min_current=6)))

    def charge_parameters_received(self, response: m.ChargeParameterDiscoveryRes) -> None:
        self.events.append(("charge_parameters_received", response.evse_processing))

    def evse_response(self, response: m.V2gResponse) -> None:
        self.events.append(("response", response.name))
        if self.on_response is not None:
            self.on_response(response)

    def targets(self) -> EvTargets:
        return EvTargets(dc_ev_status=EV_STATUS, ev_target_voltage=400, ev_target_current=100,
                         ev_maximum_voltage_limit=450, ev_maximum_current_limit=125)

    def charging_profile(self) -> tuple[int, tuple[m.ProfileEntry, ...]]:
        return 7, PROFILE

    def _gate(self, name: str, value: object = None) -> Decision[object]:
        self.events.append(("gate", name))
        decision: Decision[object] = Decision() if name in self.held else Decision.of(value)
        self.gates.setdefault(name, []).append(decision)
        return decision

    def gate(self, name: str) -> Decision[object]:
        """The last decision handed out for ``name``."""
        return self.gates[name][-1]

    def wait_cable_check(self) -> Decision[None]:
        return self._gate("wait_cable_check")  # type: ignore[return-value]

    def wait_pre_charge(self) -> Decision[None]:
        return self._gate("wait_pre_charge")  # type: ignore[return-value]

    def wait_start_charging(self) -> Decision[None]:
        return self._gate("wait_start_charging")  # type: ignore[return-value]

    def wait_stop_charging(self) -> Decision[m.ChargeProgress]:
        progress = self.stop_progress.pop(0) if self.stop_progress else m.ChargeProgress.STOP
        return self._gate("wait_stop_charging", progress)  # type: ignore[return-value]

    def wait_stop_session(self) -> Decision[None]:
        return self._gate("wait_stop_session")  # type: ignore[return-value]

    def step(self, step: EvStep) -> None:
        self.events.append(("step", step))

    def session_ended(self, end: SessionEnd) -> None:
        self.ends.append(end)
        self.ended_at.append(self.now())

    def names(self, kind: str) -> list[object]:
        return [value for event, value in self.events if event == kind]


@dataclass
class Rig:
    clock: ManualClock
    network: MemoryNetwork
    secc: ScriptedSecc
    ev: FakeEv
    evcc: Evcc

    def run(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @property
    def end(self) -> SessionEnd:
        assert len(self.ev.ends) == 1, self.ev.ends
        return self.ev.ends[0]


def rig(ev: FakeEv | None = None, secc_protocols: tuple[m.V2gProtocol, ...] = (ISO, DIN), *,
        start: bool = True) -> Rig:
    clock = ManualClock()
    network = MemoryNetwork(clock, latency=LATENCY)
    secc = ScriptedSecc(clock, network, secc_protocols)
    ev = ev if ev is not None else FakeEv()
    ev.now = clock.now
    evcc = Evcc(clock, network, ev)
    if start:
        evcc.start()
    return Rig(clock, network, secc, ev, evcc)
