"""The v1 EVSE console against the seed README, line by line (issue 5 item 2), in a session whose
operator answers the prompt through a pipe."""

from __future__ import annotations

import asyncio
import os
import re

from freev2g.apps.evse.authorization import LineReader
from tests.apps.evse_station import IDLE, car_for, end_input, run_station, settings_for

# The seed README's EVSE transcript (seed-README.md, "GETTING STARTED"), in order; the README's
# "... charge loop continues ..." stands between the two charge-loop blocks.
README = """\
Welcome to Codico Whitebeet EVSE reference implementation
Initiating framing interface
iface: eth0, mac: 00:01:01:63:77:33
Set the CP mode to EVSE
Set the CP duty cycle to 100%
Start the CP service
Start SLAC in EVSE mode
Wait until an EV connects
EV connected
Start SLAC matching
Set duty cycle to 5%
SLAC matching successful
Set V2G mode to EVSE
Start V2G
"Session started" received
Protocol: 2
Session ID: f3976451aedd64ce
EVCC ID: 000101637730
"Request EVSE ID" received
Set EVSE ID: DE*ABC*E*00001*01
"Request Authorization" received
Authorize the vehicle? Type "yes" or "no" in the next 59s:
Vehicle was authorized by user!
"Request Schedules" received
Max entries: 2
Set the schedule: [(0, 65535, 25000), (1, 65535, 25000)]
"Request Discovery Charge Parameters" received
EV maximum current: 20A
EV maximum power: 8000W
EV maximum voltage: 400V
Bulk SOC: 50%
SOC: 50%
"Request Cable Check Status" received
"Request Cable Check Parameters" received
SOC: 50%
"Request Pre Charge Parameters" received
EV target voltage: 380V
EV target current: 50A
SOC: 50%
"Request Start Charging" received
Schedule ID: 0
Time anchor: 0
EV power profile: [(0, 10000)]
SOC: 50%
Charging complete: False
"Request Charge Loop Parameters" received
EV maximum current: 20A
EV maximum voltage: 400V
EV maximum power: 8000W
EV target voltage: 380V
EV target current: 16A
SOC: 50%
Charging complete: False
"Request Charge Loop Parameters" received
EV maximum current: 20A
EV maximum voltage: 400V
EV maximum power: 8000W
EV target voltage: 380V
EV target current: 16A
SOC: 50%
Charging complete: False
"Request Stop Charging" received
Schedule ID: 0
SOC: 50%
Charging complete: 1
"Request Post Charge Parameters" received
SOC: 50%
"Session stopped" received
EVSE loop finished
Goodbye!""".splitlines()

# Lines the seed prints only when the module's request carries the field (v1-api §4.3 rows 27-32,
# 46-53): the simulated car sends some the README's car did not.
OPTIONAL = {"EV minimum current", "EV minimum power", "EV minimum voltage", "Full SOC", "Bulk SOC",
            "Bulk charging complete", "Remaining time to full SOC", "Remaining time to bulk SOC"}

# The README's values, as patterns for the values of the actual session.
VALUE = {
    "iface": r"eth0, mac: 00:01:01:63:77:33", "Protocol": r"[0-3]", "Session ID": r"[0-9a-f]{16}",
    "EVCC ID": r"[0-9a-f]{12,40}", "Set EVSE ID": r"DE\*ABC\*E\*00001\*01", "Max entries": r"\d+",
    "Set the schedule": r"\[\(0, \d+, \d+\)(, \(\d+, \d+, \d+\))*\]", "Schedule ID": r"-?\d+",
    "Time anchor": r"0", "EV power profile": r"\[\(\d+, [\d.]+\)(, \(\d+, [\d.]+\))*\]",
    "Charging complete": r"True|False|0|1",
}
NUMBER_WITH_UNIT = r"\d+(\.\d+)?(A|V|W|Wh|%|s)"


def label(line: str) -> str:
    if line.startswith('"') or ": " not in line or line.startswith("Authorize the vehicle?"):
        return line
    return line.split(": ", 1)[0]


def blocks(lines: list[str]) -> list[list[str]]:
    """The lines as blocks that start at each ``"..." received`` line, a block dropped when it has
    the same labels as the one before (the module repeats requests: cable check, pre-charge, loop)."""
    result: list[list[str]] = []
    for line in lines:
        if line.startswith('"') or not result:
            result.append([])
        result[-1].append(line)
    kept: list[list[str]] = []
    for block in result:
        if kept and [label(x) for x in kept[-1]] == [label(x) for x in block]:
            continue
        kept.append(block)
    return kept


def without_optional(lines: list[str]) -> list[str]:
    return [line for line in lines if label(line) not in OPTIONAL]


def test_v1_console_matches_the_seed_readme_line_by_line() -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"yes\n")
    car = car_for("iso2", "dc")
    settings = settings_for("iso2", "dc", authorization="prompt")
    with os.fdopen(read_fd) as stream:
        run = asyncio.run(run_station("v1", car, settings, reader=LineReader(stream)))
        end_input(write_fd)
    assert run.result.exit_status == 0
    assert run.idle == IDLE
    ours = [line for block in blocks(without_optional(run.lines)) for line in block]
    seed = [line for block in blocks(without_optional(README)) for line in block]
    assert [label(line) for line in ours] == [label(line) for line in seed]
    for mine, readme in zip(ours, seed, strict=True):
        if label(mine) == mine:
            assert mine == readme
            continue
        value = mine.split(": ", 1)[1]
        pattern = VALUE.get(label(mine), NUMBER_WITH_UNIT)
        assert re.fullmatch(pattern, value), (mine, readme)
    at_start, at_stop = [line for line in run.lines if label(line) == "Schedule ID"]
    assert at_start == at_stop  # the tuple chosen at Start Charging
