"""Sheets of the collections campaign: Dialer, Portfolio and Compliance (written only with outbound).

Each sheet is a function of one `ScenarioReport`; its tables come from `wfm.views`
(means over replications) and `Summary.daily`, and its chart points at its own cells.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.report.scenario_report import WEEKDAY_LABELS, ScenarioReport, place_chart
from wfm.report.styles import (
    BAD_FILL,
    BAD_FONT,
    GOOD_FILL,
    GOOD_FONT,
    LABEL_FONT,
    Column,
    money_format,
    set_print_layout,
    write_table,
)
from wfm.scenario import WEEKDAYS, format_time_of_day
from wfm.scenario.outbound import Rules
from wfm.sim.outbound.result import OUTCOMES, RULES
from wfm.views.dialer import dialer_by_day, dialer_by_hour, pack_counts, rule_counts
from wfm.views.funnel import segment_funnel
from wfm.views.recovery import portfolio_by_day

OUTCOME_LABELS: dict[str, str] = {
    "no_answer": "No answer", "busy": "Busy", "invalid": "Invalid number", "machine": "Answering machine",
    "dropped": "Dropped", "third_party": "Third party", "rpc": "RPC",
}
RULE_LABELS: dict[str, str] = {
    "window": "Calling window (local time)",
    "holiday": "No calls on the debtor's public holidays",
    "max_attempts_7d": "Attempts per account in 7 days (Reg F §1006.14(b)(2)(i))",
    "rest_after_rpc": "Rest after a right-party conversation (Reg F §1006.14(b)(2)(ii))",
    "max_attempts_day": "Attempts per account per day",
    "max_contacts_day": "Right-party contacts per account per day",
    "redial_after_drop": "No redial after a dropped call",
    "min_gap": "Gap between attempts to an account",
    "drop_cap": "Drop-rate cap (dialer paced down)",
    "redial_after_amd": "No paced redial after an AMD-detected machine (Ofcom)",
    "silence": "Live answer to an agent within the silence limit (Ofcom 2 s)",
    "channel_week": "One channel a week, one contact a day over channels (Ley 2300)",
}
# The `Rules` field that sets each rule of `RULES` (where `Compliance.rule_sources` finds its legal source).
RULE_FIELDS: dict[str, str] = {
    "window": "windows", "holiday": "no_holidays", "max_attempts_7d": "max_attempts_7d",
    "rest_after_rpc": "rest_after_rpc_days", "max_attempts_day": "max_attempts_day",
    "max_contacts_day": "max_contacts_day", "redial_after_drop": "no_redial_after_drop_h", "min_gap": "min_gap_min",
    "drop_cap": "drop_cap", "redial_after_amd": "no_redial_after_amd_h", "silence": "max_silence_s",
    "channel_week": "one_channel_per_week",
}
NOT_IN_FORCE = "not in force"
WHOLE = ", whole campaign"  # with several rule packs the Dialer sheet's window rate is the campaign's headline
GAP_ROWS = 2  # empty rows between two tables of one sheet


def _outbound_runs(rep: ScenarioReport) -> bool:
    return rep.scenario.outbound.enabled and any(r.outbound is not None for r in rep.summary.runs)


def _dates(rep: ScenarioReport, n_days: int) -> list[date]:
    start = rep.scenario.calendar.start_date
    return [start + timedelta(days=d) for d in range(n_days)]


def headline_cap(rep: ScenarioReport) -> tuple[float, int]:
    """The cap and window of the campaign-wide drop rate (`OutboundSeries.drop_rate_window`).

    One rule pack: its own. Several: the lowest cap over the shortest window, the headline the
    result keeps (each pack's own are in the Compliance sheet's table by jurisdiction).
    """
    packs = rep.scenario.outbound.compliance.packs()
    return min(p.rules.drop_cap for p in packs), min(p.rules.drop_window_days for p in packs)


def _section(ws: Worksheet, row: int, text: str) -> int:
    """A small heading above a second table; returns the table's header row."""
    ws.cell(row=row, column=1, value=text).font = LABEL_FONT
    return row + 1


# --------------------------------------------------------------------------------------------
# Dialer
# --------------------------------------------------------------------------------------------


