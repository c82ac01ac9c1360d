"""The v2 EVSE V2G service through real SECC sessions: a scripted EV on a MemoryNetwork, a test
host over HCI (manual 2.14 §21.8, p217-p229; hci-reference §5.7, §5.10)."""

from __future__ import annotations

import dataclasses

import pytest

from freev2g.emulator.services.v2g_evse_v2 import HostTimeouts
from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_evse_v2 import EvseSessionError as Error
from freev2g.hci.catalog.v2g_types import EvseStatus, IsolationLevel, Protocol, ScheduleEntry, SessionClosure
from freev2g.hci.message import Command, Decoded
from tests.emulator.evse_v2_rig import (
    AC,
    AUTHORIZED,
    CABLE_OK,
    CONFIG,
    FINISHED,
    ONGOING,
    SCHEDULES,
    SESSION_ID,
    Station,
    authorize,
    cable_check,
    charging_dc,
    discover,
    of_type,
    power_delivery,
    processing,
    set_up,
    update,
)
from tests.emulator.v2g import secc_rig as r


def kinds(decoded: list[Decoded]) -> list[int]:
    return [message.sub_id for message in decoded]


# -- whole sessions -----------------------------------------------------------------------------------

def test_a_dc_session_follows_the_manual_flow() -> None:
    st = Station()
    set_up(st)
    setup_res = [message for message in st.received if isinstance(message, m.SessionSetupRes)]
    assert setup_res[0].evse_id == CONFIG.evse_id_iso
    authorize(st)
    discovered = discover(st)
    assert discovered.sa_schedule_list[0].p_max_schedule == (
        m.PMaxScheduleEntry(start=0, duration=None, p_max=280_000),
        m.PMaxScheduleEntry(start=3600, duration=82_800, p_max=50))
    assert discovered.dc_evse_charge_parameter is not None
    assert discovered.dc_evse_charge_parameter.evse_maximum_voltage_limit == 500
    cable_check(st)
    st.ok(update(12))
    pre = st.ev(r.PRE_CHARGE)
    assert isinstance(pre, m.PreChargeRes) and pre.evse_present_voltage == 12  # the last 0x63 (p223)
    st.ok(update(398))
    pre = st.ev(r.PRE_CHARGE)
    assert isinstance(pre, m.PreChargeRes) and pre.evse_present_voltage == 398
    power_delivery(st, r.START, e.EVSEStartCharging())
    st.ok(update(399, 80, max_current=90))
    demand = st.ev(r.CURRENT_DEMAND)
    assert isinstance(demand, m.CurrentDemandRes)
    assert (demand.evse_present_voltage, demand.evse_present_current) == (399, 80)
    assert demand.evse_maximum_current_limit == 90 and demand.evse_maximum_voltage_limit == 500
    assert demand.dc_evse_status.evse_isolation_status is m.IsolationLevel.VALID
    assert demand.evse_id == CONFIG.evse_id_iso and demand.sa_schedule_tuple_id == 1
    st.ev(r.CURRENT_DEMAND)
    power_delivery(st, r.STOP, e.EVSEStopCharging())
    st.ok(update(30))
    welding = st.ev(r.WELDING)
    assert isinstance(welding, m.WeldingDetectionRes) and welding.evse_present_voltage == 30
    st.ev(r.WELDING)
    assert isinstance(st.ev(r.SESSION_STOP), m.SessionStopRes)
    statuses = st.statuses()
    assert kinds(statuses) == [0x80, 0x81, 0x82, 0x83, 0x84, 0x87, 0x88, 0x85, 0x89, 0x85, 0x8A, 0x8B, 0x8C]
    started, _, auth, etm, schedules = statuses[:5]
    assert started == e.EVSESessionStarted(protocol=Protocol.ISO_15118_2, session_id=SESSION_ID, evcc_id=r.EVCC_ID)
    assert auth == e.EVSEAuthorizationStatusRequested(timeout=30_000)
    assert isinstance(etm, e.EVSEEnergyTransferModeSelected) and etm.max_voltage == 450 and etm.max_power == 50_000
    assert schedules == e.EVSESchedulesRequested(timeout=30_000, max_entries=1024)
    first_dc, second_dc = of_type(statuses, e.EVSEDCChargeParametersChanged)
    assert isinstance(first_dc, e.EVSEDCChargeParametersChanged) and first_dc.target_voltage == 400
    assert isinstance(second_dc, e.EVSEDCChargeParametersChanged) and second_dc.target_current == 100
    assert statuses[-1] == e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)
    assert st.service.session is None and st.service.listening


