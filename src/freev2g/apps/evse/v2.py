"""The EVSE session of API generation v2 (manual 2.14): the host pushes, the module reports.

Configuration (Figure 26, p217): Set Mode, Set Configuration (0x60), Set DC and/or AC Charging
Parameters (0x62/0x65), SDP config when configured (0x68), Start Listen (0x6A). The module then
reports the session (0x80-0x8E) and asks for authorization (0x82 -> 0x6B), schedules (0x84 ->
0x6C), the cable check (0x87 -> 0x6D), start and stop of charging (0x89 -> 0x6E, 0x8A -> 0x6F),
each before the deadline it carries. From Set Schedules until Session Stopped the host sends
Update DC (0x63) or AC (0x66) Charging Parameters at least every 500 ms (p140, p143); here every
:data:`PUSH_INTERVAL`, with the charger's present values (hci-reference §5.7).

The console lines are those of v1 (v1-api §4.3) where the messages match, and of the same kind
for the messages v1 does not have.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from freev2g.apps.common import SessionFailed
from freev2g.apps.evse.authorization import AuthorizationRequest
from freev2g.apps.evse.report import number, schedule_text, trimmed_schedules
from freev2g.apps.evse.session import SessionBase, SessionEnded
from freev2g.client import ClientError, CommandRejected
from freev2g.config.evse_schema import ScheduleSettings
from freev2g.hci.catalog import v2g_common
from freev2g.hci.catalog import v2g_evse_v2 as v2
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvseStatus,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
    V2gMode,
)

log = logging.getLogger("freev2g.apps.evse")

PUSH_INTERVAL = 0.2  # s; the manual's limit is 500 ms
PUSH_FAILURES_TOLERATED = 3
PROTOCOLS = {"din": Protocol.DIN_70121, "iso2": Protocol.ISO_15118_2}
PROTOCOL_NAMES = {Protocol.DIN_70121: "DIN 70121", Protocol.ISO_15118_2: "ISO 15118-2"}
PAYMENTS = {"eim": PaymentMethod.EIM, "contract": PaymentMethod.CONTRACT}
SESSION_STOP_WAIT = 5.0  # s to wait for Session Stopped after a Session Error


def mode_name(mode: EnergyTransferMode) -> str:
    return mode.name.replace("_", " ").capitalize().replace("Dc", "DC").replace("Ac", "AC")


@dataclass
class V2Session(SessionBase):
    _mode: EnergyTransferMode | None = None
    _phase: str = "setup"  # setup, pre-charge, charging, stopped
    _targets: tuple[float, float] | None = None  # the EV's target voltage and current (0x85)
    _schedules_sent: list[ScheduleSettings] | None = None
    _schedule_id: int | None = None
    _pusher: asyncio.Task[None] | None = None
    _emaid: str | None = None
    _authorizing: bool = False
    _cable_check_running: bool = False
    _last_push: float | None = None
    _shown_dc: tuple[Any, ...] | None = None

    async def configure(self) -> None:
        settings = self.ctx.settings
        charger = settings.charger
        self.say("Set V2G mode to EVSE")
        await self.wb.request(v2g_common.SetMode(mode=V2gMode.EVSE))
        await self.wb.request(v2.EVSESetConfiguration(
            evse_id_din=settings.evse_id.din, evse_id_iso=settings.evse_id.iso,
            protocols=[PROTOCOLS[p] for p in settings.protocols],
            payment_methods=[PAYMENTS[p] for p in settings.payment_options],
            energy_transfer_modes=settings.modes,
            certificate_installation_supported=False, certificate_update_supported=False))
        if settings.offers_dc:
            await self.wb.request(v2.EVSESetDCChargingParameters(
                isolation_level=self.isolation, min_voltage=charger.min_voltage,
                min_current=charger.min_current,
                max_voltage=charger.max_voltage, max_current=charger.max_current, max_power=charger.max_power,
                current_regulation_tolerance=charger.current_regulation_tolerance,
                peak_current_ripple=charger.peak_current_ripple, status=EvseStatus.READY))
        if settings.offers_ac:
            await self.wb.request(v2.EVSESetACChargingParameters(
                rcd=False, nominal_voltage=charger.ac_nominal_voltage, max_current=charger.ac_max_current))
        if settings.sdp.configured:
            sdp = settings.sdp
            await self.wb.request(v2.EVSESetSDPConfig(
                allow_unsecure=sdp.allow_unsecure,
                unsecure_port=sdp.unsecure_port if sdp.allow_unsecure else None,
                allow_secure=sdp.allow_secure, secure_port=sdp.secure_port if sdp.allow_secure else None))
        self.say("Start V2G")
        await self.wb.request(v2.EVSEStartListen())

    async def finish(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pusher
            self._pusher = None

    async def handle(self, message: Any, received: float) -> None:
        match message:
            case v2.EVSESessionStarted():
                self.session_started(int(message.protocol), PROTOCOL_NAMES[message.protocol],
                                     message.session_id, message.evcc_id)
            case v2.EVSEPaymentSelected():
                self.say('"Payment selected" received')
                contract = message.payment_method is PaymentMethod.CONTRACT
                self.say(f"Payment method: {'Contract' if contract else 'EIM'}")
                if message.emaid:
                    self._emaid = message.emaid
                    self.say(f"EMAID: {message.emaid}")
            case v2.EVSEAuthorizationStatusRequested():
                self._authorization_request(message, received)
            case v2.EVSEEnergyTransferModeSelected():
                self._mode_selected(message)
            case v2.EVSESchedulesRequested():
                await self._schedules(message, received)
            case v2.EVSEDCChargeParametersChanged():
                self._dc_changed(message)
            case v2.EVSEACChargeParametersChanged():
                self.say('"AC Charge Parameters Changed" received')
                self.ev_value("EV maximum voltage", message.max_voltage, "V")
                self.ev_value("EV minimum current", message.min_current, "A")
                self.ev_value("EV maximum current", message.max_current, "A")
                self.ev_value("Energy amount", message.energy_amount, "Wh")
                self.ctx.driver.set_ev_limits(message.max_voltage, message.max_current, None)
            case v2.EVSECableCheckRequested():
                self._cable_check(message, received)
            case v2.EVSEPreChargeStarted():
                self.say('"Pre Charge started" received')
                self._phase = "pre-charge"
                if self._targets is not None:
                    self.ctx.driver.pre_charge(*self._targets)
            case v2.EVSEStartChargingRequested():
                await self._start_charging(message, received)
            case v2.EVSEStopChargingRequested():
                self.say('"Request Stop Charging" received')
                self.say(f"Renegotiation: {message.renegotiation}")
                self._phase = "stopped"
                self.ctx.driver.stop()
                await self.answer("Stop Charging", received, message.timeout, v2.EVSEStopCharging())
            case v2.EVSEWeldingDetectionStarted():
                self.say('"Welding detection started" received')
            case v2.EVSESessionError():
                self.say('"Session error" received')
                self.say(f"Error: {message.error_code.name.replace('_', ' ').lower()}")
                self.ctx.driver.stop()
                self.summary.end = f"session error: {message.error_code.name.lower()}"
            case v2.EVSESessionStopped():
                self.say('"Session stopped" received')
                log.info("closure type %s", message.closure_type.name)
                if self.summary.end.startswith("session error"):
                    self.ctx.driver.stop()
                    raise SessionFailed(self.summary.end)
                self.session_stopped(self._phase == "stopped")
                raise SessionEnded
            case _:
                log.debug("ignored: %s", getattr(message, "title", message))

    # -- requests and reports ---------------------------------------------------------------------

    def _authorization_request(self, message: v2.EVSEAuthorizationStatusRequested, received: float) -> None:
        self.say('"Request Authorization" received')
        if self._authorizing:
            return
        self._authorizing = True
        request = AuthorizationRequest(message.timeout / 1000, evcc_id=self.summary.evcc_id,
                                       emaid=self._emaid)

        async def decide() -> None:
            try:
                authorized = await self.authorize(request)
            finally:
                self._authorizing = False
            code = v2.AuthorizationResult.SUCCEEDED if authorized else v2.AuthorizationResult.FAILED
            await self.answer("Authorization", received, None, v2.EVSESetAuthorizationStatus(code=code))

        self.background(decide())

    def _mode_selected(self, message: v2.EVSEEnergyTransferModeSelected) -> None:
        self.say('"Energy transfer mode selected" received')
        self._mode = EnergyTransferMode(message.energy_transfer_mode)
        self.say(f"Energy transfer mode: {mode_name(self._mode)}")
        self.summary.energy_transfer_mode = "DC" if self._mode.is_dc else "AC"
        self.ctx.driver.phases = 3 if self._mode is EnergyTransferMode.AC_THREE_PHASE else 1
        self.ev_value("EV maximum voltage", message.max_voltage, "V")
        self.ev_value("EV maximum current", message.max_current, "A")
        self.ev_value("EV minimum current", message.min_current, "A")
        self.ev_value("EV maximum power", message.max_power, "W")
        self.ev_value("Departure time", message.departure_time, "s")
        self.ev_value("Energy request", message.energy_request, "Wh")
        if message.dc is not None and self._mode.is_dc:
            self.ev_value("Energy capacity", message.dc.energy_capacity, "Wh")
            self.ev_value("Full SOC", message.dc.full_soc, "%")
            self.ev_value("Bulk SOC", message.dc.bulk_soc, "%")
            self.ev_value("SOC", message.dc.soc, "%")
        self.ctx.driver.set_ev_limits(message.max_voltage, message.max_current, message.max_power)

    async def _schedules(self, message: v2.EVSESchedulesRequested, received: float) -> None:
        self.say('"Request Schedules" received')
        self.say(f"Max entries: {message.max_entries}")
        schedules = trimmed_schedules(list(self.ctx.settings.schedules), message.max_entries)
        self._schedules_sent = schedules
        self.say(f"Set the schedule: {schedule_text(schedules)}")
        tuples = [v2.EVSEScheduleTuple(tuple_id=s.id, entries=[
            ScheduleEntry(start=e.start, interval=e.interval, power=e.max_power) for e in s.entries[:20]])
            for s in schedules]
        await self.answer("Schedules", received, message.timeout, v2.EVSESetSchedules(
            code=v2.SchedulesResult.OK, schedule_tuples=tuples,
            energy_to_be_delivered=self.ctx.settings.charger.energy_to_be_delivered))
        if self._pusher is None:
            self._pusher = asyncio.create_task(self._push(), name="evse-updates")

    def _dc_changed(self, message: v2.EVSEDCChargeParametersChanged) -> None:
        self._follow_ev(message)
        shown = (message.max_current, message.max_voltage, message.max_power, message.target_voltage,
                 message.target_current, message.soc, message.charging_complete,
                 message.bulk_charging_complete)
        if shown == self._shown_dc:
            log.debug("DC charge parameters: only the remaining times changed")
            return  # the module reports every CurrentDemandReq; print what changed, like v1 prints requests
        self._shown_dc = shown
        self.say('"DC Charge Parameters Changed" received')
        self.ev_value("EV maximum current", message.max_current, "A")
        self.ev_value("EV maximum voltage", message.max_voltage, "V")
        self.ev_value("EV maximum power", message.max_power, "W")
        self.ev_value("EV target voltage", message.target_voltage, "V")
        self.ev_value("EV target current", message.target_current, "A")
        self.ev_value("SOC", message.soc, "%")
        self.say(f"Charging complete: {message.charging_complete}")
        if message.bulk_charging_complete is not None:
            self.say(f"Bulk charging complete: {message.bulk_charging_complete}")
        self.ev_value("Remaining time to full SOC", message.remaining_time_to_full_soc, "s")
        self.ev_value("Remaining time to bulk SOC", message.remaining_time_to_bulk_soc, "s")

    def _follow_ev(self, message: v2.EVSEDCChargeParametersChanged) -> None:
        driver = self.ctx.driver
        driver.set_ev_limits(message.max_voltage, message.max_current, message.max_power)
        self._targets = (float(message.target_voltage), float(message.target_current))
        if self._phase == "pre-charge":
            driver.pre_charge(*self._targets)
        elif self._phase == "charging":
            driver.regulate(*self._targets)

    def _cable_check(self, message: v2.EVSECableCheckRequested, received: float) -> None:
        self.say('"Request Cable Check" received')
        if self._cable_check_running:
            return
        self._cable_check_running = True

        async def check() -> None:
            ok = await self.cable_isolated(message.timeout)
            await self._push_once()  # the module takes the isolation level from the last 0x63
            code = v2.CableCheckResult.SUCCEEDED if ok else v2.CableCheckResult.FAILED
            await self.answer("Cable Check", received, message.timeout,
                              v2.EVSESetCableCheckFinished(code=code))

        self.background(check())

    async def _start_charging(self, message: v2.EVSEStartChargingRequested, received: float) -> None:
        self.say('"Request Start Charging" received')
        self.say(f"Schedule ID: {message.schedule_tuple_id}")
        profile = ", ".join(f"({e.start}, {number(e.power)})" for e in message.profile)
        self.say(f"EV power profile: [{profile}]")
        self._schedule_id = message.schedule_tuple_id
        chosen = next((s for s in self._schedules_sent or [] if s.id == message.schedule_tuple_id), None)
        if chosen is None:
            log.warning("the EV chose schedule %d, which was not sent", message.schedule_tuple_id)
        driver = self.ctx.driver
        driver.use_schedule(chosen)
        self._phase = "charging"
        if self._mode is not None and not self._mode.is_dc:
            charger = self.ctx.settings.charger
            driver.regulate(charger.ac_nominal_voltage, charger.ac_max_current)
        elif self._targets is not None:
            driver.regulate(*self._targets)
        await self.answer("Start Charging", received, message.timeout, v2.EVSEStartCharging())

    # -- periodic updates -------------------------------------------------------------------------

    def _update(self) -> v2.EVSEUpdateDCChargingParameters | v2.EVSEUpdateACChargingParameters:
        charger = self.ctx.settings.charger
        voltage, current = self.ctx.driver.present()
        if self._mode is not None and not self._mode.is_dc:
            return v2.EVSEUpdateACChargingParameters(rcd=False, max_current=charger.ac_max_current)
        stage = self.ctx.driver.stage
        power_limit = getattr(stage, "power_limit", None)
        max_power = min(power_limit() if callable(power_limit) else charger.max_power, charger.max_power)
        return v2.EVSEUpdateDCChargingParameters(
            isolation_level=self.isolation, present_voltage=round(voltage, 1),
            present_current=round(current, 1),
            max_voltage=charger.max_voltage, max_current=charger.max_current, max_power=float(max_power),
            status=EvseStatus.READY)

    async def _push_once(self) -> None:
        sent = self.now()
        await self.wb.request(self._update())
        last = self._last_push
        if last is not None:
            gap = sent - last
            worst = self.summary.max_push_interval_s
            self.summary.max_push_interval_s = gap if worst is None else max(worst, gap)
        self._last_push = sent
        self.summary.pushes += 1

    async def _push(self) -> None:
        failures = 0
        while True:
            started = self.now()
            try:
                await self._push_once()
                failures = 0
            except CommandRejected as exc:
                failures += 1
                log.warning("%s", exc)
            except ClientError as exc:
                failures += 1
                log.warning("%s", exc)
            if failures >= PUSH_FAILURES_TOLERATED:
                self._failure = SessionFailed("the module refused the charging parameter updates")
                return
            await asyncio.sleep(max(0.0, PUSH_INTERVAL - (self.now() - started)))


__all__ = ["V2Session"]
