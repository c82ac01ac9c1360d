"""``freev2g report``'s text: the summary table of a session log, one column per role."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from freev2g.sessionlog.analysis import LogFigures, RoleFigures

_LABEL = 20


def _kwh(wh: float | None) -> str:
    return "-" if wh is None else f"{wh / 1000:.3f} kWh"


def _soc(f: RoleFigures) -> str:
    if f.soc_from is None or f.soc_to is None:
        return "-"
    return f"{f.soc_from:.1f} % -> {f.soc_to:.1f} %"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


ROWS: tuple[tuple[str, Callable[[RoleFigures], str]], ...] = (
    ("protocol", lambda f: f.protocol or "-"),
    ("sessions", lambda f: str(f.sessions)),
    ("energy", lambda f: _kwh(f.energy_wh)),
    ("duration", lambda f: "-" if f.duration_s is None else f"{f.duration_s:.1f} s"),
    ("SOC", _soc),
    ("peak power", lambda f: "-" if f.peak_power_w is None else f"{f.peak_power_w / 1000:.1f} kW"),
    ("session end", lambda f: f.end or "-"),
    ("frames", lambda f: str(f.frames)),
    ("errors", lambda f: str(len(f.errors))),
    ("rejected commands", lambda f: str(len(f.rejected))),
)


def report_lines(figures: LogFigures) -> list[str]:
    roles = list(figures.roles.values())
    cells = [[render(f) for f in roles] for _, render in ROWS]
    widths = [max([len(f.role)] + [len(row[i]) for row in cells]) for i, f in enumerate(roles)]
    heads = (f"{f.role.upper():<{w}}" for f, w in zip(roles, widths, strict=True))
    lines = [f"{'':<{_LABEL}}" + "  ".join(heads)]
    for (label, _), row in zip(ROWS, cells, strict=True):
        lines.append(f"{label:<{_LABEL}}" + "  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)))
    lines.append(f"{'log span':<{_LABEL}}{figures.span_s:.1f} s")
    if figures.phases:
        lines += ["", "phases"]
        lines += [f"  {p.name:<{_LABEL - 2}}{p.start:8.3f} s -> {p.end:8.3f} s  ({p.end - p.start:.3f} s)"
                  for p in figures.phases]
    if figures.reactions:
        lines += ["", "host reaction times against deadlines",
                  f"  {'measured by':<18}{'request':<38}{'n':>5}{'p50/mean':>12}{'worst':>12}{'deadline':>12}"
                  f"{'late':>6}"]
        for r in figures.reactions:
            lines.append(f"  {r.source:<18}{r.request:<38}{r.count:>5}{_ms(r.typical_ms):>12}"
                         f"{_ms(r.worst_ms):>12}{_ms(r.deadline_ms):>12}{r.late:>6}")
    lines += ["", f"errors: {len(figures.errors)}"]
    lines += [f"  {e}" for e in figures.errors]
    rejected = [f"{role}: {r}" for role, f in figures.roles.items() for r in f.rejected]
    if rejected:
        lines += ["", f"rejected commands: {len(rejected)} (some are expected, e.g. stopping a service"
                  " that was not running)"]
        lines += [f"  {r}" for r in rejected]
    return lines


def figures_json(figures: LogFigures) -> dict[str, Any]:
    return {"protocol": figures.protocol, "span_s": figures.span_s,
            "roles": {role: dataclasses.asdict(f) for role, f in figures.roles.items()},
            "phases": [dataclasses.asdict(p) for p in figures.phases],
            "reactions": [dataclasses.asdict(r) for r in figures.reactions], "errors": figures.errors}
