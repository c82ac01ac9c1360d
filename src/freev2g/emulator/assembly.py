"""Put an emulated module together: the world between two modules, and every service a firmware
profile has (hci-reference §3.0: modules per firmware).

:class:`World` is one charging cable: the CP wire, the PLC link over it (SLAC), and the V2G
network that exists while the PLC link is up. An EVSE side and an EV side attach to it, each an
emulated module (:func:`build_module`) or a built-in simulated peer (``freev2g.emulator.peers``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from freev2g.emulator.clock import Clock
from freev2g.emulator.deadlines import Timing
from freev2g.emulator.module import EmulatedModule, Service
from freev2g.emulator.profiles import FirmwareProfile, Role, profile
from freev2g.emulator.services.cp import ControlPilotService
from freev2g.emulator.services.fwu import FirmwareUpdateService
from freev2g.emulator.services.gpio import GpioService
from freev2g.emulator.services.netconf import NetworkConfigurationService
from freev2g.emulator.services.plc import PlcService
from freev2g.emulator.services.slac import SlacService
from freev2g.emulator.services.system import SystemService
from freev2g.emulator.services.time import TimeService
from freev2g.emulator.services.v2g_ev import V2gEvService
from freev2g.emulator.services.v2g_evse_v1 import V2gEvseV1Service
from freev2g.emulator.services.v2g_evse_v2 import V2gEvseV2Service
from freev2g.emulator.v2g.link import MemoryNetwork
from freev2g.emulator.world import CpWire, PlcLink, PlcLinkConfig
from freev2g.hci.modules import Generation, ModuleId

EVSE_MAC = "00:01:01:63:77:33"  # the manual's example MACs
EV_MAC = "00:01:01:63:77:31"


@dataclass
class World:
    clock: Clock
    wire: CpWire
    plc: PlcLink
    network: MemoryNetwork

    @classmethod
    def create(cls, clock: Clock, plc_config: PlcLinkConfig | None = None) -> World:
        wire = CpWire()
        plc = PlcLink(clock, wire, plc_config)
        network = MemoryNetwork(clock, up=lambda: plc.linked)

        def link_changed(linked: bool) -> None:
            if not linked:
                network.drop_all()  # no PLC link, no TCP connection

        plc.on_link.append(link_changed)
        return cls(clock, wire, plc, network)


def default_mac(role: Role) -> str:
    return EVSE_MAC if role is Role.EVSE else EV_MAC


def build_module(firmware: str | FirmwareProfile, world: World, send: Callable[[bytes], None], *,
                 mac: str | None = None, name: str | None = None,
                 timing: Timing | None = None) -> EmulatedModule:
    """An emulated module running ``firmware`` on ``world``, with every service of its profile."""
    chosen = profile(firmware) if isinstance(firmware, str) else firmware
    mac = mac or default_mac(chosen.role)
    module = EmulatedModule(chosen, world.clock, send, name=name or f"{chosen.role.value} module",
                            timing=timing)
    services: list[Service] = [
        SystemService(module, mac=mac),
        NetworkConfigurationService(module, mac=mac),
        FirmwareUpdateService(module),
        ControlPilotService(module, world.wire),
        SlacService(module, world.plc),
        PlcService(module, mac=mac),
        GpioService(module),
        _v2g_service(module, world),
    ]
    if ModuleId.TIME in chosen.modules:
        services.append(TimeService(module))
    if ModuleId.CERTIFICATE_MANAGER in chosen.modules:
        services.extend(_certificate_manager(module))
    for service in services:
        module.add(service)
    return module


def _v2g_service(module: EmulatedModule, world: World) -> Service:
    if module.profile.role is Role.EV:
        return V2gEvService(module, world.network)
    if module.profile.generation is Generation.V1:
        return V2gEvseV1Service(module, world.network)
    return V2gEvseV2Service(module, world.network)


def _certificate_manager(module: EmulatedModule) -> list[Service]:
    """The Certificate Manager needs the ``emulator`` extra (cryptography); without it the module
    answers like a firmware without that module (framing error 0xF4), and says so once."""
    try:
        from freev2g.emulator.services.certmgr import CertificateManagerService
    except ImportError:  # pragma: no cover - depends on the installed extras
        import logging

        logging.getLogger("freev2g.emulator").warning(
            "Certificate Manager not emulated: install freev2g[emulator] for it")
        return []
    return [CertificateManagerService(module)]
