"""The commands the EVSE application sends around a session: the start-up stop of V2G, SLAC and
CP ("already stopped" accepted: the module answers 0x05 / 0x10), each Stop once at the end, and
the duty cycle back at 100 % (v1-api §6.1 item 6, §6.2)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from freev2g.apps.console import Console
from freev2g.apps.evse import run_evse
from freev2g.emulator.station import EmulatedStation
from freev2g.hci.catalog import cp, framing, slac, system, v2g_common, v2g_evse_v2
from freev2g.hci.message import Command, decode
from freev2g.hci.modules import Direction, Generation
from freev2g.hci.parser import FrameParser
from tests.apps.evse_station import FIRMWARE, IDLE, car_for, idle_states, settings_for


class Recording:
    """A client Link that records the commands sent through another one."""

    def __init__(self, inner: Any, generation: Generation) -> None:
        self.inner = inner
        self.generation = generation
        self.commands: list[Command] = []
        self._parser = FrameParser()

    @property
    def description(self) -> str:
        return str(self.inner.description)

    async def open(self, on_data: Any) -> None:
        await self.inner.open(on_data)

    async def send(self, data: bytes) -> None:
        for frame in self._parser.feed(data):
            message = decode(frame, self.generation, Direction.HOST)  # type: ignore[arg-type]
            if isinstance(message, Command):
                self.commands.append(message)
        await self.inner.send(data)

    async def close(self) -> None:
        await self.inner.close()


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_start_up_stop_and_each_stop_once_at_the_end(generation: str) -> None:
    async def run() -> tuple[list[Command], dict[str, Any]]:
        async with EmulatedStation.evse_with_car(FIRMWARE[generation], car_for("iso2", "dc")) as station:
            link = Recording(station.link, Generation(generation))
            result = await run_evse(link, settings_for("iso2", "dc", authorization="never"), Console(echo=False))
            assert result.sessions[0].authorized is False
            return link.commands, idle_states(station.module)

    commands, idle = asyncio.run(run())
    kinds = [type(command) for command in commands]
    v2g_stop: list[type[Command]] = (
        [v2g_common.Stop] if generation == "v1" else [v2g_common.GetMode, v2g_evse_v2.EVSEStopListen])
    start = [framing.Ping, system.GetFirmwareVersion, *v2g_stop, slac.StopSlac, cp.Stop, cp.SetMode,
             cp.SetPwmDutyCycle, cp.Start, slac.StartSlac]
    assert kinds[:len(start)] == start
    end = [*v2g_stop, cp.SetPwmDutyCycle, slac.StopSlac, cp.Stop]
    assert kinds[-len(end):] == end
    assert commands[-3] == cp.SetPwmDutyCycle(duty_cycle=1000)
    assert kinds.count(cp.Stop) == 2 and kinds.count(slac.StopSlac) == 2  # start-up stop, then once each
    assert idle == IDLE
