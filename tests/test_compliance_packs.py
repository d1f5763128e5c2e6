"""Rule packs per account (issue 11): a portfolio mixing US, UK, Italian and Colombian debtors, each judged by
the rules of their own jurisdiction.

Every run uses the presets' own calling windows, a center in another zone than most of its debtors, and
the week of a clock change; it is judged twice: by the run's auditor (which finds each account's pack on
its own) and by `rule_checker` (which reads the scenario's `by_country` and the portfolio itself, and
rebuilds every attempt's local time from the raw log). Each check is shown able to fail: a dialer given
the wrong pack mapping, or a drop-cap guard that watches only the whole campaign, is caught.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from outbound_scenarios import outbound_scenario
from rule_checker import account_packs, check_attempts, pack_drop_rates
from wfm.cli import EXIT_OK, main
from wfm.experiment import RunPlan, replicate
from wfm.report import write_report
from wfm.scenario.io import ScenarioError, load_scenario, parse_scenario, scenario_to_toml
from wfm.scenario.outbound import LEGAL_SOURCES, PRESETS, Compliance, Outbound
from wfm.sim import run
from wfm.sim.outbound import dialer as dialer_module
from wfm.sim.outbound import pacing
from wfm.sim.outbound.compliance import own_pack
from wfm.sim.outbound.guard import DropGuard
from wfm.sim.outbound.result import RULES

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
ZONES = {"America/New_York": 0.3, "America/Los_Angeles": 0.1, "Europe/London": 0.2, "Europe/Rome": 0.2,
         "America/Bogota": 0.2}
REGIONS = {"America/New_York": "US-NY", "America/Los_Angeles": "US-CA", "Europe/London": "GB", "Europe/Rome": "IT",
           "America/Bogota": "CO"}
BY_COUNTRY = {"US": ["reg_f"], "GB": ["uk"], "IT": ["italy"], "CO": ["colombia"]}
PACKS = ("", "US", "GB", "IT", "CO")  # the default pack (presets) first, then by_country in the scenario's order
# AMD decides within uk's 2 s from the end of the greeting; its false positives are off: they are drops no
# pacing can prevent (bound lines have them too), and on a pack with few live answers a day one of them
# breaks Ofcom's 3% over 24 h by chance, whatever the dialer does.
AMD_FAST = {"enabled": True, "detection_s": 1.5, "false_positive": 0.0}
SEED = 3
MIN_ATTEMPTS = 100  # per pack: a run must dial each jurisdiction enough for its check to say something


ACCOUNTS = 600
GAP = {"min_gap_min": 120}  # a custom key: it tightens every pack, and spreads the calls over the days


def mixed(mode: str = "power", by_country=None, **changes):
    """A New York center (3 agents, power at 2 lines) calling five zones from Thursday 29 October 2026 for 5 days.

    Europe has already left summer time (25 October); the US does so on Sunday 1 November, after which
    New York and Bogota share one clock. Monday 2 November is a Colombian public holiday.
    """
    compliance = {"presets": list(PRESETS), "by_country": BY_COUNTRY if by_country is None else by_country} | GAP
    args = dict(agents=3, days=5, mode=mode, accounts=ACCOUNTS, shift_start="07:00", shift_h=16,
                timezone="America/New_York", start_date="2026-10-29", open_windows=False,
                dialer={"lines_per_agent": 2}, portfolio={"timezones": ZONES, "regions": REGIONS},
                compliance=compliance, amd=AMD_FAST)
    return outbound_scenario(**(args | changes))


def judged(scenario, seed=SEED, packs=None):
    result = run(scenario, seed, record_calls=True)
    return result.outbound, check_attempts(scenario, seed, result.outbound.log, packs)


# -- each debtor under their own pack ---------------------------------------------------------------------


def test_each_debtor_is_judged_by_their_own_pack() -> None:
    scenario = mixed()
    ob, verdict = judged(scenario)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    packs = ob.packs
    assert packs.names == PACKS and packs.accounts[0] == 0 and packs.accounts.sum() == ACCOUNTS
    assert np.all(packs.attempts[1:] >= MIN_ATTEMPTS), packs.attempts
    assert packs.violations.sum() == 0 and np.all(packs.drop_windows_over_cap == 0)
    assert np.array_equal(packs.blocked.sum(axis=0), ob.blocked)

    pack = np.array(account_packs(scenario, SEED), dtype=object)[ob.log.account]
    local = verdict.local
    hour = np.array([t.hour for t in local])
    weekday = np.array([t.weekday() for t in local])
    date = np.array([t.date().isoformat() for t in local])
    us, gb, it, co = (pack == name for name in ("US", "GB", "IT", "CO"))
    # 19:00-21:00 local on a weekday is lawful under reg_f, not under colombia (07:00-19:00).
    assert np.any(us & (hour >= 19) & (weekday < 5)) and not np.any(co & (hour >= 19))
    # Sunday: reg_f and uk call, colombia and italy do not.
    sunday = weekday == 6
    assert np.any(us & sunday) and np.any(gb & sunday) and not np.any((co | it) & sunday)
    # Monday 2 November is a holiday in Colombia only.
    assert not np.any(co & (date == "2026-11-02")) and np.any(us & (date == "2026-11-02"))
    blocked = {name: dict(zip(RULES, packs.blocked[i].tolist(), strict=True)) for i, name in enumerate(PACKS)}
    assert blocked["CO"]["holiday"] > 0 and blocked["CO"]["window"] > 0
    assert blocked["US"]["holiday"] == 0 and blocked["GB"]["holiday"] == 0  # neither reg_f nor uk rests on holidays
    assert blocked["US"]["max_attempts_7d"] + blocked["US"]["rest_after_rpc"] > 0  # reg_f's own limits
    assert blocked["IT"]["max_attempts_day"] > 0 and blocked["US"]["max_attempts_day"] == 0  # italy's own
    assert blocked["GB"]["redial_after_amd"] > 0 and blocked["US"]["redial_after_amd"] == 0  # Ofcom's own


def test_one_pack_or_several_with_the_same_rules_run_alike() -> None:
    """The packs add no behaviour of their own: the same rules in one pack or in two give the same attempts."""
    common = dict(mode="progressive", portfolio={"timezones": {"America/New_York": 0.5, "Europe/London": 0.5},
                                                 "regions": {"America/New_York": "US-NY", "Europe/London": "GB"}})
    one = mixed(compliance={"presets": ["reg_f"]} | GAP, **common)
    two = mixed(compliance={"presets": ["reg_f"], "by_country": {"US": ["reg_f"], "GB": ["reg_f"]}} | GAP, **common)
    a, b = run(one, SEED, record_calls=True).outbound, run(two, SEED, record_calls=True).outbound
    assert len(a.log.time) > MIN_ATTEMPTS
    for key in ("time", "account", "outcome", "end"):
        np.testing.assert_array_equal(getattr(a.log, key), getattr(b.log, key))
    np.testing.assert_array_equal(a.blocked, b.blocked)
    assert a.packs.names == ("",) and b.packs.names == ("", "US", "GB")
    np.testing.assert_array_equal(b.packs.blocked.sum(axis=0), a.blocked)


def test_a_wrong_pack_mapping_is_caught(monkeypatch) -> None:
    """A dialer that holds every debtor to the US rules calls Romans and Colombians on Sunday: both checks see it.

    The auditor finds each account's pack from its region by itself, so it counts the violations
    in the packs they belong to.
    """
    scenario = mixed()
    monkeypatch.setattr(dialer_module, "account_packs", lambda compliance, names, region: [1] * len(region))
    ob, verdict = judged(scenario)
    assert verdict.violations["window"] > 0
    window = RULES.index("window")
    by_pack = dict(zip(PACKS, ob.packs.violations[:, window].tolist(), strict=True))
    assert by_pack["IT"] > 0 and by_pack["CO"] > 0 and by_pack["US"] == 0
    assert ob.violations[window] == verdict.violations["window"]


def test_the_checker_judges_each_account_by_its_own_pack() -> None:
    """A scenario that puts the Italians under reg_f runs lawfully by its own rules, not by Italy's."""
    wrong = mixed(by_country=BY_COUNTRY | {"IT": ["reg_f"]})
    ob, verdict = judged(wrong)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    right = account_packs(mixed(), SEED)
    assert check_attempts(mixed(), SEED, ob.log, right).violations["window"] > 0  # Sunday calls to Romans


