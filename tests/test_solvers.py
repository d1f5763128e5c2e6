"""Staffing from Erlang A refined by simulation, the generic lever search, and pacing's interface."""

from __future__ import annotations

from pathlib import Path

import pytest

from stationary import stationary_scenario
from wfm.analytic import erlang_a, erlang_a_staffing
from wfm.experiment import RunPlan
from wfm.scenario.io import default_scenario, load_scenario
from wfm.solvers import (
    Cap,
    ServiceTarget,
    analytic_headcount,
    interval_requirements,
    maximize,
    pacing_lever,
    solve_pacing,
    solve_staffing,
)
from wfm.sweep import vary

HEADCOUNT = "groups[0].shifts[0].headcount"

RATE, HANDLE, PATIENCE = 100 / 3600, 300.0, 180.0
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def queue():
    return stationary_scenario(10, 100, HANDLE, PATIENCE, hours=8)


@pytest.fixture(scope="module")
def staffed(queue):
    # Erlang A: 9 agents give SL 0.669, 10 give 0.772; 0.72 lies between with a detectable margin.
    return solve_staffing(queue, ServiceTarget(0.72), RunPlan(10, 1), verify_replications=10)


def test_interval_requirements_are_erlang_a_per_slot(queue):
    need = interval_requirements(queue, 0.72)
    assert need.shape == (1, 96)
    assert set(need[0, :32]) == {erlang_a_staffing(RATE, HANDLE, PATIENCE, 20, 0.72)} == {10}
    assert not need[0, 32:].any()  # closed: no calls, no agents


def test_analytic_start_is_erlang_a_for_a_single_template(queue):
    assert analytic_headcount(queue, 0, 0, 0.72) == 10
    assert analytic_headcount(queue, 0, 0, 0.72, max_abandon=0.05) == erlang_a_staffing(
        RATE, HANDLE, PATIENCE, 20, 0.72, 0.05
    ) == 11


def test_staffing_answer_meets_the_target_on_fresh_seeds_and_one_fewer_does_not(staffed):
    assert staffed.headcount == 10
    assert staffed.scenario.groups[0].shifts[0].headcount == 10
    assert staffed.verified
    assert staffed.verification.seed != 1  # fresh streams, not the ones the search used
    assert staffed.below_misses
    # detectable: one agent fewer misses beyond its 95% CI
    assert staffed.below_clearly_misses
    assert staffed.verification_below.kpis["service_level"].high < 0.72


def test_staffing_search_simulated_both_sides_of_the_answer(staffed):
    by_headcount = {p.headcount: p for p in staffed.evaluated}
    assert by_headcount[10].meets and not by_headcount[9].meets
    assert all(p.meets == (p.headcount >= 10) for p in staffed.evaluated)


def test_an_abandon_cap_can_be_the_binding_constraint(queue):
    # SL 0.5 alone needs 8 agents (Erlang A 0.548); a 6% abandon cap needs 11 (Erlang A: 10 give 7.6%, 11 give 4.6%)
    assert erlang_a(10, RATE, HANDLE, PATIENCE, 20).p_abandon > 0.07
    assert erlang_a(11, RATE, HANDLE, PATIENCE, 20).p_abandon < 0.05
    solution = solve_staffing(queue, ServiceTarget(0.5, max_abandon=0.06), RunPlan(10, 2))
    assert solution.headcount == 11 and solution.verified and solution.below_misses


def test_staffing_one_template_of_the_baseline():
    base = vary(default_scenario(), {"outbound.enabled": False}, name="Inbound baseline")  # inbound only: fast
    solution = solve_staffing(base, ServiceTarget(0.8, max_abandon=0.05), RunPlan(3, 4), group=0, shift=1)
    by_headcount = {p.headcount: p for p in solution.evaluated}
    assert by_headcount[solution.headcount].meets
    assert not by_headcount[solution.headcount - 1].meets
    # only the solved template changed
    assert vary(base, {solution.path: solution.headcount}, name=base.name) == solution.scenario
    assert solution.path == "groups[0].shifts[1].headcount"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"group": 3}, "group index 3 is out of range"), ({"shift": 9}, "shift index 9 is out of range")],
)
def test_staffing_rejects_a_missing_template(queue, kwargs, message):
    with pytest.raises(ValueError, match=message):
        solve_staffing(queue, ServiceTarget(0.8), RunPlan(2, 1), **kwargs)


