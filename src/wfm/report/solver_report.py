"""The workbooks of the solvers: they open on the answer, its search table and a chart of the search.

`wfm solve staffing -o` and `wfm solve pacing -o` used to write the plain run report of the
answer, without the answer itself (issue 15, item 17). Each workbook now starts with an
"Answer" sheet: the answer in one line, how it was checked, every candidate the search
simulated and a chart of the search; the usual sheets of the answer's fresh-seed runs follow
(staffing: the answer and one agent fewer side by side; pacing: the best setting).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from wfm import __version__
from wfm.experiment import Estimate, Summary
from wfm.kpi import KPI_BY_KEY
from wfm.report import charts, styles
from wfm.report.charts import ColumnRange
from wfm.report.excel import build_workbook
from wfm.report.styles import Column, set_print_layout, write_table, write_title
from wfm.report.target import save_workbook
from wfm.scenario import Scenario
from wfm.solvers import Optimum, StaffingSolution
from wfm.sweep import vary
from wfm.views.common import kpi_interval

ANSWER_SHEET = "Answer"
ANSWER_FONT = Font(bold=True, size=14, color="1F3864")
_TEMPLATE_PATH = re.compile(r"groups\[(\d+)\]\.shifts\[(\d+)\]\.headcount")


def _answer_lines(ws: Worksheet, row: int, answer: str, checks: Sequence[tuple[str, bool | None]]) -> int:
    """The answer in large type, then one line per check coloured by its verdict; returns the next free row."""
    ws.cell(row=row, column=1, value=answer).font = ANSWER_FONT
    ws.row_dimensions[row].height = 22
    for i, (text, good) in enumerate(checks, start=1):
        cell = ws.cell(row=row + i, column=1, value=text)
        if good is not None:
            cell.font = styles.GOOD_FONT if good else styles.BAD_FONT
    return row + len(checks) + 2


def _verdict_cell(ws: Worksheet, row: int, col: int, good: bool) -> None:
    cell = ws.cell(row=row, column=col)
    cell.fill, cell.font = (styles.GOOD_FILL, styles.GOOD_FONT) if good else (styles.BAD_FILL, styles.BAD_FONT)
    cell.alignment = Alignment(horizontal="center")


def _finish(wb: Workbook, ws: Worksheet) -> Workbook:
    """Put the answer sheet first and open the workbook on it."""
    wb.move_sheet(ws, offset=-wb.index(ws))
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    wb.active = 0
    return wb


def _workbook_of(summaries: Sequence[Summary], scenarios: Sequence[Scenario], title: str) -> Workbook:
    """The usual report of the answer's runs, or an empty workbook when there are none."""
    if summaries:
        wb = build_workbook(summaries, scenarios)
    else:
        wb = Workbook()
        wb.remove(wb.worksheets[0])
    wb.properties.title = title
    wb.properties.creator = f"wfm {__version__}"
    return wb


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _ci(key: str, estimate: Estimate) -> str:
    """A rate KPI with its 95% interval, within the KPI's possible range."""
    if not math.isfinite(estimate.half_width):
        return _percent(estimate.mean)
    low, high = kpi_interval(key, estimate)
    return f"{_percent(estimate.mean)} (95% CI {_percent(low)} – {_percent(high)})"


# --------------------------------------------------------------------------------------------
# Staffing
# --------------------------------------------------------------------------------------------


def template_label(scenario: Scenario, path: str) -> str:
    """'Group/Shift' of a solved headcount path, or the path itself when it names no template."""
    found = _TEMPLATE_PATH.fullmatch(path)
    if found is None:
        return path
    group = scenario.groups[int(found.group(1))]
    return f"{group.name}/{group.shifts[int(found.group(2))].name}"


def _staffing_check(label: str, summary: Summary, verdict: str, good: bool | None) -> tuple[str, bool | None]:
    sl, ab = summary.kpis["service_level"], summary.kpis["abandon_rate"]
    rates = f"service level {_ci('service_level', sl)}, abandon rate {_ci('abandon_rate', ab)}"
    return f"{label}: {rates} — {verdict}", good


def staffing_scenarios(solution: StaffingSolution, scenario: Scenario) -> list[Scenario]:
    """The answer's scenario and, when checked, the one-fewer scenario, named for what they are."""
    where = template_label(scenario, solution.path)
    named = [solution.scenario.model_copy(update={"name": f"Answer: {solution.headcount} on {where}"})]
    if solution.verification_below is not None:
        fewer = solution.headcount - 1
        named.append(vary(scenario, {solution.path: fewer}, name=f"One fewer: {fewer} on {where}"))
    return named


