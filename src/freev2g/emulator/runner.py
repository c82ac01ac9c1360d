"""``freev2g emulate``'s run: emulated modules on raw Ethernet interfaces, peers, sessions, report.

One station (one cable): either one emulated module on one interface with a simulated peer on
the other end of the cable (``role`` EVSE: a simulated car; EV: a simulated charger), or both
modules, each on its own interface, charging against each other. Sessions are counted as V2G
connections that ended; with a simulated car a new car (fresh battery) plugs in after each one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from freev2g.emulator.deadlines import Timing
from freev2g.emulator.faults import FrameFaults
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.peers.car import CarConfig
from freev2g.emulator.peers.charger import ChargerConfig
from freev2g.emulator.profiles import DEFAULT, Role, profile
from freev2g.emulator.station import EmulatedStation
from freev2g.hci.ethernet import format_mac
from freev2g.transport import EthernetTransport

log = logging.getLogger("freev2g.emulator")

NEXT_CAR_DELAY = 1.0  # s between one car leaving and the next plugging in
LINGER = 2.0  # s of service after the last session, for the host's safe end (stop SLAC, CP, ...)


@dataclass(frozen=True)
class ModulePlacement:
    role: Role
    interface: str
    firmware: str
    mac: str | None = None  # set the interface to this MAC before opening it


@dataclass(frozen=True)
class EmulateOptions:
    modules: tuple[ModulePlacement, ...]
    car: CarConfig = field(default_factory=CarConfig)
    charger: ChargerConfig = field(default_factory=ChargerConfig)
    sessions: int | None = None  # None: until Ctrl-C
    timing: Timing = field(default_factory=Timing)
    faults: FrameFaults = field(default_factory=FrameFaults)
    pcap: str | None = None
    host_mac: str | None = None
    restart_after: float | None = None  # fault: restart the module(s) this long into each session
    report: Path | None = None


class EmulatorRun:
    def __init__(self, options: EmulateOptions, out: Callable[[str], None] = print) -> None:
        self.options = options
        self.out = out
        self.sessions_done = 0
        self.finished = asyncio.Event()
        self.station = EmulatedStation(timing=options.timing, faults=options.faults)
        self.modules: list[EmulatedModule] = []

    async def run(self) -> dict[str, Any]:
        """Run until the session count is reached or SIGINT/SIGTERM; returns the report."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._stop, signum)
        try:
            await self._start()
            await self.finished.wait()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await self.station.close()
        report = self.report()
        if self.options.report is not None:
            self.options.report.write_text(json.dumps(report, indent=2) + "\n")
        return report

    async def _start(self) -> None:
        opts = self.options
        for placement in opts.modules:
            if placement.mac is not None:
                _set_interface_mac(placement.interface, placement.mac)
            pcap = opts.pcap if len(opts.modules) == 1 else _per_role(opts.pcap, placement.role)
            transport = EthernetTransport(placement.interface, None, destination=opts.host_mac, capture=pcap)
            module = await self.station.add_module(placement.firmware, transport, mac=placement.mac,
                                                   name=f"{placement.role.value} module")
            self.modules.append(module)
            self.out(f"Emulated {placement.role.value} module {placement.firmware} on {placement.interface}"
                     f" ({format_mac(transport.local_mac or bytes(6))})")
        roles = {placement.role for placement in opts.modules}
        if roles == {Role.EVSE}:
            self.station.add_car(opts.car)
            self.out(f"Simulated car: plugs in after {opts.car.plug_in_delay:.1f} s")
        elif roles == {Role.EV}:
            self.station.add_charger(opts.charger)
            self.out("Simulated charger ready")
        if Role.EV in roles:
            self.station.plug_in_later()
        network = self.station.world.network
        network.on_closed.append(self._session_ended)
        if opts.restart_after is not None:
            network.on_connected.append(self._schedule_restart)
        self.out("Ready. Ctrl-C stops." if opts.sessions is None
                 else f"Ready for {opts.sessions} session(s).")

    def _session_ended(self) -> None:
        """A V2G connection ended; the peers hear it in the same instant, so look a moment later."""
        self.station.clock.call_later(0.0, self._count_session)

    def _count_session(self) -> None:
        self.sessions_done += 1
        car, charger = self.station.car, self.station.charger
        outcome = car.end if car is not None else None
        if charger is not None and charger.sessions:
            record = charger.sessions[-1]
            outcome = record.end
            energy = f", {record.energy_wh / 1000:.3f} kWh"
        else:
            energy = ""
        detail = f": {outcome.kind.value} {outcome.reason}".rstrip() if outcome is not None else ""
        self.out(f"Session {self.sessions_done} ended{detail}{energy}")
        if self.options.sessions is not None and self.sessions_done >= self.options.sessions:
            self.station.clock.call_later(LINGER, self.finished.set)
        elif car is not None:
            delay = self.options.car.unplug_delay + NEXT_CAR_DELAY
            self.station.clock.call_later(delay, self._next_car)
        else:
            self.station.replug()

    def _next_car(self) -> None:
        if self.finished.is_set() or self.station.car is None:
            return
        self.station.car.close()
        self.station.add_car(self.options.car)

    def _schedule_restart(self) -> None:
        assert self.options.restart_after is not None
        self.station.clock.call_later(self.options.restart_after, self._restart_modules)

    def _restart_modules(self) -> None:
        for module in self.modules:
            self.out(f"Fault: {module.name} restarts")
            module.restart()

    def _stop(self, signum: int) -> None:
        self.out(f"{signal.Signals(signum).name}: stopping")
        self.finished.set()

    def report(self) -> dict[str, Any]:
        return {"sessions": self.sessions_done, "modules": self.station.report()}


