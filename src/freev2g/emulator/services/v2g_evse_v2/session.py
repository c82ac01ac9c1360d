"""One V2G communication session of the emulated EVSE module, API generation v2: the SECC's
:class:`EvseController`, asking the host over HCI as manual 2.14 §21.8 describes it (p217-p229;
hci-reference §5.7, §3.9.7).

Each step, as in the manual's figures:

* SessionSetupReq: 0x80 Session Started, then the response with the configured EVSE ID (DIN or
  ISO form by the negotiated protocol). PaymentServiceSelectionReq: 0x81 Payment Selected (p162).
* AuthorizationReq: 0x82 Authorization Status Requested (timeout) once; the EV gets "Ongoing"
  until the host's 0x6B, and the next AuthorizationReq carries the result (Figure 29, p220).
* ChargeParameterDiscoveryReq: 0x83 Energy Transfer Mode Selected, for AC 0x86 AC Charge
  Parameters Changed, then 0x84 Schedules Requested (timeout, max entries); "Ongoing" until 0x6C
  (Figure 30, p221).
* CableCheckReq: 0x87 (timeout), "Ongoing" until 0x6D (Figure 31, p222). PreChargeReq: 0x88 once,
  answered from the last 0x63 (Figure 32, p223).
* PowerDeliveryReq: Start -> 0x89, Stop or Renegotiate -> 0x8A; the response waits for the host's
  0x6E / 0x6F (Figures 33 and 35). CurrentDemand / ChargingStatus answer from the latest 0x63 /
  0x66, with 0x85 whenever the EV's values changed (Figure 34). WeldingDetectionReq: 0x8B once.
* The end: 0x8C Session Stopped after SessionStopReq; on any error 0x8E Session Error and then
  0x8C (p169-p170).

Every host reaction is a ``module.deadlines`` expectation. The deadlines are those the statuses
carry (:class:`HostTimeouts`); a miss in strict timing aborts the SECC and reports 0x8E with the
matching :class:`EvseSessionError`, then 0x8C. The 500 ms rule (p140, p143): from Set Schedules
until the session ends the host sends 0x63 (DC) or 0x66 (AC) at least every 500 ms; a miss is
error 23 "charge parameter timeout reached", the error hosts see when they are slow in pre-charge
(iso15118-facts §3.6, FreeV2G #357).

Decisions where the manual is silent (each is tested):

* "Ongoing" goes out at once when the host has not answered yet; 0x82, 0x84 and 0x87 are sent once
  per step, not for every repeated request.
* Authorization failed (0x6B code 1), schedules "unable to deliver" (0x6C code 1) and cable check
  failed (0x6D code 1) answer the EV with FAILED; the session then ends with 0x8E (unspecified,
  wrong charge parameter, unspecified) and 0x8C.
* Error codes of missed deadlines: authorization and cable check 0 unspecified, schedules and the
  500 ms rule 23, start and stop charging 13 power delivery not applied. A session that ends
  without SessionStopReq (connection lost, sequence error, timeout) is 0x8E 1 for a sequence
  error and 0 otherwise.
* Energy Transfer Mode Selected uses the manual 2.14 layout (this is V02_00_01 firmware): the DC
  fields are present for AC too, with capacity 0, ready, no error and SOC 0.
* 0x89's profile has 1-24 entries: without an EV profile, the selected schedule's entries.
* A notification (0x75) stays in every EVSE status until the EV's next PowerDeliveryReq; its max
  delay counts down from the host's timeout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from freev2g.emulator.deadlines import Expectation
from freev2g.emulator.services.v2g_evse_v2 import convert
from freev2g.emulator.services.v2g_evse_v2.ev_reports import EvReports
from freev2g.emulator.services.v2g_evse_v2.timing import EngineFactory, milliseconds
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.link import LinkEnd
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEnd, SessionEndKind, SessionInfo
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_evse_v2 import (
    AuthorizationResult,
    CableCheckResult,
    EvseSessionError,
    SchedulesResult,
)
from freev2g.hci.catalog.v2g_types import PaymentMethod, ProfileEntry, SessionClosure
from freev2g.hci.message import Message

if TYPE_CHECKING:
    from freev2g.emulator.services.v2g_evse_v2.service import V2gEvseV2Service

log = logging.getLogger("freev2g.emulator.v2g")

ERROR = EvseSessionError
UNLIMITED_ENTRIES = 1024  # ISO 15118-2 allows up to 1024 PMaxScheduleEntries when the EV sets no maximum


@dataclass
class _Delivery:
    """A PowerDeliveryReq waiting for the host's 0x6E (start) or 0x6F (stop)."""

    start: bool
    expectation: Expectation
    decision: Decision[m.PowerDeliveryRes]


