"""The v2 EVSE V2G service (module 0x27, manual 2.14 §18.8, §18.10, §18.12): every example frame of
the manual in the state it belongs to, the configuration's state rules and result codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings, strategies

from freev2g.emulator.services.v2g_evse_v2 import HostTimeouts
from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_common
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    V2gMode,
)
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Status, decode
from freev2g.hci.modules import Direction, Generation
from tests.catalog import test_v2g_evse_v2 as catalog
from tests.emulator.evse_v2_rig import (
    AC,
    CONFIG,
    DC,
    SCHEDULES,
    Station,
    authorize,
    charging_dc,
    discover,
    set_up,
    update,
)
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.v2g import secc_rig as r
from tests.vectors import Vector, frame_bytes

DC_ONLY = e.EVSESetConfiguration(**catalog.CONFIG)  # type: ignore[arg-type]  # the manual's example (p137)
EXAMPLE_DC = e.EVSESetDCChargingParameters(isolation_level=IsolationLevel.INVALID, **catalog.DC_LIMITS,
                                           status=EvseStatus.READY)
EXAMPLE_UPDATE = update(380, 40)  # p141
EXAMPLE_SDP = e.EVSESetSDPConfig(allow_unsecure=True, unsecure_port=49152, allow_secure=False)


# -- the manual's command examples, each in the state it belongs to -----------------------------------

def _listening(st: Station) -> None:
    st.listen()


def _session(st: Station) -> None:
    set_up(st)


def _configured(st: Station) -> None:
    st.ok(CONFIG)
    st.ok(DC)
    st.ok(AC)


def _dc_read_back(st: Station) -> None:
    for command in (DC_ONLY, EXAMPLE_DC, e.EVSEStartListen(), EXAMPLE_UPDATE):
        st.ok(command)


def _authorization_requested(st: Station) -> None:
    set_up(st)
    st.ev(r.AUTHORIZATION)


def _schedules_requested(st: Station) -> None:
    set_up(st)
    authorize(st)
    st.ev(r.CPD_DC)


def _cable_check_requested(st: Station) -> None:
    set_up(st)
    authorize(st)
    discover(st)
    st.ev(r.CABLE_CHECK)


def _start_requested(st: Station) -> None:
    _cable_check_requested(st)
    st.ok(e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED))
    st.ev(r.CABLE_CHECK)
    st.ev(r.PRE_CHARGE)
    st.ev(r.START)


def _stop_requested(st: Station) -> None:
    charging_dc(st)
    st.ev(r.STOP)


def _certificate_requested(st: Station) -> None:
    set_up(st)
    assert st.service.certificate_requested(False, catalog.exi(40), lambda status, blob: None)


STATE_OF_EXAMPLE: dict[int, Callable[[Station], None]] = {
    0x61: lambda st: st.ok(DC_ONLY), 0x63: _listening, 0x64: _dc_read_back, 0x66: _listening,
    0x67: lambda st: st.ok(e.EVSESetACChargingParameters(**catalog.AC_PARAMS)),  # type: ignore[arg-type]
    0x69: lambda st: st.ok(EXAMPLE_SDP), 0x6A: _configured, 0x6B: _authorization_requested,
    0x6C: _schedules_requested, 0x6D: _cable_check_requested, 0x6E: _start_requested, 0x6F: _stop_requested,
    0x70: _listening, 0x73: _certificate_requested, 0x74: _session, 0x75: _session,
}
NOT_IN_THIS_FIRMWARE = 0x76  # Set Session Parameter Timeout: newer firmware only (hci-reference §7.2)
PAIRS = [(command, response) for command, response in example_pairs(catalog.VECTORS)
         if frame_bytes(command.hex)[2] != NOT_IN_THIS_FIRMWARE]


@pytest.mark.parametrize(("command", "response"), PAIRS, ids=lambda vector: str(vector))
def test_manual_command_examples(command: Vector, response: Vector) -> None:
    st = Station()
    prepare = STATE_OF_EXAMPLE.get(frame_bytes(command.hex)[2])
    if prepare is not None:
        prepare(st)
    st.host.take()
    check_example(st.host, command, response)


def test_every_command_example_is_replayed() -> None:
    sub_ids = {frame_bytes(command.hex)[2] for command, _ in PAIRS}
    assert sub_ids == set(range(0x60, 0x71)) | {0x73, 0x74, 0x75}


def test_set_session_parameter_timeout_is_unknown_to_v02_00_01() -> None:
    st = Station()
    assert st.code(e.EVSESetSessionParameterTimeout(timeout=5000)) == 0x02


# -- the manual's status examples, emitted by sessions that carry the example's values ----------------

EXAMPLE_TIMEOUTS = HostTimeouts(authorization=0.5, schedules=0.5, cable_check=0.5, power_delivery_margin=1.0)
EV_STATUS = m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR, ev_ress_soc=30)
EXAMPLE_CPD = m.ChargeParameterDiscoveryReq(
    requested_energy_transfer_mode=m.EnergyTransferModeType.DC_COMBO_CORE, max_entries_sa_schedule_tuple=5,
    dc_ev_charge_parameter=m.DCEVChargeParameter(
        departure_time=3600, dc_ev_status=EV_STATUS, ev_maximum_current_limit=125, ev_maximum_power_limit=75_000,
        ev_maximum_voltage_limit=400, ev_energy_capacity=60_000, ev_energy_request=20_000, full_soc=100,
        bulk_soc=80))
EXAMPLE_DEMAND = m.CurrentDemandReq(
    dc_ev_status=dataclasses.replace(EV_STATUS, ev_ready=False, ev_ress_soc=50), ev_target_current=20,
    ev_target_voltage=380, ev_maximum_voltage_limit=400, ev_maximum_current_limit=50,
    ev_maximum_power_limit=20_000)
EXAMPLE_START = m.PowerDeliveryReq(charge_progress=m.ChargeProgress.START, sa_schedule_tuple_id=1,
                                   charging_profile=(m.ProfileEntry(charging_profile_entry_start=0,
                                                                    charging_profile_entry_max_power=22_000),))
EXAMPLE_AC = m.ChargeParameterDiscoveryReq(
    requested_energy_transfer_mode=m.EnergyTransferModeType.AC_THREE_PHASE_CORE,
    ac_ev_charge_parameter=m.ACEVChargeParameter(departure_time=None, e_amount=12_000, ev_max_voltage=400,
                                                 ev_max_current=50, ev_min_current=0))
ALL_MODES = e.EVSESetConfiguration(**{**vars(CONFIG), "energy_transfer_modes": list(EnergyTransferMode)})


def _example_statuses() -> list[Frame]:
    """The status frames of a DIN DC session, an ISO AC session, a refused payment, a certificate
    request and a metering receipt, all with the manual's example values."""
    frames: list[Frame] = []
    dc = Station(timeouts=EXAMPLE_TIMEOUTS, protocol=m.V2gProtocol.DIN_70121)
    dc.listen(ALL_MODES)
    dc.connect()
    for request in (dataclasses.replace(r.SETUP, evcc_id=b"012345"), r.DISCOVERY, r.DETAIL, r.PAYMENT):
        dc.ev(request)
    authorize(dc)
    discover(dc, EXAMPLE_CPD, e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[
        e.EVSEScheduleTuple(tuple_id=1, entries=SCHEDULES.schedule_tuples[0].entries[:1])]))
    dc.ev(dataclasses.replace(r.CABLE_CHECK, dc_ev_status=EV_STATUS))
    dc.ok(e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED))
    dc.ev(r.CABLE_CHECK)
    dc.ev(dataclasses.replace(r.PRE_CHARGE, dc_ev_status=EV_STATUS))
    dc.ev(EXAMPLE_START)
    dc.ok(e.EVSEStartCharging())
    dc.advance(r.STEP)
    dc.ev(EXAMPLE_DEMAND)
    dc.ev(r.STOP)
    dc.ok(e.EVSEStopCharging())
    dc.advance(r.STEP)
    dc.ev(r.WELDING)
    dc.ev(r.SESSION_STOP)
    frames += dc.host.take()
    ac = Station()
    ac.listen(ALL_MODES)
    ac.connect()
    for request in (r.SETUP, r.DISCOVERY, r.DETAIL, r.PAYMENT):
        ac.ev(request)
    authorize(ac)
    ac.ev(EXAMPLE_AC)
    frames += ac.host.take()
    refused = Station()
    refused.listen()
    refused.connect()
    for request in (r.SETUP, r.DISCOVERY, r.DETAIL):
        refused.ev(request)
    refused.ev(dataclasses.replace(r.PAYMENT, selected_payment_option=m.PaymentOption.CONTRACT))
    frames += refused.host.take()
    pnc = Station()
    set_up(pnc)
    pnc.service.certificate_requested(False, catalog.exi(846), lambda status, blob: None)
    pnc.ok(e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS,
                                                            exi_response=b""))
    pnc.service.certificate_requested(True, catalog.exi(3846), lambda status, blob: None)
    pnc.service.metering_receipt_checked(True)
    frames += pnc.host.take()
    return frames


