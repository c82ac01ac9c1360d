"""Config loader: JSON and TOML into pydantic models; every problem is one line naming file and key."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, field_validator, model_validator

from freev2g.config import ConfigError, ConfigModel, key_path, load_config


class Mode(enum.Enum):
    AC = "ac"
    DC = "dc"


class Battery(ConfigModel):
    capacity: float = Field(gt=0)
    level: float = Field(ge=0)
    full_soc: int = Field(default=100, ge=0, le=100)


class Entry(ConfigModel):
    start: int = Field(ge=0)
    power: float = Field(gt=0)


class Charger(ConfigModel):
    max_current: float = Field(gt=0)
    mode: Mode = Mode.DC
    phases: Literal[1, 3] = 1


class Window(ConfigModel):
    low: float
    high: float

    @model_validator(mode="after")
    def ordered(self) -> Window:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


class Root(ConfigModel):
    name: str = "station"
    battery: Battery | None = None
    charger: Charger | None = None
    schedule: list[Entry] = Field(default_factory=list)
    evse_id: str | None = None
    window: Window | None = None

    @field_validator("evse_id")
    @classmethod
    def star_separated(cls, value: str | None) -> str | None:
        if value is not None and "*" not in value:
            raise ValueError("must be written with '*' separators")
        return value


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path, Root)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def test_loads_toml_and_json_alike(tmp_path: Path) -> None:
    toml = write(tmp_path, "evse.toml", """
name = "bay 1"
[charger]
max_current = 125
mode = "ac"
[[schedule]]
start = 0
power = 11000
""")
    as_json = write(tmp_path, "evse.json", json.dumps({
        "name": "bay 1", "charger": {"max_current": 125, "mode": "ac"},
        "schedule": [{"start": 0, "power": 11000}]}))
    loaded = load_config(toml, Root)
    assert loaded == load_config(as_json, Root)
    assert loaded.charger == Charger(max_current=125.0, mode=Mode.AC)
    assert loaded.schedule == [Entry(start=0, power=11000.0)]


def test_range(tmp_path: Path) -> None:
    path = write(tmp_path, "evse.toml", "[charger]\nmax_current = -5\n")
    assert error_of(path) == "charger.max_current: must be > 0 (got -5)"


def test_unknown_key_lists_the_allowed_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "ev.json", '{"battery": {"capasity": 50000, "capacity": 1, "level": 0}}')
    assert error_of(path) == "battery.capasity: unknown key (allowed: capacity, level, full_soc)"


def test_unknown_key_at_the_top_and_in_a_list(tmp_path: Path) -> None:
    top = write(tmp_path, "a.json", '{"nmae": "x"}')
    assert error_of(top) == "nmae: unknown key (allowed: name, battery, charger, schedule, evse_id, window)"
    in_list = write(tmp_path, "b.json", '{"schedule": [{"start": 0, "power": 1}, {"start": 1, "pwr": 2, "power": 3}]}')
    assert error_of(in_list) == "schedule[1].pwr: unknown key (allowed: start, power)"


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, "ev.toml", '[battery]\ncapacity = "lots"\nlevel = 0\n')
    assert error_of(path) == "battery.capacity: must be a valid number, unable to parse string as a number (got 'lots')"
    table = write(tmp_path, "ev.json", '{"battery": 5}')
    assert error_of(table).startswith("battery: must be a valid dictionary or instance of Battery (got 5)")


def test_choice_names_the_allowed_values(tmp_path: Path) -> None:
    enum_path = write(tmp_path, "e.toml", '[charger]\nmax_current = 1\nmode = "hvdc"\n')
    assert error_of(enum_path) == "charger.mode: must be one of 'ac' or 'dc' (got 'hvdc')"
    literal = write(tmp_path, "l.toml", "[charger]\nmax_current = 1\nphases = 2\n")
    assert error_of(literal) == "charger.phases: must be one of 1 or 3 (got 2)"


def test_missing_key_and_further_problems_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "ev.json", '{"battery": {"level": -1}}')
    assert error_of(path) == "battery.capacity: missing required key (and 1 more problem)"


def test_syntax_errors_give_the_line(tmp_path: Path) -> None:
    bad_json = write(tmp_path, "ev.json", '{\n  "name": "x"\n  "battery": {}\n}\n')
    assert error_of(bad_json) == "line 3, column 3: syntax error: Expecting ',' delimiter"
    bad_toml = write(tmp_path, "evse.toml", 'name = "x"\n[charger\nmax_current = 1\n')
    assert error_of(bad_toml).startswith("line 2, column ")
    assert "syntax error: " in error_of(bad_toml)
    unterminated = write(tmp_path, "end.toml", 'name = "x')
    assert error_of(unterminated).startswith("line 1")


def test_validators_speak_for_themselves(tmp_path: Path) -> None:
    field = write(tmp_path, "a.toml", 'evse_id = "DE-1"\n')
    assert error_of(field) == "evse_id: must be written with '*' separators (got 'DE-1')"
    table = write(tmp_path, "b.toml", "[window]\nlow = 5\nhigh = 1\n")
    assert error_of(table) == "window: low 5 is above high 1"


def test_duplicate_json_key(tmp_path: Path) -> None:
    path = write(tmp_path, "ev.json", '{"name": "a", "name": "b"}')
    assert error_of(path) == "name: duplicate key"


def test_file_problems(tmp_path: Path) -> None:
    assert error_of(tmp_path / "absent.toml") == "no such file"
    assert error_of(write(tmp_path, "ev.yaml", "a: 1")) == "unsupported file type '.yaml' (allowed: .json, .toml)"
    assert error_of(write(tmp_path, "list.json", "[1, 2]")) == "the top level must be an object (got a list)"
    binary = tmp_path / "bin.json"
    binary.write_bytes(b'{"name": "\xff"}')
    assert error_of(binary) == "not UTF-8 text (byte 10)"
    (tmp_path / "dir.json").mkdir()
    assert error_of(tmp_path / "dir.json").startswith("cannot read: ")


def test_key_path() -> None:
    assert key_path(("schedule", 0, "power")) == "schedule[0].power"
    assert key_path(()) == ""


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda key: key not in Root.model_fields))
def test_any_unknown_top_level_key_is_named(tmp_path_factory: pytest.TempPathFactory, key: str) -> None:
    path = tmp_path_factory.mktemp("cfg") / "x.json"
    path.write_text(json.dumps({key: 1}))
    with pytest.raises(ConfigError) as caught:
        load_config(path, Root)
    assert str(caught.value).startswith(f"{path}: {key}: unknown key (allowed: name, ")


@given(st.floats(max_value=0, allow_nan=False, allow_infinity=False))
def test_any_non_positive_capacity_is_out_of_range(tmp_path_factory: pytest.TempPathFactory, value: float) -> None:
    path = tmp_path_factory.mktemp("cfg") / "x.json"
    path.write_text(json.dumps({"battery": {"capacity": value, "level": 0}}))
    with pytest.raises(ConfigError) as caught:
        load_config(path, Root)
    assert str(caught.value) == f"{path}: battery.capacity: must be > 0 (got {value})"
