"""The Planning window: from an interval history to a roster accepted into the scenario (issue 14, DESIGN §11).

The planner loads an ACD export, reads the forecast and its backtest, sets the constraints, asks
for a roster and accepts it into the editor. Reading and forecasting (`wfm.planning.pipeline.prepare`,
about a second) and planning (`make_plan`: a minute or more) run off the GUI thread through a
`TaskRunner`, as the main window's runs do, with progress and a Cancel that the simulations poll
(a scheduler solve in progress finishes first: HiGHS cannot be interrupted from outside).

Every failure is shown in the window, never as a crash: a bad file lists its problems by row and
column, an infeasible roster names the binding constraint, anything unexpected also goes to a
dialog with its traceback.

Accepting a roster is an edit of the editor's scenario like any other: the planned groups' shifts
are replaced (the forecast week only if the planner says so, No being the default), the main
window is marked modified, nothing is written, and "Undo accept" puts back the scenario as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wfm.execution import Backend
from wfm.experiment import RunPlan
from wfm.gui.dialogs import EXCEL_FILTER, Dialogs, QtDialogs, describe_exception
from wfm.gui.editor import ScenarioEditor, scenario_to_data, show_number
from wfm.gui.formatting import format_money
from wfm.gui.planning_views import BacktestView, CoverageView, ForecastView, RosterView, UnmetView, note_label
from wfm.gui.widgets import NOTICES, commit_typing, spin
from wfm.gui.worker import TaskRunner
from wfm.planning.history import History, HistoryError, read_history
from wfm.planning.pipeline import PLAN_REPLICATIONS, PlanResult, PlanSettings, Prepared, make_plan, prepare
from wfm.planning.schedule import ScheduleInfeasible
from wfm.scenario import Scenario
from wfm.sim import Cancelled

HISTORY_FILTER = "Interval history (*.csv *.txt *.xlsx *.xlsm);;All files (*)"
COUNTRIES = ("IT", "ES", "PT", "FR", "DE", "GB", "IE", "NL", "BE", "AT", "CH", "PL", "RO", "GR", "US", "MX", "CO",
             "AR", "CL", "PE", "BR")
"""Countries offered for public holidays (any ISO code the `holidays` package knows may be typed)."""
NO_CAP = "no cap"
FORECAST_PATHS: tuple[tuple[str, ...], ...] = (
    ("calendar", "start_date"), ("calendar", "horizon_days"), ("calendar", "holidays"),
    ("inbound", "demand"), ("inbound", "talk", "mean_s"), ("inbound", "patience"), ("inbound", "redial", "probability"),
)
"""What `wfm.planning.forecast.apply_forecast` changes: taken into the scenario only when the planner asks."""
BANNER_STYLE = {"error": "background: #fde7e9; color: #9c0006; padding: 6px; border-radius: 3px;",
                "info": "background: #e8f0fd; color: #1d4fa8; padding: 6px; border-radius: 3px;",
                "done": "background: #e6f4ea; color: #1b5e20; padding: 6px; border-radius: 3px;"}
PLANNING_SIZE = (1340, 740)
"""The window's size before it is fitted to the screen: a 1366×768 laptop shows it whole."""


@dataclass(frozen=True)
class Exported:
    """A plan workbook written (the export task's result)."""

    path: Path


@dataclass(frozen=True)
class Loaded:
    """What the load task hands back: the history, and its forecast or why there is none.

    Attributes:
        path: the file read.
        history: the interval export.
        prepared: the forecast week, or None when it could not be made (see `problem`).
        problem: why there is no forecast ("" when there is one).
    """

    path: Path
    history: History
    prepared: Prepared | None
    problem: str