def test_an_ac_session_uses_0x66_and_reports_the_ev_values_with_0x86() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    discovered = discover(st, r.CPD_AC)
    assert discovered.ac_evse_charge_parameter is not None
    assert discovered.ac_evse_charge_parameter.evse_nominal_voltage == AC.nominal_voltage
    assert discovered.ac_evse_charge_parameter.evse_max_current == 16  # the latest 0x66
    power_delivery(st, r.START, e.EVSEStartCharging())
    st.ok(e.EVSEUpdateACChargingParameters(rcd=True, max_current=10))
    status = st.ev(r.CHARGING_STATUS)
    assert isinstance(status, m.ChargingStatusRes)
    assert status.evse_max_current == 10 and status.ac_evse_status.rcd and status.evse_id == CONFIG.evse_id_iso
    power_delivery(st, r.STOP, e.EVSEStopCharging())
    st.ev(r.SESSION_STOP)
    statuses = st.statuses()
    assert kinds(statuses) == [0x80, 0x81, 0x82, 0x83, 0x86, 0x84, 0x89, 0x8A, 0x8C]
    assert statuses[4] == e.EVSEACChargeParametersChanged(max_voltage=400, min_current=6, max_current=32,
                                                          energy_amount=20_000)
    etm = statuses[3]
    assert isinstance(etm, e.EVSEEnergyTransferModeSelected) and etm.dc is not None  # manual 2.14 layout


def test_din_answers_with_the_din_evse_id_and_a_shorter_power_delivery_deadline() -> None:
    st = Station(protocol=m.V2gProtocol.DIN_70121)
    set_up(st)
    setup_res = [message for message in st.received if isinstance(message, m.SessionSetupRes)]
    assert setup_res[0].evse_id == CONFIG.evse_id_din
    authorize(st)
    discover(st)
    cable_check(st)
    st.ev(r.PRE_CHARGE)
    st.statuses()
    assert st.ev(r.START) is None
    requested = st.statuses()[0]
    assert isinstance(requested, e.EVSEStartChargingRequested)
    assert requested.timeout == 1000  # DIN's 1.5 s performance time less the 0.5 s margin


def test_a_paused_session_reports_closure_type_1() -> None:
    st = Station()
    charging_dc(st)
    power_delivery(st, r.STOP, e.EVSEStopCharging())
    st.ev(dataclasses.replace(r.SESSION_STOP, charging_session=m.ChargingSession.PAUSE))
    assert st.statuses()[-1] == e.EVSESessionStopped(closure_type=SessionClosure.PAUSE)


def test_renegotiation_repeats_charge_parameter_discovery() -> None:
    st = Station()
    charging_dc(st)
    st.statuses()
    power_delivery(st, r.RENEGOTIATE, e.EVSEStopCharging())
    assert st.statuses() == [e.EVSEStopChargingRequested(timeout=4000, renegotiation=True)]
    assert processing(st.ev(r.CPD_DC)) is ONGOING
    assert kinds(st.statuses()) == [0x83, 0x84]
    st.ok(SCHEDULES)
    assert processing(st.ev(r.CPD_DC)) is FINISHED


# -- the host is slow: Ongoing, and deadlines ------------------------------------------------------------

def test_the_ev_hears_ongoing_until_the_host_answers_and_each_request_is_sent_once() -> None:
    st = Station()
    set_up(st)
    for _ in range(3):
        assert processing(st.ev(r.AUTHORIZATION)) is ONGOING
        st.advance(1.0)
    assert kinds(st.statuses()) == [0x80, 0x81, 0x82]
    st.ok(AUTHORIZED)
    assert processing(st.ev(r.AUTHORIZATION)) is FINISHED
    for _ in range(3):
        assert processing(st.ev(r.CPD_DC)) is ONGOING
    st.ok(SCHEDULES)
    assert processing(st.ev(r.CPD_DC)) is FINISHED
    for _ in range(3):
        st.ok(update())
        assert processing(st.ev(r.CABLE_CHECK)) is ONGOING
    assert kinds(st.statuses()) == [0x83, 0x84, 0x87]
    st.ok(CABLE_OK)
    assert processing(st.ev(r.CABLE_CHECK)) is FINISHED
    assert [reaction.request for reaction in st.host.module.deadlines.reactions][:3] == [
        "Authorization Status Requested", "Schedules Requested", "Update DC Charging Parameters"]


