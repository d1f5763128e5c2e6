"""The inbound ACD: queue, patience and abandonment, routing to the longest-idle agent, redials.

Calls are driven by event callbacks rather than one SimPy process per call: a call only
needs two scheduled events (end of patience, end of handling), and avoiding a generator
per call keeps the model as fast as a hand-written M/M/n+M. A callback gets its call as
bound arguments (`functools.partial`), not as the event's untyped value.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from functools import partial

import numpy as np
import simpy

from wfm.scenario import DAY_S, Inbound, Scenario
from wfm.sim.agents import Agent, CallFloor
from wfm.sim.ledger import State
from wfm.sim.result import CallRecord, InboundSeries
from wfm.sim.sampling import draw_durations, draw_patience

WAITING, IN_SERVICE, HANDLED, ABANDONED = "waiting", "in_service", "handled", "abandoned"


class Call:
    """One inbound call; handle time and patience are drawn when it is created."""

    __slots__ = ("call_id", "arrival", "slot", "talk", "acw", "patience", "status", "answered", "ended",
                 "agent_id", "is_redial", "account")

    def __init__(self, call_id: int, arrival: float, slot: int, talk: float, acw: float, patience: float,
                 is_redial: bool, account: int = -1) -> None:
        self.call_id = call_id
        self.arrival = arrival
        self.slot = slot
        self.talk = talk
        self.acw = acw
        self.patience = patience
        self.status = WAITING
        self.answered: float | None = None
        self.ended: float | None = None
        self.agent_id: int | None = None
        self.is_redial = is_redial
        self.account = account  # an identified debtor's account (a collection strategy), else -1


class Counters:
    """Per-interval inbound counters, kept as Python lists while the run is live."""

    def __init__(self, n: int) -> None:
        self.offered = [0] * n
        self.answered = [0] * n
        self.abandoned = [0] * n
        self.answered_in_sl = [0] * n
        self.abandoned_short = [0] * n
        self.wait_answered_s = [0.0] * n
        self.wait_abandoned_s = [0.0] * n
        self.handled = [0] * n
        self.talk_s = [0.0] * n
        self.acw_s = [0.0] * n
        self.redials = [0] * n

    def freeze(self) -> InboundSeries:
        """Turn the live counters into the result's arrays."""
        ints = ("offered", "answered", "abandoned", "answered_in_sl", "abandoned_short", "handled", "redials")
        return InboundSeries(**{
            name: np.asarray(getattr(self, name), dtype=np.int64 if name in ints else float)
            for name in InboundSeries.__dataclass_fields__
        })


