"""Records of what an emulated module measured of its host, for the runners that hold the modules
(the demo), and the session ends an application did not log itself."""

from __future__ import annotations

from typing import Any

from freev2g.emulator.module import EmulatedModule
from freev2g.sessionlog.writer import RoleLog


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
