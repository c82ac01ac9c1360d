"""The emulated module's framing layer, dispatch and result codes (manual 2.14 p48-p49)."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.system import SystemService
from freev2g.hci.catalog import framing, system
from freev2g.hci.frame import Frame
from freev2g.hci.message import Rejection
from tests.emulator.harness import Host


@pytest.fixture
def host() -> Host:
    host = Host()
    host.module.add(SystemService(host.module, files={"fs/dev/mac.bin": b"\x02" + bytes(12)}))
    return host


def test_ping_is_echoed_with_its_request_id(host: Host) -> None:
    host.module.receive(framing.Ping(data=b"\x01\x02").to_frame(9).encode())
    (reply,) = host.take()
    assert (reply.module_id, reply.sub_id, reply.request_id, reply.payload) == (0x0E, 0x01, 9, b"\x01\x02")


def test_firmware_version_is_the_profile_string(host: Host) -> None:
    assert host.request(system.GetFirmwareVersion()) == system.GetFirmwareVersion.Response(version="V02_00_01")


def test_serial_number_is_set_once_and_reads_back(host: Host) -> None:
    assert host.request(system.SetSerialNumber(serial_number="Ser00001")) == system.SetSerialNumber.Response()
    assert host.request(system.GetSerialNumber()) == system.GetSerialNumber.Response(serial_number="Ser00001")
    again = host.request(system.SetSerialNumber(serial_number="Other"))
    assert isinstance(again, Rejection) and again.result == 0x05


def test_file_hash_and_file_not_found(host: Host) -> None:
    found = host.request(system.GetFileHash(filename="fs/dev/mac.bin"))
    assert isinstance(found, system.GetFileHash.Response) and found.size == 13
    missing = host.request(system.GetFileHash(filename="fs/nothing"))
    assert isinstance(missing, Rejection) and missing.result == 0x10


def test_uptime_follows_the_clock(host: Host) -> None:
    host.clock.advance(42.5)
    assert host.request(system.GetUptime()) == system.GetUptime.Response(uptime=42)


def test_unknown_sub_id_answers_02_and_malformed_payload_04(host: Host) -> None:
    host.module.receive(Frame(0x10, 0x7E, 3, b"").encode())
    host.module.receive(Frame(0x10, 0x4A, 4, b"\x01\x02").encode())  # Set Save Mode with 2 bytes
    assert [(f.sub_id, f.request_id, f.payload) for f in host.take()] == [(0x7E, 3, b"\x02"), (0x4A, 4, b"\x04")]


def test_unknown_module_is_framing_error_f4_with_the_request_id(host: Host) -> None:
    host.module.receive(Frame(0x12, 0x41, 5, b"\x00").encode())  # Time: no service added
    (error,) = host.take()
    assert (error.module_id, error.sub_id, error.request_id) == (0xFF, 0xF4, 5)


@pytest.mark.parametrize(("raw", "sub_id"), [
    ("C0 10 40 01 00 00 12 C1", 0xF2),
    ("55 C0 10 40 01 00 00 00 C1", 0xF1),
    ("C0 10 40 01 00 01 00 00 C0", 0xF3),
    ("C0 10 40 01 0F FF", 0xF5),
])
def test_framing_errors_are_reported_on_module_ff(host: Host, raw: str, sub_id: int) -> None:
    host.module.receive(bytes.fromhex(raw))
    errors = [f for f in host.take() if f.module_id == 0xFF]
    assert errors and errors[0].sub_id == sub_id and errors[0].request_id == 0xFF


def test_a_pause_over_100_ms_inside_a_frame_is_an_rx_timeout(host: Host) -> None:
    frame = system.GetUptime().to_frame(1).encode()
    host.module.receive(frame[:4])
    host.clock.advance(0.099)
    assert host.take() == []
    host.clock.advance(0.002)
    (error,) = host.take()
    assert (error.module_id, error.sub_id) == (0xFF, 0xF0)
    host.module.receive(frame)  # the next frame is parsed from scratch
    assert host.take()[0].sub_id == 0x58


def test_a_slow_but_steady_frame_is_fine(host: Host) -> None:
    for byte in system.GetUptime().to_frame(1).encode():
        host.clock.advance(0.09)
        host.module.receive(bytes([byte]))
    assert [f.sub_id for f in host.take()] == [0x58]


def test_restart_resets_the_services(host: Host) -> None:
    host.clock.advance(100)
    host.request(system.RestartSystem())
    host.clock.advance(3)
    assert host.request(system.GetUptime()) == system.GetUptime.Response(uptime=3)
    assert host.module.restarts == 1
