"""A test host and a scripted EV around the v2 EVSE V2G service: the host speaks HCI to the
emulated module, the EV sends V2G requests on a MemoryNetwork connection to its SECC."""

from __future__ import annotations

import dataclasses

from freev2g.emulator.deadlines import Deadlines, Timing, TimingMode
from freev2g.emulator.services.v2g_evse_v2 import HostTimeouts, V2gEvseV2Service
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.emulator.v2g.secc import Secc
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
)
from freev2g.hci.message import Command, Decoded, Message
from tests.emulator.harness import Host, result_code
from tests.emulator.v2g import secc_rig as r
from tests.emulator.v2g.secc_rig import app_protocols

STEP = 0.01  # a request and its answer on the 2 ms memory network
SESSION_ID = bytes.fromhex("0102030405060708")
CONFIG = e.EVSESetConfiguration(
    evse_id_din="+49*123*456*789", evse_id_iso="DE*A23*E45B*78C",
    protocols=[Protocol.DIN_70121, Protocol.ISO_15118_2], payment_methods=[PaymentMethod.EIM],
    energy_transfer_modes=[EnergyTransferMode.DC_EXTENDED, EnergyTransferMode.DC_COMBO_CORE,
                           EnergyTransferMode.AC_THREE_PHASE],
    certificate_installation_supported=False, certificate_update_supported=False)
DC = e.EVSESetDCChargingParameters(
    isolation_level=IsolationLevel.INVALID, min_voltage=0, min_current=0, max_voltage=500, max_current=100,
    max_power=50_000, current_regulation_tolerance=2, peak_current_ripple=0.5, status=EvseStatus.READY)
AC = e.EVSESetACChargingParameters(rcd=False, nominal_voltage=230, max_current=32)
SCHEDULES = e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[e.EVSEScheduleTuple(
    tuple_id=1, entries=[ScheduleEntry(start=0, interval=3600, power=280_000),
                         ScheduleEntry(start=3600, interval=82_800, power=50)])])

ONGOING, FINISHED = m.EVSEProcessing.ONGOING, m.EVSEProcessing.FINISHED
AUTHORIZED = e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.SUCCEEDED)
CABLE_OK = e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED)


def update(voltage: float = 0.0, current: float = 0.0, *, isolation: IsolationLevel = IsolationLevel.VALID,
           status: EvseStatus = EvseStatus.READY, **limits: float) -> e.EVSEUpdateDCChargingParameters:
    return e.EVSEUpdateDCChargingParameters(isolation_level=isolation, present_voltage=voltage,
                                            present_current=current, status=status, **limits)


class Station:
    """One emulated EVSE module with the v2 V2G service, its test host and one scripted EV."""

    def __init__(self, *, timing: Timing | None = None, timeouts: HostTimeouts | None = None,
                 protocol: m.V2gProtocol = m.V2gProtocol.ISO_15118_2) -> None:
        self.host = Host("V02_00_01")
        self.clock = self.host.clock
        self.host.module.deadlines = Deadlines(self.clock, timing)
        self.network = MemoryNetwork(self.clock)
        self.protocol = protocol

        def engine(clock: object, end: LinkEnd, controller: object) -> Secc:
            return Secc(self.clock, end, controller, new_session_id=lambda: SESSION_ID)  # type: ignore[arg-type]

        self.service = V2gEvseV2Service(self.host.module, self.network, timeouts=timeouts, engine=engine)
        self.host.module.add(self.service)
        self.received: list[m.V2gMessage] = []
        self.end: LinkEnd | None = None
        self.session_id = m.NO_SESSION

    @classmethod
    def lenient(cls, **kwargs: object) -> Station:
        return cls(timing=Timing(TimingMode.LENIENT), **kwargs)  # type: ignore[arg-type]

    # -- the host ----------------------------------------------------------------------------------

    def request(self, command: Command) -> Decoded:
        return self.host.request(command)

    def ok(self, command: Command) -> None:
        answer = self.request(command)
        assert result_code(answer) == 0x00, answer

    def code(self, command: Command) -> int:
        return result_code(self.request(command))

    def statuses(self) -> list[Decoded]:
        frames = self.host.sent
        assert all(frame.request_id == 0xFF for frame in frames), frames
        return self.host.decoded()

    def listen(self, config: e.EVSESetConfiguration = CONFIG) -> None:
        for command in (config, DC, AC, e.EVSEStartListen()):
            self.ok(command)

    # -- the EV ------------------------------------------------------------------------------------

    def connect(self) -> None:
        ends: list[LinkEnd | None] = []
        self.network.connect(ends.append)
        self.clock.advance(STEP)
        end = ends[0]
        assert end is not None, "nobody listens"
        self.end = end
        self.received = []
        self.session_id = m.NO_SESSION
        end.on_message = self.received.append
        answer = self.ev(app_protocols((self.protocol, 1)))
        assert isinstance(answer, m.SupportedAppProtocolRes), answer

    def ev(self, request: m.V2gRequest) -> m.V2gMessage | None:
        """Send ``request`` with the session ID and return the answer that came within a step."""
        assert self.end is not None
        count = len(self.received)
        self.end.send(dataclasses.replace(request, session_id=self.session_id))
        self.clock.advance(STEP)
        answers = self.received[count:]
        assert len(answers) <= 1, answers
        if answers and isinstance(answers[0], m.SessionSetupRes):
            self.session_id = answers[0].session_id
        return answers[0] if answers else None

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


