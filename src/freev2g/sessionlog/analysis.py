"""The figures of a session log: per role the session's protocol, energy, duration, SOC, peak
power, how it ended, the host's reaction times against their deadlines and the errors; and the
session phases (cable check, pre-charge, charge loop, welding detection) on the log's time axis.

Figures come from the applications' own records where they made them (``session_end``), else
from the samples (``charger``, ``battery``). Phases come from the HCI frames, whose message
names say which step of the V2G flow the modules are in (hci-reference §5.7/§5.8; the same
words in manual 2.11 and 2.14 titles), so they are found in any log with frames.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from freev2g.sessionlog.reader import SessionLogContents

PHASES = ("cable check", "pre-charge", "charge loop", "welding detection")
# Words of message titles that mark the start of each phase, and the end of the last one.
_PHASE_WORDS = {
    "cable check": ("cable check",),
    "pre-charge": ("pre charg", "precharge"),
    "charge loop": ("start charging", "charge loop", "charging started"),
    "welding detection": ("welding", "post charg"),
}
_CHARGE_LOOP_END = ("stop charging",)
_SESSION_END = ("session stopped",)


@dataclass(frozen=True)
class PhaseSpan:
    name: str
    start: float
    end: float


@dataclass
class Reaction:
    request: str
    count: int
    typical_ms: float | None  # the application's mean, or the emulated module's median
    worst_ms: float
    deadline_ms: float | None
    late: int
    source: str  # "evse application", "evse module" (what the emulated module measured), ...


@dataclass
class RoleFigures:
    role: str
    protocol: str | None = None
    energy_wh: float | None = None
    duration_s: float | None = None
    soc_from: float | None = None
    soc_to: float | None = None
    peak_power_w: float | None = None
    end: str | None = None
    sessions: int = 0
    frames: int = 0
    errors: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # commands the module refused


@dataclass
class LogFigures:
    roles: dict[str, RoleFigures]
    phases: list[PhaseSpan]
    reactions: list[Reaction]
    span_s: float
    errors: list[str]

    @property
    def protocol(self) -> str | None:
        return next((r.protocol for r in self.roles.values() if r.protocol), None)


def trapezoid_wh(samples: list[tuple[float, float]]) -> float:
    """Energy in Wh of (time s, power W) samples, linear between samples."""
    joules = sum((t1 - t0) * (p0 + p1) / 2 for (t0, p0), (t1, p1) in itertools.pairwise(samples))
    return joules / 3600


def _role_figures(log: SessionLogContents, role: str) -> RoleFigures:
    figures = RoleFigures(role)
    records = [r for r in log.records if r.get("role") == role]
    frames = [r for r in records if r["type"] == "frame"]
    figures.frames = len(frames)
    starts = [r for r in records if r["type"] == "session_start"]
    ends = [r for r in records if r["type"] == "session_end"]
    figures.sessions = max(len(starts), len(ends))
    for record in starts + ends:
        figures.protocol = record.get("protocol") or figures.protocol
    power = [(r["t"], float(r["power"])) for r in records
             if r["type"] == "charger" and r.get("power") is not None]
    soc = [float(r["soc"]) for r in records if r["type"] == "battery" and r.get("soc") is not None]
    if ends:
        energies = [e["energy_wh"] for e in ends if e.get("energy_wh") is not None]
        figures.energy_wh = sum(energies) if energies else None
        durations = [e["duration_s"] for e in ends if e.get("duration_s") is not None]
        figures.duration_s = sum(durations) if durations else None
        figures.soc_from = next((e["soc_from"] for e in ends if e.get("soc_from") is not None), None)
        figures.soc_to = next((e["soc_to"] for e in reversed(ends) if e.get("soc_to") is not None), None)
        peaks = [e["peak_power_w"] for e in ends if e.get("peak_power_w") is not None]
        figures.peak_power_w = max(peaks) if peaks else None
        figures.end = "; ".join(str(e["end"]) for e in ends if e.get("end"))
    if figures.energy_wh is None and len(power) > 1:
        figures.energy_wh = trapezoid_wh(power)
    if power:
        sampled_peak = max(p for _, p in power)
        figures.peak_power_w = max(figures.peak_power_w or 0.0, sampled_peak)
    if soc:
        figures.soc_from = soc[0] if figures.soc_from is None else figures.soc_from
        figures.soc_to = soc[-1] if figures.soc_to is None else figures.soc_to
    if figures.duration_s is None and starts:
        figures.duration_s = records[-1]["t"] - starts[0]["t"]
    figures.errors = _errors(records)
    figures.rejected = _rejections(records)
    return figures


def _errors(records: list[dict[str, Any]]) -> list[str]:
    errors = []
    for r in records:
        at = f"{r['t']:.3f} s"
        if r["type"] == "error":
            errors.append(f"{at}: {r.get('message')}")
        elif r["type"] == "framing_fault":
            errors.append(f"{at}: framing fault ({r.get('direction')}): {r.get('fault')}")
        elif r["type"] == "frame" and "error" in r:
            errors.append(f"{at}: undecodable frame: {r['error']}")
    return errors


def _rejections(records: list[dict[str, Any]]) -> list[str]:
    return [f"{r['t']:.3f} s: {r.get('message')}: {r.get('fields', {}).get('result')}"
            for r in records if r["type"] == "frame" and r.get("rejected")]


def phases(log: SessionLogContents) -> list[PhaseSpan]:
    """The phases in flow order, each from its first frame to the start of the next phase (the
    charge loop ends at Stop Charging, welding detection at Session Stopped)."""
    frames = [(r["t"], str(r.get("message", "")).lower()) for r in log.of_type("frame")]
    starts: dict[str, float] = {}
    for name in PHASES:
        earlier = max(starts.values(), default=float("-inf"))
        words = _PHASE_WORDS[name]
        first = next((t for t, title in frames if t >= earlier and any(w in title for w in words)), None)
        if first is not None:
            starts[name] = first
    last_t = log.records[-1]["t"]
    spans = []
    ordered = [name for name in PHASES if name in starts]
    for index, name in enumerate(ordered):
        start = starts[name]
        following = starts[ordered[index + 1]] if index + 1 < len(ordered) else None
        stop_words = _CHARGE_LOOP_END if name == "charge loop" else _SESSION_END
        stop = next((t for t, title in frames if t > start and any(w in title for w in stop_words)), None)
        end = min(x for x in (following, stop, last_t) if x is not None)
        spans.append(PhaseSpan(name, start, max(start, end)))
    return spans


def _reactions(log: SessionLogContents) -> list[Reaction]:
    reactions = []
    for end in log.of_type("session_end"):
        for request, r in (end.get("reactions") or {}).items():
            source = f"{end.get('role')} application"
            worst = float(r.get("worst_ms", 0))
            reactions.append(Reaction(request, int(r.get("count", 0)), r.get("mean_ms"), worst,
                                      r.get("deadline_ms"), int(r.get("late", 0)), source))
    for report in log.of_type("module_report"):
        missed = report.get("missed") or []
        for request, r in (report.get("reactions") or {}).items():
            late = sum(1 for m in missed if isinstance(m, dict) and m.get("request") == request)
            source = str(report.get("module", report.get("role")))
            reactions.append(Reaction(request, int(r.get("count", 0)), r.get("p50"), float(r.get("max", 0)),
                                      r.get("deadline_ms"), late, source))
    return reactions


def figures(log: SessionLogContents) -> LogFigures:
    roles = {role: _role_figures(log, role) for role in log.roles}
    errors = [f"{role}: {e}" for role, f in roles.items() for e in f.errors]
    for report in log.of_type("module_report"):
        for miss in report.get("missed") or []:
            errors.append(f"{report.get('module', report.get('role'))}: missed deadline {miss}")
    span = log.records[-1]["t"] - log.records[0]["t"]
    return LogFigures(roles, phases(log), _reactions(log), span, errors)
