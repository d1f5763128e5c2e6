"""pyqtgraph dashboards of one result: inbound by interval, staffing vs requirement, by day.

Every curve is the mean over replications; a translucent band is its 95% confidence
interval when there are replications to compute one from. Tests read the `curves` dicts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from wfm.gui.analysis import Outcome
from wfm.gui.widgets import scrolled_layout
from wfm.views import Band
from wfm.views.profile import IntradayProfile, intraday_profile, open_days

COLORS = {"offered": "#1f77b4", "answered": "#2ca02c", "service_level": "#d62728", "agents": "#1f77b4",
          "required": "#ff7f0e", "target": "#7f7f7f", "abandon_rate": "#9467bd"}
INBOUND_AGENTS_LABEL = "inbound-capable agents available (idle, busy or on the dialer), 95% CI"
SERIES_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


class TimeOfDayAxis(pg.AxisItem):
    """An axis in hours after midnight, labelled as clock times."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Hours as HH:MM."""
        out = []
        for v in values:
            minutes = int(round(v * 60))
            out.append(f"{minutes // 60:02d}:{minutes % 60:02d}" if 0 <= minutes <= 24 * 60 else "")
        return out


class DayAxis(pg.AxisItem):
    """An axis of simulation days labelled with their dates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels: list[str] = []

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Day index → 'Mon 05-01'."""
        out = []
        for v in values:
            i = int(round(v))
            out.append(self.labels[i] if abs(v - i) < 1e-6 and 0 <= i < len(self.labels) else "")
        return out


class PlainAxis(pg.AxisItem):
    """An axis with plain numbers and thousands separators (1,500,000), never "1.5e+06"."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Whole numbers with separators; decimals only when the ticks are closer than 1."""
        decimals = 0 if spacing * scale >= 1 else min(3, max(1, -int(np.floor(np.log10(spacing * scale)))))
        return [f"{v * scale:,.{decimals}f}" for v in values]


class RightAxisBox(pg.ViewBox):
    """A second view box on a plot's right axis, for a series on a scale of its own (money beside counts).

    pyqtgraph draws one y scale per plot: a box linked to the right axis, sharing the plot's x
    axis and laid over its area whenever the plot resizes (`sync`), gives the second. Its axis
    writes plain numbers, never an SI prefix, as every axis of `make_plot` does.
    """

    def __init__(self, plot: pg.PlotWidget) -> None:
        super().__init__()
        self.item = item = plot.getPlotItem()
        item.setAxisItems({"right": PlainAxis("right")})
        item.showAxis("right")
        item.scene().addItem(self)
        right = item.getAxis("right")
        right.linkToView(self)
        right.enableAutoSIPrefix(False)
        self.setXLink(item)
        item.vb.sigResized.connect(self.sync)
        self._listed: list[pg.GraphicsObject] = []  # items `add` put in the plot's legend

    def add(self, item: pg.GraphicsObject, name: str = "") -> None:
        """Draw `item` on the right scale; with a `name`, list it in the plot's legend too.

        The plot's own legend only hears of items added to the plot, so an item of this box is
        listed (and, by `clear`, unlisted) here.
        """
        self.addItem(item)
        legend = self.item.legend
        if name and legend is not None:
            legend.addItem(item, name)
            self._listed.append(item)

    def clear(self) -> None:
        """Remove the box's items, and their entries in the plot's legend."""
        legend = self.item.legend
        for listed in self._listed:
            if legend is not None:
                legend.removeItem(listed)
        self._listed.clear()
        super().clear()

    def sync(self) -> None:
        """Lay the box over the plot's area again (after a resize or a redraw)."""
        self.setGeometry(self.item.vb.sceneBoundingRect())
        self.linkedViewChanged(self.item.vb, self.XAxis)


def draw_all(steps: Iterable[Callable[[], None]]) -> None:
    """Draw a dashboard's plots at once.

    Each dashboard hands out its plots as separate steps (`drawing_steps`) because drawing a
    whole dashboard can take pyqtgraph most of 100 ms; the window runs one step per event-loop
    turn so it stays responsive while a result fills in. Everything else draws them in one go.
    """
    for step in steps:
        step()


