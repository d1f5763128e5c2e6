"""Workforce features are optional: off, they leave every result of the plain model unchanged.

The reference is the plain floor of `wfm.sim.agents` driven exactly as the engine drove it
before the workforce model existed, plus the scenario with the section left out.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
import simpy

from wfm.scenario.io import ScenarioError
from wfm.sim import run, same_values
from wfm.sim.agents import Floor, build_roster
from wfm.sim.days import each_day
from wfm.sim.engine import _feed_day
from wfm.sim.inbound import InboundACD
from wfm.sim.ledger import State, TimeLedger
from wfm.sim.streams import make_streams
from workforce_cases import baseline_with

OFF_BUT_PRESENT = {
    "initial_tenure_mean_days": 30,
    "stress": {"enabled": False, "gain_per_call": 0.2},
    "learning": {"enabled": False, "p0": 0.3},
    "attrition": {"enabled": True, "annual_rate": 0.0},
    "hiring": {"enabled": True, "lead_time_days": 3},
    "incentives": {"scheme": "flat"},
}


def _plain_run(scenario, seed: int):
    """The engine's loop with the plain Floor: the model before workforce dynamics."""
    cal = scenario.calendar
    streams = make_streams(seed, 0)
    env = simpy.Environment()
    roster = build_roster(scenario)
    ledger = TimeLedger(len(roster), cal.horizon_days * cal.intervals_per_day, cal.interval_s)
    floor = Floor(env, roster, ledger, streams.absence, cal.horizon_days)
    acd = InboundACD(env, scenario, floor, streams.handle_times, streams.patience, streams.redials)
    floor.on_free = acd.agent_free
    floor.start()
    env.process(each_day(env, cal.horizon_days, partial(_feed_day, scenario, acd, streams.arrivals)))
    env.run(until=cal.horizon_s)
    for agent in floor.agents:
        agent.close_books(cal.horizon_s)
    staff = {s: ledger.interval_array(s) for s in (State.IDLE, State.BUSY, State.BREAK, State.ABSENT)}
    return acd.counters.freeze(), staff, [ledger.by_agent[a.agent_id] for a in floor.agents]


@pytest.mark.parametrize("seed", [1, 2])
def test_omitted_section_equals_the_plain_floor(seed):
    scenario = baseline_with(12)
    inbound, staff, by_agent = _plain_run(scenario, seed)
    result = run(scenario, seed)
    assert same_values(result.inbound, inbound)
    for state, name in ((State.IDLE, "idle_s"), (State.BUSY, "busy_s"), (State.BREAK, "break_s"),
                        (State.ABSENT, "absent_s")):
        assert np.array_equal(getattr(result.staff, name), staff[state])
    assert [(r.idle_s, r.busy_s, r.break_s, r.absent_s) for r in result.agents] == [
        (a[State.IDLE], a[State.BUSY], a[State.BREAK], a[State.ABSENT]) for a in by_agent
    ]


def test_features_switched_off_equal_the_omitted_section():
    plain = run(baseline_with(12), 5)
    switched_off = run(baseline_with(12, OFF_BUT_PRESENT), 5)
    assert same_values(plain.inbound, switched_off.inbound)
    assert same_values(plain.staff, switched_off.staff)
    assert not switched_off.staff.training_s.any()
    assert switched_off.workforce.leavers.sum() == switched_off.workforce.hires.sum() == 0


def test_turnover_does_not_reshuffle_arrivals():
    # Attrition and hiring on: agents change, but the callers are the same callers.
    plain = run(baseline_with(28), 5)
    churn = run(baseline_with(28, {"attrition": {"enabled": True, "annual_rate": 3.0},
                                   "hiring": {"enabled": True, "lead_time_days": 5}}), 5)
    assert churn.workforce.leavers.sum() > 0 and churn.workforce.hires.sum() > 0
    first_attempts = lambda r: r.inbound.offered - r.inbound.redials  # noqa: E731
    assert np.array_equal(first_attempts(plain), first_attempts(churn))


def test_switched_off_agents_have_unit_factors():
    result = run(baseline_with(3, OFF_BUT_PRESENT), 1)
    assert all(r.productivity_end == 1.0 and r.stress_end == 0.0 for r in result.agents)
    assert np.all(result.workforce.stress_mean == 0) and np.all(result.workforce.productivity_mean == 1)


@pytest.mark.parametrize(
    ("workforce", "fragment"),
    [
        ({"hiring": {"target_headcount": {"Nobody": 3}}}, "names group 'Nobody', which does not exist"),
        ({"hiring": {"target_headcount": {"Blended": 9}}}, "Blended = 9 but the group's shift templates have 6"),
        ({"incentives": {"scheme": "flat", "bonus_per_kept_ptp": 2}}, 'use scheme = "bonus"'),
        ({"incentives": {"scheme": "bonus"}}, "are both 0"),
        ({"stress": {"outcome_gain": {"shouting": 0.1}}}, "'shouting' is not a call outcome"),
        ({"learning": {"p0": 0}}, "greater than 0"),
    ],
)
def test_bad_workforce_values_name_the_value_and_the_fix(workforce, fragment):
    with pytest.raises(ScenarioError) as info:
        baseline_with(3, workforce)
    assert fragment in str(info.value)


def test_handle_factor_follows_learning_and_stress():
    from wfm.sim.workforce import WorkforceFloor

    scenario = baseline_with(3, {"learning": {"enabled": True, "p0": 0.6, "time_constant_days": 30},
                                 "stress": {"enabled": True, "aht_effect": 0.5},
                                 "initial_tenure_mean_days": 0})
    env = simpy.Environment()
    roster = build_roster(scenario)
    streams = make_streams(1)
    floor = WorkforceFloor(env, roster, TimeLedger(len(roster), 288, 900), scenario,
                           streams.absence, streams.attrition, streams.hiring)
    agent = floor.agents[0]
    assert agent.handle_factor() == pytest.approx(1 / 0.6)  # day one of a new hire: 1.67 × AHT
    agent.stress = 0.4
    agent.state = State.BUSY
    assert agent.handle_factor() == pytest.approx(1 / 0.6 * 1.2)
    env.run(until=30 * 86_400)
    p = 1 - 0.4 * math.exp(-1)
    assert agent.productivity() == pytest.approx(p)
    assert agent.conversion_factor() == pytest.approx(p * (1 - 0.3 * 0.4))
