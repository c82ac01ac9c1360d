"""The emulated EV module against the emulated v2 EVSE module on one V2G network, each driven
by its own test host over HCI (manual 2.14 §21.8 for the EVSE, §21.9 for the EV): the two halves
of the product meeting, with the real EVCC and SECC engines in between."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.v2g_evse_v2 import V2gEvseV2Service
from freev2g.hci.catalog import v2g_ev as ev
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, IsolationLevel, Protocol
from freev2g.hci.message import Command, Decoded
from tests.emulator.evse_v2_rig import AC, CONFIG, DC, SCHEDULES
from tests.emulator.harness import result_code
from tests.emulator.test_services_v2g_ev import AC_FLOW, AC_PARAMS, DC_FLOW, DC_PARAMS, EvHost
from tests.emulator.test_services_v2g_ev import CONFIG as EV_CONFIG
from tests.emulator.world_pair import host_on

UPDATE_EVERY = 0.2  # s, within the EVSE's 500 ms rule (p140)


class EvseHost:
    """Answers the EVSE module's requests as the manual's EVSE flow does (p217-p227) and keeps
    the 0x63 / 0x66 updates coming; present voltage follows the EV's target from pre-charge on."""

    def __init__(self, ev_host: EvHost) -> None:
        self.host = host_on(ev_host.clock, "V02_00_01")
        self.clock = ev_host.clock
        self.host.module.add(V2gEvseV2Service(self.host.module, ev_host.network))
        ev_host.network.stop_listening()  # the EVSE module listens instead of the scripted SECC
        self.statuses: list[Decoded] = []
        self.updating = False
        self.ac = False
        self.voltage = self.current = 0.0
        self.target = (0.0, 0.0)
        self.charging = False
        self._next_update = 0.0
        for command in (CONFIG, DC, AC, e.EVSEStartListen()):
            self.ok(command)

    def ok(self, command: Command) -> None:
        answer = self.host.request(command)
        assert result_code(answer) == 0x00, (command, answer)

    def tick(self) -> None:
        for status in self.host.decoded():
            self.statuses.append(status)
            self._react(status)
        if self.updating and self.clock.now() >= self._next_update:
            self._next_update = self.clock.now() + UPDATE_EVERY
            if self.ac:
                self.ok(e.EVSEUpdateACChargingParameters(rcd=False, max_current=32))
            else:
                self.ok(e.EVSEUpdateDCChargingParameters(
                    isolation_level=IsolationLevel.VALID, present_voltage=self.voltage,
                    present_current=self.current if self.charging else 0, status=0))

    def _react(self, status: Decoded) -> None:
        match status:
            case e.EVSEAuthorizationStatusRequested():
                self.ok(e.EVSESetAuthorizationStatus(code=e.AuthorizationResult.SUCCEEDED))
            case e.EVSEEnergyTransferModeSelected(energy_transfer_mode=mode):
                self.ac = not EnergyTransferMode(mode).is_dc
            case e.EVSESchedulesRequested():
                self.ok(SCHEDULES)
                self.updating = True
            case e.EVSECableCheckRequested():
                self.ok(e.EVSESetCableCheckFinished(code=e.CableCheckResult.SUCCEEDED))
            case e.EVSEDCChargeParametersChanged(target_voltage=voltage, target_current=current):
                self.target = (voltage, current)
            case e.EVSEPreChargeStarted():
                self.voltage = self.target[0]
            case e.EVSEStartChargingRequested():
                self.ok(e.EVSEStartCharging())
                self.charging = True
                self.current = self.target[1]
            case e.EVSEStopChargingRequested():
                self.ok(e.EVSEStopCharging())
                self.charging = False
            case e.EVSEWeldingDetectionStarted():
                self.voltage = 0
            case e.EVSESessionStopped() | e.EVSESessionError():
                self.updating = False


def run(ev_host: EvHost, evse: EvseHost, seconds: float = 20) -> bool:
    """Both hosts react every step; True when the EV module reported Session Stopped."""
    end = ev_host.clock.now() + seconds
    while ev_host.clock.now() < end:
        stopped = ev_host.run(0.01, until=ev.EVSessionStopped)
        evse.tick()
        if stopped:
            return True
    return False


@pytest.mark.parametrize(("mode", "flow"), [(EnergyTransferMode.DC_EXTENDED, DC_FLOW),
                                            (EnergyTransferMode.AC_THREE_PHASE, AC_FLOW)])
@pytest.mark.parametrize("protocol", [Protocol.ISO_15118_2, Protocol.DIN_70121])
def test_a_whole_session_between_the_two_emulated_modules(mode: EnergyTransferMode, flow: list[int],
                                                          protocol: Protocol) -> None:
    ev_host = EvHost()
    evse = EvseHost(ev_host)
    ev_host.ok(ev.EVSetConfiguration(**{**vars(EV_CONFIG), "protocols": [protocol],
                                        "energy_transfer_modes": [mode]}))
    ev_host.ok(DC_PARAMS if mode.is_dc else AC_PARAMS)
    ev_host.ok(ev.EVStartSession())
    stopped = run(ev_host, evse)
    if protocol is Protocol.DIN_70121 and not mode.is_dc:  # DIN has no AC (evcc.py)
        assert ev_host.milestones() == [0xCD, 0xCB]
        unavailable = ev.EvSessionError.SELECTED_ENERGY_TRANSFER_MODE_UNAVAILABLE
        assert ev_host.statuses[0] == ev.EVSessionError(code=unavailable)
        return
    assert stopped, [hex(s) for s in ev_host.milestones()]
    assert ev_host.milestones() == flow
    started = ev_host.of(ev.EVSessionStarted)[0]
    assert isinstance(started, ev.EVSessionStarted)
    assert started.protocol == protocol and started.energy_transfer_mode == mode
    assert started.evse_id == (CONFIG.evse_id_iso if protocol is Protocol.ISO_15118_2 else CONFIG.evse_id_din)
    schedule = ev_host.of(ev.EVScheduleReceived)[0]
    assert isinstance(schedule, ev.EVScheduleReceived) and schedule.tuples[0].tuple_id == 1
    evse_kinds = [s.sub_id for s in evse.statuses]
    assert evse_kinds[0] == 0x80 and evse_kinds[-1] == 0x8C and 0x8E not in evse_kinds
