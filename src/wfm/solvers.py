"""Solvers a planner asks for: the fewest agents meeting a service target, and the best setting of a lever.

Staffing starts from Erlang A (fast, exact for M/M/n+M, blind to breaks, absence and shifts)
and refines by simulation, because the floor the simulator models is what the planner runs.
Every candidate is simulated on the same seed (common random numbers), so comparing n with
n − 1 agents is comparing like with like; the answer is then checked on fresh seeds.

`maximize` is the generic lever search (maximise one KPI over a numeric field subject to a cap
on another); pacing is that search over the dialer's lever (predictive target drop rate or
power lines per agent) with RPCs per agent-hour as the objective and the drop rate capped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wfm.analytic import StaffingRule, smallest_meeting
from wfm.experiment import RunPlan, Summary, replicate
from wfm.kpi import KPI_BY_KEY
from wfm.scenario import DAY_S, Scenario
from wfm.scenario.io import ScenarioError
from wfm.sim.arrivals import SLOT_S, expected_calls
from wfm.sweep import Axis, SweepResult, Value, sweep, vary

# The pacing KPIs; the outbound dialer defines them (DESIGN §4, §7).
PACING_OBJECTIVE = "rpc_per_agent_hour"
PACING_CAPPED = "drop_rate"
# The lever per dialer mode and its default grid (planners set these in coarse steps).
PACING_LEVERS: dict[str, tuple[str, tuple[float, ...]]] = {
    "predictive": ("outbound.dialer.target_drop_rate", (0.005, 0.01, 0.015, 0.02, 0.025, 0.03)),
    "power": ("outbound.dialer.lines_per_agent", (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)),
}

# Offset from the experiment seed for verification runs: fresh streams, still reproducible.
VERIFY_SEED_OFFSET = 1_000_003


# --------------------------------------------------------------------------- analytic start


def interval_requirements(scenario: Scenario, target_sl: float, max_abandon: float | None = None) -> np.ndarray:
    """Agents needed on the phones per day and quarter-hour (`wfm.analytic.StaffingRule`).

    Each slot is treated as a steady state at its expected arrival rate: the classic
    per-interval requirement, before breaks, absence and shift shapes.

    Returns:
        Array of shape (horizon_days, 96); 0 where no call is expected.
    """
    rule = StaffingRule.for_inbound(scenario.inbound, target_sl, max_abandon)
    days = scenario.calendar.horizon_days
    out = np.zeros((days, DAY_S // SLOT_S), dtype=int)
    for day in range(days):
        out[day] = rule.per_interval(expected_calls(scenario.inbound.demand, scenario.calendar, day), SLOT_S)
    return out


def _template(scenario: Scenario, group: int, shift: int) -> str:
    if not 0 <= group < len(scenario.groups):
        raise ValueError(f"group index {group} is out of range; the scenario has {len(scenario.groups)} group(s)")
    shifts = scenario.groups[group].shifts
    if not 0 <= shift < len(shifts):
        raise ValueError(
            f"shift index {shift} is out of range; group {scenario.groups[group].name!r} has {len(shifts)} shift(s)"
        )
    if not scenario.groups[group].takes_inbound:
        raise ValueError(f"group {scenario.groups[group].name!r} takes no inbound calls; staff an inbound group")
    return f"groups[{group}].shifts[{shift}].headcount"


def _present(scenario: Scenario, day: int, t: int, skip: tuple[int, int]) -> float:
    """Expected agents of every other inbound template on shift at time `t` of `day` (absence applied)."""
    weekday = scenario.calendar.weekday_of(day)
    total = 0.0
    for g, group in enumerate(scenario.groups):
        if not group.takes_inbound:
            continue
        for s, shift in enumerate(group.shifts):
            if (g, s) != skip and weekday in shift.days and shift.start_s <= t < shift.start_s + shift.length_s:
                total += shift.headcount * (1 - group.absence_rate)
    return total


def analytic_headcount(
    scenario: Scenario, group: int, shift: int, target_sl: float, max_abandon: float | None = None
) -> int:
    """Erlang A start for one template: enough agents, after absence, for its most demanding slot.

    For every quarter-hour the template covers, the Erlang A requirement minus the agents the
    other inbound templates have on the floor is what this template must supply; the largest
    of these, grossed up for absence, is the start. It ignores breaks (optimistic) and asks the
    target in every slot instead of over the horizon (pessimistic); simulation settles it.
    """
    _template(scenario, group, shift)
    need = interval_requirements(scenario, target_sl, max_abandon)
    template = scenario.groups[group].shifts[shift]
    present_share = 1 - scenario.groups[group].absence_rate
    best = 0.0
    for day in range(scenario.calendar.horizon_days):
        if scenario.calendar.weekday_of(day) not in template.days:
            continue
        for slot in range(need.shape[1]):
            t = slot * SLOT_S
            if need[day, slot] and template.start_s <= t < template.start_s + template.length_s:
                best = max(best, need[day, slot] - _present(scenario, day, t, (group, shift)))
    return max(1, math.ceil(best / max(present_share, 1e-9)))


# --------------------------------------------------------------------------- staffing


@dataclass(frozen=True)
class ServiceTarget:
    """What the staffing must achieve, judged on the means of the overall KPIs.

    Attributes:
        service_level: required overall service level (answered within threshold / offered).
        max_abandon: optional cap on the overall abandon rate.
    """

    service_level: float
    max_abandon: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.service_level < 1:
            raise ValueError(f"service level target {self.service_level} is not a share; use e.g. 0.8 for 80%")
        if self.max_abandon is not None and not 0 < self.max_abandon <= 1:
            raise ValueError(f"abandon cap {self.max_abandon} is not a share; use e.g. 0.05 for 5%")

    def met_by(self, summary: Summary) -> bool:
        """Whether the experiment's mean KPIs meet the target."""
        sl = summary.kpis["service_level"].mean
        abandon = summary.kpis["abandon_rate"].mean
        return sl >= self.service_level and (self.max_abandon is None or abandon <= self.max_abandon)

    def clearly_missed_by(self, summary: Summary) -> bool:
        """Whether the experiment misses the target beyond doubt (a 95% CI lies wholly on the wrong side)."""
        sl = summary.kpis["service_level"]
        abandon = summary.kpis["abandon_rate"]
        return sl.high < self.service_level or (self.max_abandon is not None and abandon.low > self.max_abandon)


