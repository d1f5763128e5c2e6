"""Sheets of the people and the money: Workforce and Costs.

Workforce columns for features a scenario leaves off (stress, learning, hiring) are left out
rather than shown as columns of zeros; the title block says which features were on. Costs are
always reported: every scenario pays wages.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from wfm import kpi
from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.report.scenario_report import (
    WEEKDAY_LABELS,
    ScenarioReport,
    features_on,
    label,
    place_chart,
)
from wfm.report.styles import (
    LABEL_FONT,
    SUBTITLE_FONT,
    Column,
    Styled,
    money_format,
    set_print_layout,
    write_table,
)
from wfm.sim.result import COST_CATEGORIES
from wfm.views.common import kpi_interval
from wfm.views.workforce import WEEKLY_FROM_DAYS, WEEKLY_KPIS, workforce_by_day, workforce_by_week

GAP_ROWS = 2


def _dates(rep: ScenarioReport, n_days: int) -> list[date]:
    start = rep.scenario.calendar.start_date
    return [start + timedelta(days=d) for d in range(n_days)]


def _workforce_columns(rep: ScenarioReport, table: dict[str, np.ndarray]) -> list[tuple[str, Column, np.ndarray]]:
    """(key, column, values) of the daily workforce table, features left off dropped."""
    on = features_on(rep.scenario)
    daily = rep.summary.daily
    spec: list[tuple[str, Column, np.ndarray]] = [("headcount", Column("Headcount", "agents", 10), table["headcount"])]
    spec += [(key, Column(key.split(":", 1)[1], "agents", 10), values)
             for key, values in table.items() if key.startswith("group:")]
    spec += [(key, Column(f"Tenure {key.split(':', 1)[1]}", "agents", 9), values)
             for key, values in table.items() if key.startswith("band:")]
    if "attrition" in on:
        spec.append(("leavers", Column("Leavers", "count", 8), table["leavers"]))
    if "hiring" in on:
        spec += [("hires", Column("Hires", "count", 8), table["hires"]),
                 ("requisitions", Column("Requisitions opened", "count", 11), table["requisitions"]),
                 ("training", Column("In training (agent-days)", "count", 11), table["training"])]
    spec += [("present", Column("Agent-shifts worked", "count", 10), table["present"]),
             ("absent", Column("Agent-shifts missed", "count", 10), table["absent"]),
             ("absence_rate", Column(label("absence_rate"), "ratio", 9), daily["absence_rate"])]
    if "stress" in on:
        spec += [("stress_mean", Column(label("stress_mean"), "ratio", 9), daily["stress_mean"]),
                 ("stress_p90", Column(label("stress_p90"), "ratio", 10), daily["stress_p90"])]
    if "learning" in on:
        spec.append(("productivity", Column(label("productivity"), "ratio", 11), daily["productivity"]))
    if "attrition" in on:
        spec += [("leavers_to_date", Column("Leavers to date", "count", 9), table["leavers_to_date"]),
                 ("attrition_to_date", Column("Attrition to date (annualised)", "ratio", 12),
                  table["attrition_to_date"])]
    return spec


def workforce_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """Headcount by group and tenure band, hires, leavers, absence, stress and productivity per day.

    Long horizons add a table by week (stress p90 of a week is the mean of its daily values). The
    chart sets headcount against attrition to date, annualised, which ends at the run's KPI.
    """
    table = workforce_by_day(rep.summary)
    if not table:
        return None
    on = features_on(rep.scenario)
    ws, top = rep.open_sheet(
        wb, "Workforce", "Workforce", facts=[("Features on", ", ".join(on) or "none")],
        subtitle=("Headcount: employed agents at the start of the day, trainees included (by agent group and by"
                  " tenure since hire). Mean over replications. Columns of features that are off are left out"
                  " (hires need hiring, leavers need attrition)."),
    )
    spec = _workforce_columns(rep, table)
    n_days = len(table["headcount"])
    dates = _dates(rep, n_days)
    columns = [Column("Date", "date", 11), Column("Weekday", "text", 9, "center")] + [c for _, c, _ in spec]
    rows = [[d, WEEKDAY_LABELS[d.weekday()], *(values[i] for _, _, values in spec)] for i, d in enumerate(dates)]
    first, last = write_table(ws, top, columns, rows, currency=rep.currency)
    col_of = {key: 3 + j for j, (key, _, _) in enumerate(spec)}
    attrition = [ColumnRange(ws, col_of["attrition_to_date"], top, last)] if "attrition_to_date" in col_of else []
    chart = charts.volume_and_rate_chart(
        "Headcount and attrition over time" if attrition else "Headcount by day", charts.Categories.days(ws, top, last),
        [ColumnRange(ws, col_of["headcount"], top, last)], attrition,
        bar_title="Agents employed", line_title="Attrition to date (annualised, %)", line_max=None,
    )
    chart.y_axis.number_format = "0"
    free = place_chart(ws, chart, top, last, len(columns))
    if n_days >= WEEKLY_FROM_DAYS:
        _weekly_table(ws, rep, free + GAP_ROWS)
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws


def _weekly_table(ws: Worksheet, rep: ScenarioReport, row: int) -> None:
    on = features_on(rep.scenario)
    weekly = workforce_by_week(rep.summary)
    needs = {"stress_mean": "stress", "stress_p90": "stress", "productivity": "learning", "training_days": "hiring"}
    keys = [k for k in WEEKLY_KPIS if needs.get(k, "always") in (*on, "always")]
    ws.cell(row=row, column=1, value="By week (7 days from the start date; the last week may be shorter)").font = \
        LABEL_FONT
    start = rep.scenario.calendar.start_date
    columns = [Column("Week starting", "date", 11), Column("Weekday", "text", 9, "center")]
    columns += [Column(label(k), kpi.KPI_BY_KEY[k].unit, 10) for k in keys]
    rows = []
    for w in range(len(weekly["headcount"])):
        day = start + timedelta(days=7 * w)
        rows.append([day, WEEKDAY_LABELS[day.weekday()], *(weekly[k][w] for k in keys)])
    write_table(ws, row + 1, columns, rows, freeze=False,
                                  autofilter=False, currency=rep.currency)


# --------------------------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------------------------

COST_LABELS = {"wages": "Wages", "bonuses": "Bonuses", "telephony": "Telephony", "dialer": "Dialer seats",
               "hiring": "Hiring", "overhead": "Overhead", "messages": "Messages",
               "field": "Field visits", "legal": "Legal action"}


def costs_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """Money by category over the horizon (with 95% CIs) and per day, cost per call and cost to collect.

    Totals come straight from the summary's KPI estimates (`cost_<category>`), days from
    `Summary.daily`; the stacked chart shows how each day's cost splits into categories.
    """
    summary = rep.summary
    if "cost_total" not in summary.kpis or len(summary.daily.get("cost_total", ())) == 0:
        return None
    days = len(summary.daily["cost_total"])
    currency = rep.currency
    ws, top = rep.open_sheet(
        wb, "Costs", "Costs", facts=[("Currency", currency)],
        subtitle="Over the horizon: mean over replications with its 95% t-interval; per day = total / days.",
    )
    total = summary.kpis["cost_total"].mean
    columns = [Column("Category", "text", 22), Column("Total (mean)", "money", 14),
               Column("95% CI low", "money", 14), Column("95% CI high", "money", 14),
               Column("Per day", "money", 12), Column("Share of total", "ratio", 10)]
    rows = []
    for key in [*(f"cost_{c}" for c in COST_CATEGORIES), "cost_total"]:
        est = summary.kpis[key]
        name = COST_LABELS.get(key.removeprefix("cost_"), "Total")
        rows.append([name, est.mean, *kpi_interval(key, est), est.mean / days, est.mean / total if total > 0 else None])
    for key in ("cost_per_call", "cost_to_collect"):
        est = summary.kpis[key]
        rows.append([label(key), est.mean, *kpi_interval(key, est), None, None])
    first, last = write_table(ws, top, columns, rows, autofilter=False, currency=rep.currency)
    total_row = first + len(COST_CATEGORIES)
    for col in range(1, len(columns) + 1):
        ws.cell(row=total_row, column=col).font = Font(bold=True)
    ws.cell(row=last + 2, column=1, value=(
        "Cost per call: total cost / calls handled, inbound and outbound. Cost to collect: total cost / amount"
        " collected (empty before anything is).")).font = SUBTITLE_FONT

    day_top = last + 2 + GAP_ROWS
    ws.cell(row=day_top, column=1, value="By day").font = LABEL_FONT
    day_top += 1
    daily = summary.daily
    keys = [f"cost_{c}" for c in COST_CATEGORIES] + ["cost_total", "cost_per_call", "cost_to_collect"]
    day_columns = [Column("Date", "date", 11), Column("Weekday", "text", 9, "center")]
    day_columns += [Column(COST_LABELS.get(k.removeprefix("cost_"), label(k)) if k != "cost_total" else "Total",
                           "money", 13) for k in keys]
    day_rows = [[d, WEEKDAY_LABELS[d.weekday()], *(Styled(daily[k][i], "money") for k in keys)]
                for i, d in enumerate(_dates(rep, days))]
    _, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False,
                                  autofilter=False, currency=rep.currency)
    chart = charts.stacked_bars(
        "Cost per day by category", charts.Categories.days(ws, day_top, day_last),
        [ColumnRange(ws, 3 + j, day_top, day_last) for j in range(len(COST_CATEGORIES))],
        y_title=f"Cost per day ({currency})", y_format=money_format(currency, 0),
    )
    place_chart(ws, chart, day_top, day_last, len(day_columns))
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws
