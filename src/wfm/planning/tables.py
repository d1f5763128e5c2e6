"""The plan's tables, computed once from a `PlanResult`: rosters compared, shifts chosen, forecast days, intervals.

`wfm plan` and the planning workbook (`wfm.report.planning_report`) show the same numbers because
both read them here; neither recomputes a cost, a count of intervals met or a break time itself.
They live beside the pipeline rather than in `wfm.views`, whose contract keeps openpyxl out even
indirectly: the planning package reads interval exports (XLSX) and so reaches it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from wfm.experiment import Estimate
from wfm.planning.check import RosterRun, judge_run
from wfm.planning.forecast import Forecast
from wfm.planning.pipeline import PlanResult
from wfm.planning.schedule import Schedule, days_label
from wfm.scenario import WEEKDAYS, Scenario
from wfm.scenario.units import format_time_of_day

PLANNED, CURRENT, REFERENCE = "Planned roster", "Current roster", "Current shifts re-staffed"
"""The three rosters of a plan, as every front end names them."""


@dataclass(frozen=True)
class RosterLine:
    """One roster of the planning week, simulated on the plan's random numbers.

    Attributes:
        label: `PLANNED`, `CURRENT` or `REFERENCE`.
        cost: total cost of the week (mean and 95% interval over replications); None when not simulated.
        met: judged intervals whose simulated service level's lower 95% bound reaches the target.
        judged: intervals with calls in enough replications to be judged one by one.
        headcount: agents rostered in the planned groups.
        note: why the roster was not simulated ("" when it was).
    """

    label: str
    cost: Estimate | None
    met: int
    judged: int
    headcount: int
    note: str = ""

    @property
    def meets_target(self) -> bool:
        """Whether every judged interval meets the target (False for a roster not simulated)."""
        return self.cost is not None and self.met == self.judged


def planned_headcount(scenario: Scenario, groups: tuple[str, ...]) -> int:
    """Agents on the shifts of `groups` in `scenario`."""
    return sum(shift.headcount for g in scenario.groups if g.name in groups for shift in g.shifts)


def reference_run(result: PlanResult) -> RosterRun | None:
    """The re-staffed current shifts judged interval by interval as the other two rosters are (None without them)."""
    if result.reference is None:
        return None
    check = result.check
    return judge_run(result.reference.scenario, result.reference.summary, check.target,
                     check.planned.summary.replications)


def roster_lines(result: PlanResult) -> tuple[RosterLine, RosterLine, RosterLine]:
    """The planned roster, the planner's current one and the current shifts re-staffed to the same target."""
    groups = result.prepared.planned_groups

    def line(label: str, run: RosterRun) -> RosterLine:
        return RosterLine(label, run.cost, int(run.met.sum()), int(run.judged.sum()),
                          planned_headcount(run.scenario, groups))

    reference = reference_run(result)
    third = (line(REFERENCE, reference) if reference is not None
             else RosterLine(REFERENCE, None, 0, 0, 0, result.reference_note))
    return line(PLANNED, result.check.planned), line(CURRENT, result.check.current), third


@dataclass(frozen=True)
class ShiftRow:
    """One shift template the scheduler staffed.

    Attributes:
        group: the agent group.
        name: the template's name.
        start: start time, "08:00".
        length: length, "8h30" (breaks included).
        days: weekdays worked, "mon-fri".
        breaks: each group of agents' breaks as times of day, "3× pause 10:00, lunch 12:30; 2× …".
        part_time: whether it counts as part-time.
        headcount: agents on it.
        cost_per_agent: an agent's weekly cost on it.
        cost: headcount × cost per agent.
    """

    group: str
    name: str
    start: str
    length: str
    days: str
    breaks: str
    part_time: bool
    headcount: int
    cost_per_agent: float
    cost: float


