"""Monotone effects of the workforce levers, each in its own seeded test (common random numbers).

Each pair of scenarios shares seed and replications, so the difference comes from the lever,
not from other draws.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from wfm import kpi
from wfm.sim import run
from wfm.sim.agents import build_roster
from wfm.sim.costs import cost_breakdown
from wfm.sim.ledger import TimeLedger
from wfm.sim.streams import make_streams
from wfm.sim.workforce import WorkforceFloor
from workforce_cases import baseline_with

REPS = 3
SEED = 21


def _runs(workforce: dict, days: int = 63):
    scenario = baseline_with(days, workforce)
    return [run(scenario, SEED, replication=i) for i in range(REPS)]


def test_higher_stress_gain_gives_higher_aht_and_more_leavers():
    def spec(gain: float) -> dict:
        return {"stress": {"enabled": True, "gain_per_call": gain, "attrition_effect": 5.0},
                "attrition": {"enabled": True, "annual_rate": 1.0}, "hiring": {"enabled": True}}

    calm, tense = _runs(spec(0.005)), _runs(spec(0.03))
    aht = lambda runs: np.array([kpi.overall(r)["aht"] for r in runs])  # noqa: E731
    leavers = lambda runs: sum(int(r.workforce.leavers.sum()) for r in runs)  # noqa: E731
    stress = lambda runs: np.array([kpi.overall(r)["stress_mean"] for r in runs])  # noqa: E731
    assert np.all(stress(tense) > stress(calm))
    assert np.all(aht(tense) > aht(calm) + 10)  # seconds, replication by replication
    assert leavers(tense) > leavers(calm)


def test_longer_hiring_lead_time_gives_lower_average_headcount():
    def spec(lead: int) -> dict:
        return {"attrition": {"enabled": True, "annual_rate": 1.5}, "hiring": {"enabled": True, "lead_time_days": lead}}

    quick, slow = _runs(spec(7)), _runs(spec(42))
    for q, s in zip(quick, slow, strict=True):
        assert kpi.overall(s)["headcount"] < kpi.overall(q)["headcount"]


def test_stronger_incentive_lowers_attrition():
    def spec(bonus: float) -> dict:
        incentives = {"scheme": "bonus", "bonus_per_kept_ptp": bonus, "max_attrition_reduction": 0.6}
        return {"attrition": {"enabled": True, "annual_rate": 1.5}, "hiring": {"enabled": True},
                "incentives": incentives}

    weak, strong = _runs(spec(1.0)), _runs(spec(20.0))
    assert sum(r.workforce.leavers.sum() for r in strong) < sum(r.workforce.leavers.sum() for r in weak)


def _floor(incentives: dict) -> WorkforceFloor:
    scenario = baseline_with(7, {"incentives": incentives})
    roster = build_roster(scenario)
    streams = make_streams(1)
    env = simpy.Environment()
    ledger = TimeLedger(len(roster), 7 * 96, 900)
    return WorkforceFloor(env, roster, ledger, scenario, streams.absence, streams.attrition, streams.hiring)


@pytest.mark.parametrize("rate", ["bonus_per_kept_ptp", "bonus_per_euro"])
def test_stronger_incentive_gives_higher_conversion_and_higher_bonus_cost(rate):
    base = {"bonus_per_kept_ptp": 2.0, "bonus_per_euro": 0.01}
    stronger = dict(base, **{rate: base[rate] * 3})
    flat, weak, strong = _floor({}), _floor({"scheme": "bonus", **base}), _floor({"scheme": "bonus", **stronger})
    conversion = [f.agents[0].conversion_factor() for f in (flat, weak, strong)]
    assert conversion[0] == 1.0 < conversion[1] < conversion[2] <= 1.15
    bonus = []
    for floor in (flat, weak, strong):
        for agent in floor.agents[:5]:
            floor.credit(agent, euros_collected=400.0, kept_ptps=3)  # the dialer's call after a payment
        series = floor.series()
        bonus.append(cost_breakdown(baseline_with(7).costs, series, run(baseline_with(7), 1).inbound).bonuses.sum())
        assert series.euros_collected.sum() == 2000.0 and series.kept_ptps.sum() == 15
    assert bonus[0] == 0.0 < bonus[1] < bonus[2]
    assert bonus[1] == pytest.approx(5 * (3 * 2.0 + 400 * 0.01))
