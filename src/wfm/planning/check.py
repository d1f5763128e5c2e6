"""Proving a planned roster by simulation, beside the planner's current roster on common random numbers.

Both rosters run the same forecast week with the same seed, so replication i of each sees the
same callers (arrivals, handle times, patience): the differences between them are the rosters',
and the cost difference carries a paired confidence interval. The per-interval table is what
a planner reads to accept a roster: the forecast, the requirement, the agents each roster puts
on the floor, and the simulated service level with its 95% interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm.experiment import Estimate, RunPlan, Summary, paired_difference
from wfm.planning.forecast import Forecast
from wfm.planning.requirements import (
    IntervalServiceLevel,
    floor_agents,
    interval_service_levels,
    judged,
    simulate,
)
from wfm.scenario import WEEKDAYS, Scenario


@dataclass(frozen=True)
class RosterRun:
    """One roster simulated over the planning week.

    Attributes:
        scenario: the scenario simulated.
        summary: its replications.
        service_level: simulated service level per day and interval.
        floor: expected inbound agents on the floor per day and interval.
        met: judged intervals whose service level's lower 95% bound reaches the target.
        judged: intervals with calls in enough replications to be judged alone.
    """

    scenario: Scenario
    summary: Summary
    service_level: IntervalServiceLevel
    floor: np.ndarray
    met: np.ndarray
    judged: np.ndarray

    @property
    def cost(self) -> Estimate:
        """Total cost of the week (mean and 95% interval over replications)."""
        return self.summary.kpis["cost_total"]

    @property
    def meets_target(self) -> bool:
        """Whether every judged interval meets the target."""
        return bool(np.all(self.met[self.judged]))


@dataclass(frozen=True)
class PlanCheck:
    """The planned roster beside the current one, interval by interval.

    Attributes:
        forecast: the forecast week.
        requirement: agents required on the floor per day and interval.
        target: the service-level target.
        planned: the planned roster's run.
        current: the current roster's run.
        cost_difference: planned − current total cost, paired replication by replication.
    """

    forecast: Forecast
    requirement: np.ndarray
    target: float
    planned: RosterRun
    current: RosterRun
    cost_difference: Estimate

    def table(self) -> dict[str, np.ndarray]:
        """One row per day and interval: date, weekday, time, forecast, requirement, both rosters' floor and SL."""
        scenario = self.planned.scenario
        days, per_day = self.requirement.shape
        minutes = scenario.calendar.interval_minutes
        dates = [scenario.calendar.date_of(d) for d in range(days)]
        calls = self.forecast.calls_on_grid(minutes)
        table = {
            "date": np.repeat([d.isoformat() for d in dates], per_day),
            "weekday": np.repeat([WEEKDAYS[d.weekday()] for d in dates], per_day),
            "time": np.tile([f"{i * minutes // 60:02d}:{i * minutes % 60:02d}" for i in range(per_day)], days),
            "forecast": calls.ravel(),
            "requirement": self.requirement.ravel().astype(float),
        }
        for name, run in (("planned", self.planned), ("current", self.current)):
            level = run.service_level
            table[f"{name}_floor"] = run.floor.ravel()
            table[f"{name}_sl"] = level.mean.ravel()
            table[f"{name}_sl_low"] = level.low.ravel()
            table[f"{name}_sl_high"] = level.high.ravel()
            table[f"{name}_met"] = np.where(run.judged, run.met, False).ravel()
        return table


def run_roster(scenario: Scenario, target: float, plan: RunPlan) -> RosterRun:
    """Simulate one roster and judge every interval against `target`."""
    return judge_run(scenario, simulate(scenario, plan), target, plan.replications)


def judge_run(scenario: Scenario, summary: Summary, target: float, replications: int) -> RosterRun:
    """Judge every interval of a roster already simulated against `target`."""
    level = interval_service_levels(summary, scenario.calendar.horizon_days)
    ok = judged(level, replications)
    with np.errstate(invalid="ignore"):
        met = ok & (level.low >= target)
    return RosterRun(scenario, summary, level, floor_agents(scenario), met, ok)


def check_plan(
    planned: Scenario,
    current: Scenario,
    forecast: Forecast,
    requirement: np.ndarray,
    plan: RunPlan,
    *,
    target: float | None = None,
) -> PlanCheck:
    """Simulate the planned and the current roster on common random numbers and compare them per interval.

    Args:
        planned: the scenario with the planned roster (`wfm.planning.roster.apply_schedule`).
        current: the same week with the planner's roster (`wfm.planning.forecast.apply_forecast`).
        forecast: the forecast both were built on.
        requirement: agents required per day and interval (`wfm.planning.requirements`).
        plan: replications per roster (>= 2) and the seed both rosters share; backend, progress, cancel.
        target: service-level target; None = the planned scenario's.

    Raises:
        ValueError: when the two scenarios do not cover the same days on the same grid.
    """
    a, b = planned.calendar, current.calendar
    if (a.start_date, a.horizon_days, a.interval_minutes) != (b.start_date, b.horizon_days, b.interval_minutes):
        raise ValueError("the planned and current scenarios cover different days or grids; apply the same forecast to"
                         " both (start date, horizon and interval length must match)")
    if np.shape(requirement) != (a.horizon_days, a.intervals_per_day):
        raise ValueError(f"requirement has shape {np.shape(requirement)}; the scenarios need"
                         f" ({a.horizon_days}, {a.intervals_per_day})")
    goal = planned.inbound.service_level.target if target is None else target
    first = run_roster(planned, goal, plan.reporting_to(lambda f: plan.progress(f / 2)))
    second = run_roster(current, goal, plan.reporting_to(lambda f: plan.progress(0.5 + f / 2)))
    return PlanCheck(forecast=forecast, requirement=np.asarray(requirement), target=goal, planned=first,
                     current=second, cost_difference=paired_difference(second.summary, first.summary, "cost_total"))
