"""KPI definitions (DESIGN §7) computed from a RunResult: overall, by day and by interval.

One set of formulas serves all three levels: counters are summed over the rows of the level
(all intervals, the intervals of a day, one interval) and the ratios taken afterwards, so a
day's service level is answered-in-SL over offered of that day, never a mean of interval SLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from wfm.sim.result import RunResult

Unit = Literal["ratio", "seconds", "count", "agents", "money"]


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is called, how it is shown, and which direction is good."""

    key: str
    label: str
    unit: Unit
    higher_is_better: bool | None
    definition: str


KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("offered", "Inbound calls offered", "count", None, "calls reaching the queue, redials included"),
    KpiDef("answered", "Inbound calls answered", "count", None, "calls connected to an agent"),
    KpiDef("abandoned", "Inbound calls abandoned", "count", False, "callers who hung up while waiting"),
    KpiDef("answer_rate", "Answer rate", "ratio", True, "answered / offered"),
    KpiDef("abandon_rate", "Abandon rate", "ratio", False,
           "abandoned / offered (short abandons excluded from both when configured)"),
    KpiDef("service_level", "Service level", "ratio", True,
           "answered within the threshold / offered (short abandons excluded when configured)"),
    KpiDef("asa", "ASA", "seconds", False, "mean wait of answered calls"),
    KpiDef("aht", "AHT", "seconds", False, "(talk + after-call work) / handled calls"),
    KpiDef("occupancy", "Occupancy", "ratio", None, "handling time / (handling + idle) of logged-in agents"),
    KpiDef("agents_available", "Agents available", "agents", None,
           "mean agents logged in and not on break (handling or idle)"),
    KpiDef("redials", "Redials", "count", None, "offered calls that are callbacks of abandoners"),
)
KPI_BY_KEY: dict[str, KpiDef] = {k.key: k for k in KPI_DEFS}

# Headline KPIs, in the order reports and the CLI show them.
HEADLINE: tuple[str, ...] = (
    "offered", "answer_rate", "abandon_rate", "service_level", "asa", "aht", "occupancy",
)

_COUNTERS = ("offered", "answered", "abandoned", "answered_in_sl", "abandoned_short", "wait_answered_s",
             "handled", "talk_s", "acw_s", "redials")
_STAFF = ("idle_s", "busy_s", "break_s", "absent_s")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Num / den with NaN where the denominator is zero (no calls: no rate)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _grouped(result: RunResult, group_size: int) -> dict[str, np.ndarray]:
    """Counters summed over consecutive blocks of `group_size` intervals."""
    sums: dict[str, np.ndarray] = {}
    n = result.n_intervals
    for name in _COUNTERS:
        sums[name] = getattr(result.inbound, name).reshape(n // group_size, group_size).sum(axis=1)
    for name in _STAFF:
        sums[name] = getattr(result.staff, name).reshape(n // group_size, group_size).sum(axis=1)
    return sums


def _kpis_from_sums(sums: dict[str, np.ndarray], result: RunResult, span_s: float) -> dict[str, np.ndarray]:
    short = sums["abandoned_short"] if result.exclude_short_abandons else np.zeros_like(sums["abandoned_short"])
    offered_net = sums["offered"] - short
    return {
        "offered": sums["offered"].astype(float),
        "answered": sums["answered"].astype(float),
        "abandoned": sums["abandoned"].astype(float),
        "answer_rate": _ratio(sums["answered"], sums["offered"]),
        "abandon_rate": _ratio(sums["abandoned"] - short, offered_net),
        "service_level": _ratio(sums["answered_in_sl"], offered_net),
        "asa": _ratio(sums["wait_answered_s"], sums["answered"]),
        "aht": _ratio(sums["talk_s"] + sums["acw_s"], sums["handled"]),
        "occupancy": _ratio(sums["busy_s"], sums["busy_s"] + sums["idle_s"]),
        "agents_available": (sums["busy_s"] + sums["idle_s"]) / span_s,
        "redials": sums["redials"].astype(float),
    }


def overall(result: RunResult) -> dict[str, float]:
    """Every KPI over the whole horizon.

    `agents_available` is averaged over the open intervals only (those with offered calls
    or agents logged in), since a 24-hour average says nothing to a planner.
    """
    sums = _grouped(result, result.n_intervals)
    kpis = {k: float(v[0]) for k, v in _kpis_from_sums(sums, result, result.horizon_s).items()}
    per_interval = by_interval(result)
    active = (per_interval["agents_available"] > 0) | (per_interval["offered"] > 0)
    kpis["agents_available"] = float(per_interval["agents_available"][active].mean()) if active.any() else 0.0
    return kpis


def by_day(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per simulated day, plus `day` and `date` columns."""
    per_day = result.intervals_per_day
    sums = _grouped(result, per_day)
    open_s = np.maximum(
        ((result.staff.idle_s + result.staff.busy_s).reshape(-1, per_day) > 0).sum(axis=1) * result.interval_s,
        1,
    )
    table = _kpis_from_sums(sums, result, open_s)
    n_days = len(table["offered"])
    start = date.fromisoformat(result.start_date)
    table["day"] = np.arange(n_days)
    table["date"] = np.array([(start + timedelta(days=d)).isoformat() for d in range(n_days)])
    return table


def by_interval(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per reporting interval, plus `interval` and `start_s` columns."""
    sums = _grouped(result, 1)
    table = _kpis_from_sums(sums, result, float(result.interval_s))
    table["interval"] = np.arange(result.n_intervals)
    table["start_s"] = table["interval"] * result.interval_s
    return table
