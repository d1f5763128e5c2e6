"""Shift scheduling as an integer program: how many agents work each shift template, and when they take breaks.

Given the agents needed on the floor per interval of a week, choose how many agents start each
shift template (a start time on the interval grid, a length, the weekdays worked, break windows)
and where each of them takes each break, so that every interval is covered at the lowest weekly
cost, within each group's headcount limits, part-time share and an optional budget. The model
is solved by HiGHS through `scipy.optimize.milp`.

Breaks use the implicit formulation of Bechtold and Jacobs (1990), extended to several breaks:
instead of one variable per agent pattern there is one integer per (template, break, start
position), counting the template's agents who take that break there; each break's counts add
up to the template's agents. Rules between consecutive breaks k and k+1 (at least `min_gap`,
at most `max_gap` minutes of work between the end of one and the start of the next) become
linear constraints on cumulative counts:

    #(break k+1 started by q)     <= #(break k ended by q − min_gap)     for every position q,
    #(break k ended by e)         <= #(break k+1 started by e + max_gap) for every end e,

which hold exactly when pairing the i-th earliest break k with the i-th earliest break k+1 gives
every agent a legal pair (an exchange argument: if any legal pairing exists, the sorted one is
legal). So the model is exact and compact: `break_patterns` recovers each agent's breaks.

A shift template gives an agent the same breaks every day it is worked, as the scenario's shift
templates do (`wfm.scenario.Shift`), and the week is cyclic: a shift starting on Sunday night
covers Monday morning. Coverage counts expected agents: each agent of a group counts its
`present_share` (one minus its absence rate), so the requirement is met on average; the
simulation (`wfm.planning.requirements`) judges what that is worth.

When no roster meets every constraint, the model is solved again with one family of
constraints dropped at a time (the budget, each group's maximum and minimum headcount and
part-time share); the families whose removal restores feasibility are named as binding, each
with the number that would satisfy it. If none does, the intervals that cannot be covered are
named instead.

Reference: S. E. Bechtold, L. W. Jacobs (1990), "Implicit modeling of flexible break assignments
in optimal shift scheduling", Management Science 36(11), 1339-1351.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from wfm.scenario.units import WEEKDAYS, Weekday, format_time_of_day

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_GAP = 1e-4
"""Relative optimality gap at which HiGHS stops: HiGHS's own default, i.e. optimal in practice."""
DIAGNOSIS_TIME_LIMIT_S = 10.0
PART_TIME_BELOW_MIN = 6 * 60
"""Shifts shorter than this count as part-time."""


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakRule:
    """One break of a shift template: its length, the window its start may fall in, and spacing to the next.

    Attributes:
        name: what the planner calls it ("coffee", "lunch").
        duration_min: length, minutes.
        earliest_min: earliest start, minutes after the shift starts.
        latest_min: latest start, minutes after the shift starts.
        paid: whether the break is paid (unpaid breaks cost nothing).
        min_gap_after_min: least work, minutes, between this break's end and the next break's start.
        max_gap_after_min: most continuous work, minutes, between this break's end and the next
            break's start; None = no limit.
    """

    name: str
    duration_min: int
    earliest_min: int
    latest_min: int
    paid: bool = True
    min_gap_after_min: int = 0
    max_gap_after_min: int | None = None

    def __post_init__(self) -> None:
        if self.duration_min <= 0:
            raise ValueError(f"break {self.name!r}: duration_min = {self.duration_min} must be above 0")
        if not 0 <= self.earliest_min <= self.latest_min:
            raise ValueError(f"break {self.name!r}: the window {self.earliest_min}-{self.latest_min} min is empty or"
                             " negative; give 0 <= earliest_min <= latest_min")
        if self.min_gap_after_min < 0 or (self.max_gap_after_min is not None
                                          and self.max_gap_after_min < self.min_gap_after_min):
            raise ValueError(f"break {self.name!r}: the gap to the next break must satisfy 0 <= min_gap_after_min"
                             " <= max_gap_after_min")


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift agents may be given: group, start, length, weekdays worked and break rules.

    Attributes:
        name: unique name; the scenario's shift is named after it.
        group: the agent group whose agents work it.
        start_min: start, minutes after midnight, on the interval grid.
        length_min: length, minutes (breaks included), at most 16 hours.
        days: the weekdays worked.
        breaks: the breaks, in the order they are taken.
        part_time: whether it counts towards the group's part-time share.
    """

    name: str
    group: str
    start_min: int
    length_min: int
    days: tuple[Weekday, ...]
    breaks: tuple[BreakRule, ...] = ()
    part_time: bool = False

    def __post_init__(self) -> None:
        where = f"shift template {self.name!r}"
        if not 0 <= self.start_min < MINUTES_PER_DAY:
            raise ValueError(f"{where}: start_min = {self.start_min} is not a time of day; use 0 to 1439")
        if not 0 < self.length_min <= 16 * 60:
            raise ValueError(f"{where}: length_min = {self.length_min} must be above 0 and at most 960 (16 hours)")
        if not self.days or len(set(self.days)) != len(self.days) or any(d not in WEEKDAYS for d in self.days):
            raise ValueError(f"{where}: days {list(self.days)} must name distinct weekdays among {list(WEEKDAYS)}")
        for rule in self.breaks:
            if rule.latest_min + rule.duration_min > self.length_min:
                raise ValueError(f"{where}: break {rule.name!r} may end {rule.latest_min + rule.duration_min} min after"
                                 f" the start but the shift lasts {self.length_min} min; move its window earlier")
        if not _has_legal_pattern(self.breaks, 1):
            raise ValueError(f"{where}: no placement of its breaks keeps the gaps between them; widen the windows or"
                             " the gaps")

    @property
    def unpaid_min(self) -> int:
        """Unpaid break minutes per shift."""
        return sum(b.duration_min for b in self.breaks if not b.paid)

    @property
    def paid_hours_per_week(self) -> float:
        """Paid hours an agent on this template works a week."""
        return len(self.days) * (self.length_min - self.unpaid_min) / 60

    def label(self) -> str:
        """The template in a planner's words: "Early 08:00 8h30 mon-fri"."""
        hours, minutes = divmod(self.length_min, 60)
        return f"{self.name} {format_time_of_day(self.start_min * 60)} {hours}h{minutes:02d} {days_label(self.days)}"


