"""The EV's traction battery: state of charge from delivered energy, and what the car asks for.

Follows the seed's battery (v1-api §5.2) with its faults fixed: the state of charge is a float,
integrated from the energy actually delivered over the time that actually elapsed (the seed
credited a fixed tick of energy per main-loop pass, reading its timestep once as µs and once as
ms); the target current is sent, not just computed; bulk and full SOC mean something.

Model, with SOC ``s`` in %:

* energy ``E = capacity_wh * s / 100``; :meth:`Battery.deliver` adds ``voltage * current * dt``
  (zero-order hold: the flow given at one call lasts until the next), kept within 0..capacity;
* target voltage: open-circuit voltage linear in SOC from ``voltage_empty`` (0 %) to
  ``voltage_full`` (100 %), never above ``max_voltage``;
* target current: ``charge_current`` up to ``taper_soc``, then falling linearly to
  ``final_current`` at 100 %, never above ``max_current`` nor ``max_power / target voltage``; zero
  once the target SOC (or full SOC) is reached;
* remaining times: the time the target current profile needs from the present SOC, optionally with
  less power available than the car asks for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_REMAINING_TIME_STEPS = 200  # integration steps for the remaining-time estimates
_CACHE_SOC_STEP = 0.01  # % of SOC between two integrations of a remaining time


def _check(name: str, value: float, low: float, high: float, *, low_open: bool = False) -> None:
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must be in {bracket}{low}, {high}] (got {value})")


@dataclass(frozen=True, kw_only=True)
class BatteryConfig:
    """A battery and how the car charges it. Energies in Wh, SOCs in %, V, A, W."""

    capacity_wh: float = 50_000.0
    initial_soc: float = 20.0
    target_soc: float = 80.0  # the car stops charging here
    bulk_soc: float = 80.0
    full_soc: float = 100.0
    max_voltage: float = 420.0
    max_current: float = 125.0
    max_power: float = 50_000.0
    voltage_empty: float = 320.0  # open-circuit voltage at 0 %
    voltage_full: float = 400.0  # open-circuit voltage at 100 %
    charge_current: float | None = None  # constant-current phase; None: max_current
    taper_soc: float = 80.0  # where the current starts to fall
    final_current: float = 10.0  # the current at 100 %

    def __post_init__(self) -> None:
        inf = math.inf
        _check("capacity_wh", self.capacity_wh, 0, inf, low_open=True)
        _check("initial_soc", self.initial_soc, 0, 100)
        _check("full_soc", self.full_soc, 0, 100, low_open=True)
        _check("bulk_soc", self.bulk_soc, 0, self.full_soc)
        _check("target_soc", self.target_soc, 0, self.full_soc, low_open=True)
        _check("max_voltage", self.max_voltage, 0, inf, low_open=True)
        _check("max_current", self.max_current, 0, inf, low_open=True)
        _check("max_power", self.max_power, 0, inf, low_open=True)
        _check("voltage_full", self.voltage_full, 0, self.max_voltage, low_open=True)
        _check("voltage_empty", self.voltage_empty, 0, self.voltage_full, low_open=True)
        _check("charge_current", self.effective_charge_current, 0, self.max_current, low_open=True)
        _check("taper_soc", self.taper_soc, 0, 100)
        _check("final_current", self.final_current, 0, self.effective_charge_current, low_open=True)

    @property
    def effective_charge_current(self) -> float:
        return self.max_current if self.charge_current is None else self.charge_current


class Battery:
    """The battery's state; every change comes through :meth:`deliver` with the present time."""

    def __init__(self, config: BatteryConfig) -> None:
        self.config = config
        self._remaining: dict[tuple[float, float | None, int], float] = {}
        self._energy = config.capacity_wh * config.initial_soc / 100.0
        self._voltage = 0.0
        self._current = 0.0
        self._since: float | None = None
        self.delivered_wh = 0.0  # energy stored since construction (net, within 0..capacity)

    # --- state ----------------------------------------------------------------------------------

    @property
    def energy_wh(self) -> float:
        return self._energy

    @property
    def soc(self) -> float:
        return min(100.0, 100.0 * self._energy / self.config.capacity_wh)

    @property
    def bulk_complete(self) -> bool:
        return self.soc >= self.config.bulk_soc

    @property
    def full(self) -> bool:
        return self.soc >= self.config.full_soc

    @property
    def reached_target(self) -> bool:
        return self.soc >= self.config.target_soc

    def energy_to(self, soc: float) -> float:
        """Wh still needed to reach ``soc`` (0 if already there)."""
        return max(0.0, self.config.capacity_wh * soc / 100.0 - self._energy)

    # --- input ----------------------------------------------------------------------------------

    def deliver(self, voltage: float, current: float, now: float) -> None:
        """The charger's output is ``voltage`` and ``current`` from ``now`` on.

        First credits the flow given at the previous call for the time since then. Time that goes
        backwards credits nothing.
        """
        if not (math.isfinite(voltage) and math.isfinite(current) and math.isfinite(now)):
            raise ValueError(f"deliver needs finite values (got {voltage} V, {current} A, t={now})")
        self.update(now)
        self._voltage = voltage
        self._current = current

    def update(self, now: float) -> None:
        """Credit the present flow up to ``now``."""
        if self._since is not None and now > self._since:
            added = self._voltage * self._current * (now - self._since) / 3600.0
            before = self._energy
            self._energy = min(self.config.capacity_wh, max(0.0, self._energy + added))
            self.delivered_wh += self._energy - before
        if self._since is None or now > self._since:
            self._since = now

    # --- what the car asks for ------------------------------------------------------------------

    def target_voltage(self) -> float:
        return self._voltage_at(self.soc)

    def target_current(self) -> float:
        if self.reached_target or self.full:
            return 0.0
        return self._current_at(self.soc)

    def target_power(self) -> float:
        return self.target_voltage() * self.target_current()

    def remaining_time_to_bulk(self, available_power: float | None = None) -> float:
        return self._time_to(self.config.bulk_soc, available_power)

    def remaining_time_to_full(self, available_power: float | None = None) -> float:
        return self._time_to(self.config.full_soc, available_power)

    def remaining_time_to_target(self, available_power: float | None = None) -> float:
        return self._time_to(self.config.target_soc, available_power)

    # --- the model ------------------------------------------------------------------------------

    def _voltage_at(self, soc: float) -> float:
        c = self.config
        return min(c.max_voltage, c.voltage_empty + (c.voltage_full - c.voltage_empty) * soc / 100.0)

    def _current_at(self, soc: float) -> float:
        c = self.config
        current = c.effective_charge_current
        if soc > c.taper_soc and c.taper_soc < 100.0:
            fraction = (soc - c.taper_soc) / (100.0 - c.taper_soc)
            current -= (current - c.final_current) * min(1.0, fraction)
        return min(current, c.max_current, c.max_power / self._voltage_at(soc))

    def _time_to(self, soc: float, available_power: float | None) -> float:
        """Seconds from the present SOC to ``soc`` along the target current profile. The
        integration is cached per SOC step of ``_CACHE_SOC_STEP`` (it is asked twice per charge
        loop request; at 200 connectors it dominated the emulator's CPU): the estimate then lags
        the SOC by at most that step, seconds at most."""
        key = (soc, available_power, round(self.soc / _CACHE_SOC_STEP))
        if key not in self._remaining:
            if len(self._remaining) > 16:
                self._remaining.clear()
            self._remaining[key] = self._integrate_time_to(soc, available_power)
        return self._remaining[key]

    def _integrate_time_to(self, soc: float, available_power: float | None) -> float:
        """Seconds from the present SOC to ``soc`` (midpoint rule)."""
        start = self.soc
        if start >= soc:
            return 0.0
        if available_power is not None and available_power <= 0:
            return math.inf
        step = (soc - start) / _REMAINING_TIME_STEPS
        energy_per_step = self.config.capacity_wh * step / 100.0 * 3600.0  # J
        seconds = 0.0
        for index in range(_REMAINING_TIME_STEPS):
            middle = start + (index + 0.5) * step
            power = self._voltage_at(middle) * self._current_at(middle)
            if available_power is not None:
                power = min(power, available_power)
            seconds += energy_per_step / power
        return seconds
