"""What the Planning window shows: the backtest, the forecast week, requirement and coverage, the roster.

Each view draws one part of a `wfm.planning.pipeline.Prepared` (the forecast, before any roster)
or `PlanResult` (the roster proven by simulation) and computes nothing of its own: every number
on screen is read from those results, so the screen and `wfm plan`'s workbook cannot disagree.
Plots over the planning week share one x axis in hours from the first day's midnight
(`WeekAxis`), so "Whole week" and one day are the same plot at another zoom.

Tests read the `curves` dicts and the tables' cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm import kpi
from wfm.experiment import Estimate
from wfm.gui.dashboards import DayAxis, draw_band, from_zero, label_ticks, make_plot, set_title
from wfm.gui.kpi_table import left, right
from wfm.planning.check import RosterRun
from wfm.planning.pipeline import PlanResult, Prepared
from wfm.planning.requirements import IntervalServiceLevel, floor_agents, judged
from wfm.planning.schedule import Schedule, days_label
from wfm.scenario import WEEKDAYS, Scenario, format_time_of_day
from wfm.views import Band

HOURS_PER_DAY = 24
COLORS = {"actual": "#222222", "model": "#1f77b4", "naive": "#ff7f0e", "calls": "#1f77b4", "erlang": "#7f7f7f",
          "requirement": "#ff7f0e", "planned": "#2ca02c", "current": "#d62728", "target": "#7f7f7f"}
MET_LOOK = ("#c6efce", "#006100")
MISSED_LOOK = ("#ffc7ce", "#9c0006")


def percent(value: float) -> str:
    """A share as a percentage with one decimal ("6.8%"), an en dash without a value."""
    return "–" if math.isnan(value) else f"{value:.1%}"


def day_label(day: date) -> str:
    """A planning day as the axes and the day selector name it: "Mon 27 Apr"."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day:%d %b}"


class WeekAxis(pg.AxisItem):
    """Hours from the first planned day's midnight, labelled as a planner reads them.

    Over several days each day's name stands under its noon (the midnights carry the grid
    lines); within a day or two the ticks are clock times, midnight named by its day. pyqtgraph
    would put ticks at 20, 50, 100 hours.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.days: list[str] = []

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """Midnights and noons over several days, hours within a day (pyqtgraph override)."""
        span = maxVal - minVal
        if span > 2 * HOURS_PER_DAY:
            return [(24.0, 0.0), (24.0, 12.0)]
        if span > 12:
            return [(3.0, 0.0), (1.0, 0.0)]
        return [(1.0, 0.0), (0.25, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Noon of a day in the week view → "Mon 27 Apr"; a clock time → "HH:MM" (midnight → the day)."""
        out = []
        for v in values:
            day, hour = divmod(v, HOURS_PER_DAY)
            name = self.days[int(day)] if 0 <= day < len(self.days) else ""
            if spacing >= HOURS_PER_DAY:
                out.append(name if abs(hour - 12) < 1e-6 else "")
            elif abs(hour) < 1e-6:
                out.append(name)
            else:
                minutes = int(round(hour * 60))
                out.append(f"{minutes // 60:02d}:{minutes % 60:02d}")
        return out


def week_plot(title: str, left_label: str, legend_columns: int = 4) -> tuple[pg.PlotWidget, WeekAxis]:
    """A plot over the planning week with a `WeekAxis`."""
    axis = WeekAxis("bottom")
    return make_plot(title, left_label, "", axis, legend_columns=legend_columns), axis


def interval_hours(days: int, per_day: int) -> np.ndarray:
    """Each interval's start, hours from the first day's midnight, for a (days, per_day) table."""
    return np.arange(days * per_day) * (HOURS_PER_DAY / per_day)


def table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """A read-only table with these column headers; column `stretch` takes the spare width."""
    view = QTableWidget(0, len(headers))
    view.setHorizontalHeaderLabels(list(headers))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # no padding rows
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fill(view: QTableWidget, rows: Sequence[Sequence[QTableWidgetItem]]) -> None:
    """Replace the table's rows."""
    view.setRowCount(0)
    view.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, item in enumerate(row):
            view.setItem(r, c, item)


