"""The demo: our EVSE and EV applications on two emulated modules sharing one emulated cable.

Both applications run as they would on hardware (same code, same console lines), each on an
in-memory link to its module; the modules talk DIN 70121 or ISO 15118-2 to each other over the
emulated world (CP wire, SLAC, V2G). The summary combines what each application measured with
what the emulated modules measured of their hosts' reaction times.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from freev2g.apps.console import Console
from freev2g.apps.dashboard import pair_dashboard
from freev2g.apps.ev.run import EvRunResult, EvSettings, run_ev
from freev2g.apps.evse import EvseRunResult, run_evse
from freev2g.client.whitebeet import Link
from freev2g.config.ev_schema import EvConfig
from freev2g.config.evse_schema import EvseSettings
from freev2g.emulator.station import EmulatedStation
from freev2g.pcap import PcapWriter
from freev2g.sessionlog import LoggedLink, SessionLog
from freev2g.sessionlog.events import recording
from freev2g.sessionlog.records import ev_session_end, evse_session_end
from freev2g.sessionlog.results import module_report, write_missing_ends

FIRMWARE = {"v1": ("V01_01_06", "V01_00_05"), "v2": ("V02_00_01", "V01_00_06")}  # EVSE, EV
EVSE_MODE = {"dc": "dc_extended", "ac": "ac_three_phase"}
EV_MODE = {"dc": 1, "ac": 5}  # the module's energy transfer mode numbers (hci-reference §3.9.1)
EV_PROTOCOL = {"din": 0, "iso2": 1}
PROTOCOL_NAME = {"din": "DIN SPEC 70121", "iso2": "ISO 15118-2"}


@dataclass(frozen=True)
class DemoOptions:
    protocol: str = "iso2"
    mode: str = "dc"
    generation: str = "v2"
    speed: float = 40.0
    pcap: str | None = None
    log: str | None = None  # session log (JSONL): every frame and session event of both hosts
    echo: bool = True  # print both consoles as they go
    dashboard: bool = False  # a live view of both applications (rich; plain lines off a terminal)


@dataclass
class DemoSummary:
    options: DemoOptions
    evse: EvseRunResult
    ev: EvRunResult
    module_report: dict[str, Any] = field(default_factory=dict)
    evse_lines: list[str] = field(default_factory=list)
    ev_lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.evse.exit_status == 0 and self.ev.ok


def ev_config(options: DemoOptions) -> EvConfig:
    """A car at 74 % that charges to 80 %: with the default speed the charge loop takes seconds."""
    return EvConfig.model_validate({
        "ev": {"protocols": [EV_PROTOCOL[options.protocol]], "energy_transfer_mode": [EV_MODE[options.mode]]},
        "battery": {"capacity": 60_000, "level": 44_400, "max_current": 125, "max_power": 50_000,
                    "max_voltage": 420, "target_current": 100, "voltage_empty": 330, "voltage_full": 400,
                    "max_current_AC": 16, "max_voltage_AC": 250, "min_current_AC": 6},
        "charging": {"target_soc": 80, "departure_time": 3600},
        "session": {"sessions": 1}})


def evse_settings(options: DemoOptions) -> EvseSettings:
    return EvseSettings.model_validate({
        "protocols": [options.protocol], "energy_transfer_modes": [EVSE_MODE[options.mode]],
        "authorization": "always", "sessions": 1})


async def run_demo(options: DemoOptions) -> DemoSummary:
    evse_firmware, ev_firmware = FIRMWARE[options.generation]
    writer = PcapWriter(options.pcap) if options.pcap else None
    session_log = SessionLog(options.log) if options.log else None
    evse_log = session_log.for_role("evse") if session_log else None
    ev_log = session_log.for_role("ev") if session_log else None
    live = pair_dashboard(evse_settings(options).charger, ev_config(options).target_soc, echo=options.echo,
                          time_scale=options.speed) if options.dashboard else None
    evse_console = live.evse.console if live else Console("[EVSE] ", echo=options.echo)
    ev_console = live.ev.console if live else Console("[EV]   ", echo=options.echo)
    try:
        async with EmulatedStation.pair(evse_firmware, ev_firmware, capture=writer) as (evse, ev):
            evse_link: Link = LoggedLink(evse.link, evse_log) if evse_log else evse.link
            ev_link: Link = LoggedLink(ev.link, ev_log) if ev_log else ev.link
            if live:  # the frames also feed the dashboard
                evse_link, ev_link = live.evse.link(evse_link), live.ev.link(ev_link)
            with recording(evse_log):  # each task logs its events under its own role
                evse_run = asyncio.create_task(run_evse(evse_link, evse_settings(options), evse_console,
                                                        stage=live.evse.stage if live else None))
            with recording(ev_log):
                ev_run = asyncio.create_task(run_ev(ev_link, EvSettings(
                    config=ev_config(options), time_scale=options.speed, print_battery=False), ev_console))
            try:
                async with live.dashboard.running() if live else contextlib.nullcontext():
                    evse_result, ev_result = await asyncio.gather(evse_run, ev_run)
            finally:
                for task in (evse_run, ev_run):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
            report = evse.station.report()
            if evse_log and ev_log:
                write_missing_ends(evse_log, [evse_session_end(s) for s in evse_result.sessions])
                write_missing_ends(ev_log, [ev_session_end(s) for s in ev_result.sessions])
                for role_log, side in ((evse_log, evse), (ev_log, ev)):
                    role_log.write("module_report", **module_report(side.module))
    finally:
        if writer is not None:
            writer.close()
        if session_log is not None:
            session_log.close()
    return DemoSummary(options, evse_result, ev_result, report, evse_console.lines, ev_console.lines)


def summary_lines(summary: DemoSummary) -> list[str]:
    opts, evse, ev = summary.options, summary.evse, summary.ev
    session = evse.sessions[0] if evse.sessions else None
    lines = ["", "Summary",
             f"  protocol          {PROTOCOL_NAME[opts.protocol]}, {opts.mode.upper()}, API {opts.generation}"
             f" (EVSE {evse.firmware}, EV {ev.firmware})"]
    if ev.sessions:
        lines.append(f"  energy delivered  {ev.energy_wh / 1000:.2f} kWh (battery time x{opts.speed:g})")
        lines.append(f"  SOC               {ev.soc_from:.1f} % -> {ev.soc_to:.1f} %")
        lines.append(f"  duration          {ev.duration_s:.1f} s")
    if session is not None:
        lines.append(f"  peak power        {session.peak_power_w / 1000:.1f} kW")
        ev_end = ev.sessions[0].reason.value if ev.sessions else "-"
        lines.append(f"  session end       EVSE: {session.end}; EV: {ev_end}")
    lines.append("  host reaction to module requests (measured by the emulated modules):")
    for module, figures in summary.module_report.items():
        role = module.split()[0].upper()  # "evse module" -> EVSE
        for request, stats in figures["reactions"].items():
            lines.append(f"    {role:<4} {request:<36} n={stats['count']:<4}"
                         f" p50 {stats['p50']:7.2f} ms  max {stats['max']:7.2f} ms")
        lines.append(f"    {role:<4} missed deadlines: {len(figures['missed'])}")
    return lines


def print_summary(summary: DemoSummary) -> None:
    for line in summary_lines(summary):
        print(line)
