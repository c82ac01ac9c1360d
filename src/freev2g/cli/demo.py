"""``freev2g demo``: show FreeV2G at work with nothing but this package installed.

Until the emulator and the applications land, the demo decodes the bundled capture of a complete
v2 EVSE session (``freev2g/data/example-evse-v2.pcap``; produced by
``scripts/make_example_capture.py`` from the message catalog).
"""

from __future__ import annotations

import argparse
from importlib import resources
from typing import Any

from freev2g.cli import decode
from freev2g.hci.modules import Generation

EXAMPLE = "example-evse-v2.pcap"


def register(commands: Any) -> None:
    parser = commands.add_parser("demo", help="demonstrate FreeV2G without hardware",
                                 description="Decode the bundled example capture of an EVSE session.")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with resources.as_file(resources.files("freev2g.data") / EXAMPLE) as path:
        print(f"FreeV2G demo: decoding the bundled capture of an EVSE session ({EXAMPLE})\n")
        return decode.run(argparse.Namespace(inputs=[str(path)], generation=Generation.V2,
                                             origin=None, module_mac=[], json=args.json))
