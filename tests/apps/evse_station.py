"""Running the EVSE application against the emulated EVSE module with a simulated car."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from freev2g.apps.common import Interrupts
from freev2g.apps.console import Console
from freev2g.apps.evse import EvseRunResult, run_evse
from freev2g.apps.evse.authorization import LineReader
from freev2g.config.evse_schema import EvseSettings
from freev2g.emulator.deadlines import Timing
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.peers.car import CarConfig
from freev2g.emulator.services.cp import ControlPilotService
from freev2g.emulator.services.slac import SlacService
from freev2g.emulator.station import EmulatedStation, InProcess
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.world.cp_wire import X1
from freev2g.hci.catalog.slac import SlacState
from freev2g.hci.modules import ModuleId

FIRMWARE = {"v1": "V01_01_06", "v2": "V02_00_01"}
RUN_LIMIT = 120.0  # s of asyncio time for one run: a hang fails the test instead of blocking it


class WatchedConsole(Console):
    """Records the lines and lets a test wait for one."""

    def __init__(self) -> None:
        super().__init__("[EVSE] ", echo=False)
        self._waiters: list[tuple[Callable[[str], bool], asyncio.Future[str]]] = []

    def line(self, text: str) -> None:
        super().line(text)
        for accept, future in list(self._waiters):
            if not future.done() and accept(text):
                future.set_result(text)

    async def wait_for(self, text: str) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters.append((lambda line: text in line, future))
        for line in self.lines:
            if text in line and not future.done():
                future.set_result(line)
        return await future


@dataclass
class Run:
    result: EvseRunResult
    lines: list[str]
    report: dict[str, Any]
    module: EmulatedModule
    station: InProcess
    idle: dict[str, Any] = field(default_factory=dict)


def end_input(write_fd: int) -> None:
    """Close the write end of a pipe feeding a LineReader and wait for its thread to see the end,
    so that the read end's descriptor number is not reused while the thread still reads it."""
    with contextlib.suppress(OSError):
        os.close(write_fd)
    join_readers()


def join_readers() -> None:
    for thread in threading.enumerate():
        if thread.name == "stdin-lines":
            thread.join(5)


def car_for(protocol: str, mode: str, **options: Any) -> CarConfig:
    protocols = (m.V2gProtocol.DIN_70121,) if protocol == "din" else (m.V2gProtocol.ISO_15118_2,)
    modes = {"dc": m.EnergyTransferModeType.DC_EXTENDED, "ac": m.EnergyTransferModeType.AC_THREE_PHASE_CORE}
    if mode == "ac":
        options.setdefault("ac_phases", 3)
    options.setdefault("charge_time", 2.0)
    return CarConfig(protocols=protocols, energy_transfer_mode=modes[mode], **options)


def settings_for(protocol: str, mode: str, **options: Any) -> EvseSettings:
    data: dict[str, Any] = {"protocols": [protocol], "authorization": "always",
                            "energy_transfer_modes": ["dc_extended"] if mode == "dc" else ["ac_three_phase"]}
    data.update(options)
    return EvseSettings.model_validate(data)


def idle_states(module: EmulatedModule) -> dict[str, Any]:
    """What the safe end must leave: CP stopped at X1, SLAC idle, V2G neither started nor listening."""
    cp = module.services[ModuleId.CONTROL_PILOT]
    slac = module.services[ModuleId.SLAC]
    v2g = module.services[ModuleId.V2G]
    assert isinstance(cp, ControlPilotService) and isinstance(slac, SlacService)
    return {"cp_started": cp.started, "duty_cycle": cp.duty_cycle,
            "slac": slac.state, "v2g_started": getattr(v2g, "started", False),
            "v2g_listening": getattr(v2g, "listening", False)}


IDLE = {"cp_started": False, "duty_cycle": X1, "slac": SlacState.IDLE, "v2g_started": False,
        "v2g_listening": False}


async def run_station(generation: str, car: CarConfig | None, settings: EvseSettings, *,
                      console: WatchedConsole | None = None, reader: LineReader | None = None,
                      during: Callable[[InProcess, WatchedConsole, asyncio.Task[EvseRunResult], Interrupts],
                                       Any] | None = None, timing: Timing | None = None) -> Run:
    console = console or WatchedConsole()
    async with EmulatedStation.evse_with_car(firmware=FIRMWARE[generation], car=car, timing=timing) as station:
        interrupts = Interrupts()
        task = asyncio.create_task(run_evse(station.link, settings, console, interrupts=interrupts,
                                            reader=reader, iface="eth0"))
        helper = None
        if during is not None:
            helper = asyncio.create_task(during(station, console, task, interrupts))
        with interrupts.installed(task):
            async with asyncio.timeout(RUN_LIMIT):
                result = await task
        if helper is not None:
            helper.cancel()
        return Run(result, console.lines, station.station.report(), station.module, station,
                   idle_states(station.module))
