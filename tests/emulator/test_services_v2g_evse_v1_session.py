"""V2G service 0x27 of the v1 EVSE firmware, sessions through a real SECC with a scripted EVCC:
Ongoing while the host is slow (manual 2.11 §19.8.3-§19.8.5, p189-p192), deadlines in strict,
lenient and scaled timing, Session stopped per firmware, the host's codes, Stop and restart."""

from __future__ import annotations

import dataclasses

import pytest

from freev2g.emulator.deadlines import Timing, TimingMode
from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, IsolationLevel, ScheduleEntry, SessionClosure
from freev2g.hci.message import Command
from tests.emulator.evse_v1_rig import (
    CHARGE_LOOP_ANSWER,
    DC_CPD,
    DC_DISCOVERY,
    DIN,
    ISO,
    ONE_SCHEDULE,
    Rig,
    current_demand,
    ev_status,
)
from tests.emulator.test_services_v2g_evse_v1 import EXAMPLES

X = e.ExtendedParameterCode
PR = e.EvseProtocolV1
ETM = EnergyTransferMode
V06, V07 = "V01_01_06", "V01_01_07"


@pytest.fixture
def rig() -> Rig:
    return Rig(V06)

# --- the host is slow: Ongoing (§19.8.3-§19.8.5, p189-p192) --------------------------------------

def test_authorization_is_ongoing_until_the_host_decides(rig: Rig) -> None:
    rig.setup()
    rig.select_payment()
    rig.send(m.AuthorizationReq())
    assert rig.status(e.RequestAuthorizationStatus).timeout == 60_000
    rig.advance(0.9)
    rig.no_response()  # the module waits for its host first
    rig.advance(0.2)
    assert rig.response(m.AuthorizationRes).evse_processing is m.EVSEProcessing.ONGOING
    rig.send(m.AuthorizationReq())
    assert rig.statuses() == []  # asked once; the EV's repeat waits for the same answer
    rig.advance(1.1)
    assert rig.response(m.AuthorizationRes).evse_processing is m.EVSEProcessing.ONGOING
    rig.answer(e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_SUCCEEDED))
    rig.no_response()  # nothing pending towards the EV right now
    rig.send(m.AuthorizationReq())
    assert rig.response(m.AuthorizationRes).evse_processing is m.EVSEProcessing.FINISHED
    assert rig.statuses() == []


def test_authorization_failed_ends_the_session(rig: Rig) -> None:
    rig.setup()
    rig.select_payment()
    rig.send(m.AuthorizationReq())
    rig.statuses()
    rig.answer(e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_FAILED))
    assert rig.response(m.AuthorizationRes).response_code is m.ResponseCode.FAILED
    assert rig.statuses() == [e.SessionStopped()]
    rig.advance()
    assert rig.closed


def test_no_authorization_request_when_the_host_does_not_require_it(rig: Rig) -> None:
    rig.ok(e.SetPaymentOptions(authorization_required=False))
    rig.setup()
    rig.select_payment()
    rig.send(m.AuthorizationReq())
    assert rig.statuses() == []
    assert rig.response(m.AuthorizationRes).evse_processing is m.EVSEProcessing.FINISHED


def test_discovery_parameters_first_then_ongoing_and_0x84_again_on_each_repeat(rig: Rig) -> None:
    """p191 figure 29 / v1-api §1.9 step 4."""
    rig.to_charge_parameters()
    rig.send(DC_CPD)
    schedules, discovery = rig.statuses()
    assert schedules == e.RequestSchedules(timeout=60_000, max_entries=12)
    assert discovery == e.RequestDiscoveryChargeParameters(timeout=500, parameters=e.DcEvDiscoveryParameters(
        max_current=20, max_power=8000, max_voltage=400, bulk_soc=50, soc=50))  # the README's values
    for _ in range(2):
        rig.answer(DC_DISCOVERY)
        ongoing = rig.response(m.ChargeParameterDiscoveryRes)
        assert ongoing.evse_processing is m.EVSEProcessing.ONGOING and ongoing.sa_schedule_list == ()
        rig.send(DC_CPD)
        assert [type(s) for s in rig.statuses()] == [e.RequestDiscoveryChargeParameters]
    rig.ok(ONE_SCHEDULE)
    rig.no_response()
    rig.answer(DC_DISCOVERY)
    done = rig.response(m.ChargeParameterDiscoveryRes)
    assert done.evse_processing is m.EVSEProcessing.FINISHED
    assert done.dc_evse_charge_parameter is not None
    assert done.dc_evse_charge_parameter.evse_maximum_power_limit == 25_000.0
    assert done.sa_schedule_list[0].p_max_schedule == (m.PMaxScheduleEntry(start=0, duration=86400, p_max=25_000.0),)


