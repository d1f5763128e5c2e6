"""The desktop window, driven as a planner would (pytest-qt, QT_QPA_PLATFORM=offscreen).

Collaborators are injected: scripted dialogs, an INI QSettings in tmp_path, and the serial
`replicate` as runner (one test uses the process pool the application uses).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage

from gui_support import ScriptedDialogs
from wfm.execution import ProcessBackend
from wfm.experiment import RunPlan, paired_difference, replicate
from wfm.gui.app import configure_plots, install_excepthook
from wfm.gui.dialogs import Unsaved
from wfm.gui.formatting import format_delta
from wfm.gui.main_window import MainWindow
from wfm.gui.sections import StaffingTab
from wfm.kpi import KPI_BY_KEY, format_kpi
from wfm.scenario.io import default_scenario, load_scenario
from wfm.sim import same_values


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


def make_window(qtbot, tmp_path: Path, dialogs: ScriptedDialogs, runner=replicate, backend=None) -> MainWindow:
    configure_plots()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(default_scenario(), runner=runner, backend=backend, dialogs=dialogs, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(qtbot, tmp_path, dialogs) -> MainWindow:
    win = make_window(qtbot, tmp_path, dialogs)
    yield win
    win.tasks.shutdown()


def type_into(qtbot, box, text: str) -> None:
    """Replace a spin box's text by typing, then Enter (how a planner edits a field)."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def short_run(qtbot, window: MainWindow, reps: int = 2, timeout: int = 30_000):
    """One-day horizon, `reps` replications, run through the toolbar action; returns the Outcome."""
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "1")
    type_into(qtbot, window.editor.field(("run", "replications")), str(reps))
    with qtbot.waitSignal(window.result_ready, timeout=timeout) as blocker:
        window.act_run.trigger()
    return blocker.args[0]


# ---- runs -------------------------------------------------------------------------------


def test_run_fills_kpi_table_and_plots_with_the_runs_values(qtbot, window):
    outcome = short_run(qtbot, window)
    summary = outcome.summary
    assert window.editor.scenario.calendar.horizon_days == 1
    assert summary.replications == 2 and outcome.scenario.calendar.horizon_days == 1
    assert window.isWindowModified()
    # the run is exactly replicate() of the edited scenario (same seed, bit-identical)
    reference = replicate(outcome.scenario, RunPlan(2, outcome.scenario.run.seed))
    assert all(same_values(a, b) for a, b in zip(reference.runs, summary.runs, strict=True))

    for key, est in summary.kpis.items():
        assert window.kpi_table.mean_text(key) == format_kpi(est.mean, KPI_BY_KEY[key])
    # one day: the intraday profile is the summary's interval table
    _, offered = window.inbound_view.curves["offered"].getData()
    np.testing.assert_allclose(offered, summary.intervals["offered"])
    assert offered.sum() == pytest.approx(summary.kpis["offered"].mean)
    _, answered = window.inbound_view.curves["answered"].getData()
    np.testing.assert_allclose(answered, summary.intervals["answered"])
    _, sl = window.inbound_view.curves["service_level"].getData()
    np.testing.assert_allclose(sl, summary.intervals["service_level"] * 100, equal_nan=True)
    _, required = window.inbound_view.curves["required"].getData()
    np.testing.assert_array_equal(required, outcome.required_avg)
    assert required.max() > 0
    heights = window.daily_view.curves["offered"].opts["height"]
    np.testing.assert_allclose(heights, summary.daily["offered"])
    assert window.act_keep.isEnabled() and window.act_export.isEnabled()
    assert window.result_stack.currentIndex() == 1


def test_worker_signals_come_in_order_and_progress_reaches_the_status_bar(qtbot, window):
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "1")
    progress: list[float] = []
    window.tasks.progress.connect(lambda f, text: progress.append(f))
    tasks = window.tasks
    with qtbot.waitSignals([tasks.started, tasks.result, tasks.finished], order="strict", timeout=30_000):
        window.run()
    assert progress and progress[-1] == 1.0
    assert window.progress.isHidden()
    assert window.act_run.isEnabled() and not window.act_stop.isEnabled()


