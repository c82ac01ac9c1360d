"""Driving the EVSE power stage from the session, and what the session delivered.

The session controllers talk to :class:`ChargerDriver`, which holds a
:class:`~freev2g.models.charger.PowerStage` (the :class:`SimulatedCharger` unless real power
electronics are plugged in), feeds it the EV's limits and the active schedule entry's power, and
measures energy and peak power from the present output it reports. The power stage clamps its
output to the EVSE limits, the EV's limits and every power limit; this driver additionally never
asks for more than the EV's maxima (issue 5 items 5 and 7).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.config.evse_schema import ChargerSettings, ScheduleSettings
from freev2g.models.charger import ChargerLimits, IsolationVerdict, PowerStage, RampRates, SimulatedCharger
from freev2g.sessionlog import events as session_events


def simulated_charger(settings: ChargerSettings) -> SimulatedCharger:
    """The simulated power stage with the configured limits and ramp rates."""
    limits = ChargerLimits(max_voltage=settings.max_voltage, max_current=settings.max_current,
                           max_power=settings.max_power, min_voltage=settings.min_voltage,
                           min_current=settings.min_current)
    return SimulatedCharger(limits, RampRates(settings.voltage_ramp, settings.current_ramp),
                            pre_charge_max_current=settings.pre_charge_current,
                            isolation_test_duration=settings.isolation_test_time)


@dataclass
class Delivery:
    """What one session delivered, measured from the power stage's present output."""

    energy_wh: float = 0.0
    peak_power_w: float = 0.0
    samples: int = 0
    _last: tuple[float, float] | None = field(default=None, repr=False)  # (time, power)

    def sample(self, now: float, power: float) -> None:
        if self._last is not None and now > self._last[0]:
            last_time, last_power = self._last
            self.energy_wh += (last_power + power) / 2 * (now - last_time) / 3600
        self._last = (now, power)
        self.peak_power_w = max(self.peak_power_w, power)
        self.samples += 1


class ChargerDriver:
    """The session's view of the power stage. ``clock`` gives the present time in seconds."""

    def __init__(self, stage: PowerStage, clock: Callable[[], float]) -> None:
        self.stage = stage
        self.clock = clock
        self.delivery = Delivery()
        self.isolation: IsolationVerdict | None = None
        self.ev_max_voltage = math.inf
        self.ev_max_current = math.inf
        self.ev_max_power: float | None = None
        self.phases = 1  # AC three-phase: the power stage models one phase, energy counts three
        self._schedule: list[tuple[float, float]] = []  # (absolute start, power)

    @property
    def limits(self) -> ChargerLimits:
        return self.stage.limits

    def set_ev_limits(self, max_voltage: float | None, max_current: float | None,
                      max_power: float | None) -> None:
        """The EV's maxima; absent or non-positive values keep the previous ones."""
        if max_voltage is not None and max_voltage > 0:
            self.ev_max_voltage = max_voltage
        if max_current is not None and max_current > 0:
            self.ev_max_current = max_current
        if max_power is not None and max_power > 0:
            self.ev_max_power = max_power
        if math.isfinite(self.ev_max_voltage) and math.isfinite(self.ev_max_current):
            self.stage.set_ev_limits(self.ev_max_voltage, self.ev_max_current, self.ev_max_power)

    def use_schedule(self, schedule: ScheduleSettings | None, entries: int | None = None) -> None:
        """The schedule tuple the EV chose (its first ``entries`` entries, as sent), timed from now."""
        now = self.clock()
        if schedule is None:
            self._schedule = []
        else:
            chosen = schedule.entries[:entries] if entries else schedule.entries
            self._schedule = [(now + entry.start, entry.max_power) for entry in chosen]
        self._apply_schedule(now)

    def _apply_schedule(self, now: float) -> None:
        active = [power for start, power in self._schedule if start <= now]
        self.stage.set_power_limit(active[-1] if active else None)

    def _clamp(self, voltage: float, current: float) -> tuple[float, float]:
        return (max(0.0, min(voltage, self.ev_max_voltage, self.limits.max_voltage)),
                max(0.0, min(current, self.ev_max_current, self.limits.max_current)))

    def isolation_test(self) -> IsolationVerdict | None:
        verdict = self.stage.isolation_test(self.clock())
        if verdict is not None:
            self.isolation = verdict
        return verdict

    def pre_charge(self, voltage: float, current: float) -> None:
        voltage, current = self._clamp(voltage, current)
        self.stage.pre_charge(voltage, current, self.clock())

    def regulate(self, voltage: float, current: float) -> None:
        now = self.clock()
        self._apply_schedule(now)
        voltage, current = self._clamp(voltage, current)
        self.stage.set_target(voltage, current, now)

    def present(self) -> tuple[float, float]:
        now = self.clock()
        self._apply_schedule(now)
        voltage, current = self.stage.present(now)
        self.delivery.sample(now, voltage * current * self.phases)
        session_events.charger(voltage, current, voltage * current * self.phases)
        return voltage, current

    def limits_achieved(self) -> tuple[bool, bool, bool]:
        return self.stage.limits_achieved(self.clock())

    def stop(self) -> None:
        self.present()
        self.stage.stop(self.clock())

    def reset_session(self) -> None:
        self.delivery = Delivery()
        self.isolation = None
        self.ev_max_voltage = self.ev_max_current = math.inf
        self.ev_max_power = None
        self.phases = 1
        self._schedule = []
        self.stage.set_power_limit(None)
