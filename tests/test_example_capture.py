"""The bundled example capture is current (regenerated from the catalog) and decodes cleanly."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "src/freev2g/data/example-evse-v2.pcap"


def test_bundled_capture_equals_a_fresh_one(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_example_capture", ROOT / "scripts/make_example_capture.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fresh = tmp_path / "fresh.pcap"
    assert script.main(["make_example_capture", str(fresh)]) == 0
    assert fresh.read_bytes() == BUNDLED.read_bytes(), "run: python scripts/make_example_capture.py"


def test_the_bundled_capture_decodes_the_whole_session_without_errors() -> None:
    result = subprocess.run([sys.executable, "-m", "freev2g", "decode", "--json", "--generation", "v2",
                             str(BUNDLED)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    messages = [r["message"] for r in records]
    assert messages[0] == "Get Firmware Version" and "EVSE Session Stopped" in messages
    assert not [r for r in records if r["kind"] == "unknown"]
    assert {r["direction"] for r in records} == {"host", "module"}
    module_mac = "00:01:01:63:77:33"  # the manual's EVSE module: it sends the answers, the host the commands
    assert all((r["src_mac"] == module_mac) == (r["direction"] == "module") for r in records)
    updates = [r for r in records if r["message"] == "EVSE Update DC Charging Parameters"]
    assert max(u["fields"]["present_current"] for u in updates) == 120
