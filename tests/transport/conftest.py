"""Fixtures of the transport tests: root-only tests and the veth pair between namespaces."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.transport.netns import VethPair, veth_pair


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Skipped only when not root; under CI the skip itself fails the run (tests/conftest.py).
    if item.get_closest_marker("root") and os.geteuid() != 0:
        pytest.skip("needs root: raw sockets and network namespaces")


@pytest.fixture
def veth() -> Iterator[VethPair]:
    # Frames go through per-CPU backlog queues: one CPU keeps the order of frames sent by
    # different sockets, which the tests use as a barrier (a last "marker" frame).
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(affinity)})
    try:
        with veth_pair() as pair:
            yield pair
    finally:
        os.sched_setaffinity(0, affinity)
