"""``--log FILE.jsonl`` for the commands that run an application on one module link."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from freev2g.cli.common import CliError
from freev2g.client.whitebeet import Link
from freev2g.sessionlog.events import recording
from freev2g.sessionlog.link import LoggedLink
from freev2g.sessionlog.writer import SessionLog

LOG_HELP = ("session log: every HCI frame and session event, one JSON object per line, flushed per line"
            " (read by freev2g report and freev2g plot)")


def add_log_argument(parser: Any) -> None:
    parser.add_argument("--log", metavar="FILE.jsonl", help=LOG_HELP)


@contextlib.contextmanager
def logging_to(path: str | None, role: str, link: Link) -> Iterator[Link]:
    """The link to run the application on: ``link`` itself without a log, else ``link`` logged
    under ``role``, with the application's events (in this context, and so in ``asyncio.run``'s
    task) going to the same log. The log is closed when the block ends, however it ends."""
    if path is None:
        yield link
        return
    try:
        session_log = SessionLog(path)
    except OSError as exc:
        raise CliError(f"--log {path}: {exc.strerror or exc}") from None
    role_log = session_log.for_role(role)
    try:
        with recording(role_log):
            yield LoggedLink(link, role_log)
    finally:
        session_log.close()