def dialer_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """Attempts by outcome, contact, RPC and drop rates and dial level by hour and by day.

    A run has one dialer mode, shown in a column so that sheets of compared scenarios line up.
    The chart sets the drop rate of each day and of the regulatory window ending that day
    against the cap.
    """
    if not _outbound_runs(rep):
        return None
    hourly, daily = dialer_by_hour(rep.summary), dialer_by_day(rep.summary)
    mode = rep.scenario.outbound.dialer.mode
    cap_value, window_days = headline_cap(rep)
    several = len(rep.scenario.outbound.compliance.packs()) > 1  # each jurisdiction's own: the Compliance sheet
    ws, top = rep.open_sheet(
        wb, "Dialer", "Dialer", facts=[("Dialer mode", mode)],
        subtitle=("Attempts are counted in the hour they were dialed (center time), over all days; mean over"
                  " replications, rates as the mean of the replications' rates. Dial level: lines per available"
                  " agent at the end of each interval the dialer worked. Fallback: attempts and hours while the"
                  " drop-cap guard held the dialer to one line per agent (hours only while it could dial)."),
    )
    outcome_columns = [Column(OUTCOME_LABELS[o], "count", 11) for o in OUTCOMES]
    columns = [Column("Hour (center time)", "time", 11), Column("Mode", "text", 11, "center"),
               Column("Attempts", "count", 11), *outcome_columns,
               Column("Contact rate", "ratio", 10), Column("RPC rate", "ratio", 10),
               Column("Drop rate", "ratio", 10), Column("Mean dial level", "number", 10)]
    rows = [[hourly["hour"][i] / 24, mode, hourly["attempts"][i], *(hourly[o][i] for o in OUTCOMES),
             hourly["contact_rate"][i], hourly["rpc_rate"][i], hourly["drop_rate"][i], hourly["dial_level"][i]]
            for i in range(len(hourly.get("hour", ())))]
    first, last = write_table(ws, top, columns, rows, currency=rep.currency)

    day_top = _section(ws, last + GAP_ROWS + 1, "By day")
    n_days = len(daily["attempts"])
    dates = _dates(rep, n_days)
    cap = np.full(n_days, cap_value)
    day_columns = [Column("Date", "date", 11), Column("Weekday", "text", 11, "center"),
                   Column("Attempts", "count", 11), *outcome_columns,
                   Column("Drop rate (day)", "ratio", 10),
                   Column(f"Drop rate ({window_days}-day window){WHOLE if several else ''}", "ratio", 10),
                   Column("Drop-rate cap" if not several else "Lowest cap of the jurisdictions", "ratio", 10),
                   Column("Fallback attempts", "count", 10),
                   Column("Fallback time (h)", "number", 10)]
    day_rows = [[d, WEEKDAY_LABELS[d.weekday()], daily["attempts"][i], *(daily[o][i] for o in OUTCOMES),
                 daily["drop_rate"][i], daily["drop_rate_window"][i], cap[i], daily["fallback_attempts"][i],
                 daily["fallback_h"][i]]
                for i, d in enumerate(dates)]
    day_first, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False,
                                  autofilter=False, currency=rep.currency)
    drop_col = 3 + 1 + len(OUTCOMES)
    chart = charts.lines_chart(
        "Drop rate vs cap", charts.Categories.days(ws, day_top, day_last),
        [ColumnRange(ws, drop_col + j, day_top, day_last) for j in range(3)],
        y_title="Dropped / live answers", y_format="0.0%",
    )
    place_chart(ws, chart, day_top, day_last, len(day_columns))
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws


# --------------------------------------------------------------------------------------------
# Portfolio
# --------------------------------------------------------------------------------------------


