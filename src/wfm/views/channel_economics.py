"""Cost per euro collected by channel and by path (issues #12 item 7, #13 item 5).

Every euro of the run's total cost and every euro collected lands in exactly one channel row,
so the rows add up to the run's `cost_total` and `amount_collected`:

- **Phone (dialer)**: the dialer's seats; the outbound telephony (attempts × the price per
  attempt, ringing and talk minutes × the price per minute, as `wfm.sim.costs` bills them); the
  incentive bonuses (earned on collections the dialer's agents are credited with); and the
  labour of the agents (wages, overhead per seat-day, hiring) of the outbound groups in full and
  of the blended groups by their outbound share of handling time. That share is the blended
  groups' handling time less the inbound handling time (talk and after-call work of every
  inbound call) that the inbound-only groups did not do, over the blended groups' handling
  time. Money: promises taken on dialer calls and kept (plans and settlements included).
- **Inbound line**: the rest of the center's cost: inbound telephony and the labour of the
  inbound groups and of the blended groups' inbound share. It serves every inbound caller,
  debtors answering a message among them. Money: promises taken on identified debtors' calls.
- **Digital**: SMS, e-mails and letters. Money: link payments and kept portal promises.
- **Field**: the field agents' shifts and kilometres. Money: paid at the door, visit promises kept.
- **Legal**: fees, court and lawyer costs, contingency. Money: what ended cases recovered.
- **Self-cure**: no cost. Money: payments without any contact.

By path (accounts by the path they entered at placement): the phone cost is shared between the
paths by their dial attempts, the field cost by their planned visits; messages and legal costs
are the path's own. The inbound line's cost is not shared out (it serves callers of every path
and none), so the path rows add up to the run's cost less the inbound line. Money by path is
everything collected from the path's accounts, by every channel.

Costs, money and costs per euro are means over replications of each run's figures, as every KPI
estimate is: the total row's cost per euro is the run KPI "cost to collect", and a channel's is the
field view's "cost per euro collected by visits" for the field row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.scenario import Costs
from wfm.scenario.units import HOUR_S, MINUTE_S
from wfm.sim.collections.result import CAUSES
from wfm.sim.result import RunResult

ECONOMICS_CHANNELS: tuple[str, ...] = ("phone", "inbound", "digital", "field", "legal", "self_cure")
ECONOMICS_LABELS = {"phone": "Phone (dialer)", "inbound": "Inbound line", "digital": "Digital (SMS, e-mail, letters)",
                    "field": "Field visits", "legal": "Legal action", "self_cure": "Self-cure (no contact)",
                    "total": "Total"}


@dataclass(frozen=True)
class ChannelEconomics:
    """Cost and money by channel and by path, means over replications.

    Attributes:
        channels: one row per channel of `ECONOMICS_CHANNELS` and a last "total" row: channel
            (label), cost, collected, cost_per_euro (NaN where nothing was collected).
        paths: one row per path: path, phone_cost, message_cost, field_cost, legal_cost, cost (their
            sum), collected, cost_per_euro.
    """

    channels: dict[str, np.ndarray]
    paths: dict[str, np.ndarray]


def channel_economics(summary: Summary, costs: Costs) -> ChannelEconomics | None:
    """The tables, or None when the experiment ran no strategy (`costs`: the scenario's unit costs)."""
    runs = [r for r in summary.runs if r.strategy is not None and r.outbound is not None]
    if not runs or len(runs) != len(summary.runs):
        return None
    channels = kpi.mean_over_runs([_with_ratio(_channel_rows(r, costs)) for r in runs], ("channel",))
    paths = kpi.mean_over_runs([_with_ratio(_path_rows(r, costs)) for r in runs], ("path",))
    return ChannelEconomics(channels=channels, paths=paths)


def _with_ratio(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One run's table with its cost per euro (NaN where the run collected nothing there)."""
    return {**table, "cost_per_euro": kpi.ratio(table["cost"], table["collected"])}


def phone_cost(run: RunResult, costs: Costs) -> float:
    """The run's cost of outbound phone work (see the module's note for the allocation)."""
    out, wf = run.outbound, run.workforce
    assert out is not None
    telephony = (out.outcomes.sum() * costs.telephony_per_attempt
                 + (out.ring_s.sum() + out.talk_s.sum()) / MINUTE_S * costs.telephony_per_minute)
    share = outbound_share(run)
    labour = 0.0
    for g, (name, kind) in enumerate(zip(wf.group_names, wf.group_kinds, strict=True)):
        part = 1.0 if kind == "outbound" else share if kind == "blended" else 0.0
        wages = wf.paid_s[:, g].sum() * costs.wage_of(name) / HOUR_S
        seats = (wf.present[:, g].sum() + wf.training[:, g].sum()) * costs.overhead_per_seat_day
        hiring = wf.hires[:, g].sum() * costs.cost_per_hire
        labour += part * (wages + seats + hiring)
    return float(run.costs.dialer.sum() + telephony + run.costs.bonuses.sum() + labour)


def outbound_share(run: RunResult) -> float:
    """The blended groups' share of handling time spent on outbound calls (0 without blended groups)."""
    kinds = np.array(run.workforce.group_kinds)
    busy = run.staff.busy_by_group_s
    if busy.shape[0] != len(kinds):
        return 0.0
    busy = busy.sum(axis=1)
    blended = float(busy[kinds == "blended"].sum())
    if blended <= 0:
        return 0.0
    inbound_work = float(run.inbound.talk_s.sum() + run.inbound.acw_s.sum())
    blended_inbound = max(0.0, inbound_work - float(busy[kinds == "inbound"].sum()))
    return min(1.0, max(0.0, 1.0 - blended_inbound / blended))


def _collected_by_channel(run: RunResult) -> dict[str, float]:
    s = run.strategy
    out = run.outbound
    assert s is not None and out is not None
    by_cause = {name: float(s.collected[k].sum()) for k, name in enumerate(CAUSES)}
    return {"phone": float(out.amount_collected.sum()) - sum(by_cause.values()),
            "inbound": by_cause["inbound_promise"],
            "digital": by_cause["link_payment"] + by_cause["portal_promise"],
            "field": by_cause["field_visit"], "legal": by_cause["legal"], "self_cure": by_cause["self_cure"]}


def _channel_rows(run: RunResult, costs: Costs) -> dict[str, np.ndarray]:
    c = run.costs
    spent = {"phone": phone_cost(run, costs), "digital": float(c.messages.sum()), "field": float(c.field.sum()),
             "legal": float(c.legal.sum()), "self_cure": 0.0}
    total = float(c.total.sum())
    spent["inbound"] = total - sum(spent.values())
    collected = _collected_by_channel(run)
    cost = np.array([*(spent[k] for k in ECONOMICS_CHANNELS), total])
    money = np.array([*(collected[k] for k in ECONOMICS_CHANNELS), float(run.outbound.amount_collected.sum())
                      if run.outbound is not None else 0.0])
    return {"channel": np.array([ECONOMICS_LABELS[k] for k in (*ECONOMICS_CHANNELS, "total")]),
            "cost": cost, "collected": money, "cost_per_euro": kpi.ratio(cost, money)}


def _path_rows(run: RunResult, costs: Costs) -> dict[str, np.ndarray]:
    s = run.strategy
    assert s is not None
    k = len(s.path_names)
    phone = _shared(phone_cost(run, costs), s.path_attempts)
    field = _shared(float(run.costs.field.sum()), s.path_visits if len(s.path_visits) else np.zeros(k))
    legal = s.path_legal_cost if len(s.path_legal_cost) else np.zeros(k)
    message = s.path_message_cost.astype(float)
    cost = phone + message + field + legal
    return {"path": np.array(s.path_names), "phone_cost": phone, "message_cost": message, "field_cost": field,
            "legal_cost": legal.astype(float), "cost": cost, "collected": s.path_collected.astype(float),
            "cost_per_euro": kpi.ratio(cost, s.path_collected)}


def _shared(amount: float, weights: np.ndarray) -> np.ndarray:
    """`amount` split in proportion to `weights` (nothing to anyone when the weights are all zero)."""
    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    return amount * weights / total if total > 0 else np.zeros(len(weights))
