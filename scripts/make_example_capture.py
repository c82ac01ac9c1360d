"""Write the bundled example capture: a complete generation-v2 EVSE DC session (manual 2.14 §21.8).

    python scripts/make_example_capture.py [OUTPUT]   (default: src/freev2g/data/example-evse-v2.pcap)

The traffic follows the manual's EVSE flows (CP and SLAC p203-p207, V2G p217-p227): start-up
checks, control pilot and SLAC, V2G configuration, session start, authorization, charge parameter
discovery, cable check, pre-charge, the charge loop with parameter updates every 250 ms, stop,
welding detection and session stop. Every frame is built from the message catalog, so the capture
is regenerated whenever the catalog changes (a test checks that the bundled file is current).
Timestamps are fixed, so the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path

from freev2g.hci.catalog import cp, slac, system, v2g_common
from freev2g.hci.catalog import v2g_evse_v2 as evse
from freev2g.hci.catalog.v2g_types import (
    EnergyTransferMode,
    EvErrorCode,
    EvseStatus,
    IsolationLevel,
    PaymentMethod,
    Protocol,
    ScheduleEntry,
    SessionClosure,
    V2gMode,
)
from freev2g.hci.ethernet import HciEthernetFrame, parse_mac
from freev2g.hci.message import Command, Message
from freev2g.pcap import PcapWriter

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "src/freev2g/data/example-evse-v2.pcap"
HOST_MAC = parse_mac("00:22:22:22:22:22")
MODULE_MAC = parse_mac("00:01:01:63:77:33")
START = 1_767_261_600.0  # 2026-01-01 10:00:00 UTC


class Session:
    """Writes host commands, the module's responses and status messages with advancing time."""

    def __init__(self, pcap: PcapWriter) -> None:
        self.pcap = pcap
        self.now = START
        self.request_id = 0

    def wait(self, seconds: float) -> None:
        self.now += seconds

    def command(self, command: Command, response: Message | None = None) -> None:
        request_id = self.request_id
        self.request_id = (self.request_id + 1) % 0xFF
        self._write(MODULE_MAC, HOST_MAC, command.to_frame(request_id).encode())
        self.wait(0.0008)
        answer = response if response is not None else command.Response()
        self._write(HOST_MAC, MODULE_MAC, answer.to_frame(request_id).encode())
        self.wait(0.0004)

    def status(self, message: Message) -> None:
        self._write(HOST_MAC, MODULE_MAC, message.to_frame().encode())
        self.wait(0.0005)

    def _write(self, destination: bytes, source: bytes, data: bytes) -> None:
        self.pcap.write(HciEthernetFrame(destination, source, data).encode(), self.now)


def update(voltage: float, current: float) -> evse.EVSEUpdateDCChargingParameters:
    return evse.EVSEUpdateDCChargingParameters(
        isolation_level=IsolationLevel.VALID, present_voltage=round(voltage, 1),
        present_current=round(current, 1), max_voltage=500, max_current=125, max_power=50_000,
        status=EvseStatus.READY)


def ev_parameters(soc: int, current: float, complete: bool = False) -> evse.EVSEDCChargeParametersChanged:
    return evse.EVSEDCChargeParametersChanged(
        max_voltage=420, max_current=125, max_power=50_000, ready=True, error_code=EvErrorCode.NO_ERROR,
        soc=soc, target_voltage=400, target_current=current, full_soc=100, bulk_soc=80,
        charging_complete=complete, bulk_charging_complete=False, remaining_time_to_full_soc=1800,
        remaining_time_to_bulk_soc=900)


