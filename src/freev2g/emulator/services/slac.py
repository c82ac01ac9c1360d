"""SLAC module 0x28 (manual 2.14 §16, p102-p113; 2.11 §15, p98-p109), one side of a PlcLink.

Rules from the manual:

* Start SLAC in the firmware's role, then Start SLAC Matching Process: the EVSE is ready for 50 s
  and reports a failure when no match happened (p107); the EV starts sending SLAC messages.
  Start Matching before Start SLAC: 0x10 wrong state (p102, p107: "SLAC module must be started
  before"). Stop SLAC when not started: 0x10 (p106).
* AttnRx (EVSE, p108-p109) and AttnTxRef (EV, p109-p110) values are kept until reset (p211,
  p213) and used for matching.
* Status messages with request ID 0xFF (p103; hci-reference §9.1): 0x80 success, 0x81 failure,
  0x82 BCB Toggling Started with the window in ms, 0x83 BCB Toggling Finished (p103-p104). The
  BCB toggle result must arrive before 0x83 (p104, p110).

Decisions where the manual is silent (each is tested):

* Power-up state 1 "idle" (the state of the Get State example, p108), also after Stop.
  Start SLAC enters 2 "starting" for ``PlcLinkConfig.slac_startup`` (about 1-2 s, hci-reference
  §5.10), then 3 "started, not running"; matching is 4 "running", then 5 "ready" or 6 "failure".
* Start Matching during "starting" is accepted and runs when start-up ends (the 50 s count from
  then); while a matching runs it answers 0x10; after a success or failure it starts a new one
  (2.11.1 allows a repeated matching without stopping the service, v1-api §1.12).
* Start SLAC when already started: 0x10. A mode the firmware's role does not have, and the
  commands of the other role (AttnRx on an EV, AttnTxRef and BCB Toggle Result on an EVSE):
  0x05, as the CP service answers for the other role's commands (p95).
* Set BCB Toggle Result outside a toggle window: 0x10; inside it the last count wins.
* Validation is disabled at power-up; the setting can change at any time and applies to the next
  matching. Get Interface ("not supported yet", p105) answers the index set with Set Interface,
  0xFF until one is set.
"""

from __future__ import annotations

from freev2g.emulator.clock import Timer
from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.emulator.profiles import Role
from freev2g.emulator.world.plc_link import PlcLink
from freev2g.hci.catalog import slac
from freev2g.hci.catalog.slac import GROUPS, NO_INTERFACE, SlacMode, SlacState, ValidationConfiguration
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

UNEXPECTED = 0x05
WRONG_STATE = 0x10  # p102


class SlacService(Service):
    """The SLAC service of ``module``, the side of ``link`` that matches the firmware's role."""

    module_id = ModuleId.SLAC

    def __init__(self, module: EmulatedModule, link: PlcLink) -> None:
        super().__init__(module)
        self.link = link
        self.role = module.profile.role
        self.own_mode = SlacMode.EVSE if self.role is Role.EVSE else SlacMode.EV
        self._startup: Timer | None = None
        self._power_up()
        link.attach(self.role, self)

    def _power_up(self) -> None:
        self.state = SlacState.IDLE
        self.interface = NO_INTERFACE
        self.attn_rx = bytes(GROUPS)
        self.attn_tx_ref = bytes(GROUPS)
        self.validation = ValidationConfiguration.DISABLED
        self._matching_requested = False

    def handle(self, command: Command) -> Answer:
        evse = self.role is Role.EVSE
        match command:
            case slac.SetInterface(index=index):
                self.interface = index
                return command.Response()
            case slac.GetInterface():
                return slac.GetInterface.Response(index=self.interface)
            case slac.StartSlac(mode=mode):
                if mode != self.own_mode:
                    return self.reject(command, UNEXPECTED)
                if self.state is not SlacState.IDLE:
                    return self.reject(command, WRONG_STATE)
                self.state = SlacState.STARTING
                self._startup = self.module.clock.call_later(self.link.config.slac_startup, self._started)
                return command.Response()
            case slac.StopSlac():
                if self.state is SlacState.IDLE:
                    return self.reject(command, WRONG_STATE)
                self._leave()
                self.state = SlacState.IDLE
                return command.Response()
            case slac.StartSlacMatchingProcess():
                return self._start_matching(command)
            case slac.GetState():
                return slac.GetState.Response(state=self.state)
            case slac.SetValidationConfiguration(mode=mode):
                self.validation = ValidationConfiguration(mode)
                return command.Response()
            case slac.GetValidationConfiguration():
                return slac.GetValidationConfiguration.Response(state=self.validation)
            case slac.SetAttnRxValues() | slac.GetAttnRxValues() | slac.SetBcbToggleResult() if not evse:
                return self.reject(command, UNEXPECTED)
            case slac.SetAttnTxRefValues() | slac.GetAttnTxRefValues() if evse:
                return self.reject(command, UNEXPECTED)
            case slac.SetAttnRxValues(attn_rx=values):
                self.attn_rx = values
                return command.Response()
            case slac.GetAttnRxValues():
                return slac.GetAttnRxValues.Response(attn_rx=self.attn_rx)
            case slac.SetAttnTxRefValues(attn_tx_ref=values):
                self.attn_tx_ref = values
                return command.Response()
            case slac.GetAttnTxRefValues():
                return slac.GetAttnTxRefValues.Response(attn_tx_ref=self.attn_tx_ref)
            case slac.SetBcbToggleResult(toggles=toggles):
                if not self.link.set_bcb_result(toggles):
                    return self.reject(command, WRONG_STATE)
                return command.Response()
        return self.unknown(command)

    def _start_matching(self, command: Command) -> Answer:
        if self.state in (SlacState.IDLE, SlacState.RUNNING) or self._matching_requested:
            return self.reject(command, WRONG_STATE)
        if self.state is SlacState.STARTING:
            self._matching_requested = True
        else:
            self._run_matching()
        return command.Response()

    def _started(self) -> None:
        self._startup = None
        self.state = SlacState.STARTED_NOT_RUNNING
        if self._matching_requested:
            self._matching_requested = False
            self._run_matching()

    def _run_matching(self) -> None:
        self.state = SlacState.RUNNING
        attenuation = self.attn_rx if self.role is Role.EVSE else self.attn_tx_ref
        enabled = self.validation is ValidationConfiguration.ENABLED
        self.link.start_matching(self.role, validation=enabled, attenuation=attenuation)

    def _leave(self) -> None:
        if self._startup is not None:
            self._startup.cancel()
            self._startup = None
        self._matching_requested = False
        self.link.stop(self.role)

    def reset(self, factory: bool) -> None:
        self._leave()
        self._power_up()

    # -- from the link (SlacListener) -----------------------------------------------------------

    def slac_matched(self) -> None:
        self.state = SlacState.READY
        self.module.emit(slac.SlacProcessSuccessful())

    def slac_failed(self) -> None:
        self.state = SlacState.FAILURE
        self.module.emit(slac.SlacProcessFailed())

    def bcb_toggling_started(self, window_ms: int) -> None:
        self.module.emit(slac.BcbTogglingStarted(bcb_time_window=window_ms))

    def bcb_toggling_finished(self) -> None:
        self.module.emit(slac.BcbTogglingFinished())
