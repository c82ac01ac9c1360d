"""The log file itself: flushed line by line while open, readable after a crash mid-line, and
``freev2g report`` / ``freev2g plot`` on bad or partial logs."""

from __future__ import annotations

import asyncio
import enum
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from freev2g.cli import main
from freev2g.sessionlog import LogError, SessionLog, events, read_log


class Colour(enum.Enum):
    RED = "red"


def _lines(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as reader:  # a second handle, as another process would read
        return [json.loads(line) for line in reader.read().splitlines()]


def test_each_record_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    ticks = iter([10.0, 10.0, 10.5, 12.25, 13.0])
    log = SessionLog(path, clock=lambda: next(ticks))
    try:
        assert [r["type"] for r in _lines(path)] == ["log_start"]
        log.for_role("evse").write("state", state="cable check")
        assert _lines(path)[-1] == {"t": 0.5, "type": "state", "role": "evse", "state": "cable check"}
        log.write("note", colour=Colour.RED, raw=b"\x01\x02", where=tmp_path)
        assert _lines(path)[-1] == {"t": 2.25, "type": "note", "colour": "red", "raw": "0102",
                                    "where": str(tmp_path)}
    finally:
        log.close()
    assert _lines(path)[-1] == {"t": 3.0, "type": "log_end", "records": 4}
    log.write("late", x=1)  # after the end: ignored, not an error
    assert len(_lines(path)) == 4


def test_a_line_cut_short_by_a_crash_is_dropped_with_a_warning(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "crashed.jsonl"
    with SessionLog(path) as log:
        log.for_role("ev").write("battery", soc=75.5, voltage=None, current=None)
        log.for_role("ev").write("session_end", soc_from=74.0, soc_to=80.0, energy_wh=3600.0)
    text = path.read_text()
    path.write_text(text[: text.rindex('{"t"') + 17])  # the log_end line, half written
    contents = read_log(path)
    assert [r["type"] for r in contents.records] == ["log_start", "battery", "session_end"]
    [warning] = contents.warnings
    assert "line 4" in warning and "cut short" in warning
    assert main(["report", str(path)]) == 0
    captured = capsys.readouterr()
    assert "74.0 % -> 80.0 %" in captured.out and "3.600 kWh" in captured.out
    assert captured.err.count("\n") == 1 and "warning" in captured.err and "cut short" in captured.err


def test_a_bad_line_within_the_log_is_a_warning_and_an_empty_log_an_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"t": 0, "type": "log_start"}\n[1, 2]\n{"t": 1, "type": "log_end"}\n')
    contents = read_log(path)
    assert len(contents.records) == 2 and "line 2" in contents.warnings[0]
    assert "not a session log record" in contents.warnings[0]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(LogError, match="no session log records"):
        read_log(empty)
    with pytest.raises(LogError, match="no such file"):
        read_log(tmp_path / "missing.jsonl")


def test_report_and_plot_of_a_missing_log_fail_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["report"], ["plot", "-o", str(tmp_path / "x.png")]):
        assert main([*command, str(tmp_path / "missing.jsonl")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "no such file" in err


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.jsonl"
    SessionLog(path).close()
    real = importlib.import_module

    def without_matplotlib(name: str, package: str | None = None) -> Any:
        if name.split(".")[0] == "matplotlib":
            raise ImportError(f"No module named {name!r}")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_matplotlib)
    assert main(["plot", str(path), "-o", str(tmp_path / "s.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'freev2g[plot]'" in err
    assert not (tmp_path / "s.png").exists()


async def test_events_go_to_the_log_of_the_task_that_emits_them(tmp_path: Path) -> None:
    path = tmp_path / "roles.jsonl"
    with SessionLog(path) as log:
        events.state("nowhere")  # no log chosen: nothing happens
        assert not events.active()

        async def app(name: str) -> None:
            await asyncio.sleep(0)
            events.state(name)
            events.charger(400.0, 50.0)
            events.battery(74.25)

        tasks = []
        for role in ("evse", "ev"):
            with events.recording(log.for_role(role)):
                tasks.append(asyncio.create_task(app(role)))
        assert not events.active()
        await asyncio.gather(*tasks)
    records = [r for r in _lines(path) if r["type"] not in ("log_start", "log_end")]
    assert {(r["role"], r["state"]) for r in records if r["type"] == "state"} == {("evse", "evse"), ("ev", "ev")}
    assert [r["power"] for r in records if r["type"] == "charger"] == [20000.0, 20000.0]
    assert {r["soc"] for r in records if r["type"] == "battery"} == {74.25}
