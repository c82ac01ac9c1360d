"""Captures: both directions, synthetic Ethernet frames that the project's own decoder reads."""

from __future__ import annotations

from pathlib import Path

from freev2g.hci.ethernet import ETHERTYPE_HCI, MIN_FRAME_SIZE, decode_ethernet, parse_mac
from freev2g.hci.frame import Frame, decode_frame
from freev2g.hci.parser import FrameParser
from freev2g.pcap import LINKTYPE_ETHERNET, PcapWriter, read_packets
from freev2g.transport import HOST_MAC, MODULE_MAC, Capture, MemoryLink
from tests.transport.util import Receiver, run


def read_stream(path: Path, source: str) -> tuple[list[bytes], list[Frame]]:
    """The raw frames from ``source`` in a capture, and the HCI frames their data carries."""
    raws = [p.data for p in read_packets(path) if p.linktype == LINKTYPE_ETHERNET]
    mine = [raw for raw in raws if raw[6:12] == parse_mac(source)]
    parser = FrameParser()
    events = [e for raw in mine for e in parser.feed(decode_ethernet(raw).data)]
    assert all(isinstance(e, Frame) for e in events), events
    return mine, [e for e in events if isinstance(e, Frame)]


def test_memory_capture_records_both_directions(tmp_path: Path) -> None:
    path = tmp_path / "memory.pcap"
    request = decode_frame(Frame(0x10, 0x40, 1).encode())
    big = decode_frame(Frame(0x27, 0x73, 2, bytes(range(256)) * 12).encode())  # 3080 bytes

    async def main() -> None:
        host, module = MemoryLink.pair(capture=path, chunk_size=2000)
        at_host, at_module = Receiver(), Receiver()
        async with host, module:
            await host.open(at_host)
            await module.open(at_module)
            await host.send(request.encode())
            await at_module.wait_frames(1)
            await module.send(big.encode())
            await at_host.wait_frames(1)

    run(main())
    sent, host_frames = read_stream(path, HOST_MAC)
    received, module_frames = read_stream(path, MODULE_MAC)
    assert host_frames == [request]
    assert module_frames == [big]
    assert all(raw[0:6] == parse_mac(MODULE_MAC) for raw in sent)
    assert all(raw[0:6] == parse_mac(HOST_MAC) for raw in received)
    assert all(int.from_bytes(raw[12:14], "big") == ETHERTYPE_HCI for raw in sent + received)
    assert len(sent[0]) == MIN_FRAME_SIZE  # padded like a real frame
    # chunks of 2000 bytes (2000 + 1080) need two Ethernet frames for the first one
    assert [len(decode_ethernet(raw).data) for raw in received] == [1496, 504, 1080]


def test_module_end_capture_uses_the_module_view(tmp_path: Path) -> None:
    path = tmp_path / "module.pcap"

    async def main() -> None:
        host, module = MemoryLink.pair(module_capture=path, host_mac="00:44:44:44:44:44")
        got = Receiver()
        async with host, module:
            await host.open(Receiver())
            await module.open(got)
            await host.send(b"\xc0\x10")
            await got.wait_bytes(2)

    run(main())
    (raw,) = [p.data for p in read_packets(path)]
    frame = decode_ethernet(raw)
    assert (frame.source, frame.destination, frame.data) == (
        parse_mac("00:44:44:44:44:44"),
        parse_mac(MODULE_MAC),
        b"\xc0\x10",
    )


def test_a_shared_writer_stays_open(tmp_path: Path) -> None:
    with PcapWriter(tmp_path / "shared.pcap") as writer:
        capture = Capture(writer)
        capture.sent(b"\xc0")
        capture.close()
        capture.sent(b"\xc1")  # ignored after close
        writer.write(b"\x00" * 60)  # the writer itself still works
        assert writer.count == 2


def test_a_path_capture_is_closed_with_the_transport(tmp_path: Path) -> None:
    path = tmp_path / "owned.pcap"

    async def main() -> None:
        host, _module = MemoryLink.pair(capture=path)
        await host.open(Receiver())
        await host.close()
        assert host.capture is not None and host.capture.closed

    run(main())
    assert list(read_packets(path)) == []
