"""``freev2g plot``'s figure: voltage, current, power and SOC over the log's time, with the
session phases shaded. matplotlib is an optional extra (``pip install 'freev2g[plot]'``),
imported only here and only when a plot is drawn."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from freev2g.sessionlog.analysis import phases
from freev2g.sessionlog.reader import SessionLogContents

INSTALL_HINT = "plotting needs matplotlib: pip install 'freev2g[plot]' (or pip install matplotlib)"
PHASE_COLOURS = {"cable check": "#f2c14e", "pre-charge": "#f78154", "charge loop": "#4d9078",
                 "welding detection": "#5fa8d3"}


class PlotUnavailable(Exception):
    """matplotlib is not installed; the message says how to install it."""


def _pyplot() -> Any:
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        raise PlotUnavailable(INSTALL_HINT) from None
    matplotlib.use("Agg")  # files only: never a window, works without a display
    return importlib.import_module("matplotlib.pyplot")


def series(log: SessionLogContents, record_type: str, key: str) -> tuple[list[float], list[float]]:
    """(times, values) of ``key`` in the records of ``record_type`` that carry it."""
    points = [(float(r["t"]), float(r[key])) for r in log.of_type(record_type) if r.get(key) is not None]
    return [t for t, _ in points], [v for _, v in points]


def plot(log: SessionLogContents, output: str | Path, *, title: str | None = None) -> int:
    """Draw the figure to ``output`` (the suffix picks the format); returns the samples drawn."""
    plt = _pyplot()
    panels = (("charger", "voltage", "voltage (V)"), ("charger", "current", "current (A)"),
              ("charger", "power", "power (kW)"), ("battery", "soc", "SOC (%)"))
    figure, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(10, 9), layout="constrained")
    drawn = 0
    spans = phases(log)
    for axis, (record_type, key, label) in zip(axes, panels, strict=True):
        times, values = series(log, record_type, key)
        if key == "power":
            values = [v / 1000 for v in values]
        if times:
            axis.plot(times, values, linewidth=1.2, color="#1f3b73")
            drawn += len(times)
        if key == "soc":  # the SOC the EV application reported at each session's end
            ends = [(float(r["t"]), float(r["soc_to"])) for r in log.of_type("session_end")
                    if r.get("soc_to") is not None]
            if ends:
                axis.plot(*zip(*ends, strict=True), marker="o", linestyle="none", color="#1f3b73",
                          label="SOC at the session's end")
                axis.legend(loc="lower right", fontsize="small")
        if not times:
            axis.text(0.5, 0.5, f"no {record_type} samples in the log", transform=axis.transAxes,
                      ha="center", va="center", color="grey")
        for span in spans:
            axis.axvspan(span.start, span.end, color=PHASE_COLOURS[span.name], alpha=0.25, linewidth=0,
                         label=span.name)
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
    if spans:
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncol=len(spans), fontsize="small")
    axes[-1].set_xlabel("time since the log started (s)")
    figure.suptitle(title or Path(log.path).name)
    figure.savefig(str(output), dpi=100)
    plt.close(figure)
    return drawn
