"""The EV application against a scripted EV module: the flow of manual 2.14 §21.9 (p230-p236),
the console lines of v1-api §4.4, the stop at the target SOC and every safe-end path."""

from __future__ import annotations

import asyncio

import pytest

from freev2g.apps.console import Console
from freev2g.apps.ev import EndReason, EvSettings, run_ev
from freev2g.config.ev_schema import EvConfig
from freev2g.hci.catalog import cp, slac, v2g_common, v2g_ev
from freev2g.hci.catalog.cp import ResistorLevel
from freev2g.hci.catalog.v2g_types import EnergyTransferMode
from tests.apps.ev_fake import FakeEvModule, Script

# 99.9 % of a small battery: a session charges to 100 % within a second of (scaled) time.
QUICK = {"battery": {"capacity": 1000, "level": 999, "timestep": 100}, "session": {"step_timeout": 2}}


def config(**sections: dict[str, object]) -> EvConfig:
    data: dict[str, dict[str, object]] = {key: dict(value) for key, value in QUICK.items()}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return EvConfig.model_validate(data)


async def run(module: FakeEvModule, cfg: EvConfig, scale: float = 100.0):  # type: ignore[no-untyped-def]
    console = Console(echo=False)
    result = await asyncio.wait_for(run_ev(module, EvSettings(config=cfg, time_scale=scale), console), 20)
    return result, console.lines


def assert_safe_end(module: FakeEvModule) -> None:
    """After the session: CP back to state B, SLAC stopped, CP stopped (in this order)."""
    titles = module.titles()
    last_b = max(i for i, c in enumerate(module.commands)
                 if isinstance(c, cp.SetResistorLevel) and c.resistor_level is ResistorLevel.STATE_B)
    assert titles.index("Stop SLAC", last_b) < len(titles)
    assert isinstance(module.commands[-1], cp.Stop)


async def test_dc_session_prints_the_seed_lines_and_stops_at_the_target_soc() -> None:
    module = FakeEvModule()
    result, lines = await run(module, config())
    assert result.ok, result.error
    summary = result.sessions[0]
    assert summary.reason is EndReason.TARGET_REACHED
    assert summary.soc_to >= 100 > summary.soc_from
    assert summary.energy_wh > 0
    expected_order = [
        "Welcome to Codico Whitebeet EV reference implementation", "Initiating framing interface",
        "iface: fake EV module, mac: 00:01:01:63:77:31", "Set the CP mode to EV", "Start the CP service",
        "Set SLAC to EV mode", "Start SLAC", "EVSE connected", "Start SLAC matching", "SLAC matching successful",
        "Set V2G mode to EV", "Set V2G configuration", "Set DC charging parameters", "Set AC charging parameters",
        "Create new charging session", "ControlPilot duty cycle: 5.0", '"Schedule Received" received',
        '"Session started" received', '"DC Charge Parameters Changed" received', '"Cable Check Ready" received',
        "Change State to State C", '"Cable Check Finished" received', '"Pre Charging Ready" received',
        '"Charging Ready" received', '"Charging Started" received', "Battery", "charging done",
        '"Post Charging Ready" received', '"Session Stopped" received', "EV loop finished", "Goodbye!",
    ]
    positions = [lines.index(line) for line in expected_order]
    assert positions == sorted(positions)
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert "\tEVSE ID: DE*ABC*E*00001*01" in lines  # text, not the hex of its bytes
    assert "\tTuple id: 1" in lines and "\tPower: 25000" in lines
    # the step commands in the manual's order, Stop Session only after Post Charging Ready
    titles = module.titles()
    order = ["EV Start Session", "EV Start Cable Check", "EV Start Pre Charging", "EV Set Charging Profile",
             "EV Start Charging", "EV Stop Charging", "EV Stop Session"]
    assert [titles.index(t) for t in order] == sorted(titles.index(t) for t in order)
    assert module.sent(v2g_ev.EVStopCharging)[0].renegotiation is False
    assert module.sent(v2g_ev.EVSetConfiguration)[0].ev_id == "00:01:01:63:77:31"  # the module's MAC
    assert_safe_end(module)


async def test_the_received_schedule_is_used_not_replaced() -> None:
    module = FakeEvModule(Script(schedule_power=3000))
    await run(module, config(battery={"max_power": 12000, "target_voltage": 200}))
    profile = module.sent(v2g_ev.EVSetChargingProfile)[0]
    assert profile.schedule_tuple_id == 1
    assert [e.power for e in profile.entries] == [3000, 1500]
    # 3000 W at 200 V: the request never exceeds the schedule's 15 A
    updates = module.sent(v2g_ev.EVUpdateDCChargingParameters)
    assert updates and max(u.target_current for u in updates) <= 15