def test_power_delivery_waits_for_the_host_within_its_deadline() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    discover(st)
    cable_check(st)
    st.ev(r.PRE_CHARGE)
    count = len(st.received)
    st.ev(r.START)
    for _ in range(3):
        st.advance(0.3)
        st.ok(update())
    assert len(st.received) == count
    st.ok(e.EVSEStartCharging())
    st.advance(r.STEP)
    assert isinstance(st.received[-1], m.PowerDeliveryRes)
    assert st.code(e.EVSEStartCharging()) == 0x11  # answered already


def _to_authorization(st: Station) -> None:
    set_up(st)
    st.ev(r.AUTHORIZATION)


def _to_schedules(st: Station) -> None:
    set_up(st)
    authorize(st)
    st.ev(r.CPD_DC)


def _to_cable_check(st: Station) -> None:
    set_up(st)
    authorize(st)
    discover(st)
    st.ev(r.CABLE_CHECK)


def _to_start(st: Station) -> None:
    set_up(st)
    authorize(st)
    discover(st)
    cable_check(st)
    st.ev(r.PRE_CHARGE)
    st.ev(r.START)


def _to_stop(st: Station) -> None:
    charging_dc(st)
    st.ev(r.STOP)


MISSES = [
    (_to_authorization, 30.0, AUTHORIZED, Error.UNSPECIFIED),
    (_to_schedules, 30.0, SCHEDULES, Error.CHARGE_PARAMETER_TIMEOUT_REACHED),
    (_to_cable_check, 30.0, CABLE_OK, Error.UNSPECIFIED),
    (_to_start, 4.0, e.EVSEStartCharging(), Error.POWER_DELIVERY_NOT_APPLIED),
    (_to_stop, 4.0, e.EVSEStopCharging(), Error.POWER_DELIVERY_NOT_APPLIED),
]


def _keep_updating(st: Station, seconds: float) -> None:
    """The host keeps the 500 ms rule (where it applies) but does not give the answer."""
    for _ in range(round(seconds / 0.25)):
        st.advance(0.25)
        if st.service.session is not None and st.service.session.update_rule is not None:
            st.ok(update())


@pytest.mark.parametrize(("reach", "deadline", "answer", "error"), MISSES, ids=lambda x: getattr(x, "__name__", ""))
def test_a_missed_deadline_ends_the_session_with_session_error_then_stopped(
        reach: object, deadline: float, answer: Command, error: Error) -> None:
    st = Station()
    reach(st)  # type: ignore[operator]
    _keep_updating(st, deadline - 0.25)
    assert st.service.session is not None
    st.statuses()
    _keep_updating(st, 0.5)
    assert st.statuses() == [e.EVSESessionError(error_code=error),
                             e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]
    assert st.end is not None and not st.end.open
    assert st.service.session is None and st.service.listening
    assert st.code(answer) == 0x11
    assert [miss.deadline for miss in st.host.module.deadlines.misses] == [deadline]


@pytest.mark.parametrize(("reach", "deadline", "answer", "error"), MISSES, ids=lambda x: getattr(x, "__name__", ""))
def test_lenient_timing_records_the_miss_and_the_late_answer_still_counts(
        reach: object, deadline: float, answer: Command, error: Error) -> None:
    st = Station.lenient()
    reach(st)  # type: ignore[operator]
    _keep_updating(st, deadline + 1)
    st.ok(answer)
    assert st.service.session is not None and st.end is not None and st.end.open
    assert not of_type(st.statuses(), e.EVSESessionError)
    (miss,) = st.host.module.deadlines.misses
    assert miss.deadline == deadline and miss.latency is not None and miss.latency > deadline


