"""DIN SPEC 70121 / ISO 15118-2 messages as typed objects, named and shaped as in the standards.

Only what the WHITE beet flows need (hci-reference §5.7, §5.8; v1-api §1.9): each request and
response of an EIM session, AC or DC, with the fields the modules read or write. Names follow the
schemas (``ChargeParameterDiscoveryReq``, ``DC_EVStatus`` written ``DCEVStatus``, fields in
snake case: ``EVTargetVoltage`` is ``ev_target_voltage``); physical values are floats in the unit
named in the field's comment (V, A, W, Wh, s).

One class serves both protocols; the negotiated protocol decides the schema a real EXI link would
encode them with. DIN names two messages differently: ``ContractAuthenticationReq/Res`` and
``ServicePaymentSelectionReq/Res`` are aliases of the ISO names below. DIN has no ``ChargeProgress``
(its PowerDeliveryReq carries ``ReadyToChargeState``: true is ``START``), no ``ChargingSession``
in SessionStopReq, and no AC messages.

The message header's SessionID is the ``session_id`` field of every V2G message (8 bytes; all
zeros in the first SessionSetupReq).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

NO_SESSION = bytes(8)


class V2gProtocol(enum.Enum):
    """The application protocols of supportedAppProtocol (namespace, major, minor; iso15118-facts
    "Wire facts")."""

    DIN_70121 = ("urn:din:70121:2012:MsgDef", 2, 0)
    ISO_15118_2 = ("urn:iso:15118:2:2013:MsgDef", 2, 0)

    @property
    def namespace(self) -> str:
        return self.value[0]

    @property
    def major(self) -> int:
        return self.value[1]

    @property
    def minor(self) -> int:
        return self.value[2]


class ResponseCode(enum.Enum):
    OK = "OK"
    OK_NEW_SESSION_ESTABLISHED = "OK_NewSessionEstablished"
    OK_OLD_SESSION_JOINED = "OK_OldSessionJoined"
    FAILED = "FAILED"
    FAILED_SEQUENCE_ERROR = "FAILED_SequenceError"
    FAILED_SERVICE_ID_INVALID = "FAILED_ServiceIDInvalid"
    FAILED_UNKNOWN_SESSION = "FAILED_UnknownSession"
    FAILED_SERVICE_SELECTION_INVALID = "FAILED_ServiceSelectionInvalid"
    FAILED_PAYMENT_SELECTION_INVALID = "FAILED_PaymentSelectionInvalid"
    FAILED_TARIFF_SELECTION_INVALID = "FAILED_TariffSelectionInvalid"
    FAILED_CHARGING_PROFILE_INVALID = "FAILED_ChargingProfileInvalid"
    FAILED_EVSE_PRESENT_VOLTAGE_TO_LOW = "FAILED_EVSEPresentVoltageToLow"  # sic, as in the schema
    FAILED_POWER_DELIVERY_NOT_APPLIED = "FAILED_PowerDeliveryNotApplied"
    FAILED_WRONG_CHARGE_PARAMETER = "FAILED_WrongChargeParameter"
    FAILED_WRONG_ENERGY_TRANSFER_MODE = "FAILED_WrongEnergyTransferMode"
    FAILED_CONTACTOR_ERROR = "FAILED_ContactorError"
    FAILED_NO_CHARGE_SERVICE_SELECTED = "FAILED_NoChargeServiceSelected"

    @property
    def ok(self) -> bool:
        return self.value.startswith("OK")


class AppProtocolResponseCode(enum.Enum):
    OK_SUCCESSFUL_NEGOTIATION = "OK_SuccessfulNegotiation"
    OK_SUCCESSFUL_NEGOTIATION_WITH_MINOR_DEVIATION = "OK_SuccessfulNegotiationWithMinorDeviation"
    FAILED_NO_NEGOTIATION = "Failed_NoNegotiation"


class EVSEProcessing(enum.Enum):
    FINISHED = "Finished"
    ONGOING = "Ongoing"


class PaymentOption(enum.Enum):
    CONTRACT = "Contract"
    EXTERNAL_PAYMENT = "ExternalPayment"


class EnergyTransferModeType(enum.Enum):
    """In the order of the WHITE beet's energy transfer mode numbers 0-5 (hci-reference §3.9.1)."""

    DC_CORE = "DC_core"
    DC_EXTENDED = "DC_extended"
    DC_COMBO_CORE = "DC_combo_core"
    DC_UNIQUE = "DC_unique"
    AC_SINGLE_PHASE_CORE = "AC_single_phase_core"
    AC_THREE_PHASE_CORE = "AC_three_phase_core"

    @property
    def is_dc(self) -> bool:
        return self.value.startswith("DC")


