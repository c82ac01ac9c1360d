"""The session log file: one JSON object per line, written and flushed line by line.

Every record has ``t`` (seconds since the log was opened, monotonic), ``type`` (``"frame"`` or
an event name, see :mod:`freev2g.sessionlog.events`) and, when it belongs to one application,
``role`` (``"evse"``, ``"ev"``, a connector name). Each line is flushed to the operating system
as soon as it is written, so a crash of the process loses nothing already logged; a reader
tolerates a last line cut short by a crash (:mod:`freev2g.sessionlog.reader`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from freev2g import __version__

LOG_FORMAT = 1  # bumped when a record changes meaning


def _plain(value: Any) -> Any:
    """JSON for values the records carry that ``json`` does not know (enums, bytes, paths)."""
    if hasattr(value, "value") and isinstance(value.value, str | int | float):
        return value.value
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return str(value)


class SessionLog:
    """A JSONL session log. ``SessionLog(path)`` truncates ``path``; use as a context manager or
    :meth:`close` it. Safe to share between applications of one process (one lock per line)."""

    def __init__(self, target: str | Path | IO[str], *, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(target, str | Path):
            self._owned = True
            self._file: IO[str] = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        else:
            self._owned, self._file = False, target
        self._clock = clock
        self._origin = clock()
        self._lock = threading.Lock()
        self.closed = False
        self.records = 0
        self.write("log_start", format=LOG_FORMAT, freev2g=__version__, wall_time=round(time.time(), 3))

    @property
    def elapsed(self) -> float:
        return self._clock() - self._origin

    def write(self, record_type: str, role: str | None = None, **fields: Any) -> None:
        """Append one record (a no-op once closed: a late event after the end is not an error)."""
        if self.closed:
            return
        record: dict[str, Any] = {"t": round(self.elapsed, 6), "type": record_type}
        if role is not None:
            record["role"] = role
        record.update(fields)
        line = json.dumps(record, ensure_ascii=False, default=_plain, separators=(",", ":"))
        with self._lock:
            if self.closed:
                return
            self._file.write(line + "\n")
            self._file.flush()
            self.records += 1

    def for_role(self, role: str) -> RoleLog:
        return RoleLog(self, role)

    def close(self) -> None:
        if self.closed:
            return
        self.write("log_end", records=self.records + 1)
        with self._lock:
            self.closed = True
            if self._owned:
                self._file.close()

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RoleLog:
    """The part of a :class:`SessionLog` one application writes: every record carries its role."""

    def __init__(self, log: SessionLog, role: str) -> None:
        self.log = log
        self.role = role
        self.counts: Counter[str] = Counter()  # records written, by type

    def write(self, record_type: str, **fields: Any) -> None:
        self.counts[record_type] += 1
        self.log.write(record_type, self.role, **fields)
