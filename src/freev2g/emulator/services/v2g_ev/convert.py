"""Between the EV module's HCI terms and the V2G messages of its EVCC.

Host to EVSE: the values the host set with Set Configuration 0xA0, Set/Update DC and AC Charging
Parameters 0xA2/0xA3, 0xA5/0xA6 and Set Charging Profile 0xA8 (manual 2.14 p123-p133) become
the bodies of ChargeParameterDiscoveryReq, the loop requests and PowerDeliveryReq. EVSE to host:
the EVSE's responses become Schedule Received 0xC3, Session Started 0xC0, DC/AC Charge Parameters
Changed 0xC1/0xC2 and Session Error 0xCD (p154-p161). HCI physical values are already floats in
V, A, W, Wh and s, the units the V2G messages use, so values pass through unchanged.
"""

from __future__ import annotations

import re

from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    Protocol,
    ScheduleEntry,
)

PROTOCOLS = {Protocol.DIN_70121: m.V2gProtocol.DIN_70121, Protocol.ISO_15118_2: m.V2gProtocol.ISO_15118_2}
HCI_PROTOCOL = {v2g: hci for hci, v2g in PROTOCOLS.items()}
# Both enumerations list the energy transfer modes in the WHITE beet's order 0-5 (p119).
ENERGY_TRANSFER_MODES = dict(zip(EnergyTransferMode, m.EnergyTransferModeType, strict=True))
EV_ERROR_CODES = dict(zip(EvErrorCode, m.DCEVErrorCode, strict=True))
ISOLATION = dict(zip(m.IsolationLevel, IsolationLevel, strict=True))
EVSE_STATUS = {
    m.DCEVSEStatusCode.EVSE_READY: EvseStatus.READY,
    m.DCEVSEStatusCode.EVSE_NOT_READY: EvseStatus.NOT_READY,
    m.DCEVSEStatusCode.EVSE_SHUTDOWN: EvseStatus.SHUTDOWN,
    m.DCEVSEStatusCode.EVSE_UTILITY_INTERRUPT_EVENT: EvseStatus.UTILITY_INTERRUPT_EVENT,
    m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE: EvseStatus.ISOLATION_MONITORING_ACTIVE,
    m.DCEVSEStatusCode.EVSE_EMERGENCY_SHUTDOWN: EvseStatus.EMERGENCY_SHUTDOWN,
    m.DCEVSEStatusCode.EVSE_MALFUNCTION: EvseStatus.MALFUNCTION,
}
NOTIFICATION_TYPES = {
    m.EVSENotification.STOP_CHARGING: ev.NotificationType.STOP_CHARGING,
    m.EVSENotification.RE_NEGOTIATION: ev.NotificationType.RENEGOTIATION,
}

# The EVSE's failure codes the manual's EV Session Error names (p161); any other failure, a
# timeout or a lost connection is 8 "unspecified".
_ERROR = ev.EvSessionError
SESSION_ERRORS = {
    m.ResponseCode.FAILED_PAYMENT_SELECTION_INVALID: _ERROR.SELECTED_PAYMENT_OPTION_UNAVAILABLE,
    m.ResponseCode.FAILED_WRONG_ENERGY_TRANSFER_MODE: _ERROR.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE,
    m.ResponseCode.FAILED_NO_CHARGE_SERVICE_SELECTED: _ERROR.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE,
    m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER: _ERROR.WRONG_CHARGE_PARAMETER,
    m.ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED: _ERROR.POWER_DELIVERY_NOT_APPLIED,
    m.ResponseCode.FAILED_CHARGING_PROFILE_INVALID: _ERROR.CHARGING_PROFILE_INVALID,
    m.ResponseCode.FAILED_CONTACTOR_ERROR: _ERROR.CONTACTOR_ERROR,
    m.ResponseCode.FAILED_EVSE_PRESENT_VOLTAGE_TO_LOW: _ERROR.EVSE_PRESENT_VOLTAGE_TOO_LOW,
}
_CODE_IN_TEXT = re.compile(r"FAILED_\w+")


