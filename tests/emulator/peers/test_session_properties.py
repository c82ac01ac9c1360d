"""Over random chargers, schedules and cars: a DC session ends normally at the target SOC, the
charger's output never exceeds a limit at any request, and its energy is the battery's gain."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freev2g.emulator.assembly import World
from freev2g.emulator.clock import ManualClock
from freev2g.emulator.peers.car import CarConfig, SimulatedCar
from freev2g.emulator.peers.charger import ChargerConfig, SimulatedChargerPeer
from freev2g.emulator.peers.evse_controller import EvseSettings
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.world import PlcLinkConfig
from freev2g.models import BatteryConfig, ChargerLimits

QUICK = PlcLinkConfig(slac_startup=0.2, characterization=0.2, match_and_join=0.2)


@st.composite
def sessions(draw: st.DrawFn) -> tuple[ChargerConfig, CarConfig]:
    limits = ChargerLimits(max_voltage=draw(st.floats(450.0, 1000.0)), max_current=draw(st.floats(20.0, 400.0)),
                           max_power=draw(st.floats(5_000.0, 350_000.0)))
    schedule = (m.PMaxScheduleEntry(start=0, duration=86_400, p_max=draw(st.floats(3_000.0, 400_000.0))),)
    initial = draw(st.floats(0.0, 90.0))
    battery = BatteryConfig(
        capacity_wh=draw(st.floats(500.0, 3_000.0)), initial_soc=initial,
        target_soc=draw(st.floats(initial + 1.0, min(100.0, initial + 10.0))), max_voltage=440.0,
        voltage_empty=draw(st.floats(200.0, 350.0)), voltage_full=draw(st.floats(360.0, 430.0)),
        max_current=draw(st.floats(10.0, 300.0)), max_power=draw(st.floats(3_000.0, 200_000.0)),
        final_current=5.0)
    protocol = draw(st.sampled_from([m.V2gProtocol.DIN_70121, m.V2gProtocol.ISO_15118_2]))
    return (ChargerConfig(limits=limits, evse=EvseSettings(schedule=schedule)),
            CarConfig(protocols=(protocol,), battery=battery))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_random_dc_sessions(session: tuple[ChargerConfig, CarConfig]) -> None:
    charger_config, car_config = session
    clock = ManualClock()
    world = World.create(clock, QUICK)
    charger = SimulatedChargerPeer(world, charger_config)
    car = SimulatedCar(world, car_config)
    schedule_power = charger_config.evse.schedule[0].p_max if charger_config.evse.schedule else float("inf")
    power_cap = min(charger_config.limits.max_power, car_config.battery.max_power, schedule_power)
    current_cap = min(charger_config.limits.max_current, car_config.battery.max_current)
    while car.end is None and clock.now() < 3_600.0:
        clock.advance(0.1)
        voltage, current = charger.stage.present(clock.now())
        assert voltage * current <= power_cap
        assert current <= current_cap
        assert voltage <= min(charger_config.limits.max_voltage, car_config.battery.max_voltage)
    assert car.end is not None and car.end.kind is SessionEndKind.STOPPED, car.end
    assert car.battery.reached_target
    [record] = charger.sessions
    assert record.energy_wh == pytest.approx(car.battery.delivered_wh, rel=1e-6)
    gained = car_config.battery.capacity_wh * (car.battery.soc - car_config.battery.initial_soc) / 100.0
    assert car.battery.delivered_wh == pytest.approx(gained)
