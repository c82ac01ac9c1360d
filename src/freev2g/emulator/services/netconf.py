"""Network Configuration module 0x05 (manual 2.14 §13, p68-p84; 2.11 §12, p64-p80).

Rules from the manual:

* IPv6 addresses and routers are added and deleted per interface (0 Access Point, 1 Station) and
  read back by table index (p70-p71, p74-p75).
* Get Link Status answers a boolean per interface (p72).
* Send Ping answers at once; Echo Received (0x82, with the round-trip time in ms) or Ping Failed
  (0x83) follows (p73, p83-p84). Echo Received carries the ping's request ID, as the example on
  p73 shows.
* Get Interface Info lists index, type, name and mode of every interface (p76); Set/Get Interface
  State switch one by index (p77-p78); Interface Down/Up (0x80/0x81) report changes (p83).
* Port mirror state and configuration read back as set (p79-p82).

Decisions where the manual is silent (each is tested):

* Index 0 of each IPv6 address table is the interface's link-local address (fe80::/64 with the
  EUI-64 identifier of the MAC), so the first added address is index 1, as the examples read it
  (add on p70, then "Query index 1" returns it on p71). The router table starts empty at index 0.
  Tables hold 3 addresses and 3 routers (a common size in embedded IPv6 stacks); a delete moves
  the later entries down.
* An index past the end of a table, a delete of an address that is not in the table, an address
  that cannot be an interface address (unspecified, loopback, multicast), an unknown interface
  index and unknown port-mirror interface names answer 0x04: the generic table (p48) has no
  "not found" code, and 0x04 is what the codecs answer for any other out-of-range value. A full
  table answers 0x05 (the module cannot execute the command in its current state). Adding an
  address that is already there is accepted and changes nothing.
* The interfaces are those of the example on p76 (eth0, eth1, wlan0, all type 1; the trailing
  "captive mode" byte is not part of the table), all on at power-up. Selector 0 (Access Point)
  is interface index 0 and selector 1 (Station) index 1; a selector's link is up while its
  interface is on. Switching an interface with a selector on or off sends Interface Up or Down
  right after the response.
* Ping: the loopback range 127.0.0.0/8 answers in 0 ms and the example's host 192.168.100.23 in
  42 ms (p73); ``hosts`` can be changed. Any other address gets Ping Failed after 1 s (a usual
  ICMP echo timeout); a ping on a link that is down fails at once (no route).
* Port mirroring defaults to off, sniffing on eth0 (the PLC side, p27) and mirroring to eth1 (the
  HCI Ethernet port). Turning it on needs two different configured names (0x05 otherwise).
* A restart returns everything to these power-up values: the module keeps nothing set here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from freev2g.emulator.clock import Timer
from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import netconf
from freev2g.hci.catalog.netconf import (
    AddressCommand,
    Interface,
    InterfaceInfo,
    InterfaceMode,
    InterfaceType,
    OnOff,
)
from freev2g.hci.ethernet import parse_mac
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Rejection, Status
from freev2g.hci.modules import ModuleId

NOT_ACCEPTED = 0x04
UNEXPECTED = 0x05
ADDRESS_SLOTS = 3  # including the link-local address at index 0
ROUTER_SLOTS = 3
PING_TIMEOUT = 1.0
DEFAULT_MAC = "00:01:01:63:77:33"  # the System service's default
DEFAULT_HOSTS: dict[str, int] = {"192.168.100.23": 42}  # the example of p73

INTERFACES = (  # the example of p76
    InterfaceInfo(index=0, type=InterfaceType.LAN, name="eth0", mode=InterfaceMode.UNSPECIFIED),
    InterfaceInfo(index=1, type=InterfaceType.LAN, name="eth1", mode=InterfaceMode.UNSPECIFIED),
    InterfaceInfo(index=2, type=InterfaceType.LAN, name="wlan0", mode=InterfaceMode.UNSPECIFIED),
)


def link_local(mac: str) -> bytes:
    """fe80::/64 with the modified EUI-64 identifier of ``mac`` (RFC 4291 appendix A)."""
    octets = bytearray(parse_mac(mac))
    octets[0] ^= 0x02
    return bytes.fromhex("fe80000000000000") + bytes(octets[:3]) + b"\xff\xfe" + bytes(octets[3:])


@dataclass(frozen=True)
class _Accepted(Rejection):
    """Result 0x00 with no fields (the bytes of an accepted Send Ping) that learns its request ID.

    Echo Received must carry the ping's request ID (p73), but ``Service.handle`` is not given
    the frame; the module calls ``to_frame(request_id)`` on the answer, so this hooks there.
    """

    on_sent: Callable[[int], None] = field(compare=False, default=lambda request_id: None)

    def to_frame(self, request_id: int) -> Frame:
        self.on_sent(request_id)
        return super().to_frame(request_id)


class NetworkConfigurationService(Service):
    module_id = ModuleId.NETWORK_CONFIGURATION

    def __init__(self, module: EmulatedModule, *, mac: str = DEFAULT_MAC,
                 hosts: dict[str, int] | None = None) -> None:
        super().__init__(module)
        self.mac = mac
        self.hosts = dict(DEFAULT_HOSTS if hosts is None else hosts)  # IPv4 address -> RTT in ms
        self._pings: dict[int, Timer] = {}  # pending ping answers by sequence number
        self._sequence = 0
        self._power_up()

    def _power_up(self) -> None:
        own = link_local(self.mac)
        self.addresses: dict[Interface, list[bytes]] = {i: [own] for i in Interface}
        self.routers: dict[Interface, list[bytes]] = {i: [] for i in Interface}
        self.interface_state = {info.index: OnOff.ON for info in INTERFACES}
        self.mirror_state = OnOff.OFF
        self.mirror_config = ("eth0", "eth1")

    def reset(self, factory: bool) -> None:
        for timer in self._pings.values():
            timer.cancel()
        self._pings.clear()
        self._power_up()

    def link_up(self, interface: Interface) -> bool:
        return self.interface_state[int(interface)] is OnOff.ON

    def handle(self, command: Command) -> Answer:
        match command:
            case netconf.SetIpv6Configuration(interface=interface, command=action, address=address):
                return self._edit(command, self.addresses[interface], action, address, ADDRESS_SLOTS)
            case netconf.GetIpv6Configuration(interface=interface, index=index):
                table = self.addresses[interface]
                if index >= len(table):
                    return self.reject(command, NOT_ACCEPTED)
                return netconf.GetIpv6Configuration.Response(address=table[index])
            case netconf.SetIpv6Router(interface=interface, command=action, address=address):
                return self._edit(command, self.routers[interface], action, address, ROUTER_SLOTS)
            case netconf.GetIpv6Router(interface=interface, index=index):
                table = self.routers[interface]
                if index >= len(table):
                    return self.reject(command, NOT_ACCEPTED)
                return netconf.GetIpv6Router.Response(address=table[index])
            case netconf.GetLinkStatus(interface=interface):
                return netconf.GetLinkStatus.Response(link_status=self.link_up(interface))
            case netconf.SendPing(interface=interface, address=address):
                return self._ping(command, interface, ipaddress.IPv4Address(address))
            case netconf.GetInterfaceInfo():
                return netconf.GetInterfaceInfo.Response(interfaces=list(INTERFACES))
            case netconf.SetInterfaceState(index=index, state=state):
                return self._set_interface(command, index, OnOff(state))
            case netconf.GetInterfaceState(index=index):
                if index not in self.interface_state:
                    return self.reject(command, NOT_ACCEPTED)
                return netconf.GetInterfaceState.Response(state=self.interface_state[index])
            case netconf.SetPortMirrorState(state=state):
                if state == OnOff.ON and not all(self.mirror_config):
                    return self.reject(command, UNEXPECTED)
                self.mirror_state = OnOff(state)
                return command.Response()
            case netconf.GetPortMirrorState():
                return netconf.GetPortMirrorState.Response(state=self.mirror_state)
            case netconf.SetPortMirrorConfiguration(sniffing_interface=sniff, out_interface=out):
                return self._configure_mirror(command, sniff, out)
            case netconf.GetPortMirrorConfiguration():
                sniff, out = self.mirror_config
                return netconf.GetPortMirrorConfiguration.Response(sniffing_interface=sniff,
                                                                   out_interface=out)
        return self.unknown(command)

    def _edit(self, command: Command, table: list[bytes], action: int, address: bytes, slots: int) -> Answer:
        parsed = ipaddress.IPv6Address(address)
        if action == AddressCommand.DELETE:
            if address not in table:
                return self.reject(command, NOT_ACCEPTED)
            table.remove(address)
            return command.Response()
        if parsed.is_unspecified or parsed.is_loopback or parsed.is_multicast:
            return self.reject(command, NOT_ACCEPTED)
        if address not in table:
            if len(table) >= slots:
                return self.reject(command, UNEXPECTED)
            table.append(address)
        return command.Response()

    def _ping(self, command: Command, interface: Interface, address: ipaddress.IPv4Address) -> Answer:
        rtt = 0 if address.is_loopback else self.hosts.get(str(address))
        status: Status
        if not self.link_up(interface):
            delay, status = 0.0, netconf.PingFailed()
        elif rtt is None:
            delay, status = PING_TIMEOUT, netconf.PingFailed()
        else:
            delay, status = rtt / 1000, netconf.EchoReceived(rtt=rtt)

        def sent(request_id: int) -> None:
            self._sequence += 1
            sequence = self._sequence
            self._pings[sequence] = self.module.clock.call_later(
                delay, lambda: self._answer(sequence, status, request_id))

        return _Accepted(command.Response, 0x00, sent)

    def _answer(self, sequence: int, status: Status, request_id: int) -> None:
        del self._pings[sequence]
        self.module.emit_frame(status.to_frame(request_id))

    def _set_interface(self, command: Command, index: int, state: OnOff) -> Answer:
        if index not in self.interface_state:
            return self.reject(command, NOT_ACCEPTED)
        changed = self.interface_state[index] is not state
        self.interface_state[index] = state
        if changed and index in set(Interface):
            status = netconf.InterfaceUp if state is OnOff.ON else netconf.InterfaceDown
            self.module.clock.call_later(0.0, lambda: self.module.emit(status(interface=Interface(index))))
        return command.Response()

    def _configure_mirror(self, command: Command, sniff: str, out: str) -> Answer:
        names = {info.name for info in INTERFACES} | {""}
        if sniff not in names or out not in names or (sniff and sniff == out):
            return self.reject(command, NOT_ACCEPTED)
        self.mirror_config = (sniff, out)
        if not all(self.mirror_config):
            self.mirror_state = OnOff.OFF  # nothing left to mirror
        return command.Response()
