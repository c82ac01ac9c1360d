"""The EV application's configuration file (JSON as the seed's ``ev.json``, or TOML).

Every key of the seed's ``ev.json`` is accepted with the same name and meaning (v1-api §4.5), so
existing files work unchanged: the top-level ``mac``, the ``ev`` section (EV ID, protocols,
payment methods, energy transfer modes, each with its seed-style count) and the ``battery``
section. Unlike the seed, a wrong key, type or range is an error, not a silently created
attribute. New, optional sections:

* ``battery``: the battery model's shape (``voltage_empty``, ``voltage_full``, ``taper_soc``,
  ``final_current``), see :class:`freev2g.models.battery.BatteryConfig`;
* ``charging``: the charging goals (target SOC, departure time, energy request, AC limits);
* ``session``: the session flow (number of sessions, SLAC validation, timeouts).

Seed defaults are kept where they were sound. Decided differently from the seed:
``battery.timestep`` is milliseconds (the seed compared it with µs and integrated it as ms);
``max_current_AC``, ``max_voltage_AC`` and ``min_current_AC`` equal to 0 mean "no AC-specific
limit" (the seed's 0 stopped every AC session at once, v1-api §6.2).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from freev2g.config.loader import ConfigModel, load_config, validate_config
from freev2g.models.battery import BatteryConfig

DEFAULT_EV_MAC = "00:01:01:63:77:31"  # the manual's example EV MAC
DEFAULT_FILE = "./ev.json"

_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$")


def _mac(text: str) -> str:
    if not _MAC.match(text):
        raise ValueError("must be a MAC address like 00:01:01:63:77:31")
    return text.lower().replace("-", ":")


MacAddress = Annotated[str, AfterValidator(_mac)]
Volts = Annotated[float, Field(gt=0, le=1500)]
Amperes = Annotated[float, Field(gt=0, le=1000)]
Watts = Annotated[float, Field(gt=0, le=1_000_000)]
Percent = Annotated[float, Field(ge=0, le=100)]
Seconds = Annotated[float, Field(gt=0, le=86_400)]


_Section = ConfigModel


def _unique(values: list[int], key: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{key} lists a value twice")


class EvSection(_Section):
    """``ev``: what goes into EV Set Configuration 0xA0 (manual 2.14 p123; 2.11 p120)."""

    evid: MacAddress | None = None  # None: the module's MAC
    protocol_count: int | None = Field(default=None, ge=1, le=2)
    protocols: list[Literal[0, 1]] = Field(default=[0, 1], min_length=1, max_length=2)
    payment_method_count: int | None = Field(default=None, ge=1, le=1)
    payment_method: list[Literal[0]] = Field(default=[0], min_length=1, max_length=1)
    energy_transfer_mode_count: int | None = Field(default=None, ge=1, le=6)
    energy_transfer_mode: list[Annotated[int, Field(ge=0, le=5)]] = Field(default=
        [0, 4], min_length=1, max_length=6)

    @model_validator(mode="after")
    def _counts_match(self) -> EvSection:
        # The seed wrote the counts as given; a count that differs from its list made a frame the
        # module could not parse. Here it must match.
        pairs = (("protocol_count", "protocols"), ("payment_method_count", "payment_method"),
                 ("energy_transfer_mode_count", "energy_transfer_mode"))
        for count_key, list_key in pairs:
            count, values = getattr(self, count_key), getattr(self, list_key)
            if count is not None and count != len(values):
                raise ValueError(f"{count_key} is {count} but {list_key} has {len(values)} entries")
            _unique(values, list_key)
        return self

    @property
    def has_dc(self) -> bool:
        return any(mode <= 3 for mode in self.energy_transfer_mode)

    @property
    def has_ac(self) -> bool:
        return any(mode >= 4 for mode in self.energy_transfer_mode)


class BatterySection(_Section):
    """``battery``: the seed's battery keys (v1-api §4.5, §5.2) and the model's shape."""

    timestep: int = Field(default=1000, ge=10, le=3_600_000)  # ms between battery updates (A3/A6, block)
    capacity: float = Field(default=50_000, gt=0, le=1_000_000)  # Wh
    level: float = Field(default=49_000, ge=0)  # Wh at the start
    full_soc: float = Field(default=100, gt=0, le=100)
    bulk_soc: Percent = 80
    max_current: Amperes = 100
    max_power: Watts = 12_000
    max_voltage: Volts = 300
    target_current: Amperes = 50  # the constant-current phase
    target_voltage: Volts = 200  # without voltage_empty/voltage_full: constant
    target_voltage_delta: float = Field(default=10, gt=0, le=500)  # Start Charging gate, V
    max_current_AC: float = Field(default=0, ge=0, le=1000)  # seed key; 0: no AC-specific limit
    max_voltage_AC: float = Field(default=0, ge=0, le=1500)
    min_current_AC: float = Field(default=0, ge=0, le=1000)
    voltage_empty: Volts | None = None  # open-circuit voltage at 0 % SOC
    voltage_full: Volts | None = None  # at 100 % SOC
    taper_soc: Percent | None = None  # where the current starts to fall; None: bulk_soc
    final_current: Amperes | None = None  # the current at 100 % SOC; None: min(10 A, target_current)

    @model_validator(mode="after")
    def _consistent(self) -> BatterySection:
        if self.level > self.capacity:
            raise ValueError(f"level {self.level:g} Wh is above the capacity {self.capacity:g} Wh")
        if self.bulk_soc > self.full_soc:
            raise ValueError(f"bulk_soc {self.bulk_soc:g} is above full_soc {self.full_soc:g}")
        if self.target_current > self.max_current:
            raise ValueError(f"target_current {self.target_current:g} A is above max_current"
                             f" {self.max_current:g} A")
        empty, full = self.voltage_range
        if not empty <= full <= self.max_voltage:
            raise ValueError(f"need voltage_empty {empty:g} V <= voltage_full {full:g} V <= max_voltage"
                             f" {self.max_voltage:g} V")
        if self.final_current is not None and self.final_current > self.target_current:
            raise ValueError(f"final_current {self.final_current:g} A is above target_current"
                             f" {self.target_current:g} A")
        return self

    @property
    def initial_soc(self) -> float:
        return 100.0 * self.level / self.capacity

    @property
    def voltage_range(self) -> tuple[float, float]:
        full = self.voltage_full if self.voltage_full is not None else self.target_voltage
        empty = self.voltage_empty if self.voltage_empty is not None else min(self.target_voltage, full)
        return empty, full


class ChargingSection(_Section):
    """``charging``: the goals of a session (new; the seed had them hard-coded, v1-api §4.5)."""

    target_soc: float | None = Field(default=None, gt=0, le=100)  # stop here; None: battery.full_soc
    departure_time: int = Field(default=100_000_000, ge=0, le=0xFFFFFFFF)  # s from now (seed: DC value)
    energy_request: float | None = Field(default=None, ge=0, le=1_000_000)  # Wh; None: to the target SOC
    ac_min_voltage: Volts = 220  # AC minima the seed sent (v1-api §4.5)
    ac_min_current: Amperes = 1
    ac_min_power: Watts = 220
    charging_profile: bool = True  # send Set Charging Profile 0xA8 from the received schedule
    renegotiate: bool = True  # on a renegotiation notification renegotiate (else stop)
    welding_voltage: float = Field(default=60, ge=0, le=1500)  # DC: Stop Session once the voltage is below


class SessionSection(_Section):
    """``session``: the flow around the V2G session."""

    sessions: int | Literal["forever"] = 1
    slac_validation: bool = False  # what the seed's "Set SLAC to EV mode" set (disabled)
    slac_delay: float = Field(default=0, ge=0, le=60)  # s between "EVSE connected" and matching (seed: 5)
    evse_timeout: Seconds | None = None  # waiting for an EVSE; None: wait until stopped
    slac_timeout: Seconds = 60
    step_timeout: Seconds = 60  # longest silence between two session steps
    stop_timeout: Seconds = 10  # longest wait for the module to end the session after a stop
    portmirror: bool = False

    @model_validator(mode="after")
    def _sessions(self) -> SessionSection:
        if isinstance(self.sessions, int) and self.sessions < 1:
            raise ValueError("sessions must be at least 1 or \"forever\"")
        return self


class EvConfig(_Section):
    """The whole file. Every section is optional; an empty file means the seed's defaults."""

    mac: MacAddress | None = None  # the module to talk to (overrides -m, as in the seed)
    ev: EvSection = EvSection()
    battery: BatterySection = BatterySection()
    charging: ChargingSection = ChargingSection()
    session: SessionSection = SessionSection()

    @model_validator(mode="after")
    def _target(self) -> EvConfig:
        target = self.target_soc
        if target > self.battery.full_soc:
            raise ValueError(f"charging.target_soc {target:g} is above battery.full_soc"
                             f" {self.battery.full_soc:g}")
        self.battery_config()  # the model's own checks, reported as a configuration error
        return self

    @property
    def target_soc(self) -> float:
        return self.charging.target_soc if self.charging.target_soc is not None else self.battery.full_soc

    def battery_config(self) -> BatteryConfig:
        """The battery model of this configuration (v1-api §5.2 with its faults fixed)."""
        b = self.battery
        empty, full = b.voltage_range
        final = b.final_current if b.final_current is not None else min(10.0, b.target_current)
        return BatteryConfig(
            capacity_wh=b.capacity, initial_soc=b.initial_soc, target_soc=self.target_soc,
            bulk_soc=b.bulk_soc, full_soc=b.full_soc, max_voltage=b.max_voltage, max_current=b.max_current,
            max_power=b.max_power, voltage_empty=empty, voltage_full=full, charge_current=b.target_current,
            taper_soc=b.taper_soc if b.taper_soc is not None else b.bulk_soc, final_current=final)

    def with_overrides(self, **values: Any) -> EvConfig:
        """A copy with dotted keys replaced (``{"session.sessions": 3}``), validated again; a bad
        value is a :class:`ConfigError` naming the command line."""
        data = self.model_dump()
        for dotted, value in values.items():
            target = data
            *sections, key = dotted.split(".")
            for section in sections:
                target = target[section]
            target[key] = value
        return validate_config("command line", data, EvConfig)


def load_ev_config(path: str | Path) -> EvConfig:
    """Read and validate ``path`` (JSON or TOML); :class:`ConfigError` names file, key and rule."""
    return load_config(Path(path), EvConfig)
