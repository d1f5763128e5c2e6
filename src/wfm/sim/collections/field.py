"""The field team's days: where accounts live, which queued accounts each agent visits, and at what cost.

The treatment (`wfm.sim.collections.treatment`) queues accounts at a visit step and acts on the
outcomes; this module decides the days (`wfm.scenario.field` for the rules). Each allowed day
(a weekday in `days`, not a public holiday of `holiday_region`) the team takes the eligible
queue in order, at most the week's budget left and what the agents could visit if they drove
nowhere, splits it between the agents by direction from the base (a sweep: sorted by angle,
cut in equal runs), and plans each agent's day (`routes.plan_day`). A visit's outcome takes
five draws from the strategy stream at planning, whatever it turns out to be, so one visit's
fate never shifts another's. Agents are paid the whole shift on every allowed day.

The team keeps a log of every visit whether or not the run records calls (visits are few: a few
dozen per agent and week), since the results' map of visited addresses needs it, and counts each
day's paid shift seconds and busy seconds (driving and visiting, not waiting at a door before the
visiting hours open) for the agents' utilisation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from wfm.scenario import DAY_S, HOUR_S, MINUTE_S
from wfm.scenario.field import FieldVisits, VisitOutcomes
from wfm.sim.collections.routes import DayPlan, DaySpec, Visit, plan_day
from wfm.sim.outbound.compliance import holiday_years, public_holidays

FIELD_OUTCOMES: tuple[str, ...] = ("nobody_home", "wrong_address", "third_party", "paid", "promise", "refusal",
                                   "dispute", "void")
"""What a visit found, in the order of the outcome axis; void: the account closed, promised or was on a call
between planning and the visit (the agent went for nothing)."""
NOBODY_HOME, WRONG_ADDRESS, THIRD_PARTY, PAID_ON_SPOT, DOOR_PROMISE, REFUSAL, DISPUTE, VOID = range(len(FIELD_OUTCOMES))
DRAWS_PER_VISIT = 5
"""Door, the debtor's answer, and a promise's amount, due day and keeping (drawn whether used or not)."""
FIELD_LOG = np.dtype([("account", np.int64), ("agent", np.int64), ("start_s", float), ("end_s", float),
                      ("km_x", float), ("km_y", float), ("outcome", np.int8)])


@dataclass(frozen=True)
class PlannedVisit:
    """A visit of today's plan: the account, its agent, when (seconds of the day) and its draws."""

    account: int
    agent: int
    visit: Visit
    draws: tuple[float, ...]


def outcome_of(spec: VisitOutcomes, lift: float, u_door: float, u_reached: float) -> int:
    """The visit's outcome from two uniforms; the debtor's hidden-type factor scales pay and promise."""
    door = (spec.nobody_home, spec.wrong_address, spec.third_party)
    edge = 0.0
    for kind, share in enumerate(door):
        edge += share
        if u_door < edge:
            return kind
    shares = [spec.pay * lift, spec.promise * lift, spec.dispute]
    total = sum(shares)
    scale = 1.0 / total if total > 1.0 else 1.0
    edge = 0.0
    for kind, share in zip((PAID_ON_SPOT, DOOR_PROMISE, DISPUTE), shares, strict=True):
        edge += share * scale
        if u_reached < edge:
            return kind
    return REFUSAL


