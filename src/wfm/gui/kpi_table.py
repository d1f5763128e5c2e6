"""The KPI table of one result: every `wfm.kpi.KPI_DEFS` entry with its mean, 95% CI and target status.

The interval stays within the KPI's possible range; a KPI with a target (`wfm.views.targets`)
shows it and a red/amber/green status read from the interval, as commercial WFM dashboards do.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from wfm.experiment import Summary
from wfm.kpi import HEADLINE, KPI_BY_KEY, KPI_DEFS, KpiDef, format_kpi
from wfm.views import currency_of, kpi_interval
from wfm.views.targets import Status, Target


def ordered_defs(keys: set[str] | None = None) -> list[KpiDef]:
    """Headline KPIs first, then the rest in definition order (limited to `keys` if given)."""
    rest = [d.key for d in KPI_DEFS if d.key not in HEADLINE]
    out = [KPI_BY_KEY[k] for k in (*HEADLINE, *rest) if k in KPI_BY_KEY]
    return [d for d in out if keys is None or d.key in keys]


def right(text: str) -> QTableWidgetItem:
    """A read-only, right-aligned cell."""
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def left(text: str) -> QTableWidgetItem:
    """A read-only, left-aligned cell."""
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


STATUS_LOOK: dict[Status, tuple[str, str, str]] = {
    "met": ("#c6efce", "#006100", "the whole 95% interval meets the target"),
    "at risk": ("#ffeb9c", "#7a4b00", "the target lies inside the 95% interval: the run cannot tell (more"
                " replications narrow it)"),
    "missed": ("#ffc7ce", "#9c0006", "the whole 95% interval misses the target"),
}
"""Background, text colour and meaning of each status (Excel's good / neutral / bad styles)."""


def target_text(target: Target, definition: KpiDef, currency: str) -> str:
    """A target as a planner writes it: "≥ 80.0%", "≤ €3.00", "70.0% – 90.0%"."""
    low = None if target.low is None else format_kpi(target.low, definition, currency)
    high = None if target.high is None else format_kpi(target.high, definition, currency)
    if low is not None and high is not None:
        return f"{low} – {high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def status_item(status: Status | None, target: Target) -> QTableWidgetItem:
    """A coloured status cell ("● met", "● at risk", "● missed")."""
    if status is None:
        return left("–")
    background, foreground, meaning = STATUS_LOOK[status]
    item = left(f"● {status}")
    item.setBackground(QBrush(QColor(background)))
    item.setForeground(QBrush(QColor(foreground)))
    item.setToolTip(f"{status.capitalize()}: {meaning}. Target from {target.source}.")
    return item


class KpiTable(QTableWidget):
    """KPI | mean | 95% CI | target | status | definition, for the current result."""

    HEADERS = ("KPI", "Mean", "95% CI", "Target", "Status", "Definition")

    def __init__(self) -> None:
        super().__init__(0, len(self.HEADERS))
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Columns are sized once per fill: ResizeToContents would re-measure every column on each
        # setItem, which costs a visible table a quarter of a second per result.
        self.horizontalHeader().setStretchLastSection(True)
        self.keys: list[str] = []

    def show_summary(self, summary: Summary, targets: dict[str, Target] | None = None) -> None:
        """Fill one row per KPI of the summary, money in the currency the experiment counted it in.

        `targets` (`wfm.views.targets.kpi_targets` of the scenario) add the target and its status.
        """
        targets = targets or {}
        defs = ordered_defs(set(summary.kpis))
        currency = currency_of(summary)
        self.keys = [d.key for d in defs]
        self.setRowCount(len(defs))
        bold = QFont()
        bold.setBold(True)
        for row, definition in enumerate(defs):
            est = summary.kpis[definition.key]
            name = left(definition.label)
            if definition.key in HEADLINE:
                name.setFont(bold)
            low, high = kpi_interval(definition.key, est)  # an SL interval never passes 100%
            ci = "" if math.isnan(low) else (
                f"{format_kpi(low, definition, currency)} – {format_kpi(high, definition, currency)}")
            target = targets.get(definition.key)
            goal = right(target_text(target, definition, currency)) if target is not None else left("")
            status = status_item(target.status(definition.key, est), target) if target is not None else left("")
            cells = (name, right(format_kpi(est.mean, definition, currency)), right(ci or "n/a (1 run)"), goal,
                     status, left(definition.definition))
            for column, cell in enumerate(cells):
                if not cell.toolTip():
                    cell.setToolTip(definition.definition)
                self.setItem(row, column, cell)
        self.resizeColumnsToContents()

    def status_text(self, key: str) -> str:
        """The status cell of a KPI as shown ("● met", …; empty without a target)."""
        item = self.item(self.keys.index(key), 4)
        return item.text() if item is not None else ""

    def mean_text(self, key: str) -> str:
        """The mean cell of a KPI as shown (for tests and copy-paste)."""
        item = self.item(self.keys.index(key), 1)
        return item.text() if item is not None else ""