@dataclass(frozen=True)
class StaffingPoint:
    """One simulated candidate headcount.

    Attributes:
        headcount: agents on the template.
        service_level: mean overall service level.
        abandon_rate: mean overall abandon rate.
        meets: whether the means meet the target.
    """

    headcount: int
    service_level: float
    abandon_rate: float
    meets: bool


@dataclass(frozen=True)
class StaffingSolution:
    """The smallest headcount meeting a service target, and how it was checked.

    Attributes:
        path: the solved field (`groups[g].shifts[s].headcount`).
        target: the service target.
        analytic_start: the Erlang A starting headcount.
        headcount: the answer: the fewest agents whose simulated means meet the target.
        scenario: the scenario with the answer filled in.
        evaluated: every simulated candidate, by increasing headcount.
        verification: the answer re-run on fresh seeds.
        verification_below: one agent fewer on the same fresh seeds (None when the answer is 1).
        verified: whether the fresh run of the answer meets the target.
        below_misses: whether the fresh run of one agent fewer misses it (None when the answer is 1).
        below_clearly_misses: whether one agent fewer misses beyond its CI, i.e. the difference is
            detectable with this many replications (None when the answer is 1).
    """

    path: str
    target: ServiceTarget
    analytic_start: int
    headcount: int
    scenario: Scenario
    evaluated: tuple[StaffingPoint, ...]
    verification: Summary
    verification_below: Summary | None
    verified: bool
    below_misses: bool | None
    below_clearly_misses: bool | None


