"""Between the V2G messages of the EV and the v1 HCI messages of the host (manual 2.11 §17.10,
§17.12, p139-p166).

EV to host: each request's values go into the fields of its "Request X" status. Host to EV: the
fields of a "Set X" build the V2G response (HCI physical values are already floats in V, A, W,
Wh and s; enumerations map by number: isolation level 0-4, energy transfer mode 0-5).

Decisions where the manual is silent:

* Application codes: "EV parameters invalid" (1) answers FAILED_WrongChargeParameter, "unable to
  deliver EVSE parameters" (2) answers FAILED; "stop charging" (3) and "renegotiate" (4) answer
  OK with the EVSE notification StopCharging / ReNegotiation, its max delay the code's timeout
  where the command has one (0x70), else 0.
* A status without a DC block (a failing code) reports EVSE_NotReady and no isolation level.
* Request Start Charging needs 1-24 profile entries (p162): an EV that sent no charging profile
  is reported with one entry, start 0 and the first power of its selected schedule tuple; a
  longer profile is cut after 24 entries.
* An EV that gives no maximum number of schedule entries is reported with 1024 (the most
  PMaxScheduleEntry elements the ISO 15118-2 schema allows).
"""

from __future__ import annotations

from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import IsolationLevel

X = e.ExtendedParameterCode
NO_ENTRY_LIMIT = 1024
MAX_PROFILE_ENTRIES = 24

_NOTIFICATION = {X.STOP_CHARGING: m.EVSENotification.STOP_CHARGING,
                 X.RENEGOTIATE: m.EVSENotification.RE_NEGOTIATION}


def isolation(level: IsolationLevel | int) -> m.IsolationLevel:
    return list(m.IsolationLevel)[int(level)]


def response_code(code: int) -> m.ResponseCode:
    """The V2G response code for an application code of 0x6A, 0x6D, 0x6E, 0x70 or 0x72."""
    if code == X.EV_PARAMETERS_INVALID:
        return m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER
    if code == X.UNABLE_TO_DELIVER_EVSE_PARAMETERS:
        return m.ResponseCode.FAILED
    return m.ResponseCode.OK


def dc_status(level: IsolationLevel | None, code: int = 0, delay: int | None = None,
              status: m.DCEVSEStatusCode = m.DCEVSEStatusCode.EVSE_READY) -> m.DCEVSEStatus:
    if level is None:
        return m.DCEVSEStatus(evse_isolation_status=None, evse_status_code=m.DCEVSEStatusCode.EVSE_NOT_READY)
    return m.DCEVSEStatus(evse_isolation_status=isolation(level), evse_status_code=status,
                          evse_notification=_NOTIFICATION.get(X(code), m.EVSENotification.NONE),
                          notification_max_delay=delay or 0)


def ac_status(rcd: bool, code: int = 0, delay: int | None = None) -> m.ACEVSEStatus:
    return m.ACEVSEStatus(rcd=rcd, evse_notification=_NOTIFICATION.get(X(code), m.EVSENotification.NONE),
                          notification_max_delay=delay or 0)


# --- EV to host -------------------------------------------------------------------------------


def discovery_request(request: m.ChargeParameterDiscoveryReq,
                      timeout: int) -> e.RequestDiscoveryChargeParameters:
    parameters: e.DcEvDiscoveryParameters | e.AcEvDiscoveryParameters
    if request.dc_ev_charge_parameter is not None:
        dc = request.dc_ev_charge_parameter
        parameters = e.DcEvDiscoveryParameters(
            max_current=dc.ev_maximum_current_limit, max_power=dc.ev_maximum_power_limit,
            max_voltage=dc.ev_maximum_voltage_limit, full_soc=dc.full_soc, bulk_soc=dc.bulk_soc,
            soc=dc.dc_ev_status.ev_ress_soc)
    else:
        ac = request.ac_ev_charge_parameter
        if ac is None:
            raise ValueError("ChargeParameterDiscoveryReq without AC or DC parameters")
        parameters = e.AcEvDiscoveryParameters(energy_amount=ac.e_amount, max_voltage=ac.ev_max_voltage,
                                               max_current=ac.ev_max_current, min_current=ac.ev_min_current)
    return e.RequestDiscoveryChargeParameters(timeout=timeout, parameters=parameters)


def max_entries(request: m.ChargeParameterDiscoveryReq) -> int:
    limit = request.max_entries_sa_schedule_tuple
    return NO_ENTRY_LIMIT if limit is None else limit


