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
- predictive: dials until the lines in flight are expected to bring level × p live
  connects per agent expected free when they answer (p: a new line's chance to reach an
  agent, learned by segment and local hour). A line still ringing counts by its chance to
  connect given how long it has rung (learned), an agent by their chance to be free within
  the answer delay (wrap-up end, or remaining talk). The level adapts to the recent drop rate
  toward an aim below the cap by a margin that shrinks as the window fills (`PacingAim`).
A drop-rate guard falls back to one bound line per agent when the regulatory window's drop
rate comes within the lines in flight of its cap, so the cap holds whatever the pacing does.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import simpy

from wfm.scenario import DAY_S, Duration, Scenario
from wfm.sim.agents import Agent, Floor
from wfm.sim.ledger import State
from wfm.sim.outbound.accounts import PortfolioArrays, build_portfolio
from wfm.sim.outbound.compliance import DROP_CAP, Auditor, ContactRules, LocalCalendar
from wfm.sim.outbound.result import (
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
from wfm.sim.sampling import lognormal_params

# Account status
ACTIVE, IN_CALL, PROMISED, PAID, DO_NOT_CALL, DISPUTED, UNREACHABLE = range(7)
PTP, REFUSAL, DISPUTE, CALLBACK = range(len(RPC_RESULTS))
RECHECK_S = 120.0  # when no account may be called, look again this much later
SURE = 0.85  # an agent in wrap-up counts once a line dialed now is this likely to connect after they are free
MIN_LEVEL = 1.0  # predictive floor of the level (reports and the GUI read dial_level >= 1)
STEP_LIVE = 100  # the level controller takes a full `gain` step per this many new live answers
MIN_LIVE = 100  # the guard's drop rate counts at least this many live answers
EWMA_WEIGHT = 1 / 300  # recent drop rate: about the last 300 live answers
HIT_WEIGHT = 1 / 500  # hit rate: about the last 500 lines
AIM_Z = 2.0  # the pacing aims this many standard errors of the window's drop rate below the cap
DROP_DISPERSION = 2.0  # variance of window drops / binomial variance (drops come in bursts)


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


class RingSurvival:
    """How a line's chance to reach an agent falls while it rings unanswered, learned from resolved lines.

    A line dialed with prior chance p that has rung e seconds without resolving reaches an agent
    with odds p / (1 - p) × S_c(e) / S_f(e), where S_c and S_f are the shares of connected and of
    failed lines still unresolved after e seconds (Bayes). Most failures ring the full timeout,
    so a line ringing past the usual answer delay is nearly dead: counting it as a coming
    connect would hold the dialer back.
    """

    def __init__(self, answer_delay: Duration, timeout_s: float, detection_s: float) -> None:
        n_bins = int(timeout_s + detection_s) + 2
        self.connected = [0] * n_bins  # resolved lines by whole seconds rung
        self.failed = [0] * n_bins
        self.ratio = [1.0] * n_bins  # S_c / S_f at the middle of each second; 1 until both kinds are seen
        # S_c at the start of each second, P(a connect comes after b seconds): from the scenario's
        # answer delay until connects have been seen.
        answered = max(_cdf(answer_delay, timeout_s), 1e-9)
        self.later = [max(0.0, 1.0 - _cdf(answer_delay, b - detection_s) / answered) for b in range(n_bins)]

    def record(self, elapsed: float, connected: bool) -> None:
        """Count a resolved line."""
        b = min(int(elapsed), len(self.ratio) - 1)
        if connected:
            self.connected[b] += 1
        else:
            self.failed[b] += 1

    def refresh(self) -> None:
        """Recompute the odds factors from the counts (every pacing step, not per line: cheap and stable)."""
        n_c, n_f = sum(self.connected), sum(self.failed)
        if not n_c or not n_f:
            return
        left_c, left_f = float(n_c), float(n_f)
        for b in range(len(self.ratio)):
            self.later[b] = left_c / n_c
            mid_c = left_c - self.connected[b] / 2
            mid_f = left_f - self.failed[b] / 2
            if mid_f > 0:
                self.ratio[b] = (mid_c / n_c) / (mid_f / n_f)
            else:
                self.ratio[b] = 1e12 if mid_c > 0 else 0.0
            left_c -= self.connected[b]
            left_f -= self.failed[b]


def _cdf(spec: Duration, x: float) -> float:
    """P(duration <= x) for a scenario duration."""
    if x <= 0:
        return 0.0 if spec.mean_s > 0 or x < 0 else 1.0
    if spec.distribution == "fixed":
        return 1.0 if x >= spec.mean_s else 0.0
    if spec.distribution == "exponential":
        return 1.0 - math.exp(-x / spec.mean_s)
    mu, sigma = lognormal_params(spec.mean_s, spec.cv)
    return 0.5 * (1.0 + math.erf((math.log(x) - mu) / (sigma * math.sqrt(2.0))))


def done_within(spec: Duration, elapsed: float, within: float) -> float:
    """P(a duration ends within `within` seconds | it has lasted `elapsed` seconds)."""
    if within <= 0:
        return 0.0
    survived = 1.0 - _cdf(spec, elapsed)
    if survived <= 1e-12:
        return 1.0
    return (_cdf(spec, elapsed + within) - _cdf(spec, elapsed)) / survived


class Line:
    """One dial attempt in progress."""

    __slots__ = ("account", "agent", "dialed", "slot", "outcome", "live", "waiting", "local_day", "log_index",
                 "wait_from", "amd_drop", "base", "odds", "done")

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
        self.base = 0.0  # contact propensity × hour multiplier: what the learned hit rate scales
        self.odds = 0.0  # prior odds of reaching an agent
        self.done = False  # answered or ended (no longer ringing)


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
        # agent_id -> (talk start, talk end, talk kind); the end is read only once it is past (wrap-up seen)
        self.in_conversation: dict[int, tuple[float, float, int]] = {}
        self.lines_out = 0  # unbound lines not yet resolved or connected
        self.ringing: deque[Line] = deque()  # unbound lines in dial order; resolved ones are skipped
        self.waiting_lines: deque[Line] = deque()
        d = spec.dialer
        fixed = d.fixed_level or (d.lines_per_agent if self.mode == "power" else 0.0)
        self.fixed_level = fixed
        self.level = fixed or d.initial_level
        self.hit_rate = 0.25  # prior of live-or-machine-to-agent answers per line; learned as the run goes
        # A line's chance to reach an agent = scale × segment contact × hour multiplier; the scale
        # (busy, dead numbers, machines, AMD) is the ratio of two EWMAs started at 0, unbiased from the first line.
        self.hit_num = 0.0
        self.hit_den = 0.0
        att, amd = spec.attempts, spec.amd
        detect = amd.detection_s if amd.enabled else 0.0
        self.survival = RingSurvival(att.answer_delay, att.ring_timeout_s, detect)
        self.connect_s = att.answer_delay.mean_s + detect  # mean ring time of lines that reach an agent (learned)
        conv = spec.conversation
        self.talk_specs = (conv.rpc_talk, conv.third_party_talk, conv.machine_talk)
        self.drop_ewma = 0.0
        self.amd_ewma = 0.0
        self.live_seen = 0
        self.live_at_adapt = 0
        self.fallback = False
        self.guard_room = 0.0  # drops the lines in flight could add when the guard tripped

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
                self.survival.refresh()
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

    def _soon_free(self, within: float) -> float:
        """Expected number of agents in outbound conversations free in time for a line dialed now.

        The dialer sees a conversation end (wrap-up starts) and knows the mean after-call work,
        so an agent in wrap-up due free in τ seconds counts once a connect to a line dialed now
        is `SURE` to come no earlier than τ minus the connect wait (learned ring times of
        connects): counted sooner, the agent's line would often answer before them and drop.
        For an agent still talking it knows only how long the talk has lasted, so it
        takes the chance that the rest of the talk and a mean wrap-up fit in `within` seconds.
        """
        now = self.env.now
        acw_s = self.spec.conversation.acw.mean_s
        talk_may_end = within > acw_s  # else no talking agent can be free in time
        later = self.survival.later
        last = len(later) - 1
        grace = self.spec.dialer.connect_wait_s
        total = 0.0
        for start, talk_end, kind in self.in_conversation.values():
            if talk_end <= now:
                b = int(talk_end + acw_s - now - grace)
                total += 1.0 if b <= 0 or (b < last and later[b] >= SURE) else 0.0
            elif talk_may_end:
                total += done_within(self.talk_specs[kind], now - start, within - acw_s)
        return total

    def _expected_connects(self) -> float:
        """Expected agent connects still to come from the unbound lines ringing now."""
        ringing = self.ringing
        while ringing and ringing[0].done:
            ringing.popleft()
        now = self.env.now
        ratio = self.survival.ratio
        last = len(ratio) - 1
        total = 0.0
        for line in ringing:
            if line.done:
                continue
            b = int(now - line.dialed)
            odds = line.odds * ratio[b if b < last else last]
            total += odds / (1.0 + odds)
        return total

    # ------------------------------------------------------------------------------------------
    # Pacing
    # ------------------------------------------------------------------------------------------

    def pace(self) -> None:
        """Dial as many lines as the mode calls for now."""
        if self.mode in ("preview", "progressive") or self.fallback:
            self._pace_bound()
        elif self.mode == "power" or self.fixed_level:
            self._pace_fixed()
        else:
            self._pace_predictive()

    def _pace_fixed(self) -> None:
        """Power mode (and a pinned level): `level` lines per free agent, counting the lines still out."""
        available = self._free_agents()
        if available == 0:
            return  # nobody to talk to: never dial into the void
        wanted = int(self.level * available + 1e-9) - self.lines_out - len(self.waiting_lines)
        for _ in range(wanted):
            a = self.next_account()
            if a < 0:
                return
            self._dial(a, None)

    def _pace_predictive(self) -> None:
        """Dial until the expected connects in flight match level × p per agent expected free.

        Agents count if they are free now or expected free within the mean ring time of a
        connect (when a line dialed now would answer); each ringing line counts by its chance
        to still reach an agent; live answers waiting for an agent count in full. New lines
        add their own chance (`_dial` returns it) until the shortfall is under half a line.
        """
        available = self._free_agents() + self._soon_free(self.connect_s)
        if available <= 0:
            return  # nobody to talk to: never dial into the void
        p = max(self.hit_rate, 1e-3)
        need = self.level * p * available - self._expected_connects() - len(self.waiting_lines)
        room = int(self.spec.dialer.max_level * available + 1e-9) - self.lines_out - len(self.waiting_lines)
        while need >= 0.5 * p and room > 0:
            a = self.next_account()
            if a < 0:
                return
            need -= self._dial(a, None)
            room -= 1

    def _wake(self, event: simpy.Event) -> None:
        """An agent is about to become soon-free: look at the pacing again."""
        if not self.fallback:
            self.pace()

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
        """Move the dial level toward the pacing's drop aim (multiplicative controller on the recent rate).

        The aim covers all drops (DESIGN §4: AMD false positives included), so the pacing's own
        share is the aim minus the recent false-positive share; when false positives alone use
        up the aim, the level goes down to its floor. Without a live answer since the last step
        (nights, everyone on a break) there is nothing new to learn and the level is held.
        """
        news = self.live_seen - self.live_at_adapt
        if not news:
            return
        self.live_at_adapt = self.live_seen
        d = self.spec.dialer
        target = self.drop_aim() - self.amd_ewma
        error = -3.0 if target <= 1e-4 else max(-3.0, min(1.0, (target - self.drop_ewma) / target))
        # The step grows with the evidence: `gain` per STEP_LIVE new live answers, so the level moves
        # no faster than the recent drop rate it reads (an EWMA over hundreds of answers) can follow.
        step = d.gain * error * min(1.0, news / STEP_LIVE)
        self.level = min(d.max_level, max(MIN_LEVEL, self.level * math.exp(step)))
        self._check_guard()

    def _window_counts(self) -> tuple[int, int, int]:
        """(live answers, drops, live answers today) in the regulatory window ending today (calendar days)."""
        day = min(int(self.env.now // DAY_S), self.n_days - 1)
        first = max(0, day - self.rules.drop_window_days + 1)
        return sum(self.day_live[first:day + 1]), sum(self.day_dropped[first:day + 1]), self.day_live[day]

    def drop_aim(self) -> float:
        """The drop rate (all drops) the pacing aims at now: the target, kept below the cap by a margin.

        The cap is judged on the window's rate at the end of each day, so the margin is
        `AIM_Z` standard errors of that rate: binomial, inflated by `DROP_DISPERSION` for
        bursts, over the live answers the window will hold tonight (past days plus a day like
        the window's average; on the first day only what has been seen). A young window
        therefore paces cautiously and a full one close to the cap. The drops the window can
        still take at the aim (or its overshoot) are spread over the rest of the day.
        """
        cap = self.rules.drop_cap
        live_w, drop_w, today = self._window_counts()
        day = min(int(self.env.now // DAY_S), self.n_days - 1)
        first = max(0, day - self.rules.drop_window_days + 1)
        past = [n for n in self.day_live[first:day] if n]
        expected_today = max(today, sum(past) / len(past)) if past else today
        tonight = live_w - today + expected_today
        ceiling = cap - AIM_Z * math.sqrt(DROP_DISPERSION * cap * (1 - cap) / max(tonight, MIN_LIVE))
        aim = min(self.spec.dialer.target_drop_rate, ceiling)
        slack = aim * live_w - drop_w
        aim += slack / max(expected_today - today, 1 / EWMA_WEIGHT)
        return max(0.0, min(ceiling, aim))

    def window_drop_rate(self, min_live: int = 0) -> float:
        """Dropped / live answers over the regulatory window ending now (calendar days).

        `min_live` floors the denominator, so that the guard does not react to the first
        drop of a window as if it were a 100% rate.
        """
        live, dropped, _ = self._window_counts()
        live = max(live, min_live)
        return dropped / live if live else 0.0

    def _check_guard(self) -> None:
        """Fall back to bound lines when the lines in flight could take the window over the cap.

        The room left under the cap is measured in drops: the window's live answers × cap
        minus its drops. The guard trips when the connects expected from the unbound lines in
        flight (plus the answers already waiting, plus one) would fill it; bound lines cannot
        drop for want of an agent. Pacing resumes once the room is twice that again.
        """
        if self.mode not in ("power", "predictive"):
            return
        live, dropped, _ = self._window_counts()
        live = max(live, MIN_LIVE)
        cap = self.rules.drop_cap
        in_flight = self.hit_rate * self.lines_out + len(self.waiting_lines) + 1
        if not self.fallback and dropped + in_flight >= cap * live:
            self.fallback = True
            self.guard_room = in_flight
            self.blocked[DROP_CAP] += 1
            self.level = max(MIN_LEVEL, 0.8 * self.level)
        elif self.fallback and dropped + 2 * self.guard_room <= cap * live:
            self.fallback = False

    # ------------------------------------------------------------------------------------------
    # Attempts
    # ------------------------------------------------------------------------------------------

    def _dial(self, a: int, agent: Agent | None) -> float:
        """Dial account `a`; everything about the attempt but the agent's availability is drawn now.

        Returns the line's prior chance to reach an agent (what the pacing knows before it rings).
        """
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
        line.base = self.seg_contact[seg] * self.hour_curve[int(sec // 3600) % 24]
        prior = min(line.base * self.hit_num / self.hit_den, 0.999) if self.hit_den > 0 else self.hit_rate
        line.odds = prior / (1.0 - prior)
        if agent is None:
            self.lines_out += 1
            self.ringing.append(line)
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
        timer = env.timeout(t, line)
        timer.callbacks.append(self._answered if to_agent else self._ended)
        return prior

    def _learn(self, line: Line, connected: bool) -> None:
        """Update the hit-rate estimates and ring-time statistics from a line that just resolved."""
        line.done = True
        hit = 1.0 if connected else 0.0
        self.hit_rate += HIT_WEIGHT * (hit - self.hit_rate)
        self.hit_num += HIT_WEIGHT * (hit - self.hit_num)
        self.hit_den += HIT_WEIGHT * (line.base - self.hit_den)
        elapsed = self.env.now - line.dialed
        self.survival.record(elapsed, connected)
        if connected:
            self.connect_s += HIT_WEIGHT * (elapsed - self.connect_s)

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
            self.live_seen += 1
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
        self._learn(line, False)
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
        self._learn(line, True)
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
        kind = 0
        if line.outcome == MACHINE:
            kind = 2
            talk, acw = self.draw.duration(conv.machine_talk), 0.0
        elif line.outcome == THIRD_PARTY:
            kind = 1
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
        self.in_conversation[agent.agent_id] = (now, now + talk, kind)
        if self.mode == "predictive" and not self.fixed_level:
            # Look again when this agent starts to count as soon free (the wrap-up end is one ring time away).
            self.env.timeout(max(talk, talk + conv.acw.mean_s - self.connect_s)).callbacks.append(self._wake)
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
