"""The demo's wall time and the CPU it uses per charge-loop iteration.

    python bench/demo_cost.py [--runs 3] [--generation v1,v2]

Runs ``freev2g.apps.demo.run_demo(DemoOptions(echo=False))`` in this process (both applications,
both emulated modules, the emulated cable) and measures wall time and CPU (getrusage of this
process, both sides together). Charge-loop iterations are counted from the emulated EVSE
module's report: v1, its "Request Charge Loop Parameters" requests (one per DIN/ISO
CurrentDemand); v2, the host's "Update DC Charging Parameters" messages (the host's loop).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import statistics
import time
from typing import Any

from freev2g.apps.demo import DemoOptions, run_demo

LOOP_REQUEST = {"v1": "Request Charge Loop Parameters", "v2": "Update DC Charging Parameters"}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def loop_count(report: dict[str, Any], generation: str) -> int:
    """Charge-loop iterations: the EVSE module's count of its loop request (see the docstring)."""
    return sum(module["reactions"].get(LOOP_REQUEST[generation], {}).get("count", 0)
               for name, module in report.items() if name.upper().startswith("EVSE"))


def measure(generation: str) -> tuple[float, float, int, bool]:
    cpu, started = cpu_seconds(), time.perf_counter()
    summary = asyncio.run(run_demo(DemoOptions(generation=generation, echo=False)))
    wall, used = time.perf_counter() - started, cpu_seconds() - cpu
    return wall, used, loop_count(summary.module_report, generation), summary.ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generation", default="v1,v2", help="comma-separated: v1, v2")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"command: python bench/demo_cost.py --runs {args.runs} --generation {args.generation}")
    for generation in args.generation.split(","):
        runs = [measure(generation) for _ in range(args.runs)]
        if not all(ok for *_, ok in runs):
            raise SystemExit(f"a {generation} demo did not complete")
        walls, cpus, loops = ([run[i] for run in runs] for i in range(3))
        per_loop = [cpu / loop * 1000 for cpu, loop in zip(cpus, loops, strict=True) if loop]
        print(f"demo {generation} (ISO 15118-2 DC, speed x40): wall {statistics.median(walls):.2f} s,"
              f" CPU {statistics.median(cpus):.2f} s, charge-loop iterations {statistics.median(loops):.0f},"
              f" CPU {statistics.median(per_loop):.2f} ms per iteration (whole run / iterations;"
              f" median of {args.runs})")


if __name__ == "__main__":
    main()
