"""One emulated WHITE beet module: the framing layer, command dispatch and result codes.

Sans-IO: bytes from the host go in through :meth:`EmulatedModule.receive`, bytes for the host go
out through the ``send`` callback. Each HCI module is a :class:`Service` that answers its
commands at once and emits status messages; this class does what is common to all of them, as
the manual describes it:

* framing errors from module 0xFF (manual 2.14 p49): 0xF1 missing start, 0xF2 checksum, 0xF3
  missing end, 0xF5 too big, 0xF0 a pause of more than 100 ms inside a frame, 0xF4 unknown
  module (with the request's ID, hci-reference §2.6);
* ping replies (p49);
* result 0x02 for an unknown Sub-ID, 0x04 for a malformed payload (p48); the services give
  0x01, 0x05, 0x10 and 0x11 where their chapters say so;
* status messages with request ID 0xFF (hci-reference §2.4).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.deadlines import Deadlines, Timing
from freev2g.emulator.profiles import FirmwareProfile
from freev2g.hci import catalog  # importing the catalog registers every declaration
from freev2g.hci.catalog import framing
from freev2g.hci.errors import FramingFault, PayloadError
from freev2g.hci.frame import STATUS_REQUEST_ID, Frame
from freev2g.hci.message import Command, Message, Rejection, ResponseMessage, Status, lookup
from freev2g.hci.modules import Direction, ModuleId
from freev2g.hci.parser import FrameParser

log = logging.getLogger("freev2g.emulator")

RX_TIMEOUT = 0.100  # manual 2.14 p49: a pause of more than 100 ms inside a frame

Answer = ResponseMessage | Rejection

_FAULT_STATUS: dict[int, type[Status]] = {
    0xF0: framing.RxTimeout, 0xF1: framing.MissingStartOfFrame, 0xF2: framing.ChecksumError,
    0xF3: framing.MissingEndOfFrame, 0xF4: framing.ModuleUnknown, 0xF5: framing.FrameTooBig,
}
assert catalog  # keeps the registering import


class Service:
    """One HCI module of the emulated firmware. Subclasses set ``module_id`` and implement
    :meth:`handle`; they emit status messages with ``self.module.emit``."""

    module_id: ClassVar[int]

    def __init__(self, module: EmulatedModule) -> None:
        self.module = module

    def handle(self, command: Command) -> Answer:
        """Answer ``command`` at once: its response, or a :class:`Rejection` with a result code."""
        raise NotImplementedError

    def reject(self, command: Command, code: int) -> Rejection:
        return Rejection(command.Response, code)

    def unknown(self, command: Command) -> Rejection:
        return self.reject(command, 0x02)

    def reset(self, factory: bool) -> None:
        """Back to the state after power-up (``factory``: also forget saved settings)."""


class EmulatedModule:
    """The framing layer and dispatcher of one emulated module."""

    def __init__(self, profile: FirmwareProfile, clock: Clock, send: Callable[[bytes], None], *,
                 name: str = "module", timing: Timing | None = None) -> None:
        self.profile = profile
        self.clock = clock
        self.deadlines = Deadlines(clock, timing)  # host reactions the services wait for
        self.name = name
        self._send = send
        self._parser = FrameParser()
        self._rx_timer: Timer | None = None
        self.services: dict[int, Service] = {}
        self.received_frames = 0
        self.framing_errors = 0
        self.restarts = 0
        self.on_command: list[Callable[[Command, float], None]] = []  # observers (reaction reports)

    def add(self, service: Service) -> None:
        if service.module_id in self.services:
            raise ValueError(f"two services for module 0x{service.module_id:02X}")
        self.services[service.module_id] = service

    def restart(self, factory: bool = False) -> None:
        """Restart System or Factory Reset: every service returns to its power-up state."""
        self.restarts += 1
        self._parser = FrameParser()
        for service in self.services.values():
            service.reset(factory)

    # -- host to module -------------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Bytes from the host, in any chunking."""
        if self._rx_timer is not None:
            self._rx_timer.cancel()
            self._rx_timer = None
        for event in self._parser.feed(data):
            if isinstance(event, Frame):
                self._dispatch(event)
            else:
                self._framing_error(event)
        if self._parser.pending:
            self._rx_timer = self.clock.call_later(RX_TIMEOUT, self._rx_timeout)

    def _rx_timeout(self) -> None:
        self._rx_timer = None
        for fault in self._parser.flush():
            self.framing_errors += 1
            self.emit_frame(Frame(ModuleId.FRAMING_ERROR, 0xF0, STATUS_REQUEST_ID, b""))
            log.info("%s: %s after a pause of more than 100 ms", self.name, fault)

    def _framing_error(self, fault: FramingFault) -> None:
        self.framing_errors += 1
        status = _FAULT_STATUS.get(fault.module_error, framing.ReservedFramingError)
        log.info("%s: framing error %s: %s", self.name, status.title, fault)
        self.emit(status())

    def _dispatch(self, frame: Frame) -> None:
        self.received_frames += 1
        service = self.services.get(frame.module_id)
        if frame.module_id == ModuleId.FRAMING and frame.sub_id == framing.Ping.sub_id:
            reply_sub_id = framing.Ping.Response.sub_id
            self.emit_frame(Frame(frame.module_id, reply_sub_id, frame.request_id, frame.payload))
            return
        if service is None or frame.module_id not in self.profile.modules:
            self.framing_errors += 1
            self.emit_frame(Frame(ModuleId.FRAMING_ERROR, 0xF4, frame.request_id, b""))
            return
        command_type = lookup(frame.module_id, frame.sub_id, Direction.HOST, self.profile.generation)
        if command_type is None or not issubclass(command_type, Command):
            self.emit_frame(Frame(frame.module_id, frame.sub_id, frame.request_id, bytes((0x02,))))
            return
        try:
            command = command_type.decode_payload(frame.payload)
        except PayloadError as exc:
            log.info("%s: malformed %s: %s", self.name, command_type.title, exc)
            self.emit_frame(Frame(frame.module_id, frame.sub_id, frame.request_id, bytes((0x04,))))
            return
        assert isinstance(command, Command)
        for observer in self.on_command:
            observer(command, self.clock.now())
        answer = service.handle(command)
        self.emit_frame(answer.to_frame(frame.request_id))

    # -- module to host -------------------------------------------------------------------------

    def emit(self, status: Message) -> None:
        """Send a status message (request ID 0xFF)."""
        self.emit_frame(status.to_frame(STATUS_REQUEST_ID))

    def emit_frame(self, frame: Frame) -> None:
        self._send(frame.encode())
