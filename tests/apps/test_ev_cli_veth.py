"""``freev2g ev`` as a process, talking raw Ethernet over a veth pair to ``freev2g emulate --role ev``
(an emulated EV module with a simulated charger) in another process and namespace: complete
sessions, and Ctrl-C in the middle of one (exit status 130 after the safe end). Root; never skipped
under CI."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from freev2g.netns import VethPair

pytestmark = pytest.mark.root

LIMIT = 120  # s for one process; a hang fails the test
QUICK = """
[ev]
protocols = [{protocol}]
energy_transfer_mode = [{mode}]
[battery]
capacity = 1000
level = {level}
timestep = 200
max_voltage = 420
target_voltage = 380
[session]
step_timeout = 20
"""


@contextmanager
def emulator(veth: VethPair, firmware: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        ["ip", "netns", "exec", veth.module_ns, sys.executable, "-m", "freev2g", "emulate", "--role", "ev",
         "-i", veth.module_if, "--firmware", firmware, "--plug-in-delay", "0.5"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # the emulator opens its socket
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def ev(veth: VethPair, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["ip", "netns", "exec", veth.host_ns, sys.executable, "-m", "freev2g", "ev", "-i", veth.host_if,
         "-m", veth.module_mac, "-c", str(config)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize(("firmware", "protocol", "mode"), [("V01_00_04", 0, 0), ("V01_00_06", 1, 5)])
def test_complete_session(veth: VethPair, tmp_path: Path, firmware: str, protocol: int, mode: int) -> None:
    config = tmp_path / "ev.toml"
    config.write_text(QUICK.format(protocol=protocol, mode=mode, level=999))
    with emulator(veth, firmware):
        host = ev(veth, config)
        out, err = host.communicate(timeout=LIMIT)
    lines = out.splitlines()
    assert host.returncode == 0, (out[-2000:], err)
    assert lines[:3] == ["Welcome to Codico Whitebeet EV reference implementation",
                         "Initiating framing interface", f"iface: {veth.host_if}, mac: {veth.module_mac}"]
    assert lines[3].startswith("EV configuration: {'ev': {'protocols': ")
    assert f"\tProtocol: {protocol}" in lines and f"\tEnergy transfer mode: {mode}" in lines
    assert "charging done" in lines and '"Session Stopped" received' in lines
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]


def test_ctrl_c_mid_session(veth: VethPair, tmp_path: Path) -> None:
    config = tmp_path / "ev.toml"
    config.write_text(QUICK.format(protocol=1, mode=0, level=100))
    with emulator(veth, "V01_00_06"):
        host = ev(veth, config)
        assert host.stdout is not None
        seen = []
        deadline = time.monotonic() + LIMIT
        for line in host.stdout:
            seen.append(line.rstrip("\n"))
            if line.startswith('"Charging Started" received') or time.monotonic() > deadline:
                break
        host.send_signal(signal.SIGINT)
        out, err = host.communicate(timeout=LIMIT)
    lines = seen + out.splitlines()
    assert '"Charging Started" received' in lines, (lines[-20:], err)
    assert host.returncode == 130, err
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
