"""V2G module 0x27, EVSE role of API generation v2: commands 0x60-0x76, status 0x80-0x91.

Manual 2.14 §18.10 (p136-p154) and §18.12 (p161-p171); hci-reference §3.9.5-§3.9.7, §7.
Generation v1 (manual 2.11) gives the same Sub-IDs other meanings (v1-api §2.9), so every
declaration here is ``V2_ONLY``. Sub-ID 0x8D is not documented anywhere and is not declared: it
decodes as a raw message. 0x71 and 0x72 are unused in v2.

Class names carry the role (``EVSE...``) so that titles read "EVSE Set Configuration".
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    ProfileEntry,
    Protocol,
    ScheduleEntry,
    SessionClosure,
)
from freev2g.hci.codecs import (
    BOOL,
    S8,
    S16,
    S64,
    U8,
    U16,
    U32,
    U64,
    Blob,
    Codec,
    FieldFault,
    Fixed,
    List,
    Opt,
    Phys,
    Record,
    Siblings,
    Str,
    Trailing,
    When,
)
from freev2g.hci.message import Command, ResponseMessage, Status, Struct
from freev2g.hci.modules import V2_ONLY, ModuleId

V2G = ModuleId.V2G


class AuthorizationResult(enum.IntEnum):
    """Code of Set Authorization Status 0x6B (p147)."""

    SUCCEEDED = 0
    FAILED = 1


class SchedulesResult(enum.IntEnum):
    """Code of Set Schedules 0x6C (p148)."""

    OK = 0
    UNABLE_TO_DELIVER_SCHEDULES = 1


class CableCheckResult(enum.IntEnum):
    """Code of Set Cable Check Finished 0x6D (p150)."""

    SUCCEEDED = 0
    FAILED = 1


class CostKind(enum.IntEnum):
    """Kind of a sales tariff cost element (p149)."""

    RELATIVE_PRICE_PERCENTAGE = 0
    RENEWABLE_GENERATION_PERCENTAGE = 1
    CARBON_DIOXIDE_EMISSION = 2


class CertificateResponseStatus(enum.IntEnum):
    """Status of Set Certificate Installation or Update Response 0x73 (p152)."""

    SUCCESS = 0
    TIMEOUT = 1
    CERTIFICATE_INVALID = 2


class EvseSessionError(enum.IntEnum):
    """Session Error codes of the EVSE role (0x8E; p169-p170)."""

    UNSPECIFIED = 0
    SEQUENCE_ERROR = 1
    SERVICE_ID_INVALID = 2
    UNKNOWN_SESSION = 3
    SERVICE_SELECTION_INVALID = 4
    PAYMENT_SELECTION_INVALID = 5
    CERTIFICATE_EXPIRED = 6
    SIGNATURE_ERROR = 7
    NO_CERTIFICATE_AVAILABLE = 8
    CERTIFICATE_CHAIN_ERROR = 9
    CHALLENGE_INVALID = 10
    CONTRACT_CANCELED = 11
    WRONG_CHARGE_PARAMETER = 12
    POWER_DELIVERY_NOT_APPLIED = 13
    TARIFF_SELECTION_INVALID = 14
    CHARGING_PROFILE_INVALID = 15
    PRESENT_VOLTAGE_TOO_LOW = 16
    METERING_SIGNATURE_NOT_VALID = 17
    NO_CHARGE_SERVICE_SELECTED = 18
    WRONG_ENERGY_TRANSFER_TYPE = 19
    CONTACTOR_ERROR = 20
    CERTIFICATE_NOT_ALLOWED_AT_THIS_EVSE = 21
    CERTIFICATE_REVOKED = 22
    CHARGE_PARAMETER_TIMEOUT_REACHED = 23


# Field groups shared by a Set command and its Get response (one layout, declared once).


class EVSEConfiguration(Struct):
    """Set Configuration (0x60, p136-p137) and the Get Configuration response (0x61, p138)."""

    evse_id_din: Annotated[str, Str(0, 32)]  # e.g. "+49*123*456*789"
    evse_id_iso: Annotated[str, Str(0, 38)]  # e.g. "DE*A23*E45B*78C"
    protocols: Annotated[list[Protocol], List(U8(0, 1), 1, 2)]
    payment_methods: Annotated[list[PaymentMethod], List(U8(0, 1), 1, 2)]  # EIM is mandatory
    energy_transfer_modes: Annotated[list[EnergyTransferMode], List(U8(0, 5), 1, 6)]
    certificate_installation_supported: Annotated[bool, BOOL]  # offered only with contract payment
    certificate_update_supported: Annotated[bool, BOOL]


class EVSEACChargingParameters(Struct):
    """Set AC Charging Parameters (0x65, p142-p143) and the Get response (0x67, p144), in the
    manual's order."""

    rcd: Annotated[bool, BOOL]  # true: the RCD detected an error (informational)
    nominal_voltage: Annotated[float, Phys("V")]  # phase to neutral
    max_current: Annotated[float, Phys("A")]  # per phase


