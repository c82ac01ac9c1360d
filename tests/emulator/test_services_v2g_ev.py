"""V2G service 0x27 of the EV firmwares (manual 2.14 §18.8-§18.9, §18.11, §21.9; 2.11 §17.8-§17.11;
v1-api §1.7-§1.9, §1.12): the manual's examples, the state rules, and whole sessions through a
real EVCC engine against a scripted SECC, with a test host answering over HCI."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freev2g.emulator.deadlines import Deadlines, Timing, TimingMode
from freev2g.emulator.services.v2g_ev import V2gEvService
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import MemoryNetwork
from freev2g.hci.catalog import v2g_common as common
from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog import v2g_evse_v1 as evse_v1
from freev2g.hci.catalog import v2g_evse_v2 as evse_v2
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
    V2gMode,
)
from freev2g.hci.message import Command, Decoded, Message
from tests.catalog.test_v2g_common import VECTORS as COMMON_VECTORS
from tests.catalog.test_v2g_ev import VECTORS as EV_VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code
from tests.emulator.scripted_secc import EVSE_ID, SESSION_ID, ScriptedSecc

FIRMWARES = ("V01_00_04", "V01_00_05", "V01_00_06")
DC, AC = EnergyTransferMode.DC_CORE, EnergyTransferMode.AC_THREE_PHASE
CONFIG = ev.EVSetConfiguration(ev_id="01:02:03:04:05:06", protocols=[Protocol.ISO_15118_2, Protocol.DIN_70121],
                               payment_methods=[PaymentMethod.EIM], energy_transfer_modes=[DC],
                               battery_capacity=50_000)
DC_PARAMS = ev.EVSetDCChargingParameters(  # the manual's example values (p126)
    min_voltage=0, min_current=0, min_power=0, max_voltage=400, max_current=50, max_power=20_000, soc=50,
    status=EvErrorCode.NO_ERROR, target_voltage=380, target_current=20, full_soc=100, bulk_soc=80,
    energy_request=16_000, departure_time=3600)
AC_PARAMS = ev.EVSetACChargingParameters(  # p130
    min_voltage=0, min_current=0, min_power=0, max_voltage=400, max_current=50, max_power=20_000,
    energy_request=16_000, departure_time=3600)
UPDATE_DC = ev.EVUpdateDCChargingParameters(**{name: getattr(DC_PARAMS, name) for name in (
    "min_voltage", "min_current", "min_power", "max_voltage", "max_current", "max_power", "soc", "status",
    "target_voltage", "target_current")})
ANSWERS: dict[type[Message], Command] = {
    ev.EVCableCheckReady: ev.EVStartCableCheck(), ev.EVPreChargingReady: ev.EVStartPreCharging(),
    ev.EVChargingReady: ev.EVStartCharging(), ev.EVPostChargingReady: ev.EVStopSession(),
}
TICK = 0.01


class EvHost:
    """A test host on an emulated EV module whose V2G link leads to a scripted SECC. It answers
    each status as the manual's EV flow does (p230-p236): 0xAA on 0xC4, 0xAB on 0xC6, 0xAC on 0xC7,
    0xAD after ``charge_for`` seconds of charging, 0xAE on 0xCA, and 0xAD on 0xCC when
    ``answer_notifications`` (true for a renegotiation request)."""

    def __init__(self, firmware: str = "V01_00_06", **secc: object) -> None:
        self.host = Host(firmware)
        self.clock = self.host.clock
        self.network = MemoryNetwork(self.clock)
        self.service = V2gEvService(self.host.module, self.network)
        self.host.module.add(self.service)
        self.secc = ScriptedSecc(self.network, **secc)  # type: ignore[arg-type]
        self.statuses: list[Decoded] = []
        self.answers = dict(ANSWERS)
        self.charge_for: float | None = 1.0
        self.answer_notifications = True
        self.on_status: Callable[[Decoded], None] | None = None
        self._charging_since: float | None = None

    def code(self, command: Command) -> int:
        return result_code(self.host.request(command))

    def ok(self, command: Command) -> None:
        answer = self.host.request(command)
        assert result_code(answer) == 0x00, (command, answer)

    def configure(self, *modes: EnergyTransferMode) -> None:
        modes = modes or (DC,)
        self.ok(common.SetMode(mode=V2gMode.EV))
        self.ok(ev.EVSetConfiguration(**{**vars(CONFIG), "energy_transfer_modes": list(modes)}))
        if any(mode.is_dc for mode in modes):
            self.ok(DC_PARAMS)
        if not all(mode.is_dc for mode in modes):
            self.ok(AC_PARAMS)

    def start(self, *modes: EnergyTransferMode) -> None:
        self.configure(*modes)
        self._charging_since = None
        self.ok(ev.EVStartSession())

    def run(self, seconds: float = 10.0, until: type[Message] | None = None) -> bool:
        """Step the clock, reacting to statuses; True when ``until`` arrived."""
        end = self.clock.now() + seconds
        while self.clock.now() < end:
            self.clock.advance(TICK)
            if self._charging_since is not None and self.charge_for is not None \
                    and self.clock.now() - self._charging_since >= self.charge_for:
                self._charging_since = None
                self.ok(ev.EVStopCharging(renegotiation=False))
            arrived = self.host.decoded()
            for status in arrived:
                self.statuses.append(status)
                self._react(status)
            if until is not None and any(isinstance(status, until) for status in arrived):
                return True
        return False

    def _react(self, status: Decoded) -> None:
        if self.on_status is not None:
            self.on_status(status)
        answer = self.answers.get(type(status))  # type: ignore[arg-type]
        if answer is not None:
            self.ok(answer)
        if isinstance(status, ev.EVChargingStarted):
            self._charging_since = self.clock.now()
        if isinstance(status, ev.EVNotificationReceived) and self.answer_notifications:
            self._charging_since = None
            self.ok(ev.EVStopCharging(renegotiation=status.type == ev.NotificationType.RENEGOTIATION))

    def milestones(self) -> list[int]:
        """The sub-IDs of the statuses other than the EVSE values 0xC1 / 0xC2."""
        return [s.sub_id for s in self.statuses
                if not isinstance(s, ev.EVDCChargeParametersChanged | ev.EVACChargeParametersChanged)]

    def of(self, kind: type[Message]) -> list[Decoded]:
        return [status for status in self.statuses if isinstance(status, kind)]


def requests_of(secc: ScriptedSecc, kind: type[m.V2gRequest]) -> list[m.V2gRequest]:
    return [request for request in secc.requests if isinstance(request, kind)]


DC_FLOW = [0xC3, 0xC0, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xCA, 0xCB]
AC_FLOW = [0xC3, 0xC0, 0xC7, 0xC8, 0xC9, 0xCB]


# -- the manual's examples ------------------------------------------------------------------------

def _example_state(ev_host: EvHost, command: Message) -> None:
    """Bring a fresh module to the step in which the example command is valid."""
    waits: dict[type[Message], tuple[tuple[EnergyTransferMode, ...], type[Message]]] = {
        ev.EVUpdateDCChargingParameters: ((DC,), ev.EVSessionStarted),
        ev.EVUpdateACChargingParameters: ((AC,), ev.EVSessionStarted),
        ev.EVSetChargingProfile: ((DC,), ev.EVChargingReady),
        ev.EVStartCableCheck: ((DC,), ev.EVCableCheckReady),
        ev.EVStartPreCharging: ((DC,), ev.EVPreChargingReady),
        ev.EVStartCharging: ((DC,), ev.EVChargingReady),
        ev.EVStopCharging: ((DC,), ev.EVChargingStarted),
        ev.EVStopSession: ((DC,), ev.EVPostChargingReady),
    }
    match command:
        case ev.EVGetConfiguration():
            ev_host.ok(ev.EVSetConfiguration(**vars(EV_VECTORS[0].expected)))
        case ev.EVGetDCChargingParameters():
            ev_host.ok(DC_PARAMS)
        case ev.EVGetACChargingParameters():
            ev_host.ok(AC_PARAMS)
        case ev.EVStartSession():
            ev_host.configure(DC)
    if type(command) in waits:
        modes, status = waits[type(command)]
        ev_host.answers = {kind: answer for kind, answer in ANSWERS.items() if kind is not status}
        if status is ev.EVChargingStarted:
            ev_host.charge_for = None  # the example's Stop Charging is the one to send
        ev_host.start(*modes)
        assert ev_host.run(until=status)


@pytest.mark.parametrize("firmware", FIRMWARES)
def test_every_manual_example_gets_the_printed_response(firmware: str) -> None:
    """§18.8-§18.9 (2.14 p122-p136; 2.11 p118-p133); 0xAE per its table (no example). The 2.11
    Get Configuration answer with its departure time: test_get_configuration_departure_time."""
    pairs = example_pairs(COMMON_VECTORS[:4] + EV_VECTORS)
    pairs = [(c, r) for c, r in pairs if not isinstance(c.expected, ev.EVGetConfiguration)
             or firmware != "V01_00_04"]
    assert len(pairs) == (17 if firmware == "V01_00_04" else 18)
    for command, response in pairs:
        assert isinstance(command.expected, Message)
        ev_host = EvHost(firmware)
        _example_state(ev_host, command.expected)
        check_example(ev_host.host, command, response)


# -- configuration --------------------------------------------------------------------------------

def test_set_mode_accepts_only_ev_and_is_busy_during_a_session() -> None:
    ev_host = EvHost()
    assert ev_host.code(common.SetMode(mode=V2gMode.EVSE)) == 0x05  # single-mode firmware (p122)
    answer = ev_host.host.request(common.GetMode())
    assert isinstance(answer, common.GetMode.Response) and answer.mode == V2gMode.EV
    ev_host.start()
    assert ev_host.code(common.SetMode(mode=V2gMode.EV)) == 0x01


@pytest.mark.parametrize("firmware", FIRMWARES)
def test_evse_commands_are_unexpected_in_an_ev_firmware(firmware: str) -> None:
    ev_host = EvHost(firmware)
    command = evse_v1.GetSupportedProtocols() if firmware != "V01_00_06" \
        else evse_v2.EVSEStartListen()
    assert ev_host.code(command) == 0x05


def test_gets_before_their_set_are_wrong_state() -> None:
    ev_host = EvHost()
    for command in (ev.EVGetConfiguration(), ev.EVGetDCChargingParameters(), ev.EVGetACChargingParameters()):
        assert ev_host.code(command) == 0x11


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(0, 32_767), min_size=6, max_size=6), soc=st.integers(0, 100),
       status=st.sampled_from(EvErrorCode), departure=st.integers(0, 2**32 - 1))
def test_dc_parameters_read_back_as_set(values: list[int], soc: int, status: EvErrorCode, departure: int) -> None:
    low_v, high_v, low_i, high_i, power, energy = values
    low_v, high_v = sorted((low_v, high_v))
    low_i, high_i = sorted((low_i, high_i))
    params = ev.EVSetDCChargingParameters(
        min_voltage=low_v, min_current=low_i, min_power=0, max_voltage=high_v, max_current=high_i, max_power=power,
        soc=soc, status=status, target_voltage=high_v, target_current=low_i, full_soc=soc, bulk_soc=soc,
        energy_request=energy, departure_time=departure)
    ev_host = EvHost()
    ev_host.ok(params)
    assert ev_host.host.request(ev.EVGetDCChargingParameters()) == ev.EVGetDCChargingParameters.Response(
        **vars(params))


def test_configuration_and_ac_parameters_read_back_as_set() -> None:
    ev_host = EvHost()
    ev_host.configure(DC, AC)
    config = ev_host.host.request(ev.EVGetConfiguration())
    assert config == ev.EVGetConfiguration.Response(**{**vars(CONFIG), "energy_transfer_modes": [DC, AC]})
    assert ev_host.host.request(ev.EVGetACChargingParameters()) == ev.EVGetACChargingParameters.Response(
        **vars(AC_PARAMS))


@pytest.mark.parametrize(("firmware", "departure"), [("V01_00_04", 3600), ("V01_00_05", None), ("V01_00_06", None)])
def test_get_configuration_departure_time(firmware: str, departure: int | None) -> None:
    """Manual 2.11 (V01_00_04) ends the answer with a departure time (p122); 2.11.2 removed it."""
    ev_host = EvHost(firmware)
    ev_host.ok(CONFIG)
    answer = ev_host.host.request(ev.EVGetConfiguration())
    assert isinstance(answer, ev.EVGetConfiguration.Response)
    assert answer.departure_time == (0 if departure else None)  # no charging parameters yet
    ev_host.ok(DC_PARAMS)
    answer = ev_host.host.request(ev.EVGetConfiguration())
    assert isinstance(answer, ev.EVGetConfiguration.Response) and answer.departure_time == departure
    assert len(answer.payload()) == 17 + (4 if departure else 0)


@pytest.mark.parametrize("command", [
    ev.EVSetConfiguration(**{**vars(CONFIG), "protocols": [Protocol.ISO_15118_2, Protocol.ISO_15118_2]}),
    ev.EVSetConfiguration(**{**vars(CONFIG), "energy_transfer_modes": [DC, DC]}),
    ev.EVSetConfiguration(**{**vars(CONFIG), "battery_capacity": -1}),
    ev.EVSetDCChargingParameters(**{**vars(DC_PARAMS), "min_voltage": 500}),
    ev.EVSetDCChargingParameters(**{**vars(DC_PARAMS), "target_current": 51}),
    ev.EVSetDCChargingParameters(**{**vars(DC_PARAMS), "target_voltage": 401}),
    ev.EVSetDCChargingParameters(**{**vars(DC_PARAMS), "bulk_soc": 100, "full_soc": 90}),
    ev.EVSetDCChargingParameters(**{**vars(DC_PARAMS), "max_power": -1}),
    ev.EVSetACChargingParameters(**{**vars(AC_PARAMS), "min_current": 60}),
    ev.EVSetACChargingParameters(**{**vars(AC_PARAMS), "energy_request": -5}),
], ids=lambda command: f"{command.title}: {command}"[:90])
def test_parameters_out_of_range_are_setting_failed(command: Command) -> None:
    ev_host = EvHost()
    assert ev_host.code(command) == 0x10
    get = ev.EVGetConfiguration() if isinstance(command, ev.EVSetConfiguration) else (
        ev.EVGetDCChargingParameters() if isinstance(command, ev.EVSetDCChargingParameters)
        else ev.EVGetACChargingParameters())
    assert ev_host.code(get) == 0x11  # nothing was stored


def test_configuration_during_a_session_is_wrong_state_and_gets_still_answer() -> None:
    ev_host = EvHost()
    ev_host.start()
    for command in (CONFIG, DC_PARAMS, AC_PARAMS, ev.EVStartSession()):
        assert ev_host.code(command) == 0x11
    assert result_code(ev_host.host.request(ev.EVGetDCChargingParameters())) == 0x00


@pytest.mark.parametrize("setup", ["nothing", "configuration only", "AC parameters for a DC configuration"])
def test_start_session_needs_a_configuration_and_matching_parameters(setup: str) -> None:
    ev_host = EvHost()
    if setup != "nothing":
        ev_host.ok(CONFIG)
    if setup.startswith("AC"):
        ev_host.ok(AC_PARAMS)
    assert ev_host.code(ev.EVStartSession()) == 0x11
    ev_host.run(1)
    assert ev_host.statuses == [] and ev_host.secc.requests == []


# -- whole sessions -------------------------------------------------------------------------------

@pytest.mark.parametrize("firmware", FIRMWARES)
def test_dc_session_sends_every_status_in_the_manuals_order(firmware: str) -> None:
    ev_host = EvHost(firmware)
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == DC_FLOW
    assert [type(s) for s in ev_host.statuses[:3]] == [
        ev.EVScheduleReceived, ev.EVSessionStarted, ev.EVDCChargeParametersChanged]  # Figure 40, p231
    started = ev_host.of(ev.EVSessionStarted)[0]
    assert started == ev.EVSessionStarted(protocol=Protocol.ISO_15118_2, session_id=SESSION_ID, evse_id=EVSE_ID,
                                          payment_method=PaymentMethod.EIM, energy_transfer_mode=DC)
    schedule = ev_host.of(ev.EVScheduleReceived)[0]
    assert isinstance(schedule, ev.EVScheduleReceived)
    assert [t.tuple_id for t in schedule.tuples] == [1, 7]
    assert schedule.tuples[0].entries == [ScheduleEntry(start=0, interval=1800, power=50_000),
                                          ScheduleEntry(start=1800, interval=84_600, power=20_000)]
    changed = ev_host.of(ev.EVDCChargeParametersChanged)
    first = changed[0]
    assert isinstance(first, ev.EVDCChargeParametersChanged)
    assert (first.max_voltage, first.max_current, first.max_power, first.min_voltage) == (500, 200, 50_000, 150)
    if firmware == "V01_00_04":  # manual 2.11: the 25-byte layout (v1-api §1.12)
        assert all(isinstance(s, ev.EVDCChargeParametersChanged) and s.limits is None for s in changed)
    else:
        assert first.limits is not None and first.limits.isolation_status == IsolationLevel.VALID
        assert first.limits.peak_current_ripple == 2
    voltages = [s.present_voltage for s in changed if isinstance(s, ev.EVDCChargeParametersChanged)]
    assert 380 in voltages and voltages[-1] < 380  # pre-charge ramp, charge loop, welding detection
    assert all(a != b for a, b in itertools.pairwise(changed))  # only changes are reported
    assert ev_host.secc.names()[:8] == [
        "SupportedAppProtocolReq", "SessionSetupReq", "ServiceDiscoveryReq", "ServiceDetailReq",
        "PaymentServiceSelectionReq", "AuthorizationReq", "ChargeParameterDiscoveryReq", "CableCheckReq"]
    assert ev_host.secc.names()[-2:] == ["WeldingDetectionReq", "SessionStopReq"]
    assert not ev_host.service.in_session


def test_dc_requests_carry_the_hosts_parameters() -> None:
    ev_host = EvHost()
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVSessionStopped)
    setup = requests_of(ev_host.secc, m.SessionSetupReq)[0]
    assert isinstance(setup, m.SessionSetupReq) and setup.evcc_id == bytes.fromhex("010203040506")
    discovery = requests_of(ev_host.secc, m.ChargeParameterDiscoveryReq)[0]
    assert isinstance(discovery, m.ChargeParameterDiscoveryReq)
    assert discovery.requested_energy_transfer_mode is m.EnergyTransferModeType.DC_CORE
    assert discovery.dc_ev_charge_parameter == m.DCEVChargeParameter(
        departure_time=3600, dc_ev_status=m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR,
                                                       ev_ress_soc=50),
        ev_maximum_current_limit=50, ev_maximum_power_limit=20_000, ev_maximum_voltage_limit=400,
        ev_energy_capacity=50_000, ev_energy_request=16_000, full_soc=100, bulk_soc=80)
    pre_charge = requests_of(ev_host.secc, m.PreChargeReq)[0]
    assert isinstance(pre_charge, m.PreChargeReq)
    assert (pre_charge.ev_target_voltage, pre_charge.ev_target_current) == (380, 20)
    start = requests_of(ev_host.secc, m.PowerDeliveryReq)[0]
    assert isinstance(start, m.PowerDeliveryReq) and start.charge_progress is m.ChargeProgress.START
    # without Set Charging Profile the first schedule tuple is used (p233)
    assert start.sa_schedule_tuple_id == 1
    assert [e.charging_profile_entry_max_power for e in start.charging_profile] == [50_000, 20_000]


@pytest.mark.parametrize("firmware", FIRMWARES)
def test_ac_session_stops_by_itself_after_charging_stopped(firmware: str) -> None:
    ev_host = EvHost(firmware)
    ev_host.start(AC)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == AC_FLOW
    assert [type(s) for s in ev_host.statuses[:3]] == [
        ev.EVScheduleReceived, ev.EVSessionStarted, ev.EVACChargeParametersChanged]
    assert ev_host.statuses[2] == ev.EVACChargeParametersChanged(nominal_voltage=230, max_current=32, rcd=False)
    discovery = requests_of(ev_host.secc, m.ChargeParameterDiscoveryReq)[0]
    assert isinstance(discovery, m.ChargeParameterDiscoveryReq)
    assert discovery.ac_ev_charge_parameter == m.ACEVChargeParameter(
        departure_time=3600, e_amount=16_000, ev_max_voltage=400, ev_max_current=50, ev_min_current=0)
    assert "ChargingStatusReq" in ev_host.secc.names() and ev_host.secc.names()[-1] == "SessionStopReq"
    assert ev_host.code(ev.EVStopSession()) == 0x11  # the session is over


def test_ac_stop_session_is_accepted_only_while_the_session_stops_by_itself() -> None:
    ev_host = EvHost()
    ev_host.charge_for = None
    ev_host.start(AC)
    assert ev_host.run(until=ev.EVChargingStarted)
    assert ev_host.code(ev.EVStopSession()) == 0x11  # still charging
    ev_host.ok(ev.EVStopCharging(renegotiation=False))
    ev_host.network.latency = 0.02  # SessionStop takes longer than the host's reaction
    ev_host.answers[ev.EVChargingStopped] = ev.EVStopSession()  # as the seed does (v1-api §4.4)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == AC_FLOW


def test_commands_out_of_their_step_are_wrong_state() -> None:
    ev_host = EvHost()
    steps = [ev.EVStartCableCheck(), ev.EVStartPreCharging(), ev.EVStartCharging(),
             ev.EVStopCharging(renegotiation=False), ev.EVStopSession(),
             ev.EVSetChargingProfile(schedule_tuple_id=1, entries=[ScheduleEntry(start=0, interval=60, power=1)])]
    for command in steps:  # no session
        assert ev_host.code(command) == 0x11
    ev_host.answers = {}
    ev_host.configure(DC)
    assert ev_host.code(UPDATE_DC) == 0x11  # before Session Started (p231)
    ev_host.ok(ev.EVStartSession())
    assert ev_host.run(until=ev.EVCableCheckReady)
    for command in steps[1:]:
        assert ev_host.code(command) == 0x11, command
    update_ac = ev.EVUpdateACChargingParameters(min_voltage=0, min_current=0, min_power=0, max_voltage=400,
                                                max_current=50, max_power=20_000)
    assert ev_host.code(update_ac) == 0x11  # a DC session
    ev_host.ok(ev.EVStartCableCheck())
    assert ev_host.code(ev.EVStartCableCheck()) == 0x11  # once
    assert ev_host.run(until=ev.EVPreChargingReady)
    assert ev_host.code(ev.EVStartCharging()) == 0x11


def test_update_dc_parameters_reach_the_charge_loop_and_read_back() -> None:
    ev_host = EvHost()
    ev_host.charge_for = None
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingStarted)
    update = ev.EVUpdateDCChargingParameters(min_voltage=0, min_current=0, min_power=0, max_voltage=400,
                                             max_current=50, max_power=20_000, soc=60, status=EvErrorCode.NO_ERROR,
                                             target_voltage=390, target_current=40)
    ev_host.ok(update)
    assert ev_host.code(ev.EVUpdateDCChargingParameters(**{**vars(update), "target_current": 60})) == 0x10
    ev_host.run(0.5)
    demand = requests_of(ev_host.secc, m.CurrentDemandReq)[-1]
    assert isinstance(demand, m.CurrentDemandReq)
    assert (demand.ev_target_voltage, demand.ev_target_current, demand.dc_ev_status.ev_ress_soc) == (390, 40, 60)
    answer = ev_host.host.request(ev.EVGetDCChargingParameters())
    assert isinstance(answer, ev.EVGetDCChargingParameters.Response)
    assert (answer.soc, answer.target_current, answer.departure_time) == (60, 40, 3600)
    last = ev_host.of(ev.EVDCChargeParametersChanged)[-1]
    assert isinstance(last, ev.EVDCChargeParametersChanged)
    assert (last.present_voltage, last.present_current) == (390, 40)


@pytest.mark.parametrize(("tuple_id", "starts", "code"), [(7, [0], 0x00), (1, [0, 900], 0x00),
                                                          (99, [0], 0x10), (1, [900, 0], 0x10)])
def test_set_charging_profile_between_charging_ready_and_start_charging(
        tuple_id: int, starts: list[int], code: int) -> None:
    ev_host = EvHost()
    ev_host.answers.pop(ev.EVChargingReady)
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingReady)
    profile = ev.EVSetChargingProfile(schedule_tuple_id=tuple_id, entries=[
        ScheduleEntry(start=start, interval=900, power=10_000) for start in starts])
    assert ev_host.code(profile) == code
    ev_host.ok(ev.EVStartCharging())
    assert ev_host.code(profile) == 0x11  # after Start Charging
    assert ev_host.run(until=ev.EVSessionStopped)
    start = requests_of(ev_host.secc, m.PowerDeliveryReq)[0]
    assert isinstance(start, m.PowerDeliveryReq)
    if code == 0x00:
        assert start.sa_schedule_tuple_id == tuple_id
        assert [e.charging_profile_entry_start for e in start.charging_profile] == starts
        assert {e.charging_profile_entry_max_power for e in start.charging_profile} == {10_000}
    else:
        assert start.sa_schedule_tuple_id == 1


def test_renegotiation_notification_answered_with_stop_charging_true() -> None:
    """Figure 44 (p236): 0xCC, host 0xAD(true), PowerDelivery(Renegotiate), a new discovery with
    0xC3 and 0xC1, and the DC steps again."""
    ev_host = EvHost()
    ev_host.charge_for = None
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.secc.notification = (m.EVSENotification.RE_NEGOTIATION, 30)
    assert ev_host.run(2, until=ev.EVNotificationReceived)
    notification = ev_host.statuses[-1]
    assert notification == ev.EVNotificationReceived(type=ev.NotificationType.RENEGOTIATION, max_delay=30)
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.charge_for = 0.3
    ev_host._charging_since = ev_host.clock.now()
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == [*DC_FLOW[:7], 0xCC, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xCA, 0xCB]
    after = ev_host.statuses[ev_host.statuses.index(notification) + 1:]
    assert [type(s) for s in after[:2]] == [ev.EVScheduleReceived, ev.EVDCChargeParametersChanged]
    deliveries = [r.charge_progress for r in requests_of(ev_host.secc, m.PowerDeliveryReq)
                  if isinstance(r, m.PowerDeliveryReq)]
    assert deliveries == [m.ChargeProgress.START, m.ChargeProgress.RENEGOTIATE, m.ChargeProgress.START,
                          m.ChargeProgress.STOP]
    assert len(requests_of(ev_host.secc, m.ChargeParameterDiscoveryReq)) == 2
    reactions = [r for r in ev_host.host.module.deadlines.reactions if r.request == "EV Notification Received"]
    assert len(reactions) == 1 and reactions[0].deadline == 30 and reactions[0].latency is not None
    assert ev_host.host.module.deadlines.misses == []


@pytest.mark.parametrize(("mode", "flow"), [(DC, [*DC_FLOW[:7], 0xCC, 0xCA, 0xCB]),
                                            (AC, [*AC_FLOW[:4], 0xCC, 0xC9, 0xCB])])
def test_stop_notification_answered_with_stop_charging_false(mode: EnergyTransferMode, flow: list[int]) -> None:
    ev_host = EvHost()
    ev_host.charge_for = None
    ev_host.start(mode)
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.secc.notification = (m.EVSENotification.STOP_CHARGING, 10)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == flow
    assert ev_host.of(ev.EVNotificationReceived) == [
        ev.EVNotificationReceived(type=ev.NotificationType.STOP_CHARGING, max_delay=10)]


def test_a_notification_before_the_charge_loop_is_answered_and_ends_charging_at_once() -> None:
    ev_host = EvHost()
    ev_host.charge_for = None

    def notify_in_pre_charge(status: Decoded) -> None:
        if isinstance(status, ev.EVPreChargingReady):
            ev_host.secc.notification = (m.EVSENotification.STOP_CHARGING, 10)

    ev_host.on_status = notify_in_pre_charge
    ev_host.answers.pop(ev.EVChargingReady)  # pre-charge goes on: the notification repeats
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingReady)
    ev_host.run(0.5)
    ev_host.ok(ev.EVStartCharging())
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == [*DC_FLOW[:5], 0xCC, 0xC7, 0xC8, 0xCA, 0xCB]
    assert ev_host.host.module.deadlines.misses == []
    assert len(requests_of(ev_host.secc, m.CurrentDemandReq)) == 1


@pytest.mark.parametrize("mode", [TimingMode.STRICT, TimingMode.LENIENT])
def test_notification_unanswered_within_the_max_delay(mode: TimingMode) -> None:
    """Strict: the module ends the session (0xCD 8, 0xCB); lenient: it records the miss only."""
    ev_host = EvHost()
    ev_host.host.module.deadlines = Deadlines(ev_host.clock, Timing(mode))
    ev_host.charge_for = None
    ev_host.answer_notifications = False
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.secc.notification = (m.EVSENotification.RE_NEGOTIATION, 2)
    assert ev_host.run(1, until=ev.EVNotificationReceived)
    ev_host.run(3)
    assert len(ev_host.host.module.deadlines.misses) == 1
    if mode is TimingMode.STRICT:
        assert ev_host.milestones()[-3:] == [0xCC, 0xCD, 0xCB]
        assert ev_host.statuses[-2] == ev.EVSessionError(code=ev.EvSessionError.UNSPECIFIED)
        assert ev_host.secc.end is not None and not ev_host.secc.end.open
    else:
        assert ev_host.milestones()[-1] == 0xCC and ev_host.service.in_session


@pytest.mark.parametrize(("fault", "code"), [
    ({"fail": {m.ChargeParameterDiscoveryReq: m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER}},
     ev.EvSessionError.WRONG_CHARGE_PARAMETER),
    ({"fail": {m.PowerDeliveryReq: m.ResponseCode.FAILED_CHARGING_PROFILE_INVALID}},
     ev.EvSessionError.CHARGING_PROFILE_INVALID),
    ({"fail": {m.PowerDeliveryReq: m.ResponseCode.FAILED_POWER_DELIVERY_NOT_APPLIED}},
     ev.EvSessionError.POWER_DELIVERY_NOT_APPLIED),
    ({"fail": {m.PreChargeReq: m.ResponseCode.FAILED_EVSE_PRESENT_VOLTAGE_TO_LOW}},
     ev.EvSessionError.EVSE_PRESENT_VOLTAGE_TOO_LOW),
    ({"fail": {m.CurrentDemandReq: m.ResponseCode.FAILED_CONTACTOR_ERROR}}, ev.EvSessionError.CONTACTOR_ERROR),
    ({"fail": {m.PaymentServiceSelectionReq: m.ResponseCode.FAILED_PAYMENT_SELECTION_INVALID}},
     ev.EvSessionError.SELECTED_PAYMENT_OPTION_UNAVAILABLE),
    ({"modes": (m.EnergyTransferModeType.AC_SINGLE_PHASE_CORE,)},
     ev.EvSessionError.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE),
    ({"fail": {m.CableCheckReq: m.ResponseCode.FAILED}}, ev.EvSessionError.UNSPECIFIED),
], ids=lambda value: value.name if isinstance(value, ev.EvSessionError) else "")
def test_session_errors_end_with_session_error_then_session_stopped(fault: dict[str, object],
                                                                      code: ev.EvSessionError) -> None:
    ev_host = EvHost(**fault)
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones()[-2:] == [0xCD, 0xCB]
    assert ev_host.statuses[-2] == ev.EVSessionError(code=code)
    assert not ev_host.service.in_session
    assert ev_host.code(ev.EVStartSession()) == 0x00  # the next session may start


def test_no_secc_ends_with_an_unspecified_session_error() -> None:
    ev_host = EvHost()
    ev_host.network.stop_listening()
    ev_host.start(DC)
    assert ev_host.run(20, until=ev.EVSessionStopped)
    assert ev_host.statuses == [ev.EVSessionError(code=ev.EvSessionError.UNSPECIFIED), ev.EVSessionStopped()]


def test_two_sessions_one_after_the_other() -> None:
    ev_host = EvHost()
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVSessionStopped)
    ev_host.secc.cable_check_ongoing = 1
    ev_host.ok(ev.EVStartSession())
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == DC_FLOW + DC_FLOW
    assert ev_host.service.sessions == 2 and ev_host.network.connections == 2


def test_restart_aborts_the_session_silently_and_forgets_the_settings() -> None:
    ev_host = EvHost()
    ev_host.charge_for = None
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.host.module.restart()
    count = len(ev_host.statuses)
    ev_host.run(5)
    assert len(ev_host.statuses) == count  # nothing after the restart
    assert ev_host.secc.end is not None and not ev_host.secc.end.open
    assert not ev_host.service.in_session
    assert ev_host.code(ev.EVGetConfiguration()) == 0x11
    ev_host.statuses.clear()
    ev_host.charge_for = 1.0
    ev_host.start(DC)
    assert ev_host.run(until=ev.EVSessionStopped)
    assert ev_host.milestones() == DC_FLOW


def test_v1_start_and_stop() -> None:
    """V2G Start/Stop 0x42/0x43 exist in manual 2.11 only (p119-p120)."""
    ev_host = EvHost("V01_00_05")
    assert ev_host.code(common.Stop()) == 0x05
    ev_host.configure(DC)
    ev_host.ok(common.Start())
    assert ev_host.code(common.Start()) == 0x05
    assert ev_host.code(common.SetMode(mode=V2gMode.EV)) == 0x01
    ev_host.charge_for = None
    ev_host.ok(ev.EVStartSession())
    assert ev_host.run(until=ev.EVChargingStarted)
    ev_host.ok(common.Stop())
    ev_host.run(1)
    assert ev_host.milestones()[-2:] == [0xCD, 0xCB] and not ev_host.service.in_session
    v2 = EvHost("V01_00_06").host  # unknown in manual 2.14: Sub-ID unknown (p48)
    v2.module.receive(common.Start().to_frame(5).encode())
    assert [(frame.sub_id, frame.payload) for frame in v2.take()] == [(0x42, b"\x02")]
