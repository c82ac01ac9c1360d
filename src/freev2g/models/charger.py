"""The EVSE power stage: a :class:`PowerStage` interface and the :class:`SimulatedCharger`.

The EVSE side of a session (the EVSE application over HCI, or the emulator's simulated charger)
drives the power electronics only through :class:`PowerStage`, so a real rectifier can take the
simulated charger's place. Time is passed in as ``now`` (seconds on any monotonic clock); nothing
here reads a clock or sleeps.

The simulation follows the seed's charger (v1-api §5.1): present voltage and current follow their
targets with constant ramp rates (500 V/s, 50 A/s), integrated piecewise-exactly (the state is
advanced to ``now`` before every read and before every target change). It does right what the seed
did wrong (v1-api §5.1, §6.1 item 7):

* the output is always clamped to the EVSE limits, the EV's limits and every power limit (EVSE
  maximum, EV maximum, active schedule entry): ``voltage * current <= min(power limits)`` holds
  for every value :meth:`SimulatedCharger.present` returns;
* a target above a limit is clamped, not ignored, and the limit-achieved flags say which limit
  holds the output back;
* pre-charge is current-limited (DIN SPEC 70121 allows at most 2 A; iso15118-facts);
* the cable check takes time and gives an isolation verdict instead of succeeding at once
  (v1-api §6.2);
* after :meth:`SimulatedCharger.stop` the output decays at the ramp rates, so welding detection
  sees the voltage fall.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

PRE_CHARGE_MAX_CURRENT = 2.0  # A: DIN SPEC 70121 limits the pre-charge current to 2 A


class IsolationVerdict(enum.Enum):
    """Outcome of the cable check's isolation measurement (IEC 61851-23 IMD levels)."""

    VALID = "valid"
    WARNING = "warning"
    FAULT = "fault"
    NO_IMD = "no IMD"


