"""Pacers on cases small enough to compute by hand, and the fixed-ratio power dialer against an independent loop.

(a) hand-worked runs: one agent, fixed ring, talk and wrap-up times, contact probability 1 or 0,
so every dial, answer, drop and hang-up time follows from the settings; Italian calling windows
as shipped, a 300-account campaign, a Tuesday in March.
(b) the drop-cap guard: out of the way at a 99% cap; at a real cap it holds the window and never
lowers the ratio beyond its fallback periods.
(c) the power dialer's drop rate and occupancy against a small heapq event loop written here.
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np
import pytest

from outbound_scenarios import outbound_scenario
from wfm.experiment import summarize
from wfm.sim import run
from wfm.sim.outbound.result import OUTCOMES, RULES
from wfm.views.dialer import dialer_by_day, dialer_view

RPC, DROPPED, NO_ANSWER = (OUTCOMES.index(k) for k in ("rpc", "dropped", "no_answer"))
T0 = 9 * 3600  # the shift starts at 09:00
SHIFT_S = 1800  # and lasts half an hour
RING, TALK, ACW = 5.0, 50.0, 10.0  # fixed answer delay, RPC talk, wrap-up (seconds)
CYCLE = RING + TALK + ACW  # one agent's dial-to-free cycle when every line is answered


def fixed(mean_s: float) -> dict[str, object]:
    return {"distribution": "fixed", "mean_s": mean_s}


def hand_scenario(mode: str, contact: float, *, ratio: float = 1.0, start: str = "09:00", timeout_s: float = 25,
                  shift_s: float = SHIFT_S, compliance: dict | None = None):
    """One agent, 300 accounts, nothing random that matters: every pick-up is a live right party after RING s."""
    return outbound_scenario(
        agents=1, days=1, mode=mode, accounts=300, shift_start=start, shift_h=shift_s / 3600,
        start_date="2026-03-10", open_windows=False,
        compliance={"presets": ["italy"], "drop_cap": 0.99} | (compliance or {}),
        dialer={"lines_per_agent": ratio},
        portfolio={"segments": [{"name": "all", "share": 1.0, "contact": contact, "right_party": 1.0}]},
        attempts={"busy": 0, "machine": 0, "ring_timeout_s": timeout_s, "answer_delay": fixed(RING)},
        conversation={"rpc_talk": fixed(TALK), "acw": fixed(ACW)},
    )


def agent_seconds(result, name: str) -> float:
    (row,) = [a for a in result.agents if a.group == "Outbound"]
    return getattr(row, name)


# -- (a) hand-worked runs ------------------------------------------------------------------------


def test_progressive_one_agent_every_event_by_hand() -> None:
    """Dial at 09:00, answered at +5 s, talk 50 s, wrap-up 10 s, free at +65 s: the next dial.

    The half-hour shift holds dials at 65 k s for k = 0..27 (27 × 65 = 1,755 < 1,800); the last
    call runs on to 1,820 s, when the agent logs off. The agent rings 5 s per call (dialing),
    talks and wraps up 60 s (busy) and is never idle.
    """
    result = run(hand_scenario("progressive", 1.0), 3, record_calls=True)
    log = result.outbound.log
    k = np.arange(28)
    np.testing.assert_array_equal(log.time, T0 + CYCLE * k)
    np.testing.assert_array_equal(log.end, T0 + CYCLE * k + CYCLE)
    assert set(log.outcome.tolist()) == {RPC}
    assert len(set(log.account.tolist())) == 28  # each account once: an RPC rests it for days
    assert agent_seconds(result, "dialing_s") == 28 * RING
    assert agent_seconds(result, "busy_s") == 28 * (TALK + ACW)
    assert agent_seconds(result, "idle_s") == 0
    ob = result.outbound
    assert ob.agent_wait_s.sum() == 28 * RING and ob.ring_s.sum() == 28 * RING and ob.talk_s.sum() == 28 * TALK


def test_progressive_stops_at_the_end_of_the_calling_window() -> None:
    """Italian window closes at 21:00: from a 20:30 shift, dials at 20:30 + 65 k s up to 20:59:15, then none.

    The last call ends at 21:00:20; the agent then waits in the pool, idle, until the shift ends at 21:30.
    """
    result = run(hand_scenario("progressive", 1.0, start="20:30", shift_s=3600), 3, record_calls=True)
    log = result.outbound.log
    np.testing.assert_array_equal(log.time, 20.5 * 3600 + CYCLE * np.arange(28))
    assert agent_seconds(result, "idle_s") == 3600 - 28 * CYCLE
    assert result.outbound.blocked[RULES.index("window")] > 0


def test_power_two_lines_one_agent_every_event_by_hand() -> None:
    """Ratio 2, one agent: two lines at each free moment; both answer after 5 s, one connects, one drops at +7 s.

    Cycle 65 s as in progressive (the agent waits idle while the lines ring): 28 pairs, 28 RPCs
    ending at +65 s, 28 drops at +7 s (connect wait 2 s). A 50% drop rate is far from the 99% cap.
    """
    result = run(hand_scenario("power", 1.0, ratio=2.0), 3, record_calls=True)
    ob = result.outbound
    log = ob.log
    pairs = T0 + CYCLE * np.arange(28)
    np.testing.assert_array_equal(log.time, np.repeat(pairs, 2))
    assert log.outcome.tolist() == [RPC, DROPPED] * 28
    np.testing.assert_array_equal(log.end[0::2], pairs + CYCLE)
    np.testing.assert_array_equal(log.end[1::2], pairs + RING + 2.0)
    assert agent_seconds(result, "idle_s") == 28 * RING
    assert agent_seconds(result, "busy_s") == 28 * (TALK + ACW)
    assert agent_seconds(result, "dialing_s") == 0
    assert ob.fallback_s.sum() == 0 and ob.blocked[RULES.index("drop_cap")] == 0
    assert set(ob.dial_level[np.isfinite(ob.dial_level)].tolist()) == {2.0}


def test_power_three_lines_without_answers_by_hand() -> None:
    """Contact 0: three lines ring the full 26 s timeout; each one ending is replaced at once.

    Batches of three at 09:00 + 26 k s while the agent stays logged in for a line's whole ring and
    connect wait (k = 0..68, 68 × 26 = 1,768 s): at 1,794 s the agent leaves in 6 s, before a line
    dialed then could be answered, so nobody dials for them; the last batch rings out at 1,794 s.
    """
    result = run(hand_scenario("power", 0.0, ratio=3.0, timeout_s=26), 3, record_calls=True)
    log = result.outbound.log
    batches = T0 + 26.0 * np.arange(69)
    np.testing.assert_array_equal(log.time, np.repeat(batches, 3))
    np.testing.assert_array_equal(log.end, np.repeat(batches + 26.0, 3))
    assert set(log.outcome.tolist()) == {NO_ANSWER}
    assert agent_seconds(result, "idle_s") == SHIFT_S


# -- (b) the drop-cap guard ------------------------------------------------------------------------


def test_guard_holds_a_real_cap_and_gives_the_ratio_back() -> None:
    """Six lines per agent drop far more than 3%: the guard holds the window under the cap, falls back
    for part of each day, and outside those periods the dialer runs at the configured ratio, never lower."""
    scenario = outbound_scenario(agents=10, days=3, mode="power", accounts=20_000, dialer={"lines_per_agent": 6.0},
                                 compliance={"drop_cap": 0.03, "drop_window_days": 30})
    ob = run(scenario, 2).outbound
    assert ob.drop_windows_over_cap == 0
    assert np.nanmax(ob.drop_rate_window) <= 0.03
    assert ob.fallback_s.sum() > 0 and ob.blocked[RULES.index("drop_cap")] > 0
    assert set(ob.dial_level[np.isfinite(ob.dial_level)].tolist()) == {1.0, 6.0}
    per_interval = np.asarray(ob.fallback_s)
    assert np.all((per_interval >= 0) & (per_interval <= 900 + 1e-9))


def test_fallback_time_counts_only_while_the_dialer_could_dial() -> None:
    """The guard stays on through the night; fallback time counts only within the open hours.

    Shifts 06:00-14:00 against the Italian calling window 08:00-21:00 (Mon-Sat), so the window
    closes the first two hours of each shift and the logout the rest of the day: fallback is
    booked only between 08:00 and 14:00, and the guard does hold the dialer there.
    """
    scenario = outbound_scenario(agents=10, days=2, mode="power", accounts=20_000, shift_start="06:00",
                                 dialer={"lines_per_agent": 6.0}, open_windows=False,
                                 compliance={"presets": ["italy"], "drop_cap": 0.03, "drop_window_days": 30})
    result = run(scenario, 2)
    ob = result.outbound
    hour = np.arange(len(ob.fallback_s)) * scenario.calendar.interval_s / 3600 % 24
    open_hours = (hour >= 8) & (hour < 14)
    assert ob.blocked[RULES.index("drop_cap")] > 0
    assert ob.fallback_s[~open_hours].sum() == 0
    assert ob.fallback_s[open_hours].sum() > 0
    assert ob.fallback_s.sum() <= 2 * 6 * 3600

    # The views pass it on: per interval, and in hours per day.
    summary = summarize(scenario, 2, [result])
    view = dialer_view(summary)
    np.testing.assert_array_equal(view.fallback_s.mean, ob.fallback_s)
    by_day = [ob.fallback_s[:96].sum() / 3600, ob.fallback_s[96:].sum() / 3600]
    np.testing.assert_allclose(view.fallback_h_day.mean, by_day, rtol=1e-12)
    np.testing.assert_allclose(dialer_by_day(summary)["fallback_h"], by_day, rtol=1e-12)


# -- (c) the fixed-ratio rule against an independent event loop --------------------------------------

AGENTS, RATIO, CONTACT = 8, 3.0, 0.3
DELAY_MEAN, TIMEOUT, TALK_MEAN, STAT_ACW, WAIT = 8.0, 25.0, 120.0, 20.0, 2.0
SHIFT_H = 4


def power_scenario():
    return outbound_scenario(
        agents=AGENTS, days=1, mode="power", accounts=20_000, shift_h=SHIFT_H,
        start_date="2026-03-10", dialer={"lines_per_agent": RATIO, "connect_wait_s": WAIT},
        compliance={"drop_cap": 0.99},
        portfolio={"segments": [{"name": "all", "share": 1.0, "contact": CONTACT, "right_party": 1.0}]},
        attempts={"busy": 0, "machine": 0, "ring_timeout_s": TIMEOUT,
                  "answer_delay": {"distribution": "exponential", "mean_s": DELAY_MEAN}},
        conversation={"rpc_talk": {"distribution": "exponential", "mean_s": TALK_MEAN}, "acw": fixed(STAT_ACW)},
    )


def reference_power_day(rng: np.random.Generator, ratio: float) -> tuple[float, float]:
    """(drop rate, occupancy) of one shift of a fixed-ratio power dialer, by a plain event loop.

    N identical agents log in at 0 and out at the shift end (an agent in a call finishes it
    first). After every event the dialer launches lines while ringing + waiting < ratio × idle.
    A line is live with chance CONTACT if its exponential answer delay beats the timeout, else
    it rings out. A live answer takes an idle agent or waits WAIT s, then is dropped.
    """
    end = SHIFT_H * 3600.0
    events: list[tuple[float, int, str, int]] = []  # (time, sequence, kind, line id)
    seq = 0
    idle, ringing, logged_in = AGENTS, 0, AGENTS
    waiting: deque[int] = deque()
    live = dropped = 0
    busy_s = idle_s = 0.0
    last = 0.0

    def push(t: float, kind: str, line: int = -1) -> None:
        nonlocal seq
        heapq.heappush(events, (t, seq, kind, line))
        seq += 1

    def pace(now: float) -> None:
        nonlocal ringing, seq
        while now < end and ringing + len(waiting) < ratio * idle:
            delay = rng.exponential(DELAY_MEAN)
            if rng.random() < CONTACT and delay < TIMEOUT:
                push(now + delay, "answer", seq)
            else:
                push(now + TIMEOUT, "no_answer")
            ringing += 1

    def start_call(now: float) -> None:
        nonlocal busy_s
        hold = rng.exponential(TALK_MEAN) + STAT_ACW
        busy_s += hold
        push(now + hold, "free")

    push(end, "shift_end")
    pace(0.0)
    while events:
        now, _, kind, line = heapq.heappop(events)
        idle_s += idle * (now - last)
        last = now
        if kind == "no_answer":
            ringing -= 1
        elif kind == "answer":
            ringing -= 1
            live += 1
            if idle:
                idle -= 1
                start_call(now)
            else:
                waiting.append(line)
                push(now + WAIT, "give_up", line)
        elif kind == "give_up":
            if line in waiting:
                waiting.remove(line)
                dropped += 1
        elif kind == "free":
            if now >= end:
                logged_in -= 1
            elif waiting:
                waiting.popleft()
                start_call(now)
            else:
                idle += 1
        elif kind == "shift_end":
            logged_in -= idle
            idle = 0
        pace(now)
    return dropped / live, busy_s / (busy_s + idle_s)


def mean_se(values: list[float]) -> tuple[float, float]:
    return float(np.mean(values)), float(np.std(values, ddof=1) / math.sqrt(len(values)))


@pytest.fixture(scope="module")
def simulated() -> dict[str, list[float]]:
    scenario = power_scenario()
    drops, occupancy = [], []
    for rep in range(8):
        result = run(scenario, 17, replication=rep)
        ob = result.outbound
        assert ob.fallback_s.sum() == 0 and ob.blocked[RULES.index("drop_cap")] == 0
        drops.append(float(ob.outcome("dropped").sum() / ob.live.sum()))
        busy = result.staff.busy_s.sum()
        occupancy.append(float(busy / (busy + result.staff.idle_s.sum() + result.staff.dialing_s.sum())))
    return {"drop_rate": drops, "occupancy": occupancy}


@pytest.mark.parametrize("kpi", ["drop_rate", "occupancy"])
def test_power_follows_the_fixed_ratio_rule(simulated: dict[str, list[float]], kpi: str) -> None:
    """Mean over replications within 4 SE (simulation and reference SEs combined) of the event loop;
    the same loop at ratio - 0.5 is rejected."""
    sim_mean, sim_se = mean_se(simulated[kpi])
    index = 0 if kpi == "drop_rate" else 1
    rng = np.random.default_rng(2026)
    ref_mean, ref_se = mean_se([reference_power_day(rng, RATIO)[index] for _ in range(24)])
    tolerance = 4 * math.hypot(sim_se, ref_se)
    assert abs(sim_mean - ref_mean) <= tolerance, (sim_mean, ref_mean, tolerance)
    wrong_mean, wrong_se = mean_se([reference_power_day(rng, RATIO - 0.5)[index] for _ in range(24)])
    assert abs(sim_mean - wrong_mean) > 4 * math.hypot(sim_se, wrong_se), (sim_mean, wrong_mean)
