"""V2G service 0x27 of the v1 EVSE firmware (manual 2.11 §17, p115-p166; sequences §19.8,
p188-p197): the manual's example frames, the configuration rules, and every Request/Set pair
driven through a real SECC session with a scripted EVCC on a MemoryNetwork."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    PaymentMethod,
    V2gMode,
)
from freev2g.hci.frame import decode_frame
from freev2g.hci.message import Command, Message
from tests.catalog.test_v2g_common import VECTORS as COMMON_VECTORS
from tests.catalog.test_v2g_evse_v1 import BUILT, MANUAL_COMMANDS, MANUAL_STATUS
from tests.emulator.evse_v1_rig import (
    AC_CPD,
    CHARGE_LOOP_ANSWER,
    DIN,
    ISO,
    Rig,
    current_demand,
    ev_status,
)
from tests.emulator.examples import check_example, example_pairs, send_example
from tests.vectors import Vector, frame_bytes

X = e.ExtendedParameterCode
PR = e.EvseProtocolV1
ETM = EnergyTransferMode
V06, V07 = "V01_01_06", "V01_01_07"


def _sub_id(vector: Vector) -> int:
    return decode_frame(frame_bytes(vector.hex)).sub_id


EXAMPLES = {_sub_id(command): (command, response) for command, response in example_pairs(MANUAL_COMMANDS)}
STATUS_EXAMPLES: dict[int, object] = {}
for _vector in MANUAL_STATUS:
    STATUS_EXAMPLES.setdefault(_sub_id(_vector), _vector.expected)  # the first one printed
STOPPED_V07 = next(v for v in MANUAL_STATUS if v.page.startswith("2.11.1"))
BUILT_BY_PAGE = {vector.page.split(":")[0]: vector.expected for vector in BUILT}


def example(sub_id: int) -> Message:
    """The manual's status example for ``sub_id`` (the first one printed)."""
    expected = STATUS_EXAMPLES[sub_id]
    assert isinstance(expected, Message)
    return expected


def like_example(status: object, sub_id: int, **differences: object) -> None:
    """``status`` is the manual's example for ``sub_id``, apart from the fields named."""
    expected = example(sub_id)
    assert status == dataclasses.replace(expected, **differences), status


@pytest.fixture
def rig() -> Rig:
    return Rig(V06)


# --- common commands (§17.8, p118-p120) -----------------------------------------------------------

def test_manual_start_and_stop_examples(rig: Rig) -> None:
    pairs = [(cmd, res) for cmd, res in example_pairs(COMMON_VECTORS)
             if isinstance(cmd.expected, c.Start | c.Stop) and cmd.page.startswith("2.11")]
    assert [type(cmd.expected) for cmd, _ in pairs] == [c.Start, c.Stop]
    for command, response in pairs:
        check_example(rig.host, command, response)
    assert not rig.network.listening


def test_mode_is_evse_and_the_ev_mode_examples_are_for_ev_firmware(rig: Rig) -> None:
    """The printed Set Mode / Get Mode examples (p118-p119) show an EV module: the EVSE firmware
    supports one mode, answers Set Mode EV with 0x05 and Get Mode with EVSE."""
    set_ev = next(cmd for cmd, _ in example_pairs(COMMON_VECTORS) if isinstance(cmd.expected, c.SetMode))
    assert send_example(rig.host, set_ev).payload == bytes((0x05,))
    assert rig.host.request(c.GetMode()) == c.GetMode.Response(mode=V2gMode.EVSE)
    rig.ok(c.SetMode(mode=V2gMode.EVSE))
    rig.start()
    assert rig.code(c.SetMode(mode=V2gMode.EVSE)) == 0x01  # p118: busy while started


def test_start_twice_and_stop_without_start_are_05(rig: Rig) -> None:
    assert rig.code(c.Stop()) == 0x05
    rig.start()
    assert rig.network.listening
    assert rig.code(c.Start()) == 0x05
    rig.ok(c.Stop())
    assert not rig.network.listening
    assert rig.code(c.Stop()) == 0x05


# --- configuration (§17.10.1-§17.10.8, p133-p139) --------------------------------------------------

def test_manual_configuration_examples_in_their_order(rig: Rig) -> None:
    """Each Set is followed by its Get in the manual, which reads back what was set."""
    pairs = [EXAMPLES[sub_id] for sub_id in range(0x60, 0x68)]
    for command, response in pairs:
        check_example(rig.host, command, response)


