"""The EVCC engine against a scripted SECC on a MemoryNetwork (manual 2.14 p230-p236; evcc_api.py)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.evcc_api import EvStep
from freev2g.emulator.v2g.link import SDP_TIMEOUT, MemoryNetwork
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.v2g.timeouts import CABLE_CHECK_TIMEOUT, ONGOING_TIMEOUT, PRE_CHARGE_TIMEOUT
from tests.emulator.v2g.evcc_rig import (
    AC,
    DC,
    DIN,
    EVCC_ID,
    ISO,
    LATENCY,
    LOOP,
    PROFILE,
    SID,
    FakeEv,
    default_answer,
    ongoing,
    rig,
)

SETUP_ISO = ["SupportedAppProtocolReq", "SessionSetupReq", "ServiceDiscoveryReq", "ServiceDetailReq",
             "PaymentServiceSelectionReq", "AuthorizationReq", "ChargeParameterDiscoveryReq"]
SETUP_DIN = [name for name in SETUP_ISO if name != "ServiceDetailReq"]
DC_TAIL = ["CableCheckReq", "PreChargeReq", "PowerDeliveryReq(Start)", "CurrentDemandReq", "PowerDeliveryReq(Stop)",
           "WeldingDetectionReq", "SessionStopReq"]
AC_TAIL = ["PowerDeliveryReq(Start)", "ChargingStatusReq", "PowerDeliveryReq(Stop)", "SessionStopReq"]
DC_STEPS = [EvStep.CABLE_CHECK_FINISHED, EvStep.CHARGING_READY, EvStep.CHARGING_STARTED, EvStep.POST_CHARGING_READY]
AC_STEPS = [EvStep.CHARGING_READY, EvStep.CHARGING_STARTED, EvStep.CHARGING_STOPPED]


def failed_with(code: m.ResponseCode) -> object:
    def answer(request: m.V2gRequest) -> m.V2gMessage:
        return dataclasses.replace(default_answer(request, (ISO, DIN)), response_code=code)  # type: ignore[call-arg]
    return answer


# --- full flows -------------------------------------------------------------------------------


def test_iso_dc_session_runs_every_request_in_order_and_ends_stopped() -> None:
    r = rig()
    r.run(10)
    assert r.secc.requests == SETUP_ISO + DC_TAIL
    assert r.end.kind is SessionEndKind.STOPPED
    assert not r.evcc.active and r.evcc.protocol is ISO and r.evcc.session_id == SID
    assert r.secc.closed_by_ev  # the EVCC closes the connection after SessionStopRes
    assert r.ev.events == [
        ("started", r.ev.events[0][1]), ("charge_parameters", None),
        ("charge_parameters_received", m.EVSEProcessing.FINISHED), ("gate", "wait_cable_check"),
        ("response", "CableCheckRes"), ("step", EvStep.CABLE_CHECK_FINISHED), ("gate", "wait_pre_charge"),
        ("response", "PreChargeRes"), ("step", EvStep.CHARGING_READY), ("gate", "wait_start_charging"),
        ("response", "PowerDeliveryRes"), ("step", EvStep.CHARGING_STARTED), ("gate", "wait_stop_charging"),
        ("response", "CurrentDemandRes"), ("response", "PowerDeliveryRes"), ("step", EvStep.POST_CHARGING_READY),
        ("gate", "wait_stop_session"), ("response", "WeldingDetectionRes"), ("response", "SessionStopRes")]
    info = r.ev.events[0][1]
    assert info.protocol is ISO and info.session_id == SID and info.evcc_id == EVCC_ID  # type: ignore[attr-defined]


def test_din_dc_session_has_no_service_detail() -> None:
    r = rig(FakeEv(protocols=(DIN,)), secc_protocols=(DIN,))
    r.run(10)
    assert r.secc.requests == SETUP_DIN + DC_TAIL
    assert r.evcc.protocol is DIN
    assert r.ev.names("step") == DC_STEPS
    assert r.end.kind is SessionEndKind.STOPPED


def test_iso_ac_session_skips_cable_check_pre_charge_and_welding() -> None:
    r = rig(FakeEv(mode=AC))
    r.run(10)
    assert r.secc.requests == SETUP_ISO + AC_TAIL
    assert r.ev.names("step") == AC_STEPS
    assert r.ev.names("gate") == ["wait_start_charging", "wait_stop_charging"]
    assert r.end.kind is SessionEndKind.STOPPED
    power_deliveries = [request for _, request in r.secc.log if isinstance(request, m.PowerDeliveryReq)]
    assert all(request.dc_ev_power_delivery_parameter is None for request in power_deliveries)


def test_handshake_offers_the_ev_protocols_with_priorities_in_order() -> None:
    r = rig(FakeEv(protocols=(DIN, ISO)), secc_protocols=(ISO,))
    r.run(10)
    handshake = r.secc.log[0][1]
    assert isinstance(handshake, m.SupportedAppProtocolReq)
    assert [(p.protocol_namespace, p.version_number_major, p.version_number_minor, p.priority, p.schema_id)
            for p in handshake.app_protocol] == [(DIN.namespace, 2, 0, 1, 1), (ISO.namespace, 2, 0, 2, 2)]
    assert r.evcc.protocol is ISO  # the SECC had only the second choice
    assert r.secc.requests == SETUP_ISO + DC_TAIL


def test_requests_carry_the_session_id_and_the_controllers_values() -> None:
    r = rig()
    r.secc.answers[m.ServiceDiscoveryReq] = lambda request: dataclasses.replace(
        default_answer(request, (ISO,)),
        charge_service=m.ChargeService(service_id=3, supported_energy_transfer_modes=(DC,)))  # type: ignore[call-arg]
    r.run(10)
    requests = [request for _, request in r.secc.log]
    assert [request.session_id for request in requests[:2]] == [m.NO_SESSION] * 2
    assert all(request.session_id == SID for request in requests[2:])
    by_name = {type(request): request for request in requests}
    assert by_name[m.SessionSetupReq] == m.SessionSetupReq(evcc_id=EVCC_ID)
    assert by_name[m.ServiceDetailReq].service_id == 3  # type: ignore[attr-defined]
    selection = by_name[m.PaymentServiceSelectionReq]
    assert selection == m.PaymentServiceSelectionReq(
        session_id=SID, selected_payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
        selected_service_list=(m.SelectedService(service_id=3),))
    start, stop = (request for request in requests if isinstance(request, m.PowerDeliveryReq))
    assert (start.sa_schedule_tuple_id, start.charging_profile) == (7, PROFILE)
    assert (stop.sa_schedule_tuple_id, stop.charging_profile) == (7, ())
    assert start.dc_ev_power_delivery_parameter is not None
    demand = by_name[m.CurrentDemandReq]
    assert isinstance(demand, m.CurrentDemandReq)
    assert (demand.ev_target_voltage, demand.ev_target_current, demand.ev_maximum_voltage_limit) == (400, 100, 450)
    pre_charge = by_name[m.PreChargeReq]
    assert isinstance(pre_charge, m.PreChargeReq)
    assert (pre_charge.ev_target_voltage, pre_charge.ev_target_current) == (400, 100)


# --- Ongoing and loops ------------------------------------------------------------------------


@pytest.mark.parametrize("request_type", [m.AuthorizationReq, m.ChargeParameterDiscoveryReq, m.CableCheckReq])
def test_ongoing_answers_are_repeated_one_loop_interval_apart(request_type: type[m.V2gRequest]) -> None:
    r = rig()
    r.secc.answers[request_type] = ongoing(request_type, 3)
    r.run(10)
    name = request_type.__name__
    times = r.secc.times(name)
    assert len(times) == 4
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == pytest.approx([LOOP] * 3)
    assert r.secc.requests == [n for n in SETUP_ISO + DC_TAIL for _ in range(4 if n == name else 1)]
    assert r.ev.names("charge_parameters_received") == [m.EVSEProcessing.FINISHED]
    assert r.end.kind is SessionEndKind.STOPPED


def test_charge_parameters_are_read_for_every_repeated_discovery() -> None:
    r = rig()
    r.secc.answers[m.ChargeParameterDiscoveryReq] = ongoing(m.ChargeParameterDiscoveryReq, 2)
    r.run(10)
    assert len(r.ev.names("charge_parameters")) == 3
    assert r.ev.names("step").count(EvStep.CABLE_CHECK_FINISHED) == 1


def test_cable_check_responses_reach_the_controller_while_ongoing() -> None:
    r = rig()
    r.secc.answers[m.CableCheckReq] = ongoing(m.CableCheckReq, 2)
    r.run(10)
    assert r.ev.names("response")[:3] == ["CableCheckRes"] * 3
    assert r.ev.events.index(("step", EvStep.CABLE_CHECK_FINISHED)) > r.ev.events.index(("response", "CableCheckRes"))


@pytest.mark.parametrize(("request_type", "limit", "what"), [
    (m.AuthorizationReq, ONGOING_TIMEOUT, "Authorization still Ongoing after 60 s"),
    (m.ChargeParameterDiscoveryReq, ONGOING_TIMEOUT, "ChargeParameterDiscovery still Ongoing after 60 s"),
    (m.CableCheckReq, CABLE_CHECK_TIMEOUT, "CableCheck not finished within 40 s"),
])
def test_endless_ongoing_times_out_from_the_first_request(request_type: type[m.V2gRequest], limit: float,
                                                          what: str) -> None:
    r = rig()
    r.secc.answers[request_type] = ongoing(request_type, None)
    r.run(1)
    first_sent = r.secc.times(request_type.__name__)[0] - LATENCY
    r.run(first_sent + limit - 0.001 - r.clock.now())
    assert r.evcc.active and not r.ev.ends
    r.run(0.002)
    assert r.end.kind is SessionEndKind.TIMEOUT and r.end.reason == what
    r.run(0.01)
    assert r.secc.closed_by_ev
    assert len(r.secc.times(request_type.__name__)) == pytest.approx(limit / LOOP, abs=2)


def test_charge_loop_repeats_every_loop_interval_until_the_stop_gate() -> None:
    r = rig(FakeEv(held={"wait_stop_charging"}))
    r.run(2)
    times = r.secc.times("CurrentDemandReq")
    assert len(times) >= 15
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == pytest.approx(
        [LOOP] * (len(times) - 1))
    assert r.ev.names("gate").count("wait_stop_charging") == 1
    # resolved between two requests: PowerDelivery(Stop) goes out at once, not at the next tick
    r.run(times[-1] + 0.05 - r.clock.now())
    resolved_at = r.clock.now()
    r.ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
    r.run(5)
    assert r.secc.times("PowerDeliveryReq(Stop)") == [pytest.approx(resolved_at + LATENCY)]
    assert r.secc.times("CurrentDemandReq") == times
    assert r.end.kind is SessionEndKind.STOPPED


def test_a_gate_resolved_with_a_request_on_the_wire_moves_on_after_its_response() -> None:
    ev = FakeEv(held={"wait_stop_charging"})
    r = rig(ev)
    demands: list[float] = []

    def answer(request: m.V2gRequest) -> m.V2gMessage:
        demands.append(r.clock.now())
        if len(demands) == 3:
            ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
        return default_answer(request, (ISO,))

    r.secc.answers[m.CurrentDemandReq] = answer
    r.run(10)
    assert len(demands) == 3
    assert r.secc.times("PowerDeliveryReq(Stop)") == [pytest.approx(demands[2] + 2 * LATENCY)]
    assert r.end.kind is SessionEndKind.STOPPED


def test_pre_charge_loops_until_start_charging_and_reports_ready_after_the_first_answer() -> None:
    r = rig(FakeEv(held={"wait_start_charging"}))
    r.run(3)
    times = r.secc.times("PreChargeReq")
    assert len(times) >= 25
    assert r.secc.requests[-1] == "PreChargeReq"
    events = r.ev.events
    first_answer = events.index(("response", "PreChargeRes"))
    assert events[first_answer + 1: first_answer + 3] == [("step", EvStep.CHARGING_READY),
                                                          ("gate", "wait_start_charging")]
    assert r.ev.names("gate").count("wait_start_charging") == 1
    r.ev.gate("wait_start_charging").resolve(None)
    r.run(10)
    assert r.secc.requests[-5:] == DC_TAIL[2:]
    assert r.end.kind is SessionEndKind.STOPPED


def test_pre_charge_times_out_when_charging_never_starts() -> None:
    r = rig(FakeEv(held={"wait_start_charging"}))
    r.run(1)
    first_sent = r.secc.times("PreChargeReq")[0] - LATENCY
    r.run(first_sent + PRE_CHARGE_TIMEOUT - 0.001 - r.clock.now())
    assert not r.ev.ends
    r.run(0.002)
    assert (r.end.kind, r.end.reason) == (SessionEndKind.TIMEOUT, "PreCharge not done within 7 s")


def test_welding_detection_loops_until_stop_session() -> None:
    r = rig(FakeEv(held={"wait_stop_session"}))
    r.run(2)
    assert r.secc.requests.count("WeldingDetectionReq") >= 15
    assert "SessionStopReq" not in r.secc.requests
    r.ev.gate("wait_stop_session").resolve(None)
    r.run(1)
    assert r.secc.requests[-1] == "SessionStopReq"
    assert r.end.kind is SessionEndKind.STOPPED


@pytest.mark.parametrize(("gate", "last_request"), [
    ("wait_cable_check", "ChargeParameterDiscoveryReq"), ("wait_pre_charge", "CableCheckReq")])
def test_gates_before_a_phase_hold_the_flow_with_nothing_on_the_wire(gate: str, last_request: str) -> None:
    r = rig(FakeEv(held={gate}))
    r.run(50)
    assert r.secc.requests[-1] == last_request
    assert r.evcc.active and not r.ev.ends
    assert r.ev.names("gate").count(gate) == 1
    resolved_at = r.clock.now()
    r.ev.gate(gate).resolve(None)
    r.run(0.0021)
    assert r.secc.log[-1][0] == pytest.approx(resolved_at + LATENCY)
    r.run(10)
    assert r.end.kind is SessionEndKind.STOPPED


def test_ac_start_gate_holds_the_flow() -> None:
    r = rig(FakeEv(mode=AC, held={"wait_start_charging"}))
    r.run(30)
    assert r.secc.requests == SETUP_ISO
    assert r.ev.names("step") == [EvStep.CHARGING_READY]
    r.ev.gate("wait_start_charging").resolve(None)
    r.run(10)
    assert r.secc.requests == SETUP_ISO + AC_TAIL


# --- renegotiation ----------------------------------------------------------------------------


def test_iso_dc_renegotiation_goes_back_to_charge_parameter_discovery() -> None:
    r = rig(FakeEv(stop_progress=[m.ChargeProgress.RENEGOTIATE]))
    r.run(10)
    again = ["ChargeParameterDiscoveryReq", *DC_TAIL]
    assert r.secc.requests == [*SETUP_ISO, *DC_TAIL[:4], "PowerDeliveryReq(Renegotiate)", *again]
    assert r.ev.names("charge_parameters_received") == [m.EVSEProcessing.FINISHED] * 2
    assert r.ev.names("step") == DC_STEPS[:3] + DC_STEPS
    assert r.end.kind is SessionEndKind.STOPPED


def test_iso_ac_renegotiation() -> None:
    r = rig(FakeEv(mode=AC, stop_progress=[m.ChargeProgress.RENEGOTIATE]))
    r.run(10)
    assert r.secc.requests == [*SETUP_ISO, *AC_TAIL[:2], "PowerDeliveryReq(Renegotiate)",
                               "ChargeParameterDiscoveryReq", *AC_TAIL]
    assert r.ev.names("step") == AC_STEPS[:2] + AC_STEPS


def test_din_has_no_renegotiation_so_it_stops() -> None:
    r = rig(FakeEv(protocols=(DIN,), stop_progress=[m.ChargeProgress.RENEGOTIATE]), secc_protocols=(DIN,))
    r.run(10)
    assert r.secc.requests == SETUP_DIN + DC_TAIL
    assert r.end.kind is SessionEndKind.STOPPED


# --- message timeouts -------------------------------------------------------------------------


@pytest.mark.parametrize(("protocol", "mode", "request_type", "timeout"), [
    (ISO, DC, m.SupportedAppProtocolReq, 2.0),
    (ISO, DC, m.SessionSetupReq, 2.0),
    (ISO, DC, m.ServiceDetailReq, 5.0),
    (ISO, DC, m.AuthorizationReq, 2.0),
    (ISO, DC, m.CableCheckReq, 2.0),
    (ISO, DC, m.PreChargeReq, 2.0),
    (ISO, DC, m.PowerDeliveryReq, 5.0),
    (DIN, DC, m.PowerDeliveryReq, 2.0),
    (ISO, DC, m.CurrentDemandReq, 0.25),
    (DIN, DC, m.CurrentDemandReq, 0.25),
    (ISO, AC, m.ChargingStatusReq, 2.0),
    (ISO, DC, m.WeldingDetectionReq, 2.0),
    (ISO, DC, m.SessionStopReq, 2.0),
])
def test_a_missing_response_times_out_per_request_and_protocol(
        protocol: m.V2gProtocol, mode: m.EnergyTransferModeType, request_type: type[m.V2gRequest],
        timeout: float) -> None:
    r = rig(FakeEv(mode=mode, protocols=(protocol,)), secc_protocols=(protocol,))
    r.secc.answers[request_type] = lambda request: None
    while not any(isinstance(request, request_type) for _, request in r.secc.log):
        r.run(0.001)
    sent = [when for when, request in r.secc.log if isinstance(request, request_type)]
    assert len(sent) == 1
    r.run(sent[0] - LATENCY + timeout - 0.001 - r.clock.now())
    assert not r.ev.ends
    r.run(0.002)
    response = request_type.__name__.removesuffix("Req") + "Res"
    assert (r.end.kind, r.end.reason) == (SessionEndKind.TIMEOUT, f"no {response} within {timeout:g} s")
    r.run(1)
    assert r.secc.closed_by_ev and r.secc.log[-1][1] is next(
        request for _, request in r.secc.log if isinstance(request, request_type))


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("request_type", [
    m.SessionSetupReq, m.ServiceDiscoveryReq, m.ServiceDetailReq, m.PaymentServiceSelectionReq, m.AuthorizationReq,
    m.ChargeParameterDiscoveryReq, m.CableCheckReq, m.PreChargeReq, m.PowerDeliveryReq, m.CurrentDemandReq,
    m.WeldingDetectionReq, m.SessionStopReq])
def test_a_negative_response_ends_the_session_with_its_code(request_type: type[m.V2gRequest]) -> None:
    r = rig()
    code = m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER
    r.secc.answers[request_type] = failed_with(code)  # type: ignore[assignment]
    r.run(10)
    response = request_type.__name__.removesuffix("Req") + "Res"
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, f"{response}: FAILED_WrongChargeParameter")
    assert r.secc.requests[-1].startswith(request_type.__name__.removesuffix("Req"))
    assert r.secc.closed_by_ev and not r.evcc.active
    assert ("response", response) not in r.ev.events[-1:]


def test_no_negotiation_ends_the_session() -> None:
    r = rig(FakeEv(protocols=(DIN,)), secc_protocols=(ISO,))
    r.run(5)
    assert r.secc.requests == ["SupportedAppProtocolReq"]
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, "supportedAppProtocolRes: Failed_NoNegotiation")


def test_a_schema_id_that_was_not_offered_ends_the_session() -> None:
    r = rig()
    r.secc.answers[m.SupportedAppProtocolReq] = lambda request: m.SupportedAppProtocolRes(
        app_response_code=m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION, schema_id=9)
    r.run(5)
    assert r.end.kind is SessionEndKind.FAILED and "SchemaID 9" in r.end.reason


def test_din_cannot_charge_ac() -> None:
    r = rig(FakeEv(mode=AC, protocols=(DIN, ISO)), secc_protocols=(DIN,))
    r.run(5)
    assert r.secc.requests == ["SupportedAppProtocolReq"]
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, "DIN SPEC 70121 has no AC charging")


@pytest.mark.parametrize(("discovery", "reason"), [
    (m.ServiceDiscoveryRes(payment_option_list=(m.PaymentOption.CONTRACT,),
                           charge_service=m.ChargeService(supported_energy_transfer_modes=(DC,))),
     "payment option ExternalPayment not offered"),
    (m.ServiceDiscoveryRes(payment_option_list=(m.PaymentOption.EXTERNAL_PAYMENT,),
                           charge_service=m.ChargeService(supported_energy_transfer_modes=(AC,))),
     "energy transfer mode DC_extended not offered"),
])
def test_the_ev_needs_its_payment_option_and_energy_transfer_mode(discovery: m.ServiceDiscoveryRes,
                                                                  reason: str) -> None:
    r = rig()
    r.secc.answers[m.ServiceDiscoveryReq] = lambda request: dataclasses.replace(discovery, session_id=SID)
    r.run(5)
    assert r.secc.requests == SETUP_ISO[:3]
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, reason)


def test_a_response_of_the_wrong_type_is_a_sequence_error() -> None:
    r = rig()
    r.secc.answers[m.SessionSetupReq] = lambda request: default_answer(m.ServiceDiscoveryReq(), (ISO,))
    r.run(5)
    assert r.secc.requests == SETUP_ISO[:2]
    assert (r.end.kind, r.end.reason) == (SessionEndKind.SEQUENCE_ERROR,
                                          "unexpected ServiceDiscoveryRes (awaiting SessionSetupRes)")


def test_a_message_nobody_asked_for_is_a_sequence_error() -> None:
    r = rig(FakeEv(held={"wait_cable_check"}))
    r.run(5)
    assert r.secc.end is not None
    r.secc.end.send(m.CableCheckRes(session_id=SID, dc_evse_status=m.DCEVSEStatus(
        evse_isolation_status=None, evse_status_code=m.DCEVSEStatusCode.EVSE_READY)))
    r.run(1)
    assert (r.end.kind, r.end.reason) == (SessionEndKind.SEQUENCE_ERROR,
                                          "unexpected CableCheckRes (awaiting nothing)")


def test_a_response_for_another_session_ends_the_session() -> None:
    r = rig()
    r.secc.answers[m.ServiceDiscoveryReq] = lambda request: dataclasses.replace(
        default_answer(request, (ISO,)), session_id=bytes(7) + b"\x01")
    r.run(5)
    assert r.end.kind is SessionEndKind.FAILED and "ServiceDiscoveryRes for session" in r.end.reason


@pytest.mark.parametrize("gate", ["wait_cable_check", "wait_pre_charge", "wait_start_charging",
                                  "wait_stop_charging", "wait_stop_session"])
def test_a_failed_gate_ends_the_session(gate: str) -> None:
    r = rig(FakeEv(held={gate}))
    r.run(3)
    sent = len(r.secc.log)
    r.ev.gate(gate).fail("host missed its deadline")
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, f"{gate} failed: host missed its deadline")
    r.run(5)
    assert len(r.secc.log) <= sent + 1 and r.secc.closed_by_ev
    assert len(r.ev.ends) == 1


def test_a_gate_failing_with_a_request_on_the_wire_ends_at_once() -> None:
    ev = FakeEv(held={"wait_stop_charging"})
    r = rig(ev)

    def answer(request: m.V2gRequest) -> m.V2gMessage:
        if len(r.secc.times("CurrentDemandReq")) == 2:
            ev.gate("wait_stop_charging").fail("gone")
        return default_answer(request, (ISO,))

    r.secc.answers[m.CurrentDemandReq] = answer
    r.run(5)
    assert (r.end.kind, r.end.reason) == (SessionEndKind.FAILED, "wait_stop_charging failed: gone")
    assert r.ev.names("response").count("CurrentDemandRes") == 1  # the late answer is not delivered


# --- connection, abort, silence ---------------------------------------------------------------


def test_no_secc_ends_the_session_after_discovery_gives_up() -> None:
    clock = ManualClock()
    ev = FakeEv()
    evcc = Evcc(clock, MemoryNetwork(clock), ev)
    evcc.start()
    clock.advance(SDP_TIMEOUT - 0.01)
    assert evcc.active and not ev.ends
    clock.advance(0.02)
    assert [(end.kind, end.reason) for end in ev.ends] == [(SessionEndKind.CONNECTION_LOST, "no SECC answered SDP")]
    assert not evcc.active


@pytest.mark.parametrize("how", ["secc closes", "plc link drops"])
def test_losing_the_connection_ends_the_session(how: str) -> None:
    r = rig(FakeEv(held={"wait_stop_charging"}))
    r.run(1)
    if how == "secc closes":
        r.secc.close()
    else:
        r.network.drop_all()
    r.run(0.01)
    assert (r.end.kind, r.end.reason) == (SessionEndKind.CONNECTION_LOST, "the connection closed")
    sent = len(r.secc.log)
    r.run(10)
    assert len(r.secc.log) == sent and len(r.ev.ends) == 1


def test_abort_closes_at_once_and_ends_once() -> None:
    r = rig(FakeEv(held={"wait_stop_charging"}))
    r.run(1)
    r.evcc.abort("unplugged")
    assert [(end.kind, end.reason) for end in r.ev.ends] == [(SessionEndKind.FAILED, "unplugged")]
    assert not r.evcc.active
    sent = len(r.secc.log)
    r.evcc.abort("again")
    r.ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
    r.run(10)
    assert r.secc.closed_by_ev
    assert len(r.secc.log) <= sent + 1  # at most the request already on the wire
    assert len(r.ev.ends) == 1


def test_abort_while_discovering_closes_the_connection_when_it_comes() -> None:
    r = rig()
    r.run(0.001)
    r.evcc.abort("stop")
    r.run(5)
    assert r.secc.log == [] and r.secc.closed_by_ev
    assert [(end.kind, end.reason) for end in r.ev.ends] == [(SessionEndKind.FAILED, "stop")]


def test_abort_from_inside_a_controller_callback_stops_the_flow() -> None:
    ev = FakeEv()
    r = rig(ev)
    ev.on_response = lambda response: r.evcc.abort("host error") if isinstance(response, m.CableCheckRes) else None
    r.run(10)
    assert r.secc.requests == [*SETUP_ISO, "CableCheckReq"]
    assert EvStep.CABLE_CHECK_FINISHED not in r.ev.names("step")
    assert [(end.kind, end.reason) for end in r.ev.ends] == [(SessionEndKind.FAILED, "host error")]


def test_silence_stops_sending_keeps_the_connection_and_ends_when_the_secc_closes() -> None:
    r = rig(FakeEv(held={"wait_stop_charging"}))
    r.run(1)
    r.evcc.silence()
    assert r.evcc.silenced and r.evcc.active
    sent = len(r.secc.log)
    r.ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
    r.run(100)  # no request, and no message timeout of its own either
    assert len(r.secc.log) <= sent + 1 and r.secc.requests[-1] == "CurrentDemandReq"
    assert not r.ev.ends and not r.secc.closed_by_ev
    assert r.secc.end is not None and r.secc.end.open
    responses = len(r.ev.names("response"))
    r.secc.close()  # the SECC's sequence timeout fired
    r.run(1)
    assert [(end.kind, end.reason) for end in r.ev.ends] == [(SessionEndKind.CONNECTION_LOST, "the connection closed")]
    assert len(r.ev.names("response")) == responses
    r.evcc.abort("late")
    assert len(r.ev.ends) == 1


def test_silence_while_discovering_connects_and_sends_nothing() -> None:
    r = rig()
    r.evcc.silence()
    r.run(30)
    assert r.secc.end is not None and r.secc.end.open and r.secc.log == []
    r.evcc.abort("unplugged")
    r.run(1)
    assert r.secc.closed_by_ev and [end.reason for end in r.ev.ends] == ["unplugged"]


def test_an_engine_runs_one_session() -> None:
    r = rig()
    r.run(10)
    with pytest.raises(RuntimeError):
        r.evcc.start()


FAULTS = ["abort", "secc closes", "plc link drops", "silence, then the secc closes", "secc goes quiet",
          "secc answers FAILED"]


@settings(max_examples=80, deadline=None)
@given(fault=st.sampled_from(FAULTS), at=st.floats(0.01, 3), stop_at=st.floats(0, 3),
       mode=st.sampled_from([DC, AC]), protocol=st.sampled_from([ISO, DIN]))
def test_the_session_ends_exactly_once_whatever_happens_when(fault: str, at: float, stop_at: float,
                                                             mode: m.EnergyTransferModeType,
                                                             protocol: m.V2gProtocol) -> None:
    if mode is AC and protocol is DIN:
        protocol = ISO
    ev = FakeEv(mode=mode, protocols=(protocol,), held={"wait_stop_charging", "wait_stop_session"})
    r = rig(ev, secc_protocols=(protocol,))

    def release(gate: str, value: object) -> None:
        ev.held.discard(gate)  # from now on decided at once
        if gate in ev.gates:
            ev.gate(gate).resolve(value)

    r.clock.call_later(stop_at, lambda: release("wait_stop_charging", m.ChargeProgress.STOP))
    r.clock.call_later(stop_at + 0.5, lambda: release("wait_stop_session", None))

    def inject() -> None:
        match fault:
            case "abort":
                r.evcc.abort("fault")
            case "secc closes":
                if r.secc.end is not None:
                    r.secc.close()
            case "plc link drops":
                r.network.drop_all()
            case "silence, then the secc closes":
                r.evcc.silence()
                r.clock.call_later(60, r.secc.close)
            case "secc goes quiet":
                r.secc.answers = {kind: (lambda request: None) for kind in (
                    m.CurrentDemandReq, m.ChargingStatusReq, m.PowerDeliveryReq, m.WeldingDetectionReq,
                    m.SessionStopReq, m.PreChargeReq, m.CableCheckReq, m.AuthorizationReq)}
            case "secc answers FAILED":
                r.secc.answers = {kind: failed_with(m.ResponseCode.FAILED) for kind in (  # type: ignore[misc]
                    m.CurrentDemandReq, m.ChargingStatusReq, m.PowerDeliveryReq, m.WeldingDetectionReq)}

    r.clock.call_later(at, inject)
    r.run(120)
    assert len(r.ev.ends) == 1, r.ev.ends
    assert not r.evcc.active
    ended_at = r.ev.ended_at[0]
    assert all(when <= ended_at + LATENCY for when, _ in r.secc.log)  # nothing sent after the end
