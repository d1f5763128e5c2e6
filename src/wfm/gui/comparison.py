"""Scenario comparison: kept results side by side, paired deltas with significance, overlays.

The rows come from `wfm.views.comparison`: differences paired replication by replication,
valid because experiments run on common random numbers when they share a seed; a pair with
different seeds, or amounts in two currencies, says so instead of showing a number as if it
were one.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.analysis import Outcome
from wfm.gui.formatting import format_delta
from wfm.gui.kpi_table import left, ordered_defs, right
from wfm.gui.overlays import OverlayTabs
from wfm.gui.widgets import scrolled_layout
from wfm.kpi import KpiDef, format_kpi
from wfm.views import kpi_interval
from wfm.views.comparison import DIFFERENT_SEEDS, delta

BETTER = QColor("#1b7f3b")
WORSE = QColor("#b00020")


class ComparisonPanel(QWidget):
    """Kept results, a KPI table with deltas against a chosen base, and overlaid profiles."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[Outcome] = []
        self.names = QListWidget()
        self.names.setMaximumHeight(64)
        self.base = QComboBox()
        self.base.setMinimumWidth(220)
        self.base.currentIndexChanged.connect(lambda _i: self.redraw())
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self._remove_selected)
        clear = QPushButton("Clear all")
        clear.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare against:"))
        top.addWidget(self.base)
        top.addStretch(1)
        top.addWidget(remove)
        top.addWidget(clear)
        self.table = QTableWidget(0, 1)
        self.table.setHorizontalHeaderLabels(["KPI"])  # not Qt's "1" while nothing is kept
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Sized once per fill (see KpiTable): ResizeToContents re-measures on every setItem.
        self.hint = QLabel("Keep results with “Keep for comparison” after a run; deltas are paired "
                           "(common random numbers) and marked ▲/▼ when the 95% CI excludes zero.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.overlays = OverlayTabs()
        self.sl_plot = self.overlays.sl_plot
        self.calls_plot = self.overlays.calls_plot
        upper = QWidget()
        up = QVBoxLayout(upper)
        up.setContentsMargins(0, 0, 0, 0)
        up.addLayout(top)
        up.addWidget(self.names)
        up.addWidget(self.hint)
        up.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.overlays)
        split.setStretchFactor(0, 1)  # the KPI table as tall as the plots: it is what the deltas are read from
        split.setStretchFactor(1, 1)
        split.setSizes([500, 500])
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(split)
        self.curves: dict[str, pg.PlotDataItem] = self.overlays.curves

    def unique_name(self, name: str) -> str:
        """`name`, or `name (2)`, … so that every kept result has its own label."""
        taken = {o.name for o in self.outcomes}
        if name not in taken:
            return name
        return next(f"{name} ({i})" for i in range(2, 10_000) if f"{name} ({i})" not in taken)

    def keep(self, outcome: Outcome) -> None:
        """Add a result to the comparison."""
        self.outcomes.append(outcome)
        self._refresh_lists()
        self.redraw()
        self.changed.emit()

    def clear(self) -> None:
        """Forget every kept result."""
        self.outcomes.clear()
        self._refresh_lists()
        self.redraw()
        self.changed.emit()

    def _remove_selected(self) -> None:
        row = self.names.currentRow()
        if 0 <= row < len(self.outcomes):
            del self.outcomes[row]
            self._refresh_lists()
            self.redraw()
            self.changed.emit()

    def _refresh_lists(self) -> None:
        current = self.base.currentText()
        self.names.clear()
        self.base.blockSignals(True)
        self.base.clear()
        for o in self.outcomes:
            s = o.summary
            self.names.addItem(f"{o.name} — {s.replications} replication(s), seed {s.seed}, "
                               f"hash {s.scenario_hash}")
            self.base.addItem(o.name)
        index = self.base.findText(current)
        self.base.setCurrentIndex(index if index >= 0 else 0)
        self.base.blockSignals(False)

    def redraw(self) -> None:
        """Rebuild the KPI table and the overlays."""
        self._fill_table()
        self._draw_overlays()

    def _fill_table(self) -> None:
        outcomes = self.outcomes
        base_index = max(self.base.currentIndex(), 0)
        headers = ["KPI"]
        for i, o in enumerate(outcomes):
            headers.append(f"{o.name}\n(base)" if i == base_index else o.name)
            if i != base_index:
                # Right after the result it belongs to, so the short header cannot be misread.
                headers.append("Δ vs base")
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        delta_columns = [c for c, h in enumerate(headers) if h == "Δ vs base"]
        others = [o for i, o in enumerate(outcomes) if i != base_index]
        for column, o in zip(delta_columns, others, strict=True):
            header = self.table.horizontalHeaderItem(column)  # made by setHorizontalHeaderLabels
            if header is not None:
                header.setToolTip(f"{o.name} minus {outcomes[base_index].name}, paired replication by replication")
        if not outcomes:
            self.table.setRowCount(0)
            return
        base = outcomes[base_index]
        common = set.intersection(*(set(o.summary.kpis) for o in outcomes))
        defs = ordered_defs(common)
        self.table.setRowCount(len(defs))
        for row, definition in enumerate(defs):
            self.table.setItem(row, 0, left(definition.label))
            column = 1
            for i, o in enumerate(outcomes):
                self.table.setItem(row, column, self._value_item(o, definition))
                column += 1
                if i == base_index:
                    continue
                self.table.setItem(row, column, self._delta_item(base, o, definition))
                column += 1
        self.table.resizeColumnsToContents()

    @staticmethod
    def _value_item(outcome: Outcome, definition: KpiDef) -> QTableWidgetItem:
        """Mean and 95% CI within the KPI's possible range: "84.3% (46.1% – 100.0%)", never past 100%."""
        est = outcome.summary.kpis[definition.key]
        low, high = kpi_interval(definition.key, est)
        text = format_kpi(est.mean, definition, outcome.currency)
        if not math.isnan(low):
            text += (f" ({format_kpi(low, definition, outcome.currency)} – "
                     f"{format_kpi(high, definition, outcome.currency)})")
        return right(text)

    @staticmethod
    def _delta_item(base: Outcome, other: Outcome, definition: KpiDef) -> QTableWidgetItem:
        row = delta(base.summary, other.summary, definition.key)
        if row.paired is None:
            item = right(f"n/a: {row.note}")
            item.setToolTip("Paired differences need both experiments on one seed (common random numbers)"
                            if row.note == DIFFERENT_SEEDS else
                            "Amounts in two currencies cannot be compared without an exchange rate")
            return item
        diff = row.paired
        text = format_delta(diff.mean, definition, base.currency)
        if not math.isnan(diff.half_width):
            half = format_delta(diff.half_width, definition, base.currency).lstrip("+")  # in the delta's own unit
            text += f" (± {half})"
        marker = ("▲ " if diff.mean > 0 else "▼ ") if row.significant else ""
        item = right(marker + text)
        if row.verdict is not None:
            item.setForeground(QBrush(BETTER if row.verdict == "better" else WORSE))
        item.setToolTip("significant: the 95% CI of the paired difference excludes zero" if row.significant
                        else "not significant: the 95% CI of the paired difference includes zero")
        return item

    def _draw_overlays(self) -> None:
        self.overlays.draw(self.outcomes)
