"""The planning workbook: the week's roster, why it was chosen and the simulation that proves it.

`wfm plan` writes it (and the GUI's Planning section can) from a `wfm.planning.pipeline.PlanResult`;
every number comes from the result or its tables (`wfm.planning.tables`). A planner presents it
in the order of the sheets:

    Summary      the settings, the three rosters' costs with 95% intervals and intervals met, the
                 paired saving, the correction's rounds and every interval still below the target
    Forecast     the backtest (actual against the model and seasonal-naive, per day, charted),
                 the forecast week per day and per interval
    Requirement  per interval: forecast calls, Erlang A, the requirement corrected by simulation and
                 the agents the planned roster puts on the floor, charted
    Roster       the shift templates chosen with their breaks, headcount and cost; the groups'
                 limits; over- and under-coverage per weekday and interval
    Intervals    both rosters' simulated service level per interval with its interval and verdict
    Inputs       the history file, the settings and the scenarios
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScale, FormatObject, Rule
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm import __version__
from wfm.experiment import Estimate
from wfm.kpi import format_money
from wfm.planning.pipeline import PlanResult
from wfm.planning.tables import coverage_by_weekday, forecast_days, interval_table, roster_lines, shift_rows
from wfm.report import charts, styles
from wfm.report.charts import Categories, ColumnRange
from wfm.report.scenario_report import CHART_ROWS, WEEKDAY_LABELS
from wfm.report.styles import Column, money_format, set_print_layout, write_table, write_title
from wfm.report.target import save_workbook
from wfm.scenario import WEEKDAYS
from wfm.scenario.units import DAY_S, MINUTE_S

PLAN_SHEETS = ("Summary", "Forecast", "Requirement", "Roster", "Intervals", "Inputs")
ANSWER_FONT = Font(bold=True, size=14, color="1F3864")
WIDE_CHART_CM = 24.0
"""Width of the charts over a whole week of intervals: wide enough to tell the days apart."""
NOT_JUDGED = "not judged"


class _Plan:
    """What every sheet needs: the result, its currency and interval table, when it was written, the input files."""

    def __init__(self, result: PlanResult, generated: datetime, history_file: str | None,
                 scenario_file: str | None) -> None:
        self.result = result
        self.generated = generated
        self.history_file = history_file
        self.scenario_file = scenario_file
        self.currency = result.planned.costs.currency
        self.table = interval_table(result)
        self.keep = [int(i) for i in np.flatnonzero(self.table["active"])]
        forecast = result.prepared.forecast
        self.week = f"{forecast.start_date.isoformat()} to {forecast.dates[-1].isoformat()}"
        self.minutes = result.planned.calendar.interval_minutes

    def sheet(self, wb: Workbook, name: str, heading: str, subtitle: str,
              facts: Sequence[tuple[str, Any]] = ()) -> tuple[Worksheet, int]:
        """A new sheet with the plan's title block; returns it and its first free row."""
        ws = wb.create_sheet(name)
        top = write_title(ws, f"{heading} — {self.result.planned.name}",
                          [("Week", self.week), ("Generated", self.generated), *facts], subtitle=subtitle)
        return ws, top

    def money(self, decimals: int | None = None) -> str:
        """The Excel format of an amount in the plan's currency."""
        return money_format(self.currency, decimals)


def _label(ws: Worksheet, row: int, text: str, note: str = "") -> None:
    ws.cell(row=row, column=1, value=text).font = styles.LABEL_FONT
    if note:
        ws.cell(row=row, column=3, value=note).font = styles.SUBTITLE_FONT


def _percent(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1%}"


def _when(operator: Literal["equal", "lessThan"], value: str, font: Font, fill: PatternFill | None = None) -> Rule:
    """A conditional format: `font` (and `fill`) on cells `operator` `value` (an Excel formula: '"yes"', '0.8')."""
    return Rule(type="cellIs", operator=operator, formula=[value], dxf=DifferentialStyle(font=font, fill=fill))


