"""The Planning window, driven as a planner would (pytest-qt, QT_QPA_PLATFORM=offscreen).

The window is opened from the main window's menu on a small inbound-only scenario (the
baseline without its outbound group and dialer), so a plan of two replications and one or two
correction rounds takes a second or two. Every number checked on screen is compared with the
planning package's own result for the same inputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings

from gui_support import ScriptedDialogs
from wfm.gui.app import configure_plots
from wfm.gui.main_window import MainWindow
from wfm.gui.planning import PlanningWindow, roster_into
from wfm.gui.planning_views import estimate_text, percent, schedule_rows
from wfm.planning.history import read_history
from wfm.planning.pipeline import PlanResult, prepare
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario, scenario_from_mapping

SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "history_sample.csv"


@pytest.fixture(scope="module")
def inbound_only() -> Scenario:
    """The baseline without the outbound-only group and with the dialer off: every group takes calls."""
    data = default_scenario().model_dump(mode="python")
    data["groups"] = [g for g in data["groups"] if g["name"] != "Collections"]
    data["outbound"]["enabled"] = False
    data["name"] = "Inbound only"
    return scenario_from_mapping(data, "<inbound only>")


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def window(qtbot, tmp_path, dialogs, inbound_only) -> MainWindow:
    configure_plots()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(inbound_only, dialogs=dialogs, settings=settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.planning is not None:
        win.planning.shutdown()
    win.tasks.shutdown()


@pytest.fixture
def planner(window) -> PlanningWindow:
    window.act_plan.trigger()  # the menu's "Plan roster from history…"
    assert window.planning is not None and window.planning.isVisible()
    return window.planning


def load_sample(qtbot, planner: PlanningWindow, dialogs: ScriptedDialogs):
    dialogs.next_open = SAMPLE
    with qtbot.waitSignal(planner.prepared_ready, timeout=30_000) as blocker:
        planner.load_button.click()
    return blocker.args[0]


def small_plan(planner: PlanningWindow, replications: int = 2, rounds: int = 1) -> None:
    planner.replications.setValue(replications)
    planner.rounds.setValue(rounds)
    planner.compare.setChecked(False)


def run_plan(qtbot, planner: PlanningWindow) -> PlanResult:
    results: list[PlanResult] = []
    planner.plan_ready.connect(results.append)
    planner.plan_button.click()
    assert planner.tasks.busy and planner.cancel_button.isEnabled() and not planner.plan_button.isEnabled()
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    return results[0]


def test_loading_the_sample_shows_the_forecast_and_the_backtest_prepare_computes(qtbot, planner, dialogs,
                                                                                 inbound_only):
    shown = load_sample(qtbot, planner, dialogs)
    expected = prepare(read_history(SAMPLE), inbound_only, planner.plan_settings())
    scored, mine = expected.backtest, shown.backtest
    assert scored is not None and mine is not None
    table = planner.backtest_view.table
    for row, error in enumerate((scored.model_error, scored.naive_error)):
        cells = [table.item(row, column).text() for column in range(1, 4)]
        assert cells == [percent(error.mape), percent(error.wape), percent(error.interval_wape)]
    assert table.item(0, 1).text() != table.item(1, 1).text()  # model and naive differ on this sample
    for key, series in (("actual", scored.actual), ("model", scored.forecast), ("naive", scored.naive)):
        _, y = planner.backtest_view.curves[key].getData()
        np.testing.assert_allclose(y, series)
    assert "beats seasonal-naive" in planner.backtest_view.verdict.text()
    np.testing.assert_allclose(planner.forecast_view.curves["daily"].opts["height"], expected.forecast.daily)
    _, calls = planner.forecast_view.curves["calls"].getData()
    np.testing.assert_allclose(calls, expected.forecast.calls_on_grid(inbound_only.calendar.interval_minutes).ravel())
    _, erlang = planner.coverage_view.curves["erlang"].getData()
    np.testing.assert_array_equal(erlang, expected.erlang.ravel())
    assert erlang.max() > 0
    assert SAMPLE.name in planner.history_label.text()
    assert planner.plan_button.isEnabled() and not planner.accept_button.isEnabled()


def test_a_plan_runs_off_the_gui_thread_and_its_roster_goes_into_the_editor_undoably(qtbot, window, planner,
                                                                                      dialogs, inbound_only,
                                                                                      tmp_path):
    load_sample(qtbot, planner, dialogs)
    small_plan(planner)
    result = run_plan(qtbot, planner)
    # Shown as computed: the shift table, the costs and the floor per interval.
    rows = schedule_rows(result.schedule)
    shifts = planner.roster_view.schedule
    assert shifts.rowCount() == len(rows) > 0
    assert [shifts.item(r, 5).text() for r in range(len(rows))] == [str(row[5]) for row in rows]
    currency = inbound_only.costs.currency
    assert planner.roster_view.costs.item(0, 2).text() == estimate_text(result.check.planned.cost, currency)
    assert planner.roster_view.costs.item(1, 2).text() == estimate_text(result.check.current.cost, currency)
    _, floor = planner.coverage_view.curves["planned_floor"].getData()
    np.testing.assert_allclose(floor, result.check.planned.floor.ravel())
    assert planner.unmet_view.table.rowCount() == len(result.correction.unmet)

    # The plan's workbook, written off the GUI thread where the planner chose.
    dialogs.next_save = tmp_path / "week_plan"
    planner.export_plan()
    qtbot.waitUntil(lambda: not planner.tasks.busy, timeout=30_000)
    written = tmp_path / "week_plan.xlsx"
    assert written.exists() and str(written) in planner.banner.text()
    assert "Roster" in load_workbook(written).sheetnames

    # Accept without the forecast week (the default answer): only the planned groups' shifts change.
    dialogs.confirm_answer = False
    assert not window.isWindowModified()
    planner.accept_button.click()
    edited = window.editor.scenario
    assert edited is not None and window.isWindowModified()
    for group in result.prepared.planned_groups:
        mine = next(g for g in edited.groups if g.name == group)
        theirs = next(g for g in result.planned.groups if g.name == group)
        assert sum(s.headcount for s in mine.shifts) == result.schedule.headcount(group) > 0
        assert mine.shifts == theirs.shifts
    assert edited.calendar == inbound_only.calendar and edited.inbound == inbound_only.inbound
    assert planner.undo_button.isEnabled()

    # An edit after the accept is not dropped silently: Undo asks first, and No keeps everything.
    window.editor.set_value(("run", "seed"), 7)
    asked = len(dialogs.confirms)
    assert not planner.undo_accept()
    assert len(dialogs.confirms) == asked + 1 and window.editor.scenario.run.seed == 7
    dialogs.confirm_answer = True
    assert planner.undo_accept()
    assert window.editor.scenario == inbound_only

    # Accepting with the forecast week also moves the calendar and takes the forecast demand.
    planner.accept_button.click()
    week = window.editor.scenario
    assert week.calendar.start_date == result.prepared.forecast.start_date
    assert week.inbound.demand == result.planned.inbound.demand
    assert week.groups[0].shifts == result.planned.groups[0].shifts

    # A planned group renamed since the plan: the accept says so and changes nothing.
    data = window.editor.data
    renamed = {**data, "groups": [{**g, "name": g["name"] + " (new)"} for g in data["groups"]]}
    window.editor.replace_data(renamed)
    before = window.editor.scenario
    with pytest.raises(ValueError, match="no longer in the scenario"):
        roster_into(renamed, result, take_forecast=False)
    assert not planner.accept_roster()
    assert "no longer in the scenario" in planner.banner.text() and window.editor.scenario == before


def test_cancel_mid_run_emits_no_result_and_leaves_the_window_usable(qtbot, planner, dialogs):
    load_sample(qtbot, planner, dialogs)
    planner.replications.setValue(40)  # long enough to be stopped in the middle
    with qtbot.assertNotEmitted(planner.plan_ready, wait=200):
        with qtbot.waitSignal(planner.tasks.progress, timeout=30_000):
            planner.plan_button.click()
        with qtbot.waitSignal(planner.cancelled, timeout=30_000):
            planner.cancel_button.click()
    assert planner.result is None
    assert planner.plan_button.isEnabled() and planner.load_button.isEnabled()
    assert not planner.cancel_button.isEnabled() and not planner.accept_button.isEnabled()
    assert "Stopped" in planner.banner.text()
    small_plan(planner)
    assert run_plan(qtbot, planner).schedule.cost > 0  # the window plans again after a cancel


def test_a_bad_history_file_shows_the_row_and_column_in_the_window(qtbot, planner, dialogs, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Interval start"))
    fields = lines[header + 9].split(";")
    fields[1] = "abc"
    lines[header + 9] = ";".join(fields)
    bad = tmp_path / "bad_history.csv"
    bad.write_text("\n".join(lines[:header + 40]) + "\n", encoding="utf-8")
    dialogs.next_open = bad
    with qtbot.assertNotEmitted(planner.prepared_ready), qtbot.waitSignal(planner.failed, timeout=10_000):
        planner.load_button.click()
    text = planner.banner.text()
    assert not planner.banner.isHidden()
    row = header + 10 - (lines[0].startswith("sep=") and 1)  # as Excel numbers it: it hides the sep= line
    assert f'row {row}, column "Offered": "abc" is not a number of calls' in text
    assert "bad_history.csv" in text and planner.history is None and not planner.plan_button.isEnabled()
    assert dialogs.errors == []  # an expected problem: told in the window, no dialog


def test_an_infeasible_roster_names_the_binding_constraint(qtbot, planner, dialogs):
    load_sample(qtbot, planner, dialogs)
    small_plan(planner)
    for row in planner.group_rows.values():
        row.max.setValue(2)  # two agents a group cannot cover a week of calls
    with qtbot.assertNotEmitted(planner.plan_ready), qtbot.waitSignal(planner.failed, timeout=60_000) as blocker:
        planner.plan_button.click()
    for group in ("Inbound", "Blended"):
        assert f"max_headcount of {group}: 2 agents are too few" in blocker.args[0]
    assert planner.banner.text().startswith("No roster fits the constraints. ")
    assert "max_headcount of Inbound" in planner.banner.text()
    assert planner.plan_button.isEnabled() and planner.result is None


def test_a_setting_the_forecast_refuses_is_named_in_the_window(qtbot, planner, dialogs):
    shown = load_sample(qtbot, planner, dialogs)
    planner.country.setCurrentText("XX")
    with qtbot.assertNotEmitted(planner.prepared_ready), qtbot.waitSignal(planner.failed, timeout=10_000):
        planner.refresh_button.click()
    assert "'XX' is not a country the holidays package knows" in planner.banner.text()
    assert planner.prepared is shown and planner.refresh_button.isEnabled() and dialogs.errors == []
