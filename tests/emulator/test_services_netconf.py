"""Network Configuration service 0x05 (manual 2.14 §13, p68-p84)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest

from freev2g.emulator.services.netconf import NetworkConfigurationService, link_local
from freev2g.hci.catalog import netconf as n
from tests.catalog.test_netconf import VECTORS
from tests.emulator.examples import check_example, example_pairs, send_example
from tests.emulator.harness import Host, result_code

AP, STATION = n.Interface.ACCESS_POINT, n.Interface.STATION
ADD, DELETE = n.AddressCommand.ADD, n.AddressCommand.DELETE
ON, OFF = n.OnOff.ON, n.OnOff.OFF
IP = IPv6Address("5260:2abd:b221:bcc9:db83:47f2:6993:424d").packed
IP2 = IPv6Address("2001:db8::2").packed
IP3 = IPv6Address("2001:db8::3").packed


@pytest.fixture
def host() -> Host:
    return Host.with_service(NetworkConfigurationService)


def test_every_manual_example_in_order(host: Host) -> None:
    pairs = example_pairs(VECTORS)
    assert len(pairs) == 13
    for command, response in pairs:
        if isinstance(command.expected, n.GetIpv6Router):  # the router example reads index 1 (p75)
            host.request(n.SetIpv6Router(interface=STATION, command=DELETE, address=IP))
            host.request(n.SetIpv6Router(interface=STATION, command=ADD, address=IP2))
            host.request(n.SetIpv6Router(interface=STATION, command=ADD, address=IP))
        check_example(host, command, response)


def test_ping_example_echo_carries_the_pings_request_id(host: Host) -> None:
    ping = next(c for c, _ in example_pairs(VECTORS) if isinstance(c.expected, n.SendPing))
    assert send_example(host, ping).payload == b"\x00"
    host.clock.advance(0.041)
    assert host.take() == []
    host.clock.advance(0.001)
    (echo,) = host.take()
    assert (echo.sub_id, echo.request_id, echo.payload) == (0x82, 0x0C, b"\x00\x2a")  # p73


def test_link_local_is_index_0_and_added_addresses_follow(host: Host) -> None:
    own = link_local("00:01:01:63:77:33")
    assert IPv6Address(own) == IPv6Address("fe80::201:1ff:fe63:7733")
    assert host.request(n.GetIpv6Configuration(interface=AP, index=0)) == \
        n.GetIpv6Configuration.Response(address=own)
    assert result_code(host.request(n.GetIpv6Configuration(interface=AP, index=1))) == 0x04
    host.request(n.SetIpv6Configuration(interface=AP, command=ADD, address=IP))
    assert host.request(n.GetIpv6Configuration(interface=AP, index=1)) == \
        n.GetIpv6Configuration.Response(address=IP)
    assert result_code(host.request(n.GetIpv6Configuration(interface=STATION, index=1))) == 0x04  # per interface


def test_delete_moves_later_addresses_down_and_unknown_delete_is_04(host: Host) -> None:
    for address in (IP, IP2):
        host.request(n.SetIpv6Configuration(interface=STATION, command=ADD, address=address))
    assert host.request(n.SetIpv6Configuration(interface=STATION, command=DELETE, address=IP)) == \
        n.SetIpv6Configuration.Response()
    assert host.request(n.GetIpv6Configuration(interface=STATION, index=1)) == \
        n.GetIpv6Configuration.Response(address=IP2)
    assert result_code(host.request(n.SetIpv6Configuration(interface=STATION, command=DELETE, address=IP))) == 0x04


def test_address_table_full_is_05_and_duplicates_are_kept_once(host: Host) -> None:
    for address in (IP, IP, IP2):
        assert host.request(n.SetIpv6Configuration(interface=STATION, command=ADD, address=address)) == \
            n.SetIpv6Configuration.Response()
    assert result_code(host.request(n.SetIpv6Configuration(interface=STATION, command=ADD, address=IP3))) == 0x05


@pytest.mark.parametrize("text", ["::", "::1", "ff02::1"])
def test_addresses_that_cannot_be_assigned_are_04(host: Host, text: str) -> None:
    address = IPv6Address(text).packed
    assert result_code(host.request(n.SetIpv6Configuration(interface=STATION, command=ADD, address=address))) == 0x04


def test_router_table_starts_empty_at_index_0(host: Host) -> None:
    assert result_code(host.request(n.GetIpv6Router(interface=STATION, index=0))) == 0x04
    host.request(n.SetIpv6Router(interface=STATION, command=ADD, address=IP))
    assert host.request(n.GetIpv6Router(interface=STATION, index=0)) == n.GetIpv6Router.Response(address=IP)
    for address in (IP2, IP3):
        host.request(n.SetIpv6Router(interface=STATION, command=ADD, address=address))
    assert result_code(host.request(n.SetIpv6Router(interface=STATION, command=ADD, address=IP3[:-1] + b"\x09"))) \
        == 0x05
    host.request(n.SetIpv6Router(interface=STATION, command=DELETE, address=IP))
    assert host.request(n.GetIpv6Router(interface=STATION, index=0)) == n.GetIpv6Router.Response(address=IP2)


def test_interface_off_sends_down_after_the_response_and_drops_the_link(host: Host) -> None:
    assert host.request(n.SetInterfaceState(index=1, state=OFF)) == n.SetInterfaceState.Response()
    assert host.take() == []
    host.clock.advance(0)
    assert host.decoded() == [n.InterfaceDown(interface=STATION)]
    assert host.request(n.GetLinkStatus(interface=STATION)) == n.GetLinkStatus.Response(link_status=False)
    assert host.request(n.GetLinkStatus(interface=AP)) == n.GetLinkStatus.Response(link_status=True)
    assert host.request(n.GetInterfaceState(index=1)) == n.GetInterfaceState.Response(state=OFF)
    host.request(n.SetInterfaceState(index=1, state=OFF))  # no change, no status
    host.request(n.SetInterfaceState(index=1, state=ON))
    host.clock.advance(0)
    assert host.decoded() == [n.InterfaceUp(interface=STATION)]


def test_interface_without_selector_and_unknown_index(host: Host) -> None:
    host.request(n.SetInterfaceState(index=2, state=OFF))
    host.clock.advance(0)
    assert host.take() == []
    assert host.request(n.GetInterfaceState(index=2)) == n.GetInterfaceState.Response(state=OFF)
    assert result_code(host.request(n.SetInterfaceState(index=3, state=OFF))) == 0x04
    assert result_code(host.request(n.GetInterfaceState(index=3))) == 0x04


def test_unknown_host_fails_after_one_second(host: Host) -> None:
    host.request(n.SendPing(interface=STATION, address=IPv4Address("192.168.1.1").packed))
    host.clock.advance(0.999)
    assert host.take() == []
    host.clock.advance(0.001)
    (failed,) = host.take()
    assert (failed.sub_id, failed.request_id, failed.payload) == (0x83, host.request_id, b"")


def test_loopback_answers_and_link_down_fails_at_once(host: Host) -> None:
    host.request(n.SendPing(interface=AP, address=IPv4Address("127.0.0.1").packed))
    host.clock.advance(0)
    assert host.decoded() == [n.EchoReceived(rtt=0)]
    host.request(n.SetInterfaceState(index=0, state=OFF))
    host.clock.advance(0)
    host.take()
    host.request(n.SendPing(interface=AP, address=IPv4Address("127.0.0.1").packed))
    host.clock.advance(0)
    assert host.decoded() == [n.PingFailed()]


def test_configured_hosts_answer_with_their_rtt() -> None:
    host = Host()
    service = NetworkConfigurationService(host.module, hosts={"10.0.0.2": 7})
    host.module.add(service)
    host.request(n.SendPing(interface=STATION, address=IPv4Address("10.0.0.2").packed))
    host.clock.advance(0.007)
    assert host.decoded() == [n.EchoReceived(rtt=7)]


def test_port_mirror_reads_back_and_refuses_unknown_names(host: Host) -> None:
    assert host.request(n.GetPortMirrorState()) == n.GetPortMirrorState.Response(state=OFF)
    host.request(n.SetPortMirrorConfiguration(sniffing_interface="eth1", out_interface="wlan0"))
    assert host.request(n.GetPortMirrorConfiguration()) == \
        n.GetPortMirrorConfiguration.Response(sniffing_interface="eth1", out_interface="wlan0")
    assert result_code(host.request(n.SetPortMirrorConfiguration(sniffing_interface="eth9", out_interface="eth0"))) \
        == 0x04
    assert result_code(host.request(n.SetPortMirrorConfiguration(sniffing_interface="eth0", out_interface="eth0"))) \
        == 0x04


def test_mirror_on_needs_both_names(host: Host) -> None:
    host.request(n.SetPortMirrorConfiguration(sniffing_interface="", out_interface="eth1"))
    assert result_code(host.request(n.SetPortMirrorState(state=ON))) == 0x05
    host.request(n.SetPortMirrorConfiguration(sniffing_interface="eth0", out_interface="eth1"))
    assert host.request(n.SetPortMirrorState(state=ON)) == n.SetPortMirrorState.Response()
    assert host.request(n.GetPortMirrorState()) == n.GetPortMirrorState.Response(state=ON)


def test_restart_returns_to_power_up_and_drops_pending_pings(host: Host) -> None:
    host.request(n.SetIpv6Configuration(interface=STATION, command=ADD, address=IP))
    host.request(n.SetPortMirrorState(state=ON))
    host.request(n.SendPing(interface=STATION, address=IPv4Address("192.168.1.1").packed))
    host.module.restart()
    host.clock.advance(2)
    assert host.take() == []
    assert result_code(host.request(n.GetIpv6Configuration(interface=STATION, index=1))) == 0x04
    assert host.request(n.GetPortMirrorState()) == n.GetPortMirrorState.Response(state=OFF)


def test_interface_info_lists_the_examples_interfaces(host: Host) -> None:
    answer = host.request(n.GetInterfaceInfo())
    assert isinstance(answer, n.GetInterfaceInfo.Response)
    assert [i.name for i in answer.interfaces] == ["eth0", "eth1", "wlan0"]