def charging_state(parameter: m.DCEVPowerDeliveryParameter | None, dc: bool
                   ) -> e.DcEvChargingState | e.AcNoParameters:
    if not dc:
        return e.AcNoParameters()
    if parameter is None:
        return e.DcEvChargingState()
    return e.DcEvChargingState(soc=parameter.dc_ev_status.ev_ress_soc,
                               charging_complete=parameter.charging_complete,
                               bulk_charging_complete=parameter.bulk_charging_complete)


def start_request(request: m.PowerDeliveryReq, timeout: int, dc: bool,
                  schedules: tuple[m.SAScheduleTuple, ...]) -> e.RequestStartCharging:
    profile = [e.ChargingProfileEntry(start=entry.charging_profile_entry_start,
                                      power=entry.charging_profile_entry_max_power)
               for entry in request.charging_profile[:MAX_PROFILE_ENTRIES]]
    if not profile:
        selected = [t for t in schedules if t.sa_schedule_tuple_id == request.sa_schedule_tuple_id]
        power = selected[0].p_max_schedule[0].p_max if selected and selected[0].p_max_schedule else 0.0
        profile = [e.ChargingProfileEntry(start=0, power=power)]
    return e.RequestStartCharging(timeout=timeout, schedule_tuple_id=request.sa_schedule_tuple_id,
                                  charging_profile=profile,
                                  parameters=charging_state(request.dc_ev_power_delivery_parameter, dc))


def charge_loop_request(request: m.CurrentDemandReq | m.ChargingStatusReq,
                        timeout: int) -> e.RequestChargeLoopParameters:
    if not isinstance(request, m.CurrentDemandReq):
        return e.RequestChargeLoopParameters(timeout=timeout, parameters=e.AcNoParameters())
    return e.RequestChargeLoopParameters(timeout=timeout, parameters=e.DcEvChargeLoopParameters(
        max_current=request.ev_maximum_current_limit, max_voltage=request.ev_maximum_voltage_limit,
        max_power=request.ev_maximum_power_limit, target_voltage=request.ev_target_voltage,
        target_current=request.ev_target_current, soc=request.dc_ev_status.ev_ress_soc,
        charging_complete=request.charging_complete, bulk_charging_complete=request.bulk_charging_complete,
        remaining_time_to_full_soc=request.remaining_time_to_full_soc,
        remaining_time_to_bulk_soc=request.remaining_time_to_bulk_soc))


# --- host to EV -------------------------------------------------------------------------------


def schedules(command: e.SetSchedules) -> tuple[m.SAScheduleTuple, ...]:
    return tuple(
        m.SAScheduleTuple(sa_schedule_tuple_id=t.tuple_id, p_max_schedule=tuple(
            m.PMaxScheduleEntry(start=entry.start, duration=entry.interval, p_max=float(entry.power))
            for entry in t.entries))
        for t in command.schedule_tuples or ())


def discovery_response(command: e.SetDiscoveryChargeParameters, schedule_list: tuple[m.SAScheduleTuple, ...],
                       processing: m.EVSEProcessing) -> m.ChargeParameterDiscoveryRes:
    block = command.parameters
    if isinstance(block, e.DcDiscoveryParameters):
        dc = m.DCEVSEChargeParameter(
            dc_evse_status=dc_status(block.isolation), evse_maximum_current_limit=float(block.max_current),
            evse_maximum_power_limit=float(block.max_power),
            evse_maximum_voltage_limit=float(block.max_voltage),
            evse_minimum_current_limit=float(block.min_current),
            evse_minimum_voltage_limit=float(block.min_voltage),
            evse_current_regulation_tolerance=_float(block.current_regulation_tolerance),
            evse_peak_current_ripple=float(block.peak_current_ripple),
            evse_energy_to_be_delivered=_float(block.energy_to_be_delivered))
        return m.ChargeParameterDiscoveryRes(evse_processing=processing, sa_schedule_list=schedule_list,
                                             dc_evse_charge_parameter=dc)
    if isinstance(block, e.AcDiscoveryParameters):
        ac = m.ACEVSEChargeParameter(ac_evse_status=ac_status(block.rcd),
                                     evse_nominal_voltage=float(block.nominal_voltage),
                                     evse_max_current=float(block.max_current))
        return m.ChargeParameterDiscoveryRes(evse_processing=processing, sa_schedule_list=schedule_list,
                                             ac_evse_charge_parameter=ac)
    return m.ChargeParameterDiscoveryRes(response_code=response_code(command.code))


