"""Legal action as a step of the treatment paths (issue #13, item 4) and cost per euro by channel (#12/#13).

Runs are the shipped baseline with a few hundred accounts over two or three weeks (about a
second each). References are independent of the code under test: the portfolio rebuilt from
its own stream (balances and days past due), the test's own fee arithmetic for fixed durations
and recoveries, the attempt and visit logs against the hand-off days, the promises the dialer
saw broken, the beta and lognormal distributions from scipy, and the run's cost and money totals.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from test_field_visits import FIELD
from test_strategy import SEED, scenario
from wfm import kpi
from wfm.scenario import Scenario, Strategy
from wfm.scenario.io import parse_scenario, save_scenario, scenario_to_toml
from wfm.scenario.legal import MONTH_DAYS, CaseDuration, CaseRecovery, HandOffRule, LegalAction
from wfm.sim import run
from wfm.sim.collections.legal import case_days, case_fraction
from wfm.sim.collections.result import CAUSES
from wfm.sim.outbound.accounts import build_portfolio
from wfm.sim.result import RunResult
from wfm.sim.streams import make_streams

DAY = 86_400.0
LEGAL = CAUSES.index("legal")
# Fixed cases: 0.25 months = 7.61 days -> 8 days; 60.875 a month = 2.0 a day; 40% of the balance always.
FIXED = {"placement_fee": 30.0, "court_fee": 100.0, "court_share": 0.01, "lawyer_per_month": 2.0 * MONTH_DAYS,
         "contingency": 0.25, "duration": {"mean_months": 0.25, "cv": 0.0},
         "recovery": {"success_share": 1.0, "fraction_mean": 0.4, "fraction_cv": 0.0}}
SUE_FIRST = [{"kind": "legal"}, {"kind": "phone", "attempts": 2, "days": 3}]


def legal_scenario(legal: dict[str, Any], steps: list[dict[str, Any]] | None = None, *, accounts: int = 300,
                   days: int = 14, **strategy: Any) -> Scenario:
    paths = strategy.pop("paths", [{"name": "sue", "steps": steps or SUE_FIRST}])
    return scenario({"paths": paths, "legal": legal, **strategy}, accounts=accounts, horizon_days=days)


def portfolio(spec: Scenario) -> Any:
    """The run's portfolio, rebuilt from its own stream (replication 0)."""
    return build_portfolio(spec.outbound.portfolio, spec.calendar, make_streams(SEED, 0).accounts)


# --------------------------------------------------------------------------------------------
# Hand-computed cases
# --------------------------------------------------------------------------------------------


def test_fixed_cases_cost_and_pay_what_the_arithmetic_says() -> None:
    spec = legal_scenario({**FIXED, "rule": {"balance_min": 1500.0}})
    result = run(spec, SEED, record_calls=True)
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None and s.legal_log is not None and s.account_collected is not None
    balance = portfolio(spec).balance
    sued = np.flatnonzero(balance >= 1500.0)
    n = len(sued)
    assert 0 < n < len(balance)
    assert sorted(s.legal_log["account"].tolist()) == sued.tolist()
    assert s.legal_handed[0] == n and s.legal_handed.sum() == n
    assert case_days(spec.strategy.legal.duration, 0.5) == 8  # round(0.25 × 30.4375)
    paid = np.round(balance[sued] * 0.4, 2)
    expected_cost = np.zeros(14)
    expected_cost[0] = n * (30.0 + 100.0) + 0.01 * balance[sued].sum()
    expected_cost[:8] += n * 2.0
    expected_cost[8] += 0.25 * paid.sum()
    np.testing.assert_allclose(s.legal_cost, expected_cost, rtol=1e-12)
    money = np.zeros(14)
    money[8] = paid.sum()
    np.testing.assert_allclose(s.collected[LEGAL], money, rtol=1e-12)
    np.testing.assert_allclose(s.account_collected[sued], paid, rtol=0, atol=1e-9)
    assert s.legal_resolved[8] == s.legal_recovered[8] == n and s.legal_pending == 0
    assert result.costs.legal.sum() == pytest.approx(expected_cost.sum(), rel=1e-12)
    assert kpi.overall(result)["cost_legal"] == pytest.approx(expected_cost.sum(), rel=1e-12)
    assert out.log is not None and not np.isin(out.log.account, sued).any()  # handed over on day 0: never dialed


