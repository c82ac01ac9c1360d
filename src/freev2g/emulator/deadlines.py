"""Host deadlines: what the module waits for, how fast the host reacted, and what a miss does.

A service that sends its host a request with a deadline (v1 "Request X" then "Set X", v2
"Authorization Status Requested" then 0x6B, the 500 ms update rule, the EV notification delay)
calls :meth:`Deadlines.expect` and, when the host's command arrives, :meth:`Expectation.met`.

``--timing`` chooses what a miss does: ``strict`` runs the service's ``on_miss`` (what the
firmware does: close the session, report an error); ``lenient`` records the miss and carries on
as if the host were in time; ``scale=X`` multiplies every deadline (strict otherwise). The
reaction figures (p50, p99, max per request, and each miss) feed ``freev2g emulate``'s report,
tests and benchmarks.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from freev2g.emulator.clock import Clock, Timer


class TimingMode(enum.Enum):
    STRICT = "strict"
    LENIENT = "lenient"


@dataclass(frozen=True)
class Timing:
    mode: TimingMode = TimingMode.STRICT
    scale: float = 1.0

    @classmethod
    def parse(cls, text: str) -> Timing:
        """``strict``, ``lenient`` or ``scale=X`` (X > 0); ValueError names the accepted forms."""
        if text in ("strict", "lenient"):
            return cls(TimingMode(text))
        if text.startswith("scale="):
            try:
                scale = float(text.removeprefix("scale="))
            except ValueError:
                scale = 0.0
            if scale > 0:
                return cls(TimingMode.STRICT, scale)
        raise ValueError(f"timing {text!r}: use strict, lenient or scale=X with X > 0")


@dataclass
class Reaction:
    request: str  # the module's request, e.g. "Request Charge Loop Parameters"
    requested_at: float
    deadline: float  # s, after scaling
    answered_at: float | None = None
    missed: bool = False

    @property
    def latency(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.requested_at


class Expectation:
    """One pending host reaction."""

    def __init__(self, owner: Deadlines, reaction: Reaction, on_miss: Callable[[], None]) -> None:
        self._owner = owner
        self.reaction = reaction
        self._on_miss = on_miss
        self._timer: Timer | None = owner.clock.call_later(reaction.deadline, self._expired)

    @property
    def pending(self) -> bool:
        return self.reaction.answered_at is None and self._timer is not None

    def met(self) -> None:
        """The host's answer arrived (late answers in lenient mode still count their latency)."""
        if self.reaction.answered_at is not None:
            return
        self.reaction.answered_at = self._owner.clock.now()
        self.cancel()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        self.reaction.missed = True
        self._owner.misses.append(self.reaction)
        if self._owner.timing.mode is TimingMode.STRICT:
            self._on_miss()


class Deadlines:
    def __init__(self, clock: Clock, timing: Timing | None = None) -> None:
        self.clock = clock
        self.timing = timing or Timing()
        self.reactions: list[Reaction] = []
        self.misses: list[Reaction] = []

    def expect(self, request: str, deadline: float, on_miss: Callable[[], None]) -> Expectation:
        """The host must react to ``request`` within ``deadline`` seconds (before scaling)."""
        reaction = Reaction(request, self.clock.now(), deadline * self.timing.scale)
        self.reactions.append(reaction)
        return Expectation(self, reaction, on_miss)

    def report(self) -> dict[str, Any]:
        """Per request: count, p50, p99 and max latency in ms, and every miss."""
        by_request: dict[str, list[float]] = {}
        for reaction in self.reactions:
            if reaction.latency is not None:
                by_request.setdefault(reaction.request, []).append(reaction.latency * 1000)
        return {
            "timing": {"mode": self.timing.mode.value, "scale": self.timing.scale},
            "reactions": {name: summary(values) for name, values in sorted(by_request.items())},
            "missed": [{"request": miss.request, "at": round(miss.requested_at, 6),
                        "deadline_ms": miss.deadline * 1000} for miss in self.misses],
        }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {"count": len(values), "p50": round(statistics.median(values), 3),
            "p99": round(percentile(values, 0.99), 3), "max": round(max(values), 3)}
