"""The collection strategy (issue #12): score, hidden type, paths, messages, identified debtor calls.

Runs use the shipped baseline with a small portfolio (a few thousand accounts, a working week):
a run takes about a second. References are independent of the code under test: the binormal
AUC formula, binomial shares, the money placed, and the same run without a strategy (common
random numbers: a disabled strategy changes nothing, and the arrivals are the same with one).
"""

from __future__ import annotations

import math
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy import stats

from wfm.scenario import Scenario, Strategy
from wfm.scenario.io import ScenarioError, default_scenario_text, scenario_from_mapping
from wfm.sim import run
from wfm.sim.collections.behaviour import draw_behaviour, lift_factors, separation
from wfm.sim.result import RunResult

SEED = 20260105
SMS_FIRST = [{"kind": "sms"}, {"kind": "wait", "days": 1}, {"kind": "phone", "attempts": 3, "days": 3},
             {"kind": "letter"}]
CALL_FIRST = [{"kind": "phone", "attempts": 3, "days": 2}, {"kind": "sms"}, {"kind": "wait", "days": 2}]


def scenario(strategy: dict[str, Any] | None, *, accounts: int = 3000, inbound: bool = True,
             **calendar: Any) -> Scenario:
    data = tomllib.loads(default_scenario_text())
    data["outbound"]["portfolio"]["accounts"] = accounts
    data["inbound"]["enabled"] = inbound
    data["calendar"].update(calendar)
    if strategy is not None:
        data["strategy"] = {"enabled": True, **strategy}
    return scenario_from_mapping(data, "<strategy test>")


def champion_challenger(share: float = 0.4, **extra: Any) -> dict[str, Any]:
    return {"paths": [{"name": "sms_first", "steps": SMS_FIRST}, {"name": "call_first", "steps": CALL_FIRST}],
            "champion": "sms_first", "challenger": "call_first", "challenger_share": share, **extra}


@pytest.fixture(scope="module")
def both() -> tuple[RunResult, RunResult]:
    """The same week with a champion/challenger strategy and without any (recorded)."""
    with_strategy = run(scenario(champion_challenger(self_cure_monthly={"early": 0.05})), SEED, record_calls=True)
    without = run(scenario(None), SEED, record_calls=True)
    return with_strategy, without


