"""``freev2g emulate``'s options: the car from flags, from a file with flags over it, and errors
as one line with exit status 2 (the runs themselves are in test_emulate_veth.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from freev2g.cli import build_parser, main
from freev2g.cli.emulate import options_from
from freev2g.emulator.deadlines import TimingMode
from freev2g.emulator.peers.car import SessionPoint
from freev2g.emulator.profiles import Role
from freev2g.emulator.v2g.messages import EnergyTransferModeType, V2gProtocol


def options(*argv: str):  # type: ignore[no-untyped-def]
    return options_from(build_parser().parse_args(["emulate", *argv]))


def test_defaults_are_one_evse_module_strict_with_a_dc_car() -> None:
    opts = options("--role", "evse", "-i", "veth0")
    (placement,) = opts.modules
    assert placement.role is Role.EVSE and placement.firmware == "V02_00_01" and placement.interface == "veth0"
    assert opts.timing.mode is TimingMode.STRICT and opts.timing.scale == 1.0 and opts.sessions is None
    assert opts.car.protocols == (V2gProtocol.ISO_15118_2, V2gProtocol.DIN_70121)
    assert opts.car.energy_transfer_mode is EnergyTransferModeType.DC_EXTENDED
    assert opts.car.battery.initial_soc == 20.0 and opts.car.battery.capacity_wh == 50_000


def test_a_car_file_with_flags_over_it(tmp_path: Path) -> None:
    car = tmp_path / "car.toml"
    car.write_text('protocol = ["din"]\nmode = "dc"\nsoc = 40\ncapacity = 60\nunplug_at = "charging"\n')
    opts = options("--role", "evse", "-i", "veth0", "--car-config", str(car), "--soc", "55", "--mode", "dc")
    assert opts.car.protocols == (V2gProtocol.DIN_70121,)
    assert opts.car.battery.initial_soc == 55.0 and opts.car.battery.capacity_wh == 60_000
    assert opts.car.unplug_at is SessionPoint.CHARGING


def test_both_modules_and_the_ac_car() -> None:
    opts = options("--evse-interface", "a", "--ev-interface", "b", "--evse-firmware", "V01_01_07",
                   "--timing", "scale=2", "--mode", "ac")
    assert [(p.role, p.interface, p.firmware) for p in opts.modules] == [
        (Role.EVSE, "a", "V01_01_07"), (Role.EV, "b", "V01_00_06")]
    assert opts.timing.scale == 2.0
    assert opts.car.energy_transfer_mode is EnergyTransferModeType.AC_THREE_PHASE_CORE and opts.car.ac_phases == 3


@pytest.mark.parametrize(("argv", "message"), [
    (["--role", "evse"], "freev2g: give --role evse|ev with -i IF (or --evse-interface and --ev-interface)"),
    (["--evse-interface", "a"], "freev2g: two modules need both --evse-interface IF1 and --ev-interface IF2"),
    (["--role", "evse", "-i", "x", "--firmware", "V01_00_05"],
     "freev2g: firmware V01_00_05 is an EV firmware, not EVSE"),
    (["--role", "evse", "-i", "x", "--firmware", "V9"], "freev2g: firmware 'V9' is not emulated; choose one of"),
    (["--role", "evse", "-i", "x", "--fault", "lose=1"],
     "freev2g: fault 'lose=1': use drop=P, corrupt=P, duplicate=P or delay=P[:SECONDS]"),
    (["--role", "evse", "-i", "x", "--sessions", "0"], "freev2g: --sessions N: N must be at least 1"),
    (["--role", "evse", "-i", "x", "--soc", "150"], "freev2g: command line: soc:"),
])
def test_usage_errors_are_one_line_and_exit_2(argv: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulate", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def test_a_car_file_with_a_wrong_key_names_the_file_and_the_key(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    car = tmp_path / "car.json"
    car.write_text('{"capasity": 60}')
    assert main(["emulate", "--role", "evse", "-i", "x", "--car-config", str(car)]) == 2
    err = capsys.readouterr().err
    assert f"{car}: capasity: unknown key" in err and err.count("\n") == 1, err
