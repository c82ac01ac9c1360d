"""Each fault knob of ``freev2g emulate`` drives the emulated module to what the manual describes,
in process on real time (the veth tests run the same station code in ``emulate``):

* a corrupted frame is a framing error (0xF2 checksum, 0xF1/0xF3 start/end), counted and
  survived by both ends;
* a dropped frame leaves the host waiting (its own timeout), a duplicated command is answered
  twice, a delayed frame arrives late;
* a module restart ends the session without a word to the host and forgets every setting;
* a car that unplugs mid-session ends it with Session Error then Session Stopped.

Car silence is tested with the EVSE application (tests/apps/test_evse_endings.py).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from freev2g.client import CommandTimeout, Whitebeet
from freev2g.emulator.faults import FrameFaults
from freev2g.emulator.peers.car import CarConfig, SessionPoint
from freev2g.emulator.services.cp import ControlPilotService
from freev2g.emulator.station import EmulatedStation
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.hci.catalog import cp, framing, system
from freev2g.hci.modules import Generation, ModuleId
from tests.emulator.scripted_evse_host import ScriptedEvseHost

QUICK_CAR = CarConfig(charge_time=30.0, plug_in_delay=0.2)


async def test_corrupted_frames_are_framing_errors_counted_and_survived() -> None:
    async with EmulatedStation.evse_with_car(faults=FrameFaults(corrupt=0.5, seed=3)) as bench:
        wb = Whitebeet(bench.link, generation=Generation.V2, command_timeout=0.2)
        await wb.open()
        answered = failed = 0
        for _ in range(40):
            try:
                await wb.request(system.GetFirmwareVersion())
                answered += 1
            except Exception:  # a framing error or a timeout, as the corruption falls
                failed += 1
        await wb.close()
        counts = bench.station.sides[0].injector.counts
    assert answered > 0 and failed > 0 and counts.corrupted > 0
    assert bench.module.framing_errors > 0  # what reached the module corrupted was reported
    assert wb.stats.local_framing_faults + wb.stats.module_framing_errors + wb.stats.timeouts > 0


async def test_dropped_frames_leave_the_host_to_its_timeout() -> None:
    async with EmulatedStation.evse_with_car(faults=FrameFaults(drop=1.0)) as bench:
        wb = Whitebeet(bench.link, generation=Generation.V2, command_timeout=0.2)
        await wb.open()
        with pytest.raises(CommandTimeout):
            await wb.request(system.GetFirmwareVersion())
        await wb.close()
    assert bench.module.received_frames == 0


async def test_a_duplicated_command_is_executed_and_answered_twice() -> None:
    async with EmulatedStation.evse_with_car(faults=FrameFaults(duplicate=1.0)) as bench:
        wb = Whitebeet(bench.link, generation=Generation.V2)
        await wb.open()
        await wb.request(cp.SetMode(mode=cp.ControlPilotMode.EVSE))
        await wb.request(cp.Start())  # the copy of it finds the service started: 0x05, unasked for
        await asyncio.sleep(0.05)
        await wb.close()
    assert bench.module.received_frames == 4
    assert wb.stats.responses == 2 and wb.stats.statuses >= 2  # the copies' answers, not taken as answers


async def test_delayed_frames_arrive_late() -> None:
    async with EmulatedStation.evse_with_car(faults=FrameFaults(delay=1.0, delay_seconds=0.1)) as bench:
        wb = Whitebeet(bench.link, generation=Generation.V2)
        await wb.open()
        start = time.monotonic()
        await wb.request(framing.Ping(data=b"hi"))
        elapsed = time.monotonic() - start
        await wb.close()
    assert elapsed >= 0.2  # delayed on the way in and on the way out
    assert bench.station.sides[0].injector.counts.delayed == 2


async def test_a_module_restart_ends_the_session_silently_and_forgets_the_settings() -> None:
    async with EmulatedStation.evse_with_car(car=QUICK_CAR) as bench, Whitebeet(bench.link) as wb:
        host = ScriptedEvseHost(wb)
        session = asyncio.create_task(host.session())
        while "EVSEStartChargingRequested" not in host.seen:
            await asyncio.sleep(0.05)
        bench.module.restart()
        await asyncio.sleep(0.5)
        assert not session.done()  # no Session Stopped: the module restarted, it did not stop
        pilot = bench.module.services[ModuleId.CONTROL_PILOT]
        assert isinstance(pilot, ControlPilotService) and not pilot.started  # back to power-up
        session.cancel()
        car = bench.station.car
        assert car is not None and car.end is not None
        assert car.end.kind in (SessionEndKind.CONNECTION_LOST, SessionEndKind.FAILED), car.end
    assert bench.module.restarts == 1


async def test_a_car_unplugging_mid_session_ends_it_with_an_error_then_stopped() -> None:
    car = CarConfig(charge_time=30.0, plug_in_delay=0.2, unplug_at=SessionPoint.CHARGING, fault_delay=0.3)
    async with EmulatedStation.evse_with_car(car=car) as bench, Whitebeet(bench.link) as wb:
        seen = await asyncio.wait_for(ScriptedEvseHost(wb).session(), timeout=30)
    assert "EVSEStartChargingRequested" in seen
    assert seen[-2:] == ["EVSESessionError", "EVSESessionStopped"], seen
