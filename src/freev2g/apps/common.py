"""What the EVSE and the EV applications share: opening the module, the start-up stop of V2G,
SLAC and CP, the control-pilot and SLAC steps, the safe end and the signal handling.

Sources: the host start-up of hci-reference §5.1 (the latest vendor host: firmware version, SLAC
Stop accepting 0x10, CP Stop accepting 0x05, V2G stop), the seed's console lines for the CP and
SLAC steps (v1-api §4.3 rows 2-12), CP as in manual 2.14 p203-p204 (§5.2), SLAC matching as in
p205-p207 (§5.3; the EVSE is ready for 50 s after Start Matching, the host waits up to 60 s).

Seed bugs done right here (v1-api §6): a Stop of a service that is not started is answered 0x05
(CP, V2G) or 0x10 (SLAC) and means "already stopped", never a start-up failure; each Stop is
sent once; CP state changes come from the module's State Changed messages, not from polling; the
duty cycle goes back to 100 % after every session; Ctrl-C and SIGTERM end with the safe end.

Typical use (EVSE)::

    wb = await connect_module(link, console, iface="eth0", mac=mac, generation=None)
    await stop_services(wb, Role.EVSE)
    pilot = await start_control_pilot(wb, console, Role.EVSE)
    await start_slac(wb, console, Role.EVSE)
    await wait_for_vehicle(pilot, console)
    await match_slac_evse(wb, console)
    ...
    await safe_end(wb, Role.EVSE)
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import signal
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from freev2g.apps.console import Console
from freev2g.client import CommandRejected, CommandTimeout, ConnectionClosed, Whitebeet
from freev2g.client.whitebeet import Link
from freev2g.hci.catalog import cp, slac, v2g_common, v2g_evse_v2
from freev2g.hci.catalog.cp import ControlPilotMode, ControlPilotState
from freev2g.hci.catalog.slac import SlacMode, SlacState
from freev2g.hci.catalog.v2g_types import V2gMode
from freev2g.hci.message import Command
from freev2g.hci.modules import Generation

log = logging.getLogger("freev2g.apps")

UNEXPECTED = 0x05  # generic "not in a state to execute the command" (manual 2.14 p48)
SLAC_WRONG_STATE = 0x10  # SLAC "wrong state" (p102)
V2G_WRONG_STATE = 0x11  # V2G "wrong state" (p119)

DUTY_CYCLE_X1 = 1000  # ‰, 100 %: no PWM (p95)
DUTY_CYCLE_HLC = 50  # ‰, 5 %: high-level communication (ISO 15118), p203
SLAC_STARTUP_LIMIT = 3.0  # s; the module needs about 1-2 s after Start SLAC (hci-reference §5.10)
SLAC_MATCHING_WAIT = 60.0  # s; the EVSE module reports failure after 50 s (p107), the seed waits 60
SLAC_TIMED_OUT_AFTER = 49.0  # s; a failure this late is the module's 50 s time-out (seed rule)


class Role(enum.Enum):
    EVSE = "EVSE"
    EV = "EV"


DEFAULT_MAC = {Role.EVSE: "00:01:01:63:77:33", Role.EV: "00:01:01:63:77:31"}
"""The manual's example MACs (issue 5 item 1), as the seed's defaults."""


class AppError(Exception):
    """Ends a run with one line (no traceback); ``status`` is the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class SessionFailed(Exception):
    """The current session cannot go on (SLAC failed, module time-out, unplug, ...): the
    application prints the reason, ends safely and goes on with the next session or stops."""


# -- opening the module -----------------------------------------------------------------------


@dataclass
class LinkOptions:
    """How to reach the module (``freev2g evse/ev --transport eth|spi ...``)."""

    transport: str = "eth"
    interface: str | None = None
    mac: str = DEFAULT_MAC[Role.EVSE]
    spi_device: str = "/dev/spidev0.0"
    gpiochip: str = "/dev/gpiochip0"
    rx_ready_line: int = 22
    tx_pending_line: int = 27
    spi_speed_hz: int = 8_000_000
    pcap: str | None = None

    @property
    def iface(self) -> str:
        """What the seed prints after ``iface:``."""
        return self.interface if self.transport == "eth" and self.interface else self.spi_device


