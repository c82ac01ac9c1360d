"""Network Configuration module 0x05 (manual 2.14 §13, p68-p84; identical in 2.11 §12, p64-p80).

Pages below are those of 2.14; the 2.11 page is 4 lower. hci-reference §3.4.
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Annotated, Any

from freev2g.hci.codecs import BOOL, U8, U16, FieldFault, Fixed, List, Siblings, Str
from freev2g.hci.message import Command, ResponseMessage, Status, Struct
from freev2g.hci.modules import ModuleId

NETCONF = ModuleId.NETWORK_CONFIGURATION


class Interface(enum.IntEnum):
    """Interface selector of the IPv6, link, ping and up/down messages (p70-p75, p83)."""

    ACCESS_POINT = 0
    STATION = 1


class AddressCommand(enum.IntEnum):
    DELETE = 0
    ADD = 1


class InterfaceType(enum.IntEnum):
    UART = 0
    LAN = 1
    WLAN = 2
    RNDIS = 3
    UNINITIALIZED = 0xFF


class InterfaceMode(enum.IntEnum):
    UNSPECIFIED = 0
    STATION = 1
    ACCESS_POINT = 2


class OnOff(enum.IntEnum):
    """Interface state (p77-p78) and port mirror state (p79-p80)."""

    OFF = 0
    ON = 1


class IpAddress(Fixed):
    """An IPv4 (``uint8[4]``) or IPv6 (``uint8[16]``) address with no prefix.

    The value is the packed bytes, as for ``Fixed``; this subclass shows it in the usual
    notation in ``str()`` and JSON and also accepts that notation or an :mod:`ipaddress`
    object on encode.
    """

    def __init__(self, version: int) -> None:
        super().__init__(4 if version == 4 else 16)
        self.version = version

    def encode(self, value: Any, out: bytearray, siblings: Siblings) -> None:
        if isinstance(value, str | ipaddress.IPv4Address | ipaddress.IPv6Address):
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                raise FieldFault(f"{value!r} is not an IPv{self.version} address") from None
            if address.version != self.version:
                raise FieldFault(f"{value!r} is not an IPv{self.version} address")
            value = address.packed
        super().encode(value, out, siblings)

    def to_json(self, value: Any) -> Any:
        text_or_object = isinstance(value, str | ipaddress.IPv4Address | ipaddress.IPv6Address)
        try:
            return str(ipaddress.ip_address(value if text_or_object else bytes(value)))
        except (TypeError, ValueError):
            return repr(value)

    def format(self, value: Any) -> str:
        return str(self.to_json(value))

    def describe(self) -> str:
        return f"IPv{self.version} address"


IPV4 = IpAddress(4)
IPV6 = IpAddress(6)


class SetIpv6Configuration(Command, module=NETCONF, sub_id=0x42, title="Set IPv6 Configuration"):
    """Add or delete an IPv6 address of an interface (§13.3.1, p70; 2.11 p66)."""

    interface: Annotated[Interface, U8]
    command: Annotated[AddressCommand, U8]
    address: Annotated[bytes, IPV6]


class GetIpv6Configuration(Command, module=NETCONF, sub_id=0x43, title="Get IPv6 Configuration"):
    """IPv6 address at a table index (§13.3.2, p71; 2.11 p67).

    The example prints the u16 index ``00 01`` after a length field of 1: the length is wrong
    (3 is right), the bytes agree with the table.
    """

    interface: Annotated[Interface, U8]
    index: Annotated[int, U16]

    class Response(ResponseMessage):
        address: Annotated[bytes, IPV6]


class GetLinkStatus(Command, module=NETCONF, sub_id=0x4A):
    """§13.3.3, p72; 2.11 p68 (the example's comment says "Set DHCP Config": a copy slip)."""

    interface: Annotated[Interface, U8]

    class Response(ResponseMessage):
        link_status: Annotated[bool, BOOL]


class SendPing(Command, module=NETCONF, sub_id=0x4B):
    """ICMP ping (§13.3.4, p73; 2.11 p69); Echo Received or Ping Failed follows."""

    interface: Annotated[Interface, U8]
    address: Annotated[bytes, IPV4]


class SetIpv6Router(Command, module=NETCONF, sub_id=0x4C, title="Set IPv6 Router"):
    """Add or delete an IPv6 router address (§13.3.5, p74; 2.11 p70)."""

    interface: Annotated[Interface, U8]
    command: Annotated[AddressCommand, U8]
    address: Annotated[bytes, IPV6]


class GetIpv6Router(Command, module=NETCONF, sub_id=0x4D, title="Get IPv6 Router"):
    """IPv6 router address at a table index (§13.3.6, p75; 2.11 p71).

    Decision: the index is ``uint16`` as the table says (and as the 0x43 table and example
    print it); the example's single index byte ``01`` (length 2) is a printing mistake.
    """

    interface: Annotated[Interface, U8]
    index: Annotated[int, U16]

    class Response(ResponseMessage):
        address: Annotated[bytes, IPV6]


class InterfaceInfo(Struct):
    """One interface of Get Interface Info (p76)."""

    index: Annotated[int, U8]
    type: Annotated[InterfaceType, U8]
    name: Annotated[str, Str(0, 16)]
    mode: Annotated[InterfaceMode, U8]


class GetInterfaceInfo(Command, module=NETCONF, sub_id=0x50):
    """Every interface of the module (§13.3.7, p76; 2.11 p72): records until the payload ends.

    Decision on the example: it prints a trailing ``01`` ("Captive mode 1 active") that the
    table does not describe. Its length 26 and its checksum ``31`` both fit the frame without
    that byte (with it, the length would be 27 and the checksum 2F), so the line is a printing
    mistake and the layout is the table's: no captive-mode byte.
    """

    class Response(ResponseMessage):
        interfaces: Annotated[list[InterfaceInfo], List(count=None)]


class SetInterfaceState(Command, module=NETCONF, sub_id=0x51):
    """Switch the interface at an index of Get Interface Info on or off (§13.3.8, p77; 2.11 p73)."""

    index: Annotated[int, U8]
    state: Annotated[OnOff, U8]


class GetInterfaceState(Command, module=NETCONF, sub_id=0x52):
    """§13.3.9, p78; 2.11 p74.

    Decision: the index byte is required as the table says; the example sends no byte (length
    0, comment "Get captive mode"), a printing mistake.
    """

    index: Annotated[int, U8]

    class Response(ResponseMessage):
        state: Annotated[OnOff, U8]


class SetPortMirrorState(Command, module=NETCONF, sub_id=0x55):
    """Copy the PLC traffic to the Ethernet HCI port for debugging (§13.3.10, p79; 2.11 p75)."""

    state: Annotated[OnOff, U8]


class GetPortMirrorState(Command, module=NETCONF, sub_id=0x56):
    """§13.3.11, p80; 2.11 p76."""

    class Response(ResponseMessage):
        state: Annotated[OnOff, U8]


class SetPortMirrorConfiguration(Command, module=NETCONF, sub_id=0x57):
    """§13.3.12, p81; 2.11 p77.

    Decision: each name is a u8-length-prefixed string like every other HCI string. The
    examples (p81, p82) print ``eth0`` ``eth1`` with no length bytes, which cannot be split;
    they are treated as printing mistakes (hci-reference §9.3, §7.3 #16).
    """

    sniffing_interface: Annotated[str, Str(0, 32)]
    out_interface: Annotated[str, Str(0, 32)]


class GetPortMirrorConfiguration(Command, module=NETCONF, sub_id=0x58):
    """§13.3.13, p82; 2.11 p78. Names u8-prefixed, as decided for Set Port Mirror Configuration."""

    class Response(ResponseMessage):
        sniffing_interface: Annotated[str, Str(0, 32)]
        out_interface: Annotated[str, Str(0, 32)]


class InterfaceDown(Status, module=NETCONF, sub_id=0x80):
    """§13.4.1, p83; 2.11 p79."""

    interface: Annotated[Interface, U8]


class InterfaceUp(Status, module=NETCONF, sub_id=0x81):
    """§13.4.2, p83; 2.11 p79 (its table is headed "Interface Down", a copy slip)."""

    interface: Annotated[Interface, U8]


class EchoReceived(Status, module=NETCONF, sub_id=0x82):
    """Answer to Send Ping, with the ping's request ID (§13.4.3, p83; example p73; 2.11 p79).

    Decision: the RTT is ``uint16`` as the table and the comment "Payload: 2 byte" say; the
    example's length field 1 is wrong.
    """

    rtt: Annotated[int, U16(unit="ms")]


class PingFailed(Status, module=NETCONF, sub_id=0x83):
    """Host unreachable or no reply (§13.4.4, p84; 2.11 p80)."""