def portfolio_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """The collection funnel per risk segment and the money collected day by day.

    The result records the funnel per risk segment, not per DPD band; each segment's range of
    days past due at placement (from the scenario) is shown next to it instead.
    """
    if not _outbound_runs(rep):
        return None
    funnel = segment_funnel(rep.summary, rep.scenario)
    daily = portfolio_by_day(rep.summary)
    if funnel is None:
        return None
    ws, top = rep.open_sheet(
        wb, "Portfolio", "Portfolio",
        subtitle=("Funnel over the horizon per risk segment (segments are defined by their DPD range at placement;"
                  " the model does not record DPD bands within a segment). Mean over replications; rates are the"
                  " mean of the replications' rates."),
    )
    cols = funnel.columns
    spec: list[tuple[str, Column]] = [
        ("accounts", Column("Accounts", "count", 10)), ("balance_placed", Column("Balance placed", "money", 14)),
        ("attempts", Column("Attempts", "count", 10)), ("live", Column("Live answers", "count", 10)),
        ("rpc", Column("RPC", "count", 9)), ("ptp", Column("PTP", "count", 9)),
        ("promises_due", Column("Promises due", "count", 9)), ("promises_kept", Column("Promises kept", "count", 9)),
        ("collected", Column("Collected", "money", 13)), ("penetration", Column("Penetration", "ratio", 11)),
        ("contact_rate", Column("Contact rate", "ratio", 9)), ("rpc_rate", Column("RPC rate", "ratio", 9)),
        ("ptp_rate", Column("PTP rate", "ratio", 9)), ("kept_rate", Column("Kept rate", "ratio", 9)),
        ("recovery_rate", Column("Recovery rate", "ratio", 9)), ("drop_rate", Column("Drop rate", "ratio", 9)),
    ]
    columns = [Column("Segment", "text", 14), Column("DPD at placement", "text", 11, "center")]
    columns += [c for _, c in spec]
    rows = [[name, funnel.dpd[i], *(cols[key][i] for key, _ in spec)] for i, name in enumerate(funnel.names)]
    first, last = write_table(ws, top, columns, rows, autofilter=False, currency=rep.currency)
    for col in range(1, len(columns) + 1):
        ws.cell(row=last, column=col).font = Font(bold=True)

    day_top = _section(ws, last + GAP_ROWS + 1, "By day")
    n_days = len(daily["ptp"])
    day_spec: list[tuple[str, Column]] = [
        ("ptp", Column("Promises made", "count", 10)), ("promises_due", Column("Promises due", "count", 10)),
        ("promises_kept", Column("Promises kept", "count", 10)),
        ("promises_broken", Column("Promises broken", "count", 10)),
        ("amount_promised", Column("Amount promised", "money", 14)),
        ("amount_collected", Column("Collected", "money", 13)),
        ("collected_to_date", Column("Collected to date", "money", 14)),
        ("recovery_to_date", Column("Recovery rate to date", "ratio", 10)),
        ("accounts_paid_off", Column("Accounts paid off", "count", 10)),
    ]
    day_columns = [Column("Date", "date", 11), Column("Weekday", "text", 11, "center")] + [c for _, c in day_spec]
    day_rows = [[d, WEEKDAY_LABELS[d.weekday()], *(daily[key][i] for key, _ in day_spec)]
                for i, d in enumerate(_dates(rep, n_days))]
    _, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False,
                                  autofilter=False, currency=rep.currency)
    keys = [key for key, _ in day_spec]
    col_of = {key: 3 + keys.index(key) for key in keys}
    chart = charts.volume_and_rate_chart(
        "Daily collections and cumulative collected", charts.Categories.days(ws, day_top, day_last),
        [ColumnRange(ws, col_of["amount_collected"], day_top, day_last)],
        [ColumnRange(ws, col_of["collected_to_date"], day_top, day_last)],
        bar_title="Collected per day", line_title="Collected to date",
        line_format=money_format(rep.currency, 0), line_max=None,
    )
    chart.y_axis.number_format = money_format(rep.currency, 0)
    place_chart(ws, chart, day_top, day_last, len(day_columns))
    set_print_layout(ws, title_rows=f"{top}:{top}")
    return ws


# --------------------------------------------------------------------------------------------
# Compliance
# --------------------------------------------------------------------------------------------


def _windows_text(rules: Rules) -> str:
    """Calling windows per weekday, consecutive days with the same window grouped ("mon–sat 08:00–21:00")."""
    def window(day: str) -> str:
        w = rules.windows.get(day)  # type: ignore[call-overload]
        return "none" if w is None else f"{format_time_of_day(w.start)}–{format_time_of_day(w.end)}"

    parts: list[str] = []
    i = 0
    while i < len(WEEKDAYS):
        j = i
        while j + 1 < len(WEEKDAYS) and window(WEEKDAYS[j + 1]) == window(WEEKDAYS[i]):
            j += 1
        days = WEEKDAYS[i] if i == j else f"{WEEKDAYS[i]}–{WEEKDAYS[j]}"
        parts.append(f"{days} {window(WEEKDAYS[i])}")
        i = j + 1
    return "; ".join(parts)


