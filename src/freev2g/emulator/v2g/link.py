"""The V2G link between an EVCC and an SECC: the stand-in for SDP plus a TCP connection.

Module logic sees only :class:`LinkEnd` (send a message, get messages, close) and
:class:`V2gNetwork` (the SECC listens, the EVCC connects). :class:`MemoryNetwork` delivers typed
messages on the injected clock after a small latency; a real EXI-over-TCP network can implement
the same two interfaces later without touching the engines.

The network exists only while the PLC link is up (SLAC matched): ``connect`` fails otherwise,
as SDP would time out, and losing the PLC link closes every open connection.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable
from typing import Protocol

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.v2g.messages import V2gMessage

log = logging.getLogger("freev2g.emulator.v2g")

SDP_INTERVAL = 0.25  # s between SDP requests (iso15118-facts §3.4)
SDP_ATTEMPTS = 50
SDP_TIMEOUT = SDP_INTERVAL * SDP_ATTEMPTS


class LinkEnd(Protocol):
    """One end of an open V2G connection."""

    on_message: Callable[[V2gMessage], None] | None
    on_close: Callable[[], None] | None

    @property
    def open(self) -> bool: ...

    def send(self, message: V2gMessage) -> None: ...

    def close(self) -> None: ...


Accept = Callable[[LinkEnd], None]


class V2gNetwork(Protocol):
    def listen(self, accept: Accept) -> None:
        """The SECC accepts connections (Start Listen / Start V2G) until :meth:`stop_listening`."""

    def stop_listening(self) -> None: ...

    def connect(self, done: Callable[[LinkEnd | None], None]) -> None:
        """The EVCC discovers the SECC and connects; ``done(None)`` when nobody answers."""


class _MemoryEnd:
    def __init__(self, network: MemoryNetwork, name: str) -> None:
        self._network = network
        self.name = name
        self.peer: _MemoryEnd | None = None
        self.on_message: Callable[[V2gMessage], None] | None = None
        self.on_close: Callable[[], None] | None = None
        self._open = True
        # What travels to this end, in sending order (TCP never reorders): due time, then the
        # message, or None for the FIN. One timer drains it, so equal due times keep their order.
        self._inbox: collections.deque[tuple[float, V2gMessage | None]] = collections.deque()
        self._pump: Timer | None = None

    @property
    def open(self) -> bool:
        return self._open

    def send(self, message: V2gMessage) -> None:
        if not self._open or self.peer is None:
            log.debug("%s: %s dropped, connection closed", self.name, message.name)
            return
        self._network.deliver(self.peer, message)

    def close(self) -> None:
        """Close both ends (TCP FIN reaches the peer after the latency)."""
        if not self._open:
            return
        self._open = False
        self._network.forget(self)
        peer = self.peer
        if peer is not None and peer.open:
            peer.arrive(self._network.latency, None)

    def closed_by_peer(self) -> None:
        if not self._open:
            return
        self._open = False
        self._network.forget(self)
        if self.on_close is not None:
            self.on_close()

    def arrive(self, delay: float, item: V2gMessage | None) -> None:
        """``item`` (None: the peer's FIN) reaches this end ``delay`` seconds from now, after
        everything sent before it."""
        clock = self._network.clock
        due = max(clock.now() + delay, self._inbox[-1][0] if self._inbox else 0.0)
        self._inbox.append((due, item))
        if self._pump is None:
            self._pump = clock.call_later(due - clock.now(), self._drain)

    def _drain(self) -> None:
        self._pump = None
        clock = self._network.clock
        while self._inbox and self._inbox[0][0] <= clock.now() + 1e-9:
            _, item = self._inbox.popleft()
            if item is None:
                self.closed_by_peer()
            elif self._open and self.on_message is not None:
                self.on_message(item)
        if self._inbox:
            self._pump = clock.call_later(self._inbox[0][0] - clock.now(), self._drain)


class MemoryNetwork:
    """In-memory V2G network over one PLC link; ``up`` says whether the link carries traffic.

    ``filter`` (fault injection) sees every message before delivery and returns the messages to
    deliver (none to drop it, two to duplicate it) and an extra delay in seconds.
    """

    def __init__(self, clock: Clock, *, latency: float = 0.002,
                 up: Callable[[], bool] = lambda: True) -> None:
        self.clock = clock
        self.latency = latency
        self.up = up
        self.filter: Callable[[V2gMessage], tuple[list[V2gMessage], float]] | None = None
        self._accept: Accept | None = None
        self._ends: list[_MemoryEnd] = []
        self.connections = 0  # opened so far
        self.closed = 0  # closed at both ends so far
        self.on_connected: list[Callable[[], None]] = []  # observers: a connection opened
        self.on_closed: list[Callable[[], None]] = []  # observers: a connection ended (session counts)

    @property
    def listening(self) -> bool:
        return self._accept is not None

    def listen(self, accept: Accept) -> None:
        self._accept = accept

    def stop_listening(self) -> None:
        self._accept = None

    def connect(self, done: Callable[[LinkEnd | None], None]) -> None:
        """SDP: a request every ``SDP_INTERVAL`` until an SECC listens on a live link, at most
        ``SDP_ATTEMPTS`` times (iso15118-facts §3.4); then the TCP connection."""
        self._discover(done, SDP_ATTEMPTS)

    def _discover(self, done: Callable[[LinkEnd | None], None], attempts_left: int) -> None:
        if self._accept is not None and self.up():
            self.clock.call_later(2 * self.latency, lambda: self._open(done))  # SDP round trip
        elif attempts_left <= 1:
            self.clock.call_later(SDP_INTERVAL, lambda: done(None))
        else:
            self.clock.call_later(SDP_INTERVAL, lambda: self._discover(done, attempts_left - 1))

    def _open(self, done: Callable[[LinkEnd | None], None]) -> None:
        if self._accept is None or not self.up():  # gone during the round trip
            done(None)
            return
        evcc, secc = _MemoryEnd(self, "EVCC"), _MemoryEnd(self, "SECC")
        evcc.peer, secc.peer = secc, evcc
        self._ends += [evcc, secc]
        self.connections += 1
        self._accept(secc)
        done(evcc)
        for observer in list(self.on_connected):
            observer()

    def drop_all(self) -> None:
        """The PLC link went down: every connection ends for both sides, after what was already
        on its way (the module sent it before the link went)."""
        for end in list(self._ends):
            end.arrive(0.0, None)

    def deliver(self, to: _MemoryEnd, message: V2gMessage) -> None:
        messages, delay = ([message], 0.0) if self.filter is None else self.filter(message)
        for item in messages:
            to.arrive(self.latency + delay, item)

    def forget(self, end: _MemoryEnd) -> None:
        if end not in self._ends:
            return
        self._ends.remove(end)
        if end.peer is None or end.peer not in self._ends:
            self.closed += 1
            for observer in list(self.on_closed):
                observer()
