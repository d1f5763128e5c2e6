"""What the report reads from the Scenario itself: KPI targets and the inputs as rows.

Pure functions of plain data, kept apart from the workbook layout so they can be tested on
their own. Every table derived from results comes from `wfm.views`; estimates and paired
differences from `wfm.experiment`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from wfm.experiment import Estimate
from wfm.scenario import Scenario
from wfm.scenario.outbound import Portfolio
from wfm.scenario.units import DAY_S


@dataclass(frozen=True)
class Target:
    """An objective for one KPI, taken from the scenario.

    Attributes:
        value: the objective, in the KPI's unit.
        higher_is_better: True when the KPI must reach the value, False when it must stay below.
        source: scenario path the target comes from, shown in the report for traceability.
    """

    value: float
    higher_is_better: bool
    source: str

    def met_by(self, value: float) -> bool | None:
        """Whether `value` meets the target; None when there is no value to judge."""
        if value is None or not math.isfinite(value):
            return None
        return value >= self.value if self.higher_is_better else value <= self.value

    def inside(self, estimate: Estimate) -> bool:
        """Whether the target lies inside the estimate's 95% CI (the verdict is not yet certain)."""
        if not math.isfinite(estimate.half_width) or estimate.half_width == 0:
            return False  # no spread over replications: the verdict is as certain as it gets
        return estimate.low <= self.value <= estimate.high


def targets(scenario: Scenario) -> dict[str, Target]:
    """KPI targets and limits a scenario states: the SL objective, the drop-rate cap, no violations.

    The scenario sets no abandon-rate, ASA, recovery or cost objective, and inventing one would
    put a red cell in front of a manager for a rule nobody agreed to, so those KPIs get no
    status. The drop-rate cap is the compliance rules' cap (presets and custom keys resolved);
    the run's overall drop rate is judged against it, and each regulatory window is judged on
    the Compliance sheet. The predictive dialer's `target_drop_rate` is a pacing aim, not a
    limit, and gets no status. Rule violations must be zero whatever the rules are.
    """
    found: dict[str, Target] = {}
    if scenario.inbound.enabled:
        found["service_level"] = Target(
            scenario.inbound.service_level.target, True, "inbound.service_level.target"
        )
    if scenario.outbound.enabled:
        rules = scenario.outbound.compliance.rules()
        found["drop_rate"] = Target(rules.drop_cap, False, "outbound.compliance drop_cap")
        found["violations"] = Target(0.0, False, "contact rules: no violation allowed")
    return found


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_KEYS = ("open", "close", "start")


def flatten_inputs(data: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """Scenario parameters as (path, value, unit) rows, from `Scenario.model_dump(mode="json")`.

    Every leaf becomes one row so a reader can trace any result to its exact inputs. Times of
    day (stored as seconds after midnight) are shown as clock times and ISO dates as dates,
    still as numbers; a closed day or an empty list shows as "none".
    """
    if isinstance(data, dict):
        if not data:
            return [(prefix, "none", "text")]
        rows: list[tuple[str, Any, str]] = []
        for key, value in data.items():
            rows += flatten_inputs(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, list | tuple):
        if not data:
            return [(prefix, "none", "text")]
        rows = []
        for i, value in enumerate(data):
            rows += flatten_inputs(value, f"{prefix}[{i}]")
        return rows
    leaf = prefix.rsplit(".", 1)[-1]
    if data is None:
        return [(prefix, "none", "text")]
    if isinstance(data, bool):
        return [(prefix, data, "text")]
    if isinstance(data, int) and leaf in _TIME_KEYS:
        return [(prefix, data / DAY_S, "time")]
    if isinstance(data, str) and _ISO_DATE.match(data):
        return [(prefix, date.fromisoformat(data), "date")]
    if isinstance(data, int | float):
        return [(prefix, data, "general")]
    return [(prefix, str(data), "text")]


IMPORTED = "outbound.portfolio.imported"


def imported_summary(portfolio: Portfolio) -> list[tuple[str, Any, str]]:
    """The imported accounts summarised as (path, value, unit) rows: source, count, balance, segments, DPD.

    The accounts themselves stay in their file: six rows per account would pass Excel's
    1,048,576-row limit at about 175,000 accounts, and nobody reads a portfolio on the Inputs
    sheet. An empty list when the portfolio is generated rather than imported.
    """
    accounts = portfolio.imported
    if not accounts:
        return []
    source = portfolio.file + (f" (sheet {portfolio.sheet})" if portfolio.sheet else "") if portfolio.file \
        else "listed in the scenario"
    by_segment = {s.name: 0 for s in portfolio.segments}
    counts = np.bincount(accounts.segment, minlength=len(accounts.segment_names)).tolist()
    by_segment.update(zip(accounts.segment_names, counts, strict=True))
    rows: list[tuple[str, Any, str]] = [
        (f"{IMPORTED}.source", source, "text"),
        (f"{IMPORTED}.accounts", len(accounts), "count"),
        (f"{IMPORTED}.total_balance", accounts.total_balance(), "money"),
    ]
    rows += [(f"{IMPORTED}.accounts_by_segment.{name}", n, "count") for name, n in by_segment.items()]
    rows += [(f"{IMPORTED}.dpd_min", int(accounts.dpd.min()), "count"),
             (f"{IMPORTED}.dpd_max", int(accounts.dpd.max()), "count")]
    return rows


def scenario_inputs(scenario: Scenario) -> list[tuple[str, Any, str]]:
    """Every scenario parameter as (path, value, unit) rows, imported accounts summarised (`imported_summary`).

    The summary takes the place of the account list, right after the other portfolio keys
    ("none" when the accounts are generated).
    """
    data = scenario.model_dump(mode="json", exclude={"outbound": {"portfolio": {"imported"}}})
    rows = flatten_inputs(data)
    summary = imported_summary(scenario.outbound.portfolio) or [(IMPORTED, "none", "text")]
    at = max((i for i, (p, _, _) in enumerate(rows) if p.startswith("outbound.portfolio.")), default=len(rows) - 1)
    return rows[:at + 1] + summary + rows[at + 1:]