def session_error(reason: str) -> ev.EvSessionError:
    """The 0xCD code for a session that ended with ``reason``. The EVCC names the EVSE's failed
    response code by its schema value (``FAILED_WrongChargeParameter``), and says "not offered"
    when ServiceDiscoveryRes lacks the EV's payment option or energy transfer mode (evcc.py)."""
    for name in _CODE_IN_TEXT.findall(reason):
        for code, error in SESSION_ERRORS.items():
            if code.value == name:
                return error
    if reason.startswith("payment option") and reason.endswith("not offered"):
        return ev.EvSessionError.SELECTED_PAYMENT_OPTION_UNAVAILABLE
    not_offered = reason.startswith("energy transfer mode") and reason.endswith("not offered")
    if not_offered or "has no AC" in reason:
        return ev.EvSessionError.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE
    return ev.EvSessionError.UNSPECIFIED


def ev_id_bytes(ev_id: str) -> bytes:
    """The 6-byte EVCC ID from the catalog's ``00:01:02:03:04:05`` form."""
    return bytes.fromhex(ev_id.replace(":", ""))


def dc_ev_status(soc: int, status: int) -> m.DCEVStatus:
    """DC_EVStatus from the SOC and the EV status 0-7 of 0xA2/0xA3 (0 = ready, p125)."""
    code = EvErrorCode(status)
    return m.DCEVStatus(ev_ready=code is EvErrorCode.NO_ERROR, ev_error_code=EV_ERROR_CODES[code],
                        ev_ress_soc=soc)


def dc_charge_parameter(dc: ev.EVDCChargingParameters, capacity: float) -> m.DCEVChargeParameter:
    return m.DCEVChargeParameter(
        departure_time=dc.departure_time, dc_ev_status=dc_ev_status(dc.soc, dc.status),
        ev_maximum_current_limit=dc.max_current, ev_maximum_power_limit=dc.max_power,
        ev_maximum_voltage_limit=dc.max_voltage, ev_energy_capacity=capacity,
        ev_energy_request=dc.energy_request, full_soc=dc.full_soc, bulk_soc=dc.bulk_soc)


def ac_charge_parameter(ac: ev.EVACChargingParameters) -> m.ACEVChargeParameter:
    return m.ACEVChargeParameter(
        departure_time=ac.departure_time, e_amount=ac.energy_request, ev_max_voltage=ac.max_voltage,
        ev_max_current=ac.max_current, ev_min_current=ac.min_current)


def schedule_tuples(schedules: tuple[m.SAScheduleTuple, ...]) -> list[ev.EVScheduleTuple]:
    """0xC3's tuples: at most 3 (p157). An entry's interval runs to the next entry's start; the
    last one's is its duration (0 when the EVSE gave none)."""
    tuples = []
    for schedule in schedules[:3]:
        entries = schedule.p_max_schedule
        rows = []
        for index, entry in enumerate(entries):
            if index + 1 < len(entries):
                interval = entries[index + 1].start - entry.start
            else:
                interval = entry.duration or 0
            rows.append(ScheduleEntry(start=entry.start, interval=max(0, interval), power=entry.p_max))
        if rows:
            tuples.append(ev.EVScheduleTuple(tuple_id=schedule.sa_schedule_tuple_id, entries=rows))
    return tuples


def profile_from_schedule(schedule: m.SAScheduleTuple) -> tuple[m.ProfileEntry, ...]:
    """The default charging profile: the first tuple's entries at their maximum power (p233)."""
    return tuple(m.ProfileEntry(charging_profile_entry_start=entry.start,
                                charging_profile_entry_max_power=entry.p_max)
                 for entry in schedule.p_max_schedule)


def profile_from_host(entries: list[ScheduleEntry]) -> tuple[m.ProfileEntry, ...]:
    return tuple(m.ProfileEntry(charging_profile_entry_start=entry.start,
                                charging_profile_entry_max_power=entry.power) for entry in entries)