def _verdicts(ws: Worksheet, cells: str) -> None:
    """Green "yes", red "no" in `cells` (conditional: a planner who edits or sorts keeps the colours)."""
    ws.conditional_formatting.add(cells, _when("equal", '"yes"', styles.GOOD_FONT, styles.GOOD_FILL))
    ws.conditional_formatting.add(cells, _when("equal", '"no"', styles.BAD_FONT, styles.BAD_FILL))


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def _limits_text(plan: _Plan) -> str:
    settings = plan.result.prepared.settings
    parts = [f"{group}: " + ", ".join(f"{k.replace('_', ' ')} {v:.0%}" if k == "max_part_time_share"
                                      else f"{k.replace('_', ' ')} {v}" for k, v in limits.items())
             for group, limits in settings.limits.items()]
    return "; ".join(parts) or "none"


def summary_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """The answer, the three rosters side by side, the paired saving, the rounds and what stayed unmet."""
    result, prepared = plan.result, plan.result.prepared
    settings, check = prepared.settings, result.check
    threshold = result.planned.inbound.service_level.threshold_s
    summary = check.planned.summary
    budget = "none" if settings.budget is None else f"{settings.budget:,.2f} {plan.currency}"
    ws, top = plan.sheet(
        wb, "Summary", "Staffing plan",
        subtitle=("The cheapest roster of shift templates covering the requirement (Erlang A on the forecast,"
                  " raised by simulation where an interval missed the target), simulated beside the current roster"
                  " and beside the current shifts re-staffed to the same target, on common random numbers:"
                  " replication i of each roster sees the same callers. An interval meets the target when the lower"
                  " end of its service level's 95% interval reaches it."),
        facts=[("Target", f"SL ≥ {prepared.target:.0%} in {threshold:g} s"),
               ("Groups", ", ".join(prepared.planned_groups)),
               ("Replications", summary.replications), ("Seed", summary.seed),
               ("Limits", _limits_text(plan)), ("Budget", budget)],
    )
    lines = roster_lines(result)
    planned = lines[0]
    cost = planned.cost
    assert cost is not None  # the planned roster is always simulated
    answer = f"Planned roster: {planned.headcount} agents, {format_money(cost.mean, plan.currency, 0)} a week"
    verdict = (f"meets the target in all {planned.judged} judged intervals" if planned.meets_target
               else f"meets the target in {planned.met} of {planned.judged} judged intervals")
    ws.cell(row=top, column=1, value=f"{answer}, {verdict}").font = ANSWER_FONT
    ws.row_dimensions[top].height = 22
    row = top + 2
    _label(ws, row, "Cost of the week and intervals meeting the target")
    columns = [Column("Roster", "text", 26), Column("Agents", "integer", 9, "center"),
               Column("Cost of the week", "money", 15), Column("95% CI low", "money", 13),
               Column("95% CI high", "money", 13), Column("Intervals met", "integer", 10, "center"),
               Column("Intervals judged", "integer", 10, "center"), Column("Meets target", "text", 13, "center"),
               Column("Note", "text", 40)]
    rows: list[list[Any]] = []
    for line in lines:
        if line.cost is None:
            rows.append([line.label, None, None, None, None, None, None, None, line.note])
        else:
            rows.append([line.label, line.headcount, line.cost.mean, line.cost.low, line.cost.high, line.met,
                         line.judged, "yes" if line.meets_target else "no", None])
    first, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False, currency=plan.currency)
    _verdicts(ws, f"H{first}:H{last}")
    chart = charts.clustered_bars("Cost of the week by roster", Categories(ColumnRange(ws, 1, row + 1, last), ""),
                                  [ColumnRange(ws, 3, row + 1, last)], y_title=plan.currency,
                                  y_format=plan.money(0))
    chart.legend = None
    row = last + 2
    _label(ws, row, "Paired differences (replication by replication, same random numbers)")
    differences = [("Planned − current roster", check.cost_difference)]
    if result.saving_vs_reference is not None:
        differences.append(("Saving: current shifts re-staffed − planned", result.saving_vs_reference))
    columns = [Column("Difference", "text", 26), Column("Mean", "money", 9), Column("95% CI low", "money", 15),
               Column("95% CI high", "money", 13), Column("Significant", "text", 13, "center")]
    _, last = write_table(ws, row + 1, columns, [_difference_row(name, e) for name, e in differences],
                          autofilter=False, freeze=False, currency=plan.currency)
    ws.add_chart(chart, f"A{last + 2}")
    row = last + 2 + CHART_ROWS + 1
    row = _rounds_table(ws, plan, row)
    _unmet_table(ws, plan, row)
    set_print_layout(ws)
    return ws


