"""EthernetTransport on a real veth pair between two network namespaces (manual 2.14 §9.1).

Frames crafted on the same wire with a raw socket check the filters. The tests end with a
"marker" frame and wait for it: frames sent earlier on the same wire have been handled by then.
"""

from __future__ import annotations

import logging
import random
import subprocess
import sys
from pathlib import Path

import pytest

from freev2g.hci.ethernet import decode_ethernet, parse_mac
from freev2g.hci.frame import Frame, decode_frame
from freev2g.netns import VethPair, inside, ip
from freev2g.pcap import read_packets
from freev2g.transport import Drop, EthernetTransport, Transport, TransportError
from freev2g.transport.ethernet import PERMISSION_HINT
from tests.transport.util import Receiver, run

pytestmark = pytest.mark.root

STRANGER = "02:00:00:00:00:99"
BROADCAST = b"\xff" * 6


def frame(request_id: int, payload: bytes = b"") -> Frame:
    """A frame as a receiver decodes it (with its checksum byte)."""
    return decode_frame(Frame(0x10, 0x40, request_id, payload).encode())


MARKER = frame(0x42, b"marker")


def crafted(
    source: str,
    data: bytes,
    *,
    destination: str = "00:22:22:22:22:22",
    ethertype: int = 0x6003,
    control: bytes | None = None,
    padding: bytes = b"",
) -> bytes:
    if control is None:
        control = b"\x00\x04" + len(data).to_bytes(2, "big")
    return (
        parse_mac(destination) + parse_mac(source) + ethertype.to_bytes(2, "big") + control + data + padding
    )


async def open_in(namespace: str, transport: Transport, receiver: Receiver) -> None:
    with inside(namespace):
        await transport.open(receiver)


def test_frames_both_ways(veth: VethPair, tmp_path: Path) -> None:
    capture = tmp_path / "host.pcap"
    requests = [frame(n, bytes([n]) * n) for n in range(1, 6)]
    responses = [frame(n, b"\x00") for n in range(1, 6)]
    hello = frame(0xFF, b"boot")

    async def main() -> None:
        host = EthernetTransport(veth.host_if, veth.module_mac, capture=capture)
        module = EthernetTransport(veth.module_if, None)
        at_host, at_module = Receiver(), Receiver()
        async with host, module:
            await open_in(veth.host_ns, host, at_host)
            await open_in(veth.module_ns, module, at_module)
            assert host.local_mac == parse_mac(veth.host_mac)
            await module.send(hello.encode())  # no source seen yet: broadcast
            assert await at_host.wait_frames(1) == [hello]
            for request in requests:
                await host.send(request.encode())
            assert await at_module.wait_frames(5) == requests
            assert at_module.data == b"".join(r.encode() for r in requests)  # no padding passed on
            for response in responses:
                await module.send(response.encode())  # to the last source seen: the host
            assert await at_host.wait_frames(6) == [hello, *responses]
        assert host.stats.frames_sent == 5 and host.stats.frames_received == 6
        assert host.stats.bytes_received == len(at_host.data) and host.stats.dropped == {}
        assert module.stats.frames_received == 5 and module.stats.dropped == {}

    run(main())
    raws = [p.data for p in read_packets(capture)]
    decoded = [decode_ethernet(raw) for raw in raws]
    assert [d.data for d in decoded] == [hello.encode()] + [r.encode() for r in requests + responses]
    assert decoded[0].destination == BROADCAST
    host_mac, module_mac = parse_mac(veth.host_mac), parse_mac(veth.module_mac)
    for raw, d in zip(raws[1:6], decoded[1:6], strict=True):  # sent: exactly as on the wire
        assert (d.destination, d.source, len(raw)) == (module_mac, host_mac, 60)
    for d in decoded[6:]:
        assert (d.destination, d.source) == (host_mac, module_mac)


def test_forced_destination(veth: VethPair, tmp_path: Path) -> None:
    capture = tmp_path / "module.pcap"

    async def main() -> None:
        module = EthernetTransport(veth.module_if, None, destination=veth.host_mac, capture=capture)
        host = EthernetTransport(veth.host_if, veth.module_mac)
        got = Receiver()
        async with module, host:
            await open_in(veth.host_ns, host, got)
            await open_in(veth.module_ns, module, Receiver())
            await module.send(MARKER.encode())  # nothing received yet, but not broadcast
            await got.wait_frames(1)

    run(main())
    (sent,) = [decode_ethernet(p.data) for p in read_packets(capture)]
    assert sent.destination == parse_mac(veth.host_mac)


def test_foreign_frames_are_ignored_and_counted(veth: VethPair, caplog: pytest.LogCaptureFixture) -> None:
    wire = veth.raw_socket(veth.module_ns, veth.module_if)
    data = frame(7, b"payload").encode()
    size = len(data).to_bytes(2, "big")
    module = veth.module_mac

    async def main() -> None:
        host = EthernetTransport(veth.host_if, module)
        got = Receiver()
        async with host:
            await open_in(veth.host_ns, host, got)
            wire.send(crafted(STRANGER, data))  # another MAC
            wire.send(crafted(module, data, ethertype=0x86DD))  # IPv6: the kernel keeps it from us
            wire.send(crafted(module, data, ethertype=0x88E1))  # HomePlug AV (bridged PLC)
            wire.send(crafted(module, data, control=b"\x01\x04" + size))  # version 1
            wire.send(crafted(module, data, control=b"\x00\x05" + size))  # message type 5
            wire.send(crafted(module, data, control=b"\x00\x04\x05\xdc"))  # size beyond the frame
            wire.send(crafted(module, b"", control=b"\x00\x04"))  # control header cut short
            wire.send(crafted(module, MARKER.encode()))
            assert await got.wait_frames(1) == [MARKER]
            assert got.data == MARKER.encode()
            assert host.stats.frames_received == 1
            assert host.stats.dropped == {Drop.WRONG_SOURCE: 1, Drop.BAD_CONTROL_HEADER: 4}
            assert host.unexpected_sources == [STRANGER]

    with caplog.at_level(logging.WARNING):
        run(main())
    wire.close()
    assert STRANGER in caplog.text


