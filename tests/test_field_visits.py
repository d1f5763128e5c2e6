"""Home visits as a step of the treatment paths (issue #13, first slice): rules, routes in the run, money and cost.

A run is the shipped baseline with 800 accounts over two weeks (about a second). The checks are
independent of the code: every visit's local date and time against the visiting hours, Sundays
and the Italian public holidays (from the `holidays` package directly), each agent's timeline
against straight-line travel at the stated speed, the week's budget, and the cost's arithmetic.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date, timedelta
from typing import Any

import holidays
import numpy as np
import pytest
from pydantic import ValidationError

from test_strategy import SEED, scenario
from wfm import kpi
from wfm.scenario import Strategy
from wfm.scenario.io import ScenarioError, scenario_from_mapping, scenario_to_toml
from wfm.sim import run
from wfm.sim.collections.field import FIELD_OUTCOMES
from wfm.sim.collections.result import CAUSES
from wfm.sim.result import RunResult

H = 3600.0
START = date(2026, 1, 5)  # a Monday; Tuesday the 6th is Epiphany, a public holiday in Italy
FIELD: dict[str, Any] = {
    "agents": {"count": 2, "shift_start": "08:00", "shift_hours": 8, "wage_per_hour": 22, "cost_per_km": 0.35,
               "speed_kmh": 30, "visit_minutes": 20},
    "visiting_start": "09:00", "visiting_end": "15:30", "weekly_budget": 120,
    "zones": [{"name": "centre", "centre_km": [0, 0], "spread_km": 3, "share": 0.7},
              {"name": "suburb", "centre_km": [12, 5], "spread_km": 4, "share": 0.3}],
}
STEPS = [{"kind": "sms"}, {"kind": "visit"}, {"kind": "phone", "attempts": 3, "days": 3}]


@pytest.fixture(scope="module")
def visited() -> RunResult:
    """Two weeks from START."""
    strategy = {"paths": [{"name": "visit", "steps": STEPS}], "field": FIELD}
    spec = scenario(strategy, accounts=800, horizon_days=14, start_date=START.isoformat())
    assert spec.calendar.start_date == START
    return run(spec, SEED, record_calls=True)


def test_every_visit_is_in_visiting_hours_on_an_allowed_day(visited: RunResult) -> None:
    s = visited.strategy
    assert s is not None and s.field_log is not None
    assert len(s.field_log) > 100
    start = START
    italy = holidays.country_holidays("IT", years=[start.year])
    for row in s.field_log:
        day = int(row["start_s"] // 86_400)
        when = start + timedelta(days=day)
        assert when.weekday() != 6 and when not in italy
        assert 9 * H <= row["start_s"] - day * 86_400 and row["end_s"] - day * 86_400 <= 15.5 * H
    assert s.field_visits[1] == 0  # Epiphany


def test_each_agents_day_leaves_time_to_drive_between_addresses(visited: RunResult) -> None:
    s = visited.strategy
    assert s is not None and s.field_log is not None
    log = s.field_log
    days = (log["start_s"] // 86_400).astype(int)
    for day in np.unique(days):
        for agent in (0, 1):
            rows = np.sort(log[(days == day) & (log["agent"] == agent)], order="start_s")
            here, free = (0.0, 0.0), day * 86_400 + 8 * H
            for row in rows:
                there = (float(row["km_x"]), float(row["km_y"]))
                assert row["start_s"] >= free + math.dist(here, there) / 30 * H - 1e-6
                assert row["end_s"] - row["start_s"] == pytest.approx(20 * 60)
                here, free = there, float(row["end_s"])
            assert free + math.dist(here, (0.0, 0.0)) / 30 * H <= day * 86_400 + 16 * H + 1e-6


def test_the_weekly_budget_holds_and_every_visit_has_one_outcome(visited: RunResult) -> None:
    s = visited.strategy
    assert s is not None and s.field_log is not None
    assert s.field_visits.reshape(2, 7).sum(axis=1).max() <= 120
    assert s.field_visits.reshape(2, 7).sum(axis=1).min() == 120  # 800 accounts queue more than the budget
    assert s.field_outcomes.sum() == s.field_visits.sum() == len(s.field_log)
    assert s.field_outcomes.shape[1] == len(FIELD_OUTCOMES)


def test_field_cost_is_shifts_plus_kilometres(visited: RunResult) -> None:
    s = visited.strategy
    assert s is not None
    start = START
    italy = holidays.country_holidays("IT", years=[start.year])
    allowed = np.array([(start + timedelta(days=d)).weekday() != 6 and start + timedelta(days=d) not in italy
                        for d in range(14)])
    expected = allowed * 2 * 8 * 22.0 + s.field_km * 0.35
    np.testing.assert_allclose(s.field_cost, expected)
    np.testing.assert_allclose(visited.costs.field, s.field_cost)
    assert kpi.overall(visited)["cost_field"] == pytest.approx(s.field_cost.sum())
    assert np.all(s.field_km[~allowed] == 0)


def test_money_from_visits_is_traced_to_accounts(visited: RunResult) -> None:
    s, out = visited.strategy, visited.outbound
    assert s is not None and out is not None
    paid_at_door = s.field_outcomes[:, FIELD_OUTCOMES.index("paid")].sum()
    assert paid_at_door > 0
    assert s.collected[CAUSES.index("field_visit")].sum() > 0
    assert s.path_collected.sum() == pytest.approx(out.amount_collected.sum())
    assert np.all(s.path_collected <= s.path_balance)


def test_a_strategy_without_visits_has_no_field_cost() -> None:
    result = run(scenario({"paths": [{"name": "p", "steps": STEPS[::2]}]}, accounts=300, horizon_days=7), SEED)
    assert result.strategy is not None and len(result.strategy.field_cost) == 0
    assert kpi.overall(result)["cost_field"] == 0.0


def test_a_visit_step_needs_a_field_team_and_sunday_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"\[strategy.field\]"):
        scenario({"paths": [{"name": "visit", "steps": STEPS}]})
    with pytest.raises(ValidationError, match="Sundays"):
        Strategy.model_validate({"field": {**FIELD, "days": ["sat", "sun"]}})


def test_a_field_team_survives_a_save_and_load() -> None:
    spec = scenario({"paths": [{"name": "visit", "steps": STEPS}], "field": FIELD})
    again = scenario_from_mapping(tomllib.loads(scenario_to_toml(spec)), "<again>")
    assert again.strategy.field == spec.strategy.field
    assert again.content_hash() == spec.content_hash()


def test_the_shipped_field_scenario_compares_phone_only_with_a_home_visit() -> None:
    from pathlib import Path

    from wfm.scenario.io import load_scenario
    from wfm.sim import run

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "field.toml")
    assert sc.strategy.field is not None and (sc.strategy.champion, sc.strategy.challenger) == (
        "late_high_phone", "late_high_field")
    short = sc.model_copy(update={"calendar": sc.calendar.model_copy(update={"horizon_days": 10})})
    s = run(short, 20260105).strategy
    assert s is not None and s.arm_accounts.min() > 0
    assert s.field_visits.sum() > 0 and s.field_cost.sum() > 0


def test_the_strategy_sheet_shows_the_home_visits(tmp_path: Any) -> None:
    from openpyxl import load_workbook

    from wfm.experiment import RunPlan, replicate
    from wfm.report.excel import build_workbook
    from wfm.views.strategy import FIELD_KPI_LABELS, strategy_view

    strategy = {"paths": [{"name": "visit", "steps": STEPS}], "field": FIELD}
    spec = scenario(strategy, accounts=600, horizon_days=8, start_date=START.isoformat())
    summary = replicate(spec, RunPlan(2, SEED))
    view = strategy_view(summary)
    assert view is not None and view.field_view is not None
    series = [r.strategy for r in summary.runs if r.strategy is not None]
    field = view.field_view
    assert field.mean("visits") > 0
    assert field.mean("visits") == pytest.approx(np.mean([s.field_visits.sum() for s in series]))
    assert field.by_day.sum() == pytest.approx(field.mean("visits"))
    assert field.mean("cost") == pytest.approx(summary.kpis["cost_field"].mean)
    path = tmp_path / "field.xlsx"
    build_workbook([summary], [spec]).save(path)
    ws = load_workbook(path)["Strategy"]
    cells = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    assert ws.cell(row=cells[FIELD_KPI_LABELS["visits"]].row, column=2).value == pytest.approx(field.mean("visits"))
