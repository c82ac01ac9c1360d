"""HCI over Ethernet: EtherType 0x6003 and the 4-byte control header (manual 2.14 §9.1, p38-p39).

Frame layout::

    dst MAC (6) | src MAC (6) | 60 03 | 00 (version) | 04 (framing) | size (u16) | framing data | padding

``size`` counts the framing data only. Frames shorter than the 60-byte Ethernet minimum are
padded with zeros; receivers take the length from ``size`` and ignore the padding. The manual
prints its examples unpadded (p206-p214), so both forms decode.
"""

from __future__ import annotations

from dataclasses import dataclass

from freev2g.hci.errors import EthernetError

ETHERTYPE_HCI = 0x6003
CONTROL_VERSION = 0x00
CONTROL_TYPE_FRAMING = 0x04
ETHERNET_HEADER_SIZE = 14
CONTROL_HEADER_SIZE = 4
MIN_FRAME_SIZE = 60  # without FCS
MAX_PAYLOAD = 1500
MAX_FRAMING_PER_FRAME = MAX_PAYLOAD - CONTROL_HEADER_SIZE


def parse_mac(text: str) -> bytes:
    """``"00:01:01:63:77:33"`` (or with ``-``) to 6 bytes; ValueError names the problem."""
    parts = text.replace("-", ":").split(":")
    if len(parts) != 6 or not all(len(p) in (1, 2) for p in parts):
        raise ValueError(f"MAC address {text!r} is not six hex bytes like 00:01:01:63:77:33")
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise ValueError(f"MAC address {text!r} is not six hex bytes like 00:01:01:63:77:33") from None


def format_mac(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)


def control_header(size: int) -> bytes:
    return bytes((CONTROL_VERSION, CONTROL_TYPE_FRAMING)) + size.to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class HciEthernetFrame:
    """An Ethernet frame carrying HCI framing data (one or more frames, or a part of one)."""

    destination: bytes
    source: bytes
    data: bytes

    def encode(self, *, pad: bool = True) -> bytes:
        if len(self.data) > MAX_FRAMING_PER_FRAME:
            raise EthernetError(
                f"{len(self.data)} bytes of framing data exceed the {MAX_FRAMING_PER_FRAME}-byte"
                " Ethernet payload; split them with split_stream()"
            )
        raw = (
            self.destination
            + self.source
            + ETHERTYPE_HCI.to_bytes(2, "big")
            + control_header(len(self.data))
            + self.data
        )
        if pad and len(raw) < MIN_FRAME_SIZE:
            raw += bytes(MIN_FRAME_SIZE - len(raw))
        return raw


def split_stream(data: bytes) -> list[bytes]:
    """Cut framing bytes into Ethernet-sized pieces; HCI framing is a byte stream (§1.2)."""
    return [data[i : i + MAX_FRAMING_PER_FRAME] for i in range(0, len(data), MAX_FRAMING_PER_FRAME)] or [b""]


def ethertype_of(raw: bytes) -> int | None:
    return int.from_bytes(raw[12:14], "big") if len(raw) >= ETHERNET_HEADER_SIZE else None


def decode_ethernet(raw: bytes) -> HciEthernetFrame:
    """Decode an Ethernet frame with EtherType 0x6003; padding after ``size`` is ignored."""
    if len(raw) < ETHERNET_HEADER_SIZE + CONTROL_HEADER_SIZE:
        raise EthernetError(f"Ethernet frame of {len(raw)} bytes is too short for an HCI frame")
    ethertype = int.from_bytes(raw[12:14], "big")
    if ethertype != ETHERTYPE_HCI:
        raise EthernetError(f"EtherType 0x{ethertype:04X} is not the HCI EtherType 0x6003")
    return HciEthernetFrame(raw[0:6], raw[6:12], decode_control(raw[ETHERNET_HEADER_SIZE:]))


def decode_control(payload: bytes) -> bytes:
    """Strip the control header from an Ethernet payload and return the framing data."""
    if len(payload) < CONTROL_HEADER_SIZE:
        raise EthernetError(f"control header needs 4 bytes, got {len(payload)}")
    version, kind = payload[0], payload[1]
    if version != CONTROL_VERSION:
        raise EthernetError(f"control header version 0x{version:02X}, expected 0x00")
    if kind != CONTROL_TYPE_FRAMING:
        raise EthernetError(f"control header message type 0x{kind:02X}, expected 0x04 (framing)")
    size = int.from_bytes(payload[2:4], "big")
    available = len(payload) - CONTROL_HEADER_SIZE
    if size > available:
        raise EthernetError(f"control header size {size} exceeds the {available} bytes that follow")
    return bytes(payload[CONTROL_HEADER_SIZE : CONTROL_HEADER_SIZE + size])
