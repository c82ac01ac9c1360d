"""Where the dashboard's values come from (:mod:`freev2g.apps.dashboard`).

One :class:`SessionView` per application holds what is shown. It is fed by

* :class:`DashboardConsole`: the application's session lines (the state from the seed's
  headings; optionally the SOC and the EVSE's present values from the lines that carry them);
* :class:`ObservedStage`: the EVSE's power stage, whose present output the session asks for
  each loop (:class:`~freev2g.apps.evse.charging.ChargerDriver`);
* :class:`DashboardFeed`: the decoded frames of the module link (:func:`observed_link`) and the
  session events of :mod:`freev2g.sessionlog.events`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO, cast

from freev2g.apps.console import Console
from freev2g.client.whitebeet import Link
from freev2g.models.charger import ChargerLimits, IsolationVerdict, PowerStage

# -- the values shown -------------------------------------------------------------------------


@dataclass
class SessionView:
    """What one application's part of the dashboard shows. Energy is integrated from the power
    samples (trapezoids) unless the application reports its own figure at the session's end."""

    title: str
    target_soc: float | None = None
    state: str = "starting"
    voltage: float | None = None
    current: float | None = None
    power: float | None = None
    soc: float | None = None
    energy_wh: float = 0.0
    time_scale: float = 1.0  # the demo's battery time: energy counts this much faster
    changes: int = 0  # bumped on every update: the plain fallback prints only when it moved
    _last_sample: tuple[float, float] | None = field(default=None, repr=False)

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.changes += 1

    def sample(self, voltage: float, current: float, power: float | None = None,
               now: float | None = None) -> None:
        """The present output (EVSE) or input (EV): voltage V, current A, power W."""
        now = time.monotonic() if now is None else now
        watts = voltage * current if power is None else power
        if self._last_sample is not None and now > self._last_sample[0]:
            then, before = self._last_sample
            self.energy_wh += (before + watts) / 2 * (now - then) * self.time_scale / 3600
        self._last_sample = (now, watts)
        self.voltage, self.current, self.power = voltage, current, watts
        self.changes += 1

    def set_soc(self, soc: float) -> None:
        self.soc = soc
        self.changes += 1

    def new_session(self) -> None:
        self.energy_wh, self._last_sample = 0.0, None

    def plain_line(self) -> str:
        """The fallback's status line."""
        return (f"[{self.title}] {self.state}: {value_text(self.voltage, 'V')},"
                f" {value_text(self.current, 'A')},"
                f" {value_text(None if self.power is None else self.power / 1000, 'kW', 2)},"
                f" SOC {value_text(self.soc, '%')} -> {value_text(self.target_soc, '%', 0)},"
                f" {self.energy_wh / 1000:.3f} kWh")


def value_text(value: float | None, unit: str, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f} {unit}"


# -- where the values come from ---------------------------------------------------------------

STATE_LINES: tuple[tuple[str, str], ...] = (
    # (text the line starts with or contains, state); the first match wins
    ("Wait until an EV connects", "waiting for the EV"),
    ("Wait until the EV is unplugged", "waiting for the unplug"),
    ("EV already connected", "EV connected"),
    ("EV connected", "EV connected"),
    ("EVSE connected", "EVSE connected"),
    ("Start SLAC matching", "SLAC matching"),
    ("SLAC matching successful", "SLAC matched"),
    ("SLAC matching failed", "SLAC failed"),
    ("SLAC matching timed out", "SLAC failed"),
    ('"Session started" received', "session started"),
    ('"Request Authorization" received', "authorization"),
    ("cable check", "cable check"),
    ("pre charg", "pre-charge"),
    ("precharg", "pre-charge"),
    ('"Request Start Charging" received', "charging"),
    ('"Charging Started" received', "charging"),
    ('"Request Stop Charging" received', "stopping"),
    ('"Charging Stopped" received', "stopping"),
    ("welding detection", "welding detection"),
    ('"Post Charging Ready" received', "welding detection"),
    ("session stopped", "session stopped"),
    ("EV disconnected", "unplugged"),
    ("loop finished", "finished"),
)
_NUMBER = r"(-?\d+(?:\.\d+)?)"
SOC_LINES = (re.compile(rf"^SOC: {_NUMBER}%$"), re.compile(rf"^\t\._soc:\s+{_NUMBER}$"))
TARGET_LINES = (re.compile(rf"^Full SOC: {_NUMBER}%$"),)
EVSE_PRESENT = (re.compile(rf"^\tEVSE present voltage: {_NUMBER}$"),
                re.compile(rf"^\tEVSE present current: {_NUMBER}$"))


def state_of(line: str) -> str | None:
    """The session state a session line announces, if any."""
    if line.startswith(("Error:", "Module error:")):
        return "error"
    lowered = line.lower()
    for text, state in STATE_LINES:
        if text.lower() in lowered:
            return state
    return None


