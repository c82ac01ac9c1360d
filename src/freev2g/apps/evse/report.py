"""Formatting of the session lines' values, the schedule as sent, and the run's summary figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from freev2g.config.evse_schema import ScheduleSettings


def number(value: float) -> str:
    """``20`` for 20.0 (the seed printed integers), up to three decimals otherwise."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def trimmed_schedules(schedules: list[ScheduleSettings], max_entries: int) -> list[ScheduleSettings]:
    """The tuples with at most ``max_entries`` entries in total, in order (manual 2.11 p142:
    "the total number of entries must not exceed max entries"; 2.14 p148 per tuple). Every tuple
    keeps at least its first entry, dropping tuples from the end if even that is too many."""
    budget = max(1, max_entries)
    tuples = schedules[:budget]
    kept: list[ScheduleSettings] = []
    for index, schedule in enumerate(tuples):
        reserved = len(tuples) - index - 1  # one entry for each tuple still to come
        take = min(len(schedule.entries), budget - reserved)
        kept.append(schedule.model_copy(update={"entries": schedule.entries[:take]}))
        budget -= take
    return kept


def schedule_text(schedules: list[ScheduleSettings]) -> str:
    """The seed README's form: ``[(0, 65535, 25000), (1, 65535, 25000)]``, one (index, interval,
    max power) tuple per entry sent, numbered across the tuples."""
    items: list[str] = []
    for schedule in schedules:
        for entry in schedule.entries:
            items.append(f"({len(items)}, {entry.interval}, {number(entry.max_power)})")
    return "[" + ", ".join(items) + "]"


@dataclass
class Reaction:
    """How fast the host answered one kind of module request, against its deadline."""

    count: int = 0
    worst_s: float = 0.0
    total_s: float = 0.0
    deadline_s: float | None = None  # the tightest deadline the module gave
    late: int = 0

    def record(self, seconds: float, deadline: float | None) -> None:
        self.count += 1
        self.total_s += seconds
        self.worst_s = max(self.worst_s, seconds)
        if deadline is not None:
            self.deadline_s = deadline if self.deadline_s is None else min(self.deadline_s, deadline)
            if seconds > deadline:
                self.late += 1

    @property
    def mean_s(self) -> float:
        return self.total_s / self.count if self.count else 0.0


@dataclass
class SessionSummary:
    """One session as the EVSE application saw it."""

    protocol: str | None = None
    energy_transfer_mode: str | None = None
    session_id: str | None = None
    evcc_id: str | None = None
    authorized: bool | None = None
    energy_wh: float = 0.0
    duration_s: float = 0.0
    peak_power_w: float = 0.0
    end: str = "not started"  # how it ended: "session stopped", "unplugged", ...
    completed: bool = False  # the module reported Session Stopped after a normal stop
    reactions: dict[str, Reaction] = field(default_factory=dict)
    max_push_interval_s: float | None = None  # v2: longest gap between parameter updates
    pushes: int = 0

    def react(self, name: str, seconds: float, deadline: float | None) -> None:
        self.reactions.setdefault(name, Reaction()).record(seconds, deadline)

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol, "energy_transfer_mode": self.energy_transfer_mode,
            "session_id": self.session_id, "evcc_id": self.evcc_id, "authorized": self.authorized,
            "energy_wh": round(self.energy_wh, 3), "duration_s": round(self.duration_s, 3),
            "peak_power_w": round(self.peak_power_w, 1), "end": self.end, "completed": self.completed,
            "max_push_interval_s": self.max_push_interval_s, "pushes": self.pushes,
            "reactions": {name: {"count": r.count, "worst_ms": round(r.worst_s * 1000, 2),
                                 "mean_ms": round(r.mean_s * 1000, 2),
                                 "deadline_ms": None if r.deadline_s is None else round(r.deadline_s * 1000),
                                 "late": r.late}
                          for name, r in self.reactions.items()},
        }


@dataclass
class EvseRunResult:
    """What :func:`~freev2g.apps.evse.run_evse` did: the sessions and how the run ended."""

    sessions: list[SessionSummary] = field(default_factory=list)
    firmware: str | None = None
    generation: str | None = None
    exit_status: int = 0
    error: str | None = None

    @property
    def completed_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.completed)
