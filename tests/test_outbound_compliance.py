"""Contact rules: no attempt outside the local window or over a cap, checked from the attempt log."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from outbound_scenarios import outbound_scenario
from rule_checker import check_attempts
from wfm.cli import EXIT_OK, main
from wfm.experiment import RunPlan, replicate
from wfm.report import write_report
from wfm.scenario.io import ScenarioError, load_scenario
from wfm.scenario.outbound import Compliance
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
        compliance=compliance, amd={"enabled": True, "detection_s": 1.5},  # within uk's 2 s from the greeting
    )
    result = run(scenario, seed, record_calls=True)
    check_log(scenario, seed, result)


def test_reg_f_no_call_for_7_days_after_a_conversation() -> None:
    """The stricter switch: not even a callback the debtor asked for (Reg F itself allows it, §1006.14(b)(3))."""
    scenario = outbound_scenario(agents=4, days=12, mode="progressive", accounts=300,
                                 compliance={"presets": ["reg_f"], "count_consented_calls": True})
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


# ------------------------------------------------------------------------------------------
# Custom keys may only tighten a preset (issue 11)
# ------------------------------------------------------------------------------------------

IMPORTED = Path(__file__).resolve().parents[1] / "scenarios" / "imported_portfolio.toml"


def _imported_with(**compliance):
    text = IMPORTED.read_text()
    for key, value in compliance.items():
        text = text.replace("[outbound.compliance]\n", f"[outbound.compliance]\n{key} = {value}\n", 1)
    path = IMPORTED.parent / f"_loosen_test_{os.getpid()}.toml"
    path.write_text(text)
    try:
        return load_scenario(path)
    finally:
        path.unlink()


def test_a_looser_custom_key_is_an_error_naming_field_preset_value_and_fix() -> None:
    with pytest.raises(ScenarioError) as err:
        _imported_with(max_attempts_day=0)
    text = str(err.value)
    assert "max_attempts_day = 0 (no cap)" in text and "4 (italy)" in text and "loosen = true" in text


def test_loosen_true_lists_the_loosened_rules() -> None:
    scenario = _imported_with(max_attempts_day=0, loosen="true")
    assert scenario.outbound.compliance.loosened() == (("max_attempts_day", "4 (italy)", "0 (no cap)"),)
    assert scenario.outbound.compliance.rules().max_attempts_day == 0


@pytest.mark.parametrize(("presets", "custom", "rule"), [
    (["italy"], {"max_attempts_day": 5}, "max_attempts_day"),
    (["italy"], {"no_holidays": False}, "no_holidays"),
    (["reg_f"], {"max_attempts_7d": 8}, "max_attempts_7d"),
    (["reg_f"], {"rest_after_rpc_days": 6.5}, "rest_after_rpc_days"),
    (["colombia"], {"max_contacts_day": 0}, "max_contacts_day"),
    (["uk"], {"no_redial_after_drop_h": 48}, "no_redial_after_drop_h"),
    (["uk"], {"drop_cap": 0.05}, "drop_cap"),
    (["uk"], {"drop_window_days": 30}, "drop_window_days"),
    (["italy"], {"windows": {"sun": {"start": "09:00", "end": "12:00"}}}, "windows.sun"),
    (["reg_f"], {"windows": {"mon": {"start": "07:30", "end": "21:00"}}}, "windows.mon"),
])
def test_every_looser_key_is_caught(presets, custom, rule) -> None:
    with pytest.raises(ValueError, match=rule.split(".")[0]):
        Compliance(presets=presets, **custom)
    assert [r.rule for r in Compliance(presets=presets, loosen=True, **custom).loosened()] == [rule]


@pytest.mark.parametrize("custom", [
    {"max_attempts_day": 3}, {"min_gap_min": 120}, {"drop_cap": 0.02}, {"drop_window_days": 1},
    {"windows": {"mon": {"start": "09:00", "end": "20:00"}, "sun": None}}, {"rest_after_rpc_days": 10},
])
def test_tighter_or_equal_custom_keys_pass(custom) -> None:
    assert Compliance(presets=["italy", "uk", "reg_f"], **custom).loosened() == ()


def test_validate_names_the_loosened_rules(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    text = IMPORTED.read_text().replace("[outbound.compliance]\n", "[outbound.compliance]\nloosen = true\n"
                                        "max_attempts_day = 0\n", 1)
    path = IMPORTED.parent / f"_loosen_cli_{os.getpid()}.toml"
    path.write_text(text)
    try:
        assert main(["validate", str(path)]) == EXIT_OK
    finally:
        path.unlink()
    out = capsys.readouterr().out
    assert "loosened" in out and "max_attempts_day = 0 (no cap)" in out and "4 (italy)" in out


def test_the_compliance_sheet_names_the_loosened_rules(tmp_path) -> None:
    scenario = _imported_with(max_attempts_day=0, loosen="true")
    scenario = scenario.model_copy(update={"calendar": scenario.calendar.model_copy(update={"horizon_days": 1})})
    path = write_report(tmp_path / "r.xlsx", [replicate(scenario, RunPlan(1, 3))], [scenario])
    cells = [c for row in load_workbook(path)["Compliance"].iter_rows(values_only=True) for c in row if c]
    assert "Loosened: max_attempts_day" in cells and "0 (no cap) (presets: 4 (italy))" in cells
