"""The doctor's module checks against the emulated module in memory: every firmware passes,
a silent module fails with the fix, a running session is reported and left as it was."""

from __future__ import annotations

import dataclasses

import pytest

from freev2g.apps.common import Role, match_slac_evse, start_control_pilot, start_slac
from freev2g.apps.console import Console
from freev2g.client import Whitebeet
from freev2g.doctor import Check, Verdict, check_module, diagnose, exit_status
from freev2g.emulator.peers.car import CarConfig, SimulatedCar
from freev2g.emulator.profiles import profile
from freev2g.hci.catalog import cp, slac
from freev2g.hci.frame import Frame
from freev2g.transport import MemoryLink
from tests.client.fake_module import FakeModule, echo_pings, reply
from tests.doctor.emulated import emulated_module

TIMEOUT = 0.5


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


@pytest.mark.parametrize(("firmware", "generation", "role"), [
    ("V01_01_06", "API generation v1 (manual 2.11)", "EVSE"),
    ("V01_01_07", "API generation v1 (manual 2.11)", "EVSE"),
    ("V02_00_01", "API generation v2 (manual 2.14)", "EVSE"),
    ("V01_00_06", "API generation v1 (manual 2.11)", "EV"),
])
async def test_every_firmware_passes_with_only_ping_and_get(firmware: str, generation: str, role: str) -> None:
    host, module_end = MemoryLink.pair(chunk_size=5)
    async with emulated_module(firmware, module_end) as rig:
        checks = await check_module(host, timeout=TIMEOUT)
    assert [c.name for c in checks] == ["HCI reachability", "firmware", "control pilot", "SLAC", "V2G",
                                        "PLC link"]
    assert all(c.verdict is Verdict.OK for c in checks), checks
    found = by_name(checks)
    assert found["HCI reachability"].detail.startswith("3/3 pings answered, round trip min/avg/max")
    assert found["firmware"].detail == f"{firmware}: {generation}"
    assert found["control pilot"].detail.startswith(f"mode {role}, state UNKNOWN")
    assert found["SLAC"].detail == "state idle"
    assert found["V2G"].detail == f"mode {role}"
    assert found["PLC link"].detail.startswith("down")
    assert exit_status(checks) == 0
    assert rig.read_only(), rig.commands
    assert rig.commands.count("Ping") == 3


async def test_a_silent_module_fails_with_the_fix_and_the_rest_is_skipped() -> None:
    host, _nothing_listens = MemoryLink.pair()
    checks = await check_module(host, pings=2, timeout=0.05)
    assert checks[0] == Check.fail("HCI reachability", "no answer to 2 pings (0.05 s each)",
                                   "check the connection and that the module is powered")
    assert [c.verdict for c in checks[1:]] == [Verdict.SKIP] * 5
    assert all(c.detail == "not checked: HCI reachability failed" for c in checks[1:])
    assert exit_status(checks) == 1


async def test_an_unknown_firmware_version_warns_with_the_generation_option() -> None:
    future = dataclasses.replace(profile("V02_00_01"), version="V09_00_00")
    host, module_end = MemoryLink.pair()
    async with emulated_module(future, module_end):
        found = by_name(await check_module(host, timeout=TIMEOUT))
    assert found["firmware"].verdict is Verdict.WARN
    assert "V09_00_00" in found["firmware"].detail and "--generation" in (found["firmware"].fix or "")


async def test_a_session_in_progress_is_reported_and_left_alone() -> None:
    host, module_end = MemoryLink.pair()
    async with emulated_module("V02_00_01", module_end) as rig, Whitebeet(host) as wb:
        console = Console(echo=False)
        SimulatedCar(rig.world, CarConfig(plug_in_delay=0.0))
        pilot = await start_control_pilot(wb, console, Role.EVSE)
        await start_slac(wb, console, Role.EVSE)
        await pilot.wait_for(lambda state: state is cp.ControlPilotState.B, 2)
        await match_slac_evse(wb, console, timeout=5)
        before = len(rig.commands)
        found = by_name(await diagnose(wb, timeout=TIMEOUT))
        assert rig.read_only() is False  # the host above configured the module ...
        assert all(t == "Ping" or t.startswith("Get ") for t in rig.commands[before:])  # ... the doctor did not
        assert found["control pilot"].detail == "mode EVSE, state B (9 V, vehicle connected), duty cycle 5 %"
        assert found["SLAC"] == Check.ok("SLAC", "state ready")
        assert found["PLC link"] == Check.ok("PLC link", "up: SLAC matched a peer")
        assert exit_status(list(found.values())) == 0
        assert (await wb.call(cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response)).duty_cycle == 50
        assert (await wb.call(slac.GetState(), slac.GetState.Response)).state is slac.SlacState.READY
        pilot.close()


async def test_a_shorted_pilot_warns() -> None:
    host, module_end = MemoryLink.pair()
    async with emulated_module("V01_01_06", module_end) as rig, Whitebeet(host) as wb:
        pilot = await start_control_pilot(wb, Console(echo=False), Role.EVSE)
        rig.world.wire.short_circuit(True)
        found = by_name(await diagnose(wb, timeout=TIMEOUT))
        pilot.close()
    assert found["control pilot"].verdict is Verdict.WARN
    assert "state E (0 V, no pilot signal)" in found["control pilot"].detail
    assert found["control pilot"].fix == "check the CP line for a short to PE"


async def test_rejected_gets_warn_and_a_rejected_firmware_query_fails() -> None:
    def module(frame: Frame) -> list[bytes] | None:
        return echo_pings(frame) or [reply(frame, b"\x05")]  # every Get: 0x05 not possible now

    fake = FakeModule(module)
    found = by_name(await check_module(fake, timeout=TIMEOUT))
    assert found["HCI reachability"].verdict is Verdict.OK
    assert found["firmware"] == Check.fail("firmware", "Get Firmware Version rejected: 0x05 unexpected message: not in a state"
                                           " to execute the command",
                                           "the module answers pings but not commands: restart it")
    assert found["control pilot"].verdict is Verdict.WARN
    assert "Get Mode rejected" in found["control pilot"].detail
    assert found["SLAC"].verdict is Verdict.WARN and found["V2G"].verdict is Verdict.WARN
    assert found["PLC link"].verdict is Verdict.SKIP
    assert {f.module_id for f in fake.received} == {0x0E, 0x10, 0x29, 0x28, 0x27}
