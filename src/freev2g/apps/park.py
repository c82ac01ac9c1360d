"""Several connectors in one process: ``freev2g evse -c park.toml`` (issue 6 item 7).

A park configuration is an EVSE configuration whose ``connectors`` list names each connector
(``name``, ``interface``, ``mac`` and any other EVSE key). The top-level keys are every
connector's defaults; a connector's tables (``charger``, ``timeouts``, ...) override the
top-level ones key by key, its other values replace them. Each connector runs the whole EVSE
application (:func:`~freev2g.apps.evse.run_evse`) on its own module, concurrently in one asyncio
loop, with its console lines prefixed by its name (``[bay-1] EV connected``).

A failure on one connector (module gone or silent, interface missing or down, SLAC failure, a module
error, an exception of the application) is reported on that connector's lines and ends only
that connector. Ctrl-C / SIGTERM end every connector safely (each runs its own safe end). The
exit status is 0 only when every connector succeeded, 130 / 143 after Ctrl-C / SIGTERM, else 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from freev2g.apps.common import AppError, Interrupts, LinkOptions, open_link
from freev2g.apps.console import Console
from freev2g.apps.evse import EvseRunResult, run_evse
from freev2g.client import ClientError
from freev2g.client.whitebeet import Link
from freev2g.config import ConfigError, validate_config
from freev2g.config.evse_schema import EvseSettings
from freev2g.hci.modules import Generation
from freev2g.models.charger import PowerStage
from freev2g.transport import TransportError

log = logging.getLogger("freev2g.apps.park")

CONNECTORS_KEY = "connectors"
NAME_KEY = "name"


@dataclass
class Connector:
    """One connector of the park: its name, its settings (defaults merged in) and, for tests and
    in-process stations, the link to its module (None: opened from ``interface`` and ``mac``)."""

    name: str
    settings: EvseSettings
    link: Link | None = None
    source: str = "settings"  # how errors in its settings are named: "park.toml: connectors[1]"


@dataclass
class ConnectorOutcome:
    name: str
    exit_status: int = 0
    result: EvseRunResult | None = None
    error: str | None = None  # why the connector could not run at all


@dataclass
class ParkResult:
    outcomes: list[ConnectorOutcome] = field(default_factory=list)
    interrupted: int | None = None  # the exit status of Ctrl-C / SIGTERM

    @property
    def exit_status(self) -> int:
        if self.interrupted is not None:
            return self.interrupted
        return 0 if self.outcomes and all(o.exit_status == 0 for o in self.outcomes) else 1

    def by_name(self) -> dict[str, ConnectorOutcome]:
        return {outcome.name: outcome for outcome in self.outcomes}


# -- the configuration ------------------------------------------------------------------------


def is_park(data: Mapping[str, Any]) -> bool:
    """Whether a parsed EVSE configuration lists connectors."""
    return CONNECTORS_KEY in data


def merged(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``defaults`` with ``overrides`` applied: tables merge key by key, anything else is replaced."""
    result = dict(defaults)
    for key, value in overrides.items():
        base = result.get(key)
        if isinstance(value, Mapping) and isinstance(base, Mapping):
            result[key] = merged(base, value)
        else:
            result[key] = value
    return result


def park_connectors(source: str, data: Mapping[str, Any],
                    overrides: Mapping[str, Any] | None = None) -> list[Connector]:
    """The connectors of a parsed park configuration, each validated as a whole EVSE
    configuration. ``overrides`` (from the command line) apply to every connector. Raises
    :class:`ConfigError` naming the connector: ``park.toml: connectors[1].charger.max_current: ...``.
    """
    entries = data.get(CONNECTORS_KEY)
    if not isinstance(entries, list) or not entries:
        raise ConfigError(source, "must be a non-empty list of connector tables", CONNECTORS_KEY)
    for index, entry in enumerate(entries):
        where = f"{CONNECTORS_KEY}[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(source, "must be a table", where)
        name = entry.get(NAME_KEY)
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(source, "missing required key (a non-empty text)", f"{where}.{NAME_KEY}")
    defaults = {key: value for key, value in data.items() if key != CONNECTORS_KEY}
    validate_config(source, merged(defaults, overrides or {}), EvseSettings)  # top-level errors first
    validate_config(source, data, EvseSettings)  # the connectors' own keys (ConnectorSettings)
    connectors: list[Connector] = []
    for index, entry in enumerate(entries):
        where = f"{CONNECTORS_KEY}[{index}]"
        name = str(entry[NAME_KEY])
        own = {key: value for key, value in entry.items() if key != NAME_KEY}
        try:
            settings = validate_config(source, merged(merged(defaults, own), overrides or {}), EvseSettings)
        except ConfigError as exc:
            key = f"{where}.{exc.key}" if exc.key else where
            raise ConfigError(source, exc.problem, key) from None
        connectors.append(Connector(name.strip(), settings, source=f"{source}: {where}"))
    _check_together(source, connectors)
    return connectors


def _check_together(source: str, connectors: Sequence[Connector]) -> None:
    """What no single connector's settings can show: unique names and modules, and at most one
    connector asking the operator (they would share standard input)."""
    names: set[str] = set()
    modules: set[tuple[str | None, str]] = set()
    prompting: list[int] = []
    for index, connector in enumerate(connectors):
        where = f"{CONNECTORS_KEY}[{index}]"
        if connector.name in names:
            raise ConfigError(source, f"two connectors are named {connector.name!r}", f"{where}.{NAME_KEY}")
        names.add(connector.name)
        module = (connector.settings.interface, connector.settings.mac)
        if connector.settings.interface is not None and module in modules:
            raise ConfigError(source, f"another connector drives the module {module[1]} on {module[0]}",
                              f"{where}.mac")
        modules.add(module)
        if connector.settings.authorization == "prompt":
            prompting.append(index)
    if len(prompting) > 1:
        raise ConfigError(source, "prompt is allowed on one connector only (they would share standard"
                          " input): use always, never or allowlist:FILE",
                          f"{CONNECTORS_KEY}[{prompting[1]}].authorization")