def roster_into(data: dict[str, Any], result: PlanResult, take_forecast: bool) -> dict[str, Any]:
    """The editor's scenario dict with the planned roster (and, if asked, the forecast week) in place.

    Only the shifts of the groups the plan rostered are replaced; every other value of `data`
    (which may have been edited since the plan was made) stays. Returns a new dict.

    Raises:
        ValueError: when a planned group is no longer in `data` (renamed or removed since the plan).
    """
    out = copy.deepcopy(data)
    planned = scenario_to_data(result.planned)
    shifts = {g["name"]: g["shifts"] for g in planned["groups"]}
    by_name = {g.get("name"): g for g in out["groups"] if isinstance(g, dict)}
    for name in result.prepared.planned_groups:
        if name not in by_name:
            raise ValueError(f"group {name!r} is no longer in the scenario (renamed or removed since the plan); plan "
                             "again to roster the groups it has now")
        by_name[name]["shifts"] = copy.deepcopy(shifts[name])
    if take_forecast:
        for path in FORECAST_PATHS:
            source, target = planned, out
            for key in path[:-1]:
                source, target = source[key], target[key]
            target[path[-1]] = copy.deepcopy(source[path[-1]])
    return out


def describe_plan(settings: PlanSettings) -> Callable[[float], str]:
    """Progress text for `make_plan`'s bar: the correction's round, then the current roster and the reference.

    The shares are the ones `make_plan` documents (the correction takes the first 60% with the
    comparison, 80% without it).
    """
    correction = 0.6 if settings.compare_current_shifts else 0.8
    current = 0.1 if settings.compare_current_shifts else 0.2

    def describe(fraction: float) -> str:
        if fraction < correction:
            done = min(settings.max_rounds, int(fraction / correction * settings.max_rounds) + 1)
            return f"Scheduling and simulating the roster: round {done} of at most {settings.max_rounds}"
        if fraction < correction + current or not settings.compare_current_shifts:
            return "Simulating the current roster on the same random numbers"
        return "Re-staffing the current shifts to the same target"

    return describe


class GroupRow:
    """One group's line of the constraints: plan it or not, headcount limits and part-time share."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.check = QCheckBox(name)
        self.check.setChecked(True)
        self.check.setToolTip(f"Roster {name}; unchecked, {name} keeps its shifts and its agents count as given")
        self.min = self._box(0, 5000, f"Fewest agents {name} must have")
        self.max = self._box(0, 5000, f"Most agents {name} may have (0 = no cap)")
        self.max.setSpecialValueText(NO_CAP)
        self.part_time = self._box(0, 100, f"Most part-time agents (shifts under 6 hours) as a share of {name}'s "
                                   "agents (100% = no cap)", suffix=" %")
        self.part_time.setValue(100)

    @staticmethod
    def _box(low: int, high: int, tip: str, suffix: str = "") -> QSpinBox:
        box = spin(low, high, suffix, tooltip=tip)
        assert isinstance(box, QSpinBox)  # integer: `spin` with no decimals
        box.setMinimumWidth(0)
        box.setMaximumWidth(80)
        return box

    def limits(self) -> dict[str, Any]:
        """The limits `PlanSettings.limits` takes for this group (only those set)."""
        out: dict[str, Any] = {}
        if self.min.value() > 0:
            out["min_headcount"] = int(self.min.value())
        if self.max.value() > 0:
            out["max_headcount"] = int(self.max.value())
        if self.part_time.value() < 100:
            out["max_part_time_share"] = self.part_time.value() / 100
        return out

    def widgets(self) -> list[QWidget]:
        """The row's widgets, left to right."""
        return [self.check, self.min, self.max, self.part_time]