def test_cable_check_is_ongoing_until_the_isolation_test_is_done(rig: Rig) -> None:
    rig.to_cable_check()
    rig.send(m.CableCheckReq(dc_ev_status=ev_status()))
    assert [type(s) for s in rig.statuses()] == [e.RequestCableCheckStatus, e.RequestCableCheckParameters]
    for _ in range(3):
        rig.answer(e.SetCableCheckParameters(code=X.EV_PARAMETERS_ACCEPTED,
                                             parameters=e.DcIsolationStatus(isolation=IsolationLevel.INVALID)))
        ongoing = rig.response(m.CableCheckRes)
        assert ongoing.evse_processing is m.EVSEProcessing.ONGOING
        assert ongoing.dc_evse_status.evse_status_code is m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE
        rig.send(m.CableCheckReq(dc_ev_status=ev_status()))
        assert [type(s) for s in rig.statuses()] == [e.RequestCableCheckParameters]  # 0x86 only once
    rig.ok(e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED))
    rig.answer(e.SetCableCheckParameters(code=X.EV_PARAMETERS_ACCEPTED,
                                         parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID)))
    done = rig.response(m.CableCheckRes)
    assert done.evse_processing is m.EVSEProcessing.FINISHED
    assert done.dc_evse_status.evse_isolation_status is m.IsolationLevel.VALID
    assert rig.code(e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED)) == 0x11


# --- deadlines: "the communication session will be closed" (p157-p166) ----------------------------

def test_a_missed_charge_loop_deadline_closes_the_session_in_strict_timing() -> None:
    """The v1 firmware gives its host 75 ms in the charge loop (iso15118-facts §3.6)."""
    rig = Rig(V07)
    rig.to_charging()
    rig.send(current_demand())
    rig.status(e.RequestChargeLoopParameters)
    asked_at = rig.host.module.deadlines.reactions[-1].requested_at
    rig.advance(asked_at + 0.074 - rig.clock.now())
    assert rig.statuses() == []
    rig.advance(0.002)
    assert rig.statuses() == [e.SessionStopped(closure_type=SessionClosure.TERMINATE)]
    rig.advance()
    assert rig.closed and rig.received == [] and rig.service.session is None
    assert rig.code(CHARGE_LOOP_ANSWER) == 0x11  # too late: nothing is pending any more
    [miss] = rig.host.module.deadlines.misses
    assert (miss.request, miss.deadline) == ("Request Charge Loop Parameters", 0.075)
    assert rig.network.listening  # the next EV can connect


def test_lenient_timing_records_the_miss_and_waits_for_the_host() -> None:
    rig = Rig(V07, Timing(TimingMode.LENIENT))
    rig.to_charging()
    rig.send(current_demand())
    rig.status(e.RequestChargeLoopParameters)
    rig.advance(0.2)
    assert rig.statuses() == [] and not rig.closed
    rig.answer(CHARGE_LOOP_ANSWER)
    assert rig.response(m.CurrentDemandRes).response_code is m.ResponseCode.OK
    assert [r.request for r in rig.host.module.deadlines.misses] == ["Request Charge Loop Parameters"]


