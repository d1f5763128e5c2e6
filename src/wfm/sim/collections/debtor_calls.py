"""Identified debtors on the inbound line: a message answered by a call, and how that call ends.

A debtor who answers a message by phoning joins the inbound queue as an identified caller
(`InboundACD.offer_debtor`), so the call competes with the center's other inbound traffic for the same
agents; its handled conversation is a right-party contact about the account, counted by the contact
rules (Reg F's 7-day rest) and able to end in a promise. This lives apart from the path walk
(`wfm.sim.collections.treatment`) because it is the inbound side of the strategy: the treatment only
says "this account calls now" and hears back "this account promised". It draws from the strategy's
stream in the order the walk always has (talk, wrap-up, patience, delay; then four per handled call).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy

from wfm.scenario import DAY_S
from wfm.scenario.inbound import Inbound
from wfm.sim.agents import Agent
from wfm.sim.collections.statuses import CLOSED, NO_PHONE
from wfm.sim.inbound import Call, InboundACD
from wfm.sim.outbound.accounts import PROMISED
from wfm.sim.outbound.attempts import CALLBACK, PTP, conversation_result
from wfm.sim.outbound.dialer import Dialer
from wfm.sim.outbound.result import RPC_RESULTS
from wfm.sim.sampling import draw_durations, draw_patience

LATE_CALL_MEAN_S = 1800.0
"""A debtor answering a message while the line is closed calls this long (mean) after it opens."""


class DebtorCalls:
    """The debtors' calls of one run and their daily counts: placed, handled, ended in a promise."""

    def __init__(self, env: simpy.Environment, spec: Inbound, dialer: Dialer, acd: InboundACD,
                 rng: np.random.Generator, n_days: int, on_promise: Callable[[int], None]) -> None:
        self.env = env
        self.spec = spec
        self.dialer = dialer
        self.book = dialer.book
        self.acd = acd
        self.rng = rng
        self.n_days = n_days
        self.on_promise = on_promise  # the treatment marks the promise as the inbound line's
        self.calls = np.zeros(n_days, dtype=np.int64)
        self.handled = np.zeros(n_days, dtype=np.int64)
        self.promises = np.zeros(n_days, dtype=np.int64)
        acd.on_debtor_call = self.ended

    def call(self, a: int, when: float) -> None:
        """The debtor phones the inbound line now, or after the line opens when it is closed."""
        spec = self.spec
        talk = float(draw_durations(self.rng, spec.talk, 1)[0])
        acw = float(draw_durations(self.rng, spec.acw, 1)[0])
        patience = float(draw_patience(self.rng, spec.patience, 1)[0])
        later = self.rng.exponential(LATE_CALL_MEAN_S)
        at = when if self.acd.open_at(when) else self._next_opening(when) + later
        if not math.isfinite(at) or at >= self.n_days * DAY_S or not self.acd.open_at(at):
            return
        day = int(at // DAY_S)
        self.calls[day] += 1
        self.env.timeout(at - self.env.now).callbacks.append(
            lambda _e: self.acd.offer_debtor(at, talk, acw, patience, a))

    def _next_opening(self, t: float) -> float:
        """When the line next opens at or after `t` (inf if not within the run)."""
        cal = self.acd.calendar
        day = int(t // DAY_S)
        for d in range(day, self.n_days):
            hours = cal.hours_on(d)
            if hours is None:
                continue
            start = d * DAY_S + hours.open
            if start >= t:
                return float(start)
        return math.inf

    def ended(self, call: Call, agent: Agent) -> None:
        """An identified debtor's call was handled: a right-party conversation about the account."""
        a = call.account
        book = self.book
        now = self.env.now
        day = min(int(now // DAY_S), self.n_days - 1)
        u, u_full, u_due, u_kept = self.rng.random(), self.rng.random(), self.rng.random(), self.rng.random()
        self.handled[day] += 1
        if book.status[a] in CLOSED or book.status[a] == PROMISED:
            return
        dialer = self.dialer
        real = dialer.clock.real(now)
        local_day, _ = dialer.clock.local_day(book.tz[a], real)
        p_ptp = book.ptp_chance(a, day) * agent.conversion_factor()
        result = conversation_result(u, p_ptp, dialer.p_refusal, dialer.p_dispute)
        dialer.contact_rules.record_rpc(a, real, local_day, result == CALLBACK)
        dialer.auditor.rpc(a, now, result == CALLBACK)
        if result == PTP:
            status = book.status[a]
            book.promise(a, now, agent, u_full, u_due, u_kept, self.n_days)
            if status in NO_PHONE:
                book.status[a] = PROMISED
            self.promises[day] += 1
            self.on_promise(a)
        else:
            book.answered_without_promise(a, RPC_RESULTS[result], now)
