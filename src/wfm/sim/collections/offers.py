"""What a promise is offered as: a discounted settlement, a payment plan in instalments, a reminder before it falls due.

The book (`wfm.sim.outbound.accounts.AccountBook`) books and settles a promise; the offers
(`Strategy.offers`) reshape it when it is made and decide, when it falls due, whether the account is
settled for less or owes its next instalment. They live apart from the path walk
(`wfm.sim.collections.treatment`) because they change what a promise is worth, not where the account goes:
the treatment calls `shape` on every promise an agent books and `settled` on every promise falling due,
and moves the path on only when `settled` says the plan is over. Draws come from the strategy's stream in
the order the walk always took them (two per promise shaped, one per reminder arriving, one per instalment).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import simpy

from wfm.scenario import DAY_S
from wfm.scenario.strategy import CHANNELS
from wfm.scenario.strategy import Offers as OfferSpec
from wfm.sim.collections.messages import Messenger
from wfm.sim.collections.result import OFFER_COUNTS
from wfm.sim.outbound.accounts import PAID, PROMISED
from wfm.sim.outbound.dialer import Dialer


class Offers:
    """The open plans, settlements and booked reminders of one run, with their counts and discounts."""

    def __init__(self, env: simpy.Environment, spec: OfferSpec, dialer: Dialer, rng: np.random.Generator,
                 n_days: int) -> None:
        self.env = env
        self.spec = spec
        self.dialer = dialer
        self.book = dialer.book
        self.rng = rng
        self.n_days = n_days
        n = self.book.pf.size
        self.plan_left = [0] * n  # instalments still to book after the one open
        self.in_plan = [False] * n
        self.settling = [False] * n  # the open promise is a discounted settlement
        self.reminders: dict[int, list[int]] = {}  # day -> accounts to remind that day
        self.reminder_channel = CHANNELS.index(spec.reminder) if spec.reminder != "none" else -1
        self.counts = dict.fromkeys(OFFER_COUNTS, 0)
        self.discount_given = 0.0

    def shape(self, a: int) -> None:
        """Turn a promise just booked into a settlement or a payment plan, as the offers say (two draws)."""
        book, offers = self.book, self.spec
        u_settle, u_plan = self.rng.random(), self.rng.random()
        balance = book.balance[a]
        full = book.promise_amount[a] >= balance - 0.005
        if full and u_settle < offers.settlement_share:
            book.promise_amount[a] = max(round(balance * (1.0 - offers.settlement_discount), 2), 0.01)
            self.settling[a] = True
            self.counts["settlements"] += 1
        elif u_plan < offers.plan_share:
            book.promise_amount[a] = max(round(balance / offers.plan_instalments, 2), 0.01)
            self.plan_left[a] = offers.plan_instalments - 1
            self.in_plan[a] = True
            self.counts["plans"] += 1
        self._remind(a)

    def _remind(self, a: int) -> None:
        """Book a reminder before the open promise's due date."""
        if self.reminder_channel < 0:
            return
        due = next((d for d, accounts in self.book.due.items() if a in accounts), None)
        if due is None:
            return
        when = due - self.spec.reminder_days_before
        if when > int(self.env.now // DAY_S):
            self.reminders.setdefault(when, []).append(a)

    def send_reminders(self, day: int, messenger: Messenger, opted_out: list[int]) -> None:
        """Send today's reminders to the accounts still promised that have not opted out of the channel."""
        channel = self.reminder_channel
        for a in self.reminders.pop(day, []):
            if self.book.status[a] == PROMISED and not opted_out[a] & (1 << channel):
                self.counts["reminders"] += 1
                messenger.send(a, channel, day, partial(self._reminded, a))

    def _reminded(self, a: int) -> None:
        """A reminder arrived: it saves a share of the promises that would have been broken."""
        u = self.rng.random()
        book = self.book
        if book.status[a] == PROMISED and not book.promise_kept[a] and u < self.spec.reminder_rescue:
            book.promise_kept[a] = True
            self.counts["rescued"] += 1

    def settled(self, a: int, kept: bool, paid_off: bool, day: int) -> bool:
        """A kept settlement closes the account; a plan's kept instalment books the next (True: the plan goes on)."""
        book = self.book
        if self.settling[a]:
            self.settling[a] = False
            if kept and not paid_off:  # the discount is written off: the account is settled
                self.discount_given += book.balance[a]
                book.balance[a] = 0.0
                book.min_balance = 0.0
                book.status[a] = PAID
                self.dialer.counters.paid_off[min(day, self.n_days - 1)] += 1
            return False
        if not self.in_plan[a]:
            return False
        if not kept:
            self.counts["instalments_broken"] += 1
            self.in_plan[a] = False
            self.plan_left[a] = 0
            return False
        self.counts["instalments_kept"] += 1
        if self.plan_left[a] == 0 or paid_off:
            self.in_plan[a] = False
            self.plan_left[a] = 0
            return False
        self.plan_left[a] -= 1
        if self.plan_left[a] == 0:  # the last instalment clears what the rounding of the others left
            book.promise_amount[a] = book.balance[a]
        u_kept = self.rng.random()
        book.promise_kept[a] = book.keeps(a, u_kept)
        book.status[a] = PROMISED
        due = day + self.spec.plan_every_days
        if due < self.n_days:
            book.due.setdefault(due, []).append(a)
            self._remind(a)
        return True
