"""Agents needed per interval: Erlang A on the forecast, then corrected by simulating the roster.

The analytic requirement comes from the one staffing function of the project,
`wfm.analytic.StaffingRule` (Erlang A with the forecast's patience, Erlang C without
abandonment), applied to every interval's expected calls as a steady state, with the interval's
own handle time when the forecast has one. It ignores what the simulator models: a queue
carried from one interval to the next, absence drawn day by day rather than on average,
blended agents taken by the dialer, redials, lognormal rather than exponential handle times.

`correct_by_simulation` closes that gap. It rosters the requirement (a callable, normally the
scheduler of `wfm.planning.schedule` through `wfm.planning.roster`), simulates the roster with
replications, and raises the requirement by one agent in every interval whose simulated service
level misses the target at the lower end of its 95% confidence interval; then it rosters and
simulates again, until every judged interval meets the target or the rounds run out. What is
left unmet is reported with the reason: the roster could not cover the requirement there, or
extra agents stopped helping (the shortfall lies elsewhere: a queue built before, the dialer, a
few calls at the edge of opening hours), or the rounds ran out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from wfm import kpi
from wfm.analytic import StaffingRule, erlang_a
from wfm.experiment import RunPlan, Summary, replicate
from wfm.planning.forecast import Forecast
from wfm.scenario import DAY_S, MINUTE_S, WEEKDAYS, Scenario
from wfm.sim.agents import build_roster

AHT_ROUNDING_S = 1.0
"""Handle times are rounded to this before sizing, so that a week asks Erlang A for few distinct queues."""
MAX_STEP = 5
"""Most agents one round adds to an interval."""


def erlang_requirement(result: Forecast, rule: StaffingRule, interval_minutes: int) -> np.ndarray:
    """Agents needed on the phones per day and interval of the forecast, shape (days, intervals per day).

    Each interval is sized by `rule` at its expected calls as a steady state; when the forecast
    has a handle time for the interval, the rule's handle time is replaced by it. Patience is the
    rule's (build the rule from the scenario the forecast was applied to, or give it the
    forecast's patience).
    """
    calls = result.calls_on_grid(interval_minutes)
    aht = result.aht_on_grid(interval_minutes)
    period = interval_minutes * MINUTE_S
    if aht is None:
        return rule.per_interval(calls, period)
    handle = np.where(np.isnan(aht), rule.handle_s, np.round(aht / AHT_ROUNDING_S) * AHT_ROUNDING_S)
    out = np.zeros(calls.shape, dtype=int)
    for value in np.unique(handle[calls > 0]):
        chosen = (handle == value) & (calls > 0)
        out[chosen] = replace(rule, handle_s=float(value)).per_interval(calls[chosen], period)
    return out


@dataclass(frozen=True)
class ErlangStep:
    """How many agents to add where the simulation misses: enough to lift Erlang A's service level by the shortfall.

    The simulated service level of a missed interval is short of the target by `target − low`;
    the step is the fewest extra agents whose Erlang A service level at the interval's calls
    and handle time rises by at least that much (at least one agent). Using the analytic curve's
    slope rather than one agent per round takes large shortfalls in one round and small ones
    in one agent.

    Attributes:
        calls: expected calls per day and interval, as the requirement.
        handle_s: handle time per day and interval, seconds.
        rule: the staffing rule (patience, threshold); its handle time is replaced per interval.
        period_s: interval length, seconds.
    """

    calls: np.ndarray
    handle_s: np.ndarray
    rule: StaffingRule
    period_s: float

    @classmethod
    def of(cls, result: Forecast, rule: StaffingRule, interval_minutes: int) -> ErlangStep:
        """The steps for a forecast sized by `rule`, as `erlang_requirement` sizes it."""
        calls = result.calls_on_grid(interval_minutes)
        aht = result.aht_on_grid(interval_minutes)
        handle = np.full(calls.shape, rule.handle_s) if aht is None else np.where(np.isnan(aht), rule.handle_s, aht)
        return cls(calls, handle, rule, interval_minutes * MINUTE_S)

    def __call__(self, requirement: np.ndarray, shortfall: np.ndarray) -> np.ndarray:
        """Agents to add per interval (0 where `shortfall` <= 0)."""
        out = np.zeros(requirement.shape, dtype=int)
        for at in zip(*np.nonzero(shortfall > 0), strict=True):
            out[at] = self._step(float(self.calls[at]), float(self.handle_s[at]), int(requirement[at]),
                                 float(shortfall[at]))
        return out

    def _step(self, calls: float, handle: float, agents: int, shortfall: float) -> int:
        if calls <= 0 or handle <= 0:
            return 1
        rate = calls / self.period_s
        patience = self.rule.patience_s if self.rule.patience_s is not None else 1e12

        def level(n: int) -> float:
            return erlang_a(n, rate, handle, patience, self.rule.threshold_s).service_level if n > 0 else 0.0

        base = level(agents)
        for extra in range(1, MAX_STEP + 1):
            if level(agents + extra) >= min(base + shortfall, 1.0 - 1e-9):
                return extra
        return MAX_STEP


def weekly(requirement: np.ndarray, start_weekday: int) -> np.ndarray:
    """A 7-day requirement (days from a day of weekday `start_weekday`) as rows Monday..Sunday, for the scheduler."""
    if requirement.shape[0] != 7:
        raise ValueError(f"the requirement has {requirement.shape[0]} days; the weekly roster needs exactly 7")
    return np.roll(requirement, start_weekday, axis=0)


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------


def simulate(scenario: Scenario, plan: RunPlan) -> Summary:
    """Replications of `scenario`: the planning package's one call into `wfm.experiment`.

    Every run the planner asks for goes through here, so a change of the experiment API is one edit.
    """
    return replicate(scenario, plan)


@dataclass(frozen=True)
class IntervalServiceLevel:
    """Simulated service level per interval over replications, shape (days, intervals per day) each.

    Attributes:
        mean: mean over the replications with calls in the interval (NaN when none had).
        low: lower end of the 95% t-interval of the mean (NaN with fewer than 2 such replications).
        high: upper end of that interval.
        n: replications with calls in the interval.
        offered: mean calls offered per replication.
    """

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray
    offered: np.ndarray


def interval_service_levels(summary: Summary, days: int) -> IntervalServiceLevel:
    """Per-interval service level of every replication of `summary`, and its mean and 95% interval."""
    tables = [kpi.by_interval(run) for run in summary.runs]
    values = np.vstack([t["service_level"] for t in tables])
    offered = np.vstack([t["offered"] for t in tables]).mean(axis=0)
    valid = ~np.isnan(values)
    n = valid.sum(axis=0)
    total = np.where(valid, values, 0.0).sum(axis=0)
    mean = np.full(values.shape[1], np.nan)
    np.divide(total, n, out=mean, where=n > 0)
    deviations = np.where(valid, values - mean, 0.0)
    var = np.full(values.shape[1], np.nan)
    np.divide((deviations ** 2).sum(axis=0), n - 1, out=var, where=n > 1)
    t = np.full(values.shape[1], np.nan)
    t[n > 1] = stats.t.ppf(0.975, n[n > 1] - 1)
    half = t * np.sqrt(var / np.maximum(n, 1))
    shape = (days, -1)
    return IntervalServiceLevel(mean.reshape(shape), (mean - half).reshape(shape), (mean + half).reshape(shape),
                                n.reshape(shape), offered.reshape(shape))


def floor_agents(scenario: Scenario, groups: Collection[str] | None = None) -> np.ndarray:
    """Expected inbound agents on the floor per day and reporting interval: on shift, not on break, after absence.

    Built from the simulator's own roster expansion (`wfm.sim.agents.build_roster`), breaks and
    stagger included, so it is the roster the simulation runs. `groups` counts only those groups
    (None = every group that takes inbound calls).
    """
    cal = scenario.calendar
    interval = cal.interval_s
    per_day = cal.intervals_per_day
    out = np.zeros(cal.horizon_days * per_day)
    edges = np.arange(cal.horizon_days * per_day + 1) * interval
    for entry in build_roster(scenario):
        if not entry.takes_inbound or (groups is not None and entry.group not in groups):
            continue
        weight = 1.0 - entry.absence_rate
        for shift in entry.instances:
            out += weight * _overlap(edges, shift.start, shift.end)
            for start, duration in shift.breaks:
                out -= weight * _overlap(edges, start, start + duration)
    return out.reshape(cal.horizon_days, per_day)


def _overlap(edges: np.ndarray, start: float, end: float) -> np.ndarray:
    """Fraction of each interval [edges[i], edges[i+1]) inside [start, end)."""
    lo = np.maximum(edges[:-1], start)
    hi = np.minimum(edges[1:], end)
    return np.clip(hi - lo, 0.0, None) / (edges[1] - edges[0])


# --------------------------------------------------------------------------------------------
# The correction loop
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionRound:
    """One roster-and-simulate round of `correct_by_simulation`.

    Attributes:
        requirement_agent_hours: the requirement summed over intervals, in agent-hours.
        missed: judged intervals whose simulated service level missed the target (lower bound).
        raised: intervals whose requirement was raised for the next round.
    """

    requirement_agent_hours: float
    missed: int
    raised: int


@dataclass(frozen=True)
class UnmetInterval:
    """An interval whose simulated service level still misses the target, and why.

    Attributes:
        day: simulation day.
        interval: interval of the day.
        label: "Mon 2026-04-27 08:00".
        service_level: simulated mean.
        low: lower end of its 95% interval.
        requirement: agents required at the end.
        floor: expected agents on the floor in the roster.
        reason: "not covered", "no gain", "rounds" or "too few calls" (see `correct_by_simulation`).
        detail: the reason in words.
    """

    day: int
    interval: int
    label: str
    service_level: float
    low: float
    requirement: int
    floor: float
    reason: str
    detail: str


@dataclass(frozen=True)
class Correction:
    """The outcome of `correct_by_simulation`.

    Attributes:
        erlang: the starting (Erlang A) requirement, shape (days, intervals per day).
        requirement: the corrected requirement.
        scenario: the last rostered scenario.
        summary: its simulation.
        service_level: per-interval simulated service level of that simulation.
        floor: expected agents on the floor in that roster.
        rounds: every round, in order.
        unmet: intervals still missing the target, with reasons (empty when met).
        target: the service-level target.
    """

    erlang: np.ndarray
    requirement: np.ndarray
    scenario: Scenario
    summary: Summary
    service_level: IntervalServiceLevel
    floor: np.ndarray
    rounds: tuple[CorrectionRound, ...]
    unmet: tuple[UnmetInterval, ...]
    target: float

    @property
    def met(self) -> bool:
        """Whether every judged interval meets the target at the lower end of its interval."""
        return not any(u.reason != "too few calls" for u in self.unmet)


def judged(level: IntervalServiceLevel, replications: int) -> np.ndarray:
    """Intervals with calls in at least half the replications (and two): the others cannot be judged one by one."""
    return level.n >= max(2, math.ceil(replications / 2))


def correct_by_simulation(
    erlang: np.ndarray,
    roster_for: Callable[[np.ndarray], Scenario],
    target: float,
    plan: RunPlan,
    *,
    max_rounds: int = 6,
    max_raise: int = 6,
    step: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Correction:
    """Raise the requirement where the simulated roster misses the target, until it is met everywhere.

    Each round rosters the current requirement (`roster_for`: requirement → scenario with that
    roster, for the same days), simulates it with the plan's replications and seed (the
    same seed every round, so rounds differ by the roster, not by luck), and raises every judged
    interval whose service level's lower 95% bound is below `target`: by `step(requirement,
    shortfall)` agents (an `ErlangStep`), or by one agent when no step is given. An interval that
    met the target keeps the whole agents it had on the floor in the later rounds' rosters (not in
    the requirement reported): re-solving the roster for the raised intervals must not take away
    what made the others pass, or the rounds would chase intervals passing and failing in turn.

    Left unmet at the end, with a reason:
        "not covered": the roster has fewer agents on the floor than the requirement there (a
            headcount, budget or template limit of the scheduler);
        "no gain": the requirement is already `max_raise` above Erlang A there and the target is
            still missed: more agents in that interval are not what it lacks;
        "rounds": still being raised when `max_rounds` ran out;
        "too few calls": calls in fewer than half the replications, so no interval estimate
            (listed, not counted as a miss).

    Args:
        erlang: starting requirement, agents per day and interval (as `erlang_requirement`).
        roster_for: builds the scenario to simulate from a requirement.
        target: service-level target, a share.
        plan: replications per round (>= 2), seed, backend; its progress hears the fraction of the
            rounds done and its cancel is polled by the simulations.
        max_rounds: rounds at most.
        max_raise: most agents added to an interval's Erlang A requirement.
        step: agents to add per interval given the requirement and the shortfall (target − lower
            bound, 0 where met); None = one agent.
    """
    replications = plan.replications
    if replications < 2:
        raise ValueError(f"replications must be at least 2 for a confidence interval, but got {replications}")
    if not 0 < target < 1:
        raise ValueError(f"target {target} is not a share; use e.g. 0.8 for 80%")
    requirement = np.asarray(erlang, dtype=int).copy()
    hold = np.zeros_like(requirement)  # agents kept where the target was met (see above)
    rounds: list[CorrectionRound] = []
    while True:
        scenario = roster_for(np.maximum(requirement, hold))
        done = len(rounds)

        def share(fraction: float, done: int = done) -> None:
            plan.progress((done + fraction) / max_rounds)

        summary = simulate(scenario, plan.reporting_to(share))
        days = scenario.calendar.horizon_days
        level = interval_service_levels(summary, days)
        floor = floor_agents(scenario)
        missed = judged(level, replications) & (level.low < target)
        raisable = missed & (requirement < erlang + max_raise) & (floor >= requirement - 1e-9)
        hours = float(requirement.sum() * scenario.calendar.interval_s / 3600)
        rounds.append(CorrectionRound(hours, int(missed.sum()), int(raisable.sum())))
        if not raisable.any() or len(rounds) >= max_rounds:
            break
        shortfall = np.where(raisable, target - level.low, 0.0)
        added = raisable.astype(int) if step is None else np.maximum(step(requirement, shortfall), raisable)
        requirement = np.minimum(requirement + np.where(raisable, added, 0), erlang + max_raise)
        passed = judged(level, replications) & ~missed
        hold = np.maximum(hold, np.where(passed, np.floor(floor + 1e-9).astype(int), 0))
    unmet = _unmet(scenario, level, requirement, erlang, floor, target, replications, max_raise)
    return Correction(erlang=np.asarray(erlang), requirement=requirement, scenario=scenario, summary=summary,
                      service_level=level, floor=floor, rounds=tuple(rounds), unmet=unmet, target=target)


def _unmet(scenario: Scenario, level: IntervalServiceLevel, requirement: np.ndarray, erlang: np.ndarray,
           floor: np.ndarray, target: float, replications: int, max_raise: int) -> tuple[UnmetInterval, ...]:
    cal = scenario.calendar
    out = []
    ok = judged(level, replications)
    open_ = (level.offered > 0) | (requirement > 0)
    for day, slot in zip(*np.nonzero(open_ & (~ok | (level.low < target))), strict=True):
        label = (f"{WEEKDAYS[cal.date_of(int(day)).weekday()].capitalize()} {cal.date_of(int(day))}"
                 f" {_clock(int(slot) * cal.interval_s)}")
        at = (int(day), int(slot))
        if not ok[at]:
            if level.offered[at] <= 0:
                continue
            reason, detail = "too few calls", (f"calls in {int(level.n[at])} of {replications} replications: too few"
                                               " to judge this interval alone")
        elif floor[at] < requirement[at] - 1e-9:
            reason, detail = "not covered", (f"the roster puts {floor[at]:.1f} agents on the floor for a requirement"
                                             f" of {requirement[at]}: a scheduling limit binds here")
        elif requirement[at] >= erlang[at] + max_raise:
            reason, detail = "no gain", (f"{max_raise} agents above Erlang A and still below target: the interval"
                                         " lacks something other than its own agents (a queue built before,"
                                         " agents on the dialer, calls at the edge of opening hours)")
        else:  # the loop stops early only when nothing is left to raise, so this interval met the round limit
            reason, detail = "rounds", "still being raised when the rounds ran out"
        out.append(UnmetInterval(at[0], at[1], label, float(level.mean[at]), float(level.low[at]),
                                 int(requirement[at]), float(floor[at]), reason, detail))
    return tuple(out)


def _clock(seconds: int) -> str:
    seconds %= DAY_S
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
