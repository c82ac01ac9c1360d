"""Time module 0x12 (v2 only): every example frame of manual 2.14 (p66-p67; hci-reference §6.1)."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import time as t
from freev2g.hci.errors import EncodeError, PayloadError
from freev2g.hci.message import RawMessage, Rejection
from tests.vectors import HOST, MODULE, V1, V2, Vector, check_vector, decode_hex

NOON = {"year": 2018, "month": 7, "day": 12, "hour": 12, "minute": 0, "second": 0}

VECTORS = [
    Vector("2.14 p66", "C0 12 40 01 00 08 00 07 E2 07 0C 0C 00 00 00 C1", HOST,
           t.SetTime(type=t.TimeType.UTC, **NOON), generations=(V2,)),
    Vector("2.14 p66", "C0 12 40 01 00 01 00 00 C1", MODULE, t.SetTime.Response(), generations=(V2,)),
    Vector("2.14 p67", "C0 12 41 02 00 01 00 00 C1", HOST, t.GetTime(type=t.TimeType.UTC), generations=(V2,)),
    Vector("2.14 p67", "C0 12 41 02 00 08 00 07 E2 07 0C 0C 00 00 00 C1", MODULE,
           t.GetTime.Response(**NOON), generations=(V2,)),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


def test_v1_does_not_know_the_time_module() -> None:
    decoded = decode_hex("C0 12 41 02 00 01 00 00 C1", V1, HOST)
    assert isinstance(decoded, RawMessage)
    assert isinstance(decode_hex("C0 12 41 02 00 01 10 00 C1", V1, MODULE), RawMessage)


def test_no_valid_time_is_a_rejection_with_code_0x10() -> None:
    decoded = decode_hex("C0 12 41 02 00 01 10 00 C1", V2, MODULE)
    assert decoded == Rejection(t.GetTime.Response, 0x10)
    assert isinstance(decoded, Rejection) and decoded.meaning == "0x10 no valid time available"


def test_local_time() -> None:
    assert t.SetTime(type=t.TimeType.LOCAL, **NOON).payload() == bytes.fromhex("01 07E2 07 0C 0C 00 00")


def test_calendar_ranges_on_encode() -> None:
    bad_values = (("month", 13), ("month", 0), ("day", 32), ("hour", 24), ("minute", 60), ("second", 60))
    for field, bad in bad_values:
        with pytest.raises(EncodeError, match=field):
            t.SetTime(type=t.TimeType.UTC, **{**NOON, field: bad}).payload()


def test_out_of_range_response_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="Get Time response: field 'month'"):
        decode_hex("C0 12 41 02 00 08 00 07 E2 0D 0C 0C 00 00 00 C1", V2, MODULE)


def test_unknown_time_type_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match=r"Get Time: field 'type'.*TimeType"):
        decode_hex("C0 12 41 02 00 01 02 00 C1", V2, HOST)


def test_short_response_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="field 'second'"):
        decode_hex("C0 12 41 02 00 07 00 07 E2 07 0C 0C 00 00 C1", V2, MODULE)
