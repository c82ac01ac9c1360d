"""The in-memory V2G network: SDP/TCP stand-in, latency, closing, link loss, fault filter, counts."""

from __future__ import annotations

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import SDP_TIMEOUT, LinkEnd, MemoryNetwork


class Rig:
    def __init__(self, *, up: bool = True) -> None:
        self.clock = ManualClock()
        self.is_up = up
        self.network = MemoryNetwork(self.clock, latency=0.01, up=lambda: self.is_up)
        self.accepted: list[LinkEnd] = []
        self.connected: list[LinkEnd | None] = []
        self.closed_events = 0
        self.network.on_closed.append(self._closed)

    def _closed(self) -> None:
        self.closed_events += 1

    def listen(self) -> None:
        self.network.listen(self.accepted.append)

    def connect(self) -> None:
        self.network.connect(self.connected.append)

    def open_connection(self) -> tuple[LinkEnd, LinkEnd]:
        """Listen, connect and let SDP and TCP happen: the EVCC's end and the SECC's end."""
        self.listen()
        self.connect()
        self.clock.advance(0.05)
        evcc = self.connected[0]
        assert evcc is not None
        return evcc, self.accepted[0]


def test_connect_without_listener_gives_none_after_the_sdp_timeout() -> None:
    rig = Rig()
    rig.connect()
    rig.clock.advance(SDP_TIMEOUT - 0.01)
    assert rig.connected == []
    rig.clock.advance(0.02)
    assert rig.connected == [None] and rig.network.connections == 0


def test_connect_fails_while_the_plc_link_is_down() -> None:
    rig = Rig(up=False)
    rig.listen()
    rig.connect()
    rig.clock.advance(SDP_TIMEOUT + 0.1)
    assert rig.connected == [None]


def test_messages_arrive_after_the_latency_in_order() -> None:
    rig = Rig()
    evcc, secc = rig.open_connection()
    assert evcc.open and secc.open
    got: list[m.V2gMessage] = []
    secc.on_message = got.append
    evcc.send(m.ServiceDiscoveryReq())
    evcc.send(m.AuthorizationReq())
    rig.clock.advance(0.009)
    assert got == []
    rig.clock.advance(0.002)
    assert [message.name for message in got] == ["ServiceDiscoveryReq", "AuthorizationReq"]


def test_close_reaches_the_peer_and_counts_one_closed_connection() -> None:
    rig = Rig()
    evcc, secc = rig.open_connection()
    peer_closed: list[bool] = []
    secc.on_close = lambda: peer_closed.append(True)
    evcc.close()
    assert not evcc.open and secc.open and rig.closed_events == 0
    rig.clock.advance(0.02)
    assert peer_closed == [True] and not secc.open
    assert rig.closed_events == 1 and rig.network.closed == 1
    evcc.send(m.SessionStopReq())  # after close: dropped, no error
    evcc.close()
    assert rig.closed_events == 1


def test_link_loss_closes_both_ends_after_what_was_on_its_way() -> None:
    rig = Rig()
    evcc, secc = rig.open_connection()
    events: list[str] = []
    evcc.on_close = lambda: events.append("evcc closed")
    secc.on_close = lambda: events.append("secc closed")
    evcc.on_message = lambda message: events.append(message.name)
    secc.send(m.SessionStopRes())
    rig.network.drop_all()
    secc.send(m.ServiceDiscoveryRes())  # after the loss: never arrives
    rig.clock.advance(0.0)
    assert events == ["secc closed"]
    rig.clock.advance(0.011)
    assert events == ["secc closed", "SessionStopRes", "evcc closed"] and rig.closed_events == 1


def test_close_arrives_after_the_last_message_sent_before_it() -> None:
    rig = Rig()
    evcc, secc = rig.open_connection()
    events: list[str] = []
    evcc.on_message = lambda message: events.append(message.name)
    evcc.on_close = lambda: events.append("closed")
    for _ in range(3):
        secc.send(m.SessionStopRes())
    secc.close()
    rig.clock.advance(0.02)
    assert events == ["SessionStopRes"] * 3 + ["closed"]


def test_filter_drops_duplicates_and_delays() -> None:
    rig = Rig()
    evcc, secc = rig.open_connection()
    got: list[m.V2gMessage] = []
    secc.on_message = got.append
    rig.network.filter = lambda message: ([], 0.0) if isinstance(message, m.AuthorizationReq) else (
        [message, message], 0.5)
    evcc.send(m.AuthorizationReq())
    evcc.send(m.ServiceDiscoveryReq())
    rig.clock.advance(0.5)
    assert got == []
    rig.clock.advance(0.02)
    assert [message.name for message in got] == ["ServiceDiscoveryReq", "ServiceDiscoveryReq"]


def test_stop_listening_refuses_new_connections() -> None:
    rig = Rig()
    rig.listen()
    rig.network.stop_listening()
    assert not rig.network.listening
    rig.connect()
    rig.clock.advance(SDP_TIMEOUT + 0.1)
    assert rig.connected == [None] and rig.accepted == []


def test_an_secc_that_starts_listening_late_is_found_at_the_next_sdp_request() -> None:
    rig = Rig()
    rig.connect()
    rig.clock.advance(1.1)
    assert rig.connected == []
    rig.listen()
    rig.clock.advance(0.25 + 0.03)
    assert len(rig.connected) == 1 and rig.connected[0] is not None and len(rig.accepted) == 1
