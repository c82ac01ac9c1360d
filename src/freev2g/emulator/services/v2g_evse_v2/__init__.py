"""V2G module 0x27 of the emulated EVSE, API generation v2: the service (HCI commands) and the
per-connection session (the SECC's controller)."""

from freev2g.emulator.services.v2g_evse_v2.service import V2gEvseV2Service
from freev2g.emulator.services.v2g_evse_v2.session import EvseSession
from freev2g.emulator.services.v2g_evse_v2.timing import HostTimeouts

__all__ = ["EvseSession", "HostTimeouts", "V2gEvseV2Service"]