@pytest.mark.parametrize(("sl", "cap"), [(0.0, None), (1.0, None), (0.8, 0.0), (0.8, 1.5)])
def test_service_target_must_be_shares(sl, cap):
    with pytest.raises(ValueError, match="is not a share"):
        ServiceTarget(sl, cap)


def test_maximize_occupancy_under_an_abandon_cap(queue):
    """An inbound stand-in for pacing: the most productive headcount whose abandon rate stays capped.

    Occupancy falls with every added agent while abandonment falls too, exactly the trade-off
    of pacing (RPCs per agent-hour against drops). Erlang A puts the cap of 9.5% between 9
    agents (11.8%) and 10 (7.6%), so the answer must be 10.
    """
    optimum = maximize(queue, HEADCOUNT, range(8, 14), "occupancy", Cap("abandon_rate", 0.095), RunPlan(8, 3))
    assert optimum.best_value == 10
    assert optimum.allowed == (False, False, True, True, True, True)
    occupancy = [row.kpis["occupancy"].mean for row in optimum.sweep.rows]
    assert occupancy == sorted(occupancy, reverse=True)
    assert optimum.best is optimum.sweep.rows[2].summary


def test_maximize_with_a_conservative_cap_and_with_no_feasible_point(queue):
    loose = maximize(queue, HEADCOUNT, [9, 10, 11], "occupancy", Cap("abandon_rate", 0.2), RunPlan(4, 3))
    assert loose.best_value == 9
    nothing = maximize(queue, HEADCOUNT, [9, 10], "occupancy", Cap("abandon_rate", 0.001), RunPlan(4, 3))
    assert nothing.best_value is None and nothing.best is None and nothing.allowed == (False, False)
    strict = maximize(queue, HEADCOUNT, [10, 11, 12], "occupancy", Cap("abandon_rate", 0.08, conservative=True),
                      RunPlan(6, 3))
    chosen = strict.sweep.rows[strict.sweep.axes[0].values.index(strict.best_value)].kpis["abandon_rate"]
    assert chosen.high <= 0.08


def test_lever_search_rejects_unknown_kpis(queue):
    with pytest.raises(ValueError, match="'rpc_per_hour_x' is not computed by this model"):
        maximize(queue, HEADCOUNT, [9, 10], "rpc_per_hour_x", Cap("abandon_rate", 0.1), RunPlan(2, 1))


# --------------------------------------------------------------------------- pacing


@pytest.fixture(scope="module")
def power_day():
    return vary(load_scenario(SCENARIOS / "power.toml"), {"calendar.horizon_days": 1})


def test_pacing_lever_follows_the_dialer_mode(power_day, queue):
    assert pacing_lever(power_day)[0] == "outbound.dialer.lines_per_agent"
    predictive = vary(power_day, {"outbound.dialer.mode": "predictive"})
    assert pacing_lever(predictive)[0] == "outbound.dialer.target_drop_rate"
    with pytest.raises(ValueError, match="'preview' places one call per free agent"):
        pacing_lever(vary(power_day, {"outbound.dialer.mode": "preview"}))
    with pytest.raises(ValueError, match="needs outbound dialing"):
        solve_pacing(queue, RunPlan(2, 1))
    with pytest.raises(ValueError, match="no default grid for outbound.dialer.max_level"):
        solve_pacing(power_day, RunPlan(2, 1), path="outbound.dialer.max_level")


def test_pacing_picks_the_most_productive_ratio_whose_drop_ci_stays_under_the_cap(power_day):
    optimum = solve_pacing(power_day, RunPlan(2, 5), values=[1.0, 2.0, 3.0])
    assert optimum.path == "outbound.dialer.lines_per_agent"
    assert optimum.cap.at_most == power_day.outbound.compliance.rules().drop_cap == 0.03
    assert optimum.cap.conservative
    rows = optimum.sweep.rows
    assert optimum.allowed == tuple(row.kpis["drop_rate"].high <= 0.03 for row in rows)
    assert optimum.best_value is not None
    best = optimum.best.kpis["rpc_per_agent_hour"].mean
    assert optimum.best.kpis["drop_rate"].high <= 0.03
    assert all(row.kpis["rpc_per_agent_hour"].mean <= best for row, ok in zip(rows, optimum.allowed, strict=True)
               if ok)
    # the same search through the generic lever API
    again = maximize(power_day, optimum.path, [1.0, 2.0, 3.0], "rpc_per_agent_hour",
                     Cap("drop_rate", 0.03, conservative=True), RunPlan(2, 5))
    assert again.best_value == optimum.best_value and again.allowed == optimum.allowed