def test_scaled_timing_stretches_the_deadline() -> None:
    rig = Rig(V07, Timing.parse("scale=2"))
    rig.to_charging()
    rig.send(current_demand())
    assert rig.status(e.RequestChargeLoopParameters).timeout == 75  # the module still announces 75 ms
    rig.advance(0.1)
    rig.answer(CHARGE_LOOP_ANSWER)
    rig.response(m.CurrentDemandRes)
    rig.send(current_demand())
    rig.statuses()
    rig.advance(0.15)
    assert rig.statuses() == [e.SessionStopped(closure_type=SessionClosure.TERMINATE)]


@pytest.mark.parametrize(("firmware", "payload"), [(V06, b""), (V07, b"\x00")])
def test_a_missed_evse_id_deadline_stops_the_session(firmware: str, payload: bytes) -> None:
    rig = Rig(firmware)
    rig.start()
    rig.connect()
    rig.send(m.SupportedAppProtocolReq(app_protocol=(ISO,)))
    rig.response(m.SupportedAppProtocolRes)
    rig.send(m.SessionSetupReq(evcc_id=b"\x01" * 6))
    rig.statuses()
    rig.advance(0.5)
    [frame] = rig.host.take()
    assert (frame.sub_id, frame.payload) == (0x81, payload)
    rig.advance()
    assert rig.closed and rig.received == []


# --- Session stopped (0x81): V01_01_06 vs V01_01_07 (v1-api §1.12) --------------------------------

@pytest.mark.parametrize(("firmware", "session", "payload"), [
    (V06, m.ChargingSession.TERMINATE, b""), (V06, m.ChargingSession.PAUSE, b""),
    (V07, m.ChargingSession.TERMINATE, b"\x00"), (V07, m.ChargingSession.PAUSE, b"\x01"),
])
def test_session_stopped_payload(firmware: str, session: m.ChargingSession, payload: bytes) -> None:
    rig = Rig(firmware)
    rig.to_charging()
    rig.send(m.PowerDeliveryReq(charge_progress=m.ChargeProgress.STOP, sa_schedule_tuple_id=1))
    rig.statuses()
    rig.answer(e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED,
                                       parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID)))
    rig.response(m.PowerDeliveryRes)
    rig.send(m.SessionStopReq(charging_session=session))
    rig.response(m.SessionStopRes)
    [frame] = rig.host.take()
    assert (frame.sub_id, frame.request_id, frame.payload) == (0x81, 0xFF, payload)


# --- the host's codes and refusals ----------------------------------------------------------------

def test_a_block_of_the_other_kind_is_0x10_and_the_request_stays_pending(rig: Rig) -> None:
    rig.to_charge_parameters()
    rig.send(DC_CPD)
    rig.statuses()
    rig.ok(ONE_SCHEDULE)
    ac_example = EXAMPLES[0x6A][0].expected
    assert isinstance(ac_example, Command)
    assert rig.code(ac_example) == 0x10  # an AC answer in a DC session
    rig.answer(DC_DISCOVERY)
    assert rig.response(m.ChargeParameterDiscoveryRes).evse_processing is m.EVSEProcessing.FINISHED


def test_more_schedule_entries_than_the_ev_allows_is_0x10(rig: Rig) -> None:
    rig.to_charge_parameters()
    rig.send(dataclasses.replace(DC_CPD, max_entries_sa_schedule_tuple=1))
    assert rig.statuses()[0] == e.RequestSchedules(timeout=60_000, max_entries=1)
    two = e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=[
        ScheduleEntry(start=0, interval=60, power=1000), ScheduleEntry(start=60, interval=60, power=500)])])
    assert rig.code(two) == 0x10
    rig.ok(ONE_SCHEDULE)


def test_stop_charging_notification_from_the_charge_loop(rig: Rig) -> None:
    rig.to_charging()
    rig.send(current_demand())
    rig.statuses()
    rig.answer(dataclasses.replace(CHARGE_LOOP_ANSWER, code=X.STOP_CHARGING, timeout=30))
    status = rig.response(m.CurrentDemandRes).dc_evse_status
    assert (status.evse_notification, status.notification_max_delay) == (m.EVSENotification.STOP_CHARGING, 30)


