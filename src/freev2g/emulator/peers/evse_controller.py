"""The simulated charger's EVSE side of a V2G session: an EvseController decided from its models.

It answers every step at once from a :class:`~freev2g.models.PowerStage` (normally the
:class:`~freev2g.models.SimulatedCharger`), the charger's limits and its schedule:

* SessionSetup: the ISO EVSE ID, or for DIN a DIN-style ID (the seed answered DIN cars "no EVSE
  ID", and they stopped; v1-api §6.2);
* Authorization: Ongoing until ``authorization_delay`` has passed since the first request, then
  Finished (no typing "yes", v1-api §6.1 item 8), or FAILED when authorisation is refused;
* ChargeParameterDiscovery: the EV's limits go to the power stage; the schedule (trimmed to the
  EV's MaxEntriesSAScheduleTuple, v1-api §6.2) counts from this response;
* CableCheck: Ongoing while the isolation test runs, then its verdict (the seed reported success
  at once and isolation level 0, v1-api §6.2); a fault fails the session;
* PreCharge and CurrentDemand: the request's targets to the power stage, the present output
  back; the active schedule entry limits the power; WeldingDetection: the decaying voltage;
* AC: ChargingStatus with the maximum current the schedule allows at the nominal voltage.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEnd, SessionInfo
from freev2g.models import ChargerLimits, IsolationVerdict, PowerStage

log = logging.getLogger("freev2g.emulator.peers")

_ISOLATION_LEVEL = {
    IsolationVerdict.VALID: m.IsolationLevel.VALID,
    IsolationVerdict.WARNING: m.IsolationLevel.WARNING,
    IsolationVerdict.FAULT: m.IsolationLevel.FAULT,
    IsolationVerdict.NO_IMD: m.IsolationLevel.NO_IMD,
}


@dataclass(frozen=True, kw_only=True)
class EvseSettings:
    """What the simulated charger offers and how it decides (the power stage has the limits)."""

    protocols: tuple[m.V2gProtocol, ...] = (m.V2gProtocol.ISO_15118_2, m.V2gProtocol.DIN_70121)
    payment_options: tuple[m.PaymentOption, ...] = (m.PaymentOption.EXTERNAL_PAYMENT,)
    energy_transfer_modes: tuple[m.EnergyTransferModeType, ...] = (
        m.EnergyTransferModeType.DC_CORE, m.EnergyTransferModeType.DC_EXTENDED,
        m.EnergyTransferModeType.AC_SINGLE_PHASE_CORE, m.EnergyTransferModeType.AC_THREE_PHASE_CORE)
    evse_id: str = "DE*FV2*E0001*1"  # ISO 15118-2 / IEC 63119 style
    din_evse_id: str = "+49*123*456*789"  # DIN SPEC 70121 style (v1-api §6.2)
    authorize: bool = True
    authorization_delay: float = 0.0  # s of "Ongoing" before authorisation
    schedule: tuple[m.PMaxScheduleEntry, ...] | None = None  # None: the charger's max power all day
    sa_schedule_tuple_id: int = 1
    ac_nominal_voltage: float = 230.0  # V per phase
    ac_max_current: float = 32.0  # A per phase
    current_regulation_tolerance: float | None = 5.0  # A
    peak_current_ripple: float = 2.0  # A


@dataclass
class SessionRecord:
    """What one session did, for tests and the demo's report."""

    info: SessionInfo | None = None
    dc: bool | None = None
    energy_wh: float = 0.0  # the power stage's output, sampled at every charge loop request
    end: SessionEnd | None = None
    requests: list[str] = field(default_factory=list)