class SDPConfig(Struct):
    """Set SDP config (0x68, p145) and the Get response (0x69, p146). Ports are 49152-65535 and
    must differ (not checked here: a rule across fields)."""

    allow_unsecure: Annotated[bool, BOOL]
    unsecure_port: Annotated[int | None, When("allow_unsecure", {True}, U16(49152, 65535))] = None
    allow_secure: Annotated[bool, BOOL]
    secure_port: Annotated[int | None, When("allow_secure", {True}, U16(49152, 65535))] = None


# Commands (host to module).


class EVSESetConfiguration(Command, EVSEConfiguration, module=V2G, sub_id=0x60, generations=V2_ONLY):
    """Set Configuration for the next session (manual 2.14 §18.10.1, p136-p137)."""


class EVSEGetConfiguration(Command, module=V2G, sub_id=0x61, generations=V2_ONLY):
    """Get Configuration (2.14 §18.10.2, p137-p139). Its table gives the protocols the range 0-3,
    the Set table 0-1; only 0 and 1 are defined, so 0-1 for both."""

    class Response(ResponseMessage, EVSEConfiguration):
        """The 0x60 layout after the result code (p138-p139)."""


class EVSESetDCChargingParameters(Command, module=V2G, sub_id=0x62, generations=V2_ONLY,
                                  title="EVSE Set DC Charging Parameters"):
    """Set DC Charging Parameters (2.14 §18.10.3, p139-p140). The example prints the 0.5 A ripple
    as ``00 05 81`` (exponent -127); two's complement ``00 05 FF`` is right (hci-reference §7.3
    #4). The printed bytes decode literally as 5e-127 A."""

    isolation_level: Annotated[IsolationLevel, U8(0, 4)]
    min_voltage: Annotated[float, Phys("V")]
    min_current: Annotated[float, Phys("A")]
    max_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]
    max_power: Annotated[float, Phys("W")]
    current_regulation_tolerance: Annotated[float | None, Opt(Phys("A"))] = None
    peak_current_ripple: Annotated[float, Phys("A")]
    status: Annotated[EvseStatus, U8(0, 6)]


class EVSEUpdateDCChargingParameters(Command, module=V2G, sub_id=0x63, generations=V2_ONLY,
                                     title="EVSE Update DC Charging Parameters"):
    """Update DC Charging Parameters (2.14 §18.10.4, p140-p141). Must be sent at least every
    500 ms from Set Schedules (text p140; Figure 31 p222 says from Cable Check Requested) until
    Session Stopped or Session Error."""

    isolation_level: Annotated[IsolationLevel, U8(0, 4)]
    present_voltage: Annotated[float, Phys("V")]
    present_current: Annotated[float, Phys("A")]
    max_voltage: Annotated[float | None, Opt(Phys("V"))] = None
    max_current: Annotated[float | None, Opt(Phys("A"))] = None
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    status: Annotated[EvseStatus, U8(0, 6)]


