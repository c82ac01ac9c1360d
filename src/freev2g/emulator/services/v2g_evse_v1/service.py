"""V2G module 0x27 of the EVSE firmware, API generation v1 (manual 2.11 §17, p115-p166).

Rules from the manual:

* Set Mode / Get Mode / Start / Stop (§17.8, p118-p120): Set Mode while started 0x01; a mode the
  firmware does not have 0x05; Start twice 0x05; Stop without Start 0x05.
* Configuration (0x60-0x67) only while the service is not started (p115: "stop it first"); the
  rules of each setting are in ``config.py``.
* Start listens for SDP and TCP (p188 figure 26): every accepted connection runs one SECC session
  (``session.py``) answering through the host's "Set X" commands 0x68-0x72.

Decisions where the manual is silent (hci-reference §5.9):

* A configuration command other than Set Mode while started: 0x11 wrong state; Get commands are
  answered at any time. A "Set X" without its pending request (also when no session runs): 0x11.
* The firmware supports one role, so the mode is EVSE from power-up (Get Mode never answers 2),
  as the CP service decides too.
* One session at a time: a connection accepted while a session runs is closed at once.
* Stop ends a running session, which the host learns from Session stopped (closure terminate); a
  module restart ends it silently and forgets the configuration.
"""

from __future__ import annotations

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.emulator.services.v2g_evse_v1.config import EvseConfig, Sdp
from freev2g.emulator.services.v2g_evse_v1.session import WRONG_STATE, V1Session
from freev2g.emulator.v2g.link import LinkEnd, V2gNetwork
from freev2g.emulator.v2g.secc import Secc
from freev2g.hci.catalog import v2g_common as c
from freev2g.hci.catalog import v2g_evse_v1 as e
from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

BUSY, UNEXPECTED, SETTING_FAILED = 0x01, 0x05, 0x10

_ANSWERS = (e.SetEvseId, e.SetAuthorizationStatus, e.SetDiscoveryChargeParameters, e.SetSchedules,
            e.SetCableCheckStatus, e.SetCableCheckParameters, e.SetPreChargeParameters,
            e.SetStartChargingStatus, e.SetChargeLoopParameters, e.SetStopChargingStatus,
            e.SetPostChargeParameters)


class V2gEvseV1Service(Service):
    """The V2G service of a v1 EVSE ``module``; its SECC sessions run on ``network``."""

    module_id = ModuleId.V2G

    def __init__(self, module: EmulatedModule, network: V2gNetwork) -> None:
        super().__init__(module)
        self.network = network
        self._power_up()

    def _power_up(self) -> None:
        self.config = EvseConfig()
        self.started = False
        self.session: V1Session | None = None
        self.sessions = 0  # sessions started since power-up

    def handle(self, command: Command) -> Answer:
        match command:
            case c.SetMode(mode=mode):
                if mode != V2gMode.EVSE:
                    return self.reject(command, UNEXPECTED)
                return self.reject(command, BUSY) if self.started else command.Response()
            case c.GetMode():
                return c.GetMode.Response(mode=V2gMode.EVSE)
            case c.Start():
                return self._start(command)
            case c.Stop():
                return self._stop(command)
            case e.GetSupportedProtocols():
                return e.GetSupportedProtocols.Response(protocols=list(self.config.protocols))
            case e.GetSdpConfig():
                return self.config.sdp.response()
            case e.GetPaymentOptions():
                required = self.config.authorization_required
                options = list(self.config.payment_options) if required else None
                return e.GetPaymentOptions.Response(authorization_required=required, payment_options=options)
            case e.GetEnergyTransferModes():
                return e.GetEnergyTransferModes.Response(modes=list(self.config.modes))
            case (e.SetSupportedProtocols() | e.SetSdpConfig() | e.SetPaymentOptions()
                  | e.SetEnergyTransferModes()):
                return self._configure(command)
            case _ if isinstance(command, _ANSWERS):
                code = self.session.answer(command) if self.session is not None else WRONG_STATE
                return self.reject(command, code) if code else command.Response()
        return self.unknown(command)

    def _configure(self, command: Command) -> Answer:
        if self.started:
            return self.reject(command, WRONG_STATE)
        match command:
            case e.SetSupportedProtocols(protocols=protocols):
                changed = self.config.with_protocols(protocols)
            case e.SetSdpConfig():
                changed = self.config.with_sdp(Sdp.of(command))
            case e.SetPaymentOptions(authorization_required=required, payment_options=options):
                changed = self.config.with_payment(required, options)
            case e.SetEnergyTransferModes(modes=modes):
                changed = self.config.with_modes(modes)
            case _:
                return self.unknown(command)
        if changed is None:
            return self.reject(command, SETTING_FAILED)
        self.config = changed
        return command.Response()

    def _start(self, command: Command) -> Answer:
        if self.started:
            return self.reject(command, UNEXPECTED)
        self.started = True
        self.network.listen(self._accept)
        return command.Response()

    def _stop(self, command: Command) -> Answer:
        if not self.started:
            return self.reject(command, UNEXPECTED)
        self._leave(report=True)
        return command.Response()

    def _leave(self, *, report: bool) -> None:
        if self.started:
            self.network.stop_listening()
        self.started = False
        if self.session is not None:
            self.session.close("V2G service stopped" if report else "module restart", report=report)
        self.session = None

    def reset(self, factory: bool) -> None:
        self._leave(report=False)
        self._power_up()

    # -- the network ----------------------------------------------------------------------------

    def _accept(self, end: LinkEnd) -> None:
        if not self.started or self.session is not None:
            end.close()
            return
        session = V1Session(self.module, self.config, self._session_finished)
        self.session = session
        self.sessions += 1
        session.secc = Secc(self.module.clock, end, controller=session)

    def _session_finished(self, session: V1Session) -> None:
        if self.session is session:
            self.session = None
