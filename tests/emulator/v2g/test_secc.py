"""The SECC engine driven by a scripted EVCC over the memory network (secc.py, secc_sequence.py;
message order after hci-reference §5.7, manual 2.14 p217-p229)."""

from __future__ import annotations

import pytest

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.messages import AppProtocolResponseCode as App
from freev2g.emulator.v2g.messages import EnergyTransferModeType as Mode
from freev2g.emulator.v2g.messages import ResponseCode
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEndKind
from tests.emulator.v2g.secc_rig import (
    AC_SESSION,
    AUTHORIZATION,
    CABLE_CHECK,
    CHARGING_STATUS,
    CPD_AC,
    CPD_DC,
    CURRENT_DEMAND,
    DC_SESSION,
    DETAIL,
    DIN,
    DISCOVERY,
    EVCC_ID,
    EVSE_ID,
    HANDSHAKE,
    ISO,
    OFFER,
    PAYMENT,
    PRE_CHARGE,
    RENEGOTIATE,
    RESPONSE_OF,
    SESSION_STOP,
    SETUP,
    START,
    STEP,
    STOP,
    WELDING,
    Rig,
    app_protocols,
    assert_ended,
    negotiated,
    only_end,
    run_ok,
)

# --- supportedAppProtocol --------------------------------------------------------------------------

@pytest.mark.parametrize(("offered", "ev", "chosen", "schema_id"), [
    ((ISO, DIN), [(ISO, 1), (DIN, 2)], ISO, 10),
    ((ISO, DIN), [(DIN, 1), (ISO, 2)], DIN, 10),
    ((ISO, DIN), [(ISO, 2), (DIN, 1)], DIN, 11),  # the EV's priority counts, not its list order
    ((ISO,), [(DIN, 1), (ISO, 2)], ISO, 11),
    ((DIN,), [(ISO, 1), (DIN, 2)], DIN, 11),
])
def test_the_evs_best_protocol_that_the_secc_offers_is_chosen(
        offered: tuple[m.V2gProtocol, ...], ev: list[tuple[m.V2gProtocol, int]], chosen: m.V2gProtocol,
        schema_id: int) -> None:
    rig = Rig(SeccOffer(protocols=offered, payment_options=OFFER.payment_options,
                        energy_transfer_modes=OFFER.energy_transfer_modes))
    answer = rig.send(app_protocols(*ev))
    assert answer == m.SupportedAppProtocolRes(app_response_code=App.OK_SUCCESSFUL_NEGOTIATION,
                                               schema_id=schema_id)
    assert rig.secc.protocol is chosen
    assert rig.secc.active and not rig.controller.ends


def test_another_minor_version_is_a_negotiation_with_minor_deviation() -> None:
    rig = Rig()
    entry = m.AppProtocol(protocol_namespace=ISO.namespace, version_number_major=2, version_number_minor=3,
                          schema_id=4, priority=1)
    answer = rig.send(m.SupportedAppProtocolReq(app_protocol=(entry,)))
    assert isinstance(answer, m.SupportedAppProtocolRes)
    assert answer.app_response_code is App.OK_SUCCESSFUL_NEGOTIATION_WITH_MINOR_DEVIATION
    assert answer.schema_id == 4 and rig.secc.protocol is ISO


@pytest.mark.parametrize("entries", [
    [(DIN, 1)],
    [],
])
def test_no_common_protocol_fails_the_negotiation_and_ends_the_session(
        entries: list[tuple[m.V2gProtocol, int]]) -> None:
    rig = Rig(SeccOffer(protocols=(ISO,), payment_options=OFFER.payment_options,
                        energy_transfer_modes=OFFER.energy_transfer_modes))
    answer = rig.send(app_protocols(*entries))
    assert answer == m.SupportedAppProtocolRes(app_response_code=App.FAILED_NO_NEGOTIATION)
    assert rig.secc.protocol is None
    assert_ended(rig, SessionEndKind.FAILED, "Failed_NoNegotiation")
    assert rig.controller.calls == []


def test_a_major_version_the_secc_does_not_know_is_no_match() -> None:
    rig = Rig()
    entry = m.AppProtocol(protocol_namespace=ISO.namespace, version_number_major=1, version_number_minor=0,
                          schema_id=1, priority=1)
    answer = rig.send(m.SupportedAppProtocolReq(app_protocol=(entry,)))
    assert isinstance(answer, m.SupportedAppProtocolRes)
    assert answer.app_response_code is App.FAILED_NO_NEGOTIATION
    assert_ended(rig, SessionEndKind.FAILED)


# --- whole sessions --------------------------------------------------------------------------------

