"""Control Pilot module 0x29 (manual 2.14 §15, p92-p101; 2.11 §14, p88-p97), one end of a CpWire.

Rules from the manual:

* Set Mode only before Start: 0x01 when started; 0x05 for a mode the firmware does not support
  (p93). Start twice or Stop without Start: 0x05 (p94-p95).
* Values set before Start are stored and applied at Start; the defaults are 100 % (X1) for the
  EVSE and resistor level 0 for the EV, at power-up and again after Stop (p92, p94-p95).
* Set/Get PWM duty cycle: the EVSE sets it, 0x05 in EV mode (p95); the EV reads the measured
  value (p96). Resistor level and the duty-cycle notification threshold: EV only, 0x05 in EVSE
  mode (p97-p100). Get CP AD value: EVSE only (note added in 2.14, p100), its value computed
  back from the CP voltage with U = AD * 0.007172 - 14.84.
* State Changed (0x81) on every change of the measured state; Duty Cycle Changed (0x80, EV) when
  the duty cycle moved by at least the threshold from the last reported value ("equal or greater
  than 55 % or equal or less than 45 %" for 50 % and 5 %, p98-p99).

Decisions where the manual is silent (each is tested):

* The firmware supports one role, so the mode is that role from power-up (Get Mode never
  answers 255 "not yet set"); Set Mode with the other mode answers 0x05.
* Stop (EVSE) leaves the line at X1, constant +12 V, as the text says (p95; the figure on p203
  says 0 %, hci-reference §9.13). The line is undriven (0 V) only before the first Start and
  after a restart.
* Measuring runs only while the service is started: Get State answers 6 (unknown) and the EV's
  Get PWM duty cycle answers 0 before Start, and no status is sent.
* Start reports the state it first measures with State Changed (p203: "the ADC of the EVSE will
  detect state A and the Control Pilot Service will send a State-Changed info message"); the
  EV's duty-cycle reference starts at 0 (no signal), so an EV that starts on a running PWM
  reports it with Duty Cycle Changed.
* Statuses follow a change of the line after ``detection_delay`` (ADC sampling and debouncing,
  20 ms by default), so they come after the response of the command that caused them.
* The default notification threshold is 10 ‰ (1 %, the value of the manual's example, p98).
"""

from __future__ import annotations

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.emulator.profiles import Role
from freev2g.emulator.world.cp_wire import X1, CpReading, CpWire
from freev2g.hci.catalog import cp
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState, ResistorLevel
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

BUSY = 0x01
UNEXPECTED = 0x05
DETECTION_DELAY = 0.020
DEFAULT_THRESHOLD = 10  # ‰


def ad_value(voltage: float) -> int:
    """The AD value whose conversion by the manual's formula gives ``voltage`` (p100)."""
    return max(0, round((voltage + 14.84) / 0.007172))


