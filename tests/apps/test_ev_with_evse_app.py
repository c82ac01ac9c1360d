"""Our EV application and our EVSE application, each on its emulated module, one cable between
them: a complete session in both API generations, and a second one after a re-plug."""

from __future__ import annotations

import asyncio

import pytest

from freev2g.apps.console import Console
from freev2g.apps.ev import EndReason, EvSettings, run_ev
from freev2g.apps.evse.app import run_evse
from freev2g.config.ev_schema import EvConfig
from freev2g.config.evse_schema import EvseSettings
from freev2g.emulator.station import EmulatedStation


@pytest.mark.parametrize(("evse_firmware", "ev_firmware"), [("V01_01_06", "V01_00_04"), ("V02_00_01", "V01_00_06")])
async def test_two_sessions_with_a_replug(evse_firmware: str, ev_firmware: str) -> None:
    ev_config = EvConfig.model_validate({
        "ev": {"protocols": [1], "energy_transfer_mode": [1]},
        "battery": {"level": 49900, "max_voltage": 420, "target_voltage": 380}, "session": {"sessions": 2}})
    evse_config = EvseSettings.model_validate({"authorization": "always", "sessions": 2,
                                               "energy_transfer_modes": ["dc_extended"]})
    ev_console, evse_console = Console(echo=False), Console(echo=False)
    async with EmulatedStation.pair(evse_firmware=evse_firmware, ev_firmware=ev_firmware) as (evse, ev):
        wire = evse.station.world.wire
        wire.plug_in()
        evse_task = asyncio.create_task(run_evse(evse.link, evse_config, evse_console))
        ev_task = asyncio.create_task(run_ev(ev.link, EvSettings(config=ev_config, time_scale=20,
                                                                 print_battery=False), ev_console))
        while "Wait until the EV is unplugged" not in evse_console.lines:
            await asyncio.sleep(0.05)
            assert not ev_task.done(), ev_console.lines[-5:]
        wire.unplug()
        await asyncio.sleep(0.5)
        wire.plug_in()
        ev_result = await asyncio.wait_for(ev_task, 60)
        evse_result = await asyncio.wait_for(evse_task, 10)
    assert ev_result.ok, ev_result.error
    assert [s.reason for s in ev_result.sessions] == [EndReason.TARGET_REACHED] * 2
    assert evse_result.exit_status == 0 and len(evse_result.sessions) == 2
    assert ev_console.lines.count("charging done") == 2
    assert ev_console.lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert evse_console.lines[-2:] == ["EVSE loop finished", "Goodbye!"]