def rule_limits(rules: Rules) -> dict[str, str]:
    """The limit each rule of `RULES` sets in this scenario, in words ("not in force" when off)."""
    off = NOT_IN_FORCE
    regions = ", ".join(rules.holiday_regions) or "accounts' own only"
    excluded = [what for what, counted in (("consented callbacks", rules.count_consented_calls),
                                           ("calls not connected", rules.count_unconnected_calls)) if not counted]
    exclusions = (f"; not counted (§1006.14(b)(3)): {', '.join(excluded)}" if excluded
                  else "; every call counted (stricter than §1006.14(b)(3))")
    return {
        "window": _windows_text(rules),
        "holiday": f"in force: {regions} (or the account's country)" if rules.no_holidays else off,
        "max_attempts_7d": f"at most {rules.max_attempts_7d}{exclusions}" if rules.max_attempts_7d else off,
        "rest_after_rpc": (f"{rules.rest_after_rpc_days:g} days"
                           f"{'' if rules.count_consented_calls else '; consented callbacks may be placed'}"
                           if rules.rest_after_rpc_days else off),
        "max_attempts_day": f"at most {rules.max_attempts_day}" if rules.max_attempts_day else off,
        "max_contacts_day": f"at most {rules.max_contacts_day}" if rules.max_contacts_day else off,
        "redial_after_drop": f"{rules.no_redial_after_drop_h:g} h" if rules.no_redial_after_drop_h else off,
        "min_gap": f"{rules.min_gap_min:g} min" if rules.min_gap_min else off,
        "drop_cap": f"{rules.drop_cap:.1%} over {rules.drop_window_days} day(s)",
        "redial_after_amd": (f"{rules.no_redial_after_amd_h:g} h, unless an agent is guaranteed"
                             if rules.no_redial_after_amd_h else off),
        "silence": (f"{rules.max_silence_s:g} s from the end of the greeting, AMD listening included"
                    if rules.max_silence_s else off),
        "channel_week": ("one channel a calendar week (a message keeps the dialer off that week); a message is"
                         " the day's contact" if rules.one_channel_per_week else off),
    }


def _status(ws: Worksheet, row: int, col: int, ok: bool | None, ok_text: str, bad_text: str) -> None:
    if ok is None:
        return
    cell = ws.cell(row=row, column=col, value=ok_text if ok else bad_text)
    cell.fill, cell.font = (GOOD_FILL, GOOD_FONT) if ok else (BAD_FILL, BAD_FONT)
    cell.alignment = Alignment(horizontal="center")


