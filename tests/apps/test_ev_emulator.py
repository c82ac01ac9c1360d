"""The EV application against the emulated EV module with a simulated charger on the cable:
complete sessions for every firmware generation, protocol and mode, and the safe-end paths."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from freev2g.apps.console import Console
from freev2g.apps.ev import EndReason, EvRunResult, EvSettings, run_ev
from freev2g.config.ev_schema import EvConfig
from freev2g.emulator.peers.charger import ChargerConfig
from freev2g.emulator.station import EmulatedStation, InProcess
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, Protocol
from freev2g.models import ChargerLimits

FIRMWARES = ["V01_00_04", "V01_00_05", "V01_00_06"]
SCALE = 40  # the battery runs 40 times faster than the protocol
SMALL = {"battery": {"capacity": 2000, "level": 1960, "timestep": 500, "max_voltage": 420, "max_current": 125,
                     "max_power": 50000, "target_voltage": 380, "target_current": 100},
         "session": {"step_timeout": 10}}


def config(protocol: Protocol, mode: EnergyTransferMode, **sections: dict[str, Any]) -> EvConfig:
    data: dict[str, dict[str, Any]] = {key: dict(value) for key, value in SMALL.items()}
    data["ev"] = {"protocols": [int(protocol)], "energy_transfer_mode": [int(mode)]}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return EvConfig.model_validate(data)


async def charge(firmware: str, cfg: EvConfig, *, charger: ChargerConfig | None = None, scale: float = SCALE,
                 during: Callable[[InProcess, Console], Any] | None = None) -> tuple[EvRunResult, list[str], InProcess]:
    console = Console(echo=False)
    async with EmulatedStation.ev_with_charger(firmware=firmware, charger=charger) as station:
        station.station.world.wire.plug_in()
        task = asyncio.create_task(run_ev(station.link, EvSettings(config=cfg, time_scale=scale,
                                                                   print_battery=False), console))
        if during is not None:
            await during(station, console)
        result = await asyncio.wait_for(task, 60)
        return result, console.lines, station


async def until(console: Console, line: str, limit: float = 20) -> None:
    for _ in range(int(limit / 0.02)):
        if line in console.lines:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{line!r} never printed")


COMBINATIONS = [  # DIN SPEC 70121 is DC only
    (Protocol.DIN_70121, EnergyTransferMode.DC_CORE),
    (Protocol.ISO_15118_2, EnergyTransferMode.DC_CORE),
    (Protocol.ISO_15118_2, EnergyTransferMode.AC_SINGLE_PHASE),
    (Protocol.ISO_15118_2, EnergyTransferMode.AC_THREE_PHASE),
]


@pytest.mark.parametrize("firmware", FIRMWARES)
@pytest.mark.parametrize(("protocol", "mode"), COMBINATIONS)
async def test_complete_session(firmware: str, protocol: Protocol, mode: EnergyTransferMode) -> None:
    result, lines, station = await charge(firmware, config(protocol, mode))
    assert result.ok, result.error
    summary = result.sessions[0]
    assert summary.reason is EndReason.TARGET_REACHED
    assert summary.protocol is protocol and summary.energy_transfer_mode is mode
    assert summary.soc_from == 98 and summary.soc_to >= 100
    assert summary.energy_wh == pytest.approx(40, abs=2)
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert '"Session Stopped" received' in lines and "charging done" in lines
    assert not [line for line in lines if line.startswith("Error")]
    record = station.station.charger.sessions[0]  # type: ignore[union-attr]
    assert record.end is not None
    if mode.is_dc:  # the simulated charger meters its DC power stage only, in unscaled time
        assert record.energy_wh == pytest.approx(summary.energy_wh / SCALE, rel=0.5)  # edges of a 1 s session


async def test_requests_stay_within_a_small_charger() -> None:
    small = ChargerConfig(limits=ChargerLimits(max_voltage=450, max_current=20, max_power=6000, min_voltage=50))
    cfg = config(Protocol.ISO_15118_2, EnergyTransferMode.DC_CORE)
    result, lines, _ = await charge("V01_00_06", cfg, charger=small)
    assert result.ok, result.error
    currents = [float(line.split(": ")[1]) for line in lines if line.startswith("\tEVSE present current")]
    voltages = [float(line.split(": ")[1]) for line in lines if line.startswith("\tEVSE present voltage")]
    assert max(currents) <= 20 and max(voltages) <= 420
    assert max(c * v for c, v in zip(currents, voltages, strict=True)) <= 6000 + 1e-6


async def test_two_sessions_in_a_row() -> None:
    cfg = config(Protocol.ISO_15118_2, EnergyTransferMode.DC_CORE, session={"sessions": 2})
    result, lines, station = await charge("V01_00_06", cfg)
    assert result.ok, result.error
    assert len(result.sessions) == 2 and len(station.station.charger.sessions) == 2  # type: ignore[union-attr]
    assert lines.count('"Session Stopped" received') == 2


async def test_unplug_mid_session() -> None:
    async def unplug(station: InProcess, console: Console) -> None:
        await until(console, '"Charging Started" received')
        station.station.world.wire.unplug()

    cfg = config(Protocol.ISO_15118_2, EnergyTransferMode.DC_CORE, battery={"level": 1000})
    result, lines, _ = await charge("V01_00_06", cfg, during=unplug, scale=1)
    assert result.sessions[0].reason is EndReason.UNPLUGGED
    assert result.exit_status == 1
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]


async def test_ctrl_c_mid_session() -> None:
    console = Console(echo=False)
    cfg = config(Protocol.DIN_70121, EnergyTransferMode.DC_CORE, battery={"level": 1000})
    async with EmulatedStation.ev_with_charger(firmware="V01_00_06") as station:
        station.station.world.wire.plug_in()
        task = asyncio.create_task(run_ev(station.link, EvSettings(config=cfg), console))
        await until(console, '"Charging Started" received')
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert console.lines[-2:] == ["EV loop finished", "Goodbye!"]
        charger = station.station.charger
        assert charger is not None
        await asyncio.sleep(0.5)
        _, current = charger.stage.present(station.station.clock.now())
        assert current == 0  # the EV's Stop Charging brought the charger's output down
