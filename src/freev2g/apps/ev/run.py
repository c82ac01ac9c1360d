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
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from freev2g.apps.common import (
    DEFAULT_MAC,
    SLAC_WRONG_STATE,
    UNEXPECTED,
    PilotMonitor,
    Role,
    SessionFailed,
    connect_module,
    quietly,
    start_control_pilot,
    stop_services,
)
from freev2g.apps.console import Console
from freev2g.apps.ev.session import EvSession
from freev2g.apps.ev.steps import evse_offers_charging, match_slac_ev, start_slac_ev, wait_for_evse
from freev2g.apps.ev.summary import Clocks, EndReason, SessionSummary
from freev2g.client import ClientError, Whitebeet
from freev2g.client.whitebeet import Link
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import cp, netconf, slac
from freev2g.hci.catalog.cp import ControlPilotState
from freev2g.hci.modules import Generation
from freev2g.sessionlog import events as session_events
from freev2g.sessionlog.records import ev_session_end

log = logging.getLogger("freev2g.apps.ev")

UNPLUGGED_STATES = (ControlPilotState.E, ControlPilotState.F)  # what an EV measures without an EVSE
UNPLUG_GRACE = 0.5  # s
LINK_SETTLE = 1.0  # s

WELCOME = "Welcome to Codico Whitebeet EV reference implementation"


@dataclass(frozen=True)
class EvSettings:
    """Everything ``run_ev`` needs besides the link. ``config`` holds the file's values with the
    command line's overrides applied; ``shown_config`` is printed as ``EV configuration: ...`` (the
    seed printed the loaded file). ``time_scale`` makes the battery and schedule run faster than
    the protocol clock (demo); ``notes`` are printed right after the welcome line."""

    config: EvConfig = field(default_factory=EvConfig)
    iface: str | None = None  # None: the link's description
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
    wb = await connect_module(link, console, iface=settings.iface or link.description,
                              mac=settings.module_mac, generation=settings.generation)
    result.firmware, result.generation = wb.firmware_version, wb.generation
    try:
        if settings.shown_config is not None:
            console.line(f"EV configuration: {settings.shown_config!r}")
        await _stop_services(wb)
        if settings.config.session.portmirror:
            await quietly(wb, netconf.SetPortMirrorState(state=netconf.OnOff.ON))
        clocks = Clocks(asyncio.get_running_loop().time, settings.time_scale)
        number = 0
        linked = False
        while settings.session_limit is None or number < settings.session_limit:
            number += 1
            summary = await _one_session(wb, settings, console, clocks, number, linked)
            if linked and summary.protocol is None and not summary.reason.normal \
                    and summary.reason is not EndReason.INTERRUPTED:
                # The link did not carry a new session after all: start over with CP and SLAC.
                log.info("no session on the old link (%s): CP and SLAC again", summary.reason.value)
                summary = await _one_session(wb, settings, console, clocks, number, False)
            result.sessions.append(summary)
            session_events.session_end(**ev_session_end(summary))
            if not summary.reason.normal:
                result.error = f"session {number}: {summary.reason.value}" + (
                    f" ({summary.detail})" if summary.detail else "")
                break
            linked = True
    except ClientError as exc:
        result.error = str(exc)
        console.line(f"Error: {exc}")
    finally:
        await _safe_end(wb)
        console.line("EV loop finished")
        await wb.close()
        console.line("Goodbye!")
    return result


async def _one_session(wb: Whitebeet, settings: EvSettings, console: Console, clocks: Clocks,
                       number: int, linked: bool) -> SessionSummary:
    """One session. After a session that ended normally the CP and SLAC services keep running:
    while the EVSE still offers a PWM the next V2G session starts on the same link (the EVSE kept
    listening); once the EVSE went back to 100 % (it ended its side, or the cable was re-plugged)
    the CP and SLAC steps run again. A failed session is abandoned (Stop Charging, CP state B,
    Stop Session); the caller's safe end then stops the services."""
    config = settings.config
    pilot: PilotMonitor | None = None
    session: EvSession | None = None
    try:
        if linked and await _still_linked(wb):
            pilot = PilotMonitor(wb)
            console.line("EVSE connected")
        else:
            if linked:
                await _stop_services(wb)
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
                            print_battery=settings.print_battery, module_mac=settings.module_mac)
        try:
            summary = await session.run()
        except SessionFailed as exc:
            console.line(f"Error: {exc}")
            await session.abandon()
            return session.summary
        if not summary.reason.normal and await _unplugged(pilot):
            summary.reason, summary.detail = EndReason.UNPLUGGED, "the EVSE is gone (CP state E/F)"
        return summary
    except asyncio.CancelledError:
        if session is not None:
            session.summary.reason = EndReason.INTERRUPTED
            await session.abandon()
        raise
    finally:
        if pilot is not None:
            pilot.close()


async def _unplugged(pilot: PilotMonitor) -> bool:
    """Whether the cable was pulled: a session error from a lost link may arrive before the CP
    service has measured the unplug (it debounces the line), so give it a moment."""
    try:
        await pilot.wait_for(lambda state: state in UNPLUGGED_STATES, UNPLUG_GRACE)
    except TimeoutError:
        return pilot.unplugged.is_set()
    return True


async def _still_linked(wb: Whitebeet) -> bool:
    """Whether the EVSE still offers a PWM ``LINK_SETTLE`` s after a session: an EVSE that ends its
    side goes back to 100 % within that time."""
    with wb.statuses(cp.DutyCycleChanged) as changes:
        if not evse_offers_charging(await _duty_cycle(wb)):
            return False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(LINK_SETTLE):
                while True:
                    change = await changes.get()
                    if not evse_offers_charging(change.duty_cycle):
                        return False
    return evse_offers_charging(await _duty_cycle(wb))


async def _duty_cycle(wb: Whitebeet) -> int:
    return (await wb.call(cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response)).duty_cycle


async def _safe_end(wb: Whitebeet, session: EvSession | None = None) -> None:
    """Stop Charging where charging, CP state B, Stop Session, then V2G, SLAC and CP stopped."""
    try:
        if session is not None:
            await session.abandon()
        await _stop_services(wb)
    except ClientError as exc:
        log.warning("safe end: %s", exc)


V2G_STOP_FIRMWARES = ("V01_00_04", "V01_00_05")
"""EV firmwares of manuals 2.11 / 2.11.2 with the legacy V2G Stop 0x43 (2.11 p120); V01_00_06
(the EV API of manual 2.14) has none (v1-api §2.9), although its version reads as generation v1."""


async def _stop_services(wb: Whitebeet) -> None:
    """V2G (where the firmware has a stop), SLAC and CP stopped, "already stopped" accepted."""
    if wb.generation is Generation.V1 and any(v in (wb.firmware_version or "") for v in V2G_STOP_FIRMWARES):
        await stop_services(wb, Role.EV)
        return
    await quietly(wb, slac.StopSlac(), (SLAC_WRONG_STATE,))
    await quietly(wb, cp.Stop(), (UNEXPECTED,))
