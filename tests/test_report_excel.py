"""The Excel report: round trip of every KPI cell, sheets and charts, comparison deltas, safe writing."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from baseline_runs import SEED, more_agents, short_baseline
from wfm import __version__
from wfm.analytic import StaffingRule, erlang_a_staffing, erlang_c_staffing
from wfm.experiment import RunPlan, Summary, paired_difference, replicate
from wfm.kpi import KPI_BY_KEY
from wfm.report import ReportError, build_workbook, write_report
from wfm.report.data import scenario_inputs
from wfm.report.scenario_report import FEATURE_KPIS, HEADLINE_KEYS
from wfm.report.styles import FORMATS, mean_unit, money_format, unit_of
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario, load_scenario
from wfm.views.common import kpi_interval
from wfm.views.profile import forecast
from wfm.views.targets import kpi_targets

REPS = 2


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory, baseline_2d: Scenario,
           baseline_2d_summary: Summary) -> tuple[Path, Summary, Scenario]:
    path = write_report(tmp_path_factory.mktemp("single") / "report.xlsx", [baseline_2d_summary], [baseline_2d])
    return path, baseline_2d_summary, baseline_2d


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory, baseline_2d: Scenario, baseline_2d_summary: Summary,
               more_agents_2d_summary: Summary) -> tuple[Path, list[Summary], list[Scenario]]:
    # the conftest runs: short_baseline() and more_agents() of it, REPS replications at SEED
    base, other = baseline_2d, more_agents(baseline_2d)
    summaries = [baseline_2d_summary, more_agents_2d_summary]
    path = write_report(tmp_path_factory.mktemp("compare") / "compare.xlsx", summaries, [base, other])
    return path, summaries, [base, other]


def header_row(ws, first_header: str) -> int:
    for row in range(1, 40):
        if ws.cell(row=row, column=1).value == first_header:
            return row
    raise AssertionError(f"no table starting with {first_header!r} on {ws.title}")


def table(ws, first_header: str) -> tuple[list[str], list[list]]:
    top = header_row(ws, first_header)
    headers = []
    col = 1
    while ws.cell(row=top, column=col).value is not None:
        headers.append(ws.cell(row=top, column=col).value)
        col += 1
    rows = []
    row = top + 1
    while ws.cell(row=row, column=1).value is not None:
        rows.append([ws.cell(row=row, column=c + 1) for c in range(len(headers))])
        row += 1
    return headers, rows


def kpi_tables(ws) -> tuple[list[str], list[list]]:
    """Every KPI table of a Summary sheet (headline, then the others): headers and rows, in order."""
    headers, rows = [], []
    row = 1
    while row <= ws.max_row:
        if ws.cell(row=row, column=1).value == "KPI":
            headers = [ws.cell(row=row, column=c).value for c in range(1, 8)]
            row += 1
            while ws.cell(row=row, column=1).value is not None:
                rows.append([ws.cell(row=row, column=c) for c in range(1, 8)])
                row += 1
        row += 1
    return headers, rows


HIDDEN_WHEN_OFF = {key for keys in FEATURE_KPIS.values() for key in keys}


def as_kpi(cell, unit: str) -> float | None:
    """A cell's value back in the KPI's own unit (openpyxl reads durations as timedelta)."""
    value = cell.value
    if value is None:
        return None
    if unit == "seconds":
        assert isinstance(value, timedelta), f"{cell.coordinate} should hold a duration, got {value!r}"
        return value.total_seconds()
    assert isinstance(value, int | float) and not isinstance(value, bool), f"{cell.coordinate}: {value!r}"
    return float(value)


def assert_kpi_cell(cell, expected: float, unit: str, shown: str | None = None) -> None:
    """`shown`: the display unit when it is not the KPI's (a count's mean keeps a decimal below 100)."""
    if expected is None or not math.isfinite(expected):
        assert cell.value is None, f"{cell.coordinate}: a missing value must be an empty cell"
        return
    got = as_kpi(cell, unit)
    if unit == "seconds":
        # The file holds seconds / 86400 exactly; openpyxl rounds durations to the millisecond on reading.
        assert got == pytest.approx(expected, abs=5e-4)
    else:
        # openpyxl writes floats with 16 significant digits ("%.16g"), one more than Excel shows.
        assert got == pytest.approx(expected, rel=1e-15, abs=1e-300)
    assert cell.number_format == FORMATS[shown or unit]


# --------------------------------------------------------------------------- single scenario


def test_single_report_has_every_sheet_and_chart(single):
    path, _, _ = single
    wb = load_workbook(path)
    # The headline and the topic sheets first, the tables of every KPI by day and interval last.
    assert wb.sheetnames == ["Summary", "Profile", "Dialer", "Portfolio", "Costs", "Workforce", "Compliance", "Daily",
                             "Intervals", "Inputs"]
    charts = wb["Summary"]._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "LineChart", "BarChart", "LineChart"]
    assert all(len(wb[name]._charts) == 0 for name in ("Daily", "Intervals", "Profile", "Compliance", "Inputs"))
    # One native chart per topic sheet: drop rate vs cap, collections, headcount and attrition, costs.
    assert [type(c).__name__ for name in ("Dialer", "Portfolio", "Workforce", "Costs") for c in wb[name]._charts] \
        == ["LineChart", "BarChart", "BarChart", "BarChart"]


def test_summary_cells_equal_the_summary(single):
    path, summary, scenario = single
    ws = load_workbook(path)["Summary"]
    _, headline = table(ws, "KPI")
    headers, rows = kpi_tables(ws)
    assert headers[:6] == ["KPI", "Mean", "95% CI low", "95% CI high", "Target", "Status"]
    by_label = {r[0].value: r for r in rows}
    # Every workforce feature is off in the baseline: their KPIs are zero by construction and left out.
    hidden = {k for k in summary.kpis if k in HIDDEN_WHEN_OFF}
    assert hidden == {"stress_mean", "stress_p90", "productivity", "leavers", "attrition", "hires", "training_days",
                      "cost_hiring", "cost_bonuses", "cost_messages", "cost_field", "cost_legal"}
    assert all(summary.kpis[k].mean == (1.0 if k == "productivity" else 0.0) for k in hidden)
    assert len(rows) == len(summary.kpis) - len(hidden)
    # The headline table comes first, in DESIGN's order: the campaign, handle time and cost, then service.
    assert [r[0].value for r in headline] == [KPI_BY_KEY[k].label for k in HEADLINE_KEYS if k not in hidden]
    assert [r[0].value for r in headline][:6] == ["Contact rate", "RPC rate", "PTP rate", "Recovery rate", "AHT",
                                                  "Cost per call"]
    assert all(r[0].font.bold for r in headline)
    for key, est in summary.kpis.items():
        if key in hidden:
            assert KPI_BY_KEY[key].label not in by_label
            continue
        unit = KPI_BY_KEY[key].unit
        row = by_label[KPI_BY_KEY[key].label]
        assert_kpi_cell(row[1], est.mean, unit, mean_unit(unit))
        low, high = kpi_interval(key, est)
        assert_kpi_cell(row[2], low, unit, mean_unit(unit))
        assert_kpi_cell(row[3], high, unit, mean_unit(unit))
    sl = by_label["Service level"]
    target = scenario.inbound.service_level.target
    assert sl[4].value == target
    # The compliance cap on the drop rate and "no violations" are limits the scenario states.
    drop = by_label["Drop rate"]
    assert drop[4].value == scenario.outbound.compliance.rules().drop_cap
    violations = by_label["Rule violations"]
    assert violations[4].value == 0 and violations[5].value == "met"  # all zero: no spread, a certain verdict
    # No target is stated for the other KPIs, so no status either (statuses: test_the_report_judges_targets_...).
    limited = {KPI_BY_KEY[key].label for key in kpi_targets(scenario)}
    assert {"Service level", "Drop rate", "Rule violations"} <= limited
    assert all(r[5].value is None and r[4].value is None for label, r in by_label.items() if label not in limited)


def test_title_block_names_scenario_seed_and_replications(single):
    path, summary, _ = single
    ws = load_workbook(path)["Summary"]
    facts = {ws.cell(row=r, column=c).value: ws.cell(row=r, column=c + 1).value
             for r in range(2, 12) for c in (1, 4)}
    assert facts["Scenario"] == summary.scenario_name
    assert facts["Replications"] == REPS
    assert facts["Seed"] == SEED
    assert facts["Scenario hash"] == summary.scenario_hash
    assert facts["wfm version"] == __version__
    assert ws.freeze_panes is not None


def test_daily_sheet_equals_summary_daily(single):
    path, summary, _ = single
    ws = load_workbook(path)["Daily"]
    headers, rows = table(ws, "Date")
    assert len(rows) == len(summary.daily["day"])
    for i, row in enumerate(rows):
        assert row[0].value.date() == date.fromisoformat(str(summary.daily["date"][i]))
        for key in summary.daily.keys() - {"day", "date"} - HIDDEN_WHEN_OFF:
            definition = KPI_BY_KEY[key]
            if np.isnan(summary.daily[key]).all():  # e.g. cost to collect before anything is collected
                assert definition.label not in headers
                continue
            assert_kpi_cell(row[headers.index(definition.label)], summary.daily[key][i], definition.unit)
    assert ws.auto_filter.ref is not None and ws.freeze_panes is not None


def test_intervals_sheet_lists_open_intervals_with_erlang_staffing(single):
    path, summary, scenario = single
    ws = load_workbook(path)["Intervals"]
    headers, rows = table(ws, "Date")
    table_ = summary.intervals
    calls = forecast(scenario).ravel()
    open_ = np.flatnonzero((table_["offered"] > 0) | (table_["agents_available"] > 0) | (calls > 0))
    assert len(rows) == len(open_)
    inbound = scenario.inbound
    handle = inbound.talk.mean_s + inbound.acw.mean_s
    for row, idx in zip(rows, open_, strict=True):
        start_s = int(table_["start_s"][idx])
        assert row[0].value.date() == scenario.calendar.start_date + timedelta(days=start_s // 86_400)
        for key in ("offered", "service_level", "asa", "agents_available"):
            definition = KPI_BY_KEY[key]
            assert_kpi_cell(row[headers.index(definition.label)], table_[key][idx], definition.unit)
        # The requirement is sized on the forecast calls of the interval (not on the simulated offered).
        assert row[headers.index("Calls forecast")].value == pytest.approx(calls[idx], rel=1e-12)
        required = row[headers.index("Erlang A required agents")].value
        if calls[idx] > 0:
            expected = erlang_a_staffing(calls[idx] / 900, handle, inbound.patience.mean_s,
                                         inbound.service_level.threshold_s, inbound.service_level.target)
            assert required == expected
        else:
            assert required == 0


def test_profile_is_the_mean_over_open_days(single):
    path, summary, scenario = single
    ws = load_workbook(path)["Profile"]
    headers, rows = table(ws, "Time")
    per_day = 96
    offered = summary.intervals["offered"].reshape(-1, per_day)
    agents = summary.intervals["agents_available"].reshape(-1, per_day)
    calls = forecast(scenario)
    # Hand-computed: for each quarter hour, average over the days that had calls forecast or offered, or
    # agents, in it. Volumes are the mean over those days; the service level is the ratio of their sums
    # (answered in time / offered, per replication), then the mean over replications: never a mean of the
    # days' ratios, which would weigh a quiet Saturday as much as a busy Monday.
    expected = {}
    for slot in range(per_day):
        days = [d for d in range(offered.shape[0]) if offered[d, slot] > 0 or agents[d, slot] > 0 or calls[d, slot]]
        if days:
            sl = []
            for run in summary.runs:
                in_sl = run.inbound.answered_in_sl.reshape(-1, per_day)[days, slot].sum()
                net = (run.inbound.offered - run.inbound.abandoned_short).reshape(-1, per_day)[days, slot].sum()
                sl.append(in_sl / net if net else math.nan)
            rates = [x for x in sl if not math.isnan(x)]
            expected[slot] = (len(days), sum(offered[d, slot] for d in days) / len(days),
                              sum(rates) / len(rates) if rates else math.nan)
    assert len(rows) == len(expected)
    assert scenario.inbound.service_level.exclude_short_abandons
    for row, (slot, (n_days, mean_offered, sl)) in zip(rows, sorted(expected.items()), strict=True):
        assert row[0].value.total_seconds() == slot * 900
        assert row[1].value == n_days
        assert row[headers.index("Inbound calls offered")].value == pytest.approx(mean_offered, rel=1e-12)
        assert_kpi_cell(row[headers.index("Service level")], sl, "ratio")


def test_inputs_sheet_traces_every_parameter(single):
    path, summary, scenario = single
    ws = load_workbook(path)["Inputs"]
    _, rows = table(ws, "Parameter")
    values = {r[0].value: r[1] for r in rows}
    assert values["experiment.seed"].value == summary.seed
    assert values["experiment.replications"].value == summary.replications
    assert values["experiment.scenario_hash"].value == scenario.content_hash()
    assert values["experiment.wfm_version"].value == __version__
    leaves = scenario_inputs(scenario)
    assert len(rows) == 4 + len(leaves)
    assert values["outbound.portfolio.imported"].value == "none"  # generated accounts
    assert values["inbound.service_level.target"].value == 0.8
    assert values["inbound.demand.daily_volume.mon"].value == 1400
    assert values["groups[0].shifts[0].headcount"].value == 12
    opening = values["calendar.opening_hours.mon.open"]
    assert opening.number_format == FORMATS["time"]
    assert opening.value.total_seconds() == 8 * 3600
    assert values["calendar.opening_hours.sun"].value == "none"


def test_numbers_are_numbers(single):
    path, _, _ = single
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.number_format not in ("General", "@"):
                    raise AssertionError(f"{ws.title}!{cell.coordinate} holds text {cell.value!r} in a number format")
                if isinstance(cell.value, str) and ws.title != "Inputs":
                    try:
                        float(cell.value.replace(",", "").rstrip("%"))
                    except ValueError:
                        continue
                    raise AssertionError(f"{ws.title}!{cell.coordinate} holds a number as text: {cell.value!r}")


# --------------------------------------------------------------------------- comparison


def test_comparison_shows_paired_deltas(comparison):
    path, summaries, scenarios = comparison
    wb = load_workbook(path)
    topics = ("Summary", "Profile", "Dialer", "Portfolio", "Costs", "Workforce", "Compliance", "Daily", "Intervals")
    assert wb.sheetnames == ["Comparison", *(f"{t} {i}" for t in topics for i in (1, 2)), "Inputs"]
    ws = wb["Comparison"]
    assert len(ws._charts) == 1 and type(ws._charts[0]).__name__ == "BarChart"
    headers, rows = table(ws, "KPI")
    assert headers[1:3] == [f"1: {scenarios[0].name}", f"2: {scenarios[1].name}"]
    by_label = {r[0].value: r for r in rows if r[0].value in {d.label for d in KPI_BY_KEY.values()}}
    significant_seen = set()
    for key, definition in KPI_BY_KEY.items():
        if key in HIDDEN_WHEN_OFF:  # features off in both scenarios
            assert definition.label not in by_label
            continue
        row = by_label[definition.label]
        unit = definition.unit
        assert_kpi_cell(row[1], summaries[0].kpis[key].mean, unit, mean_unit(unit))
        assert_kpi_cell(row[2], summaries[1].kpis[key].mean, unit, mean_unit(unit))
        delta = paired_difference(summaries[0], summaries[1], key)
        if not math.isfinite(delta.mean):  # e.g. cost to collect before anything is collected
            assert all(cell.value is None for cell in row[3:7])
            continue
        for cell, value in zip(row[3:6], (delta.mean, delta.low, delta.high), strict=True):
            # Differences of durations stay in seconds (a negative duration cannot be shown in Excel).
            assert cell.value == pytest.approx(value, rel=1e-12, abs=1e-12)
        significant = delta.low > 0 or delta.high < 0
        assert row[6].value == ("yes" if significant else "no")
        significant_seen.add(significant)
        if significant and definition.higher_is_better is not None:
            assert row[7].value == ("better" if (delta.mean > 0) == definition.higher_is_better else "worse")
        else:
            assert row[7].value is None
    # Two more agents per shift must lower the occupancy: a real difference the table reports.
    assert by_label["Occupancy"][3].value < 0


def test_comparison_inputs_highlight_differences(comparison):
    path, _, scenarios = comparison
    ws = load_workbook(path)["Inputs"]
    _, rows = table(ws, "Parameter")
    values = {r[0].value: r for r in rows}
    headcount = values["groups[0].shifts[0].headcount"]
    assert [headcount[1].value, headcount[2].value] == [12, 14]
    assert headcount[0].fill.fgColor.rgb.endswith("FFF2CC")
    assert not values["inbound.service_level.target"][0].fill.fgColor.rgb.endswith("FFF2CC")
    assert values["name"][2].value == scenarios[1].name


# --------------------------------------------------------------------------- data helpers


def test_staffing_rule_uses_erlang_a_or_c():
    scenario = short_baseline()
    rule = StaffingRule.for_inbound(scenario.inbound)
    inbound = scenario.inbound
    handle = inbound.talk.mean_s + inbound.acw.mean_s
    sl = inbound.service_level
    assert rule.agents(0.0, 900) == 0 and rule.formula == "Erlang A"
    assert rule.agents(100.0, 900) == erlang_a_staffing(100 / 900, handle, inbound.patience.mean_s, sl.threshold_s,
                                                        sl.target)
    no_abandon = StaffingRule.for_inbound(inbound.model_copy(
        update={"patience": inbound.patience.model_copy(update={"distribution": "none"})}))
    assert no_abandon.formula == "Erlang C"
    assert no_abandon.agents(100.0, 900) == erlang_c_staffing(100 / 900, handle, sl.threshold_s, sl.target)


def test_the_report_judges_targets_as_the_gui_does(single):
    """Target and status cells come from `wfm.views.targets`, the GUI's own, including the planner's targets."""
    path, summary, scenario = single
    goals = kpi_targets(scenario)
    assert {"service_level", "drop_rate", "violations"} <= set(goals)
    _, rows = kpi_tables(load_workbook(path)["Summary"])
    by_label = {r[0].value: r for r in rows}
    judged = 0
    for key, goal in goals.items():
        row = by_label.get(KPI_BY_KEY[key].label)
        if row is None:
            continue
        status = goal.status(key, summary.kpis[key])
        assert row[5].value is not None and row[5].value.startswith(status), (key, row[5].value, status)
        colour = {"met": "C6EFCE", "at risk": "FFF2CC", "missed": "FFC7CE"}[status]
        assert row[5].fill.fgColor.rgb.endswith(colour)
        if goal.low is not None and goal.high is not None:
            assert " – " in row[4].value  # a band, e.g. occupancy 70% – 90%
        else:
            assert row[4].value == (goal.low if goal.low is not None else goal.high)
        judged += 1
    assert judged >= 3
    assert unit_of("not_yet_defined_kpi") == "number"


def test_no_inbound_means_no_inbound_sheets(tmp_path):
    scenario = short_baseline(1)
    scenario = scenario.model_copy(update={"inbound": scenario.inbound.model_copy(update={"enabled": False})})
    path = write_report(tmp_path / "r.xlsx", [replicate(scenario, RunPlan(REPS, SEED))], [scenario])
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Dialer", "Portfolio", "Costs", "Workforce", "Compliance", "Daily", "Inputs"]
    _, rows = kpi_tables(wb["Summary"])
    # No SL or abandon target without inbound; the outbound limits and the planner's other targets remain.
    assert {r[0].value for r in rows if r[5].value is not None} == {
        KPI_BY_KEY[key].label for key in kpi_targets(scenario)} >= {"Drop rate", "Rule violations"}
    assert not {"Service level", "Abandon rate"} & {r[0].value for r in rows if r[5].value is not None}


# --------------------------------------------------------------------------- safe writing


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """An earlier report on disk whose bytes must survive any failed write."""
    folder = tmp_path / "reports"
    folder.mkdir()
    path = folder / "x.xlsx"
    path.write_bytes(b"earlier report, must stay byte for byte")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_refuses_to_overwrite_without_permission(single, earlier):
    _, summary, scenario = single
    before = earlier.read_bytes()
    with pytest.raises(ReportError, match=r"already exists.*--force") as info:
        write_report(earlier, [summary], [scenario])
    assert str(earlier) in str(info.value)
    assert earlier.read_bytes() == before


def test_overwrite_replaces_and_creates_missing_folders(single, earlier, tmp_path):
    _, summary, scenario = single
    write_report(earlier, [summary], [scenario], overwrite=True)
    assert load_workbook(earlier).sheetnames[0] == "Summary"
    nested = write_report(tmp_path / "new" / "deeper" / "r.xlsx", [summary], [scenario])
    assert nested.is_file() and leftovers(earlier.parent) == []


def test_locked_file_keeps_earlier_report(single, earlier, monkeypatch):
    """Windows refuses to replace a workbook open in Excel with a sharing violation (PermissionError);
    os.replace is made to fail exactly that way, after the new workbook has been fully written."""
    _, summary, scenario = single
    before = earlier.read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr("wfm.report.excel.os.replace", locked)
    with pytest.raises(ReportError, match="permission denied") as info:
        write_report(earlier, [summary], [scenario], overwrite=True)
    message = str(info.value)
    assert str(earlier) in message and "close x.xlsx" in message
    assert earlier.read_bytes() == before
    assert leftovers(earlier.parent) == []


def _make_unwritable(folder: Path) -> tuple[str, list[str]]:
    """Make `folder` refuse new files for real; returns how, and the command that undoes it."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return "chmod", []
    # Root ignores permission bits; the immutable attribute stops even root (EPERM).
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root, where chmod does not stop writes, and chattr is not installed")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root and the file system refuses chattr +i: {done.stderr.strip()}")
    return "chattr", [chattr, "-i", str(folder)]


