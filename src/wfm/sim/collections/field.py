"""The field teams' days: where accounts live, which queued accounts each agent visits, and at what cost.

The treatment (`wfm.sim.collections.treatment`) queues accounts at a visit step (in its priority
order) and acts on the outcomes; this module decides the days (`wfm.scenario.field` for the
rules). Each working day (a weekday in `days`, not a public holiday of `holiday_region`, on the
center's calendar) the queue is walked in order: an account is taken when its debtor's rules
allow a visit on the local day the team's shift falls on (weekday, public holidays of the
debtor's jurisdiction, at most `max_visits` per `per_days` local days), its team (by the
territory holding its zone) has room (what its agents could visit driving nowhere) and the
week's budget has some left. Each team splits its share between its agents by direction from
its base (a sweep: sorted by angle, cut in equal runs), and plans each agent's day
(`routes.plan_day`) with each debtor's visiting hours moved to the center's clock. A visit's
outcome takes five draws from the strategy stream at planning, whatever it turns out to be, so
one visit's fate never shifts another's. Agents are paid the whole shift on every working day.

Local days use the run's `LocalClock` (as the dialer does): the debtor's offset from the
center's wall clock at noon of the center's day. `FieldAuditor` (`field_rules`) re-checks every
visit made with its own clock and calendar.

The team keeps a log of every visit whether or not the run records calls (visits are few: a few
dozen per agent and week), since the results' map of visited addresses needs it, and counts each
day's paid shift seconds and busy seconds (driving and visiting, not waiting at a door for the
visiting hours to open) for the agents' utilisation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from wfm.scenario import DAY_S, HOUR_S, MINUTE_S
from wfm.scenario.accounts import AccountTable
from wfm.scenario.field import FieldGroup, FieldVisits, VisitOutcomes, VisitRules, postcode_key
from wfm.sim.collections.routes import DayPlan, DaySpec, Visit, plan_day
from wfm.sim.outbound.clock import LocalClock
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
NOON_S = 12 * HOUR_S


class VisitAuditor(Protocol):
    """What the team asks of its auditor (`field_rules.FieldAuditor`): to check each visit made."""

    violations: list[int]
    """Visits found breaking each rule (`field_rules.FIELD_RULES`)."""

    def visit(self, a: int, start_t: float, end_t: float) -> None:
        """Check a visit to `a` from run time `start_t` to `end_t`."""


@dataclass(frozen=True)
class Debtors:
    """What the field teams need of the accounts beyond the map, one entry per account.

    Attributes:
        tz: index into the clock's zones (the debtor's time zone).
        clock: the run's clock (real instants and each zone's local time).
        region: index into `region_names`.
        region_names: the debtors' jurisdictions ("" = none of their own).
        segment: index into `segment_names`.
        segment_names: the portfolio's segments.
        imported: the imported portfolio (its coordinates and postcodes), or None (a drawn portfolio).
    """

    tz: Sequence[int]
    clock: LocalClock | None
    region: Sequence[int]
    region_names: Sequence[str]
    segment: Sequence[int]
    segment_names: Sequence[str]
    imported: AccountTable | None = None


@dataclass(frozen=True)
class PlannedVisit:
    """A visit of today's plan: the account, its agent, when (seconds of the day) and its draws."""

    account: int
    agent: int
    visit: Visit
    draws: tuple[float, ...]
    team: int = 0
    local_day: int = 0
    offset_s: float = 0.0
    """The debtor's local clock minus the center's (seconds) on the visit's day."""


def outcome_of(spec: VisitOutcomes, lift: float, u_door: float, u_reached: float, home_factor: float = 1.0) -> int:
    """The visit's outcome from two uniforms; the debtor's hidden-type factor scales pay and promise.

    `home_factor` scales nobody_home (the hour and weekday of the visit).
    """
    door = (spec.nobody_home_scaled(home_factor), spec.wrong_address, spec.third_party)
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


