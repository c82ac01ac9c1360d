"""V2G module 0x27, EV role: commands 0xA0-0xAE and status messages 0xC0-0xCD.

Manual 2.14 §18.9 (p123-p136) and §18.11 (p154-p161); manual 2.11 §17.9 (p120-p133) and §17.11
(p150-p156); hci-reference §3.9.3, §3.9.4; v1-api §1.7, §1.8, §2.9. The EV role is the same in
both generations except for two firmware variants, declared with ``Trailing`` so that both
layouts decode under both generations (v1-api §1.12): the Get Configuration response lost its
departure time in 2.11.2/2.14, and DC Charge Parameters Changed gained a tail in 2.11.2/2.14.

Class names carry the role (``EV...``) so that titles read "EV Set Configuration" and never
collide in meaning with the EVSE messages of the same module.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
)
from freev2g.hci.codecs import BOOL, MAC, S16, U8, U16, U32, Fixed, List, Opt, Phys, Record, Str, Trailing
from freev2g.hci.message import Command, ResponseMessage, Status, Struct
from freev2g.hci.modules import ModuleId

V2G = ModuleId.V2G


class NotificationType(enum.IntEnum):
    """What the EVSE asks for in Notification Received 0xCC (2.14 p160; 2.11 p156)."""

    STOP_CHARGING = 0
    RENEGOTIATION = 1


class EvSessionError(enum.IntEnum):
    """Session Error codes of the EV role (0xCD; 2.14 p161, 2.11 p156)."""

    SELECTED_PAYMENT_OPTION_UNAVAILABLE = 1
    SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE = 2
    WRONG_CHARGE_PARAMETER = 3
    POWER_DELIVERY_NOT_APPLIED = 4  # the EVSE is not able to deliver energy
    CHARGING_PROFILE_INVALID = 5
    CONTACTOR_ERROR = 6
    EVSE_PRESENT_VOLTAGE_TOO_LOW = 7
    UNSPECIFIED = 8  # no details delivered by the EVSE


# Field groups shared by a Set command and its Get response (one layout, declared once).


class EVConfiguration(Struct):
    """The session configuration of Set Configuration 0xA0 and the Get Configuration 0xA1
    response (2.14 p123-p125; 2.11 p120-p122)."""

    ev_id: Annotated[str, MAC]  # uint8[6]; the specification recommends the MAC address
    protocols: Annotated[list[Protocol], List(U8(0, 1), 1, 2)]
    payment_methods: Annotated[list[PaymentMethod], List(U8(0, 0), 1, 1)]  # EIM only
    energy_transfer_modes: Annotated[list[EnergyTransferMode], List(U8(0, 5), 1, 6)]
    battery_capacity: Annotated[float, Phys("Wh")]


class EVDCChargingUpdate(Struct):
    """The 10 fields of Update DC Charging Parameters 0xA3, the head of 0xA2 and 0xA4 (2.14
    p125-p129; 2.11 p122-p126)."""

    min_voltage: Annotated[float, Phys("V")]
    min_current: Annotated[float, Phys("A")]
    min_power: Annotated[float, Phys("W")]
    max_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]
    max_power: Annotated[float, Phys("W")]
    soc: Annotated[int, U8(0, 100, unit="%")]
    status: Annotated[EvErrorCode, U8(0, 7)]
    target_voltage: Annotated[float, Phys("V")]
    target_current: Annotated[float, Phys("A")]


class EVDCChargingParameters(EVDCChargingUpdate):
    """Set DC Charging Parameters 0xA2 and the Get response 0xA4, 35 bytes (2.14 p125, p128)."""

    full_soc: Annotated[int, U8(0, 100, unit="%")]
    bulk_soc: Annotated[int, U8(0, 100, unit="%")]
    energy_request: Annotated[float, Phys("Wh")]
    departure_time: Annotated[int, U32(unit="s")]  # from now


class EVACChargingUpdate(Struct):
    """The 6 fields of Update AC Charging Parameters 0xA6, the head of 0xA5 and 0xA7 (2.14
    p129-p132; 2.11 p126-p129)."""

    min_voltage: Annotated[float, Phys("V")]
    min_current: Annotated[float, Phys("A")]  # below it charging is not efficient for the EV
    min_power: Annotated[float, Phys("W")]
    max_voltage: Annotated[float, Phys("V")]  # RMS, phase to neutral
    max_current: Annotated[float, Phys("A")]  # per phase
    max_power: Annotated[float, Phys("W")]


class EVACChargingParameters(EVACChargingUpdate):
    """Set AC Charging Parameters 0xA5 and the Get response 0xA7, 25 bytes (2.14 p129, p131)."""

    energy_request: Annotated[float, Phys("Wh")]
    departure_time: Annotated[int, U32(unit="s")]  # from now


# Commands (host to module).


class EVSetConfiguration(Command, EVConfiguration, module=V2G, sub_id=0xA0):
    """Set Configuration for the next session (2.14 §18.9.1, p123-p124; 2.11 §17.9.1, p120-p121).

    The printed example (both manuals) writes the battery capacity in 2 bytes ``C3 50``; the
    table says exponential (3 bytes), as does the 2.14 Get Configuration example (``00 32 03``).
    Decided: exponential, per the table.
    """


class EVGetConfiguration(Command, module=V2G, sub_id=0xA1):
    """Get Configuration (2.14 §18.9.2, p124-p125; 2.11 §17.9.2, p121-p122)."""

    class Response(ResponseMessage, EVConfiguration):
        """Manual 2.11 appends a departure time ``u32`` (s, p122); manual 2.11.2 and 2.14 removed
        it (change history 2.14 p243; v1-api §1.12). Decided: ``Trailing``, so both layouts decode
        under both generations; encoded only when given.
        """

        departure_time: Annotated[int | None, Trailing(U32(unit="s"))] = None


class EVSetDCChargingParameters(Command, EVDCChargingParameters, module=V2G, sub_id=0xA2,
        title="EV Set DC Charging Parameters"):
    """Set DC Charging Parameters for the next session, 35 bytes (2.14 §18.9.3, p125-p126;
    2.11 §17.9.3, p122-p124). The examples print the departure time in 2 bytes ``0E 10``;
    the table says uint32: decided uint32 (hci-reference §7.3 #5)."""


class EVUpdateDCChargingParameters(Command, EVDCChargingUpdate, module=V2G, sub_id=0xA3,
        title="EV Update DC Charging Parameters"):
    """Update DC Charging Parameters during a session, 26 bytes (2.14 §18.9.4, p127-p128;
    2.11 §17.9.4, p124-p125)."""


class EVGetDCChargingParameters(Command, module=V2G, sub_id=0xA4,
        title="EV Get DC Charging Parameters"):
    """Get DC Charging Parameters (2.14 §18.9.5, p128-p129; 2.11 §17.9.5, p125-p126); departure
    time uint32 as in 0xA2 although the example prints 2 bytes."""

    class Response(ResponseMessage, EVDCChargingParameters):
        """The 35-byte layout of 0xA2 after the result code (p128)."""


class EVSetACChargingParameters(Command, EVACChargingParameters, module=V2G, sub_id=0xA5,
        title="EV Set AC Charging Parameters"):
    """Set AC Charging Parameters for the next session, 25 bytes (2.14 §18.9.6, p129-p130;
    2.11 §17.9.6, p126-p127); departure time uint32 although the example prints 2 bytes."""


class EVUpdateACChargingParameters(Command, EVACChargingUpdate, module=V2G, sub_id=0xA6,
        title="EV Update AC Charging Parameters"):
    """Update AC Charging Parameters, 18 bytes (2.14 §18.9.7, p130-p131; 2.11 §17.9.7, p127-p128)."""


class EVGetACChargingParameters(Command, module=V2G, sub_id=0xA7,
        title="EV Get AC Charging Parameters"):
    """Get AC Charging Parameters (2.14 §18.9.8, p131-p132; 2.11 §17.9.8, p128-p129); departure
    time uint32 although the example prints 2 bytes."""

    class Response(ResponseMessage, EVACChargingParameters):
        """The 25-byte layout of 0xA5 after the result code (p131)."""


class EVSetChargingProfile(Command, module=V2G, sub_id=0xA8):
    """Set Charging Profile, optional, after Charging Ready and before Start Charging (2.14
    §18.9.9, p132-p133; 2.11 §17.9.9, p129-p130). Without it the module uses the first schedule
    tuple (p233).

    The examples print the tuple ID in 1 byte; the table says sint16: decided sint16
    (hci-reference §7.3 #6). Their powers ``00 02 01`` are 20 W although the comment says 20 kW.
    """

    schedule_tuple_id: Annotated[int, S16]
    entries: Annotated[list[ScheduleEntry], List(None, 1, 24)]


class EVStartSession(Command, module=V2G, sub_id=0xA9):
    """Start Session: SDP, TCP and the V2G handshake follow (2.14 §18.9.10, p133; 2.11 p130)."""


class EVStartCableCheck(Command, module=V2G, sub_id=0xAA):
    """Start Cable Check after Cable Check Ready (2.14 §18.9.11, p133-p134; 2.11 p130-p131)."""


class EVStartPreCharging(Command, module=V2G, sub_id=0xAB):
    """Start Pre Charging after Pre Charging Ready (2.14 §18.9.12, p134; 2.11 p131)."""


class EVStartCharging(Command, module=V2G, sub_id=0xAC):
    """Start Charging after Charging Ready (2.14 §18.9.13, p134-p135; 2.11 p131-p132)."""


class EVStopCharging(Command, module=V2G, sub_id=0xAD):
    """Stop Charging; true asks for a renegotiation instead (2.14 §18.9.14, p135; 2.11 p132)."""

    renegotiation: Annotated[bool, BOOL]


class EVStopSession(Command, module=V2G, sub_id=0xAE):
    """Stop Session after Post Charging Ready; AC sessions stop by themselves (2.14 §18.9.15,
    p135-p136; 2.11 §17.9.15, p133). Both manuals print the 0xAD Stop Charging example here;
    the command has no parameters (table)."""


# Status messages (module to host, request ID 0xFF).


class EVSessionStarted(Status, module=V2G, sub_id=0xC0):
    """Session Started (2.14 §18.11.1, p154-p155; 2.11 §17.11.1, p150-p151).

    The example's payment byte ``01`` is labelled EIM although EIM is 0; it decodes as 1.
    """

    protocol: Annotated[Protocol, U8(0, 1)]
    session_id: Annotated[bytes, Fixed(8)]
    evse_id: Annotated[str, Str(0, 37)]  # DIN 91286 format for DIN, RFC 5234 structure for ISO
    payment_method: Annotated[PaymentMethod, U8(0, 1)]
    energy_transfer_mode: Annotated[EnergyTransferMode, U8(0, 5)]


class EVSEDCLimits(Struct):
    """The tail of DC Charge Parameters Changed added by manual 2.11.2 / 2.14 (p155-p156)."""

    isolation_status: Annotated[IsolationLevel | None, Opt(U8(0, 4))] = None
    voltage_limit_achieved: Annotated[bool, BOOL]
    current_limit_achieved: Annotated[bool, BOOL]
    power_limit_achieved: Annotated[bool, BOOL]
    peak_current_ripple: Annotated[float, Phys("A")]
    current_regulation_tolerance: Annotated[float | None, Opt(Phys("A"))] = None
    energy_to_be_delivered: Annotated[float | None, Opt(Phys("Wh"))] = None


class EVDCChargeParametersChanged(Status, module=V2G, sub_id=0xC1, title="EV DC Charge Parameters Changed"):
    """The EVSE's DC values changed (2.14 §18.11.2, p155-p156; 2.11 §17.11.2, p151-p152).

    Manual 2.11 ends after the EVSE status (25 bytes); 2.11.2 and 2.14 append isolation status
    ``uint8[0-1]``, three limit-achieved booleans, the peak current ripple and two optional
    values (v1-api §2.9). Decided: the appended fields are one ``Trailing`` group, ``limits``,
    so that both layouts decode under both generations and an absent isolation status is never
    confused with an absent tail. The 2.14 example omits the isolation presence byte and keeps
    the stale length 0x19 (hci-reference §7.3 #7): it is invalid.

    The present voltage is valid from Start Pre Charging until Session Stopped, the present
    current from Charging Started until Charging Stopped.
    """

    min_voltage: Annotated[float, Phys("V")]
    min_current: Annotated[float, Phys("A")]
    min_power: Annotated[float, Phys("W")]
    max_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]
    max_power: Annotated[float, Phys("W")]
    present_voltage: Annotated[float, Phys("V")]
    present_current: Annotated[float, Phys("A")]
    evse_status: Annotated[EvseStatus, U8(0, 6)]
    limits: Annotated[EVSEDCLimits | None, Trailing(Record(EVSEDCLimits))] = None


