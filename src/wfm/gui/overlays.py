"""Kept results overlaid, one colour per scenario: inbound, campaign and workforce over time.

The comparison table says whether a difference is significant; these plots say *when* it
happens (which interval of the day, which day of the horizon). Each tab appears only when
at least one kept result has the data for it, and a result without it is simply left out of
that tab (an inbound-only run draws no drop rate). Every curve is the mean over the
result's replications; tests read the `curves` dict, keyed "<result name>:<series>".
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from wfm.gui.analysis import Outcome
from wfm.gui.dashboards import (
    SERIES_COLORS,
    DayAxis,
    TimeOfDayAxis,
    active_range,
    from_zero,
    make_plot,
)
from wfm.gui.widgets import row_of


def day_labels(outcomes: list[Outcome], n_days: int) -> list[str]:
    """Dates when every result starts on the same day, else "day 1", "day 2" and so on.

    Results that start on different dates are overlaid by day of the horizon; labelling that
    axis with one result's dates would misdate the others.
    """
    starts = {o.scenario.calendar.start_date for o in outcomes}
    if len(starts) == 1:
        start = next(iter(starts))
        return [(start + timedelta(days=d)).strftime("%a %d/%m") for d in range(n_days)]
    return [f"day {d + 1}" for d in range(n_days)]


class OverlayTabs(QTabWidget):
    """Tabs of overlaid series of the kept results: Inbound, Campaign and Workforce."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.calls_plot = make_plot("Calls offered (average open day)", "calls per interval",
                                    "", TimeOfDayAxis("bottom"))
        self.sl_plot = make_plot("Service level (average open day)", "service level (%)",
                                 "", TimeOfDayAxis("bottom"))
        self.sl_plot.setXLink(self.calls_plot)
        self.inbound = row_of(self.calls_plot, self.sl_plot)
        self.day_axes = [DayAxis("bottom") for _ in range(3)]
        self.drop_plot = make_plot("Drop rate per day", "dropped / live answers (%)", "", self.day_axes[0])
        self.collected_plot = make_plot("Cumulative amount collected", "amount", "end of day", self.day_axes[1])
        self.collected_plot.setXLink(self.drop_plot)
        self.campaign = row_of(self.drop_plot, self.collected_plot)
        self.headcount_plot = make_plot("Headcount over time (all groups)", "agents employed", "",
                                        self.day_axes[2])
        self.workforce_note = QLabel()
        self.workforce_note.setWordWrap(True)
        self.workforce_note.setStyleSheet("color: #555;")
        self.workforce = QWidget()
        lay = QVBoxLayout(self.workforce)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.workforce_note)
        lay.addWidget(self.headcount_plot, 1)
        for plot in (self.calls_plot, self.sl_plot, self.drop_plot, self.collected_plot, self.headcount_plot):
            plot.setMinimumHeight(150)  # below the KPI table: leave it room
        self.addTab(self.inbound, "Inbound by interval")
        self.addTab(self.campaign, "Campaign by day")
        self.addTab(self.workforce, "Workforce over time")

    def draw(self, outcomes: list[Outcome]) -> None:
        """Overlay every result; hide the tabs no result has data for."""
        for plot in (self.calls_plot, self.sl_plot, self.drop_plot, self.collected_plot, self.headcount_plot):
            plot.clear()
        self.curves.clear()
        colors = {o.name: SERIES_COLORS[i % len(SERIES_COLORS)] for i, o in enumerate(outcomes)}
        inbound = [o for o in outcomes if o.scenario.inbound.enabled]
        campaign = [o for o in outcomes if o.dialer is not None and o.recovery is not None]
        workforce = [o for o in outcomes if o.workforce is not None]
        self._draw_inbound(inbound, colors)
        self._draw_campaign(campaign, colors)
        self._draw_workforce(workforce, colors)
        for tab, shown in ((self.inbound, inbound), (self.campaign, campaign), (self.workforce, workforce)):
            self.setTabVisible(self.indexOf(tab), bool(shown) or not outcomes)

    def _pen(self, color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> pg.QtGui.QPen:
        return pg.mkPen(color, width=2, style=style)

    def _draw_inbound(self, outcomes: list[Outcome], colors: dict[str, str]) -> None:
        spans = []
        for o in outcomes:
            profile = o.profile_avg
            x = profile.hours
            self.curves[f"{o.name}:offered"] = self.calls_plot.plot(
                x, profile.offered.mean, name=o.name, stepMode="right", pen=self._pen(colors[o.name]))
            self.curves[f"{o.name}:service_level"] = self.sl_plot.plot(
                x, profile.service_level.mean * 100, name=o.name, stepMode="right", connect="finite",
                pen=self._pen(colors[o.name]))
            spans.append(active_range(x, profile.offered.mean, profile.agents.mean))
        if spans:
            arr = np.array(spans)
            self.calls_plot.setXRange(arr[:, 0].min(), arr[:, 1].max(), padding=0)
            self.sl_plot.setYRange(0, 105, padding=0)
            tops = [np.nanmax(o.profile_avg.offered.mean, initial=1.0) for o in outcomes]
            from_zero(self.calls_plot, float(max(tops)))

    def _set_days(self, plots: list[pg.PlotWidget], axes: list[DayAxis], outcomes: list[Outcome],
                  n_days: int) -> None:
        labels = day_labels(outcomes, n_days)
        every = max(1, int(np.ceil(n_days / 10)))
        ticks = [[(float(i), s) for i, s in enumerate(labels) if i % every == 0]]
        for plot, axis in zip(plots, axes, strict=True):
            axis.labels = labels
            plot.getPlotItem().getAxis("bottom").setTicks(ticks)
            plot.setXRange(-0.5, n_days - 0.5, padding=0)

    def _draw_campaign(self, outcomes: list[Outcome], colors: dict[str, str]) -> None:
        if not outcomes:
            return
        n_days = 0
        caps = set()
        currencies = set()
        for o in outcomes:
            dialer, recovery = o.dialer, o.recovery
            assert dialer is not None and recovery is not None
            days = dialer.days.astype(float)
            n_days = max(n_days, len(days))
            caps.add(dialer.drop_cap)
            currencies.add(recovery.currency)
            self.curves[f"{o.name}:drop_rate_day"] = self.drop_plot.plot(
                days, dialer.drop_rate_day.mean * 100, name=o.name, pen=self._pen(colors[o.name]), symbol="o",
                symbolSize=6, symbolBrush=colors[o.name], symbolPen=colors[o.name], connect="finite")
            self.curves[f"{o.name}:collected"] = self.collected_plot.plot(
                recovery.days.astype(float), recovery.cumulative.mean, name=o.name, pen=self._pen(colors[o.name]),
                symbol="o", symbolSize=6, symbolBrush=colors[o.name], symbolPen=colors[o.name])
        if len(caps) == 1:
            cap = next(iter(caps)) * 100
            self.curves["drop_cap"] = self.drop_plot.plot(
                [-0.5, n_days - 0.5], [cap, cap], name=f"cap {cap:.1f}% (over the regulatory window)",
                pen=pg.mkPen("#222222", width=1.5, style=Qt.PenStyle.DashLine))
        unit = next(iter(currencies)) if len(currencies) == 1 else "mixed currencies"
        self.collected_plot.getPlotItem().setLabel("left", f"amount ({unit})")
        # From zero: a difference of 0.2 points must not look like a doubling.
        tops = [np.nanmax(o.dialer.drop_rate_day.mean, initial=0.0) for o in outcomes if o.dialer is not None]
        from_zero(self.drop_plot, max([*tops, *caps]) * 100, headroom=1.15)
        collected = [np.nanmax(o.recovery.cumulative.mean, initial=0.0) for o in outcomes if o.recovery is not None]
        from_zero(self.collected_plot, float(max(collected, default=0.0)))  # no negative amounts when none is
        self._set_days([self.drop_plot, self.collected_plot], self.day_axes[:2], outcomes, n_days)

    def _draw_workforce(self, outcomes: list[Outcome], colors: dict[str, str]) -> None:
        if not outcomes:
            return
        n_days = 0
        weekly = False
        for o in outcomes:
            view = o.workforce
            assert view is not None
            n_days = max(n_days, o.scenario.calendar.horizon_days)
            weekly = weekly or view.period == "week"
            # Weekly points sit at the first day of their week, so daily and weekly results share the axis.
            self.curves[f"{o.name}:headcount"] = self.headcount_plot.plot(
                view.starts.astype(float), view.headcount.mean, name=o.name, pen=self._pen(colors[o.name]),
                symbol="o", symbolSize=6, symbolBrush=colors[o.name], symbolPen=colors[o.name])
        self._set_days([self.headcount_plot], self.day_axes[2:], outcomes, n_days)
        tops = [np.nanmax(o.workforce.headcount.mean, initial=1.0) for o in outcomes if o.workforce is not None]
        self.headcount_plot.setYRange(0, float(max(tops)) * 1.15, padding=0)
        self.workforce_note.setText(
            "Agents employed at the start of each day, trainees included, mean over replications"
            + ("; runs of two weeks or more show one point per week (the week's mean, at its first day)."
               if weekly else "."))

