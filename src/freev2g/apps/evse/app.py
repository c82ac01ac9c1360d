"""``run_evse``: the EVSE reference application's whole run over one module link.

The flow is the seed's (v1-api §4.3): welcome, framing interface, the start-up stop, CP, SLAC,
then per session: wait for the EV, SLAC matching, the V2G session of the module's API generation
(:mod:`~freev2g.apps.evse.v1` or :mod:`~freev2g.apps.evse.v2`), and the closing lines
``EVSE loop finished`` and ``Goodbye!``. Every path ends safely (issue 5 item 7): charger output
to zero, V2G stopped, SLAC stopped, CP stopped (100 %), whether the EV stopped, was unplugged,
the module fell silent or refused an answer, or Ctrl-C / SIGTERM arrived.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from freev2g.apps import common
from freev2g.apps.common import AppError, Interrupts, PilotMonitor, Role, SessionFailed
from freev2g.apps.console import Console
from freev2g.apps.evse.authorization import Authorizer, LineReader, authorizer
from freev2g.apps.evse.charging import ChargerDriver, simulated_charger
from freev2g.apps.evse.report import EvseRunResult, SessionSummary
from freev2g.apps.evse.session import EvseContext
from freev2g.apps.evse.v1 import V1Session, check_v1_settings
from freev2g.apps.evse.v2 import V2Session
from freev2g.client import ClientError, Whitebeet
from freev2g.client.whitebeet import Link
from freev2g.config.evse_schema import EvseSettings
from freev2g.hci.catalog.netconf import OnOff, SetPortMirrorState
from freev2g.hci.catalog.slac import StopSlac
from freev2g.hci.modules import Generation
from freev2g.models.charger import PowerStage
from freev2g.sessionlog import events as session_events

log = logging.getLogger("freev2g.apps.evse")

UNPLUG_GRACE = 0.1  # s after the session's end in which state A means it was cut short by an unplug
WELCOME = "Welcome to Codico Whitebeet EVSE reference implementation"


async def run_evse(link: Link, settings: EvseSettings, console: Console, *,
                   generation: Generation | None = None, interrupts: Interrupts | None = None,
                   reader: LineReader | None = None, stage: PowerStage | None = None,
                   iface: str | None = None, portmirror: bool | None = None,
                   config_source: str = "settings",
                   on_connected: Callable[[Whitebeet], None] | None = None) -> EvseRunResult:
    """Run the EVSE application over ``link`` until its sessions are done.

    ``generation`` forces the API generation (default: from the firmware version);
    ``interrupts`` is where Ctrl-C / SIGTERM are recorded (their cancellation of this task ends
    the run safely with exit status 130 / 143); ``reader`` supplies the operator's answers for
    ``authorization = "prompt"`` (default: standard input); ``stage`` replaces the simulated
    charger by real power electronics. Raises :class:`AppError` (one line) when the module cannot
    be reached or the settings do not suit its firmware.
    """
    result = EvseRunResult()
    auth: Authorizer = authorizer(settings.authorization, reader, settings.timeouts.authorization_prompt)
    console.line(WELCOME)
    wb = await common.connect_module(link, console, iface=iface or settings.interface or link.description,
                                     mac=settings.mac, generation=generation)
    result.firmware, result.generation = wb.firmware_version, wb.generation.value
    if on_connected is not None:
        on_connected(wb)
    loop = asyncio.get_running_loop()
    driver = ChargerDriver(stage or simulated_charger(settings.charger), loop.time)
    pilot: PilotMonitor | None = None
    running: set[str] = set()  # the services the safe end must still stop
    try:
        if wb.generation is Generation.V1:
            check_v1_settings(settings, config_source)
        await common.stop_services(wb, Role.EVSE)
        if portmirror is not None:
            await common.quietly(wb, SetPortMirrorState(state=OnOff.ON if portmirror else OnOff.OFF))
        running.add("cp")
        pilot = await common.start_control_pilot(wb, console, Role.EVSE)
        context = EvseContext(wb, settings, console, driver, auth, pilot)
        await _sessions(context, result, running)
        console.line("EVSE loop finished")
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if interrupts is None or interrupts.received is None or task is None:
            raise
        task.uncancel()
        result.exit_status = interrupts.exit_status or 130
        console.line("EVSE loop finished")
    except ClientError as exc:
        result.error = str(exc)
        result.exit_status = 1
        console.line(f"Module error: {exc}")
        console.line("EVSE loop finished")
    finally:
        driver.stop()
        try:
            await common.safe_end(wb, Role.EVSE, running)
        finally:
            if pilot is not None:
                pilot.close()
            await wb.close()
    console.line("Goodbye!")
    if result.exit_status == 0 and result.completed_sessions < len(result.sessions):
        result.exit_status = 1
    return result


def _more(settings: EvseSettings, done: int) -> bool:
    return settings.sessions == "forever" or done < int(settings.sessions)


async def _sessions(ctx: EvseContext, result: EvseRunResult, running: set[str]) -> None:
    wb, console, settings = ctx.wb, ctx.console, ctx.settings
    assert ctx.pilot is not None
    while _more(settings, len(result.sessions)):
        summary = SessionSummary()
        result.sessions.append(summary)
        ctx.driver.reset_session()
        try:
            running.update(("slac", "v2g"))
            await common.start_slac(wb, console, Role.EVSE)
            if len(result.sessions) > 1 and ctx.pilot.vehicle_seen:
                console.line("Wait until the EV is unplugged")  # a new session needs a new plug-in
                await common.wait_for_unplug(ctx.pilot, settings.timeouts.ev_connect)
            await common.wait_for_vehicle(ctx.pilot, console, settings.timeouts.ev_connect)
            await common.match_slac_evse(wb, console, settings.timeouts.slac_matching)
            session_type = V1Session if wb.generation is Generation.V1 else V2Session
            session = session_type(ctx, summary)
            await session.run()
            if await common.wait_for_unplug(ctx.pilot, UNPLUG_GRACE):
                # The module may report the end of a session cut short by an unplug before the
                # CP service reports state A: still an unplug, not a completed session.
                console.line("EV disconnected")
                summary.end, summary.completed = "unplugged", False
        except SessionFailed as exc:
            log.info("session %d ended: %s", len(result.sessions), exc)
            if summary.end in ("not started", "waiting for the EV", "in session"):
                summary.end = str(exc)
        finally:
            ctx.driver.stop()
            if not wb_closed(wb):
                await common.stop_v2g(wb, Role.EVSE)
                await common.return_to_x1(wb)
                await common.quietly(wb, StopSlac(), (common.SLAC_WRONG_STATE,))
                running.difference_update(("slac", "v2g"))
        log.info("session %d: %s", len(result.sessions), summary.to_json())
        session_events.session_end(**summary.to_json())
        if not summary.completed and summary.end == "no EV connected":
            break


def wb_closed(wb: Whitebeet) -> bool:
    return bool(getattr(wb, "_closed", False))


__all__ = ["AppError", "EvseRunResult", "run_evse"]