def test_a_module_on_another_mac_is_reported_once(veth: VethPair, caplog: pytest.LogCaptureFixture) -> None:
    configured = "00:01:01:63:77:35"  # the module really is ...:33
    wire = veth.raw_socket(veth.module_ns, veth.module_if)

    async def main() -> None:
        host = EthernetTransport(veth.host_if, configured)
        module = EthernetTransport(veth.module_if, None, destination=veth.host_mac)
        got = Receiver()
        async with host, module:
            await open_in(veth.host_ns, host, got)
            await open_in(veth.module_ns, module, Receiver())
            for n in range(3):
                await module.send(frame(n).encode())
            wire.send(crafted(configured, MARKER.encode()))
            await got.wait_frames(1)
            assert got.frames == [MARKER]
            assert host.stats.dropped == {Drop.WRONG_SOURCE: 3}
            assert host.unexpected_sources == [veth.module_mac]

    with caplog.at_level(logging.WARNING):
        run(main())
    wire.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert veth.module_mac in warnings[0] and configured in warnings[0]


def test_padding_is_ignored(veth: VethPair) -> None:
    wire = veth.raw_socket(veth.module_ns, veth.module_if)
    small = frame(1)  # 8 bytes
    lookalike = frame(2).encode()  # padding that would parse as a frame if passed on

    async def main() -> None:
        host = EthernetTransport(veth.host_if, veth.module_mac)
        got = Receiver()
        async with host:
            await open_in(veth.host_ns, host, got)
            wire.send(crafted(veth.module_mac, small.encode(), padding=lookalike * 4))
            wire.send(crafted(veth.module_mac, MARKER.encode()))
            assert await got.wait_frames(2) == [small, MARKER]
            assert got.data == small.encode() + MARKER.encode()

    run(main())
    wire.close()


def test_several_frames_per_ethernet_frame_and_one_frame_over_several(veth: VethPair) -> None:
    three = [frame(n, bytes(n)) for n in range(3)]
    big = frame(9, random.Random(5).randbytes(2992))  # 3000 bytes: 1496 + 1496 + 8

    async def main() -> None:
        host = EthernetTransport(veth.host_if, veth.module_mac)
        module = EthernetTransport(veth.module_if, None)
        at_host, at_module = Receiver(), Receiver()
        async with host, module:
            await open_in(veth.host_ns, host, at_host)
            await open_in(veth.module_ns, module, at_module)
            await host.send(b"".join(f.encode() for f in three))
            assert await at_module.wait_frames(3) == three
            assert (host.stats.frames_sent, module.stats.frames_received) == (1, 1)
            await host.send(big.encode())
            assert await at_module.wait_frames(4) == [*three, big]
            assert (host.stats.frames_sent, module.stats.frames_received) == (4, 4)
            assert [len(c) for c in at_module.chunks[1:]] == [1496, 1496, 8]
            await module.send(big.encode())
            assert await at_host.wait_frames(1) == [big]
            assert at_module.faults == at_host.faults == []

    run(main())


def test_own_frames_coming_back_are_ignored(veth: VethPair) -> None:
    """On loopback our frames come back as received frames from our own MAC."""
    wire = veth.raw_socket(veth.host_ns, "lo")

    async def main() -> None:
        link = EthernetTransport("lo", None)
        got = Receiver()
        async with link:
            await open_in(veth.host_ns, link, got)
            await link.send(frame(1).encode())
            wire.send(crafted(STRANGER, MARKER.encode(), destination="00:00:00:00:00:00"))
            assert await got.wait_frames(1) == [MARKER]
            assert got.data == MARKER.encode()
            assert link.stats.dropped == {Drop.OWN_FRAME: 1}

    run(main())
    wire.close()


def test_interface_down_is_one_clear_line(veth: VethPair) -> None:
    async def main() -> None:
        host = EthernetTransport(veth.host_if, veth.module_mac)
        async with host:
            await open_in(veth.host_ns, host, Receiver())
            ip("-n", veth.host_ns, "link", "set", veth.host_if, "down")
            with pytest.raises(TransportError) as error:
                await host.send(MARKER.encode())
            assert str(error.value) == "hci-host is down: bring it up with: ip link set hci-host up"

    run(main())


def test_not_an_ethernet_interface(veth: VethPair) -> None:
    ip("-n", veth.host_ns, "tuntap", "add", "dev", "tun0", "mode", "tun")

    async def main() -> None:
        with pytest.raises(TransportError, match=r"^tun0 is not an Ethernet interface \(type 65534\)$"):
            await open_in(veth.host_ns, EthernetTransport("tun0", None), Receiver())

    run(main())


def test_no_permission_is_one_clear_line() -> None:
    script = (
        "import asyncio\n"
        "from freev2g.transport import EthernetTransport, TransportError\n"
        "try:\n"
        "    asyncio.run(EthernetTransport('lo', None).open(print))\n"
        "except TransportError as error:\n"
        "    print(error)\n"
    )
    # Without CAP_NET_RAW, even as root.
    command = ["setpriv", "--inh-caps=-all", "--bounding-set=-net_raw", sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout == f"no permission for a raw socket on lo: {PERMISSION_HINT}\n"
    assert result.stderr == ""
