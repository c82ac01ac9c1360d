"""What the EV told the SECC, reported to the host: 0x83 Energy Transfer Mode Selected, 0x85 DC
and 0x86 AC Charge Parameters Changed (manual 2.14 p163-p166; hci-reference §3.9.7).

0x85 and 0x86 go out only when the values changed since the last report (Figure 34, p225). The
EV's DC values gather over the requests: limits and SOC limits from ChargeParameterDiscoveryReq,
targets from PreChargeReq and CurrentDemandReq, the status from every DC request. 0x85 starts at
PreCharge Started, from where its targets are valid (p165).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freev2g.emulator.services.v2g_evse_v2 import convert
from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import EvErrorCode
from freev2g.hci.message import Message

_UNKNOWN: dict[str, Any] = {  # mandatory 0x85 fields before the EV has given them
    "max_voltage": 0.0,
    "max_current": 0.0,
    "target_voltage": 0.0,
    "target_current": 0.0,
    "charging_complete": False,
}


class EvReports:
    def __init__(self, emit: Callable[[Message], None]) -> None:
        self._emit = emit
        self.reporting_dc = False  # from PreCharge Started on
        self._dc: dict[str, Any] = {}
        self._reported_dc: e.EVSEDCChargeParametersChanged | None = None
        self._reported_ac: e.EVSEACChargeParametersChanged | None = None

    def discovery(self, request: m.ChargeParameterDiscoveryReq) -> None:
        """0x83, and 0x86 for AC. Decided: the manual 2.14 layout of 0x83 for this firmware, so
        an AC EV's 0x83 carries capacity 0, ready, no error and SOC 0 (hci-reference §7.1 #8)."""
        mode = convert.hci_mode(request.requested_energy_transfer_mode)
        dc, ac = request.dc_ev_charge_parameter, request.ac_ev_charge_parameter
        if dc is not None:
            status = dc.dc_ev_status
            self._dc.update(
                max_voltage=dc.ev_maximum_voltage_limit,
                max_current=dc.ev_maximum_current_limit,
                max_power=dc.ev_maximum_power_limit,
                full_soc=dc.full_soc,
                bulk_soc=dc.bulk_soc,
            )
            self._emit(
                e.EVSEEnergyTransferModeSelected(
                    departure_time=dc.departure_time,
                    energy_request=dc.ev_energy_request,
                    max_voltage=dc.ev_maximum_voltage_limit,
                    max_current=dc.ev_maximum_current_limit,
                    max_power=dc.ev_maximum_power_limit,
                    energy_transfer_mode=mode,
                    dc=e.EVDCParameters(
                        energy_capacity=dc.ev_energy_capacity or 0,
                        full_soc=dc.full_soc,
                        bulk_soc=dc.bulk_soc,
                        ready=status.ev_ready,
                        error_code=convert.hci_error(status.ev_error_code),
                        soc=status.ev_ress_soc,
                    ),
                )
            )
        elif ac is not None:
            self._emit(
                e.EVSEEnergyTransferModeSelected(
                    departure_time=ac.departure_time,
                    energy_request=ac.e_amount,
                    max_voltage=ac.ev_max_voltage,
                    min_current=ac.ev_min_current,
                    max_current=ac.ev_max_current,
                    energy_transfer_mode=mode,
                    dc=e.EVDCParameters(
                        energy_capacity=0, ready=True, error_code=EvErrorCode.NO_ERROR, soc=0
                    ),
                )
            )
            changed = e.EVSEACChargeParametersChanged(
                max_voltage=ac.ev_max_voltage,
                min_current=ac.ev_min_current,
                max_current=ac.ev_max_current,
                energy_amount=ac.e_amount,
            )
            if changed != self._reported_ac:
                self._reported_ac = changed
                self._emit(changed)

    def pre_charge(self, request: m.PreChargeReq) -> None:
        self.reporting_dc = True
        self._dc.update(target_voltage=request.ev_target_voltage, target_current=request.ev_target_current)
        self.status(request.dc_ev_status)

    def current_demand(self, request: m.CurrentDemandReq) -> None:
        limits = {
            "max_voltage": request.ev_maximum_voltage_limit,
            "max_current": request.ev_maximum_current_limit,
            "max_power": request.ev_maximum_power_limit,
        }
        self._dc.update({name: value for name, value in limits.items() if value is not None})
        self._dc.update(
            target_voltage=request.ev_target_voltage,
            target_current=request.ev_target_current,
            charging_complete=request.charging_complete,
            bulk_charging_complete=request.bulk_charging_complete,
            remaining_time_to_full_soc=request.remaining_time_to_full_soc,
            remaining_time_to_bulk_soc=request.remaining_time_to_bulk_soc,
        )
        self.status(request.dc_ev_status)

    def status(self, status: m.DCEVStatus) -> None:
        self._dc.update(
            ready=status.ev_ready, error_code=convert.hci_error(status.ev_error_code), soc=status.ev_ress_soc
        )
        if self.reporting_dc:
            changed = e.EVSEDCChargeParametersChanged(**{**_UNKNOWN, **self._dc})
            if changed != self._reported_dc:
                self._reported_dc = changed
                self._emit(changed)
