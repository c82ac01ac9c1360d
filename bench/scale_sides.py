"""The two processes of the scale benchmark (started by bench/scale.py, each in its namespace).

    python bench/scale_sides.py emulator --n N --firmware FW --charge-time S --out FILE
    python bench/scale_sides.py host --n N --out FILE [--profile FILE]

``emulator``: N stations (one cable each), an emulated EVSE module on ``fvm<i>`` and a simulated
car; prints ``ready`` once every socket is open and, on SIGTERM (sent once the host process has
finished), writes each station's ``report()`` with its raw latencies.

``host``: N ``run_evse`` coroutines in this one process, each on ``fvh<i>`` to its module's MAC,
authorization always, one session, console echo off; writes its exit statuses, CPU seconds and
max RSS (getrusage), the event-loop lag, optionally a cProfile of the whole run.
``--close-in-thread`` (both sides) closes the raw sockets in a worker thread: the product change
the benchmark proposes (see :func:`offload_socket_close`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import json
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from freev2g.apps.console import Console
from freev2g.apps.evse import run_evse
from freev2g.config.evse_schema import EvseSettings
from freev2g.emulator.peers.car import CarConfig
from freev2g.emulator.station import QUICK_PLC, EmulatedStation
from freev2g.transport import EthernetTransport, TransportError
from scale_support import cables


class LagMonitor:
    """How late this process's event loop runs a 10 ms timer: a busy loop delays every reaction."""

    PERIOD = 0.01

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.task = asyncio.create_task(self._run())
        self.gc_pauses: list[float] = []  # ms per full (generation 2) collection
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_pauses.append((time.perf_counter() - self._gc_started) * 1000)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.PERIOD
            await asyncio.sleep(self.PERIOD)
            self.lags.append((loop.time() - due) * 1000)

    def figures(self) -> dict[str, float]:
        self.task.cancel()
        gc.callbacks.remove(self._on_gc)
        ordered = sorted(self.lags) or [0.0]
        return {"p50": ordered[len(ordered) // 2], "p99": ordered[int(len(ordered) * 0.99)],
                "max": ordered[-1], "over_50ms": sum(1 for lag in ordered if lag > 50),
                "gc_full": len(self.gc_pauses), "gc_full_max": max(self.gc_pauses, default=0.0)}


def offload_socket_close() -> None:
    """The change this benchmark proposes for EthernetTransport._close: close the AF_PACKET socket
    in a worker thread. Closing a bound packet socket blocks 8-20 ms in the kernel (it waits for
    an RCU grace period), and on the event loop that stalls every other session's reactions."""

    async def close_in_thread(self: EthernetTransport) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        loop = asyncio.get_running_loop()
        loop.remove_reader(sock.fileno())
        loop.remove_writer(sock.fileno())
        waiter = self._write_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(TransportError(f"{self.description}: closed while sending"))
        await loop.run_in_executor(None, sock.close)

    EthernetTransport._close = close_in_thread  # type: ignore[method-assign]


def station_figures(station: EmulatedStation) -> dict[str, Any]:
    (side,) = station.sides
    latencies: dict[str, list[float]] = {}
    for reaction in side.module.deadlines.reactions:
        if reaction.latency is not None:
            latencies.setdefault(reaction.request, []).append(reaction.latency * 1000)
    return {"report": station.report(), "latencies": latencies,
            "missed": [miss.request for miss in side.module.deadlines.misses],
            "car_end": None if station.car is None or station.car.end is None
            else f"{station.car.end.kind.value} {station.car.end.reason}".strip()}


async def emulator_side(args: argparse.Namespace) -> None:
    stations: list[EmulatedStation] = []
    ended: set[int] = set()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    lag: LagMonitor | None = None
    before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        for cable in cables(args.n):
            station = EmulatedStation(plc_config=QUICK_PLC)
            await station.add_module(args.firmware, EthernetTransport(cable.module_if, None))
            station.add_car(CarConfig(charge_time=args.charge_time, plug_in_delay=args.plug_in_delay))
            station.world.network.on_closed.append(functools.partial(ended.add, cable.index))
            stations.append(station)
        print("ready", flush=True)
        lag = LagMonitor()
        await stop.wait()  # scale.py stops this side once the host process has finished
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        Path(args.out).write_text(json.dumps({
            "ended": len(ended), "stations": [station_figures(s) for s in stations],
            "cpu": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime,
            "loop_lag_ms": lag.figures() if lag is not None else None}))
        for station in stations:
            await station.close()


async def host_side(args: argparse.Namespace) -> dict[str, Any]:
    async def one(index: int, host_if: str, module_mac: str) -> dict[str, Any]:
        settings = EvseSettings.model_validate({"authorization": "always", "sessions": 1,
                                                "interface": host_if, "mac": module_mac})
        result = await run_evse(EthernetTransport(host_if, module_mac), settings, Console(echo=False))
        session = result.sessions[0] if result.sessions else None
        return {"index": index, "exit": result.exit_status, "error": result.error,
                "end": session.end if session is not None else None}

    before = resource.getrusage(resource.RUSAGE_SELF)  # the imports are not the sessions' cost
    started = time.perf_counter()
    lag = LagMonitor()
    results = await asyncio.gather(*(one(c.index, c.host_if, c.module_mac) for c in cables(args.n)),
                                   return_exceptions=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime,
            "user": usage.ru_utime - before.ru_utime, "system": usage.ru_stime - before.ru_stime,
            "max_rss_kb": usage.ru_maxrss, "rss_before_kb": before.ru_maxrss, "loop_lag_ms": lag.figures(),
            "results": [r if isinstance(r, dict) else {"exit": -1, "error": repr(r)} for r in results]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=("emulator", "host"))
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--firmware", default="V01_01_06")
    parser.add_argument("--charge-time", type=float, default=10.0)
    parser.add_argument("--plug-in-delay", type=float, default=1.0)
    parser.add_argument("--profile", help="write a cProfile of this side here")
    parser.add_argument("--close-in-thread", action="store_true",
                        help="close the raw sockets in a worker thread (the proposed product change)")
    args = parser.parse_args()
    if args.close_in_thread:
        offload_socket_close()
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    if args.side == "emulator":
        asyncio.run(emulator_side(args))
    else:
        figures = asyncio.run(host_side(args))
        Path(args.out).write_text(json.dumps(figures))
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)

if __name__ == "__main__":
    main()
