"""The generated Wireshark dissector: the shipped file is the generated one, and tshark with it reads
captures exactly as ``freev2g decode`` does (the bundled example and captures of every example
frame of the manuals, both generations). tshark is installed by ``.ci/run``; a skip under CI fails
the run (tests/conftest.py), so these tests cannot be skipped silently there.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
from importlib import resources
from pathlib import Path

import pytest

import tests.catalog
from freev2g.cli import main
from freev2g.hci.ethernet import HciEthernetFrame, parse_mac
from freev2g.hci.frame import Frame
from freev2g.hci.modules import Direction, Generation
from freev2g.pcap import PcapWriter
from freev2g.transport.capture import HOST_MAC, MODULE_MAC, Capture
from freev2g.wireshark import generate, shipped_path
from tests.vectors import Vector, frame_bytes
from tests.wireshark.tshark_check import check_capture

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
    from freev2g.hci.message import declared

    source = generate()
    for generation in Generation:
        for message in declared(generation):
            assert f'title = "{message.title}"' in source, message.title


def test_the_vectors_cover_every_module_of_both_generations() -> None:
    from freev2g.hci.message import declared

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
