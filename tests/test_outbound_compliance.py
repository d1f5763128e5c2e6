"""Contact rules: no attempt outside the local window or over a cap, checked from the attempt log."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound_scenarios import outbound_scenario
from wfm.scenario.outbound import parse_tz
from wfm.sim import make_streams, run
from wfm.sim.outbound.accounts import build_portfolio
from wfm.sim.outbound.result import OUTCOMES

DAY = 86_400
ZONES = ["Europe/Rome", "America/Bogota", "America/New_York", "UTC+05:30", "Europe/London"]
RPC, DROPPED = OUTCOMES.index("rpc"), OUTCOMES.index("dropped")
MIN_CHECKED = 20  # attempts (and half as many accounts) a log must hold for its check to say something


def local_times(scenario, seed, log):
    """Each attempt's local datetime, computed with zoneinfo (independent of the dialer's offset table)."""
    portfolio = build_portfolio(scenario.outbound.portfolio, scenario.calendar, make_streams(seed).accounts)
    center = ZoneInfo(scenario.calendar.timezone)
    origin = datetime.combine(scenario.calendar.start_date, datetime.min.time(), tzinfo=center)
    out = []
    for t, a in zip(log.time, log.account, strict=True):
        # The run's clock counts 86,400 s per calendar day of the center (wall time).
        day, sec = divmod(float(t), DAY)
        wall = (origin + timedelta(days=int(day))).replace(tzinfo=None) + timedelta(seconds=sec)
        aware = wall.replace(tzinfo=center)
        out.append(aware.astimezone(parse_tz(portfolio.tz_names[portfolio.tz[a]])))
    return out


def check_log(scenario, seed, result) -> None:
    rules = scenario.outbound.compliance.rules()
    ob = result.outbound
    log = ob.log
    # An empty or tiny log passes every check below: the run must have dialed enough to be judged.
    assert len(log.time) >= MIN_CHECKED and len(set(log.account.tolist())) >= MIN_CHECKED // 2, len(log.time)
    assert ob.violations.sum() == 0
    local = local_times(scenario, seed, log)
    holidays = set(scenario.calendar.holidays) if rules.no_holidays else set()
    by_account: dict[int, list[int]] = {}
    for i, a in enumerate(log.account.tolist()):
        by_account.setdefault(a, []).append(i)
    for i, when in enumerate(local):
        window = rules.windows.get(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[when.weekday()])
        sec = when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
        assert window is not None and window.start <= sec + 1e-6 and sec < window.end, (i, when)
        assert when.date() not in holidays
    for idx in by_account.values():
        times = log.time[idx]
        ends = log.end[idx]
        outcomes = log.outcome[idx]
        days = [local[i].date() for i in idx]
        for j, t in enumerate(times):
            if rules.max_attempts_7d:
                assert np.sum((times <= t) & (times > t - 7 * DAY)) <= rules.max_attempts_7d
            if rules.max_attempts_day:
                assert sum(1 for d in days[: j + 1] if d == days[j]) <= rules.max_attempts_day
            earlier = slice(0, j)
            if rules.rest_after_rpc_days:
                rpc_ends = ends[earlier][outcomes[earlier] == RPC]
                assert not np.any(t - rpc_ends < rules.rest_after_rpc_days * DAY)
            if rules.no_redial_after_drop_h:
                drop_ends = ends[earlier][outcomes[earlier] == DROPPED]
                assert not np.any(t - drop_ends < rules.no_redial_after_drop_h * 3600)
            if rules.max_contacts_day:
                contacts = sum(1 for k in range(j) if outcomes[k] == RPC and days[k] == days[j])
                assert contacts < rules.max_contacts_day
            if rules.min_gap_min and j:
                assert t - times[j - 1] >= rules.min_gap_min * 60 - 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts=st.integers(30, 400),
    zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True),
    presets=st.lists(st.sampled_from(["reg_f", "italy", "colombia", "uk"]), max_size=2, unique=True),
    max_day=st.sampled_from([None, 1, 2, 4]),
    gap=st.sampled_from([None, 0, 30, 240]),
    mode=st.sampled_from(["preview", "progressive", "power", "predictive"]),
    days=st.integers(3, 9),
    seed=st.integers(0, 10_000),
)
def test_no_attempt_breaks_a_rule(accounts, zones, presets, max_day, gap, mode, days, seed) -> None:
    compliance = {"presets": presets}
    if not presets:
        compliance["windows"] = {d: {"start": "08:00", "end": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    if max_day is not None:
        compliance["max_attempts_day"] = max_day
    if gap is not None:
        compliance["min_gap_min"] = gap
    scenario = outbound_scenario(
        agents=3, days=days, mode=mode, accounts=accounts, shift_start="06:00", shift_h=16,
        portfolio={"timezones": {z: 1 / len(zones) for z in zones}},
        compliance=compliance, amd={"enabled": True},
    )
    result = run(scenario, seed, record_calls=True)
    check_log(scenario, seed, result)


def test_reg_f_no_call_for_7_days_after_a_conversation() -> None:
    scenario = outbound_scenario(agents=4, days=12, mode="progressive", accounts=300,
                                 compliance={"presets": ["reg_f"]})
    result = run(scenario, 4, record_calls=True)
    log = result.outbound.log
    rpc_accounts = np.unique(log.account[log.outcome == RPC])
    assert rpc_accounts.size > 50
    for a in rpc_accounts:
        mine = log.account == a
        first_rpc_end = log.end[mine & (log.outcome == RPC)].min()
        later = log.time[mine & (log.time > first_rpc_end)]
        assert np.all(later >= first_rpc_end + 7 * DAY)
    assert result.outbound.blocked.sum() > 0
    check_log(scenario, 4, result)
