"""The views layer (`wfm.views`): hand-checkable derived tables, the one staffing rule, comparison rows.

The simulated runs here only provide the shape of a result; the counters that matter are forged
by hand so that every expected number can be worked out on paper.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import numpy as np
import pytest

from wfm.analytic import SL_CEILING, StaffingRule, erlang_c, smallest_meeting
from wfm.experiment import RunPlan, Summary, replicate
from wfm.kpi import KPI_BY_KEY, format_kpi, mean_over_runs, ratio
from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario
from wfm.sim.arrivals import expected_calls
from wfm.views import currency_of
from wfm.views.comparison import CURRENCIES_DIFFER, DIFFERENT_SEEDS, delta
from wfm.views.daily import daily_bands
from wfm.views.profile import forecast, interval_table, intraday_profile

SLOT = 40  # 10:00, open on both days of the baseline (Monday and Tuesday)


def two_days() -> Scenario:
    base = default_scenario()
    return base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": 2})})


@pytest.fixture(scope="module")
def run_shape() -> tuple[Scenario, Summary]:
    scenario = two_days()
    return scenario, replicate(scenario, RunPlan(1, 11))


def forged(summary: Summary, cells: dict[tuple[int, int], tuple[int, int, float]]) -> Summary:
    """The summary's one run with inbound counters set by hand: (day, slot) → (offered, answered in SL, wait).

    Every offered call is answered; nothing else is offered anywhere.
    """
    run = summary.runs[0]
    per_day = run.intervals_per_day
    offered, in_sl, wait = (np.zeros(run.n_intervals) for _ in range(3))
    for (day, slot), (calls, in_time, waited) in cells.items():
        i = day * per_day + slot
        offered[i], in_sl[i], wait[i] = calls, in_time, waited
    zeros = np.zeros(run.n_intervals)
    inbound = dataclasses.replace(run.inbound, offered=offered, answered=offered, abandoned=zeros,
                                  answered_in_sl=in_sl, abandoned_short=zeros, wait_answered_s=wait)
    return dataclasses.replace(summary, runs=(dataclasses.replace(run, inbound=inbound),))


# --------------------------------------------------------------------------- rates are ratios of sums


def test_profile_service_level_is_the_ratio_of_the_days_sums(run_shape):
    scenario, summary = run_shape
    # Monday 10:00: 90 of 100 calls in time, 600 s of waiting; Tuesday 10:00: 1 of 10, 900 s.
    hand = forged(summary, {(0, SLOT): (100, 90, 600.0), (1, SLOT): (10, 1, 900.0)})
    profile = intraday_profile(hand, scenario)
    assert profile.open_days[SLOT] == 2
    assert profile.service_level.mean[SLOT] == pytest.approx(91 / 110)  # 0.827, not (0.9 + 0.1) / 2 = 0.5
    assert profile.asa.mean[SLOT] == pytest.approx(1500 / 110)  # not (6 + 90) / 2 = 48
    assert profile.offered.mean[SLOT] == pytest.approx(55.0)
    # One day alone is that day's own interval.
    assert intraday_profile(hand, scenario, [1]).service_level.mean[SLOT] == pytest.approx(0.1)
    # Nothing offered elsewhere: no rate (NaN), and zero calls in intervals closed on both days.
    assert np.isnan(profile.service_level.mean[SLOT + 1])
    assert profile.offered.mean[0] == 0 and profile.open_days[0] == 0


def test_daily_service_level_is_the_ratio_of_the_days_sums(run_shape):
    scenario, summary = run_shape
    # Monday: 10:00 has 90 of 100 in time, 10:15 has 1 of 10; the day is 91 / 110, not 0.5.
    hand = forged(summary, {(0, SLOT): (100, 90, 0.0), (0, SLOT + 1): (10, 1, 0.0), (1, SLOT): (4, 3, 0.0)})
    bands = daily_bands(hand, ("service_level", "offered"))
    np.testing.assert_allclose(bands["service_level"].mean, [91 / 110, 3 / 4])
    np.testing.assert_allclose(bands["offered"].mean, [110, 4])


def test_replications_are_averaged_after_each_takes_its_ratio():
    # Per replication the rate is a ratio of its sums; over replications, the mean of those rates (as every
    # KPI estimate), NaN left out: here 0.5 and 0.7, and 0.2 alone where the other had no call.
    tables = [{"sl": ratio(np.array([5.0, 1.0]), np.array([10.0, 5.0]))},
              {"sl": ratio(np.array([7.0, 0.0]), np.array([10.0, 0.0]))}]
    np.testing.assert_allclose(mean_over_runs(tables)["sl"], [0.6, 0.2])


# --------------------------------------------------------------------------- the staffing requirement


def test_erlang_c_requirement_by_hand():
    # 15 calls per 900 s of 60 s each: 1 Erlang. Erlang B: B(1) = 1/2, B(2) = 1/5, B(3) = 1/16, so
    # C(2) = 2·(1/5) / (2 − 4/5) = 1/3 and C(3) = 3·(1/16) / (3 − 15/16) = 1/11.
    # SL within 60 s = 1 − C(n)·exp(−(n − 1)): n = 2 gives 1 − e^−1/3 = 0.8774, n = 3 gives 1 − e^−2/11 = 0.9877.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3) and erlang_c(3, 1.0) == pytest.approx(1 / 11)
    calls = np.array([0.0, 15.0, 15.0])
    for target, agents in ((0.5, 2), (0.87, 2), (0.88, 3), (0.98, 3)):
        rule = StaffingRule(handle_s=60.0, patience_s=None, threshold_s=60.0, target=target)
        assert rule.formula == "Erlang C"
        np.testing.assert_array_equal(rule.per_interval(calls, 900), [0, agents, agents])


def test_a_full_target_asks_for_all_but_one_call_in_a_billion():
    # Threshold 0: SL = 1 − C(n); a 100% target wants C(n) <= 1e-9, the smallest such n.
    rule = StaffingRule(handle_s=60.0, patience_s=None, threshold_s=0.0, target=1.0)
    n = rule.agents(15.0, 900)
    assert erlang_c(n, 1.0) <= 1 - SL_CEILING < erlang_c(n - 1, 1.0)
    assert n == dataclasses.replace(rule, target=SL_CEILING).agents(15.0, 900)


def test_a_full_target_gives_the_same_finite_requirement_to_every_reader(run_shape, tmp_path):
    scenario, summary = run_shape
    inbound = scenario.inbound
    full = scenario.model_copy(update={"inbound": inbound.model_copy(update={
        "service_level": inbound.service_level.model_copy(update={"target": 1.0})})})
    profile = intraday_profile(summary, full)
    table = interval_table(summary, full)
    assert np.all(np.isfinite(profile.required)) and profile.required.max() > intraday_profile(
        summary, scenario).required.max()
    rule = StaffingRule.for_inbound(full.inbound)
    calls = forecast(full).ravel()
    np.testing.assert_array_equal(table.required, [rule.agents(c, 900) for c in calls])


def test_the_forecast_is_the_demand_per_reporting_interval():
    scenario = two_days()
    for interval_minutes in (15, 60):
        cal = scenario.calendar.model_copy(update={"interval_minutes": interval_minutes})
        wide = scenario.model_copy(update={"calendar": cal})
        grid = forecast(wide)
        assert grid.shape == (2, 24 * 60 // interval_minutes)
        np.testing.assert_allclose(grid[1].sum(), expected_calls(scenario.inbound.demand, cal, 1).sum())
    assert forecast(scenario)[0].sum() == pytest.approx(scenario.inbound.demand.daily_volume["mon"])


def test_smallest_meeting_gallops_both_ways_and_names_the_bound():
    asked: list[int] = []

    def at_least(k: int):
        def meets(n: int) -> bool:
            asked.append(n)
            return n >= k
        return meets

    assert smallest_meeting(at_least(37), 5, 0) == 37
    assert len(asked) <= 2 * math.ceil(math.log2(37)) + 2
    assert smallest_meeting(at_least(3), 40, 0, 100) == 3
    assert smallest_meeting(at_least(0), 4, 0, 100) == 0
    with pytest.raises(ValueError, match="even 50 agents miss the target"):
        smallest_meeting(at_least(60), 5, 0, 50)


# --------------------------------------------------------------------------- comparison rows and money


def test_comparison_rows_pair_judge_and_refuse_what_cannot_be_compared(run_shape):
    scenario, summary = run_shape
    other = replicate(scenario.model_copy(update={"name": "again"}), RunPlan(1, 11))
    row = delta(summary, other, "service_level")
    assert row.paired is not None and row.paired.mean == 0.0 and not row.significant and row.verdict is None
    assert delta(summary, dataclasses.replace(other, seed=12), "aht").note == DIFFERENT_SEEDS
    usd_runs = tuple(dataclasses.replace(r, costs=dataclasses.replace(r.costs, currency="USD")) for r in other.runs)
    usd = dataclasses.replace(other, runs=usd_runs)
    assert currency_of(usd) == "USD"
    money = delta(summary, usd, "cost_total")
    assert money.paired is None and money.note == CURRENCIES_DIFFER
    assert delta(summary, usd, "aht").paired is not None  # durations compare across currencies


def test_money_is_written_in_the_scenarios_currency():
    cost = KPI_BY_KEY["cost_per_call"]
    assert format_kpi(2.5, cost, "USD") == "$2.50"
    assert format_kpi(1234.5, cost, "COP") == "COP 1,234.50"
    assert format_kpi(1234.5, cost, "JPY") == "¥1,234"
    assert format_kpi(2.5, cost) == "€2.50"  # the default scenario's currency


def test_views_import_no_qt_and_no_openpyxl():
    code = ("import sys, wfm.views.profile, wfm.views.daily, wfm.views.dialer, wfm.views.funnel, "
            "wfm.views.recovery, wfm.views.workforce, wfm.views.comparison\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'pyqtgraph', 'openpyxl'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
