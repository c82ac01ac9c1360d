"""The simulated car of ``freev2g emulate --role evse --car-config FILE`` (JSON or TOML).

The same settings as the car's command-line flags, under the same names; a flag given on the
command line wins over the file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from freev2g.config.loader import ConfigModel

Point = Literal["slac", "session-setup", "cable-check", "pre-charge", "charging", "welding-detection"]


class CarSettings(ConfigModel):
    protocol: list[Literal["din", "iso2"]] = Field(default=["iso2", "din"], min_length=1, max_length=2)
    mode: Literal["dc", "ac"] = "dc"
    soc: float = Field(default=20.0, ge=0, le=100)  # % at plug-in
    target_soc: float = Field(default=80.0, gt=0, le=100)  # %
    capacity: float = Field(default=50.0, gt=0, le=1000)  # kWh
    charge_time: float | None = Field(default=None, gt=0)  # s
    plug_in_delay: float = Field(default=1.0, ge=0, le=3600)  # s
    unplug_at: Point | None = None
    silent_at: Point | None = None