@pytest.mark.parametrize("locked_part", ["folder", "file"])
def test_read_only_target_keeps_earlier_report(single, earlier, locked_part):
    _, summary, scenario = single
    before = earlier.read_bytes()
    target = earlier.parent if locked_part == "folder" else earlier
    if locked_part == "file" and os.geteuid() != 0:
        pytest.skip("without root a read-only file can still be renamed over; the folder case covers this user")
    how, undo = _make_unwritable(target)
    try:
        with pytest.raises(ReportError) as info:
            write_report(earlier, [summary], [scenario], overwrite=True)
    finally:
        if how == "chmod":
            target.chmod(0o755)
        else:
            subprocess.run(undo, check=True)
    message = str(info.value)
    assert str(earlier) in message and "choose another file name" in message
    assert earlier.read_bytes() == before
    assert leftovers(earlier.parent) == []


def test_folder_in_the_way_is_reported(single, tmp_path):
    _, summary, scenario = single
    folder = tmp_path / "taken.xlsx"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    with pytest.raises(ReportError, match="is a folder"):
        write_report(folder, [summary], [scenario], overwrite=True)
    assert (folder / "keep.txt").read_text() == "keep"
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportError, match="cannot create the folder"):
        write_report(blocker / "r.xlsx", [summary], [scenario])


