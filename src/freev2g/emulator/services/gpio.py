"""GPIO module 0x0F (manual 2.14 §19, p172-p176; 2.11 §18, p167-p171).

Rules from the manual:

* HCI GPIOs 20-27 only (§2.6 Table 5, p19); other numbers fail the catalog's range check and
  answer 0x04 (malformed data).
* Set/Get Mode (0 output, 1 input) and Set/Get State (0 off, 1 on) per GPIO (p173-p176).

Decisions where the manual is silent (each is tested):

* Every GPIO is an input at power-up (the safe state of a microcontroller pin; the example on
  p174 reads GPIO 21 as an input without setting it).
* Setting the state of an input answers 0x05: the pin is not in a state to execute the command.
* An output reads back the level last set (off at power-up, kept while the pin is an input); an
  input reads the level the outside world drives, set with :meth:`GpioService.drive` (off when
  nothing drives it).
* A restart makes every pin an input again with its output level off; driven levels stay, since
  they belong to the world outside the module.
"""

from __future__ import annotations

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import gpio
from freev2g.hci.catalog.gpio import GpioMode, GpioState
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

UNEXPECTED = 0x05
PINS = range(20, 28)


class GpioService(Service):
    module_id = ModuleId.GPIO

    def __init__(self, module: EmulatedModule) -> None:
        super().__init__(module)
        self.driven = dict.fromkeys(PINS, GpioState.OFF)  # levels applied from outside
        self._power_up()

    def _power_up(self) -> None:
        self.modes = dict.fromkeys(PINS, GpioMode.INPUT)
        self.outputs = dict.fromkeys(PINS, GpioState.OFF)

    def reset(self, factory: bool) -> None:
        self._power_up()

    def drive(self, pin: int, state: GpioState) -> None:
        """The outside world puts ``state`` on ``pin`` (read while the pin is an input)."""
        if pin not in PINS:
            raise ValueError(f"GPIO {pin} is not one of the HCI GPIOs 20-27")
        self.driven[pin] = state

    def level(self, pin: int) -> GpioState:
        """What Get State answers for ``pin``."""
        return self.outputs[pin] if self.modes[pin] is GpioMode.OUTPUT else self.driven[pin]

    def handle(self, command: Command) -> Answer:
        match command:
            case gpio.SetMode(gpio=pin, mode=mode):
                self.modes[pin] = GpioMode(mode)
                return command.Response()
            case gpio.GetMode(gpio=pin):
                return gpio.GetMode.Response(mode=self.modes[pin])
            case gpio.SetState(gpio=pin, state=state):
                if self.modes[pin] is not GpioMode.OUTPUT:
                    return self.reject(command, UNEXPECTED)
                self.outputs[pin] = GpioState(state)
                return command.Response()
            case gpio.GetState(gpio=pin):
                return gpio.GetState.Response(state=self.level(pin))
        return self.unknown(command)
