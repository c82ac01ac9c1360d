"""A decision that may arrive later: what the EVSE or EV side answers to one V2G step.

The V2G engines (SECC, EVCC) ask their side for each step and get a :class:`Decision`. A
simulated peer resolves it at once; an emulated module resolves it when its host answers over
HCI (a "Set X" command), or fails it when the host misses the module's deadline. Callbacks run
synchronously on resolve, so everything stays on the injected clock (no asyncio needed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class DecisionFailed(Exception):
    """The side could not decide (host missed its deadline, session error): ``reason`` says why."""


class Decision(Generic[T]):
    """A one-shot result: resolved with a value or failed with a reason, exactly once."""

    def __init__(self) -> None:
        self._done = False
        self._value: T | None = None
        self._failure: str | None = None
        self._callbacks: list[Callable[[Decision[T]], None]] = []

    @classmethod
    def of(cls, value: T) -> Decision[T]:
        """An already resolved decision."""
        decision: Decision[T] = cls()
        decision.resolve(value)
        return decision

    @classmethod
    def failed(cls, reason: str) -> Decision[T]:
        decision: Decision[T] = cls()
        decision.fail(reason)
        return decision

    @property
    def done(self) -> bool:
        return self._done

    @property
    def failure(self) -> str | None:
        return self._failure

    def value(self) -> T:
        """The resolved value; raises :class:`DecisionFailed` or :class:`RuntimeError`."""
        if not self._done:
            raise RuntimeError("decision still pending")
        if self._failure is not None:
            raise DecisionFailed(self._failure)
        return self._value  # type: ignore[return-value]

    def resolve(self, value: T) -> None:
        if self._done:
            return  # a late answer after a failure changes nothing
        self._done, self._value = True, value
        self._fire()

    def fail(self, reason: str) -> None:
        if self._done:
            return
        self._done, self._failure = True, reason
        self._fire()

    def then(self, callback: Callable[[Decision[T]], None]) -> None:
        """Call ``callback(self)`` once done (at once if already done)."""
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def _fire(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)
