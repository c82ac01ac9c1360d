"""``freev2g emulate``: emulated WHITE beet modules on raw Ethernet, for any HCI host (issue 4).

``--role evse -i IF``: an EVSE module with a simulated car at the other end of its cable;
``--role ev -i IF``: an EV module with a simulated charger; ``--evse-interface IF1
--ev-interface IF2``: both modules, charging against each other, one host process on each
interface. Sessions run one after another (a new car plugs in after each) until ``--sessions``
is reached or Ctrl-C/SIGTERM; then the host reaction report is printed (and written to
``--report``). Exit status: 0 after a clean end, 1 when an interface cannot be used, 2 for usage.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Any

from freev2g.cli.common import CliError
from freev2g.config import ConfigError, load_config, validate_config
from freev2g.config.car_schema import CarSettings
from freev2g.emulator.deadlines import Timing
from freev2g.emulator.faults import FrameFaults
from freev2g.emulator.peers.car import CarConfig, SessionPoint
from freev2g.emulator.peers.charger import ChargerConfig
from freev2g.emulator.peers.evse_controller import EvseSettings
from freev2g.emulator.profiles import PROFILES, Role
from freev2g.emulator.runner import (
    EmulateOptions,
    EmulatorRun,
    ModulePlacement,
    default_firmware,
    format_report,
)
from freev2g.emulator.v2g.messages import EnergyTransferModeType, V2gProtocol
from freev2g.models import BatteryConfig
from freev2g.transport import TransportError

PROTOCOLS = {"din": V2gProtocol.DIN_70121, "iso2": V2gProtocol.ISO_15118_2}
MODES = {"dc": EnergyTransferModeType.DC_EXTENDED, "ac": EnergyTransferModeType.AC_THREE_PHASE_CORE}
POINTS = {point.name.lower().replace("_", "-"): point for point in SessionPoint}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "emulate", help="emulate WHITE beet modules on raw Ethernet interfaces",
        description="Emulated EVSE or EV modules (or both) with simulated peers, for any HCI host.")
    where = parser.add_argument_group("modules")
    where.add_argument("--role", choices=("evse", "ev"), help="one module of this role (with -i)")
    where.add_argument("-i", "--interface", help="interface of the one module (--role)")
    where.add_argument("--evse-interface", metavar="IF", help="interface of the EVSE module (both modules)")
    where.add_argument("--ev-interface", metavar="IF", help="interface of the EV module (both modules)")
    where.add_argument("--mac", help="set the interface to this MAC first (one module)")
    where.add_argument("--firmware", help=f"firmware profile ({', '.join(PROFILES)})")
    where.add_argument("--evse-firmware", help="EVSE firmware profile (both modules)")
    where.add_argument("--ev-firmware", help="EV firmware profile (both modules)")
    where.add_argument("--host-mac", help="send every frame to this MAC (default: the last sender)")
    run = parser.add_argument_group("run")
    run.add_argument("--sessions", type=int, metavar="N", help="stop after N sessions (default: Ctrl-C)")
    run.add_argument("--timing", default="strict", metavar="strict|lenient|scale=X",
                     help="what a missed host deadline does (default strict)")
    run.add_argument("--report", type=Path, metavar="FILE.json", help="write the reaction report here")
    run.add_argument("--pcap", metavar="FILE", help="capture the HCI traffic (x-evse/x-ev with two modules)")
    run.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-vv debug)")
    car = parser.add_argument_group("simulated car (--role evse)")
    car.add_argument("--car-config", "--ev-config", metavar="FILE",
                     help="the car's settings, JSON or TOML, keys as these flags (flags win)")
    car.add_argument("--protocol", action="append", choices=tuple(PROTOCOLS),
                     help="protocols the car offers, first preferred (repeat; default iso2 then din)")
    car.add_argument("--mode", choices=tuple(MODES), help="AC or DC charging (default dc)")
    car.add_argument("--soc", type=float, help="state of charge at plug-in, %% (default 20)")
    car.add_argument("--target-soc", type=float, help="stop charging here, %% (default 80)")
    car.add_argument("--capacity", type=float, metavar="KWH", help="battery size (default 50)")
    car.add_argument("--charge-time", type=float, metavar="S", help="stop charging after S seconds anyway")
    car.add_argument("--plug-in-delay", type=float, metavar="S", help="default 1 s")
    faults = parser.add_argument_group("fault injection")
    faults.add_argument("--fault", action="append", default=[], metavar="KIND=P",
                        help="drop=P, corrupt=P, duplicate=P or delay=P[:S] on every frame (repeat)")
    faults.add_argument("--fault-seed", type=int, default=0, help="seed of the fault generator")
    faults.add_argument("--unplug-at", choices=tuple(POINTS), help="the car pulls the plug at this point")
    faults.add_argument("--silent-at", choices=tuple(POINTS), help="the car stops answering at this point")

    faults.add_argument("--restart-after", type=float, metavar="S",
                        help="the module restarts S seconds into each session")
    charger = parser.add_argument_group("simulated charger (--role ev)")
    charger.add_argument("--no-authorize", action="store_true", help="the charger refuses authorization")
    charger.add_argument("--max-power", type=float, default=50_000.0, metavar="W", help="default 50000")
    parser.set_defaults(run=run_command)


def options_from(args: argparse.Namespace) -> EmulateOptions:
    """Validate the arguments; every problem is a CliError naming the fix."""
    try:
        modules = _placements(args)
        timing = Timing.parse(args.timing)
        frame_faults = FrameFaults.parse(args.fault, seed=args.fault_seed)
        car = car_config(args)
        charger = ChargerConfig(evse=EvseSettings(authorize=not args.no_authorize))
        if args.max_power != 50_000.0:
            charger = dataclasses.replace(
                charger, limits=dataclasses.replace(charger.limits, max_power=args.max_power))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.sessions is not None and args.sessions < 1:
        raise CliError("--sessions N: N must be at least 1")
    if args.restart_after is not None and args.restart_after <= 0:
        raise CliError("--restart-after S: S must be more than 0")
    return EmulateOptions(modules, car=car, charger=charger, sessions=args.sessions, timing=timing,
                          faults=frame_faults, pcap=args.pcap, host_mac=args.host_mac,
                          restart_after=args.restart_after, report=args.report)


CAR_FLAGS = ("protocol", "mode", "soc", "target_soc", "capacity", "charge_time", "plug_in_delay",
             "unplug_at", "silent_at")


def car_config(args: argparse.Namespace) -> CarConfig:
    """The car from ``--car-config`` (if any) with the flags given on the command line over it."""
    try:
        settings = load_config(args.car_config, CarSettings) if args.car_config else CarSettings()
        given = {name: getattr(args, name) for name in CAR_FLAGS if getattr(args, name) is not None}
        settings = validate_config(args.car_config or "command line", {**settings.model_dump(), **given},
                                   CarSettings)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    return CarConfig(
        protocols=tuple(PROTOCOLS[name] for name in settings.protocol),
        energy_transfer_mode=MODES[settings.mode], ac_phases=3 if settings.mode == "ac" else 1,
        battery=BatteryConfig(capacity_wh=settings.capacity * 1000, initial_soc=settings.soc,
                              target_soc=settings.target_soc),
        charge_time=settings.charge_time, plug_in_delay=settings.plug_in_delay,
        unplug_at=POINTS.get(settings.unplug_at or ""), silent_at=POINTS.get(settings.silent_at or ""))


def _placements(args: argparse.Namespace) -> tuple[ModulePlacement, ...]:
    both = args.evse_interface or args.ev_interface
    if both:
        if args.role or args.interface:
            raise ValueError("give either --role with -i, or --evse-interface with --ev-interface")
        if not (args.evse_interface and args.ev_interface):
            raise ValueError("two modules need both --evse-interface IF1 and --ev-interface IF2")
        return (ModulePlacement(Role.EVSE, args.evse_interface,
                                default_firmware(Role.EVSE, args.evse_firmware or None)),
                ModulePlacement(Role.EV, args.ev_interface, default_firmware(Role.EV, args.ev_firmware)))
    if not args.role or not args.interface:
        raise ValueError("give --role evse|ev with -i IF (or --evse-interface and --ev-interface)")
    role = Role.EVSE if args.role == "evse" else Role.EV
    return (ModulePlacement(role, args.interface, default_firmware(role, args.firmware), args.mac),)


def run_command(args: argparse.Namespace) -> int:
    options = options_from(args)
    logging.basicConfig(level=(logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)],
                        format="%(asctime)s %(name)s: %(message)s")
    emulator = EmulatorRun(options, out=lambda line: print(line, flush=True))
    try:
        report = asyncio.run(emulator.run())
    except (TransportError, OSError) as exc:
        raise CliError(f"emulate: {exc}", status=1) from None
    for line in format_report(report):
        print(line)
    return 0
