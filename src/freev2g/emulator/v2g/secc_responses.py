"""The answers the SECC engine builds itself: the protocol handshake, the offer-derived steps, and
the negative response to any request.

ServiceDiscovery, ServiceDetail and PaymentServiceSelection come from the configuration alone
(the module handles them without its host: hci-reference §5.7, manual 2.14 p218 Figure 27;
v1-api §1.9 step 2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.messages import ResponseCode, V2gProtocol
from freev2g.emulator.v2g.secc_api import SeccOffer

CHARGE_SERVICE_ID = 1  # the ChargeService's ServiceID in both standards


def negotiate(request: m.SupportedAppProtocolReq,
              offered: tuple[V2gProtocol, ...]) -> tuple[m.SupportedAppProtocolRes, V2gProtocol | None]:
    """The EV's highest-priority protocol (priority 1 first) that the SECC offers.

    A protocol matches by namespace and major version; a different minor version is still taken,
    answered "with minor deviation". No match: ``Failed_NoNegotiation`` and no protocol.
    """
    for entry in sorted(request.app_protocol, key=lambda entry: entry.priority):
        for protocol in offered:
            if (entry.protocol_namespace == protocol.namespace
                    and entry.version_number_major == protocol.major):
                code = (m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION
                        if entry.version_number_minor == protocol.minor
                        else m.AppProtocolResponseCode.OK_SUCCESSFUL_NEGOTIATION_WITH_MINOR_DEVIATION)
                return m.SupportedAppProtocolRes(app_response_code=code, schema_id=entry.schema_id), protocol
    return m.SupportedAppProtocolRes(app_response_code=m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION), None


def offered_modes(offer: SeccOffer, protocol: V2gProtocol | None) -> tuple[m.EnergyTransferModeType, ...]:
    """The energy transfer modes the SECC offers under ``protocol`` (DIN SPEC 70121 is DC only)."""
    if protocol is V2gProtocol.DIN_70121:
        return tuple(mode for mode in offer.energy_transfer_modes if mode.is_dc)
    return offer.energy_transfer_modes


def service_discovery(offer: SeccOffer, protocol: V2gProtocol | None) -> m.ServiceDiscoveryRes:
    return m.ServiceDiscoveryRes(
        payment_option_list=offer.payment_options,
        charge_service=m.ChargeService(service_id=CHARGE_SERVICE_ID,
                                       supported_energy_transfer_modes=offered_modes(offer, protocol)))


def service_detail(request: m.ServiceDetailReq) -> m.ServiceDetailRes:
    """Only the ChargeService is offered, so any other ServiceID is invalid."""
    known = request.service_id == CHARGE_SERVICE_ID
    code = ResponseCode.OK if known else ResponseCode.FAILED_SERVICE_ID_INVALID
    return m.ServiceDetailRes(response_code=code, service_id=request.service_id)


def payment_selection_code(request: m.PaymentServiceSelectionReq, offer: SeccOffer) -> ResponseCode:
    """OK, or why the selection is refused: a payment option not offered, a service not offered,
    or no ChargeService among the selected services."""
    if request.selected_payment_option not in offer.payment_options:
        return ResponseCode.FAILED_PAYMENT_SELECTION_INVALID
    selected = {service.service_id for service in request.selected_service_list}
    if selected - {CHARGE_SERVICE_ID}:
        return ResponseCode.FAILED_SERVICE_SELECTION_INVALID
    if CHARGE_SERVICE_ID not in selected:
        return ResponseCode.FAILED_NO_CHARGE_SERVICE_SELECTED
    return ResponseCode.OK


_NOT_READY = m.DCEVSEStatus(evse_isolation_status=None, evse_status_code=m.DCEVSEStatusCode.EVSE_NOT_READY)
_NO_AC = m.ACEVSEStatus(rcd=False)

# The mandatory fields of each response, filled with neutral values for a negative answer.
_NEGATIVE: dict[type[m.V2gRequest], Callable[[m.V2gRequest, ResponseCode], m.V2gResponse]] = {
    m.SupportedAppProtocolReq: lambda _, code: m.SupportedAppProtocolRes(
        response_code=code, app_response_code=m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION),
    m.SessionSetupReq: lambda _, code: m.SessionSetupRes(response_code=code, evse_id=""),
    m.ServiceDiscoveryReq: lambda _, code: m.ServiceDiscoveryRes(response_code=code),
    m.ServiceDetailReq: lambda request, code: m.ServiceDetailRes(
        response_code=code, service_id=_field(request, "service_id")),
    m.PaymentServiceSelectionReq: lambda _, code: m.PaymentServiceSelectionRes(response_code=code),
    m.AuthorizationReq: lambda _, code: m.AuthorizationRes(response_code=code),
    m.ChargeParameterDiscoveryReq: lambda _, code: m.ChargeParameterDiscoveryRes(response_code=code),
    m.CableCheckReq: lambda _, code: m.CableCheckRes(response_code=code, dc_evse_status=_NOT_READY),
    m.PreChargeReq: lambda _, code: m.PreChargeRes(
        response_code=code, dc_evse_status=_NOT_READY, evse_present_voltage=0.0),
    m.PowerDeliveryReq: lambda _, code: m.PowerDeliveryRes(response_code=code),
    m.CurrentDemandReq: lambda _, code: m.CurrentDemandRes(
        response_code=code, dc_evse_status=_NOT_READY, evse_present_voltage=0.0, evse_present_current=0.0,
        evse_current_limit_achieved=False, evse_voltage_limit_achieved=False,
        evse_power_limit_achieved=False),
    m.ChargingStatusReq: lambda _, code: m.ChargingStatusRes(
        response_code=code, evse_id="", sa_schedule_tuple_id=0, ac_evse_status=_NO_AC),
    m.WeldingDetectionReq: lambda _, code: m.WeldingDetectionRes(
        response_code=code, dc_evse_status=_NOT_READY, evse_present_voltage=0.0),
    m.SessionStopReq: lambda _, code: m.SessionStopRes(response_code=code),
}


def _field(request: m.V2gRequest, name: str) -> Any:
    return getattr(request, name)


def answerable(message: m.V2gMessage) -> bool:
    """``message`` is a request the SECC can answer (if only negatively)."""
    return type(message) in _NEGATIVE


def negative_response(request: m.V2gRequest, code: ResponseCode, session_id: bytes) -> m.V2gResponse:
    """The response to ``request`` that carries only ``code`` (its other fields neutral)."""
    return dataclasses.replace(_NEGATIVE[type(request)](request, code), session_id=session_id)
