"""``freev2g decode`` run as a subprocess: hex arguments, stdin, pcap and pcapng, text and JSON."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from freev2g.hci.catalog import system
from freev2g.hci.ethernet import HciEthernetFrame, parse_mac
from freev2g.pcap import PcapWriter

HOST = parse_mac("00:22:22:22:22:22")
MODULE = parse_mac("00:01:01:63:77:33")
OTHER = parse_mac("00:44:44:44:44:44")


def freev2g(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "freev2g", *args], input=stdin, capture_output=True,
                          text=True, check=False)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_hex_arguments_in_every_spelling() -> None:
    result = freev2g("decode", "--json", "C0 10 41 02 00 00 00 C1", "c0:10:41:02:00:00:00:c1", "C01041020000 00C1",
                     "00 04 00 08 C0 10 41 02 00 00 00 C1",
                     "000101637733 002222222222 6003 0004 0008 C0 10 41 02 00 00 00 C1 000000")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert [r["message"] for r in records] == ["Get Firmware Version"] * 5
    assert records[0] | {"source": ""} == {
        "source": "", "module_id": 0x10, "module": "System", "sub_id": 0x41, "request_id": 2,
        "direction": "host", "generation": "v2", "kind": "command", "message": "Get Firmware Version",
        "fields": {}}
    assert records[4]["src_mac"] == "00:22:22:22:22:22"


def test_status_sub_ids_default_to_the_module_and_from_overrides() -> None:
    state = "C0 29 81 FF 00 01 02 00 C1"
    response = "C0 10 41 02 00 0B 00 09 56 30 32 5F 30 30 5F 30 31 00 C1"
    default = json_lines(freev2g("decode", "--json", state).stdout)[0]
    assert (default["direction"], default["message"], default["fields"]) == ("module", "State Changed", {"state": "C"})
    forced = json_lines(freev2g("decode", "--json", "--from", "module", response).stdout)[0]
    assert forced["message"] == "Get Firmware Version response"
    assert forced["fields"] == {"result": "OK", "version": "V02_00_01"}


def test_text_output_names_module_message_request_and_fields_with_units() -> None:
    result = freev2g("decode", "--from", "module", "C0 10 58 19 00 05 00 00 00 00 0A 00 C1")
    assert result.returncode == 0
    assert "System (0x10) sub 0x58 req 0x19  Get Uptime response" in result.stdout
    assert "uptime = 10 s" in result.stdout


def test_stdin_one_frame_per_line_with_comments() -> None:
    text = "# a session\nC0 10 41 02 00 00 00 C1\n\nC0 29 81 FF 00 01 02 00 C1  # state C\n"
    result = freev2g("decode", "--json", stdin=text)
    assert result.returncode == 0, result.stderr
    assert [r["source"] for r in json_lines(result.stdout)] == ["line 2", "line 4"]


@pytest.mark.parametrize(("frame", "message"), [
    ("C0 10 40 01 00 00 12 C1", "line 2: checksum 0x12, expected 0x2C"),
    ("C0 10 40 01 00 05 00 C1", "line 2: frame truncated: 8 of 13 bytes"),
    ("C0 10 4G", "line 2: '4G' is not a whole number of hex bytes"),
    ("C0 29 41 01 00 02 00 07 00 C1", "line 2: Get Mode response: field 'mode'"),
])
def test_bad_input_is_one_line_and_exit_2(frame: str, message: str) -> None:
    result = freev2g("decode", "--from", "module" if "29 41" in frame else "host",
                     stdin="C0 29 81 FF 00 01 02 00 C1\n" + frame + "\n")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(message.split("'")[0]) and message.split(": ", 1)[1][:12] in first
    assert result.stdout.startswith("line 1:")  # the good frame is not lost


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (["decode", "--generation", "v3", "C0"], ["decode", "--bogus"], ["decode", "missing.pcap"],
                 ["nonsense"]):
        result = freev2g(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def write_capture(path: Path) -> None:
    with PcapWriter(path) as pcap:
        pcap.write(HciEthernetFrame(MODULE, HOST, system.GetFirmwareVersion().to_frame(5).encode()).encode(), 1.5)
        reply = system.GetFirmwareVersion.Response(version="V02_00_01").to_frame(5).encode()
        pcap.write(HciEthernetFrame(HOST, MODULE, reply[:10]).encode(), 1.6)  # split over two frames
        pcap.write(HciEthernetFrame(HOST, MODULE, reply[10:]).encode(), 1.7)
        pcap.write(bytes(12) + b"\x08\x00" + bytes(46), 1.8)  # IPv4: skipped and counted
        pcap.write(HciEthernetFrame(HOST, MODULE, bytes.fromhex("C0 29 81 FF 00 01 02 00 C1")).encode(), 1.9)


def test_pcap_directions_from_the_mac_that_sends_status_messages(tmp_path: Path) -> None:
    path = tmp_path / "session.pcap"
    write_capture(path)
    result = freev2g("decode", "--json", str(path))
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert [(r["direction"], r["message"]) for r in records] == [
        ("host", "Get Firmware Version"), ("module", "Get Firmware Version response"), ("module", "State Changed")]
    assert records[1]["source"] == "packet 3" and records[1]["time"] == 1.7
    assert "skipped 1 not EtherType 0x6003" in result.stderr


def test_module_mac_option_decides_the_direction(tmp_path: Path) -> None:
    path = tmp_path / "session.pcap"
    write_capture(path)
    given = freev2g("decode", "--json", "--module-mac", "00-01-01-63-77-33", str(path))
    assert [r["direction"] for r in json_lines(given.stdout)] == ["host", "module", "module"]
    swapped = freev2g("decode", "--json", "--module-mac", "00:22:22:22:22:22", str(path))
    assert swapped.returncode == 2
    assert "packet 1: Get Firmware Version response: field 'result': missing result code" in swapped.stderr


def test_pcapng_is_read(tmp_path: Path) -> None:
    frame = HciEthernetFrame(HOST, MODULE, bytes.fromhex("C0 29 81 FF 00 01 01 00 C1")).encode()
    def block(kind: int, body: bytes) -> bytes:
        body += bytes(-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 65535) + struct.pack("<HHB3x", 9, 1, 9) + bytes(4))  # ns stamps
    epb = block(6, struct.pack("<IIIII", 0, 0, 2_500_000_000, len(frame), len(frame)) + frame)
    path = tmp_path / "session.pcapng"
    path.write_bytes(shb + idb + epb)
    result = freev2g("decode", "--json", str(path))
    assert result.returncode == 0, result.stderr
    (record,) = json_lines(result.stdout)
    assert record["fields"] == {"state": "B"} and record["time"] == 2.5


def test_a_file_that_is_no_capture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.pcap"
    path.write_text("hello")
    result = freev2g("decode", str(path))
    assert result.returncode == 2 and "not a pcap or pcapng file" in result.stderr