def write(session: Session) -> None:
    s = session
    s.command(system.GetFirmwareVersion(), system.GetFirmwareVersion.Response(version="V02_00_01"))
    s.command(slac.StopSlac())
    s.command(cp.Stop())
    s.command(v2g_common.GetMode(), v2g_common.GetMode.Response(mode=V2gMode.EVSE))
    s.command(evse.EVSEStopListen())
    # Control pilot and SLAC (p203-p207)
    s.command(cp.SetMode(mode=cp.ControlPilotMode.EVSE))
    s.command(cp.SetPwmDutyCycle(duty_cycle=1000))
    s.command(cp.Start())
    s.status(cp.StateChanged(state=cp.ControlPilotState.A))
    s.command(slac.StartSlac(mode=slac.SlacMode.EVSE))
    s.wait(4.2)
    s.status(cp.StateChanged(state=cp.ControlPilotState.B))
    s.command(slac.StartSlacMatchingProcess())
    s.command(cp.SetPwmDutyCycle(duty_cycle=50))
    s.wait(2.6)
    s.status(slac.SlacProcessSuccessful())
    # V2G configuration (p217)
    s.command(v2g_common.SetMode(mode=V2gMode.EVSE))
    s.command(evse.EVSESetConfiguration(
        evse_id_din="+49*123*456*789", evse_id_iso="DE*A23*E45B*78C", protocols=[Protocol.DIN_70121,
        Protocol.ISO_15118_2], payment_methods=[PaymentMethod.EIM], energy_transfer_modes=[
        EnergyTransferMode.DC_EXTENDED], certificate_installation_supported=False,
        certificate_update_supported=False))
    s.command(evse.EVSESetDCChargingParameters(
        isolation_level=IsolationLevel.INVALID, min_voltage=150, min_current=0, max_voltage=500,
        max_current=125, max_power=50_000, current_regulation_tolerance=1.5, peak_current_ripple=0.5,
        status=EvseStatus.READY))
    s.command(evse.EVSEStartListen())
    # Session start, authorization, charge parameter discovery (p217-p221)
    s.wait(1.1)
    s.status(evse.EVSESessionStarted(protocol=Protocol.ISO_15118_2,
                                     session_id=bytes.fromhex("f3976451aedd64ce"),
                                     evcc_id=bytes.fromhex("000101637731")))
    s.status(evse.EVSEPaymentSelected(payment_method=PaymentMethod.EIM))
    s.status(evse.EVSEAuthorizationStatusRequested(timeout=60_000))
    s.wait(0.4)
    s.command(evse.EVSESetAuthorizationStatus(code=evse.AuthorizationResult(0)))
    s.wait(0.2)
    s.status(evse.EVSEEnergyTransferModeSelected(
        departure_time=7200, energy_request=30_000, max_voltage=420, min_current=None, max_current=125,
        max_power=50_000, energy_transfer_mode=EnergyTransferMode.DC_EXTENDED,
        dc=evse.EVDCParameters(energy_capacity=60_000, full_soc=100, bulk_soc=80, ready=True,
                               error_code=EvErrorCode.NO_ERROR, soc=45)))
    s.status(evse.EVSESchedulesRequested(timeout=60_000, max_entries=12))
    s.command(evse.EVSESetSchedules(
        code=evse.SchedulesResult(0), energy_to_be_delivered=None,
        schedule_tuples=[evse.EVSEScheduleTuple(tuple_id=1, entries=[
            ScheduleEntry(start=0, interval=0, power=50_000),
            ScheduleEntry(start=1800, interval=0, power=37_500),
            ScheduleEntry(start=3600, interval=82_800, power=25_000)])]))
    # Cable check (p222): updates at least every 500 ms from now on
    s.wait(0.3)
    s.status(evse.EVSECableCheckRequested(timeout=40_000))
    voltage = 0.0
    for step in range(8):
        voltage = min(500.0, voltage + 125)
        s.command(update(voltage if step < 6 else 0.0, 0.0))
        s.wait(0.25)
    s.command(evse.EVSESetCableCheckFinished(code=evse.CableCheckResult(0)))
    # Pre-charge (p223): ramp towards the EV's target voltage
    s.wait(0.2)
    s.status(evse.EVSEPreChargeStarted())
    s.status(ev_parameters(45, 2))
    voltage = 0.0
    while voltage < 398:
        voltage = min(399.0, voltage + 80)
        s.command(update(voltage, 1.8))
        s.wait(0.25)
    # Start charging (p224) and the charge loop (p225)
    s.status(evse.EVSEStartChargingRequested(timeout=5_000, schedule_tuple_id=1, profile=[
        evse.ProfileEntry(start=0, power=50_000)]))
    s.command(evse.EVSEStartCharging())
    current = 0.0
    for tick in range(24):
        current = min(120.0, current + 25)
        soc = 45 + tick // 6
        if tick % 4 == 0:
            s.status(ev_parameters(soc, 120))
        s.command(update(400 + tick * 0.1, current))
        s.wait(0.25)
    # Stop charging (p226), welding detection (p227), session stop
    s.status(evse.EVSEStopChargingRequested(timeout=5_000, renegotiation=False))
    s.command(evse.EVSEStopCharging())
    for current in (60.0, 10.0, 0.0):
        s.command(update(400, current))
        s.wait(0.25)
    s.status(evse.EVSEWeldingDetectionStarted())
    for voltage in (300.0, 150.0, 40.0, 0.0):
        s.command(update(voltage, 0))
        s.wait(0.25)
    s.status(evse.EVSESessionStopped(closure_type=SessionClosure.TERMINATE))
    s.command(evse.EVSEStopListen())
    s.status(cp.StateChanged(state=cp.ControlPilotState.B))
    s.command(cp.SetPwmDutyCycle(duty_cycle=1000))
    s.command(slac.StopSlac())
    s.command(cp.Stop())


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    with PcapWriter(output) as pcap:
        write(Session(pcap))
        print(f"{output}: {pcap.count} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
