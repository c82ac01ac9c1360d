"""Observing every HCI frame between a host and its module, without touching either.

:class:`LoggedLink` wraps the transport a :class:`~freev2g.client.Whitebeet` (or an application)
is given: bytes sent and bytes received pass through unchanged and are also fed to a frame parser
per direction (the framing bytes of one direction form a byte stream, hci-reference §1.2), and
each whole frame is decoded as ``freev2g decode --json`` decodes it and written to the log.

The API generation decides how V2G frames decode (manual 2.11 vs 2.14); the link learns it from
the module's Get Firmware Version response, as the client does, unless it is given.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from freev2g.client.errors import ClientError
from freev2g.client.generation import generation_of
from freev2g.client.whitebeet import Link
from freev2g.hci import catalog  # noqa: F401 - registers every declaration
from freev2g.hci.catalog.system import GetFirmwareVersion
from freev2g.hci.errors import FramingFault, HciError
from freev2g.hci.frame import Frame
from freev2g.hci.message import Rejection, decode
from freev2g.hci.modules import Direction, Generation
from freev2g.hci.parser import FrameParser
from freev2g.inspection import DecodedFrame
from freev2g.sessionlog.writer import RoleLog

log = logging.getLogger("freev2g.sessionlog")


def frame_record(frame: Frame, direction: Direction, generation: Generation) -> dict[str, Any]:
    """The fields of a ``frame`` record: ``freev2g decode --json``'s, without its ``source``;
    ``rejected`` for a response with a result code other than OK, ``error`` when undecodable."""
    try:
        message = decode(frame, generation, direction)
    except HciError as exc:
        return {"direction": direction.value, "generation": generation.value, "module_id": frame.module_id,
                "sub_id": frame.sub_id, "request_id": frame.request_id, "error": str(exc),
                "raw": frame.encode().hex()}
    record = DecodedFrame("log", frame, direction, generation, message).to_json()
    del record["source"]
    if isinstance(message, Rejection):
        record["rejected"] = True
    return record


class LoggedLink:
    """A :class:`~freev2g.client.whitebeet.Link` that logs each frame it carries to ``role_log``.

    Anything else asked of it (``no_reply_hint``, a MAC) is the wrapped link's. ``on_close`` runs
    after the wrapped link closed (a command closes its log there)."""

    def __init__(self, link: Link, role_log: RoleLog, *, generation: Generation | None = None,
                 on_close: Callable[[], None] | None = None) -> None:
        self.inner = link
        self._on_close = on_close
        self.role_log = role_log
        self.generation = generation or Generation.V2
        self._fixed = generation is not None
        self._parsers = {Direction.HOST: FrameParser(), Direction.MODULE: FrameParser()}

    @property
    def description(self) -> str:
        return self.inner.description

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def open(self, on_data: Callable[[bytes], None]) -> None:
        def received(data: bytes) -> None:
            self._observe(Direction.MODULE, data)
            on_data(data)

        await self.inner.open(received)

    async def send(self, data: bytes) -> None:
        self._observe(Direction.HOST, data)
        await self.inner.send(data)

    async def close(self) -> None:
        try:
            await self.inner.close()
        finally:
            if self._on_close is not None:
                self._on_close()

    def _observe(self, direction: Direction, data: bytes) -> None:
        # The log must never break the link: a fault here is logged and the bytes go on.
        try:
            for event in self._parsers[direction].feed(data):
                if isinstance(event, FramingFault):
                    self.role_log.write("framing_fault", direction=direction.value, fault=str(event))
                    continue
                record = frame_record(event, direction, self.generation)
                self._learn_generation(event, direction, record)
                self.role_log.write("frame", **record)
        except Exception:
            log.exception("session log: could not record a frame")

    def _learn_generation(self, frame: Frame, direction: Direction, record: dict[str, Any]) -> None:
        response = GetFirmwareVersion.Response
        if self._fixed or direction is not Direction.MODULE:
            return
        if (frame.module_id, frame.sub_id) != (response.module_id, response.sub_id):
            return
        version = record.get("fields", {}).get("version")
        try:
            self.generation = generation_of(str(version))
        except ClientError:
            return
        self.role_log.write("generation", generation=self.generation.value, firmware=version)
