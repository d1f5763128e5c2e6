"""SMS, e-mail and letters: when a message goes out, whether it arrives, and what it draws.

A message step sends at the start of the channel's sending window in the debtor's own local
time (real instants, the debtor's zone at that date), spread over the channel's `spread_min`,
on the first day from the step's day that the debtor's contact rules allow (no Sundays under the
Italian preset, no public holidays of the debtor's jurisdiction). The sending window is clipped
to the debtor's calling window of that day: a message is a contact, so Reg F's convenient hours
(08:00-21:00 local, §1006.6(b)(1)(i)) hold for texts and e-mails as for calls; a window that
opens before the debtor's sends from the debtor's opening (a text or e-mail without a window
sends at the opening of the debtor's calling window). Letters (plain and registered) are
posted at 09:00 center time and arrive `delivery_delay_h` later; a registered letter that does
not arrive comes back to the sender at that instant (`returned`).

Each message takes four draws from the strategy stream whatever happens to it (delivery,
response, delay, spread), so one message's fate never shifts another's. A response comes at a
lognormal delay after delivery (exactly `delay_h` with `delay_cv = 0`); its kind is drawn from
the channel's shares, each scaled by the debtor's hidden-type factor (the opt-out share is not:
payers opt out as often as the rest).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np
import simpy

from wfm.scenario import DAY_S, HOUR_S, MINUTE_S
from wfm.scenario.strategy import CHANNELS, POSTAL, Channel, ChannelName
from wfm.sim.outbound.accounts import AccountBook
from wfm.sim.outbound.clock import LocalClock
from wfm.sim.outbound.compliance import Auditor, ContactRules, LocalCalendar
from wfm.sim.sampling import lognormal_params

SEND_DAYS_AHEAD = 7
"""Days a message waits at most for a day the debtor's rules allow; then it is not sent."""
LETTER_POSTED_S = 9 * HOUR_S
"""Center time a letter is posted."""
CALL, PAY, PROMISE, OPT_OUT = range(4)

Respond = Callable[[int, int, int, float], None]
"""(account, channel, kind, instant) → act on a response; kind is CALL, PAY, PROMISE or OPT_OUT."""


