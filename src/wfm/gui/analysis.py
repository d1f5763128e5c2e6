"""Numbers the dashboards draw, computed from results and scenarios (no Qt here).

Kept apart from the widgets so they can be tested as plain functions and so that a plot
never computes anything it could get wrong silently: every series is the mean over
replications with a 95% t-band, taken from the replications' raw counters.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from wfm import kpi
from wfm.analytic import erlang_a_staffing, erlang_c_staffing
from wfm.experiment import Summary
from wfm.scenario import HOUR_S, Scenario
from wfm.sim.arrivals import SLOT_S, expected_calls
from wfm.sim.result import RunResult

if TYPE_CHECKING:
    from wfm.gui.analysis_campaign import DialerView, FunnelView, RecoveryView, WorkforceView


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
    def of(cls, rows: np.ndarray) -> Band:
        """Band over the first axis of `rows` (one row per replication), ignoring NaNs."""
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        valid = ~np.isnan(rows)
        n = valid.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, np.nansum(rows, axis=0) / np.maximum(n, 1), np.nan)
            centred = np.where(valid, rows - mean, 0.0)
            var = (centred**2).sum(axis=0) / np.maximum(n - 1, 1)
            t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
            half = np.where(n > 1, t * np.sqrt(var / np.maximum(n, 1)), 0.0)
        return cls(mean=mean, low=mean - half, high=mean + half)

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


SPREAD_BELOW = 5
"""Below this many replications a noisy per-interval series is banded by its min–max, not a t-interval."""


def band_over(rows: np.ndarray) -> tuple[Band, str]:
    """A band over replications and what it is: a 95% t-interval, or the min–max with few replications."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    n = rows.shape[0]
    if n >= SPREAD_BELOW:
        return Band.of(rows), "95% CI"
    if n == 1:
        return Band.of(rows), "one replication, no band"
    return Band.spread(rows), f"band: min–max of {n} replications"


@dataclass(frozen=True)
class Outcome:
    """One finished experiment as the GUI keeps it: the inputs with what they produced.

    Attributes:
        name: the label shown in tables and legends (unique among kept results).
        scenario: the exact scenario that was run.
        summary: the experiment's summary (KPI estimates, tables and raw runs).
        required_avg: Erlang A agents required per interval of an average open day.
        profile_avg: the intraday profile of an average open day.
        daily: per-day KPI bands (see `daily_bands`).
        dialer: dialer pacing and drop rates (None without an outbound campaign).
        funnel: the collections funnel (None without an outbound campaign).
        recovery: cumulative money collected (None without an outbound campaign).
        workforce: headcount, turnover, stress and cost over days or weeks (None without days).

    Everything but the first three is computed in the worker thread with the run, so showing a result
    costs the GUI thread drawing only.
    """

    name: str
    scenario: Scenario
    summary: Summary = field(repr=False)
    required_avg: np.ndarray = field(repr=False)
    profile_avg: IntradayProfile = field(repr=False)
    daily: dict[str, Band] = field(repr=False)
    dialer: DialerView | None = field(default=None, repr=False)
    funnel: FunnelView | None = field(default=None, repr=False)
    recovery: RecoveryView | None = field(default=None, repr=False)
    workforce: WorkforceView | None = field(default=None, repr=False)

    @classmethod
    def analyse(cls, name: str, scenario: Scenario, summary: Summary) -> Outcome:
        """Everything the dashboards draw for one experiment."""
        # Imported here: the campaign views build on `Band` from this module.
        from wfm.gui.analysis_campaign import dialer_view, funnel_view, recovery_view, workforce_view

        days = open_days(scenario)
        currency = scenario.costs.currency
        profile = intraday_profile(summary, days, inbound_groups(scenario))
        return cls(name, scenario, summary, required_agents(scenario, days), profile,
                   daily_bands(summary), dialer_view(summary),
                   funnel_view(summary, currency), recovery_view(summary, currency),
                   workforce_view(summary, scenario.workforce.stress.enabled, currency))


@dataclass(frozen=True)
class IntradayProfile:
    """Inbound by interval of one day, or averaged over the open days, across replications.

    Attributes:
        hours: start of each interval in hours after midnight.
        offered: calls offered per interval.
        answered: calls answered per interval.
        service_level: answered within the threshold / offered (short abandons as configured).
        agents: agents logged in and not on break (handling, idle or waiting on the dialer) per
            interval, over every group, outbound-only agents included (used for the x range).
        inbound_agents: the same, over the groups that take inbound only (kind inbound or blended):
            the capacity the inbound queue can draw on. Blended agents in it may be on an outbound
            call or waiting on the dialer.
    """

    hours: np.ndarray
    offered: Band
    answered: Band
    service_level: Band
    agents: Band
    inbound_agents: Band


def open_days(scenario: Scenario) -> list[int]:
    """Simulation days on which the center opens (holidays and closed weekdays left out)."""
    cal = scenario.calendar
    return [d for d in range(cal.horizon_days) if cal.hours_on(d) is not None]


