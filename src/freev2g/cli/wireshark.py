"""``freev2g wireshark-dissector``: write the Lua dissector generated from the message catalog."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from freev2g.cli.common import CliError
from freev2g.wireshark import generate


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "wireshark-dissector", help="write the Wireshark Lua dissector for EtherType 0x6003",
        description="Generate the Wireshark dissector for HCI over Ethernet (EtherType 0x6003) from the"
        " message catalog. Use it with: tshark -X lua_script:freev2g.lua -r capture.pcap, or copy it into"
        " Wireshark's personal plugins folder. Preferences: freev2g.generation (v1 or v2, default v2) and"
        " freev2g.module_macs.")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source = generate()
    if args.output is None:
        sys.stdout.write(source)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as stream:
            stream.write(source)
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    print(f"freev2g: wrote the dissector to {args.output}", file=sys.stderr)
    return 0
