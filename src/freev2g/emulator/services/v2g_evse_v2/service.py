"""V2G module 0x27 of the emulated EVSE, API generation v2 (firmware V02_00_01, manual 2.14
§18.8, §18.10, §18.12, p119-p171; flows §21.8, p217-p229; hci-reference §3.9, §5.7).

Rules from the manual:

* Configuration commands only while the service is not started (p119). Set Mode while started:
  0x01 busy; the other mode on this single-role firmware: 0x05 (p122). Set Configuration, Set DC
  and Set AC Charging Parameters and Set SDP config while listening: 0x11 wrong state
  (hci-reference §5.9 leaves 0x11 or 0x05 open). Get commands answer at any time.
* "Setting failed, parameters were not accepted" 0x10 (p120) for values the catalog's field ranges
  cannot express: EIM missing from the payment methods (p136), duplicate list entries, min above
  max, negative limits, equal SDP ports or no port allowed at all (p145), a schedule with more
  entries than the EV's maximum (p147), tuple IDs outside 1-255 (SAScheduleTupleID) or repeated,
  start times not increasing, and a sales tariff count different from the tuple count (p148).
  A value outside a range the catalog declares (an isolation level of 5, say) never reaches the
  service: the module answers 0x04, malformed payload (p48).
* Start Listen (p146) accepts V2G connections on the ``V2gNetwork``; each runs one SECC session
  (``session.py``). Update DC / AC Charging Parameters (0x63 / 0x66, p140, p143) are accepted while
  the service listens or a session runs, and feed the answers to the EV.
* The answers 0x6B, 0x6C, 0x6D, 0x6E, 0x6F and 0x73 without the request they answer: 0x11
  (hci-reference §5.9). Send Notification (p154) and Set Meter Receipt Request (p153) outside a
  session: 0x11.

Decisions where the manual is silent (each is tested):

* Start Listen needs Set Configuration, and Set DC (Set AC) Charging Parameters when a DC (AC) mode
  is configured (the order of Figure 26, p217): 0x11 otherwise; Start Listen while listening 0x11.
  Get Configuration / DC / AC before their Set answers 0x11 (nothing to read back).
* Stop Listen (p151) refuses new connections; a running session goes on to its end (the manual
  sends Stop Listen "after Session Stopped"). Stop Listen while not listening: 0x11.
* One session at a time: a second connection during a session is closed at once.
* The emulated link carries no PaymentDetails, so contract payment is not offered to the EV (the
  configuration keeps it). It has no certificate or metering receipt messages either:
  :meth:`V2gEvseV2Service.certificate_requested` and :meth:`metering_receipt_checked` are the
  entry points a link with those messages calls.
* Set SDP config is stored and read back; the in-memory network has no ports. Before it, the
  default is unsecure on a random dynamic port (p145), secure not allowed (no TLS here).
* Restart System / Factory Reset: a running session is aborted without status messages (the
  module restarts), listening stops and every setting returns to power-up.
* 0x76 Set Session Parameter Timeout is not in manual 2.14 and this firmware answers 0x02.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from freev2g.emulator.deadlines import Expectation
from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.emulator.services.v2g_evse_v2.parameters import EvseParameters, Update
from freev2g.emulator.services.v2g_evse_v2.session import EvseSession
from freev2g.emulator.services.v2g_evse_v2.timing import EngineFactory, HostTimeouts, milliseconds
from freev2g.emulator.v2g.link import LinkEnd, V2gNetwork
from freev2g.hci.catalog import v2g_common
from freev2g.hci.catalog import v2g_evse_v2 as e
from freev2g.hci.catalog.v2g_evse_v2 import CertificateResponseStatus
from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

log = logging.getLogger("freev2g.emulator.v2g")

BUSY = 0x01
UNKNOWN = 0x02
UNEXPECTED = 0x05
REJECTED = 0x10  # setting failed, parameters were not accepted (p120)
WRONG_STATE = 0x11  # p120


def _secc_engine() -> EngineFactory:
    from freev2g.emulator.v2g.secc import Secc  # the engine of another module, imported when first used

    return Secc


@dataclass
class _CertificateRequest:
    expectation: Expectation
    done: Callable[[CertificateResponseStatus, bytes], None]


class V2gEvseV2Service(Service):
    """The V2G service of an EVSE module of generation v2, serving the SECC side of ``network``."""

    module_id = ModuleId.V2G

    def __init__(
        self,
        module: EmulatedModule,
        network: V2gNetwork,
        *,
        timeouts: HostTimeouts | None = None,
        engine: EngineFactory | None = None,
    ) -> None:
        super().__init__(module)
        self.network = network
        self.timeouts = timeouts or HostTimeouts()
        self._engine = engine
        self._random = random.Random()  # noqa: S311 - a port number, not a secret
        self.session: EvseSession | None = None
        self._power_up()

    def _power_up(self) -> None:
        self.listening = False
        self.parameters = EvseParameters(self._random)
        self.meter_receipt: e.EVSESetMeterReceiptRequest | None = None
        self._certificate: _CertificateRequest | None = None

    # -- commands --------------------------------------------------------------------------------

    def handle(self, command: Command) -> Answer:
        match command:
            case v2g_common.SetMode(mode=mode):
                if mode != V2gMode.EVSE:
                    return self.reject(command, UNEXPECTED)
                return self.reject(command, BUSY) if self.started else command.Response()
            case v2g_common.GetMode():
                return v2g_common.GetMode.Response(mode=V2gMode.EVSE)
            case (
                e.EVSESetConfiguration()
                | e.EVSESetDCChargingParameters()
                | e.EVSESetACChargingParameters()
                | e.EVSESetSDPConfig()
            ):
                code = WRONG_STATE if self.started else self.parameters.set(command)
                return self.reject(command, code) if code else command.Response()
            case e.EVSEGetConfiguration():
                config = self.parameters.configuration
                return self._read_back(
                    command, None if config is None else e.EVSEGetConfiguration.Response(**vars(config))
                )
            case e.EVSEGetDCChargingParameters():
                return self._read_back(command, self.parameters.dc_read_back())
            case e.EVSEGetACChargingParameters():
                ac = self.parameters.ac
                return self._read_back(
                    command, None if ac is None else e.EVSEGetACChargingParameters.Response(**vars(ac))
                )
            case e.EVSEGetSDPConfig():
                return e.EVSEGetSDPConfig.Response(**vars(self.parameters.sdp))
            case e.EVSEUpdateDCChargingParameters() | e.EVSEUpdateACChargingParameters():
                return self._update(command)
            case e.EVSEStartListen():
                return self._start_listen(command)
            case e.EVSEStopListen():
                if not self.listening:
                    return self.reject(command, WRONG_STATE)
                self.listening = False
                self.network.stop_listening()
                return command.Response()
        return self._answer(command)

    def _read_back(self, command: Command, response: Answer | None) -> Answer:
        """Get before the matching Set: nothing to read back, 0x11."""
        return self.reject(command, WRONG_STATE) if response is None else response

    def _answer(self, command: Command) -> Answer:
        """The host's answers to the module's requests, and the session commands."""
        session = self.session
        if isinstance(command, e.EVSESetCertificateInstallationOrUpdateResponse):
            return self._certificate_response(command)
        if session is None:
            known = (
                e.EVSESetAuthorizationStatus,
                e.EVSESetSchedules,
                e.EVSESetCableCheckFinished,
                e.EVSEStartCharging,
                e.EVSEStopCharging,
                e.EVSESendNotification,
                e.EVSESetMeterReceiptRequest,
            )
            return self.reject(command, WRONG_STATE) if isinstance(command, known) else self.unknown(command)
        match command:
            case e.EVSESetAuthorizationStatus(code=result):
                ok = session.set_authorization(e.AuthorizationResult(result))
            case e.EVSESetSchedules():
                code = self._schedules_fault(command) or session.set_schedules(command)
                return self.reject(command, code) if code else command.Response()
            case e.EVSESetCableCheckFinished(code=result):
                ok = session.set_cable_check(e.CableCheckResult(result))
            case e.EVSEStartCharging():
                ok = session.answer_delivery(start=True)
            case e.EVSEStopCharging():
                ok = session.answer_delivery(start=False)
            case e.EVSESendNotification(renegotiation=renegotiation, timeout=timeout):
                session.notify(renegotiation, timeout)
                ok = True
            case e.EVSESetMeterReceiptRequest():
                self.meter_receipt = command
                ok = True
            case _:
                return self.unknown(command)
        return command.Response() if ok else self.reject(command, WRONG_STATE)

    @property
    def started(self) -> bool:
        return self.listening or self.session is not None

    def _update(self, command: Update) -> Answer:
        if not self.started:
            return self.reject(command, WRONG_STATE)
        code = self.parameters.update(command)
        if code:
            return self.reject(command, code)
        if self.session is not None:
            self.session.parameters_updated(dc=isinstance(command, e.EVSEUpdateDCChargingParameters))
        return command.Response()

    def _start_listen(self, command: Command) -> Answer:
        if self.listening or not self.parameters.ready_to_listen():
            return self.reject(command, WRONG_STATE)
        self.listening = True
        self.network.listen(self._accept)
        return command.Response()

    def _schedules_fault(self, command: e.EVSESetSchedules) -> int:
        ids = [schedule.tuple_id for schedule in command.schedule_tuples]
        if len(set(ids)) != len(ids) or not all(1 <= tuple_id <= 255 for tuple_id in ids):
            return REJECTED
        for schedule in command.schedule_tuples:
            starts = [entry.start for entry in schedule.entries]
            if starts != sorted(set(starts)) or any(entry.power < 0 for entry in schedule.entries):
                return REJECTED
        tariffs = command.sales_tariffs
        if tariffs is not None and len(tariffs.tariffs) != len(ids):
            return REJECTED
        return 0

    def _certificate_response(self, command: e.EVSESetCertificateInstallationOrUpdateResponse) -> Answer:
        request = self._certificate
        if request is None:
            return self.reject(command, WRONG_STATE)
        self._certificate = None
        request.expectation.met()
        request.done(CertificateResponseStatus(command.status), command.exi_response)
        return command.Response()

    # -- the V2G network -------------------------------------------------------------------------

    def _accept(self, end: LinkEnd) -> None:
        if self.session is not None or not self.listening:
            log.info("%s: V2G connection refused, a session is running", self.module.name)
            end.close()
            return
        self.parameters.dc_update = self.parameters.ac_update = None  # present values of one session
        self.meter_receipt = None
        self.session = EvseSession(self, end, self._engine or _secc_engine())

    def session_finished(self, session: EvseSession) -> None:
        if self.session is session:
            self.session = None
            if self._certificate is not None:
                self._certificate.expectation.cancel()
                self._certificate = None

    def certificate_requested(
        self, update: bool, exi_request: bytes, done: Callable[[CertificateResponseStatus, bytes], None]
    ) -> bool:
        """A CertificateInstallationReq (``update`` False) or CertificateUpdateReq of the running
        session: 0x8F / 0x90 with the EXI request, then ``done`` with the host's 0x73 (p152,
        p170-p171). A missed deadline ends the session with error 8 "no certificate available".
        False when no session runs or a request is already pending."""
        session = self.session
        if session is None or self._certificate is not None:
            return False
        timeout = self.timeouts.certificate
        status = e.EVSECertificateUpdateRequested if update else e.EVSECertificateInstallationRequested
        session.emit(status(timeout=milliseconds(timeout), exi_request=exi_request))
        expectation = session.expect(
            status.title.removeprefix("EVSE "), timeout, e.EvseSessionError.NO_CERTIFICATE_AVAILABLE
        )
        self._certificate = _CertificateRequest(expectation, done)
        return True

    def metering_receipt_checked(self, verified: bool) -> None:
        """The EV's MeteringReceiptReq was checked: 0x91 Metering Receipt Status (p171)."""
        if self.session is not None:
            self.session.emit(e.EVSEMeteringReceiptStatus(status=verified))

    def reset(self, factory: bool) -> None:
        session = self.session
        if session is not None:
            session.silent = True
            session.fail(e.EvseSessionError.UNSPECIFIED, "module restart")
        self.session = None
        if self.listening:
            self.network.stop_listening()
        self._power_up()
