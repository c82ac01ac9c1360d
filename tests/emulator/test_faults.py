"""Frame fault injection: each knob does what it says, reproducibly, and bad specs are refused."""

from __future__ import annotations

import pytest

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.faults import FaultInjector, FrameFaults
from freev2g.hci.errors import FramingFault
from freev2g.hci.frame import Frame
from freev2g.hci.parser import FrameParser

FRAME = Frame(0x27, 0x42, 0x01, b"\x01\x02\x03").encode()


def run(faults: FrameFaults, frames: int = 1000) -> tuple[list[bytes], FaultInjector, ManualClock]:
    clock = ManualClock()
    out: list[bytes] = []
    injector = FaultInjector(faults, clock)
    send = injector.wrap(out.append)
    for _ in range(frames):
        send(FRAME)
    return out, injector, clock


def test_no_faults_pass_everything_through_unwrapped() -> None:
    out, injector, _ = run(FrameFaults())
    assert out == [FRAME] * 1000
    assert injector.wrap(print) is print


def test_drop_rate_drops_about_that_share() -> None:
    out, injector, _ = run(FrameFaults(drop=0.2))
    assert injector.counts.dropped == 1000 - len(out)
    assert 150 < injector.counts.dropped < 250


def test_corrupted_frames_fail_to_parse_as_the_original() -> None:
    out, injector, _ = run(FrameFaults(corrupt=1.0), frames=200)
    assert injector.counts.corrupted == 200
    for data in out:
        assert data != FRAME and len(data) == len(FRAME)
        parser = FrameParser()
        events = list(parser.feed(data)) + list(parser.flush())
        assert not any(isinstance(event, Frame) for event in events), data.hex()
        assert any(isinstance(event, FramingFault) for event in events), data.hex()


def test_duplicate_sends_twice() -> None:
    out, injector, _ = run(FrameFaults(duplicate=1.0), frames=10)
    assert out == [FRAME] * 20 and injector.counts.duplicated == 10


def test_delay_holds_frames_until_the_clock_passes() -> None:
    out, injector, clock = run(FrameFaults(delay=1.0, delay_seconds=0.3), frames=5)
    assert out == [] and injector.counts.delayed == 5
    clock.advance(0.29)
    assert out == []
    clock.advance(0.02)
    assert out == [FRAME] * 5


def test_same_seed_same_faults() -> None:
    first, _, _ = run(FrameFaults(drop=0.3, corrupt=0.3, seed=7))
    second, _, _ = run(FrameFaults(drop=0.3, corrupt=0.3, seed=7))
    third, _, _ = run(FrameFaults(drop=0.3, corrupt=0.3, seed=8))
    assert first == second != third


def test_parse_specs() -> None:
    assert FrameFaults.parse(["drop=0.1", "delay=0.5:0.25"], seed=3) == FrameFaults(
        drop=0.1, delay=0.5, delay_seconds=0.25, seed=3)


@pytest.mark.parametrize("spec", ["drop", "drop=x", "lose=0.1", "drop=1.5", "corrupt=0.1:2", "delay=0.1:-1"])
def test_bad_specs_are_refused_with_the_forms(spec: str) -> None:
    with pytest.raises(ValueError, match="fault"):
        FrameFaults.parse([spec])
