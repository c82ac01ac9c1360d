"""One EV charging session of the emulated module: the EvController its EVCC engine asks.

The host decides each step over HCI and hears of each with a status message (manual 2.14
§21.9, p230-p236; hci-reference §5.8; v1-api §1.9):

* after ChargeParameterDiscovery: 0xC3 Schedule Received, 0xC0 Session Started (first time
  only), 0xC1 or 0xC2, in the order of Figure 40 (p231); a renegotiation repeats 0xC3 and
  0xC1/0xC2 (Figure 44, p236);
* DC: 0xC4 Cable Check Ready, host 0xAA; 0xC5 Cable Check Finished; 0xC6 Pre Charging Ready,
  host 0xAB (Figure 41, p232); then 0xC7 Charging Ready, host (0xA8 and) 0xAC; 0xC8 Charging
  Started; host 0xAD Stop Charging; DC: 0xCA Post Charging Ready, host 0xAE; AC: 0xC9 Charging
  Stopped and the session stops by itself (p234); then 0xCB Session Stopped;
* 0xC1/0xC2 whenever the EVSE's values change; 0xCC Notification Received when the EVSE asks to
  stop or renegotiate, which the host must answer with 0xAD within the maximum delay (p236);
* a failed session: 0xCD Session Error, then 0xCB.

A *gate* stands for each host decision: the status message opens it (the host's command is then
accepted, once), the engine takes its Decision, in whichever order the two happen. A command for
a gate that is not open is out of its step: result 0x11 wrong state (p120; hci-reference §5.9).

Decisions where the manual is silent (each is tested):

* A notification with a maximum delay of 0 s sets no deadline. A host that misses the delay
  (strict timing) ends the session: 0xCD 8 "unspecified", then 0xCB.
* Stop Charging is accepted while charging (after 0xC8), or as the answer to a notification
  that came earlier (the charge loop then ends after its first request); Stop Session only
  after 0xCA. An AC session needs no Stop Session: 0xAE is OK between 0xC9 and 0xCB (the seed
  sends it on 0xC9), else 0x11.
* The session error code comes from the EVSE's failure code named in the engine's reason
  (FAILED_WrongChargeParameter is 3, ...); timeouts, sequence errors and a lost connection are
  8 "unspecified".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from freev2g.emulator.deadlines import Expectation
from freev2g.emulator.services.v2g_ev import convert
from freev2g.emulator.services.v2g_ev.evse_values import AcEvseValues, DcEvseValues, notification
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.evcc_api import EvSessionConfig, EvStep, EvTargets
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionEndKind, SessionInfo
from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, PaymentMethod
from freev2g.hci.message import Message

if TYPE_CHECKING:
    from freev2g.emulator.services.v2g_ev.service import V2gEvService

CABLE_CHECK, PRE_CHARGE, START_CHARGING, STOP_CHARGING, STOP_SESSION = (
    "cable check", "pre charge", "start charging", "stop charging", "stop session")


@dataclass
class _Gate:
    decision: Decision[Any] = field(default_factory=Decision)
    open: bool = False
    taken: bool = False


class EvSession:
    """The EvController of one session, started by Start Session 0xA9."""

    def __init__(self, service: V2gEvService, energy_transfer_mode: EnergyTransferMode) -> None:
        self.service = service
        self.energy_transfer_mode = energy_transfer_mode
        self.dc = energy_transfer_mode.is_dc
        self.info: SessionInfo | None = None
        self.evse_id = ""
        self.negotiated = False  # 0xC0 was sent: the host may update its parameters (p231)
        self.charging = False
        self.ac_stopping = False  # 0xC9 was sent: SessionStop follows by itself
        self.ended = False
        self.detached = False  # after a module restart nothing reaches the host any more
        self.schedules: tuple[m.SAScheduleTuple, ...] = ()
        self.profile: tuple[int, tuple[m.ProfileEntry, ...]] | None = None  # from 0xA8
        self.dc_values = DcEvseValues()
        self.ac_values = AcEvseValues()
        self._last_values: Message | None = None
        self._gates: dict[str, _Gate] = {}
        self._notification: Expectation | None = None
        self._notified = False  # a 0xCC awaits the host's 0xAD
        self._seen_notification = m.EVSENotification.NONE
        self.evcc = Evcc(service.module.clock, service.network, self)
        self.on_end: Callable[[EvSession], None] | None = None

    def start(self) -> None:
        self.evcc.start()

    def emit(self, status: Message) -> None:
        if not self.detached:
            self.service.module.emit(status)

    # -- gates ----------------------------------------------------------------------------------

    def _gate(self, name: str) -> _Gate:
        gate = self._gates.get(name)
        if gate is None:
            gate = self._gates[name] = _Gate()
        return gate

    def _take(self, name: str) -> Decision[Any]:
        gate = self._gate(name)
        gate.taken = True
        if gate.decision.done:
            del self._gates[name]
        return gate.decision

    def _open(self, name: str) -> None:
        self._gate(name).open = True

    def is_open(self, name: str) -> bool:
        gate = self._gates.get(name)
        return gate is not None and gate.open and not gate.decision.done

    def pass_gate(self, name: str, value: object = None) -> bool:
        """The host's command for gate ``name``: False when it is out of its step."""
        if self.ended or not self.is_open(name):
            return False
        gate = self._gates[name]
        if gate.taken:
            del self._gates[name]
        gate.decision.resolve(value)
        return True

    # -- host commands that are not gates -------------------------------------------------------

    def stop_charging(self, renegotiation: bool) -> bool:
        progress = m.ChargeProgress.RENEGOTIATE if renegotiation else m.ChargeProgress.STOP
        if not self.pass_gate(STOP_CHARGING, progress) and not self._answer_early(progress):
            return False
        if self._notification is not None:
            self._notification.met()
            self._notification = None
        self._notified = False
        return True

    def _answer_early(self, progress: m.ChargeProgress) -> bool:
        """The host answers a notification that came before the charge loop: the loop will end
        after its first request, as the host chose."""
        gate = self._gate(STOP_CHARGING)
        if self.ended or not self._notified or gate.decision.done:
            return False
        gate.decision.resolve(progress)
        if gate.taken:
            del self._gates[STOP_CHARGING]
        return True

    def stop_session(self) -> bool:
        if not self.dc:  # AC stops by itself after Charging Stopped (p135): nothing left to do
            return self.ac_stopping and not self.ended
        return self.pass_gate(STOP_SESSION)

    def set_profile(self, tuple_id: int, entries: tuple[m.ProfileEntry, ...]) -> int:
        """Set Charging Profile 0xA8: 0x11 outside Charging Ready .. Start Charging (p132), 0x10
        for a tuple the EVSE did not offer or entries whose starts do not increase."""
        if not self.is_open(START_CHARGING):
            return 0x11
        starts = [entry.charging_profile_entry_start for entry in entries]
        offered = {schedule.sa_schedule_tuple_id for schedule in self.schedules}
        if tuple_id not in offered or starts != sorted(set(starts)):
            return 0x10
        self.profile = (tuple_id, entries)
        return 0x00

    def abort(self, reason: str) -> None:
        """End the session from the module's side (host deadline missed, service stopped)."""
        if self.ended:
            return
        self.evcc.abort(reason)  # reports session_ended itself; the call below is a safety net
        self.session_ended(SessionEnd(kind=SessionEndKind.FAILED, reason=reason))

    def detach(self) -> None:
        """The module restarted: end silently."""
        self.detached = True
        self.abort("module restart")

    # -- EvController ---------------------------------------------------------------------------

    def session_config(self) -> EvSessionConfig:
        configuration = self.service.configuration
        assert configuration is not None  # Start Session checks it
        return EvSessionConfig(
            protocols=tuple(convert.PROTOCOLS[protocol] for protocol in configuration.protocols),
            evcc_id=convert.ev_id_bytes(configuration.ev_id), payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
            energy_transfer_mode=convert.ENERGY_TRANSFER_MODES[self.energy_transfer_mode])

    def session_started(self, info: SessionInfo, setup: m.SessionSetupRes) -> None:
        self.info = info
        self.evse_id = setup.evse_id[:37]  # the longest EVSE ID 0xC0 carries (p154)

    def charge_parameters(self) -> m.ChargeParameterDiscoveryReq:
        mode = convert.ENERGY_TRANSFER_MODES[self.energy_transfer_mode]
        service = self.service
        if self.dc:
            assert service.dc is not None and service.configuration is not None
            return m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=mode, dc_ev_charge_parameter=(
                convert.dc_charge_parameter(service.dc, service.configuration.battery_capacity)))
        assert service.ac is not None
        return m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=mode,
                                             ac_ev_charge_parameter=convert.ac_charge_parameter(service.ac))

    def charge_parameters_received(self, response: m.ChargeParameterDiscoveryRes) -> None:
        self.schedules = response.sa_schedule_list
        self.profile = None  # a renegotiation brings new schedules
        tuples = convert.schedule_tuples(response.sa_schedule_list)
        if tuples:
            self.emit(ev.EVScheduleReceived(tuples=tuples))
        if not self.negotiated and self.info is not None:
            self.negotiated = True
            self.emit(ev.EVSessionStarted(
                protocol=convert.HCI_PROTOCOL[self.info.protocol], session_id=self.info.session_id,
                evse_id=self.evse_id, payment_method=PaymentMethod.EIM,
                energy_transfer_mode=self.energy_transfer_mode))
        if response.dc_evse_charge_parameter is not None:
            self.dc_values.discovered(response.dc_evse_charge_parameter)
        if response.ac_evse_charge_parameter is not None:
            self.ac_values.discovered(response.ac_evse_charge_parameter)
        self._report_values(always=True)

    def evse_response(self, response: m.V2gResponse) -> None:
        self.dc_values.responded(response)
        self.ac_values.responded(response)
        self._report_values(always=False)
        self._check_notification(response)

    def targets(self) -> EvTargets:
        dc = self.service.dc
        if dc is None:  # AC: the engine sends no DC values, but the type wants a status
            status = convert.dc_ev_status(0, 0)
            return EvTargets(dc_ev_status=status, ev_target_voltage=0, ev_target_current=0)
        return EvTargets(
            dc_ev_status=convert.dc_ev_status(dc.soc, dc.status), ev_target_voltage=dc.target_voltage,
            ev_target_current=dc.target_current, ev_maximum_voltage_limit=dc.max_voltage,
            ev_maximum_current_limit=dc.max_current, ev_maximum_power_limit=dc.max_power,
            bulk_charging_complete=dc.soc >= dc.bulk_soc, charging_complete=dc.soc >= dc.full_soc)

    def charging_profile(self) -> tuple[int, tuple[m.ProfileEntry, ...]]:
        if self.profile is not None:
            return self.profile
        if not self.schedules:
            return 1, ()
        first = self.schedules[0]  # without 0xA8 the first schedule tuple is used (p233)
        return first.sa_schedule_tuple_id, convert.profile_from_schedule(first)

    def wait_cable_check(self) -> Decision[None]:
        self._open(CABLE_CHECK)
        self.emit(ev.EVCableCheckReady())
        return self._take(CABLE_CHECK)

    def wait_pre_charge(self) -> Decision[None]:
        self._open(PRE_CHARGE)
        self.emit(ev.EVPreChargingReady())
        return self._take(PRE_CHARGE)

    def wait_start_charging(self) -> Decision[None]:
        return self._take(START_CHARGING)

    def wait_stop_charging(self) -> Decision[m.ChargeProgress]:
        return self._take(STOP_CHARGING)

    def wait_stop_session(self) -> Decision[None]:
        if not self.dc:
            return Decision.of(None)
        return self._take(STOP_SESSION)

    def step(self, step: EvStep) -> None:
        match step:
            case EvStep.CABLE_CHECK_FINISHED:
                self.emit(ev.EVCableCheckFinished())
            case EvStep.CHARGING_READY:
                self._open(START_CHARGING)
                self.emit(ev.EVChargingReady())
            case EvStep.CHARGING_STARTED:
                self.charging = True
                self._open(STOP_CHARGING)
                self.emit(ev.EVChargingStarted())
            case EvStep.CHARGING_STOPPED:
                self._charging_over()
                self.ac_stopping = True
                self.emit(ev.EVChargingStopped())
            case EvStep.POST_CHARGING_READY:
                self._charging_over()
                self._open(STOP_SESSION)
                self.emit(ev.EVPostChargingReady())

    def session_ended(self, end: SessionEnd) -> None:
        if self.ended:
            return
        self.ended = True
        if self._notification is not None:
            self._notification.cancel()
            self._notification = None
        if end.kind is not SessionEndKind.STOPPED:
            self.emit(ev.EVSessionError(code=convert.session_error(end.reason)))
        self.emit(ev.EVSessionStopped())
        if self.on_end is not None:
            self.on_end(self)

    # -- reporting ------------------------------------------------------------------------------

    def _charging_over(self) -> None:
        self.charging = False
        self.dc_values.charging_stopped()

    def _report_values(self, *, always: bool) -> None:
        values: Message = (self.dc_values.message(self.service.module.profile.ev_dc_changed_extended)
                           if self.dc else self.ac_values.message())
        if always or values != self._last_values:
            self._last_values = values
            self.emit(values)

    def _check_notification(self, response: m.V2gResponse) -> None:
        found = notification(response)
        if found is None or found[0] is self._seen_notification:
            return
        kind, max_delay = found
        self._seen_notification = kind  # one 0xCC per notification, however many responses repeat it
        if kind is m.EVSENotification.NONE:
            return
        self._notified = True
        self.emit(ev.EVNotificationReceived(type=convert.NOTIFICATION_TYPES[kind], max_delay=max_delay))
        if max_delay > 0:
            self._notification = self.service.module.deadlines.expect(
                "EV Notification Received", max_delay,
                lambda: self.abort(f"the host did not answer the EVSE's notification within {max_delay} s"))
