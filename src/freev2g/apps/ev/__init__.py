"""The EV reference application (``freev2g ev``): :func:`run_ev` drives an EV module through its
sessions (v1-api §4.4 with the seed's faults fixed, hci-reference §5.8)."""

from freev2g.apps.ev.run import EvRunResult, EvSettings, run_ev
from freev2g.apps.ev.summary import EndReason, SessionSummary

__all__ = ["EndReason", "EvRunResult", "EvSettings", "SessionSummary", "run_ev"]
