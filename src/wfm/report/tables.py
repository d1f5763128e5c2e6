"""Report tables of the dialer, portfolio, compliance and workforce, averaged over replications.

`Summary.daily` already holds per-day KPI means; these tables add what it does not carry
(outcomes by hour, the funnel by segment, regulatory windows, headcount by group and tenure).
Each table is built per replication from its `RunResult` and then averaged column by column,
NaN left out, exactly as `wfm.experiment` averages `Summary.daily`: a rate shown is the mean
of the replications' rates, never a rate of averaged counters, so every cell can be traced
to the replications' own values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from wfm import kpi
from wfm.scenario import Scenario
from wfm.scenario.units import HOUR_S
from wfm.sim.outbound.result import OUTCOMES, RULES, SegmentTable
from wfm.sim.result import RunResult

Table = dict[str, np.ndarray]


def mean_over_runs(tables: Sequence[Table]) -> Table:
    """Column-wise mean over replications with NaN left out (NaN where no replication has a value)."""
    out: Table = {}
    for key in tables[0]:
        stack = np.vstack([np.asarray(t[key], dtype=float) for t in tables])
        valid = ~np.isnan(stack)
        counts = valid.sum(axis=0)
        sums = np.where(valid, stack, 0.0).sum(axis=0)
        mean = np.full(stack.shape[1], np.nan)
        np.divide(sums, counts, out=mean, where=counts > 0)
        out[key] = mean
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _per_day(values: np.ndarray, per_day: int) -> np.ndarray:
    """Interval values summed by day (leading axis)."""
    values = np.asarray(values, dtype=float)
    return values.reshape(-1, per_day, *values.shape[1:]).sum(axis=1)


def _outbound_runs(runs: Sequence[RunResult]) -> list[RunResult]:
    return [r for r in runs if r.outbound is not None]


# --------------------------------------------------------------------------------------------
# Inbound staffing
# --------------------------------------------------------------------------------------------


def inbound_agents(runs: Sequence[RunResult], scenario: Scenario) -> np.ndarray | None:
    """Agents of the groups that take inbound calls (inbound, blended) available per interval, mean over runs.

    Available means idle, busy or waiting on the dialer, as for the `agents_available` KPI, but
    counted only over the groups the queue routes to. None when the results do not record
    staffing per group (made before it was recorded) or there are no runs.
    """
    groups = {g.name for g in scenario.groups if g.takes_inbound}
    tables = []
    for run in runs:
        staff = run.staff
        if staff.available_by_group_s.shape[0] != len(staff.group_names) or not staff.group_names:
            return None
        rows = [i for i, name in enumerate(staff.group_names) if name in groups]
        seconds = staff.available_by_group_s[rows].sum(axis=0) if rows else np.zeros(run.n_intervals)
        tables.append({"agents": seconds / run.interval_s})
    return mean_over_runs(tables)["agents"] if tables else None


# --------------------------------------------------------------------------------------------
# Dialer
# --------------------------------------------------------------------------------------------


def dialer_by_hour(runs: Sequence[RunResult]) -> Table:
    """Attempts by outcome, rates and mean dial level per hour of day (center time), over all days.

    Only hours in which some replication dialed are kept. The dial level is the mean of the
    level recorded at the end of each interval of that hour in which the dialer placed calls
    (the level means nothing while the dialer is idle).

    Columns: `hour`, `attempts`, one per outcome of `OUTCOMES`, `contact_rate`, `rpc_rate`,
    `drop_rate`, `dial_level`.
    """
    tables = []
    for run in _outbound_runs(runs):
        ob = run.outbound
        assert ob is not None
        hour = (np.arange(run.n_intervals) // (HOUR_S // run.interval_s)) % 24
        kpis = kpi.outbound_by_hour(run)
        table: Table = {"attempts": kpis["attempts"]}
        for i, name in enumerate(OUTCOMES):
            table[name] = np.bincount(hour, weights=ob.outcomes[:, i].astype(float), minlength=24)
        for key in ("contact_rate", "rpc_rate", "drop_rate"):
            table[key] = kpis[key]
        dialing = (ob.attempts > 0) & np.isfinite(ob.dial_level)
        level_sum = np.bincount(hour, weights=np.where(dialing, ob.dial_level, 0.0), minlength=24)
        table["dial_level"] = _ratio(level_sum, np.bincount(hour, weights=dialing.astype(float), minlength=24))
        tables.append(table)
    if not tables:
        return {}
    mean = mean_over_runs(tables)
    keep = np.flatnonzero(np.nan_to_num(mean["attempts"]) > 0)
    return {"hour": keep.astype(float)} | {k: v[keep] for k, v in mean.items()}


def dialer_by_day(runs: Sequence[RunResult]) -> Table:
    """Attempts by outcome per day and the regulatory window's drop rate ending that day.

    Columns: `attempts`, one per outcome, `drop_rate` (that day's dropped / live answers),
    `drop_rate_window`, `drop_rate_window_max` (the highest replication), `windows_over_cap`
    (replications whose window rate broke the cap), `fallback_attempts`.
    """
    tables, windows, caps = [], [], []
    for run in _outbound_runs(runs):
        ob = run.outbound
        assert ob is not None
        per_day = run.intervals_per_day
        outcomes = _per_day(ob.outcomes, per_day)
        table: Table = {"attempts": outcomes.sum(axis=1)}
        for i, name in enumerate(OUTCOMES):
            table[name] = outcomes[:, i]
        live = outcomes[:, OUTCOMES.index("dropped")] + outcomes[:, OUTCOMES.index("third_party")] \
            + outcomes[:, OUTCOMES.index("rpc")]
        table["drop_rate"] = _ratio(outcomes[:, OUTCOMES.index("dropped")], live)
        table["drop_rate_window"] = ob.drop_rate_window.astype(float)
        table["fallback_attempts"] = _per_day(ob.fallback_attempts, per_day)
        tables.append(table)
        windows.append(ob.drop_rate_window.astype(float))
        caps.append(ob.drop_cap)
    if not tables:
        return {}
    mean = mean_over_runs(tables)
    stack = np.vstack(windows)
    cap = caps[0]
    mean["windows_over_cap"] = (stack > cap).sum(axis=0).astype(float)  # NaN (no live answer yet) is never over
    highest = np.where(np.isnan(stack), -np.inf, stack).max(axis=0)
    mean["drop_rate_window_max"] = np.where(np.isfinite(highest), highest, np.nan)
    return mean


# --------------------------------------------------------------------------------------------
# Portfolio
# --------------------------------------------------------------------------------------------

FUNNEL: tuple[str, ...] = ("accounts", "balance_placed", "attempts", "live", "rpc", "ptp", "promises_due",
                           "promises_kept", "collected", "accounts_with_rpc")
FUNNEL_RATES: tuple[str, ...] = ("penetration", "contact_rate", "rpc_rate", "ptp_rate", "kept_rate",
                                 "recovery_rate", "drop_rate")


@dataclass(frozen=True)
class SegmentFunnel:
    """The collection funnel per risk segment plus an all-segments row (the last).

    Attributes:
        names: segment names, then "All segments".
        dpd: days past due at placement per row as "min–max" from the scenario ("" if unknown).
        columns: counters of `FUNNEL` (mean over replications) and rates of `FUNNEL_RATES`
            (mean of the replications' rates; the definitions of `wfm.kpi.outbound_by_segment`).
    """

    names: tuple[str, ...]
    dpd: tuple[str, ...]
    columns: Table


def _with_total(seg: SegmentTable) -> SegmentTable:
    """The segment table with one more row summing every segment."""
    values = {name: np.append(getattr(seg, name), getattr(seg, name).sum()) for name in FUNNEL if name != "live"}
    values["live"] = np.append(seg.live, seg.live.sum())
    values["dropped"] = np.append(seg.dropped, seg.dropped.sum())
    return SegmentTable(names=(*seg.names, "All segments"), **values)


def segment_funnel(runs: Sequence[RunResult], scenario: Scenario) -> SegmentFunnel | None:
    """Attempts → live → RPC → PTP → due → kept → collected per segment, with its rates.

    The rates come from `wfm.kpi.outbound_by_segment`, applied to the segment table with an
    added all-segments row, so the report and the KPI module share one definition.
    """
    tables = []
    names: tuple[str, ...] = ()
    for run in _outbound_runs(runs):
        ob = run.outbound
        assert ob is not None
        seg = _with_total(ob.segments)
        names = seg.names
        rates = kpi.outbound_by_segment(replace(run, outbound=replace(ob, segments=seg)))
        table = {name: np.asarray(getattr(seg, name), dtype=float) for name in FUNNEL}
        table |= {name: rates[name] for name in FUNNEL_RATES}
        tables.append(table)
    if not tables:
        return None
    ranges = {s.name: f"{s.dpd_min}–{s.dpd_max}" for s in scenario.outbound.portfolio.segments}
    all_dpd = [s.dpd_min for s in scenario.outbound.portfolio.segments] + \
        [s.dpd_max for s in scenario.outbound.portfolio.segments]
    total = f"{min(all_dpd)}–{max(all_dpd)}" if all_dpd else ""
    dpd = tuple(ranges.get(n, "") for n in names[:-1]) + (total,)
    return SegmentFunnel(names=names, dpd=dpd, columns=mean_over_runs(tables))


def portfolio_by_day(runs: Sequence[RunResult]) -> Table:
    """Promises and payments per day, with the money collected to date and its recovery rate.

    Columns: `ptp` (promises made), `promises_due`, `promises_kept`, `promises_broken`,
    `amount_promised`, `amount_collected`, `collected_to_date`, `recovery_to_date`
    (collected to date / balance placed), `accounts_paid_off`.
    """
    tables = []
    for run in _outbound_runs(runs):
        ob = run.outbound
        assert ob is not None
        collected = ob.amount_collected.astype(float)
        to_date = np.cumsum(collected)
        tables.append({
            "ptp": _per_day(ob.ptp, run.intervals_per_day),
            "promises_due": ob.promises_due.astype(float),
            "promises_kept": ob.promises_kept.astype(float),
            "promises_broken": ob.promises_broken.astype(float),
            "amount_promised": ob.amount_promised.astype(float),
            "amount_collected": collected,
            "collected_to_date": to_date,
            "recovery_to_date": _ratio(to_date, np.full(to_date.shape, ob.balance_placed)),
            "accounts_paid_off": ob.accounts_paid_off.astype(float),
        })
    return mean_over_runs(tables) if tables else {}


# --------------------------------------------------------------------------------------------
# Compliance
# --------------------------------------------------------------------------------------------


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


def rule_counts(runs: Sequence[RunResult]) -> RuleCounts | None:
    """Blocks and violations per rule over the replications (None without outbound)."""
    outbound = [r.outbound for r in _outbound_runs(runs)]
    if not outbound:
        return None
    blocked = np.vstack([ob.blocked for ob in outbound if ob is not None]).astype(float)
    violations = np.vstack([ob.violations for ob in outbound if ob is not None]).astype(float)
    assert blocked.shape[1] == len(RULES)
    return RuleCounts(blocked.mean(axis=0), violations.mean(axis=0), (violations > 0).sum(axis=0).astype(float))


# --------------------------------------------------------------------------------------------
# Workforce
# --------------------------------------------------------------------------------------------


def workforce_by_day(runs: Sequence[RunResult]) -> Table:
    """People per day: headcount by group and tenure band, flows, absence and attrition to date.

    Columns: `headcount`, `group:<name>` per group, `band:<label>` per tenure band, `hires`,
    `leavers`, `requisitions`, `present`, `absent`, `training`, `leavers_to_date`, and
    `attrition_to_date` = leavers to date × 365 / headcount-days to date, the annualised
    attrition of the run so far (its last value is the run's `attrition` KPI).
    """
    tables = []
    for run in runs:
        wf = run.workforce
        if wf.headcount.shape[0] == 0:
            continue
        counts = kpi.headcount_table(run, 1)
        headcount = wf.headcount.sum(axis=(1, 2)).astype(float)
        leavers = wf.leavers.sum(axis=1).astype(float)
        table: Table = {"headcount": headcount}
        table |= {f"group:{name}": counts[name] for name in wf.group_names}
        table |= {f"band:{band}": counts[band] for band in wf.tenure_bands}
        for name in ("hires", "leavers", "requisitions", "present", "absent", "training"):
            table[name] = getattr(wf, name).sum(axis=1).astype(float)
        table["leavers_to_date"] = np.cumsum(leavers)
        table["attrition_to_date"] = _ratio(np.cumsum(leavers) * 365, np.cumsum(headcount))
        tables.append(table)
    return mean_over_runs(tables) if tables else {}


WEEKLY_KPIS: tuple[str, ...] = ("headcount", "hires", "leavers", "attrition", "absence_rate", "stress_mean",
                                "stress_p90", "productivity", "training_days")


def workforce_by_week(runs: Sequence[RunResult]) -> Table:
    """Workforce KPIs of `WEEKLY_KPIS` per week of 7 days from the start (`wfm.kpi.by_week`), mean over runs.

    None of these KPIs reads the outbound campaign, and `kpi.by_week` does not yet handle a
    run with outbound (its interval sums lack the outbound counters), so the runs are passed
    to it without their campaign.
    """
    tables = [{k: v for k, v in kpi.by_week(replace(run, outbound=None)).items() if k in WEEKLY_KPIS}
              for run in runs if run.workforce.headcount.shape[0] > 0]
    return mean_over_runs(tables) if tables else {}
