"""``freev2g evse --dashboard`` and ``freev2g ev --dashboard`` against ``freev2g emulate`` over a
veth pair: the session runs as without the option and the plain status lines (the output is a
pipe) follow it to the end with voltage, current, power and SOC. Root, never skipped under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from freev2g.netns import VethPair
from tests.apps.test_apps_over_veth import app
from tests.emulator.test_emulate_veth import emulate, finish

pytestmark = pytest.mark.root


def status_lines(stdout: str, role: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"[{role}] ") and line.endswith(" kWh")]


def test_evse_dashboard(veth: VethPair, tmp_path: Path) -> None:
    with emulate(veth, "--role", "evse", "--mac", veth.module_mac, "--firmware", "V02_00_01",
                 "--protocol", "iso2", "--mode", "dc", "--charge-time", "1", "--plug-in-delay", "0.5",
                 "--sessions", "1") as emulator:
        result = app(veth, "evse", "--authorize", "always", "--dashboard")
        status, emulated, _ = finish(emulator)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert status == 0 and "Session 1 ended: stopped" in emulated
    statuses = status_lines(result.stdout, "EVSE")
    charging = [line for line in statuses if line.startswith("[EVSE] charging: ")]
    assert charging and " kW, SOC " in charging[-1] and "SOC - " not in charging[-1], statuses
    assert statuses[-1].startswith("[EVSE] finished: ")
    assert "EVSE loop finished" in result.stdout.splitlines()


def test_ev_dashboard(veth: VethPair, tmp_path: Path) -> None:
    config = tmp_path / "ev.toml"
    config.write_text("[ev]\nenergy_transfer_mode = [1]\n[battery]\ncapacity = 2000\nlevel = 1480\n"
                      "[charging]\ntarget_soc = 76\n")
    with emulate(veth, "--role", "ev", "--mac", veth.module_mac, "--firmware", "V01_00_06",
                 "--sessions", "1") as emulator:
        result = app(veth, "ev", "-c", str(config), "--dashboard")
        status, _, _ = finish(emulator)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert status == 0
    statuses = status_lines(result.stdout, "EV")
    charging = [line for line in statuses if line.startswith("[EV] charging: ")]
    assert charging and "-> 76 %" in charging[-1] and "SOC - " not in charging[-1], statuses
    assert statuses[-1].startswith("[EV] finished: ")
