"""Host reaction time of our EVSE application to v1 charge-loop requests, over a veth pair.

    python bench/reaction.py [--sessions 3] [--charge-time 10] [--firmware V01_01_06]   (root)

The emulator (``freev2g emulate --role evse``, a simulated car) runs in another process in the
module namespace; ``freev2g evse --authorize always`` runs as a process in the host namespace,
raw Ethernet on both ends. The emulated module measures, per request it sends, the time until
the host's answer arrives and counts the misses of the host deadline: a v1 "Request Charge Loop
Parameters" must be answered within 75 ms (v1-api §1.7; hci-reference §5.10). Printed: the
charge-loop figures from the emulator's report, every other request type below them, and the
CPU the host application used per charge-loop request (its rusage).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from freev2g.netns import VethPair, veth_pair

CHARGE_LOOP = "Request Charge Loop Parameters"
LIMIT = 600.0  # s for the whole run; a hang fails the benchmark


def wait_with_usage(process: subprocess.Popen[str], timeout: float) -> resource.struct_rusage:
    """Wait for ``process`` and return its resource usage (``ip netns exec`` execs the program)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"the host application did not finish within {timeout:g} s")


def run(pair: VethPair, args: argparse.Namespace, report_path: Path) -> tuple[dict[str, Any], float, int]:
    emulator = subprocess.Popen(
        ["ip", "netns", "exec", pair.module_ns, sys.executable, "-m", "freev2g", "emulate", "--role", "evse",
         "--firmware", args.firmware, "-i", pair.module_if, "--sessions", str(args.sessions),
         "--report", str(report_path), "--charge-time", f"{args.charge_time:g}", "--plug-in-delay", "0.5"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # the emulator opens its socket
        host = subprocess.Popen(
            ["ip", "netns", "exec", pair.host_ns, sys.executable, "-m", "freev2g", "evse", "-i", pair.host_if,
             "-m", pair.module_mac, "--authorize", "always", "--sessions", str(args.sessions)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        usage = wait_with_usage(host, LIMIT)
        emulator.wait(timeout=30)
    finally:
        if emulator.poll() is None:
            emulator.send_signal(signal.SIGINT)
            emulator.wait(timeout=10)
    if host.returncode != 0 or emulator.returncode != 0:
        err = "".join(process.stderr.read() for process in (host, emulator) if process.stderr is not None)
        raise SystemExit(f"host exit {host.returncode}, emulator exit {emulator.returncode}: {err[-2000:]}")
    return json.loads(report_path.read_text()), usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--charge-time", type=float, default=10.0, help="s of charge loop per session")
    parser.add_argument("--firmware", default="V01_01_06", help="a v1 EVSE firmware profile")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root (network namespaces, raw sockets)")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"command: python bench/reaction.py --sessions {args.sessions} --charge-time {args.charge_time:g}"
          f" --firmware {args.firmware}")
    with veth_pair() as pair, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report, cpu, max_rss_kb = run(pair, args, Path(tmp) / "report.json")
        wall = time.perf_counter() - started
    (module,) = report["modules"].values()
    reactions, missed = module["reactions"], module["missed"]
    loop = reactions.get(CHARGE_LOOP)
    if loop is None:
        raise SystemExit(f"no charge-loop request measured: {sorted(reactions)}")
    print(f"sessions {report['sessions']}, wall {wall:.1f} s, timing {module['timing']['mode']}")
    loop_missed = sum(1 for miss in missed if miss["request"] == CHARGE_LOOP)
    print(f"{CHARGE_LOOP} (deadline 75 ms): n={loop['count']}  p50 {loop['p50']:.3f} ms  "
          f"p99 {loop['p99']:.3f} ms  max {loop['max']:.3f} ms  missed {loop_missed}")
    for request, figures in reactions.items():
        if request != CHARGE_LOOP:
            print(f"  {request:<40} n={figures['count']:<4} p50 {figures['p50']:8.3f} ms"
                  f"  p99 {figures['p99']:8.3f} ms  max {figures['max']:8.3f} ms")
    print(f"missed deadlines, all requests: {len(missed)}")
    print(f"host application: {cpu:.2f} s CPU in all ({cpu / loop['count'] * 1000:.2f} ms per charge-loop"
          f" request, start-up included), max RSS {max_rss_kb / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
