"""The simulated car's EV side of a V2G session: an EvController decided from its battery.

* Charge parameters from the :class:`~freev2g.models.Battery` and the car's limits; the energy
  request is what the battery needs to reach the target SOC (the seed computed it once from an
  integer SOC and sent fixed limits, v1-api §4.5).
* Pre-charge asks for the battery's voltage at a current of at most 2 A (DIN SPEC 70121); the car
  starts charging once the EVSE's present voltage is within ``voltage_tolerance`` of it.
* Charge loop: the battery's target voltage and current (sent, unlike the seed's recomputed
  current, v1-api §6.2); the energy of every CurrentDemandRes (DC: present voltage x current; AC:
  nominal voltage x the current the car draws within the EVSE's maximum) goes into the battery
  until the next one.
* It stops when the battery reaches the target SOC, after ``charge_time`` of charging, or when
  the EVSE notifies StopCharging; after PowerDelivery(Stop) it waits for the EVSE's voltage to
  fall below ``safe_voltage`` (welding detection) and ends the session.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.evcc_api import EvSessionConfig, EvStep, EvTargets
from freev2g.emulator.v2g.secc_api import SessionEnd, SessionInfo
from freev2g.models import PRE_CHARGE_MAX_CURRENT, Battery, BatteryConfig


class SessionPoint(enum.Enum):
    """Where in a session a fault (unplug, silence) can be injected."""

    SLAC = "slac"  # matching started
    SESSION_SETUP = "session setup"  # SessionSetupRes received
    CABLE_CHECK = "cable check"  # ready for the cable check (DC)
    PRE_CHARGE = "pre-charge"  # ready for pre-charge (DC)
    CHARGING = "charging"  # PowerDeliveryRes(Start) received
    WELDING_DETECTION = "welding detection"  # PowerDeliveryRes(Stop) received (DC)


@dataclass(frozen=True, kw_only=True)
class CarConfig:
    """A simulated car: protocols, AC or DC, battery, limits, when it stops and which faults it has."""

    protocols: tuple[m.V2gProtocol, ...] = (m.V2gProtocol.ISO_15118_2, m.V2gProtocol.DIN_70121)
    energy_transfer_mode: m.EnergyTransferModeType = m.EnergyTransferModeType.DC_EXTENDED
    payment_option: m.PaymentOption = m.PaymentOption.EXTERNAL_PAYMENT
    evcc_id: bytes = bytes.fromhex("000101637731")  # the manual's EV MAC
    battery: BatteryConfig = field(default_factory=BatteryConfig)
    target_soc: float | None = None  # stop here; None: the battery's target_soc
    charge_time: float | None = None  # s of charging after which the car stops anyway
    departure_time: int | None = None  # s
    ac_max_current: float = 32.0  # A per phase the on-board charger draws at most
    ac_min_current: float = 6.0  # A
    ac_max_voltage: float = 253.0  # V per phase
    ac_phases: int = 1
    voltage_tolerance: float = 10.0  # V between pre-charge voltage and battery voltage to start
    safe_voltage: float = 20.0  # V: welding detection is over below this
    loop_interval: float = 0.1  # s between loop requests
    plug_in_delay: float = 1.0  # s from creation to plugging in
    unplug_delay: float = 1.0  # s after the session to unplugging
    unplug_after_session: bool = True
    unplug_at: SessionPoint | None = None  # fault: pull the plug at this point
    silent_at: SessionPoint | None = None  # fault: stop talking at this point
    fault_delay: float = 0.0  # s after reaching the point

    def __post_init__(self) -> None:
        if not self.protocols:
            raise ValueError("a car needs at least one protocol")
        if self.target_soc is not None and not 0 < self.target_soc <= self.battery.full_soc:
            raise ValueError(f"target_soc {self.target_soc} must be in (0, full_soc {self.battery.full_soc}]")
        if self.charge_time is not None and self.charge_time <= 0:
            raise ValueError(f"charge_time must be > 0 (got {self.charge_time})")
        if self.ac_phases not in (1, 3):
            raise ValueError(f"ac_phases must be 1 or 3 (got {self.ac_phases})")
        if not 0 < self.ac_min_current <= self.ac_max_current:
            raise ValueError("ac_min_current must be in (0, ac_max_current]")

    @property
    def dc(self) -> bool:
        return self.energy_transfer_mode.is_dc

    @property
    def stop_soc(self) -> float:
        return self.battery.target_soc if self.target_soc is None else self.target_soc


class CarEvents(Protocol):
    """What the car around the controller hears: CP changes and fault points hang on these."""

    def reached(self, point: SessionPoint) -> None: ...

    def ready_for_energy(self) -> None:
        """DC: before the cable check; AC: before PowerDelivery(Start). The car goes to state C."""

    def session_step(self, step: EvStep) -> None: ...

    def session_ended(self, end: SessionEnd) -> None: ...


class CarController:
    """An :class:`~freev2g.emulator.v2g.evcc_api.EvController` for the simulated car."""

    def __init__(self, now: Callable[[], float], config: CarConfig, battery: Battery,
                 events: CarEvents) -> None:
        self._now = now
        self.config = config
        self.battery = battery
        self._events = events
        self.info: SessionInfo | None = None
        self.evse_id = ""
        self.end: SessionEnd | None = None
        self.charging = False
        self.charging_since: float | None = None
        self.present_voltage = 0.0
        self.present_current = 0.0
        self.evse_max_current: float | None = None  # AC
        self.evse_nominal_voltage = 230.0  # AC, V per phase
        self.evse_max_power: float | None = None  # DC
        self.schedule: m.SAScheduleTuple | None = None
        self.steps: list[EvStep] = []
        self._pre_charge_voltage = 0.0
        self._start_charging: Decision[None] | None = None
        self._stop_charging: Decision[m.ChargeProgress] | None = None
        self._stop_session: Decision[None] | None = None

    # --- EvController -------------------------------------------------------------------------------

    def session_config(self) -> EvSessionConfig:
        c = self.config
        return EvSessionConfig(protocols=c.protocols, evcc_id=c.evcc_id, payment_option=c.payment_option,
                               energy_transfer_mode=c.energy_transfer_mode, loop_interval=c.loop_interval)

    def session_started(self, info: SessionInfo, setup: m.SessionSetupRes) -> None:
        self.info, self.evse_id = info, setup.evse_id
        self._events.reached(SessionPoint.SESSION_SETUP)

    def charge_parameters(self) -> m.ChargeParameterDiscoveryReq:
        c, b = self.config, self.battery.config
        mode = c.energy_transfer_mode
        if not c.dc:
            return m.ChargeParameterDiscoveryReq(
                requested_energy_transfer_mode=mode, ac_ev_charge_parameter=m.ACEVChargeParameter(
                    departure_time=c.departure_time, e_amount=self._energy_request(),
                    ev_max_voltage=c.ac_max_voltage, ev_max_current=c.ac_max_current,
                    ev_min_current=c.ac_min_current))
        return m.ChargeParameterDiscoveryReq(
            requested_energy_transfer_mode=mode, dc_ev_charge_parameter=m.DCEVChargeParameter(
                departure_time=c.departure_time, dc_ev_status=self._status(),
                ev_maximum_current_limit=b.max_current, ev_maximum_power_limit=b.max_power,
                ev_maximum_voltage_limit=b.max_voltage, ev_energy_capacity=b.capacity_wh,
                ev_energy_request=self._energy_request(), full_soc=int(b.full_soc), bulk_soc=int(b.bulk_soc)))

    def charge_parameters_received(self, response: m.ChargeParameterDiscoveryRes) -> None:
        self.schedule = response.sa_schedule_list[0] if response.sa_schedule_list else None
        if response.ac_evse_charge_parameter is not None:
            ac = response.ac_evse_charge_parameter
            self.evse_nominal_voltage, self.evse_max_current = ac.evse_nominal_voltage, ac.evse_max_current
        if response.dc_evse_charge_parameter is not None:
            self.evse_max_power = response.dc_evse_charge_parameter.evse_maximum_power_limit

    def evse_response(self, response: m.V2gResponse) -> None:
        now = self._now()
        match response:
            case m.PreChargeRes(evse_present_voltage=voltage):
                self.present_voltage = voltage
                self._check_start()
            case m.CurrentDemandRes():
                self.present_voltage, self.present_current = (response.evse_present_voltage,
                                                              response.evse_present_current)
                if response.evse_maximum_power_limit is not None:
                    self.evse_max_power = response.evse_maximum_power_limit
                if self.charging:
                    self.battery.deliver(self.present_voltage, self.present_current, now)
                self._notified(response.dc_evse_status.evse_notification)
            case m.ChargingStatusRes():
                if response.evse_max_current is not None:
                    self.evse_max_current = response.evse_max_current
                if self.charging:
                    current = self._ac_current()
                    self.present_voltage, self.present_current = self.evse_nominal_voltage, current
                    self.battery.deliver(self.evse_nominal_voltage * self.config.ac_phases, current, now)
                self._notified(response.ac_evse_status.evse_notification)
            case m.WeldingDetectionRes(evse_present_voltage=voltage):
                self.present_voltage = voltage
                if voltage < self.config.safe_voltage and self._stop_session is not None:
                    self._stop_session.resolve(None)
            case _:
                pass
        self._check_stop()

    def targets(self) -> EvTargets:
        battery, b = self.battery, self.battery.config
        if not self.charging:  # pre-charge (and the status of cable check, welding detection)
            current = min(PRE_CHARGE_MAX_CURRENT, b.max_current)
            return EvTargets(dc_ev_status=self._status(), ev_target_voltage=self._pre_charge_target(),
                             ev_target_current=current)
        stopping = self._stop_wanted()
        power = self.evse_max_power
        return EvTargets(
            dc_ev_status=self._status(), ev_target_voltage=battery.target_voltage(),
            ev_target_current=0.0 if stopping else battery.target_current(),
            ev_maximum_voltage_limit=b.max_voltage, ev_maximum_current_limit=b.max_current,
            ev_maximum_power_limit=b.max_power, bulk_charging_complete=battery.bulk_complete,
            charging_complete=stopping, remaining_time_to_full_soc=battery.remaining_time_to_full(power),
            remaining_time_to_bulk_soc=battery.remaining_time_to_bulk(power))

    def charging_profile(self) -> tuple[int, tuple[m.ProfileEntry, ...]]:
        c, limit = self.config, self.battery.config.max_power
        if not c.dc:
            limit = min(limit, c.ac_max_current * c.ac_max_voltage * c.ac_phases)
        if self.schedule is None:
            whole = m.ProfileEntry(charging_profile_entry_start=0, charging_profile_entry_max_power=limit)
            return 0, (whole,)
        entries = tuple(m.ProfileEntry(charging_profile_entry_start=entry.start,
                                       charging_profile_entry_max_power=min(limit, entry.p_max))
                        for entry in self.schedule.p_max_schedule)
        return self.schedule.sa_schedule_tuple_id, entries

    def wait_cable_check(self) -> Decision[None]:
        self._events.ready_for_energy()
        self._events.reached(SessionPoint.CABLE_CHECK)
        return Decision.of(None)

    def wait_pre_charge(self) -> Decision[None]:
        self._events.reached(SessionPoint.PRE_CHARGE)
        self._pre_charge_voltage = self.battery.target_voltage()
        return Decision.of(None)

    def wait_start_charging(self) -> Decision[None]:
        self._start_charging = Decision()
        if not self.config.dc:
            self._events.ready_for_energy()
            self._start_charging.resolve(None)
        else:
            self._check_start()
        return self._start_charging

    def wait_stop_charging(self) -> Decision[m.ChargeProgress]:
        self._stop_charging = Decision()
        self._check_stop()
        return self._stop_charging

    def wait_stop_session(self) -> Decision[None]:
        self._stop_session = Decision()
        if self.present_voltage < self.config.safe_voltage:
            self._stop_session.resolve(None)
        return self._stop_session

    def step(self, step: EvStep) -> None:
        self.steps.append(step)
        now = self._now()
        if step is EvStep.CHARGING_STARTED:
            self.charging, self.charging_since = True, now
            self._events.reached(SessionPoint.CHARGING)
        elif step in (EvStep.CHARGING_STOPPED, EvStep.POST_CHARGING_READY):
            self._charging_over(now)
            if step is EvStep.POST_CHARGING_READY:
                self._events.reached(SessionPoint.WELDING_DETECTION)
        self._events.session_step(step)

    def session_ended(self, end: SessionEnd) -> None:
        self._charging_over(self._now())
        self.end = end
        self._events.session_ended(end)

    # --- helpers ------------------------------------------------------------------------------------

    def _charging_over(self, now: float) -> None:
        if self.charging:
            self.battery.deliver(0.0, 0.0, now)  # the contactors open: the held flow ends here
        self.charging = False

    def _status(self) -> m.DCEVStatus:
        return m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR,
                            ev_ress_soc=int(self.battery.soc))

    def _energy_request(self) -> float:
        return self.battery.energy_to(self.config.stop_soc)

    def _pre_charge_target(self) -> float:
        return self._pre_charge_voltage or self.battery.target_voltage()

    def _ac_current(self) -> float:
        """What the on-board charger draws: the battery's wish within its own and the EVSE's maxima."""
        c = self.config
        wanted = self.battery.target_power() / (self.evse_nominal_voltage * c.ac_phases)
        maximum = c.ac_max_current if self.evse_max_current is None else min(c.ac_max_current,
                                                                             self.evse_max_current)
        return 0.0 if self._stop_wanted() else max(0.0, min(wanted, maximum))

    def _stop_wanted(self) -> bool:
        battery = self.battery
        if battery.soc >= self.config.stop_soc or battery.full:
            return True
        since, limit = self.charging_since, self.config.charge_time
        return since is not None and limit is not None and self._now() - since >= limit

    def _notified(self, notification: m.EVSENotification) -> None:
        if notification is m.EVSENotification.STOP_CHARGING and self._stop_charging is not None:
            self._stop_charging.resolve(m.ChargeProgress.STOP)

    def _check_start(self) -> None:
        gate = self._start_charging
        close_enough = abs(self.present_voltage - self._pre_charge_target()) <= self.config.voltage_tolerance
        if gate is not None and close_enough:
            gate.resolve(None)

    def _check_stop(self) -> None:
        if self._stop_charging is not None and self.charging and self._stop_wanted():
            self._stop_charging.resolve(m.ChargeProgress.STOP)
