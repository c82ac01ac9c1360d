"""``freev2g evse -c park.toml`` driving two emulated EVSE modules, each ``freev2g emulate --role
evse`` in its own process on its own veth pair: both connectors complete their sessions in one
host process, their lines prefixed by the connector's name; a third connector on an interface
that does not exist fails on its own lines and the others still complete. Root, never skipped
under CI."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from freev2g.netns import ip
from tests.emulator.test_emulate_veth import finish, wait_until_ready

pytestmark = pytest.mark.root

MODULES = {"bay-1": "00:01:01:63:77:41", "bay-2": "00:01:01:63:77:42"}


@pytest.fixture
def park_cables() -> Iterator[tuple[str, str]]:
    """A host namespace with one interface per connector (park-1, park-2), each a veth pair to
    the module namespace (mod-1, mod-2, with the modules' MACs)."""
    tag = f"{os.getpid()}"
    host_ns, module_ns = f"fv2g-park-{tag}", f"fv2g-parkmod-{tag}"
    try:
        ip("netns", "add", host_ns)
        ip("netns", "add", module_ns)
        for index, mac in enumerate(MODULES.values(), start=1):
            ip("link", "add", "name", f"park-{index}", "netns", host_ns, "type", "veth",
               "peer", "name", f"mod-{index}", "netns", module_ns, "address", mac)
            ip("-n", host_ns, "link", "set", f"park-{index}", "up")
            ip("-n", module_ns, "link", "set", f"mod-{index}", "up")
        yield host_ns, module_ns
    finally:
        for namespace in (host_ns, module_ns):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, check=False)


@contextlib.contextmanager
def emulated_modules(module_ns: str, tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    try:
        for index, mac in enumerate(MODULES.values(), start=1):
            process = subprocess.Popen(
                ["ip", "netns", "exec", module_ns, sys.executable, "-m", "freev2g", "emulate",
                 "-i", f"mod-{index}", "--role", "evse", "--mac", mac, "--firmware", "V02_00_01",
                 "--protocol", "iso2", "--mode", "dc", "--charge-time", "1", "--plug-in-delay", "0.5",
                 "--sessions", "1"],
                stdout=subprocess.PIPE, stderr=(tmp_path / f"emulate-{index}.err").open("w"), text=True)
            processes.append(process)
            wait_until_ready(process)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=10)


def park_config(tmp_path: Path, *, with_missing_interface: bool) -> Path:
    entries = [f'[[connectors]]\nname = "{name}"\ninterface = "park-{index}"\nmac = "{mac}"\n'
               for index, (name, mac) in enumerate(MODULES.items(), start=1)]
    if with_missing_interface:
        entries.append('[[connectors]]\nname = "bay-3"\ninterface = "nowhere0"\nmac = "00:01:01:63:77:43"\n')
    config = tmp_path / "park.toml"
    config.write_text('authorization = "always"\nprotocols = ["iso2"]\nsessions = 1\n\n' + "\n".join(entries))
    return config


@pytest.mark.parametrize("with_missing_interface", [False, True])
def test_one_process_drives_two_emulated_modules(park_cables: tuple[str, str], tmp_path: Path,
                                                 with_missing_interface: bool) -> None:
    """With the missing interface, also ``--dashboard``: its plain lines (the output is a pipe)
    follow each connector through its session."""
    host_ns, module_ns = park_cables
    config = park_config(tmp_path, with_missing_interface=with_missing_interface)
    with emulated_modules(module_ns, tmp_path) as emulators:
        result = subprocess.run(["ip", "netns", "exec", host_ns, sys.executable, "-m", "freev2g", "evse",
                                 "-c", str(config), *(["--dashboard"] if with_missing_interface else [])], capture_output=True, text=True, check=False, timeout=120)
        finished = [finish(process) for process in emulators]
    lines = result.stdout.splitlines()
    assert result.returncode == (1 if with_missing_interface else 0), result.stdout[-4000:] + result.stderr
    for name in MODULES:
        own = [line.removeprefix(f"[{name}] ") for line in lines
               if line.startswith(f"[{name}] ") and not line.endswith(" kWh")]  # not the dashboard's
        assert "SLAC matching successful" in own and '"Session stopped" received' in own, own
        assert own[-3:] == ["EVSE loop finished", "Goodbye!", "ok, 1/1 sessions completed"]  # then the summary
    for status, emulated, _ in finished:
        assert status == 0 and "Session 1 ended: stopped" in emulated, emulated
    if with_missing_interface:
        bay3 = [line for line in lines if line.startswith("[bay-3] ")]
        assert any(line.startswith("[bay-3] Error: ") for line in bay3), bay3
        assert lines[-1] == "park: 2 of 3 connectors succeeded"
        for name in MODULES:
            assert any(line.startswith(f"[{name}] charging: ") and " kW" in line for line in lines), name
    else:
        assert lines[-1] == "park: 2 of 2 connectors succeeded"
