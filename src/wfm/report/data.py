"""What the report reads from the Scenario itself: the inputs as rows (KPI targets are `wfm.views.targets`).

Pure functions of plain data, kept apart from the workbook layout so they can be tested on
their own. Every table derived from results comes from `wfm.views`; estimates and paired
differences from `wfm.experiment`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np

from wfm.scenario import Scenario
from wfm.scenario.outbound import Portfolio
from wfm.scenario.units import DAY_S

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
    exclude: dict[str, Any] = {"outbound": {"portfolio": {"imported"}}}
    if not scenario.strategy.enabled:  # a strategy switched off shapes nothing: its many defaults stay out
        exclude["strategy"] = True
    data = scenario.model_dump(mode="json", exclude=exclude)
    rows = flatten_inputs(data)
    summary = imported_summary(scenario.outbound.portfolio) or [(IMPORTED, "none", "text")]
    at = max((i for i, (p, _, _) in enumerate(rows) if p.startswith("outbound.portfolio.")), default=len(rows) - 1)
    return rows[:at + 1] + summary + rows[at + 1:]
