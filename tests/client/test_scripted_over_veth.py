"""The scripted-module client tests again, with the module behind a real veth pair between two
network namespaces (raw Ethernet on both ends; root, and never skipped under CI)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from freev2g.client import CommandRejected, CommandTimeout, ModuleFramingError, Whitebeet
from freev2g.hci.catalog import cp, system
from freev2g.hci.frame import Frame
from freev2g.hci.parser import FrameParser
from freev2g.netns import VethPair, inside
from freev2g.transport import EthernetTransport
from tests.client.fake_module import echo_pings, reply

pytestmark = pytest.mark.root
Handler = Callable[[Frame], list[bytes] | None]


@asynccontextmanager
async def scripted(veth: VethPair, handler: Handler) -> AsyncIterator[tuple[Whitebeet, EthernetTransport]]:
    """A client on the host namespace and a scripted module on the module namespace."""
    module_side = EthernetTransport(veth.module_if, None)
    parser = FrameParser()

    def on_data(data: bytes) -> None:
        for event in parser.feed(data):
            if isinstance(event, Frame):
                for answer in handler(event) or []:
                    asyncio.get_running_loop().create_task(module_side.send(answer))

    with inside(veth.module_ns):
        await module_side.open(on_data)
    wb = Whitebeet(EthernetTransport(veth.host_if, veth.module_mac))
    with inside(veth.host_ns):
        await wb.open()
    try:
        yield wb, module_side
    finally:
        await wb.close()
        await module_side.close()


async def test_busy_retry_and_rejection_over_veth(veth: VethPair) -> None:
    calls = 0

    def module(frame: Frame) -> list[bytes] | None:
        nonlocal calls
        if frame.module_id == 0x10:
            calls += 1
            if calls <= 2:
                return [reply(frame, b"\x01")]
            return [system.GetUptime.Response(uptime=5).to_frame(frame.request_id).encode()]
        if frame.module_id == 0x29:
            return [reply(frame, b"\x05")]
        return echo_pings(frame)

    async with scripted(veth, module) as (wb, _):
        assert await wb.request(system.GetUptime()) == system.GetUptime.Response(uptime=5)
        assert wb.stats.busy_retries == 2
        with pytest.raises(CommandRejected, match="Start rejected: 0x05 unexpected message"):
            await wb.request(cp.Start())


async def test_timeout_over_veth(veth: VethPair) -> None:
    async with scripted(veth, lambda frame: None) as (wb, _):
        with pytest.raises(CommandTimeout, match=r"Get Uptime: no response within 0\.1 s"):
            await wb.request(system.GetUptime(), timeout=0.1)


async def test_framing_error_and_garbage_resynchronise_over_veth(veth: VethPair) -> None:
    first = True

    def module(frame: Frame) -> list[bytes] | None:
        nonlocal first
        if frame.module_id == 0x10:
            if first:
                first = False
                return [Frame(0xFF, 0xF2, frame.request_id, b"").encode()]
            return [system.GetUptime.Response(uptime=1).to_frame(frame.request_id).encode()]
        return echo_pings(frame)

    async with scripted(veth, module) as (wb, module_side):
        with pytest.raises(ModuleFramingError, match="Checksum Error"):
            await wb.request(system.GetUptime())
        assert await wb.request(system.GetUptime()) == system.GetUptime.Response(uptime=1)
        assert wb.stats.resynchronisations == 1
        await module_side.send(b"\x13\x37 line noise")
        with wb.statuses(cp.StateChanged) as states:
            await module_side.send(cp.StateChanged(state=cp.ControlPilotState.C).to_frame().encode())
            assert (await states.get(timeout=2)).state == cp.ControlPilotState.C
        assert wb.stats.local_framing_faults == 1
        assert await wb.request(system.GetUptime()) == system.GetUptime.Response(uptime=1)
        assert wb.stats.resynchronisations == 2
