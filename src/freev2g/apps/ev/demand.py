"""What the EV asks for: its charging parameters from the battery, capped by every limit.

The battery model (:class:`freev2g.models.battery.Battery`) gives the target voltage and current;
the request sent to the module (EV Set/Update DC Charging Parameters 0xA2/0xA3, AC 0xA5/0xA6;
manual 2.14 p125-p131) never exceeds the EV's own maxima, the EVSE's maxima as last reported in
DC/AC Charge Parameters Changed (0xC1/0xC2, p155-p157), nor the power of the active entry of
the received schedule (0xC3, p157): the seed replaced the received schedule with a hard-coded
one and never sent the current it computed (v1-api §5.2, §6.2). Values are rounded *down* to
0.1 so that the physical-value encoding never rounds a request above a limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import v2g_ev
from freev2g.hci.catalog.v2g_types import EvErrorCode, ScheduleEntry
from freev2g.models.battery import Battery

PRE_CHARGE_CURRENT = 2.0  # A; DIN SPEC 70121 limits the pre-charge current to 2 A


def _down(value: float) -> float:
    return max(0.0, math.floor(value * 10) / 10)


def soc_byte(battery: Battery) -> int:
    """The SOC field (``u8`` 0-100 %): the present SOC, rounded down."""
    return max(0, min(100, math.floor(battery.soc)))


@dataclass
class EvseLimits:
    """The EVSE's maxima and present output as last reported (None: not reported yet)."""

    max_voltage: float | None = None
    max_current: float | None = None
    max_power: float | None = None
    present_voltage: float = 0.0
    present_current: float = 0.0
    nominal_voltage: float | None = None  # AC

    def update_dc(self, message: v2g_ev.EVDCChargeParametersChanged) -> None:
        # 0 means "not given" (an EVSE that has not reported its limits yet), not "nothing allowed".
        self.max_voltage = message.max_voltage or self.max_voltage
        self.max_current = message.max_current or self.max_current
        self.max_power = message.max_power or self.max_power
        self.present_voltage = float(message.present_voltage)
        self.present_current = float(message.present_current)

    def update_ac(self, message: v2g_ev.EVACChargeParametersChanged) -> None:
        self.nominal_voltage = float(message.nominal_voltage)
        self.max_current = message.max_current or self.max_current


class Schedule:
    """The schedule tuple the EV follows: the first received tuple unless a Set Charging Profile
    names another (without a profile the module uses the first tuple, manual 2.14 p233)."""

    def __init__(self, message: v2g_ev.EVScheduleReceived, received_at: float) -> None:
        self.tuples = message.tuples
        self.tuple_id = message.tuples[0].tuple_id
        self.entries: list[ScheduleEntry] = list(message.tuples[0].entries)
        self.received_at = received_at

    def power_at(self, now: float) -> float | None:
        """PMax of the entry active at ``now`` (seconds on the same clock as ``received_at``); the
        last entry holds after its interval; None before the first entry starts."""
        elapsed = now - self.received_at
        active: ScheduleEntry | None = None
        for entry in self.entries:
            if entry.start <= elapsed:
                active = entry
        return None if active is None else float(active.power)

    def profile(self, max_power: float, limit: int = 24) -> v2g_ev.EVSetChargingProfile:
        """Set Charging Profile 0xA8 (p132): the tuple's entries (at most 24), each capped at the
        EV's maximum power, with the start times counted from now."""
        entries = [ScheduleEntry(start=entry.start, interval=entry.interval,
                                 power=_down(min(float(entry.power), max_power)))
                   for entry in self.entries[:limit]]
        return v2g_ev.EVSetChargingProfile(schedule_tuple_id=self.tuple_id, entries=entries)


@dataclass(frozen=True)
class Request:
    """One request: the maxima the EV sends and its present target."""

    max_voltage: float
    max_current: float
    max_power: float
    target_voltage: float
    target_current: float


def dc_request(config: EvConfig, battery: Battery, evse: EvseLimits, schedule_power: float | None, *,
               pre_charge: bool = False) -> Request:
    """The DC request: target voltage from the battery (capped by the EV's and EVSE's maximum
    voltage), target current from the battery capped by both maximum currents and by every power
    limit (EV, EVSE, schedule) at the target voltage."""
    b = config.battery
    voltage = min(battery.target_voltage(), b.max_voltage, evse.max_voltage or math.inf)
    powers = [b.max_power, evse.max_power or math.inf, math.inf if schedule_power is None else schedule_power]
    current = min(battery.target_current(), b.max_current, evse.max_current or math.inf,
                  min(powers) / voltage if voltage > 0 else 0.0)
    if pre_charge:
        current = min(current, PRE_CHARGE_CURRENT)
    return Request(max_voltage=b.max_voltage, max_current=b.max_current, max_power=b.max_power,
                   target_voltage=_down(voltage), target_current=_down(current))


