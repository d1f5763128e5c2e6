"""The "Workforce & incentives" and "Costs & targets" tabs: the `workforce` and `costs` sections.

Per-group values (hiring targets, wages) are a check box and a spin box per agent group:
unchecked leaves the group out of the mapping, which the scenario reads as "the group's
roster" (hiring) or "the default wage" (costs). The rows follow the Staffing tab's groups.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox, QLabel, QSpinBox, QWidget

from wfm.gui.editor import ErrorSink, SectionTab, show_number
from wfm.gui.section_helpers import hint, number, percent
from wfm.gui.widgets import clear_layout, error_label, spin
from wfm.scenario import CALL_OUTCOMES

WF = ("workforce",)
STRESS = ("workforce", "stress")
INCENTIVES = ("workforce", "incentives")
COSTS = ("costs",)
TARGETS = ("targets",)
OUTCOME_TEXT = {"inbound": "Inbound call", "ptp": "Promise to pay", "refusal": "Refusal", "dispute": "Dispute",
                "callback": "Callback"}
CURRENCIES = ("EUR", "USD", "GBP", "COP", "CHF", "PLN")


class GroupValues:
    """One optional value per agent group, bound to a mapping {group name: value} in the scenario."""

    def __init__(self, tab: SectionTab, title: str, path: tuple[str, ...], make_box: Any, unset: str,
                 into: Any, integer: bool = False) -> None:
        self.tab = tab
        self.path = path
        self.make_box = make_box
        self.unset = unset
        self.integer = integer
        self._names: tuple[str, ...] = ()
        self.rows: dict[str, tuple[QCheckBox, Any, QLabel]] = {}
        box = QGroupBox(title)
        outer = QGridLayout(box)
        self.grid = QGridLayout()
        outer.addLayout(self.grid, 0, 0)
        self.errors = error_label()
        outer.addWidget(self.errors, 1, 0)
        into.addRow(box) if hasattr(into, "addRow") else into.addWidget(box)
        tab.editor.register_sink(path, ErrorSink(tab, self.errors))

    def mapping(self) -> dict[str, Any]:
        """The mapping in the editor's dict."""
        data = self.tab.editor.data
        for part in self.path:
            data = data[part]
        return data

    def refresh(self) -> None:
        """Rebuild the rows when groups changed, then load the values."""
        names = tuple(str(g["name"]) for g in self.tab.editor.data["groups"])
        if names != self._names:
            self._rebuild(names)
        mapping = self.mapping()
        for name, (check, box, note) in self.rows.items():
            value = mapping.get(name)
            for w in (check, box):
                w.blockSignals(True)
            check.setChecked(value is not None)
            if isinstance(value, int | float):
                box.setValue(value)
            box.setEnabled(value is not None)
            note.setVisible(value is None)
            for w in (check, box):
                w.blockSignals(False)

    def _rebuild(self, names: tuple[str, ...]) -> None:
        clear_layout(self.grid)
        self.rows.clear()
        for r, name in enumerate(names):
            check = QCheckBox(name)
            box = self.make_box(name)
            note = QLabel(self.unset)
            note.setStyleSheet("color: #777;")
            check.toggled.connect(lambda _on, n=name: self._edited(n))
            box.valueChanged.connect(lambda _v, n=name: self._edited(n))
            self.grid.addWidget(check, r, 0)
            self.grid.addWidget(box, r, 1)
            self.grid.addWidget(note, r, 2)
            self.rows[name] = (check, box, note)
        self.grid.setColumnStretch(3, 1)
        self._names = names

    def _edited(self, name: str) -> None:
        check, box, note = self.rows[name]
        box.setEnabled(check.isChecked())
        note.setVisible(not check.isChecked())
        mapping = dict(self.mapping())
        if check.isChecked():
            mapping[name] = int(box.value()) if self.integer else float(box.value())
        else:
            mapping.pop(name, None)
        self.tab.editor.set_value(self.path, mapping, source=self.tab)


