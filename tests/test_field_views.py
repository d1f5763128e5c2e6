"""The field team's KPIs (issue #13, item 5): per-visit rates, cost, utilisation, the Strategy sheet's table and chart.

Three replications of two field agents over eight days (about a second). The view's numbers are
checked against sums the test makes itself from each run's visit log and daily arrays: outcomes
counted from the log rows, kilometres and busy time rebuilt from each agent's day (straight lines
from the base at the stated speed, fixed visit length), paid time from the allowed days, and the
95% intervals from the t quantile of the three runs' values.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import holidays
import numpy as np
import pytest
from scipy import stats

from test_field_visits import FIELD, START, STEPS
from test_strategy import SEED, scenario
from wfm.experiment import RunPlan, Summary, replicate
from wfm.scenario import Scenario
from wfm.sim import run
from wfm.sim.collections.field import FIELD_OUTCOMES
from wfm.sim.collections.result import CAUSES, StrategySeries
from wfm.views.strategy import (
    FIELD_KPI_LABELS,
    FIELD_KPIS,
    FIELD_OUTCOME_COLORS,
    FIELD_SHARES,
    FieldView,
    field_view,
    strategy_view,
)

H = 3600.0
DAY = 86_400.0
SPEED_KMH, VISIT_S, SHIFT_START_S, SHIFT_S, AGENTS = 30.0, 20 * 60.0, 8 * H, 8 * H, 2  # FIELD's agents
DAYS = 8
REACHED = ("paid", "promise", "refusal", "dispute")


@pytest.fixture(scope="module")
def field_runs() -> tuple[Scenario, Summary]:
    spec = scenario({"paths": [{"name": "visit", "steps": STEPS}], "field": FIELD}, accounts=600, horizon_days=DAYS,
                    start_date=START.isoformat())
    return spec, replicate(spec, RunPlan(3, SEED))


def series_of(summary: Summary) -> list[StrategySeries]:
    return [r.strategy for r in summary.runs if r.strategy is not None]


def hand_kpis(s: StrategySeries) -> dict[str, float]:
    """One run's field KPIs from the log rows and the daily arrays, without the view's code."""
    log = s.field_log
    assert log is not None
    visits = len(log)
    count = {name: int((log["outcome"] == k).sum()) for k, name in enumerate(FIELD_OUTCOMES)}
    km, cost = s.field_km.sum(), s.field_cost.sum()
    collected = s.collected[CAUSES.index("field_visit")].sum()
    return {"visits": visits, "contact_rate": sum(count[k] for k in REACHED) / visits,
            "promise_rate": count["promise"] / visits, "paid_rate": count["paid"] / visits, "km": km,
            "km_per_visit": km / visits, "cost": cost, "cost_per_visit": cost / visits, "collected": collected,
            "collected_per_visit": collected / visits, "cost_per_euro": cost / collected,
            "utilisation": s.field_busy_s.sum() / s.field_paid_s.sum(),
            "violations": 0.0}  # a correct planner breaks no visit rule (test_field_rules checks broken ones)


def test_busy_and_paid_time_follow_each_agents_route(field_runs: tuple[Scenario, Summary]) -> None:
    """Busy = km at the stated speed + visits × their length; paid = every allowed day's shifts; both from the log."""
    italy = holidays.country_holidays("IT", years=[START.year])
    allowed = np.array([(START + timedelta(days=d)).weekday() != 6 and START + timedelta(days=d) not in italy
                        for d in range(DAYS)])
    for s in series_of(field_runs[1]):
        log = s.field_log
        assert log is not None and len(log) > 50
        np.testing.assert_allclose(s.field_paid_s, allowed * AGENTS * SHIFT_S)
        day_of = (log["start_s"] // DAY).astype(int)
        km = np.zeros(DAYS)
        for day in range(DAYS):
            for agent in range(AGENTS):
                rows = np.sort(log[(day_of == day) & (log["agent"] == agent)], order="start_s")
                stops = [(0.0, 0.0), *((float(r["km_x"]), float(r["km_y"])) for r in rows), (0.0, 0.0)]
                km[day] += sum(math.dist(a, b) for a, b in zip(stops, stops[1:], strict=False)) if len(rows) else 0
        np.testing.assert_allclose(s.field_km, km, atol=1e-9)
        visits = np.bincount(day_of, minlength=DAYS)
        np.testing.assert_allclose(s.field_busy_s, km / SPEED_KMH * H + visits * VISIT_S)
        assert 0.3 < s.field_busy_s.sum() / s.field_paid_s.sum() <= 1.0


def test_the_view_is_the_runs_hand_sums_with_their_intervals(field_runs: tuple[Scenario, Summary]) -> None:
    series = series_of(field_runs[1])
    view = field_view(series)
    assert view is not None and view.replications == 3
    per_run = [hand_kpis(s) for s in series]
    t = stats.t.ppf(0.975, 2)
    for key in FIELD_KPIS:
        values = np.array([r[key] for r in per_run], dtype=float)
        half = t * values.std(ddof=1) / math.sqrt(3)
        low, high = values.mean() - half, values.mean() + half
        if key in FIELD_SHARES:
            low, high = max(low, 0.0), min(high, 1.0)
        assert view.mean(key) == pytest.approx(values.mean(), rel=1e-12), key
        assert view.interval(key) == pytest.approx((max(low, 0.0), high), rel=1e-12), key
    assert 0 < view.mean("contact_rate") < 1 and view.mean("promise_rate") > 0
    # visits by day and outcome: the runs' log rows by the day they started, averaged
    counts = []
    for s in series:
        assert s.field_log is not None
        grid = np.zeros((DAYS, len(FIELD_OUTCOMES)))
        np.add.at(grid, ((s.field_log["start_s"] // DAY).astype(int), s.field_log["outcome"]), 1)
        counts.append(grid)
    np.testing.assert_allclose(view.by_day, np.mean(counts, axis=0))
    # the map: every visit of the first run, and the base
    first = series[0].field_log
    assert first is not None and len(view.points) == len(first)
    np.testing.assert_array_equal(view.points["account"], first["account"])
    np.testing.assert_array_equal(view.bases, [[0.0, 0.0]])
    # the strategy view carries the same
    full = strategy_view(field_runs[1])
    assert full is not None and full.field_view is not None
    np.testing.assert_array_equal(full.field_view.kpis.mean, view.kpis.mean)


def test_no_field_team_no_view_and_a_team_without_visits_has_none_to_rate() -> None:
    no_team = run(scenario({"paths": [{"name": "p", "steps": STEPS[::2]}]}, accounts=300, horizon_days=3), SEED)
    assert no_team.strategy is not None and field_view([no_team.strategy]) is None
    idle = run(scenario({"paths": [{"name": "p", "steps": STEPS[::2]}], "field": FIELD}, accounts=300,
                        horizon_days=3, start_date=START.isoformat()), SEED)
    assert idle.strategy is not None
    view = field_view([idle.strategy])
    assert view is not None and view.mean("visits") == 0 and len(view.points) == 0
    assert math.isnan(view.mean("contact_rate")) and math.isnan(view.mean("cost_per_visit"))
    assert view.mean("cost") == pytest.approx(idle.strategy.field_cost.sum()) and view.mean("cost") > 0
    assert view.mean("utilisation") == 0.0  # paid shifts, nobody to visit


def sheet_cells(path: Path) -> dict[str, tuple[int, int]]:
    from openpyxl import load_workbook

    ws = load_workbook(path)["Strategy"]
    return {str(c.value): (c.row, c.column) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_the_strategy_sheet_shows_the_views_numbers_and_a_stacked_chart(field_runs: tuple[Scenario, Summary],
                                                                       tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from wfm.report.excel import build_workbook

    spec, summary = field_runs
    view = strategy_view(summary)
    assert view is not None and view.field_view is not None
    field: FieldView = view.field_view
    path = tmp_path / "field.xlsx"
    build_workbook([summary], [spec]).save(path)
    ws = load_workbook(path)["Strategy"]
    cells = sheet_cells(path)
    for key in FIELD_KPIS:
        row = cells[FIELD_KPI_LABELS[key]][0]
        low, high = field.interval(key)
        shown = [ws.cell(row=row, column=c).value for c in (2, 3, 4)]
        assert shown == pytest.approx([field.mean(key), low, high], rel=1e-12), key
    # the visits per day by outcome, and their total, as the view has them
    head_row, total_col = cells["All visits"]
    assert [ws.cell(row=head_row, column=3 + k).value is not None for k in range(len(FIELD_OUTCOMES))] == [True] * 8
    for d in range(DAYS):
        row = [ws.cell(row=head_row + 1 + d, column=3 + k).value for k in range(len(FIELD_OUTCOMES))]
        assert row == pytest.approx(list(field.by_day[d]))
        assert ws.cell(row=head_row + 1 + d, column=total_col).value == pytest.approx(field.by_day[d].sum())
    # a native chart: stacked columns, one series per outcome column, in the outcomes' colours
    with zipfile.ZipFile(path) as z:
        xml = next(text for name in z.namelist() if name.startswith("xl/charts/chart")
                   if "Home visits per day by outcome" in (text := z.read(name).decode()))
    assert '<grouping val="stacked"' in xml and xml.count("<ser>") == len(FIELD_OUTCOMES)
    colours = re.findall(r'<spPr><a:solidFill><a:srgbClr val="([0-9A-F]{6})"', xml)
    assert colours == [FIELD_OUTCOME_COLORS[k].lstrip("#").upper() for k in FIELD_OUTCOMES]
    refs = re.findall(r"<val><numRef><f>'Strategy'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)</f>", xml)
    columns = [get_column_letter(3 + k) for k in range(len(FIELD_OUTCOMES))]
    assert refs == [(c, str(head_row + 1), c, str(head_row + DAYS)) for c in columns]
