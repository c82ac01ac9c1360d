"""A simulated car against a simulated charger on one World, on a ManualClock."""

from __future__ import annotations

import pytest

from freev2g.emulator.assembly import World
from freev2g.emulator.clock import ManualClock
from freev2g.emulator.peers.car import CarConfig, SessionPoint, SimulatedCar
from freev2g.emulator.peers.charger import ChargerConfig, SimulatedChargerPeer
from freev2g.emulator.peers.evse_controller import EvseSettings
from freev2g.emulator.profiles import Role
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc_api import EvStep
from freev2g.emulator.v2g.secc_api import SessionEndKind
from freev2g.emulator.world import PlcLinkConfig
from freev2g.hci.catalog.cp import ControlPilotState
from freev2g.models import BatteryConfig, ChargerLimits, IsolationVerdict

DIN, ISO = m.V2gProtocol.DIN_70121, m.V2gProtocol.ISO_15118_2
DC, AC = m.EnergyTransferModeType.DC_EXTENDED, m.EnergyTransferModeType.AC_THREE_PHASE_CORE
QUICK = PlcLinkConfig(slac_startup=0.2, characterization=0.2, match_and_join=0.2)
SMALL = BatteryConfig(capacity_wh=2_000.0, initial_soc=50.0, target_soc=60.0, max_current=125.0,
                      max_power=40_000.0, voltage_empty=330.0, voltage_full=400.0, max_voltage=420.0)


class Station:
    def __init__(self, car: CarConfig, charger: ChargerConfig | None = None) -> None:
        self.clock = ManualClock()
        self.world = World.create(self.clock, QUICK)
        self.charger = SimulatedChargerPeer(self.world, charger or ChargerConfig())
        self.car = SimulatedCar(self.world, car)
        self.cp_states: list[ControlPilotState] = []
        self.world.wire.subscribe(Role.EVSE, lambda reading: self.cp_states.append(reading.state))

    def run(self, seconds: float = 300.0) -> None:
        self.clock.advance(seconds)


