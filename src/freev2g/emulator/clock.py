"""Injectable clocks for the emulator: real time on an asyncio loop, or manual time in tests.

Components never sleep: they ask the clock to call them back. ``ManualClock.advance`` runs the
due callbacks in time order, so tests step through seconds of protocol time instantly.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer: ...


class LoopClock:
    """Real time from the running asyncio loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop or asyncio.get_running_loop()

    def now(self) -> float:
        return self.loop.time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.loop.call_later(max(0.0, delay), callback)


class _ManualTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """Time that moves only when a test calls :meth:`advance`."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._queue: list[tuple[float, int, _ManualTimer, Callable[[], None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = _ManualTimer()
        heapq.heappush(self._queue, (self._now + max(0.0, delay), next(self._order), timer, callback))
        return timer

    def advance(self, seconds: float) -> None:
        """Move time forward, running every callback that falls due, in order."""
        end = self._now + seconds
        while self._queue and self._queue[0][0] <= end:
            when, _, timer, callback = heapq.heappop(self._queue)
            self._now = max(self._now, when)
            if not timer.cancelled:
                callback()
        self._now = end

    def run_until_idle(self, limit: float = 3600.0) -> None:
        """Advance until no timer is left (or ``limit`` seconds have passed)."""
        end = self._now + limit
        while self._queue and self._queue[0][0] <= end:
            self.advance(self._queue[0][0] - self._now)
