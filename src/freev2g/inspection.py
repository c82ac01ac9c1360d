"""Decoding recorded or typed HCI traffic for people: hex lines, Ethernet frames, captures.

Used by ``freev2g decode``. Input forms:

* hex text of one frame, with spaces, colons or nothing between bytes, starting at the framing
  start byte ``C0``, at the control header ``00 04``, or at the Ethernet header;
* pcap or pcapng files with Ethernet frames; frames of EtherType 0x6003 are decoded, others are
  counted. The framing bytes each MAC sends form one byte stream (hci-reference §1.2), so HCI
  frames split over several Ethernet frames are reassembled.

Direction: in captures, each conversation's module is the MAC given with ``module_macs``, else the
side that sends status messages, else the side that did not send the first frame. For hex input
without MAC addresses, status Sub-IDs are from the module and others are commands unless told.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from freev2g.hci import catalog  # noqa: F401 - registers every declaration
from freev2g.hci.errors import EthernetError, HciError
from freev2g.hci.ethernet import (
    CONTROL_TYPE_FRAMING,
    CONTROL_VERSION,
    ETHERTYPE_HCI,
    decode_control,
    decode_ethernet,
    ethertype_of,
    format_mac,
)
from freev2g.hci.frame import START, Frame, decode_frame
from freev2g.hci.message import Decoded, decode, is_status
from freev2g.hci.modules import Direction, Generation, module_title
from freev2g.hci.parser import FrameParser
from freev2g.pcap import LINKTYPE_ETHERNET, Packet

_HEX = set(string.hexdigits)


class InputError(Exception):
    """One bad input item; the message names the item and the fault."""


@dataclass(frozen=True)
class DecodedFrame:
    source: str  # "line 3", "argument 1", "packet 7"
    frame: Frame
    direction: Direction
    generation: Generation
    message: Decoded
    timestamp: float | None = None
    src_mac: str | None = None
    dst_mac: str | None = None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"source": self.source}
        if self.timestamp is not None:
            record["time"] = round(self.timestamp, 6)
        if self.src_mac is not None:
            record["src_mac"], record["dst_mac"] = self.src_mac, self.dst_mac
        record.update(
            module_id=self.frame.module_id,
            module=module_title(self.frame.module_id),
            sub_id=self.frame.sub_id,
            request_id=self.frame.request_id,
            direction=self.direction.value,
            generation=self.generation.value,
            kind=self.message.kind,
            message=self.message.title,
            fields=self.message.json_fields(),
        )
        return record

    def to_text(self, time_origin: float | None = None) -> str:
        """A header line and one indented line per field; times relative to ``time_origin``."""
        arrow = "host → module" if self.direction is Direction.HOST else "module → host"
        frame = self.frame
        head = (
            f"{self.source}: {arrow}  {module_title(frame.module_id)} (0x{frame.module_id:02X})"
            f" sub 0x{frame.sub_id:02X} req 0x{frame.request_id:02X}  {self.message.title}"
        )
        if self.timestamp is not None:
            head = f"{self.timestamp - (time_origin or 0.0):10.6f} {head}"
        lines = [head] + [f"    {name} = {value}" for name, value in _text_fields(self.message)]
        return "\n".join(lines)


def _text_fields(message: Decoded) -> Iterator[tuple[str, str]]:
    specs = getattr(message, "field_specs", None)
    if specs is None:  # rejection or raw message
        yield from ((name, str(value)) for name, value in message.json_fields().items())
        return
    if getattr(message, "has_result", False):
        yield "result", "OK"
    for spec in specs:
        value = getattr(message, spec.name)
        if value is not None or not spec.codec.default_none:
            yield spec.name, spec.codec.format(value)


def parse_hex(text: str) -> bytes:
    """Hex bytes separated by spaces, colons, commas or dashes, or not separated; ``0x`` allowed."""
    tokens = [t[2:] if t[:2] in ("0x", "0X") else t for t in re.split(r"[\s:,\-]+", text.strip()) if t]
    if not tokens:
        raise ValueError("no bytes")
    for token in tokens:
        if len(token) % 2 or not set(token) <= _HEX:
            raise ValueError(f"{token!r} is not a whole number of hex bytes")
    return bytes.fromhex("".join(tokens))


def _strip_headers(raw: bytes) -> tuple[bytes, str | None, str | None]:
    """Framing bytes of a frame given with or without the Ethernet and control headers."""
    if raw[:1] == bytes((START,)):
        return raw, None, None
    if raw[:2] == bytes((CONTROL_VERSION, CONTROL_TYPE_FRAMING)):
        return decode_control(raw), None, None
    if ethertype_of(raw) == ETHERTYPE_HCI:
        ethernet = decode_ethernet(raw)
        return ethernet.data, format_mac(ethernet.source), format_mac(ethernet.destination)
    raise ValueError("starts with neither a start byte C0, a control header 00 04 nor an Ethernet header"
                     " with EtherType 0x6003")


def _guess_direction(frame: Frame, generation: Generation) -> Direction:
    return Direction.MODULE if is_status(frame.module_id, frame.sub_id, generation) else Direction.HOST


def decode_hex_items(items: Iterable[tuple[str, str]], generation: Generation, direction: Direction | None,
                     module_macs: set[str]) -> Iterator[DecodedFrame | InputError]:
    """Decode ``(source, hex text)`` items, yielding a record or an :class:`InputError` each."""
    for source, text in items:
        try:
            framing, src, dst = _strip_headers(parse_hex(text))
            frame = decode_frame(framing)
            chosen = direction
            if chosen is None and src is not None and module_macs:
                chosen = Direction.MODULE if src in module_macs else Direction.HOST
            chosen = chosen or _guess_direction(frame, generation)
            yield DecodedFrame(source, frame, chosen, generation, decode(frame, generation, chosen),
                               src_mac=src, dst_mac=dst)
        except (ValueError, HciError) as exc:
            yield InputError(f"{source}: {exc}")


@dataclass
class CaptureSummary:
    packets: int = 0
    hci_packets: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def decode_capture(packets: Iterable[Packet], generation: Generation, module_macs: set[str],
                   summary: CaptureSummary) -> Iterator[DecodedFrame | InputError]:
    """Decode the HCI frames of a capture (two passes: find each conversation's module first)."""
    hci: list[tuple[int, Packet, bytes, str, str]] = []
    for index, packet in enumerate(packets, start=1):
        summary.packets += 1
        if packet.linktype != LINKTYPE_ETHERNET:
            summary.skipped[f"link type {packet.linktype}"] += 1
            continue
        ethertype = ethertype_of(packet.data)
        if ethertype != ETHERTYPE_HCI:
            summary.skipped["not EtherType 0x6003" if ethertype is not None else "runt frame"] += 1
            continue
        try:
            ethernet = decode_ethernet(packet.data)
        except EthernetError as exc:
            yield InputError(f"packet {index}: {exc}")
            continue
        summary.hci_packets += 1
        source, destination = format_mac(ethernet.source), format_mac(ethernet.destination)
        hci.append((index, packet, ethernet.data, source, destination))
    modules = module_macs or _find_modules(hci, generation)
    parsers: dict[tuple[str, str], FrameParser] = {}
    for index, packet, data, src, dst in hci:
        parser = parsers.setdefault((src, dst), FrameParser())
        direction = Direction.MODULE if src in modules else Direction.HOST
        for event in parser.feed(data):
            if isinstance(event, Frame):
                try:
                    message = decode(event, generation, direction)
                except HciError as exc:
                    yield InputError(f"packet {index}: {exc}")
                    continue
                yield DecodedFrame(f"packet {index}", event, direction, generation, message,
                                   packet.timestamp, src, dst)
            else:
                yield InputError(f"packet {index}: {event}")
    for (src, dst), parser in parsers.items():
        for fault in parser.flush():
            yield InputError(f"end of capture ({src} → {dst}): {fault}")


def _find_modules(hci: list[tuple[int, Packet, bytes, str, str]], generation: Generation) -> set[str]:
    statuses: Counter[str] = Counter()
    first_sender: dict[frozenset[str], str] = {}
    parsers: dict[str, FrameParser] = {}
    for _index, _packet, data, src, dst in hci:
        first_sender.setdefault(frozenset((src, dst)), src)
        for event in parsers.setdefault(src, FrameParser()).feed(data):
            if isinstance(event, Frame) and is_status(event.module_id, event.sub_id, generation):
                statuses[src] += 1
    modules = set()
    for pair, first in first_sender.items():
        a, b = sorted(pair) if len(pair) == 2 else (first, first)
        if statuses[a] != statuses[b]:
            modules.add(a if statuses[a] > statuses[b] else b)
        else:
            modules.add(b if first == a else a)
    return modules
