"""One scenario's share of the workbook: its data, sheet names, title block and chart ranges.

Shared by every sheet module (`excel`, `outbound_sheets`, `people_sheets`) so each sheet is a
function of a `ScenarioReport` and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.chart import BarChart, LineChart
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm.experiment import Summary
from wfm.kpi import HEADLINE, KPI_BY_KEY, KPI_DEFS
from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.scenario import Scenario

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# What a collections manager presents first (issue #6), after the inbound headline of `wfm.kpi`.
MANAGER_HEADLINE: tuple[str, ...] = (
    "contact_rate", "rpc_rate", "ptp_rate", "kept_rate", "recovery_rate", "drop_rate", "violations",
    "cost_per_call", "cost_to_collect", "attrition",
)
HEADLINE_KEYS: tuple[str, ...] = HEADLINE + tuple(k for k in MANAGER_HEADLINE if k not in HEADLINE)
CHART_ROWS = 17  # rows of default height an 8 cm chart covers
SHORT_TABLE_ROWS = 31  # a chart goes under a table this short, and beside a longer one


@dataclass
class ScenarioReport:
    """One scenario's data and the sheets written for it (filled in as sheets are built).

    Attributes:
        summary: the experiment's summary.
        scenario: the scenario it ran.
        suffix: appended to sheet names ("" for a single scenario, " 1", " 2"… in a comparison).
        generated: when the report was generated (the same instant on every sheet).
        ranges: named column ranges that later sheets chart (e.g. "profile.offered").
    """

    summary: Summary
    scenario: Scenario
    suffix: str
    generated: datetime
    ranges: dict[str, ColumnRange] = field(default_factory=dict)

    def sheet_name(self, base: str) -> str:
        """Sheet title for this scenario (Excel allows 31 characters)."""
        return f"{base}{self.suffix}"[:31]


def title_facts(rep: ScenarioReport) -> list[tuple[str, object]]:
    """The label/value pairs of every per-scenario sheet's title block."""
    summary, scenario = rep.summary, rep.scenario
    return [
        ("Scenario", scenario.name),
        ("Generated", rep.generated),
        ("Replications", summary.replications),
        ("Seed", summary.seed),
        ("Horizon", f"{scenario.calendar.horizon_days} day(s) from {scenario.calendar.start_date.isoformat()}"),
        ("Scenario hash", summary.scenario_hash),
    ]


def kpi_order(keys: Sequence[str]) -> list[str]:
    """Headline KPIs first (inbound, then the manager's), then the other defined KPIs, then keys not defined."""
    defined = [k.key for k in KPI_DEFS]
    order = [k for k in HEADLINE_KEYS if k in keys]
    order += [k for k in defined if k in keys and k not in order]
    order += [k for k in keys if k not in order]
    return order


def label(key: str) -> str:
    """A KPI's label from `KPI_DEFS`, or its key made readable."""
    definition = KPI_BY_KEY.get(key)
    return definition.label if definition is not None else key.replace("_", " ").capitalize()


def chart_anchors(ws: Worksheet, row: int, first_col: int = 1) -> tuple[str, str]:
    """Anchors for two charts side by side from `first_col`: there and the first column past the chart."""
    width_px, col = 0.0, first_col
    chart_px = charts.WIDTH_CM / 2.54 * 96
    while width_px < chart_px:
        width_px += (ws.column_dimensions[get_column_letter(col)].width or 8.43) * 7 + 5
        col += 1
    return get_column_letter(first_col) + "{row}", get_column_letter(col) + "{row}"


def place_chart(ws: Worksheet, chart: BarChart | LineChart, top: int, last: int, n_columns: int) -> int:
    """Put a chart under its table when the table is short, else beside it; returns the next free row.

    Under a short table the chart is on screen at once and prints at a readable scale; beside
    a long one (a year of days) it stays next to the header instead of hundreds of rows below.
    """
    if last - top <= SHORT_TABLE_ROWS:
        ws.add_chart(chart, f"A{last + 2}")
        return last + 2 + CHART_ROWS + 1
    ws.add_chart(chart, f"{get_column_letter(n_columns + 2)}{top}")
    return last + 1
