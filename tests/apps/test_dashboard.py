"""The dashboard: its values from the session lines, the power stage and the session events; a
frame drawn with rich; the plain fallback off a terminal; the message without rich."""

from __future__ import annotations

import asyncio
import builtins
import io
from typing import Any

import pytest

from freev2g.apps import dashboard as d
from freev2g.apps.dashboard import (
    Dashboard,
    DashboardFeed,
    DashboardUnavailable,
    ObservedStage,
    SessionView,
    render_text,
    require_rich,
    state_of,
)
from freev2g.apps.evse import run_evse
from freev2g.apps.evse.charging import simulated_charger
from freev2g.emulator.station import EmulatedStation
from tests.apps.evse_station import FIRMWARE, car_for, settings_for


@pytest.mark.parametrize(("line", "state"), [
    ("Wait until an EV connects", "waiting for the EV"),
    ("EV already connected", "EV connected"),
    ("SLAC matching successful", "SLAC matched"),
    ('"Request Cable Check" received', "cable check"),
    ('"Pre Charge started" received', "pre-charge"),
    ('"Request Start Charging" received', "charging"),
    ('"Welding detection started" received', "welding detection"),
    ('"Session stopped" received', "session stopped"),
    ("Module error: no reply", "error"),
    ("EVSE loop finished", "finished"),
    ("Present voltage: 12", None),
])
def test_states_from_the_session_lines(line: str, state: str | None) -> None:
    assert state_of(line) == state


def test_console_reads_soc_target_and_the_evse_present_values() -> None:
    view = SessionView("EV")
    console = Dashboard([view], stream=io.StringIO(), live=False).console(view, "[EV] ")
    for line in ("Full SOC: 90%", "SOC: 55.5%", "\tEVSE present voltage: 400", "\tEVSE present current: 50",
                 '"Charging Started" received'):
        console.line(line)
    assert (view.soc, view.target_soc, view.voltage, view.current, view.power) == (55.5, 90, 400, 50, 20000)
    assert view.state == "charging"
    assert console.lines[-1] == '"Charging Started" received'
    console.line("\t._soc:\t\t\t56.25")  # the EV's battery block
    assert view.soc == 56.25


def test_energy_is_integrated_from_the_samples() -> None:
    view = SessionView("EVSE")
    view.sample(400, 50, now=0.0)
    view.sample(400, 50, now=36.0)  # 20 kW for 36 s = 200 Wh
    assert view.energy_wh == pytest.approx(200)
    view.new_session()
    assert view.energy_wh == 0


def test_feed_takes_the_session_events_and_passes_them_on() -> None:
    class Inner:
        role = "evse"

        def __init__(self) -> None:
            self.records: list[tuple[str, dict[str, Any]]] = []

        def write(self, record_type: str, **fields: Any) -> None:
            self.records.append((record_type, fields))

    view, inner = SessionView("EVSE"), Inner()
    feed = DashboardFeed(view, inner)
    feed.write("state", state="cable check")
    feed.write("charger", voltage=380.0, current=10.0, power=3800.0)
    feed.write("battery", soc=61.0)
    feed.write("session_end", energy_wh=123.0)
    assert (view.state, view.voltage, view.power, view.soc, view.energy_wh) == ("cable check", 380, 3800, 61, 123)
    assert [r for r, _ in inner.records] == ["state", "charger", "battery", "session_end"]
    assert feed.role == "evse"


def test_a_frame_rendered_by_rich() -> None:
    view = SessionView("EVSE", target_soc=80, state="charging", voltage=398.5, current=62.0, power=24707,
                       soc=76.4, energy_wh=1234)
    text = render_text([view, SessionView("EV")], width=140)
    assert "\x1b[" in text  # drawn for a terminal
    plain = d._strip_ansi(text)
    for expected in ("charging", "398.5 V", "62.0 A", "24.71 kW", "76.4 %", "1.234 kWh", "80 %",
                     "starting"):
        assert expected in plain, plain
    assert "━" in plain  # the progress bar


def test_rich_console_record_renders_the_same_frame() -> None:
    from rich.console import Console as RichConsole

    console = RichConsole(record=True, width=140, file=io.StringIO(), force_terminal=True)
    console.print(d.render([SessionView("bay-1", target_soc=100, soc=50.0, state="charging")]))
    exported = console.export_text()
    assert "bay-1" in exported and "50.0 %" in exported and "100 %" in exported


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    view = SessionView("EVSE", target_soc=80)
    dashboard = Dashboard([view], stream=stream)  # a StringIO is not a terminal
    assert dashboard.live is False
    console = dashboard.console(view, "[EVSE] ")

    async def scenario() -> None:
        async with dashboard.running():
            console.line('"Request Start Charging" received')
            view.sample(400, 25)
            view.set_soc(70)
            await asyncio.sleep(0.3)
            console.line('"Session stopped" received')
            await asyncio.sleep(0.3)

    asyncio.run(scenario())
    lines = stream.getvalue().splitlines()
    assert '[EVSE] "Request Start Charging" received' in lines
    status = [line for line in lines if line.startswith("[EVSE] charging:")]
    assert status == ["[EVSE] charging: 400.0 V, 25.0 A, 10.00 kW, SOC 70.0 % -> 80 %, 0.000 kWh"]
    assert lines[-1].startswith("[EVSE] session stopped: 400.0 V")
    assert "\x1b" not in stream.getvalue()


