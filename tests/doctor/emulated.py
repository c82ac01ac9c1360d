"""An emulated module (``build_module`` on a ``World``) behind a memory link or an Ethernet
transport, recording the title of every command it receives: the doctor must send only Ping
and Get commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field

from freev2g.emulator.assembly import World, build_module, default_mac
from freev2g.emulator.clock import LoopClock
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.port import TransportPort
from freev2g.emulator.profiles import FirmwareProfile, profile
from freev2g.emulator.station import QUICK_PLC
from freev2g.hci.frame import Frame
from freev2g.hci.message import decode
from freev2g.hci.modules import Direction
from freev2g.hci.parser import FrameParser
from freev2g.netns import inside
from freev2g.transport import Transport


@dataclass
class Rig:
    world: World
    module: EmulatedModule
    commands: list[str] = field(default_factory=list)

    def read_only(self) -> bool:
        return bool(self.commands) and all(t == "Ping" or t.startswith("Get ") for t in self.commands)


@asynccontextmanager
async def emulated_module(firmware: str | FirmwareProfile, transport: Transport, *, mac: str | None = None,
                          namespace: str | None = None) -> AsyncIterator[Rig]:
    chosen = profile(firmware) if isinstance(firmware, str) else firmware
    world = World.create(LoopClock(), QUICK_PLC)
    port = TransportPort(transport)
    module = build_module(chosen, world, port.send, mac=mac or default_mac(chosen.role))
    rig = Rig(world, module)
    parser = FrameParser()

    def receive(data: bytes) -> None:
        for event in parser.feed(data):
            if isinstance(event, Frame):
                rig.commands.append(decode(event, chosen.generation, Direction.HOST).title)
        module.receive(data)

    with inside(namespace) if namespace else nullcontext():
        await transport.open(receive)
    try:
        yield rig
    finally:
        await port.close()
