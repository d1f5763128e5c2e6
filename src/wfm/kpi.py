"""KPI definitions (DESIGN §7) computed from a RunResult: overall, by day and by interval.

One set of formulas serves all three levels: counters are summed over the rows of the level
(all intervals, the intervals of a day, one interval) and the ratios taken afterwards, so a
day's service level is answered-in-SL over offered of that day, never a mean of interval SLs.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from wfm.scenario.units import HOUR_S
from wfm.sim.result import COST_CATEGORIES, RunResult, sum_by_day

Unit = Literal["ratio", "seconds", "count", "agents", "money"]


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is called, how it is shown, and which direction is good."""

    key: str
    label: str
    unit: Unit
    higher_is_better: bool | None
    definition: str


KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("offered", "Inbound calls offered", "count", None, "calls reaching the queue, redials included"),
    KpiDef("answered", "Inbound calls answered", "count", None, "calls connected to an agent"),
    KpiDef("abandoned", "Inbound calls abandoned", "count", False, "callers who hung up while waiting"),
    KpiDef("answer_rate", "Answer rate", "ratio", True, "answered / offered"),
    KpiDef("abandon_rate", "Abandon rate", "ratio", False,
           "abandoned / offered (short abandons excluded from both when configured)"),
    KpiDef("service_level", "Service level", "ratio", True,
           "answered within the threshold / offered (short abandons excluded when configured)"),
    KpiDef("asa", "ASA", "seconds", False, "mean wait of answered calls"),
    KpiDef("aht", "AHT", "seconds", False, "(talk + after-call work) / handled calls, inbound and outbound"),
    KpiDef("occupancy", "Occupancy", "ratio", None,
           "handling time / (handling + idle + waiting on the dialer) of logged-in agents"),
    KpiDef("agents_available", "Agents available", "agents", None,
           "mean agents logged in and not on break (handling or idle)"),
    KpiDef("redials", "Redials", "count", None, "offered calls that are callbacks of abandoners"),
    # Workforce and costs: overall, by day and by week (not by interval).
    KpiDef("headcount", "Headcount", "agents", None, "mean employed agents at the start of the day, trainees included"),
    KpiDef("hires", "Hires", "count", None, "new hires arriving"),
    KpiDef("leavers", "Leavers", "count", None, "agents who resigned and left"),
    KpiDef("attrition", "Attrition (annualised)", "ratio", False, "leavers / average headcount × 365 / days"),
    KpiDef("absence_rate", "Absence rate", "ratio", False,
           "agent-shifts missed / agent-shifts rostered (training aside)"),
    KpiDef("stress_mean", "Stress (mean)", "ratio", False, "mean end-of-shift stress of the agents who worked"),
    KpiDef("stress_p90", "Stress (90th percentile)", "ratio", False,
           "90th percentile of end-of-shift stress of the agents who worked"),
    KpiDef("productivity", "Productivity", "ratio", True, "mean learning-curve productivity of the agents who worked"),
    KpiDef("training_days", "Training agent-days", "count", None, "agent-shifts spent in training class"),
    KpiDef("cost_total", "Total cost", "money", False, "sum of every cost category"),
    KpiDef("cost_wages", "Cost: wages", "money", False, "paid hours × wage (work, paid breaks, overrun, training)"),
    KpiDef("cost_bonuses", "Cost: bonuses", "money", False, "incentive bonuses earned"),
    KpiDef("cost_telephony", "Cost: telephony", "money", False, "line minutes and dial attempts"),
    KpiDef("cost_dialer", "Cost: dialer seats", "money", False, "dialer seat licences per seat-day"),
    KpiDef("cost_hiring", "Cost: hiring", "money", False, "hires × cost per hire"),
    KpiDef("cost_overhead", "Cost: overhead", "money", False, "seat-days × overhead per seat-day"),
    KpiDef("cost_messages", "Cost: messages", "money", False, "SMS, e-mail and letters sent by the strategy"),
    KpiDef("cost_field", "Cost: field", "money", False, "Field agents' shifts and kilometres for home visits"),
    KpiDef("cost_legal", "Cost: legal", "money", False,
           "Legal cases: placement fees, court costs, the lawyer's monthly fee, contingency on recoveries"),
    KpiDef("cost_per_call", "Cost per call", "money", False,
           "total cost / calls handled by agents (inbound and outbound)"),
    KpiDef("cost_to_collect", "Cost to collect", "money", False, "total cost / amount collected (NaN when nothing is)"),
)
# KPIs of people and money: reported overall, by day and by week, never by interval.
WORKFORCE_KPIS: tuple[str, ...] = tuple(k.key for k in KPI_DEFS[KPI_DEFS.index(next(
    k for k in KPI_DEFS if k.key == "headcount")):])
