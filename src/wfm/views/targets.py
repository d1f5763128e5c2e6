"""Each KPI that has a target, and its red/amber/green status against it (no Qt, no openpyxl).

A target is a range the KPI should stay in: the service level at least the scenario's SL target,
the drop rate at most the compliance cap, no rule violations, and the optional planner targets of
`Scenario.targets` (abandon rate, occupancy band, cost per call, recovery rate). A KPI without
one gets no status: a colour against a goal nobody set would be invented.

The status reads the KPI's 95% interval (within its possible range, `kpi_interval`), so it says
how sure the run is, as a dashboard's traffic light should:
    met      the whole interval is inside the target (green);
    at risk  the interval straddles the target's edge: the run cannot tell (amber);
    missed   the whole interval is outside (red).
Without an interval (one replication) the mean decides between met and missed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from wfm.experiment import Estimate
from wfm.scenario import Scenario
from wfm.views.common import kpi_interval

Status = Literal["met", "at risk", "missed"]


@dataclass(frozen=True)
class Target:
    """The range a KPI should stay in (None: no bound on that side) and where it comes from."""

    low: float | None
    high: float | None
    source: str

    def contains(self, value: float) -> bool:
        """Whether `value` meets the target."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def status(self, key: str, estimate: Estimate) -> Status | None:
        """Met, at risk or missed for a KPI estimate (None when the KPI has no value)."""
        if math.isnan(estimate.mean):
            return None
        low, high = kpi_interval(key, estimate)
        if math.isnan(low):
            return "met" if self.contains(estimate.mean) else "missed"
        if self.contains(low) and self.contains(high):
            return "met"
        entirely_below = self.low is not None and high < self.low
        entirely_above = self.high is not None and low > self.high
        return "missed" if entirely_below or entirely_above else "at risk"


def kpi_targets(scenario: Scenario) -> dict[str, Target]:
    """The targets of a scenario, by KPI key (only the KPIs that have one)."""
    found: dict[str, Target] = {}
    if scenario.inbound.enabled:
        found["service_level"] = Target(scenario.inbound.service_level.target, None, "inbound.service_level.target")
    if scenario.outbound.enabled:
        cap = min(pack.rules.drop_cap for pack in scenario.outbound.compliance.packs())  # every jurisdiction's
        found["drop_rate"] = Target(None, cap, "compliance drop-rate cap")
        found["violations"] = Target(None, 0.0, "contact rules: no violation allowed")
    wanted = scenario.targets
    if wanted.abandon_rate_max is not None and scenario.inbound.enabled:
        found["abandon_rate"] = Target(None, wanted.abandon_rate_max, "targets.abandon_rate_max")
    if wanted.occupancy_min is not None or wanted.occupancy_max is not None:
        found["occupancy"] = Target(wanted.occupancy_min, wanted.occupancy_max, "targets.occupancy_min/max")
    if wanted.cost_per_call_max is not None:
        found["cost_per_call"] = Target(None, wanted.cost_per_call_max, "targets.cost_per_call_max")
    if wanted.recovery_rate_min is not None and scenario.outbound.enabled:
        found["recovery_rate"] = Target(wanted.recovery_rate_min, None, "targets.recovery_rate_min")
    return found