def test_stop_cancels_and_emits_no_result(qtbot, window):
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "365")
    type_into(qtbot, window.editor.field(("run", "replications")), "50")
    with qtbot.assertNotEmitted(window.result_ready, wait=200), qtbot.assertNotEmitted(window.tasks.result):
        with qtbot.waitSignal(window.tasks.progress, timeout=30_000):
            window.act_run.trigger()
        assert window.act_stop.isEnabled() and not window.act_run.isEnabled()
        with qtbot.waitSignal(window.run_cancelled, timeout=30_000):
            window.act_stop.trigger()
    assert window.outcome is None
    assert "stopped" in window.status_label.text()
    assert window.act_run.isEnabled()


def test_a_new_run_replaces_a_running_one(qtbot, window):
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "365")
    type_into(qtbot, window.editor.field(("run", "replications")), "50")
    with qtbot.waitSignal(window.tasks.progress, timeout=30_000):
        window.run()
    first = window.tasks.worker
    type_into(qtbot, window.editor.field(("calendar", "horizon_days")), "1")
    type_into(qtbot, window.editor.field(("run", "replications")), "1")
    window.run()
    assert first.is_cancelled()
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        pass
    assert blocker.args[0].scenario.calendar.horizon_days == 1


def test_failed_run_shows_a_dialog_and_keeps_the_window(qtbot, tmp_path, dialogs):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    win = make_window(qtbot, tmp_path, dialogs, runner=broken)
    with qtbot.assertNotEmitted(win.result_ready), qtbot.waitSignal(win.run_failed, timeout=10_000):
        win.run()
    assert dialogs.errors[-1][0] == "Simulation failed"
    assert "RuntimeError: disk on fire" in dialogs.errors[-1][1]
    assert win.act_run.isEnabled()


@pytest.fixture(scope="module")
def process_pool():
    """The application's process pool, started once for the tests that use it."""
    backend = ProcessBackend(workers=2, background=True)
    backend.warm_up()
    yield backend
    backend.close()


@pytest.fixture
def pooled_window(qtbot, tmp_path, dialogs, process_pool) -> MainWindow:
    win = make_window(qtbot, tmp_path, dialogs, backend=process_pool)
    yield win
    win.tasks.shutdown()


def test_the_process_pool_gives_the_serial_results(qtbot, pooled_window):
    outcome = short_run(qtbot, pooled_window, reps=2, timeout=120_000)
    serial = replicate(outcome.scenario, RunPlan(2, outcome.scenario.run.seed))
    assert all(same_values(a, b) for a, b in zip(serial.runs, outcome.summary.runs, strict=True))


# ---- validation ---------------------------------------------------------------------------


def _close_before_open(window):
    window.editor.section_tabs[0]._hours["mon"][2].setValue(7 * 60)


def _lognormal_without_cv(window):
    window.editor.field(("inbound", "talk", "cv")).setValue(0)


def _unknown_timezone(window):
    window.editor.field(("calendar", "timezone")).setCurrentText("Mars/Olympus")


def _nobody_answers(window):
    for box in window.whatif.headcounts.values():
        box.setValue(0)


def _break_past_shift_end(window):
    staffing = next(t for t in window.editor.section_tabs if isinstance(t, StaffingTab))
    staffing.breaks.cellWidget(2, 2).setValue(180)  # the tea break of the Early shift


@pytest.mark.parametrize(("edit", "sink", "message"), [
    (_close_before_open, "calendar.opening_hours.mon",
     'close 07:00 must be after open 08:00; the center cannot be open past midnight, use close = "24:00"'),
    (_lognormal_without_cv, "inbound.talk",
     'a lognormal duration needs cv > 0; use distribution = "fixed" for a constant'),
    (_unknown_timezone, "calendar.timezone",
     "'Mars/Olympus' is not a known time zone; use an IANA name such as \"Europe/Rome\""),
    (_break_past_shift_end, "groups",
     "breaks[2] (tea) ends 585 min after the shift start but the shift lasts 510 min;"
     " move it earlier or shorten it"),
    (_nobody_answers, None,
     "inbound is enabled but no inbound or blended group has agents;"
     " add headcount to such a group or set inbound.enabled = false"),
])
def test_invalid_input_shows_the_exact_message_and_disables_run(qtbot, window, edit, sink, message):
    assert window.act_run.isEnabled()
    edit(window)
    assert message in [p.message for p in window.editor.problems]
    if sink is not None:
        assert message in window.editor.error_text(sink)
    listed = [window.editor.problem_list.topLevelItem(i).text(1)
              for i in range(window.editor.problem_list.topLevelItemCount())]
    assert message in listed
    assert not window.act_run.isEnabled()
    assert not window.whatif.button.isEnabled()
    assert window.act_save.isEnabled()  # a draft may be saved, after a warning (issue 15 item 12)
    assert "⚠" in window.editor.status.text()