class FieldTeam:
    """Plans the field agents' days and counts their visits, outcomes, kilometres and cost per day."""

    def __init__(self, spec: FieldVisits, start: date, n_days: int, n_accounts: int,
                 rng: np.random.Generator) -> None:
        self.spec = spec
        self.start = start
        self.n_days = n_days
        self.rng = rng
        self.xy = self._locations(spec, n_accounts, rng)
        years = holiday_years(start, n_days)
        holidays = public_holidays(spec.holiday_region, years) if spec.holiday_region else set()
        self.holidays = {(h - start).days for h in holidays}
        ag = spec.agents
        shift_start = float(ag.shift_start)
        self.day_spec = DaySpec(shift_start_s=shift_start, shift_end_s=shift_start + ag.shift_hours * HOUR_S,
                                open_s=float(spec.visiting_start), close_s=float(spec.visiting_end),
                                speed_kmh=ag.speed_kmh, visit_s=ag.visit_minutes * MINUTE_S,
                                cost_per_km=ag.cost_per_km, wage=ag.wage_per_hour * ag.shift_hours)
        hours = min(self.day_spec.close_s, self.day_spec.shift_end_s) - max(self.day_spec.open_s, shift_start)
        self.capacity = max(0, math.floor(hours / self.day_spec.visit_s))  # visits an agent could make driving nowhere
        self.budget_left = spec.weekly_budget
        self.queue: list[tuple[int, int]] = []  # (account, treatment version when queued), in queue order
        self.visits = np.zeros(n_days, dtype=np.int64)
        self.outcomes = np.zeros((n_days, len(FIELD_OUTCOMES)), dtype=np.int64)
        self.km = np.zeros(n_days)
        self.cost = np.zeros(n_days)
        self.busy_s = np.zeros(n_days)  # agents' seconds driving and visiting, per day
        self.paid_s = np.zeros(n_days)  # agents' paid shift seconds, per day
        self.log: list[tuple[int, int, float, float, float, float, int]] = []  # `FIELD_LOG` rows, in visit order

    @staticmethod
    def _locations(spec: FieldVisits, n: int, rng: np.random.Generator) -> np.ndarray:
        """Each account's map position: a zone by the shares, then the centre plus a normal offset per axis."""
        edges = np.cumsum([z.share for z in spec.zones])
        zone = np.minimum(np.searchsorted(edges, rng.random(n) * edges[-1], side="right"), len(spec.zones) - 1)
        centre = np.array([z.centre_km for z in spec.zones], dtype=float)[zone]
        spread = np.array([z.spread_km for z in spec.zones])[zone]
        return centre + spread[:, None] * rng.standard_normal((n, 2))

    def allowed(self, day: int) -> bool:
        """Whether the team visits on run day `day`: an allowed weekday that is no public holiday."""
        weekday = (self.start + timedelta(days=day)).weekday()
        return self.spec.weekday_allowed(weekday) and day not in self.holidays

    def plan(self, day: int, candidates: Sequence[int]) -> list[PlannedVisit]:
        """Today's visits among `candidates` (eligible accounts, in queue order); books km and cost for the day."""
        if day % 7 == 0:
            self.budget_left = self.spec.weekly_budget
        if not self.allowed(day):
            return []
        n_agents = self.spec.agents.count
        take = list(candidates[: min(self.budget_left, n_agents * self.capacity)])
        out: list[PlannedVisit] = []
        for agent, share in enumerate(self._sweep(take, n_agents)):
            points = [(float(self.xy[a, 0]), float(self.xy[a, 1])) for a in share]
            plan = plan_day(self.spec.agents.base_km, points, self.day_spec)
            self.km[day] += plan.km
            self.cost[day] += plan.cost
            self._book_time(day, plan, self.day_spec)
            for v in plan.visits:
                draws = tuple(float(u) for u in self.rng.random(DRAWS_PER_VISIT))
                out.append(PlannedVisit(share[v.point], agent, v, draws))
        self.visits[day] += len(out)
        self.budget_left -= len(out)
        return out

    def _sweep(self, accounts: list[int], n_agents: int) -> list[list[int]]:
        """Split the accounts between the agents in equal runs by their direction from the base."""
        if not accounts:
            return [[] for _ in range(n_agents)]
        bx, by = self.spec.agents.base_km
        xy = self.xy[accounts]
        angle = np.arctan2(xy[:, 1] - by, xy[:, 0] - bx)
        order = np.argsort(angle, kind="stable")
        return [[accounts[i] for i in run.tolist()] for run in np.array_split(order, n_agents)]

    def _book_time(self, day: int, plan: DayPlan, spec: DaySpec) -> None:
        """Count an agent's day for utilisation: the whole shift is paid; busy is base to base less door waits."""
        waiting = sum(v.start_s - v.arrive_s for v in plan.visits)
        self.paid_s[day] += spec.shift_end_s - spec.shift_start_s
        self.busy_s[day] += plan.back_s - spec.shift_start_s - waiting

    def done(self, day: int, planned: PlannedVisit, outcome: int) -> None:
        """Count a visit's outcome and log it."""
        self.outcomes[day, outcome] += 1
        a = planned.account
        self.log.append((a, planned.agent, day * DAY_S + planned.visit.start_s, day * DAY_S + planned.visit.end_s,
                         float(self.xy[a, 0]), float(self.xy[a, 1]), outcome))

    @property
    def bases(self) -> np.ndarray:
        """Where the agents' routes start and end, one (x, y) km row per base."""
        return np.array([self.spec.agents.base_km], dtype=float)
