"""The numbers behind the dashboards (no Qt): bands, profiles and the Erlang requirement."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from wfm.analytic import erlang_a, erlang_a_staffing
from wfm.experiment import Estimate, replicate
from wfm.gui.analysis import Band, expected_per_interval, intraday_profile, is_significant, open_days, required_agents
from wfm.gui.worker import describe_replications
from wfm.scenario_io import default_scenario


@pytest.fixture(scope="module")
def two_day():
    base = default_scenario()
    scenario = base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": 2})})
    return scenario, replicate(scenario, 3, 7)


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
    profile = intraday_profile(summary, days)
    run = summary.runs[0]
    per_day = run.intervals_per_day
    offered = run.inbound.offered.reshape(-1, per_day)
    net = offered - run.inbound.abandoned_short.reshape(-1, per_day)
    in_sl = run.inbound.answered_in_sl.reshape(-1, per_day)
    i = int(np.argmax(offered.sum(axis=0)))  # the busiest interval of the day
    expected_sl = in_sl[:, i].sum() / net[:, i].sum()
    one_run = intraday_profile(dataclasses.replace(summary, runs=summary.runs[:1]), days)
    assert one_run.service_level.mean[i] == pytest.approx(expected_sl)
    assert one_run.offered.mean[i] == pytest.approx(offered[:, i].mean())
    # one day alone is the summary's own interval table for that day
    day0 = intraday_profile(summary, [0])
    np.testing.assert_allclose(day0.offered.mean, summary.intervals["offered"][:per_day])
    assert profile.hours[1] - profile.hours[0] == pytest.approx(0.25)


def test_required_agents_is_erlang_a_on_the_forecast():
    scenario = default_scenario()
    calls = expected_per_interval(scenario, [0])
    assert calls.sum() == pytest.approx(scenario.inbound.demand.daily_volume["mon"])
    required = required_agents(scenario, [0])
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
