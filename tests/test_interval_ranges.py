"""Confidence intervals within each KPI's possible range in the CLI and the Excel report (issue 15, item 4).

Two replications give a t-interval of 12.7 standard errors: unclipped, a service level reaches
past 100% and counts go below zero. The GUI's check is in `test_gui_defects.py`; these check the
other two front ends on the shared two-day, two-replication baseline.
"""

from __future__ import annotations

import math

from rich.console import Console

from wfm.cli.tables import kpi_table
from wfm.kpi import KPI_BY_KEY
from wfm.report.excel import build_workbook
from wfm.views.common import kpi_range


def _out_of_range(summary) -> list[str]:
    """The KPIs whose raw t-interval leaves the values the KPI can take (the defect's precondition)."""
    out = []
    for key, est in summary.kpis.items():
        low, high = kpi_range(key)
        if not math.isnan(est.half_width) and (est.low < low or est.high > high):
            out.append(key)
    return out


def test_the_cli_table_keeps_intervals_within_range_and_says_two_runs_are_not_enough(baseline_2d_summary):
    summary = baseline_2d_summary
    assert summary.replications == 2
    assert _out_of_range(summary), "the fixture no longer produces an interval past a KPI's range"
    table = kpi_table(summary)
    labels = {definition.label: key for key, definition in KPI_BY_KEY.items()}
    checked = 0
    for label, ci in zip(table.columns[0]._cells, table.columns[2]._cells, strict=True):
        key = labels[label]
        if not ci:
            continue
        low_text, high_text = ci.split(" – ")
        assert not low_text.lstrip().startswith(("-", "−")), (key, ci)
        if KPI_BY_KEY[key].unit == "ratio" and key != "attrition":
            assert float(high_text.rstrip("%")) <= 100.0, (key, ci)
        checked += 1
    assert checked >= 10
    console = Console(record=True, width=160)
    console.print(table)
    assert "not meaningful" in console.export_text()


def test_the_report_keeps_intervals_within_range_and_lets_attrition_pass_100_percent(
        baseline_2d, baseline_2d_summary):
    summary = baseline_2d_summary
    ws = build_workbook([summary], [baseline_2d])["Summary"]
    rows = {}
    for row in ws.iter_rows(values_only=True):
        label = row[0]
        if isinstance(label, str) and isinstance(row[1], (int, float)) and isinstance(row[2], (int, float)):
            rows[label] = row
    labels = {definition.label: key for key, definition in KPI_BY_KEY.items()}
    checked = 0
    for label, row in rows.items():
        key = labels.get(label)
        if key is None or key not in summary.kpis:
            continue
        low, high = row[2], row[3]
        range_low, range_high = kpi_range(key)
        assert range_low <= low <= high <= range_high, (key, low, high)
        checked += 1
    assert checked >= 10
    texts = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str))
    assert "not meaningful" in texts
    attrition = summary.kpis.get("attrition")
    if attrition is not None and "Attrition (annualised)" in rows:  # a rate per year may pass 100%
        assert rows["Attrition (annualised)"][3] == attrition.high or math.isnan(attrition.high)
