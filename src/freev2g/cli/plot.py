"""``freev2g plot FILE.jsonl -o FILE.png``: voltage, current, power and SOC of a session log over
time, with the phases (cable check, pre-charge, charge loop, welding detection) marked. Needs
the optional extra ``plot`` (matplotlib); without it the command says how to install it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from freev2g.cli.common import CliError
from freev2g.sessionlog import LogError, read_log
from freev2g.sessionlog.plotting import PlotUnavailable, plot


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "plot", help="plot voltage, current, power and SOC of a session log",
        description="Plot a session log (--log FILE.jsonl) over time with the session phases marked."
        " Needs matplotlib: pip install 'freev2g[plot]'.")
    parser.add_argument("log", metavar="FILE.jsonl", help="a session log written with --log")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png",
                        help="the image to write (the suffix picks the format: png, svg, pdf)")
    parser.add_argument("--title", help="the figure's title (default: the log's file name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        contents = read_log(args.log)
    except LogError as exc:
        raise CliError(str(exc)) from None
    for warning in contents.warnings:
        print(f"freev2g plot: warning: {warning}", file=sys.stderr)
    try:
        plot(contents, args.output, title=args.title)
    except PlotUnavailable as exc:
        raise CliError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise CliError(f"{args.output}: {exc}") from None
    print(f"{args.output}: written")
    return 0
