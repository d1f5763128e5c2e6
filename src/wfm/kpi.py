"""KPI definitions (DESIGN §7) computed from a RunResult: overall, by day and by interval.

One set of formulas serves all three levels: counters are summed over the rows of the level
(all intervals, the intervals of a day, one interval) and the ratios taken afterwards, so a
day's service level is answered-in-SL over offered of that day, never a mean of interval SLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from wfm.sim.result import RunResult

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
)
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
KPI_DEFS = KPI_DEFS + OUTBOUND_KPI_DEFS
KPI_BY_KEY: dict[str, KpiDef] = {k.key: k for k in KPI_DEFS}

# Headline KPIs, in the order reports and the CLI show them.
HEADLINE: tuple[str, ...] = (
    "offered", "answer_rate", "abandon_rate", "service_level", "asa", "aht", "occupancy",
)

_COUNTERS = ("offered", "answered", "abandoned", "answered_in_sl", "abandoned_short", "wait_answered_s",
             "handled", "talk_s", "acw_s", "redials")
_STAFF = ("idle_s", "busy_s", "break_s", "absent_s", "dialing_s")
_OB_INTERVAL = ("attempts", "live", "dropped", "amd_fp", "third_party", "rpc", "ptp", "first_rpc", "ob_handled",
                "ob_talk_s", "ob_acw_s", "connects", "agent_wait_s")
_OB_DAY = ("promises_due", "promises_kept", "amount_collected")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Num / den with NaN where the denominator is zero (no calls: no rate)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _grouped(result: RunResult, group_size: int) -> dict[str, np.ndarray]:
    """Counters summed over consecutive blocks of `group_size` intervals."""
    sums: dict[str, np.ndarray] = {}
    n = result.n_intervals
    for name in _COUNTERS:
        sums[name] = getattr(result.inbound, name).reshape(n // group_size, group_size).sum(axis=1)
    for name in _STAFF:
        sums[name] = getattr(result.staff, name).reshape(n // group_size, group_size).sum(axis=1)
    ob = result.outbound
    if ob is not None:
        series = {
            "attempts": ob.attempts, "live": ob.live, "dropped": ob.outcome("dropped"), "amd_fp": ob.amd_false_positive,
            "third_party": ob.outcome("third_party"), "rpc": ob.outcome("rpc"), "ptp": ob.ptp,
            "first_rpc": ob.first_rpc, "ob_handled": ob.handled, "ob_talk_s": ob.talk_s, "ob_acw_s": ob.acw_s,
            "connects": ob.connects, "agent_wait_s": ob.agent_wait_s,
        }
        for name in _OB_INTERVAL:
            sums[name] = series[name].reshape(n // group_size, group_size).sum(axis=1)
        per_day = result.intervals_per_day
        for name in _OB_DAY:
            daily = getattr(ob, name).astype(float)
            if group_size % per_day == 0:  # day-level counters: only for whole days
                sums[name] = daily.reshape(-1, group_size // per_day).sum(axis=1)
            else:
                sums[name] = np.full(n // group_size, np.nan)
    return sums


def _outbound_kpis(sums: dict[str, np.ndarray], result: RunResult) -> dict[str, np.ndarray]:
    ob = result.outbound
    assert ob is not None
    connected = sums["third_party"] + sums["rpc"]
    outbound_hours = (sums["ob_talk_s"] + sums["ob_acw_s"] + sums["agent_wait_s"]) / 3600
    size = sums["attempts"].shape
    return {
        "aht_inbound": _ratio(sums["talk_s"] + sums["acw_s"], sums["handled"]),
        "aht_outbound": _ratio(sums["ob_talk_s"] + sums["ob_acw_s"], sums["ob_handled"]),
        "aht": _ratio(sums["talk_s"] + sums["acw_s"] + sums["ob_talk_s"] + sums["ob_acw_s"],
                      sums["handled"] + sums["ob_handled"]),
        "attempts": sums["attempts"].astype(float),
        "contact_rate": _ratio(connected, sums["attempts"]),
        "rpc_rate": _ratio(sums["rpc"], sums["attempts"]),
        "penetration": _ratio(sums["first_rpc"], np.full(size, ob.accounts)),
        "attempts_per_account": _ratio(sums["attempts"], np.full(size, ob.callable_accounts)),
        "ptp_rate": _ratio(sums["ptp"], sums["rpc"]),
        "kept_rate": _ratio(sums["promises_kept"], sums["promises_due"]),
        "amount_collected": sums["amount_collected"],
        "recovery_rate": _ratio(sums["amount_collected"], np.full(size, ob.balance_placed)),
        "drop_rate": _ratio(sums["dropped"], sums["live"]),
        "drop_rate_dialer": _ratio(sums["dropped"] - sums["amd_fp"], sums["live"] - sums["amd_fp"]),
        "agent_wait": _ratio(sums["agent_wait_s"], sums["connects"]),
        "rpc_per_agent_hour": _ratio(sums["rpc"], outbound_hours),
    }


def _kpis_from_sums(sums: dict[str, np.ndarray], result: RunResult, span_s: float) -> dict[str, np.ndarray]:
    short = sums["abandoned_short"] if result.exclude_short_abandons else np.zeros_like(sums["abandoned_short"])
    offered_net = sums["offered"] - short
    return {
        "offered": sums["offered"].astype(float),
        "answered": sums["answered"].astype(float),
        "abandoned": sums["abandoned"].astype(float),
        "answer_rate": _ratio(sums["answered"], sums["offered"]),
        "abandon_rate": _ratio(sums["abandoned"] - short, offered_net),
        "service_level": _ratio(sums["answered_in_sl"], offered_net),
        "asa": _ratio(sums["wait_answered_s"], sums["answered"]),
        "aht": _ratio(sums["talk_s"] + sums["acw_s"], sums["handled"]),
        "occupancy": _ratio(sums["busy_s"], sums["busy_s"] + sums["idle_s"] + sums["dialing_s"]),
        "agents_available": (sums["busy_s"] + sums["idle_s"] + sums["dialing_s"]) / span_s,
        "redials": sums["redials"].astype(float),
    } | (_outbound_kpis(sums, result) if result.outbound is not None else {})


def overall(result: RunResult) -> dict[str, float]:
    """Every KPI over the whole horizon.

    `agents_available` is averaged over the open intervals only (those with offered calls
    or agents logged in), since a 24-hour average says nothing to a planner.
    """
    sums = _grouped(result, result.n_intervals)
    kpis = {k: float(v[0]) for k, v in _kpis_from_sums(sums, result, result.horizon_s).items()}
    per_interval = by_interval(result)
    active = (per_interval["agents_available"] > 0) | (per_interval["offered"] > 0)
    kpis["agents_available"] = float(per_interval["agents_available"][active].mean()) if active.any() else 0.0
    if result.outbound is not None:
        kpis["blocked_attempts"] = float(result.outbound.blocked.sum())
        kpis["violations"] = float(result.outbound.violations.sum())
    return kpis


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
        "rpc_rate": _ratio(seg.rpc, seg.attempts),
        "contact_rate": _ratio(seg.live - seg.dropped, seg.attempts),
        "penetration": _ratio(seg.accounts_with_rpc, seg.accounts),
        "ptp_rate": _ratio(seg.ptp, seg.rpc),
        "kept_rate": _ratio(seg.promises_kept, seg.promises_due),
        "amount_collected": seg.collected.astype(float),
        "recovery_rate": _ratio(seg.collected, seg.balance_placed),
        "drop_rate": _ratio(seg.dropped, seg.live),
    }


def outbound_by_hour(result: RunResult) -> dict[str, np.ndarray]:
    """Outbound KPI columns with one row per hour of day (center time), over all days."""
    if result.outbound is None:
        return {}
    sums = _grouped(result, 1)
    per_hour = 3600 // result.interval_s
    hour = (np.arange(result.n_intervals) // per_hour) % 24
    hourly = {k: np.bincount(hour, weights=v.astype(float), minlength=24) for k, v in sums.items()
              if k in _OB_INTERVAL or k in _COUNTERS}
    table = _outbound_kpis(hourly | {name: np.full(24, np.nan) for name in _OB_DAY}, result)
    table["hour"] = np.arange(24)
    return table


def by_day(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per simulated day, plus `day` and `date` columns."""
    per_day = result.intervals_per_day
    sums = _grouped(result, per_day)
    open_s = np.maximum(
        ((result.staff.idle_s + result.staff.busy_s).reshape(-1, per_day) > 0).sum(axis=1) * result.interval_s,
        1,
    )
    table = _kpis_from_sums(sums, result, open_s)
    n_days = len(table["offered"])
    start = date.fromisoformat(result.start_date)
    table["day"] = np.arange(n_days)
    table["date"] = np.array([(start + timedelta(days=d)).isoformat() for d in range(n_days)])
    return table


def by_interval(result: RunResult) -> dict[str, np.ndarray]:
    """KPI columns with one row per reporting interval, plus `interval` and `start_s` columns."""
    sums = _grouped(result, 1)
    table = _kpis_from_sums(sums, result, float(result.interval_s))
    table["interval"] = np.arange(result.n_intervals)
    table["start_s"] = table["interval"] * result.interval_s
    return table
