"""SLAC matching over the PLC link (ISO 15118-3 timings; manual 2.14 p104, p107, p215-p216)."""

from __future__ import annotations

import pytest

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.profiles import Role
from freev2g.emulator.world import CpReading, CpWire, PlcLink, PlcLinkConfig
from freev2g.hci.catalog.cp import ControlPilotState, ResistorLevel

CONFIG = PlcLinkConfig()
MATCH_TIME = CONFIG.characterization + CONFIG.match_and_join  # 1.3 s without validation
FLAT = bytes(58)


class Side:
    """A listener that logs what the link tells it, with the time."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.events: list[tuple[str, float]] = []

    def slac_matched(self) -> None:
        self.events.append(("matched", self.clock.now()))

    def slac_failed(self) -> None:
        self.events.append(("failed", self.clock.now()))

    def bcb_toggling_started(self, window_ms: int) -> None:
        self.events.append((f"bcb started {window_ms}", self.clock.now()))

    def bcb_toggling_finished(self) -> None:
        self.events.append(("bcb finished", self.clock.now()))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


class World:
    def __init__(self, config: PlcLinkConfig | None = None) -> None:
        self.clock = ManualClock()
        self.wire = CpWire()
        self.wire.set_oscillator(True)
        self.link = PlcLink(self.clock, self.wire, config)
        self.evse, self.ev = Side(self.clock), Side(self.clock)
        self.link.attach(Role.EVSE, self.evse)
        self.link.attach(Role.EV, self.ev)
        self.linked: list[tuple[bool, float]] = []
        self.link.on_link.append(lambda up: self.linked.append((up, self.clock.now())))

    def start(self, role: Role, *, validation: bool = False, attenuation: bytes = FLAT) -> None:
        self.link.start_matching(role, validation=validation, attenuation=attenuation)


@pytest.fixture
def world() -> World:
    world = World()
    world.wire.plug_in()
    return world


def test_match_succeeds_on_both_sides_in_a_realistic_time(world: World) -> None:
    world.start(Role.EVSE)
    world.clock.advance(3)
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME - 0.01)
    assert world.evse.events == world.ev.events == [] and not world.link.linked
    world.clock.advance(0.01)
    assert world.evse.events == world.ev.events == [("matched", 3 + MATCH_TIME)]
    assert world.linked == [(True, 3 + MATCH_TIME)] and world.link.linked
    assert 1.0 <= MATCH_TIME <= 3.0
    world.clock.advance(60)  # the EVSE's 50 s window was closed by the match
    assert world.evse.names() == ["matched"]


def test_the_ev_may_start_first_and_find_the_evse_within_its_search_time(world: World) -> None:
    world.start(Role.EV)
    world.clock.advance(CONFIG.ev_search_timeout - 1)
    world.start(Role.EVSE)
    world.clock.advance(MATCH_TIME)
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_ev_without_a_ready_evse_fails_after_its_search_time(world: World) -> None:
    world.start(Role.EV)
    world.clock.advance(CONFIG.ev_search_timeout)
    assert world.ev.events == [("failed", CONFIG.ev_search_timeout)]


def test_evse_ready_window_is_50_s(world: World) -> None:
    """p107: ready for 50 seconds, then an error."""
    world.start(Role.EVSE)
    world.clock.advance(49.99)
    assert world.evse.events == []
    world.clock.advance(0.01)
    assert world.evse.events == [("failed", 50.0)]
    world.start(Role.EV)
    world.clock.advance(CONFIG.ev_search_timeout)
    assert world.ev.names() == ["failed"] and not world.linked


def test_no_match_while_unplugged_and_a_match_after_plug_in() -> None:
    world = World()
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(5)
    assert world.evse.events == world.ev.events == []
    world.wire.plug_in()
    world.clock.advance(MATCH_TIME)
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_unplug_during_matching_fails_the_ev_and_leaves_the_evse_waiting(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(0.5)
    world.wire.unplug()
    world.clock.advance(CONFIG.loss_timeout)
    assert world.ev.events == [("failed", 0.5 + CONFIG.loss_timeout)]
    assert world.evse.events == []
    world.clock.advance(50)
    assert world.evse.events == [("failed", 50.0)] and world.linked == []


def test_replug_within_the_ev_loss_timeout_lets_the_ev_retry(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(0.5)
    world.wire.unplug()
    world.clock.advance(0.1)
    world.wire.plug_in()
    world.clock.advance(MATCH_TIME)
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_unplug_after_the_match_drops_the_link_without_a_status(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME)
    world.wire.unplug()
    world.clock.advance(60)
    assert world.linked == [(True, MATCH_TIME), (False, MATCH_TIME)]
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_a_match_running_at_the_end_of_the_window_still_finishes(world: World) -> None:
    world.start(Role.EVSE)
    world.clock.advance(49.5)
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME + 0.001)
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_a_failed_attempt_after_the_window_fails_the_evse_too(world: World) -> None:
    world.start(Role.EVSE)
    world.clock.advance(49.5)
    world.start(Role.EV)
    world.clock.advance(0.6)
    world.wire.unplug()
    world.clock.advance(CONFIG.loss_timeout)
    assert world.evse.events == [("failed", pytest.approx(50.1))]
    assert world.ev.names() == ["failed"]


def test_evse_stop_during_matching_fails_only_the_ev(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(0.3)
    world.link.stop(Role.EVSE)
    world.clock.advance(60)
    assert world.evse.events == []
    assert world.ev.events == [("failed", pytest.approx(0.3 + CONFIG.loss_timeout))]


def test_ev_stop_leaves_the_evse_waiting_for_another_attempt(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(0.3)
    world.link.stop(Role.EV)
    world.clock.advance(5)
    assert world.ev.events == world.evse.events == []
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME)
    assert world.evse.names() == world.ev.names() == ["matched"]


def test_a_new_matching_drops_an_established_link(world: World) -> None:
    world.start(Role.EVSE)
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME)
    world.start(Role.EVSE)
    assert world.linked == [(True, MATCH_TIME), (False, MATCH_TIME)] and not world.link.linked
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME)
    assert world.link.linked and world.ev.names() == ["matched", "matched"]


# -- attenuation ----------------------------------------------------------------------------------

def test_signal_attenuation_is_the_path_plus_both_configured_profiles(world: World) -> None:
    world.start(Role.EVSE, attenuation=bytes(range(0x10, 0x10 + 58)))  # the manual's example values
    world.start(Role.EV, attenuation=bytes([4] * 58))
    assert world.link.signal_attenuation() == pytest.approx(10 + (0x10 + 0x49) / 2 + 4)
    world.clock.advance(MATCH_TIME)
    assert world.ev.names() == ["matched"]


@pytest.mark.parametrize(("evse_db", "ev_db", "matched"), [(40, 20, True), (40, 21, False), (60, 0, True),
                                                           (61, 0, False)])
def test_too_high_an_attenuation_fails_the_ev_after_sounding(world: World, evse_db: int, ev_db: int,
                                                             matched: bool) -> None:
    """Limit 70 dB: path 10 dB + AttnRx + AttnTxRef."""
    world.start(Role.EVSE, attenuation=bytes([evse_db] * 58))
    world.start(Role.EV, attenuation=bytes([ev_db] * 58))
    world.clock.advance(CONFIG.characterization)
    assert world.ev.names() == ([] if matched else ["failed"])
    world.clock.advance(CONFIG.match_and_join)
    assert world.ev.names() == (["matched"] if matched else ["failed"])
    assert world.evse.names() == (["matched"] if matched else [])


def test_the_attenuation_limit_is_configurable() -> None:
    world = World(PlcLinkConfig(max_attenuation=30.0, path_attenuation=25.0))
    world.wire.plug_in()
    world.start(Role.EVSE, attenuation=bytes([6] * 58))
    world.start(Role.EV)
    world.clock.advance(MATCH_TIME)
    assert world.ev.names() == ["failed"]


def test_attenuation_needs_58_groups(world: World) -> None:
    with pytest.raises(ValueError, match="58"):
        world.start(Role.EVSE, attenuation=bytes(57))


# -- validation -----------------------------------------------------------------------------------

def evse_states(world: World) -> list[tuple[ControlPilotState, float]]:
    seen: list[tuple[ControlPilotState, float]] = []

    def log(reading: CpReading) -> None:
        seen.append((reading.state, world.clock.now()))

    world.wire.subscribe(Role.EVSE, log)
    return seen


def validated(world: World) -> float:
    """Start both sides with validation; returns the time BCB toggling starts."""
    world.start(Role.EVSE, validation=True)
    world.start(Role.EV, validation=True)
    world.clock.advance(CONFIG.characterization + CONFIG.validation_request)
    assert world.evse.events == [("bcb started 2000", pytest.approx(0.8))]
    return world.clock.now()


@pytest.mark.parametrize("toggles", [1, 2, 3])
def test_validation_toggles_b_c_b_inside_the_window_and_a_right_count_matches(toggles: int) -> None:
    world = World(PlcLinkConfig(bcb_toggles=toggles))
    world.wire.plug_in()
    states = evse_states(world)
    start = validated(world)
    assert world.link.bcb_window_open
    world.clock.advance(2.0)
    assert [s for s, _ in states] == [ControlPilotState.C, ControlPilotState.B] * toggles
    assert all(start < when < start + 2.0 for _, when in states)
    assert world.link.set_bcb_result(toggles)
    world.clock.advance(CONFIG.bcb_result_margin)
    assert world.evse.names() == ["bcb started 2000", "bcb finished"]
    assert not world.link.bcb_window_open and not world.link.set_bcb_result(toggles)
    world.clock.advance(CONFIG.match_and_join)
    assert world.evse.names()[-1] == "matched" and world.ev.names() == ["matched"]
    assert world.wire.resistor is ResistorLevel.STATE_B


@pytest.mark.parametrize("result", [None, 0, 2])
def test_a_wrong_or_missing_toggle_count_fails_the_ev(world: World, result: int | None) -> None:
    validated(world)
    if result is not None:
        world.link.set_bcb_result(result)
    world.clock.advance(2.0 + CONFIG.bcb_result_margin)
    assert world.ev.events == [("failed", pytest.approx(0.8 + 2.5))]
    assert world.evse.names() == ["bcb started 2000", "bcb finished"]
    world.clock.advance(60)
    assert world.evse.names() == ["bcb started 2000", "bcb finished", "failed"] and world.linked == []


def test_the_last_count_before_bcb_finished_counts(world: World) -> None:
    validated(world)
    world.link.set_bcb_result(3)
    world.clock.advance(2.1)
    world.link.set_bcb_result(1)
    world.clock.advance(1)
    assert world.ev.names() == ["matched"]


@pytest.mark.parametrize(("evse", "ev"), [(True, False), (False, True), (False, False)])
def test_validation_needs_both_sides(world: World, evse: bool, ev: bool) -> None:
    """An EVSE without validation answers "not possible" and the EV carries on (p215)."""
    toggles = evse_states(world)
    world.start(Role.EVSE, validation=evse)
    world.start(Role.EV, validation=ev)
    world.clock.advance(MATCH_TIME)
    assert world.evse.names() == world.ev.names() == ["matched"] and toggles == []


def test_unplug_during_toggling_restores_the_resistor_and_fails_the_ev(world: World) -> None:
    validated(world)
    world.clock.advance(0.7)  # inside the first toggle
    assert world.wire.resistor is ResistorLevel.STATE_C
    world.wire.unplug()
    assert world.wire.resistor is ResistorLevel.STATE_B and not world.link.bcb_window_open
    world.clock.advance(CONFIG.loss_timeout)
    assert world.ev.names() == ["failed"]


def test_config_checks_the_toggle_count_and_window() -> None:
    with pytest.raises(ValueError, match="bcb_toggles"):
        PlcLinkConfig(bcb_toggles=4)
    with pytest.raises(ValueError, match="bcb_window_ms"):
        PlcLinkConfig(bcb_window_ms=70000)