class DashboardConsole(Console):
    """The console an application prints to under the dashboard: it keeps the lines as any
    console does, hands each to ``printer`` (the live view prints them above itself) and reads
    the state and values out of them for its :class:`SessionView`."""

    def __init__(self, view: SessionView, prefix: str = "", *, printer: Callable[[str], None] | None = None,
                 stream: TextIO | None = None, echo: bool = True, values_from_lines: bool = True) -> None:
        super().__init__(prefix, stream, echo=echo and printer is None)
        self.view = view
        self.printer = printer if echo else None
        self.values_from_lines = values_from_lines
        self._voltage: float | None = None

    def line(self, text: str) -> None:
        super().line(text)
        if self.printer is not None:
            self.printer(f"{self.prefix}{text}")
        self.observe(text)

    def observe(self, text: str) -> None:
        state = state_of(text)
        if state is not None:
            if state == "session started":
                self.view.new_session()
            self.view.set_state(state)
        if not self.values_from_lines:
            return
        for pattern in SOC_LINES:
            if match := pattern.match(text):
                self.view.set_soc(float(match.group(1)))
        if self.view.target_soc is None:
            for pattern in TARGET_LINES:
                if match := pattern.match(text):
                    self.view.target_soc = float(match.group(1))
        if match := EVSE_PRESENT[0].match(text):
            self._voltage = float(match.group(1))
        elif (match := EVSE_PRESENT[1].match(text)) and self._voltage is not None:
            self.view.sample(self._voltage, float(match.group(1)))


class ObservedStage:
    """A :class:`~freev2g.models.charger.PowerStage` that shows every present output it reports
    on a :class:`SessionView` and otherwise does what the stage it wraps does."""

    def __init__(self, stage: PowerStage, view: SessionView, *, phases: int = 1) -> None:
        self.stage = stage
        self.view = view
        self.phases = phases  # AC: the stage models one phase of the three

    @property
    def limits(self) -> ChargerLimits:
        return self.stage.limits

    @property
    def output_on(self) -> bool:
        return self.stage.output_on

    def set_ev_limits(self, max_voltage: float, max_current: float, max_power: float | None) -> None:
        self.stage.set_ev_limits(max_voltage, max_current, max_power)

    def set_power_limit(self, watts: float | None) -> None:
        self.stage.set_power_limit(watts)

    def set_target(self, voltage: float, current: float, now: float) -> None:
        self.stage.set_target(voltage, current, now)

    def pre_charge(self, voltage: float, current_limit: float, now: float) -> None:
        self.stage.pre_charge(voltage, current_limit, now)

    def present(self, now: float) -> tuple[float, float]:
        voltage, current = self.stage.present(now)
        self.view.sample(voltage, current, voltage * current * self.phases, now)
        return voltage, current

    def limits_achieved(self, now: float) -> tuple[bool, bool, bool]:
        return self.stage.limits_achieved(now)

    def isolation_test(self, now: float) -> IsolationVerdict | None:
        return self.stage.isolation_test(now)

    def stop(self, now: float) -> None:
        self.stage.stop(now)


class EventSink(Protocol):
    def write(self, record_type: str, **fields: Any) -> None: ...


class DashboardFeed:
    """Session records shown on a view. It writes like the session log's ``RoleLog``, so it can
    stand where a role log goes: as the target of a :class:`~freev2g.sessionlog.LoggedLink`
    (``frame`` records: the SOC the EV reports or the module passes on, the present voltage and
    current the EVSE host sends or the EV module reports, see :func:`observed_link`) and of
    :func:`freev2g.sessionlog.events.recording` (``state``, ``charger``, ``battery``,
    ``session_end``). ``inner`` is the log the records also go to (``--log`` with
    ``--dashboard``); ``samples_from_frames`` False leaves voltage and current to another source
    (the EVSE's :class:`ObservedStage`)."""

    def __init__(self, view: SessionView, inner: EventSink | None = None, *,
                 samples_from_frames: bool = True) -> None:
        self.view = view
        self.inner = inner
        self.samples_from_frames = samples_from_frames
        self.role = getattr(inner, "role", view.title)
        self.counts: Counter[str] = Counter()

    def write(self, record_type: str, **fields: Any) -> None:
        if self.inner is not None:
            self.inner.write(record_type, **fields)
        self.counts[record_type] += 1
        if record_type == "frame":
            self._frame(fields.get("fields"))
        elif record_type == "state" and fields.get("state"):
            self.view.set_state(str(fields["state"]))
        elif record_type == "charger" and None not in (fields.get("voltage"), fields.get("current")):
            self.view.sample(float(fields["voltage"]), float(fields["current"]),
                             None if fields.get("power") is None else float(fields["power"]))
        elif record_type == "battery" and fields.get("soc") is not None:
            self.view.set_soc(float(fields["soc"]))
        elif record_type == "session_end" and fields.get("energy_wh") is not None:
            self.view.energy_wh = float(fields["energy_wh"])

    def _frame(self, fields: Any) -> None:
        """The values a decoded V2G frame carries: ``soc`` (EV charging parameters, manual 2.14
        p227-p229; the EVSE's charge parameter statuses, p155-p157, also inside ``dc``),
        ``present_voltage`` / ``present_current`` (the EVSE's updates, p149; the EV's
        charge parameters changed, p233)."""
        if not isinstance(fields, dict):
            return
        dc = fields.get("dc")
        soc = fields.get("soc", dc.get("soc") if isinstance(dc, dict) else None)
        if isinstance(soc, int | float):
            self.view.set_soc(float(soc))
        full = fields.get("full_soc", dc.get("full_soc") if isinstance(dc, dict) else None)
        if self.view.target_soc is None and isinstance(full, int | float) and full > 0:
            self.view.target_soc = float(full)  # the EV's "full" when nobody said where it stops
        voltage, current = fields.get("present_voltage"), fields.get("present_current")
        if self.samples_from_frames and isinstance(voltage, int | float) and isinstance(current, int | float):
            self.view.sample(float(voltage), float(current))


def observed_link(link: Link, feed: DashboardFeed) -> Link:
    """``link`` with every frame it carries decoded for ``feed`` (the bytes pass unchanged)."""
    from freev2g.sessionlog import LoggedLink
    from freev2g.sessionlog.writer import RoleLog

    return LoggedLink(link, cast(RoleLog, feed))
