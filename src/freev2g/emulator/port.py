"""Connects an emulated module to a transport: bytes in to the module, bytes out in order."""

from __future__ import annotations

import asyncio
import logging

from freev2g.emulator.module import EmulatedModule
from freev2g.transport.base import Transport

log = logging.getLogger("freev2g.emulator")


class TransportPort:
    """The module's ``send`` callback on a transport. The transport sends one call after the
    other in call order, so frames leave in the order the module produced them."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, data: bytes) -> None:
        task = asyncio.get_running_loop().create_task(self.transport.send(data))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("%s: send failed: %s", self.transport.description, task.exception())

    async def start(self, module: EmulatedModule) -> None:
        await self.transport.open(module.receive)

    async def drain(self) -> None:
        """Wait until everything the module sent so far has left."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        await self.drain()
        await self.transport.close()
