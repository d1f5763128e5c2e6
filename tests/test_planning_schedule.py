"""Shift scheduling: the integer program's cost equals an exhaustive search's on small instances, coverage and
break rules hold agent by agent, the roster reaches the simulator unchanged, and infeasible instances name the
binding constraint.

The exhaustive search here knows nothing of the implicit break model: it enumerates every
number of agents per template and every assignment of a legal break pattern to each agent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import combinations_with_replacement, product

import numpy as np
import pytest

from wfm.planning.requirements import floor_agents
from wfm.planning.roster import apply_schedule, day_patterns, group_limits, standard_templates
from wfm.planning.schedule import (
    BreakRule,
    GroupLimits,
    ScheduleInfeasible,
    ScheduleProblem,
    ShiftTemplate,
    break_positions,
    expand_templates,
    screen_work_breaks,
    solve_schedule,
)
from wfm.scenario import WEEKDAYS
from wfm.scenario.io import default_scenario

H = 60


def hourly(requirement_by_hour: dict[tuple[str, int], float]) -> np.ndarray:
    out = np.zeros((7, 24))
    for (day, hour), need in requirement_by_hour.items():
        out[WEEKDAYS.index(day), hour] = need
    return out


def legal_patterns(template: ShiftTemplate, step: int) -> list[tuple[int, ...]]:
    """Every combination of break starts on the grid that keeps the windows and the gaps."""
    out = []
    for starts in product(*(break_positions(rule, step) for rule in template.breaks)):
        ok = True
        for (rule, start), nxt in zip(zip(template.breaks, starts, strict=True), starts[1:], strict=False):
            gap = nxt - start - rule.duration_min
            ok &= gap >= rule.min_gap_after_min and (rule.max_gap_after_min is None or gap <= rule.max_gap_after_min)
        if ok:
            out.append(starts)
    return out


def agent_cover(problem: ScheduleProblem, template: ShiftTemplate, starts: tuple[int, ...]) -> np.ndarray:
    """Expected presence of one agent with these break starts, per week interval (minute by minute)."""
    minutes = np.zeros(7 * 24 * 60)
    share = problem.group(template.group).present_share
    for day in template.days:
        begin = WEEKDAYS.index(day) * 24 * 60 + template.start_min
        at = np.arange(begin, begin + template.length_min) % minutes.size
        minutes[at] += share
        for rule, start in zip(template.breaks, starts, strict=True):
            minutes[np.arange(begin + start, begin + start + rule.duration_min) % minutes.size] -= share
    return minutes.reshape(-1, problem.interval_minutes).mean(axis=1)


def exhaustive(problem: ScheduleProblem, most: int, cost_of: Callable[[ShiftTemplate], float] | None = None) -> float:
    """Cheapest cost over every roster of at most `most` agents per template (inf when none is feasible).

    `cost_of` replaces the templates' weekly cost in the objective (limits still use the real cost).
    """
    price = cost_of or problem.cost_of
    step = problem.step_min
    options = []
    for template in problem.templates:
        covers = [agent_cover(problem, template, p) for p in legal_patterns(template, step)]
        options.append([(n, sum(combo, np.zeros(problem.slots))) for n in range(most + 1)
                        for combo in combinations_with_replacement(covers, n)])
    need = problem.requirement.ravel()
    best = np.inf
    for choice in product(*options):
        agents = [n for n, _ in choice]
        cost = sum(n * problem.cost_of(t) for n, t in zip(agents, problem.templates, strict=True))
        value = sum(n * price(t) for n, t in zip(agents, problem.templates, strict=True))
        if value >= best or not _within_limits(problem, agents, cost):
            continue
        if np.all(sum((c for _, c in choice), np.zeros(problem.slots)) >= need - 1e-9):
            best = value
    return best


def _within_limits(problem: ScheduleProblem, agents: list[int], cost: float) -> bool:
    if problem.budget is not None and cost > problem.budget + 1e-9:
        return False
    for group in problem.groups:
        members = [n for n, t in zip(agents, problem.templates, strict=True) if t.group == group.name]
        part = sum(n for n, t in zip(agents, problem.templates, strict=True) if t.group == group.name and t.part_time)
        total = sum(members)
        if total < group.min_headcount or (group.max_headcount is not None and total > group.max_headcount):
            return False
        if group.max_part_time_share is not None and part > group.max_part_time_share * total + 1e-9:
            return False
    return True


TEMPLATES = (
    ShiftTemplate("A", "Team", 8 * H, 4 * H, ("mon",), (BreakRule("lunch", 60, 60, 120, paid=False),)),
    ShiftTemplate("B", "Team", 9 * H, 3 * H, ("mon",), part_time=True),
    ShiftTemplate("C", "Team", 10 * H, 5 * H, ("mon",), (
        BreakRule("first", 60, 60, 120, min_gap_after_min=60), BreakRule("second", 60, 180, 240))),
    ShiftTemplate("D", "Other", 11 * H, 4 * H, ("mon",)),
)
GROUPS = (GroupLimits("Team", wage_per_hour=15.0, overhead_per_day=5.0),
          GroupLimits("Other", wage_per_hour=21.0, present_share=0.9))
NEED = hourly({("mon", h): n for h, n in zip(range(8, 15), (1, 2, 3, 2, 2, 3, 1), strict=True)})


def small(**changes: object) -> ScheduleProblem:
    problem = ScheduleProblem(NEED, 60, TEMPLATES, GROUPS)
    return replace(problem, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("changes", [
    {},
    {"groups": (replace(GROUPS[0], max_headcount=3), GROUPS[1])},
    {"groups": (replace(GROUPS[0], max_part_time_share=0.25), GROUPS[1])},
    {"groups": (replace(GROUPS[0], present_share=0.8), replace(GROUPS[1], min_headcount=1))},
    {"requirement": hourly({("mon", 9): 2, ("mon", 10): 1, ("mon", 12): 2, ("mon", 13): 2})},
], ids=["plain", "max-headcount", "part-time", "absence-and-min", "sparse"])
def test_cost_equals_the_exhaustive_optimum(changes: dict[str, object]) -> None:
    problem = small(**changes)
    schedule = solve_schedule(problem)
    assert schedule.optimal
    assert schedule.cost == pytest.approx(exhaustive(problem, most=4))
    assert schedule.cost == pytest.approx(sum(n * problem.cost_of(t)
                                              for n, t in zip(schedule.agents, problem.templates, strict=True)))
    assert np.all(schedule.coverage >= problem.requirement - 1e-9)
    assert schedule.under.sum() == 0


def test_coverage_and_break_rules_hold_agent_by_agent() -> None:
    starts = range(7 * H, 13 * H + 1, 30)
    templates = (expand_templates("Inbound", starts, [8 * H + 30], [("mon", "tue", "wed", "thu", "fri")])
                 + expand_templates("Inbound", range(8 * H, 17 * H, H), [4 * H], [("mon", "tue", "wed", "thu", "fri")])
                 + expand_templates("Inbound", [9 * H], [5 * H], [("sat",)]))
    rng = np.random.default_rng(3)
    need = np.zeros((7, 96))
    need[:5, 8 * 4:20 * 4] = rng.integers(3, 12, (5, 48))
    need[5, 9 * 4:14 * 4] = rng.integers(2, 6, 20)
    problem = ScheduleProblem(need, 15, templates, (GroupLimits("Inbound", 16.0, 22.0, 0.94),))
    schedule = solve_schedule(problem)
    total = np.zeros(problem.slots)
    for index, template in enumerate(problem.templates):
        legal = set(legal_patterns(template, 15))
        patterns = schedule.break_patterns(index)
        assert sum(n for _, n in patterns) == schedule.agents[index]
        for pattern, agents in patterns:
            assert pattern in legal  # windows and gaps of every consecutive pair
            total += agents * agent_cover(problem, template, pattern)
    np.testing.assert_allclose(total.reshape(7, 96), schedule.coverage, atol=1e-9)
    assert np.all(schedule.coverage >= need - 1e-9)
    assert schedule.over.sum() == pytest.approx((schedule.coverage - need).sum())


def test_screen_work_breaks_keep_every_stretch_within_two_hours() -> None:
    for length in (4 * H, 6 * H, 8 * H, 8 * H + 30, 10 * H):
        rules = screen_work_breaks(length)
        template = ShiftTemplate("t", "g", 8 * H, length, ("mon",), rules)
        patterns = legal_patterns(template, 15)
        assert patterns
        assert any(r.name == "lunch" and not r.paid for r in rules) == (length > 6 * H)
        for starts in patterns:
            ends = [s + r.duration_min for s, r in zip(starts, rules, strict=True)]
            stretches = [starts[0]] + [b - a for a, b in zip(ends, starts[1:], strict=False)] + [length - ends[-1]]
            assert max(stretches) <= 120, (length, starts)


def test_a_night_shift_covers_the_next_morning_across_the_week_end() -> None:
    need = np.zeros((7, 96))
    need[0, 4:8] = 2  # Monday 01:00-02:00
    night = ShiftTemplate("Night", "G", 22 * H, 6 * H, ("sun",))
    day = ShiftTemplate("Day", "G", 0, 8 * H, ("mon",))
    problem = ScheduleProblem(need, 15, (night, day), (GroupLimits("G", 10.0),))
    schedule = solve_schedule(problem)
    assert schedule.agents == (2, 0)  # six paid hours beat eight
    assert schedule.coverage[6, 88:].sum() == 2 * 8 and schedule.coverage[0, :16].sum() == 2 * 16


def test_the_roster_reaches_the_simulator_unchanged() -> None:
    base = default_scenario()
    scenario = base.model_copy(update={"calendar": base.calendar.model_copy(update={"horizon_days": 7})})
    need = np.zeros((7, 96))
    need[:5, 9 * 4:17 * 4] = 4
    need[5, 9 * 4:13 * 4] = 2
    templates = (expand_templates("Inbound", range(8 * H, 10 * H + 1, 30), [8 * H + 30],
                                  [("mon", "tue", "wed", "thu", "fri")])
                 + expand_templates("Inbound", [9 * H], [4 * H], [("sat",)]))
    limits = group_limits(scenario, {"Inbound": {"max_headcount": 40}})
    problem = ScheduleProblem(need, 15, templates, tuple(g for g in limits if g.name == "Inbound"))
    schedule = solve_schedule(problem)
    planned = apply_schedule(scenario, schedule)
    inbound = next(g for g in planned.groups if g.name == "Inbound")
    assert inbound.headcount == schedule.headcount("Inbound")
    blended = next(g for g in planned.groups if g.name == "Blended")
    assert blended == next(g for g in scenario.groups if g.name == "Blended")  # not planned: kept
    only_inbound = planned.model_copy(update={"groups": (inbound,)})
    floor = floor_agents(only_inbound)  # the simulator's own roster expansion, day by day from Monday 5 Jan
    np.testing.assert_allclose(floor, schedule.coverage, atol=1e-9)


def test_budget_below_the_optimum_is_named_with_the_cheapest_cost() -> None:
    cheapest = solve_schedule(small()).cost
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(small(budget=cheapest - 1))
    assert caught.value.binding == ("budget",)
    assert str(caught.value) == (f"no roster meets every constraint: budget: the cap of {cheapest - 1:,.2f} is below"
                                 f" {cheapest:,.2f}, the cheapest roster meeting the other limits; raise the budget or"
                                 " lower the requirement")


def test_max_headcount_names_the_agents_needed() -> None:
    other_closed = replace(GROUPS[1], max_headcount=0)
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(small(groups=(replace(GROUPS[0], max_headcount=2), other_closed)))
    assert caught.value.binding == ("max_headcount:Team",)  # Other works 11:00-15:00 only: it cannot help at 10:00
    fewest = exhaustive(small(groups=(GROUPS[0], other_closed)), most=4, cost_of=lambda t: 1.0)
    assert str(caught.value) == (f"no roster meets every constraint: max_headcount of Team: 2 agents are too few, the"
                                 f" other limits need at least {fewest:.0f}; raise it or allow other groups more"
                                 " agents")


def test_either_of_two_limits_binding_is_named() -> None:
    need = hourly({("mon", 12): 1})  # C (Team) and D (Other) both work at noon
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(small(requirement=need, groups=tuple(replace(g, max_headcount=0) for g in GROUPS)))
    assert caught.value.binding == ("max_headcount:Team", "max_headcount:Other")
    assert "(relaxing any one of these makes a roster possible)" in str(caught.value)
    assert "max_headcount of Other: 0 agents are too few, the other limits need at least 2" in str(caught.value)


def test_part_time_share_names_the_share_needed() -> None:
    need = hourly({("mon", 9): 1, ("mon", 10): 1, ("mon", 11): 1})
    problem = ScheduleProblem(need, 60, (TEMPLATES[1],), (replace(GROUPS[0], max_part_time_share=0.5),))
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(problem)
    assert caught.value.binding == ("part_time:Team",)
    assert "part_time of Team: a share of at most 50% is too low, the other limits need 100% (1 of 1)" \
        in str(caught.value)


def test_an_interval_no_template_works_is_named() -> None:
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(small(requirement=NEED + hourly({("mon", 6): 1, ("tue", 9): 2})))
    assert caught.value.binding == ("coverage",)
    assert str(caught.value) == ("coverage: no shift template works Mon 06:00, Tue 09:00, where agents are required;"
                                 " add templates that start earlier, end later or work those days")


def test_limits_that_bind_only_together_name_the_short_intervals() -> None:
    team = replace(GROUPS[0], max_headcount=2)
    cheapest_two = 2 * small().cost_of(TEMPLATES[1])
    with pytest.raises(ScheduleInfeasible) as caught:
        solve_schedule(small(groups=(team, replace(GROUPS[1], max_headcount=0)), budget=cheapest_two + 200))
    message = str(caught.value)
    assert caught.value.binding == ("coverage",)
    assert message.startswith("coverage: with every limit kept, these intervals stay short of agents: Mon ")
    assert "no single limit explains it" in message


def test_bad_inputs_are_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="may end 250 min after the start but the shift lasts 240 min"):
        ShiftTemplate("x", "g", 0, 240, ("mon",), (BreakRule("b", 30, 60, 220),))
    with pytest.raises(ValueError, match="no placement of its breaks keeps the gaps"):
        ShiftTemplate("x", "g", 0, 240, ("mon",), (BreakRule("a", 15, 60, 60, max_gap_after_min=30),
                                                   BreakRule("b", 15, 180, 200)))
    with pytest.raises(ValueError, match="starts at 08:10, off the 15-minute grid"):
        ScheduleProblem(np.zeros((7, 96)), 15, (ShiftTemplate("x", "g", 8 * H + 10, 60, ("mon",)),),
                        (GroupLimits("g", 1.0),))
    with pytest.raises(ValueError, match="requirement has shape \\(5, 96\\); give \\(7, 96\\)"):
        ScheduleProblem(np.zeros((5, 96)), 15, TEMPLATES, GROUPS)
    with pytest.raises(ValueError, match="names group 'Team', which has no limits"):
        ScheduleProblem(np.zeros((7, 96)), 15, TEMPLATES, GROUPS[1:])


def test_standard_templates_follow_the_opening_hours() -> None:
    scenario = default_scenario()  # Mon-Fri 08:00-20:00, Sat 09:00-14:00
    templates = standard_templates(scenario, "Inbound")
    assert day_patterns(scenario) == [("mon", "tue", "wed", "thu", "fri")]
    weekday = [t for t in templates if t.days == ("mon", "tue", "wed", "thu", "fri")]
    saturday = [t for t in templates if t.days == ("sat",)]
    assert len(templates) == len(weekday) + len(saturday)
    assert {t.length_min for t in weekday} == {510, 360, 240} and {t.length_min for t in saturday} == {300, 240}
    assert all(8 * H <= t.start_min and t.start_min + t.length_min <= 20 * H for t in weekday)
    assert all(9 * H <= t.start_min and t.start_min + t.length_min <= 14 * H for t in saturday)
    assert len({t.name for t in templates}) == len(templates)
    assert all(t.part_time == (t.length_min < 360) for t in templates)
    six_days = scenario.model_copy(update={"calendar": scenario.calendar.model_copy(update={
        "opening_hours": {d: scenario.calendar.opening_hours["mon"] for d in WEEKDAYS[:6]} | {"sun": None}})})
    assert day_patterns(six_days) == [("mon", "tue", "wed", "thu", "fri"), ("tue", "wed", "thu", "fri", "sat"),
                                      ("mon", "wed", "thu", "fri", "sat"), ("mon", "tue", "thu", "fri", "sat"),
                                      ("mon", "tue", "wed", "fri", "sat"), ("mon", "tue", "wed", "thu", "sat")]
