"""Time service 0x12 (manual 2.14 §12, p65-p67)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from freev2g.emulator.services.time import TimeService
from freev2g.hci.catalog import time as t
from freev2g.hci.catalog.time import TimeType
from freev2g.hci.frame import Frame
from tests.catalog.test_time import VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code


@pytest.fixture
def host() -> Host:
    return Host.with_service(TimeService)


def fields(moment: datetime) -> dict[str, int]:
    return {"year": moment.year, "month": moment.month, "day": moment.day, "hour": moment.hour,
            "minute": moment.minute, "second": moment.second}


def set_time(host: Host, kind: TimeType, moment: datetime) -> None:
    assert host.request(t.SetTime(type=kind, **fields(moment))) == t.SetTime.Response()


def get_time(host: Host, kind: TimeType) -> t.GetTime.Response:
    answer = host.request(t.GetTime(type=kind))
    assert isinstance(answer, t.GetTime.Response), answer
    return answer


def test_manual_examples_set_then_get(host: Host) -> None:
    for command, response in example_pairs(VECTORS):
        check_example(host, command, response)


@pytest.mark.parametrize("kind", list(TimeType))
def test_no_valid_time_before_it_is_set(host: Host, kind: TimeType) -> None:
    assert result_code(host.request(t.GetTime(type=kind))) == 0x10


def test_time_runs_with_the_clock(host: Host) -> None:
    set_time(host, TimeType.UTC, datetime(2024, 12, 31, 23, 59, 30, tzinfo=UTC))
    host.clock.advance(29.9)
    assert get_time(host, TimeType.UTC) == t.GetTime.Response(**fields(datetime(2024, 12, 31, 23, 59, 59)))
    host.clock.advance(0.1)
    assert get_time(host, TimeType.UTC) == t.GetTime.Response(**fields(datetime(2025, 1, 1, 0, 0, 0)))


def test_local_time_is_an_offset_to_utc(host: Host) -> None:
    set_time(host, TimeType.UTC, datetime(2024, 6, 1, 10, 0, 0, tzinfo=UTC))
    host.clock.advance(0.7)
    set_time(host, TimeType.LOCAL, datetime(2024, 6, 1, 12, 0, 0))
    assert get_time(host, TimeType.LOCAL) == t.GetTime.Response(**fields(datetime(2024, 6, 1, 12, 0, 0)))
    assert get_time(host, TimeType.UTC) == t.GetTime.Response(**fields(datetime(2024, 6, 1, 10, 0, 0)))
    host.clock.advance(3600)
    set_time(host, TimeType.UTC, datetime(2025, 1, 1, 0, 0, 0))  # the offset stays
    assert get_time(host, TimeType.LOCAL) == t.GetTime.Response(**fields(datetime(2025, 1, 1, 2, 0, 0)))


def test_local_time_first_starts_the_rtc_with_offset_0(host: Host) -> None:
    set_time(host, TimeType.LOCAL, datetime(2024, 6, 1, 12, 0, 0))
    assert get_time(host, TimeType.UTC) == get_time(host, TimeType.LOCAL)


@pytest.mark.parametrize(("year", "month", "day"), [(2023, 2, 29), (0, 1, 1), (2024, 4, 31)])
def test_impossible_dates_are_04(host: Host, year: int, month: int, day: int) -> None:
    answer = host.request(t.SetTime(type=TimeType.UTC, year=year, month=month, day=day, hour=0, minute=0,
                                    second=0))
    assert result_code(answer) == 0x04
    assert result_code(host.request(t.GetTime(type=TimeType.UTC))) == 0x10


def test_restart_loses_the_software_rtc(host: Host) -> None:
    set_time(host, TimeType.UTC, datetime(2024, 6, 1, tzinfo=UTC))
    host.module.restart()
    assert result_code(host.request(t.GetTime(type=TimeType.UTC))) == 0x10


def test_time_module_is_unknown_to_v1_firmware() -> None:
    host = Host.with_service(TimeService, "V01_01_06")
    host.module.receive(Frame(0x12, 0x41, 7, b"\x00").encode())
    (error,) = host.take()
    assert (error.module_id, error.sub_id, error.request_id) == (0xFF, 0xF4, 7)