class EVACChargeParametersChanged(Status, module=V2G, sub_id=0xC2, title="EV AC Charge Parameters Changed"):
    """The EVSE's AC values changed (2.14 §18.11.3, p156-p157; 2.11 §17.11.3, p152)."""

    nominal_voltage: Annotated[float, Phys("V")]  # phase to neutral
    max_current: Annotated[float, Phys("A")]  # per phase
    rcd: Annotated[bool, BOOL]  # true: the RCD detected an error


class EVScheduleTuple(Struct):
    """One schedule tuple of Schedule Received: ID and 1-1024 entries, u16 count (2.14 p157)."""

    tuple_id: Annotated[int, S16]
    entries: Annotated[list[ScheduleEntry], List(None, 1, 1024, count=U16)]


class EVScheduleReceived(Status, module=V2G, sub_id=0xC3):
    """Schedule Received: 1-3 tuples (2.14 §18.11.4, p157-p158; 2.11 §17.11.4, p152-p153).

    The examples print a tuple count of 2 for one tuple and the tuple ID and entry count in one
    byte each; the table says sint16 / uint16: decided per the table (hci-reference §7.3 #6).
    """

    tuples: Annotated[list[EVScheduleTuple], List(None, 1, 3)]


class EVCableCheckReady(Status, module=V2G, sub_id=0xC4):
    """The cable check can be started (2.14 §18.11.5, p158; 2.11 p153)."""


