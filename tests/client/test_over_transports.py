"""The client against the emulated module over real transports: memory pair and a veth pair
between two network namespaces (root; under CI these must run)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path

import pytest

from freev2g.client import NoReply, Whitebeet
from freev2g.emulator.clock import LoopClock
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.port import TransportPort
from freev2g.emulator.profiles import profile
from freev2g.emulator.services.system import SystemService
from freev2g.hci.catalog import cp, framing, system
from freev2g.hci.modules import Generation
from freev2g.netns import VethPair, inside
from freev2g.transport import EthernetTransport, MemoryLink, Transport


@asynccontextmanager
async def module_on(transport: Transport, firmware: str, namespace: str | None = None
                    ) -> AsyncIterator[EmulatedModule]:
    port = TransportPort(transport)
    module = EmulatedModule(profile(firmware), LoopClock(), port.send)
    module.add(SystemService(module))
    with inside(namespace) if namespace else nullcontext():
        await port.start(module)
    try:
        yield module
    finally:
        await port.close()


async def exercise(wb: Whitebeet, module: EmulatedModule, generation: Generation) -> None:
    assert wb.generation is generation
    answers = await asyncio.gather(*(wb.request(framing.Ping(data=bytes([i]) * i)) for i in range(60)))
    assert [a.data for a in answers] == [bytes([i]) * i for i in range(60)]
    with wb.statuses(cp.StateChanged) as states:
        for state in (cp.ControlPilotState.A, cp.ControlPilotState.B, cp.ControlPilotState.C):
            module.emit(cp.StateChanged(state=state))
        assert [(await states.get(timeout=2)).state for _ in range(3)] == [0, 1, 2]
    uptime = await wb.request(system.GetUptime())
    assert isinstance(uptime, system.GetUptime.Response)


@pytest.mark.parametrize(("firmware", "generation"), [("V01_01_06", Generation.V1), ("V02_00_01", Generation.V2)])
async def test_client_and_emulated_module_in_memory(firmware: str, generation: Generation) -> None:
    host_end, module_end = MemoryLink.pair(chunk_size=7)
    async with module_on(module_end, firmware) as module, Whitebeet(host_end) as wb:
        await exercise(wb, module, generation)


@pytest.mark.root
async def test_client_and_emulated_module_over_veth(veth: VethPair) -> None:
    module_side = EthernetTransport(veth.module_if, None)
    host_side = EthernetTransport(veth.host_if, veth.module_mac)
    async with module_on(module_side, "V02_00_01", veth.module_ns) as module:
        wb = Whitebeet(host_side)
        with inside(veth.host_ns):
            await wb.open()
        async with wb:
            await exercise(wb, module, Generation.V2)
        assert wb.stats.local_framing_faults == 0 and wb.stats.timeouts == 0


@pytest.mark.root
async def test_no_module_on_the_wire_gives_the_diagnosis(veth: VethPair) -> None:
    host_side = EthernetTransport(veth.host_if, veth.module_mac)
    wb = Whitebeet(host_side)
    with inside(veth.host_ns):
        await wb.open()
    with pytest.raises(NoReply, match=r"no HCI reply from hci-host .* within 0.2 s: check the cable, the module's"
                       r" Ethernet MAC \(the label's MAC minus 2\) and that the module is in Ethernet HCI mode"):
        await wb.connect(timeout=0.2)
    await wb.close()


async def test_a_capture_of_a_client_session_decodes_with_freev2g_decode(tmp_path: Path) -> None:
    path = tmp_path / "session.pcap"
    host_end, module_end = MemoryLink.pair(capture=str(path))
    async with module_on(module_end, "V02_00_01") as module, Whitebeet(host_end) as wb:
        with wb.statuses() as statuses:
            module.emit(cp.StateChanged(state=cp.ControlPilotState.B))
            await statuses.get(timeout=2)
        await wb.request(system.GetUptime())
    await host_end.close()
    result = subprocess.run([sys.executable, "-m", "freev2g", "decode", "--json", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    messages = [(r["direction"], r["message"]) for r in map(json.loads, result.stdout.splitlines())]
    assert messages == [
        ("host", "Ping"), ("module", "Ping response"),
        ("host", "Get Firmware Version"), ("module", "Get Firmware Version response"),
        ("module", "State Changed"),
        ("host", "Get Uptime"), ("module", "Get Uptime response"),
    ]
