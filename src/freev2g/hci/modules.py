"""Module IDs, API generations and directions (manual 2.14 §10.1.2, p46; hci-reference §3.0)."""

from __future__ import annotations

import enum


class ModuleId(enum.IntEnum):
    NETWORK_CONFIGURATION = 0x05
    FRAMING = 0x0E
    GPIO = 0x0F
    SYSTEM = 0x10
    FIRMWARE_UPDATE = 0x11
    TIME = 0x12  # missing from the manual's table p46; §12 p65
    V2G = 0x27
    SLAC = 0x28
    CONTROL_PILOT = 0x29
    PLC = 0x2A
    CERTIFICATE_MANAGER = 0x30  # missing from the manual's table p46; §20 p177
    FRAMING_ERROR = 0xFF


MODULE_TITLES: dict[int, str] = {
    ModuleId.NETWORK_CONFIGURATION: "Network Configuration",
    ModuleId.FRAMING: "Framing",
    ModuleId.GPIO: "GPIO",
    ModuleId.SYSTEM: "System",
    ModuleId.FIRMWARE_UPDATE: "Firmware Update",
    ModuleId.TIME: "Time",
    ModuleId.V2G: "V2G",
    ModuleId.SLAC: "SLAC",
    ModuleId.CONTROL_PILOT: "Control Pilot",
    ModuleId.PLC: "PLC",
    ModuleId.CERTIFICATE_MANAGER: "Certificate Manager",
    ModuleId.FRAMING_ERROR: "Framing Error",
}


def module_title(module_id: int) -> str:
    return MODULE_TITLES.get(module_id, f"unknown module 0x{module_id:02X}")


class Generation(enum.Enum):
    """HCI API generation: v1 = manual 2.11 (EVSE V01_01_xx), v2 = manual 2.14 (EVSE V02_xx)."""

    V1 = "v1"
    V2 = "v2"


BOTH = frozenset(Generation)
V1_ONLY = frozenset({Generation.V1})
V2_ONLY = frozenset({Generation.V2})


class Direction(enum.Enum):
    HOST = "host"  # host to module: commands
    MODULE = "module"  # module to host: responses and status messages
