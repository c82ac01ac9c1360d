"""V2G module 0x27, EVSE role, API generation v1 (manual 2.11 §17.10 p133-p150, §17.12 p157-p166).

Generation v1 is request/answer (v1-api §1.5, §1.6, §1.9): the module raises a "Request X" status
carrying a u32 timeout in ms, and the host must answer with the matching "Set X" command before it
expires. Every "Set X" starts with an application code; the fields after it exist only for some
codes (``When``). DC and AC parameter blocks are selected by a type byte (``Tagged``), one Struct
per block. All Set commands are answered with the result code only.

Generation v2 (manual 2.14) reuses the same Sub-IDs for different messages, hence V1_ONLY.
The common commands 0x40-0x43 live in another module.

Decision on v1-api §1.12 ("parse status payloads tolerantly"): only the one documented firmware
variant is accepted, the closure type of 0x81 (``Trailing``); other unexpected trailing bytes
stay a PayloadError, so a layout mistake is not silently hidden.
"""

from __future__ import annotations

import enum
from typing import Annotated

from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    IsolationLevel,
    PaymentMethod,
    ScheduleEntry,
    SessionClosure,
)
from freev2g.hci.codecs import (
    BOOL,
    S16,
    U8,
    U16,
    U32,
    Blob,
    Fixed,
    List,
    Opt,
    Phys,
    Str,
    Tagged,
    Trailing,
    When,
)
from freev2g.hci.message import Command, ResponseMessage, Status, Struct
from freev2g.hci.modules import V1_ONLY, ModuleId

V2G = ModuleId.V2G

# --- enumerations of the v1 EVSE role --------------------------------------------------------


class EvseProtocolV1(enum.IntEnum):
    """Protocol numbers of the v1 EVSE role (p133, p157); v2 numbers ISO 15118-2:2014 as 1."""

    DIN_70121 = 0
    ISO_15118_2_2010 = 1  # "currently not supported"
    ISO_15118_2_2014 = 2
    ISO_15118_20 = 3  # "currently not supported"


class ChargeType(enum.IntEnum):
    """The type byte selecting the DC or the AC parameter block (e.g. p141, p158)."""

    DC = 0
    AC = 1


class EvseIdFormat(enum.IntEnum):
    """Requested EVSE ID format (p158)."""

    DIN = 0  # "+49*123*456*789", at most 32 characters
    ISO = 1  # "DE*A23*E45B*78C", at most 38 characters


class EvseIdCode(enum.IntEnum):
    """Code of Set EVSE ID (p139)."""

    SUCCESS = 0
    NO_EVSE_ID_AVAILABLE = 1


class AuthorizationCode(enum.IntEnum):
    """Code of Set Authorization Status (p140)."""

    AUTHORIZATION_SUCCEEDED = 0
    AUTHORIZATION_FAILED = 1


class ParameterCode(enum.IntEnum):
    """Code of Set Discovery Charge Parameters and Set Post Charge Parameters (p141, p149)."""

    EV_PARAMETERS_ACCEPTED = 0
    EV_PARAMETERS_INVALID = 1
    UNABLE_TO_DELIVER_EVSE_PARAMETERS = 2


class ExtendedParameterCode(enum.IntEnum):
    """Code of Set Cable Check, Pre Charge and Charge Loop Parameters (p144, p145, p147): the
    codes of :class:`ParameterCode` plus 3 and 4 (added in 2.11, change history p209)."""

    EV_PARAMETERS_ACCEPTED = 0
    EV_PARAMETERS_INVALID = 1
    UNABLE_TO_DELIVER_EVSE_PARAMETERS = 2
    STOP_CHARGING = 3
    RENEGOTIATE = 4


class ScheduleCode(enum.IntEnum):
    """Code of Set Schedules (p142)."""

    OK = 0
    UNABLE_TO_DELIVER_SCHEDULES = 1


class CableCheckCode(enum.IntEnum):
    """Code of Set Cable Check Status (p143)."""

    CABLE_CHECK_SUCCEEDED = 0
    CABLE_CHECK_FAILED = 1


class StartChargingCode(enum.IntEnum):
    """Code of Set Start Charging Status (p146)."""

    CHARGING_STARTED = 0
    CHARGING_COULD_NOT_BE_STARTED = 1


