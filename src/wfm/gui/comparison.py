"""Scenario comparison: kept results side by side, paired deltas with significance, overlays.

The rows come from `wfm.views.comparison`: differences paired replication by replication,
valid because experiments run on common random numbers when they share a seed; a pair with
different seeds, or amounts in two currencies, says so instead of showing a number as if it
were one.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.analysis import Outcome
from wfm.gui.changes import changes
from wfm.gui.formatting import format_delta
from wfm.gui.kpi_table import left, ordered_defs, right
from wfm.gui.overlays import OverlayTabs
from wfm.gui.widgets import scrolled_layout
from wfm.kpi import KpiDef, format_kpi
from wfm.views import kpi_interval
from wfm.views.comparison import DIFFERENT_SEEDS, delta

BETTER = QColor("#1b7f3b")
WORSE = QColor("#b00020")


def compact_interval(low: float, high: float, definition: KpiDef, currency: str) -> str:
    """An interval with its unit written once: "46.1–100.0%", "€1.37–2.51", "242.6–267.0 s"."""
    first, last = format_kpi(low, definition, currency), format_kpi(high, definition, currency)
    unit = re.search(r"[^\d.,]*$", first)
    suffix = unit.group() if unit is not None and last.endswith(unit.group()) else ""
    sign = re.match(r"^[^\d\-+]*", last)
    prefix = sign.group() if sign is not None and first.startswith(sign.group()) else ""
    return f"{first.removesuffix(suffix) if suffix else first}–{last.removeprefix(prefix) if prefix else last}"


class ComparisonPanel(QWidget):
    """Kept results (named, with what changed), a KPI table with deltas against a chosen base, and overlays.

    Signals:
        changed: results were kept, removed or renamed.
        renamed(object, object): a kept result was renamed (the old Outcome, the renamed one).
    """

    changed = Signal()
    renamed = Signal(object, object)
    NAME, RUNS, CHANGES = range(3)

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[Outcome] = []
        self.names = QTreeWidget()
        self.names.setHeaderLabels(["Result (double-click to rename)", "Runs", "Changed vs the base"])
        self.names.setRootIsDecorated(False)
        self.names.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # the name column only, below
        self.names.itemDoubleClicked.connect(self._edit_name)
        self.names.itemChanged.connect(self._name_edited)
        self.names.setWordWrap(True)
        self.base = QComboBox()
        self.base.setMinimumWidth(220)
        self.base.currentIndexChanged.connect(lambda _i: self._base_changed())
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
        self.table.setMinimumHeight(160)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)  # more rows in view
        # Sized once per fill (see KpiTable): ResizeToContents re-measures on every setItem.
        self.hint = QLabel("Keep results with “Keep for comparison”. Δ is paired (common random numbers); "
                           "▲/▼ when its 95% CI excludes zero.")
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
        up.addWidget(self.table, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(upper)
        self.split.addWidget(self.overlays)
        self.split.setChildrenCollapsible(False)
        # The KPI table is what the deltas are read from: it gets two thirds, the overlays the rest.
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([660, 330])
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.split)
        self.curves: dict[str, pg.PlotDataItem] = self.overlays.curves

    def unique_name(self, name: str, besides: Outcome | None = None) -> str:
        """`name`, or `name (2)`, … so that every kept result has its own label (`besides` is the one renamed)."""
        taken = {o.name for o in self.outcomes if o is not besides}
        if name not in taken:
            return name
        return next(f"{name} ({i})" for i in range(2, 10_000) if f"{name} ({i})" not in taken)

    @property
    def base_outcome(self) -> Outcome | None:
        """The result the others are compared against (the first kept, unless another was chosen)."""
        index = self.base.currentIndex()
        return self.outcomes[index] if 0 <= index < len(self.outcomes) else None

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

    def rename(self, outcome: Outcome, name: str) -> Outcome:
        """Give a kept result another name (made unique; blank keeps the old one); returns the renamed result."""
        name = " ".join(name.split())
        if not name or name == outcome.name or not any(o is outcome for o in self.outcomes):
            self._refresh_lists()
            return outcome
        renamed = dataclasses.replace(outcome, name=self.unique_name(name, besides=outcome))
        self.outcomes = [renamed if o is outcome else o for o in self.outcomes]
        self._refresh_lists()
        self.redraw()
        self.renamed.emit(outcome, renamed)
        self.changed.emit()
        return renamed

    def _edit_name(self, item: QTreeWidgetItem, column: int) -> None:
        self.names.editItem(item, self.NAME)

    def _name_edited(self, item: QTreeWidgetItem, column: int) -> None:
        index = self.names.indexOfTopLevelItem(item)
        if column == self.NAME and 0 <= index < len(self.outcomes):
            self.rename(self.outcomes[index], item.text(self.NAME))

    def _remove_selected(self) -> None:
        current = self.names.currentItem()
        row = self.names.indexOfTopLevelItem(current) if current is not None else -1
        if 0 <= row < len(self.outcomes):
            del self.outcomes[row]
            self._refresh_lists()
            self.redraw()
            self.changed.emit()

    def _base_changed(self) -> None:
        self._describe_changes()
        self.redraw()

    def _refresh_lists(self) -> None:
        base = self.base_outcome
        base_index = next((i for i, o in enumerate(self.outcomes) if o is base), 0)
        self.names.blockSignals(True)
        self.names.clear()
        self.base.blockSignals(True)
        self.base.clear()
        for o in self.outcomes:
            s = o.summary
            item = QTreeWidgetItem([o.name, f"{s.replications} × seed {s.seed}", ""])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(self.NAME, f"{o.name}: {o.scenario.name}, scenario hash {s.scenario_hash}. "
                                       "Double-click to rename.")
            self.names.addTopLevelItem(item)
            self.base.addItem(o.name)
        self.base.setCurrentIndex(base_index if self.outcomes else -1)
        self.base.blockSignals(False)
        self.names.blockSignals(False)
        self._describe_changes()

    def _describe_changes(self) -> None:
        """Each result's changed inputs against the base, in the list's third column."""
        base = self.base_outcome
        self.names.blockSignals(True)
        for i, o in enumerate(self.outcomes):
            item = self.names.topLevelItem(i)
            if item is None:
                continue
            if base is None or o is base:
                text, tip = "base", "The results the others are compared against"
            else:
                found = changes(base.scenario, o.scenario)
                text = "; ".join(str(c) for c in found[:3]) + (f"; +{len(found) - 3} more" if len(found) > 3 else "")
                text = text or "no input changed (same scenario)"
                tip = "\n".join(str(c) for c in found) or text
            item.setText(self.CHANGES, text)
            item.setToolTip(self.CHANGES, tip)
        self.names.blockSignals(False)
        for column in (self.NAME, self.RUNS):
            self.names.resizeColumnToContents(column)
        self._fit_names()

    def _fit_names(self) -> None:
        """The list as tall as its results (up to five), so the KPI table below keeps the height."""
        rows = min(max(len(self.outcomes), 1), 5)
        row = self.names.sizeHintForRow(0) if self.outcomes else self.names.fontMetrics().height() + 4
        header = self.names.header().sizeHint().height()
        self.names.setFixedHeight(header + rows * max(row, 1) + 2 * self.names.frameWidth() + 2)

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
        """Mean and 95% CI within the KPI's possible range: "84.3% (46.1–100.0%)", never past 100%."""
        est = outcome.summary.kpis[definition.key]
        low, high = kpi_interval(definition.key, est)
        text = format_kpi(est.mean, definition, outcome.currency)
        if not math.isnan(low):
            text += f" ({compact_interval(low, high, definition, outcome.currency)})"
        item = right(text)
        item.setToolTip(f"{definition.label}: mean over {est.n} replication(s) and its 95% interval")
        return item

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
