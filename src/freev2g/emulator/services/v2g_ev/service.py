"""The V2G module 0x27 of an EV firmware: configuration commands and the session commands.

Manual 2.14 §18.8-§18.9 (p122-p136) and §21.9 (p230-p236); manual 2.11 §17.8-§17.9 (p118-p133);
hci-reference §3.9.2-§3.9.4, §5.8, §5.9; v1-api §1.7, §1.12.

Rules from the manual:

* Set Mode: a mode the firmware does not support answers 0x05; while a session runs 0x01
  "busy" (p122). Get Mode answers EV (the example, p123).
* Set Configuration 0xA0 and Set DC/AC Charging Parameters 0xA2/0xA5 are "used for the next
  session" (p123, p125, p129): only while no session runs ("configuration commands can only be
  used as long as the module wasn't started", p119), else 0x11 wrong state (p120).
* Update DC/AC Charging Parameters 0xA3/0xA6 change the running session from Session Started on
  (p231), in the negotiated DC or AC mode; the Get commands return the parameters now in force
  ("currently active", p128), so an update shows there.
* Start Session 0xA9 runs the session (see ``session.py``); the step commands 0xAA-0xAE and Set
  Charging Profile 0xA8 are accepted only in their step, else 0x11.
* Out-of-range parameters: 0x10 setting failed (p120).

Decisions where the manual is silent (each is tested):

* Get Configuration / Get DC / Get AC before the matching Set: 0x11 (nothing to return).
* 0x10 for: a protocol or energy transfer mode listed twice; a negative value; a minimum
  voltage or current above its maximum (not the power: a host may cap its maximum power below
  its minimum when a schedule allows little); a target voltage or current above its maximum; a
  bulk SOC above the full SOC.
* Start Session needs a configuration and the charging parameters of one of its energy transfer
  modes; the first listed mode with parameters is the one requested. Else 0x11.
* V01_00_04 (manual 2.11) ends the Get Configuration answer with a departure time (p122): the
  one of the last Set DC (else AC) Charging Parameters, 0 before any.
* The v1 V2G Start/Stop 0x42/0x43 (2.11 p119-p120, not used by the EV flow): Start twice or Stop
  without Start is 0x05; Set Mode between them is 0x01 busy (p118); Stop ends a running session
  (0xCD 8 "unspecified", 0xCB).
* An EVSE command (0x60-0x76 of the firmware's generation) answers 0x05 "unexpected message",
  as the CP service answers the other role's commands (hci-reference §5.9).
* A module restart forgets every setting and ends a running session without a status.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.emulator.services.v2g_ev import convert
from freev2g.emulator.services.v2g_ev.session import (
    CABLE_CHECK,
    PRE_CHARGE,
    START_CHARGING,
    EvSession,
)
from freev2g.emulator.v2g.link import V2gNetwork
from freev2g.hci.catalog import v2g_common, v2g_ev
from freev2g.hci.catalog.v2g_ev import (
    EVACChargingParameters,
    EVACChargingUpdate,
    EVConfiguration,
    EVDCChargingParameters,
    EVDCChargingUpdate,
)
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, V2gMode
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

BUSY = 0x01
UNEXPECTED = 0x05
SETTING_FAILED = 0x10
WRONG_STATE = 0x11
_EVSE_CATALOGS = ("freev2g.hci.catalog.v2g_evse_v1", "freev2g.hci.catalog.v2g_evse_v2")


class V2gEvService(Service):
    """Module 0x27 of an EV firmware; its sessions run on ``network``."""

    module_id = ModuleId.V2G

    def __init__(self, module: EmulatedModule, network: V2gNetwork) -> None:
        super().__init__(module)
        self.network = network
        self.sessions = 0
        self._power_up()

    def _power_up(self) -> None:
        self.configuration: EVConfiguration | None = None
        self.dc: EVDCChargingParameters | None = None
        self.ac: EVACChargingParameters | None = None
        self.session: EvSession | None = None
        self.v1_started = False

    @property
    def in_session(self) -> bool:
        return self.session is not None

    def reset(self, factory: bool) -> None:
        if self.session is not None:
            self.session.detach()
        self._power_up()

    def handle(self, command: Command) -> Answer:
        match command:
            case v2g_common.SetMode(mode=mode):
                if mode != V2gMode.EV:
                    return self.reject(command, UNEXPECTED)
                started = self.in_session or self.v1_started
                return self.reject(command, BUSY) if started else command.Response()
            case v2g_common.GetMode():
                return v2g_common.GetMode.Response(mode=V2gMode.EV)
            case v2g_common.Start():
                if self.v1_started:
                    return self.reject(command, UNEXPECTED)
                self.v1_started = True
                return command.Response()
            case v2g_common.Stop():
                if not self.v1_started:
                    return self.reject(command, UNEXPECTED)
                self.v1_started = False
                if self.session is not None:
                    self.session.abort("V2G service stopped")
                return command.Response()
        if type(command).__module__.startswith(_EVSE_CATALOGS):
            return self.reject(command, UNEXPECTED)  # the other role's command
        return self._handle_configuration(command)

    def _handle_configuration(self, command: Command) -> Answer:
        match command:
            case v2g_ev.EVSetConfiguration():
                return self._set(command, _configuration_valid(command), "configuration")
            case v2g_ev.EVGetConfiguration():
                if self.configuration is None:
                    return self.reject(command, WRONG_STATE)
                departure = None
                if self.module.profile.ev_configuration_departure_time:
                    departure = next((p.departure_time for p in (self.dc, self.ac) if p is not None), 0)
                return v2g_ev.EVGetConfiguration.Response(**_fields(self.configuration, EVConfiguration),
                                                          departure_time=departure)
            case v2g_ev.EVSetDCChargingParameters():
                return self._set(command, _dc_valid(command), "dc")
            case v2g_ev.EVSetACChargingParameters():
                return self._set(command, _ac_valid(command), "ac")
            case v2g_ev.EVUpdateDCChargingParameters():
                return self._update(command, dc=True)
            case v2g_ev.EVUpdateACChargingParameters():
                return self._update(command, dc=False)
            case v2g_ev.EVGetDCChargingParameters():
                if self.dc is None:
                    return self.reject(command, WRONG_STATE)
                return v2g_ev.EVGetDCChargingParameters.Response(**_fields(self.dc, EVDCChargingParameters))
            case v2g_ev.EVGetACChargingParameters():
                if self.ac is None:
                    return self.reject(command, WRONG_STATE)
                return v2g_ev.EVGetACChargingParameters.Response(**_fields(self.ac, EVACChargingParameters))
        return self._handle_session(command)

    def _handle_session(self, command: Command) -> Answer:
        if isinstance(command, v2g_ev.EVStartSession):
            return self._start_session(command)
        session = self.session
        accepted: bool | None = None
        match command:
            case v2g_ev.EVSetChargingProfile(schedule_tuple_id=tuple_id, entries=entries):
                if session is None:
                    return self.reject(command, WRONG_STATE)
                code = session.set_profile(tuple_id, convert.profile_from_host(entries))
                return self.reject(command, code) if code else command.Response()
            case v2g_ev.EVStartCableCheck():
                accepted = session is not None and session.pass_gate(CABLE_CHECK)
            case v2g_ev.EVStartPreCharging():
                accepted = session is not None and session.pass_gate(PRE_CHARGE)
            case v2g_ev.EVStartCharging():
                accepted = session is not None and session.pass_gate(START_CHARGING)
            case v2g_ev.EVStopCharging(renegotiation=renegotiation):
                accepted = session is not None and session.stop_charging(renegotiation)
            case v2g_ev.EVStopSession():
                accepted = session is not None and session.stop_session()
        if accepted is None:
            return self.unknown(command)
        return command.Response() if accepted else self.reject(command, WRONG_STATE)

    # -- configuration --------------------------------------------------------------------------

    def _set(self, command: Command, valid: bool, what: str) -> Answer:
        if self.in_session:
            return self.reject(command, WRONG_STATE)
        if not valid:
            return self.reject(command, SETTING_FAILED)
        setattr(self, what, command)
        return command.Response()

    def _update(self, command: Command, *, dc: bool) -> Answer:
        """0xA3/0xA6: only in a negotiated session of that kind; merged into the parameters."""
        session = self.session
        current = self.dc if dc else self.ac
        if session is None or not session.negotiated or session.dc != dc or current is None:
            return self.reject(command, WRONG_STATE)
        if dc:
            assert isinstance(command, EVDCChargingUpdate) and isinstance(current, EVDCChargingParameters)
            updated_dc = v2g_ev.EVSetDCChargingParameters(**{**_fields(current, EVDCChargingParameters),
                                                             **_fields(command, EVDCChargingUpdate)})
            if not _dc_valid(updated_dc):
                return self.reject(command, SETTING_FAILED)
            self.dc = updated_dc
        else:
            assert isinstance(command, EVACChargingUpdate) and isinstance(current, EVACChargingParameters)
            updated_ac = v2g_ev.EVSetACChargingParameters(**{**_fields(current, EVACChargingParameters),
                                                             **_fields(command, EVACChargingUpdate)})
            if not _ac_valid(updated_ac):
                return self.reject(command, SETTING_FAILED)
            self.ac = updated_ac
        return command.Response()

    def requested_mode(self) -> EnergyTransferMode | None:
        """The first configured energy transfer mode whose charging parameters are set."""
        if self.configuration is None:
            return None
        for mode in self.configuration.energy_transfer_modes:
            mode = EnergyTransferMode(mode)
            if (self.dc if mode.is_dc else self.ac) is not None:
                return mode
        return None

    def _start_session(self, command: Command) -> Answer:
        mode = self.requested_mode()
        if self.in_session or mode is None:
            return self.reject(command, WRONG_STATE)
        session = self.session = EvSession(self, mode)
        session.on_end = self._session_over
        self.sessions += 1
        # The response goes out before the first status: start on the next turn of the clock.
        self.module.clock.call_later(0, lambda: self._begin(session))
        return command.Response()

    def _begin(self, session: EvSession) -> None:
        if self.session is session and not session.ended:
            session.start()

    def _session_over(self, session: EvSession) -> None:
        if self.session is session:
            self.session = None


def _fields(message: object, layout: type) -> dict[str, Any]:
    """The values of ``message`` for the fields the Struct ``layout`` declares."""
    return {field.name: getattr(message, field.name) for field in dataclasses.fields(layout)}


def _non_negative(*values: float) -> bool:
    return all(value >= 0 for value in values)


def _limits_valid(p: EVDCChargingUpdate | EVACChargingUpdate) -> bool:
    values = (p.min_voltage, p.min_current, p.min_power, p.max_voltage, p.max_current, p.max_power)
    return _non_negative(*values) and p.min_voltage <= p.max_voltage and p.min_current <= p.max_current


def _configuration_valid(configuration: EVConfiguration) -> bool:
    protocols, modes = configuration.protocols, configuration.energy_transfer_modes
    return (len(set(protocols)) == len(protocols) and len(set(modes)) == len(modes)
            and configuration.battery_capacity >= 0)


def _dc_valid(dc: EVDCChargingParameters) -> bool:
    return (_limits_valid(dc) and _non_negative(dc.target_voltage, dc.target_current, dc.energy_request)
            and dc.target_voltage <= dc.max_voltage and dc.target_current <= dc.max_current
            and dc.bulk_soc <= dc.full_soc)


def _ac_valid(ac: EVACChargingParameters) -> bool:
    return _limits_valid(ac) and _non_negative(ac.energy_request)
