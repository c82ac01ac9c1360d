"""The SPI protocol (manual 2.14 §9.2, p40-p44): the sans-IO master against the fake slave,
then SpiTransport on the fake bus."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from freev2g.hci.ethernet import decode_ethernet, parse_mac
from freev2g.hci.frame import Frame, decode_frame
from freev2g.hci.parser import FrameParser
from freev2g.pcap import read_packets
from freev2g.transport import (
    HOST_MAC,
    MODULE_MAC,
    FakeSpiBus,
    SpiMaster,
    SpiSlave,
    SpiSyncError,
    SpiTransport,
    TransportError,
)
from freev2g.transport.spi import MAX_TRANSFER
from tests.transport.util import Receiver, run

SIZES = [0, 1, 255, 256, 1500, 1501, 4096]
PAIRS = [(n, n) for n in SIZES] + [(0, 4096), (4096, 0), (1, 1501), (1500, 256), (255, 1500)]


def payload(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


# -- sans-IO ---------------------------------------------------------------------------------


def test_manual_example_p44() -> None:
    """The logic-analyser example of p44: a 13-byte ping (checksum 00), the module silent."""
    ping = bytes.fromhex("C0 0E 00 01 00 05 01 02 03 04 05 00 C1")
    master = SpiMaster()
    master.queue(ping)
    assert master.next_transfer(tx_pending=False) == bytes.fromhex("AA AA 00 0D")
    assert master.transfer_done(bytes.fromhex("AA AA 00 00")) is None
    assert master.next_transfer(tx_pending=False) == bytes.fromhex("55 55 00 00") + ping
    exchange = master.transfer_done(bytes.fromhex("55 55 00 00") + bytes(13))
    assert exchange is not None and (exchange.sent, exchange.received) == (ping, b"")
    assert master.idle and master.pending == 0
    assert master.next_transfer(tx_pending=False) is None


def exchange_all(master: SpiMaster, slave: SpiSlave) -> tuple[bytes, list[bytes]]:
    """Run cycles until both sides are empty; return what the master received and the MOSI."""
    received = bytearray()
    transfers = []
    while (mosi := master.next_transfer(slave.tx_pending)) is not None:
        transfers.append(mosi)
        miso = slave.exchange(mosi)
        assert len(miso) == len(mosi) <= MAX_TRANSFER
        exchange = master.transfer_done(miso)
        if exchange is not None:
            received += exchange.received
    return bytes(received), transfers


@pytest.mark.parametrize(("host_size", "module_size"), [(a, b) for a in SIZES for b in SIZES])
def test_both_directions_at_once(host_size: int, module_size: int) -> None:
    host_data, module_data = payload(host_size, 1), payload(module_size, 2)
    got_by_module = bytearray()
    master, slave = SpiMaster(), SpiSlave(on_data=got_by_module.extend)
    master.queue(host_data)
    slave.queue(module_data)
    got_by_host, transfers = exchange_all(master, slave)
    assert got_by_host == module_data
    assert got_by_module == host_data
    cycles = max(-(-host_size // 1500), -(-module_size // 1500))
    assert len(transfers) == 2 * cycles
    for size_frame, data_frame in zip(transfers[::2], transfers[1::2], strict=True):
        assert size_frame[:2] == b"\xaa\xaa" and len(size_frame) == 4
        assert data_frame[:4] == b"\x55\x55\x00\x00"


def test_size_is_big_endian_and_n_is_the_larger_size() -> None:
    master, slave = SpiMaster(), SpiSlave()
    master.queue(bytes(256))
    slave.queue(bytes(300))
    assert master.next_transfer(False) == b"\xaa\xaa\x01\x00"  # not 01 00 read as 255 + 1
    assert slave.exchange(b"\xaa\xaa\x01\x00") == b"\xaa\xaa\x01\x2c"
    assert master.transfer_done(b"\xaa\xaa\x01\x2c") is None
    mosi = master.next_transfer(False)
    assert mosi is not None and len(mosi) == 4 + 300 and mosi[4 + 256 :] == bytes(44)


def test_tx_pending_alone_starts_a_cycle_and_an_empty_cycle_still_exchanges_data() -> None:
    master = SpiMaster()
    assert master.next_transfer(tx_pending=False) is None
    assert master.next_transfer(tx_pending=True) == b"\xaa\xaa\x00\x00"
    assert master.next_transfer(tx_pending=False) == b"\xaa\xaa\x00\x00"  # asking again changes nothing
    assert master.transfer_done(b"\xaa\xaa\x00\x00") is None
    assert master.next_transfer(tx_pending=False) == b"\x55\x55\x00\x00"
    exchange = master.transfer_done(b"\x55\x55\x00\x00")
    assert exchange is not None and exchange.received == b""


@pytest.mark.parametrize(
    ("miso", "message"),
    [
        (b"\x55\x55\x00\x00", "slave size exchange was 55 55 00 00"),
        (b"\xaa\xaa\x05\xdd", "announced 1501 bytes"),
        (b"\xaa\xaa\x00", "slave size exchange"),
    ],
)
def test_master_detects_a_slave_out_of_sync(miso: bytes, message: str) -> None:
    master = SpiMaster()
    master.queue(b"\xc0")
    master.next_transfer(False)
    with pytest.raises(SpiSyncError, match=message) as error:
        master.transfer_done(miso)
    assert "reset the module" in str(error.value)


def test_master_checks_the_data_exchange() -> None:
    master = SpiMaster()
    master.queue(b"\xc0\xc1")
    master.next_transfer(False)
    master.transfer_done(b"\xaa\xaa\x00\x00")
    with pytest.raises(SpiSyncError, match="starts aa aa 00 00"):
        master.transfer_done(b"\xaa\xaa\x00\x00\x00\x00")
    with pytest.raises(SpiSyncError, match="of 5 bytes, expected 6"):
        master.transfer_done(b"\x55\x55\x00\x00\x00")
    with pytest.raises(RuntimeError):
        SpiMaster().transfer_done(b"\xaa\xaa\x00\x00")


def test_slave_detects_a_master_out_of_sync() -> None:
    slave = SpiSlave()
    with pytest.raises(SpiSyncError, match="master size exchange"):
        slave.exchange(b"\x55\x55\x00\x00")
    slave.exchange(b"\xaa\xaa\x00\x02")
    with pytest.raises(SpiSyncError, match="master data exchange of 4 bytes, expected 6"):
        slave.exchange(b"\x55\x55\x00\x00")


# -- SpiTransport on the fake bus ----------------------------------------------------------


@pytest.mark.parametrize(("host_size", "module_size"), PAIRS)
def test_transport_both_directions_at_once(host_size: int, module_size: int) -> None:
    host_data, module_data = payload(host_size, 3), payload(module_size, 4)
    got_by_module = bytearray()
    bus = FakeSpiBus(SpiSlave(on_data=got_by_module.extend))

    async def main() -> None:
        got = Receiver()
        async with SpiTransport(bus) as spi:
            await spi.open(got)
            bus.module_send(module_data)
            await spi.send(host_data)  # returns when the last exchange carrying it is done
            assert bytes(got_by_module) == host_data
            assert await got.wait_bytes(module_size) == module_data
            assert spi.stats.bytes_sent == host_size and spi.stats.bytes_received == module_size
            assert spi.stats.frames_sent == -(-host_size // 1500)
        assert not bus.is_open

    run(main())
    assert all(len(mosi) <= MAX_TRANSFER for mosi, _miso in bus.transfers)
    assert bus.rx_ready_waits >= len(bus.transfers) - 1  # RX_READY fell after every transfer


def test_transport_reads_when_tx_pending_rises() -> None:
    frame = Frame(0x10, 0x80, 0xFF, b"status").encode()
    bus = FakeSpiBus()

    async def main() -> None:
        got = Receiver()
        async with SpiTransport(bus) as spi:
            bus.module_send(frame)  # queued before open: TX_PENDING is already high
            await spi.open(got)
            await got.wait_bytes(len(frame))
            bus.module_send(frame)  # a rising edge while the driver sleeps
            assert await got.wait_bytes(2 * len(frame)) == frame * 2
            assert spi.stats.frames_sent == 0

    run(main())
    assert len(bus.transfers) == 4


def test_rx_ready_low_blocks_the_transfer() -> None:
    got_by_module = bytearray()
    bus = FakeSpiBus(SpiSlave(on_data=got_by_module.extend))

    async def main() -> None:
        async with SpiTransport(bus) as spi:
            await spi.open(Receiver())
            bus.hold_busy(True)
            sending = asyncio.create_task(spi.send(b"\xc0\x01\x02"))
            await bus.rx_ready_waiting.wait()
            assert bus.transfers == [] and not sending.done()
            bus.hold_busy(False)
            await sending
            assert bytes(got_by_module) == b"\xc0\x01\x02"

    run(main())


def test_sync_error_fails_the_send_and_every_later_one(caplog: pytest.LogCaptureFixture) -> None:
    bus = FakeSpiBus()
    bus.slave.exchange = lambda mosi: bytes(len(mosi))  # type: ignore[method-assign]

    async def main() -> None:
        async with SpiTransport(bus) as spi:
            await spi.open(Receiver())
            with pytest.raises(TransportError, match="SPI out of sync"):
                await spi.send(b"\xc0")
            assert isinstance(spi.error, SpiSyncError)
            with pytest.raises(TransportError, match="link failed"):
                await spi.send(b"\xc0")

    run(main())
    assert "link failed" in caplog.text


def test_close_while_waiting_for_rx_ready() -> None:
    bus = FakeSpiBus()

    async def main() -> None:
        spi = SpiTransport(bus)
        await spi.open(Receiver())
        bus.hold_busy(True)
        sending = asyncio.create_task(spi.send(b"\xc0"))
        await bus.rx_ready_waiting.wait()
        await spi.close()
        await spi.close()
        with pytest.raises(TransportError, match="closed while sending"):
            await sending
        assert not bus.is_open

    run(main())


def test_spi_capture(tmp_path: Path) -> None:
    path = tmp_path / "spi.pcap"
    request = decode_frame(Frame(0x27, 0x73, 1, bytes(range(256)) * 7 + bytes(200)).encode())  # 2000 bytes
    statuses = [decode_frame(Frame(0x27, 0x80 + n, 0xFF, bytes([n])).encode()) for n in range(3)]
    bus = FakeSpiBus()

    async def main() -> None:
        got = Receiver()
        async with SpiTransport(bus, capture=path) as spi:
            await spi.open(got)
            for status in statuses:
                bus.module_send(status.encode())
            await spi.send(request.encode())
            await got.wait_frames(len(statuses))

    run(main())
    streams = {parse_mac(HOST_MAC): FrameParser(), parse_mac(MODULE_MAC): FrameParser()}
    events: dict[bytes, list[object]] = {mac: [] for mac in streams}
    for packet in read_packets(path):
        frame = decode_ethernet(packet.data)
        assert frame.destination != frame.source and {frame.source, frame.destination} == set(streams)
        events[frame.source] += streams[frame.source].feed(frame.data)
    assert events[parse_mac(HOST_MAC)] == [request]
    assert events[parse_mac(MODULE_MAC)] == statuses


def test_concurrent_sends_keep_their_frames_whole() -> None:
    frames = [decode_frame(Frame(0x10, 0x40, n, bytes([n]) * (700 + n)).encode()) for n in range(6)]
    received = FrameParser()
    events: list[object] = []
    bus = FakeSpiBus(SpiSlave(on_data=lambda data: events.extend(received.feed(data))))

    async def main() -> None:
        async with SpiTransport(bus) as spi:
            await spi.open(Receiver())
            await asyncio.gather(*(spi.send(f.encode()) for f in frames))

    run(main())
    assert events == frames
