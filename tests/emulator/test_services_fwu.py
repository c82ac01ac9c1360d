"""Firmware Update service 0x11 (manual 2.14 §14, p85-p91)."""

from __future__ import annotations

import pytest

from freev2g.emulator.services.fwu import DATA_TIMEOUT, FirmwareUpdateService, build_image
from freev2g.hci.catalog import fwu
from freev2g.hci.catalog.fwu import UpdateMode, UpdateStatus
from tests.catalog.test_fwu import VECTORS
from tests.emulator.examples import check_example, example_pairs
from tests.emulator.harness import Host, result_code

BODY = bytes(range(256)) * 20  # 5120 bytes


@pytest.fixture
def host() -> Host:
    return Host.with_service(FirmwareUpdateService)


def start(host: Host) -> None:
    assert host.request(fwu.SetMode(mode=UpdateMode.UPDATE_VIA_FRAMING)) == fwu.SetMode.Response(rx_buffer=2511)


def send(host: Host, image: bytes, size: int = 2000, first: int = 0, skip: frozenset[int] = frozenset()) -> None:
    for number, start_at in enumerate(range(0, len(image), size)):
        if number >= first and number not in skip:
            answer = host.request(fwu.FwuDataFrame(packet_number=number, data=image[start_at:start_at + size]))
            assert answer == fwu.FwuDataFrame.Response()


def status(host: Host) -> fwu.GetStatus.Response:
    answer = host.request(fwu.GetStatus())
    assert isinstance(answer, fwu.GetStatus.Response)
    return answer


def test_manual_examples(host: Host) -> None:
    pairs = {type(c.expected): (c, r) for c, r in example_pairs(VECTORS)}
    check_example(host, *pairs[fwu.SetMode])
    check_example(host, *pairs[fwu.FwuDataFrame])  # "01234567": shorter than the header, no verdict yet


def test_get_status_example_98_percent(host: Host) -> None:
    command, response = next((c, r) for c, r in example_pairs(VECTORS) if isinstance(c.expected, fwu.GetStatus))
    image = build_image(bytes(1000 - 44))  # 1000 bytes in all
    start(host)
    send(host, image[:980], size=490)
    check_example(host, command, response)  # update active, 98 %


def test_complete_image_is_ready_after_the_last_response(host: Host) -> None:
    assert status(host) == fwu.GetStatus.Response(status=UpdateStatus.READY_FOR_UPDATE, progress=0)
    start(host)
    image = build_image(BODY)
    send(host, image)
    assert host.take() == []
    host.clock.advance(0)
    assert host.decoded() == [fwu.FirmwareUpdateReady()]
    assert status(host) == fwu.GetStatus.Response(status=UpdateStatus.UPDATE_DONE, progress=100)
    service = host.module.services[0x11]
    assert isinstance(service, FirmwareUpdateService) and service.image == BODY
    host.clock.advance(DATA_TIMEOUT * 2)
    assert host.take() == []  # no timeout after the end


def test_gap_requests_missing_packets_once_then_resend_completes(host: Host) -> None:
    start(host)
    image = build_image(BODY)
    send(host, image, skip=frozenset({1}))
    host.clock.advance(0)
    assert host.decoded() == [fwu.RequestMissingPackets(request_type=fwu.RequestType.REPEAT_FROM_PACKET,
                                                        packet_number=1)]
    assert status(host).status is UpdateStatus.UPDATE_ACTIVE
    send(host, image, first=0)  # from the start: packet 0 is a duplicate and ignored
    host.clock.advance(0)
    assert host.decoded() == [fwu.FirmwareUpdateReady()]


def test_wrong_digest_is_error(host: Host) -> None:
    start(host)
    image = bytearray(build_image(BODY))
    image[100] ^= 0xFF
    send(host, bytes(image))
    host.clock.advance(0)
    assert host.decoded() == [fwu.FirmwareUpdateError()]
    assert status(host).status is UpdateStatus.UPDATE_FAILED
    assert result_code(host.request(fwu.FwuDataFrame(packet_number=9, data=b"x"))) == 0x05


@pytest.mark.parametrize("image", [
    b"NOTFWU!!" + bytes(100),  # wrong magic
    b"FV2GFWU1" + (3 * 1024 * 1024).to_bytes(4, "big"),  # larger than the file system
    build_image(b"abc") + b"extra",  # more than declared
])
def test_bad_container_is_error_at_once(host: Host, image: bytes) -> None:
    start(host)
    send(host, image)
    host.clock.advance(0)
    assert host.decoded() == [fwu.FirmwareUpdateError()]


def test_silence_is_timeout(host: Host) -> None:
    start(host)
    send(host, build_image(BODY)[:3000])
    host.clock.advance(DATA_TIMEOUT - 0.01)
    assert host.take() == []
    host.request(fwu.FwuDataFrame(packet_number=2, data=b"more"))  # data re-arms the timer
    host.clock.advance(DATA_TIMEOUT - 0.01)
    assert host.take() == []
    host.clock.advance(0.02)
    assert host.decoded() == [fwu.FirmwareUpdateTimeout()]
    assert status(host).status is UpdateStatus.UPDATE_FAILED
    start(host)  # a new update may start after a failure
    assert status(host) == fwu.GetStatus.Response(status=UpdateStatus.UPDATE_ACTIVE, progress=0)


@pytest.mark.parametrize("mode", [UpdateMode.CHECK_VIA_HTTP, UpdateMode.UPDATE_VIA_HTTP])
def test_http_modes_are_not_supported(host: Host, mode: UpdateMode) -> None:
    assert result_code(host.request(fwu.SetMode(mode=mode, version="1.2.3"))) == 0x03
    assert status(host).status is UpdateStatus.READY_FOR_UPDATE


def test_data_before_set_mode_and_set_mode_twice_are_05(host: Host) -> None:
    assert result_code(host.request(fwu.FwuDataFrame(packet_number=0, data=b"x"))) == 0x05
    start(host)
    assert result_code(host.request(fwu.SetMode(mode=UpdateMode.UPDATE_VIA_FRAMING))) == 0x05


def test_restart_aborts_the_update(host: Host) -> None:
    start(host)
    send(host, build_image(BODY)[:100])
    host.module.restart()
    host.clock.advance(DATA_TIMEOUT * 2)
    assert host.take() == []
    assert status(host) == fwu.GetStatus.Response(status=UpdateStatus.READY_FOR_UPDATE, progress=0)
