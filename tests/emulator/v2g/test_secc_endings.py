"""How an SECC session ends (secc.py): session IDs, unknown sessions, the sequence timeout, a lost
connection, abort, failed and negative decisions, and exactly one ``session_ended`` whatever the EV
sends."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.messages import EnergyTransferModeType as Mode
from freev2g.emulator.v2g.messages import ResponseCode
from freev2g.emulator.v2g.secc_api import SeccOffer, SessionEndKind
from freev2g.emulator.v2g.timeouts import SEQUENCE_TIMEOUT
from tests.emulator.v2g.secc_rig import (
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
    HANDSHAKE,
    ISO,
    PAYMENT,
    PRE_CHARGE,
    RENEGOTIATE,
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

# --- session IDs -----------------------------------------------------------------------------------

def test_the_session_id_comes_from_the_injected_source_and_skips_all_zeros() -> None:
    ids = iter([m.NO_SESSION, bytes.fromhex("0102030405060708")])
    rig = negotiated(ISO, new_session_id=lambda: next(ids))
    answer = rig.send(SETUP)
    assert isinstance(answer, m.SessionSetupRes)
    assert answer.session_id == bytes.fromhex("0102030405060708") == rig.secc.session_id
    assert rig.controller.infos[0].session_id == answer.session_id


def test_an_unknown_session_id_in_session_setup_gets_a_new_session() -> None:
    rig = negotiated(ISO, resume_session_id=bytes.fromhex("aa" * 8))
    answer = rig.send(SETUP, session_id=bytes.fromhex("bb" * 8))
    assert isinstance(answer, m.SessionSetupRes)
    assert answer.response_code is ResponseCode.OK_NEW_SESSION_ESTABLISHED
    assert answer.session_id == (1).to_bytes(8, "big")


def test_the_session_id_of_a_paused_session_is_joined_again() -> None:
    paused = bytes.fromhex("aa" * 8)
    rig = negotiated(ISO, resume_session_id=paused)
    answer = rig.send(SETUP, session_id=paused)
    assert isinstance(answer, m.SessionSetupRes)
    assert answer.response_code is ResponseCode.OK_OLD_SESSION_JOINED and answer.session_id == paused
    run_ok(rig, [DISCOVERY, PAYMENT])


def test_session_ids_of_another_length_are_refused() -> None:
    with pytest.raises(ValueError, match="8 bytes"):
        negotiated(ISO, new_session_id=lambda: b"\x01\x02").send(SETUP)


def test_before_session_setup_the_secc_has_no_session_id() -> None:
    rig = negotiated(ISO)
    assert rig.secc.session_id is None


@pytest.mark.parametrize("prefix", [[SETUP], [SETUP, DISCOVERY, PAYMENT], [*HANDSHAKE, CPD_AC, START]])
def test_a_wrong_session_id_after_setup_is_an_unknown_session(prefix: list[m.V2gRequest]) -> None:
    rig = negotiated(ISO)
    run_ok(rig, prefix)
    following = {1: DISCOVERY, 3: AUTHORIZATION, 7: CHARGING_STATUS}[len(prefix)]
    calls = list(rig.controller.calls)
    answer = rig.send(following, session_id=bytes.fromhex("ee" * 8))
    assert isinstance(answer, m.V2gResponse)
    assert answer.response_code is ResponseCode.FAILED_UNKNOWN_SESSION
    assert answer.session_id == rig.session_id  # the SECC's own ID
    assert rig.controller.calls == calls
    assert_ended(rig, SessionEndKind.FAILED, "FAILED_UnknownSession")


def test_the_all_zero_id_after_setup_is_an_unknown_session_too() -> None:
    rig = negotiated(DIN)
    run_ok(rig, [SETUP])
    answer = rig.send(DISCOVERY, session_id=m.NO_SESSION)
    assert isinstance(answer, m.ServiceDiscoveryRes)
    assert answer.response_code is ResponseCode.FAILED_UNKNOWN_SESSION


# --- the engine's own refusals ---------------------------------------------------------------------

@pytest.mark.parametrize(("request_", "code"), [
    (m.PaymentServiceSelectionReq(selected_payment_option=m.PaymentOption.CONTRACT,
                                  selected_service_list=(m.SelectedService(service_id=1),)),
     ResponseCode.FAILED_PAYMENT_SELECTION_INVALID),
    (m.PaymentServiceSelectionReq(selected_payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
                                  selected_service_list=()),
     ResponseCode.FAILED_NO_CHARGE_SERVICE_SELECTED),
    (m.PaymentServiceSelectionReq(selected_payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
                                  selected_service_list=(m.SelectedService(service_id=1),
                                                         m.SelectedService(service_id=3))),
     ResponseCode.FAILED_SERVICE_SELECTION_INVALID),
])
def test_a_payment_selection_outside_the_offer_is_refused(request_: m.PaymentServiceSelectionReq,
                                                          code: ResponseCode) -> None:
    rig = negotiated(ISO)
    run_ok(rig, [SETUP, DISCOVERY])
    answer = rig.send(request_)
    assert answer == m.PaymentServiceSelectionRes(session_id=rig.session_id, response_code=code)
    assert "payment_selected" not in rig.controller.calls
    assert_ended(rig, SessionEndKind.FAILED, code.value)


def test_contract_payment_is_accepted_when_offered() -> None:
    offer = SeccOffer(protocols=(ISO,), payment_options=(m.PaymentOption.CONTRACT,),
                      energy_transfer_modes=(Mode.DC_CORE,))
    rig = negotiated(ISO, offer)
    run_ok(rig, [SETUP, DISCOVERY, m.PaymentServiceSelectionReq(
        selected_payment_option=m.PaymentOption.CONTRACT, selected_service_list=(m.SelectedService(service_id=1),))])
    assert rig.controller.calls[-1] == "payment_selected"


def test_service_detail_of_an_unknown_service_is_refused() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [SETUP, DISCOVERY])
    answer = rig.send(m.ServiceDetailReq(service_id=9))
    assert answer == m.ServiceDetailRes(session_id=rig.session_id, service_id=9,
                                        response_code=ResponseCode.FAILED_SERVICE_ID_INVALID)
    assert_ended(rig, SessionEndKind.FAILED, "FAILED_ServiceIDInvalid")


@pytest.mark.parametrize(("protocol", "request_"), [
    (ISO, m.ChargeParameterDiscoveryReq(requested_energy_transfer_mode=Mode.DC_CORE)),
    (DIN, CPD_AC),  # offered, but DIN SPEC 70121 is DC only
])
def test_an_energy_transfer_mode_not_offered_is_refused(protocol: m.V2gProtocol,
                                                         request_: m.ChargeParameterDiscoveryReq) -> None:
    rig = negotiated(protocol)
    run_ok(rig, HANDSHAKE)
    answer = rig.send(request_)
    assert isinstance(answer, m.ChargeParameterDiscoveryRes)
    assert answer.response_code is ResponseCode.FAILED_WRONG_ENERGY_TRANSFER_MODE
    assert "charge_parameter_discovery" not in rig.controller.calls
    assert_ended(rig, SessionEndKind.FAILED, "FAILED_WrongEnergyTransferMode")


@dataclasses.dataclass(frozen=True, kw_only=True)
class MeteringReceiptReq(m.V2gRequest):
    """A request the emulated link does not carry (PnC)."""


@pytest.mark.parametrize("message", [m.AuthorizationRes(), MeteringReceiptReq()])
def test_a_message_the_secc_cannot_answer_ends_the_session_unanswered(message: m.V2gMessage) -> None:
    rig = negotiated(ISO)
    run_ok(rig, [SETUP])
    count = len(rig.received)
    rig.end.send(dataclasses.replace(message, session_id=rig.session_id))
    rig.clock.advance(STEP)
    assert len(rig.received) == count
    assert_ended(rig, SessionEndKind.SEQUENCE_ERROR, f"{message.name} is no request")


# --- the controller's decisions --------------------------------------------------------------------

def test_a_later_decision_is_answered_when_it_resolves() -> None:
    rig = negotiated(ISO)
    run_ok(rig, HANDSHAKE[:-1])
    pending: Decision[m.AuthorizationRes] = Decision()
    rig.controller.next_decision["authorization"] = pending
    assert rig.send(AUTHORIZATION) is None
    rig.clock.advance(2 * SEQUENCE_TIMEOUT)  # no sequence timeout while the EVSE side decides
    assert rig.secc.active
    pending.resolve(m.AuthorizationRes())
    rig.clock.advance(STEP)
    assert rig.received[-1] == m.AuthorizationRes(session_id=rig.session_id)
    run_ok(rig, [CPD_DC])


@pytest.mark.parametrize("later", [False, True])
def test_a_failed_decision_closes_the_link_and_ends_failed(later: bool) -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE, CPD_DC])
    decision: Decision[m.CableCheckRes] = Decision() if later else Decision.failed("host missed 0x6D")
    rig.controller.next_decision["cable_check"] = decision
    count = len(rig.received)
    rig.send(CABLE_CHECK)
    if later:
        assert rig.secc.active
        decision.fail("host missed 0x6D")
        rig.clock.advance(STEP)
    assert len(rig.received) == count  # nothing is answered
    assert_ended(rig, SessionEndKind.FAILED, "host missed 0x6D")
    assert only_end(rig).reason == "host missed 0x6D"


def test_a_failed_session_setup_decision_ends_the_session() -> None:
    rig = negotiated(ISO)
    rig.controller.next_decision["session_setup"] = Decision.failed("no EVSE ID")
    assert rig.send(SETUP) is None
    assert_ended(rig, SessionEndKind.FAILED, "no EVSE ID")


def test_a_negative_response_of_the_controller_is_sent_and_ends_the_session() -> None:
    rig = negotiated(DIN)
    run_ok(rig, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE])
    rig.controller.next_decision["power_delivery"] = Decision.of(
        m.PowerDeliveryRes(response_code=ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED))
    answer = rig.send(START)
    assert answer == m.PowerDeliveryRes(session_id=rig.session_id,
                                        response_code=ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED)
    assert_ended(rig, SessionEndKind.FAILED, "FAILED_PowerDeliveryNotApplied")


# --- timeout, loss, abort --------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", [[], [SETUP], [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START]])
def test_no_next_request_within_the_sequence_timeout_ends_the_session(prefix: list[m.V2gRequest]) -> None:
    rig = negotiated(ISO)
    run_ok(rig, prefix)
    rig.clock.advance(SEQUENCE_TIMEOUT - 2 * STEP)
    assert rig.secc.active and not rig.ev_closed
    rig.clock.advance(2 * STEP)
    assert_ended(rig, SessionEndKind.TIMEOUT, "no request within 60 s")


def test_each_request_restarts_the_sequence_timer() -> None:
    rig = negotiated(DIN)
    run_ok(rig, [*HANDSHAKE, CPD_DC, CABLE_CHECK, PRE_CHARGE, START])
    for _ in range(3):
        rig.clock.advance(SEQUENCE_TIMEOUT - 1)
        run_ok(rig, [CURRENT_DEMAND])
    assert rig.secc.active


def test_the_first_request_is_awaited_for_the_sequence_timeout() -> None:
    rig = Rig()
    rig.clock.advance(SEQUENCE_TIMEOUT)
    assert_ended(rig, SessionEndKind.TIMEOUT, "no request within 60 s after connect")


@pytest.mark.parametrize("how", ["ev closes", "plc link down"])
def test_a_lost_connection_ends_the_session_once(how: str) -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE, CPD_AC, START, CHARGING_STATUS])
    if how == "ev closes":
        rig.end.close()
    else:
        rig.network.drop_all()
    rig.clock.advance(STEP)
    end = only_end(rig)
    assert end.kind is SessionEndKind.CONNECTION_LOST
    rig.clock.advance(2 * SEQUENCE_TIMEOUT)
    assert len(rig.controller.ends) == 1


def test_a_decision_that_resolves_after_the_connection_was_lost_is_dropped() -> None:
    rig = negotiated(ISO)
    run_ok(rig, HANDSHAKE)
    pending: Decision[m.ChargeParameterDiscoveryRes] = Decision()
    rig.controller.next_decision["charge_parameter_discovery"] = pending
    rig.send(CPD_DC)
    rig.end.close()
    rig.clock.advance(STEP)
    pending.resolve(m.ChargeParameterDiscoveryRes())
    rig.clock.advance(STEP)
    assert only_end(rig).kind is SessionEndKind.CONNECTION_LOST


def test_abort_closes_the_link_and_ends_failed_once() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [SETUP, DISCOVERY])
    rig.secc.abort("module restart")
    rig.clock.advance(STEP)
    rig.secc.abort("again")
    assert_ended(rig, SessionEndKind.FAILED, "module restart")
    assert rig.send(PAYMENT) is None


def test_abort_after_the_end_changes_nothing() -> None:
    rig = negotiated(DIN)
    run_ok(rig, DC_SESSION)
    rig.secc.abort("too late")
    assert only_end(rig).kind is SessionEndKind.STOPPED


def test_abort_while_a_decision_is_pending_drops_the_decision() -> None:
    rig = negotiated(ISO)
    run_ok(rig, [*HANDSHAKE[:-1]])
    pending: Decision[m.AuthorizationRes] = Decision()
    rig.controller.next_decision["authorization"] = pending
    count = len(rig.received)
    rig.send(AUTHORIZATION)
    rig.secc.abort("host error")
    pending.resolve(m.AuthorizationRes())
    rig.clock.advance(STEP)
    assert len(rig.received) == count
    assert_ended(rig, SessionEndKind.FAILED, "host error")


def test_requests_and_responses_are_logged_at_debug_level(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="freev2g.emulator.v2g.secc"):
        rig = negotiated(ISO)
        run_ok(rig, [SETUP])
    lines = [record.getMessage() for record in caplog.records if record.name == "freev2g.emulator.v2g.secc"]
    assert any(line.startswith("SECC <- SessionSetupReq(") for line in lines)
    assert any(line.startswith("SECC -> SessionSetupRes(") for line in lines)


# --- properties ------------------------------------------------------------------------------------

ANY_REQUEST = [app_protocols((ISO, 1)), SETUP, DISCOVERY, DETAIL, PAYMENT, AUTHORIZATION, CPD_DC, CPD_AC,
               CABLE_CHECK, PRE_CHARGE, START, STOP, RENEGOTIATE, CURRENT_DEMAND, CHARGING_STATUS, WELDING,
               SESSION_STOP]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ANY_REQUEST), max_size=25), st.sampled_from([ISO, DIN]),
       st.booleans(), st.sampled_from(["ev closes", "abort", "timeout"]))
def test_any_request_order_ends_the_session_exactly_once(
        requests: list[m.V2gRequest], protocol: m.V2gProtocol, valid_start: bool, finish: str) -> None:
    rig = negotiated(protocol) if valid_start else Rig()
    negative_seen = False
    for request in requests:
        answer = rig.send(request)
        assert len(rig.controller.ends) <= 1
        if negative_seen:
            assert answer is None  # nothing after a negative answer: the link is closed
        elif isinstance(answer, m.SupportedAppProtocolRes):
            negative_seen = answer.app_response_code is m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION
        elif answer is not None:
            negative_seen = not answer.response_code.ok  # type: ignore[attr-defined]
        if negative_seen:
            assert not rig.secc.active and rig.ev_closed
    if finish == "ev closes":
        rig.end.close()
    elif finish == "abort":
        rig.secc.abort("test over")
    rig.clock.advance(2 * SEQUENCE_TIMEOUT)
    assert len(rig.controller.ends) == 1
    assert not rig.secc.active


def loop(request: m.V2gRequest, count: int) -> list[m.V2gRequest]:
    return [request] * count


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), st.integers(1, 4), st.integers(0, 5),
       st.integers(0, 4), st.booleans())
def test_a_valid_session_with_any_repetitions_ends_stopped(
        details: int, auth_ongoing: int, cable_ongoing: int, pre_charges: int, loops: int, weldings: int,
        ac: bool) -> None:
    rig = negotiated(ISO)
    rig.controller.ongoing = {"authorization": auth_ongoing, "cable_check": cable_ongoing}
    start = [SETUP, DISCOVERY, *loop(DETAIL, details), PAYMENT, *loop(AUTHORIZATION, auth_ongoing + 1)]
    if ac:
        charging = [CPD_AC, START, *loop(CHARGING_STATUS, loops), STOP]
    else:
        charging = [CPD_DC, *loop(CABLE_CHECK, cable_ongoing + 1), *loop(PRE_CHARGE, pre_charges), START,
                    *loop(CURRENT_DEMAND, loops), STOP, *loop(WELDING, weldings)]
    run_ok(rig, [*start, *charging, SESSION_STOP])
    assert_ended(rig, SessionEndKind.STOPPED)

