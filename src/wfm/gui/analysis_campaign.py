"""Numbers behind the dialer, funnel, recovery and workforce dashboards (no Qt here).

Like `wfm.gui.analysis`, every series is the mean over replications with a 95% t-band
(`Band`), taken from the replications' raw counters in `RunResult`, so the plots and the
KPI table can never disagree. Each view is None when the result has no data for it (an
inbound-only run has no dialer, funnel or recovery), and the window hides its tab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.gui.analysis import Band, band_over
from wfm.scenario.units import DAY_S
from wfm.sim.outbound.result import OutboundSeries

FUNNEL_STAGES: tuple[str, ...] = ("attempts", "contacts", "rpc", "ptp", "kept")
"""The count stages of the collections funnel; money collected is the last stage, in currency."""

FUNNEL_LABELS: dict[str, str] = {"attempts": "Attempts", "contacts": "Contacts", "rpc": "RPC", "ptp": "PTP",
                                 "kept": "Kept", "collected": "Collected"}

WEEKLY_FROM_DAYS = 14
"""Workforce views switch from one point per day to one per week at this many simulated days."""


def _stack(rows: list[np.ndarray]) -> Band:
    return Band.of(np.vstack([np.asarray(r, dtype=float) for r in rows]))


@dataclass(frozen=True)
class DialerView:
    """Pacing and compliance of the dialer over the horizon.

    Attributes:
        mode: dialer mode of the run (preview, progressive, power, predictive).
        interval_days: start of each reporting interval in days from the start of the run.
        dial_level: lines per available agent at the end of each interval, only where the
            dialer made attempts in it (NaN while the campaign is idle: no level to speak of).
            Banded by a 95% t-interval, or by the min–max of the replications when there are
            fewer than `wfm.gui.analysis.SPREAD_BELOW` of them (see `dial_level_band`).
        dial_level_band: what the band of `dial_level` is, for the legend.
        attempts: dial attempts per interval.
        days: day indices of the per-day series.
        drop_rate_window: drop rate over the regulatory window ending with each day.
        drop_rate_day: dropped / live answers of each day alone (AMD false positives included).
        drop_cap: the compliance cap on the window rate.
        drop_window_days: the window's length in days.
        windows_over_cap: days whose window rate broke the cap, summed over replications.
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


def dialer_view(summary: Summary) -> DialerView | None:
    """The dialer series of an experiment, or None when it had no outbound campaign."""
    obs = [run.outbound for run in summary.runs]
    if any(ob is None for ob in obs):
        return None
    first = summary.runs[0]
    per_day = first.intervals_per_day
    levels, attempts, window, daily = [], [], [], []
    for ob in obs:
        assert ob is not None
        tried = ob.attempts
        levels.append(np.where(tried > 0, ob.dial_level, np.nan))
        attempts.append(tried)
        window.append(ob.drop_rate_window)
        live = ob.live.reshape(-1, per_day).sum(axis=1)
        dropped = ob.outcome("dropped").reshape(-1, per_day).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            daily.append(np.where(live > 0, dropped / np.where(live > 0, live, 1), np.nan))
    ob0 = obs[0]
    assert ob0 is not None
    level, level_band = band_over(np.vstack(levels))
    return DialerView(
        mode=ob0.mode,
        interval_days=np.arange(first.n_intervals) * first.interval_s / DAY_S,
        dial_level=level,
        dial_level_band=level_band,
        attempts=_stack(attempts),
        days=np.arange(len(ob0.drop_rate_window)),
        drop_rate_window=_stack(window),
        drop_rate_day=_stack(daily),
        drop_cap=ob0.drop_cap,
        drop_window_days=ob0.drop_window_days,
        windows_over_cap=sum(ob.drop_windows_over_cap for ob in obs if ob is not None),
    )


def funnel_counts(ob: OutboundSeries) -> dict[str, float]:
    """One run's funnel: attempts → contacts (RPC + third party) → RPC → PTP → kept, and money collected.

    Contacts are live answers an agent talked to, as in the `contact_rate` KPI; kept counts
    promises that fell due and were paid within the horizon.
    """
    return {
        "attempts": float(ob.attempts.sum()),
        "contacts": float(ob.outcome("third_party").sum() + ob.outcome("rpc").sum()),
        "rpc": float(ob.outcome("rpc").sum()),
        "ptp": float(ob.ptp.sum()),
        "kept": float(ob.promises_kept.sum()),
        "collected": float(ob.amount_collected.sum()),
    }


@dataclass(frozen=True)
class FunnelView:
    """The collections funnel over the horizon, per stage across replications.

    Attributes:
        stages: the count stages (`FUNNEL_STAGES`) in funnel order.
        counts: Band over the stages (one value per stage).
        collected: Band of the money collected (a one-element band).
        promises_due: promises that fell due within the horizon (mean over replications), the
            base of the kept rate.
        currency: the scenario's currency, for labels.
    """

    stages: tuple[str, ...]
    counts: Band
    collected: Band
    promises_due: float
    currency: str


