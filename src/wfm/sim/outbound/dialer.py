"""The outbound dialer: wires accounts, selection, attempts, pacing and counters into SimPy callbacks.

Like the inbound ACD it is driven by event callbacks, never a process per call: an attempt
is one scheduled timeout (to its answer or hang-up), plus a `connect_wait_s` timer when a live
answer waits for an agent and a timeout for the conversation. How many lines to dial is the
pacer's business (`wfm.sim.outbound.pacing`, one class per mode, DESIGN §4); a live answer with
no agent free within `connect_wait_s` is dropped, and the drop-cap guard (`guard.py`) keeps the
regulatory window under its cap.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Sequence
from functools import partial

import numpy as np
import simpy

from wfm.scenario import DAY_S, HOUR_S, Scenario
from wfm.sim.agents import Agent, CallFloor
from wfm.sim.days import each_day
from wfm.sim.ledger import State
from wfm.sim.outbound.accounts import ACTIVE, IN_CALL, AccountBook, build_portfolio
from wfm.sim.outbound.attempts import (
    CALLBACK,
    NO_RESULT,
    PTP,
    AttemptDraws,
    CallKind,
    Draws,
    Line,
    Talking,
    conversation_result,
)
from wfm.sim.outbound.compliance import Auditor, ContactRules, LocalCalendar, account_packs
from wfm.sim.outbound.counters import Counters
from wfm.sim.outbound.pacing import make_pacer
from wfm.sim.outbound.pacing.base import HELD
from wfm.sim.outbound.pacing.estimates import LineStats
from wfm.sim.outbound.result import BUSY, DROPPED, INVALID, MACHINE, OUTCOMES, RPC_RESULTS, RULES, OutboundSeries
from wfm.sim.outbound.selection import NO_ACCOUNT, NO_RULE, Selector

NO_CONTACT = "no_contact"  # what an agent's line ended in when nobody reached them (for the stress model)
LOGGED_IN = (State.IDLE, State.BUSY, State.DIALING)  # on shift and not on a break: could take a line


class Dialer:
    """The outbound campaign of one run: the pieces, and the SimPy callbacks that move lines through them."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, floor: CallFloor, staff: Sequence[Agent],
                 dial_rng: np.random.Generator, accounts_rng: np.random.Generator, record: bool = False) -> None:
        """`staff` is every agent of the floor (hires join it during the run); the dialer only reads their state."""
        spec = scenario.outbound
        cal = scenario.calendar
        self.env = env
        self.spec = spec
        self.floor = floor
        self.staff = staff
        # By group, not by agent: hires arrive during the run with new agent ids.
        self.dialing_groups = frozenset(i for i, g in enumerate(scenario.groups) if g.kind != "inbound")
        self.n_days = cal.horizon_days
        self.draws = AttemptDraws(spec, dial_rng)
        self.acct = Draws(accounts_rng)  # account behaviour: conversation results, promises
        pf = build_portfolio(spec.portfolio, cal, accounts_rng)
        self.book = AccountBook(pf, spec.portfolio.segments, spec.conversation)
        # Rule packs: each account is held to its jurisdiction's, by a pack id per account.
        self.packs = spec.compliance.packs()
        pack_rules = [pack.rules for pack in self.packs]
        self.pack = account_packs(spec.compliance, pf.region_names, self.book.region)
        self.local_cal = LocalCalendar(pack_rules, cal.start_date, cal.horizon_days, pf.region_names)
        callback_delay_s = spec.conversation.callback_delay_h * HOUR_S
        self.contact_rules = ContactRules(pack_rules, pf.size, callback_delay_s, self.pack, cal.start_date.weekday())
        self.auditor = Auditor(self.packs, cal.start_date, cal.timezone, pf.tz_names, self.book.tz, callback_delay_s,
                               [pf.region_names[r] for r in self.book.region], cal.horizon_days)
        self.connect_wait_s = [spec.connect_wait_after_amd(pack.name) for pack in self.packs]  # by pack
        self.counters = Counters(cal.horizon_days * cal.intervals_per_day, cal.interval_s, cal.horizon_days,
                                 len(spec.portfolio.segments), record, len(self.packs))
        self.clock = pf.clock
        self.selector = Selector(self.book, pf.clock, self.contact_rules, self.local_cal,
                                 self.counters.blocked, self.pack)
        conv = spec.conversation
        total = conv.refusal + conv.dispute + conv.callback
        self.p_refusal = conv.refusal / total
        self.p_dispute = conv.dispute / total
        self.hour_curve = list(spec.attempts.live_by_hour)
        self.stats = LineStats(spec.attempts.answer_delay, spec.attempts.ring_timeout_s, self.draws.detection_s)
        self.pacer = make_pacer(spec, self.counters, self.stats, self.pack)
        self.admits = self.pacer.admission()  # with rule packs: the guard's check once the account is chosen

        # Agents and lines.
        self.pool: deque[tuple[Agent, int]] = deque()  # free agents offered to the dialer, with their idle token
        self.pooled: dict[int, int] = {}  # agent_id -> idle token while in the pool
        self.avail_since: dict[int, float] = {}  # agent_id -> since when they wait for a conversation
        self.in_conversation: dict[int, Talking] = {}
        self.lines_out = 0  # paced lines not yet resolved or connected
        self.ringing: deque[Line] = deque()  # paced lines in dial order; resolved ones are skipped
        self.waiting_lines: deque[Line] = deque()
        # Called each day after the promises are settled and before the accounts are ranked (a strategy).
        self.day_hooks: list[Callable[[int], None]] = []

    @property
    def now(self) -> float:
        """Simulated time (what a pacer reads)."""
        return self.env.now

    # ------------------------------------------------------------------------------------------
    # Days and the pacing clock
    # ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the day loop and the pacing clock."""
        self.env.process(each_day(self.env, self.n_days, self._begin_day))
        self.env.process(self._clock())

    def _begin_day(self, day: int) -> None:
        """Each day: promises fall due, the selection order is rebuilt, the dialer looks for work."""
        self._settle_promises(day)
        for hook in self.day_hooks:
            hook(day)
        self.selector.reset(self.book.rank(day, self.spec.selection.priority))
        self.pace()

    def _clock(self) -> Generator[simpy.Event, None, None]:
        """Adapt the pacing and retry dialing at a steady rhythm (nothing else may wake an idle dialer)."""
        env = self.env
        step = self.spec.dialer.adapt_every_s
        counters = self.counters
        closed_before = False  # the guard held at the last step and the dialer could not dial
        while True:
            yield env.timeout(step)
            now = env.now
            held = self.pacer.in_fallback
            could = held and self.could_dial(now)
            if could and not closed_before:  # a step that straddles an opening is not counted
                counters.book_fallback(max(now - step, self.pacer.fallback_since), now)
            closed_before = held and not could
            self.pacer.tick(self)
            counters.dial_level[counters.slot(env.now)] = self.pacer.dial_level()
            self.pace()

    def could_dial(self, now: float) -> bool:
        """Whether the dialer could dial now: the calling window open, an agent of a dialing group logged in.

        Logged in: idle, busy or dialing, and not due to leave for a break or the shift's end once
        the call in hand is over (such an agent takes no new line).

        What fallback time is counted against (`OutboundSeries.fallback_s`): the guard stays on
        through nights and breaks, when nobody could dial anyway. The window is checked first
        (a few zones): at night it spares the scan over the staff.
        """
        if not self.selector.window_open(now):
            return False
        groups = self.dialing_groups
        return any(a.state in LOGGED_IN and a.pause_request is None and a.entry.group_index in groups
                   for a in self.staff)

    def _settle_promises(self, day: int) -> None:
        """Book the promises due today: payments, broken promises, accounts paid off, the takers' credit."""
        c = self.counters
        for s in self.book.settle(day):
            c.promises_due[day] += 1
            c.seg.due[s.segment] += 1
            if not s.kept:
                c.promises_broken[day] += 1
                continue
            c.amount_collected[day] += s.amount
            c.seg.collected[s.segment] += s.amount
            c.seg.kept[s.segment] += 1
            c.promises_kept[day] += 1
            if s.taker is not None:
                self.floor.credit(s.taker, euros_collected=s.amount, kept_ptps=1)
            if s.paid_off:
                c.paid_off[day] += 1

    # ------------------------------------------------------------------------------------------
    # Agents
    # ------------------------------------------------------------------------------------------

    def agent_free(self, agent: Agent) -> None:
        """An agent is available to the dialer: take a waiting live line, or join the pool."""
        self.avail_since[agent.agent_id] = self.env.now
        while self.waiting_lines:
            line = self.waiting_lines.popleft()
            if line.waiting:
                line.waiting = False
                self._connect(line, agent)
                self.pacer.answer_taken(self)
                return
        self.pool.append((agent, agent.idle_token))
        self.pooled[agent.agent_id] = agent.idle_token
        self.pace()

    def is_pooled(self, agent: Agent) -> bool:
        """Whether the agent is idle in the dialer's pool (blending keeps a reserve outside it)."""
        return self.pooled.get(agent.agent_id) == agent.idle_token and agent.state is State.IDLE

    def free_agents(self) -> int:
        """Drop stale pool entries (agents who went to inbound, a break or home); count the rest."""
        idle = State.IDLE
        pool = self.pool
        for agent, token in pool:
            if agent.idle_token != token or agent.state is not idle:
                break
        else:
            return len(pool)  # nothing stale: the common case, no copy
        self.pool = deque((agent, token) for agent, token in pool if agent.idle_token == token and agent.state is idle)
        return len(self.pool)

    def free_agents_staying(self, horizon_s: float) -> int:
        """Pool agents still at the phones `horizon_s` from now: a paced line dialed now may need them then."""
        self.free_agents()  # drops the stale entries first
        until = self.env.now + horizon_s
        return sum(1 for agent, _ in self.pool if agent.leaves_at > until)

    def _take_agent(self) -> Agent | None:
        """The longest-waiting agent still idle in the pool, or None."""
        while self.pool:
            agent, token = self.pool.popleft()
            if agent.idle_token == token and agent.state is State.IDLE:
                self.pooled.pop(agent.agent_id, None)
                return agent
        return None

    # ------------------------------------------------------------------------------------------
    # Pacing: what the pacer may ask for
    # ------------------------------------------------------------------------------------------

    def pace(self) -> None:
        """Dial as many lines as the pacer calls for now."""
        self.pacer.pace(self)

    def _wake(self, event: simpy.Event) -> None:
        """An agent is about to become soon-free: look at the pacing again (not in fallback)."""
        if not self.pacer.in_fallback:
            self.pace()

    def dial_next(self) -> float | None:
        """Dial the next account on a paced line; its prior chance to reach an agent, None when nobody may be called."""
        a = self.selector.next_account(self.env.now, bound=False)
        if a == NO_ACCOUNT:
            return None
        if self.admits is not None and not self.admits(self.pack[a]):
            self.selector.put_back()
            return HELD
        return self._dial(a, None)

    def dial_bound(self, review_s: float, fallback: bool) -> bool:
        """Give the longest-waiting free agent a line of their own; False when no agent or account is left.

        With `review_s` > 0 the agent first reads the account (preview) and the dial comes after.
        `fallback` counts the attempt as one the drop-cap guard made bound.
        """
        if not self.pool:
            return False
        agent = self._take_agent()
        if agent is None:
            return False
        a = self.selector.next_account(self.env.now, bound=True)
        if a == NO_ACCOUNT:
            self.pool.appendleft((agent, agent.idle_token))
            self.pooled[agent.agent_id] = agent.idle_token
            return False
        agent.switch(State.DIALING)
        if fallback:
            self.counters.fallback_attempts[self.counters.slot(self.env.now)] += 1
        if review_s > 0:
            self.book.status[a] = IN_CALL  # reserved while the agent reads it
            self.env.timeout(review_s).callbacks.append(partial(self._after_review, a, agent))
        else:
            self._dial(a, agent)
        return True

    def _after_review(self, a: int, agent: Agent, event: simpy.Event) -> None:
        """The agent has read account `a`: dial it, unless the rules closed it meanwhile."""
        self.book.status[a] = ACTIVE
        rule = self.selector.blocking_rule(a, self.env.now, bound=True)
        if rule != NO_RULE:  # the window closed (or a cap was reached) while the agent read the account
            self.counters.blocked[self.pack[a] * len(RULES) + rule] += 1
            self.floor.finish_handling(agent, NO_CONTACT)
            return
        self._dial(a, agent)

    # ------------------------------------------------------------------------------------------
    # Attempts
    # ------------------------------------------------------------------------------------------

    def _dial(self, a: int, agent: Agent | None) -> float:
        """Dial account `a`; everything about the attempt but the agent's availability is drawn now.

        Returns the line's prior chance to reach an agent (what the pacing knows before it rings).
        """
        env = self.env
        now = env.now
        c = self.counters
        book = self.book
        slot = c.slot(now)
        real = self.clock.real(now)
        day, sec = self.clock.local_day(book.tz[a], real)
        phone = book.pick_phone(a)
        self.auditor.check(a, now, phone, agent is not None)
        self.contact_rules.record_attempt(a, real, day)
        book.status[a] = IN_CALL
        book.attempts_of[a] += 1
        c.attempts_dialed += 1
        c.pack_attempts[self.pack[a]] += 1
        seg = book.seg[a]
        c.seg.attempts[seg] += 1
        line = Line(a, agent, now, slot, day)
        line.phone = phone
        line.base = book.seg_contact[seg] * self.hour_curve[int(sec // 3600) % 24]
        prior = self.stats.prior(line.base)
        line.odds = prior / (1.0 - prior)
        if agent is None:
            self.lines_out += 1
            self.ringing.append(line)
            self.pacer.line_dialed(line)
        t = self.draws.ring(line, book.dead[a][phone], line.base, book.seg_rpc[seg])
        if line.live or line.outcome == MACHINE:
            line.pickup = now + t - self.draws.detection_s
        if line.outcome == INVALID:
            book.known_dead[a][phone] = True
        elif line.amd_drop:
            c.amd_fp[slot] += 1
        c.ring_s[slot] += t
        if c.record:
            line.log_index = c.log_attempt(now, a, sec, self.local_cal.weekday(day), day, phone, agent is not None,
                                           line.pickup)
        env.timeout(t).callbacks.append(partial(self._answered if line.to_agent else self._ended, line))
        return prior

    def _close(self, line: Line) -> None:
        """Count the attempt's outcome (in the interval it was dialed in)."""
        c = self.counters
        now = self.env.now
        c.outcomes[line.slot][line.outcome] += 1
        if line.live:
            day = min(int(now // DAY_S), self.n_days - 1)
            seg = self.book.seg[line.account]
            c.day_live[day] += 1
            c.seg.live[seg] += 1
            by_pack = c.n_packs > 1  # with one pack, its lists are the campaign's
            if by_pack:
                c.pack_day_live[self.pack[line.account]][day] += 1
            dropped = line.outcome == DROPPED
            self.pacer.live_closed(dropped, line.amd_drop)
            if dropped:
                c.day_dropped[day] += 1
                if by_pack:
                    c.pack_day_dropped[self.pack[line.account]][day] += 1
                c.seg.dropped[seg] += 1
                self.contact_rules.record_drop(line.account, self.clock.real(now))
                self.auditor.drop(line.account, now)
                self.pacer.drop_seen(self)
        if c.record:
            c.log["outcome"][line.log_index] = line.outcome
            c.log["end"][line.log_index] = now

    def _ended(self, line: Line, event: simpy.Event) -> None:
        """The attempt ended without needing an agent (no answer, busy, invalid, AMD hang-up)."""
        self.stats.learn(line, False, self.env.now)
        self._note_ending(line)
        self._close(line)
        self.book.release(line.account)
        if line.agent is not None:
            # The agent keeps waiting for a conversation: their wait runs on from when it began.
            since = self.avail_since.get(line.agent.agent_id, self.env.now)
            self.floor.finish_handling(line.agent, NO_CONTACT)
            self.avail_since[line.agent.agent_id] = since
        else:
            self.lines_out -= 1
            self.pacer.line_resolved(line)
            self.pace()

    def _note_ending(self, line: Line) -> None:
        """What the rules learn from an attempt ended without an agent: not connected (Reg F), a machine (Ofcom)."""
        a, now = line.account, self.env.now
        if line.outcome in (BUSY, INVALID):
            self.contact_rules.unconnected(a, self.clock.real(line.dialed))
            self.auditor.unconnected(a, line.dialed)
        elif line.outcome == MACHINE:  # ended without an agent: AMD recognised it and hung up
            self.contact_rules.record_amd(a, line.phone, self.clock.real(now))
            self.auditor.machine(a, line.phone, now)
            if self.counters.record:
                self.counters.log["detected"][line.log_index] = 1

    def _answered(self, line: Line, event: simpy.Event) -> None:
        """Someone (or an undetected machine) answered: connect an agent within `connect_wait_s` or drop."""
        self.stats.learn(line, True, self.env.now)
        if line.agent is not None:
            self._connect(line, line.agent)
            return
        self.lines_out -= 1
        self.pacer.line_resolved(line)
        agent = self._take_agent()
        if agent is not None:
            self._connect(line, agent)
            return
        line.waiting = True
        self.waiting_lines.append(line)
        wait = self.connect_wait_s[self.pack[line.account]]
        self.env.timeout(wait).callbacks.append(partial(self._give_up, line))

    def _give_up(self, line: Line, event: simpy.Event) -> None:
        """No agent came within `connect_wait_s`: a live person is dropped, a machine hung up on."""
        if not line.waiting:
            return
        line.waiting = False
        self.waiting_lines.remove(line)
        if line.live:
            line.outcome = DROPPED  # a live person with no agent: abandoned by the dialer
        self._close(line)
        self.book.release(line.account)
        self.pace()

    # ------------------------------------------------------------------------------------------
    # Conversations
    # ------------------------------------------------------------------------------------------

    def _connect(self, line: Line, agent: Agent) -> None:
        """Put the answered line through to `agent`: draw the talk (and the result of an RPC now)."""
        now = self.env.now
        c = self.counters
        slot = c.slot(now)
        agent.switch(State.BUSY)
        c.connects[slot] += 1
        if line.live:
            self.auditor.silence(line.account, line.pickup, now)
        if c.record:
            c.log["connect"][line.log_index] = now
        c.agent_wait_s[slot] += now - self.avail_since.get(agent.agent_id, now)
        talk = self.draws.talk(line.outcome, agent)
        result = NO_RESULT
        if talk.kind == CallKind.RPC:
            p_ptp = self.book.ptp_chance(line.account, int(now // DAY_S)) * agent.conversion_factor()
            result = conversation_result(self.acct.u(), p_ptp, self.p_refusal, self.p_dispute)
        self.in_conversation[agent.agent_id] = Talking(now, now + talk.talk_s, talk.kind)
        wake = self.pacer.look_again_after(talk.talk_s)
        if wake is not None:
            self.env.timeout(wake).callbacks.append(self._wake)
        hang_up = partial(self._hang_up, line, agent, result, talk.talk_s, talk.acw_s)
        self.env.timeout(talk.talk_s + talk.acw_s).callbacks.append(hang_up)

    def _hang_up(self, line: Line, agent: Agent, result: int, talk_s: float, acw_s: float, event: simpy.Event) -> None:
        """The conversation and its wrap-up are over: book them and free the agent.

        `result` indexes RPC_RESULTS (NO_RESULT when the call was not a right-party conversation).
        """
        now = self.env.now
        c = self.counters
        slot = c.slot(now)
        c.handled[slot] += 1
        c.talk_s[slot] += talk_s
        c.acw_s[slot] += acw_s
        agent.calls_handled += 1
        self.in_conversation.pop(agent.agent_id, None)
        self._close(line)
        self.book.release(line.account)
        outcome = OUTCOMES[line.outcome]
        if result != NO_RESULT:
            outcome = RPC_RESULTS[result]
            self._conversation_result(line, agent, result, now)
        self.floor.finish_handling(agent, outcome)

    def _conversation_result(self, line: Line, agent: Agent, result: int, now: float) -> None:
        """Book a right-party conversation and act on its result (promise, refusal, dispute, callback)."""
        a = line.account
        book, c = self.book, self.counters
        seg = book.seg[a]
        c.rpc_results[line.slot][result] += 1
        callback = result == CALLBACK
        self.contact_rules.record_rpc(a, self.clock.real(now), line.local_day, callback)
        self.auditor.rpc(a, now, callback)
        if c.record:
            c.log["result"][line.log_index] = result
        c.seg.rpc[seg] += 1
        if not book.had_rpc[a]:
            book.had_rpc[a] = True
            c.first_rpc[line.slot] += 1
        if result == PTP:
            c.seg.ptp[seg] += 1
            u_full, u_due, u_kept = self.acct.u(), self.acct.u(), self.acct.u()
            promise = book.promise(a, now, agent, u_full, u_due, u_kept, self.n_days)
            if promise.full:
                c.ptp_full[line.slot] += 1
            c.amount_promised[min(int(now // DAY_S), self.n_days - 1)] += promise.amount
        else:
            book.answered_without_promise(a, RPC_RESULTS[result], now)

    # ------------------------------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------------------------------

    def freeze(self) -> OutboundSeries:
        """The campaign's counters as a plain result."""
        return self.counters.freeze(self.spec.dialer.mode, self.packs, self.book, self.pack,
                                    tuple(s.name for s in self.spec.portfolio.segments), self.auditor.violations)
