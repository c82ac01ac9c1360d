"""``freev2g demo``: a whole charging session with nothing but this package (issue 5 item 8).

An emulated EVSE module and an emulated EV module share one emulated cable; our EVSE application
and our EV application drive them over in-memory links, all in this process. Both consoles are
shown, each line prefixed with its role, then a summary: protocol, energy, duration, SOC, peak
power, and how fast each host answered its module against the deadlines.

``--speed X`` makes the battery charge X times faster than real time so that a session fits in
seconds; the protocol itself (its messages, the hosts' deadlines) runs in real time.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from freev2g.apps.dashboard import DashboardUnavailable, require_rich
from freev2g.apps.demo import DemoOptions, print_summary, run_demo
from freev2g.cli.common import CliError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "demo", help="a whole session between our EVSE and EV applications on emulated modules",
        description="Our EVSE and EV applications charge against each other on emulated modules.")
    parser.add_argument("--protocol", choices=("din", "iso2"), default="iso2", help="default iso2")
    parser.add_argument("--mode", choices=("dc", "ac"), default="dc", help="default dc")
    parser.add_argument("--generation", choices=("v1", "v2"), default="v2",
                        help="HCI API generation of both modules (default v2)")
    parser.add_argument("--speed", type=float, default=DemoOptions.speed,
                        help=f"battery time runs this much faster (default {DemoOptions.speed:g})")
    parser.add_argument("--pcap", metavar="FILE", help="capture both hosts' HCI traffic")
    parser.add_argument("--log", metavar="FILE.jsonl", help="session log: every frame and session event"
                        " of both hosts, one JSON object per line (read by freev2g report and plot)")
    parser.add_argument("--dashboard", action="store_true",
                        help="a live view of both sessions (needs rich: pip install 'freev2g[dashboard]')")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.protocol == "din" and args.mode == "ac":
        raise CliError("DIN SPEC 70121 has no AC charging: use --mode dc, or --protocol iso2")
    if not 0 < args.speed <= 1000:
        raise CliError(f"--speed {args.speed:g}: use a factor above 0 and at most 1000")
    if args.log:
        try:
            Path(args.log).open("w").close()  # a bad path fails now, in one line, not after the session
        except OSError as exc:
            raise CliError(f"--log {args.log}: {exc.strerror or exc}") from None
    options = DemoOptions(protocol=args.protocol, mode=args.mode, generation=args.generation,
                          speed=args.speed, pcap=args.pcap, log=args.log, dashboard=args.dashboard)
    if args.dashboard:
        try:
            require_rich()
        except DashboardUnavailable as exc:
            raise CliError(str(exc), exc.status) from None
    summary = asyncio.run(run_demo(options))
    print_summary(summary)
    return 0 if summary.ok else 1