def test_an_imported_account_keeps_its_own_country_else_takes_its_zones() -> None:
    rows = [{"account_id": "a", "balance": 100, "dpd": 30, "segment": "all", "timezone": "Europe/London"},
            {"account_id": "b", "balance": 100, "dpd": 30, "segment": "all", "timezone": "Europe/London",
             "region": "US-NY"},
            {"account_id": "c", "balance": 100, "dpd": 30, "segment": "all", "timezone": "Asia/Kolkata"}]
    scenario = mixed(portfolio={"imported": rows, "regions": {"Europe/London": "GB"}})
    assert account_packs(scenario, SEED) == ["GB", "US", ""]
    packs = run(scenario, SEED).outbound.packs  # the dialer's own mapping, by the accounts it counts per pack
    assert packs.names == PACKS and packs.accounts.tolist() == [1, 1, 1, 0, 0]


def test_pack_lookup_by_subdivision_country_and_alias() -> None:
    compliance = Compliance(presets=["reg_f"], by_country={"uk": ["uk"], "US": ["reg_f"], "US-MA": ["reg_f", "italy"]})
    assert list(compliance.by_country) == ["GB", "US", "US-MA"]  # "uk" is the ISO code GB
    names = {pack.name: i for i, pack in enumerate(compliance.packs())}
    for region, expected in [("US-NY", "US"), ("US-MA", "US-MA"), ("US", "US"), ("UK", "GB"), ("GB-SCT", "GB"),
                             ("IT", ""), ("", ""), ("usa", "US")]:
        assert compliance.packs()[compliance.pack_index(region)].name == expected, region
        assert own_pack(region, names) == names[expected], region  # the auditor's own reading agrees