def test_bad_arguments_are_report_errors(single, tmp_path):
    _, summary, scenario = single
    with pytest.raises(ReportError, match=r"\.xlsx"):
        write_report(tmp_path / "r.csv", [summary], [scenario])
    with pytest.raises(ReportError, match="one summary per scenario"):
        write_report(tmp_path / "r.xlsx", [summary, summary], [scenario])
    with pytest.raises(ReportError, match="no results"):
        write_report(tmp_path / "r.xlsx", [], [])
    assert not (tmp_path / "r.xlsx").exists()


# --------------------------------------------------------------------------- imported portfolio and currency

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_imported_portfolio_is_summarised_not_listed():
    """2,000 imported accounts become a handful of rows checked against the CSV itself."""
    import csv

    scenario = load_scenario(SCENARIOS / "imported_portfolio.toml")
    rows = scenario_inputs(scenario)
    paths = [p for p, _, _ in rows]
    assert not any("imported[" in p for p in paths)  # no account listed field by field
    with open(SCENARIOS / "portfolio_example.csv", newline="", encoding="utf-8") as handle:
        accounts = list(csv.DictReader(handle))
    values = {p: (v, u) for p, v, u in rows}
    prefix = "outbound.portfolio.imported"
    assert values[f"{prefix}.source"] == ("portfolio_example.csv", "text")
    assert values[f"{prefix}.accounts"] == (len(accounts), "count") == (2000, "count")
    total = math.fsum(float(a["balance"]) for a in accounts)
    assert values[f"{prefix}.total_balance"][0] == pytest.approx(total, rel=1e-12)
    assert values[f"{prefix}.total_balance"][1] == "money"
    for segment in scenario.outbound.portfolio.segments:
        want = sum(a["segment"] == segment.name for a in accounts)
        assert values[f"{prefix}.accounts_by_segment.{segment.name}"] == (want, "count")
    assert values[f"{prefix}.dpd_min"][0] == min(int(a["dpd"]) for a in accounts)
    assert values[f"{prefix}.dpd_max"][0] == max(int(a["dpd"]) for a in accounts)
    # The summary sits with the other portfolio keys, and every other parameter is still there.
    assert paths.index(f"{prefix}.source") == paths.index("outbound.portfolio.sheet") + 1
    generated = [p for p, _, _ in scenario_inputs(default_scenario()) if not p.startswith(prefix)]
    assert len([p for p in paths if not p.startswith(prefix)]) == len(generated)
    assert len([p for p in paths if p.startswith(prefix)]) == 5 + len(scenario.outbound.portfolio.segments)


