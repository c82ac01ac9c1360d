"""The Linux SPI bus: ``/dev/spidevB.C`` and two GPIO inputs on a ``/dev/gpiochipN``.

Standard library only (``fcntl.ioctl`` with ``ctypes`` structures), so no compiled package is
needed. Not tested without hardware: the structure sizes and ioctl numbers are checked by the
tests against the kernel headers' values; everything else is exercised through
:class:`~freev2g.transport.spi_fake.FakeSpiBus`.

- SPI (manual 2.14 §9.2.1, p40): mode 0, 8-bit words, at most 8 MHz (p40; p43 says 12 MHz, the
  lower figure is used). Chip select to first clock must be at least 20 µs (t_DelayChipSelect,
  p43); spidev cannot set that delay, so each transfer is preceded, under the same chip select,
  by an empty transfer that only waits ``cs_setup_us``. Set it to 0 where the device tree sets
  ``spi-cs-setup-delay-ns`` instead. (This relies on the SPI core running the transfers of one
  message under one chip select, which the generic core does; a controller driver with its own
  message handling may not.)
- GPIO (p40): RX_READY and TX_PENDING are requested as inputs with edge events on both edges
  (GPIO character device uAPI v2, Linux 5.10+). The event file descriptor is watched with
  ``loop.add_reader``; each event latches the edge of its line.

The ioctl numbers follow ``asm-generic/ioctl.h`` (x86, ARM, arm64, RISC-V), not the variants of
alpha, MIPS, PowerPC and SPARC. The defaults are a Raspberry Pi's: spidev0.0, gpiochip0, RX_READY
on GPIO 22, TX_PENDING on GPIO 27 (the vendor app's wiring, hci-reference §7.2). Chip select is
the controller's (CE0 for spidev0.0); the vendor app drives it from GPIO 24 instead, so wire NSS
to CE0 or move the controller's chip select with a ``cs-gpios`` device-tree overlay.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import fcntl
import logging
import os
import struct

from freev2g.transport.base import TransportError

log = logging.getLogger(__name__)

# asm-generic/ioctl.h: direction in bits 30-31, size in 16-29, type in 8-15, number in 0-7.
_IOC_WRITE = 1
_IOC_READ = 2


def _ioc(direction: int, kind: int, number: int, size: int) -> int:
    return (direction << 30) | (size << 16) | (kind << 8) | number


class SpiIocTransfer(ctypes.Structure):
    """``struct spi_ioc_transfer`` (linux/spi/spidev.h), 32 bytes on every architecture."""

    _fields_ = (
        ("tx_buf", ctypes.c_uint64),
        ("rx_buf", ctypes.c_uint64),
        ("len", ctypes.c_uint32),
        ("speed_hz", ctypes.c_uint32),
        ("delay_usecs", ctypes.c_uint16),
        ("bits_per_word", ctypes.c_uint8),
        ("cs_change", ctypes.c_uint8),
        ("tx_nbits", ctypes.c_uint8),
        ("rx_nbits", ctypes.c_uint8),
        ("word_delay_usecs", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
    )


_SPI_MAGIC = ord("k")
SPI_IOC_WR_MODE = _ioc(_IOC_WRITE, _SPI_MAGIC, 1, 1)
SPI_IOC_WR_BITS_PER_WORD = _ioc(_IOC_WRITE, _SPI_MAGIC, 3, 1)
SPI_IOC_WR_MAX_SPEED_HZ = _ioc(_IOC_WRITE, _SPI_MAGIC, 4, 4)


def spi_ioc_message(count: int) -> int:
    """``SPI_IOC_MESSAGE(count)``."""
    return _ioc(_IOC_WRITE, _SPI_MAGIC, 0, count * ctypes.sizeof(SpiIocTransfer))


class GpioLineAttribute(ctypes.Structure):
    """``struct gpio_v2_line_attribute``; the union (flags, values, debounce) as one u64."""

    _fields_ = (("id", ctypes.c_uint32), ("padding", ctypes.c_uint32), ("value", ctypes.c_uint64))


class GpioLineConfigAttribute(ctypes.Structure):
    _fields_ = (("attr", GpioLineAttribute), ("mask", ctypes.c_uint64))


class GpioLineConfig(ctypes.Structure):
    _fields_ = (
        ("flags", ctypes.c_uint64),
        ("num_attrs", ctypes.c_uint32),
        ("padding", ctypes.c_uint32 * 5),
        ("attrs", GpioLineConfigAttribute * 10),
    )


class GpioLineRequest(ctypes.Structure):
    """``struct gpio_v2_line_request`` (linux/gpio.h), 592 bytes."""

    _fields_ = (
        ("offsets", ctypes.c_uint32 * 64),
        ("consumer", ctypes.c_char * 32),
        ("config", GpioLineConfig),
        ("num_lines", ctypes.c_uint32),
        ("event_buffer_size", ctypes.c_uint32),
        ("padding", ctypes.c_uint32 * 5),
        ("fd", ctypes.c_int32),
    )


class GpioLineValues(ctypes.Structure):
    """``struct gpio_v2_line_values``: bit i is the line at index i of the request's offsets."""

    _fields_ = (("bits", ctypes.c_uint64), ("mask", ctypes.c_uint64))


