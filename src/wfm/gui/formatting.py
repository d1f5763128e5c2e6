"""How numbers read in the GUI: KPI values in the unit a planner thinks in, money in the scenario's currency."""

from __future__ import annotations

import math

from wfm import kpi
from wfm.kpi import KpiDef

WHOLE_AMOUNTS_FROM = 1000
"""Amounts from this size up are shown without cents: a plot label of "€123,456.78" is noise."""


def format_points(points: float, signed: bool = False) -> str:
    """Percentage points with enough decimals to show two significant digits of a small value.

    A recovery rate of 0.2% moves by hundredths of a point; "+0.0 pp" marked significant
    would read as a contradiction, so small values get up to three decimals.
    """
    if math.isnan(points):
        return "–"
    size = abs(points)
    decimals = 1 if size == 0 or size >= 0.95 else min(3, 1 - math.floor(math.log10(size)))
    return f"{points:+.{decimals}f} pp" if signed else f"{points:.{decimals}f} pp"


def format_delta(value: float, definition: KpiDef, currency: str = kpi.DEFAULT_CURRENCY) -> str:
    """A signed difference; ratios as percentage points because "+2%" of a rate is ambiguous."""
    if math.isnan(value):
        return "–"
    if definition.unit == "ratio":
        return format_points(value * 100, signed=True)
    if definition.unit == "seconds":
        return f"{value:+.1f} s"
    if definition.unit == "money":
        return kpi.format_money(value, currency, signed=True)  # "-€0.07", "+$1.20", as the KPI is written
    return f"{value:+,.1f}"


def format_duration(seconds: float) -> str:
    """A wall-clock duration for the ETA: '42 s', '3 min 05 s'."""
    if math.isnan(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def format_money(value: float, currency: str) -> str:
    """An amount in the scenario's currency: '€12,345', 'COP 1,234,567' (no cents from `WHOLE_AMOUNTS_FROM`)."""
    if math.isnan(value):
        return "–"
    return kpi.format_money(value, currency, 0 if abs(value) >= WHOLE_AMOUNTS_FROM else 2)
