"""Schedules as sent (trimmed to the module's "max entries") and as printed, and value formats."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from freev2g.apps.evse.report import SessionSummary, number, schedule_text, trimmed_schedules
from freev2g.config.evse_schema import EvseSettings, ScheduleEntrySettings, ScheduleSettings


def test_default_schedule_prints_the_seed_readme_line() -> None:
    sent = trimmed_schedules(list(EvseSettings().schedules), 2)
    assert schedule_text(sent) == "[(0, 65535, 25000), (1, 65535, 25000)]"


def test_untrimmed_when_room() -> None:
    sent = trimmed_schedules(list(EvseSettings().schedules), 24)
    assert schedule_text(sent) == "[(0, 65535, 25000), (1, 65535, 25000), (2, 41730, 25000)]"


def _tuple(tuple_id: int, count: int) -> ScheduleSettings:
    return ScheduleSettings(id=tuple_id, entries=[
        ScheduleEntrySettings(start=i * 10, interval=10, max_power=1000 + i) for i in range(count)])


@given(st.lists(st.integers(1, 6), min_size=1, max_size=3), st.integers(0, 30))
def test_trimming_honours_max_entries_and_keeps_order(counts: list[int], max_entries: int) -> None:
    schedules = [_tuple(i + 1, n) for i, n in enumerate(counts)]
    sent = trimmed_schedules(schedules, max_entries)
    total = sum(len(s.entries) for s in sent)
    assert 1 <= total <= max(1, max_entries)
    assert all(s.entries for s in sent)
    assert [s.id for s in sent] == [s.id for s in schedules][:len(sent)]
    for original, kept in zip(schedules, sent, strict=False):
        assert kept.entries == original.entries[:len(kept.entries)]
    if max_entries >= sum(counts):
        assert sent == schedules


def test_numbers_print_as_the_seed() -> None:
    assert [number(v) for v in (20.0, 8000, 0.5, 379.95, 16.125)] == ["20", "8000", "0.5", "379.95", "16.125"]


def test_summary_reactions() -> None:
    summary = SessionSummary()
    summary.react("Charge Loop Parameters", 0.004, 0.075)
    summary.react("Charge Loop Parameters", 0.090, 0.075)
    figures = summary.to_json()["reactions"]["Charge Loop Parameters"]
    assert figures == {"count": 2, "worst_ms": 90.0, "mean_ms": 47.0, "deadline_ms": 75, "late": 1}
