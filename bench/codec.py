"""Codec throughput: encode and decode frames per second for a representative mix.

    python bench/codec.py [--seconds 1.0]

The mix: a small command (Control Pilot Set PWM Duty Cycle), a v2 charge-loop parameter update
(EVSE Update DC Charging Parameters, four physical values and optionals), and a large schedule
(EVSE Set Schedules with 3 tuples of 20 entries, 683 bytes). "encode" builds the frame bytes from
the message object (validation, field codecs, checksum); "decode" parses the bytes with the
streaming parser and decodes the payload into the typed message.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

from freev2g.hci.catalog import cp, v2g_evse_v2
from freev2g.hci.catalog.v2g_types import EvseStatus, IsolationLevel, ScheduleEntry
from freev2g.hci.message import Message, decode
from freev2g.hci.modules import Direction, Generation
from freev2g.hci.parser import FrameParser

MIX: dict[str, Message] = {
    "small command": cp.SetPwmDutyCycle(duty_cycle=50),
    "charge-loop update": v2g_evse_v2.EVSEUpdateDCChargingParameters(
        isolation_level=IsolationLevel.VALID, present_voltage=398.5, present_current=124.3,
        max_voltage=500, max_current=200, max_power=150_000, status=EvseStatus.READY),
    "large schedule": v2g_evse_v2.EVSESetSchedules(
        code=v2g_evse_v2.SchedulesResult(0),
        schedule_tuples=[
            v2g_evse_v2.EVSEScheduleTuple(tuple_id=t, entries=[
                ScheduleEntry(start=i * 1800, interval=1800, power=11_000 - 100 * i) for i in range(20)])
            for t in (1, 2, 3)],
        energy_to_be_delivered=42_000),
}


def rate(work: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while (now := time.perf_counter()) < deadline:
        for _ in range(100):
            work()
        count += 100
    return count / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per figure")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.machine()}")
    print(f"command: python bench/codec.py --seconds {args.seconds:g}")
    print(f"{'message':<20} {'bytes':>6} {'encode/s':>10} {'decode/s':>10}")
    for name, message in MIX.items():
        raw = message.to_frame(1).encode()
        frame_parser = FrameParser()

        def encode(message: Message = message) -> bytes:
            return message.to_frame(1).encode()

        def parse_and_decode(raw: bytes = raw, frame_parser: FrameParser = frame_parser) -> object:
            (frame,) = frame_parser.feed(raw)
            return decode(frame, Generation.V2, Direction.HOST)  # type: ignore[arg-type]

        assert parse_and_decode() == message
        print(f"{name:<20} {len(raw):>6} {rate(encode, args.seconds):>10,.0f} "
              f"{rate(parse_and_decode, args.seconds):>10,.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