# Outbound KPIs (DESIGN §7); reported only by runs with an outbound campaign.
OUTBOUND_KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("aht_inbound", "AHT inbound", "seconds", False, "(talk + after-call work) / handled inbound calls"),
    KpiDef("aht_outbound", "AHT outbound", "seconds", False,
           "(talk + after-call work) / outbound calls handled by agents"),
    KpiDef("attempts", "Dial attempts", "count", None, "lines dialed (= sum of the outcomes)"),
    KpiDef("contact_rate", "Contact rate", "ratio", True, "live answers connected (RPC + third party) / attempts"),
    KpiDef("rpc_rate", "RPC rate", "ratio", True, "right-party contacts / attempts"),
    KpiDef("penetration", "Penetration", "ratio", True, "accounts with a first RPC / accounts in the portfolio"),
    KpiDef("attempts_per_account", "Attempts per account", "count", None, "attempts / callable accounts"),
    KpiDef("ptp_rate", "PTP rate", "ratio", True, "promises to pay / RPCs"),
    KpiDef("kept_rate", "Kept rate", "ratio", True, "promises kept / promises due (by due day)"),
    KpiDef("amount_collected", "Amount collected", "money", True, "payments of kept promises"),
    KpiDef("recovery_rate", "Recovery rate", "ratio", True, "amount collected / balance placed"),
    KpiDef("drop_rate", "Drop rate", "ratio", False,
           "dropped / live answers, AMD false positives in both (Ofcom's AMD-adjusted form)"),
    KpiDef("drop_rate_dialer", "Drop rate (dialer)", "ratio", False,
           "calls dropped for want of an agent / live answers, AMD false positives left out of both"),
    KpiDef("agent_wait", "Agent wait between calls", "seconds", False,
           "dialer waiting time (pool, preview, ringing) / outbound connects"),
    KpiDef("rpc_per_agent_hour", "RPCs per agent-hour", "count", True,
           "RPCs / hours agents spent on outbound (handling + waiting on the dialer)"),
    KpiDef("blocked_attempts", "Attempts blocked by rules", "count", None,
           "account-days a contact rule kept from being called (per rule in the result)"),
    KpiDef("violations", "Rule violations", "count", False, "attempts the audit found breaking a rule (must be 0)"),
)
# Collection-strategy KPIs (issue #12); reported only by runs with a strategy, overall.
STRATEGY_KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("messages_sent", "Messages sent", "count", None, "SMS, e-mails and letters sent"),
    KpiDef("message_delivery_rate", "Message delivery rate", "ratio", True, "messages delivered / sent"),
    KpiDef("message_response_rate", "Message response rate", "ratio", True,
           "delivered messages answered by a call, a payment or a promise / delivered"),
    KpiDef("opt_out_rate", "Opt-out rate", "ratio", False, "delivered messages answered by an opt-out / delivered"),
    KpiDef("debtor_calls", "Debtor calls from messages", "count", None,
           "identified debtors phoning the inbound line after a message"),
    KpiDef("reach_rate", "Reach (all channels)", "ratio", True,
           "accounts with a right-party conversation or a message response / accounts placed"),
    KpiDef("collected_digital", "Collected through messages", "money", True,
           "link payments and kept portal promises"),
    KpiDef("collected_self_cure", "Collected by self-cure", "money", None, "payments without any contact"),
    KpiDef("challenger_recovery_gain", "Challenger − champion recovery", "ratio", True,
           "recovery rate of the challenger's accounts − the champion's (same run: common random numbers)"),
)
KPI_DEFS = KPI_DEFS + OUTBOUND_KPI_DEFS + STRATEGY_KPI_DEFS
KPI_BY_KEY: dict[str, KpiDef] = {k.key: k for k in KPI_DEFS}

CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "BRL": "R$"}
"""Symbols of common currencies; any other currency is written with its ISO code ("COP 1,234.00")."""

NO_MINOR_UNITS = frozenset({"JPY", "KRW", "CLP", "VND", "ISK", "PYG", "UGX", "XOF", "XAF"})
"""ISO 4217 currencies without minor units: cents would be invented digits."""

DEFAULT_CURRENCY = "EUR"
"""The currency of a scenario that names none (`wfm.scenario.Costs.currency`)."""


def minor_units(currency: str) -> int:
    """Decimals an amount in `currency` is written with: 2, or 0 for yen-like currencies."""
    return 0 if currency.strip().upper() in NO_MINOR_UNITS else 2


def format_money(value: float, currency: str = DEFAULT_CURRENCY, decimals: int | None = None, *,
                 signed: bool = False) -> str:
    """An amount in `currency`: "$1,234.50", "COP 1,234.50"; with `signed`, "+$1.20" and "-$0.07".

    The sign stands before the symbol, as an amount is written; `decimals` defaults to the
    currency's minor units. The CLI, the GUI and the Excel formats (`wfm.report.styles`) share
    these symbols. An en dash when there is no value.
    """
    if math.isnan(value):
        return "–"
    code = currency.strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    sign = ("-" if value < 0 else "+") if signed else ("-" if value < 0 else "")
    places = minor_units(code) if decimals is None else decimals
    number = f"{abs(value):,.{places}f}"
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"


