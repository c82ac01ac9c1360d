"""HCI over SPI: an asyncio driver of :class:`SpiMaster` on an :class:`SpiBus` (manual 2.14 §9.2).

The bus is the hardware: the SPI device and the two status lines. The driver starts a cycle
when there is data to send or TX_PENDING is high, waits for RX_READY before each of the two
transfers (p40), and sleeps on edge events otherwise: it never polls.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from freev2g.transport.base import Transport, TransportError
from freev2g.transport.capture import HOST_MAC, MODULE_MAC, CaptureTarget, open_capture
from freev2g.transport.spi import Exchange, SpiMaster

log = logging.getLogger(__name__)


class SpiBus(Protocol):
    """An SPI master port wired to a WHITE beet, with its RX_READY and TX_PENDING inputs (p40).

    ``wait_for_*_edge`` return after a change of that line: at once if one happened since the
    previous call returned (edges are latched, so none is lost between reading a level and
    waiting), and possibly spuriously. Callers read the level again after waking.
    """

    @property
    def description(self) -> str: ...

    def open(self) -> None:
        """Acquire the device and lines; called from the running event loop."""

    def close(self) -> None:
        """Release them; idempotent."""

    def transfer(self, mosi: bytes) -> bytes:
        """One full-duplex transfer under its own chip select; returns as many bytes as sent.

        It blocks for its duration (at most 1504 bytes: about 1.5 ms at 8 MHz).
        """

    def rx_ready(self) -> bool:
        """Level of RX_READY: high means the module accepts a transfer."""

    def tx_pending(self) -> bool:
        """Level of TX_PENDING: high means the module has data to send."""

    async def wait_for_rx_ready_edge(self) -> None: ...

    async def wait_for_tx_pending_edge(self) -> None: ...


class SpiTransport(Transport):
    """The host's HCI link over SPI.

    :meth:`send` returns when the last data exchange carrying the bytes has completed. If the
    link fails (a bus error, or :class:`~freev2g.transport.spi.SpiSyncError`: the module must
    then be reset), the error is logged, kept in :attr:`error`, and every later send raises it.
    Captures wrap each data exchange in synthetic Ethernet frames between ``host_mac`` and
    ``module_mac``.
    """

    no_reply_hint = ("check the SPI wiring (mode 0, chip select, RX_READY and TX_PENDING pins) and that the"
                     " module is in SPI HCI mode (IF_SELECT pins, manual 2.14 p37)")

    def __init__(
        self,
        bus: SpiBus,
        *,
        capture: CaptureTarget | None = None,
        host_mac: str = HOST_MAC,
        module_mac: str = MODULE_MAC,
    ) -> None:
        super().__init__(open_capture(capture, local_mac=host_mac, peer_mac=module_mac))
        self.bus = bus
        self.error: Exception | None = None
        self._master = SpiMaster()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._drained: asyncio.Future[None] | None = None

    @property
    def description(self) -> str:
        return f"SPI {self.bus.description}"

    async def _open(self) -> None:
        self.bus.open()
        self._tasks = [
            asyncio.create_task(self._drive(), name=f"{self.description} driver"),
            asyncio.create_task(self._watch_tx_pending(), name=f"{self.description} TX_PENDING"),
        ]

    async def _send(self, data: bytes) -> None:
        if self.error is not None:
            raise TransportError(f"{self.description}: link failed: {self.error}")
        drained: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drained = drained
        self._master.queue(data)
        self._wake.set()
        try:
            await drained
        finally:
            self._drained = None

    async def _close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self.bus.close()
        self._settle(TransportError(f"{self.description}: closed while sending"))

    async def _watch_tx_pending(self) -> None:
        while True:
            await self.bus.wait_for_tx_pending_edge()
            self._wake.set()

    async def _drive(self) -> None:
        bus, master = self.bus, self._master
        try:
            while True:
                # Clear before reading the levels: a wake-up that comes later is not lost.
                self._wake.clear()
                mosi = master.next_transfer(bus.tx_pending())
                if mosi is None:
                    await self._wake.wait()
                elif not bus.rx_ready():
                    await bus.wait_for_rx_ready_edge()
                else:
                    self._finish(master.transfer_done(bus.transfer(mosi)))
        except Exception as exc:
            # The cycle state is lost with the error: only a module reset resynchronises (p41).
            self.error = exc
            log.error("%s: link failed: %s", self.description, exc)
            self._settle(TransportError(f"{self.description}: link failed: {exc}"))

    def _finish(self, exchange: Exchange | None) -> None:
        if exchange is None:
            return
        if exchange.sent:
            self._count_sent(exchange.sent)
            if self._capture is not None:
                self._capture.sent(exchange.sent)
        if exchange.received:
            if self._capture is not None:
                self._capture.received(exchange.received)
            self._deliver(exchange.received)
        if self._master.pending == 0:
            self._settle(None)

    def _settle(self, error: Exception | None) -> None:
        drained = self._drained
        if drained is None or drained.done():
            return
        if error is None:
            drained.set_result(None)
        else:
            drained.set_exception(error)
