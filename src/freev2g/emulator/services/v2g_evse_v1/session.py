"""One V2G session of the v1 EVSE module: the SECC engine's EvseController in v1 terms.

Each step the EV starts raises its "Request X" status with the timeout (ms) the host has, and the
engine's decision resolves when the host answers with the matching "Set X" (manual 2.11 §17.12,
p157-p166; sequences §19.8, p188-p197; v1-api §1.9):

* SessionSetupReq: 0x80 Session started, then 0x82 Request EVSE ID, answered by 0x68.
* AuthorizationReq: 0x83, answered by 0x69; sent only when the host requires authorization for
  external payment (p136, p158), else the module authorizes at once.
* ChargeParameterDiscoveryReq: 0x85 Request Schedules first, then 0x84 (p191 figure 29); the host
  may answer 0x6A before 0x6B: the EV gets Ongoing, repeats, and each repeat re-sends 0x84.
* CableCheckReq: 0x86 once, 0x87 with every request; each 0x6D gives the isolation level and the
  answer stays Ongoing until 0x6C reports the isolation test done (p192 figure 30).
* PreChargeReq 0x88 -> 0x6E, PowerDeliveryReq start 0x89 -> 0x6F and stop 0x8B -> 0x71,
  CurrentDemandReq / ChargingStatusReq 0x8A -> 0x70, WeldingDetectionReq 0x8C -> 0x72.
* End: 0x81 Session stopped, on firmware V01_01_07 with the closure type (v1-api §1.12).

"If this timeout is exceeded the communication session will be closed" (p157-p166): a missed
deadline (strict timing) aborts the SECC with the reason and reports Session stopped. Inside the
charge loop the firmware gives the host 75 ms ("Message performance timeout of 75ms",
iso15118-facts §3.6). Authorization's 60 s is the timeout real firmware sent (the seed README's
"in the next 59s", v1-api §4.3).

Decisions where the manual is silent:

* Timeouts: the manual's examples all show 500 ms; that is used where the EV gets no Ongoing.
  Where it can (authorization, schedules) the host has 60 s (V2G_EVCC_Ongoing_Timeout), the
  isolation test 38 s (the SECC's cable check performance time, iso15118-facts §3.1).
* While the host has not decided authorization or the charge parameters, the EV gets Ongoing
  after ``ONGOING_AFTER`` (1 s, inside the SECC's 1.5 s performance time).
* "No EVSE ID available" answers the EV with ``ZZ00000`` (ISO 15118-2's ID for none) or ``00``
  (DIN's one zero byte). An empty EVSE ID, or one over 32 characters in DIN format, is 0x10.
* A "Set X" whose block is of the other kind (AC for a DC session) or Set Schedules with more
  entries than Request Schedules allowed: 0x10, and the request stays pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from freev2g.emulator.clock import Timer
from freev2g.emulator.deadlines import Expectation
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.services.v2g_evse_v1 import convert
from freev2g.emulator.services.v2g_evse_v1.config import EvseConfig
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEnd, SessionEndKind, SessionInfo
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import SessionClosure
from freev2g.hci.message import Command, Status

if TYPE_CHECKING:
    from freev2g.emulator.v2g.secc import Secc

OK, SETTING_FAILED, WRONG_STATE = 0x00, 0x10, 0x11
ONGOING_AFTER = 1.0  # s
NO_EVSE_ID = {m.V2gProtocol.ISO_15118_2: "ZZ00000", m.V2gProtocol.DIN_70121: "00"}
DIN_EVSE_ID_LENGTH = 32  # p158

TIMEOUT_MS: dict[type[Status], int] = {
    e.RequestEvseId: 500, e.RequestAuthorizationStatus: 60_000, e.RequestDiscoveryChargeParameters: 500,
    e.RequestSchedules: 60_000, e.RequestCableCheckStatus: 38_000, e.RequestCableCheckParameters: 500,
    e.RequestPreChargeParameters: 500, e.RequestStartCharging: 500, e.RequestChargeLoopParameters: 75,
    e.RequestStopCharging: 500, e.RequestPostChargeParameters: 500,
}
PROTOCOL_NUMBER = {m.V2gProtocol.DIN_70121: e.EvseProtocolV1.DIN_70121,
                   m.V2gProtocol.ISO_15118_2: e.EvseProtocolV1.ISO_15118_2_2014}


@dataclass
class _Pending:
    expectation: Expectation
    check: Callable[[Any], int]  # the result code for the host's answer: 0x00 or 0x10
    apply: Callable[[Any], None]  # what an accepted answer does


def _accept(_: Any) -> int:
    return OK


class V1Session:
    """The EvseController of one connection; ``finished`` is called once when it is over."""

    def __init__(self, module: EmulatedModule, config: EvseConfig,
                 finished: Callable[[V1Session], None]) -> None:
        self.module = module
        self.config = config
        self._finished = finished
        self.secc: Secc | None = None
        self.closed = False
        self.info: SessionInfo | None = None
        self.evse_id = ""
        self._pending: dict[type[Command], _Pending] = {}
        self._decisions: list[Decision[Any]] = []
        self._timers: list[Timer] = []
        self._payment = m.PaymentOption.EXTERNAL_PAYMENT
        self._closure = SessionClosure.TERMINATE
        self._dc = True
        self._tuple_id = 0
        self._auth_asked = False
        self._auth_result: e.AuthorizationCode | None = None
        self._auth_decision: Decision[m.AuthorizationRes] | None = None
        self._cpd_reset()
        self._cable_status_asked = False
        self._cable_status: e.CableCheckCode | None = None

    # -- host side ------------------------------------------------------------------------------

    def answer(self, command: Command) -> int:
        """The host's "Set X": 0x11 without a pending request, 0x10 if refused, else 0x00."""
        pending = self._pending.get(type(command))
        if pending is None:
            return WRONG_STATE
        code = pending.check(command)
        if code != OK:
            return code
        del self._pending[type(command)]
        pending.expectation.met()
        pending.apply(command)
        return OK

    def close(self, reason: str, *, report: bool = True) -> None:
        """End the session from the module's side (missed deadline, Stop, restart)."""
        if self.closed:
            return
        self.closed = True
        self._cancel_all()
        for decision in self._decisions:
            decision.fail(reason)
        if self.secc is not None and self.secc.active:
            self.secc.abort(reason)
        self._report(SessionClosure.TERMINATE if report else None)

    def _ask(self, status: Status, answer: type[Command], apply: Callable[[Any], None],
             check: Callable[[Any], int] = _accept) -> None:
        timeout = TIMEOUT_MS[type(status)]
        previous = self._pending.pop(answer, None)
        if previous is not None:
            previous.expectation.cancel()
        self.module.emit(status)
        reason = f"host missed the {timeout} ms deadline of {status.title}"
        expectation = self.module.deadlines.expect(status.title, timeout / 1000, lambda: self.close(reason))
        self._pending[answer] = _Pending(expectation, check, apply)

    def _decision(self) -> Decision[Any]:
        decision: Decision[Any] = Decision()
        self._decisions = [d for d in self._decisions if not d.done] + [decision]
        if self.closed:
            decision.fail("session closed")
        return decision

    def _ongoing_later(self, decision: Decision[Any], response: Callable[[], Any]) -> None:
        def ongoing() -> None:
            if not decision.done and not self.closed:
                decision.resolve(response())
        self._timers.append(self.module.clock.call_later(ONGOING_AFTER, ongoing))

    def _cancel_all(self) -> None:
        for pending in self._pending.values():
            pending.expectation.cancel()
        self._pending.clear()
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _report(self, closure: SessionClosure | None) -> None:
        if closure is not None:
            with_type = self.module.profile.session_stopped_closure_type
            self.module.emit(e.SessionStopped(closure_type=closure if with_type else None))
        self._finished(self)

    # -- EvseController -------------------------------------------------------------------------

    def offer(self) -> SeccOffer:
        return self.config.offer()

    def session_setup(self, info: SessionInfo) -> Decision[str]:
        self.info = info
        decision: Decision[str] = self._decision()
        evcc_id = info.evcc_id.ljust(6, b"\0")[:20]
        self.module.emit(e.SessionStarted(protocol=PROTOCOL_NUMBER[info.protocol], session_id=info.session_id,
                                          evcc_id=evcc_id))
        din = info.protocol is m.V2gProtocol.DIN_70121
        id_format = e.EvseIdFormat.DIN if din else e.EvseIdFormat.ISO

        def check(command: e.SetEvseId) -> int:
            if command.code is not e.EvseIdCode.SUCCESS:
                return OK
            too_long = din and len(command.evse_id or "") > DIN_EVSE_ID_LENGTH
            return SETTING_FAILED if too_long or not command.evse_id else OK

        def apply(command: e.SetEvseId) -> None:
            self.evse_id = command.evse_id if command.evse_id else NO_EVSE_ID[info.protocol]
            decision.resolve(self.evse_id)

        status = e.RequestEvseId(timeout=TIMEOUT_MS[e.RequestEvseId], format=id_format)
        self._ask(status, e.SetEvseId, apply, check)
        return decision

    def payment_selected(self, request: m.PaymentServiceSelectionReq) -> None:
        self._payment = request.selected_payment_option

    def authorization(self, request: m.AuthorizationReq) -> Decision[m.AuthorizationRes]:
        decision: Decision[m.AuthorizationRes] = self._decision()
        external = self._payment is m.PaymentOption.EXTERNAL_PAYMENT
        if not (self.config.authorization_required and external):
            decision.resolve(m.AuthorizationRes())
            return decision
        if self._auth_result is not None:
            decision.resolve(self._authorization_response(self._auth_result))
            return decision
        self._auth_decision = decision
        if not self._auth_asked:
            self._auth_asked = True
            timeout = TIMEOUT_MS[e.RequestAuthorizationStatus]
            status = e.RequestAuthorizationStatus(timeout=timeout)
            self._ask(status, e.SetAuthorizationStatus, self._authorized)
        self._ongoing_later(decision, lambda: m.AuthorizationRes(evse_processing=m.EVSEProcessing.ONGOING))
        return decision

    def _authorized(self, command: e.SetAuthorizationStatus) -> None:
        self._auth_result = command.code
        if self._auth_decision is not None and not self._auth_decision.done:
            self._auth_decision.resolve(self._authorization_response(command.code))

    @staticmethod
    def _authorization_response(code: e.AuthorizationCode) -> m.AuthorizationRes:
        failed = code is e.AuthorizationCode.AUTHORIZATION_FAILED
        return m.AuthorizationRes(response_code=m.ResponseCode.FAILED if failed else m.ResponseCode.OK)

    # -- charge parameter discovery -------------------------------------------------------------

    def _cpd_reset(self) -> None:
        self._cpd_decision: Decision[m.ChargeParameterDiscoveryRes] | None = None
        self._schedules_asked = False
        self._max_entries = convert.NO_ENTRY_LIMIT
        self._schedule_answer: e.SetSchedules | None = None
        self._discovery_answer: e.SetDiscoveryChargeParameters | None = None
        self._schedules: tuple[m.SAScheduleTuple, ...] = ()

    def charge_parameter_discovery(
            self, request: m.ChargeParameterDiscoveryReq) -> Decision[m.ChargeParameterDiscoveryRes]:
        decision: Decision[m.ChargeParameterDiscoveryRes] = self._decision()
        self._cpd_decision = decision
        self._dc = request.requested_energy_transfer_mode.is_dc
        if not self._schedules_asked:
            self._schedules_asked = True
            self._max_entries = convert.max_entries(request)
            timeout = TIMEOUT_MS[e.RequestSchedules]
            self._ask(e.RequestSchedules(timeout=timeout, max_entries=self._max_entries), e.SetSchedules,
                      self._schedules_set, self._check_schedules)
        if e.SetDiscoveryChargeParameters not in self._pending:
            self._discovery_answer = None
            status = convert.discovery_request(request, TIMEOUT_MS[e.RequestDiscoveryChargeParameters])
            self._ask(status, e.SetDiscoveryChargeParameters, self._discovery_set, self._check_discovery)
        self._ongoing_later(decision, lambda: m.ChargeParameterDiscoveryRes(
            evse_processing=m.EVSEProcessing.ONGOING))
        return decision

    def _check_schedules(self, command: e.SetSchedules) -> int:
        entries = sum(len(t.entries) for t in command.schedule_tuples or ())
        return SETTING_FAILED if entries > self._max_entries else OK

    def _check_discovery(self, command: e.SetDiscoveryChargeParameters) -> int:
        if command.parameters is None:
            return OK
        return OK if isinstance(command.parameters, e.DcDiscoveryParameters) == self._dc else SETTING_FAILED

    def _schedules_set(self, command: e.SetSchedules) -> None:
        self._schedule_answer = command
        self._cpd_try()

    def _discovery_set(self, command: e.SetDiscoveryChargeParameters) -> None:
        self._discovery_answer = command
        self._cpd_try()

    def _cpd_try(self) -> None:
        decision, answer, schedules = self._cpd_decision, self._discovery_answer, self._schedule_answer
        if decision is None or decision.done or answer is None:
            return
        if answer.code is not e.ParameterCode.EV_PARAMETERS_ACCEPTED:
            decision.resolve(convert.discovery_response(answer, (), m.EVSEProcessing.FINISHED))
        elif schedules is None:
            self._discovery_answer = None  # the EV's repeat re-sends 0x84
            decision.resolve(convert.discovery_response(answer, (), m.EVSEProcessing.ONGOING))
        elif schedules.code is not e.ScheduleCode.OK:
            decision.resolve(m.ChargeParameterDiscoveryRes(response_code=m.ResponseCode.FAILED))
        else:
            listed = convert.schedules(schedules)
            self._cpd_reset()  # a renegotiation asks for both again
            self._schedules = listed
            decision.resolve(convert.discovery_response(answer, listed, m.EVSEProcessing.FINISHED))

    # -- DC preparation ---------------------------------------------------------------------------

    def cable_check(self, request: m.CableCheckReq) -> Decision[m.CableCheckRes]:
        decision: Decision[m.CableCheckRes] = self._decision()
        if not self._cable_status_asked:
            self._cable_status_asked = True
            timeout = TIMEOUT_MS[e.RequestCableCheckStatus]
            self._ask(e.RequestCableCheckStatus(timeout=timeout), e.SetCableCheckStatus, self._cable_checked)
        status = e.RequestCableCheckParameters(timeout=TIMEOUT_MS[e.RequestCableCheckParameters],
                                               parameters=e.DcEvSoc(soc=request.dc_ev_status.ev_ress_soc))
        self._ask(status, e.SetCableCheckParameters,
                  lambda command: decision.resolve(convert.cable_check_response(command, self._cable_status)))
        return decision

    def _cable_checked(self, command: e.SetCableCheckStatus) -> None:
        self._cable_status = command.code

    def pre_charge(self, request: m.PreChargeReq) -> Decision[m.PreChargeRes]:
        decision: Decision[m.PreChargeRes] = self._decision()
        status = e.RequestPreChargeParameters(timeout=TIMEOUT_MS[e.RequestPreChargeParameters],
                                              parameters=e.DcEvPreChargeParameters(
                                                  target_voltage=request.ev_target_voltage,
                                                  target_current=request.ev_target_current,
                                                  soc=request.dc_ev_status.ev_ress_soc))
        self._ask(status, e.SetPreChargeParameters,
                  lambda command: decision.resolve(convert.pre_charge_response(command)))
        return decision

    # -- charging ---------------------------------------------------------------------------------

    def _check_kind(self, command: Any) -> int:
        block = command.parameters
        if block is None:
            return OK
        dc_block = isinstance(block, e.DcIsolationStatus | e.DcChargeLoopParameters)
        return OK if dc_block == self._dc else SETTING_FAILED

    def power_delivery(self, request: m.PowerDeliveryReq) -> Decision[m.PowerDeliveryRes]:
        decision: Decision[m.PowerDeliveryRes] = self._decision()

        def apply(command: e.SetStartChargingStatus | e.SetStopChargingStatus) -> None:
            decision.resolve(convert.power_delivery_response(command))

        if request.charge_progress is m.ChargeProgress.START:
            self._tuple_id = request.sa_schedule_tuple_id
            status: Status = convert.start_request(request, TIMEOUT_MS[e.RequestStartCharging], self._dc,
                                                   self._schedules)
            self._ask(status, e.SetStartChargingStatus, apply, self._check_kind)
        else:
            status = e.RequestStopCharging(timeout=TIMEOUT_MS[e.RequestStopCharging], parameters=(
                convert.charging_state(request.dc_ev_power_delivery_parameter, self._dc)))
            self._ask(status, e.SetStopChargingStatus, apply, self._check_kind)
        return decision

    def current_demand(self, request: m.CurrentDemandReq) -> Decision[m.CurrentDemandRes]:
        decision: Decision[m.CurrentDemandRes] = self._decision()
        self._ask(convert.charge_loop_request(request, TIMEOUT_MS[e.RequestChargeLoopParameters]),
                  e.SetChargeLoopParameters,
                  lambda command: decision.resolve(
                      convert.current_demand_response(command, self.evse_id, self._tuple_id)),
                  self._check_kind)
        return decision

    def charging_status(self, request: m.ChargingStatusReq) -> Decision[m.ChargingStatusRes]:
        decision: Decision[m.ChargingStatusRes] = self._decision()
        self._ask(convert.charge_loop_request(request, TIMEOUT_MS[e.RequestChargeLoopParameters]),
                  e.SetChargeLoopParameters,
                  lambda command: decision.resolve(
                      convert.charging_status_response(command, self.evse_id, self._tuple_id)),
                  self._check_kind)
        return decision

    def welding_detection(self, request: m.WeldingDetectionReq) -> Decision[m.WeldingDetectionRes]:
        decision: Decision[m.WeldingDetectionRes] = self._decision()
        status = e.RequestPostChargeParameters(timeout=TIMEOUT_MS[e.RequestPostChargeParameters],
                                               parameters=e.DcEvSoc(soc=request.dc_ev_status.ev_ress_soc))
        self._ask(status, e.SetPostChargeParameters,
                  lambda command: decision.resolve(convert.welding_response(command)))
        return decision

    def session_stop(self, request: m.SessionStopReq) -> None:
        paused = request.charging_session is m.ChargingSession.PAUSE
        self._closure = SessionClosure.PAUSE if paused else SessionClosure.TERMINATE

    def session_ended(self, end: SessionEnd) -> None:
        if self.closed:
            return
        self.closed = True
        self._cancel_all()
        self._report(self._closure if end.kind is SessionEndKind.STOPPED else SessionClosure.TERMINATE)
