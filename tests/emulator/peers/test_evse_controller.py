"""The simulated charger's controller on its own: schedules, guards, isolation, AC current."""

from __future__ import annotations

from freev2g.emulator.peers.evse_controller import EvseSettings, SimulatedEvseController
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SessionInfo
from freev2g.models import ChargerLimits, IsolationVerdict, SimulatedCharger

STATUS = m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR, ev_ress_soc=50)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0


def controller(settings: EvseSettings | None = None, **stage: object) -> tuple[Clock, SimulatedEvseController]:
    clock = Clock()
    charger = SimulatedCharger(ChargerLimits(500.0, 200.0, 50_000.0), **stage)  # type: ignore[arg-type]
    evse = SimulatedEvseController(lambda: clock.now, charger, settings or EvseSettings())
    evse.new_session()
    return clock, evse


def dc_discovery(max_current: float = 125.0, max_entries: int | None = None) -> m.ChargeParameterDiscoveryReq:
    return m.ChargeParameterDiscoveryReq(
        requested_energy_transfer_mode=m.EnergyTransferModeType.DC_EXTENDED, max_entries_sa_schedule_tuple=max_entries,
        dc_ev_charge_parameter=m.DCEVChargeParameter(
            departure_time=None, dc_ev_status=STATUS, ev_maximum_current_limit=max_current,
            ev_maximum_power_limit=None, ev_maximum_voltage_limit=420.0, ev_energy_capacity=None,
            ev_energy_request=None, full_soc=None, bulk_soc=None))


def demand(voltage: float, current: float) -> m.CurrentDemandReq:
    return m.CurrentDemandReq(dc_ev_status=STATUS, ev_target_voltage=voltage, ev_target_current=current)


def test_evse_id_per_protocol() -> None:
    _, evse = controller()
    info = SessionInfo(protocol=m.V2gProtocol.DIN_70121, session_id=bytes(8), evcc_id=bytes(6))
    assert evse.session_setup(info).value() == "+49*123*456*789"
    info = SessionInfo(protocol=m.V2gProtocol.ISO_15118_2, session_id=bytes(8), evcc_id=bytes(6))
    assert evse.session_setup(info).value() == "DE*FV2*E0001*1"


def test_authorization_ongoing_until_the_delay() -> None:
    clock, evse = controller(EvseSettings(authorization_delay=3.0))
    assert evse.authorization(m.AuthorizationReq()).value().evse_processing is m.EVSEProcessing.ONGOING
    clock.now = 2.9
    assert evse.authorization(m.AuthorizationReq()).value().evse_processing is m.EVSEProcessing.ONGOING
    clock.now = 3.0
    assert evse.authorization(m.AuthorizationReq()).value().evse_processing is m.EVSEProcessing.FINISHED


def test_schedule_trimmed_and_followed() -> None:
    schedule = (m.PMaxScheduleEntry(start=0, duration=10, p_max=20_000.0),
                m.PMaxScheduleEntry(start=10, duration=10, p_max=5_000.0),
                m.PMaxScheduleEntry(start=20, duration=10, p_max=1_000.0))
    clock, evse = controller(EvseSettings(schedule=schedule))
    response = evse.charge_parameter_discovery(dc_discovery(max_entries=2)).value()
    assert response.sa_schedule_list[0].p_max_schedule == schedule[:2]
    assert response.dc_evse_charge_parameter is not None
    assert response.dc_evse_charge_parameter.evse_maximum_power_limit == 20_000.0
    clock.now = 12.0
    loop = evse.current_demand(demand(400.0, 100.0)).value()
    assert loop.evse_maximum_power_limit == 5_000.0
    clock.now = 20.0
    loop = evse.current_demand(demand(400.0, 100.0)).value()
    assert loop.evse_present_voltage * loop.evse_present_current == 0.0  # the trimmed schedule is over
    assert loop.evse_maximum_power_limit == 0.0


def test_limits_achieved_reported() -> None:
    clock, evse = controller()
    evse.charge_parameter_discovery(dc_discovery(max_current=80.0))
    evse.current_demand(demand(400.0, 150.0))
    clock.now = 10.0
    loop = evse.current_demand(demand(400.0, 150.0)).value()
    assert (loop.evse_present_voltage, loop.evse_present_current) == (400.0, 80.0)
    assert (loop.evse_current_limit_achieved, loop.evse_voltage_limit_achieved, loop.evse_power_limit_achieved) == (
        True, False, False)


def test_bad_ev_values_fail_the_step_instead_of_raising() -> None:
    clock, evse = controller()
    refused = evse.charge_parameter_discovery(dc_discovery(max_current=0.0)).value()
    assert refused.response_code is m.ResponseCode.FAILED_WRONG_CHARGE_PARAMETER
    evse.charge_parameter_discovery(dc_discovery())
    pre = evse.pre_charge(m.PreChargeReq(dc_ev_status=STATUS, ev_target_voltage=float("nan"),
                                         ev_target_current=1.0)).value()
    assert pre.response_code is m.ResponseCode.FAILED
    evse.current_demand(demand(400.0, 50.0))
    clock.now = 5.0
    loop = evse.current_demand(demand(400.0, -5.0)).value()
    assert loop.response_code is m.ResponseCode.FAILED
    assert not evse.stage.output_on


def test_cable_check_ongoing_then_verdict() -> None:
    clock, evse = controller(isolation_test_duration=2.0, isolation_verdict=IsolationVerdict.WARNING)
    first = evse.cable_check(m.CableCheckReq(dc_ev_status=STATUS)).value()
    assert first.evse_processing is m.EVSEProcessing.ONGOING
    assert first.dc_evse_status.evse_status_code is m.DCEVSEStatusCode.EVSE_ISOLATION_MONITORING_ACTIVE
    clock.now = 2.0
    done = evse.cable_check(m.CableCheckReq(dc_ev_status=STATUS)).value()
    assert done.evse_processing is m.EVSEProcessing.FINISHED
    assert done.dc_evse_status.evse_isolation_status is m.IsolationLevel.WARNING


def test_ac_max_current_follows_the_schedule_per_phase() -> None:
    schedule = (m.PMaxScheduleEntry(start=0, duration=100, p_max=7_000.0),)
    _, evse = controller(EvseSettings(schedule=schedule, ac_max_current=16.0))
    request = m.ChargeParameterDiscoveryReq(
        requested_energy_transfer_mode=m.EnergyTransferModeType.AC_SINGLE_PHASE_CORE,
        ac_ev_charge_parameter=m.ACEVChargeParameter(departure_time=None, e_amount=1_000.0, ev_max_voltage=230.0,
                                                     ev_max_current=32.0, ev_min_current=6.0))
    response = evse.charge_parameter_discovery(request).value()
    assert response.ac_evse_charge_parameter is not None
    assert response.ac_evse_charge_parameter.evse_max_current == 16.0  # its own maximum is lower
    status = evse.charging_status(m.ChargingStatusReq()).value()
    assert status.evse_max_current == 16.0
    assert status.evse_id == "DE*FV2*E0001*1"
