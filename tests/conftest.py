"""Shared test configuration.

Tests marked ``root`` (raw sockets, network namespaces) are skipped only when not running as
root; under CI (environment variable CI set) any skipped test fails the run, so they must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from freev2g.netns import VethPair, veth_pair


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Root tests share the kernel's network stack and measure real time over veth: with
    ``-n N --dist loadgroup`` they run one after another in one worker, the rest in parallel."""
    for item in items:
        if item.get_closest_marker("root"):
            item.add_marker(pytest.mark.xdist_group("netns"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("root") and os.geteuid() != 0:
        pytest.skip("needs root: raw sockets and network namespaces")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            print(f"\nCI forbids skips: {report.nodeid}: {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def veth() -> Iterator[VethPair]:
    """A veth pair between two fresh network namespaces, removed afterwards."""
    # Frames go through per-CPU backlog queues: one CPU keeps the order of frames sent by
    # different sockets, which the tests use as a barrier (a last "marker" frame).
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(affinity)})
    try:
        with veth_pair() as pair:
            yield pair
    finally:
        os.sched_setaffinity(0, affinity)
