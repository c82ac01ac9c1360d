"""Authorizing the vehicle: ``--authorize prompt|always|never|allowlist:FILE`` (issue 5 item 3).

The module asks (v1 Request Authorization 0x83, manual 2.11 p158; v2 Authorization Status
Requested 0x82, manual 2.14 p162) with a deadline in ms; until the host answers it keeps the EV
waiting with "Ongoing" (Figure 29, p220). The answer must arrive before the deadline, so the
prompt gives the operator the deadline less one second (the seed's ``timeout/1000 - 1`` s: 59 s
for 60 000 ms) and then really gives up: the seed's prompt waited forever and answered late
(v1-api §6.1 item 8). Input is read line by line from a terminal or a pipe; end of input is
"no", with a message.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from freev2g.apps.console import Console
from freev2g.apps.evse.report import number
from freev2g.config import ConfigError

log = logging.getLogger("freev2g.apps.evse")

ANSWER_MARGIN = 1.0  # s kept between the operator's window and the module's deadline


@dataclass(frozen=True)
class AuthorizationRequest:
    timeout_s: float  # the module's deadline, from its request
    evcc_id: str | None = None  # lower-case hex, as printed after "EVCC ID:"
    emaid: str | None = None  # v2 contract payment only


class Authorizer(Protocol):
    async def decide(self, request: AuthorizationRequest, console: Console) -> bool: ...


def answer_window(timeout_s: float) -> float:
    """The time the host takes to decide: one second less than the module's deadline, or 80 % of
    a deadline of 2 s or less (the manual's examples use 500 ms)."""
    return timeout_s - ANSWER_MARGIN if timeout_s > 2 * ANSWER_MARGIN else timeout_s * 0.8


class AlwaysAuthorize:
    async def decide(self, request: AuthorizationRequest, console: Console) -> bool:
        console.line("Vehicle was authorized automatically")
        return True


class NeverAuthorize:
    async def decide(self, request: AuthorizationRequest, console: Console) -> bool:
        console.line('Vehicle was NOT authorized (authorization "never")')
        return False


def _normalized(identifier: str) -> str:
    return identifier.strip().replace(":", "").replace("-", "").lower()


class AllowList:
    """EVCC IDs (hex, with or without colons) or EMAIDs, one per line; ``#`` starts a comment."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            problem = f"allow list: cannot read: {exc.strerror or exc}"
            raise ConfigError(path, problem, "authorization") from None
        self.entries = {_normalized(line.split("#", 1)[0]) for line in text.splitlines()} - {""}

    async def decide(self, request: AuthorizationRequest, console: Console) -> bool:
        for identifier in (request.emaid, request.evcc_id):
            if identifier and _normalized(identifier) in self.entries:
                console.line(f"Vehicle {identifier} is in the allow list: authorized")
                return True
        shown = request.emaid or request.evcc_id or "without an ID"
        console.line(f"Vehicle {shown} is not in the allow list: NOT authorized")
        return False


class LineReader:
    """Lines of a text stream (a terminal or a pipe), read by a daemon thread so that waiting for
    the operator never blocks the event loop and a time-out needs no cooperation from the
    stream. ``None`` is the end of input."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._queue: asyncio.Queue[str | None] | None = None
        self._ended = False

    def _start(self) -> asyncio.Queue[str | None]:
        if self._queue is None:
            queue: asyncio.Queue[str | None] = asyncio.Queue()
            loop = asyncio.get_running_loop()
            self._queue = queue

            def deliver(line: str | None) -> bool:
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the loop is closed: nobody is waiting any more
                    return False
                return line is not None

            def read() -> None:
                for line in self._lines():
                    if not deliver(line):
                        return
                deliver(None)

            threading.Thread(target=read, name="stdin-lines", daemon=True).start()
        return self._queue

    def _lines(self) -> Iterator[str]:
        """Lines as they arrive. A stream with a file descriptor is read with ``os.read``, which
        holds no lock of the stream's buffer, so a thread still waiting at exit cannot block the
        interpreter's shutdown."""
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            while line := self.stream.readline():
                yield line
            return
        pending = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                if pending:
                    yield pending.decode(errors="replace")
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line.decode(errors="replace") + "\n"

    async def readline(self, timeout: float) -> str | None:
        """The next line without its newline; ``None`` at end of input; TimeoutError."""
        if self._ended:
            return None
        queue = self._start()
        async with asyncio.timeout(timeout):
            line = await queue.get()
        if line is None:
            self._ended = True
            return None
        return line.rstrip("\r\n")

    @property
    def interactive(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False


class Prompt:
    """Asks the operator, as the seed did, but within the module's deadline."""

    def __init__(self, reader: LineReader | None = None, limit: float | None = None) -> None:
        self.reader = reader or LineReader()
        self.limit = limit

    async def decide(self, request: AuthorizationRequest, console: Console) -> bool:
        window = answer_window(request.timeout_s)
        if self.limit is not None:
            window = min(window, self.limit)
        shown = number(int(window)) if window >= 1 else number(round(window, 1))
        console.prompt(f'Authorize the vehicle? Type "yes" or "no" in the next {shown}s: ')
        try:
            answer = await self.reader.readline(max(window, 0.0))
        except TimeoutError:
            console.end_prompt()
            console.line(f"No answer within {shown}s: vehicle was NOT authorized")
            return False
        if answer is None:
            console.end_prompt()
            console.line("End of input: vehicle was NOT authorized")
            return False
        if not self.reader.interactive:
            console.end_prompt()  # a piped answer is not echoed: end the prompt's line
        if answer.strip().lower() == "yes":
            console.line("Vehicle was authorized by user!")
            return True
        console.line("Vehicle was NOT authorized by user!")
        return False


def authorizer(mode: str, reader: LineReader | None = None, prompt_limit: float | None = None) -> Authorizer:
    """The authorizer for an ``--authorize`` value (validated by the settings)."""
    if mode == "always":
        return AlwaysAuthorize()
    if mode == "never":
        return NeverAuthorize()
    if mode.startswith("allowlist:"):
        return AllowList(mode.removeprefix("allowlist:"))
    if mode == "prompt":
        return Prompt(reader, prompt_limit)
    raise ValueError(f"authorization mode {mode!r}")
