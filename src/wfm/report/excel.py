"""The Excel workbook a manager presents: KPIs with confidence intervals, tables and native charts.

Fed only by the `Summary`, the tables `wfm.views` derives from it and the `Scenario`, never by
widgets, so the CLI and the GUI write identical workbooks and the GUI's plots show the same
numbers. Each sheet is one function of the data; a sheet whose data does not exist is not
written (no empty placeholders): no inbound sheets without inbound, no Dialer, Portfolio or
Compliance sheet without outbound. The sheets of the campaign live in `outbound_sheets`, those
of the people and the money in `people_sheets`; a new sheet is one more function listed in
`SCENARIO_SHEETS`.

Writing is safe: the workbook goes to a temporary file next to the target and replaces it
with `os.replace` only once complete, so a failure (file open in Excel, read-only folder)
leaves an earlier report intact and raises a `ReportError` that names the file and the fix.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from wfm import __version__
from wfm.experiment import Summary
from wfm.kpi import KPI_BY_KEY, format_kpi
from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.report.data import scenario_inputs
from wfm.report.outbound_sheets import compliance_sheet, dialer_sheet, portfolio_sheet
from wfm.report.people_sheets import costs_sheet, workforce_sheet
from wfm.report.scenario_report import (
    CHART_ROWS,
    HEADLINE_KEYS,
    WEEKDAY_LABELS,
    ScenarioReport,
    features_off_text,
    shown_kpis,
)
from wfm.report.scenario_report import chart_anchors as _chart_anchors
from wfm.report.scenario_report import label as _label
from wfm.report.strategy_sheet import strategy_sheet
from wfm.report.styles import (
    BAD_FILL,
    BAD_FONT,
    GOOD_FILL,
    GOOD_FONT,
    HIGHLIGHT_FILL,
    LABEL_FONT,
    PAGE_WIDTH_CHARS,
    SUBTITLE_FONT,
    Column,
    Styled,
    delta_unit,
    mean_unit,
    set_print_layout,
    unit_of,
    write_table,
    write_title,
)
from wfm.report.target import save_workbook
from wfm.scenario import Scenario
from wfm.scenario.units import DAY_S
from wfm.views.common import interval_caveat, kpi_interval
from wfm.views.comparison import Delta, delta
from wfm.views.profile import interval_table, intraday_profile
from wfm.views.targets import Status, Target, kpi_targets

REQUIRED_HEADER = "Erlang A required agents"
INBOUND_AGENTS = "inbound_agents"  # interval column added to the summary's: agents of groups taking inbound
INBOUND_AGENTS_LABEL = "Inbound agents available"
FORECAST_HEADER = "Calls forecast"


def _sl_note(scenario: Scenario) -> str:
    sl = scenario.inbound.service_level
    short = (
        f"abandons within {sl.short_abandon_s:g} s are left out of SL and abandon rate"
        if sl.exclude_short_abandons else "short abandons are counted"
    )
    return (f"Service level = answered within {sl.threshold_s:g} s / offered; {short}. "
            "95% t-interval over replications, clipped to the KPI's possible range.")


# --------------------------------------------------------------------------------------------
# Per-scenario sheets
# --------------------------------------------------------------------------------------------


def _has_values(values: np.ndarray) -> bool:
    """Whether a column has any value to show (a column of NaN would print as an empty column)."""
    return bool(np.isfinite(np.asarray(values, dtype=float)).any())


def _left_out(rep: ScenarioReport) -> str:
    """The sentence saying which workforce features are off, so their zero KPIs are not shown."""
    off = features_off_text([rep.scenario])
    return f" Workforce features off in this scenario ({off}): their KPIs are left out." if off else ""


def daily_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """One row per simulated day: every daily KPI, mean over replications."""
    daily = rep.summary.daily
    if not daily or len(daily.get("day", ())) == 0:
        return None
    ws, top = rep.open_sheet(
        wb, "Daily", "Daily KPIs",
        subtitle="Each value is the mean over replications of that day's KPI." + _left_out(rep))
    keys = [k for k in shown_kpis([k for k in daily if k not in ("day", "date")], [rep.scenario])
            if _has_values(daily[k])]
    columns = [Column("Date", "date", 12), Column("Weekday", "text", 10, "center")]
    columns += [Column(_label(k), unit_of(k), 13) for k in keys]
    dates = [date.fromisoformat(str(d)) for d in daily["date"]]
    rows = [[d, WEEKDAY_LABELS[d.weekday()], *(daily[k][i] for k in keys)] for i, d in enumerate(dates)]
    first, last = write_table(ws, top, columns, rows, currency=rep.currency)
    for j, key in enumerate(keys):
        rep.ranges[f"daily.{key}"] = ColumnRange(ws, 3 + j, top, last)
    rep.ranges["daily.date"] = ColumnRange(ws, 1, top, last)
    set_print_layout(ws, title_rows=f"{top}:{top}", title_cols="A:B")
    return ws


def _required_note(rep: ScenarioReport) -> str:
    """How the requirement is sized, for the sheets that show it."""
    formula = "Erlang C" if rep.scenario.inbound.patience.distribution == "none" else "Erlang A"
    return (f"Required agents: {formula} for the SL target on the forecast calls of the interval, with the"
            " scenario's mean handle time and patience (a 100% target is sized as 1 − 1e-9).")


def intervals_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """Every reporting interval in which the center worked, with the staffing requirement (`wfm.views.profile`).

    Written only when the scenario has inbound traffic: without it there is no profile to show.
    """
    summary, scenario = rep.summary, rep.scenario
    if not scenario.inbound.enabled or len(summary.intervals.get("interval", ())) == 0:
        return None
    view = interval_table(summary, scenario)
    table = view.columns
    keep = np.flatnonzero(view.open)
    ws, top = rep.open_sheet(
        wb, "Intervals", "Inbound by interval",
        subtitle=(f"{scenario.calendar.interval_minutes}-minute intervals with calls forecast or offered or agents"
                  " available (closed intervals left out); mean over replications. " + _required_note(rep)
                  + " KPIs without a value in any interval (kept rate, recovery: they are counted by day) are"
                  " left out." + _left_out(rep)),
    )
    labels = ("interval", "start_s", INBOUND_AGENTS, "forecast")
    keys = [k for k in shown_kpis([k for k in table if k not in labels], [scenario]) if _has_values(table[k][keep])]
    keys.insert(keys.index("agents_available") + 1 if "agents_available" in keys else len(keys), INBOUND_AGENTS)
    columns = [Column("Date", "date", 12), Column("Weekday", "text", 10, "center"), Column("Time", "time", 8)]
    columns += [Column(_column_label(k), "agents" if k == INBOUND_AGENTS else unit_of(k), 13) for k in keys]
    columns += [Column(FORECAST_HEADER, "number", 11), Column(REQUIRED_HEADER, "agents", 16)]
    start = scenario.calendar.start_date
    rows = []
    for idx in keep:
        start_s = int(table["start_s"][idx])
        day = start + timedelta(days=start_s // DAY_S)
        rows.append([day, WEEKDAY_LABELS[day.weekday()], (start_s % DAY_S) / DAY_S,
                     *(table[k][idx] for k in keys), table["forecast"][idx], view.required[idx]])
    write_table(ws, top, columns, rows, currency=rep.currency)
    set_print_layout(ws, title_rows=f"{top}:{top}", title_cols="A:C")
    leave_out_of_print(ws, top, len(columns), len(rows))
    return ws


def leave_out_of_print(ws: Worksheet, top: int, n_columns: int, n_rows: int) -> None:
    """Print only the sheet's title block and a note: the table under it is for the screen.

    A manager prints the summary pages; printing every interval made a 5-day report 26 pages
    and a 91-day comparison 400 (issue 15, item 20). The print area stops above the table,
    and the note says how to print it anyway.
    """
    note = ws.cell(row=top - 1, column=1, value=(
        f"Not printed: the {n_rows} rows below are for reading and filtering on screen. To print them, select"
        " the table and print the selection, or clear the print area (Page Layout > Print Area)."))
    note.font = SUBTITLE_FONT
    ws.print_area = f"A1:{get_column_letter(max(n_columns, 1))}{top - 1}"


def profile_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """The typical day (`wfm.views.profile.intraday_profile`) against the staffing requirement.

    A multi-day horizon has hundreds of intervals; a chart of all of them is unreadable, so the
    report charts this averaged day instead (the Intervals sheet keeps every interval). Only the
    agents of groups that take inbound calls are set against the requirement: an outbound team
    never answers the queue, and counting it would hide understaffing.
    """
    summary, scenario = rep.summary, rep.scenario
    if not scenario.inbound.enabled or len(summary.intervals.get("interval", ())) == 0:
        return None
    profile = intraday_profile(summary, scenario)
    keep = np.flatnonzero(profile.open_days > 0)
    if keep.size == 0:
        return None
    ws, top = rep.open_sheet(
        wb, "Profile", "Intraday profile",
        subtitle=("Each interval averaged over the simulated days open in it: volumes and agents are the mean"
                  " of those days, service level and ASA the ratio of their sums (answered in time / offered),"
                  " then the mean over replications. Inbound agents: agents of the groups that take inbound"
                  " calls (inbound and blended), available or busy. " + _required_note(rep)),
    )
    sl_target = scenario.inbound.service_level.target
    series = {"offered": profile.offered, "answered": profile.answered, "service_level": profile.service_level,
              "asa": profile.asa, "agents_available": profile.agents, INBOUND_AGENTS: profile.inbound_agents}
    spec: list[tuple[str, Column, np.ndarray]] = [
        ("time", Column("Time", "time", 8), profile.start_s[keep] / DAY_S),
        ("open_days", Column("Days averaged", "integer", 9), profile.open_days[keep]),
    ]
    spec += [(key, Column(_column_label(key), "agents" if key == INBOUND_AGENTS else unit_of(key), 12),
              band.mean[keep]) for key, band in series.items()]
    spec += [
        ("sl_target", Column("SL target", "ratio", 10), np.full(keep.size, sl_target)),
        ("forecast", Column(FORECAST_HEADER, "number", 11), profile.forecast[keep]),
        ("required", Column(REQUIRED_HEADER, "agents", 16), profile.required[keep]),
        ("gap", Column(f"{INBOUND_AGENTS_LABEL} − required", "agents_gap", 17),
         profile.inbound_agents.mean[keep] - profile.required[keep]),
    ]
    rows = [[values[i] for _, _, values in spec] for i in range(keep.size)]
    first, last = write_table(ws, top, [c for _, c, _ in spec], rows, currency=rep.currency)
    for j, (key, _, _) in enumerate(spec):
        rep.ranges[f"profile.{key}"] = ColumnRange(ws, 1 + j, top, last)
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws


def _column_label(key: str) -> str:
    return INBOUND_AGENTS_LABEL if key == INBOUND_AGENTS else _label(key)


_STATUS_LOOK = {"met": (GOOD_FILL, GOOD_FONT), "at risk": (HIGHLIGHT_FILL, LABEL_FONT), "missed": (BAD_FILL, BAD_FONT)}
_STATUS_TEXT = {"met": "met", "at risk": "at risk (target inside CI)", "missed": "missed"}


def _status_cell(ws: Worksheet, row: int, col: int, status: Status | None) -> None:
    """The KPI's red/amber/green status against its target, as the GUI shows it (`wfm.views.targets`)."""
    if status is None:
        return
    cell = ws.cell(row=row, column=col, value=_STATUS_TEXT[status])
    cell.fill, cell.font = _STATUS_LOOK[status]
    cell.alignment = Alignment(horizontal="center")


