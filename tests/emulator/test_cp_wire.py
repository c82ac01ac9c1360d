"""The CP wire: states and duty cycle seen from both ends (IEC 61851-1; manual 2.14 p95-p98)."""

from __future__ import annotations

import pytest

from freev2g.emulator.profiles import Role
from freev2g.emulator.world import CpReading, CpWire
from freev2g.hci.catalog.cp import ControlPilotState as S
from freev2g.hci.catalog.cp import ResistorLevel


def states(wire: CpWire) -> tuple[S, S]:
    return wire.reading(Role.EVSE).state, wire.reading(Role.EV).state


@pytest.fixture
def wire() -> CpWire:
    wire = CpWire()
    wire.set_oscillator(True)
    return wire


def test_an_undriven_line_reads_zero_volts_state_e_on_both_ends() -> None:
    wire = CpWire()
    wire.plug_in()
    assert states(wire) == (S.E, S.E)
    assert wire.reading(Role.EV) == CpReading(S.E, 0, 0.0)


def test_unplugged_the_evse_sees_a_and_the_ev_sees_nothing(wire: CpWire) -> None:
    wire.set_duty_cycle(50)
    assert wire.reading(Role.EVSE) == CpReading(S.A, 50, 12.0)
    assert wire.reading(Role.EV) == CpReading(S.E, 0, 0.0)


@pytest.mark.parametrize(("level", "state", "volts"), [
    (ResistorLevel.STATE_B, S.B, 9.0), (ResistorLevel.STATE_C, S.C, 6.0), (ResistorLevel.STATE_D, S.D, 3.0)])
def test_the_ev_resistor_sets_the_state_both_ends_measure(wire: CpWire, level: ResistorLevel, state: S,
                                                         volts: float) -> None:
    wire.plug_in()
    wire.set_resistor(level)
    wire.set_duty_cycle(50)
    assert wire.reading(Role.EVSE) == wire.reading(Role.EV) == CpReading(state, 50, volts)


def test_x1_is_a_duty_cycle_of_1000_and_zero_is_state_f(wire: CpWire) -> None:
    wire.plug_in()
    assert wire.reading(Role.EV).duty_cycle == 1000
    wire.set_duty_cycle(0)
    assert wire.reading(Role.EVSE) == CpReading(S.F, 0, -12.0)
    assert wire.reading(Role.EV).state == S.E  # the EV detects only B-E (p98)
    assert wire.reading(Role.EV).duty_cycle == 0


def test_a_short_reads_e_on_both_ends_until_removed(wire: CpWire) -> None:
    wire.plug_in()
    wire.short_circuit(True)
    assert states(wire) == (S.E, S.E)
    wire.short_circuit(False)
    assert states(wire) == (S.B, S.B)


def test_duty_cycle_outside_0_to_1000_is_refused(wire: CpWire) -> None:
    with pytest.raises(ValueError, match="1001"):
        wire.set_duty_cycle(1001)


def test_observers_hear_each_change_of_their_end_once(wire: CpWire) -> None:
    seen: dict[Role, list[CpReading]] = {Role.EVSE: [], Role.EV: []}
    for role in Role:
        wire.subscribe(role, seen[role].append)
    plugs: list[bool] = []
    wire.subscribe_plug(plugs.append)
    wire.plug_in()
    wire.set_duty_cycle(50)
    wire.set_duty_cycle(50)  # no change, no call
    wire.set_resistor(ResistorLevel.STATE_C)
    wire.unplug()
    assert [r.state for r in seen[Role.EVSE]] == [S.B, S.B, S.C, S.A]
    assert [(r.state, r.duty_cycle) for r in seen[Role.EV]] == [(S.B, 1000), (S.B, 50), (S.C, 50), (S.E, 0)]
    assert plugs == [True, False]


def test_unsubscribed_observers_hear_nothing(wire: CpWire) -> None:
    seen: list[CpReading] = []
    unsubscribe = wire.subscribe(Role.EVSE, seen.append)
    unsubscribe()
    wire.plug_in()
    assert seen == []


def test_a_change_made_by_an_observer_is_delivered_after_the_current_one(wire: CpWire) -> None:
    def car(reading: CpReading) -> None:  # closes S2 as soon as it sees the 5 % PWM
        if reading.duty_cycle == 50 and wire.resistor is ResistorLevel.STATE_B:
            wire.set_resistor(ResistorLevel.STATE_C)

    later: list[CpReading] = []
    wire.subscribe(Role.EV, car)
    wire.subscribe(Role.EV, later.append)  # must not hear C before the B with 5 % that caused it
    wire.plug_in()
    wire.set_duty_cycle(50)
    assert [(r.state, r.duty_cycle) for r in later] == [(S.B, 1000), (S.B, 50), (S.C, 50)]
    assert wire.reading(Role.EVSE).state == S.C