async def test_requests_never_exceed_the_evse_limits() -> None:
    module = FakeEvModule(Script(evse_max_current=25, evse_max_voltage=180))
    await run(module, config(battery={"target_voltage": 200, "target_current": 40}))
    updates = module.sent(v2g_ev.EVUpdateDCChargingParameters)
    charging = [u for u in updates if u.target_current > 2]
    assert charging
    assert all(u.target_current <= 25 and u.target_voltage <= 180 for u in updates)


async def test_start_charging_waits_for_the_present_voltage() -> None:
    module = FakeEvModule()
    original = module._react

    def lagging(command):  # type: ignore[no-untyped-def]
        if isinstance(command, v2g_ev.EVStartPreCharging):  # the EVSE stays far below the target
            module.present_voltage = module.target_voltage - 50
            module.emit(module._c1())
            module.emit(v2g_ev.EVChargingReady())
            return
        original(command)

    module._react = lagging  # type: ignore[method-assign]
    result, lines = await run(module, config(session={"step_timeout": 0.5}))
    assert not module.sent(v2g_ev.EVStartCharging)
    assert result.sessions[0].reason is EndReason.TIMEOUT
    assert any(line.startswith("Error: timeout") for line in lines)
    assert_safe_end(module)


@pytest.mark.parametrize("mode", [EnergyTransferMode.AC_SINGLE_PHASE, EnergyTransferMode.AC_THREE_PHASE])
async def test_ac_session(mode: EnergyTransferMode) -> None:
    module = FakeEvModule(Script(mode=mode, evse_max_current=16))
    result, lines = await run(module, config(ev={"energy_transfer_mode": [int(mode)]}))
    assert result.ok, result.error
    assert '"AC Charge Parameter changed" received' in lines
    assert '"Charging Stopped" received' in lines
    assert not module.sent(v2g_ev.EVStartCableCheck)
    assert not module.sent(v2g_ev.EVSetDCChargingParameters)
    updates = module.sent(v2g_ev.EVUpdateACChargingParameters)
    assert updates and all(u.max_current <= 16 for u in updates)
    assert result.sessions[0].energy_wh > 0
    assert_safe_end(module)


async def test_seed_ac_defaults_do_not_stop_an_ac_session() -> None:
    module = FakeEvModule(Script(mode=EnergyTransferMode.AC_SINGLE_PHASE))
    seed_ac = {"max_current_AC": 0, "max_voltage_AC": 0, "min_current_AC": 0}
    result, lines = await run(module, config(ev={"energy_transfer_mode": [4]}, battery=seed_ac))
    assert result.sessions[0].reason is EndReason.TARGET_REACHED
    assert not any("out of range" in line for line in lines)


async def test_evse_emergency_shutdown_stops_charging_and_ends_safely() -> None:
    module = FakeEvModule()
    original = module._react

    def shutdown_when_charging(command):  # type: ignore[no-untyped-def]
        original(command)
        if isinstance(command, v2g_ev.EVStartCharging):
            module.evse_shutdown()

    module._react = shutdown_when_charging  # type: ignore[method-assign]
    result, _ = await run(module, config(battery={"capacity": 50000, "level": 10000}), scale=1)
    assert result.sessions[0].reason is EndReason.EVSE_STOPPED
    assert module.sent(v2g_ev.EVStopCharging)[0].renegotiation is False
    assert module.sent(v2g_ev.EVStopSession)
    assert_safe_end(module)


async def test_unplug_mid_session_ends_safely() -> None:
    module = FakeEvModule()
    original = module._react

    def unplug_when_charging(command):  # type: ignore[no-untyped-def]
        original(command)
        if isinstance(command, v2g_ev.EVStartCharging):
            module.unplug()

    module._react = unplug_when_charging  # type: ignore[method-assign]
    result, lines = await run(module, config(battery={"capacity": 50000, "level": 10000}), scale=1)
    assert result.sessions[0].reason is EndReason.UNPLUGGED
    assert not result.ok and result.exit_status == 1
    assert module.sent(v2g_ev.EVStopCharging)  # the safe end stops charging first
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert_safe_end(module)