def account_places(spec: FieldVisits, n: int, rng: np.random.Generator,
                   imported: AccountTable | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each account's map position and zone (index into `spec.zones`).

    Every account draws a zone by the shares and a normal offset per axis (the same draws
    whatever is imported, so importing places moves no other draw); imported coordinates
    replace the point, an imported postcode its centre and spread, and the zone of an
    imported point is the nearest zone centre (a postcode's is the table's).
    """
    edges = np.cumsum([z.share for z in spec.zones])
    zone = np.minimum(np.searchsorted(edges, rng.random(n) * edges[-1], side="right"), len(spec.zones) - 1)
    centres = np.array([z.centre_km for z in spec.zones], dtype=float)
    offset = rng.standard_normal((n, 2))
    xy = centres[zone] + np.array([z.spread_km for z in spec.zones])[zone][:, None] * offset
    if imported is None or not len(imported) or not imported.has_places():
        return xy, zone
    zone_index = {z.name: k for k, z in enumerate(spec.zones)}
    table = {postcode_key(p.code): p for p in spec.postcodes}
    codes = imported.postcode_names
    for k, code in enumerate(codes):
        rows = np.flatnonzero(imported.postcode == k)
        if not code or not len(rows):
            continue
        p = table[postcode_key(code)]  # the scenario checks that every imported postcode is in the table
        xy[rows] = np.array(p.centre_km) + p.spread_km * offset[rows]
        zone[rows] = zone_index[p.zone]
    given = np.isfinite(imported.x_km) & np.isfinite(imported.y_km)
    if given.any():
        points = np.column_stack([imported.x_km[given], imported.y_km[given]])
        xy[given] = points
        zone[given] = np.argmin(((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
    return xy, zone


class FieldTeam:
    """Plans the field teams' days and counts their visits, outcomes, kilometres and cost per day.

    Attributes:
        groups: the teams (`FieldVisits.groups`); agent ids run over them in order.
        team_visits, team_km, team_cost: per day and team, shape (days, teams).
    """

    def __init__(self, spec: FieldVisits, start: date, n_days: int, n_accounts: int, rng: np.random.Generator,
                 debtors: Debtors | None = None) -> None:
        self.spec = spec
        self.start = start
        self.n_days = n_days
        self.rng = rng
        if debtors is None:
            debtors = Debtors(tz=[0] * n_accounts, clock=None, region=[0] * n_accounts, region_names=("",),
                              segment=[0] * n_accounts, segment_names=("",))
        self.debtors = debtors
        self.xy, self.zone = account_places(spec, n_accounts, rng, debtors.imported)
        self.groups: tuple[FieldGroup, ...] = spec.groups()
        self.team_of = np.array(spec.team_of_zone(), dtype=np.int64)[self.zone].tolist()
        years = holiday_years(start, n_days)
        holidays = public_holidays(spec.holiday_region, years) if spec.holiday_region else set()
        self.holidays = {(h - start).days for h in holidays}
        self.rules: list[VisitRules] = [spec.rules_for(name) for name in debtors.region_names]
        self.rest_days = [self._rest_days(spec.holiday_jurisdiction(name), years) for name in debtors.region_names]
        self.segment_outcomes = [spec.outcomes_of(name) for name in debtors.segment_names]
        opens = min(r.visiting_start for r in self.rules)
        closes = max(r.visiting_end for r in self.rules)
        self.day_specs = [self._day_spec(g, opens, closes) for g in self.groups]
        self.capacity = [max(0, math.floor((min(closes, d.shift_end_s) - max(opens, d.shift_start_s)) / d.visit_s))
                         for d in self.day_specs]  # visits an agent could make driving nowhere
        self.first_agent = np.cumsum([0, *(g.count for g in self.groups)]).tolist()
        self.budget_left = spec.weekly_budget
        self.queue: list[tuple[int, int]] = []  # (account, treatment version when queued), in queue order
        self.visit_days: dict[int, list[int]] = {}  # account -> local days of its planned visits
        self.offsets: dict[tuple[int, int], float] = {}  # (time zone, day) -> local minus center seconds
        self.visits = np.zeros(n_days, dtype=np.int64)
        self.outcomes = np.zeros((n_days, len(FIELD_OUTCOMES)), dtype=np.int64)
        self.km = np.zeros(n_days)
        self.cost = np.zeros(n_days)
        n_teams = len(self.groups)
        self.team_visits = np.zeros((n_days, n_teams), dtype=np.int64)
        self.team_km = np.zeros((n_days, n_teams))
        self.team_cost = np.zeros((n_days, n_teams))
        self.busy_s = np.zeros(n_days)  # agents' seconds driving and visiting, per day
        self.paid_s = np.zeros(n_days)  # agents' paid shift seconds, per day
        self.log: list[tuple[int, int, float, float, float, float, int]] = []  # `FIELD_LOG` rows, in visit order
        self.auditor: VisitAuditor | None = None

    @property
    def day_spec(self) -> DaySpec:
        """The first team's day (the single team's, without territories)."""
        return self.day_specs[0]

    def _rest_days(self, jurisdiction: str, years: range) -> set[int]:
        return {(h - self.start).days for h in public_holidays(jurisdiction, years)} if jurisdiction else set()

    @staticmethod
    def _day_spec(group: FieldGroup, opens: int, closes: int) -> DaySpec:
        shift_start = float(group.shift_start)
        return DaySpec(shift_start_s=shift_start, shift_end_s=shift_start + group.shift_hours * HOUR_S,
                       open_s=float(opens), close_s=float(closes), speed_kmh=group.speed_kmh,
                       visit_s=group.visit_minutes * MINUTE_S, cost_per_km=group.cost_per_km,
                       wage=group.wage_per_hour * group.shift_hours)

    def allowed(self, day: int) -> bool:
        """Whether the teams work on run day `day`: an allowed weekday that is no public holiday."""
        weekday = (self.start + timedelta(days=day)).weekday()
        return self.spec.weekday_allowed(weekday) and day not in self.holidays

    def offset(self, a: int, day: int) -> float:
        """The debtor's local wall clock minus the center's (seconds) at noon of run day `day`."""
        clock = self.debtors.clock
        if clock is None:
            return 0.0
        z = self.debtors.tz[a]
        key = (z, day)
        if key not in self.offsets:
            t = day * DAY_S + NOON_S
            self.offsets[key] = clock.local(z, clock.real(t)) - t
        return self.offsets[key]

    def window(self, a: int, day: int, team: int) -> tuple[int, tuple[float, float], float] | None:
        """(local day, visiting hours in seconds of the center's day, offset) of a visit to `a` today, or None.

        None when the debtor's rules forbid a visit on the local day the team's shift falls on: a
        weekday without visits, a public holiday of their jurisdiction, or the frequency cap.
        """
        off = self.offset(a, day)
        spec = self.day_specs[team]
        mid = (spec.shift_start_s + spec.shift_end_s) / 2
        local_day = math.floor((day * DAY_S + mid + off) / DAY_S)
        region = self.debtors.region[a]
        rules = self.rules[region]
        if not rules.weekday_allowed((self.start + timedelta(days=local_day)).weekday()):
            return None
        if local_day in self.rest_days[region]:
            return None
        past = self.visit_days.get(a)
        if past and sum(1 for d in past if local_day - d < rules.per_days) >= rules.max_visits:
            return None
        shift = local_day * DAY_S - off - day * DAY_S  # the local day's midnight on the center's day clock
        return local_day, (rules.visiting_start + shift, rules.visiting_end + shift), off

    def plan(self, day: int, candidates: Sequence[int]) -> list[PlannedVisit]:
        """Today's visits among `candidates` (queued accounts, in priority order); books km and cost for the day."""
        if day % 7 == 0:
            self.budget_left = self.spec.weekly_budget
        if not self.allowed(day):
            return []
        n_teams = len(self.groups)
        room = [g.count * c for g, c in zip(self.groups, self.capacity, strict=True)]
        taken: list[list[tuple[int, int, tuple[float, float], float]]] = [[] for _ in range(n_teams)]
        left = min(self.budget_left, sum(room))
        for a in candidates:
            if left <= 0:
                break
            team = self.team_of[a]
            if len(taken[team]) >= room[team]:
                continue
            found = self.window(a, day, team)
            if found is None:
                continue
            local_day, hours, off = found
            taken[team].append((a, local_day, hours, off))
            left -= 1
        out: list[PlannedVisit] = []
        for team, share in enumerate(taken):
            out.extend(self._plan_team(day, team, share))
        self.visits[day] += len(out)
        self.budget_left -= len(out)
        return out

    def _plan_team(self, day: int, team: int, share: list[tuple[int, int, tuple[float, float], float]]
                   ) -> list[PlannedVisit]:
        """Sweep one team's accounts between its agents and route each agent's day."""
        group = self.groups[team]
        out: list[PlannedVisit] = []
        for k, run in enumerate(self._sweep([s[0] for s in share], group.count, group.base_km)):
            stops = [share[i] for i in run]
            points = [(float(self.xy[a, 0]), float(self.xy[a, 1])) for a, _, _, _ in stops]
            plan = plan_day(group.base_km, points, self.day_specs[team], [hours for _, _, hours, _ in stops])
            self.km[day] += plan.km
            self.cost[day] += plan.cost
            self.team_km[day, team] += plan.km
            self.team_cost[day, team] += plan.cost
            self._book_time(day, plan, self.day_specs[team])
            for v in plan.visits:
                a, local_day, _, off = stops[v.point]
                draws = tuple(float(u) for u in self.rng.random(DRAWS_PER_VISIT))
                self.visit_days.setdefault(a, []).append(local_day)
                out.append(PlannedVisit(a, self.first_agent[team] + k, v, draws, team, local_day, off))
        self.team_visits[day, team] += len(out)
        return out

    def _sweep(self, accounts: list[int], n_agents: int, base: tuple[float, float]) -> list[list[int]]:
        """Split the accounts (positions in `accounts`) between the agents in equal runs by direction from the base."""
        if not accounts:
            return [[] for _ in range(n_agents)]
        bx, by = base
        xy = self.xy[accounts]
        angle = np.arctan2(xy[:, 1] - by, xy[:, 0] - bx)
        order = np.argsort(angle, kind="stable")
        return [run.tolist() for run in np.array_split(order, n_agents)]

    def outcome(self, p: PlannedVisit, lift: float, u_door: float, u_reached: float) -> int:
        """What visit `p` finds: its debtor's segment's shares, nobody home scaled by the local hour and weekday."""
        a = p.account
        local_s = (p.visit.start_s + p.offset_s) % DAY_S  # the visit lies in its local day's visiting hours
        weekday = (self.start + timedelta(days=p.local_day)).weekday()
        factor = self.spec.home_factor(weekday, local_s)
        return outcome_of(self.segment_outcomes[self.debtors.segment[a]], lift, u_door, u_reached, factor)

    def _book_time(self, day: int, plan: DayPlan, spec: DaySpec) -> None:
        """Count an agent's day for utilisation: the whole shift is paid; busy is base to base less door waits."""
        waiting = sum(v.start_s - v.arrive_s for v in plan.visits)
        self.paid_s[day] += spec.shift_end_s - spec.shift_start_s
        self.busy_s[day] += plan.back_s - spec.shift_start_s - waiting

    @property
    def bases(self) -> np.ndarray:
        """Where the teams' routes start and end, one (x, y) km row per team."""
        return np.array([g.base_km for g in self.groups], dtype=float).reshape(-1, 2)

    def done(self, day: int, planned: PlannedVisit, outcome: int) -> None:
        """Count a visit's outcome, have the auditor check it, and log it."""
        self.outcomes[day, outcome] += 1
        a = planned.account
        start_s, end_s = day * DAY_S + planned.visit.start_s, day * DAY_S + planned.visit.end_s
        if self.auditor is not None:
            self.auditor.visit(a, start_s, end_s)
        self.log.append((a, planned.agent, start_s, end_s, float(self.xy[a, 0]), float(self.xy[a, 1]), outcome))
