"""The collection strategy's results: champion against challenger, paths, home visits, messages per day, channels.

Every number comes from `wfm.views.strategy` (computed in the worker thread with the run, the
same tables the Excel Strategy sheet writes); this widget formats and draws them. The window
shows the tab only when the run had a strategy. Tables are sized to their rows, so the tab
scrolls as a whole on a laptop screen instead of nesting scroll bars. Tests read `tables`
(cell texts) and `curves`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wfm.gui.analysis import Outcome
from wfm.gui.dashboards import SERIES_COLORS, DayAxis, RightAxisBox, from_zero, make_plot, set_title
from wfm.gui.formatting import format_money, format_points
from wfm.gui.kpi_table import left, right
from wfm.gui.widgets import scrolled_layout
from wfm.kpi import format_money as money_with
from wfm.sim.collections.result import RESPONSES
from wfm.views.channel_economics import ChannelEconomics
from wfm.views.common import interval_caveat, kpi_interval
from wfm.views.strategy import (
    CAUSE_LABELS,
    CHANNEL_LABELS,
    FIELD_KPI_LABELS,
    FIELD_KPIS,
    FIELD_LABELS,
    FIELD_MONEY,
    FIELD_OUTCOME_COLORS,
    FIELD_SHARES,
    LEGAL_LABELS,
    OFFER_LABELS,
    FieldView,
    StrategyView,
    gain_verdict,
)

CHANNEL_COLORS = {"SMS": "#2d6cdf", "E-mail": "#17becf", "Letter": "#8c564b"}
"""By the channel's label in `wfm.views.strategy` (the order of its channel axis)."""
DEBTOR_CALLS_COLOR = "#d62728"
RESPONSE_TEXT = {"call": "Calls back", "pay": "Link payments", "promise": "Portal promises", "opt_out": "Opt-outs"}
GROUP_HEADERS = ("Accounts", "Placed", "Collected", "Recovery", "Message\ncost", "Attempts\nper account", "Reach",
                 "Message cost\nper collected")
GROUP_TIPS = ("Accounts that entered it at placement", "Balance placed on those accounts",
              "Money collected from them over the run, every cause (dialer included)",
              "Collected / placed", "Money spent on messages to them", "Dial attempts per account",
              "Accounts with a right-party conversation or a message response / accounts",
              "Money spent on messages per unit of money collected")
VERDICT_COLORS = {"the challenger recovers more": "#1b7f3b", "the champion recovers more": "#1d4fa8"}
FIELD_KPI_TEXT = {**FIELD_KPI_LABELS, "collected": "Collected by visits", "cost": "Field cost (shifts, km)",
                  "utilisation": "Agent utilisation (busy / paid)", "violations": "Visit rule violations"}
"""Shorter labels than the sheet's: the table shares the pane's width with the map."""
MAP_MIN_WIDTH = 480
"""The map's narrowest width beside the table; a narrower pane puts the table above it."""
MAP_OUTCOME_ORDER = ("nobody_home", "third_party", "wrong_address", "void", "refusal", "dispute", "promise", "paid")
"""The map draws the common, uninformative outcomes first, so that payments and promises lie on top."""


def _percent(value: float, decimals: int = 2) -> str:
    return "–" if math.isnan(value) else f"{value:.{decimals}%}"


def _count(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.1f}"


class FittedTable(QTableWidget):
    """A read-only table as wide as its columns and as tall as its rows: the dashboard scrolls, not the table.

    A horizontal scroll bar appears only when the pane is narrower than the columns, and the
    table then grows by its height so that it never covers the last row.
    """

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(list(headers))

    def fit(self) -> None:
        """Size the columns to their text and the table to its content."""
        self.resizeColumnsToContents()
        width = sum(self.columnWidth(c) for c in range(self.columnCount())) + 2 * self.frameWidth()
        self.setMaximumWidth(width)
        header = self.horizontalHeader()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        scroll = self.horizontalScrollBar().sizeHint().height() if self.width() < width else 0
        self.setFixedHeight(header.sizeHint().height() + rows + 2 * self.frameWidth() + scroll)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        """Make room for the horizontal scroll bar when the pane gets too narrow for the columns (or give it back)."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


def _table(headers: Sequence[str], tips: Sequence[str] = ()) -> FittedTable:
    table = FittedTable(headers)
    for i, tip in enumerate(tips):
        item = table.horizontalHeaderItem(i)
        if item is not None and tip:
            item.setToolTip(tip)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return table


def _fill(table: FittedTable, rows: Sequence[Sequence[QTableWidgetItem]]) -> None:
    """Put the rows in and fit the table to them."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            table.setItem(r, c, cell)
    table.fit()