def open_link(options: LinkOptions) -> Link:
    """The transport to the module; it is opened by :func:`connect_module`."""
    if options.transport == "eth":
        from freev2g.transport import EthernetTransport

        if not options.interface:
            raise AppError("no network interface: give one with -i/--interface (e.g. -i eth0)", 2)
        return EthernetTransport(options.interface, options.mac, capture=options.pcap)
    if options.transport == "spi":
        from freev2g.transport import SpidevBus, SpiTransport

        bus = SpidevBus(options.spi_device, gpiochip=options.gpiochip, rx_ready_line=options.rx_ready_line,
                        tx_pending_line=options.tx_pending_line, speed_hz=options.spi_speed_hz)
        return SpiTransport(bus, capture=options.pcap, module_mac=options.mac)
    raise AppError(f"transport {options.transport!r}: use eth or spi", 2)


async def connect_module(link: Link, console: Console, *, iface: str, mac: str,
                         generation: Generation | None = None) -> Whitebeet:
    """Open the link, ping the module and read its firmware version; the API generation comes
    from the version (v1-api §3.1) unless ``generation`` forces one. Prints the seed's lines
    ``Initiating framing interface`` and ``iface: eth0, mac: ...``."""
    console.line("Initiating framing interface")
    wb = Whitebeet(link, generation=generation)
    try:
        await wb.connect()
    except BaseException:
        await wb.close()
        raise
    console.line(f"iface: {iface}, mac: {mac}")
    log.info("firmware %s, API generation %s%s", wb.firmware_version, wb.generation.value,
             " (forced)" if generation is not None else "")
    return wb


# -- commands that may find the service already stopped ---------------------------------------


async def quietly(wb: Whitebeet, command: Command, accepted: tuple[int, ...] = ()) -> bool:
    """Send ``command``; True when it succeeded. Result codes in ``accepted`` (e.g. "already
    stopped") are expected and logged at debug level, any other rejection or a time-out is
    logged as a warning: used where the application must go on whatever the module says."""
    try:
        await wb.request(command)
        return True
    except CommandRejected as exc:
        level = logging.DEBUG if exc.result in accepted else logging.WARNING
        log.log(level, "%s", exc)
    except (CommandTimeout, ConnectionClosed) as exc:
        log.warning("%s", exc)
    return False


async def stop_v2g(wb: Whitebeet, role: Role) -> None:
    """Stop the V2G service: v1 Stop (0x43; 0x05 = not started, manual 2.11 p120); v2 EVSE Stop
    Listen (0x70, manual 2.14 p151) when the module is in EVSE mode; the v2 EV role has no
    service stop (its session ends with Stop Session)."""
    if wb.generation is Generation.V1:
        await quietly(wb, v2g_common.Stop(), (UNEXPECTED, V2G_WRONG_STATE))
        return
    if role is Role.EVSE:
        try:
            mode = await wb.call(v2g_common.GetMode(), v2g_common.GetMode.Response)
        except (CommandRejected, CommandTimeout) as exc:
            log.warning("%s", exc)
            return
        if mode.mode is V2gMode.EVSE:
            await quietly(wb, v2g_evse_v2.EVSEStopListen(), (UNEXPECTED, V2G_WRONG_STATE))


async def stop_services(wb: Whitebeet, role: Role) -> None:
    """The start-up stop (and the end of every run): V2G, SLAC, then CP, each once, "already
    stopped" accepted (hci-reference §5.1; v1-api §6.2 last bullet)."""
    await stop_v2g(wb, role)
    await quietly(wb, slac.StopSlac(), (SLAC_WRONG_STATE,))
    await quietly(wb, cp.Stop(), (UNEXPECTED,))


ALL_SERVICES = ("v2g", "slac", "cp")


