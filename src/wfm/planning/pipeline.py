"""The whole planning loop, from an interval history to a roster proven by simulation.

One place runs the steps in the order a planner takes them, so the CLI (`wfm plan`), the GUI's
Planning section and the tests run the same loop:

1. `prepare`: forecast the week after the history (with a backtest against seasonal-naive),
   put it into the scenario, and size it with Erlang A. Fast: a planner looks at this before
   asking for a roster.
2. `make_plan`: roster the requirement with the scheduler, correct it by simulation until every
   interval meets the target, then simulate the planner's current roster on the same random
   numbers and, as the like-for-like reference, the current shift pattern re-staffed by the same
   scheduler to the same target: what meeting the target would cost without new shifts.

Groups not planned keep their shifts; what they put on the floor is taken off the requirement
before the scheduler sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from wfm.analytic import StaffingRule
from wfm.experiment import Estimate, RunPlan, paired_difference
from wfm.planning.check import PlanCheck, judge_run, run_roster
from wfm.planning.forecast import Backtest, Forecast, apply_forecast, backtest, forecast
from wfm.planning.history import History
from wfm.planning.requirements import (
    Correction,
    ErlangStep,
    correct_by_simulation,
    erlang_requirement,
    floor_agents,
    weekly,
)
from wfm.planning.roster import (
    STANDARD_LENGTHS_MIN,
    apply_schedule,
    current_templates,
    group_limits,
    standard_templates,
)
from wfm.planning.schedule import (
    DEFAULT_TIME_LIMIT_S,
    Schedule,
    ScheduleInfeasible,
    ScheduleProblem,
    ShiftTemplate,
    solve_schedule,
)
from wfm.scenario import Scenario

PLANNING_DAYS = 7
"""The planning horizon: one week, the scheduler's cycle."""
PLAN_REPLICATIONS = 10
"""Replications per simulation a plan runs by default: a lower 95% bound from fewer is mostly its t quantile."""
REFERENCE_ROUNDS = 3
"""Simulation rounds correcting the re-staffed current shifts (they start from the plan's corrected requirement)."""


@dataclass(frozen=True)
class PlanSettings:
    """What the planner chooses before asking for a roster.

    Attributes:
        target: service-level target, a share; None = the scenario's `inbound.service_level.target`.
        start: first planned day; None = the Monday after the history ends.
        country: ISO country whose public holidays close the center and shape the forecast.
        subdiv: region or province for regional holidays, or None.
        backtest_weeks: held-out weeks scored against seasonal-naive (0 = no backtest).
        groups: groups to roster; None = every group that takes inbound calls.
        limits: per group, any of min_headcount, max_headcount, max_part_time_share.
        budget: most the planned groups' week may cost; None = no cap.
        lengths_min: shift lengths offered, minutes.
        step_min: minutes between shift start times.
        max_rounds: simulation rounds of the correction.
        max_raise: most agents the correction adds to an interval's Erlang A requirement.
        time_limit_s: the scheduler's time limit per solve.
        compare_current_shifts: also re-staff and correct the current shift pattern to the same target.
    """

    target: float | None = None
    start: date | None = None
    country: str = "IT"
    subdiv: str | None = None
    backtest_weeks: int = 4
    groups: tuple[str, ...] | None = None
    limits: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    budget: float | None = None
    lengths_min: tuple[int, ...] = STANDARD_LENGTHS_MIN
    step_min: int = 30
    max_rounds: int = 8
    max_raise: int = 6
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    compare_current_shifts: bool = True

    def __post_init__(self) -> None:
        if self.target is not None and not 0 < self.target < 1:
            raise ValueError(f"target {self.target} is not a share; use e.g. 0.8 for 80%")
        if self.backtest_weeks < 0:
            raise ValueError(f"backtest_weeks = {self.backtest_weeks} must be 0 (no backtest) or more")
        if self.max_rounds < 1:
            raise ValueError(f"max_rounds = {self.max_rounds} must be at least 1")


