"""SLAC service 0x28 (manual 2.14 §16, p102-p113; flows p205-p216), alone and between two modules."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.slac import SlacService
from freev2g.emulator.world import CpWire, PlcLink, PlcLinkConfig
from freev2g.hci.catalog import cp, slac
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState, ResistorLevel
from freev2g.hci.catalog.slac import SlacMode, SlacState, ValidationConfiguration
from freev2g.hci.message import Command, Decoded, Message
from tests.catalog.test_slac import VECTORS as SLAC_VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code
from tests.emulator.world_pair import Pair, of_type, statuses

EVSE, EV = "V02_00_01", "V01_00_06"
GROUPS = bytes(range(0x10, 0x10 + 58))  # the manual's example values (p108)


def module(firmware: str) -> tuple[Host, PlcLink]:
    host = Host(firmware)
    wire = CpWire()
    wire.set_oscillator(True)
    wire.plug_in()
    link = PlcLink(host.clock, wire)
    host.module.add(SlacService(host.module, link))
    return host, link


def ok(host: Host, command: Command) -> None:
    answer = host.request(command)
    assert result_code(answer) == 0x00, answer


def state(host: Host) -> SlacState:
    answer = host.request(slac.GetState())
    assert isinstance(answer, slac.GetState.Response)
    return SlacState(answer.state)


@pytest.fixture
def evse() -> Host:
    return module(EVSE)[0]


@pytest.fixture
def ev() -> Host:
    return module(EV)[0]


# -- one module -----------------------------------------------------------------------------------

def test_start_and_stop_go_through_the_documented_states(evse: Host) -> None:
    assert state(evse) is SlacState.IDLE
    assert result_code(evse.request(slac.StopSlac())) == 0x10  # not started (p106)
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    assert state(evse) is SlacState.STARTING
    assert result_code(evse.request(slac.StartSlac(mode=SlacMode.EVSE))) == 0x10
    evse.clock.advance(1.0)
    assert state(evse) is SlacState.STARTED_NOT_RUNNING
    ok(evse, slac.StopSlac())
    assert state(evse) is SlacState.IDLE
    assert result_code(evse.request(slac.StopSlac())) == 0x10


@pytest.mark.parametrize(("firmware", "other"), [(EVSE, SlacMode.EV), (EV, SlacMode.EVSE),
                                                 ("V01_01_06", SlacMode.EV), ("V01_00_05", SlacMode.EVSE)])
def test_start_slac_in_the_other_role_is_05(firmware: str, other: SlacMode) -> None:
    host, _ = module(firmware)
    assert result_code(host.request(slac.StartSlac(mode=other))) == 0x05
    assert state(host) is SlacState.IDLE


def test_start_matching_needs_start_slac_first(evse: Host) -> None:
    assert result_code(evse.request(slac.StartSlacMatchingProcess())) == 0x10


def test_start_matching_while_starting_runs_once_started(evse: Host) -> None:
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    ok(evse, slac.StartSlacMatchingProcess())
    assert result_code(evse.request(slac.StartSlacMatchingProcess())) == 0x10
    assert state(evse) is SlacState.STARTING
    evse.clock.advance(1.0)
    assert state(evse) is SlacState.RUNNING
    assert result_code(evse.request(slac.StartSlacMatchingProcess())) == 0x10  # already running
    evse.clock.advance(49.99)
    assert statuses(evse) == []
    evse.clock.advance(0.01)  # 50 s after matching began (p107)
    assert statuses(evse) == [slac.SlacProcessFailed()]
    assert state(evse) is SlacState.FAILURE


def test_the_50_s_timeout_is_a_status_with_request_id_ff(evse: Host) -> None:
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    evse.clock.advance(2)
    ok(evse, slac.StartSlacMatchingProcess())
    evse.clock.advance(50)
    (frame,) = evse.take()
    assert (frame.module_id, frame.sub_id, frame.request_id, frame.payload) == (0x28, 0x81, 0xFF, b"")
    ok(evse, slac.StartSlacMatchingProcess())  # a new matching after a failure
    assert state(evse) is SlacState.RUNNING


def test_stop_during_matching_cancels_it_without_a_status(evse: Host) -> None:
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    evse.clock.advance(1)
    ok(evse, slac.StartSlacMatchingProcess())
    ok(evse, slac.StopSlac())
    evse.clock.advance(60)
    assert evse.sent == [] and state(evse) is SlacState.IDLE


def test_attn_rx_is_evse_only_and_kept_until_reset(evse: Host, ev: Host) -> None:
    assert evse.request(slac.GetAttnRxValues()) == slac.GetAttnRxValues.Response(attn_rx=bytes(58))
    ok(evse, slac.SetAttnRxValues(attn_rx=GROUPS))
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    ok(evse, slac.StopSlac())
    assert evse.request(slac.GetAttnRxValues()) == slac.GetAttnRxValues.Response(attn_rx=GROUPS)
    evse.module.restart()
    assert evse.request(slac.GetAttnRxValues()) == slac.GetAttnRxValues.Response(attn_rx=bytes(58))
    assert result_code(ev.request(slac.SetAttnRxValues(attn_rx=GROUPS))) == 0x05
    assert result_code(ev.request(slac.GetAttnRxValues())) == 0x05


def test_attn_tx_ref_is_ev_only_and_kept_until_reset(evse: Host, ev: Host) -> None:
    ok(ev, slac.SetAttnTxRefValues(attn_tx_ref=GROUPS))
    assert ev.request(slac.GetAttnTxRefValues()) == slac.GetAttnTxRefValues.Response(attn_tx_ref=GROUPS)
    ev.module.restart()
    assert ev.request(slac.GetAttnTxRefValues()) == slac.GetAttnTxRefValues.Response(attn_tx_ref=bytes(58))
    assert result_code(evse.request(slac.SetAttnTxRefValues(attn_tx_ref=GROUPS))) == 0x05
    assert result_code(evse.request(slac.GetAttnTxRefValues())) == 0x05


def test_validation_configuration_reads_back_and_is_off_at_power_up(ev: Host) -> None:
    disabled = slac.GetValidationConfiguration.Response(state=ValidationConfiguration.DISABLED)
    assert ev.request(slac.GetValidationConfiguration()) == disabled
    ok(ev, slac.SetValidationConfiguration(mode=ValidationConfiguration.ENABLED))
    assert ev.request(slac.GetValidationConfiguration()) == \
        slac.GetValidationConfiguration.Response(state=ValidationConfiguration.ENABLED)
    ev.module.restart()
    assert ev.request(slac.GetValidationConfiguration()) == disabled


def test_interface_is_ff_until_set(evse: Host) -> None:
    assert evse.request(slac.GetInterface()) == slac.GetInterface.Response(index=0xFF)
    ok(evse, slac.SetInterface(index=1))
    assert evse.request(slac.GetInterface()) == slac.GetInterface.Response(index=1)


def test_bcb_toggle_result_outside_a_window_is_10_and_on_an_ev_05(evse: Host, ev: Host) -> None:
    assert result_code(evse.request(slac.SetBcbToggleResult(toggles=1))) == 0x10
    assert result_code(ev.request(slac.SetBcbToggleResult(toggles=1))) == 0x05


def test_invalid_toggle_count_is_malformed_04(evse: Host) -> None:
    evse.module.receive(bytes.fromhex("C0 28 4A 0B 00 01 04 00 C1"))  # 4-255 are invalid (p111)
    assert evse.take()[0].payload == b"\x04"


def test_restart_during_start_up_leaves_slac_idle(evse: Host) -> None:
    ok(evse, slac.StartSlac(mode=SlacMode.EVSE))
    ok(evse, slac.StartSlacMatchingProcess())
    evse.module.restart()
    evse.clock.advance(60)
    assert evse.sent == [] and state(evse) is SlacState.IDLE


def _example_state(host: Host, command: Message) -> None:
    match command:
        case slac.StopSlac() | slac.StartSlacMatchingProcess():
            ok(host, slac.StartSlac(mode=SlacMode.EVSE))
        case slac.GetInterface():
            ok(host, slac.SetInterface(index=1))
        case slac.GetAttnRxValues():
            ok(host, slac.SetAttnRxValues(attn_rx=GROUPS))
        case slac.GetAttnTxRefValues():
            ok(host, slac.SetAttnTxRefValues(attn_tx_ref=GROUPS))
        case slac.GetValidationConfiguration():
            ok(host, slac.SetValidationConfiguration(mode=ValidationConfiguration.ENABLED))


def test_every_manual_example_gets_the_printed_response() -> None:
    """§16.4 (p105-p113) and the application chapter (p212, p214). Set BCB Toggle Result needs a
    toggle window: it is replayed in test_validation_with_bcb_toggling_between_two_hosts."""
    pairs = [(c, r) for c, r in example_pairs(SLAC_VECTORS) if not isinstance(c.expected, slac.SetBcbToggleResult)]
    assert len(pairs) == 14
    for command, response in pairs:
        assert isinstance(command.expected, Message)
        tx_ref = isinstance(command.expected, slac.SetAttnTxRefValues | slac.GetAttnTxRefValues)
        host, _ = module(EV if tx_ref else EVSE)
        _example_state(host, command.expected)
        check_example(host, command, response)


# -- two modules, two hosts, one clock ------------------------------------------------------------

def bring_up(pair: Pair) -> None:
    """Both hosts start CP and SLAC as the flows of p203-p210 do; the EV is not plugged in yet."""
    ok(pair.evse, cp.SetMode(mode=ControlPilotMode.EVSE))
    ok(pair.evse, cp.SetPwmDutyCycle(duty_cycle=1000))
    ok(pair.evse, cp.Start())
    ok(pair.evse, slac.StartSlac(mode=SlacMode.EVSE))
    ok(pair.ev, cp.SetMode(mode=ControlPilotMode.EV))
    ok(pair.ev, cp.Start())
    ok(pair.ev, slac.StartSlac(mode=SlacMode.EV))
    pair.clock.advance(2)  # FreeV2G waits 2 s after Start SLAC
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.A)]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.E)]


def plug_in_and_5_percent(pair: Pair) -> None:
    pair.wire.plug_in()
    pair.settle()
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.B)]
    ok(pair.evse, slac.StartSlacMatchingProcess())
    ok(pair.evse, cp.SetPwmDutyCycle(duty_cycle=50))
    pair.settle()
    ev_news = statuses(pair.ev)
    assert of_type(ev_news, cp.DutyCycleChanged)[-1] == cp.DutyCycleChanged(duty_cycle=50)
    ok(pair.ev, slac.StartSlacMatchingProcess())


def test_plug_in_5_percent_and_slac_match_between_two_modules() -> None:
    pair = Pair()
    bring_up(pair)
    plug_in_and_5_percent(pair)
    started = pair.clock.now()
    pair.clock.advance(1.0)
    assert statuses(pair.evse) == statuses(pair.ev) == [] and state(pair.ev) is SlacState.RUNNING
    pair.clock.advance(1.0)
    assert statuses(pair.evse) == [slac.SlacProcessSuccessful()]
    assert statuses(pair.ev) == [slac.SlacProcessSuccessful()]
    assert state(pair.evse) is state(pair.ev) is SlacState.READY
    assert pair.link_events == [True] and pair.link.linked
    assert 1.0 < pair.clock.now() - started <= 2.0
    pair.clock.advance(60)
    assert statuses(pair.evse) == statuses(pair.ev) == []


def test_match_across_generations_v1_evse_and_v1_ev() -> None:
    pair = Pair("V01_01_06", "V01_00_04")
    bring_up(pair)
    plug_in_and_5_percent(pair)
    pair.clock.advance(2)
    assert statuses(pair.evse) == statuses(pair.ev) == [slac.SlacProcessSuccessful()]


def test_unplug_during_matching_fails_the_ev_now_and_the_evse_after_50_s() -> None:
    pair = Pair()
    bring_up(pair)
    plug_in_and_5_percent(pair)
    matching_since = pair.clock.now()
    pair.clock.advance(0.4)
    pair.wire.unplug()
    pair.clock.advance(1.0)
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.A)]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.E), cp.DutyCycleChanged(duty_cycle=0),
                                 slac.SlacProcessFailed()]
    assert state(pair.ev) is SlacState.FAILURE and state(pair.evse) is SlacState.RUNNING
    pair.clock.advance(50 - (pair.clock.now() - matching_since))
    assert statuses(pair.evse) == [slac.SlacProcessFailed()]
    assert pair.link_events == []


def test_unplug_after_the_match_drops_the_link() -> None:
    pair = Pair()
    bring_up(pair)
    plug_in_and_5_percent(pair)
    pair.clock.advance(2)
    pair.wire.unplug()
    assert pair.link_events == [True, False] and not pair.link.linked


def test_evse_alone_times_out_after_50_s() -> None:
    pair = Pair()
    bring_up(pair)
    pair.wire.plug_in()
    ok(pair.evse, slac.StartSlacMatchingProcess())
    pair.clock.advance(49.9)
    assert of_type(statuses(pair.evse), slac.SlacProcessFailed) == []
    pair.clock.advance(0.1)
    assert statuses(pair.evse) == [slac.SlacProcessFailed()]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.B), cp.DutyCycleChanged(duty_cycle=1000)]


def test_configured_attenuation_too_high_fails_the_match() -> None:
    pair = Pair()
    ok(pair.evse, slac.SetAttnRxValues(attn_rx=bytes([50] * 58)))
    ok(pair.ev, slac.SetAttnTxRefValues(attn_tx_ref=bytes([20] * 58)))  # 10 + 50 + 20 > 70 dB
    bring_up(pair)
    plug_in_and_5_percent(pair)
    pair.clock.advance(2)
    assert statuses(pair.ev) == [slac.SlacProcessFailed()]
    assert statuses(pair.evse) == [] and pair.link_events == []


def bcb_pair(ev_validation: bool = True) -> Pair:
    pair = Pair(config=PlcLinkConfig(bcb_toggles=2))
    ok(pair.evse, slac.SetValidationConfiguration(mode=ValidationConfiguration.ENABLED))
    mode = ValidationConfiguration.ENABLED if ev_validation else ValidationConfiguration.DISABLED
    ok(pair.ev, slac.SetValidationConfiguration(mode=mode))
    bring_up(pair)
    plug_in_and_5_percent(pair)
    return pair


def count_toggles(pair: Pair) -> tuple[int, int]:
    """The EVSE host's side of p215-p216: wait for 0x82, count B-C-B toggles from the CP statuses
    within the window. Returns (window in ms, toggles)."""
    news: list[Decoded] = []
    while not of_type(news, slac.BcbTogglingStarted):
        pair.clock.advance(0.05)
        news += statuses(pair.evse)
    (started,) = of_type(news, slac.BcbTogglingStarted)
    assert isinstance(started, slac.BcbTogglingStarted)
    pair.clock.advance(started.bcb_time_window / 1000)
    seen = [s.state for s in of_type(statuses(pair.evse), cp.StateChanged) if isinstance(s, cp.StateChanged)]
    assert seen.count(ControlPilotState.C) == seen.count(ControlPilotState.B)
    return started.bcb_time_window, seen.count(ControlPilotState.C)


def test_validation_with_bcb_toggling_between_two_hosts() -> None:
    pair = bcb_pair()
    window, toggles = count_toggles(pair)
    assert (window, toggles) == (2000, 2)
    # the manual's example result (p111): two toggles, as the request ID 0x0B it prints
    pair.evse.module.receive(bytes.fromhex("C0 28 4A 0B 00 01 02 00 C1"))
    (answer,) = pair.evse.take()
    assert (answer.request_id, answer.payload) == (0x0B, b"\x00")
    pair.clock.advance(0.5)
    assert statuses(pair.evse) == [slac.BcbTogglingFinished()]
    pair.clock.advance(1.0)
    assert statuses(pair.evse) == [slac.SlacProcessSuccessful()]
    assert of_type(statuses(pair.ev), slac.SlacProcessSuccessful) == [slac.SlacProcessSuccessful()]
    assert pair.link_events == [True]
    assert pair.ev.request(cp.GetResistorLevel()) == cp.GetResistorLevel.Response(
        resistor_level=ResistorLevel.STATE_B)


def test_validation_with_a_wrong_count_fails_the_match() -> None:
    pair = bcb_pair()
    _, toggles = count_toggles(pair)
    ok(pair.evse, slac.SetBcbToggleResult(toggles=toggles - 1))
    pair.clock.advance(1.5)
    assert statuses(pair.evse) == [slac.BcbTogglingFinished()]
    assert of_type(statuses(pair.ev), slac.SlacProcessFailed) == [slac.SlacProcessFailed()]
    assert result_code(pair.evse.request(slac.SetBcbToggleResult(toggles=toggles))) == 0x10  # after 0x83
    assert pair.link_events == []


def test_validation_disabled_on_the_ev_runs_no_toggling() -> None:
    pair = bcb_pair(ev_validation=False)
    pair.clock.advance(2)
    assert statuses(pair.evse) == [slac.SlacProcessSuccessful()]
