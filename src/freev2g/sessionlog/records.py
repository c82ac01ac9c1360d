"""The ``session_end`` fields of the applications' session summaries (both roles name the
protocols alike, so that a report compares them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from freev2g.hci.catalog.v2g_types import Protocol

if TYPE_CHECKING:  # the applications import this module: no import of theirs at run time
    from freev2g.apps.ev.summary import SessionSummary as EvSessionSummary
    from freev2g.apps.evse.report import SessionSummary as EvseSessionSummary

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


