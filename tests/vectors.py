"""Helpers for example-frame tests: every frame printed in the manuals, with its verdict.

A :class:`Vector` is a frame as printed (or as corrected, with the printed one kept as a
:class:`BadVector`) and the message it must decode to. ``check_vector`` proves three things:
the frame decodes to exactly the expected message, the expected message encodes to a payload
that decodes back to itself, and, when ``exact`` is true, to the very bytes of the manual.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from freev2g.hci import catalog  # noqa: F401 - registers every declaration
from freev2g.hci.errors import HciError
from freev2g.hci.frame import decode_frame
from freev2g.hci.message import Decoded, Message, Rejection, decode
from freev2g.hci.modules import Direction, Generation

V1, V2 = Generation.V1, Generation.V2
BOTH = (V1, V2)
HOST, MODULE = Direction.HOST, Direction.MODULE


def frame_bytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", " "))


@dataclass(frozen=True)
class Vector:
    page: str  # "2.14 p93" or "2.11 p118"
    hex: str
    direction: Direction
    expected: Message | Rejection
    generations: tuple[Generation, ...] = BOTH
    exact: bool = True  # our encoder reproduces the manual's payload bytes
    note: str = ""

    def __str__(self) -> str:
        return f"{self.page} {self.expected.title}"


@dataclass(frozen=True)
class BadVector:
    """A frame printed wrongly in a manual: it must fail with ``error`` (the corrected frame is a
    :class:`Vector` next to it)."""

    page: str
    hex: str
    direction: Direction
    error: type[Exception]
    why: str
    generations: tuple[Generation, ...] = BOTH

    def __str__(self) -> str:
        return f"{self.page} {self.why}"


def decode_hex(text: str, generation: Generation, direction: Direction) -> Decoded:
    return decode(decode_frame(frame_bytes(text)), generation, direction)


def check_vector(vector: Vector) -> None:
    frame = decode_frame(frame_bytes(vector.hex))
    for generation in vector.generations:
        decoded = decode(frame, generation, vector.direction)
        assert decoded == vector.expected, f"{vector.page} ({generation.value})"
        again = decode(vector.expected.to_frame(frame.request_id), generation, vector.direction)
        assert again == vector.expected
        if vector.exact:
            assert vector.expected.payload() == frame.payload, f"{vector.page}: payload bytes differ"


def check_bad_vector(vector: BadVector) -> None:
    for generation in vector.generations:
        with pytest.raises(vector.error):
            try:
                decode(decode_frame(frame_bytes(vector.hex)), generation, vector.direction)
            except HciError as exc:
                assert isinstance(exc, vector.error), f"{vector.page}: {exc!r}"
                raise
