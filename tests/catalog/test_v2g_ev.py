"""V2G module 0x27, EV role: every example frame of manual 2.14 (§18.9, §18.11, p123-p161) and
manual 2.11 (§17.9, §17.11, p120-p156; v1-api §1.10), and the seed's EV frames (v1-api §1.11).

The EV role is shared by both generations, so every frame is checked under both. Where the two
manuals print the same bytes, one vector carries both pages.
"""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
)
from freev2g.hci.errors import EncodeError, FrameTooBig, MissingEnd, PayloadError, Truncated
from freev2g.hci.message import Command, Message, Struct
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

# Payload fragments of the manuals' examples.
ZERO3 = "00 00 00 00 00 00 00 00 00"  # min voltage, current, power: 0
MAX = "00 04 02 00 05 01 00 14 03"  # max 400 V, 50 A, 20 kW
CFG = "01 02 03 04 05 06 02 00 01 01 00 01 01"  # EV ID, DIN + ISO, EIM, DC extended
DC = f"{ZERO3} {MAX} 32 00 00 26 01 00 02 01 64 50 00 10 03"  # 0xA2 up to the energy request
AC = f"{ZERO3} {MAX} 00 10 03"  # 0xA5 up to the energy request
C1_HEAD = f"{ZERO3} 00 08 02 00 23 01 01 18 03 00 04 02 00 02 02"  # 0xC1 up to the EVSE status
ENTRIES = "00 00 00 00 00 00 0E 10 01 18 03 00 00 0E 10 00 01 43 70"  # without the last power
EVSE_ID = "0F 44 45 2A 41 32 33 2A 45 34 35 42 2A 37 38 43"  # "DE*A23*E45B*78C"
PROFILE = "00 00 00 00 00 00 07 08 00 14 03 00 00 07 08 00 00 07 08 00 0A 03"

# The examples' energy request 00 10 03 is 16 kWh (0x10 = 16), although the comments say 10 kWh.
DC_HEAD = dict(min_voltage=0, min_current=0, min_power=0, max_voltage=400, max_current=50, max_power=20_000)
CONFIG = dict(ev_id="01:02:03:04:05:06", protocols=[Protocol.DIN_70121, Protocol.ISO_15118_2],
              payment_methods=[PaymentMethod.EIM], energy_transfer_modes=[EnergyTransferMode.DC_EXTENDED],
              battery_capacity=50_000)
DC_PARAMS = ev.EVSetDCChargingParameters(
    **DC_HEAD, soc=50, status=EvErrorCode.NO_ERROR, target_voltage=380, target_current=20, full_soc=100,
    bulk_soc=80, energy_request=16_000, departure_time=3600)
AC_PARAMS = dict(**DC_HEAD, energy_request=16_000, departure_time=3600)
DC_CHANGED = dict(min_voltage=0, min_current=0, min_power=0, max_voltage=800, max_current=350,
                  max_power=280_000, present_voltage=400, present_current=200, evse_status=EvseStatus.READY)
SCHEDULE = [ScheduleEntry(start=0, interval=3600, power=280_000),
            ScheduleEntry(start=3600, interval=82_800, power=50_000)]
SEED_DC = dict(min_voltage=0, min_current=0, min_power=0, max_voltage=300, max_current=100, max_power=12_000,
               soc=98, status=EvErrorCode.NO_ERROR, target_voltage=200, target_current=40)
SEED_CONFIG = dict(ev_id="00:01:01:63:77:31", protocols=[Protocol.DIN_70121, Protocol.ISO_15118_2],
                   payment_methods=[PaymentMethod.EIM], battery_capacity=50_000,
                   energy_transfer_modes=[EnergyTransferMode.DC_CORE, EnergyTransferMode.AC_SINGLE_PHASE])


def ack(cls: type[Command]) -> Message:
    return cls.Response()


def _fields(message: Struct) -> dict[str, object]:
    return dict(vars(message))


