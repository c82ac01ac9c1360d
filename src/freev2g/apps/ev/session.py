"""One V2G session of the EV application, driven by the EV module's status messages.

The flow of manual 2.14 §21.9 (p230-p236; 2.11 §20.9; hci-reference §5.8; v1-api §1.9), the
same in both API generations: Set Mode, Set Configuration 0xA0, Set DC 0xA2 and/or AC 0xA5
Charging Parameters, Start Session 0xA9; then the module reports each step (0xC0-0xCD) and the
host decides the next: 0xC4 -> CP state C, Start Cable Check 0xAA; 0xC6 -> Start Pre Charging
0xAB; 0xC7 -> (Set Charging Profile 0xA8) Start Charging 0xAC once the present voltage fits the
target (DC) or at once with CP state C (AC); while charging, Update 0xA3/0xA6 every battery
time step; at the target SOC, an EVSE stop or an EVSE notification, Stop Charging 0xAD; DC: after
0xCA and the voltage fell (welding detection), Stop Session 0xAE; the session ends with 0xCB.

Seed faults done right here (v1-api §6.2): the received schedule is used (capped request,
charging profile), not replaced; the computed target current is sent; a DC session stops after
Post Charging Ready instead of hanging; a renegotiation request is answered with Stop Charging
(renegotiation = true), not with Set DC parameters; a Session Error is printed with its code;
the battery integrates the energy actually delivered over the time that actually elapsed.
"""

from __future__ import annotations

import asyncio
import logging

from freev2g.apps.common import SessionFailed, quietly
from freev2g.apps.console import Console
from freev2g.apps.ev import demand, lines
from freev2g.apps.ev.summary import Clocks, EndReason, Phase, SessionSummary
from freev2g.client import ClientError, CommandRejected, Subscription, Whitebeet
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import cp, v2g_common, v2g_ev
from freev2g.hci.catalog.cp import ResistorLevel
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, EvseStatus, PaymentMethod, Protocol, V2gMode
from freev2g.hci.message import Command, Message
from freev2g.models.battery import Battery
from freev2g.sessionlog import events as session_events
from freev2g.sessionlog.records import PROTOCOL_NAMES

log = logging.getLogger("freev2g.apps.ev")

EV_STATUSES: tuple[type[Message], ...] = (
    v2g_ev.EVSessionStarted, v2g_ev.EVDCChargeParametersChanged, v2g_ev.EVACChargeParametersChanged,
    v2g_ev.EVScheduleReceived, v2g_ev.EVCableCheckReady, v2g_ev.EVCableCheckFinished,
    v2g_ev.EVPreChargingReady, v2g_ev.EVChargingReady, v2g_ev.EVChargingStarted, v2g_ev.EVChargingStopped,
    v2g_ev.EVPostChargingReady, v2g_ev.EVSessionStopped, v2g_ev.EVNotificationReceived, v2g_ev.EVSessionError,
)
EVSE_STOPS = {EvseStatus.SHUTDOWN, EvseStatus.UTILITY_INTERRUPT_EVENT, EvseStatus.EMERGENCY_SHUTDOWN,
              EvseStatus.MALFUNCTION}
"""EVSE status codes (0xC1, p155) after which the EV stops charging."""

POLL = 0.2  # s: how often flags (unplug) and gates are looked at between messages
WELDING_WAIT = 5.0  # s: Stop Session after Post Charging Ready at the latest, even if the voltage stays