def _difference_row(name: str, estimate: Estimate) -> list[Any]:
    significant = not math.isnan(estimate.half_width) and (estimate.low > 0 or estimate.high < 0)
    return [name, estimate.mean, estimate.low, estimate.high, "yes" if significant else "no"]


def _rounds_table(ws: Worksheet, plan: _Plan, row: int) -> int:
    """The correction's rounds; returns the next free row."""
    correction = plan.result.correction
    _label(ws, row, "Correction by simulation", "each round rosters the requirement, simulates it and raises the"
                                                " intervals that missed the target")
    columns = [Column("Round", "integer", 26, "center"), Column("Requirement (agent-hours)", "number", 9),
               Column("Intervals missed", "integer", 15, "center"), Column("Intervals raised", "integer", 13,
                                                                           "center")]
    rows = [[i, r.requirement_agent_hours, r.missed, r.raised] for i, r in enumerate(correction.rounds, start=1)]
    _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    return last + 2


def _unmet_table(ws: Worksheet, plan: _Plan, row: int) -> int:
    """Every interval still below the target, with the reason; returns the next free row."""
    unmet = plan.result.correction.unmet
    misses = [u for u in unmet if u.reason != "too few calls"]
    if not unmet:
        ws.cell(row=row, column=1, value="Every judged interval meets the target.").font = styles.GOOD_FONT
        return row + 2
    _label(ws, row, f"Intervals below the target or not judged: {len(misses)} below, {len(unmet) - len(misses)}"
                    " with too few calls to judge")
    # The columns line up with the cost table's above (same widths), the long explanation last.
    columns = [Column("Interval", "text", 26), Column("Forecast calls", "agents", 9),
               Column("Service level", "ratio", 15), Column("95% CI low", "ratio", 13),
               Column("Erlang A", "integer", 13, "center"), Column("Requirement", "integer", 10, "center"),
               Column("On the floor", "agents", 10), Column("Reason", "text", 13), Column("Why", "text", 40)]
    erlang, calls = plan.result.correction.erlang, plan.result.prepared.forecast.calls_on_grid(plan.minutes)
    rows = [[u.label, calls[u.day, u.interval], u.service_level, u.low, erlang[u.day, u.interval], u.requirement,
             u.floor, u.reason, u.detail] for u in unmet]
    _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    return last + 2


# --------------------------------------------------------------------------------------------
# Forecast
# --------------------------------------------------------------------------------------------


