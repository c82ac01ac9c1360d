"""SLAC module 0x28: every example frame of manuals 2.14 (§16, application chapter §21.3-§21.6) and
2.11 (§15, §20.3-§20.6), which are identical, and the seed-produced frames of v1-api §1.11."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import slac
from freev2g.hci.catalog.slac import SlacMode, SlacState, ValidationConfiguration
from freev2g.hci.errors import EncodeError, MissingEnd, PayloadError
from freev2g.hci.ethernet import decode_ethernet
from freev2g.hci.frame import decode_frame
from freev2g.hci.message import Decoded, RawMessage, Rejection, decode
from freev2g.hci.modules import Direction
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

# The values 0x10..0x49 printed for the 58 groups (p108-p110).
GROUPS_HEX = " ".join(f"{value:02X}" for value in range(0x10, 0x10 + 58))
GROUPS = bytes(range(0x10, 0x10 + 58))
# The application chapter prints "xx" 58 times (2.14 p212, p214; 2.11 p183, p185); these are
# realistic attenuation values (dB) of the same layout instead.
REALISTIC = bytes((20 + (group * 7) % 23) for group in range(58))
REALISTIC_HEX = REALISTIC.hex(" ").upper()

VECTORS = [
    Vector("2.14 p103 / 2.11 p99", "C0 28 80 FF 00 00 00 C1", MODULE, slac.SlacProcessSuccessful()),
    Vector("2.14 p103 / 2.11 p99", "C0 28 81 FF 00 00 00 C1", MODULE, slac.SlacProcessFailed()),
    Vector("2.14 p104 / 2.11 p100", "C0 28 82 FF 00 02 07 D0 00 C1", MODULE,
           slac.BcbTogglingStarted(bcb_time_window=2000)),
    Vector("2.14 p104 / 2.11 p100", "C0 28 83 FF 00 00 00 C1", MODULE, slac.BcbTogglingFinished()),
    Vector("2.14 p105 / 2.11 p101", "C0 28 40 00 00 01 01 00 C1", HOST, slac.SetInterface(index=1)),
    Vector("2.14 p105 / 2.11 p101", "C0 28 40 00 00 01 00 00 C1", MODULE, slac.SetInterface.Response()),
    Vector("2.14 p105 / 2.11 p101", "C0 28 41 01 00 00 00 C1", HOST, slac.GetInterface()),
    Vector("2.14 p105 / 2.11 p101", "C0 28 41 01 00 02 00 01 00 C1", MODULE,
           slac.GetInterface.Response(index=1)),
    Vector("2.14 p106 / 2.11 p102", "C0 28 42 02 00 01 01 00 C1", HOST, slac.StartSlac(mode=SlacMode.EVSE)),
    Vector("2.14 p106 / 2.11 p102", "C0 28 42 02 00 01 00 00 C1", MODULE, slac.StartSlac.Response()),
    Vector("2.14 p106 / 2.11 p102", "C0 28 43 03 00 00 00 C1", HOST, slac.StopSlac()),
    Vector("2.14 p106-p107 / 2.11 p102-p103", "C0 28 43 03 00 01 00 00 C1", MODULE, slac.StopSlac.Response()),
    Vector("2.14 p107 / 2.11 p103", "C0 28 44 04 00 00 00 C1", HOST, slac.StartSlacMatchingProcess()),
    Vector("2.14 p107 / 2.11 p103", "C0 28 44 04 00 01 00 00 C1", MODULE,
           slac.StartSlacMatchingProcess.Response()),
    Vector("2.14 p108 / 2.11 p104", "C0 28 45 05 00 00 00 C1", HOST, slac.GetState()),
    Vector("2.14 p108 / 2.11 p104", "C0 28 45 05 00 02 00 01 00 C1", MODULE,
           slac.GetState.Response(state=SlacState.IDLE)),
    Vector("2.14 p108 / 2.11 p104 corrected (length 00 3A)", f"C0 28 46 06 00 3A {GROUPS_HEX} 00 C1", HOST,
           slac.SetAttnRxValues(attn_rx=GROUPS)),
    Vector("2.14 p108 / 2.11 p104", "C0 28 46 06 00 01 00 00 C1", MODULE, slac.SetAttnRxValues.Response()),
    Vector("2.14 p109 / 2.11 p105", "C0 28 47 07 00 00 00 C1", HOST, slac.GetAttnRxValues()),
    Vector("2.14 p109 / 2.11 p105 corrected (length 00 3B)", f"C0 28 47 07 00 3B 00 {GROUPS_HEX} 00 C1",
           MODULE, slac.GetAttnRxValues.Response(attn_rx=GROUPS)),
    Vector("2.14 p109-p110 / 2.11 p105-p106 corrected (length 00 3A)",
           f"C0 28 48 08 00 3A {GROUPS_HEX} 00 C1", HOST, slac.SetAttnTxRefValues(attn_tx_ref=GROUPS)),
    Vector("2.14 p110 / 2.11 p106", "C0 28 48 08 00 01 00 00 C1", MODULE, slac.SetAttnTxRefValues.Response()),
    Vector("2.14 p110 / 2.11 p106", "C0 28 49 09 00 00 00 C1", HOST, slac.GetAttnTxRefValues()),
    Vector("2.14 p110 / 2.11 p106", f"C0 28 49 09 00 3B 00 {GROUPS_HEX} 00 C1", MODULE,
           slac.GetAttnTxRefValues.Response(attn_tx_ref=GROUPS)),
    Vector("2.14 p111 / 2.11 p107", "C0 28 4A 0B 00 01 02 00 C1", HOST, slac.SetBcbToggleResult(toggles=2)),
    Vector("2.14 p111 / 2.11 p107", "C0 28 4A 0B 00 01 00 00 C1", MODULE, slac.SetBcbToggleResult.Response()),
    Vector("2.14 p112 / 2.11 p108", "C0 28 4B 0B 00 01 01 00 C1", HOST,
           slac.SetValidationConfiguration(mode=ValidationConfiguration.ENABLED)),
    Vector("2.14 p112 / 2.11 p108", "C0 28 4B 0B 00 01 00 00 C1", MODULE,
           slac.SetValidationConfiguration.Response()),
    Vector("2.14 p112 / 2.11 p108", "C0 28 4C 0C 00 00 00 C1", HOST, slac.GetValidationConfiguration()),
    Vector("2.14 p113 / 2.11 p109", "C0 28 4C 0C 00 02 00 01 00 C1", MODULE,
           slac.GetValidationConfiguration.Response(state=ValidationConfiguration.ENABLED)),
    # Application chapter: the framing part of each Ethernet frame (ReqID 00 throughout).
    Vector("2.14 p206 / 2.11 p177", "C0 28 42 00 00 01 01 00 C1", HOST, slac.StartSlac(mode=SlacMode.EVSE)),
    Vector("2.14 p206 / 2.11 p177", "C0 28 44 00 00 00 00 C1", HOST, slac.StartSlacMatchingProcess()),
    Vector("2.14 p207 / 2.11 p178 (status with ReqID 00)", "C0 28 80 00 00 00 00 C1", MODULE,
           slac.SlacProcessSuccessful()),
    Vector("2.14 p207 / 2.11 p178 (status with ReqID 00)", "C0 28 81 00 00 00 00 C1", MODULE,
           slac.SlacProcessFailed()),
    Vector("2.14 p209 / 2.11 p180", "C0 28 42 00 00 01 00 00 C1", HOST, slac.StartSlac(mode=SlacMode.EV)),
    Vector("2.14 p212 / 2.11 p183 (xx replaced)", f"C0 28 46 00 00 3A {REALISTIC_HEX} 00 C1", HOST,
           slac.SetAttnRxValues(attn_rx=REALISTIC)),
    Vector("2.14 p212 / 2.11 p183", "C0 28 46 00 00 01 00 00 C1", MODULE, slac.SetAttnRxValues.Response()),
    Vector("2.14 p214 / 2.11 p185 (xx replaced)", f"C0 28 48 00 00 3A {REALISTIC_HEX} 00 C1", HOST,
           slac.SetAttnTxRefValues(attn_tx_ref=REALISTIC)),
    Vector("2.14 p214 / 2.11 p185", "C0 28 48 00 00 01 00 00 C1", MODULE, slac.SetAttnTxRefValues.Response()),
    # Frames the seed application emits, with real checksums (v1-api §1.11).
    Vector("v1-api §1.11 SLAC Start EVSE", "C0 28 42 07 00 01 01 0A C1", HOST,
           slac.StartSlac(mode=SlacMode.EVSE)),
    Vector("v1-api §1.11 SLAC Start EV", "C0 28 42 08 00 01 00 0A C1", HOST,
           slac.StartSlac(mode=SlacMode.EV)),
    Vector("v1-api §1.11 SLAC validation off", "C0 28 4B 07 00 01 00 02 C1", HOST,
           slac.SetValidationConfiguration(mode=ValidationConfiguration.DISABLED)),
    # Constructed: Stop SLAC when already stopped (p106, result 0x10 of p102).
    Vector("constructed, p106: result 0x10 (wrong state)", "C0 28 43 03 00 01 10 00 C1", MODULE,
           Rejection(slac.StopSlac.Response, 0x10)),
    Vector("constructed, p105: no interface configured", "C0 28 41 01 00 02 00 FF 00 C1", MODULE,
           slac.GetInterface.Response(index=slac.NO_INTERFACE)),
]

BAD_VECTORS = [
    BadVector("2.14 p108 / 2.11 p104", f"C0 28 46 06 00 00 {GROUPS_HEX} 00 C1", HOST, MissingEnd,
              "length field 00 00 for 58 printed bytes"),
    BadVector("2.14 p109 / 2.11 p105", f"C0 28 47 07 00 01 00 {GROUPS_HEX} 00 C1", MODULE, MissingEnd,
              "length field 00 01 for 59 printed bytes"),
    BadVector("2.14 p109 / 2.11 p105", f"C0 28 48 08 00 00 {GROUPS_HEX} 00 C1", HOST, MissingEnd,
              "length field 00 00 for 58 printed bytes"),
]

# Application chapter Ethernet frames as printed, with the message their framing part carries.
ETHERNET = [
    ("00 01 01 63 77 33 00 22 22 22 22 22 60 03 00 04 00 09 C0 28 42 00 00 01 01 00 C1", HOST,
     slac.StartSlac(mode=SlacMode.EVSE)),
    ("00 01 01 63 77 33 00 22 22 22 22 22 60 03 00 04 00 08 C0 28 44 00 00 00 00 C1", HOST,
     slac.StartSlacMatchingProcess()),
    ("00 22 22 22 22 22 00 01 01 63 77 33 60 03 00 04 00 08 C0 28 80 00 00 00 00 C1", MODULE,
     slac.SlacProcessSuccessful()),
    ("00 22 22 22 22 22 00 01 01 63 77 33 60 03 00 04 00 08 C0 28 81 00 00 00 00 C1", MODULE,
     slac.SlacProcessFailed()),
    ("00 01 01 63 77 31 00 44 44 44 44 44 60 03 00 04 00 09 C0 28 42 00 00 01 00 00 C1", HOST,
     slac.StartSlac(mode=SlacMode.EV)),
    ("00 01 01 63 77 31 00 44 44 44 44 44 60 03 00 04 00 08 C0 28 44 00 00 00 00 C1", HOST,
     slac.StartSlacMatchingProcess()),
    ("00 44 44 44 44 44 00 01 01 63 77 31 60 03 00 04 00 08 C0 28 80 00 00 00 00 C1", MODULE,
     slac.SlacProcessSuccessful()),
    ("00 44 44 44 44 44 00 01 01 63 77 33 60 03 00 04 00 08 C0 28 81 00 00 00 00 C1", MODULE,
     slac.SlacProcessFailed()),
    (f"00 01 01 63 77 33 00 22 22 22 22 22 60 03 00 04 00 42 C0 28 46 00 00 3A {REALISTIC_HEX} 00 C1", HOST,
     slac.SetAttnRxValues(attn_rx=REALISTIC)),
    ("00 22 22 22 22 22 00 01 01 63 77 33 60 03 00 04 00 09 C0 28 46 00 00 01 00 00 C1", MODULE,
     slac.SetAttnRxValues.Response()),
    (f"00 01 01 63 77 31 00 44 44 44 44 44 60 03 00 04 00 42 C0 28 48 00 00 3A {REALISTIC_HEX} 00 C1", HOST,
     slac.SetAttnTxRefValues(attn_tx_ref=REALISTIC)),
    ("00 44 44 44 44 44 00 01 01 63 77 31 60 03 00 04 00 09 C0 28 48 00 00 01 00 00 C1", MODULE,
     slac.SetAttnTxRefValues.Response()),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


@pytest.mark.parametrize(("text", "direction", "expected"), ETHERNET, ids=lambda x: str(x)[:60])
def test_application_chapter_ethernet_frames(text: str, direction: Direction, expected: Decoded) -> None:
    framing = decode_ethernet(bytes.fromhex(text)).data
    for generation in BOTH:
        assert decode(decode_frame(framing), generation, direction) == expected


def test_get_state_code_comes_first() -> None:
    """Decision p107/p108: a state-first payload ``01 00`` reads as result 0x01 (busy)."""
    assert decode_hex("C0 28 45 05 00 02 01 00 00 C1", V2, MODULE) == Rejection(slac.GetState.Response, 0x01)
    assert slac.GetState.Response(state=SlacState.FAILURE).payload() == bytes((0x00, 0x06))


@pytest.mark.parametrize(("direction", "frame"), [
    (HOST, "C0 28 4D 01 00 17" + " 01" * 7 + " 02" * 16 + " 00 C1"),  # vendor code: join network
    (MODULE, "C0 28 84 FF 00 01 01 00 C1"),  # vendor code: join status
])
def test_undocumented_vendor_messages_are_not_declared(direction: Direction, frame: str) -> None:
    for generation in BOTH:
        assert isinstance(decode_hex(frame, generation, direction), RawMessage)


@pytest.mark.parametrize("size", [57, 59])
def test_attn_values_need_exactly_58_bytes(size: int) -> None:
    with pytest.raises(EncodeError, match="attn_rx") as info:
        slac.SetAttnRxValues(attn_rx=bytes(size)).payload()
    assert info.value.field == "attn_rx"


def test_short_attn_response_is_a_payload_error() -> None:
    short = " ".join(["00"] * 57)
    with pytest.raises(PayloadError, match="Get AttnTxRef Values response") as info:
        decode_hex(f"C0 28 49 09 00 3A 00 {short} 00 C1", V1, MODULE)
    assert info.value.field == "attn_tx_ref"


def test_long_attn_command_is_a_payload_error() -> None:
    long = " ".join(["00"] * 59)
    with pytest.raises(PayloadError, match="unexpected byte"):
        decode_hex(f"C0 28 46 06 00 3B {long} 00 C1", V1, HOST)


@pytest.mark.parametrize("toggles", [4, 255])
def test_invalid_toggle_counts_are_refused(toggles: int) -> None:
    with pytest.raises(EncodeError, match=r"toggles.*0\.\.3"):
        slac.SetBcbToggleResult(toggles=toggles).payload()


def test_unknown_slac_state_is_a_payload_error() -> None:
    with pytest.raises(PayloadError) as info:
        decode_hex("C0 28 45 05 00 02 00 07 00 C1", V2, MODULE)
    assert (info.value.message_name, info.value.field) == ("Get State response", "state")


def test_bcb_window_str_and_json() -> None:
    status = slac.BcbTogglingStarted(bcb_time_window=2000)
    assert str(status) == "BCB Toggling Started: bcb_time_window=2000 ms"
    assert status.json_fields() == {"bcb_time_window": 2000}
