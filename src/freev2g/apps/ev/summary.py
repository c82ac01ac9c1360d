"""What the EV application reports about its sessions, and its two clocks."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from freev2g.hci.catalog.v2g_types import EnergyTransferMode, Protocol


class Phase(enum.Enum):
    STARTING = "starting"  # Start Session sent, waiting for the discovery results
    CABLE_CHECK = "cable check"
    PRE_CHARGE = "pre charge"
    READY = "charging ready"  # waiting for the present voltage to fit (DC)
    STARTING_CHARGE = "start charging"  # Start Charging sent
    CHARGING = "charging"
    STOPPING = "stopping charging"  # Stop Charging sent
    POST_CHARGE = "post charge"  # DC welding detection
    STOPPING_SESSION = "stopping session"  # waiting for Session Stopped
    ENDED = "ended"


class EndReason(enum.Enum):
    TARGET_REACHED = "target SOC reached"
    EVSE_STOPPED = "the EVSE stopped charging"
    SESSION_ERROR = "session error"
    REFUSED = "charging parameters out of range"
    UNPLUGGED = "unplugged"
    TIMEOUT = "timeout"
    MODULE_ERROR = "module error"
    NO_EVSE = "no EVSE"
    SLAC_FAILED = "SLAC failed"
    INTERRUPTED = "interrupted"

    @property
    def normal(self) -> bool:
        """The session ended as a session should: the EV or the EVSE stopped charging."""
        return self in (EndReason.TARGET_REACHED, EndReason.EVSE_STOPPED)


@dataclass
class SessionSummary:
    number: int
    reason: EndReason
    detail: str = ""
    protocol: Protocol | None = None
    energy_transfer_mode: EnergyTransferMode | None = None
    soc_from: float = 0.0
    soc_to: float = 0.0
    energy_wh: float = 0.0
    duration_s: float = 0.0
    charged: bool = False  # Charging Started was reached


@dataclass
class Clocks:
    """``now`` for protocol timing (loop time); ``physical`` for the battery and the schedule, which
    may run ``scale`` times faster so that a demo charges in seconds."""

    now: Callable[[], float]
    scale: float = 1.0

    def __post_init__(self) -> None:
        self._origin = self.now()

    def physical(self) -> float:
        return self._origin + (self.now() - self._origin) * self.scale
