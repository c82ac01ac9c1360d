"""SimulatedCharger: ramps, limits, pre-charge, isolation test and stop (v1-api §5.1)."""

from __future__ import annotations

import pytest

from freev2g.models import ChargerLimits, IsolationVerdict, PowerStage, RampRates, SimulatedCharger


def charger(**overrides: float) -> SimulatedCharger:
    limits = {"max_voltage": 400.0, "max_current": 100.0, "max_power": 25_000.0, **overrides}
    return SimulatedCharger(ChargerLimits(**limits))


def test_is_a_power_stage() -> None:
    assert isinstance(charger(), PowerStage)


def test_ramps_at_the_seed_rates() -> None:
    stage = charger()
    stage.set_target(380.0, 16.0, now=0.0)
    assert stage.present(0.38) == pytest.approx((190.0, 16.0))  # 50 A/s: 16 A after 0.32 s
    assert stage.present(0.76) == pytest.approx((380.0, 16.0))  # 500 V/s: 0 -> 380 V in 760 ms
    assert stage.present(10.0) == (380.0, 16.0)


def test_target_change_mid_ramp_is_piecewise_exact() -> None:
    stage = charger()
    stage.set_target(400.0, 0.0, now=0.0)
    stage.set_target(100.0, 0.0, now=0.4)  # at 200 V, now heading down
    assert stage.present(0.5)[0] == pytest.approx(150.0)
    assert stage.present(1.0)[0] == 100.0


def test_power_is_limited_in_regulation() -> None:
    # The seed reported 400 V * 100 A = 40 kW against a 25 kW maximum (v1-api §5.1).
    stage = charger()
    stage.set_target(400.0, 100.0, now=0.0)
    voltage, current = stage.present(5.0)
    assert voltage == 400.0
    assert current == pytest.approx(62.5)
    assert voltage * current <= 25_000.0
    assert stage.limits_achieved(5.0) == (False, False, True)


def test_schedule_and_ev_limits_clamp_the_output() -> None:
    stage = charger()
    stage.set_ev_limits(max_voltage=350.0, max_current=80.0, max_power=None)
    stage.set_power_limit(7_000.0)
    stage.set_target(380.0, 90.0, now=0.0)
    voltage, current = stage.present(5.0)
    assert voltage == 350.0
    assert current == pytest.approx(20.0)
    assert stage.limits_achieved(5.0) == (True, True, True)
    stage.set_power_limit(None)
    assert stage.present(5.0) == (350.0, 20.0)  # the current ramps back up from where it was
    assert stage.present(6.0) == (350.0, 70.0)
    assert stage.present(7.0) == pytest.approx((350.0, 25_000.0 / 350.0))


def test_a_lower_limit_acts_at_once() -> None:
    stage = charger()
    stage.set_target(300.0, 50.0, now=0.0)
    assert stage.present(2.0) == (300.0, 50.0)
    stage.set_ev_limits(max_voltage=250.0, max_current=30.0, max_power=6_000.0)
    assert stage.present(2.0) == (250.0, 24.0)


def test_pre_charge_is_current_limited() -> None:
    stage = charger()
    stage.pre_charge(350.0, current_limit=10.0, now=0.0)
    assert stage.present(2.0) == (350.0, 2.0)
    stage.pre_charge(350.0, current_limit=1.0, now=2.0)
    assert stage.present(3.0) == (350.0, 1.0)


def test_minimum_current_applies_in_regulation() -> None:
    stage = charger(min_current=5.0)
    stage.set_target(300.0, 0.0, now=0.0)
    assert stage.present(2.0) == (300.0, 5.0)


def test_isolation_test_takes_time() -> None:
    stage = SimulatedCharger(ChargerLimits(500.0, 100.0, 50_000.0), isolation_test_duration=2.0,
                             isolation_verdict=IsolationVerdict.WARNING)
    assert stage.isolation_test(10.0) is None
    assert stage.isolation_test(11.9) is None
    assert stage.isolation_test(12.0) is IsolationVerdict.WARNING


def test_stop_decays_the_output() -> None:
    stage = charger()
    stage.set_target(400.0, 50.0, now=0.0)
    stage.present(2.0)
    stage.stop(2.0)
    assert not stage.output_on
    assert stage.present(2.4) == pytest.approx((200.0, 30.0))
    assert stage.present(4.0) == (0.0, 0.0)
    assert stage.limits_achieved(4.0) == (False, False, False)


def test_time_going_backwards_moves_nothing() -> None:
    stage = charger()
    stage.set_target(400.0, 0.0, now=1.0)
    assert stage.present(1.2)[0] == pytest.approx(100.0)
    assert stage.present(0.5)[0] == pytest.approx(100.0)
    assert stage.present(1.3)[0] == pytest.approx(150.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_voltage": 0.0, "max_current": 1.0, "max_power": 1.0},
        {"max_voltage": 1.0, "max_current": -1.0, "max_power": 1.0},
        {"max_voltage": 1.0, "max_current": 1.0, "max_power": float("nan")},
        {"max_voltage": 10.0, "max_current": 1.0, "max_power": 1.0, "min_voltage": 11.0},
        {"max_voltage": 10.0, "max_current": 1.0, "max_power": 1.0, "min_current": 2.0},
    ],
)
def test_limits_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ChargerLimits(**kwargs)


def test_ramp_rates_are_validated() -> None:
    with pytest.raises(ValueError, match="voltage ramp rate"):
        RampRates(voltage=0.0)