def test_imported_portfolio_inputs_sheet(tmp_path):
    scenario = load_scenario(SCENARIOS / "imported_portfolio.toml")
    scenario = scenario.model_copy(update={"calendar": scenario.calendar.model_copy(update={"horizon_days": 1})})
    path = write_report(tmp_path / "imported.xlsx", [replicate(scenario, RunPlan(1, SEED))], [scenario])
    ws = load_workbook(path)["Inputs"]
    _, rows = table(ws, "Parameter")
    assert len(rows) == 4 + len(scenario_inputs(scenario)) < 400
    values = {r[0].value: r[1] for r in rows}
    balance = values["outbound.portfolio.imported.total_balance"]
    assert balance.number_format == FORMATS["money"]
    assert balance.value == pytest.approx(math.fsum(a.balance for a in scenario.outbound.portfolio.imported))


@pytest.mark.parametrize(("currency", "expected"), [
    ("EUR", '"€"#,##0.00'), ("USD", '"$"#,##0.00'), ("GBP", '"£"#,##0.00'), ("COP", '"COP "#,##0.00'),
    ("JPY", '"¥"#,##0'), ("usd", '"$"#,##0.00'),
])
def test_money_format_per_currency(currency, expected):
    assert money_format(currency) == expected


def in_currency(scenario: Scenario, currency: str) -> Scenario:
    return scenario.model_copy(update={"costs": scenario.costs.model_copy(update={"currency": currency}),
                                       "name": f"{scenario.name} ({currency})"})