class StopChargingCode(enum.IntEnum):
    """Code of Set Stop Charging Status (p148). The 2.8 change history (p209) mentions "additional
    codes" here, but the 2.11 table lists only 0 and 1: the table is followed."""

    CHARGING_STOPPED = 0
    CHARGING_COULD_NOT_BE_STOPPED = 1


ACCEPTED = ParameterCode.EV_PARAMETERS_ACCEPTED
# Codes after which the parameter block follows in 0x6D, 0x6E and 0x70 (p144, p145, p147).
WITH_PARAMETERS = (ExtendedParameterCode.EV_PARAMETERS_ACCEPTED, ExtendedParameterCode.STOP_CHARGING,
                   ExtendedParameterCode.RENEGOTIATE)

Soc = Annotated[int, U8(0, 100, unit="%")]
Port = U16(49152, 65535)

# --- configuration commands 0x60-0x67 (before Start) -----------------------------------------


class SetSupportedProtocols(Command, module=V2G, sub_id=0x60, generations=V1_ONLY):
    """Set supported protocols (manual 2.11 §17.10.1, p133-p134); only before Start."""

    protocols: Annotated[list[EvseProtocolV1], List(U8, 1, 4)]


class GetSupportedProtocols(Command, module=V2G, sub_id=0x61, generations=V1_ONLY):
    """Get supported protocols (manual 2.11 §17.10.2, p134-p135). Both printed examples have
    wrong length fields (v1-api §1.10); the frames follow the table."""

    class Response(ResponseMessage):
        protocols: Annotated[list[EvseProtocolV1], List(U8, 1, 4)]


class SdpConfig(Struct):
    """SDP server ports (p135): each port follows only when its kind of connection is allowed.
    The two ports must differ; the module checks that (result 0x10), not this declaration."""

    allow_unsecure: Annotated[bool, BOOL]
    unsecure_port: Annotated[int | None, When("allow_unsecure", {True}, Port)] = None
    allow_secure: Annotated[bool, BOOL]
    secure_port: Annotated[int | None, When("allow_secure", {True}, Port)] = None


class SetSdpConfig(SdpConfig, Command, module=V2G, sub_id=0x62, generations=V1_ONLY,
                   title="Set SDP Config"):
    """Set SDP config (manual 2.11 §17.10.3, p135); without it the ports are random."""


class GetSdpConfig(Command, module=V2G, sub_id=0x63, generations=V1_ONLY, title="Get SDP Config"):
    """Get SDP config (manual 2.11 §17.10.4, p135-p136)."""

    class Response(SdpConfig, ResponseMessage):
        pass


class PaymentOptions(Struct):
    """Payment options (p136): the list follows only when authorization is required."""

    authorization_required: Annotated[bool, BOOL]
    payment_options: Annotated[
        list[PaymentMethod] | None, When("authorization_required", {True}, List(U8, 1, 2))] = None


class SetPaymentOptions(PaymentOptions, Command, module=V2G, sub_id=0x64, generations=V1_ONLY):
    """Set payment options (manual 2.11 §17.10.5, p136-p137); contract payment is "currently not
    supported" by v1 firmware."""


class GetPaymentOptions(Command, module=V2G, sub_id=0x65, generations=V1_ONLY):
    """Get payment options (manual 2.11 §17.10.6, p137-p138)."""

    class Response(PaymentOptions, ResponseMessage):
        pass


class SetEnergyTransferModes(Command, module=V2G, sub_id=0x66, generations=V1_ONLY):
    """Set energy transfer modes (manual 2.11 §17.10.7, p138).

    Decision: the count is 1-4 as both tables say (p138, p139), although six modes exist. With
    DIN among the protocols only {0}, {1}, {2} or {1, 2} are allowed; that depends on 0x60, so
    the module checks it, not this declaration.
    """

    modes: Annotated[list[EnergyTransferMode], List(U8, 1, 4)]


class GetEnergyTransferModes(Command, module=V2G, sub_id=0x67, generations=V1_ONLY):
    """Get energy transfer modes (manual 2.11 §17.10.8, p138-p139)."""

    class Response(ResponseMessage):
        modes: Annotated[list[EnergyTransferMode], List(U8, 1, 4)]


# --- answers to the module's requests 0x68-0x72 ----------------------------------------------


class SetEvseId(Command, module=V2G, sub_id=0x68, generations=V1_ONLY, title="Set EVSE ID"):
    """Set EVSE ID, answer to Request EVSE ID 0x82 (manual 2.11 §17.10.9, p139-p140).

    The ID is present only with code SUCCESS, in the format 0x82 asked for. The example's
    annotation "11 byte" is wrong; its length 0x0C is right (v1-api §1.10).
    """

    code: Annotated[EvseIdCode, U8]
    evse_id: Annotated[str | None, When("code", {EvseIdCode.SUCCESS}, Str(0, 38))] = None


