"""``freev2g doctor``: the host checks, then (if they pass) the module checks, in order.

The host checks decide whether the module can be reached at all: when one fails, the module
checks are listed as skipped rather than run into the same wall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.apps.common import DEFAULT_MAC, LinkOptions, Role, open_link
from freev2g.client.whitebeet import Link
from freev2g.doctor import host
from freev2g.doctor.check import Check
from freev2g.doctor.module import MODULE_CHECKS, check_module, skipped


@dataclass
class DoctorOptions:
    """What ``freev2g doctor`` checks: the link to the module and how hard to ping it."""

    transport: str = "eth"
    interface: str | None = None
    mac: str = DEFAULT_MAC[Role.EVSE]
    spi_device: str = "/dev/spidev0.0"
    gpiochip: str = "/dev/gpiochip0"
    rx_ready_line: int = 22
    tx_pending_line: int = 27
    spi_speed_hz: int = 8_000_000
    pings: int = 3
    timeout: float = 1.0  # s, per ping and per Get command

    def link_options(self) -> LinkOptions:
        return LinkOptions(transport=self.transport, interface=self.interface, mac=self.mac,
                           spi_device=self.spi_device, gpiochip=self.gpiochip,
                           rx_ready_line=self.rx_ready_line, tx_pending_line=self.tx_pending_line,
                           spi_speed_hz=self.spi_speed_hz)


def _open_link(options: DoctorOptions) -> Link:
    return open_link(options.link_options())


@dataclass
class Probes:
    """Where the doctor looks; a test replaces one to simulate a host (e.g. not root)."""

    raw_socket_access: Callable[[], host.RawSocketAccess] = host.probe_raw_socket_access
    read_interface: Callable[[str], host.InterfaceState] = host.read_interface
    open_link: Callable[[DoctorOptions], Link] = field(default=_open_link)


def host_checks(options: DoctorOptions, probes: Probes) -> list[Check]:
    if options.transport == "spi":
        paths = [options.spi_device, options.gpiochip]
        return [host.check_device_permissions(paths), host.check_spi_devices(*paths)]
    checks = [host.check_raw_socket_permission(probes.raw_socket_access())]
    assert options.interface is not None, "the CLI requires -i for Ethernet"
    try:
        state = probes.read_interface(options.interface)
    except host.NoInterface as missing:
        return [*checks, host.check_interface_missing(missing)]
    return checks + host.check_interface(state)


async def run_doctor(options: DoctorOptions, probes: Probes | None = None) -> list[Check]:
    """Every check, in order; the module is only asked Ping and Get commands."""
    probes = probes or Probes()
    checks = host_checks(options, probes)
    ethernet = options.transport == "eth"
    failed = [check.name for check in checks if check.failed]
    if failed:
        return checks + skipped(MODULE_CHECKS, f"{failed[0]} failed", ethernet)
    link = probes.open_link(options)
    return checks + await check_module(link, pings=options.pings, timeout=options.timeout,
                                       module_mac=options.mac if ethernet else None)
