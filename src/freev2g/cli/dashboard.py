"""``--dashboard`` on ``freev2g evse`` and ``freev2g ev`` (issue 6 item 5; :mod:`freev2g.apps.dashboard`).

The application runs as without the option (same lines, same exit status); its console, its
module link and (EVSE) its power stage are wired to one :class:`~freev2g.apps.dashboard.SessionView`
shown while it runs: drawn in place on a terminal, plain status lines otherwise. Without rich the
command says in one line how to install it and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from freev2g.apps.dashboard import (
    Dashboard,
    DashboardUnavailable,
    SessionView,
    ev_wiring,
    evse_wiring,
    require_rich,
)
from freev2g.cli.common import CliError

HELP = "a live view of the session (needs rich: pip install 'freev2g[dashboard]')"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dashboard", action="store_true", help=HELP)


def check(args: argparse.Namespace) -> None:
    """Before anything runs: rich must be there when ``--dashboard`` is asked for."""
    if getattr(args, "dashboard", False):
        try:
            require_rich()
        except DashboardUnavailable as exc:
            raise CliError(str(exc), exc.status) from None


def run_evse(main: Callable[..., Awaitable[int]], link: Any, settings: Any, **options: Any) -> int:
    """``main(link, settings, console, **options)`` of ``freev2g evse`` under the dashboard."""
    async def shown() -> int:
        view = SessionView("EVSE")
        dashboard = Dashboard([view])
        wiring = evse_wiring(dashboard, view, "", settings.charger)
        async with dashboard.running():
            return await main(wiring.link(link), settings, wiring.console, stage=wiring.stage, **options)
    return asyncio.run(shown())


def run_ev(main: Callable[..., Awaitable[int]], link: Any, settings: Any) -> int:
    """``main(link, settings, console)`` of ``freev2g ev`` under the dashboard."""
    async def shown() -> int:
        view = SessionView("EV", target_soc=settings.config.target_soc)
        dashboard = Dashboard([view])
        wiring = ev_wiring(dashboard, view, "")
        async with dashboard.running():
            return await main(wiring.link(link), settings, wiring.console)
    return asyncio.run(shown())
