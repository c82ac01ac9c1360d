"""Authorization modes; the prompt reads a real pipe, times out within the module's deadline and
treats end of input as "no"."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from freev2g.apps.console import Console
from freev2g.apps.evse.authorization import (
    AllowList,
    AlwaysAuthorize,
    AuthorizationRequest,
    LineReader,
    NeverAuthorize,
    Prompt,
    answer_window,
    authorizer,
)
from freev2g.config import ConfigError


@pytest.fixture
def pipe() -> Iterator[tuple[TextIO, int]]:
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "r")
    yield reader, write_fd
    with contextlib.suppress(OSError):
        os.close(write_fd)  # end of input: the reader thread ends ...
    for thread in threading.enumerate():
        if thread.name == "stdin-lines":
            thread.join(5)  # ... before its descriptor number can be reused by the next test
    reader.close()


def _decide(authorizer_: object, request: AuthorizationRequest, console: Console) -> bool:
    async def run() -> bool:
        return await authorizer_.decide(request, console)  # type: ignore[attr-defined, no-any-return]
    return asyncio.run(run())


def test_window_is_the_deadline_less_one_second() -> None:
    assert answer_window(60.0) == 59.0
    assert answer_window(0.5) == pytest.approx(0.4)


def test_prompt_answered_yes_through_a_pipe(pipe: tuple[TextIO, int]) -> None:
    stream, write_fd = pipe
    os.write(write_fd, b"yes\n")
    console = Console(echo=False)
    assert _decide(Prompt(LineReader(stream)), AuthorizationRequest(60.0), console)
    assert console.lines == ['Authorize the vehicle? Type "yes" or "no" in the next 59s:',
                             "Vehicle was authorized by user!"]


def test_prompt_answered_no(pipe: tuple[TextIO, int]) -> None:
    stream, write_fd = pipe
    os.write(write_fd, b"nope\n")
    console = Console(echo=False)
    assert not _decide(Prompt(LineReader(stream)), AuthorizationRequest(60.0), console)
    assert console.lines[-1] == "Vehicle was NOT authorized by user!"


def test_prompt_end_of_input_is_no(pipe: tuple[TextIO, int]) -> None:
    stream, write_fd = pipe
    os.close(write_fd)
    console = Console(echo=False)
    assert not _decide(Prompt(LineReader(stream)), AuthorizationRequest(60.0), console)
    assert console.lines[-1] == "End of input: vehicle was NOT authorized"


def test_prompt_times_out_before_the_module_deadline(pipe: tuple[TextIO, int]) -> None:
    stream, _write_fd = pipe  # nothing is ever written
    console = Console(echo=False)

    async def run() -> tuple[bool, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        decided = await Prompt(LineReader(stream)).decide(AuthorizationRequest(0.5), console)
        return decided, loop.time() - start

    decided, waited = asyncio.run(run())
    assert not decided
    assert waited < 0.5  # answered before the module's deadline (asyncio time, not wall clock)
    assert console.lines == ['Authorize the vehicle? Type "yes" or "no" in the next 0.4s:',
                             "No answer within 0.4s: vehicle was NOT authorized"]


def test_piped_prompt_line_is_ended(pipe: tuple[TextIO, int]) -> None:
    stream, write_fd = pipe
    os.write(write_fd, b"yes\n")
    out = io.StringIO()
    assert _decide(Prompt(LineReader(stream)), AuthorizationRequest(10.0), Console(stream=out))
    assert out.getvalue() == ('Authorize the vehicle? Type "yes" or "no" in the next 9s: \n'
                              "Vehicle was authorized by user!\n")


def test_always_and_never() -> None:
    console = Console(echo=False)
    assert _decide(AlwaysAuthorize(), AuthorizationRequest(1.0), console)
    assert not _decide(NeverAuthorize(), AuthorizationRequest(1.0), console)
    assert console.lines == ["Vehicle was authorized automatically",
                             'Vehicle was NOT authorized (authorization "never")']


def test_allow_list(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# our fleet\n00:01:01:63:77:30\nDE8AAA1234567 # a contract\n\n")
    allow = authorizer(f"allowlist:{ids}")
    assert isinstance(allow, AllowList)
    console = Console(echo=False)
    assert _decide(allow, AuthorizationRequest(1.0, evcc_id="000101637730"), console)
    assert _decide(allow, AuthorizationRequest(1.0, evcc_id="ffffffffffff", emaid="de8aaa1234567"), console)
    assert not _decide(allow, AuthorizationRequest(1.0, evcc_id="ffffffffffff"), console)
    assert console.lines == ["Vehicle 000101637730 is in the allow list: authorized",
                             "Vehicle de8aaa1234567 is in the allow list: authorized",
                             "Vehicle ffffffffffff is not in the allow list: NOT authorized"]


def test_missing_allow_list_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="authorization: allow list: cannot read"):
        authorizer(f"allowlist:{tmp_path / 'none.txt'}")