def _target_cell(goal: Target | None, key: str, unit: str, currency: str) -> Styled | None:
    """A one-sided target as its number; a band (occupancy) as "low – high" text."""
    if goal is None:
        return None
    if goal.low is not None and goal.high is not None:
        definition = KPI_BY_KEY[key]
        return Styled(f"{format_kpi(goal.low, definition, currency)} – {format_kpi(goal.high, definition, currency)}",
                      "text")
    return Styled(goal.low if goal.low is not None else goal.high, unit)


DEFINITION_CHARS_PER_LINE = 64  # characters of a definition that fit one line of its 62-wide column
KPI_COLUMNS = (
    Column("KPI", "text", 28), Column("Mean", "number", 12), Column("95% CI low", "number", 12),
    Column("95% CI high", "number", 12), Column("Target", "number", 11), Column("Status", "text", 24),
    Column("Definition", "text", 62),
)


def _kpi_table(ws: Worksheet, rep: ScenarioReport, top: int, keys: Sequence[str], *, freeze: bool = False
               ) -> tuple[int, int]:
    """One KPI per row with its mean, clipped CI, target, status and definition; returns its rows."""
    summary, goals = rep.summary, kpi_targets(rep.scenario)
    definitions = [KPI_BY_KEY[key].definition if key in KPI_BY_KEY else "" for key in keys]
    rows = []
    for key, definition in zip(keys, definitions, strict=True):
        est, unit, goal = summary.kpis[key], unit_of(key), goals.get(key)
        shown = mean_unit(unit)
        low, high = kpi_interval(key, est)  # within what the KPI can be (attrition may pass 100%)
        rows.append([
            _label(key), Styled(est.mean, shown), Styled(low, shown), Styled(high, shown),
            _target_cell(goal, key, shown, rep.currency), None, definition,
        ])
    first, last = write_table(ws, top, KPI_COLUMNS, rows, autofilter=False, freeze=freeze, currency=rep.currency)
    for i, key in enumerate(keys):
        goal = goals.get(key)
        if goal is not None:
            ws.cell(row=first + i, column=5).alignment = Alignment(horizontal="right")  # a band's text too
            _status_cell(ws, first + i, 6, goal.status(key, summary.kpis[key]))
        # Long definitions wrap inside their column rather than run off the printed page; the row
        # is made tall enough here, since neither Excel nor LibreOffice refits it on opening.
        ws.cell(row=first + i, column=7).alignment = Alignment(wrap_text=True, vertical="top")
        lines = math.ceil(len(definitions[i]) / DEFINITION_CHARS_PER_LINE)
        if lines > 1:
            ws.row_dimensions[first + i].height = 15 * lines
            for col in range(1, 7):  # the values stand level with the definition's first line
                cell = ws.cell(row=first + i, column=col)
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top")
    return first, last


