"""``freev2g report FILE.jsonl``: the summary table of a session log (``--log`` of ``evse``,
``ev``, ``demo``): protocol, energy, duration, SOC, peak power, the phases, the hosts' reaction
times against their deadlines, and the errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from freev2g.cli.common import CliError
from freev2g.sessionlog import LogError, read_log
from freev2g.sessionlog.analysis import figures
from freev2g.sessionlog.table import figures_json, report_lines


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report", help="summary table of a session log (--log FILE.jsonl)",
        description="Summarise a session log: protocol, energy, duration, SOC, peak power, phases,"
        " reaction times against deadlines, errors.")
    parser.add_argument("log", metavar="FILE.jsonl", help="a session log written with --log")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        contents = read_log(args.log)
    except LogError as exc:
        raise CliError(str(exc)) from None
    for warning in contents.warnings:
        print(f"freev2g report: warning: {warning}", file=sys.stderr)
    result = figures(contents)
    if args.json:
        print(json.dumps(figures_json(result), ensure_ascii=False))
    else:
        for line in report_lines(result):
            print(line)
    return 0
