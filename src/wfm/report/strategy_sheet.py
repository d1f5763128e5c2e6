"""The Strategy sheet: channels, paths, champion against challenger, money by cause, messages per day."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.report.scenario_report import WEEKDAY_LABELS, ScenarioReport, place_chart
from wfm.report.styles import LABEL_FONT, SUBTITLE_FONT, Column, Styled, set_print_layout, write_table
from wfm.sim.collections.result import RESPONSES
from wfm.views.channel_economics import ChannelEconomics, channel_economics
from wfm.views.common import interval_caveat, kpi_interval
from wfm.views.strategy import (
    BUCKET_LABELS,
    CAUSE_LABELS,
    FIELD_KPI_LABELS,
    FIELD_KPIS,
    FIELD_LABELS,
    FIELD_MONEY,
    FIELD_OUTCOME_COLORS,
    FIELD_SHARES,
    LEGAL_LABELS,
    OFFER_LABELS,
    FieldView,
    Liquidation,
    gain_verdict,
    strategy_view,
)

GAP_ROWS = 2
LEGEND_RIGHT_WIDTH_CM = 18.0
"""A chart with its legend on the right: wider than the usual 14 cm, so the plot keeps its width."""
RESPONSE_LABELS = {"call": "Calls", "pay": "Link payments", "promise": "Portal promises", "opt_out": "Opt-outs"}


def _section(ws: Worksheet, row: int, text: str) -> int:
    ws.cell(row=row, column=1, value=text).font = LABEL_FONT
    return row + 1


def strategy_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """The collection strategy's results, or no sheet when the scenario has none."""
    view = strategy_view(rep.summary)
    if view is None:
        return None
    strategy = rep.scenario.strategy
    facts: list[tuple[str, object]] = [("Paths", len(strategy.paths)), ("Score AUC", strategy.score_auc)]
    if strategy.challenger:
        facts.append(("Challenger", f"{strategy.challenger} ({strategy.challenger_share:.0%} of {strategy.champion})"))
    ws, top = rep.open_sheet(
        wb, "Strategy", "Collection strategy", facts=facts,
        subtitle=("Means over replications. Messages are counted on the day they were sent, responses with the"
                  " message. Money by path and arm: everything collected from the accounts that entered it, dialer"
                  " included. Message cost per euro: money spent on messages / money collected."),
    )
    currency = rep.currency
    columns = [Column("Channel", "text", 12), Column("Sent", "count", 10), Column("Delivered", "count", 10),
               Column("Delivery rate", "ratio", 10),
               *(Column(RESPONSE_LABELS[k], "count", 10) for k in RESPONSES),
               Column("Response rate", "ratio", 10), Column("Opt-out rate", "ratio", 10),
               Column("Cost", "money", 12), Column("Cost per response", "money", 12)]
    ch = view.channels
    rows = [[ch["channel"][i], ch["sent"][i], ch["delivered"][i], ch["delivery_rate"][i],
             *(ch[f"responses_{k}"][i] for k in RESPONSES), ch["response_rate"][i], ch["opt_out_rate"][i],
             ch["cost"][i], ch["cost_per_response"][i]] for i in range(len(ch["channel"]))]
    _, last = write_table(ws, top, columns, rows, autofilter=False, currency=currency)

    path_top = _section(ws, last + GAP_ROWS + 1, "By path (accounts by the path they entered at placement)")
    path_columns = [Column("Path", "text", 16), Column("Accounts", "count", 10), Column("Balance placed", "money", 14),
                    Column("Collected", "money", 13), Column("Recovery rate", "ratio", 10),
                    Column("Message cost", "money", 12), Column("Attempts per account", "number", 10),
                    Column("Reach rate", "ratio", 10), Column("Message cost per euro", "money", 10)]
    arm_columns = path_columns
    p = view.paths
    path_rows = [[p["path"][i], p["accounts"][i], p["balance"][i], p["collected"][i], p["recovery_rate"][i],
                  p["message_cost"][i], p["attempts_per_account"][i], p["reach_rate"][i],
                  p["message_cost_per_euro"][i]] for i in range(len(p["path"]))]
    economics = channel_economics(rep.summary, rep.scenario.costs)
    if economics is not None:  # every channel's cost of the path's accounts (wfm.views.channel_economics)
        path_columns = [*path_columns, Column("Phone cost (by attempts)", "money", 12),
                        Column("Field cost (by visits)", "money", 12), Column("Legal cost", "money", 12),
                        Column("Cost (phone, messages, field, legal)", "money", 13),
                        Column("Cost per euro collected", "money", 10)]
        e = economics.paths
        for i, r in enumerate(path_rows):
            r += [e["phone_cost"][i], e["field_cost"][i], e["legal_cost"][i], e["cost"][i], e["cost_per_euro"][i]]
    _, path_last = write_table(ws, path_top, path_columns, path_rows, freeze=False, autofilter=False,
                                        currency=currency)
    chart = charts.clustered_bars(
        "Recovery rate by path", charts.Categories(ColumnRange(ws, 1, path_top, path_last), "Path"),
        [ColumnRange(ws, 5, path_top, path_last)], y_title="Collected / balance placed", y_format="0.0%")
    row = place_chart(ws, chart, path_top, path_last, len(path_columns)) + GAP_ROWS

    if view.arms and view.challenger_gain is not None:
        arm_top = _section(ws, row, f"Champion ({strategy.champion}) against challenger ({strategy.challenger})")
        a = view.arms
        arm_rows = [[name.capitalize(), a["accounts"][i], a["balance"][i], a["collected"][i], a["recovery_rate"][i],
                     a["message_cost"][i], a["attempts_per_account"][i], None, a["message_cost_per_euro"][i]]
                    for i, name in enumerate(a["path"])]
        _, arm_last = write_table(ws, arm_top, arm_columns, arm_rows, freeze=False, autofilter=False,
                                  currency=currency)
        gain = view.challenger_gain
        low, high = kpi_interval("challenger_recovery_gain", gain)
        verdict = gain_verdict(gain)
        ws.cell(row=arm_last + 1, column=1, value=(
            f"Challenger − champion recovery rate: {gain.mean:+.2%} (95% interval {low:+.2%} to {high:+.2%},"
            f" paired within each of {gain.n} replications): {verdict}.")).font = SUBTITLE_FONT
        row = arm_last + GAP_ROWS + 2

    cause_top = _section(ws, row, "Money collected by cause")
    cause_rows = [[CAUSE_LABELS[k], v] for k, v in view.causes.items()]
    _, cause_last = write_table(ws, cause_top, [Column("Cause", "text", 34), Column("Collected", "money", 14)],
                                cause_rows, freeze=False, autofilter=False, currency=currency)
    row = cause_last + GAP_ROWS + 1
    if any(view.offers.values()):
        offer_top = _section(ws, row, "Plans, settlements and reminders")
        offer_rows = [[OFFER_LABELS[k], Styled(v, "money" if k == "discount_given" else "number")]
                      for k, v in view.offers.items()]
        _, offer_last = write_table(ws, offer_top, [Column("Offer", "text", 34), Column("Mean", "number", 14)],
                                    offer_rows, freeze=False, autofilter=False, currency=currency)
        row = offer_last + GAP_ROWS + 1

    if view.field_view is not None:
        row = _home_visits(ws, row, view.field_view, rep, currency)
    if view.legal:
        legal_top = _section(ws, row, "Legal action")
        money = ("collected", "cost", "cost_per_euro")
        legal_rows = [[LEGAL_LABELS[k], Styled(v, "money" if k in money else "number")] for k, v in view.legal.items()]
        _, legal_last = write_table(ws, legal_top, [Column("Legal", "text", 40), Column("Mean", "number", 14)],
                                    legal_rows, freeze=False, autofilter=False, currency=currency)
        row = legal_last + GAP_ROWS + 1
    if economics is not None:
        row = _economics(ws, row, economics, currency)
    row = _liquidation(ws, row, view.liquidation, currency)

    day_top = _section(ws, row, "Messages and debtor calls by day")
    start = rep.scenario.calendar.start_date
    n_days = view.sent_by_day.shape[1]
    names = [str(c) for c in view.channels["channel"]]  # the order of the channel axis
    day_columns = [Column("Date", "date", 11), Column("Weekday", "text", 9, "center"),
                   *(Column(f"{n} sent", "count", 10) for n in names), Column("Debtor calls", "count", 10)]
    day_rows = []
    for d in range(n_days):
        day = start + timedelta(days=d)
        day_rows.append([day, WEEKDAY_LABELS[day.weekday()], *view.sent_by_day[:, d], view.debtor_calls_by_day[d]])
    _, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False, autofilter=False, currency=currency)
    chart = charts.stacked_bars(
        "Messages sent per day", charts.Categories.days(ws, day_top, day_last),
        [ColumnRange(ws, 3 + j, day_top, day_last) for j in range(len(names))],
        y_title="Messages", y_format="#,##0")
    place_chart(ws, chart, day_top, day_last, len(day_columns))
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws


