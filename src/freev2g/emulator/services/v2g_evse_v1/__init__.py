"""V2G module 0x27 of the v1 EVSE firmware (V01_01_06, V01_01_07; manual 2.11): the service
(``service.py``), its configuration (``config.py``), one SECC session in v1 terms
(``session.py``) and the conversions between V2G and HCI messages (``convert.py``)."""

from freev2g.emulator.services.v2g_evse_v1.service import V2gEvseV1Service

__all__ = ["V2gEvseV1Service"]