def test_cases_ending_past_the_horizon_stay_pending_and_cost_only_their_days_in_the_run() -> None:
    spec = legal_scenario({**FIXED, "duration": {"mean_months": 2.0, "cv": 0.0}, "rule": {"balance_min": 1500.0}})
    result = run(spec, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.legal_log is not None
    balance = portfolio(spec).balance
    n = int((balance >= 1500.0).sum())
    assert s.legal_pending == n and s.legal_resolved.sum() == 0 and s.collected[LEGAL].sum() == 0
    assert np.all(np.isnan(s.legal_log["recovered"])) and np.all(s.legal_log["end_day"] == 61)  # 2 × 30.4375
    expected = n * (130.0 + 2.0 * 14) + 0.01 * balance[balance >= 1500.0].sum()
    assert s.legal_cost.sum() == pytest.approx(expected, rel=1e-12)
    assert s.legal_log["cost"].sum() == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Conservation and the queues
# --------------------------------------------------------------------------------------------

MIXED = {"rule": {"balance_min": 300.0}, "duration": {"mean_months": 0.2, "cv": 1.0},
         "recovery": {"success_share": 0.5, "fraction_mean": 0.5, "fraction_cv": 0.5}}
MIXED_STEPS = [{"kind": "phone", "attempts": 2, "days": 2}, {"kind": "visit"},
               {"kind": "phone", "attempts": 2, "days": 2}, {"kind": "legal"},
               {"kind": "phone", "attempts": 4, "days": 10}]


@pytest.fixture(scope="module")
def mixed() -> tuple[Scenario, RunResult]:
    """Phone, a visit, phone, then legal; random durations and recoveries; recorded."""
    spec = legal_scenario(MIXED, MIXED_STEPS, accounts=600, days=21, field=FIELD)
    return spec, run(spec, SEED, record_calls=True)


def test_legal_accounts_are_never_dialed_or_visited_after_the_hand_off(mixed: tuple[Scenario, RunResult]) -> None:
    _, result = mixed
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None and out.log is not None
    assert s.legal_log is not None and s.field_log is not None
    assert len(s.legal_log) > 50 and len(s.field_log) > 50
    handed = dict(zip(s.legal_log["account"].tolist(), (s.legal_log["handed_day"] * DAY).tolist(), strict=True))
    dialed = [(a, t) for a, t in zip(out.log.account.tolist(), out.log.time.tolist(), strict=True) if a in handed]
    visited = [(int(r["account"]), float(r["start_s"])) for r in s.field_log if int(r["account"]) in handed]
    assert dialed and visited  # they were dialed and visited before
    assert all(t < handed[a] for a, t in dialed)
    assert all(t < handed[a] for a, t in visited)


def test_money_never_exceeds_the_balance_and_is_traced_to_the_cases(mixed: tuple[Scenario, RunResult]) -> None:
    spec, result = mixed
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None and s.legal_log is not None and s.account_collected is not None
    placed = portfolio(spec).balance
    log = s.legal_log
    assert np.all(s.account_collected <= placed + 1e-6)
    assert s.account_collected.sum() == pytest.approx(out.amount_collected.sum())
    assert np.all(log["balance"] <= placed[log["account"]] + 1e-9)
    ended = ~np.isnan(log["recovered"])
    assert ended.sum() == s.legal_resolved.sum() > 0 and (~ended).sum() == s.legal_pending > 0
    assert np.all(log["end_day"][ended] < 21) and np.all(log["end_day"][~ended] >= 21)
    np.testing.assert_allclose(log["recovered"][ended], np.round(log["balance"][ended] * log["fraction"][ended], 2))
    assert np.all(log["recovered"][ended] <= log["balance"][ended])
    assert (log["recovered"][ended] > 0).sum() == s.legal_recovered.sum() > 0
    assert log["recovered"][ended].sum() == pytest.approx(s.collected[LEGAL].sum())
    assert log["cost"].sum() == pytest.approx(s.legal_cost.sum()) == pytest.approx(s.path_legal_cost.sum())
    assert s.path_collected.sum() == pytest.approx(out.amount_collected.sum())


# --------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------


def test_the_rule_hands_over_exactly_the_accounts_meeting_balance_and_days_past_due() -> None:
    spec = legal_scenario({**FIXED, "rule": {"balance_min": 800.0, "days_past_due_min": 400}})
    s = run(spec, SEED, record_calls=True).strategy
    assert s is not None and s.legal_log is not None
    pf = portfolio(spec)
    expected = np.flatnonzero((pf.balance >= 800.0) & (pf.dpd >= 400))
    assert 0 < len(expected) < 300
    assert sorted(s.legal_log["account"].tolist()) == expected.tolist()


@pytest.mark.parametrize(("minimum", "all_broken"), [(1, True), (2, False)])
def test_a_broken_promise_rule_hands_over_after_the_first_broken_promise(minimum: int, all_broken: bool) -> None:
    paths = [{"name": "call", "steps": [{"kind": "phone", "attempts": 6, "days": 21}], "after_broken_promise": "sue"},
             {"name": "sue", "steps": [{"kind": "legal"}], "balance_max": 1.0}]  # "sue" takes nobody at placement
    spec = legal_scenario({**FIXED, "rule": {"broken_promises_min": minimum}}, paths=paths, accounts=800, days=21)
    result = run(spec, SEED)
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None
    broken = int(out.promises_broken.sum())
    assert broken > 5
    assert s.legal_handed.sum() == (broken if all_broken else 0)


def test_the_rule_and_the_desk_agree_on_the_edges() -> None:
    rule = HandOffRule(balance_min=100.0, days_past_due_min=90, broken_promises_min=1)
    assert rule.met(100.0, 90, 1)
    assert not rule.met(99.99, 90, 1) and not rule.met(100.0, 89, 1) and not rule.met(100.0, 90, 0)
    assert HandOffRule().met(0.0, 0, 0)


# --------------------------------------------------------------------------------------------
# Distributions and validation
# --------------------------------------------------------------------------------------------


def test_durations_and_recoveries_follow_the_stated_distributions() -> None:
    rng = np.random.default_rng(SEED)
    n = 20_000
    duration = CaseDuration(mean_months=10.0, cv=0.5)
    days = np.array([case_days(duration, u) for u in rng.random(n)])
    sigma = math.sqrt(math.log1p(0.25))
    mean_days = 10.0 * MONTH_DAYS
    assert abs(days.mean() - mean_days) < 4 * 0.5 * mean_days / math.sqrt(n) + 0.5  # 4 SE plus the rounding
    assert stats.kstest(np.log(days), "norm", args=(math.log(10.0 * MONTH_DAYS) - sigma**2 / 2, sigma)).pvalue > 1e-3
    recovery = CaseRecovery(success_share=0.3, fraction_mean=0.6, fraction_cv=0.4)
    fractions = np.array([case_fraction(recovery, u, v) for u, v in rng.random((n, 2))])
    won = fractions[fractions > 0]
    assert abs(len(won) / n - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    total = 0.6 * 0.4 / (0.4 * 0.6) ** 2 - 1
    assert stats.kstest(won, "beta", args=(0.6 * total, 0.4 * total)).pvalue > 1e-3
    assert case_fraction(CaseRecovery(success_share=1.0, fraction_mean=0.3, fraction_cv=0.0), 0.99, 0.01) == 0.3
    assert case_days(CaseDuration(mean_months=0.01, cv=0.0), 0.5) == 1  # at least a day


@pytest.mark.parametrize(("data", "message"), [
    ({"paths": [{"name": "p", "steps": [{"kind": "legal"}]}]}, r"legal step but there is no legal hand-off; add"),
    ({"paths": [{"name": "p", "steps": [{"kind": "legal", "days": 3}]}], "legal": {}},
     r"a legal step takes no days or attempts"),
    ({"legal": {"recovery": {"fraction_mean": 0.9, "fraction_cv": 0.5}}},
     r"fraction_cv = 0.5 is too wide for fraction_mean = 0.9.*below 0\.333"),
    ({"legal": {"contingency": 1.5}}, r"legal\.contingency"),
    ({"legal": {"rule": {"days_past_due_min": -1}}}, r"legal\.rule\.days_past_due_min"),
    ({"legal": {"duration": {"mean_months": 0}}}, r"legal\.duration\.mean_months"),
    ({"legal": {"court_fees": 10}}, r"legal\.court_fees"),
])
def test_bad_legal_settings_are_refused_naming_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Strategy.model_validate(data)


def test_a_scenario_with_legal_action_survives_a_round_trip_through_toml() -> None:
    spec = legal_scenario({**MIXED, "court_share": 0.02})
    back = parse_scenario(scenario_to_toml(spec))
    assert back.strategy.legal == spec.strategy.legal == LegalAction.model_validate({**MIXED, "court_share": 0.02})
    assert back.strategy.paths == spec.strategy.paths


def test_a_strategy_without_legal_action_has_no_legal_cost() -> None:
    result = run(scenario({"paths": [{"name": "p", "steps": SUE_FIRST[1:]}]}, accounts=300, horizon_days=7), SEED)
    s = result.strategy
    assert s is not None and len(s.legal_cost) == 0 and s.legal_pending == 0
    assert kpi.overall(result)["cost_legal"] == 0.0 and s.collected[LEGAL].sum() == 0


# --------------------------------------------------------------------------------------------
# Cost per euro by channel and by path
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def economics_summary() -> tuple[Scenario, Any]:
    from wfm.experiment import RunPlan, replicate

    strategy = {"self_cure_monthly": {"early": 0.05}}
    paths = [{"name": "sms_then_visit", "steps": [{"kind": "sms"}, *MIXED_STEPS]},
             {"name": "call_only", "steps": [{"kind": "phone", "attempts": 4, "days": 14}], "segments": ["early"]}]
    paths.reverse()
    spec = legal_scenario(MIXED, paths=paths, accounts=500, days=14, field=FIELD, **strategy)
    return spec, replicate(spec, RunPlan(2, SEED))


def test_the_channel_table_adds_up_to_the_runs_cost_and_money(economics_summary: tuple[Scenario, Any]) -> None:
    from wfm.views.channel_economics import ECONOMICS_CHANNELS, ECONOMICS_LABELS, channel_economics

    spec, summary = economics_summary
    econ = channel_economics(summary, spec.costs)
    assert econ is not None
    ch = econ.channels
    rows = {str(label): i for i, label in enumerate(ch["channel"])}
    k = summary.kpis
    total = rows[ECONOMICS_LABELS["total"]]
    channels = [rows[ECONOMICS_LABELS[c]] for c in ECONOMICS_CHANNELS]
    assert ch["cost"][total] == pytest.approx(k["cost_total"].mean, rel=1e-9)
    assert ch["cost"][channels].sum() == pytest.approx(k["cost_total"].mean, rel=1e-9)
    assert ch["collected"][total] == pytest.approx(k["amount_collected"].mean, rel=1e-9)
    assert ch["collected"][channels].sum() == pytest.approx(k["amount_collected"].mean, rel=1e-9)
    for channel, key in (("digital", "cost_messages"), ("field", "cost_field"), ("legal", "cost_legal")):
        assert ch["cost"][rows[ECONOMICS_LABELS[channel]]] == pytest.approx(k[key].mean, rel=1e-9)
        assert ch["cost"][rows[ECONOMICS_LABELS[channel]]] > 0
    assert ch["collected"][rows[ECONOMICS_LABELS["legal"]]] > 0
    phone, inbound = rows[ECONOMICS_LABELS["phone"]], rows[ECONOMICS_LABELS["inbound"]]
    assert ch["cost"][phone] > 0 and ch["cost"][inbound] > 0
    cost, money = _per_run(summary, spec, "phone")
    assert ch["cost"][phone] == pytest.approx(np.mean(cost)) and ch["collected"][phone] == pytest.approx(np.mean(money))
    from wfm.views.channel_economics import _channel_rows

    with np.errstate(divide="ignore", invalid="ignore"):
        per_run = [dict(zip(t["channel"], t["cost"] / t["collected"], strict=True))
                   for t in (_channel_rows(r, spec.costs) for r in summary.runs)]
    for i, label in enumerate(ch["channel"]):  # each run's ratio averaged, as every KPI
        ratios = [run[label] for run in per_run if np.isfinite(run[label])]
        shown = ch["cost_per_euro"][i]
        assert shown == pytest.approx(np.mean(ratios)) if ratios else math.isnan(shown)
    assert ch["cost_per_euro"][total] == pytest.approx(k["cost_to_collect"].mean, rel=1e-9)
    p = econ.paths
    assert list(p["path"]) == ["call_only", "sms_then_visit"]
    assert p["cost"].sum() == pytest.approx(ch["cost"][total] - ch["cost"][inbound], rel=1e-9)
    assert p["phone_cost"].sum() == pytest.approx(ch["cost"][phone], rel=1e-9)
    assert p["field_cost"][0] == 0 and p["legal_cost"][0] == 0  # the call-only path has no visits, no legal step
    assert p["collected"].sum() == pytest.approx(k["amount_collected"].mean, rel=1e-9)


def _per_run(summary: Any, spec: Scenario, channel: str) -> tuple[list[float], list[float]]:
    from wfm.views.channel_economics import _channel_rows

    rows = [_channel_rows(r, spec.costs) for r in summary.runs]
    i = ("phone", "inbound", "digital", "field", "legal", "self_cure").index(channel)
    return [float(r["cost"][i]) for r in rows], [float(r["collected"][i]) for r in rows]


def test_without_inbound_calls_the_inbound_line_costs_its_own_groups_labour() -> None:
    from wfm.experiment import RunPlan, replicate
    from wfm.views.channel_economics import ECONOMICS_LABELS, channel_economics

    data = {"paths": [{"name": "p", "steps": SUE_FIRST}], "legal": {**FIXED, "rule": {"balance_min": 1500.0}}}
    spec = scenario(data, accounts=300, inbound=False, horizon_days=7)
    summary = replicate(spec, RunPlan(1, SEED))
    econ = channel_economics(summary, spec.costs)
    assert econ is not None
    wf, costs = summary.runs[0].workforce, spec.costs
    own = sum(wf.paid_s[:, g].sum() * costs.wage_of(name) / 3600
              + (wf.present[:, g].sum() + wf.training[:, g].sum()) * costs.overhead_per_seat_day
              + wf.hires[:, g].sum() * costs.cost_per_hire
              for g, (name, kind) in enumerate(zip(wf.group_names, wf.group_kinds, strict=True)) if kind == "inbound")
    assert "inbound" in wf.group_kinds and "blended" in wf.group_kinds
    row = list(econ.channels["channel"]).index(ECONOMICS_LABELS["inbound"])
    assert econ.channels["cost"][row] == pytest.approx(own, rel=1e-9)


def test_the_strategy_sheet_and_the_cli_show_legal_action_and_the_channel_table(
        economics_summary: tuple[Scenario, Any], tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    from openpyxl import load_workbook

    from wfm.cli import EXIT_OK, main
    from wfm.report.excel import build_workbook
    from wfm.views.channel_economics import ECONOMICS_LABELS, channel_economics
    from wfm.views.strategy import LEGAL_LABELS, strategy_view

    spec, summary = economics_summary
    view = strategy_view(summary)
    econ = channel_economics(summary, spec.costs)
    assert view is not None and view.legal and econ is not None
    assert view.legal["cost"] == pytest.approx(summary.kpis["cost_legal"].mean)
    assert view.legal["handed"] == pytest.approx(view.legal["resolved"] + view.legal["pending"])
    path = tmp_path / "legal.xlsx"
    build_workbook([summary], [spec]).save(path)
    ws = load_workbook(path)["Strategy"]
    cells = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    assert ws.cell(row=cells[LEGAL_LABELS["pending"]].row, column=2).value == pytest.approx(view.legal["pending"])
    legal_row = cells[ECONOMICS_LABELS["legal"]].row
    i = list(econ.channels["channel"]).index(ECONOMICS_LABELS["legal"])
    assert ws.cell(row=legal_row, column=2).value == pytest.approx(econ.channels["cost"][i])
    assert ws.cell(row=legal_row, column=4).value == pytest.approx(econ.channels["cost_per_euro"][i])
    assert ws.cell(row=cells["sms_then_visit"].row, column=13).value == pytest.approx(econ.paths["cost"][1])
    assert len(ws._charts) == 5  # recovery by path, visits by outcome, cost per euro by channel, liquidation, messages

    monkeypatch.setenv("COLUMNS", "250")
    file = save_scenario(spec, tmp_path / "legal.toml")
    assert main(["run", str(file), "--reps", "2", "--seed", str(SEED), "--backend", "serial"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Cost per euro collected by channel" in out
    line = next(x for x in out.splitlines() if x.startswith(f"│ {ECONOMICS_LABELS['legal']} "))
    cells_out = [c.strip() for c in line.strip("│").split("│")]
    assert cells_out[1] == kpi.format_money(econ.channels["cost"][i], "EUR")


def test_the_strategy_tab_shows_the_channel_table_and_legal_action(qtbot,
                                                                   economics_summary: tuple[Scenario, Any]) -> None:
    """The GUI's tables hold the views' numbers: cost per euro by channel, and the legal cases."""
    from wfm.gui.analysis import Outcome
    from wfm.gui.dashboards_strategy import StrategyDashboard
    from wfm.gui.formatting import format_money
    from wfm.views.strategy import LEGAL_LABELS

    spec, summary = economics_summary
    outcome = Outcome.analyse("legal", spec, summary)
    econ, view = outcome.economics, outcome.strategy
    assert econ is not None and view is not None and view.legal
    dashboard = StrategyDashboard()
    qtbot.addWidget(dashboard)
    dashboard.show()
    dashboard.show_outcome(outcome)
    assert dashboard.tables["economics"].isVisible() and dashboard.tables["legal"].isVisible()
    shown = {dashboard.cell("economics", r, 0): r for r in range(dashboard.tables["economics"].rowCount())}
    ch = econ.channels
    for i, label in enumerate(ch["channel"]):
        if ch["cost"][i] or ch["collected"][i]:
            r = shown.pop(str(label))
            assert dashboard.cell("economics", r, 1) == format_money(float(ch["cost"][i]), outcome.currency)
            assert dashboard.cell("economics", r, 2) == format_money(float(ch["collected"][i]), outcome.currency)
    assert not shown  # no row the view does not have
    legal_rows = {dashboard.cell("legal", r, 0): r for r in range(dashboard.tables["legal"].rowCount())}
    r = legal_rows[LEGAL_LABELS["cost"]]
    assert dashboard.cell("legal", r, 1) == format_money(view.legal["cost"], outcome.currency)
    assert dashboard.cell("legal", legal_rows[LEGAL_LABELS["handed"]], 1) == f"{view.legal['handed']:,.1f}"
