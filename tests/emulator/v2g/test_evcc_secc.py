"""The EVCC engine against the SECC engine on one MemoryNetwork: both ends of the same sessions."""

from __future__ import annotations

import pytest

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.emulator.v2g.secc import Secc
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.v2g.timeouts import SEQUENCE_TIMEOUT
from tests.emulator.v2g.evcc_rig import AC, DC, DIN, ISO, FakeEv
from tests.emulator.v2g.secc_rig import FakeController


class Pair:
    def __init__(self, ev: FakeEv) -> None:
        self.clock = ManualClock()
        self.network = MemoryNetwork(self.clock)
        self.evse = FakeController()
        self.seccs: list[Secc] = []
        self.network.listen(self._accept)
        self.ev = ev
        ev.now = self.clock.now
        self.evcc = Evcc(self.clock, self.network, ev)
        self.evcc.start()

    def _accept(self, end: LinkEnd) -> None:
        self.seccs.append(Secc(self.clock, end, self.evse))

    def ends(self) -> tuple[list[SessionEndKind], list[SessionEndKind]]:
        return [end.kind for end in self.ev.ends], [end.kind for end in self.evse.ends]


@pytest.mark.parametrize(("protocol", "mode", "steps"), [
    (ISO, DC, ["session_setup", "payment_selected", "authorization", "charge_parameter_discovery", "cable_check",
               "pre_charge", "power_delivery", "current_demand", "power_delivery", "welding_detection",
               "session_stop"]),
    (DIN, DC, ["session_setup", "payment_selected", "authorization", "charge_parameter_discovery", "cable_check",
               "pre_charge", "power_delivery", "current_demand", "power_delivery", "welding_detection",
               "session_stop"]),
    (ISO, AC, ["session_setup", "payment_selected", "authorization", "charge_parameter_discovery",
               "power_delivery", "charging_status", "power_delivery", "session_stop"]),
])
def test_a_whole_session_ends_stopped_on_both_sides(protocol: m.V2gProtocol, mode: m.EnergyTransferModeType,
                                                    steps: list[str]) -> None:
    pair = Pair(FakeEv(mode=mode, protocols=(protocol,)))
    pair.clock.advance(10)
    assert pair.ends() == ([SessionEndKind.STOPPED], [SessionEndKind.STOPPED])
    assert pair.evse.calls == steps
    assert pair.seccs[0].protocol is protocol and pair.evcc.session_id == pair.seccs[0].session_id


@pytest.mark.parametrize("mode", [DC, AC])
def test_renegotiation_and_ongoing_answers_are_accepted_by_the_secc(mode: m.EnergyTransferModeType) -> None:
    pair = Pair(FakeEv(mode=mode, protocols=(ISO,), stop_progress=[m.ChargeProgress.RENEGOTIATE]))
    pair.evse.ongoing = {"authorization": 2, "charge_parameter_discovery": 2, "cable_check": 2}
    pair.clock.advance(10)
    assert pair.ends() == ([SessionEndKind.STOPPED], [SessionEndKind.STOPPED])
    assert pair.evse.calls.count("charge_parameter_discovery") == 4  # 2 Ongoing, then one per negotiation
    assert pair.evse.calls.count("power_delivery") == 4


def test_a_held_charge_loop_keeps_both_sides_in_step() -> None:
    ev = FakeEv(protocols=(ISO,), held={"wait_stop_charging"})
    pair = Pair(ev)
    pair.clock.advance(5)
    assert pair.evse.calls.count("current_demand") >= 40 and not pair.evse.ends
    ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
    pair.clock.advance(1)
    assert pair.ends() == ([SessionEndKind.STOPPED], [SessionEndKind.STOPPED])


def test_an_evcc_abort_is_a_lost_connection_for_the_secc() -> None:
    pair = Pair(FakeEv(protocols=(ISO,), held={"wait_stop_charging"}))
    pair.clock.advance(1)
    pair.evcc.abort("unplugged")
    pair.clock.advance(1)
    assert pair.ends() == ([SessionEndKind.FAILED], [SessionEndKind.CONNECTION_LOST])


def test_a_silent_car_runs_into_the_secc_sequence_timeout() -> None:
    pair = Pair(FakeEv(protocols=(ISO,), held={"wait_stop_charging"}))
    pair.clock.advance(1)
    pair.evcc.silence()
    pair.clock.advance(SEQUENCE_TIMEOUT - 1)
    assert pair.ends() == ([], [])
    pair.clock.advance(2)
    assert pair.ends() == ([SessionEndKind.CONNECTION_LOST], [SessionEndKind.TIMEOUT])


def test_a_secc_abort_is_a_lost_connection_for_the_evcc() -> None:
    pair = Pair(FakeEv(protocols=(ISO,), held={"wait_stop_charging"}))
    pair.clock.advance(1)
    pair.seccs[0].abort("emergency stop")
    pair.clock.advance(1)
    assert pair.ends() == ([SessionEndKind.CONNECTION_LOST], [SessionEndKind.FAILED])
