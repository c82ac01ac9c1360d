"""The charger driver: whatever the EV and the schedule ask, the power stage is never commanded
above the EV's or the EVSE's limits, and its output stays within every limit (issue 5 item 9)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from freev2g.apps.evse.charging import ChargerDriver, Delivery, simulated_charger
from freev2g.config.evse_schema import ChargerSettings, ScheduleEntrySettings, ScheduleSettings
from freev2g.models.charger import ChargerLimits, IsolationVerdict

volts = st.floats(1, 1000)
amps = st.floats(1, 500)
watts = st.floats(100, 200_000)


class Recorder:
    """A PowerStage that records what it is told (and reports nothing)."""

    def __init__(self, limits: ChargerLimits) -> None:
        self.limits = limits
        self.output_on = False
        self.commands: list[tuple[str, float, float]] = []
        self.power_limit: float | None = None

    def set_ev_limits(self, max_voltage: float, max_current: float, max_power: float | None) -> None:
        pass

    def set_power_limit(self, watts: float | None) -> None:
        self.power_limit = watts

    def set_target(self, voltage: float, current: float, now: float) -> None:
        self.commands.append(("target", voltage, current))

    def pre_charge(self, voltage: float, current_limit: float, now: float) -> None:
        self.commands.append(("pre-charge", voltage, current_limit))

    def present(self, now: float) -> tuple[float, float]:
        return 0.0, 0.0

    def limits_achieved(self, now: float) -> tuple[bool, bool, bool]:
        return False, False, False

    def isolation_test(self, now: float) -> IsolationVerdict | None:
        return IsolationVerdict.VALID

    def stop(self, now: float) -> None:
        self.commands.append(("stop", 0.0, 0.0))


@given(volts, amps, watts, volts, amps, watts, volts, amps)
def test_commands_never_exceed_the_ev_and_evse_limits(evse_v: float, evse_i: float, evse_p: float, ev_v: float,
                                                       ev_i: float, ev_p: float, target_v: float,
                                                       target_i: float) -> None:
    stage = Recorder(ChargerLimits(max_voltage=evse_v, max_current=evse_i, max_power=evse_p))
    driver = ChargerDriver(stage, lambda: 0.0)
    driver.set_ev_limits(ev_v, ev_i, ev_p)
    driver.pre_charge(target_v, target_i)
    driver.regulate(target_v, target_i)
    for _kind, voltage, current in stage.commands:
        assert 0 <= voltage <= min(evse_v, ev_v)
        assert 0 <= current <= min(evse_i, ev_i)


@given(volts, amps, watts, volts, amps, watts, st.floats(100, 100_000), volts, amps,
       st.lists(st.floats(0, 5), min_size=1, max_size=20))
def test_simulated_output_within_every_limit(evse_v: float, evse_i: float, evse_p: float, ev_v: float,
                                             ev_i: float, ev_p: float, schedule_p: float, target_v: float,
                                             target_i: float, steps: list[float]) -> None:
    settings = ChargerSettings(max_voltage=evse_v, max_current=evse_i, max_power=evse_p)
    now = [0.0]
    driver = ChargerDriver(simulated_charger(settings), lambda: now[0])
    driver.set_ev_limits(ev_v, ev_i, ev_p)
    driver.use_schedule(ScheduleSettings(id=1, entries=[
        ScheduleEntrySettings(start=0, interval=10, max_power=schedule_p)]))
    driver.regulate(target_v, target_i)
    for step in steps:
        now[0] += step
        voltage, current = driver.present()
        assert voltage <= min(evse_v, ev_v) + 1e-9
        assert current <= min(evse_i, ev_i) + 1e-9
        assert voltage * current <= min(evse_p, ev_p, schedule_p) * (1 + 1e-9)
    assert driver.delivery.peak_power_w <= min(evse_p, ev_p, schedule_p) * (1 + 1e-9)


def test_schedule_entries_apply_in_time() -> None:
    stage = Recorder(ChargerLimits(max_voltage=500, max_current=200, max_power=50_000))
    now = [0.0]
    driver = ChargerDriver(stage, lambda: now[0])
    driver.use_schedule(ScheduleSettings(id=1, entries=[
        ScheduleEntrySettings(start=0, interval=10, max_power=20_000),
        ScheduleEntrySettings(start=10, interval=10, max_power=5_000)]))
    assert stage.power_limit == 20_000
    now[0] = 10.0
    driver.present()
    assert stage.power_limit == 5_000


def test_delivery_integrates_energy() -> None:
    delivery = Delivery()
    for second in range(3601):
        delivery.sample(float(second), 10_000.0)
    assert abs(delivery.energy_wh - 10_000.0) < 1e-6
    assert delivery.peak_power_w == 10_000.0
