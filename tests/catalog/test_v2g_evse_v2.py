"""V2G module 0x27, EVSE role of generation v2: every example frame of manual 2.14 §18.10 and
§18.12 (p136-p171; hci-reference §6.1), the decisions on the manual's contradictions, Set
Schedules with sales tariffs, and round trips of the largest messages."""

from __future__ import annotations

import hashlib

import pytest

from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    ProfileEntry,
    Protocol,
    ScheduleEntry,
    SessionClosure,
)
from freev2g.hci.errors import EncodeError, FrameTooBig, PayloadError, Truncated
from freev2g.hci.frame import Frame
from freev2g.hci.message import Command, Message, RawMessage, declared, lookup
from freev2g.hci.modules import Direction, ModuleId
from tests.vectors import HOST, MODULE, V1, V2, BadVector, Vector, check_bad_vector, check_vector, decode_hex

ONLY_V2 = (V2,)
IDS = "0F 2B 34 39 2A 31 32 33 2A 34 35 36 2A 37 38 39 0F 44 45 2A 41 32 33 2A 45 34 35 42 2A 37 38 43"
CONFIG_HEX = f"{IDS} 02 00 01 02 00 01 01 01 00 00"
CONFIG = dict(evse_id_din="+49*123*456*789", evse_id_iso="DE*A23*E45B*78C",
              protocols=[Protocol.DIN_70121, Protocol.ISO_15118_2],
              payment_methods=[PaymentMethod.EIM, PaymentMethod.CONTRACT],
              energy_transfer_modes=[EnergyTransferMode.DC_EXTENDED],
              certificate_installation_supported=False, certificate_update_supported=False)
DC_LIMITS = dict(min_voltage=0, min_current=0, max_voltage=400, max_current=50, max_power=20_000,
                 current_regulation_tolerance=2, peak_current_ripple=0.5)
SCHEDULE_HEX = "00 00 00 00 00 00 0E 10 01 18 03 00 00 0E 10 00 01 43 70 00 05 01"
AC_PARAMS = dict(rcd=False, nominal_voltage=400, max_current=10)


def exi(size: int) -> bytes:
    """A stand-in EXI blob of ``size`` bytes: V2GTP header ``01 FE 80 01`` + u32 body length,
    ending in ``48`` like the abridged examples (p152, p170-p171)."""
    return bytes.fromhex("01FE8001") + (size - 8).to_bytes(4, "big") + bytes(size - 9) + b"\x48"


def frame_hex(sub_id: int, payload: bytes, request_id: int = 0xFF) -> str:
    return Frame(ModuleId.V2G, sub_id, request_id, payload).encode(compute_checksum=False).hex()


def ack(cls: type[Command]) -> Message:
    return cls.Response()


def v(page: str, text: str, direction: Direction, expected: Message, exact: bool = True, note: str = "") -> Vector:
    return Vector(page, text, direction, expected, generations=ONLY_V2, exact=exact, note=note)


