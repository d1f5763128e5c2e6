"""Contact rules on real instants: daylight-saving days, offshore centers, 30-minute zones (issue 11).

Every run uses the presets' own calling windows and is judged twice: by the run's auditor and
by `rule_checker`, which rebuilds each attempt's real instant and the debtor's local time from
the raw attempt log with its own zoneinfo calls.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound_scenarios import outbound_scenario
from rule_checker import check_attempts
from wfm.scenario.outbound import Compliance
from wfm.scenario.units import DAY_S
from wfm.sim import run
from wfm.sim.outbound.clock import LocalClock
from wfm.sim.outbound.compliance import Auditor
from wfm.sim.outbound.result import RULES

US_ZONES = {"America/New_York": 0.4, "America/Chicago": 0.3, "America/Los_Angeles": 0.3}
MIN_ATTEMPTS = 100  # a reproduction must dial enough for its check to say something
SEED = 11
AMD_FAST = {"enabled": True, "detection_s": 1.5}  # decides within Ofcom's 2 s from the end of the greeting (uk)


def manila_us_fall_back(**changes):
    """The issue's case: Manila, one Sunday shift from 19:30 for 10 h, US debtors, the US fall-back day."""
    args = dict(
        agents=60, days=2, mode="power", accounts=300, shift_start="19:30", shift_h=10, shift_days=("sun",),
        timezone="Asia/Manila", start_date="2026-11-01", open_windows=False, dialer={"lines_per_agent": 4},
        portfolio={"timezones": US_ZONES}, compliance={"presets": ["reg_f"]},
    )
    return outbound_scenario(**(args | changes))


def judged(scenario, seed=SEED):
    """Run with the attempt log; the auditor's violations and the independent checker's verdict."""
    result = run(scenario, seed, record_calls=True)
    verdict = check_attempts(scenario, seed, result.outbound.log)
    assert len(result.outbound.log.time) >= MIN_ATTEMPTS, len(result.outbound.log.time)
    return result, verdict


def test_manila_calling_the_us_on_the_fall_back_sunday() -> None:
    result, verdict = judged(manila_us_fall_back())
    early = sum(1 for when in verdict.local if when.hour < 8)
    assert early == 0, (early, verdict.examples)
    assert verdict.total == 0, verdict.examples
    assert result.outbound.violations.sum() == 0


# (center, debtors, preset, start date, shift start, shift hours): the shifts put the debtors' window
# edges next to the change; the first three are the cases (calls at 21:00-22:00 local before).
OFFSHORE = [
    ("Asia/Kolkata", {"America/New_York": 1.0}, "reg_f", "2026-11-01", "05:30", 8),  # Sat 31 Oct from 20:00 EDT
    ("Asia/Manila", {"Europe/London": 1.0}, "uk", "2026-10-25", "02:00", 8),  # Sat 24 Oct from 19:00 BST
    ("Asia/Manila", {"Europe/Rome": 1.0}, "italy", "2026-10-25", "02:00", 8),  # Sat 24 Oct from 20:00 CEST
    ("Asia/Manila", US_ZONES, "reg_f", "2026-03-08", "00:00", 16),  # US spring-forward
    ("Asia/Kolkata", {"Europe/London": 0.5, "Europe/Rome": 0.5}, "uk", "2026-03-28", "08:00", 16),  # EU spring
    ("America/New_York", {"America/St_Johns": 0.5, "Asia/Kolkata": 0.5}, "reg_f", "2026-10-31", "00:00", 16),
]


@pytest.mark.parametrize(("center", "debtors", "preset", "start", "shift_start", "shift_h"), OFFSHORE)
def test_offshore_centers_on_the_change_days(center, debtors, preset, start, shift_start, shift_h) -> None:
    scenario = outbound_scenario(
        agents=10, days=2, mode="power", accounts=300, shift_start=shift_start, shift_h=shift_h, timezone=center,
        start_date=start, open_windows=False, dialer={"lines_per_agent": 2}, portfolio={"timezones": debtors},
        compliance={"presets": [preset]}, amd=AMD_FAST,
    )
    result, verdict = judged(scenario)
    assert verdict.total == 0, verdict.examples
    assert result.outbound.violations.sum() == 0


