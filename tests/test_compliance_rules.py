"""Ofcom's AMD and 2-second rules, Reg F's exclusions (issue 11, item 5), on the presets' own windows and real dates.

Each rule is judged by the run's auditor and by `rule_checker` (written from the rule texts, reading
the raw attempt log), and each test shows the check can fail: the same run with the rule taken out
of the dialer (or the old behaviour put back) is caught by both.
"""

from __future__ import annotations

import numpy as np
import pytest

from outbound_scenarios import outbound_scenario
from rule_checker import CALLBACK, RPC, check_attempts, real_instant
from wfm.cli import EXIT_OK, main
from wfm.scenario.io import ScenarioError
from wfm.scenario.outbound import PRESETS, Amd, Compliance, Outbound
from wfm.sim import run
from wfm.sim.outbound.compliance import ContactRules
from wfm.sim.outbound.result import OUTCOMES, RULES

AMD_FAST = {"enabled": True, "detection_s": 1.5}
WEEK = 7 * 86_400


def judged(scenario, seed):
    result = run(scenario, seed, record_calls=True)
    return result.outbound, check_attempts(scenario, seed, result.outbound.log)


# -- Ofcom: 24 h after an AMD-detected machine, unless an agent is guaranteed ---------------------------


def manila_london_spring(mode="power", **changes):
    """Manila calling London over the UK spring change (Sunday 29 March 2026), uk preset, AMD on."""
    args = dict(agents=10, days=3, mode=mode, accounts=300, shift_start="14:00", shift_h=14, timezone="Asia/Manila",
                start_date="2026-03-28", open_windows=False, dialer={"lines_per_agent": 2},
                portfolio={"timezones": {"Europe/London": 1.0}, "phones": [0.5, 0.5]},
                compliance={"presets": ["uk"]}, amd=AMD_FAST)
    return outbound_scenario(**(args | changes))


def test_no_paced_redial_within_24_hours_of_an_amd_machine() -> None:
    scenario = manila_london_spring()
    ob, verdict = judged(scenario, 3)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    assert ob.log.detected.sum() > 50
    assert ob.blocked[RULES.index("redial_after_amd")] > 0


def test_a_dialer_without_the_amd_rule_is_caught(monkeypatch) -> None:
    """Power mode redialing machines freely (today's behaviour before issue 11): both checks see it."""
    monkeypatch.setattr(ContactRules, "record_amd", lambda self, a, phone, now: None)
    scenario = manila_london_spring()
    ob, verdict = judged(scenario, 3)
    assert verdict.violations["amd_redial"] > 0
    assert ob.violations[RULES.index("redial_after_amd")] > 0


def test_bound_lines_may_call_a_machine_again() -> None:
    """Progressive: an agent is guaranteed for every call, so the 24 hours do not hold it back."""
    scenario = manila_london_spring(mode="progressive")
    ob, verdict = judged(scenario, 3)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    log = ob.log
    redials = 0
    for i in np.flatnonzero(log.detected == 1).tolist():
        later = (log.account == log.account[i]) & (log.phone == log.phone[i]) & (log.time > log.end[i])
        redials += int(np.any(log.time[later] < log.end[i] + 86_400))
    assert redials > 0  # a bound line did call a number within 24 h of its machine
    assert ob.blocked[RULES.index("redial_after_amd")] == 0


# -- Ofcom: 2 s from the end of the greeting, AMD listening included ------------------------------------


def test_the_two_second_rule_rejects_a_longer_connect_wait() -> None:
    with pytest.raises(ScenarioError, match=r"connect_wait_s = 10 s is longer than the 2-second rule of uk"):
        manila_london_spring(dialer={"connect_wait_s": 10})
    with pytest.raises(ScenarioError, match=r"amd.detection_s = 2.5 s leaves no time .* 2-second rule of uk"):
        manila_london_spring(amd={"enabled": True})
    manila_london_spring(compliance={"presets": ["italy"]}, dialer={"connect_wait_s": 10})  # no such rule