def _per_day(values: np.ndarray, per_day: int) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, per_day)


def inbound_groups(scenario: Scenario) -> tuple[str, ...]:
    """Names of the groups the ACD routes inbound calls to (kind inbound or blended)."""
    return tuple(g.name for g in scenario.groups if g.takes_inbound)


def _available_in(run: RunResult, groups: Collection[str] | None) -> np.ndarray:
    """Agent-seconds available (idle, busy or on the dialer) per interval, over `groups` (None = all)."""
    staff = run.staff
    if groups is None:
        return staff.busy_s + staff.idle_s + staff.dialing_s
    rows = [i for i, name in enumerate(staff.group_names) if name in groups]
    return staff.available_by_group_s[rows].sum(axis=0) if rows else np.zeros(run.n_intervals)


def intraday_profile(summary: Summary, days: list[int], groups: Collection[str] | None = None) -> IntradayProfile:
    """Mean intraday profile over `days` (one day or many), banded over replications.

    Service level sums its counters over the days before dividing, as `wfm.kpi` does for
    any level, so a quiet day does not weigh as much as a busy one. `groups` are the groups
    whose agents count in `inbound_agents` (see `inbound_groups`; None = every group).
    """
    first = summary.runs[0]
    per_day = first.intervals_per_day
    rows: dict[str, list[np.ndarray]] = {"offered": [], "answered": [], "service_level": [], "agents": [],
                                         "inbound_agents": []}
    for run in summary.runs:
        inbound = run.inbound
        offered = _per_day(inbound.offered, per_day)[days]
        short = _per_day(inbound.abandoned_short, per_day)[days] if run.exclude_short_abandons else 0.0
        in_sl = _per_day(inbound.answered_in_sl, per_day)[days]
        net = (offered - short).sum(axis=0)
        staffed = _per_day(_available_in(run, None), per_day)[days] / run.interval_s
        inbound_staffed = _per_day(_available_in(run, groups), per_day)[days] / run.interval_s
        rows["offered"].append(offered.mean(axis=0))
        rows["answered"].append(_per_day(inbound.answered, per_day)[days].mean(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            rows["service_level"].append(np.where(net > 0, in_sl.sum(axis=0) / np.where(net > 0, net, 1), np.nan))
        rows["agents"].append(staffed.mean(axis=0))
        rows["inbound_agents"].append(inbound_staffed.mean(axis=0))
    hours = np.arange(per_day) * first.interval_s / HOUR_S
    return IntradayProfile(hours=hours, **{k: Band.of(np.vstack(v)) for k, v in rows.items()})


def daily_bands(summary: Summary) -> dict[str, Band]:
    """Per-day KPI bands over replications for the daily dashboard (keys of `wfm.kpi`)."""
    tables = [kpi.by_day(run) for run in summary.runs]
    keys = ("offered", "answered", "service_level", "abandon_rate", "asa", "occupancy")
    return {k: Band.of(np.vstack([t[k] for t in tables])) for k in keys}


def expected_per_interval(scenario: Scenario, days: list[int]) -> np.ndarray:
    """Forecast calls per reporting interval, averaged over `days` (before day-level noise)."""
    cal = scenario.calendar
    slots_per_interval = cal.interval_s // SLOT_S
    if not days:
        return np.zeros(cal.intervals_per_day)
    slots = np.mean([expected_calls(scenario.inbound.demand, cal, d) for d in days], axis=0)
    return slots.reshape(-1, slots_per_interval).sum(axis=1)


def required_agents(scenario: Scenario, days: list[int]) -> np.ndarray:
    """Agents needed per interval to meet the SL target on the forecast demand.

    Erlang A with the scenario's mean handle time (talk + ACW) and mean patience; Erlang C
    when callers never abandon. Lognormal patience is represented by its mean, which is an
    approximation the legend does not hide (it says "Erlang A").
    """
    inbound = scenario.inbound
    cal = scenario.calendar
    calls = expected_per_interval(scenario, days)
    aht = inbound.talk.mean_s + inbound.acw.mean_s
    target = min(inbound.service_level.target, 0.999)
    threshold = inbound.service_level.threshold_s
    out = np.zeros(len(calls))
    if aht <= 0 or not inbound.enabled:
        return out
    cache: dict[float, int] = {}
    for i, c in enumerate(calls):
        if c <= 1e-9:
            continue
        rate = float(c) / cal.interval_s
        key = round(rate, 9)
        if key not in cache:
            if inbound.patience.distribution == "none":
                cache[key] = erlang_c_staffing(rate, aht, threshold, target)
            else:
                cache[key] = erlang_a_staffing(rate, aht, inbound.patience.mean_s, threshold, target)
        out[i] = cache[key]
    return out


def is_significant(estimate_low: float, estimate_high: float) -> bool:
    """Whether a paired-difference CI excludes zero (NaN bounds are never significant)."""
    if math.isnan(estimate_low) or math.isnan(estimate_high):
        return False
    return estimate_low > 0 or estimate_high < 0
