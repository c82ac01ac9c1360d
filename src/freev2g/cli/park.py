"""``freev2g evse -c park.toml``: the EVSE application on every connector of a park configuration
(issue 6 item 7; :mod:`freev2g.apps.park`).

``freev2g evse`` hands over here when its configuration file lists ``connectors``. The command
line's ``--sessions`` and ``--authorize`` apply to every connector; ``-i``/``-m`` name one module
and so do not fit a park (each connector names its own); ``--pcap FILE`` writes one capture per
connector (``FILE`` with the connector's name before the suffix); ``--dashboard`` shows one row
per connector. Exit status: 0 when every
connector succeeded, 1 otherwise, 2 for configuration and usage errors, 130 / 143 after Ctrl-C
/ SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from freev2g.apps.common import LinkOptions, open_link
from freev2g.apps.dashboard import Dashboard, SessionView, evse_wiring
from freev2g.apps.evse.authorization import AllowList
from freev2g.apps.park import Connector, LinkOpener, is_park, main_park, park_connectors
from freev2g.cli.common import CliError, generation
from freev2g.client.whitebeet import Link
from freev2g.config import ConfigError
from freev2g.config.loader import read_config_data
from freev2g.models.charger import PowerStage


def is_park_file(path: str) -> bool:
    """Whether ``path`` is a park configuration (a missing or broken file is not: the EVSE
    command reports it as it reports any configuration file)."""
    try:
        return is_park(read_config_data(Path(path)))
    except ConfigError:
        return False


def connectors_from(args: argparse.Namespace, sessions: int | str | None) -> list[Connector]:
    if args.interface or args.interface_arg or args.mac:
        raise CliError("-i/-m name one module: with a park configuration each connector names its own"
                       " interface and mac")
    if args.transport != "eth":
        raise CliError("a park configuration runs over raw Ethernet (--transport eth)")
    overrides: dict[str, Any] = {"authorization": args.authorize, "sessions": sessions}
    try:
        connectors = park_connectors(args.config, read_config_data(Path(args.config)),
                                     {key: value for key, value in overrides.items() if value is not None})
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    for index, connector in enumerate(connectors):
        if connector.settings.interface is None:
            raise CliError(f"{args.config}: connectors[{index}].interface: missing (each connector names"
                           " the network interface to its module)")
        if connector.settings.authorization.startswith("allowlist:"):
            try:
                AllowList(connector.settings.authorization.removeprefix("allowlist:"))
            except ConfigError as exc:
                raise CliError(f"{args.config}: connectors[{index}].authorization: {exc.path}: {exc.problem}"
                               ) from None
    return connectors


def capture_opener(pcap: str | None) -> LinkOpener:
    """Raw Ethernet to each connector's module; with ``pcap``, one capture file per connector."""
    def opener(connector: Connector) -> Link:
        capture = None
        if pcap is not None:
            path = Path(pcap)
            capture = str(path.with_name(f"{path.stem}-{connector.name}{path.suffix or '.pcap'}"))
        return open_link(LinkOptions(transport="eth", interface=connector.settings.interface,
                                     mac=connector.settings.mac, pcap=capture))
    return opener


def run(args: argparse.Namespace, sessions: int | str | None) -> int:
    """``freev2g evse -c PARK`` (``sessions``: the parsed ``--sessions``)."""
    if getattr(args, "log", None):
        raise CliError("--log with a park configuration is not supported yet: run one connector per process")
    connectors = connectors_from(args, sessions)
    forced = None if args.generation == "auto" else generation(args.generation)
    opener = capture_opener(args.pcap)
    if not getattr(args, "dashboard", False):
        return asyncio.run(main_park(connectors, generation=forced, opener=opener))
    views = {c.name: SessionView(c.name) for c in connectors}
    dashboard = Dashboard(list(views.values()))
    wirings = {c.name: evse_wiring(dashboard, views[c.name], f"[{c.name}] ", c.settings.charger)
               for c in connectors}

    def shown_opener(connector: Connector) -> Link:
        return wirings[connector.name].link(opener(connector))

    stages: dict[str, PowerStage] = {name: w.stage for name, w in wirings.items() if w.stage is not None}
    return asyncio.run(main_park(connectors, generation=forced, opener=shown_opener, shown=dashboard.running,
                                 consoles={name: w.console for name, w in wirings.items()}, stages=stages))
