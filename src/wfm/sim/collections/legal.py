"""The lawyers' desk: cases handed over by the treatment's legal steps, their costs by day and their ends.

The treatment (`wfm.sim.collections.treatment`) decides when an account reaches a legal step,
sets it to the book's LEGAL status (the dialer and the field team take only other statuses) and
pays what a case recovers through the book; this module holds the cases (`wfm.scenario.legal`
for the rules). At hand-off a case takes three uniforms from the strategy stream, whatever they
decide (its length, whether it recovers anything, and which share), so one case never shifts
another's draws; its length and recovery are fixed from then on.

Costs by day: the placement fee and the court costs on the day of the hand-off, the lawyer's
monthly fee spread over each day the case runs inside the horizon, and the contingency share
on the day money comes in. A case whose end falls past the horizon stays pending: it costs its
days inside the run and recovers nothing in it.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import NormalDist

import numpy as np
from scipy.special import betaincinv

from wfm.scenario.legal import MONTH_DAYS, CaseDuration, CaseRecovery, LegalAction
from wfm.sim.outbound.accounts import LEGAL, AccountBook
from wfm.sim.sampling import lognormal_params

DRAWS_PER_CASE = 3
"""The case's length, whether it recovers anything, and the share it recovers (drawn whether used or not)."""
LEGAL_LOG = np.dtype([("account", np.int64), ("handed_day", np.int64), ("balance", float), ("end_day", np.int64),
                      ("fraction", float), ("recovered", float), ("cost", float)])
"""One row per case when the run records: the balance handed over; `end_day` may lie past the horizon (pending:
`recovered` is NaN); `cost` is what the case cost inside the run."""
_TINY = 1e-12  # keeps an inverse CDF away from its infinite ends


def case_days(spec: CaseDuration, u: float) -> int:
    """Whole days a case runs (at least one), from one uniform: the lognormal's quantile, or the mean when cv = 0."""
    if spec.cv == 0:
        months = spec.mean_months
    else:
        mu, sigma = lognormal_params(spec.mean_months, spec.cv)
        months = float(np.exp(mu + sigma * NormalDist().inv_cdf(min(max(u, _TINY), 1 - _TINY))))
    return max(1, round(months * MONTH_DAYS))


def case_fraction(spec: CaseRecovery, u_success: float, u_share: float) -> float:
    """The share of the balance a case recovers: 0 unless `u_success` is in the success share, else a beta quantile."""
    if u_success >= spec.success_share:
        return 0.0
    m, cv = spec.fraction_mean, spec.fraction_cv
    if cv == 0:
        return m
    total = m * (1 - m) / (cv * m) ** 2 - 1  # alpha + beta of the beta with this mean and cv
    return float(betaincinv(m * total, (1 - m) * total, min(max(u_share, _TINY), 1 - _TINY)))


class LegalDesk:
    """The cases of one run: hand-offs, their ends by day, counts and costs per day."""

    def __init__(self, spec: LegalAction, n_days: int, n_accounts: int, record: bool = False) -> None:
        self.spec = spec
        self.n_days = n_days
        self.broken = [0] * n_accounts  # promises and instalments broken, for the hand-off rule
        self.cost_of = [0.0] * n_accounts  # what each account's case cost inside the run
        self.ending: dict[int, list[tuple[int, float]]] = {}  # day -> (account, share recovered)
        self.handed = np.zeros(n_days, dtype=np.int64)
        self.resolved = np.zeros(n_days, dtype=np.int64)
        self.recovered = np.zeros(n_days, dtype=np.int64)  # cases ending with money
        self.cost = np.zeros(n_days)
        self.rows: dict[int, int] | None = {} if record else None  # account -> its row of `log`
        self.log: list[list[float]] = []

    def qualifies(self, a: int, balance: float, days_past_due: int) -> bool:
        """Whether the account meets the hand-off rule today."""
        return self.spec.rule.met(balance, days_past_due, self.broken[a])

    def take(self, a: int, day: int, book: AccountBook, rng: np.random.Generator) -> bool:
        """At a legal step: hand `a` over if it meets the rule (three draws then) and set it LEGAL in the book.

        The book's days past due are at placement less the placement day, so adding the run day
        gives today's. False: the account stays with the treatment (it skips the step).
        """
        if not self.qualifies(a, book.balance[a], book.dpd[a] + day):
            return False
        u_days, u_success, u_share = (float(u) for u in rng.random(DRAWS_PER_CASE))
        self.hand_over(a, day, book.balance[a], (u_days, u_success, u_share))
        book.status[a] = LEGAL  # the dialer ranks, and the field team visits, only other statuses
        book.phase_left[a] = -1
        book.follow_up[a] = False
        return True

    def end_cases(self, day: int, book: AccountBook, pay: Callable[[int, float], float]) -> None:
        """The cases ending today pay their share of the balance through `pay` (money never above the balance)."""
        for a, fraction in self.ending_today(day):
            amount = min(round(book.balance[a] * fraction, 2), book.balance[a])
            paid = pay(a, amount) if amount > 0 and book.status[a] == LEGAL else 0.0
            self.ended(a, day, paid)

    def hand_over(self, a: int, day: int, balance: float, draws: tuple[float, float, float]) -> None:
        """Open a case for `a` today: book its costs inside the run and its end (if inside the run)."""
        spec = self.spec
        u_days, u_success, u_share = draws
        end = day + case_days(spec.duration, u_days)
        fraction = case_fraction(spec.recovery, u_success, u_share)
        self._charge(a, day, spec.placement_fee + spec.court_fee + spec.court_share * balance)
        last = min(end, self.n_days)
        daily = spec.lawyer_per_month / MONTH_DAYS
        self.cost[day:last] += daily
        self.cost_of[a] += daily * (last - day)
        self.handed[day] += 1
        if end < self.n_days:
            self.ending.setdefault(end, []).append((a, fraction))
        if self.rows is not None:
            self.rows[a] = len(self.log)
            self.log.append([a, day, balance, end, fraction, float("nan"), 0.0])

    def ending_today(self, day: int) -> list[tuple[int, float]]:
        """The cases that end today: (account, share of the balance recovered)."""
        return self.ending.pop(day, [])

    def ended(self, a: int, day: int, paid: float) -> None:
        """A case ended today having recovered `paid`: count it and charge the contingency."""
        self.resolved[day] += 1
        if paid > 0:
            self.recovered[day] += 1
            self._charge(a, day, self.spec.contingency * paid)
        if self.rows is not None:
            self.log[self.rows[a]][5] = paid

    def _charge(self, a: int, day: int, amount: float) -> None:
        self.cost[day] += amount
        self.cost_of[a] += amount

    @property
    def pending(self) -> int:
        """Cases still open at the end of the run."""
        return int(self.handed.sum() - self.resolved.sum())

    def log_array(self) -> np.ndarray | None:
        """The cases as `LEGAL_LOG` rows (with each case's cost inside the run), or None when not recording."""
        if self.rows is None:
            return None
        for a, row in self.rows.items():
            self.log[row][6] = self.cost_of[a]
        return np.array([tuple(r) for r in self.log], dtype=LEGAL_LOG)