@pytest.mark.parametrize("command", [
    e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2014]),
    e.SetSdpConfig(allow_unsecure=True, unsecure_port=50000, allow_secure=True, secure_port=50001),
    e.SetPaymentOptions(authorization_required=False),
    e.SetEnergyTransferModes(modes=[ETM.DC_CORE]),
])
def test_configuration_while_started_is_wrong_state(rig: Rig, command: Command) -> None:
    rig.start()
    assert rig.code(command) == 0x11
    rig.ok(c.Stop())
    rig.ok(command)


def test_settings_read_back_also_while_started(rig: Rig) -> None:
    rig.ok(e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2014]))
    rig.ok(e.SetSdpConfig(allow_unsecure=False, allow_secure=True, secure_port=65535))
    rig.ok(e.SetPaymentOptions(authorization_required=False))
    rig.ok(e.SetEnergyTransferModes(modes=[ETM.AC_SINGLE_PHASE, ETM.AC_THREE_PHASE]))
    rig.start()
    assert rig.host.request(e.GetSupportedProtocols()) == e.GetSupportedProtocols.Response(
        protocols=[PR.ISO_15118_2_2014])
    assert rig.host.request(e.GetSdpConfig()) == e.GetSdpConfig.Response(
        allow_unsecure=False, allow_secure=True, secure_port=65535)
    assert rig.host.request(e.GetPaymentOptions()) == e.GetPaymentOptions.Response(authorization_required=False)
    assert rig.host.request(e.GetEnergyTransferModes()) == e.GetEnergyTransferModes.Response(
        modes=[ETM.AC_SINGLE_PHASE, ETM.AC_THREE_PHASE])


def test_power_up_settings(rig: Rig) -> None:
    assert rig.host.request(e.GetSupportedProtocols()) == e.GetSupportedProtocols.Response(
        protocols=[PR.DIN_70121, PR.ISO_15118_2_2014])
    sdp = rig.host.request(e.GetSdpConfig())
    assert isinstance(sdp, e.GetSdpConfig.Response) and sdp.allow_unsecure and not sdp.allow_secure
    assert sdp.unsecure_port is not None and 49152 <= sdp.unsecure_port <= 65535  # p135: random
    assert rig.host.request(e.GetPaymentOptions()) == e.GetPaymentOptions.Response(
        authorization_required=True, payment_options=[PaymentMethod.EIM])
    assert rig.host.request(e.GetEnergyTransferModes()) == e.GetEnergyTransferModes.Response(
        modes=[ETM.DC_EXTENDED, ETM.DC_COMBO_CORE])


@pytest.mark.parametrize("command", [
    e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2010]),  # p133: not supported
    e.SetSupportedProtocols(protocols=[PR.ISO_15118_20]),
    e.SetSupportedProtocols(protocols=[PR.DIN_70121, PR.DIN_70121]),
    e.SetSdpConfig(allow_unsecure=True, unsecure_port=50000, allow_secure=True, secure_port=50000),  # p135
    e.SetSdpConfig(allow_unsecure=False, allow_secure=False),
    e.SetPaymentOptions(authorization_required=True, payment_options=[PaymentMethod.CONTRACT]),  # p136
    e.SetPaymentOptions(authorization_required=True, payment_options=[PaymentMethod.EIM, PaymentMethod.EIM]),
    e.SetEnergyTransferModes(modes=[ETM.DC_CORE, ETM.DC_EXTENDED, ETM.DC_COMBO_CORE, ETM.DC_UNIQUE]),  # p138
    e.SetEnergyTransferModes(modes=[ETM.DC_CORE, ETM.DC_EXTENDED]),
    e.SetEnergyTransferModes(modes=[ETM.AC_THREE_PHASE]),
    e.SetEnergyTransferModes(modes=[ETM.DC_EXTENDED, ETM.DC_EXTENDED]),
])
def test_settings_the_manual_refuses_are_0x10_and_change_nothing(rig: Rig, command: Command) -> None:
    before = [rig.host.request(get()) for get in (e.GetSupportedProtocols, e.GetSdpConfig, e.GetPaymentOptions,
                                                  e.GetEnergyTransferModes)]
    assert rig.code(command) == 0x10
    after = [rig.host.request(get()) for get in (e.GetSupportedProtocols, e.GetSdpConfig, e.GetPaymentOptions,
                                                 e.GetEnergyTransferModes)]
    assert after == before


