"""The EVSE configuration file: the examples load, every problem is one line naming the file and
the key, and the command line turns it into exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from freev2g.apps.evse.v1 import check_v1_settings
from freev2g.cli import main
from freev2g.config import ConfigError, load_config, validate_config
from freev2g.config.evse_schema import EvseSettings
from freev2g.hci.catalog.v2g_types import EnergyTransferMode

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize("name", ["evse.json", "evse.toml"])
def test_example_files_load(name: str) -> None:
    settings = load_config(EXAMPLES / name, EvseSettings)
    assert settings.modes
    assert settings.schedules[0].entries[0].start == 0


def test_json_example_is_the_seed_station() -> None:
    settings = load_config(EXAMPLES / "evse.json", EvseSettings)
    assert (settings.charger.max_voltage, settings.charger.max_current, settings.charger.max_power) == (400, 100, 25000)
    assert [e.max_power for e in settings.schedules[0].entries] == [25000, 18750, 12500]
    assert settings.modes == [EnergyTransferMode.DC_EXTENDED]


def test_toml_example_differs_where_it_says() -> None:
    settings = load_config(EXAMPLES / "evse.toml", EvseSettings)
    assert settings.sessions == "forever"
    assert settings.authorization == "always"
    assert settings.offers_ac and settings.offers_dc


def test_defaults_are_the_seeds() -> None:
    settings = EvseSettings()
    assert settings.mac == "00:01:01:63:77:33"
    assert settings.evse_id.iso == "DE*ABC*E*00001*01"
    assert settings.authorization == "prompt" and settings.sessions == 1
    assert [(e.start, e.interval) for e in settings.schedules[0].entries] == [
        (0, 65535), (65535, 65535), (131070, 41730)]


@pytest.mark.parametrize(("data", "message"), [
    ({"charger": {"max_current": -5}}, "evse.json: charger.max_current: must be > 0 (got -5)"),
    ({"protocls": ["din"]}, "evse.json: protocls: unknown key (allowed: mac, interface, evse_id, protocols,"),
    ({"protocols": ["iso20"]}, "evse.json: protocols[0]: must be one of 'din' or 'iso2' (got 'iso20')"),
    ({"energy_transfer_modes": ["dc_x"]}, "evse.json: energy_transfer_modes[0]: must be one of dc_core,"),
    ({"energy_transfer_modes": [7]}, "evse.json: energy_transfer_modes[0]: must be 0-5 or a name (got 7)"),
    ({"authorization": "maybe"}, "evse.json: authorization: must be prompt, always, never or allowlist:FILE"),
    ({"sessions": 0}, "evse.json: sessions: must be a number >= 1 or \"forever\" (got 0)"),
    ({"sdp": {"unsecure_port": 80}}, "evse.json: sdp.unsecure_port: must be >= 49152 (got 80)"),
    ({"evse_id": {"din": "x" * 33}}, "evse.json: evse_id.din: string should have at most 32 characters"),
    ({"schedules": [{"id": 1, "entries": [{"start": 5, "interval": 1, "max_power": 1}]}]},
     "evse.json: schedules[0]: the first entry must start at 0"),
    ({"payment_options": ["contract"]}, "evse.json: payment_options must contain eim"),
    ({"charger": {"max_power": "lots"}}, "evse.json: charger.max_power: must be a valid number"),
])
def test_problems_are_one_line_naming_file_and_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        validate_config("evse.json", data, EvseSettings)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_din_with_ac_is_refused_for_v1_firmware_only() -> None:
    settings = validate_config("evse.json", {"energy_transfer_modes": ["dc_extended", "ac_single_phase"]},
                               EvseSettings)
    with pytest.raises(ConfigError, match=r"evse.json: energy_transfer_modes: with din among the protocols"):
        check_v1_settings(settings, "evse.json")
    iso_only = validate_config("evse.json", {"protocols": ["iso2"], "energy_transfer_modes": [1, 4]},
                               EvseSettings)
    check_v1_settings(iso_only, "evse.json")


def test_cli_config_error_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evse.json"
    config.write_text(json.dumps({"charger": {"max_voltage": 5000}}))
    assert main(["evse", "-i", "lo", "-c", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"freev2g: {config}: charger.max_voltage: must be <= 1500 (got 5000)"


def test_cli_syntax_error_and_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evse.toml"
    config.write_text("mac = \n")
    assert main(["evse", "-i", "lo", "-c", str(config)]) == 2
    assert "evse.toml: line 1" in capsys.readouterr().err
    assert main(["evse", "-i", "lo", "-c", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.strip().endswith("none.json: no such file")


def test_cli_missing_allow_list_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evse", "-i", "lo", "--authorize", f"allowlist:{tmp_path}/ids.txt"]) == 2
    assert "allow list: cannot read" in capsys.readouterr().err


def test_cli_bad_sessions_and_authorize(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evse", "-i", "lo", "--sessions", "many"]) == 2
    assert "--sessions 'many'" in capsys.readouterr().err
    assert main(["evse", "-i", "lo", "--authorize", "perhaps"]) == 2
    assert "command line: authorization: must be prompt" in capsys.readouterr().err