@pytest.mark.parametrize(("code", "response_code"), [
    (X.EV_PARAMETERS_INVALID, m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER),
    (X.UNABLE_TO_DELIVER_EVSE_PARAMETERS, m.ResponseCode.FAILED),
])
def test_a_failing_pre_charge_code_fails_the_session(rig: Rig, code: X, response_code: m.ResponseCode) -> None:
    rig.to_cable_check()
    rig.cable_check_done()
    rig.send(m.PreChargeReq(dc_ev_status=ev_status(), ev_target_voltage=380.0, ev_target_current=5.0))
    rig.statuses()
    rig.answer(e.SetPreChargeParameters(code=code))
    assert rig.response(m.PreChargeRes).response_code is response_code
    assert rig.statuses() == [e.SessionStopped()]


def test_din_session_asks_for_a_din_evse_id(rig: Rig) -> None:
    rig.start()
    rig.connect()
    rig.send(m.SupportedAppProtocolReq(app_protocol=(DIN,)))
    rig.response(m.SupportedAppProtocolRes)
    rig.send(m.SessionSetupReq(evcc_id=b"\x00\x01\x01\x63\x77\x30"))
    started, request = rig.statuses()
    assert isinstance(started, e.SessionStarted) and started.protocol is PR.DIN_70121
    assert started.evcc_id == b"\x00\x01\x01\x63\x77\x30"
    assert request == e.RequestEvseId(timeout=500, format=e.EvseIdFormat.DIN)
    assert rig.code(e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="+" + "4" * 32)) == 0x10  # p158: max 32
    assert rig.code(e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="")) == 0x10
    rig.answer(e.SetEvseId(code=e.EvseIdCode.NO_EVSE_ID_AVAILABLE))
    assert rig.response(m.SessionSetupRes).evse_id == "00"


# --- Stop, restart, one session at a time -----------------------------------------------------------

def test_stop_aborts_the_running_session(rig: Rig) -> None:
    rig.to_charging()
    rig.send(current_demand())
    rig.statuses()
    rig.ok(c.Stop())
    assert rig.statuses() == [e.SessionStopped()]
    rig.advance()
    assert rig.closed and not rig.network.listening and rig.received == []
    assert rig.code(CHARGE_LOOP_ANSWER) == 0x11
    rig.advance(1.0)
    assert rig.host.module.deadlines.misses == []  # the pending deadline went with the session


def test_restart_aborts_silently_and_forgets_everything(rig: Rig) -> None:
    rig.ok(e.SetEnergyTransferModes(modes=[ETM.DC_EXTENDED]))
    rig.to_cable_check()
    rig.host.module.restart()
    rig.advance()
    assert rig.statuses() == [] and rig.closed and not rig.network.listening
    assert rig.code(c.Stop()) == 0x05
    assert rig.host.request(e.GetEnergyTransferModes()) == e.GetEnergyTransferModes.Response(
        modes=[ETM.DC_EXTENDED, ETM.DC_COMBO_CORE])
    rig.advance(60)
    assert rig.host.module.deadlines.misses == []


def test_consecutive_sessions_and_one_at_a_time(rig: Rig) -> None:
    rig.setup()
    first = rig.end
    rig.connect()  # a second EV while the first session runs
    rig.advance()
    assert rig.closed and rig.service.sessions == 1
    assert first is not None and first.open
    first.close()
    rig.advance()
    assert rig.statuses() == [e.SessionStopped()] and rig.service.session is None
    rig.closed, rig.session_id = False, m.NO_SESSION
    rig.connect()
    rig.send(m.SupportedAppProtocolReq(app_protocol=(ISO,)))
    rig.response(m.SupportedAppProtocolRes)
    rig.send(m.SessionSetupReq(evcc_id=b"\x02" * 6))
    assert [type(s) for s in rig.statuses()] == [e.SessionStarted, e.RequestEvseId]
    assert rig.service.sessions == 2
