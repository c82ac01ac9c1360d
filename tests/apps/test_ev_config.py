"""The EV configuration file: the seed's ev.json unchanged, TOML, and one-line errors naming the
file, the key and the rule (issue 5 item 4; v1-api §4.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from freev2g.config import ConfigError
from freev2g.config.ev_schema import EvConfig, load_ev_config

EXAMPLES = Path(__file__).parents[2] / "examples"

SEED_EV_JSON = {  # the seed's ev.json, every key as v1-api §4.5 lists it
    "mac": "00:01:01:63:77:31",
    "ev": {"evid": "00:01:01:63:77:31", "protocol_count": 2, "protocols": [0, 1], "payment_method_count": 1,
           "payment_method": [0], "energy_transfer_mode_count": 2, "energy_transfer_mode": [0, 4]},
    "battery": {"timestep": 10000, "capacity": 50000, "level": 49000, "full_soc": 100, "bulk_soc": 80,
                "max_current": 100, "max_power": 12000, "max_voltage": 300, "target_current": 40,
                "target_voltage": 200, "target_voltage_delta": 10, "max_current_AC": 0, "max_voltage_AC": 0,
                "min_current_AC": 0},
}


def write(tmp_path: Path, data: object, name: str = "ev.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else str(data))
    return path


def test_the_example_ev_json_is_the_seed_file() -> None:
    assert json.loads((EXAMPLES / "ev.json").read_text()) == SEED_EV_JSON


@pytest.mark.parametrize("name", ["ev.json", "ev.toml"])
def test_examples_load(name: str) -> None:
    config = load_ev_config(EXAMPLES / name)
    battery = config.battery_config()
    assert 0 <= battery.initial_soc < battery.target_soc <= 100


def test_seed_file_means_what_it_meant(tmp_path: Path) -> None:
    config = load_ev_config(write(tmp_path, SEED_EV_JSON))
    battery = config.battery_config()
    assert config.mac == "00:01:01:63:77:31"
    assert config.ev.has_dc and config.ev.has_ac
    assert battery.initial_soc == 98.0  # level 49000 of 50000 Wh
    assert battery.target_soc == battery.full_soc == 100  # the seed stopped at full_soc
    assert battery.charge_current == 40
    assert battery.voltage_empty == battery.voltage_full == 200  # a constant target voltage
    assert config.battery.timestep == 10000


def test_empty_file_is_the_seed_defaults(tmp_path: Path) -> None:
    config = load_ev_config(write(tmp_path, {}))
    assert config == EvConfig()
    assert config.battery.target_current == 50 and config.battery.timestep == 1000  # seed built-ins


@pytest.mark.parametrize(("change", "key", "words"), [
    ({"battery": {"capasity": 1}}, "battery.capasity", "unknown key (allowed: timestep, capacity"),
    ({"battery": {"capacity": "big"}}, "battery.capacity", "number"),
    ({"battery": {"full_soc": 120}}, "battery.full_soc", "must be <= 100 (got 120)"),
    ({"ev": {"protocols": [0, 2]}}, "ev.protocols[1]", "must be one of"),
    ({"ev": {"energy_transfer_mode": [6]}}, "ev.energy_transfer_mode[0]", "must be <= 5"),
    ({"ev": {"protocol_count": 1}}, "ev", "protocol_count is 1 but protocols has 2 entries"),
    ({"battery": {"level": 60000}}, "battery", "level 60000 Wh is above the capacity 50000 Wh"),
    ({"charging": {"target_soc": 0}}, "charging.target_soc", "must be > 0"),
    ({"session": {"sessions": 0}}, "session", "at least 1"),
    ({"mac": "00:01"}, "mac", "MAC address"),
    ({"extra": 1}, "extra", "unknown key (allowed: mac, ev, battery, charging, session)"),
])
def test_errors_name_file_key_and_rule(tmp_path: Path, change: dict[str, object], key: str, words: str) -> None:
    data = json.loads(json.dumps(SEED_EV_JSON))
    for section, values in change.items():
        if isinstance(values, dict):
            data.setdefault(section, {}).update(values)
        else:
            data[section] = values
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as error:
        load_ev_config(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message


def test_toml_errors_too(tmp_path: Path) -> None:
    path = write(tmp_path, "[battery]\nmax_voltage = -1\n", "ev.toml")
    with pytest.raises(ConfigError, match=r"ev\.toml: battery\.max_voltage: must be > 0 \(got -1\)"):
        load_ev_config(path)


def test_overrides_are_validated() -> None:
    assert EvConfig().with_overrides(**{"session.sessions": "forever"}).session.sessions == "forever"
    with pytest.raises(ConfigError, match="command line: mac"):
        EvConfig().with_overrides(mac="nope")