def summary_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet:
    """Headline KPIs with 95% CIs, targets and red/green status, the dashboard charts, then every other KPI.

    The headline (`HEADLINE_KEYS`, DESIGN §7) and the charts fill the first printed page; the
    remaining KPIs follow from the second, so what a manager presents comes first.
    """
    summary, scenario = rep.summary, rep.scenario
    ws, top = rep.open_sheet(wb, "Summary", "KPI summary", subtitle=scenario.description,
                             facts=[("wfm version", __version__), ("Confidence", "95% (t-interval)")])
    keys = shown_kpis(list(summary.kpis), [scenario])
    headline = [k for k in keys if k in HEADLINE_KEYS]
    others = [k for k in keys if k not in HEADLINE_KEYS]
    ws.cell(row=top, column=1, value="Headline KPIs").font = LABEL_FONT
    first, last = _kpi_table(ws, rep, top + 1, headline, freeze=True)
    for row in range(first, last + 1):
        ws.cell(row=row, column=1).font = Font(bold=True)
    caveat = interval_caveat(summary.replications)
    note = ws.cell(row=last + 2, column=1, value=_sl_note(scenario) + (f" {caveat}" if caveat else ""))
    note.font = SUBTITLE_FONT
    row = _dashboard(ws, rep, last + 4)
    if others:
        ws.cell(row=row, column=1, value="More KPIs").font = LABEL_FONT
        left_out = _left_out(rep)
        if left_out:
            ws.cell(row=row, column=2, value=left_out.strip()).font = SUBTITLE_FONT
        _kpi_table(ws, rep, row + 1, others)
    set_print_layout(ws)
    return ws