# --------------------------------------------------------------------------------------------
# Score and hidden type
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("auc", [0.6, 0.8])
def test_the_score_separates_payers_with_the_asked_auc(auc: float) -> None:
    n = 40_000
    spec = Strategy(score_auc=auc, default_payer_share=0.3)
    segment = np.zeros(n, dtype=np.int64)
    b = draw_behaviour(spec, ["all"], segment, np.random.default_rng(SEED))
    payers, others = b.score[b.payer], b.score[~b.payer]
    u = stats.mannwhitneyu(payers, others).statistic
    empirical = u / (len(payers) * len(others))
    # Hanley & McNeil (1982) standard error of an AUC estimate
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    n1, n0 = len(payers), len(others)
    se = math.sqrt((auc * (1 - auc) + (n1 - 1) * (q1 - auc * auc) + (n0 - 1) * (q2 - auc * auc)) / (n1 * n0))
    assert abs(empirical - auc) < 4 * se
    assert abs(b.payer.mean() - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    assert stats.norm.cdf(separation(auc) / math.sqrt(2)) == pytest.approx(auc)
    assert b.percentile.min() > 0 and b.percentile.max() < 1


def test_the_hidden_type_keeps_each_segments_average_chances() -> None:
    for share, lift in [(0.4, 3.0), (0.1, 8.0), (0.9, 1.5)]:
        r0, r1 = lift_factors(share, lift)
        assert share * r1 + (1 - share) * r0 == pytest.approx(1.0) and r1 == pytest.approx(lift * r0)
    n = 60_000
    spec = Strategy(payer_share={"a": 0.2, "b": 0.6}, payer_lift=4.0)
    segment = np.repeat([0, 1], n // 2)
    b = draw_behaviour(spec, ["a", "b"], segment, np.random.default_rng(SEED))
    for k in (0, 1):
        lift = b.lift[segment == k]
        assert abs(lift.mean() - 1.0) < 4 * lift.std() / math.sqrt(len(lift))


# --------------------------------------------------------------------------------------------
# A run with a strategy
# --------------------------------------------------------------------------------------------


def test_a_disabled_strategy_changes_nothing() -> None:
    data = tomllib.loads(default_scenario_text())
    data["outbound"]["portfolio"]["accounts"] = 800
    plain = scenario_from_mapping(data, "<plain>")
    data["strategy"] = {"enabled": False, **champion_challenger()}
    off = scenario_from_mapping(data, "<off>")
    assert plain.content_hash() == off.content_hash()
    a, b = run(plain, SEED), run(off, SEED)
    assert b.strategy is None
    assert a.outbound is not None and b.outbound is not None
    np.testing.assert_array_equal(a.outbound.outcomes, b.outbound.outcomes)
    np.testing.assert_array_equal(a.costs.total, b.costs.total)


def test_every_euro_is_traced_to_an_account_and_never_exceeds_its_balance(both: tuple[RunResult, RunResult]) -> None:
    result, _ = both
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None
    assert s.untreated == 0
    assert s.path_collected.sum() == pytest.approx(out.amount_collected.sum())
    assert np.all(s.path_collected <= s.path_balance)
    assert s.arm_collected.sum() == pytest.approx(s.path_collected.sum())
    assert np.all(s.collected >= 0) and s.collected.sum() <= out.amount_collected.sum() + 1e-6
    assert s.collected[1].sum() > 0  # self-cure in the early segment
    # Per account too (the run recorded): nobody pays more than they owed at placement.
    from wfm.sim.outbound.accounts import build_portfolio
    from wfm.sim.streams import make_streams

    sc = scenario(champion_challenger(self_cure_monthly={"early": 0.05}))
    placed = build_portfolio(sc.outbound.portfolio, sc.calendar, make_streams(SEED, 0).accounts).balance
    assert s.account_collected is not None and len(s.account_collected) == len(placed)
    assert np.all(s.account_collected <= placed + 1e-6)
    assert s.account_collected.sum() == pytest.approx(out.amount_collected.sum())


def test_every_message_is_delivered_or_failed_and_responses_follow_delivery(both: tuple[RunResult, RunResult]) -> None:
    result, _ = both
    s = result.strategy
    assert s is not None and s.message_log is not None
    assert np.all(s.delivered <= s.sent) and np.all(s.responses.sum(axis=2) <= s.delivered)
    log = s.message_log
    for k in range(len(s.channel_names)):
        assert (log["channel"] == k).sum() == s.sent[k].sum()
        assert ((log["channel"] == k) & log["delivered"]).sum() == s.delivered[k].sum()
    assert s.sent[0].sum() > 0 and s.sent[2].sum() > 0  # SMS and letters
    assert s.message_cost.sum() == pytest.approx(result.costs.messages.sum())
    assert result.costs.total.sum() == pytest.approx(
        sum(getattr(result.costs, c).sum() for c in ("wages", "bonuses", "telephony", "dialer", "hiring",
                                                     "overhead", "messages")))


def test_the_dialer_calls_only_accounts_in_a_phone_phase_within_its_budget(both: tuple[RunResult, RunResult]) -> None:
    result, _ = both
    assert result.outbound is not None and result.outbound.log is not None and result.strategy is not None
    log = result.outbound.log
    day = (log.time // 86_400).astype(int)
    # SMS-first accounts wait a day before their phone phase: no dial on day 0.
    sms_log = result.strategy.message_log
    assert sms_log is not None
    sms_first = np.unique(sms_log["account"][(sms_log["channel"] == 0) & (sms_log["sent_s"] < 86_400)])
    assert not np.isin(log.account[day == 0], sms_first).any()
    # No account is dialed more than its phases allow: 3 in the one phone phase of either path.
    counts = np.bincount(log.account)
    assert counts.max() <= 3


def test_message_calls_join_the_inbound_queue_on_top_of_the_same_arrivals(both: tuple[RunResult, RunResult]) -> None:
    result, plain = both
    s = result.strategy
    assert s is not None and s.debtor_calls.sum() > 0
    first = result.inbound.offered.sum() - result.inbound.redials.sum()
    extra = first - (plain.inbound.offered.sum() - plain.inbound.redials.sum())
    assert extra == s.debtor_calls.sum()  # the ordinary first calls are the very same (own stream)
    i = result.inbound
    assert i.offered.sum() == i.answered.sum() + i.abandoned.sum() + result.in_queue_end
    assert 0 < s.debtor_calls_handled.sum() <= s.debtor_calls.sum()
    assert s.debtor_promises.sum() <= s.debtor_calls_handled.sum()


def test_the_challenger_share_is_drawn_per_account_and_the_same_whatever_the_paths() -> None:
    one = run(scenario(champion_challenger(0.3), accounts=2000), SEED).strategy
    strategy = champion_challenger(0.3)
    strategy["paths"][1]["steps"] = [{"kind": "email"}, {"kind": "phone", "attempts": 2, "days": 3}]
    other = run(scenario(strategy, accounts=2000), SEED).strategy
    assert one is not None and other is not None
    np.testing.assert_array_equal(one.arm_accounts, other.arm_accounts)
    np.testing.assert_allclose(one.arm_balance, other.arm_balance)
    n = one.arm_accounts.sum()
    assert abs(one.arm_accounts[1] / n - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)


def test_messages_go_out_in_the_debtors_window_on_days_their_rules_allow() -> None:
    """Italian debtors (no Sundays, no holidays) and New York debtors across the US fall-back (1 Nov 2026)."""
    data = tomllib.loads(default_scenario_text())
    data["calendar"].update(start_date="2026-10-29", horizon_days=7)
    data["outbound"]["portfolio"]["accounts"] = 600
    data["outbound"]["portfolio"]["timezones"] = {"Europe/Rome": 0.5, "America/New_York": 0.5}
    data["outbound"]["compliance"] = {"presets": ["italy"]}
    data["strategy"] = {"enabled": True, "paths": [{"name": "daily", "repeat": True,
                                                    "steps": [{"kind": "sms"}, {"kind": "wait", "days": 1}]}]}
    sc = scenario_from_mapping(data, "<window>")
    result = run(sc, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None and len(s.message_log) > 0
    center = ZoneInfo(sc.calendar.timezone)
    start = datetime(2026, 10, 29, tzinfo=center)
    window = sc.strategy.channels["sms"].window
    assert window is not None
    seen_days = set()
    for row in s.message_log:
        instant = _instant(start, float(row["sent_s"]))
        zone_of = _account_zone(result, sc, int(row["account"]))
        local = instant.astimezone(ZoneInfo(zone_of))
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        assert window.start <= seconds < window.start + 3600, (local, zone_of)
        assert local.weekday() != 6, local  # the Italian preset: never on Sunday
        assert local.date() != datetime(2026, 11, 1).date()
        seen_days.add(local.date())
    assert datetime(2026, 11, 2).date() in seen_days  # the Monday after the US change


def _instant(start: datetime, sim_s: float) -> datetime:
    """The real instant of simulation second `sim_s` (center wall-clock days from `start`)."""
    day, rest = divmod(sim_s, 86_400)
    wall = (start.replace(tzinfo=None) + timedelta(days=day)).replace(tzinfo=start.tzinfo)
    midnight = wall.astimezone(ZoneInfo("UTC"))
    return (midnight + timedelta(seconds=rest)).astimezone(start.tzinfo)


def _account_zone(result: RunResult, sc: Scenario, account: int) -> str:
    """The account's zone as the run drew it (the portfolio is drawn first from the accounts stream)."""
    from wfm.sim.outbound.accounts import build_portfolio
    from wfm.sim.streams import make_streams

    cache = _ZONES.setdefault(sc.content_hash(), {})
    if not cache:
        pf = build_portfolio(sc.outbound.portfolio, sc.calendar, make_streams(SEED, 0).accounts)
        cache.update({a: pf.tz_names[z] for a, z in enumerate(pf.tz.tolist())})
    return cache[account]


_ZONES: dict[str, dict[int, str]] = {}


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"challenger": "nope"}, "challenger = 'nope' names no path"),
    ({"champion": ""}, "give both champion and challenger"),
    ({"challenger_share": 1.0}, "challenger_share = 1"),
    ({"paths": [{"name": "p", "steps": [{"kind": "wait"}]}], "champion": "", "challenger": ""},
     "a wait step needs days"),
    ({"paths": [{"name": "p", "segments": ["vip"], "steps": [{"kind": "sms"}, {"kind": "wait", "days": 1}]}],
      "champion": "", "challenger": ""}, r"segment\(s\) \['vip'\]"),
    ({"paths": [{"name": "p", "score_band": [0.8, 0.2], "steps": [{"kind": "sms"}]}], "champion": "",
      "challenger": ""}, "score_band"),
])
def test_bad_strategies_name_the_field_and_the_fix(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario({**champion_challenger(), **change})


def test_a_strategy_needs_the_outbound_portfolio() -> None:
    data = tomllib.loads(default_scenario_text())
    data["outbound"]["enabled"] = False
    data["groups"] = [g for g in data["groups"] if g["kind"] != "outbound"]
    data["strategy"] = {"enabled": True, **champion_challenger()}
    with pytest.raises(ScenarioError, match="strategy.enabled needs outbound.enabled"):
        scenario_from_mapping(data, "<no outbound>")


def test_a_strategy_survives_a_save_and_load_and_old_files_are_written_as_before() -> None:
    from wfm.scenario.io import parse_scenario, scenario_to_toml

    sc = scenario(champion_challenger(self_cure_monthly={"early": 0.05},
                                      channels={"sms": {"cost": 0.07, "window": {"start": "10:00", "end": "19:30"}}}))
    text = scenario_to_toml(sc)
    again = parse_scenario(text)
    assert again == sc and again.strategy.channels["sms"].cost == 0.07
    assert again.strategy.channels["email"] == Strategy().channels["email"]
    assert "[strategy]" not in scenario_to_toml(scenario(None))


def test_the_strategy_sheet_shows_the_views_numbers(tmp_path: Any) -> None:
    from openpyxl import load_workbook

    from wfm.experiment import RunPlan, replicate
    from wfm.report.excel import build_workbook
    from wfm.views.strategy import strategy_view

    sc = scenario(champion_challenger(0.5), accounts=1500)
    summary = replicate(sc, RunPlan(3, SEED))
    view = strategy_view(summary)
    assert view is not None and view.challenger_gain is not None
    gains = [(s.arm_collected[1] / s.arm_balance[1]) - (s.arm_collected[0] / s.arm_balance[0])
             for s in (run.strategy for run in summary.runs) if s is not None]
    assert view.challenger_gain.mean == pytest.approx(np.mean(gains))
    assert summary.kpis["challenger_recovery_gain"].mean == pytest.approx(np.mean(gains))
    assert sum(view.causes.values()) == pytest.approx(summary.kpis["amount_collected"].mean)
    path = tmp_path / "strategy.xlsx"
    build_workbook([summary], [sc]).save(path)
    ws = load_workbook(path)["Strategy"]
    cells = {str(c.value): c for row in ws.iter_rows() for c in row if c.value is not None}
    sms = cells["SMS"]
    assert ws.cell(row=sms.row, column=2).value == pytest.approx(view.channels["sent"][0])
    assert ws.cell(row=cells["sms_first"].row, column=4).value == pytest.approx(view.paths["collected"][0])
    assert len(ws._charts) == 4  # recovery by path, cost per euro by channel, liquidation, messages per day
    assert summary.kpis["cost_messages"].mean == pytest.approx(view.channels["cost"].sum())


def test_the_shipped_omnichannel_scenario_compares_sms_first_with_call_first() -> None:
    from pathlib import Path

    from wfm.scenario.io import load_scenario

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "omnichannel.toml")
    assert sc.strategy.enabled and (sc.strategy.champion, sc.strategy.challenger) == ("sms_first", "call_first")
    short = sc.model_copy(update={"calendar": sc.calendar.model_copy(update={"horizon_days": 3})})
    s = run(short, SEED).strategy
    assert s is not None and s.arm_accounts.min() > 0 and s.sent[0].sum() > 0


# --------------------------------------------------------------------------------------------
# Plans, settlements, reminders: hand-checkable cases (every debtor reached, promising, keeping)
# --------------------------------------------------------------------------------------------


def certain_debtors(offers: dict[str, Any], kept: float = 1.0, accounts: int = 60) -> Scenario:
    """Every number live and the debtor's, every conversation a full promise kept with chance `kept`."""
    data = tomllib.loads(default_scenario_text())
    data["calendar"]["horizon_days"] = 30
    data["inbound"]["enabled"] = False
    portfolio = data["outbound"]["portfolio"]
    portfolio.update(accounts=accounts, invalid_number_share=0.0, do_not_call_share=0.0)
    for segment in portfolio["segments"]:
        segment.update(contact=1.0, right_party=1.0, ptp=1.0, ptp_halflife_days=100_000, kept=kept,
                       full_payment=1.0)
    data["outbound"]["attempts"].update(busy=0.0, machine=0.0, live_by_hour=[1.0] * 24)
    data["outbound"]["conversation"].update(due_days_min=3, due_days_max=5)
    data["strategy"] = {"enabled": True, "payer_lift": 1.0, "offers": offers,
                        "paths": [{"name": "call", "steps": [{"kind": "phone", "attempts": 20, "days": 10}]}]}
    return scenario_from_mapping(data, "<certain debtors>")


