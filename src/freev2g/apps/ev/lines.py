"""The EV application's session lines: the seed's wording (v1-api §4.4), one function per status.

The seed printed every V2G status message it received with a heading line and one tab-indented
line per field; the same lines are printed here, with its faults fixed (v1-api §6.2): the EVSE
ID is shown as text (the seed printed the hex of its ASCII bytes), every schedule tuple is shown
(the seed read only the first), a Session Error prints its code and meaning (the seed crashed on
a wrong key and printed nothing), and the "Battert" typo of the AC checks is corrected.
"""

from __future__ import annotations

import math

from freev2g.hci.catalog import v2g_ev
from freev2g.models.battery import Battery


def number(value: float) -> str:
    """A value as the seed printed its integers; fractions with at most three decimals."""
    if isinstance(value, bool):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def session_started(message: v2g_ev.EVSessionStarted, accepted_modes: list[int]) -> list[str]:
    lines = [
        '"Session started" received',
        f"\tProtocol: {int(message.protocol)}",
        f"\tSession ID: {message.session_id.hex()}",
        f"\tEVSE ID: {message.evse_id}",
        f"\tPayment method: {int(message.payment_method)}",
        f"\tEnergy transfer mode: {int(message.energy_transfer_mode)}",
    ]
    if int(message.energy_transfer_mode) not in accepted_modes:
        lines.append("\t\twrong energy transfer mode!")
    return lines


def dc_changed(message: v2g_ev.EVDCChargeParametersChanged) -> list[str]:
    return [
        '"DC Charge Parameters Changed" received',
        f"\tEVSE min voltage: {number(message.min_voltage)}",
        f"\tEVSE min current: {number(message.min_current)}",
        f"\tEVSE min power: {number(message.min_power)}",
        f"\tEVSE max voltage: {number(message.max_voltage)}",
        f"\tEVSE max current: {number(message.max_current)}",
        f"\tEVSE max power: {number(message.max_power)}",
        f"\tEVSE present voltage: {number(message.present_voltage)}",
        f"\tEVSE present current: {number(message.present_current)}",
        f"\tEVSE status: {int(message.evse_status)}",
    ]


def ac_changed(message: v2g_ev.EVACChargeParametersChanged) -> list[str]:
    return [
        '"AC Charge Parameter changed" received',
        f"\tNominal voltage: {number(message.nominal_voltage)}",
        f"\tMaximal current: {number(message.max_current)}",
        f"\tRCD: {message.rcd}",
    ]


def schedule_received(message: v2g_ev.EVScheduleReceived) -> list[str]:
    lines = ['"Schedule Received" received', f"\tTuple count: {len(message.tuples)}"]
    for schedule in message.tuples:
        lines += [f"\tTuple id: {schedule.tuple_id}", f"\tEntries count: {len(schedule.entries)}"]
        for index, entry in enumerate(schedule.entries):
            lines += [f"Entry {index}:", f"\tStart: {entry.start}", f"\tInterval: {entry.interval}",
                      f"\tPower: {number(entry.power)}"]
    return lines


def notification(message: v2g_ev.EVNotificationReceived) -> list[str]:
    return ['"Notification Received" received', f"Type : {int(message.type)}",
            f"Maximum delay : {message.max_delay}"]


def session_error(message: v2g_ev.EVSessionError) -> list[str]:
    code = v2g_ev.EvSessionError(message.code)
    return ['"Session Error" received', f"\tError: {int(code)} ({code.name.lower().replace('_', ' ')})"]


HEADINGS: dict[type, str] = {
    v2g_ev.EVCableCheckReady: '"Cable Check Ready" received',
    v2g_ev.EVCableCheckFinished: '"Cable Check Finished" received',
    v2g_ev.EVPreChargingReady: '"Pre Charging Ready" received',
    v2g_ev.EVChargingReady: '"Charging Ready" received',
    v2g_ev.EVChargingStarted: '"Charging Started" received',
    v2g_ev.EVChargingStopped: '"Charging Stopped" received',
    v2g_ev.EVPostChargingReady: '"Post Charging Ready" received',
    v2g_ev.EVSessionStopped: '"Session Stopped" received',
}
"""The status messages without fields: one heading line each (v1-api §4.4)."""


def battery_block(battery: Battery, *, now: float, voltage: float, current: float, target_voltage: float,
                  target_current: float, charging: bool) -> list[str]:
    """The seed's ``print(str(battery))`` block (v1-api §4.4), with the real model's values: the
    time in µs, the measured input, the EV's limits and present request, energy and SOC."""
    c = battery.config
    return [
        "*******************",
        "Battery",
        f"\t._last_calc_time:\t{math.floor(now * 1e6)}",
        f"\t.in_voltage:\t\t{number(voltage)}",
        f"\t.in_current:\t\t{number(current)}",
        f"\t.max_voltage:\t\t{number(c.max_voltage)}",
        f"\t.max_current:\t\t{number(c.max_current)}",
        f"\t.max_power:\t\t{number(c.max_power)}",
        f"\t.target_voltage:\t{number(target_voltage)}",
        f"\t.target_current:\t{number(target_current)}",
        f"\t._capacity:\t\t{number(c.capacity_wh)}",
        f"\t.full_soc:\t\t{number(c.full_soc)}",
        f"\t._level:\t\t{number(round(battery.energy_wh, 3))}",
        f"\t._soc:\t\t\t{number(round(battery.soc, 3))}",
        f"\t.full:\t\t\t{battery.full}",
        f"\t.charging:\t\t{charging}",
        "*******************",
        "",
    ]
