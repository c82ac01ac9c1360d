"""Control Pilot service 0x29 (manual 2.14 §15, p92-p101) on one end of a CP wire."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.cp import ControlPilotService, ad_value
from freev2g.emulator.world import CpWire
from freev2g.hci.catalog import cp
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState, ResistorLevel
from freev2g.hci.message import Command, Decoded, Message
from tests.catalog.test_cp import VECTORS as CP_VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code
from tests.emulator.world_pair import Pair, statuses

EVSE, EV = "V02_00_01", "V01_00_06"


def module(firmware: str) -> tuple[Host, CpWire, ControlPilotService]:
    host, wire = Host(firmware), CpWire()
    service = ControlPilotService(host.module, wire)
    host.module.add(service)
    return host, wire, service


def ok(host: Host, command: Command) -> Decoded:
    answer = host.request(command)
    assert result_code(answer) == 0x00, answer
    return answer


@pytest.fixture
def evse() -> tuple[Host, CpWire, ControlPilotService]:
    return module(EVSE)


@pytest.fixture
def ev() -> tuple[Host, CpWire, ControlPilotService]:
    return module(EV)


# -- mode, start, stop ----------------------------------------------------------------------------

@pytest.mark.parametrize(("firmware", "own", "other"), [
    (EVSE, ControlPilotMode.EVSE, ControlPilotMode.EV), (EV, ControlPilotMode.EV, ControlPilotMode.EVSE),
    ("V01_01_06", ControlPilotMode.EVSE, ControlPilotMode.EV), ("V01_00_04", ControlPilotMode.EV,
                                                                ControlPilotMode.EVSE)])
def test_mode_is_the_firmware_role_and_the_other_mode_answers_05(firmware: str, own: ControlPilotMode,
                                                                   other: ControlPilotMode) -> None:
    host, _, _ = module(firmware)
    assert host.request(cp.GetMode()) == cp.GetMode.Response(mode=own)
    assert result_code(host.request(cp.SetMode(mode=other))) == 0x05
    assert result_code(host.request(cp.SetMode(mode=own))) == 0x00


def test_set_mode_while_started_is_busy_01(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, _, _ = evse
    ok(host, cp.Start())
    assert result_code(host.request(cp.SetMode(mode=ControlPilotMode.EVSE))) == 0x01
    ok(host, cp.Stop())
    ok(host, cp.SetMode(mode=ControlPilotMode.EVSE))


def test_start_twice_and_stop_without_start_answer_05(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, _, _ = evse
    assert result_code(host.request(cp.Stop())) == 0x05
    ok(host, cp.Start())
    assert result_code(host.request(cp.Start())) == 0x05
    ok(host, cp.Stop())
    assert result_code(host.request(cp.Stop())) == 0x05


def test_evse_start_drives_x1_and_reports_state_a_after_its_response(
        evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    assert not wire.oscillator
    ok(host, cp.Start())
    assert host.sent == []  # the status follows the ADC's detection delay, after the response
    host.clock.advance(0.05)
    assert statuses(host) == [cp.StateChanged(state=ControlPilotState.A)]
    assert (wire.oscillator, wire.duty_cycle) == (True, 1000)
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=1000)


def test_a_duty_cycle_set_before_start_is_stored_and_applied_at_start(
        evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    ok(host, cp.SetPwmDutyCycle(duty_cycle=50))
    assert not wire.oscillator  # no effect before Start (p94)
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=50)
    ok(host, cp.Start())
    assert (wire.oscillator, wire.duty_cycle) == (True, 50)


def test_evse_stop_returns_to_x1_and_reports_nothing_more(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    ok(host, cp.Start())
    ok(host, cp.SetPwmDutyCycle(duty_cycle=50))
    host.clock.advance(0.05)
    host.take()
    ok(host, cp.Stop())
    wire.plug_in()
    host.clock.advance(0.05)
    assert host.sent == []
    assert (wire.oscillator, wire.duty_cycle) == (True, 1000)  # the text of p95, not figure p203
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=1000)
    assert host.request(cp.GetState()) == cp.GetState.Response(state=ControlPilotState.UNKNOWN)


def test_ev_start_and_stop_use_resistor_level_0(ev: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = ev
    ok(host, cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C))
    assert wire.resistor is ResistorLevel.STATE_B  # stored, not applied before Start
    ok(host, cp.Start())
    assert wire.resistor is ResistorLevel.STATE_C
    ok(host, cp.Stop())
    assert wire.resistor is ResistorLevel.STATE_B
    assert host.request(cp.GetResistorLevel()) == cp.GetResistorLevel.Response(resistor_level=ResistorLevel.STATE_B)
    ok(host, cp.Start())
    assert host.request(cp.GetResistorLevel()) == cp.GetResistorLevel.Response(resistor_level=ResistorLevel.STATE_B)


# -- role-only commands ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C), cp.GetResistorLevel(),
    cp.SetPwmDutyCycleNotificationThreshold(threshold_level=10), cp.GetPwmDutyCycleNotificationThreshold()])
def test_ev_only_commands_answer_05_on_an_evse(evse: tuple[Host, CpWire, ControlPilotService],
                                               command: Command) -> None:
    assert result_code(evse[0].request(command)) == 0x05


@pytest.mark.parametrize("command", [cp.SetPwmDutyCycle(duty_cycle=50), cp.GetCpAdValue()])
def test_evse_only_commands_answer_05_on_an_ev(ev: tuple[Host, CpWire, ControlPilotService],
                                               command: Command) -> None:
    assert result_code(ev[0].request(command)) == 0x05


def test_malformed_resistor_level_is_04(ev: tuple[Host, CpWire, ControlPilotService]) -> None:
    host = ev[0]
    host.module.receive(bytes.fromhex("C0 29 46 06 00 01 03 00 C1"))  # level 3 does not exist
    assert host.take()[0].payload == b"\x04"


# -- measuring ------------------------------------------------------------------------------------

def test_get_state_is_unknown_until_started(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    wire.plug_in()
    assert host.request(cp.GetState()) == cp.GetState.Response(state=ControlPilotState.UNKNOWN)
    ok(host, cp.Start())
    assert host.request(cp.GetState()) == cp.GetState.Response(state=ControlPilotState.B)


def test_evse_reports_every_state_change(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    ok(host, cp.Start())
    for change in (wire.plug_in, lambda: wire.set_resistor(ResistorLevel.STATE_C),
                   lambda: wire.set_resistor(ResistorLevel.STATE_D), lambda: wire.set_resistor(ResistorLevel.STATE_B),
                   wire.unplug):
        change()
        host.clock.advance(0.03)
    ok(host, cp.SetPwmDutyCycle(duty_cycle=0))
    host.clock.advance(0.03)
    assert [s.state for s in statuses(host) if isinstance(s, cp.StateChanged)] == [
        ControlPilotState.A, ControlPilotState.B, ControlPilotState.C, ControlPilotState.D,
        ControlPilotState.B, ControlPilotState.A, ControlPilotState.F]


def test_a_quick_toggle_is_reported_in_full_and_in_order(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = evse
    wire.plug_in()
    ok(host, cp.Start())
    host.clock.advance(0.05)
    host.take()
    wire.set_resistor(ResistorLevel.STATE_C)
    host.clock.advance(0.005)
    wire.set_resistor(ResistorLevel.STATE_B)
    host.clock.advance(0.05)
    assert statuses(host) == [cp.StateChanged(state=ControlPilotState.C), cp.StateChanged(state=ControlPilotState.B)]


@pytest.mark.parametrize(("state", "volts"), [(ControlPilotState.A, 12.0), (ControlPilotState.B, 9.0),
                                              (ControlPilotState.F, -12.0)])
def test_ad_value_converts_back_to_the_state_voltage(evse: tuple[Host, CpWire, ControlPilotService],
                                                     state: ControlPilotState, volts: float) -> None:
    host, wire, _ = evse
    ok(host, cp.Start())
    if state is ControlPilotState.B:
        wire.plug_in()
    if state is ControlPilotState.F:
        ok(host, cp.SetPwmDutyCycle(duty_cycle=0))
    answer = host.request(cp.GetCpAdValue())
    assert isinstance(answer, cp.GetCpAdValue.Response)
    assert answer.voltage == pytest.approx(volts, abs=0.004)


def test_ad_value_of_the_manual_example() -> None:
    assert ad_value(3736 * 0.007172 - 14.84) == 3736  # 11.95 V (p100)


def test_ev_measures_the_duty_cycle_only_while_started(ev: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = ev
    wire.set_oscillator(True)
    wire.set_duty_cycle(50)
    wire.plug_in()
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=0)
    ok(host, cp.Start())
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=50)
    host.clock.advance(0.05)  # starting on a running PWM reports it
    assert statuses(host) == [cp.StateChanged(state=ControlPilotState.B), cp.DutyCycleChanged(duty_cycle=50)]


def test_ev_duty_cycle_threshold_as_the_manual_example(ev: tuple[Host, CpWire, ControlPilotService]) -> None:
    """50 % and a 5 % threshold: notified at >= 55 % or <= 45 % (p98)."""
    host, wire, _ = ev
    wire.set_oscillator(True)
    wire.plug_in()
    ok(host, cp.SetPwmDutyCycleNotificationThreshold(threshold_level=50))
    ok(host, cp.Start())
    wire.set_duty_cycle(500)
    host.clock.advance(0.05)
    host.take()
    for duty in (549, 550, 501, 500, 451, 450):
        wire.set_duty_cycle(duty)
        host.clock.advance(0.05)
    assert [s.duty_cycle for s in statuses(host) if isinstance(s, cp.DutyCycleChanged)] == [550, 500, 450]
    assert host.request(cp.GetPwmDutyCycleNotificationThreshold()) == \
        cp.GetPwmDutyCycleNotificationThreshold.Response(threshold_level=50)


def test_ev_default_threshold_is_1_percent(ev: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, _ = ev
    assert host.request(cp.GetPwmDutyCycleNotificationThreshold()) == \
        cp.GetPwmDutyCycleNotificationThreshold.Response(threshold_level=10)
    wire.set_oscillator(True)
    wire.plug_in()
    ok(host, cp.Start())
    host.clock.advance(0.05)
    host.take()
    wire.set_duty_cycle(995)
    host.clock.advance(0.05)
    assert statuses(host) == []
    wire.set_duty_cycle(50)
    host.clock.advance(0.05)
    assert statuses(host) == [cp.DutyCycleChanged(duty_cycle=50)]


def test_restart_returns_to_power_up(evse: tuple[Host, CpWire, ControlPilotService]) -> None:
    host, wire, service = evse
    ok(host, cp.SetPwmDutyCycle(duty_cycle=50))
    ok(host, cp.Start())
    host.module.restart()
    host.clock.advance(0.05)
    assert host.sent == []  # the measurement scheduled before the restart is dropped
    assert not service.started and not wire.oscillator
    assert host.request(cp.GetPwmDutyCycle()) == cp.GetPwmDutyCycle.Response(duty_cycle=1000)
    ok(host, cp.Start())


# -- both ends ------------------------------------------------------------------------------------

def test_plug_in_and_5_percent_seen_by_both_hosts() -> None:
    pair = Pair()
    ok(pair.evse, cp.Start())
    ok(pair.ev, cp.Start())
    pair.settle()
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.A)]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.E)]  # nothing on the EV's pins
    pair.wire.plug_in()
    pair.settle()
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.B)]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.B), cp.DutyCycleChanged(duty_cycle=1000)]
    ok(pair.evse, cp.SetPwmDutyCycle(duty_cycle=50))
    ok(pair.ev, cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C))
    pair.settle()
    assert statuses(pair.ev) == [cp.DutyCycleChanged(duty_cycle=50), cp.StateChanged(state=ControlPilotState.C)]
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.C)]
    pair.wire.unplug()
    pair.settle()
    assert statuses(pair.evse) == [cp.StateChanged(state=ControlPilotState.A)]
    assert statuses(pair.ev) == [cp.StateChanged(state=ControlPilotState.E), cp.DutyCycleChanged(duty_cycle=0)]


def test_an_unstarted_ev_still_pulls_the_line_to_b() -> None:
    pair = Pair()
    ok(pair.evse, cp.Start())
    pair.wire.plug_in()
    assert pair.evse.request(cp.GetState()) == cp.GetState.Response(state=ControlPilotState.B)


# -- the manual's examples ------------------------------------------------------------------------

def _example_state(host: Host, wire: CpWire, command: Message) -> None:
    """Bring the module into the state an example of §15.4 assumes."""
    match command:
        case cp.Stop():
            ok(host, cp.Start())
        case cp.GetState():  # the example reads state C
            ok(host, cp.Start())
            wire.plug_in()
            wire.set_resistor(ResistorLevel.STATE_C)
        case cp.GetPwmDutyCycle():
            ok(host, cp.SetPwmDutyCycle(duty_cycle=50))
        case cp.GetResistorLevel():
            ok(host, cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C))
        case cp.GetPwmDutyCycleNotificationThreshold():
            ok(host, cp.SetPwmDutyCycleNotificationThreshold(threshold_level=20))


EV_EXAMPLES = (cp.SetResistorLevel, cp.GetResistorLevel, cp.SetPwmDutyCycleNotificationThreshold,
               cp.GetPwmDutyCycleNotificationThreshold)


def test_every_manual_example_gets_the_printed_response() -> None:
    """Each example command of §15.4 (p93-p100) is answered with the printed payload. Get CP AD
    value is a measurement: its example reads 3736 (11.95 V) where the emulator measures the
    nominal 12 V of state A, 3742 (see the test_ad_value_* tests)."""
    pairs = [(c, r) for c, r in example_pairs(CP_VECTORS) if not isinstance(c.expected, cp.GetCpAdValue)]
    assert len(pairs) == 11
    for command, response in pairs:
        assert isinstance(command.expected, Message)
        host, wire, _ = module(EV if isinstance(command.expected, EV_EXAMPLES) else EVSE)
        _example_state(host, wire, command.expected)
        check_example(host, command, response)


def test_manual_example_statuses_are_sent_as_printed() -> None:
    """State changed C ``C0 29 81 FF 00 01 02`` and duty cycle changed 5 % ``C0 29 80 FF 00 02 00 32``."""
    pair = Pair()
    pair.wire.set_oscillator(True)
    pair.wire.plug_in()
    ok(pair.ev, cp.Start())
    pair.settle()
    pair.ev.take()
    pair.wire.set_duty_cycle(50)
    pair.wire.set_resistor(ResistorLevel.STATE_C)
    pair.settle()
    frames = pair.ev.take()
    assert [(f.module_id, f.sub_id, f.request_id, f.payload) for f in frames] == [
        (0x29, 0x80, 0xFF, bytes.fromhex("00 32")), (0x29, 0x81, 0xFF, bytes.fromhex("02"))]