def test_scaled_timing_stretches_the_deadline() -> None:
    from freev2g.emulator.deadlines import Timing

    st = Station(timing=Timing(scale=2.0))
    _to_authorization(st)
    st.advance(45)
    assert st.service.session is not None
    st.advance(20)
    assert st.service.session is None


# -- the 500 ms rule (p140, p143) --------------------------------------------------------------------------

def test_no_update_rule_before_set_schedules() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    st.ev(r.CPD_DC)
    st.advance(5)
    assert st.service.session is not None


def test_updates_every_400_ms_keep_the_session_and_a_gap_of_500_ms_ends_it_with_error_23() -> None:
    st = Station()
    _to_schedules(st)
    st.ok(SCHEDULES)
    for _ in range(10):
        st.advance(0.4)
        st.ok(update())
    assert st.service.session is not None
    st.statuses()
    st.advance(0.49)
    assert st.service.session is not None
    st.advance(0.02)
    assert st.statuses() == [e.EVSESessionError(error_code=Error.CHARGE_PARAMETER_TIMEOUT_REACHED),
                             e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]
    assert st.end is not None and not st.end.open


def test_the_update_rule_in_an_ac_session_counts_0x66_not_0x63() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    st.ev(r.CPD_AC)
    st.ok(SCHEDULES)
    for _ in range(3):
        st.advance(0.4)
        st.ok(e.EVSEUpdateACChargingParameters(rcd=False))
    st.advance(0.3)
    st.ok(update())  # a DC update does not count
    st.advance(0.21)
    assert st.service.session is None
    assert of_type(st.statuses(), e.EVSESessionError) == [
        e.EVSESessionError(error_code=Error.CHARGE_PARAMETER_TIMEOUT_REACHED)]


def test_the_update_rule_in_lenient_timing_counts_misses_and_goes_on() -> None:
    st = Station.lenient()
    _to_schedules(st)
    st.ok(SCHEDULES)
    st.advance(0.7)
    st.ok(update())
    st.advance(0.6)
    st.ok(update())
    assert st.service.session is not None
    misses = st.host.module.deadlines.misses
    assert [miss.request for miss in misses] == ["Update DC Charging Parameters"] * 2
    report = st.host.module.deadlines.report()
    assert report["reactions"]["Update DC Charging Parameters"]["count"] == 2


def test_the_update_rule_stops_with_the_session() -> None:
    st = Station()
    charging_dc(st)
    st.ev(r.SESSION_STOP)
    st.statuses()
    st.advance(5)
    assert st.statuses() == []
    assert not st.host.module.deadlines.misses


# -- schedules ---------------------------------------------------------------------------------------

def test_set_schedules_honours_the_evs_max_entries() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    st.ev(dataclasses.replace(r.CPD_DC, max_entries_sa_schedule_tuple=1))
    assert of_type(st.statuses(), e.EVSESchedulesRequested) == [
        e.EVSESchedulesRequested(timeout=30_000, max_entries=1)]
    assert st.code(SCHEDULES) == 0x10  # two entries
    one = e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[
        e.EVSEScheduleTuple(tuple_id=1, entries=[ScheduleEntry(start=0, interval=86_400, power=11_000)])])
    st.ok(one)
    assert st.code(one) == 0x11  # answered already
    st.ok(update())
    answer = st.ev(r.CPD_DC)
    assert isinstance(answer, m.ChargeParameterDiscoveryRes)
    assert answer.sa_schedule_list == (m.SAScheduleTuple(sa_schedule_tuple_id=1, p_max_schedule=(
        m.PMaxScheduleEntry(start=0, duration=86_400, p_max=11_000),)),)


def test_unable_to_deliver_schedules_fails_the_discovery() -> None:
    st = Station()
    _to_schedules(st)
    st.ok(dataclasses.replace(SCHEDULES, code=e.SchedulesResult.UNABLE_TO_DELIVER_SCHEDULES))
    answer = st.ev(r.CPD_DC)
    assert isinstance(answer, m.ChargeParameterDiscoveryRes) and answer.response_code is m.ResponseCode.FAILED
    assert st.statuses()[-2:] == [e.EVSESessionError(error_code=Error.WRONG_CHARGE_PARAMETER),
                                  e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]


