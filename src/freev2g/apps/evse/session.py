"""What the v1 and v2 EVSE sessions share: the context, answering within deadlines, background
steps (authorization, isolation test), the end conditions and the common console lines."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from freev2g.apps.common import PilotMonitor, SessionFailed
from freev2g.apps.console import Console
from freev2g.apps.evse.authorization import AuthorizationRequest, Authorizer
from freev2g.apps.evse.charging import ChargerDriver
from freev2g.apps.evse.report import SessionSummary, number
from freev2g.client import ClientError, CommandRejected, Whitebeet
from freev2g.config.evse_schema import EvseSettings
from freev2g.hci.catalog.v2g_types import IsolationLevel
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId
from freev2g.models.charger import IsolationVerdict
from freev2g.sessionlog import events as session_events

log = logging.getLogger("freev2g.apps.evse")

ISOLATION_LEVEL = {
    IsolationVerdict.VALID: IsolationLevel.VALID,
    IsolationVerdict.WARNING: IsolationLevel.WARNING,
    IsolationVerdict.FAULT: IsolationLevel.FAULT,
    IsolationVerdict.NO_IMD: IsolationLevel.NO_IMD,
}
ISOLATION_POLL = 0.05  # s between looks at the isolation test while it runs


class SessionEnded(Exception):
    """The module reported the end of the session (normal or after an error)."""


@dataclass
class EvseContext:
    wb: Whitebeet
    settings: EvseSettings
    console: Console
    driver: ChargerDriver
    authorizer: Authorizer
    pilot: PilotMonitor | None = None


@dataclass
class SessionBase:
    """One V2G session: a receive loop over the V2G status messages, with answers in time."""

    ctx: EvseContext
    summary: SessionSummary = field(default_factory=SessionSummary)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _failure: BaseException | None = None
    _receiver: asyncio.Task[None] | None = None

    @property
    def wb(self) -> Whitebeet:
        return self.ctx.wb

    @property
    def say(self) -> Any:
        return self.ctx.console.line

    @staticmethod
    def now() -> float:
        return asyncio.get_running_loop().time()

    # -- the session ----------------------------------------------------------------------------

    async def configure(self) -> None:
        raise NotImplementedError

    async def handle(self, message: Any, received: float) -> None:
        raise NotImplementedError

    async def finish(self) -> None:
        """Called once the session is over, however it ended (the periodic updates stop)."""

    async def run(self) -> SessionSummary:
        """Configure, start and serve one session until the module reports its end, the EV is
        unplugged, the module falls silent, or a step fails; always with the charger stopped."""
        started = self.now()
        try:
            with self.wb.statuses(module=ModuleId.V2G) as inbox:
                await self.configure()
                self.summary.end = "waiting for the EV"
                receive = asyncio.create_task(self._receive(inbox), name="evse-session")
                self._receiver = receive
                waits: set[asyncio.Future[Any]] = {receive}
                unplug: asyncio.Task[Any] | None = None
                if self.ctx.pilot is not None:
                    unplug = asyncio.create_task(self.ctx.pilot.unplugged.wait(), name="unplug")
                    waits.add(unplug)
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in waits:
                        task.cancel()
                if unplug is not None and unplug.done() and not unplug.cancelled() and not receive.done():
                    self.say("EV disconnected")
                    self.summary.end = "unplugged"
                    raise SessionFailed("the EV was unplugged")
                if receive.cancelled():
                    raise self._failure or SessionFailed("the session was cancelled")
                exc = receive.exception()
                if exc is not None:
                    raise exc
        finally:
            for task in self._tasks:
                task.cancel()
            self.ctx.driver.stop()
            await self.finish()
            self.summary.duration_s = self.now() - started
            self.summary.energy_wh = self.ctx.driver.delivery.energy_wh
            self.summary.peak_power_w = self.ctx.driver.delivery.peak_power_w
        return self.summary

    async def _receive(self, inbox: Any) -> None:
        timeouts = self.ctx.settings.timeouts
        while True:
            if self._failure is not None:
                raise self._failure
            idle = timeouts.session_idle if self.summary.session_id else timeouts.session_start
            try:
                message = await inbox.get(idle)
            except TimeoutError:
                self.say(f"We did not receive a frame before the timeout of {number(idle)}s")
                self.summary.end = "module silent"
                raise SessionFailed(f"no V2G message within {idle:g} s") from None
            except StopAsyncIteration:
                raise SessionFailed("the connection to the module was closed") from None
            try:
                await self.handle(message, self.now())
            except SessionEnded:
                return

    # -- helpers --------------------------------------------------------------------------------

    def background(self, step: Coroutine[Any, Any, None]) -> None:
        """Run a step that must not hold up the answers to other requests (the operator's
        answer, the isolation test); a failure of it ends the session."""
        task = asyncio.create_task(step)
        self._tasks.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                self._failure = finished.exception()
                log.debug("background step failed: %s", self._failure)
                if self._receiver is not None:
                    self._receiver.cancel()  # end the session now, not at the next message

        task.add_done_callback(done)

    async def answer(self, name: str, received: float, timeout_ms: int | None, command: Command) -> None:
        """Send the answer to a module request and record the reaction time against its deadline.
        A rejection (e.g. 0x11: the module gave up waiting) ends the session."""
        try:
            await self.wb.request(command)
        except CommandRejected as exc:
            self.say(f"The module did not accept the answer: {exc}")
            self.summary.end = "module error"
            raise SessionFailed(str(exc)) from None
        except ClientError as exc:
            self.summary.end = "module error"
            raise SessionFailed(str(exc)) from None
        deadline = timeout_ms / 1000 if timeout_ms is not None else None
        self.summary.react(name, self.now() - received, deadline)

    async def authorize(self, request: AuthorizationRequest) -> bool:
        decided = await self.ctx.authorizer.decide(request, self.ctx.console)
        self.summary.authorized = decided
        return decided

    async def isolation_verdict(self, within: float) -> IsolationVerdict:
        """Run the isolation test of the cable check; a test still running when ``within`` is
        over counts as a fault."""
        deadline = self.now() + within
        while True:
            verdict = self.ctx.driver.isolation_test()
            if verdict is not None:
                return verdict
            if self.now() >= deadline:
                log.warning("isolation test not finished within %.2f s", within)
                return IsolationVerdict.FAULT
            await asyncio.sleep(min(ISOLATION_POLL, max(0.0, deadline - self.now())))

    async def cable_isolated(self, timeout_ms: int) -> bool:
        """The cable check's verdict within 80 % of the module's ``timeout_ms``; a failure is
        printed."""
        verdict = await self.isolation_verdict(max(0.0, timeout_ms / 1000 * 0.8))
        ok = verdict in (IsolationVerdict.VALID, IsolationVerdict.WARNING, IsolationVerdict.NO_IMD)
        if not ok:
            self.say(f"Isolation test failed: {verdict.value}")
        return ok

    @property
    def isolation(self) -> IsolationLevel:
        verdict = self.ctx.driver.isolation
        return ISOLATION_LEVEL[verdict] if verdict is not None else IsolationLevel.INVALID

    # -- console lines shared by both generations ----------------------------------------------

    def ev_value(self, label: str, value: float | None, unit: str) -> None:
        if value is not None:
            self.say(f"{label}: {number(value)}{unit}")

    def session_stopped(self, stop_requested: bool) -> None:
        """Session Stopped: a completed session if the EV had asked to stop charging; otherwise the
        module ended it early (refused authorization, a missed deadline, an unplug, an error)."""
        self.ctx.driver.stop()
        self.summary.completed = stop_requested
        self.summary.end = "session stopped" if stop_requested else "session stopped early"

    def session_started(self, protocol: int, protocol_name: str, session_id: bytes, evcc_id: bytes) -> None:
        self.say('"Session started" received')
        self.say(f"Protocol: {protocol}")
        self.say(f"Session ID: {session_id.hex()}")
        self.say(f"EVCC ID: {evcc_id.hex()}")
        self.summary.protocol = protocol_name
        self.summary.session_id = session_id.hex()
        self.summary.evcc_id = evcc_id.hex()
        session_events.session_start(protocol_name, session_id=session_id.hex(), evcc_id=evcc_id.hex())
        self.summary.end = "in session"
