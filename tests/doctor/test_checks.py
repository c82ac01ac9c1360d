"""The doctor's checks as functions of what they saw: verdicts, details and fixes, the report's
text and JSON forms and the exit status (no module, no root needed)."""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest

from freev2g.doctor import Check, Verdict, exit_status, format_json, format_text
from freev2g.doctor.host import (
    ARPHRD_ETHER,
    ARPHRD_LOOPBACK,
    InterfaceState,
    NoInterface,
    RawSocketAccess,
    check_device_permissions,
    check_interface,
    check_interface_missing,
    check_raw_socket_permission,
    check_spi_devices,
    read_interface,
)
from freev2g.doctor.module import PingResult, check_module_mac, check_plc_link, check_reachability
from freev2g.hci.catalog.slac import SlacState
from freev2g.hci.ethernet import parse_mac
from freev2g.transport.ethernet import PERMISSION_HINT

ETH0 = InterfaceState("eth0", up=True, running=True, hardware_type=ARPHRD_ETHER, mac="00:22:22:22:22:22",
                      mtu=1500)
MODULE = "00:01:01:63:77:33"
OTHER = "00:01:01:63:77:35"


def verdicts(checks: list[Check]) -> dict[str, Verdict]:
    return {check.name: check.verdict for check in checks}


# -- permissions --------------------------------------------------------------------------------


def test_root_and_cap_net_raw_pass() -> None:
    assert check_raw_socket_permission(RawSocketAccess(0, True, None)) == Check.ok(
        "permissions", "root: raw Ethernet sockets allowed")
    assert check_raw_socket_permission(RawSocketAccess(1000, True, None)).detail.startswith("CAP_NET_RAW")


def test_no_raw_socket_fails_with_the_setcap_fix() -> None:
    check = check_raw_socket_permission(RawSocketAccess(1000, False, "Operation not permitted"))
    assert check.verdict is Verdict.FAIL
    assert check.detail == "uid 1000: cannot open a raw Ethernet socket (Operation not permitted)"
    assert check.fix == PERMISSION_HINT and "setcap cap_net_raw+ep" in check.fix


def test_device_permissions(tmp_path: Path) -> None:
    readable = tmp_path / "spidev0.0"
    readable.write_bytes(b"")
    assert check_device_permissions([str(readable)]).verdict is Verdict.OK
    assert check_device_permissions([str(tmp_path / "none")]).verdict is Verdict.SKIP
    group = grp.getgrgid(readable.stat().st_gid).gr_name
    check = check_device_permissions([str(readable), "/dev/null"], access=lambda path: path == "/dev/null")
    assert check == Check.fail("permissions", f"no read/write access to {readable}",
                               f"run as root or join the owning group ({group}):"
                               f" sudo usermod -aG {group} $USER, then log in again")


def test_spi_devices_must_be_character_devices(tmp_path: Path) -> None:
    plain = tmp_path / "spidev0.0"
    plain.write_bytes(b"")
    check = check_spi_devices(str(plain), "/dev/null")
    assert check.verdict is Verdict.FAIL
    assert check.detail == f"no character device {plain}" and "dtparam=spi=on" in (check.fix or "")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert check_spi_devices("/dev/null", "/dev/zero").verdict is Verdict.OK
    both = check_spi_devices(str(plain), str(tmp_path / "gpiochip0"))
    assert "--gpiochip" in (both.fix or "") and "--spi-device" in (both.fix or "")


# -- the interface ----------------------------------------------------------------------------


def test_a_good_interface_passes_every_check() -> None:
    checks = check_interface(ETH0)
    assert [c.name for c in checks] == ["interface", "interface up", "Ethernet", "MTU", "carrier"]
    assert all(c.verdict is Verdict.OK for c in checks)
    assert checks[0].detail == "eth0 exists (00:22:22:22:22:22)"


def test_a_down_interface_fails_with_ip_link_and_skips_the_carrier() -> None:
    down = InterfaceState("eth0", up=False, running=False, hardware_type=ARPHRD_ETHER, mac="", mtu=1500)
    checks = {c.name: c for c in check_interface(down)}
    assert checks["interface up"] == Check.fail("interface up", "eth0 is down", "sudo ip link set eth0 up")
    assert checks["carrier"].verdict is Verdict.SKIP


def test_no_carrier_fails_with_the_cable_fix() -> None:
    checks = {c.name: c for c in check_interface(InterfaceState("eth0", True, False, ARPHRD_ETHER, "", 1500))}
    assert checks["carrier"].verdict is Verdict.FAIL and "cable" in (checks["carrier"].fix or "")


