"""One scenario's share of the workbook: its data, sheet names, title block and chart ranges.

Shared by every sheet module (`excel`, `outbound_sheets`, `people_sheets`) so each sheet is a
function of a `ScenarioReport` and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm.experiment import Summary
from wfm.kpi import HEADLINE, KPI_BY_KEY, KPI_DEFS, STRATEGY_KPI_DEFS
from wfm.report import charts
from wfm.report.charts import ColumnRange
from wfm.report.styles import write_title
from wfm.scenario import Scenario

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The headline a collections manager presents first (DESIGN §7): the campaign's funnel and
# money, handle time and unit cost, then the inbound service and the people; the CLI and GUI
# show the same order.
HEADLINE_KEYS: tuple[str, ...] = HEADLINE
# KPIs that are zero by construction when their workforce feature is off: a column of zeros
# (or of 100% productivity) tells a manager nothing and reads like a forecast of no attrition.
FEATURE_KPIS: dict[str, tuple[str, ...]] = {
    "stress": ("stress_mean", "stress_p90"),
    "learning": ("productivity",),
    "attrition": ("leavers", "attrition"),
    "hiring": ("hires", "training_days", "cost_hiring"),
    "incentives": ("cost_bonuses",),
    "collection strategy": ("cost_messages", *(k.key for k in STRATEGY_KPI_DEFS)),
    "field visits": ("cost_field",),
    "legal action": ("cost_legal",),
}
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

    @property
    def currency(self) -> str:
        """ISO code of the scenario's currency, in which every amount of its sheets is formatted."""
        return self.scenario.costs.currency

    def sheet_name(self, base: str) -> str:
        """Sheet title for this scenario (Excel allows 31 characters)."""
        return f"{base}{self.suffix}"[:31]

    def open_sheet(
        self, wb: Workbook, base: str, heading: str, facts: Sequence[tuple[str, object]] = (), subtitle: str = ""
    ) -> tuple[Worksheet, int]:
        """A new sheet of this scenario with its title block; returns it and the first free row.

        Every per-scenario sheet opens the same way (its name with the scenario's suffix, the
        heading with the scenario's name, the common facts then the sheet's own), so a manager
        finds the same block at the top of each.
        """
        ws = wb.create_sheet(self.sheet_name(base))
        top = write_title(ws, f"{heading} — {self.scenario.name}", [*title_facts(self), *facts], subtitle=subtitle)
        return ws, top


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


def features_on(scenario: Scenario) -> list[str]:
    """Names of the features (workforce, collection strategy) the scenario switches on."""
    wf = scenario.workforce
    on = [name for name in ("stress", "learning", "attrition", "hiring") if getattr(wf, name).enabled]
    if wf.incentives.scheme != "flat":
        on.append("incentives")
    if scenario.strategy.enabled:
        on.append("collection strategy")
        if scenario.strategy.field is not None:
            on.append("field visits")
        if scenario.strategy.legal is not None:
            on.append("legal action")
    return on


def features_off_text(scenarios: Sequence[Scenario]) -> str:
    """The features no scenario switches on, for the note saying their KPIs are left out."""
    on = {name for scenario in scenarios for name in features_on(scenario)}
    return ", ".join(name for name in FEATURE_KPIS if name not in on)


def shown_kpis(keys: Sequence[str], scenarios: Sequence[Scenario]) -> list[str]:
    """`keys` in report order, without the KPIs of workforce features that every scenario leaves off."""
    on = {name for scenario in scenarios for name in features_on(scenario)}
    hidden = {key for name, owned in FEATURE_KPIS.items() if name not in on for key in owned}
    return [k for k in kpi_order(keys) if k not in hidden]


def kpi_order(keys: Sequence[str]) -> list[str]:
    """Headline KPIs first, then the other defined KPIs in `KPI_DEFS` order, then keys not defined."""
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
