"""The collection strategy's tables: channels, paths, champion against challenger, money by cause.

Means over replications, as every KPI; the champion/challenger difference is paired inside
each replication (both arms share the run's calls, agents and random numbers) and carries a
95% interval over the replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Estimate, Summary
from wfm.sim.collections.field import FIELD_OUTCOMES
from wfm.sim.collections.result import ARMS, CAUSES, OFFER_COUNTS, RESPONSES, STATUS_BUCKETS, StrategySeries
from wfm.views.common import kpi_interval

OFFER_LABELS = {"plans": "Payment plans started", "instalments_kept": "Instalments kept",
                "instalments_broken": "Instalments broken (plan ended)", "settlements": "Settlements agreed",
                "reminders": "Reminders sent before a due date", "rescued": "Promises a reminder saved",
                "discount_given": "Balance written off by kept settlements"}
BUCKET_LABELS = {"not_reached": "Not reached", "reached": "Reached, open", "promised": "Promised / in a plan",
                 "paid": "Paid or settled", "closed": "Disputed or unreachable", "returned": "Returned to client"}
FIELD_LABELS = {"visits": "Visits", "nobody_home": "Nobody home", "wrong_address": "Wrong address",
                "third_party": "Someone else opened", "paid": "Paid at the door", "promise": "Promise",
                "refusal": "Refusal", "dispute": "Dispute", "void": "Void (closed or promised meanwhile)",
                "km": "Kilometres driven", "cost": "Field cost (shifts and km)",
                "collected": "Collected by visits (at the door, promises kept)",
                "cost_per_euro": "Field cost per euro collected by visits"}
CHANNEL_LABELS = {"sms": "SMS", "email": "E-mail", "letter": "Letter", "registered_letter": "Registered letter"}
CAUSE_LABELS = {"link_payment": "Payment through a message link", "self_cure": "Self-cure (no contact)",
                "portal_promise": "Promise through the portal, kept",
                "inbound_promise": "Promise on a debtor's call, kept",
                "field_visit": "Home visit: paid at the door or promise kept",
                "dialer": "Promise on a dialer call, kept"}


def strategies(summary: Summary) -> list[StrategySeries] | None:
    """The runs' strategy series, or None when the experiment ran no strategy."""
    series = [run.strategy for run in summary.runs]
    if not series or any(s is None for s in series):
        return None
    return [s for s in series if s is not None]


@dataclass(frozen=True)
class StrategyView:
    """Everything the strategy sheet and tab show.

    Attributes:
        channels: one row per channel: sent, delivered, delivery rate, responses by kind, response
            rate, opt-out rate, cost, cost per response (means over replications).
        paths: one row per path: accounts, balance placed, collected, recovery rate, message cost,
            attempts per account, reach rate, message cost per euro collected.
        arms: one row per arm (champion, challenger) like `paths`; empty without a challenger.
        challenger_gain: challenger − champion recovery rate, paired per replication; None without one.
        causes: money collected per cause (dialer promises are the rest of the campaign's money).
        sent_by_day: messages sent per day and channel, shape (channels, days).
        debtor_calls_by_day: identified debtors' calls per day.
        untreated: accounts in no path (mean).
        offers: payment plans, instalments kept and broken, settlements, reminders and promises
            saved (means), with `discount_given` (balance written off by kept settlements).
        liquidation: cumulative share of the placed balance collected by days on book.
        field: home visits (means over replications): visits, each outcome, km, cost, money
            collected at the door or by a visit's promise kept, and the cost per euro so collected;
            empty without a field team.
    """

    channels: dict[str, np.ndarray]
    paths: dict[str, np.ndarray]
    arms: dict[str, np.ndarray]
    challenger_gain: Estimate | None
    causes: dict[str, float]
    sent_by_day: np.ndarray
    debtor_calls_by_day: np.ndarray
    untreated: float
    offers: dict[str, float]
    liquidation: Liquidation
    field: dict[str, float]


