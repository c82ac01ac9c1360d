"""The SECC engine against the real EVCC engine on one memory network: both sides agree on the order
of a whole session (the fake controllers of both engines' test rigs decide)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.emulator.v2g.messages import EnergyTransferModeType as Mode
from freev2g.emulator.v2g.secc import Secc
from freev2g.emulator.v2g.secc_api import SessionEndKind
from tests.emulator.v2g.evcc_rig import FakeEv
from tests.emulator.v2g.secc_rig import DIN, ISO, FakeController


@dataclass
class Pair:
    clock: ManualClock
    network: MemoryNetwork
    evse: FakeController
    ev: FakeEv
    seccs: list[Secc]
    evcc: Evcc


def pair(ev: FakeEv, evse: FakeController | None = None) -> Pair:
    clock = ManualClock()
    network = MemoryNetwork(clock)
    evse = evse or FakeController()
    seccs: list[Secc] = []

    def accept(end: LinkEnd) -> None:
        seccs.append(Secc(clock, end, evse))

    network.listen(accept)
    ev.now = clock.now
    evcc = Evcc(clock, network, ev)
    evcc.start()
    return Pair(clock, network, evse, ev, seccs, evcc)


@pytest.mark.parametrize(("protocols", "mode"), [
    ((DIN,), Mode.DC_EXTENDED), ((ISO,), Mode.DC_EXTENDED), ((ISO,), Mode.AC_THREE_PHASE_CORE),
])
def test_a_whole_session_ends_stopped_on_both_sides(protocols: tuple[m.V2gProtocol, ...], mode: Mode) -> None:
    run = pair(FakeEv(mode=mode, protocols=protocols))
    run.evse.ongoing = {"authorization": 2, "charge_parameter_discovery": 1, "cable_check": 2}
    run.clock.advance(30.0)
    assert [end.kind for end in run.evse.ends] == [SessionEndKind.STOPPED]
    assert [end.kind for end in run.ev.ends] == [SessionEndKind.STOPPED]
    assert run.seccs[0].protocol is protocols[0]
    assert run.seccs[0].session_id == run.evcc.session_id
    assert run.evse.calls[-1] == "session_stop"
    assert ("cable_check" in run.evse.calls) is mode.is_dc


@pytest.mark.parametrize("mode", [Mode.DC_EXTENDED, Mode.AC_THREE_PHASE_CORE])
def test_an_iso_renegotiation_is_accepted_in_the_order_the_evcc_sends_it(mode: Mode) -> None:
    run = pair(FakeEv(mode=mode, protocols=(ISO,), stop_progress=[m.ChargeProgress.RENEGOTIATE]))
    run.clock.advance(30.0)
    assert [end.kind for end in run.evse.ends] == [SessionEndKind.STOPPED], run.evse.ends
    assert [end.kind for end in run.ev.ends] == [SessionEndKind.STOPPED]
    assert run.evse.calls.count("charge_parameter_discovery") == 2


def test_an_evse_abort_ends_both_sides() -> None:
    run = pair(FakeEv(protocols=(ISO,), held={"wait_stop_charging"}))
    run.clock.advance(5.0)
    assert run.seccs[0].active
    run.seccs[0].abort("host error")
    run.clock.advance(1.0)
    assert [end.kind for end in run.evse.ends] == [SessionEndKind.FAILED]
    assert [end.kind for end in run.ev.ends] == [SessionEndKind.CONNECTION_LOST]