def cable_check_response(command: e.SetCableCheckParameters, status: e.CableCheckCode | None
                         ) -> m.CableCheckRes:
    """``status``: the host's 0x6C so far (None: the isolation test still runs, Ongoing)."""
    block = command.parameters
    level = block.isolation if block is not None else None
    if block is None:
        return m.CableCheckRes(response_code=response_code(command.code), dc_evse_status=dc_status(None))
    if status is None:
        return m.CableCheckRes(dc_evse_status=dc_status(
            level, command.code, status=m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE),
            evse_processing=m.EVSEProcessing.ONGOING)
    failed = status is e.CableCheckCode.CABLE_CHECK_FAILED
    return m.CableCheckRes(response_code=m.ResponseCode.FAILED if failed else m.ResponseCode.OK,
                           dc_evse_status=dc_status(level, command.code))


def pre_charge_response(command: e.SetPreChargeParameters) -> m.PreChargeRes:
    block = command.parameters
    if block is None:
        return m.PreChargeRes(response_code=response_code(command.code), dc_evse_status=dc_status(None),
                              evse_present_voltage=0.0)
    return m.PreChargeRes(dc_evse_status=dc_status(block.isolation, command.code),
                          evse_present_voltage=float(block.present_voltage))


def power_delivery_response(
        command: e.SetStartChargingStatus | e.SetStopChargingStatus) -> m.PowerDeliveryRes:
    block = command.parameters
    if isinstance(block, e.DcIsolationStatus):
        return m.PowerDeliveryRes(dc_evse_status=dc_status(block.isolation))
    if isinstance(block, e.AcRcdStatus):
        return m.PowerDeliveryRes(ac_evse_status=ac_status(block.rcd))
    start = isinstance(command, e.SetStartChargingStatus)
    failed = m.ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED if start else m.ResponseCode.FAILED
    return m.PowerDeliveryRes(response_code=failed)


def current_demand_response(command: e.SetChargeLoopParameters, evse_id: str,
                            tuple_id: int) -> m.CurrentDemandRes:
    block = command.parameters
    if not isinstance(block, e.DcChargeLoopParameters):
        return m.CurrentDemandRes(response_code=response_code(command.code), dc_evse_status=dc_status(None),
                                  evse_present_voltage=0.0, evse_present_current=0.0,
                                  evse_current_limit_achieved=False, evse_voltage_limit_achieved=False,
                                  evse_power_limit_achieved=False, evse_id=evse_id,
                                  sa_schedule_tuple_id=tuple_id)
    return m.CurrentDemandRes(
        dc_evse_status=dc_status(block.isolation, command.code, command.timeout),
        evse_present_voltage=float(block.present_voltage), evse_present_current=float(block.present_current),
        evse_current_limit_achieved=block.current_limit_reached,
        evse_voltage_limit_achieved=block.voltage_limit_reached,
        evse_power_limit_achieved=block.power_limit_reached,
        evse_maximum_voltage_limit=_float(block.max_voltage),
        evse_maximum_current_limit=_float(block.max_current),
        evse_maximum_power_limit=_float(block.max_power), evse_id=evse_id, sa_schedule_tuple_id=tuple_id)


def charging_status_response(command: e.SetChargeLoopParameters, evse_id: str, tuple_id: int
                             ) -> m.ChargingStatusRes:
    block = command.parameters
    if not isinstance(block, e.AcChargeLoopParameters):
        return m.ChargingStatusRes(response_code=response_code(command.code), evse_id=evse_id,
                                   sa_schedule_tuple_id=tuple_id, ac_evse_status=ac_status(False))
    return m.ChargingStatusRes(evse_id=evse_id, sa_schedule_tuple_id=tuple_id,
                               ac_evse_status=ac_status(block.rcd, command.code, command.timeout),
                               evse_max_current=_float(block.max_current))


def welding_response(command: e.SetPostChargeParameters) -> m.WeldingDetectionRes:
    block = command.parameters
    if block is None:
        return m.WeldingDetectionRes(response_code=response_code(command.code),
                                     dc_evse_status=dc_status(None), evse_present_voltage=0.0)
    return m.WeldingDetectionRes(dc_evse_status=dc_status(block.isolation),
                                 evse_present_voltage=float(block.present_voltage))


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)