def shift_rows(schedule: Schedule) -> list[ShiftRow]:
    """The templates with agents, in the scheduler's order (by group, then as generated)."""
    out = []
    for index, (template, agents) in enumerate(zip(schedule.problem.templates, schedule.agents, strict=True)):
        if agents <= 0:
            continue
        hours, minutes = divmod(template.length_min, 60)
        each = schedule.problem.cost_of(template)
        out.append(ShiftRow(template.group, template.name, format_time_of_day(template.start_min * 60),
                            f"{hours}h{minutes:02d}", days_label(template.days), _breaks_text(schedule, index),
                            template.part_time, agents, each, agents * each))
    return out


def _breaks_text(schedule: Schedule, index: int) -> str:
    template = schedule.problem.templates[index]
    if not template.breaks:
        return "none"
    parts = []
    for starts, agents in schedule.break_patterns(index):
        times = ", ".join(f"{rule.name} {format_time_of_day((template.start_min + offset) % (24 * 60) * 60)}"
                          for rule, offset in zip(template.breaks, starts, strict=True))
        parts.append(f"{agents}× {times}")
    return "; ".join(parts)


@dataclass(frozen=True)
class CoverageDay:
    """The scheduler's coverage of one weekday, in agent-hours on the floor (absence counted).

    Attributes:
        weekday: "mon"…"sun".
        required: the requirement the scheduler covered (the planned groups' part of it).
        covered: expected agents of the planned groups on the floor.
        over: agent-hours above the requirement.
        under: agent-hours below it (0: coverage is a hard constraint of the scheduler).
    """

    weekday: str
    required: float
    covered: float
    over: float
    under: float


def coverage_by_weekday(schedule: Schedule) -> list[CoverageDay]:
    """Requirement, coverage and over- and under-coverage per weekday, Monday first (the scheduler's week)."""
    hours = schedule.problem.interval_minutes / 60
    need, covered = schedule.problem.requirement, schedule.coverage
    return [CoverageDay(WEEKDAYS[d], float(need[d].sum() * hours), float(covered[d].sum() * hours),
                        float(schedule.over[d].sum() * hours), float(schedule.under[d].sum() * hours))
            for d in range(7)]


@dataclass(frozen=True)
class ForecastDay:
    """One forecast day.

    Attributes:
        day: the date.
        weekday: "mon"…"sun".
        calls: expected calls offered.
        aht_s: call-weighted average handle time, seconds (NaN without one).
        closed: the public holiday closing the center, or "".
    """

    day: date
    weekday: str
    calls: float
    aht_s: float
    closed: str


def forecast_days(result: Forecast) -> list[ForecastDay]:
    """The forecast per day."""
    closed = dict(result.closed)
    out = []
    for d, day in enumerate(result.dates):
        aht = math.nan
        if result.aht_s is not None:
            known = ~np.isnan(result.aht_s[d]) & (result.calls[d] > 0)
            if known.any():
                aht = float(np.average(result.aht_s[d][known], weights=result.calls[d][known]))
        out.append(ForecastDay(day, WEEKDAYS[day.weekday()], float(result.daily[d]), aht, closed.get(day, "")))
    return out


def interval_table(result: PlanResult) -> dict[str, np.ndarray]:
    """`PlanCheck.table` with more columns, one row per day and interval.

    Added: `erlang` (the Erlang A requirement), `planned_judged` and `current_judged` (whether the
    interval had calls in enough replications to be judged), `label` ("Mon 08:00") and `active`
    (calls forecast, a requirement or agents on the floor: the rows a planner reads).
    """
    check = result.check
    table = check.table()
    table["erlang"] = np.asarray(result.correction.erlang, dtype=float).ravel()
    table["planned_judged"] = check.planned.judged.ravel()
    table["current_judged"] = check.current.judged.ravel()
    table["label"] = np.array([f"{w.capitalize()} {t}" for w, t in zip(table["weekday"], table["time"], strict=True)])
    table["active"] = ((table["forecast"] > 0) | (table["requirement"] > 0) | (table["planned_floor"] > 1e-9)
                       | (table["current_floor"] > 1e-9))
    return table
