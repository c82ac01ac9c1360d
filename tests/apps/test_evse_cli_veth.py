"""``freev2g evse`` as a process, talking raw Ethernet over a veth pair to ``freev2g emulate`` in
another process and namespace: a whole session with the prompt answered through a pipe, and
Ctrl-C in the middle of one (exit status 130 after the safe end). Root; never skipped under CI."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from freev2g.netns import VethPair

pytestmark = pytest.mark.root

LIMIT = 120  # s for one process; a hang fails the test


@contextmanager
def emulator(veth: VethPair, firmware: str, *options: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        ["ip", "netns", "exec", veth.module_ns, sys.executable, "-m", "freev2g", "emulate", "--role", "evse",
         "-i", veth.module_if, "--firmware", firmware, "--plug-in-delay", "0.5", *options],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def evse(veth: VethPair, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["ip", "netns", "exec", veth.host_ns, sys.executable, "-m", "freev2g", "evse", "-i", veth.host_if,
         "-m", veth.module_mac, *options],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("firmware", ["V01_01_06", "V02_00_01"])
def test_session_with_the_prompt_answered_through_a_pipe(veth: VethPair, firmware: str) -> None:
    with emulator(veth, firmware, "--charge-time", "2", "--sessions", "1"):
        time.sleep(0.5)  # the emulator opens its socket
        host = evse(veth, "--authorize", "prompt")
        out, err = host.communicate("yes\n", timeout=LIMIT)
    lines = out.splitlines()
    assert host.returncode == 0, (out[-2000:], err)
    assert lines[:3] == ["Welcome to Codico Whitebeet EVSE reference implementation",
                         "Initiating framing interface", f"iface: {veth.host_if}, mac: {veth.module_mac}"]
    prompt = [line for line in lines if line.startswith('Authorize the vehicle? Type "yes" or "no" in the next ')]
    assert len(prompt) == 1 and re.fullmatch(r'.* in the next \d+(\.\d)?s: ', prompt[0])
    assert "Vehicle was authorized by user!" in lines
    assert '"Session stopped" received' in lines
    assert lines[-2:] == ["EVSE loop finished", "Goodbye!"]
    assert err == ""


def test_ctrl_c_mid_session_exits_130(veth: VethPair) -> None:
    with emulator(veth, "V01_01_06", "--charge-time", "60"):
        time.sleep(0.5)
        host = evse(veth, "--authorize", "always")
        assert host.stdout is not None
        seen: list[str] = []
        deadline = time.monotonic() + LIMIT
        for line in host.stdout:
            seen.append(line.rstrip("\n"))
            if line.startswith('"Request Charge Loop Parameters" received') or time.monotonic() > deadline:
                break
        host.send_signal(signal.SIGINT)
        out, err = host.communicate(timeout=30)
    lines = seen + out.splitlines()
    assert host.returncode == 130, (lines[-20:], err)
    assert lines[-2:] == ["EVSE loop finished", "Goodbye!"]
    assert '"Request Charge Loop Parameters" received' in seen
