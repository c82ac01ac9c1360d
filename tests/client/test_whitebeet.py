"""The asynchronous client against a scripted fake module in memory."""

from __future__ import annotations

import asyncio
import logging

import pytest
from hypothesis import find

from freev2g.client import (
    CommandRejected,
    CommandTimeout,
    ConnectionClosed,
    ModuleFramingError,
    NoReply,
    UnknownGeneration,
    Whitebeet,
)
from freev2g.hci.catalog import cp, framing, system
from freev2g.hci.frame import Frame
from freev2g.hci.message import lookup
from freev2g.hci.modules import Direction, Generation
from tests.client.fake_module import FakeModule, echo_pings, reply
from tests.strategies import for_struct

VERSION = system.GetFirmwareVersion.Response


def firmware(version: str):
    def handler(frame: Frame) -> list[bytes] | None:
        if frame.module_id == 0x10 and frame.sub_id == 0x41:
            return [VERSION(version=version).to_frame(frame.request_id).encode()]
        return echo_pings(frame)
    return handler


@pytest.mark.parametrize(("version", "generation"), [("V01_01_06", Generation.V1), ("V02_00_01", Generation.V2),
                                                     ("V01_00_05", Generation.V1)])
async def test_connect_detects_the_generation(version: str, generation: Generation) -> None:
    async with Whitebeet(FakeModule(firmware(version))) as wb:
        assert wb.firmware_version == version and wb.generation is generation


async def test_generation_can_be_forced() -> None:
    async with Whitebeet(FakeModule(firmware("V01_01_06")), generation=Generation.V2) as wb:
        assert wb.generation is Generation.V2


async def test_unknown_version_asks_for_the_generation_option() -> None:
    with pytest.raises(UnknownGeneration, match="--generation"):
        async with Whitebeet(FakeModule(firmware("1.2.0.0"))):
            pass


async def test_silence_gives_a_diagnosis() -> None:
    link = FakeModule(lambda frame: None)
    wb = Whitebeet(link, no_reply_hint="check the cable")
    with pytest.raises(NoReply, match=r"no HCI reply from fake module within 0.05 s: check the cable"):
        await wb.connect(timeout=0.05)
    await wb.close()
    assert link.closed


async def test_many_concurrent_requests_are_matched_by_request_id() -> None:
    held: list[Frame] = []

    def hold(frame: Frame) -> None:
        held.append(frame)

    link = FakeModule(hold)
    wb = Whitebeet(link)
    await wb.open()
    tasks = [asyncio.create_task(wb.request(framing.Ping(data=bytes([i])))) for i in range(100)]
    while len(held) < 100:
        await asyncio.sleep(0)
    for frame in reversed(held):  # answered in reverse order
        link.push(reply(frame, frame.payload, sub_id=0x01))
    answers = await asyncio.gather(*tasks)
    assert [a.data for a in answers] == [bytes([i]) for i in range(100)]
    assert len({f.request_id for f in held}) == 100


async def test_request_ids_cycle_and_never_use_ff() -> None:
    link = FakeModule(echo_pings)
    wb = Whitebeet(link)
    await wb.open()
    for _ in range(600):
        await wb.request(framing.Ping())
    ids = [f.request_id for f in link.received]
    assert 0xFF not in ids and ids[:3] == [0, 1, 2] and ids[255] == 0 and max(ids) == 0xFE


async def test_busy_is_retried_until_accepted() -> None:
    answers = iter([b"\x01", b"\x01", b"\x00\x07V02_x_x"[:1] + b"\x09V02_00_01"])

    def busy_twice(frame: Frame) -> list[bytes]:
        return [reply(frame, next(answers))]

    wb = Whitebeet(FakeModule(busy_twice))
    await wb.open()
    response = await wb.request(system.GetFirmwareVersion())
    assert response == VERSION(version="V02_00_01") and wb.stats.busy_retries == 2


async def test_busy_until_the_deadline_is_rejected() -> None:
    wb = Whitebeet(FakeModule(lambda frame: [reply(frame, b"\x01")]), busy_deadline=0.05)
    await wb.open()
    with pytest.raises(CommandRejected, match=r"Get Firmware Version rejected: 0x01 busy"):
        await wb.request(system.GetFirmwareVersion())


@pytest.mark.parametrize(("module", "sub", "code", "text"), [
    (0x29, 0x42, 0x05, "rejected: 0x05 unexpected message"),
    (0x27, 0x6B, 0x11, "rejected: 0x11 wrong state"),
    (0x28, 0x43, 0x10, "rejected: 0x10 wrong state"),
    (0x10, 0x5A, 0x10, "rejected: 0x10 file not found"),
])
async def test_result_codes_become_typed_errors(module: int, sub: int, code: int, text: str) -> None:
    command_type = lookup(module, sub, Direction.HOST, Generation.V2)
    assert command_type is not None
    command = find(for_struct(command_type), lambda _: True)
    wb = Whitebeet(FakeModule(lambda frame: [reply(frame, bytes([code]))]))
    await wb.open()
    with pytest.raises(CommandRejected, match=text) as caught:
        await wb.request(command)
    assert caught.value.result == code and caught.value.command is command


