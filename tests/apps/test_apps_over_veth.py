"""Our EVSE and EV applications against ``freev2g emulate`` in another process, over a veth pair
between two network namespaces: every protocol, mode and API generation, one process each, as a
user runs them (issue 5). Root, never skipped under CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from freev2g.netns import VethPair, ip
from tests.emulator.test_emulate_veth import emulate, finish, wait_until_ready

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
    assert status == 0 and "Session 1 ended: stopped" in emulated and " kWh" in emulated, emulated


@pytest.fixture
def two_cables() -> Iterator[tuple[str, str, str]]:
    """Namespaces for the emulator, an EVSE host and an EV host, joined by two veth pairs:
    evse-host <-> evse-mod and ev-host <-> ev-mod, both module ends in the emulator's."""
    tag = f"{os.getpid()}"
    names = (f"fv2g-emu-{tag}", f"fv2g-evse-{tag}", f"fv2g-ev-{tag}")
    emulator_ns, evse_ns, ev_ns = names
    try:
        for namespace in names:
            ip("netns", "add", namespace)
        for host_ns, host_if, module_if, mac in ((evse_ns, "evse-host", "evse-mod", "00:01:01:63:77:33"),
                                                  (ev_ns, "ev-host", "ev-mod", "00:01:01:63:77:31")):
            ip("link", "add", "name", host_if, "netns", host_ns, "type", "veth",
               "peer", "name", module_if, "netns", emulator_ns, "address", mac)
            ip("-n", host_ns, "link", "set", host_if, "up")
            ip("-n", emulator_ns, "link", "set", module_if, "up")
        yield names
    finally:
        for namespace in names:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, check=False)


def test_our_evse_and_our_ev_charge_against_each_other_through_two_emulated_modules(
        two_cables: tuple[str, str, str], tmp_path: Path) -> None:
    emulator_ns, evse_ns, ev_ns = two_cables
    config = tmp_path / "ev.toml"
    config.write_text("[ev]\nenergy_transfer_mode = [1]\n[battery]\ncapacity = 2000\nlevel = 1480\n"
                      "[charging]\ntarget_soc = 76\n")
    emulator = subprocess.Popen(
        ["ip", "netns", "exec", emulator_ns, sys.executable, "-m", "freev2g", "emulate",
         "--evse-interface", "evse-mod", "--ev-interface", "ev-mod", "--sessions", "1"],
        stdout=subprocess.PIPE, stderr=(tmp_path / "emulate.err").open("w"), text=True)
    try:
        wait_until_ready(emulator)
        evse_log = (tmp_path / "evse.out").open("w+")  # a file: a full pipe would stall the application
        evse = subprocess.Popen(["ip", "netns", "exec", evse_ns, sys.executable, "-m", "freev2g", "evse",
                                 "-i", "evse-host", "--authorize", "always"],
                                stdout=evse_log, stderr=subprocess.STDOUT, text=True)
        ev = subprocess.run(["ip", "netns", "exec", ev_ns, sys.executable, "-m", "freev2g", "ev",
                             "-i", "ev-host", "-c", str(config)],
                            capture_output=True, text=True, check=False, timeout=120)
        evse.wait(timeout=60)
        evse_log.seek(0)
        evse_out, evse_err = evse_log.read(), ""
        emulated, _ = emulator.communicate(timeout=30)
        assert emulator.returncode == 0, (tmp_path / "emulate.err").read_text()[-3000:]
    finally:
        for process in (emulator,):
            if process.poll() is None:
                process.kill()
    assert ev.returncode == 0, ev.stdout[-3000:] + ev.stderr
    assert evse.returncode == 0, evse_out[-3000:] + evse_err
    assert evse_out.splitlines()[-2:] == ["EVSE loop finished", "Goodbye!"]
    assert ev.stdout.splitlines()[-2:] == ["EV loop finished", "Goodbye!"]
    assert "Session 1 ended" in emulated and emulator.returncode == 0