# -- the drop cap of each jurisdiction ---------------------------------------------------------------------


def london_and_new_york(days=3):
    """A New York center, 10 agents in power mode at 4 lines, 1,500 accounts: 70% New York, 30% London.

    Both windows are open together from 08:00 to 17:00 New York time (London is 4 h ahead until the
    European change on Sunday 29 March). The US pack's cap is 3% over 30 days, the UK's 3% over 24 h.
    AMD is off: its false positives are drops no pacing can prevent, and this test is about the pacing.
    """
    return outbound_scenario(
        agents=10, days=days, mode="power", accounts=1500, shift_start="08:00", shift_h=9, timezone="America/New_York",
        start_date="2026-03-24", open_windows=False, dialer={"lines_per_agent": 4},
        portfolio={"timezones": {"America/New_York": 0.7, "Europe/London": 0.3},
                   "regions": {"America/New_York": "US-NY", "Europe/London": "GB"}},
        compliance={"presets": ["reg_f"], "by_country": {"US": ["reg_f"], "GB": ["uk"]}})


CAP_SEEDS = (1, 2, 3)


def test_the_two_second_rule_holds_the_uk_debtors_only() -> None:
    """Ofcom's 2 s count from the end of the greeting for the UK debtors; the US ones may wait 2 s after AMD's verdict.

    The drop cap is loosened on purpose (and named so) for answers to wait for an agent at all. A dialer
    that gave the UK debtors the others' wait is caught by both checks, in the UK pack.
    """
    scenario = outbound_scenario(
        agents=10, days=1, mode="power", accounts=1500, shift_start="08:00", shift_h=9, timezone="America/New_York",
        start_date="2026-03-24", open_windows=False, dialer={"lines_per_agent": 3}, amd=AMD_FAST,
        portfolio={"timezones": {"America/New_York": 0.5, "Europe/London": 0.5},
                   "regions": {"America/New_York": "US-NY", "Europe/London": "GB"}},
        compliance={"presets": ["reg_f"], "by_country": {"US": ["reg_f"], "GB": ["uk"]}, "drop_cap": 0.5,
                    "loosen": True})
    ob, verdict = judged(scenario)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    log = ob.log
    pack = np.array(account_packs(scenario, SEED), dtype=object)[log.account]
    talked = np.isfinite(log.connect) & np.isfinite(log.pickup)
    silence = log.connect - log.pickup
    assert np.max(silence[talked & (pack == "GB")]) <= 2.0 + 1e-9 < np.max(silence[talked & (pack == "US")])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Outbound, "connect_wait_after_amd", lambda self, pack="": self.dialer.connect_wait_s)
        ob, verdict = judged(scenario)
    assert verdict.violations["silence"] > 0
    assert ob.packs.violations[2, RULES.index("silence")] == verdict.violations["silence"]  # all in the GB pack


