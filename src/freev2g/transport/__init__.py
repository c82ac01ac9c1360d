"""Transports: the links that carry HCI framing bytes between host and module.

- :class:`EthernetTransport`: raw Ethernet, EtherType 0x6003 (manual 2.14 §9.1, p38-p39), Linux.
- :class:`SpiTransport` on an :class:`SpiBus` (:class:`SpidevBus` on Linux, :class:`FakeSpiBus`
  in tests): the SPI protocol of §9.2 (p40-p44).
- :class:`MemoryLink`: two connected in-memory ends, for tests and the emulator.

All share the :class:`Transport` interface and can record their traffic to a pcap file.
"""

from freev2g.transport.base import DataCallback, Drop, Transport, TransportError, TransportStats
from freev2g.transport.capture import HOST_MAC, MODULE_MAC, Capture, CaptureTarget
from freev2g.transport.ethernet import EthernetTransport
from freev2g.transport.memory import MemoryLink, MemoryTransport
from freev2g.transport.spi import SpiMaster, SpiSyncError
from freev2g.transport.spi_fake import FakeSpiBus, SpiSlave
from freev2g.transport.spi_transport import SpiBus, SpiTransport
from freev2g.transport.spidev import SpidevBus

__all__ = [
    "HOST_MAC",
    "MODULE_MAC",
    "Capture",
    "CaptureTarget",
    "DataCallback",
    "Drop",
    "EthernetTransport",
    "FakeSpiBus",
    "MemoryLink",
    "MemoryTransport",
    "SpiBus",
    "SpiMaster",
    "SpiSlave",
    "SpiSyncError",
    "SpiTransport",
    "SpidevBus",
    "Transport",
    "TransportError",
    "TransportStats",
]
