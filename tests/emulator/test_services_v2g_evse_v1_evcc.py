"""The v1 EVSE V2G service with the real EVCC engine on the other end of the MemoryNetwork and a
host that answers every "Request X" the way the seed EVSE application does (v1-api §4.3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from freev2g.emulator.services.v2g_evse_v1 import V2gEvseV1Service
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.link import MemoryNetwork
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import IsolationLevel, ScheduleEntry, SessionClosure
from freev2g.hci.message import Command, Decoded
from tests.emulator.harness import Host, result_code
from tests.emulator.v2g.evcc_rig import FakeEv

X = e.ExtendedParameterCode
VALID = IsolationLevel.VALID
SEED_SCHEDULE = [ScheduleEntry(start=0, interval=1800, power=25_000),
                 ScheduleEntry(start=1800, interval=1800, power=18_750),
                 ScheduleEntry(start=3600, interval=82800, power=12_500)]


def seed_answer(status: Decoded) -> Command | None:
    """What the seed sends for each request (v1-api §4.3 rows 19-59), with the bugs of §6 fixed."""
    match status:
        case e.RequestEvseId():
            return e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="DE*ABC*E*00001*01")
        case e.RequestAuthorizationStatus():
            return e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_SUCCEEDED)
        case e.RequestSchedules():
            return e.SetSchedules(code=e.ScheduleCode.OK,
                                  schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=SEED_SCHEDULE)])
        case e.RequestDiscoveryChargeParameters():
            return e.SetDiscoveryChargeParameters(code=e.ParameterCode.EV_PARAMETERS_ACCEPTED,
                                                  parameters=e.DcDiscoveryParameters(
                isolation=IsolationLevel.INVALID, max_current=100, min_current=0, max_voltage=400,
                min_voltage=0, max_power=25_000, peak_current_ripple=2))
        case e.RequestCableCheckStatus():
            return e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED)
        case e.RequestCableCheckParameters():
            return e.SetCableCheckParameters(code=X.EV_PARAMETERS_ACCEPTED,
                                             parameters=e.DcIsolationStatus(isolation=VALID))
        case e.RequestPreChargeParameters(parameters=parameters):
            return e.SetPreChargeParameters(code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationVoltage(
                isolation=VALID, present_voltage=parameters.target_voltage))
        case e.RequestStartCharging():
            return e.SetStartChargingStatus(code=e.StartChargingCode.CHARGING_STARTED,
                                            parameters=e.DcIsolationStatus(isolation=VALID))
        case e.RequestChargeLoopParameters(parameters=e.DcEvChargeLoopParameters() as ev):
            return e.SetChargeLoopParameters(code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcChargeLoopParameters(
                isolation=VALID, present_voltage=ev.target_voltage, present_current=ev.target_current,
                max_current=100, max_voltage=400, max_power=25_000, current_limit_reached=False,
                voltage_limit_reached=False, power_limit_reached=False))
        case e.RequestStopCharging():
            return e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED,
                                           parameters=e.DcIsolationStatus(isolation=VALID))
        case e.RequestPostChargeParameters():
            return e.SetPostChargeParameters(code=e.ParameterCode.EV_PARAMETERS_ACCEPTED,
                                             parameters=e.DcIsolationVoltage(isolation=VALID, present_voltage=12))
    return None


@dataclass
class SeedHost:
    """Answers each request ``delay[type]`` seconds after it arrived (default at once)."""

    host: Host
    delay: dict[type, float] = field(default_factory=dict)
    seen: list[Decoded] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)  # answers not taken, with the code
    _due: list[tuple[float, Command]] = field(default_factory=list)

    def run(self, seconds: float, step: float = 0.001) -> None:
        end = self.host.clock.now() + seconds
        while self.host.clock.now() < end:
            self.host.clock.advance(step)
            for status in self.host.decoded():
                self.seen.append(status)
                answer = seed_answer(status)
                if answer is not None:
                    self._due.append((self.host.clock.now() + self.delay.get(type(status), 0.0), answer))
            now = self.host.clock.now()
            for due in [item for item in self._due if item[0] <= now]:
                self._due.remove(due)
                code = result_code(self.host.request(due[1]))
                if code:
                    self.refused.append((due[1].title, code))

    def kinds(self) -> list[str]:
        """The statuses seen, repeats folded: ``Request Pre Charge Parameters*``."""
        names: list[str] = []
        for status in self.seen:
            name = status.title
            if names and names[-1].rstrip("*") == name:
                names[-1] = name + "*"
            else:
                names.append(name)
        return names


def session(firmware: str = "V01_01_07", **delay: float) -> tuple[SeedHost, FakeEv, Evcc]:
    host = Host(firmware)
    network = MemoryNetwork(host.clock)
    host.module.add(V2gEvseV1Service(host.module, network))
    assert result_code(host.request(c.Start())) == 0x00
    seed = SeedHost(host, {getattr(e, name): seconds for name, seconds in delay.items()})
    ev = FakeEv(held={"wait_stop_charging"}, now=host.clock.now)
    evcc = Evcc(host.clock, network, ev)
    evcc.start()
    return seed, ev, evcc


def test_a_dc_session_with_the_real_evcc_and_a_seed_like_host() -> None:
    seed, ev, evcc = session()
    seed.run(2.0)
    assert m.EVSEProcessing.FINISHED in ev.names("charge_parameters_received")
    seed.run(1.0)  # ten charge loop rounds
    ev.gate("wait_stop_charging").resolve(m.ChargeProgress.STOP)
    seed.run(2.0)
    assert not evcc.active and [end.kind for end in ev.ends] == [SessionEndKind.STOPPED]
    assert seed.kinds() == [
        "Session Started", "Request EVSE ID", "Request Authorization Status", "Request Schedules",
        "Request Discovery Charge Parameters", "Request Cable Check Status", "Request Cable Check Parameters",
        "Request Pre Charge Parameters", "Request Start Charging", "Request Charge Loop Parameters*",
        "Request Stop Charging", "Request Post Charge Parameters", "Session Stopped"]
    assert seed.seen[-1] == e.SessionStopped(closure_type=SessionClosure.TERMINATE)
    loops = [s for s in seed.seen if isinstance(s, e.RequestChargeLoopParameters)]
    assert len(loops) >= 8 and seed.host.module.deadlines.misses == [] and seed.refused == []
    assert loops[0].parameters == e.DcEvChargeLoopParameters(  # FakeEv's targets, as the EV sent them
        max_current=125, max_voltage=450, target_voltage=400, target_current=100, soc=40, charging_complete=False)


def test_a_slow_authorization_keeps_the_real_evcc_waiting_with_ongoing() -> None:
    seed, ev, evcc = session(RequestAuthorizationStatus=4.0)
    seed.run(3.9)
    assert evcc.active and ev.names("charge_parameters_received") == []
    assert [type(s) for s in seed.seen].count(e.RequestAuthorizationStatus) == 1
    seed.run(1.5)
    assert ev.names("charge_parameters_received") == [m.EVSEProcessing.FINISHED]
    assert seed.host.module.deadlines.misses == []


def test_a_slow_charge_loop_answer_ends_the_real_session() -> None:
    """80 ms for a 75 ms budget: the module closes the session, the EV sees the connection go."""
    seed, ev, evcc = session(RequestChargeLoopParameters=0.080)
    seed.run(3.0)
    assert not evcc.active and [end.kind for end in ev.ends] == [SessionEndKind.CONNECTION_LOST]
    assert seed.seen[-1] == e.SessionStopped(closure_type=SessionClosure.TERMINATE)
    assert [r.request for r in seed.host.module.deadlines.misses] == ["Request Charge Loop Parameters"]
    assert seed.refused == [("Set Charge Loop Parameters", 0x11)]  # too late: the session is gone