class SimulatedEvseController:
    """An :class:`~freev2g.emulator.v2g.secc_api.EvseController` for one session at a time."""

    def __init__(self, now: Callable[[], float], stage: PowerStage, settings: EvseSettings) -> None:
        self._now = now
        self.stage = stage
        self.settings = settings
        self.record = SessionRecord()
        self.records: list[SessionRecord] = []
        self._authorization_started: float | None = None
        self._schedule_origin: float | None = None
        self._schedule: tuple[m.PMaxScheduleEntry, ...] = ()
        self._last_sample: tuple[float, float] | None = None  # (time, power) of the last loop request
        self._phases = 1  # AC: phases of the requested energy transfer mode
        self.on_session_ended: list[Callable[[SessionEnd], None]] = []

    @property
    def limits(self) -> ChargerLimits:
        return self.stage.limits

    def new_session(self) -> None:
        """A connection was accepted: forget the previous session's state."""
        self.record = SessionRecord()
        self.records.append(self.record)
        self._authorization_started = None
        self._schedule_origin = None
        self._last_sample = None
        self._phases = 1
        self.stage.stop(self._now())
        self.stage.set_power_limit(None)

    # --- EvseController ---------------------------------------------------------------------------

    def offer(self) -> SeccOffer:
        s = self.settings
        return SeccOffer(protocols=s.protocols, payment_options=s.payment_options,
                         energy_transfer_modes=s.energy_transfer_modes)

    def session_setup(self, info: SessionInfo) -> Decision[str]:
        self.record.info = info
        din = info.protocol is m.V2gProtocol.DIN_70121
        return Decision.of(self.settings.din_evse_id if din else self.settings.evse_id)

    def payment_selected(self, request: m.PaymentServiceSelectionReq) -> None:
        self._note(request)

    def authorization(self, request: m.AuthorizationReq) -> Decision[m.AuthorizationRes]:
        self._note(request)
        if not self.settings.authorize:
            return Decision.of(m.AuthorizationRes(response_code=m.ResponseCode.FAILED))
        now = self._now()
        if self._authorization_started is None:
            self._authorization_started = now
        if now - self._authorization_started < self.settings.authorization_delay:
            return Decision.of(m.AuthorizationRes(evse_processing=m.EVSEProcessing.ONGOING))
        return Decision.of(m.AuthorizationRes())

    def charge_parameter_discovery(
            self, request: m.ChargeParameterDiscoveryReq) -> Decision[m.ChargeParameterDiscoveryRes]:
        self._note(request)
        dc = request.requested_energy_transfer_mode.is_dc
        self.record.dc = dc
        three_phase = request.requested_energy_transfer_mode is m.EnergyTransferModeType.AC_THREE_PHASE_CORE
        self._phases = 3 if three_phase else 1
        try:
            if dc and request.dc_ev_charge_parameter is not None:
                ev = request.dc_ev_charge_parameter
                self.stage.set_ev_limits(ev.ev_maximum_voltage_limit, ev.ev_maximum_current_limit,
                                         ev.ev_maximum_power_limit)
            elif request.ac_ev_charge_parameter is not None:
                ac = request.ac_ev_charge_parameter
                self.stage.set_ev_limits(ac.ev_max_voltage, ac.ev_max_current, None)
        except ValueError as error:  # a zero, negative or non-finite limit from the EV
            log.info("simulated charger: %s", error)
            return Decision.of(m.ChargeParameterDiscoveryRes(
                response_code=m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER))
        self._schedule = self._schedule_entries(request.max_entries_sa_schedule_tuple)
        self._schedule_origin = self._now()
        self._apply_schedule()
        schedules = (m.SAScheduleTuple(sa_schedule_tuple_id=self.settings.sa_schedule_tuple_id,
                                       p_max_schedule=self._schedule),)
        if dc:
            return Decision.of(m.ChargeParameterDiscoveryRes(
                sa_schedule_list=schedules, dc_evse_charge_parameter=self._dc_parameter()))
        return Decision.of(m.ChargeParameterDiscoveryRes(
            sa_schedule_list=schedules, ac_evse_charge_parameter=m.ACEVSEChargeParameter(
                ac_evse_status=self._ac_status(), evse_nominal_voltage=self.settings.ac_nominal_voltage,
                evse_max_current=self._ac_max_current())))

    def cable_check(self, request: m.CableCheckReq) -> Decision[m.CableCheckRes]:
        self._note(request)
        verdict = self.stage.isolation_test(self._now())
        if verdict is None:
            status = self._dc_status(None, m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE)
            ongoing = m.EVSEProcessing.ONGOING
            return Decision.of(m.CableCheckRes(dc_evse_status=status, evse_processing=ongoing))
        level = _ISOLATION_LEVEL[verdict]
        if verdict is IsolationVerdict.FAULT:
            status = self._dc_status(level, m.DCEVSEStatusCode.EVSE_MALFUNCTION)
            return Decision.of(m.CableCheckRes(response_code=m.ResponseCode.FAILED, dc_evse_status=status))
        return Decision.of(m.CableCheckRes(dc_evse_status=self._dc_status(level)))

    def pre_charge(self, request: m.PreChargeReq) -> Decision[m.PreChargeRes]:
        self._note(request)
        now = self._now()
        code = self._guarded(lambda: self.stage.pre_charge(request.ev_target_voltage,
                                                           request.ev_target_current, now))
        voltage, _ = self.stage.present(now)
        return Decision.of(m.PreChargeRes(response_code=code, dc_evse_status=self._dc_status(),
                                          evse_present_voltage=voltage))

    def power_delivery(self, request: m.PowerDeliveryReq) -> Decision[m.PowerDeliveryRes]:
        self._note(request)
        now = self._now()
        if request.charge_progress is m.ChargeProgress.STOP:
            self._sample(now)
            self._last_sample = None
            self.stage.stop(now)
        elif request.charge_progress is m.ChargeProgress.START:
            self._apply_schedule()
            self._sample(now)
        else:  # renegotiation: no current until the new parameters are agreed
            voltage, _ = self.stage.present(now)
            self._sample(now)
            self.stage.set_target(voltage, 0.0, now)
        if self.record.dc is False:
            return Decision.of(m.PowerDeliveryRes(ac_evse_status=self._ac_status()))
        return Decision.of(m.PowerDeliveryRes(dc_evse_status=self._dc_status()))

    def current_demand(self, request: m.CurrentDemandReq) -> Decision[m.CurrentDemandRes]:
        self._note(request)
        now = self._now()
        self._sample(now)
        def regulate() -> None:
            if request.ev_maximum_voltage_limit is not None and request.ev_maximum_current_limit is not None:
                self.stage.set_ev_limits(request.ev_maximum_voltage_limit, request.ev_maximum_current_limit,
                                         request.ev_maximum_power_limit)
            self._apply_schedule()
            self.stage.set_target(request.ev_target_voltage, request.ev_target_current, now)

        code = self._guarded(regulate)
        if not code.ok:
            self.stage.stop(now)
        voltage, current = self.stage.present(now)
        self._last_sample = (now, voltage * current)
        current_limit, voltage_limit, power_limit = self.stage.limits_achieved(now)
        limits = self.limits
        return Decision.of(m.CurrentDemandRes(
            response_code=code, dc_evse_status=self._dc_status(), evse_present_voltage=voltage,
            evse_present_current=current,
            evse_current_limit_achieved=current_limit, evse_voltage_limit_achieved=voltage_limit,
            evse_power_limit_achieved=power_limit, evse_maximum_voltage_limit=limits.max_voltage,
            evse_maximum_current_limit=limits.max_current, evse_maximum_power_limit=self._power_now(),
            evse_id=self._evse_id(), sa_schedule_tuple_id=self.settings.sa_schedule_tuple_id))

    def charging_status(self, request: m.ChargingStatusReq) -> Decision[m.ChargingStatusRes]:
        self._note(request)
        self._apply_schedule()
        return Decision.of(m.ChargingStatusRes(
            evse_id=self._evse_id(), sa_schedule_tuple_id=self.settings.sa_schedule_tuple_id,
            ac_evse_status=self._ac_status(), evse_max_current=self._ac_max_current()))

    def welding_detection(self, request: m.WeldingDetectionReq) -> Decision[m.WeldingDetectionRes]:
        self._note(request)
        voltage, _ = self.stage.present(self._now())
        status = self._dc_status()
        return Decision.of(m.WeldingDetectionRes(dc_evse_status=status, evse_present_voltage=voltage))

    def session_stop(self, request: m.SessionStopReq) -> None:
        self._note(request)
        self.stage.stop(self._now())

    def session_ended(self, end: SessionEnd) -> None:
        now = self._now()
        self._sample(now)
        self._last_sample = None
        self.stage.stop(now)
        self.record.end = end
        for observer in list(self.on_session_ended):
            observer(end)

    # --- helpers ------------------------------------------------------------------------------------

    def _note(self, request: m.V2gRequest) -> None:
        self.record.requests.append(request.name)

    @staticmethod
    def _guarded(action: Callable[[], None]) -> m.ResponseCode:
        """Run a power stage command; a target or limit it refuses (negative, NaN) fails the step."""
        try:
            action()
        except ValueError as error:
            log.info("simulated charger: %s", error)
            return m.ResponseCode.FAILED
        return m.ResponseCode.OK

    def _sample(self, now: float) -> None:
        """Energy of the output held since the last loop request (the car integrates the same way)."""
        if self._last_sample is not None:
            since, power = self._last_sample
            self.record.energy_wh += power * max(0.0, now - since) / 3600.0
            self._last_sample = (now, power)

    def _evse_id(self) -> str:
        info = self.record.info
        din = info is not None and info.protocol is m.V2gProtocol.DIN_70121
        return self.settings.din_evse_id if din else self.settings.evse_id

    def _schedule_entries(self, max_entries: int | None) -> tuple[m.PMaxScheduleEntry, ...]:
        entries = self.settings.schedule or (
            m.PMaxScheduleEntry(start=0, duration=86_400, p_max=self.limits.max_power),)
        return entries if max_entries is None else entries[:max(1, max_entries)]

    def _power_now(self) -> float:
        """The active schedule entry's PMax (W), at most the charger's maximum."""
        if self._schedule_origin is None:
            return self.limits.max_power
        elapsed = self._now() - self._schedule_origin
        active = [entry for entry in self._schedule if entry.start <= elapsed]
        if not active:
            return self.limits.max_power
        entry = max(active, key=lambda item: item.start)
        ended = entry.duration is not None and elapsed >= entry.start + entry.duration
        if ended and entry is self._schedule[-1]:
            return 0.0  # the schedule is over
        return min(entry.p_max, self.limits.max_power)

    def _apply_schedule(self) -> None:
        self.stage.set_power_limit(self._power_now())

    def _ac_max_current(self) -> float:
        per_phase = self._power_now() / (self.settings.ac_nominal_voltage * self._phases)
        return max(0.0, min(self.settings.ac_max_current, math.floor(per_phase * 10) / 10))

    def _dc_parameter(self) -> m.DCEVSEChargeParameter:
        limits = self.limits
        return m.DCEVSEChargeParameter(
            dc_evse_status=self._dc_status(), evse_maximum_current_limit=limits.max_current,
            evse_maximum_power_limit=self._power_now(), evse_maximum_voltage_limit=limits.max_voltage,
            evse_minimum_current_limit=limits.min_current, evse_minimum_voltage_limit=limits.min_voltage,
            evse_current_regulation_tolerance=self.settings.current_regulation_tolerance,
            evse_peak_current_ripple=self.settings.peak_current_ripple, evse_energy_to_be_delivered=None)

    def _dc_status(self, isolation: m.IsolationLevel | None = m.IsolationLevel.VALID,
                   code: m.DCEVSEStatusCode = m.DCEVSEStatusCode.EVSE_READY) -> m.DCEVSEStatus:
        return m.DCEVSEStatus(evse_isolation_status=isolation, evse_status_code=code)

    @staticmethod
    def _ac_status() -> m.ACEVSEStatus:
        return m.ACEVSEStatus(rcd=False)
