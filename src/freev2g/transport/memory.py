"""An in-memory link between two transports, for tests and for the emulator.

Delivery is asynchronous (``loop.call_soon``) and keeps the order of the bytes, as a real link
does: :meth:`~freev2g.transport.base.Transport.send` returns before the peer sees the data.
With ``chunk_size`` every send is cut into deliveries of at most that many bytes, so that
consumers meet frames split anywhere. Bytes that arrive while the receiving end is not open
are lost and counted there (:attr:`Drop.NOT_OPEN`), as on a wire.
"""

from __future__ import annotations

import asyncio

from freev2g.transport.base import Drop, Transport, TransportError
from freev2g.transport.capture import HOST_MAC, MODULE_MAC, CaptureTarget, open_capture


class MemoryTransport(Transport):
    """One end of a :class:`MemoryLink`; create ends with :meth:`MemoryLink.pair`."""

    def __init__(
        self,
        name: str,
        *,
        chunk_size: int | None = None,
        capture: CaptureTarget | None = None,
        local_mac: str = HOST_MAC,
        peer_mac: str = MODULE_MAC,
    ) -> None:
        if chunk_size is not None and chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
        super().__init__(open_capture(capture, local_mac=local_mac, peer_mac=peer_mac))
        self.name = name
        self._chunk_size = chunk_size
        self._peer: MemoryTransport | None = None

    @property
    def description(self) -> str:
        peer = self._peer.name if self._peer else "nothing"
        return f"memory {self.name} -> {peer}"

    def connect(self, peer: MemoryTransport) -> None:
        """Deliver what this end sends to ``peer`` (one direction; :meth:`MemoryLink.pair` does both)."""
        self._peer = peer

    async def _open(self) -> None:
        if self._peer is None:
            raise TransportError(f"{self.description}: not connected to a peer")

    async def _send(self, data: bytes) -> None:
        assert self._peer is not None  # checked by _open
        loop = asyncio.get_running_loop()
        size = self._chunk_size or len(data)
        for start in range(0, len(data), size):
            chunk = data[start : start + size]
            self._count_sent(chunk)
            if self._capture is not None:
                self._capture.sent(chunk)
            loop.call_soon(self._peer._arrive, chunk)

    async def _close(self) -> None:
        pass

    def _arrive(self, chunk: bytes) -> None:
        if not self.is_open:
            self.stats.drop(Drop.NOT_OPEN)
            return
        if self._capture is not None:
            self._capture.received(chunk)
        self._deliver(chunk)


class MemoryLink:
    """Factory of connected :class:`MemoryTransport` pairs."""

    @staticmethod
    def pair(
        *,
        chunk_size: int | None = None,
        capture: CaptureTarget | None = None,
        module_capture: CaptureTarget | None = None,
        host_mac: str = HOST_MAC,
        module_mac: str = MODULE_MAC,
    ) -> tuple[MemoryTransport, MemoryTransport]:
        """Return ``(host_end, module_end)``, connected both ways.

        ``capture`` records at the host end, ``module_capture`` at the module end; the MACs
        address the synthetic Ethernet frames of those captures. Give one of them to record the
        link once: giving both the same writer records every chunk twice (sent and received).
        """
        host = MemoryTransport(
            "host", chunk_size=chunk_size, capture=capture, local_mac=host_mac, peer_mac=module_mac
        )
        module = MemoryTransport(
            "module", chunk_size=chunk_size, capture=module_capture, local_mac=module_mac, peer_mac=host_mac
        )
        host.connect(module)
        module.connect(host)
        return host, module
