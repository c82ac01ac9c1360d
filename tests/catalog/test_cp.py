"""Control Pilot module 0x29: every example frame of manuals 2.14 (§15) and 2.11 (§14), which are
identical (2.11 page = 2.14 page - 4), and the seed-produced frames of v1-api §1.11."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import cp
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState, ResistorLevel
from freev2g.hci.errors import EncodeError, PayloadError
from freev2g.hci.message import Rejection
from tests.vectors import BOTH, HOST, MODULE, V1, V2, Vector, check_vector, decode_hex

VECTORS = [
    Vector("2.14 p93 / 2.11 p89", "C0 29 40 00 00 01 01 00 C1", HOST, cp.SetMode(mode=ControlPilotMode.EVSE)),
    Vector("2.14 p93 / 2.11 p89", "C0 29 40 00 00 01 00 00 C1", MODULE, cp.SetMode.Response()),
    Vector("2.14 p94 / 2.11 p90", "C0 29 41 01 00 00 00 C1", HOST, cp.GetMode()),
    Vector("2.14 p94 / 2.11 p90", "C0 29 41 01 00 02 00 01 00 C1", MODULE,
           cp.GetMode.Response(mode=ControlPilotMode.EVSE)),
    Vector("2.14 p95 / 2.11 p91", "C0 29 42 02 00 00 00 C1", HOST, cp.Start()),
    Vector("2.14 p95 / 2.11 p91", "C0 29 42 02 00 01 00 00 C1", MODULE, cp.Start.Response()),
    Vector("2.14 p95 / 2.11 p91", "C0 29 43 03 00 00 00 C1", HOST, cp.Stop()),
    Vector("2.14 p95-p96 / 2.11 p91-p92", "C0 29 43 03 00 01 00 00 C1", MODULE, cp.Stop.Response()),
    Vector("2.14 p96 / 2.11 p92", "C0 29 44 04 00 02 00 32 00 C1", HOST, cp.SetPwmDutyCycle(duty_cycle=50)),
    Vector("2.14 p96 / 2.11 p92", "C0 29 44 04 00 01 00 00 C1", MODULE, cp.SetPwmDutyCycle.Response()),
    Vector("2.14 p96 / 2.11 p92", "C0 29 45 05 00 00 00 C1", HOST, cp.GetPwmDutyCycle()),
    Vector("2.14 p96 / 2.11 p92", "C0 29 45 05 00 03 00 00 32 00 C1", MODULE,
           cp.GetPwmDutyCycle.Response(duty_cycle=50)),
    Vector("2.14 p97 / 2.11 p93", "C0 29 46 06 00 01 01 00 C1", HOST,
           cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C)),
    Vector("2.14 p97 / 2.11 p93", "C0 29 46 06 00 01 00 00 C1", MODULE, cp.SetResistorLevel.Response()),
    Vector("2.14 p98 / 2.11 p94", "C0 29 47 07 00 00 00 C1", HOST, cp.GetResistorLevel()),
    Vector("2.14 p98 / 2.11 p94", "C0 29 47 07 00 02 00 01 00 C1", MODULE,
           cp.GetResistorLevel.Response(resistor_level=ResistorLevel.STATE_C)),
    Vector("2.14 p98 / 2.11 p94", "C0 29 48 08 00 00 00 C1", HOST, cp.GetState()),
    Vector("2.14 p98 / 2.11 p94", "C0 29 48 08 00 02 00 02 00 C1", MODULE,
           cp.GetState.Response(state=ControlPilotState.C)),
    Vector("2.14 p99 / 2.11 p95", "C0 29 49 09 00 02 00 0A 00 C1", HOST,
           cp.SetPwmDutyCycleNotificationThreshold(threshold_level=10)),
    Vector("2.14 p99 / 2.11 p95", "C0 29 49 09 00 01 00 00 C1", MODULE,
           cp.SetPwmDutyCycleNotificationThreshold.Response()),
    Vector("2.14 p100 / 2.11 p96", "C0 29 4A 0A 00 00 00 C1", HOST,
           cp.GetPwmDutyCycleNotificationThreshold()),
    Vector("2.14 p100 / 2.11 p96", "C0 29 4A 0A 00 03 00 00 14 00 C1", MODULE,
           cp.GetPwmDutyCycleNotificationThreshold.Response(threshold_level=20)),
    Vector("2.14 p100 / 2.11 p96", "C0 29 4B 0B 00 00 00 C1", HOST, cp.GetCpAdValue()),
    Vector("2.14 p100 / 2.11 p96", "C0 29 4B 0B 00 05 00 00 00 0E 98 00 C1", MODULE,
           cp.GetCpAdValue.Response(ad_value=3736)),
    Vector("2.14 p101 / 2.11 p97", "C0 29 80 FF 00 02 00 32 00 C1", MODULE,
           cp.DutyCycleChanged(duty_cycle=50)),
    Vector("2.14 p101 / 2.11 p97", "C0 29 81 FF 00 01 02 00 C1", MODULE,
           cp.StateChanged(state=ControlPilotState.C)),
    # Frames the seed application emits, with real checksums (v1-api §1.11).
    Vector("v1-api §1.11 CP Set Mode EVSE", "C0 29 40 04 00 01 01 0E C1", HOST,
           cp.SetMode(mode=ControlPilotMode.EVSE)),
    Vector("v1-api §1.11 CP Set Mode EV", "C0 29 40 05 00 01 00 0E C1", HOST,
           cp.SetMode(mode=ControlPilotMode.EV)),
    Vector("v1-api §1.11 duty 100 %", "C0 29 44 05 00 02 03 E8 1D C1", HOST,
           cp.SetPwmDutyCycle(duty_cycle=1000)),
    Vector("v1-api §1.11 duty 5 %", "C0 29 44 06 00 02 00 32 D5 C1", HOST, cp.SetPwmDutyCycle(duty_cycle=50)),
    Vector("v1-api §1.11 resistor -> C", "C0 29 46 0F 00 01 01 FC C1", HOST,
           cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_C)),
    Vector("v1-api §1.11 resistor -> B", "C0 29 46 19 00 01 00 F3 C1", HOST,
           cp.SetResistorLevel(resistor_level=ResistorLevel.STATE_B)),
    # Decisions (see cp.py): Get Mode may report 255, states include 6 = unknown.
    Vector("constructed, decision p93: mode not yet set", "C0 29 41 01 00 02 00 FF 00 C1", MODULE,
           cp.GetMode.Response(mode=ControlPilotMode.NOT_SET)),
    Vector("constructed, decision p98: state unknown", "C0 29 48 08 00 02 00 06 00 C1", MODULE,
           cp.GetState.Response(state=ControlPilotState.UNKNOWN)),
    Vector("constructed, decision p101: state unknown", "C0 29 81 FF 00 01 06 00 C1", MODULE,
           cp.StateChanged(state=ControlPilotState.UNKNOWN)),
    Vector("constructed, p93: result 0x01 (already started)", "C0 29 40 00 00 01 01 00 C1", MODULE,
           Rejection(cp.SetMode.Response, 0x01)),
    Vector("constructed, p95: result 0x05 (not started)", "C0 29 43 03 00 01 05 00 C1", MODULE,
           Rejection(cp.Stop.Response, 0x05)),
]

# No printed CP frame is wrong: every length agrees and every checksum is 00 (hci-reference §6.1).


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


def test_same_declarations_in_both_generations() -> None:
    for generation in BOTH:
        assert decode_hex("C0 29 81 FF 00 01 02 00 C1", generation, MODULE) == cp.StateChanged(
            state=ControlPilotState.C)


@pytest.mark.parametrize("duty", [-1, 1001])
def test_duty_cycle_outside_permille_is_refused(duty: int) -> None:
    with pytest.raises(EncodeError, match=r"duty_cycle.*0\.\.1000") as info:
        cp.SetPwmDutyCycle(duty_cycle=duty).payload()
    assert info.value.field == "duty_cycle"


def test_set_mode_refuses_not_set() -> None:
    with pytest.raises(EncodeError, match="mode") as info:
        cp.SetMode(mode=ControlPilotMode.NOT_SET).payload()
    assert "0..1" in info.value.detail


def test_resistor_level_3_is_refused() -> None:
    with pytest.raises(EncodeError, match="resistor_level"):
        cp.SetResistorLevel(resistor_level=3).payload()  # type: ignore[arg-type]


def test_state_7_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="Get State response") as info:
        decode_hex("C0 29 48 08 00 02 00 07 00 C1", V2, MODULE)
    assert info.value.field == "state"


def test_measured_duty_cycle_above_1000_is_a_payload_error() -> None:
    with pytest.raises(PayloadError) as info:
        decode_hex("C0 29 80 FF 00 02 03 E9 00 C1", V1, MODULE)
    assert (info.value.message_name, info.value.field) == ("Duty Cycle Changed", "duty_cycle")


def test_missing_field_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="Get CP AD Value response") as info:
        decode_hex("C0 29 4B 0B 00 03 00 0E 98 00 C1", V2, MODULE)
    assert info.value.field == "ad_value"


def test_ad_value_voltage_by_the_manual_formula() -> None:
    assert cp.GetCpAdValue.Response(ad_value=3736).voltage == pytest.approx(11.95, abs=0.01)


def test_str_names_enum_and_unit() -> None:
    assert str(cp.GetState.Response(state=ControlPilotState.C)) == "Get State response: state=C (2)"
    assert str(cp.DutyCycleChanged(duty_cycle=50)) == "Duty Cycle Changed: duty_cycle=50 ‰"
    assert cp.SetMode(mode=ControlPilotMode.EV).json_fields() == {"mode": "EV"}