def staffing_answer_sheet(wb: Workbook, solution: StaffingSolution, scenario: Scenario,
                          generated: datetime) -> Worksheet:
    """The staffing answer, its fresh-seed checks, every simulated headcount and a chart of the search."""
    ws = wb.create_sheet(ANSWER_SHEET)
    target = solution.target
    where = template_label(scenario, solution.path)
    threshold = scenario.inbound.service_level.threshold_s
    goal = f"service level ≥ {_percent(target.service_level)} (answered within {threshold:g} s)"
    if target.max_abandon is not None:
        goal += f", abandon rate ≤ {_percent(target.max_abandon)}"
    evaluated = solution.evaluated
    reps, seed = solution.verification.replications, solution.verification.seed
    top = write_title(
        ws, f"Staffing answer — {scenario.name}",
        [("Scenario", scenario.name), ("Generated", generated), ("Shift template", f"{where} ({solution.path})"),
         ("Target", goal), ("Erlang A start", solution.analytic_start),
         ("Fresh-seed check", f"{reps} replication(s), seed {seed}")],
        subtitle=("The fewest agents on the shift template whose simulated mean KPIs meet the target. Every"
                  " candidate ran on the same seed (common random numbers), starting from the Erlang A estimate;"
                  " the answer and one agent fewer were then run again on fresh seeds."),
        per_row=1,
    )
    now = _template_headcount(scenario, solution.path)
    checks = [_staffing_check(f"Fresh-seed check, {solution.headcount} agent(s)", solution.verification,
                              "meets the target" if solution.verified else "misses the target", solution.verified)]
    if solution.verification_below is not None:
        clear, misses = solution.below_clearly_misses, solution.below_misses
        verdict = ("misses the target beyond its CI" if clear else "misses the target" if misses
                   else "also meets the target on fresh seeds; add replications to tell them apart")
        checks.append(_staffing_check(f"Fresh-seed check, {solution.headcount - 1} agent(s)",
                                      solution.verification_below, verdict, bool(misses)))
    row = _answer_lines(ws, top, f"Answer: {solution.headcount} agent(s) on {where}"
                        + (f" (the scenario has {now})" if now is not None else ""), checks)
    ws.cell(row=row, column=1, value="Search: every simulated headcount (means over the search's replications)"
            ).font = styles.LABEL_FONT
    columns = [Column("Headcount", "integer", 12, "center"), Column("Service level", "ratio", 14),
               Column("SL target", "ratio", 12), Column("Abandon rate", "ratio", 14),
               Column("Meets target", "text", 14, "center"), Column("", "text", 12)]
    rows = [[p.headcount, p.service_level, target.service_level, p.abandon_rate, "yes" if p.meets else "no",
             "← answer" if p.headcount == solution.headcount else None] for p in evaluated]
    first, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    for i, point in enumerate(evaluated):
        _verdict_cell(ws, first + i, 5, point.meets)
        if point.headcount == solution.headcount:
            for col in (1, 2, 3, 4, 6):
                ws.cell(row=first + i, column=col).fill = styles.HIGHLIGHT_FILL
            ws.cell(row=first + i, column=6).font = Font(bold=True)
    if evaluated:
        chart = charts.lines_chart(
            "Service level by headcount (search)",
            charts.Categories(ColumnRange(ws, 1, row + 1, last), "Agents on the template"),
            [ColumnRange(ws, 2, row + 1, last), ColumnRange(ws, 3, row + 1, last)],
            y_title="Service level", y_format="0%",
        )
        ws.add_chart(chart, f"H{row + 1}")
    ws.column_dimensions["A"].width = 22
    set_print_layout(ws)
    return ws


def _template_headcount(scenario: Scenario, path: str) -> int | None:
    found = _TEMPLATE_PATH.fullmatch(path)
    if found is None:
        return None
    return scenario.groups[int(found.group(1))].shifts[int(found.group(2))].headcount


def staffing_workbook(solution: StaffingSolution, scenario: Scenario, generated: datetime | None = None
                      ) -> Workbook:
    """The staffing solver's workbook: the Answer sheet, then the report of the answer against one agent fewer."""
    generated = (generated or datetime.now()).replace(microsecond=0)
    summaries = [solution.verification] + ([solution.verification_below] if solution.verification_below else [])
    wb = _workbook_of(summaries, staffing_scenarios(solution, scenario), f"wfm staffing answer — {scenario.name}")
    return _finish(wb, staffing_answer_sheet(wb, solution, scenario, generated))


def write_staffing_report(path: str | os.PathLike[str], solution: StaffingSolution, scenario: Scenario, *,
                          overwrite: bool = False) -> Path:
    """Write `staffing_workbook` safely (`wfm.report.target.save_workbook`); returns the path."""
    return save_workbook(path, lambda: staffing_workbook(solution, scenario), overwrite=overwrite)


# --------------------------------------------------------------------------------------------
# Pacing
# --------------------------------------------------------------------------------------------


def best_scenario(optimum: Optimum, scenario: Scenario) -> Scenario | None:
    """The scenario at the best setting, named for it; None when no setting keeps under the cap."""
    if optimum.best_value is None:
        return None
    return vary(scenario, {optimum.path: optimum.best_value}, name=f"Best: {optimum.path} = {optimum.best_value}")


def _judged(optimum: Optimum) -> str:
    return "95% CI upper end" if optimum.cap.conservative else "mean"