def _per_role(pcap: str | None, role: Role) -> str | None:
    """With two modules each gets its own capture: ``x.pcap`` becomes ``x-evse.pcap``, ``x-ev.pcap``."""
    if pcap is None:
        return None
    path = Path(pcap)
    return str(path.with_name(f"{path.stem}-{role.value.lower()}{path.suffix}"))


def _set_interface_mac(interface: str, mac: str) -> None:
    result = subprocess.run(["ip", "link", "set", "dev", interface, "address", mac],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise OSError(f"cannot set the MAC of {interface} to {mac}: {result.stderr.strip()}")


def format_report(report: dict[str, Any]) -> list[str]:
    """The human form of the report: host reaction times per request, misses, errors."""
    lines = [f"Sessions: {report['sessions']}"]
    for name, module in report["modules"].items():
        lines.append(f"{name}: timing {module['timing']['mode']}"
                     f" (scale {module['timing']['scale']:g}), framing errors {module['framing_errors']}")
        reactions = module["reactions"]
        if reactions:
            width = max(len(request) for request in reactions)
            lines.append(f"  {'host reaction to':<{width}}  count   p50 ms   p99 ms   max ms")
            for request, figures in reactions.items():
                lines.append(f"  {request:<{width}}  {figures['count']:>5} {figures['p50']:>8.2f}"
                             f" {figures['p99']:>8.2f} {figures['max']:>8.2f}")
        for miss in module["missed"]:
            lines.append(f"  MISSED {miss['request']} at {miss['at']:.3f} s"
                         f" (deadline {miss['deadline_ms']:g} ms)")
        faults = {key: value for key, value in module["faults"].items() if value}
        if faults:
            lines.append("  faults injected: " + ", ".join(f"{key} {value}" for key, value in faults.items()))
    return lines


def default_firmware(role: Role, firmware: str | None) -> str:
    chosen = firmware or DEFAULT[role]
    if profile(chosen).role is not role:
        raise ValueError(f"firmware {chosen} is an {profile(chosen).role.name} firmware, not {role.name}")
    return chosen
