"""V2G module 0x27, common commands: every example frame of manuals 2.14 (p122-p123) and 2.11
(p118-p120; v1-api §1.10), and the seed-produced frames (v1-api §1.11)."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.errors import EncodeError, PayloadError
from freev2g.hci.message import RawMessage, Rejection
from tests.vectors import HOST, MODULE, V1, V2, Vector, check_vector, decode_hex

VECTORS = [
    Vector("2.14 p122 / 2.11 p118", "C0 27 40 00 00 01 00 00 C1", HOST, c.SetMode(mode=V2gMode.EV)),
    Vector("2.14 p122-p123 / 2.11 p118", "C0 27 40 00 00 01 00 00 C1", MODULE, c.SetMode.Response()),
    Vector("2.14 p123 / 2.11 p119", "C0 27 41 01 00 00 00 C1", HOST, c.GetMode()),
    Vector("2.14 p123 / 2.11 p119", "C0 27 41 01 00 02 00 00 00 C1", MODULE,
           c.GetMode.Response(mode=V2gMode.EV)),
    Vector("2.11 p119", "C0 27 42 02 00 00 00 C1", HOST, c.Start(), generations=(V1,)),
    Vector("2.11 p119-p120", "C0 27 42 02 00 01 00 00 C1", MODULE, c.Start.Response(), generations=(V1,)),
    Vector("2.11 p120", "C0 27 43 03 00 00 00 C1", HOST, c.Stop(), generations=(V1,)),
    Vector("2.11 p120", "C0 27 43 03 00 01 00 00 C1", MODULE, c.Stop.Response(), generations=(V1,)),
    Vector("v1-api §1.11 seed Set Mode EVSE", "C0 27 40 08 00 01 01 0C C1", HOST, c.SetMode(mode=V2gMode.EVSE)),
    Vector("v1-api §1.11 seed Set Mode EV", "C0 27 40 0B 00 01 00 0A C1", HOST, c.SetMode(mode=V2gMode.EV)),
    Vector("v1-api §1.11 seed V2G Start", "C0 27 42 1B 00 00 F8 C1", HOST, c.Start(), generations=(V1,)),
    Vector("v1-api §1.11 seed V2G Stop", "C0 27 43 1C 00 00 F6 C1", HOST, c.Stop(), generations=(V1,)),
    # Not printed: Get Mode's third value, and the documented result codes of Set Mode / Stop.
    Vector("2.14 p123 mode 2 = undefined", "C0 27 41 01 00 02 00 02 00 C1", MODULE,
           c.GetMode.Response(mode=V2gMode.UNDEFINED)),
    Vector("2.14 p122 busy when started", "C0 27 40 00 00 01 01 00 C1", MODULE, Rejection(c.SetMode.Response, 0x01)),
    Vector("2.14 p122 single-mode firmware", "C0 27 40 00 00 01 05 00 C1", MODULE,
           Rejection(c.SetMode.Response, 0x05)),
    Vector("2.11 p120 stop when not started", "C0 27 43 03 00 01 05 00 C1", MODULE,
           Rejection(c.Stop.Response, 0x05), generations=(V1,)),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


def test_get_mode_puts_the_code_before_the_mode() -> None:
    """Decision: code first (examples p123 / p119), although the tables list Mode first."""
    decoded = decode_hex("C0 27 41 01 00 02 00 01 00 C1", V2, MODULE)
    assert decoded == c.GetMode.Response(mode=V2gMode.EVSE)
    # Read the other way, "01 00" would be a busy code: it must not decode as mode EVSE.
    assert decode_hex("C0 27 41 01 00 02 01 00 00 C1", V2, MODULE) == Rejection(c.GetMode.Response, 0x01)


def test_set_mode_refuses_undefined() -> None:
    with pytest.raises(EncodeError, match=r"'mode'.*outside 0\.\.1"):
        c.SetMode(mode=V2gMode.UNDEFINED).payload()


def test_set_mode_payload_out_of_range_names_message_and_field() -> None:
    with pytest.raises(PayloadError, match=r"^Set Mode: field 'mode'") as info:
        decode_hex("C0 27 40 00 00 01 02 00 C1", V1, HOST)
    assert info.value.field == "mode"


def test_get_mode_response_rejects_unknown_mode_and_extra_bytes() -> None:
    with pytest.raises(PayloadError, match="mode"):
        decode_hex("C0 27 41 01 00 02 00 03 00 C1", V2, MODULE)
    with pytest.raises(PayloadError, match="unexpected byte"):
        decode_hex("C0 27 41 01 00 03 00 00 00 00 C1", V2, MODULE)


@pytest.mark.parametrize("frame", ["C0 27 42 02 00 00 00 C1", "C0 27 43 03 00 00 00 C1"])
def test_start_and_stop_are_unknown_in_generation_v2(frame: str) -> None:
    assert isinstance(decode_hex(frame, V2, HOST), RawMessage)
    assert isinstance(decode_hex(frame, V1, HOST), c.Start | c.Stop)


def test_str_and_json() -> None:
    message = c.GetMode.Response(mode=V2gMode.UNDEFINED)
    assert str(message) == "Get Mode response: mode=UNDEFINED (2)"
    assert message.json_fields() == {"result": "OK", "mode": "UNDEFINED"}