@dataclass(frozen=True)
class Prepared:
    """The forecast week, before any roster is chosen.

    Attributes:
        history: the interval export.
        forecast: the planned week's forecast.
        backtest: the forecast's accuracy on held-out weeks, or None (see `backtest_note`).
        backtest_note: why there is no backtest ("" when there is one).
        week: the scenario simulating the forecast week with the planner's current roster.
        erlang: Erlang A agents per day and interval of the week.
        target: the service-level target.
        settings: the planner's settings.
    """

    history: History
    forecast: Forecast
    backtest: Backtest | None
    backtest_note: str
    week: Scenario
    erlang: np.ndarray
    target: float
    settings: PlanSettings

    def step(self) -> ErlangStep:
        """How many agents a round of the correction adds where the week misses (sized by Erlang A)."""
        week = self.week
        return ErlangStep.of(self.forecast, StaffingRule.for_inbound(week.inbound), week.calendar.interval_minutes)

    @property
    def planned_groups(self) -> tuple[str, ...]:
        """The groups the scheduler rosters."""
        inbound = tuple(g.name for g in self.week.groups if g.takes_inbound)
        return inbound if self.settings.groups is None else self.settings.groups


@dataclass(frozen=True)
class PlanResult:
    """Everything the planning loop found, for the report and the screen.

    Attributes:
        prepared: the forecast week.
        correction: the requirement corrected by simulation, with its rounds and what stayed unmet.
        schedule: the scheduler's last roster (of the corrected requirement).
        planned: the scenario with the planned roster.
        check: planned beside current, interval by interval, on common random numbers.
        reference: the current shift pattern re-staffed to the same target (same random numbers);
            None when not asked for or when the current shifts cannot be scheduled (see `reference_note`).
        reference_note: why there is no reference ("" when there is one).
    """

    prepared: Prepared
    correction: Correction
    schedule: Schedule
    planned: Scenario
    check: PlanCheck
    reference: Correction | None
    reference_note: str

    @property
    def saving_vs_reference(self) -> Estimate | None:
        """Reference − planned cost of the week, paired replication by replication (> 0: the plan is cheaper)."""
        if self.reference is None:
            return None
        return paired_difference(self.check.planned.summary, self.reference.summary, "cost_total")


def prepare(history: History, scenario: Scenario, settings: PlanSettings | None = None) -> Prepared:
    """Forecast the week after the history into `scenario` and size it with Erlang A.

    Raises:
        ValueError: for a history too short to forecast, or a scenario the forecast cannot go into.
    """
    settings = settings or PlanSettings()
    _check_groups(scenario, settings)
    result = forecast(history, settings.start, PLANNING_DAYS, country=settings.country, subdiv=settings.subdiv)
    scored: Backtest | None = None
    note = "no backtest asked for"
    if settings.backtest_weeks:
        try:
            scored = backtest(history, settings.backtest_weeks, country=settings.country, subdiv=settings.subdiv)
            note = ""
        except ValueError as error:
            note = str(error)
    week = apply_forecast(scenario, result)
    rule = StaffingRule.for_inbound(week.inbound)
    erlang = erlang_requirement(result, rule, week.calendar.interval_minutes)
    target = week.inbound.service_level.target if settings.target is None else settings.target
    return Prepared(history, result, scored, note, week, erlang, target, settings)