class SetAuthorizationStatus(Command, module=V2G, sub_id=0x69, generations=V1_ONLY):
    """Set Authorization Status, answer to 0x83 (manual 2.11 §17.10.10, p140)."""

    code: Annotated[AuthorizationCode, U8]


class DcDiscoveryParameters(Struct):
    """DC block of Set Discovery Charge Parameters (p141)."""

    isolation: Annotated[IsolationLevel, U8]
    max_current: Annotated[float, Phys("A")]
    min_current: Annotated[float, Phys("A")]
    max_voltage: Annotated[float, Phys("V")]
    min_voltage: Annotated[float, Phys("V")]
    max_power: Annotated[float, Phys("W")]
    current_regulation_tolerance: Annotated[float | None, Opt(Phys("A"))] = None
    peak_current_ripple: Annotated[float, Phys("A")]
    energy_to_be_delivered: Annotated[float | None, Opt(Phys("Wh"))] = None


class AcDiscoveryParameters(Struct):
    """AC block of Set Discovery Charge Parameters (p141-p142). ``rcd`` true: the RCD has
    detected an error (informational); the nominal voltage is phase to neutral."""

    rcd: Annotated[bool, BOOL]
    nominal_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]


class SetDiscoveryChargeParameters(Command, module=V2G, sub_id=0x6A, generations=V1_ONLY):
    """Set Discovery Charge Parameters, answer to 0x84 (manual 2.11 §17.10.11, p140-p142).
    The type byte and its block follow only with code 0."""

    code: Annotated[ParameterCode, U8]
    parameters: Annotated[
        DcDiscoveryParameters | AcDiscoveryParameters | None,
        When("code", {ACCEPTED},
             Tagged(U8, {ChargeType.DC: DcDiscoveryParameters, ChargeType.AC: AcDiscoveryParameters})),
    ] = None


class ScheduleTuple(Struct):
    """One schedule tuple of Set Schedules (p142-p143): s16 ID and a u16-counted entry list."""

    tuple_id: Annotated[int, S16]
    entries: Annotated[list[ScheduleEntry], List(None, 1, 255, count=U16)]


class SetSchedules(Command, module=V2G, sub_id=0x6B, generations=V1_ONLY):
    """Set Schedules, answer to Request Schedules 0x85 (manual 2.11 §17.10.12, p142-p143).

    Decision: the table (u8 tuple count, s16 tuple ID, u16 entry count) wins over the example on
    p143, which prints a tuple count of 2 for one tuple, 1-byte ID and count, and 50 W for the
    annotated 50 kW; the seed and the 2.14 example (p148-p149) use the table's layout. The total
    of entries must respect Request Schedules' ``max_entries`` (checked by the module).
    """

    code: Annotated[ScheduleCode, U8]
    schedule_tuples: Annotated[
        list[ScheduleTuple] | None, When("code", {ScheduleCode.OK}, List(None, 1, 3))] = None


class SetCableCheckStatus(Command, module=V2G, sub_id=0x6C, generations=V1_ONLY):
    """Set Cable Check Status, answer to 0x86 once the isolation test is done
    (manual 2.11 §17.10.13, p143-p144)."""

    code: Annotated[CableCheckCode, U8]


class DcIsolationStatus(Struct):
    """DC block holding only the isolation level (0x6D p144, 0x6F p146, 0x71 p148)."""

    isolation: Annotated[IsolationLevel, U8]


class AcRcdStatus(Struct):
    """AC block holding only the RCD status; true = the RCD has detected an error (p146, p149)."""

    rcd: Annotated[bool, BOOL]


class DcIsolationVoltage(Struct):
    """DC block: isolation level and the EVSE's output voltage (0x6E p145, 0x72 p149)."""

    isolation: Annotated[IsolationLevel, U8]
    present_voltage: Annotated[float, Phys("V")]


class SetCableCheckParameters(Command, module=V2G, sub_id=0x6D, generations=V1_ONLY):
    """Set Cable Check Parameters, answer to every 0x87 (manual 2.11 §17.10.14, p144-p145).
    The DC-only block follows with codes 0, 3 and 4."""

    code: Annotated[ExtendedParameterCode, U8]
    parameters: Annotated[
        DcIsolationStatus | None,
        When("code", WITH_PARAMETERS, Tagged(U8, {ChargeType.DC: DcIsolationStatus})),
    ] = None


