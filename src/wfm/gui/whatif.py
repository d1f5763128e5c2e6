"""Quick what-if levers: the values planners change most, with a one-click re-run.

The levers edit the scenario through the editor, like any other edit, so a what-if is
visible in the tabs, marks the file as changed and can be saved or undone by re-opening.
Dialer levers show the knob of the chosen mode (lines per agent for power, target drop rate
for predictive). Setting a bonus rate switches the pay scheme to "bonus" (and clearing both
rates back to "flat") in the same edit, since the scenario rejects a bonus under a flat scheme.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
)

from wfm.gui.editor import ScenarioEditor, show_number
from wfm.gui.widgets import FlowGrid, clear_layout, row_of, spin

MODES = (("preview", "Preview"), ("progressive", "Progressive"), ("power", "Power"), ("predictive", "Predictive"))


class WhatIfPanel(QGroupBox):
    """Headcount per shift template, SL target, patience, dialer mode and pacing, bonus rates, Re-run."""

    rerun = Signal()
    reflowed = Signal()  # the levers moved to more or fewer columns: their height changed

    def __init__(self, editor: ScenarioEditor) -> None:
        super().__init__("Quick what-if")
        self.editor = editor
        self._layout_key: tuple[tuple[str, str], ...] = ()
        self.headcounts: dict[tuple[int, int], Any] = {}
        self.grid = FlowGrid()  # headcount per shift template
        self.target = spin(0.1, 100, " %", 1, 1.0, "Service-level target (share answered within the threshold)")
        self.patience = spin(0.1, 86_400, " s", 0, 10, "Mean caller patience before abandoning")
        self.target.valueChanged.connect(
            lambda v: self.editor.set_value(("inbound", "service_level", "target"), round(v / 100, 10)))
        self.patience.valueChanged.connect(
            lambda v: self.editor.set_value(("inbound", "patience", "mean_s"), float(v)))
        self.mode = QComboBox()
        for value, text in MODES:
            self.mode.addItem(text, value)
        self.mode.setToolTip("Dialer mode")
        self.mode.currentIndexChanged.connect(
            lambda i: self.editor.set_value(("outbound", "dialer", "mode"), self.mode.itemData(i)))
        self.ratio = spin(1, 10, " lines/agent", 2, 0.25, "Power: lines dialed per free agent")
        self.ratio.valueChanged.connect(
            lambda v: self.editor.set_value(("outbound", "dialer", "lines_per_agent"), round(v, 10)))
        self.drop_target = spin(0.01, 49.99, " % drops", 2, 0.25, "Predictive: drop rate the pacing aims at")
        self.drop_target.valueChanged.connect(
            lambda v: self.editor.set_value(("outbound", "dialer", "target_drop_rate"), round(v / 100, 10)))
        self.bonus_ptp = spin(0, 10_000, "", 2, 0.5, "Bonus per kept promise to pay (0 and 0 = flat pay)")
        self.bonus_euro = spin(0, 100, " %", 2, 0.25, "Bonus as a share of the money collected")
        self.bonus_ptp.valueChanged.connect(lambda _v: self._bonus_edited())
        self.bonus_euro.valueChanged.connect(lambda _v: self._bonus_edited())
        self.button = QPushButton("Re-run")
        self.button.setToolTip("Run the scenario again with these values")
        self.button.clicked.connect(self.rerun)
        self.dialer_label = QLabel("Dialer")
        for box in (self.ratio, self.drop_target, self.bonus_ptp, self.bonus_euro, self.target, self.patience):
            box.setMinimumWidth(80)
        self.levers = FlowGrid()
        self.levers.set_cells([
            row_of(self.dialer_label, self.mode, self.ratio, self.drop_target, stretch=True),
            row_of(QLabel("Bonus per kept PTP"), self.bonus_ptp, stretch=True),
            row_of(QLabel("Bonus on collected"), self.bonus_euro, stretch=True),
            row_of(QLabel("SL target"), self.target, stretch=True),
            row_of(QLabel("Mean patience"), self.patience, stretch=True),
            row_of(self.button, stretch=True),
        ])
        lay = QVBoxLayout(self)
        # The panel may be narrower than its rows: `resizeEvent` re-flows them into fewer columns.
        lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        lay.addLayout(self.grid)
        lay.addLayout(self.levers)
        editor.edited.connect(self.sync)
        self.sync()

    def resizeEvent(self, event: Any) -> None:  # Qt override
        """Re-flow the levers into as many columns as the new width holds."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width() - 24
        if self.grid.fit(width) | self.levers.fit(width):
            self.updateGeometry()
            self.reflowed.emit()

    def minimumSizeHint(self) -> QSize:  # Qt override
        """As narrow as one column of levers, as tall as the rows at the current width."""
        margins = self.contentsMargins()
        width = max(self.grid.narrowest(), self.levers.narrowest()) + margins.left() + margins.right() + 24
        layout = self.layout()
        height = layout.minimumSize().height() if layout is not None else 0
        return QSize(width, height + margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:  # Qt override
        """The minimum: the levers take no more height than their rows need."""
        return self.minimumSizeHint()

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
        dialer = data["outbound"]["dialer"]
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(max(self.mode.findData(dialer["mode"]), 0))
        self.mode.blockSignals(False)
        self.ratio.setVisible(dialer["mode"] == "power")
        self.drop_target.setVisible(dialer["mode"] == "predictive")
        for widget in (self.dialer_label, self.mode, self.ratio, self.drop_target):
            widget.setEnabled(bool(data["outbound"]["enabled"]))
        incentives = data["workforce"]["incentives"]
        for box, value in ((self.ratio, dialer["lines_per_agent"]),
                           (self.drop_target, _scaled(dialer["target_drop_rate"])),
                           (self.bonus_ptp, incentives["bonus_per_kept_ptp"]),
                           (self.bonus_euro, _scaled(incentives["bonus_per_euro"])),
                           (self.target, _scaled(data["inbound"]["service_level"]["target"])),
                           (self.patience, data["inbound"]["patience"]["mean_s"])):
            if isinstance(value, int | float) and abs(box.value() - value) > 1e-9:
                box.blockSignals(True)
                show_number(box, value)
                box.blockSignals(False)

    def _bonus_edited(self) -> None:
        data = copy.deepcopy(self.editor.data)
        incentives = data["workforce"]["incentives"]
        incentives["bonus_per_kept_ptp"] = round(self.bonus_ptp.value(), 10)
        incentives["bonus_per_euro"] = round(self.bonus_euro.value() / 100, 10)
        incentives["scheme"] = "bonus" if self.bonus_ptp.value() > 0 or self.bonus_euro.value() > 0 else "flat"
        self.editor.replace_data(data)

    def _rebuild(self, data: dict[str, Any]) -> None:
        clear_layout(self.grid)
        self.headcounts.clear()
        cells = []
        for g, group in enumerate(data["groups"]):
            for s, shift in enumerate(group["shifts"]):
                box = spin(0, 5000, " agents", tooltip=f"Headcount of shift {shift['name']} in group {group['name']}")
                box.setMinimumWidth(80)
                box.valueChanged.connect(
                    lambda v, g=g, s=s: self.editor.set_value(("groups", g, "shifts", s, "headcount"), int(v)))
                label = QLabel(f"{group['name']} · {shift['name']}")
                label.setMinimumWidth(label.sizeHint().width())
                cells.append(row_of(label, box, stretch=True))
                self.headcounts[(g, s)] = box
        self.grid.set_cells(cells)
        self._fit()


def _scaled(value: Any) -> Any:
    """A share as the percentage a spin box shows (non-numbers pass through for validation to name)."""
    return value * 100 if isinstance(value, int | float) else value