def compliance_sheet(wb: Workbook, rep: ScenarioReport) -> Worksheet | None:
    """Blocked attempts and audit violations by rule, and the drop rate of every regulatory window.

    Violations must be zero: any replication with one turns its rule red. A window is red when
    some replication's drop rate over it broke the cap. Below them, each rule pack (the debtors of
    one jurisdiction, `Compliance.by_country`) on its own: its counts and its drop rate against
    its own cap, then the rules in force in it with their legal source (`pack_tables`).
    """
    counts = rule_counts(rep.summary) if _outbound_runs(rep) else None
    if counts is None:
        return None
    rules = rep.scenario.outbound.compliance.rules()
    compliance = rep.scenario.outbound.compliance
    presets = ", ".join(compliance.presets) or "none"
    loosened = [(f"Loosened: {rule}", f"{custom} (presets: {preset})")
                for rule, preset, custom in compliance.loosened()]
    by_country = [("Presets by jurisdiction", "; ".join(f"{name}: {', '.join(p)}"
                                                           for name, p in compliance.by_country.items()))]
    ws, top = rep.open_sheet(
        wb, "Compliance", "Compliance", facts=[("Presets", presets)] + (by_country if compliance.by_country else [])
        + loosened,
        subtitle=("Blocked: candidate accounts a rule kept the dialer from calling. Violations: attempts an"
                  " independent audit found breaking a rule; they must be 0. Means per replication."),
    )
    several = len(compliance.packs()) > 1
    # With rule packs each jurisdiction has its own limits: they are listed per pack below the totals.
    limits = {rule: "per jurisdiction (below)" for rule in RULES} if several else rule_limits(rules)
    columns = [Column("Rule", "text", 36), Column("Limit in force", "text", 40),
               Column("Blocked (mean)", "count", 12), Column("Violations (mean)", "number", 12),
               Column("Replications with violations", "integer", 13), Column("Status", "text", 14)]
    rows = [[RULE_LABELS.get(rule, rule), limits.get(rule, ""), counts.blocked[i], counts.violations[i],
             counts.runs_violating[i], None] for i, rule in enumerate(RULES)]
    first, last = write_table(ws, top, columns, rows, autofilter=False, currency=rep.currency)
    for i in range(len(RULES)):
        _status(ws, first + i, 6, counts.runs_violating[i] == 0, "0 — OK", "VIOLATED")

    daily = dialer_by_day(rep.summary)
    headline, w = headline_cap(rep)
    over = int(daily["windows_over_cap"].sum())
    summary_row = last + GAP_ROWS
    ws.cell(row=summary_row, column=1, value="Window-days over the cap (all replications)").font = LABEL_FONT
    _status(ws, summary_row, 2, over == 0, "0 — OK", f"{over} over the cap")
    if several:
        day_last = _pack_window_table(ws, rep, summary_row + 2)
    else:
        day_last = _window_table(ws, rep, summary_row + 2, daily, headline, w)
    pack_tables(ws, rep, day_last + GAP_ROWS + 1)
    set_print_layout(ws, landscape=False, title_rows=f"{top}:{top}")
    return ws


def _window_table(ws: Worksheet, rep: ScenarioReport, row: int, daily: dict[str, np.ndarray], cap: float,
                  w: int) -> int:
    """The drop rate over the regulatory window ending each day against the cap (one rule pack); the last row."""
    n_days = len(daily["attempts"])
    day_top = _section(ws, row, f"Drop rate over the {w}-day regulatory window ending each day")
    day_columns = [Column("Window ends", "date", 12), Column("Window starts", "date", 12),
                   Column("Days covered", "integer", 9), Column("Drop rate (mean)", "ratio", 11),
                   Column("Highest replication", "ratio", 11), Column("Cap", "ratio", 9),
                   Column("Replications over cap", "integer", 11), Column("Status", "text", 14)]
    dates = _dates(rep, n_days)
    day_rows = []
    for d in range(n_days):
        start = max(0, d - w + 1)
        day_rows.append([dates[d], dates[start], d - start + 1, daily["drop_rate_window"][d],
                         daily["drop_rate_window_max"][d], cap, daily["windows_over_cap"][d], None])
    day_first, day_last = write_table(ws, day_top, day_columns, day_rows, freeze=False,
                                      autofilter=False, currency=rep.currency)
    for d in range(n_days):
        has_rate = bool(np.isfinite(daily["drop_rate_window_max"][d]))
        _status(ws, day_first + d, 8, daily["windows_over_cap"][d] == 0 if has_rate else None,
                "within cap", "OVER CAP")
    return day_last


def _pack_window_table(ws: Worksheet, rep: ScenarioReport, row: int) -> int:
    """Each rule pack's drop rate over its own window ending each day (mean and highest replication); the last row.

    A day is over the cap when some replication's window of some pack broke that pack's own cap.
    """
    counts = pack_counts(rep.summary)
    if counts is None:
        return row
    shown = [i for i in range(len(counts.names)) if counts.accounts[i] > 0]
    day_top = _section(ws, row, "Drop rate of each jurisdiction over its own regulatory window ending each day,"
                                " against its own cap (mean over replications; highest replication)")
    columns = [Column("Window ends", "date", 12)]
    for i in shown:
        head = f"{counts.labels[i]}: {int(counts.drop_window_days[i])} d, cap {counts.drop_cap[i]:.1%}"
        columns += [Column(f"{head} (mean)", "ratio", 12), Column(f"{head} (highest)", "ratio", 12)]
    columns += [Column("Windows over cap", "integer", 10), Column("Status", "text", 14)]
    n_days = counts.drop_rate_window.shape[1]
    dates = _dates(rep, n_days)
    rows = []
    for d in range(n_days):
        rates = [v for i in shown for v in (counts.drop_rate_window[i, d], counts.drop_rate_window_high[i, d])]
        rows.append([dates[d], *rates, int(counts.windows_over_cap_day[d]), None])
    first, last = write_table(ws, day_top, columns, rows, freeze=False, autofilter=False, currency=rep.currency)
    for d in range(n_days):
        has_rate = bool(np.any(np.isfinite(counts.drop_rate_window_high[shown, d])))
        _status(ws, first + d, len(columns), counts.windows_over_cap_day[d] == 0 if has_rate else None,
                "within cap", "OVER CAP")
    return last


