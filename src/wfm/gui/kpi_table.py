"""The KPI table of one result: every `wfm.kpi.KPI_DEFS` entry with its mean and 95% CI (within its possible range)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from wfm.experiment import Summary
from wfm.kpi import HEADLINE, KPI_BY_KEY, KPI_DEFS, KpiDef, format_kpi
from wfm.views import currency_of, kpi_interval


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


class KpiTable(QTableWidget):
    """KPI | mean | 95% CI | definition, for the current result."""

    HEADERS = ("KPI", "Mean", "95% CI", "Definition")

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

    def show_summary(self, summary: Summary) -> None:
        """Fill one row per KPI of the summary, money in the currency the experiment counted it in."""
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
            cells = (name, right(format_kpi(est.mean, definition, currency)), right(ci or "n/a (1 run)"),
                     left(definition.definition))
            for column, cell in enumerate(cells):
                cell.setToolTip(definition.definition)
                self.setItem(row, column, cell)
        self.resizeColumnsToContents()

    def mean_text(self, key: str) -> str:
        """The mean cell of a KPI as shown (for tests and copy-paste)."""
        item = self.item(self.keys.index(key), 1)
        return item.text() if item is not None else ""
