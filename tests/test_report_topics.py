"""The Dialer, Portfolio, Workforce, Costs and Compliance sheets: every cell against the runs it came from.

Expected values are recomputed here from the raw `RunResult` arrays (not through
`wfm.views`), and tied to the Summary's own KPIs by conservation: hours and days add up
to the horizon's attempts, segments to the portfolio, categories to the total cost, and the
last day's "to date" columns to the run's KPI.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from wfm.experiment import RunPlan, Summary, replicate, summarize
from wfm.kpi import mean_over_runs
from wfm.report import build_workbook, write_report
from wfm.report.styles import FORMATS
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario
from wfm.sim.outbound.result import OUTCOMES, RULES
from wfm.sim.result import COST_CATEGORIES
from wfm.views.common import kpi_interval

SEED = 20260107
REPS = 2
RED, GREEN = "FFC7CE", "C6EFCE"


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in update.items():
        out[key] = merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def people_scenario(days: int = 3) -> Scenario:
    """Blended inbound + predictive outbound with stress, learning, attrition, hiring and a bonus scheme.

    Promises fall due one or two days after they are made, so a three-day run collects money;
    attrition is set high so that someone leaves within the horizon, and hires arrive a day after.
    """
    data = default_scenario().model_dump()
    return Scenario.model_validate(merge(data, {
        "name": "Blended with people",
        "calendar": {"horizon_days": days},
        "outbound": {"portfolio": {"accounts": 3000}, "conversation": {"due_days_min": 1, "due_days_max": 2}},
        "workforce": {"stress": {"enabled": True}, "learning": {"enabled": True},
                      "attrition": {"enabled": True, "annual_rate": 5.0},
                      "hiring": {"enabled": True, "lead_time_days": 1, "training_days": 1},
                      "incentives": {"scheme": "bonus", "bonus_per_kept_ptp": 2.0}},
    }))


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary, Scenario]:
    scenario = people_scenario()
    summary = replicate(scenario, RunPlan(REPS, SEED))
    path = write_report(tmp_path_factory.mktemp("people") / "people.xlsx", [summary], [scenario])
    return path, summary, scenario


def tables_on(ws) -> dict[str, tuple[int, list[str], list[list]]]:
    """Every table of a sheet by its first header: (header row, headers, rows of cells)."""
    found = {}
    row = 1
    while row <= ws.max_row:
        cell = ws.cell(row=row, column=1)
        if cell.fill.fgColor.rgb and cell.fill.fgColor.rgb.endswith("1F3864") and cell.value:
            headers = []
            col = 1
            while ws.cell(row=row, column=col).value is not None:
                headers.append(ws.cell(row=row, column=col).value)
                col += 1
            rows = []
            r = row + 1
            while ws.cell(row=r, column=1).value is not None:
                rows.append([ws.cell(row=r, column=c + 1) for c in range(len(headers))])
                r += 1
            key = headers[0] if headers[0] not in found else f"{headers[0]}#2"
            found[key] = (row, headers, rows)
            row = r
        row += 1
    return found


def close(cell, expected: float, unit: str | None = None) -> None:
    """The cell holds the expected number (openpyxl writes 16 significant digits), or is empty for NaN."""
    if expected is None or not math.isfinite(expected):
        assert cell.value is None, f"{cell.coordinate}: a missing value must be an empty cell, got {cell.value!r}"
        return
    is_number = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    assert is_number, f"{cell.coordinate}: {cell.value!r}"
    assert cell.value == pytest.approx(expected, rel=1e-14, abs=1e-12), cell.coordinate
    if unit is not None:
        assert cell.number_format == FORMATS[unit], cell.coordinate


def column(rows: list[list], headers: list[str], name: str) -> list:
    return [r[headers.index(name)] for r in rows]


def mean_nan(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


# --------------------------------------------------------------------------- sheets and charts


def test_topic_sheets_and_their_charts(people):
    path, _, _ = people
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Profile", "Dialer", "Portfolio", "Costs", "Workforce", "Compliance", "Daily",
                             "Intervals", "Inputs"]
    expected = {"Dialer": ("LineChart", 3), "Portfolio": ("BarChart", 2), "Workforce": ("BarChart", 2),
                "Costs": ("BarChart", len(COST_CATEGORIES))}
    for name, (kind, n_series) in expected.items():
        charts = wb[name]._charts
        assert [type(c).__name__ for c in charts] == [kind]
        chart = charts[0]
        series = list(chart.series) + [s for sub in getattr(chart, "_charts", [])[1:] for s in sub.series]
        assert len(series) == n_series, name
        for s in series:  # series point at this sheet's own cells
            assert s.val.numRef.f.startswith(f"'{name}'!") or s.val.numRef.f.startswith(f"{name}!")
    assert wb["Costs"]._charts[0].grouping == "stacked"
    for name in expected:
        assert wb[name].freeze_panes is not None


def test_inbound_only_has_no_campaign_sheets(tmp_path):
    base = default_scenario()
    scenario = base.model_copy(update={
        "calendar": base.calendar.model_copy(update={"horizon_days": 1}),
        "outbound": base.outbound.model_copy(update={"enabled": False}),
        "groups": tuple(g for g in base.groups if g.kind != "outbound"),
    })
    path = write_report(tmp_path / "in.xlsx", [replicate(scenario, RunPlan(REPS, SEED))], [scenario])
    assert load_workbook(path).sheetnames == ["Summary", "Profile", "Costs", "Workforce", "Daily", "Intervals",
                                              "Inputs"]


# --------------------------------------------------------------------------- dialer


def test_dialer_by_hour_equals_the_runs(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Dialer"]
    _, headers, rows = tables_on(ws)["Hour (center time)"]
    per_hour = 3600 // scenario.calendar.interval_s
    expected: dict[int, dict[str, float]] = {}
    for hour in range(24):
        per_run = []
        for run in summary.runs:
            ob = run.outbound
            idx = np.flatnonzero((np.arange(run.n_intervals) // per_hour) % 24 == hour)
            counts = {o: float(ob.outcomes[idx, i].sum()) for i, o in enumerate(OUTCOMES)}
            attempts = sum(counts.values())
            live = counts["dropped"] + counts["third_party"] + counts["rpc"]
            dialing = [i for i in idx if ob.outcomes[i].sum() > 0 and math.isfinite(ob.dial_level[i])]
            per_run.append(counts | {
                "attempts": attempts,
                "contact": ratio(counts["third_party"] + counts["rpc"], attempts),
                "rpc_rate": ratio(counts["rpc"], attempts), "drop": ratio(counts["dropped"], live),
                "level": float(np.mean(ob.dial_level[dialing])) if dialing else math.nan,
            })
        means = {k: mean_nan([p[k] for p in per_run]) for k in per_run[0]}
        if means["attempts"] > 0:
            expected[hour] = means
    assert [round(r[0].value.total_seconds()) for r in rows] == [h * 3600 for h in expected]
    labels = ["No answer", "Busy", "Invalid number", "Answering machine", "Dropped", "Third party", "RPC"]
    for row, want in zip(rows, expected.values(), strict=True):
        assert row[headers.index("Mode")].value == scenario.outbound.dialer.mode
        close(row[headers.index("Attempts")], want["attempts"], "count")
        for label, outcome in zip(labels, OUTCOMES, strict=True):
            close(row[headers.index(label)], want[outcome], "count")
        close(row[headers.index("Contact rate")], want["contact"], "ratio")
        close(row[headers.index("RPC rate")], want["rpc_rate"], "ratio")
        close(row[headers.index("Drop rate")], want["drop"], "ratio")
        close(row[headers.index("Mean dial level")], want["level"])
        # Outcomes partition the attempts; the predictive level never drops below one line per agent.
        assert sum(row[headers.index(label)].value for label in labels) == pytest.approx(row[2].value, rel=1e-12)
        assert row[headers.index("Mean dial level")].value >= 1
    total = sum(r[headers.index("Attempts")].value for r in rows)
    assert total == pytest.approx(summary.kpis["attempts"].mean, rel=1e-12)


def test_dialer_by_day_and_drop_rate_against_cap(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Dialer"]
    _, headers, rows = tables_on(ws)["Date"]
    cap = scenario.outbound.compliance.rules().drop_cap
    window = next(h for h in headers if h.startswith("Drop rate (") and "window" in h)
    assert len(rows) == scenario.calendar.horizon_days
    for d, row in enumerate(rows):
        assert row[0].value.date() == scenario.calendar.start_date + timedelta(days=d)
        per_run = [run.outbound.outcomes.reshape(-1, run.intervals_per_day, len(OUTCOMES))[d].sum(axis=0)
                   for run in summary.runs]
        close(row[headers.index("Attempts")], float(np.mean([p.sum() for p in per_run])), "count")
        close(row[headers.index("RPC")], float(np.mean([p[OUTCOMES.index("rpc")] for p in per_run])), "count")
        close(row[headers.index("Drop rate (day)")], summary.daily["drop_rate"][d], "ratio")
        close(row[headers.index(window)], mean_nan([float(r.outbound.drop_rate_window[d]) for r in summary.runs]),
              "ratio")
        close(row[headers.index("Drop-rate cap")], cap, "ratio")
    total = sum(r[headers.index("Attempts")].value for r in rows)
    assert total == pytest.approx(summary.kpis["attempts"].mean, rel=1e-12)
    # The first window holds only the first day: its rate is that day's rate, replication by replication.
    close(rows[0][headers.index(window)], summary.daily["drop_rate"][0])


# --------------------------------------------------------------------------- portfolio


def test_segment_funnel_equals_the_runs(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Portfolio"]
    _, headers, rows = tables_on(ws)["Segment"]
    segments = scenario.outbound.portfolio.segments
    assert [r[0].value for r in rows] == [s.name for s in segments] + ["All segments"]
    assert [r[1].value for r in rows[:-1]] == [f"{s.dpd_min}–{s.dpd_max}" for s in segments]
    fields = {"Accounts": "accounts", "Balance placed": "balance_placed", "Attempts": "attempts",
              "Live answers": "live", "RPC": "rpc", "PTP": "ptp", "Promises due": "promises_due",
              "Promises kept": "promises_kept", "Collected": "collected"}
    for i, row in enumerate(rows):
        def value(run, name, i=i):
            array = np.asarray(getattr(run.outbound.segments, name), dtype=float)
            return float(array.sum() if i == len(segments) else array[i])

        for header, name in fields.items():
            close(row[headers.index(header)], float(np.mean([value(r, name) for r in summary.runs])))
        rates = {
            "Penetration": ("accounts_with_rpc", "accounts"), "RPC rate": ("rpc", "attempts"),
            "PTP rate": ("ptp", "rpc"), "Kept rate": ("promises_kept", "promises_due"),
            "Recovery rate": ("collected", "balance_placed"), "Drop rate": ("dropped", "live"),
        }
        for header, (num, den) in rates.items():
            want = mean_nan([ratio(value(r, num), value(r, den)) for r in summary.runs])
            close(row[headers.index(header)], want, "ratio")
        contact = mean_nan([ratio(value(r, "live") - value(r, "dropped"), value(r, "attempts")) for r in summary.runs])
        close(row[headers.index("Contact rate")], contact, "ratio")
        # The funnel narrows at every step.
        at = {h: row[headers.index(h)].value for h in fields}
        assert at["Attempts"] >= at["Live answers"] >= at["RPC"] >= at["PTP"]
        assert at["Promises due"] >= at["Promises kept"]
    # The all-segments row is the whole campaign as the Summary measured it.
    total = rows[-1]
    assert total[headers.index("Attempts")].value == pytest.approx(summary.kpis["attempts"].mean, rel=1e-12)
    assert total[headers.index("Collected")].value == pytest.approx(summary.kpis["amount_collected"].mean, rel=1e-12)
    assert total[headers.index("Collected")].value > 0
    for header, key in (("Recovery rate", "recovery_rate"), ("PTP rate", "ptp_rate"), ("RPC rate", "rpc_rate"),
                        ("Kept rate", "kept_rate"), ("Penetration", "penetration")):
        assert total[headers.index(header)].value == pytest.approx(summary.kpis[key].mean, rel=1e-12), header


def test_collections_by_day_add_up_to_the_recovery(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Portfolio"]
    _, headers, rows = tables_on(ws)["Date"]
    assert len(rows) == scenario.calendar.horizon_days
    to_date = 0.0
    for d, row in enumerate(rows):
        close(row[headers.index("Collected")], summary.daily["amount_collected"][d], "money")
        close(row[headers.index("Promises kept")], float(np.mean([r.outbound.promises_kept[d] for r in summary.runs])))
        close(row[headers.index("Promises due")], float(np.mean([r.outbound.promises_due[d] for r in summary.runs])))
        to_date += summary.daily["amount_collected"][d]
        assert row[headers.index("Collected to date")].value == pytest.approx(to_date, rel=1e-12)
        made = np.mean([r.outbound.ptp.reshape(-1, r.intervals_per_day)[d].sum() for r in summary.runs])
        close(row[headers.index("Promises made")], float(made))
    last = rows[-1]
    assert last[headers.index("Collected to date")].value == pytest.approx(summary.kpis["amount_collected"].mean,
                                                                          rel=1e-12)
    assert last[headers.index("Recovery rate to date")].value == pytest.approx(summary.kpis["recovery_rate"].mean,
                                                                              rel=1e-12)


# --------------------------------------------------------------------------- workforce


def test_workforce_by_day_equals_the_runs(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Workforce"]
    _, headers, rows = tables_on(ws)["Date"]
    wf0 = summary.runs[0].workforce
    groups, bands = list(wf0.group_names), [f"Tenure {b}" for b in wf0.tenure_bands]
    assert set(groups + bands) <= set(headers)
    for name in ("Stress (mean)", "Stress (90th percentile)", "Productivity", "Requisitions opened",
                 "In training (agent-days)", "Attrition to date (annualised)"):
        assert name in headers
    assert sum(r.workforce.leavers.sum() for r in summary.runs) > 0, "the test needs someone to leave"
    assert sum(r.workforce.hires.sum() for r in summary.runs) > 0, "the test needs someone to be hired"
    for d, row in enumerate(rows):
        def mean(f, d=d):
            return float(np.mean([f(r.workforce, d) for r in summary.runs]))

        close(row[headers.index("Headcount")], mean(lambda wf, d: wf.headcount[d].sum()), "agents")
        for g, name in enumerate(groups):
            close(row[headers.index(name)], mean(lambda wf, d, g=g: wf.headcount[d, g].sum()), "agents")
        for b, name in enumerate(bands):
            close(row[headers.index(name)], mean(lambda wf, d, b=b: wf.headcount[d, :, b].sum()), "agents")
        close(row[headers.index("Leavers")], mean(lambda wf, d: wf.leavers[d].sum()), "count")
        close(row[headers.index("Hires")], mean(lambda wf, d: wf.hires[d].sum()), "count")
        close(row[headers.index("Agent-shifts missed")], mean(lambda wf, d: wf.absent[d].sum()), "count")
        for header, key in (("Absence rate", "absence_rate"), ("Stress (mean)", "stress_mean"),
                            ("Stress (90th percentile)", "stress_p90"), ("Productivity", "productivity")):
            close(row[headers.index(header)], summary.daily[key][d], "ratio")
        # Groups and tenure bands each split the headcount.
        head = row[headers.index("Headcount")].value
        assert sum(row[headers.index(n)].value for n in groups) == pytest.approx(head, rel=1e-12)
        assert sum(row[headers.index(n)].value for n in bands) == pytest.approx(head, rel=1e-12)
    # Attrition to date on the last day is each run's annualised attrition, averaged: the Summary's KPI.
    last = rows[-1][headers.index("Attrition to date (annualised)")]
    assert last.value == pytest.approx(summary.kpis["attrition"].mean, rel=1e-12)


def test_hiring_adds_requisition_and_training_columns(tmp_path):
    base = default_scenario()
    data = base.model_dump()
    scenario = Scenario.model_validate(merge(data, {
        "calendar": {"horizon_days": 3}, "outbound": {"enabled": False},
        "groups": [g for g in data["groups"] if g["kind"] == "inbound"],
        "workforce": {"attrition": {"enabled": True, "annual_rate": 5.0},
                      "hiring": {"enabled": True, "lead_time_days": 1, "training_days": 1}},
    }))
    summary = replicate(scenario, RunPlan(REPS, SEED))
    ws = build_workbook([summary], [scenario])["Workforce"]
    _, headers, rows = tables_on(ws)["Date"]
    assert "Stress (mean)" not in headers and "Productivity" not in headers  # features off: no columns of zeros
    for d, row in enumerate(rows):
        for header, name in (("Hires", "hires"), ("Requisitions opened", "requisitions"),
                             ("In training (agent-days)", "training")):
            want = float(np.mean([getattr(r.workforce, name)[d].sum() for r in summary.runs]))
            close(row[headers.index(header)], want, "count")


def test_two_weeks_add_a_weekly_workforce_table():
    # the people model over two weeks; the dialer, nine tenths of the run time, adds nothing to this table
    scenario = Scenario.model_validate(merge(people_scenario(days=14).model_dump(), {"outbound": {"enabled": False}}))
    summary = replicate(scenario, RunPlan(REPS, SEED))
    ws = build_workbook([summary], [scenario])["Workforce"]
    tables = tables_on(ws)
    _, headers, rows = tables["Week starting"]
    assert len(rows) == 2 and len(tables["Date"][2]) == 14
    for w, row in enumerate(rows):
        days = slice(7 * w, 7 * w + 7)
        assert row[0].value == scenario.calendar.start_date + timedelta(days=7 * w)  # in memory: a date
        heads = [r.workforce.headcount[days].sum() for r in summary.runs]
        leavers = [r.workforce.leavers[days].sum() for r in summary.runs]
        close(row[headers.index("Headcount")], float(np.mean([h / 7 for h in heads])), "agents")
        close(row[headers.index("Leavers")], float(np.mean(leavers)), "count")
        close(row[headers.index("Attrition (annualised)")],
              float(np.mean([n * 365 / h for n, h in zip(leavers, heads, strict=True)])), "ratio")
    weekly_leavers = sum(r[headers.index("Leavers")].value for r in rows)
    assert weekly_leavers == pytest.approx(summary.kpis["leavers"].mean, rel=1e-12)
    # The daily chart sits under the daily table, and the weekly table below the chart, never under it.
    chart_row = coordinate_from_string(ws._charts[0].anchor)[1]  # in memory the anchor is still "A20"
    assert tables["Date"][0] + 14 < chart_row < tables["Week starting"][0] - 17


# --------------------------------------------------------------------------- costs


def test_costs_by_category_and_day(people):
    path, summary, _ = people
    ws = load_workbook(path)["Costs"]
    tables = tables_on(ws)
    _, headers, rows = tables["Category"]
    labels = ["Wages", "Bonuses", "Telephony", "Dialer seats", "Hiring", "Overhead", "Messages", "Field visits",
              "Legal action", "Total", "Cost per call", "Cost to collect"]
    assert [r[0].value for r in rows] == labels
    days = len(summary.daily["cost_total"])
    keys = [f"cost_{c}" for c in COST_CATEGORIES] + ["cost_total", "cost_per_call", "cost_to_collect"]
    total = summary.kpis["cost_total"].mean
    for row, key in zip(rows, keys, strict=True):
        est = summary.kpis[key]
        close(row[1], est.mean, "money")
        low, high = kpi_interval(key, est)
        close(row[2], low, "money")
        close(row[3], high, "money")
        if key.startswith("cost_per") or key == "cost_to_collect":
            assert row[4].value is None and row[5].value is None
        else:
            close(row[4], est.mean / days, "money")
            close(row[5], est.mean / total, "ratio")
    # Categories add up to the total, replication by replication and so in the mean.
    assert sum(r[1].value for r in rows[:len(COST_CATEGORIES)]) == pytest.approx(total, rel=1e-12)
    assert summary.kpis["cost_bonuses"].mean > 0  # the bonus scheme pays
    _, day_headers, day_rows = tables["Date"]
    assert len(day_rows) == days
    for d, row in enumerate(day_rows):
        for key, header in zip(keys, day_headers[2:], strict=True):
            close(row[day_headers.index(header)], summary.daily[key][d], "money")


# --------------------------------------------------------------------------- compliance


def test_compliance_counts_and_windows(people):
    path, summary, scenario = people
    ws = load_workbook(path)["Compliance"]
    tables = tables_on(ws)
    _, headers, rows = tables["Rule"]
    assert len(rows) == len(RULES)
    limits = {r[0].value: r[1].value for r in rows}
    assert limits["Gap between attempts to an account"] == "120 min"
    assert limits["Attempts per account per day"] == "at most 4"  # the Italian preset
    assert limits["Drop-rate cap (dialer paced down)"] == "3.0% over 30 day(s)"
    assert limits["Calling window (local time)"] == "mon–sat 08:00–21:00; sun none"
    for i, row in enumerate(rows):
        close(row[2], float(np.mean([r.outbound.blocked[i] for r in summary.runs])), "count")
        close(row[3], 0.0)
        assert row[4].value == 0
        assert row[5].value == "0 — OK" and row[5].fill.fgColor.rgb.endswith(GREEN)
    _, w_headers, w_rows = tables["Window ends"]
    cap = scenario.outbound.compliance.rules().drop_cap
    for d, row in enumerate(w_rows):
        rates = [float(r.outbound.drop_rate_window[d]) for r in summary.runs]
        close(row[w_headers.index("Drop rate (mean)")], mean_nan(rates), "ratio")
        close(row[w_headers.index("Highest replication")], max(rates), "ratio")
        close(row[w_headers.index("Cap")], cap, "ratio")
        over = sum(rate > cap for rate in rates)
        assert row[w_headers.index("Replications over cap")].value == over
        assert row[w_headers.index("Status")].value == ("OVER CAP" if over else "within cap")
        assert row[w_headers.index("Days covered")].value == d + 1
        assert row[w_headers.index("Window starts")].value.date() == scenario.calendar.start_date


def test_violations_and_windows_over_cap_turn_red(people):
    """A run that broke the rules (forged here: the dialer itself never does) shows red everywhere it counts."""
    _, summary, scenario = people
    broken = []
    for run in summary.runs:
        ob = run.outbound
        violations = ob.violations.copy()
        violations[RULES.index("min_gap")] = 3
        window = ob.drop_rate_window.copy()
        window[-1] = ob.drop_cap + 0.01
        broken.append(replace(run, outbound=replace(ob, violations=violations, drop_rate_window=window)))
    forged = summarize(scenario, summary.seed, broken)
    wb = build_workbook([forged], [scenario])
    tables = tables_on(wb["Compliance"])
    _, _, rows = tables["Rule"]
    gap = rows[RULES.index("min_gap")]
    assert gap[3].value == 3 and gap[4].value == REPS
    assert gap[5].value == "VIOLATED" and gap[5].fill.fgColor.rgb.endswith(RED)
    assert all(r[5].value == "0 — OK" for i, r in enumerate(rows) if i != RULES.index("min_gap"))
    _, w_headers, w_rows = tables["Window ends"]
    status = w_rows[-1][w_headers.index("Status")]
    assert status.value == "OVER CAP" and status.fill.fgColor.rgb.endswith(RED)
    summary_rows = {r[0].value: r for key in ("KPI", "KPI#2") for r in tables_on(wb["Summary"])[key][2]}
    assert summary_rows["Rule violations"][5].value.startswith("missed")
    assert summary_rows["Rule violations"][5].fill.fgColor.rgb.endswith(RED)


# --------------------------------------------------------------------------- helpers


def test_mean_over_runs_by_hand():
    tables = [{"a": np.array([1.0, np.nan, np.nan]), "b": np.array([2.0, 4.0, 0.0])},
              {"a": np.array([3.0, 5.0, np.nan]), "b": np.array([4.0, 0.0, 1.0])}]
    mean = mean_over_runs(tables)
    assert list(mean["a"][:2]) == [2.0, 5.0] and math.isnan(mean["a"][2])
    assert list(mean["b"]) == [3.0, 2.0, 0.5]
