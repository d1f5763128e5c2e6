"""Experiments on scenarios: replications with 95% CIs, paired comparisons, and a precision stopping rule.

Replication i of an experiment seeded with s always uses the streams of
`SeedSequence(s, spawn_key=(i,))`, whatever the scenario, so two scenarios run with the same
seed share their random numbers replication by replication (common random numbers) and their
differences can be paired. Where the replications run is a `wfm.execution` backend's business;
the numbers are the same on every backend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from wfm import kpi
from wfm.execution import Backend, SerialBackend, Task
from wfm.scenario import Scenario
from wfm.sim import RunResult
from wfm.sim.callbacks import Cancel, Progress, never_cancel, no_progress


@dataclass(frozen=True)
class Estimate:
    """A KPI over replications: mean and the 95% t-interval of the mean.

    Attributes:
        mean: mean of the per-replication values (NaN values ignored).
        half_width: half-width of the 95% confidence interval (NaN with fewer than 2 values).
        std: sample standard deviation of the per-replication values.
        n: number of replications with a value.
    """

    mean: float
    half_width: float
    std: float
    n: int

    @property
    def low(self) -> float:
        """Lower end of the 95% confidence interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the 95% confidence interval."""
        return self.mean + self.half_width

    @classmethod
    def of(cls, values: Sequence[float], confidence: float = 0.95) -> Estimate:
        """Mean and t-interval of independent replication values."""
        arr = np.asarray(values, dtype=float)
        arr = arr[~np.isnan(arr)]
        n = int(arr.size)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = float(arr.mean())
        if n < 2:
            return cls(mean, math.nan, math.nan, n)
        std = float(arr.std(ddof=1))
        t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
        return cls(mean, t * std / math.sqrt(n), std, n)


@dataclass(frozen=True)
class Summary:
    """What an experiment on one scenario found.

    Attributes:
        scenario_name: the scenario's name.
        scenario_hash: fingerprint of the scenario's inputs.
        seed: experiment seed.
        replications: number of replications.
        kpis: overall KPI estimates by key (see `wfm.kpi.KPI_DEFS`).
        per_replication: overall KPI values by key, one per replication (replication order).
        daily: per-day KPI columns, each the mean over replications (plus `day`, `date`).
        intervals: per-interval KPI columns, each the mean over replications (plus `interval`, `start_s`).
        runs: the replications' raw results, in replication order.
    """

    scenario_name: str
    scenario_hash: str
    seed: int
    replications: int
    kpis: dict[str, Estimate]
    per_replication: dict[str, np.ndarray]
    daily: dict[str, np.ndarray]
    intervals: dict[str, np.ndarray]
    runs: tuple[RunResult, ...]


@dataclass(frozen=True)
class RunPlan:
    """How an experiment runs: its size and seed, where it runs, and who hears of its progress.

    Every experiment, sweep and solver takes one plan instead of the same five parameters; a
    solver that runs sub-experiments passes its plan on with a share of the progress bar
    (`reporting_to`), so where the work runs and how it is cancelled stay the caller's choice.

    Attributes:
        replications: replications per scenario (per grid point, per candidate), >= 1;
            replication i uses `SeedSequence(seed, spawn_key=(i,))`.
        seed: experiment seed.
        backend: where the replications run (see `wfm.execution`); serial in this process when
            None. The numbers are the same on every backend.
        progress: called with the fraction done.
        cancel: polled; when it returns True the experiment raises `wfm.sim.Cancelled`.
    """

    replications: int
    seed: int
    backend: Backend | None = None
    progress: Progress = no_progress
    cancel: Cancel = never_cancel

    def __post_init__(self) -> None:
        if self.replications < 1:
            raise ValueError(f"replications must be at least 1, but got {self.replications}")

    def reporting_to(self, progress: Progress) -> RunPlan:
        """The same plan, telling `progress` instead (a sub-experiment's share of the bar)."""
        return replace(self, progress=progress)

    def resized(self, replications: int, seed: int | None = None) -> RunPlan:
        """The same plan with another size (and seed)."""
        return replace(self, replications=replications, seed=self.seed if seed is None else seed)

    def run_tasks(self, tasks: Sequence[Task]) -> list[RunResult]:
        """Run `tasks` on the plan's backend, reporting and polling as the plan says."""
        backend = SerialBackend() if self.backend is None else self.backend
        return backend.run_tasks(tasks, self.progress, self.cancel)


def summarize(scenario: Scenario, seed: int, runs: Sequence[RunResult]) -> Summary:
    """Estimates and mean tables from replication results (in replication order)."""
    overall = [kpi.overall(r) for r in runs]
    keys = overall[0].keys()
    return Summary(
        scenario_name=scenario.name,
        scenario_hash=scenario.content_hash(),
        seed=seed,
        replications=len(runs),
        kpis={k: Estimate.of([o[k] for o in overall]) for k in keys},
        per_replication={k: np.array([o[k] for o in overall]) for k in keys},
        daily=kpi.mean_over_runs([kpi.by_day(r) for r in runs], ("day", "date")),
        intervals=kpi.mean_over_runs([kpi.by_interval(r) for r in runs], ("interval", "start_s")),
        runs=tuple(runs),
    )


def run_replications(scenario: Scenario, plan: RunPlan, indices: Sequence[int]) -> list[RunResult]:
    """Raw results of the given replication indices of one scenario (seeded by the plan), in index order."""
    return plan.run_tasks([Task(scenario, plan.seed, i) for i in indices])


def replicate(scenario: Scenario, plan: RunPlan) -> Summary:
    """Run the plan's replications of `scenario` and summarise them (the same on every backend)."""
    return summarize(scenario, plan.seed, run_replications(scenario, plan, range(plan.replications)))


def paired_difference(base: Summary, other: Summary, key: str) -> Estimate:
    """CI of the mean of `other − base` for one KPI, pairing replication i with replication i.

    Pairing is valid because both experiments ran on common random numbers (same seed, same
    replication indices); it removes the noise the two scenarios share.
    """
    if base.seed != other.seed:
        raise ValueError(
            f"cannot pair experiments with different seeds ({base.seed} and {other.seed}); run both with one seed"
        )
    n = min(base.replications, other.replications)
    return Estimate.of(other.per_replication[key][:n] - base.per_replication[key][:n])


def welch_difference(base: Summary, other: Summary, key: str, confidence: float = 0.95) -> Estimate:
    """CI of `mean(other) − mean(base)` treating the two experiments as independent (Welch).

    This is the interval one would get without common random numbers; it is reported next to
    the paired one to show how much the pairing gains.
    """
    a = base.per_replication[key][~np.isnan(base.per_replication[key])]
    b = other.per_replication[key][~np.isnan(other.per_replication[key])]
    if a.size < 2 or b.size < 2:
        return Estimate(float(b.mean() - a.mean()) if a.size and b.size else math.nan, math.nan, math.nan, 0)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    if se == 0.0:
        return Estimate(float(b.mean() - a.mean()), 0.0, 0.0, int(min(a.size, b.size)))
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    t = float(stats.t.ppf(0.5 + confidence / 2, dof))
    return Estimate(float(b.mean() - a.mean()), t * se, float(se), int(min(a.size, b.size)))


@dataclass(frozen=True)
class Difference:
    """One KPI of one scenario against the base, paired replication by replication.

    Attributes:
        scenario_index: position of the compared scenario in the comparison (>= 1; 0 is the base).
        scenario_name: the compared scenario.
        key: KPI key (see `wfm.kpi.KPI_DEFS`).
        base_mean: the base scenario's mean.
        other_mean: the compared scenario's mean.
        paired: CI of the mean paired difference other − base (common random numbers).
        unpaired: Welch CI of the same difference, as if the runs were independent.
        significant: whether the paired 95% CI excludes zero.
    """

    scenario_index: int
    scenario_name: str
    key: str
    base_mean: float
    other_mean: float
    paired: Estimate
    unpaired: Estimate
    significant: bool


@dataclass(frozen=True)
class Comparison:
    """Scenarios run on common random numbers, and their differences from the first.

    Attributes:
        summaries: one summary per scenario, in the order given; the first is the base.
        differences: one row per (compared scenario, KPI), scenario-major.
    """

    summaries: tuple[Summary, ...]
    differences: tuple[Difference, ...]

    def difference(self, scenario_index: int, key: str) -> Difference:
        """The row of scenario `scenario_index` (>= 1) for KPI `key`."""
        for row in self.differences:
            if row.scenario_index == scenario_index and row.key == key:
                return row
        raise KeyError(f"no difference for scenario {scenario_index} and KPI {key!r}")


def _differences(summaries: Sequence[Summary], keys: Sequence[str]) -> tuple[Difference, ...]:
    base = summaries[0]
    rows = []
    for index, other in enumerate(summaries[1:], start=1):
        for key in keys:
            paired = paired_difference(base, other, key)
            rows.append(Difference(
                scenario_index=index,
                scenario_name=other.scenario_name,
                key=key,
                base_mean=base.kpis[key].mean,
                other_mean=other.kpis[key].mean,
                paired=paired,
                unpaired=welch_difference(base, other, key),
                significant=bool(paired.half_width < abs(paired.mean)),
            ))
    return tuple(rows)


def run_many(scenarios: Sequence[Scenario], plan: RunPlan) -> tuple[Summary, ...]:
    """Summaries of several scenarios on common random numbers, submitted as one batch.

    One batch keeps every worker busy across scenario boundaries; replication i of every
    scenario shares its random streams, which is what makes their differences paired.
    """
    if not scenarios:
        raise ValueError("no scenario given; pass at least one")
    n = plan.replications
    runs = plan.run_tasks([Task(s, plan.seed, i) for s in scenarios for i in range(n)])
    return tuple(summarize(s, plan.seed, runs[k * n:(k + 1) * n]) for k, s in enumerate(scenarios))


def compare(summaries: Sequence[Summary], keys: Sequence[str] | None = None) -> Comparison:
    """Pair every summary with the first, KPI by KPI.

    Running and pairing are apart: `run_many` runs the scenarios on common random numbers
    (replication i of each shares its streams), and this pairs what it returned, so the
    differences are paired and their confidence intervals narrow.

    Args:
        summaries: two or more, from one `run_many` call; the first is the base.
        keys: KPIs to compare (default: every KPI).
    """
    if len(summaries) < 2:
        raise ValueError(f"compare needs at least two scenarios (a base and another), but got {len(summaries)}")
    chosen = list(summaries[0].kpis) if keys is None else list(keys)
    unknown = [k for k in chosen if k not in summaries[0].kpis]
    if unknown:
        raise ValueError(f"unknown KPI(s) {unknown}; use some of {', '.join(summaries[0].kpis)}")
    return Comparison(summaries=tuple(summaries), differences=_differences(summaries, chosen))


@dataclass(frozen=True)
class Precision:
    """Outcome of `replicate_to_precision`.

    Attributes:
        summary: the experiment with every replication run.
        targets: the requested CI half-width per KPI key.
        reached: whether every target half-width was reached (False when stopped at the cap).
    """

    summary: Summary
    targets: dict[str, float]
    reached: bool


def _precise_enough(summary: Summary, targets: Mapping[str, float]) -> bool:
    return all(
        not math.isnan(summary.kpis[k].half_width) and summary.kpis[k].half_width <= t for k, t in targets.items()
    )


def _replications_needed(summary: Summary, targets: Mapping[str, float]) -> int:
    """Next experiment size: where each half-width should reach its target, at most 4× the current size.

    Solves z·s/√n ≤ target with the current standard deviations; the normal quantile slightly
    undershoots the t-interval, which only costs one more small batch, while the 4× bound keeps
    a noisy early variance estimate from overshooting by hundreds of replications.
    """
    n = summary.replications
    z = float(stats.norm.ppf(0.975))
    needed = n + 1
    for key, target in targets.items():
        est = summary.kpis[key]
        if math.isnan(est.half_width) or est.half_width > target:
            std = est.std if not math.isnan(est.std) else 0.0
            needed = max(needed, math.ceil((z * std / target) ** 2))
    return min(needed, 4 * n)


def replicate_to_precision(
    scenario: Scenario, plan: RunPlan, targets: Mapping[str, float], *, max_replications: int = 200,
) -> Precision:
    """Add replications until each chosen KPI's 95% CI half-width is at most its target.

    Replications are added in batches sized from the current half-widths (half-width falls
    like 1/√n), never past `max_replications`. Replication i is always the same run, so the
    result equals `replicate` of the final n on the same seed.

    Args:
        scenario: the validated input.
        plan: the first batch (`plan.replications`, >= 2 to estimate a variance), the seed, the
            backend; its progress is told the fraction of `max_replications` run so far.
        targets: KPI key → largest acceptable half-width, in the KPI's unit (0.01 = one point of SL).
        max_replications: upper bound on the total.
    """
    initial = plan.replications
    if initial < 2:
        raise ValueError(f"the first batch must have at least 2 replications to estimate a variance, but has {initial}")
    if max_replications < initial:
        raise ValueError(f"max_replications ({max_replications}) must be at least the first batch ({initial})")
    for key, target in targets.items():
        if not target > 0:
            raise ValueError(f"target half-width of {key!r} must be positive, but got {target}")
    runs: list[RunResult] = []
    goal = initial
    while True:
        done = len(runs)

        def share(fraction: float, done: int = done, goal: int = goal) -> None:
            plan.progress((done + fraction * (goal - done)) / max_replications)

        runs += run_replications(scenario, plan.reporting_to(share), range(done, goal))
        summary = summarize(scenario, plan.seed, runs)
        unknown = [k for k in targets if k not in summary.kpis]
        if unknown:
            raise ValueError(f"unknown KPI(s) {unknown}; use some of {', '.join(summary.kpis)}")
        if _precise_enough(summary, targets) or goal >= max_replications:
            return Precision(summary, dict(targets), _precise_enough(summary, targets))
        goal = min(max_replications, _replications_needed(summary, targets))
