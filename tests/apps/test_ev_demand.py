"""What the EV requests never exceeds the EV's, the EVSE's or the schedule's limits, and follows
the battery (property tests over random limits and states of charge)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.apps.ev import demand
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import v2g_ev
from freev2g.hci.catalog.v2g_types import ScheduleEntry
from freev2g.hci.physical import to_mantissa_exponent, to_value
from freev2g.models.battery import Battery

volts = st.floats(min_value=50, max_value=1000)
amps = st.floats(min_value=1, max_value=500)
watts = st.floats(min_value=500, max_value=400_000)
optional = st.none() | st.floats(min_value=100, max_value=400_000)


def encoded(value: float) -> float:
    """The value as the module receives it (the physical-value encoding may round)."""
    return float(to_value(*to_mantissa_exponent(value)))


@st.composite
def situations(draw: st.DrawFn) -> tuple[EvConfig, Battery, demand.EvseLimits, float | None]:
    max_voltage = draw(volts)
    max_current = draw(amps)
    target_voltage = draw(st.floats(min_value=10, max_value=max_voltage))
    config = EvConfig.model_validate({
        "battery": {"max_voltage": max_voltage, "max_current": max_current, "max_power": draw(watts),
                    "target_voltage": target_voltage,
                    "target_current": draw(st.floats(min_value=1, max_value=max_current)),
                    "capacity": 50_000, "level": draw(st.floats(min_value=0, max_value=50_000))},
        "charging": {"target_soc": 100},
    })
    evse = demand.EvseLimits(max_voltage=draw(st.none() | volts), max_current=draw(st.none() | amps),
                             max_power=draw(st.none() | watts), nominal_voltage=draw(st.none() | volts))
    return config, Battery(config.battery_config()), evse, draw(optional)


@settings(max_examples=300, deadline=None)
@given(situations(), st.booleans())
def test_dc_request_within_every_limit(situation: tuple[EvConfig, Battery, demand.EvseLimits, float | None],
                                       pre_charge: bool) -> None:
    config, battery, evse, schedule = situation
    b = config.battery
    request = demand.dc_request(config, battery, evse, schedule, pre_charge=pre_charge)
    update = demand.dc_update(config, battery, request)
    voltage, current = encoded(update.target_voltage), encoded(update.target_current)
    assert 0 <= voltage <= min(b.max_voltage, evse.max_voltage or b.max_voltage)
    assert 0 <= current <= min(b.max_current, evse.max_current or b.max_current)
    for power in (b.max_power, evse.max_power, schedule):
        if power is not None:
            assert voltage * current <= power + 1e-6
    assert current <= battery.target_current() + 1e-9
    if pre_charge:
        assert current <= demand.PRE_CHARGE_CURRENT


@settings(max_examples=300, deadline=None)
@given(situations(), st.sampled_from([1, 3]))
def test_ac_request_within_every_limit(situation: tuple[EvConfig, Battery, demand.EvseLimits, float | None],
                                       phases: int) -> None:
    config, battery, evse, schedule = situation
    b = config.battery
    request = demand.ac_request(config, battery, evse, schedule, phases)
    update = demand.ac_update(request)
    current = encoded(update.max_current)
    nominal = evse.nominal_voltage or demand.ac_max_voltage(config)
    assert 0 <= current <= min(b.max_current, evse.max_current or b.max_current)
    assert update.min_current <= update.max_current
    for power in (b.max_power, schedule):
        if power is not None:
            assert nominal * phases * current <= power + 1e-6
            assert update.max_power <= power


def test_schedule_entries_follow_time() -> None:
    entries = [ScheduleEntry(start=0, interval=1800, power=25000), ScheduleEntry(start=1800, interval=1800, power=18750),
               ScheduleEntry(start=3600, interval=82800, power=12500)]
    message = v2g_ev.EVScheduleReceived(tuples=[v2g_ev.EVScheduleTuple(tuple_id=1, entries=entries)])
    schedule = demand.Schedule(message, received_at=100.0)
    # entry 0 is used first (the seed skipped it) and the last one holds (the seed crashed, v1-api §6.2)
    assert [schedule.power_at(100 + t) for t in (0, 1799, 1800, 3600, 10**6)] == [25000, 25000, 18750, 12500, 12500]
    profile = schedule.profile(max_power=20000)
    assert profile.schedule_tuple_id == 1 and [e.power for e in profile.entries] == [20000, 18750, 12500]


def test_seed_energy_request_is_to_the_target() -> None:
    config = EvConfig.model_validate({"battery": {"capacity": 50000, "level": 40000}, "charging": {"target_soc": 90}})
    battery = Battery(config.battery_config())
    assert demand.energy_request(config, battery) == 5000
    assert demand.dc_parameters(config, battery, demand.dc_request(config, battery, demand.EvseLimits(), None)).soc == 80