VECTORS = [
    v("2.14 p137", f"C0 27 60 00 00 2A {CONFIG_HEX} 00 C1", HOST, e.EVSESetConfiguration(**CONFIG)),
    v("2.14 p137", "C0 27 60 00 00 01 00 00 C1", MODULE, ack(e.EVSESetConfiguration)),
    v("2.14 p138", "C0 27 61 01 00 00 00 C1", HOST, e.EVSEGetConfiguration()),
    v("2.14 p138-p139", f"C0 27 61 01 00 2B 00 {CONFIG_HEX} 00 C1", MODULE, e.EVSEGetConfiguration.Response(**CONFIG)),
    v("2.14 p139-p140 corrected (ripple 00 05 FF)",
      "C0 27 62 02 00 18 00 00 00 00 00 00 00 00 04 02 00 05 01 00 14 03 01 00 02 00 00 05 FF 00 00 C1", HOST,
      e.EVSESetDCChargingParameters(isolation_level=IsolationLevel.INVALID, **DC_LIMITS, status=EvseStatus.READY),
      exact=False),
    v("2.14 p140", "C0 27 62 02 00 01 00 00 C1", MODULE, ack(e.EVSESetDCChargingParameters)),
    v("2.14 p141", "C0 27 63 03 00 0B 01 00 26 01 00 04 01 00 00 00 00 00 C1", HOST,
      e.EVSEUpdateDCChargingParameters(isolation_level=IsolationLevel.VALID, present_voltage=380,
                                       present_current=40, status=EvseStatus.READY), exact=False),
    v("2.14 p141", "C0 27 63 03 00 01 00 00 C1", MODULE, ack(e.EVSEUpdateDCChargingParameters)),
    v("2.14 p142", "C0 27 64 04 00 00 00 C1", HOST, e.EVSEGetDCChargingParameters()),
    v("2.14 p142 corrected (ripple 00 05 FF)",
      "C0 27 64 04 00 21 00 01 00 00 00 00 00 00 00 04 02 00 05 01 00 14 03 01 00 02 00 00 05 FF"
      " 01 00 26 01 01 00 04 01 00 00 C1", MODULE,
      e.EVSEGetDCChargingParameters.Response(isolation_level=IsolationLevel.VALID, **DC_LIMITS, present_voltage=380,
                                             present_current=40, status=EvseStatus.READY), exact=False),
    v("2.14 p143", "C0 27 65 05 00 07 00 00 04 02 00 01 01 00 C1", HOST,
      e.EVSESetACChargingParameters(**AC_PARAMS), exact=False),
    v("2.14 p143", "C0 27 65 05 00 01 00 00 C1", MODULE, ack(e.EVSESetACChargingParameters)),
    v("2.14 p144", "C0 27 66 06 00 05 00 01 00 08 00 00 C1", HOST,
      e.EVSEUpdateACChargingParameters(rcd=False, max_current=8)),
    v("2.14 p144", "C0 27 66 06 00 01 00 00 C1", MODULE, ack(e.EVSEUpdateACChargingParameters)),
    v("2.14 p144-p145", "C0 27 67 07 00 00 00 C1", HOST, e.EVSEGetACChargingParameters()),
    v("2.14 p145", "C0 27 67 07 00 08 00 00 00 04 02 00 01 01 00 C1", MODULE,
      e.EVSEGetACChargingParameters.Response(**AC_PARAMS), exact=False),
    v("2.14 p145", "C0 27 68 08 00 04 01 C0 00 00 00 C1", HOST,
      e.EVSESetSDPConfig(allow_unsecure=True, unsecure_port=49152, allow_secure=False)),
    v("2.14 p145", "C0 27 68 08 00 01 00 00 C1", MODULE, ack(e.EVSESetSDPConfig)),
    v("2.14 p146", "C0 27 69 09 00 00 00 C1", HOST, e.EVSEGetSDPConfig()),
    v("2.14 p146", "C0 27 69 09 00 05 00 01 C0 00 00 00 C1", MODULE,
      e.EVSEGetSDPConfig.Response(allow_unsecure=True, unsecure_port=49152, allow_secure=False)),
    v("2.14 p147", "C0 27 6A 0A 00 00 00 C1", HOST, e.EVSEStartListen()),
    v("2.14 p147", "C0 27 6A 0A 00 01 00 00 C1", MODULE, ack(e.EVSEStartListen)),
    v("2.14 p147", "C0 27 6B 0B 00 01 00 00 C1", HOST, e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.SUCCEEDED)),
    v("2.14 p147", "C0 27 6B 0B 00 01 00 00 C1", MODULE, ack(e.EVSESetAuthorizationStatus)),
    v("2.14 p149", f"C0 27 6C 0C 00 1E 00 01 00 01 00 02 {SCHEDULE_HEX} 00 00 00 C1", HOST,
      e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[e.EVSEScheduleTuple(
          tuple_id=1, entries=[ScheduleEntry(start=0, interval=3600, power=280_000),
                               ScheduleEntry(start=3600, interval=82_800, power=50)])]),
      exact=False, note="the second power 00 05 01 is 50 W although the comment says 50 kW"),
    v("2.14 p150", "C0 27 6C 0C 00 01 00 00 C1", MODULE, ack(e.EVSESetSchedules)),
    v("2.14 p150", "C0 27 6D 0D 00 01 00 00 C1", HOST, e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED)),
    v("2.14 p150", "C0 27 6D 0D 00 01 00 00 C1", MODULE, ack(e.EVSESetCableCheckFinished)),
    v("2.14 p151", "C0 27 6E 0E 00 00 00 C1", HOST, e.EVSEStartCharging()),
    v("2.14 p151", "C0 27 6E 0E 00 01 00 00 C1", MODULE, ack(e.EVSEStartCharging)),
    v("2.14 p151", "C0 27 6F 0F 00 00 00 C1", HOST, e.EVSEStopCharging()),
    v("2.14 p151", "C0 27 6F 0F 00 01 00 00 C1", MODULE, ack(e.EVSEStopCharging)),
    v("2.14 p152", "C0 27 70 10 00 00 00 C1", HOST, e.EVSEStopListen()),
    v("2.14 p152", "C0 27 70 10 00 01 00 00 C1", MODULE, ack(e.EVSEStopListen)),
    v("2.14 p152 abridged; here with a 40-byte EXI", frame_hex(0x73, bytes.fromhex("000028") + exi(40), 5), HOST,
      e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS,
                                                       exi_response=exi(40))),
    v("2.14 p152-p153", "C0 27 73 05 00 01 00 00 C1", MODULE, ack(e.EVSESetCertificateInstallationOrUpdateResponse)),
    v("2.14 p153", "C0 27 74 06 00 1B 06 4D 65 74 65 72 31 01 00 00 00 00 00 01 E2 40 00 00"
      " 01 00 00 00 00 62 06 92 C8 00 C1", HOST,
      e.EVSESetMeterReceiptRequest(meter_id="Meter1", meter_reading=123_456, meter_reading_signature=b"",
                                   meter_timestamp=1_644_597_960)),
    v("2.14 p153", "C0 27 74 06 00 01 00 00 C1", MODULE, ack(e.EVSESetMeterReceiptRequest)),
    v("2.14 p154", "C0 27 75 07 00 03 00 00 1E 00 C1", HOST, e.EVSESendNotification(renegotiation=False, timeout=30)),
    v("2.14 p154", "C0 27 75 07 00 01 00 00 C1", MODULE, ack(e.EVSESendNotification)),
    v("hci-reference §7.2 (not in 2.14)", "C0 27 76 08 00 02 13 88 00 C1", HOST,
      e.EVSESetSessionParameterTimeout(timeout=5000)),
    v("hci-reference §7.2 (not in 2.14)", "C0 27 76 08 00 01 00 00 C1", MODULE, ack(e.EVSESetSessionParameterTimeout)),
    # Status messages
    v("2.14 p162", "C0 27 80 FF 00 10 00 01 02 03 04 05 06 07 08 06 30 31 32 33 34 35 00 C1", MODULE,
      e.EVSESessionStarted(protocol=Protocol.DIN_70121, session_id=bytes.fromhex("0102030405060708"),
                           evcc_id=b"012345")),
    v("2.14 p162 corrected (length 1)", "C0 27 81 FF 00 01 00 00 C1", MODULE,
      e.EVSEPaymentSelected(payment_method=PaymentMethod.EIM)),
    v("2.14 p163", "C0 27 82 FF 00 04 00 00 01 F4 00 C1", MODULE, e.EVSEAuthorizationStatusRequested(timeout=500)),
    v("2.14 p163-p164 per the table (DC; the printed example is a copy of 0x82)",
      "C0 27 83 FF 00 1F 01 00 00 0E 10 01 4E 20 00 01 90 00 00 00 7D 00 01 1D 4C 01 02"
      " 17 70 01 01 64 01 50 01 00 1E 00 C1", MODULE,
      e.EVSEEnergyTransferModeSelected(
          departure_time=3600, energy_request=20_000, max_voltage=400, max_current=125, max_power=75_000,
          energy_transfer_mode=EnergyTransferMode.DC_COMBO_CORE,
          dc=e.EVDCParameters(energy_capacity=60_000, full_soc=100, bulk_soc=80, ready=True,
                              error_code=EvErrorCode.NO_ERROR, soc=30))),
    v("2.14 p163-p164 per the table (AC, every field as in 2.14)",
      "C0 27 83 FF 00 16 00 00 00 E6 00 01 00 06 00 00 20 00 00 05 17 70 01 00 00 01 00 1E 00 C1", MODULE,
      e.EVSEEnergyTransferModeSelected(
          max_voltage=230, min_current=6, max_current=32, energy_transfer_mode=EnergyTransferMode.AC_THREE_PHASE,
          dc=e.EVDCParameters(energy_capacity=60_000, ready=True, error_code=EvErrorCode.NO_ERROR, soc=30))),
    v("hci-reference §7.1 #8 (AC, newer firmware omits the DC fields)",
      "C0 27 83 FF 00 0E 00 00 00 E6 00 01 00 06 00 00 20 00 00 05 00 C1", MODULE,
      e.EVSEEnergyTransferModeSelected(max_voltage=230, min_current=6, max_current=32,
                                       energy_transfer_mode=EnergyTransferMode.AC_THREE_PHASE)),
    v("2.14 p164", "C0 27 84 FF 00 06 00 00 01 F4 00 05 00 C1", MODULE,
      e.EVSESchedulesRequested(timeout=500, max_entries=5)),
    v("2.14 p165 corrected (presence bytes added)",
      "C0 27 85 FF 00 1B 00 04 02 00 05 01 01 00 14 03 00 00 32 00 26 01 00 02 01 01 64 01 50 00 00 00 00 00 C1",
      MODULE, e.EVSEDCChargeParametersChanged(
          max_voltage=400, max_current=50, max_power=20_000, ready=False, error_code=EvErrorCode.NO_ERROR, soc=50,
          target_voltage=380, target_current=20, full_soc=100, bulk_soc=80, charging_complete=False),
      exact=False, note="the comment says 'Status: Ready' for a ready flag of 00"),
    v("2.14 p166", "C0 27 86 FF 00 0C 00 04 02 00 00 00 00 05 01 2E E0 00 00 C1", MODULE,
      e.EVSEACChargeParametersChanged(max_voltage=400, min_current=0, max_current=50, energy_amount=12_000),
      exact=False),
    v("2.14 p167", "C0 27 87 FF 00 04 00 00 01 F4 00 C1", MODULE, e.EVSECableCheckRequested(timeout=500)),
    v("2.14 p167", "C0 27 88 FF 00 00 00 C1", MODULE, e.EVSEPreChargeStarted()),
    v("2.14 p167-p168", "C0 27 89 FF 00 0E 00 00 01 F4 00 01 01 00 00 00 00 00 16 03 00 C1", MODULE,
      e.EVSEStartChargingRequested(timeout=500, schedule_tuple_id=1,
                                   profile=[ProfileEntry(start=0, power=22_000)]), exact=False),
    v("2.14 p168", "C0 27 8A FF 00 05 00 00 01 F4 00 00 C1", MODULE,
      e.EVSEStopChargingRequested(timeout=500, renegotiation=False)),
    v("2.14 p168", "C0 27 8B FF 00 00 00 C1", MODULE, e.EVSEWeldingDetectionStarted()),
    v("2.14 p169", "C0 27 8C FF 00 01 00 00 C1", MODULE, e.EVSESessionStopped(closure_type=SessionClosure.TERMINATE)),
    v("2.14 p170", "C0 27 8E FF 00 01 05 00 C1", MODULE,
      e.EVSESessionError(error_code=e.EvseSessionError.PAYMENT_SELECTION_INVALID)),
    v("2.14 p170 abridged; 846 EXI bytes filled in", frame_hex(0x8F, bytes.fromhex("00001194034E") + exi(846)),
      MODULE, e.EVSECertificateInstallationRequested(timeout=4500, exi_request=exi(846))),
    v("2.14 p171 abridged, printed with Sub-ID 8F; 3846 EXI bytes filled in",
      frame_hex(0x90, bytes.fromhex("000011940F06") + exi(3846)), MODULE,
      e.EVSECertificateUpdateRequested(timeout=4500, exi_request=exi(3846))),
    v("2.14 p171 corrected (Sub-ID 0x91)", "C0 27 91 FF 00 01 01 00 C1", MODULE,
      e.EVSEMeteringReceiptStatus(status=True)),
]

