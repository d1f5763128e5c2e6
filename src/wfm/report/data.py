"""Report-ready data derived from a Summary and its Scenario: targets, intraday profile, staffing.

Pure functions of plain data, kept apart from the workbook layout so they can be tested on
their own and reused by the GUI. No statistics are recomputed here: estimates and paired
differences come from `wfm.experiment`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from wfm.analytic import erlang_a_staffing, erlang_c_staffing
from wfm.experiment import Estimate
from wfm.scenario import Scenario
from wfm.scenario.outbound import Portfolio
from wfm.scenario.units import DAY_S

# Offered calls per interval are rounded to this step before sizing with Erlang A: staffing is a
# whole number of agents, so the rounding never changes an answer by more than one agent at a
# step, and it lets a year of intervals share a few hundred cached solutions.
OFFERED_STEP = 0.1


@dataclass(frozen=True)
class Target:
    """An objective for one KPI, taken from the scenario.

    Attributes:
        value: the objective, in the KPI's unit.
        higher_is_better: True when the KPI must reach the value, False when it must stay below.
        source: scenario path the target comes from, shown in the report for traceability.
    """

    value: float
    higher_is_better: bool
    source: str

    def met_by(self, value: float) -> bool | None:
        """Whether `value` meets the target; None when there is no value to judge."""
        if value is None or not math.isfinite(value):
            return None
        return value >= self.value if self.higher_is_better else value <= self.value

    def inside(self, estimate: Estimate) -> bool:
        """Whether the target lies inside the estimate's 95% CI (the verdict is not yet certain)."""
        if not math.isfinite(estimate.half_width) or estimate.half_width == 0:
            return False  # no spread over replications: the verdict is as certain as it gets
        return estimate.low <= self.value <= estimate.high


def targets(scenario: Scenario) -> dict[str, Target]:
    """KPI targets and limits a scenario states: the SL objective, the drop-rate cap, no violations.

    The scenario sets no abandon-rate, ASA, recovery or cost objective, and inventing one would
    put a red cell in front of a manager for a rule nobody agreed to, so those KPIs get no
    status. The drop-rate cap is the compliance rules' cap (presets and custom keys resolved);
    the run's overall drop rate is judged against it, and each regulatory window is judged on
    the Compliance sheet. The predictive dialer's `target_drop_rate` is a pacing aim, not a
    limit, and gets no status. Rule violations must be zero whatever the rules are.
    """
    found: dict[str, Target] = {}
    if scenario.inbound.enabled:
        found["service_level"] = Target(
            scenario.inbound.service_level.target, True, "inbound.service_level.target"
        )
    if scenario.outbound.enabled:
        rules = scenario.outbound.compliance.rules()
        found["drop_rate"] = Target(rules.drop_cap, False, "outbound.compliance drop_cap")
        found["violations"] = Target(0.0, False, "contact rules: no violation allowed")
    return found


@dataclass(frozen=True)
class IntradayProfile:
    """A typical day: each reporting interval's KPIs averaged over the days open in it.

    Attributes:
        start_s: start of each interval as seconds after midnight (only intervals open on some day).
        open_days: number of simulated days with calls or agents in the interval.
        columns: KPI columns (same keys as `Summary.intervals`), each the mean over those days.
    """

    start_s: np.ndarray
    open_days: np.ndarray
    columns: dict[str, np.ndarray]


def open_intervals(intervals: dict[str, np.ndarray]) -> np.ndarray:
    """Mask of intervals in which something happened: calls offered or agents available."""
    return (np.nan_to_num(intervals["offered"]) > 0) | (np.nan_to_num(intervals["agents_available"]) > 0)


def intraday_profile(intervals: dict[str, np.ndarray], interval_s: int) -> IntradayProfile:
    """Average the interval table over days, keeping only the intervals the center works.

    A horizon of weeks has thousands of intervals; a planner reads the shape of a day, so the
    report charts this profile. Each value is the plain mean of the daily values of that
    interval over the days it was open (closed days would drag volumes towards zero).
    """
    per_day = DAY_S // interval_s
    mask = open_intervals(intervals).reshape(-1, per_day)
    open_days = mask.sum(axis=0)
    keep = open_days > 0
    columns: dict[str, np.ndarray] = {}
    for key, values in intervals.items():
        if key in ("interval", "start_s"):
            continue
        grid = np.asarray(values, dtype=float).reshape(-1, per_day)
        valid = mask & ~np.isnan(grid)
        counts = valid.sum(axis=0)
        sums = np.where(valid, grid, 0.0).sum(axis=0)
        mean = np.full(per_day, np.nan)
        np.divide(sums, counts, out=mean, where=counts > 0)
        columns[key] = mean[keep]
    start = np.arange(per_day) * interval_s
    return IntradayProfile(start_s=start[keep], open_days=open_days[keep], columns=columns)