def test_silence_counts_from_the_greeting() -> None:
    """Paced live answers wait for an agent only what AMD's 1.5 s left of the 2 s; putting the old
    wait back (2 s after the verdict: up to 3.5 s of silence) is caught by both checks.

    The drop cap is loosened on purpose so that many answers wait for an agent at all.
    """
    scenario = manila_london_spring(dialer={"lines_per_agent": 3},
                                    compliance={"presets": ["uk"], "drop_cap": 0.5, "loosen": True})
    ob, verdict = judged(scenario, 5)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    log = ob.log
    talked = np.isin(log.outcome, [OUTCOMES.index("rpc"), OUTCOMES.index("third_party")])
    assert np.nanmax(log.connect[talked] - log.pickup[talked]) <= 2.0 + 1e-9

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Outbound, "connect_wait_after_amd", lambda self, pack="": self.dialer.connect_wait_s)
        ob, verdict = judged(scenario, 5)
    assert verdict.violations["silence"] > 0
    assert ob.violations[RULES.index("silence")] == verdict.violations["silence"]


# -- AMD false positives against the cap ------------------------------------------------------------------


def test_default_amd_false_positive_sits_below_every_cap() -> None:
    caps = [Compliance().rules().drop_cap] + [Compliance(presets=[p]).rules().drop_cap for p in PRESETS]
    assert Amd().false_positive < min(caps)