class PlanningWindow(QWidget):
    """History → forecast → constraints → roster → accepted into the scenario.

    Signals:
        prepared_ready(Prepared): a forecast is shown (after loading a history or updating it).
        plan_ready(PlanResult): a roster was planned and is shown.
        failed(str): a step failed; the message is shown in the window.
        cancelled: a task was stopped (nothing changed).
        roster_accepted: the planned roster went into the editor.
        accept_undone: the scenario before the accept was put back.
    """

    prepared_ready = Signal(object)
    plan_ready = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    roster_accepted = Signal()
    accept_undone = Signal()

    def __init__(self, editor: ScenarioEditor, *, dialogs: Dialogs, backend: Backend | None = None,
                 status: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Plan roster from history — wfm")
        self.editor = editor
        # The application's message boxes open over this window, not over the main window behind it.
        self.dialogs: Dialogs = QtDialogs(self) if isinstance(dialogs, QtDialogs) else dialogs
        self.backend = backend
        self.status = status or (lambda _text: None)
        self.history: History | None = None
        self.history_path: Path | None = None
        self.prepared: Prepared | None = None
        self.result: PlanResult | None = None
        self._before_accept: dict[str, Any] | None = None
        self._accepted_data: dict[str, Any] | None = None
        self._edited_since_accept = False
        self._applying = False
        self._sized = False
        self._doing = ""  # the task under way, for its messages: "planning"
        self.group_rows: dict[str, GroupRow] = {}
        self.tasks = TaskRunner(self)
        self._build()
        self.tasks.progress.connect(self._on_progress)
        self.tasks.result.connect(self._on_result)
        self.tasks.error.connect(self._on_error)
        self.tasks.cancelled.connect(self._on_cancelled)
        self.tasks.finished.connect(self._update_actions)
        editor.edited.connect(self._on_editor_edited)
        editor.validity_changed.connect(lambda _ok: self._update_actions())
        NOTICES.rejected.connect(self._on_input_rejected)
        self._sync_groups()
        self._defaults_from_scenario()
        self.resize(*PLANNING_SIZE)
        self._update_actions()

    # ---- construction --------------------------------------------------------------------

    def _build(self) -> None:
        self.load_button = QPushButton("Load history…")
        self.load_button.setToolTip("Read an ACD interval export (CSV or XLSX) and forecast the week after it")
        self.load_button.clicked.connect(lambda: self.load_history())
        self.refresh_button = QPushButton("Update forecast")
        self.refresh_button.setToolTip("Forecast again with the target, holidays and groups set here")
        self.refresh_button.clicked.connect(self.update_forecast)
        self.plan_button = QPushButton("Plan roster")
        self.plan_button.setToolTip("Schedule the shifts, correct them by simulation and compare them with the "
                                    "current roster (runs in the background)")
        self.plan_button.clicked.connect(self.run_plan)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the task; a scheduler solve under way finishes first")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(180)
        self.progress.hide()
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        top = QHBoxLayout()
        for button in (self.load_button, self.refresh_button, self.plan_button, self.cancel_button):
            top.addWidget(button)
        top.addWidget(self.progress)
        top.addWidget(self.progress_text, 1)
        self.banner = note_label()
        self.banner.setObjectName("planning-banner")
        self.banner.hide()
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self._build_controls())
        self.split.addWidget(self._build_results())
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([330, 1000])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.split, 1)

    def _build_controls(self) -> QWidget:
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 4, 0)
        history = QGroupBox("History")
        hv = QVBoxLayout(history)
        self.history_label = note_label("No history loaded. Load an ACD interval export (one row per 15, 30 or "
                                        "60 minutes: offered, answered, abandoned, AHT…).")
        hv.addWidget(self.history_label)
        lay.addWidget(history)

        goal = QGroupBox("Service level and simulation")
        form = self._form(goal)
        self.target = spin(1, 99.9, " %", 1, 1.0, "Service-level target each interval must meet (lower 95% bound)")
        self.replications = spin(2, 200, " runs", 0, 1, "Replications of every simulation (at least 2 for an "
                                 "interval); the seed is the scenario's")
        self.rounds = spin(1, 12, "", 0, 1, "Simulation rounds correcting the requirement where the roster misses")
        self.rounds.setValue(PlanSettings.max_rounds)
        self.compare = QCheckBox("Also re-staff the current shifts to the target")
        self.compare.setChecked(True)
        self.compare.setToolTip("The like-for-like comparison: what meeting the target costs with the current "
                                "shift pattern. Roughly doubles the planning time.")
        form.addRow("Target", self.target)
        form.addRow("Replications", self.replications)
        form.addRow("Correction rounds", self.rounds)
        form.addRow(self.compare)
        lay.addWidget(goal)

        holidays = QGroupBox("Public holidays")
        form = self._form(holidays)
        self.country = QComboBox()
        self.country.setEditable(True)
        self.country.addItems(COUNTRIES)
        self.country.setToolTip("ISO country code whose public holidays close the center (holidays package)")
        self.subdivision = QLineEdit()
        self.subdivision.setPlaceholderText("none")
        self.subdivision.setToolTip("Region or province code for regional holidays, e.g. MD (Madrid), CT")
        form.addRow("Country", self.country)
        form.addRow("Region", self.subdivision)
        lay.addWidget(holidays)

        self.groups_box = QGroupBox("Groups to roster")
        self.groups_grid = QGridLayout(self.groups_box)
        self.groups_grid.setHorizontalSpacing(6)
        lay.addWidget(self.groups_box)

        money = QGroupBox("Budget")
        form = self._form(money)
        self.budget = spin(0, 1e9, "", 0, 500, "Most the planned groups' week may cost (wages and overhead); "
                           "0 = no cap")
        self.budget.setSpecialValueText(NO_CAP)
        form.addRow("Week's roster at most", self.budget)
        lay.addWidget(money)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setMinimumWidth(300)
        return scroll

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return form

    def _build_results(self) -> QWidget:
        self.accept_button = QPushButton("Accept roster")
        self.accept_button.setToolTip("Put the planned shifts into the scenario in the editor (an edit you can undo "
                                      "here, or discard by not saving)")
        self.accept_button.clicked.connect(self.accept_roster)
        self.undo_button = QPushButton("Undo accept")
        self.undo_button.setToolTip("Put back the scenario as it was before the roster was accepted")
        self.undo_button.clicked.connect(self.undo_accept)
        self.export_button = QPushButton("Export to Excel…")
        self.export_button.setToolTip("Write the plan's workbook: forecast, requirement, roster, intervals, inputs")
        self.export_button.clicked.connect(lambda: self.export_plan())
        self.headline = note_label("Load a history to start.")
        self.headline.setStyleSheet("font-weight: bold;")
        row = QHBoxLayout()
        row.addWidget(self.headline, 1)
        row.addWidget(self.export_button)
        row.addWidget(self.accept_button)
        row.addWidget(self.undo_button)
        self.backtest_view = BacktestView()
        self.forecast_view = ForecastView()
        self.coverage_view = CoverageView()
        self.roster_view = RosterView()
        self.unmet_view = UnmetView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.backtest_view, "Backtest")
        self.tabs.addTab(self.forecast_view, "Forecast week")
        self.tabs.addTab(self.coverage_view, "Requirement && service level")
        self.tabs.addTab(self.roster_view, "Roster && costs")
        self.tabs.addTab(self.unmet_view, "Unmet intervals")
        pane = QWidget()
        lay = QVBoxLayout(pane)
        lay.setContentsMargins(4, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.tabs, 1)
        return pane

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        """On first showing, fit the window to the screen; every time, follow the editor's groups."""
        super().showEvent(event)
        self._sync_groups()
        if not self._sized:
            self._sized = True
            from wfm.gui.app import fit_to_screen  # here: app imports the main window, which imports this

            fit_to_screen(self)

    # ---- settings ------------------------------------------------------------------------

    def _defaults_from_scenario(self) -> None:
        scenario = self.editor.scenario
        target = scenario.inbound.service_level.target if scenario is not None else 0.8
        reps = scenario.run.replications if scenario is not None else PLAN_REPLICATIONS
        show_number(self.target, target, 100)
        self.replications.setValue(max(PLAN_REPLICATIONS, reps))

    def _sync_groups(self) -> None:
        """One row per group of the editor's scenario that takes inbound calls, keeping the rows already set."""
        scenario = self.editor.scenario
        if scenario is None:
            return  # the editor shows its problems; the rows stay as they were
        names = [g.name for g in scenario.groups if g.takes_inbound]
        if names == list(self.group_rows):
            return
        old = self.group_rows
        self.group_rows = {name: old.get(name) or GroupRow(name) for name in names}
        for row in old.values():
            if row.name not in self.group_rows:
                for widget in row.widgets():
                    widget.deleteLater()
        grid = self.groups_grid
        while grid.count():
            grid.takeAt(0)
        for column, text in enumerate(("Group", "Min", "Max", "Part-time")):
            header = QLabel(f"<b>{text}</b>")
            grid.addWidget(header, 0, column)
        for r, row in enumerate(self.group_rows.values(), start=1):
            for column, widget in enumerate(row.widgets()):
                grid.addWidget(widget, r, column)
        if not names:
            grid.addWidget(note_label("No group takes inbound calls: add an inbound or blended group to plan."),
                           1, 0, 1, 4)

    def plan_settings(self) -> PlanSettings:
        """The planner's choices as `PlanSettings`.

        Raises:
            ValueError: for a setting `PlanSettings` refuses (the message names it).
        """
        groups = tuple(name for name, row in self.group_rows.items() if row.check.isChecked())
        limits = {name: self.group_rows[name].limits() for name in groups if self.group_rows[name].limits()}
        return PlanSettings(target=round(self.target.value() / 100, 6), country=self.country.currentText().strip(),
                            subdiv=self.subdivision.text().strip() or None, groups=groups, limits=limits,
                            budget=float(self.budget.value()) or None, max_rounds=int(self.rounds.value()),
                            compare_current_shifts=self.compare.isChecked())

    def _ready_inputs(self) -> tuple[Scenario, PlanSettings] | None:
        """The editor's scenario and the settings, or None after saying what is wrong."""
        if not commit_typing(self):
            return None
        scenario = self.editor.scenario
        if scenario is None:
            self.show_error("The scenario in the editor has problems: fix the ones listed under the editor, then "
                            "try again (planning starts from its groups, costs and opening hours).")
            return None
        self._sync_groups()
        try:
            return scenario, self.plan_settings()
        except ValueError as exc:
            self.show_error(f"Cannot plan with these settings: {exc}")
            return None

    # ---- tasks ---------------------------------------------------------------------------

    def load_history(self, path: Path | None = None) -> None:
        """Read an interval export and forecast the week after it, off the GUI thread."""
        if self.tasks.busy:
            return
        if path is None:
            folder = str(self.history_path.parent) if self.history_path else str(Path.cwd() / "scenarios")
            path = self.dialogs.open_path("Load interval history", folder, HISTORY_FILTER)
            if path is None:
                return
        inputs = self._ready_inputs()
        if inputs is None:
            return
        scenario, settings = inputs
        source = Path(path)

        def job(_progress: Callable[[float], None], _cancel: Callable[[], bool]) -> Loaded:
            history = read_history(source)
            try:
                return Loaded(source, history, prepare(history, scenario, settings), "")
            except ValueError as exc:  # the file is fine; the forecast cannot be made with these settings
                return Loaded(source, history, None, str(exc))

        self._start(job, lambda _f: f"Reading {source.name} and forecasting…", "reading the history")

    def _task_inputs(self) -> tuple[History, Scenario, PlanSettings] | None:
        """The loaded history, the editor's scenario and the settings, when a task may start (else None)."""
        history = self.history
        if history is None or self.tasks.busy:
            return None
        inputs = self._ready_inputs()
        return None if inputs is None else (history, *inputs)

    def update_forecast(self) -> None:
        """Forecast again from the loaded history with the current settings and scenario."""
        ready = self._task_inputs()
        if ready is None:
            return
        history, scenario, settings = ready

        def job(_progress: Callable[[float], None], _cancel: Callable[[], bool]) -> Prepared:
            return prepare(history, scenario, settings)

        self._start(job, lambda _f: "Forecasting…", "forecasting")

    def run_plan(self) -> None:
        """Forecast, roster, correct by simulation and compare, off the GUI thread (Cancel stops it)."""
        ready = self._task_inputs()
        if ready is None:
            return
        history, scenario, settings = ready
        replications, seed, backend = int(self.replications.value()), scenario.run.seed, self.backend

        def job(progress: Callable[[float], None], cancel: Callable[[], bool]) -> PlanResult:
            prepared = prepare(history, scenario, settings)
            if cancel():
                raise Cancelled()
            return make_plan(prepared, RunPlan(replications, seed, backend, progress, cancel))

        self._start(job, describe_plan(settings), "planning")

    def export_plan(self, path: Path | None = None) -> None:
        """Write the plan's workbook (`wfm.report.planning_report`) off the GUI thread; never over a file unasked."""
        result = self.result
        if result is None or self.tasks.busy:
            return
        if path is None:
            folder = self.history_path.parent if self.history_path is not None else Path.cwd()
            stem = self.history_path.stem if self.history_path is not None else "plan"
            chosen = self.dialogs.save_path("Export plan to Excel", str(folder / f"{stem}_plan.xlsx"), EXCEL_FILTER)
            if chosen is None:
                return
            path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        overwrite = False
        if path.exists():
            if not self.dialogs.confirm("Replace workbook?", f"{path} already exists. Replace it?"):
                return
            overwrite = True
        history_file = self.history_path
        target = path

        def job(_progress: Callable[[float], None], _cancel: Callable[[], bool]) -> Exported:
            from wfm.report import ReportError, write_plan_report

            try:
                return Exported(Path(write_plan_report(target, result, history_file=history_file,
                                                       overwrite=overwrite)))
            except ReportError as exc:  # names the file and the fix: shown as it is
                raise OSError(str(exc)) from exc

        self._start(job, lambda _f: f"Writing {target.name}", "the export")

    def cancel(self) -> None:
        """Stop the running task (nothing it computed is shown)."""
        if self.tasks.busy:
            self.tasks.cancel()
            self.progress_text.setText("Stopping… (a scheduler solve under way finishes first)")

    def shutdown(self) -> None:
        """Stop the task and wait a moment for its thread (the main window is closing)."""
        self.tasks.shutdown()

    def _start(self, job: Callable[[Callable[[float], None], Callable[[], bool]], object],
               describe: Callable[[float], str], doing: str) -> None:
        self._doing = doing
        self.hide_banner()
        self.progress.setValue(0)
        self.progress.show()
        self.progress_text.setText(describe(0.0))
        self.tasks.start(job, describe)
        self._update_actions()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_text.setText(text)

    def _end_progress(self) -> None:
        self.progress.hide()
        self.progress_text.clear()

    def _on_result(self, value: object) -> None:
        self._end_progress()
        if isinstance(value, Loaded):
            self._show_loaded(value)
        elif isinstance(value, Prepared):
            self._show_prepared(value)
        elif isinstance(value, PlanResult):
            self._show_plan(value)
        elif isinstance(value, Exported):
            self.show_banner(f"Workbook written to {value.path}", "done")
            self.status(f"Plan workbook written to {value.path}")
        self._update_actions()

    def _on_error(self, exc: object) -> None:
        self._end_progress()
        if isinstance(exc, HistoryError):
            count = len(exc.problems) + exc.more
            self.show_error(f"{exc.path.name} cannot be read ({count} problem(s)); nothing was loaded.\n\n"
                            + "\n".join(f"• {line}" for line in exc.lines()))
        elif isinstance(exc, ScheduleInfeasible):
            self.show_error(f"No roster fits the constraints. {exc}")
        elif isinstance(exc, ValueError | OSError):
            self.show_error(f"{self._doing.capitalize()} stopped: {exc}")
        elif isinstance(exc, BaseException):
            text, details = describe_exception(exc)
            self.show_error(f"The planning stopped with an unexpected error: {text}")
            self.dialogs.error("Planning failed", f"The planning stopped with an error:\n\n{text}", details)
        else:
            self.show_error(str(exc))
        self._update_actions()

    def _on_cancelled(self) -> None:
        self._end_progress()
        self.show_banner("Stopped; nothing was changed.", "info")
        self.status("Planning stopped")
        self._update_actions()
        self.cancelled.emit()

    # ---- showing results -------------------------------------------------------------------

    def _show_loaded(self, loaded: Loaded) -> None:
        history = loaded.history
        self.history, self.history_path = history, loaded.path
        last = history.dates[-1]
        changes = f", {len(history.clock_changes)} clock change(s)" if history.clock_changes else ""
        self.history_label.setText(
            f"<b>{history.source}</b><br>{history.days} days, {history.start_date:%d %b %Y} – {last:%d %b %Y}, "
            f"{history.interval_minutes}-minute intervals{changes}; {history.daily_offered.sum():,.0f} calls "
            "offered.")
        self.history_label.setToolTip(str(loaded.path))
        self.status(f"Read {history.source}")
        if loaded.prepared is None:
            self.prepared = self.result = None
            for view in self._views():
                view.clear()
            self.headline.setText("No forecast: see the message above.")
            self.show_error(f"{history.source} was read, but the week cannot be forecast: {loaded.problem}")
            return
        self._show_prepared(loaded.prepared)

    def _views(self) -> tuple[BacktestView | ForecastView | CoverageView | RosterView | UnmetView, ...]:
        return self.backtest_view, self.forecast_view, self.coverage_view, self.roster_view, self.unmet_view

    def _show_prepared(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.result = None
        for view in (self.backtest_view, self.forecast_view, self.coverage_view):
            view.show_prepared(prepared)
        self.roster_view.clear()
        self.unmet_view.clear()
        self.headline.setText(self._forecast_headline(prepared))
        self.prepared_ready.emit(prepared)

    @staticmethod
    def _forecast_headline(prepared: Prepared) -> str:
        week = prepared.forecast
        scored = prepared.backtest
        accuracy = (f"backtest WAPE {scored.model_error.wape:.1%} (seasonal-naive {scored.naive_error.wape:.1%})"
                    if scored is not None else "no backtest")
        return (f"Forecast for the week of {week.start_date:%d %b %Y}: {week.daily.sum():,.0f} calls; {accuracy}. "
                "Set the constraints and press Plan roster.")

    def _show_plan(self, result: PlanResult) -> None:
        self.prepared = result.prepared
        self.result = result
        for view in (self.backtest_view, self.forecast_view):
            view.show_prepared(result.prepared)
        self.coverage_view.show_plan(result)
        self.roster_view.show_plan(result)
        self.unmet_view.show_plan(result)
        check = result.check
        misses = sum(1 for u in result.correction.unmet if u.reason != "too few calls")
        groups = result.prepared.planned_groups
        agents = sum(result.schedule.headcount(g) for g in groups)
        verdict = "meets the target in every judged interval" if not misses else f"misses {misses} interval(s)"
        currency = result.prepared.week.costs.currency
        self.headline.setText(f"Planned roster: {agents} agents in {', '.join(groups)}; {verdict}; the week costs "
                              f"{format_money(check.planned.cost.mean, currency)} against "
                              f"{format_money(check.current.cost.mean, currency)} with the current roster.")
        self.tabs.setCurrentWidget(self.roster_view)
        self.show_banner("Roster planned. Read the costs and the unmet intervals, then Accept roster.", "done")
        self.status("Roster planned")
        self.plan_ready.emit(result)

    # ---- accepting the roster ----------------------------------------------------------------

    def accept_roster(self) -> bool:
        """Put the planned roster into the editor's scenario; True when it went in.

        Asks whether the forecast week should go in too (No by default: the demand and the
        calendar the planner has stay).
        """
        result = self.result
        if result is None or self.tasks.busy:
            return False
        week = result.prepared.forecast
        take_forecast = self.dialogs.confirm(
            "Also take the forecast week?",
            f"The planned shifts of {', '.join(result.prepared.planned_groups)} replace their current shifts.\n\n"
            f"Also put the forecast week into the scenario? Yes moves the calendar to the {week.days} days from "
            f"{week.start_date:%a %d %b %Y} and makes the inbound demand, talk time, patience and redials the "
            "forecast's. No keeps your demand and calendar.")
        before = self.editor.data
        try:
            data = roster_into(before, result, take_forecast)
        except ValueError as exc:
            self.show_error(f"The roster cannot be accepted: {exc}")
            return False
        self._before_accept = before  # the editor drops this dict for the new one: nothing edits it from here
        self._applying = True
        try:
            self.editor.replace_data(data)
        finally:
            self._applying = False
        self._accepted_data = self.editor.data
        self._edited_since_accept = False
        what = "the roster and the forecast week" if take_forecast else "the roster"
        problems = "" if self.editor.is_valid else (" The scenario now has problems, listed under the editor: fix "
                                                    "them or Undo accept.")
        self.show_banner(f"Accepted {what} into the scenario (not saved yet). Undo accept puts back the scenario "
                         f"as it was.{problems}", "done" if not problems else "error")
        self.status(f"Accepted the planned roster into the scenario{' with the forecast week' if take_forecast else ''}"
                    " — not saved yet")
        self._update_actions()
        self.roster_accepted.emit()
        return True

    def undo_accept(self) -> bool:
        """Put back the scenario as it was before the roster was accepted; True when done.

        When the scenario was edited (or another one opened) since, the planner is asked first:
        those later edits would go too.
        """
        before = self._before_accept
        if before is None:
            return False
        changed = self._edited_since_accept or self.editor.data is not self._accepted_data
        if changed and not self.dialogs.confirm(
                "Undo the accepted roster?",
                "The scenario has changed since the roster was accepted. Undoing puts back the scenario as it was "
                "before the accept, and the later changes go too. Undo?"):
            return False
        self._applying = True
        try:
            self.editor.replace_data(before)
        finally:
            self._applying = False
        self._before_accept = self._accepted_data = None
        self.show_banner("The scenario is back as it was before the roster was accepted.", "info")
        self.status("Undid the accepted roster")
        self._update_actions()
        self.accept_undone.emit()
        return True

    def _on_editor_edited(self) -> None:
        if not self._applying:
            self._edited_since_accept = True
        self._sync_groups()
        self._update_actions()

    # ---- state and messages ------------------------------------------------------------------

    def _update_actions(self) -> None:
        busy = self.tasks.busy
        valid = self.editor.is_valid
        self.load_button.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy and self.history is not None)
        self.plan_button.setEnabled(not busy and valid and self.history is not None)
        self.cancel_button.setEnabled(busy)
        self.accept_button.setEnabled(not busy and self.result is not None)
        self.export_button.setEnabled(not busy and self.result is not None)
        self.undo_button.setEnabled(self._before_accept is not None)

    def show_error(self, text: str) -> None:
        """Show a problem in the window's banner (it stays until the next task)."""
        self.show_banner(text, "error")
        self.status("Planning: " + text.splitlines()[0])
        self.failed.emit(text)

    def show_banner(self, text: str, kind: str) -> None:
        """A message above the results: "error", "info" or "done"."""
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLE[kind])
        self.banner.show()

    def hide_banner(self) -> None:
        """Clear the message above the results."""
        self.banner.clear()
        self.banner.hide()

    def _on_input_rejected(self, message: str, field: object) -> None:
        if isinstance(field, QWidget) and self.isAncestorOf(field):
            self.show_banner(message, "error")