def test_din_mode_rule_applies_to_whichever_command_comes_second(rig: Rig) -> None:
    """p138: with DIN only {0}, {1}, {2}, {1, 2}; the seed's [0, 1, 2, 3] is refused."""
    rig.ok(e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2014]))
    rig.ok(e.SetEnergyTransferModes(modes=[ETM.DC_CORE, ETM.DC_EXTENDED, ETM.DC_COMBO_CORE, ETM.DC_UNIQUE]))
    assert rig.code(e.SetSupportedProtocols(protocols=[PR.DIN_70121, PR.ISO_15118_2_2014])) == 0x10
    rig.ok(e.SetEnergyTransferModes(modes=[ETM.DC_EXTENDED, ETM.DC_COMBO_CORE]))
    rig.ok(e.SetSupportedProtocols(protocols=[PR.DIN_70121, PR.ISO_15118_2_2014]))


PORT = st.integers(49152, 65535)


@given(unsecure=st.one_of(st.none(), PORT), secure=st.one_of(st.none(), PORT))
def test_sdp_config_reads_back_exactly_when_the_rules_accept_it(unsecure: int | None, secure: int | None) -> None:
    rig = Rig(V06)
    command = e.SetSdpConfig(allow_unsecure=unsecure is not None, unsecure_port=unsecure,
                             allow_secure=secure is not None, secure_port=secure)
    before = rig.host.request(e.GetSdpConfig())
    acceptable = (unsecure, secure) != (None, None) and unsecure != secure
    assert rig.code(command) == (0x00 if acceptable else 0x10)
    after = rig.host.request(e.GetSdpConfig())
    assert after == (e.GetSdpConfig.Response(**vars(command)) if acceptable else before)


@given(protocols=st.lists(st.sampled_from([PR.DIN_70121, PR.ISO_15118_2_2014]), min_size=1, max_size=2, unique=True),
       modes=st.lists(st.sampled_from(list(ETM)), min_size=1, max_size=4, unique=True))
def test_protocols_and_modes_read_back_when_din_allows_them(protocols: list[PR], modes: list[ETM]) -> None:
    """p138: with DIN only {0}, {1}, {2} and {1, 2}."""
    rig = Rig(V06)
    rig.ok(e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2014]))
    rig.ok(e.SetEnergyTransferModes(modes=modes))
    allowed = PR.DIN_70121 not in protocols or {int(mode) for mode in modes} in ({0}, {1}, {2}, {1, 2})
    assert rig.code(e.SetSupportedProtocols(protocols=protocols)) == (0x00 if allowed else 0x10)
    expected = protocols if allowed else [PR.ISO_15118_2_2014]
    assert rig.host.request(e.GetSupportedProtocols()) == e.GetSupportedProtocols.Response(protocols=expected)
    assert rig.host.request(e.GetEnergyTransferModes()) == e.GetEnergyTransferModes.Response(modes=modes)


# --- answers without a request -------------------------------------------------------------------

@pytest.mark.parametrize("sub_id", range(0x68, 0x73))
def test_set_x_without_its_request_is_wrong_state(rig: Rig, sub_id: int) -> None:
    command, _ = EXAMPLES[sub_id]
    assert send_example(rig.host, command).payload == bytes((0x11,))  # not started
    rig.setup()
    assert send_example(rig.host, command).payload == bytes((0x11,))  # a session, nothing asked


def test_an_answer_to_another_request_is_wrong_state_and_the_request_stays_pending(rig: Rig) -> None:
    rig.start()
    rig.connect()
    rig.send(m.SupportedAppProtocolReq(app_protocol=(dataclasses.replace(DIN, priority=1),)))
    rig.response(m.SupportedAppProtocolRes)
    rig.send(m.SessionSetupReq(evcc_id=b"\x01\x02\x03\x04\x05\x06"))
    rig.statuses()
    assert rig.code(CHARGE_LOOP_ANSWER) == 0x11
    rig.answer(e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="+49*123*456*789"))
    assert rig.response(m.SessionSetupRes).evse_id == "+49*123*456*789"


# --- sessions: every Request / Set pair through a real SECC ---------------------------------------

