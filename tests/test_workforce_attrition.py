"""Attrition against its configured rate: constant hazard, no stress, replacement hiring.

With a constant daily hazard h = annual_rate / 365 the expected number of leavers is h times
the agent-days at risk, so leavers / average headcount × 365 / days estimates annual_rate
without bias whatever the hiring does. Tolerances are 4 standard errors of the replication mean.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from wfm import kpi
from wfm.sim import run
from workforce_cases import back_office


def _turnover_office(annual_rate: float, early_multiplier: float, tenure_days: float):
    # 1000 agents on a Monday-only shift without breaks: many agents at risk, few events per day.
    scenario = back_office(1000, 91, {
        "initial_tenure_mean_days": tenure_days,
        "attrition": {"enabled": True, "annual_rate": annual_rate, "early_multiplier": early_multiplier},
        "hiring": {"enabled": True, "lead_time_days": 14, "training_days": 2},
    })
    data = scenario.model_dump(mode="json")
    data["groups"][0]["shifts"][0].update({"days": ["mon"], "breaks": []})
    return type(scenario).model_validate(data)


def _attrition(scenario, reps: int, seed: int) -> tuple[float, float]:
    values = np.array([kpi.overall(run(scenario, seed, replication=i))["attrition"] for i in range(reps)])
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(reps))


@pytest.mark.slow
def test_constant_hazard_matches_the_configured_annual_rate():
    mean, se = _attrition(_turnover_office(0.35, 1.0, 720), reps=12, seed=11)
    assert abs(mean - 0.35) <= 4 * se, (mean, se)
    # the estimate is sharp enough to tell 35% from 45% a year
    assert abs(mean - 0.45) > 4 * se, (mean, se)


@pytest.mark.slow
def test_early_tenure_hazard_is_multiplied():
    # Everybody hired at day 0 and the horizon within the first 90 days: hazard × 2 all along
    # (hires also stay within their first 90 days).
    mean, se = _attrition(_turnover_office(0.35, 2.0, 0), reps=8, seed=12)
    assert abs(mean - 0.70) <= 4 * se, (mean, se)
    assert abs(mean - 0.35) > 4 * se


def test_leavers_and_hires_keep_the_books():
    result = run(_turnover_office(1.5, 1.0, 720), 3)
    wf = result.workforce
    rows = result.agents
    assert wf.leavers.sum() == sum(r.leave_day is not None for r in rows)
    assert wf.hires.sum() == sum(r.hire_day > 0 for r in rows) == len(rows) - 1000
    # headcount moves by the day's hires minus the previous day's leavers
    heads = wf.headcount.sum(axis=(1, 2))
    assert np.array_equal(np.diff(heads), wf.hires.sum(axis=1)[1:] - wf.leavers.sum(axis=1)[:-1])
    # ids are unique and every agent's six times add up to the horizon
    assert len({r.agent_id for r in rows}) == len(rows)
    for r in rows:
        total = r.idle_s + r.busy_s + r.break_s + r.absent_s + r.off_s + r.training_s
        assert math.isclose(total, result.horizon_s, rel_tol=1e-12)
    # a hire spends its first shifts in training (2 Monday shifts)
    trained = [r for r in rows if 0 < r.hire_day <= 91 - 14 and r.leave_day is None]
    assert trained and all(r.training_s == 2 * 8 * 3600 for r in trained)
