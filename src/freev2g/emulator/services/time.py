"""Time module 0x12, the module's software RTC (manual 2.14 §12, p65-p67; v2 firmware only).

Rules from the manual:

* Set Time and Get Time carry a type (0 UTC, 1 local time) and the date and time (p66-p67).
* Get Time answers 0x10 "no valid time available" until a time was set (p65).
* The time runs on: here with the module's clock, so it advances in tests with ``advance``.

Decisions where the manual is silent (each is tested):

* The module has one RTC, kept in UTC, and a local offset; HCI has no time-zone setting. Setting
  UTC sets the RTC and keeps the offset; setting local time while the RTC runs sets the offset
  (in whole seconds from the current UTC second, so both read back as set); setting local time
  first also starts the RTC, with offset 0, as no zone is known.
* A date that does not exist (30 February, year 0) answers 0x04, malformed data.
* The RTC is a software clock (p65): a restart or factory reset loses the time and the offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import time
from freev2g.hci.catalog.time import TimeType
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

MALFORMED = 0x04
NO_VALID_TIME = 0x10  # p65


class TimeService(Service):
    module_id = ModuleId.TIME

    def __init__(self, module: EmulatedModule) -> None:
        super().__init__(module)
        self._power_up()

    def _power_up(self) -> None:
        self._set_at: tuple[datetime, float] | None = None  # UTC and the clock reading then
        self.local_offset = timedelta(0)

    def reset(self, factory: bool) -> None:
        self._power_up()

    def utc(self) -> datetime | None:
        """The RTC's UTC time, or None before it was set (for other services too)."""
        if self._set_at is None:
            return None
        value, clock = self._set_at
        try:
            return value + timedelta(seconds=self.module.clock.now() - clock)
        except OverflowError:  # ran past the year 9999
            return None

    def handle(self, command: Command) -> Answer:
        match command:
            case time.SetTime(type=kind, year=year, month=month, day=day, hour=hour, minute=minute,
                              second=second):
                try:
                    value = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
                except ValueError:
                    return self.reject(command, MALFORMED)
                now = self.utc()
                if kind == TimeType.UTC:
                    self._set_at = (value, self.module.clock.now())
                elif now is None:
                    self._set_at = (value, self.module.clock.now())
                    self.local_offset = timedelta(0)
                else:
                    self.local_offset = value - now.replace(microsecond=0)
                return command.Response()
            case time.GetTime(type=kind):
                try:
                    now = self.utc()
                    if now is not None and kind == TimeType.LOCAL:
                        now += self.local_offset
                except OverflowError:
                    now = None
                if now is None:
                    return self.reject(command, NO_VALID_TIME)
                return time.GetTime.Response(year=now.year, month=now.month, day=now.day, hour=now.hour,
                                             minute=now.minute, second=now.second)
        return self.unknown(command)