def test_ac_session_answered_with_the_manual_examples() -> None:
    """An ISO 15118-2 AC session whose host answers with the printed frames of p140-p148."""
    rig = Rig(V06)
    rig.ok(e.SetSupportedProtocols(protocols=[PR.ISO_15118_2_2014]))
    rig.ok(e.SetEnergyTransferModes(modes=[ETM.AC_THREE_PHASE]))
    rig.start()
    rig.connect()
    rig.send(m.SupportedAppProtocolReq(app_protocol=(ISO,)))
    rig.response(m.SupportedAppProtocolRes)
    rig.send(m.SessionSetupReq(evcc_id=b"012345"))
    started, request = rig.statuses()
    session = rig.service.session
    assert session is not None and session.secc is not None
    like_example(started, 0x80, protocol=PR.ISO_15118_2_2014, session_id=session.secc.session_id)
    like_example(request, 0x82)  # ISO format, 500 ms
    check_example(rig.host, *EXAMPLES[0x68])
    rig.advance()
    setup = rig.response(m.SessionSetupRes)
    assert setup.evse_id == "1234567890" and setup.response_code is m.ResponseCode.OK_NEW_SESSION_ESTABLISHED
    rig.session_id = setup.session_id
    rig.select_payment()

    rig.send(m.AuthorizationReq())
    like_example(rig.status(e.RequestAuthorizationStatus), 0x83, timeout=60_000)
    check_example(rig.host, *EXAMPLES[0x69])
    rig.advance()
    assert rig.response(m.AuthorizationRes) == m.AuthorizationRes(session_id=rig.session_id)

    rig.send(AC_CPD)
    schedules, discovery = rig.statuses()
    assert schedules == e.RequestSchedules(timeout=60_000, max_entries=1024)  # the EV set no limit
    like_example(discovery, 0x84)  # 12000 Wh, 400 V, 12 A, 1 A as the EV sent them
    check_example(rig.host, *EXAMPLES[0x6B])
    check_example(rig.host, *EXAMPLES[0x6A])
    rig.advance()
    cpd = rig.response(m.ChargeParameterDiscoveryRes)
    assert cpd.evse_processing is m.EVSEProcessing.FINISHED
    assert cpd.ac_evse_charge_parameter == m.ACEVSEChargeParameter(
        ac_evse_status=m.ACEVSEStatus(rcd=False), evse_nominal_voltage=400.0, evse_max_current=12.0)
    assert cpd.sa_schedule_list == (m.SAScheduleTuple(sa_schedule_tuple_id=1, p_max_schedule=(
        m.PMaxScheduleEntry(start=0, duration=3600, p_max=280_000.0),
        m.PMaxScheduleEntry(start=3600, duration=82800, p_max=50_000.0))),)

    rig.send(m.PowerDeliveryReq(charge_progress=m.ChargeProgress.START, sa_schedule_tuple_id=1, charging_profile=(
        m.ProfileEntry(charging_profile_entry_start=0, charging_profile_entry_max_power=22_000.0),
        m.ProfileEntry(charging_profile_entry_start=3600, charging_profile_entry_max_power=11_000.0))))
    like_example(rig.status(e.RequestStartCharging), 0x89)  # tuple 1, (0 s, 22 kW), (3600 s, 11 kW), AC
    rig.answer(BUILT_BY_PAGE["p146 AC"])  # type: ignore[arg-type]
    assert rig.response(m.PowerDeliveryRes).ac_evse_status == m.ACEVSEStatus(rcd=False)

    for _ in range(3):
        rig.send(m.ChargingStatusReq())
        like_example(rig.status(e.RequestChargeLoopParameters), 0x8A, timeout=75)
        check_example(rig.host, *EXAMPLES[0x70])
        rig.advance()
        status = rig.response(m.ChargingStatusRes)
        assert (status.evse_max_current, status.evse_id, status.sa_schedule_tuple_id) == (12.0, "1234567890", 1)

    rig.send(m.PowerDeliveryReq(charge_progress=m.ChargeProgress.STOP, sa_schedule_tuple_id=1))
    like_example(rig.status(e.RequestStopCharging), 0x8B)
    rig.answer(BUILT_BY_PAGE["p149 AC"])  # type: ignore[arg-type]
    rig.response(m.PowerDeliveryRes)
    rig.send(m.SessionStopReq())
    rig.response(m.SessionStopRes)
    like_example(rig.status(e.SessionStopped), 0x81)  # empty on V01_01_06
    rig.advance()
    assert rig.closed and rig.service.session is None and rig.network.listening


