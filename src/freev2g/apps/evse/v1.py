"""The EVSE session of API generation v1 (manual 2.11): the module asks, the host answers.

Configuration (Figure 26, p188): Set Mode, supported protocols, SDP config (only when
configured; the seed never sent it), payment options, energy transfer modes, Start (0x42). Then
every "Request X" (0x82-0x8C) is answered with its "Set X" before the timeout it carries; in the
charge loop that is 75 ms (v1-api §1.5, §1.9; DESIGN.md). Console lines and their order are the
seed README's (v1-api §4.3), with three rows done right:

* row 26: ``Set the schedule:`` prints what is sent, trimmed to "Max entries", in the README's
  ``(index, interval, max power)`` form;
* row 42: ``Time anchor: 0``: v1 schedules are timed from the moment Set Schedules is sent
  (manual 2.11 p142: start "in seconds from now"), so the anchor is always 0;
* row 55: ``Schedule ID:`` after "Request Stop Charging" is the tuple chosen at Start Charging
  (0x8B itself carries none since manual 2.8).

Seed bugs done right (v1-api §6.2): a DIN-format EVSE ID request gets the DIN ID, AC requests get
AC answers, the isolation level comes from a real (simulated) isolation test, exponents are
chosen by the encoder, the authorization prompt answers before the deadline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from freev2g.apps.common import SessionFailed
from freev2g.apps.evse.authorization import AuthorizationRequest
from freev2g.apps.evse.report import number, schedule_text, trimmed_schedules
from freev2g.apps.evse.session import SessionBase, SessionEnded
from freev2g.config import ConfigError
from freev2g.config.evse_schema import ScheduleSettings
from freev2g.hci.catalog import v2g_common
from freev2g.hci.catalog import v2g_evse_v1 as v1
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, PaymentMethod, ScheduleEntry, V2gMode

log = logging.getLogger("freev2g.apps.evse")

PROTOCOLS = {"din": v1.EvseProtocolV1.DIN_70121, "iso2": v1.EvseProtocolV1.ISO_15118_2_2014}
PROTOCOL_NAMES = {
    v1.EvseProtocolV1.DIN_70121: "DIN 70121", v1.EvseProtocolV1.ISO_15118_2_2010: "ISO 15118-2:2010",
    v1.EvseProtocolV1.ISO_15118_2_2014: "ISO 15118-2", v1.EvseProtocolV1.ISO_15118_20: "ISO 15118-20"}
MAX_MODES_V1 = 4  # Set energy transfer modes: count 1-4 (p138)
ACCEPTED = v1.ExtendedParameterCode.EV_PARAMETERS_ACCEPTED


def check_v1_settings(settings: Any, source: str) -> None:
    """Rules of the v1 firmware the file must follow (raised as configuration errors)."""
    problem = settings.din_mode_problem()
    if problem:
        key, text = problem.split(": ", 1)
        raise ConfigError(source, text, key)
    if len(settings.energy_transfer_modes) > MAX_MODES_V1:
        raise ConfigError(source, "v1 firmware accepts at most 4 modes (manual 2.11 p138)",
                          "energy_transfer_modes")


@dataclass
class V1Session(SessionBase):
    _schedules_sent: list[ScheduleSettings] | None = None
    _schedule_id: int | None = None
    _authorization: bool | None = None  # the decision, once made
    _authorizing: bool = False
    _cable_check_running: bool = False
    _stop_requested: bool = False

    async def configure(self) -> None:
        settings = self.ctx.settings
        self.say("Set V2G mode to EVSE")
        await self.wb.request(v2g_common.SetMode(mode=V2gMode.EVSE))
        await self.wb.request(v1.SetSupportedProtocols(protocols=[PROTOCOLS[p] for p in settings.protocols]))
        if settings.sdp.configured:
            sdp = settings.sdp
            await self.wb.request(v1.SetSdpConfig(
                allow_unsecure=sdp.allow_unsecure,
                unsecure_port=sdp.unsecure_port if sdp.allow_unsecure else None,
                allow_secure=sdp.allow_secure, secure_port=sdp.secure_port if sdp.allow_secure else None))
        if "contract" in settings.payment_options:
            log.warning("v1 firmware supports external payment (EIM) only; contract payment is not offered")
        await self.wb.request(v1.SetPaymentOptions(authorization_required=True,
                                                   payment_options=[PaymentMethod.EIM]))
        await self.wb.request(v1.SetEnergyTransferModes(modes=settings.modes))
        self.say("Start V2G")
        await self.wb.request(v2g_common.Start())

    async def handle(self, message: Any, received: float) -> None:
        match message:
            case v1.SessionStarted():
                self.session_started(int(message.protocol), PROTOCOL_NAMES[message.protocol],
                                     message.session_id, message.evcc_id)
            case v1.RequestEvseId():
                await self._evse_id(message, received)
            case v1.RequestAuthorizationStatus():
                await self._authorization_request(message, received)
            case v1.RequestSchedules():
                await self._schedules(message, received)
            case v1.RequestDiscoveryChargeParameters():
                await self._discovery(message, received)
            case v1.RequestCableCheckStatus():
                self._cable_check_status(message, received)
            case v1.RequestCableCheckParameters():
                await self._cable_check_parameters(message, received)
            case v1.RequestPreChargeParameters():
                await self._pre_charge(message, received)
            case v1.RequestStartCharging():
                await self._start_charging(message, received)
            case v1.RequestChargeLoopParameters():
                await self._charge_loop(message, received)
            case v1.RequestStopCharging():
                await self._stop_charging(message, received)
            case v1.RequestPostChargeParameters():
                await self._post_charge(message, received)
            case v1.SessionStopped():
                self.say('"Session stopped" received')
                if message.closure_type is not None:
                    log.info("closure type %s", message.closure_type.name)
                self.session_stopped(self._stop_requested)
                raise SessionEnded
            case _:
                log.debug("ignored: %s", getattr(message, "title", message))

    async def finish(self) -> None:
        pass  # V2G Stop is part of the safe end after every session

    # -- requests ---------------------------------------------------------------------------------

    async def _evse_id(self, message: v1.RequestEvseId, received: float) -> None:
        self.say('"Request EVSE ID" received')
        ids = self.ctx.settings.evse_id
        evse_id = ids.din if message.format is v1.EvseIdFormat.DIN else ids.iso
        self.say(f"Set EVSE ID: {evse_id}")
        await self.answer("EVSE ID", received, message.timeout,
                          v1.SetEvseId(code=v1.EvseIdCode.SUCCESS, evse_id=evse_id))

    async def _authorization_request(self, message: v1.RequestAuthorizationStatus, received: float) -> None:
        if self._authorizing:
            log.debug("Request Authorization repeated while the answer is pending (the EV gets Ongoing)")
            return
        self.say('"Request Authorization" received')
        if self._authorization is not None:  # asked again after the answer: the same answer
            await self._send_authorization(self._authorization, received, message.timeout)
            return
        self._authorizing = True
        request = AuthorizationRequest(message.timeout / 1000, evcc_id=self.summary.evcc_id)

        async def decide() -> None:
            try:
                decision = await self.authorize(request)
            finally:
                self._authorizing = False
            self._authorization = decision
            await self._send_authorization(decision, received, message.timeout)

        self.background(decide())

    async def _send_authorization(self, authorized: bool, received: float, timeout: int) -> None:
        codes = v1.AuthorizationCode
        code = codes.AUTHORIZATION_SUCCEEDED if authorized else codes.AUTHORIZATION_FAILED
        await self.answer("Authorization", received, None, v1.SetAuthorizationStatus(code=code))

    async def _schedules(self, message: v1.RequestSchedules, received: float) -> None:
        self.say('"Request Schedules" received')
        self.say(f"Max entries: {message.max_entries}")
        schedules = trimmed_schedules(list(self.ctx.settings.schedules), message.max_entries)
        self._schedules_sent = schedules
        self.say(f"Set the schedule: {schedule_text(schedules)}")
        tuples = [v1.ScheduleTuple(tuple_id=s.id, entries=[
            ScheduleEntry(start=e.start, interval=e.interval, power=e.max_power) for e in s.entries])
            for s in schedules]
        await self.answer("Schedules", received, message.timeout,
                          v1.SetSchedules(code=v1.ScheduleCode.OK, schedule_tuples=tuples))

    async def _discovery(self, message: v1.RequestDiscoveryChargeParameters, received: float) -> None:
        self.say('"Request Discovery Charge Parameters" received')
        charger = self.ctx.settings.charger
        ev = message.parameters
        parameters: v1.DcDiscoveryParameters | v1.AcDiscoveryParameters
        if isinstance(ev, v1.DcEvDiscoveryParameters):
            self.ev_value("EV maximum current", ev.max_current, "A")
            self.ev_value("EV minimum current", ev.min_current, "A")
            self.ev_value("EV maximum power", ev.max_power, "W")
            self.ev_value("EV minimum power", ev.min_power, "W")
            self.ev_value("EV maximum voltage", ev.max_voltage, "V")
            self.ev_value("EV minimum voltage", ev.min_voltage, "V")
            self.ev_value("Full SOC", ev.full_soc, "%")
            self.ev_value("Bulk SOC", ev.bulk_soc, "%")
            self.ev_value("SOC", ev.soc, "%")
            self.summary.energy_transfer_mode = "DC"
            self.ctx.driver.set_ev_limits(ev.max_voltage, ev.max_current, ev.max_power)
            parameters = v1.DcDiscoveryParameters(
                isolation=self.isolation, max_current=charger.max_current, min_current=charger.min_current,
                max_voltage=charger.max_voltage, min_voltage=charger.min_voltage, max_power=charger.max_power,
                current_regulation_tolerance=charger.current_regulation_tolerance,
                peak_current_ripple=charger.peak_current_ripple,
                energy_to_be_delivered=charger.energy_to_be_delivered)
        else:
            self.ev_value("Energy amount", ev.energy_amount, "Wh")
            self.ev_value("EV maximum voltage", ev.max_voltage, "V")
            self.ev_value("EV maximum current", ev.max_current, "A")
            self.ev_value("EV minimum current", ev.min_current, "A")
            self.summary.energy_transfer_mode = "AC"
            # v1 does not tell the EV's choice: three-phase when only that is offered
            modes = self.ctx.settings.modes
            three = EnergyTransferMode.AC_THREE_PHASE in modes
            three = three and EnergyTransferMode.AC_SINGLE_PHASE not in modes
            self.ctx.driver.phases = 3 if three else 1
            self.ctx.driver.set_ev_limits(ev.max_voltage, ev.max_current, None)
            parameters = v1.AcDiscoveryParameters(rcd=False, nominal_voltage=charger.ac_nominal_voltage,
                                                  max_current=charger.ac_max_current)
        await self.answer("Discovery Charge Parameters", received, message.timeout,
                          v1.SetDiscoveryChargeParameters(code=v1.ParameterCode.EV_PARAMETERS_ACCEPTED,
                                                          parameters=parameters))

    def _cable_check_status(self, message: v1.RequestCableCheckStatus, received: float) -> None:
        self.say('"Request Cable Check Status" received')
        if self._cable_check_running:
            return
        self._cable_check_running = True

        async def check() -> None:
            ok = await self.cable_isolated(message.timeout)
            code = v1.CableCheckCode.CABLE_CHECK_SUCCEEDED if ok else v1.CableCheckCode.CABLE_CHECK_FAILED
            await self.answer("Cable Check Status", received, message.timeout,
                              v1.SetCableCheckStatus(code=code))

        self.background(check())

    async def _cable_check_parameters(self, message: v1.RequestCableCheckParameters, received: float) -> None:
        self.say('"Request Cable Check Parameters" received')
        self.ev_value("SOC", message.parameters.soc, "%")
        await self.answer("Cable Check Parameters", received, message.timeout, v1.SetCableCheckParameters(
            code=ACCEPTED, parameters=v1.DcIsolationStatus(isolation=self.isolation)))

    async def _pre_charge(self, message: v1.RequestPreChargeParameters, received: float) -> None:
        self.say('"Request Pre Charge Parameters" received')
        ev = message.parameters
        self.ev_value("EV target voltage", ev.target_voltage, "V")
        self.ev_value("EV target current", ev.target_current, "A")
        self.ev_value("SOC", ev.soc, "%")
        limits = self.ctx.driver.limits
        code = ACCEPTED
        if ev.target_voltage > limits.max_voltage:
            self.say(f"EV target voltage of {number(ev.target_voltage)}V exceeds charger limit of "
                     f"{number(limits.max_voltage)}V")
            code = v1.ExtendedParameterCode.EV_PARAMETERS_INVALID
        if ev.target_current > limits.max_current:
            self.say(f"EV target current of {number(ev.target_current)}A exceeds charger limit of "
                     f"{number(limits.max_current)}A")
            code = v1.ExtendedParameterCode.EV_PARAMETERS_INVALID
        if ev.target_voltage * ev.target_current > limits.max_power:
            self.say(f"EV power of {number(ev.target_voltage * ev.target_current)}W exceeds charger limit of "
                     f"{number(limits.max_power)}W")
        parameters = None
        if code is ACCEPTED:
            self.ctx.driver.pre_charge(ev.target_voltage, ev.target_current)
            voltage, _ = self.ctx.driver.present()
            parameters = v1.DcIsolationVoltage(isolation=self.isolation, present_voltage=round(voltage, 1))
        await self.answer("Pre Charge Parameters", received, message.timeout,
                          v1.SetPreChargeParameters(code=code, parameters=parameters))

    async def _start_charging(self, message: v1.RequestStartCharging, received: float) -> None:
        self.say('"Request Start Charging" received')
        self.say(f"Schedule ID: {message.schedule_tuple_id}")
        self.say("Time anchor: 0")
        profile = ", ".join(f"({e.start}, {number(e.power)})" for e in message.charging_profile)
        self.say(f"EV power profile: [{profile}]")
        ev = message.parameters
        if isinstance(ev, v1.DcEvChargingState):
            self._charging_state(ev, as_int=False)
        self._schedule_id = message.schedule_tuple_id
        chosen = next((s for s in self._schedules_sent or [] if s.id == message.schedule_tuple_id), None)
        if chosen is None:
            log.warning("the EV chose schedule %d, which was not sent", message.schedule_tuple_id)
        self.ctx.driver.use_schedule(chosen)
        parameters: v1.DcIsolationStatus | v1.AcRcdStatus
        if isinstance(ev, v1.DcEvChargingState):
            parameters = v1.DcIsolationStatus(isolation=self.isolation)
        else:
            parameters = v1.AcRcdStatus(rcd=False)
            self._ac_draw()
        await self.answer("Start Charging", received, message.timeout, v1.SetStartChargingStatus(
            code=v1.StartChargingCode.CHARGING_STARTED, parameters=parameters))

    def _charging_state(self, ev: v1.DcEvChargingState, *, as_int: bool) -> None:
        self.ev_value("SOC", ev.soc, "%")
        if ev.charging_complete is not None:
            # The README prints this flag as 0/1 after "Request Stop Charging" (row 57), else True/False.
            self.say(f"Charging complete: {int(ev.charging_complete) if as_int else ev.charging_complete}")
        if ev.bulk_charging_complete is not None:
            self.say(f"Bulk charging complete: {ev.bulk_charging_complete}")

    def _ac_draw(self) -> None:
        """AC: the EVSE does not regulate; the EV draws up to the offered current at mains voltage."""
        charger = self.ctx.settings.charger
        self.ctx.driver.regulate(charger.ac_nominal_voltage, charger.ac_max_current)

    async def _charge_loop(self, message: v1.RequestChargeLoopParameters, received: float) -> None:
        self.say('"Request Charge Loop Parameters" received')
        ev = message.parameters
        driver = self.ctx.driver
        charger = self.ctx.settings.charger
        parameters: v1.DcChargeLoopParameters | v1.AcChargeLoopParameters
        if isinstance(ev, v1.DcEvChargeLoopParameters):
            self.ev_value("EV maximum current", ev.max_current, "A")
            self.ev_value("EV maximum voltage", ev.max_voltage, "V")
            self.ev_value("EV maximum power", ev.max_power, "W")
            self.ev_value("EV target voltage", ev.target_voltage, "V")
            self.ev_value("EV target current", ev.target_current, "A")
            self.ev_value("SOC", ev.soc, "%")
            self.say(f"Charging complete: {ev.charging_complete}")
            if ev.bulk_charging_complete is not None:
                self.say(f"Bulk charging complete: {ev.bulk_charging_complete}")
            self.ev_value("Remaining time to full SOC", ev.remaining_time_to_full_soc, "s")
            self.ev_value("Remaining time to bulk SOC", ev.remaining_time_to_bulk_soc, "s")
            driver.set_ev_limits(ev.max_voltage, ev.max_current, ev.max_power)
            driver.regulate(ev.target_voltage, ev.target_current)
            voltage, current = driver.present()
            current_limit, voltage_limit, power_limit = driver.limits_achieved()
            parameters = v1.DcChargeLoopParameters(
                isolation=self.isolation, present_voltage=round(voltage, 1),
                present_current=round(current, 1),
                max_current=charger.max_current, max_voltage=charger.max_voltage,
                max_power=self._power_limit(), current_limit_reached=current_limit,
                voltage_limit_reached=voltage_limit, power_limit_reached=power_limit)
        else:
            driver.present()
            parameters = v1.AcChargeLoopParameters(max_current=charger.ac_max_current, rcd=False)
        await self.answer("Charge Loop Parameters", received, message.timeout,
                          v1.SetChargeLoopParameters(code=ACCEPTED, parameters=parameters))

    def _power_limit(self) -> float:
        stage = self.ctx.driver.stage
        limit = getattr(stage, "power_limit", None)
        value = limit() if callable(limit) else self.ctx.settings.charger.max_power
        return float(min(value, self.ctx.settings.charger.max_power))

    async def _stop_charging(self, message: v1.RequestStopCharging, received: float) -> None:
        self.say('"Request Stop Charging" received')
        self._stop_requested = True
        if self._schedule_id is not None:
            self.say(f"Schedule ID: {self._schedule_id}")
        ev = message.parameters
        if isinstance(ev, v1.DcEvChargingState):
            self._charging_state(ev, as_int=True)
        self.ctx.driver.stop()
        parameters: v1.DcIsolationStatus | v1.AcRcdStatus = (
            v1.DcIsolationStatus(isolation=self.isolation) if isinstance(ev, v1.DcEvChargingState)
            else v1.AcRcdStatus(rcd=False))
        await self.answer("Stop Charging", received, message.timeout, v1.SetStopChargingStatus(
            code=v1.StopChargingCode.CHARGING_STOPPED, parameters=parameters))

    async def _post_charge(self, message: v1.RequestPostChargeParameters, received: float) -> None:
        self.say('"Request Post Charge Parameters" received')
        self.ev_value("SOC", message.parameters.soc, "%")
        voltage, _ = self.ctx.driver.present()
        await self.answer("Post Charge Parameters", received, message.timeout, v1.SetPostChargeParameters(
            code=v1.ParameterCode.EV_PARAMETERS_ACCEPTED,
            parameters=v1.DcIsolationVoltage(isolation=self.isolation, present_voltage=round(voltage, 1))))


__all__ = ["SessionFailed", "V1Session", "check_v1_settings"]
