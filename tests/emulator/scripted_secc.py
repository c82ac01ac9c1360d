"""A scripted SECC on a MemoryNetwork: answers every EV request with a plausible response, with
knobs for the cases the EV module's tests need (notifications, failure codes, AC or DC)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.link import LinkEnd, MemoryNetwork

SESSION_ID = bytes.fromhex("0102030405060708")
EVSE_ID = "DE*A23*E45B*78C"
SCHEDULE = (m.SAScheduleTuple(sa_schedule_tuple_id=1, p_max_schedule=(
    m.PMaxScheduleEntry(start=0, duration=None, p_max=50_000),
    m.PMaxScheduleEntry(start=1800, duration=84_600, p_max=20_000))),
    m.SAScheduleTuple(sa_schedule_tuple_id=7, p_max_schedule=(
        m.PMaxScheduleEntry(start=0, duration=86_400, p_max=11_000),)))


@dataclass
class ScriptedSecc:
    network: MemoryNetwork
    modes: tuple[m.EnergyTransferModeType, ...] = (m.EnergyTransferModeType.DC_CORE,
                                                   m.EnergyTransferModeType.AC_THREE_PHASE_CORE)
    protocol: m.V2gProtocol = m.V2gProtocol.ISO_15118_2
    cable_check_ongoing: int = 2  # CableCheckRes Ongoing this many times, then Finished
    fail: dict[type[m.V2gRequest], m.ResponseCode] = field(default_factory=dict)
    notification: tuple[m.EVSENotification, int] | None = None  # added to loop responses when set
    requests: list[m.V2gRequest] = field(default_factory=list)
    present_voltage: float = 0
    end: LinkEnd | None = None

    def __post_init__(self) -> None:
        self.network.listen(self._accept)

    def _accept(self, end: LinkEnd) -> None:
        self.end = end
        end.on_message = self._received

    def names(self) -> list[str]:
        return [request.name for request in self.requests]

    def _received(self, message: m.V2gMessage) -> None:
        assert isinstance(message, m.V2gRequest) and self.end is not None
        self.requests.append(message)
        response = self._respond(message)
        code = self.fail.get(type(message))
        if code is not None:
            response = replace(response, response_code=code)
        self.end.send(replace(response, session_id=SESSION_ID))

    def _dc_status(self) -> m.DCEVSEStatus:
        kind, delay = self.notification or (m.EVSENotification.NONE, 0)
        return m.DCEVSEStatus(evse_isolation_status=m.IsolationLevel.VALID,
                              evse_status_code=m.DCEVSEStatusCode.EVSE_READY, evse_notification=kind,
                              notification_max_delay=delay)

    def _ac_status(self) -> m.ACEVSEStatus:
        kind, delay = self.notification or (m.EVSENotification.NONE, 0)
        return m.ACEVSEStatus(rcd=False, evse_notification=kind, notification_max_delay=delay)

    def _respond(self, request: m.V2gRequest) -> m.V2gResponse:
        match request:
            case m.SupportedAppProtocolReq(app_protocol=offered):
                schema = next(p.schema_id for p in offered if p.protocol_namespace == self.protocol.namespace)
                return m.SupportedAppProtocolRes(app_response_code=m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION,
                                                 schema_id=schema)
            case m.SessionSetupReq():
                return m.SessionSetupRes(response_code=m.ResponseCode.OK_NEW_SESSION_ESTABLISHED, evse_id=EVSE_ID)
            case m.ServiceDiscoveryReq():
                return m.ServiceDiscoveryRes(payment_option_list=(m.PaymentOption.EXTERNAL_PAYMENT,),
                                             charge_service=m.ChargeService(supported_energy_transfer_modes=self.modes))
            case m.ServiceDetailReq(service_id=service_id):
                return m.ServiceDetailRes(service_id=service_id)
            case m.PaymentServiceSelectionReq():
                return m.PaymentServiceSelectionRes()
            case m.AuthorizationReq():
                return m.AuthorizationRes()
            case m.ChargeParameterDiscoveryReq(dc_ev_charge_parameter=dc):
                if dc is not None:
                    return m.ChargeParameterDiscoveryRes(sa_schedule_list=SCHEDULE, dc_evse_charge_parameter=(
                        m.DCEVSEChargeParameter(
                            dc_evse_status=self._dc_status(), evse_maximum_current_limit=200,
                            evse_maximum_power_limit=50_000, evse_maximum_voltage_limit=500,
                            evse_minimum_current_limit=0, evse_minimum_voltage_limit=150,
                            evse_current_regulation_tolerance=None, evse_peak_current_ripple=2,
                            evse_energy_to_be_delivered=None)))
                return m.ChargeParameterDiscoveryRes(sa_schedule_list=SCHEDULE, ac_evse_charge_parameter=(
                    m.ACEVSEChargeParameter(ac_evse_status=self._ac_status(), evse_nominal_voltage=230,
                                            evse_max_current=32)))
            case m.CableCheckReq():
                ongoing = self.cable_check_ongoing > 0
                self.cable_check_ongoing -= 1
                return m.CableCheckRes(dc_evse_status=self._dc_status(), evse_processing=(
                    m.EVSEProcessing.ONGOING if ongoing else m.EVSEProcessing.FINISHED))
            case m.PreChargeReq(ev_target_voltage=target):
                self.present_voltage = min(target, self.present_voltage + 100)
                return m.PreChargeRes(dc_evse_status=self._dc_status(), evse_present_voltage=self.present_voltage)
            case m.PowerDeliveryReq(dc_ev_power_delivery_parameter=dc):
                self.notification = None
                if dc is not None:
                    return m.PowerDeliveryRes(dc_evse_status=self._dc_status())
                return m.PowerDeliveryRes(ac_evse_status=self._ac_status())
            case m.CurrentDemandReq(ev_target_voltage=voltage, ev_target_current=current):
                self.present_voltage = voltage
                return m.CurrentDemandRes(dc_evse_status=self._dc_status(), evse_present_voltage=voltage,
                                          evse_present_current=current, evse_current_limit_achieved=False,
                                          evse_voltage_limit_achieved=False, evse_power_limit_achieved=False,
                                          evse_id=EVSE_ID, sa_schedule_tuple_id=1)
            case m.ChargingStatusReq():
                return m.ChargingStatusRes(evse_id=EVSE_ID, sa_schedule_tuple_id=1, ac_evse_status=self._ac_status(),
                                           evse_max_current=32)
            case m.WeldingDetectionReq():
                self.present_voltage = max(0, self.present_voltage - 150)
                return m.WeldingDetectionRes(dc_evse_status=self._dc_status(),
                                             evse_present_voltage=self.present_voltage)
            case m.SessionStopReq():
                return m.SessionStopRes()
        raise AssertionError(f"unscripted {request.name}")
