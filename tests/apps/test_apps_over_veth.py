"""Our EVSE and EV applications against ``freev2g emulate`` in another process, over a veth pair
between two network namespaces: every protocol, mode and API generation, one process each, as a
user runs them (issue 5). Root, never skipped under CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from freev2g.netns import VethPair
from tests.emulator.test_emulate_veth import emulate, finish

pytestmark = pytest.mark.root

EVSE_FIRMWARE = {"v1": "V01_01_06", "v2": "V02_00_01"}
EV_FIRMWARE = {"v1": "V01_00_05", "v2": "V01_00_06"}
COMBINATIONS = [(generation, protocol, mode) for generation in ("v1", "v2")
                for protocol, mode in (("din", "dc"), ("iso2", "dc"), ("iso2", "ac"))]
EVSE_MODES = {"dc": "dc_extended", "ac": "ac_three_phase"}


def app(veth: VethPair, role: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = ["ip", "netns", "exec", veth.host_ns, sys.executable, "-m", "freev2g", role,
               "-i", veth.host_if, "-m", veth.module_mac, *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize(("generation", "protocol", "mode"), COMBINATIONS)
def test_our_evse_against_the_emulated_evse_module_with_a_simulated_car(
        veth: VethPair, tmp_path: Path, generation: str, protocol: str, mode: str) -> None:
    config = tmp_path / "evse.toml"
    config.write_text(f'protocols = ["{protocol}"]\nenergy_transfer_modes = ["{EVSE_MODES[mode]}"]\n')
    report = tmp_path / "report.json"
    with emulate(veth, "--role", "evse", "--mac", veth.module_mac, "--firmware", EVSE_FIRMWARE[generation],
                 "--protocol", protocol, "--mode", mode, "--charge-time", "1", "--plug-in-delay", "0.5",
                 "--sessions", "1", "--report", str(report)) as emulator:
        result = app(veth, "evse", "-c", str(config), "--authorize", "always")
        status, emulated, _ = finish(emulator)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert lines[-2:] == ["EVSE loop finished", "Goodbye!"]
    assert status == 0 and "Session 1 ended: stopped" in emulated, emulated
    figures = json.loads(report.read_text())["modules"]["evse module"]
    assert figures["missed"] == [], figures["missed"]
    if generation == "v1":
        assert '"Request Charge Loop Parameters" received' in lines or mode == "ac"
        assert '"Session stopped" received' in lines


@pytest.mark.parametrize(("generation", "protocol", "mode"), COMBINATIONS)
def test_our_ev_against_the_emulated_ev_module_with_a_simulated_charger(
        veth: VethPair, tmp_path: Path, generation: str, protocol: str, mode: str) -> None:
    config = tmp_path / "ev.toml"
    config.write_text("\n".join([
        "[ev]", f"protocols = [{0 if protocol == 'din' else 1}]",
        f"energy_transfer_mode = [{1 if mode == 'dc' else 5}]",
        "[battery]", "capacity = 2000", "level = 1480", "max_voltage = 420", "max_power = 50000",
        "max_current = 125", "target_current = 100", "target_voltage = 380",
        "max_current_AC = 16", "max_voltage_AC = 250", "min_current_AC = 6",
        "[charging]", "target_soc = 76", ""]))
    with emulate(veth, "--role", "ev", "--mac", veth.module_mac, "--firmware", EV_FIRMWARE[generation],
                 "--sessions", "1") as emulator:
        result = app(veth, "ev", "-c", str(config))
        status, emulated, _ = finish(emulator)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert '"Session Stopped" received' in lines
    assert status == 0 and "Session 1 ended" in emulated, emulated
