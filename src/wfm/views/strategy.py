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
from wfm.sim.collections.field import FIELD_LOG, FIELD_OUTCOMES
from wfm.sim.collections.result import ARMS, CAUSES, OFFER_COUNTS, RESPONSES, STATUS_BUCKETS, StrategySeries
from wfm.views.common import NON_NEGATIVE, SHARE, Band, kpi_interval

OFFER_LABELS = {"plans": "Payment plans started", "instalments_kept": "Instalments kept",
                "instalments_broken": "Instalments broken (plan ended)", "settlements": "Settlements agreed",
                "reminders": "Reminders sent before a due date", "rescued": "Promises a reminder saved",
                "discount_given": "Balance written off by kept settlements"}
BUCKET_LABELS = {"not_reached": "Not reached", "reached": "Reached, open", "promised": "Promised / in a plan",
                 "paid": "Paid or settled",
                 "closed": "Disputed, unreachable or with legal", "returned": "Returned to client"}
FIELD_LABELS = {"visits": "Visits", "nobody_home": "Nobody home", "wrong_address": "Wrong address",
                "third_party": "Someone else opened", "paid": "Paid at the door", "promise": "Promise",
                "refusal": "Refusal", "dispute": "Dispute", "void": "Void (closed or promised meanwhile)",
                "km": "Kilometres driven", "cost": "Field cost (shifts and km)",
                "collected": "Collected by visits (at the door, promises kept)",
                "cost_per_euro": "Field cost per euro collected by visits"}
CHANNEL_LABELS = {"sms": "SMS", "email": "E-mail", "letter": "Letter", "registered_letter": "Registered letter"}
LEGAL_LABELS = {"handed": "Accounts handed to legal", "resolved": "Cases ended", "recovered": "Cases ended with money",
                "pending": "Cases pending at the run's end (outcome past the horizon)",
                "collected": "Collected by legal", "cost": "Legal cost (fees, court, lawyer, contingency)",
                "cost_per_euro": "Legal cost per euro collected by legal"}
CAUSE_LABELS = {"link_payment": "Payment through a message link", "self_cure": "Self-cure (no contact)",
                "portal_promise": "Promise through the portal, kept",
                "inbound_promise": "Promise on a debtor's call, kept",
                "field_visit": "Home visit: paid at the door or promise kept",
                "legal": "Legal action: cases ended with money",
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
        legal: legal cases (means over replications): handed over, ended, ended with money, pending
            at the run's end, money collected, cost and cost per euro; empty without legal action.
        field_view: home visits per visit with intervals, by outcome and day, and the visited
            addresses (`FieldView`); None without a field team.
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
    legal: dict[str, float]
    field_view: FieldView | None = None


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
        legal=legal_cases(series),
        field_view=field_view(series),
    )


def legal_cases(series: list[StrategySeries]) -> dict[str, float]:
    """Legal cases over the run, mean over replications (empty when no run had legal action).

    A case still open at the run's end is pending: its outcome lies past the horizon, so it
    counts neither as recovered nor as lost.
    """
    if not any(len(s.legal_handed) for s in series):
        return {}
    cause = CAUSES.index("legal")

    def mean(values: list[float]) -> float:
        return float(np.mean(values))

    out = {"handed": mean([s.legal_handed.sum() for s in series]),
           "resolved": mean([s.legal_resolved.sum() for s in series]),
           "recovered": mean([s.legal_recovered.sum() for s in series]),
           "pending": mean([s.legal_pending for s in series]),
           "collected": mean([s.collected[cause].sum() for s in series]),
           "cost": mean([s.legal_cost.sum() for s in series])}
    per_run = [s.legal_cost.sum() / s.collected[cause].sum() for s in series if s.collected[cause].sum() > 0]
    out["cost_per_euro"] = mean(per_run) if per_run else float("nan")  # each run's ratio, as every KPI
    return out


FIELD_KPIS: tuple[str, ...] = ("visits", "contact_rate", "promise_rate", "paid_rate", "km", "km_per_visit", "cost",
                               "cost_per_visit", "collected", "collected_per_visit", "cost_per_euro", "utilisation",
                               "violations")