BAD_VECTORS = [
    BadVector("2.14 p162", "C0 27 81 FF 00 2B 00 00 C1", MODULE, Truncated, "length 0x2B for 1 byte",
              generations=ONLY_V2),
    BadVector("2.14 p164", "C0 27 83 FF 00 04 00 00 01 F4 00 C1", MODULE, PayloadError,
              "a copy of Authorization Status Requested: no max voltage", generations=ONLY_V2),
    BadVector("2.14 p165", "C0 27 85 FF 00 18 00 04 02 00 05 01 00 14 03 00 00 32 00 26 01 00 02 01 64 50"
              " 00 00 00 00 00 C1", MODULE, PayloadError, "presence bytes missing: 0x14 read as the ready flag",
              generations=ONLY_V2),
    BadVector("2.14 p171", "C0 27 90 FF 00 01 01 00 C1", MODULE, PayloadError,
              "Metering Receipt Status printed with 0x90, which is Certificate Update Requested",
              generations=ONLY_V2),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


@pytest.mark.parametrize(("text", "cls"), [
    ("C0 27 62 02 00 18 00 00 00 00 00 00 00 00 04 02 00 05 01 00 14 03 01 00 02 00 00 05 81 00 00 C1",
     e.EVSESetDCChargingParameters),
    ("C0 27 64 04 00 21 00 01 00 00 00 00 00 00 00 04 02 00 05 01 00 14 03 01 00 02 00 00 05 81"
     " 01 00 26 01 01 00 04 01 00 00 C1", e.EVSEGetDCChargingParameters.Response),
])
def test_printed_ripple_exponent_81_decodes_literally(text: str, cls: type[Message]) -> None:
    """p139, p142: ``00 05 81`` means 5 * 10^-127 A in two's complement, not the intended 0.5 A
    (hci-reference §7.3 #4); the decoder takes the bytes as they are."""
    message = decode_hex(text, V2, HOST if cls is e.EVSESetDCChargingParameters else MODULE)
    assert isinstance(message, cls)
    ripple = message.peak_current_ripple  # type: ignore[attr-defined]
    assert 0 < ripple < 1e-120


def test_certificate_update_example_with_sub_id_8f_decodes_as_installation() -> None:
    """p171 prints Certificate Update Requested with Sub-ID 0x8F: only the Sub-ID tells them apart."""
    message = decode_hex(frame_hex(0x8F, bytes.fromhex("000011940F06") + exi(3846)), V2, MODULE)
    assert isinstance(message, e.EVSECertificateInstallationRequested)


def test_certificate_response_example_is_larger_than_a_frame() -> None:
    """p152: 4122 EXI bytes, a 4125-byte payload; the payload codes, no frame can carry it."""
    message = e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS,
                                                               exi_response=exi(4122))
    payload = message.payload()
    assert payload[:3] == bytes.fromhex("00101A") and len(payload) == 4125
    assert e.EVSESetCertificateInstallationOrUpdateResponse.decode_payload(payload) == message
    with pytest.raises(FrameTooBig):
        message.to_frame(5).encode()


