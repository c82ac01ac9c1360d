"""The message catalog: every HCI message of both API generations, one declaration each.

Importing this package registers every declaration; use :func:`freev2g.hci.message.lookup`
or :func:`freev2g.hci.decode_frame_message` to find them.
"""

from __future__ import annotations

from freev2g.hci.catalog import framing, system

__all__ = ["framing", "system"]
