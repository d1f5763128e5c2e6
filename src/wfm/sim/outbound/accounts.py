"""The debtor accounts: the portfolio as numpy arrays, and their live state during the run.

Everything per account that does not change during the run (segment, DPD at placement,
phone numbers and which of them are dead, time zone, do-not-call flag) is drawn here, up
front, from the `accounts` stream, so the portfolio is the same whatever the dialer does.
`AccountBook` then keeps what does change: status, balance, phones found dead, promises and
payments, and ranks the accounts for the day's selection order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar

import numpy as np

from wfm.scenario import DAY_S, Calendar
from wfm.scenario.accounts import AccountTable
from wfm.scenario.outbound import Conversation, Portfolio, Segment
from wfm.sim.agents import Agent
from wfm.sim.outbound.clock import LocalClock
from wfm.sim.sampling import lognormal_params

# Account status, in the order of `STATUSES`; the book keeps them as plain ints (hot path).
# Under a collection strategy: "resting" = in no phone phase (a message, a wait, the path's end, not
# placed yet); "returned" = back with the client at the end of its placement term; "legal" = handed to the
# lawyers (never dialed or visited again; only its case can pay).
STATUSES: tuple[str, ...] = ("active", "in_call", "promised", "paid", "do_not_call", "disputed", "unreachable",
                             "resting", "returned", "legal")
ACTIVE, IN_CALL, PROMISED, PAID, DO_NOT_CALL, DISPUTED, UNREACHABLE, RESTING, RETURNED, LEGAL = range(len(STATUSES))
PAID_BELOW = 0.005  # a balance under half a cent is paid off (float residue of instalments)
MIN_PROMISE = 0.01  # a promise is for at least one cent


@dataclass(frozen=True)
class PortfolioArrays:
    """The placed accounts, one entry per account.

    Attributes:
        segment: index of the account's segment in the scenario.
        balance: balance at placement (money).
        dpd: days past due at placement.
        phones: number of phone numbers.
        dead_number: (accounts, max phones) True where a number is invalid.
        tz: index into `tz_names`.
        tz_names: the distinct time zones of the accounts.
        clock: real instants of the run's clock and each zone's local time at them.
        do_not_call: accounts never to be dialed.
        region: index into `region_names`.
        region_names: the debtors' jurisdictions ("US-NY"): their holidays and rule pack; "" = none (the
            compliance `presets` and their holidays).
    """

    segment: np.ndarray
    balance: np.ndarray
    dpd: np.ndarray
    phones: np.ndarray
    dead_number: np.ndarray
    tz: np.ndarray
    tz_names: tuple[str, ...]
    clock: LocalClock
    do_not_call: np.ndarray
    region: np.ndarray
    region_names: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of accounts."""
        return len(self.balance)


