"""Helpers shared by the subcommands."""

from __future__ import annotations

from freev2g.hci.modules import Generation

USAGE = 2


class CliError(Exception):
    """An error to report as one line; ``status`` is the exit status (2: usage or input)."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.status = status


def generation(text: str) -> Generation:
    try:
        return Generation(text.lower())
    except ValueError:
        raise CliError(f"generation {text!r}: use v1 (manual 2.11) or v2 (manual 2.14)") from None
