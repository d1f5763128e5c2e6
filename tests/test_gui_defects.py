"""Issue 15, GUI items 1–8: the window as a planner uses it for a whole day, without surprises.

Each test reproduces one defect found trying the window as a new user would (closing during a
run, typed values that were not committed, impossible intervals, …) and fails without its fix.
Collaborators are injected as in `test_gui`: scripted dialogs, an INI QSettings in tmp_path, the
serial `replicate` as runner (one test uses a process pool), and tiny scenarios (1 day).
"""

from __future__ import annotations

import math
import multiprocessing
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QScrollArea, QTabWidget

from gui_support import ScriptedDialogs
from wfm.execution import ProcessBackend
from wfm.experiment import replicate
from wfm.gui.app import configure_plots
from wfm.gui.dialogs import Unsaved
from wfm.gui.main_window import MainWindow
from wfm.gui.sections import StaffingTab
from wfm.kpi import KPI_BY_KEY
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario
from wfm.views import kpi_interval
from wfm.views.targets import kpi_targets

SEED = 20260105


def scenario(days: int = 1, replications: int = 1) -> Scenario:
    """The shipped default scenario over `days` with `replications` runs by default."""
    base = default_scenario()
    return base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": days}),
        "run": base.run.model_copy(update={"replications": replications, "seed": SEED}),
    })


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


def make_window(qtbot: Any, tmp_path: Path, dialogs: ScriptedDialogs, start: Scenario | None = None,
                **kwargs: Any) -> MainWindow:
    configure_plots()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    kwargs.setdefault("runner", replicate)
    window = MainWindow(start or scenario(), dialogs=dialogs, settings=settings, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, dialogs: ScriptedDialogs) -> MainWindow:
    win = make_window(qtbot, tmp_path, dialogs)
    yield win
    win.tasks.shutdown()


def long_run(qtbot: Any, window: MainWindow) -> None:
    """Start a run that lasts minutes (a year, 50 replications) and wait until it reports progress."""
    window.editor.set_value(("calendar", "horizon_days"), 365)
    window.editor.set_value(("run", "replications"), 50)
    with qtbot.waitSignal(window.tasks.progress, timeout=30_000):
        window.run()


# ---- 1: closing during a run -------------------------------------------------------------------


def test_closing_during_a_run_returns_within_a_second(qtbot, window):
    long_run(qtbot, window)
    thread_of_run = window.tasks.worker.thread()
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.0
    assert not window.isVisible()
    qtbot.waitUntil(thread_of_run.isFinished, timeout=5_000)  # the cancelled run ended, nothing left over


def test_closing_during_a_pooled_run_leaves_no_worker_process(qtbot, tmp_path, dialogs):
    backend = ProcessBackend(workers=1, background=True)
    try:
        win = make_window(qtbot, tmp_path, dialogs, scenario(days=30),
                          backend=backend, stop_workers=backend.terminate)
        with qtbot.waitSignal(win.tasks.started, timeout=10_000):
            win.run()
        qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=10_000)
        workers = multiprocessing.active_children()
        qtbot.wait(1500)  # the worker has imported the simulator and is inside the 30-day replication
        started = time.monotonic()
        win.close()
        assert time.monotonic() - started < 1.0
        assert not any(p.is_alive() for p in workers)
    finally:
        backend.close()


# ---- 2: typed but uncommitted values -----------------------------------------------------------


