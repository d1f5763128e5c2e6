"""The main window: scenario editor, runs in the background, dashboards, comparison, export.

Collaborators are injected — the experiment `runner` (normally `wfm.experiment.replicate`) and
the `backend` it runs on (the application's process pool) with `stop_workers` (what ends that
pool's work at once when the window closes), the `Dialogs` that ask the planner questions, and
the QSettings that keep recent files — so tests drive the real window without monkeypatching.
"""

from __future__ import annotations

import copy
import functools
import os
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from wfm.execution import Backend
from wfm.experiment import RunPlan, Summary, replicate
from wfm.gui.analysis import Outcome
from wfm.gui.changes import default_name
from wfm.gui.comparison import ComparisonPanel
from wfm.gui.dashboards import DailyDashboard, InboundDashboard
from wfm.gui.dashboards_campaign import DialerDashboard, FunnelDashboard, WorkforceDashboard
from wfm.gui.dashboards_strategy import StrategyDashboard
from wfm.gui.dialogs import (
    EXCEL_FILTER,
    PORTFOLIO_FILTER,
    SCENARIO_FILTER,
    Dialogs,
    QtDialogs,
    Unsaved,
    describe_exception,
)
from wfm.gui.editor import ScenarioEditor, scenario_to_data
from wfm.gui.kpi_table import KpiTable
from wfm.gui.planning import PlanningWindow
from wfm.gui.sections import SECTION_TABS
from wfm.gui.sections_outbound import DialerTab
from wfm.gui.whatif import WhatIfPanel
from wfm.gui.widgets import NOTICES, commit_typing
from wfm.gui.worker import TaskRunner, describe_replications
from wfm.scenario import Scenario
from wfm.scenario.accounts import AccountTable
from wfm.scenario.io import (
    DRAFT_MARK,
    ScenarioError,
    default_scenario,
    draft_to_toml,
    load_scenario,
    save_scenario,
    save_text,
)
from wfm.scenario.portfolio_file import PortfolioError, read_portfolio
from wfm.views import interval_caveat
from wfm.views.targets import kpi_targets

Runner = Callable[[Scenario, RunPlan], Summary]
"""`replicate`-compatible: runner(scenario, plan) -> Summary."""