def _economics(ws: Worksheet, row: int, economics: ChannelEconomics, currency: str) -> int:
    """Cost, money and cost per euro collected by channel, with a chart; the next free row."""
    top = _section(ws, row, "Cost per euro collected by channel (every cost and every euro of the run in one row;"
                            " allocation: wfm.views.channel_economics)")
    ch = economics.channels
    rows = [[ch["channel"][i], ch["cost"][i], ch["collected"][i], ch["cost_per_euro"][i]]
            for i in range(len(ch["channel"]))]
    columns = [Column("Channel", "text", 30), Column("Cost", "money", 14), Column("Collected", "money", 14),
               Column("Cost per euro collected", "money", 12)]
    _, last = write_table(ws, top, columns, rows, freeze=False, autofilter=False, currency=currency)
    chart = charts.clustered_bars(
        "Cost per euro collected by channel", charts.Categories(ColumnRange(ws, 1, top, last - 1), "Channel"),
        [ColumnRange(ws, 4, top, last - 1)], y_title="Cost / collected", y_format="0.00")
    return place_chart(ws, chart, top, last, len(columns)) + GAP_ROWS


def _liquidation(ws: Worksheet, row: int, liq: Liquidation, currency: str) -> int:
    """Liquidation curves by week on book (per batch and segment) and the week-on-week roll; the next free row."""
    step = 30 if len(liq.days_on_book) >= 90 else 7
    unit = "Months" if step == 30 else "Weeks"
    points = list(range(step - 1, len(liq.days_on_book), step)) or [len(liq.days_on_book) - 1]
    names = [*liq.by_batch, *(f"Segment {k}" for k in liq.by_segment)]
    curves = [*liq.by_batch.values(), *liq.by_segment.values()]
    top = _section(ws, row, f"Liquidation: share of the placed balance collected by {unit.lower()} on book")
    columns = [Column(f"{unit} on book", "count", 10), *(Column(n, "ratio", 12) for n in names)]
    rows = [[(d + 1) // step, *(float(c[d]) if d < len(c) else None for c in curves)] for d in points]
    _, last = write_table(ws, top, columns, rows, freeze=False, autofilter=False, currency=currency)
    chart = charts.lines_chart(
        "Liquidation curve", charts.Categories(ColumnRange(ws, 1, top, last), f"{unit} on book"),
        [ColumnRange(ws, 2 + j, top, last) for j in range(len(names))],
        y_title="Collected / balance placed", y_format="0.0%")
    row = place_chart(ws, chart, top, last, len(columns)) + GAP_ROWS

    roll_top = _section(ws, row, "Roll between status buckets, week on week (rows: from, columns: to)")
    labels = [BUCKET_LABELS[b] for b in liq.buckets]
    roll_rows = [[labels[i], *(float(v) for v in liq.roll_rates[i])] for i in range(len(labels))]
    _, roll_last = write_table(ws, roll_top, [Column("From", "text", 24), *(Column(x, "ratio", 12) for x in labels)],
                               roll_rows, freeze=False, autofilter=False, currency=currency)
    return roll_last + GAP_ROWS + 1


def _home_visits(ws: Worksheet, row: int, field: FieldView, rep: ScenarioReport, currency: str) -> int:
    """Per-visit KPIs with their intervals, then visits per day by outcome with a stacked chart; the next free row."""
    top = _section(ws, row, "Home visits: per visit, means over replications with 95% intervals")
    rows = []
    for key in FIELD_KPIS:
        unit = "ratio" if key in FIELD_SHARES else "money" if key in FIELD_MONEY else "number"
        low, high = field.interval(key) if field.replications > 1 else (None, None)
        rows.append([FIELD_KPI_LABELS[key], Styled(field.mean(key), unit), Styled(low, unit), Styled(high, unit)])
    columns = [Column("Home visits", "text", 52), Column("Mean", "number", 14), Column("95% low", "number", 12),
               Column("95% high", "number", 12)]
    _, last = write_table(ws, top, columns, rows, freeze=False, autofilter=False, currency=currency)
    caveat = interval_caveat(field.replications)
    notes = ("Per visit: over every visit made, void ones included (the account closed, promised or was on a call"
             " between planning and the visit). Debtor reached: paid at the door, promise, refusal or dispute."
             " Utilisation: driving and visiting time over the paid shifts (waiting at a door for the visiting hours"
             " is not busy).")
    ws.cell(row=last + 1, column=1, value=f"{notes} {caveat}".strip()).font = SUBTITLE_FONT

    day_top = _section(ws, last + GAP_ROWS + 2, "Home visits by day and outcome (mean over replications)")
    names = [FIELD_LABELS[k] if k != "void" else "Void" for k in field.outcomes]  # void: see the note above
    day_columns = [Column("Date", "date", 11), Column("Weekday", "text", 9, "center"),
                   *(Column(n, "count_mean", 11) for n in names), Column("All visits", "count_mean", 10)]
    start = rep.scenario.calendar.start_date
    day_rows = []
    for d, counts in enumerate(field.by_day):
        day = start + timedelta(days=d)
        day_rows.append([day, WEEKDAY_LABELS[day.weekday()], *counts, counts.sum()])
    _, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False, autofilter=False, currency=currency)
    chart = charts.stacked_bars(
        "Home visits per day by outcome", charts.Categories.days(ws, day_top, day_last),
        [ColumnRange(ws, 3 + j, day_top, day_last) for j in range(len(names))], y_title="Visits", y_format="#,##0")
    for series, outcome in zip(chart.series, field.outcomes, strict=True):
        color = FIELD_OUTCOME_COLORS[outcome].lstrip("#").upper()
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color
    chart.legend.position = "r"  # eight outcomes under the chart would leave the bars a sliver
    chart.width = LEGEND_RIGHT_WIDTH_CM  # type: ignore[assignment]  # stubs say int; openpyxl takes cm
    return place_chart(ws, chart, day_top, day_last, len(day_columns)) + GAP_ROWS
