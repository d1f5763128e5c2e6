"""Which account to dial next: the day's priority order, walked under the contact rules."""

from __future__ import annotations

import math
from collections.abc import Sequence

from wfm.sim.outbound.accounts import ACTIVE, AccountBook
from wfm.sim.outbound.clock import LocalClock
from wfm.sim.outbound.compliance import ContactRules, LocalCalendar
from wfm.sim.outbound.result import RULES

RECHECK_S = 120.0  # when no account may be called, look again this much later
NO_ACCOUNT = -1  # `next_account` found nobody the rules allow calling now
NO_RULE = -1  # no rule forbids the call
NO_MARK = -(10**9)  # an account not yet counted as blocked on any (local day, rule)


class Selector:
    """Walks the accounts in priority order and returns the first one the rules allow calling now.

    The walk resumes where the last one stopped (a cursor over the day's order), so each
    dial costs about one step; when a full lap finds nobody, the selector rests `RECHECK_S`.
    Each account blocked by a rule is counted once per local day and rule (`blocked`). While
    the window is shut or it is a holiday for every debtor, one lap counts them and later laps
    in the same state are skipped: on a public holiday with agents at work, a lap over the
    whole portfolio every `RECHECK_S` would cost more than the rest of the run.
    The rules are judged at the real instant of `now` and the debtor's local time then (`clock`).

    Accounts fall into groups of one time zone and one calendar key (rule pack and region:
    `LocalCalendar.key`): all the accounts of a group share their local time, calling window and
    holidays, so a walk works them out once per group. Blocks are counted per pack (`blocked`:
    pack p's rule r at `p * len(RULES) + r`).
    """

    def __init__(self, book: AccountBook, clock: LocalClock, rules: ContactRules,
                 calendar: LocalCalendar, blocked: list[int], pack: Sequence[int] | None = None) -> None:
        """`pack`: each account's rule pack (default: 0, one pack for every account)."""
        self.book = book
        self.clock = clock
        self.rules = rules
        self.calendar = calendar
        self.blocked = blocked
        n = len(book.status)
        self.blocked_mark = [NO_MARK] * n
        self.pack = list(pack) if pack is not None else [0] * n
        groups: dict[tuple[int, int], int] = {}
        keys = [calendar.key(p, r) for p, r in zip(self.pack, book.region, strict=True)]
        self.group = [groups.setdefault((zone, key), len(groups)) for zone, key in zip(book.tz, keys, strict=True)]
        self.group_zone = [zone for zone, _ in groups]
        self.group_key = [key for _, key in groups]
        self.order: list[int] = []
        self.cursor = 0
        self.exhausted_until = [-math.inf, -math.inf]  # by kind of line: paced, bound
        self.shut_walked: tuple[tuple[int, int], ...] | None = None  # the all-closed state last walked

    def reset(self, order: list[int]) -> None:
        """Start a new day's walk over `order`."""
        self.order = order
        self.cursor = 0
        self.exhausted_until = [-math.inf, -math.inf]

    def local(self, a: int, now: float) -> tuple[int, float]:
        """(local day, local seconds after midnight) of account `a` at center time `now`."""
        return self.clock.local_day(self.book.tz[a], self.clock.real(now))

    def shut_state(self, real: float) -> tuple[tuple[int, int], ...] | None:
        """(local day, closing rule) of every group of accounts when nobody may be called at `real`, else None."""
        closed = self.calendar.closed_rule
        state = []
        for zone, key in zip(self.group_zone, self.group_key, strict=True):
            day, sec = self.clock.local_day(zone, real)
            rule = closed(day, sec, key)
            if rule < 0:
                return None
            state.append((day, rule))
        return tuple(state)

    def window_open(self, now: float) -> bool:
        """Whether the calling window is open now (and it is no holiday) for some debtors of the portfolio."""
        return self.shut_state(self.clock.real(now)) is None

    def next_account(self, now: float, bound: bool) -> int:
        """The highest-priority account the rules allow calling now, or NO_ACCOUNT (then wait RECHECK_S).

        `bound`: the call will have an agent guaranteed (a bound line); a paced line is also held
        back by the rules that spare only such calls (Ofcom's 24 h after an AMD-detected machine).
        A paced walk that finds nobody does not stop a bound one when such a rule is in force (the
        selector then rests per kind of line).
        """
        kind = int(bound) if self.rules.amd_gap_s else 0
        if now < self.exhausted_until[kind] or not self.order:
            return NO_ACCOUNT
        if self.shut_walked is not None:  # the last lap found nobody with every debtor closed
            if self.shut_state(self.clock.real(now)) == self.shut_walked:
                self.exhausted_until[kind] = now + RECHECK_S
                return NO_ACCOUNT
            self.shut_walked = None
        order, status, next_ok, group, pack = self.order, self.book.status, self.book.next_ok, self.group, self.pack
        n = len(order)
        rules = self.rules
        closed = self.calendar.closed_rule
        group_zone, group_key = self.group_zone, self.group_key
        real = self.clock.real(now)
        local_day = self.clock.local_day
        peek = self.book.peek_phone
        by_phone = rules.amd_gap_s and not bound  # only Ofcom's AMD rule looks at the number dialed
        group_state: dict[int, tuple[int, int]] = {}  # group -> (local day, closing rule: window or holiday)
        n_rules = len(RULES)
        for _ in range(n):
            a = order[self.cursor]
            self.cursor += 1
            if self.cursor == n:
                self.cursor = 0
            if status[a] != ACTIVE or next_ok[a] > now:
                continue
            g = group[a]
            state = group_state.get(g)
            if state is None:
                day, sec = local_day(group_zone[g], real)
                state = group_state[g] = (day, closed(day, sec, group_key[g]))
            day, rule = state
            if rule < 0:
                rule = rules.account_rule(a, real, day, peek(a) if by_phone else 0, bound)
            if rule >= 0:
                mark = day * n_rules + rule
                if self.blocked_mark[a] != mark:  # count each account once per local day and rule
                    self.blocked_mark[a] = mark
                    self.blocked[pack[a] * n_rules + rule] += 1
                continue
            return a
        self.exhausted_until[kind] = now + RECHECK_S
        self.shut_walked = self.shut_state(real)
        return NO_ACCOUNT

    def put_back(self) -> None:
        """The account `next_account` just returned is not dialed now: the next walk starts with it again."""
        self.cursor = (self.cursor - 1) % len(self.order)

    def blocking_rule(self, a: int, now: float, bound: bool) -> int:
        """The rule that forbids calling `a` now (window, holiday or a per-account cap), or NO_RULE."""
        day, sec = self.local(a, now)
        rule = self.calendar.closed_rule(day, sec, self.group_key[self.group[a]])
        if rule < 0:
            rule = self.rules.account_rule(a, self.clock.real(now), day, self.book.peek_phone(a), bound)
        return rule