def type_without_enter(qtbot: Any, box: Any, text: str) -> None:
    """Replace a spin box's text by typing, and leave the cursor in the field (no Enter, no Tab)."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)


def test_run_and_f5_use_the_value_still_being_typed(qtbot, window):
    reps = window.editor.field(("run", "replications"))
    type_without_enter(qtbot, reps, "2")
    assert window.editor.data["run"]["replications"] == 1  # not committed yet: Enter was not pressed
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.act_run.trigger()
    assert blocker.args[0].summary.replications == 2
    type_without_enter(qtbot, reps, "1")
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        qtbot.keyClick(reps.lineEdit(), Qt.Key.Key_F5)
    assert blocker.args[0].summary.replications == 1


def test_save_writes_the_value_still_being_typed(qtbot, window, tmp_path):
    window.path = tmp_path / "typed.toml"
    type_without_enter(qtbot, window.editor.field(("run", "seed")), "4242")
    window.act_save.trigger()
    assert "seed = 4242" in (tmp_path / "typed.toml").read_text(encoding="utf-8")


def test_quitting_while_typing_asks_about_the_unsaved_change(qtbot, window, dialogs):
    type_without_enter(qtbot, window.editor.field(("calendar", "horizon_days")), "3")
    dialogs.unsaved_answer = Unsaved.CANCEL
    window.act_quit.trigger()
    assert dialogs.unsaved_asked == 1
    assert window.isVisible() and window.editor.data["calendar"]["horizon_days"] == 3


# ---- 4: impossible confidence intervals -------------------------------------------------------


def _bounds(text: str) -> list[float]:
    """The two ends of an interval as shown ("46.1% – 100.0%", "€1.37 – €2.51", "-12.5 s – 28.8 s")."""
    ends = text.split(" – ")
    assert len(ends) == 2, text
    return [float(end.strip().strip("€%s ").replace(",", "")) for end in ends]


def test_intervals_stay_within_what_each_kpi_can_be_and_two_runs_say_so(qtbot, window):
    window.editor.set_value(("run", "replications"), 2)
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.run()
    summary = blocker.args[0].summary
    # Two replications of one day: unclipped t-intervals go below zero or past 100% (the defect).
    assert any(est.low < 0 or (KPI_BY_KEY[k].unit == "ratio" and est.high > 1)
               for k, est in summary.kpis.items() if not math.isnan(est.half_width))
    table = window.kpi_table
    for row, key in enumerate(table.keys):
        text = table.item(row, 2).text()
        if text.startswith("n/a"):
            continue
        low, high = _bounds(text)
        assert 0 <= low <= high, (key, text)
        if KPI_BY_KEY[key].unit == "ratio" and key != "attrition":
            assert high <= 100, (key, text)
    bars = [i for i in window.daily_view.rates.getPlotItem().items if isinstance(i, pg.ErrorBarItem)]
    assert bars
    for bar in bars:
        y, top, bottom = (np.asarray(bar.opts[k]) for k in ("y", "top", "bottom"))
        assert np.all(y - bottom >= -1e-9) and np.all(y + top <= 100 + 1e-9)
    assert window.results_note.isVisible()
    assert "not meaningful" in window.results_note.text()
    window.keep_result()
    service_level = window.comparison.table.item(table.keys.index("service_level"), 1).text()  # "84.3% (46.1–100.0%)"
    low, high = (float(end.strip("%")) for end in service_level.split("(")[1].rstrip(")").split("–"))
    assert 0 <= low <= high <= 100


def test_three_replications_need_no_caveat(qtbot, window):
    window.editor.set_value(("run", "replications"), 3)
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    assert not window.results_note.isVisible()


# ---- 3: usable on a 1280×720 screen ------------------------------------------------------------


def settle(qtbot: Any, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.wait(50)  # layouts and the what-if levers re-flow for the new size


def test_the_window_fits_a_1280x720_screen_and_its_panes_resize(qtbot, window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720 - 40  # a title bar's height to spare
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    settle(qtbot, window, 1280, 720)
    assert (window.width(), window.height()) == (1280, 720)
    status = window.statusBar().geometry()
    assert status.bottom() < window.height() and status.height() > 0  # the progress shows on screen
    # The dashboards keep readable plots and scroll, instead of forcing the window taller than the screen.
    window.result_tabs.setCurrentWidget(window.inbound_view)
    qtbot.wait(50)
    assert min(p.height() for p in (window.inbound_view.calls, window.inbound_view.sl)) >= 180
    # No editor section runs off its right edge.
    for tab in window.editor.section_tabs:
        window.editor.tabs.setCurrentWidget(tab)
        qtbot.wait(20)
        scroll = tab.findChild(QScrollArea)
        assert not scroll.horizontalScrollBar().isVisible(), tab.title
    # Both splitters move: the editor or the results may take most of the width, the levers or the plots the height.
    for sizes in ([840, 440], [440, 840]):
        window.main_split.setSizes(sizes)
        assert abs(window.main_split.sizes()[0] - sizes[0]) <= 10
    window.results_split.setSizes([80, 560])
    assert window.results_split.sizes()[0] <= 90


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
def test_every_column_of_the_staffing_tables_is_in_view(qtbot, window, size):
    settle(qtbot, window, *size)
    staffing = next(t for t in window.editor.section_tabs if isinstance(t, StaffingTab))
    window.editor.tabs.setCurrentWidget(staffing)
    qtbot.wait(50)
    for table in (staffing.groups, staffing.shifts, staffing.breaks):
        header = table.horizontalHeader()
        widths = [header.sectionSize(c) for c in range(table.columnCount())]
        assert not table.horizontalScrollBar().isVisible()
        assert sum(widths) <= table.viewport().width() and min(widths) >= 36, widths


# ---- 7: typing errors are rejected aloud, never turned into other values ----------------------


def shift_headcount_cell(window: MainWindow) -> Any:
    staffing = next(t for t in window.editor.section_tabs if isinstance(t, StaffingTab))
    window.editor.tabs.setCurrentWidget(staffing)
    return staffing.shifts.cellWidget(0, 4)  # the Early shift of the Inbound group


@pytest.mark.parametrize(("field", "typed", "path", "accepted"), [
    (lambda w: w.editor.field(("calendar", "horizon_days")), "999", ("calendar", "horizon_days"), "1 to 365 days"),
    (shift_headcount_cell, "-5", ("groups", 0, "shifts", 0, "headcount"), "0 to 5000"),
])
def test_a_value_out_of_range_is_rejected_with_a_message(qtbot, window, field, typed, path, accepted):
    box = field(window)
    before = window.editor.data
    for part in path:
        before = before[part]
    type_without_enter(qtbot, box, typed)
    assert typed in box.text()  # the keystrokes are not dropped: what was typed is what is judged
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    value = window.editor.data
    for part in path:
        value = value[part]
    assert value == before and box.value() == before  # not 99, not 5: the field keeps its value
    assert typed not in box.text()
    message = window.status_label.text()
    assert f"“{typed}” is not taken" in message and accepted in message
    assert window.status_label.isVisible()
    assert not window.isWindowModified()


def test_run_with_a_rejected_value_typed_does_not_run(qtbot, window):
    type_without_enter(qtbot, window.editor.field(("run", "replications")), "0")
    with qtbot.assertNotEmitted(window.tasks.started, wait=100):
        window.act_run.trigger()
    assert "“0” is not taken" in window.status_label.text() and "1 to 10000 runs" in window.status_label.text()


# ---- 6: Esc ------------------------------------------------------------------------------------


def test_esc_in_a_field_leaves_the_run_alone_and_from_the_results_it_asks_first(qtbot, window, dialogs):
    long_run(qtbot, window)
    seed = window.editor.field(("run", "seed"))
    seed.setFocus()
    qtbot.keyClick(seed.lineEdit(), Qt.Key.Key_Escape)
    qtbot.wait(100)
    assert window.tasks.busy and not window.tasks.worker.is_cancelled() and not dialogs.confirms
    window.kpi_table.setFocus()
    dialogs.confirm_answer = False
    qtbot.keyClick(window.kpi_table, Qt.Key.Key_Escape)
    assert len(dialogs.confirms) == 1 and window.tasks.busy and not window.tasks.worker.is_cancelled()
    dialogs.confirm_answer = True
    with qtbot.waitSignal(window.run_cancelled, timeout=10_000):
        qtbot.keyClick(window.kpi_table, Qt.Key.Key_Escape)
    assert len(dialogs.confirms) == 2


# ---- 5: progress within replications, a running state, stale results ---------------------------


@pytest.fixture(scope="module")
def one_worker_pool():
    """A one-worker process pool, as the application runs replications (started once for this module)."""
    backend = ProcessBackend(workers=1, background=True)
    backend.warm_up()
    yield backend
    backend.close()


def test_a_single_pooled_replication_reports_progress_as_it_goes(qtbot, tmp_path, dialogs, one_worker_pool):
    win = make_window(qtbot, tmp_path, dialogs, scenario(days=4),
                      backend=one_worker_pool)
    seen: list[tuple[float, bool, str]] = []

    def record(fraction: float, _text: str) -> None:
        state = getattr(win, "run_state", None)  # the results pane's running state
        seen.append((fraction, state is not None and state.isVisible(), state.text() if state else ""))

    win.tasks.progress.connect(record)
    with qtbot.waitSignal(win.result_ready, timeout=60_000):
        win.run()
    within = [(f, shown, text) for f, shown, text in seen if 0 < f < 1]
    assert within, f"no progress between 0 and 1: {[f for f, _, _ in seen]}"
    assert [f for f, _, _ in within] == sorted(f for f, _, _ in within)  # it only goes forward
    assert all(shown and "Running Baseline collections center" in text for _, shown, text in within)  # a run is on
    assert not win.run_state.isVisible()
    win.tasks.shutdown()


def test_results_are_marked_stale_once_the_scenario_is_edited(qtbot, window):
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    assert not window.stale_note.isVisible()
    window.editor.set_value(("inbound", "service_level", "target"), 0.9)
    assert window.stale_note.isVisible()
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
        window.editor.set_value(("inbound", "service_level", "target"), 0.85)  # while it runs
    assert window.stale_note.isVisible()  # the result that arrived was simulated before this edit
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    assert not window.stale_note.isVisible()


# ---- 8: Excel export off the GUI thread --------------------------------------------------------


def test_export_writes_the_workbook_in_the_background_with_a_busy_bar(qtbot, window, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    target = tmp_path / "result.xlsx"
    with qtbot.waitSignal(window.export_finished, timeout=30_000) as blocker:
        assert window.export_excel(target) == target
        # Back on the GUI thread at once: the workbook is still being written (it takes a quarter second
        # or more), the window says so and Export waits for it.
        assert not target.exists()
        assert window.exports.busy and window.export_progress.isVisible()
        assert not window.act_export.isEnabled()
    assert blocker.args[0] == target
    assert openpyxl.load_workbook(target).sheetnames
    assert not window.export_progress.isVisible() and window.act_export.isEnabled()
    assert str(target) in window.status_label.text()


def test_a_failed_background_export_says_why(qtbot, window, dialogs, tmp_path):
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    folder = tmp_path / "taken.xlsx"
    folder.mkdir()  # a folder where the workbook should go
    dialogs.confirm_answer = True
    with qtbot.waitSignal(window.export_failed, timeout=30_000):
        window.export_excel(folder)
    assert dialogs.errors[-1][0] == "Export failed" and "folder" in dialogs.errors[-1][1]


# ---- 9: legends beside the data, plain axes, no negative money ---------------------------------


def check_plots(qtbot: Any, window: MainWindow, tabs: QTabWidget, seen: list[str]) -> None:
    """Show each tab of `tabs` and check every plot drawn in it (`seen` collects their titles)."""
    for index in range(tabs.count()):
        if not tabs.isTabVisible(index):
            continue
        tabs.setCurrentIndex(index)
        qtbot.wait(60)
        for plot in tabs.widget(index).findChildren(pg.PlotWidget):
            if not plot.isVisible():
                continue
            item = plot.getPlotItem()
            title = item.titleLabel.text
            seen.append(title)
            legend = item.legend
            if legend is not None and legend.isVisible() and legend.items:
                assert not legend.sceneBoundingRect().intersects(item.vb.sceneBoundingRect()), title
            for side in ("left", "bottom", "right"):
                assert "(x" not in item.getAxis(side).labelString(), (title, side)  # no "(x0.001)" scaling
            assert item.vb.viewRange()[1][0] >= 0, title  # counts, rates, agents and money are never negative


def test_legends_never_cover_data_and_one_day_axes_are_plain(qtbot, window):
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.run()
    assert blocker.args[0].summary.kpis["amount_collected"].mean == 0  # one day: no promise falls due yet
    window.keep_result()
    settle(qtbot, window, 1600, 1000)
    seen: list[str] = []
    check_plots(qtbot, window, window.result_tabs, seen)
    check_plots(qtbot, window, window.comparison.overlays, seen)
    assert len(seen) >= 14  # inbound 3, by day 2, dialer 3, funnel 2, workforce 4, and the overlays


def test_the_empty_comparison_has_no_stray_header(window):
    table = window.comparison.table
    assert table.model().headerData(0, Qt.Orientation.Horizontal) == "KPI"


# ---- 10: comparison names, changed inputs, room for the table ---------------------------------


def test_kept_results_are_named_by_what_changed_renamable_and_the_table_has_room(qtbot, window):
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.run()
    window.keep_result()
    window.whatif.headcounts[(0, 0)].setValue(16)  # Inbound · Early, 12 in the baseline
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        window.whatif.button.click()
    window.keep_result()
    panel = window.comparison
    assert [o.name for o in panel.outcomes] == ["Baseline collections center", "Inbound · Early headcount 16"]
    changed = [panel.names.topLevelItem(i).text(panel.CHANGES) for i in range(2)]
    assert changed == ["base", "Inbound · Early headcount: 12 → 16"]

    item = panel.names.topLevelItem(1)
    item.setText(panel.NAME, "  Four more early agents ")  # as the editor commits a double-click rename
    renamed = panel.outcomes[1]
    assert renamed.name == "Four more early agents"
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert "Four more early agents" in headers
    assert "Four more early agents:offered" in panel.curves
    assert window.outcome is renamed and window.results_header.text().startswith("Four more early agents — ")
    item = panel.names.topLevelItem(0)
    item.setText(panel.NAME, "Four more early agents")  # a name in use is made unique
    assert panel.outcomes[0].name == "Four more early agents (2)"

    settle(qtbot, window, 1600, 1000)
    window.result_tabs.setCurrentWidget(panel)
    qtbot.wait(50)
    table = panel.table
    shown = [r for r in range(table.rowCount())
             if table.viewport().rect().contains(table.visualItemRect(table.item(r, 0)))]
    assert len(shown) >= 10, f"only {len(shown)} KPI rows in view"


# ---- 11: red/amber/green against targets -------------------------------------------------------


def test_kpis_with_a_target_show_red_amber_or_green(qtbot, window):
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.editor.set_value(("run", "replications"), 3)
        window.run()
    outcome = blocker.args[0]
    kpis = outcome.summary.kpis
    # The baseline's own targets: the status is read from the 95% interval, clipped to what the KPI can be.
    table = window.kpi_table
    low, high = kpi_interval("service_level", kpis["service_level"])
    sl_target = outcome.scenario.inbound.service_level.target
    expected = "met" if low >= sl_target else "missed" if high < sl_target else "at risk"
    assert table.status_text("service_level") == f"● {expected}"
    assert table.item(table.keys.index("service_level"), 3).text() == f"≥ {sl_target:.1%}"
    assert table.status_text("asa") == ""  # no ASA target: no status invented
    # All three colours, from targets set where the run's numbers put them.
    abandon = kpis["abandon_rate"]
    assert abandon.half_width > 0
    targets = outcome.scenario.targets.model_copy(update={
        "abandon_rate_max": abandon.mean,  # inside its own interval: the run cannot tell
        "occupancy_min": 0.999,            # nobody is that busy
        "cost_per_call_max": 1000.0,       # nobody is that dear
    })
    judged = outcome.scenario.model_copy(update={"targets": targets})
    table.show_summary(outcome.summary, kpi_targets(judged))
    assert table.status_text("abandon_rate") == "● at risk"
    assert kpis["occupancy"].mean + kpis["occupancy"].half_width < 0.999
    assert table.status_text("occupancy") == "● missed"
    assert table.status_text("cost_per_call") == "● met"
    colours = {key: table.item(table.keys.index(key), 4).background().color().name()
               for key in ("abandon_rate", "occupancy", "cost_per_call")}
    assert colours == {"abandon_rate": "#ffeb9c", "occupancy": "#ffc7ce", "cost_per_call": "#c6efce"}


def test_targets_are_set_on_the_costs_and_targets_tab(window):
    holder = window.editor.field(("targets", "recovery_rate_min"))
    assert not holder.check.isChecked() and window.editor.data["targets"]["recovery_rate_min"] is None
    holder.check.setChecked(True)
    holder.spin.setValue(2.5)
    assert window.editor.data["targets"]["recovery_rate_min"] == 0.025
    assert window.editor.scenario.targets.recovery_rate_min == 0.025


# ---- 12: the smaller ones ----------------------------------------------------------------------


def promises_fall_due(days: int = 2) -> Scenario:
    """A short campaign whose promises fall due within 0 to 3 days: some are kept within the horizon, some not due."""
    base = scenario(days=days)
    conversation = base.outbound.conversation.model_copy(update={"due_days_min": 0, "due_days_max": 3})
    return base.model_copy(update={"outbound": base.outbound.model_copy(update={"conversation": conversation})})


def test_kept_promises_are_a_share_of_those_due_and_collected_money_has_its_own_axis(qtbot, tmp_path, dialogs):
    win = make_window(qtbot, tmp_path, dialogs, promises_fall_due())
    with qtbot.waitSignal(win.result_ready, timeout=60_000) as blocker:
        win.run()
    outcome = blocker.args[0]
    funnel, recovery = outcome.funnel, outcome.recovery
    kept, promised = funnel.counts.mean[funnel.stages.index("kept")], funnel.counts.mean[funnel.stages.index("ptp")]
    assert 0 < kept and 0 < funnel.promises_due < promised  # some promises were not due yet
    label = win.funnel_view._labels[funnel.stages.index("kept")].textItem.toPlainText()
    assert f"({kept / funnel.promises_due:.1%} of {funnel.promises_due:,.0f} due)" in label
    # Collected money is read on the left axis, scaled to itself; money promised on the right one.
    view = win.funnel_view
    top = view.recovery.getPlotItem().vb.viewRange()[1][1]
    assert recovery.cumulative.high.max() <= top <= recovery.cumulative.high.max() * 1.2
    assert recovery.cumulative_promised.mean.max() > 2 * top  # on one axis, collected would look flat
    assert view.curves["cumulative_promised"].getViewBox() is view.promised_box
    view.show_outcome(outcome)  # a later result redraws: one legend entry per curve still
    entries = [label.text for _, label in view.recovery.getPlotItem().legend.items]
    assert sorted(entries) == ["collected (paid)", "promised (right axis)"]
    win.tasks.shutdown()


def test_fields_that_do_not_apply_are_greyed_out(window):
    editor = window.editor
    cv = editor.field(("inbound", "talk", "cv"))
    for kind, applies in (("fixed", False), ("exponential", False), ("lognormal", True)):
        editor.set_value(("inbound", "talk", "distribution"), kind)
        assert cv.isEnabled() == applies, kind
    workforce = next(t for t in editor.section_tabs if t.title.startswith("Workforce"))
    for on in (False, True):
        editor.set_value(("workforce", "stress", "enabled"), on)
        assert all(field.isEnabled() == on for field in workforce.stress_fields)
    costs = next(t for t in editor.section_tabs if t.title.startswith("Costs"))
    target_drop = costs.findChildren(QDoubleSpinBox)
    for mode in ("progressive", "predictive"):
        editor.set_value(("outbound", "dialer", "mode"), mode)
        assert window.dialer_tab.mode_fields["fixed_level"].isEnabled() == (mode == "predictive")
        aims = [box for box in target_drop if box.suffix() == " %" and box.maximum() == pytest.approx(49.99)]
        assert len(aims) == 1 and aims[0].isEnabled() == (mode == "predictive")


def test_one_agent_is_one_agent(window):
    reserve = window.editor.field(("outbound", "blending", "inbound_reserve"))
    reserve.setValue(1)
    assert reserve.text() == "1 agent"
    reserve.setValue(2)
    assert reserve.text() == "2 agents"


def test_the_problems_list_shows_whole_messages(qtbot, window):
    window.editor.field(("inbound", "talk", "cv")).setValue(0)  # lognormal without a CV: a long message
    settle(qtbot, window, 1280, 720)
    problems = window.editor.problem_list
    item = problems.topLevelItem(0)
    message = item.text(1)
    metrics = problems.fontMetrics()
    assert metrics.horizontalAdvance(message) > problems.columnWidth(1)  # it needs more than one line…
    lines = -(-metrics.horizontalAdvance(message) // max(problems.columnWidth(1) - 10, 1))
    assert problems.visualItemRect(item).height() >= lines * metrics.height()  # …and gets them


def test_a_failed_save_leaves_no_stray_backup(window, dialogs, tmp_path, monkeypatch):
    target = tmp_path / "center.toml"
    assert window.save_as(target)
    before = target.read_bytes()
    (tmp_path / "center.toml.bak").unlink(missing_ok=True)

    def locked(*_args: object) -> None:
        raise OSError(16, "Device or resource busy")  # the file is open in another program

    monkeypatch.setattr("wfm.scenario.io.os.replace", locked)
    window.editor.set_value(("run", "seed"), 7)
    assert not window.save()
    assert dialogs.errors[-1][0] == "Cannot save"
    assert target.read_bytes() == before and not (tmp_path / "center.toml.bak").exists()
    assert not list(tmp_path.glob(".center.toml.*.tmp"))


def test_run_while_running_asks_before_replacing_it(qtbot, window, dialogs):
    long_run(qtbot, window)
    first = window.tasks.worker
    dialogs.confirm_answer = False
    window.run()
    assert len(dialogs.confirms) == 1 and "still running" in dialogs.confirms[0]
    assert window.tasks.worker is first and not first.is_cancelled()
    dialogs.confirm_answer = True
    window.editor.set_value(("calendar", "horizon_days"), 1)
    window.editor.set_value(("run", "replications"), 1)
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.run()
    assert first.is_cancelled() and blocker.args[0].scenario.calendar.horizon_days == 1


def test_a_draft_with_problems_can_be_saved_after_a_warning_and_opened_again(qtbot, window, dialogs, tmp_path):
    window.editor.field(("inbound", "talk", "cv")).setValue(0)
    window.editor.set_value(("groups", 0, "shifts", 0, "headcount"), 17)
    problems = [p.message for p in window.editor.problems]
    assert problems and window.act_save.isEnabled()
    draft = tmp_path / "draft.toml"
    dialogs.confirm_answer = False
    assert not window.save_as(draft) and not draft.exists()
    dialogs.confirm_answer = True
    assert window.save_as(draft)
    assert "draft" in dialogs.confirms[-1].lower() and not window.isWindowModified()
    assert "draft" in window.status_label.text()
    other = make_window(qtbot, tmp_path, ScriptedDialogs())
    assert other.open_scenario(draft)
    assert [p.message for p in other.editor.problems] == problems
    assert other.editor.data["groups"][0]["shifts"][0]["headcount"] == 17
    assert other.path == draft and not other.isWindowModified()
