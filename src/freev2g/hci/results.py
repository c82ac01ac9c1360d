"""Result codes of responses (manual 2.14 §10.1.6, p48, and the module chapters).

Payload byte 0 of every response to a configuration command is a result code; data follows only
when it is 0x00. Module-specific codes reuse 0x10 and 0x11 with different meanings per module.
"""

from __future__ import annotations

from freev2g.hci.modules import ModuleId

OK = 0x00
BUSY = 0x01

GENERIC: dict[int, str] = {
    0x00: "OK",
    0x01: "busy, try again later",
    0x02: "Sub-ID unknown",
    0x03: "command unknown",
    0x04: "malformed data",
    0x05: "unexpected message: not in a state to execute the command",
    0xFF: "internal error",
}

MODULE_SPECIFIC: dict[int, dict[int, str]] = {
    ModuleId.SYSTEM: {0x10: "file not found"},  # p64
    ModuleId.TIME: {0x10: "no valid time available"},  # p65
    ModuleId.SLAC: {0x10: "wrong state: not in the state to receive the command"},  # p102
    ModuleId.V2G: {  # p119
        0x10: "setting failed: parameters not accepted",
        0x11: "wrong state: not in the state to receive the command",
    },
}


def describe(module_id: int, code: int) -> str:
    """``0x05 unexpected message: ...``; unknown codes are named as such."""
    meaning = MODULE_SPECIFIC.get(module_id, {}).get(code) or GENERIC.get(code) or "unknown result code"
    return f"0x{code:02X} {meaning}"