@pytest.mark.parametrize("seed", CAP_SEEDS)
def test_each_pack_keeps_its_own_drop_cap(seed) -> None:
    scenario = london_and_new_york()
    ob, verdict = judged(scenario, seed)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    rates = pack_drop_rates(scenario, seed, ob.log)
    cap = 0.03
    for name in ("US", "GB"):
        for dropped, live in rates[name]:
            assert dropped <= cap * live, (name, rates)
    assert min(live for _, live in rates["GB"][:2]) >= 100  # every UK 24-hour window that counts had answers
    assert sum(d for d, _ in rates["GB"]) > 0  # the UK window was used, not left empty
    assert np.all(ob.packs.drop_windows_over_cap == 0)
    assert ob.packs.blocked[:, RULES.index("drop_cap")].sum() > 0  # the guard did hold lines back


def test_a_guard_on_the_whole_campaign_breaks_the_uk_cap(monkeypatch) -> None:
    """The US debtors' 30-day credit does not cover the UK's 24 hours: one guard for the campaign breaks Ofcom's cap."""
    monkeypatch.setattr(pacing, "PackDropGuard", lambda spec, counters, pack: DropGuard(spec, counters))
    scenario = london_and_new_york()
    broken = 0
    for seed in CAP_SEEDS:
        result = run(scenario, seed, record_calls=True)
        rates = pack_drop_rates(scenario, seed, result.outbound.log)["GB"]
        over = sum(dropped > 0.03 * live for dropped, live in rates)
        assert result.outbound.packs.drop_windows_over_cap[2] == over  # the run's own count of GB's windows agrees
        broken += over > 0
    assert broken >= 2, broken


# -- scenario input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"compliance": {"by_country": {"XX": ["uk"]}}},
     r"outbound.compliance.by_country: 'XX': 'XX' is not a country the holidays package knows"),
    ({"compliance": {"by_country": {"US-ZZ": ["reg_f"]}}}, r"'ZZ' is not a subdivision of US"),
    ({"compliance": {"by_country": {"US": ["regf"]}}},
     r"outbound.compliance.by_country.US\[0\]: 'regf' is not allowed; use 'reg_f', 'italy', 'colombia' or 'uk'"),
    ({"compliance": {"by_country": {"US": []}}}, r"US: no presets given; list the presets in force there"),
    ({"compliance": {"by_country": {"UK": ["uk"], "GB": ["uk"]}}}, r"'UK' and 'GB' are the same jurisdiction \(GB\)"),
    ({"portfolio": {"timezones": {"America/New_York": 1.0}, "regions": {"America/Denver": "US-CO"}}},
     r"regions names America/Denver, which is not one of the portfolio's time zones \(America/New_York\)"),
    ({"portfolio": {"timezones": {"America/New_York": 1.0}, "regions": {"America/New_York": "XX"}}},
     r"outbound.portfolio.regions: 'XX': 'XX' is not a country"),
    ({"compliance": {"presets": ["reg_f"], "by_country": {"GB": ["uk"]}}, "dialer": {"connect_wait_s": 5}},
     r"connect_wait_s = 5 s is longer than the 2-second rule of uk \(GB debtors\)"),
    ({"compliance": {"presets": ["reg_f"], "by_country": {"GB": ["uk"]}, "drop_window_days": 30}},
     r"GB: drop_window_days = 30 is looser than the presets' 1 \(uk\)"),
])
def test_bad_packs_are_named_with_their_fix(changes, message) -> None:
    with pytest.raises(ScenarioError, match=message):
        outbound_scenario(open_windows=False, **changes)


