"""``freev2g ev``: the EV reference application (issue 5; the seed's ``Application.py -r EV``).

The seed's ``python3 Application.py eth0 -r EV -c ev.json`` is ``freev2g ev -i eth0 -c ev.json``.
Options on the command line override the configuration file (``-m`` over the file's ``mac``,
``--sessions`` over ``session.sessions``, ``-p`` over ``session.portmirror``). A bare ``-c`` reads
``./ev.json`` and, as the seed, goes on with the defaults when that file does not exist; a file
named with ``-c FILE`` must exist. Exit status: 0 when every session ended by the protocol, 1
after a failure (module, link, time-out, unplug), 2 for usage and configuration errors, 130 after
Ctrl-C, 143 after SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from freev2g.apps.common import DEFAULT_MAC, AppError, Interrupts, LinkOptions, Role, open_link
from freev2g.apps.console import Console
from freev2g.apps.ev import EvSettings, run_ev
from freev2g.cli import dashboard as cli_dashboard
from freev2g.cli.common import CliError, add_transport_arguments, generation
from freev2g.client import ClientError
from freev2g.config import ConfigError, read_config_data
from freev2g.config.ev_schema import DEFAULT_FILE, EvConfig, load_ev_config
from freev2g.sessionlog.attach import add_log_argument, attach
from freev2g.transport import TransportError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "ev", help="run the EV reference application",
        description="Drive a WHITE beet EV module through charging sessions"
                    " (DIN 70121, ISO 15118-2; AC, DC).")
    parser.add_argument("-i", "--interface", help="network interface to the module (e.g. eth0)")
    parser.add_argument("-m", "--mac", help=f"the module's MAC address (default {DEFAULT_MAC[Role.EV]})")
    parser.add_argument("-c", "--config", nargs="?", const=DEFAULT_FILE, metavar="FILE",
                        help=f"configuration file, JSON or TOML (-c alone: {DEFAULT_FILE})")
    parser.add_argument("-p", "--portmirror", action="store_true", default=None,
                        help="mirror the PLC traffic to the HCI port (for Wireshark)")
    add_transport_arguments(parser)
    parser.add_argument("--generation", choices=("auto", "v1", "v2"), default="auto",
                        help="HCI API generation (auto: from the firmware version)")
    parser.add_argument("--sessions", type=_sessions, metavar="N|forever",
                        help="number of sessions (default 1, or the file's session.sessions)")
    parser.add_argument("--pcap", metavar="FILE", help="capture the HCI traffic to a pcap file")
    add_log_argument(parser)
    cli_dashboard.add_argument(parser)
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="diagnostics on stderr (-vv: debug)")
    parser.set_defaults(run=run)


def _sessions(text: str) -> int | str:
    if text == "forever":
        return text
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of sessions or 'forever'") from None
    if count < 1:
        raise argparse.ArgumentTypeError("at least 1 session")
    return count


def settings_from(args: argparse.Namespace) -> EvSettings:
    """The configuration file (if any) with the command line's overrides."""
    notes: list[str] = []
    shown: dict[str, Any] | None = None
    config = EvConfig()
    if args.config is not None:
        path = Path(args.config)
        if args.config == DEFAULT_FILE and not path.exists():
            notes.append(f"Configuration file {args.config} not found. Use default configuration.")
        else:
            config = load_ev_config(path)
            shown = read_config_data(path)
    overrides: dict[str, Any] = {}
    if args.mac is not None:
        overrides["mac"] = args.mac
    if args.sessions is not None:
        overrides["session.sessions"] = args.sessions
    if args.portmirror:
        overrides["session.portmirror"] = True
    if overrides:
        config = config.with_overrides(**overrides)
    mac = config.mac or DEFAULT_MAC[Role.EV]
    iface = args.interface if args.transport == "eth" and args.interface else args.spi_device
    return EvSettings(config=config, iface=iface, mac=mac, shown_config=shown, notes=tuple(notes),
                      generation=None if args.generation == "auto" else generation(args.generation))


def run(args: argparse.Namespace) -> int:
    _logging(args.verbose)
    cli_dashboard.check(args)
    try:
        settings = settings_from(args)
        link = open_link(LinkOptions(
            transport=args.transport, interface=args.interface, mac=settings.module_mac,
            spi_device=args.spi_device, gpiochip=args.gpiochip, rx_ready_line=args.rx_ready_line,
            tx_pending_line=args.tx_pending_line, spi_speed_hz=args.spi_speed, pcap=args.pcap))
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    except AppError as exc:
        raise CliError(str(exc), exc.status) from None
    link = attach(args.log, "ev", link)
    if args.dashboard:
        return cli_dashboard.run_ev(main, link, settings)
    return asyncio.run(main(link, settings, Console()))


async def main(link: Any, settings: EvSettings, console: Console) -> int:
    """Run the application in this task with Ctrl-C and SIGTERM ending it safely."""
    task = asyncio.current_task()
    assert task is not None
    interrupts = Interrupts()
    with interrupts.installed(task):
        try:
            result = await run_ev(link, settings, console)
        except asyncio.CancelledError:
            if interrupts.exit_status is not None:
                return interrupts.exit_status
            raise
        except (ClientError, TransportError, OSError) as exc:  # no module, no interface, no permission
            raise CliError(f"ev: {exc}", 1) from None
    if result.error:
        print(f"freev2g: ev: {result.error}", file=sys.stderr)
    return result.exit_status


def _logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