class EvseSession:
    """The controller of one accepted connection; ``service`` holds configuration and parameters."""

    def __init__(self, service: V2gEvseV2Service, end: LinkEnd, engine: EngineFactory) -> None:
        self.service = service
        self.module = service.module
        self.timeouts = service.timeouts
        self.ended = False
        self.silent = False  # a restart: the session vanishes without status messages
        self.error: EvseSessionError | None = None
        self.closure = SessionClosure.TERMINATE
        self.protocol: m.V2gProtocol | None = None
        self.mode: m.EnergyTransferModeType | None = None
        self.authorization_wait: Expectation | None = None
        self.authorization_result: AuthorizationResult | None = None
        self.schedules_wait: Expectation | None = None
        self.max_entries = UNLIMITED_ENTRIES
        self.schedules: e.EVSESetSchedules | None = None
        self.cable_check_wait: Expectation | None = None
        self.cable_check_result: CableCheckResult | None = None
        self.pre_charge_started = False
        self.welding_started = False
        self.delivery: _Delivery | None = None
        self.selected_tuple = 0
        self.update_rule: Expectation | None = None
        self.ev = EvReports(self.emit)
        self.notification: tuple[m.EVSENotification, int, float] | None = None
        self.engine = engine(self.module.clock, end, self)  # last: the engine may call us at once

    # -- helpers ---------------------------------------------------------------------------------

    def emit(self, status: Message) -> None:
        if not self.silent:
            self.module.emit(status)

    def expect(self, request: str, seconds: float, error: EvseSessionError) -> Expectation:
        return self.module.deadlines.expect(
            request, seconds, lambda: self.fail(error, f"{request}: host too late")
        )

    def fail(self, error: EvseSessionError, reason: str) -> None:
        """End the session from the EVSE side: abort the SECC, then 0x8E and 0x8C."""
        if self.ended:
            return
        log.info("%s: V2G session error %s: %s", self.module.name, error.name, reason)
        self.error = error
        if self.delivery is not None:
            self.delivery.decision.fail(reason)
        if self.engine.active:
            self.engine.abort(reason)
        self.finish(SessionEnd(kind=SessionEndKind.FAILED, reason=reason))

    def finish(self, end: SessionEnd) -> None:
        if self.ended:
            return
        self.ended = True
        for expectation in (
            self.authorization_wait,
            self.schedules_wait,
            self.cable_check_wait,
            self.update_rule,
        ):
            if expectation is not None:
                expectation.cancel()
        if self.delivery is not None:
            self.delivery.expectation.cancel()
        if end.kind is SessionEndKind.STOPPED and self.error is None:
            self.emit(e.EVSESessionStopped(closure_type=self.closure))
        else:
            error = self.error if self.error is not None else convert.session_error(end)
            self.emit(e.EVSESessionError(error_code=error))
            self.emit(e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE))
        self.service.session_finished(self)

    @property
    def is_dc(self) -> bool:
        return self.mode is None or self.mode.is_dc

    def dc_status(self) -> m.DCEVSEStatus:
        isolation, status = self.service.parameters.dc_isolation_and_status()
        kind, delay = self.pending_notification()
        return m.DCEVSEStatus(
            evse_isolation_status=convert.v2g_isolation(isolation),
            evse_status_code=convert.v2g_status(status),
            evse_notification=kind,
            notification_max_delay=delay,
        )

    def ac_status(self) -> m.ACEVSEStatus:
        kind, delay = self.pending_notification()
        return m.ACEVSEStatus(
            rcd=self.service.parameters.ac_rcd(), evse_notification=kind, notification_max_delay=delay
        )

    def pending_notification(self) -> tuple[m.EVSENotification, int]:
        if self.notification is None:
            return m.EVSENotification.NONE, 0
        kind, timeout, since = self.notification
        return kind, max(0, timeout - int(self.module.clock.now() - since))

    # -- the host's answers (the service checks the command, the session its state) -------------

    def set_authorization(self, result: AuthorizationResult) -> bool:
        if self.authorization_wait is None:
            return False
        self.authorization_wait.met()
        self.authorization_wait, self.authorization_result = None, result
        return True

    def set_schedules(self, command: e.EVSESetSchedules) -> int:
        """0x00, 0x10 (more entries than the EV accepts) or 0x11 (not requested)."""
        if self.schedules_wait is None:
            return 0x11
        if any(len(schedule.entries) > self.max_entries for schedule in command.schedule_tuples):
            return 0x10
        self.schedules_wait.met()
        self.schedules_wait, self.schedules = None, command
        if command.code is SchedulesResult.OK:
            self.arm_update_rule()
        return 0x00

    def set_cable_check(self, result: CableCheckResult) -> bool:
        if self.cable_check_wait is None:
            return False
        self.cable_check_wait.met()
        self.cable_check_wait, self.cable_check_result = None, result
        return True

    def answer_delivery(self, start: bool) -> bool:
        """0x6E (``start``) or 0x6F: the PowerDeliveryRes that waited for it goes out."""
        delivery = self.delivery
        if delivery is None or delivery.start != start:
            return False
        delivery.expectation.met()
        self.delivery = None
        if self.is_dc:
            delivery.decision.resolve(m.PowerDeliveryRes(dc_evse_status=self.dc_status()))
        else:
            delivery.decision.resolve(m.PowerDeliveryRes(ac_evse_status=self.ac_status()))
        return True

    def parameters_updated(self, dc: bool) -> None:
        """0x63 (``dc``) or 0x66 arrived: the 500 ms count starts again if it is the mode's update."""
        if self.update_rule is not None and dc == self.is_dc:
            self.arm_update_rule()

    def arm_update_rule(self) -> None:
        if self.update_rule is not None:
            self.update_rule.met()
        name = "Update DC Charging Parameters" if self.is_dc else "Update AC Charging Parameters"
        self.update_rule = self.expect(
            name, self.timeouts.update_interval, ERROR.CHARGE_PARAMETER_TIMEOUT_REACHED
        )

    def notify(self, renegotiation: bool, timeout: int) -> None:
        kind = m.EVSENotification.RE_NEGOTIATION if renegotiation else m.EVSENotification.STOP_CHARGING
        self.notification = (kind, timeout, self.module.clock.now())

    # -- EvseController --------------------------------------------------------------------------

    def offer(self) -> SeccOffer:
        return self.service.parameters.offer()

    def session_setup(self, info: SessionInfo) -> Decision[str]:
        self.protocol = info.protocol
        self.emit(
            e.EVSESessionStarted(
                protocol=convert.hci_protocol(info.protocol),
                session_id=info.session_id,
                evcc_id=info.evcc_id[:20],
            )
        )
        return Decision.of(self.service.parameters.evse_id(info.protocol))

    def payment_selected(self, request: m.PaymentServiceSelectionReq) -> None:
        if request.selected_payment_option is not m.PaymentOption.EXTERNAL_PAYMENT:
            self.fail(ERROR.PAYMENT_SELECTION_INVALID, "contract payment is not offered on this link")
            return
        self.emit(e.EVSEPaymentSelected(payment_method=PaymentMethod.EIM))

    def authorization(self, request: m.AuthorizationReq) -> Decision[m.AuthorizationRes]:
        result = self.authorization_result
        if result is not None:
            if result is AuthorizationResult.FAILED:
                self.error = ERROR.UNSPECIFIED
                return Decision.of(m.AuthorizationRes(response_code=m.ResponseCode.FAILED))
            return Decision.of(m.AuthorizationRes())
        if self.authorization_wait is None:
            timeout = self.timeouts.authorization
            self.emit(e.EVSEAuthorizationStatusRequested(timeout=milliseconds(timeout)))
            self.authorization_wait = self.expect(
                "Authorization Status Requested", timeout, ERROR.UNSPECIFIED
            )
        return Decision.of(m.AuthorizationRes(evse_processing=m.EVSEProcessing.ONGOING))

    def charge_parameter_discovery(
        self, request: m.ChargeParameterDiscoveryReq
    ) -> Decision[m.ChargeParameterDiscoveryRes]:
        mode = request.requested_energy_transfer_mode
        if mode not in self.service.parameters.offer().energy_transfer_modes:
            self.error = ERROR.WRONG_ENERGY_TRANSFER_TYPE
            return Decision.of(
                m.ChargeParameterDiscoveryRes(response_code=m.ResponseCode.FAILED_WRONG_ENERGY_TRANSFER_MODE)
            )
        self.mode = mode
        schedules = self.schedules
        if schedules is not None:
            if schedules.code is SchedulesResult.UNABLE_TO_DELIVER_SCHEDULES:
                self.error = ERROR.WRONG_CHARGE_PARAMETER
                return Decision.of(self.discovery_response(m.ResponseCode.FAILED, m.EVSEProcessing.FINISHED))
            return Decision.of(self.discovery_response(m.ResponseCode.OK, m.EVSEProcessing.FINISHED))
        if self.schedules_wait is None:
            self.ev.discovery(request)
            timeout = self.timeouts.schedules
            max_entries = request.max_entries_sa_schedule_tuple
            self.max_entries = UNLIMITED_ENTRIES if max_entries is None else max_entries
            self.emit(e.EVSESchedulesRequested(timeout=milliseconds(timeout), max_entries=self.max_entries))
            self.schedules_wait = self.expect(
                "Schedules Requested", timeout, ERROR.CHARGE_PARAMETER_TIMEOUT_REACHED
            )
        return Decision.of(self.discovery_response(m.ResponseCode.OK, m.EVSEProcessing.ONGOING))

    def discovery_response(
        self, code: m.ResponseCode, processing: m.EVSEProcessing
    ) -> m.ChargeParameterDiscoveryRes:
        finished = processing is m.EVSEProcessing.FINISHED and code.ok and self.schedules is not None
        schedules = convert.schedule_tuples(self.schedules) if finished and self.schedules else ()
        energy = self.schedules.energy_to_be_delivered if self.schedules else None
        if self.is_dc:
            return m.ChargeParameterDiscoveryRes(
                response_code=code,
                evse_processing=processing,
                sa_schedule_list=schedules,
                dc_evse_charge_parameter=self.service.parameters.dc_charge_parameter(
                    self.dc_status(), energy
                ),
            )
        nominal, max_current = self.service.parameters.ac_limits()
        return m.ChargeParameterDiscoveryRes(
            response_code=code,
            evse_processing=processing,
            sa_schedule_list=schedules,
            ac_evse_charge_parameter=m.ACEVSEChargeParameter(
                ac_evse_status=self.ac_status(), evse_nominal_voltage=nominal, evse_max_current=max_current
            ),
        )

    def cable_check(self, request: m.CableCheckReq) -> Decision[m.CableCheckRes]:
        self.ev.status(request.dc_ev_status)
        result = self.cable_check_result
        if result is not None:
            if result is CableCheckResult.FAILED:
                self.error = ERROR.UNSPECIFIED
                return Decision.of(
                    m.CableCheckRes(response_code=m.ResponseCode.FAILED, dc_evse_status=self.dc_status())
                )
            return Decision.of(m.CableCheckRes(dc_evse_status=self.dc_status()))
        if self.cable_check_wait is None:
            timeout = self.timeouts.cable_check
            self.emit(e.EVSECableCheckRequested(timeout=milliseconds(timeout)))
            self.cable_check_wait = self.expect("Cable Check Requested", timeout, ERROR.UNSPECIFIED)
            if self.update_rule is None:  # Figure 31 starts the 500 ms rule here at the latest
                self.arm_update_rule()
        return Decision.of(
            m.CableCheckRes(dc_evse_status=self.dc_status(), evse_processing=m.EVSEProcessing.ONGOING)
        )

    def pre_charge(self, request: m.PreChargeReq) -> Decision[m.PreChargeRes]:
        if not self.pre_charge_started:
            self.pre_charge_started = True
            self.emit(e.EVSEPreChargeStarted())
        self.ev.pre_charge(request)
        voltage, _ = self.service.parameters.present_dc()
        return Decision.of(m.PreChargeRes(dc_evse_status=self.dc_status(), evse_present_voltage=voltage))

    def power_delivery(self, request: m.PowerDeliveryReq) -> Decision[m.PowerDeliveryRes]:
        start = request.charge_progress is m.ChargeProgress.START
        timeout = self.timeouts.power_delivery(request, self.protocol)
        decision: Decision[m.PowerDeliveryRes] = Decision()
        self.notification = None  # the EV acts on it now (or never will)
        if start:
            self.selected_tuple = request.sa_schedule_tuple_id
            self.emit(
                e.EVSEStartChargingRequested(
                    timeout=milliseconds(timeout),
                    schedule_tuple_id=request.sa_schedule_tuple_id,
                    profile=self.profile(request),
                )
            )
            expectation = self.expect("Start Charging Requested", timeout, ERROR.POWER_DELIVERY_NOT_APPLIED)
        else:
            renegotiate = request.charge_progress is m.ChargeProgress.RENEGOTIATE
            self.emit(e.EVSEStopChargingRequested(timeout=milliseconds(timeout), renegotiation=renegotiate))
            expectation = self.expect("Stop Charging Requested", timeout, ERROR.POWER_DELIVERY_NOT_APPLIED)
            if renegotiate:  # the flow repeats from charge parameter discovery (p153-p154)
                self.schedules = None
                self.cable_check_result = None
                self.pre_charge_started = self.welding_started = False
        self.delivery = _Delivery(start, expectation, decision)
        return decision

    def profile(self, request: m.PowerDeliveryReq) -> list[ProfileEntry]:
        entries = [
            ProfileEntry(
                start=entry.charging_profile_entry_start, power=entry.charging_profile_entry_max_power
            )
            for entry in request.charging_profile
        ]
        if not entries and self.schedules is not None:
            for schedule in self.schedules.schedule_tuples:
                if schedule.tuple_id == request.sa_schedule_tuple_id:
                    entries = [
                        ProfileEntry(start=entry.start, power=entry.power) for entry in schedule.entries
                    ]
        return entries[:24] or [ProfileEntry(start=0, power=self.service.parameters.dc_max_limits()[2])]

    def current_demand(self, request: m.CurrentDemandReq) -> Decision[m.CurrentDemandRes]:
        self.ev.current_demand(request)
        voltage, current = self.service.parameters.present_dc()
        max_voltage, max_current, max_power = self.service.parameters.dc_max_limits()
        evse_id = self.service.parameters.evse_id(self.protocol)
        return Decision.of(
            m.CurrentDemandRes(
                dc_evse_status=self.dc_status(),
                evse_present_voltage=voltage,
                evse_present_current=current,
                evse_voltage_limit_achieved=voltage >= max_voltage,
                evse_current_limit_achieved=current >= max_current,
                evse_power_limit_achieved=voltage * current >= max_power,
                evse_maximum_voltage_limit=max_voltage,
                evse_maximum_current_limit=max_current,
                evse_maximum_power_limit=max_power,
                evse_id=evse_id,
                sa_schedule_tuple_id=self.selected_tuple,
            )
        )

    def charging_status(self, request: m.ChargingStatusReq) -> Decision[m.ChargingStatusRes]:
        _, max_current = self.service.parameters.ac_limits()
        return Decision.of(
            m.ChargingStatusRes(
                evse_id=self.service.parameters.evse_id(self.protocol),
                sa_schedule_tuple_id=self.selected_tuple,
                ac_evse_status=self.ac_status(),
                evse_max_current=max_current,
            )
        )

    def welding_detection(self, request: m.WeldingDetectionReq) -> Decision[m.WeldingDetectionRes]:
        if not self.welding_started:
            self.welding_started = True
            self.emit(e.EVSEWeldingDetectionStarted())
        self.ev.status(request.dc_ev_status)
        voltage, _ = self.service.parameters.present_dc()
        return Decision.of(
            m.WeldingDetectionRes(dc_evse_status=self.dc_status(), evse_present_voltage=voltage)
        )

    def session_stop(self, request: m.SessionStopReq) -> None:
        pause = request.charging_session is m.ChargingSession.PAUSE
        self.closure = SessionClosure.PAUSE if pause else SessionClosure.TERMINATE

    def session_ended(self, end: SessionEnd) -> None:
        self.finish(end)