def test_a_usd_scenario_writes_no_euro_anywhere():
    scenario = in_currency(short_baseline(1), "USD")
    summary = replicate(scenario, RunPlan(1, SEED))
    wb = build_workbook([summary], [scenario])  # in memory: openpyxl does not read charts back
    texts = [str(cell.value) for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    formats = [cell.number_format for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    axes = [str(getattr(c.y_axis.number_format, "formatCode", c.y_axis.number_format))
            for ws in wb.worksheets for c in ws._charts]
    assert not [t for t in texts + formats + axes if "€" in t or "EUR" in t]
    assert any("$" in f for f in formats) and any("$" in a for a in axes)


def money_cells(wb) -> list:
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.number_format, str) and ("€" in cell.number_format or "$" in cell.number_format)]


def test_usd_scenario_is_reported_in_dollars(single, tmp_path):
    _, summary, scenario = single
    usd = in_currency(scenario, "USD")
    wb = build_workbook([summary], [usd])
    cells = money_cells(wb)
    # Money on the Summary, Costs, Portfolio and Daily sheets: every one in dollars, none in euros.
    assert {c.parent.title for c in cells} >= {"Summary", "Costs", "Portfolio", "Daily"}
    assert all(c.number_format == '"$"#,##0.00' for c in cells)
    row = {r[0].value: r for r in kpi_tables(wb["Summary"])[1]}["Cost per call"]
    assert row[1].number_format == '"$"#,##0.00' and row[1].value == pytest.approx(summary.kpis["cost_per_call"].mean)
    # The charts' money axes too.
    axes = [c.y_axis.number_format for name in ("Portfolio", "Costs") for c in wb[name]._charts]
    assert axes and all(getattr(f, "formatCode", f) == '"$"#,##0' for f in axes)