class SetPreChargeParameters(Command, module=V2G, sub_id=0x6E, generations=V1_ONLY):
    """Set Pre Charge Parameters, answer to every 0x88 (manual 2.11 §17.10.15, p145).
    The DC-only block follows with codes 0, 3 and 4. The example's length 0x03 is wrong (six
    bytes follow) and it writes 400 V as ``00 04 02``; we encode ``01 90 00``."""

    code: Annotated[ExtendedParameterCode, U8]
    parameters: Annotated[
        DcIsolationVoltage | None,
        When("code", WITH_PARAMETERS, Tagged(U8, {ChargeType.DC: DcIsolationVoltage})),
    ] = None


class SetStartChargingStatus(Command, module=V2G, sub_id=0x6F, generations=V1_ONLY):
    """Set Start Charging Status, answer to 0x89 (manual 2.11 §17.10.16, p146).

    Decision: the table (code, type, then isolation or RCD) wins over the example, which omits
    the type byte (``00 01`` would read as AC with the RCD byte missing); the seed sends the
    table's form.
    """

    code: Annotated[StartChargingCode, U8]
    parameters: Annotated[
        DcIsolationStatus | AcRcdStatus | None,
        When("code", {StartChargingCode.CHARGING_STARTED},
             Tagged(U8, {ChargeType.DC: DcIsolationStatus, ChargeType.AC: AcRcdStatus})),
    ] = None


class DcChargeLoopParameters(Struct):
    """DC block of Set Charge Loop Parameters (p147): present values, optional limits, and
    whether each limit is reached."""

    isolation: Annotated[IsolationLevel, U8]
    present_voltage: Annotated[float, Phys("V")]
    present_current: Annotated[float, Phys("A")]
    max_current: Annotated[float | None, Opt(Phys("A"))] = None
    max_voltage: Annotated[float | None, Opt(Phys("V"))] = None
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    current_limit_reached: Annotated[bool, BOOL]
    voltage_limit_reached: Annotated[bool, BOOL]
    power_limit_reached: Annotated[bool, BOOL]


class AcChargeLoopParameters(Struct):
    """AC block of Set Charge Loop Parameters (p147-p148): line current limit per phase, RCD."""

    max_current: Annotated[float | None, Opt(Phys("A"))] = None
    rcd: Annotated[bool, BOOL]


class SetChargeLoopParameters(Command, module=V2G, sub_id=0x70, generations=V1_ONLY):
    """Set Charge Loop Parameters, answer to every 0x8A (manual 2.11 §17.10.17, p146-p148).

    ``timeout`` (seconds until charging is stopped or renegotiated) follows the code only with
    codes 3 and 4; the type byte and its block follow with codes 0, 3 and 4 (p147).
    """

    code: Annotated[ExtendedParameterCode, U8]
    timeout: Annotated[
        int | None,
        When("code", {ExtendedParameterCode.STOP_CHARGING, ExtendedParameterCode.RENEGOTIATE}, U16(unit="s")),
    ] = None
    parameters: Annotated[
        DcChargeLoopParameters | AcChargeLoopParameters | None,
        When("code", WITH_PARAMETERS,
             Tagged(U8, {ChargeType.DC: DcChargeLoopParameters, ChargeType.AC: AcChargeLoopParameters})),
    ] = None


class SetStopChargingStatus(Command, module=V2G, sub_id=0x71, generations=V1_ONLY):
    """Set Stop Charging Status, answer to 0x8B (manual 2.11 §17.10.18, p148-p149).

    The example ``00 01 01`` is annotated "DC, Valid" but type 1 is AC; its bytes are a valid AC
    answer with the RCD reporting an error. Decision: decoded as the bytes say (AC); the DC
    answer the annotation meant is ``00 00 01``.
    """

    code: Annotated[StopChargingCode, U8]
    parameters: Annotated[
        DcIsolationStatus | AcRcdStatus | None,
        When("code", {StopChargingCode.CHARGING_STOPPED},
             Tagged(U8, {ChargeType.DC: DcIsolationStatus, ChargeType.AC: AcRcdStatus})),
    ] = None


