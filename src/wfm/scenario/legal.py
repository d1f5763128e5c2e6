"""Legal action: accounts handed to lawyers and the courts, as a step of the treatment paths (issue #13, item 4).

`[strategy.legal]` describes the hand-off: which accounts qualify (`rule`), what a case costs
(a fee per account placed, court costs at filing, the lawyer's monthly fee while the case runs,
a contingency share of what it recovers), how long it runs and what it recovers. A path step
`{ kind = "legal" }` hands an account over when it meets the rule; an account that does not
skips the step. A handed-over account leaves the phone and field queues for good; its case
resolves after the drawn duration, paying the drawn share of its balance (or nothing), and a
case still open at the end of the run is reported as pending.

The defaults are illustrative orders of magnitude, not a calibration. The World Bank's Doing
Business "Enforcing contracts" indicator, as the IMF quotes it (Esposito, Lanau & Pompe 2014,
"Judicial System Reform in Italy - A Key to Growth", IMF WP/14/32), puts a first-instance
commercial claim and its enforcement at 1,185 days in Italy, more than twice the OECD high-income
average; the 2013 edition put Italian lawyers' fees at about 15% of the claim (21.8% the year
before). Consumer debts go through faster summary procedures (the Italian decreto ingiuntivo, the
German Mahnverfahren), so the default median is nearer a year. Contingency fees of collection
lawyers are commonly quoted between 20% and 35% of the money recovered. The share of cases
recovering anything and the share of the balance they recover depend on the portfolio: set them
from the lawyer's history.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from wfm.scenario.units import Model

MONTH_DAYS = 365.25 / 12
"""Days in an average month: durations in months become whole days of the run."""


class HandOffRule(Model):
    """Which accounts a legal step hands over; every condition set must hold (0 = no condition).

    Attributes:
        balance_min: the balance left on the day of the step.
        days_past_due_min: days past due on the day of the step (at placement plus days on book).
        broken_promises_min: promises (or plan instalments) the debtor has broken in the run.
    """

    balance_min: float = Field(default=0.0, ge=0)
    days_past_due_min: int = Field(default=0, ge=0, le=36_500)
    broken_promises_min: int = Field(default=0, ge=0, le=1_000)

    def met(self, balance: float, days_past_due: int, broken_promises: int) -> bool:
        """Whether an account with these figures is handed over."""
        return (balance >= self.balance_min and days_past_due >= self.days_past_due_min
                and broken_promises >= self.broken_promises_min)


class CaseDuration(Model):
    """Months from hand-off to the case's end (lognormal with the given mean and coefficient of variation).

    Attributes:
        mean_months: mean duration.
        cv: coefficient of variation (0 = every case lasts `mean_months`).
    """

    mean_months: float = Field(default=14.0, gt=0, le=240)
    cv: float = Field(default=0.6, ge=0, le=5)


class CaseRecovery(Model):
    """What a case recovers: whether anything, and then which share of the balance (a beta distribution).

    Attributes:
        success_share: share of the cases that recover anything.
        fraction_mean: mean share of the balance a successful case recovers.
        fraction_cv: coefficient of variation of that share (0 = always `fraction_mean`).
    """

    success_share: float = Field(default=0.35, ge=0, le=1)
    fraction_mean: float = Field(default=0.6, gt=0, le=1)
    fraction_cv: float = Field(default=0.4, ge=0, le=5)

    @model_validator(mode="after")
    def _beta_exists(self) -> CaseRecovery:
        m, cv = self.fraction_mean, self.fraction_cv
        if cv and (m >= 1 or (cv * m) ** 2 >= m * (1 - m)):
            most = math.sqrt((1 - m) / m) if m < 1 else 0.0
            raise ValueError(f"fraction_cv = {cv:g} is too wide for fraction_mean = {m:g}: a share of the balance"
                             f" (between 0 and 1) with that mean has a cv below {most:.3g}; lower fraction_cv,"
                             " or set it to 0 for a fixed share")
        return self


class LegalAction(Model):
    """The legal hand-off (`[strategy.legal]`): rule, costs, duration and recovery of the cases.

    Attributes:
        rule: which accounts a legal step hands over.
        placement_fee: money per account placed with the lawyer, on the day of the hand-off.
        court_fee: fixed court costs per case, on the day of the hand-off.
        court_share: court costs that grow with the claim, as a share of the balance handed over.
        lawyer_per_month: the lawyer's fee per month while the case runs (charged by day, up to the
            case's end or the run's end).
        contingency: share of the money recovered paid to the lawyer, on the day it is recovered.
        duration: how long a case runs.
        recovery: what a case recovers.
    """

    rule: HandOffRule = HandOffRule()
    placement_fee: float = Field(default=25.0, ge=0, le=100_000)
    court_fee: float = Field(default=120.0, ge=0, le=100_000)
    court_share: float = Field(default=0.0, ge=0, le=1)
    lawyer_per_month: float = Field(default=10.0, ge=0, le=100_000)
    contingency: float = Field(default=0.2, ge=0, le=1)
    duration: CaseDuration = CaseDuration()
    recovery: CaseRecovery = CaseRecovery()