async def safe_end(wb: Whitebeet, role: Role, running: Collection[str] = ALL_SERVICES) -> None:
    """V2G stopped, SLAC stopped, CP stopped (EVSE: back to X1, 100 %; EV: resistor level B),
    whatever happened before; ``running`` names the services still to stop (so that each Stop
    is sent once). The caller brings its power stage to zero first. Never raises for the
    module's answers; a closed client is skipped."""
    if getattr(wb, "_closed", False):
        log.warning("safe end skipped: the connection to the module is closed")
        return
    if "v2g" in running:
        await stop_v2g(wb, role)
    if "slac" in running:
        await quietly(wb, slac.StopSlac(), (SLAC_WRONG_STATE,))
    if "cp" in running:
        await quietly(wb, cp.Stop(), (UNEXPECTED,))
    log.info("safe end: V2G, SLAC and CP stopped")


# -- control pilot ----------------------------------------------------------------------------


class PilotMonitor:
    """Follows the CP state from the module's State Changed messages (0x29/0x81, p101).

    Created before CP Start, because Start reports the first measured state (p203). ``unplugged``
    is set when the state goes back to A (or E/F) after a vehicle was seen.
    """

    def __init__(self, wb: Whitebeet) -> None:
        self.state = ControlPilotState.UNKNOWN
        self.vehicle_seen = False
        self.unplugged = asyncio.Event()
        self._changed = asyncio.Event()
        self._subscription = wb.statuses(cp.StateChanged)
        self._task = asyncio.create_task(self._follow(), name="cp-state")

    async def _follow(self) -> None:
        async for message in self._subscription:
            self.update(ControlPilotState(message.state))

    def update(self, state: ControlPilotState) -> None:
        log.debug("CP state %s", state.name)
        self.state = state
        if state in (ControlPilotState.B, ControlPilotState.C, ControlPilotState.D):
            self.vehicle_seen = True
            self.unplugged.clear()
        elif state in (ControlPilotState.A, ControlPilotState.E, ControlPilotState.F) and self.vehicle_seen:
            self.vehicle_seen = False
            self.unplugged.set()
        self._changed.set()

    async def wait_for(self, accept: Callable[[ControlPilotState], bool], timeout: float | None = None
                       ) -> ControlPilotState:
        async with asyncio.timeout(timeout):
            while not accept(self.state):
                self._changed.clear()
                await self._changed.wait()
        return self.state

    def close(self) -> None:
        self._subscription.close()
        self._task.cancel()


async def start_control_pilot(wb: Whitebeet, console: Console, role: Role) -> PilotMonitor:
    """CP Set Mode, (EVSE) duty cycle 100 %, Start, with the seed's lines (v1-api §4.3 rows 4-6)."""
    pilot = PilotMonitor(wb)
    try:
        if role is Role.EVSE:
            console.line("Set the CP mode to EVSE")
            await wb.request(cp.SetMode(mode=ControlPilotMode.EVSE))
            console.line("Set the CP duty cycle to 100%")
            await wb.request(cp.SetPwmDutyCycle(duty_cycle=DUTY_CYCLE_X1))
        else:
            console.line("Set the CP mode to EV")
            await wb.request(cp.SetMode(mode=ControlPilotMode.EV))
        console.line("Start the CP service")
        await wb.request(cp.Start())
    except BaseException:
        pilot.close()
        raise
    return pilot


async def wait_for_vehicle(pilot: PilotMonitor, console: Console, timeout: float | None = None) -> None:
    """Until the EV is plugged in (state B), with the seed's lines (v1-api §4.3 rows 8-9).

    A vehicle already in state B prints ``EV already connected``; C or D before any session
    (the EV must not close S2 before 5 %) prints ``CP in wrong state: N`` and fails."""
    try:
        await pilot.wait_for(lambda s: s is not ControlPilotState.UNKNOWN, 1.0)
    except TimeoutError:
        log.warning("the module reported no CP state within 1 s of CP Start")
    state = pilot.state
    if state is ControlPilotState.B:
        console.line("EV already connected")
        return
    if state in (ControlPilotState.C, ControlPilotState.D):
        console.line(f"CP in wrong state: {int(state)}")
        raise SessionFailed(f"CP in state {state.name} before the session")
    console.line("Wait until an EV connects")
    try:
        await pilot.wait_for(lambda s: s is ControlPilotState.B, timeout)
    except TimeoutError:
        raise SessionFailed("no EV connected") from None
    console.line("EV connected")


