"""The message catalog: every HCI message of both API generations, one declaration each.

Importing this package registers every declaration; :func:`freev2g.hci.message.lookup` and
:func:`freev2g.hci.message.decode` find them.
"""

from __future__ import annotations

import importlib
import pkgutil

MODULES = [
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
]
