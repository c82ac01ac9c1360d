"""Per-module facades built from the catalog: ``await wb.cp.set_mode(mode=ControlPilotMode.EVSE)``.

Each method is the snake_case name of a command declared in the module's catalog file; its
keyword arguments are the command's fields. Nothing here repeats a field layout: the call builds
the declared command and sends it with :meth:`Whitebeet.request`. For statically typed code,
build the command yourself: ``await wb.request(cp.SetMode(mode=ControlPilotMode.EVSE))``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from freev2g.hci.message import Command, ResponseMessage

if TYPE_CHECKING:
    from freev2g.client.whitebeet import Whitebeet


def snake_case(name: str) -> str:
    """``EVSESetDCChargingParameters`` -> ``evse_set_dc_charging_parameters``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def method_name(class_name: str) -> str:
    """The facade method: snake case without the V2G role prefix (the facade is per role)."""
    name = snake_case(class_name)
    for prefix in ("evse_", "ev_"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


class ModuleFacade:
    """The commands of one or more catalog modules as coroutine methods."""

    def __init__(self, client: Whitebeet, *modules: ModuleType) -> None:
        self._client = client
        self._commands: dict[str, type[Command]] = {}
        for module in modules:
            for value in vars(module).values():
                declared_here = isinstance(value, type) and value.__module__ == module.__name__
                if declared_here and issubclass(value, Command):
                    self._commands[method_name(value.__name__)] = value

    def __getattr__(self, name: str) -> Callable[..., Awaitable[ResponseMessage]]:
        command = self.__dict__.get("_commands", {}).get(name)
        if command is None:
            known = ", ".join(sorted(self.__dict__.get("_commands", {})))
            raise AttributeError(f"no command {name!r}; this module has: {known}")

        async def call(*, timeout: float | None = None, **fields: Any) -> ResponseMessage:
            return await self._client.request(command(**fields), timeout=timeout)

        call.__name__ = name
        call.__doc__ = command.__doc__
        return call

    def __dir__(self) -> list[str]:
        return sorted(self._commands)