# struct gpio_v2_line_event: u64 timestamp, u32 id, offset, seqno, line_seqno, 6 x u32 padding
GPIO_LINE_EVENT_SIZE = 48
_EVENT_HEAD = struct.Struct("=QII")  # timestamp_ns, id, offset

_GPIO_MAGIC = 0xB4
GPIO_V2_GET_LINE_IOCTL = _ioc(_IOC_READ | _IOC_WRITE, _GPIO_MAGIC, 0x07, ctypes.sizeof(GpioLineRequest))
GPIO_V2_LINE_GET_VALUES_IOCTL = _ioc(_IOC_READ | _IOC_WRITE, _GPIO_MAGIC, 0x0E, ctypes.sizeof(GpioLineValues))
GPIO_V2_LINE_FLAG_INPUT = 1 << 2
GPIO_V2_LINE_FLAG_EDGE_RISING = 1 << 4
GPIO_V2_LINE_FLAG_EDGE_FALLING = 1 << 5
GPIO_V2_LINE_FLAG_EDGE_BOTH = GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING

_RX_READY, _TX_PENDING = 0, 1  # indexes in the line request


class SpidevBus:
    """An :class:`~freev2g.transport.spi_transport.SpiBus` on Linux spidev and GPIO devices."""

    def __init__(
        self,
        device: str = "/dev/spidev0.0",
        *,
        gpiochip: str = "/dev/gpiochip0",
        rx_ready_line: int = 22,
        tx_pending_line: int = 27,
        speed_hz: int = 8_000_000,
        cs_setup_us: int = 20,
    ) -> None:
        self.device = device
        self.gpiochip = gpiochip
        self.lines = (rx_ready_line, tx_pending_line)
        self.speed_hz = speed_hz
        self.cs_setup_us = cs_setup_us
        self._spi_fd = -1
        self._line_fd = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._edges = (asyncio.Event(), asyncio.Event())

    @property
    def description(self) -> str:
        rx, tx = self.lines
        return f"{self.device} ({self.gpiochip} RX_READY {rx}, TX_PENDING {tx})"

    def open(self) -> None:
        try:
            self._spi_fd = _open_device(self.device, "SPI device", "enable SPI (Pi: dtparam=spi=on)")
            self._configure_spi()
            self._line_fd = self._request_lines()
            self._loop = asyncio.get_running_loop()
            self._loop.add_reader(self._line_fd, self._on_events)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._line_fd)
            self._loop = None
        if self._line_fd >= 0:
            os.close(self._line_fd)
            self._line_fd = -1
        if self._spi_fd >= 0:
            os.close(self._spi_fd)
            self._spi_fd = -1

    def transfer(self, mosi: bytes) -> bytes:
        tx = ctypes.create_string_buffer(mosi, len(mosi))
        rx = ctypes.create_string_buffer(len(mosi))
        # An empty first transfer only waits, chip select asserted, before the first clock (p43).
        parts = (SpiIocTransfer * (2 if self.cs_setup_us else 1))()
        parts[0].delay_usecs = self.cs_setup_us
        data = parts[len(parts) - 1]
        data.tx_buf, data.rx_buf = ctypes.addressof(tx), ctypes.addressof(rx)
        data.len, data.speed_hz, data.bits_per_word = len(mosi), self.speed_hz, 8
        try:
            fcntl.ioctl(self._spi_fd, spi_ioc_message(len(parts)), parts)
        except OSError as exc:
            raise TransportError(f"SPI transfer on {self.device} failed: {exc.strerror or exc}") from None
        return rx.raw

    def rx_ready(self) -> bool:
        return self._level(_RX_READY)

    def tx_pending(self) -> bool:
        return self._level(_TX_PENDING)

    async def wait_for_rx_ready_edge(self) -> None:
        await self._wait_edge(_RX_READY)

    async def wait_for_tx_pending_edge(self) -> None:
        await self._wait_edge(_TX_PENDING)

    async def _wait_edge(self, index: int) -> None:
        await self._edges[index].wait()
        self._edges[index].clear()

    def _configure_spi(self) -> None:
        try:
            fcntl.ioctl(self._spi_fd, SPI_IOC_WR_MODE, struct.pack("=B", 0))  # mode 0 (p40)
            fcntl.ioctl(self._spi_fd, SPI_IOC_WR_BITS_PER_WORD, struct.pack("=B", 8))
            fcntl.ioctl(self._spi_fd, SPI_IOC_WR_MAX_SPEED_HZ, struct.pack("=I", self.speed_hz))
        except OSError as exc:
            raise TransportError(f"cannot configure {self.device}: {exc.strerror or exc}") from None

    def _request_lines(self) -> int:
        request = GpioLineRequest()
        request.offsets[_RX_READY], request.offsets[_TX_PENDING] = self.lines
        request.num_lines = 2
        request.consumer = b"freev2g"
        request.config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_BOTH
        chip = _open_device(self.gpiochip, "GPIO chip", "check the gpiochip number with: ls /dev/gpiochip*")
        try:
            fcntl.ioctl(chip, GPIO_V2_GET_LINE_IOCTL, request)
        except OSError as exc:
            raise TransportError(_line_error(self.gpiochip, self.lines, exc)) from None
        finally:
            os.close(chip)  # the line request keeps its own file descriptor
        os.set_blocking(request.fd, False)
        return int(request.fd)

    def _level(self, index: int) -> bool:
        values = GpioLineValues(bits=0, mask=1 << index)
        try:
            fcntl.ioctl(self._line_fd, GPIO_V2_LINE_GET_VALUES_IOCTL, values)
        except OSError as exc:
            line = self.lines[index]
            raise TransportError(f"cannot read GPIO line {line}: {exc.strerror or exc}") from None
        return bool(values.bits & (1 << index))

    def _on_events(self) -> None:
        try:
            data = os.read(self._line_fd, GPIO_LINE_EVENT_SIZE * 16)
        except BlockingIOError:
            return
        except OSError as exc:
            # Stop watching, and wake the driver: its next level read fails and reports it.
            log.error("%s: reading GPIO events failed: %s", self.description, exc.strerror or exc)
            if self._loop is not None:
                self._loop.remove_reader(self._line_fd)
            for edge in self._edges:
                edge.set()
            return
        for start in range(0, len(data) - GPIO_LINE_EVENT_SIZE + 1, GPIO_LINE_EVENT_SIZE):
            _timestamp, _kind, offset = _EVENT_HEAD.unpack_from(data, start)
            for index, line in enumerate(self.lines):
                if line == offset:
                    self._edges[index].set()


def _open_device(path: str, what: str, hint: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        raise TransportError(f"no {what} {path}: {hint}") from None
    except PermissionError:
        raise TransportError(
            f"no permission to open {path}: run as root or join the group that owns it (ls -l {path})"
        ) from None
    except OSError as exc:
        raise TransportError(f"cannot open {what} {path}: {exc.strerror or exc}") from None


def _line_error(chip: str, lines: tuple[int, int], exc: OSError) -> str:
    names = f"GPIO lines {lines[0]} and {lines[1]} of {chip}"
    if exc.errno == errno.EBUSY:
        return f"{names} are in use by another program"
    if exc.errno == errno.EINVAL:
        return f"cannot request {names}: no such line, or a configuration the chip refuses"
    if exc.errno == errno.ENOTTY:
        return f"{chip} does not support the GPIO v2 interface (Linux 5.10 or newer is needed)"
    return f"cannot request {names}: {exc.strerror or exc}"