class EVSEGetDCChargingParameters(Command, module=V2G, sub_id=0x64, generations=V2_ONLY,
                                  title="EVSE Get DC Charging Parameters"):
    """Get DC Charging Parameters (2.14 §18.10.5, p141-p142)."""

    class Response(ResponseMessage):
        """Like 0x62 plus the optional present voltage and current before the status (p141-p142);
        the example's ripple ``00 05 81`` has the same misprinted exponent as p139."""

        isolation_level: Annotated[IsolationLevel, U8(0, 4)]
        min_voltage: Annotated[float, Phys("V")]
        min_current: Annotated[float, Phys("A")]
        max_voltage: Annotated[float, Phys("V")]
        max_current: Annotated[float, Phys("A")]
        max_power: Annotated[float, Phys("W")]
        current_regulation_tolerance: Annotated[float | None, Opt(Phys("A"))] = None
        peak_current_ripple: Annotated[float, Phys("A")]
        present_voltage: Annotated[float | None, Opt(Phys("V"))] = None
        present_current: Annotated[float | None, Opt(Phys("A"))] = None
        status: Annotated[EvseStatus, U8(0, 6)]


class EVSESetACChargingParameters(Command, EVSEACChargingParameters, module=V2G, sub_id=0x65,
                                  generations=V2_ONLY, title="EVSE Set AC Charging Parameters"):
    """Set AC Charging Parameters (2.14 §18.10.6, p142-p143).

    Decided: the manual's order RCD, nominal voltage, max current (table and example p143, and
    the Get response p144-p145). FreeV2G since 2024-10 sends RCD, max current, nominal voltage
    for newer firmware (hci-reference §7.1 #7, §9.5); both are 7 bytes and cannot be told
    apart on the wire, so a host driving such firmware must swap the two values itself.
    """


class EVSEUpdateACChargingParameters(Command, module=V2G, sub_id=0x66, generations=V2_ONLY,
                                     title="EVSE Update AC Charging Parameters"):
    """Update AC Charging Parameters (2.14 §18.10.7, p143-p144); the same 500 ms rule as 0x63."""

    rcd: Annotated[bool, BOOL]
    max_current: Annotated[float | None, Opt(Phys("A"))] = None


class EVSEGetACChargingParameters(Command, module=V2G, sub_id=0x67, generations=V2_ONLY,
                                  title="EVSE Get AC Charging Parameters"):
    """Get AC Charging Parameters (2.14 §18.10.8, p144-p145)."""

    class Response(ResponseMessage, EVSEACChargingParameters):
        """The 0x65 layout, in the manual's order, after the result code (p145)."""


class EVSESetSDPConfig(Command, SDPConfig, module=V2G, sub_id=0x68, generations=V2_ONLY,
                       title="EVSE Set SDP Config"):
    """Set SDP config; without it the ports are random dynamic ports (2.14 §18.10.9, p145)."""


class EVSEGetSDPConfig(Command, module=V2G, sub_id=0x69, generations=V2_ONLY, title="EVSE Get SDP Config"):
    """Get SDP config (2.14 §18.10.10, p146)."""

    class Response(ResponseMessage, SDPConfig):
        """The 0x68 layout after the result code (p146)."""


class EVSEStartListen(Command, module=V2G, sub_id=0x6A, generations=V2_ONLY):
    """Start listening for SDP and V2G connections (2.14 §18.10.11, p146-p147)."""


class EVSESetAuthorizationStatus(Command, module=V2G, sub_id=0x6B, generations=V2_ONLY):
    """Answer to Authorization Status Requested 0x82 (2.14 §18.10.12, p147)."""

    code: Annotated[AuthorizationResult, U8(0, 1)]