class Messenger:
    """Sends the strategy's messages and schedules their responses; counts what it did per channel and day."""

    def __init__(self, env: simpy.Environment, channels: Mapping[ChannelName, Channel], book: AccountBook,
                 clock: LocalClock, calendar: LocalCalendar, pack: Sequence[int], n_days: int,
                 rng: np.random.Generator, respond: Respond, record: bool = False,
                 rules: ContactRules | None = None, auditor: Auditor | None = None,
                 returned: Callable[[int], None] | None = None) -> None:
        """`rules` and `auditor`: the dialer's, so that a message is a contact to them as a call is.

        `returned(a)`: a message with proof of delivery to `a` came back undelivered (at that instant).
        """
        self.env = env
        self.rules = rules
        self.auditor = auditor
        self.specs: list[Channel] = [channels[name] for name in CHANNELS]
        self.book = book
        self.clock = clock
        self.calendar = calendar
        self.pack = pack  # each account's rule pack: its windows and holidays
        self.n_days = n_days
        self.rng = rng
        self.respond = respond
        self.returned = returned
        self.delay = [lognormal_params(c.responses.delay_h * HOUR_S, c.responses.delay_cv) for c in self.specs]
        self.fixed_delay = [c.responses.delay_h * HOUR_S if c.responses.delay_cv == 0 else None for c in self.specs]
        k = len(CHANNELS)
        self.sent = np.zeros((k, n_days), dtype=np.int64)
        self.delivered = np.zeros((k, n_days), dtype=np.int64)
        self.responses = np.zeros((k, n_days, 4), dtype=np.int64)
        self.cost = np.zeros((k, n_days))
        self.cost_of = [0.0] * len(book.status)  # message money spent on each account
        self.held = np.zeros(k, dtype=np.int64)  # messages a contact rule kept from going out (none allowed in a week)
        # account, channel, sent at, delivered: one row per message when the run records
        self.log: list[tuple[int, int, float, bool]] | None = [] if record else None

    def send(self, a: int, channel: int, day: int, on_delivered: Callable[[], None] | None = None) -> bool:
        """Send one message of `channel` to account `a` from `day` on; False when no allowed day came.

        `on_delivered` is called at the instant a delivered message arrives (a reminder's effect).
        """
        u_deliver, u_respond, z_delay, u_spread = self.rng.random(), self.rng.random(), self.rng.standard_normal(), \
            self.rng.random()
        at = self._send_time(a, channel, day, u_spread)
        if at is None:
            self.held[channel] += 1
            return False
        go = partial(self._go, a, channel, at, u_deliver, u_respond, z_delay, on_delivered)
        self.env.timeout(at - self.env.now).callbacks.append(go)
        return True

    def _go(self, a: int, channel: int, at: float, u_deliver: float, u_respond: float, z_delay: float,
            on_delivered: Callable[[], None] | None, _event: simpy.Event) -> None:
        """The message goes out now, unless a contact since it was planned took its place (then it is held)."""
        spec = self.specs[channel]
        if self._contact(channel):
            local_day, _ = self.clock.local_day(self.book.tz[a], self.clock.real(at))
            if self.rules is not None:
                if self.rules.message_rule(a, local_day, channel) >= 0:
                    self.held[channel] += 1
                    return
                self.rules.record_message(a, local_day, channel)
            if self.auditor is not None:
                self.auditor.message(a, at, channel)
        sent_day = int(at // DAY_S)
        self.sent[channel, sent_day] += 1
        self.cost[channel, sent_day] += spec.cost
        self.cost_of[a] += spec.cost
        delivered = self._deliverable(a, channel) and u_deliver >= spec.delivery_failure
        if self.log is not None:
            self.log.append((a, channel, at, delivered))
        arrives = at + spec.delivery_delay_h * HOUR_S
        if not delivered:
            returned = self.returned
            if spec.proof_of_delivery and returned is not None and arrives < self.n_days * DAY_S:
                self.env.timeout(arrives - self.env.now).callbacks.append(lambda _e: returned(a))
            return
        self.delivered[channel, sent_day] += 1
        if on_delivered is not None and arrives < self.n_days * DAY_S:
            self.env.timeout(arrives - self.env.now).callbacks.append(lambda _e: on_delivered())
        kind = self._kind(spec, self.book.lift[a], u_respond)
        if kind < 0:
            return
        mu, sigma = self.delay[channel]
        fixed = self.fixed_delay[channel]
        when = arrives + (fixed if fixed is not None else math.exp(mu + sigma * z_delay))
        if when < self.n_days * DAY_S:
            wake = partial(self._responded, a, channel, sent_day, kind, when)
            self.env.timeout(when - self.env.now).callbacks.append(wake)

    @staticmethod
    def _contact(channel: int) -> bool:
        """Whether a message of `channel` is a contact the rules count (SMS, e-mail; a letter is not)."""
        return CHANNELS[channel] not in POSTAL

    def _responded(self, a: int, channel: int, sent_day: int, kind: int, when: float, _event: simpy.Event) -> None:
        self.responses[channel, sent_day, kind] += 1
        self.respond(a, channel, kind, when)

    def _deliverable(self, a: int, channel: int) -> bool:
        """An SMS needs a number in service; e-mail and letters fail only by their delivery-failure share."""
        if CHANNELS[channel] != "sms":
            return True
        book = self.book
        return not all(book.dead[a][: book.phones[a]])

    @staticmethod
    def _kind(spec: Channel, lift: float, u: float) -> int:
        """CALL, PAY, PROMISE, OPT_OUT or -1 (no response), from one uniform."""
        r = spec.responses
        shares = [r.call * lift, r.pay * lift, r.promise * lift, r.opt_out]
        total = sum(shares)
        scale = 1.0 / total if total > 1.0 else 1.0  # a payer's chances clipped to certainty together
        edge = 0.0
        for kind, share in enumerate(shares):
            edge += share * scale
            if u < edge:
                return kind
        return -1

    def _send_time(self, a: int, channel: int, day: int, u_spread: float) -> float | None:
        """The instant the message goes out: the window's start in the debtor's time on a day their rules allow.

        The channel's window is clipped to the debtor's calling window of each local day (the
        pack's); a day where the two do not overlap is skipped.
        """
        spec = self.specs[channel]
        now = self.env.now
        if spec.window is None and not self._contact(channel):
            posted = float(day * DAY_S + LETTER_POSTED_S)
            return posted if day < self.n_days else None
        # A text or e-mail without a window of its own goes out at any hour the debtor's rules allow.
        first, last = (spec.window.start, spec.window.end) if spec.window is not None else (0.0, float(DAY_S))
        pack = self.pack[a]
        zone, key = self.book.tz[a], self.calendar.key(pack, self.book.region[a])
        for d in range(day, min(day + SEND_DAYS_AHEAD, self.n_days)):
            calling = self.calendar.windows[pack][self.calendar.weekday(d)]
            if calling is None:
                continue
            start, end = max(first, calling[0]), min(last, calling[1])
            if end <= start:
                continue
            span = min(spec.spread_min * MINUTE_S, end - start)
            at = self._center_time(zone, d, start + u_spread * span)
            if at < now or at >= self.n_days * DAY_S:
                continue
            local_day, local_s = self.clock.local_day(zone, self.clock.real(at))
            if self.calendar.closed_rule(local_day, local_s, key) >= 0:
                continue
            if self.rules is not None and self.rules.message_rule(a, local_day, channel) >= 0:
                continue
            return at
        return None

    def _center_time(self, zone: int, day: int, local_s: float) -> float:
        """Simulation time at which zone `zone` reads `local_s` on its local day `day` (two corrections: DST)."""
        at = day * DAY_S + local_s
        for _ in range(2):
            local_day, sec = self.clock.local_day(zone, self.clock.real(at))
            at += (day - local_day) * DAY_S + (local_s - sec)
        return at


def opt_out_bits(channels: Sequence[str]) -> dict[str, int]:
    """Bit of each channel in an account's opt-out mask."""
    return {name: 1 << i for i, name in enumerate(channels)}