def note_label(text: str = "") -> QLabel:
    """A wrapped, selectable line of explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def money(value: float, currency: str) -> str:
    """A week's cost in whole units of the currency: "€35,418" (cents on a roster's week are noise)."""
    return kpi.format_money(value, currency, 0)


def estimate_text(value: Estimate, currency: str) -> str:
    """An amount with its 95% interval: "€35,418 ± €707"."""
    if math.isnan(value.half_width):
        return money(value.mean, currency)
    return f"{money(value.mean, currency)} ± {money(value.half_width, currency)}"


def fit_rows(view: QTableWidget, width: bool = False) -> None:
    """Make a short table exactly as tall as its header and rows (no empty band under them).

    With `width`, also as wide as its columns: a few numbers far apart in a wide table are hard to compare.
    """
    frame = 2 * view.frameWidth() + 2
    view.setFixedHeight(view.horizontalHeader().height() + sum(view.rowHeight(r) for r in range(view.rowCount()))
                        + frame)
    if width:
        view.resizeColumnsToContents()
        view.setMaximumWidth(sum(view.columnWidth(c) for c in range(view.columnCount())) + frame)


# --------------------------------------------------------------------------------------------
# Backtest
# --------------------------------------------------------------------------------------------


class BacktestView(QWidget):
    """The forecast's errors on held-out weeks beside seasonal-naive's, and the days they were scored on."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.heading = note_label()
        self.table = table(["Forecast", "Daily MAPE", "Daily WAPE", "Interval WAPE"])
        self.verdict = note_label()
        self.axis = DayAxis("bottom")
        self.plot = make_plot("Calls per held-out day: actual, forecast, seasonal-naive", "calls per day", "",
                              self.axis)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.table)
        lay.addWidget(self.verdict)
        lay.addWidget(self.plot, 1)

    def clear(self, why: str = "Load a history to see how well its forecast does on weeks held out.") -> None:
        """Nothing to show, and why."""
        self.plot.clear()
        self.curves.clear()
        self.heading.setText(why)
        fill(self.table, [])
        fit_rows(self.table)
        self.verdict.setText("")

    def show_prepared(self, prepared: Prepared) -> None:
        """Show the backtest of a forecast (or why there is none)."""
        self.clear(f"No backtest: {prepared.backtest_note}.")
        scored = prepared.backtest
        if scored is None:
            return
        self.heading.setText(
            f"Each of the last {scored.weeks} week(s) of the history forecast from the weeks before it and compared "
            f"with what happened, on {len(scored.dates)} normal open day(s). WAPE = Σ|forecast − actual| / Σ actual.")
        rows = []
        for name, error in (("Model", scored.model_error), ("Seasonal-naive", scored.naive_error)):
            rows.append([left(name), right(percent(error.mape)), right(percent(error.wape)),
                         right(percent(error.interval_wape))])
        fill(self.table, rows)
        fit_rows(self.table, width=True)
        better = scored.beats_naive
        self.verdict.setText("✔ The forecast beats seasonal-naive on daily and interval WAPE." if better else
                             "⚠ The forecast does not beat seasonal-naive (same weekday of the last normal week): "
                             "check the history for breaks or changes before trusting it.")
        self.verdict.setStyleSheet(f"color: {MET_LOOK[1] if better else MISSED_LOOK[1]}; font-weight: bold;")
        labels = [f"{WEEKDAYS[d.weekday()].capitalize()} {d:%d/%m}" for d in scored.dates]
        self.axis.labels = labels
        x = np.arange(len(labels), dtype=float)
        # The first day of each held-out week named, every day a tick: 20-odd names would overlap.
        week_of = [(d - scored.dates[0]).days // 7 for d in scored.dates]
        weeks = [(float(i), s) for i, s in enumerate(labels) if i == 0 or week_of[i] != week_of[i - 1]]
        self.plot.getPlotItem().getAxis("bottom").setTicks([weeks, [(float(i), "") for i in range(len(labels))]])
        self.curves["actual"] = self.plot.plot(
            x, scored.actual, name="actual", pen=pg.mkPen(COLORS["actual"], width=2), symbol="o", symbolSize=5,
            symbolBrush=COLORS["actual"])
        self.curves["model"] = self.plot.plot(
            x, scored.forecast, name=f"forecast (WAPE {percent(scored.model_error.wape)})",
            pen=pg.mkPen(COLORS["model"], width=2))
        self.curves["naive"] = self.plot.plot(
            x, scored.naive, name=f"seasonal-naive (WAPE {percent(scored.naive_error.wape)})",
            pen=pg.mkPen(COLORS["naive"], width=2, style=Qt.PenStyle.DashLine))
        top = float(max(scored.actual.max(initial=0), scored.forecast.max(initial=0), scored.naive.max(initial=0)))
        from_zero(self.plot, top)
        self.plot.setXRange(-0.5, len(labels) - 0.5, padding=0)


# --------------------------------------------------------------------------------------------
# Forecast week
# --------------------------------------------------------------------------------------------


def forecast_summary(prepared: Prepared) -> str:
    """The forecast in a planner's words: model, trend, handle time, patience, holidays, days left out."""
    result = prepared.forecast
    parts = [f"<b>Week of {result.start_date:%a %d %b %Y}</b>: {result.daily.sum():,.0f} calls expected.",
             f"Model: {result.model}; trend {result.trend_per_week:+.1%} a week"
             f"{', yearly pattern' if result.yearly else ''}; dispersion {result.dispersion:.2f}."]
    aht = result.mean_aht_s()
    if not math.isnan(aht):
        parts.append(f"Average handle time {aht:.0f} s.")
    if result.patience is not None and math.isfinite(result.patience.mean_s):
        p = result.patience
        parts.append(f"Patience {p.mean_s:.0f} s (95% interval {p.low_s:.0f}–{p.high_s:.0f} s, "
                     f"{p.abandons:,.0f} abandons).")
    if result.closed:
        parts.append("Closed: " + ", ".join(f"{d:%a %d %b} ({name})" for d, name in result.closed) + ".")
    if result.excluded:
        parts.append(f"{len(result.excluded)} history day(s) left out of the fit (holidays, days without calls).")
    return " ".join(parts)


class ForecastView(QWidget):
    """The forecast week: its summary, calls per day and calls per interval."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.summary = note_label()
        self.day_axis = DayAxis("bottom")
        self.daily = make_plot("Forecast calls per day", "calls per day", "", self.day_axis, legend=False)
        self.intervals, self.week_axis = week_plot("Forecast calls per interval", "calls per interval")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.summary)
        lay.addWidget(self.daily, 2)
        lay.addWidget(self.intervals, 3)

    def clear(self) -> None:
        """No forecast."""
        self.summary.setText("No forecast yet.")
        self.daily.clear()
        self.intervals.clear()
        self.curves.clear()

    def show_prepared(self, prepared: Prepared) -> None:
        """Show the forecast week."""
        result = prepared.forecast
        self.summary.setText(forecast_summary(prepared))
        labels = [day_label(d) for d in result.dates]
        self.daily.clear()
        self.day_axis.labels = labels
        label_ticks(self.daily, labels)
        x = np.arange(result.days, dtype=float)
        bars = pg.BarGraphItem(x=x, height=result.daily, width=0.6, brush=pg.mkBrush(COLORS["calls"] + "99"),
                               pen=pg.mkPen(COLORS["calls"]))
        self.daily.addItem(bars)
        self.curves["daily"] = bars
        from_zero(self.daily, float(result.daily.max(initial=0)))
        self.daily.setXRange(-0.6, result.days - 0.4, padding=0)
        minutes = prepared.week.calendar.interval_minutes
        calls = result.calls_on_grid(minutes)
        self.intervals.clear()
        self.week_axis.days = labels
        hours = interval_hours(*calls.shape)
        self.curves["calls"] = self.intervals.plot(hours, calls.ravel(), name=f"expected calls per {minutes} min",
                                                   stepMode="right", pen=pg.mkPen(COLORS["calls"], width=1.5))
        from_zero(self.intervals, float(calls.max(initial=0)))


# --------------------------------------------------------------------------------------------
# Requirement, coverage and service level per interval
# --------------------------------------------------------------------------------------------


class CoverageView(QWidget):
    """Agents required and scheduled per interval, and the simulated service level of both rosters.

    Before a plan: the Erlang A requirement and the current roster's agents on the floor. After
    one: the requirement corrected by simulation and the planned roster's agents too, and the
    service level per interval of the planned and the current roster with the target.
    """

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.day = QComboBox()
        self.day.setToolTip("Zoom the plots to one day of the planned week")
        self.day.currentIndexChanged.connect(lambda _i: self.zoom())
        self.agents, self.agents_axis = week_plot("Agents per interval: required and on the floor", "agents")
        self.service, self.service_axis = week_plot("Simulated service level per interval", "service level (%)")
        self.service.setXLink(self.agents)
        self.note = note_label()
        self._ranges: list[tuple[float, float]] = []
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.day)
        top.addWidget(self.note, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.agents, 1)
        lay.addWidget(self.service, 1)

    def clear(self) -> None:
        """No forecast, no requirement."""
        self.agents.clear()
        self.service.clear()
        self.curves.clear()
        self.note.setText("")

    def show_prepared(self, prepared: Prepared) -> None:
        """Before a roster: the Erlang A requirement beside the current roster's agents."""
        self._days(prepared)
        self.agents.clear()
        self.service.clear()
        self.curves.clear()
        hours = interval_hours(*prepared.erlang.shape)
        current = floor_agents(prepared.week)
        self._erlang(prepared, hours)
        self.curves["current_floor"] = self.agents.plot(
            hours, current.ravel(), name="current roster on the floor", stepMode="right",
            pen=pg.mkPen(COLORS["current"], width=1.5))
        from_zero(self.agents, float(max(prepared.erlang.max(initial=0), current.max(initial=0))))
        set_title(self.service, "Simulated service level per interval", "plan a roster to simulate it")
        self.service.setYRange(0, 105, padding=0)
        self.note.setText(f"Erlang A sizes each interval for {prepared.target:.0%} answered within "
                          f"{prepared.week.inbound.service_level.threshold_s:g} s, as a steady state.")
        self.zoom()

    def show_plan(self, result: PlanResult) -> None:
        """After a roster: requirement corrected by simulation, both rosters' floor and service level."""
        prepared, check = result.prepared, result.check
        self._days(prepared)
        self.agents.clear()
        self.service.clear()
        self.curves.clear()
        hours = interval_hours(*check.requirement.shape)
        self._erlang(prepared, hours)
        self.curves["requirement"] = self.agents.plot(
            hours, check.requirement.ravel().astype(float), name="requirement corrected by simulation",
            stepMode="right", pen=pg.mkPen(COLORS["requirement"], width=2, style=Qt.PenStyle.DashLine))
        for key, run, name in (("planned_floor", check.planned, "planned roster"),
                               ("current_floor", check.current, "current roster")):
            self.curves[key] = self.agents.plot(hours, run.floor.ravel(), name=f"{name} on the floor",
                                                stepMode="right", pen=pg.mkPen(COLORS[key.split("_")[0]], width=1.5))
        from_zero(self.agents, float(max(check.requirement.max(initial=0), check.planned.floor.max(initial=0),
                                         check.current.floor.max(initial=0))))
        middle = hours + HOURS_PER_DAY / check.requirement.shape[1] / 2
        set_title(self.service, "Simulated service level per interval (95% interval)")
        for key, run, name in (("planned_sl", check.planned, "planned roster"),
                               ("current_sl", check.current, "current roster")):
            self.curves[key] = draw_band(self.service, middle, _band(run, 100.0), COLORS[key.split("_")[0]],
                                         f"{name}: target met in {int(run.met.sum())} of {int(run.judged.sum())}",
                                         step=False, ceiling=100.0)
        days = check.requirement.shape[0]
        self.curves["target"] = self.service.plot(
            [0, days * HOURS_PER_DAY], [check.target * 100] * 2, name=f"target {check.target:.0%}",
            pen=pg.mkPen(COLORS["target"], width=1.5, style=Qt.PenStyle.DashLine))
        self.service.setYRange(0, 105, padding=0)
        self.note.setText(f"Both rosters simulated on the same random numbers, {check.planned.summary.replications} "
                          "replications; an interval meets the target when the lower end of its 95% interval does.")
        self.zoom()

    def _erlang(self, prepared: Prepared, hours: np.ndarray) -> None:
        self.curves["erlang"] = self.agents.plot(
            hours, prepared.erlang.ravel().astype(float), name="Erlang A requirement", stepMode="right",
            pen=pg.mkPen(COLORS["erlang"], width=1.5))

    def _days(self, prepared: Prepared) -> None:
        """Fill the day selector and each day's open hours (where calls or agents are)."""
        result = prepared.forecast
        labels = [day_label(d) for d in result.dates]
        self.agents_axis.days = labels
        self.service_axis.days = labels
        calls = result.calls_on_grid(prepared.week.calendar.interval_minutes)
        per_day = calls.shape[1]
        self._ranges = [(0.0, float(len(labels) * HOURS_PER_DAY))]
        for d in range(len(labels)):
            busy = np.flatnonzero((calls[d] > 0) | (prepared.erlang[d] > 0))
            start = d * HOURS_PER_DAY
            if busy.size:
                lo = start + busy[0] * HOURS_PER_DAY / per_day - 0.5
                hi = start + (busy[-1] + 1) * HOURS_PER_DAY / per_day + 0.5
                self._ranges.append((max(lo, start), min(hi, start + HOURS_PER_DAY)))
            else:
                self._ranges.append((float(start), float(start + HOURS_PER_DAY)))
        current = self.day.currentIndex()
        self.day.blockSignals(True)
        self.day.clear()
        self.day.addItem("Whole week")
        for d, label in enumerate(labels):
            self.day.addItem(label + (" (closed)" if result.daily[d] <= 0 else ""))
        self.day.setCurrentIndex(max(current, 0))
        self.day.blockSignals(False)

    def zoom(self) -> None:
        """Show the whole week or the chosen day's open hours."""
        index = self.day.currentIndex()
        if 0 <= index < len(self._ranges):
            self.agents.setXRange(*self._ranges[index], padding=0)


def _band(run: RosterRun, scale: float) -> Band:
    level = run.service_level
    return Band(level.mean.ravel() * scale, level.low.ravel() * scale, level.high.ravel() * scale)


# --------------------------------------------------------------------------------------------
# Roster and costs
# --------------------------------------------------------------------------------------------


def schedule_rows(schedule: Schedule) -> list[tuple[str, str, str, str, str, int, str]]:
    """One row per template with agents: template, group, start, length, days, headcount, breaks."""
    rows = []
    for index, (template, agents) in enumerate(zip(schedule.problem.templates, schedule.agents, strict=True)):
        if agents <= 0:
            continue
        hours, minutes = divmod(template.length_min, 60)
        patterns = []
        for starts, count in schedule.break_patterns(index):
            breaks = " · ".join(f"{rule.name} {format_time_of_day((template.start_min + at) * 60)}"
                                for rule, at in zip(template.breaks, starts, strict=True))
            patterns.append(f"{breaks} ×{count}" if breaks else f"no break ×{count}")
        rows.append((template.name, template.group, format_time_of_day(template.start_min * 60),
                     f"{hours}h{minutes:02d}" + (" (part-time)" if template.part_time else ""),
                     days_label(template.days), agents, "; ".join(patterns)))
    return rows


def headcount(scenario: Scenario, groups: Sequence[str]) -> int:
    """Agents in the shifts of `groups`."""
    return sum(s.headcount for g in scenario.groups if g.name in groups for s in g.shifts)


class RosterView(QWidget):
    """The planned roster's cost beside the current roster and the current shifts re-staffed, and its shifts."""

    def __init__(self) -> None:
        super().__init__()
        self.costs = table(["Roster", "Agents", "Week's cost (95% interval)", "Target met"])
        self.saving = note_label()
        self.saving.setStyleSheet("font-weight: bold;")
        self.solver = note_label()
        self.schedule = table(["Shift template", "Group", "Start", "Length", "Days", "Headcount", "Breaks"],
                              stretch=6)
        self.schedule.setWordWrap(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.costs)
        lay.addWidget(self.saving)
        lay.addWidget(self.solver)
        lay.addWidget(self.schedule, 1)
        self.clear()

    def clear(self) -> None:
        """No roster yet."""
        fill(self.costs, [])
        fit_rows(self.costs)
        fill(self.schedule, [])
        self.saving.setText("Plan a roster to see its cost and shifts here.")
        self.solver.setText("")

    def show_plan(self, result: PlanResult) -> None:
        """Show the costs, the saving and the shift table of a plan."""
        prepared, check = result.prepared, result.check
        currency = prepared.week.costs.currency
        groups = prepared.planned_groups
        reps = check.planned.summary.replications
        rows = [self._cost_row("Planned roster", headcount(result.planned, groups), check.planned.cost,
                               _met(check.planned.service_level, check.target, reps), currency),
                self._cost_row("Current roster", headcount(prepared.week, groups), check.current.cost,
                               _met(check.current.service_level, check.target, reps), currency)]
        if result.reference is not None:
            reference = result.reference
            rows.append(self._cost_row("Current shifts re-staffed to the target",
                                       headcount(reference.scenario, groups), reference.summary.kpis["cost_total"],
                                       _met(reference.service_level, check.target, reps), currency))
        fill(self.costs, rows)
        fit_rows(self.costs, width=True)
        difference = check.cost_difference
        sign = "+" if difference.mean >= 0 else "-"
        lines = [f"Planned − current: {sign}{money(abs(difference.mean), currency)} "
                 f"(± {money(difference.half_width, currency)}, paired on the same random numbers)."]
        saving = result.saving_vs_reference
        if saving is not None:
            verb = "saves" if saving.mean >= 0 else "costs"
            lines.append(f"Against the current shifts re-staffed to the same target the plan {verb} "
                         f"{money(abs(saving.mean), currency)} a week "
                         f"(± {money(saving.half_width, currency)}).")
        else:
            lines.append(f"No comparison with the current shifts re-staffed: {result.reference_note}.")
        self.saving.setText(" ".join(lines))
        schedule = result.schedule
        shares = ", ".join(f"{g}: {schedule.headcount(g)} agents ({schedule.part_time_share(g):.0%} part-time)"
                           for g in groups)
        how = "optimal" if schedule.optimal else f"best found, gap {schedule.gap:.2%}"
        self.solver.setText(f"Rostered: {shares}. Scheduler: {how} in {schedule.seconds:.1f} s, rostered cost "
                            f"{money(schedule.cost, currency)} a week for the planned groups (wages and "
                            "overhead; the table's costs are the whole center's, simulated).")
        items = []
        for row in schedule_rows(schedule):
            cells = [left(row[0]), left(row[1]), right(row[2]), right(row[3]), left(row[4]), right(str(row[5])),
                     left(row[6])]
            cells[6].setToolTip(row[6].replace("; ", "\n"))
            items.append(cells)
        fill(self.schedule, items)

    @staticmethod
    def _cost_row(name: str, agents: int, cost: Estimate, met: tuple[int, int], currency: str
                  ) -> list[QTableWidgetItem]:
        good, count = met
        ok = good == count
        status = left(f"✔ all {count} judged intervals" if ok else f"✘ {good} of {count} judged intervals")
        status.setToolTip("Intervals with calls in at least half the replications whose service level's lower 95% "
                          "bound reaches the target")
        background, text = MET_LOOK if ok else MISSED_LOOK
        status.setBackground(pg.mkColor(background))
        status.setForeground(pg.mkColor(text))
        return [left(name), right(str(agents)), right(estimate_text(cost, currency)), status]


def _met(level: IntervalServiceLevel, target: float, replications: int) -> tuple[int, int]:
    """Judged intervals meeting `target` at the lower end of their 95% interval, and judged intervals."""
    ok = judged(level, replications)
    with np.errstate(invalid="ignore"):
        return int((ok & (level.low >= target)).sum()), int(ok.sum())


# --------------------------------------------------------------------------------------------
# Unmet intervals
# --------------------------------------------------------------------------------------------

REASONS = {"not covered": "a scheduling limit binds", "no gain": "more agents stopped helping",
           "rounds": "rounds ran out", "too few calls": "too few calls to judge"}


class UnmetView(QWidget):
    """The intervals the planned roster still misses, with the reason for each."""

    def __init__(self) -> None:
        super().__init__()
        self.summary = note_label()
        self.table = table(["Interval", "Service level", "Lower 95%", "Required", "On the floor", "Reason",
                            "Why"], stretch=6)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # rows grow to the reason wrapped (`table`)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        self.clear()

    def clear(self) -> None:
        """No plan yet."""
        fill(self.table, [])
        self.summary.setText("Plan a roster to see which intervals, if any, miss the target.")

    def show_plan(self, result: PlanResult) -> None:
        """List the unmet intervals of a plan."""
        correction = result.correction
        unmet = correction.unmet
        misses = [u for u in unmet if u.reason != "too few calls"]
        rounds = len(correction.rounds)
        if not misses:
            text = (f"✔ The planned roster meets {correction.target:.0%} in every judged interval after {rounds} "
                    "simulation round(s).")
        else:
            counts: dict[str, int] = {}
            for u in misses:
                counts[u.reason] = counts.get(u.reason, 0) + 1
            why = ", ".join(f"{n} {REASONS.get(reason, reason)}" for reason, n in counts.items())
            text = (f"⚠ {len(misses)} interval(s) still miss {correction.target:.0%} after {rounds} simulation "
                    f"round(s): {why}.")
        few = len(unmet) - len(misses)
        if few:
            text += f" {few} interval(s) had calls in too few replications to be judged alone (listed, not misses)."
        self.summary.setText(text)
        rows = []
        for u in unmet:
            rows.append([left(u.label), right(percent(u.service_level)), right(percent(u.low)),
                         right(str(u.requirement)), right(f"{u.floor:.1f}"), left(u.reason), left(u.detail)])
            rows[-1][6].setToolTip(u.detail)
        fill(self.table, rows)
