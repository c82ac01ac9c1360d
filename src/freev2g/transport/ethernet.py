"""HCI over raw Ethernet on Linux: an AF_PACKET socket bound to one interface and EtherType 0x6003.

Manual 2.14 §9.1 (p38-p39): Ethernet header, control header ``00 04 size``, framing data. The
module bridges Ethernet and PLC, so other traffic shares the wire (p38); the kernel passes us
only EtherType 0x6003 (the socket is bound to it) and this class drops what is not from the
peer or has a bad control header. The framing data of consecutive frames is one byte stream
(hci-reference §1.2): an Ethernet frame may hold several HCI frames or a part of one, and HCI
frames larger than one Ethernet payload are cut with :func:`split_stream` on sending.

The socket is non-blocking and read when the event loop reports it readable. Standard
library only: no libpcap, no scapy.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket

from freev2g.hci.errors import EthernetError
from freev2g.hci.ethernet import (
    ETHERTYPE_HCI,
    HciEthernetFrame,
    decode_ethernet,
    format_mac,
    parse_mac,
    split_stream,
)
from freev2g.transport.base import Drop, Transport, TransportError
from freev2g.transport.capture import CaptureTarget, open_capture

log = logging.getLogger(__name__)

BROADCAST = b"\xff" * 6
_ARPHRD_ETHER = 1
_ARPHRD_LOOPBACK = 772
_RECEIVE_SIZE = 65536  # above any MTU, so a frame is never truncated
_READS_PER_WAKEUP = 64  # then yield to the loop; the socket stays readable
_MAX_REPORTED_SOURCES = 16

PERMISSION_HINT = (
    "run as root or grant CAP_NET_RAW, e.g. sudo setcap cap_net_raw+ep $(readlink -f $(which python3))"
)


class EthernetTransport(Transport):
    """Raw Ethernet link to a WHITE beet (host side) or to a host (emulator side).

    With ``peer_mac`` (the module's Ethernet MAC) only frames from that MAC are accepted, the
    others are counted as :attr:`Drop.WRONG_SOURCE` and the first well-formed HCI frames from
    each other MAC are logged as a warning and listed in :attr:`unexpected_sources`: a module
    that answers from another MAC than the configured one is reported, not silently ignored.

    With ``peer_mac=None`` (the emulator) frames from any source are accepted and sent to
    ``destination`` if given, else to the last source seen, else to broadcast.

    Frames are sent from the interface's own MAC and padded to the 60-byte minimum. A capture
    records the frames exactly as on the wire: those sent, and every 0x6003 frame received,
    including the dropped ones (they show a misconfigured MAC at a glance).
    """

    no_reply_hint = ("check the cable, the module's Ethernet MAC (the label's MAC minus 2) and that the"
                     " module is in Ethernet HCI mode")

    def __init__(
        self,
        interface: str,
        peer_mac: str | None,
        *,
        destination: str | None = None,
        capture: CaptureTarget | None = None,
    ) -> None:
        super().__init__(open_capture(capture))
        self.interface = interface
        self.peer_mac = parse_mac(peer_mac) if peer_mac is not None else None
        self._forced_destination = parse_mac(destination) if destination is not None else None
        self._last_source: bytes | None = None
        self.local_mac: bytes | None = None
        self.unexpected_sources: list[str] = []
        self._sock: socket.socket | None = None
        self._write_waiter: asyncio.Future[None] | None = None

    @property
    def description(self) -> str:
        peer = format_mac(self.peer_mac) if self.peer_mac is not None else "any peer"
        return f"{self.interface} {peer}"

    async def _open(self) -> None:
        sock = _open_socket(self.interface)
        try:
            _name, _proto, _type, hatype, address = sock.getsockname()
            if hatype not in (_ARPHRD_ETHER, _ARPHRD_LOOPBACK):
                raise TransportError(f"{self.interface} is not an Ethernet interface (type {hatype})")
            self.local_mac = bytes(address[:6])
            asyncio.get_running_loop().add_reader(sock.fileno(), self._on_readable)
        except BaseException:
            sock.close()
            raise
        self._sock = sock

    async def _send(self, data: bytes) -> None:
        assert self.local_mac is not None
        destination = self._destination()
        for piece in split_stream(data):
            raw = HciEthernetFrame(destination, self.local_mac, piece).encode()
            await self._send_frame(raw)
            self._count_sent(piece)
            if self._capture is not None:
                self._capture.wire(raw)

    async def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        loop = asyncio.get_running_loop()
        loop.remove_reader(sock.fileno())
        loop.remove_writer(sock.fileno())
        if self._write_waiter is not None and not self._write_waiter.done():
            self._write_waiter.set_exception(TransportError(f"{self.description}: closed while sending"))
        # Closing a bound packet socket takes the kernel 8-20 ms (bench/scale.py): off the loop,
        # so that closing one connector does not stall the deadlines of the others.
        await loop.run_in_executor(None, sock.close)

    def _destination(self) -> bytes:
        if self.peer_mac is not None:
            return self.peer_mac
        return self._forced_destination or self._last_source or BROADCAST

    async def _send_frame(self, raw: bytes) -> None:
        while True:
            sock = self._sock
            if sock is None:  # closed while this send waited for room
                raise TransportError(f"{self.description}: closed while sending")
            try:
                sock.send(raw)
                return
            except (BlockingIOError, InterruptedError):
                await self._writable(sock)
            except OSError as exc:
                raise TransportError(_send_error(self.interface, exc)) from exc

    async def _writable(self, sock: socket.socket) -> None:
        """Wait until the socket's send queue has room (it is full only under heavy load)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._write_waiter = waiter
        loop.add_writer(sock.fileno(), _resolve, waiter)
        try:
            await waiter
        finally:
            self._write_waiter = None
            if self._sock is not None:
                loop.remove_writer(sock.fileno())

    def _on_readable(self) -> None:
        sock = self._sock
        if sock is None:
            return
        for _ in range(_READS_PER_WAKEUP):
            try:
                raw, address = sock.recvfrom(_RECEIVE_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # For example ENETDOWN when the interface goes down; the error is reported once.
                log.warning("%s: receive failed: %s", self.description, exc.strerror or exc)
                return
            self._receive(raw, address[2])

    def _receive(self, raw: bytes, packet_type: int) -> None:
        if packet_type == socket.PACKET_OUTGOING:
            # A copy of a frame sent on this interface. A socket bound to one EtherType gets
            # none on Linux today; the check keeps that true whatever the binding.
            self.stats.drop(Drop.OWN_FRAME)
            return
        if self._capture is not None:
            self._capture.wire(raw)
        try:
            frame = decode_ethernet(raw)
        except EthernetError as exc:
            self.stats.drop(Drop.BAD_CONTROL_HEADER)
            log.debug("%s: dropped frame: %s", self.description, exc)
            return
        if frame.source == self.local_mac:
            # Our own frame come back (loopback, or a reflecting bridge): not from the peer.
            self.stats.drop(Drop.OWN_FRAME)
            return
        if self.peer_mac is None:
            self._last_source = frame.source
        elif frame.source != self.peer_mac:
            self.stats.drop(Drop.WRONG_SOURCE)
            self._report_source(frame.source)
            return
        self._deliver(frame.data)

    def _report_source(self, source: bytes) -> None:
        mac = format_mac(source)
        if mac in self.unexpected_sources or len(self.unexpected_sources) >= _MAX_REPORTED_SOURCES:
            return
        self.unexpected_sources.append(mac)
        assert self.peer_mac is not None
        log.warning(
            "%s: HCI frames from %s, not from the configured module MAC %s; dropped"
            " (is the module MAC set correctly?)",
            self.interface,
            mac,
            format_mac(self.peer_mac),
        )


def _open_socket(interface: str) -> socket.socket:
    """A non-blocking AF_PACKET socket bound to ``interface`` and EtherType 0x6003."""
    try:
        socket.if_nametoindex(interface)
    except OSError:
        names = ", ".join(name for _index, name in socket.if_nameindex())
        raise TransportError(f"no network interface {interface!r}; interfaces: {names}") from None
    try:
        # Protocol 0 receives nothing until bind() names the interface and the EtherType, so
        # no frame of another interface slips in between.
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    except PermissionError:
        raise TransportError(f"no permission for a raw socket on {interface}: {PERMISSION_HINT}") from None
    try:
        sock.bind((interface, ETHERTYPE_HCI))
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise TransportError(f"cannot bind a raw socket to {interface}: {exc.strerror or exc}") from None
    return sock


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _send_error(interface: str, exc: OSError) -> str:
    if exc.errno == errno.ENETDOWN:
        return f"{interface} is down: bring it up with: ip link set {interface} up"
    if exc.errno in (errno.ENXIO, errno.ENODEV):
        return f"{interface} has disappeared"
    return f"sending on {interface} failed: {exc.strerror or exc}"
