"""``freev2g emulate`` in its own network namespace, a scripted host on the other end of a veth
pair: complete sessions one after another, the reaction report, timing modes, SIGTERM, errors.
Root, never skipped under CI."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from freev2g.client import Whitebeet
from freev2g.netns import VethPair, inside
from freev2g.transport import EthernetTransport
from tests.emulator.scripted_evse_host import ScriptedEvseHost

pytestmark = pytest.mark.root

CAR = ("--charge-time", "1", "--plug-in-delay", "0.5")


def wait_until_ready(process: subprocess.Popen[str], seconds: float = 20) -> None:
    """Read ``freev2g emulate``'s output until its Ready line; what was read is kept in
    ``process.early_output`` for :func:`finish`."""
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    seen = ""
    while "\nReady" not in seen:  # unbuffered reads: select must see what is not read yet
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        assert ready and process.poll() is None, f"emulate did not start: {seen!r}"
        seen += os.read(process.stdout.fileno(), 4096).decode()
    process.early_output = seen  # type: ignore[attr-defined]


@contextmanager
def emulate(veth: VethPair, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``freev2g emulate -i`` on the module side; returns once it prints that it is ready."""
    command = ["ip", "netns", "exec", veth.module_ns, sys.executable, "-m", "freev2g", "emulate",
               "-i", veth.module_if, *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_ready(process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=30)
    return process.returncode, process.early_output + stdout, stderr  # type: ignore[attr-defined]


async def host_sessions(veth: VethPair, count: int, **options: float) -> list[list[str]]:
    wb = Whitebeet(EthernetTransport(veth.host_if, veth.module_mac))
    with inside(veth.host_ns):
        await wb.open()
    try:
        assert await wb.connect() == "V02_00_01"
        return [await ScriptedEvseHost(wb, **options).session() for _ in range(count)]
    finally:
        await wb.close()


FLOW = ["EVSESessionStarted", "EVSEPaymentSelected", "EVSEAuthorizationStatusRequested",
        "EVSEEnergyTransferModeSelected", "EVSESchedulesRequested", "EVSECableCheckRequested",
        "EVSEPreChargeStarted"]


async def test_two_sessions_one_after_another_and_the_report(veth: VethPair, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with emulate(veth, "--role", "evse", "--mac", veth.module_mac, "--sessions", "2", "--report", str(report),
                 *CAR) as process:
        sessions = await host_sessions(veth, 2)
        status, stdout, stderr = finish(process)
    assert status == 0, stderr
    for seen in sessions:
        assert [name for name in seen if name in FLOW] == FLOW or seen[:len(FLOW)] == FLOW, seen
        assert "EVSEStartChargingRequested" in seen and "EVSEStopChargingRequested" in seen
        assert seen[-1] == "EVSESessionStopped"
    assert "Session 1 ended: stopped" in stdout and "Session 2 ended: stopped" in stdout
    figures = json.loads(report.read_text())
    module = figures["modules"]["evse module"]
    assert figures["sessions"] == 2 and module["missed"] == []
    assert module["reactions"]["Authorization Status Requested"]["count"] == 2
    assert module["reactions"]["Update DC Charging Parameters"]["p99"] <= 500
    assert "host reaction to" in stdout


async def test_strict_timing_ends_the_session_when_the_host_breaks_the_500_ms_rule(veth: VethPair) -> None:
    with emulate(veth, "--role", "evse", "--sessions", "1", *CAR) as process:
        seen = (await host_sessions(veth, 1, push_interval=0.8))[0]
        status, stdout, _ = finish(process)
    assert status == 0
    assert "EVSESessionError" in seen and "EVSEStartChargingRequested" not in seen, seen
    assert "MISSED Update DC Charging Parameters" in stdout


async def test_lenient_timing_reports_the_miss_and_carries_on(veth: VethPair) -> None:
    with emulate(veth, "--role", "evse", "--sessions", "1", "--timing", "lenient", *CAR) as process:
        seen = (await host_sessions(veth, 1, push_interval=0.8))[0]
        status, stdout, _ = finish(process)
    assert status == 0 and seen[-1] == "EVSESessionStopped", seen
    assert "EVSESessionError" not in seen
    assert "MISSED Update DC Charging Parameters" in stdout and "Session 1 ended: stopped" in stdout


async def test_scaled_deadlines_shrink_the_time_the_host_has(veth: VethPair) -> None:
    with emulate(veth, "--role", "evse", "--timing", "scale=0.01", *CAR) as process:
        seen = (await host_sessions(veth, 1, auth_delay=0.5))[0]
        process.send_signal(signal.SIGTERM)
        status, stdout, _ = finish(process)
    assert status == 0 and "EVSESessionError" in seen, seen
    assert "EVSE Set Authorization Status rejected: 0x11" in seen
    assert "MISSED Authorization Status Requested" in stdout and "(deadline 300 ms)" in stdout


async def test_sigterm_ends_cleanly_with_the_report(veth: VethPair) -> None:
    with emulate(veth, "--role", "evse") as process:
        process.send_signal(signal.SIGTERM)
        status, stdout, stderr = finish(process)
    assert status == 0, stderr
    assert "SIGTERM: stopping" in stdout and "Sessions: 0" in stdout
    assert "Traceback" not in stderr


def test_usage_errors_are_one_line_with_status_2() -> None:
    """(Needs no namespace, but lives with the other emulate tests.)"""
    result = subprocess.run([sys.executable, "-m", "freev2g", "emulate", "--role", "evse", "-i", "lo",
                             "--timing", "fast"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "freev2g: timing 'fast': use strict, lenient or scale=X with X > 0"