# Set Schedules (0x6C) and its sales tariffs (p147-p150; hci-reference §3.9.6).


class Cost(Struct):
    """One cost element of a sales tariff: ``amount * 10^amount_multiplier`` per kWh (p149)."""

    kind: Annotated[CostKind, U8(0, 2)]
    amount: Annotated[int, U32]
    amount_multiplier: Annotated[int, S8(-3, 3)]


class ConsumptionCost(Struct):
    """A consumption block and its 1-3 costs (p149). The manual gives no unit for the start
    value; ISO 15118-2 declares it a PhysicalValue in W (its Table 68), so W."""

    start_value: Annotated[float, Phys("W")]
    costs: Annotated[list[Cost], List(None, 1, 3)]


class SalesTariffEntry(Struct):
    """One time interval of a sales tariff (p148-p149)."""

    time_interval_start: Annotated[int, U32(0, 16_777_214, unit="s")]
    time_interval_duration: Annotated[int, U32(0, 86_400, unit="s")]
    price_level: Annotated[int, U8]
    consumption_costs: Annotated[list[ConsumptionCost], List(None, 0, 3)]


class SalesTariff(Struct):
    """One sales tariff of Set Schedules (p148-p149): ID, description, entries, signature ID and
    the SHA-256 digest of its EXI form (``uint8[32]``, fixed)."""

    sales_tariff_id: Annotated[int, U8(1, 255)]
    description: Annotated[str, Str(0, 32)]
    number_of_price_levels: Annotated[int, U8]
    entries: Annotated[list[SalesTariffEntry], List(None, 1, 20, count=U16)]
    signature_id: Annotated[str, Str(1, 254)]  # e.g. "ID1"
    digest_value: Annotated[bytes, Fixed(32)]


class CountedFixed(Codec):
    """``size`` bytes preceded by a u8 count that must equal ``size``: the form FreeV2G sends
    for the Set Schedules digest (``20`` + 32 bytes) and signature (``40`` + 64 bytes),
    hci-reference §3.9.6, §9.4. Only decoded; we encode the manual's fixed form."""

    def __init__(self, size: int) -> None:
        self.size = size

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        out.append(self.size)
        Fixed(self.size).encode(value, out, siblings)

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        count, pos = U8.decode(data, pos, siblings)
        if count != self.size:
            raise FieldFault(f"count byte {count} where {self.size} was expected")
        return Fixed(self.size).decode(data, pos, siblings)

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()


class SignedSalesTariffs(Struct):
    """1-3 sales tariffs and the 64-byte ECDSA signature of their signed info (p148-p149), in
    the manual's form: fixed 32-byte digests and a fixed 64-byte signature."""

    tariffs: Annotated[list[SalesTariff], List(None, 1, 3)]
    signature_value: Annotated[bytes, Fixed(64)]


class _CountedDigestSalesTariff(SalesTariff):
    """Decoding helper: a sales tariff whose digest carries FreeV2G's count byte ``20``."""

    digest_value: Annotated[bytes, CountedFixed(32)]


class _CountedSignedSalesTariffs(Struct):
    """Decoding helper: FreeV2G's form of :class:`SignedSalesTariffs` (count bytes 20 / 40)."""

    tariffs: Annotated[list[_CountedDigestSalesTariff], List(None, 1, 3)]
    signature_value: Annotated[bytes, CountedFixed(64)]


