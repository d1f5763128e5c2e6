"""The whole model switched on together: blended center, dialer, turnover with hiring, costs.

Each part has its own tests; these check that the parts keep their invariants when they run
together, e.g. that hires arriving mid-run are routed to the dialer and account for their time.
"""

from __future__ import annotations

import numpy as np
import pytest

from wfm import kpi
from wfm.sim import run, same_values
from wfm.sim.outbound.result import RPC
from workforce_cases import baseline_with

# Two weeks: attrition at 3 a year and hiring with a 3-day lead bring hires onto the floor and the
# dialer within the first week, and the weekly table has more than one row.
DAYS = 14
EVERYTHING = {
    "stress": {"enabled": True}, "learning": {"enabled": True},
    "attrition": {"enabled": True, "annual_rate": 3.0},
    "hiring": {"enabled": True, "lead_time_days": 3, "training_days": 2},
    "incentives": {"scheme": "bonus", "bonus_per_kept_ptp": 5.0},
}


@pytest.fixture(scope="module")
def result():
    return run(baseline_with(DAYS, EVERYTHING, outbound=True), 11)


def test_hires_join_the_dialer_and_take_calls(result):
    hired = [r for r in result.agents if r.hire_day > 0]
    assert result.workforce.hires.sum() > 0 and hired
    assert sum(r.calls_handled for r in hired if r.group != "Inbound") > 0


def test_conservation_holds_with_everything_on(result):
    ib, out = result.inbound, result.outbound
    assert ib.offered.sum() == ib.answered.sum() + ib.abandoned.sum() + result.in_queue_end
    assert out.violations.sum() == 0 and out.drop_windows_over_cap == 0
    assert out.min_balance >= 0
    assert out.amount_collected.sum() <= out.balance_placed
    # conversations still open at the horizon have an RPC outcome but no result yet
    assert 0 <= out.outcomes[:, RPC].sum() - out.rpc_results.sum() <= out.in_flight_end
    for row in result.agents:
        total = row.idle_s + row.busy_s + row.break_s + row.absent_s + row.off_s + row.dialing_s + row.training_s
        assert total == pytest.approx(result.horizon_s)


def test_fallback_time_only_while_a_dialing_group_is_logged_in(result):
    """Hires join the floor mid-run: the guard's fallback time is still booked only where someone could dial."""
    groups = baseline_with(DAYS, EVERYTHING, outbound=True).groups
    dialing = [i for i, g in enumerate(groups) if g.kind != "inbound"]
    staffed = result.staff.available_by_group_s[dialing].sum(axis=0) > 0
    assert result.outbound.fallback_s[~staffed].sum() == 0
    assert np.all(result.outbound.fallback_s <= result.interval_s)


def test_bonus_is_paid_on_kept_promises(result):
    assert result.workforce.kept_ptps.sum() == result.outbound.promises_kept.sum()
    assert result.costs.bonuses.sum() == pytest.approx(5.0 * result.outbound.promises_kept.sum())
    overall = kpi.overall(result)
    assert overall["cost_total"] == pytest.approx(float(np.sum(result.costs.total)))


def test_same_seed_same_result_with_everything_on(result):
    assert same_values(result, run(baseline_with(DAYS, EVERYTHING, outbound=True), 11))


def test_weeks_days_and_the_whole_run_add_up(result):
    week, day, overall = kpi.by_week(result), kpi.by_day(result), kpi.overall(result)
    for key in ("offered", "attempts", "amount_collected", "cost_total", "hires", "leavers"):
        assert week[key].sum() == pytest.approx(day[key].sum()) == pytest.approx(overall[key])
    assert len(week["attempts"]) == DAYS // 7


def test_staffing_by_group_adds_up_to_the_floor_and_to_the_agents(result):
    staff = result.staff
    assert staff.group_names == ("Inbound", "Blended", "Collections")
    assert np.allclose(staff.available_by_group_s.sum(axis=0), staff.idle_s + staff.busy_s + staff.dialing_s)
    assert np.allclose(staff.busy_by_group_s.sum(axis=0), staff.busy_s)
    for g, name in enumerate(staff.group_names):
        rows = [r for r in result.agents if r.group == name]  # hires included
        available = sum(r.idle_s + r.busy_s + r.dialing_s for r in rows)
        assert staff.available_by_group_s[g].sum() == pytest.approx(available)
        assert staff.busy_by_group_s[g].sum() == pytest.approx(sum(r.busy_s for r in rows))
