"""Money coming in: promises and payments day by day, and the cumulative recovery."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.sim.result import sum_by_day
from wfm.views.common import NON_NEGATIVE, Band, campaigns


@dataclass(frozen=True)
class RecoveryView:
    """Money coming in day by day.

    Attributes:
        days: day indices (0 = the first simulated day).
        cumulative: amount collected up to the end of each day (cumulated per replication, then banded).
        cumulative_promised: amount promised up to the end of each day.
        balance_placed: balance placed with the center (mean over replications; the portfolio is drawn per run).
        currency: the scenario's currency.
    """

    days: np.ndarray
    cumulative: Band
    cumulative_promised: Band
    balance_placed: float
    currency: str


def recovery_view(summary: Summary, currency: str) -> RecoveryView | None:
    """Cumulative recovery of an experiment, or None without an outbound campaign."""
    obs = campaigns(summary)
    if obs is None:
        return None
    return RecoveryView(
        days=np.arange(len(obs[0].amount_collected)),
        cumulative=Band.of([np.cumsum(ob.amount_collected) for ob in obs], within=NON_NEGATIVE),
        cumulative_promised=Band.of([np.cumsum(ob.amount_promised) for ob in obs], within=NON_NEGATIVE),
        balance_placed=float(np.mean([ob.balance_placed for ob in obs])),
        currency=currency,
    )


def portfolio_by_day(summary: Summary) -> dict[str, np.ndarray]:
    """Promises and payments per day, with the money collected to date and its recovery rate (mean over runs).

    Columns: `ptp` (promises made), `promises_due`, `promises_kept`, `promises_broken`,
    `amount_promised`, `amount_collected`, `collected_to_date`, `recovery_to_date`
    (collected to date / balance placed), `accounts_paid_off`. Empty without outbound.
    """
    obs = campaigns(summary)
    if obs is None:
        return {}
    tables = []
    for run, ob in zip(summary.runs, obs, strict=True):
        collected = ob.amount_collected.astype(float)
        to_date = np.cumsum(collected)
        tables.append({
            "ptp": sum_by_day(ob.ptp, run.intervals_per_day),
            "promises_due": ob.promises_due.astype(float),
            "promises_kept": ob.promises_kept.astype(float),
            "promises_broken": ob.promises_broken.astype(float),
            "amount_promised": ob.amount_promised.astype(float),
            "amount_collected": collected,
            "collected_to_date": to_date,
            "recovery_to_date": kpi.ratio(to_date, np.full(to_date.shape, ob.balance_placed)),
            "accounts_paid_off": ob.accounts_paid_off.astype(float),
        })
    return kpi.mean_over_runs(tables)
