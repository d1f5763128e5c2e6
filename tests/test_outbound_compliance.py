"""Contact rules: no attempt outside the local window or over a cap, checked from the attempt log."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound_scenarios import outbound_scenario
from rule_checker import check_attempts
from wfm.sim import run
from wfm.sim.outbound.result import OUTCOMES

DAY = 86_400
ZONES = ["Europe/Rome", "America/Bogota", "America/New_York", "UTC+05:30", "Europe/London"]
RPC = OUTCOMES.index("rpc")
MIN_CHECKED = 20  # attempts (and half as many accounts) a log must hold for its check to say something


def check_log(scenario, seed, result) -> None:
    """Zero violations by the run's auditor and by the independent checker (`rule_checker`) on the raw log."""
    ob = result.outbound
    log = ob.log
    # An empty or tiny log passes every check below: the run must have dialed enough to be judged.
    assert len(log.time) >= MIN_CHECKED and len(set(log.account.tolist())) >= MIN_CHECKED // 2, len(log.time)
    assert ob.violations.sum() == 0
    verdict = check_attempts(scenario, seed, log)
    assert verdict.total == 0, verdict.examples


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
