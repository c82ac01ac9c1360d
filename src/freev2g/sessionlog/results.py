"""Records of what a run measured, for runners (the demo, the CLI) that hold the results: the
applications' session summaries and the emulated modules' view of their hosts' reactions."""

from __future__ import annotations

from typing import Any

from freev2g.apps.ev.summary import SessionSummary as EvSessionSummary
from freev2g.apps.evse.report import SessionSummary as EvseSessionSummary
from freev2g.emulator.module import EmulatedModule
from freev2g.hci.catalog.v2g_types import Protocol
from freev2g.sessionlog.writer import RoleLog

# The names the EVSE application gives the protocols, so that both roles' records agree.
PROTOCOL_NAMES = {Protocol.DIN_70121: "DIN 70121", Protocol.ISO_15118_2: "ISO 15118-2"}


def evse_session_end(summary: EvseSessionSummary) -> dict[str, Any]:
    return summary.to_json()


def ev_session_end(summary: EvSessionSummary) -> dict[str, Any]:
    protocol, mode = summary.protocol, summary.energy_transfer_mode
    return {
        "number": summary.number,
        "protocol": None if protocol is None else PROTOCOL_NAMES.get(protocol, protocol.name),
        "energy_transfer_mode": None if mode is None else mode.name,
        "energy_wh": round(summary.energy_wh, 3), "duration_s": round(summary.duration_s, 3),
        "soc_from": round(summary.soc_from, 3), "soc_to": round(summary.soc_to, 3),
        "end": summary.reason.value + (f": {summary.detail}" if summary.detail else ""),
        "completed": summary.reason.normal, "charged": summary.charged,
    }


def module_report(module: EmulatedModule) -> dict[str, Any]:
    """The module's reaction figures (:meth:`Deadlines.report`) with each request's tightest deadline."""
    report = module.deadlines.report()
    deadlines: dict[str, float] = {}
    for reaction in module.deadlines.reactions:
        known = deadlines.get(reaction.request, reaction.deadline)
        deadlines[reaction.request] = min(known, reaction.deadline)
    for request, figures in report["reactions"].items():
        if request in deadlines:
            figures["deadline_ms"] = round(deadlines[request] * 1000, 3)
    return {"module": module.name, "reactions": report["reactions"], "missed": report["missed"],
            "framing_errors": module.framing_errors}


def write_missing_ends(role_log: RoleLog, ends: list[dict[str, Any]]) -> None:
    """The session ends an application did not log itself (one written per session)."""
    for end in ends[role_log.counts["session_end"]:]:
        role_log.write("session_end", **end)