def test_validate_warns_when_false_positives_alone_reach_the_cap(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    scenario = outbound_scenario(amd={"enabled": True, "false_positive": 0.04})
    (warning,) = scenario.outbound.warnings()
    assert "false_positive = 4.0% alone reaches the drop cap (3.0% over 30 day(s))" in warning
    assert outbound_scenario(amd={"enabled": True, "false_positive": 0.029}).outbound.warnings() == []
    path = tmp_path / "fp.toml"
    from wfm.scenario.io import save_scenario

    save_scenario(scenario, path)
    assert main(["validate", str(path)]) == EXIT_OK
    assert "alone reaches the drop cap" in capsys.readouterr().out


# -- Reg F 12 CFR 1006.14(b)(3): consented callbacks and calls that do not connect --------------------------


def new_york_reg_f(**compliance):
    """A New York center calling New York debtors across the US spring change (Sunday 8 March 2026).

    Every conversation ends in a callback asked for 24 h later, and half the calls are busy, so
    both exclusions are exercised; reg_f's own windows, 12 days from Thursday 5 March.
    """
    return outbound_scenario(
        agents=4, days=12, mode="progressive", accounts=150, shift_start="08:00", shift_h=13,
        timezone="America/New_York", start_date="2026-03-05", open_windows=False,
        portfolio={"timezones": {"America/New_York": 1.0}},
        attempts={"busy": 0.5},
        conversation={"refusal": 0, "dispute": 0, "callback": 1, "callback_delay_h": 24},
        compliance={"presets": ["reg_f"]} | compliance,
    )


def _consented_in_rest(scenario, log) -> int:
    """Attempts placed within 7 real days after a conversation that ended with a callback request."""
    real = np.array([real_instant(scenario, t).timestamp() for t in log.time])
    ends = np.array([real_instant(scenario, e).timestamp() if np.isfinite(e) else np.inf for e in log.end])
    n = 0
    for i in np.flatnonzero((log.outcome == RPC) & (log.result == CALLBACK)).tolist():
        later = (log.account == log.account[i]) & (real > ends[i]) & (real < ends[i] + WEEK)
        n += int(later.sum())
    return n


def _most_in_7_days(scenario, log) -> int:
    real = np.array([real_instant(scenario, t).timestamp() for t in log.time])
    most = 0
    for a in np.unique(log.account).tolist():
        t = np.sort(real[log.account == a])
        most = max(most, int(np.max(np.searchsorted(t, t + WEEK, side="left") - np.arange(len(t)))))
    return most


def test_reg_f_reading_places_consented_callbacks_and_leaves_out_unconnected_calls() -> None:
    scenario = new_york_reg_f()
    rules = scenario.outbound.compliance.rules()
    assert not rules.count_consented_calls and not rules.count_unconnected_calls  # the law's reading by default
    ob, verdict = judged(scenario, 7)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    assert _consented_in_rest(scenario, ob.log) > 10  # the callbacks asked for were made within the rest
    assert _most_in_7_days(scenario, ob.log) > 7  # busy calls did not count


def test_the_stricter_switches_count_every_call() -> None:
    scenario = new_york_reg_f(count_consented_calls=True, count_unconnected_calls=True)
    ob, verdict = judged(scenario, 7)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    assert _consented_in_rest(scenario, ob.log) == 0
    assert _most_in_7_days(scenario, ob.log) <= 7
    assert Compliance(presets=["reg_f"], count_consented_calls=True).loosened() == ()


def test_a_dialer_ignoring_the_rest_is_caught_despite_the_exclusions(monkeypatch) -> None:
    """The exclusions are narrow: a dialer that forgets conversations (no rest at all) is caught by both."""
    monkeypatch.setattr(ContactRules, "record_rpc", lambda self, a, end, day, callback: None)
    scenario = new_york_reg_f()
    ob, verdict = judged(scenario, 7)
    assert verdict.violations["rest_rpc"] > 0
    assert ob.violations[RULES.index("rest_after_rpc")] > 0


# -- Public holidays per debtor jurisdiction ------------------------------------------------------------------


def bogota_mixed(days=12):
    """A Bogotá center calling Colombian debtors (the preset's CO holidays) and New Yorkers (their own US-NY ones).

    Monday 12 January 2026 is a Colombian holiday (Epiphany, observed), not a US one; Monday 19
    January is Martin Luther King Jr. Day in the US, not in Colombia. Colombia's own windows.
    """
    rows = [{"account_id": f"A{i}", "balance": 500 + i, "dpd": 60, "segment": "all",
             "timezone": "America/Bogota" if i % 2 else "America/New_York", "region": "" if i % 2 else "US-NY"}
            for i in range(200)]
    return outbound_scenario(agents=4, days=days, mode="progressive", shift_start="06:00", shift_h=14,
                             timezone="America/Bogota", start_date="2026-01-09", open_windows=False,
                             portfolio={"imported": rows}, compliance={"presets": ["colombia"]})


def test_each_debtor_rests_on_their_own_public_holidays() -> None:
    scenario = bogota_mixed()
    ob, verdict = judged(scenario, 2)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    log = ob.log
    local_dates = [str(d.date()) for d in verdict.local]
    new_yorker = log.account % 2 == 0
    on = {day: np.array([d == day for d in local_dates]) for day in ("2026-01-12", "2026-01-19")}
    assert not np.any(on["2026-01-12"] & ~new_yorker) and np.any(on["2026-01-12"] & new_yorker)
    assert not np.any(on["2026-01-19"] & new_yorker) and np.any(on["2026-01-19"] & ~new_yorker)
    assert ob.blocked[RULES.index("holiday")] > 0


def test_a_dialer_blind_to_debtor_holidays_is_caught(monkeypatch) -> None:
    """The center's calendar knows no holiday: a dialer reading only it (the old behaviour) is caught by both."""
    from wfm.sim.outbound import compliance

    monkeypatch.setattr(compliance, "public_holidays", lambda region, years: set())
    scenario = bogota_mixed()
    ob, verdict = judged(scenario, 2)
    assert verdict.violations["holiday"] > 0
    # The auditor shares the package but reads it on its own; blinded here too, so only the checker sees it.
    assert ob.violations[RULES.index("holiday")] == 0


def test_regions_are_checked_against_the_holidays_package() -> None:
    with pytest.raises(ValueError, match="'XX' is not a country"):
        Compliance(holiday_regions=("XX",))
    with pytest.raises(ValueError, match="'ZZ' is not a subdivision of US"):
        Compliance(holiday_regions=("US-ZZ",))
    assert Compliance(presets=["italy"]).rules().holiday_regions == ("IT",)
    assert [r.rule for r in Compliance(presets=["italy"], holiday_regions=(), loosen=True).loosened()] == \
        ["holiday_regions"]


def test_portfolio_file_country_and_subdivision(tmp_path) -> None:
    from wfm.scenario.portfolio_file import PortfolioError, read_portfolio

    path = tmp_path / "p.csv"
    path.write_text("account_id,balance,dpd,segment,country,state\n1,100,30,all,us,ny\n2,100,30,all,CO,\n"
                    "3,100,30,all,,\n")
    table = read_portfolio(path)
    assert [row.region for row in table] == ["US-NY", "CO", ""]
    path.write_text("account_id,balance,dpd,segment,country,subdivision\n1,100,30,all,US,QQ\n")
    with pytest.raises(PortfolioError, match=r'row 2, column "country": .*\'QQ\' is not a subdivision of US'):
        read_portfolio(path)