def test_custom_keys_tighten_every_pack_and_loosening_is_named_per_pack() -> None:
    tight = Compliance(presets=["reg_f"], by_country={"IT": ["italy"], "GB": ["uk"]}, max_attempts_day=2)
    assert [p.rules.max_attempts_day for p in tight.packs()] == [2, 2, 2]
    assert tight.rules("GB").no_redial_after_drop_h == 72 and tight.rules("IT").no_holidays
    loose = Compliance(presets=["reg_f"], by_country={"IT": ["italy"], "GB": ["uk"]}, max_attempts_day=6,
                       drop_window_days=30, loosen=True)
    assert [r.rule for r in loose.loosened()] == ["IT: max_attempts_day", "GB: drop_window_days"]
    assert loose.loosened("IT") == (("max_attempts_day", "4 (italy)", "6"),)
    assert loose.rule_sources("GB")["drop_cap"].startswith("custom key, looser")
    assert loose.rule_sources("IT")["max_attempts_day"].startswith("custom key, looser")
    assert loose.rule_sources("")["max_attempts_7d"] == LEGAL_SOURCES["reg_f"]["max_attempts_7d"]


def test_warnings_name_jurisdictions_without_a_pack_and_packs_without_debtors() -> None:
    scenario = mixed(portfolio={"timezones": {"America/New_York": 0.5, "Europe/Paris": 0.5},
                                "regions": {"America/New_York": "US-NY", "Europe/Paris": "FR"}})
    text = " ".join(scenario.outbound.warnings())
    assert "by_country lists GB, IT, CO, but no account of the portfolio is of that jurisdiction" in text
    assert "debtors of FR take the default pack" in text
    assert mixed().outbound.warnings() == []


def test_old_scenarios_keep_their_single_pack() -> None:
    compliance = Compliance(presets=["italy"])
    (pack,) = compliance.packs()
    assert pack.name == "" and pack.rules == compliance.rules() and compliance.pack_index("GB") == 0


# -- the shipped example, the report, the CLI and the GUI -----------------------------------------------------


def test_the_shipped_example_runs_lawfully_in_every_pack() -> None:
    scenario = load_scenario(SCENARIOS / "mixed_jurisdictions.toml")
    compliance = scenario.outbound.compliance
    assert [p.name for p in compliance.packs()] == list(PACKS)
    assert all(w is not None and w.end - w.start < 86_400 for p in compliance.packs()
               for w in p.rules.windows.values() if w is not None)  # real windows, not 00:00-24:00
    assert scenario.outbound.warnings() == []
    assert parse_scenario(scenario_to_toml(scenario)) == scenario  # by_country and regions are saved as given
    ob, verdict = judged(scenario, 1)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    assert np.all(ob.packs.attempts[1:] >= MIN_ATTEMPTS) and np.all(ob.packs.drop_windows_over_cap == 0)


def test_the_compliance_sheet_has_a_table_per_jurisdiction(tmp_path) -> None:
    scenario = mixed()
    summary = replicate(scenario, RunPlan(2, SEED))
    ws = load_workbook(write_report(tmp_path / "packs.xlsx", [summary], [scenario]))["Compliance"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "Jurisdiction" and r[1] == "Presets")
    headers = rows[head]
    table = {r[0]: dict(zip(headers, r, strict=True)) for r in rows[head + 1:head + 5]}
    assert list(table) == ["US", "GB", "IT", "CO"]  # the default pack has no account here
    for i, name in enumerate(PACKS[1:], start=1):
        runs = [r.outbound.packs for r in summary.runs]
        assert table[name]["Attempts (mean)"] == pytest.approx(np.mean([p.attempts[i] for p in runs]))
        assert table[name]["Blocked (mean)"] == pytest.approx(np.mean([p.blocked[i].sum() for p in runs]))
        assert table[name]["Cap"] == 0.03 and table[name]["Status"] == "0 — OK"
    assert table["GB"]["Window (days)"] == 1 and table["US"]["Window (days)"] == 30
    rules_head = next(i for i, r in enumerate(rows) if r[0] == "Jurisdiction" and r[1] == "Rule")
    cited = {(r[0], r[1]): r[3] for r in rows[rules_head + 1:] if r[0] in table}
    assert cited["US", "Attempts per account in 7 days (Reg F §1006.14(b)(2)(i))"].startswith("Reg F 12 CFR 1006.14")
    assert cited["GB", "Drop-rate cap (dialer paced down)"].startswith("Ofcom")
    assert cited["CO", "Calling window (local time)"].startswith("Colombia Ley 2300")
    assert ("IT", "Attempts per 7 days") not in cited and ("US", "Attempts per account per day") not in cited