# The 2.14 AC layout example carries an energy capacity and SOC an AC EV does not send (this service
# writes 0 there), and the newer-firmware layout is not what V02_00_01 sends.
NOT_EMITTED = ("2.14 p163-p164 per the table (AC, every field as in 2.14)", "hci-reference §7.1 #8")
STATUS_VECTORS = [vector for vector in catalog.VECTORS if isinstance(vector.expected, Status)
                  and not vector.page.startswith(NOT_EMITTED)]


@pytest.fixture(scope="module")
def emitted() -> list[Frame]:
    return _example_statuses()


@pytest.mark.parametrize("vector", STATUS_VECTORS, ids=str)
def test_manual_status_examples_are_what_the_module_sends(vector: Vector, emitted: list[Frame]) -> None:
    expected = vector.expected
    assert isinstance(expected, Status)
    same = [frame for frame in emitted if frame.sub_id == expected.sub_id and frame.request_id == 0xFF]
    decoded = [decode(frame, Generation.V2, Direction.MODULE) for frame in same]
    assert expected in decoded, decoded
    if vector.exact:
        assert expected.payload() in [frame.payload for frame in same]


def test_every_status_of_the_catalog_has_an_example_here() -> None:
    assert {vector.expected.sub_id for vector in STATUS_VECTORS} == set(range(0x80, 0x92)) - {0x8D}