def test_comparison_uses_the_base_currency_and_says_when_they_differ(comparison):
    _, summaries, scenarios = comparison
    usd = [in_currency(s, "USD") for s in scenarios]
    wb = build_workbook(summaries, usd)
    headers, rows = table(wb["Comparison"], "KPI")
    cost = {r[0].value: r for r in rows}["Cost per call"]
    assert [c.number_format for c in cost[1:4]] == ['"$"#,##0.00'] * 3
    facts = {wb["Comparison"].cell(row=r, column=1).value: wb["Comparison"].cell(row=r, column=2).value
             for r in range(2, 16)}
    assert facts["Currency"] == "USD"
    # Base in USD, the other scenario in COP: amounts in their own currency, no difference across currencies.
    mixed = build_workbook(summaries, [usd[0], in_currency(scenarios[1], "COP")])
    _, rows = table(mixed["Comparison"], "KPI")
    cost = {r[0].value: r for r in rows}["Cost per call"]
    assert cost[1].number_format == '"$"#,##0.00' and cost[2].number_format == '"COP "#,##0.00'
    assert [c.value for c in cost[3:6]] == [None, None, None] and cost[6].value == "currencies differ"
    ws = mixed["Comparison"]
    note = next(ws.cell(row=r, column=2).value for r in range(2, 16) if ws.cell(row=r, column=1).value == "Currency")
    assert note.startswith("USD (the base scenario's). Currencies differ (2: COP)")


