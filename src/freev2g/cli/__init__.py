"""``freev2g`` command line: one subcommand per module of this package.

Every failure ends in one line on stderr and a non-zero exit status (2 for usage, input and
configuration errors), never a traceback; set FREEV2G_DEBUG=1 to see the traceback of an
internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from freev2g import __version__
from freev2g.cli import decode, demo, doctor, emulate, ev, evse, plot, report, wireshark
from freev2g.cli.common import CliError

COMMANDS = (demo, decode, emulate, ev, evse, doctor, wireshark, report, plot)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="freev2g", description="Host software for WHITE beet ISO 15118 modules.")
    parser.add_argument("--version", action="version", version=f"freev2g {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except CliError as exc:
        print(f"freev2g: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("freev2g: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        if os.environ.get("FREEV2G_DEBUG"):
            raise
        print(f"freev2g: internal error: {type(exc).__name__}: {exc} (FREEV2G_DEBUG=1 shows the traceback;"
              " please report it)", file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """After a closed pipe (``freev2g decode x.pcap | head``) exit quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
