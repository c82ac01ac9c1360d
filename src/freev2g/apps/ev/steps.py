"""The EV's control pilot and SLAC steps before a V2G session (hci-reference §5.4; manual 2.14
§21.4, p208-p210), with the seed's lines (v1-api §4.4 steps 6-8).

Done right (v1-api §6.2): "Set SLAC to EV mode" sets the SLAC validation as configured (the seed
disabled it while its line said otherwise) and the start-up waits for the SLAC service instead of
sleeping 2 s; the EVSE is accepted at 5 % and at a nominal PWM duty cycle (ISO 15118-3 lets the EV
start matching at either; the seed took 0.1-10 % only); waiting for the EVSE has a time limit
when one is configured; the SLAC result is taken with any request ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from freev2g.apps.common import SLAC_STARTUP_LIMIT, SLAC_TIMED_OUT_AFTER, SessionFailed
from freev2g.apps.console import Console
from freev2g.client import Whitebeet
from freev2g.config.ev_schema import SessionSection
from freev2g.hci.catalog import cp, slac
from freev2g.hci.catalog.slac import SlacMode, SlacState, ValidationConfiguration

log = logging.getLogger("freev2g.apps.ev")

HLC_DUTY_MIN, HLC_DUTY_MAX = 1, 960  # ‰: 5 % (HLC only) up to the highest nominal PWM (96 %)
DUTY_POLL = 0.1  # s, as the seed; Duty Cycle Changed notifications wake the wait earlier


def evse_offers_charging(duty_cycle: int) -> bool:
    """A PWM on the CP line: the EVSE is there and ready (manual p95; IEC 61851-1 / ISO 15118-3)."""
    return HLC_DUTY_MIN <= duty_cycle <= HLC_DUTY_MAX


async def start_slac_ev(wb: Whitebeet, console: Console, session: SessionSection) -> None:
    console.line("Set SLAC to EV mode")
    mode = ValidationConfiguration.ENABLED if session.slac_validation else ValidationConfiguration.DISABLED
    await wb.request(slac.SetValidationConfiguration(mode=mode))
    console.line("Start SLAC")
    await wb.request(slac.StartSlac(mode=SlacMode.EV))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SLAC_STARTUP_LIMIT
    while loop.time() < deadline:
        state = await wb.call(slac.GetState(), slac.GetState.Response)
        if state.state is not SlacState.STARTING:
            return
        await asyncio.sleep(0.1)
    log.warning("SLAC still starting after %g s; going on", SLAC_STARTUP_LIMIT)


async def wait_for_evse(wb: Whitebeet, console: Console, timeout: float | None) -> None:
    """Until the EVSE puts a PWM on the CP line (seed step 7)."""
    with wb.statuses(cp.DutyCycleChanged) as changes:
        duty = await wb.call(cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response)
        if evse_offers_charging(duty.duty_cycle):
            console.line("EVSE connected")
            return
        console.line("Wait until an EVSE connects")
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            if deadline is not None and loop.time() >= deadline:
                raise SessionFailed(f"no EVSE within {timeout:g} s")
            with contextlib.suppress(TimeoutError):
                await changes.get(timeout=DUTY_POLL)
            duty = await wb.call(cp.GetPwmDutyCycle(), cp.GetPwmDutyCycle.Response)
            if evse_offers_charging(duty.duty_cycle):
                console.line("EVSE connected")
                return


async def match_slac_ev(wb: Whitebeet, console: Console, session: SessionSection) -> None:
    """Start matching and wait for the result (seed step 8); :class:`SessionFailed` if it fails."""
    timeout = session.slac_timeout
    console.line("Start SLAC matching")
    if session.slac_delay:
        await asyncio.sleep(session.slac_delay)
    loop = asyncio.get_running_loop()
    with wb.statuses(slac.SlacProcessSuccessful, slac.SlacProcessFailed) as results:
        await wb.request(slac.StartSlacMatchingProcess())
        started = loop.time()
        try:
            result = await results.get(timeout)
        except TimeoutError:
            console.line(f"We did not receive a frame before the timeout of {timeout:g}s")
            raise SessionFailed("no SLAC result") from None
    if isinstance(result, slac.SlacProcessSuccessful):
        console.line("SLAC matching successful")
        return
    if loop.time() - started > SLAC_TIMED_OUT_AFTER:
        console.line("SLAC matching timed out")
    else:
        console.line("SLAC matching failed")
    raise SessionFailed("SLAC matching did not succeed")
