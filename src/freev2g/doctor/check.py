"""The result of one doctor check, and how a list of them is printed and exited with."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"  # not run: a check it needs failed before (the detail says which)


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report. ``fix`` says what to do; given for FAIL, and for a
    warning when something can be done about it."""

    name: str
    verdict: Verdict
    detail: str
    fix: str | None = None

    @classmethod
    def ok(cls, name: str, detail: str) -> Check:
        return cls(name, Verdict.OK, detail)

    @classmethod
    def warn(cls, name: str, detail: str, fix: str | None = None) -> Check:
        return cls(name, Verdict.WARN, detail, fix)

    @classmethod
    def fail(cls, name: str, detail: str, fix: str) -> Check:
        return cls(name, Verdict.FAIL, detail, fix)

    @classmethod
    def skip(cls, name: str, reason: str) -> Check:
        return cls(name, Verdict.SKIP, reason)

    @property
    def failed(self) -> bool:
        return self.verdict is Verdict.FAIL

    def line(self, name_width: int = 16) -> str:
        text = f"{self.verdict.value:<4} {self.name:<{name_width}} {self.detail}"
        return f"{text}; fix: {self.fix}" if self.fix else text

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "verdict": self.verdict.value, "detail": self.detail, "fix": self.fix}


def exit_status(checks: Sequence[Check]) -> int:
    """0 when nothing failed (warnings and skips pass), 1 when a check failed."""
    return 1 if any(check.failed for check in checks) else 0


def format_text(checks: Sequence[Check]) -> str:
    width = max((len(check.name) for check in checks), default=0)
    return "\n".join(check.line(width) for check in checks)


def format_json(checks: Sequence[Check]) -> str:
    return json.dumps({"ok": exit_status(checks) == 0, "checks": [check.to_json() for check in checks]},
                      indent=2)