class WorkforceTab(SectionTab):
    """Tenure, stress, learning curve, attrition, hiring and the incentive scheme."""

    title = "Workforce && incentives"

    def build(self) -> None:
        """Two columns: stress on the left; learning, attrition, hiring and incentives on the right."""
        left = right = self.flow()
        form = self.group("Starting roster", WF, left)
        number(self, form, "Mean tenure at day 0", (*WF, "initial_tenure_mean_days"), 0, 36_500, " days", step=30,
               tooltip="Mean (exponential) tenure of the agents rostered at the start")
        self._build_stress(left)
        self._build_learning_attrition(right)
        self._build_hiring(right)
        self._build_incentives(right)

    def _build_stress(self, into: Any) -> None:
        form = self.group("Stress (per agent, 0–100%)", STRESS, into)
        self.row(form, "Model stress", (*STRESS, "enabled"), self.bind_check((*STRESS, "enabled"), QCheckBox()))
        fields: list[QWidget] = [
            percent(self, form, "Gain per handled call", (*STRESS, "gain_per_call"),
                    "Each call adds gain × (1 − stress)", decimals=2, step=0.1)]
        outcome = QWidget()
        grid = QGridLayout(outcome)
        grid.setContentsMargins(0, 0, 0, 0)
        self.outcome_gain: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for i, name in enumerate(CALL_OUTCOMES):
            box = spin(0, 100, " %", 2, 0.5, f"Extra stress gain after: {OUTCOME_TEXT[name]}")
            box.setMinimumWidth(90)
            box.valueChanged.connect(lambda _v: self._outcome_gain_edited())
            grid.addWidget(QLabel(OUTCOME_TEXT[name]), i, 0)
            grid.addWidget(box, i, 1)
            self.outcome_gain[name] = box
        self._add((*STRESS, "outcome_gain"), self._load_outcome_gain)
        self.row(form, "Extra gain by outcome", (*STRESS, "outcome_gain"), outcome)
        fields += [
            outcome,
            number(self, form, "Back-to-back within", (*STRESS, "back_to_back_s"), 0, 3600, " s", 1, 1),
            percent(self, form, "Back-to-back extra", (*STRESS, "back_to_back_gain"), maximum=1000, step=5,
                    tooltip="A back-to-back call's gain × (1 + this)"),
            number(self, form, "Recovery on shift", (*STRESS, "recovery_per_hour"), 0, 100, " /h", 2, 0.05,
                   "Decay rate while idle or on break: stress × exp(−rate × hours)"),
            number(self, form, "Recovery off shift", (*STRESS, "recovery_off_per_hour"), 0, 100, " /h", 2, 0.05),
            percent(self, form, "Handle time effect", (*STRESS, "aht_effect"), maximum=500,
                    tooltip="Handle time × (1 + effect × stress)"),
            percent(self, form, "Conversion effect", (*STRESS, "conversion_effect"),
                    tooltip="PTP conversion × (1 − effect × stress)"),
            percent(self, form, "Absence effect", (*STRESS, "absence_effect"),
                    tooltip="Absence probability + effect × chronic stress"),
            number(self, form, "Attrition effect", (*STRESS, "attrition_effect"), 0, 50, " ×", 2, 0.1,
                   "Attrition hazard × (1 + effect × chronic stress)"),
            number(self, form, "Chronic stress window", (*STRESS, "chronic_window_days"), 0.1, 365, " days", 1, 1),
        ]
        self.stress_fields = fields
        self.enable_when(fields, lambda d: bool(d["workforce"]["stress"]["enabled"]))

    def _build_learning_attrition(self, into: Any) -> None:
        path = ("workforce", "learning")
        form = self.group("Learning curve", path, into)
        self.row(form, "Model learning", (*path, "enabled"), self.bind_check((*path, "enabled"), QCheckBox()))
        learning = [percent(self, form, "New-hire productivity", (*path, "p0"),
                            "Productivity p0 on day one; handle time ÷ p", minimum=1),
                    number(self, form, "Time constant", (*path, "time_constant_days"), 0.1, 3650, " days", 1, 5)]
        self.enable_when(learning, lambda d: bool(d["workforce"]["learning"]["enabled"]))
        path = ("workforce", "attrition")
        form = self.group("Attrition", path, into)
        self.row(form, "Model resignations", (*path, "enabled"), self.bind_check((*path, "enabled"), QCheckBox()))
        attrition = [percent(self, form, "Annual attrition", (*path, "annual_rate"),
                             "Leavers / average headcount per year", maximum=500),
                     number(self, form, "Early tenure", (*path, "early_days"), 0, 3650, " days", step=10),
                     number(self, form, "Early-tenure hazard", (*path, "early_multiplier"), 0, 20, " ×", 2, 0.25)]
        self.enable_when(attrition, lambda d: bool(d["workforce"]["attrition"]["enabled"]))

    def _build_hiring(self, into: Any) -> None:
        path = ("workforce", "hiring")
        form = self.group("Hiring", path, into)
        self.row(form, "Replace leavers", (*path, "enabled"), self.bind_check((*path, "enabled"), QCheckBox()))
        hiring = [number(self, form, "Lead time", (*path, "lead_time_days"), 1, 365, " days",
                         tooltip="Requisition to first day"),
                  number(self, form, "Training", (*path, "training_days"), 0, 120, " shifts",
                         tooltip="Shifts in class: paid, not taking calls")]
        self.enable_when(hiring, lambda d: bool(d["workforce"]["hiring"]["enabled"]))
        self.targets = GroupValues(
            self, "Target headcount per group", (*path, "target_headcount"),
            lambda name: spin(0, 5000, " agents", tooltip=f"Hiring target of {name} (at most its roster)"),
            "= roster", form, integer=True)

    def _build_incentives(self, into: Any) -> None:
        form = self.group("Incentives", INCENTIVES, into)
        self.row(form, "Pay scheme", (*INCENTIVES, "scheme"),
                 self.bind_combo((*INCENTIVES, "scheme"), QComboBox(), (("flat", "Flat wage"),
                                                                       ("bonus", "Bonus on results"))))
        number(self, form, "Bonus per kept promise", (*INCENTIVES, "bonus_per_kept_ptp"), 0, 10_000, "", 2, 0.5,
               "Money per promise to pay that was kept")
        percent(self, form, "Bonus per amount collected", (*INCENTIVES, "bonus_per_euro"),
                "Share of the money collected paid as bonus", decimals=2, step=0.25)
        number(self, form, "Half effect at (per kept PTP)", (*INCENTIVES, "half_effect_per_kept_ptp"), 0.01, 10_000,
               "", 2, 0.5)
        percent(self, form, "Half effect at (per amount)", (*INCENTIVES, "half_effect_per_euro"), minimum=0.01,
                decimals=2, step=0.25)
        percent(self, form, "Max conversion lift", (*INCENTIVES, "max_conversion_lift"), maximum=200)
        percent(self, form, "Max attrition reduction", (*INCENTIVES, "max_attrition_reduction"))
        percent(self, form, "Pressure (extra stress)", (*INCENTIVES, "pressure"))

    def refresh(self) -> None:
        """Reload fields and the per-group targets."""
        super().refresh()
        self.targets.refresh()

    def _load_outcome_gain(self, gains: Any) -> None:
        for name, box in self.outcome_gain.items():
            value = (gains or {}).get(name, 0.0)
            if isinstance(value, int | float):
                self._quiet(box, partial(show_number, box, value, 100))

    def _outcome_gain_edited(self) -> None:
        gains = {name: round(box.value() / 100, 10) for name, box in self.outcome_gain.items() if box.value() > 0}
        self.editor.set_value((*STRESS, "outcome_gain"), gains, source=self)


