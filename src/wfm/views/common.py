"""What every view shares: bands over replications, the scenario's currency, the runs with a campaign.

A 95% t-interval can reach past what a KPI can be (a service level of 125%, minus 250 abandoned
calls) when replications are few: every interval shown — the GUI's tables and plots, the CLI,
the Excel report — is clipped to the KPI's possible range (`kpi_range`, `kpi_interval`,
`Band.of(..., within=...)`). The true value lies in the clipped interval with at least the same
confidence. With fewer than `MEANINGFUL_REPLICATIONS` the interval says little at all
(`interval_caveat`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from wfm.experiment import Estimate, Summary
from wfm.kpi import DEFAULT_CURRENCY, KPI_BY_KEY
from wfm.sim.outbound.result import OutboundSeries

Range = tuple[float, float]
NON_NEGATIVE: Range = (0.0, math.inf)
"""Counts, durations, agents and money: none of them below zero."""
SHARE: Range = (0.0, 1.0)
"""A ratio of part to whole (service level, abandon rate, occupancy…)."""
UNBOUNDED: Range = (-math.inf, math.inf)
UNBOUNDED_RATIOS = frozenset({"attrition"})
"""Ratios that can pass 100%: annualised attrition (leavers over a year per average headcount)."""

SIGNED_SHARE: Range = (-1.0, 1.0)
SIGNED_RATIOS = frozenset({"challenger_recovery_gain"})
"""Differences of two shares (challenger − champion recovery rate): from −100% to +100%."""

MEANINGFUL_REPLICATIONS = 3
"""Fewer replications give a 95% t-interval that is mostly its t quantile (12.7 × the standard error for two)."""


def kpi_range(key: str, default: Range = UNBOUNDED) -> Range:
    """The values KPI `key` can take (`default` for a key `wfm.kpi` does not define)."""
    definition = KPI_BY_KEY.get(key)
    if definition is None:
        return default
    if key in SIGNED_RATIOS:
        return SIGNED_SHARE
    if definition.unit == "ratio" and key not in UNBOUNDED_RATIOS:
        return SHARE
    return NON_NEGATIVE


def kpi_interval(key: str, estimate: Estimate) -> tuple[float, float]:
    """The 95% interval of a KPI estimate, clipped to the KPI's possible range (NaN without one)."""
    low, high = kpi_range(key)
    if math.isnan(estimate.half_width):
        return math.nan, math.nan
    return min(max(estimate.low, low), high), min(max(estimate.high, low), high)


def interval_caveat(replications: int) -> str:
    """What to say about the intervals of an experiment with `replications` runs ("" when they mean something)."""
    if replications >= MEANINGFUL_REPLICATIONS:
        return ""
    if replications <= 1:
        return (f"One replication: no confidence interval; run at least {MEANINGFUL_REPLICATIONS} "
                "replications for intervals that mean something.")
    return (f"Intervals from {replications} replications are not meaningful; run at least "
            f"{MEANINGFUL_REPLICATIONS} (5 or more for narrow ones).")


@dataclass(frozen=True)
class Band:
    """A series over replications: the mean and its 95% confidence band.

    Attributes:
        mean: mean over replications, per point (NaN where no replication has a value).
        low: lower end of the 95% t-interval of the mean (equal to `mean` with one replication).
        high: upper end of the 95% t-interval of the mean.
    """

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, rows: np.ndarray | Sequence[np.ndarray], within: Range = UNBOUNDED) -> Band:
        """Band over the first axis of `rows` (one row per replication), ignoring NaNs, clipped to `within`.

        `within` is the range the series can take (`kpi_range`, `NON_NEGATIVE`): a t-interval of
        few replications may reach past it.
        """
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        valid = ~np.isnan(rows)
        n = valid.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, np.nansum(rows, axis=0) / np.maximum(n, 1), np.nan)
            centred = np.where(valid, rows - mean, 0.0)
            var = (centred**2).sum(axis=0) / np.maximum(n - 1, 1)
            t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
            half = np.where(n > 1, t * np.sqrt(var / np.maximum(n, 1)), 0.0)
        low, high = within
        return cls(mean=mean, low=np.clip(mean - half, low, high), high=np.clip(mean + half, low, high))

    @classmethod
    def spread(cls, rows: np.ndarray) -> Band:
        """Mean over the first axis of `rows` with the lowest and highest replication as the band.

        With two or three replications a t-interval of the mean is mostly the t quantile
        (12.7 × the standard error for two), so a plot of a noisy series drowns in it; the range
        of what the replications actually did is the honest thing to draw, labelled as such.
        """
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        mean = cls.of(rows).mean
        valid = ~np.isnan(rows)
        any_value = valid.any(axis=0)
        low = np.where(any_value, np.min(np.where(valid, rows, np.inf), axis=0), np.nan)
        high = np.where(any_value, np.max(np.where(valid, rows, -np.inf), axis=0), np.nan)
        return cls(mean=mean, low=low, high=high)

    def scaled(self, factor: float) -> Band:
        """The band times `factor` (a rate in percent: `scaled(100)`)."""
        return Band(self.mean * factor, self.low * factor, self.high * factor)


SPREAD_BELOW = 5
"""Below this many replications a noisy per-interval series is banded by its min–max, not a t-interval."""


def band_over(rows: np.ndarray, within: Range = UNBOUNDED) -> tuple[Band, str]:
    """A band over replications and what it is: a 95% t-interval within `within`, or the min–max with few."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    n = rows.shape[0]
    if n >= SPREAD_BELOW:
        return Band.of(rows, within), "95% CI"
    if n == 1:
        return Band.of(rows), "one replication, no band"
    return Band.spread(rows), f"band: min–max of {n} replications"


def currency_of(summary: Summary) -> str:
    """The currency the experiment counted money in (its scenario's), from the runs themselves."""
    return summary.runs[0].costs.currency if summary.runs else DEFAULT_CURRENCY


def campaigns(summary: Summary) -> list[OutboundSeries] | None:
    """The outbound series of every replication, or None when the experiment had no campaign."""
    series = [run.outbound for run in summary.runs]
    if not series or any(ob is None for ob in series):
        return None
    return [ob for ob in series if ob is not None]
