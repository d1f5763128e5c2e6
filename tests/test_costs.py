"""Cost accounting: categories add up, and paid hours are the scheduled hours of present agents plus training."""

from __future__ import annotations

import numpy as np
import pytest

from wfm import kpi
from wfm.sim import run
from wfm.sim.costs import cost_breakdown
from wfm.sim.result import COST_CATEGORIES
from workforce_cases import back_office, baseline_with

COSTS = {"wage_per_hour": 20.0, "telephony_per_minute": 0.01, "dialer_seat_per_day": 3.0,
         "cost_per_hire": 1000.0, "overhead_per_seat_day": 10.0}


def test_small_case_by_hand():
    # 2 agents, Mon-Fri 08:00-16:00 with a paid 15-min break and an unpaid 30-min lunch, 7 days:
    # 10 agent-shifts of 7.5 paid hours at 20/h; 10 seat-days of overhead; no campaign, so no
    # dialer licence (licences are checked in the outbound test below).
    result = run(back_office(2, 7, costs=COSTS), 1)
    costs = result.costs
    assert costs.wages.sum() == pytest.approx(10 * 7.5 * 20.0)
    assert costs.overhead.sum() == pytest.approx(10 * 10.0)
    assert costs.dialer.sum() == costs.telephony.sum() == costs.hiring.sum() == costs.bonuses.sum() == 0
    assert np.allclose(costs.wages, [300, 300, 300, 300, 300, 0, 0])
    assert kpi.overall(result)["cost_total"] == pytest.approx(1500 + 100)


def test_without_a_campaign_no_seat_pays_the_dialer_and_talk_is_charged_per_minute():
    result = run(baseline_with(5), 3)
    expected = result.inbound.talk_s.sum() / 60 * 0.012
    assert result.costs.telephony.sum() == pytest.approx(expected)
    assert result.costs.dialer.sum() == 0


def test_outbound_attempts_and_line_time_are_billed_as_telephony():
    result = run(baseline_with(8, outbound=True), 3)  # promises fall due within the week
    out = result.outbound
    line_s = result.inbound.talk_s.sum() + out.ring_s.sum() + out.talk_s.sum()
    expected = line_s / 60 * 0.012 + out.outcomes.sum() * 0.002
    assert out.outcomes.sum() > 0 and out.amount_collected.sum() > 0
    assert result.costs.telephony.sum() == pytest.approx(expected)
    overall = kpi.overall(result)
    assert overall["cost_per_call"] == pytest.approx(
        overall["cost_total"] / (result.inbound.handled.sum() + out.handled.sum()))
    assert overall["cost_to_collect"] == pytest.approx(overall["cost_total"] / out.amount_collected.sum())
    # only the groups that dial (blended and outbound) need dialer seats, per agent-shift worked
    dialing = [i for i, kind in enumerate(result.workforce.group_kinds) if kind != "inbound"]
    assert result.costs.dialer.sum() == pytest.approx(result.workforce.present[:, dialing].sum() * 3.5)
    # every euro collected is credited to the agent who took the promise
    assert result.workforce.euros_collected.sum() == pytest.approx(out.amount_collected.sum())


@pytest.mark.parametrize("seed", [4, 5])
def test_total_is_the_sum_of_its_categories(seed):
    scenario = baseline_with(28, {"stress": {"enabled": True}, "learning": {"enabled": True},
                                  "attrition": {"enabled": True, "annual_rate": 2.0}, "hiring": {"enabled": True}})
    result = run(scenario, seed)
    by_category = sum(getattr(result.costs, c) for c in COST_CATEGORIES)
    assert np.allclose(result.costs.total, by_category)
    overall = kpi.overall(result)
    assert overall["cost_total"] == pytest.approx(sum(overall[f"cost_{c}"] for c in COST_CATEGORIES))
    assert overall["cost_hiring"] == pytest.approx(result.workforce.hires.sum() * 2500)
    assert overall["cost_per_call"] == pytest.approx(overall["cost_total"] / result.inbound.handled.sum())
    assert np.isnan(overall["cost_to_collect"])  # nothing collected until the outbound model credits money
    week = kpi.by_week(result)
    assert week["cost_total"].sum() == pytest.approx(overall["cost_total"])


def test_paid_hours_are_scheduled_hours_of_present_agents_plus_training():
    # Turnover with training, absences, no calls (so no overrun): from the per-agent ledger rows,
    # idle + break is exactly the scheduled time of the shifts worked, training its own state.
    scenario = back_office(30, 56, {"attrition": {"enabled": True, "annual_rate": 3.0},
                                    "hiring": {"enabled": True, "lead_time_days": 5, "training_days": 3}},
                           costs=COSTS)
    data = scenario.model_dump(mode="json")
    data["groups"][0]["absence_rate"] = 0.1
    scenario = type(scenario).model_validate(data)
    result = run(scenario, 8)
    rows, wf = result.agents, result.workforce
    assert wf.hires.sum() > 0 and wf.absent.sum() > 0 and wf.training.sum() > 0
    shift_s, unpaid_s = 8 * 3600, 30 * 60
    worked = sum(r.shifts_worked for r in rows)
    trained_s = sum(r.training_s for r in rows)
    assert worked == wf.present.sum()
    assert sum(r.idle_s + r.break_s + r.busy_s for r in rows) == pytest.approx(worked * shift_s)
    assert trained_s == pytest.approx(wf.training.sum() * shift_s) == pytest.approx(result.staff.training_s.sum())
    paid_h = (worked * (shift_s - unpaid_s) + trained_s) / 3600
    assert wf.paid_s.sum() / 3600 == pytest.approx(paid_h)
    assert result.costs.wages.sum() == pytest.approx(paid_h * 20.0)
    assert result.costs.overhead.sum() == pytest.approx((worked + wf.training.sum()) * 10.0)
    assert result.costs.hiring.sum() == pytest.approx(wf.hires.sum() * 1000.0)


def test_paid_time_with_calls_adds_the_overrun_of_the_call_in_hand():
    result = run(baseline_with(5), 2)
    wf = result.workforce
    logged = sum(r.idle_s + r.busy_s + r.break_s for r in result.agents)
    assert logged == pytest.approx(wf.scheduled_s.sum() + wf.overrun_s.sum())
    assert wf.overrun_s.sum() > 0


def test_wage_by_group_overrides_the_default():
    result = run(baseline_with(5), 2)
    cheap = cost_breakdown(baseline_with(5).costs, result.workforce, result.inbound)
    dear = cost_breakdown(
        baseline_with(5, costs={"wage_per_hour": 16.0, "wage_per_hour_by_group": {"Blended": 26.0}}).costs,
        result.workforce, result.inbound,
    )
    blended = result.workforce.group_names.index("Blended")
    assert dear.wages.sum() - cheap.wages.sum() == pytest.approx(result.workforce.paid_s[:, blended].sum() / 3600 * 10)
