"""A demo session logged in process: the log holds every frame as ``freev2g decode --json``
decodes the same session's capture, the session events, and what ``freev2g report`` and
``freev2g plot`` make of it matches the log's own records and the demo's summary."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from freev2g.apps.demo import DemoOptions, DemoSummary, run_demo, summary_lines
from freev2g.cli import main
from freev2g.emulator.station import EVSE_HOST_MAC
from freev2g.hci.modules import Generation
from freev2g.inspection import CaptureSummary, DecodedFrame, decode_capture
from freev2g.pcap import read_packets
from freev2g.sessionlog import SessionLogContents, read_log
from freev2g.sessionlog.analysis import PHASES, figures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Run:
    def __init__(self, directory: Path) -> None:
        self.log_path = directory / "demo.jsonl"
        self.pcap_path = directory / "demo.pcap"
        self.summary: DemoSummary = asyncio.run(run_demo(DemoOptions(
            echo=False, speed=400, log=str(self.log_path), pcap=str(self.pcap_path))))
        self.log: SessionLogContents = read_log(self.log_path)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(tmp_path_factory.mktemp("demo-log"))


def _one(log: SessionLogContents, record_type: str, role: str) -> dict[str, Any]:
    [record] = log.of_type(record_type, role=role)
    return record


def test_the_demo_succeeds_and_every_line_is_a_record(run: Run) -> None:
    assert run.summary.ok
    assert run.log.warnings == []
    lines = run.log_path.read_text().splitlines()
    assert len(lines) == len(run.log.records) > 100
    assert run.log.records[0]["type"] == "log_start" and run.log.records[-1]["type"] == "log_end"
    times = [r["t"] for r in run.log.records]
    assert times == sorted(times)
    assert run.log.roles == ["evse", "ev"]


def test_the_frames_are_those_of_the_capture_decoded_as_freev2g_decode_does(run: Run) -> None:
    """The EVSE host's frames (API v2) in the log and in the pcap of the same run, per direction."""
    decoded = [r for r in decode_capture(read_packets(run.pcap_path), Generation.V2, set(), CaptureSummary())
               if isinstance(r, DecodedFrame) and EVSE_HOST_MAC in (r.src_mac, r.dst_mac)]
    for direction in ("host", "module"):
        captured = [(r.message.title, r.to_json()["fields"]) for r in decoded if r.direction.value == direction]
        logged = [(r["message"], r["fields"]) for r in run.log.of_type("frame", role="evse")
                  if r["direction"] == direction]
        assert logged == captured
        assert len(logged) > 20


def test_the_report_figures_are_the_logs_and_the_demos(run: Run) -> None:
    result = figures(run.log)
    ev, evse = result.roles["ev"], result.roles["evse"]
    ev_end, evse_end = _one(run.log, "session_end", "ev"), _one(run.log, "session_end", "evse")
    demo_ev, demo_evse = run.summary.ev.sessions[0], run.summary.evse.sessions[0]
    assert result.protocol == "ISO 15118-2" == evse_end["protocol"] == ev_end["protocol"]
    assert ev.energy_wh == ev_end["energy_wh"] == pytest.approx(demo_ev.energy_wh, abs=1e-3)
    assert ev.soc_from == ev_end["soc_from"] == pytest.approx(run.summary.ev.soc_from, abs=1e-3)
    assert ev.soc_to == ev_end["soc_to"] == pytest.approx(run.summary.ev.soc_to, abs=1e-3)
    assert ev.duration_s == pytest.approx(demo_ev.duration_s, abs=1e-3)
    assert evse.energy_wh == pytest.approx(demo_evse.energy_wh, abs=1e-3)
    assert evse.peak_power_w == pytest.approx(demo_evse.peak_power_w, abs=0.1)
    assert evse.end == "session stopped" and evse.errors == [] and ev.errors == []
    assert evse.frames == len(run.log.of_type("frame", role="evse"))
    module_reactions = _one(run.log, "module_report", "evse")["reactions"]
    measured = {r.request: r for r in result.reactions if r.source == "evse module"}
    assert {name: r.count for name, r in measured.items()} == {n: f["count"] for n, f in module_reactions.items()}
    assert {name: r.count for name, r in measured.items()} == {
        n: f["count"] for n, f in run.summary.module_report["evse module"]["reactions"].items()}
    assert all(r.deadline_ms is not None and r.worst_ms < r.deadline_ms for r in measured.values())


