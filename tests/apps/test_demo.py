"""``freev2g demo``: our EVSE and EV applications charge against each other on emulated modules,
for every protocol, mode and API generation; the command line, its summary and its capture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from freev2g.apps.demo import DemoOptions, run_demo, summary_lines

COMBINATIONS = [(protocol, mode, generation) for generation in ("v1", "v2")
                for protocol, mode in (("din", "dc"), ("iso2", "dc"), ("iso2", "ac"))]


@pytest.mark.parametrize(("protocol", "mode", "generation"), COMBINATIONS)
async def test_a_whole_session(protocol: str, mode: str, generation: str) -> None:
    summary = await run_demo(DemoOptions(protocol=protocol, mode=mode, generation=generation, speed=400,
                                         echo=False))
    evse, ev = summary.evse, summary.ev
    assert summary.ok, (evse, ev)
    assert evse.completed_sessions == 1 and len(ev.sessions) == 1
    assert ev.soc_from == pytest.approx(74.0) and 80.0 <= ev.soc_to < 82.0  # the last tick may overshoot
    assert ev.energy_wh == pytest.approx(60_000 * (ev.soc_to - ev.soc_from) / 100, rel=0.01)
    session = evse.sessions[0]
    assert session.peak_power_w > 0 and session.energy_wh > 0
    for lines, role in ((summary.evse_lines, "EVSE"), (summary.ev_lines, "EV")):
        assert lines[0] == f"Welcome to Codico Whitebeet {role} reference implementation"
        assert lines[-2:] == [f"{role} loop finished", "Goodbye!"]
    for module in summary.module_report.values():
        assert module["missed"] == [], module["missed"]
    text = "\n".join(summary_lines(summary))
    assert ("DIN SPEC 70121" if protocol == "din" else "ISO 15118-2") in text and "missed deadlines: 0" in text


def test_the_command_prints_both_consoles_a_summary_and_captures_the_session(tmp_path: Path) -> None:
    pcap = tmp_path / "demo.pcap"
    result = subprocess.run([sys.executable, "-m", "freev2g", "demo", "--speed", "400", "--pcap", str(pcap)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    lines = result.stdout.splitlines()
    assert "[EVSE] Goodbye!" in lines and "[EV]   Goodbye!" in lines
    assert lines.index("Summary") > lines.index("[EVSE] Goodbye!")
    assert any(line.startswith("  SOC               74.0 % -> 80") for line in lines), lines[-15:]
    decoded = subprocess.run([sys.executable, "-m", "freev2g", "decode", "--json", "--generation", "v2",
                              "--module-mac", "00:01:01:63:77:33", "--module-mac", "00:01:01:63:77:31",
                              str(pcap)], capture_output=True, text=True, check=False)
    assert decoded.returncode == 0, decoded.stderr
    records = [json.loads(line) for line in decoded.stdout.splitlines()]
    messages = {record["message"] for record in records}
    assert {"EVSE Session Stopped", "EV Session Stopped", "EVSE Update DC Charging Parameters"} <= messages
    assert not [record for record in records if record["kind"] == "unknown"]


def test_din_has_no_ac() -> None:
    result = subprocess.run([sys.executable, "-m", "freev2g", "demo", "--protocol", "din", "--mode", "ac"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "freev2g: DIN SPEC 70121 has no AC charging: use --mode dc, or --protocol iso2")
