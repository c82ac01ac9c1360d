"""The park configuration: connectors inherit the top-level settings, override them table key by
table key, and every error names the connector it is in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from freev2g.apps.park import merged, park_connectors
from freev2g.config import ConfigError
from freev2g.config.loader import read_config_data

EXAMPLE = Path(__file__).parents[2] / "examples" / "park.toml"


def test_example_park_loads_with_its_overrides() -> None:
    connectors = park_connectors("park.toml", read_config_data(EXAMPLE))
    assert [c.name for c in connectors] == ["bay-1", "bay-2", "bay-3-ac"]
    bay1, bay2, bay3 = (c.settings for c in connectors)
    assert (bay1.interface, bay1.mac) == ("eth0", "00:01:01:63:77:33")
    assert bay1.charger.max_current == 125 and bay1.charger.max_power == 50000
    # a table overrides key by key: bay-2 keeps the top-level max_voltage
    assert (bay2.charger.max_current, bay2.charger.max_power, bay2.charger.max_voltage) == (60, 25000, 500)
    assert bay3.protocols == ["iso2"] and bay3.offers_ac and not bay3.offers_dc
    assert bay3.charger.ac_max_current == 32 and bay3.authorization == "always"
    assert connectors[1].source == "park.toml: connectors[1]"


def base(*connectors: dict[str, Any]) -> dict[str, Any]:
    return {"authorization": "always", "charger": {"max_current": 100},
            "connectors": [{"name": "a", "interface": "eth0"}, *connectors]}


def error(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as raised:
        park_connectors("park.toml", data)
    return str(raised.value)


def test_a_bad_value_names_the_connector() -> None:
    message = error(base({"name": "b", "interface": "eth1", "charger": {"max_current": -5}}))
    assert message.startswith("park.toml: connectors[1].charger.max_current: must be > 0"), message


def test_an_unknown_key_names_the_connector() -> None:
    message = error(base({"name": "b", "interface": "eth1", "chargr": {}}))
    assert message.startswith("park.toml: connectors[1].chargr: unknown key"), message


def test_a_top_level_error_is_named_at_the_top() -> None:
    data = base()
    data["charger"] = {"max_current": 0}
    assert error(data).startswith("park.toml: charger.max_current: must be > 0")


@pytest.mark.parametrize(("data", "expected"), [
    ({"connectors": []}, "park.toml: connectors: must be a non-empty list"),
    (base({"interface": "eth1"}), "park.toml: connectors[1].name: missing required key"),
    (base({"name": "a", "interface": "eth1"}), "park.toml: connectors[1].name: two connectors are named 'a'"),
    (base({"name": "b", "interface": "eth0"}), "park.toml: connectors[1].mac: another connector drives"),
    (base("eth1"), "park.toml: connectors[1]: must be a table"),  # type: ignore[arg-type]
    ({"connectors": [{"name": "a"}, {"name": "b"}]},
     "park.toml: connectors[1].authorization: prompt is allowed on one connector only"),
])
def test_problems_between_connectors(data: dict[str, Any], expected: str) -> None:
    assert error(data).startswith(expected)


def test_command_line_overrides_apply_to_every_connector() -> None:
    connectors = park_connectors("park.toml", base({"name": "b", "interface": "eth1", "sessions": 3}),
                                 {"sessions": 2})
    assert [c.settings.sessions for c in connectors] == [2, 2]


def test_merge_is_deep_for_tables_only() -> None:
    assert merged({"t": {"a": 1, "b": 2}, "l": [1, 2]}, {"t": {"b": 3}, "l": [9]}) == \
        {"t": {"a": 1, "b": 3}, "l": [9]}