def test_a_plan_pays_the_balance_in_its_instalments() -> None:
    sc = certain_debtors({"plan_share": 1.0, "plan_instalments": 3, "plan_every_days": 7})
    result = run(sc, SEED)
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None
    assert s.offers["plans"] == 60 and s.offers["instalments_broken"] == 0
    assert s.offers["instalments_kept"] == 3 * 60
    assert out.accounts_paid_off.sum() == 60
    assert out.amount_collected.sum() == pytest.approx(out.balance_placed, abs=0.01)


def test_a_kept_settlement_closes_the_account_at_its_discount() -> None:
    sc = certain_debtors({"settlement_share": 1.0, "settlement_discount": 0.25})
    result = run(sc, SEED)
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None
    assert s.offers["settlements"] == 60 and out.accounts_paid_off.sum() == 60
    collected = out.amount_collected.sum()
    assert collected + s.discount_given == pytest.approx(out.balance_placed, abs=0.01 * 60)
    assert collected == pytest.approx(0.75 * out.balance_placed, abs=0.01 * 60)


def test_a_delivered_reminder_saves_its_share_of_the_promises_to_be_broken() -> None:
    never = run(certain_debtors({"reminder": "sms", "reminder_rescue": 1.0}, kept=0.0), SEED)
    s, out = never.strategy, never.outbound
    assert s is not None and out is not None and s.offers["reminders"] > 0
    # Nobody keeps a promise but the ones a delivered reminder saved: each saved promise is kept.
    assert out.promises_kept.sum() == s.offers["rescued"] > 0
    assert s.offers["rescued"] <= s.delivered[0].sum()
    without = run(certain_debtors({"reminder": "sms", "reminder_rescue": 0.0}, kept=0.0), SEED)
    assert without.strategy is not None and without.strategy.offers["rescued"] == 0
    assert without.outbound is not None and without.outbound.promises_kept.sum() == 0