class SalesTariffSection(Opt):
    """The end of Set Schedules: the sales tariff count (0-3), the tariffs, and the signature
    value, which "is omitted" when the count is zero (p148-p149).

    An optional :class:`SignedSalesTariffs` whose presence byte is the tariff count itself:
    ``None`` is the single byte ``00``; otherwise the count, the tariffs and the signature. This
    keeps the signature present exactly when tariffs are.

    The manual prints the digest as ``uint8[32]`` and the signature as ``uint8[64]``, fixed;
    FreeV2G prefixes them with count bytes ``20`` and ``40`` (hci-reference §7.1 #24, §9.4).
    Decided: encode the manual's form; decode both. The section ends the payload, so the form is
    found by parsing: the fixed form must end exactly at the end of the payload, else the counted
    form must. The two forms cannot be confused.

    Not checked (a rule across fields): the manual wants as many tariffs as schedule tuples
    (p148), and tariffs whenever the EV chose contract payment.
    """

    def __init__(self) -> None:
        super().__init__(Record(SignedSalesTariffs))
        self.counted = Record(_CountedSignedSalesTariffs)

    def bind(self, py_type: Any) -> Codec:
        return self

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if value is None:
            out.append(0)
        else:
            self.inner.encode(value, out, siblings)  # the tariff list writes the count

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        if pos >= len(data):
            raise FieldFault(f"needs 1 byte at offset {pos}, payload has {len(data)}")
        if data[pos] == 0:
            return None, pos + 1
        fixed_fault: FieldFault | None = None
        try:
            value, end = self.inner.decode(data, pos, siblings)
            if end == len(data):
                return value, end
        except FieldFault as fault:
            fixed_fault = fault
        try:
            counted, counted_end = self.counted.decode(data, pos, siblings)
        except FieldFault:
            counted_end = -1
        if counted_end == len(data):
            tariffs = [SalesTariff(**vars(tariff)) for tariff in counted.tariffs]
            return SignedSalesTariffs(tariffs=tariffs, signature_value=counted.signature_value), counted_end
        if fixed_fault is not None:
            raise fixed_fault
        return value, end  # the message then reports the bytes after it

    def describe(self) -> str:
        return "u8 count of sales tariffs (0..3), the tariffs and a 64-byte signature when not 0"


class EVSEScheduleTuple(Struct):
    """One schedule tuple of Set Schedules (p148): ID and 1-20 entries (u16 count). FreeV2G
    sends an interval of 0 for all but the last entry (hci-reference §7.2)."""

    tuple_id: Annotated[int, S16]
    entries: Annotated[list[ScheduleEntry], List(None, 1, 20, count=U16)]


class EVSESetSchedules(Command, module=V2G, sub_id=0x6C, generations=V2_ONLY):
    """Answer to Schedules Requested 0x84; at most its "max entries" (2.14 §18.10.13, p147-p150).

    The table lists the schedule tuples unconditionally, also for code 1 (unable to deliver).
    The example's second power ``00 05 01`` is 50 W although the comment says 50 kW.
    ``sales_tariffs`` holds the tariffs with their signature, or ``None`` for a count of 0; see
    :class:`SalesTariffSection` for the forms of the digest and the signature.
    """

    code: Annotated[SchedulesResult, U8(0, 1)]
    schedule_tuples: Annotated[list[EVSEScheduleTuple], List(None, 1, 3)]
    energy_to_be_delivered: Annotated[float | None, Opt(Phys("Wh"))] = None
    sales_tariffs: Annotated[SignedSalesTariffs | None, SalesTariffSection()] = None


class EVSESetCableCheckFinished(Command, module=V2G, sub_id=0x6D, generations=V2_ONLY):
    """Answer to Cable Check Requested 0x87 (2.14 §18.10.14, p150)."""

    code: Annotated[CableCheckResult, U8(0, 1)]


class EVSEStartCharging(Command, module=V2G, sub_id=0x6E, generations=V2_ONLY):
    """Answer to Start Charging Requested 0x89 (2.14 §18.10.15, p150-p151)."""


class EVSEStopCharging(Command, module=V2G, sub_id=0x6F, generations=V2_ONLY):
    """Answer to Stop Charging Requested 0x8A (2.14 §18.10.16, p151)."""


class EVSEStopListen(Command, module=V2G, sub_id=0x70, generations=V2_ONLY):
    """Stop listening: ends communication, or refuses new sessions after Session Stopped
    (2.14 §18.10.17, p151-p152)."""