def test_start_charging_requested_carries_the_selected_schedule_when_the_ev_sends_no_profile() -> None:
    st = Station()
    _to_start(st)
    (requested,) = of_type(st.statuses(), e.EVSEStartChargingRequested)
    assert isinstance(requested, e.EVSEStartChargingRequested)
    assert requested.schedule_tuple_id == 1 and requested.timeout == 4000
    assert [(entry.start, entry.power) for entry in requested.profile] == [(0, 280_000), (3600, 50)]


# -- failures the host decides ------------------------------------------------------------------------

def test_authorization_failed_answers_failed_and_ends_the_session() -> None:
    st = Station()
    _to_authorization(st)
    st.ok(e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.FAILED))
    answer = st.ev(r.AUTHORIZATION)
    assert isinstance(answer, m.AuthorizationRes) and answer.response_code is m.ResponseCode.FAILED
    assert st.statuses()[-2:] == [e.EVSESessionError(error_code=Error.UNSPECIFIED),
                                  e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]


def test_cable_check_failed_answers_failed() -> None:
    st = Station()
    _to_cable_check(st)
    st.ok(update(isolation=IsolationLevel.FAULT, status=EvseStatus.SHUTDOWN))
    st.ok(e.EVSESetCableCheckFinished(code=e.CableCheckResult.FAILED))
    answer = st.ev(r.CABLE_CHECK)
    assert isinstance(answer, m.CableCheckRes) and answer.response_code is m.ResponseCode.FAILED
    assert answer.dc_evse_status.evse_isolation_status is m.IsolationLevel.FAULT
    assert answer.dc_evse_status.evse_status_code is m.DCEVSEStatusCode.EVSE_SHUTDOWN
    assert kinds(st.statuses())[-2:] == [0x8E, 0x8C]


def test_the_secc_s_negative_response_becomes_the_matching_session_error() -> None:
    st = Station()
    st.listen()
    st.connect()
    for request in (r.SETUP, r.DISCOVERY, r.DETAIL):
        st.ev(request)
    contract = dataclasses.replace(r.PAYMENT, selected_payment_option=m.PaymentOption.CONTRACT)
    answer = st.ev(contract)
    assert isinstance(answer, m.V2gResponse) and not answer.response_code.ok
    assert st.statuses()[-2:] == [e.EVSESessionError(error_code=Error.PAYMENT_SELECTION_INVALID),
                                  e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]


def test_a_lost_connection_is_an_unspecified_session_error() -> None:
    st = Station()
    set_up(st)
    assert st.end is not None
    st.end.close()
    st.advance(r.STEP)
    assert st.statuses()[-2:] == [e.EVSESessionError(error_code=Error.UNSPECIFIED),
                                  e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]


# -- listening, restarts, notifications -----------------------------------------------------------------

def test_stop_listen_lets_the_session_finish_and_refuses_the_next_one() -> None:
    st = Station()
    set_up(st)
    st.ok(e.EVSEStopListen())
    authorize(st)
    st.ev(r.SESSION_STOP)
    assert kinds(st.statuses())[-1] == 0x8C
    ends: list[object] = []
    st.network.connect(ends.append)
    st.advance(20)
    assert ends == [None]
    st.ok(e.EVSESetConfiguration(**{**vars(CONFIG), "evse_id_iso": "DE*A23*E45B*79C"}))  # stopped again


def test_one_session_at_a_time() -> None:
    st = Station()
    set_up(st)
    ends: list[object] = []
    st.network.connect(ends.append)
    st.advance(r.STEP)
    (second,) = ends
    assert second is not None and not second.open  # type: ignore[attr-defined]
    assert st.service.session is not None and st.end is not None and st.end.open


def test_restart_aborts_the_session_silently() -> None:
    st = Station()
    charging_dc(st)
    st.statuses()
    st.host.module.restart()
    st.advance(1)
    assert st.statuses() == []
    assert st.end is not None and not st.end.open
    assert not st.service.listening and not st.network.listening
    assert st.code(e.EVSEGetConfiguration()) == 0x11  # configuration back to power-up