def solve_staffing(
    scenario: Scenario,
    target: ServiceTarget,
    plan: RunPlan,
    *,
    group: int = 0,
    shift: int = 0,
    verify_replications: int | None = None,
    max_headcount: int = 5000,
) -> StaffingSolution:
    """The fewest agents on one shift template whose simulated mean KPIs meet the target.

    Args:
        scenario: the scenario; every other template keeps its headcount.
        target: service level (and optional abandon cap) on the overall KPIs.
        plan: replications per candidate and the seed every candidate runs on (common random
            numbers); its progress hears an estimate of the fraction done (the number of
            candidates is not known in advance).
        group: index of the agent group of the template.
        shift: index of the shift template within the group.
        verify_replications: replications of the fresh-seed check (default: the plan's).
        max_headcount: upper end of the search.
    """
    path = _template(scenario, group, shift)
    start = analytic_headcount(scenario, group, shift, target.service_level, target.max_abandon)
    results: dict[int, Summary] = {}
    expected_steps = 8  # a typical search; progress is an estimate capped below 1 until done
    done = 0

    def evaluate(headcount: int, candidate_plan: RunPlan) -> Summary | None:
        nonlocal done
        try:
            variant = vary(scenario, {path: headcount})
        except ScenarioError:
            return None  # e.g. no inbound agent left: this headcount cannot meet anything

        def share(fraction: float) -> None:
            plan.progress(min(0.99, (done + fraction) / (expected_steps + 2)))

        summary = replicate(variant, candidate_plan.reporting_to(share))
        done += 1
        return summary

    def meets(headcount: int) -> bool:
        if headcount not in results:
            summary = evaluate(headcount, plan)
            if summary is None:
                return False
            results[headcount] = summary
        return target.met_by(results[headcount])

    answer = smallest_meeting(meets, start, 0, max_headcount)
    fresh = plan.resized(verify_replications or plan.replications, plan.seed + VERIFY_SEED_OFFSET)
    verification = evaluate(answer, fresh)
    assert verification is not None  # the answer was simulated, so it is a valid scenario
    below = evaluate(answer - 1, fresh) if answer > 0 else None
    plan.progress(1.0)
    return StaffingSolution(
        path=path,
        target=target,
        analytic_start=start,
        headcount=answer,
        scenario=vary(scenario, {path: answer}, name=scenario.name),
        evaluated=tuple(
            StaffingPoint(h, s.kpis["service_level"].mean, s.kpis["abandon_rate"].mean, target.met_by(s))
            for h, s in sorted(results.items())
        ),
        verification=verification,
        verification_below=below,
        verified=target.met_by(verification),
        below_misses=None if below is None else not target.met_by(below),
        below_clearly_misses=None if below is None else target.clearly_missed_by(below),
    )


# --------------------------------------------------------------------------- lever search


@dataclass(frozen=True)
class Cap:
    """An upper limit on a KPI's mean (or on its CI's upper end when `conservative`).

    Attributes:
        key: KPI key.
        at_most: the limit, in the KPI's unit.
        conservative: judge on the upper end of the 95% CI instead of the mean.
    """

    key: str
    at_most: float
    conservative: bool = False

    def allows(self, summary: Summary) -> bool:
        """Whether the experiment stays within the cap."""
        estimate = summary.kpis[self.key]
        value = estimate.high if self.conservative and not math.isnan(estimate.half_width) else estimate.mean
        return bool(value <= self.at_most)


@dataclass(frozen=True)
class Optimum:
    """The best setting of one field among a grid, subject to a cap.

    Attributes:
        path: the searched field.
        objective: the maximised KPI key.
        cap: the constraint.
        best_value: the field value with the highest objective mean among allowed points
            (None when no point is allowed).
        best: the summary at `best_value` (None when no point is allowed).
        allowed: per grid point, whether the cap holds.
        sweep: every grid point's results.
    """

    path: str
    objective: str
    cap: Cap
    best_value: Value | None
    best: Summary | None
    allowed: tuple[bool, ...]
    sweep: SweepResult


