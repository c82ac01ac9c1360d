"""A scripted v2 EVSE host written straight from manual 2.14's flow (hci-reference §5.2, §5.3,
§5.7), independent of our EVSE application: what "any HCI host" does against ``freev2g emulate``.

It answers every request at once (or after ``auth_delay``) and pushes Update DC Charging
Parameters every 100 ms from Set Schedules on, with the present voltage at the EV's target. The
car stops by itself (``--charge-time``).
"""

from __future__ import annotations

import asyncio
import contextlib

from freev2g.client import CommandRejected, Whitebeet
from freev2g.hci.catalog import cp, slac, v2g_common
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState
from freev2g.hci.catalog.slac import SlacMode
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
    V2gMode,
)
from freev2g.hci.message import Command

CONFIG = e.EVSESetConfiguration(
    evse_id_din="+49*123*456*789", evse_id_iso="DE*A23*E45B*78C",
    protocols=[Protocol.DIN_70121, Protocol.ISO_15118_2], payment_methods=[PaymentMethod.EIM],
    energy_transfer_modes=[EnergyTransferMode.DC_EXTENDED, EnergyTransferMode.AC_THREE_PHASE],
    certificate_installation_supported=False, certificate_update_supported=False)
DC = e.EVSESetDCChargingParameters(
    isolation_level=IsolationLevel.INVALID, min_voltage=0, min_current=0, max_voltage=500, max_current=100,
    max_power=50_000, current_regulation_tolerance=2, peak_current_ripple=0.5, status=EvseStatus.READY)
AC = e.EVSESetACChargingParameters(rcd=False, nominal_voltage=230, max_current=32)
SCHEDULES = e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[e.EVSEScheduleTuple(
    tuple_id=1, entries=[ScheduleEntry(start=0, interval=86_400, power=50_000)])])


class ScriptedEvseHost:
    def __init__(self, wb: Whitebeet, *, auth_delay: float = 0.0, push_interval: float = 0.1) -> None:
        self.wb = wb
        self.auth_delay = auth_delay
        self.push_interval = push_interval  # over 0.5 s breaks the module's 500 ms rule
        self.seen: list[str] = []
        self._target = (0.0, 0.0)
        self._pusher: asyncio.Task[None] | None = None

    async def session(self) -> list[str]:
        """One session from CP start to Session Stopped (or Session Error); the statuses seen."""
        wb = self.wb
        with wb.statuses(module=0x29) as pilot, wb.statuses(module=0x28) as matching, \
                wb.statuses(module=0x27) as v2g:
            await wb.request(cp.SetMode(mode=ControlPilotMode.EVSE))
            await wb.request(cp.SetPwmDutyCycle(duty_cycle=1000))
            await wb.request(cp.Start())
            await wb.request(slac.StartSlac(mode=SlacMode.EVSE))
            while True:
                state = await pilot.get(timeout=10)
                if isinstance(state, cp.StateChanged) and state.state is ControlPilotState.B:
                    break
            await wb.request(slac.StartSlacMatchingProcess())
            await wb.request(cp.SetPwmDutyCycle(duty_cycle=50))
            while not isinstance(result := await matching.get(timeout=60), slac.SlacProcessSuccessful):
                assert not isinstance(result, slac.SlacProcessFailed), result
            for command in (v2g_common.SetMode(mode=V2gMode.EVSE), CONFIG, DC, AC, e.EVSEStartListen()):
                await wb.request(command)
            try:
                await self._answer(v2g)
            finally:
                if self._pusher is not None:
                    self._pusher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._pusher
        for command in (e.EVSEStopListen(), cp.SetPwmDutyCycle(duty_cycle=1000), slac.StopSlac(), cp.Stop()):
            await wb.request(command)  # idle again, ready for the next car
        return self.seen

    async def _answer(self, v2g: object) -> None:
        assert hasattr(v2g, "get")
        while True:
            status = await v2g.get(timeout=30)
            self.seen.append(type(status).__name__)
            match status:
                case e.EVSEAuthorizationStatusRequested():
                    await asyncio.sleep(self.auth_delay)
                    await self._reply(e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.SUCCEEDED))
                case e.EVSESchedulesRequested():
                    await self._reply(SCHEDULES)
                    self._pusher = asyncio.get_running_loop().create_task(self._push())
                case e.EVSECableCheckRequested():
                    await self._reply(e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED))
                case e.EVSEDCChargeParametersChanged():
                    self._target = (status.target_voltage, min(status.target_current, 100.0))
                case e.EVSEStartChargingRequested():
                    await self._reply(e.EVSEStartCharging())
                case e.EVSEStopChargingRequested():
                    self._target = (self._target[0], 0.0)
                    await self._reply(e.EVSEStopCharging())
                case e.EVSEWeldingDetectionStarted():
                    self._target = (0.0, 0.0)
                case e.EVSESessionStopped() | e.EVSESessionError():
                    if isinstance(status, e.EVSESessionStopped):
                        return

    async def _reply(self, command: Command) -> None:
        """An answer to a module request; too late, the module refuses it (0x11): noted."""
        try:
            await self.wb.request(command)
        except CommandRejected as exc:
            self.seen.append(f"{command.title} rejected: 0x{exc.result:02X}")

    async def _push(self) -> None:
        while True:
            voltage, current = self._target
            await self.wb.request(e.EVSEUpdateDCChargingParameters(
                isolation_level=IsolationLevel.VALID, present_voltage=voltage, present_current=current,
                status=EvseStatus.READY))
            await asyncio.sleep(self.push_interval)
