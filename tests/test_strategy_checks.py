"""Issue #12's checks of the collection strategy: a hand-computed case, a statistical test, the path conditions.

The hand-computed case leaves no randomness in the timing (no spread of a batch, fixed response
delays, certain responses) and checks every message: when it goes out (the debtor's local
window on the placement day, or the next day their rules allow), whether it arrives, when the
response comes and what it leads to (an identified call on the inbound line, a payment through
the link, a promise through the portal, and the money those bring on the day they fall due).
Every expected value is worked out here with zoneinfo and the scenario's own figures, not with
the simulator's clock.

The statistical test sends one SMS batch of N messages at a known instant with response share
p (a call) and a lognormal delay: the extra inbound arrivals per interval must follow N·p times
the delay's probability per interval (Pearson's chi-square over the intervals), and the service
level of the hours around the peak must drop as Erlang A says between the base load and the
base load plus the batch's calls. The same scenario without the strategy gives the base: the ordinary callers
are the very same (their own random stream), so the difference per interval is exactly the
debtors' calls.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays as public_holidays
import numpy as np
import pytest
from scipy import stats

from stationary import stationary_scenario
from wfm.analytic import erlang_a
from wfm.scenario import Scenario
from wfm.scenario.io import ScenarioError, default_scenario_text, scenario_from_mapping
from wfm.scenario.strategy import CHANNELS
from wfm.sim import RunResult, run
from wfm.sim.collections.result import CAUSES, RESPONSES
from wfm.sim.outbound.accounts import PortfolioArrays, build_portfolio
from wfm.sim.streams import make_streams

SEED = 20260112
CENTER = ZoneInfo("Europe/Rome")
START = date(2026, 1, 5)  # a Monday; Tuesday 6 January is a public holiday in Italy (Epiphany)
DUE_DAYS = 3
SMS, EMAIL, LETTER, REGISTERED = (CHANNELS.index(c) for c in ("sms", "email", "letter", "registered_letter"))


def run_seconds(local: datetime) -> float:
    """Seconds from the center's midnight of START to the instant `local` (any zone)."""
    return (local - datetime(START.year, START.month, START.day, tzinfo=CENTER)).total_seconds()


def pf_of(sc: Scenario, seed: int = SEED) -> PortfolioArrays:
    """The portfolio the run draws (from the accounts stream, first), for each account's zone and balance."""
    return build_portfolio(sc.outbound.portfolio, sc.calendar, make_streams(seed, 0).accounts)


# --------------------------------------------------------------------------------------------
# The hand-computed case
# --------------------------------------------------------------------------------------------

SMS_DELAY_H, EMAIL_DELAY_H, LETTER_DELAY_H = 2.0, 1.5, 6.0
LETTER_POST_H = 48.0
PAY_FRACTION = 0.5


def hand_case(enabled: bool = True) -> Scenario:
    """Twelve debtors in Rome and New York, two batches (Monday and the Tuesday holiday), one message each.

    early: an SMS that every debtor with a live number answers by phoning 2 h after it arrives;
    mid: an e-mail paid through its link (half the balance) 1.5 h after; late: a letter, posted
    at 09:00 and delivered 48 h later, answered 6 h after by a portal promise of the balance.
    Every conversation is a promise (days past due 0, promise chance 1) of the balance, due in 3
    days and kept; callers never hang up, so every debtor's call is answered.
    """
    data = tomllib.loads(default_scenario_text())
    data["calendar"]["horizon_days"] = 9
    data["inbound"]["demand"]["daily_volume"] = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat"), 150)
    data["inbound"]["patience"] = {"distribution": "none"}
    portfolio = data["outbound"]["portfolio"]
    portfolio.update(accounts=12, invalid_number_share=0.4, do_not_call_share=0.0,
                     timezones={"Europe/Rome": 0.5, "America/New_York": 0.5})
    for segment in portfolio["segments"]:
        segment.update(dpd_min=0, dpd_max=0, ptp=1.0, kept=1.0, full_payment=1.0)
    data["outbound"]["conversation"].update(due_days_min=DUE_DAYS, due_days_max=DUE_DAYS)
    fixed = {"delay_cv": 0.0}
    data["strategy"] = {
        "enabled": enabled, "payer_lift": 1.0,
        "placements": [{"date": "2026-01-05", "share": 0.5}, {"date": "2026-01-06", "share": 0.5}],
        "channels": {
            "sms": {"cost": 0.05, "delivery_failure": 0.0, "window": {"start": "09:00", "end": "20:00"},
                    "spread_min": 0, "responses": {"call": 1.0, "delay_h": SMS_DELAY_H, **fixed}},
            "email": {"cost": 0.01, "delivery_failure": 0.0, "window": {"start": "10:00", "end": "20:00"},
                      "spread_min": 0, "responses": {"pay": 1.0, "pay_fraction": PAY_FRACTION,
                                                     "delay_h": EMAIL_DELAY_H, **fixed}},
            "letter": {"cost": 0.9, "delivery_failure": 0.0, "delivery_delay_h": LETTER_POST_H,
                       "responses": {"promise": 1.0, "delay_h": LETTER_DELAY_H, **fixed}},
        },
        "paths": [{"name": "texted", "segments": ["early"], "steps": [{"kind": "sms"}]},
                  {"name": "emailed", "segments": ["mid"], "steps": [{"kind": "email"}]},
                  {"name": "posted", "segments": ["late"], "steps": [{"kind": "letter"}]}],
    }
    return scenario_from_mapping(data, "<hand-computed strategy>")