# Decisions


def test_set_ac_charging_parameters_uses_the_manual_order() -> None:
    """RCD, nominal voltage, max current (p143); newer firmware's order would swap the values."""
    payload = e.EVSESetACChargingParameters(rcd=True, nominal_voltage=230, max_current=32).payload()
    assert payload == bytes.fromhex("01 00E600 002000")
    swapped = e.EVSESetACChargingParameters.decode_payload(bytes.fromhex("01 002000 00E600"))
    assert swapped == e.EVSESetACChargingParameters(rcd=True, nominal_voltage=32, max_current=230)


PNC_CERTS = dict(contract_certificate=b"\x30\x82\x01\x02contract", mo_sub_ca2=b"\x30sub2", mo_sub_ca1=b"\x30ca1")


def test_payment_selected_contract_order_and_u16_prefixes() -> None:
    payload = bytes.fromhex("01 000C 3082010263 6F6E7472616374 0005 3073756232 0004 30636131 0E") + b"DE8ACA12345678"
    message = decode_hex(frame_hex(0x81, payload), V2, MODULE)
    assert message == e.EVSEPaymentSelected(payment_method=PaymentMethod.CONTRACT, **PNC_CERTS, emaid="DE8ACA12345678")
    assert message.payload() == payload


@pytest.mark.parametrize(("message", "field"), [
    (e.EVSEPaymentSelected(payment_method=PaymentMethod.CONTRACT, **PNC_CERTS, emaid="DE8ACA1234567"), "emaid"),
    (e.EVSEPaymentSelected(payment_method=PaymentMethod.CONTRACT, emaid="DE8ACA12345678"), "contract_certificate"),
    (e.EVSEPaymentSelected(payment_method=PaymentMethod.EIM, mo_sub_ca1=b"x"), "mo_sub_ca1"),
    (e.EVSEPaymentSelected(payment_method=PaymentMethod.CONTRACT, **{**PNC_CERTS, "mo_sub_ca2": bytes(801)},
                           emaid="DE8ACA12345678"), "mo_sub_ca2"),
])
def test_payment_selected_encode_errors(message: Message, field: str) -> None:
    with pytest.raises(EncodeError) as info:
        message.payload()
    assert info.value.field == field


