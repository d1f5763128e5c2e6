"""The people over the horizon: headcount by group and tenure, flows, absence, stress and cost.

Per day or per week of 7 days from the start (`wfm.kpi.by_day`, `wfm.kpi.by_week`, whose
counters are summed over the period before any ratio is taken). Plots get bands over
replications (`WorkforceView`); tables get column means (`workforce_by_day`, `workforce_by_week`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.views.common import NON_NEGATIVE, Band, kpi_range

WEEKLY_FROM_DAYS = 14
"""Horizons of this many days or more are also shown by week (one point per day would crowd the plots)."""

WEEKLY_KPIS: tuple[str, ...] = ("headcount", "hires", "leavers", "attrition", "absence_rate", "stress_mean",
                                "stress_p90", "productivity", "training_days")
"""The workforce KPIs of the weekly table."""


def has_days(summary: Summary) -> bool:
    """Whether the experiment recorded any day of workforce data."""
    return bool(summary.runs) and summary.runs[0].workforce.headcount.shape[0] > 0


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
    if not has_days(summary):
        return None
    first = summary.runs[0]
    weekly = first.workforce.headcount.shape[0] >= WEEKLY_FROM_DAYS
    tables = [kpi.by_week(run) if weekly else kpi.by_day(run) for run in summary.runs]
    heads = [kpi.headcount_table(run, 7 if weekly else 1) for run in summary.runs]
    names = first.workforce.group_names

    def band(key: str) -> Band:
        return Band.of([t[key] for t in tables], within=kpi_range(key))

    return WorkforceView(
        period="week" if weekly else "day",
        starts=np.asarray(heads[0]["day"]),
        labels=tuple(str(d) for d in tables[0]["start_date" if weekly else "date"]),
        group_names=tuple(names),
        headcount_by_group=tuple(Band.of([h[name] for h in heads], within=NON_NEGATIVE) for name in names),
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


def workforce_by_day(summary: Summary) -> dict[str, np.ndarray]:
    """People per day: headcount by group and tenure band, flows, absence and attrition to date (mean over runs).

    Columns: `headcount`, `group:<name>` per group, `band:<label>` per tenure band, `hires`,
    `leavers`, `requisitions`, `present`, `absent`, `training`, `leavers_to_date`, and
    `attrition_to_date` = leavers to date × 365 / headcount-days to date, the annualised
    attrition of the run so far (its last value is the run's `attrition` KPI). Empty without days.
    """
    if not has_days(summary):
        return {}
    tables = []
    for run in summary.runs:
        wf = run.workforce
        counts = kpi.headcount_table(run, 1)
        headcount = wf.headcount.sum(axis=(1, 2)).astype(float)
        leavers = wf.leavers.sum(axis=1).astype(float)
        table = {"headcount": headcount}
        table |= {f"group:{name}": counts[name] for name in wf.group_names}
        table |= {f"band:{band}": counts[band] for band in wf.tenure_bands}
        for name in ("hires", "leavers", "requisitions", "present", "absent", "training"):
            table[name] = getattr(wf, name).sum(axis=1).astype(float)
        table["leavers_to_date"] = np.cumsum(leavers)
        table["attrition_to_date"] = kpi.ratio(np.cumsum(leavers) * 365, np.cumsum(headcount))
        tables.append(table)
    return kpi.mean_over_runs(tables)


def workforce_by_week(summary: Summary) -> dict[str, np.ndarray]:
    """Workforce KPIs of `WEEKLY_KPIS` per week of 7 days from the start (`wfm.kpi.by_week`), mean over runs."""
    if not has_days(summary):
        return {}
    return kpi.mean_over_runs([{k: kpi.by_week(run)[k] for k in WEEKLY_KPIS} for run in summary.runs])
