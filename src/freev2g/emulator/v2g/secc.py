"""The SECC engine: one V2G session (DIN SPEC 70121 or ISO 15118-2) on an accepted connection.

The engine runs the protocol and asks the :class:`~freev2g.emulator.v2g.secc_api.EvseController`
for what only the EVSE side knows (the contract is in ``secc_api.py``):

* supportedAppProtocol: the EV's highest-priority protocol that the offer has;
  ``Failed_NoNegotiation`` otherwise, and the session ends.
* SessionSetup: a new 8-byte session ID (an all-zero or unknown request ID is a new session; the
  ID of a paused session given as ``resume_session_id`` is joined again, ISO 15118-2's pause),
  then ``controller.session_setup`` decides the EVSE ID.
* ServiceDiscovery, ServiceDetail, PaymentServiceSelection: from the offer, as the module does
  without its host (hci-reference §5.7; manual 2.14 p218 Figure 27); ``payment_selected`` after a
  valid selection (module status 0x81).
* Every other request: the controller method of that step; its decision's response goes out with
  the session ID stamped. ChargeParameterDiscovery with an energy transfer mode the SECC did not
  offer is answered ``FAILED_WrongEnergyTransferMode`` by the engine.
* SessionStop: ``controller.session_stop``, SessionStopRes OK, the session ends STOPPED (reason
  ``"Terminate"`` or ``"Pause"`` under ISO 15118-2, empty under DIN).

Message order is ``secc_sequence.py``. How a session ends (``controller.session_ended`` is called
exactly once per accepted connection, whatever happens, even when the handshake fails):

* a request out of order, or a request before the previous one was answered:
  ``FAILED_SequenceError`` sent, SEQUENCE_ERROR; a response or an unknown request from the EV:
  nothing sent, SEQUENCE_ERROR;
* a wrong session ID after SessionSetup: ``FAILED_UnknownSession`` sent, FAILED;
* any other negative response (the engine's or the controller's), a failed negotiation: sent,
  FAILED;
* a failed decision, :meth:`Secc.abort`: nothing sent, FAILED with the decision's (abort's) reason;
* no request within V2G_SECC_Sequence_Timeout (also the first one): TIMEOUT;
* the EV or the network closed the link: CONNECTION_LOST.

When a negative response ends the session, the reason begins with the response code's schema
name (``"FAILED_UnknownSession: ..."``) so an EVSE module can report the matching session error
(0x8E, manual 2.14 p169-p170). The link is closed in every case; a message sent just before is
delivered first. The sequence timer runs only while the engine waits for the EV, never while a
decision is pending: the controller keeps its own host deadlines.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from freev2g.emulator.clock import Clock, Timer
from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g import secc_responses as responses
from freev2g.emulator.v2g.decision import Decision
from freev2g.emulator.v2g.link import LinkEnd
from freev2g.emulator.v2g.messages import NO_SESSION, ResponseCode, V2gProtocol
from freev2g.emulator.v2g.secc_api import EvseController, SessionEnd, SessionEndKind, SessionInfo
from freev2g.emulator.v2g.secc_sequence import ONGOING_STEPS, Step, allowed_steps, step_of
from freev2g.emulator.v2g.timeouts import SEQUENCE_TIMEOUT

log = logging.getLogger("freev2g.emulator.v2g.secc")

T = TypeVar("T")
R = TypeVar("R")


def _mapped(decision: Decision[T], convert: Callable[[T], R]) -> Decision[R]:
    """A decision that resolves to ``convert(value)`` or fails with the same reason."""
    result: Decision[R] = Decision()

    def done(source: Decision[T]) -> None:
        if source.failure is not None:
            result.fail(source.failure)
        else:
            result.resolve(convert(source.value()))

    decision.then(done)
    return result


def random_session_id() -> bytes:
    return secrets.token_bytes(8)


class _Ended(Exception):
    """A request ends the session with a negative response (code, and why for the log)."""

    def __init__(self, code: ResponseCode, kind: SessionEndKind, detail: str) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code, self.kind = code, kind


class Secc:
    """One SECC session on ``end``; it starts listening to the EV at once.

    ``new_session_id`` gives 8 bytes per new session (random; tests inject their own);
    ``resume_session_id`` is the ID of a paused session the EV may join again;
    ``sequence_timeout`` is V2G_SECC_Sequence_Timeout (iso15118-facts §3.1).
    """

    def __init__(self, clock: Clock, end: LinkEnd, controller: EvseController, *,
                 new_session_id: Callable[[], bytes] = random_session_id,
                 resume_session_id: bytes | None = None,
                 sequence_timeout: float = SEQUENCE_TIMEOUT) -> None:
        self._clock = clock
        self._end = end
        self._controller = controller
        self._new_session_id = new_session_id
        self._resume_session_id = resume_session_id
        self._sequence_timeout = sequence_timeout
        self._offer = controller.offer()
        self._protocol: V2gProtocol | None = None
        self._session_id: bytes | None = None
        self._last: Step | None = None
        self._ongoing = False
        self._renegotiating = False
        self._dc = False
        self._stop_reason = ""
        self._active = True
        self._pending: object | None = None  # identifies the decision being waited for
        self._timer: Timer | None = None
        end.on_message = self._received
        end.on_close = self._closed
        if end.open:
            self._wait_for_ev()
        else:
            self._finish(SessionEnd(kind=SessionEndKind.CONNECTION_LOST, reason="closed before accept"))

    @property
    def active(self) -> bool:
        return self._active

    @property
    def protocol(self) -> V2gProtocol | None:
        """The negotiated protocol (None until supportedAppProtocol succeeded)."""
        return self._protocol

    @property
    def session_id(self) -> bytes | None:
        """The session ID from SessionSetup on (None before)."""
        return self._session_id

    def abort(self, reason: str) -> None:
        """The EVSE side ends the session (module restart, host error): close, FAILED."""
        if self._active:
            log.debug("SECC aborts the session: %s", reason)
            self._finish(SessionEnd(kind=SessionEndKind.FAILED, reason=reason))

    # --- the EV's requests ----------------------------------------------------------------------

    def _received(self, message: m.V2gMessage) -> None:
        if not self._active:
            return
        log.debug("SECC <- %s", message)
        self._cancel_timer()
        if not responses.answerable(message):
            # a response, or a request of a kind this SECC cannot even refuse in its schema
            self._finish(SessionEnd(kind=SessionEndKind.SEQUENCE_ERROR,
                                    reason=f"{message.name} is no request the SECC knows"))
            return
        assert isinstance(message, m.V2gRequest)
        request = message
        try:
            step = self._check(request)
            decision = self._handle(step, request)
        except _Ended as ended:
            self._refuse(request, ended)
            return
        token = object()
        self._pending = token
        decision.then(lambda done: self._decided(token, step, done))

    def _check(self, request: m.V2gRequest) -> Step:
        step = step_of(request, self._dc)
        if self._pending is not None:
            raise _Ended(ResponseCode.FAILED_SEQUENCE_ERROR, SessionEndKind.SEQUENCE_ERROR,
                         f"{request.name} before the previous request was answered")
        allowed = allowed_steps(self._protocol, self._last, ongoing=self._ongoing,
                                renegotiating=self._renegotiating)
        if step not in allowed:
            after = self._last.value if self._last is not None else "connect"
            raise _Ended(ResponseCode.FAILED_SEQUENCE_ERROR, SessionEndKind.SEQUENCE_ERROR,
                         f"{step.value} after {after}{' (Ongoing)' if self._ongoing else ''}")
        if self._session_id is not None and request.session_id != self._session_id:
            raise _Ended(ResponseCode.FAILED_UNKNOWN_SESSION, SessionEndKind.FAILED,
                         f"session ID {request.session_id.hex()}, expected {self._session_id.hex()}")
        return step

    def _handle(self, step: Step, request: m.V2gRequest) -> Decision[Any]:
        """The decision for ``request``; raises :class:`_Ended` when the engine refuses it."""
        controller = self._controller
        if isinstance(request, m.SupportedAppProtocolReq):
            return Decision.of(self._negotiate(request))
        if isinstance(request, m.SessionSetupReq):
            return self._session_setup(request)
        if isinstance(request, m.ServiceDiscoveryReq):
            return Decision.of(responses.service_discovery(self._offer, self._protocol))
        if isinstance(request, m.ServiceDetailReq):
            return Decision.of(responses.service_detail(request))
        if isinstance(request, m.PaymentServiceSelectionReq):
            code = responses.payment_selection_code(request, self._offer)
            if not code.ok:
                raise _Ended(code, SessionEndKind.FAILED, f"{request.selected_payment_option.value}, "
                             f"services {[s.service_id for s in request.selected_service_list]}")
            controller.payment_selected(request)
            return Decision.of(m.PaymentServiceSelectionRes())
        if isinstance(request, m.AuthorizationReq):
            return controller.authorization(request)
        if isinstance(request, m.ChargeParameterDiscoveryReq):
            mode = request.requested_energy_transfer_mode
            if mode not in responses.offered_modes(self._offer, self._protocol):
                raise _Ended(ResponseCode.FAILED_WRONG_ENERGY_TRANSFER_MODE, SessionEndKind.FAILED,
                             f"{mode.value} is not offered")
            return controller.charge_parameter_discovery(request)
        if isinstance(request, m.CableCheckReq):
            return controller.cable_check(request)
        if isinstance(request, m.PreChargeReq):
            return controller.pre_charge(request)
        if isinstance(request, m.PowerDeliveryReq):
            return controller.power_delivery(request)
        if isinstance(request, m.CurrentDemandReq):
            return controller.current_demand(request)
        if isinstance(request, m.ChargingStatusReq):
            return controller.charging_status(request)
        if isinstance(request, m.WeldingDetectionReq):
            return controller.welding_detection(request)
        if isinstance(request, m.SessionStopReq):
            controller.session_stop(request)
            # ISO 15118-2 tells a pause from the end; DIN SPEC 70121 has no ChargingSession
            din = self._protocol is V2gProtocol.DIN_70121
            self._stop_reason = "" if din else request.charging_session.value
            return Decision.of(m.SessionStopRes())
        raise AssertionError(f"no handler for {step}")  # step_of knows only the requests above

    def _negotiate(self, request: m.SupportedAppProtocolReq) -> m.SupportedAppProtocolRes:
        response, protocol = responses.negotiate(request, self._offer.protocols)
        self._protocol = protocol
        return response

    def _session_setup(self, request: m.SessionSetupReq) -> Decision[m.SessionSetupRes]:
        assert self._protocol is not None  # the order puts supportedAppProtocol first
        if self._resume_session_id is not None and request.session_id == self._resume_session_id:
            session_id, code = self._resume_session_id, ResponseCode.OK_OLD_SESSION_JOINED
        else:
            session_id, code = self._fresh_session_id(), ResponseCode.OK_NEW_SESSION_ESTABLISHED
        self._session_id = session_id
        info = SessionInfo(protocol=self._protocol, session_id=session_id, evcc_id=request.evcc_id)
        return _mapped(self._controller.session_setup(info),
                       lambda evse_id: m.SessionSetupRes(response_code=code, evse_id=evse_id))

    def _fresh_session_id(self) -> bytes:
        while True:  # all zeros means "no session" on the wire, so it can never be an ID
            session_id = self._new_session_id()
            if len(session_id) != 8:
                raise ValueError(f"a session ID has 8 bytes, not {len(session_id)}")
            if session_id != NO_SESSION:
                return session_id

    # --- the answers ----------------------------------------------------------------------------

    def _decided(self, token: object, step: Step, decision: Decision[Any]) -> None:
        if not self._active or token is not self._pending:
            return  # the session ended while the EVSE side was deciding
        self._pending = None
        if decision.failure is not None:
            log.debug("SECC: decision for %s failed: %s", step.value, decision.failure)
            self._finish(SessionEnd(kind=SessionEndKind.FAILED, reason=decision.failure))
            return
        response: m.V2gResponse = decision.value()
        if self._session_id is not None:
            response = dataclasses.replace(response, session_id=self._session_id)
        self._send(response)
        failure = self._negative(response)
        if failure is not None:
            self._finish(SessionEnd(kind=SessionEndKind.FAILED, reason=failure))
            return
        self._advance(step, response)
        if step is Step.SESSION_STOP:
            self._finish(SessionEnd(kind=SessionEndKind.STOPPED, reason=self._stop_reason))
        else:
            self._wait_for_ev()

    @staticmethod
    def _negative(response: m.V2gResponse) -> str | None:
        if isinstance(response, m.SupportedAppProtocolRes):
            if response.app_response_code is m.AppProtocolResponseCode.FAILED_NO_NEGOTIATION:
                return f"{response.app_response_code.value}: no common protocol"
            return None
        if not response.response_code.ok:
            return f"{response.response_code.value}: {response.name}"
        return None

    def _advance(self, step: Step, response: m.V2gResponse) -> None:
        self._last = step
        processing = getattr(response, "evse_processing", None)
        self._ongoing = step in ONGOING_STEPS and processing is m.EVSEProcessing.ONGOING
        if step in (Step.CHARGE_PARAMETERS_AC, Step.CHARGE_PARAMETERS_DC):
            self._dc = step is Step.CHARGE_PARAMETERS_DC
        elif step is Step.RENEGOTIATE:
            self._renegotiating = True
        elif step in (Step.START_AC, Step.START_DC):
            self._renegotiating = False

    def _refuse(self, request: m.V2gRequest, ended: _Ended) -> None:
        self._send(responses.negative_response(request, ended.code, self._session_id or NO_SESSION))
        self._finish(SessionEnd(kind=ended.kind, reason=str(ended)))

    def _send(self, response: m.V2gResponse) -> None:
        log.debug("SECC -> %s", response)
        self._end.send(response)

    # --- timing and the end ---------------------------------------------------------------------

    def _wait_for_ev(self) -> None:
        self._timer = self._clock.call_later(self._sequence_timeout, self._sequence_timed_out)

    def _sequence_timed_out(self) -> None:
        self._timer = None
        if self._active and self._pending is None:
            after = self._last.value if self._last is not None else "connect"
            self._finish(SessionEnd(kind=SessionEndKind.TIMEOUT,
                                    reason=f"no request within {self._sequence_timeout:g} s after {after}"))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _closed(self) -> None:
        if self._active:
            log.debug("SECC: the EV closed the connection")
            self._finish(SessionEnd(kind=SessionEndKind.CONNECTION_LOST,
                                    reason="closed by the EV or the network"))

    def _finish(self, end: SessionEnd) -> None:
        """End the session once: no more requests, the link closed, the controller told."""
        if not self._active:
            return
        self._active = False
        self._pending = None
        self._cancel_timer()
        self._end.close()
        log.debug("SECC session ended: %s %s", end.kind.value, end.reason)
        self._controller.session_ended(end)
