"""Replications of a scenario and their summary: KPI means with 95% confidence intervals.

Replication i of an experiment seeded with s always uses the streams of
`SeedSequence(s, spawn_key=(i,))`, whatever the scenario, so two scenarios run with the same
seed share their random numbers replication by replication.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from wfm import kpi
from wfm.scenario import Scenario
from wfm.sim import RunResult, run


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


def _mean_table(tables: Sequence[dict[str, np.ndarray]], labels: Sequence[str]) -> dict[str, np.ndarray]:
    """Column-wise mean over replications; label columns are taken from the first table."""
    out: dict[str, np.ndarray] = {}
    for key in tables[0]:
        if key in labels:
            out[key] = tables[0][key]
        else:
            stack = np.vstack([t[key] for t in tables])
            with np.errstate(invalid="ignore"):
                counts = (~np.isnan(stack)).sum(axis=0)
                out[key] = np.where(counts > 0, np.nansum(stack, axis=0) / np.maximum(counts, 1), np.nan)
    return out


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
        daily=_mean_table([kpi.by_day(r) for r in runs], ("day", "date")),
        intervals=_mean_table([kpi.by_interval(r) for r in runs], ("interval", "start_s")),
        runs=tuple(runs),
    )


def replicate(
    scenario: Scenario,
    replications: int,
    seed: int,
    progress: Callable[[float], None] = lambda fraction: None,
    cancel: Callable[[], bool] = lambda: False,
) -> Summary:
    """Run `replications` independent replications serially and summarise them."""
    if replications < 1:
        raise ValueError(f"replications must be at least 1, but got {replications}")
    runs = []
    for i in range(replications):
        def share(fraction: float, i: int = i) -> None:
            progress((i + fraction) / replications)

        runs.append(run(scenario, seed, share, cancel, replication=i))
    return summarize(scenario, seed, runs)


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
