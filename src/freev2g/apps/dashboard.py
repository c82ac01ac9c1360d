"""``--dashboard``: a live view of the running sessions (issue 6 item 5).

One :class:`SessionView` per application (the EVSE, the EV, or both in the demo) holds the
session state, the present voltage, current and power, the SOC, the energy and the target SOC.
Its values come from what the application already reports:

* its session lines, through the :class:`DashboardConsole` it prints to (the state from the
  seed's headings, the SOC and the EVSE's present values from the lines that carry them);
* the EVSE's power stage, through :class:`ObservedStage` (the present output every time the
  session asks for it, as :class:`~freev2g.apps.evse.charging.ChargerDriver` does each loop);
* the decoded frames of its module link (the SOC, the present voltage and current they carry)
  and the session events of :mod:`freev2g.sessionlog.events`, through :class:`DashboardFeed`.

These sources are in :mod:`freev2g.apps.dashboard_values`.

On a terminal the view is drawn with `rich <https://rich.readthedocs.io>`_ and updated in place,
the session lines scrolling above it; otherwise (a pipe, a file) the view falls back to plain
status lines, one when the state changes and at most one a second while values change. rich is
an optional extra (``pip install 'freev2g[dashboard]'``); without it :func:`require_rich` raises
the one-line :class:`DashboardUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from freev2g.apps.dashboard_values import (
    DashboardConsole,
    DashboardFeed,
    ObservedStage,
    SessionView,
    observed_link,
    state_of,
    value_text,
)
from freev2g.client.whitebeet import Link
from freev2g.config.evse_schema import ChargerSettings
from freev2g.models.charger import PowerStage

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.live import Live

INSTALL_HINT = "--dashboard needs the rich library: pip install 'freev2g[dashboard]'"
PLAIN_INTERVAL = 1.0  # s between plain status lines while the values change
REFRESH_PER_SECOND = 4


class DashboardUnavailable(Exception):
    """rich is not installed (exit status 2)."""

    status = 2


def require_rich() -> None:
    """Raise :class:`DashboardUnavailable` (one line: how to install) when rich is missing."""
    try:
        import rich  # noqa: F401
    except ImportError:
        raise DashboardUnavailable(INSTALL_HINT) from None


# -- drawing ----------------------------------------------------------------------------------


def render(views: Sequence[SessionView]) -> RenderableType:
    """One frame of the dashboard: a table with a row per application."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    table = Table(title="FreeV2G", expand=False)
    for heading, justify in (("", "left"), ("state", "left"), ("voltage", "right"), ("current", "right"),
                             ("power", "right"), ("SOC", "right"), ("energy", "right"),
                             ("towards the target SOC", "left")):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for view in views:
        target = view.target_soc if view.target_soc is not None else 100.0
        bar = ProgressBar(total=max(target, 1e-9), completed=min(view.soc or 0.0, target), width=20)
        cell = Table.grid(padding=(0, 1))
        cell.add_column(width=20)
        cell.add_column(no_wrap=True)
        cell.add_row(bar, Text(f"{target:.0f} %"))
        table.add_row(view.title, view.state, value_text(view.voltage, "V"), value_text(view.current, "A"),
                      value_text(None if view.power is None else view.power / 1000, "kW", 2),
                      value_text(view.soc, "%"), f"{view.energy_wh / 1000:.3f} kWh", cell)
    return table


def render_text(views: Sequence[SessionView], *, width: int = 120) -> str:
    """A frame as a terminal would show it (with colours), as a string."""
    import io

    from rich.console import Console as RichConsole

    buffer = io.StringIO()
    console = RichConsole(file=buffer, force_terminal=True, width=width, color_system="standard")
    console.print(render(views))
    return buffer.getvalue()


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


