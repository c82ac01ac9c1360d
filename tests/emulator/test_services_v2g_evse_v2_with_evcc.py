"""The v2 EVSE V2G service against the real EVCC engine: a test host that answers every request of
the module as FreeV2G's EVSE application does (hci-reference §5.7) and keeps the 500 ms rule, and
an EV whose controller decides at once. Both sides must see a whole session end STOPPED."""

from __future__ import annotations

import pytest

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.messages import EnergyTransferModeType as Mode
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import SessionClosure
from freev2g.hci.message import Command, Decoded
from tests.emulator.evse_v2_rig import AUTHORIZED, CABLE_OK, SCHEDULES, Station, update
from tests.emulator.v2g.evcc_rig import FakeEv

ANSWERS: dict[type, Command] = {
    e.EVSEAuthorizationStatusRequested: AUTHORIZED, e.EVSESchedulesRequested: SCHEDULES,
    e.EVSECableCheckRequested: CABLE_OK, e.EVSEStartChargingRequested: e.EVSEStartCharging(),
    e.EVSEStopChargingRequested: e.EVSEStopCharging(),
}
TICK = 0.05


def run(st: Station, seconds: float, *, answer_delay: float = 0.0, update_interval: float = TICK) -> list[Decoded]:
    """Advance in ticks; answer each request ``answer_delay`` after it came and send 0x63 / 0x66
    every ``update_interval`` while a session runs."""
    seen: list[Decoded] = []
    due: list[tuple[float, Command]] = []
    last_update = 0.0
    for _ in range(round(seconds / TICK)):
        st.advance(TICK)
        for status in st.statuses():
            seen.append(status)
            answer = ANSWERS.get(type(status))
            if answer is not None:
                due.append((st.clock.now() + answer_delay, answer))
        for item in [item for item in due if item[0] <= st.clock.now()]:
            due.remove(item)
            st.ok(item[1])
        session = st.service.session
        if session is not None and st.clock.now() - last_update >= update_interval - 1e-9:
            last_update = st.clock.now()
            st.ok(update(400, 100) if session.is_dc else e.EVSEUpdateACChargingParameters(rcd=False, max_current=16))
    return seen


@pytest.mark.parametrize(("protocols", "mode"), [
    ((m.V2gProtocol.DIN_70121,), Mode.DC_EXTENDED), ((m.V2gProtocol.ISO_15118_2,), Mode.DC_EXTENDED),
    ((m.V2gProtocol.ISO_15118_2,), Mode.AC_THREE_PHASE_CORE),
])
def test_a_whole_session_with_the_evcc_engine(protocols: tuple[m.V2gProtocol, ...], mode: Mode) -> None:
    st = Station()
    st.listen()
    ev = FakeEv(mode=mode, protocols=protocols)
    Evcc(st.clock, st.network, ev).start()
    statuses = run(st, 20.0)
    assert [end.kind for end in ev.ends] == [SessionEndKind.STOPPED]
    sub_ids = [status.sub_id for status in statuses]
    assert sub_ids[:3] == [0x80, 0x81, 0x82] and sub_ids[-1] == 0x8C
    assert statuses[-1] == e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)
    assert (0x87 in sub_ids) is mode.is_dc and (0x86 in sub_ids) is not mode.is_dc
    assert not st.host.module.deadlines.misses


def test_a_slow_host_keeps_the_ev_in_ongoing_and_the_session_still_completes() -> None:
    st = Station()
    st.listen()
    ev = FakeEv(mode=Mode.DC_EXTENDED, protocols=(m.V2gProtocol.ISO_15118_2,))
    Evcc(st.clock, st.network, ev).start()
    run(st, 40.0, answer_delay=1.0)
    assert [end.kind for end in ev.ends] == [SessionEndKind.STOPPED]
    assert ev.names("charge_parameters_received") == [m.EVSEProcessing.FINISHED]


def test_a_host_that_updates_every_600_ms_loses_the_session_with_error_23() -> None:
    st = Station()
    st.listen()
    ev = FakeEv(mode=Mode.DC_EXTENDED, protocols=(m.V2gProtocol.ISO_15118_2,), held={"wait_stop_charging"})
    Evcc(st.clock, st.network, ev).start()
    statuses = run(st, 10.0, update_interval=0.6)
    assert statuses[-2:] == [e.EVSESessionError(error_code=e.EvseSessionError.CHARGE_PARAMETER_TIMEOUT_REACHED),
                             e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)]
    assert [end.kind for end in ev.ends] == [SessionEndKind.CONNECTION_LOST]
