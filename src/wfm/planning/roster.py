"""The chosen roster into the scenario: shift templates with their headcounts and breaks.

A scenario's shift template gives all its agents the same breaks, spread by `stagger_min` at
even steps; the scheduler places each agent's breaks on the interval grid. So every distinct
break pattern of a template becomes a shift of its own (same start, length and weekdays, no
stagger), with as many agents as have that pattern: the simulation then runs exactly the breaks
the scheduler counted on. Groups without templates in the schedule keep their shifts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from wfm.planning.schedule import PART_TIME_BELOW_MIN, BreakRule, GroupLimits, Schedule, ShiftTemplate, expand_templates
from wfm.scenario import WEEKDAYS, Scenario
from wfm.scenario.io import scenario_from_mapping
from wfm.scenario.units import MINUTE_S, Weekday, format_time_of_day

STANDARD_LENGTHS_MIN: tuple[int, ...] = (8 * 60 + 30, 6 * 60, 4 * 60)
"""Shift lengths offered by `standard_templates`: full time with an unpaid lunch, and two part-time lengths."""


def group_limits(scenario: Scenario, limits: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[GroupLimits, ...]:
    """Costs and absence of every inbound-taking group of the scenario, with the planner's limits.

    Wages come from `costs.wage_of`, overhead from `costs.overhead_per_seat_day` and the share
    present from the group's absence rate.

    Args:
        scenario: the scenario whose groups are rostered.
        limits: per group name, any of min_headcount, max_headcount, max_part_time_share.

    Raises:
        ValueError: when `limits` names a group that does not take inbound calls.
    """
    limits = dict(limits or {})
    inbound = {g.name for g in scenario.groups if g.takes_inbound}
    unknown = sorted(set(limits) - inbound)
    if unknown:
        raise ValueError(f"limits name group(s) {unknown} that take no inbound calls; use some of {sorted(inbound)}")
    return tuple(
        GroupLimits(name=g.name, wage_per_hour=scenario.costs.wage_of(g.name),
                    overhead_per_day=scenario.costs.overhead_per_seat_day, present_share=1.0 - g.absence_rate,
                    **limits.get(g.name, {}))
        for g in scenario.groups if g.takes_inbound)


def shifts_of(schedule: Schedule, index: int) -> list[dict[str, Any]]:
    """The scenario shifts (as mappings) of template `index`: one per distinct break pattern."""
    template: ShiftTemplate = schedule.problem.templates[index]
    patterns = schedule.break_patterns(index)
    out = []
    for number, (starts, agents) in enumerate(patterns, start=1):
        name = template.name if len(patterns) == 1 else f"{template.name} ({number})"
        out.append({
            "name": name,
            "days": list(template.days),
            "start": format_time_of_day(template.start_min * 60),
            "length_h": template.length_min / 60,
            "headcount": agents,
            "breaks": [{"name": rule.name, "offset_min": float(start), "duration_min": float(rule.duration_min),
                        "stagger_min": 0.0, "paid": rule.paid}
                       for rule, start in zip(template.breaks, starts, strict=True)],
        })
    return out


def apply_schedule(scenario: Scenario, schedule: Schedule, name: str | None = None) -> Scenario:
    """The scenario with the schedule's roster as the shifts of every group the schedule plans.

    A planned group with no agent keeps one empty shift (a group needs a shift template).

    Raises:
        wfm.scenario.io.ScenarioError: when the new roster breaks a rule of the scenario (for
            instance a hiring target above the group's new headcount).
    """
    data = scenario.model_dump(mode="python")
    planned = {t.group for t in schedule.problem.templates}
    for group in data["groups"]:
        if group["name"] not in planned:
            continue
        shifts = [shift for index, template in enumerate(schedule.problem.templates)
                  if template.group == group["name"] and schedule.agents[index] > 0
                  for shift in shifts_of(schedule, index)]
        if not shifts:
            first = next(t for t in schedule.problem.templates if t.group == group["name"])
            shifts = [{"name": first.name, "days": list(first.days), "start": format_time_of_day(first.start_min * 60),
                       "length_h": first.length_min / 60, "headcount": 0, "breaks": []}]
        group["shifts"] = shifts
    data["name"] = name or f"{scenario.name} (planned roster)"
    return scenario_from_mapping(data, f"<{data['name']}>")


def day_patterns(scenario: Scenario, days_per_week: int = 5) -> list[tuple[Weekday, ...]]:
    """Weekday patterns of `days_per_week` open days in a row (a closed day does not break the run).

    For a center open six long days, every five of them in a row round the week: each pattern
    has one of the six off. Days open for less than six hours (a short Saturday) are left out,
    to `standard_templates`' one-day shifts.
    """
    hours = scenario.calendar.opening_hours
    long_days = [d for d in WEEKDAYS if hours.get(d) is not None and _open_min(scenario, d) >= 6 * 60]
    if len(long_days) <= days_per_week:
        return [tuple(long_days)] if long_days else []
    open_days = [d for d in WEEKDAYS if hours.get(d) is not None]
    out = []
    for first in range(len(open_days)):
        run = [open_days[(first + k) % len(open_days)] for k in range(days_per_week)]
        pattern = tuple(d for d in WEEKDAYS if d in run)
        if pattern not in out:
            out.append(pattern)
    return out


def _open_min(scenario: Scenario, day: Weekday) -> int:
    hours = scenario.calendar.opening_hours.get(day)
    return 0 if hours is None else (hours.close - hours.open) // MINUTE_S


def standard_templates(scenario: Scenario, group: str, *, lengths_min: tuple[int, ...] = STANDARD_LENGTHS_MIN,
                       step_min: int = 30) -> tuple[ShiftTemplate, ...]:
    """Shift templates a planner would offer a group, from the scenario's opening hours.

    Every length of `lengths_min` starting every `step_min` minutes from the earliest opening so
    that it ends by the latest closing, on every `day_patterns` pattern; and, for each day open
    less than six hours, one-day shifts of the day's length and of four hours. Breaks are
    `screen_work_breaks`; shifts under six hours count as part-time.

    Raises:
        ValueError: when the center is never open or `step_min` is not a multiple of the interval.
    """
    interval = scenario.calendar.interval_minutes
    if step_min % interval:
        raise ValueError(f"step_min = {step_min} is off the {interval}-minute grid; use a multiple of {interval}")
    hours = [h for h in scenario.calendar.opening_hours.values() if h is not None]
    if not hours:
        raise ValueError("the center is never open; give opening hours before planning shifts")
    opens = min(h.open for h in hours) // MINUTE_S
    closes = max(h.close for h in hours) // MINUTE_S
    out: list[ShiftTemplate] = []
    for length in lengths_min:
        starts = range(opens, closes - length + 1, step_min)
        out += expand_templates(group, starts, [length], day_patterns(scenario))
    for day in WEEKDAYS:
        day_hours = scenario.calendar.opening_hours.get(day)
        if day_hours is None or _open_min(scenario, day) >= 6 * 60:
            continue
        open_min, span = day_hours.open // MINUTE_S, _open_min(scenario, day)
        for length in sorted({span, min(span, 4 * 60)}):
            out += expand_templates(group, range(open_min, open_min + span - length + 1, step_min), [length],
                                    [(day,)])
    return tuple(out)


def current_templates(scenario: Scenario, groups: tuple[str, ...], step_min: int) -> tuple[ShiftTemplate, ...]:
    """The scenario's own shifts of `groups` as templates: the planner's shift pattern, to be re-staffed.

    Each shift keeps its start, length and weekdays; each break may start anywhere in the window its
    stagger spreads it over (widened to the `step_min` grid), so the scheduler places the breaks as
    the scenario's stagger would, only on the grid. A shift is part-time when under six hours, as in
    `standard_templates`.
    """
    out = []
    for group in scenario.groups:
        if group.name not in groups:
            continue
        for shift in group.shifts:
            length = round(shift.length_h * 60)
            rules = tuple(_break_rule(brk.name, brk.offset_min, brk.stagger_min, brk.duration_min, brk.paid,
                                      length, step_min)
                          for brk in sorted(shift.breaks, key=lambda b: b.offset_min))
            out.append(ShiftTemplate(name=f"{group.name}: {shift.name}", group=group.name,
                                     start_min=shift.start // MINUTE_S, length_min=length, days=tuple(shift.days),
                                     breaks=rules, part_time=length < PART_TIME_BELOW_MIN))
    return tuple(out)


def _break_rule(name: str, offset: float, stagger: float, duration: float, paid: bool, length: int,
                step: int) -> BreakRule:
    earliest = int(offset // step) * step
    last_fit = length - math.ceil(duration)
    latest = min(max(earliest, int((offset + stagger) // step) * step), last_fit)
    return BreakRule(name, math.ceil(duration), earliest, max(latest, earliest), paid)
