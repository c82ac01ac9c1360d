"""Status-message subscriptions: each subscriber has its own bounded queue, order is kept, and an
overflow drops the oldest message, counted and logged (never silently)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("freev2g.client")

_END = object()


class Subscription:
    """Messages matching ``accepts``, in arrival order. Use as an async iterator or with ``get()``;
    close it (or use ``with``) when done so the client stops feeding it."""

    def __init__(self, accepts: Callable[[Any], bool], maxsize: int, on_close: Callable[[Subscription], None],
                 label: str) -> None:
        self._accepts = accepts
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._maxsize = maxsize
        self._on_close = on_close
        self.label = label
        self.overflows = 0
        self.closed = False

    def offer(self, message: Any) -> None:
        if self.closed or not self._accepts(message):
            return
        if self._queue.qsize() >= self._maxsize:
            dropped = self._queue.get_nowait()
            self.overflows += 1
            log.warning("subscriber %s is full (%d messages): dropped the oldest, %s (%d dropped so far)",
                        self.label, self._maxsize, getattr(dropped, "title", dropped), self.overflows)
        self._queue.put_nowait(message)

    async def get(self, timeout: float | None = None) -> Any:
        """The next message; :class:`TimeoutError` after ``timeout`` seconds,
        :class:`StopAsyncIteration` once the subscription or the client is closed."""
        async with asyncio.timeout(timeout):
            message = await self._queue.get()
        if message is _END:
            self._queue.put_nowait(_END)
            raise StopAsyncIteration
        return message

    def pending(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.put_nowait(_END)
            self._on_close(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Any:
        return await self.get()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
