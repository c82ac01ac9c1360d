"""Two network namespaces joined by a veth pair: a private Ethernet for tests, benchmarks and
trying the emulator without hardware (needs root and iproute2).

The host end is ``hci-host`` with the manual's host MAC, the module end ``hci-module`` with the
module MAC (manual 2.14 p201-p210). :func:`inside` switches the calling thread into a namespace
with libc ``setns`` (Python 3.11 has no ``os.setns``), so that a socket opened in the block
belongs to that namespace and keeps it afterwards.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from freev2g.transport.capture import HOST_MAC, MODULE_MAC

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_serial = itertools.count()


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"setns: {os.strerror(code)}")


@contextmanager
def inside(namespace: str) -> Iterator[None]:
    """Run the block in network namespace ``namespace`` (this thread only), then switch back."""
    with open("/proc/thread-self/ns/net", "rb") as own, open(f"/run/netns/{namespace}", "rb") as target:
        _setns(target.fileno())
        try:
            yield
        finally:
            _setns(own.fileno())


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@dataclass(frozen=True)
class VethPair:
    host_ns: str
    module_ns: str
    host_if: str = "hci-host"
    module_if: str = "hci-module"
    host_mac: str = HOST_MAC
    module_mac: str = MODULE_MAC

    def raw_socket(self, namespace: str, interface: str) -> socket.socket:
        """A raw socket on ``interface`` of ``namespace`` for crafting frames; it receives nothing."""
        with inside(namespace):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            sock.bind((interface, 0))
        return sock


@contextmanager
def veth_pair() -> Iterator[VethPair]:
    """Create the namespaces and the veth pair, and remove them (and so the pair) afterwards."""
    tag = f"{os.getpid()}-{next(_serial)}"
    pair = VethPair(host_ns=f"fv2g-host-{tag}", module_ns=f"fv2g-module-{tag}")
    try:
        ip("netns", "add", pair.host_ns)
        ip("netns", "add", pair.module_ns)
        host_end = ("name", pair.host_if, "netns", pair.host_ns, "address", pair.host_mac)
        module_end = ("name", pair.module_if, "netns", pair.module_ns, "address", pair.module_mac)
        ip("link", "add", *host_end, "type", "veth", "peer", *module_end)
        for namespace, interface in ((pair.host_ns, pair.host_if), (pair.module_ns, pair.module_if)):
            ip("-n", namespace, "link", "set", interface, "up")
            ip("-n", namespace, "link", "set", "lo", "up")
        yield pair
    finally:
        for namespace in (pair.host_ns, pair.module_ns):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