def forecast_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """The backtest against seasonal-naive (per day, charted), the forecast week per day and per interval."""
    prepared = plan.result.prepared
    result = prepared.forecast
    patience = result.patience
    ws, top = plan.sheet(
        wb, "Forecast", "Forecast",
        subtitle=(f"{result.model}. Backtest: each held-out week forecast from the history before it, scored"
                  " against seasonal-naive (the same weekday of the last normal week). A forecast that does not"
                  " beat seasonal-naive should not be trusted. Patience: "
                  + (f"{patience.method}, ± one standard error." if patience is not None
                     else "not estimated: the export lacks abandons, abandon time or ASA.")),
        facts=[("Trend", f"{result.trend_per_week:+.2%} a week" if result.trend_per_week else "not fitted"),
               ("Dispersion", round(result.dispersion, 2)),
               ("Patience", (f"{patience.mean_s:.0f} s ± {patience.std_error_s:.0f} s" if patience is not None
                             else "not estimated")),
               ("Yearly pattern", "fitted" if result.yearly else "not fitted (needs two years)")],
    )
    row = top
    scored = prepared.backtest
    day_columns = [Column("Date", "date", 12), Column("Weekday", "text", 10, "center")]
    if scored is None:
        ws.cell(row=row, column=1, value=f"No backtest: {prepared.backtest_note}").font = styles.BAD_FONT
        row += 2
    else:
        _label(ws, row, f"Backtest: {scored.weeks} held-out week(s), {len(scored.dates)} normal open day(s) scored")
        columns = [Column("Forecast", "text", 16), Column("Daily MAPE", "ratio", 10), Column("Daily WAPE", "ratio", 12),
                   Column("Interval WAPE", "ratio", 12)]
        rows = [[name, a.mape, a.wape, a.interval_wape]
                for name, a in (("Model", scored.model_error), ("Seasonal-naive", scored.naive_error))]
        _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
        verdict = ws.cell(row=last + 1, column=1, value=(
            "The model beats seasonal-naive (daily and interval WAPE)." if scored.beats_naive
            else "The model does NOT beat seasonal-naive: check the history before trusting the forecast."))
        verdict.font = styles.GOOD_FONT if scored.beats_naive else styles.BAD_FONT
        row = last + 3
        _label(ws, row, "Backtest per day: calls offered")
        columns = [*day_columns, Column("Actual", "count", 12), Column("Model", "count", 12),
                   Column("Seasonal-naive", "count", 12), Column("Model error", "ratio_delta", 12),
                   Column("Naive error", "ratio_delta", 12)]
        rows = [[d, WEEKDAY_LABELS[d.weekday()], a, m, n, m / a - 1 if a else None, n / a - 1 if a else None]
                for d, a, m, n in zip(scored.dates, scored.actual, scored.forecast, scored.naive, strict=True)]
        header = row + 1
        _, last = write_table(ws, header, columns, rows, autofilter=False, freeze=False)
        chart = charts.lines_chart("Backtest: actual, model and seasonal-naive calls per day",
                                   Categories.days(ws, header, last),
                                   [ColumnRange(ws, c, header, last) for c in (3, 4, 5)], y_title="Calls",
                                   y_format="#,##0")
        ws.add_chart(chart, f"I{header}")
        row = max(last, header + CHART_ROWS) + 2
    _label(ws, row, "The forecast week per day")
    columns = [*day_columns, Column("Calls", "count", 12), Column("AHT", "seconds", 12),
               Column("Closed", "text", 12)]
    rows = [[d.day, WEEKDAY_LABELS[d.day.weekday()], d.calls, d.aht_s, d.closed or None] for d in forecast_days(result)]
    _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    row = last + 2
    _interval_matrix(ws, plan, row)
    set_print_layout(ws)
    return ws


def _interval_matrix(ws: Worksheet, plan: _Plan, row: int) -> None:
    """Forecast calls per interval, one column per day, and its chart."""
    result = plan.result.prepared.forecast
    calls = result.calls_on_grid(plan.minutes)
    keep = np.flatnonzero(calls.sum(axis=0) > 0)
    _label(ws, row, f"The forecast week per {plan.minutes}-minute interval: calls offered")
    if keep.size == 0:
        return
    columns = [Column("Time", "time", 8)] + [Column(f"{WEEKDAY_LABELS[d.weekday()]} {d:%d/%m}", "agents", 10)
                                             for d in result.dates]
    rows = [[i * plan.minutes * MINUTE_S / DAY_S, *calls[:, i]] for i in keep]
    header = row + 1
    _, last = write_table(ws, header, columns, rows, autofilter=False, freeze=False)
    per_hour = 60 // plan.minutes
    chart = charts.lines_chart("Forecast calls per interval, by day",
                               Categories(ColumnRange(ws, 1, header, last), "Time", "hh:mm", 2 * per_hour),
                               [ColumnRange(ws, 2 + d, header, last) for d in range(result.days)
                                if calls[d].sum() > 0], y_title="Calls", y_format="0")
    ws.add_chart(chart, f"I{header}")


# --------------------------------------------------------------------------------------------
# Requirement and intervals: one row per active interval of the week
# --------------------------------------------------------------------------------------------


