"""Replications, confidence intervals, comparisons on common random numbers, precision rule and sweeps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from stationary import stationary_scenario
from wfm.analytic import erlang_a
from wfm.experiment import (
    Estimate,
    RunPlan,
    compare,
    paired_difference,
    replicate,
    replicate_to_precision,
    run_many,
    run_replications,
    welch_difference,
)
from wfm.scenario.io import ScenarioError, default_scenario
from wfm.sim import same_values
from wfm.sweep import Axis, grid_scenarios, load_sweep_plan, parse_axis, sweep, vary

# Steady-state window of the 6-hour stationary day: skip an hour of warm-up (the M/M/10+M queue here
# forgets its empty start within minutes), stop half an hour early (waits last seconds to minutes).
STEADY_HOURS = 6
STEADY = slice(1 * 4, STEADY_HOURS * 4 - 2)


def _steady_ratio(result, numerator: str) -> float:
    inbound = result.inbound
    return float(getattr(inbound, numerator)[STEADY].sum() / inbound.offered[STEADY].sum())


# --------------------------------------------------------------------------- confidence intervals


def test_estimate_matches_a_hand_computed_t_interval():
    est = Estimate.of([1.0, 2.0, 3.0, 4.0])
    assert est.mean == 2.5
    assert est.std == pytest.approx(math.sqrt(5 / 3))
    assert est.half_width == pytest.approx(3.182446305284263 * math.sqrt(5 / 3) / 2)


@pytest.mark.slow
def test_ci_covers_the_erlang_a_value_95_percent_of_the_time():
    """400 independent experiments of 5 replications each on an M/M/10+M queue.

    The fraction of 95% t-intervals covering Erlang A's steady-state service level and abandon
    rate must be consistent with 0.95 (within 4 binomial standard errors: [0.906, 0.994]). The
    same data with a normal (z) interval, which is too narrow for 5 replications (expected
    coverage ≈ 0.88), must be rejected: the test can tell honest coverage from broken.

    The power lies in the number of experiments: a coverage 6 binomial standard errors (0.065) off
    fails with probability about 98%, however long each replication. Each replication is a 6-hour
    day measured over 4.5 hours (a 16-hour day measured over 13 costs 2.7 times as much): long
    enough for every replication's ratios to be close to normal, which is what the t-interval
    assumes. At these seeds the coverages are 0.955 (service level), 0.945 (abandon rate) and
    0.8775 (z interval); with the 16-hour day they were 0.9675, 0.96 and 0.875.
    """
    scenario = stationary_scenario(10, 100, 300, 180, hours=STEADY_HOURS)
    ref = erlang_a(10, 100 / 3600, 300, 180, 20)
    experiments, reps = 400, 5
    covered = {"service_level": 0, "abandon_rate": 0, "service_level_z": 0}
    z = stats.norm.ppf(0.975)
    for e in range(experiments):
        runs = run_replications(scenario, RunPlan(reps, 10_000 + e), range(reps))
        sl = Estimate.of([_steady_ratio(r, "answered_in_sl") for r in runs])
        ab = Estimate.of([_steady_ratio(r, "abandoned") for r in runs])
        covered["service_level"] += sl.low <= ref.service_level <= sl.high
        covered["abandon_rate"] += ab.low <= ref.p_abandon <= ab.high
        z_half = z * sl.std / math.sqrt(reps)
        covered["service_level_z"] += sl.mean - z_half <= ref.service_level <= sl.mean + z_half
    tolerance = 4 * math.sqrt(0.95 * 0.05 / experiments)
    low, high = 0.95 - tolerance, 0.95 + tolerance
    assert low <= covered["service_level"] / experiments <= high
    assert low <= covered["abandon_rate"] / experiments <= high
    assert covered["service_level_z"] / experiments < low


# --------------------------------------------------------------------------- common random numbers


@pytest.fixture(scope="module")
def fifty_vs_fiftyone():
    scenarios = [stationary_scenario(n, 540, 300, 180, hours=8) for n in (50, 51)]
    return compare(run_many(scenarios, RunPlan(10, 7)), keys=["service_level", "abandon_rate", "asa", "occupancy"])


def test_paired_ci_is_narrower_than_the_unpaired_one(fifty_vs_fiftyone):
    for key in ("service_level", "abandon_rate", "asa", "occupancy"):
        row = fifty_vs_fiftyone.difference(1, key)
        assert row.paired.half_width < row.unpaired.half_width, key
        # the pairing changes the interval, never the point estimate
        assert row.paired.mean == pytest.approx(row.unpaired.mean)
    # one more agent raises SL by a margin well beyond the paired noise
    sl = fifty_vs_fiftyone.difference(1, "service_level")
    assert sl.significant and sl.paired.mean > 0
    assert fifty_vs_fiftyone.difference(1, "asa").paired.mean < 0


def test_replication_i_of_both_scenarios_shares_its_arrivals(fifty_vs_fiftyone):
    base, other = fifty_vs_fiftyone.summaries
    for a, b in zip(base.runs, other.runs, strict=True):
        assert a.replication == b.replication
        assert np.array_equal(a.inbound.offered, b.inbound.offered)
    assert not np.array_equal(base.runs[0].inbound.offered, base.runs[1].inbound.offered)


def test_comparison_rows_agree_with_paired_difference(fifty_vs_fiftyone):
    base, other = fifty_vs_fiftyone.summaries
    row = fifty_vs_fiftyone.difference(1, "asa")
    assert row.paired == paired_difference(base, other, "asa")
    assert row.unpaired == welch_difference(base, other, "asa")
    assert row.base_mean == base.kpis["asa"].mean and row.other_mean == other.kpis["asa"].mean
    with pytest.raises(KeyError):
        fifty_vs_fiftyone.difference(1, "aht")


def test_a_scenario_against_itself_differs_by_exactly_zero():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    comparison = compare(run_many([scenario, scenario], RunPlan(3, 1)), keys=["service_level"])
    row = comparison.difference(1, "service_level")
    assert row.paired.mean == 0 and row.paired.half_width == 0 and not row.significant


def test_welch_matches_scipy():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    a, b = replicate(scenario, RunPlan(6, 1)), replicate(scenario, RunPlan(6, 2))
    welch = welch_difference(a, b, "service_level")
    res = stats.ttest_ind(b.per_replication["service_level"], a.per_replication["service_level"], equal_var=False)
    ci = res.confidence_interval(0.95)
    assert welch.low == pytest.approx(ci.low) and welch.high == pytest.approx(ci.high)


def test_compare_rejects_bad_requests():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    with pytest.raises(ValueError, match="at least two scenarios"):
        compare(run_many([scenario], RunPlan(2, 1)))
    with pytest.raises(ValueError, match="unknown KPI"):
        compare(run_many([scenario, scenario], RunPlan(2, 1)), keys=["sevice_level"])


# --------------------------------------------------------------------------- stopping rule


def test_precision_rule_adds_replications_until_the_half_width_is_reached():
    scenario = stationary_scenario(10, 100, 300, 180, hours=8)
    result = replicate_to_precision(scenario, RunPlan(3, 3), {"service_level": 0.02}, max_replications=200)
    n = result.summary.replications
    assert result.reached and 3 < n < 200
    assert result.summary.kpis["service_level"].half_width <= 0.02
    # adding replications never changes earlier ones: the result is the plain experiment of size n
    assert same_values(result.summary.runs, replicate(scenario, RunPlan(n, 3)).runs)


def test_precision_rule_stops_at_the_cap_and_says_so():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    result = replicate_to_precision(scenario, RunPlan(2, 1), {"service_level": 1e-6}, max_replications=6)
    assert not result.reached and result.summary.replications == 6
    with pytest.raises(ValueError, match="unknown KPI"):
        replicate_to_precision(scenario, RunPlan(2, 1), {"sl": 0.1}, max_replications=3)
    with pytest.raises(ValueError, match="at least 2"):
        replicate_to_precision(scenario, RunPlan(1, 1), {"service_level": 0.1})


# --------------------------------------------------------------------------- sweeps


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        ("groups[0].shifts[0].headcount=40:80:10", "groups[0].shifts[0].headcount", (40, 50, 60, 70, 80)),
        ("inbound.patience.mean_s=60,120,180", "inbound.patience.mean_s", (60, 120, 180)),
        ("inbound.redial.probability=0:0.3:0.1", "inbound.redial.probability", (0.0, 0.1, 0.2, 0.3)),
        ("groups[0].shifts[1].start=10:30,11:30", "groups[0].shifts[1].start", ("10:30", "11:30")),
    ],
)
def test_parse_axis(text, path, values):
    assert parse_axis(text) == Axis(path, values)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("headcount", "not a sweep axis"),
        ("groups[0].shifts[0].headcount=", "not a sweep axis"),
        ("groups[0].shifts[0].headcount=80:40:10", "needs start <= stop"),
        ("groups[0].shifts[0].headcount=40:80:0", "positive step"),
        ("groups[x].headcount=1,2", "not a field path"),
    ],
)
def test_parse_axis_rejects_bad_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_axis(text)


def test_vary_changes_one_field_and_revalidates():
    base = default_scenario()
    changed = vary(base, {"groups[0].shifts[1].headcount": 20, "inbound.patience.mean_s": 240})
    assert changed.groups[0].shifts[1].headcount == 20 and changed.inbound.patience.mean_s == 240
    assert changed.groups[0].shifts[0] == base.groups[0].shifts[0] and changed.calendar == base.calendar


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"groups[0].shifts[0].headcount": -1}, "groups[0].shifts[0].headcount", "greater than or equal to 0"),
        ({"groups[7].shifts[0].headcount": 1}, "groups[7].shifts[0].headcount", "out of range"),
        ({"inbound.patience.mean": 60}, "inbound.patience.mean", "allowed here: cv, distribution, mean_s"),
        ({"inbund.patience.mean_s": 60}, "inbund.patience.mean_s", "no section 'inbund'"),
        ({"groups[0].shifts[0].start": "25:00"}, "groups[0].shifts[0].start", "not a time of day"),
    ],
)
def test_vary_reports_precise_problems(changes, path, message):
    with pytest.raises(ScenarioError) as info:
        vary(default_scenario(), changes)
    assert [p.path for p in info.value.problems] == [path]
    assert message in info.value.problems[0].message


def test_invalid_grid_points_are_all_reported_before_anything_runs():
    with pytest.raises(ScenarioError) as info:
        grid_scenarios(default_scenario(), [Axis("groups[0].shifts[0].headcount", (-2, 5, -1))])
    assert len(info.value.problems) == 2
    assert "at grid point groups[0].shifts[0].headcount=-2" in info.value.problems[0].message


def test_two_axis_sweep_table_runs_every_point_on_common_random_numbers():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    axes = [parse_axis("groups[0].shifts[0].headcount=4,6"), parse_axis("inbound.patience.mean_s=60,240")]
    result = sweep(scenario, axes, RunPlan(3, 11))
    table = result.table(["service_level", "abandon_rate"])
    assert list(table["groups[0].shifts[0].headcount"]) == [4, 4, 6, 6]
    assert list(table["inbound.patience.mean_s"]) == [60, 240, 60, 240]
    assert set(table) == {
        "groups[0].shifts[0].headcount", "inbound.patience.mean_s", "service_level", "service_level_low",
        "service_level_high", "abandon_rate", "abandon_rate_low", "abandon_rate_high",
    }
    # each row is exactly the experiment of its scenario on the sweep's seed
    point = vary(scenario, {"groups[0].shifts[0].headcount": 6, "inbound.patience.mean_s": 60})
    direct = replicate(point, RunPlan(3, 11))
    assert same_values(result.rows[2].summary.runs, direct.runs)
    # direction: more agents, better service; more patient callers, fewer abandons
    assert table["service_level"][2] > table["service_level"][0]
    assert table["abandon_rate"][1] < table["abandon_rate"][0]
    for row in result.rows[1:]:  # common random numbers: every point sees the same first-attempt arrivals
        assert row.summary.runs[0].inbound.offered.sum() == result.rows[0].summary.runs[0].inbound.offered.sum()


def test_sweep_rejects_three_axes_and_a_repeated_path():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    axis = parse_axis("inbound.patience.mean_s=60,240")
    with pytest.raises(ValueError, match="one or two fields"):
        sweep(scenario, [axis, axis, axis], RunPlan(2, 1))
    with pytest.raises(ValueError, match="swept twice"):
        sweep(scenario, [axis, axis], RunPlan(2, 1))


def test_sweep_plan_file(tmp_path):
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(
        'scenario = "mine.toml"\nreplications = 4\n'
        '[[axis]]\npath = "groups[0].shifts[0].headcount"\nrange = "8:12:2"\n'
        '[[axis]]\npath = "inbound.patience.mean_s"\nvalues = [60, 120]\n',
        encoding="utf-8",
    )
    plan = load_sweep_plan(plan_file)
    assert plan.scenario == tmp_path / "mine.toml" and plan.replications == 4 and plan.seed is None
    assert plan.axes == (Axis("groups[0].shifts[0].headcount", (8, 10, 12)), Axis("inbound.patience.mean_s", (60, 120)))
    plan_file.write_text('seed = -1\nfoo = 1\n[[axis]]\npath = "x"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_sweep_plan(plan_file)
    assert sorted(p.path for p in info.value.problems) == ["axis[0]", "foo", "seed"]