def test_validate_lists_the_packs_and_the_loosened_rules_per_pack(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["validate", str(SCENARIOS / "mixed_jurisdictions.toml")]) == EXIT_OK
    out = capsys.readouterr().out
    assert "rule packs by debtor jurisdiction: default: reg_f, italy, colombia, uk; US: reg_f; GB: uk" in out
    text = (SCENARIOS / "mixed_jurisdictions.toml").read_text().replace(
        "min_gap_min = 60 ", "loosen = true\ndrop_window_days = 30\nmin_gap_min = 60 ")
    path = tmp_path / "loose.toml"
    path.write_text(text)
    assert main(["validate", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "GB: drop_window_days = 30, the presets say 1 (uk)" in out


def test_the_compliance_editor_edits_the_packs(qtbot, tmp_path) -> None:
    from test_gui_campaign import open_window, tab_of
    from wfm.gui.sections_outbound import DialerTab

    window = open_window(qtbot, tmp_path, load_scenario(SCENARIOS / "mixed_jurisdictions.toml"))
    try:
        editor = window.editor
        box = editor.field(("outbound", "compliance", "by_country"))
        assert box.text() == "US = reg_f, GB = uk, IT = italy, CO = colombia"
        assert "<b>GB</b> (uk): drop rate ≤ 3.0% over 1 day(s)" in tab_of(window, DialerTab).rules.text()
        box.setText("US = reg_f, GB = uk + reg_f")
        box.textEdited.emit(box.text())
        assert editor.scenario is not None, editor.problems
        assert editor.scenario.outbound.compliance.by_country == {"US": ("reg_f",), "GB": ("uk", "reg_f")}
        window_days = editor.field(("outbound", "compliance", "drop_window_days"))
        window_days.check.setChecked(True)
        window_days.spin.setValue(30)
        assert editor.scenario is None  # 30 days loosen uk's 24 hours: an error until loosen = true
        editor.set_value(("outbound", "compliance", "loosen"), True)
        assert editor.scenario is not None, editor.problems
        assert "GB: drop_window_days = 30 (presets: 1 (uk))" in tab_of(window, DialerTab).rules.text()
        box.setText("US = reg_f, XX = uk")
        box.textEdited.emit(box.text())
        assert editor.scenario is None and any("'XX' is not a country" in str(p) for p in editor.problems)
    finally:
        window.tasks.shutdown()


@pytest.mark.parametrize("seed", [1, 10, 11])
def test_small_packs_stay_under_their_caps_at_realistic_pick_up_rates(seed: int) -> None:
    """The shipped example with the calibrated pick-up rates: seeds where the guard once let a small US (3.06%)
    or UK (3.45%) pack over its cap, counting on agents due on a break and on fractions of a dropped call."""
    scenario = load_scenario(SCENARIOS / "mixed_jurisdictions.toml")
    ob, verdict = judged(scenario, seed)
    assert verdict.total == 0 and ob.violations.sum() == 0, verdict.examples
    caps = {p.name: p.rules.drop_cap for p in scenario.outbound.compliance.packs()}
    for name, windows in pack_drop_rates(scenario, seed, ob.log).items():  # the independent count from the log
        assert all(dropped <= caps[name] * live for dropped, live in windows), (name, windows)
    assert np.all(ob.packs.drop_windows_over_cap == 0), ob.packs.drop_rate_window