def maximize(
    scenario: Scenario, path: str, values: Sequence[Value], objective: str, cap: Cap, plan: RunPlan,
) -> Optimum:
    """The grid value of `path` that maximises `objective` while `cap` holds.

    All points run on common random numbers, so the ranking between neighbours reflects the
    lever, not noise. The grid is explicit: a planner's levers (dial ratios, drop targets) are
    set in coarse steps anyway, and every point stays inspectable in `Optimum.sweep`.
    """
    for key in (objective, cap.key):
        if key not in KPI_BY_KEY:
            raise ValueError(f"KPI {key!r} is not computed by this model; use one of {', '.join(KPI_BY_KEY)}")
    result = sweep(scenario, [Axis(path, tuple(values))], plan)
    kpis = result.rows[0].kpis
    for key in (objective, cap.key):
        if key not in kpis:
            raise ValueError(f"KPI {key!r} is not computed by this model; use one of {', '.join(kpis)}")
    allowed = tuple(cap.allows(row.summary) for row in result.rows)
    candidates = [(row.kpis[objective].mean, k) for k, row in enumerate(result.rows)
                  if allowed[k] and not math.isnan(row.kpis[objective].mean)]
    if not candidates:
        return Optimum(path, objective, cap, None, None, allowed, result)
    _, k = max(candidates, key=lambda c: (c[0], -c[1]))  # ties: the first grid point
    row = result.rows[k]
    return Optimum(path, objective, cap, row.values[path], row.summary, allowed, result)


def pacing_lever(scenario: Scenario) -> tuple[str, tuple[float, ...]]:
    """The field pacing tunes in the scenario's dialer mode, and a default grid for it.

    Predictive mode aims at a target drop rate (the controller sets the dial level from it);
    power mode dials a fixed number of lines per free agent. Preview and progressive never
    place more calls than there are free agents, so there is nothing to pace.

    Raises:
        ValueError: outbound is off, or the mode has no pacing lever.
    """
    if not scenario.outbound.enabled:
        raise ValueError("pacing needs outbound dialing; set outbound.enabled = true")
    mode = scenario.outbound.dialer.mode
    if mode not in PACING_LEVERS:
        raise ValueError(
            f"dialer mode {mode!r} places one call per free agent and has no pacing to solve;"
            " set outbound.dialer.mode to 'power' or 'predictive'"
        )
    return PACING_LEVERS[mode]


def solve_pacing(
    scenario: Scenario,
    plan: RunPlan,
    *,
    path: str | None = None,
    values: Sequence[Value] | None = None,
    drop_cap: float | None = None,
    conservative: bool = True,
) -> Optimum:
    """The dialer setting (predictive target or power ratio) with most RPCs per agent-hour under the drop cap.

    Judged conservatively by default: the drop rate's 95% CI must lie under the cap, since
    breaking the regulatory cap costs far more than a slightly slower dialer.

    Args:
        scenario: a scenario with outbound dialing in power or predictive mode.
        plan: replications per grid point, the seed every point shares (common random numbers).
        path: the lever (default: from the dialer mode, see `pacing_lever`).
        values: the grid (default: the lever's default grid).
        drop_cap: largest acceptable drop rate (default: the compliance rules' cap, the lowest of the rule packs').
        conservative: judge the cap on the CI's upper end rather than the mean.

    Raises:
        ValueError: no outbound, a mode without pacing, or a model without the pacing KPIs.
    """
    missing = [k for k in (PACING_OBJECTIVE, PACING_CAPPED) if k not in KPI_BY_KEY]
    if missing:
        raise ValueError(
            f"pacing needs the outbound dialer's KPIs ({', '.join(missing)}), which this version does not compute"
        )
    if values is None:
        lever, grid = pacing_lever(scenario)
        if path is not None and path != lever:
            raise ValueError(f"no default grid for {path}; give the values to try")
        path, values = lever, grid
    elif path is None:
        path = pacing_lever(scenario)[0]
    default_cap = min(pack.rules.drop_cap for pack in scenario.outbound.compliance.packs())  # every jurisdiction's
    cap = default_cap if drop_cap is None else drop_cap
    return maximize(scenario, path, values, PACING_OBJECTIVE, Cap(PACING_CAPPED, cap, conservative), plan)
