"""Physical models behind a session: the EVSE power stage and the EV battery (v1-api §5).

The EVSE side drives a :class:`PowerStage` (the :class:`SimulatedCharger`, or real power
electronics implementing the same protocol); the EV side reads its requests from a
:class:`Battery`. Time is always passed in; nothing here reads a clock.
"""

from freev2g.models.battery import Battery, BatteryConfig
from freev2g.models.charger import (
    PRE_CHARGE_MAX_CURRENT,
    ChargerLimits,
    IsolationVerdict,
    PowerStage,
    RampRates,
    SimulatedCharger,
)

__all__ = [
    "PRE_CHARGE_MAX_CURRENT",
    "Battery",
    "BatteryConfig",
    "ChargerLimits",
    "IsolationVerdict",
    "PowerStage",
    "RampRates",
    "SimulatedCharger",
]