def test_energy_transfer_mode_selected_tail_is_independent_of_the_mode() -> None:
    """DC without the tail (not sent by any firmware) still decodes: the tail is Trailing."""
    message = decode_hex("C0 27 83 FF 00 0E 00 00 00 E6 00 01 00 06 00 00 20 00 00 00 00 C1", V2, MODULE)
    assert isinstance(message, e.EVSEEnergyTransferModeSelected)
    assert message.energy_transfer_mode.is_dc and message.dc is None


def test_session_error_23_is_known_and_24_is_not() -> None:
    assert decode_hex("C0 27 8E FF 00 01 17 00 C1", V2, MODULE) == e.EVSESessionError(
        error_code=e.EvseSessionError.CHARGE_PARAMETER_TIMEOUT_REACHED)
    with pytest.raises(PayloadError, match=r"^EVSE Session Error: field 'error_code': 24 is outside 0\.\.23"):
        decode_hex("C0 27 8E FF 00 01 18 00 C1", V2, MODULE)


def test_metering_receipt_status_is_0x91_and_0x8d_is_undeclared() -> None:
    assert lookup(ModuleId.V2G, 0x91, MODULE, V2) is e.EVSEMeteringReceiptStatus
    assert isinstance(decode_hex("C0 27 8D FF 00 02 01 02 00 C1", V2, MODULE), RawMessage)
    assert isinstance(decode_hex("C0 27 71 01 00 00 00 C1", V2, HOST), RawMessage)


def test_the_v2_evse_role_is_not_declared_for_generation_v1() -> None:
    mine = [cls for cls in declared(V2) if cls.__module__ == e.__name__]
    assert len(mine) == 21 * 2 + 17  # commands 0x60-0x70 and 0x73-0x76 with responses; 17 status
    for cls in mine:
        assert cls.generations == frozenset(ONLY_V2)
        assert lookup(cls.module_id, cls.sub_id, cls.direction, V1) is not cls


# Set Schedules with sales tariffs (p147-p149), a realistic frame built byte by byte


DIGEST = hashlib.sha256(b"stand-in for the EXI form of sales tariff 1").digest()
SIGNATURE = bytes(range(0x80, 0xC0))
TARIFF_HEX = (
    "01"  # sales tariff ID 1
    " 09 44 61 79 2F 4E 69 67 68 74"  # description "Day/Night"
    " 02"  # 2 price levels
    " 00 02"  # 2 entries:
    " 00 00 00 00 00 00 0E 10 01 01"  # from 0 s for 3600 s, price level 1, 1 consumption cost:
    " 00 00 00 01 00 00 00 00 64 FE"  # from 0 W, 1 cost: relative price 100 * 10^-2
    " 00 00 0E 10 00 01 43 70 02 02"  # from 3600 s for 82800 s, price level 2, 2 consumption costs:
    " 00 00 00 02 00 00 00 00 C8 FE 01 00 00 00 32 00"  # from 0 W: relative 200e-2, renewable 50
    " 00 0B 03 01 02 00 00 01 2C FD"  # from 11 kW: CO2 300e-3
    " 03 49 44 31"  # signature ID "ID1"
)
SCHEDULES_HEAD_HEX = (
    "00 01 00 01 00 02"  # OK, 1 tuple, ID 1, 2 entries:
    " 00 00 00 00 00 00 0E 10 00 0B 03"  # 0 s, 3600 s, 11 kW
    " 00 00 0E 10 00 01 43 70 00 16 03"  # 3600 s, 82800 s, 22 kW
    " 01 00 32 03"  # energy to be delivered: 50 kWh
    " 01"  # 1 sales tariff
)
TARIFF = e.SalesTariff(
    sales_tariff_id=1, description="Day/Night", number_of_price_levels=2, signature_id="ID1", digest_value=DIGEST,
    entries=[
        e.SalesTariffEntry(time_interval_start=0, time_interval_duration=3600, price_level=1, consumption_costs=[
            e.ConsumptionCost(start_value=0, costs=[
                e.Cost(kind=e.CostKind.RELATIVE_PRICE_PERCENTAGE, amount=100, amount_multiplier=-2)])]),
        e.SalesTariffEntry(time_interval_start=3600, time_interval_duration=82_800, price_level=2, consumption_costs=[
            e.ConsumptionCost(start_value=0, costs=[
                e.Cost(kind=e.CostKind.RELATIVE_PRICE_PERCENTAGE, amount=200, amount_multiplier=-2),
                e.Cost(kind=e.CostKind.RENEWABLE_GENERATION_PERCENTAGE, amount=50, amount_multiplier=0)]),
            e.ConsumptionCost(start_value=11_000, costs=[
                e.Cost(kind=e.CostKind.CARBON_DIOXIDE_EMISSION, amount=300, amount_multiplier=-3)])]),
    ])
