"""The standards' message timeouts (reference/iso15118-facts.md §3.1, §3.2).

``EVCC_MSG_TIMEOUT``: how long an EVCC waits for each response before it gives up the session.
The SECC answers within its performance time, which is shorter; the emulated modules keep to it.
"""

from __future__ import annotations

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.messages import V2gProtocol

_ISO_LONG = (m.ServiceDetailReq, m.PowerDeliveryReq)  # 5 s in ISO 15118-2 Table 109

CURRENT_DEMAND_TIMEOUT = 0.25  # both protocols
DEFAULT_TIMEOUT = 2.0
ISO_LONG_TIMEOUT = 5.0
SECC_PERFORMANCE_TIME = 1.5
SECC_PERFORMANCE_LONG = 4.5
SECC_PERFORMANCE_CURRENT_DEMAND = 0.025
ONGOING_TIMEOUT = 60.0  # V2G_EVCC_Ongoing_Timeout: total time an EVCC accepts "Ongoing"
CABLE_CHECK_TIMEOUT = 40.0
PRE_CHARGE_TIMEOUT = 7.0
COMMUNICATION_SETUP_TIMEOUT = 20.0
SEQUENCE_TIMEOUT = 60.0  # V2G_SECC_Sequence_Timeout: SECC waits this long for the next request


def evcc_msg_timeout(request: m.V2gRequest, protocol: V2gProtocol | None) -> float:
    """V2G_EVCC_Msg_Timeout for ``request`` under ``protocol`` (None before negotiation)."""
    if isinstance(request, m.CurrentDemandReq):
        return CURRENT_DEMAND_TIMEOUT
    if protocol is V2gProtocol.ISO_15118_2 and isinstance(request, _ISO_LONG):
        return ISO_LONG_TIMEOUT
    return DEFAULT_TIMEOUT


def secc_performance_time(request: m.V2gRequest, protocol: V2gProtocol | None) -> float:
    """V2G_SECC_Msg_Performance_Time: the SECC's budget to answer ``request``."""
    if isinstance(request, m.CurrentDemandReq):
        return SECC_PERFORMANCE_CURRENT_DEMAND
    if protocol is V2gProtocol.ISO_15118_2 and isinstance(request, _ISO_LONG):
        return SECC_PERFORMANCE_LONG
    return SECC_PERFORMANCE_TIME
