"""V2G module 0x27, EVSE role of API generation v1 (manual 2.11 §17.10, §17.12).

Every EVSE example frame of manual 2.11 with its verdict (v1-api §1.10), every EVSE frame the seed
application produced (v1-api §1.11, real checksums), and DC/AC frames built by hand from the
tables where neither source has one (0x84, 0x89, 0x8A, 0x8B DC; 0x6F, 0x71 AC).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    IsolationLevel,
    PaymentMethod,
    ScheduleEntry,
    SessionClosure,
)
from freev2g.hci.errors import EncodeError, MissingEnd, PayloadError, Truncated
from freev2g.hci.message import Command, Rejection, Status, lookup
from freev2g.hci.modules import V1_ONLY, Direction, ModuleId
from tests.vectors import HOST, MODULE, V1, V2, BadVector, Vector, check_bad_vector, check_vector, decode_hex

P = e.ParameterCode
X = e.ExtendedParameterCode
PR = e.EvseProtocolV1
ETM = EnergyTransferMode
DC, AC = e.ChargeType.DC, e.ChargeType.AC


def v1(page: str, hex_text: str, direction: Direction, expected: Any, **kwargs: Any) -> Vector:
    """A vector of generation v1 only: generation v2 gives these Sub-IDs other meanings."""
    return Vector(page, hex_text, direction, expected, generations=(V1,), **kwargs)


def bad(page: str, hex_text: str, direction: Direction, error: type[Exception], why: str) -> BadVector:
    return BadVector(page, hex_text, direction, error, why, generations=(V1,))


ACK = "00 01 00 00 C1"  # the one-byte "Acknowledgement" response, after "C0 27 <sub> <req>"

MANUAL_COMMANDS = [
    v1("2.11 p134", "C0 27 60 00 00 03 02 00 02 00 C1", HOST, e.SetSupportedProtocols(
        protocols=[e.EvseProtocolV1.DIN_70121, e.EvseProtocolV1.ISO_15118_2_2014])),
    v1("2.11 p134", "C0 27 60 00 " + ACK, MODULE, e.SetSupportedProtocols.Response()),
    v1("2.11 p134 corrected (length 0)", "C0 27 61 01 00 00 00 C1", HOST, e.GetSupportedProtocols()),
    v1("2.11 p135 corrected (length 4)", "C0 27 61 01 00 04 00 02 00 02 00 C1", MODULE,
       e.GetSupportedProtocols.Response(protocols=[PR.DIN_70121, PR.ISO_15118_2_2014])),
    v1("2.11 p135", "C0 27 62 02 00 04 01 C0 00 00 00 C1", HOST,
       e.SetSdpConfig(allow_unsecure=True, unsecure_port=49152, allow_secure=False)),
    v1("2.11 p135", "C0 27 62 02 " + ACK, MODULE, e.SetSdpConfig.Response()),
    v1("2.11 p136", "C0 27 63 03 00 00 00 C1", HOST, e.GetSdpConfig()),
    v1("2.11 p136", "C0 27 63 03 00 05 00 01 C0 00 00 00 C1", MODULE,
       e.GetSdpConfig.Response(allow_unsecure=True, unsecure_port=49152, allow_secure=False)),
    v1("2.11 p137", "C0 27 64 04 00 03 01 01 00 00 C1", HOST,
       e.SetPaymentOptions(authorization_required=True, payment_options=[PaymentMethod.EIM])),
    v1("2.11 p137", "C0 27 64 04 " + ACK, MODULE, e.SetPaymentOptions.Response()),
    v1("2.11 p137", "C0 27 65 05 00 00 00 C1", HOST, e.GetPaymentOptions()),
    v1("2.11 p137-p138", "C0 27 65 05 00 04 00 01 01 00 00 C1", MODULE,
       e.GetPaymentOptions.Response(authorization_required=True, payment_options=[PaymentMethod.EIM])),
    v1("2.11 p138", "C0 27 66 06 00 02 01 00 00 C1", HOST,
       e.SetEnergyTransferModes(modes=[EnergyTransferMode.DC_CORE])),
    v1("2.11 p138", "C0 27 66 06 " + ACK, MODULE, e.SetEnergyTransferModes.Response()),
    v1("2.11 p139", "C0 27 67 07 00 00 00 C1", HOST, e.GetEnergyTransferModes()),
    v1("2.11 p139", "C0 27 67 07 00 03 00 01 00 00 C1", MODULE,
       e.GetEnergyTransferModes.Response(modes=[EnergyTransferMode.DC_CORE])),
    v1("2.11 p140 (annotation '11 byte' wrong, length 0x0C right)",
       "C0 27 68 08 00 0C 00 0A 31 32 33 34 35 36 37 38 39 30 00 C1", HOST,
       e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="1234567890")),
    v1("2.11 p140", "C0 27 68 08 " + ACK, MODULE, e.SetEvseId.Response()),
    v1("2.11 p140", "C0 27 69 09 00 01 00 00 C1", HOST,
       e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_SUCCEEDED)),
    v1("2.11 p140", "C0 27 69 09 " + ACK, MODULE, e.SetAuthorizationStatus.Response()),
    v1("2.11 p142 AC", "C0 27 6A 0A 00 09 00 01 00 01 90 00 00 0C 00 00 C1", HOST,
       e.SetDiscoveryChargeParameters(code=P.EV_PARAMETERS_ACCEPTED, parameters=e.AcDiscoveryParameters(
           rcd=False, nominal_voltage=400, max_current=12))),
    v1("2.11 p142", "C0 27 6A 0A " + ACK, MODULE, e.SetDiscoveryChargeParameters.Response()),
    v1("2.11 p143 corrected (1 tuple, s16 ID, u16 count, 50 kW)",
       "C0 27 6B 0B 00 1C 00 01 00 01 00 02 00 00 00 00 00 00 0E 10 01 18 03"
       " 00 00 0E 10 00 01 43 70 00 32 03 00 C1", HOST,
       e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=[
           ScheduleEntry(start=0, interval=3600, power=280_000),
           ScheduleEntry(start=3600, interval=82800, power=50_000)])]),
       exact=False),  # we encode 280 kW as 6D 60 01 and 50 kW as 13 88 01
    v1("2.11 p143", "C0 27 6B 0B " + ACK, MODULE, e.SetSchedules.Response()),
    v1("2.11 p144", "C0 27 6C 0C 00 01 00 00 C1", HOST,
       e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED)),
    v1("2.11 p144", "C0 27 6C 0C " + ACK, MODULE, e.SetCableCheckStatus.Response()),
    v1("2.11 p144", "C0 27 6D 0D 00 03 00 00 02 00 C1", HOST, e.SetCableCheckParameters(
        code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationStatus(isolation=IsolationLevel.WARNING))),
    v1("2.11 p145", "C0 27 6D 0D " + ACK, MODULE, e.SetCableCheckParameters.Response()),
    v1("2.11 p145 corrected (length 6)", "C0 27 6E 0E 00 06 00 00 02 00 04 02 00 C1", HOST,
       e.SetPreChargeParameters(code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationVoltage(
           isolation=IsolationLevel.WARNING, present_voltage=400)),
       exact=False),  # 400 V printed as 00 04 02, we encode 01 90 00
    v1("2.11 p145", "C0 27 6E 0E " + ACK, MODULE, e.SetPreChargeParameters.Response()),
    v1("2.11 p146 corrected (type byte DC added)", "C0 27 6F 0F 00 03 00 00 01 00 C1", HOST,
       e.SetStartChargingStatus(code=e.StartChargingCode.CHARGING_STARTED,
                                parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID))),
    v1("2.11 p146", "C0 27 6F 0F " + ACK, MODULE, e.SetStartChargingStatus.Response()),
    v1("2.11 p148 AC", "C0 27 70 10 00 07 00 01 01 00 0C 00 00 00 C1", HOST,
       e.SetChargeLoopParameters(code=X.EV_PARAMETERS_ACCEPTED,
                                 parameters=e.AcChargeLoopParameters(max_current=12, rcd=False))),
    v1("2.11 p148", "C0 27 70 10 " + ACK, MODULE, e.SetChargeLoopParameters.Response()),
    v1("2.11 p149 as printed: the bytes say AC with an RCD error, not the annotated DC",
       "C0 27 71 11 00 03 00 01 01 00 C1", HOST,
       e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED, parameters=e.AcRcdStatus(rcd=True))),
    v1("2.11 p149 corrected to the annotated DC, valid", "C0 27 71 11 00 03 00 00 01 00 C1", HOST,
       e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED,
                               parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID))),
    v1("2.11 p149", "C0 27 71 11 " + ACK, MODULE, e.SetStopChargingStatus.Response()),
    v1("2.11 p150 corrected (type DC)", "C0 27 72 12 00 06 00 00 01 01 90 00 00 C1", HOST,
       e.SetPostChargeParameters(code=P.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationVoltage(
           isolation=IsolationLevel.VALID, present_voltage=400))),
    v1("2.11 p150", "C0 27 72 12 " + ACK, MODULE, e.SetPostChargeParameters.Response()),
]

MANUAL_STATUS = [
    v1("2.11 p157", "C0 27 80 FF 00 10 00 01 02 03 04 05 06 07 08 06 30 31 32 33 34 35 00 C1", MODULE,
       e.SessionStarted(protocol=PR.DIN_70121, session_id=bytes(range(1, 9)), evcc_id=b"012345")),
    v1("2.11 p157", "C0 27 81 FF 00 00 00 C1", MODULE, e.SessionStopped()),
    v1("2.11.1 (fw V01_01_07) with closure type", "C0 27 81 FF 00 01 00 00 C1", MODULE,
       e.SessionStopped(closure_type=SessionClosure.TERMINATE)),
    v1("2.11 p158 corrected (length 5)", "C0 27 82 FF 00 05 00 00 01 F4 01 00 C1", MODULE,
       e.RequestEvseId(timeout=500, format=e.EvseIdFormat.ISO)),
    v1("2.11 p158 corrected (length 4)", "C0 27 83 FF 00 04 00 00 01 F4 00 C1", MODULE,
       e.RequestAuthorizationStatus(timeout=500)),
    v1("2.11 p160 AC", "C0 27 84 FF 00 11 00 00 01 F4 01 2E E0 00 01 90 00 00 0C 00 00 01 00 00 C1", MODULE,
       e.RequestDiscoveryChargeParameters(timeout=500, parameters=e.AcEvDiscoveryParameters(
           energy_amount=12000, max_voltage=400, max_current=12, min_current=1))),
    v1("2.11 p160 corrected (length 6)", "C0 27 85 FF 00 06 00 00 01 F4 00 05 00 C1", MODULE,
       e.RequestSchedules(timeout=500, max_entries=5)),
    v1("2.11 p161 corrected (length 4)", "C0 27 86 FF 00 04 00 00 01 F4 00 C1", MODULE,
       e.RequestCableCheckStatus(timeout=500)),
    v1("2.11 p161 corrected (length 6)", "C0 27 87 FF 00 06 00 00 01 F4 00 00 00 C1", MODULE,
       e.RequestCableCheckParameters(timeout=500, parameters=e.DcEvSoc(soc=0))),
    v1("2.11 p162 DC", "C0 27 88 FF 00 0C 00 00 01 F4 00 01 90 00 00 0C 00 00 00 C1", MODULE,
       e.RequestPreChargeParameters(timeout=500, parameters=e.DcEvPreChargeParameters(
           target_voltage=400, target_current=12, soc=0))),
    v1("2.11 p163 AC ('19 byte' annotation wrong, length 0x16 right)",
       "C0 27 89 FF 00 16 00 00 01 F4 00 01 02 00 00 00 00 00 16 03 00 00 0E 10 00 0B 03 01 00 C1", MODULE,
       e.RequestStartCharging(timeout=500, schedule_tuple_id=1, charging_profile=[
           e.ChargingProfileEntry(start=0, power=22_000), e.ChargingProfileEntry(start=3600, power=11_000)],
           parameters=e.AcNoParameters()),
       exact=False),  # 22 kW printed as 00 16 03, we encode 55 F0 00
    v1("2.11 p164 AC", "C0 27 8A FF 00 05 00 00 01 F4 01 00 C1", MODULE,
       e.RequestChargeLoopParameters(timeout=500, parameters=e.AcNoParameters())),
    v1("2.11 p165 AC", "C0 27 8B FF 00 05 00 00 01 F4 01 00 C1", MODULE,
       e.RequestStopCharging(timeout=500, parameters=e.AcNoParameters())),
    v1("2.11 p166 DC", "C0 27 8C FF 00 06 00 00 01 F4 00 01 00 C1", MODULE,
       e.RequestPostChargeParameters(timeout=500, parameters=e.DcEvSoc(soc=1))),
]

# v1-api §1.11: bytes emitted by the seed's encoders, with real checksums.
SEED = [
    v1("seed", "C0 27 60 09 00 03 02 00 02 E5 C1", HOST, e.SetSupportedProtocols(
        protocols=[e.EvseProtocolV1.DIN_70121, e.EvseProtocolV1.ISO_15118_2_2014])),
    v1("seed", "C0 27 64 0A 00 03 01 01 00 E2 C1", HOST,
       e.SetPaymentOptions(authorization_required=True, payment_options=[PaymentMethod.EIM])),
    v1("seed (with DIN this set is refused by the module)", "C0 27 66 0B 00 05 04 00 01 02 03 D5 C1", HOST,
       e.SetEnergyTransferModes(modes=[EnergyTransferMode.DC_CORE, EnergyTransferMode.DC_EXTENDED,
                                       EnergyTransferMode.DC_COMBO_CORE, EnergyTransferMode.DC_UNIQUE])),
    v1("seed", "C0 27 62 0C 00 04 01 C0 00 00 22 C1", HOST,
       e.SetSdpConfig(allow_unsecure=True, unsecure_port=49152, allow_secure=False)),
    v1("seed ISO EVSE ID", "C0 27 68 0D 00 13 00 11 44 45 2A 41 42 43 2A 45 2A 30 30 30 30 31 2A 30 31 2B C1",
       HOST, e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="DE*ABC*E*00001*01")),
    v1("seed no EVSE ID", "C0 27 68 0E 00 01 01 DD C1", HOST,
       e.SetEvseId(code=e.EvseIdCode.NO_EVSE_ID_AVAILABLE)),
    v1("seed authorization ok", "C0 27 69 0F 00 01 00 DC C1", HOST,
       e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_SUCCEEDED)),
    v1("seed authorization failed", "C0 27 69 10 00 01 01 DA C1", HOST,
       e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_FAILED)),
    v1("seed DC discovery (checksum happens to be C1)",
       "C0 27 6A 11 00 17 00 00 00 00 64 00 00 00 00 01 90 00 00 00 00 61 A8 00 00 00 02 00 00 C1 C1", HOST,
       e.SetDiscoveryChargeParameters(code=P.EV_PARAMETERS_ACCEPTED, parameters=e.DcDiscoveryParameters(
           isolation=IsolationLevel.INVALID, max_current=100, min_current=0, max_voltage=400, min_voltage=0,
           max_power=25_000, peak_current_ripple=2))),
    v1("seed 3 entries", "C0 27 6B 12 00 27 00 01 00 01 00 03 00 00 00 00 00 00 07 08 61 A8 00"
       " 00 00 07 08 00 00 07 08 49 3E 00 00 00 0E 10 00 01 43 70 30 D4 00 16 C1", HOST,
       e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=[
           ScheduleEntry(start=0, interval=1800, power=25_000),
           ScheduleEntry(start=1800, interval=1800, power=18_750),
           ScheduleEntry(start=3600, interval=82800, power=12_500)])])),
    v1("seed", "C0 27 6C 13 00 01 00 D5 C1", HOST,
       e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED)),
    v1("seed", "C0 27 6D 14 00 03 00 00 01 D0 C1", HOST, e.SetCableCheckParameters(
        code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID))),
    v1("seed 380 V", "C0 27 6E 15 00 06 00 00 01 01 7C 00 4E C1", HOST,
       e.SetPreChargeParameters(code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationVoltage(
           isolation=IsolationLevel.VALID, present_voltage=380))),
    v1("seed EV parameters invalid", "C0 27 6E 16 00 01 01 CF C1", HOST,
       e.SetPreChargeParameters(code=X.EV_PARAMETERS_INVALID)),
    v1("seed", "C0 27 6F 17 00 03 00 00 01 CB C1", HOST,
       e.SetStartChargingStatus(code=e.StartChargingCode.CHARGING_STARTED,
                                parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID))),
    v1("seed DC charge loop", "C0 27 70 18 00 18 00 00 01 01 7C 00 00 10 00 01 00 64 00 01 01 90 00"
       " 01 61 A8 00 00 00 00 24 C1", HOST,
       e.SetChargeLoopParameters(code=X.EV_PARAMETERS_ACCEPTED, parameters=e.DcChargeLoopParameters(
           isolation=IsolationLevel.VALID, present_voltage=380, present_current=16, max_current=100,
           max_voltage=400, max_power=25_000, current_limit_reached=False, voltage_limit_reached=False,
           power_limit_reached=False))),
    v1("seed", "C0 27 71 19 00 03 00 00 01 C7 C1", HOST,
       e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED,
                               parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID))),
    v1("seed 12 V", "C0 27 72 1A 00 06 00 00 01 00 0C 00 B6 C1", HOST,
       e.SetPostChargeParameters(code=P.EV_PARAMETERS_ACCEPTED, parameters=e.DcIsolationVoltage(
           isolation=IsolationLevel.VALID, present_voltage=12))),
]

# Variants neither source prints, built by hand from the tables (p141-p148, p158-p165).
BUILT = [
    v1("p159 DC: 125 A, 50 kW, 450 V, full 100 %, bulk 80 %, SOC 35 %",
       "C0 27 84 FF 00 17 00 00 01 F4 00 00 7D 00 00 01 13 88 01 00 01 C2 00 00 01 64 01 50 23 0C C1", MODULE,
       e.RequestDiscoveryChargeParameters(timeout=500, parameters=e.DcEvDiscoveryParameters(
           max_current=125, max_power=50_000, max_voltage=450, full_soc=100, bulk_soc=80, soc=35))),
    v1("p159 DC, every optional field present",
       "C0 27 84 FF 00 20 00 00 01 F4 00 00 7D 00 01 00 01 00 01 13 88 01 01 01 F4 00 01 C2 00 01 00 C8 00"
       " 01 64 01 50 23 40 C1", MODULE,
       e.RequestDiscoveryChargeParameters(timeout=500, parameters=e.DcEvDiscoveryParameters(
           max_current=125, min_current=1, max_power=50_000, min_power=500, max_voltage=450, min_voltage=200,
           full_soc=100, bulk_soc=80, soc=35))),
    v1("p162-p163 DC: tuple 1, (0 s, 50 kW), SOC 35 %, not complete",
       "C0 27 89 FF 00 15 00 00 01 F4 00 01 01 00 00 00 00 13 88 01 00 01 23 01 00 01 00 FC C1", MODULE,
       e.RequestStartCharging(timeout=500, schedule_tuple_id=1,
                              charging_profile=[e.ChargingProfileEntry(start=0, power=50_000)],
                              parameters=e.DcEvChargingState(soc=35, charging_complete=False,
                                                             bulk_charging_complete=False))),
    v1("p162-p163 DC, no optional field",
       "C0 27 89 FF 00 12 00 00 01 F4 00 01 01 00 00 00 00 13 88 01 00 00 00 00 26 C1", MODULE,
       e.RequestStartCharging(timeout=500, schedule_tuple_id=1,
                              charging_profile=[e.ChargingProfileEntry(start=0, power=50_000)],
                              parameters=e.DcEvChargingState())),
    v1("p163-p164 DC: limits 125 A / 450 V, target 380 V / 100 A, SOC 50 %, 3600 s / 1200 s left",
       "C0 27 8A FF 00 20 00 00 01 F4 00 01 00 7D 00 01 01 C2 00 00 01 7C 00 00 64 00 32 00 01 00"
       " 01 0E 10 00 01 04 B0 00 88 C1", MODULE,
       e.RequestChargeLoopParameters(timeout=500, parameters=e.DcEvChargeLoopParameters(
           max_current=125, max_voltage=450, target_voltage=380, target_current=100, soc=50,
           charging_complete=False, bulk_charging_complete=False, remaining_time_to_full_soc=3600,
           remaining_time_to_bulk_soc=1200))),
    v1("p165 DC: SOC 80 %, charging complete",
       "C0 27 8B FF 00 0A 00 00 01 F4 00 01 50 01 01 00 77 C1", MODULE,
       e.RequestStopCharging(timeout=500, parameters=e.DcEvChargingState(soc=80, charging_complete=True))),
    v1("p146 AC: started, RCD no error", "C0 27 6F 0F 00 03 00 01 00 D3 C1", HOST,
       e.SetStartChargingStatus(code=e.StartChargingCode.CHARGING_STARTED,
                                parameters=e.AcRcdStatus(rcd=False))),
    v1("p149 AC: stopped, RCD no error", "C0 27 71 11 00 03 00 01 00 CF C1", HOST,
       e.SetStopChargingStatus(code=e.StopChargingCode.CHARGING_STOPPED,
                               parameters=e.AcRcdStatus(rcd=False))),
    v1("p147 code 3 stop charging: timeout 30 s, then the DC block",
       "C0 27 70 10 00 11 03 00 1E 00 01 01 7C 00 00 10 00 00 00 00 00 00 00 15 C1", HOST,
       e.SetChargeLoopParameters(code=X.STOP_CHARGING, timeout=30, parameters=e.DcChargeLoopParameters(
           isolation=IsolationLevel.VALID, present_voltage=380, present_current=16,
           current_limit_reached=False, voltage_limit_reached=False, power_limit_reached=False))),
    v1("p141 code 1: nothing follows", "C0 27 6A 0A 00 01 01 DF C1", HOST,
       e.SetDiscoveryChargeParameters(code=P.EV_PARAMETERS_INVALID)),
    v1("p142 code 1: nothing follows", "C0 27 6B 0B 00 01 01 DD C1", HOST,
       e.SetSchedules(code=e.ScheduleCode.UNABLE_TO_DELIVER_SCHEDULES)),
    v1("p116 V2G result 0x10 'parameters not accepted'", "C0 27 6A 0A 00 01 10 00 C1", MODULE,
       Rejection(e.SetDiscoveryChargeParameters.Response, 0x10)),
]

VECTORS = MANUAL_COMMANDS + MANUAL_STATUS + SEED + BUILT

BAD_VECTORS = [
    bad("2.11 p134", "C0 27 61 01 00 03 00 C1", HOST, Truncated,
        "Get supported protocols: length 3, no payload"),
    bad("2.11 p134-p135", "C0 27 61 01 00 01 00 02 00 02 00 C1", MODULE, MissingEnd,
        "Get supported protocols response: length 1 for 4 payload bytes"),
    bad("2.11 p143", "C0 27 6B 0B 00 1A 00 02 01 02 00 00 00 00 00 00 0E 10 01 18 03 00 00 0E 10 00 01 43 70"
        " 00 05 01 00 C1", HOST, PayloadError,
        "Set Schedules: tuple count 2 for one tuple, 1-byte tuple ID and entry count"),
    bad("2.11 p145", "C0 27 6E 0E 00 03 00 00 02 00 04 02 00 C1", HOST, MissingEnd,
        "Set Pre Charge Parameters: length 3 for 6 payload bytes"),
    bad("2.11 p146", "C0 27 6F 0F 00 02 00 01 00 C1", HOST, PayloadError,
        "Set Start Charging Status: type byte missing, 01 reads as AC without its RCD byte"),
    bad("2.11 p150", "C0 27 72 12 00 06 00 01 01 01 90 00 00 C1", HOST, PayloadError,
        "Set Post Charge Parameters: type 1 (AC) where only DC exists"),
    bad("2.11 p158", "C0 27 82 FF 00 00 00 00 01 F4 01 00 C1", MODULE, MissingEnd,
        "Request EVSE ID: length 0 for 5 payload bytes"),
    bad("2.11 p158", "C0 27 83 FF 00 00 00 00 01 F4 00 C1", MODULE, MissingEnd,
        "Request Authorization Status: length 0 for 4 payload bytes"),
    bad("2.11 p160", "C0 27 85 FF 00 0E 00 00 01 F4 00 05 00 C1", MODULE, Truncated,
        "Request Schedules: length 14 for 6 payload bytes"),
    bad("2.11 p161", "C0 27 86 FF 00 00 00 00 01 F4 00 C1", MODULE, MissingEnd,
        "Request Cable Check Status: length 0 for 4 payload bytes"),
    bad("2.11 p161", "C0 27 87 FF 00 00 00 00 01 F4 00 00 00 C1", MODULE, MissingEnd,
        "Request Cable Check Parameters: length 0 for 6 payload bytes"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


V1_EVSE = [cls for cls in vars(e).values()
           if isinstance(cls, type) and issubclass(cls, Command | Status) and cls.__module__ == e.__name__]


def test_every_sub_id_is_declared_for_v1_only() -> None:
    commands = {cls.sub_id for cls in V1_EVSE if issubclass(cls, Command)}
    statuses = {cls.sub_id for cls in V1_EVSE if issubclass(cls, Status)}
    assert commands == set(range(0x60, 0x73))
    assert statuses == set(range(0x80, 0x8D))
    for cls in V1_EVSE:
        assert cls.generations == V1_ONLY
        assert lookup(ModuleId.V2G, cls.sub_id, cls.direction, V1) is cls
        assert lookup(ModuleId.V2G, cls.sub_id, cls.direction, V2) is not cls
        if issubclass(cls, Command):
            assert lookup(ModuleId.V2G, cls.sub_id, Direction.MODULE, V1) is cls.Response


def test_titles_keep_acronyms() -> None:
    assert e.SetEvseId.title == "Set EVSE ID"
    assert e.RequestEvseId.title == "Request EVSE ID"
    assert e.GetSdpConfig.Response.title == "Get SDP Config response"


# --- When / Tagged consistency on encode ------------------------------------------------------

DC_LOOP = e.DcChargeLoopParameters(isolation=IsolationLevel.VALID, present_voltage=380, present_current=16,
                                   current_limit_reached=False, voltage_limit_reached=False,
                                   power_limit_reached=False)


@pytest.mark.parametrize(("message", "field", "detail"), [
    (e.SetEvseId(code=e.EvseIdCode.NO_EVSE_ID_AVAILABLE, evse_id="DE*ABC"), "evse_id", "must be None"),
    (e.SetEvseId(code=e.EvseIdCode.SUCCESS), "evse_id", "required"),
    (e.SetDiscoveryChargeParameters(code=P.EV_PARAMETERS_INVALID,
                                    parameters=e.AcDiscoveryParameters(rcd=False, nominal_voltage=230,
                                                                       max_current=16)),
     "parameters", "must be None"),
    (e.SetDiscoveryChargeParameters(code=P.EV_PARAMETERS_ACCEPTED), "parameters", "required"),
    (e.SetChargeLoopParameters(code=X.STOP_CHARGING, parameters=DC_LOOP), "timeout", "required"),
    (e.SetChargeLoopParameters(code=X.EV_PARAMETERS_ACCEPTED, timeout=30, parameters=DC_LOOP),
     "timeout", "must be None"),
    (e.SetChargeLoopParameters(code=X.RENEGOTIATE, timeout=30), "parameters", "required"),
    (e.SetChargeLoopParameters(code=X.EV_PARAMETERS_INVALID, parameters=DC_LOOP),
     "parameters", "must be None"),
    (e.SetSchedules(code=e.ScheduleCode.UNABLE_TO_DELIVER_SCHEDULES, schedule_tuples=[]),
     "schedule_tuples", "must be None"),
    (e.SetPaymentOptions(authorization_required=False, payment_options=[PaymentMethod.EIM]),
     "payment_options", "must be None"),
    (e.SetSdpConfig(allow_unsecure=True, allow_secure=False), "unsecure_port", "required"),
    (e.SetSdpConfig(allow_unsecure=False, allow_secure=False, secure_port=50000),
     "secure_port", "must be None"),
    # a block of the wrong kind: post charge is DC only, the AC block has no tag there
    (e.SetPostChargeParameters(code=P.EV_PARAMETERS_ACCEPTED, parameters=e.AcRcdStatus(rcd=False)),  # type: ignore[arg-type]
     "parameters", "none of DcIsolationVoltage"),
    (e.RequestStartCharging(timeout=500, schedule_tuple_id=1,
                            charging_profile=[e.ChargingProfileEntry(start=0, power=1000)],
                            parameters=e.DcEvSoc(soc=3)),  # type: ignore[arg-type]
     "parameters", "none of DcEvChargingState, AcNoParameters"),
])
def test_inconsistent_fields_are_refused_on_encode(message: Any, field: str, detail: str) -> None:
    with pytest.raises(EncodeError, match=detail) as info:
        message.payload()
    assert info.value.field == field


@pytest.mark.parametrize(("message", "field"), [
    (e.SetSdpConfig(allow_unsecure=True, unsecure_port=15118, allow_secure=False), "unsecure_port"),
    (e.SetSupportedProtocols(protocols=[PR.DIN_70121, *PR]), "protocols"),
    (e.SetSupportedProtocols(protocols=[]), "protocols"),
    (e.SetSupportedProtocols(protocols=[4]), "protocols[0]"),  # type: ignore[list-item]
    (e.SetEnergyTransferModes(modes=list(ETM)[:5]), "modes"),
    (e.SetPaymentOptions(authorization_required=True, payment_options=[*PaymentMethod, PaymentMethod.EIM]),
     "payment_options"),
    (e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id="D" * 39), "evse_id"),
    (e.SetPostChargeParameters(code=3), "code"),  # type: ignore[arg-type]  # 0-2 only for post charge
    (e.SetDiscoveryChargeParameters(code=4), "code"),  # type: ignore[arg-type]  # 0-2 only for discovery
    (e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=[])]),
     "schedule_tuples[0].entries"),
    (e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=-40000, entries=[
        ScheduleEntry(start=0, interval=60, power=1000)])]), "schedule_tuples[0].tuple_id"),
    (e.SetChargeLoopParameters(code=X.STOP_CHARGING, timeout=70000, parameters=DC_LOOP), "timeout"),
    (e.RequestDiscoveryChargeParameters(timeout=500, parameters=e.DcEvDiscoveryParameters(
        max_current=10, max_voltage=400, soc=101)), "parameters.soc"),
    (e.RequestStartCharging(timeout=500, schedule_tuple_id=1, charging_profile=[],
                            parameters=e.AcNoParameters()), "charging_profile"),
    (e.SessionStarted(protocol=e.EvseProtocolV1.ISO_15118_2_2014, session_id=bytes(8), evcc_id=b"12345"),
     "evcc_id"),
    (e.RequestEvseId(timeout=-1, format=e.EvseIdFormat.DIN), "timeout"),
])
def test_out_of_range_values_are_refused_on_encode(message: Any, field: str) -> None:
    with pytest.raises(EncodeError) as info:
        message.payload()
    assert info.value.field == field


# --- decode errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("frame", "title", "field"), [
    ("C0 27 84 FF 00 05 00 00 01 F4 02 00 C1", "Request Discovery Charge Parameters", "parameters"),
    ("C0 27 87 FF 00 06 00 00 01 F4 01 00 00 C1", "Request Cable Check Parameters", "parameters"),
    ("C0 27 87 FF 00 06 00 00 01 F4 00 65 00 C1", "Request Cable Check Parameters", "parameters.soc"),
    ("C0 27 80 FF 00 0A 04 01 02 03 04 05 06 07 08 00 00 C1", "Session Started", "protocol"),
    ("C0 27 80 FF 00 0A 00 01 02 03 04 05 06 07 08 00 00 C1", "Session Started", "evcc_id"),
    ("C0 27 82 FF 00 05 00 00 01 F4 02 00 C1", "Request EVSE ID", "format"),
    ("C0 27 89 FF 00 08 00 00 01 F4 00 01 00 01 00 C1", "Request Start Charging", "charging_profile"),
    ("C0 27 8A FF 00 06 00 00 01 F4 00 01 00 C1", "Request Charge Loop Parameters", "parameters.max_current"),
])
def test_bad_status_payloads_name_message_and_field(frame: str, title: str, field: str) -> None:
    with pytest.raises(PayloadError) as info:
        decode_hex(frame, V1, MODULE)
    assert info.value.message_name == title
    assert info.value.field == field


@pytest.mark.parametrize("frame", [
    "C0 27 81 FF 00 02 00 00 00 C1",  # closure type plus one byte more
    "C0 27 8A FF 00 06 00 00 01 F4 01 00 00 C1",  # AC carries nothing after the type byte
    "C0 27 68 08 00 02 01 00 00 C1",  # no EVSE ID may follow code 1
])
def test_extra_bytes_are_refused(frame: str) -> None:
    direction = HOST if frame.startswith("C0 27 68") else MODULE
    with pytest.raises(PayloadError, match="unexpected byte"):
        decode_hex(frame, V1, direction)


def test_session_stopped_closure_pause() -> None:
    decoded = decode_hex("C0 27 81 FF 00 01 01 00 C1", V1, MODULE)
    assert decoded == e.SessionStopped(closure_type=SessionClosure.PAUSE)
    assert str(decoded) == "Session Stopped: closure_type=PAUSE (1)"
    assert str(e.SessionStopped()) == "Session Stopped"


def test_tagged_block_in_str_and_json() -> None:
    message = e.SetDiscoveryChargeParameters(
        code=P.EV_PARAMETERS_ACCEPTED,
        parameters=e.AcDiscoveryParameters(rcd=False, nominal_voltage=230, max_current=16))
    assert str(message) == ("Set Discovery Charge Parameters: code=EV_PARAMETERS_ACCEPTED (0), "
                            "parameters=AC{rcd=False, nominal_voltage=230 V, max_current=16 A}")
    assert message.json_fields() == {"code": "EV_PARAMETERS_ACCEPTED", "parameters": {
        "type": "AC", "rcd": False, "nominal_voltage": 230, "max_current": 16}}
    ac_request = e.RequestChargeLoopParameters(timeout=500, parameters=e.AcNoParameters())
    assert str(ac_request) == "Request Charge Loop Parameters: timeout=500 ms, parameters=AC"
    assert ac_request.json_fields() == {"timeout": 500, "parameters": {"type": "AC"}}


def test_code_given_as_plain_int_selects_the_same_fields() -> None:
    message = e.SetChargeLoopParameters(code=3, timeout=30, parameters=DC_LOOP)  # type: ignore[arg-type]
    assert message.payload()[:4] == bytes.fromhex("03 00 1E 00")


# --- round trips over every code and block kind -------------------------------------------------

amps = st.integers(0, 32767)
maybe = st.none() | amps


@st.composite
def charge_loop_answers(draw: st.DrawFn) -> e.SetChargeLoopParameters:
    code = draw(st.sampled_from(X))
    flag = st.booleans()
    block: e.DcChargeLoopParameters | e.AcChargeLoopParameters
    if draw(st.sampled_from(e.ChargeType)) is DC:
        block = e.DcChargeLoopParameters(
            isolation=draw(st.sampled_from(IsolationLevel)), present_voltage=draw(amps),
            present_current=draw(amps), max_current=draw(maybe), max_voltage=draw(maybe),
            max_power=draw(maybe), current_limit_reached=draw(flag), voltage_limit_reached=draw(flag),
            power_limit_reached=draw(flag))
    else:
        block = e.AcChargeLoopParameters(max_current=draw(maybe), rcd=draw(flag))
    return e.SetChargeLoopParameters(
        code=code,
        timeout=draw(st.integers(0, 0xFFFF)) if code in (X.STOP_CHARGING, X.RENEGOTIATE) else None,
        parameters=block if code in e.WITH_PARAMETERS else None)


@given(charge_loop_answers())
def test_charge_loop_answers_round_trip(message: e.SetChargeLoopParameters) -> None:
    assert decode_hex(message.to_frame(1).encode().hex(), V1, HOST) == message


@given(st.integers(0, 0xFFFFFFFF), st.sampled_from(e.ChargeType), st.data())
def test_discovery_requests_round_trip(timeout: int, kind: e.ChargeType, data: st.DataObject) -> None:
    soc = st.integers(0, 100)
    block: e.DcEvDiscoveryParameters | e.AcEvDiscoveryParameters
    if kind is DC:
        block = e.DcEvDiscoveryParameters(
            max_current=data.draw(amps), min_current=data.draw(maybe), max_power=data.draw(maybe),
            min_power=data.draw(maybe), max_voltage=data.draw(amps), min_voltage=data.draw(maybe),
            full_soc=data.draw(st.none() | soc), bulk_soc=data.draw(st.none() | soc), soc=data.draw(soc))
    else:
        block = e.AcEvDiscoveryParameters(energy_amount=data.draw(amps), max_voltage=data.draw(amps),
                                          max_current=data.draw(amps), min_current=data.draw(amps))
    message = e.RequestDiscoveryChargeParameters(timeout=timeout, parameters=block)
    assert decode_hex(message.to_frame().encode().hex(), V1, MODULE) == message
