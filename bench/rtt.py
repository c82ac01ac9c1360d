"""Ping round trip of the client and CPU used while idle-waiting for a status message.

    python bench/rtt.py [--pings 2000] [--idle 5]            (the veth part needs root)

1. In memory: the client and an emulated module in one process, over a MemoryLink.
2. Over a veth pair between two network namespaces: the client in this process, a minimal
   responder (an emulated module answering pings) in another process, raw Ethernet on both.
3. Idle: the client waits ``--idle`` seconds for a status message that never comes; the CPU
   time this process uses meanwhile shows that nothing polls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time

from freev2g.client import Whitebeet
from freev2g.emulator.clock import LoopClock
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.port import TransportPort
from freev2g.emulator.profiles import profile
from freev2g.emulator.services.system import SystemService
from freev2g.hci.catalog import cp, framing
from freev2g.netns import inside, veth_pair
from freev2g.transport import EthernetTransport, MemoryLink, Transport


async def start_module(transport: Transport) -> TransportPort:
    port = TransportPort(transport)
    module = EmulatedModule(profile("V02_00_01"), LoopClock(), port.send)
    module.add(SystemService(module))
    await port.start(module)
    return port


async def measure(wb: Whitebeet, pings: int) -> list[float]:
    rtts = []
    for index in range(pings):
        start = time.perf_counter()
        await wb.request(framing.Ping(data=index.to_bytes(4, "big")))
        rtts.append(time.perf_counter() - start)
    return rtts


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def idle(wb: Whitebeet, seconds: float) -> float:
    with wb.statuses(cp.StateChanged) as states:
        before = cpu_seconds()
        with contextlib.suppress(TimeoutError):
            await states.get(timeout=seconds)
        return cpu_seconds() - before


def report(label: str, rtts: list[float]) -> None:
    ms = sorted(r * 1000 for r in rtts)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:<28} p50 {statistics.median(ms):7.3f} ms   p99 {p99:7.3f} ms   max {ms[-1]:7.3f} ms"
          f"   ({len(ms)} pings)")


async def in_memory(pings: int, idle_seconds: float) -> None:
    host_end, module_end = MemoryLink.pair()
    port = await start_module(module_end)
    async with Whitebeet(host_end) as wb:
        report("in memory", await measure(wb, pings))
        used = await idle(wb, idle_seconds)
        print(f"{'idle wait, in memory':<28} {used * 1000:.1f} ms CPU in {idle_seconds:g} s")
    await port.close()


async def over_veth(pings: int, idle_seconds: float) -> None:
    with veth_pair() as pair:
        responder = subprocess.Popen(
            ["ip", "netns", "exec", pair.module_ns, sys.executable, __file__, "--responder", pair.module_if],
            stdout=subprocess.PIPE, text=True)
        try:
            assert responder.stdout is not None
            if responder.stdout.readline().strip() != "ready":
                raise SystemExit("the responder did not start")
            wb = Whitebeet(EthernetTransport(pair.host_if, pair.module_mac))
            with inside(pair.host_ns):
                await wb.open()
            async with wb:
                report("veth, responder process", await measure(wb, pings))
                used = await idle(wb, idle_seconds)
                print(f"{'idle wait, veth':<28} {used * 1000:.1f} ms CPU in {idle_seconds:g} s")
        finally:
            responder.send_signal(signal.SIGTERM)
            responder.wait(timeout=5)


async def respond(interface: str) -> None:
    port = await start_module(EthernetTransport(interface, None))
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await port.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pings", type=int, default=2000)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idle waiting to measure")
    parser.add_argument("--responder", metavar="INTERFACE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.responder:
        asyncio.run(respond(args.responder))
        return
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"command: python bench/rtt.py --pings {args.pings} --idle {args.idle:g}")
    asyncio.run(in_memory(args.pings, args.idle))
    if os.geteuid() == 0:
        asyncio.run(over_veth(args.pings, args.idle))
    else:
        print("veth: skipped (needs root for network namespaces and raw sockets)")


if __name__ == "__main__":
    main()