class SetPostChargeParameters(Command, module=V2G, sub_id=0x72, generations=V1_ONLY):
    """Set Post Charge Parameters, answer to every 0x8C (manual 2.11 §17.10.19, p149-p150).

    The DC-only block follows with code 0. Decision: the example's type byte ``01`` contradicts
    the table (DC = 0 is the only type) and is refused; the seed sends 0.
    """

    code: Annotated[ParameterCode, U8]
    parameters: Annotated[
        DcIsolationVoltage | None,
        When("code", {ACCEPTED}, Tagged(U8, {ChargeType.DC: DcIsolationVoltage})),
    ] = None


# --- status messages 0x80-0x8C ------------------------------------------------------------------

Timeout = Annotated[int, U32(unit="ms")]


class SessionStarted(Status, module=V2G, sub_id=0x80, generations=V1_ONLY):
    """Session started (manual 2.11 §17.12.1, p157). The EVCC ID is u8-length-prefixed."""

    protocol: Annotated[EvseProtocolV1, U8]
    session_id: Annotated[bytes, Fixed(8)]
    evcc_id: Annotated[bytes, Blob(6, 20)]


class SessionStopped(Status, module=V2G, sub_id=0x81, generations=V1_ONLY):
    """Session stopped (manual 2.11 §17.12.2, p157): empty in 2.11; firmware V01_01_07 (manual
    2.11.1, v1-api §1.12) appends the closure type, 1 = paused and resumable. Both decode."""

    closure_type: Annotated[SessionClosure | None, Trailing(U8)] = None


class RequestEvseId(Status, module=V2G, sub_id=0x82, generations=V1_ONLY, title="Request EVSE ID"):
    """Request EVSE ID; answer with Set EVSE ID 0x68 (manual 2.11 §17.12.3, p157-p158).
    The example's length 0x00 is wrong (5 bytes follow)."""

    timeout: Timeout
    format: Annotated[EvseIdFormat, U8]


class RequestAuthorizationStatus(Status, module=V2G, sub_id=0x83, generations=V1_ONLY):
    """Request Authorization Status, only with external payment; answer with 0x69
    (manual 2.11 §17.12.4, p158). The example's length 0x00 is wrong (4 bytes follow)."""

    timeout: Timeout


class DcEvDiscoveryParameters(Struct):
    """DC block of Request Discovery Charge Parameters: the EV's limits (p159)."""

    max_current: Annotated[float, Phys("A")]
    min_current: Annotated[float | None, Opt(Phys("A"))] = None
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    min_power: Annotated[float | None, Opt(Phys("W"))] = None
    max_voltage: Annotated[float, Phys("V")]
    min_voltage: Annotated[float | None, Opt(Phys("V"))] = None
    full_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    bulk_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    soc: Soc


class AcEvDiscoveryParameters(Struct):
    """AC block of Request Discovery Charge Parameters (p159-p160): energy the EV needs, its
    maximum phase-neutral voltage and its current limits per phase."""

    energy_amount: Annotated[float, Phys("Wh")]
    max_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]
    min_current: Annotated[float, Phys("A")]


class RequestDiscoveryChargeParameters(Status, module=V2G, sub_id=0x84, generations=V1_ONLY):
    """Request Discovery Charge Parameters; answer with 0x6A (manual 2.11 §17.12.5, p158-p160).
    The manual's only example is AC."""

    timeout: Timeout
    parameters: Annotated[
        DcEvDiscoveryParameters | AcEvDiscoveryParameters,
        Tagged(U8, {ChargeType.DC: DcEvDiscoveryParameters, ChargeType.AC: AcEvDiscoveryParameters}),
    ]


class RequestSchedules(Status, module=V2G, sub_id=0x85, generations=V1_ONLY):
    """Request Schedules; answer with 0x6B holding at most ``max_entries`` entries
    (manual 2.11 §17.12.6, p160). The example's length 0x0E is wrong (6 bytes follow)."""

    timeout: Timeout
    max_entries: Annotated[int, U16]


class RequestCableCheckStatus(Status, module=V2G, sub_id=0x86, generations=V1_ONLY):
    """Request Cable Check Status; answer with 0x6C when the isolation test is done
    (manual 2.11 §17.12.7, p160-p161). The example's length 0x00 is wrong (4 bytes follow)."""

    timeout: Timeout


class DcEvSoc(Struct):
    """DC block holding only the EV's state of charge (0x87 p161, 0x8C p165)."""

    soc: Soc


