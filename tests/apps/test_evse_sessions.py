"""Complete EVSE sessions against the emulated EVSE module and the simulated car: both API
generations, DIN and ISO 15118-2, AC and DC (DIN 70121 is DC only), with every deadline met, the
v2 updates at least every 500 ms, the charger within every limit, and the module's services idle
at the end."""

from __future__ import annotations

import asyncio

import pytest

from freev2g.emulator.world.cp_wire import X1
from tests.apps.evse_station import IDLE, car_for, run_station, settings_for

COMBINATIONS = [(g, p, mode) for g in ("v1", "v2") for p, mode in (("din", "dc"), ("iso2", "dc"), ("iso2", "ac"))]


@pytest.mark.parametrize(("generation", "protocol", "mode"), COMBINATIONS)
def test_complete_session(generation: str, protocol: str, mode: str) -> None:
    car = car_for(protocol, mode)
    settings = settings_for(protocol, mode)
    run = asyncio.run(run_station(generation, car, settings))
    result = run.result
    assert result.exit_status == 0, run.lines[-10:]
    assert result.generation == generation
    (session,) = result.sessions
    assert session.completed and session.end == "session stopped"
    assert session.protocol == ("DIN 70121" if protocol == "din" else "ISO 15118-2")
    assert session.energy_transfer_mode == mode.upper()
    assert session.authorized is True
    assert session.energy_wh > 0
    limit = settings.charger.max_power if mode == "dc" else 3 * 230 * 32
    assert 0 < session.peak_power_w <= limit + 1e-6
    assert run.report["evse module"]["missed"] == []
    assert all(r.late == 0 for r in session.reactions.values())
    if generation == "v1":
        loop = session.reactions.get("Charge Loop Parameters")
        assert loop is not None and loop.count > 0 and loop.deadline_s == 0.075
    else:
        assert session.pushes > 0 and session.max_push_interval_s is not None
        assert session.max_push_interval_s <= 0.5
    assert run.lines[-2:] == ["EVSE loop finished", "Goodbye!"]
    assert run.idle == IDLE


def test_charger_never_exceeds_the_station_limits() -> None:
    """A car that asks for more than the station has: the output stays within the station's limits."""
    car = car_for("iso2", "dc")
    settings = settings_for("iso2", "dc", charger={"max_power": 10000, "max_current": 30})
    run = asyncio.run(run_station("v2", car, settings))
    (session,) = run.result.sessions
    assert session.completed
    assert 0 < session.peak_power_w <= 10000 + 1e-6
    assert run.idle["duty_cycle"] == X1