@dataclass(frozen=True)
class PortfolioRead:
    """What the import task hands back from its thread: the file's name and the accounts read."""

    name: str
    accounts: AccountTable


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`, tables merged key by key (lists and values replaced)."""
    out = dict(base)
    for key, value in over.items():
        # An empty table replaces: it is a closed day, not "no change".
        out[key] = _merged(out[key], value) if isinstance(value, dict) and value and isinstance(out.get(key), dict) \
            else value
    return out


class ExportFailed(Exception):
    """A workbook could not be written; the message names the cause and the fix (a `wfm.report.ReportError`)."""


class ResultView(Protocol):
    """A result dashboard: it draws an outcome in steps, so the window stays responsive between plots."""

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """One callable per plot; each draws its part of `outcome`."""
        ...

MAX_RECENT = 8
NO_RESULTS = ("No results yet.\n\nPress Run (F5) to simulate the scenario;\n"
              "the KPIs, dashboards and comparison appear here.")
PORTFOLIO_THREAD_BYTES = 512 * 1024
"""Portfolio files at least this large (about 10,000 rows of CSV) are read off the GUI thread."""


class MainWindow(QMainWindow):
    """The wfm desktop application window.

    Signals:
        result_ready(Outcome): a run finished and every view shows it.
        run_cancelled: a run was stopped (no result is shown).
        run_failed(object): a run raised; the exception was shown in a dialog.
        portfolio_imported(int): accounts were read from a portfolio file into the scenario.
        portfolio_failed: a portfolio file could not be read; the problems were shown in a dialog.
        export_finished(Path): a workbook was written.
        export_failed(str): a workbook could not be written; the reason was shown in a dialog.
    """

    result_ready = Signal(object)
    run_cancelled = Signal()
    run_failed = Signal(object)
    portfolio_imported = Signal(int)
    portfolio_failed = Signal()
    export_finished = Signal(object)
    export_failed = Signal(str)

    def __init__(
        self,
        scenario: Scenario | None = None,
        path: Path | None = None,
        *,
        runner: Runner = replicate,
        backend: Backend | None = None,
        dialogs: Dialogs | None = None,
        settings: QSettings | None = None,
        stop_workers: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.backend = backend
        self.stop_workers = stop_workers
        self.dialogs: Dialogs = dialogs if dialogs is not None else QtDialogs(self)
        self.settings = settings if settings is not None else QSettings("wfm", "wfm")
        self.path: Path | None = path
        self.outcome: Outcome | None = None
        self._run_started = 0.0
        self._running_name = ""
        self._export_done: Callable[[], None] | None = None
        self._edited_during_run = False
        self.tasks = TaskRunner(self)
        self.imports = TaskRunner(self)  # apart from runs: reading a file must not cancel a simulation
        self.exports = TaskRunner(self)  # writing a workbook, off the GUI thread, beside a run
        self.portfolio_thread_bytes = PORTFOLIO_THREAD_BYTES
        self.planning: PlanningWindow | None = None  # made on first use (`open_planning`)
        self.editor = ScenarioEditor(SECTION_TABS, scenario or default_scenario())
        self.dialer_tab = next(t for t in self.editor.section_tabs if isinstance(t, DialerTab))
        self.dialer_tab.import_requested.connect(lambda: self.import_portfolio())
        self._build_results()
        self._build_actions()
        self._build_status()
        # Both panes resize by the handle between them; neither can be dragged shut by accident.
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.addWidget(self.editor)
        self.main_split.addWidget(self.results_area)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.setStretchFactor(0, 2)
        self.main_split.setStretchFactor(1, 3)
        self.main_split.setSizes([720, 720])
        self.setCentralWidget(self.main_split)
        self.editor.edited.connect(lambda: self.setWindowModified(True))
        self.editor.edited.connect(self._mark_stale)
        self.editor.edited.connect(self._update_title)
        self.editor.edited.connect(lambda: self.act_undo.setEnabled(self.editor.can_undo))
        self.editor.validity_changed.connect(lambda _ok: self._update_actions())
        self.tasks.started.connect(self._on_started)
        self.tasks.progress.connect(self._on_progress)
        self.tasks.result.connect(self._on_result)
        self.tasks.error.connect(self._on_error)
        self.tasks.cancelled.connect(self._on_cancelled)
        self.tasks.finished.connect(self._update_actions)
        self.imports.result.connect(self._on_portfolio_read)
        self.imports.error.connect(self._on_portfolio_error)
        self.exports.result.connect(self._on_exported)
        self.exports.error.connect(self._on_export_error)
        self.exports.finished.connect(self._on_export_finished)
        NOTICES.rejected.connect(self._on_input_rejected)
        self.resize(1440, 900)
        self._update_title()
        self._update_actions()
        self._rebuild_recent_menu()

    # ---- construction --------------------------------------------------------------------

    def _build_results(self) -> None:
        self.whatif = WhatIfPanel(self.editor)
        self.whatif.rerun.connect(self.run)
        self.inbound_view = InboundDashboard()
        self.daily_view = DailyDashboard()
        self.dialer_view = DialerDashboard()
        self.funnel_view = FunnelDashboard()
        self.workforce_view = WorkforceDashboard()
        self.strategy_view = StrategyDashboard()
        self.kpi_table = KpiTable()
        self.comparison = ComparisonPanel()
        self.comparison.changed.connect(self._update_actions)
        self.comparison.renamed.connect(self._on_renamed)
        self.result_tabs = QTabWidget()
        self.result_tabs.addTab(self.kpi_table, "KPIs")
        self.result_tabs.addTab(self.inbound_view, "Inbound by interval")
        self.result_tabs.addTab(self.daily_view, "By day")
        self.result_tabs.addTab(self.dialer_view, "Dialer")
        self.result_tabs.addTab(self.funnel_view, "Funnel && recovery")
        self.result_tabs.addTab(self.workforce_view, "Workforce")
        self.result_tabs.addTab(self.strategy_view, "Strategy")
        self.result_tabs.addTab(self.comparison, "Comparison")
        self.placeholder = QLabel(NO_RESULTS)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #666; font-size: 12pt;")
        self.result_stack = QStackedWidget()
        self.result_stack.addWidget(self.placeholder)
        self.result_stack.addWidget(self.result_tabs)
        self.results_header = QLabel()
        self.results_header.setStyleSheet("font-weight: bold; padding: 2px;")
        self.results_header.setWordWrap(True)  # a long scenario name must not widen the results pane
        self.results_note = QLabel()  # what the planner must know before reading the numbers
        self.results_note.setObjectName("results-note")
        self.results_note.setStyleSheet("color: #8a5a00; padding: 0 2px;")
        self.results_note.setWordWrap(True)
        self.results_note.hide()
        # While a run goes on: what runs and how far it is, above the (previous) results.
        self.run_state = QLabel()
        self.run_state.setObjectName("run-state")
        self.run_state.setStyleSheet("background: #e8f0fd; color: #1d4fa8; padding: 4px; border-radius: 3px;")
        self.run_state.setWordWrap(True)
        self.run_state.hide()
        # Once the scenario is edited, the results on screen no longer describe it.
        self.stale_note = QLabel("⚠ The scenario has changed since this run: these results do not include your "
                                 "latest edits. Press Run (F5) to update them.")
        self.stale_note.setObjectName("stale-note")
        self.stale_note.setStyleSheet("background: #fff4d6; color: #7a4b00; font-weight: bold; padding: 4px;")
        self.stale_note.setWordWrap(True)
        self.stale_note.hide()
        # The what-if levers above the results, with a handle between: on a short screen the planner
        # gives the room to whichever is in use, and the levers scroll rather than squeeze.
        levers = QScrollArea()
        levers.setWidgetResizable(True)
        levers.setFrameShape(QScrollArea.Shape.NoFrame)
        levers.setWidget(self.whatif)
        levers.setMinimumHeight(60)
        results = QWidget()
        lay = QVBoxLayout(results)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.run_state)
        lay.addWidget(self.stale_note)
        lay.addWidget(self.results_header)
        lay.addWidget(self.results_note)
        lay.addWidget(self.result_stack, 1)
        self.results_split = QSplitter(Qt.Orientation.Vertical)
        self.results_split.addWidget(levers)
        self.results_split.addWidget(results)
        self.results_split.setChildrenCollapsible(False)
        self.results_split.setStretchFactor(0, 0)
        self.results_split.setStretchFactor(1, 1)
        self._levers_sized = False
        self.whatif.reflowed.connect(lambda: QTimer.singleShot(0, self, self._size_levers)
                                     if self._levers_sized else None)
        self.results_area = QWidget()
        outer = QVBoxLayout(self.results_area)
        outer.setContentsMargins(4, 0, 0, 0)
        outer.addWidget(self.results_split)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None, icon: Any = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_new = self._action("&New", self.new_scenario, QKeySequence.StandardKey.New, sp.SP_FileIcon,
                                    "Start from the built-in baseline scenario")
        self.act_open = self._action("&Open…", self.open_scenario, QKeySequence.StandardKey.Open,
                                     sp.SP_DialogOpenButton, "Open a scenario file (.toml)")
        self.act_save = self._action("&Save", self.save, QKeySequence.StandardKey.Save, sp.SP_DialogSaveButton,
                                     "Save the scenario (the previous file is kept as .bak)")
        self.act_save_as = self._action("Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        self.act_run = self._action("&Run", self.run, "F5", sp.SP_MediaPlay, "Simulate the scenario (F5)")
        # Not Esc: Esc leaves a field or a menu, and must never throw away minutes of simulation.
        self.act_stop = self._action("S&top", self.stop, "Shift+F5", sp.SP_MediaStop,
                                     "Stop the running simulation (Shift+F5)")
        self.act_keep = self._action("&Keep for comparison", self.keep_result, "Ctrl+K", sp.SP_DialogApplyButton,
                                     "Add the current result to the scenario comparison")
        self.act_export = self._action("&Export results to Excel…", self.export_excel, "Ctrl+E",
                                       sp.SP_DriveFDIcon, "Write the current result to an Excel workbook")
        self.act_export_cmp = self._action("Export &comparison to Excel…", lambda: self.export_excel(comparison=True),
                                           tip="Write every kept result, side by side, to one workbook")
        self.act_plan = self._action("&Plan roster from history…", self.open_planning,
                                     tip="Forecast an interval history, plan the shifts and prove them by simulation")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = self._action("&Undo edit", self.editor.undo, QKeySequence.StandardKey.Undo,
                                     tip="Put back the scenario as it was before the last edit in the editor")

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = QMenu("Open &Recent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addActions([self.act_export, self.act_export_cmp])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        bar.addMenu("&Edit").addAction(self.act_undo)
        run_menu = bar.addMenu("&Simulation")
        run_menu.addActions([self.act_run, self.act_stop, self.act_keep])
        run_menu.addSeparator()
        run_menu.addAction(self.act_plan)

        tools = QToolBar("Main")
        tools.setObjectName("main-toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([self.act_new, self.act_open, self.act_save])
        tools.addSeparator()
        tools.addActions([self.act_run, self.act_stop])
        tools.addSeparator()
        tools.addActions([self.act_keep, self.act_export])
        self.addToolBar(tools)
        # Esc stops a run only from the results, where a planner watches it, and only once confirmed.
        self.esc_stop = QShortcut(QKeySequence("Esc"), self.results_area)
        self.esc_stop.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.esc_stop.activated.connect(self._stop_from_results)

    def _build_status(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        self.progress.hide()
        self.progress_text = QLabel()
        self.status_label = QLabel("Ready")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_text)
        self.statusBar().addPermanentWidget(self.progress)
        # A workbook being written: a busy bar (openpyxl reports no progress), apart from a run's.
        self.export_text = QLabel()
        self.export_progress = QProgressBar()
        self.export_progress.setRange(0, 0)
        self.export_progress.setFixedWidth(120)
        self.export_progress.hide()
        self.statusBar().addPermanentWidget(self.export_text)
        self.statusBar().addPermanentWidget(self.export_progress)

    # ---- title, actions, recent files ----------------------------------------------------

    def _update_title(self) -> None:
        name = self.editor.data.get("name") or "Untitled scenario"
        where = self.path.name if self.path else "not saved"
        self.setWindowTitle(f"{name} ({where})[*] — wfm")

    def _update_actions(self) -> None:
        busy = self.tasks.busy
        valid = self.editor.is_valid
        self.act_run.setEnabled(valid and not busy)
        self.whatif.button.setEnabled(valid and not busy)
        self.act_stop.setEnabled(busy)
        # A draft with problems can be saved too (after a warning), so edits are never stuck in the window.
        self.act_save.setEnabled(True)
        self.act_save_as.setEnabled(True)
        self.act_keep.setEnabled(self.outcome is not None)
        self.act_export.setEnabled(self.outcome is not None and not self.exports.busy)
        self.act_export_cmp.setEnabled(len(self.comparison.outcomes) >= 1 and not self.exports.busy)
        self.act_undo.setEnabled(self.editor.can_undo)
        if not valid:
            self.act_run.setToolTip("Fix the problems listed under the editor to run")
        else:
            self.act_run.setToolTip("Simulate the scenario (F5)")

    def recent_files(self) -> list[str]:
        """Recently opened or saved scenario files, newest first."""
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):  # QSettings hands back a one-item list as the bare string
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember(self, path: Path) -> None:
        files = [str(path.resolve())] + [f for f in self.recent_files() if f != str(path.resolve())]
        self.settings.setValue("recent_files", files[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for f in files:
            self.recent_menu.addAction(f, functools.partial(self.open_scenario, Path(f)))
        self.recent_menu.setEnabled(bool(files))

    def show_status(self, text: str, problem: bool = False) -> None:
        """A message in the status bar (kept until the next one); a `problem` shows in red."""
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020; font-weight: bold;" if problem else "")

    def _on_input_rejected(self, message: str, field: object) -> None:
        if isinstance(field, QWidget) and self.isAncestorOf(field):
            self.show_status(message, problem=True)

    def commit_typing(self) -> bool:
        """Take the value being typed in a field, as Enter would, before an action reads the scenario.

        False when the typed text is not a value the field accepts (the action is then not done).
        """
        return commit_typing(self)

    # ---- files ---------------------------------------------------------------------------

    def maybe_keep_edits(self) -> bool:
        """Before edits would be replaced: save them, drop them, or cancel. True to proceed.

        A value still being typed counts as an edit (it is committed first).
        """
        self.commit_typing()
        if not self.isWindowModified():
            return True
        answer = self.dialogs.unsaved(
            f"“{self.editor.data.get('name', 'The scenario')}” has unsaved changes. Save them first?")
        if answer is Unsaved.SAVE:
            return self.save()
        return answer is Unsaved.DISCARD

    def _load_into_editor(self, scenario: Scenario, path: Path | None) -> None:
        self.editor.set_scenario(scenario)
        self._mark_stale()
        self.path = path
        self.setWindowModified(False)
        self.whatif.sync()
        self._update_title()
        self._update_actions()

    def new_scenario(self) -> None:
        """Start again from the built-in baseline."""
        if self.maybe_keep_edits():
            self._load_into_editor(default_scenario(), None)
            self.show_status("New scenario from the built-in baseline")

    def open_scenario(self, path: Path | None = None) -> bool:
        """Open a scenario file; problems in the file are listed in a dialog."""
        if not self.maybe_keep_edits():
            return False
        if path is None:
            folder = str(self.path.parent) if self.path else str(Path.cwd() / "scenarios")
            path = self.dialogs.open_path("Open scenario", folder, SCENARIO_FILTER)
            if path is None:
                return False
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            text = _read_text(Path(path))
            if text.startswith(DRAFT_MARK) and self._open_draft(Path(path), text):
                return True
            lines = "\n".join(f"• {p}" for p in exc.problems)
            self.dialogs.error("Cannot open scenario", f"{exc.source} has {len(exc.problems)} problem(s):\n\n{lines}")
            return False
        self._load_into_editor(scenario, Path(path))
        self._remember(Path(path))
        self.show_status(f"Opened {path}")
        return True

    def save(self) -> bool:
        """Save to the current file, or ask for one."""
        if not self.commit_typing():
            return False
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: Path | None = None) -> bool:
        """Save under a new name (asks before replacing an existing file)."""
        if not self.commit_typing():
            return False
        if path is None:
            suggested = str(self.path or Path.cwd() / "scenarios" / "scenario.toml")
            path = self.dialogs.save_path("Save scenario as", suggested, SCENARIO_FILTER)
            if path is None:
                return False
            if path.suffix.lower() != ".toml":
                path = path.with_suffix(".toml")
            if path.exists() and not self.dialogs.confirm(
                    "Replace file?", f"{path} already exists. Replace it? (The old file is kept as .bak.)"):
                return False
        return self._write(Path(path))

    def _write(self, path: Path) -> bool:
        scenario = self.editor.scenario
        if scenario is None:
            return self._write_draft(path)
        # A relative portfolio file starts from the scenario's folder: saving elsewhere rewrites it.
        source_dir = self.path.parent if self.path is not None else None
        try:
            save_scenario(scenario, path, source_dir=source_dir)
            written = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.dialogs.error("Cannot save", f"{path} could not be written: {exc.strerror or exc}. "
                               "Choose another folder or close the program that locks it.")
            return False
        # The editor follows the file as written, so the next Save starts from the new folder.
        file = written.get("outbound", {}).get("portfolio", {}).get("file", "")
        if file != self.editor.data["outbound"]["portfolio"].get("file", ""):
            self.editor.set_value(("outbound", "portfolio", "file"), file)
        self.path = path
        self.setWindowModified(False)
        self._remember(path)
        self._update_title()
        self.show_status(f"Saved {path}")
        return True

    def _write_draft(self, path: Path) -> bool:
        """Save edits that do not validate yet, after a warning: a half-done scenario is not lost."""
        count = len(self.editor.problems)
        if not self.dialogs.confirm(
                "Save a draft?",
                f"The scenario has {count} problem(s), listed under the editor. Save it as a draft anyway? The "
                "file keeps your edits as they are; it cannot be run until the problems are fixed, and opening it "
                "lists them again."):
            return False
        try:
            save_text(draft_to_toml(self.editor.data), path)
        except OSError as exc:
            self.dialogs.error("Cannot save", f"{path} could not be written: {exc.strerror or exc}. "
                               "Choose another folder or close the program that locks it.")
            return False
        self.path = path
        self.setWindowModified(False)
        self._remember(path)
        self._update_title()
        self.show_status(f"Saved a draft to {path}: {count} problem(s) to fix before it can run", problem=True)
        return True

    def _open_draft(self, path: Path, text: str) -> bool:
        """Load a draft (`draft_to_toml`) into the editor with its problems listed, over the baseline's defaults."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return False
        merged = _merged(scenario_to_data(default_scenario()), data)
        for days in (merged["calendar"].get("opening_hours"), merged["outbound"]["compliance"].get("windows")):
            if isinstance(days, dict):
                days.update({day: None for day, hours in days.items() if hours == {}})  # closed
        self.editor.replace_data(merged)
        self.path = path
        self.setWindowModified(False)
        self.whatif.sync()
        self._update_title()
        self._update_actions()
        self._remember(path)
        self.show_status(f"Opened the draft {path}: {len(self.editor.problems)} problem(s) to fix", problem=True)
        return True

    # ---- portfolio import -----------------------------------------------------------------

    def portfolio_name(self, path: Path) -> str:
        """How the scenario names a portfolio file: relative to the scenario's folder once saved, else absolute."""
        absolute = Path(os.path.abspath(path))
        if self.path is None:
            return absolute.as_posix()
        try:
            return Path(os.path.relpath(absolute, os.path.abspath(self.path.parent))).as_posix()
        except ValueError:  # another drive on Windows: no relative path exists
            return absolute.as_posix()

    def import_portfolio(self, path: Path | None = None) -> None:
        """Read a CSV/XLSX portfolio into the scenario; a large file is read off the GUI thread.

        The accounts replace the generated ones (`outbound.portfolio.file` names the file, the
        accounts go into `imported` as the loader puts them: one table, shared by every copy of the
        editor's dict and of the scenario); problems go to a dialog and leave the scenario as it was.
        """
        if path is None:
            folder = str(self.path.parent) if self.path else str(Path.cwd())
            path = self.dialogs.open_path("Import portfolio", folder, PORTFOLIO_FILTER)
            if path is None:
                return
        path = Path(path)
        name = self.portfolio_name(path)
        segments = self._segment_names()
        try:
            large = path.stat().st_size >= self.portfolio_thread_bytes
        except OSError:
            large = False  # read_portfolio names the problem
        if not large:
            try:
                accounts = read_portfolio(path, segments=segments)
            except PortfolioError as exc:
                self._portfolio_error(exc)
                return
            self._apply_portfolio(name, accounts)
            return

        def job(_progress: Callable[[float], None], _cancel: Callable[[], bool]) -> PortfolioRead:
            return PortfolioRead(name, read_portfolio(path, segments=segments))

        self.dialer_tab.import_button.setEnabled(False)
        self.show_status(f"Reading {path.name}…")
        self.imports.start(job, lambda _f: f"Reading {path.name}")

    def _segment_names(self) -> list[str] | None:
        segments = self.editor.data["outbound"]["portfolio"].get("segments")
        if isinstance(segments, list) and all(isinstance(s, dict) and isinstance(s.get("name"), str)
                                              for s in segments):
            return [s["name"] for s in segments]
        return None  # the segment table has problems of its own; accept the file's names as written

    def _on_portfolio_read(self, value: object) -> None:
        self.dialer_tab.import_button.setEnabled(True)
        if isinstance(value, PortfolioRead):  # the only result the import task hands back
            self._apply_portfolio(value.name, value.accounts)

    def _on_portfolio_error(self, exc: object) -> None:
        self.dialer_tab.import_button.setEnabled(True)
        if isinstance(exc, PortfolioError):
            self._portfolio_error(exc)
            return
        text, details = describe_exception(exc) if isinstance(exc, BaseException) else (str(exc), "")
        self.dialogs.error("Cannot import portfolio", f"The file could not be read:\n\n{text}", details)
        self.show_status("Portfolio not imported")
        self.portfolio_failed.emit()

    def _portfolio_error(self, exc: PortfolioError) -> None:
        lines = "\n".join(f"• {line}" for line in exc.lines())
        count = len(exc.problems) + exc.more
        self.dialogs.error("Cannot import portfolio",
                           f"{exc.path.name} has {count} problem(s); the scenario is unchanged.\n\n{lines}")
        self.show_status(f"{exc.path.name} not imported")
        self.portfolio_failed.emit()

    def _apply_portfolio(self, name: str, accounts: AccountTable) -> None:
        data = copy.deepcopy(self.editor.data)
        data["outbound"]["portfolio"].update(file=name, sheet="", imported=accounts)
        self.editor.replace_data(data)
        self.show_status(f"Imported {len(accounts):,} accounts from {name}")
        self.portfolio_imported.emit(len(accounts))

    # ---- runs ----------------------------------------------------------------------------

    def run(self) -> None:
        """Simulate the edited scenario in the background (a running one is cancelled first)."""
        if not self.commit_typing():
            return
        scenario = self.editor.scenario
        if scenario is None:
            self.dialogs.error("Cannot run", "The scenario has problems; fix the ones listed under the editor.")
            return
        if self.tasks.busy and not self.dialogs.confirm(
                "Replace the running simulation?",
                f"{self._running_name} is still running. Stop it and start the new run? (Its replications so far "
                "are discarded.)"):
            return
        reps, seed = scenario.run.replications, scenario.run.seed
        # Named by what sets it apart from the comparison's base (or the result on screen).
        base = self.comparison.base_outcome or self.outcome
        name = self.comparison.unique_name(default_name(scenario, base.scenario if base is not None else None))
        runner, backend = self.runner, self.backend
        self._running_name = name
        self._edited_during_run = False

        def job(progress: Callable[[float], None], cancel: Callable[[], bool]) -> Outcome:
            summary = runner(scenario, RunPlan(reps, seed, backend, progress, cancel))
            return Outcome.analyse(name, scenario, summary)

        self.tasks.start(job, describe_replications(reps))
        self._update_actions()

    def _stop_from_results(self) -> None:
        if self.tasks.busy and self.dialogs.confirm(
                "Stop the run?", "Stop the running simulation? The replications done so far are discarded."):
            self.stop()

    def stop(self) -> None:
        """Cancel the running simulation."""
        if self.tasks.busy:
            self.tasks.cancel()
            self.show_status("Stopping…")

    def _mark_stale(self) -> None:
        """The scenario changed: results on screen (or arriving from the run going on) no longer match it."""
        if self.tasks.busy:
            self._edited_during_run = True
        if self.outcome is not None:
            self.stale_note.show()

    def _on_started(self) -> None:
        self._run_started = time.monotonic()
        self.progress.setValue(0)
        self.progress.show()
        self.progress_text.setText("Starting…")
        self.show_status("Simulating…")
        self._show_run_state("starting…")
        self._update_actions()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_text.setText(text)
        self._show_run_state(f"{fraction:.0%} — {text}")

    def _show_run_state(self, how_far: str) -> None:
        self.run_state.setText(f"⏳ Running {self._running_name}: {how_far}"
                               + (" — the results below are from the previous run." if self.outcome else ""))
        self.run_state.show()
        if self.outcome is None:
            self.placeholder.setText(f"Running {self._running_name}…\n\n{how_far}")

    def _finish_progress(self) -> None:
        self.progress.hide()
        self.progress_text.clear()
        self.run_state.hide()
        self.placeholder.setText(NO_RESULTS)

    def _on_result(self, outcome: Outcome) -> None:
        self._finish_progress()
        self.outcome = outcome
        self.stale_note.setVisible(self._edited_during_run)  # edits made while it ran are not in it
        elapsed = time.monotonic() - self._run_started
        s = outcome.summary
        self.show_status(f"Finished {outcome.name}: {s.replications} replication(s), seed {s.seed}, "
                         f"{elapsed:.1f} s")
        self._update_actions()
        self.show_outcome(outcome, then=lambda: self.result_ready.emit(outcome))

    def show_outcome(self, outcome: Outcome, then: Callable[[], None] | None = None) -> None:
        """Show a result in the KPI table and the dashboards, one plot per event-loop turn.

        Drawing every view at once costs pyqtgraph several hundred ms; a turn of the event loop
        between plots keeps the window responsive (no stall near 100 ms) while they fill in.
        """
        s = outcome.summary
        self._show_header(outcome)
        caveat = interval_caveat(s.replications)
        self.results_note.setText(f"⚠ {caveat}" if caveat else "")
        self.results_note.setVisible(bool(caveat))
        steps: list[Callable[[], object]] = [
            lambda: self.kpi_table.show_summary(s, kpi_targets(outcome.scenario)),
            lambda: self._show_tabs_with_data(outcome),
            lambda: self.result_stack.setCurrentIndex(1),
        ]
        # Only the views whose data exists are drawn (and shown): no dialer tab for an inbound-only run.
        # A view's step hands back its plots, drawn in the turns that follow.
        steps += [functools.partial(view.drawing_steps, outcome) for view in self.views_with_data(outcome)]
        if then is not None:
            steps.append(then)

        def next_step() -> None:
            if self.outcome is not outcome and then is not None:
                return  # a newer result took over
            more = steps.pop(0)()
            if isinstance(more, list):
                steps[0:0] = more
            if steps:
                QTimer.singleShot(0, self, next_step)  # dropped if the window is gone

        next_step()

    def _show_header(self, outcome: Outcome) -> None:
        s = outcome.summary
        cal = outcome.scenario.calendar
        self.results_header.setText(
            f"{outcome.name} — {cal.horizon_days} day(s) from {cal.start_date:%a %d %b %Y}, "
            f"{s.replications} replication(s), seed {s.seed}, scenario hash {s.scenario_hash}")

    def _on_renamed(self, old: object, new: object) -> None:
        """A kept result was renamed in the comparison: the result shown takes the name too."""
        if old is self.outcome and isinstance(new, Outcome):
            self.outcome = new
            self._show_header(new)

    def views_with_data(self, outcome: Outcome) -> list[ResultView]:
        """The dashboards that have something to show for `outcome`, in tab order."""
        has: dict[ResultView, bool] = {
            self.inbound_view: outcome.scenario.inbound.enabled,
            self.daily_view: outcome.scenario.inbound.enabled,
            self.dialer_view: outcome.dialer is not None,
            self.funnel_view: outcome.funnel is not None and outcome.recovery is not None,
            self.workforce_view: outcome.workforce is not None,
            self.strategy_view: outcome.strategy is not None,
        }
        return [view for view, shown in has.items() if shown]

    def _show_tabs_with_data(self, outcome: Outcome) -> None:
        shown = self.views_with_data(outcome)
        for view in (self.inbound_view, self.daily_view, self.dialer_view, self.funnel_view, self.workforce_view,
                     self.strategy_view):
            self.result_tabs.setTabVisible(self.result_tabs.indexOf(view), view in shown)

    def _on_error(self, exc: object) -> None:
        self._finish_progress()
        self.show_status("The run failed")
        if isinstance(exc, BaseException):
            text, details = describe_exception(exc)
        else:
            text, details = str(exc), ""
        self.dialogs.error("Simulation failed", f"The run stopped with an error:\n\n{text}", details)
        self._update_actions()
        self.run_failed.emit(exc)

    def _on_cancelled(self) -> None:
        self._finish_progress()
        self.show_status("Run stopped; no result was produced")
        self._update_actions()
        self.run_cancelled.emit()

    def open_planning(self) -> PlanningWindow:
        """Show the Planning window (made on first use): history → forecast → roster → into the editor."""
        if self.planning is None:
            self.planning = PlanningWindow(self.editor, dialogs=self.dialogs, backend=self.backend,
                                           status=self.show_status, parent=self)
        self.planning.show()
        self.planning.raise_()
        self.planning.activateWindow()
        return self.planning

    # ---- comparison and export -----------------------------------------------------------

    def keep_result(self) -> None:
        """Add the current result to the comparison."""
        if self.outcome is None:
            return
        if any(o is self.outcome for o in self.comparison.outcomes):
            self.show_status(f"{self.outcome.name} is already in the comparison")
            return
        self.comparison.keep(self.outcome)
        self.result_tabs.setCurrentWidget(self.comparison)
        self.show_status(f"Kept {self.outcome.name} for comparison ({len(self.comparison.outcomes)} result(s))")

    def export_excel(self, path: Path | None = None, comparison: bool = False) -> Path | None:
        """Start writing the current result (or the comparison) to a workbook via `wfm.report`; its path, or None.

        The workbook is written off the GUI thread (it takes most of a second, longer for a
        comparison): the window stays live, a busy bar shows in the status bar, and
        `export_finished` (or `export_failed`, with a dialog) follows.
        """
        if self.exports.busy:
            self.show_status("A workbook is still being written; export again when it is done", problem=True)
            return None
        self.commit_typing()  # a value typed before Export is an edit like any other
        outcomes = list(self.comparison.outcomes) if comparison else ([self.outcome] if self.outcome else [])
        if not outcomes:
            self.dialogs.error("Nothing to export", "Run the scenario first (or keep results for a comparison).")
            return None
        if path is None:
            stem = "comparison" if comparison else outcomes[0].scenario.name.lower().replace(" ", "_")
            path = self.dialogs.save_path("Export to Excel", str(Path.cwd() / "reports" / f"{stem}.xlsx"),
                                          EXCEL_FILTER)
            if path is None:
                return None
        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        overwrite = False
        if path.exists():
            if not self.dialogs.confirm("Replace workbook?", f"{path} already exists. Replace it?"):
                return None
            overwrite = True
        try:
            from wfm.report import ReportError, write_report
        except ImportError as exc:
            self.dialogs.error("Export not available", f"The Excel report module cannot be loaded: {exc}")
            return None
        summaries, scenarios = [o.summary for o in outcomes], [o.scenario for o in outcomes]
        target = path

        def job(_progress: Callable[[float], None], _cancel: Callable[[], bool]) -> Path:
            try:
                return Path(write_report(target, summaries, scenarios, overwrite=overwrite))
            except ReportError as exc:  # says what went wrong and what to do: shown as it is
                raise ExportFailed(str(exc)) from exc

        self.export_progress.show()
        self.export_text.setText(f"Writing {path.name}…")
        self.act_export.setEnabled(False)
        self.act_export_cmp.setEnabled(False)
        self.exports.start(job, lambda _f: f"Writing {target.name}")
        return path

    def _on_exported(self, written: object) -> None:
        self.show_status(f"Workbook written to {written}")
        self._export_done = lambda: self.export_finished.emit(written)

    def _on_export_error(self, exc: object) -> None:
        text = str(exc) if isinstance(exc, ExportFailed) or not isinstance(exc, BaseException) else (
            describe_exception(exc)[0])
        self.dialogs.error("Export failed", text)
        self.show_status("The workbook was not written", problem=True)
        self._export_done = lambda: self.export_failed.emit(text)

    def _on_export_finished(self) -> None:
        """The export task ended: clear the busy bar, then tell whoever waits how it went."""
        self.export_progress.hide()
        self.export_text.clear()
        self._update_actions()
        done, self._export_done = self._export_done, None
        if done is not None:
            done()

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        """On first showing, give the what-if levers the height their rows take at the window's width."""
        super().showEvent(event)
        if not self._levers_sized:
            self._levers_sized = True
            QTimer.singleShot(0, self, self._size_levers)  # once the levers have flowed to the pane's width

    def _size_levers(self) -> None:
        total = sum(self.results_split.sizes())
        wanted = self.whatif.minimumSizeHint().height() + 2
        self.results_split.setSizes([wanted, max(total - wanted, 0)])

    # ---- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        """Offer to save edits, then stop the background run at once (the window closes within a second).

        The run is cancelled and its thread given a moment to end; `stop_workers` then ends the
        replications still running in worker processes, which would otherwise finish their work
        (and keep the application alive) after the window has gone.
        """
        if not self.maybe_keep_edits():
            event.ignore()
            return
        self.tasks.shutdown()
        self.imports.shutdown()
        if self.planning is not None:
            self.planning.shutdown()
        self.exports.shutdown(timeout_ms=10_000)  # a workbook half written is worse than a wait
        if self.stop_workers is not None:
            self.stop_workers()
        event.accept()
