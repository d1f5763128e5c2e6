"""Forecasting calls per interval from an interval history, and judging the forecast on held-out weeks.

The forecast multiplies two parts, as planners build it:

- Daily volume: a Poisson regression (statsmodels GLM, log link) of the calls of each day on a
  level, a trend (per week), the weekday and, when the history covers two years, a yearly
  pattern (Fourier terms of the day of the year; two years is the rule Prophet applies before
  fitting a yearly pattern, Taylor & Letham 2018). A count model fits counts: its variance grows
  with the volume, and the quasi-likelihood scale (Pearson χ² / degrees of freedom) widens the
  standard errors for the extra day-to-day variation real centers have. Public holidays (from
  the `holidays` package) and days with no calls on a weekday the center is open are left out
  of the fit instead of dragging the weekday down; the forecast closes the center on holidays.
- Intraday shape per weekday: the share of a weekday's calls that falls in each interval,
  pooled over the history's days of that weekday (the multinomial maximum-likelihood estimate:
  given the day's total, the calls fall in the intervals independently).

The average handle time per interval is the history's, per weekday and interval, shrunk towards
the weekday's average by `AHT_PRIOR_CALLS` calls so that an interval with a handful of calls
does not set a requirement alone. Patience comes from `wfm.planning.patience`.

`backtest` refits the forecast at the start of each of the last weeks of the history, forecasts
that week and compares it with what happened, next to seasonal-naive (each day repeats the same
weekday of the last normal week before the forecast origin), by MAPE and WAPE of the daily
volumes and WAPE of the interval volumes. A planner should not trust a forecast that does not
beat seasonal-naive.

Reference: S. J. Taylor, B. Letham (2018), "Forecasting at scale", The American Statistician
72(1), 37-45.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from wfm.planning.history import History
from wfm.planning.patience import PatienceEstimate, patience_from_history
from wfm.scenario import WEEKDAYS, Scenario
from wfm.scenario.io import scenario_from_mapping
from wfm.scenario.units import Weekday

YEARLY_MIN_DAYS = 730
"""History (days) needed before a yearly pattern is fitted: two full cycles."""
YEARLY_HARMONICS = 3
"""Fourier pairs of the yearly pattern: smooth seasons, no day-of-year noise."""
TREND_MIN_DAYS = 28
"""History (days) needed before a trend is fitted; shorter histories forecast the level only."""
MIN_FIT_DAYS = 14
"""Normal open days the daily model needs (two weeks)."""
AHT_PRIOR_CALLS = 30.0
"""Weight, in calls, of the weekday's average handle time in each interval's estimate."""
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Forecast:
    """Expected calls and handle time per interval over consecutive days.

    Attributes:
        start_date: the first forecast day.
        interval_minutes: interval length, as in the history (15, 30 or 60).
        calls: expected calls offered, shape (days, intervals per day); 0 on closed days.
        daily: expected calls per day.
        aht_s: expected average handle time per interval, seconds (NaN where the history had none),
            or None when the history has no AHT column.
        patience: the callers' patience estimated from the history, or None when it lacks the columns.
        closed: forecast days closed for a public holiday, with the holiday's name.
        weekday_share: share of a normal week's calls falling on each weekday (0 when closed).
        trend_per_week: fitted growth of the volume per week (0.01 = +1% a week; 0 when not fitted).
        yearly: whether a yearly pattern was fitted.
        excluded: history days left out of the daily model, with the reason.
        dispersion: the fit's Pearson χ² / degrees of freedom (1 for pure Poisson noise).
        model: the daily model, in words.
    """

    start_date: date
    interval_minutes: int
    calls: np.ndarray
    daily: np.ndarray
    aht_s: np.ndarray | None
    patience: PatienceEstimate | None
    closed: tuple[tuple[date, str], ...]
    weekday_share: dict[Weekday, float]
    trend_per_week: float
    yearly: bool
    excluded: tuple[tuple[date, str], ...]
    dispersion: float
    model: str

    @property
    def days(self) -> int:
        """Number of forecast days."""
        return int(self.calls.shape[0])

    @property
    def dates(self) -> tuple[date, ...]:
        """The forecast days."""
        return tuple(self.start_date + timedelta(days=d) for d in range(self.days))

    def calls_on_grid(self, interval_minutes: int) -> np.ndarray:
        """Expected calls on another interval grid: split evenly into finer intervals, summed into coarser ones."""
        return _regrid(self.calls, self.interval_minutes, interval_minutes, split=True)

    def aht_on_grid(self, interval_minutes: int) -> np.ndarray | None:
        """Handle time on another grid: repeated into finer intervals, call-weighted into coarser ones."""
        if self.aht_s is None:
            return None
        if interval_minutes <= self.interval_minutes:
            return _regrid(self.aht_s, self.interval_minutes, interval_minutes, split=False)
        weights = np.where(np.isnan(self.aht_s), 0.0, self.calls)
        total = _regrid(np.nan_to_num(self.aht_s) * weights, self.interval_minutes, interval_minutes, split=True)
        calls = _regrid(weights, self.interval_minutes, interval_minutes, split=True)
        out = np.full(total.shape, np.nan)
        np.divide(total, calls, out=out, where=calls > 0)
        return out

    def mean_aht_s(self) -> float:
        """Average handle time over the forecast, weighted by the expected calls (NaN without AHT)."""
        if self.aht_s is None:
            return math.nan
        known = ~np.isnan(self.aht_s) & (self.calls > 0)
        return float(np.average(self.aht_s[known], weights=self.calls[known])) if known.any() else math.nan


def _regrid(values: np.ndarray, source: int, target: int, *, split: bool) -> np.ndarray:
    if target not in (15, 30, 60):
        raise ValueError(f"interval_minutes = {target} is not supported; use 15, 30 or 60")
    if target == source:
        return values.copy()
    days, slots = values.shape
    if target < source:
        factor = source // target
        out = np.repeat(values, factor, axis=1)
        return out / factor if split else out
    factor = target // source
    return values.reshape(days, slots // factor, factor).sum(axis=2)


# --------------------------------------------------------------------------------------------
# Holidays and the days the daily model learns from
# --------------------------------------------------------------------------------------------


def public_holidays(first: date, last: date, country: str, subdiv: str | None = None) -> dict[date, str]:
    """Public holidays between `first` and `last` (inclusive) from the `holidays` package.

    Raises:
        ValueError: for a country or subdivision the package does not know.
    """
    import holidays

    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=range(first.year, last.year + 1))
    except NotImplementedError:
        raise ValueError(f"{country!r} is not a country the holidays package knows; use an ISO code such as \"IT\""
                         " or \"ES\"") from None
    return {day: str(name) for day, name in sorted(calendar.items()) if first <= day <= last}


def open_weekdays(history: History, holidays: Mapping[date, str]) -> tuple[int, ...]:
    """Weekdays (0 = Monday) on which the center takes calls: most of their normal days have calls."""
    daily = history.daily_offered
    weekday = history.weekdays
    normal = np.array([d not in holidays for d in history.dates])
    return tuple(w for w in range(7) if (weekday == w).any() and np.median(daily[(weekday == w) & normal]) > 0)


def _fit_days(history: History, holidays: Mapping[date, str], open_days: tuple[int, ...]
              ) -> tuple[np.ndarray, tuple[tuple[date, str], ...]]:
    """Which history days the daily model learns from, and the open-weekday days it leaves out with why."""
    daily = history.daily_offered
    use = np.zeros(history.days, dtype=bool)
    excluded = []
    for d, day in enumerate(history.dates):
        if day.weekday() not in open_days:
            continue
        if day in holidays:
            excluded.append((day, f"public holiday ({holidays[day]})"))
        elif daily[d] <= 0:
            excluded.append((day, "no calls on a day the center is normally open (closed or missing data)"))
        else:
            use[d] = True
    return use, tuple(excluded)


# --------------------------------------------------------------------------------------------
# Daily model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyModel:
    """The fitted Poisson regression of daily calls (see the module docstring).

    Attributes:
        origin: the day the trend counts weeks from.
        open_days: weekdays with calls (0 = Monday); the first is the reference of the weekday terms.
        trend: whether a trend term was fitted.
        yearly: whether yearly Fourier terms were fitted.
        params: the coefficients, in design-matrix order.
        cov: their covariance (quasi-likelihood: scaled by `dispersion`).
        dispersion: Pearson χ² / degrees of freedom.
        fit_days: number of days fitted.
    """

    origin: date
    open_days: tuple[int, ...]
    trend: bool
    yearly: bool
    params: np.ndarray
    cov: np.ndarray
    dispersion: float
    fit_days: int

    def design(self, days: list[date]) -> np.ndarray:
        """The design matrix of `days`: level, trend (weeks), weekday, yearly terms."""
        weekday = np.array([d.weekday() for d in days])
        columns = [np.ones(len(days))]
        if self.trend:
            columns.append(np.array([(d - self.origin).days / 7.0 for d in days]))
        columns += [(weekday == w).astype(float) for w in self.open_days[1:]]
        if self.yearly:
            angle = 2 * np.pi * np.array([d.timetuple().tm_yday for d in days]) / DAYS_PER_YEAR
            for k in range(1, YEARLY_HARMONICS + 1):
                columns += [np.sin(k * angle), np.cos(k * angle)]
        return np.column_stack(columns)

    def expected(self, days: list[date]) -> np.ndarray:
        """Expected calls on `days` (as if open; closing is the caller's business)."""
        return np.exp(self.design(days) @ self.params)

    def weekday_share(self) -> dict[Weekday, float]:
        """Share of a week's calls on each weekday, trend and season aside."""
        first = 2 if self.trend else 1
        effects = np.concatenate([[0.0], self.params[first:first + len(self.open_days) - 1]])
        weights = np.zeros(7)
        weights[list(self.open_days)] = np.exp(effects)
        return {WEEKDAYS[w]: float(weights[w] / weights.sum()) for w in range(7)}

    @property
    def trend_per_week(self) -> float:
        """Growth per week implied by the trend term (0 without one)."""
        return float(math.expm1(self.params[1])) if self.trend else 0.0


def fit_daily(history: History, holidays: Mapping[date, str]) -> tuple[DailyModel, tuple[tuple[date, str], ...]]:
    """Fit the daily model to the history's normal open days; also return the days left out and why.

    Raises:
        ValueError: when the history has fewer than `MIN_FIT_DAYS` normal open days.
    """
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    open_days = open_weekdays(history, holidays)
    use, excluded = _fit_days(history, holidays, open_days)
    if use.sum() < MIN_FIT_DAYS:
        raise ValueError(f"{history.source} has {int(use.sum())} normal open day(s); the forecast needs at least"
                         f" {MIN_FIT_DAYS} (two weeks) of interval history")
    days = [day for day, ok in zip(history.dates, use, strict=True) if ok]
    span = (days[-1] - days[0]).days + 1
    model = DailyModel(origin=history.start_date, open_days=open_days, trend=span >= TREND_MIN_DAYS,
                       yearly=span >= YEARLY_MIN_DAYS, params=np.zeros(0), cov=np.zeros((0, 0)), dispersion=1.0,
                       fit_days=len(days))
    x = model.design(days)
    y = history.daily_offered[use]
    fitted = GLM(y, x, family=families.Poisson()).fit(scale="X2")
    return replace(model, params=np.asarray(fitted.params), cov=np.asarray(fitted.cov_params()),
                   dispersion=float(fitted.scale)), excluded


def _describe(model: DailyModel) -> str:
    terms = ["level"] + (["trend per week"] if model.trend else []) + ["weekday"] \
        + ([f"yearly pattern ({YEARLY_HARMONICS} Fourier pairs)"] if model.yearly else [])
    return f"Poisson regression (quasi-likelihood) of daily calls on {' + '.join(terms)}, {model.fit_days} days"


# --------------------------------------------------------------------------------------------
# Intraday shape and handle time
# --------------------------------------------------------------------------------------------


def intraday_shape(history: History, use: np.ndarray) -> np.ndarray:
    """Share of each weekday's calls per interval, shape (7, intervals per day); zero rows for weekdays without calls.

    Pooled over the days `use` selects: the multinomial maximum-likelihood estimate.
    """
    shape = np.zeros((7, history.intervals_per_day))
    weekday = history.weekdays
    for w in range(7):
        counts = history.offered[use & (weekday == w)].sum(axis=0)
        if counts.sum() > 0:
            shape[w] = counts / counts.sum()
    return shape


def aht_profile(history: History, use: np.ndarray) -> np.ndarray:
    """Average handle time per weekday and interval, shrunk towards the weekday's average (see `AHT_PRIOR_CALLS`).

    NaN for weekdays without answered calls.
    """
    profile = np.full((7, history.intervals_per_day), np.nan)
    weekday = history.weekdays
    everyone = history.handle_s[use].sum() / max(history.answered[use].sum(), 1e-12)
    for w in range(7):
        chosen = use & (weekday == w)
        handle = history.handle_s[chosen].sum(axis=0)
        calls = history.answered[chosen].sum(axis=0)
        if calls.sum() <= 0:
            continue
        prior = handle.sum() / calls.sum() if calls.sum() > 0 else everyone
        profile[w] = (handle + AHT_PRIOR_CALLS * prior) / (calls + AHT_PRIOR_CALLS)
    return profile


# --------------------------------------------------------------------------------------------
# The forecast
# --------------------------------------------------------------------------------------------


def next_monday(day: date) -> date:
    """The first Monday after `day`."""
    return day + timedelta(days=7 - day.weekday())


def forecast(
    history: History,
    start: date | None = None,
    days: int = 7,
    *,
    country: str = "IT",
    subdiv: str | None = None,
    closed_on_holidays: bool = True,
) -> Forecast:
    """Expected calls per interval for `days` days from `start`, with handle time and patience.

    Args:
        history: the interval export.
        start: the first forecast day; None = the Monday after the history ends.
        days: how many days, >= 1.
        country: ISO country code of the public holidays (`holidays` package).
        subdiv: region or province code for regional holidays, or None.
        closed_on_holidays: forecast no calls on public holidays (the center closes); False forecasts
            them as normal days.

    Raises:
        ValueError: for a history too short to fit, or bad arguments.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, but got {days}")
    last = history.start_date + timedelta(days=history.days - 1)
    start = next_monday(last) if start is None else start
    if start <= history.start_date:
        raise ValueError(f"the forecast starts {start}, before the history's second day; forecast after"
                         f" {history.start_date}")
    end = start + timedelta(days=days - 1)
    holidays = public_holidays(min(history.start_date, start), max(last, end), country, subdiv)
    model, excluded = fit_daily(history, holidays)
    use, _ = _fit_days(history, holidays, model.open_days)
    horizon = [start + timedelta(days=d) for d in range(days)]
    daily = model.expected(horizon)
    closed = tuple((d, holidays[d]) for d in horizon if d in holidays) if closed_on_holidays else ()
    shut = {d for d, _ in closed}
    for i, day in enumerate(horizon):
        if day.weekday() not in model.open_days or day in shut:
            daily[i] = 0.0
    shape = intraday_shape(history, use)
    weekdays = [d.weekday() for d in horizon]
    calls = daily[:, None] * shape[weekdays]
    aht = aht_profile(history, use)[weekdays] if history.has("aht") else None
    patience = _patience(history, use)
    return Forecast(
        start_date=start, interval_minutes=history.interval_minutes, calls=calls, daily=daily, aht_s=aht,
        patience=patience, closed=closed, weekday_share=model.weekday_share(), trend_per_week=model.trend_per_week,
        yearly=model.yearly, excluded=excluded, dispersion=model.dispersion, model=_describe(model),
    )


def _patience(history: History, use: np.ndarray) -> PatienceEstimate | None:
    if not all(history.has(c) for c in ("abandoned", "abandon_time", "asa")):
        return None
    return patience_from_history(history, np.repeat(use[:, None], history.intervals_per_day, axis=1))


# --------------------------------------------------------------------------------------------
# Backtest
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    """Forecast errors over the evaluated days of a backtest.

    Attributes:
        mape: mean absolute percentage error of the daily volumes.
        wape: weighted absolute percentage error of the daily volumes: Σ|error| / Σ actual.
        interval_wape: WAPE of the interval volumes (interval MAPE is left out: it explodes on
            intervals with a handful of calls).
    """

    mape: float
    wape: float
    interval_wape: float


@dataclass(frozen=True)
class Backtest:
    """The forecast judged on the history's last weeks, beside seasonal-naive.

    Attributes:
        weeks: held-out weeks, each forecast from the history before it.
        dates: the evaluated days: normal open days of the held-out weeks.
        actual: calls offered on each evaluated day.
        forecast: the model's forecast of each evaluated day.
        naive: seasonal-naive's forecast of each evaluated day.
        interval_actual, interval_forecast, interval_naive: the same per interval, shape (days, intervals).
        model_error: the model's errors.
        naive_error: seasonal-naive's errors.
    """

    weeks: int
    dates: tuple[date, ...]
    actual: np.ndarray
    forecast: np.ndarray
    naive: np.ndarray
    interval_actual: np.ndarray
    interval_forecast: np.ndarray
    interval_naive: np.ndarray
    model_error: Accuracy
    naive_error: Accuracy

    @property
    def beats_naive(self) -> bool:
        """Whether the model's daily and interval WAPE are both below seasonal-naive's."""
        return (self.model_error.wape < self.naive_error.wape
                and self.model_error.interval_wape < self.naive_error.interval_wape)


def head(history: History, days: int) -> History:
    """The first `days` days of the history."""
    cut: dict[str, Any] = {name: getattr(history, name)[:days] for name in (
        "offered", "answered", "abandoned", "handle_s", "abandon_wait_s", "answer_wait_s", "service_level", "rows")}
    last = history.start_date + timedelta(days=days - 1)
    changes = tuple(c for c in history.clock_changes if c[0] <= last)
    return replace(history, clock_changes=changes, **cut)


def backtest(history: History, weeks: int = 4, *, country: str = "IT", subdiv: str | None = None) -> Backtest:
    """Forecast each of the last `weeks` weeks from the history before it, and score it against seasonal-naive.

    Days scored are the normal open days (not public holidays, with calls) of the held-out weeks.

    Raises:
        ValueError: when the history is too short for `weeks` held-out weeks and a fit.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, but got {weeks}")
    first_origin = history.days - 7 * weeks
    if first_origin < MIN_FIT_DAYS + 7:
        raise ValueError(f"{history.source} has {history.days} days; a backtest of {weeks} week(s) needs at least"
                         f" {MIN_FIT_DAYS + 7 + 7 * weeks} days")
    last = history.start_date + timedelta(days=history.days - 1)
    holidays = public_holidays(history.start_date, last, country, subdiv)
    open_days = open_weekdays(history, holidays)
    normal, _ = _fit_days(history, holidays, open_days)
    rows: list[tuple[int, np.ndarray, np.ndarray]] = []
    for k in range(weeks):
        origin = first_origin + 7 * k
        ahead = forecast(head(history, origin), history.start_date + timedelta(days=origin), 7, country=country,
                         subdiv=subdiv)
        for i in range(7):
            day = origin + i
            if normal[day]:
                rows.append((day, ahead.calls[i], _seasonal_naive(history, normal, origin, day)))
    if not rows:
        raise ValueError(f"the last {weeks} week(s) of {history.source} have no normal open day to score")
    days = [r[0] for r in rows]
    actual_i = history.offered[days]
    model_i = np.array([r[1] for r in rows])
    naive_i = np.array([r[2] for r in rows])
    return Backtest(
        weeks=weeks, dates=tuple(history.start_date + timedelta(days=d) for d in days),
        actual=actual_i.sum(axis=1), forecast=model_i.sum(axis=1), naive=naive_i.sum(axis=1),
        interval_actual=actual_i, interval_forecast=model_i, interval_naive=naive_i,
        model_error=_accuracy(actual_i, model_i), naive_error=_accuracy(actual_i, naive_i),
    )


def _seasonal_naive(history: History, normal: np.ndarray, origin: int, day: int) -> np.ndarray:
    """The intervals of the same weekday in the last normal week before `origin` (so a holiday does not count)."""
    source = day - 7
    while source >= origin or (source >= 0 and not normal[source]):
        source -= 7
    return history.offered[source] if source >= 0 else np.zeros(history.intervals_per_day)


def _accuracy(actual: np.ndarray, predicted: np.ndarray) -> Accuracy:
    daily_actual, daily_predicted = actual.sum(axis=1), predicted.sum(axis=1)
    errors = np.abs(daily_predicted - daily_actual)
    return Accuracy(
        mape=float(np.mean(errors / daily_actual)),
        wape=float(errors.sum() / daily_actual.sum()),
        interval_wape=float(np.abs(predicted - actual).sum() / actual.sum()),
    )


# --------------------------------------------------------------------------------------------
# Into the scenario
# --------------------------------------------------------------------------------------------


def apply_forecast(scenario: Scenario, result: Forecast, *, keep_redials: bool = False) -> Scenario:
    """The scenario simulating the forecast week: its demand, handle time, patience and dates.

    - Calendar: starts on the forecast's first day for as many days; the forecast's holidays are
      added to the scenario's (the center is closed on them).
    - Demand: the expected calls per interval of each weekday (`Demand.interval_table`).
    - Talk time: its mean becomes the forecast's average handle time minus the after-call work;
      its distribution and CV stay. The simulator has one handle-time distribution, so the
      AHT's variation over the day is used by the requirements, not by the simulation.
    - Patience: exponential with the estimated mean, when the history allowed an estimate.
    - Redials: switched off unless `keep_redials`: the offered calls of an export already count
      the callers who called again, so simulated redials would count them twice.

    Raises:
        ValueError: when the forecast spans more than a week (a weekday would need two rows) or
            its AHT is not above the after-call work.
    """
    if result.days > 7:
        raise ValueError(f"the forecast spans {result.days} days; the scenario's demand has one row per weekday, so"
                         " apply at most 7 days (one planning week)")
    data = scenario.model_dump(mode="python")
    calendar = data["calendar"]
    calendar["start_date"] = result.start_date
    calendar["horizon_days"] = result.days
    calendar["holidays"] = tuple(sorted(set(scenario.calendar.holidays) | {d for d, _ in result.closed}))
    inbound = data["inbound"]
    table = {WEEKDAYS[day.weekday()]: tuple(float(x) for x in result.calls[i]) for i, day in enumerate(result.dates)}
    inbound["demand"]["interval_table"] = table
    aht = result.mean_aht_s()
    if not math.isnan(aht):
        talk = aht - scenario.inbound.acw.mean_s
        if talk <= 0:
            raise ValueError(f"the forecast's AHT of {aht:.0f} s is not above the scenario's after-call work of"
                             f" {scenario.inbound.acw.mean_s:.0f} s; lower inbound.acw.mean_s")
        inbound["talk"]["mean_s"] = talk
    if result.patience is not None and math.isfinite(result.patience.mean_s):
        inbound["patience"] = {"distribution": "exponential", "mean_s": result.patience.mean_s, "cv": 1.0}
    if not keep_redials:
        inbound["redial"]["probability"] = 0.0
    return scenario_from_mapping(data, f"<{scenario.name} with the forecast from {result.start_date}>")


def calls_outside_opening_hours(scenario: Scenario, result: Forecast) -> float:
    """Expected calls the scenario would not receive because its opening hours are closed then.

    The simulator offers calls only while the center is open; a forecast with calls at other
    times (an export counting calls to a closed line) loses them silently otherwise.
    """
    from wfm.sim.arrivals import open_fraction

    calendar = scenario.calendar.model_copy(update={"start_date": result.start_date, "holidays": ()})
    calls = result.calls_on_grid(15)
    lost = 0.0
    for i in range(result.days):
        lost += float((calls[i] * (1 - open_fraction(calendar, i))).sum())
    return lost
