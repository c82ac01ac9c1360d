"""Pure parts of the scale benchmark: interface names and MACs of N veth pairs, the ``ip -batch``
lines that create them, and pooling the emulated modules' reaction latencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freev2g.emulator.deadlines import percentile  # the emulator's own rule, so figures agree

MAX_IFNAME = 15  # Linux IFNAMSIZ - 1


@dataclass(frozen=True)
class Cable:
    """One veth pair: the host application's end and the emulated module's end."""

    index: int
    host_if: str
    module_if: str
    host_mac: str
    module_mac: str


def cables(count: int) -> list[Cable]:
    """``count`` pairs ``fvh<i>``/``fvm<i>`` with locally administered unicast MACs that encode ``i``."""
    if not 0 < count <= 0xFFFF:
        raise ValueError(f"count must be 1..65535 (got {count})")

    def mac(kind: int, index: int) -> str:
        return f"02:f2:{kind:02x}:00:{index >> 8:02x}:{index & 0xFF:02x}"

    return [Cable(i, f"fvh{i}", f"fvm{i}", mac(1, i), mac(2, i)) for i in range(count)]


def batch_lines(host_ns: str, module_ns: str, pairs: list[Cable]) -> list[str]:
    """``ip -batch`` lines creating every pair across the two namespaces and bringing it up."""
    lines = []
    for cable in pairs:
        assert len(cable.host_if) <= MAX_IFNAME and len(cable.module_if) <= MAX_IFNAME
        lines.append(f"link add {cable.host_if} netns {host_ns} address {cable.host_mac} type veth"
                     f" peer name {cable.module_if} netns {module_ns} address {cable.module_mac}")
    return lines


def up_lines(pairs: list[Cable], host_side: bool) -> list[str]:
    return [f"link set {cable.host_if if host_side else cable.module_if} up" for cable in pairs]


def pool(stations: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per request type over all modules: count, p50, p99 and max latency in ms, and misses.

    Each station dict holds ``latencies`` (request -> list of ms) and ``missed`` (list of
    request names), as the emulator side writes them."""
    latencies: dict[str, list[float]] = {}
    missed: dict[str, int] = {}
    for station in stations:
        for request, values in station["latencies"].items():
            latencies.setdefault(request, []).extend(values)
        for request in station["missed"]:
            missed[request] = missed.get(request, 0) + 1
    pooled = {}
    for request in sorted(set(latencies) | set(missed)):
        values = latencies.get(request, [])
        pooled[request] = {"count": len(values), "missed": missed.get(request, 0),
                           "p50": percentile(values, 0.5) if values else float("nan"),
                           "p99": percentile(values, 0.99) if values else float("nan"),
                           "max": max(values) if values else float("nan")}
    return pooled
