"""Scale: one host process driving N emulated EVSE modules at once, the emulator in another process.

    python bench/scale.py [--n 1,10,50,100,200] [--firmware V01_01_06,V02_00_01] [--charge-time 10]
                          [--profile N [--profile-side host|emulator]] [--close-in-thread]   (root)

Per N: two network namespaces joined by N veth pairs (``fvh<i>`` / ``fvm<i>``); in the module
namespace one process with N stations (an emulated EVSE module and a simulated car each,
bench/scale_sides.py emulator); in the host namespace one process running N ``run_evse``
coroutines (bench/scale_sides.py host), one session each. Printed per firmware and N: the host
reaction time to the module's requests pooled over all modules (p50 and p99 of the charge-loop
request: v1 "Request Charge Loop Parameters", 75 ms; v2 the 500 ms update rule, whose latency is
the gap between updates), missed deadlines of every request type, the host process's CPU seconds
and max RSS per session, wall time, and sessions that did not complete. ``--profile N`` also
writes a cProfile of one process (``--profile-side host|emulator``) for that N and prints its top
functions. ``--close-in-thread`` measures the proposed fix: both processes close their raw
sockets in a worker thread. The namespaces
are deleted at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from scale_support import batch_lines, cables, pool, up_lines

SIDES = str(Path(__file__).with_name("scale_sides.py"))
CHARGE_LOOP = {"V01": "Request Charge Loop Parameters"}  # v2: the update rule, see main()


def ip_batch(lines: list[str], namespace: str | None = None) -> None:
    command = ["ip", *(["-n", namespace] if namespace else []), "-batch", "-"]
    result = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True)
    if result.returncode != 0:
        raise OSError(f"ip -batch failed: {result.stderr.strip()}")


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # SIGTERM unwinds like Ctrl-C: the finally cleans up


@contextmanager
def namespaces(count: int) -> Iterator[tuple[str, str]]:
    """A host and a module namespace joined by ``count`` veth pairs; deleted afterwards (deleting a
    namespace deletes its veth ends), also on Ctrl-C and SIGTERM."""
    host_ns, module_ns = f"fvs-host-{os.getpid()}", f"fvs-module-{os.getpid()}"
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        for namespace in (host_ns, module_ns):
            subprocess.run(["ip", "netns", "add", namespace], check=True, capture_output=True)
        pairs = cables(count)
        ip_batch(batch_lines(host_ns, module_ns, pairs))
        ip_batch([*up_lines(pairs, True), "link set lo up"], host_ns)
        ip_batch([*up_lines(pairs, False), "link set lo up"], module_ns)
        yield host_ns, module_ns
    finally:
        for namespace in (host_ns, module_ns):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        signal.signal(signal.SIGTERM, previous)


def run_once(n: int, firmware: str, charge_time: float, tmp: Path, profile: Path | None,
             close_in_thread: bool, profile_side: str = "host") -> dict[str, Any]:
    emulator_out, host_out = tmp / f"emu-{firmware}-{n}.json", tmp / f"host-{firmware}-{n}.json"
    with namespaces(n) as (host_ns, module_ns):
        emulator = subprocess.Popen(
            ["ip", "netns", "exec", module_ns, sys.executable, SIDES, "emulator", "--n", str(n),
             "--firmware", firmware, "--charge-time", f"{charge_time:g}", "--out", str(emulator_out),
             *(["--close-in-thread"] if close_in_thread else []),
             *(["--profile", str(profile)] if profile is not None and profile_side == "emulator" else [])],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        try:
            assert emulator.stdout is not None
            if emulator.stdout.readline().strip() != "ready":
                raise SystemExit("the emulator side did not start")
            host_command = ["ip", "netns", "exec", host_ns, sys.executable, SIDES, "host", "--n", str(n),
                            "--out", str(host_out)]
            if profile is not None and profile_side == "host":
                host_command += ["--profile", str(profile)]
            if close_in_thread:
                host_command.append("--close-in-thread")
            subprocess.run(host_command, check=True, stdin=subprocess.DEVNULL, timeout=600)
        finally:
            emulator.send_signal(signal.SIGTERM)
            try:
                emulator.wait(timeout=30)
            except subprocess.TimeoutExpired:
                emulator.kill()
                emulator.wait()
    host = json.loads(host_out.read_text())
    emulated = json.loads(emulator_out.read_text())
    return {"host": host, "pooled": pool(emulated["stations"]), "ended": emulated["ended"],
            "emulator_cpu": emulated["cpu"], "emulator_lag_ms": emulated["loop_lag_ms"],
            "miss_times": sorted(miss["at"] for station in emulated["stations"]
                                 for module in station["report"].values() for miss in module["missed"]),
            "car_ends": [station["car_end"] for station in emulated["stations"]]}


def loop_request(firmware: str, pooled: dict[str, Any]) -> str:
    if firmware.startswith("V01"):
        return CHARGE_LOOP["V01"]
    rules = [name for name in pooled if "update" in name.lower() or "rule" in name.lower()]
    return rules[0] if rules else ""


def print_run(firmware: str, n: int, run: dict[str, Any]) -> None:
    host, pooled = run["host"], run["pooled"]
    failed = [r for r in host["results"] if r["exit"] != 0]
    loop = pooled.get(loop_request(firmware, pooled))
    missed = sum(figures["missed"] for figures in pooled.values())
    loop_text = (f"loop n={loop['count']:<6} p50 {loop['p50']:7.2f} ms p99 {loop['p99']:7.2f} ms"
                 f" max {loop['max']:8.2f} ms" if loop else "loop: none measured")
    grown = (host['max_rss_kb'] - host['rss_before_kb']) / 1024
    print(f"{firmware} N={n:<4} {loop_text}  missed {missed:<4} CPU {host['cpu'] / n:6.3f} s/session"
          f"  RSS {host['max_rss_kb'] / 1024:6.1f} MiB (+{grown / n:5.2f}/session)"
          f"  wall {host['wall']:6.1f} s  failed {len(failed)}", flush=True)
    lag_host, lag_emulator = host["loop_lag_ms"], run["emulator_lag_ms"]
    print(f"    event-loop lag of a 10 ms timer, p99/max ms:"
          f" host {lag_host['p99']:.1f}/{lag_host['max']:.1f},"
          f" emulator {lag_emulator['p99']:.1f}/{lag_emulator['max']:.1f};"
          f" emulator CPU {run['emulator_cpu']:.1f} s; full GCs host {lag_host.get('gc_full', 0)}"
          f" (max {lag_host.get('gc_full_max', 0):.1f} ms), emulator {lag_emulator.get('gc_full', 0)}"
          f" (max {lag_emulator.get('gc_full_max', 0):.1f} ms)")
    if run["miss_times"]:
        times = run["miss_times"]
        print(f"    misses between {times[0]:.3f} s and {times[-1]:.3f} s (module clock)")
    for request, figures in pooled.items():
        if figures["missed"]:
            print(f"    missed {figures['missed']} x {request} (n={figures['count']},"
                  f" p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms)")
    for result in failed[:3]:
        print(f"    failed session {result.get('index')}: {result.get('end')} {result.get('error')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="1,10,50,100,200", help="comma-separated module counts")
    parser.add_argument("--firmware", default="V01_01_06,V02_00_01", help="comma-separated EVSE firmware")
    parser.add_argument("--charge-time", type=float, default=10.0, help="s of charge loop per session")
    parser.add_argument("--profile", type=int, help="cProfile one process at this N")
    parser.add_argument("--profile-side", choices=("host", "emulator"), default="host")
    parser.add_argument("--json", help="write every run's figures here")
    parser.add_argument("--close-in-thread", action="store_true",
                        help="both processes close their raw sockets in a worker thread (proposed fix)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root (network namespaces, raw sockets)")
    counts = [int(text) for text in args.n.split(",")]
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"command: python bench/scale.py --n {args.n} --firmware {args.firmware}"
          f" --charge-time {args.charge_time:g}"
          + (f" --profile {args.profile} --profile-side {args.profile_side}" if args.profile else "")
          + (" --close-in-thread" if args.close_in_thread else ""))
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for firmware in args.firmware.split(","):
            for n in counts:
                profile = Path(tmp) / f"host-{firmware}-{n}.prof" if n == args.profile else None
                started = time.perf_counter()
                run = run_once(n, firmware, args.charge_time, Path(tmp), profile, args.close_in_thread,
                               args.profile_side)
                run["total_wall"] = time.perf_counter() - started
                runs[f"{firmware}/{n}"] = run
                print_run(firmware, n, run)
                if profile is not None:
                    print(f"    {args.profile_side} process profile, N={n}, top by own time:")
                    pstats.Stats(str(profile)).sort_stats("tottime").print_stats(15)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; namespaces removed", file=sys.stderr)
        sys.exit(130)
