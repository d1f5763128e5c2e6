"""pyqtgraph dashboards of the collections campaign and the workforce.

Dialer pacing and drop rate against the cap, the funnel from attempts to money collected,
cumulative recovery, and headcount, turnover, stress and cost over days or weeks. The numbers
come from `wfm.views` (computed in the worker thread); these widgets only draw. Tests read
the `curves` dicts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from wfm.gui.analysis import Outcome
from wfm.gui.dashboards import (
    SERIES_COLORS,
    DayAxis,
    RightAxisBox,
    draw_all,
    draw_band,
    from_zero,
    label_ticks,
    make_plot,
    set_title,
)
from wfm.gui.formatting import format_money
from wfm.gui.widgets import scrolled_layout
from wfm.views import Band
from wfm.views.funnel import FUNNEL_LABELS, FunnelView
from wfm.views.recovery import RecoveryView

COLORS = {"level": "#1f77b4", "attempts": "#7f7f7f", "window": "#d62728", "day": "#ff9896", "cap": "#222222",
          "funnel": "#2d6cdf", "collected": "#2ca02c", "promised": "#9467bd", "headcount": "#1f77b4",
          "hires": "#2ca02c", "leavers": "#d62728", "attrition": "#9467bd", "stress_mean": "#ff7f0e",
          "stress_p90": "#d62728", "cost": "#8c564b"}


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555; padding: 0 4px;")
    return label


def _error_bars(plot: pg.PlotWidget, x: np.ndarray, band: Band, color: str, beam: float = 0.15) -> None:
    if np.nanmax(np.abs(band.high - band.low), initial=0) <= 0:
        return
    plot.addItem(pg.ErrorBarItem(x=x, y=np.nan_to_num(band.mean), top=np.nan_to_num(band.high - band.mean),
                                 bottom=np.nan_to_num(band.mean - band.low), beam=beam,
                                 pen=pg.mkPen(color, width=1.5)))


class RunTimeAxis(pg.AxisItem):
    """Time since the start of the run in days, labelled as clock times or dates by zoom."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start = date(2026, 1, 5)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Whole days as 'Mon 05/01'; finer ticks as HH:MM (with the day at midnight)."""
        out = []
        for v in values:
            day = int(np.floor(v + 1e-9))
            minutes = int(round((v - day) * 24 * 60))
            when = self.start + timedelta(days=day)
            if minutes in (0, 24 * 60) or spacing >= 1:
                out.append(when.strftime("%a %d/%m"))
            else:
                out.append(f"{minutes // 60:02d}:{minutes % 60:02d}")
        return out


def time_ticks(start: date, days: float) -> list[list[tuple[float, str]]]:
    """Major ticks at midnights (dates), minor ticks at clock times, spaced for the horizon."""
    n = int(np.ceil(days))
    every = 1 if n <= 14 else 7
    major = [(float(d), (start + timedelta(days=d)).strftime("%a %d/%m")) for d in range(0, n + 1, every)]
    hours = 3 if n <= 2 else 6 if n <= 4 else 0
    minor = [(d + h / 24, f"{h:02d}:00") for d in range(n) for h in range(hours, 24, hours)] if hours else []
    return [major, minor]


def _day_labels(start: date, n: int, fmt: str = "%a %d/%m") -> list[str]:
    return [(start + timedelta(days=d)).strftime(fmt) for d in range(n)]