def _dashboard(ws: Worksheet, rep: ScenarioReport, row: int) -> int:
    """The charts a manager presents, two per row under the headline table; returns the next free row."""
    r = rep.ranges
    per_hour = 60 // rep.scenario.calendar.interval_minutes
    minutes = rep.scenario.calendar.interval_minutes
    chart_list: list[BarChart | LineChart] = []

    def time_of_day() -> charts.Categories:
        return charts.Categories(r["profile.time"], "Time of day", "hh:mm", per_hour)

    def days() -> charts.Categories:
        return charts.Categories(r["daily.date"], "Day", "dd/mm")

    if "profile.offered" in r and "profile.service_level" in r:
        chart_list.append(charts.volume_and_rate_chart(
            "Offered calls and service level (typical day)", time_of_day(),
            [r["profile.offered"]], [r["profile.service_level"], r["profile.sl_target"]],
            bar_title=f"Calls offered per {minutes} min", line_title="Service level (%)",
        ))
    staffed = next((k for k in (f"profile.{INBOUND_AGENTS}", "profile.agents_available") if k in r), None)
    if staffed is not None:
        chart_list.append(charts.lines_chart(
            "Inbound agents available vs required (typical day)", time_of_day(), [r[staffed], r["profile.required"]],
            y_title="Agents (mean per interval)", y_format="0",
        ))
    if "daily.offered" in r and "daily.service_level" in r:
        chart_list.append(charts.volume_and_rate_chart(
            "Inbound calls and service level by day", days(),
            [r["daily.offered"], r["daily.answered"]], [r["daily.service_level"]],
            bar_title="Calls per day", line_title="Service level (%)",
        ))
    rates = [r[f"daily.{k}"] for k in ("contact_rate", "rpc_rate", "ptp_rate") if f"daily.{k}" in r]
    if rates:
        chart_list.append(charts.lines_chart(
            "Contact, RPC and PTP rates by day", days(), rates, y_title="Rate (%)", y_format="0%",
        ))
    anchors = _chart_anchors(ws, row)
    for i, chart in enumerate(chart_list):
        ws.add_chart(chart, anchors[i % 2].format(row=row + (i // 2) * CHART_ROWS))
    if len(chart_list) > 2:
        # The headline and the first two charts fill the first printed page; the next two would
        # be cut in half by the page end.
        ws.row_breaks.append(Break(id=row + CHART_ROWS - 1))
    return row + math.ceil(len(chart_list) / 2) * CHART_ROWS + 1


# --------------------------------------------------------------------------------------------
# Sheets across scenarios
# --------------------------------------------------------------------------------------------


def comparison_sheet(wb: Workbook, reports: Sequence[ScenarioReport]) -> Worksheet | None:
    """Scenarios side by side with the paired difference to the base (the first) and its 95% CI."""
    if len(reports) < 2:
        return None
    base = reports[0]
    ws = wb.create_sheet("Comparison")
    facts: list[tuple[str, object]] = [
        ("Base", base.scenario.name), ("Generated", base.generated),
        ("Seed", base.summary.seed), ("Replications", base.summary.replications),
    ]
    for i, rep in enumerate(reports):
        facts.append((f"Scenario {i + 1}", f"{rep.scenario.name} (hash {rep.summary.scenario_hash})"))
    facts.append(("Currency", _currency_note(reports)))
    facts += _period_facts(reports)
    off = features_off_text([r.scenario for r in reports])
    top = write_title(
        ws, "Scenario comparison", facts,
        subtitle=("Differences are paired replication by replication (common random numbers) with their 95%"
                  " CI; significant when the CI excludes zero. Time differences are in seconds."
                  + (f" Workforce features off in every scenario ({off}): their KPIs are left out." if off else "")),
        per_row=1,
    )
    keys = [k for k in shown_kpis(list(base.summary.kpis), [r.scenario for r in reports])
            if all(k in r.summary.kpis for r in reports)]
    names = [f"{i + 1}: {r.scenario.name}" for i, r in enumerate(reports)]
    columns = [Column("KPI", "text", 26)] + [Column(n, "number", 14) for n in names]
    for i in range(1, len(reports)):
        columns += [Column(f"Δ {i + 1} − 1", "number", 12), Column("Δ CI low", "number", 12),
                    Column("Δ CI high", "number", 12), Column("Significant", "text", 11, "center"),
                    Column("Verdict", "text", 10, "center")]
    rows = []
    for key in keys:
        unit = unit_of(key)
        row: list[object] = [_label(key)] + [Styled(r.summary.kpis[key].mean, mean_unit(unit), r.currency)
                                             for r in reports]
        for other in reports[1:]:
            row += _delta_cells(delta(base.summary, other.summary, key, (base.currency, other.currency)), unit)
        rows.append(row)
    first, last = write_table(ws, top, columns, rows, currency=base.currency)
    ws.row_dimensions[top].height = _header_height(names)
    _highlight_verdicts(ws, first, last, len(reports))
    _comparison_chart(ws, reports, keys, last + 3)
    # Many scenarios (a sweep of six) make the table too wide for one readable page: it spreads
    # over pages side by side, each repeating the KPI names.
    set_print_layout(ws, title_cols="A:A")
    return ws


def _period_facts(reports: Sequence[ScenarioReport]) -> list[tuple[str, object]]:
    """A warning line when the scenarios cover different periods: their totals are not comparable."""
    calendars = [r.scenario.calendar for r in reports]
    if len({(c.start_date, c.horizon_days) for c in calendars}) == 1:
        return []
    starts = len({c.start_date for c in calendars}) > 1
    each = ", ".join(f"{i + 1}: {c.horizon_days} d" + (f" from {c.start_date.isoformat()}" if starts else "")
                     for i, c in enumerate(calendars))
    return [("Periods differ", f"{each}; compare rates, not totals")]


def _header_height(names: Sequence[str], chars_per_line: int = 12) -> float:
    """A header row tall enough for scenario names wrapped in 14-wide columns (a sweep's "Base [path=value]")."""
    lines = max(math.ceil(len(name) / chars_per_line) for name in names)
    return max(45.0, 15.0 * min(lines, 8))


def _currency_note(reports: Sequence[ScenarioReport]) -> str:
    """The comparison's currency (the base's), and a warning when a scenario counts money in another."""
    base = reports[0].currency
    other = [f"{i + 1}: {r.currency}" for i, r in enumerate(reports) if r.currency != base]
    if not other:
        return base
    return (f"{base} (the base scenario's). Currencies differ ({', '.join(other)}): each scenario's amounts are"
            " shown in its own currency, unconverted, and their differences are left out")


def _delta_cells(row: Delta, unit: str) -> list[object]:
    """Paired difference, its CI, whether it is significant and whether it is an improvement."""
    if row.paired is None:
        return [None, None, None, row.note, None]  # no exchange rate, or no pairing: not comparable
    if not math.isfinite(row.paired.mean):
        return [None, None, None, "", None]
    shown = delta_unit(unit)
    paired = row.paired
    return [Styled(paired.mean, shown), Styled(paired.low, shown), Styled(paired.high, shown),
            "yes" if row.significant else "no", row.verdict]


def _highlight_verdicts(ws: Worksheet, first: int, last: int, n_reports: int) -> None:
    for i in range(1, n_reports):
        col = 1 + n_reports + 5 * (i - 1) + 5
        for row in range(first, last + 1):
            cell = ws.cell(row=row, column=col)
            if cell.value == "better":
                cell.fill, cell.font = GOOD_FILL, GOOD_FONT
            elif cell.value == "worse":
                cell.fill, cell.font = BAD_FILL, BAD_FONT
            elif ws.cell(row=row, column=col - 1).value == "yes":
                cell.fill = HIGHLIGHT_FILL


def _comparison_chart(ws: Worksheet, reports: Sequence[ScenarioReport], keys: Sequence[str], row: int) -> None:
    """Clustered bars of the headline rates by scenario, from a small chart-data block under the table.

    Only headline shares (0–100%) are drawn: two dozen bars of every ratio are unreadable, and
    annualised attrition is not a share (it passes 100% when a team turns over within a year).
    """
    rates = [k for k in keys if k in HEADLINE_KEYS and unit_of(k) == "ratio" and k != "attrition"]
    if not rates:
        return
    ws.cell(row=row, column=1, value="Chart data: rate KPIs by scenario (means)").font = SUBTITLE_FONT
    columns = [Column("KPI", "text", 26)] + [Column(r.scenario.name, "ratio", 14) for r in reports]
    rows = [[_label(k)] + [r.summary.kpis[k].mean for r in reports] for k in rates]
    top = ws.freeze_panes
    first, last = write_table(ws, row + 1, columns, rows, freeze=False, autofilter=False)
    ws.freeze_panes = top
    chart = charts.clustered_bars(
        "Rate KPIs by scenario", charts.Categories(ColumnRange(ws, 1, row + 1, last), ""),
        [ColumnRange(ws, 2 + i, row + 1, last) for i in range(len(reports))],
        y_title="Share", y_format="0%", y_max=1.0,
    )
    # Beside its data when both fit the first printed page, else under it: a chart cut by the
    # page edge of a wide comparison (a sweep of six) is unreadable on both halves.
    beside = len(reports) + 3
    used = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, beside))
    chart_chars = charts.WIDTH_CM / 2.54 * 96 / 7  # a column-width character is about 7 pixels
    fits = used + chart_chars <= PAGE_WIDTH_CHARS[True]
    ws.add_chart(chart, f"{get_column_letter(beside)}{row + 1}" if fits else f"A{last + 2}")
    ws.row_dimensions[row + 1].height = _header_height([r.scenario.name for r in reports])
    # The data and its chart start a page: under a KPI table of a page's length, the end of the
    # page would cut the chart in two.
    ws.row_breaks.append(Break(id=row - 1))


def inputs_sheet(wb: Workbook, reports: Sequence[ScenarioReport]) -> Worksheet:
    """Every scenario parameter, seed, replications, version and hash, for traceability."""
    ws = wb.create_sheet("Inputs")
    base = reports[0]
    top = write_title(
        ws, "Inputs", [("Generated", base.generated), ("wfm version", __version__)],
        subtitle=("Every scenario parameter as path = value; rows that differ between scenarios are highlighted."
                  " Accounts imported from a portfolio file are summarised, not listed: the file is the source."),
        per_row=1,
    )
    headers = [f"{i + 1}: {r.scenario.name}" if len(reports) > 1 else r.scenario.name for i, r in enumerate(reports)]
    experiment_rows: list[tuple[str, list[object], str]] = [
        ("experiment.seed", [r.summary.seed for r in reports], "general"),
        ("experiment.replications", [r.summary.replications for r in reports], "general"),
        ("experiment.scenario_hash", [r.summary.scenario_hash for r in reports], "text"),
        ("experiment.wfm_version", [__version__ for _ in reports], "text"),
    ]
    flat = [{p: (v, u) for p, v, u in scenario_inputs(r.scenario)} for r in reports]
    paths = list(dict.fromkeys(p for table in flat for p in table))  # first scenario's order, then new ones
    param_rows = [
        (p, [table.get(p, (None, "text"))[0] for table in flat],
         next(table[p][1] for table in flat if p in table))
        for p in paths
    ]
    columns = [Column("Parameter", "text", 48)] + [Column(h, "general", 26) for h in headers]
    # Amounts (an imported portfolio's balance) are shown in each scenario's own currency.
    rows = [[path, *(Styled(v, unit, r.currency) for v, r in zip(values, reports, strict=True))]
            for path, values, unit in experiment_rows + param_rows]
    first, last = write_table(ws, top, columns, rows, currency=base.currency)
    if len(reports) > 1:
        for i, (_, values, _) in enumerate(experiment_rows + param_rows):
            if any(v != values[0] for v in values[1:]):
                for j in range(len(reports) + 1):
                    ws.cell(row=first + i, column=1 + j).fill = HIGHLIGHT_FILL
    for row in ws.iter_rows(min_row=first, max_row=last, min_col=2, max_col=1 + len(reports)):
        for cell in row:
            cell.alignment = Alignment(horizontal="left")
    set_print_layout(ws, landscape=False, title_rows=f"{top}:{top}")
    return ws


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------

# Per-scenario data sheets, in the order they appear. Sheets that others chart come first in
# building; the final order is fixed in `build_workbook`.
SCENARIO_SHEETS: tuple[tuple[str, Callable[[Workbook, ScenarioReport], Worksheet | None]], ...] = (
    ("Daily", daily_sheet),
    ("Intervals", intervals_sheet),
    ("Profile", profile_sheet),
    ("Dialer", dialer_sheet),
    ("Portfolio", portfolio_sheet),
    ("Workforce", workforce_sheet),
    ("Costs", costs_sheet),
    ("Compliance", compliance_sheet),
    ("Strategy", strategy_sheet),
)
# What a manager reads first comes first: the headline and the topic sheets, then the tables of
# every KPI by day and by interval, then the inputs.
SHEET_ORDER = ("Comparison", "Summary", "Profile", "Dialer", "Portfolio", "Strategy", "Costs", "Workforce",
               "Compliance", "Daily", "Intervals", "Inputs")


def build_workbook(
    summaries: Sequence[Summary], scenarios: Sequence[Scenario], generated: datetime | None = None
) -> Workbook:
    """The whole report in memory: per-scenario sheets, the comparison and the inputs."""
    if len(summaries) == 0:
        raise ValueError("no results to report; run at least one scenario")
    if len(summaries) != len(scenarios):
        raise ValueError(
            f"got {len(summaries)} summaries for {len(scenarios)} scenarios; pass one summary per scenario"
        )
    generated = (generated or datetime.now()).replace(microsecond=0)
    several = len(summaries) > 1
    reports = [
        ScenarioReport(s, sc, f" {i + 1}" if several else "", generated)
        for i, (s, sc) in enumerate(zip(summaries, scenarios, strict=True))
    ]
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook has one empty sheet
    for rep in reports:
        for _, build in SCENARIO_SHEETS:
            build(wb, rep)
        summary_sheet(wb, rep)
    comparison_sheet(wb, reports)
    inputs_sheet(wb, reports)

    def rank(ws: Worksheet) -> tuple[int, str]:
        base = ws.title.rsplit(" ", 1)[0] if several and ws.title[-1].isdigit() else ws.title
        return (SHEET_ORDER.index(base) if base in SHEET_ORDER else len(SHEET_ORDER), ws.title)

    for position, ws in enumerate(sorted(wb.worksheets, key=rank)):
        wb.move_sheet(ws, offset=position - wb.worksheets.index(ws))
    wb.active = 0
    wb.properties.title = f"wfm report — {summaries[0].scenario_name}"
    wb.properties.creator = f"wfm {__version__}"
    return wb


def write_report(
    path: str | os.PathLike[str],
    summaries: Sequence[Summary],
    scenarios: Sequence[Scenario],
    *,
    overwrite: bool = False,
) -> Path:
    """Write the Excel report and return its path.

    `summaries[i]` belongs to `scenarios[i]`; with several, the first is the base of the
    comparison. The workbook is written to a temporary file in the target's folder and moved
    over the target in one step, so an existing report survives any failure unchanged.

    Raises:
        ReportError: the file exists and `overwrite` is False, or it cannot be written
            (open in another program, read-only folder, a folder in the way); the message
            names the file and the fix.
    """
    return save_workbook(path, lambda: build_workbook(summaries, scenarios), overwrite=overwrite)
