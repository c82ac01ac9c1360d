"""The session lines the applications print (seed README, v1-api §4.3/§4.4).

One :class:`Console` per role: it writes each line to its stream, optionally prefixed with the
role or connector (``[EVSE] ``), and keeps the lines it wrote so that tests and the demo can
compare them with the seed's. Diagnostics never go through here: they go to :mod:`logging`.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Console:
    """Writes session lines; ``lines`` keeps every line (without the prefix) in order."""

    def __init__(self, prefix: str = "", stream: TextIO | None = None, *, echo: bool = True) -> None:
        self.prefix = prefix
        self._stream = stream
        self.echo = echo
        self.lines: list[str] = []

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stdout

    def line(self, text: str) -> None:
        """One complete session line."""
        self.lines.append(text)
        if self.echo:
            self.stream.write(f"{self.prefix}{text}\n")
            self.stream.flush()

    def prompt(self, text: str) -> None:
        """A question the operator answers on the same line (the seed's ``input()`` prompt ends
        with a space and no newline). It is recorded as a line of its own."""
        self.lines.append(text.rstrip())
        if self.echo:
            self.stream.write(f"{self.prefix}{text}")
            self.stream.flush()

    def end_prompt(self) -> None:
        """Finish a prompt line that got no typed answer (time-out, end of input), so the next
        line starts at the left margin."""
        if self.echo:
            self.stream.write("\n")
            self.stream.flush()
