"""``doctor --transport spi``: the device checks, then the module checks over the SPI protocol
(a fake bus whose far end is the emulated module; no MAC check on SPI)."""

from __future__ import annotations

from pathlib import Path

from freev2g.doctor import DoctorOptions, Probes, Verdict, exit_status, run_doctor
from freev2g.emulator.assembly import World, build_module
from freev2g.emulator.clock import LoopClock
from freev2g.transport import FakeSpiBus, SpiSlave, SpiTransport

# Character devices anyone may read and write stand in for /dev/spidev0.0 and /dev/gpiochip0.
SPI_DEVICE, GPIOCHIP = "/dev/null", "/dev/zero"


async def test_spi_all_pass_without_a_mac_check() -> None:
    slave = SpiSlave()
    bus = FakeSpiBus(slave)
    module = build_module("V02_00_01", World.create(LoopClock()), bus.module_send)
    slave.on_data = module.receive
    checks = await run_doctor(DoctorOptions(transport="spi", spi_device=SPI_DEVICE, gpiochip=GPIOCHIP, timeout=0.5),
                              Probes(open_link=lambda options: SpiTransport(bus)))
    assert [c.name for c in checks] == ["permissions", "SPI device", "HCI reachability", "firmware",
                                        "control pilot", "SLAC", "V2G", "PLC link"]
    assert all(c.verdict is Verdict.OK for c in checks), checks
    assert checks[1].detail == "/dev/null and /dev/zero present"
    assert exit_status(checks) == 0


async def test_a_missing_spi_device_fails_and_skips_the_module(tmp_path: Path) -> None:
    missing = str(tmp_path / "spidev0.0")
    checks = await run_doctor(DoctorOptions(transport="spi", spi_device=missing, gpiochip="/dev/zero"))
    found = {c.name: c for c in checks}
    assert found["SPI device"].verdict is Verdict.FAIL and "dtparam=spi=on" in (found["SPI device"].fix or "")
    assert found["permissions"].verdict is Verdict.OK  # the GPIO chip is there and accessible
    assert "module MAC" not in found
    assert found["HCI reachability"].detail == "not checked: SPI device failed"
    assert exit_status(checks) == 1