# -- Set Mode / Get Mode (p122-p123) ------------------------------------------------------------------

def test_mode_is_evse_and_cannot_change() -> None:
    st = Station()
    answer = st.request(v2g_common.GetMode())
    assert answer == v2g_common.GetMode.Response(mode=V2gMode.EVSE)
    st.ok(v2g_common.SetMode(mode=V2gMode.EVSE))
    assert st.code(v2g_common.SetMode(mode=V2gMode.EV)) == 0x05  # single-mode firmware
    st.listen()
    assert st.code(v2g_common.SetMode(mode=V2gMode.EVSE)) == 0x01  # started: busy
    assert st.code(v2g_common.SetMode(mode=V2gMode.EV)) == 0x05


# -- configuration state rules ---------------------------------------------------------------------------

CONFIGURATION = [CONFIG, DC, AC, EXAMPLE_SDP]


@pytest.mark.parametrize("command", CONFIGURATION, ids=lambda command: command.title)
def test_configuration_while_listening_or_in_a_session_is_wrong_state(command: Command) -> None:
    st = Station()
    st.listen()
    assert st.code(command) == 0x11
    st.connect()
    st.ok(e.EVSEStopListen())
    assert st.code(command) == 0x11  # the session still runs
    st.ev(r.SETUP)
    assert st.end is not None
    st.end.close()
    st.advance(r.STEP)
    st.ok(command)  # stopped and no session: configurable again


