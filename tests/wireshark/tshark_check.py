"""Checks that tshark with the generated dissector reads a capture exactly as ``freev2g decode`` does.

:func:`check_capture` takes any pcap or pcapng path: it runs ``tshark -X lua_script:... -T pdml``
and ``freev2g decode --json`` on it and asserts that every HCI frame is named, that nothing is
malformed (no Lua error, no expert error), and that each frame's module, sub-ID, request ID,
direction, kind, message name and field values equal the decoder's.

The PDML tree maps to the decoder's JSON without knowing the catalog: a field's key is the last
part of its filter name (``freev2g.<file>.<struct>.<field>``); prefixes (count, length, presence
bytes) are skipped; a list's or a record's items are its children; ``freev2g.absent`` marks a
field that is absent (JSON ``null``).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freev2g.wireshark import shipped_path

PREFIXES = {"freev2g.count", "freev2g.length", "freev2g.presence"}
BAD_EXPERTS = ("freev2g.malformed", "freev2g.checksum.bad", "freev2g.framing")
ERROR_SEVERITY = str(0x00800000)
ENUM_LABEL = re.compile(r": (\S+) \(-?\d+\)$")


@dataclass(frozen=True)
class TsharkFrame:
    packet: int
    element: ET.Element

    def child(self, name: str) -> ET.Element:
        found = self.element.find(f"field[@name='{name}']")
        assert found is not None, f"packet {self.packet}: HCI frame without {name}"
        return found


def run_tshark(capture: Path, generation: str, module_macs: tuple[str, ...] = (),
               dissector: Path | None = None) -> ET.Element:
    command = ["tshark", "-n", "-X", f"lua_script:{dissector or shipped_path()}", "-r", str(capture),
               "-T", "pdml", "-o", f"freev2g.generation:{generation}"]
    if module_macs:
        command += ["-o", f"freev2g.module_macs:{','.join(module_macs)}"]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=300, check=False)
    errors = [line for line in done.stderr.splitlines() if line.strip() and "Running as user" not in line]
    assert done.returncode == 0 and not errors, f"tshark failed ({done.returncode}): {done.stderr}"
    return ET.fromstring(done.stdout)


def run_decode(capture: Path, generation: str, module_macs: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "freev2g", "decode", "--json", "--generation", generation, str(capture)]
    for mac in module_macs:
        command += ["--module-mac", mac]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, f"freev2g decode failed ({done.returncode}): {done.stderr}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def tshark_frames(pdml: ET.Element) -> list[TsharkFrame]:
    """Every HCI frame of the capture in order; asserts no packet shows an error."""
    frames = []
    for packet in pdml.iter("packet"):
        number_field = packet.find("proto[@name='geninfo']/field[@name='num']")
        assert number_field is not None
        number = int(number_field.get("show", "0"))
        for element in packet.iter("field"):
            name = element.get("name", "")
            lua_error = name.startswith("_ws.lua") and name != "_ws.lua.fake"  # the fake item is benign
            assert not lua_error and not name.startswith("_ws.malformed"), f"packet {number}: {element.get('showname')}"
            assert "Lua Error" not in element.get("showname", ""), f"packet {number}: {element.get('showname')}"
            assert name not in BAD_EXPERTS, f"packet {number}: {name}: {element.get('showname')}"
            if name == "_ws.expert.severity":
                assert element.get("show") != ERROR_SEVERITY, f"packet {number}: expert error"
        for proto in packet.iter("proto"):
            assert not proto.get("name", "").startswith("_ws.malformed"), f"packet {number}: malformed"
            if proto.get("name") == "freev2g":
                frames += [TsharkFrame(number, element) for element in proto.findall("field[@name='freev2g.frame']")]
    return frames


def _key(element: ET.Element) -> str:
    name = element.get("name", "")
    if name == "freev2g.absent":
        return element.get("show", "")
    if name == "freev2g.unknown.payload":
        return "payload"
    return name.rsplit(".", 1)[-1]


def _children(element: ET.Element) -> list[ET.Element]:
    # Expert items (a rejected command's note) are checked for errors by tshark_frames.
    return [child for child in element.findall("field")
            if child.get("name") not in PREFIXES and not child.get("name", "").startswith("_ws.")]


def _compare_struct(expected: dict[str, Any], element: ET.Element, where: str) -> None:
    children = {_key(child): child for child in _children(element)}
    for key, value in expected.items():
        child = children.pop(key, None)
        if value is None:
            assert child is None or child.get("name") == "freev2g.absent", f"{where}.{key}: shown but absent"
            continue
        assert child is not None and child.get("name") != "freev2g.absent", f"{where}.{key}: missing in tshark"
        if key == "result" and child.get("name") == "freev2g.result":
            code = int(child.get("show", ""), 16)
            assert value == "OK" if code == 0 else value.startswith(f"0x{code:02X} "), f"{where}.result"
            continue
        _compare_value(value, child, f"{where}.{key}")
    extra = [key for key, child in children.items() if child.get("name") != "freev2g.absent"]
    assert not extra, f"{where}: tshark shows fields the decoder does not: {extra}"


def _compare_value(expected: Any, element: ET.Element, where: str) -> None:
    show = element.get("show", "")
    if isinstance(expected, dict):
        _compare_struct(expected, element, where)
    elif isinstance(expected, list):
        items = _children(element)
        assert len(items) == len(expected), f"{where}: {len(items)} items in tshark, {len(expected)} decoded"
        for index, (value, item) in enumerate(zip(expected, items, strict=True)):
            _compare_value(value, item, f"{where}[{index}]")
    elif isinstance(expected, bool):
        assert show in ("0", "1") and (show == "1") == expected, f"{where}: tshark {show!r}, decoded {expected}"
    elif isinstance(expected, int | float):
        assert math.isclose(float(show), expected, rel_tol=1e-12, abs_tol=1e-12), \
            f"{where}: tshark {show!r}, decoded {expected}"
    else:
        label = ENUM_LABEL.search(element.get("showname", ""))
        candidates = {show, element.get("value", ""), label.group(1) if label else None}
        assert expected in candidates, f"{where}: tshark {show!r} ({element.get('showname')}), decoded {expected!r}"


def check_capture(capture: str | Path, generation: str = "v2", module_macs: tuple[str, ...] = (),
                  dissector: Path | None = None, undeclared_ok: frozenset[tuple[int, int]] = frozenset()) -> int:
    """Assert tshark and ``freev2g decode --json`` agree on ``capture``; returns the frame count.

    Every frame must be a message declared for ``generation`` except the (module ID, sub-ID)
    pairs of ``undeclared_ok``, which both must still show alike (as their raw payload).
    """
    capture = Path(capture)
    decoded = run_decode(capture, generation, module_macs)
    frames = tshark_frames(run_tshark(capture, generation, module_macs, dissector))
    assert len(frames) == len(decoded), f"tshark shows {len(frames)} HCI frames, decode {len(decoded)}"
    for frame, record in zip(frames, decoded, strict=True):
        where = f"packet {frame.packet} ({record['message']})"
        assert record["source"] == f"packet {frame.packet}", f"{where}: decoded in {record['source']}"
        assert int(frame.child("freev2g.module").get("show", ""), 16) == record["module_id"], where
        assert int(frame.child("freev2g.sub_id").get("show", ""), 16) == record["sub_id"], where
        assert int(frame.child("freev2g.request_id").get("show", ""), 16) == record["request_id"], where
        assert frame.child("freev2g.direction").get("show") == record["direction"], where
        assert frame.child("freev2g.generation").get("show") == record["generation"], where
        assert frame.child("freev2g.kind").get("show") == record["kind"], where
        message = frame.child("freev2g.message")
        assert message.get("show") == record["message"], f"{where}: tshark names it {message.get('show')!r}"
        undeclared = record["message"].startswith("unknown message")
        assert not undeclared or (record["module_id"], record["sub_id"]) in undeclared_ok, f"{where}: not declared"
        assert frame.child("freev2g.checksum.status").get("show") in ("correct", "not computed"), where
        _compare_struct(record["fields"], message, where)
    return len(frames)
