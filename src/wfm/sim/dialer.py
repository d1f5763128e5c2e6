"""The outbound dialer: account selection, dial attempts, pacing, connects and drops, promises.

Like the inbound ACD it is driven by event callbacks, never a process per call: an attempt
is one scheduled timeout (to its answer or hang-up), plus a 2-second timer when a live
answer waits for an agent and a timeout for the conversation.

Modes (DESIGN §4):
- preview: a free agent is given an account, reviews it for `preview_s`, then the line is
  dialed for them and they listen to it ring.
- progressive: a free agent gets one line at once and listens to it ring; no drops possible.
- power: `lines_per_agent` lines per free agent, not bound to an agent: a live answer takes
  the longest-waiting free agent or, after `connect_wait_s`, is dropped.
- predictive: lines = dial level × (free + soon-free agents); the level adapts to the
  observed drop rate toward the target, clamped to [1, min(max_level, 1 / hit rate)].
A drop-rate guard falls back to one bound line per agent while the regulatory window's
drop rate is near its cap, so the cap holds whatever the pacing does.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import simpy

from wfm.scenario import DAY_S, Duration, Scenario
from wfm.sim.agents import Agent, Floor
from wfm.sim.compliance import DROP_CAP, Auditor, ContactRules, LocalCalendar
from wfm.sim.ledger import State
from wfm.sim.outbound_result import (
    BUSY,
    DROPPED,
    INVALID,
    MACHINE,
    NO_ANSWER,
    OUTCOMES,
    RPC,
    RPC_RESULTS,
    RULES,
    THIRD_PARTY,
    AttemptLog,
    OutboundSeries,
    SegmentTable,
)
from wfm.sim.portfolio import PortfolioArrays, build_portfolio
from wfm.sim.sampling import lognormal_params

# Account status
ACTIVE, IN_CALL, PROMISED, PAID, DO_NOT_CALL, DISPUTED, UNREACHABLE = range(7)
PTP, REFUSAL, DISPUTE, CALLBACK = range(len(RPC_RESULTS))
RECHECK_S = 120.0  # when no account may be called, look again this much later
GUARD = 0.9  # fall back to bound lines when the window drop rate reaches 90% of the cap
MIN_LIVE = 100  # the guard's drop rate counts at least this many live answers
EWMA_WEIGHT = 1 / 300  # recent drop rate: about the last 300 live answers


class Draws:
    """Uniform and standard-normal draws from one stream, taken in blocks for speed."""

    def __init__(self, rng: np.random.Generator, block: int = 8192) -> None:
        self.rng = rng
        self.block = block
        self._u: list[float] = []
        self._z: list[float] = []

    def u(self) -> float:
        """One uniform on [0, 1)."""
        if not self._u:
            self._u = self.rng.random(self.block).tolist()
        return self._u.pop()

    def z(self) -> float:
        """One standard normal."""
        if not self._z:
            self._z = self.rng.standard_normal(self.block).tolist()
        return self._z.pop()

    def duration(self, spec: Duration) -> float:
        """A duration from `spec`, always using one normal and one uniform (keeps the stream aligned)."""
        z, u = self.z(), self.u()
        if spec.distribution == "fixed":
            return spec.mean_s
        if spec.distribution == "exponential":
            return -spec.mean_s * math.log(1.0 - u)
        mu, sigma = lognormal_params(spec.mean_s, spec.cv)
        return math.exp(mu + sigma * z)


class Line:
    """One dial attempt in progress."""

    __slots__ = ("account", "agent", "dialed", "slot", "outcome", "live", "waiting", "local_day", "log_index",
                 "wait_from", "amd_drop")

    def __init__(self, account: int, agent: Agent | None, dialed: float, slot: int, local_day: int) -> None:
        self.account = account
        self.agent = agent
        self.dialed = dialed
        self.slot = slot
        self.outcome = NO_ANSWER
        self.live = False
        self.waiting = False
        self.local_day = local_day
        self.log_index = -1
        self.wait_from = 0.0
        self.amd_drop = False


class Dialer:
    """The outbound campaign of one run: portfolio state, rules, pacing and counters."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, floor: Floor, dial_rng: np.random.Generator,
                 accounts_rng: np.random.Generator, record: bool = False) -> None:
        spec = scenario.outbound
        cal = scenario.calendar
        self.env = env
        self.spec = spec
        self.floor = floor
        self.cal = cal
        self.mode = spec.dialer.mode
        self.draw = Draws(dial_rng)
        self.acct = Draws(accounts_rng)
        self.pf: PortfolioArrays = build_portfolio(spec.portfolio, cal, accounts_rng)
        self.segments = spec.portfolio.segments
        n = self.pf.size
        self.n = n
        self.rules = spec.compliance.rules()
        self.local_cal = LocalCalendar(self.rules, cal.start_date, cal.holidays)
        self.contact_rules = ContactRules(self.rules, n)
        self.auditor = Auditor(self.rules, self.local_cal)
        self.interval_s = cal.interval_s
        self.n_intervals = cal.horizon_days * cal.intervals_per_day
        self.n_days = cal.horizon_days

        # Per-account live state as Python lists: scalar access is several times faster than numpy.
        self.status = [DO_NOT_CALL if d else ACTIVE for d in self.pf.do_not_call.tolist()]
        self.balance = self.pf.balance.tolist()
        self.seg = self.pf.segment.tolist()
        self.tz = self.pf.tz.tolist()
        self.dpd = self.pf.dpd.tolist()
        self.phones = self.pf.phones.tolist()
        self.dead = self.pf.dead_number.tolist()
        self.known_dead = [[False] * len(row) for row in self.dead]
        self.next_phone = [0] * n
        self.next_ok = [0.0] * n
        self.attempts_of = [0] * n
        self.had_rpc = [False] * n
        self.promise_amount = [0.0] * n
        self.promise_kept = [False] * n
        self.promise_agent: list[Agent | None] = [None] * n  # who took the promise: credited when it is kept
        self.due: dict[int, list[int]] = {}
        self.offsets = self.pf.offset_s.tolist()
        self.seg_contact = [s.contact for s in self.segments]
        self.seg_rpc = [s.right_party for s in self.segments]
        self.seg_ptp = [s.ptp for s in self.segments]
        self.seg_half = [s.ptp_halflife_days for s in self.segments]
        self.seg_kept = [s.kept for s in self.segments]
        self.seg_full = [s.full_payment for s in self.segments]
        conv = spec.conversation
        total = conv.refusal + conv.dispute + conv.callback
        self.p_refusal = conv.refusal / total
        self.p_dispute = conv.dispute / total
        self.hour_curve = list(spec.attempts.live_by_hour)

        # Selection order, rebuilt every day.
        self.order: list[int] = []
        self.cursor = 0
        self.exhausted_until = -math.inf

        # Agents and lines.
        self.pool: deque[tuple[Agent, int]] = deque()  # free agents offered to the dialer
        self.pooled: dict[int, int] = {}  # agent_id -> idle token while in the pool
        self.avail_since: dict[int, float] = {}
        self.in_conversation: dict[int, float] = {}  # agent_id -> end of talk (soon-free estimate)
        self.lines_out = 0  # unbound lines not yet resolved or connected
        self.waiting_lines: deque[Line] = deque()
        d = spec.dialer
        fixed = d.fixed_level or (d.lines_per_agent if self.mode == "power" else 0.0)
        self.fixed_level = fixed
        self.level = fixed or d.initial_level
        self.hit_rate = 0.25  # prior of live-or-machine-to-agent answers per line; learned as the run goes
        self.drop_ewma = 0.0
        self.amd_ewma = 0.0
        self.fallback = False

        # Counters.
        ni, nd, ns = self.n_intervals, self.n_days, len(self.segments)
        self.outcomes = [[0] * len(OUTCOMES) for _ in range(ni)]
        self.amd_fp = [0] * ni
        self.rpc_results = [[0] * len(RPC_RESULTS) for _ in range(ni)]
        self.ptp_full = [0] * ni
        self.first_rpc = [0] * ni
        self.handled = [0] * ni
        self.talk_s = [0.0] * ni
        self.acw_s = [0.0] * ni
        self.connects = [0] * ni
        self.agent_wait_s = [0.0] * ni
        self.ring_s = [0.0] * ni
        self.dial_level = [math.nan] * ni
        self.fallback_attempts = [0] * ni
        self.promises_due = [0] * nd
        self.promises_kept = [0] * nd
        self.promises_broken = [0] * nd
        self.amount_promised = [0.0] * nd
        self.amount_collected = [0.0] * nd
        self.paid_off = [0] * nd
        self.day_live = [0] * nd
        self.day_dropped = [0] * nd
        self.blocked = [0] * len(RULES)
        self.blocked_mark = [-1] * n
        self.seg_counts = {k: [0.0] * ns for k in ("attempts", "live", "dropped", "rpc", "ptp", "due", "kept",
                                                   "collected")}
        self.min_balance = float(self.pf.balance.min()) if n else 0.0
        self.attempts_dialed = 0
        self.record = record
        self.log: dict[str, list[float]] = {k: [] for k in AttemptLog.__dataclass_fields__}

    # ------------------------------------------------------------------------------------------
    # Days: promises fall due, the selection order is rebuilt
    # ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the day loop and the pacing clock."""
        self.env.process(self._days())
        self.env.process(self._clock())

    def _days(self):  # type: ignore[no-untyped-def]
        env = self.env
        for day in range(self.n_days):
            if day * DAY_S > env.now:
                yield env.timeout(day * DAY_S - env.now)
            self._settle_promises(day)
            self._rebuild_order(day)
            self.pace()

    def _clock(self):  # type: ignore[no-untyped-def]
        """Adapt the dial level and retry pacing at a steady rhythm (nothing else may wake the dialer)."""
        env = self.env
        step = self.spec.dialer.adapt_every_s
        while True:
            yield env.timeout(step)
            if self.mode == "predictive" and not self.fixed_level:
                self._adapt()
            slot = min(int(env.now // self.interval_s), self.n_intervals - 1)
            self.dial_level[slot] = 1.0 if self.fallback else self.level
            self.pace()

    def _settle_promises(self, day: int) -> None:
        """Promises due today are paid (kept) or broken; either way the account leaves PROMISED."""
        for a in self.due.pop(day, []):
            seg = self.seg[a]
            self.promises_due[day] += 1
            self.seg_counts["due"][seg] += 1
            if self.promise_kept[a]:
                amount = min(self.promise_amount[a], self.balance[a])
                self.balance[a] -= amount
                self.amount_collected[day] += amount
                self.seg_counts["collected"][seg] += amount
                self.seg_counts["kept"][seg] += 1
                self.promises_kept[day] += 1
                taker = self.promise_agent[a]
                if taker is not None:
                    self.floor.credit(taker, euros_collected=amount, kept_ptps=1)
                self.min_balance = min(self.min_balance, self.balance[a])
                if self.balance[a] <= 0.005:
                    self.status[a] = PAID
                    self.paid_off[day] += 1
                    continue
            else:
                self.promises_broken[day] += 1
            self.status[a] = ACTIVE

    def _rebuild_order(self, day: int) -> None:
        """Sort the callable accounts by the configured priority (highest first)."""
        status = np.array(self.status)
        alive = np.flatnonzero((status == ACTIVE) | (status == PROMISED) | (status == IN_CALL))
        balance = np.array(self.balance)[alive]
        seg = self.pf.segment[alive]
        ptp = np.array(self.seg_ptp)[seg] * 0.5 ** ((self.pf.dpd[alive] + day) / np.array(self.seg_half)[seg])
        value = balance * ptp * np.array(self.seg_kept)[seg]
        priority = self.spec.selection.priority
        if priority == "expected_value":
            keys: tuple[np.ndarray, ...] = (-value,)
        elif priority == "oldest_dpd":
            keys = (-value, -self.pf.dpd[alive])
        else:
            keys = (-value, np.array(self.attempts_of)[alive])
        self.order = alive[np.lexsort(keys)].tolist()
        self.cursor = 0
        self.exhausted_until = -math.inf

    # ------------------------------------------------------------------------------------------
    # Account selection under the rules
    # ------------------------------------------------------------------------------------------

    def _local(self, a: int, now: float) -> tuple[int, float]:
        """(local day, local seconds after midnight) of account `a` at center time `now`."""
        t = now + self.offsets[self.tz[a]][int(now // DAY_S) + 1]
        day = int(t // DAY_S)
        return day, t - day * DAY_S

    def next_account(self) -> int:
        """The highest-priority account the rules allow calling now, or -1 (then wait RECHECK_S)."""
        now = self.env.now
        if now < self.exhausted_until or not self.order:
            return -1
        order, status, next_ok = self.order, self.status, self.next_ok
        n = len(order)
        rules = self.contact_rules
        closed = self.local_cal.closed_rule
        zone_state: dict[int, tuple[int, float, int]] = {}
        for _ in range(n):
            a = order[self.cursor]
            self.cursor += 1
            if self.cursor == n:
                self.cursor = 0
            if status[a] != ACTIVE or next_ok[a] > now:
                continue
            zone = self.tz[a]
            state = zone_state.get(zone)
            if state is None:
                day, sec = self._local(a, now)
                state = zone_state[zone] = (day, sec, closed(day, sec))
            day, sec, rule = state
            if rule < 0:
                rule = rules.account_rule(a, now, day)
            if rule >= 0:
                mark = day * 16 + rule
                if self.blocked_mark[a] != mark:  # count each account once per local day and rule
                    self.blocked_mark[a] = mark
                    self.blocked[rule] += 1
                continue
            return a
        self.exhausted_until = now + RECHECK_S
        return -1

    # ------------------------------------------------------------------------------------------
    # Agents
    # ------------------------------------------------------------------------------------------

    def agent_free(self, agent: Agent) -> None:
        """An agent is available to the dialer: take a waiting live line, or join the pool."""
        now = self.env.now
        self.avail_since[agent.agent_id] = now
        while self.waiting_lines:
            line = self.waiting_lines.popleft()
            if line.waiting:
                line.waiting = False
                self._connect(line, agent)
                return
        self.pool.append((agent, agent.idle_token))
        self.pooled[agent.agent_id] = agent.idle_token
        self.pace()

    def is_pooled(self, agent: Agent) -> bool:
        """Whether the agent is idle in the dialer's pool (blending keeps a reserve outside it)."""
        return self.pooled.get(agent.agent_id) == agent.idle_token and agent.state is State.IDLE

    def _free_agents(self) -> int:
        """Drop stale pool entries (agents who went to inbound, a break or home); count the rest."""
        valid = deque(
            (agent, token) for agent, token in self.pool if agent.idle_token == token and agent.state is State.IDLE
        )
        self.pool = valid
        return len(valid)

    def _take_agent(self) -> Agent | None:
        while self.pool:
            agent, token = self.pool.popleft()
            if agent.idle_token == token and agent.state is State.IDLE:
                self.pooled.pop(agent.agent_id, None)
                return agent
        return None

    def _soon_free(self) -> int:
        """Agents expected to be free by the time a line dialed now is answered.

        The dialer sees when an agent starts wrap-up and knows the mean wrap-up time, so an
        agent counts when the expected end of wrap-up is within the mean answer delay.
        """
        if not self.in_conversation:
            return 0
        horizon = self.env.now + self.spec.attempts.answer_delay.mean_s - self.spec.conversation.acw.mean_s
        return sum(1 for talk_end in self.in_conversation.values() if talk_end <= horizon)

    # ------------------------------------------------------------------------------------------
    # Pacing
    # ------------------------------------------------------------------------------------------

    def pace(self) -> None:
        """Dial as many lines as the mode calls for now."""
        if self.mode in ("preview", "progressive") or self.fallback:
            self._pace_bound()
            return
        free = self._free_agents()
        available = free + (self._soon_free() if self.mode == "predictive" and not self.fixed_level else 0)
        if available == 0:
            return  # nobody to talk to: never dial into the void
        level = self.level
        if not self.fixed_level:
            level = min(level, max(1.0, 1.0 / max(self.hit_rate, 1e-3)))
        wanted = int(level * available + 1e-9) - self.lines_out - len(self.waiting_lines)
        for _ in range(wanted):
            a = self.next_account()
            if a < 0:
                return
            self._dial(a, None)

    def _pace_bound(self) -> None:
        """One line per free agent, bound to that agent (preview, progressive, drop-cap fallback)."""
        while self.pool:
            agent = self._take_agent()
            if agent is None:
                return
            a = self.next_account()
            if a < 0:
                self.pool.appendleft((agent, agent.idle_token))
                self.pooled[agent.agent_id] = agent.idle_token
                return
            agent.switch(State.DIALING)
            if self.fallback and self.mode in ("power", "predictive"):
                self.fallback_attempts[self._slot()] += 1
            if self.mode == "preview" and self.spec.dialer.preview_s > 0:
                self.status[a] = IN_CALL  # reserved while the agent reads it
                timer = self.env.timeout(self.spec.dialer.preview_s, (a, agent))
                timer.callbacks.append(self._after_preview)
            else:
                self._dial(a, agent)

    def _after_preview(self, event: simpy.Event) -> None:
        a, agent = event.value
        self.status[a] = ACTIVE
        now = self.env.now
        day, sec = self._local(a, now)
        rule = self.local_cal.closed_rule(day, sec)
        if rule < 0:
            rule = self.contact_rules.account_rule(a, now, day)
        if rule >= 0:  # the window closed (or a cap was reached) while the agent read the account
            self.blocked[rule] += 1
            self.floor.finish_handling(agent, "no_contact")
            return
        self._dial(a, agent)

    def _slot(self) -> int:
        return min(int(self.env.now // self.interval_s), self.n_intervals - 1)

    def _adapt(self) -> None:
        """Move the dial level toward the target drop rate (multiplicative P-controller on the recent rate)."""
        d = self.spec.dialer
        target = max(d.target_drop_rate - self.amd_ewma, 0.1 * d.target_drop_rate)
        error = (target - self.drop_ewma) / target
        error = max(-3.0, min(1.0, error))
        self.level = min(d.max_level, max(1.0, self.level * math.exp(d.gain * error)))
        self._check_guard()

    def window_drop_rate(self, min_live: int = 0) -> float:
        """Dropped / live answers over the regulatory window ending now (calendar days).

        `min_live` floors the denominator, so that the guard does not react to the first
        drop of a window as if it were a 100% rate.
        """
        day = min(int(self.env.now // DAY_S), self.n_days - 1)
        first = max(0, day - self.rules.drop_window_days + 1)
        live = max(sum(self.day_live[first:day + 1]), min_live)
        return sum(self.day_dropped[first:day + 1]) / live if live else 0.0

    def _check_guard(self) -> None:
        """Fall back to bound lines near the drop cap; return to pacing well below it."""
        if self.mode not in ("power", "predictive"):
            return
        rate = self.window_drop_rate(MIN_LIVE)
        cap = self.rules.drop_cap
        if not self.fallback and rate >= GUARD * cap:
            self.fallback = True
            self.blocked[DROP_CAP] += 1
        elif self.fallback and rate < min(self.spec.dialer.target_drop_rate, 0.8 * cap):
            self.fallback = False

    # ------------------------------------------------------------------------------------------
    # Attempts
    # ------------------------------------------------------------------------------------------

    def _dial(self, a: int, agent: Agent | None) -> None:
        """Dial account `a`; everything about the attempt but the agent's availability is drawn now."""
        env = self.env
        now = env.now
        slot = self._slot()
        day, sec = self._local(a, now)
        self.auditor.check(a, now, day, sec)
        self.contact_rules.record_attempt(a, now, day)
        self.status[a] = IN_CALL
        self.attempts_of[a] += 1
        self.attempts_dialed += 1
        seg = self.seg[a]
        self.seg_counts["attempts"][seg] += 1
        line = Line(a, agent, now, slot, day)
        if agent is None:
            self.lines_out += 1
        phones = self.phones[a]
        dead_known = self.known_dead[a]
        phone = self.next_phone[a]
        for k in range(phones):
            phone = (self.next_phone[a] + k) % phones
            if not dead_known[phone]:
                break
        self.next_phone[a] = (phone + 1) % phones
        draw = self.draw
        u_busy, u_pick, u_machine, u_amd, u_party = draw.u(), draw.u(), draw.u(), draw.u(), draw.u()
        att, amd = self.spec.attempts, self.spec.amd
        delay = draw.duration(att.answer_delay)
        to_agent = False
        if self.dead[a][phone]:
            line.outcome, t = INVALID, att.invalid_s
            dead_known[phone] = True
        elif u_busy < att.busy:
            line.outcome, t = BUSY, att.busy_s
        elif u_pick < self.seg_contact[seg] * self.hour_curve[int(sec // 3600) % 24] and delay < att.ring_timeout_s:
            machine = u_machine < att.machine
            t = delay + (amd.detection_s if amd.enabled else 0.0)
            if machine:
                line.outcome = MACHINE
                to_agent = not (amd.enabled and u_amd < amd.true_detection)
            else:
                line.live = True
                if amd.enabled and u_amd < amd.false_positive:
                    line.outcome = DROPPED
                    line.amd_drop = True
                    self.amd_fp[slot] += 1
                else:
                    to_agent = True
                    line.outcome = RPC if u_party < self.seg_rpc[seg] else THIRD_PARTY
        else:
            line.outcome, t = NO_ANSWER, att.ring_timeout_s
        self.ring_s[slot] += t
        if self.record:
            line.log_index = len(self.log["time"])
            for key, value in (("time", now), ("account", a), ("outcome", -1), ("local_s", sec),
                               ("local_weekday", self.local_cal.weekday(day)), ("local_day", day), ("end", math.nan)):
                self.log[key].append(value)
        self.hit_rate += 0.002 * ((1.0 if to_agent else 0.0) - self.hit_rate)
        timer = env.timeout(t, line)
        timer.callbacks.append(self._answered if to_agent else self._ended)

    def _release_account(self, line: Line) -> None:
        a = line.account
        if self.status[a] == IN_CALL:
            dead = self.dead[a]
            known = self.known_dead[a]
            unreachable = all(known[p] for p in range(self.phones[a])) and all(dead[p] for p in range(self.phones[a]))
            self.status[a] = UNREACHABLE if unreachable else ACTIVE

    def _close(self, line: Line) -> None:
        """Count the attempt's outcome (in the interval it was dialed in)."""
        self.outcomes[line.slot][line.outcome] += 1
        if line.live:
            day = min(int(self.env.now // DAY_S), self.n_days - 1)
            self.day_live[day] += 1
            self.seg_counts["live"][self.seg[line.account]] += 1
            dropped = line.outcome == DROPPED
            # The pacing controls only drops for want of an agent; AMD false positives eat into its target.
            fp = line.amd_drop
            self.drop_ewma += EWMA_WEIGHT * ((1.0 if dropped and not fp else 0.0) - self.drop_ewma)
            self.amd_ewma += EWMA_WEIGHT * ((1.0 if fp else 0.0) - self.amd_ewma)
            if dropped:
                self.day_dropped[day] += 1
                self.seg_counts["dropped"][self.seg[line.account]] += 1
                self.contact_rules.record_drop(line.account, self.env.now)
                self.auditor.drop(line.account, self.env.now)
                self._check_guard()
        if self.record:
            self.log["outcome"][line.log_index] = line.outcome
            self.log["end"][line.log_index] = self.env.now

    def _ended(self, event: simpy.Event) -> None:
        """The attempt ended without needing an agent (no answer, busy, invalid, AMD hang-up)."""
        line: Line = event.value
        self._close(line)
        self._release_account(line)
        if line.agent is not None:
            # The agent keeps waiting for a conversation: their wait runs on from when it began.
            since = self.avail_since.get(line.agent.agent_id, self.env.now)
            self.floor.finish_handling(line.agent, "no_contact")
            self.avail_since[line.agent.agent_id] = since
        else:
            self.lines_out -= 1
            self.pace()

    def _answered(self, event: simpy.Event) -> None:
        """Someone (or an undetected machine) answered: connect an agent within `connect_wait_s` or drop."""
        line: Line = event.value
        if line.agent is not None:
            self._connect(line, line.agent)
            return
        self.lines_out -= 1
        agent = self._take_agent()
        if agent is not None:
            self._connect(line, agent)
            return
        line.waiting = True
        line.wait_from = self.env.now
        self.waiting_lines.append(line)
        timer = self.env.timeout(self.spec.dialer.connect_wait_s, line)
        timer.callbacks.append(self._give_up)

    def _give_up(self, event: simpy.Event) -> None:
        line: Line = event.value
        if not line.waiting:
            return
        line.waiting = False
        self.waiting_lines.remove(line)
        if line.live:
            line.outcome = DROPPED  # a live person with no agent: abandoned by the dialer
        self._close(line)
        self._release_account(line)
        self.pace()

    def _connect(self, line: Line, agent: Agent) -> None:
        now = self.env.now
        slot = self._slot()
        agent.switch(State.BUSY)
        self.connects[slot] += 1
        self.agent_wait_s[slot] += now - self.avail_since.get(agent.agent_id, now)
        conv = self.spec.conversation
        a = line.account
        result = -1
        if line.outcome == MACHINE:
            talk, acw = self.draw.duration(conv.machine_talk), 0.0
        elif line.outcome == THIRD_PARTY:
            talk = self.draw.duration(conv.third_party_talk) * agent.handle_factor()
            acw = self.draw.duration(conv.acw)
        else:
            talk = self.draw.duration(conv.rpc_talk) * agent.handle_factor()
            acw = self.draw.duration(conv.acw)
            seg = self.seg[a]
            day = int(now // DAY_S)
            p_ptp = self.seg_ptp[seg] * 0.5 ** ((self.dpd[a] + day) / self.seg_half[seg]) * agent.conversion_factor()
            u = self.acct.u()
            p_ptp = min(1.0, max(0.0, p_ptp))
            if u < p_ptp:
                result = PTP
            else:
                rest = (u - p_ptp) / (1.0 - p_ptp) if p_ptp < 1 else 0.0
                result = REFUSAL if rest < self.p_refusal else (
                    DISPUTE if rest < self.p_refusal + self.p_dispute else CALLBACK)
        self.in_conversation[agent.agent_id] = now + talk  # the dialer sees when wrap-up starts
        timer = self.env.timeout(talk + acw, (line, agent, result, talk, acw))
        timer.callbacks.append(self._hang_up)

    def _hang_up(self, event: simpy.Event) -> None:
        line, agent, result, talk, acw = event.value
        now = self.env.now
        slot = self._slot()
        self.handled[slot] += 1
        self.talk_s[slot] += talk
        self.acw_s[slot] += acw
        agent.calls_handled += 1
        self.in_conversation.pop(agent.agent_id, None)
        self._close(line)
        self._release_account(line)
        outcome = OUTCOMES[line.outcome]
        if result >= 0:
            outcome = RPC_RESULTS[result]
            self._conversation_result(line, agent, result, now)
        self.floor.finish_handling(agent, outcome)

    def _conversation_result(self, line: Line, agent: Agent, result: int, now: float) -> None:
        """Book a right-party conversation and act on its result (promise, refusal, dispute, callback)."""
        a, seg = line.account, self.seg[line.account]
        conv = self.spec.conversation
        self.rpc_results[line.slot][result] += 1
        self.contact_rules.record_rpc(a, now, line.local_day)
        self.auditor.rpc(a, now, line.local_day)
        self.seg_counts["rpc"][seg] += 1
        if not self.had_rpc[a]:
            self.had_rpc[a] = True
            self.first_rpc[line.slot] += 1
        if result == PTP:
            self.seg_counts["ptp"][seg] += 1
            u_full, u_due, u_kept = self.acct.u(), self.acct.u(), self.acct.u()
            full = u_full < self.seg_full[seg]
            if full:
                self.ptp_full[line.slot] += 1
            amount = self.balance[a] if full else round(self.balance[a] * conv.instalment_fraction, 2)
            amount = min(max(amount, 0.01), self.balance[a])
            today = int(now // DAY_S)
            due = today + conv.due_days_min + int(u_due * (conv.due_days_max - conv.due_days_min + 1))
            self.promise_amount[a] = amount
            self.promise_kept[a] = u_kept < self.seg_kept[seg]
            self.promise_agent[a] = agent
            self.amount_promised[min(today, self.n_days - 1)] += amount
            self.status[a] = PROMISED
            if due < self.n_days:
                self.due.setdefault(max(due, today + 1), []).append(a)
        elif result == REFUSAL:
            self.next_ok[a] = now + conv.retry_after_refusal_h * 3600
        elif result == DISPUTE:
            self.status[a] = DISPUTED
        else:
            self.next_ok[a] = now + conv.callback_delay_h * 3600

    # ------------------------------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------------------------------

    def freeze(self) -> OutboundSeries:
        """The campaign's counters as a plain result."""
        w = self.rules.drop_window_days
        live = np.asarray(self.day_live, dtype=float)
        dropped = np.asarray(self.day_dropped, dtype=float)
        c_live, c_drop = np.concatenate(([0.0], np.cumsum(live))), np.concatenate(([0.0], np.cumsum(dropped)))
        days = np.arange(self.n_days)
        lo = np.maximum(0, days - w + 1)
        win_live, win_drop = c_live[days + 1] - c_live[lo], c_drop[days + 1] - c_drop[lo]
        rate = np.full(self.n_days, np.nan)
        np.divide(win_drop, win_live, out=rate, where=win_live > 0)
        ns = len(self.segments)
        seg_idx = self.pf.segment
        had_rpc = np.asarray(self.had_rpc, dtype=bool)
        log = None
        if self.record:
            log = AttemptLog(**{
                k: np.asarray(v, dtype=float if k in ("time", "local_s", "end") else np.int64)
                for k, v in self.log.items()
            })
        sc = self.seg_counts
        return OutboundSeries(
            mode=self.mode,
            outcomes=np.asarray(self.outcomes, dtype=np.int64).reshape(self.n_intervals, len(OUTCOMES)),
            amd_false_positive=np.asarray(self.amd_fp, dtype=np.int64),
            rpc_results=np.asarray(self.rpc_results, dtype=np.int64).reshape(self.n_intervals, len(RPC_RESULTS)),
            ptp_full=np.asarray(self.ptp_full, dtype=np.int64),
            first_rpc=np.asarray(self.first_rpc, dtype=np.int64),
            handled=np.asarray(self.handled, dtype=np.int64),
            talk_s=np.asarray(self.talk_s), acw_s=np.asarray(self.acw_s),
            connects=np.asarray(self.connects, dtype=np.int64),
            agent_wait_s=np.asarray(self.agent_wait_s), ring_s=np.asarray(self.ring_s),
            dial_level=np.asarray(self.dial_level),
            fallback_attempts=np.asarray(self.fallback_attempts, dtype=np.int64),
            promises_due=np.asarray(self.promises_due, dtype=np.int64),
            promises_kept=np.asarray(self.promises_kept, dtype=np.int64),
            promises_broken=np.asarray(self.promises_broken, dtype=np.int64),
            amount_promised=np.asarray(self.amount_promised), amount_collected=np.asarray(self.amount_collected),
            accounts_paid_off=np.asarray(self.paid_off, dtype=np.int64),
            drop_rate_window=rate, drop_cap=self.rules.drop_cap, drop_window_days=w,
            drop_windows_over_cap=int(np.sum(rate[~np.isnan(rate)] > self.rules.drop_cap)),
            blocked=np.asarray(self.blocked, dtype=np.int64),
            violations=np.asarray(self.auditor.violations, dtype=np.int64),
            accounts=self.n, callable_accounts=int(self.n - self.pf.do_not_call.sum()),
            balance_placed=float(self.pf.balance.sum()), accounts_with_rpc=int(had_rpc.sum()),
            min_balance=float(self.min_balance),
            segments=SegmentTable(
                names=tuple(s.name for s in self.segments),
                accounts=np.bincount(seg_idx, minlength=ns).astype(np.int64),
                balance_placed=np.bincount(seg_idx, weights=self.pf.balance, minlength=ns),
                attempts=np.asarray(sc["attempts"], dtype=np.int64), live=np.asarray(sc["live"], dtype=np.int64),
                dropped=np.asarray(sc["dropped"], dtype=np.int64), rpc=np.asarray(sc["rpc"], dtype=np.int64),
                ptp=np.asarray(sc["ptp"], dtype=np.int64), promises_due=np.asarray(sc["due"], dtype=np.int64),
                promises_kept=np.asarray(sc["kept"], dtype=np.int64), collected=np.asarray(sc["collected"]),
                accounts_with_rpc=np.bincount(seg_idx, weights=had_rpc, minlength=ns).astype(np.int64),
            ),
            in_flight_end=self.attempts_dialed - int(np.sum(self.outcomes)),
            log=log,
        )