class Dashboard:
    """The live view of ``views``. :meth:`console` gives each application the console to print
    to; ``async with dashboard.running():`` shows the view while the applications run.

    ``live``: True draws with rich in place, False prints plain lines; None (default) decides by
    whether ``stream`` is a terminal."""

    def __init__(self, views: Sequence[SessionView], *, stream: TextIO | None = None,
                 live: bool | None = None, width: int | None = None) -> None:
        self.views = list(views)
        self.width = width  # None: the terminal's
        self._stream = stream
        self.live = self.stream.isatty() if live is None else live
        if self.live:
            require_rich()
        self._rich_live: Live | None = None
        self._printed: dict[str, tuple[int, str, float]] = {}  # title -> (changes, state, time)

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stdout

    def console(self, view: SessionView, prefix: str = "", *, echo: bool = True,
                values_from_lines: bool = True) -> DashboardConsole:
        printer = self._print_above if self.live else None
        return DashboardConsole(view, prefix, printer=printer, stream=self._stream, echo=echo,
                                values_from_lines=values_from_lines)

    def _print_above(self, text: str) -> None:
        if self._rich_live is not None:
            self._rich_live.console.print(text, markup=False, highlight=False, emoji=False)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def plain_lines(self, now: float, *, final: bool = False) -> list[str]:
        """The fallback's lines due now: a view whose state changed, or whose values changed and
        whose last line is ``PLAIN_INTERVAL`` old (``final``: every view that changed)."""
        due: list[str] = []
        for view in self.views:
            changes, state, printed_at = self._printed.get(view.title, (-1, "", -PLAIN_INTERVAL))
            if view.changes == changes:
                continue
            if final or view.state != state or now - printed_at >= PLAIN_INTERVAL:
                due.append(view.plain_line())
                self._printed[view.title] = (view.changes, view.state, now)
        return due

    def _print_plain(self, now: float, *, final: bool = False) -> None:
        for text in self.plain_lines(now, final=final):
            self.stream.write(text + "\n")
        self.stream.flush()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Dashboard]:
        loop = asyncio.get_running_loop()
        if self.live:
            from rich.console import Console as RichConsole
            from rich.live import Live

            live = Live(get_renderable=lambda: render(self.views), refresh_per_second=REFRESH_PER_SECOND,
                        console=RichConsole(file=self._stream, width=self.width), transient=False)
            self._rich_live = live
            with live:
                try:
                    yield self
                finally:
                    live.refresh()
                    self._rich_live = None
            return
        ticker = asyncio.create_task(self._plain_ticker(loop), name="dashboard")
        try:
            yield self
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            self._print_plain(loop.time(), final=True)

    async def _plain_ticker(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            self._print_plain(loop.time())
            await asyncio.sleep(PLAIN_INTERVAL / 4)


# -- wiring an application to the dashboard ---------------------------------------------------


@dataclass
class Wiring:
    """What one application is given under the dashboard: the console to print to, its link
    wrapped so that the frames feed the view, and (EVSE) the observed power stage."""

    view: SessionView
    console: DashboardConsole
    feed: DashboardFeed
    stage: ObservedStage | None = None

    def link(self, link: Link) -> Link:
        return observed_link(link, self.feed)


def evse_wiring(dashboard: Dashboard, view: SessionView, prefix: str, charger: ChargerSettings, *,
                echo: bool = True, stage: PowerStage | None = None) -> Wiring:
    """The EVSE application: voltage and current from its power stage (the simulated charger
    unless ``stage``), the SOC from the EV's values in the module's statuses, the state from its
    lines."""
    from freev2g.apps.evse.charging import simulated_charger

    observed = ObservedStage(stage or simulated_charger(charger), view)
    return Wiring(view, dashboard.console(view, prefix, echo=echo, values_from_lines=False),
                  DashboardFeed(view, samples_from_frames=False), observed)


def ev_wiring(dashboard: Dashboard, view: SessionView, prefix: str, *, echo: bool = True) -> Wiring:
    """The EV application: the SOC it sends, the EVSE's present voltage and current its module
    reports, the state from its lines."""
    console = dashboard.console(view, prefix, echo=echo, values_from_lines=False)
    return Wiring(view, console, DashboardFeed(view))


@dataclass
class PairDashboard:
    """The demo's dashboard: the EVSE and the EV application side by side."""

    dashboard: Dashboard
    evse: Wiring
    ev: Wiring


def pair_dashboard(charger: ChargerSettings, target_soc: float, *, echo: bool = True, time_scale: float = 1.0,
                   stream: TextIO | None = None, live: bool | None = None) -> PairDashboard:
    """``time_scale``: the demo's battery time (its energy is counted as the summary counts it)."""
    evse_view = SessionView("EVSE", target_soc=target_soc, time_scale=time_scale)
    ev_view = SessionView("EV", target_soc=target_soc, time_scale=time_scale)
    dashboard = Dashboard([evse_view, ev_view], stream=stream, live=live)
    return PairDashboard(dashboard, evse_wiring(dashboard, evse_view, "[EVSE] ", charger, echo=echo),
                         ev_wiring(dashboard, ev_view, "[EV]   ", echo=echo))


__all__ = ["Dashboard", "DashboardConsole", "DashboardFeed", "DashboardUnavailable", "ObservedStage",
           "PairDashboard", "SessionView", "Wiring", "ev_wiring", "evse_wiring", "observed_link",
           "pair_dashboard", "render", "render_text", "require_rich", "state_of"]