def car(**overrides: object) -> CarConfig:
    settings: dict[str, object] = {"battery": SMALL, **overrides}
    return CarConfig(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(("protocols", "expected"), [((DIN,), DIN), ((ISO, DIN), ISO)])
def test_dc_session_charges_to_the_target(protocols: tuple[m.V2gProtocol, ...], expected: m.V2gProtocol) -> None:
    station = Station(car(protocols=protocols, energy_transfer_mode=DC))
    station.run()
    controller, battery = station.car.controller, station.car.battery
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.STOPPED, station.car.end
    assert controller.info is not None and controller.info.protocol is expected
    assert controller.evse_id == ("+49*123*456*789" if expected is DIN else "DE*FV2*E0001*1")
    assert battery.reached_target and battery.soc < 61.0
    assert controller.steps == [EvStep.CABLE_CHECK_FINISHED, EvStep.CHARGING_READY, EvStep.CHARGING_STARTED,
                                EvStep.POST_CHARGING_READY]
    [record] = station.charger.sessions
    assert record.end is not None and record.end.kind is SessionEndKind.STOPPED
    # Energy the charger put out matches the SOC change: both hold each CurrentDemand sample until
    # the next one; the link latency shifts both ends alike.
    assert record.energy_wh == pytest.approx(battery.delivered_wh, rel=1e-6)
    assert battery.delivered_wh == pytest.approx(SMALL.capacity_wh * (battery.soc - SMALL.initial_soc) / 100)
    assert "WeldingDetectionReq" in record.requests and "CableCheckReq" in record.requests
    # The car unplugged after the session: the EVSE end sees A again, and the charger went back to 100 %.
    assert not station.world.wire.plugged
    assert station.cp_states[-1] is ControlPilotState.A
    assert ControlPilotState.C in station.cp_states
    assert station.world.wire.duty_cycle == 1000


def test_dc_output_stays_within_every_limit() -> None:
    limits = ChargerLimits(max_voltage=500.0, max_current=60.0, max_power=20_000.0)
    schedule = (m.PMaxScheduleEntry(start=0, duration=86_400, p_max=15_000.0),)
    station = Station(car(protocols=(ISO,), energy_transfer_mode=DC),
                      ChargerConfig(limits=limits, evse=EvseSettings(schedule=schedule)))
    seen: list[tuple[float, float]] = []
    for _ in range(1600):  # 80 s: 200 Wh at 15 kW take 48 s
        station.clock.advance(0.05)
        seen.append(station.charger.stage.present(station.clock.now()))
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.STOPPED
    assert max(v * i for v, i in seen) <= 15_000.0
    assert max(i for _, i in seen) <= 60.0
    assert max(v * i for v, i in seen) == pytest.approx(15_000.0)  # the schedule was the binding limit
    # The output sampled independently every 50 ms carries the energy the battery took in.
    sampled_wh = sum(v * i for v, i in seen) * 0.05 / 3600.0
    assert station.car.battery.delivered_wh == pytest.approx(sampled_wh, rel=0.02)


def test_iso_ac_session_charges_to_the_target() -> None:
    settings = EvseSettings(schedule=(m.PMaxScheduleEntry(start=0, duration=86_400, p_max=11_000.0),))
    station = Station(car(protocols=(ISO, DIN), energy_transfer_mode=AC, ac_phases=3, ac_max_current=32.0),
                      ChargerConfig(evse=settings))
    station.run(1_000.0)
    controller, battery = station.car.controller, station.car.battery
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.STOPPED, station.car.end
    assert controller.info is not None and controller.info.protocol is ISO
    assert controller.steps == [EvStep.CHARGING_READY, EvStep.CHARGING_STARTED, EvStep.CHARGING_STOPPED]
    assert battery.reached_target
    # 11 kW over three phases at 230 V: 15.9 A per phase, below the car's 32 A.
    assert controller.evse_max_current == pytest.approx(15.9)
    elapsed_energy = battery.delivered_wh
    assert elapsed_energy == pytest.approx(SMALL.capacity_wh * (battery.soc - SMALL.initial_soc) / 100)
    [record] = station.charger.sessions
    assert "ChargingStatusReq" in record.requests and "CableCheckReq" not in record.requests


def test_din_refuses_ac() -> None:
    station = Station(car(protocols=(DIN,), energy_transfer_mode=AC))
    station.run(60.0)
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.FAILED
    assert station.car.battery.delivered_wh == 0.0


def test_charge_time_stops_before_the_target() -> None:
    station = Station(car(protocols=(ISO,), charge_time=3.0))
    station.run()
    battery = station.car.battery
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.STOPPED
    assert not battery.reached_target
    assert battery.delivered_wh > 0.0


def test_authorization_delay_and_isolation_test_take_their_time() -> None:
    settings = EvseSettings(authorization_delay=2.0)
    station = Station(car(protocols=(ISO,)), ChargerConfig(evse=settings, isolation_test_duration=3.0))
    station.run()
    [record] = station.charger.sessions
    assert record.requests.count("AuthorizationReq") > 5
    assert record.requests.count("CableCheckReq") > 5
    assert station.car.battery.reached_target


def test_isolation_fault_fails_the_session() -> None:
    station = Station(car(protocols=(ISO,)), ChargerConfig(isolation_verdict=IsolationVerdict.FAULT))
    station.run()
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.FAILED
    assert "CableCheckRes" in station.car.end.reason
    assert station.car.battery.delivered_wh == 0.0


def test_refused_authorization() -> None:
    station = Station(car(protocols=(ISO,)), ChargerConfig(evse=EvseSettings(authorize=False)))
    station.run()
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.FAILED


def test_unplug_while_charging() -> None:
    station = Station(car(protocols=(ISO,), unplug_at=SessionPoint.CHARGING, fault_delay=1.0))
    station.run()
    [record] = station.charger.sessions
    assert station.car.end is not None and station.car.end.kind is SessionEndKind.CONNECTION_LOST
    assert record.end is not None and record.end.kind is SessionEndKind.CONNECTION_LOST
    assert not station.car.battery.reached_target
    assert station.charger.stage.present(station.clock.now()) == (0.0, 0.0)


def test_silent_car_is_ended_by_the_secc() -> None:
    station = Station(car(protocols=(ISO,), silent_at=SessionPoint.SESSION_SETUP))
    station.run(200.0)
    [record] = station.charger.sessions
    assert record.end is not None and record.end.kind is SessionEndKind.TIMEOUT


def test_plug_in_delay() -> None:
    station = Station(car(plug_in_delay=5.0))
    station.clock.advance(4.9)
    assert not station.world.wire.plugged
    station.clock.advance(0.2)
    assert station.world.wire.plugged
    assert station.world.wire.duty_cycle == 50


def test_a_second_car_after_the_first() -> None:
    station = Station(car(protocols=(ISO,)))
    station.run()
    station.car.close()
    second = SimulatedCar(station.world, car(protocols=(DIN,)))
    station.run()
    assert second.end is not None and second.end.kind is SessionEndKind.STOPPED
    assert [record.info.protocol for record in station.charger.sessions if record.info] == [ISO, DIN]


def test_close_leaves_the_world_quiet() -> None:
    station = Station(car(protocols=(ISO,)))
    station.clock.advance(5.0)
    station.car.close()
    station.charger.close()
    station.run(100.0)
    assert not station.world.wire.plugged and not station.world.wire.oscillator
    assert not station.world.network.listening


def test_unplug_during_slac_then_the_car_is_gone() -> None:
    station = Station(car(unplug_at=SessionPoint.SLAC, fault_delay=0.1))
    station.run(60.0)
    assert station.car.end is None and station.car.evcc is None
    assert not station.world.wire.plugged
    assert station.world.wire.duty_cycle == 1000 and not station.charger.matching
    assert station.charger.sessions == []


def test_silent_while_charging_ends_the_charge() -> None:
    station = Station(car(protocols=(DIN,), silent_at=SessionPoint.CHARGING, fault_delay=1.0))
    station.run(200.0)
    [record] = station.charger.sessions
    assert record.end is not None and record.end.kind is SessionEndKind.TIMEOUT
    assert station.charger.stage.present(station.clock.now()) == (0.0, 0.0)


def test_slac_is_retried_after_a_failure() -> None:
    clock = ManualClock()
    world = World.create(clock, PlcLinkConfig(slac_startup=0.2, characterization=0.2, match_and_join=0.2,
                                              max_attenuation=5.0))  # nothing matches
    charger = SimulatedChargerPeer(world)
    SimulatedCar(world, car())
    attempts: list[bool] = []
    original = world.plc.start_matching

    def counting(role: Role, **kwargs: object) -> None:
        attempts.append(role is Role.EVSE)
        original(role, **kwargs)  # type: ignore[arg-type]

    world.plc.start_matching = counting  # type: ignore[method-assign]
    clock.advance(120.0)
    assert attempts.count(False) >= 3  # the car keeps trying while the 5 % stays
    assert charger.sessions == []


class EvSlac:
    def __init__(self) -> None:
        self.events: list[str] = []

    def slac_matched(self) -> None:
        self.events.append("matched")

    def slac_failed(self) -> None:
        self.events.append("failed")

    def bcb_toggling_started(self, window_ms: int) -> None:
        self.events.append("bcb started")

    def bcb_toggling_finished(self) -> None:
        self.events.append("bcb finished")


def test_a_car_that_stays_plugged_in_can_match_again() -> None:
    station = Station(car(protocols=(ISO,), unplug_after_session=False))
    station.run()
    assert station.car.end is not None and station.world.wire.plugged
    other = EvSlac()  # the EV side starts a new matching for its next session
    station.world.plc.attach(Role.EV, other)
    station.world.plc.start_matching(Role.EV, validation=False, attenuation=bytes(58))
    station.clock.advance(5.0)
    assert other.events == ["matched"]
    assert station.world.network.listening