class InboundACD:
    """Queue of waiting callers and the routing of agents to them."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, floor: CallFloor,
                 handle_rng: np.random.Generator, patience_rng: np.random.Generator,
                 redial_rng: np.random.Generator, record_calls: bool = False) -> None:
        self.env = env
        self.spec: Inbound = scenario.inbound
        self.calendar = scenario.calendar
        self.floor = floor
        self.handle_rng = handle_rng
        self.patience_rng = patience_rng
        self.redial_rng = redial_rng
        self.interval_s = scenario.calendar.interval_s
        self.n_intervals = scenario.calendar.horizon_days * scenario.calendar.intervals_per_day
        self.sl_threshold = self.spec.service_level.threshold_s
        self.short_abandon = self.spec.service_level.short_abandon_s
        self.counters = Counters(self.n_intervals)
        self.waiting: deque[Call] = deque()
        self.n_waiting = 0
        self.idle: deque[tuple[Agent, int]] = deque()  # (agent, idle_token) in the order they became idle
        self.next_id = 0
        self.record_calls = record_calls
        self.calls: list[Call] = []
        # Told when an identified debtor's call has been handled (a collection strategy's conversation).
        self.on_debtor_call: Callable[[Call, Agent], None] | None = None

    # -- arrivals ---------------------------------------------------------------------------

    def feed_day(self, times: np.ndarray) -> simpy.Process:
        """Start offering one day's first-attempt calls at the given arrival times."""
        n = len(times)
        talk = draw_durations(self.handle_rng, self.spec.talk, n).tolist()
        acw = draw_durations(self.handle_rng, self.spec.acw, n).tolist()
        patience = draw_patience(self.patience_rng, self.spec.patience, n).tolist()
        return self.env.process(self._offer_all(times.tolist(), talk, acw, patience))

    def _offer_all(self, times: list[float], talk: list[float], acw: list[float],
                   patience: list[float]) -> Generator[simpy.Event, None, None]:
        env = self.env
        for t, tk, aw, pt in zip(times, talk, acw, patience, strict=True):
            delay = t - env.now
            if delay > 0:
                yield env.timeout(delay)
            self.offer(self._new_call(t, tk, aw, pt, is_redial=False))

    def offer_debtor(self, t: float, talk: float, acw: float, patience: float, account: int) -> None:
        """An identified debtor calls now (answering a message): queued like any caller, never redialing."""
        self.offer(self._new_call(t, talk, acw, patience, is_redial=False, account=account))

    def _new_call(self, t: float, talk: float, acw: float, patience: float, is_redial: bool,
                  account: int = -1) -> Call:
        call = Call(self.next_id, t, min(int(t // self.interval_s), self.n_intervals - 1), talk, acw,
                    patience, is_redial, account)
        self.next_id += 1
        if self.record_calls:
            self.calls.append(call)
        return call

    def offer(self, call: Call) -> None:
        """A call reaches the ACD: connect it to the longest-idle agent or queue it."""
        c = self.counters
        c.offered[call.slot] += 1
        if call.is_redial:
            c.redials[call.slot] += 1
        agent = self._take_idle_agent()
        if agent is not None:
            self._connect(call, agent)
            return
        self.waiting.append(call)
        self.n_waiting += 1
        if call.patience != math.inf:
            timer = self.env.timeout(call.patience)
            timer.callbacks.append(partial(self._renege, call))

    # -- agents -----------------------------------------------------------------------------

    def _take_idle_agent(self) -> Agent | None:
        idle = self.idle
        while idle:
            agent, token = idle.popleft()
            if agent.idle_token == token and agent.state is State.IDLE:
                return agent
        return None

    def agent_free(self, agent: Agent) -> None:
        """An agent became available: serve the oldest waiting caller, or wait on the idle list."""
        if agent.takes_inbound and not self.serve_waiting(agent):
            self.idle.append((agent, agent.idle_token))

    def serve_waiting(self, agent: Agent) -> bool:
        """Connect the agent to the oldest waiting caller, if any (blending: inbound first)."""
        waiting = self.waiting
        while waiting:
            call = waiting.popleft()
            if call.status is WAITING:
                self.n_waiting -= 1
                self._connect(call, agent)
                return True
        return False

    def park(self, agent: Agent) -> None:
        """Put an idle agent on the idle list, where the next arriving call finds them."""
        self.idle.append((agent, agent.idle_token))

    def idle_agents(self) -> list[Agent]:
        """Agents currently idle on the list (stale entries skipped)."""
        return [a for a, token in self.idle if a.idle_token == token and a.state is State.IDLE]

    def _connect(self, call: Call, agent: Agent) -> None:
        now = self.env.now
        call.status = IN_SERVICE
        call.answered = now
        call.agent_id = agent.agent_id
        wait = now - call.arrival
        c = self.counters
        c.answered[call.slot] += 1
        c.wait_answered_s[call.slot] += wait
        if wait <= self.sl_threshold:
            c.answered_in_sl[call.slot] += 1
        agent.switch(State.BUSY)
        # The caller's base draw stays on common random numbers; the agent's state (learning
        # curve, stress) stretches it at connect time.
        factor = agent.handle_factor()
        if factor != 1.0:
            call.talk *= factor
            call.acw *= factor
        done = self.env.timeout(call.talk + call.acw)
        done.callbacks.append(partial(self._finish, call, agent))

    def _finish(self, call: Call, agent: Agent, _event: simpy.Event) -> None:
        call.status = HANDLED
        call.ended = self.env.now
        c = self.counters
        c.handled[call.slot] += 1
        c.talk_s[call.slot] += call.talk
        c.acw_s[call.slot] += call.acw
        agent.calls_handled += 1
        if call.account >= 0 and self.on_debtor_call is not None:
            self.on_debtor_call(call, agent)
        self.floor.finish_handling(agent)

    # -- abandonment ------------------------------------------------------------------------

    def _renege(self, call: Call, _event: simpy.Event) -> None:
        if call.status is not WAITING:
            return
        call.status = ABANDONED
        call.ended = self.env.now
        self.n_waiting -= 1
        wait = call.patience
        c = self.counters
        c.abandoned[call.slot] += 1
        c.wait_abandoned_s[call.slot] += wait
        if wait <= self.short_abandon:
            c.abandoned_short[call.slot] += 1
        if call.account < 0:  # a debtor answering a message does not draw from the redial stream
            self._maybe_redial()

    def _maybe_redial(self) -> None:
        """An abandoning caller may call back later; the callback is a new offered call."""
        spec = self.spec.redial
        if spec.probability <= 0:
            return
        rng = self.redial_rng
        # Fixed number of draws per abandon keeps this stream aligned whatever the outcome.
        u, delay = rng.random(), rng.exponential(spec.delay_mean_s)
        talk = float(draw_durations(rng, self.spec.talk, 1)[0])
        acw = float(draw_durations(rng, self.spec.acw, 1)[0])
        patience = float(draw_patience(rng, self.spec.patience, 1)[0])
        if u >= spec.probability:
            return
        at = self.env.now + delay
        if not self.open_at(at):
            return  # the line is closed by then: the caller gives up
        timer = self.env.timeout(delay)
        timer.callbacks.append(partial(self._redial_arrives, at, talk, acw, patience))

    def _redial_arrives(self, at: float, talk: float, acw: float, patience: float, _event: simpy.Event) -> None:
        self.offer(self._new_call(at, talk, acw, patience, is_redial=True))

    def open_at(self, t: float) -> bool:
        """Whether the line is open at simulation time `t` (within the horizon)."""
        day = int(t // DAY_S)
        if day >= self.calendar.horizon_days:
            return False
        hours = self.calendar.hours_on(day)
        return hours is not None and hours.open <= t - day * DAY_S < hours.close

    # -- end of run -------------------------------------------------------------------------

    def records(self) -> tuple[CallRecord, ...]:
        """Per-call records (only when recording was requested)."""
        return tuple(
            CallRecord(c.call_id, c.arrival, c.answered, c.ended, c.agent_id, c.status) for c in self.calls
        )

    def in_service(self) -> int:
        """Calls connected but not finished at the end of the run."""
        return sum(self.counters.answered) - sum(self.counters.handled)
