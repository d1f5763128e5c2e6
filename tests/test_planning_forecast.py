"""Forecast: known weekly, intraday, trend and yearly patterns recovered within their Poisson sampling error;
the backtest beats seasonal-naive on the shipped sample; the forecast fills the scenario.

Tolerances are the sampling distributions' own: a recovered intraday shape is a multinomial
sample of the true one (Pearson χ² with its degrees of freedom), and the daily model's
coefficients are asymptotically normal with the fit's covariance (Wald χ²). Each test also
shows that a slightly wrong truth is rejected at the same level, so it can fail.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from wfm.planning.forecast import (
    DAYS_PER_YEAR,
    YEARLY_HARMONICS,
    apply_forecast,
    backtest,
    fit_daily,
    forecast,
    public_holidays,
)
from wfm.planning.history import History, read_history
from wfm.scenario.io import default_scenario

SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "history_sample.csv"
ALPHA = 0.001  # a true pattern is rejected once in a thousand seeds; these tests run one fixed seed
DAILY = np.array([1400.0, 1200, 1150, 1100, 1050, 450, 0])  # Mon..Sun
START = date(2025, 1, 13)  # a Monday; the 12 weeks from here have no Italian public holiday


def shape_of_day(open_h: int, close_h: int, seed: int) -> np.ndarray:
    """A bumpy 15-minute shape, zero outside opening hours."""
    rng = np.random.default_rng(seed)
    shape = np.zeros(96)
    shape[open_h * 4:close_h * 4] = rng.uniform(0.5, 1.5, (close_h - open_h) * 4)
    return shape / shape.sum()


SHAPES = np.array([shape_of_day(8, 20, w) for w in range(5)] + [shape_of_day(9, 14, 5), np.zeros(96)])


def synthetic(weeks: int, *, growth: float = 0.0, yearly: float = 0.0, start: date = START, seed: int = 1) -> History:
    """Poisson calls per interval: weekday volume × (1 + growth)^weeks × exp(yearly · sin(season)) × shape."""
    rng = np.random.default_rng(seed)
    dates = [start + timedelta(days=d) for d in range(7 * weeks)]
    weekday = np.array([d.weekday() for d in dates])
    t = np.arange(len(dates)) / 7.0
    season = np.array([np.sin(2 * np.pi * d.timetuple().tm_yday / DAYS_PER_YEAR) for d in dates])
    mean = DAILY[weekday] * (1 + growth) ** t * np.exp(yearly * season)
    calls = rng.poisson(mean[:, None] * SHAPES[weekday]).astype(float)
    zeros = np.zeros_like(calls)
    return History(source="synthetic", timezone="Europe/Rome", interval_minutes=15, start_date=start, offered=calls,
                   answered=calls, abandoned=zeros, handle_s=calls * 300.0, abandon_wait_s=zeros,
                   answer_wait_s=zeros, service_level=np.full(calls.shape, np.nan),
                   rows=np.ones(calls.shape, dtype=int), columns=frozenset({"answered", "aht"}))


def true_params(growth: float, yearly: float, with_trend: bool, with_yearly: bool) -> np.ndarray:
    """The daily model's coefficients the synthetic history was drawn from (Monday is the reference)."""
    params = [np.log(DAILY[0])]
    if with_trend:
        params.append(np.log1p(growth))
    params += list(np.log(DAILY[1:6] / DAILY[0]))
    if with_yearly:
        params += [yearly, 0.0] + [0.0, 0.0] * (YEARLY_HARMONICS - 1)  # sin, cos of each harmonic
    return np.array(params)


def wald_p(estimate: np.ndarray, cov: np.ndarray, truth: np.ndarray) -> float:
    diff = estimate - truth
    return float(stats.chi2.sf(diff @ np.linalg.solve(cov, diff), len(diff)))


def shape_p(history: History, shapes: np.ndarray, recovered: np.ndarray) -> float:
    """Pearson χ² of the recovered shapes against `shapes`, pooled over the weekdays."""
    statistic, dof = 0.0, 0
    for w in range(6):
        total = history.offered[history.weekdays == w].sum()
        expected = total * shapes[w]
        inside = expected > 0
        statistic += float((((total * recovered[w] - expected) ** 2)[inside] / expected[inside]).sum())
        dof += int(inside.sum()) - 1
    return float(stats.chi2.sf(statistic, dof))


def test_intraday_shape_is_recovered_within_its_multinomial_error() -> None:
    history = synthetic(12)
    assert not public_holidays(history.dates[0], history.dates[-1], "IT")  # every day is a normal day
    result = forecast(history, date(2025, 4, 7), 7)
    recovered = np.array([result.calls[i] / result.daily[i] if result.daily[i] else np.zeros(96) for i in range(7)])
    assert shape_p(history, SHAPES, recovered) > ALPHA
    wrong = SHAPES.copy()
    wrong[:, :48], wrong[:, 48:] = wrong[:, :48] * 1.04, wrong[:, 48:] * 0.96  # 4% of the day moved to the morning
    wrong /= np.where(wrong.sum(axis=1, keepdims=True) > 0, wrong.sum(axis=1, keepdims=True), 1)
    assert shape_p(history, wrong, recovered) < ALPHA


