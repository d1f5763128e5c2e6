"""Small scenarios for the workforce and cost tests."""

from __future__ import annotations

from typing import Any

from wfm.scenario import Scenario
from wfm.scenario.io import load_scenario, scenario_from_mapping

BASELINE = "scenarios/baseline.toml"


def baseline_with(horizon_days: int, workforce: dict[str, Any] | None = None, outbound: bool = False,
                  **sections: Any) -> Scenario:
    """The shipped baseline with another horizon and (optionally) a workforce section.

    The outbound campaign is switched off unless asked for, so that the tests of the people
    model compare against the plain inbound floor.
    """
    data = load_scenario(BASELINE).model_dump(mode="json")
    data["calendar"]["horizon_days"] = horizon_days
    data["outbound"]["enabled"] = outbound
    if workforce is None:
        data.pop("workforce")
    else:
        data["workforce"] = workforce
    data.update(sections)
    return scenario_from_mapping(data)


def back_office(agents: int, days: int, workforce: dict[str, Any] | None = None,
                costs: dict[str, Any] | None = None, kind: str = "outbound") -> Scenario:
    """No inbound calls: one group on one Mon-Fri shift 08:00-16:00, with a paid and an unpaid break."""
    data: dict[str, Any] = {
        "name": "back office",
        "calendar": {"start_date": "2026-01-05", "horizon_days": days},
        "inbound": {"enabled": False},
        "groups": [{
            "name": "Team", "kind": kind, "absence_rate": 0.0,
            "shifts": [{"name": "Day", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00",
                        "length_h": 8, "headcount": agents,
                        "breaks": [{"name": "coffee", "offset_min": 120, "duration_min": 15, "paid": True},
                                   {"name": "lunch", "offset_min": 240, "duration_min": 30, "paid": False}]}],
        }],
    }
    if workforce is not None:
        data["workforce"] = workforce
    if costs is not None:
        data["costs"] = costs
    return scenario_from_mapping(data)