def test_small_mtu_warns_and_not_ethernet_fails() -> None:
    checks = {c.name: c for c in check_interface(InterfaceState("tun0", True, True, 65534, "", 1400))}
    assert checks["MTU"].verdict is Verdict.WARN and checks["MTU"].fix == "sudo ip link set tun0 mtu 1500"
    assert checks["Ethernet"].verdict is Verdict.FAIL and "hardware type 65534" in checks["Ethernet"].detail
    loopback = {c.name: c for c in check_interface(InterfaceState("lo", True, True, ARPHRD_LOOPBACK, "", 65536))}
    assert loopback["Ethernet"].verdict is Verdict.WARN


def test_a_missing_interface_lists_the_others() -> None:
    check = check_interface_missing(NoInterface("eht0", ["lo", "eth0"]))
    assert check.verdict is Verdict.FAIL
    assert check.detail == "no network interface 'eht0' (interfaces: lo, eth0)" and "-i" in (check.fix or "")


def test_read_interface_reads_loopback() -> None:
    state = read_interface("lo")
    assert state.up and state.hardware_type == ARPHRD_LOOPBACK and state.mtu >= 1500
    with pytest.raises(NoInterface):
        read_interface("no-such-if0")


# -- over HCI -------------------------------------------------------------------------------------


def test_reachability_verdicts() -> None:
    hint = "check the cable"
    all_answered = check_reachability(PingResult(3, [0.001, 0.002, 0.003]), 1.0, [], hint)
    assert all_answered == Check.ok("HCI reachability",
                                    "3/3 pings answered, round trip min/avg/max 1.00/2.00/3.00 ms")
    assert check_reachability(PingResult(3, [0.001]), 1.0, [], hint).verdict is Verdict.WARN
    silent = check_reachability(PingResult(3, []), 0.5, [], hint)
    assert silent == Check.fail("HCI reachability", "no answer to 3 pings (0.5 s each)", hint)
    wrong_mac = check_reachability(PingResult(3, []), 0.5, [OTHER], hint)
    assert wrong_mac.fix == f"the module answers from another MAC: use -m {OTHER}"
    garbled = check_reachability(PingResult(3, [], wrong_data=3), 0.5, [], hint)
    assert garbled.verdict is Verdict.FAIL and "other data" in garbled.detail


def test_module_mac_verdicts() -> None:
    configured = parse_mac(MODULE)
    assert check_module_mac(configured, [], True, MODULE) == Check.ok(
        "module MAC", f"the module answers from {MODULE}")
    wrong = check_module_mac(configured, [OTHER], False, None)
    assert wrong == Check.fail("module MAC", f"HCI frames from {OTHER}, none from the configured {MODULE}",
                               f"use -m {OTHER}")
    assert check_module_mac(configured, [], False, None).verdict is Verdict.SKIP
    assert check_module_mac(configured, [OTHER], True, None).verdict is Verdict.WARN
    assert "Get MAC Address reports 00:01:02:03:04:05" in check_module_mac(
        configured, [], True, "00:01:02:03:04:05").detail


def test_plc_link_from_the_slac_state() -> None:
    assert check_plc_link(SlacState.READY) == Check.ok("PLC link", "up: SLAC matched a peer")
    assert check_plc_link(SlacState.IDLE).detail.startswith("down")
    assert check_plc_link(None).verdict is Verdict.SKIP


# -- the report -----------------------------------------------------------------------------------


def test_text_json_and_exit_status() -> None:
    checks = [Check.ok("permissions", "root"), Check.warn("MTU", "1400 bytes", "raise it"),
              Check.fail("carrier", "no link", "plug the cable"), Check.skip("firmware", "not checked")]
    assert format_text(checks).splitlines() == [
        "ok   permissions root",
        "warn MTU         1400 bytes; fix: raise it",
        "FAIL carrier     no link; fix: plug the cable",
        "skip firmware    not checked",
    ]
    document = json.loads(format_json(checks))
    assert document["ok"] is False
    assert document["checks"][2] == {"name": "carrier", "verdict": "FAIL", "detail": "no link",
                                     "fix": "plug the cable"}
    assert exit_status(checks) == 1
    assert exit_status(checks[:2] + checks[3:]) == 0
    assert json.loads(format_json(checks[:2]))["ok"] is True


def test_a_link_that_refuses_to_send_fails() -> None:
    check = check_reachability(PingResult(1, [], send_error="hci-host is down"), 1.0, [], "hint")
    assert check.verdict is Verdict.FAIL and check.detail == "cannot send: hci-host is down"
