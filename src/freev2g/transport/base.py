"""The interface every transport offers to the client and to the emulator.

A transport carries HCI framing bytes (manual 2.14 §10.1, p45) between the host and the
module, over raw Ethernet (§9.1, p38-p39), SPI (§9.2, p40-p44) or memory. It does not parse
frames: the framing protocol is a byte stream, and the consumer feeds the chunks it receives
into a :class:`~freev2g.hci.parser.FrameParser`.

Life cycle: construct, ``await open(on_data)``, ``await send(...)`` any number of times,
``await close()``. ``async with`` closes the transport on exit; it does not open it, because
opening needs the receive callback::

    async with EthernetTransport("eth0", "00:01:01:63:77:33") as link:
        await link.open(parser_callback)
        await link.send(frame.encode())
"""

from __future__ import annotations

import abc
import asyncio
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from freev2g.transport.capture import Capture

log = logging.getLogger(__name__)

DataCallback = Callable[[bytes], None]


class TransportError(Exception):
    """A transport fault, stated in one line that says what to do (the CLI prints it as is)."""


class Drop(enum.StrEnum):
    """Why a received frame was dropped (keys of :attr:`TransportStats.dropped`)."""

    WRONG_SOURCE = "wrong source MAC"
    BAD_CONTROL_HEADER = "bad control header"
    OWN_FRAME = "own frame"
    NOT_OPEN = "receiver not open"


@dataclass(slots=True)
class TransportStats:
    """Counters of one transport.

    ``frames_*`` count link-level units: Ethernet frames, SPI data exchanges that carried data
    in that direction, or memory deliveries. ``bytes_*`` count HCI framing bytes only (no
    Ethernet or control header, no padding, no SPI identifiers).
    """

    frames_sent: int = 0
    bytes_sent: int = 0
    frames_received: int = 0
    bytes_received: int = 0
    dropped: dict[Drop, int] = field(default_factory=dict)

    def drop(self, reason: Drop) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


class _State(enum.Enum):
    NEW = "not open"
    OPEN = "open"
    CLOSED = "closed"


class Transport(abc.ABC):
    """Abstract byte-stream link to one peer.

    Subclasses implement :meth:`_open`, :meth:`_send` and :meth:`_close`; this class keeps the
    life cycle, serialises :meth:`send` (so the frames of concurrent sends never interleave on
    the stream) and owns the optional capture.
    """

    def __init__(self, capture: Capture | None = None) -> None:
        self.stats = TransportStats()
        self._capture = capture
        self._on_data: DataCallback | None = None
        self._state = _State.NEW
        self._send_lock = asyncio.Lock()

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """Where the transport leads, for logs and messages, e.g. ``eth0 00:01:01:63:77:33``."""

    @property
    def capture(self) -> Capture | None:
        """The capture recording this transport's frames, if any."""
        return self._capture

    @property
    def is_open(self) -> bool:
        return self._state is _State.OPEN

    async def open(self, on_data: DataCallback) -> None:
        """Start receiving.

        ``on_data`` is called from the event loop with chunks of framing bytes from the peer,
        in order. A chunk may hold several frames or a part of one. An exception raised by
        ``on_data`` is logged and does not stop the transport. Raises :class:`TransportError`
        if the link cannot be opened; the transport may then be opened again.
        """
        if self._state is not _State.NEW:
            raise TransportError(f"{self.description}: transport is already {self._state.value}")
        self._on_data = on_data
        await self._open()
        self._state = _State.OPEN

    async def send(self, data: bytes) -> None:
        """Send framing bytes (one or more complete frames).

        Returns when the link has taken the bytes: the kernel for Ethernet, the last SPI data
        exchange that carried them for SPI, the event loop's queue for memory. Concurrent calls
        are sent one after the other.
        """
        if self._state is not _State.OPEN:
            raise TransportError(f"{self.description}: cannot send, transport is {self._state.value}")
        if not data:
            return
        async with self._send_lock:
            if self._state is not _State.OPEN:
                raise TransportError(f"{self.description}: closed while a send was waiting")
            await self._send(bytes(data))

    async def close(self) -> None:
        """Stop receiving and release the link and the capture file; a second call does nothing."""
        if self._state is _State.CLOSED:
            return
        was_open = self._state is _State.OPEN
        self._state = _State.CLOSED
        try:
            if was_open:
                await self._close()
        finally:
            if self._capture is not None:
                self._capture.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abc.abstractmethod
    async def _open(self) -> None:
        """Acquire the link and start receiving; release everything again on failure."""

    @abc.abstractmethod
    async def _send(self, data: bytes) -> None:
        """Send non-empty framing bytes; called with the send lock held."""

    @abc.abstractmethod
    async def _close(self) -> None:
        """Stop receiving and release the link (only called after a successful open)."""

    def _count_sent(self, data: bytes) -> None:
        self.stats.frames_sent += 1
        self.stats.bytes_sent += len(data)

    def _deliver(self, data: bytes) -> None:
        """Count one received link frame and pass its framing bytes to the consumer."""
        self.stats.frames_received += 1
        self.stats.bytes_received += len(data)
        if not data or self._on_data is None:
            return
        try:
            self._on_data(data)
        except Exception:
            # A bug in the consumer must not stop the receive path of the link.
            log.exception("%s: receive callback failed", self.description)
