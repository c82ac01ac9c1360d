"""The built-in simulated charger: the EVSE end of a charging cable without an emulated module.

It does what an EVSE module and its host do together (hci-reference §5.7), decided at once:

* CP: the generator runs at 100 % (state A while nothing is plugged in); when a car plugs in
  (state B) it switches to 5 % (ISO 15118-3: digital communication) and starts SLAC matching as
  the EVSE; back to 100 % and SLAC stopped when the car unplugs;
* SLAC failed while the car is still plugged in: matching starts again after ``slac_retry_delay``;
  the link lost while it stays plugged in (the EV starts a new matching for its next session):
  matching starts again at once;
* once matched it listens on the V2G network and runs a :class:`~freev2g.emulator.v2g.secc.Secc`
  on every accepted connection, one at a time, with a :class:`SimulatedEvseController` driving a
  :class:`~freev2g.models.SimulatedCharger` (or any :class:`~freev2g.models.PowerStage`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.emulator.assembly import World
from freev2g.emulator.clock import Timer
from freev2g.emulator.peers.evse_controller import EvseSettings, SessionRecord, SimulatedEvseController
from freev2g.emulator.profiles import Role
from freev2g.emulator.v2g.link import LinkEnd
from freev2g.emulator.v2g.secc import Secc
from freev2g.emulator.v2g.secc_api import SessionEnd
from freev2g.emulator.world.cp_wire import X1, CpReading
from freev2g.hci.catalog.cp import ControlPilotState
from freev2g.hci.catalog.slac import GROUPS
from freev2g.models import ChargerLimits, IsolationVerdict, PowerStage, RampRates, SimulatedCharger

log = logging.getLogger("freev2g.emulator.peers")

DIGITAL_COMMUNICATION = 50  # ‰: a 5 % duty cycle asks for ISO 15118 / DIN communication
_PLUGGED = (ControlPilotState.B, ControlPilotState.C, ControlPilotState.D)


@dataclass(frozen=True, kw_only=True)
class ChargerConfig:
    """The simulated charger: its power stage and what it offers (:class:`EvseSettings`)."""

    limits: ChargerLimits = field(default_factory=lambda: ChargerLimits(
        max_voltage=500.0, max_current=200.0, max_power=50_000.0, min_voltage=50.0))
    ramp: RampRates = field(default_factory=RampRates)
    isolation_test_duration: float = 1.0  # s
    isolation_verdict: IsolationVerdict = IsolationVerdict.VALID
    evse: EvseSettings = field(default_factory=EvseSettings)
    slac_retry_delay: float = 1.0  # s


class SimulatedChargerPeer:
    """The EVSE end of ``world``: CP, SLAC and SECC sessions (see the module docstring).

    ``stage`` replaces the simulated power stage (real power electronics, a test double).
    """

    def __init__(self, world: World, config: ChargerConfig | None = None, *,
                 stage: PowerStage | None = None) -> None:
        self.world = world
        self.config = config or ChargerConfig()
        cfg = self.config
        self.stage: PowerStage = stage or SimulatedCharger(
            cfg.limits, cfg.ramp, isolation_test_duration=cfg.isolation_test_duration,
            isolation_verdict=cfg.isolation_verdict)
        self.controller = SimulatedEvseController(world.clock.now, self.stage, cfg.evse)
        self.controller.on_session_ended.append(self._session_ended)
        self.secc: Secc | None = None
        self.matching = False
        self._retry: Timer | None = None
        self._closed = False
        self._unsubscribe: Callable[[], None] = world.wire.subscribe(Role.EVSE, self._cp_changed)
        world.plc.attach(Role.EVSE, self)
        world.plc.on_link.append(self._link_changed)
        world.wire.set_duty_cycle(X1)
        world.wire.set_oscillator(True)
        self._cp_changed(world.wire.reading(Role.EVSE))

    @property
    def sessions(self) -> list[SessionRecord]:
        return self.controller.records

    def close(self) -> None:
        """Stop everything this peer runs: the session, listening, SLAC and the CP generator."""
        if self._closed:
            return
        self._closed = True
        self._cancel_retry()
        self._unsubscribe()
        if self._link_changed in self.world.plc.on_link:
            self.world.plc.on_link.remove(self._link_changed)
        if self.secc is not None and self.secc.active:
            self.secc.abort("charger closed")
        self.world.network.stop_listening()
        self.world.plc.stop(Role.EVSE)
        self.world.wire.set_oscillator(False)

    # --- CP ---------------------------------------------------------------------------------------

    def _cp_changed(self, reading: CpReading) -> None:
        if self._closed:
            return
        plugged = reading.state in _PLUGGED
        wire = self.world.wire
        if plugged and wire.duty_cycle != DIGITAL_COMMUNICATION:
            wire.set_duty_cycle(DIGITAL_COMMUNICATION)
            self._start_matching()
        elif reading.state is ControlPilotState.A and wire.duty_cycle != X1:
            log.debug("simulated charger: car unplugged")
            self._cancel_retry()
            self.matching = False
            self.world.network.stop_listening()
            self.world.plc.stop(Role.EVSE)
            wire.set_duty_cycle(X1)

    def _start_matching(self) -> None:
        self._retry = None
        if self._closed or self.world.wire.reading(Role.EVSE).state not in _PLUGGED:
            return
        self.matching = True
        self.world.plc.start_matching(Role.EVSE, validation=False, attenuation=bytes(GROUPS))

    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    # --- SLAC (SlacListener) ------------------------------------------------------------------------

    def slac_matched(self) -> None:
        self.matching = False
        self.world.network.listen(self._accept)

    def _link_changed(self, linked: bool) -> None:
        """A car that stays plugged in may match again (a new session, or the EV restarted SLAC):
        be ready for it, as after plug-in."""
        if not linked and not self._closed and not self.matching:
            self._cancel_retry()
            self._start_matching()

    def slac_failed(self) -> None:
        self.matching = False
        if not self._closed and self._retry is None:
            self._retry = self.world.clock.call_later(self.config.slac_retry_delay, self._start_matching)

    def bcb_toggling_started(self, window_ms: int) -> None:
        """Validation is never asked for by this peer (it matches with validation disabled)."""

    def bcb_toggling_finished(self) -> None:
        """See :meth:`bcb_toggling_started`."""

    # --- V2G ----------------------------------------------------------------------------------------

    def _accept(self, end: LinkEnd) -> None:
        if self.secc is not None and self.secc.active:
            log.info("simulated charger: a second connection while a session runs, refused")
            end.close()
            return
        self.controller.new_session()
        self.secc = Secc(self.world.clock, end, self.controller)

    def _session_ended(self, end: SessionEnd) -> None:
        log.info("simulated charger: session ended, %s %s", end.kind.value, end.reason)

