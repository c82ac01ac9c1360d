"""Firmware profiles: which API generation, role and variant an emulated module speaks.

Chosen with ``freev2g emulate --firmware``. Sources: v1-api §1.12 and §3.1 (version strings and
what changed between them), hci-reference §3.0 (modules per firmware), manual 2.14 p17.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from freev2g.hci.modules import Generation, ModuleId


class Role(enum.Enum):
    EVSE = "evse"
    EV = "ev"


_COMMON = frozenset({
    ModuleId.NETWORK_CONFIGURATION, ModuleId.FRAMING, ModuleId.GPIO, ModuleId.SYSTEM,
    ModuleId.FIRMWARE_UPDATE, ModuleId.V2G, ModuleId.SLAC, ModuleId.CONTROL_PILOT, ModuleId.PLC,
})
_PNC = _COMMON | {ModuleId.TIME, ModuleId.CERTIFICATE_MANAGER}  # arrived with manual rev 2.12


@dataclass(frozen=True)
class FirmwareProfile:
    version: str
    role: Role
    generation: Generation
    modules: frozenset[int]
    session_stopped_closure_type: bool = False  # v1 EVSE 0x81 carries a closure type (V01_01_07)
    ev_configuration_departure_time: bool = False  # v1 EV 0xA1 response ends with a departure time
    ev_dc_changed_extended: bool = True  # EV 0xC1 with the 2.11.2 / 2.14 fields
    manual: str = "2.14"


PROFILES: dict[str, FirmwareProfile] = {
    profile.version: profile
    for profile in (
        FirmwareProfile("V01_01_06", Role.EVSE, Generation.V1, _COMMON, manual="2.11"),
        FirmwareProfile("V01_01_07", Role.EVSE, Generation.V1, _COMMON, session_stopped_closure_type=True,
                        manual="2.11.1"),
        FirmwareProfile("V02_00_01", Role.EVSE, Generation.V2, _PNC),
        FirmwareProfile("V01_00_04", Role.EV, Generation.V1, _COMMON, ev_configuration_departure_time=True,
                        ev_dc_changed_extended=False, manual="2.11"),
        FirmwareProfile("V01_00_05", Role.EV, Generation.V1, _COMMON, manual="2.11.2"),
        FirmwareProfile("V01_00_06", Role.EV, Generation.V2, _PNC),  # the EV API of manual 2.14
    )
}

DEFAULT = {Role.EVSE: "V02_00_01", Role.EV: "V01_00_06"}


def profile(version: str) -> FirmwareProfile:
    try:
        return PROFILES[version]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"firmware {version!r} is not emulated; choose one of {known}") from None