def test_din_dc_session_runs_to_session_stop() -> None:
    rig = negotiated(DIN)
    answers = run_ok(rig, DC_SESSION)
    setup, discovery = answers[0], answers[1]
    assert setup == m.SessionSetupRes(session_id=(1).to_bytes(8, "big"),
                                      response_code=ResponseCode.OK_NEW_SESSION_ESTABLISHED, evse_id=EVSE_ID)
    assert isinstance(discovery, m.ServiceDiscoveryRes)
    assert discovery.payment_option_list == (m.PaymentOption.EXTERNAL_PAYMENT,)
    assert discovery.charge_service.supported_energy_transfer_modes == (Mode.DC_EXTENDED,)  # DIN: DC only
    assert rig.controller.infos[0].protocol is DIN and rig.controller.infos[0].evcc_id == EVCC_ID
    assert rig.controller.calls == [
        "session_setup", "payment_selected", "authorization", "charge_parameter_discovery", "cable_check",
        "pre_charge", "pre_charge", "power_delivery", "current_demand", "current_demand", "power_delivery",
        "welding_detection", "welding_detection", "session_stop"]
    assert_ended(rig, SessionEndKind.STOPPED, "")
    assert only_end(rig).reason == ""


def test_iso_dc_session_runs_to_session_stop() -> None:
    rig = negotiated(ISO)
    answers = run_ok(rig, DC_SESSION)
    discovery = answers[1]
    assert isinstance(discovery, m.ServiceDiscoveryRes)
    assert discovery.charge_service.supported_energy_transfer_modes == OFFER.energy_transfer_modes
    assert answers[2] == m.ServiceDetailRes(session_id=rig.session_id, service_id=1)
    assert_ended(rig, SessionEndKind.STOPPED, "Terminate")


def test_iso_ac_session_runs_to_session_stop() -> None:
    rig = negotiated(ISO)
    run_ok(rig, AC_SESSION)
    assert "charging_status" in rig.controller.calls and "cable_check" not in rig.controller.calls
    assert_ended(rig, SessionEndKind.STOPPED)


def test_iso_pause_is_reported_as_the_reason_of_the_stop() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*AC_SESSION[:-1], m.SessionStopReq(charging_session=m.ChargingSession.PAUSE)])
    assert_ended(rig, SessionEndKind.STOPPED, "Pause")


def test_service_detail_is_optional_and_may_repeat() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [SETUP, DISCOVERY, PAYMENT, AUTHORIZATION])
    rig = negotiated(ISO)
    run_ok(rig, [SETUP, DISCOVERY, DETAIL, DETAIL, PAYMENT])


def test_power_delivery_stop_may_follow_start_without_a_charge_loop() -> None:
    rig = negotiated(DIN)
    run_ok(rig, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START, STOP, SESSION_STOP])
    assert_ended(rig, SessionEndKind.STOPPED)


@pytest.mark.parametrize("path", [
    [CPD_DC, START],  # ISO 15118-2: back to ChargeParameterDiscovery
    [CPD_DC, CABLE_CHECK, PRE_CHARGE, START],  # ... and through the isolation check again
    [DISCOVERY, PAYMENT, CPD_DC, START],  # the WHITE beet figure: from ServiceDiscovery
    [DISCOVERY, DETAIL, PAYMENT, AUTHORIZATION, CPD_DC, CABLE_CHECK, PRE_CHARGE, START],
])
def test_iso_renegotiation_returns_to_discovery_and_charges_again(path: list[m.V2gRequest]) -> None:
    rig = negotiated(ISO)
    charging = [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START, CURRENT_DEMAND]
    run_ok(rig, [*charging, RENEGOTIATE, *path, CURRENT_DEMAND, STOP, WELDING, SESSION_STOP])
    assert_ended(rig, SessionEndKind.STOPPED)


def test_ac_renegotiation_goes_back_to_charge_parameter_discovery() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE, CPD_AC, START, CHARGING_STATUS, RENEGOTIATE, CPD_AC, START, CHARGING_STATUS,
                 STOP, SESSION_STOP])
    assert_ended(rig, SessionEndKind.STOPPED)


def test_after_a_renegotiation_the_shortcut_to_start_is_closed_again() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START, RENEGOTIATE, CPD_DC, START, STOP,
                 SESSION_STOP])
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE, CPD_DC])
    answer = rig.send(START)  # no renegotiation: the cable check comes first
    assert isinstance(answer, m.PowerDeliveryRes)
    assert answer.response_code is ResponseCode.FAILED_SEQUENCE_ERROR


# --- Ongoing ---------------------------------------------------------------------------------------

def test_ongoing_answers_let_the_ev_repeat_until_finished() -> None:
    rig = negotiated(DIN)
    rig.controller.ongoing = {"authorization": 2, "charge_parameter_discovery": 1, "cable_check": 3}
    run_ok(rig, HANDSHAKE[:-1])
    processing = [rig.send(AUTHORIZATION) for _ in range(3)]
    assert [answer.evse_processing for answer in processing] == [  # type: ignore[union-attr]
        m.EVSEProcessing.ONGOING, m.EVSEProcessing.ONGOING, m.EVSEProcessing.FINISHED]
    run_ok(rig, [CPD_DC, CPD_DC, CABLE_CHECK, CABLE_CHECK, CABLE_CHECK, CABLE_CHECK, PRE_CHARGE, START])
    assert rig.controller.calls.count("cable_check") == 4
    assert rig.secc.active