VECTORS = [
    # 0xA0 Set Configuration (corrected: the capacity is exponential, 00 32 03)
    Vector("2.14 p124, 2.11 p121 corrected", f"C0 27 A0 00 00 10 {CFG} 00 32 03 00 C1", HOST,
           ev.EVSetConfiguration(**CONFIG), exact=False),
    Vector("2.14 p124, 2.11 p121", "C0 27 A0 00 00 01 00 00 C1", MODULE, ack(ev.EVSetConfiguration)),
    # 0xA1 Get Configuration: 2.14 without, 2.11 with the departure time
    Vector("2.14 p125, 2.11 p122 corrected", "C0 27 A1 00 00 00 00 C1", HOST, ev.EVGetConfiguration()),
    Vector("2.14 p125", f"C0 27 A1 00 00 11 00 {CFG} 00 32 03 00 C1", MODULE,
           ev.EVGetConfiguration.Response(**CONFIG), exact=False),
    Vector("2.11 p122 corrected (u32 departure time)", f"C0 27 A1 00 00 15 00 {CFG} 00 32 03 00 00 0E 10 00 C1",
           MODULE, ev.EVGetConfiguration.Response(**CONFIG, departure_time=3600), exact=False),
    # 0xA2 Set DC Charging Parameters (corrected: the departure time is u32)
    Vector("2.14 p126, 2.11 p123 corrected", f"C0 27 A2 00 00 23 {DC} 00 00 0E 10 00 C1", HOST, DC_PARAMS,
           exact=False),
    Vector("2.14 p126, 2.11 p124", "C0 27 A2 00 00 01 00 00 C1", MODULE, ack(ev.EVSetDCChargingParameters)),
    # 0xA3 Update DC Charging Parameters
    Vector("2.14 p127, 2.11 p124-p125", f"C0 27 A3 00 00 1A {ZERO3} {MAX} 3C 00 00 26 01 00 04 01 00 C1", HOST,
           ev.EVUpdateDCChargingParameters(**DC_HEAD, soc=60, status=EvErrorCode.NO_ERROR,
                                           target_voltage=380, target_current=40), exact=False),
    Vector("2.14 p128, 2.11 p125", "C0 27 A3 00 00 01 00 00 C1", MODULE, ack(ev.EVUpdateDCChargingParameters)),
    # 0xA4 Get DC Charging Parameters (response corrected like 0xA2)
    Vector("2.14 p129, 2.11 p126", "C0 27 A4 00 00 00 00 C1", HOST, ev.EVGetDCChargingParameters()),
    Vector("2.14 p129, 2.11 p126 corrected", f"C0 27 A4 00 00 24 00 {DC} 00 00 0E 10 00 C1", MODULE,
           ev.EVGetDCChargingParameters.Response(**_fields(DC_PARAMS)), exact=False),
    # 0xA5 Set AC Charging Parameters (corrected: u32 departure time)
    Vector("2.14 p130, 2.11 p127 corrected", f"C0 27 A5 00 00 19 {AC} 00 00 0E 10 00 C1", HOST,
           ev.EVSetACChargingParameters(**AC_PARAMS), exact=False),
    Vector("2.14 p130, 2.11 p127", "C0 27 A5 00 00 01 00 00 C1", MODULE, ack(ev.EVSetACChargingParameters)),
    # 0xA6 Update AC Charging Parameters
    Vector("2.14 p131, 2.11 p128", f"C0 27 A6 00 00 12 {ZERO3} {MAX} 00 C1", HOST,
           ev.EVUpdateACChargingParameters(**DC_HEAD), exact=False),
    Vector("2.14 p131, 2.11 p128", "C0 27 A6 00 00 01 00 00 C1", MODULE, ack(ev.EVUpdateACChargingParameters)),
    # 0xA7 Get AC Charging Parameters (response corrected)
    Vector("2.14 p131-p132, 2.11 p129", "C0 27 A7 00 00 00 00 C1", HOST, ev.EVGetACChargingParameters()),
    Vector("2.14 p132, 2.11 p129 corrected", f"C0 27 A7 00 00 1A 00 {AC} 00 00 0E 10 00 C1", MODULE,
           ev.EVGetACChargingParameters.Response(**AC_PARAMS), exact=False),
    # 0xA8 Set Charging Profile (corrected: s16 tuple ID; 20 kW / 10 kW as the comments say)
    Vector("2.14 p132, 2.11 p130 corrected", f"C0 27 A8 00 00 19 00 01 02 {PROFILE} 00 C1", HOST,
           ev.EVSetChargingProfile(schedule_tuple_id=1, entries=[
               ScheduleEntry(start=0, interval=1800, power=20_000),
               ScheduleEntry(start=1800, interval=1800, power=10_000)]), exact=False),
    Vector("2.14 p133, 2.11 p130", "C0 27 A8 00 00 01 00 00 C1", MODULE, ack(ev.EVSetChargingProfile)),
    # 0xA9-0xAC: no parameters
    Vector("2.14 p133, 2.11 p130", "C0 27 A9 00 00 00 00 C1", HOST, ev.EVStartSession()),
    Vector("2.14 p133, 2.11 p130", "C0 27 A9 00 00 01 00 00 C1", MODULE, ack(ev.EVStartSession)),
    Vector("2.14 p134, 2.11 p131", "C0 27 AA 00 00 00 00 C1", HOST, ev.EVStartCableCheck()),
    Vector("2.14 p134, 2.11 p131", "C0 27 AA 00 00 01 00 00 C1", MODULE, ack(ev.EVStartCableCheck)),
    Vector("2.14 p134, 2.11 p131", "C0 27 AB 00 00 00 00 C1", HOST, ev.EVStartPreCharging()),
    Vector("2.14 p134, 2.11 p131", "C0 27 AB 00 00 01 00 00 C1", MODULE, ack(ev.EVStartPreCharging)),
    Vector("2.14 p135, 2.11 p132", "C0 27 AC 00 00 00 00 C1", HOST, ev.EVStartCharging()),
    Vector("2.14 p135, 2.11 p132", "C0 27 AC 00 00 01 00 00 C1", MODULE, ack(ev.EVStartCharging)),
    # 0xAD Stop Charging; the Stop Session sections repeat this example
    Vector("2.14 p135, 2.11 p132", "C0 27 AD 00 00 01 00 00 C1", HOST, ev.EVStopCharging(renegotiation=False)),
    Vector("2.14 p135, 2.11 p132", "C0 27 AD 00 00 01 00 00 C1", MODULE, ack(ev.EVStopCharging)),
    Vector("2.14 p136, 2.11 p133 (Stop Session repeats 0xAD)", "C0 27 AD 00 00 01 00 00 C1", HOST,
           ev.EVStopCharging(renegotiation=False)),
    Vector("2.14 p136, 2.11 p133 (Stop Session repeats 0xAD)", "C0 27 AD 00 00 01 00 00 C1", MODULE,
           ack(ev.EVStopCharging)),
    Vector("2.14 p135-p136 0xAE per its table (no example)", "C0 27 AE 00 00 00 00 C1", HOST, ev.EVStopSession()),
    Vector("2.14 p135-p136 0xAE per its table (no example)", "C0 27 AE 00 00 01 00 00 C1", MODULE,
           ack(ev.EVStopSession)),
    # Status messages
    Vector("2.14 p155, 2.11 p150-p151", f"C0 27 C0 FF 00 1B 01 01 02 03 04 05 06 07 08 {EVSE_ID} 01 01 00 C1",
           MODULE, ev.EVSessionStarted(
               protocol=Protocol.ISO_15118_2, session_id=bytes.fromhex("0102030405060708"),
               evse_id="DE*A23*E45B*78C", payment_method=PaymentMethod.CONTRACT,
               energy_transfer_mode=EnergyTransferMode.DC_EXTENDED),
           note="the payment byte 01 is labelled EIM although EIM is 0"),
    Vector("2.11 p151-p152 (2.11 layout, no tail)", f"C0 27 C1 FF 00 19 {C1_HEAD} 00 00 C1", MODULE,
           ev.EVDCChargeParametersChanged(**DC_CHANGED), exact=False),
    Vector("2.14 p156 corrected (isolation status 00 added, length 0x25)",
           f"C0 27 C1 FF 00 25 {C1_HEAD} 00 00 00 00 00 00 01 00 01 00 05 FF 00 00 C1", MODULE,
           ev.EVDCChargeParametersChanged(**DC_CHANGED, limits=ev.EVSEDCLimits(
               voltage_limit_achieved=False, current_limit_achieved=False, power_limit_achieved=False,
               peak_current_ripple=1, current_regulation_tolerance=0.5)), exact=False),
    Vector("2.14 p157, 2.11 p152", "C0 27 C2 FF 00 07 00 17 01 00 02 01 00 00 C1", MODULE,
           ev.EVACChargeParametersChanged(nominal_voltage=230, max_current=20, rcd=False), exact=False),
    Vector("2.14 p157-p158, 2.11 p153 corrected (1 tuple, s16 ID, u16 count, 50 kW)",
           f"C0 27 C3 FF 00 1B 01 00 01 00 02 {ENTRIES} 00 32 03 00 C1", MODULE,
           ev.EVScheduleReceived(tuples=[ev.EVScheduleTuple(tuple_id=1, entries=SCHEDULE)]), exact=False),
    Vector("2.14 p158, 2.11 p153", "C0 27 C4 FF 00 00 00 C1", MODULE, ev.EVCableCheckReady()),
    Vector("2.14 p158, 2.11 p153", "C0 27 C5 FF 00 00 00 C1", MODULE, ev.EVCableCheckFinished()),
    Vector("2.14 p159, 2.11 p154", "C0 27 C6 FF 00 00 00 C1", MODULE, ev.EVPreChargingReady()),
    Vector("2.14 p159, 2.11 p154", "C0 27 C7 FF 00 00 00 C1", MODULE, ev.EVChargingReady()),
    Vector("2.14 p159, 2.11 p154", "C0 27 C8 FF 00 00 00 C1", MODULE, ev.EVChargingStarted()),
    Vector("2.14 p159-p160, 2.11 p155", "C0 27 C9 FF 00 00 00 C1", MODULE, ev.EVChargingStopped()),
    Vector("2.14 p160, 2.11 p155", "C0 27 CA FF 00 00 00 C1", MODULE, ev.EVPostChargingReady()),
    Vector("2.14 p160, 2.11 p155", "C0 27 CB FF 00 00 00 C1", MODULE, ev.EVSessionStopped()),
    Vector("2.14 p160-p161, 2.11 p156", "C0 27 CC FF 00 03 00 00 00 00 C1", MODULE,
           ev.EVNotificationReceived(type=ev.NotificationType.STOP_CHARGING, max_delay=0)),
    Vector("2.14 p161, 2.11 p156 corrected (length 1)", "C0 27 CD FF 00 01 02 00 C1", MODULE,
           ev.EVSessionError(code=ev.EvSessionError.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE)),
    # Frames the seed's encoders sent (v1-api §1.11), with real checksums
    Vector("v1-api §1.11 seed", "C0 27 A0 0C 00 11 00 01 01 63 77 31 02 00 01 01 00 02 00 04 00 32 03 4B C1", HOST,
           ev.EVSetConfiguration(**SEED_CONFIG), exact=False),
    Vector("v1-api §1.11 seed", f"C0 27 A2 0D 00 23 {ZERO3} 00 03 02 00 01 02 00 0C 03 62 00 00 02 02 00 04 01"
           " 64 50 00 01 03 05 F5 E1 00 6B C1", HOST,
           ev.EVSetDCChargingParameters(**SEED_DC, full_soc=100, bulk_soc=80, energy_request=1000,
                                        departure_time=100_000_000), exact=False),
    Vector("v1-api §1.11 seed", "C0 27 A5 0E 00 19 00 16 01 00 01 00 00 16 01 00 03 02 00 01 02 00 0C 03"
           " 00 01 03 00 0F 42 40 AD C1", HOST,
           ev.EVSetACChargingParameters(min_voltage=220, min_current=1, min_power=220, max_voltage=300,
                                        max_current=100, max_power=12_000, energy_request=1000,
                                        departure_time=1_000_000), exact=False),
    Vector("v1-api §1.11 seed", "C0 27 A9 10 00 00 9C C1", HOST, ev.EVStartSession()),
    Vector("v1-api §1.11 seed", "C0 27 A8 12 00 24 00 01 03 00 00 00 00 00 00 07 08 61 A8 00 00 00 07 08"
           " 00 00 07 08 49 3E 00 00 00 0E 10 00 01 43 70 30 D4 00 DC C1", HOST,
           ev.EVSetChargingProfile(schedule_tuple_id=1, entries=[
               ScheduleEntry(start=0, interval=1800, power=25_000),
               ScheduleEntry(start=1800, interval=1800, power=18_750),
               ScheduleEntry(start=3600, interval=82_800, power=12_500)])),
    Vector("v1-api §1.11 seed", f"C0 27 A3 16 00 1A {ZERO3} 00 03 02 00 01 02 00 0C 03 62 00 00 02 02 00 04 01 FF C1",
           HOST, ev.EVUpdateDCChargingParameters(**SEED_DC), exact=False),
    Vector("v1-api §1.11 seed", "C0 27 AE 18 00 00 8F C1", HOST, ev.EVStopSession()),
]