def funnel_view(summary: Summary, currency: str) -> FunnelView | None:
    """The funnel of an experiment, or None without an outbound campaign."""
    if any(run.outbound is None for run in summary.runs):
        return None
    rows = [funnel_counts(run.outbound) for run in summary.runs if run.outbound is not None]
    due = float(np.mean([run.outbound.promises_due.sum() for run in summary.runs if run.outbound is not None]))
    return FunnelView(
        stages=FUNNEL_STAGES,
        counts=_stack([np.array([r[s] for s in FUNNEL_STAGES]) for r in rows]),
        collected=_stack([np.array([r["collected"]]) for r in rows]),
        promises_due=due,
        currency=currency,
    )


@dataclass(frozen=True)
class RecoveryView:
    """Money coming in day by day.

    Attributes:
        days: day indices (0 = the first simulated day).
        cumulative: amount collected up to the end of each day (cumulated per replication, then banded).
        cumulative_promised: amount promised up to the end of each day.
        balance_placed: balance placed with the center (mean over replications; the portfolio is drawn per run).
        currency: the scenario's currency.
    """

    days: np.ndarray
    cumulative: Band
    cumulative_promised: Band
    balance_placed: float
    currency: str


def recovery_view(summary: Summary, currency: str) -> RecoveryView | None:
    """Cumulative recovery of an experiment, or None without an outbound campaign."""
    obs = [run.outbound for run in summary.runs]
    if any(ob is None for ob in obs):
        return None
    collected = [np.cumsum(ob.amount_collected) for ob in obs if ob is not None]
    promised = [np.cumsum(ob.amount_promised) for ob in obs if ob is not None]
    return RecoveryView(
        days=np.arange(len(collected[0])),
        cumulative=_stack(collected),
        cumulative_promised=_stack(promised),
        balance_placed=float(np.mean([ob.balance_placed for ob in obs if ob is not None])),
        currency=currency,
    )


@dataclass(frozen=True)
class WorkforceView:
    """The people over the horizon, one point per day (short runs) or per week.

    Attributes:
        period: "day" or "week": what one point stands for.
        starts: first day of each period.
        labels: ISO date of each period's first day.
        group_names: agent groups, in scenario order.
        headcount_by_group: mean employed agents per period, one Band per group.
        headcount: mean employed agents per period, all groups.
        hires: hires arriving per period.
        leavers: leavers per period.
        attrition: annualised attrition of the period (leavers / headcount × 365 / days).
        absence_rate: agent-shifts missed / rostered.
        stress_mean: mean end-of-shift stress of the agents who worked.
        stress_p90: 90th percentile of end-of-shift stress (per day; a week shows the mean of its days).
        cost_total: total cost per period, in `currency`.
        stress_enabled: whether the stress model was on (off: stress stays 0 by construction).
        currency: the scenario's currency.
    """

    period: str
    starts: np.ndarray
    labels: tuple[str, ...]
    group_names: tuple[str, ...]
    headcount_by_group: tuple[Band, ...]
    headcount: Band
    hires: Band
    leavers: Band
    attrition: Band
    absence_rate: Band
    stress_mean: Band
    stress_p90: Band
    cost_total: Band
    stress_enabled: bool
    currency: str


def workforce_view(summary: Summary, stress_enabled: bool, currency: str) -> WorkforceView | None:
    """Headcount, turnover, stress and cost per day or week, or None when the result has no days."""
    first = summary.runs[0]
    n_days = first.workforce.headcount.shape[0]
    if n_days == 0:
        return None
    weekly = n_days >= WEEKLY_FROM_DAYS
    step = 7 if weekly else 1
    tables = [kpi.by_week(run) if weekly else kpi.by_day(run) for run in summary.runs]
    heads = [kpi.headcount_table(run, step) for run in summary.runs]
    names = first.workforce.group_names
    dates = tables[0]["start_date" if weekly else "date"]

    def band(key: str) -> Band:
        return _stack([t[key] for t in tables])

    return WorkforceView(
        period="week" if weekly else "day",
        starts=np.asarray(heads[0]["day"]),
        labels=tuple(str(d) for d in dates),
        group_names=tuple(names),
        headcount_by_group=tuple(_stack([h[name] for h in heads]) for name in names),
        headcount=band("headcount"),
        hires=band("hires"),
        leavers=band("leavers"),
        attrition=band("attrition"),
        absence_rate=band("absence_rate"),
        stress_mean=band("stress_mean"),
        stress_p90=band("stress_p90"),
        cost_total=band("cost_total"),
        stress_enabled=stress_enabled,
        currency=currency,
    )