class CostsTab(SectionTab):
    """Unit costs, wages per group, and the targets the results are judged against."""

    title = "Costs && targets"

    def build(self) -> None:
        """Costs on the left, wages per group and targets on the right."""
        left = right = self.flow()
        form = self.group("Unit costs", COSTS, left)
        currency = QComboBox()
        currency.setEditable(True)
        currency.addItems(CURRENCIES)
        self._add((*COSTS, "currency"), lambda v: self._quiet(currency, lambda: currency.setCurrentText(str(v))))
        currency.currentTextChanged.connect(lambda text: self.editor.set_value((*COSTS, "currency"), text,
                                                                               source=self))
        self.row(form, "Currency", (*COSTS, "currency"), currency, "ISO code; every amount is in this currency")
        number(self, form, "Wage", (*COSTS, "wage_per_hour"), 0, 10_000, " /h", 2, 0.5,
               "Per paid hour: scheduled minus unpaid breaks, overrun, training")
        number(self, form, "Telephony per minute", (*COSTS, "telephony_per_minute"), 0, 100, " /min", 4, 0.001)
        number(self, form, "Telephony per dial attempt", (*COSTS, "telephony_per_attempt"), 0, 100, "", 4, 0.001)
        number(self, form, "Dialer seat", (*COSTS, "dialer_seat_per_day"), 0, 10_000, " /seat-day", 2, 0.5,
               "Licence per seat-day of outbound and blended agents at work")
        number(self, form, "Cost per hire", (*COSTS, "cost_per_hire"), 0, 1_000_000, "", 0, 100,
               "Recruiting and onboarding, charged on the hire's first day")
        number(self, form, "Overhead", (*COSTS, "overhead_per_seat_day"), 0, 10_000, " /seat-day", 2, 1,
               "Building, IT and supervision per agent-shift (work or training)")
        self.wages = GroupValues(
            self, "Wage per group", (*COSTS, "wage_per_hour_by_group"),
            lambda name: spin(0, 10_000, " /h", 2, 0.5, f"Hourly wage of {name}"), "= default wage", right)
        self._build_targets(right)

    def _build_targets(self, into: Any) -> None:
        # The same values as on the Inbound and Dialer tabs, gathered where budgets are set;
        # their problems show on those tabs (one place per field).
        box = QGroupBox("Targets")
        form = QGridLayout(box)
        rows = (
            ("Service-level target", ("inbound", "service_level", "target"), spin(0.1, 100, " %", 1, 1), 100.0),
            ("…answered within", ("inbound", "service_level", "threshold_s"), spin(0, 3600, " s", 0, 5), 1.0),
            ("Predictive target drop rate", ("outbound", "dialer", "target_drop_rate"),
             spin(0.01, 49.99, " %", 2, 0.1), 100.0),
        )
        for r, (text, path, widget, scale) in enumerate(rows):
            form.addWidget(QLabel(text), r, 0)
            form.addWidget(self.bind_spin(path, widget, scale=scale), r, 1)
            if path[-1] == "target_drop_rate":  # the predictive dialer's aim: no other mode has one
                self.enable_when([widget], lambda d: d["outbound"]["dialer"]["mode"] == "predictive")
        cap = self.bind_optional(("outbound", "compliance", "drop_cap"), spin(0.01, 99.99, " %", 2, 0.5), 100.0)
        form.addWidget(QLabel("Drop-rate cap"), len(rows), 0)
        form.addWidget(cap, len(rows), 1)
        form.addWidget(hint("Problems with these show on the Inbound and Dialer tabs."), len(rows) + 1, 0, 1, 2)
        form.setColumnStretch(2, 1)
        into.addWidget(box)
        # The planner's own targets: each KPI with one gets a red/amber/green status in the results.
        targets = self.group("KPI targets (unchecked = no status for that KPI)", TARGETS, into)
        for key, text, field, scale, tip in (
            ("abandon_rate_max", "Abandon rate at most", spin(0, 100, " %", 1, 0.5), 100.0, "abandoned / offered"),
            ("occupancy_min", "Occupancy at least", spin(0, 100, " %", 1, 1), 100.0, "agents busy enough"),
            ("occupancy_max", "Occupancy at most", spin(0, 100, " %", 1, 1), 100.0, "agents not burnt out"),
            ("cost_per_call_max", "Cost per call at most", spin(0, 10_000, "", 2, 0.1), 1.0,
             "total cost / handled calls, in the scenario's currency"),
            ("recovery_rate_min", "Recovery rate at least", spin(0, 100, " %", 2, 0.1), 100.0,
             "amount collected / balance placed"),
        ):
            self.row(targets, text, (*TARGETS, key), self.bind_optional((*TARGETS, key), field, scale, "no target"),
                     tip)

    def refresh(self) -> None:
        """Reload fields and the per-group wages."""
        super().refresh()
        self.wages.refresh()