def pacing_answer_sheet(wb: Workbook, optimum: Optimum, scenario: Scenario, generated: datetime) -> Worksheet:
    """The best dialer setting, every setting tried with its CIs, and a chart of objective and drop rate."""
    ws = wb.create_sheet(ANSWER_SHEET)
    objective, capped = KPI_BY_KEY[optimum.objective], KPI_BY_KEY[optimum.cap.key]
    cap, judged = optimum.cap.at_most, _judged(optimum)
    result = optimum.sweep
    top = write_title(
        ws, f"Pacing answer — {scenario.name}",
        [("Scenario", scenario.name), ("Generated", generated), ("Lever", optimum.path),
         ("Objective", f"most {objective.label}"), ("Cap", f"{capped.label} ({judged}) ≤ {_percent(cap)}"),
         ("Search", f"{len(result.rows)} setting(s), {result.replications} replication(s) each, seed {result.seed}")],
        subtitle=(f"The setting of {optimum.path} with most {objective.label} whose {capped.label.lower()} ({judged})"
                  f" stays at or under the cap. Every setting ran on the same seed (common random numbers), so"
                  " neighbouring settings differ by the lever, not by chance."),
        per_row=1,
    )
    if optimum.best_value is None or optimum.best is None:
        answer = f"No setting keeps the {capped.label.lower()} ({judged}) under {_percent(cap)}"
        checks: list[tuple[str, bool | None]] = [("Try gentler settings of the lever, or more replications.", None)]
    else:
        best = optimum.best
        answer = f"Best: {optimum.path} = {optimum.best_value}"
        checks = [
            (f"{objective.label}: {best.kpis[optimum.objective].mean:.2f} (95% CI "
             f"{best.kpis[optimum.objective].low:.2f} – {best.kpis[optimum.objective].high:.2f})", None),
            (f"{capped.label}: {_ci(optimum.cap.key, best.kpis[optimum.cap.key])}"
             f" — under the cap of {_percent(cap)}", True),
        ]
    row = _answer_lines(ws, top, answer, checks)
    ws.cell(row=row, column=1, value="Search: every setting tried (means and 95% CIs over replications)"
            ).font = styles.LABEL_FONT
    lever_unit = "ratio" if optimum.path.endswith("drop_rate") else "number"
    columns = [Column(optimum.path.rsplit(".", 1)[-1], lever_unit, 18, "center"),
               Column(objective.label, "number", 13), Column("CI low", "number", 10), Column("CI high", "number", 10),
               Column(capped.label, "ratio", 12), Column("CI low", "ratio", 10), Column("CI high", "ratio", 10),
               Column(f"Cap ({judged})", "ratio", 12), Column("Within cap", "text", 11, "center"),
               Column("", "text", 10)]
    rows = []
    for k, point in enumerate(result.rows):
        obj, drop = point.kpis[optimum.objective], point.kpis[optimum.cap.key]
        rows.append([point.values[optimum.path], obj.mean, *kpi_interval(optimum.objective, obj),
                     drop.mean, *kpi_interval(optimum.cap.key, drop), cap,
                     "yes" if optimum.allowed[k] else "no",
                     "← best" if point.values[optimum.path] == optimum.best_value else None])
    first, last = write_table(ws, row + 1, columns, rows, autofilter=False, freeze=False)
    for k, point in enumerate(result.rows):
        _verdict_cell(ws, first + k, 9, optimum.allowed[k])
        if point.values[optimum.path] == optimum.best_value:
            for col in (1, 2, 3, 4, 5, 6, 7, 8, 10):
                ws.cell(row=first + k, column=col).fill = styles.HIGHLIGHT_FILL
            ws.cell(row=first + k, column=10).font = Font(bold=True)
    header = row + 1
    chart = charts.volume_and_rate_chart(
        f"{objective.label} and {capped.label.lower()} by setting",
        charts.Categories(ColumnRange(ws, 1, header, last), optimum.path.rsplit(".", 1)[-1],
                          "0.0%" if lever_unit == "ratio" else "0.00"),
        [ColumnRange(ws, 2, header, last)], [ColumnRange(ws, 5, header, last), ColumnRange(ws, 8, header, last)],
        bar_title=objective.label, line_title=capped.label, line_format="0.0%", line_max=None,
    )
    ws.add_chart(chart, f"A{last + 3}")
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 22)
    set_print_layout(ws)
    return ws


def pacing_workbook(optimum: Optimum, scenario: Scenario, generated: datetime | None = None) -> Workbook:
    """The pacing solver's workbook: the Answer sheet, then the report of the best setting (when there is one)."""
    generated = (generated or datetime.now()).replace(microsecond=0)
    best = best_scenario(optimum, scenario)
    summaries = [optimum.best] if optimum.best is not None and best is not None else []
    wb = _workbook_of(summaries, [best] if best is not None else [], f"wfm pacing answer — {scenario.name}")
    return _finish(wb, pacing_answer_sheet(wb, optimum, scenario, generated))


def write_pacing_report(path: str | os.PathLike[str], optimum: Optimum, scenario: Scenario, *,
                        overwrite: bool = False) -> Path:
    """Write `pacing_workbook` safely (`wfm.report.target.save_workbook`); returns the path."""
    return save_workbook(path, lambda: pacing_workbook(optimum, scenario), overwrite=overwrite)