class ChargeProgress(enum.Enum):
    START = "Start"
    STOP = "Stop"
    RENEGOTIATE = "Renegotiate"


class ChargingSession(enum.Enum):
    TERMINATE = "Terminate"
    PAUSE = "Pause"


class IsolationLevel(enum.Enum):
    """In the order of the WHITE beet's isolation level numbers 0-4."""

    INVALID = "Invalid"
    VALID = "Valid"
    WARNING = "Warning"
    FAULT = "Fault"
    NO_IMD = "No_IMD"


class DCEVSEStatusCode(enum.Enum):
    EVSE_NOT_READY = "EVSE_NotReady"
    EVSE_READY = "EVSE_Ready"
    EVSE_SHUTDOWN = "EVSE_Shutdown"
    EVSE_UTILITY_INTERRUPT_EVENT = "EVSE_UtilityInterruptEvent"
    EVSE_ISOLATION_MONITORING_ACTIVE = "EVSE_IsolationMonitoringActive"
    EVSE_EMERGENCY_SHUTDOWN = "EVSE_EmergencyShutdown"
    EVSE_MALFUNCTION = "EVSE_Malfunction"


class DCEVErrorCode(enum.Enum):
    """The codes the WHITE beet's EV error/status numbers 0-7 stand for, in that order."""

    NO_ERROR = "NO_ERROR"
    FAILED_RESS_TEMPERATURE_INHIBIT = "FAILED_RESSTemperatureInhibit"
    FAILED_EV_SHIFT_POSITION = "FAILED_EVShiftPosition"
    FAILED_CHARGER_CONNECTOR_LOCK_FAULT = "FAILED_ChargerConnectorLockFault"
    FAILED_EV_RESS_MALFUNCTION = "FAILED_EVRESSMalfunction"
    FAILED_CHARGING_CURRENT_DIFFERENTIAL = "FAILED_ChargingCurrentdifferential"
    FAILED_CHARGING_VOLTAGE_OUT_OF_RANGE = "FAILED_ChargingVoltageOutOfRange"
    FAILED_CHARGING_SYSTEM_INCOMPATIBILITY = "FAILED_ChargingSystemIncompatibility"


class EVSENotification(enum.Enum):
    NONE = "None"
    STOP_CHARGING = "StopCharging"
    RE_NEGOTIATION = "ReNegotiation"


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AppProtocol:
    protocol_namespace: str
    version_number_major: int
    version_number_minor: int
    schema_id: int
    priority: int  # 1 is the EV's first choice


