"""Battery: SOC from delivered energy, targets, remaining times (v1-api §5.2)."""

from __future__ import annotations

import pytest

from freev2g.models import Battery, BatteryConfig


def test_soc_integrates_energy_over_elapsed_time() -> None:
    battery = Battery(BatteryConfig(capacity_wh=50_000.0, initial_soc=98.0, target_soc=100.0))
    battery.deliver(200.0, 40.0, now=0.0)
    battery.deliver(200.0, 40.0, now=10.0)  # 8 kW for 10 s = 22.2 Wh (the seed's tick, v1-api §5.2)
    assert battery.energy_wh == pytest.approx(49_000.0 + 80_000.0 / 3600.0)
    assert isinstance(battery.soc, float)
    assert battery.delivered_wh == pytest.approx(80_000.0 / 3600.0)


def test_flow_holds_until_the_next_call() -> None:
    battery = Battery(BatteryConfig(capacity_wh=1_000.0, initial_soc=0.0))
    battery.deliver(360.0, 10.0, now=0.0)
    battery.update(10.0)  # 3600 W for 10 s = 10 Wh
    assert battery.soc == pytest.approx(1.0)
    battery.deliver(0.0, 0.0, now=20.0)
    battery.update(100.0)
    assert battery.soc == pytest.approx(2.0)


def test_soc_stops_at_capacity() -> None:
    battery = Battery(BatteryConfig(capacity_wh=100.0, initial_soc=99.0, target_soc=100.0))
    battery.deliver(400.0, 100.0, now=0.0)
    battery.update(3600.0)
    assert battery.soc == 100.0
    assert battery.full and battery.reached_target and battery.bulk_complete
    assert battery.delivered_wh == pytest.approx(1.0)
    assert battery.target_current() == 0.0


def test_target_voltage_follows_soc() -> None:
    config = BatteryConfig(initial_soc=50.0, voltage_empty=300.0, voltage_full=400.0, max_voltage=410.0)
    assert Battery(config).target_voltage() == pytest.approx(350.0)


def test_target_current_constant_then_tapers() -> None:
    config = BatteryConfig(max_current=100.0, charge_current=50.0, max_power=1e6, taper_soc=80.0,
                           final_current=10.0, target_soc=100.0)
    assert Battery(BatteryConfig(**{**config.__dict__, "initial_soc": 40.0})).target_current() == 50.0
    assert Battery(BatteryConfig(**{**config.__dict__, "initial_soc": 90.0})).target_current() == pytest.approx(30.0)


def test_target_current_capped_by_power() -> None:
    config = BatteryConfig(initial_soc=50.0, voltage_empty=300.0, voltage_full=400.0, max_power=7_000.0)
    assert Battery(config).target_current() == pytest.approx(20.0)


def test_remaining_times() -> None:
    config = BatteryConfig(capacity_wh=40_000.0, initial_soc=40.0, bulk_soc=80.0, full_soc=100.0,
                           voltage_empty=400.0, voltage_full=400.0, max_voltage=400.0,
                           max_current=50.0, max_power=20_000.0, taper_soc=100.0, target_soc=100.0)
    battery = Battery(config)
    assert battery.remaining_time_to_bulk() == pytest.approx(16_000.0 / 20_000.0 * 3600.0)
    assert battery.remaining_time_to_full() == pytest.approx(24_000.0 / 20_000.0 * 3600.0)
    assert battery.remaining_time_to_bulk(available_power=8_000.0) == pytest.approx(2 * 3600.0)


def test_reached_target() -> None:
    battery = Battery(BatteryConfig(capacity_wh=1_000.0, initial_soc=79.0, target_soc=80.0))
    assert not battery.reached_target
    battery.deliver(100.0, 36.0, now=0.0)
    battery.update(10.0)  # 10 Wh = 1 %
    assert battery.reached_target
    assert battery.target_current() == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"capacity_wh": 0.0},
        {"initial_soc": 101.0},
        {"bulk_soc": 90.0, "full_soc": 85.0, "target_soc": 80.0},
        {"target_soc": 0.0},
        {"voltage_full": 500.0},
        {"charge_current": 200.0},
        {"final_current": 0.0},
    ],
)
def test_config_is_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        BatteryConfig(**kwargs)