def break_positions(rule: BreakRule, step_min: int) -> tuple[int, ...]:
    """Start offsets of a break on the step grid inside its window (minutes after the shift start)."""
    first = math.ceil(rule.earliest_min / step_min) * step_min
    return tuple(range(first, rule.latest_min + 1, step_min))


def _has_legal_pattern(rules: Sequence[BreakRule], step_min: int) -> bool:
    """Whether one agent can take every break in order within the windows and gaps (forward reachability)."""
    reachable: set[int] = set()
    for k, rule in enumerate(rules):
        positions = set(break_positions(rule, step_min))
        if k > 0:
            previous = rules[k - 1]
            longest = math.inf if previous.max_gap_after_min is None else previous.max_gap_after_min
            positions = {q for q in positions if any(
                previous.min_gap_after_min <= q - p - previous.duration_min <= longest for p in reachable)}
        if not positions:
            return False
        reachable = positions
    return True


def days_label(days: Sequence[Weekday]) -> str:
    """Weekdays in a planner's shorthand: runs of consecutive days joined ("mon-thu+sat")."""
    index = sorted(WEEKDAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for i in index:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return "+".join(WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs)


@dataclass(frozen=True)
class GroupLimits:
    """What the roster of one agent group may be and what it costs.

    Attributes:
        name: the group (as in the scenario).
        wage_per_hour: wage per paid hour.
        overhead_per_day: overhead per agent-shift (seat, IT, supervision).
        present_share: share of rostered agents expected at work (1 − absence rate).
        min_headcount: fewest agents the group must have.
        max_headcount: most agents the group may have; None = no limit.
        max_part_time_share: most part-time agents as a share of the group's agents; None = no limit.
    """

    name: str
    wage_per_hour: float
    overhead_per_day: float = 0.0
    present_share: float = 1.0
    min_headcount: int = 0
    max_headcount: int | None = None
    max_part_time_share: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.present_share <= 1:
            raise ValueError(f"group {self.name!r}: present_share = {self.present_share} must be in (0, 1]")
        if self.max_headcount is not None and self.max_headcount < self.min_headcount:
            raise ValueError(f"group {self.name!r}: max_headcount {self.max_headcount} is below min_headcount"
                             f" {self.min_headcount}")
        if self.max_part_time_share is not None and not 0 <= self.max_part_time_share <= 1:
            raise ValueError(f"group {self.name!r}: max_part_time_share = {self.max_part_time_share} is not a share;"
                             " use 0 to 1")

    def weekly_cost(self, template: ShiftTemplate) -> float:
        """An agent's weekly cost on `template`: paid hours × wage + overhead per day worked."""
        return template.paid_hours_per_week * self.wage_per_hour + len(template.days) * self.overhead_per_day


@dataclass(frozen=True)
class ScheduleProblem:
    """A week to cover, the templates to cover it with, and the limits.

    Attributes:
        requirement: agents needed on the floor, shape (7, intervals per day), Monday first.
        interval_minutes: interval length: 15, 30 or 60.
        templates: the shift templates (names unique).
        groups: the limits and costs of every group the templates name.
        budget: most the week's roster may cost; None = no cap.
        break_step_min: grid of break start times, minutes; None = the interval length.
    """

    requirement: np.ndarray
    interval_minutes: int
    templates: tuple[ShiftTemplate, ...]
    groups: tuple[GroupLimits, ...]
    budget: float | None = None
    break_step_min: int | None = None

    def __post_init__(self) -> None:
        if self.interval_minutes not in (15, 30, 60):
            raise ValueError(f"interval_minutes = {self.interval_minutes} is not supported; use 15, 30 or 60")
        slots = MINUTES_PER_DAY // self.interval_minutes
        requirement = np.asarray(self.requirement, dtype=float)
        if requirement.shape != (7, slots):
            raise ValueError(f"requirement has shape {requirement.shape}; give (7, {slots}): Monday to Sunday, one"
                             f" value per {self.interval_minutes}-minute interval")
        if not np.all(np.isfinite(requirement)) or requirement.min() < 0:
            raise ValueError("requirement must hold finite numbers of agents >= 0")
        object.__setattr__(self, "requirement", requirement)
        if not self.templates:
            raise ValueError("no shift template given; give at least one")
        names = [t.name for t in self.templates]
        if len(set(names)) != len(names):
            raise ValueError(f"template names {sorted({n for n in names if names.count(n) > 1})} are used twice;"
                             " give every template its own name")
        known = {g.name for g in self.groups}
        for template in self.templates:
            if template.group not in known:
                raise ValueError(f"template {template.name!r} names group {template.group!r}, which has no limits;"
                                 f" add GroupLimits for it (known: {sorted(known)})")
            if template.start_min % self.interval_minutes:
                raise ValueError(f"template {template.name!r} starts at {format_time_of_day(template.start_min * 60)},"
                                 f" off the {self.interval_minutes}-minute grid")
            if not _has_legal_pattern(template.breaks, self.step_min):
                raise ValueError(f"template {template.name!r}: on the {self.step_min}-minute grid of break starts no"
                                 " placement of its breaks keeps the gaps between them; widen the windows or the gaps")
        if self.budget is not None and not self.budget >= 0:
            raise ValueError(f"budget = {self.budget} must be a sum of money >= 0, or None for no cap")

    @property
    def step_min(self) -> int:
        """Grid of break start times, minutes."""
        return self.break_step_min or self.interval_minutes

    @property
    def slots(self) -> int:
        """Intervals in the week."""
        return int(self.requirement.size)

    def group(self, name: str) -> GroupLimits:
        """The limits of group `name`."""
        return next(g for g in self.groups if g.name == name)

    def cost_of(self, template: ShiftTemplate) -> float:
        """Weekly cost of one agent on `template`."""
        return self.group(template.group).weekly_cost(template)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """The chosen roster: agents per template, their breaks, the coverage and the cost.

    Attributes:
        problem: what was solved.
        agents: agents per template, in template order.
        breaks: per template, per break, the agents starting it at each of its positions
            (`break_positions` order).
        cost: the roster's weekly cost.
        bound: the solver's lower bound on the cost (equal to `cost` when proven optimal).
        optimal: whether HiGHS proved optimality (within `DEFAULT_GAP` or the gap asked).
        seconds: solve time.
        coverage: expected agents on the floor, shape (7, intervals per day).
    """

    problem: ScheduleProblem
    agents: tuple[int, ...]
    breaks: tuple[tuple[tuple[int, ...], ...], ...]
    cost: float
    bound: float
    optimal: bool
    seconds: float
    coverage: np.ndarray

    @property
    def gap(self) -> float:
        """Relative gap between the cost and the solver's bound (0 when optimal)."""
        return max(0.0, (self.cost - self.bound) / self.cost) if self.cost > 0 else 0.0

    @property
    def over(self) -> np.ndarray:
        """Agents on the floor beyond the requirement, per interval."""
        return np.maximum(self.coverage - self.problem.requirement, 0.0)

    @property
    def under(self) -> np.ndarray:
        """Agents short of the requirement, per interval (zero: coverage is a hard constraint)."""
        return np.maximum(self.problem.requirement - self.coverage, 0.0)

    def headcount(self, group: str) -> int:
        """Agents rostered in `group`."""
        return sum(n for n, t in zip(self.agents, self.problem.templates, strict=True) if t.group == group)

    def part_time_share(self, group: str) -> float:
        """Part-time agents' share of `group`'s agents (0 for an empty group)."""
        total = self.headcount(group)
        part = sum(n for n, t in zip(self.agents, self.problem.templates, strict=True)
                   if t.group == group and t.part_time)
        return part / total if total else 0.0

    def break_patterns(self, index: int) -> list[tuple[tuple[int, ...], int]]:
        """Each agent's break starts (minutes after the shift start) on template `index`, as (starts, agents).

        Pairs the i-th earliest placement of every break (see the module docstring), which keeps
        every rule between consecutive breaks.
        """
        template = self.problem.templates[index]
        per_break = []
        for rule, counts in zip(template.breaks, self.breaks[index], strict=True):
            starts = [p for p, n in zip(break_positions(rule, self.problem.step_min), counts, strict=True)
                      for _ in range(n)]
            per_break.append(starts)
        patterns: dict[tuple[int, ...], int] = {}
        for agent in range(self.agents[index]):
            key = tuple(starts[agent] for starts in per_break)
            patterns[key] = patterns.get(key, 0) + 1
        return sorted(patterns.items())


class ScheduleInfeasible(ValueError):
    """No roster meets every constraint; the message names the binding constraint(s) and what would satisfy them.

    Attributes:
        binding: the constraint families found binding ("budget", "max_headcount:Inbound", "coverage", ...).
    """

    def __init__(self, message: str, binding: Iterable[str]) -> None:
        super().__init__(message)
        self.binding = tuple(binding)


# --------------------------------------------------------------------------------------------
# The integer program
# --------------------------------------------------------------------------------------------


def _cover(start: int, length: int, interval: int, week_slots: int) -> dict[int, float]:
    """Fraction of each week interval that the span [start, start + length) minutes covers (cyclic week)."""
    out: dict[int, float] = {}
    end = start + length
    first = start // interval
    for slot in range(first, (end - 1) // interval + 1):
        overlap = min(end, (slot + 1) * interval) - max(start, slot * interval)
        if overlap > 0:
            key = slot % week_slots
            out[key] = out.get(key, 0.0) + overlap / interval
    return out


@dataclass
class _Rows:
    """Constraint rows under construction, each tagged with its family."""

    cols: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    family: list[str] = field(default_factory=list)

    def add(self, coefficients: dict[int, float], low: float, high: float, family: str) -> None:
        row = len(self.lower)
        for col, val in coefficients.items():
            if val:
                self.rows.append(row)
                self.cols.append(col)
                self.vals.append(val)
        self.lower.append(low)
        self.upper.append(high)
        self.family.append(family)


class _Model:
    """Variables and constraint rows of a `ScheduleProblem`, built once and solved with families dropped."""

    def __init__(self, problem: ScheduleProblem) -> None:
        self.problem = problem
        interval, week_slots = problem.interval_minutes, problem.slots
        self.costs = np.array([problem.cost_of(t) for t in problem.templates])
        self.n_x = len(problem.templates)
        self.break_cols: list[list[list[int]]] = []
        self.positions: list[list[tuple[int, ...]]] = []
        col = self.n_x
        for template in problem.templates:
            cols, positions = [], []
            for rule in template.breaks:
                where = break_positions(rule, problem.step_min)
                positions.append(where)
                cols.append(list(range(col, col + len(where))))
                col += len(where)
            self.break_cols.append(cols)
            self.positions.append(positions)
        self.n_vars = col
        self.coverage: list[dict[int, float]] = [dict() for _ in range(week_slots)]
        for s, template in enumerate(problem.templates):
            share = problem.group(template.group).present_share
            for day in (WEEKDAYS.index(d) for d in template.days):
                start = day * MINUTES_PER_DAY + template.start_min
                for slot, frac in _cover(start, template.length_min, interval, week_slots).items():
                    self.coverage[slot][s] = self.coverage[slot].get(s, 0.0) + share * frac
                for k, rule in enumerate(template.breaks):
                    for p, c in zip(self.positions[s][k], self.break_cols[s][k], strict=True):
                        for slot, frac in _cover(start + p, rule.duration_min, interval, week_slots).items():
                            self.coverage[slot][c] = self.coverage[slot].get(c, 0.0) - share * frac
        self.rows = self._rows()

    def _rows(self) -> _Rows:
        rows = _Rows()
        problem = self.problem
        for s, template in enumerate(problem.templates):
            for k in range(len(template.breaks)):
                rows.add({s: -1.0} | {c: 1.0 for c in self.break_cols[s][k]}, 0.0, 0.0, "breaks")
            for k, (rule, _) in enumerate(pairwise(template.breaks)):
                self._gap_rows(rows, s, k, rule)
        for slot, need in enumerate(problem.requirement.ravel()):
            if need > 0:
                rows.add(self.coverage[slot], float(need), math.inf, "coverage")
        for group in problem.groups:
            members = {s: 1.0 for s, t in enumerate(problem.templates) if t.group == group.name}
            if group.min_headcount > 0:
                rows.add(members, group.min_headcount, math.inf, f"min_headcount:{group.name}")
            if group.max_headcount is not None:
                rows.add(members, -math.inf, group.max_headcount, f"max_headcount:{group.name}")
            if group.max_part_time_share is not None:
                share = group.max_part_time_share
                mix = {s: (1.0 - share if problem.templates[s].part_time else -share) for s in members}
                rows.add(mix, -math.inf, 0.0, f"part_time:{group.name}")
        if problem.budget is not None:
            rows.add(dict(enumerate(self.costs)), -math.inf, problem.budget, "budget")
        return rows

    def _gap_rows(self, rows: _Rows, s: int, k: int, rule: BreakRule) -> None:
        """The cumulative-count constraints between break k and k + 1 of template s (module docstring)."""
        ends = [p + rule.duration_min for p in self.positions[s][k]]
        nexts = self.positions[s][k + 1]
        here, there = self.break_cols[s][k], self.break_cols[s][k + 1]
        gap_min, gap_max = rule.min_gap_after_min, rule.max_gap_after_min
        for j, q in enumerate(nexts):
            ended = [c for c, e in zip(here, ends, strict=True) if e + gap_min <= q]
            if len(ended) < len(here):  # otherwise every agent's break k is over in time: nothing to say
                rows.add({c: 1.0 for c in there[:j + 1]} | {c: -1.0 for c in ended}, -math.inf, 0.0, "breaks")
        if gap_max is None:
            return
        for i, e in enumerate(ends):
            started = [c for c, q in zip(there, nexts, strict=True) if q <= e + gap_max]
            if len(started) < len(there):
                rows.add({c: 1.0 for c in here[:i + 1]} | {c: -1.0 for c in started}, -math.inf, 0.0, "breaks")

    def solve(self, *, drop: frozenset[str] = frozenset(), objective: np.ndarray | None = None,
              elastic_coverage: bool = False, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
              gap: float = DEFAULT_GAP) -> tuple[OptimizeResult, float]:
        """Solve with the families in `drop` left out; returns scipy's result and the seconds taken.

        `elastic_coverage` adds a shortfall variable per covered interval and minimises their sum
        (`objective` is then ignored).
        """
        rows = self.rows
        keep = [i for i, family in enumerate(rows.family) if family not in drop]
        remap = {old: new for new, old in enumerate(keep)}
        entries = [(remap[r], c, v) for r, c, v in zip(rows.rows, rows.cols, rows.vals, strict=True) if r in remap]
        n_vars = self.n_vars
        cost = np.zeros(n_vars)
        cost[:self.n_x] = self.costs if objective is None else objective
        lower = [rows.lower[i] for i in keep]
        upper = [rows.upper[i] for i in keep]
        integrality = np.ones(n_vars, dtype=np.int64)
        if elastic_coverage:
            covered = [remap[i] for i in keep if rows.family[i] == "coverage"]
            entries += [(r, n_vars + j, 1.0) for j, r in enumerate(covered)]
            n_vars += len(covered)
            cost = np.concatenate([np.zeros(self.n_vars), np.ones(len(covered))])
            integrality = np.concatenate([integrality, np.zeros(len(covered), dtype=np.int64)])
        table = np.array(entries, dtype=float).reshape(-1, 3)
        matrix = sparse.csr_array((table[:, 2], (table[:, 0].astype(np.int64), table[:, 1].astype(np.int64))),
                                  shape=(len(keep), n_vars))
        started = time.perf_counter()
        result = milp(cost, integrality=integrality, bounds=Bounds(0, np.inf),
                      constraints=LinearConstraint(matrix, lower, upper),
                      options={"time_limit": time_limit_s, "mip_rel_gap": gap, "disp": False})
        return result, time.perf_counter() - started


def solve_schedule(problem: ScheduleProblem, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                   gap: float = DEFAULT_GAP) -> Schedule:
    """The cheapest roster covering the requirement within the limits (see the module docstring).

    Args:
        problem: the week, the templates and the limits.
        time_limit_s: HiGHS stops after this long with its best roster and bound (`Schedule.gap`).
        gap: relative optimality gap at which HiGHS stops.

    Raises:
        ScheduleInfeasible: no roster meets every constraint; the message names the binding ones.
        RuntimeError: the time ran out before HiGHS found any roster.
    """
    _check_coverable(problem)
    model = _Model(problem)
    result, seconds = model.solve(time_limit_s=time_limit_s, gap=gap)
    status, x = int(result.status), result.x
    if status == 2:
        raise _diagnose(model)
    if x is None:
        why = (f"found no roster within {time_limit_s:g} s; allow more time or fewer templates" if status == 1
               else f"stopped without a roster ({result.message})")
        raise RuntimeError(f"HiGHS {why}")
    values = np.rint(np.asarray(x)).astype(int)
    agents = tuple(int(v) for v in values[:model.n_x])
    breaks = tuple(tuple(tuple(int(values[c]) for c in cols) for cols in per_template)
                   for per_template in model.break_cols)
    cost = float(model.costs @ values[:model.n_x])
    bound = float(result.get("mip_dual_bound", cost))
    coverage = np.array([sum(v * values[c] for c, v in row.items()) for row in model.coverage])
    return Schedule(problem=problem, agents=agents, breaks=breaks, cost=cost, bound=min(bound, cost),
                    optimal=status == 0, seconds=seconds, coverage=coverage.reshape(problem.requirement.shape))


# --------------------------------------------------------------------------------------------
# Infeasibility: which constraint binds
# --------------------------------------------------------------------------------------------


def slot_label(slot: int, interval_minutes: int) -> str:
    """A week interval as a planner reads it: "Mon 07:45"."""
    per_day = MINUTES_PER_DAY // interval_minutes
    day, index = divmod(slot, per_day)
    return f"{WEEKDAYS[day].capitalize()} {format_time_of_day(index * interval_minutes * 60)}"


def _listing(labels: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _check_coverable(problem: ScheduleProblem) -> None:
    """Refuse a requirement in intervals no template works at all (the commonest infeasibility, said plainly)."""
    covered = np.zeros(problem.slots, dtype=bool)
    for template in problem.templates:
        for day in (WEEKDAYS.index(d) for d in template.days):
            start = day * MINUTES_PER_DAY + template.start_min
            for slot in _cover(start, template.length_min, problem.interval_minutes, problem.slots):
                covered[slot] = True
    bare = np.flatnonzero((problem.requirement.ravel() > 0) & ~covered)
    if bare.size:
        labels = [slot_label(int(s), problem.interval_minutes) for s in bare]
        raise ScheduleInfeasible(
            f"coverage: no shift template works {_listing(labels)}, where agents are required; add templates that"
            " start earlier, end later or work those days", ["coverage"])


def _families(model: _Model) -> list[str]:
    order = ["budget"] + [f"{kind}:{g.name}" for g in model.problem.groups
                          for kind in ("max_headcount", "min_headcount", "part_time")]
    present = set(model.rows.family)
    return [f for f in order if f in present]


def _diagnose(model: _Model) -> ScheduleInfeasible:
    """Drop one constraint family at a time; those whose removal restores feasibility are binding."""
    problem = model.problem
    binding: list[str] = []
    reasons: list[str] = []
    for family in _families(model):
        objective = _diagnosis_objective(model, family)
        result, _ = model.solve(drop=frozenset({family}), objective=objective, time_limit_s=DIAGNOSIS_TIME_LIMIT_S)
        x = result.x
        if x is None:
            continue
        binding.append(family)
        reasons.append(_explain(problem, model, family, np.rint(np.asarray(x)).astype(int)))
    if binding:
        either = "" if len(binding) == 1 else " (relaxing any one of these makes a roster possible)"
        return ScheduleInfeasible(f"no roster meets every constraint{either}: " + "; ".join(reasons), binding)
    result, _ = model.solve(elastic_coverage=True, time_limit_s=DIAGNOSIS_TIME_LIMIT_S)
    x = result.x
    if x is None:
        return ScheduleInfeasible("no roster meets the limits even without covering the requirement: the groups'"
                                  " minimum headcounts, part-time shares and budget contradict each other",
                                  _families(model))
    short = np.asarray(x)[model.n_vars:]
    slots = [s for s, need in enumerate(problem.requirement.ravel()) if need > 0]
    labels = [f"{slot_label(s, problem.interval_minutes)} ({gap:.1f} short)"
              for s, gap in zip(slots, short, strict=True) if gap > 1e-6]
    return ScheduleInfeasible(
        f"coverage: with every limit kept, these intervals stay short of agents: {_listing(labels)}; no single"
        " limit explains it: raise several (headcounts, budget) or add templates working those times",
        ["coverage"])


def _diagnosis_objective(model: _Model, family: str) -> np.ndarray:
    """What to optimise once `family` is dropped, so that its explanation carries the number that would satisfy it."""
    problem = model.problem
    if family == "budget":
        return model.costs
    kind, group = family.split(":", 1)
    members = np.array([1.0 if t.group == group else 0.0 for t in problem.templates])
    if kind == "max_headcount":
        return members  # fewest agents of the group that work
    if kind == "min_headcount":
        return -members  # most agents of the group that fit
    share = problem.group(group).max_part_time_share or 0.0
    return np.array([((1 - share) if t.part_time else -share) if t.group == group else 0.0
                     for t in problem.templates])


def _explain(problem: ScheduleProblem, model: _Model, family: str, x: np.ndarray) -> str:
    if family == "budget":
        cost = float(model.costs @ x[:model.n_x])
        return (f"budget: the cap of {problem.budget:,.2f} is below {cost:,.2f}, the cheapest roster meeting the other"
                " limits; raise the budget or lower the requirement")
    kind, group = family.split(":", 1)
    limits = problem.group(group)
    count = int(sum(x[s] for s, t in enumerate(problem.templates) if t.group == group))
    if kind == "max_headcount":
        return (f"max_headcount of {group}: {limits.max_headcount} agents are too few, the other limits need at least"
                f" {count}; raise it or allow other groups more agents")
    if kind == "min_headcount":
        return (f"min_headcount of {group}: {limits.min_headcount} agents cannot be rostered, the other limits allow at"
                f" most {count}; lower it or raise the budget")
    part = int(sum(x[s] for s, t in enumerate(problem.templates) if t.group == group and t.part_time))
    share = part / count if count else 0.0
    return (f"part_time of {group}: a share of at most {limits.max_part_time_share:.0%} is too low, the other limits"
            f" need {share:.0%} ({part} of {count}); allow more part-time or add full-time templates")


# --------------------------------------------------------------------------------------------
# Building templates
# --------------------------------------------------------------------------------------------


def screen_work_breaks(
    length_min: int,
    *,
    max_stretch_min: int = 120,
    pause_min: int = 15,
    lunch_min: int = 30,
    lunch_over_min: int = 360,
    min_gap_min: int = 45,
    step_min: int = 15,
) -> tuple[BreakRule, ...]:
    """Breaks that keep continuous screen work to `max_stretch_min` and give a lunch on long shifts.

    The defaults follow Italian law: a 15-minute pause for every 120 minutes of continuous work at
    a screen (D.Lgs. 81/2008, art. 175) and a break when the working day exceeds six hours
    (D.Lgs. 66/2003, art. 8; here an unpaid 30-minute lunch, as collective agreements give).
    As few paid pauses as keep every stretch of work within the limit, the lunch in the middle;
    the windows follow from the stretch and `min_gap_min` between breaks, and the scheduler
    enforces both between every two consecutive breaks.
    """
    lunch = length_min > lunch_over_min
    pauses = 0
    while True:
        count = pauses + (1 if lunch else 0)
        work = length_min - pauses * pause_min - (lunch_min if lunch else 0)
        if work <= max_stretch_min * (count + 1):
            break
        pauses += 1
    durations = [pause_min] * pauses
    names = ["pause"] * pauses
    if lunch:
        middle = pauses // 2 if pauses % 2 == 0 else pauses // 2 + 1
        durations.insert(middle, lunch_min)
        names.insert(middle, "lunch")
    return _windows(length_min, names, durations, max_stretch_min, min_gap_min, step_min)


def _windows(length_min: int, names: list[str], durations: list[int], stretch: int, gap: int, step: int
             ) -> tuple[BreakRule, ...]:
    """Start windows of breaks in a row from the stretch and gap limits (forward and backward bounds)."""
    n = len(durations)
    if n == 0:
        return ()
    earliest, latest = [0] * n, [0] * n
    for k in range(n):
        earliest[k] = gap if k == 0 else earliest[k - 1] + durations[k - 1] + gap
        latest[k] = stretch if k == 0 else latest[k - 1] + durations[k - 1] + stretch
    latest[-1] = min(latest[-1], length_min - durations[-1] - gap)
    earliest[-1] = max(earliest[-1], length_min - stretch - durations[-1])
    for k in range(n - 2, -1, -1):
        latest[k] = min(latest[k], latest[k + 1] - durations[k] - gap)
        earliest[k] = max(earliest[k], earliest[k + 1] - stretch - durations[k])
    return tuple(
        BreakRule(name=name, duration_min=d, earliest_min=math.ceil(e / step) * step,
                  latest_min=(lt // step) * step, paid=name != "lunch",
                  min_gap_after_min=gap, max_gap_after_min=stretch)
        for name, d, e, lt in zip(names, durations, earliest, latest, strict=True))


def expand_templates(
    group: str,
    starts_min: Iterable[int],
    lengths_min: Iterable[int],
    day_patterns: Iterable[tuple[Weekday, ...]],
    *,
    breaks: Callable[[int], tuple[BreakRule, ...]] = screen_work_breaks,
    part_time_below_min: int = PART_TIME_BELOW_MIN,
    prefix: str = "",
) -> tuple[ShiftTemplate, ...]:
    """Every template of a group from its start times, lengths and weekday patterns.

    Shifts shorter than `part_time_below_min` count as part-time; `breaks` gives a length's break rules.
    """
    out = []
    for days in day_patterns:
        for length in lengths_min:
            rules = breaks(length)
            for start in starts_min:
                name = (f"{prefix or group} {format_time_of_day(start * 60)} {length // 60}h{length % 60:02d}"
                        f" {days_label(days)}")
                out.append(ShiftTemplate(name=name, group=group, start_min=start, length_min=length, days=days,
                                         breaks=rules, part_time=length < part_time_below_min))
    return tuple(out)