@dataclass(frozen=True, kw_only=True)
class ChargeService:
    service_id: int = 1
    service_category: str = "EVCharging"
    free_service: bool = False
    supported_energy_transfer_modes: tuple[EnergyTransferModeType, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SelectedService:
    service_id: int
    parameter_set_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class PMaxScheduleEntry:
    start: int  # s from now (RelativeTimeInterval start)
    duration: int | None  # s
    p_max: float  # W


@dataclass(frozen=True, kw_only=True)
class SAScheduleTuple:
    sa_schedule_tuple_id: int
    p_max_schedule: tuple[PMaxScheduleEntry, ...]


@dataclass(frozen=True, kw_only=True)
class ProfileEntry:
    charging_profile_entry_start: int  # s from now
    charging_profile_entry_max_power: float  # W


@dataclass(frozen=True, kw_only=True)
class DCEVStatus:
    ev_ready: bool
    ev_error_code: DCEVErrorCode
    ev_ress_soc: int  # %


@dataclass(frozen=True, kw_only=True)
class DCEVSEStatus:
    evse_isolation_status: IsolationLevel | None
    evse_status_code: DCEVSEStatusCode
    evse_notification: EVSENotification = EVSENotification.NONE
    notification_max_delay: int = 0  # s


@dataclass(frozen=True, kw_only=True)
class ACEVSEStatus:
    rcd: bool
    evse_notification: EVSENotification = EVSENotification.NONE
    notification_max_delay: int = 0  # s


@dataclass(frozen=True, kw_only=True)
class ACEVChargeParameter:
    departure_time: int | None  # s from now
    e_amount: float  # Wh
    ev_max_voltage: float  # V
    ev_max_current: float  # A
    ev_min_current: float  # A


@dataclass(frozen=True, kw_only=True)
class DCEVChargeParameter:
    departure_time: int | None  # s from now
    dc_ev_status: DCEVStatus
    ev_maximum_current_limit: float  # A
    ev_maximum_power_limit: float | None  # W
    ev_maximum_voltage_limit: float  # V
    ev_energy_capacity: float | None  # Wh
    ev_energy_request: float | None  # Wh
    full_soc: int | None  # %
    bulk_soc: int | None  # %


@dataclass(frozen=True, kw_only=True)
class ACEVSEChargeParameter:
    ac_evse_status: ACEVSEStatus
    evse_nominal_voltage: float  # V
    evse_max_current: float  # A


@dataclass(frozen=True, kw_only=True)
class DCEVSEChargeParameter:
    dc_evse_status: DCEVSEStatus
    evse_maximum_current_limit: float  # A
    evse_maximum_power_limit: float  # W
    evse_maximum_voltage_limit: float  # V
    evse_minimum_current_limit: float  # A
    evse_minimum_voltage_limit: float  # V
    evse_current_regulation_tolerance: float | None  # A
    evse_peak_current_ripple: float  # A
    evse_energy_to_be_delivered: float | None  # Wh


@dataclass(frozen=True, kw_only=True)
class DCEVPowerDeliveryParameter:
    dc_ev_status: DCEVStatus
    bulk_charging_complete: bool | None
    charging_complete: bool


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class V2gMessage:
    session_id: bytes = NO_SESSION

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, kw_only=True)
class V2gRequest(V2gMessage):
    pass


@dataclass(frozen=True, kw_only=True)
class V2gResponse(V2gMessage):
    response_code: ResponseCode = ResponseCode.OK


@dataclass(frozen=True, kw_only=True)
class SupportedAppProtocolReq(V2gRequest):
    app_protocol: tuple[AppProtocol, ...]


@dataclass(frozen=True, kw_only=True)
class SupportedAppProtocolRes(V2gResponse):
    """``response_code`` keeps the V2G default; the handshake's own code is ``app_response_code``."""

    app_response_code: AppProtocolResponseCode
    schema_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SessionSetupReq(V2gRequest):
    evcc_id: bytes  # usually the EV's MAC address


@dataclass(frozen=True, kw_only=True)
class SessionSetupRes(V2gResponse):
    evse_id: str


@dataclass(frozen=True, kw_only=True)
class ServiceDiscoveryReq(V2gRequest):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceDiscoveryRes(V2gResponse):
    payment_option_list: tuple[PaymentOption, ...] = ()
    charge_service: ChargeService = field(default_factory=ChargeService)


@dataclass(frozen=True, kw_only=True)
class ServiceDetailReq(V2gRequest):
    service_id: int


@dataclass(frozen=True, kw_only=True)
class ServiceDetailRes(V2gResponse):
    service_id: int


@dataclass(frozen=True, kw_only=True)
class PaymentServiceSelectionReq(V2gRequest):
    selected_payment_option: PaymentOption
    selected_service_list: tuple[SelectedService, ...]


@dataclass(frozen=True, kw_only=True)
class PaymentServiceSelectionRes(V2gResponse):
    pass


@dataclass(frozen=True, kw_only=True)
class AuthorizationReq(V2gRequest):
    pass


@dataclass(frozen=True, kw_only=True)
class AuthorizationRes(V2gResponse):
    evse_processing: EVSEProcessing = EVSEProcessing.FINISHED


@dataclass(frozen=True, kw_only=True)
class ChargeParameterDiscoveryReq(V2gRequest):
    requested_energy_transfer_mode: EnergyTransferModeType
    max_entries_sa_schedule_tuple: int | None = None
    ac_ev_charge_parameter: ACEVChargeParameter | None = None
    dc_ev_charge_parameter: DCEVChargeParameter | None = None