"""The field team's KPIs over a run, in the order of `FieldView.kpis`."""
FIELD_SHARES = frozenset({"contact_rate", "promise_rate", "paid_rate", "utilisation"})
"""Those that are shares (intervals within 0–100%); the others are counts or money (never below zero)."""
FIELD_KPI_LABELS = {
    "visits": "Visits", "contact_rate": "Debtor reached per visit", "promise_rate": "Promise per visit",
    "paid_rate": "Paid at the door per visit", "km": "Kilometres driven", "km_per_visit": "Kilometres per visit",
    "cost": "Field cost (shifts and km)", "cost_per_visit": "Field cost per visit",
    "collected": "Collected by visits (at the door, promises kept)", "collected_per_visit": "Collected per visit",
    "cost_per_euro": "Field cost per euro collected by visits",
    "utilisation": "Field agent utilisation (driving and visiting / paid shift)",
    "violations": "Visits breaking a visit rule (auditor)",
}
FIELD_MONEY = frozenset({"cost", "cost_per_visit", "collected", "collected_per_visit", "cost_per_euro"})
REACHED_OUTCOMES: tuple[str, ...] = ("paid", "promise", "refusal", "dispute")
"""The visits that reached the debtor at the door (the contact rate's numerator)."""
FIELD_OUTCOME_COLORS = {"nobody_home": "#9e9e9e", "wrong_address": "#8c564b", "third_party": "#9467bd",
                        "paid": "#2ca02c", "promise": "#1f77b4", "refusal": "#ff7f0e", "dispute": "#d62728",
                        "void": "#e6c229"}
"""Each outcome's colour, shared by the sheet's chart and the tab's map so an outcome looks the same in both."""


def field_run(s: StrategySeries) -> dict[str, float]:
    """One run's field KPIs (`FIELD_KPIS`): rates are ratios of the run's sums (NaN when the denominator is 0).

    Every visit made counts in the per-visit rates, void ones too (the agent went for nothing).
    Utilisation is the agents' driving and visiting time over their paid shifts.
    """
    visits = float(s.field_visits.sum())
    outcome = {name: float(s.field_outcomes[:, k].sum()) if s.field_outcomes.size else 0.0
               for k, name in enumerate(FIELD_OUTCOMES)}
    km, cost = float(s.field_km.sum()), float(s.field_cost.sum())
    collected = float(s.collected[CAUSES.index("field_visit")].sum())
    return {
        "visits": visits, "contact_rate": _rate(sum(outcome[k] for k in REACHED_OUTCOMES), visits),
        "promise_rate": _rate(outcome["promise"], visits), "paid_rate": _rate(outcome["paid"], visits),
        "km": km, "km_per_visit": _rate(km, visits), "cost": cost, "cost_per_visit": _rate(cost, visits),
        "collected": collected, "collected_per_visit": _rate(collected, visits),
        "cost_per_euro": _rate(cost, collected),
        "utilisation": _rate(float(s.field_busy_s.sum()), float(s.field_paid_s.sum())),
        "violations": float(s.field_violations.sum()),
    }


@dataclass(frozen=True)
class FieldView:
    """What the field team did, for the sheet's per-visit table and chart and the tab's map.

    Attributes:
        kpis: `FIELD_KPIS`, each run's value averaged over replications with its 95% interval
            (shares within 0–100%, the rest not below zero; no interval from one replication).
        replications: runs averaged.
        outcomes: the outcome names (`FIELD_OUTCOMES`), the last axis of `by_day`.
        by_day: visits per day and outcome, shape (days, outcomes), mean over replications.
        points: the first replication's visits (`FIELD_LOG` rows): where, who and what was found.
        bases: where the agents' routes start and end, (x, y) km rows.
    """

    kpis: Band
    replications: int
    outcomes: tuple[str, ...]
    by_day: np.ndarray
    points: np.ndarray
    bases: np.ndarray

    def mean(self, key: str) -> float:
        """The KPI's mean over replications."""
        return float(self.kpis.mean[FIELD_KPIS.index(key)])

    def interval(self, key: str) -> tuple[float, float]:
        """The KPI's 95% interval (equal to the mean with one replication)."""
        k = FIELD_KPIS.index(key)
        return float(self.kpis.low[k]), float(self.kpis.high[k])


def field_view(series: list[StrategySeries]) -> FieldView | None:
    """The field team's per-visit KPIs, visits by day and outcome, and the map (None without a field team)."""
    if not series or any(s.field_log is None for s in series):
        return None
    runs = [field_run(s) for s in series]
    rows = np.array([[run[k] for k in FIELD_KPIS] for run in runs])
    shares, amounts = Band.of(rows, SHARE), Band.of(rows, NON_NEGATIVE)
    is_share = np.array([k in FIELD_SHARES for k in FIELD_KPIS])
    kpis = Band(mean=amounts.mean, low=np.where(is_share, shares.low, amounts.low),
                high=np.where(is_share, shares.high, amounts.high))
    first = series[0]
    return FieldView(kpis=kpis, replications=len(series), outcomes=FIELD_OUTCOMES,
                     by_day=np.mean([s.field_outcomes for s in series], axis=0),
                     points=first.field_log if first.field_log is not None else np.zeros(0, dtype=FIELD_LOG),
                     bases=first.field_bases)


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