class EvSession:
    """Runs one session on a connected client; :meth:`run` returns its summary or raises
    :class:`SessionFailed` (``reason`` says why) after which the caller ends safely."""

    def __init__(self, wb: Whitebeet, config: EvConfig, console: Console, clocks: Clocks, number: int, *,
                 unplugged: asyncio.Event | None = None, print_battery: bool = True,
                 module_mac: str = "00:01:01:63:77:31") -> None:
        self.wb = wb
        self.config = config
        self.console = console
        self.clocks = clocks
        self.battery = Battery(config.battery_config())
        self.unplugged = unplugged or asyncio.Event()
        self.print_battery = print_battery
        self.ev_id = config.ev.evid or module_mac  # the seed's default: the module's MAC (p123)
        self.evse = demand.EvseLimits()
        self.schedule: demand.Schedule | None = None
        self.phase = Phase.STARTING
        self.summary = SessionSummary(number, EndReason.MODULE_ERROR, soc_from=self.battery.soc,
                                      soc_to=self.battery.soc)
        self.reason: EndReason | None = None
        self.dc = True
        self.phases = 1
        self.charging = False
        self._ac_current = 0.0
        self._last_progress = clocks.now()
        self._phase_since = clocks.now()
        self._next_tick = clocks.now()
        self._started = clocks.now()

    # -- the session ------------------------------------------------------------------------------

    async def run(self) -> SessionSummary:
        try:
            with self.wb.statuses(*EV_STATUSES) as statuses:
                await self._configure()
                self.console.line("Create new charging session")
                await self.wb.request(v2g_ev.EVStartSession())
                duty = await self.wb.call(cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response)
                self.console.line(f"ControlPilot duty cycle: {duty.duty_cycle / 10}")
                self._last_progress = self.clocks.now()
                while self.phase is not Phase.ENDED:
                    await self._step(statuses)
        except ClientError as exc:
            self._fail(EndReason.MODULE_ERROR, str(exc))
        finally:
            self._finish_summary()
        return self.summary

    async def _configure(self) -> None:
        ev, b = self.config.ev, self.config.battery
        self.console.line("Set V2G mode to EV")
        await self.wb.request(v2g_common.SetMode(mode=V2gMode.EV))
        self.console.line("Set V2G configuration")
        await self.wb.request(v2g_ev.EVSetConfiguration(
            ev_id=self.ev_id, protocols=[Protocol(p) for p in ev.protocols],
            payment_methods=[PaymentMethod(p) for p in ev.payment_method],
            energy_transfer_modes=[EnergyTransferMode(m) for m in ev.energy_transfer_mode],
            battery_capacity=b.capacity))
        if ev.has_dc:
            self.console.line("Set DC charging parameters")
            request = demand.dc_request(self.config, self.battery, self.evse, None)
            await self.wb.request(demand.dc_parameters(self.config, self.battery, request))
        if ev.has_ac:
            self.console.line("Set AC charging parameters")
            ac = demand.ac_request(self.config, self.battery, self.evse, None, 1)
            await self.wb.request(demand.ac_parameters(self.config, self.battery, ac))

    async def _step(self, statuses: Subscription) -> None:
        now = self.clocks.now()
        wait = min(POLL, max(0.0, self._next_tick - now)) if self.charging else POLL
        try:
            message = await statuses.get(timeout=wait)
        except TimeoutError:
            message = None
        except StopAsyncIteration:
            self._fail(EndReason.MODULE_ERROR, "the connection to the module was closed")
        if self.unplugged.is_set():
            self._fail(EndReason.UNPLUGGED, "the EVSE is gone (CP state E/F)")
        if message is not None:
            self._last_progress = self.clocks.now()
            await self._handle(message)
        if self.phase is not Phase.ENDED:
            await self._periodic()

    def _fail(self, reason: EndReason, detail: str) -> None:
        self.summary.reason, self.summary.detail = reason, detail
        raise SessionFailed(f"{reason.value}: {detail}")

    def _set_phase(self, phase: Phase) -> None:
        log.debug("phase %s -> %s", self.phase.value, phase.value)
        self.phase = phase
        self._phase_since = self.clocks.now()
        session_events.state(phase.value)

    def _end_reason(self, reason: EndReason, detail: str = "") -> None:
        """The first reason to end charging wins; later ones (the EVSE stopping because we did) not."""
        if self.reason is None:
            self.reason = reason
            self.summary.reason, self.summary.detail = reason, detail

    def _finish_summary(self) -> None:
        self.battery.update(self.clocks.physical())
        self.summary.soc_to = self.battery.soc
        self.summary.energy_wh = self.battery.delivered_wh
        self.summary.duration_s = self.clocks.now() - self._started

    # -- status messages --------------------------------------------------------------------------

    async def _handle(self, message: Message) -> None:
        match message:
            case v2g_ev.EVSessionStarted():
                self._print(lines.session_started(message, self.config.ev.energy_transfer_mode))
                mode = EnergyTransferMode(message.energy_transfer_mode)
                self.summary.protocol = Protocol(message.protocol)
                session_events.session_start(PROTOCOL_NAMES.get(self.summary.protocol),
                                             energy_transfer_mode=mode.name)
                self.summary.energy_transfer_mode = mode
                self.dc = mode.is_dc
                self.phases = 3 if mode is EnergyTransferMode.AC_THREE_PHASE else 1
            case v2g_ev.EVDCChargeParametersChanged():
                self._print(lines.dc_changed(message))
                await self._dc_changed(message)
            case v2g_ev.EVACChargeParametersChanged():
                self._print(lines.ac_changed(message))
                await self._ac_changed(message)
            case v2g_ev.EVScheduleReceived():
                self._print(lines.schedule_received(message))
                self.schedule = demand.Schedule(message, self.clocks.physical())
            case v2g_ev.EVCableCheckReady():
                self._print([lines.HEADINGS[type(message)]])
                await self._set_cp(ResistorLevel.STATE_C)
                self._set_phase(Phase.CABLE_CHECK)
                await self.wb.request(v2g_ev.EVStartCableCheck())
            case v2g_ev.EVPreChargingReady():
                self._print([lines.HEADINGS[type(message)]])
                await self._update(pre_charge=True)
                self._set_phase(Phase.PRE_CHARGE)
                await self.wb.request(v2g_ev.EVStartPreCharging())
            case v2g_ev.EVChargingReady():
                self._print([lines.HEADINGS[type(message)]])
                self._set_phase(Phase.READY)
                if not self.dc:
                    await self._set_cp(ResistorLevel.STATE_C)
                    await self._start_charging()
            case v2g_ev.EVChargingStarted():
                self._print([lines.HEADINGS[type(message)]])
                self._charging_started()
            case v2g_ev.EVChargingStopped() | v2g_ev.EVPostChargingReady():
                self._print([lines.HEADINGS[type(message)]])
                self._charging_over()
                await self._set_cp(ResistorLevel.STATE_B)
                self._set_phase(Phase.STOPPING_SESSION if isinstance(message, v2g_ev.EVChargingStopped)
                                else Phase.POST_CHARGE)
            case v2g_ev.EVSessionStopped():
                self._print([lines.HEADINGS[type(message)]])
                self._charging_over()
                await self._set_cp(ResistorLevel.STATE_B)
                self._end_reason(EndReason.EVSE_STOPPED, "the session stopped")
                self._set_phase(Phase.ENDED)
            case v2g_ev.EVNotificationReceived():
                self._print(lines.notification(message))
                await self._notification(message)
            case v2g_ev.EVSessionError():
                self._print(lines.session_error(message))
                self._end_reason(EndReason.SESSION_ERROR, lines.session_error(message)[1].strip())
                self._charging_over()
                self._set_phase(Phase.STOPPING_SESSION)  # the module ends the session (0xCB)
            case _:
                self._print([lines.HEADINGS.get(type(message), f'"{message.title}" received')])

    def _print(self, text: list[str]) -> None:
        for line in text:
            self.console.line(line)

    async def _dc_changed(self, message: v2g_ev.EVDCChargeParametersChanged) -> None:
        self.evse.update_dc(message)
        if self.charging:
            self.battery.deliver(self.evse.present_voltage, self.evse.present_current, self.clocks.physical())
            session_events.battery(self.battery.soc, self.evse.present_voltage, self.evse.present_current)
        status = EvseStatus(message.evse_status)
        if status in EVSE_STOPS:
            await self._stop(EndReason.EVSE_STOPPED, f"EVSE status {status.name.lower()}")
        elif self.charging and self.battery.reached_target:
            await self._target_reached()
        elif self.phase is Phase.READY:
            await self._try_start_charging()

    async def _ac_changed(self, message: v2g_ev.EVACChargeParametersChanged) -> None:
        self.evse.update_ac(message)
        problems = demand.ac_out_of_range(self.config, message)
        self._print(problems)
        if message.rcd:
            await self._stop(EndReason.EVSE_STOPPED, "the RCD detected an error")
        elif problems:
            await self._stop(EndReason.REFUSED, " ".join(problems))
        elif self.charging:
            self._deliver_ac()

    async def _notification(self, message: v2g_ev.EVNotificationReceived) -> None:
        if message.type is v2g_ev.NotificationType.RENEGOTIATION and self.config.charging.renegotiate \
                and self.phase is Phase.CHARGING:
            self.console.line("Renegotiate the charge parameters")
            await self.wb.request(v2g_ev.EVStopCharging(renegotiation=True))
            self._charging_over()
            self._set_phase(Phase.STARTING)
            return
        await self._stop(EndReason.EVSE_STOPPED, f"the EVSE asked to stop (notification {int(message.type)})")

    # -- decisions --------------------------------------------------------------------------------

    async def _periodic(self) -> None:
        now = self.clocks.now()
        if self.charging:
            self.battery.update(self.clocks.physical())
            if self.battery.reached_target and self.phase is Phase.CHARGING:
                await self._target_reached()
            elif now >= self._next_tick:
                self._next_tick = now + self.config.battery.timestep / 1000
                await self._tick()
        if self.phase is Phase.READY:
            await self._try_start_charging()
        elif self.phase is Phase.POST_CHARGE:
            low = self.evse.present_voltage <= self.config.charging.welding_voltage
            if low or now - self._phase_since >= WELDING_WAIT:
                self._set_phase(Phase.STOPPING_SESSION)
                await self.wb.request(v2g_ev.EVStopSession())
        self._check_timeout(now)

    def _check_timeout(self, now: float) -> None:
        s = self.config.session
        if self.phase in (Phase.CHARGING, Phase.ENDED):
            return
        limit = s.stop_timeout if self.phase in (Phase.STOPPING, Phase.STOPPING_SESSION) else s.step_timeout
        if now - max(self._last_progress, self._phase_since) > limit:
            self._fail(EndReason.TIMEOUT, f"nothing from the module for {limit:g} s ({self.phase.value})")

    async def _tick(self) -> None:
        """One battery time step while charging: the block, then the new request."""
        request = await self._update()
        session_events.battery(self.battery.soc, self.evse.present_voltage, self.evse.present_current)
        if self.print_battery:
            voltage = self.evse.present_voltage if self.dc else (self.evse.nominal_voltage or 0.0)
            current = self.evse.present_current if self.dc else self._ac_current
            target_voltage = request[0] if request else self.battery.target_voltage()
            target_current = request[1] if request else self.battery.target_current()
            self._print(lines.battery_block(self.battery, now=self.clocks.physical(), voltage=voltage,
                                            current=current, target_voltage=target_voltage,
                                            target_current=target_current, charging=self.charging))

    async def _update(self, *, pre_charge: bool = False) -> tuple[float, float] | None:
        """Update DC or AC Charging Parameters with the present request; a refusal is logged, not
        fatal (the module keeps the previous values). Returns the (target voltage, current)."""
        power = self.schedule.power_at(self.clocks.physical()) if self.schedule else None
        command: Command
        if self.dc:
            request = demand.dc_request(self.config, self.battery, self.evse, power, pre_charge=pre_charge)
            command = demand.dc_update(self.config, self.battery, request)
            result = (request.target_voltage, request.target_current)
        else:
            ac = demand.ac_request(self.config, self.battery, self.evse, power, self.phases)
            command = demand.ac_update(ac)
            self._ac_current = ac.max_current
            result = (self.evse.nominal_voltage or ac.max_voltage, ac.max_current)
        try:
            await self.wb.request(command)
        except CommandRejected as exc:
            log.warning("%s", exc)
            return None
        if not self.dc and self.charging:
            self._deliver_ac()
        return result

    def _voltage_fits(self) -> bool:
        """The seed's gate for Start Charging (hci-reference §5.8): present voltage within ±delta of
        the target, not above the EV's maximum voltage, current and power below their maxima."""
        b = self.config.battery
        voltage, current = self.evse.present_voltage, self.evse.present_current
        target = demand.dc_request(self.config, self.battery, self.evse, None).target_voltage
        return (abs(voltage - target) < b.target_voltage_delta and voltage <= b.max_voltage
                and current < b.max_current and voltage * current < b.max_power)

    async def _try_start_charging(self) -> None:
        if self.dc and self._voltage_fits():
            await self._start_charging()

    async def _start_charging(self) -> None:
        self._set_phase(Phase.STARTING_CHARGE)
        if self.config.charging.charging_profile and self.schedule is not None:
            try:
                await self.wb.request(self.schedule.profile(self.config.battery.max_power))
            except CommandRejected as exc:  # optional (p132): the module then uses the first tuple
                log.warning("%s", exc)
        await self._update()
        await self.wb.request(v2g_ev.EVStartCharging())

    def _charging_started(self) -> None:
        self.charging = True
        self.summary.charged = True
        self._set_phase(Phase.CHARGING)
        self._next_tick = self.clocks.now()
        if self.dc:
            self.battery.deliver(self.evse.present_voltage, self.evse.present_current, self.clocks.physical())
        else:
            self._deliver_ac()

    def _deliver_ac(self) -> None:
        """AC: the on-board charger draws its requested current at the nominal voltage per phase
        (the module reports no present current in AC, p156)."""
        voltage = (self.evse.nominal_voltage or 0.0) * self.phases
        self.battery.deliver(voltage, self._ac_current, self.clocks.physical())

    def _charging_over(self) -> None:
        if self.charging:
            self.battery.deliver(0.0, 0.0, self.clocks.physical())
        self.charging = False

    async def _target_reached(self) -> None:
        self.console.line("charging done")
        await self._stop(EndReason.TARGET_REACHED, f"SOC {self.battery.soc:.1f} %")

    async def _stop(self, reason: EndReason, detail: str) -> None:
        """End charging (Stop Charging, renegotiation false, p135) or, before charging, the session."""
        self._end_reason(reason, detail)
        if self.phase in (Phase.CHARGING, Phase.STARTING_CHARGE):
            await self.wb.request(v2g_ev.EVStopCharging(renegotiation=False))
            self._set_phase(Phase.STOPPING)
        elif self.phase in (Phase.STARTING, Phase.CABLE_CHECK, Phase.PRE_CHARGE, Phase.READY):
            try:
                await self.wb.request(v2g_ev.EVStopSession())
                self._set_phase(Phase.STOPPING_SESSION)
            except CommandRejected:
                # Before Post Charging Ready the module has no stop for a session (p135): end here;
                # the safe end stops the service.
                self._fail(reason, detail)

    async def _set_cp(self, level: ResistorLevel) -> None:
        name = {ResistorLevel.STATE_B: "B", ResistorLevel.STATE_C: "C", ResistorLevel.STATE_D: "D"}[level]
        log.info("CP state %s", name)
        if level is ResistorLevel.STATE_C:
            self.console.line("Change State to State C")
        await self.wb.request(cp.SetResistorLevel(resistor_level=level))

    async def abandon(self) -> None:
        """After a failure or an interruption: Stop Charging, CP state B and Stop Session, each
        only where it applies, ignoring the module's answers (the caller stops the services)."""
        if self.charging or self.phase is Phase.STARTING_CHARGE:
            await quietly(self.wb, v2g_ev.EVStopCharging(renegotiation=False))
        self._charging_over()
        await quietly(self.wb, cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_B))
        if self.phase not in (Phase.ENDED, Phase.STOPPING_SESSION):
            await quietly(self.wb, v2g_ev.EVStopSession(), (0x11,))
        self._finish_summary()