def dc_update(config: EvConfig, battery: Battery, request: Request) -> v2g_ev.EVUpdateDCChargingParameters:
    """EV Update DC Charging Parameters 0xA3 (26 bytes, p127)."""
    return v2g_ev.EVUpdateDCChargingParameters(
        min_voltage=0, min_current=0, min_power=0, max_voltage=request.max_voltage,
        max_current=request.max_current, max_power=request.max_power, soc=soc_byte(battery),
        status=EvErrorCode.NO_ERROR, target_voltage=request.target_voltage,
        target_current=request.target_current)


def energy_request(config: EvConfig, battery: Battery) -> float:
    """Wh to the target SOC (or the configured request); the seed computed it from SOC 100 %."""
    if config.charging.energy_request is not None:
        return config.charging.energy_request
    return _down(battery.energy_to(config.target_soc))


def dc_parameters(config: EvConfig, battery: Battery, request: Request) -> v2g_ev.EVSetDCChargingParameters:
    """EV Set DC Charging Parameters 0xA2 for the next session (35 bytes, p125)."""
    b = config.battery
    return v2g_ev.EVSetDCChargingParameters(
        min_voltage=0, min_current=0, min_power=0, max_voltage=request.max_voltage,
        max_current=request.max_current, max_power=request.max_power, soc=soc_byte(battery),
        status=EvErrorCode.NO_ERROR, target_voltage=request.target_voltage,
        target_current=request.target_current, full_soc=math.floor(b.full_soc),
        bulk_soc=math.floor(b.bulk_soc),
        energy_request=energy_request(config, battery), departure_time=config.charging.departure_time)


@dataclass(frozen=True)
class AcRequest:
    min_voltage: float
    min_current: float
    min_power: float
    max_voltage: float
    max_current: float  # per phase
    max_power: float


def ac_max_voltage(config: EvConfig) -> float:
    b = config.battery
    return b.max_voltage_AC or b.max_voltage


def ac_request(config: EvConfig, battery: Battery, evse: EvseLimits, schedule_power: float | None,
               phases: int) -> AcRequest:
    """The AC maxima: the EV's AC current (``max_current_AC``, else ``max_current``), capped by the
    EVSE's maximum current and by the EV's and the schedule's power at the nominal voltage; zero
    once the battery wants no more."""
    b, c = config.battery, config.charging
    nominal = evse.nominal_voltage or ac_max_voltage(config)
    power_cap = min(b.max_power, math.inf if schedule_power is None else schedule_power)
    current = min(b.max_current_AC or b.max_current, evse.max_current or math.inf,
                  power_cap / (nominal * phases))
    if battery.target_current() <= 0:
        current = 0.0
    current = _down(current)
    minimum = b.min_current_AC or c.ac_min_current
    return AcRequest(min_voltage=min(c.ac_min_voltage, ac_max_voltage(config)),
                     min_current=min(minimum, current),
                     min_power=min(c.ac_min_power, b.max_power), max_voltage=ac_max_voltage(config),
                     max_current=current, max_power=_down(min(b.max_power, power_cap)))


def ac_update(request: AcRequest) -> v2g_ev.EVUpdateACChargingParameters:
    """EV Update AC Charging Parameters 0xA6 (18 bytes, p130)."""
    return v2g_ev.EVUpdateACChargingParameters(
        min_voltage=request.min_voltage, min_current=request.min_current, min_power=request.min_power,
        max_voltage=request.max_voltage, max_current=request.max_current, max_power=request.max_power)


def ac_parameters(config: EvConfig, battery: Battery, request: AcRequest) -> v2g_ev.EVSetACChargingParameters:
    """EV Set AC Charging Parameters 0xA5 for the next session (25 bytes, p129)."""
    return v2g_ev.EVSetACChargingParameters(
        min_voltage=request.min_voltage, min_current=request.min_current, min_power=request.min_power,
        max_voltage=request.max_voltage, max_current=request.max_current, max_power=request.max_power,
        energy_request=energy_request(config, battery), departure_time=config.charging.departure_time)


def ac_out_of_range(config: EvConfig, message: v2g_ev.EVACChargeParametersChanged) -> list[str]:
    """The seed's AC checks on 0xC2 (v1-api §4.4), made sound: the EVSE's nominal voltage above
    the EV's AC maximum, its maximum current below the EV's AC minimum, the minimum power above
    the EV's maximum. A limit of 0 is not set (the seed's 0 stopped every AC session)."""
    b, c = config.battery, config.charging
    problems = []
    if message.nominal_voltage > ac_max_voltage(config):
        problems.append("Battery voltage out of range!")
    minimum = b.min_current_AC or c.ac_min_current
    if 0 < message.max_current < minimum:
        problems.append("Battery current out of range!")
    if message.nominal_voltage * minimum > b.max_power:
        problems.append("Battery power out of range!")
    return problems
