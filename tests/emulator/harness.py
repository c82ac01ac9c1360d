"""A host for emulator tests: sends commands to an EmulatedModule and decodes what comes back."""

from __future__ import annotations

from typing import TypeVar

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.module import EmulatedModule, Service
from freev2g.emulator.profiles import profile
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Decoded, Rejection, decode
from freev2g.hci.modules import Direction
from freev2g.hci.parser import FrameParser

S = TypeVar("S", bound=Service)


def result_code(answer: Decoded) -> int:
    """The result code of an immediate answer: a rejection's code, else 0x00 (OK)."""
    return answer.result if isinstance(answer, Rejection) else 0x00


class Host:
    def __init__(self, firmware: str = "V02_00_01") -> None:
        self.clock = ManualClock()
        self.sent: list[Frame] = []
        self._parser = FrameParser()
        self.module = EmulatedModule(profile(firmware), self.clock, self._collect)
        self.request_id = 0

    @classmethod
    def with_service(cls, service_type: type[S], firmware: str = "V02_00_01") -> Host:
        """A host talking to a module that runs only ``service_type``."""
        host = cls(firmware)
        host.module.add(service_type(host.module))
        return host

    def service(self, service_type: type[S]) -> S:
        found = self.module.services[service_type.module_id]
        assert isinstance(found, service_type), found
        return found

    def _collect(self, data: bytes) -> None:
        for event in self._parser.feed(data):
            assert isinstance(event, Frame), event
            self.sent.append(event)

    def take(self) -> list[Frame]:
        frames, self.sent = self.sent, []
        return frames

    def decoded(self) -> list[Decoded]:
        return [decode(frame, self.module.profile.generation, Direction.MODULE) for frame in self.take()]

    def request(self, command: Command) -> Decoded:
        """Send a command and return the module's immediate answer (statuses stay queued)."""
        self.request_id = (self.request_id + 1) % 0xFF
        self.module.receive(command.to_frame(self.request_id).encode())
        answers = [f for f in self.sent if f.request_id == self.request_id]
        assert len(answers) == 1, self.sent
        self.sent.remove(answers[0])
        return decode(answers[0], self.module.profile.generation, Direction.MODULE)
