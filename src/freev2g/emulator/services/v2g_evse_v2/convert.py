"""Between HCI numbers (manual 2.14 §18.1-§18.7, hci-reference §3.9.1) and V2G message values.

The WHITE beet numbers its protocols, energy transfer modes, isolation levels, EVSE status codes
and EV error codes in the order of the DIN 70121 / ISO 15118-2 enumerations, and
``freev2g.emulator.v2g.messages`` declares those enumerations in the same order, so each mapping
is a position in a list.
"""

from __future__ import annotations

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionEndKind
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    Protocol,
)

_PROTOCOLS = {Protocol.DIN_70121: m.V2gProtocol.DIN_70121, Protocol.ISO_15118_2: m.V2gProtocol.ISO_15118_2}
_MODES = list(m.EnergyTransferModeType)
_ISOLATION = list(m.IsolationLevel)
_ERRORS = list(m.DCEVErrorCode)
_STATUS = {
    EvseStatus.READY: m.DCEVSEStatusCode.EVSE_READY,
    EvseStatus.NOT_READY: m.DCEVSEStatusCode.EVSE_NOT_READY,
    EvseStatus.SHUTDOWN: m.DCEVSEStatusCode.EVSE_SHUTDOWN,
    EvseStatus.UTILITY_INTERRUPT_EVENT: m.DCEVSEStatusCode.EVSE_UTILITY_INTERRUPT_EVENT,
    EvseStatus.ISOLATION_MONITORING_ACTIVE: m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE,
    EvseStatus.EMERGENCY_SHUTDOWN: m.DCEVSEStatusCode.EVSE_EMERGENCY_SHUTDOWN,
    EvseStatus.MALFUNCTION: m.DCEVSEStatusCode.EVSE_MALFUNCTION,
}


def v2g_protocol(protocol: int) -> m.V2gProtocol:
    return _PROTOCOLS[Protocol(protocol)]


def hci_protocol(protocol: m.V2gProtocol) -> Protocol:
    return next(number for number, value in _PROTOCOLS.items() if value is protocol)


def v2g_mode(mode: int) -> m.EnergyTransferModeType:
    return _MODES[EnergyTransferMode(mode)]


def hci_mode(mode: m.EnergyTransferModeType) -> EnergyTransferMode:
    return EnergyTransferMode(_MODES.index(mode))


def v2g_isolation(level: int) -> m.IsolationLevel:
    return _ISOLATION[IsolationLevel(level)]


def v2g_status(status: int) -> m.DCEVSEStatusCode:
    return _STATUS[EvseStatus(status)]


def hci_error(code: m.DCEVErrorCode) -> EvErrorCode:
    return EvErrorCode(_ERRORS.index(code))


def schedule_tuples(schedules: e.EVSESetSchedules) -> tuple[m.SAScheduleTuple, ...]:
    """The SAScheduleList of ChargeParameterDiscoveryRes. A PMaxSchedule entry's duration is
    optional and meaningful for the last entry only (ISO 15118-2; FreeV2G sends interval 0 for
    the others, hci-reference §7.2): the interval becomes the last entry's duration when it is
    not 0."""
    result = []
    for schedule in schedules.schedule_tuples:
        entries = []
        for index, entry in enumerate(schedule.entries):
            last = index == len(schedule.entries) - 1
            duration = entry.interval if last and entry.interval else None
            entries.append(m.PMaxScheduleEntry(start=entry.start, duration=duration, p_max=entry.power))
        result.append(
            m.SAScheduleTuple(sa_schedule_tuple_id=schedule.tuple_id, p_max_schedule=tuple(entries))
        )
    return tuple(result)


_CODES = {
    m.ResponseCode.FAILED_SEQUENCE_ERROR: e.EvseSessionError.SEQUENCE_ERROR,
    m.ResponseCode.FAILED_SERVICE_ID_INVALID: e.EvseSessionError.SERVICE_ID_INVALID,
    m.ResponseCode.FAILED_UNKNOWN_SESSION: e.EvseSessionError.UNKNOWN_SESSION,
    m.ResponseCode.FAILED_SERVICE_SELECTION_INVALID: e.EvseSessionError.SERVICE_SELECTION_INVALID,
    m.ResponseCode.FAILED_PAYMENT_SELECTION_INVALID: e.EvseSessionError.PAYMENT_SELECTION_INVALID,
    m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER: e.EvseSessionError.WRONG_CHARGE_PARAMETER,
    m.ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED: e.EvseSessionError.POWER_DELIVERY_NOT_APPLIED,
    m.ResponseCode.FAILED_TARIFF_SELECTION_INVALID: e.EvseSessionError.TARIFF_SELECTION_INVALID,
    m.ResponseCode.FAILED_CHARGING_PROFILE_INVALID: e.EvseSessionError.CHARGING_PROFILE_INVALID,
    m.ResponseCode.FAILED_EVSE_PRESENT_VOLTAGE_TO_LOW: e.EvseSessionError.PRESENT_VOLTAGE_TOO_LOW,
    m.ResponseCode.FAILED_NO_CHARGE_SERVICE_SELECTED: e.EvseSessionError.NO_CHARGE_SERVICE_SELECTED,
    m.ResponseCode.FAILED_WRONG_ENERGY_TRANSFER_MODE: e.EvseSessionError.WRONG_ENERGY_TRANSFER_TYPE,
    m.ResponseCode.FAILED_CONTACTOR_ERROR: e.EvseSessionError.CONTACTOR_ERROR,
}


def session_error(end: SessionEnd) -> e.EvseSessionError:
    """The 0x8E code of a session the SECC ended: the negative response it sent (the engine's
    reason starts with the response code's schema name), a sequence error, else unspecified."""
    if end.kind is SessionEndKind.SEQUENCE_ERROR:
        return e.EvseSessionError.SEQUENCE_ERROR
    name = end.reason.split(":", 1)[0]
    for code, error in _CODES.items():
        if code.value == name:
            return error
    return e.EvseSessionError.UNSPECIFIED