def first_allowed(day: date) -> date:
    """The first date from `day` on which the Italian preset lets a debtor be contacted (no Sunday, no holiday)."""
    closed = public_holidays.country_holidays("IT", years=day.year)
    while day.weekday() == 6 or day in closed:
        day += timedelta(days=1)
    return day


def expected_messages(sc: Scenario, pf: PortfolioArrays) -> dict[int, dict[str, Any]]:
    """Per account: channel, instant sent, delivered, the response's instant, kind and money, worked out by hand."""
    out: dict[int, dict[str, Any]] = {}
    n = len(pf.balance)
    segments = [s.name for s in sc.outbound.portfolio.segments]
    for a in range(n):
        placed = START + timedelta(days=0 if a < n // 2 else 1)  # batches take the accounts in order
        zone = ZoneInfo(pf.tz_names[pf.tz[a]])
        balance = float(pf.balance[a])
        segment = segments[pf.segment[a]]
        if segment == "late":  # posted at 09:00 center time, whatever the day
            sent = datetime.combine(placed, datetime.min.time().replace(hour=9), CENTER)
            arrives = sent + timedelta(hours=LETTER_POST_H)
            out[a] = {"channel": LETTER, "sent": run_seconds(sent), "delivered": True,
                      "response": run_seconds(arrives + timedelta(hours=LETTER_DELAY_H)), "kind": "promise",
                      "money": balance}
            continue
        day = first_allowed(placed)
        hour, channel, delay = (9, SMS, SMS_DELAY_H) if segment == "early" else (10, EMAIL, EMAIL_DELAY_H)
        sent = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        delivered = channel == EMAIL or not bool(pf.dead_number[a, : pf.phones[a]].all())
        out[a] = {"channel": channel, "sent": run_seconds(sent), "delivered": delivered,
                  "response": run_seconds(sent + timedelta(hours=delay)) if delivered else None,
                  "kind": "call" if channel == SMS else "pay",
                  "money": (balance if channel == SMS else round(balance * PAY_FRACTION, 2)) if delivered else 0.0}
    return out


@pytest.fixture(scope="module")
def hand() -> tuple[Scenario, RunResult, RunResult]:
    sc = hand_case()
    return sc, run(sc, SEED, record_calls=True), run(hand_case(enabled=False), SEED, record_calls=True)


def test_every_message_goes_out_arrives_and_is_answered_when_the_hand_computation_says(
        hand: tuple[Scenario, RunResult, RunResult]) -> None:
    sc, result, _ = hand
    s = result.strategy
    assert s is not None and s.message_log is not None
    pf = pf_of(sc)
    expected = expected_messages(sc, pf)
    segments = [seg.name for seg in sc.outbound.portfolio.segments]
    assert {segments[k] for k in pf.segment} == {"early", "mid", "late"}  # every channel is exercised
    assert {pf.tz_names[z] for z in pf.tz} == {"Europe/Rome", "America/New_York"}
    assert any(not e["delivered"] for e in expected.values())  # a dead number or two: the known failures
    log = s.message_log
    assert sorted(log["account"].tolist()) == list(range(12))  # one message each
    for row in log:
        e = expected[int(row["account"])]
        assert int(row["channel"]) == e["channel"]
        assert float(row["sent_s"]) == e["sent"], (int(row["account"]), float(row["sent_s"]) / 3600, e)
        assert bool(row["delivered"]) == e["delivered"]
    # Responses, on the day each message was sent, by kind.
    want = np.zeros_like(s.responses)
    for e in expected.values():
        if e["delivered"]:
            want[e["channel"], int(e["sent"] // 86_400), RESPONSES.index(e["kind"])] += 1
    np.testing.assert_array_equal(s.responses, want)
    for k, name in enumerate(CHANNELS):
        mine = [e for e in expected.values() if e["channel"] == k]
        assert s.sent[k].sum() == len(mine) and s.delivered[k].sum() == sum(e["delivered"] for e in mine)
        assert s.message_cost[k].sum() == pytest.approx(len(mine) * sc.strategy.channels[name].cost)


def test_each_answer_brings_its_call_payment_or_promise_and_the_money_on_its_due_day(
        hand: tuple[Scenario, RunResult, RunResult]) -> None:
    sc, result, without = hand
    s, out = result.strategy, result.outbound
    assert s is not None and out is not None and s.account_collected is not None
    expected = expected_messages(sc, pf_of(sc))
    # The identified calls: the inbound arrivals that the same run without the strategy does not have.
    extra = sorted(c.arrival for c in result.calls)
    for c in without.calls:
        extra.remove(c.arrival)
    calls = sorted(e["response"] for e in expected.values() if e["kind"] == "call" and e["delivered"])
    assert extra == calls and len(calls) > 0
    assert all(c.outcome == "handled" for c in result.calls if c.arrival in calls)
    n_days = sc.calendar.horizon_days
    call_days = np.bincount([int(t // 86_400) for t in calls], minlength=n_days)
    np.testing.assert_array_equal(s.debtor_calls, call_days)
    np.testing.assert_array_equal(s.debtor_calls_handled, call_days)  # answered and ended the same day
    np.testing.assert_array_equal(s.debtor_promises, call_days)  # every conversation a promise
    # Money by cause and day: a link pays at its response; a promise pays its balance 3 days after it is made.
    want = np.zeros((len(CAUSES), n_days))
    for e in expected.values():
        if not e["delivered"]:
            continue
        day = int(e["response"] // 86_400)
        cause = {"call": "inbound_promise", "pay": "link_payment", "promise": "portal_promise"}[e["kind"]]
        want[CAUSES.index(cause), day + (0 if e["kind"] == "pay" else DUE_DAYS)] += e["money"]
    np.testing.assert_allclose(s.collected, want, atol=1e-9)
    np.testing.assert_allclose(s.account_collected, [expected[a]["money"] for a in range(12)], atol=1e-9)
    assert out.amount_collected.sum() == pytest.approx(want.sum())
    assert out.accounts_paid_off.sum() == sum(e["delivered"] and e["kind"] != "pay" for e in expected.values())
    assert out.violations.sum() == 0 and without.outbound is not None and without.outbound.violations.sum() == 0


# --------------------------------------------------------------------------------------------
# The statistical test: an SMS batch's calls on the inbound line
# --------------------------------------------------------------------------------------------

BATCH = 8000
CALL_SHARE = 0.05
DELAY_H, DELAY_CV = 4.0, 0.6
AGENTS, HANDLE_S, PATIENCE_S, BASE_PER_HOUR = 25, 180.0, 180.0, 380.0
SENT_S = 8 * 3600.0  # the batch goes out at 08:00, the start of the debtors' calling window
REPLICATIONS = 10


def batch_scenario(enabled: bool) -> Scenario:
    """An M/M/n+M day (flat arrivals, one shift 00:00-16:00) plus an SMS batch to BATCH debtors at 08:00."""
    data = stationary_scenario(AGENTS, BASE_PER_HOUR, HANDLE_S, PATIENCE_S).model_dump(mode="python")
    base = tomllib.loads(default_scenario_text())
    outbound = base["outbound"]
    outbound["portfolio"].update(accounts=BATCH, invalid_number_share=0.0, do_not_call_share=0.0,
                                 timezones={data["calendar"]["timezone"]: 1.0})
    outbound["compliance"] = {}
    data["outbound"] = outbound
    data["groups"] = [*data["groups"], {"name": "Dialer", "kind": "outbound", "absence_rate": 0,
                           "shifts": [{"name": "Day", "days": ["mon"], "start": "09:00", "length_h": 1,
                                       "headcount": 1}]}]
    data["strategy"] = {
        "enabled": enabled, "payer_lift": 1.0,
        "channels": {"sms": {"cost": 0.05, "delivery_failure": 0.0, "window": {"start": "08:00", "end": "20:00"},
                             "spread_min": 0, "responses": {"call": CALL_SHARE, "delay_h": DELAY_H,
                                                            "delay_cv": DELAY_CV}}},
        "paths": [{"name": "texted", "steps": [{"kind": "sms"}]}],
    }
    return scenario_from_mapping(data, "<an SMS batch on a stationary day>")


def delay_cdf(seconds: np.ndarray) -> np.ndarray:
    """P(response delay <= seconds) of the lognormal with mean DELAY_H and CV DELAY_CV."""
    sigma = math.sqrt(math.log1p(DELAY_CV**2))
    mu = math.log(DELAY_H * 3600.0) - sigma**2 / 2
    return stats.lognorm.cdf(np.maximum(seconds, 1e-9), s=sigma, scale=math.exp(mu))


@pytest.fixture(scope="module")
def batches() -> list[tuple[RunResult, RunResult]]:
    with_batch, without = batch_scenario(True), batch_scenario(False)
    return [(run(with_batch, SEED + r), run(without, SEED + r)) for r in range(REPLICATIONS)]


def _first_calls(result: RunResult) -> np.ndarray:
    return (result.inbound.offered - result.inbound.redials).astype(float)


@pytest.mark.slow
def test_an_sms_batch_adds_inbound_arrivals_as_its_response_delay_says(
        batches: list[tuple[RunResult, RunResult]]) -> None:
    interval = 900.0
    n_intervals = len(batches[0][0].inbound.offered)
    extra = np.zeros(n_intervals)
    for with_batch, without in batches:
        s = with_batch.strategy
        assert s is not None and s.sent[SMS].sum() == BATCH and s.delivered[SMS].sum() == BATCH
        diff = _first_calls(with_batch) - _first_calls(without)
        assert diff.min() >= 0  # the ordinary callers are the same: only debtors are added
        extra += diff
        assert diff.sum() == s.debtor_calls.sum()
        assert with_batch.outbound is not None and with_batch.outbound.violations.sum() == 0
    # The center is open until 16:00: the calls of the intervals 08:00-16:00 and the later ones.
    edges = np.arange(SENT_S, 16 * 3600.0 + 1, interval)
    probability = np.diff(delay_cdf(edges - SENT_S))
    observed = extra[int(SENT_S // interval): int(SENT_S // interval) + len(probability)]
    expected = REPLICATIONS * BATCH * CALL_SHARE * probability
    assert extra.sum() == observed.sum()  # nothing before the batch or after the close
    # Pearson's chi-square, intervals with fewer than 5 expected calls merged into their neighbour.
    obs, exp = _merged(observed, expected)
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    assert stats.chi2.sf(chi2, len(obs)) > 0.001, (chi2, len(obs))
    # The peak interval on its own (a z-score) and the day's total (binomial).
    peak = int(np.argmax(expected))
    assert abs(observed[peak] - expected[peak]) < 4 * math.sqrt(expected[peak])
    p_day = CALL_SHARE * float(delay_cdf(np.array([16 * 3600.0 - SENT_S]))[0])
    n = REPLICATIONS * BATCH
    assert abs(observed.sum() - n * p_day) < 4 * math.sqrt(n * p_day * (1 - p_day))


def _merged(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    obs, exp = [], []
    o = e = 0.0
    for oi, ei in zip(observed.tolist(), expected.tolist(), strict=True):
        o, e = o + oi, e + ei
        if e >= 5:
            obs.append(o)
            exp.append(e)
            o = e = 0.0
    if e:
        obs[-1] += o
        exp[-1] += e
    return np.array(obs), np.array(exp)


@pytest.mark.slow
def test_the_peak_service_level_drops_as_erlang_a_says(batches: list[tuple[RunResult, RunResult]]) -> None:
    """The three hours around the peak of the batch's calls, against Erlang A at base and base + N·p·density.

    The extra rate changes slowly there (a third at most between neighbouring hours, a few
    percent between intervals), so each 15-minute interval is taken at the steady state of its
    own load; the reference is the offered-weighted mean of Erlang A over the intervals. The drop
    is paired (the same ordinary callers with and without the batch), so its replication variance
    is small enough to tell the analytic drop from no drop by more than 6 standard errors. The
    base's own agreement with Erlang A is `test_validation_erlang`'s.
    """
    interval = 900.0
    edges = np.arange(0.0, 24 * 3600.0 + 1, interval)
    extra_rate = BATCH * CALL_SHARE * np.diff(delay_cdf(edges - SENT_S)) / interval  # calls/s per interval
    peak = int(np.argmax(extra_rate))
    window = slice(peak - 6, peak + 6)
    base_rate = BASE_PER_HOUR / 3600.0

    def erlang_sl(rates: np.ndarray) -> float:
        sl = np.array([erlang_a(AGENTS, r, HANDLE_S, PATIENCE_S, 20.0).service_level for r in rates])
        return float((sl * rates).sum() / rates.sum())

    def sl(result: RunResult) -> float:
        i = result.inbound
        return float(i.answered_in_sl[window].sum() / i.offered[window].sum())

    drops = np.array([sl(without) - sl(with_batch) for with_batch, without in batches])
    analytic_drop = erlang_sl(np.full(12, base_rate)) - erlang_sl(base_rate + extra_rate[window])
    se = drops.std(ddof=1) / math.sqrt(len(drops))
    assert analytic_drop > 6 * se  # the batch's calls move the service level measurably
    assert abs(drops.mean() - analytic_drop) < 4 * se, (drops.mean(), analytic_drop, se)


# --------------------------------------------------------------------------------------------
# Path conditions: opt-out, kept promise, balance; the registered letter; Reg F for texts
# --------------------------------------------------------------------------------------------


def small(strategy: dict[str, Any], *, accounts: int = 40, days: int = 10, certain: bool = False,
          invalid: float = 0.0, presets: tuple[str, ...] = ("italy",),
          zones: dict[str, float] | None = None) -> Scenario:
    """A small portfolio under `strategy`; `certain`: every dial reaches the debtor, who promises and keeps."""
    data = tomllib.loads(default_scenario_text())
    data["calendar"]["horizon_days"] = days
    data["inbound"]["demand"]["daily_volume"] = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat"), 150)
    portfolio = data["outbound"]["portfolio"]
    portfolio.update(accounts=accounts, invalid_number_share=invalid, do_not_call_share=0.0)
    if zones:
        portfolio["timezones"] = zones
    if certain:
        for segment in portfolio["segments"]:
            segment.update(contact=1.0, right_party=1.0, ptp=1.0, ptp_halflife_days=100_000, kept=1.0,
                           full_payment=0.0)
        data["outbound"]["attempts"].update(busy=0.0, machine=0.0, live_by_hour=[1.0] * 24)
        data["outbound"]["conversation"].update(due_days_min=3, due_days_max=3)
    data["outbound"]["compliance"] = {"presets": list(presets)}
    data["strategy"] = {"enabled": True, "payer_lift": 1.0, **strategy}
    return scenario_from_mapping(data, "<small strategy>")


def by_account(log: np.ndarray, channel: int) -> dict[int, list[float]]:
    """The send instants of `channel`'s messages per account."""
    out: dict[int, list[float]] = {}
    for row in log[log["channel"] == channel]:
        out.setdefault(int(row["account"]), []).append(float(row["sent_s"]))
    return out


def fixed(**responses: Any) -> dict[str, Any]:
    """Certain responses an hour after delivery, every message of a batch at its window's start."""
    return {"delivery_failure": 0.0, "spread_min": 0, "responses": {"delay_h": 1.0, "delay_cv": 0.0, **responses}}


def test_an_opt_out_moves_the_account_to_its_after_opt_out_path() -> None:
    """Every delivered SMS draws a STOP: the texted path's second SMS never goes; the letter path takes over."""
    strategy = {"channels": {"sms": {"cost": 0.05, **fixed(opt_out=1.0)}},
                "paths": [{"name": "texted", "after_opt_out": "posted",
                           "steps": [{"kind": "sms"}, {"kind": "wait", "days": 2}, {"kind": "sms"}]},
                          {"name": "posted", "segments": ["none_enter"],
                           "steps": [{"kind": "wait", "days": 1}, {"kind": "letter"}]}]}
    with pytest.raises(ScenarioError, match="none_enter"):  # a path only moved to still names real segments
        small(strategy)
    strategy["paths"][1]["segments"] = ["late"]
    strategy["paths"][1]["score_band"] = [0.0, 1e-9]  # (practically) nobody enters it at placement
    sc = small(strategy, invalid=0.5)
    result = run(sc, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None and result.outbound is not None
    log = s.message_log
    texts, letters = by_account(log, SMS), by_account(log, LETTER)
    delivered = {int(r["account"]) for r in log if r["channel"] == SMS and r["delivered"]}
    assert 0 < len(delivered) < len(texts)  # some numbers are dead: those debtors cannot opt out
    for a, sent in texts.items():
        if a in delivered:  # opted out on day 0: one SMS, then the letter path from the next day
            assert len(sent) == 1 and len(letters[a]) == 1
            # The move takes effect the next day and the letter path waits a day first: posted at 09:00.
            assert letters[a][0] == (sent[0] // 86_400 + 2) * 86_400 + 9 * 3600
        else:  # nothing delivered, nothing answered: the texted path goes on
            assert len(sent) == 2 and a not in letters
    assert s.opted_out[SMS] == len(delivered)
    assert result.outbound.violations.sum() == 0


def test_a_kept_promise_with_a_balance_left_moves_to_the_after_kept_promise_path() -> None:
    """Instalment promises (a quarter of the balance) kept 3 days on: a thank-you letter, then nothing more."""
    def letters_after(kept_path: str) -> tuple[RunResult, dict[int, list[float]]]:
        strategy = {"paths": [{"name": "call", "after_kept_promise": kept_path,
                               "steps": [{"kind": "phone", "attempts": 20, "days": 8}]},
                              {"name": "thanks", "segments": ["late"], "score_band": [0.0, 1e-9],
                               "steps": [{"kind": "letter"}]}]}
        result = run(small(strategy, certain=True, days=8), SEED, record_calls=True)
        assert result.strategy is not None and result.strategy.message_log is not None
        return result, by_account(result.strategy.message_log, LETTER)

    result, letters = letters_after("thanks")
    out = result.outbound
    assert out is not None and out.violations.sum() == 0
    kept = int(out.promises_kept.sum())
    assert kept > 0 and len(letters) == kept  # one letter per kept instalment, none otherwise
    due_days = np.repeat(np.arange(len(out.promises_kept)), out.promises_kept.astype(np.int64))
    posted_days = sorted(int(t[0] // 86_400) for t in letters.values())
    assert posted_days == sorted(due_days.tolist())  # posted on the day the promise was kept
    _, none = letters_after("")
    assert none == {}


def test_a_step_is_skipped_when_the_current_balance_is_outside_its_condition() -> None:
    """An e-mail paid through its link (half the balance), then a letter only for balances still at 600 or more."""
    strategy = {"channels": {"email": {"cost": 0.01, "window": {"start": "10:00", "end": "20:00"},
                                       **fixed(pay=1.0, pay_fraction=0.5)},
                             "sms": {"cost": 0.05, **fixed()}},  # no response: the money is the link's only
                "paths": [{"name": "p", "steps": [{"kind": "email"}, {"kind": "wait", "days": 1},
                                                  {"kind": "letter", "balance_min": 600},
                                                  {"kind": "sms", "balance_max": 600}]}]}
    sc = small(strategy, accounts=60, zones={"Europe/Rome": 1.0})
    result = run(sc, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None and s.account_collected is not None
    pf = pf_of(sc)
    left = np.array([b - max(round(b * 0.5, 2), 0.01) for b in pf.balance.tolist()])  # paid to the cent
    letters, texts = by_account(s.message_log, LETTER), by_account(s.message_log, SMS)
    assert set(letters) == {a for a in range(60) if left[a] >= 600}
    assert set(texts) == {a for a in range(60) if left[a] < 600}
    assert any(600 <= b < 1200 for b in pf.balance)  # some enter at 600 or more and fall below by paying
    np.testing.assert_allclose(s.account_collected, pf.balance - left)
    assert result.outbound is not None and result.outbound.violations.sum() == 0


def test_a_returned_registered_letter_stops_the_later_post() -> None:
    """Half the registered letters come back (5 days later): those debtors get no letter after them."""
    strategy = {"channels": {"registered_letter": {"cost": 6.5, "delivery_failure": 0.5, "delivery_delay_h": 120,
                                                   "proof_of_delivery": True}},
                "paths": [{"name": "formal", "steps": [{"kind": "registered_letter"}, {"kind": "wait", "days": 6},
                                                       {"kind": "letter"}]}]}
    sc = small(strategy, accounts=60, days=8)
    result = run(sc, SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None and result.outbound is not None
    log = s.message_log
    registered = log[log["channel"] == REGISTERED]
    assert len(registered) == 60 and 0 < registered["delivered"].sum() < 60
    arrived = set(registered["account"][registered["delivered"]].tolist())
    assert set(by_account(log, LETTER)) == arrived
    assert s.message_cost[REGISTERED].sum() == pytest.approx(60 * 6.5)
    assert s.channel_names[REGISTERED] == "registered_letter"
    assert result.outbound.violations.sum() == 0


def test_under_reg_f_texts_go_out_in_the_debtors_convenient_hours_only() -> None:
    """A sending window of 07:00-22:00 is clipped to Reg F's 08:00-21:00 local: every SMS at 08:00 sharp."""
    early = {"start": "07:00", "end": "22:00"}
    strategy = {"channels": {"sms": {"cost": 0.05, "window": early, **fixed(opt_out=0.05)}},
                "paths": [{"name": "daily", "repeat": True, "steps": [{"kind": "sms"}, {"kind": "wait", "days": 1}]}]}
    zones = {"America/New_York": 0.5, "America/Los_Angeles": 0.5}
    sc = small(strategy, accounts=30, days=4, presets=("reg_f",), zones=zones)
    result = run(sc, SEED, record_calls=True)
    s, out = result.strategy, result.outbound
    assert s is not None and s.message_log is not None and out is not None
    pf = pf_of(sc)
    # Every day from the first, none held back by the early window, until the debtor opts out (STOP).
    days = {a: [int(t // 86_400) for t in sent] for a, sent in by_account(s.message_log, SMS).items()}
    assert len(days) == 30 and all(d == list(range(len(d))) for d in days.values())
    assert sum(len(d) < 4 for d in days.values()) <= s.opted_out[SMS] < 30
    for row in s.message_log:
        zone = ZoneInfo(pf.tz_names[pf.tz[int(row["account"])]])
        local = (datetime(2026, 1, 5, tzinfo=CENTER) + timedelta(seconds=float(row["sent_s"]))).astimezone(zone)
        assert (local.hour, local.minute, local.second) == (8, 0, 0), local
    assert out.violations.sum() == 0


def test_reg_f_needs_an_opt_out_in_every_text_and_e_mail() -> None:
    silent = {"channels": {"sms": {"cost": 0.05, "responses": {"call": 0.02, "opt_out": 0.0}}},
              "paths": [{"name": "p", "steps": [{"kind": "sms"}, {"kind": "letter"}]}]}
    with pytest.raises(ScenarioError, match=r"1006\.6\(e\).*\['sms'\]"):
        small(silent, presets=("reg_f",))
    small(silent)  # the Italian preset has no such rule
    posted = {"channels": {"sms": {"cost": 0.05, "responses": {"opt_out": 0.0}}},
              "paths": [{"name": "p", "steps": [{"kind": "letter"}]}]}
    small(posted, presets=("reg_f",))  # an SMS channel no path uses is not sent


def test_a_reminder_is_not_texted_to_a_debtor_who_opted_out() -> None:
    """Every delivered SMS draws a STOP on day 0; the phone then takes promises whose SMS reminders must not go."""
    def reminders(opt_out: float) -> tuple[int, int]:
        strategy = {"channels": {"sms": {"cost": 0.05, **fixed(opt_out=opt_out)}},
                    "offers": {"reminder": "sms", "reminder_days_before": 1},
                    "paths": [{"name": "p", "steps": [{"kind": "sms"}, {"kind": "wait", "days": 1},
                                                      {"kind": "phone", "attempts": 20, "days": 6}]}]}
        result = run(small(strategy, certain=True, days=8), SEED)
        s, out = result.strategy, result.outbound
        assert s is not None and out is not None and out.violations.sum() == 0
        return s.offers["reminders"], int(out.ptp.sum())

    sent, promises = reminders(0.0)
    assert sent > 0 and promises > 0
    sent, promises = reminders(1.0)
    assert sent == 0 and promises > 0


def test_the_baseline_documents_the_new_keys_and_they_parse() -> None:
    """The commented [strategy] block of scenarios/baseline.toml shows the moves, step balances and channel keys."""
    from pathlib import Path

    from wfm.scenario.io import parse_scenario

    text = (Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    block = [line[2:] for line in lines[lines.index("# [strategy]"):] if line.startswith("# ")]
    sc = parse_scenario(text + "\n" + "\n".join(block) + "\n")
    sms_first, call_first = sc.strategy.paths
    assert sms_first.after_opt_out == "call_first" and sms_first.after_kept_promise == ""
    assert call_first.steps[1].kind == "registered_letter" and call_first.steps[1].balance_min == 1000
    assert call_first.steps[2].balance_max == 1000
    sms = sc.strategy.channels["sms"]
    assert sms.spread_min == 60 and not sms.proof_of_delivery
    assert sc.strategy.channels["registered_letter"].proof_of_delivery  # the default
    for key in ("after_kept_promise", "after_opt_out", "balance_min", "spread_min", "proof_of_delivery",
                "registered_letter", "delay_cv = 0"):
        assert any(key in line for line in block), key


def test_the_strategy_editor_keeps_the_new_moves_and_step_balances() -> None:
    from wfm.gui.sections_strategy import fit_step, removed, renamed, step_summary

    data = {"strategy": {"champion": "", "challenger": "", "paths": [
        {"name": "a", "after_opt_out": "b", "after_kept_promise": "b", "steps": []},
        {"name": "b", "steps": []}]}}
    renamed(data, "b", "c")
    assert data["strategy"]["paths"][0]["after_opt_out"] == data["strategy"]["paths"][0]["after_kept_promise"] == "c"
    removed(data, 1)
    assert data["strategy"]["paths"][0]["after_opt_out"] == data["strategy"]["paths"][0]["after_kept_promise"] == ""
    step = {"kind": "letter", "days": 0, "attempts": 0, "balance_min": 1000.0}
    assert fit_step(step, "registered_letter") == {**step, "kind": "registered_letter"}
    assert step_summary([step, {"kind": "sms", "balance_max": 500}]) == "Letter (balance ≥ 1,000) → SMS (balance < 500)"


def test_a_path_that_starts_with_a_wait_waits_before_its_first_message() -> None:
    strategy = {"channels": {"sms": {"cost": 0.05, "window": {"start": "09:00", "end": "20:00"}, **fixed()}},
                "paths": [{"name": "later", "steps": [{"kind": "wait", "days": 2}, {"kind": "sms"}]}]}
    result = run(small(strategy, accounts=20, days=4, zones={"Europe/Rome": 1.0}), SEED, record_calls=True)
    s = result.strategy
    assert s is not None and s.message_log is not None and len(s.message_log) == 20
    assert set(s.message_log["sent_s"].tolist()) == {2 * 86_400 + 9 * 3600}  # Wednesday 7 January, 09:00
    assert result.outbound is not None and result.outbound.violations.sum() == 0