def staffing_function(scenario: Scenario, interval_s: int) -> Callable[[float], float]:
    """Agents needed on the phones for the SL target, as a function of calls offered per interval.

    Uses Erlang A (M/M/n+M) with the scenario's mean handle time (talk + after-call work), mean
    patience and SL objective; with patience `none` it is Erlang C, and a lognormal patience is
    approximated by an exponential one of the same mean. Returns NaN when the objective cannot
    be sized (a 100% target).
    """
    inbound = scenario.inbound
    handle = inbound.talk.mean_s + inbound.acw.mean_s
    sl = inbound.service_level
    patience = inbound.patience.mean_s if inbound.patience.distribution != "none" else None

    def required(offered: float) -> float:
        if offered is None or not math.isfinite(offered):
            return math.nan
        step = round(round(offered / OFFERED_STEP) * OFFERED_STEP, 6)
        return _erlang_required(step, interval_s, handle, patience, sl.threshold_s, sl.target)

    return required


@lru_cache(maxsize=100_000)  # bounded: a GUI session writes many reports
def _erlang_required(
    offered: float, interval_s: int, handle_s: float, patience_s: float | None, threshold_s: float, target: float
) -> float:
    """Erlang A (C without patience) agents for `offered` calls per interval, cached across sheets and reports.

    The Intervals and Profile sheets, and every report of the same center, ask for the same few
    hundred rounded volumes; the answer depends only on these arguments.
    """
    if offered <= 0:
        return 0.0
    if handle_s <= 0 or target >= 1:
        return math.nan
    rate = offered / interval_s
    if patience_s is None:
        return float(erlang_c_staffing(rate, handle_s, threshold_s, target))
    return float(erlang_a_staffing(rate, handle_s, patience_s, threshold_s, target))


def required_agents(offered: np.ndarray, scenario: Scenario, interval_s: int) -> np.ndarray:
    """Erlang-required agents for each value of mean calls offered per interval."""
    required = staffing_function(scenario, interval_s)
    return np.array([required(float(x)) for x in np.asarray(offered, dtype=float)])


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_KEYS = ("open", "close", "start")


def flatten_inputs(data: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """Scenario parameters as (path, value, unit) rows, from `Scenario.model_dump(mode="json")`.

    Every leaf becomes one row so a reader can trace any result to its exact inputs. Times of
    day (stored as seconds after midnight) are shown as clock times and ISO dates as dates,
    still as numbers; a closed day or an empty list shows as "none".
    """
    if isinstance(data, dict):
        if not data:
            return [(prefix, "none", "text")]
        rows: list[tuple[str, Any, str]] = []
        for key, value in data.items():
            rows += flatten_inputs(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, list | tuple):
        if not data:
            return [(prefix, "none", "text")]
        rows = []
        for i, value in enumerate(data):
            rows += flatten_inputs(value, f"{prefix}[{i}]")
        return rows
    leaf = prefix.rsplit(".", 1)[-1]
    if data is None:
        return [(prefix, "none", "text")]
    if isinstance(data, bool):
        return [(prefix, data, "text")]
    if isinstance(data, int) and leaf in _TIME_KEYS:
        return [(prefix, data / DAY_S, "time")]
    if isinstance(data, str) and _ISO_DATE.match(data):
        return [(prefix, date.fromisoformat(data), "date")]
    if isinstance(data, int | float):
        return [(prefix, data, "general")]
    return [(prefix, str(data), "text")]


IMPORTED = "outbound.portfolio.imported"


def imported_summary(portfolio: Portfolio) -> list[tuple[str, Any, str]]:
    """The imported accounts summarised as (path, value, unit) rows: source, count, balance, segments, DPD.

    The accounts themselves stay in their file: six rows per account would pass Excel's
    1,048,576-row limit at about 175,000 accounts, and nobody reads a portfolio on the Inputs
    sheet. An empty list when the portfolio is generated rather than imported.
    """
    accounts = portfolio.imported
    if not accounts:
        return []
    source = portfolio.file + (f" (sheet {portfolio.sheet})" if portfolio.sheet else "") if portfolio.file \
        else "listed in the scenario"
    by_segment = {s.name: 0 for s in portfolio.segments}
    counts = np.bincount(accounts.segment, minlength=len(accounts.segment_names)).tolist()
    by_segment.update(zip(accounts.segment_names, counts, strict=True))
    rows: list[tuple[str, Any, str]] = [
        (f"{IMPORTED}.source", source, "text"),
        (f"{IMPORTED}.accounts", len(accounts), "count"),
        (f"{IMPORTED}.total_balance", accounts.total_balance(), "money"),
    ]
    rows += [(f"{IMPORTED}.accounts_by_segment.{name}", n, "count") for name, n in by_segment.items()]
    rows += [(f"{IMPORTED}.dpd_min", int(accounts.dpd.min()), "count"),
             (f"{IMPORTED}.dpd_max", int(accounts.dpd.max()), "count")]
    return rows


def scenario_inputs(scenario: Scenario) -> list[tuple[str, Any, str]]:
    """Every scenario parameter as (path, value, unit) rows, imported accounts summarised (`imported_summary`).

    The summary takes the place of the account list, right after the other portfolio keys
    ("none" when the accounts are generated).
    """
    data = scenario.model_dump(mode="json", exclude={"outbound": {"portfolio": {"imported"}}})
    rows = flatten_inputs(data)
    summary = imported_summary(scenario.outbound.portfolio) or [(IMPORTED, "none", "text")]
    at = max((i for i, (p, _, _) in enumerate(rows) if p.startswith("outbound.portfolio.")), default=len(rows) - 1)
    return rows[:at + 1] + summary + rows[at + 1:]
