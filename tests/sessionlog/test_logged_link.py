""":class:`LoggedLink` logs every frame it carries in both directions, whole frames from any
chunking, learns the API generation from the firmware version, and never changes the bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from freev2g.hci.catalog.framing import Ping
from freev2g.hci.catalog.system import GetFirmwareVersion
from freev2g.sessionlog import LoggedLink, SessionLog


class RecordingLink:
    description = "test link"
    no_reply_hint = "plug it in"

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.deliver: Callable[[bytes], None] | None = None
        self.closed = False

    async def open(self, on_data: Callable[[bytes], None]) -> None:
        self.deliver = on_data

    async def send(self, data: bytes) -> None:
        self.sent.append(data)

    async def close(self) -> None:
        self.closed = True


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_frames_both_ways_in_any_chunks_are_logged_and_passed_on_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "link.jsonl"
    inner = RecordingLink()
    received: list[bytes] = []
    with SessionLog(path) as log:
        link = LoggedLink(inner, log.for_role("evse"))
        assert link.description == "test link" and link.no_reply_hint == "plug it in"
        await link.open(received.append)
        ping = Ping(data=b"\x01\x02\x03\x04").to_frame(0).encode()
        await link.send(ping[:3])
        await link.send(ping[3:])
        firmware = GetFirmwareVersion.Response(version="V01_01_06").to_frame(1).encode()
        assert inner.deliver is not None
        for byte in firmware:
            inner.deliver(bytes([byte]))
        corrupt = firmware[:-1] + b"\xff"  # the end byte damaged: a framing fault, logged as such
        inner.deliver(corrupt)
        await link.close()
    assert b"".join(inner.sent) == ping and inner.closed
    assert b"".join(received) == firmware + corrupt
    records = [r for r in _records(path) if r["type"] not in ("log_start", "log_end")]
    frames = [r for r in records if r["type"] == "frame"]
    assert [(r["direction"], r["message"], r["fields"]) for r in frames] == [
        ("host", "Ping", {"data": "01020304"}),
        ("module", "Get Firmware Version response", {"result": "OK", "version": "V01_01_06"})]
    assert all(r["role"] == "evse" and r["generation"] == "v2" for r in frames)
    faults = [r for r in records if r["type"] == "framing_fault"]
    assert faults and all(r["direction"] == "module" for r in faults)
    assert "0xFF" in faults[0]["fault"]
    generation = next(r for r in records if r["type"] == "generation")
    assert generation["generation"] == "v1" and generation["firmware"] == "V01_01_06"
    assert link.generation.value == "v1"


async def test_a_given_generation_is_kept(tmp_path: Path) -> None:
    from freev2g.hci.modules import Generation

    inner = RecordingLink()
    with SessionLog(tmp_path / "g.jsonl") as log:
        link = LoggedLink(inner, log.for_role("ev"), generation=Generation.V2)
        await link.open(lambda data: None)
        assert inner.deliver is not None
        inner.deliver(GetFirmwareVersion.Response(version="V01_00_06").to_frame(1).encode())
    assert link.generation is Generation.V2
    assert not [r for r in _records(tmp_path / "g.jsonl") if r["type"] == "generation"]
