"""The machinery under the EVCC engine (``evcc.py``): connection, ending, timers, gates, loops.

Rules kept here for every step (the module docstring of ``evcc.py`` has the flow):

* The session ends exactly once (:meth:`EvccCore._finish`): the connection is closed, every timer
  cancelled, and the controller hears ``session_ended``. A controller call may end the session
  (an EV module's host misses a deadline): each step checks :attr:`EvccCore._running` after one.
* A *gate* is a controller decision the flow waits for with nothing on the wire. A *loop* repeats
  its request every loop interval until its gate resolves: the gate is checked after each
  response, and a gate that resolves between two requests moves the flow at once; a failed gate
  ends the session (FAILED), even with a request on the wire.
* Repeated requests (Ongoing answers and loops) go out one loop interval after the previous one.
* ``silence`` stops all of this without closing: only the connection's close is still heard.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.evcc_api import EvController, EvSessionConfig, EvStep
from freev2g.emulator.v2g.evcc_exchange import Exchange, ExchangeError
from freev2g.emulator.v2g.link import LinkEnd, V2gNetwork
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionEndKind

log = logging.getLogger("freev2g.emulator.v2g.evcc")

T = TypeVar("T")
R = TypeVar("R", bound=m.V2gResponse)


class _State(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    RUNNING = "running"
    SILENT = "silent"  # connected or connecting, sends nothing more, waits for the close
    ENDED = "ended"


@dataclass(eq=False)
class Loop(Generic[T]):
    """A repeated request that runs until ``gate`` resolves; then ``leave`` gets its value."""

    gate: Decision[T]
    gate_name: str
    send: Callable[[], None]
    leave: Callable[[T], None]


class EvccCore:
    """Connection, ending, timers, gates and loops of an EVCC; the steps are :class:`~.evcc.Evcc`."""

    def __init__(self, clock: Clock, network: V2gNetwork, controller: EvController) -> None:
        self._clock = clock
        self._network = network
        self._controller = controller
        self._state = _State.IDLE
        self._config: EvSessionConfig | None = None
        self._end: LinkEnd | None = None
        self._exchange: Exchange | None = None
        self._loop: Loop[Any] | None = None
        self._pace: Timer | None = None  # the next repeated request
        self._phase: Timer | None = None  # Ongoing, cable check or pre-charge timeout

    # --- public -------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Started and not ended (connecting, running or silent)."""
        return self._state in (_State.CONNECTING, _State.RUNNING, _State.SILENT)

    @property
    def silenced(self) -> bool:
        return self._state is _State.SILENT

    @property
    def protocol(self) -> m.V2gProtocol | None:
        return None if self._exchange is None else self._exchange.protocol

    @property
    def session_id(self) -> bytes:
        return m.NO_SESSION if self._exchange is None else self._exchange.session_id

    def start(self) -> None:
        """Discover the SECC, connect and run the session; one session per engine."""
        if self._state is not _State.IDLE:
            raise RuntimeError("an Evcc runs one session; create a new one for the next")
        self._config = self._controller.session_config()
        self._state = _State.CONNECTING
        self._network.connect(self._connected)

    def abort(self, reason: str) -> None:
        """Close the connection at once and end the session with FAILED and ``reason``."""
        if self.active:
            self._finish(SessionEndKind.FAILED, reason)

    def silence(self) -> None:
        """Stop sending, keep the connection open: the SECC's timeouts end the session ("unplug",
        "car silent" faults). The session ends (CONNECTION_LOST) when the connection closes."""
        if self._state in (_State.CONNECTING, _State.RUNNING):
            log.debug("EVCC goes silent")
            self._state = _State.SILENT
            self._stop_timers()

    # --- connection ---------------------------------------------------------------------------

    @property
    def _running(self) -> bool:
        return self._state is _State.RUNNING

    @property
    def _cfg(self) -> EvSessionConfig:
        assert self._config is not None
        return self._config

    @property
    def _dc(self) -> bool:
        return self._cfg.energy_transfer_mode.is_dc

    def _connected(self, end: LinkEnd | None) -> None:
        if self._state is _State.ENDED:  # aborted while discovering
            if end is not None:
                end.close()
            return
        if end is None:
            self._finish(SessionEndKind.CONNECTION_LOST, "no SECC answered SDP")
            return
        self._end = end
        self._exchange = Exchange(self._clock, end, self._exchange_failed)
        end.on_message = self._received
        end.on_close = self._closed
        if self._state is _State.CONNECTING:
            self._state = _State.RUNNING
            self._begin()

    def _begin(self) -> None:
        """The first request on the new connection."""
        raise NotImplementedError

    def _received(self, message: m.V2gMessage) -> None:
        if self._running and self._exchange is not None:
            self._exchange.received(message)

    def _closed(self) -> None:
        self._finish(SessionEndKind.CONNECTION_LOST, "the connection closed")

    def _exchange_failed(self, error: ExchangeError) -> None:
        self._finish(error.kind, error.reason)

    def _finish(self, kind: SessionEndKind, reason: str) -> None:
        if self._state is _State.ENDED:
            return
        self._state = _State.ENDED
        log.debug("EVCC session ends: %s %s", kind.value, reason)
        self._stop_timers()
        end = self._end
        if end is not None:
            end.on_message = end.on_close = None
            end.close()
        self._controller.session_ended(SessionEnd(kind=kind, reason=reason))

    def _stop_timers(self) -> None:
        for timer in (self._pace, self._phase):
            if timer is not None:
                timer.cancel()
        self._pace = self._phase = None
        self._loop = None
        if self._exchange is not None:
            self._exchange.cancel()

    # --- plumbing -----------------------------------------------------------------------------

    def _send(self, request: m.V2gRequest, response_type: type[R], handler: Callable[[R], None]) -> None:
        if self._running:
            assert self._exchange is not None
            self._exchange.send(request, response_type, handler)

    def _repeat(self, send: Callable[[], None]) -> None:
        """Send again one loop interval after the previous request."""
        assert self._exchange is not None
        due = self._exchange.last_sent + self._cfg.loop_interval
        self._pace = self._clock.call_later(max(0.0, due - self._clock.now()),
                                            functools.partial(self._paced, send))

    def _paced(self, send: Callable[[], None]) -> None:
        self._pace = None
        if self._running:
            send()

    def _start_phase(self, seconds: float, what: str) -> None:
        self._end_phase()
        self._phase = self._clock.call_later(
            seconds, functools.partial(self._finish, SessionEndKind.TIMEOUT, what))

    def _end_phase(self) -> None:
        if self._phase is not None:
            self._phase.cancel()
            self._phase = None

    def _step(self, step: EvStep) -> bool:
        """Report ``step``; False when the controller ended the session meanwhile."""
        self._controller.step(step)
        return self._running

    def _evse_response(self, response: m.V2gResponse) -> bool:
        self._controller.evse_response(response)
        return self._running

    def _gate(self, name: str, gate: Decision[T], proceed: Callable[[T], None]) -> None:
        """Wait for ``gate`` with nothing on the wire, then ``proceed`` with its value."""

        def resolved(decision: Decision[T]) -> None:
            if not self._running:
                return
            if decision.failure is not None:
                self._finish(SessionEndKind.FAILED, f"{name} failed: {decision.failure}")
            else:
                proceed(decision.value())

        gate.then(resolved)

    def _enter_loop(self, loop: Loop[Any], *, send_first: bool) -> None:
        self._loop = loop
        if send_first:
            loop.send()
        loop.gate.then(functools.partial(self._loop_gate_done, loop))
        if not send_first and self._loop is loop and self._running:
            self._loop_idle(loop)

    def _loop_gate_done(self, loop: Loop[Any], decision: Decision[Any]) -> None:
        if not self._running or self._loop is not loop:
            return
        assert self._exchange is not None
        if decision.failure is not None:
            self._finish(SessionEndKind.FAILED, f"{loop.gate_name} failed: {decision.failure}")
        elif not self._exchange.busy:  # between two requests: go on now, not at the next tick
            self._leave_loop(loop)

    def _loop_response(self, response: m.V2gResponse) -> None:
        if self._evse_response(response) and self._loop is not None:
            self._loop_idle(self._loop)

    def _loop_idle(self, loop: Loop[Any]) -> None:
        if not loop.gate.done:
            self._repeat(loop.send)
        elif loop.gate.failure is not None:
            self._finish(SessionEndKind.FAILED, f"{loop.gate_name} failed: {loop.gate.failure}")
        else:
            self._leave_loop(loop)

    def _leave_loop(self, loop: Loop[Any]) -> None:
        self._loop = None
        if self._pace is not None:
            self._pace.cancel()
            self._pace = None
        loop.leave(loop.gate.value())