class EVSESetCertificateInstallationOrUpdateResponse(
        Command, module=V2G, sub_id=0x73, generations=V2_ONLY,
        title="EVSE Set Certificate Installation or Update Response"):
    """Answer to 0x8F / 0x90 (2.14 §18.10.18, p152-p153).

    The EXI response includes its 8-byte V2GTP header (``01 FE 80 01`` + u32 length); the u16
    prefix is the length of the whole blob (hci-reference §3.9.7, §9.7). The example (4122
    EXI bytes, 4125-byte payload) exceeds the 4096-byte frame limit (hci-reference §7.3 #21):
    such a payload encodes and decodes, but no frame can carry it.
    """

    status: Annotated[CertificateResponseStatus, U8(0, 2)]
    exi_response: Annotated[bytes, Blob(0, 6000)]


class EVSESetMeterReceiptRequest(Command, module=V2G, sub_id=0x74, generations=V2_ONLY):
    """Ask the EV for a metering receipt; the result arrives as 0x91 (2.14 §18.10.19, p153).

    The signature ``uint8[0-64]`` is a u8-length-prefixed byte array (``00`` when empty, as in
    the example).
    """

    meter_id: Annotated[str, Str(0, 32)]
    meter_reading: Annotated[int | None, Opt(U64(unit="Wh"))] = None
    meter_reading_signature: Annotated[bytes, Blob(0, 64)]
    meter_status: Annotated[int | None, Opt(S16)] = None
    meter_timestamp: Annotated[int | None, Opt(S64(unit="s"))] = None  # Unix time


class EVSESendNotification(Command, module=V2G, sub_id=0x75, generations=V2_ONLY):
    """Ask the EV to stop charging (false) or renegotiate (true) (2.14 §18.10.20, p153-p154).
    The table gives no unit; decided seconds per the example ``00 1E`` "30s" (§9.14)."""

    renegotiation: Annotated[bool, BOOL]
    timeout: Annotated[int, U16(unit="s")]


class EVSESetSessionParameterTimeout(Command, module=V2G, sub_id=0x76, generations=V2_ONLY):
    """Set Session Parameter Timeout: NOT in manual 2.14. Newer EVSE firmware has it (FreeV2G
    2023-02; hci-reference §7.2): a u16 timeout in ms, presumably how long the module waits for
    parameter updates before ending the session with error 23."""

    timeout: Annotated[int, U16(unit="ms")]


# Status messages (module to host, request ID 0xFF).


class EVSESessionStarted(Status, module=V2G, sub_id=0x80, generations=V2_ONLY):
    """A session started after SessionSetupReq (2.14 §18.12.1, p161-p162)."""

    protocol: Annotated[Protocol, U8(0, 1)]
    session_id: Annotated[bytes, Fixed(8)]
    evcc_id: Annotated[bytes, Blob(0, 20)]  # usually the EV's MAC address


class EVSEPaymentSelected(Status, module=V2G, sub_id=0x81, generations=V2_ONLY):
    """The EV selected a payment method (2.14 §18.12.2, p162).

    The certificates and the EMAID follow only for contract payment. Decided: order contract,
    Mo Sub CA 2, Mo Sub CA 1 as in the table (FreeV2G reads SubCA1 first), each with a u16
    length because the maximum 800 is above 255 (hci-reference §0, §7.1 #23, §9.3; FreeV2G
    reads u8). The example's length 0x2B is wrong for its 1-byte payload.
    """

    payment_method: Annotated[PaymentMethod, U8(0, 1)]
    contract_certificate: Annotated[
        bytes | None, When("payment_method", {PaymentMethod.CONTRACT}, Blob(0, 800))] = None
    mo_sub_ca2: Annotated[bytes | None, When("payment_method", {PaymentMethod.CONTRACT}, Blob(0, 800))] = None
    mo_sub_ca1: Annotated[bytes | None, When("payment_method", {PaymentMethod.CONTRACT}, Blob(0, 800))] = None
    emaid: Annotated[str | None, When("payment_method", {PaymentMethod.CONTRACT}, Str(14, 15))] = None


