"""Inbound arrival times: a non-homogeneous Poisson process, piecewise constant per 15 minutes.

Arrival times for a whole day are drawn at once from the arrivals stream, before any agent
acts, so caller i of day d is the same caller whatever the staffing (common random numbers).
"""

from __future__ import annotations

import numpy as np

from wfm.scenario import DAY_S, Calendar, Demand

SLOT_S = 900  # finest grid of the demand description: 15 minutes
SLOTS_PER_DAY = DAY_S // SLOT_S


def to_slots(values: tuple[float, ...], *, split: bool) -> np.ndarray:
    """Expand 24/48/96 per-day values to 96 quarter-hour slots.

    `split` divides a value over its sub-slots (expected calls); otherwise it is repeated
    (a shape weight or rate).
    """
    arr = np.asarray(values, dtype=float)
    factor = SLOTS_PER_DAY // len(arr)
    expanded = np.repeat(arr, factor)
    return expanded / factor if split else expanded


def open_fraction(calendar: Calendar, day: int) -> np.ndarray:
    """Fraction of each quarter-hour slot during which the center is open on `day`."""
    hours = calendar.hours_on(day)
    if hours is None:
        return np.zeros(SLOTS_PER_DAY)
    starts = np.arange(SLOTS_PER_DAY) * SLOT_S
    overlap = np.clip(np.minimum(starts + SLOT_S, hours.close) - np.maximum(starts, hours.open), 0, SLOT_S)
    return overlap / SLOT_S


def expected_calls(demand: Demand, calendar: Calendar, day: int) -> np.ndarray:
    """Expected calls per quarter-hour slot on `day`, before day-level over-dispersion.

    With a daily volume the shape is renormalised over the open part of the day, so the
    center receives the stated volume however the opening hours cut the shape.
    """
    frac = open_fraction(calendar, day)
    weekday = calendar.weekday_of(day)
    if demand.interval_table is not None:
        row = demand.interval_table.get(weekday)
        if row is None:
            return np.zeros(SLOTS_PER_DAY)
        return to_slots(row, split=True) * frac
    volume = demand.daily_volume.get(weekday, 0.0)
    weights = to_slots(demand.intraday_shape, split=False) * frac
    total = weights.sum()
    if volume <= 0 or total <= 0:
        return np.zeros(SLOTS_PER_DAY)
    return volume * weights / total


def day_multiplier(rng: np.random.Generator, cv: float) -> float:
    """Gamma multiplier with mean 1 and the given CV: days busier or quieter than forecast.

    Always consumes one draw so that switching over-dispersion on keeps the stream aligned.
    """
    shape = 1.0 / (cv * cv) if cv > 0 else 1.0
    draw = rng.gamma(shape, 1.0 / shape)
    return float(draw) if cv > 0 else 1.0


def arrival_times(rng: np.random.Generator, demand: Demand, calendar: Calendar, day: int) -> np.ndarray:
    """Sorted arrival times (seconds from the start of the run) of the inbound calls of `day`."""
    expected = expected_calls(demand, calendar, day) * day_multiplier(rng, demand.day_cv)
    frac = open_fraction(calendar, day)
    # Draw on the open part of each slot: rate = expected / open seconds.
    counts = rng.poisson(expected)
    slot = np.repeat(np.arange(SLOTS_PER_DAY), counts)
    hours = calendar.hours_on(day)
    offset = rng.random(slot.size)
    if hours is None or slot.size == 0:
        return np.empty(0)
    starts = slot * SLOT_S
    lo = np.maximum(starts, hours.open)
    width = frac[slot] * SLOT_S
    times = day * DAY_S + lo + offset * width
    return np.sort(times)
