"""Recording a transport's traffic to a pcap file that Wireshark and ``freev2g decode`` read.

Ethernet frames are recorded exactly as on the wire. SPI and memory traffic has no Ethernet
header, so each chunk of framing bytes is wrapped in a synthetic HCI Ethernet frame (EtherType
0x6003, control header, manual 2.14 §9.1, p38-p39) between the module MAC and the host MAC, so
that one decoder reads every capture. The defaults are the MACs of the manual's examples
(p201-p210). A chunk is not always a whole HCI frame; a reader must treat the framing data of
consecutive frames in one direction as a byte stream, as on the real Ethernet link.
"""

from __future__ import annotations

from pathlib import Path

from freev2g.hci.ethernet import HciEthernetFrame, parse_mac, split_stream
from freev2g.pcap import PcapWriter

MODULE_MAC = "00:01:01:63:77:33"
HOST_MAC = "00:22:22:22:22:22"

CaptureTarget = PcapWriter | str | Path


class Capture:
    """Writes one transport's frames, in both directions, to a :class:`PcapWriter`.

    ``local_mac`` and ``peer_mac`` address the synthetic frames: sent chunks go from local to
    peer, received chunks from peer to local. A writer passed in stays open when the capture
    closes (it may be shared); a path opens a file that :meth:`close` closes.
    """

    def __init__(
        self, target: CaptureTarget, *, local_mac: str = HOST_MAC, peer_mac: str = MODULE_MAC
    ) -> None:
        self._local = parse_mac(local_mac)
        self._peer = parse_mac(peer_mac)
        self._owned = not isinstance(target, PcapWriter)
        self.writer = target if isinstance(target, PcapWriter) else PcapWriter(target)
        self.closed = False

    def wire(self, frame: bytes) -> None:
        """Record an Ethernet frame as sent or received on the wire."""
        if not self.closed:
            self.writer.write(frame)

    def sent(self, data: bytes) -> None:
        """Record framing bytes sent to the peer, wrapped in synthetic Ethernet frames."""
        self._wrap(self._peer, self._local, data)

    def received(self, data: bytes) -> None:
        """Record framing bytes received from the peer, wrapped in synthetic Ethernet frames."""
        self._wrap(self._local, self._peer, data)

    def close(self) -> None:
        if not self.closed and self._owned:
            self.writer.close()
        self.closed = True

    def _wrap(self, destination: bytes, source: bytes, data: bytes) -> None:
        # SPI exchanges carry up to 1500 bytes, more than one Ethernet frame holds (1496).
        for piece in split_stream(data):
            self.wire(HciEthernetFrame(destination, source, piece).encode())


def open_capture(
    target: CaptureTarget | None, *, local_mac: str = HOST_MAC, peer_mac: str = MODULE_MAC
) -> Capture | None:
    """A :class:`Capture` for ``target``, or ``None`` when no capture is wanted."""
    if target is None:
        return None
    return Capture(target, local_mac=local_mac, peer_mac=peer_mac)
