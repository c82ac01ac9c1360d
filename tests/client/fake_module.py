"""A scripted fake module for client tests: answers commands through a handler, in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from freev2g.hci.frame import Frame
from freev2g.hci.parser import FrameParser

Handler = Callable[[Frame], list[bytes] | None]


class FakeModule:
    """Implements the client's Link. ``handler`` gets every command frame and returns the bytes to
    send back (or None for silence); ``push`` sends unsolicited bytes."""

    description = "fake module"

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.received: list[Frame] = []
        self._parser = FrameParser()
        self._on_data: Callable[[bytes], None] | None = None
        self.closed = False

    async def open(self, on_data: Callable[[bytes], None]) -> None:
        self._on_data = on_data

    async def send(self, data: bytes) -> None:
        for event in self._parser.feed(data):
            assert isinstance(event, Frame), event
            self.received.append(event)
            for reply in self.handler(event) or []:
                self.push(reply)

    def push(self, data: bytes) -> None:
        assert self._on_data is not None
        asyncio.get_running_loop().call_soon(self._on_data, data)

    async def close(self) -> None:
        self.closed = True


def reply(frame: Frame, payload: bytes, sub_id: int | None = None) -> bytes:
    return Frame(frame.module_id, frame.sub_id if sub_id is None else sub_id, frame.request_id, payload).encode()


def echo_pings(frame: Frame) -> list[bytes] | None:
    if frame.module_id == 0x0E:
        return [reply(frame, frame.payload, sub_id=0x01)]
    return None