def imported_columns(
    table: AccountTable, segment_names: list[str], center_tz: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Writable copies of an imported table's columns, coded as the dialer wants them.

    Returns segment (index into the scenario's segments), balance, dpd, phones, tz (index into
    the zones) and the zones: the accounts' distinct time zones, the center's for "", sorted.
    """
    segment = np.array([segment_names.index(name) for name in table.segment_names], dtype=np.int64)[table.segment]
    zone_of = [name or center_tz for name in table.timezone_names]
    tz_names = sorted(set(zone_of))
    tz = np.array([tz_names.index(z) for z in zone_of], dtype=np.int64)[table.timezone]
    return (segment, table.balance.astype(float), table.dpd.astype(np.int64), table.phones.astype(np.int64), tz,
            tz_names)


def build_portfolio(spec: Portfolio, calendar: Calendar, rng: np.random.Generator) -> PortfolioArrays:
    """Draw (or import) the portfolio; the draws use the `accounts` stream in a fixed order."""
    if spec.imported:
        segment_names = [s.name for s in spec.segments]
        segment, balance, dpd, phones, tz, tz_names = imported_columns(spec.imported, segment_names, calendar.timezone)
        n = len(balance)
        region, region_names = spec.imported.region.astype(np.int64), spec.imported.region_names
    else:
        n = spec.accounts
        shares = np.array([s.share for s in spec.segments])
        segment = rng.choice(len(shares), size=n, p=shares / shares.sum())
        balance = np.empty(n)
        dpd = np.empty(n, dtype=np.int64)
        z = rng.standard_normal(n)
        u = rng.random(n)
        for k, seg in enumerate(spec.segments):
            mask = segment == k
            mu, sigma = lognormal_params(seg.balance_mean, seg.balance_cv)
            balance[mask] = np.round(np.exp(mu + sigma * z[mask]), 2)
            dpd[mask] = seg.dpd_min + np.floor(u[mask] * (seg.dpd_max - seg.dpd_min + 1)).astype(np.int64)
        balance = np.maximum(balance, 1.0)
        phones = 1 + rng.choice(len(spec.phones), size=n, p=np.array(spec.phones) / sum(spec.phones))
        if spec.timezones:
            tz_names = list(spec.timezones)
            tz_shares = np.array(list(spec.timezones.values()))
            tz = rng.choice(len(tz_names), size=n, p=tz_shares / tz_shares.sum())
        else:
            tz_names = [calendar.timezone]
            tz = np.zeros(n, dtype=np.int64)
        region, region_names = np.zeros(n, dtype=np.int64), ("",)
    if spec.regions:
        region, region_names = zone_regions(spec.regions, tz_names, np.asarray(tz), region, region_names)
    max_phones = int(phones.max()) if n else 1
    dead = rng.random((n, max_phones)) < spec.invalid_number_share
    dnc = rng.random(n) < spec.do_not_call_share
    return PortfolioArrays(
        segment=segment.astype(np.int64), balance=balance, dpd=dpd, phones=phones.astype(np.int64),
        dead_number=dead, tz=tz.astype(np.int64), tz_names=tuple(tz_names),
        clock=LocalClock(calendar.start_date, calendar.timezone, tz_names, calendar.horizon_days), do_not_call=dnc,
        region=region, region_names=tuple(region_names),
    )


def zone_regions(regions: dict[str, str], tz_names: list[str], tz: np.ndarray, region: np.ndarray,
                 region_names: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each account's jurisdiction: its own, else its time zone's from `Portfolio.regions`.

    Deterministic (no draw): switching `regions` on does not move the accounts stream.
    """
    own = np.asarray(region_names, dtype=object)[region] if len(region) else np.empty(0, dtype=object)
    of_zone = np.asarray([regions.get(z, "") for z in tz_names], dtype=object)[tz] if len(tz) else own
    names = np.where(own == "", of_zone, own).astype(str)
    distinct, codes = np.unique(names, return_inverse=True)
    return codes.astype(np.int64), tuple(distinct.tolist()) or ("",)


Number = TypeVar("Number", float, np.ndarray)


def promise_chance(ptp: Number, days_past_due: Number, halflife_days: Number) -> Number:
    """P(promise | RPC) before the agent's factor: the segment's base, halved every `halflife_days` past due.

    Works on one account (floats) and on the whole portfolio (arrays) alike.
    """
    return ptp * 0.5 ** (days_past_due / halflife_days)


def _gather(values: list[Any], rows: list[int], dtype: type | np.dtype[Any]) -> np.ndarray:
    """`np.array(values, dtype)[rows]` without converting the entries outside `rows`."""
    return np.fromiter(map(values.__getitem__, rows), dtype, len(rows))


class Settlement(NamedTuple):
    """A promise that fell due today: paid (kept) or broken."""

    account: int
    segment: int
    kept: bool
    amount: float  # paid; 0 when broken
    paid_off: bool  # the payment cleared the balance
    taker: Agent | None  # who took the promise (credited when it is kept)


class Promise(NamedTuple):
    """A promise just taken in a right-party conversation."""

    full: bool  # for the whole balance (else an instalment)
    amount: float
    due_day: int  # day it falls due (may be past the horizon)


class Observer(Protocol):
    """What a collection strategy hears from the book (`wfm.sim.collections`): the events that move a path on."""

    def phase_spent(self, a: int) -> None:
        """The phone phase of `a` used its attempt budget."""

    def conversation(self, a: int, result: str) -> None:
        """A right-party conversation with `a` ended ("ptp", "refusal", "dispute", "callback")."""

    def settled(self, a: int, kept: bool, paid_off: bool, amount: float) -> None:
        """A promise of `a` fell due: kept (paying `amount`) or broken."""


class AccountBook:
    """The accounts' state during the run, as Python lists: scalar access is several times faster than numpy.

    Under a collection strategy the book is shared: the dialer calls the ACTIVE accounts, the
    strategy (`observer`) moves accounts between phone phases (ACTIVE) and the rest (RESTING),
    and `lift` scales each debtor's chance to promise and to keep (their hidden type); without
    one, `lift` is 1 and no account rests.
    """

    def __init__(self, pf: PortfolioArrays, segments: tuple[Segment, ...], conversation: Conversation) -> None:
        self.pf = pf
        n = pf.size
        self.status = [DO_NOT_CALL if d else ACTIVE for d in pf.do_not_call.tolist()]
        self.balance = pf.balance.tolist()
        self.seg = pf.segment.tolist()
        self.tz = pf.tz.tolist()
        self.region = pf.region.tolist()
        self.dpd = pf.dpd.tolist()
        self.phones = pf.phones.tolist()
        self.dead = pf.dead_number.tolist()
        self.known_dead = [[False] * len(row) for row in self.dead]
        self.next_phone = [0] * n
        self.next_ok = [0.0] * n  # not before this time (callback, rest after a refusal)
        self.attempts_of = [0] * n
        self.had_rpc = [False] * n
        self.promise_amount = [0.0] * n
        self.promise_kept = [False] * n  # drawn when the promise is made
        self.promise_agent: list[Agent | None] = [None] * n
        self.due: dict[int, list[int]] = {}  # day -> accounts whose promise falls due
        self.min_balance = float(pf.balance.min()) if n else 0.0
        self.seg_contact = [s.contact for s in segments]
        self.seg_rpc = [s.right_party for s in segments]
        self.seg_ptp = [s.ptp for s in segments]
        self.seg_half = [s.ptp_halflife_days for s in segments]
        self.seg_kept = [s.kept for s in segments]
        self.seg_full = [s.full_payment for s in segments]
        self.conv = conversation
        self.lift = [1.0] * n  # promise and keep chance factor of the debtor's hidden type (strategy)
        self.phase_left = [-1] * n  # attempts left in the account's phone phase; -1 = no budget
        self.observer: Observer | None = None
        self.score_lift: list[float] | None = None  # E[lift | score]: what a scored priority believes (strategy)
        self.follow_up = [False] * n  # a promise broke: called before the others (strategy's follow-up)
        self.portal_promises = 0  # promises taken without an agent (portal, message response)

    def peek_phone(self, a: int) -> int:
        """The number of `a` the next attempt will dial: the next in rotation not already found dead."""
        phones = self.phones[a]
        known = self.known_dead[a]
        first = phone = self.next_phone[a]
        if known[phone]:
            for k in range(1, phones):
                phone = (first + k) % phones
                if not known[phone]:
                    break
        return phone

    def pick_phone(self, a: int) -> int:
        """The next number of `a` in rotation, skipping the ones already found dead (the rotation moves on)."""
        phone = self.peek_phone(a)
        self.next_phone[a] = (phone + 1) % self.phones[a]
        return phone

    def release(self, a: int) -> None:
        """The attempt on `a` is over: callable again, or unreachable once every number is known dead."""
        if self.status[a] == IN_CALL:
            n = self.phones[a]
            unreachable = all(self.known_dead[a][:n]) and all(self.dead[a][:n])
            self.status[a] = UNREACHABLE if unreachable else ACTIVE
            left = self.phase_left[a]
            if left > 0:
                self.phase_left[a] = left - 1
                if left == 1 and self.observer is not None and not unreachable:
                    self.status[a] = RESTING
                    self.observer.phase_spent(a)

    def ptp_chance(self, a: int, day: int) -> float:
        """P(promise | RPC) of account `a` on run day `day`, before the agent's factor."""
        seg = self.seg[a]
        return promise_chance(self.seg_ptp[seg], self.dpd[a] + day, self.seg_half[seg]) * self.lift[a]

    def rank(self, day: int, priority: str) -> list[int]:
        """The callable accounts, highest priority first (expected value, then the tie-breaker)."""
        pf = self.pf
        status = np.fromiter(self.status, np.int64, len(self.status))
        alive = np.flatnonzero((status == ACTIVE) | (status == PROMISED) | (status == IN_CALL))
        # Read the lists at the callable accounts only: under a strategy most accounts rest.
        rows = alive.tolist()
        balance = _gather(self.balance, rows, float)
        seg = pf.segment[alive]
        dpd = _gather(self.dpd, rows, np.int64)  # at placement (a later batch's is moved to its placement day)
        ptp = promise_chance(np.array(self.seg_ptp)[seg], dpd + day, np.array(self.seg_half)[seg])
        value = balance * ptp * np.array(self.seg_kept)[seg]
        if priority == "score" and self.score_lift is not None:
            value = value * _gather(self.score_lift, rows, float)
        if priority in ("expected_value", "score"):
            keys: tuple[np.ndarray, ...] = (-value,)
        elif priority == "oldest_dpd":
            keys = (-value, -dpd)
        else:
            keys = (-value, _gather(self.attempts_of, rows, np.int64))
        if any(self.follow_up):
            keys = (*keys, ~_gather(self.follow_up, rows, bool))  # the last key sorts first: broken promises
        return alive[np.lexsort(keys)].tolist()

    def promise(self, a: int, now: float, agent: Agent | None, u_full: float, u_due: float, u_kept: float,
                n_days: int) -> Promise:
        """Book a promise to pay taken now: its amount, due day and (drawn now) whether it will be kept.

        `agent` is None for a promise made without one (through the portal, answering a message).
        """
        conv = self.conv
        seg = self.seg[a]
        full = u_full < self.seg_full[seg]
        amount = self.balance[a] if full else round(self.balance[a] * conv.instalment_fraction, 2)
        amount = min(max(amount, MIN_PROMISE), self.balance[a])
        today = int(now // DAY_S)
        due = today + conv.due_days_min + int(u_due * (conv.due_days_max - conv.due_days_min + 1))
        self.promise_amount[a] = amount
        self.promise_kept[a] = self.keeps(a, u_kept)
        self.promise_agent[a] = agent
        self.status[a] = PROMISED
        if due < n_days:
            self.due.setdefault(max(due, today + 1), []).append(a)
        if self.observer is not None:
            self.observer.conversation(a, "ptp")
        return Promise(full, amount, due)

    def keeps(self, a: int, u: float) -> bool:
        """Whether the debtor of `a` keeps a promise (or a plan's instalment), from one uniform `u`."""
        return u < min(1.0, self.seg_kept[self.seg[a]] * self.lift[a])

    def refused(self, a: int, now: float) -> None:
        """The debtor refused: try again after the rest the scenario gives."""
        self.next_ok[a] = now + self.conv.retry_after_refusal_h * 3600
        if self.observer is not None:
            self.observer.conversation(a, "refusal")

    def disputed(self, a: int) -> None:
        """The debtor disputes the debt: never called again in this run."""
        self.status[a] = DISPUTED
        if self.observer is not None:
            self.observer.conversation(a, "dispute")

    def call_back(self, a: int, now: float) -> None:
        """The debtor asked to be called back later."""
        self.next_ok[a] = now + self.conv.callback_delay_h * 3600
        if self.observer is not None:
            self.observer.conversation(a, "callback")

    def answered_without_promise(self, a: int, result: str, now: float) -> None:
        """Act on a right-party conversation that ended without a promise: "refusal", "dispute" or "callback"."""
        if result == "refusal":
            self.refused(a, now)
        elif result == "dispute":
            self.disputed(a)
        else:
            self.call_back(a, now)

    def pay(self, a: int, amount: float) -> tuple[float, bool]:
        """A payment without a promise (a payment link, self-cure): (amount paid, paid off)."""
        amount = min(amount, self.balance[a])
        self.balance[a] -= amount
        self.min_balance = min(self.min_balance, self.balance[a])
        paid_off = self.balance[a] <= PAID_BELOW
        if paid_off:
            self.status[a] = PAID
        return amount, paid_off

    def settle(self, day: int) -> list[Settlement]:
        """Promises due today are paid (kept) or broken; either way the account leaves PROMISED."""
        out = []
        for a in self.due.pop(day, []):
            seg = self.seg[a]
            if self.status[a] != PROMISED:  # paid meanwhile by another way (a link, self-cure)
                continue
            if not self.promise_kept[a]:
                self.status[a] = ACTIVE
                out.append(Settlement(a, seg, False, 0.0, False, self.promise_agent[a]))
            else:
                amount = min(self.promise_amount[a], self.balance[a])
                self.balance[a] -= amount
                self.min_balance = min(self.min_balance, self.balance[a])
                paid_off = self.balance[a] <= PAID_BELOW
                self.status[a] = PAID if paid_off else ACTIVE
                out.append(Settlement(a, seg, True, amount, paid_off, self.promise_agent[a]))
            if self.observer is not None:
                last = out[-1]
                self.observer.settled(a, last.kept, last.paid_off, last.amount)
        return out

