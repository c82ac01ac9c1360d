"""Wireshark dissector for HCI over Ethernet (EtherType 0x6003), generated from the message catalog.

:func:`generate` returns the Lua source; ``freev2g wireshark-dissector`` writes it, and the
package ships it as ``freev2g/data/freev2g.lua`` (:func:`shipped_path`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from freev2g.wireshark.generator import generate

__all__ = ["generate", "shipped_path"]


def shipped_path() -> Path:
    """The dissector shipped with the package (a test keeps it equal to :func:`generate`)."""
    return Path(str(resources.files("freev2g.data").joinpath("freev2g.lua")))