def test_weekly_pattern_and_trend_are_recovered_within_their_standard_errors() -> None:
    history = synthetic(12, growth=0.01)
    model, excluded = fit_daily(history, {})
    assert excluded == () and model.trend and not model.yearly
    assert model.open_days == (0, 1, 2, 3, 4, 5)
    assert wald_p(model.params, model.cov, true_params(0.01, 0, True, False)) > ALPHA
    wrong = true_params(0.01, 0, True, False)
    wrong[4] += np.log(1.05)  # Wednesday 5% busier than it is
    assert wald_p(model.params, model.cov, wrong) < ALPHA
    dof = model.fit_days - len(model.params)
    assert ALPHA < stats.chi2.sf(model.dispersion * dof, dof) < 1 - ALPHA  # Poisson noise: dispersion near 1
    share = model.weekday_share()
    assert share["sun"] == 0 and sum(share.values()) == pytest.approx(1)


def test_yearly_pattern_is_fitted_from_two_years() -> None:
    history = synthetic(105, yearly=0.15, start=date(2023, 1, 2))
    holidays = public_holidays(history.dates[0], history.dates[-1], "IT")
    model, excluded = fit_daily(history, holidays)
    assert model.yearly and len(excluded) == sum(1 for d in holidays if d.weekday() < 6)
    assert wald_p(model.params, model.cov, true_params(0.0, 0.15, True, True)) > ALPHA
    assert wald_p(model.params, model.cov, true_params(0.0, 0.0, True, True)) < ALPHA  # no season: rejected
    short, _ = fit_daily(synthetic(52, start=date(2023, 1, 2)), holidays)
    assert not short.yearly  # one year is not enough to tell a season from a trend


def test_backtest_beats_seasonal_naive_on_the_shipped_sample() -> None:
    result = backtest(read_history(SAMPLE), weeks=4)
    assert result.beats_naive
    assert result.model_error.mape < result.naive_error.mape
    assert len(result.dates) == 4 * 6 - 2  # Sundays closed; Easter Monday and Saturday 25 April holidays
    assert result.actual.sum() == pytest.approx(result.interval_actual.sum())
    assert np.all(result.forecast > 0)


def test_sample_forecast_closes_holidays_and_estimates_the_simulated_inputs() -> None:
    history = read_history(SAMPLE)
    result = forecast(history)
    assert result.start_date == date(2026, 4, 27)
    assert result.closed == ((date(2026, 5, 1), "Labor Day"),)
    assert result.daily[4] == 0 and result.daily[6] == 0 and result.calls[4].sum() == 0
    assert {d for d, _ in result.excluded} == {date(2026, 1, 6), date(2026, 4, 6), date(2026, 4, 25)}
    # The simulator drew the sample with 1% growth a week and patience 180 s (redials included in the counts).
    low, high = result.trend_per_week - 0.004, result.trend_per_week + 0.004
    assert low < 0.01 < high
    assert result.patience is not None
    assert abs(result.patience.mean_s - 180.0) < 3 * result.patience.std_error_s
    assert result.mean_aht_s() == pytest.approx(330, rel=0.03)  # lognormal talk 300 s + 30 s after-call work


def test_forecast_fills_the_scenario_week() -> None:
    result = forecast(read_history(SAMPLE))
    base = default_scenario()
    scenario = apply_forecast(base, result)
    assert scenario.calendar.start_date == date(2026, 4, 27) and scenario.calendar.horizon_days == 7
    assert date(2026, 5, 1) in scenario.calendar.holidays
    table = scenario.inbound.demand.interval_table
    assert table is not None and table["mon"] == pytest.approx(tuple(result.calls[0]))
    assert scenario.inbound.talk.mean_s == pytest.approx(result.mean_aht_s() - base.inbound.acw.mean_s)
    assert result.patience is not None and scenario.inbound.patience.mean_s == result.patience.mean_s
    assert scenario.inbound.redial.probability == 0
    assert result.calls_on_grid(60).sum() == pytest.approx(result.calls.sum())
    assert result.calls_on_grid(60).shape == (7, 24)
    with pytest.raises(ValueError, match="spans 14 days"):
        apply_forecast(base, forecast(read_history(SAMPLE), days=14))


def test_a_short_history_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="has 12 normal open day\\(s\\); the forecast needs at least 14"):
        forecast(synthetic(2), date(2025, 2, 3))
    with pytest.raises(ValueError, match="a backtest of 4 week\\(s\\) needs at least"):
        backtest(synthetic(5))