def strategy_view(summary: Summary) -> StrategyView | None:
    """The strategy's tables, or None without a strategy."""
    series = strategies(summary)
    if series is None:
        return None
    channels = kpi.mean_over_runs([_channel_table(s) for s in series], ("channel",))
    paths = kpi.mean_over_runs([_group_table(s.path_names, s.path_accounts, s.path_balance, s.path_collected,
                                             s.path_message_cost, s.path_attempts, s.path_rpc_accounts)
                                for s in series], ("path",))
    has_arms = all(s.arm_accounts.min() > 0 for s in series)
    arms: dict[str, np.ndarray] = {}
    gain = None
    if has_arms:
        arms = kpi.mean_over_runs([_group_table(ARMS, s.arm_accounts, s.arm_balance, s.arm_collected,
                                                s.arm_message_cost, s.arm_attempts, None) for s in series], ("path",))
        gain = Estimate.of([_rate(s.arm_collected[1], s.arm_balance[1]) - _rate(s.arm_collected[0], s.arm_balance[0])
                            for s in series])
    causes = {name: float(np.mean([s.collected[k].sum() for s in series])) for k, name in enumerate(CAUSES)}
    campaign = [run.outbound.amount_collected.sum() for run in summary.runs if run.outbound is not None]
    causes["dialer"] = float(np.mean(campaign)) - sum(causes.values())
    return StrategyView(
        channels=channels, paths=paths, arms=arms, challenger_gain=gain, causes=causes,
        sent_by_day=np.mean([s.sent for s in series], axis=0),
        debtor_calls_by_day=np.mean([s.debtor_calls for s in series], axis=0),
        untreated=float(np.mean([s.untreated for s in series])),
        offers={**{k: float(np.mean([s.offers[k] for s in series])) for k in OFFER_COUNTS},
                "discount_given": float(np.mean([s.discount_given for s in series]))},
        liquidation=liquidation(series, segment_names(summary)),
        field=field_visits(series),
    )


def field_visits(series: list[StrategySeries]) -> dict[str, float]:
    """Home visits over the run, mean over replications (empty when no run had a field team)."""
    if not any(s.field_visits.sum() or s.field_cost.sum() for s in series):
        return {}
    cause = CAUSES.index("field_visit")
    out = {"visits": float(np.mean([s.field_visits.sum() for s in series]))}
    for k, name in enumerate(FIELD_OUTCOMES):
        out[name] = float(np.mean([s.field_outcomes[:, k].sum() if s.field_outcomes.size else 0.0 for s in series]))
    out["km"] = float(np.mean([s.field_km.sum() for s in series]))
    out["cost"] = float(np.mean([s.field_cost.sum() for s in series]))
    out["collected"] = float(np.mean([s.collected[cause].sum() for s in series]))
    out["cost_per_euro"] = out["cost"] / out["collected"] if out["collected"] > 0 else float("nan")
    return out


@dataclass(frozen=True)
class Liquidation:
    """How fast the placed balance comes in, and how accounts move between status buckets.

    Attributes:
        days_on_book: 0, 1, … up to the longest a batch was on book in the run.
        by_batch: per batch, the share of its placed balance collected by the end of each day on
            book (NaN past the run's end for that batch); mean over replications.
        by_segment: the same per segment, over the batches that had been on book that long.
        status_by_week: placed accounts per status bucket at the start of each week (last row: the
            run's end), mean over replications.
        roll_rates: share of the accounts in each bucket a week that are in each bucket the next
            (rows: from, columns: to), over every week of every replication.
        buckets: the bucket names.
    """

    days_on_book: np.ndarray
    by_batch: dict[str, np.ndarray]
    by_segment: dict[str, np.ndarray]
    status_by_week: np.ndarray
    roll_rates: np.ndarray
    buckets: tuple[str, ...]


def segment_names(summary: Summary) -> tuple[str, ...]:
    """The campaign's segment names (from the first run with a campaign)."""
    for run in summary.runs:
        if run.outbound is not None:
            return run.outbound.segments.names
    return ()


