"""Inbound by interval: the intraday profile of a typical day and the interval table, with the requirement.

Both set simulated service against the staffing requirement of the forecast demand
(`wfm.analytic.StaffingRule`, Erlang A or C). Rates are ratios of sums: the profile's service
level at 10:00 is answered-in-SL over offered summed over the days it averages, never a mean
of the days' ratios, as `wfm.kpi` states for every level. Replications are then averaged (and
banded), as every KPI estimate is.

An interval of a day is *open* when calls were forecast or offered in it, or agents were
available in it, in any replication; the profile averages each interval over the days it was
open, since closed days would drag volumes towards zero.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from wfm.analytic import StaffingRule
from wfm.experiment import Summary
from wfm.kpi import ratio
from wfm.scenario import HOUR_S, Scenario
from wfm.sim.arrivals import SLOT_S, expected_calls
from wfm.sim.result import RunResult
from wfm.views.common import NON_NEGATIVE, Band, kpi_range


def open_days(scenario: Scenario) -> list[int]:
    """Simulation days on which the center opens (holidays and closed weekdays left out)."""
    cal = scenario.calendar
    return [d for d in range(cal.horizon_days) if cal.hours_on(d) is not None]


def inbound_groups(scenario: Scenario) -> tuple[str, ...]:
    """Names of the groups the ACD routes inbound calls to (kind inbound or blended)."""
    return tuple(g.name for g in scenario.groups if g.takes_inbound)


def forecast(scenario: Scenario) -> np.ndarray:
    """Expected calls per reporting interval, shape (days, intervals per day), before day-level noise.

    Zero everywhere when the scenario takes no inbound calls.
    """
    cal = scenario.calendar
    out = np.zeros((cal.horizon_days, cal.intervals_per_day))
    if not scenario.inbound.enabled:
        return out
    slots_per_interval = cal.interval_s // SLOT_S
    for day in range(cal.horizon_days):
        out[day] = expected_calls(scenario.inbound.demand, cal, day).reshape(-1, slots_per_interval).sum(axis=1)
    return out


def staffing_rule(scenario: Scenario) -> StaffingRule:
    """The requirement rule of the scenario's inbound queue and SL target."""
    return StaffingRule.for_inbound(scenario.inbound)


def required(scenario: Scenario, calls: np.ndarray) -> np.ndarray:
    """Agents required for each value of `calls` per reporting interval (0 without inbound)."""
    if not scenario.inbound.enabled:
        return np.zeros(np.shape(calls), dtype=int)
    return staffing_rule(scenario).per_interval(calls, scenario.calendar.interval_s)


def available(run: RunResult, groups: Collection[str] | None = None) -> np.ndarray:
    """Agents available (idle, busy or on the dialer) per interval, over `groups` (None = every group)."""
    staff = run.staff
    if groups is None:
        seconds = staff.busy_s + staff.idle_s + staff.dialing_s
    else:
        rows = [i for i, name in enumerate(staff.group_names) if name in groups]
        seconds = staff.available_by_group_s[rows].sum(axis=0) if rows else np.zeros(run.n_intervals)
    return np.asarray(seconds, dtype=float) / run.interval_s


def _grid(values: np.ndarray, per_day: int) -> np.ndarray:
    """Per-interval values as a (days, intervals per day) grid."""
    return np.asarray(values, dtype=float).reshape(-1, per_day)


def open_mask(summary: Summary, scenario: Scenario) -> np.ndarray:
    """(days, intervals per day): whether the interval of the day was open (module docstring)."""
    per_day = scenario.calendar.intervals_per_day
    mask = forecast(scenario) > 0
    for run in summary.runs:
        mask |= (_grid(run.inbound.offered, per_day) > 0) | (_grid(available(run), per_day) > 0)
    return mask