BAD_VECTORS = [
    BadVector("2.14 p124, 2.11 p121", f"C0 27 A0 00 00 10 {CFG} C3 50 00 C1", HOST, Truncated,
              "battery capacity printed in 2 bytes: one byte short of the length 16"),
    BadVector("2.11 p122", "C0 27 A1 00 00 10 00 C1", HOST, Truncated, "empty request with length 16"),
    BadVector("2.11 p122", f"C0 27 A1 00 00 13 00 {CFG} C3 50 0E 10 00 C1", MODULE, Truncated,
              "2-byte capacity and departure time: 18 bytes for a length of 19"),
    BadVector("2.11 p122 length fixed", f"C0 27 A1 00 00 12 00 {CFG} C3 50 0E 10 00 C1", MODULE, PayloadError,
              "2-byte capacity and departure time do not fit the table"),
    BadVector("2.14 p126, 2.11 p123", f"C0 27 A2 00 00 21 {DC} 0E 10 00 C1", HOST, PayloadError,
              "departure time printed in 2 bytes (u32 in the table)"),
    BadVector("2.14 p129, 2.11 p126", f"C0 27 A4 00 00 22 00 {DC} 0E 10 00 C1", MODULE, PayloadError,
              "departure time printed in 2 bytes"),
    BadVector("2.14 p130, 2.11 p127", f"C0 27 A5 00 00 17 {AC} 0E 10 00 C1", HOST, PayloadError,
              "departure time printed in 2 bytes"),
    BadVector("2.14 p132, 2.11 p129", f"C0 27 A7 00 00 18 00 {AC} 0E 10 00 C1", MODULE, PayloadError,
              "departure time printed in 2 bytes"),
    BadVector("2.14 p132, 2.11 p130", "C0 27 A8 00 00 18 01 02 00 00 00 00 00 00 07 08 00 02 01 00 00 07 08"
              " 00 00 07 08 00 01 01 00 C1", HOST, PayloadError, "1-byte tuple ID: the entry count reads as 0"),
    BadVector("2.14 p156", f"C0 27 C1 FF 00 19 {C1_HEAD} 00 00 00 00 00 01 00 01 00 05 FF 00 00 C1", MODULE,
              MissingEnd, "stale length 0x19 for 36 bytes"),
    BadVector("2.14 p156 length fixed", f"C0 27 C1 FF 00 24 {C1_HEAD} 00 00 00 00 00 01 00 01 00 05 FF 00 00 C1",
              MODULE, PayloadError, "the isolation status presence byte is missing"),
    BadVector("2.14 p157, 2.11 p153", f"C0 27 C3 FF 00 19 02 01 02 {ENTRIES} 00 05 01 00 C1", MODULE, PayloadError,
              "tuple count 2 for 1 tuple, 1-byte tuple ID and entry count"),
    BadVector("2.14 p161, 2.11 p156", "C0 27 CD FF 00 03 02 00 C1", MODULE, Truncated, "length 3 for 1 byte"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


def test_dc_charge_parameters_changed_with_isolation_status() -> None:
    tail = "01 03 01 00 01 00 05 FF 01 00 04 FF 01 00 0A 03"
    message = decode_hex(f"C0 27 C1 FF 00 29 {C1_HEAD} 04 {tail} 00 C1", V1, MODULE)
    assert isinstance(message, ev.EVDCChargeParametersChanged)
    assert message.evse_status is EvseStatus.ISOLATION_MONITORING_ACTIVE
    assert message.limits == ev.EVSEDCLimits(
        isolation_status=IsolationLevel.FAULT, voltage_limit_achieved=True, current_limit_achieved=False,
        power_limit_achieved=True, peak_current_ripple=0.5, current_regulation_tolerance=0.4,
        energy_to_be_delivered=10_000)
    assert message.payload().endswith(bytes.fromhex(tail.replace("00 0A 03", "27 10 00")))


def test_dc_charge_parameters_changed_with_a_partial_tail_is_an_error() -> None:
    frame = f"C0 27 C1 FF 00 1C {C1_HEAD} 00 00 01 00 00 C1"
    match = r"^EV DC Charge Parameters Changed: field 'limits\.power_limit_achieved'"
    with pytest.raises(PayloadError, match=match):
        decode_hex(frame, V2, MODULE)


def test_get_configuration_departure_time_is_trailing_in_both_generations() -> None:
    without = ev.EVGetConfiguration.Response(**CONFIG)
    with_time = ev.EVGetConfiguration.Response(**CONFIG, departure_time=3600)
    assert len(with_time.payload()) == len(without.payload()) + 4
    for generation in BOTH:
        assert decode_hex(with_time.to_frame(1).encode().hex(), generation, MODULE) == with_time
        assert decode_hex(without.to_frame(1).encode().hex(), generation, MODULE) == without


@pytest.mark.parametrize(("message", "field"), [
    (ev.EVSetDCChargingParameters(**{**_fields(DC_PARAMS), "soc": 101}), "soc"),
    (ev.EVSetDCChargingParameters(**{**_fields(DC_PARAMS), "departure_time": -1}), "departure_time"),
    (ev.EVSetDCChargingParameters(**{**_fields(DC_PARAMS), "status": 8}), "status"),
    (ev.EVSetConfiguration(**{**CONFIG, "protocols": [0, 1, 1]}), "protocols"),
    (ev.EVSetConfiguration(**{**CONFIG, "payment_methods": [PaymentMethod.CONTRACT]}), "payment_methods[0]"),
    (ev.EVSetConfiguration(**{**CONFIG, "energy_transfer_modes": []}), "energy_transfer_modes"),
    (ev.EVSetConfiguration(**{**CONFIG, "ev_id": "01:02:03"}), "ev_id"),
    (ev.EVSetChargingProfile(schedule_tuple_id=1, entries=SCHEDULE[:1] * 25), "entries"),
    (ev.EVSetChargingProfile(schedule_tuple_id=32_768, entries=SCHEDULE), "schedule_tuple_id"),
    (ev.EVSetChargingProfile(schedule_tuple_id=1, entries=[ScheduleEntry(start=0, interval=1, power=4e7)]),
     "entries[0].power"),
    (ev.EVSessionStarted(protocol=Protocol.DIN_70121, session_id=b"1234567", evse_id="x",
                         payment_method=PaymentMethod.EIM, energy_transfer_mode=EnergyTransferMode.DC_CORE),
     "session_id"),
    (ev.EVSessionStarted(protocol=Protocol.DIN_70121, session_id=b"12345678", evse_id="x" * 38,
                         payment_method=PaymentMethod.EIM, energy_transfer_mode=EnergyTransferMode.DC_CORE),
     "evse_id"),
    (ev.EVSessionError(code=0), "code"),
])
def test_encode_range_errors_name_the_field(message: Message, field: str) -> None:
    with pytest.raises(EncodeError) as info:
        message.payload()
    assert info.value.field == field


@pytest.mark.parametrize(("frame", "direction", "match"), [
    (f"C0 27 A3 00 00 1A {ZERO3} {MAX} 65 00 00 26 01 00 04 01 00 C1", HOST,
     r"^EV Update DC Charging Parameters: field 'soc': 101 is outside 0\.\.100"),
    ("C0 27 AD 00 00 01 02 00 C1", HOST, r"^EV Stop Charging: field 'renegotiation'"),
    ("C0 27 C2 FF 00 06 00 17 01 00 02 01 00 C1", MODULE, r"^EV AC Charge Parameters Changed: field 'rcd'"),
    ("C0 27 CD FF 00 01 09 00 C1", MODULE, r"^EV Session Error: field 'code'"),
    ("C0 27 CC FF 00 03 02 00 1E 00 C1", MODULE, r"^EV Notification Received: field 'type'"),
    ("C0 27 C3 FF 00 01 00 00 C1", MODULE, r"^EV Schedule Received: field 'tuples'.*count 0"),
    ("C0 27 C3 FF 00 09 01 00 01 00 01 00 00 00 00 00 C1", MODULE,
     r"^EV Schedule Received: field 'tuples\[0\]\.entries\[0\]\.interval'"),
    ("C0 27 A9 00 00 01 00 00 C1", HOST, r"^EV Start Session: 1 unexpected byte"),
])
def test_decode_errors_name_message_and_field(frame: str, direction: Direction, match: str) -> None:
    for generation in BOTH:
        with pytest.raises(PayloadError, match=match):
            decode_hex(frame, generation, direction)


def test_schedule_received_reads_every_tuple_and_signed_ids() -> None:
    entry = "00 00 00 00 00 00 0E 10 00 0B 03"
    frame = f"C0 27 C3 FF 00 1F 02 FF FF 00 01 {entry} 00 02 00 01 {entry} 00 C1"
    message = decode_hex(frame, V2, MODULE)
    assert isinstance(message, ev.EVScheduleReceived)
    assert [t.tuple_id for t in message.tuples] == [-1, 2]
    assert message.tuples[1].entries == [ScheduleEntry(start=0, interval=3600, power=11_000)]


def test_largest_schedule_received_round_trips_without_a_frame() -> None:
    """3 tuples of 1024 entries: 33 799 bytes, more than a frame can carry (4096)."""
    entries = [ScheduleEntry(start=i * 60, interval=60, power=(i - 32_768) * 1000) for i in range(1024)]
    message = ev.EVScheduleReceived(tuples=[ev.EVScheduleTuple(tuple_id=t, entries=entries)
                                            for t in (-32_768, 0, 32_767)])
    payload = message.payload()
    assert len(payload) == 1 + 3 * (2 + 2 + 1024 * 11)
    decoded = ev.EVScheduleReceived.decode_payload(payload)
    assert isinstance(decoded, ev.EVScheduleReceived)
    assert [t.tuple_id for t in decoded.tuples] == [-32_768, 0, 32_767]
    assert decoded.payload() == payload
    with pytest.raises(FrameTooBig):
        message.to_frame().encode()


@pytest.mark.parametrize("message", [
    ev.EVDCChargeParametersChanged(**DC_CHANGED, limits=ev.EVSEDCLimits(
        isolation_status=IsolationLevel.NO_IMD, voltage_limit_achieved=True, current_limit_achieved=True,
        power_limit_achieved=True, peak_current_ripple=-0.001, current_regulation_tolerance=32_767_000,
        energy_to_be_delivered=1.5)),
    ev.EVSetDCChargingParameters(**{**_fields(DC_PARAMS), "departure_time": 0xFFFFFFFF,
                                    "energy_request": 0.123}),
    ev.EVGetACChargingParameters.Response(**{**AC_PARAMS, "min_current": 32.767}),
    ev.EVSetConfiguration(**{**CONFIG, "energy_transfer_modes": list(EnergyTransferMode)}),
    ev.EVSessionStarted(protocol=Protocol.DIN_70121, session_id=bytes(range(8)), evse_id="x" * 37,
                        payment_method=PaymentMethod.EIM, energy_transfer_mode=EnergyTransferMode.AC_THREE_PHASE),
    ev.EVSetChargingProfile(schedule_tuple_id=-1, entries=SCHEDULE * 12),
])
def test_largest_messages_round_trip_through_a_frame(message: Message) -> None:
    frame = message.to_frame(7).encode()
    for generation in BOTH:
        assert decode_hex(frame.hex(), generation, message.direction) == message


def test_str_and_json() -> None:
    message = ev.EVNotificationReceived(type=ev.NotificationType.RENEGOTIATION, max_delay=30)
    assert str(message) == "EV Notification Received: type=RENEGOTIATION (1), max_delay=30 s"
    assert message.json_fields() == {"type": "RENEGOTIATION", "max_delay": 30}
    changed = ev.EVDCChargeParametersChanged(**DC_CHANGED)
    assert "limits" not in str(changed)
    assert changed.json_fields()["limits"] is None
    config = ev.EVGetConfiguration.Response(**CONFIG)
    assert config.json_fields()["protocols"] == ["DIN_70121", "ISO_15118_2"]
    assert "ev_id=01:02:03:04:05:06" in str(config)
