"""Fault injection on the HCI byte stream between an emulated module and its host.

For tests and for users hardening their hosts (issue 4): each frame, in either direction, is
dropped, corrupted (one byte flipped, so the receiver sees a checksum or framing error),
duplicated or delayed with the given probabilities, drawn from a seeded generator so that a run
can be repeated exactly. Session-level faults (unplug at a step, car silent, module restart)
live with the peers and the runner; this module only touches bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from freev2g.emulator.clock import Clock

Send = Callable[[bytes], None]


@dataclass(frozen=True)
class FrameFaults:
    drop: float = 0.0
    corrupt: float = 0.0
    duplicate: float = 0.0
    delay: float = 0.0
    delay_seconds: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("drop", "corrupt", "duplicate", "delay"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate {name}={rate}: use a probability from 0 to 1")
        if self.delay_seconds < 0:
            raise ValueError(f"fault delay {self.delay_seconds} s: use a delay of 0 s or more")

    @property
    def active(self) -> bool:
        return any((self.drop, self.corrupt, self.duplicate, self.delay))

    @classmethod
    def parse(cls, specs: list[str], seed: int = 0) -> FrameFaults:
        """``drop=0.01``, ``corrupt=0.01``, ``duplicate=0.01``, ``delay=0.05`` or
        ``delay=0.05:0.3`` (rate, then seconds); ValueError names the accepted forms."""
        values: dict[str, float] = {}
        for spec in specs:
            name, _, value = spec.partition("=")
            if name not in ("drop", "corrupt", "duplicate", "delay") or not value:
                raise ValueError(f"fault {spec!r}: use drop=P, corrupt=P, duplicate=P or delay=P[:SECONDS]")
            rate_text, _, seconds_text = value.partition(":")
            try:
                values[name] = float(rate_text)
                if seconds_text and name == "delay":
                    values["delay_seconds"] = float(seconds_text)
                elif seconds_text:
                    raise ValueError
            except ValueError:
                raise ValueError(f"fault {spec!r}: P is a probability such as 0.01") from None
        return cls(seed=seed, **values)


@dataclass
class FaultCounts:
    dropped: int = 0
    corrupted: int = 0
    duplicated: int = 0
    delayed: int = 0


class FaultInjector:
    """Wraps ``send`` callbacks; one generator for both directions keeps a run reproducible."""

    def __init__(self, faults: FrameFaults, clock: Clock) -> None:
        self.faults = faults
        self.clock = clock
        self.counts = FaultCounts()
        self._random = random.Random(faults.seed)  # noqa: S311 - reproducible faults, not secrets

    def wrap(self, send: Send) -> Send:
        if not self.faults.active:
            return send

        def faulty(data: bytes) -> None:
            self.apply(data, send)

        return faulty

    def apply(self, data: bytes, send: Send) -> None:
        faults, draw = self.faults, self._random.random
        if draw() < faults.drop:
            self.counts.dropped += 1
            return
        if data and draw() < faults.corrupt:
            self.counts.corrupted += 1
            data = self._corrupt(data)
        copies = 2 if draw() < faults.duplicate else 1
        self.counts.duplicated += copies - 1
        if draw() < faults.delay:
            self.counts.delayed += 1
            for _ in range(copies):
                self.clock.call_later(faults.delay_seconds, lambda: send(data))
            return
        for _ in range(copies):
            send(data)

    def _corrupt(self, data: bytes) -> bytes:
        index = self._random.randrange(len(data))
        flipped = bytearray(data)
        flipped[index] ^= 1 << self._random.randrange(8)
        return bytes(flipped)
