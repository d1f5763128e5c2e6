"""The numbers behind the dashboards (no Qt): bands, profiles and the Erlang requirement, from `wfm.views`."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from wfm.analytic import erlang_a, erlang_a_staffing
from wfm.experiment import Estimate
from wfm.gui.worker import describe_replications
from wfm.views import Band, band_over
from wfm.views.comparison import is_significant
from wfm.views.profile import forecast, inbound_groups, intraday_profile, open_days


@pytest.fixture
def two_day(baseline_2d, baseline_2d_summary):
    return baseline_2d, baseline_2d_summary  # the conftest's two-day default scenario and its two replications


def test_band_is_the_experiments_t_interval_per_column():
    rows = np.array([[1.0, 10.0, np.nan], [3.0, 14.0, 5.0], [2.0, 15.0, np.nan]])
    band = Band.of(rows)
    for j in range(rows.shape[1]):
        est = Estimate.of(rows[:, j])
        assert band.mean[j] == pytest.approx(est.mean)
        half = 0.0 if est.n < 2 else est.half_width
        assert band.high[j] - band.mean[j] == pytest.approx(half)


def test_average_profile_sums_days_before_dividing(two_day):
    scenario, summary = two_day
    days = open_days(scenario)
    assert days == [0, 1]
    profile = intraday_profile(summary, scenario, days)
    run = summary.runs[0]
    per_day = run.intervals_per_day
    offered = run.inbound.offered.reshape(-1, per_day)
    net = offered - run.inbound.abandoned_short.reshape(-1, per_day)
    in_sl = run.inbound.answered_in_sl.reshape(-1, per_day)
    i = int(np.argmax(offered.sum(axis=0)))  # the busiest interval of the day
    expected_sl = in_sl[:, i].sum() / net[:, i].sum()
    one_run = intraday_profile(dataclasses.replace(summary, runs=summary.runs[:1]), scenario, days)
    assert one_run.service_level.mean[i] == pytest.approx(expected_sl)
    assert one_run.offered.mean[i] == pytest.approx(offered[:, i].mean())
    # one day alone is the summary's own interval table for that day
    day0 = intraday_profile(summary, scenario, [0])
    np.testing.assert_allclose(day0.offered.mean, summary.intervals["offered"][:per_day])
    assert profile.hours[1] - profile.hours[0] == pytest.approx(0.25)


def test_required_agents_is_erlang_a_on_the_forecast(two_day):
    scenario, summary = two_day
    calls = forecast(scenario)[0]
    assert calls.sum() == pytest.approx(scenario.inbound.demand.daily_volume["mon"])
    profile = intraday_profile(summary, scenario, [0])
    np.testing.assert_array_equal(profile.forecast, calls)
    required = profile.required
    i = int(np.argmax(calls))
    inbound = scenario.inbound
    rate, aht = calls[i] / 900, inbound.talk.mean_s + inbound.acw.mean_s
    n = erlang_a_staffing(rate, aht, inbound.patience.mean_s, inbound.service_level.threshold_s,
                          inbound.service_level.target)
    assert required[i] == n
    sl = inbound.service_level
    assert erlang_a(n, rate, aht, inbound.patience.mean_s, sl.threshold_s).service_level >= sl.target
    assert erlang_a(n - 1, rate, aht, inbound.patience.mean_s, sl.threshold_s).service_level < sl.target
    assert required[calls == 0].sum() == 0


def test_significance_needs_a_ci_that_excludes_zero():
    assert is_significant(0.1, 0.3) and is_significant(-0.3, -0.1)
    assert not is_significant(-0.1, 0.2) and not is_significant(float("nan"), 1.0)


def test_progress_text_names_the_replication():
    describe = describe_replications(4)
    assert describe(0.0) == "Replication 1 of 4"
    assert describe(0.6) == "Replication 3 of 4"
    assert describe(1.0) == "Replication 4 of 4"


def test_spread_band_is_the_replications_min_and_max_and_says_so():
    rows = np.array([[1.0, 10.0, np.nan], [3.0, 14.0, 5.0]])
    band, label = band_over(rows)
    assert label == "band: min–max of 2 replications"
    np.testing.assert_array_equal(band.low, [1.0, 10.0, 5.0])
    np.testing.assert_array_equal(band.high, [3.0, 14.0, 5.0])
    np.testing.assert_array_equal(band.mean, [2.0, 12.0, 5.0])
    # the t-band it replaces: 12.7 standard errors wide on each side with two replications
    t_band = Band.of(rows)
    assert t_band.high[0] - t_band.mean[0] == pytest.approx(12.706 * 1.0, rel=1e-3)
    five = np.arange(15.0).reshape(5, 3)
    band, label = band_over(five)
    assert label == "95% CI"
    np.testing.assert_array_equal(band.high, Band.of(five).high)
    assert band_over(np.array([[4.0, np.nan]]))[1] == "one replication, no band"


def test_inbound_agents_count_only_the_groups_that_take_inbound(two_day):
    scenario, summary = two_day
    assert inbound_groups(scenario) == ("Inbound", "Blended")  # Collections dials only
    run = summary.runs[0]
    interval_s = run.interval_s
    # hand-made staffing: 1, 10 and 100 agents available all the time in the three groups
    by_group = np.array([[1.0], [10.0], [100.0]]) * interval_s * np.ones(run.n_intervals)
    staff = dataclasses.replace(run.staff, available_by_group_s=by_group)
    forged = dataclasses.replace(summary, runs=(dataclasses.replace(run, staff=staff),))
    profile = intraday_profile(forged, scenario, [0, 1])
    open_ = profile.open_days > 0  # intervals closed on both days (no agent, no call) show 0
    assert open_.sum() > 40
    np.testing.assert_array_equal(profile.inbound_agents.mean, np.where(open_, 11.0, 0.0))
    collections_only = scenario.model_copy(update={"groups": tuple(
        g.model_copy(update={"kind": "inbound" if g.name == "Collections" else "outbound"}) for g in scenario.groups)})
    assert inbound_groups(collections_only) == ("Collections",)
    day0 = intraday_profile(forged, collections_only, [0])
    np.testing.assert_array_equal(day0.inbound_agents.mean, np.where(day0.open_days > 0, 100.0, 0.0))

    # the real run: the groups add up to every agent available (conservation), and the
    # outbound-only team is the difference between the two curves
    for run in summary.runs:
        total = run.staff.busy_s + run.staff.idle_s + run.staff.dialing_s
        np.testing.assert_allclose(run.staff.available_by_group_s.sum(axis=0), total)
    profile = intraday_profile(summary, scenario, [0, 1])
    outbound = intraday_profile(summary, collections_only, [0, 1])
    np.testing.assert_allclose(profile.inbound_agents.mean + outbound.inbound_agents.mean, profile.agents.mean)
    assert outbound.inbound_agents.mean.max() > 0
    capable = sum(g.headcount for g in scenario.groups if g.takes_inbound)
    assert profile.inbound_agents.mean.max() <= capable


def test_small_differences_in_points_keep_two_significant_digits():
    from wfm.gui.formatting import format_delta, format_points
    from wfm.kpi import KPI_BY_KEY

    assert [format_points(x, signed=True) for x in (0.0, 0.012, 0.3, 2.34, -0.0123)] == [
        "+0.0 pp", "+0.012 pp", "+0.30 pp", "+2.3 pp", "-0.012 pp"]
    assert format_delta(0.000123, KPI_BY_KEY["recovery_rate"]) == "+0.012 pp"  # not a "significant +0.0"
    assert format_delta(-0.07, KPI_BY_KEY["cost_per_call"]) == "-€0.07"