def liquidation(series: list[StrategySeries], segments: tuple[str, ...]) -> Liquidation:
    """Liquidation curves per batch and segment, status counts per week and roll rates (see `Liquidation`)."""
    first = series[0]
    n_days = first.collected_by_batch.shape[2]
    start = first.batch_day
    span = n_days - int(start.min()) if len(start) else 0
    by_batch: dict[str, np.ndarray] = {}
    for b, name in enumerate(first.batch_names):
        curves = [_batch_curve(s, b) for s in series]
        by_batch[name] = np.mean(curves, axis=0)
    by_segment: dict[str, np.ndarray] = {}
    for k, name in enumerate(segments or tuple(str(i) for i in range(first.collected_by_batch.shape[1]))):
        by_segment[name] = np.mean([_segment_curve(s, k, span) for s in series], axis=0)
    weeks = min(len(s.status_by_week) for s in series)
    roll = np.sum([s.roll for s in series], axis=0).astype(float)
    return Liquidation(
        days_on_book=np.arange(span), by_batch={k: v[:span] for k, v in by_batch.items()}, by_segment=by_segment,
        status_by_week=np.mean([s.status_by_week[:weeks] for s in series], axis=0),
        roll_rates=kpi.ratio(roll, roll.sum(axis=1, keepdims=True)), buckets=STATUS_BUCKETS,
    )


def _batch_curve(s: StrategySeries, b: int) -> np.ndarray:
    n_days = s.collected_by_batch.shape[2]
    day = int(s.batch_day[b])
    out = np.full(n_days, np.nan)
    balance = s.batch_balance[b].sum()
    if balance > 0:
        out[: n_days - day] = np.cumsum(s.collected_by_batch[b].sum(axis=0)[day:]) / balance
    return out


def _segment_curve(s: StrategySeries, k: int, span: int) -> np.ndarray:
    """Collected / placed by day on book over the batches on book that long (NaN when none was)."""
    n_days = s.collected_by_batch.shape[2]
    collected = np.zeros(span)
    placed = np.zeros(span)
    for b, day in enumerate(s.batch_day.tolist()):
        length = n_days - day
        collected[:length] += np.cumsum(s.collected_by_batch[b, k, day:])
        placed[:length] += s.batch_balance[b, k]
    return kpi.ratio(collected, placed)


def gain_verdict(gain: Estimate) -> str:
    """What the paired challenger − champion interval says, in words (the sheet, the tab and the CLI agree)."""
    low, high = kpi_interval("challenger_recovery_gain", gain)
    if math.isnan(low):
        return "no interval from one replication"
    return ("the challenger recovers more" if low > 0 else "the champion recovers more" if high < 0
            else "no difference shown at 95%")


def _rate(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def _channel_table(s: StrategySeries) -> dict[str, np.ndarray]:
    sent = s.sent.sum(axis=1).astype(float)
    delivered = s.delivered.sum(axis=1).astype(float)
    responses = s.responses.sum(axis=1).astype(float)  # (channels, kinds)
    answered = responses[:, :3].sum(axis=1)
    cost = s.message_cost.sum(axis=1)
    table = {
        "channel": np.array([CHANNEL_LABELS.get(c, c) for c in s.channel_names]),
        "sent": sent,
        "delivered": delivered,
        "delivery_rate": kpi.ratio(delivered, sent),
        "response_rate": kpi.ratio(answered, delivered),
        "opt_out_rate": kpi.ratio(responses[:, 3], delivered),
        "cost": cost,
        "cost_per_response": kpi.ratio(cost, answered),
    }
    for k, kind in enumerate(RESPONSES):
        table[f"responses_{kind}"] = responses[:, k]
    return table


def _group_table(names: tuple[str, ...], accounts: np.ndarray, balance: np.ndarray, collected: np.ndarray,
                 message_cost: np.ndarray, attempts: np.ndarray, reached: np.ndarray | None) -> dict[str, np.ndarray]:
    accounts = accounts.astype(float)
    table = {
        "path": np.array(names),
        "accounts": accounts,
        "balance": balance.astype(float),
        "collected": collected.astype(float),
        "recovery_rate": kpi.ratio(collected, balance),
        "message_cost": message_cost.astype(float),
        "attempts_per_account": kpi.ratio(attempts, accounts),
        "message_cost_per_euro": kpi.ratio(message_cost, collected),
    }
    if reached is not None:
        table["reach_rate"] = kpi.ratio(reached, accounts)
    return table
