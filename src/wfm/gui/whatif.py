"""Quick what-if levers: the values planners change most, with a one-click re-run.

The levers edit the scenario through the editor, like any other edit, so a what-if is
visible in the tabs, marks the file as changed and can be saved or undone by re-opening.
Dialer mode/ratio and bonus rate join here when their scenario sections exist.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wfm.gui.editor import ScenarioEditor
from wfm.gui.widgets import spin


class WhatIfPanel(QGroupBox):
    """Headcount per shift template, SL target, patience, and a Re-run button."""

    rerun = Signal()

    def __init__(self, editor: ScenarioEditor) -> None:
        super().__init__("Quick what-if")
        self.editor = editor
        self._layout_key: tuple[tuple[str, str], ...] = ()
        self.headcounts: dict[tuple[int, int], Any] = {}
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        self.target = spin(0.1, 100, " %", 1, 1.0, "Service-level target (share answered within the threshold)")
        self.patience = spin(0.1, 86_400, " s", 0, 10, "Mean caller patience before abandoning")
        self.target.valueChanged.connect(
            lambda v: self.editor.set_value(("inbound", "service_level", "target"), round(v / 100, 10)))
        self.patience.valueChanged.connect(
            lambda v: self.editor.set_value(("inbound", "patience", "mean_s"), float(v)))
        self.button = QPushButton("Re-run")
        self.button.setToolTip("Run the scenario again with these values")
        self.button.clicked.connect(self.rerun)
        levers = QHBoxLayout()
        levers.addWidget(QLabel("SL target"))
        levers.addWidget(self.target)
        levers.addSpacing(12)
        levers.addWidget(QLabel("Mean patience"))
        levers.addWidget(self.patience)
        levers.addStretch(1)
        levers.addWidget(self.button)
        lay = QVBoxLayout(self)
        lay.addLayout(self.grid)
        lay.addLayout(levers)
        editor.edited.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        """Mirror the editor's values; rebuild the headcount row when shifts were added or removed."""
        data = self.editor.data
        key = tuple((str(g["name"]), str(s["name"])) for g in data["groups"] for s in g["shifts"])
        if key != self._layout_key:
            self._rebuild(data)
            self._layout_key = key
        for (g, s), box in self.headcounts.items():
            value = data["groups"][g]["shifts"][s]["headcount"]
            if isinstance(value, int) and box.value() != value:
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
        sl = data["inbound"]["service_level"]["target"]
        patience = data["inbound"]["patience"]["mean_s"]
        for box, value in ((self.target, sl * 100 if isinstance(sl, int | float) else None),
                           (self.patience, patience)):
            if isinstance(value, int | float) and abs(box.value() - value) > 1e-9:
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)

    def _rebuild(self, data: dict[str, Any]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.headcounts.clear()
        column = 0
        per_row = 4
        for g, group in enumerate(data["groups"]):
            for s, shift in enumerate(group["shifts"]):
                box = spin(0, 5000, " agents", tooltip=f"Headcount of shift {shift['name']} in group {group['name']}")
                box.setMinimumWidth(95)
                box.valueChanged.connect(
                    lambda v, g=g, s=s: self.editor.set_value(("groups", g, "shifts", s, "headcount"), int(v)))
                cell = QWidget()
                lay = QHBoxLayout(cell)
                lay.setContentsMargins(0, 0, 0, 0)
                lay.addWidget(QLabel(f"{group['name']} · {shift['name']}"))
                lay.addWidget(box)
                self.grid.addWidget(cell, column // per_row, column % per_row)
                self.headcounts[(g, s)] = box
                column += 1