def _interval_cells(plan: _Plan, index: int) -> list[Any]:
    """Date, weekday, time and label of interval `index` of the week (day-major, as `PlanCheck.table`)."""
    day_index, slot = divmod(int(index), DAY_S // (plan.minutes * MINUTE_S))
    day = plan.result.planned.calendar.start_date + timedelta(days=day_index)
    return [day, WEEKDAY_LABELS[day.weekday()], slot * plan.minutes * MINUTE_S / DAY_S, str(plan.table["label"][index])]


INTERVAL_COLUMNS = [Column("Date", "date", 11), Column("Weekday", "text", 9, "center"), Column("Time", "time", 7),
                    Column("Interval", "text", 11)]


def _week_categories(ws: Worksheet, header: int, last: int, plan: _Plan) -> Categories:
    """The interval labels ("Mon 08:00") as a chart's x axis, one label every four hours."""
    return Categories(ColumnRange(ws, 4, header, last), "", None, 4 * 60 // plan.minutes)


def _table_below_chart(ws: Worksheet, top: int, n_columns: int, n_rows: int) -> int:
    """Print the title and the chart, not the long table under them; returns the table's header row.

    The chart is what a manager presents; the table of every interval is for the screen (as the
    run report's Intervals sheet, `wfm.report.excel.leave_out_of_print`).
    """
    header = top + CHART_ROWS + 2
    ws.cell(row=header - 1, column=1, value=(
        f"Not printed: the {n_rows} rows below are for reading and filtering on screen. To print them, select"
        " the table and print the selection, or clear the print area (Page Layout > Print Area).")
    ).font = styles.SUBTITLE_FONT
    ws.print_area = f"A1:{get_column_letter(max(n_columns, 12))}{header - 2}"
    return header


def requirement_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """Forecast calls, Erlang A, the corrected requirement and the planned roster's agents on the floor, charted."""
    table, keep = plan.table, plan.keep
    kept = plan.result.prepared.planned_groups
    ws, top = plan.sheet(
        wb, "Requirement", "Requirement and roster",
        subtitle=("Agents on the floor per interval: Erlang A on the forecast calls, handle time and patience, then"
                  " raised by simulation where the roster missed the target. Scheduled: the agents the planned"
                  " roster puts on the floor (on shift, not on break, after absence), groups not planned"
                  f" included. Planned groups: {', '.join(kept)}. Intervals without calls, requirement or agents"
                  " are left out."),
    )
    columns = [*INTERVAL_COLUMNS, Column("Forecast calls", "number", 10), Column("Erlang A", "integer", 9),
               Column("Requirement", "integer", 11), Column("Scheduled on floor", "agents", 11),
               Column("Scheduled − requirement", "agents_gap", 13)]
    rows = [[*_interval_cells(plan, i), table["forecast"][i], table["erlang"][i], table["requirement"][i],
             table["planned_floor"][i], table["planned_floor"][i] - table["requirement"][i]] for i in keep]
    header = _table_below_chart(ws, top, len(columns), len(rows))
    _, last = write_table(ws, header, columns, rows)
    chart = charts.lines_chart("Requirement against agents scheduled on the floor",
                               _week_categories(ws, header, last, plan),
                               [ColumnRange(ws, c, header, last) for c in (6, 7, 8)], y_title="Agents")
    chart.width = WIDE_CHART_CM  # type: ignore[assignment]  # openpyxl takes cm as a float
    ws.add_chart(chart, f"A{top}")
    set_print_layout(ws, title_rows=f"{header}:{header}")
    return ws


def intervals_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """`PlanCheck.table`: both rosters' simulated service level per interval, its 95% interval and verdict."""
    table, keep, target = plan.table, plan.keep, plan.result.check.target
    ws, top = plan.sheet(
        wb, "Intervals", "Service level per interval",
        subtitle=(f"Simulated service level of each roster per interval: mean over the replications with calls in"
                  f" the interval and its 95% interval. Met: the lower end reaches the target of {target:.0%}."
                  f" {NOT_JUDGED.capitalize()}: calls in fewer than half the replications, too few to judge the"
                  " interval alone. Floor: expected agents on the floor."),
    )
    columns = [*INTERVAL_COLUMNS, Column("Forecast calls", "number", 9), Column("Requirement", "integer", 9),
               Column("SL target", "ratio", 8)]
    for name in ("Planned", "Current"):
        columns += [Column(f"{name}: floor", "agents", 9), Column(f"{name}: SL", "ratio", 9),
                    Column(f"{name}: SL low", "ratio", 9), Column(f"{name}: SL high", "ratio", 9),
                    Column(f"{name}: met", "text", 9, "center")]
    rows = []
    for i in keep:
        row = [*_interval_cells(plan, i), table["forecast"][i], table["requirement"][i], target]
        for name in ("planned", "current"):
            met = ("yes" if table[f"{name}_met"][i] else "no") if table[f"{name}_judged"][i] else NOT_JUDGED
            row += [table[f"{name}_floor"][i], table[f"{name}_sl"][i], table[f"{name}_sl_low"][i],
                    table[f"{name}_sl_high"][i], met]
        rows.append(row)
    header = _table_below_chart(ws, top, len(columns), len(rows))
    first, last = write_table(ws, header, columns, rows)
    for sl_col, met_col in (("I", "M"), ("N", "R")):
        ws.conditional_formatting.add(f"{sl_col}{first}:{sl_col}{last}",
                                      _when("lessThan", repr(float(target)), styles.BAD_FONT))
        _verdicts(ws, f"{met_col}{first}:{met_col}{last}")
    chart = charts.lines_chart("Simulated service level per interval", _week_categories(ws, header, last, plan),
                               [ColumnRange(ws, c, header, last) for c in (9, 14, 7)], y_title="Service level",
                               y_format="0%")
    chart.y_axis.scaling.max = 1.0
    chart.width = WIDE_CHART_CM  # type: ignore[assignment]
    ws.add_chart(chart, f"A{top}")
    set_print_layout(ws, title_rows=f"{header}:{header}", title_cols="A:D")
    return ws


# --------------------------------------------------------------------------------------------
# Roster
# --------------------------------------------------------------------------------------------


def roster_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """The templates chosen, each group's limits, and over- and under-coverage per weekday and interval."""
    schedule = plan.result.schedule
    problem = schedule.problem
    solved = "optimal" if schedule.optimal else f"best found, gap {schedule.gap:.2%} to the bound"
    ws, top = plan.sheet(
        wb, "Roster", "Roster",
        subtitle=("The shift templates the scheduler staffed (an integer program on HiGHS: every interval covered"
                  " at the lowest weekly cost, breaks placed by the rules of each template). Breaks: each group of"
                  " agents with the same break times, as times of day. Coverage counts expected agents (absence"
                  " taken off) against the planned groups' part of the requirement; a day closed for a holiday shows"
                  " the shifts of its weekday as rostered, though nobody works them. Costs are nominal: every"
                  " rostered shift worked (the simulated cost on the Summary counts absence and closed days)."),
        facts=[("Weekly cost", f"{format_money(schedule.cost, plan.currency, 0)} nominal"), ("Solution", solved),
               ("Templates", f"{len(problem.templates)} offered"), ("Solve time", f"{schedule.seconds:.1f} s")],
    )
    row = top
    _label(ws, row, "Groups")
    columns = [Column("Group", "text", 14), Column("Agents", "integer", 9, "center"),
               Column("Part-time share", "ratio", 9), Column("Min headcount", "integer", 9, "center"),
               Column("Max headcount", "integer", 9, "center"), Column("Max part-time", "ratio", 9),
               Column("Weekly cost", "money", 12)]
    rows = [[g.name, schedule.headcount(g.name), schedule.part_time_share(g.name), g.min_headcount,
             g.max_headcount, g.max_part_time_share,
             sum(n * problem.cost_of(t) for n, t in zip(schedule.agents, problem.templates, strict=True)
                 if t.group == g.name)] for g in problem.groups]
    _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False, currency=plan.currency)
    row = last + 2
    _label(ws, row, "Shifts chosen")
    columns = [Column("Group", "text", 14), Column("Shift", "text", 9), Column("Start", "text", 9, "center"),
               Column("Length", "text", 9, "center"), Column("Days", "text", 9, "center"),
               Column("Part-time", "text", 9, "center"), Column("Agents", "integer", 12, "center"),
               Column("Cost per agent", "money", 12), Column("Cost", "money", 12), Column("Breaks", "text", 60)]
    rows = [[r.group, r.name, r.start, r.length, r.days, "yes" if r.part_time else "no", r.headcount,
             r.cost_per_agent, r.cost, r.breaks] for r in shift_rows(schedule)]
    _, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False, currency=plan.currency)
    ws.column_dimensions["B"].width = 30  # the template's name, "Inbound 08:00 8h30 mon-fri"
    row = last + 2
    _label(ws, row, "Coverage per weekday (agent-hours on the floor)")
    columns = [Column("Weekday", "text", 14), Column("Required", "number", 9), Column("Covered", "number", 9),
               Column("Over", "number", 9), Column("Under", "number", 9)]
    rows = [[WEEKDAY_LABELS[WEEKDAYS.index(c.weekday)], c.required, c.covered, c.over, c.under]
            for c in coverage_by_weekday(schedule)]
    header = row + 1
    _, last = write_table(ws, header, columns, rows, autofilter=False, freeze=False)
    chart = charts.clustered_bars("Agent-hours required and covered per weekday",
                                  Categories(ColumnRange(ws, 1, header, last), ""),
                                  [ColumnRange(ws, 2, header, last), ColumnRange(ws, 3, header, last)],
                                  y_title="Agent-hours", y_format="#,##0")
    ws.add_chart(chart, f"G{header}")
    row = max(last, header + CHART_ROWS) + 2
    _coverage_matrix(ws, plan, row)
    set_print_layout(ws)
    return ws