def test_uk_72_hours_are_real_hours_across_the_spring_change() -> None:
    """London from Wednesday 25 March 2026 for 7 days: drops on Saturday 28 March wait 72 real hours."""
    scenario = outbound_scenario(
        agents=6, days=7, mode="progressive", accounts=300, shift_start="08:00", shift_h=13, timezone="Europe/London",
        start_date="2026-03-25", open_windows=False, portfolio={"timezones": {"Europe/London": 1.0}},
        compliance={"presets": ["uk"]}, amd=AMD_FAST | {"false_positive": 0.03},
    )
    result, verdict = judged(scenario)
    assert verdict.total == 0, verdict.examples
    assert result.outbound.violations.sum() == 0


CHANGES = [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)]
CENTERS = ["Asia/Manila", "Asia/Kolkata", "Europe/Rome", "Europe/London", "America/New_York", "America/Chicago"]
DEBTORS = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Rome",
           "Asia/Kolkata", "America/St_Johns"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    center=st.sampled_from(CENTERS),
    debtors=st.lists(st.sampled_from(DEBTORS), min_size=1, max_size=3, unique=True),
    presets=st.lists(st.sampled_from(["reg_f", "italy", "colombia", "uk"]), min_size=1, max_size=2, unique=True),
    change=st.sampled_from(CHANGES),
    days_before=st.integers(0, 6),
    shift_start=st.sampled_from(["00:00", "06:00", "12:00", "18:00"]),
    mode=st.sampled_from(["progressive", "power", "predictive"]),
    seed=st.integers(0, 10_000),
)
def test_random_zones_near_a_clock_change(center, debtors, presets, change, days_before, shift_start, mode,
                                          seed) -> None:
    start = change - timedelta(days=days_before)
    scenario = outbound_scenario(
        agents=8, days=days_before + 2, mode=mode, accounts=300, shift_start=shift_start, shift_h=16,
        timezone=center, start_date=start.isoformat(), open_windows=False,
        portfolio={"timezones": {z: 1 / len(debtors) for z in debtors}},
        compliance={"presets": presets}, amd=AMD_FAST,
    )
    result = run(scenario, seed, record_calls=True)
    verdict = check_attempts(scenario, seed, result.outbound.log)
    assert verdict.total == 0, verdict.examples
    assert result.outbound.violations.sum() == 0


def test_the_auditor_catches_a_dialer_clock_one_hour_off(monkeypatch) -> None:
    """The auditor converts times on its own: a dialer whose local clock runs an hour fast is caught."""
    scenario = manila_us_fall_back(start_date="2026-11-08")  # an ordinary Sunday: only the planted error
    honest, verdict = judged(scenario)
    assert honest.outbound.violations.sum() == 0 and verdict.total == 0
    real_local = LocalClock.local
    monkeypatch.setattr(LocalClock, "local", lambda self, zone, real: real_local(self, zone, real) + 3600)
    result, verdict = judged(scenario)
    window = result.outbound.violations[RULES.index("window")]
    assert window == verdict.violations["window"] > MIN_ATTEMPTS, (window, verdict.violations)


@pytest.mark.parametrize(("center", "zone", "start"), [
    ("Asia/Manila", "America/New_York", date(2026, 11, 1)),
    ("Europe/Rome", "Europe/London", date(2026, 3, 29)),
    ("America/New_York", "America/St_Johns", date(2026, 3, 8)),
    ("Europe/London", "Asia/Kolkata", date(2026, 10, 25)),
])
def test_clock_matches_zoneinfo_minute_by_minute(center, zone, start) -> None:
    """Every minute of three days around a change: the lookup tables give zoneinfo's answer."""
    clock = LocalClock(start, center, [zone], horizon_days=3)
    auditor = Auditor(Compliance().rules(), start, center, [zone], [0])
    for t in range(-DAY_S, 3 * DAY_S, 60):
        real = clock.real(t)
        assert real == auditor.instant(t), t
        assert clock.local(0, real) == real + auditor.zone_offset(0, real), t
        assert auditor.local(0, t) == (real, clock.local(0, real)), t
