"""The control pilot wire between an EVSE and an EV (IEC 61851-1; manual 2.14 §15, p92-p101).

The EVSE end drives the line: its generator ("oscillator") is off until CP Start (p203: Start
"forces the EVSE to generate a 12V voltage on the CP line") and, when on, puts out +12 V
constantly (duty cycle 1000 ‰, state X1), a 1 kHz PWM (1-999 ‰, X2) or -12 V constantly (0 ‰,
state F, p95). The EV end is plugged in or not and loads the line with its resistors: level 0
(2.74 kΩ only, state B), 1 (state C) or 2 (state D) (p97).

Each end measures the positive level of the line and classifies it: 12 V A, 9 V B, 6 V C, 3 V D,
0 V E, -12 V F (p98). Decisions where the manual is silent:

* The 2.74 kΩ resistor is always present on a plugged-in EV (IEC 61851-1 requires it); an EV
  whose CP service is not started still pulls the line to state B.
* An undriven line (EVSE generator off, or a short) reads 0 V: state E on both ends.
* "The EV will only detect modes B-E" (p98): an EV that is unplugged, or that sees the constant
  -12 V of state F, measures no positive level and reports E. Its measured duty cycle is 0 then.
* Changes propagate at once: no settling time on the wire itself. The services that measure the
  line add their own detection delay (see ``services/cp.py``).

Observers are called in the order the changes happened, also when an observer changes the wire
from inside its callback (the notifications are queued, never nested).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from freev2g.emulator.profiles import Role
from freev2g.hci.catalog.cp import ControlPilotState, ResistorLevel

X1 = 1000
"""Duty cycle of a constant +12 V (100 %, state X1)."""

VOLTAGE: dict[ControlPilotState, float] = {
    ControlPilotState.A: 12.0, ControlPilotState.B: 9.0, ControlPilotState.C: 6.0,
    ControlPilotState.D: 3.0, ControlPilotState.E: 0.0, ControlPilotState.F: -12.0,
}
"""Nominal positive level of each state (p98)."""

_LOADED = {
    ResistorLevel.STATE_B: ControlPilotState.B,
    ResistorLevel.STATE_C: ControlPilotState.C,
    ResistorLevel.STATE_D: ControlPilotState.D,
}


@dataclass(frozen=True)
class CpReading:
    """What one end of the wire measures."""

    state: ControlPilotState
    duty_cycle: int  # permille; 0 when no PWM is seen
    voltage: float  # the level the end measures, in V

    @classmethod
    def of(cls, state: ControlPilotState, duty_cycle: int = 0) -> CpReading:
        return cls(state, duty_cycle, VOLTAGE[state])


Observer = Callable[[CpReading], None]


class CpWire:
    """One CP line with an EVSE end and an EV end; no I/O, no clock."""

    def __init__(self) -> None:
        self._oscillator = False
        self._duty_cycle = X1
        self._plugged = False
        self._resistor = ResistorLevel.STATE_B
        self._shorted = False
        self._observers: dict[Role, list[Observer]] = {Role.EVSE: [], Role.EV: []}
        self._plug_observers: list[Callable[[bool], None]] = []
        self._last = {role: self.reading(role) for role in Role}
        self._last_plugged = False
        self._queue: deque[Callable[[], None]] = deque()
        self._delivering = False

    # -- EVSE end -------------------------------------------------------------------------------

    @property
    def oscillator(self) -> bool:
        return self._oscillator

    @property
    def duty_cycle(self) -> int:
        """The duty cycle the EVSE puts out (also while its generator is off)."""
        return self._duty_cycle

    def set_oscillator(self, running: bool) -> None:
        """Switch the EVSE's CP generator on (drive the line per the duty cycle) or off (0 V)."""
        self._oscillator = running
        self._changed()

    def set_duty_cycle(self, permille: int) -> None:
        if not 0 <= permille <= X1:
            raise ValueError(f"duty cycle {permille} ‰ is outside 0..1000")
        self._duty_cycle = permille
        self._changed()

    # -- EV end ---------------------------------------------------------------------------------

    @property
    def plugged(self) -> bool:
        return self._plugged

    @property
    def resistor(self) -> ResistorLevel:
        return self._resistor

    def plug_in(self) -> None:
        self._plugged = True
        self._changed()

    def unplug(self) -> None:
        self._plugged = False
        self._changed()

    def set_resistor(self, level: ResistorLevel) -> None:
        self._resistor = ResistorLevel(level)
        self._changed()

    # -- faults ---------------------------------------------------------------------------------

    def short_circuit(self, shorted: bool) -> None:
        """Fault injection: CP shorted to PE, 0 V (state E) on both ends."""
        self._shorted = shorted
        self._changed()

    # -- measuring ------------------------------------------------------------------------------

    def reading(self, role: Role) -> CpReading:
        """What the ``role`` end measures now."""
        if self._shorted or not self._oscillator:
            return CpReading.of(ControlPilotState.E)
        if self._duty_cycle == 0:  # constant -12 V: state F, no positive level for the EV
            return CpReading.of(ControlPilotState.F) if role is Role.EVSE else CpReading(
                ControlPilotState.E, 0, VOLTAGE[ControlPilotState.F])
        if not self._plugged:
            if role is Role.EV:
                return CpReading.of(ControlPilotState.E)
            return CpReading.of(ControlPilotState.A, self._duty_cycle)
        return CpReading.of(_LOADED[self._resistor], self._duty_cycle)

    def subscribe(self, role: Role, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` with each new reading of the ``role`` end; returns an unsubscriber."""
        self._observers[role].append(observer)
        return lambda: self._observers[role].remove(observer)

    def subscribe_plug(self, observer: Callable[[bool], None]) -> Callable[[], None]:
        """Call ``observer(plugged)`` on plug-in and unplug."""
        self._plug_observers.append(observer)
        return lambda: self._plug_observers.remove(observer)

    def _changed(self) -> None:
        if self._plugged != self._last_plugged:
            self._last_plugged = plugged = self._plugged
            self._queue.extend(_bind_bool(o, plugged) for o in list(self._plug_observers))
        for role in Role:
            now = self.reading(role)
            if now != self._last[role]:
                self._last[role] = now
                self._queue.extend(_bind(o, now) for o in list(self._observers[role]))
        if self._delivering:
            return
        self._delivering = True
        try:
            while self._queue:
                self._queue.popleft()()
        finally:
            self._delivering = False
            self._queue.clear()


def _bind(observer: Observer, reading: CpReading) -> Callable[[], None]:
    return lambda: observer(reading)


def _bind_bool(observer: Callable[[bool], None], value: bool) -> Callable[[], None]:
    return lambda: observer(value)
