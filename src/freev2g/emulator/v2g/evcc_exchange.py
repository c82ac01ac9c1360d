"""Request/response plumbing of the EVCC engine: one outstanding request, its timeout, pacing.

An EVCC has at most one request on the wire (DIN SPEC 70121 and ISO 15118-2 are strictly
request/response). :class:`Exchange` sends it stamped with the session ID, arms
``V2G_EVCC_Msg_Timeout`` (``timeouts.evcc_msg_timeout``), checks that the answer is the response
to that request, carries the session ID, and has a positive response code; it then hands the
response to the step that asked. Anything else is a :class:`ExchangeError` for the engine, which
ends the session.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import LinkEnd
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.v2g.timeouts import evcc_msg_timeout

log = logging.getLogger("freev2g.emulator.v2g.evcc")

R = TypeVar("R", bound=m.V2gResponse)

# The responses that carry no header SessionID to check: the handshake has no V2G header, and
# SessionSetupRes is where the EVCC learns the ID.
_NO_SESSION_CHECK = (m.SupportedAppProtocolRes, m.SessionSetupRes)


@dataclass(frozen=True)
class ExchangeError:
    """Why the exchange cannot go on: the session ends with ``kind`` and ``reason``."""

    kind: SessionEndKind
    reason: str


@dataclass
class _Outstanding:
    response_type: type[m.V2gResponse]
    deliver: Callable[[m.V2gResponse], None]
    timeout: float
    timer: Timer | None = None


class Exchange:
    """The EVCC side of one connection. ``on_error`` is called once per failed exchange."""

    def __init__(self, clock: Clock, end: LinkEnd, on_error: Callable[[ExchangeError], None]) -> None:
        self._clock = clock
        self._end = end
        self._on_error = on_error
        self._outstanding: _Outstanding | None = None
        self.protocol: m.V2gProtocol | None = None  # None until supportedAppProtocol is done
        self.session_id = m.NO_SESSION
        self.last_sent = clock.now()

    @property
    def busy(self) -> bool:
        """A request is on the wire and its response has not arrived."""
        return self._outstanding is not None

    def send(self, request: m.V2gRequest, response_type: type[R], handler: Callable[[R], None]) -> None:
        """Send ``request`` (stamped with the session ID) and call ``handler`` with its response."""
        if self._outstanding is not None:
            raise RuntimeError(f"{request.name} while {self._outstanding.response_type.__name__} is awaited")

        def deliver(response: m.V2gResponse) -> None:
            assert isinstance(response, response_type)
            handler(response)

        outstanding = _Outstanding(response_type, deliver, evcc_msg_timeout(request, self.protocol))
        outstanding.timer = self._clock.call_later(outstanding.timeout,
                                                   functools.partial(self._timed_out, outstanding))
        self._outstanding = outstanding
        self.last_sent = self._clock.now()
        log.debug("EVCC -> %s", request.name)
        self._end.send(dataclasses.replace(request, session_id=self.session_id))

    def received(self, message: m.V2gMessage) -> None:
        log.debug("EVCC <- %s", message)
        outstanding = self._outstanding
        if outstanding is None or type(message) is not outstanding.response_type:
            awaited = "nothing" if outstanding is None else outstanding.response_type.__name__
            self._fail(SessionEndKind.SEQUENCE_ERROR, f"unexpected {message.name} (awaiting {awaited})")
            return
        assert isinstance(message, m.V2gResponse)
        self.cancel()
        if not isinstance(message, _NO_SESSION_CHECK) and message.session_id != self.session_id:
            self._fail(SessionEndKind.FAILED, f"{message.name} for session {message.session_id.hex()}, "
                                              f"not {self.session_id.hex()}")
            return
        if not message.response_code.ok:
            # The code's schema name stays in the reason: an EV module maps it to its session error.
            self._fail(SessionEndKind.FAILED, f"{message.name}: {message.response_code.value}")
            return
        outstanding.deliver(message)

    def cancel(self) -> None:
        """Forget the outstanding request (the session ended or the EV went silent)."""
        outstanding, self._outstanding = self._outstanding, None
        if outstanding is not None and outstanding.timer is not None:
            outstanding.timer.cancel()

    def _timed_out(self, outstanding: _Outstanding) -> None:
        if self._outstanding is not outstanding:
            return
        self._fail(SessionEndKind.TIMEOUT,
                   f"no {outstanding.response_type.__name__} within {outstanding.timeout:g} s")

    def _fail(self, kind: SessionEndKind, reason: str) -> None:
        self.cancel()
        self._on_error(ExchangeError(kind, reason))
