"""The module's side of the SPI protocol, for tests and for the emulator without hardware.

:class:`SpiSlave` answers transfers as the WHITE beet does (manual 2.14 §9.2.3-§9.2.5, p41-p42)
and checks that the master keeps to the protocol. :class:`FakeSpiBus` puts it behind the
:class:`~freev2g.transport.spi_transport.SpiBus` interface with simulated RX_READY and
TX_PENDING lines, so that :class:`~freev2g.transport.spi_transport.SpiTransport` runs against it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from freev2g.transport.spi import (
    MAX_DATA,
    SpiSyncError,
    data_frame,
    parse_data_frame,
    parse_size_frame,
    size_frame,
)


class SpiSlave:
    """Sans-IO SPI slave: :meth:`exchange` takes the MOSI bytes of a transfer, returns MISO.

    Framing bytes the master sends are passed to ``on_data``. Raises :class:`SpiSyncError`
    when the master breaks the protocol (wrong identifier, wrong transfer length).
    """

    def __init__(self, on_data: Callable[[bytes], None] | None = None) -> None:
        self.on_data = on_data
        self._tx = bytearray()
        self._in_cycle = False
        self._out = 0
        self._in = 0
        self._length = 0

    @property
    def tx_pending(self) -> bool:
        """The TX_PENDING level: the slave holds bytes that no data exchange has carried yet."""
        return bool(self._tx)

    def queue(self, data: bytes) -> None:
        self._tx += data

    def exchange(self, mosi: bytes) -> bytes:
        if not self._in_cycle:
            self._in = parse_size_frame(mosi, "master")
            # The slave's answer is fixed before it sees the master's bytes (full duplex);
            # only N depends on both sizes.
            self._out = min(len(self._tx), MAX_DATA)
            self._length = max(self._in, self._out)
            self._in_cycle = True
            return size_frame(self._out)
        received = parse_data_frame(mosi, self._length, "master")[: self._in]
        miso = data_frame(bytes(self._tx[: self._out]), self._length)
        del self._tx[: self._out]
        self._in_cycle = False
        if received and self.on_data is not None:
            self.on_data(received)
        return miso


class FakeSpiBus:
    """An in-process :class:`SpiBus` whose far end is an :class:`SpiSlave`.

    RX_READY drops during each transfer and rises again on the next turn of the event loop, as
    the module's does (p44), unless ``busy_after_transfer`` is false; :meth:`hold_busy` keeps it
    low, to check that the master waits. A transfer while RX_READY is low raises
    :class:`SpiSyncError`. ``transfers`` records (MOSI, MISO) of every transfer.
    """

    description = "fake bus"

    def __init__(self, slave: SpiSlave | None = None, *, busy_after_transfer: bool = True) -> None:
        self.slave = slave if slave is not None else SpiSlave()
        self.busy_after_transfer = busy_after_transfer
        self.transfers: list[tuple[bytes, bytes]] = []
        self.is_open = False
        self.rx_ready_waits = 0
        self.rx_ready_waiting = asyncio.Event()  # set while the master waits for RX_READY
        self._ready = True
        self._held_busy = False
        self._tx_level = False
        self._rx_edge = asyncio.Event()
        self._tx_edge = asyncio.Event()

    def module_send(self, data: bytes) -> None:
        """Queue bytes on the module's side; TX_PENDING rises."""
        self.slave.queue(data)
        self._update_tx_pending()

    def hold_busy(self, busy: bool) -> None:
        """Hold RX_READY low (``True``) or release it (``False``)."""
        self._held_busy = busy
        self._set_ready(not busy)

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def transfer(self, mosi: bytes) -> bytes:
        if not self._ready:
            raise SpiSyncError("the master started a transfer while RX_READY was low (manual 2.14 p40)")
        miso = self.slave.exchange(mosi)
        self.transfers.append((mosi, miso))
        self._update_tx_pending()
        if self.busy_after_transfer:
            self._set_ready(False)
            asyncio.get_running_loop().call_soon(self._end_busy)
        return miso

    def rx_ready(self) -> bool:
        return self._ready

    def tx_pending(self) -> bool:
        return self.slave.tx_pending

    async def wait_for_rx_ready_edge(self) -> None:
        self.rx_ready_waits += 1
        self.rx_ready_waiting.set()
        try:
            await self._rx_edge.wait()
        finally:
            self.rx_ready_waiting.clear()
        self._rx_edge.clear()

    async def wait_for_tx_pending_edge(self) -> None:
        await self._tx_edge.wait()
        self._tx_edge.clear()

    def _end_busy(self) -> None:
        if not self._held_busy:
            self._set_ready(True)

    def _set_ready(self, level: bool) -> None:
        if level != self._ready:
            self._ready = level
            self._rx_edge.set()

    def _update_tx_pending(self) -> None:
        level = self.slave.tx_pending
        if level != self._tx_level:
            self._tx_level = level
            self._tx_edge.set()
