"""Properties of the models over random limits, targets and timings (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.models import PRE_CHARGE_MAX_CURRENT, Battery, BatteryConfig, ChargerLimits, SimulatedCharger

volts = st.floats(min_value=1.0, max_value=1000.0)
amps = st.floats(min_value=0.5, max_value=500.0)
watts = st.floats(min_value=10.0, max_value=400_000.0)
steps = st.floats(min_value=0.0, max_value=3.0)


@st.composite
def charger_limits(draw: st.DrawFn) -> ChargerLimits:
    max_voltage, max_current = draw(volts), draw(amps)
    return ChargerLimits(max_voltage, max_current, draw(watts),
                         min_voltage=draw(st.floats(0.0, max_voltage)), min_current=draw(st.floats(0.0, max_current)))


@dataclass(frozen=True)
class Action:
    kind: str
    voltage: float
    current: float
    after: float  # s before the action


actions = st.builds(Action, st.sampled_from(["target", "pre_charge", "stop", "schedule", "ev_limits", "read"]),
                    st.floats(0.0, 1200.0), st.floats(0.0, 600.0), steps)


@given(charger_limits(), volts, amps, st.none() | watts, st.lists(actions, max_size=30))
def test_output_never_exceeds_any_limit(limits: ChargerLimits, ev_voltage: float, ev_current: float,
                                        ev_power: float | None, script: list[Action]) -> None:
    charger = SimulatedCharger(limits)
    charger.set_ev_limits(ev_voltage, ev_current, ev_power)
    schedule: float | None = None
    now = 0.0
    for action in script:
        now += action.after
        if action.kind == "target":
            charger.set_target(action.voltage, action.current, now)
        elif action.kind == "pre_charge":
            charger.pre_charge(action.voltage, action.current, now)
        elif action.kind == "stop":
            charger.stop(now)
        elif action.kind == "schedule":
            schedule = action.voltage * 100.0 if action.current > 100 else None
            charger.set_power_limit(schedule)
        elif action.kind == "ev_limits":
            ev_voltage, ev_current = max(1.0, action.voltage), max(0.5, action.current)
            charger.set_ev_limits(ev_voltage, ev_current, ev_power)
        for moment in (now, now + action.after / 2):
            voltage, current = charger.present(moment)
            powers = [limits.max_power] + [p for p in (ev_power, schedule) if p is not None]
            assert 0.0 <= voltage <= min(limits.max_voltage, ev_voltage)
            assert 0.0 <= current <= min(limits.max_current, ev_current)
            assert voltage * current <= min(powers)
            if action.kind == "pre_charge":
                assert current <= PRE_CHARGE_MAX_CURRENT
            assert isinstance(voltage, float) and isinstance(current, float)


@given(st.floats(0.0, 400.0), st.floats(0.0, 100.0), st.floats(0.0, 400.0), st.floats(0.0, 100.0),
       st.lists(st.floats(0.001, 0.5), min_size=1, max_size=40))
def test_ramps_are_monotone_and_reach_their_targets(first_voltage: float, first_current: float,
                                                    voltage: float, current: float, gaps: list[float]) -> None:
    charger = SimulatedCharger(ChargerLimits(400.0, 100.0, 1e9))
    charger.set_target(first_voltage, first_current, now=0.0)
    start = charger.present(10.0)
    assert start == (first_voltage, first_current)
    charger.set_target(voltage, current, now=10.0)
    now, previous = 10.0, start
    for gap in gaps:
        now += gap
        present = charger.present(now)
        for before, after, goal in zip(previous, present, (voltage, current), strict=True):
            assert min(before, goal) <= after <= max(before, goal)  # towards the goal, never past it
        previous = present
    rates = charger.ramp
    needed = max(abs(voltage - first_voltage) / rates.voltage, abs(current - first_current) / rates.current)
    assert charger.present(10.0 + needed + 1e-9) == (voltage, current)


@given(charger_limits(), st.floats(0.0, 1000.0), st.floats(0.0, 500.0), steps, st.lists(steps, max_size=10))
def test_stop_brings_the_output_to_zero(limits: ChargerLimits, voltage: float, current: float,
                                        running: float, gaps: list[float]) -> None:
    charger = SimulatedCharger(limits)
    charger.set_target(voltage, current, now=0.0)
    charger.stop(running)
    assert not charger.output_on
    now, previous = running, charger.present(running)
    for gap in gaps:
        now += gap
        present = charger.present(now)
        assert present[0] <= previous[0] and present[1] <= previous[1]
        previous = present
    rates = charger.ramp
    assert charger.present(now + limits.max_voltage / rates.voltage + limits.max_current / rates.current) == (0.0, 0.0)


@st.composite
def battery_configs(draw: st.DrawFn) -> BatteryConfig:
    full = draw(st.floats(10.0, 100.0))
    max_voltage = draw(st.floats(50.0, 900.0))
    voltage_full = draw(st.floats(20.0, max_voltage))
    max_current = draw(st.floats(1.0, 500.0))
    charge_current = draw(st.floats(0.5, max_current))
    return BatteryConfig(
        capacity_wh=draw(st.floats(1_000.0, 150_000.0)), initial_soc=draw(st.floats(0.0, 100.0)),
        full_soc=full, bulk_soc=draw(st.floats(0.0, full)), target_soc=draw(st.floats(1.0, full)),
        max_voltage=max_voltage, voltage_full=voltage_full, voltage_empty=draw(st.floats(10.0, voltage_full)),
        max_current=max_current, max_power=draw(st.floats(500.0, 400_000.0)), charge_current=charge_current,
        taper_soc=draw(st.floats(0.0, 100.0)), final_current=draw(st.floats(0.1, charge_current)))


@given(battery_configs(), st.lists(st.tuples(st.floats(0.0, 1000.0), st.floats(0.0, 500.0), steps), max_size=30))
def test_soc_is_monotone_under_charge_and_never_above_100(config: BatteryConfig,
                                                         flows: list[tuple[float, float, float]]) -> None:
    battery = Battery(config)
    now, previous = 0.0, battery.soc
    for voltage, current, gap in flows:
        now += gap * 1000.0
        battery.deliver(voltage, current, now)
        assert previous <= battery.soc <= 100.0
        assert battery.energy_wh <= config.capacity_wh
        previous = battery.soc
    assert battery.delivered_wh == pytest.approx(battery.energy_wh - config.capacity_wh * config.initial_soc / 100.0)


@settings(deadline=None)  # up to 500 charging steps per example
@given(battery_configs())
def test_charging_at_the_requested_current_reaches_the_target(config: BatteryConfig) -> None:
    battery = Battery(config)
    # Worst case: all the energy at the final current and the lowest voltage.
    budget = config.capacity_wh * 3600.0 / (config.voltage_empty * min(config.final_current,
                                                                       config.max_power / config.max_voltage))
    now, tick = 0.0, budget / 500
    while not battery.reached_target:
        assert now <= budget + 2 * tick, "the target was not reached"  # one tick to credit, one for rounding
        battery.deliver(battery.target_voltage(), battery.target_current(), now)
        assert battery.target_voltage() <= config.max_voltage
        assert battery.target_current() <= config.max_current
        assert battery.target_power() <= config.max_power * (1 + 1e-12)
        now += tick
    battery.deliver(0.0, 0.0, now)
    assert battery.soc >= config.target_soc
    assert battery.target_current() == 0.0
    assert battery.remaining_time_to_target() == 0.0


@given(battery_configs())
def test_remaining_times_are_consistent(config: BatteryConfig) -> None:
    battery = Battery(config)
    to_bulk, to_full = battery.remaining_time_to_bulk(), battery.remaining_time_to_full()
    assert 0.0 <= to_bulk <= to_full
    assert (to_full == 0.0) == battery.full
    assert battery.remaining_time_to_full(available_power=100.0) >= to_full
