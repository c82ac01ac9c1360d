"""Firmware Update module 0x11 (manual 2.14 §14, p85-p91; 2.11 §13, p81-p87).

Rules from the manual:

* Set Mode 2 makes the module ready to receive an FWU file over the framing API and answers the
  receive-buffer size, ``09 CF`` in the example (p89); modes 0 and 1 (HTTP) are "not supported".
* FWU Data Frames carry packet numbers counting up from 0; a frame with too high a number makes
  the module ask with Request Missing Packets (0x83, type 0: repeat from the given number) (p87,
  p91).
* The update ends with Firmware Update Ready (0x80), Timeout (0x81) or Error (0x82) (p90-p91).
* Get Status answers ready / active / checking / done / failed and a progress in percent (p88).

The real FWU file is vendor-specific and signed (StxFwGen, p31-p34; hci-reference §3.5): its
format is not documented. The emulator accepts its own small, documented container instead, built
with :func:`build_image`::

    b"FV2GFWU1"  u32 body length (big-endian)  body  SHA-256 of everything before it

Decisions where the manual is silent (each is tested):

* Modes 0 and 1 answer 0x03 "command is unknown" (p48): the Sub-ID is known and the frame well
  formed, but the firmware does not implement the function the mode selects.
* Data frames are refused with 0x05 unless an update is active; Set Mode 2 during an update is
  refused with 0x05 too (the host waits for the timeout to start again).
* A frame with too high a number is answered 0x00 and dropped; Request Missing Packets is sent
  once per gap, for the first missing number. Numbers already received are answered 0x00 and
  ignored, so a host may resend from an older number.
* The container is checked as it arrives: a wrong magic, a declared size over 2 MiB (more than
  the module's file system) or more data than declared gives Error at once; a wrong SHA-256 at
  the end gives Error; a matching one gives Ready. Progress is the share of the container
  received.
* No data frame for 10 s while active gives Timeout. After an end the status stays "done" or
  "failed" until the next Set Mode 2 or a restart; the module does not restart by itself.
* Statuses follow the response of the frame that caused them.
"""

from __future__ import annotations

import hashlib

from freev2g.emulator.clock import Timer
from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import fwu
from freev2g.hci.catalog.fwu import RequestType, UpdateMode, UpdateStatus
from freev2g.hci.message import Command, Status
from freev2g.hci.modules import ModuleId

COMMAND_UNKNOWN = 0x03
UNEXPECTED = 0x05
RX_BUFFER = 0x09CF  # p89, as printed
DATA_TIMEOUT = 10.0
MAGIC = b"FV2GFWU1"
HEADER_SIZE = len(MAGIC) + 4
DIGEST_SIZE = 32
MAX_BODY = 2 * 1024 * 1024


def build_image(body: bytes) -> bytes:
    """The emulator's FWU container for ``body`` (see the module docstring)."""
    head = MAGIC + len(body).to_bytes(4, "big") + body
    return head + hashlib.sha256(head).digest()


class FirmwareUpdateService(Service):
    module_id = ModuleId.FIRMWARE_UPDATE

    def __init__(self, module: EmulatedModule, *, timeout: float = DATA_TIMEOUT) -> None:
        super().__init__(module)
        self.timeout = timeout
        self.image: bytes | None = None  # body of the last container that verified
        self._timer: Timer | None = None
        self._power_up()

    def _power_up(self) -> None:
        self.status = UpdateStatus.READY_FOR_UPDATE
        self.progress = 0
        self._received = bytearray()
        self._next_packet = 0
        self._gap_reported = False

    def reset(self, factory: bool) -> None:
        self._stop_timer()
        self._power_up()

    def handle(self, command: Command) -> Answer:
        match command:
            case fwu.GetStatus():
                return fwu.GetStatus.Response(status=self.status, progress=self.progress)
            case fwu.SetMode(mode=mode):
                if mode != UpdateMode.UPDATE_VIA_FRAMING:
                    return self.reject(command, COMMAND_UNKNOWN)
                if self.status is UpdateStatus.UPDATE_ACTIVE:
                    return self.reject(command, UNEXPECTED)
                self._power_up()
                self.status = UpdateStatus.UPDATE_ACTIVE
                self._arm_timer()
                return fwu.SetMode.Response(rx_buffer=RX_BUFFER)
            case fwu.FwuDataFrame(packet_number=number, data=data):
                if self.status is not UpdateStatus.UPDATE_ACTIVE:
                    return self.reject(command, UNEXPECTED)
                self._arm_timer()
                self._data(number, data)
                return command.Response()
        return self.unknown(command)

    def _data(self, number: int, data: bytes) -> None:
        if number < self._next_packet:
            return
        if number > self._next_packet:
            if not self._gap_reported:
                self._gap_reported = True
                self._later(fwu.RequestMissingPackets(request_type=RequestType.REPEAT_FROM_PACKET,
                                                      packet_number=self._next_packet))
            return
        self._next_packet += 1
        self._gap_reported = False
        self._received += data
        self._check()

    def _check(self) -> None:
        received = len(self._received)
        if received < HEADER_SIZE:
            return
        declared = int.from_bytes(self._received[len(MAGIC):HEADER_SIZE], "big")
        total = HEADER_SIZE + declared + DIGEST_SIZE
        if not self._received.startswith(MAGIC) or declared > MAX_BODY or received > total:
            self._end(UpdateStatus.UPDATE_FAILED, fwu.FirmwareUpdateError())
            return
        self.progress = received * 100 // total
        if received < total:
            return
        head, digest = bytes(self._received[:-DIGEST_SIZE]), bytes(self._received[-DIGEST_SIZE:])
        if hashlib.sha256(head).digest() != digest:
            self._end(UpdateStatus.UPDATE_FAILED, fwu.FirmwareUpdateError())
            return
        self.image = head[HEADER_SIZE:]
        self._end(UpdateStatus.UPDATE_DONE, fwu.FirmwareUpdateReady())

    def _end(self, status: UpdateStatus, message: Status) -> None:
        self._stop_timer()
        self.status = status
        self._later(message)

    def _timed_out(self) -> None:
        self._timer = None
        self.status = UpdateStatus.UPDATE_FAILED
        self.module.emit(fwu.FirmwareUpdateTimeout())

    def _arm_timer(self) -> None:
        self._stop_timer()
        self._timer = self.module.clock.call_later(self.timeout, self._timed_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _later(self, status: Status) -> None:
        """Emit ``status`` right after the response being built."""
        self.module.clock.call_later(0.0, lambda: self.module.emit(status))