TARIFFED = e.EVSESetSchedules(
    code=e.SchedulesResult.OK,
    schedule_tuples=[e.EVSEScheduleTuple(tuple_id=1, entries=[
        ScheduleEntry(start=0, interval=3600, power=11_000), ScheduleEntry(start=3600, interval=82_800, power=22_000)])],
    energy_to_be_delivered=50_000,
    sales_tariffs=e.SignedSalesTariffs(tariffs=[TARIFF], signature_value=SIGNATURE))
FIXED_FORM = bytes.fromhex(SCHEDULES_HEAD_HEX + TARIFF_HEX) + DIGEST + SIGNATURE
COUNTED_FORM = bytes.fromhex(SCHEDULES_HEAD_HEX + TARIFF_HEX) + b"\x20" + DIGEST + b"\x40" + SIGNATURE


@pytest.mark.parametrize("vector", [
    v("2.14 p147-p149 with a sales tariff (manual form: fixed digest and signature)",
      frame_hex(0x6C, FIXED_FORM, 12), HOST, TARIFFED, exact=False),
    v("hci-reference §9.4 FreeV2G form: digest and signature with count bytes 20 / 40",
      frame_hex(0x6C, COUNTED_FORM, 12), HOST, TARIFFED, exact=False),
], ids=str)
def test_set_schedules_with_sales_tariffs(vector: Vector) -> None:
    check_vector(vector)


def test_set_schedules_encodes_the_manual_form() -> None:
    # Our encoder writes 11 kW as 2A F8 00 and so on: compare after re-encoding the fixed form.
    encoded = TARIFFED.payload()
    assert len(encoded) == len(FIXED_FORM)
    assert encoded.endswith(DIGEST + SIGNATURE)
    assert e.EVSESetSchedules.decode_payload(encoded) == TARIFFED


def test_set_schedules_json_names_the_cost_kinds() -> None:
    section = TARIFFED.json_fields()["sales_tariffs"]
    assert section["tariffs"][0]["digest_value"] == DIGEST.hex()
    assert section["tariffs"][0]["entries"][1]["consumption_costs"][1]["costs"][0]["kind"] == "CARBON_DIOXIDE_EMISSION"
    assert section["signature_value"] == SIGNATURE.hex()
    assert "sales_tariffs" not in str(e.EVSESetSchedules(code=e.SchedulesResult.OK, schedule_tuples=[
        e.EVSEScheduleTuple(tuple_id=1, entries=[ScheduleEntry(start=0, interval=0, power=0)])]))


@pytest.mark.parametrize(("changes", "field"), [
    (dict(sales_tariffs=e.SignedSalesTariffs(tariffs=[TARIFF] * 4, signature_value=SIGNATURE)),
     "sales_tariffs.tariffs"),
    (dict(sales_tariffs=e.SignedSalesTariffs(tariffs=[], signature_value=SIGNATURE)), "sales_tariffs.tariffs"),
    (dict(sales_tariffs=e.SignedSalesTariffs(tariffs=[TARIFF], signature_value=SIGNATURE[:63])),
     "sales_tariffs.signature_value"),
    (dict(schedule_tuples=[]), "schedule_tuples"),
    (dict(schedule_tuples=[e.EVSEScheduleTuple(tuple_id=1, entries=[ScheduleEntry(start=0, interval=0, power=1)] * 21)]),
     "schedule_tuples[0].entries"),
    (dict(sales_tariffs=e.SignedSalesTariffs(tariffs=[e.SalesTariff(**{**vars(TARIFF), "signature_id": ""})],
                                             signature_value=SIGNATURE)), "sales_tariffs.tariffs[0].signature_id"),
    (dict(sales_tariffs=e.SignedSalesTariffs(tariffs=[e.SalesTariff(**{**vars(TARIFF), "sales_tariff_id": 0})],
                                             signature_value=SIGNATURE)), "sales_tariffs.tariffs[0].sales_tariff_id"),
])
def test_set_schedules_encode_errors(changes: dict[str, object], field: str) -> None:
    message = e.EVSESetSchedules(**{**vars(TARIFFED), **changes})
    with pytest.raises(EncodeError) as info:
        message.payload()
    assert info.value.field == field