def test_get_commands_read_back_what_was_set_at_any_time() -> None:
    st = Station()
    st.listen()
    assert st.request(e.EVSEGetConfiguration()) == e.EVSEGetConfiguration.Response(**vars(CONFIG))
    assert st.request(e.EVSEGetACChargingParameters()) == e.EVSEGetACChargingParameters.Response(**vars(AC))
    dc = st.request(e.EVSEGetDCChargingParameters())
    assert isinstance(dc, e.EVSEGetDCChargingParameters.Response)
    assert (dc.max_power, dc.present_voltage, dc.isolation_level) == (DC.max_power, None, IsolationLevel.INVALID)
    st.ok(update(123, 4, isolation=IsolationLevel.WARNING, status=EvseStatus.NOT_READY))
    dc = st.request(e.EVSEGetDCChargingParameters())
    assert isinstance(dc, e.EVSEGetDCChargingParameters.Response)
    assert (dc.present_voltage, dc.present_current, dc.isolation_level, dc.status) == (
        123, 4, IsolationLevel.WARNING, EvseStatus.NOT_READY)


def test_get_before_set_is_wrong_state_and_sdp_defaults_to_a_random_dynamic_port() -> None:
    st = Station()
    for command in (e.EVSEGetConfiguration(), e.EVSEGetDCChargingParameters(), e.EVSEGetACChargingParameters()):
        assert st.code(command) == 0x11
    sdp = st.request(e.EVSEGetSDPConfig())
    assert isinstance(sdp, e.EVSEGetSDPConfig.Response) and sdp.allow_unsecure and not sdp.allow_secure
    assert sdp.unsecure_port is not None and 49152 <= sdp.unsecure_port <= 65535


@pytest.mark.parametrize("command", [
    e.EVSESetConfiguration(**{**vars(CONFIG), "payment_methods": [PaymentMethod.CONTRACT]}),
    e.EVSESetConfiguration(**{**vars(CONFIG), "protocols": [Protocol.DIN_70121, Protocol.DIN_70121]}),
    e.EVSESetConfiguration(**{**vars(CONFIG), "energy_transfer_modes": [EnergyTransferMode.DC_CORE] * 2}),
    dataclasses.replace(DC, min_voltage=600),
    dataclasses.replace(DC, min_current=101),
    dataclasses.replace(DC, max_power=-1),
    dataclasses.replace(AC, nominal_voltage=0),
    dataclasses.replace(AC, max_current=-1),
    e.EVSESetSDPConfig(allow_unsecure=False, allow_secure=False),
    e.EVSESetSDPConfig(allow_unsecure=True, unsecure_port=50_000, allow_secure=True, secure_port=50_000),
], ids=str)
def test_settings_that_are_not_accepted_answer_0x10(command: Command) -> None:
    st = Station()
    assert st.code(command) == 0x10


def test_update_parameters_out_of_range_answer_0x10() -> None:
    st = Station()
    st.listen()
    assert st.code(update(-1)) == 0x10
    assert st.code(update(1, max_power=-5)) == 0x10
    assert st.code(e.EVSEUpdateACChargingParameters(rcd=False, max_current=-1)) == 0x10


def test_start_listen_needs_the_configuration_and_the_parameters_of_its_modes() -> None:
    st = Station()
    assert st.code(e.EVSEStartListen()) == 0x11  # no configuration
    st.ok(CONFIG)
    st.ok(DC)
    assert st.code(e.EVSEStartListen()) == 0x11  # AC configured, no AC parameters
    dc_only = e.EVSESetConfiguration(**{**vars(CONFIG), "energy_transfer_modes": [EnergyTransferMode.DC_CORE]})
    st.ok(dc_only)
    st.ok(e.EVSEStartListen())
    assert st.network.listening
    assert st.code(e.EVSEStartListen()) == 0x11  # twice
    st.ok(e.EVSEStopListen())
    assert not st.network.listening
    assert st.code(e.EVSEStopListen()) == 0x11