class RequestCableCheckParameters(Status, module=V2G, sub_id=0x87, generations=V1_ONLY):
    """Request Cable Check Parameters, DC only; answer with 0x6D (manual 2.11 §17.12.8, p161).
    The example's length 0x00 is wrong (6 bytes follow)."""

    timeout: Timeout
    parameters: Annotated[DcEvSoc, Tagged(U8, {ChargeType.DC: DcEvSoc})]


class DcEvPreChargeParameters(Struct):
    """DC block of Request Pre Charge Parameters (p162)."""

    target_voltage: Annotated[float, Phys("V")]
    target_current: Annotated[float, Phys("A")]
    soc: Soc


class RequestPreChargeParameters(Status, module=V2G, sub_id=0x88, generations=V1_ONLY):
    """Request Pre Charge Parameters, DC only; answer with 0x6E (manual 2.11 §17.12.9, p161-p162)."""

    timeout: Timeout
    parameters: Annotated[DcEvPreChargeParameters, Tagged(U8, {ChargeType.DC: DcEvPreChargeParameters})]


class ChargingProfileEntry(Struct):
    """One entry of the EV's power profile (p162): start in s from now, power in W."""

    start: Annotated[int, U32(unit="s")]
    power: Annotated[float, Phys("W")]


class DcEvChargingState(Struct):
    """DC block of Request Start Charging (p162-p163) and Request Stop Charging (p165)."""

    soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    charging_complete: Annotated[bool | None, Opt(BOOL)] = None
    bulk_charging_complete: Annotated[bool | None, Opt(BOOL)] = None


class AcNoParameters(Struct):
    """The AC case of 0x89, 0x8A and 0x8B: the type byte and nothing else."""


class RequestStartCharging(Status, module=V2G, sub_id=0x89, generations=V1_ONLY):
    """Request Start Charging; answer with 0x6F (manual 2.11 §17.12.10, p162-p163).
    The example's annotation "19 byte" is wrong; its length 0x16 (22) is right."""

    timeout: Timeout
    schedule_tuple_id: Annotated[int, S16]
    charging_profile: Annotated[list[ChargingProfileEntry], List(None, 1, 24)]
    parameters: Annotated[
        DcEvChargingState | AcNoParameters,
        Tagged(U8, {ChargeType.DC: DcEvChargingState, ChargeType.AC: AcNoParameters}),
    ]


class DcEvChargeLoopParameters(Struct):
    """DC block of Request Charge Loop Parameters (p163-p164)."""

    max_current: Annotated[float | None, Opt(Phys("A"))] = None
    max_voltage: Annotated[float | None, Opt(Phys("V"))] = None
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    target_voltage: Annotated[float, Phys("V")]
    target_current: Annotated[float, Phys("A")]
    soc: Soc
    charging_complete: Annotated[bool, BOOL]
    bulk_charging_complete: Annotated[bool | None, Opt(BOOL)] = None
    remaining_time_to_full_soc: Annotated[float | None, Opt(Phys("s"))] = None
    remaining_time_to_bulk_soc: Annotated[float | None, Opt(Phys("s"))] = None


class RequestChargeLoopParameters(Status, module=V2G, sub_id=0x8A, generations=V1_ONLY):
    """Request Charge Loop Parameters, with every CurrentDemandReq; answer with 0x70
    (manual 2.11 §17.12.11, p163-p164)."""

    timeout: Timeout
    parameters: Annotated[
        DcEvChargeLoopParameters | AcNoParameters,
        Tagged(U8, {ChargeType.DC: DcEvChargeLoopParameters, ChargeType.AC: AcNoParameters}),
    ]


class RequestStopCharging(Status, module=V2G, sub_id=0x8B, generations=V1_ONLY):
    """Request Stop Charging; answer with 0x71 (manual 2.11 §17.12.12, p164-p165)."""

    timeout: Timeout
    parameters: Annotated[
        DcEvChargingState | AcNoParameters,
        Tagged(U8, {ChargeType.DC: DcEvChargingState, ChargeType.AC: AcNoParameters}),
    ]


class RequestPostChargeParameters(Status, module=V2G, sub_id=0x8C, generations=V1_ONLY):
    """Request Post Charge Parameters, DC only, with every WeldingDetectionReq; answer with 0x72
    (manual 2.11 §17.12.13, p165-p166)."""

    timeout: Timeout
    parameters: Annotated[DcEvSoc, Tagged(U8, {ChargeType.DC: DcEvSoc})]