def test_plain_lines_are_rate_limited_but_state_changes_always_print() -> None:
    view = SessionView("EV")
    dashboard = Dashboard([view], stream=io.StringIO(), live=False)
    view.set_state("charging")
    assert len(dashboard.plain_lines(0.0)) == 1
    view.set_soc(10)
    assert dashboard.plain_lines(0.5) == []  # values moved, but within a second
    assert len(dashboard.plain_lines(1.0)) == 1
    view.set_state("stopping")
    assert len(dashboard.plain_lines(1.1)) == 1
    assert dashboard.plain_lines(5.0) == []  # nothing changed


def test_live_view_on_a_terminal_prints_lines_above_it() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    view = SessionView("EVSE", target_soc=80)
    dashboard = Dashboard([view], stream=stream, width=140)
    assert dashboard.live is True
    console = dashboard.console(view, "[EVSE] ")

    async def scenario() -> None:
        async with dashboard.running():
            console.line("SOC: 75%")
            view.sample(400, 10)

    asyncio.run(scenario())
    text = d._strip_ansi(stream.getvalue())
    assert "[EVSE] SOC: 75%" in text and "75.0 %" in text and "80 %" in text and "4.00 kW" in text


def test_without_rich_one_line_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_rich(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rich" or name.startswith("rich."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rich)
    with pytest.raises(DashboardUnavailable) as raised:
        require_rich()
    assert str(raised.value) == "--dashboard needs the rich library: pip install 'freev2g[dashboard]'"
    assert raised.value.status == 2


def test_evse_application_feeds_the_view() -> None:
    """The values come from the running EVSE application: its power stage and its lines."""
    async def scenario() -> SessionView:
        view = SessionView("EVSE")
        settings = settings_for("iso2", "dc")
        dashboard = Dashboard([view], stream=io.StringIO(), live=False)
        car = car_for("iso2", "dc")
        async with EmulatedStation.evse_with_car(firmware=FIRMWARE["v2"], car=car) as station, dashboard.running():
            console = dashboard.console(view, "[EVSE] ", echo=False)
            stage = ObservedStage(simulated_charger(settings.charger), view)
            result = await asyncio.wait_for(run_evse(station.link, settings, console, stage=stage), 120)
        assert result.exit_status == 0
        assert abs(view.energy_wh - result.sessions[0].energy_wh) <= 0.05 * result.sessions[0].energy_wh
        return view

    view = asyncio.run(scenario())
    assert view.state == "finished"
    assert view.soc is not None and 0 < view.soc <= 100
    assert view.voltage is not None and view.energy_wh > 0


def test_cli_wiring_gives_the_application_the_dashboard_console_and_link(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``freev2g ev --dashboard``: the application's main gets the dashboard's console and a link
    whose frames feed the view, and its exit status is the command's."""
    from freev2g.apps.dashboard_values import DashboardConsole
    from freev2g.cli import dashboard as cli_dashboard
    from freev2g.config.ev_schema import EvConfig
    from freev2g.sessionlog import LoggedLink
    from freev2g.transport import MemoryLink

    seen: dict[str, Any] = {}

    async def main(link: Any, settings: Any, console: Any) -> int:
        seen.update(link=link, console=console)
        console.line('"Charging Started" received')
        return 7

    class Settings:
        config = EvConfig.model_validate({"charging": {"target_soc": 90}})

    host, _module = MemoryLink.pair()
    assert cli_dashboard.run_ev(main, host, Settings()) == 7
    assert isinstance(seen["console"], DashboardConsole) and isinstance(seen["link"], LoggedLink)
    assert seen["console"].view.target_soc == 90
    out = capsys.readouterr().out
    assert '"Charging Started" received' in out and "[EV] charging: " in out


def test_frames_give_the_soc_the_present_values_and_a_target_when_none_was_set() -> None:
    view = SessionView("EVSE")
    feed = DashboardFeed(view)
    feed.write("frame", message="EVSE Energy Transfer Mode Selected",
               fields={"dc": {"soc": 74, "full_soc": 95}, "max_voltage": 420})
    feed.write("frame", message="EVSE Update DC Charging Parameters",
               fields={"present_voltage": 380, "present_current": 10})
    assert (view.soc, view.target_soc, view.voltage, view.current) == (74, 95, 380, 10)
    quiet = SessionView("EVSE", target_soc=80)
    DashboardFeed(quiet, samples_from_frames=False).write(
        "frame", fields={"present_voltage": 380, "present_current": 10, "full_soc": 100})
    assert (quiet.voltage, quiet.target_soc) == (None, 80)
