"""``--log FILE.jsonl`` for the commands that run one application on one module link
(``freev2g evse``, ``freev2g ev``): two lines in a command, ``add_log_argument(parser)`` and
``link = attach(args.log, "evse", link)`` before ``asyncio.run``."""

from __future__ import annotations

from typing import Any

from freev2g.cli.common import CliError
from freev2g.client.whitebeet import Link
from freev2g.sessionlog import events
from freev2g.sessionlog.link import LoggedLink
from freev2g.sessionlog.writer import SessionLog

LOG_HELP = ("session log: every HCI frame and session event, one JSON object per line, flushed per line"
            " (read by freev2g report and freev2g plot)")


def add_log_argument(parser: Any) -> None:
    parser.add_argument("--log", metavar="FILE.jsonl", help=LOG_HELP)


def attach(path: str | None, role: str, link: Link) -> Link:
    """The link to run the application on: ``link`` itself without a log; else ``link`` logged
    under ``role``, with the application's events going to the same log (bound in this context,
    so in ``asyncio.run``'s task). The log closes with the link; until then each line is on disk
    as it is written, so an end without closing loses only the closing record."""
    if path is None:
        return link
    try:
        session_log = SessionLog(path)
    except OSError as exc:
        raise CliError(f"--log {path}: {exc.strerror or exc}") from None
    role_log = session_log.for_role(role)
    events.bind(role_log)
    return LoggedLink(link, role_log, on_close=session_log.close)
