"""Small outbound scenarios for the dialer tests: one outbound team, no inbound, flat curves."""

from __future__ import annotations

from typing import Any

from wfm.scenario import Scenario
from wfm.scenario.io import scenario_from_mapping

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def outbound_scenario(
    agents: int = 10,
    days: int = 1,
    mode: str = "progressive",
    accounts: int = 5_000,
    shift_start: str = "09:00",
    shift_h: float = 8,
    dialer: dict[str, Any] | None = None,
    attempts: dict[str, Any] | None = None,
    conversation: dict[str, Any] | None = None,
    portfolio: dict[str, Any] | None = None,
    compliance: dict[str, Any] | None = None,
    amd: dict[str, Any] | None = None,
    blended: int = 0,
    inbound: bool = False,
    start_date: str = "2026-01-05",
    open_windows: bool = True,
    timezone: str = "Europe/Rome",
    shift_days: tuple[str, ...] = EVERY_DAY,
    holidays: tuple[str, ...] = (),
) -> Scenario:
    """An outbound-only (or lightly blended) campaign, every day open.

    Compliance is open 00:00-24:00 unless `open_windows` is False: then the windows are the
    presets' (`compliance={"presets": [...]}`) as shipped. `timezone` is the center's zone,
    `shift_days` the weekdays its shift works, `holidays` the center's closing days (ISO dates).
    """
    # The open windows loosen every preset's: on purpose, so `loosen` says so.
    windows = ({"windows": {d: {"start": "00:00", "end": "24:00"} for d in EVERY_DAY}, "loosen": True}
               if open_windows else {})
    groups: list[dict[str, Any]] = [{
        "name": "Outbound", "kind": "outbound", "absence_rate": 0,
        "shifts": [{"name": "Day", "days": list(shift_days), "start": shift_start, "length_h": shift_h,
                    "headcount": agents}],
    }]
    if blended:
        groups.append({
            "name": "Blended", "kind": "blended", "absence_rate": 0,
            "shifts": [{"name": "Day", "days": list(EVERY_DAY), "start": shift_start, "length_h": shift_h,
                        "headcount": blended}],
        })
    segment = {"name": "all", "share": 1.0, "balance_mean": 1000, "dpd_min": 60, "dpd_max": 120, "contact": 0.5,
               "right_party": 0.7, "ptp": 0.4, "kept": 0.7}
    return scenario_from_mapping({
        "name": f"outbound {mode}",
        "calendar": {"start_date": start_date, "horizon_days": days, "timezone": timezone,
                     "holidays": list(holidays),
                     "opening_hours": {d: {"open": "00:00", "close": "24:00"} for d in EVERY_DAY}},
        "inbound": {"enabled": inbound},
        "groups": groups,
        "outbound": {
            "enabled": True,
            "portfolio": {"accounts": accounts, "segments": [segment], "phones": [1.0], "invalid_number_share": 0,
                          "do_not_call_share": 0} | (portfolio or {}),
            "attempts": attempts or {},
            "dialer": {"mode": mode} | (dialer or {}),
            "conversation": conversation or {},
            "compliance": windows | (compliance or {}),
            "amd": amd or {},
        },
    })