def test_set_schedules_decode_errors_name_the_field() -> None:
    with pytest.raises(PayloadError, match=r"^EVSE Set Schedules: field 'sales_tariffs\.signature_value'"):
        e.EVSESetSchedules.decode_payload(FIXED_FORM[:-1])
    with pytest.raises(PayloadError, match=r"^EVSE Set Schedules: 1 unexpected byte"):
        e.EVSESetSchedules.decode_payload(FIXED_FORM + b"\x00")
    bad_kind = FIXED_FORM.replace(bytes.fromhex("0200 00012CFD"), bytes.fromhex("0300 00012CFD"))
    path = r"'sales_tariffs\.tariffs\[0\]\.entries\[1\]\.consumption_costs\[1\]\.costs\[0\]\.kind'"
    with pytest.raises(PayloadError, match=path):
        e.EVSESetSchedules.decode_payload(bad_kind)


def test_set_schedules_tariff_count_is_not_checked_against_the_tuples() -> None:
    """A rule across fields (p148), left to the application: two tariffs for one tuple encode."""
    two = e.EVSESetSchedules(**{**vars(TARIFFED), "sales_tariffs": e.SignedSalesTariffs(
        tariffs=[TARIFF, TARIFF], signature_value=SIGNATURE)})
    assert e.EVSESetSchedules.decode_payload(two.payload()) == two


# Other range checks


@pytest.mark.parametrize(("message", "field"), [
    (e.EVSESetSDPConfig(allow_unsecure=True, allow_secure=False), "unsecure_port"),
    (e.EVSESetSDPConfig(allow_unsecure=False, unsecure_port=50000, allow_secure=False), "unsecure_port"),
    (e.EVSESetSDPConfig(allow_unsecure=False, allow_secure=True, secure_port=80), "secure_port"),
    (e.EVSESetConfiguration(**{**CONFIG, "evse_id_iso": "x" * 39}), "evse_id_iso"),
    (e.EVSESetConfiguration(**{**CONFIG, "payment_methods": []}), "payment_methods"),
    (e.EVSESetConfiguration(**{**CONFIG, "protocols": [2]}), "protocols[0]"),
    (e.EVSEUpdateDCChargingParameters(isolation_level=5, present_voltage=1, present_current=1,
                                      status=EvseStatus.READY), "isolation_level"),
    (e.EVSEUpdateDCChargingParameters(isolation_level=IsolationLevel.VALID, present_voltage=1, present_current=1,
                                      status=7), "status"),
    (e.EVSESetMeterReceiptRequest(meter_id="m", meter_reading_signature=bytes(65)), "meter_reading_signature"),
    (e.EVSESetMeterReceiptRequest(meter_id="m", meter_reading_signature=b"", meter_status=40_000), "meter_status"),
    (e.EVSESetCertificateInstallationOrUpdateResponse(status=e.CertificateResponseStatus.SUCCESS,
                                                      exi_response=bytes(6001)), "exi_response"),
    (e.EVSEStartChargingRequested(timeout=1, schedule_tuple_id=1, profile=[]), "profile"),
    (e.EVSESendNotification(renegotiation=True, timeout=65_536), "timeout"),
])
def test_encode_range_errors_name_the_field(message: Message, field: str) -> None:
    with pytest.raises(EncodeError) as info:
        message.payload()
    assert info.value.field == field


@pytest.mark.parametrize(("text", "direction", "match"), [
    ("C0 27 68 08 00 04 01 00 50 00 00 C1", HOST, r"^EVSE Set SDP Config: field 'unsecure_port': 80 is outside"),
    ("C0 27 80 FF 00 1F 00 01 02 03 04 05 06 07 08 15" + " 30" * 21 + " 00 C1", MODULE,
     r"^EVSE Session Started: field 'evcc_id': length 21 is outside 0\.\.20"),
    ("C0 27 8C FF 00 01 02 00 C1", MODULE, r"^EVSE Session Stopped: field 'closure_type'"),
    ("C0 27 81 FF 00 02 01 00 00 C1", MODULE, r"^EVSE Payment Selected: field 'contract_certificate'"),
    ("C0 27 89 FF 00 07 00 00 01 F4 00 01 00 00 C1", MODULE, r"^EVSE Start Charging Requested: field 'profile'"),
    ("C0 27 66 06 00 02 00 02 00 C1", HOST, r"^EVSE Update AC Charging Parameters: field 'max_current'"),
    ("C0 27 6B 0B 00 01 02 00 C1", HOST, r"^EVSE Set Authorization Status: field 'code'"),
])
def test_decode_errors_name_message_and_field(text: str, direction: Direction, match: str) -> None:
    with pytest.raises(PayloadError, match=match):
        decode_hex(text, V2, direction)


# The largest messages, round-tripped (no hypothesis)


