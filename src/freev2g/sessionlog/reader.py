"""Reading a session log back: records in order, and warnings for lines that are not records.

A log whose writer crashed may end in a line cut short: that line is dropped with a warning, as
is any other line that is not a JSON object (the rest of the log stays usable).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class LogError(Exception):
    """The file cannot be read as a session log at all (missing, not text, no records)."""


@dataclass
class SessionLogContents:
    path: str
    records: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def of_type(self, *types: str, role: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") in types and (role is None or r.get("role") == role)]

    @property
    def roles(self) -> list[str]:
        """The roles in the order they first appear."""
        return list(dict.fromkeys(r["role"] for r in self.records if isinstance(r.get("role"), str)))


def read_log(path: str | Path) -> SessionLogContents:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot read: {exc}") from None
    contents = SessionLogContents(str(path))
    lines = text.split("\n")
    complete = text.endswith("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        last = number == len(lines) and not complete
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not (isinstance(record, dict) and isinstance(record.get("t"), int | float) and "type" in record):
            why = "cut short (the writer stopped mid-line?)" if last else "not a session log record"
            contents.warnings.append(f"{path}: line {number} ignored: {why}")
            continue
        contents.records.append(record)
    if not contents.records:
        detail = f" ({contents.warnings[0]})" if contents.warnings else ""
        raise LogError(f"{path}: no session log records{detail}")
    return contents
