"""The accounts' walk along their treatment paths: one state machine shared by the channels (DESIGN §10).

The account book (`wfm.sim.outbound.accounts.AccountBook`) stays the one record of an account's
state; the treatment decides which accounts are in a phone phase (ACTIVE: the dialer may call
them) and which rest (a message step, a wait, the end of the path), and moves each account on
when the book tells it what happened (`AccountBook.observer`): the phone phase spent its
attempts, a right-party conversation ended, a promise fell due. Steps advance at the start of a
day, after the day's promises are settled and before the dialer ranks the accounts, so the
day's order has exactly the accounts in a phone phase.

A response to a message acts at its instant: a payment through the link pays the balance, a
portal promise is booked like a phone promise (without an agent), an opt-out stops that
channel (and moves the account to its path's `after_opt_out` path, if any), and a call joins
the inbound queue as an identified debtor whose conversation can end in a promise and counts as
a conversation for the contact rules (Reg F's 7-day rest). A step with a balance condition is
skipped when the account's balance is outside it when the path reaches it.

The treatment owns the parts with a job of their own and calls them at fixed points, so the order
of the strategy stream's draws is the walk's: `Placements` (batches, the placement term, money by
batch, the weekly status roll; no draws), `Offers` (settlements, plans, reminders: reshape a promise
when booked, decide when it falls due), `DebtorCalls` (a message answered by a call on the inbound
line), `Messenger` (sending and responses), `FieldTeam` (home visits) and `LegalDesk` (hand-off to
the lawyers).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import simpy

from wfm.scenario import DAY_S, Scenario
from wfm.scenario.field import FieldVisits
from wfm.scenario.strategy import CHANNELS, POSTAL, Step, Strategy, TreatmentPath
from wfm.sim.collections.behaviour import Behaviour, draw_behaviour, expected_lift
from wfm.sim.collections.debtor_calls import DebtorCalls
from wfm.sim.collections.field import (
    DISPUTE,
    DOOR_PROMISE,
    FIELD_LOG,
    PAID_ON_SPOT,
    VOID,
    WRONG_ADDRESS,
    Debtors,
    FieldTeam,
    PlannedVisit,
)
from wfm.sim.collections.field_rules import FieldAuditor
from wfm.sim.collections.legal import LegalDesk
from wfm.sim.collections.messages import CALL, OPT_OUT, PAY, PROMISE, Messenger
from wfm.sim.collections.offers import Offers
from wfm.sim.collections.placements import Placements
from wfm.sim.collections.result import ARMS, CAUSES, MESSAGE_LOG, StrategySeries
from wfm.sim.collections.statuses import CLOSED, NO_PHONE
from wfm.sim.inbound import InboundACD
from wfm.sim.outbound.accounts import (
    ACTIVE,
    DO_NOT_CALL,
    IN_CALL,
    PROMISED,
    RESTING,
    UNREACHABLE,
)
from wfm.sim.outbound.dialer import Dialer
from wfm.sim.outbound.result import OutboundSeries

NO_PATH = -1
LINK_PAY, SELF_CURE, PORTAL, INBOUND, FIELD_VISIT, LEGAL_CASE = range(len(CAUSES))


def takes(path: TreatmentPath, segments: list[str], segment: np.ndarray, percentile: np.ndarray,
          balance: np.ndarray) -> np.ndarray:
    """`TreatmentPath.takes` over the whole portfolio at once: which accounts enter `path`."""
    low, high = path.score_band
    ok = (low <= percentile) & (percentile < high)
    if high == 1.0:
        ok |= percentile == 1.0
    if path.segments:
        ok &= np.isin(segment, [k for k, name in enumerate(segments) if name in path.segments])
    ok &= balance >= path.balance_min
    if path.balance_max is not None:
        ok &= balance < path.balance_max
    return ok


class Treatment:
    """The path walk of one run, with the responses, self-cure and visits that move it, and the parts it owns."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, dialer: Dialer, acd: InboundACD,
                 rng: np.random.Generator, record: bool = False) -> None:
        spec = scenario.strategy
        self.record = record
        self.env = env
        self.dialer = dialer
        self.book = book = dialer.book
        self.rng = rng
        self.n_days = scenario.calendar.horizon_days
        segments = [s.name for s in scenario.outbound.portfolio.segments]
        pf = book.pf
        n = pf.size
        self.behaviour: Behaviour = draw_behaviour(spec, segments, pf.segment, rng)
        book.lift = self.behaviour.lift.tolist()
        book.score_lift = expected_lift(spec, segments, pf.segment, self.behaviour.score).tolist()
        book.observer = self
        self.follow_up = spec.follow_up_broken_promises
        self.paths = spec.paths
        self.steps: list[tuple[Step, ...]] = [p.steps for p in spec.paths]
        names = [p.name for p in spec.paths]
        self.after_broken = [names.index(p.after_broken_promise) if p.after_broken_promise else NO_PATH
                             for p in spec.paths]
        self.after_kept = [names.index(p.after_kept_promise) if p.after_kept_promise else NO_PATH for p in spec.paths]
        self.after_opt_out = [names.index(p.after_opt_out) if p.after_opt_out else NO_PATH for p in spec.paths]
        self.moving = [NO_PATH] * n  # a move decided while a promise was open: taken when it falls due
        self.entry, self.arm = self._enter(spec, segments, pf.segment, pf.balance)
        self.path = list(self.entry)
        self.step = [0] * n
        self.version = [0] * n
        self.in_phone = [False] * n
        self.opted_out = [0] * n
        self.reached = [False] * n
        self.collected_of = [0.0] * n
        self.promise_cause = [-1] * n  # PORTAL or INBOUND while such a promise is open
        self.offers = Offers(env, spec.offers, dialer, rng, self.n_days)
        self.agenda: dict[int, list[tuple[int, int]]] = {0: []}
        self.placements = Placements(spec, scenario.calendar.start_date, book, self.n_days, len(segments))
        self.messenger = Messenger(env, spec.channels, book, pf.clock, dialer.local_cal, dialer.pack, self.n_days,
                                   rng, self._respond, record, dialer.contact_rules, dialer.auditor,
                                   self._returned)
        self.cure = self._self_cure_hazard(spec.self_cure_monthly, segments, pf.segment)
        self.cure_halflife = spec.self_cure_halflife_days
        self.placed_dpd = np.asarray(book.dpd, dtype=float)  # days past due at placement (fixed for the run)
        self.collected = np.zeros((len(CAUSES), self.n_days))
        self.debtors = DebtorCalls(env, scenario.inbound, dialer, acd, rng, self.n_days,
                                   partial(self._promised, INBOUND))
        self.field = None if spec.field is None else self._field_team(spec.field, scenario, segments, rng)
        self.no_visit = [False] * n  # a wrong address (a visit, a returned registered letter): no more post or visits
        self.visits_of = [0] * n  # visits planned for each account (the field cost of a path)
        self.legal = None if spec.legal is None else LegalDesk(spec.legal, self.n_days, n, record)
        dialer.day_hooks.append(self.begin_day)

    def _field_team(self, spec: FieldVisits, scenario: Scenario, segments: list[str],
                    rng: np.random.Generator) -> FieldTeam:
        """The field teams, with the debtors' clocks, jurisdictions, segments and imported places, and their auditor."""
        book, pf, cal = self.book, self.book.pf, scenario.calendar
        imported = scenario.outbound.portfolio.imported
        debtors = Debtors(tz=book.tz, clock=pf.clock, region=book.region, region_names=pf.region_names,
                          segment=book.seg, segment_names=segments, imported=imported if imported else None)
        team = FieldTeam(spec, cal.start_date, self.n_days, pf.size, rng, debtors)
        team.auditor = FieldAuditor(spec, cal.start_date, self.dialer.auditor, book.tz,
                                    [pf.region_names[r] for r in book.region])
        return team

    def _enter(self, spec: Strategy, segments: list[str], segment: np.ndarray,
               balance: np.ndarray) -> tuple[list[int], list[int]]:
        """Each account's first path (or NO_PATH) and arm (0 champion, 1 challenger, -1 neither)."""
        names = [p.name for p in spec.paths]
        champion = names.index(spec.champion) if spec.champion else NO_PATH
        challenger = names.index(spec.challenger) if spec.challenger else NO_PATH
        pct = self.behaviour.percentile
        entry = np.full(len(segment), NO_PATH, dtype=np.int64)
        for k, path in enumerate(spec.paths):
            entry[(entry == NO_PATH) & takes(path, segments, segment, pct, balance)] = k
        arm = np.full(len(segment), -1, dtype=np.int64)
        if champion != NO_PATH:
            mine = entry == champion
            side = (self.behaviour.challenger_u < spec.challenger_share).astype(np.int64)
            arm[mine] = side[mine]
            entry[mine & (side == 1)] = challenger
        return entry.tolist(), arm.tolist()

    def _self_cure_hazard(self, monthly: dict[str, float], segments: list[str], segment: np.ndarray) -> np.ndarray:
        """Daily chance per account of paying in full without contact: 30-day share, scaled by the hidden type."""
        share = np.array([monthly.get(name, 0.0) for name in segments])[segment] * self.behaviour.lift
        return 1.0 - (1.0 - np.minimum(share, 1.0)) ** (1.0 / 30.0)

    def _cure_today(self, day: int) -> np.ndarray:
        """Today's self-cure chances: the base, halved every `self_cure_halflife_days` past due."""
        if not self.cure_halflife:
            return self.cure
        dpd = self.placed_dpd + day
        return self.cure * 0.5 ** (np.maximum(dpd, 0.0) / self.cure_halflife)

    # ------------------------------------------------------------------------------------------
    # Days
    # ------------------------------------------------------------------------------------------

    def begin_day(self, day: int) -> None:
        """Self-cure, reminders, then every account whose step ends today (after settlement, before ranking)."""
        self._place(day)
        self._return(day)
        if day % 7 == 0:
            self.placements.snapshot(self.reached, self.offers.in_plan)
        if self.legal is not None:  # cases ending today pay through the book
            self.legal.end_cases(day, self.book, lambda a, amount: self._pay(a, amount, LEGAL_CASE))
        self._self_cure(day)
        self.offers.send_reminders(day, self.messenger, self.opted_out)
        for a, version in self.agenda.pop(day, []):
            begins = version < 0  # a path begins (placed, moved): no step of it ends, a first wait is waited
            if (~version if begins else version) != self.version[a]:
                continue
            if not begins:
                if self.in_phone[a]:
                    if not self._end_phone(a, day):
                        continue
                elif self._waiting(a):
                    self.step[a] += 1
            self._run(a, day)
        if self.field is not None:
            self._field_day(day)

    def _place(self, day: int) -> None:
        """The accounts of batches placed today enter their paths (and may self-cure from now on)."""
        for a in self.placements.place(day):
            if self.path[a] != NO_PATH:
                self.agenda.setdefault(day, []).append((a, ~self.version[a]))

    def _return(self, day: int) -> None:
        """Accounts the placements send back to the client leave their paths."""
        for a in self.placements.take_back(day):
            self.in_phone[a] = False
            self.version[a] += 1

    def _waiting(self, a: int) -> bool:
        """Whether `a` sits on a wait step (its timer moves it on)."""
        p, i = self.path[a], self.step[a]
        return p != NO_PATH and i < len(self.steps[p]) and self.steps[p][i].kind == "wait"

    def _timer(self, a: int, day: int) -> None:
        self.version[a] += 1
        if day < self.n_days:
            self.agenda.setdefault(day, []).append((a, self.version[a]))

    def _end_phone(self, a: int, day: int) -> bool:
        """End the phone phase of `a` by its days; an attempt in flight ends it when released (False then)."""
        book = self.book
        if book.status[a] == IN_CALL:
            book.phase_left[a] = 1  # the release of the attempt in hand spends the phase
            return False
        self.in_phone[a] = False
        book.phase_left[a] = -1
        if book.status[a] == ACTIVE:
            book.status[a] = RESTING
        self.step[a] += 1
        return True

    def _run(self, a: int, day: int) -> None:
        """Take the steps of `a` from its current one until one lasts (a wait, a phone phase) or the path ends."""
        book = self.book
        p = self.path[a]
        taken = 0
        while True:
            status = book.status[a]
            if status in CLOSED or status == PROMISED:
                return
            steps = self.steps[p]
            if self.step[a] >= len(steps):
                if not self.paths[p].repeat or taken > len(steps):
                    self._rest(a)
                    return
                self.step[a] = 0
            step = steps[self.step[a]]
            taken += 1
            if not step.applies(book.balance[a]):
                self.step[a] += 1
                continue
            if step.kind == "wait":
                self._rest(a)
                self._timer(a, day + step.days)
                return
            if step.kind == "phone":
                if status in NO_PHONE:
                    self.step[a] += 1
                    continue
                book.status[a] = ACTIVE
                book.phase_left[a] = step.attempts or -1
                self.in_phone[a] = True
                if step.days:
                    self._timer(a, day + step.days)
                else:
                    self.version[a] += 1
                return
            if step.kind == "legal":
                if self.legal is not None and self.legal.take(a, day, book, self.rng):
                    self.in_phone[a] = False  # it leaves every other channel for good
                    self.version[a] += 1
                    return
                self.step[a] += 1
                continue
            if step.kind == "visit":
                if self.field is None or self.no_visit[a] or not self._selected(a, day):
                    self.step[a] += 1
                    continue
                self._rest(a)
                self.field.queue.append((a, self.version[a]))
                return
            channel = CHANNELS.index(step.kind)
            if not self.opted_out[a] & (1 << channel) and not (self.no_visit[a] and step.kind in POSTAL):
                self.messenger.send(a, channel, day)
            self.step[a] += 1

    def _rest(self, a: int) -> None:
        if self.book.status[a] == ACTIVE:
            self.book.status[a] = RESTING

    def _next_day(self, a: int) -> None:
        """Move `a` to its next step at the start of tomorrow."""
        self.step[a] += 1
        self._timer(a, int(self.env.now // DAY_S) + 1)

    # ------------------------------------------------------------------------------------------
    # What the book tells (`AccountBook.observer`)
    # ------------------------------------------------------------------------------------------

    def phase_spent(self, a: int) -> None:
        """The phone phase used its attempts (the book has set the account resting)."""
        if self.in_phone[a]:
            self.in_phone[a] = False
            self.book.phase_left[a] = -1
            self._next_day(a)

    def conversation(self, a: int, result: str) -> None:
        """A right-party conversation ended: a promise holds the path, a refusal ends the phone phase."""
        self.reached[a] = True
        self.book.follow_up[a] = False
        if result == "ptp":
            self.offers.shape(a)
        if result in ("ptp", "dispute"):
            self.version[a] += 1
            self.in_phone[a] = False
            self.book.phase_left[a] = -1
        elif result == "refusal" and self.in_phone[a]:
            self.in_phone[a] = False
            self.book.phase_left[a] = -1
            self._rest(a)
            self._next_day(a)

    def settled(self, a: int, kept: bool, paid_off: bool, amount: float) -> None:
        """A promise fell due: kept, the path goes on; broken, the account moves to the path's broken-promise path."""
        self.collected_of[a] += amount
        cause = self.promise_cause[a]
        day = int(self.env.now // DAY_S)
        self.placements.credit(a, day, amount)
        if kept and cause >= 0:
            self.collected[cause, day] += amount
        if self.offers.settled(a, kept, paid_off, day):
            return  # the plan goes on: the next instalment is booked
        self.promise_cause[a] = -1
        if paid_off or self.path[a] == NO_PATH:
            if self.path[a] == NO_PATH:
                self._rest(a)
            return
        if not kept and self.legal is not None:
            self.legal.broken[a] += 1
        if not kept and self.follow_up:
            self.book.follow_up[a] = True
        move = self.moving[a] if self.moving[a] != NO_PATH else (self.after_kept if kept else self.after_broken)[
            self.path[a]]
        self.moving[a] = NO_PATH
        if move != NO_PATH:
            self.path[a] = move
            self.step[a] = 0
        else:
            self.step[a] += 1
        self.version[a] += 1
        self._run(a, day)

    # ------------------------------------------------------------------------------------------
    # Responses and money without the dialer
    # ------------------------------------------------------------------------------------------

    def _respond(self, a: int, channel: int, kind: int, when: float) -> None:
        book = self.book
        if book.status[a] in CLOSED:
            return
        self.reached[a] = True
        if kind == OPT_OUT:
            self.opted_out[a] |= 1 << channel
            p = self.path[a]
            if p != NO_PATH and self.after_opt_out[p] != NO_PATH:
                self._move(a, self.after_opt_out[p])
        elif kind == PAY:
            if book.status[a] != IN_CALL:
                fraction = self.messenger.specs[channel].responses.pay_fraction
                self._pay(a, max(round(book.balance[a] * fraction, 2), 0.01), LINK_PAY)
        elif kind == PROMISE:
            if book.status[a] in (ACTIVE, RESTING, DO_NOT_CALL, UNREACHABLE):
                self._portal_promise(a, when)
        elif kind == CALL:
            self.debtors.call(a, when)

    def _move(self, a: int, p: int) -> None:
        """Move `a` to path `p` from its first step, tomorrow; an open promise holds the move until it falls due."""
        book = self.book
        if book.status[a] == PROMISED:
            self.moving[a] = p
            return
        if self.in_phone[a]:  # the phone phase ends now (an attempt in hand ends it when released)
            self.in_phone[a] = False
            book.phase_left[a] = 1 if book.status[a] == IN_CALL else -1
            self._rest(a)
        self.path[a] = p
        self.step[a] = 0
        self.version[a] += 1
        tomorrow = int(self.env.now // DAY_S) + 1
        if tomorrow < self.n_days:
            self.agenda.setdefault(tomorrow, []).append((a, ~self.version[a]))

    def _returned(self, a: int) -> None:
        """A registered letter came back undelivered: the address is wrong (no more post or visits)."""
        self.no_visit[a] = True

    def _pay(self, a: int, amount: float, cause: int) -> float:
        """A payment without a promise: into the dialer's collected money (recovery) and by cause; the amount paid."""
        book = self.book
        paid, paid_off = book.pay(a, amount)
        day = min(int(self.env.now // DAY_S), self.n_days - 1)
        c = self.dialer.counters
        c.amount_collected[day] += paid
        c.seg.collected[book.seg[a]] += paid
        if paid_off:
            c.paid_off[day] += 1
            self.version[a] += 1
            self.in_phone[a] = False
        self.collected[cause, day] += paid
        self.collected_of[a] += paid
        self.placements.credit(a, day, paid)
        return paid

    def _promised(self, cause: int, a: int) -> None:
        """A promise booked outside the dialer: its money counts to `cause` when kept."""
        self.promise_cause[a] = cause

    def _portal_promise(self, a: int, when: float) -> None:
        status = self.book.status[a]
        u_full, u_due, u_kept = self.rng.random(), self.rng.random(), self.rng.random()
        self.book.promise(a, when, None, u_full, u_due, u_kept, self.n_days)
        if status in (DO_NOT_CALL, UNREACHABLE):  # the promise does not make the number callable
            self.book.status[a] = PROMISED
        self.book.portal_promises += 1
        self.promise_cause[a] = PORTAL

    def _self_cure(self, day: int) -> None:
        u = self.rng.random(len(self.cure))
        if not self.cure.any():
            return
        status, placed = self.book.status, self.placements.placed
        for a in np.flatnonzero(u < self._cure_today(day)).tolist():
            if placed[a] and status[a] not in CLOSED and status[a] != IN_CALL:
                self._pay(a, self.book.balance[a], SELF_CURE)

    # ------------------------------------------------------------------------------------------
    # Home visits
    # ------------------------------------------------------------------------------------------

    def _visitable(self, a: int, version: int) -> bool:
        """Whether a queued account still waits at its visit step (not moved on, closed or promised)."""
        return version == self.version[a] and self.book.status[a] not in (*CLOSED, PROMISED)

    def _selected(self, a: int, day: int) -> bool:
        """Whether `a`, at a visit step today, passes the visit selection (else the step is skipped)."""
        field = self.field
        assert field is not None
        rule, book = field.spec.selection, self.book
        if book.balance[a] < rule.balance_min or book.dpd[a] + day < rule.dpd_min:
            return False
        if self.behaviour.percentile[a] < rule.score_percentile_min:
            return False
        if rule.failed_attempts_min:
            reached = self.reached[a] or book.had_rpc[a]
            return not reached and book.attempts_of[a] >= rule.failed_attempts_min
        return True

    def _visit_order(self, accounts: list[int]) -> list[int]:
        """The queued accounts in the selection's priority order (first come among equals)."""
        field = self.field
        assert field is not None
        priority, book = field.spec.selection.priority, self.book
        if priority == "queue" or not accounts:
            return accounts
        value = np.array([book.balance[a] for a in accounts]) if priority != "score" else np.ones(len(accounts))
        if priority in ("score", "expected_value"):
            value = value * np.array([book.score_lift[a] for a in accounts]) if book.score_lift is not None \
                else value
        if priority == "expected_value":
            value = value * np.array([self._visit_worth(a) for a in accounts])
        return [accounts[i] for i in np.argsort(-value, kind="stable").tolist()]

    def _visit_worth(self, a: int) -> float:
        """Share of the balance a visit brings, before the debtor's type: reached × (paid at once + kept promises)."""
        field = self.field
        assert field is not None
        seg = self.book.seg[a]
        o = field.segment_outcomes[seg]
        reached = 1.0 - o.nobody_home - o.wrong_address - o.third_party
        return reached * (o.pay * o.pay_fraction + o.promise * self.book.seg_kept[seg])

    def _field_day(self, day: int) -> None:
        """The field teams plan today's visits from the queue, in priority order; each acts at the visit's end."""
        field = self.field
        assert field is not None
        field.queue = [(a, v) for a, v in field.queue if self._visitable(a, v)]
        planned = field.plan(day, self._visit_order([a for a, _ in field.queue]))
        visited = {p.account for p in planned}
        for a in visited:
            self.visits_of[a] += 1
        field.queue = [(a, v) for a, v in field.queue if a not in visited]
        for p in planned:
            at = day * DAY_S + p.visit.end_s
            if at < self.env.now or at >= self.n_days * DAY_S:
                continue
            wake = partial(self._visited, p, day, self.version[p.account])
            self.env.timeout(at - self.env.now).callbacks.append(wake)

    def _visited(self, p: PlannedVisit, day: int, version: int, _event: simpy.Event) -> None:
        """A visit ended: book what it found and move the account on along its path."""
        field = self.field
        assert field is not None
        a, book = p.account, self.book
        u_door, u_reached, u_full, u_due, u_kept = p.draws
        if not self._visitable(a, version) or book.status[a] == IN_CALL:
            field.done(day, p, VOID)
            return
        outcome = field.outcome(p, book.lift[a], u_door, u_reached)
        field.done(day, p, outcome)
        if outcome >= PAID_ON_SPOT:
            self.reached[a] = True
        if outcome == WRONG_ADDRESS:
            self.no_visit[a] = True
        if outcome == PAID_ON_SPOT:
            fraction = field.segment_outcomes[book.seg[a]].pay_fraction
            self._pay(a, max(round(book.balance[a] * fraction, 2), 0.01), FIELD_VISIT)
            if book.status[a] in CLOSED:
                return
        elif outcome == DOOR_PROMISE:
            status = book.status[a]
            book.promise(a, self.env.now, None, u_full, u_due, u_kept, self.n_days)
            if status in NO_PHONE:  # the promise does not make the number callable
                book.status[a] = PROMISED
            self.promise_cause[a] = FIELD_VISIT
            self.version[a] += 1
            return
        elif outcome == DISPUTE:
            book.disputed(a)
            self.version[a] += 1
            return
        self._next_day(a)

    # ------------------------------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------------------------------

    def placed_campaign(self, outbound: OutboundSeries) -> OutboundSeries:
        """The campaign's portfolio totals counting only the accounts placed by the end of the run."""
        return self.placements.placed_campaign(outbound)

    def freeze(self) -> StrategySeries:
        """The run's strategy counters as plain arrays; money and effort by entry path and arm."""
        book, m, placements = self.book, self.messenger, self.placements
        entry = np.array(self.entry, dtype=np.int64)
        arm = np.array(self.arm, dtype=np.int64)
        balance = book.pf.balance
        collected = np.array(self.collected_of)
        cost = np.array(m.cost_of)
        attempts = np.array(book.attempts_of, dtype=np.int64)
        reached = np.array(self.reached) | np.array(book.had_rpc)
        k = len(self.paths)

        def by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
            ok = index >= 0
            return np.bincount(index[ok], weights=values[ok], minlength=size)

        ones = np.ones(len(entry))
        opted = np.array(self.opted_out, dtype=np.int64)
        series = StrategySeries(
            channel_names=CHANNELS, sent=m.sent, delivered=m.delivered, responses=m.responses,
            message_cost=m.cost, collected=self.collected, debtor_calls=self.debtors.calls,
            debtor_calls_handled=self.debtors.handled, debtor_promises=self.debtors.promises,
            path_names=tuple(p.name for p in self.paths),
            path_accounts=by(entry, ones, k).astype(np.int64), path_balance=by(entry, balance, k),
            path_collected=by(entry, collected, k), path_message_cost=by(entry, cost, k),
            path_attempts=by(entry, attempts.astype(float), k).astype(np.int64),
            path_rpc_accounts=by(entry, reached.astype(float), k).astype(np.int64),
            arm_accounts=by(arm, ones, len(ARMS)).astype(np.int64), arm_balance=by(arm, balance, len(ARMS)),
            arm_collected=by(arm, collected, len(ARMS)), arm_message_cost=by(arm, cost, len(ARMS)),
            arm_attempts=by(arm, attempts.astype(float), len(ARMS)).astype(np.int64),
            untreated=int((entry == NO_PATH).sum()),
            opted_out=np.array([int(((opted >> i) & 1).sum()) for i in range(len(CHANNELS))], dtype=np.int64),
            offers=dict(self.offers.counts), discount_given=self.offers.discount_given,
            batch_names=placements.batch_names, batch_day=placements.batch_day,
            batch_accounts=placements.by_batch_segment(np.ones(len(entry))).astype(np.int64),
            batch_balance=placements.by_batch_segment(balance), collected_by_batch=placements.collected_by_batch,
            status_by_week=placements.weeks(self.reached, self.offers.in_plan), roll=placements.roll,
            message_log=None if m.log is None else np.array(m.log, dtype=MESSAGE_LOG),
            account_collected=collected if self.record else None,
            path_visits=by(entry, np.array(self.visits_of, dtype=float), k).astype(np.int64),
        )
        legal = self.legal
        if legal is not None:
            series = replace(series, legal_handed=legal.handed, legal_resolved=legal.resolved,
                             legal_recovered=legal.recovered, legal_cost=legal.cost, legal_pending=legal.pending,
                             path_legal_cost=by(entry, np.array(legal.cost_of), k), legal_log=legal.log_array())
        field = self.field
        if field is None:  # the defaults: no visits
            return series
        log = np.array(field.log, dtype=FIELD_LOG)
        violations = np.array(field.auditor.violations if field.auditor is not None else [], dtype=np.int64)
        return replace(series, field_visits=field.visits, field_outcomes=field.outcomes, field_km=field.km,
                       field_cost=field.cost, field_log=log, field_violations=violations,
                       field_team_names=tuple(g.name for g in field.groups), field_team_visits=field.team_visits,
                       field_team_km=field.team_km, field_team_cost=field.team_cost,
                       field_busy_s=field.busy_s, field_paid_s=field.paid_s, field_bases=field.bases)
