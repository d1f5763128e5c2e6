"""The collections funnel: attempts → contacts → RPC → PTP → kept → money, overall and per risk segment.

The overall funnel is banded over replications for the plots; the per-segment table (with an
all-segments row) takes its rates from `wfm.kpi.outbound_by_segment`, so the report and the
KPIs share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from wfm import kpi
from wfm.experiment import Summary
from wfm.scenario import Scenario
from wfm.sim.outbound.result import OutboundSeries, SegmentTable
from wfm.views.common import NON_NEGATIVE, Band, campaigns

FUNNEL_STAGES: tuple[str, ...] = ("attempts", "contacts", "rpc", "ptp", "kept")
"""The count stages of the collections funnel; money collected is the last stage, in currency."""

FUNNEL_LABELS: dict[str, str] = {"attempts": "Attempts", "contacts": "Contacts", "rpc": "RPC", "ptp": "PTP",
                                 "kept": "Kept", "collected": "Collected"}


def funnel_counts(ob: OutboundSeries) -> dict[str, float]:
    """One run's funnel: attempts → contacts (RPC + third party) → RPC → PTP → kept, and money collected.

    Contacts are live answers an agent talked to, as in the `contact_rate` KPI; kept counts
    promises that fell due and were paid within the horizon.
    """
    return {
        "attempts": float(ob.attempts.sum()),
        "contacts": float(ob.outcome("third_party").sum() + ob.outcome("rpc").sum()),
        "rpc": float(ob.outcome("rpc").sum()),
        "ptp": float(ob.ptp.sum()),
        "kept": float(ob.promises_kept.sum()),
        "collected": float(ob.amount_collected.sum()),
    }


@dataclass(frozen=True)
class FunnelView:
    """The collections funnel over the horizon, per stage across replications.

    Attributes:
        stages: the count stages (`FUNNEL_STAGES`) in funnel order.
        counts: Band over the stages (one value per stage).
        collected: Band of the money collected (a one-element band).
        promises_due: promises that fell due within the horizon (mean over replications), the
            base of the kept rate.
        currency: the scenario's currency, for labels.
    """

    stages: tuple[str, ...]
    counts: Band
    collected: Band
    promises_due: float
    currency: str


def funnel_view(summary: Summary, currency: str) -> FunnelView | None:
    """The funnel of an experiment, or None without an outbound campaign."""
    obs = campaigns(summary)
    if obs is None:
        return None
    rows = [funnel_counts(ob) for ob in obs]
    return FunnelView(
        stages=FUNNEL_STAGES,
        counts=Band.of([np.array([r[s] for s in FUNNEL_STAGES]) for r in rows], within=NON_NEGATIVE),
        collected=Band.of([np.array([r["collected"]]) for r in rows], within=NON_NEGATIVE),
        promises_due=float(np.mean([ob.promises_due.sum() for ob in obs])),
        currency=currency,
    )


SEGMENT_COUNTS: tuple[str, ...] = ("accounts", "balance_placed", "attempts", "live", "rpc", "ptp", "promises_due",
                                   "promises_kept", "collected", "accounts_with_rpc")
SEGMENT_RATES: tuple[str, ...] = ("penetration", "contact_rate", "rpc_rate", "ptp_rate", "kept_rate",
                                  "recovery_rate", "drop_rate")
ALL_SEGMENTS = "All segments"


@dataclass(frozen=True)
class SegmentFunnel:
    """The collection funnel per risk segment plus an all-segments row (the last).

    Attributes:
        names: segment names, then `ALL_SEGMENTS`.
        dpd: days past due at placement per row as "min–max" from the scenario ("" if unknown).
        columns: counters of `SEGMENT_COUNTS` (mean over replications) and rates of
            `SEGMENT_RATES` (mean of the replications' rates; `wfm.kpi.outbound_by_segment`).
    """

    names: tuple[str, ...]
    dpd: tuple[str, ...]
    columns: dict[str, np.ndarray]


def _with_total(seg: SegmentTable) -> SegmentTable:
    """The segment table with one more row summing every segment."""
    values = {name: np.append(getattr(seg, name), getattr(seg, name).sum())
              for name in (*SEGMENT_COUNTS, "dropped")}
    return SegmentTable(names=(*seg.names, ALL_SEGMENTS), **values)


def segment_funnel(summary: Summary, scenario: Scenario) -> SegmentFunnel | None:
    """Attempts → live → RPC → PTP → due → kept → collected per segment, with its rates (None without outbound)."""
    if campaigns(summary) is None:
        return None
    tables = []
    names: tuple[str, ...] = ()
    for run in summary.runs:
        ob = run.outbound
        assert ob is not None  # `campaigns` checked every run
        seg = _with_total(ob.segments)
        names = seg.names
        rates = kpi.outbound_by_segment(replace(run, outbound=replace(ob, segments=seg)))
        table = {name: np.asarray(getattr(seg, name), dtype=float) for name in SEGMENT_COUNTS}
        table |= {name: rates[name] for name in SEGMENT_RATES}
        tables.append(table)
    segments = scenario.outbound.portfolio.segments
    ranges = {s.name: f"{s.dpd_min}–{s.dpd_max}" for s in segments}
    total = f"{min(s.dpd_min for s in segments)}–{max(s.dpd_max for s in segments)}" if segments else ""
    dpd = tuple(ranges.get(n, "") for n in names[:-1]) + (total,)
    return SegmentFunnel(names=names, dpd=dpd, columns=kpi.mean_over_runs(tables))