def pack_tables(ws: Worksheet, rep: ScenarioReport, row: int) -> int:
    """Per rule pack: its counts and drop rate against its own cap, then its rules in force with their legal source.

    The packs are the jurisdictions of `Compliance.by_country` and the default one (`presets`) of
    the debtors without an entry; a pack no account falls in is left out (the default is kept
    when it is the only one). Returns the last row written.
    """
    counts = pack_counts(rep.summary)
    if counts is None:
        return row
    compliance = rep.scenario.outbound.compliance
    shown = [i for i in range(len(counts.names)) if counts.accounts[i] > 0 or len(counts.names) == 1]
    top = _section(ws, row, "By jurisdiction: each rule pack's debtors against their own rules and cap")
    columns = [Column("Jurisdiction", "text", 14), Column("Presets", "text", 18), Column("Accounts", "count", 10),
               Column("Attempts (mean)", "count", 11), Column("Blocked (mean)", "count", 11),
               Column("Live answers (mean)", "count", 11), Column("Dropped (mean)", "number", 10),
               Column("Drop rate (run)", "ratio", 10), Column("Highest window drop rate", "ratio", 11),
               Column("Cap", "ratio", 9), Column("Window (days)", "integer", 9),
               Column("Window-days over cap", "integer", 11), Column("Violations (mean)", "number", 11),
               Column("Status", "text", 14)]
    rows = [[counts.labels[i], ", ".join(counts.presets[i]) or "none (defaults)", counts.accounts[i],
             counts.attempts[i], float(counts.blocked[i].sum()), counts.live[i], counts.dropped[i],
             counts.drop_rate[i], counts.drop_rate_window_max[i], counts.drop_cap[i],
             int(counts.drop_window_days[i]), int(counts.windows_over_cap[i]), float(counts.violations[i].sum()), None]
            for i in shown]
    first, last = write_table(ws, top, columns, rows, freeze=False, autofilter=False, currency=rep.currency)
    for k, i in enumerate(shown):
        ok = counts.windows_over_cap[i] == 0 and counts.runs_violating[i].sum() == 0
        _status(ws, first + k, len(columns), bool(ok), "0 — OK", "VIOLATED")

    rules_top = _section(ws, last + GAP_ROWS + 1, "Rules in force by jurisdiction, with their legal source")
    rule_columns = [Column("Jurisdiction", "text", 14), Column("Rule", "text", 36),
                    Column("Limit in force", "text", 40), Column("Legal source", "text", 50),
                    Column("Blocked (mean)", "count", 11), Column("Violations (mean)", "number", 11),
                    Column("Status", "text", 14)]
    rule_rows: list[list[object]] = []
    status: list[bool] = []
    for i in shown:
        name = counts.names[i]
        limits = rule_limits(compliance.rules(name))
        sources = compliance.rule_sources(name)
        for r, rule in enumerate(RULES):
            limit = limits.get(rule, "")
            if limit == NOT_IN_FORCE and not counts.blocked[i, r] and not counts.violations[i, r]:
                continue
            rule_rows.append([counts.labels[i], RULE_LABELS.get(rule, rule), limit,
                              sources.get(RULE_FIELDS[rule], "") or "-", counts.blocked[i, r],
                              counts.violations[i, r], None])
            status.append(counts.runs_violating[i, r] == 0)
    rules_first, rules_last = write_table(ws, rules_top, rule_columns, rule_rows, freeze=False, autofilter=False,
                                          currency=rep.currency)
    for k, ok in enumerate(status):
        _status(ws, rules_first + k, len(rule_columns), bool(ok), "0 — OK", "VIOLATED")
    return rules_last
