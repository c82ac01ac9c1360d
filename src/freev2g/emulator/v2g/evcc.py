"""The EVCC engine: the EV's half of one DIN SPEC 70121 / ISO 15118-2 EIM session.

The order is the one of the EV flow figures (manual 2.14 §21, p230-p236, hci-reference §5.8;
manual 2.11 p188-p203, v1-api §1.9) and of the contract in ``evcc_api.py``:

1. connect (SDP + TCP), supportedAppProtocol with the EV's protocols (priority and SchemaID
   1..n, in the EV's order of preference), SessionSetup, ServiceDiscovery, ServiceDetail for the
   charge service (ISO only: DIN's EIM flow has none), PaymentServiceSelection, Authorization
   (repeated while Ongoing), ChargeParameterDiscovery (repeated while Ongoing);
2. DC: the cable-check gate, CableCheck until Finished, the pre-charge gate, PreCharge until the
   EV may start (Charging Ready after the first PreChargeRes, p232); AC: Charging Ready at once;
3. PowerDelivery(Start) with the chosen schedule and profile (without 0xA8 the first schedule
   tuple, p233; the controller decides), then CurrentDemand (DC) or ChargingStatus (AC) until the
   EV stops, PowerDelivery(Stop or Renegotiate); renegotiation goes back to step 1's
   ChargeParameterDiscovery and runs on from there (ISO 15118-2's way; the manual's Figure 44,
   p236, shows ServiceDiscovery to PaymentServiceSelection first, which the SECC also accepts);
4. AC: Charging Stopped, SessionStop; DC: Post Charging Ready, WeldingDetection until the EV
   stops the session, SessionStop (p234-p235).

The controller gets the finished ChargeParameterDiscoveryRes with ``charge_parameters_received``
and every positive response after it (CableCheckRes on) with ``evse_response``, before the step
that follows; a negative response is not delivered, it ends the session.

Timers (iso15118-facts §3.1, §3.2, ``timeouts.py``): the message timeout per request and
protocol; Authorization and ChargeParameterDiscovery may stay Ongoing for ``ONGOING_TIMEOUT`` in
all; CableCheck must finish within ``CABLE_CHECK_TIMEOUT`` of its first request; PreCharge must
end (PowerDelivery sent) within ``PRE_CHARGE_TIMEOUT`` of its first request. Repeated requests
are paced by the session's loop interval.

Decisions where the manuals are silent (each is tested):

* Each loop (pre-charge, charge loop, welding detection) sends its request at least once and
  checks its gate before every further request; a gate that resolves while the engine waits
  between two requests moves the flow at once.
* Ending: a non-positive response code ends with FAILED and the reason ``"<Res>: <code>"`` (an EV
  module maps the code to its Session Error number); a response with another SessionID with
  FAILED; a response of the wrong type, or one nobody asked for, with SEQUENCE_ERROR; a missing
  response or an expired loop timer with TIMEOUT; the connection closing, or no SECC, with
  CONNECTION_LOST; a failed gate and :meth:`Evcc.abort` with FAILED. The controller hears
  ``session_ended`` exactly once.
* The EV checks ServiceDiscoveryRes: its payment option and energy transfer mode must be offered
  (the EV module's session errors 1 and 2, v1-api §1.8).
* DIN has no renegotiation: a RENEGOTIATE from the controller is sent as STOP. DIN has no AC:
  negotiating DIN for an AC energy transfer mode fails the session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from freev2g.emulator.clock import Clock
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.evcc_api import EvController, EvStep
from freev2g.emulator.v2g.evcc_core import EvccCore, Loop
from freev2g.emulator.v2g.link import V2gNetwork
from freev2g.emulator.v2g.secc_api import SessionEndKind, SessionInfo
from freev2g.emulator.v2g.timeouts import CABLE_CHECK_TIMEOUT, ONGOING_TIMEOUT, PRE_CHARGE_TIMEOUT


class Evcc(EvccCore):
    """Runs one EV session on ``network`` for ``controller`` (see the module docstring).

    ``Evcc(clock, network, controller)``; :meth:`start`, :meth:`abort`, :meth:`silence`,
    :attr:`active`, :attr:`protocol`, :attr:`session_id`.
    """

    def __init__(self, clock: Clock, network: V2gNetwork, controller: EvController) -> None:
        super().__init__(clock, network, controller)
        self._service_id = 1  # the charge service's ServiceID from ServiceDiscoveryRes
        self._schedule_tuple_id = 0  # the SAScheduleTupleID of PowerDeliveryReq(Start)

    # --- setup: handshake to payment selection ------------------------------------------------

    def _begin(self) -> None:
        protocols = self._cfg.protocols
        if not protocols:
            self._finish(SessionEndKind.FAILED, "no protocol configured")
            return
        offered = tuple(
            m.AppProtocol(protocol_namespace=protocol.namespace, version_number_major=protocol.major,
                          version_number_minor=protocol.minor, schema_id=number, priority=number)
            for number, protocol in enumerate(protocols, start=1))
        self._send(m.SupportedAppProtocolReq(app_protocol=offered), m.SupportedAppProtocolRes,
                   self._negotiated)

    def _negotiated(self, response: m.SupportedAppProtocolRes) -> None:
        protocols = self._cfg.protocols
        if response.app_response_code is m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION:
            self._finish(SessionEndKind.FAILED,
                         f"supportedAppProtocolRes: {response.app_response_code.value}")
            return
        if response.schema_id is None or not 1 <= response.schema_id <= len(protocols):
            self._finish(SessionEndKind.FAILED, f"supportedAppProtocolRes: SchemaID {response.schema_id} "
                                                "was not offered")
            return
        protocol = protocols[response.schema_id - 1]
        if protocol is m.V2gProtocol.DIN_70121 and not self._dc:
            self._finish(SessionEndKind.FAILED, "DIN SPEC 70121 has no AC charging")
            return
        assert self._exchange is not None
        self._exchange.protocol = protocol
        self._send(m.SessionSetupReq(evcc_id=self._cfg.evcc_id), m.SessionSetupRes, self._session_set_up)

    def _session_set_up(self, response: m.SessionSetupRes) -> None:
        assert self._exchange is not None and self._exchange.protocol is not None
        self._exchange.session_id = response.session_id
        info = SessionInfo(protocol=self._exchange.protocol, session_id=response.session_id,
                           evcc_id=self._cfg.evcc_id)
        self._controller.session_started(info, response)
        self._send(m.ServiceDiscoveryReq(), m.ServiceDiscoveryRes, self._services_discovered)

    def _services_discovered(self, response: m.ServiceDiscoveryRes) -> None:
        config = self._cfg
        if config.payment_option not in response.payment_option_list:
            self._finish(SessionEndKind.FAILED, f"payment option {config.payment_option.value} not offered")
            return
        if config.energy_transfer_mode not in response.charge_service.supported_energy_transfer_modes:
            self._finish(SessionEndKind.FAILED,
                         f"energy transfer mode {config.energy_transfer_mode.value} not offered")
            return
        self._service_id = response.charge_service.service_id
        if self.protocol is m.V2gProtocol.ISO_15118_2:
            self._send(m.ServiceDetailReq(service_id=self._service_id), m.ServiceDetailRes,
                       self._select_payment)
        else:
            self._select_payment(None)

    def _select_payment(self, _: m.ServiceDetailRes | None) -> None:
        request = m.PaymentServiceSelectionReq(
            selected_payment_option=self._cfg.payment_option,
            selected_service_list=(m.SelectedService(service_id=self._service_id),))
        self._send(request, m.PaymentServiceSelectionRes, self._payment_selected)

    def _payment_selected(self, _: m.PaymentServiceSelectionRes) -> None:
        self._start_phase(ONGOING_TIMEOUT, f"Authorization still Ongoing after {ONGOING_TIMEOUT:g} s")
        self._authorize()

    def _authorize(self) -> None:
        self._send(m.AuthorizationReq(), m.AuthorizationRes, self._authorized)

    def _authorized(self, response: m.AuthorizationRes) -> None:
        if response.evse_processing is m.EVSEProcessing.ONGOING:
            self._repeat(self._authorize)
            return
        self._end_phase()
        self._discover_charge_parameters()

    # --- charge parameters, cable check, pre-charge -------------------------------------------

    def _discover_charge_parameters(self) -> None:
        self._start_phase(ONGOING_TIMEOUT,
                          f"ChargeParameterDiscovery still Ongoing after {ONGOING_TIMEOUT:g} s")
        self._request_charge_parameters()

    def _request_charge_parameters(self) -> None:
        request = self._controller.charge_parameters()
        self._send(request, m.ChargeParameterDiscoveryRes, self._charge_parameters_discovered)

    def _charge_parameters_discovered(self, response: m.ChargeParameterDiscoveryRes) -> None:
        if response.evse_processing is m.EVSEProcessing.ONGOING:
            self._repeat(self._request_charge_parameters)
            return
        self._end_phase()
        self._controller.charge_parameters_received(response)
        if not self._running:
            return
        if self._dc:
            self._gate("wait_cable_check", self._controller.wait_cable_check(), self._cable_check)
        elif self._step(EvStep.CHARGING_READY):
            self._gate("wait_start_charging", self._controller.wait_start_charging(), self._start_charging)

    def _cable_check(self, _: None) -> None:
        self._start_phase(CABLE_CHECK_TIMEOUT, f"CableCheck not finished within {CABLE_CHECK_TIMEOUT:g} s")
        self._request_cable_check()

    def _request_cable_check(self) -> None:
        status = self._controller.targets().dc_ev_status
        self._send(m.CableCheckReq(dc_ev_status=status), m.CableCheckRes, self._cable_checked)

    def _cable_checked(self, response: m.CableCheckRes) -> None:
        if not self._evse_response(response):
            return
        if response.evse_processing is m.EVSEProcessing.ONGOING:
            self._repeat(self._request_cable_check)
            return
        self._end_phase()
        if self._step(EvStep.CABLE_CHECK_FINISHED):
            self._gate("wait_pre_charge", self._controller.wait_pre_charge(), self._pre_charge)

    def _pre_charge(self, _: None) -> None:
        self._start_phase(PRE_CHARGE_TIMEOUT, f"PreCharge not done within {PRE_CHARGE_TIMEOUT:g} s")
        self._request_pre_charge(self._pre_charge_answered)

    def _request_pre_charge(self, handler: Callable[[m.PreChargeRes], None]) -> None:
        targets = self._controller.targets()
        request = m.PreChargeReq(dc_ev_status=targets.dc_ev_status,
                                 ev_target_voltage=targets.ev_target_voltage,
                                 ev_target_current=targets.ev_target_current)
        self._send(request, m.PreChargeRes, handler)

    def _pre_charge_answered(self, response: m.PreChargeRes) -> None:
        """The first PreChargeRes: ready to charge from a communication point of view (0xC7)."""
        if not self._evse_response(response) or not self._step(EvStep.CHARGING_READY):
            return
        gate = self._controller.wait_start_charging()
        if self._running:
            repeat = functools.partial(self._request_pre_charge, self._loop_response)
            loop = Loop(gate, "wait_start_charging", repeat, self._start_charging)
            self._enter_loop(loop, send_first=False)

    # --- power delivery and the charge loop ---------------------------------------------------

    def _power_delivery(self, progress: m.ChargeProgress, profile: tuple[m.ProfileEntry, ...] = (),
                        ) -> m.PowerDeliveryReq:
        parameter = None
        if self._dc:
            targets = self._controller.targets()
            parameter = m.DCEVPowerDeliveryParameter(
                dc_ev_status=targets.dc_ev_status, bulk_charging_complete=targets.bulk_charging_complete,
                charging_complete=targets.charging_complete)
        return m.PowerDeliveryReq(charge_progress=progress, sa_schedule_tuple_id=self._schedule_tuple_id,
                                  charging_profile=profile, dc_ev_power_delivery_parameter=parameter)

    def _start_charging(self, _: None) -> None:
        self._end_phase()  # pre-charge is over once PowerDelivery goes out
        self._schedule_tuple_id, profile = self._controller.charging_profile()
        if self._running:
            request = self._power_delivery(m.ChargeProgress.START, profile)
            self._send(request, m.PowerDeliveryRes, self._charging_started)

    def _charging_started(self, response: m.PowerDeliveryRes) -> None:
        if not self._evse_response(response) or not self._step(EvStep.CHARGING_STARTED):
            return
        gate = self._controller.wait_stop_charging()
        if self._running:
            self._enter_loop(Loop(gate, "wait_stop_charging", self._request_charge_loop, self._stop_charging),
                             send_first=True)

    def _request_charge_loop(self) -> None:
        if not self._dc:
            self._send(m.ChargingStatusReq(), m.ChargingStatusRes, self._loop_response)
            return
        targets = self._controller.targets()
        request = m.CurrentDemandReq(
            dc_ev_status=targets.dc_ev_status, ev_target_current=targets.ev_target_current,
            ev_target_voltage=targets.ev_target_voltage,
            ev_maximum_voltage_limit=targets.ev_maximum_voltage_limit,
            ev_maximum_current_limit=targets.ev_maximum_current_limit,
            ev_maximum_power_limit=targets.ev_maximum_power_limit,
            bulk_charging_complete=targets.bulk_charging_complete,
            charging_complete=targets.charging_complete,
            remaining_time_to_full_soc=targets.remaining_time_to_full_soc,
            remaining_time_to_bulk_soc=targets.remaining_time_to_bulk_soc)
        self._send(request, m.CurrentDemandRes, self._loop_response)

    def _stop_charging(self, progress: m.ChargeProgress) -> None:
        if progress is m.ChargeProgress.START:
            self._finish(SessionEndKind.FAILED, "wait_stop_charging answered START")
            return
        if self.protocol is m.V2gProtocol.DIN_70121:
            progress = m.ChargeProgress.STOP  # DIN's ReadyToChargeState has no renegotiation
        request = self._power_delivery(progress)
        self._send(request, m.PowerDeliveryRes, functools.partial(self._charging_stopped, progress))

    def _charging_stopped(self, progress: m.ChargeProgress, response: m.PowerDeliveryRes) -> None:
        if not self._evse_response(response):
            return
        if progress is m.ChargeProgress.RENEGOTIATE:
            self._discover_charge_parameters()
        elif not self._dc:
            if self._step(EvStep.CHARGING_STOPPED):
                self._stop_session(None)
        elif self._step(EvStep.POST_CHARGING_READY):
            gate = self._controller.wait_stop_session()
            if self._running:
                loop = Loop(gate, "wait_stop_session", self._request_welding_detection, self._stop_session)
                self._enter_loop(loop, send_first=True)

    # --- post charge and stop -----------------------------------------------------------------

    def _request_welding_detection(self) -> None:
        status = self._controller.targets().dc_ev_status
        self._send(m.WeldingDetectionReq(dc_ev_status=status), m.WeldingDetectionRes, self._loop_response)

    def _stop_session(self, _: None) -> None:
        request = m.SessionStopReq(charging_session=m.ChargingSession.TERMINATE)
        self._send(request, m.SessionStopRes, self._session_stopped)

    def _session_stopped(self, response: m.SessionStopRes) -> None:
        if self._evse_response(response):
            self._finish(SessionEndKind.STOPPED, "")