def of_type(decoded: list[Decoded], kind: type[Message]) -> list[Decoded]:
    return [message for message in decoded if isinstance(message, kind)]


# -- the steps of a session, each checked -------------------------------------------------------------

def processing(answer: m.V2gMessage | None) -> m.EVSEProcessing:
    assert isinstance(answer, m.AuthorizationRes | m.ChargeParameterDiscoveryRes | m.CableCheckRes), answer
    assert answer.response_code.ok, answer
    return answer.evse_processing


def set_up(st: Station) -> None:
    st.listen()
    st.connect()
    for request in (r.SETUP, r.DISCOVERY, r.DETAIL, r.PAYMENT):
        answer = st.ev(request)
        assert isinstance(answer, m.V2gResponse) and answer.response_code.ok, answer


def authorize(st: Station) -> None:
    assert processing(st.ev(r.AUTHORIZATION)) is ONGOING
    st.ok(AUTHORIZED)
    assert processing(st.ev(r.AUTHORIZATION)) is FINISHED


def discover(st: Station, request: m.ChargeParameterDiscoveryReq = r.CPD_DC,
             schedules: e.EVSESetSchedules = SCHEDULES) -> m.ChargeParameterDiscoveryRes:
    assert processing(st.ev(request)) is ONGOING
    st.ok(schedules)
    if request.requested_energy_transfer_mode.is_dc:
        st.ok(update())
    else:
        st.ok(e.EVSEUpdateACChargingParameters(rcd=False, max_current=16))
    answer = st.ev(request)
    assert isinstance(answer, m.ChargeParameterDiscoveryRes) and processing(answer) is FINISHED
    return answer


def cable_check(st: Station) -> None:
    assert processing(st.ev(r.CABLE_CHECK)) is ONGOING
    st.ok(update(isolation=IsolationLevel.VALID))
    st.ok(CABLE_OK)
    assert processing(st.ev(r.CABLE_CHECK)) is FINISHED


def power_delivery(st: Station, request: m.PowerDeliveryReq, answer: Command) -> m.PowerDeliveryRes:
    count = len(st.received)
    assert st.ev(request) is None  # the response waits for the host
    st.ok(answer)
    st.advance(r.STEP)
    (response,) = st.received[count:]
    assert isinstance(response, m.PowerDeliveryRes) and response.response_code.ok, response
    return response


def charging_dc(st: Station) -> None:
    set_up(st)
    authorize(st)
    discover(st)
    cable_check(st)
    st.ok(update(400))
    st.ev(r.PRE_CHARGE)
    power_delivery(st, r.START, e.EVSEStartCharging())
