"""Every way a session can end, each ending safely: charger at zero, V2G stopped, SLAC stopped,
CP stopped at 100 % (the emulated module's services are checked), then ``EVSE loop finished``
and ``Goodbye!``. Also the authorization modes in whole sessions and consecutive sessions."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from freev2g.apps.evse.authorization import LineReader
from freev2g.emulator.deadlines import Timing
from freev2g.emulator.peers.car import SessionPoint
from tests.apps.evse_station import IDLE, Run, car_for, end_input, join_readers, run_station, settings_for

CHARGING = {"v1": '"Request Charge Loop Parameters" received', "v2": '"Request Start Charging" received'}


def assert_safe_end(run: Run) -> None:
    assert run.idle == IDLE
    assert run.lines[-2:] == ["EVSE loop finished", "Goodbye!"]


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_never_authorize_ends_without_energy(generation: str) -> None:
    run = asyncio.run(run_station(generation, car_for("iso2", "dc"),
                                  settings_for("iso2", "dc", authorization="never")))
    (session,) = run.result.sessions
    assert 'Vehicle was NOT authorized (authorization "never")' in run.lines
    assert session.authorized is False
    assert session.energy_wh == 0 and "Request Start Charging" not in "".join(run.lines)
    assert_safe_end(run)


def test_prompt_that_times_out_is_no() -> None:
    read_fd, write_fd = os.pipe()  # the operator never answers
    settings = settings_for("iso2", "dc", authorization="prompt", timeouts={"authorization_prompt": 1.0})
    with os.fdopen(read_fd) as stream:
        run = asyncio.run(run_station("v1", car_for("iso2", "dc"), settings, reader=LineReader(stream)))
        end_input(write_fd)
    assert 'Authorize the vehicle? Type "yes" or "no" in the next 1s:' in run.lines
    assert "No answer within 1s: vehicle was NOT authorized" in run.lines
    assert run.result.sessions[0].authorized is False
    assert run.report["evse module"]["missed"] == []  # answered before the module's deadline
    assert_safe_end(run)


def test_prompt_end_of_input_is_no() -> None:
    read_fd, write_fd = os.pipe()
    os.close(write_fd)
    settings = settings_for("iso2", "dc", authorization="prompt")
    with os.fdopen(read_fd) as stream:
        run = asyncio.run(run_station("v2", car_for("iso2", "dc"), settings, reader=LineReader(stream)))
        join_readers()
    assert "End of input: vehicle was NOT authorized" in run.lines
    assert_safe_end(run)


def test_allow_list_authorizes_the_listed_car(tmp_path: Path) -> None:
    ids = tmp_path / "fleet.txt"
    ids.write_text("00:01:01:63:77:31\n")
    run = asyncio.run(run_station("v2", car_for("iso2", "ac"),
                                  settings_for("iso2", "ac", authorization=f"allowlist:{ids}")))
    assert "Vehicle 000101637731 is in the allow list: authorized" in run.lines
    assert run.result.sessions[0].completed
    assert_safe_end(run)


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_unplug_mid_session(generation: str) -> None:
    car = car_for("iso2", "dc", unplug_at=SessionPoint.CHARGING, fault_delay=0.5, charge_time=30.0)
    run = asyncio.run(run_station(generation, car, settings_for("iso2", "dc")))
    (session,) = run.result.sessions
    assert "EV disconnected" in run.lines or '"Session error" received' in run.lines
    assert not session.completed
    assert run.result.exit_status == 1
    assert_safe_end(run)


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_car_silence_mid_session(generation: str) -> None:
    car = car_for("iso2", "dc", silent_at=SessionPoint.CHARGING, fault_delay=0.5, charge_time=30.0,
                  unplug_after_session=False)
    run = asyncio.run(run_station(generation, car, settings_for("iso2", "dc", timeouts={"session_idle": 2})))
    (session,) = run.result.sessions
    assert not session.completed
    assert run.result.exit_status == 1
    assert_safe_end(run)


@pytest.mark.parametrize(("generation", "sig", "status"), [("v1", signal.SIGINT, 130), ("v2", signal.SIGTERM, 143)])
def test_signal_mid_session(generation: str, sig: signal.Signals, status: int) -> None:
    async def during(station: Any, console: Any, task: Any, interrupts: Any) -> None:
        await console.wait_for(CHARGING[generation])
        os.kill(os.getpid(), sig)

    car = car_for("iso2", "dc", charge_time=30.0)
    run = asyncio.run(run_station(generation, car, settings_for("iso2", "dc"), during=during))
    assert run.result.exit_status == status
    assert not run.result.sessions[0].completed
    assert_safe_end(run)


def test_two_sessions_with_a_replug() -> None:
    async def during(station: Any, console: Any, task: Any, interrupts: Any) -> None:
        await console.wait_for("Wait until the EV is unplugged")
        await console.wait_for("Wait until an EV connects")
        station.station.car.close()
        station.station.add_car(car_for("din", "dc"))

    run = asyncio.run(run_station("v2", car_for("iso2", "dc"), settings_for("iso2", "dc", protocols=["din", "iso2"],
                                                                           sessions=2), during=during))
    assert [s.protocol for s in run.result.sessions] == ["ISO 15118-2", "DIN 70121"]
    assert all(s.completed for s in run.result.sessions)
    assert run.result.exit_status == 0
    assert run.lines.count('"Session stopped" received') == 2
    assert_safe_end(run)


def test_module_refusing_a_late_answer_ends_safely() -> None:
    """The operator answers after the module's (scaled) deadline: the module closes the session and
    refuses the late answer; the application ends the session safely."""
    read_fd, write_fd = os.pipe()

    async def during(station: Any, console: Any, task: Any, interrupts: Any) -> None:
        await console.wait_for("Authorize the vehicle?")
        await asyncio.sleep(2.0)  # the module's deadline, scaled to 1.2 s, has passed
        os.write(write_fd, b"yes\n")

    settings = settings_for("iso2", "dc", authorization="prompt")
    with os.fdopen(read_fd) as stream:
        run = asyncio.run(run_station("v1", car_for("iso2", "dc"), settings, reader=LineReader(stream),
                                      during=during, timing=Timing(scale=0.02)))
        end_input(write_fd)
    (session,) = run.result.sessions
    assert not session.completed and session.energy_wh == 0
    assert run.report["evse module"]["missed"]  # the module saw the host miss its deadline
    assert_safe_end(run)
