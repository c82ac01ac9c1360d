"""Several connectors in one process, each on its own emulated EVSE module with a simulated car:
every connector completes its session concurrently, a failing connector (a module that never
answers, a car that unplugs, a link that cannot be opened) is reported on its own lines while the
others complete, and Ctrl-C ends every connector safely."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
from collections.abc import AsyncIterator, Sequence
from typing import Any

from freev2g.apps.common import AppError, Interrupts
from freev2g.apps.park import Connector, ParkResult, main_park, run_park, summary_lines
from freev2g.emulator.peers.car_controller import SessionPoint
from freev2g.emulator.station import EmulatedStation, InProcess
from freev2g.transport import MemoryLink
from tests.apps.evse_station import FIRMWARE, IDLE, WatchedConsole, car_for, idle_states, settings_for

RUN_LIMIT = 120.0


def connector(name: str, link: Any, **settings: Any) -> Connector:
    return Connector(name, settings_for("iso2", "dc", **settings), link)


@contextlib.asynccontextmanager
async def stations(*cars: Any, generation: str = "v2") -> AsyncIterator[list[InProcess]]:
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(
            EmulatedStation.evse_with_car(firmware=FIRMWARE[generation], car=car)) for car in cars]


async def park(connectors: Sequence[Connector], **options: Any) -> tuple[ParkResult, dict[str, WatchedConsole]]:
    consoles = {c.name: WatchedConsole() for c in connectors}
    async with asyncio.timeout(RUN_LIMIT):
        result = await run_park(connectors, consoles=consoles, **options)
    return result, consoles


def test_every_connector_completes_its_session_concurrently() -> None:
    async def scenario() -> None:
        async with stations(car_for("iso2", "dc"), car_for("din", "dc"), car_for("iso2", "ac"),
                            generation="v2") as (a, b, c):
            result, consoles = await park([
                connector("bay-1", a.link), Connector("bay-2", settings_for("din", "dc"), b.link),
                Connector("bay-3", settings_for("iso2", "ac"), c.link)])
            assert result.exit_status == 0, summary_lines(result)
            for name, station in zip(("bay-1", "bay-2", "bay-3"), (a, b, c), strict=True):
                run = result.by_name()[name].result
                assert run is not None and run.completed_sessions == 1
                assert consoles[name].lines[-2:] == ["EVSE loop finished", "Goodbye!"]
                assert idle_states(station.module) == IDLE
                assert station.station.report()["evse module"]["missed"] == []
            assert result.by_name()["bay-3"].result.sessions[0].energy_transfer_mode == "AC"  # type: ignore[union-attr]

    asyncio.run(scenario())


def test_a_module_that_never_answers_fails_only_its_connector() -> None:
    async def scenario() -> None:
        silent_host, _nobody = MemoryLink.pair()
        async with stations(car_for("iso2", "dc"), car_for("iso2", "dc")) as (a, b):
            result, consoles = await park([connector("bay-1", a.link), connector("dead", silent_host),
                                           connector("bay-3", b.link)])
        outcomes = result.by_name()
        assert outcomes["dead"].exit_status == 1
        assert outcomes["dead"].error is not None and "no HCI reply" in outcomes["dead"].error
        assert any(line.startswith("Error: no HCI reply") for line in consoles["dead"].lines)
        for name in ("bay-1", "bay-3"):
            assert outcomes[name].exit_status == 0 and outcomes[name].result.completed_sessions == 1  # type: ignore[union-attr]
        assert result.exit_status == 1
        assert summary_lines(result)[-1] == "park: 2 of 3 connectors succeeded"

    asyncio.run(scenario())


def test_a_car_that_unplugs_fails_only_its_connector() -> None:
    async def scenario() -> None:
        leaving = car_for("iso2", "dc", unplug_at=SessionPoint.CHARGING, fault_delay=0.3)
        async with stations(car_for("iso2", "dc"), leaving, generation="v1") as (good, bad):
            result, consoles = await park([connector("bay-1", good.link), connector("bay-2", bad.link)])
            assert idle_states(bad.module) == IDLE  # the unplugged connector still ended safely
        outcomes = result.by_name()
        assert outcomes["bay-1"].exit_status == 0
        assert outcomes["bay-2"].exit_status == 1
        (session,) = outcomes["bay-2"].result.sessions  # type: ignore[union-attr]
        assert session.end == "unplugged" and not session.completed
        assert "EV disconnected" in consoles["bay-2"].lines
        assert "EV disconnected" not in consoles["bay-1"].lines
        assert result.exit_status == 1

    asyncio.run(scenario())


def test_a_link_that_cannot_be_opened_is_reported_on_its_lines() -> None:
    def opener(c: Connector) -> Any:
        raise AppError(f"{c.settings.interface}: no such interface", 1)

    async def scenario() -> None:
        async with stations(car_for("iso2", "dc")) as (a,):
            stream = io.StringIO()
            nowhere = Connector("bay-9", settings_for("iso2", "dc", interface="eth9"))
            status = await main_park([connector("bay-1", a.link), nowhere], stream=stream, opener=opener)
        text = stream.getvalue()
        assert status == 1
        assert "[bay-9] Error: eth9: no such interface" in text
        assert "[bay-1] Goodbye!" in text and "[bay-1] SLAC matching successful" in text
        assert "[bay-1] ok, 1/1 sessions completed" in text
        assert "[bay-9] failed (exit status 1), did not run: eth9: no such interface" in text

    asyncio.run(scenario())


def test_ctrl_c_ends_every_connector_safely() -> None:
    async def scenario() -> None:
        slow = car_for("iso2", "dc", charge_time=60.0)
        async with stations(slow, slow) as (a, b):
            consoles = {"bay-1": WatchedConsole(), "bay-2": WatchedConsole()}
            interrupts = Interrupts()
            task = asyncio.create_task(run_park([connector("bay-1", a.link), connector("bay-2", b.link)],
                                                consoles=consoles, interrupts=interrupts))
            with interrupts.installed(task):
                async with asyncio.timeout(RUN_LIMIT):
                    for console in consoles.values():
                        await console.wait_for('"Request Start Charging" received')
                    os.kill(os.getpid(), signal.SIGINT)
                    result = await task
            assert result.exit_status == 130
            for name, station in (("bay-1", a), ("bay-2", b)):
                assert result.by_name()[name].exit_status == 130
                assert consoles[name].lines[-2:] == ["EVSE loop finished", "Goodbye!"]
                assert idle_states(station.module) == IDLE

    asyncio.run(scenario())


def test_settings_reach_their_own_connector() -> None:
    """Each connector runs with its own limits: the smaller power stage stays within its limit."""
    async def scenario() -> None:
        async with stations(car_for("iso2", "dc"), car_for("iso2", "dc")) as (a, b):
            result, _ = await park([connector("big", a.link),
                                    connector("small", b.link, charger={"max_power": 5000, "max_current": 20})])
        big = result.by_name()["big"].result
        small = result.by_name()["small"].result
        assert big is not None and small is not None
        assert 0 < small.sessions[0].peak_power_w <= 5000 + 1e-6
        assert big.sessions[0].peak_power_w > 5000

    asyncio.run(scenario())