def _coverage_matrix(ws: Worksheet, plan: _Plan, row: int) -> None:
    """Coverage minus requirement per interval, one column per weekday, shaded by how far above it is."""
    schedule = plan.result.schedule
    minutes = schedule.problem.interval_minutes
    gap = schedule.coverage - schedule.problem.requirement
    keep = np.flatnonzero((schedule.coverage > 1e-9).any(axis=0) | (schedule.problem.requirement > 0).any(axis=0))
    _label(ws, row, f"Over (+) and under (−) coverage per {minutes}-minute interval: agents on the floor minus the"
                    " requirement")
    if keep.size == 0:
        return
    columns = [Column("Time", "time", 14)] + [Column(label, "agents_gap", 9) for label in WEEKDAY_LABELS]
    rows = [[i * minutes * MINUTE_S / DAY_S, *gap[:, i]] for i in keep]
    first, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    shades = ColorScale(cfvo=[FormatObject("num", 0), FormatObject("max")], color=[Color("FFFFFF"), Color("F4B183")])
    ws.conditional_formatting.add(f"B{first}:H{last}", Rule(type="colorScale", colorScale=shades))


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def inputs_sheet(wb: Workbook, plan: _Plan) -> Worksheet:
    """The history file, the planner's settings and the scenarios, so the plan can be run again."""
    result, prepared = plan.result, plan.result.prepared
    history, settings, forecast = prepared.history, prepared.settings, prepared.forecast
    summary = result.check.planned.summary
    ws, top = plan.sheet(wb, "Inputs", "Inputs",
                         subtitle="What the plan was made from: run `wfm plan` with these to make it again.")
    changes = ", ".join(f"{d.isoformat()} ({kind})" for d, kind in history.clock_changes) or "none"
    excluded = "; ".join(f"{d.isoformat()}: {why}" for d, why in forecast.excluded) or "none"
    closed = "; ".join(f"{d.isoformat()}: {name}" for d, name in forecast.closed) or "none"
    days_with_calls = int((history.daily_offered > 0).sum())
    entries: list[tuple[str, str, Any]] = [
        ("History", "File", plan.history_file or history.source),
        ("History", "Time zone", history.timezone),
        ("History", "Interval", f"{history.interval_minutes} minutes"),
        ("History", "First day", history.start_date),
        ("History", "Last day", history.dates[-1]),
        ("History", "Days", history.days),
        ("History", "Days with calls", days_with_calls),
        ("History", "Rows read", int(history.rows.sum())),
        ("History", "Calls offered", float(history.daily_offered.sum())),
        ("History", "Columns", ", ".join(sorted(history.columns)) or "offered only"),
        ("History", "Clock changes", changes),
        ("Forecast", "Days left out of the model", excluded),
        ("Forecast", "Closed in the planned week", closed),
        ("Scenario", "File", plan.scenario_file or "the built-in baseline"),
        ("Scenario", "Name", result.planned.name),
        ("Scenario", "Planned scenario hash", result.planned.content_hash()),
        ("Simulation", "Replications", summary.replications),
        ("Simulation", "Seed", summary.seed),
        ("Settings", "Target", prepared.target),
        ("Settings", "First planned day", forecast.start_date),
        ("Settings", "Holidays", settings.country + (f"-{settings.subdiv}" if settings.subdiv else "")),
        ("Settings", "Backtest weeks", settings.backtest_weeks),
        ("Settings", "Groups planned", ", ".join(prepared.planned_groups)),
        ("Settings", "Limits", _limits_text(plan)),
        ("Settings", "Budget", "none" if settings.budget is None else settings.budget),
        ("Settings", "Shift lengths offered", ", ".join(f"{m // 60}h{m % 60:02d}" for m in settings.lengths_min)),
        ("Settings", "Shift starts every", f"{settings.step_min} minutes"),
        ("Settings", "Correction rounds (at most)", settings.max_rounds),
        ("Settings", "Most agents added to Erlang A", settings.max_raise),
        ("Settings", "Scheduler time limit", f"{settings.time_limit_s:g} s per solve"),
        ("Settings", "Current shifts re-staffed", "yes" if settings.compare_current_shifts else "no"),
    ]
    columns = [Column("Section", "text", 14), Column("Item", "text", 28), Column("Value", "general", 90)]
    first, _ = write_table(ws, top, columns, [list(e) for e in entries], autofilter=False)
    for offset, (_, item, value) in enumerate(entries):
        cell = ws.cell(row=first + offset, column=3)
        if item in ("First day", "Last day", "First planned day"):
            cell.number_format = styles.FORMATS["date"]
        elif item == "Target":
            cell.number_format = styles.FORMATS["ratio"]
        elif item == "Budget" and not isinstance(value, str):
            cell.number_format = plan.money()
        elif item == "Calls offered":
            cell.number_format = styles.FORMATS["count"]
        cell.alignment = Alignment(horizontal="left")
    set_print_layout(ws, landscape=False)
    return ws


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------