class EVSEAuthorizationStatusRequested(Status, module=V2G, sub_id=0x82, generations=V2_ONLY):
    """Answer with 0x6B within the timeout; until then the EV gets "Ongoing" (2.14 §18.12.3,
    p162-p163)."""

    timeout: Annotated[int, U32(unit="ms")]


class EVDCParameters(Struct):
    """The fields of Energy Transfer Mode Selected after the selected mode (p163-p164)."""

    energy_capacity: Annotated[float, Phys("Wh")]
    full_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    bulk_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    ready: Annotated[bool, BOOL]
    error_code: Annotated[EvErrorCode, U8(0, 7)]
    soc: Annotated[int, U8(0, 100, unit="%")]


class EVSEEnergyTransferModeSelected(Status, module=V2G, sub_id=0x83, generations=V2_ONLY):
    """The EV's ChargeParameterDiscoveryReq values (2.14 §18.12.4, p163-p164).

    Manual 2.14 always sends the fields after the selected mode; newer firmware (FreeV2G
    2024-10) omits them when the mode is AC (hci-reference §7.1 #8, §9.6). Decided: they are one
    ``Trailing`` group, ``dc``, which decodes when present whatever the mode, so both firmware
    generations decode. The printed example is a copy of 0x82 and is invalid here.
    """

    departure_time: Annotated[int | None, Opt(U32(unit="s"))] = None  # from now
    energy_request: Annotated[float | None, Opt(Phys("Wh"))] = None
    max_voltage: Annotated[float, Phys("V")]
    min_current: Annotated[float | None, Opt(Phys("A"))] = None
    max_current: Annotated[float, Phys("A")]
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    energy_transfer_mode: Annotated[EnergyTransferMode, U8(0, 5)]
    dc: Annotated[EVDCParameters | None, Trailing(Record(EVDCParameters))] = None


class EVSESchedulesRequested(Status, module=V2G, sub_id=0x84, generations=V2_ONLY):
    """Answer with Set Schedules 0x6C within the timeout, with at most ``max_entries`` entries
    (2.14 §18.12.5, p164)."""

    timeout: Annotated[int, U32(unit="ms")]
    max_entries: Annotated[int, U16]


class EVSEDCChargeParametersChanged(Status, module=V2G, sub_id=0x85, generations=V2_ONLY,
                                    title="EVSE DC Charge Parameters Changed"):
    """The EV's DC values (2.14 §18.12.6, p164-p165). Targets are valid from PreCharge Started
    until stop charging. Decided per the table: the example (p165) omits the presence bytes of
    max power, full SOC and bulk SOC and is invalid (hci-reference §7.3 #7)."""

    max_voltage: Annotated[float, Phys("V")]
    max_current: Annotated[float, Phys("A")]
    max_power: Annotated[float | None, Opt(Phys("W"))] = None
    ready: Annotated[bool, BOOL]
    error_code: Annotated[EvErrorCode, U8(0, 7)]
    soc: Annotated[int, U8(0, 100, unit="%")]
    target_voltage: Annotated[float, Phys("V")]
    target_current: Annotated[float, Phys("A")]
    full_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    bulk_soc: Annotated[int | None, Opt(U8(0, 100, unit="%"))] = None
    charging_complete: Annotated[bool, BOOL]
    bulk_charging_complete: Annotated[bool | None, Opt(BOOL)] = None
    remaining_time_to_full_soc: Annotated[float | None, Opt(Phys("s"))] = None
    remaining_time_to_bulk_soc: Annotated[float | None, Opt(Phys("s"))] = None


