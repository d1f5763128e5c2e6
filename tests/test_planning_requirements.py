"""Requirements: Erlang A per interval through the one staffing rule, the agents a roster puts on the floor,
the simulation-corrected loop and the plan check beside the current roster.

The loop runs on a one-day inbound center (a few hundredths of a second per replication).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from wfm.analytic import StaffingRule
from wfm.experiment import Estimate, RunPlan
from wfm.planning.check import check_plan
from wfm.planning.forecast import Forecast
from wfm.planning.requirements import (
    ErlangStep,
    correct_by_simulation,
    erlang_requirement,
    floor_agents,
    interval_service_levels,
    simulate,
)
from wfm.planning.roster import apply_schedule, group_limits
from wfm.planning.schedule import ScheduleProblem, expand_templates, solve_schedule
from wfm.scenario import Scenario
from wfm.scenario.io import scenario_from_mapping

SEED = 20260105
HOURLY = [0.0] * 8 + [60, 110, 140, 120, 90, 70] + [0.0] * 10  # calls per hour, Monday 08:00-14:00


def one_day(headcount: int = 6, breaks: bool = True) -> Scenario:
    """A Monday inbound center open 08:00-14:00, one 6-hour shift: the smallest plan to correct."""
    shape = [h / 4 for h in HOURLY for _ in range(4)]
    shift = {"name": "Day", "days": ["mon"], "start": "08:00", "length_h": 6, "headcount": headcount,
             "breaks": [{"name": "pause", "offset_min": 120, "duration_min": 15, "stagger_min": 30}] if breaks else []}
    return scenario_from_mapping({
        "name": "One day",
        "calendar": {"start_date": "2026-01-05", "horizon_days": 1, "interval_minutes": 15,
                     "opening_hours": {"mon": {"open": "08:00", "close": "14:00"}}},
        "inbound": {
            "demand": {"interval_table": {"mon": shape}},
            "talk": {"distribution": "exponential", "mean_s": 240},
            "acw": {"distribution": "fixed", "mean_s": 0},
            "patience": {"distribution": "exponential", "mean_s": 120},
            "redial": {"probability": 0},
            "service_level": {"threshold_s": 20, "target": 0.8, "exclude_short_abandons": False},
        },
        "groups": [{"name": "Agents", "kind": "inbound", "absence_rate": 0.05, "shifts": [shift]}],
        "outbound": {"enabled": False},
    })


def day_forecast(scenario: Scenario) -> Forecast:
    table = scenario.inbound.demand.interval_table
    assert table is not None
    calls = np.array([table["mon"]])
    return Forecast(start_date=date(2026, 1, 5), interval_minutes=15, calls=calls, daily=calls.sum(axis=1),
                    aht_s=None, patience=None, closed=(), weekday_share={}, trend_per_week=0.0, yearly=False,
                    excluded=(), dispersion=1.0, model="test")


def test_erlang_requirement_is_the_staffing_rule_per_interval() -> None:
    scenario = one_day()
    result = day_forecast(scenario)
    rule = StaffingRule.for_inbound(scenario.inbound)
    need = erlang_requirement(result, rule, 15)
    np.testing.assert_array_equal(need, rule.per_interval(result.calls, 900))
    assert need.max() > 0 and need[0, :32].sum() == 0
    aht = np.full(result.calls.shape, np.nan)
    aht[0, 40] = 400.0  # one interval with a longer handle time
    longer = erlang_requirement(replace(result, aht_s=aht), rule, 15)
    assert longer[0, 40] == replace(rule, handle_s=400.0).agents(result.calls[0, 40], 900) > need[0, 40]
    np.testing.assert_array_equal(np.delete(longer, 40, axis=1), np.delete(need, 40, axis=1))
    hourly = erlang_requirement(result, rule, 60)
    assert hourly.shape == (1, 24) and hourly[0, 10] == rule.agents(result.calls[0, 40:44].sum(), 3600)


def test_floor_agents_counts_shifts_breaks_and_absence() -> None:
    floor = floor_agents(one_day(headcount=4))
    present = 4 * 0.95
    np.testing.assert_allclose(floor[0, 32:40], present)  # 08:00-10:00
    # Pauses of 15 min staggered over 30 min: agent k starts at 10:00 + 7.5 k min.
    away = np.array([0, 7.5, 15, 22.5])
    in_10_00 = sum(max(0.0, min(15.0, a + 15) - a) for a in away if a < 15) / 15
    in_10_15 = sum(max(0.0, min(30.0, a + 15) - max(15.0, a)) for a in away) / 15
    assert floor[0, 40] == pytest.approx(0.95 * (4 - in_10_00))
    assert floor[0, 41] == pytest.approx(0.95 * (4 - in_10_15))
    assert floor[0, 56:].sum() == 0 and floor[0, :32].sum() == 0


def test_interval_service_levels_are_estimates_over_replications() -> None:
    summary = simulate(one_day(), RunPlan(4, SEED))
    level = interval_service_levels(summary, 1)
    values = [run.inbound.answered_in_sl[44] / run.inbound.offered[44] for run in summary.runs]
    estimate = Estimate.of(values)
    assert level.mean[0, 44] == pytest.approx(estimate.mean) and level.low[0, 44] == pytest.approx(estimate.low)
    assert level.n[0, 44] == 4 and np.isnan(level.mean[0, 10])


def roster_by_scheduler(scenario: Scenario) -> Callable[[np.ndarray], Scenario]:
    """Requirement → the scenario rostered by the scheduler (2-, 3- and 6-hour shifts from 08:00 to 12:00)."""
    templates = expand_templates("Agents", range(8 * 60, 12 * 60 + 1, 15), [2 * 60, 3 * 60, 6 * 60], [("mon",)])
    limits = group_limits(scenario)

    def roster_for(requirement: np.ndarray) -> Scenario:
        week = np.zeros((7, 96))
        week[0] = requirement[0]
        return apply_schedule(scenario, solve_schedule(ScheduleProblem(week, 15, templates, limits)))

    return roster_for


def test_correction_raises_missed_intervals_until_every_one_meets_the_target() -> None:
    scenario = one_day()
    result = day_forecast(scenario)
    rule = StaffingRule.for_inbound(scenario.inbound)
    erlang = erlang_requirement(result, rule, 15)
    roster_for = roster_by_scheduler(scenario)
    correction = correct_by_simulation(erlang, roster_for, 0.8, RunPlan(8, SEED),
                                       step=ErlangStep.of(result, rule, 15), max_rounds=10)
    first = correction.rounds[0]
    assert first.missed > 0  # Erlang A alone misses: absence, breaks and queues carried over
    assert correction.met and correction.rounds[-1].missed == 0
    assert np.all(correction.requirement >= erlang)
    level = correction.service_level
    judged = level.n >= 4
    assert np.all(level.low[judged] >= 0.8)
    assert np.all(correction.floor >= correction.requirement - 1e-9)
    assert [u.reason for u in correction.unmet] == ["too few calls"] * len(correction.unmet)


def test_unmet_intervals_say_why() -> None:
    scenario = one_day(headcount=3, breaks=False)
    erlang = erlang_requirement(day_forecast(scenario), StaffingRule.for_inbound(scenario.inbound), 15)
    fixed = correct_by_simulation(erlang, lambda requirement: scenario, 0.8, RunPlan(4, SEED))
    assert not fixed.met and len(fixed.rounds) == 1  # a roster that ignores the requirement: nothing to raise
    reasons = {u.reason for u in fixed.unmet}
    assert "not covered" in reasons
    covered = [u for u in fixed.unmet if u.reason == "not covered"]
    assert all(u.floor < u.requirement for u in covered)
    assert covered[0].detail.startswith(f"the roster puts {covered[0].floor:.1f} agents on the floor")
    roster_for = roster_by_scheduler(one_day())
    capped = correct_by_simulation(erlang, roster_for, 0.95, RunPlan(4, SEED), max_raise=0)
    assert {u.reason for u in capped.unmet} >= {"no gain"}


def test_plan_check_compares_both_rosters_on_common_random_numbers() -> None:
    current = one_day(headcount=7)
    result = day_forecast(current)
    erlang = erlang_requirement(result, StaffingRule.for_inbound(current.inbound), 15)
    roster_for = roster_by_scheduler(current)
    planned = roster_for(erlang)
    check = check_plan(planned, current, result, erlang, RunPlan(4, SEED))
    assert check.target == 0.8
    offered = [run.inbound.offered.sum() for run in check.planned.summary.runs]
    assert offered == [run.inbound.offered.sum() for run in check.current.summary.runs]  # the same callers
    difference = check.planned.summary.per_replication["cost_total"] - check.current.summary.per_replication[
        "cost_total"]
    assert check.cost_difference.mean == pytest.approx(difference.mean())
    table = check.table()
    assert len(table["time"]) == 96 and table["time"][40] == "10:00" and table["date"][0] == "2026-01-05"
    np.testing.assert_allclose(table["requirement"], erlang.ravel())
    np.testing.assert_allclose(table["planned_floor"], floor_agents(planned).ravel())
    assert set(table) >= {"forecast", "planned_sl", "planned_sl_low", "current_sl_high", "current_met"}
    with pytest.raises(ValueError, match="cover different days or grids"):
        check_plan(planned, current.model_copy(update={"calendar": current.calendar.model_copy(
            update={"horizon_days": 2})}), result, erlang, RunPlan(2, SEED))
