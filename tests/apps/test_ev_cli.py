"""``freev2g ev``: options over the configuration file, one-line errors with status 2, and the exit
status of Ctrl-C / SIGTERM (130 / 143) after a safe end."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest

from freev2g.apps.console import Console
from freev2g.cli import build_parser, main
from freev2g.cli import ev as ev_cli
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import cp, v2g_ev
from tests.apps.ev_fake import FakeEvModule

EXAMPLES = Path(__file__).parents[2] / "examples"


def settings(*argv: str):  # type: ignore[no-untyped-def]
    return ev_cli.settings_from(build_parser().parse_args(["ev", *argv]))


def test_defaults_are_the_seeds() -> None:
    s = settings("-i", "eth0")
    assert s.module_mac == "00:01:01:63:77:31" and s.iface == "eth0"
    assert s.config == EvConfig() and s.shown_config is None and s.session_limit == 1


def test_seed_file_and_command_line_overrides(tmp_path: Path) -> None:
    s = settings("-i", "eth1", "-c", str(EXAMPLES / "ev.json"))
    assert s.module_mac == "00:01:01:63:77:31"
    assert s.shown_config is not None and s.shown_config["battery"]["timestep"] == 10000
    s = settings("-c", str(EXAMPLES / "ev.json"), "-m", "00:01:01:63:77:99", "--sessions", "forever", "-p")
    assert s.module_mac == "00:01:01:63:77:99"  # the command line wins over the file's "mac"
    assert s.session_limit is None and s.config.session.portmirror


def test_bare_c_without_ev_json_uses_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = settings("-c")
    assert s.notes == ("Configuration file ./ev.json not found. Use default configuration.",)
    (tmp_path / "ev.json").write_text(json.dumps({"battery": {"level": 1000}}))
    assert settings("-c").config.battery.level == 1000


@pytest.mark.parametrize(("content", "words"), [
    ('{"battery": {"capasity": 1}}', "ev.json: battery.capasity: unknown key (allowed: timestep, capacity,"),
    ('{"battery": {"max_power": -1}}', "ev.json: battery.max_power: must be > 0 (got -1)"),
    ('{"ev": {"protocols": "din"}}', "ev.json: ev.protocols: "),
    ("{", "ev.json: line 1, column 2: syntax error"),
])
def test_config_errors_are_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  content: str, words: str) -> None:
    path = tmp_path / "ev.json"
    path.write_text(content)
    assert main(["ev", "-i", "lo", "-c", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_missing_named_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ev", "-i", "lo", "-c", str(tmp_path / "none.toml")]) == 2
    assert "none.toml: no such file" in capsys.readouterr().err


def test_bad_option_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ev", "-i", "lo", "--sessions", "0"]) == 2
    assert main(["ev", "-i", "lo", "-m", "nope"]) == 2
    assert "command line: mac: must be a MAC address" in capsys.readouterr().err


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
async def test_signal_mid_session_ends_safely(sig: signal.Signals, status: int) -> None:
    module = FakeEvModule()
    console = Console(echo=False)
    cfg = EvConfig.model_validate({"battery": {"capacity": 50000, "level": 10000}})
    run = asyncio.create_task(ev_cli.main(module, ev_cli.EvSettings(config=cfg), console))
    for _ in range(300):
        await asyncio.sleep(0.01)
        if '"Charging Started" received' in console.lines:
            break
    os.kill(os.getpid(), sig)
    assert await asyncio.wait_for(run, 10) == status
    assert module.sent(v2g_ev.EVStopCharging) and isinstance(module.commands[-1], cp.Stop)
    assert console.lines[-2:] == ["EV loop finished", "Goodbye!"]


def test_unknown_interface_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ev", "-i", "nosuch0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no network interface 'nosuch0'" in err