class DialerDashboard(QWidget):
    """Dial level and attempts by interval; drop rate over the regulatory window against its cap, by day."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, Any] = {}
        self.level_axis = RunTimeAxis("bottom")
        self.attempts_axis = RunTimeAxis("bottom")
        self.drop_axis = DayAxis("bottom")
        self.level = make_plot("Dial level by interval", "lines per available agent", "", self.level_axis)
        self.attempts = make_plot("Dial attempts per interval", "attempts per interval", "",
                                  self.attempts_axis)
        self.drops = make_plot("Drop rate vs compliance cap", "dropped / live answers (%)", "", self.drop_axis)
        self.attempts.setXLink(self.level)
        self.note = _note()
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.note)
        lay.addWidget(self.level, 3)
        lay.addWidget(self.attempts, 2)
        lay.addWidget(self.drops, 3)

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw the dialer series of a result (the window hides this tab when it has none)."""
        draw_all(self.drawing_steps(outcome))

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """The plots of a new result, one callable each (see `draw_all`)."""
        for plot in (self.level, self.attempts, self.drops):
            plot.clear()
        self.curves.clear()
        view = outcome.dialer
        if view is None:
            return []
        start = outcome.scenario.calendar.start_date
        self.level_axis.start = self.attempts_axis.start = start
        x = view.interval_days
        step = x[1] - x[0] if len(x) > 1 else 1 / 96
        ticks = time_ticks(start, len(x) * step)
        for axis in (self.level_axis, self.attempts_axis):
            axis.setTicks(ticks)
        return [functools.partial(self._draw_level, view, x, step),
                functools.partial(self._draw_attempts, view, x, step),
                functools.partial(self._draw_drops, view, outcome)]

    def _draw_level(self, view: Any, x: np.ndarray, step: float) -> None:
        # Points at interval ends joined by lines, with gaps where the campaign is idle.
        self.curves["dial_level"] = draw_band(self.level, x + step, view.dial_level, COLORS["level"],
                                              f"dial level ({view.mode}); {view.dial_level_band}", step=False)
        self.level.setYRange(0, max(1.5, float(np.nanmax(view.dial_level.high, initial=1.0))) * 1.1, padding=0)

    def _draw_attempts(self, view: Any, x: np.ndarray, step: float) -> None:
        self.curves["attempts"] = draw_band(self.attempts, x, view.attempts, COLORS["attempts"], "attempts")
        from_zero(self.attempts, float(np.nanmax(view.attempts.high, initial=1.0)))
        active = np.flatnonzero(np.nan_to_num(view.attempts.mean) > 0)
        if active.size:  # the level plot shares this x range
            self.level.setXRange(max(0.0, x[active[0]] - 2 * step), x[active[-1]] + 3 * step, padding=0)

    def _draw_drops(self, view: Any, outcome: Outcome) -> None:
        start = outcome.scenario.calendar.start_date
        days = view.days.astype(float)
        labels = _day_labels(start, len(days))
        self.drop_axis.labels = labels
        label_ticks(self.drops, labels)
        daily = view.drop_rate_day.scaled(100)
        bars = pg.BarGraphItem(x=days, height=np.nan_to_num(daily.mean), width=0.5,
                               brush=pg.mkBrush(COLORS["day"] + "aa"), pen=pg.mkPen(COLORS["day"]),
                               name="that day alone")
        self.drops.addItem(bars)
        self.curves["drop_rate_day"] = bars
        window = view.drop_rate_window.scaled(100)
        self.curves["drop_rate_window"] = self.drops.plot(
            days, window.mean, name=f"over the last {view.drop_window_days} day(s)",
            pen=pg.mkPen(COLORS["window"], width=2), symbol="o", symbolBrush=COLORS["window"], symbolSize=8,
            connect="finite")
        _error_bars(self.drops, days, window, COLORS["window"])
        cap = view.drop_cap * 100
        self.curves["drop_cap"] = self.drops.plot(
            [-0.5, len(days) - 0.5], [cap, cap], name=f"cap {cap:.1f}%",
            pen=pg.mkPen(COLORS["cap"], width=1.5, style=Qt.PenStyle.DashLine))
        top = float(np.nanmax(np.concatenate([window.high, daily.high, [cap]])))
        from_zero(self.drops, top, headroom=1.15)  # the cap line clear of the plot's top edge
        self.drops.setXRange(-0.6, len(days) - 0.4, padding=0)
        over = view.windows_over_cap
        dialer = outcome.scenario.outbound.dialer
        aim = (f"; the predictive pacing aims at {dialer.target_drop_rate:.1%}"
               if view.mode == "predictive" and not dialer.fixed_level else "")
        self.note.setText(
            f"Dialer mode <b>{view.mode}</b>{aim}. Drop-rate cap {view.drop_cap:.1%} over "
            f"{view.drop_window_days} day(s): "
            + ("<span style='color:#1b7f3b'>never exceeded</span>" if over == 0 else
               f"<span style='color:#b00020'><b>exceeded on {over} window-day(s) over all replications</b></span>")
            + ". The dial level is shown only where the dialer made attempts." + _fallback_text(view))


def _fallback_text(view: Any) -> str:
    """A sentence on the time the drop-cap guard held the dialer to bound lines (none without fallback)."""
    per_day = view.fallback_h_day.mean
    if not np.nansum(per_day) > 0:
        return ""
    return (f" The drop-cap guard held the dialer to one line per agent {np.nanmean(per_day):.1f} h a day on"
            f" average while it could dial (most on one day: {np.nanmax(per_day):.1f} h).")


