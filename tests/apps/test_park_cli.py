"""``freev2g evse -c park.toml`` on the command line: configuration errors name the connector and
exit 2 before anything runs; options that name one module do not fit a park."""

from __future__ import annotations

from pathlib import Path

import pytest

from freev2g.apps.park import park_connectors
from freev2g.cli import main
from freev2g.cli.park import capture_opener, is_park_file

EXAMPLE = Path(__file__).parents[2] / "examples" / "park.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "park.toml"
    path.write_text(text)
    return path


def test_the_example_is_a_park_file(tmp_path: Path) -> None:
    assert is_park_file(str(EXAMPLE))
    assert not is_park_file(str(write(tmp_path, 'authorization = "always"\n')))
    assert not is_park_file(str(tmp_path / "missing.toml"))


def test_a_bad_connector_value_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, 'authorization = "always"\n[[connectors]]\nname = "a"\ninterface = "eth0"\n'
                           '[[connectors]]\nname = "b"\ninterface = "eth1"\ncharger = { max_current = -1 }\n')
    assert main(["evse", "-c", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"freev2g: {path}: connectors[1].charger.max_current: must be > 0"), err
    assert err.count("\n") == 1


def test_a_connector_without_interface_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, 'authorization = "always"\n[[connectors]]\nname = "a"\n')
    assert main(["evse", "-c", str(path)]) == 2
    assert f"{path}: connectors[0].interface: missing" in capsys.readouterr().err


def test_one_module_options_do_not_fit_a_park(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evse", "-c", str(EXAMPLE), "-i", "eth0"]) == 2
    assert "each connector names its own interface and mac" in capsys.readouterr().err


def test_command_line_sessions_and_authorization_reach_every_connector(tmp_path: Path) -> None:
    from freev2g.cli import build_parser
    from freev2g.cli.park import connectors_from

    args = build_parser().parse_args(["evse", "-c", str(EXAMPLE), "--authorize", "never"])
    connectors = connectors_from(args, 3)
    assert {(c.settings.authorization, c.settings.sessions) for c in connectors} == {("never", 3)}


def test_one_capture_per_connector(tmp_path: Path) -> None:
    (connector, *_) = park_connectors("park.toml", {"authorization": "always", "connectors": [
        {"name": "bay-1", "interface": "lo"}]})
    opener = capture_opener(str(tmp_path / "park.pcap"))
    link = opener(connector)
    assert (tmp_path / "park-bay-1.pcap").exists()
    assert link.description