class ControlPilotService(Service):
    """The CP service of ``module``, at the end of ``wire`` that matches the firmware's role."""

    module_id = ModuleId.CONTROL_PILOT

    def __init__(self, module: EmulatedModule, wire: CpWire, *,
                 detection_delay: float = DETECTION_DELAY) -> None:
        super().__init__(module)
        self.wire = wire
        self.role = module.profile.role
        self.own_mode = ControlPilotMode.EVSE if self.role is Role.EVSE else ControlPilotMode.EV
        self.detection_delay = detection_delay
        self._epoch = 0  # drops measurements scheduled before the last Start, Stop or reset
        self._power_up()
        wire.subscribe(self.role, self._line_changed)

    def _power_up(self) -> None:
        self.mode = self.own_mode
        self.started = False
        self.duty_cycle = X1
        self.resistor_level = ResistorLevel.STATE_B
        self.threshold = DEFAULT_THRESHOLD
        self._reported_state: ControlPilotState | None = None
        self._reported_duty = 0

    @property
    def is_evse(self) -> bool:
        return self.role is Role.EVSE

    def handle(self, command: Command) -> Answer:
        match command:
            case cp.SetMode(mode=mode):
                if mode != self.own_mode:
                    return self.reject(command, UNEXPECTED)
                if self.started:
                    return self.reject(command, BUSY)
                self.mode = mode
                return command.Response()
            case cp.GetMode():
                return cp.GetMode.Response(mode=self.mode)
            case cp.Start():
                return self._start(command)
            case cp.Stop():
                return self._stop(command)
            case cp.GetState():
                state = self.wire.reading(self.role).state if self.started else ControlPilotState.UNKNOWN
                return cp.GetState.Response(state=state)
        if self.is_evse:
            return self._handle_evse(command)
        return self._handle_ev(command)

    def _handle_evse(self, command: Command) -> Answer:
        match command:
            case cp.SetPwmDutyCycle(duty_cycle=duty):
                self.duty_cycle = duty
                if self.started:
                    self.wire.set_duty_cycle(duty)
                return command.Response()
            case cp.GetPwmDutyCycle():
                return cp.GetPwmDutyCycle.Response(duty_cycle=self.duty_cycle)
            case cp.GetCpAdValue():
                return cp.GetCpAdValue.Response(ad_value=ad_value(self.wire.reading(Role.EVSE).voltage))
            case (cp.SetResistorLevel() | cp.GetResistorLevel() | cp.SetPwmDutyCycleNotificationThreshold()
                  | cp.GetPwmDutyCycleNotificationThreshold()):
                return self.reject(command, UNEXPECTED)
        return self.unknown(command)

    def _handle_ev(self, command: Command) -> Answer:
        match command:
            case cp.SetResistorLevel(resistor_level=level):
                self.resistor_level = ResistorLevel(level)
                if self.started:
                    self.wire.set_resistor(self.resistor_level)
                return command.Response()
            case cp.GetResistorLevel():
                return cp.GetResistorLevel.Response(resistor_level=self.resistor_level)
            case cp.GetPwmDutyCycle():
                measured = self.wire.reading(Role.EV).duty_cycle if self.started else 0
                return cp.GetPwmDutyCycle.Response(duty_cycle=measured)
            case cp.SetPwmDutyCycleNotificationThreshold(threshold_level=threshold):
                self.threshold = threshold
                return command.Response()
            case cp.GetPwmDutyCycleNotificationThreshold():
                return cp.GetPwmDutyCycleNotificationThreshold.Response(threshold_level=self.threshold)
            case cp.SetPwmDutyCycle() | cp.GetCpAdValue():
                return self.reject(command, UNEXPECTED)
        return self.unknown(command)

    def _start(self, command: Command) -> Answer:
        if self.started:
            return self.reject(command, UNEXPECTED)
        self.started = True
        self._epoch += 1
        self._reported_state, self._reported_duty = None, 0
        if self.is_evse:
            self.wire.set_duty_cycle(self.duty_cycle)
            self.wire.set_oscillator(True)
        else:
            self.wire.set_resistor(self.resistor_level)
        self._measure(self.wire.reading(self.role))  # the first measurement is always reported
        return command.Response()

    def _stop(self, command: Command) -> Answer:
        if not self.started:
            return self.reject(command, UNEXPECTED)
        self.started = False
        self._epoch += 1
        if self.is_evse:
            self.duty_cycle = X1
            self.wire.set_duty_cycle(X1)  # the generator stays on: X1 (p95)
        else:
            self.resistor_level = ResistorLevel.STATE_B
            self.wire.set_resistor(ResistorLevel.STATE_B)
        return command.Response()

    def reset(self, factory: bool) -> None:
        self._epoch += 1
        self._power_up()
        if self.is_evse:
            self.wire.set_oscillator(False)
            self.wire.set_duty_cycle(X1)
        else:
            self.wire.set_resistor(ResistorLevel.STATE_B)

    # -- measuring ------------------------------------------------------------------------------

    def _line_changed(self, reading: CpReading) -> None:
        if self.started:
            self._measure(reading)

    def _measure(self, reading: CpReading) -> None:
        epoch = self._epoch
        self.module.clock.call_later(self.detection_delay, lambda: self._report(epoch, reading))

    def _report(self, epoch: int, reading: CpReading) -> None:
        if epoch != self._epoch or not self.started:
            return
        if reading.state != self._reported_state:
            self._reported_state = reading.state
            self.module.emit(cp.StateChanged(state=reading.state))
        duty, last = reading.duty_cycle, self._reported_duty
        if not self.is_evse and duty != last and abs(duty - last) >= self.threshold:
            self._reported_duty = duty
            self.module.emit(cp.DutyCycleChanged(duty_cycle=duty))
