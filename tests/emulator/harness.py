"""A host for emulator tests: sends commands to an EmulatedModule and decodes what comes back."""

from __future__ import annotations

from freev2g.emulator.clock import ManualClock
from freev2g.emulator.module import EmulatedModule
from freev2g.emulator.profiles import profile
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Decoded, decode
from freev2g.hci.modules import Direction
from freev2g.hci.parser import FrameParser


class Host:
    def __init__(self, firmware: str = "V02_00_01") -> None:
        self.clock = ManualClock()
        self.sent: list[Frame] = []
        self._parser = FrameParser()
        self.module = EmulatedModule(profile(firmware), self.clock, self._collect)
        self.request_id = 0

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
