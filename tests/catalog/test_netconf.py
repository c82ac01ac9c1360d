"""Network Configuration module 0x05: every example frame of manuals 2.14 (p70-p82) and 2.11
(p66-p78, identical; hci-reference §6.1), the printed mistakes and the decisions on them."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest

from freev2g.hci.catalog import netconf as n
from freev2g.hci.errors import EncodeError, MissingEnd, PayloadError
from freev2g.hci.message import Command, Rejection, lookup
from freev2g.hci.modules import Direction, ModuleId
from tests.vectors import (
    BOTH,
    HOST,
    MODULE,
    V1,
    V2,
    BadVector,
    Vector,
    check_bad_vector,
    check_vector,
    decode_hex,
)

IP_TEXT = "5260:2abd:b221:bcc9:db83:47f2:6993:424d"
IP = IPv6Address(IP_TEXT).packed
IP_HEX = "52 60 2A BD B2 21 BC C9 DB 83 47 F2 69 93 42 4D"
ETH = [
    n.InterfaceInfo(index=0, type=n.InterfaceType.LAN, name="eth0", mode=n.InterfaceMode.UNSPECIFIED),
    n.InterfaceInfo(index=1, type=n.InterfaceType.LAN, name="eth1", mode=n.InterfaceMode.UNSPECIFIED),
    n.InterfaceInfo(index=2, type=n.InterfaceType.LAN, name="wlan0", mode=n.InterfaceMode.UNSPECIFIED),
]
ETH_HEX = "00 01 04 65 74 68 30 00 01 01 04 65 74 68 31 00 02 01 05 77 6C 61 6E 30 00"
NETCONF = ModuleId.NETWORK_CONFIGURATION
STATION, ADD, ON = n.Interface.STATION, n.AddressCommand.ADD, n.OnOff.ON

VECTORS = [
    Vector("2.14 p70, 2.11 p66", f"C0 05 42 00 00 12 01 01 {IP_HEX} 00 C1", HOST,
           n.SetIpv6Configuration(interface=STATION, command=ADD, address=IP)),
    Vector("2.14 p70, 2.11 p66", "C0 05 42 00 00 01 00 35 C1", MODULE, n.SetIpv6Configuration.Response()),
    Vector("2.14 p71, 2.11 p67 corrected (length 3)", "C0 05 43 00 00 03 01 00 01 00 C1", HOST,
           n.GetIpv6Configuration(interface=STATION, index=1)),
    Vector("2.14 p71, 2.11 p67", f"C0 05 43 00 00 11 00 {IP_HEX} 09 C1", MODULE,
           n.GetIpv6Configuration.Response(address=IP)),
    Vector("2.14 p72, 2.11 p68", "C0 05 4A 0B 00 01 00 00 C1", HOST,
           n.GetLinkStatus(interface=n.Interface.ACCESS_POINT)),
    Vector("2.14 p72, 2.11 p68", "C0 05 4A 0B 00 02 00 01 00 C1", MODULE,
           n.GetLinkStatus.Response(link_status=True)),
    Vector("2.14 p73, 2.11 p69", "C0 05 4B 0C 00 05 01 C0 A8 64 17 00 C1", HOST,
           n.SendPing(interface=STATION, address=IPv4Address("192.168.100.23").packed)),
    Vector("2.14 p73, 2.11 p69", "C0 05 4B 0C 00 01 00 00 C1", MODULE, n.SendPing.Response()),
    Vector("2.14 p73, 2.11 p69 corrected (length 2)", "C0 05 82 0C 00 02 00 2A 00 C1", MODULE,
           n.EchoReceived(rtt=42)),
    Vector("2.14 p74, 2.11 p70", f"C0 05 4C 00 00 12 01 01 {IP_HEX} 00 C1", HOST,
           n.SetIpv6Router(interface=STATION, command=ADD, address=IP)),
    Vector("2.14 p74, 2.11 p70", "C0 05 4C 00 00 01 00 2B C1", MODULE, n.SetIpv6Router.Response()),
    Vector("2.14 p75, 2.11 p71 corrected (u16 index)", "C0 05 4D 00 00 03 01 00 01 00 C1", HOST,
           n.GetIpv6Router(interface=STATION, index=1)),
    Vector("2.14 p75, 2.11 p71", f"C0 05 4D 00 00 11 00 {IP_HEX} FE C1", MODULE,
           n.GetIpv6Router.Response(address=IP)),
    Vector("2.14 p76, 2.11 p72", "C0 05 50 00 00 00 00 C1", HOST, n.GetInterfaceInfo()),
    Vector("2.14 p76, 2.11 p72 corrected (without the undescribed 01; length and checksum fit)",
           f"C0 05 50 00 00 1A 00 {ETH_HEX} 31 C1", MODULE, n.GetInterfaceInfo.Response(interfaces=ETH)),
    Vector("2.14 p77, 2.11 p73", "C0 05 51 00 00 02 01 01 00 C1", HOST,
           n.SetInterfaceState(index=1, state=ON)),
    Vector("2.14 p77, 2.11 p73", "C0 05 51 00 00 01 00 26 C1", MODULE, n.SetInterfaceState.Response()),
    Vector("2.14 p78, 2.11 p74 corrected (index byte added)", "C0 05 52 00 00 01 01 00 C1", HOST,
           n.GetInterfaceState(index=1)),
    Vector("2.14 p78, 2.11 p74", "C0 05 52 00 00 02 00 01 23 C1", MODULE,
           n.GetInterfaceState.Response(state=ON)),
    Vector("2.14 p79, 2.11 p75", "C0 05 55 00 00 01 01 00 C1", HOST, n.SetPortMirrorState(state=ON)),
    Vector("2.14 p79, 2.11 p75", "C0 05 55 00 00 01 00 00 C1", MODULE, n.SetPortMirrorState.Response()),
    Vector("2.14 p80, 2.11 p76", "C0 05 56 00 00 00 00 C1", HOST, n.GetPortMirrorState()),
    Vector("2.14 p80, 2.11 p76", "C0 05 56 00 00 02 00 01 00 C1", MODULE,
           n.GetPortMirrorState.Response(state=ON)),
    Vector("2.14 p81, 2.11 p77 corrected (str8 names)",
           "C0 05 57 00 00 0A 04 65 74 68 30 04 65 74 68 31 00 C1", HOST,
           n.SetPortMirrorConfiguration(sniffing_interface="eth0", out_interface="eth1")),
    Vector("2.14 p81, 2.11 p77", "C0 05 57 00 00 01 00 00 C1", MODULE,
           n.SetPortMirrorConfiguration.Response()),
    Vector("2.14 p82, 2.11 p78", "C0 05 58 00 00 00 00 C1", HOST, n.GetPortMirrorConfiguration()),
    Vector("2.14 p82, 2.11 p78 corrected (str8 names)",
           "C0 05 58 00 00 0B 00 04 65 74 68 30 04 65 74 68 31 00 C1", MODULE,
           n.GetPortMirrorConfiguration.Response(sniffing_interface="eth0", out_interface="eth1")),
]

BAD_VECTORS = [
    BadVector("2.14 p71, 2.11 p67", "C0 05 43 00 00 01 01 00 01 00 C1", HOST, MissingEnd,
              "length 1 before 3 payload bytes"),
    BadVector("2.14 p73, 2.11 p69", "C0 05 82 0C 00 01 00 2A 00 C1", MODULE, MissingEnd,
              "Echo Received: length 1 before the 2-byte RTT"),
    BadVector("2.14 p75, 2.11 p71", "C0 05 4D 00 00 02 01 01 00 C1", HOST, PayloadError,
              "Get IPv6 Router: one index byte where the table says uint16"),
    BadVector("2.14 p76, 2.11 p72", f"C0 05 50 00 00 1A 00 {ETH_HEX} 01 31 C1", MODULE, MissingEnd,
              "Get Interface Info: length 26 before 27 payload bytes"),
    BadVector("2.14 p76 with length 27 and the 01 kept", f"C0 05 50 00 00 1B 00 {ETH_HEX} 01 00 C1", MODULE,
              PayloadError, "Get Interface Info: the trailing 01 is no interface record"),
    BadVector("2.14 p78, 2.11 p74", "C0 05 52 00 00 00 00 C1", HOST, PayloadError,
              "Get Interface State: no index byte"),
    BadVector("2.14 p81, 2.11 p77", "C0 05 57 00 00 08 65 74 68 30 65 74 68 31 00 C1", HOST, PayloadError,
              "Set Port Mirror Configuration: names without length bytes"),
    BadVector("2.14 p82, 2.11 p78", "C0 05 58 00 00 09 00 65 74 68 30 65 74 68 31 00 C1", MODULE,
              PayloadError,
              "Get Port Mirror Configuration: names without length bytes"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


def test_status_messages_without_examples() -> None:
    for generation in BOTH:
        assert decode_hex("C0 05 80 FF 00 01 00 00 C1", generation, MODULE) == n.InterfaceDown(
            interface=n.Interface.ACCESS_POINT)
        up = decode_hex("C0 05 81 FF 00 01 01 00 C1", generation, MODULE)
        assert up == n.InterfaceUp(interface=STATION)
        assert decode_hex("C0 05 83 0C 00 00 00 C1", generation, MODULE) == n.PingFailed()
    assert n.InterfaceUp(interface=STATION).payload() == b"\x01"


def test_every_message_is_declared_in_both_generations() -> None:
    sub_ids = {0x42, 0x43, 0x4A, 0x4B, 0x4C, 0x4D, 0x50, 0x51, 0x52, 0x55, 0x56, 0x57, 0x58}
    for generation in BOTH:
        for sub_id in sub_ids:
            command = lookup(NETCONF, sub_id, Direction.HOST, generation)
            assert command is not None and issubclass(command, Command)
            assert lookup(NETCONF, sub_id, Direction.MODULE, generation) is command.Response
        for sub_id in (0x80, 0x81, 0x82, 0x83):
            assert lookup(NETCONF, sub_id, Direction.MODULE, generation) is not None


def test_addresses_accept_text_and_address_objects() -> None:
    from_text = n.SetIpv6Router(interface=STATION, command=ADD, address=IP_TEXT)  # type: ignore[arg-type]
    from_object = n.SetIpv6Router(interface=STATION, command=ADD,
                                  address=IPv6Address(IP_TEXT))  # type: ignore[arg-type]
    from_bytes = n.SetIpv6Router(interface=STATION, command=ADD, address=IP)
    assert from_text.payload() == from_object.payload() == from_bytes.payload() == bytes.fromhex(
        "0101" + IP_HEX.replace(" ", ""))
    ping = n.SendPing(interface=STATION, address="192.168.100.23")  # type: ignore[arg-type]
    assert ping.payload() == bytes.fromhex("01C0A86417")


def test_address_of_the_wrong_version_is_refused() -> None:
    with pytest.raises(EncodeError, match=r"address.*IPv4"):
        n.SendPing(interface=STATION, address=IP_TEXT).payload()  # type: ignore[arg-type]
    with pytest.raises(EncodeError, match=r"address.*4 bytes"):
        n.SendPing(interface=STATION, address=IP).payload()
    with pytest.raises(EncodeError, match=r"address.*IPv4"):
        n.SendPing(interface=STATION, address="192.168.100.256").payload()  # type: ignore[arg-type]
    with pytest.raises(EncodeError, match=r"address.*IPv6"):
        n.SetIpv6Configuration(interface=STATION, command=ADD,
                               address="10.0.0.1").payload()  # type: ignore[arg-type]


def test_str_and_json_show_addresses_in_their_notation() -> None:
    message = n.GetIpv6Router.Response(address=IP)
    assert str(message) == f"Get IPv6 Router response: address={IP_TEXT}"
    assert message.json_fields() == {"result": "OK", "address": IP_TEXT}
    ping = n.SendPing(interface=STATION, address=bytes((192, 168, 100, 23)))
    assert str(ping) == "Send Ping: interface=STATION (1), address=192.168.100.23"


def test_interface_info_with_stray_bytes_is_an_error() -> None:
    for stray in ("01", "01 02", "01 02 03"):
        length = 1 + 25 + len(stray.split())
        frame = f"C0 05 50 00 00 {length:02X} 00 {ETH_HEX} {stray} 00 C1"
        with pytest.raises(PayloadError, match=r"Get Interface Info response: field 'interfaces\[3\]"):
            decode_hex(frame, V2, MODULE)


def test_interface_info_empty_list() -> None:
    assert decode_hex("C0 05 50 00 00 01 00 00 C1", V1, MODULE) == n.GetInterfaceInfo.Response(interfaces=[])


def test_unknown_interface_type_is_a_payload_error() -> None:
    frame = "C0 05 50 00 00 09 00 00 07 04 65 74 68 30 00 00 C1"
    with pytest.raises(PayloadError, match=r"interfaces\[0\]\.type.*InterfaceType"):
        decode_hex(frame, V2, MODULE)


def test_status_with_unknown_interface_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="Interface Down: field 'interface'"):
        decode_hex("C0 05 80 FF 00 01 02 00 C1", V2, MODULE)


def test_port_mirror_name_longer_than_32_is_refused() -> None:
    with pytest.raises(EncodeError, match=r"sniffing_interface.*0\.\.32"):
        n.SetPortMirrorConfiguration(sniffing_interface="x" * 33, out_interface="eth1").payload()


def test_index_out_of_range_is_refused() -> None:
    with pytest.raises(EncodeError, match="index"):
        n.GetIpv6Configuration(interface=STATION, index=0x10000).payload()


def test_rejected_command_gives_the_result_code() -> None:
    decoded = decode_hex("C0 05 43 00 00 01 04 00 C1", V2, MODULE)
    assert decoded == Rejection(n.GetIpv6Configuration.Response, 0x04)