def _check_finite_non_negative(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0 (got {value})")


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0 (got {value})")


@dataclass(frozen=True)
class ChargerLimits:
    """What the EVSE can deliver (V, A, W)."""

    max_voltage: float
    max_current: float
    max_power: float
    min_voltage: float = 0.0
    min_current: float = 0.0

    def __post_init__(self) -> None:
        _check_positive("max_voltage", self.max_voltage)
        _check_positive("max_current", self.max_current)
        _check_positive("max_power", self.max_power)
        _check_finite_non_negative("min_voltage", self.min_voltage)
        _check_finite_non_negative("min_current", self.min_current)
        if self.min_voltage > self.max_voltage:
            raise ValueError(f"min_voltage {self.min_voltage} is above max_voltage {self.max_voltage}")
        if self.min_current > self.max_current:
            raise ValueError(f"min_current {self.min_current} is above max_current {self.max_current}")


@dataclass(frozen=True)
class RampRates:
    """How fast the output follows its targets and decays after a stop (V/s, A/s); v1-api §5.1."""

    voltage: float = 500.0
    current: float = 50.0

    def __post_init__(self) -> None:
        _check_positive("voltage ramp rate", self.voltage)
        _check_positive("current ramp rate", self.current)


@runtime_checkable
class PowerStage(Protocol):
    """The EVSE power electronics as the session controller drives them.

    All methods take the present time ``now`` in seconds. Voltages in V, currents in A, power in W.
    """

    @property
    def limits(self) -> ChargerLimits: ...

    @property
    def output_on(self) -> bool:
        """True from the first :meth:`pre_charge` or :meth:`set_target` until :meth:`stop`."""

    def set_ev_limits(self, max_voltage: float, max_current: float, max_power: float | None) -> None:
        """The EV's maxima (ChargeParameterDiscovery, CurrentDemand); the output never exceeds them."""

    def set_power_limit(self, watts: float | None) -> None:
        """The active schedule entry's PMax; None removes the schedule limit."""

    def set_target(self, voltage: float, current: float, now: float) -> None:
        """Regulate towards the EV's target voltage and current (the charge loop)."""

    def pre_charge(self, voltage: float, current_limit: float, now: float) -> None:
        """Raise the output to ``voltage`` with the current held at ``current_limit`` or less."""

    def present(self, now: float) -> tuple[float, float]:
        """The present output (voltage, current)."""

    def limits_achieved(self, now: float) -> tuple[bool, bool, bool]:
        """(current, voltage, power): which limit holds the output below the EV's request."""

    def isolation_test(self, now: float) -> IsolationVerdict | None:
        """Start or continue the cable check's isolation test; None while it is still running."""

    def stop(self, now: float) -> None:
        """Targets to zero; the output decays (welding detection watches the voltage fall)."""


def _ramp(value: float, goal: float, rate: float, elapsed: float) -> float:
    if value < goal:
        return min(value + rate * elapsed, goal)
    if value > goal:
        return max(value - rate * elapsed, goal)
    return value


def _current_within_power(voltage: float, current: float, power: float) -> float:
    """The largest current <= ``current`` with ``voltage * current <= power``, exact in floats."""
    if voltage <= 0 or math.isinf(power) or voltage * current <= power:
        return current
    capped = power / voltage
    while capped > 0 and voltage * capped > power:
        capped = math.nextafter(capped, 0.0)
    return min(current, capped)


class SimulatedCharger:
    """A DC (or AC) charger whose output follows its targets at constant ramp rates.

    The isolation test lasts ``isolation_test_duration`` seconds and ends with ``isolation_verdict``.
    """

    def __init__(
        self,
        limits: ChargerLimits,
        ramp: RampRates | None = None,
        *,
        pre_charge_max_current: float = PRE_CHARGE_MAX_CURRENT,
        isolation_test_duration: float = 1.0,
        isolation_verdict: IsolationVerdict = IsolationVerdict.VALID,
    ) -> None:
        _check_positive("pre_charge_max_current", pre_charge_max_current)
        _check_finite_non_negative("isolation_test_duration", isolation_test_duration)
        self._limits = limits
        self._ramp = ramp or RampRates()
        self._pre_charge_max_current = pre_charge_max_current
        self.isolation_test_duration = isolation_test_duration
        self.isolation_verdict = isolation_verdict
        self._ev_max_voltage = math.inf
        self._ev_max_current = math.inf
        self._ev_max_power = math.inf
        self._schedule_power = math.inf
        self._target_voltage = 0.0
        self._target_current = 0.0
        self._pre_charging = False
        self._output_on = False
        self._voltage = 0.0
        self._current = 0.0
        self._updated: float | None = None
        self._isolation_started: float | None = None

    # --- inputs ---------------------------------------------------------------------------------

    @property
    def limits(self) -> ChargerLimits:
        return self._limits

    @property
    def ramp(self) -> RampRates:
        return self._ramp

    @property
    def output_on(self) -> bool:
        return self._output_on

    def set_ev_limits(self, max_voltage: float, max_current: float, max_power: float | None) -> None:
        _check_positive("EV max_voltage", max_voltage)
        _check_positive("EV max_current", max_current)
        if max_power is not None:
            _check_positive("EV max_power", max_power)
        self._ev_max_voltage = max_voltage
        self._ev_max_current = max_current
        self._ev_max_power = math.inf if max_power is None else max_power

    def set_power_limit(self, watts: float | None) -> None:
        if watts is not None:
            _check_finite_non_negative("power limit", watts)
        self._schedule_power = math.inf if watts is None else watts

    def set_target(self, voltage: float, current: float, now: float) -> None:
        _check_finite_non_negative("target voltage", voltage)
        _check_finite_non_negative("target current", current)
        self._advance(now)
        self._target_voltage = voltage
        self._target_current = current
        self._pre_charging = False
        self._output_on = True

    def pre_charge(self, voltage: float, current_limit: float, now: float) -> None:
        _check_finite_non_negative("pre-charge voltage", voltage)
        _check_finite_non_negative("pre-charge current", current_limit)
        self._advance(now)
        self._target_voltage = voltage
        self._target_current = min(current_limit, self._pre_charge_max_current)
        self._pre_charging = True
        self._output_on = True

    def stop(self, now: float) -> None:
        self._advance(now)
        self._target_voltage = 0.0
        self._target_current = 0.0
        self._pre_charging = False
        self._output_on = False
        self._isolation_started = None

    # --- outputs --------------------------------------------------------------------------------

    def present(self, now: float) -> tuple[float, float]:
        self._advance(now)
        return self._voltage, self._current

    def present_power(self, now: float) -> float:
        voltage, current = self.present(now)
        return voltage * current

    def limits_achieved(self, now: float) -> tuple[bool, bool, bool]:
        self._advance(now)
        if not self._output_on:
            return False, False, False
        current_cap = self._current_cap()
        voltage_goal = self._voltage_goal()
        current_limited = self._target_current > current_cap
        voltage_limited = self._target_voltage > self._voltage_cap()
        power_limited = voltage_goal * min(self._target_current, current_cap) > self.power_limit()
        return current_limited, voltage_limited, power_limited

    def power_limit(self) -> float:
        """The lowest of the EVSE's, the EV's and the schedule's power limits (W)."""
        return min(self._limits.max_power, self._ev_max_power, self._schedule_power)

    def isolation_test(self, now: float) -> IsolationVerdict | None:
        if self._isolation_started is None:
            self._isolation_started = now
        if now - self._isolation_started >= self.isolation_test_duration:
            return self.isolation_verdict
        return None

    # --- the model ------------------------------------------------------------------------------

    def _voltage_cap(self) -> float:
        return min(self._limits.max_voltage, self._ev_max_voltage)

    def _current_cap(self) -> float:
        cap = min(self._limits.max_current, self._ev_max_current)
        return min(cap, self._pre_charge_max_current) if self._pre_charging else cap

    def _voltage_goal(self) -> float:
        if not self._output_on:
            return 0.0
        cap = self._voltage_cap()
        return min(max(self._target_voltage, min(self._limits.min_voltage, cap)), cap)

    def _current_goal(self) -> float:
        if not self._output_on:
            return 0.0
        cap = self._current_cap()
        floor = 0.0 if self._pre_charging else min(self._limits.min_current, cap)
        return min(max(self._target_current, floor), cap)

    def _advance(self, now: float) -> None:
        # Time that goes backwards moves nothing; the stamp keeps the latest time seen.
        elapsed = 0.0 if self._updated is None else max(0.0, now - self._updated)
        self._updated = now if self._updated is None else max(self._updated, now)
        voltage = _ramp(self._voltage, self._voltage_goal(), self._ramp.voltage, elapsed)
        current = _ramp(self._current, self._current_goal(), self._ramp.current, elapsed)
        # A limit that drops takes effect at once: the output never stays above any limit.
        voltage = min(voltage, self._voltage_cap())
        current = min(current, self._current_cap())
        self._voltage = voltage
        self._current = _current_within_power(voltage, current, self.power_limit())
