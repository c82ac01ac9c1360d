"""Telling the API generation from the firmware version string (v1-api §3.1).

Real modules answer Get Firmware Version (0x10/0x41) with ``Vxx_yy_zz``: EVSE ``V01_01_xx`` is
generation v1 (manual 2.11), ``V02_xx_xx`` is v2 (manual 2.14); EV ``V01_00_xx`` is the EV role
of the v1 era, whose V2G messages are the same in both generations.
"""

from __future__ import annotations

import re

from freev2g.client.errors import UnknownGeneration
from freev2g.hci.modules import Generation

_VERSION = re.compile(r"V(\d{2})_(\d{2})_(\d{2})")


def generation_of(firmware_version: str) -> Generation:
    match = _VERSION.search(firmware_version)
    if match is None:
        raise UnknownGeneration(
            f"firmware version {firmware_version!r} does not tell the HCI API generation;"
            " choose it with --generation v1 (manual 2.11) or v2 (manual 2.14)")
    major = int(match.group(1))
    if major == 1:
        return Generation.V1
    if major == 2:
        return Generation.V2
    raise UnknownGeneration(
        f"firmware version {firmware_version!r} is newer than the API generations known here (v1, v2);"
        " choose one with --generation")