# --------------------------------------------------------------------------------------------
# Placements over time
# --------------------------------------------------------------------------------------------


def test_batches_are_worked_from_their_placement_and_return_at_the_end_of_their_term() -> None:
    strategy = {"paths": [{"name": "call", "steps": [{"kind": "sms"}, {"kind": "phone", "attempts": 10,
                                                                          "days": 20}]}],
                "placements": [{"date": "2026-01-05", "share": 0.5, "name": "January"},
                               {"date": "2026-01-12", "share": 0.5, "name": "Second week"}],
                "placement_term_days": 6}
    sc = scenario(strategy, accounts=1200, horizon_days=14)
    result = run(sc, SEED, record_calls=True)
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None and out.log is not None and s.message_log is not None
    second = np.arange(1200) >= 600  # batches take the accounts in order
    day = out.log.time // 86_400
    assert not np.any(second[out.log.account] & (day < 7))  # nobody in the second batch called before it
    sent_day = s.message_log["sent_s"] // 86_400
    assert not np.any(second[s.message_log["account"]] & (sent_day < 7))
    # The first batch goes back to the client after 6 days: no new call to it from day 6 on.
    assert not np.any(~second[out.log.account] & (day >= 6))
    assert list(s.batch_names) == ["January", "Second week"] and list(s.batch_day) == [0, 7]
    assert s.batch_accounts.sum() == 1200 and out.accounts == 1200
    assert s.batch_balance.sum() == pytest.approx(out.balance_placed)
    assert s.collected_by_batch.sum() == pytest.approx(out.amount_collected.sum())
    # Status buckets: every placed account in one bucket each week; the last row counts all of them.
    assert s.status_by_week[0].sum() == 600 and s.status_by_week[-1].sum() == 1200
    assert s.status_by_week[-1][-1] > 0  # returned accounts
    assert s.roll.sum() > 0 and np.all(s.roll >= 0)


