"""The power-line link between an EVSE and an EV: SLAC matching (ISO 15118-3) up to a joined AVLN.

Two SLAC services (or built-in peers) attach as listeners, one per role, and start matching:

* the EVSE is ready for a match for 50 s after Start SLAC Matching, then reports a failure
  (manual 2.14 p107, TT_EVSE_SLAC_init);
* the EV starts matching (p107: it sends CM_SLAC_PARM.REQ) and looks for a ready EVSE;
* the match runs when both are matching and the EV is plugged in (PLC rides on the CP wire), in
  phases timed as ISO 15118-3 allows (reference/iso15118-facts.md §3.4): parameter exchange and
  sounding, optional validation with BCB toggling (p104, p215-p216), CM_SLAC_MATCH and joining
  the network. Both sides then report success and the link is "linked": the V2G session runs
  over it (:attr:`PlcLink.on_link`).

Rules where neither the manual nor the facts file gives one (each is tested):

* **Attenuation**: the emulator treats the configured AttnRx (EVSE, p108) and AttnTxRef (EV,
  p109) values as extra loss of the signal path, in dB per group. After sounding the EV
  evaluates the mean over the 58 groups of ``path_attenuation + AttnRx[g] + AttnTxRef[g]``; when
  it exceeds ``max_attenuation`` the EV does not pick this EVSE and its matching fails.
* **Validation** runs when both sides enable it (Set Validation Configuration, p112): the EV asks
  for validation (CM_VALIDATE), an EVSE with validation disabled answers "not possible" and the
  EV carries on without it (p215). With both enabled the EVSE reports BCB Toggling Started with
  the window (0x82, p104), the EV toggles B-C-B ``bcb_toggles`` times inside the window, and the
  EVSE reports BCB Toggling Finished (0x83) ``bcb_result_margin`` after the window: the host's
  Set BCB Toggle Result must come before that (p104, p110). A missing or wrong count fails the
  EV's matching.
* **Failures** are reported by the side that notices them: the EV when the EVSE is not picked,
  validation fails or the link is lost during matching (after ``loss_timeout``, its requests
  going unanswered: 3 x TT_match_response); the EVSE only when its 50 s window ends without a
  match (a match still running then may finish first).
* **Unplug**, SLAC Stop or a new matching on either side drops an established link
  (``on_link(False)``); the manual has no status message for it, so the SLAC services stay quiet.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.profiles import Role
from freev2g.emulator.world.cp_wire import CpWire
from freev2g.hci.catalog.cp import ResistorLevel
from freev2g.hci.catalog.slac import GROUPS


@dataclass(frozen=True)
class PlcLinkConfig:
    """Timings in seconds (unless named otherwise) and the attenuation model, all adjustable."""

    slac_startup: float = 1.0
    """Start SLAC until the service is started (hci-reference §5.10: about 1-2 s)."""
    evse_ready_window: float = 50.0
    """EVSE ready for matching after Start SLAC Matching (p107; TT_EVSE_SLAC_init 20-50 s)."""
    ev_search_timeout: float = 10.0
    """EV repeating CM_SLAC_PARM.REQ without a ready EVSE (TT_matching_repetition 10 s)."""
    characterization: float = 0.7
    """CM_SLAC_PARM, CM_START_ATTEN_CHAR, 10 sounds, CM_ATTEN_CHAR (TT_EVSE_match_MNBC 600 ms)."""
    validation_request: float = 0.1
    """CM_VALIDATE step 1 and the step 2 request that carries the BCB window."""
    bcb_window_ms: int = 2000
    """BCB toggle window of CM_VALIDATE, reported in 0x82 (example value of p104)."""
    bcb_result_margin: float = 0.5
    """From the end of the window to BCB Toggling Finished (0x83); the host's deadline."""
    bcb_toggles: int = 1
    """B-C-B toggles the EV makes in the window (ISO 15118-3: 1 to 3)."""
    match_and_join: float = 0.6
    """CM_SLAC_MATCH.REQ/CNF, CM_SET_KEY and joining the logical network."""
    loss_timeout: float = 0.6
    """EV: unanswered requests until it gives up (3 x TT_match_response 200 ms)."""
    path_attenuation: float = 10.0
    """dB, the cable and coupling between the two modems."""
    max_attenuation: float = 70.0
    """dB, the highest mean attenuation the EV accepts."""

    def __post_init__(self) -> None:
        if not 1 <= self.bcb_toggles <= 3:
            raise ValueError("bcb_toggles must be 1..3 (ISO 15118-3)")
        if not 0 < self.bcb_window_ms <= 0xFFFF:
            raise ValueError("bcb_window_ms must fit the u16 of BCB Toggling Started")


