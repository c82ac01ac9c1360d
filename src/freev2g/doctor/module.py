"""Checks of the module over HCI: reachability (Framing Ping), the module's MAC, the firmware
version and API generation, and the state of its services. Only Ping and Get commands are
sent, so the doctor never changes what the module does (a running session goes on).

Sources: Ping (manual 2.14 p49, hci-reference §2.8), Get Firmware Version and the generations
(p52; v1-api §3.1), CP Get Mode / Get PWM Duty Cycle / Get State (p94, p96, p98), SLAC Get State
(p107-p108), V2G Get Mode (p123; 2.11 p119), Get MAC Address (p52-p53).

Decision: the HCI has no PLC link query (netconf Get Link Status, p72, reports the Access Point
and Station interfaces), so the PLC link is read from the SLAC state: a module in state 5
"matching succeeded" has joined the peer's logical network (p103, p107).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from freev2g.client import ClientError, UnknownGeneration, Whitebeet
from freev2g.client.generation import generation_of
from freev2g.client.whitebeet import Link
from freev2g.doctor.check import Check
from freev2g.hci.catalog import cp, slac, system, v2g_common
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState
from freev2g.hci.catalog.framing import Ping
from freev2g.hci.catalog.slac import SlacState
from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.ethernet import format_mac, parse_mac
from freev2g.hci.message import Command, ResponseMessage
from freev2g.hci.modules import Generation
from freev2g.transport import TransportError

R = TypeVar("R", bound=ResponseMessage)

REACHABILITY = "HCI reachability"
MODULE_MAC = "module MAC"
FIRMWARE = "firmware"
CONTROL_PILOT = "control pilot"
SLAC = "SLAC"
V2G = "V2G"
PLC_LINK = "PLC link"
MODULE_CHECKS = (REACHABILITY, MODULE_MAC, FIRMWARE, CONTROL_PILOT, SLAC, V2G, PLC_LINK)

MANUAL = {Generation.V1: "manual 2.11", Generation.V2: "manual 2.14"}
CP_STATE_MEANING = {
    ControlPilotState.A: "12 V, no vehicle",
    ControlPilotState.B: "9 V, vehicle connected",
    ControlPilotState.C: "6 V, vehicle ready to charge",
    ControlPilotState.D: "3 V, vehicle ready, ventilation needed",
    ControlPilotState.E: "0 V, no pilot signal",
    ControlPilotState.F: "-12 V, EVSE not available",
    ControlPilotState.UNKNOWN: "not measured; the CP service may be stopped",
}


@dataclass
class PingResult:
    sent: int = 0
    round_trips: list[float] = field(default_factory=list)  # seconds, of the answered pings
    wrong_data: int = 0
    send_error: str | None = None  # the link refused to send (interface gone down, ...)

    @property
    def answered(self) -> int:
        return len(self.round_trips)


async def ping_module(wb: Whitebeet, count: int, timeout: float) -> PingResult:
    """``count`` Framing Pings one after the other, each with its own time-out, each with fresh
    data the answer must echo (p49). Stops early when a ping went unanswered while frames came
    from another MAC: the next pings would go to the same wrong address."""
    result = PingResult()
    loop = asyncio.get_running_loop()
    for _ in range(count):
        probe = os.urandom(8)
        result.sent += 1
        started = loop.time()
        try:
            reply = await wb.request(Ping(data=probe), timeout=timeout)
        except ClientError:
            if getattr(wb.link, "unexpected_sources", None):
                break
            continue
        except TransportError as exc:
            result.send_error = str(exc)
            break
        if getattr(reply, "data", None) != probe:
            result.wrong_data += 1
            continue
        result.round_trips.append(loop.time() - started)
    return result


def check_reachability(result: PingResult, timeout: float, unexpected_sources: Sequence[str],
                       no_reply_hint: str) -> Check:
    if result.answered:
        times = [t * 1000 for t in result.round_trips]
        rtt = f"round trip min/avg/max {min(times):.2f}/{sum(times) / len(times):.2f}/{max(times):.2f} ms"
        if result.answered == result.sent:
            return Check.ok(REACHABILITY, f"{result.answered}/{result.sent} pings answered, {rtt}")
        return Check.warn(REACHABILITY, f"only {result.answered}/{result.sent} pings answered, {rtt}",
                          "frames are being lost: check the cable, or the load of the host")
    if result.send_error is not None:
        return Check.fail(REACHABILITY, f"cannot send: {result.send_error}",
                          "check that the interface is up and has a link, then run the doctor again")
    if result.wrong_data:
        return Check.fail(REACHABILITY, f"{result.wrong_data}/{result.sent} pings answered with other data",
                          "the peer is not a WHITE beet speaking HCI, or the link corrupts frames")
    if unexpected_sources:
        return Check.fail(REACHABILITY, _no_answer(result.sent, timeout),
                          f"the module answers from another MAC: use -m {unexpected_sources[0]}")
    return Check.fail(REACHABILITY, _no_answer(result.sent, timeout), no_reply_hint)


def _no_answer(sent: int, timeout: float) -> str:
    return f"no answer to {sent} ping{'s' if sent != 1 else ''} ({timeout:g} s each)"


def check_module_mac(configured: bytes, unexpected_sources: Sequence[str], reachable: bool,
                     reported: str | None) -> Check:
    """Frames from other MACs than ``-m`` are dropped by the Ethernet transport and listed."""
    configured_text = format_mac(configured)
    if unexpected_sources and not reachable:
        seen = ", ".join(unexpected_sources)
        return Check.fail(MODULE_MAC, f"HCI frames from {seen}, none from the configured {configured_text}",
                          f"use -m {unexpected_sources[0]}")
    if not reachable:
        return Check.skip(MODULE_MAC, f"no HCI frame from {configured_text} or any other MAC")
    detail = f"the module answers from {configured_text}"
    if reported is not None and reported != configured_text:
        detail += f" (Get MAC Address reports {reported})"
    if unexpected_sources:
        return Check.warn(MODULE_MAC, f"{detail}; HCI frames also came from {', '.join(unexpected_sources)}",
                          "another module on this interface? each needs its own -m")
    return Check.ok(MODULE_MAC, detail)


async def _get(wb: Whitebeet, command: Command, response_type: type[R], timeout: float) -> R | str:
    """The response, or what went wrong as text (the module may reject a Get in some states)."""
    try:
        return await wb.call(command, response_type, timeout=timeout)
    except ClientError as exc:
        return str(exc)


async def check_firmware(wb: Whitebeet, timeout: float) -> Check:
    answer = await _get(wb, system.GetFirmwareVersion(), system.GetFirmwareVersion.Response, timeout)
    if isinstance(answer, str):
        return Check.fail(FIRMWARE, answer, "the module answers pings but not commands: restart it")
    try:
        generation = generation_of(answer.version)
    except UnknownGeneration as exc:
        return Check.warn(FIRMWARE, str(exc).split(";")[0], "run the applications with --generation v1 or v2")
    return Check.ok(FIRMWARE, f"{answer.version}: API generation {generation.value} ({MANUAL[generation]})")


async def check_control_pilot(wb: Whitebeet, timeout: float) -> tuple[Check, ControlPilotMode | None]:
    mode = await _get(wb, cp.GetMode(), cp.GetMode.Response, timeout)
    state = await _get(wb, cp.GetState(), cp.GetState.Response, timeout)
    duty = await _get(wb, cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response, timeout)
    parts, problems = [], []
    cp_mode = None
    if isinstance(mode, str):
        problems.append(mode)
    else:
        cp_mode = ControlPilotMode(mode.mode)
        parts.append("mode not set" if cp_mode is ControlPilotMode.NOT_SET else f"mode {cp_mode.name}")
    cp_state = None
    if isinstance(state, str):
        problems.append(state)
    else:
        cp_state = ControlPilotState(state.state)
        parts.append(f"state {cp_state.name} ({CP_STATE_MEANING[cp_state]})")
    if isinstance(duty, str):
        problems.append(duty)
    else:
        parts.append(f"duty cycle {duty.duty_cycle / 10:g} %")
    detail = ", ".join(parts + problems)
    if problems:
        return Check.warn(CONTROL_PILOT, detail), cp_mode
    if cp_state is ControlPilotState.E:
        return Check.warn(CONTROL_PILOT, detail, "check the CP line for a short to PE"), cp_mode
    return Check.ok(CONTROL_PILOT, detail), cp_mode


async def check_slac(wb: Whitebeet, timeout: float) -> tuple[Check, SlacState | None]:
    state = await _get(wb, slac.GetState(), slac.GetState.Response, timeout)
    if isinstance(state, str):
        return Check.warn(SLAC, state), None
    slac_state = SlacState(state.state)
    detail = f"state {slac_state.name.lower().replace('_', ' ')}"
    if slac_state is SlacState.FAILURE:
        fix = "check the PLC coupling on the CP line; the next session starts SLAC again"
        return Check.warn(SLAC, f"{detail}: the last matching failed", fix), slac_state
    return Check.ok(SLAC, detail), slac_state


async def check_v2g(wb: Whitebeet, timeout: float, cp_mode: ControlPilotMode | None) -> Check:
    mode = await _get(wb, v2g_common.GetMode(), v2g_common.GetMode.Response, timeout)
    if isinstance(mode, str):
        return Check.warn(V2G, mode)
    v2g_mode = V2gMode(mode.mode)
    if v2g_mode is V2gMode.UNDEFINED:
        return Check.ok(V2G, "mode not set")
    roles = {ControlPilotMode.EV: V2gMode.EV, ControlPilotMode.EVSE: V2gMode.EVSE}
    if cp_mode in roles and roles[cp_mode] is not v2g_mode:
        return Check.warn(V2G, f"mode {v2g_mode.name}, but the CP mode is {cp_mode.name}",
                          "the application sets both modes: run it with the module's role")
    return Check.ok(V2G, f"mode {v2g_mode.name}")


def check_plc_link(slac_state: SlacState | None) -> Check:
    if slac_state is None:
        return Check.skip(PLC_LINK, "the SLAC state is unknown")
    if slac_state is SlacState.READY:
        return Check.ok(PLC_LINK, "up: SLAC matched a peer")
    return Check.ok(PLC_LINK, "down: no SLAC match (as expected until a vehicle is plugged in and matched)")


async def check_module(link: Link, *, pings: int = 3, timeout: float = 1.0,
                       module_mac: str | None = None) -> list[Check]:
    """Open a client on ``link``, run :func:`diagnose` and close it again."""
    wb = Whitebeet(link, command_timeout=timeout, busy_deadline=timeout)
    try:
        try:
            await wb.open()
        except TransportError as exc:
            return [Check.fail(REACHABILITY, f"cannot open {link.description}: {exc}",
                               "fix what the message names, then run the doctor again"),
                    *skipped(MODULE_CHECKS[1:], f"{REACHABILITY} failed", module_mac is not None)]
        return await diagnose(wb, pings=pings, timeout=timeout, module_mac=module_mac)
    finally:
        await wb.close()


async def diagnose(wb: Whitebeet, *, pings: int = 3, timeout: float = 1.0,
                   module_mac: str | None = None) -> list[Check]:
    """Every module check in order, on an open client (which stays open). ``module_mac`` (the
    ``-m`` of an Ethernet link) adds the module MAC check, read from the link's
    ``unexpected_sources``."""
    link = wb.link
    result = await ping_module(wb, pings, timeout)
    unexpected: list[str] = list(getattr(link, "unexpected_sources", []))
    hint = getattr(link, "no_reply_hint", None) or "check the connection and that the module is powered"
    checks = [check_reachability(result, timeout, unexpected, hint)]
    reachable = result.answered > 0
    if module_mac is not None:
        reported = None
        if reachable:
            answer = await _get(wb, system.GetMacAddress(), system.GetMacAddress.Response, timeout)
            reported = None if isinstance(answer, str) else answer.mac
        checks.append(check_module_mac(parse_mac(module_mac), unexpected, reachable, reported))
    if not reachable:
        return checks + skipped(MODULE_CHECKS[2:], f"{REACHABILITY} failed", True)
    firmware = await check_firmware(wb, timeout)
    pilot, cp_mode = await check_control_pilot(wb, timeout)
    slac_check, slac_state = await check_slac(wb, timeout)
    v2g = await check_v2g(wb, timeout, cp_mode)
    return [*checks, firmware, pilot, slac_check, v2g, check_plc_link(slac_state)]


def skipped(names: Sequence[str], reason: str, with_mac: bool) -> list[Check]:
    return [Check.skip(name, f"not checked: {reason}") for name in names if with_mac or name != MODULE_MAC]
