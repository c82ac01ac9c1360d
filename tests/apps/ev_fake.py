"""A scripted EV module for the EV application's tests: answers every command, plays the status
sequence of manual 2.14 §21.9 (p230-p236) in reaction to the host's step commands, and lets a test
inject an EVSE stop, an unplug, a silence or a rejection. Independent of the emulator, so that the
application's decisions are checked against the manual's flow directly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.hci.catalog import cp, framing, slac, system, v2g_common, v2g_ev
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, EvseStatus, Protocol, ScheduleEntry
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Message, decode
from freev2g.hci.modules import Direction, Generation
from freev2g.hci.parser import FrameParser

LOOP = 0.05  # s between the scripted EVSE's charge-loop updates


@dataclass
class Script:
    firmware: str = "V01_00_06"
    protocol: Protocol = Protocol.ISO_15118_2
    mode: EnergyTransferMode = EnergyTransferMode.DC_CORE
    duty_cycle: int = 50
    evse_max_voltage: float = 500
    evse_max_current: float = 200
    evse_max_power: float = 50_000
    schedule_power: float = 25_000
    slac_ok: bool = True
    silent_after: str | None = None  # a command title after which the module sends no more statuses
    reject: dict[int, int] = field(default_factory=dict)  # sub-ID -> result code
    extended_c1: bool = True


class FakeEvModule:
    """Implements the client's Link."""

    description = "fake EV module"

    def __init__(self, script: Script | None = None) -> None:
        self.script = script or Script()
        self.commands: list[Command] = []
        self._parser = FrameParser()
        self._on_data: Callable[[bytes], None] | None = None
        self.target_voltage = 0.0
        self.target_current = 0.0
        self.present_voltage = 0.0
        self.present_current = 0.0
        self.charging = False
        self.silent = False
        self.closed = False
        self._loop_task: asyncio.Task[None] | None = None

    # -- Link -------------------------------------------------------------------------------------

    async def open(self, on_data: Callable[[bytes], None]) -> None:
        self._on_data = on_data

    async def send(self, data: bytes) -> None:
        for frame in self._parser.feed(data):
            assert isinstance(frame, Frame), frame
            command = decode(frame, Generation.V2 if self.script.firmware == "V01_00_06" else Generation.V1,
                             Direction.HOST)
            if not isinstance(command, Command):  # not in this firmware's API: unknown sub-ID (p48)
                self._reply(frame, bytes([0x02]))
                continue
            self.commands.append(command)
            self._answer(frame, command)

    async def close(self) -> None:
        self.closed = True
        if self._loop_task is not None:
            self._loop_task.cancel()

    # -- helpers for tests ------------------------------------------------------------------------

    def titles(self) -> list[str]:
        return [c.title for c in self.commands]

    def sent(self, kind: type[Command]) -> list[Command]:
        return [c for c in self.commands if isinstance(c, kind)]

    def emit(self, status: Message) -> None:
        if self.silent or self.closed:
            return
        assert self._on_data is not None
        asyncio.get_running_loop().call_soon(self._on_data, status.to_frame().encode())

    def unplug(self) -> None:
        self.emit(cp.StateChanged(state=cp.ControlPilotState.E))

    def evse_shutdown(self) -> None:
        self.emit(self._c1(EvseStatus.EMERGENCY_SHUTDOWN))

    # -- behaviour --------------------------------------------------------------------------------

    def _reply(self, frame: Frame, payload: bytes) -> None:
        assert self._on_data is not None
        answer = Frame(frame.module_id, frame.sub_id if frame.module_id != 0x0E else 0x01, frame.request_id,
                       payload).encode()
        asyncio.get_running_loop().call_soon(self._on_data, answer)

    def _answer(self, frame: Frame, command: Command) -> None:
        s = self.script
        if frame.module_id == 0x27 and frame.sub_id in s.reject:
            self._reply(frame, bytes([s.reject[frame.sub_id]]))
            return
        match command:
            case framing.Ping(data=data):
                self._reply(frame, framing.Ping.Response(data=data).payload())
                return
            case system.GetFirmwareVersion():
                self._reply(frame, system.GetFirmwareVersion.Response(version=s.firmware).payload())
                return
            case cp.GetPwmDutyCycle():
                self._reply(frame, cp.GetPwmDutyCycle.Response(duty_cycle=s.duty_cycle).payload())
                return
            case slac.GetState():
                self._reply(frame, slac.GetState.Response(state=slac.SlacState.STARTED_NOT_RUNNING).payload())
                return
            case v2g_common.Stop() | slac.StopSlac() | cp.Stop():
                self._reply(frame, bytes([0x05 if not isinstance(command, slac.StopSlac) else 0x10]))
                return
        self._reply(frame, command.Response().payload())
        self._react(command)
        if s.silent_after is not None and command.title == s.silent_after:
            self.silent = True

    def _react(self, command: Command) -> None:
        s = self.script
        dc = s.mode.is_dc
        match command:
            case cp.Start():
                self.emit(cp.StateChanged(state=cp.ControlPilotState.B))
            case slac.StartSlacMatchingProcess():
                self.emit(slac.SlacProcessSuccessful() if s.slac_ok else slac.SlacProcessFailed())
            case v2g_ev.EVSetDCChargingParameters() | v2g_ev.EVUpdateDCChargingParameters():
                self.target_voltage = float(command.target_voltage)
                self.target_current = float(command.target_current)
            case v2g_ev.EVStartSession():
                entries = [ScheduleEntry(start=0, interval=1800, power=s.schedule_power),
                           ScheduleEntry(start=1800, interval=84600, power=s.schedule_power / 2)]
                self.emit(v2g_ev.EVScheduleReceived(tuples=[v2g_ev.EVScheduleTuple(tuple_id=1, entries=entries)]))
                self.emit(v2g_ev.EVSessionStarted(protocol=s.protocol, session_id=bytes(range(8)),
                                                  evse_id="DE*ABC*E*00001*01", payment_method=0,
                                                  energy_transfer_mode=s.mode))
                if dc:
                    self.emit(self._c1())
                    self.emit(v2g_ev.EVCableCheckReady())
                else:
                    self.emit(self._c2())
                    self.emit(v2g_ev.EVChargingReady())
            case v2g_ev.EVStartCableCheck():
                self.emit(v2g_ev.EVCableCheckFinished())
                self.emit(v2g_ev.EVPreChargingReady())
            case v2g_ev.EVStartPreCharging():
                self.present_voltage = self.target_voltage
                self.emit(self._c1())
                self.emit(v2g_ev.EVChargingReady())
            case v2g_ev.EVStartCharging():
                self.charging = True
                self.emit(v2g_ev.EVChargingStarted())
                if dc:
                    self._loop_task = asyncio.get_running_loop().create_task(self._charge_loop())
            case v2g_ev.EVStopCharging(renegotiation=False):
                self.charging = False
                self.present_current = 0
                if dc:
                    self.present_voltage = 0
                    self.emit(v2g_ev.EVPostChargingReady())
                    self.emit(self._c1())
                else:
                    self.emit(v2g_ev.EVChargingStopped())
                    self.emit(v2g_ev.EVSessionStopped())
            case v2g_ev.EVStopSession():
                self.emit(v2g_ev.EVSessionStopped())

    async def _charge_loop(self) -> None:
        while self.charging and not self.closed:
            current = min(self.target_current, self.script.evse_max_current)
            if (self.present_voltage, self.present_current) != (self.target_voltage, current):
                self.present_voltage, self.present_current = self.target_voltage, current
                self.emit(self._c1())
            await asyncio.sleep(LOOP)

    def _c1(self, status: EvseStatus = EvseStatus.READY) -> v2g_ev.EVDCChargeParametersChanged:
        s = self.script
        limits = v2g_ev.EVSEDCLimits(isolation_status=1, voltage_limit_achieved=False, current_limit_achieved=False,
                                     power_limit_achieved=False, peak_current_ripple=2) if s.extended_c1 else None
        return v2g_ev.EVDCChargeParametersChanged(
            min_voltage=0, min_current=0, min_power=0, max_voltage=s.evse_max_voltage,
            max_current=s.evse_max_current, max_power=s.evse_max_power, present_voltage=self.present_voltage,
            present_current=self.present_current, evse_status=status, limits=limits)

    def _c2(self) -> v2g_ev.EVACChargeParametersChanged:
        return v2g_ev.EVACChargeParametersChanged(nominal_voltage=230, max_current=self.script.evse_max_current,
                                                  rcd=False)
