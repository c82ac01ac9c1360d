"""The EVSE's values as the EV module reports them: DC Charge Parameters Changed 0xC1 and AC
Charge Parameters Changed 0xC2 (manual 2.14 p155-p157; 2.11 p151-p152).

The limits come from ChargeParameterDiscoveryRes and, in the DC charge loop, from each
CurrentDemandRes that carries them; the present voltage from PreChargeRes, CurrentDemandRes and
WeldingDetectionRes (valid from Start Pre Charging on, p155), the present current only from
CurrentDemandRes (valid from Charging Started until Charging Stopped: 0 outside). The module
sends a status when the message it would send differs from the last one (p231: "whenever an
EVSE parameter changes").
"""

from __future__ import annotations

from dataclasses import dataclass

from freev2g.emulator.services.v2g_ev.convert import EVSE_STATUS, ISOLATION
from freev2g.emulator.v2g import messages as m
from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog.v2g_types import EvseStatus


@dataclass
class DcEvseValues:
    min_voltage: float = 0
    min_current: float = 0
    max_voltage: float = 0
    max_current: float = 0
    max_power: float = 0
    present_voltage: float = 0
    present_current: float = 0
    status: m.DCEVSEStatus | None = None
    voltage_limit_achieved: bool = False
    current_limit_achieved: bool = False
    power_limit_achieved: bool = False
    peak_current_ripple: float = 0
    current_regulation_tolerance: float | None = None
    energy_to_be_delivered: float | None = None

    def discovered(self, parameter: m.DCEVSEChargeParameter) -> None:
        self.min_voltage = parameter.evse_minimum_voltage_limit
        self.min_current = parameter.evse_minimum_current_limit
        self.max_voltage = parameter.evse_maximum_voltage_limit
        self.max_current = parameter.evse_maximum_current_limit
        self.max_power = parameter.evse_maximum_power_limit
        self.peak_current_ripple = parameter.evse_peak_current_ripple
        self.current_regulation_tolerance = parameter.evse_current_regulation_tolerance
        self.energy_to_be_delivered = parameter.evse_energy_to_be_delivered
        self.status = parameter.dc_evse_status

    def responded(self, response: m.V2gResponse) -> None:
        status = getattr(response, "dc_evse_status", None)
        if isinstance(status, m.DCEVSEStatus):
            self.status = status
        if isinstance(response, m.PreChargeRes | m.WeldingDetectionRes):
            self.present_voltage = response.evse_present_voltage
        if isinstance(response, m.CurrentDemandRes):
            self.present_voltage = response.evse_present_voltage
            self.present_current = response.evse_present_current
            self.voltage_limit_achieved = response.evse_voltage_limit_achieved
            self.current_limit_achieved = response.evse_current_limit_achieved
            self.power_limit_achieved = response.evse_power_limit_achieved
            if response.evse_maximum_voltage_limit is not None:
                self.max_voltage = response.evse_maximum_voltage_limit
            if response.evse_maximum_current_limit is not None:
                self.max_current = response.evse_maximum_current_limit
            if response.evse_maximum_power_limit is not None:
                self.max_power = response.evse_maximum_power_limit

    def charging_stopped(self) -> None:
        self.present_current = 0
        self.voltage_limit_achieved = self.current_limit_achieved = self.power_limit_achieved = False

    def message(self, extended: bool) -> ev.EVDCChargeParametersChanged:
        """0xC1; ``extended``: with the fields manual 2.11.2 / 2.14 appended (not V01_00_04)."""
        status = EvseStatus.NOT_READY if self.status is None else EVSE_STATUS[self.status.evse_status_code]
        isolation = None if self.status is None or self.status.evse_isolation_status is None \
            else ISOLATION[self.status.evse_isolation_status]
        limits = ev.EVSEDCLimits(
            isolation_status=isolation, voltage_limit_achieved=self.voltage_limit_achieved,
            current_limit_achieved=self.current_limit_achieved,
            power_limit_achieved=self.power_limit_achieved, peak_current_ripple=self.peak_current_ripple,
            current_regulation_tolerance=self.current_regulation_tolerance,
            energy_to_be_delivered=self.energy_to_be_delivered) if extended else None
        return ev.EVDCChargeParametersChanged(
            # DIN and ISO 15118-2 give no EVSE minimum power
            min_voltage=self.min_voltage, min_current=self.min_current, min_power=0,
            max_voltage=self.max_voltage, max_current=self.max_current, max_power=self.max_power,
            present_voltage=self.present_voltage, present_current=self.present_current, evse_status=status,
            limits=limits)


@dataclass
class AcEvseValues:
    nominal_voltage: float = 0
    max_current: float = 0
    rcd: bool = False

    def discovered(self, parameter: m.ACEVSEChargeParameter) -> None:
        self.nominal_voltage = parameter.evse_nominal_voltage
        self.max_current = parameter.evse_max_current
        self.rcd = parameter.ac_evse_status.rcd

    def responded(self, response: m.V2gResponse) -> None:
        status = getattr(response, "ac_evse_status", None)
        if isinstance(status, m.ACEVSEStatus):
            self.rcd = status.rcd
        if isinstance(response, m.ChargingStatusRes) and response.evse_max_current is not None:
            self.max_current = response.evse_max_current

    def message(self) -> ev.EVACChargeParametersChanged:
        return ev.EVACChargeParametersChanged(
            nominal_voltage=self.nominal_voltage, max_current=self.max_current, rcd=self.rcd)


def notification(response: m.V2gResponse) -> tuple[m.EVSENotification, int] | None:
    """The EVSE's notification and its maximum delay (s), None for a response without an EVSE
    status."""
    for name in ("dc_evse_status", "ac_evse_status"):
        status = getattr(response, name, None)
        if isinstance(status, m.DCEVSEStatus | m.ACEVSEStatus):
            return status.evse_notification, status.notification_max_delay
    return None
