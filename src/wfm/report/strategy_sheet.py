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
from wfm.views.common import kpi_interval
from wfm.views.strategy import (
    BUCKET_LABELS,
    CAUSE_LABELS,
    FIELD_LABELS,
    OFFER_LABELS,
    Liquidation,
    gain_verdict,
    strategy_view,
)

GAP_ROWS = 2
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
    p = view.paths
    path_rows = [[p["path"][i], p["accounts"][i], p["balance"][i], p["collected"][i], p["recovery_rate"][i],
                  p["message_cost"][i], p["attempts_per_account"][i], p["reach_rate"][i],
                  p["message_cost_per_euro"][i]] for i in range(len(p["path"]))]
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
        _, arm_last = write_table(ws, arm_top, path_columns, arm_rows, freeze=False, autofilter=False,
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

    if view.field:
        field_top = _section(ws, row, "Home visits")
        money = ("cost", "collected", "cost_per_euro")
        field_rows = [[FIELD_LABELS[k], Styled(v, "money" if k in money else "number")] for k, v in view.field.items()]
        _, field_last = write_table(ws, field_top, [Column("Field", "text", 40), Column("Mean", "number", 14)],
                                    field_rows, freeze=False, autofilter=False, currency=currency)
        row = field_last + GAP_ROWS + 1
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