def test_updates_need_a_started_service() -> None:
    st = Station()
    st.ok(CONFIG)
    assert st.code(update()) == 0x11
    assert st.code(e.EVSEUpdateACChargingParameters(rcd=False)) == 0x11


ANSWERS = [
    e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.SUCCEEDED), SCHEDULES,
    e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED), e.EVSEStartCharging(), e.EVSEStopCharging(),
    e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS, exi_response=b""),
    e.EVSESendNotification(renegotiation=False, timeout=30),
    e.EVSESetMeterReceiptRequest(meter_id="Meter1", meter_reading_signature=b""),
]


@pytest.mark.parametrize("command", ANSWERS, ids=lambda command: command.title)
def test_answers_and_session_commands_without_a_session_are_wrong_state(command: Command) -> None:
    st = Station()
    assert st.code(command) == 0x11
    st.listen()
    assert st.code(command) == 0x11


@pytest.mark.parametrize("command", ANSWERS[:6], ids=lambda command: command.title)
def test_answers_nobody_asked_for_in_a_session_are_wrong_state(command: Command) -> None:
    st = Station()
    set_up(st)
    assert st.code(command) == 0x11
    assert st.service.session is not None


@pytest.mark.parametrize("schedules", [
    dataclasses.replace(SCHEDULES, schedule_tuples=[SCHEDULES.schedule_tuples[0]] * 2),  # repeated tuple ID
    dataclasses.replace(SCHEDULES, schedule_tuples=[dataclasses.replace(SCHEDULES.schedule_tuples[0], tuple_id=0)]),
    dataclasses.replace(SCHEDULES, schedule_tuples=[dataclasses.replace(
        SCHEDULES.schedule_tuples[0], entries=SCHEDULES.schedule_tuples[0].entries[::-1])]),  # starts decrease
    dataclasses.replace(SCHEDULES, sales_tariffs=e.SignedSalesTariffs(tariffs=[catalog.TARIFF] * 2,
                                                                      signature_value=catalog.SIGNATURE)),
], ids=["repeated tuple", "tuple 0", "starts decrease", "tariffs for 2 of 1 tuples"])
def test_schedules_that_are_not_accepted_answer_0x10_and_the_request_stays_open(
        schedules: e.EVSESetSchedules) -> None:
    st = Station()
    _schedules_requested(st)
    assert st.code(schedules) == 0x10
    st.ok(SCHEDULES)


# -- any sequence of commands gets one of the documented result codes ------------------------------------

SOME_COMMANDS: list[Command] = [
    *CONFIGURATION, *ANSWERS, e.EVSEStartListen(), e.EVSEStopListen(), update(), e.EVSEGetConfiguration(),
    e.EVSEGetDCChargingParameters(), e.EVSEGetACChargingParameters(), e.EVSEGetSDPConfig(),
    e.EVSEUpdateACChargingParameters(rcd=False), v2g_common.SetMode(mode=V2gMode.EVSE), v2g_common.GetMode(),
]


@settings(max_examples=60, deadline=None)
@given(strategies.lists(strategies.integers(0, len(SOME_COMMANDS) - 1), max_size=25), strategies.booleans())
def test_any_command_sequence_gets_documented_result_codes(indices: list[int], ev_connects: bool) -> None:
    station = Station()
    for index in indices:
        assert station.code(SOME_COMMANDS[index]) in (0x00, 0x01, 0x10, 0x11)
        if ev_connects and station.network.listening and station.service.session is None:
            station.connect()
        station.advance(0.1)
    assert all(frame.request_id == 0xFF for frame in station.host.sent)