class OutsideLegend(pg.LegendItem):
    """A legend in a row of its own under the plot's x axis: it can never cover a curve.

    pyqtgraph's legend floats over the data, and wherever it is anchored some result puts a
    curve under it (the drop-rate cap line, the dial level after 15:00, a comparison's low SL).
    In the plot's layout, below the axis, it takes a little height instead.
    """

    def __init__(self, columns: int) -> None:
        super().__init__(offset=None, labelTextColor="#222", labelTextSize="8pt", colCount=columns, frame=False,
                         verSpacing=-6)
        self.max_columns = columns
        # As wide as the plot makes it: entries wrap into fewer columns rather than widen the plot.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def updateSize(self) -> None:  # pyqtgraph override
        """Ask the plot's layout for room (pyqtgraph would move the legend to the plot's corner)."""
        self.layout.invalidate()
        self.updateGeometry()

    def addItem(self, item: Any, name: str) -> None:  # pyqtgraph override
        """Add an entry, in as many columns as fit the legend's width."""
        super().addItem(item, name)
        self._fit_columns(self.geometry().width())  # `self.size` is pyqtgraph's fixed-size option

    def resizeEvent(self, event: Any) -> None:  # Qt override
        """Re-flow the entries for the new width."""
        super().resizeEvent(event)
        self._fit_columns(event.newSize().width())

    def _fit_columns(self, width: float) -> None:
        if not self.items or width <= 0:
            return
        spacing = self.layout.horizontalSpacing()
        widest = max(sample.width() + label.minimumWidth() for sample, label in self.items) + 3 * spacing + 6
        columns = max(1, min(self.max_columns, int(width // widest)))
        if columns != self.columnCount:
            self.setColumnCount(columns)


class Plot(pg.PlotWidget):
    """A plot whose preferred size is its minimum: in a scrolling dashboard the plots share the height shown.

    pyqtgraph prefers 600×540; a scroll area sized to a dashboard's preferred height would make
    the planner scroll through three half-screen plots even on a tall screen.
    """

    def sizeHint(self) -> QSize:  # Qt override
        """The minimum height (set by `make_plot`), at a moderate width."""
        return QSize(480, self.minimumHeight())


LEGEND_ROW = 4
"""The row of pyqtgraph's PlotItem layout under the bottom axis (0 title, 1 top axis, 2 view, 3 bottom axis)."""


def make_plot(title: str, left: str, bottom: str, axis: pg.AxisItem | None = None, *, legend: bool = True,
              legend_columns: int = 3) -> pg.PlotWidget:
    """A white plot with a title, labelled axes (plain numbers on the left), a grid and a legend below it.

    Axes never rescale their numbers with an SI prefix: on a one-day run pyqtgraph would label
    the day axis "day (x0.001)".
    """
    axis_items = {"left": PlainAxis("left")}
    if axis is not None:
        axis_items["bottom"] = axis
    plot = Plot(axisItems=axis_items)
    plot.setBackground("w")
    item = plot.getPlotItem()
    set_title(plot, title)
    item.setLabel("left", left)
    if bottom:  # clock times and dates on the ticks need no "time" or "day" under them
        item.setLabel("bottom", bottom)
    for name in ("left", "bottom", "right", "top"):
        item.getAxis(name).enableAutoSIPrefix(False)
    item.showGrid(x=True, y=True, alpha=0.25)
    if legend:
        below = OutsideLegend(legend_columns)
        item.layout.addItem(below, LEGEND_ROW, 1)
        item.layout.setAlignment(below, Qt.AlignmentFlag.AlignLeft)
        item.legend = below  # PlotItem.plot(name=...) and addItem add entries to `legend`
    item.setMenuEnabled(False)
    plot.setMinimumHeight(180)  # three plots and a note fit a dashboard at 1600×1000; less scrolls
    return plot


def set_title(plot: pg.PlotWidget, title: str, note: str = "") -> None:
    """The plot's title (and an amber `note` after it); a title wider than the plot is cut, not the plot."""
    extra = f" <span style='color:#8a5a00'>{note}</span>" if note else ""
    item = plot.getPlotItem()
    item.setTitle(f"<span style='font-size:11pt; color:#222'>{title}</span>{extra}")
    item.titleLabel.setMinimumWidth(0)  # pyqtgraph makes the title's width the plot's minimum


def label_ticks(plot: pg.PlotWidget, labels: list[str]) -> None:
    """One bottom-axis tick per label, at x = 0, 1, 2, … (days, funnel stages)."""
    plot.getPlotItem().getAxis("bottom").setTicks([[(float(i), s) for i, s in enumerate(labels)]])


def from_zero(plot: pg.PlotWidget, top: float, headroom: float = 1.08) -> None:
    """Y from 0 to a little above `top` (1 when there is nothing to show): never a negative count or amount."""
    top = float(top) if np.isfinite(top) and top > 0 else 1.0
    plot.setYRange(0, top * headroom, padding=0)


def draw_band(plot: pg.PlotWidget, x: np.ndarray, band: Band, color: str, name: str, *,
              step: bool = True, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine,
              symbol: str | None = None, floor: float | None = 0.0,
              ceiling: float | None = None) -> pg.PlotDataItem:
    """Plot a mean curve with its CI band (skipped where the band is degenerate).

    The band is drawn clipped to [floor, ceiling]: a t-interval of a count or a rate may reach
    past what the quantity can take (below zero, above 100%), which only distracts.
    """
    mode = "right" if step else None
    lo_clip = -np.inf if floor is None else floor
    hi_clip = np.inf if ceiling is None else ceiling
    band = Band(band.mean, np.clip(band.low, lo_clip, hi_clip), np.clip(band.high, lo_clip, hi_clip))
    # Step curves carry no NaN (a closed interval is drawn at zero); rates keep NaN as gaps.
    y, low, high = (band.mean, band.low, band.high) if not step else (
        np.nan_to_num(band.mean), np.nan_to_num(band.low), np.nan_to_num(band.high))
    mean = plot.plot(x, y, pen=pg.mkPen(color, width=width, style=style), name=name, stepMode=mode,
                     connect="finite", symbol=symbol, symbolSize=5, symbolBrush=color, symbolPen=color)
    if np.nanmax(np.abs(band.high - band.low), initial=0) > 0:
        # Where there is no value the band collapses to zero height instead of bridging the gap.
        rest = 0.0 if floor is None else floor
        gap = np.isnan(low) | np.isnan(high)
        low, high = np.where(gap, rest, low), np.where(gap, rest, high)
        lo = pg.PlotDataItem(x, low, pen=pg.mkPen(None), stepMode=mode)
        hi = pg.PlotDataItem(x, high, pen=pg.mkPen(None), stepMode=mode)
        fill_color = pg.mkColor(color)
        fill_color.setAlpha(45)
        fill = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(fill_color))
        plot.addItem(fill)
        fill.setZValue(-10)
    return mean


def active_range(hours: np.ndarray, *series: np.ndarray) -> tuple[float, float]:
    """Hours spanned by intervals with any activity, padded by half an hour, for the x range."""
    active = np.zeros(len(hours), dtype=bool)
    for s in series:
        active |= np.nan_to_num(np.asarray(s, dtype=float)) > 0
    if not active.any():
        return 0.0, 24.0
    step = hours[1] - hours[0] if len(hours) > 1 else 1.0
    idx = np.flatnonzero(active)
    return max(0.0, hours[idx[0]] - 0.5), min(24.0, hours[idx[-1]] + step + 0.5)


class DaySelector(QWidget):
    """The typical day (each interval averaged over the days open in it) or one simulated day, for multi-day runs."""

    def __init__(self, on_change: Any) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Day shown:"))
        self.combo = QComboBox()
        self.combo.setMinimumWidth(200)
        lay.addWidget(self.combo)
        lay.addStretch(1)
        self.combo.currentIndexChanged.connect(lambda _i: on_change())

    def fill(self, outcome: Outcome) -> None:
        """List the open days of the outcome's scenario (keeps the choice when possible)."""
        current = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        cal = outcome.scenario.calendar
        days = open_days(outcome.scenario)
        self.combo.addItem(f"Average of {len(days)} open day(s)", None)  # None: `Outcome.profile_avg`
        for d in days:
            self.combo.addItem(cal.date_of(d).strftime("%a %d %b %Y"), d)
        index = self.combo.findData(current)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        self.setVisible(len(days) > 1)


class InboundDashboard(QWidget):
    """Offered and answered calls, service level and staffing by interval of the day."""

    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome | None = None
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.selector = DaySelector(self.redraw)
        self.calls = make_plot("Inbound calls per interval", "calls per interval", "",
                               TimeOfDayAxis("bottom"))
        self.sl = make_plot("Service level per interval", "service level (%)", "",
                            TimeOfDayAxis("bottom"))
        self.staff = make_plot("Inbound-capable agents vs required", "agents", "",
                               TimeOfDayAxis("bottom"), legend_columns=1)  # two long entries
        self.sl.setXLink(self.calls)
        self.staff.setXLink(self.calls)
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.selector)
        lay.addWidget(self.calls, 3)
        lay.addWidget(self.sl, 2)
        lay.addWidget(self.staff, 3)

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw a new result."""
        draw_all(self.drawing_steps(outcome))

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """Take a new result and return its plots to draw, one callable each (see `draw_all`)."""
        self.outcome = outcome
        self.selector.fill(outcome)
        return self._plot_steps()

    def redraw(self) -> None:
        """Redraw every plot for the selected day."""
        draw_all(self._plot_steps())

    def _plot_steps(self) -> list[Callable[[], None]]:
        outcome = self.outcome
        if outcome is None:
            return []
        day = self.selector.combo.currentData()
        profile = (outcome.profile_avg if day is None
                   else intraday_profile(outcome.summary, outcome.scenario, [int(day)]))
        return [functools.partial(self._draw_calls, profile),
                functools.partial(self._draw_sl, outcome, profile),
                functools.partial(self._draw_staff, outcome, profile)]

    def _draw_calls(self, profile: IntradayProfile) -> None:
        self.calls.clear()
        xs = profile.hours
        self.curves["offered"] = draw_band(self.calls, xs, profile.offered, COLORS["offered"], "offered")
        self.curves["answered"] = draw_band(self.calls, xs, profile.answered, COLORS["answered"], "answered")
        lo, hi = active_range(xs, profile.offered.mean, profile.agents.mean)
        self.calls.setXRange(lo, hi, padding=0)  # the other two plots are x-linked to this one
        from_zero(self.calls, float(np.nanmax(np.concatenate([profile.offered.high, profile.answered.high]),
                                              initial=1.0)))

    def _draw_sl(self, outcome: Outcome, profile: IntradayProfile) -> None:
        self.sl.clear()
        xs = profile.hours
        sl = profile.service_level.scaled(100)
        # SL is a rate, not a volume: points at interval midpoints joined by lines read better than steps.
        mid = xs + (xs[1] - xs[0] if len(xs) > 1 else 1.0) / 2
        self.curves["service_level"] = draw_band(self.sl, mid, sl, COLORS["service_level"], "service level",
                                                 step=False, ceiling=100.0)
        target = outcome.scenario.inbound.service_level
        self.curves["target"] = self.sl.plot(
            [0, 24], [target.target * 100] * 2, name=f"target {target.target:.0%} in {target.threshold_s:g} s",
            pen=pg.mkPen(COLORS["target"], width=1.5, style=Qt.PenStyle.DashLine))
        self.sl.setYRange(0, 105, padding=0)

    def _draw_staff(self, outcome: Outcome, profile: IntradayProfile) -> None:
        self.staff.clear()
        xs = profile.hours
        # Only the groups the ACD routes inbound to: outbound-only agents are no inbound capacity.
        # Blended agents are, but may be dialing or on an outbound call, and the label says so.
        self.curves["inbound_agents"] = draw_band(self.staff, xs, profile.inbound_agents, COLORS["agents"],
                                                  INBOUND_AGENTS_LABEL)
        req = profile.required
        sl = outcome.scenario.inbound.service_level
        self.curves["required"] = self.staff.plot(
            xs, req, name=f"required for {sl.target:.0%} in {sl.threshold_s:g} s ({profile.formula}, forecast)",
            stepMode="right", pen=pg.mkPen(COLORS["required"], width=2, style=Qt.PenStyle.DashLine))
        from_zero(self.staff, float(np.nanmax(np.concatenate([profile.inbound_agents.high, req]), initial=1.0)))


class DailyDashboard(QWidget):
    """Per-day offered volume and service level, with replication CIs as error bars."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.volume_axis = DayAxis("bottom")
        self.sl_axis = DayAxis("bottom")
        self.volume = make_plot("Inbound calls per day", "calls per day", "", self.volume_axis)
        self.rates = make_plot("Service level and abandon rate per day", "% of offered", "", self.sl_axis)
        self.rates.setXLink(self.volume)
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.volume)
        lay.addWidget(self.rates)

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw a new result."""
        draw_all(self.drawing_steps(outcome))

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """The plots of a new result, one callable each (see `draw_all`)."""
        labels = [str(d) for d in outcome.summary.daily["date"]]
        nice = [date.fromisoformat(d).strftime("%a %d/%m") for d in labels]
        self.volume_axis.labels = nice
        self.sl_axis.labels = nice
        days = np.arange(len(nice), dtype=float)
        return [functools.partial(self._draw_volume, outcome, days, nice),
                functools.partial(self._draw_rates, outcome, days, nice)]

    def _draw_volume(self, outcome: Outcome, days: np.ndarray, labels: list[str]) -> None:
        bands = outcome.daily
        self.volume.clear()
        label_ticks(self.volume, labels)
        bars = pg.BarGraphItem(x=days, height=np.nan_to_num(bands["offered"].mean), width=0.6,
                               brush=pg.mkBrush(COLORS["offered"] + "99"), pen=pg.mkPen(COLORS["offered"]),
                               name="offered")
        self.volume.addItem(bars)
        self.curves["offered"] = bars
        self.curves["answered"] = self.volume.plot(
            days, bands["answered"].mean, name="answered", pen=pg.mkPen(COLORS["answered"], width=2),
            symbol="o", symbolBrush=COLORS["answered"], symbolSize=7)
        self._error_bars(self.volume, days, bands["offered"], COLORS["offered"])
        from_zero(self.volume, float(np.nanmax(bands["offered"].high, initial=1.0)))
        self.volume.setXRange(-0.6, len(days) - 0.4, padding=0)  # the rates plot is x-linked to this one

    def _draw_rates(self, outcome: Outcome, days: np.ndarray, labels: list[str]) -> None:
        bands = outcome.daily
        self.rates.clear()
        label_ticks(self.rates, labels)
        for key, name in (("service_level", "service level"), ("abandon_rate", "abandon rate")):
            scaled = bands[key].scaled(100)
            self.curves[key] = self.rates.plot(days, scaled.mean, name=name, pen=pg.mkPen(COLORS[key], width=2),
                                               symbol="o", symbolBrush=COLORS[key], symbolSize=7,
                                               connect="finite")
            self._error_bars(self.rates, days, scaled, COLORS[key])
        target = outcome.scenario.inbound.service_level.target * 100
        self.rates.plot([-0.5, len(days) - 0.5], [target, target], name=f"SL target {target:.0f}%",
                        pen=pg.mkPen(COLORS["target"], width=1.5, style=Qt.PenStyle.DashLine))
        self.rates.setYRange(0, 105, padding=0)

    @staticmethod
    def _error_bars(plot: pg.PlotWidget, x: np.ndarray, band: Band, color: str) -> None:
        if np.nanmax(np.abs(band.high - band.low), initial=0) <= 0:
            return
        plot.addItem(pg.ErrorBarItem(x=x, y=np.nan_to_num(band.mean), top=np.nan_to_num(band.high - band.mean),
                                     bottom=np.nan_to_num(band.mean - band.low), beam=0.15,
                                     pen=pg.mkPen(color, width=1.5)))
