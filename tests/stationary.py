"""Stationary inbound scenarios for validation against queueing formulas.

One day, center open and one shift of `agents` logged in from 00:00 for `hours`, constant
arrival rate, exponential talk, no after-call work, breaks, absence or redials: the M/M/n(+M)
model of Erlang C and Erlang A. Measure only arrivals after a warm-up and well before the end.
"""

from __future__ import annotations

from wfm.scenario import Scenario
from wfm.scenario.io import scenario_from_mapping


def stationary_scenario(
    agents: int,
    calls_per_hour: float,
    mean_handle_s: float,
    patience_s: float | None,
    hours: int = 16,
    sl_threshold_s: float = 20.0,
) -> Scenario:
    """An M/M/n (patience None) or M/M/n+M scenario of one day with `hours` open hours."""
    close = "24:00" if hours >= 24 else f"{hours:02d}:00"
    open_day = {"open": "00:00", "close": close}
    shape = [1.0] * hours + [0.0] * (24 - hours)
    return scenario_from_mapping({
        "name": f"M/M/{agents}{'+M' if patience_s else ''}",
        "calendar": {
            "start_date": "2026-01-05", "horizon_days": 1, "interval_minutes": 15,
            "opening_hours": {d: open_day for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        },
        "inbound": {
            "demand": {"daily_volume": {"mon": calls_per_hour * hours}, "intraday_shape": shape, "day_cv": 0},
            "talk": {"distribution": "exponential", "mean_s": mean_handle_s},
            "acw": {"distribution": "fixed", "mean_s": 0},
            "patience": (
                {"distribution": "none"} if patience_s is None
                else {"distribution": "exponential", "mean_s": patience_s}
            ),
            "redial": {"probability": 0},
            "service_level": {"threshold_s": sl_threshold_s, "exclude_short_abandons": False},
        },
        "groups": [{
            "name": "Agents", "kind": "inbound", "absence_rate": 0,
            "shifts": [{"name": "Day", "days": ["mon"], "start": "00:00", "length_h": min(hours, 16),
                        "headcount": agents}],
        }],
    })