def _largest_schedules() -> e.EVSESetSchedules:
    cost = e.Cost(kind=e.CostKind.CARBON_DIOXIDE_EMISSION, amount=0xFFFFFFFF, amount_multiplier=3)
    consumption = e.ConsumptionCost(start_value=-32_768_000, costs=[cost] * 3)
    entry = e.SalesTariffEntry(time_interval_start=16_777_214, time_interval_duration=86_400, price_level=255,
                               consumption_costs=[consumption] * 3)
    tariffs = [e.SalesTariff(sales_tariff_id=255 - i, description="d" * 32, number_of_price_levels=255,
                             entries=[entry] * 20, signature_id="s" * 254, digest_value=bytes([i]) * 32)
               for i in range(3)]
    schedule = [ScheduleEntry(start=0xFFFFFFFF, interval=0xFFFFFFFF, power=32_767_000)] * 20
    return e.EVSESetSchedules(
        code=e.SchedulesResult.UNABLE_TO_DELIVER_SCHEDULES, energy_to_be_delivered=0.001,
        schedule_tuples=[e.EVSEScheduleTuple(tuple_id=t, entries=schedule) for t in (-32_768, 0, 32_767)],
        sales_tariffs=e.SignedSalesTariffs(tariffs=tariffs, signature_value=b"\x40" * 64))


def test_largest_set_schedules_round_trips_in_both_forms() -> None:
    """3 tuples of 20 entries and 3 full tariffs: 6275 bytes, more than a frame can carry (4096)."""
    message = _largest_schedules()
    payload = message.payload()
    assert len(payload) == 6275
    assert e.EVSESetSchedules.decode_payload(payload) == message
    assert message.sales_tariffs is not None
    counted = bytearray()
    for tariff in message.sales_tariffs.tariffs:  # rebuild the FreeV2G form of the same message
        out = bytearray()
        tariff.encode_into(out)
        counted += out[:-32] + b"\x20" + out[-32:]
    head = e.EVSESetSchedules(**{**vars(message), "sales_tariffs": None}).payload()[:-1]
    counted_payload = head + b"\x03" + counted + b"\x40" + message.sales_tariffs.signature_value
    assert e.EVSESetSchedules.decode_payload(bytes(counted_payload)) == message
    with pytest.raises(FrameTooBig):
        message.to_frame(1).encode()


@pytest.mark.parametrize("message", [
    e.EVSEPaymentSelected(payment_method=PaymentMethod.CONTRACT, contract_certificate=bytes(800),
                          mo_sub_ca2=b"\xc1" * 800, mo_sub_ca1=b"\xc0" * 800, emaid="E" * 15),
    e.EVSEDCChargeParametersChanged(
        max_voltage=1000, max_current=500, max_power=350_000, ready=True, error_code=EvErrorCode(7), soc=100,
        target_voltage=920.5, target_current=-0.001, full_soc=100, bulk_soc=0, charging_complete=True,
        bulk_charging_complete=False, remaining_time_to_full_soc=172_800, remaining_time_to_bulk_soc=0),
    e.EVSEGetDCChargingParameters.Response(
        isolation_level=IsolationLevel.NO_IMD, min_voltage=150, min_current=0.5, max_voltage=1000, max_current=500,
        max_power=350_000, current_regulation_tolerance=1.5, peak_current_ripple=0.1, present_voltage=999.9,
        present_current=499.9, status=EvseStatus.MALFUNCTION),
    e.EVSESetMeterReceiptRequest(meter_id="M" * 32, meter_reading=2**64 - 1, meter_reading_signature=bytes(64),
                                 meter_status=-32_768, meter_timestamp=-(2**63)),
    e.EVSEGetConfiguration.Response(**{**CONFIG, "evse_id_din": "D" * 32, "evse_id_iso": "I" * 38,
                                       "energy_transfer_modes": list(EnergyTransferMode),
                                       "certificate_installation_supported": True}),
    e.EVSEStartChargingRequested(timeout=2**32 - 1, schedule_tuple_id=-32_768,
                                 profile=[ProfileEntry(start=i, power=i * 1000) for i in range(24)]),
    e.EVSECertificateUpdateRequested(timeout=4500, exi_request=exi(4080)),
    e.EVSEGetSDPConfig.Response(allow_unsecure=True, unsecure_port=65_535, allow_secure=True, secure_port=49_152),
])
def test_largest_messages_round_trip_through_a_frame(message: Message) -> None:
    frame = message.to_frame(0xFF if message.kind == "status" else 9).encode()
    assert decode_hex(frame.hex(), V2, message.direction) == message


def test_exi_of_6000_bytes_round_trips_without_a_frame() -> None:
    message = e.EVSECertificateInstallationRequested(timeout=4500, exi_request=exi(6000))
    payload = message.payload()
    assert payload[4:6] == (6000).to_bytes(2, "big")
    assert e.EVSECertificateInstallationRequested.decode_payload(payload) == message


def test_str_shows_units_and_absent_fields() -> None:
    message = e.EVSEUpdateDCChargingParameters(isolation_level=IsolationLevel.VALID, present_voltage=380,
                                               present_current=40, max_power=20_000, status=EvseStatus.READY)
    text = str(message)
    assert text.startswith("EVSE Update DC Charging Parameters: isolation_level=VALID (1), present_voltage=380 V")
    assert "max_power=20000 W" in text and "max_voltage" not in text
