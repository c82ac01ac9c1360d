"""V2G module 0x27 of the emulated EV module (firmware V01_00_04, V01_00_05: manual 2.11 /
2.11.2; V01_00_06: the EV API of manual 2.14).

``service.py`` answers the commands, ``session.py`` is the EvController of the EVCC engine that
runs a session, ``evse_values.py`` and ``convert.py`` translate between HCI values and V2G
messages.
"""

from freev2g.emulator.services.v2g_ev.service import V2gEvService

__all__ = ["V2gEvService"]
