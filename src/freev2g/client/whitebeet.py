"""The asynchronous WHITE beet client: commands and their responses, status streams, errors.

Responses are matched by (module, Sub-ID, request ID); request IDs cycle over 0x00-0xFE and skip
0xFF (reserved for status messages, manual 2.14 p46) and any ID still in flight, so many commands
can be pending at once. Frames with request ID 0xFF, and frames that answer no pending command,
go to the status subscribers. After a framing fault (reported by the module on module 0xFF, or
seen by our parser) the client pings every 50 ms until answered before the next command, as
manual 2.14 §10.2 (p48) recommends.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from freev2g.client.errors import (
    BadResponse,
    ClientError,
    CommandRejected,
    CommandTimeout,
    ConnectionClosed,
    ModuleFramingError,
    NoReply,
)
from freev2g.client.facade import ModuleFacade
from freev2g.client.generation import generation_of
from freev2g.client.subscriptions import Subscription
from freev2g.hci import catalog, results  # importing the catalog registers every declaration
from freev2g.hci.catalog.framing import Ping
from freev2g.hci.catalog.system import GetFirmwareVersion
from freev2g.hci.errors import FramingFault, HciError
from freev2g.hci.frame import STATUS_REQUEST_ID, Frame
from freev2g.hci.message import Command, Decoded, Message, RawMessage, Rejection, ResponseMessage, decode
from freev2g.hci.modules import Direction, Generation, ModuleId
from freev2g.hci.parser import FrameParser

log = logging.getLogger("freev2g.client")

RESYNC_PING_INTERVAL = 0.05  # manual 2.14 p48: "e.g. every 50 ms"
R = TypeVar("R", bound=ResponseMessage)


class Link(Protocol):
    """What the client needs of a transport (see :mod:`freev2g.transport`)."""

    @property
    def description(self) -> str: ...

    async def open(self, on_data: Callable[[bytes], None]) -> None: ...

    async def send(self, data: bytes) -> None: ...

    async def close(self) -> None: ...


@dataclass
class ClientStats:
    commands: int = 0
    responses: int = 0
    statuses: int = 0
    busy_retries: int = 0
    timeouts: int = 0
    module_framing_errors: int = 0
    local_framing_faults: int = 0
    decode_errors: int = 0
    resynchronisations: int = 0


@dataclass
class _Pending:
    command: Command
    future: asyncio.Future[Decoded]


class Whitebeet:
    """A connection to one module. ``async with Whitebeet(link) as wb:`` connects (self-test and
    generation detection) and, on exit, closes the link and cancels pending commands."""

    def __init__(self, link: Link, *, generation: Generation | None = None, command_timeout: float = 5.0,
                 busy_deadline: float = 5.0, no_reply_hint: str | None = None) -> None:
        self.link = link
        self.forced_generation = generation
        self.generation = generation or Generation.V2
        self.command_timeout = command_timeout
        self.busy_deadline = busy_deadline
        self.no_reply_hint = no_reply_hint
        self.firmware_version: str | None = None
        self.stats = ClientStats()
        self._parser = FrameParser()
        self._pending: dict[tuple[int, int, int], _Pending] = {}
        self._next_request_id = 0
        self._subscriptions: list[Subscription] = []
        self._resync_needed = False
        self._resync_lock = asyncio.Lock()
        self._opened = False
        self._closed = False

    # -- life cycle ---------------------------------------------------------------------------

    async def open(self) -> None:
        if not self._opened:
            await self.link.open(self._on_data)
            self._opened = True

    async def connect(self, timeout: float = 2.0) -> str:
        """Open, ping, read the firmware version and detect the API generation (unless forced).

        Returns the firmware version. :class:`NoReply` says what to check when nothing answers.
        """
        await self.open()
        probe = os.urandom(4)
        try:
            reply = await self.request(Ping(data=probe), timeout=timeout)
        except CommandTimeout:
            hint = (self.no_reply_hint or getattr(self.link, "no_reply_hint", None)
                    or "check the connection and that the module is powered")
            raise NoReply(f"no HCI reply from {self.link.description} within {timeout:g} s: {hint}") from None
        if getattr(reply, "data", None) != probe:
            raise NoReply(f"{self.link.description} answered the ping with other data: not a WHITE beet?")
        version = await self.request(GetFirmwareVersion(), timeout=timeout)
        self.firmware_version = str(getattr(version, "version", ""))
        if self.forced_generation is None:
            self.generation = generation_of(self.firmware_version)
        log.info("connected to %s: firmware %s, API generation %s", self.link.description,
                 self.firmware_version, self.generation.value)
        return self.firmware_version

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(ConnectionClosed(f"{pending.command.title}: client closed"))
        for subscription in list(self._subscriptions):
            subscription.close()
        await self.link.close()

    async def __aenter__(self) -> Whitebeet:
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- commands -----------------------------------------------------------------------------

    async def request(self, command: Command, *, timeout: float | None = None) -> ResponseMessage:
        """Send ``command`` and return its response.

        Raises :class:`CommandRejected` for a result code other than 0x00 (busy 0x01 is retried
        with back-off until ``busy_deadline``), :class:`CommandTimeout` when nothing answers.
        """
        if self._closed:
            raise ConnectionClosed(f"{command.title}: client closed")
        if self._resync_needed and not isinstance(command, Ping):
            await self._resynchronise()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.busy_deadline
        delay = 0.01
        while True:
            answer = await self._exchange(command, self.command_timeout if timeout is None else timeout)
            if isinstance(answer, ResponseMessage):
                return answer
            if isinstance(answer, Rejection):
                if answer.result == results.BUSY and loop.time() + delay < deadline:
                    self.stats.busy_retries += 1
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.5)
                    continue
                raise CommandRejected(command, answer.result)
            raise BadResponse(f"{command.title}: unexpected answer {answer}")

    async def call(self, command: Command, response_type: type[R], *, timeout: float | None = None) -> R:
        """:meth:`request` with the response's type checked, for typed call sites."""
        response = await self.request(command, timeout=timeout)
        if not isinstance(response, response_type):
            raise BadResponse(f"{command.title}: got {response.title}")
        return response

    async def _exchange(self, command: Command, timeout: float) -> Decoded:
        request_id = self._allocate_request_id()
        key = (command.module_id, command.Response.sub_id, request_id)
        future: asyncio.Future[Decoded] = asyncio.get_running_loop().create_future()
        self._pending[key] = _Pending(command, future)
        self.stats.commands += 1
        try:
            await self.link.send(command.to_frame(request_id).encode())
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            self.stats.timeouts += 1
            raise CommandTimeout(command, timeout) from None
        finally:
            self._pending.pop(key, None)

    def _allocate_request_id(self) -> int:
        in_flight = {key[2] for key in self._pending}
        for _ in range(STATUS_REQUEST_ID):
            candidate = self._next_request_id
            self._next_request_id = (candidate + 1) % STATUS_REQUEST_ID  # 0x00..0xFE, never 0xFF
            if candidate not in in_flight:
                return candidate
        raise ClientError("255 commands are already waiting for a response")

    async def _resynchronise(self) -> None:
        async with self._resync_lock:
            if not self._resync_needed:
                return
            self.stats.resynchronisations += 1
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.command_timeout
            while loop.time() < deadline:
                try:
                    await self._exchange(Ping(data=b"resync"), RESYNC_PING_INTERVAL)
                except CommandTimeout:
                    continue
                self._resync_needed = False
                log.info("resynchronised with %s", self.link.description)
                return
            raise NoReply(f"{self.link.description} does not answer pings after a framing error")

    # -- per-module facades (built from the catalog) -------------------------------------------

    def facade(self, *catalog_modules: str) -> ModuleFacade:
        """Commands of catalog modules (file names under ``freev2g.hci.catalog``) as methods."""
        modules = [importlib.import_module(f"{catalog.__name__}.{name}") for name in catalog_modules]
        return ModuleFacade(self, *modules)

    system = property(lambda self: self.facade("system"))
    network = property(lambda self: self.facade("netconf"))
    firmware_update = property(lambda self: self.facade("fwu"))
    time = property(lambda self: self.facade("time"))
    cp = property(lambda self: self.facade("cp"))
    slac = property(lambda self: self.facade("slac"))
    plc = property(lambda self: self.facade("plc"))
    gpio = property(lambda self: self.facade("gpio"))
    certificates = property(lambda self: self.facade("certmgr"))
    v2g_ev = property(lambda self: self.facade("v2g_common", "v2g_ev"))

    @property
    def v2g_evse(self) -> ModuleFacade:
        """The EVSE role of the detected generation (v1: manual 2.11, v2: manual 2.14)."""
        return self.facade("v2g_common", "v2g_evse_v1" if self.generation is Generation.V1 else "v2g_evse_v2")

    # -- status messages ----------------------------------------------------------------------

    def statuses(self, *types: type[Message], module: int | None = None, maxsize: int = 256) -> Subscription:
        """Subscribe to status messages (and unmatched frames), optionally of some types or one
        module. Subscribe before sending the command that triggers them."""
        wanted = tuple(types)

        def accepts(message: Any) -> bool:
            of_type = not wanted or isinstance(message, wanted)
            return of_type and (module is None or message.module_id == module)

        label = ",".join(t.__qualname__ for t in wanted) or (f"module 0x{module:02X}" if module else "all")
        subscription = Subscription(accepts, maxsize, self._subscriptions.remove, label)
        self._subscriptions.append(subscription)
        return subscription

    # -- receive path -------------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        for event in self._parser.feed(data):
            if isinstance(event, Frame):
                self._dispatch(event)
            else:
                self._framing_fault(event)

    def _framing_fault(self, fault: FramingFault) -> None:
        self.stats.local_framing_faults += 1
        self._resync_needed = True
        log.warning("framing fault from %s: %s", self.link.description, fault)

    def _dispatch(self, frame: Frame) -> None:
        pending = None
        if frame.request_id != STATUS_REQUEST_ID:
            pending = self._pending.get((frame.module_id, frame.sub_id, frame.request_id))
        try:
            message: Decoded = decode(frame, self.generation, Direction.MODULE)
        except HciError as exc:
            self.stats.decode_errors += 1
            log.warning("undecodable frame from %s: %s (%s)", self.link.description, exc,
                        frame.encode().hex(" "))
            if pending is not None and not pending.future.done():
                pending.future.set_exception(BadResponse(f"{pending.command.title}: {exc}"))
                return
            message = RawMessage(frame.module_id, frame.sub_id, Direction.MODULE, frame.payload)
        if frame.module_id == ModuleId.FRAMING_ERROR:
            self._module_framing_error(frame, message.title)
        elif pending is not None and not pending.future.done():
            self.stats.responses += 1
            pending.future.set_result(message)
            return
        self.stats.statuses += 1
        self._publish(message)

    def _module_framing_error(self, frame: Frame, title: str) -> None:
        self.stats.module_framing_errors += 1
        self._resync_needed = True
        log.warning("%s reports a framing error: %s (request 0x%02X)", self.link.description, title,
                    frame.request_id)
        for pending in self._waiting_for(frame.request_id):
            pending.future.set_exception(ModuleFramingError(pending.command, title))

    def _waiting_for(self, request_id: int) -> Iterable[_Pending]:
        if request_id == STATUS_REQUEST_ID:
            return ()
        return [p for key, p in self._pending.items() if key[2] == request_id and not p.future.done()]

    def _publish(self, message: Any) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(message)