async def test_silence_after_a_step_is_a_timeout_with_a_safe_end() -> None:
    module = FakeEvModule(Script(silent_after="EV Start Cable Check"))
    result, lines = await run(module, config(session={"step_timeout": 0.3}))
    assert result.sessions[0].reason is EndReason.TIMEOUT
    assert "Error: timeout: nothing from the module for 0.3 s (pre charge)" in lines
    assert lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert_safe_end(module)


async def test_rejected_command_is_a_module_error() -> None:
    module = FakeEvModule(Script(reject={0xAA: 0x11}))
    result, lines = await run(module, config())
    assert result.sessions[0].reason is EndReason.MODULE_ERROR
    assert any("EV Start Cable Check rejected" in line for line in lines)
    assert_safe_end(module)


async def test_session_error_is_printed() -> None:
    module = FakeEvModule()
    original = module._react

    def error_after_cable_check(command):  # type: ignore[no-untyped-def]
        if isinstance(command, v2g_ev.EVStartCableCheck):
            module.emit(v2g_ev.EVSessionError(code=v2g_ev.EvSessionError.CONTACTOR_ERROR))
            module.emit(v2g_ev.EVSessionStopped())
            return
        original(command)

    module._react = error_after_cable_check  # type: ignore[method-assign]
    result, lines = await run(module, config())
    assert '"Session Error" received' in lines
    assert "\tError: 6 (contactor error)" in lines
    assert result.sessions[0].reason is EndReason.SESSION_ERROR


async def test_renegotiation_request_is_answered_with_stop_charging_renegotiate() -> None:
    module = FakeEvModule()
    original = module._react

    def renegotiate_once(command):  # type: ignore[no-untyped-def]
        original(command)
        if isinstance(command, v2g_ev.EVStartCharging) and len(module.sent(v2g_ev.EVStartCharging)) == 1:
            module.emit(v2g_ev.EVNotificationReceived(type=v2g_ev.NotificationType.RENEGOTIATION, max_delay=10))
        if isinstance(command, v2g_ev.EVStopCharging) and command.renegotiation:
            module.charging = False
            module.emit(v2g_ev.EVChargingReady())

    module._react = renegotiate_once  # type: ignore[method-assign]
    result, lines = await run(module, config(battery={"capacity": 50000, "level": 49990}), scale=1000)
    assert [c.renegotiation for c in module.sent(v2g_ev.EVStopCharging)] == [True, False]
    assert len(module.sent(v2g_ev.EVStartCharging)) == 2
    assert "Type : 1" in lines
    assert result.ok, result.error


async def test_slac_failure_ends_the_run() -> None:
    module = FakeEvModule(Script(slac_ok=False))
    result, lines = await run(module, config())
    assert "SLAC matching failed" in lines
    assert result.sessions[0].reason is EndReason.SLAC_FAILED
    assert not module.sent(v2g_ev.EVStartSession)
    assert isinstance(module.commands[-1], cp.Stop)


async def test_waits_for_an_evse_with_a_time_limit() -> None:
    module = FakeEvModule(Script(duty_cycle=1000))  # X1: no PWM, no EVSE ready
    result, lines = await run(module, config(session={"evse_timeout": 0.3}))
    assert "Wait until an EVSE connects" in lines
    assert result.sessions[0].reason is EndReason.NO_EVSE
    assert not module.sent(slac.StartSlacMatchingProcess)


async def test_several_sessions() -> None:
    module = FakeEvModule()
    result, lines = await run(module, config(session={"sessions": 3}))
    assert result.ok
    assert len(result.sessions) == 3 and len(module.sent(v2g_ev.EVStartSession)) == 3
    assert lines.count("EV loop finished") == 1 and lines[-1] == "Goodbye!"


async def test_ctrl_c_mid_session_ends_safely_and_reraises() -> None:
    module = FakeEvModule()
    console = Console(echo=False)
    cfg = config(battery={"capacity": 50000, "level": 10000})
    task = asyncio.create_task(run_ev(module, EvSettings(config=cfg), console))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if '"Charging Started" received' in console.lines:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert module.sent(v2g_ev.EVStopCharging)
    assert console.lines[-2:] == ["EV loop finished", "Goodbye!"]
    assert_safe_end(module)


async def test_v1_firmware_stops_the_v2g_service() -> None:
    module = FakeEvModule(Script(firmware="V01_00_04", extended_c1=False))
    result, _ = await run(module, config())
    assert result.ok, result.error
    assert module.sent(v2g_common.Stop)