@dataclass(frozen=True, kw_only=True)
class ChargeParameterDiscoveryRes(V2gResponse):
    evse_processing: EVSEProcessing = EVSEProcessing.FINISHED
    sa_schedule_list: tuple[SAScheduleTuple, ...] = ()
    ac_evse_charge_parameter: ACEVSEChargeParameter | None = None
    dc_evse_charge_parameter: DCEVSEChargeParameter | None = None


@dataclass(frozen=True, kw_only=True)
class CableCheckReq(V2gRequest):
    dc_ev_status: DCEVStatus


@dataclass(frozen=True, kw_only=True)
class CableCheckRes(V2gResponse):
    dc_evse_status: DCEVSEStatus
    evse_processing: EVSEProcessing = EVSEProcessing.FINISHED


@dataclass(frozen=True, kw_only=True)
class PreChargeReq(V2gRequest):
    dc_ev_status: DCEVStatus
    ev_target_voltage: float  # V
    ev_target_current: float  # A


@dataclass(frozen=True, kw_only=True)
class PreChargeRes(V2gResponse):
    dc_evse_status: DCEVSEStatus
    evse_present_voltage: float  # V


@dataclass(frozen=True, kw_only=True)
class PowerDeliveryReq(V2gRequest):
    charge_progress: ChargeProgress
    sa_schedule_tuple_id: int
    charging_profile: tuple[ProfileEntry, ...] = ()
    dc_ev_power_delivery_parameter: DCEVPowerDeliveryParameter | None = None


@dataclass(frozen=True, kw_only=True)
class PowerDeliveryRes(V2gResponse):
    ac_evse_status: ACEVSEStatus | None = None
    dc_evse_status: DCEVSEStatus | None = None


@dataclass(frozen=True, kw_only=True)
class CurrentDemandReq(V2gRequest):
    dc_ev_status: DCEVStatus
    ev_target_current: float  # A
    ev_target_voltage: float  # V
    ev_maximum_voltage_limit: float | None = None  # V
    ev_maximum_current_limit: float | None = None  # A
    ev_maximum_power_limit: float | None = None  # W
    bulk_charging_complete: bool | None = None
    charging_complete: bool = False
    remaining_time_to_full_soc: float | None = None  # s
    remaining_time_to_bulk_soc: float | None = None  # s


@dataclass(frozen=True, kw_only=True)
class CurrentDemandRes(V2gResponse):
    dc_evse_status: DCEVSEStatus
    evse_present_voltage: float  # V
    evse_present_current: float  # A
    evse_current_limit_achieved: bool
    evse_voltage_limit_achieved: bool
    evse_power_limit_achieved: bool
    evse_maximum_voltage_limit: float | None = None  # V
    evse_maximum_current_limit: float | None = None  # A
    evse_maximum_power_limit: float | None = None  # W
    evse_id: str = ""
    sa_schedule_tuple_id: int = 0


@dataclass(frozen=True, kw_only=True)
class ChargingStatusReq(V2gRequest):
    pass


@dataclass(frozen=True, kw_only=True)
class ChargingStatusRes(V2gResponse):
    evse_id: str
    sa_schedule_tuple_id: int
    ac_evse_status: ACEVSEStatus
    evse_max_current: float | None = None  # A


@dataclass(frozen=True, kw_only=True)
class WeldingDetectionReq(V2gRequest):
    dc_ev_status: DCEVStatus


@dataclass(frozen=True, kw_only=True)
class WeldingDetectionRes(V2gResponse):
    dc_evse_status: DCEVSEStatus
    evse_present_voltage: float  # V


@dataclass(frozen=True, kw_only=True)
class SessionStopReq(V2gRequest):
    charging_session: ChargingSession = ChargingSession.TERMINATE  # ISO only


@dataclass(frozen=True, kw_only=True)
class SessionStopRes(V2gResponse):
    pass


# DIN SPEC 70121 names of the same messages.
ContractAuthenticationReq = AuthorizationReq
ContractAuthenticationRes = AuthorizationRes
ServicePaymentSelectionReq = PaymentServiceSelectionReq
ServicePaymentSelectionRes = PaymentServiceSelectionRes