async def wait_for_unplug(pilot: PilotMonitor, timeout: float | None = None) -> bool:
    """True once the vehicle is unplugged (state A), False after ``timeout``."""
    try:
        await pilot.wait_for(lambda s: s in (ControlPilotState.A, ControlPilotState.E, ControlPilotState.F),
                             timeout)
        return True
    except TimeoutError:
        return False


# -- SLAC -------------------------------------------------------------------------------------


async def start_slac(wb: Whitebeet, console: Console, role: Role) -> None:
    """Start SLAC in the role and wait until the module has set up its network (state 3, about
    1-2 s, p105-p108) instead of the seed's blind 2 s sleep."""
    console.line(f"Start SLAC in {role.value} mode")
    await wb.request(slac.StartSlac(mode=SlacMode.EVSE if role is Role.EVSE else SlacMode.EV))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SLAC_STARTUP_LIMIT
    while loop.time() < deadline:
        state = await wb.call(slac.GetState(), slac.GetState.Response)
        if state.state is not SlacState.STARTING:
            return
        await asyncio.sleep(0.1)
    log.warning("SLAC still starting after %g s; going on", SLAC_STARTUP_LIMIT)


async def match_slac_evse(wb: Whitebeet, console: Console, timeout: float = SLAC_MATCHING_WAIT) -> None:
    """Start matching, then 5 % (matching first, p203-p205), and wait for the result, with the
    seed's lines (v1-api §4.3 rows 10-12). Raises :class:`SessionFailed` on failure."""
    with wb.statuses(slac.SlacProcessSuccessful, slac.SlacProcessFailed) as results:
        console.line("Start SLAC matching")
        await wb.request(slac.StartSlacMatchingProcess())
        started = asyncio.get_running_loop().time()
        console.line("Set duty cycle to 5%")
        await wb.request(cp.SetPwmDutyCycle(duty_cycle=DUTY_CYCLE_HLC))
        try:
            result = await results.get(timeout)
        except TimeoutError:
            console.line(f"We did not receive a frame before the timeout of {timeout:g}s")
            raise SessionFailed("no SLAC result") from None
    if isinstance(result, slac.SlacProcessSuccessful):
        console.line("SLAC matching successful")
        return
    if asyncio.get_running_loop().time() - started > SLAC_TIMED_OUT_AFTER:
        console.line("SLAC matching timed out")
    else:
        console.line("SLAC matching failed")
    raise SessionFailed("SLAC matching did not succeed")


async def return_to_x1(wb: Whitebeet) -> None:
    """Back to 100 % after a session so that the EV sees no HLC offer (seed bug v1-api §6.1 6)."""
    await quietly(wb, cp.SetPwmDutyCycle(duty_cycle=DUTY_CYCLE_X1), (UNEXPECTED,))


# -- signals ----------------------------------------------------------------------------------

EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupts:
    """Ctrl-C (SIGINT) and SIGTERM cancel the application's task, so that it runs its safe end;
    ``received`` tells which signal came, ``exit_status`` the status to exit with (130 for
    Ctrl-C, 143 for SIGTERM)."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None

    @property
    def exit_status(self) -> int | None:
        return EXIT_STATUS[self.received] if self.received is not None else None

    @contextlib.contextmanager
    def installed(self, task: asyncio.Task[object]) -> Iterator[Interrupts]:
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []

        def cancel(sig: signal.Signals) -> None:
            log.info("%s received: ending safely", sig.name)
            if self.received is None:
                self.received = sig
                task.cancel()

        for sig in EXIT_STATUS:
            try:
                loop.add_signal_handler(sig, cancel, sig)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                log.debug("cannot handle %s here", sig.name)
        try:
            yield self
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
