"""How numbers read in the GUI: KPI values in the unit a planner thinks in."""

from __future__ import annotations

import math

from wfm.kpi import KpiDef

UNIT_SUFFIX: dict[str, str] = {"ratio": "%", "seconds": "s", "count": "calls", "agents": "agents", "money": "€"}


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


def format_delta(value: float, definition: KpiDef) -> str:
    """A signed difference; ratios as percentage points because "+2%" of a rate is ambiguous."""
    if math.isnan(value):
        return "–"
    if definition.unit == "ratio":
        return format_points(value * 100, signed=True)
    if definition.unit == "seconds":
        return f"{value:+.1f} s"
    if definition.unit == "money":
        # The sign before the symbol, as the KPI itself is written ("€2.01"): "−€0.07", "+€1.20".
        return f"{'-' if value < 0 else '+'}€{abs(value):,.2f}"
    return f"{value:+,.1f}"


def format_duration(seconds: float) -> str:
    """A wall-clock duration for the ETA: '42 s', '3 min 05 s'."""
    if math.isnan(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_money(value: float, currency: str = "EUR") -> str:
    """An amount in the scenario's currency: '€12,345', 'COP 1,234,567' (no cents above 1,000)."""
    if math.isnan(value):
        return "–"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    number = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
    return f"{symbol}{number}" if symbol else f"{currency} {number}"