def test_accounts_not_yet_placed_are_left_out_of_the_campaigns_totals() -> None:
    strategy = {"paths": [{"name": "call", "steps": [{"kind": "phone", "attempts": 5, "days": 5}]}],
                "placements": [{"date": "2026-01-05", "share": 0.7}, {"date": "2026-03-02", "share": 0.3}]}
    result = run(scenario(strategy, accounts=1000, horizon_days=5), SEED)
    assert result.outbound is not None and result.strategy is not None
    assert result.outbound.accounts == 700
    assert result.outbound.balance_placed == pytest.approx(result.strategy.batch_balance[0].sum())


def test_a_better_score_is_worth_money_when_the_path_calls_only_the_best_scored() -> None:
    """Same debtors, same staff: only the score's AUC differs (its noise and the hidden types are the same draws)."""
    from wfm.experiment import RunPlan, paired_difference, replicate

    def top_30(auc: float) -> Scenario:  # promises due within a week, so that they fall due in the run
        base = scenario({"score_auc": auc, "paths": [
            {"name": "best", "score_band": [0.7, 1.0], "steps": [{"kind": "phone", "attempts": 6, "days": 5}]}]},
            accounts=2000, inbound=False, horizon_days=12)
        conversation = base.outbound.conversation.model_copy(update={"due_days_min": 2, "due_days_max": 6})
        return base.model_copy(update={"outbound": base.outbound.model_copy(update={"conversation": conversation})})

    plan = RunPlan(4, SEED)
    weak, strong = replicate(top_30(0.55), plan), replicate(top_30(0.85), plan)
    # The better-scored band holds more payers: more of its debtors promise and keep (paired, 95%) ...
    for key in ("ptp_rate", "kept_rate"):
        gain = paired_difference(weak, strong, key)
        assert gain.low > 0, (key, gain)
    # ... and the money follows (lumpier: a few balances decide it, so only its mean is asserted).
    assert paired_difference(weak, strong, "recovery_rate").mean > 0


