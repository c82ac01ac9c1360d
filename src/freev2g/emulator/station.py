"""Emulated modules and simulated peers on one :class:`~freev2g.emulator.assembly.World`, running
in real time on the asyncio loop: what ``freev2g emulate``, ``freev2g demo`` and the
application tests run.

A station holds one charging cable. Each side of it is an emulated module reached over a
transport (raw Ethernet for ``emulate``, an in-memory link for the demo and tests) or a built-in
simulated peer: the simulated car on the EV side, the simulated charger on the EVSE side.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from freev2g.emulator.assembly import EV_MAC, EVSE_MAC, World, build_module
from freev2g.emulator.clock import LoopClock
from freev2g.emulator.deadlines import Timing
from freev2g.emulator.faults import FaultInjector, FrameFaults
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.peers.car import CarConfig, SimulatedCar
from freev2g.emulator.peers.charger import ChargerConfig, SimulatedChargerPeer
from freev2g.emulator.port import TransportPort
from freev2g.emulator.world import PlcLinkConfig
from freev2g.pcap import PcapWriter
from freev2g.transport import MemoryLink, MemoryTransport, Transport

log = logging.getLogger("freev2g.emulator")

PLUG_IN_DELAY = 0.5  # s from start to plugging the cable in when no simulated car does it
EVSE_HOST_MAC = "00:22:22:22:22:22"
EV_HOST_MAC = "00:22:22:22:22:23"

# SLAC timings shortened for in-process runs (the demo, tests); `emulate` keeps the defaults.
QUICK_PLC = PlcLinkConfig(slac_startup=0.2, characterization=0.2, match_and_join=0.2, bcb_window_ms=400)


@dataclass
class ModuleSide:
    module: EmulatedModule
    port: TransportPort
    injector: FaultInjector


class EmulatedStation:
    def __init__(self, *, plc_config: PlcLinkConfig | None = None, timing: Timing | None = None,
                 faults: FrameFaults | None = None) -> None:
        self.clock = LoopClock()
        self.world = World.create(self.clock, plc_config)
        self.timing = timing
        self.faults = faults or FrameFaults()
        self.sides: list[ModuleSide] = []
        self.car: SimulatedCar | None = None
        self.charger: SimulatedChargerPeer | None = None

    async def add_module(self, firmware: str, transport: Transport, *, mac: str | None = None,
                         name: str | None = None) -> EmulatedModule:
        """An emulated module on ``transport``, with the station's timing and frame faults."""
        port = TransportPort(transport)
        injector = FaultInjector(self.faults, self.clock)
        module = build_module(firmware, self.world, injector.wrap(port.send), mac=mac, name=name,
                              timing=self.timing)
        await transport.open(injector.wrap(module.receive))
        self.sides.append(ModuleSide(module, port, injector))
        return module

    def add_car(self, config: CarConfig | None = None) -> SimulatedCar:
        self.car = SimulatedCar(self.world, config or CarConfig())
        return self.car

    def add_charger(self, config: ChargerConfig | None = None) -> SimulatedChargerPeer:
        self.charger = SimulatedChargerPeer(self.world, config or ChargerConfig())
        return self.charger

    def plug_in_later(self, delay: float = PLUG_IN_DELAY) -> None:
        """Without a simulated car nobody plugs the cable in: the station does, ``delay`` from now
        (an EV module's host drives the resistor, not the plug)."""
        self.clock.call_later(delay, self.world.wire.plug_in)

    def replug(self, unplug_after: float = PLUG_IN_DELAY, plug_after: float = 2 * PLUG_IN_DELAY) -> None:
        """Between two sessions: the cable comes out and goes back in."""
        self.clock.call_later(unplug_after, self.world.wire.unplug)
        self.clock.call_later(unplug_after + plug_after, self.world.wire.plug_in)

    def report(self) -> dict[str, Any]:
        """Per module: the host reaction figures and misses, and the frame faults injected."""
        return {side.module.name: {**side.module.deadlines.report(),
                                   "framing_errors": side.module.framing_errors,
                                   "faults": vars(side.injector.counts)} for side in self.sides}

    async def close(self) -> None:
        for peer in (self.car, self.charger):
            if peer is not None:
                peer.close()
        for side in self.sides:
            await side.port.close()

    # -- in-process stations: the host's end is ``.link`` -----------------------------------------

    @classmethod
    @asynccontextmanager
    async def evse_with_car(cls, firmware: str = "V02_00_01", car: CarConfig | None = None, *,
                            timing: Timing | None = None, faults: FrameFaults | None = None,
                            plc_config: PlcLinkConfig | None = QUICK_PLC) -> AsyncIterator[InProcess]:
        """An emulated EVSE module with a simulated car as its peer."""
        station = cls(plc_config=plc_config, timing=timing, faults=faults)
        try:
            host, module_end = MemoryLink.pair(module_mac=EVSE_MAC)
            module = await station.add_module(firmware, module_end)
            station.add_car(car)
            yield InProcess(station, host, module)
        finally:
            await station.close()

    @classmethod
    @asynccontextmanager
    async def ev_with_charger(cls, firmware: str = "V01_00_06", charger: ChargerConfig | None = None, *,
                              timing: Timing | None = None, faults: FrameFaults | None = None,
                              plc_config: PlcLinkConfig | None = QUICK_PLC) -> AsyncIterator[InProcess]:
        """An emulated EV module with a simulated charger as its peer."""
        station = cls(plc_config=plc_config, timing=timing, faults=faults)
        try:
            host, module_end = MemoryLink.pair(module_mac=EV_MAC)
            module = await station.add_module(firmware, module_end)
            station.add_charger(charger)
            station.plug_in_later()
            yield InProcess(station, host, module)
        finally:
            await station.close()

    @classmethod
    @asynccontextmanager
    async def pair(cls, evse_firmware: str = "V02_00_01", ev_firmware: str = "V01_00_06", *,
                   timing: Timing | None = None, faults: FrameFaults | None = None,
                   plc_config: PlcLinkConfig | None = QUICK_PLC, capture: PcapWriter | None = None,
                   ) -> AsyncIterator[tuple[InProcess, InProcess]]:
        """An emulated EVSE module and an emulated EV module on one cable (the demo); ``capture``
        records both hosts' links (the EVSE host as EVSE_HOST_MAC, the EV host as EV_HOST_MAC)."""
        station = cls(plc_config=plc_config, timing=timing, faults=faults)
        try:
            evse_host, evse_end = MemoryLink.pair(module_mac=EVSE_MAC, host_mac=EVSE_HOST_MAC,
                                                  capture=capture)
            ev_host, ev_end = MemoryLink.pair(module_mac=EV_MAC, host_mac=EV_HOST_MAC, capture=capture)
            evse = await station.add_module(evse_firmware, evse_end)
            ev = await station.add_module(ev_firmware, ev_end)
            station.plug_in_later()
            yield InProcess(station, evse_host, evse), InProcess(station, ev_host, ev)
        finally:
            await station.close()


@dataclass
class InProcess:
    station: EmulatedStation
    link: MemoryTransport
    module: EmulatedModule


