"""``freev2g evse``: the EVSE reference application (issue 5; the seed's ``Application.py -r EVSE``).

The seed's ``python3 Application.py eth0`` is ``freev2g evse -i eth0`` (or ``freev2g evse eth0``).
Options on the command line override the configuration file (``-i``/``-m`` over ``interface``/
``mac``, ``--sessions`` over ``sessions``, ``--authorize`` over ``authorization``). A bare ``-c``
reads ``./evse.json``. Exit status: 0 when every session completed (the EV stopped charging and
the module reported the end), 1 otherwise (refused authorization, module, link, SLAC, unplug,
time-out), 2 for usage and configuration errors, 130 after Ctrl-C, 143 after SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from freev2g.apps.common import AppError, Interrupts, LinkOptions, open_link
from freev2g.apps.console import Console
from freev2g.apps.evse import run_evse
from freev2g.apps.evse.authorization import AllowList
from freev2g.cli import dashboard as cli_dashboard
from freev2g.cli import park as park_cli
from freev2g.cli.common import CliError, add_transport_arguments, generation
from freev2g.client import ClientError
from freev2g.config import ConfigError, load_config, validate_config
from freev2g.config.evse_schema import DEFAULT_EVSE_MAC, DEFAULT_FILE, EvseSettings
from freev2g.sessionlog.attach import add_log_argument, attach


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "evse", help="run the EVSE reference application",
        description="Drive a WHITE beet EVSE module through charging sessions"
                    " (DIN 70121, ISO 15118-2; AC, DC; API v1 and v2).")
    parser.add_argument("interface_arg", nargs="?", metavar="INTERFACE", help="as -i (the seed's form)")
    parser.add_argument("-i", "--interface", help="network interface to the module (e.g. eth0)")
    parser.add_argument("-m", "--mac", help=f"the module's MAC address (default {DEFAULT_EVSE_MAC})")
    parser.add_argument("-c", "--config", nargs="?", const=DEFAULT_FILE, metavar="FILE",
                        help=f"configuration file, JSON or TOML (-c alone: {DEFAULT_FILE})")
    parser.add_argument("-p", "--portmirror", action="store_true", default=None,
                        help="mirror the PLC traffic to the HCI port (for Wireshark)")
    add_transport_arguments(parser)
    parser.add_argument("--generation", choices=("auto", "v1", "v2"), default="auto",
                        help="HCI API generation (auto: from the firmware version)")
    parser.add_argument("--sessions", metavar="N|forever", help="number of sessions (default 1)")
    parser.add_argument("--authorize", metavar="MODE",
                        help="prompt (default), always, never or allowlist:FILE (EVCC IDs or EMAIDs)")
    parser.add_argument("--pcap", metavar="FILE", help="capture the HCI traffic to a pcap file")
    add_log_argument(parser)
    cli_dashboard.add_argument(parser)
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="diagnostics on stderr (-vv: debug)")
    parser.set_defaults(run=run)


def settings_from(args: argparse.Namespace) -> tuple[EvseSettings, str]:
    """The configuration file (if any) with the command line's overrides, validated together, and
    the name errors are reported under."""
    source = "command line"
    data: dict[str, Any] = {}
    if args.config is not None:
        source = args.config
        data = load_config(Path(args.config), EvseSettings).model_dump(mode="python")
    interface = args.interface or args.interface_arg
    overrides = {"interface": interface, "mac": args.mac, "authorization": args.authorize,
                 "sessions": _sessions(args.sessions)}
    for key, value in overrides.items():
        if value is not None:
            data[key] = value
    settings = validate_config(source, data, EvseSettings)
    if settings.authorization.startswith("allowlist:"):
        AllowList(settings.authorization.removeprefix("allowlist:"))  # a missing file fails now, exit 2
    return settings, source


def _sessions(text: str | None) -> int | str | None:
    if text is None or text == "forever":
        return text
    try:
        return int(text)
    except ValueError:
        raise CliError(f"--sessions {text!r}: a number of sessions or 'forever'") from None


def run(args: argparse.Namespace) -> int:
    _logging(args.verbose)
    cli_dashboard.check(args)
    if args.config is not None and park_cli.is_park_file(args.config):  # connectors: one run each
        return park_cli.run(args, _sessions(args.sessions))
    try:
        settings, source = settings_from(args)
        link = open_link(LinkOptions(
            transport=args.transport, interface=settings.interface, mac=settings.mac,
            spi_device=args.spi_device, gpiochip=args.gpiochip, rx_ready_line=args.rx_ready_line,
            tx_pending_line=args.tx_pending_line, spi_speed_hz=args.spi_speed, pcap=args.pcap))
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    except AppError as exc:
        raise CliError(str(exc), exc.status) from None
    forced = None if args.generation == "auto" else generation(args.generation)
    iface = settings.interface if args.transport == "eth" else args.spi_device
    link = attach(args.log, "evse", link)
    if args.dashboard:
        return cli_dashboard.run_evse(main, link, settings, generation=forced, iface=iface,
                                      portmirror=args.portmirror, source=source)
    return asyncio.run(main(link, settings, Console(), generation=forced, iface=iface,
                            portmirror=args.portmirror, source=source))


async def main(link: Any, settings: EvseSettings, console: Console, **options: Any) -> int:
    """Run the application in this task with Ctrl-C and SIGTERM ending it safely."""
    task = asyncio.current_task()
    assert task is not None
    interrupts = Interrupts()
    source = options.pop("source", "settings")
    with interrupts.installed(task):
        try:
            result = await run_evse(link, settings, console, interrupts=interrupts, config_source=source,
                                    **options)
        except asyncio.CancelledError:
            if interrupts.exit_status is not None:
                return interrupts.exit_status
            raise
        except ConfigError as exc:
            raise CliError(str(exc)) from None
        except AppError as exc:
            raise CliError(f"evse: {exc}", exc.status) from None
        except ClientError as exc:
            raise CliError(f"evse: {exc}", 1) from None
    if result.error:
        print(f"freev2g: evse: {result.error}", file=sys.stderr)
    return result.exit_status


def _logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
