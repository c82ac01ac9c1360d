"""tshark with the dissector reads a complete charging session as ``freev2g decode`` does: our EV
application and our EVSE application, each on its emulated module (the demo's set-up), recorded
to one capture, in both API generations."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from freev2g.apps.console import Console
from freev2g.apps.ev import EndReason, EvSettings, run_ev
from freev2g.apps.evse.app import run_evse
from freev2g.config.ev_schema import EvConfig
from freev2g.config.evse_schema import EvseSettings
from freev2g.emulator.station import EmulatedStation
from freev2g.pcap import PcapWriter
from tests.wireshark.tshark_check import check_capture

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (.ci/run installs it)")


async def record_session(path: Path, evse_firmware: str, ev_firmware: str) -> None:
    ev_config = EvConfig.model_validate({
        "ev": {"protocols": [1], "energy_transfer_mode": [1]},
        "battery": {"level": 49900, "max_voltage": 420, "target_voltage": 380}, "session": {"sessions": 1}})
    evse_config = EvseSettings.model_validate({"authorization": "always", "sessions": 1,
                                               "energy_transfer_modes": ["dc_extended"]})
    with PcapWriter(path) as writer:
        async with EmulatedStation.pair(evse_firmware=evse_firmware, ev_firmware=ev_firmware,
                                        capture=writer) as (evse, ev):
            evse.station.world.wire.plug_in()
            evse_console = Console(echo=False)
            evse_task = asyncio.create_task(run_evse(evse.link, evse_config, evse_console))
            ev_task = asyncio.create_task(run_ev(ev.link, EvSettings(config=ev_config, time_scale=20,
                                                                     print_battery=False), Console(echo=False)))
            ev_result = await asyncio.wait_for(ev_task, 60)
            evse_result = await asyncio.wait_for(evse_task, 20)
    assert ev_result.ok and [s.reason for s in ev_result.sessions] == [EndReason.TARGET_REACHED]
    assert evse_result.exit_status == 0


@pytest.mark.parametrize(("generation", "evse_firmware", "ev_firmware"),
                         [("v1", "V01_01_06", "V01_00_04"), ("v2", "V02_00_01", "V01_00_06")])
async def test_tshark_reads_a_whole_demo_session(tmp_path: Path, generation: str, evse_firmware: str,
                                                 ev_firmware: str) -> None:
    capture = tmp_path / f"demo-{generation}.pcap"
    await record_session(capture, evse_firmware, ev_firmware)
    count = await asyncio.to_thread(check_capture, capture, generation)
    assert count > 100  # start-up, SLAC, the V2G session with its charge loop, and the end


def test_tshark_reads_the_capture_of_freev2g_demo(tmp_path: Path) -> None:
    """The capture ``freev2g demo --pcap`` writes (v2 EVSE and EV modules, one process)."""
    capture = tmp_path / "demo.pcap"
    done = subprocess.run([sys.executable, "-m", "freev2g", "demo", "--speed", "400", "--pcap", str(capture)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    count = check_capture(capture, "v2", module_macs=("00:01:01:63:77:33", "00:01:01:63:77:31"))
    assert count > 100
