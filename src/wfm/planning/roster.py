"""The chosen roster into the scenario: shift templates with their headcounts and breaks.

A scenario's shift template gives all its agents the same breaks, spread by `stagger_min` at
even steps; the scheduler places each agent's breaks on the interval grid. So every distinct
break pattern of a template becomes a shift of its own (same start, length and weekdays, no
stagger), with as many agents as have that pattern: the simulation then runs exactly the breaks
the scheduler counted on. Groups without templates in the schedule keep their shifts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wfm.planning.schedule import GroupLimits, Schedule, ShiftTemplate
from wfm.scenario import Scenario
from wfm.scenario.io import scenario_from_mapping
from wfm.scenario.units import format_time_of_day


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
