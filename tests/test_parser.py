"""Streaming frame parser: never raises, yields typed faults, resynchronises (hci-reference §2.7)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.hci.errors import BadChecksum, FramingFault, MissingEnd, MissingStart, Truncated
from freev2g.hci.frame import MAX_FRAME_SIZE, Frame
from freev2g.hci.parser import FrameParser

frames = st.builds(
    Frame,
    module_id=st.integers(0, 255),
    sub_id=st.integers(0, 255),
    request_id=st.integers(0, 255),
    payload=st.binary(max_size=300),
)
garbage = st.binary(max_size=40).map(lambda b: b.replace(b"\xc0", b"\x55"))


def feed_in_chunks(data: bytes, cuts: list[int]) -> list[Frame | FramingFault]:
    parser = FrameParser()
    events = []
    start = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        events += parser.feed(data[start:cut])
        start = max(start, cut)
        assert parser.pending < MAX_FRAME_SIZE
    events += parser.feed(data[start:])
    events += parser.flush()
    return events


def same_frame(a: Frame, b: Frame) -> bool:
    return (a.module_id, a.sub_id, a.request_id, a.payload) == (b.module_id, b.sub_id, b.request_id, b.payload)


@settings(max_examples=300)
@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000), max_size=20))
def test_random_bytes_only_yield_frames_and_typed_faults(data: bytes, cuts: list[int]) -> None:
    for event in feed_in_chunks(data, cuts):
        assert isinstance(event, Frame | FramingFault)


@settings(max_examples=300)
@given(st.lists(st.tuples(garbage, frames, st.booleans()), max_size=8), garbage,
       st.lists(st.integers(0, 5000), max_size=30))
def test_every_frame_embedded_in_garbage_is_recovered(parts: list[tuple[bytes, Frame, bool]], tail: bytes,
                                                      cuts: list[int]) -> None:
    stream = b"".join(noise + frame.encode(compute_checksum=check) for noise, frame, check in parts) + tail
    events = feed_in_chunks(stream, cuts)
    recovered = [e for e in events if isinstance(e, Frame)]
    assert len(recovered) == len(parts)
    assert all(same_frame(got, want) for got, (_, want, _) in zip(recovered, parts, strict=True))
    faults = [e for e in events if isinstance(e, FramingFault)]
    assert all(isinstance(f, MissingStart) for f in faults)
    assert sum(f.skipped for f in faults if isinstance(f, MissingStart)) == sum(
        len(noise) for noise, _, _ in parts) + len(tail)


@given(frames, st.integers(0, 255))
def test_a_corrupted_frame_is_reported_and_the_next_one_recovered(frame: Frame, flip: int) -> None:
    good = frame.encode()
    bad = bytearray(good)
    bad[-2] ^= flip or 1
    events = FrameParser().feed(bytes(bad) + good)
    if bad[-2] == 0:  # checksum 00 means "not computed": accepted
        assert [type(e) for e in events] == [Frame, Frame]
    else:
        assert [type(e) for e in events] == [BadChecksum, Frame]


def test_missing_end_rescans_after_the_false_start() -> None:
    good = Frame(0x29, 0x81, 0xFF, b"\x02").encode()
    stream = bytes.fromhex("C0 29 81 FF 00 05 02") + good  # claims 5 payload bytes, then a real frame
    events = FrameParser().feed(stream)
    assert isinstance(events[0], MissingEnd)
    assert isinstance(events[-1], Frame) and events[-1].payload == b"\x02"


def test_oversized_length_is_skipped() -> None:
    good = Frame(0x0E, 0x01, 1, b"x").encode()
    events = FrameParser().feed(bytes.fromhex("C0 00 00 00 FF FF") + good)
    assert type(events[0]).__name__ == "FrameTooBig" and isinstance(events[-1], Frame)


def test_flush_reports_a_partial_frame() -> None:
    parser = FrameParser()
    assert parser.feed(Frame(0x10, 0x40, 1, b"abc").encode()[:7]) == []
    assert parser.pending == 7
    (fault,) = parser.flush()
    assert isinstance(fault, Truncated) and (fault.have, fault.need) == (7, 11)
    assert parser.pending == 0


def test_garbage_without_any_start_is_reported_in_bounded_memory() -> None:
    parser = FrameParser()
    events = []
    for _ in range(10):
        events += parser.feed(b"\x00" * 1000)
        assert parser.pending == 0
    assert sum(e.skipped for e in events if isinstance(e, MissingStart)) >= 8000