class EVSEACChargeParametersChanged(Status, module=V2G, sub_id=0x86, generations=V2_ONLY,
                                    title="EVSE AC Charge Parameters Changed"):
    """The EV's AC values, 12 bytes (2.14 §18.12.7, p166)."""

    max_voltage: Annotated[float, Phys("V")]  # RMS, phase to neutral
    min_current: Annotated[float, Phys("A")]
    max_current: Annotated[float, Phys("A")]  # per phase
    energy_amount: Annotated[float, Phys("Wh")]


class EVSECableCheckRequested(Status, module=V2G, sub_id=0x87, generations=V2_ONLY):
    """Send 0x63 at least every 500 ms, then 0x6D within the timeout (2.14 §18.12.8, p166-p167)."""

    timeout: Annotated[int, U32(unit="ms")]


class EVSEPreChargeStarted(Status, module=V2G, sub_id=0x88, generations=V2_ONLY,
                           title="EVSE PreCharge Started"):
    """Pre-charge started; it runs on the values of 0x63 (2.14 §18.12.9, p167)."""


class EVSEStartChargingRequested(Status, module=V2G, sub_id=0x89, generations=V2_ONLY):
    """Answer with 0x6E within the timeout (2.14 §18.12.10, p167-p168)."""

    timeout: Annotated[int, U32(unit="ms")]
    schedule_tuple_id: Annotated[int, S16]
    profile: Annotated[list[ProfileEntry], List(None, 1, 24)]


class EVSEStopChargingRequested(Status, module=V2G, sub_id=0x8A, generations=V2_ONLY):
    """Answer with 0x6F within the timeout (2.14 §18.12.11, p168)."""

    timeout: Annotated[int, U32(unit="ms")]
    renegotiation: Annotated[bool, BOOL]


class EVSEWeldingDetectionStarted(Status, module=V2G, sub_id=0x8B, generations=V2_ONLY):
    """Welding detection started (2.14 §18.12.12, p168)."""


class EVSESessionStopped(Status, module=V2G, sub_id=0x8C, generations=V2_ONLY):
    """The session stopped (2.14 §18.12.13, p169)."""

    closure_type: Annotated[SessionClosure, U8(0, 1)]


class EVSESessionError(Status, module=V2G, sub_id=0x8E, generations=V2_ONLY):
    """A session error; Session Stopped follows (2.14 §18.12.14, p169-p170). The table says
    0-22 but lists 23 "charge parameter timeout reached": decided 0-23 (hci-reference §7.3 #10)."""

    error_code: Annotated[EvseSessionError, U8(0, 23)]


class EVSECertificateInstallationRequested(Status, module=V2G, sub_id=0x8F, generations=V2_ONLY):
    """Answer with 0x73 within the timeout (2.14 §18.12.15, p170). The EXI request includes its
    V2GTP header; the u16 prefix is the blob's length (the quoted V2GTP sizes disagree, §9.7)."""

    timeout: Annotated[int, U32(unit="ms")]
    exi_request: Annotated[bytes, Blob(0, 6000)]


class EVSECertificateUpdateRequested(Status, module=V2G, sub_id=0x90, generations=V2_ONLY):
    """Answer with 0x73 within the timeout (2.14 §18.12.16, p170-p171). The example is printed
    with Sub-ID 0x8F (hci-reference §7.3 #9)."""

    timeout: Annotated[int, U32(unit="ms")]
    exi_request: Annotated[bytes, Blob(0, 6000)]


class EVSEMeteringReceiptStatus(Status, module=V2G, sub_id=0x91, generations=V2_ONLY):
    """Result of Set Meter Receipt Request 0x74 (2.14 §18.12.17, p171): true if the signature
    was verified. Decided: Sub-ID 0x91 as in the table of §18.7 (p122); the section header and
    the example print 0x90, which is Certificate Update Requested (hci-reference §7.1 #29)."""

    status: Annotated[bool, BOOL]
