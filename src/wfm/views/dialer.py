"""The dialer: pacing, outcomes by hour and by day, the drop rate against the cap, rule blocks and violations.

Rule packs (jurisdictions, `Compliance.by_country`) each get their blocks, violations, attempts
and drop rate against their own cap (`pack_counts`).

Plots get bands over replications (`DialerView`); tables get the column means over
replications (`wfm.kpi.mean_over_runs`: a rate shown is the mean of the replications' rates,
each a ratio of that run's sums). Everything is None or empty without an outbound campaign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.scenario.units import DAY_S, HOUR_S
from wfm.sim.outbound.result import OUTCOMES, RULES, PackTable
from wfm.sim.result import sum_by_day
from wfm.views.common import NON_NEGATIVE, SHARE, Band, band_over, campaigns

Table = dict[str, np.ndarray]


@dataclass(frozen=True)
class DialerView:
    """Pacing and compliance of the dialer over the horizon.

    Attributes:
        mode: dialer mode of the run (preview, progressive, power, predictive).
        interval_days: start of each reporting interval in days from the start of the run.
        dial_level: lines per available agent at the end of each interval, only where the
            dialer made attempts in it (NaN while the campaign is idle: no level to speak of).
            Banded by a 95% t-interval, or by the min–max of the replications when there are
            fewer than `wfm.views.common.SPREAD_BELOW` of them (see `dial_level_band`).
        dial_level_band: what the band of `dial_level` is, for the legend.
        attempts: dial attempts per interval.
        days: day indices of the per-day series.
        drop_rate_window: drop rate over the regulatory window ending with each day.
        drop_rate_day: dropped / live answers of each day alone (AMD false positives included).
        drop_cap: the compliance cap on the window rate.
        drop_window_days: the window's length in days.
        windows_over_cap: days whose window rate broke the cap, summed over replications.
        fallback_s: seconds per interval the drop-cap guard held the dialer to one bound line per agent
            while it could dial (`OutboundSeries.fallback_s`; always 0 in preview and progressive).
        fallback_h_day: hours of such fallback per day.
    """

    mode: str
    interval_days: np.ndarray
    dial_level: Band
    dial_level_band: str
    attempts: Band
    days: np.ndarray
    drop_rate_window: Band
    drop_rate_day: Band
    drop_cap: float
    drop_window_days: int
    windows_over_cap: int
    fallback_s: Band
    fallback_h_day: Band


def dialer_view(summary: Summary) -> DialerView | None:
    """The dialer series of an experiment, or None when it had no outbound campaign."""
    obs = campaigns(summary)
    if obs is None:
        return None
    first = summary.runs[0]
    levels = np.vstack([np.where(ob.attempts > 0, ob.dial_level, np.nan) for ob in obs])
    level, level_band = band_over(levels, within=NON_NEGATIVE)
    return DialerView(
        mode=obs[0].mode,
        interval_days=np.arange(first.n_intervals) * first.interval_s / DAY_S,
        dial_level=level,
        dial_level_band=level_band,
        attempts=Band.of([ob.attempts for ob in obs], within=NON_NEGATIVE),
        days=np.arange(len(obs[0].drop_rate_window)),
        drop_rate_window=Band.of([ob.drop_rate_window for ob in obs], within=SHARE),
        drop_rate_day=Band.of([kpi.by_day(run)["drop_rate"] for run in summary.runs], within=SHARE),
        drop_cap=obs[0].drop_cap,
        drop_window_days=obs[0].drop_window_days,
        windows_over_cap=sum(ob.drop_windows_over_cap for ob in obs),
        fallback_s=Band.of([ob.fallback_s for ob in obs], within=NON_NEGATIVE),
        fallback_h_day=Band.of([sum_by_day(ob.fallback_s, first.intervals_per_day) / HOUR_S for ob in obs],
                               within=NON_NEGATIVE),
    )


def dialer_by_hour(summary: Summary) -> Table:
    """Attempts by outcome, rates and mean dial level per hour of day (center time), over all days.

    Only hours in which some replication dialed are kept. The dial level is the mean of the
    level recorded at the end of each interval of that hour in which the dialer placed calls
    (the level means nothing while the dialer is idle).

    Columns: `hour`, `attempts`, one per outcome of `OUTCOMES`, `contact_rate`, `rpc_rate`,
    `drop_rate`, `dial_level`.
    """
    if campaigns(summary) is None:
        return {}
    tables = []
    for run in summary.runs:
        ob = run.outbound
        assert ob is not None  # `campaigns` checked every run
        hour = (np.arange(run.n_intervals) // (HOUR_S // run.interval_s)) % 24
        rates = kpi.outbound_by_hour(run)
        table: Table = {"attempts": rates["attempts"]}
        for i, name in enumerate(OUTCOMES):
            table[name] = np.bincount(hour, weights=ob.outcomes[:, i].astype(float), minlength=24)
        for key in ("contact_rate", "rpc_rate", "drop_rate"):
            table[key] = rates[key]
        dialing = (ob.attempts > 0) & np.isfinite(ob.dial_level)
        level_sum = np.bincount(hour, weights=np.where(dialing, ob.dial_level, 0.0), minlength=24)
        table["dial_level"] = kpi.ratio(level_sum, np.bincount(hour, weights=dialing.astype(float), minlength=24))
        tables.append(table)
    mean = kpi.mean_over_runs(tables)
    keep = np.flatnonzero(np.nan_to_num(mean["attempts"]) > 0)
    return {"hour": keep.astype(float)} | {k: v[keep] for k, v in mean.items()}


def dialer_by_day(summary: Summary) -> Table:
    """Attempts by outcome per day and the regulatory window's drop rate ending that day.

    Columns: `attempts`, one per outcome, `drop_rate` (that day's dropped / live answers, the
    `wfm.kpi.by_day` column), `drop_rate_window`, `drop_rate_window_max` (the highest
    replication), `windows_over_cap` (replications whose window rate broke the cap),
    `fallback_attempts`, `fallback_h` (hours the drop-cap guard held the dialer to one bound line per
    agent while it could dial, `OutboundSeries.fallback_s`).
    """
    obs = campaigns(summary)
    if obs is None:
        return {}
    tables = []
    for run, ob in zip(summary.runs, obs, strict=True):
        per_day = run.intervals_per_day
        outcomes = sum_by_day(ob.outcomes, per_day)
        table: Table = {"attempts": outcomes.sum(axis=1)}
        for i, name in enumerate(OUTCOMES):
            table[name] = outcomes[:, i]
        table["drop_rate"] = kpi.by_day(run)["drop_rate"]
        table["drop_rate_window"] = ob.drop_rate_window.astype(float)
        table["fallback_attempts"] = sum_by_day(ob.fallback_attempts, per_day)
        table["fallback_h"] = sum_by_day(ob.fallback_s, per_day) / HOUR_S
        tables.append(table)
    mean = kpi.mean_over_runs(tables)
    stack = np.vstack([ob.drop_rate_window.astype(float) for ob in obs])
    mean["windows_over_cap"] = (stack > obs[0].drop_cap).sum(axis=0).astype(float)  # NaN (no live yet) never over
    if all(ob.packs is not None and len(ob.packs.names) > 1 for ob in obs):  # each pack against its own cap
        mean["windows_over_cap"] = np.sum([_pack_days_over(ob.packs) for ob in obs if ob.packs is not None],
                                          axis=0).astype(float)
    highest = np.where(np.isnan(stack), -np.inf, stack).max(axis=0)
    mean["drop_rate_window_max"] = np.where(np.isfinite(highest), highest, np.nan)
    return mean


def _pack_days_over(packs: PackTable) -> np.ndarray:
    """Per day, the packs whose own window rate broke their own cap (NaN, no live answer yet, is never over)."""
    rates = np.nan_to_num(packs.drop_rate_window.astype(float), nan=-1.0)
    return (rates > packs.drop_cap[:, None]).sum(axis=0)


@dataclass(frozen=True)
class RuleCounts:
    """Blocked candidates and audit violations per contact rule (`RULES` order).

    Attributes:
        blocked: mean per replication of the candidates the rule kept from being dialed.
        violations: mean per replication of the attempts the audit found breaking the rule.
        runs_violating: replications with at least one violation of the rule (must be 0).
    """

    blocked: np.ndarray
    violations: np.ndarray
    runs_violating: np.ndarray


def rule_counts(summary: Summary) -> RuleCounts | None:
    """Blocks and violations per rule over the replications (None without outbound)."""
    obs = campaigns(summary)
    if obs is None:
        return None
    blocked = np.vstack([ob.blocked for ob in obs]).astype(float)
    violations = np.vstack([ob.violations for ob in obs]).astype(float)
    assert blocked.shape[1] == len(RULES)
    return RuleCounts(blocked.mean(axis=0), violations.mean(axis=0), (violations > 0).sum(axis=0).astype(float))


@dataclass(frozen=True)
class PackCounts:
    """Each rule pack's debtors over the replications: attempts, blocks and violations by rule, drops against its cap.

    One entry per pack, in `OutboundSeries.packs` order (the default pack of `presets` first,
    then one per `by_country` jurisdiction). Means are per replication.

    Attributes:
        names: the packs' jurisdictions ("" for the default pack); `labels`: as reports show them.
        presets: each pack's presets.
        accounts: accounts of the pack's debtors (mean: a generated portfolio is drawn per replication).
        attempts: dial attempts to them.
        live: their live answers; `dropped`: those dropped.
        drop_rate: dropped / live over the run (mean of the replications' rates; NaN without live answers).
        blocked: candidates a rule kept from being dialed, shape (packs, len(RULES)).
        violations: attempts the audit found breaking a rule of the pack, shape (packs, len(RULES)).
        runs_violating: replications with a violation of the rule in the pack, shape (packs, len(RULES)).
        drop_rate_window_max: the pack's highest window rate on any day of any replication (NaN: no live answer).
        drop_rate_window: the pack's own window rate ending each day, mean over replications, shape (packs, days).
        drop_rate_window_high: the same, highest replication.
        drop_cap: each pack's cap; `drop_window_days`: the length of its window.
        windows_over_cap: window-days over the pack's cap, summed over replications (must be 0).
        windows_over_cap_day: per day, the (replication, pack) windows over their pack's cap.
    """

    names: tuple[str, ...]
    labels: tuple[str, ...]
    presets: tuple[tuple[str, ...], ...]
    accounts: np.ndarray
    attempts: np.ndarray
    live: np.ndarray
    dropped: np.ndarray
    drop_rate: np.ndarray
    blocked: np.ndarray
    violations: np.ndarray
    runs_violating: np.ndarray
    drop_rate_window_max: np.ndarray
    drop_rate_window: np.ndarray
    drop_rate_window_high: np.ndarray
    drop_cap: np.ndarray
    drop_window_days: np.ndarray
    windows_over_cap: np.ndarray
    windows_over_cap_day: np.ndarray


def pack_counts(summary: Summary) -> PackCounts | None:
    """Each rule pack's counts over the replications (None without outbound, or for results without packs)."""
    obs = campaigns(summary)
    if obs is None:
        return None
    packs = [ob.packs for ob in obs]
    if any(p is None for p in packs):
        return None
    tables = [p for p in packs if p is not None]
    first = tables[0]

    def mean(key: str) -> np.ndarray:
        return np.mean([getattr(t, key).astype(float) for t in tables], axis=0)

    violations = np.stack([t.violations.astype(float) for t in tables])
    rates = np.stack([t.drop_rate_window.astype(float) for t in tables])
    by_day = np.where(np.isnan(rates), -np.inf, rates).max(axis=0)  # (packs, days): the highest replication
    highest = by_day.max(axis=1)
    valid = ~np.isnan(rates)
    counts = valid.sum(axis=0)
    mean_by_day = np.full(by_day.shape, np.nan)
    np.divide(np.where(valid, rates, 0.0).sum(axis=0), counts, out=mean_by_day, where=counts > 0)
    return PackCounts(
        names=first.names, labels=first.labels, presets=first.presets,
        accounts=mean("accounts"), attempts=mean("attempts"), live=mean("live"), dropped=mean("dropped"),
        drop_rate=kpi.mean_over_runs([{"rate": kpi.ratio(t.dropped, t.live)} for t in tables])["rate"],
        blocked=mean("blocked"), violations=violations.mean(axis=0), runs_violating=(violations > 0).sum(axis=0),
        drop_rate_window_max=np.where(np.isfinite(highest), highest, np.nan),
        drop_rate_window=mean_by_day, drop_rate_window_high=np.where(np.isfinite(by_day), by_day, np.nan),
        drop_cap=first.drop_cap.astype(float), drop_window_days=first.drop_window_days.astype(np.int64),
        windows_over_cap=np.sum([t.drop_windows_over_cap for t in tables], axis=0).astype(np.int64),
        windows_over_cap_day=np.sum([_pack_days_over(t) for t in tables], axis=0).astype(np.int64),
    )
