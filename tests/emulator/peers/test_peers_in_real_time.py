"""The two simulated peers on the asyncio loop's clock (what the demo and `freev2g emulate` run)."""

from __future__ import annotations

import asyncio

from freev2g.emulator.assembly import World
from freev2g.emulator.clock import LoopClock
from freev2g.emulator.peers.car import CarConfig, SimulatedCar
from freev2g.emulator.peers.charger import SimulatedChargerPeer
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.world import PlcLinkConfig
from freev2g.models import BatteryConfig

FAST = PlcLinkConfig(slac_startup=0.05, characterization=0.05, match_and_join=0.05)


async def test_a_short_session_on_the_loop_clock() -> None:
    world = World.create(LoopClock(), FAST)
    unplugged = asyncio.Event()
    world.wire.subscribe_plug(lambda plugged: None if plugged else unplugged.set())
    charger = SimulatedChargerPeer(world)
    battery = BatteryConfig(capacity_wh=100.0, initial_soc=50.0, target_soc=51.0)
    car = SimulatedCar(world, CarConfig(protocols=(m.V2gProtocol.ISO_15118_2,), battery=battery,
                                        plug_in_delay=0.01, unplug_delay=0.01))
    try:
        async with asyncio.timeout(30):  # a hang fails, the time taken is not checked
            await unplugged.wait()
    finally:
        car.close()
        charger.close()
    assert car.end is not None and car.end.kind is SessionEndKind.STOPPED, car.end
    assert car.battery.reached_target
