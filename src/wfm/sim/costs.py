"""Cost arithmetic (DESIGN §6): money per day and category, from a run's plain results.

Kept apart from the engine so every amount can be checked by hand: each category is a
count or a duration already in the `RunResult` times a unit cost from `Costs`.
"""

from __future__ import annotations

import numpy as np

from wfm.scenario import Costs
from wfm.scenario.units import HOUR_S, MINUTE_S
from wfm.sim.result import CostSeries, InboundSeries, WorkforceSeries, sum_by_day

DIALER_KINDS = ("outbound", "blended")


def cost_breakdown(
    costs: Costs,
    workforce: WorkforceSeries,
    inbound: InboundSeries,
    attempts_per_day: np.ndarray | None = None,
    phone_s_per_day: np.ndarray | None = None,
    dialer_in_use: bool = True,
    messages_per_day: np.ndarray | None = None,
    field_per_day: np.ndarray | None = None,
    legal_per_day: np.ndarray | None = None,
) -> CostSeries:
    """Money per day by category.

    Args:
        costs: the unit costs.
        workforce: per-day people tables of the run (paid time, seat-days, hires, bonuses).
        inbound: per-interval inbound counters (talk minutes are charged as telephony).
        attempts_per_day: outbound dial attempts per day (None until the outbound model provides them).
        phone_s_per_day: other billed line seconds per day, e.g. outbound ringing and talk (None: none).
        dialer_in_use: whether the scenario dials at all; without a campaign no seat needs a licence.
        messages_per_day: money spent on a strategy's messages per day (None: none).
        field_per_day: money spent on a strategy's field agents per day (None: none).
        legal_per_day: money spent on a strategy's legal cases per day (None: none).
    """
    days = workforce.present.shape[0]
    wages_per_s = np.array([costs.wage_of(name) for name in workforce.group_names]) / HOUR_S
    dialer_groups = np.array([dialer_in_use and kind in DIALER_KINDS for kind in workforce.group_kinds], dtype=float)
    line_s = sum_by_day(inbound.talk_s, len(inbound.talk_s) // days)
    if phone_s_per_day is not None:
        line_s = line_s + phone_s_per_day
    attempts = np.zeros(days) if attempts_per_day is None else np.asarray(attempts_per_day, dtype=float)
    seat_days = (workforce.present + workforce.training).astype(float)
    return CostSeries(
        currency=costs.currency,
        wages=workforce.paid_s @ wages_per_s,
        bonuses=np.asarray(workforce.bonus, dtype=float),
        telephony=line_s / MINUTE_S * costs.telephony_per_minute + attempts * costs.telephony_per_attempt,
        dialer=workforce.present @ dialer_groups * costs.dialer_seat_per_day,
        hiring=workforce.hires.sum(axis=1) * costs.cost_per_hire,
        overhead=seat_days.sum(axis=1) * costs.overhead_per_seat_day,
        messages=np.zeros(days) if messages_per_day is None else np.asarray(messages_per_day, dtype=float),
        field=np.zeros(days) if field_per_day is None else np.asarray(field_per_day, dtype=float),
        legal=np.zeros(days) if legal_per_day is None else np.asarray(legal_per_day, dtype=float),
    )
