"""The WHITE beet SPI protocol as a sans-IO state machine (manual 2.14 §9.2, p40-p44).

The host is the SPI master, mode 0 (p40). Every exchange takes two transfers, each with its
own chip select (p41):

1. Size-Exchange-Frame, 4 bytes each way: ``AA AA`` + the u16 number of framing bytes the
   sender wants to transfer next, big-endian (p42). A side with nothing to send says 0.
2. Data-Exchange-Frame: ``55 55 00 00`` + N bytes, where N is the larger of the two sizes
   (p42: the master "stores the larger value"); the side with less data pads with ``00``.

A transfer is at most 1504 bytes, so an exchange carries at most 1500 framing bytes each way
(p40). The framing protocol is a byte stream, so longer data simply takes several exchanges
(hci-reference §1.3). The master must not start a transfer while RX_READY is low, and starts
a cycle when it has data or TX_PENDING is high (p40); those two lines are the caller's
business: :class:`SpiMaster` only builds and checks the transfers.

[I] When neither side has data (TX_PENDING was high but the slave then offers 0 bytes) the
data exchange still takes place, with N = 0 (4 bytes): the slave expects a data exchange after
every size exchange, and skipping it would desynchronise the two sides.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from freev2g.transport.base import TransportError

SIZE_ID = b"\xaa\xaa"
DATA_ID = b"\x55\x55\x00\x00"
SIZE_FRAME_SIZE = len(SIZE_ID) + 2
MAX_TRANSFER = 1504  # p40
MAX_DATA = MAX_TRANSFER - len(DATA_ID)


class SpiSyncError(TransportError):
    """The two sides of the SPI link disagree; the module must then be reset (p41)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"SPI out of sync: {detail}; reset the module (manual 2.14 p41)")
        self.detail = detail


def size_frame(size: int) -> bytes:
    """The Size-Exchange-Frame announcing ``size`` framing bytes (p42)."""
    return SIZE_ID + size.to_bytes(2, "big")


def parse_size_frame(frame: bytes, sender: str) -> int:
    """The size announced in a Size-Exchange-Frame sent by ``sender`` ("master" or "slave")."""
    if len(frame) != SIZE_FRAME_SIZE or frame[:2] != SIZE_ID:
        raise SpiSyncError(f"{sender} size exchange was {frame[:8].hex(' ')}, expected aa aa + size")
    size = int.from_bytes(frame[2:4], "big")
    if size > MAX_DATA:
        raise SpiSyncError(f"{sender} announced {size} bytes, more than the {MAX_DATA} of one transfer")
    return size


def data_frame(data: bytes, length: int) -> bytes:
    """The Data-Exchange-Frame carrying ``data`` padded with zeros to ``length`` bytes (p42)."""
    return DATA_ID + data + bytes(length - len(data))


def parse_data_frame(frame: bytes, length: int, sender: str) -> bytes:
    """The ``length`` bytes after the identifier of a Data-Exchange-Frame sent by ``sender``."""
    if len(frame) != len(DATA_ID) + length:
        raise SpiSyncError(f"{sender} data exchange of {len(frame)} bytes, expected {len(DATA_ID) + length}")
    if frame[: len(DATA_ID)] != DATA_ID:
        raise SpiSyncError(f"{sender} data exchange starts {frame[:4].hex(' ')}, expected 55 55 00 00")
    return frame[len(DATA_ID) :]


@dataclass(frozen=True, slots=True)
class Exchange:
    """The framing bytes one completed data exchange carried each way (either may be empty)."""

    sent: bytes
    received: bytes


class _Phase(enum.Enum):
    IDLE = "idle"
    SIZE = "size exchange"
    DATA = "data exchange"


class SpiMaster:
    """The host's side: turns a byte stream to send into transfers and their answers into bytes.

    Drive it with :meth:`next_transfer` (the MOSI bytes of the next transfer, or ``None`` when
    there is nothing to do) and :meth:`transfer_done` (the MISO bytes of that transfer).
    :meth:`next_transfer` does not advance the state: it can be asked again while the caller
    waits for RX_READY.
    """

    def __init__(self) -> None:
        self._tx = bytearray()
        self._phase = _Phase.IDLE
        self._out = 0  # bytes this cycle sends
        self._in = 0  # bytes this cycle receives
        self._length = 0  # N of this cycle's data exchange

    @property
    def pending(self) -> int:
        """Bytes queued and not yet carried by a completed data exchange."""
        return len(self._tx)

    @property
    def idle(self) -> bool:
        """True between cycles (no size exchange done without its data exchange)."""
        return self._phase is _Phase.IDLE

    def queue(self, data: bytes) -> None:
        """Append framing bytes to the outgoing stream."""
        self._tx += data

    def next_transfer(self, tx_pending: bool) -> bytes | None:
        """MOSI bytes of the next transfer; ``None`` if idle, nothing queued and TX_PENDING low."""
        if self._phase is _Phase.IDLE:
            if not self._tx and not tx_pending:
                return None
            self._out = min(len(self._tx), MAX_DATA)
            self._phase = _Phase.SIZE
        if self._phase is _Phase.SIZE:
            return size_frame(self._out)
        return data_frame(bytes(self._tx[: self._out]), self._length)

    def transfer_done(self, miso: bytes) -> Exchange | None:
        """Take the slave's bytes of the transfer just made; an :class:`Exchange` ends a cycle.

        Raises :class:`SpiSyncError` if the slave's frame is not what the protocol requires.
        """
        if self._phase is _Phase.SIZE:
            self._in = parse_size_frame(miso, "slave")
            self._length = max(self._out, self._in)
            self._phase = _Phase.DATA
            return None
        if self._phase is _Phase.DATA:
            payload = parse_data_frame(miso, self._length, "slave")
            sent = bytes(self._tx[: self._out])
            del self._tx[: self._out]
            self._phase = _Phase.IDLE
            return Exchange(sent, payload[: self._in])
        raise RuntimeError("transfer_done() without a transfer from next_transfer()")