class SlacListener(Protocol):
    """What a SLAC side hears from the link (a SLAC service or a built-in peer)."""

    def slac_matched(self) -> None: ...

    def slac_failed(self) -> None: ...

    def bcb_toggling_started(self, window_ms: int) -> None: ...

    def bcb_toggling_finished(self) -> None: ...


class _Phase(enum.Enum):
    CHARACTERIZATION = "characterization"
    VALIDATION = "validation"
    MATCH = "match"


@dataclass
class _Side:
    listener: SlacListener | None = None
    matching: bool = False
    validation: bool = False
    attenuation: bytes = bytes(GROUPS)
    timer: Timer | None = None

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class PlcLink:
    """SLAC matching between the two ends of one :class:`CpWire`; time from ``clock``."""

    def __init__(self, clock: Clock, wire: CpWire, config: PlcLinkConfig | None = None) -> None:
        self.clock = clock
        self.wire = wire
        self.config = config or PlcLinkConfig()
        self.on_link: list[Callable[[bool], None]] = []  # observers: linked, then link lost
        self._sides = {Role.EVSE: _Side(), Role.EV: _Side()}
        self._evse_deadline = 0.0
        self._phase: _Phase | None = None
        self._timers: list[Timer] = []
        self._restore: ResistorLevel | None = None  # the EV's level while a toggle holds C
        self._bcb_open = False
        self._bcb_result: int | None = None
        self._linked = False
        wire.subscribe_plug(self._plug_changed)

    def attach(self, role: Role, listener: SlacListener) -> None:
        self._sides[role].listener = listener

    @property
    def linked(self) -> bool:
        return self._linked

    @property
    def matching_in_progress(self) -> bool:
        return self._phase is not None

    @property
    def bcb_window_open(self) -> bool:
        """Between BCB Toggling Started and Finished: the EVSE takes a toggle result."""
        return self._bcb_open

    def signal_attenuation(self) -> float:
        """Mean attenuation in dB over the groups, as the EV evaluates it (module docstring)."""
        rx, tx = self._sides[Role.EVSE].attenuation, self._sides[Role.EV].attenuation
        return self.config.path_attenuation + sum(rx[g] + tx[g] for g in range(GROUPS)) / GROUPS

    # -- commands from the sides ----------------------------------------------------------------

    def start_matching(self, role: Role, *, validation: bool, attenuation: bytes) -> None:
        """Start SLAC Matching Process on ``role``'s side (p107)."""
        if len(attenuation) != GROUPS:
            raise ValueError(f"attenuation needs {GROUPS} values")
        self._unlink()
        side = self._sides[role]
        side.cancel()
        side.matching = False  # a restart is no failure of this side
        if self._phase is not None:
            self._abort(notify_ev=role is Role.EVSE)
        side.matching, side.validation, side.attenuation = True, validation, bytes(attenuation)
        if role is Role.EVSE:
            self._evse_deadline = self.clock.now() + self.config.evse_ready_window
            side.timer = self.clock.call_later(self.config.evse_ready_window, self._evse_timeout)
        else:
            side.timer = self.clock.call_later(self.config.ev_search_timeout, self._ev_fail)
        self._try_begin()

    def stop(self, role: Role) -> None:
        """``role`` left SLAC (Stop SLAC, module restart): no status for it, the link drops."""
        self._unlink()
        side = self._sides[role]
        was_matching, side.matching = side.matching, False
        side.cancel()
        if self._phase is not None and was_matching:
            self._abort(notify_ev=role is Role.EVSE)

    def set_bcb_result(self, toggles: int) -> bool:
        """The EVSE host's count of BCB toggles (p110); False when no window is open."""
        if not self._bcb_open:
            return False
        self._bcb_result = toggles
        return True

    # -- the match ------------------------------------------------------------------------------

    def _try_begin(self) -> None:
        evse, ev = self._sides[Role.EVSE], self._sides[Role.EV]
        if self._phase is None and evse.matching and ev.matching and self.wire.plugged:
            ev.cancel()  # the EV found its EVSE
            self._enter(_Phase.CHARACTERIZATION, self.config.characterization, self._characterized)

    def _enter(self, phase: _Phase, delay: float, then: Callable[[], None]) -> None:
        self._phase = phase
        self._timers.append(self.clock.call_later(delay, then))

    def _characterized(self) -> None:
        evse, ev = self._sides[Role.EVSE], self._sides[Role.EV]
        if self.signal_attenuation() > self.config.max_attenuation:
            self._end_session()
            self._ev_fail()
        elif evse.validation and ev.validation:
            self._enter(_Phase.VALIDATION, self.config.validation_request, self._bcb_start)
        else:
            self._enter(_Phase.MATCH, self.config.match_and_join, self._matched)

    def _bcb_start(self) -> None:
        cfg = self.config
        window = cfg.bcb_window_ms / 1000
        self._bcb_open, self._bcb_result = True, None
        slot = window / cfg.bcb_toggles
        for k in range(cfg.bcb_toggles):  # C for the middle of each slot, B around it
            self._timers.append(self.clock.call_later(slot * (k + 0.25), self._toggle_c))
            self._timers.append(self.clock.call_later(slot * (k + 0.6), self._toggle_back))
        self._timers.append(self.clock.call_later(window + cfg.bcb_result_margin, self._bcb_end))
        listener = self._sides[Role.EVSE].listener
        if listener is not None:
            listener.bcb_toggling_started(cfg.bcb_window_ms)

    def _toggle_c(self) -> None:
        self._restore = self.wire.resistor
        self.wire.set_resistor(ResistorLevel.STATE_C)

    def _toggle_back(self) -> None:
        if self._restore is not None:
            level, self._restore = self._restore, None
            self.wire.set_resistor(level)

    def _bcb_end(self) -> None:
        self._bcb_open = False
        listener = self._sides[Role.EVSE].listener
        if listener is not None:
            listener.bcb_toggling_finished()
        if self._bcb_result == self.config.bcb_toggles:
            self._enter(_Phase.MATCH, self.config.match_and_join, self._matched)
        else:
            self._end_session()
            self._ev_fail()

    def _matched(self) -> None:
        self._end_session()
        for side in self._sides.values():
            side.cancel()
            side.matching = False
        self._linked = True
        for side in self._sides.values():
            if side.listener is not None:
                side.listener.slac_matched()
        for observer in list(self.on_link):
            observer(True)

    # -- endings --------------------------------------------------------------------------------

    def _end_session(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._toggle_back()
        self._phase = None
        self._bcb_open = False
        self._bcb_result = None

    def _abort(self, *, notify_ev: bool) -> None:
        """The match in progress ends unfinished; the EV notices after its loss timeout."""
        self._end_session()
        ev = self._sides[Role.EV]
        if notify_ev and ev.matching:
            ev.cancel()
            ev.timer = self.clock.call_later(self.config.loss_timeout, self._ev_fail)
        self._evse_late_failure()

    def _ev_fail(self) -> None:
        ev = self._sides[Role.EV]
        ev.cancel()
        ev.matching = False
        if ev.listener is not None:
            ev.listener.slac_failed()
        self._evse_late_failure()

    def _evse_timeout(self) -> None:
        self._sides[Role.EVSE].timer = None
        if self._phase is None:  # a match still running may finish after the window
            self._evse_fail()

    def _evse_late_failure(self) -> None:
        evse = self._sides[Role.EVSE]
        if evse.matching and self._phase is None and self.clock.now() >= self._evse_deadline:
            self._evse_fail()

    def _evse_fail(self) -> None:
        evse = self._sides[Role.EVSE]
        evse.cancel()
        evse.matching = False
        if evse.listener is not None:
            evse.listener.slac_failed()

    def _unlink(self) -> None:
        if self._linked:
            self._linked = False
            for observer in list(self.on_link):
                observer(False)

    def _plug_changed(self, plugged: bool) -> None:
        if plugged:
            self._try_begin()
            return
        self._unlink()
        if self._phase is not None:
            self._abort(notify_ev=True)