def format_kpi(value: float | None, definition: KpiDef, currency: str = DEFAULT_CURRENCY) -> str:
    """A KPI value in the unit a planner reads it in; an en dash when there is none (no calls, no rate).

    Shared by the CLI and the GUI so that both show a number the same way; money is written in
    `currency`, the scenario's (`wfm.views.currency_of` reads it from a summary).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if definition.unit == "ratio":
        return f"{value:.1%}"
    if definition.unit == "seconds":
        return f"{value:.1f} s"
    if definition.unit == "money":
        return format_money(value, currency)
    if definition.unit == "agents":
        return f"{value:.1f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


# Headline KPIs, in the order reports and the CLI show them.
# DESIGN's headline KPIs first, then the inbound and operational ones; a key a run does not
# have (no outbound in an inbound-only scenario) is skipped by whoever shows the list.
HEADLINE: tuple[str, ...] = (
    "contact_rate", "rpc_rate", "ptp_rate", "recovery_rate", "aht", "cost_per_call",
    "service_level", "answer_rate", "abandon_rate", "drop_rate", "occupancy", "attrition",
)

_COUNTERS = ("offered", "answered", "abandoned", "answered_in_sl", "abandoned_short", "wait_answered_s",
             "handled", "talk_s", "acw_s", "redials")
_STAFF = ("idle_s", "busy_s", "break_s", "absent_s", "dialing_s")
_OB_INTERVAL = ("attempts", "live", "dropped", "amd_fp", "third_party", "rpc", "ptp", "first_rpc", "ob_handled",
                "ob_talk_s", "ob_acw_s", "connects", "agent_wait_s")
_OB_DAY = ("promises_due", "promises_kept", "amount_collected")


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Num / den with NaN where the denominator is zero (no calls: no rate).

    The one division of every rate: KPIs here, derived tables in `wfm.views`.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def mean_over_runs(tables: Sequence[dict[str, np.ndarray]], labels: Collection[str] = ()) -> dict[str, np.ndarray]:
    """Column-wise mean over replications, NaN left out (NaN where no replication has a value).

    Label columns (`labels`: day numbers, dates) are taken from the first table. A rate
    averaged here is the mean of the replications' rates, as every KPI estimate is.
    """
    out: dict[str, np.ndarray] = {}
    for key in tables[0]:
        if key in labels:
            out[key] = tables[0][key]
            continue
        stack = np.vstack([np.asarray(t[key], dtype=float) for t in tables])
        valid = ~np.isnan(stack)
        counts = valid.sum(axis=0)
        mean = np.full(stack.shape[1], np.nan)
        np.divide(np.where(valid, stack, 0.0).sum(axis=0), counts, out=mean, where=counts > 0)
        out[key] = mean
    return out


def _grouped(result: RunResult, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Counters summed over blocks of intervals, block k beginning at interval `starts[k]`.

    One routine for every level (whole run, week, day, interval) keeps their formulas equal.
    """
    starts = np.asarray(starts, dtype=np.intp)

    def block(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(values), starts)

    sums: dict[str, np.ndarray] = {name: block(getattr(result.inbound, name)) for name in _COUNTERS}
    sums.update({name: block(getattr(result.staff, name)) for name in _STAFF})
    ob = result.outbound
    if ob is not None:
        series = {
            "attempts": ob.attempts, "live": ob.live, "dropped": ob.outcome("dropped"), "amd_fp": ob.amd_false_positive,
            "third_party": ob.outcome("third_party"), "rpc": ob.outcome("rpc"), "ptp": ob.ptp,
            "first_rpc": ob.first_rpc, "ob_handled": ob.handled, "ob_talk_s": ob.talk_s, "ob_acw_s": ob.acw_s,
            "connects": ob.connects, "agent_wait_s": ob.agent_wait_s,
        }
        for name in _OB_INTERVAL:
            sums[name] = block(series[name])
        per_day = result.intervals_per_day
        whole_days = bool(np.all(starts % per_day == 0))  # day-level counters: only for whole days
        for name in _OB_DAY:
            daily = getattr(ob, name).astype(float)
            sums[name] = np.add.reduceat(daily, starts // per_day) if whole_days else np.full(len(starts), np.nan)
    return sums


def _outbound_kpis(sums: dict[str, np.ndarray], result: RunResult) -> dict[str, np.ndarray]:
    ob = result.outbound
    assert ob is not None
    connected = sums["third_party"] + sums["rpc"]
    outbound_hours = (sums["ob_talk_s"] + sums["ob_acw_s"] + sums["agent_wait_s"]) / HOUR_S
    size = sums["attempts"].shape
    return {
        "aht_inbound": ratio(sums["talk_s"] + sums["acw_s"], sums["handled"]),
        "aht_outbound": ratio(sums["ob_talk_s"] + sums["ob_acw_s"], sums["ob_handled"]),
        "aht": ratio(sums["talk_s"] + sums["acw_s"] + sums["ob_talk_s"] + sums["ob_acw_s"],
                      sums["handled"] + sums["ob_handled"]),
        "attempts": sums["attempts"].astype(float),
        "contact_rate": ratio(connected, sums["attempts"]),
        "rpc_rate": ratio(sums["rpc"], sums["attempts"]),
        "penetration": ratio(sums["first_rpc"], np.full(size, ob.accounts)),
        "attempts_per_account": ratio(sums["attempts"], np.full(size, ob.callable_accounts)),
        "ptp_rate": ratio(sums["ptp"], sums["rpc"]),
        "kept_rate": ratio(sums["promises_kept"], sums["promises_due"]),
        "amount_collected": sums["amount_collected"],
        "recovery_rate": ratio(sums["amount_collected"], np.full(size, ob.balance_placed)),
        "drop_rate": ratio(sums["dropped"], sums["live"]),
        "drop_rate_dialer": ratio(sums["dropped"] - sums["amd_fp"], sums["live"] - sums["amd_fp"]),
        "agent_wait": ratio(sums["agent_wait_s"], sums["connects"]),
        "rpc_per_agent_hour": ratio(sums["rpc"], outbound_hours),
    }


def _kpis_from_sums(sums: dict[str, np.ndarray], result: RunResult, span_s: float) -> dict[str, np.ndarray]:
    short = sums["abandoned_short"] if result.exclude_short_abandons else np.zeros_like(sums["abandoned_short"])
    offered_net = sums["offered"] - short
    return {
        "offered": sums["offered"].astype(float),
        "answered": sums["answered"].astype(float),
        "abandoned": sums["abandoned"].astype(float),
        "answer_rate": ratio(sums["answered"], sums["offered"]),
        "abandon_rate": ratio(sums["abandoned"] - short, offered_net),
        "service_level": ratio(sums["answered_in_sl"], offered_net),
        "asa": ratio(sums["wait_answered_s"], sums["answered"]),
        "aht": ratio(sums["talk_s"] + sums["acw_s"], sums["handled"]),
        "occupancy": ratio(sums["busy_s"], sums["busy_s"] + sums["idle_s"] + sums["dialing_s"]),
        "agents_available": (sums["busy_s"] + sums["idle_s"] + sums["dialing_s"]) / span_s,
        "redials": sums["redials"].astype(float),
    } | (_outbound_kpis(sums, result) if result.outbound is not None else {})


def _workforce_kpis(result: RunResult, day_starts: np.ndarray) -> dict[str, np.ndarray]:
    """Workforce and cost KPIs over blocks of days starting at `day_starts`.

    Means over agents (stress, productivity) are pooled: each day's mean weighs by the
    agents who worked that day, so a block's value is the mean over its worked shifts.
    """
    wf, costs = result.workforce, result.costs
    n_days = wf.present.shape[0]
    if n_days == 0:
        return {key: np.full(len(day_starts), np.nan) for key in WORKFORCE_KPIS}

    def block(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(values, dtype=float), day_starts, axis=0)

    days = np.diff(np.append(day_starts, n_days)).astype(float)
    present = wf.present.sum(axis=1)
    headcount = block(wf.headcount.sum(axis=(1, 2))) / days
    leavers = block(wf.leavers.sum(axis=1))
    worked = block(present)
    total = block(costs.total)
    per_day = result.intervals_per_day
    handled_per_day = sum_by_day(result.inbound.handled, per_day)
    collected_per_day = wf.euros_collected
    if result.outbound is not None:
        handled_per_day = handled_per_day + sum_by_day(result.outbound.handled, per_day)
        collected_per_day = result.outbound.amount_collected
    handled = block(handled_per_day)
    table = {
        "headcount": headcount,
        "hires": block(wf.hires.sum(axis=1)),
        "leavers": leavers,
        "attrition": ratio(leavers * 365 / days, headcount),
        "absence_rate": ratio(block(wf.absent.sum(axis=1)), block(wf.absent.sum(axis=1) + present)),
        "stress_mean": ratio(block(np.nan_to_num(wf.stress_mean) * present), worked),
        "productivity": ratio(block(np.nan_to_num(wf.productivity_mean) * present), worked),
        "training_days": block(wf.training.sum(axis=1)),
        "cost_total": total,
        "cost_per_call": ratio(total, handled),
        "cost_to_collect": ratio(total, block(collected_per_day)),
    }
    # A block's 90th percentile is only exact per day or over the whole run (histogram); a week
    # shows the mean of its daily values.
    table["stress_p90"] = block(np.nan_to_num(wf.stress_p90) * present) / np.where(worked > 0, worked, np.nan)
    for category in COST_CATEGORIES:
        table[f"cost_{category}"] = block(getattr(costs, category))
    return {key: table[key] for key in WORKFORCE_KPIS}


def histogram_quantile(counts: np.ndarray, q: float) -> float:
    """Quantile of stress values from `WorkforceSeries.stress_histogram`, linear within a bin.

    Bin 0 holds the values exactly 0 (stress off, or fully recovered); the other bins split
    (0, 1] evenly.
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    if total <= 0:
        return float("nan")
    target = q * total
    if target <= counts[0]:
        return 0.0
    cumulative = np.cumsum(counts)
    i = int(np.searchsorted(cumulative, target))
    within = (target - cumulative[i - 1]) / counts[i]
    return float((i - 1 + within) / (len(counts) - 1))


def overall(result: RunResult) -> dict[str, float]:
    """Every KPI over the whole horizon.

    `agents_available` is averaged over the open intervals only (those with offered calls
    or agents logged in), since a 24-hour average says nothing to a planner.
    """
    sums = _grouped(result, np.array([0]))
    kpis = {k: float(v[0]) for k, v in _kpis_from_sums(sums, result, result.horizon_s).items()}
    per_interval = by_interval(result)
    active = (per_interval["agents_available"] > 0) | (per_interval["offered"] > 0)
    kpis["agents_available"] = float(per_interval["agents_available"][active].mean()) if active.any() else 0.0
    if result.outbound is not None:
        kpis["blocked_attempts"] = float(result.outbound.blocked.sum())
        kpis["violations"] = float(result.outbound.violations.sum())
    kpis.update({k: float(v[0]) for k, v in _workforce_kpis(result, np.array([0])).items()})
    kpis["stress_p90"] = histogram_quantile(result.workforce.stress_histogram, 0.9)
    if result.strategy is not None:
        kpis.update(strategy_kpis(result))
    return kpis


def strategy_kpis(result: RunResult) -> dict[str, float]:
    """The collection strategy's KPIs over the run (see `STRATEGY_KPI_DEFS`)."""
    s = result.strategy
    assert s is not None
    sent, delivered = float(s.sent.sum()), float(s.delivered.sum())
    answered = s.responses.sum(axis=(0, 1))
    accounts = float(s.path_accounts.sum() + s.untreated)
    arm_rate = ratio(s.arm_collected, s.arm_balance)
    return {
        "messages_sent": sent,
        "message_delivery_rate": float(ratio(np.array(delivered), np.array(sent))),
        "message_response_rate": float(ratio(np.array(answered[:3].sum()), np.array(delivered))),
        "opt_out_rate": float(ratio(np.array(answered[3]), np.array(delivered))),
        "debtor_calls": float(s.debtor_calls.sum()),
        "reach_rate": float(ratio(np.array(float(s.path_rpc_accounts.sum())), np.array(accounts))),
        "collected_digital": float(s.collected[[0, 2]].sum()),
        "collected_self_cure": float(s.collected[1].sum()),
        "challenger_recovery_gain": float(arm_rate[1] - arm_rate[0]) if s.arm_accounts.min() > 0 else math.nan,
    }


def outbound_by_segment(result: RunResult) -> dict[str, np.ndarray]:
    """Outbound KPI columns with one row per risk segment (empty without outbound)."""
    ob = result.outbound
    if ob is None:
        return {}
    seg = ob.segments
    return {
        "segment": np.array(seg.names),
        "accounts": seg.accounts.astype(float),
        "attempts": seg.attempts.astype(float),
        "rpc_rate": ratio(seg.rpc, seg.attempts),
        "contact_rate": ratio(seg.live - seg.dropped, seg.attempts),
        "penetration": ratio(seg.accounts_with_rpc, seg.accounts),
        "ptp_rate": ratio(seg.ptp, seg.rpc),
        "kept_rate": ratio(seg.promises_kept, seg.promises_due),
        "amount_collected": seg.collected.astype(float),
        "recovery_rate": ratio(seg.collected, seg.balance_placed),
        "drop_rate": ratio(seg.dropped, seg.live),
    }


def outbound_by_hour(result: RunResult) -> dict[str, np.ndarray]:
    """Outbound KPI columns with one row per hour of day (center time), over all days."""
    if result.outbound is None:
        return {}
    sums = _grouped(result, np.arange(result.n_intervals))
    per_hour = HOUR_S // result.interval_s
    hour = (np.arange(result.n_intervals) // per_hour) % 24
    hourly = {k: np.bincount(hour, weights=v.astype(float), minlength=24) for k, v in sums.items()
              if k in _OB_INTERVAL or k in _COUNTERS}
    table = _outbound_kpis(hourly | {name: np.full(24, np.nan) for name in _OB_DAY}, result)
    table["hour"] = np.arange(24)
    return table


def by_day(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per simulated day, plus `day` and `date` columns."""
    per_day = result.intervals_per_day
    sums = _grouped(result, np.arange(0, result.n_intervals, per_day))
    open_s = np.maximum(
        ((result.staff.idle_s + result.staff.busy_s).reshape(-1, per_day) > 0).sum(axis=1) * result.interval_s,
        1,
    )
    table = _kpis_from_sums(sums, result, open_s)
    n_days = len(table["offered"])
    table.update(_workforce_kpis(result, np.arange(n_days)))
    table["stress_p90"] = np.asarray(result.workforce.stress_p90, dtype=float).copy() if n_days else np.zeros(0)
    start = date.fromisoformat(result.start_date)
    table["day"] = np.arange(n_days)
    table["date"] = np.array([(start + timedelta(days=d)).isoformat() for d in range(n_days)])
    return table


def by_interval(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per reporting interval, plus `interval` and `start_s` columns."""
    sums = _grouped(result, np.arange(result.n_intervals))
    table = _kpis_from_sums(sums, result, float(result.interval_s))
    table["interval"] = np.arange(result.n_intervals)
    table["start_s"] = table["interval"] * result.interval_s
    return table


def by_week(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per week of 7 simulated days (the last may be shorter).

    Adds `week` (0-based) and `start_date` columns. Counters are summed over the week before
    taking ratios, as for days.
    """
    per_day = result.intervals_per_day
    n_days = result.n_intervals // per_day
    day_starts = np.arange(0, n_days, 7)
    starts = day_starts * per_day
    sums = _grouped(result, starts)
    open_intervals = ((result.staff.idle_s + result.staff.busy_s) > 0).astype(float)
    open_s = np.maximum(np.add.reduceat(open_intervals, starts) * result.interval_s, 1)
    table = _kpis_from_sums(sums, result, open_s)
    table.update(_workforce_kpis(result, day_starts))
    start = date.fromisoformat(result.start_date)
    table["week"] = np.arange(len(day_starts))
    table["start_date"] = np.array([(start + timedelta(days=int(d))).isoformat() for d in day_starts])
    return table


def headcount_table(result: RunResult, days_per_row: int = 1) -> dict[str, np.ndarray]:
    """Mean headcount per row of `days_per_row` days (1: by day, 7: by week), by group and by tenure band.

    Columns: `day` (first day of the row), one column per group name, one per tenure band label.
    """
    wf = result.workforce
    n_days = wf.headcount.shape[0]
    starts = np.arange(0, n_days, days_per_row)
    days = np.diff(np.append(starts, n_days)).astype(float)
    table: dict[str, np.ndarray] = {"day": starts}
    if n_days == 0:
        return table
    by_group = np.add.reduceat(wf.headcount.sum(axis=2), starts, axis=0) / days[:, None]
    by_band = np.add.reduceat(wf.headcount.sum(axis=1), starts, axis=0) / days[:, None]
    for i, name in enumerate(wf.group_names):
        table[name] = by_group[:, i]
    for i, band in enumerate(wf.tenure_bands):
        table[band] = by_band[:, i]
    return table
