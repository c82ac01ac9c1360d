"""The Linux SPI bus without hardware: kernel ABI values, error messages, GPIO event decoding."""

from __future__ import annotations

import asyncio
import ctypes
import os
import struct
from pathlib import Path

import pytest

from freev2g.transport import SpidevBus, SpiTransport, TransportError, spidev
from tests.transport.util import Receiver, callbacks_run, run


def test_structures_match_the_kernel_headers() -> None:
    # sizeof() of linux/spi/spidev.h and linux/gpio.h (uAPI v2)
    assert ctypes.sizeof(spidev.SpiIocTransfer) == 32
    assert ctypes.sizeof(spidev.GpioLineAttribute) == 16
    assert ctypes.sizeof(spidev.GpioLineConfigAttribute) == 24
    assert ctypes.sizeof(spidev.GpioLineConfig) == 272
    assert ctypes.sizeof(spidev.GpioLineRequest) == 592
    assert spidev.GpioLineRequest.fd.offset == 588
    assert spidev.GpioLineRequest.num_lines.offset == 560
    assert ctypes.sizeof(spidev.GpioLineValues) == 16


def test_ioctl_numbers_match_the_kernel_headers() -> None:
    assert spidev.spi_ioc_message(1) == 0x40206B00
    assert spidev.spi_ioc_message(2) == 0x40406B00
    assert spidev.SPI_IOC_WR_MODE == 0x40016B01
    assert spidev.SPI_IOC_WR_BITS_PER_WORD == 0x40016B03
    assert spidev.SPI_IOC_WR_MAX_SPEED_HZ == 0x40046B04
    assert spidev.GPIO_V2_GET_LINE_IOCTL == 0xC250B407
    assert spidev.GPIO_V2_LINE_GET_VALUES_IOCTL == 0xC010B40E


def test_missing_device_is_one_clear_line(tmp_path: Path) -> None:
    device = str(tmp_path / "spidev9.9")

    async def main() -> None:
        spi = SpiTransport(SpidevBus(device))
        with pytest.raises(TransportError) as error:
            await spi.open(Receiver())
        assert str(error.value) == f"no SPI device {device}: enable SPI (Pi: dtparam=spi=on)"
        assert not spi.is_open

    run(main())


def test_a_file_that_is_no_spi_device_is_reported(tmp_path: Path) -> None:
    device = tmp_path / "not-spi"
    device.write_bytes(b"")

    async def main() -> None:
        with pytest.raises(TransportError, match=f"cannot configure {device}: "):
            await SpiTransport(SpidevBus(str(device))).open(Receiver())

    run(main())


def test_gpio_events_latch_the_edge_of_their_line() -> None:
    """Edge events (struct gpio_v2_line_event, 48 bytes) wake the waiter of their line only."""

    def event(offset: int, seqno: int) -> bytes:
        return struct.pack("=QIIII24x", 123456789, 1, offset, seqno, seqno)

    async def main() -> None:
        bus = SpidevBus(rx_ready_line=22, tx_pending_line=27)
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)
        bus._line_fd = read_end  # stands in for the line request's event file descriptor
        loop = asyncio.get_running_loop()
        loop.add_reader(read_end, bus._on_events)
        try:
            tx_edge = asyncio.create_task(bus.wait_for_tx_pending_edge())
            rx_edge = asyncio.create_task(bus.wait_for_rx_ready_edge())
            os.write(write_end, event(27, 1) + event(5, 2))
            await tx_edge
            await callbacks_run()
            assert not rx_edge.done()
            os.write(write_end, event(22, 3))
            await rx_edge
        finally:
            loop.remove_reader(read_end)
            os.close(read_end)
            os.close(write_end)

    run(main())