def test_fixing_the_input_enables_run_again(qtbot, window):
    clock = window.editor.section_tabs[0]._hours["mon"][2]
    clock.setValue(7 * 60)
    assert not window.act_run.isEnabled()
    clock.setValue(24 * 60)
    assert window.act_run.isEnabled()
    assert window.editor.error_text("calendar.opening_hours.mon") == ""
    assert window.editor.scenario.calendar.opening_hours["mon"].close == 86_400


# ---- files --------------------------------------------------------------------------------


def test_save_and_open_round_trip_the_scenario(qtbot, window, dialogs, tmp_path):
    window.editor.field(("name",)).setText("")
    qtbot.keyClicks(window.editor.field(("name",)), "Round trip")
    window.whatif.headcounts[(0, 1)].setValue(17)
    type_into(qtbot, window.editor.field(("inbound", "service_level", "threshold_s")), "30")
    assert window.isWindowModified() and window.windowTitle().startswith("Round trip")
    edited = window.editor.scenario
    target = tmp_path / "mine.toml"
    dialogs.next_save = tmp_path / "mine"
    assert window.save_as()
    assert target.exists() and not window.isWindowModified()
    assert load_scenario(target) == edited

    window.new_scenario()
    assert window.editor.scenario == default_scenario()
    assert window.open_scenario(target)
    assert window.editor.scenario == edited
    assert window.editor.scenario.groups[0].shifts[1].headcount == 17
    assert window.whatif.headcounts[(0, 1)].value() == 17
    assert window.recent_files()[0] == str(target.resolve())
    # saving again keeps the previous file as .bak
    window.whatif.headcounts[(0, 1)].setValue(18)
    assert window.save()
    assert (tmp_path / "mine.toml.bak").exists()
    assert load_scenario(target).groups[0].shifts[1].headcount == 18