def test_messages_follow_each_debtors_own_rule_pack_in_a_mixed_portfolio() -> None:
    """US, UK, Italian and Colombian debtors of scenarios/mixed_jurisdictions.toml, texted every day."""
    import holidays as public_holidays

    from wfm.scenario.io import load_scenario
    from wfm.sim.outbound.accounts import build_portfolio
    from wfm.sim.streams import make_streams

    base = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "mixed_jurisdictions.toml")
    data = base.model_dump(mode="python")
    data["outbound"]["portfolio"].pop("imported")
    data["strategy"] = {"enabled": True, "paths": [{"name": "daily", "repeat": True,
                                                    "steps": [{"kind": "sms"}, {"kind": "wait", "days": 1}]}]}
    sc = scenario_from_mapping(data, "<mixed, texted daily>")
    result = run(sc, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None
    pf = build_portfolio(sc.outbound.portfolio, sc.calendar, make_streams(SEED, 0).accounts)
    start = datetime(sc.calendar.start_date.year, sc.calendar.start_date.month, sc.calendar.start_date.day,
                     tzinfo=ZoneInfo(sc.calendar.timezone))
    seen: dict[str, int] = {}
    sunday: set[str] = set()
    for row in s.message_log:
        a = int(row["account"])
        zone, region = pf.tz_names[pf.tz[a]], pf.region_names[pf.region[a]]
        country = region.split("-")[0]
        local = _instant(start, float(row["sent_s"])).astimezone(ZoneInfo(zone))
        assert 9 * 3600 <= local.hour * 3600 + local.minute * 60 + local.second < 10 * 3600, (zone, local)
        if country in ("CO", "IT"):  # Ley 2300 and the Italian code: no Sundays, no public holidays
            assert local.weekday() != 6, (region, local)
            assert local.date() not in public_holidays.country_holidays(country, years=local.year), (region, local)
        seen[country] = seen.get(country, 0) + 1
        if local.weekday() == 6:
            sunday.add(country)
    assert set(seen) == {"US", "GB", "IT", "CO"}
    assert sunday == {"US", "GB"}  # their own rules allow Sundays: not held to the strictest pack


def test_the_expected_payer_factor_given_the_score_averages_one_and_follows_the_type() -> None:
    from wfm.sim.collections.behaviour import expected_lift

    n = 40_000
    segment = np.zeros(n, dtype=np.int64)
    for auc in (0.5, 0.8):
        spec = Strategy(score_auc=auc, default_payer_share=0.3, payer_lift=4.0)
        b = draw_behaviour(spec, ["all"], segment, np.random.default_rng(SEED))
        believed = expected_lift(spec, ["all"], segment, b.score)
        assert abs(believed.mean() - 1.0) < 4 * b.lift.std() / math.sqrt(n)  # E[E[lift | s]] = E[lift] = 1
        if auc == 0.5:
            np.testing.assert_allclose(believed, 1.0)  # a score of no power says nothing
        else:
            assert believed[b.payer].mean() > believed[~b.payer].mean()


def test_a_scored_dialer_reaches_the_payers_first() -> None:
    from wfm.sim.streams import make_streams

    def first_dialed(priority: str) -> float:
        data = tomllib.loads(default_scenario_text())
        data["outbound"]["portfolio"]["accounts"] = 3000
        data["outbound"]["selection"] = {"priority": priority}
        data["calendar"]["horizon_days"] = 1
        data["strategy"] = {"enabled": True, "score_auc": 0.9, "paths": [
            {"name": "call", "steps": [{"kind": "phone", "attempts": 3, "days": 3}]}]}
        sc = scenario_from_mapping(data, "<scored>")
        out = run(sc, SEED, record_calls=True).outbound
        assert out is not None and out.log is not None
        segments = [s.name for s in sc.outbound.portfolio.segments]
        from wfm.sim.outbound.accounts import build_portfolio

        streams = make_streams(SEED, 0)
        pf = build_portfolio(sc.outbound.portfolio, sc.calendar, streams.accounts)
        b = draw_behaviour(sc.strategy, segments, pf.segment, streams.strategy)
        first = out.log.account[np.argsort(out.log.time, kind="stable")][:300]
        return float(b.payer[first].mean())

    assert first_dialed("score") > first_dialed("expected_value") + 0.15


def test_broken_promises_are_ranked_first_when_followed_up() -> None:
    from wfm.sim.outbound.accounts import AccountBook, build_portfolio

    sc = scenario(None, accounts=50)
    pf = build_portfolio(sc.outbound.portfolio, sc.calendar, np.random.default_rng(1))
    book = AccountBook(pf, sc.outbound.portfolio.segments, sc.outbound.conversation)
    plain = book.rank(0, "expected_value")
    book.follow_up[plain[-1]] = book.follow_up[plain[-2]] = True
    followed = book.rank(0, "expected_value")
    assert followed[:2] == [plain[-2], plain[-1]] and followed[2:] == plain[:-2]


def test_a_score_priority_needs_a_strategy() -> None:
    data = tomllib.loads(default_scenario_text())
    data["outbound"]["selection"] = {"priority": "score"}
    with pytest.raises(ScenarioError, match="ranks by the collection strategy's score"):
        scenario_from_mapping(data, "<no strategy>")


def mixed_sms_then_phone() -> Scenario:
    from wfm.scenario.io import load_scenario

    base = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "mixed_jurisdictions.toml")
    data = base.model_dump(mode="python")
    data["outbound"]["portfolio"].pop("imported")
    data["strategy"] = {"enabled": True, "paths": [{"name": "sms_then_call", "steps": [
        {"kind": "sms"}, {"kind": "wait", "days": 1}, {"kind": "phone", "attempts": 6, "days": 6}, {"kind": "email"}]}]}
    return scenario_from_mapping(data, "<mixed: SMS, then the dialer>")


