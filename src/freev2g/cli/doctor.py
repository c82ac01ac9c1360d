"""``freev2g doctor``: check the way to a module and its state, one line per check.

Exit status: 0 when no check failed (warnings pass), 1 when one failed, 2 for usage errors.
Only Ping and Get commands are sent: the doctor never changes the module's state.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from freev2g.apps.common import DEFAULT_MAC, Role
from freev2g.cli.common import CliError, add_transport_arguments
from freev2g.doctor import DoctorOptions, exit_status, format_json, format_text, run_doctor
from freev2g.hci.ethernet import parse_mac


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "doctor", help="check the connection to a module and its state",
        description="Check permissions, the interface, HCI reachability, the module MAC, the firmware"
                    " and API generation, and the service states; print the fix for what fails."
                    " Sends only Ping and Get commands.")
    parser.add_argument("-i", "--interface", help="network interface to the module (e.g. eth0)")
    parser.add_argument("-m", "--mac", default=DEFAULT_MAC[Role.EVSE],
                        help=f"the module's Ethernet MAC address (default {DEFAULT_MAC[Role.EVSE]})")
    add_transport_arguments(parser)
    parser.add_argument("--pings", type=int, default=3, metavar="N", help="HCI pings to send (default 3)")
    parser.add_argument("--timeout", type=float, default=1.0, metavar="S",
                        help="seconds to wait for each answer (default 1)")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="diagnostics on stderr")
    parser.set_defaults(run=run)


def options_from(args: argparse.Namespace) -> DoctorOptions:
    if args.transport == "eth" and not args.interface:
        raise CliError("doctor: no network interface: give one with -i/--interface (e.g. -i eth0)")
    try:
        parse_mac(args.mac)
    except ValueError:
        example = DEFAULT_MAC[Role.EVSE]
        raise CliError(f"doctor: -m {args.mac!r} is not a MAC address (e.g. {example})") from None
    if args.pings < 1:
        raise CliError(f"doctor: --pings {args.pings}: at least 1")
    if not args.timeout > 0:
        raise CliError(f"doctor: --timeout {args.timeout:g}: a positive number of seconds")
    return DoctorOptions(transport=args.transport, interface=args.interface, mac=args.mac,
                         spi_device=args.spi_device, gpiochip=args.gpiochip, rx_ready_line=args.rx_ready_line,
                         tx_pending_line=args.tx_pending_line, spi_speed_hz=args.spi_speed, pings=args.pings,
                         timeout=args.timeout)


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    level = logging.ERROR if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    checks = asyncio.run(run_doctor(options))
    print(format_json(checks) if args.json else format_text(checks))
    return exit_status(checks)
