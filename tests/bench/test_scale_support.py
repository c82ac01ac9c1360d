"""The scale benchmark's pure parts: interface names and MACs of N veth pairs, pooled figures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from freev2g.emulator.deadlines import percentile
from scale_support import MAX_IFNAME, batch_lines, cables, pool


def test_200_cables_have_unique_short_names_and_unicast_local_macs() -> None:
    pairs = cables(200)
    names = [name for c in pairs for name in (c.host_if, c.module_if)]
    macs = [mac for c in pairs for mac in (c.host_mac, c.module_mac)]
    assert len(set(names)) == 400 and max(map(len, names)) <= MAX_IFNAME
    assert len(set(macs)) == 400
    assert all(int(mac[:2], 16) & 0b11 == 0b10 for mac in macs)  # locally administered, unicast
    assert pairs[199].module_mac == "02:f2:02:00:00:c7"


def test_cable_count_is_checked() -> None:
    with pytest.raises(ValueError):
        cables(0)


def test_batch_line_puts_each_end_in_its_namespace() -> None:
    (line,) = batch_lines("H", "M", cables(1))
    assert line == ("link add fvh0 netns H address 02:f2:01:00:00:00 type veth"
                    " peer name fvm0 netns M address 02:f2:02:00:00:00")


def test_pool_merges_modules_and_counts_misses() -> None:
    stations = [{"latencies": {"A": [1.0, 2.0]}, "missed": ["A"]},
                {"latencies": {"A": [3.0], "B": [10.0]}, "missed": ["C"]}]
    pooled = pool(stations)
    assert pooled["A"] == {"count": 3, "missed": 1, "p50": 2.0, "p99": 3.0, "max": 3.0}
    assert pooled["B"]["missed"] == 0 and pooled["C"]["count"] == 0 and pooled["C"]["missed"] == 1


def test_pooled_percentiles_follow_the_emulators_rule() -> None:
    values = [float(v) for v in range(1, 101)]
    pooled = pool([{"latencies": {"A": values[:30]}, "missed": []}, {"latencies": {"A": values[30:]}, "missed": []}])
    assert (pooled["A"]["p50"], pooled["A"]["p99"]) == (percentile(values, 0.5), percentile(values, 0.99))
    assert pooled["A"]["p50"] == 50.0 and pooled["A"]["max"] == 100.0
