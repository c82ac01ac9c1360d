"""Enumerations and records shared by the V2G messages of both generations (module 0x27).

Manual 2.14 §18.1-§18.7 (p119-p122), manual 2.11 §17.1-§17.7 (p115-p118); hci-reference §3.9.1.
Each generation's own enums (the v1 EVSE protocol list, for example) live with its messages.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.codecs import U32, Phys
from freev2g.hci.message import Struct


class V2gMode(enum.IntEnum):
    EV = 0
    EVSE = 1
    UNDEFINED = 2  # only returned by Get Mode


class Protocol(enum.IntEnum):
    """Protocol numbers of the EV role (both generations) and of the v2 EVSE role."""

    DIN_70121 = 0
    ISO_15118_2 = 1


class PaymentMethod(enum.IntEnum):
    EIM = 0  # external identification means; mandatory for the EVSE
    CONTRACT = 1  # Plug & Charge


class EnergyTransferMode(enum.IntEnum):
    DC_CORE = 0
    DC_EXTENDED = 1
    DC_COMBO_CORE = 2
    DC_UNIQUE = 3
    AC_SINGLE_PHASE = 4
    AC_THREE_PHASE = 5

    @property
    def is_dc(self) -> bool:
        return self <= EnergyTransferMode.DC_UNIQUE


class EvErrorCode(enum.IntEnum):
    """EV status / error code (EV commands 0xA2-0xA4, EVSE status 0x83 and 0x85)."""

    NO_ERROR = 0  # "ready"
    RESS_TEMPERATURE_INHIBIT = 1
    EV_SHIFT_POSITION = 2
    CHARGER_CONNECTOR_LOCK_FAULT = 3
    EV_RESS_MALFUNCTION = 4
    CHARGING_CURRENT_DIFFERENTIAL = 5
    CHARGING_VOLTAGE_OUT_OF_RANGE = 6
    CHARGING_SYSTEM_INCOMPATIBILITY = 7


class EvseStatus(enum.IntEnum):
    READY = 0
    NOT_READY = 1
    SHUTDOWN = 2
    UTILITY_INTERRUPT_EVENT = 3
    ISOLATION_MONITORING_ACTIVE = 4
    EMERGENCY_SHUTDOWN = 5
    MALFUNCTION = 6


class IsolationLevel(enum.IntEnum):
    INVALID = 0  # no test performed
    VALID = 1
    WARNING = 2
    FAULT = 3
    NO_IMD = 4


class SessionClosure(enum.IntEnum):
    TERMINATE = 0
    PAUSE = 1  # the session can be resumed later


class ScheduleEntry(Struct):
    """One entry of a schedule tuple or charging profile: start and interval in seconds from
    now, maximum power in W (manual 2.14 p147-p149, p132)."""

    start: Annotated[int, U32(unit="s")]
    interval: Annotated[int, U32(unit="s")]
    power: Annotated[float, Phys("W")]


class ProfileEntry(Struct):
    """One entry of the EV's power profile in Start Charging Requested (EVSE status 0x89 of both
    generations): start in seconds from now and power in W (manual 2.14 p167; 2.11 p162)."""

    start: Annotated[int, U32(unit="s")]
    power: Annotated[float, Phys("W")]