def test_the_phases_come_in_flow_order_around_their_frames(run: Run) -> None:
    spans = figures(run.log).phases
    assert [s.name for s in spans] == list(PHASES)
    for before, after in itertools.pairwise(spans):
        assert before.start < before.end <= after.start
    titles = {s.name: [r["message"] for r in run.log.of_type("frame") if s.start <= r["t"] <= s.end]
              for s in spans}
    assert "EVSE Cable Check Requested" in titles["cable check"]
    assert "EVSE PreCharge Started" in titles["pre-charge"]
    assert "EV Charging Started" in titles["charge loop"]
    assert "EVSE Welding Detection Started" in titles["welding detection"]


def test_the_report_command_prints_the_demos_figures(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run.log_path)]) == 0
    text = capsys.readouterr().out
    demo = "\n".join(summary_lines(run.summary))
    soc = f"{run.summary.ev.soc_from:.1f} % -> {run.summary.ev.soc_to:.1f} %"
    assert soc in demo and soc in text
    assert "ISO 15118-2" in text and "welding detection" in text and "errors: 0" in text
    assert main(["report", str(run.log_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["roles"]["ev"]["soc_to"] == pytest.approx(run.summary.ev.soc_to, abs=1e-3)


def test_the_plot_command_writes_a_png(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "session.png"
    assert main(["plot", str(run.log_path), "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == PNG_SIGNATURE and png.stat().st_size > 10_000
    assert "written" in capsys.readouterr().out


def test_the_commands_log_report_and_plot_a_demo(tmp_path: Path) -> None:
    log, png = tmp_path / "cli.jsonl", tmp_path / "cli.png"
    command = [sys.executable, "-m", "freev2g"]
    demo = subprocess.run([*command, "demo", "--speed", "400", "--log", str(log)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert demo.returncode == 0, demo.stderr
    soc_line = next(line for line in demo.stdout.splitlines() if line.strip().startswith("SOC"))
    report = subprocess.run([*command, "report", str(log)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert report.returncode == 0 and report.stderr == ""
    assert soc_line.split(None, 1)[1] in report.stdout  # "74.0 % -> 80.7 %" as the demo said
    plot = subprocess.run([*command, "plot", str(log), "-o", str(png)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert plot.returncode == 0, plot.stderr
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    bad = subprocess.run([*command, "demo", "--log", str(tmp_path / "no" / "such" / "dir.jsonl")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--log" in bad.stderr


def test_the_applications_log_their_samples_states_and_sessions(run: Run) -> None:
    charger = run.log.of_type("charger", role="evse")
    battery = run.log.of_type("battery", role="ev")
    assert len(charger) > 10 and len(battery) > 5
    peak = max(r["power"] for r in charger)
    assert peak == pytest.approx(run.summary.evse.sessions[0].peak_power_w, rel=1e-3)
    assert all(r["power"] == pytest.approx(r["voltage"] * r["current"], abs=0.5) for r in charger)  # each rounded
    socs = [r["soc"] for r in battery]
    assert socs == sorted(socs) and run.summary.ev.soc_from <= socs[0] and socs[-1] <= run.summary.ev.soc_to
    states = [r["state"] for r in run.log.of_type("state", role="ev")]
    assert states[:3] == ["cable check", "pre charge", "charging ready"] and states[-1] == "ended"
    for role in ("evse", "ev"):
        assert _one(run.log, "session_start", role)["protocol"] == "ISO 15118-2"
        assert len(run.log.of_type("session_end", role=role)) == 1  # by the application, not again by the demo
