"""The built-in simulated car: the EV end of a charging cable without an emulated module.

What an EV module and its host do together (hci-reference §5.8), decided from a battery model:

1. ``plug_in_delay`` after creation it plugs into the CP wire (state B, 2.74 kΩ);
2. when the EVSE's 5 % duty cycle appears it starts SLAC matching as the EV (ISO 15118-3);
   a failed matching is retried while the plug is in and the duty cycle still says 5 %;
3. once matched it runs one :class:`~freev2g.emulator.v2g.evcc.Evcc` session with a
   :class:`CarController`; it switches to state C when it is ready for energy (DC: before the cable
   check, as DIN SPEC 70121 requires; AC: before PowerDelivery(Start)) and back to B after
   PowerDelivery(Stop);
4. after the session it unplugs (``unplug_delay`` later), unless configured to stay.

Faults for tests: ``unplug_at`` pulls the plug at a :class:`SessionPoint`, ``silent_at`` makes the
EVCC stop talking there (the SECC's timeouts must end the session).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from freev2g.emulator.assembly import World
from freev2g.emulator.clock import Timer
from freev2g.emulator.peers.car_controller import CarConfig, CarController, SessionPoint
from freev2g.emulator.profiles import Role
from freev2g.emulator.v2g.evcc import Evcc
from freev2g.emulator.v2g.evcc_api import EvStep
from freev2g.emulator.v2g.secc_api import SessionEnd
from freev2g.emulator.world.cp_wire import CpReading
from freev2g.hci.catalog.cp import ResistorLevel
from freev2g.hci.catalog.slac import GROUPS
from freev2g.models import Battery

__all__ = ["CarConfig", "SessionPoint", "SimulatedCar"]

log = logging.getLogger("freev2g.emulator.peers")

_DIGITAL = range(30, 71)  # ‰: 5 % nominal, with the tolerance IEC 61851-1 allows (3-7 %)
SLAC_RETRY_DELAY = 1.0  # s


class SimulatedCar:
    """The EV end of ``world`` (see the module docstring)."""

    def __init__(self, world: World, config: CarConfig | None = None) -> None:
        self.world = world
        self.config = config or CarConfig()
        battery_config = dataclasses.replace(self.config.battery, target_soc=self.config.stop_soc)
        self.battery = Battery(battery_config)
        self.controller = CarController(world.clock.now, self.config, self.battery, self)
        self.evcc: Evcc | None = None
        self.plugged = False
        self.matching = False
        self.session_done = False
        self._closed = False
        self._timers: list[Timer] = []
        self._unsubscribe: Callable[[], None] = world.wire.subscribe(Role.EV, self._cp_changed)
        world.plc.attach(Role.EV, self)
        self._later(self.config.plug_in_delay, self.plug_in)

    @property
    def end(self) -> SessionEnd | None:
        return self.controller.end

    def plug_in(self) -> None:
        if self._closed or self.plugged:
            return
        self.plugged = True
        wire = self.world.wire
        wire.set_resistor(ResistorLevel.STATE_B)
        wire.plug_in()
        self._cp_changed(wire.reading(Role.EV))

    def unplug(self) -> None:
        if not self.plugged:
            return
        self.plugged = False
        self.matching = False
        self.world.plc.stop(Role.EV)
        self.world.wire.set_resistor(ResistorLevel.STATE_B)
        self.world.wire.unplug()

    def close(self) -> None:
        """Stop the session, cancel what is scheduled, leave the wire unplugged."""
        if self._closed:
            return
        self._closed = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self.evcc is not None and self.evcc.active:
            self.evcc.abort("car closed")
        self._unsubscribe()
        self.unplug()

    # --- CP and SLAC --------------------------------------------------------------------------------

    def _cp_changed(self, reading: CpReading) -> None:
        if self._closed or not self.plugged or self.matching or self.evcc is not None:
            return
        if reading.duty_cycle in _DIGITAL:
            self._start_matching()

    def _start_matching(self) -> None:
        if self._closed or not self.plugged or self.evcc is not None:
            return
        if self.world.wire.reading(Role.EV).duty_cycle not in _DIGITAL:
            return
        self.matching = True
        self.world.plc.start_matching(Role.EV, validation=False, attenuation=bytes(GROUPS))
        self.reached(SessionPoint.SLAC)

    def slac_matched(self) -> None:
        self.matching = False
        if self._closed or self.evcc is not None:
            return
        self.evcc = Evcc(self.world.clock, self.world.network, self.controller)
        self.evcc.start()

    def slac_failed(self) -> None:
        self.matching = False
        if not self._closed and self.plugged and self.evcc is None:
            self._later(SLAC_RETRY_DELAY, self._start_matching)

    def bcb_toggling_started(self, window_ms: int) -> None:
        """Only the EVSE side hears this; the car matches without validation."""

    def bcb_toggling_finished(self) -> None:
        """See :meth:`bcb_toggling_started`."""

    # --- the session (CarEvents) ------------------------------------------------------------------

    def session_step(self, step: EvStep) -> None:
        if step in (EvStep.CHARGING_STOPPED, EvStep.POST_CHARGING_READY) and self.plugged:
            self.world.wire.set_resistor(ResistorLevel.STATE_B)

    def ready_for_energy(self) -> None:
        if self.plugged:
            self.world.wire.set_resistor(ResistorLevel.STATE_C)

    def session_ended(self, end: SessionEnd) -> None:
        log.info("simulated car: session ended, %s %s", end.kind.value, end.reason)
        self.session_done = True
        if self.plugged:
            self.world.wire.set_resistor(ResistorLevel.STATE_B)
        if self.config.unplug_after_session:
            self._later(self.config.unplug_delay, self.unplug)

    def reached(self, point: SessionPoint) -> None:
        if point is self.config.unplug_at:
            self._later(self.config.fault_delay, self._fault_unplug)
        if point is self.config.silent_at:
            self._later(self.config.fault_delay, self._fault_silence)

    def _fault_unplug(self) -> None:
        log.info("simulated car: unplugged in the middle (fault)")
        self.unplug()

    def _fault_silence(self) -> None:
        log.info("simulated car: goes silent (fault)")
        if self.evcc is not None:
            self.evcc.silence()

    def _later(self, delay: float, callback: Callable[[], None]) -> None:
        """Schedule ``callback``; :meth:`close` cancels what has not run yet."""
        def run() -> None:
            self._timers.remove(timer)
            callback()

        timer = self.world.clock.call_later(delay, run)
        self._timers.append(timer)

