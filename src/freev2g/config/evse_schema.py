"""The EVSE application's configuration file (JSON or TOML; the seed had none, v1-api §6.1).

Every value the seed hard-coded is a key here, with the seed's value as the default
(v1-api §4.3 set-up: 400 V, 100 A, 25 kW, 500 V/s, 50 A/s). Sections:

* ``evse_id``: the DIN form (``+49*123*456*789``, at most 32 characters) and the ISO form
  (``DE*ABC*E*00001*01``, at most 38), manual 2.11 p158 / 2.14 p136;
* ``protocols`` (``din``, ``iso2``), ``payment_options`` (``eim``, ``contract``),
  ``energy_transfer_modes`` (names or the manual's numbers 0-5);
* ``sdp``: the SDP server ports (49152-65535, different; p135 / p145);
* ``charger``: limits, ramp rates, pre-charge current, isolation test, AC values;
* ``schedules``: 1-3 tuples of (start, interval, max power) entries; the module's "max entries"
  trims them when they are sent (p142, p147);
* ``authorization``: ``prompt``, ``always``, ``never`` or ``allowlist:FILE``;
* ``sessions``: a number or ``forever``; ``timeouts``: how long the host waits;
* ``connectors``: a park, one process for several modules (:class:`ConnectorSettings`).

The default schedule reproduces the seed README's line ``Set the schedule: [(0, 65535, 25000),
(1, 65535, 25000)]`` with "Max entries: 2": 48 h at 25 kW in 65535 s entries (the 2021 code).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from freev2g.hci.catalog.v2g_types import EnergyTransferMode

DEFAULT_EVSE_MAC = "00:01:01:63:77:33"  # the manual's example EVSE MAC
DEFAULT_FILE = "./evse.json"

_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$")
_AUTHORIZATION = re.compile(r"^(prompt|always|never|allowlist:.+)$")
MODE_NAMES = {mode.name.lower(): mode for mode in EnergyTransferMode}
DIN_ALLOWED_MODES = ({0}, {1}, {2}, {1, 2})  # manual 2.11 p138, v1 only


def _mac(text: str) -> str:
    if not _MAC.match(text):
        raise ValueError("a MAC address like 00:01:01:63:77:33")
    return text.lower().replace("-", ":")


def _authorization(text: str) -> str:
    if not _AUTHORIZATION.match(text):
        raise ValueError("must be prompt, always, never or allowlist:FILE")
    return text


def _mode(value: str | int) -> int:
    if isinstance(value, int):
        if not 0 <= value <= 5:
            raise ValueError("must be 0-5 or a name")
        return value
    try:
        return int(MODE_NAMES[value.lower()])
    except KeyError:
        raise ValueError(f"must be one of {', '.join(MODE_NAMES)} (or 0-5)") from None


def _sessions(value: int | str) -> int | Literal["forever"]:
    if value == "forever":
        return "forever"
    if isinstance(value, int) and value >= 1:
        return value
    raise ValueError("must be a number >= 1 or \"forever\"")


MacAddress = Annotated[str, AfterValidator(_mac)]
Volts = Annotated[float, Field(ge=0, le=1500)]
Amperes = Annotated[float, Field(ge=0, le=1000)]
Watts = Annotated[float, Field(gt=0, le=1_000_000)]
Seconds = Annotated[float, Field(gt=0, le=86_400)]
Port = Annotated[int, Field(ge=49152, le=65535)]
Mode = Annotated[str | int, AfterValidator(_mode)]
ProtocolName = Literal["din", "iso2"]
PaymentName = Literal["eim", "contract"]


def _all_protocols() -> list[ProtocolName]:
    return ["din", "iso2"]


def _eim_only() -> list[PaymentName]:
    return ["eim"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvseIds(Section):
    din: str = Field(default="+49*123*456*789", min_length=1, max_length=32)
    iso: str = Field(default="DE*ABC*E*00001*01", min_length=1, max_length=38)


class SdpSettings(Section):
    allow_unsecure: bool = True
    unsecure_port: Port | None = None  # None: the module picks a random port
    allow_secure: bool = False
    secure_port: Port | None = None

    @model_validator(mode="after")
    def _ports(self) -> SdpSettings:
        if not (self.allow_unsecure or self.allow_secure):
            raise ValueError("allow_unsecure or allow_secure must be true")
        if self.unsecure_port is not None and self.unsecure_port == self.secure_port:
            raise ValueError("unsecure_port and secure_port must differ")
        return self

    @property
    def configured(self) -> bool:
        """Whether Set SDP Config is sent (the seed never sent it: random ports)."""
        return self.unsecure_port is not None or self.secure_port is not None or self.allow_secure


class ChargerSettings(Section):
    max_voltage: Annotated[float, Field(gt=0, le=1500)] = 400
    min_voltage: Volts = 0
    max_current: Annotated[float, Field(gt=0, le=1000)] = 100
    min_current: Amperes = 0
    max_power: Watts = 25000
    voltage_ramp: Annotated[float, Field(gt=0, le=100_000)] = 500  # V/s
    current_ramp: Annotated[float, Field(gt=0, le=100_000)] = 50  # A/s
    pre_charge_current: Annotated[float, Field(gt=0, le=20)] = 2  # A; DIN SPEC 70121: <= 2 A
    peak_current_ripple: Amperes = 2
    current_regulation_tolerance: Amperes | None = None
    energy_to_be_delivered: Annotated[float, Field(gt=0)] | None = None  # Wh
    isolation_test_time: Annotated[float, Field(ge=0, le=60)] = 1.0  # s
    ac_nominal_voltage: Annotated[float, Field(gt=0, le=1000)] = 230  # V, phase to neutral
    ac_max_current: Annotated[float, Field(gt=0, le=1000)] = 32  # A per phase

    @model_validator(mode="after")
    def _ranges(self) -> ChargerSettings:
        if self.min_voltage > self.max_voltage:
            raise ValueError("min_voltage must not exceed max_voltage")
        if self.min_current > self.max_current:
            raise ValueError("min_current must not exceed max_current")
        return self


class ScheduleEntrySettings(Section):
    start: Annotated[int, Field(ge=0, le=0xFFFFFFFF)]  # s from the moment the schedule is sent
    interval: Annotated[int, Field(ge=0, le=0xFFFFFFFF)]  # s
    max_power: Watts


def _seed_schedule() -> list[ScheduleSettings]:
    chunk, total = 65535, 48 * 3600
    starts = range(0, total, chunk)
    entries = [ScheduleEntrySettings(start=s, interval=min(chunk, total - s), max_power=25000)
               for s in starts]
    return [ScheduleSettings(id=1, entries=entries)]


class ScheduleSettings(Section):
    id: Annotated[int, Field(ge=-32768, le=32767)] = 1  # ISO 15118-2 wants 1-255
    entries: list[ScheduleEntrySettings] = Field(min_length=1, max_length=1024)

    @model_validator(mode="after")
    def _ordered(self) -> ScheduleSettings:
        starts = [entry.start for entry in self.entries]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("entries must be in increasing order of start")
        if starts[0] != 0:
            raise ValueError("the first entry must start at 0")
        return self


class TimeoutSettings(Section):
    ev_connect: Seconds | None = None  # None: wait for the EV as long as it takes (seed)
    slac_matching: Seconds = 60  # the module gives up after 50 s (p107)
    session_idle: Seconds = 30  # no V2G message for this long ends the session (seed)
    session_start: Seconds = 60  # from Start V2G to Session Started
    authorization_prompt: Seconds | None = None  # operator's time at most; None: the module's deadline - 1 s


class ConnectorSettings(Section):
    """One connector of a park (``freev2g evse -c park.toml``, issue 6 item 7): its name and what
    differs from the top-level settings. Tables override key by key; the merged settings are
    validated as a whole by :func:`freev2g.apps.park.park_connectors`, which names the connector
    in every error."""

    name: str = Field(min_length=1, max_length=64)
    mac: MacAddress | None = None
    interface: str | None = None
    evse_id: dict[str, Any] | None = None
    protocols: list[Any] | None = None
    payment_options: list[Any] | None = None
    energy_transfer_modes: list[Any] | None = None
    sdp: dict[str, Any] | None = None
    charger: dict[str, Any] | None = None
    schedules: list[Any] | None = None
    authorization: str | None = None
    sessions: int | str | None = None
    timeouts: dict[str, Any] | None = None

    def overrides(self) -> dict[str, Any]:
        """The keys the connector sets, as written."""
        return self.model_dump(exclude={"name"}, exclude_unset=True)


class EvseSettings(Section):
    """The whole file. Unknown keys are errors (the loader names the key and the allowed ones)."""

    mac: MacAddress = DEFAULT_EVSE_MAC
    interface: str | None = None
    evse_id: EvseIds = Field(default_factory=EvseIds)
    protocols: list[ProtocolName] = Field(default_factory=_all_protocols, min_length=1, max_length=2)
    payment_options: list[PaymentName] = Field(default_factory=_eim_only, min_length=1, max_length=2)
    energy_transfer_modes: list[Mode] = Field(default_factory=lambda: ["dc_extended"], min_length=1,
                                              max_length=6, validate_default=True)
    sdp: SdpSettings = Field(default_factory=SdpSettings)
    charger: ChargerSettings = Field(default_factory=ChargerSettings)
    schedules: list[ScheduleSettings] = Field(default_factory=_seed_schedule, min_length=1, max_length=3)
    authorization: Annotated[str, AfterValidator(_authorization)] = "prompt"
    sessions: Annotated[int | str, AfterValidator(_sessions)] = 1
    timeouts: TimeoutSettings = Field(default_factory=TimeoutSettings)
    connectors: list[ConnectorSettings] = Field(default_factory=list)  # a park: one entry per connector

    @model_validator(mode="after")
    def _consistent(self) -> EvseSettings:
        for key in ("protocols", "payment_options", "energy_transfer_modes"):
            values = getattr(self, key)
            if len(set(values)) != len(values):
                raise ValueError(f"{key} lists a value twice")
        if "eim" not in self.payment_options:
            raise ValueError("payment_options must contain eim (mandatory for the EVSE, manual 2.14 p136)")
        ids = [schedule.id for schedule in self.schedules]
        if len(set(ids)) != len(ids):
            raise ValueError("schedules: two schedules have the same id")
        return self

    @property
    def modes(self) -> list[EnergyTransferMode]:
        return [EnergyTransferMode(int(mode)) for mode in self.energy_transfer_modes]

    @property
    def offers_dc(self) -> bool:
        return any(mode.is_dc for mode in self.modes)

    @property
    def offers_ac(self) -> bool:
        return any(not mode.is_dc for mode in self.modes)

    def din_mode_problem(self) -> str | None:
        """Manual 2.11 p138 (v1 only): with DIN the modes must be {0}, {1}, {2} or {1, 2}."""
        if "din" in self.protocols and {int(m) for m in self.energy_transfer_modes} not in DIN_ALLOWED_MODES:
            return ("energy_transfer_modes: with din among the protocols, v1 firmware allows only"
                    " [dc_core], [dc_extended], [dc_combo_core] or [dc_extended, dc_combo_core]")
        return None