def test_a_bad_file_is_reported_and_the_edits_stay(qtbot, window, dialogs, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[calendar]\nhorizon_days = 0\n', encoding="utf-8")
    window.whatif.headcounts[(0, 0)].setValue(13)
    dialogs.unsaved_answer = Unsaved.DISCARD
    assert not window.open_scenario(bad)
    title, text = dialogs.errors[-1]
    assert title == "Cannot open scenario"
    assert "calendar.horizon_days" in text and "groups: is required but missing; add it" in text
    assert window.editor.scenario.groups[0].shifts[0].headcount == 13


def test_unsaved_edits_are_never_dropped_silently(qtbot, window, dialogs, tmp_path):
    window.whatif.headcounts[(0, 0)].setValue(14)
    dialogs.unsaved_answer = Unsaved.CANCEL
    window.new_scenario()
    assert dialogs.unsaved_asked == 1
    assert window.editor.scenario.groups[0].shifts[0].headcount == 14 and window.isWindowModified()
    assert not window.close()
    assert window.isVisible()

    dialogs.unsaved_answer = Unsaved.SAVE
    dialogs.next_save = tmp_path / "kept.toml"
    window.new_scenario()
    assert load_scenario(tmp_path / "kept.toml").groups[0].shifts[0].headcount == 14
    assert window.editor.scenario == default_scenario()


SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_save_as_keeps_an_imported_portfolio_reachable(qtbot, window, dialogs, tmp_path):
    source = SCENARIOS / "imported_portfolio.toml"
    original = load_scenario(source)
    assert window.open_scenario(source)
    assert window.editor.scenario == original
    target = tmp_path / "elsewhere" / "copy.toml"
    target.parent.mkdir()
    dialogs.next_save = target
    assert window.save_as()
    copy = load_scenario(target)
    assert copy.outbound.portfolio.imported == original.outbound.portfolio.imported
    assert len(copy.outbound.portfolio.imported) == 2000
    assert (target.parent / copy.outbound.portfolio.file).resolve() == (SCENARIOS / "portfolio_example.csv").resolve()
    # the window follows the file as written: saving again in the new folder still finds the accounts
    assert window.editor.data["outbound"]["portfolio"]["file"] == copy.outbound.portfolio.file
    assert not window.isWindowModified()
    window.editor.field(("outbound", "portfolio", "invalid_number_share")).setValue(10)
    assert window.save()
    assert load_scenario(target).outbound.portfolio.imported == original.outbound.portfolio.imported
    window.new_scenario()
    assert window.open_scenario(target)
    assert window.editor.scenario.outbound.portfolio.imported == original.outbound.portfolio.imported


def _dialer_tab(window):
    from wfm.gui.sections_outbound import DialerTab

    return next(t for t in window.editor.section_tabs if isinstance(t, DialerTab))


PORTFOLIO_CSV = "account_id,balance,dpd,segment,phones\nA1,100.50,30,early,2\nA2,2500,400,late,1\nA3,80,95,Mid,\n"


def test_import_portfolio_reads_the_file_into_the_scenario(qtbot, window, dialogs, tmp_path):
    window.path = None
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text(PORTFOLIO_CSV, encoding="utf-8")
    tab = _dialer_tab(window)
    dialogs.next_open = csv_file
    with qtbot.waitSignal(window.portfolio_imported, timeout=5_000) as blocker:
        qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [3]
    portfolio = window.editor.scenario.outbound.portfolio
    assert [(a.account_id, a.balance, a.dpd, a.segment, a.phones) for a in portfolio.imported] == [
        ("A1", 100.5, 30, "early", 2), ("A2", 2500.0, 400, "late", 1), ("A3", 80.0, 95, "mid", 1)]
    assert portfolio.size == 3
    assert portfolio.file == csv_file.resolve().as_posix()  # not saved yet: absolute
    assert tab.accounts.value() == 3 and not tab.accounts.isEnabled()
    assert tab.imported.text().startswith(f"3 accounts read from {csv_file.resolve().as_posix()};")
    assert window.isWindowModified() and dialogs.errors == []

    # once the scenario has a file, the portfolio is named relative to it, and saving keeps it
    window.path = tmp_path / "scenarios" / "mine.toml"
    window.import_portfolio(csv_file)
    assert window.editor.scenario.outbound.portfolio.file == "../accounts.csv"
    assert window.save()
    assert load_scenario(window.path).outbound.portfolio.imported == portfolio.imported

    # and back to generated accounts
    qtbot.mouseClick(tab.generated_button, Qt.MouseButton.LeftButton)
    portfolio = window.editor.scenario.outbound.portfolio
    assert portfolio.file == "" and portfolio.imported == () and portfolio.size == 20_000
    assert tab.accounts.isEnabled() and tab.accounts.value() == 20_000


def test_a_malformed_portfolio_shows_the_problems_and_leaves_the_scenario(qtbot, window, dialogs, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id,balance,dpd,segment\nA1,100.50,30,early\nA2,abc,40,mid\nA3,10,x,late\n",
                   encoding="utf-8")
    before = window.editor.scenario
    with qtbot.waitSignal(window.portfolio_failed, timeout=5_000):
        window.import_portfolio(bad)
    assert dialogs.errors == [("Cannot import portfolio",
                               "bad.csv has 2 problem(s); the scenario is unchanged.\n\n"
                               '• bad.csv row 3, column "balance": "abc" is not a number; write amounts like 1250.50\n'
                               '• bad.csv row 4, column "dpd": "x" is not a whole number of days; write days past due'
                               " like 120")]
    assert window.editor.scenario == before and not window.isWindowModified()


def test_a_large_portfolio_is_read_off_the_gui_thread(qtbot, window, dialogs, tmp_path):
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text(PORTFOLIO_CSV, encoding="utf-8")
    window.portfolio_thread_bytes = 1  # every file counts as large
    tab = _dialer_tab(window)
    with qtbot.waitSignals([window.imports.started, window.portfolio_imported], order="strict", timeout=10_000):
        window.import_portfolio(csv_file)
        assert not tab.import_button.isEnabled()  # one import at a time
    assert tab.import_button.isEnabled()
    assert window.editor.scenario.outbound.portfolio.size == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id,balance,dpd,segment\nA1,100,30,nowhere\n", encoding="utf-8")
    with qtbot.waitSignal(window.portfolio_failed, timeout=10_000):
        window.import_portfolio(bad)
    title, text = dialogs.errors[-1]
    assert title == "Cannot import portfolio"
    assert text.startswith("bad.csv has 1 problem(s); the scenario is unchanged.")
    assert window.editor.scenario.outbound.portfolio.size == 3


# ---- comparison and export ------------------------------------------------------------------


def test_comparison_shows_paired_deltas(qtbot, window):
    base = short_run(qtbot, window, reps=3)
    window.keep_result()
    window.whatif.headcounts[(0, 0)].setValue(6)
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.whatif.button.click()
    fewer = blocker.args[0]
    window.keep_result()
    panel = window.comparison
    assert [o.name for o in panel.outcomes] == [base.name, fewer.name]
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert headers == ["KPI", f"{base.name}\n(base)", fewer.name, "Δ vs base"]
    assert panel.table.horizontalHeaderItem(3).toolTip().startswith(f"{fewer.name} minus {base.name}")
    labels = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    row = labels.index(KPI_BY_KEY["service_level"].label)
    diff = paired_difference(base.summary, fewer.summary, "service_level")
    cell = panel.table.item(row, 3).text()
    assert format_delta(diff.mean, KPI_BY_KEY["service_level"]) in cell
    assert diff.mean < 0  # six fewer agents on the early shift cannot raise the service level
    significant = diff.high < 0
    assert cell.startswith("▼") == significant
    series = ("offered", "service_level", "drop_rate_day", "collected", "headcount")
    assert set(panel.curves) == {f"{o.name}:{k}" for o in (base, fewer) for k in series} | {"drop_cap"}
    # the campaign and workforce overlays are each result's own daily numbers, from the raw runs
    for o in (base, fewer):
        runs = o.summary.runs
        live = np.array([r.outbound.live.sum() for r in runs])
        dropped = np.array([r.outbound.outcome("dropped").sum() for r in runs])
        drop_rate = panel.curves[f"{o.name}:drop_rate_day"].getData()[1]
        np.testing.assert_allclose(drop_rate, [np.mean(dropped / live) * 100])
        np.testing.assert_allclose(panel.curves[f"{o.name}:collected"].getData()[1],
                                   np.cumsum(o.summary.daily["amount_collected"]))
        np.testing.assert_allclose(panel.curves[f"{o.name}:headcount"].getData()[1], o.summary.daily["headcount"])
    assert panel.curves[f"{base.name}:headcount"].getData()[1][0] - 6 == \
        panel.curves[f"{fewer.name}:headcount"].getData()[1][0]  # the what-if took six agents off the roster
    overlays = panel.overlays
    assert [overlays.tabText(i) for i in range(overlays.count()) if overlays.isTabVisible(i)] == [
        "Inbound by interval", "Campaign by day", "Workforce over time"]


def test_export_writes_a_workbook_and_asks_before_overwriting(qtbot, window, dialogs, tmp_path):
    excel = pytest.importorskip("wfm.report.excel", reason="wfm.report.excel (issue: Excel report) not built yet")
    openpyxl = pytest.importorskip("openpyxl")
    assert excel.write_report
    short_run(qtbot, window)
    target = tmp_path / "out.xlsx"
    with qtbot.waitSignal(window.export_finished, timeout=30_000):  # written off the GUI thread
        assert window.export_excel(target) == target
    assert openpyxl.load_workbook(target).sheetnames
    before = target.stat().st_mtime_ns
    dialogs.confirm_answer = False
    assert window.export_excel(target) is None
    assert dialogs.confirms and "already exists" in dialogs.confirms[-1]
    assert target.stat().st_mtime_ns == before
    dialogs.confirm_answer = True
    with qtbot.waitSignal(window.export_finished, timeout=30_000):
        assert window.export_excel(target) == target


def test_export_without_a_result_explains_why(qtbot, window, dialogs, tmp_path):
    assert window.export_excel(tmp_path / "x.xlsx") is None
    assert dialogs.errors[-1][0] == "Nothing to export"


# ---- look and crash safety -------------------------------------------------------------------


def screenshot(window: MainWindow) -> np.ndarray:
    """The window as drawn, as an (height, width, 3) array of RGB bytes."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).copy()  # the image dies here


# Antialiased lines and text blend into the white background: a pixel counts as a curve's (text's)
# colour within this RGB distance of it. Pen colours of different curves are further apart than that.
CURVE_TOLERANCE = 60.0
TEXT_TOLERANCE = 120.0


def near(pixels: np.ndarray, colour: QColor, tolerance: float = CURVE_TOLERANCE) -> np.ndarray:
    """Which pixels are within `tolerance` (RGB distance) of `colour`."""
    target = np.array([colour.red(), colour.green(), colour.blue()], dtype=float)
    return np.linalg.norm(pixels.astype(float) - target, axis=-1) <= tolerance


def region(shot: np.ndarray, window: MainWindow, widget, rect: QRect) -> np.ndarray:
    """The pixels of the screenshot inside `rect`, given in `widget`'s coordinates."""
    at = widget.mapTo(window, rect.topLeft())
    return shot[max(at.y(), 0):at.y() + rect.height(), max(at.x(), 0):at.x() + rect.width()]


def patch(shot: np.ndarray, window: MainWindow, widget, point: QPoint, radius: int = 4) -> np.ndarray:
    """The pixels of the screenshot within `radius` of `point` in `widget`'s coordinates."""
    side = 2 * radius + 1
    return region(shot, window, widget, QRect(point.x() - radius, point.y() - radius, side, side))


def curve_point(window: MainWindow, curve, x: float, y: float) -> tuple[object, QPoint]:
    """Where the data point (x, y) of a plotted curve is drawn: its plot widget and the point in it."""
    scene_point = curve.getViewBox().mapViewToScene(QPointF(x, y))
    plot = curve.scene().views()[0]
    return plot, plot.mapFromScene(scene_point)


def test_screenshot_after_a_run_shows_the_kpis_and_the_curves_where_the_data_puts_them(qtbot, window):
    outcome = short_run(qtbot, window, reps=3)
    summary = outcome.summary

    # The KPI table: the service-level row is on screen, says the run's value, and its cell has ink in it.
    table = window.kpi_table
    window.result_tabs.setCurrentWidget(table)
    qtbot.wait(50)
    shot = screenshot(window)
    assert shot.shape[1] >= 1200 and shot.shape[0] >= 800  # the window opens large enough to read
    row = table.keys.index("service_level")
    item = table.item(row, 1)
    assert item.text() == format_kpi(summary.kpis["service_level"].mean, KPI_BY_KEY["service_level"])
    cell = table.visualItemRect(item)
    assert table.isVisible() and table.viewport().rect().contains(cell)
    text = table.palette().color(table.foregroundRole())
    assert near(region(shot, window, table.viewport(), cell), text, TEXT_TOLERANCE).sum() >= 10, \
        "the service level's cell is drawn empty"
    shown = item.text()
    item.setText("")  # the same cell without its text has no ink: the count sees the text, not the grid
    assert not near(region(screenshot(window), window, table.viewport(), cell), text, TEXT_TOLERANCE).any()
    item.setText(shown)

    # The interval plots: each curve's colour is drawn exactly where its data point falls.
    view = window.inbound_view
    window.result_tabs.setCurrentWidget(view)
    qtbot.wait(50)
    shot = screenshot(window)
    x, answered = view.curves["answered"].getData()
    peak = int(np.argmax(answered))
    step = x[1] - x[0]
    plot, point = curve_point(window, view.curves["answered"], x[peak] + step / 2, answered[peak])
    green, red = (view.curves[k].opts["pen"].color() for k in ("answered", "service_level"))
    assert plot.isVisible() and plot.rect().contains(point)
    assert near(patch(shot, window, plot, point), green).any(), "the answered curve is not at its peak"
    assert not near(patch(shot, window, plot, point), red).any()  # the colour test tells the curves apart
    # halfway down to zero there is no curve at all
    _, below = curve_point(window, view.curves["answered"], x[peak] + step / 2, answered[peak] / 2)
    assert not near(patch(shot, window, plot, below), green).any()
    x, sl = view.curves["service_level"].getData()
    target = outcome.scenario.inbound.service_level.target * 100
    far = int(np.nanargmax(np.abs(np.nan_to_num(sl, nan=target) - target)))  # clear of the dashed target line
    plot, point = curve_point(window, view.curves["service_level"], x[far], sl[far])
    assert plot.isVisible() and plot.rect().contains(point)
    assert near(patch(shot, window, plot, point), red).any(), "the service-level curve is not where its data is"


def test_uncaught_exceptions_go_to_a_dialog():
    import sys

    shown: list[str] = []
    previous = install_excepthook(lambda text, details: shown.append(text))
    try:
        try:
            raise ValueError("boom")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown == ["ValueError: boom"]


def test_quick_what_if_edits_the_scenario(qtbot, window):
    window.whatif.target.setValue(90)
    window.whatif.patience.setValue(240)
    scenario = window.editor.scenario
    assert math.isclose(scenario.inbound.service_level.target, 0.9)
    assert scenario.inbound.patience.mean_s == 240
    assert window.editor.field(("inbound", "service_level", "target")).value() == pytest.approx(90)
    assert window.isWindowModified()