def test_profile_sets_inbound_agents_against_erlang(single):
    """The outbound-only team never answers the queue: only inbound and blended agents count as staffing."""
    path, summary, scenario = single
    ws = load_workbook(path)["Profile"]
    headers, rows = table(ws, "Time")
    inbound_groups = [i for i, g in enumerate(scenario.groups) if g.takes_inbound]
    assert len(inbound_groups) < len(scenario.groups)  # the baseline has an outbound-only team
    per_day = 96
    per_run = [run.staff.available_by_group_s[inbound_groups].sum(axis=0) / run.interval_s for run in summary.runs]
    agents = np.mean(per_run, axis=0).reshape(-1, per_day)
    offered = summary.intervals["offered"].reshape(-1, per_day)
    everyone = summary.intervals["agents_available"].reshape(-1, per_day)
    for row in rows:
        slot = round(row[0].value.total_seconds()) // 900
        days = [d for d in range(agents.shape[0]) if offered[d, slot] > 0 or everyone[d, slot] > 0]
        want = sum(agents[d, slot] for d in days) / len(days)
        got = row[headers.index("Inbound agents available")].value
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
        assert got <= row[headers.index("Agents available")].value + 1e-9
        gap = row[headers.index("Inbound agents available − required")].value
        assert gap == pytest.approx(got - row[headers.index("Erlang A required agents")].value, abs=1e-12)
