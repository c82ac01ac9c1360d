"""Helpers of the transport tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from freev2g.hci.errors import FramingFault
from freev2g.hci.frame import Frame
from freev2g.hci.parser import FrameParser

T = TypeVar("T")
GUARD = 10.0  # seconds; only a guard against a hang, never a synchronisation


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a test coroutine in a fresh event loop, failing it if it hangs."""
    return asyncio.run(asyncio.wait_for(coroutine, GUARD))


class Receiver:
    """An ``on_data`` callback that keeps the chunks and parses them into frames.

    ``wait_bytes(n)`` and ``wait_frames(n)`` return once that much has arrived.
    """

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.parser = FrameParser()
        self.frames: list[Frame] = []
        self.faults: list[FramingFault] = []
        self._changed = asyncio.Event()

    def __call__(self, data: bytes) -> None:
        self.chunks.append(data)
        for event in self.parser.feed(data):
            if isinstance(event, Frame):
                self.frames.append(event)
            else:
                self.faults.append(event)
        self._changed.set()

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)

    async def wait_bytes(self, count: int) -> bytes:
        while len(self.data) < count:
            self._changed.clear()
            await self._changed.wait()
        return self.data

    async def wait_frames(self, count: int) -> list[Frame]:
        while len(self.frames) < count:
            self._changed.clear()
            await self._changed.wait()
        return self.frames


async def callbacks_run() -> None:
    """Return after the callbacks already scheduled with ``call_soon`` have run (FIFO order)."""
    done = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_soon(done.set_result, None)
    await done
