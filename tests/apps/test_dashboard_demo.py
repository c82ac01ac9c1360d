"""``freev2g demo --dashboard``: the view follows both applications through the whole session
(plain lines here: the output is not a terminal); without rich the command says how to install."""

from __future__ import annotations

import asyncio
import builtins
import re
from typing import Any

import pytest

from freev2g.apps.demo import DemoOptions, run_demo
from freev2g.cli import main

STATUS = re.compile(r"^\[(EVSE|EV)\] ([a-zA-Z -]+): (.*), SOC (\S+)(?: %)? -> 80 %, (\S+) kWh$")


def test_demo_dashboard_follows_both_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    summary = asyncio.run(run_demo(DemoOptions(dashboard=True, speed=100)))
    assert summary.ok
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # not a terminal: plain lines
    statuses = [STATUS.match(line) for line in out.splitlines()]
    seen = [(m.group(1), m.group(2)) for m in statuses if m]
    for role in ("EVSE", "EV"):
        states = [state for who, state in seen if who == role]
        assert "charging" in states and states[-1] == "finished", states
        assert states.index("charging") < states.index("finished")
    finals = {m.group(1): m for m in statuses if m}
    for role in ("EVSE", "EV"):
        soc = float(finals[role].group(4))
        assert 79 <= soc <= 81
        energy_kwh = float(finals[role].group(5))
        assert energy_kwh == pytest.approx(summary.ev.energy_wh / 1000, rel=0.15)
    assert '[EVSE] "Session stopped" received' in out  # the session lines still print


def test_dashboard_without_rich_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    real_import = builtins.__import__

    def no_rich(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rich" or name.startswith("rich."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rich)
    assert main(["demo", "--dashboard"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "freev2g: --dashboard needs the rich library: pip install 'freev2g[dashboard]'\n"
    assert captured.out == ""