class EVCableCheckFinished(Status, module=V2G, sub_id=0xC5):
    """The EVSE finished the cable check (2.14 §18.11.6, p158; 2.11 p153)."""


class EVPreChargingReady(Status, module=V2G, sub_id=0xC6):
    """Pre charging can be started (2.14 §18.11.7, p158-p159; 2.11 p154)."""


class EVChargingReady(Status, module=V2G, sub_id=0xC7):
    """Charging can be started (2.14 §18.11.8, p159; 2.11 p154)."""


class EVChargingStarted(Status, module=V2G, sub_id=0xC8):
    """Charging was started (2.14 §18.11.9, p159; 2.11 p154)."""


class EVChargingStopped(Status, module=V2G, sub_id=0xC9):
    """Charging was stopped (2.14 §18.11.10, p159-p160; 2.11 p155)."""


class EVPostChargingReady(Status, module=V2G, sub_id=0xCA):
    """Post charging can be started (2.14 §18.11.11, p160; 2.11 p155)."""


class EVSessionStopped(Status, module=V2G, sub_id=0xCB):
    """The session stopped (2.14 §18.11.12, p160; 2.11 p155)."""


class EVNotificationReceived(Status, module=V2G, sub_id=0xCC):
    """The EVSE asks to stop charging or to renegotiate (2.14 §18.11.13, p160-p161; 2.11 p156).

    The manual gives no unit for the maximum delay; decided seconds, as for the EVSE's Send
    Notification timeout whose example reads ``00 1E`` "30s" (p154; hci-reference §9.14).
    """

    type: Annotated[NotificationType, U8(0, 1)]
    max_delay: Annotated[int, U16(unit="s")]


class EVSessionError(Status, module=V2G, sub_id=0xCD):
    """Session Error (2.14 §18.11.14, p161; 2.11 §17.11.14, p156). The example's length 3 is
    wrong for its 1-byte payload."""

    code: Annotated[EvSessionError, U8(1, 8)]