# -- running the park -------------------------------------------------------------------------

LinkOpener = Callable[[Connector], Link]


def ethernet_link(connector: Connector) -> Link:
    """The default: raw Ethernet on the connector's interface to its module's MAC."""
    return open_link(LinkOptions(transport="eth", interface=connector.settings.interface,
                                 mac=connector.settings.mac))


async def run_park(connectors: Sequence[Connector], *, stream: TextIO | None = None, echo: bool = True,
                   interrupts: Interrupts | None = None, generation: Generation | None = None,
                   opener: LinkOpener = ethernet_link,
                   consoles: Mapping[str, Console] | None = None,
                   stages: Mapping[str, PowerStage] | None = None) -> ParkResult:
    """Run every connector until its sessions are done, concurrently; returns each one's outcome.

    ``interrupts`` is where Ctrl-C / SIGTERM are recorded: their cancellation of this task is
    passed on to every connector, each ends safely, and the result carries 130 / 143.
    ``consoles`` replaces the console of the connectors it names (tests watch their lines, the
    dashboard reads them), ``stages`` their simulated charger (real power electronics, the
    dashboard's observed stage).
    """
    result = ParkResult([ConnectorOutcome(c.name) for c in connectors])
    tasks = [asyncio.create_task(
        _run_connector(connector, outcome, (consoles or {}).get(connector.name)
                       or Console(f"[{connector.name}] ", stream, echo=echo),
                       interrupts, generation, opener, (stages or {}).get(connector.name)),
        name=f"connector {connector.name}")
        for connector, outcome in zip(connectors, result.outcomes, strict=True)]
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)  # every connector runs its safe end
        current = asyncio.current_task()
        if interrupts is None or interrupts.received is None or current is None:
            raise
        current.uncancel()
        result.interrupted = interrupts.exit_status
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:  # not expected: reported, not raised
            outcome = result.outcomes[tasks.index(task)]
            outcome.exit_status, outcome.error = 1, repr(task.exception())
    return result


async def _run_connector(connector: Connector, outcome: ConnectorOutcome, console: Console,
                         interrupts: Interrupts | None, generation: Generation | None,
                         opener: LinkOpener, stage: PowerStage | None) -> None:
    try:
        link = connector.link if connector.link is not None else opener(connector)
        run = await run_evse(link, connector.settings, console, interrupts=interrupts, generation=generation,
                             iface=connector.settings.interface or link.description,
                             config_source=connector.source, stage=stage)
        outcome.result, outcome.exit_status = run, run.exit_status
        if run.error:
            outcome.error = run.error
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if interrupts is None or interrupts.received is None or current is None:
            raise
        current.uncancel()  # interrupted before the application's own safe end took over
        outcome.exit_status = interrupts.exit_status or 130
        console.line("Goodbye!")
    except (AppError, ClientError, ConfigError, TransportError, OSError) as exc:
        _failed(console, outcome, str(exc) or type(exc).__name__,
                exc.status if isinstance(exc, AppError) else 2 if isinstance(exc, ConfigError) else 1)
    except Exception as exc:  # one connector's bug must not stop the others
        log.exception("connector %s", connector.name)
        _failed(console, outcome, f"{type(exc).__name__}: {exc}", 1)


def _failed(console: Console, outcome: ConnectorOutcome, error: str, status: int) -> None:
    console.line(f"Error: {error}")
    console.line("Goodbye!")
    outcome.error, outcome.exit_status = error, status


def summary_lines(result: ParkResult) -> list[str]:
    """One line per connector and the total, printed after the run."""
    lines: list[str] = []
    for outcome in result.outcomes:
        run = outcome.result
        sessions = (f"{run.completed_sessions}/{len(run.sessions)} sessions completed" if run
                    else "did not run")
        verdict = "ok" if outcome.exit_status == 0 else f"failed (exit status {outcome.exit_status})"
        detail = f": {outcome.error}" if outcome.error else ""
        lines.append(f"[{outcome.name}] {verdict}, {sessions}{detail}")
    good = sum(1 for outcome in result.outcomes if outcome.exit_status == 0)
    lines.append(f"park: {good} of {len(result.outcomes)} connectors succeeded")
    return lines


async def main_park(connectors: Sequence[Connector], *, stream: TextIO | None = None,
                    generation: Generation | None = None, opener: LinkOpener = ethernet_link,
                    shown: Callable[[], contextlib.AbstractAsyncContextManager[Any]] | None = None,
                    **options: Any) -> int:
    """The CLI's run: Ctrl-C and SIGTERM end every connector safely; prints the summary.
    ``shown`` is the dashboard's context, open while the connectors run; ``options`` go to
    :func:`run_park`."""
    task = asyncio.current_task()
    assert task is not None
    interrupts = Interrupts()
    with interrupts.installed(task):
        async with shown() if shown is not None else contextlib.nullcontext():
            result = await run_park(connectors, stream=stream, interrupts=interrupts, generation=generation,
                                    opener=opener, **options)
    console = Console(stream=stream)
    for line in summary_lines(result):
        console.line(line)
    return result.exit_status
