"""GPIO module 0x0F: every example frame of manuals 2.14 (p173-p176) and 2.11 (p168-p171,
identical; hci-reference §6.1), the printed mistakes and the corrected frames."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import gpio as g
from freev2g.hci.errors import EncodeError, MissingEnd, PayloadError, Truncated
from freev2g.hci.message import Command, lookup
from freev2g.hci.modules import Direction, ModuleId
from tests.vectors import (
    BOTH,
    HOST,
    MODULE,
    V1,
    V2,
    BadVector,
    Vector,
    check_bad_vector,
    check_vector,
    decode_hex,
)

VECTORS = [
    Vector("2.14 p173, 2.11 p168", "C0 0F 40 01 00 02 14 00 00 C1", HOST,
           g.SetMode(gpio=20, mode=g.GpioMode.OUTPUT)),
    Vector("2.14 p173, 2.11 p168", "C0 0F 40 01 00 01 00 00 C1", MODULE, g.SetMode.Response()),
    Vector("2.14 p174, 2.11 p169 corrected (length 1)", "C0 0F 41 02 00 01 15 00 C1", HOST,
           g.GetMode(gpio=21)),
    Vector("2.14 p174, 2.11 p169", "C0 0F 41 02 00 02 00 01 00 C1", MODULE,
           g.GetMode.Response(mode=g.GpioMode.INPUT)),
    Vector("2.14 p175, 2.11 p170", "C0 0F 42 03 00 02 14 01 00 C1", HOST,
           g.SetState(gpio=20, state=g.GpioState.ON)),
    Vector("2.14 p175, 2.11 p170", "C0 0F 42 03 00 01 00 00 C1", MODULE, g.SetState.Response()),
    Vector("2.14 p176, 2.11 p171 corrected (length 1)", "C0 0F 43 04 00 01 14 00 C1", HOST,
           g.GetState(gpio=20)),
    Vector("2.14 p176, 2.11 p171 corrected (length 2)", "C0 0F 43 04 00 02 00 01 00 C1", MODULE,
           g.GetState.Response(state=g.GpioState.ON)),
]

BAD_VECTORS = [
    BadVector("2.14 p174, 2.11 p169", "C0 0F 41 02 00 00 15 00 C1", HOST, MissingEnd,
              "Get Mode: length 0 before the GPIO byte"),
    BadVector("2.14 p176, 2.11 p171", "C0 0F 43 04 00 00 14 00 C1", HOST, MissingEnd,
              "Get State: length 0 before the GPIO byte"),
    BadVector("2.14 p176, 2.11 p171", "C0 0F 43 04 00 0A 00 01 00 C1", MODULE, Truncated,
              "Get State response: length 10 for 2 payload bytes"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


def test_every_message_is_declared_in_both_generations() -> None:
    for generation in BOTH:
        for sub_id in (0x40, 0x41, 0x42, 0x43):
            command = lookup(ModuleId.GPIO, sub_id, Direction.HOST, generation)
            assert command is not None and issubclass(command, Command) and command.__module__ == g.__name__
            assert lookup(ModuleId.GPIO, sub_id, Direction.MODULE, generation) is command.Response


def test_only_gpios_20_to_27_exist() -> None:
    assert g.SetState(gpio=27, state=g.GpioState.OFF).payload() == b"\x1b\x00"
    for bad in (19, 28):
        with pytest.raises(EncodeError, match=r"gpio.*20\.\.27"):
            g.SetState(gpio=bad, state=g.GpioState.OFF).payload()
    with pytest.raises(PayloadError, match="Get Mode: field 'gpio'"):
        decode_hex("C0 0F 41 02 00 01 13 00 C1", V1, HOST)


def test_unknown_mode_and_state_are_payload_errors() -> None:
    with pytest.raises(PayloadError, match=r"Set Mode: field 'mode'.*GpioMode"):
        decode_hex("C0 0F 40 01 00 02 14 02 00 C1", V2, HOST)
    with pytest.raises(PayloadError, match=r"Get State response: field 'state'.*GpioState"):
        decode_hex("C0 0F 43 04 00 02 00 02 00 C1", V2, MODULE)


def test_json_uses_the_enum_names() -> None:
    assert g.SetState(gpio=20, state=g.GpioState.ON).json_fields() == {"gpio": 20, "state": "ON"}