class FunnelDashboard(QWidget):
    """The collections funnel (bar chart with values) and cumulative recovery with its CI band."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, Any] = {}
        self._labels: list[pg.TextItem] = []
        self.funnel = make_plot("Collections funnel over the horizon", "count", "", legend=False)
        self.money_box = RightAxisBox(self.funnel)
        self.recovery_axis = DayAxis("bottom")
        self.recovery = make_plot("Cumulative recovery", "amount", "end of day", self.recovery_axis)
        # Money promised on an axis of its own (right): on one scale with it, the money collected looked flat.
        self.promised_box = RightAxisBox(self.recovery)
        self.note = _note()
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.funnel, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.recovery, 1)

    def _clear(self) -> None:
        self.funnel.clear()
        self.money_box.clear()
        self.promised_box.clear()
        self.recovery.clear()
        self._labels.clear()
        self.curves.clear()

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw the funnel and recovery of a result (the window hides this tab when it has none)."""
        draw_all(self.drawing_steps(outcome))

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """The plots of a new result, one callable each (see `draw_all`)."""
        self._clear()
        funnel, recovery = outcome.funnel, outcome.recovery
        if funnel is None or recovery is None:
            return []
        return [functools.partial(self._draw_funnel, funnel),
                functools.partial(self._draw_recovery, recovery, funnel, outcome)]

    def _draw_funnel(self, funnel: FunnelView) -> None:
        currency = funnel.currency
        n = len(funnel.stages)
        x = np.arange(n, dtype=float)
        counts = funnel.counts
        bars = pg.BarGraphItem(x=x, height=np.nan_to_num(counts.mean), width=0.62,
                               brush=pg.mkBrush(COLORS["funnel"] + "cc"), pen=pg.mkPen(COLORS["funnel"]))
        self.funnel.addItem(bars)
        self.curves["funnel"] = bars
        _error_bars(self.funnel, x, counts, "#222222", beam=0.12)
        money = funnel.collected
        collected = pg.BarGraphItem(x=[float(n)], height=[float(np.nan_to_num(money.mean[0]))], width=0.62,
                                    brush=pg.mkBrush(COLORS["collected"] + "cc"), pen=pg.mkPen(COLORS["collected"]))
        self.money_box.addItem(collected)
        self.curves["collected"] = collected
        top = float(np.nanmax(counts.high, initial=1.0)) or 1.0
        money_top = float(np.nan_to_num(money.high[0])) or 1.0
        self.funnel.setYRange(0, top * 1.18, padding=0)
        self.money_box.setYRange(0, money_top * 1.18, padding=0)
        self.funnel.setXRange(-0.6, n + 0.6, padding=0)
        names = [FUNNEL_LABELS[s] for s in funnel.stages] + [f"{FUNNEL_LABELS['collected']} ({currency})"]
        label_ticks(self.funnel, names)
        self.funnel.getPlotItem().getAxis("right").setLabel(f"collected ({currency})", color=COLORS["collected"])
        for i, value in enumerate(counts.mean):
            share = "" if i == 0 or not counts.mean[i - 1] else f"\n({value / counts.mean[i - 1]:.1%})"
            if funnel.stages[i] == "kept":  # kept is judged against the promises due, not all promises made
                share = (f"\n({value / funnel.promises_due:.1%} of {funnel.promises_due:,.0f} due)"
                         if funnel.promises_due else "\n(none due yet)")
            above = max(float(value), float(np.nan_to_num(counts.high[i])))  # clear of the error bar
            self._label(self.funnel, float(i), above, f"{value:,.0f}{share}", top * 0.012)
        self._label(self.money_box, float(n), float(money.mean[0]), format_money(float(money.mean[0]), currency),
                    money_top * 0.012, COLORS["collected"])

    def _draw_recovery(self, view: RecoveryView, funnel: FunnelView, outcome: Outcome) -> None:
        kept_base = (f"{funnel.counts.mean[-1]:,.0f} of {funnel.promises_due:,.0f} promises due were kept"
                     if funnel.promises_due else "No promise fell due within the horizon")
        rate = view.cumulative.mean[-1] / view.balance_placed if view.balance_placed else float("nan")
        self.note.setText(
            f"Mean over {outcome.summary.replications} replication(s); error bars and bands are 95% CIs; "
            "(%) = share of the stage before. "
            f"Contacts = live answers an agent talked to (RPC + third party). {kept_base}. "
            f"Recovered {rate:.2%} of the {format_money(view.balance_placed, view.currency)} placed.")
        currency = view.currency
        days = view.days.astype(float)
        labels = _day_labels(outcome.scenario.calendar.start_date, len(days))
        self.recovery_axis.labels = labels
        label_ticks(self.recovery, labels)
        self.recovery.getPlotItem().setLabel("left", f"amount ({currency})")
        self.curves["cumulative_collected"] = draw_band(self.recovery, days, view.cumulative, COLORS["collected"],
                                                        "collected (paid)", step=False, symbol="o")
        promised = pg.PlotDataItem(days, view.cumulative_promised.mean, symbol="t", symbolSize=6,
                                   symbolBrush=COLORS["promised"], symbolPen=COLORS["promised"],
                                   pen=pg.mkPen(COLORS["promised"], width=1.5, style=Qt.PenStyle.DashLine))
        self.promised_box.add(promised, "promised (right axis)")
        self.curves["cumulative_promised"] = promised
        self.recovery.getPlotItem().getAxis("right").setLabel(f"promised ({currency})", color=COLORS["promised"])
        self.recovery.setXRange(-0.4, max(len(days) - 0.6, 0.6), padding=0)
        # Each from zero, even when nothing was collected (a one-day run): never a negative amount.
        from_zero(self.recovery, float(np.nanmax(view.cumulative.high, initial=1.0)))
        top = float(np.nanmax(view.cumulative_promised.mean, initial=1.0))
        self.promised_box.setYRange(0, (top if top > 0 else 1.0) * 1.08, padding=0)
        self.promised_box.sync()

    def _label(self, target: Any, x: float, y: float, text: str, lift: float, color: str = "#222") -> None:
        label = pg.TextItem(text, color=color, anchor=(0.5, 1.0))
        label.setPos(x, y + lift)
        target.addItem(label)
        self._labels.append(label)