def make_plan(prepared: Prepared, plan: RunPlan) -> PlanResult:
    """Roster the week, correct the roster by simulation, and prove it beside the current one.

    `plan` gives the replications per simulation (>= 2), the seed every simulation shares, where
    they run, and who hears the progress: the correction takes the first 60% of the bar, the
    current roster and the re-staffed current shifts the rest.

    Raises:
        wfm.planning.schedule.ScheduleInfeasible: when no roster meets the limits (the message
            names the binding ones).
    """
    settings, week = prepared.settings, prepared.week
    roster = _Roster(prepared)
    rounds_share = 0.6 if settings.compare_current_shifts else 0.8
    correction = correct_by_simulation(
        prepared.erlang, roster, prepared.target, plan.reporting_to(lambda f: plan.progress(rounds_share * f)),
        max_rounds=settings.max_rounds, max_raise=settings.max_raise, step=prepared.step())
    schedule = roster.last
    planned = correction.scenario
    planned_run = judge_run(planned, correction.summary, prepared.target, plan.replications)
    current_share = 0.1 if settings.compare_current_shifts else 0.2
    current_run = run_roster(week, prepared.target,
                             plan.reporting_to(lambda f: plan.progress(rounds_share + current_share * f)))
    check = PlanCheck(forecast=prepared.forecast, requirement=correction.requirement, target=prepared.target,
                      planned=planned_run, current=current_run,
                      cost_difference=paired_difference(current_run.summary, planned_run.summary, "cost_total"))
    reference: Correction | None = None
    note = "not asked for"
    if settings.compare_current_shifts:
        done = rounds_share + current_share
        try:
            reference = _reference(prepared, correction.requirement,
                                   plan.reporting_to(lambda f: plan.progress(done + (1 - done) * f)))
            note = ""
        except (ValueError, ScheduleInfeasible) as error:
            note = f"the current shifts cannot be re-staffed to the requirement: {error}"
    plan.progress(1.0)
    return PlanResult(prepared, correction, schedule, planned, check, reference, note)


class _Roster:
    """Requirement → the scheduler's roster in the week's scenario (the correction's `roster_for`)."""

    def __init__(self, prepared: Prepared, templates: tuple[ShiftTemplate, ...] | None = None) -> None:
        settings, week = prepared.settings, prepared.week
        self.week = week
        self.settings = settings
        planned = prepared.planned_groups
        kept = [g.name for g in week.groups if g.takes_inbound and g.name not in planned]
        self.kept_floor = floor_agents(week, kept) if kept else np.zeros_like(prepared.erlang, dtype=float)
        self.templates: tuple[ShiftTemplate, ...] = templates if templates is not None else tuple(
            t for name in planned
            for t in standard_templates(week, name, lengths_min=settings.lengths_min, step_min=settings.step_min))
        self.limits = tuple(g for g in group_limits(week, settings.limits) if g.name in planned)
        self.start_weekday = prepared.forecast.start_date.weekday()
        self.last: Schedule

    def __call__(self, requirement: np.ndarray) -> Scenario:
        need = np.maximum(requirement - np.floor(self.kept_floor + 1e-9), 0)
        problem = ScheduleProblem(weekly(need, self.start_weekday), self.week.calendar.interval_minutes,
                                  self.templates, self.limits, budget=self.settings.budget)
        self.last = solve_schedule(problem, time_limit_s=self.settings.time_limit_s)
        return apply_schedule(self.week, self.last, f"{self.week.name} (planned roster)")


def _check_groups(scenario: Scenario, settings: PlanSettings) -> None:
    inbound = [g.name for g in scenario.groups if g.takes_inbound]
    if not inbound:
        raise ValueError("no group of the scenario takes inbound calls; add an inbound or blended group to plan")
    unknown = sorted(set(settings.groups or ()) - set(inbound))
    if unknown:
        raise ValueError(f"groups {unknown} take no inbound calls or do not exist; plan some of {inbound}")
    if settings.groups is not None and not settings.groups:
        raise ValueError(f"no group to plan; give some of {inbound}")


def _reference(prepared: Prepared, requirement: np.ndarray, plan: RunPlan) -> Correction:
    """The planner's own shifts re-staffed by the scheduler to the corrected requirement, and corrected in turn.

    The comparison the planner needs is at the same service level: the current roster usually
    misses it, so its cost says nothing about what the plan saves. The current shift pattern
    (`current_templates`) with the cheapest headcounts covering the requirement the planned
    roster was proven on, corrected by simulation for what its own breaks and stagger lose, is
    what meeting the target costs without new shifts.
    """
    settings, week = prepared.settings, prepared.week
    roster = _Roster(prepared, current_templates(week, prepared.planned_groups, week.calendar.interval_minutes))
    return correct_by_simulation(
        requirement, roster, prepared.target, plan, max_rounds=REFERENCE_ROUNDS, max_raise=settings.max_raise,
        step=prepared.step())