@pytest.mark.parametrize(("name", "prefix", "wrong"), [
    ("authorization", [*HANDSHAKE[:-1], AUTHORIZATION], CPD_DC),
    ("charge_parameter_discovery", [*HANDSHAKE, CPD_DC], CABLE_CHECK),
    ("cable_check", [*HANDSHAKE, CPD_DC, CABLE_CHECK], PRE_CHARGE),
])
def test_going_on_while_ongoing_is_a_sequence_error(name: str, prefix: list[m.V2gRequest],
                                                      wrong: m.V2gRequest) -> None:
    rig = negotiated(ISO)
    rig.controller.ongoing = {name: 1}  # the last request of the prefix is answered "Ongoing"
    run_ok(rig, prefix)
    answer = rig.send(wrong)
    assert isinstance(answer, m.V2gResponse) and answer.response_code is ResponseCode.FAILED_SEQUENCE_ERROR
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR)


def test_the_repeat_of_an_ongoing_discovery_may_name_the_other_mode() -> None:
    rig = negotiated(ISO)
    rig.controller.ongoing = {"charge_parameter_discovery": 1}
    run_ok(rig, [*HANDSHAKE, CPD_DC, CPD_AC, START, CHARGING_STATUS])


# --- sequence errors -------------------------------------------------------------------------------

SEQUENCE_ERRORS = [
    (ISO, [SETUP], SETUP),
    (ISO, [SETUP], PAYMENT),
    (ISO, [SETUP, DISCOVERY], AUTHORIZATION),
    (ISO, [*HANDSHAKE[:-1]], CPD_DC),
    (ISO, HANDSHAKE, START),
    (ISO, [*HANDSHAKE, CPD_DC], PRE_CHARGE),
    (ISO, [*HANDSHAKE, CPD_DC, CABLE_CHECK], START),
    (ISO, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE], CURRENT_DEMAND),
    (ISO, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START], CHARGING_STATUS),
    (ISO, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START], SESSION_STOP),
    (ISO, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START, STOP], CURRENT_DEMAND),
    (ISO, [*HANDSHAKE, CPD_AC], CABLE_CHECK),
    (ISO, [*HANDSHAKE, CPD_AC, START], CURRENT_DEMAND),
    (ISO, [*HANDSHAKE, CPD_AC, START, STOP], WELDING),
    (ISO, [*HANDSHAKE, CPD_AC, START, STOP], START),
    (DIN, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START], RENEGOTIATE),  # DIN cannot renegotiate
    (DIN, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START, STOP, WELDING], PRE_CHARGE),
]


@pytest.mark.parametrize(("protocol", "prefix", "wrong"), SEQUENCE_ERRORS)
def test_a_request_out_of_order_is_answered_sequence_error_and_ends_the_session(
        protocol: m.V2gProtocol, prefix: list[m.V2gRequest], wrong: m.V2gRequest) -> None:
    rig = negotiated(protocol)
    run_ok(rig, prefix)
    calls = list(rig.controller.calls)
    answer = rig.send(wrong)
    assert isinstance(answer, RESPONSE_OF[type(wrong)])
    assert answer.response_code is ResponseCode.FAILED_SEQUENCE_ERROR
    assert answer.session_id == rig.session_id
    assert rig.controller.calls == calls  # the controller is not asked
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR, "FAILED_SequenceError")
    assert rig.send(wrong) is None  # the link is closed: nothing more is answered


@pytest.mark.parametrize("first", [SETUP, DISCOVERY, CURRENT_DEMAND])
def test_anything_before_supported_app_protocol_is_a_sequence_error(first: m.V2gRequest) -> None:
    rig = Rig()
    answer = rig.send(first)
    assert isinstance(answer, RESPONSE_OF[type(first)])
    assert answer.response_code is ResponseCode.FAILED_SEQUENCE_ERROR
    assert answer.session_id == m.NO_SESSION
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR)


def test_a_second_supported_app_protocol_is_a_sequence_error() -> None:
    rig = negotiated(ISO)
    answer = rig.send(app_protocols((ISO, 1)))
    assert answer == m.SupportedAppProtocolRes(response_code=ResponseCode.FAILED_SEQUENCE_ERROR,
                                               app_response_code=App.FAILED_NO_NEGOTIATION)
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR)


def test_a_request_before_the_previous_one_was_answered_is_a_sequence_error() -> None:
    rig = negotiated(ISO)
    run_ok(rig, HANDSHAKE[:-1])
    pending: Decision[m.AuthorizationRes] = Decision()
    rig.controller.next_decision["authorization"] = pending
    assert rig.send(AUTHORIZATION) is None
    answer = rig.send(AUTHORIZATION)
    assert isinstance(answer, m.AuthorizationRes)
    assert answer.response_code is ResponseCode.FAILED_SEQUENCE_ERROR
    count = len(rig.received)
    pending.resolve(m.AuthorizationRes())  # too late: nothing more goes out
    rig.clock.advance(STEP)
    assert len(rig.received) == count
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR)