def planning_workbook(result: PlanResult, *, history_file: str | os.PathLike[str] | None = None,
                      scenario_file: str | os.PathLike[str] | None = None,
                      generated: datetime | None = None) -> Workbook:
    """The planning workbook in memory (sheets in `PLAN_SHEETS` order, opening on the Summary)."""
    generated = (generated or datetime.now()).replace(microsecond=0)
    plan = _Plan(result, generated, None if history_file is None else str(history_file),
                 None if scenario_file is None else str(scenario_file))
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for build in (summary_sheet, forecast_sheet, requirement_sheet, roster_sheet, intervals_sheet, inputs_sheet):
        build(wb, plan)
    wb.active = 0
    wb.properties.title = f"wfm staffing plan — {result.planned.name}"
    wb.properties.creator = f"wfm {__version__}"
    return wb


def write_plan_report(path: str | os.PathLike[str], result: PlanResult, *,
                      history_file: str | os.PathLike[str] | None = None,
                      scenario_file: str | os.PathLike[str] | None = None, overwrite: bool = False) -> Path:
    """Write `planning_workbook` safely (`wfm.report.target.save_workbook`); returns the path.

    Raises:
        ReportError: the file exists and `overwrite` is False, or it cannot be written (open in
            Excel, read-only folder); the message names the file and the fix, and an earlier file
            is left intact.
    """
    return save_workbook(path, lambda: planning_workbook(result, history_file=history_file,
                                                         scenario_file=scenario_file), overwrite=overwrite)