async def test_timeout_names_the_command() -> None:
    wb = Whitebeet(FakeModule(lambda frame: None))
    await wb.open()
    with pytest.raises(CommandTimeout, match=r"Get Firmware Version: no response within 0.02 s"):
        await wb.request(system.GetFirmwareVersion(), timeout=0.02)
    assert wb.stats.timeouts == 1


async def test_statuses_keep_their_order_and_filters_apply() -> None:
    link = FakeModule(echo_pings)
    wb = Whitebeet(link)
    await wb.open()
    everything = wb.statuses()
    states = wb.statuses(module=0x29)
    for state in range(5):
        link.push(Frame(0x29, 0x81, 0xFF, bytes([state])).encode())
        link.push(Frame(0x28, 0x80, 0xFF, b"").encode())
    got = [await states.get(timeout=1) for _ in range(5)]
    assert [m.state for m in got] == list(range(5))
    assert everything.pending() == 10 and states.pending() == 0
    everything.close()
    states.close()


async def test_async_for_yields_the_subscribed_type_in_order_until_the_client_closes() -> None:
    link = FakeModule(echo_pings)
    wb = Whitebeet(link)
    await wb.open()
    states = wb.statuses(cp.StateChanged)
    for state in range(3):
        link.push(Frame(0x28, 0x80, 0xFF, b"").encode())  # a SLAC status: another type
        link.push(Frame(0x29, 0x81, 0xFF, bytes([state])).encode())
    await wb.request(framing.Ping())  # lets the pushed frames arrive
    await wb.close()
    assert [message.state async for message in states] == [0, 1, 2]


async def test_a_full_subscriber_drops_the_oldest_counted_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    link = FakeModule(echo_pings)
    wb = Whitebeet(link)
    await wb.open()
    with wb.statuses(maxsize=3) as small, caplog.at_level(logging.WARNING):
        for state in range(5):
            link.push(Frame(0x29, 0x81, 0xFF, bytes([state])).encode())
        await wb.request(framing.Ping())  # lets the pushed frames arrive
        assert small.overflows == 2
        assert [(await small.get()).state for _ in range(3)] == [2, 3, 4]
    assert "dropped the oldest" in caplog.text


async def test_a_response_nobody_waits_for_goes_to_the_subscribers() -> None:
    link = FakeModule(echo_pings)
    wb = Whitebeet(link)
    await wb.open()
    with wb.statuses() as all_messages:
        link.push(VERSION(version="late").to_frame(0x42).encode())
        message = await all_messages.get(timeout=1)
    assert message == VERSION(version="late")


async def test_module_framing_error_fails_the_command_and_resynchronises() -> None:
    seen: list[int] = []
    uptime_calls = 0
    pings = 0

    def module(frame: Frame) -> list[bytes] | None:
        nonlocal uptime_calls, pings
        seen.append(frame.module_id)
        if frame.module_id == 0x10:
            uptime_calls += 1
            if uptime_calls == 1:
                return [Frame(0xFF, 0xF4, frame.request_id, b"").encode()]
            return [system.GetUptime.Response(uptime=7).to_frame(frame.request_id).encode()]
        pings += 1
        return echo_pings(frame) if pings >= 3 else None  # two resync pings go unanswered

    wb = Whitebeet(FakeModule(module))
    await wb.open()
    with pytest.raises(ModuleFramingError, match="Get Uptime: the module reported a framing error: Module Unknown"):
        await wb.request(system.GetUptime())
    assert await wb.request(system.GetUptime()) == system.GetUptime.Response(uptime=7)
    assert seen == [0x10, 0x0E, 0x0E, 0x0E, 0x10]
    assert wb.stats.module_framing_errors == 1 and wb.stats.resynchronisations == 1


async def test_local_garbage_triggers_ping_resync_before_the_next_command() -> None:
    answered: list[int] = []

    def module(frame: Frame) -> list[bytes] | None:
        answered.append(frame.module_id)
        if frame.module_id == 0x10:
            return [VERSION(version="V02_00_01").to_frame(frame.request_id).encode()]
        return echo_pings(frame)

    link = FakeModule(module)
    wb = Whitebeet(link)
    await wb.open()
    link.push(b"\x55\x66garbage")
    await asyncio.sleep(0)
    await wb.request(system.GetFirmwareVersion())
    assert answered == [0x0E, 0x10] and wb.stats.local_framing_faults == 1
    assert wb.stats.resynchronisations == 1


async def test_close_cancels_pending_commands_and_ends_subscriptions() -> None:
    link = FakeModule(lambda frame: None)
    wb = Whitebeet(link)
    await wb.open()
    subscription = wb.statuses()
    task = asyncio.create_task(wb.request(system.GetUptime()))
    await asyncio.sleep(0)
    await wb.close()
    with pytest.raises(ConnectionClosed):
        await task
    with pytest.raises(StopAsyncIteration):
        await subscription.get()
    assert link.closed


async def test_facade_builds_commands_from_the_catalog() -> None:
    wb = Whitebeet(FakeModule(firmware("V02_00_01")))
    await wb.open()
    response = await wb.system.get_firmware_version()
    assert response == VERSION(version="V02_00_01")
    assert "get_firmware_version" in dir(wb.system)
    with pytest.raises(AttributeError, match="no command 'get_banana'"):
        wb.system.get_banana  # noqa: B018