def test_dc_session_answered_with_the_manual_examples() -> None:
    rig = Rig(V07)
    rig.to_cable_check()

    rig.send(m.CableCheckReq(dc_ev_status=ev_status(soc=0)))
    cable_status, cable_parameters = rig.statuses()
    like_example(cable_status, 0x86, timeout=38_000)
    like_example(cable_parameters, 0x87)  # DC, SOC 0
    check_example(rig.host, *EXAMPLES[0x6C])
    check_example(rig.host, *EXAMPLES[0x6D])
    rig.advance()
    cable = rig.response(m.CableCheckRes)
    assert cable.evse_processing is m.EVSEProcessing.FINISHED
    assert cable.dc_evse_status.evse_isolation_status is m.IsolationLevel.WARNING

    rig.send(m.PreChargeReq(dc_ev_status=ev_status(soc=0), ev_target_voltage=400.0, ev_target_current=12.0))
    like_example(rig.status(e.RequestPreChargeParameters), 0x88)
    check_example(rig.host, *EXAMPLES[0x6E])
    rig.advance()
    pre = rig.response(m.PreChargeRes)
    assert (pre.evse_present_voltage, pre.dc_evse_status.evse_isolation_status) == (400.0, m.IsolationLevel.WARNING)

    rig.send(m.PowerDeliveryReq(
        charge_progress=m.ChargeProgress.START, sa_schedule_tuple_id=1,
        dc_ev_power_delivery_parameter=m.DCEVPowerDeliveryParameter(
            dc_ev_status=ev_status(), bulk_charging_complete=None, charging_complete=False)))
    start = rig.status(e.RequestStartCharging)
    assert start == e.RequestStartCharging(  # no profile from the EV: the schedule's first power
        timeout=500, schedule_tuple_id=1, charging_profile=[e.ChargingProfileEntry(start=0, power=25_000)],
        parameters=e.DcEvChargingState(soc=50, charging_complete=False))
    check_example(rig.host, *EXAMPLES[0x6F])
    rig.advance()
    delivery = rig.response(m.PowerDeliveryRes).dc_evse_status
    assert delivery is not None and delivery.evse_isolation_status is m.IsolationLevel.VALID

    rig.send(current_demand(bulk_charging_complete=False, remaining_time_to_full_soc=3600.0,
                            remaining_time_to_bulk_soc=1200.0))
    assert rig.status(e.RequestChargeLoopParameters) == e.RequestChargeLoopParameters(
        timeout=75, parameters=e.DcEvChargeLoopParameters(
            max_current=20, max_voltage=400, max_power=8000, target_voltage=380, target_current=16, soc=50,
            charging_complete=False, bulk_charging_complete=False, remaining_time_to_full_soc=3600,
            remaining_time_to_bulk_soc=1200))
    rig.answer(CHARGE_LOOP_ANSWER)
    demand = rig.response(m.CurrentDemandRes)
    assert (demand.evse_present_voltage, demand.evse_present_current, demand.evse_maximum_power_limit,
            demand.evse_id, demand.sa_schedule_tuple_id) == (380.0, 16.0, 25_000.0, "DE*ABC*E*00001*01", 1)

    rig.send(m.PowerDeliveryReq(charge_progress=m.ChargeProgress.STOP, sa_schedule_tuple_id=1,
                                dc_ev_power_delivery_parameter=m.DCEVPowerDeliveryParameter(
                                    dc_ev_status=ev_status(80), bulk_charging_complete=None,
                                    charging_complete=True)))
    assert rig.status(e.RequestStopCharging) == e.RequestStopCharging(
        timeout=500, parameters=e.DcEvChargingState(soc=80, charging_complete=True))
    check_example(rig.host, *EXAMPLES[0x71])
    rig.advance()
    rig.response(m.PowerDeliveryRes)

    for _ in range(2):
        rig.send(m.WeldingDetectionReq(dc_ev_status=ev_status(soc=1)))
        like_example(rig.status(e.RequestPostChargeParameters), 0x8C)
        check_example(rig.host, *EXAMPLES[0x72])
        rig.advance()
        assert rig.response(m.WeldingDetectionRes).evse_present_voltage == 400.0
    rig.send(m.SessionStopReq(charging_session=m.ChargingSession.TERMINATE))
    rig.response(m.SessionStopRes)
    assert rig.status(e.SessionStopped) == STOPPED_V07.expected  # closure type 0 on V01_01_07
