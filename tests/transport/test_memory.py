"""The in-memory link: order, chunking, asynchronous delivery, life cycle."""

from __future__ import annotations

import asyncio

import pytest

from freev2g.hci.frame import Frame, decode_frame
from freev2g.transport import Drop, MemoryLink, TransportError
from tests.transport.util import Receiver, callbacks_run, run

# As received: the checksum byte is part of a decoded frame.
FRAMES = [decode_frame(Frame(0x10, 0x40, n, bytes(range(n)) * 3).encode()) for n in range(1, 40)]
STREAM = b"".join(f.encode() for f in FRAMES)


def test_both_directions_in_order() -> None:
    async def main() -> None:
        host, module = MemoryLink.pair()
        at_host, at_module = Receiver(), Receiver()
        async with host, module:
            await host.open(at_host)
            await module.open(at_module)
            for frame in FRAMES:
                await host.send(frame.encode())
                await module.send(frame.encode())
            assert await at_module.wait_frames(len(FRAMES)) == FRAMES
            assert await at_host.wait_frames(len(FRAMES)) == FRAMES
        assert host.stats.frames_sent == len(FRAMES)
        assert host.stats.bytes_sent == module.stats.bytes_received == len(STREAM)

    run(main())


def test_delivery_is_asynchronous() -> None:
    async def main() -> None:
        host, module = MemoryLink.pair()
        got = Receiver()
        await module.open(got)
        await host.open(Receiver())
        await host.send(b"\xc0")
        assert got.chunks == []  # not before the loop turns
        await got.wait_bytes(1)

    run(main())


@pytest.mark.parametrize("size", [1, 2, 7, 1500])
def test_chunking_splits_frames_anywhere(size: int) -> None:
    async def main() -> None:
        host, module = MemoryLink.pair(chunk_size=size)
        got = Receiver()
        await module.open(got)
        await host.open(Receiver())
        await host.send(STREAM)
        assert await got.wait_frames(len(FRAMES)) == FRAMES
        assert all(len(chunk) <= size for chunk in got.chunks)
        assert len(got.chunks) == -(-len(STREAM) // size)
        assert module.stats.frames_received == host.stats.frames_sent == len(got.chunks)

    run(main())


def test_concurrent_sends_do_not_interleave() -> None:
    async def main() -> None:
        host, module = MemoryLink.pair(chunk_size=5)
        got = Receiver()
        await module.open(got)
        await host.open(Receiver())
        await asyncio.gather(*(host.send(f.encode()) for f in FRAMES))
        assert sorted(await got.wait_frames(len(FRAMES)), key=lambda f: f.request_id) == FRAMES
        assert got.faults == []

    run(main())


def test_close_is_idempotent_and_stops_delivery() -> None:
    async def main() -> None:
        host, module = MemoryLink.pair()
        got = Receiver()
        await module.open(got)
        await host.open(Receiver())
        await host.send(b"\xc0\x01")
        await module.close()  # before the loop delivers the bytes
        await module.close()
        await host.send(b"\xc0\x02")
        await callbacks_run()
        assert got.chunks == []
        assert module.stats.dropped == {Drop.NOT_OPEN: 2}
        with pytest.raises(TransportError, match="closed"):
            await module.send(b"\xc0")
        with pytest.raises(TransportError, match="closed"):
            await module.open(got)

    run(main())


def test_send_before_open_and_open_twice() -> None:
    async def main() -> None:
        host, _module = MemoryLink.pair()
        with pytest.raises(TransportError, match="not open"):
            await host.send(b"\xc0")
        await host.open(Receiver())
        with pytest.raises(TransportError, match="already open"):
            await host.open(Receiver())
        await host.close()

    run(main())


def test_a_failing_consumer_does_not_stop_the_link(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        host, module = MemoryLink.pair()
        got = Receiver()

        def consumer(data: bytes) -> None:
            got(data)
            if len(got.chunks) == 1:
                raise ValueError("consumer bug")

        await module.open(consumer)
        await host.open(Receiver())
        await host.send(b"one")
        await host.send(b"two")
        assert await got.wait_bytes(6) == b"onetwo"

    run(main())
    assert "receive callback failed" in caplog.text


def test_invalid_chunk_size() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        MemoryLink.pair(chunk_size=0)
