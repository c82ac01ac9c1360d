"""``run_ev``: the EV reference application on a client link, one or more sessions, a safe end.

Start-up as the seed (v1-api §4.4): the welcome line, the framing lines, the configuration, the
start-up stop of V2G, SLAC and CP, then per session the CP and SLAC steps (:mod:`.steps`) and one
V2G session (:mod:`.session`). Every way out (the session's end, an EVSE stop, unplugging, a
time-out, a module error, Ctrl-C or SIGTERM cancelling the task) goes through the safe end: Stop
Charging where charging, CP state B, Stop Session, then V2G (v1), SLAC and CP stopped
(:func:`freev2g.apps.common.safe_end`); then ``EV loop finished`` and ``Goodbye!``.

Each session starts with the battery as configured (the same car arriving again), so that
``--sessions N`` runs N comparable sessions.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from freev2g.apps.common import (
    DEFAULT_MAC,
    PilotMonitor,
    Role,
    SessionFailed,
    connect_module,
    quietly,
    safe_end,
    start_control_pilot,
    stop_services,
)
from freev2g.apps.console import Console
from freev2g.apps.ev.session import Clocks, EndReason, EvSession, SessionSummary
from freev2g.apps.ev.steps import match_slac_ev, start_slac_ev, wait_for_evse
from freev2g.client import ClientError, Whitebeet
from freev2g.client.whitebeet import Link
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import netconf
from freev2g.hci.modules import Generation

log = logging.getLogger("freev2g.apps.ev")

WELCOME = "Welcome to Codico Whitebeet EV reference implementation"


@dataclass(frozen=True)
class EvSettings:
    """Everything ``run_ev`` needs besides the link. ``config`` holds the file's values with the
    command line's overrides applied; ``shown_config`` is printed as ``EV configuration: ...`` (the
    seed printed the loaded file). ``time_scale`` makes the battery and schedule run faster than
    the protocol clock (demo); ``notes`` are printed right after the welcome line."""

    config: EvConfig = field(default_factory=EvConfig)
    iface: str = "eth0"
    mac: str = DEFAULT_MAC[Role.EV]
    generation: Generation | None = None
    time_scale: float = 1.0
    print_battery: bool = True
    shown_config: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()

    @property
    def module_mac(self) -> str:
        return self.config.mac or self.mac

    @property
    def session_limit(self) -> int | None:
        sessions = self.config.session.sessions
        return None if sessions == "forever" else int(sessions)


@dataclass
class EvRunResult:
    sessions: list[SessionSummary] = field(default_factory=list)
    error: str | None = None
    firmware: str | None = None
    generation: Generation | None = None

    @property
    def soc_from(self) -> float | None:
        return self.sessions[0].soc_from if self.sessions else None

    @property
    def soc_to(self) -> float | None:
        return self.sessions[-1].soc_to if self.sessions else None

    @property
    def energy_wh(self) -> float:
        return sum(s.energy_wh for s in self.sessions)

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.sessions)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.sessions) and all(s.reason.normal for s in self.sessions)

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1


async def run_ev(link: Link, settings: EvSettings, console: Console) -> EvRunResult:
    """Run the EV application on ``link`` until the configured number of sessions is done.

    Cancelling the task (Ctrl-C, SIGTERM) ends safely, prints the closing lines and re-raises the
    cancellation. A session that fails ends the run after its safe end (the result says why)."""
    console.line(WELCOME)
    for note in settings.notes:
        console.line(note)
    result = EvRunResult()
    wb = await connect_module(link, console, iface=settings.iface, mac=settings.module_mac,
                              generation=settings.generation)
    result.firmware, result.generation = wb.firmware_version, wb.generation
    ended_safely = False
    try:
        if settings.shown_config is not None:
            console.line(f"EV configuration: {settings.shown_config!r}")
        await stop_services(wb, Role.EV)
        if settings.config.session.portmirror:
            await quietly(wb, netconf.SetPortMirrorState(state=netconf.OnOff.ON))
        clocks = Clocks(asyncio.get_running_loop().time, settings.time_scale)
        number = 0
        while settings.session_limit is None or number < settings.session_limit:
            number += 1
            ended_safely = False
            summary = await _one_session(wb, settings, console, clocks, number)
            ended_safely = True
            result.sessions.append(summary)
            if not summary.reason.normal:
                result.error = f"session {number}: {summary.reason.value}" + (
                    f" ({summary.detail})" if summary.detail else "")
                break
    except ClientError as exc:
        result.error = str(exc)
        console.line(f"Error: {exc}")
    finally:
        if not ended_safely:
            await _safe_end(wb)
        console.line("EV loop finished")
        await wb.close()
        console.line("Goodbye!")
    return result


async def _one_session(wb: Whitebeet, settings: EvSettings, console: Console, clocks: Clocks,
                       number: int) -> SessionSummary:
    """One session from CP start to the safe end (which also prepares the next session: the EVSE
    sees the EV's CP and SLAC start again, as after a re-plug)."""
    config = settings.config
    pilot: PilotMonitor | None = None
    session: EvSession | None = None
    try:
        pilot = await start_control_pilot(wb, console, Role.EV)
        await start_slac_ev(wb, console, config.session)
        try:
            await wait_for_evse(wb, console, config.session.evse_timeout)
        except SessionFailed as exc:
            console.line(f"Error: {exc}")
            return SessionSummary(number, EndReason.NO_EVSE, str(exc))
        try:
            await match_slac_ev(wb, console, config.session)
        except SessionFailed as exc:
            return SessionSummary(number, EndReason.SLAC_FAILED, str(exc))
        pilot.vehicle_seen = True  # the EV end reports B-E only: E/F from now on means unplugged
        session = EvSession(wb, config, console, clocks, number, unplugged=pilot.unplugged,
                            print_battery=settings.print_battery)
        try:
            return await session.run()
        except SessionFailed as exc:
            console.line(f"Error: {exc}")
            return session.summary
    except asyncio.CancelledError:
        if session is not None:
            session.summary.reason = EndReason.INTERRUPTED
        raise
    finally:
        if pilot is not None:
            pilot.close()
        await _safe_end(wb, session)


async def _safe_end(wb: Whitebeet, session: EvSession | None = None) -> None:
    """Stop Charging where charging, CP state B, Stop Session, then V2G, SLAC and CP stopped."""
    try:
        if session is not None:
            await session.abandon()
        await safe_end(wb, Role.EV)
    except ClientError as exc:
        log.warning("safe end: %s", exc)
