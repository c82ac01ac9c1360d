"""The configuration and charging parameters the host set (manual 2.14 §18.10, p136-p146), their
checks, and the EVSE values the V2G answers are built from.

"Setting failed, parameters were not accepted" 0x10 (p120) is for what the catalog's field ranges
cannot express: EIM missing from the payment methods (p136), repeated list entries, a minimum
above its maximum, negative limits, no SDP port allowed or two equal ports (p145). The present
values of 0x63 / 0x66 override the limits of 0x62 / 0x65 where they carry one (p140, p143).
"""

from __future__ import annotations

import random

from freev2g.emulator.services.v2g_evse_v2 import convert
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SeccOffer
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import EvseStatus, IsolationLevel, PaymentMethod

OK = 0x00
REJECTED = 0x10

Setting = (
    e.EVSESetConfiguration
    | e.EVSESetDCChargingParameters
    | e.EVSESetACChargingParameters
    | e.EVSESetSDPConfig
)
Update = e.EVSEUpdateDCChargingParameters | e.EVSEUpdateACChargingParameters


class EvseParameters:
    """Power-up state: nothing set, SDP on a random dynamic unsecure port (p145), no TLS here."""

    def __init__(self, rng: random.Random) -> None:
        self.configuration: e.EVSEConfiguration | None = None
        self.dc: e.EVSESetDCChargingParameters | None = None
        self.ac: e.EVSESetACChargingParameters | None = None
        self.dc_update: e.EVSEUpdateDCChargingParameters | None = None
        self.ac_update: e.EVSEUpdateACChargingParameters | None = None
        self.sdp = e.SDPConfig(
            allow_unsecure=True, unsecure_port=rng.randrange(49152, 65536), allow_secure=False
        )

    def set(self, command: Setting) -> int:
        """Store a Set command: 0x00, or 0x10 and nothing stored."""
        match command:
            case e.EVSESetConfiguration():
                lists = (command.protocols, command.payment_methods, command.energy_transfer_modes)
                if PaymentMethod.EIM not in command.payment_methods or any(
                    len(set(x)) != len(x) for x in lists
                ):
                    return REJECTED
                self.configuration = e.EVSEConfiguration(**vars(command))
            case e.EVSESetDCChargingParameters():
                limits = (
                    command.min_voltage,
                    command.min_current,
                    command.max_voltage,
                    command.max_current,
                    command.max_power,
                    command.current_regulation_tolerance or 0,
                    command.peak_current_ripple,
                )
                if (
                    min(limits) < 0
                    or command.min_voltage > command.max_voltage
                    or command.min_current > command.max_current
                ):
                    return REJECTED
                self.dc = command
            case e.EVSESetACChargingParameters():
                if command.nominal_voltage <= 0 or command.max_current < 0:
                    return REJECTED
                self.ac = command
            case e.EVSESetSDPConfig():
                ports = command.unsecure_port, command.secure_port
                if not (command.allow_unsecure or command.allow_secure) or (
                    None not in ports and ports[0] == ports[1]
                ):
                    return REJECTED
                self.sdp = e.SDPConfig(**vars(command))
        return OK

    def update(self, command: Update) -> int:
        if isinstance(command, e.EVSEUpdateDCChargingParameters):
            limits = (
                command.present_voltage,
                command.max_voltage or 0,
                command.max_current or 0,
                command.max_power or 0,
            )
            if min(limits) < 0:
                return REJECTED
            self.dc_update = command
        else:
            if (command.max_current or 0) < 0:
                return REJECTED
            self.ac_update = command
        return OK

    def ready_to_listen(self) -> bool:
        """Configured, with the charging parameters of every configured kind of mode (Figure 26)."""
        if self.configuration is None:
            return False
        modes = [convert.v2g_mode(mode) for mode in self.configuration.energy_transfer_modes]
        dc_missing = any(mode.is_dc for mode in modes) and self.dc is None
        ac_missing = not all(mode.is_dc for mode in modes) and self.ac is None
        return not (dc_missing or ac_missing)

    def dc_read_back(self) -> e.EVSEGetDCChargingParameters.Response | None:
        dc, update = self.dc, self.dc_update
        if dc is None:
            return None
        isolation, status = self.dc_isolation_and_status()
        return e.EVSEGetDCChargingParameters.Response(
            isolation_level=isolation,
            min_voltage=dc.min_voltage,
            min_current=dc.min_current,
            max_voltage=dc.max_voltage,
            max_current=dc.max_current,
            max_power=dc.max_power,
            current_regulation_tolerance=dc.current_regulation_tolerance,
            peak_current_ripple=dc.peak_current_ripple,
            present_voltage=None if update is None else update.present_voltage,
            present_current=None if update is None else update.present_current,
            status=status,
        )

    # -- what the sessions read -------------------------------------------------------------------

    def offer(self) -> SeccOffer:
        """The configuration as the SECC offers it. The link carries no PaymentDetails, so only
        EIM is offered."""
        config = self.configuration
        assert config is not None  # Start Listen needs it
        return SeccOffer(
            protocols=tuple(convert.v2g_protocol(p) for p in config.protocols),
            payment_options=(m.PaymentOption.EXTERNAL_PAYMENT,),
            energy_transfer_modes=tuple(convert.v2g_mode(x) for x in config.energy_transfer_modes),
        )

    def evse_id(self, protocol: m.V2gProtocol | None) -> str:
        config = self.configuration
        assert config is not None
        return config.evse_id_din if protocol is m.V2gProtocol.DIN_70121 else config.evse_id_iso

    def dc_isolation_and_status(self) -> tuple[IsolationLevel, EvseStatus]:
        source = self.dc_update or self.dc
        if source is None:
            return IsolationLevel.INVALID, EvseStatus.NOT_READY
        return IsolationLevel(source.isolation_level), EvseStatus(source.status)

    def present_dc(self) -> tuple[float, float]:
        update = self.dc_update
        return (0.0, 0.0) if update is None else (update.present_voltage, update.present_current)

    def dc_max_limits(self) -> tuple[float, float, float]:
        """Max voltage, current and power."""
        dc, update = self.dc, self.dc_update
        limits = [0.0, 0.0, 0.0] if dc is None else [dc.max_voltage, dc.max_current, dc.max_power]
        if update is not None:
            for index, value in enumerate((update.max_voltage, update.max_current, update.max_power)):
                if value is not None:
                    limits[index] = value
        return limits[0], limits[1], limits[2]

    def dc_charge_parameter(self, status: m.DCEVSEStatus, energy: float | None) -> m.DCEVSEChargeParameter:
        dc = self.dc
        max_voltage, max_current, max_power = self.dc_max_limits()
        return m.DCEVSEChargeParameter(
            dc_evse_status=status,
            evse_maximum_current_limit=max_current,
            evse_maximum_power_limit=max_power,
            evse_maximum_voltage_limit=max_voltage,
            evse_minimum_current_limit=dc.min_current if dc else 0.0,
            evse_minimum_voltage_limit=dc.min_voltage if dc else 0.0,
            evse_current_regulation_tolerance=dc.current_regulation_tolerance if dc else None,
            evse_peak_current_ripple=dc.peak_current_ripple if dc else 0.0,
            evse_energy_to_be_delivered=energy,
        )

    def ac_rcd(self) -> bool:
        source = self.ac_update or self.ac
        return False if source is None else source.rcd

    def ac_limits(self) -> tuple[float, float]:
        """Nominal voltage and max current."""
        nominal, max_current = (
            (0.0, 0.0) if self.ac is None else (self.ac.nominal_voltage, self.ac.max_current)
        )
        if self.ac_update is not None and self.ac_update.max_current is not None:
            max_current = self.ac_update.max_current
        return nominal, max_current
