"""Replays the manuals' example frames (tests/catalog vectors) against an emulated module."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from freev2g.hci.frame import Frame, decode_frame
from freev2g.hci.message import Decoded, decode
from freev2g.hci.modules import Direction
from tests.emulator.harness import Host
from tests.vectors import Vector, frame_bytes


def example_pairs(vectors: Iterable[Vector]) -> list[tuple[Vector, Vector]]:
    """Each example command with the example response printed after it."""
    return [
        (command, response)
        for command, response in pairwise(vectors)
        if command.direction is Direction.HOST and response.direction is Direction.MODULE
        and decode_frame(frame_bytes(command.hex)).sub_id == decode_frame(frame_bytes(response.hex)).sub_id
    ]


def send_example(host: Host, command: Vector) -> Frame:
    """Send the example's bytes as printed (with its request ID) and return the module's answer."""
    frame = decode_frame(frame_bytes(command.hex))
    host.module.receive(frame_bytes(command.hex))
    answers = [f for f in host.sent
               if (f.module_id, f.sub_id, f.request_id) == (frame.module_id, frame.sub_id, frame.request_id)]
    assert len(answers) == 1, host.sent
    host.sent.remove(answers[0])
    return answers[0]


def check_example(host: Host, command: Vector, response: Vector) -> None:
    """The module answers the example command with the example response's payload."""
    answer = send_example(host, command)
    decoded: Decoded = decode(answer, host.module.profile.generation, Direction.MODULE)
    assert decoded == response.expected, f"{command.page}: {decoded}"
    assert answer.payload == response.expected.payload(), command.page