class WorkforceDashboard(QWidget):
    """Headcount by group, hires and leavers with annualised attrition, stress and cost, per day or week."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, Any] = {}
        self.axes = [DayAxis("bottom") for _ in range(4)]
        self.headcount = make_plot("Headcount by group", "agents", "", self.axes[0])
        self.turnover = make_plot("Hires, leavers and attrition", "agents", "", self.axes[1])
        self.stress = make_plot("End-of-shift stress", "stress (% of max)", "", self.axes[2])
        self.cost = make_plot("Total cost", "amount", "", self.axes[3])
        for plot in (self.turnover, self.stress, self.cost):
            plot.setXLink(self.headcount)
        self.note = _note()
        grid = QGridLayout()
        grid.addWidget(self.headcount, 0, 0)
        grid.addWidget(self.turnover, 0, 1)
        grid.addWidget(self.stress, 1, 0)
        grid.addWidget(self.cost, 1, 1)
        lay = scrolled_layout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.note)
        lay.addLayout(grid, 1)

    def show_outcome(self, outcome: Outcome) -> None:
        """Draw the workforce series of a result (the window hides this tab when it has none)."""
        draw_all(self.drawing_steps(outcome))

    def drawing_steps(self, outcome: Outcome) -> list[Callable[[], None]]:
        """The plots of a new result, one callable each (see `draw_all`)."""
        view = outcome.workforce
        plots = (self.headcount, self.turnover, self.stress, self.cost)
        for plot in plots:
            plot.clear()
        self.curves.clear()
        if view is None:
            return []
        x = np.arange(len(view.starts), dtype=float)
        fmt = "%a %d/%m" if view.period == "day" else "wk %d/%m"
        labels = [date.fromisoformat(d).strftime(fmt) for d in view.labels]
        bottom = "" if view.period == "day" else "week starting"  # dates need no "day" under them
        for axis, plot in zip(self.axes, plots, strict=True):
            axis.labels = labels
            every = max(1, len(labels) // 10)
            plot.getPlotItem().getAxis("bottom").setTicks(
                [[(float(i), s) for i, s in enumerate(labels) if i % every == 0]])
            plot.getPlotItem().setLabel("bottom", bottom)
        draws = (self._draw_headcount, self._draw_turnover, self._draw_stress, self._draw_cost)
        return [*(functools.partial(draw, view, x) for draw in draws), functools.partial(self._describe, view, outcome)]

    def _draw_headcount(self, view: Any, x: np.ndarray) -> None:
        for i, (name, band) in enumerate(zip(view.group_names, view.headcount_by_group, strict=True)):
            self.curves[f"headcount:{name}"] = draw_band(self.headcount, x, band, SERIES_COLORS[i % len(SERIES_COLORS)],
                                                         name, step=False, symbol="o")
        self.curves["headcount"] = draw_band(self.headcount, x, view.headcount, "#222222", "all groups",
                                             step=False, style=Qt.PenStyle.DashLine, width=1.5)
        self.headcount.setYRange(0, float(np.nanmax(view.headcount.high, initial=1.0)) * 1.15, padding=0)
        self.headcount.setXRange(-0.6, len(x) - 0.4, padding=0)  # the other plots are x-linked to this one

    def _draw_turnover(self, view: Any, x: np.ndarray) -> None:
        hires = pg.BarGraphItem(x=x - 0.17, height=np.nan_to_num(view.hires.mean), width=0.32,
                                brush=pg.mkBrush(COLORS["hires"] + "bb"), name="hires")
        leavers = pg.BarGraphItem(x=x + 0.17, height=np.nan_to_num(view.leavers.mean), width=0.32,
                                  brush=pg.mkBrush(COLORS["leavers"] + "bb"), name="leavers")
        self.turnover.addItem(hires)
        self.turnover.addItem(leavers)
        self.curves["hires"], self.curves["leavers"] = hires, leavers
        top = float(np.nanmax(np.concatenate([view.hires.high, view.leavers.high]), initial=0.0))
        self.turnover.setYRange(0, max(top, 1.0) * 1.2, padding=0)
        self.curves["attrition"] = view.attrition
        attrition = np.nan_to_num(view.attrition.mean) * 100
        set_title(self.turnover, f"Hires and leavers (attrition {self._mean_text(attrition)} annualised)")

    def _draw_stress(self, view: Any, x: np.ndarray) -> None:
        self.curves["stress_mean"] = draw_band(self.stress, x, view.stress_mean.scaled(100), COLORS["stress_mean"],
                                               "mean", step=False, symbol="o")
        self.curves["stress_p90"] = draw_band(self.stress, x, view.stress_p90.scaled(100), COLORS["stress_p90"],
                                              "90th percentile", step=False, symbol="t")
        self.stress.setYRange(0, 100, padding=0)
        set_title(self.stress, "End-of-shift stress", "" if view.stress_enabled else "(stress model off)")

    def _draw_cost(self, view: Any, x: np.ndarray) -> None:
        cost = pg.BarGraphItem(x=x, height=np.nan_to_num(view.cost_total.mean), width=0.6,
                               brush=pg.mkBrush(COLORS["cost"] + "aa"), pen=pg.mkPen(COLORS["cost"]))
        self.cost.addItem(cost)
        self.curves["cost_total"] = cost
        _error_bars(self.cost, x, view.cost_total, COLORS["cost"])
        self.cost.getPlotItem().setLabel("left", f"amount ({view.currency} per {view.period})")
        self.cost.setYRange(0, float(np.nanmax(view.cost_total.high, initial=1.0)) * 1.15, padding=0)

    def _describe(self, view: Any, outcome: Outcome) -> None:
        absence = np.nanmean(view.absence_rate.mean) if np.isfinite(view.absence_rate.mean).any() else float("nan")
        wf = outcome.scenario.workforce
        models = [name for name, on in (("stress", wf.stress.enabled), ("learning", wf.learning.enabled),
                                        ("attrition", wf.attrition.enabled), ("hiring", wf.hiring.enabled))
                  if on]
        self.note.setText(
            f"One point per {view.period}; mean over {outcome.summary.replications} replication(s), 95% CIs as "
            f"bands and error bars. Absence {absence:.1%} of rostered shifts. Workforce models on: "
            f"{', '.join(models) if models else 'none (headcount stays at the roster)'}; "
            f"pay scheme {wf.incentives.scheme}.")

    @staticmethod
    def _mean_text(values: np.ndarray) -> str:
        return f"{float(np.mean(values)):.1f}%" if len(values) else "n/a"