@dataclass(frozen=True)
class IntradayProfile:
    """Inbound by interval of one day, or of a typical day over several, across replications.

    Every series has one value per interval of the day (closed ones included, so x values line
    up); counters are the mean over the days open in the interval (0 when none was), rates the
    ratio of the sums over those days (NaN when none was). Then mean and 95% band over replications.

    Attributes:
        hours: start of each interval in hours after midnight.
        open_days: days averaged per interval (0: closed on every chosen day).
        offered: calls offered per interval.
        answered: calls answered per interval.
        service_level: answered within the threshold / offered, short abandons as configured.
        asa: wait of answered calls / answered calls, seconds.
        agents: agents logged in and not on break (handling, idle or waiting on the dialer), over
            every group, outbound-only agents included.
        inbound_agents: the same over the groups that take inbound (kind inbound or blended): the
            capacity the queue can draw on. Blended agents in it may be on an outbound call.
        forecast: expected calls per interval, averaged over the same days (no replication noise).
        required: agents required for the SL target on `forecast` (`wfm.analytic.StaffingRule`).
        formula: the queueing model of `required` ("Erlang A" or "Erlang C").
    """

    hours: np.ndarray
    open_days: np.ndarray
    offered: Band
    answered: Band
    service_level: Band
    asa: Band
    agents: Band
    inbound_agents: Band
    forecast: np.ndarray
    required: np.ndarray
    formula: str

    @property
    def start_s(self) -> np.ndarray:
        """Start of each interval in seconds after midnight."""
        return np.round(self.hours * HOUR_S).astype(int)


def intraday_profile(summary: Summary, scenario: Scenario, days: Sequence[int] | None = None) -> IntradayProfile:
    """The profile over `days` (one day, several, or None: the whole horizon), banded over replications."""
    cal = scenario.calendar
    per_day = cal.intervals_per_day
    mask = open_mask(summary, scenario)
    if days is not None:
        chosen = np.zeros(mask.shape[0], dtype=bool)
        chosen[list(days)] = True
        mask &= chosen[:, None]
    n_open = mask.sum(axis=0)

    def summed(values: np.ndarray) -> np.ndarray:
        return np.where(mask, _grid(values, per_day), 0.0).sum(axis=0)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.where(n_open > 0, summed(values) / np.maximum(n_open, 1), 0.0)

    groups = inbound_groups(scenario)
    rows: dict[str, list[np.ndarray]] = {k: [] for k in ("offered", "answered", "service_level", "asa", "agents",
                                                          "inbound_agents")}
    for run in summary.runs:
        inbound = run.inbound
        short = inbound.abandoned_short if run.exclude_short_abandons else np.zeros(run.n_intervals)
        rows["offered"].append(mean(inbound.offered))
        rows["answered"].append(mean(inbound.answered))
        rows["service_level"].append(ratio(summed(inbound.answered_in_sl), summed(inbound.offered - short)))
        rows["asa"].append(ratio(summed(inbound.wait_answered_s), summed(inbound.answered)))
        rows["agents"].append(mean(available(run)))
        rows["inbound_agents"].append(mean(available(run, groups)))
    calls = np.where(n_open > 0, np.where(mask, forecast(scenario), 0.0).sum(axis=0) / np.maximum(n_open, 1), 0.0)
    return IntradayProfile(
        hours=np.arange(per_day) * cal.interval_s / HOUR_S,
        open_days=n_open,
        forecast=calls,
        required=required(scenario, calls),
        formula=staffing_rule(scenario).formula,
        **{k: Band.of(np.vstack(v), within=kpi_range(k, NON_NEGATIVE)) for k, v in rows.items()},
    )


@dataclass(frozen=True)
class IntervalTable:
    """Every reporting interval of the horizon: the summary's KPI columns, inbound capacity and requirement.

    Attributes:
        columns: `Summary.intervals` (KPI means over replications, `interval`, `start_s`) plus
            `inbound_agents` (mean over replications) and `forecast` (expected calls).
        open: whether each interval was open (module docstring).
        required: agents required for the SL target on the forecast of each interval.
    """

    columns: dict[str, np.ndarray]
    open: np.ndarray
    required: np.ndarray


def interval_table(summary: Summary, scenario: Scenario) -> IntervalTable:
    """The interval table of an experiment (see `IntervalTable`)."""
    groups = inbound_groups(scenario)
    calls = forecast(scenario).ravel()
    agents = np.mean([available(run, groups) for run in summary.runs], axis=0)
    columns = {**summary.intervals, "inbound_agents": agents, "forecast": calls}
    return IntervalTable(columns=columns, open=open_mask(summary, scenario).ravel(), required=required(scenario, calls))

