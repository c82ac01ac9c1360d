"""GPIO service 0x0F (manual 2.14 §19, p172-p176)."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.gpio import GpioService
from freev2g.hci.catalog import gpio as g
from freev2g.hci.catalog.gpio import GpioMode, GpioState
from freev2g.hci.frame import Frame
from tests.catalog.test_gpio import VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code


@pytest.fixture
def host() -> Host:
    return Host.with_service(GpioService)


def test_manual_examples_in_order(host: Host) -> None:
    pairs = example_pairs(VECTORS)
    assert len(pairs) == 4
    for command, response in pairs:
        check_example(host, command, response)


@pytest.mark.parametrize("pin", range(20, 28))
def test_every_pin_is_an_input_reading_off_at_power_up(host: Host, pin: int) -> None:
    assert host.request(g.GetMode(gpio=pin)) == g.GetMode.Response(mode=GpioMode.INPUT)
    assert host.request(g.GetState(gpio=pin)) == g.GetState.Response(state=GpioState.OFF)


def test_setting_an_input_is_05(host: Host) -> None:
    assert result_code(host.request(g.SetState(gpio=22, state=GpioState.ON))) == 0x05
    assert host.request(g.GetState(gpio=22)) == g.GetState.Response(state=GpioState.OFF)


def test_input_reads_the_driven_level_and_output_its_own(host: Host) -> None:
    host.service(GpioService).drive(23, GpioState.ON)
    assert host.request(g.GetState(gpio=23)) == g.GetState.Response(state=GpioState.ON)
    host.request(g.SetMode(gpio=23, mode=GpioMode.OUTPUT))
    assert host.request(g.GetState(gpio=23)) == g.GetState.Response(state=GpioState.OFF)
    host.request(g.SetState(gpio=23, state=GpioState.ON))
    host.request(g.SetMode(gpio=23, mode=GpioMode.INPUT))
    host.service(GpioService).drive(23, GpioState.OFF)
    assert host.request(g.GetState(gpio=23)) == g.GetState.Response(state=GpioState.OFF)
    host.request(g.SetMode(gpio=23, mode=GpioMode.OUTPUT))  # the output level was kept
    assert host.request(g.GetState(gpio=23)) == g.GetState.Response(state=GpioState.ON)


@pytest.mark.parametrize("pin", [19, 28, 0, 255])
def test_pins_outside_20_27_are_malformed(host: Host, pin: int) -> None:
    host.module.receive(Frame(0x0F, 0x41, 3, bytes((pin,))).encode())
    (answer,) = host.take()
    assert (answer.sub_id, answer.request_id, answer.payload) == (0x41, 3, b"\x04")
    with pytest.raises(ValueError, match="20-27"):
        host.service(GpioService).drive(pin, GpioState.ON)


def test_restart_makes_every_pin_an_input_again(host: Host) -> None:
    host.request(g.SetMode(gpio=20, mode=GpioMode.OUTPUT))
    host.request(g.SetState(gpio=20, state=GpioState.ON))
    host.service(GpioService).drive(21, GpioState.ON)
    host.module.restart()
    assert host.request(g.GetMode(gpio=20)) == g.GetMode.Response(mode=GpioMode.INPUT)
    assert host.request(g.GetState(gpio=21)) == g.GetState.Response(state=GpioState.ON)
    host.request(g.SetMode(gpio=20, mode=GpioMode.OUTPUT))
    assert host.request(g.GetState(gpio=20)) == g.GetState.Response(state=GpioState.OFF)
