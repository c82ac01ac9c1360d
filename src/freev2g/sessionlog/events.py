"""The session events the applications report, for the log of the task that runs them.

An application calls these functions where something happens (they cost one context-variable
look-up when nothing is logged). Which log, and under which role, is chosen by whoever starts
the application: ``with recording(role_log): await run_evse(...)``, or
``recording(role_log)`` around ``asyncio.create_task`` (a task copies the context it was
created in, so the EVSE and EV applications of the demo log under their own roles).

Events and their fields (all optional unless said):

* ``state``: ``state`` (required: the application's phase, e.g. ``"cable check"``);
* ``charger``: the EVSE's present output, ``voltage`` V, ``current`` A, ``power`` W;
* ``battery``: the EV battery, ``soc`` %, ``voltage`` V, ``current`` A;
* ``session_start``: ``protocol``, ``energy_transfer_mode``, ``session_id``;
* ``session_end``: ``protocol``, ``energy_wh``, ``duration_s``, ``peak_power_w``, ``soc_from``,
  ``soc_to``, ``end`` (how it ended), ``completed``, ``reactions`` (per module request:
  ``count``, ``worst_ms``, ``mean_ms``, ``deadline_ms``, ``late``);
* ``error``: ``message``;
* ``module_report``: what an emulated module measured of its host (``reactions``, ``missed``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from freev2g.sessionlog.writer import RoleLog

_current: ContextVar[RoleLog | None] = ContextVar("freev2g_session_log", default=None)


@contextlib.contextmanager
def recording(role_log: RoleLog | None) -> Iterator[RoleLog | None]:
    """Within the block (and in tasks created in it) events go to ``role_log`` (None: nowhere)."""
    token = _current.set(role_log)
    try:
        yield role_log
    finally:
        _current.reset(token)


def bind(role_log: RoleLog | None) -> None:
    """From now on, in this context and the tasks created from it, events go to ``role_log``: for
    a command that runs one application in ``asyncio.run`` (which copies this context)."""
    _current.set(role_log)


def active() -> bool:
    return _current.get() is not None


def emit(event: str, **fields: Any) -> None:
    role_log = _current.get()
    if role_log is not None:
        role_log.write(event, **fields)


def state(name: str, **fields: Any) -> None:
    emit("state", state=name, **fields)


def charger(voltage: float, current: float, power: float | None = None) -> None:
    if _current.get() is not None:
        emit("charger", voltage=round(voltage, 3), current=round(current, 3),
             power=round(voltage * current if power is None else power, 1))


def battery(soc: float, voltage: float | None = None, current: float | None = None) -> None:
    if _current.get() is not None:
        emit("battery", soc=round(soc, 3), voltage=None if voltage is None else round(voltage, 3),
             current=None if current is None else round(current, 3))


def session_start(protocol: str | None = None, **fields: Any) -> None:
    emit("session_start", protocol=protocol, **fields)


def session_end(**fields: Any) -> None:
    emit("session_end", **fields)


def error(message: str, **fields: Any) -> None:
    emit("error", message=message, **fields)