def test_colombian_debtors_get_one_channel_a_week_and_one_contact_a_day() -> None:
    """Ley 2300: the dialer leaves a Colombian debtor alone in the week of their SMS; the others are called."""
    from wfm.sim.outbound.accounts import build_portfolio
    from wfm.sim.outbound.result import RULES
    from wfm.sim.streams import make_streams

    sc = mixed_sms_then_phone()
    result = run(sc, SEED, record_calls=True)
    s, out = result.strategy, result.outbound
    assert s is not None and s.message_log is not None and out is not None and out.log is not None
    assert out.violations.sum() == 0  # the auditor's own reading, messages included
    pf = build_portfolio(sc.outbound.portfolio, sc.calendar, make_streams(SEED, 0).accounts)
    country = np.array([pf.region_names[r].split("-")[0] for r in pf.region])
    start = datetime(2026, 10, 26, tzinfo=ZoneInfo(sc.calendar.timezone))

    def weeks(accounts: np.ndarray, times: np.ndarray) -> set[tuple[int, tuple[int, int]]]:
        out_weeks = set()
        for a, t in zip(accounts.tolist(), times.tolist(), strict=True):
            local = _instant(start, t).astimezone(ZoneInfo(pf.tz_names[pf.tz[a]]))
            out_weeks.add((a, local.isocalendar()[:2]))
        return out_weeks

    texted = weeks(s.message_log["account"][s.message_log["channel"] == 0],
                   s.message_log["sent_s"][s.message_log["channel"] == 0])
    called = weeks(out.log.account, out.log.time)
    colombian = {(a, w) for a, w in texted if country[a] == "CO"}
    others = {(a, w) for a, w in texted if country[a] != "CO"}
    assert colombian and not colombian & called  # never called in the week of their SMS
    assert others & called  # the others are: their rules have no such limit
    rule = RULES.index("channel_week")
    co_pack = 1 + list(sc.outbound.compliance.by_country).index("CO")
    assert out.packs.blocked[co_pack, rule] > 0 and out.packs.names[co_pack] == "CO"


def test_the_auditor_catches_a_dialer_that_ignores_the_one_channel_week() -> None:
    from wfm.sim.outbound import compliance
    from wfm.sim.outbound.result import RULES

    original = compliance.ContactRules.account_rule

    def forgetful(self: Any, a: int, now: float, local_day: int, phone: int = 0, bound: bool = True) -> int:
        rule = original(self, a, now, local_day, phone, bound)
        return -1 if rule == compliance.CHANNEL_WEEK else rule

    sc = mixed_sms_then_phone()
    compliance.ContactRules.account_rule = forgetful  # type: ignore[method-assign]
    try:
        out = run(sc, SEED).outbound
    finally:
        compliance.ContactRules.account_rule = original  # type: ignore[method-assign]
    assert out is not None
    assert out.violations[RULES.index("channel_week")] > 0


def test_self_cure_fades_with_days_past_due() -> None:
    def cured(halflife: float) -> float:
        sc = scenario({"paths": [{"name": "rest", "steps": [{"kind": "wait", "days": 30}]}],
                       "self_cure_monthly": {"early": 0.2, "mid": 0.2, "late": 0.2},
                       "self_cure_halflife_days": halflife}, accounts=3000, inbound=False, horizon_days=10)
        s = run(sc, SEED).outbound
        assert s is not None
        return float(s.accounts_paid_off.sum())

    fresh, fading = cured(0.0), cured(90.0)
    # Days past due run from 30 (early) to 1,080 (late): with a 90-day half-life most debts cure far less.
    assert fresh > 150 and fading < 0.6 * fresh


def test_the_strategy_keys_documented_in_the_baseline_make_a_valid_scenario() -> None:
    """The commented [strategy] block of scenarios/baseline.toml, uncommented, is a scenario that validates."""
    from wfm.scenario.io import parse_scenario

    text = (Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    first = lines.index("# [strategy]")
    block = [line[2:] for line in lines[first:] if line.startswith("# ")]
    sc = parse_scenario(text + "\n" + "\n".join(block) + "\n")
    assert sc.strategy.enabled and sc.strategy.offers.reminder == "sms" and len(sc.strategy.placements) == 2
    assert sc.strategy.paths[0].steps[2].attempts == 6
