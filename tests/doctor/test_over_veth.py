"""``freev2g doctor`` on a real veth pair between two network namespaces, the emulated module in
the other namespace (raw Ethernet on both ends; root, and never skipped under CI)."""

from __future__ import annotations

import asyncio
import json
import sys
from contextlib import AbstractAsyncContextManager

import pytest

from freev2g.doctor import Check, DoctorOptions, Probes, Verdict, exit_status, run_doctor
from freev2g.doctor.host import RawSocketAccess, read_interface
from freev2g.netns import VethPair, inside, ip
from freev2g.transport import EthernetTransport
from freev2g.transport.ethernet import PERMISSION_HINT
from tests.doctor.emulated import Rig, emulated_module

pytestmark = pytest.mark.root

TIMEOUT = 0.3
WRONG_MAC = "00:01:01:63:77:35"
HOST_CHECKS = ["permissions", "interface", "interface up", "Ethernet", "MTU", "carrier"]
MODULE_CHECKS = ["HCI reachability", "module MAC", "firmware", "control pilot", "SLAC", "V2G", "PLC link"]


def module_on(veth: VethPair, firmware: str) -> AbstractAsyncContextManager[Rig]:
    return emulated_module(firmware, EthernetTransport(veth.module_if, None), mac=veth.module_mac,
                           namespace=veth.module_ns)


async def doctor(veth: VethPair, *, mac: str | None = None, interface: str | None = None,
                 probes: Probes | None = None) -> dict[str, Check]:
    options = DoctorOptions(interface=interface or veth.host_if, mac=mac or veth.module_mac, pings=2,
                            timeout=TIMEOUT)
    with inside(veth.host_ns):
        checks = await run_doctor(options, probes)
    names = [check.name for check in checks]
    assert names == HOST_CHECKS + MODULE_CHECKS or names[-len(MODULE_CHECKS):] == MODULE_CHECKS
    return {check.name: check for check in checks}


def verdicts(found: dict[str, Check]) -> dict[str, str]:
    return {name: check.verdict.value for name, check in found.items()}


@pytest.mark.parametrize(("firmware", "generation"), [("V01_01_06", "v1 (manual 2.11)"),
                                                      ("V02_00_01", "v2 (manual 2.14)")])
async def test_everything_passes(veth: VethPair, firmware: str, generation: str) -> None:
    async with module_on(veth, firmware) as rig:
        found = await doctor(veth)
    assert set(verdicts(found).values()) == {"ok"}, found
    assert found["interface"].detail == f"{veth.host_if} exists ({veth.host_mac})"
    assert found["module MAC"].detail == f"the module answers from {veth.module_mac}"
    assert found["firmware"].detail == f"{firmware}: API generation {generation}"
    assert found["HCI reachability"].detail.startswith("2/2 pings answered")
    assert exit_status(list(found.values())) == 0
    assert rig.read_only(), rig.commands


async def test_module_absent_fails_with_the_fix(veth: VethPair) -> None:
    found = await doctor(veth)
    assert all(found[name].verdict is Verdict.OK for name in HOST_CHECKS)
    assert found["HCI reachability"] == Check.fail("HCI reachability", f"no answer to 2 pings ({TIMEOUT:g} s each)",
                                                   EthernetTransport.no_reply_hint)
    assert [found[name].verdict for name in MODULE_CHECKS[1:]] == [Verdict.SKIP] * 6
    assert exit_status(list(found.values())) == 1


async def test_wrong_mac_fails_suggesting_the_right_one(veth: VethPair) -> None:
    async with module_on(veth, "V02_00_01"):
        found = await doctor(veth, mac=WRONG_MAC)
    # the first unanswered ping, with the module's frames seen from elsewhere, ends the pinging
    assert found["HCI reachability"].detail == f"no answer to 1 ping ({TIMEOUT:g} s each)"
    assert found["HCI reachability"].fix == f"the module answers from another MAC: use -m {veth.module_mac}"
    assert found["module MAC"] == Check.fail(
        "module MAC", f"HCI frames from {veth.module_mac}, none from the configured {WRONG_MAC}",
        f"use -m {veth.module_mac}")
    assert found["firmware"].verdict is Verdict.SKIP


async def test_interface_missing(veth: VethPair) -> None:
    found = await doctor(veth, interface="hci-nope")
    assert found["interface"].verdict is Verdict.FAIL
    assert found["interface"].detail.startswith("no network interface 'hci-nope' (interfaces: ")
    assert veth.host_if in found["interface"].detail
    assert all(found[name].verdict is Verdict.SKIP for name in MODULE_CHECKS)
    assert found["HCI reachability"].detail == "not checked: interface failed"


async def test_interface_down(veth: VethPair) -> None:
    ip("-n", veth.host_ns, "link", "set", veth.host_if, "down")
    async with module_on(veth, "V02_00_01"):
        found = await doctor(veth)
    assert found["interface up"] == Check.fail("interface up", f"{veth.host_if} is down",
                                               f"sudo ip link set {veth.host_if} up")
    assert found["carrier"].verdict is Verdict.SKIP
    assert found["HCI reachability"].detail == "not checked: interface up failed"


async def carrier_lost(veth: VethPair) -> None:
    """The kernel reports a carrier change asynchronously (link watch): wait until it shows."""
    for _ in range(100):
        with inside(veth.host_ns):
            if not read_interface(veth.host_if).running:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{veth.host_if} kept its carrier")


async def test_no_carrier_when_the_far_end_is_down(veth: VethPair) -> None:
    ip("-n", veth.module_ns, "link", "set", veth.module_if, "down")
    await carrier_lost(veth)
    found = await doctor(veth)
    assert found["interface up"].verdict is Verdict.OK
    assert found["carrier"].verdict is Verdict.FAIL and "no carrier" in found["carrier"].detail
    assert found["HCI reachability"].verdict is Verdict.SKIP


async def test_not_root(veth: VethPair) -> None:
    not_root = Probes(raw_socket_access=lambda: RawSocketAccess(1000, False, "Operation not permitted"))
    async with module_on(veth, "V02_00_01") as rig:
        found = await doctor(veth, probes=not_root)
    assert found["permissions"] == Check.fail(
        "permissions", "uid 1000: cannot open a raw Ethernet socket (Operation not permitted)", PERMISSION_HINT)
    assert found["HCI reachability"].detail == "not checked: permissions failed"
    assert rig.commands == []


async def cli(veth: VethPair, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "ip", "netns", "exec", veth.host_ns, sys.executable, "-m", "freev2g", "doctor", "-i", veth.host_if,
        "--timeout", "1", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


async def test_the_command_line(veth: VethPair) -> None:
    async with module_on(veth, "V01_01_07") as rig:
        status, out = await cli(veth, "-m", veth.module_mac, "--json")
        assert status == 0, out
        document = json.loads(out)
        assert document["ok"] is True
        assert [c["name"] for c in document["checks"]] == HOST_CHECKS + MODULE_CHECKS
        assert document["checks"][8]["detail"] == "V01_01_07: API generation v1 (manual 2.11)"
        status, out = await cli(veth, "-m", WRONG_MAC, "--pings", "1")
        assert status == 1
        assert "FAIL module MAC" in out and f"fix: use -m {veth.module_mac}" in out
        assert rig.read_only()
    status, out = await cli(veth, "--pings", "0")
    assert status == 2 and "--pings 0: at least 1" in out
