"""The EVSE reference application (``freev2g evse``): :func:`run_evse` and its result."""

from freev2g.apps.evse.app import run_evse
from freev2g.apps.evse.report import EvseRunResult, Reaction, SessionSummary

__all__ = ["EvseRunResult", "Reaction", "SessionSummary", "run_evse"]