def day_tick_step(n_days: int) -> int:
    """Days between two labelled ticks: every day for a week, else every other day, else whole weeks.

    A "Thu 08/01" label is about 65 pixels wide; a results pane on a laptop screen fits about eight.
    """
    if n_days <= 8:
        return 1
    if n_days <= 16:
        return 2
    return 7 * math.ceil(n_days / 56)


def _title(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setStyleSheet("padding: 6px 2px 0 2px; color: #222;")
    return label


class StrategyDashboard(QWidget):
    """Champion vs challenger with the paired interval, paths, messages and debtor calls per day, channels, causes."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.GraphicsObject] = {}
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("padding: 4px; background: #f4f7fb; border: 1px solid #d5dde8;")
        self.arms_title = _title("")
        self.tables: dict[str, FittedTable] = {
            # The arms have no reach column: the view counts reached accounts per path only.
            "arms": _table(("Arm", *GROUP_HEADERS[:-2], GROUP_HEADERS[-1]), ("", *GROUP_TIPS[:-2], GROUP_TIPS[-1])),
            "paths": _table(("Path", *GROUP_HEADERS), ("", *GROUP_TIPS)),
            "channels": _table(("", *(CHANNEL_LABELS.values()))),
            "causes": _table(("Cause", "Collected", "Share")),
            "offers": _table(("Offer", "Mean")),
            "economics": _table(("Channel", "Cost", "Collected", "Cost per euro"),
                                ("", "Mean cost over the replications (see the note for how the phone and inbound"
                                 " costs are split)", "Mean money collected through the channel",
                                 "Mean cost over mean money collected")),
            "legal": _table(("Legal action", "Mean")),
        }
        self.day_axis = DayAxis("bottom")
        self.per_day = make_plot("Messages sent and debtor calls per day", "messages sent", "", self.day_axis,
                                 legend_columns=4)
        self.per_day.setMinimumHeight(230)
        # The first day's label reaches left of the axis: pyqtgraph drops it unless the axis may overflow, which
        # it allows only without a vertical grid (the bars mark the days anyway).
        self.per_day.getPlotItem().showGrid(x=False, y=True, alpha=0.25)
        self.day_axis.setStyle(hideOverlappingLabels=40)
        # Debtor calls on an axis of their own (right): a few dozen beside a thousand messages looked flat.
        self.calls_box = RightAxisBox(self.per_day)
        self.per_day.getPlotItem().getAxis("right").setLabel("debtor calls", color=DEBTOR_CALLS_COLOR)
        self.liquidation = make_plot("Liquidation: share of the placed balance collected", "collected / placed (%)",
                                     "days on book", legend_columns=3)
        self.liquidation.setMinimumHeight(230)
        self.offers_title = _title("Payment plans, settlements and reminders")
        self.economics_title = _title("Cost per euro collected by channel")
        self.economics_title.setToolTip("Phone: dialer seats, outbound telephony and the outbound share of the"
                                        " agents' labour; inbound line: the rest of the center's cost.")
        self.legal_title = _title("Legal action (open cases at the end: pending, not lost)")
        self.field_panel = FieldPanel()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555; padding: 0 4px;")
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.headline)
        lay.addWidget(self.arms_title)
        lay.addWidget(self.tables["arms"])
        lay.addWidget(_title("By path (accounts by the path they entered at placement)"))
        lay.addWidget(self.tables["paths"])
        lay.addWidget(self.economics_title)
        lay.addWidget(self.tables["economics"])
        lay.addWidget(self.field_panel)
        lay.addWidget(self.legal_title)
        lay.addWidget(self.tables["legal"])
        lay.addWidget(self.per_day)
        lay.addWidget(self.liquidation)
        lay.addWidget(_title("Channels (messages counted on the day sent, responses with the message)"))
        lay.addWidget(self.tables["channels"])
        lay.addWidget(_title("Money collected by cause"))
        lay.addWidget(self.tables["causes"])
        lay.addWidget(self.offers_title)
        lay.addWidget(self.tables["offers"])
        lay.addWidget(self.note)
        lay.addStretch(1)

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw the strategy of a result (the window hides this tab when it has none)."""
        for step in self.drawing_steps(outcome):
            step()

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """The tables and the plot of a new result, one callable each (see `wfm.gui.dashboards.draw_all`)."""
        self.per_day.clear()
        self.liquidation.clear()
        self.calls_box.clear()
        self.curves.clear()
        self.field_panel.clear()
        view = outcome.strategy
        if view is None:
            return []
        return [functools.partial(self._show_arms, view, outcome), functools.partial(self._show_paths, view, outcome),
                functools.partial(self._show_economics, outcome.economics, outcome),
                functools.partial(self.field_panel.show_view, view.field_view, outcome),
                functools.partial(self._show_legal, view, outcome),
                functools.partial(self._draw_per_day, view, outcome),
                functools.partial(self._draw_liquidation, view),
                functools.partial(self._show_channels, view, outcome),
                functools.partial(self._show_causes, view, outcome),
                functools.partial(self._show_offers, view, outcome)]

    def cell(self, table: str, row: int, column: int) -> str:
        """A cell's text as shown (for tests and copy-paste)."""
        item = self.tables[table].item(row, column)
        return item.text() if item is not None else ""

    # ---- tables --------------------------------------------------------------------------

    def _group_rows(self, groups: dict[str, np.ndarray], labels: Sequence[str], currency: str,
                    reach: bool) -> list[list[QTableWidgetItem]]:
        rows = []
        for i, label in enumerate(labels):
            cells = [left(label), right(_count(groups["accounts"][i])),
                     right(format_money(groups["balance"][i], currency)),
                     right(format_money(groups["collected"][i], currency)),
                     right(_percent(groups["recovery_rate"][i])),
                     right(format_money(groups["message_cost"][i], currency)),
                     right(f"{groups['attempts_per_account'][i]:.1f}")]
            if reach:
                cells.append(right(_percent(groups["reach_rate"][i], 1)))
            cells.append(right(money_with(groups["message_cost_per_euro"][i], currency, 3)))
            rows.append(cells)
        return rows

    def _show_arms(self, view: StrategyView, outcome: Outcome) -> None:
        strategy = outcome.scenario.strategy
        has_arms = bool(view.arms) and view.challenger_gain is not None
        self.arms_title.setVisible(has_arms)
        self.tables["arms"].setVisible(has_arms)
        if not has_arms or view.challenger_gain is None:
            self.headline.setText(f"{len(strategy.paths)} treatment path(s), no challenger: add one in the editor"
                                  " (Collection strategy ▸ Champion and challenger) to compare two paths in one run.")
            return
        self.arms_title.setText(f"<b>Champion {strategy.champion} against challenger {strategy.challenger}</b>"
                                " (same run, same kind of debtors)")
        _fill(self.tables["arms"], self._group_rows(view.arms, ["Champion", "Challenger"], outcome.currency,
                                                    reach=False))
        gain = view.challenger_gain
        low, high = kpi_interval("challenger_recovery_gain", gain)
        verdict = gain_verdict(gain)
        interval = ("" if math.isnan(low) else
                    f" (95% interval {format_points(low * 100, signed=True)} to"
                    f" {format_points(high * 100, signed=True)}, paired within each of {gain.n} replications)")
        color = VERDICT_COLORS.get(verdict, "#7a4b00")
        self.headline.setText(
            f"Challenger <b>{strategy.challenger}</b> ({strategy.challenger_share:.0%} of the accounts entering"
            f" {strategy.champion}) − champion <b>{strategy.champion}</b> recovery rate:"
            f" <b>{format_points(gain.mean * 100, signed=True)}</b>{interval}:"
            f" <span style='color:{color}'><b>{verdict}</b></span>.")

    def _show_paths(self, view: StrategyView, outcome: Outcome) -> None:
        labels = [str(name) for name in view.paths["path"]]
        _fill(self.tables["paths"], self._group_rows(view.paths, labels, outcome.currency, reach=True))

    def _show_channels(self, view: StrategyView, outcome: Outcome) -> None:
        ch, currency = view.channels, outcome.currency
        n = len(ch["channel"])
        table = self.tables["channels"]
        table.setHorizontalHeaderLabels(["", *(str(c) for c in ch["channel"])])
        money = functools.partial(format_money, currency=currency)
        lines: list[tuple[str, str, Callable[[float], str]]] = [
            ("Sent", "sent", _count), ("Delivered", "delivered", _count),
            ("Delivery rate", "delivery_rate", functools.partial(_percent, decimals=1)),
            *((RESPONSE_TEXT[k], f"responses_{k}", _count) for k in RESPONSES),
            ("Response rate (call, pay, promise)", "response_rate", _percent),
            ("Opt-out rate", "opt_out_rate", _percent),
            ("Cost", "cost", money), ("Cost per response", "cost_per_response", money),
        ]
        _fill(table, [[left(text), *(right(show(float(ch[key][i]))) for i in range(n))] for text, key, show in lines])

    def _show_causes(self, view: StrategyView, outcome: Outcome) -> None:
        total = sum(view.causes.values())
        rows = [[left(CAUSE_LABELS[k]), right(format_money(v, outcome.currency)),
                 right(_percent(v / total if total > 0 else math.nan, 1))] for k, v in view.causes.items()]
        _fill(self.tables["causes"], rows)
        self.note.setText(
            f"Means over {outcome.summary.replications} replication(s). Money by path and arm is everything collected"
            " from the accounts that entered it, dialer included; the dialer's cause is the rest of the campaign's"
            f" money. Accounts in no path: {_count(view.untreated)}.")

    def _show_economics(self, economics: ChannelEconomics | None, outcome: Outcome) -> None:
        """Cost, money and cost per euro per channel; channels with neither cost nor money are left out."""
        shown = economics is not None
        self.economics_title.setVisible(shown)
        self.tables["economics"].setVisible(shown)
        if economics is None:
            return
        ch, currency = economics.channels, outcome.currency
        rows = [[left(str(ch["channel"][i])), right(format_money(float(ch["cost"][i]), currency)),
                 right(format_money(float(ch["collected"][i]), currency)),
                 right(money_with(float(ch["cost_per_euro"][i]), currency, 3))]
                for i in range(len(ch["channel"])) if ch["cost"][i] or ch["collected"][i]]
        _fill(self.tables["economics"], rows)

    def _show_legal(self, view: StrategyView, outcome: Outcome) -> None:
        shown = bool(view.legal)
        self.legal_title.setVisible(shown)
        self.tables["legal"].setVisible(shown)
        money = {"collected", "cost"}
        rows = [[left(LEGAL_LABELS[k]),
                 right(format_money(v, outcome.currency) if k in money
                       else money_with(v, outcome.currency, 3) if k == "cost_per_euro" else f"{v:,.1f}")]
                for k, v in view.legal.items()]
        _fill(self.tables["legal"], rows)

    def _show_offers(self, view: StrategyView, outcome: Outcome) -> None:
        shown = any(view.offers.values())  # a strategy without plans, settlements or reminders: no table of zeros
        self.offers_title.setVisible(shown)
        self.tables["offers"].setVisible(shown)
        money = {"discount_given"}
        rows = [[left(OFFER_LABELS[k]), right(format_money(v, outcome.currency) if k in money else _count(v))]
                for k, v in view.offers.items()]
        _fill(self.tables["offers"], rows)

    # ---- plots ---------------------------------------------------------------------------

    def _draw_liquidation(self, view: StrategyView) -> None:
        liq = view.liquidation
        days = liq.days_on_book.astype(float)
        curves = [(f"batch {name}", curve, Qt.PenStyle.SolidLine) for name, curve in liq.by_batch.items()]
        if len(liq.by_batch) > 1 or len(liq.by_segment) > 1:
            curves += [(f"segment {name}", curve, Qt.PenStyle.DashLine) for name, curve in liq.by_segment.items()]
        for i, (name, curve, style) in enumerate(curves):
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            self.curves[f"liquidation:{name}"] = self.liquidation.plot(
                days, np.asarray(curve, dtype=float) * 100, name=name, connect="finite",
                pen=pg.mkPen(color, width=2, style=style))
        top = max((float(np.nanmax(c, initial=0.0)) for _, c, _ in curves), default=0.0) * 100
        from_zero(self.liquidation, top, headroom=1.12)
        self.liquidation.setXRange(0, max(len(days) - 1, 1), padding=0.02)

    def _draw_per_day(self, view: StrategyView, outcome: Outcome) -> None:
        n_days = view.sent_by_day.shape[1]
        days = np.arange(n_days, dtype=float)
        start = outcome.scenario.calendar.start_date
        labels = [(start + timedelta(days=d)).strftime("%a %d/%m") for d in range(n_days)]
        self.day_axis.labels = labels
        every = day_tick_step(n_days)
        self.per_day.getPlotItem().getAxis("bottom").setTicks(
            [[(float(i), s) for i, s in enumerate(labels) if i % every == 0]])
        bottom = np.zeros(n_days)
        for j, name in enumerate(str(c) for c in view.channels["channel"]):
            sent = np.nan_to_num(view.sent_by_day[j])
            if not sent.any():
                continue  # a channel no path uses: no empty legend entry
            color = CHANNEL_COLORS.get(name, "#7f7f7f")
            bars = pg.BarGraphItem(x=days, y0=bottom.copy(), height=sent, width=0.6, brush=pg.mkBrush(color + "bb"),
                                   pen=pg.mkPen(color), name=f"{name} sent")
            self.per_day.addItem(bars)
            self.curves[f"sent:{name}"] = bars
            bottom += sent
        calls = np.nan_to_num(view.debtor_calls_by_day)
        line = pg.PlotDataItem(days, calls, pen=pg.mkPen(DEBTOR_CALLS_COLOR, width=2), symbol="o", symbolSize=6,
                               symbolBrush=DEBTOR_CALLS_COLOR, symbolPen=DEBTOR_CALLS_COLOR)
        self.calls_box.add(line, "debtor calls (right axis)")
        self.curves["debtor_calls"] = line
        from_zero(self.per_day, float(bottom.max(initial=0.0)), headroom=1.12)
        top = float(calls.max(initial=0.0))
        self.calls_box.setYRange(0, (top if top > 0 else 1.0) * 1.12, padding=0)
        self.per_day.setXRange(-0.6, n_days - 0.4, padding=0)
        self.calls_box.sync()



class FieldPanel(QWidget):
    """Home visits, shown only when the run made some: per-visit KPIs beside a map of the visited addresses.

    The map is a scatter in the zones' km, one point per visit of the first replication, coloured
    by what the visit found, with the agents' base(s) as black stars; its axes keep km square so
    distances read true. Tests read `table` (cell texts), `points` (outcome → scatter) and `bases`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.points: dict[str, pg.ScatterPlotItem] = {}
        self.bases: pg.ScatterPlotItem | None = None
        self.table = _table(("Home visits", "Mean", "95% interval"))
        self.map = make_plot("Visited addresses by outcome", "km north", "km east", legend_columns=3)
        self.map.setMinimumHeight(360)
        self.map.getPlotItem().setAspectLocked(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555; padding: 0 4px;")
        self.column = QWidget()
        stack = _column(self.column)
        stack.addWidget(self.table)
        stack.addWidget(self.note)
        stack.addStretch(1)
        # Beside the map when the pane is wide enough for both, above it on a laptop's results pane.
        self.row = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.column, 0)
        self.row.addWidget(self.map, 1)
        lay = _column(self)
        lay.addWidget(_title("Home visits"))
        lay.addLayout(self.row)
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        """Put the table beside the map when both fit the width, else above it."""
        super().resizeEvent(event)
        wide = event.size().width() >= self.table.maximumWidth() + MAP_MIN_WIDTH
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.row.direction() != direction:
            self.row.setDirection(direction)

    def clear(self) -> None:
        """Forget the last result's map (the panel stays hidden until a result with visits)."""
        self.map.clear()
        self.points.clear()
        self.bases = None
        self.hide()

    def show_view(self, field: FieldView | None, outcome: Outcome) -> None:
        """Fill the table and the map, or keep the panel hidden when the run made no visit."""
        self.clear()
        if field is None or not field.mean("visits") > 0:
            return
        self.show()
        self._show_kpis(field, outcome)
        self._draw_map(field)

    def cell(self, row: int, column: int) -> str:
        """A cell's text as shown."""
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _show_kpis(self, field: FieldView, outcome: Outcome) -> None:
        currency = outcome.currency

        def show(key: str, value: float) -> str:
            if key in FIELD_SHARES:
                return _percent(value, 1)
            if key in FIELD_MONEY:
                return money_with(value, currency, 2) if key == "cost_per_euro" else format_money(value, currency)
            if key in ("visits", "km", "violations"):
                return _count(value)
            return "–" if math.isnan(value) else f"{value:,.2f}"

        rows = []
        for key in FIELD_KPIS:
            low, high = field.interval(key)
            interval = "–" if field.replications < 2 or math.isnan(low) else f"{show(key, low)} – {show(key, high)}"
            rows.append([left(FIELD_KPI_TEXT[key]), right(show(key, field.mean(key))), right(interval)])
        _fill(self.table, rows)
        self.column.setMinimumWidth(self.table.maximumWidth())  # beside the map, the table keeps its columns
        caveat = interval_caveat(field.replications)
        self.note.setText(
            f"Means over {field.replications} replication(s); the map shows replication 1. Per visit: every visit"
            " made, void ones included. Reached: paid, promise, refusal or dispute at the door. Busy: driving and"
            f" visiting. {caveat}".strip())

    def _draw_map(self, field: FieldView) -> None:
        log = field.points
        plot = self.map.getPlotItem()
        for name in MAP_OUTCOME_ORDER:
            rows = log[log["outcome"] == field.outcomes.index(name)]
            if not len(rows):
                continue  # an outcome no visit had: no legend entry
            color = FIELD_OUTCOME_COLORS[name]
            item = pg.ScatterPlotItem(x=rows["km_x"].astype(float), y=rows["km_y"].astype(float), size=7,
                                      brush=pg.mkBrush(color + "cc"), pen=pg.mkPen(color),
                                      name=f"{FIELD_LABELS[name]} ({len(rows)})")
            plot.addItem(item)
            self.points[name] = item
        bases = np.asarray(field.bases, dtype=float).reshape(-1, 2)
        self.bases = pg.ScatterPlotItem(x=bases[:, 0], y=bases[:, 1], symbol="star", size=18,
                                        brush=pg.mkBrush("#111111"), pen=pg.mkPen("w"),
                                        name="base" if len(bases) == 1 else "bases")
        plot.addItem(self.bases)
        set_title(self.map, f"Visited addresses, replication 1 ({len(log):,} visits)")
        plot.autoRange()


def _column(owner: QWidget) -> QVBoxLayout:
    """A vertical layout for `owner` without margins (the dashboard around it has them)."""
    lay = QVBoxLayout(owner)
    lay.setContentsMargins(0, 0, 0, 0)
    return lay
