"""``freev2g evse --log`` and ``freev2g ev --log``: the commands' ``main`` on a link given by
:func:`attach`, as ``run`` does it, against emulated modules (API v1 for the EVSE, so that the
phases are found from manual 2.11's message names too)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from freev2g.apps.console import Console
from freev2g.apps.ev import EvSettings
from freev2g.cli import ev as ev_cli
from freev2g.cli import evse as evse_cli
from freev2g.cli.common import CliError
from freev2g.config.ev_schema import EvConfig
from freev2g.emulator.station import EmulatedStation
from freev2g.sessionlog import read_log
from freev2g.sessionlog.analysis import PHASES, figures
from freev2g.sessionlog.attach import attach
from tests.apps.evse_station import car_for, settings_for


async def test_the_evse_command_logs_a_v1_session(tmp_path: Path) -> None:
    path = tmp_path / "evse.jsonl"
    async with EmulatedStation.evse_with_car(firmware="V01_01_06", car=car_for("iso2", "dc")) as station:
        link = attach(str(path), "evse", station.link)
        status = await asyncio.wait_for(evse_cli.main(link, settings_for("iso2", "dc"), Console(echo=False),
                                                      iface="eth0"), 60)
    assert status == 0
    log = read_log(path)
    assert log.warnings == [] and log.records[-1]["type"] == "log_end"  # closed with the link
    assert log.roles == ["evse"]
    frames = log.of_type("frame")
    assert frames and all(r["generation"] == "v1" for r in frames[4:])  # learnt from the firmware version
    result = figures(log)
    assert [p.name for p in result.phases] == list(PHASES)
    evse = result.roles["evse"]
    [end] = log.of_type("session_end")
    assert evse.protocol == "ISO 15118-2" and evse.end == end["end"] == "session stopped"
    assert evse.peak_power_w == pytest.approx(end["peak_power_w"], abs=0.1) and evse.peak_power_w > 0
    assert len(log.of_type("charger")) > 3 and evse.errors == []
    reactions = {r.request: r for r in result.reactions if r.source == "evse application"}
    loop = reactions["Charge Loop Parameters"]  # manual 2.11: the host answers each within 75 ms
    assert loop.count > 3 and loop.deadline_ms == 75 and loop.late == 0 and loop.worst_ms < 75


async def test_the_ev_command_logs_its_session(tmp_path: Path) -> None:
    path = tmp_path / "ev.jsonl"
    config = EvConfig.model_validate({
        "ev": {"protocols": [1], "energy_transfer_mode": [1]},
        "battery": {"capacity": 2000, "level": 1960, "timestep": 500, "max_voltage": 420, "max_current": 125,
                    "max_power": 50000, "target_voltage": 380, "target_current": 100},
        "session": {"step_timeout": 10}})
    async with EmulatedStation.ev_with_charger(firmware="V01_00_06") as station:
        station.station.world.wire.plug_in()
        link = attach(str(path), "ev", station.link)
        settings = EvSettings(config=config, time_scale=40, print_battery=False)
        status = await asyncio.wait_for(ev_cli.main(link, settings, Console(echo=False)), 60)
    log = read_log(path)
    [end] = log.of_type("session_end", role="ev")
    assert status == 0, end
    ev = figures(log).roles["ev"]
    assert ev.soc_from == end["soc_from"] and ev.soc_to == end["soc_to"] and ev.soc_to > ev.soc_from
    socs = [r["soc"] for r in log.of_type("battery")]
    assert socs and socs == sorted(socs) and socs[-1] <= end["soc_to"]
    assert "charging" in [r["state"] for r in log.of_type("state")]


def test_a_log_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="--log") as caught:
        attach(str(tmp_path / "missing" / "x.jsonl"), "evse", object())  # type: ignore[arg-type]
    assert caught.value.status == 2
    assert attach(None, "evse", link := object()) is link  # type: ignore[arg-type]
