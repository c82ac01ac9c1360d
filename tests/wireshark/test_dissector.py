"""The generated Wireshark dissector: the shipped file is the generated one, and tshark with it reads
captures exactly as ``freev2g decode`` does (the bundled example and captures of every example
frame of the manuals, both generations). tshark is installed by ``.ci/run``; a skip under CI fails
the run (tests/conftest.py), so these tests cannot be skipped silently there.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.catalog
from freev2g.cli import main
from freev2g.hci.ethernet import HciEthernetFrame, parse_mac
from freev2g.hci.frame import Frame
from freev2g.hci.message import Rejection, ResponseMessage, Status, declared
from freev2g.hci.modules import Direction, Generation
from freev2g.pcap import PcapWriter
from freev2g.transport.capture import HOST_MAC, MODULE_MAC, Capture
from freev2g.wireshark import generate, shipped_path
from tests.strategies import for_struct
from tests.vectors import Vector, frame_bytes
from tests.wireshark.tshark_check import check_capture, run_tshark, tshark_frames

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (.ci/run installs it)")


def catalog_vectors() -> list[Vector]:
    """Every example frame of every catalog test module (VECTORS lists)."""
    vectors: list[Vector] = []
    for info in sorted(pkgutil.iter_modules(tests.catalog.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"tests.catalog.{info.name}")
        vectors += [v for v in getattr(module, "VECTORS", []) if isinstance(v, Vector)]
    return vectors


def write_vector_capture(path: Path, generation: Generation) -> int:
    """A capture of every vector of ``generation``: one frame per Ethernet frame, then the same
    frames again several per Ethernet frame and split across Ethernet frames (a byte stream)."""
    vectors = [v for v in catalog_vectors() if generation in v.generations]
    # A host command first: with no module MAC given, the first frame of a conversation decides.
    vectors.sort(key=lambda v: v.direction is not Direction.HOST)
    with PcapWriter(path) as writer:
        capture = Capture(writer, local_mac=HOST_MAC, peer_mac=MODULE_MAC)
        for vector in vectors:
            record = capture.sent if vector.direction is Direction.HOST else capture.received
            record(frame_bytes(vector.hex))
        for direction in Direction:
            stream = b"".join(frame_bytes(v.hex) for v in vectors if v.direction is direction)
            (capture.sent if direction is Direction.HOST else capture.received)(stream)
        return writer.count


def test_shipped_dissector_is_the_generated_one() -> None:
    assert shipped_path().read_text(encoding="utf-8") == generate(), \
        "regenerate: freev2g wireshark-dissector -o src/freev2g/data/freev2g.lua"


def test_dissector_is_package_data() -> None:
    assert resources.files("freev2g.data").joinpath("freev2g.lua").is_file()


def test_cli_writes_the_generated_dissector(tmp_path: Path) -> None:
    target = tmp_path / "freev2g.lua"
    assert main(["wireshark-dissector", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == generate()


def test_cli_reports_an_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wireshark-dissector", "-o", str(tmp_path / "missing" / "x.lua")]) == 2
    assert "No such file or directory" in capsys.readouterr().err


def test_every_declared_message_is_in_the_tables() -> None:
    source = generate()
    for generation in Generation:
        for message in declared(generation):
            assert f'title = "{message.title}"' in source, message.title


def test_the_vectors_cover_every_module_of_both_generations() -> None:
    for generation in Generation:
        in_vectors = {frame_bytes(v.hex)[1] for v in catalog_vectors() if generation in v.generations}
        declared_modules = {message.module_id for message in declared(generation)}
        # The manuals print no framing error (module 0xFF) frame; the vectors cover every other module.
        assert declared_modules - {0xFF} <= in_vectors, generation


@needs_tshark
def test_tshark_reads_the_bundled_example_capture() -> None:
    with resources.as_file(resources.files("freev2g.data") / "example-evse-v2.pcap") as path:
        assert check_capture(path, "v2") > 30


@needs_tshark
@pytest.mark.parametrize("generation", list(Generation), ids=lambda g: g.value)
def test_tshark_reads_every_manual_example_frame(tmp_path: Path, generation: Generation) -> None:
    capture = tmp_path / f"vectors-{generation.value}.pcap"
    write_vector_capture(capture, generation)
    count = check_capture(capture, generation.value)
    assert count == 2 * len([v for v in catalog_vectors() if generation in v.generations])


@needs_tshark
def test_tshark_uses_the_module_mac_preference(tmp_path: Path) -> None:
    """A module response first: without the preference it would be taken for a host command."""
    capture = tmp_path / "response-first.pcap"
    module, host = parse_mac(MODULE_MAC), parse_mac(HOST_MAC)
    with PcapWriter(capture) as writer:
        response = Frame(0x10, 0x40, 0x01, bytes.fromhex("00 03 31 2E 32")).encode()
        writer.write(HciEthernetFrame(host, module, response).encode(), 1.0)
        writer.write(HciEthernetFrame(module, host, Frame(0x10, 0x40, 0x02).encode()).encode(), 2.0)
    assert check_capture(capture, "v2", module_macs=(MODULE_MAC,)) == 2


def _message_frames(data: st.DataObject, generation: Generation) -> list[tuple[Direction, bytes]]:
    """One drawn instance of every message declared for ``generation``, a host command first, and
    a rejection of every command: the Lua readers meet every codec with values they have not seen."""
    frames: list[tuple[Direction, bytes]] = []
    messages = sorted(declared(generation), key=lambda m: (m.direction is not Direction.HOST, m.module_id, m.sub_id))
    for request_id, message in enumerate(messages):
        instance = data.draw(for_struct(message), label=message.title)
        status = issubclass(message, Status)
        frame = instance.to_frame(0xFF if status else request_id % 0xFF)
        frames.append((message.direction, frame.encode(compute_checksum=bool(request_id % 2))))
        if issubclass(message, ResponseMessage) and message.has_result:
            code = data.draw(st.sampled_from([0x01, 0x04, 0x05, 0x10, 0x11, 0xFF]), label="result")
            frames.append((Direction.MODULE, Rejection(message, code).to_frame(request_id % 0xFF).encode()))
    return frames


@needs_tshark
@pytest.mark.parametrize("generation", list(Generation), ids=lambda g: g.value)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_tshark_reads_every_declared_message_with_drawn_values(tmp_path: Path, generation: Generation,
                                                              data: st.DataObject) -> None:
    frames = _message_frames(data, generation)
    capture = tmp_path / f"drawn-{generation.value}.pcap"
    with PcapWriter(capture) as writer:
        recorder = Capture(writer, local_mac=HOST_MAC, peer_mac=MODULE_MAC)
        for direction, frame in frames:
            (recorder.sent if direction is Direction.HOST else recorder.received)(frame)
    assert check_capture(capture, generation.value) == len(frames)


def _capture_of(path: Path, *frames: bytes) -> Path:
    """Host frames to the module (the first frame of the conversation is the host's)."""
    with PcapWriter(path) as writer:
        recorder = Capture(writer, local_mac=HOST_MAC, peer_mac=MODULE_MAC)
        for frame in frames:
            recorder.sent(frame)
    return path


def _field_names(pdml: ET.Element) -> list[str]:
    return [element.get("name", "") for element in pdml.iter("field")]


@needs_tshark
def test_the_check_fails_when_the_dissector_decodes_a_value_wrongly(tmp_path: Path) -> None:
    """The comparison bites: a dissector that ignores the exponent of physical values fails it."""
    wrong = tmp_path / "wrong.lua"
    broken = generate().replace("return mantissa / 10 ^ (-exponent)", "return mantissa")
    assert broken != generate()
    wrong.write_text(broken, encoding="utf-8")
    capture = tmp_path / "vectors.pcap"
    write_vector_capture(capture, Generation.V2)
    with pytest.raises(AssertionError, match="decoded"):
        check_capture(capture, "v2", dissector=wrong)


@needs_tshark
def test_a_bad_checksum_is_flagged(tmp_path: Path) -> None:
    good = bytearray(Frame(0x29, 0x41, 0x05).encode())
    good[-2] ^= 0x01
    pdml = run_tshark(_capture_of(tmp_path / "bad.pcap", bytes(good)), "v2")
    names = _field_names(pdml)
    assert "freev2g.checksum.bad" in names
    status = next(e for e in pdml.iter("field") if e.get("name") == "freev2g.checksum.status")
    assert status.get("show", "").startswith("wrong, expected 0x")


@needs_tshark
def test_a_payload_that_does_not_match_its_declaration_is_malformed(tmp_path: Path) -> None:
    not_a_mode = Frame(0x29, 0x40, 0x05, b"\x07").encode()  # Set Mode: 7 is no ControlPilotMode
    extra_byte = Frame(0x29, 0x41, 0x06, b"\x00").encode()  # Get Mode carries no payload
    pdml = run_tshark(_capture_of(tmp_path / "malformed.pcap", not_a_mode, extra_byte), "v2")
    experts = [e.get("showname", "") for e in pdml.iter("field") if e.get("name") == "freev2g.malformed"]
    assert len(experts) == 2
    assert "mode: 7 is not a" in experts[0]
    assert "1 unexpected byte(s)" in experts[1]


@needs_tshark
def test_the_generation_preference_selects_the_declarations(tmp_path: Path) -> None:
    v1_start = Frame(0x27, 0x42, 0x01).encode()  # V2G Start exists in v1 only (manual 2.11)
    capture = _capture_of(tmp_path / "v1-start.pcap", v1_start)
    assert check_capture(capture, "v1") == 1
    names = _field_names(run_tshark(capture, "v2"))
    assert "freev2g.unknown" in names and "freev2g.unknown.payload" in names


@needs_tshark
def test_one_frame_split_over_two_ethernet_frames_is_reassembled(tmp_path: Path) -> None:
    ping = Frame(0x0E, 0x00, 0x07, bytes(range(256)) * 8).encode()  # 2056 bytes: two Ethernet frames
    capture = _capture_of(tmp_path / "split.pcap", ping)
    assert check_capture(capture, "v2") == 1
    frames = tshark_frames(run_tshark(capture, "v2"))
    assert frames[0].packet == 2


@needs_tshark
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_payloads_are_malformed_exactly_where_the_decoder_refuses_them(tmp_path: Path,
                                                                            data: st.DataObject) -> None:
    """Random payloads for declared messages: no Lua error; the dissector flags a frame malformed
    exactly when ``freev2g decode`` refuses it, and agrees on the others."""
    messages = sorted(declared(Generation.V2), key=lambda m: (m.direction is not Direction.HOST, m.module_id, m.sub_id))
    frames = [(m.direction, Frame(m.module_id, m.sub_id, 0xFF if issubclass(m, Status) else 1,
                                  data.draw(st.binary(max_size=24), label=m.title)).encode()) for m in messages]
    capture = tmp_path / "random.pcap"
    with PcapWriter(capture) as writer:
        recorder = Capture(writer, local_mac=HOST_MAC, peer_mac=MODULE_MAC)
        for direction, frame in frames:
            (recorder.sent if direction is Direction.HOST else recorder.received)(frame)
    done = subprocess.run([sys.executable, "-m", "freev2g", "decode", "--json", str(capture)],
                          capture_output=True, text=True, check=False)
    refused = {int(line.split(":")[0].split()[1]) for line in done.stderr.splitlines() if line.startswith("packet ")}
    pdml = run_tshark(capture, "v2")
    malformed = set()
    for packet in pdml.iter("packet"):
        number = int(next(f for f in packet.iter("field") if f.get("name") == "num").get("show", "0"))
        names = {field.get("name") for field in packet.iter("field")}
        assert not any(name and name.startswith("_ws.lua") and name != "_ws.lua.fake" for name in names), number
        if "freev2g.malformed" in names:
            malformed.add(number)
    assert 0 < len(refused) < len(frames)  # both outcomes occur, so the comparison means something
    assert malformed == refused
