"""A v1 EVSE module with its V2G service, a test host on HCI and a scripted EVCC on a
MemoryNetwork, all on one ManualClock: the EVCC sends V2G requests, the host answers the
module's "Request X" statuses with "Set X" commands."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from freev2g.emulator.deadlines import Deadlines, Timing
from freev2g.emulator.services.v2g_evse_v1 import V2gEvseV1Service
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork
from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import IsolationLevel, ScheduleEntry
from freev2g.hci.message import Command, Decoded, Status
from tests.emulator.harness import Host, result_code

M = TypeVar("M")
STEP = 0.005  # more than the network's 2 ms latency: a message arrives within one step
EVCC_ID = bytes.fromhex("000101637730")
ISO = m.AppProtocol(protocol_namespace=m.V2gProtocol.ISO_15118_2.namespace, version_number_major=2,
                    version_number_minor=0, schema_id=1, priority=1)
DIN = m.AppProtocol(protocol_namespace=m.V2gProtocol.DIN_70121.namespace, version_number_major=2,
                    version_number_minor=0, schema_id=2, priority=1)


def ev_status(soc: int = 50) -> m.DCEVStatus:
    return m.DCEVStatus(ev_ready=True, ev_error_code=m.DCEVErrorCode.NO_ERROR, ev_ress_soc=soc)


DC_CPD = m.ChargeParameterDiscoveryReq(
    requested_energy_transfer_mode=m.EnergyTransferModeType.DC_EXTENDED, max_entries_sa_schedule_tuple=12,
    dc_ev_charge_parameter=m.DCEVChargeParameter(
        departure_time=None, dc_ev_status=ev_status(), ev_maximum_current_limit=20.0,
        ev_maximum_power_limit=8000.0, ev_maximum_voltage_limit=400.0, ev_energy_capacity=None,
        ev_energy_request=None, full_soc=None, bulk_soc=50))
AC_CPD = m.ChargeParameterDiscoveryReq(
    requested_energy_transfer_mode=m.EnergyTransferModeType.AC_THREE_PHASE_CORE,
    ac_ev_charge_parameter=m.ACEVChargeParameter(departure_time=3600, e_amount=12000.0, ev_max_voltage=400.0,
                                                 ev_max_current=12.0, ev_min_current=1.0))
DC_DISCOVERY = e.SetDiscoveryChargeParameters(
    code=e.ParameterCode.EV_PARAMETERS_ACCEPTED, parameters=e.DcDiscoveryParameters(
        isolation=IsolationLevel.INVALID, max_current=100, min_current=0, max_voltage=400, min_voltage=0,
        max_power=25_000, peak_current_ripple=2))
ONE_SCHEDULE = e.SetSchedules(code=e.ScheduleCode.OK, schedule_tuples=[e.ScheduleTuple(tuple_id=1, entries=[
    ScheduleEntry(start=0, interval=86400, power=25_000)])])


class Rig:
    def __init__(self, firmware: str = "V01_01_06", timing: Timing | None = None) -> None:
        self.host = Host(firmware)
        self.clock = self.host.clock
        self.host.module.deadlines = Deadlines(self.clock, timing)
        self.network = MemoryNetwork(self.clock)
        self.service = V2gEvseV1Service(self.host.module, self.network)
        self.host.module.add(self.service)
        self.end: LinkEnd | None = None
        self.received: list[m.V2gMessage] = []
        self.closed = False
        self.session_id = m.NO_SESSION

    # -- host ------------------------------------------------------------------------------------

    def ok(self, command: Command) -> None:
        answer = self.host.request(command)
        assert result_code(answer) == 0x00, answer

    def code(self, command: Command) -> int:
        return result_code(self.host.request(command))

    def statuses(self) -> list[Decoded]:
        return self.host.decoded()

    def status(self, kind: type[M]) -> M:
        """The one status the module sent since the last look, of type ``kind``."""
        sent = self.statuses()
        assert len(sent) == 1 and isinstance(sent[0], kind), sent
        return sent[0]

    def answer(self, command: Command) -> None:
        """The host answers, and the answer reaches the EV."""
        self.ok(command)
        self.advance()

    # -- EV ----------------------------------------------------------------------------------------

    def start(self) -> None:
        self.ok(c.Start())

    def connect(self) -> None:
        def connected(end: LinkEnd | None) -> None:
            assert end is not None
            self.end = end
            end.on_message = self.received.append
            end.on_close = self._closed

        self.network.connect(connected)
        self.advance(0.01)
        assert self.end is not None

    def _closed(self) -> None:
        self.closed = True

    def send(self, request: m.V2gRequest) -> None:
        assert self.end is not None
        self.end.send(dataclasses.replace(request, session_id=self.session_id))
        self.advance()

    def advance(self, seconds: float = STEP) -> None:
        self.clock.advance(seconds)

    def response(self, kind: type[M]) -> M:
        assert len(self.received) == 1, self.received
        message = self.received.pop()
        assert isinstance(message, kind), message
        return message

    def no_response(self) -> None:
        assert self.received == []

    # -- the way to each step -------------------------------------------------------------------

    def setup(self, protocol: m.AppProtocol = ISO, evse_id: str = "DE*ABC*E*00001*01") -> e.SessionStarted:
        """Start, connect, negotiate, SessionSetup answered with ``evse_id``."""
        self.start()
        self.connect()
        self.send(m.SupportedAppProtocolReq(app_protocol=(protocol,)))
        self.response(m.SupportedAppProtocolRes)
        self.send(m.SessionSetupReq(evcc_id=EVCC_ID))
        started, request = self.statuses()
        assert isinstance(started, e.SessionStarted) and isinstance(request, e.RequestEvseId), (started, request)
        self.answer(e.SetEvseId(code=e.EvseIdCode.SUCCESS, evse_id=evse_id))
        setup = self.response(m.SessionSetupRes)
        self.session_id = setup.session_id
        return started

    def select_payment(self) -> None:
        self.send(m.ServiceDiscoveryReq())
        self.response(m.ServiceDiscoveryRes)
        self.send(m.PaymentServiceSelectionReq(selected_payment_option=m.PaymentOption.EXTERNAL_PAYMENT,
                                               selected_service_list=(m.SelectedService(service_id=1),)))
        self.response(m.PaymentServiceSelectionRes)

    def authorize(self) -> None:
        self.send(m.AuthorizationReq())
        self.status(e.RequestAuthorizationStatus)
        self.answer(e.SetAuthorizationStatus(code=e.AuthorizationCode.AUTHORIZATION_SUCCEEDED))
        assert self.response(m.AuthorizationRes).evse_processing is m.EVSEProcessing.FINISHED

    def discover(self, request: m.ChargeParameterDiscoveryReq = DC_CPD,
                 parameters: e.SetDiscoveryChargeParameters = DC_DISCOVERY,
                 schedules: e.SetSchedules = ONE_SCHEDULE) -> m.ChargeParameterDiscoveryRes:
        self.send(request)
        asked = self.statuses()
        assert [type(s) for s in asked] == [e.RequestSchedules, e.RequestDiscoveryChargeParameters], asked
        self.ok(schedules)
        self.answer(parameters)
        return self.response(m.ChargeParameterDiscoveryRes)

    def to_charge_parameters(self, protocol: m.AppProtocol = ISO) -> None:
        self.setup(protocol)
        self.select_payment()
        self.authorize()

    def to_cable_check(self) -> None:
        self.to_charge_parameters()
        self.discover()

    def cable_check_done(self) -> None:
        self.send(m.CableCheckReq(dc_ev_status=ev_status()))
        assert [type(s) for s in self.statuses()] == [e.RequestCableCheckStatus, e.RequestCableCheckParameters]
        self.ok(e.SetCableCheckStatus(code=e.CableCheckCode.CABLE_CHECK_SUCCEEDED))
        self.answer(e.SetCableCheckParameters(code=e.ExtendedParameterCode.EV_PARAMETERS_ACCEPTED,
                                              parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID)))
        assert self.response(m.CableCheckRes).evse_processing is m.EVSEProcessing.FINISHED

    def to_charging(self) -> None:
        """DC session: cable check and pre-charge done, charging started."""
        self.to_cable_check()
        self.cable_check_done()
        self.send(m.PreChargeReq(dc_ev_status=ev_status(), ev_target_voltage=380.0, ev_target_current=5.0))
        self.status(e.RequestPreChargeParameters)
        self.answer(e.SetPreChargeParameters(code=e.ExtendedParameterCode.EV_PARAMETERS_ACCEPTED,
                                             parameters=e.DcIsolationVoltage(isolation=IsolationLevel.VALID,
                                                                             present_voltage=380)))
        self.response(m.PreChargeRes)
        self.send(m.PowerDeliveryReq(charge_progress=m.ChargeProgress.START, sa_schedule_tuple_id=1))
        self.status(e.RequestStartCharging)
        self.answer(e.SetStartChargingStatus(code=e.StartChargingCode.CHARGING_STARTED,
                                             parameters=e.DcIsolationStatus(isolation=IsolationLevel.VALID)))
        self.response(m.PowerDeliveryRes)


def current_demand(soc: int = 50, **fields: Any) -> m.CurrentDemandReq:
    values: dict[str, Any] = {"ev_target_current": 16.0, "ev_target_voltage": 380.0,
                              "ev_maximum_voltage_limit": 400.0, "ev_maximum_current_limit": 20.0,
                              "ev_maximum_power_limit": 8000.0} | fields
    return m.CurrentDemandReq(dc_ev_status=ev_status(soc), **values)


CHARGE_LOOP_ANSWER = e.SetChargeLoopParameters(
    code=e.ExtendedParameterCode.EV_PARAMETERS_ACCEPTED, parameters=e.DcChargeLoopParameters(
        isolation=IsolationLevel.VALID, present_voltage=380, present_current=16, max_current=100,
        max_voltage=400, max_power=25_000, current_limit_reached=False, voltage_limit_reached=False,
        power_limit_reached=False))


def only(statuses: list[Decoded], kind: type[Status]) -> list[Decoded]:
    return [s for s in statuses if isinstance(s, kind)]
