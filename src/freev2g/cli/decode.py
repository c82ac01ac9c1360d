"""``freev2g decode``: HCI frames from hex arguments, stdin or a pcap/pcapng capture, made readable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from freev2g.cli.common import CliError, generation
from freev2g.hci.ethernet import format_mac, parse_mac
from freev2g.hci.modules import Direction
from freev2g.inspection import CaptureSummary, DecodedFrame, InputError, decode_capture, decode_hex_items
from freev2g.pcap import CaptureError, read_packets

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "decode", help="decode HCI frames (hex or pcap/pcapng) into messages",
        description="Decode HCI frames given as hex (one frame per argument, or one per line on stdin;"
        " with or without the Ethernet and control headers) or read from a pcap or pcapng capture.")
    parser.add_argument("inputs", nargs="*", metavar="FRAME|FILE",
                        help="hex frames, or one capture file; none: read hex lines from stdin")
    parser.add_argument("--generation", type=generation, default="v2", metavar="v1|v2",
                        help="HCI API generation (default v2, manual 2.14; v1 is manual 2.11)")
    parser.add_argument("--from", dest="origin", choices=("host", "module"),
                        help="hex input: who sent the frames (default: status Sub-IDs are from the"
                        " module, the rest are host commands)")
    parser.add_argument("--module-mac", action="append", default=[], metavar="MAC",
                        help="capture: the module's MAC (repeatable; default: the MAC that sends"
                        " status messages)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        module_macs = {format_mac(parse_mac(mac)) for mac in args.module_mac}
    except ValueError as exc:
        raise CliError(f"--module-mac: {exc}") from None
    first = args.inputs[0] if len(args.inputs) == 1 else ""
    capture = bool(first) and (first.endswith(CAPTURE_SUFFIXES) or Path(first).is_file())
    summary = CaptureSummary()
    if capture:
        if args.origin:
            raise CliError("--from applies to hex input; in a capture the MAC addresses tell the direction")
        records = decode_capture(_packets(args.inputs[0]), args.generation, module_macs, summary)
    else:
        direction = Direction(args.origin) if args.origin else None
        records = decode_hex_items(_hex_items(args.inputs), args.generation, direction, module_macs)
    errors = _print(records, args.json)
    if capture:
        _report(args.inputs[0], summary)
    if errors:
        print(f"freev2g decode: {errors} bad frame(s)", file=sys.stderr)
        return 2
    return 0


def _packets(path: str) -> Iterator[Any]:
    try:
        yield from read_packets(path)
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (CaptureError, OSError) as exc:
        raise CliError(str(exc)) from None


def _hex_items(inputs: list[str]) -> Iterator[tuple[str, str]]:
    if inputs:
        yield from ((f"argument {number}", text) for number, text in enumerate(inputs, start=1))
        return
    if sys.stdin is None or sys.stdin.isatty():
        raise CliError("no frames: give hex frames or a capture file as arguments,"
                       " or pipe hex lines to stdin")
    for number, line in enumerate(sys.stdin, start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            yield f"line {number}", text


def _print(records: Iterator[DecodedFrame | InputError], as_json: bool) -> int:
    errors = 0
    time_origin: float | None = None
    for record in records:
        if isinstance(record, InputError):
            errors += 1
            sys.stdout.flush()
            print(record, file=sys.stderr)
        elif as_json:
            print(json.dumps(record.to_json(), ensure_ascii=False))
        else:
            if time_origin is None:
                time_origin = record.timestamp
            print(record.to_text(time_origin))
    return errors


def _report(path: str, summary: CaptureSummary) -> None:
    if summary.skipped:
        what = ", ".join(f"{count} {reason}" for reason, count in summary.skipped.items())
        print(f"{path}: {summary.hci_packets} HCI packet(s) decoded; skipped {what}", file=sys.stderr)
    elif summary.packets == 0:
        print(f"{path}: the capture holds no packets", file=sys.stderr)
