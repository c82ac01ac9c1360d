"""``freev2g doctor`` on the command line: usage errors exit 2, a failed check 1, and --json."""

from __future__ import annotations

import json

import pytest

from freev2g.cli import main


@pytest.mark.parametrize(("argv", "message"), [
    ([], "no network interface: give one with -i/--interface"),
    (["-i", "eth0", "-m", "00:01:01"], "-m '00:01:01' is not a MAC address"),
    (["-i", "eth0", "--pings", "0"], "--pings 0: at least 1"),
    (["-i", "eth0", "--timeout", "0"], "--timeout 0: a positive number of seconds"),
    (["-i", "eth0", "--transport", "usb"], "invalid choice: 'usb'"),
])
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_interface_exits_1_with_the_checks_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "-i", "no-such-if0", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    checks = {check["name"]: check for check in document["checks"]}
    assert checks["interface"]["verdict"] == "FAIL"
    assert checks["interface"]["detail"].startswith("no network interface 'no-such-if0'")
    assert checks["HCI reachability"]["verdict"] == "skip"


def test_text_output_one_line_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "-i", "no-such-if0"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 7  # permissions, interface, then the seven module checks
    assert lines[1].startswith("FAIL interface ") and "; fix: give the interface" in lines[1]
    assert all(line.split()[0] in {"ok", "warn", "FAIL", "skip"} for line in lines)
