"""Two emulated modules on one CP wire and PLC link, each driven by its own Host, one ManualClock."""

from __future__ import annotations

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.deadlines import Deadlines
from freev2g.emulator.services.cp import ControlPilotService
from freev2g.emulator.services.slac import SlacService
from freev2g.emulator.world import CpWire, PlcLink, PlcLinkConfig
from freev2g.hci.message import Decoded, Message
from tests.emulator.harness import Host


def host_on(clock: ManualClock, firmware: str) -> Host:
    """A Host whose module runs on ``clock`` (the harness makes its own clock and takes none)."""
    host = Host(firmware)
    host.clock = clock
    host.module.clock = clock
    host.module.deadlines = Deadlines(clock)
    return host


def statuses(host: Host) -> list[Decoded]:
    """Every status the module sent since the last call (answers were taken by ``request``)."""
    frames = host.sent
    assert all(frame.request_id == 0xFF for frame in frames), frames
    return host.decoded()


def of_type(decoded: list[Decoded], kind: type[Message]) -> list[Decoded]:
    return [message for message in decoded if isinstance(message, kind)]


class Pair:
    """An EVSE module and an EV module with CP and SLAC services, wired to each other."""

    def __init__(self, evse_firmware: str = "V02_00_01", ev_firmware: str = "V01_00_06",
                 config: PlcLinkConfig | None = None) -> None:
        self.clock = ManualClock()
        self.wire = CpWire()
        self.link = PlcLink(self.clock, self.wire, config)
        self.evse = host_on(self.clock, evse_firmware)
        self.ev = host_on(self.clock, ev_firmware)
        self.evse_cp = ControlPilotService(self.evse.module, self.wire)
        self.ev_cp = ControlPilotService(self.ev.module, self.wire)
        self.evse_slac = SlacService(self.evse.module, self.link)
        self.ev_slac = SlacService(self.ev.module, self.link)
        for host, services in ((self.evse, (self.evse_cp, self.evse_slac)), (self.ev, (self.ev_cp, self.ev_slac))):
            for service in services:
                host.module.add(service)
        self.link_events: list[bool] = []
        self.link.on_link.append(self.link_events.append)

    def settle(self, seconds: float = 0.05) -> None:
        """Let the CP services' detection delay pass."""
        self.clock.advance(seconds)