def test_send_notification_goes_into_the_next_responses_until_power_delivery() -> None:
    st = Station()
    charging_dc(st)
    st.ok(e.EVSESendNotification(renegotiation=False, timeout=30))
    demand = st.ev(r.CURRENT_DEMAND)
    assert isinstance(demand, m.CurrentDemandRes)
    assert demand.dc_evse_status.evse_notification is m.EVSENotification.STOP_CHARGING
    assert demand.dc_evse_status.notification_max_delay == 30
    for _ in range(10):
        st.advance(0.25)
        st.ok(update())
    demand = st.ev(r.CURRENT_DEMAND)
    assert isinstance(demand, m.CurrentDemandRes) and demand.dc_evse_status.notification_max_delay == 28
    response = power_delivery(st, r.STOP, e.EVSEStopCharging())
    assert response.dc_evse_status is not None
    assert response.dc_evse_status.evse_notification is m.EVSENotification.NONE


def test_renegotiation_notification_in_an_ac_session() -> None:
    st = Station()
    set_up(st)
    authorize(st)
    discover(st, r.CPD_AC)
    power_delivery(st, r.START, e.EVSEStartCharging())
    st.ok(e.EVSESendNotification(renegotiation=True, timeout=10))
    status = st.ev(r.CHARGING_STATUS)
    assert isinstance(status, m.ChargingStatusRes)
    assert status.ac_evse_status.evse_notification is m.EVSENotification.RE_NEGOTIATION
    assert status.ac_evse_status.notification_max_delay == 10


# -- certificates and metering receipts (entry points for a link that carries them) --------------------

def test_certificate_installation_goes_to_the_host_and_back() -> None:
    st = Station()
    set_up(st)
    results: list[tuple[e.CertificateResponseStatus, bytes]] = []
    exi = bytes.fromhex("01FE8001 00000002 8000")
    assert st.service.certificate_requested(False, exi, lambda status, blob: results.append((status, blob)))
    assert not st.service.certificate_requested(True, exi, lambda status, blob: None)  # one at a time
    assert st.statuses()[-1] == e.EVSECertificateInstallationRequested(timeout=4500, exi_request=exi)
    st.ok(e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS,
                                                           exi_response=exi))
    assert results == [(e.CertificateResponseStatus.SUCCESS, exi)]
    assert st.code(e.EVSESetCertificateInstallationOrUpdateResponse(
        status=e.CertificateResponseStatus.SUCCESS, exi_response=exi)) == 0x11


def test_a_missed_certificate_deadline_is_no_certificate_available() -> None:
    st = Station()
    set_up(st)
    assert st.service.certificate_requested(True, b"", lambda status, blob: None)
    st.advance(4.6)
    assert st.statuses()[-3:] == [e.EVSECertificateUpdateRequested(timeout=4500, exi_request=b""),
                                  e.EVSESessionError(error_code=Error.NO_CERTIFICATE_AVAILABLE),
                                  e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]


def test_metering_receipt_request_and_status() -> None:
    st = Station()
    receipt = e.EVSESetMeterReceiptRequest(meter_id="Meter1", meter_reading=123_456, meter_reading_signature=b"")
    assert st.code(receipt) == 0x11
    set_up(st)
    st.ok(receipt)
    assert st.service.meter_receipt == receipt
    st.service.metering_receipt_checked(True)
    assert st.statuses()[-1] == e.EVSEMeteringReceiptStatus(status=True)


def test_custom_host_timeouts_go_into_the_statuses() -> None:
    st = Station(timeouts=HostTimeouts(authorization=2.0))
    _to_authorization(st)
    assert st.statuses()[-1] == e.EVSEAuthorizationStatusRequested(timeout=2000)
    st.advance(2.1)
    assert st.service.session is None


def test_consecutive_sessions_while_listening() -> None:
    st = Station()
    charging_dc(st)
    power_delivery(st, r.STOP, e.EVSEStopCharging())
    st.ev(r.SESSION_STOP)
    assert kinds(st.statuses())[-1] == 0x8C
    st.connect()
    for request in (r.SETUP, r.DISCOVERY, r.DETAIL, r.PAYMENT):
        st.ev(request)
    authorize(st)  # a new session asks the host again
    assert kinds(st.statuses()) == [0x80, 0x81, 0x82]
    assert st.network.connections == 2
