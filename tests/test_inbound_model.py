"""The inbound core on cases small enough to compute by hand, and the laws every run must obey.

(a) exact event times, driving `InboundACD` and `Floor` directly on a SimPy environment;
(b) conservation of calls and agent-seconds; (c) reproducibility; (d) common random numbers;
(e) direction; (f) shifts across midnight; (g) progress and cancellation; (h) KPI arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterable
from pathlib import Path

import numpy as np
import pytest
import simpy

from baseline_runs import short_baseline
from stationary import stationary_scenario
from wfm import kpi
from wfm.experiment import RunPlan, replicate
from wfm.scenario import DAY_S, Scenario
from wfm.scenario.io import load_scenario, scenario_from_mapping
from wfm.sim import Cancelled, InboundSeries, RunResult, StaffSeries, run, same_values
from wfm.sim.agents import Floor, RosterEntry, ShiftInstance
from wfm.sim.inbound import Call as InboundCall
from wfm.sim.inbound import InboundACD
from wfm.sim.ledger import State, TimeLedger

# --------------------------------------------------------------------------------------------
# (a) hand-computed cases on a bare environment
# --------------------------------------------------------------------------------------------

HORIZON = 100.0
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
INF = math.inf


class Bench:
    """One-day ACD and floor with hand-made agents and calls, nothing random."""

    def __init__(self, shifts: Iterable[tuple[float, float, tuple[tuple[float, float], ...]]]) -> None:
        self.env = simpy.Environment()
        roster = [
            RosterEntry(agent_id=i, group="G", group_index=0, shift="S", takes_inbound=True, absence_rate=0.0,
                        instances=(ShiftInstance(0, start, end, breaks),))
            for i, (start, end, breaks) in enumerate(shifts)
        ]
        self.ledger = TimeLedger(len(roster), 96, 900)
        rng = np.random.default_rng(0)  # absence draws only; absence_rate 0 makes them irrelevant
        self.floor = Floor(self.env, roster, self.ledger, rng, 1)
        scenario = stationary_scenario(max(len(roster), 1), 60, 60, None)
        self.acd = InboundACD(self.env, scenario, self.floor, rng, rng, rng)
        self.floor.on_free = self.acd.agent_free
        self.floor.start()
        self.calls: list[InboundCall] = []

    def call(self, at: float, talk: float, patience: float = INF, acw: float = 0.0) -> InboundCall:
        """Offer a call with these exact durations at time `at`."""
        call = InboundCall(len(self.calls), at, int(at // 900), talk, acw, patience, is_redial=False)
        self.calls.append(call)

        def arrive() -> Generator[simpy.Event, None, None]:
            yield self.env.timeout(at)
            self.acd.offer(call)

        self.env.process(arrive())
        return call

    def run(self, until: float = HORIZON) -> None:
        self.env.run(until=until)
        for agent in self.floor.agents:
            agent.close_books(until)

    def seconds(self, agent_id: int, state: State) -> float:
        return self.ledger.by_agent[agent_id][state]


def life(call: InboundCall) -> tuple[float | None, float | None, int | None, str]:
    return call.answered, call.ended, call.agent_id, call.status


def test_two_callers_one_agent_are_served_in_turn() -> None:
    bench = Bench([(0.0, HORIZON, ())])
    first, second = bench.call(0.0, talk=5.0), bench.call(1.0, talk=3.0)
    bench.run()
    assert life(first) == (0.0, 5.0, 0, "handled")
    assert life(second) == (5.0, 8.0, 0, "handled")
    c = bench.acd.counters
    assert (c.offered[0], c.answered[0], c.handled[0], c.abandoned[0]) == (2, 2, 2, 0)
    assert c.wait_answered_s[0] == 4.0 and c.talk_s[0] == 8.0
    assert bench.seconds(0, State.BUSY) == 8.0 and bench.seconds(0, State.IDLE) == HORIZON - 8.0


def test_after_call_work_keeps_the_agent_busy() -> None:
    bench = Bench([(0.0, HORIZON, ())])
    first, second = bench.call(0.0, talk=5.0, acw=2.0), bench.call(1.0, talk=3.0)
    bench.run()
    assert life(first) == (0.0, 7.0, 0, "handled")
    assert life(second) == (7.0, 10.0, 0, "handled")
    assert bench.acd.counters.acw_s[0] == 2.0


def test_impatient_caller_behind_a_busy_agent_abandons() -> None:
    bench = Bench([(0.0, HORIZON, ())])
    bench.call(0.0, talk=5.0)
    impatient = bench.call(1.0, talk=3.0, patience=2.0)
    patient = bench.call(2.0, talk=1.0, patience=10.0)
    bench.run()
    assert life(impatient) == (None, 3.0, None, "abandoned")
    assert life(patient) == (5.0, 6.0, 0, "handled")  # the abandoner no longer holds its place
    c = bench.acd.counters
    assert (c.abandoned[0], c.wait_abandoned_s[0], c.abandoned_short[0]) == (1, 2.0, 1)
    assert bench.acd.n_waiting == 0


def test_caller_answered_exactly_when_patience_would_run_out_is_answered_or_abandoned_once() -> None:
    bench = Bench([(0.0, HORIZON, ())])
    bench.call(0.0, talk=5.0)
    edge = bench.call(1.0, talk=1.0, patience=4.0)  # the agent frees up at 5, patience ends at 5
    bench.run()
    assert edge.status in ("handled", "abandoned")
    c = bench.acd.counters
    assert c.answered[0] + c.abandoned[0] == 2 and bench.acd.n_waiting == 0


def test_longest_idle_agent_gets_the_call() -> None:
    bench = Bench([(0.0, HORIZON, ())] * 3)
    x = bench.call(1.0, talk=10.0)  # agent 0: first of the three to become idle
    y = bench.call(2.0, talk=2.0)   # agent 1, free again at 4 (now the most recently idle)
    z = bench.call(5.0, talk=1.0)   # agent 2 has been idle since 0: the longest
    w = bench.call(7.0, talk=1.0)   # agent 1 (idle since 4) before agent 2 (idle since 6)
    bench.run()
    assert [c.agent_id for c in (x, y, z, w)] == [0, 1, 2, 1]
    assert [c.answered for c in (x, y, z, w)] == [1.0, 2.0, 5.0, 7.0]


def test_agent_finishes_the_call_before_the_break() -> None:
    bench = Bench([(0.0, HORIZON, ((10.0, 5.0),))])
    long_call = bench.call(8.0, talk=6.0)   # still talking at 10, when the break is due
    queued = bench.call(12.0, talk=1.0)     # must wait for the whole break, which starts at 14
    bench.run()
    assert life(long_call) == (8.0, 14.0, 0, "handled")
    assert life(queued) == (19.0, 20.0, 0, "handled")
    assert bench.seconds(0, State.BREAK) == 5.0
    assert bench.seconds(0, State.BUSY) == 7.0
    assert bench.seconds(0, State.IDLE) == HORIZON - 12.0


def test_idle_agent_goes_on_break_on_time_and_takes_no_calls() -> None:
    bench = Bench([(0.0, HORIZON, ((10.0, 5.0),))])
    during_break = bench.call(11.0, talk=1.0)
    bench.run()
    assert life(during_break) == (15.0, 16.0, 0, "handled")
    assert bench.seconds(0, State.BREAK) == 5.0


def test_agent_finishes_the_call_before_logging_off() -> None:
    bench = Bench([(0.0, 20.0, ())])
    last = bench.call(18.0, talk=5.0)    # runs past the shift end at 20
    orphan = bench.call(19.0, talk=1.0)  # nobody is left to answer it
    bench.run(until=30.0)
    assert life(last) == (18.0, 23.0, 0, "handled")
    assert life(orphan) == (None, None, None, "waiting")
    assert bench.acd.n_waiting == 1
    assert bench.seconds(0, State.IDLE) == 18.0
    assert bench.seconds(0, State.BUSY) == 5.0
    assert bench.seconds(0, State.OFF) == 7.0


def test_agent_logging_in_takes_the_oldest_waiting_caller() -> None:
    bench = Bench([(10.0, HORIZON, ())])
    early, later = bench.call(2.0, talk=3.0), bench.call(4.0, talk=3.0)
    bench.run()
    assert life(early) == (10.0, 13.0, 0, "handled")
    assert life(later) == (13.0, 16.0, 0, "handled")
    assert bench.seconds(0, State.OFF) == 10.0


# --------------------------------------------------------------------------------------------
# End to end with recorded calls
# --------------------------------------------------------------------------------------------


def _scenario(**changes: object) -> Scenario:
    """A small one-day scenario (2 agents, fixed talk 60 s + ACW 10 s), with nested overrides."""
    data: dict = {
        "name": "small",
        "calendar": {"start_date": "2026-01-05", "horizon_days": 1,
                     "opening_hours": {"mon": {"open": "08:00", "close": "12:00"}}},
        "inbound": {
            "demand": {"daily_volume": {"mon": 300}, "intraday_shape": [1.0] * 24},
            "talk": {"distribution": "fixed", "mean_s": 60},
            "acw": {"distribution": "fixed", "mean_s": 10},
            "patience": {"distribution": "exponential", "mean_s": 60},
        },
        "groups": [{"name": "G", "shifts": [{"days": ["mon"], "start": "08:00", "length_h": 4, "headcount": 2}]}],
    }
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return scenario_from_mapping(data)


def test_recorded_calls_agree_with_the_counters() -> None:
    scenario = _scenario()
    result = run(scenario, 11, record_calls=True)
    calls = result.calls
    ib = result.inbound
    assert len(calls) == ib.offered.sum() > 100
    outcomes = [c.outcome for c in calls]
    assert outcomes.count("abandoned") == ib.abandoned.sum() > 0
    assert outcomes.count("handled") == ib.handled.sum()
    assert outcomes.count("in_service") == result.in_service_end
    assert outcomes.count("waiting") == result.in_queue_end
    answered = [c for c in calls if c.answered is not None]
    assert len(answered) == ib.answered.sum()
    assert math.isclose(sum(c.answered - c.arrival for c in answered), ib.wait_answered_s.sum())
    for c in calls:
        assert 8 * 3600 <= c.arrival < 12 * 3600  # offered only while open
        if c.outcome == "handled":
            assert c.ended - c.answered == pytest.approx(70.0)  # fixed talk + fixed ACW
            assert 8 * 3600 <= c.answered <= 12 * 3600
        if c.outcome == "abandoned":
            assert c.answered is None and c.ended > c.arrival


def test_recorded_calls_are_answered_first_come_first_served_one_at_a_time() -> None:
    result = run(_scenario(), 12, record_calls=True)
    answered = sorted((c for c in result.calls if c.answered is not None), key=lambda c: c.arrival)
    assert all(a.answered <= b.answered for a, b in zip(answered, answered[1:], strict=False))
    by_agent: dict[int, list[tuple[float, float]]] = {}
    for c in answered:
        by_agent.setdefault(c.agent_id, []).append((c.answered, c.ended if c.ended is not None else math.inf))
    busy = {row.agent_id: row.busy_s for row in result.agents}
    for agent_id, spans in by_agent.items():
        spans.sort()
        assert all(end <= nxt for (_, end), (nxt, _) in zip(spans, spans[1:], strict=False))
        worked = sum(min(end, result.horizon_s) - start for start, end in spans)
        assert worked == pytest.approx(busy[agent_id])
    assert result.agents[0].calls_handled + result.agents[1].calls_handled == result.inbound.handled.sum()


def test_without_recording_no_calls_are_kept() -> None:
    assert run(_scenario(), 11).calls == ()


# --------------------------------------------------------------------------------------------
# (b) conservation in every run
# --------------------------------------------------------------------------------------------


def _multi_day() -> Scenario:
    """Two weeks of the baseline with heavy redials, absence, a holiday and a night shift."""
    return scenario_from_mapping({
        "name": "two weeks",
        "calendar": {"start_date": "2026-01-05", "horizon_days": 14, "holidays": ["2026-01-06"],
                     "opening_hours": {d: {"open": "07:00", "close": "24:00"}
                                       for d in ("mon", "tue", "wed", "thu", "fri", "sat")}},
        "inbound": {
            "demand": {"daily_volume": {"mon": 900, "tue": 800, "wed": 800, "thu": 800, "fri": 700, "sat": 300},
                       "day_cv": 0.2},
            "talk": {"distribution": "lognormal", "mean_s": 280, "cv": 0.8},
            "acw": {"distribution": "exponential", "mean_s": 25},
            "patience": {"distribution": "lognormal", "mean_s": 90, "cv": 1.2},
            "redial": {"probability": 0.6, "delay_mean_s": 600},
        },
        "groups": [
            {"name": "Day", "absence_rate": 0.15, "shifts": [
                {"name": "early", "days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "07:00",
                 "length_h": 8, "headcount": 6,
                 "breaks": [{"offset_min": 120, "duration_min": 15, "stagger_min": 30},
                            {"name": "lunch", "offset_min": 240, "duration_min": 30, "stagger_min": 60}]},
                {"name": "late", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "13:30",
                 "length_h": 8, "headcount": 5,
                 "breaks": [{"offset_min": 200, "duration_min": 30, "stagger_min": 40}]},
            ]},
            {"name": "Night", "kind": "blended", "absence_rate": 0.1, "shifts": [
                {"name": "night", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "22:00",
                 "length_h": 9, "headcount": 2}]},
        ],
    })


def _two_days(scenario: Scenario) -> Scenario:
    """`scenario` over two days: the accounting crosses a day boundary; more days add nothing to it."""
    return scenario.model_copy(update={"calendar": scenario.calendar.model_copy(update={"horizon_days": 2})})


CONSERVATION_CASES: dict[str, Callable[[], Scenario]] = {
    "baseline": short_baseline,
    "two weeks, redials, breaks, absence, night shift": _multi_day,
    "overloaded, callers never hang up": lambda: stationary_scenario(5, 120, 180, None, hours=10),
    "short abandons excluded": lambda: _scenario(inbound__service_level={"exclude_short_abandons": True}),
    "predictive dialer with blending": lambda: _two_days(load_scenario(SCENARIOS / "predictive.toml")),
}


@pytest.fixture(scope="module", params=list(CONSERVATION_CASES), ids=list(CONSERVATION_CASES))
def any_run(request: pytest.FixtureRequest) -> RunResult:
    return run(CONSERVATION_CASES[request.param](), 7)


def test_every_offered_call_is_answered_abandoned_or_still_waiting(any_run: RunResult) -> None:
    ib = any_run.inbound
    assert ib.offered.sum() > 0
    assert ib.offered.sum() == ib.answered.sum() + ib.abandoned.sum() + any_run.in_queue_end
    assert ib.answered.sum() == ib.handled.sum() + any_run.in_service_end
    assert np.all(ib.answered_in_sl <= ib.answered) and np.all(ib.abandoned_short <= ib.abandoned)
    assert np.all(ib.redials <= ib.offered)
    handled_by_agents = sum(a.calls_handled for a in any_run.agents)
    if any_run.outbound is None:
        assert handled_by_agents == ib.handled.sum()
    else:  # agents' counts include their outbound conversations
        assert handled_by_agents >= ib.handled.sum()


def test_every_agent_second_is_accounted_for(any_run: RunResult) -> None:
    for agent in any_run.agents:
        times = (agent.idle_s, agent.busy_s, agent.break_s, agent.absent_s, agent.off_s, agent.dialing_s)
        assert sum(times) == pytest.approx(any_run.horizon_s, abs=1e-6)
        assert min(times) >= 0


def test_interval_staff_tables_add_up_to_the_agent_totals(any_run: RunResult) -> None:
    staff = any_run.staff
    for name in ("idle_s", "busy_s", "break_s", "absent_s", "dialing_s"):
        per_interval = getattr(staff, name)
        assert len(per_interval) == any_run.n_intervals
        assert per_interval.sum() == pytest.approx(sum(getattr(a, name) for a in any_run.agents), rel=1e-12)
    logged = staff.idle_s + staff.busy_s + staff.break_s + staff.absent_s + staff.dialing_s
    assert np.all(logged <= len(any_run.agents) * any_run.interval_s + 1e-6)


def test_conservation_holds_with_heavy_redials_and_absence_in_every_replication() -> None:
    scenario = _multi_day()
    for rep in range(3):
        r = run(scenario, 99, replication=rep)
        ib = r.inbound
        assert ib.redials.sum() > 0 and sum(a.shifts_absent for a in r.agents) > 0
        assert ib.offered.sum() == ib.answered.sum() + ib.abandoned.sum() + r.in_queue_end
        assert sum(a.break_s for a in r.agents) > 0


# --------------------------------------------------------------------------------------------
# (c) reproducibility and (d) common random numbers
# --------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_results_and_another_seed_does_not(baseline_2d: Scenario) -> None:
    scenario = baseline_2d  # every stream of the default scenario; two days cross a day boundary
    first, again, other = run(scenario, 5), run(scenario, 5), run(scenario, 6)
    assert same_values(first, again)
    assert not same_values(first, other)
    assert not np.array_equal(first.inbound.offered, other.inbound.offered)


def test_a_replication_does_not_depend_on_how_many_are_run() -> None:
    scenario = _scenario()
    three, five = replicate(scenario, RunPlan(3, 2026)), replicate(scenario, RunPlan(5, 2026))
    for i in range(3):
        assert same_values(three.runs[i], five.runs[i])
        assert same_values(three.runs[i], run(scenario, 2026, replication=i))
    assert not same_values(five.runs[0].inbound, five.runs[1].inbound)


def test_changing_headcount_keeps_the_arrivals() -> None:
    base = stationary_scenario(20, 360, 180, 120)
    more = stationary_scenario(25, 360, 180, 120)
    fewer = stationary_scenario(15, 360, 180, 120)
    results = [run(s, 3, replication=1) for s in (base, more, fewer)]
    offered = [r.inbound.offered for r in results]
    assert np.array_equal(offered[0], offered[1]) and np.array_equal(offered[0], offered[2])
    assert len({r.inbound.abandoned.sum() for r in results}) == 3  # the outcomes do change


def test_changing_headcount_keeps_the_arrival_times() -> None:
    def arrivals(agents: int) -> list[float]:
        return [c.arrival for c in run(_scenario(groups=[{"name": "G", "shifts": [
            {"days": ["mon"], "start": "08:00", "length_h": 4, "headcount": agents}]}]), 4, record_calls=True).calls]

    assert arrivals(1) == arrivals(4)


# --------------------------------------------------------------------------------------------
# (e) direction
# --------------------------------------------------------------------------------------------


def test_more_agents_answer_faster() -> None:
    asa, abandon = [], []
    for agents in (18, 20, 22, 26):
        ib = run(stationary_scenario(agents, 360, 180, 120, hours=8), 1).inbound
        asa.append(ib.wait_answered_s.sum() / ib.answered.sum())
        abandon.append(ib.abandoned.sum() / ib.offered.sum())
    assert asa == sorted(asa, reverse=True) and asa[0] > 2 * asa[-1]
    assert abandon == sorted(abandon, reverse=True)


def test_plenty_of_agents_means_nobody_waits() -> None:
    ib = run(stationary_scenario(60, 360, 180, 120, hours=4), 1).inbound
    assert ib.offered.sum() > 0
    assert ib.wait_answered_s.sum() == 0 and ib.abandoned.sum() == 0
    assert ib.answered_in_sl.sum() == ib.offered.sum()


# --------------------------------------------------------------------------------------------
# (f) a shift across midnight
# --------------------------------------------------------------------------------------------


def test_night_shift_stays_logged_in_until_seven_the_next_morning() -> None:
    scenario = scenario_from_mapping({
        "calendar": {"start_date": "2026-01-05", "horizon_days": 2, "interval_minutes": 60,
                     "opening_hours": {"mon": {"open": "00:00", "close": "24:00"}}},
        "inbound": {"demand": {"daily_volume": {}}},
        "groups": [{"name": "Night", "shifts": [
            {"name": "night", "days": ["mon"], "start": "22:00", "length_h": 9, "headcount": 3}]}],
    })
    result = run(scenario, 1)
    logged_in = (result.staff.idle_s + result.staff.busy_s) / 3600
    expected = np.zeros(48)
    expected[22:31] = 3  # Monday 22:00 to Tuesday 07:00
    np.testing.assert_allclose(logged_in, expected)
    assert all(a.shifts_worked == 1 and a.idle_s == 9 * 3600 for a in result.agents)


def test_night_shift_answers_calls_after_midnight() -> None:
    scenario = scenario_from_mapping({
        "calendar": {"start_date": "2026-01-05", "horizon_days": 2,
                     "opening_hours": {"mon": {"open": "00:00", "close": "24:00"},
                                       "tue": {"open": "00:00", "close": "24:00"}}},
        "inbound": {"demand": {"daily_volume": {"tue": 40}, "intraday_shape": [1.0] * 5 + [0.0] * 19},
                    "patience": {"distribution": "none"}},
        "groups": [{"name": "Night", "shifts": [
            {"days": ["mon"], "start": "22:00", "length_h": 9, "headcount": 2}]}],
    })
    result = run(scenario, 1, record_calls=True)
    assert result.calls and all(DAY_S <= c.answered < DAY_S + 7 * 3600 for c in result.calls)
    assert result.inbound.answered.sum() == result.inbound.offered.sum()


# --------------------------------------------------------------------------------------------
# (g) progress and cancellation
# --------------------------------------------------------------------------------------------


def test_progress_rises_to_one() -> None:
    seen: list[float] = []
    run(_scenario(), 1, progress=seen.append)
    assert len(seen) == 96
    assert all(a < b for a, b in zip(seen, seen[1:], strict=False))
    assert 0 < seen[0] and seen[-1] == 1.0


def test_cancel_stops_the_run() -> None:
    seen: list[float] = []
    with pytest.raises(Cancelled, match="cancelled at"):
        run(_scenario(), 1, progress=seen.append, cancel=lambda: len(seen) >= 3)
    assert len(seen) == 3 and seen[-1] < 1.0


# --------------------------------------------------------------------------------------------
# (h) KPI arithmetic on a hand-made result
# --------------------------------------------------------------------------------------------


def _hand_result(exclude_short: bool) -> RunResult:
    """Two days of two 12-hour intervals; the numbers are chosen to make the ratios easy."""

    def arr(*values: float, dtype: type = float) -> np.ndarray:
        return np.array(values, dtype=dtype)

    ints = {"dtype": np.int64}
    inbound = InboundSeries(
        offered=arr(100, 0, 50, 10, **ints),
        answered=arr(80, 0, 40, 10, **ints),
        abandoned=arr(20, 0, 10, 0, **ints),
        answered_in_sl=arr(60, 0, 30, 5, **ints),
        abandoned_short=arr(10, 0, 0, 0, **ints),
        wait_answered_s=arr(800, 0, 200, 100),
        wait_abandoned_s=arr(900, 0, 300, 0),
        handled=arr(80, 0, 40, 10, **ints),
        talk_s=arr(16_000, 0, 8_000, 2_000),
        acw_s=arr(1_600, 0, 800, 200),
        redials=arr(5, 0, 2, 0, **ints),
    )
    half = 43_200.0
    staff = StaffSeries(
        idle_s=arr(2 * half, 0, half, half / 2),
        busy_s=arr(2 * half, 0, half, half / 2),
        break_s=arr(0, 0, 0, 0),
        absent_s=arr(half, 0, 0, 0),
    )
    return RunResult(
        seed=0, replication=0, scenario_hash="x", scenario_name="hand", start_date="2026-01-05",
        horizon_s=4 * half, interval_s=int(half), sl_threshold_s=20.0, short_abandon_s=5.0,
        exclude_short_abandons=exclude_short, inbound=inbound, staff=staff, agents=(),
        in_queue_end=0, in_service_end=0,
    )


def test_overall_kpis_by_hand() -> None:
    k = kpi.overall(_hand_result(exclude_short=False))
    assert k["offered"] == 160 and k["answered"] == 130 and k["abandoned"] == 30
    assert k["answer_rate"] == pytest.approx(130 / 160)
    assert k["abandon_rate"] == pytest.approx(30 / 160)
    assert k["service_level"] == pytest.approx(95 / 160)
    assert k["asa"] == pytest.approx(1100 / 130)
    assert k["aht"] == pytest.approx((26_000 + 2_600) / 130)
    assert k["occupancy"] == pytest.approx(0.5)
    assert k["redials"] == 7
    # agents available: mean over the three active intervals of 4, 2 and 1 agents
    assert k["agents_available"] == pytest.approx((4 + 2 + 1) / 3)


def test_short_abandons_leave_sl_and_abandon_rate_when_excluded() -> None:
    k = kpi.overall(_hand_result(exclude_short=True))
    assert k["service_level"] == pytest.approx(95 / 150)
    assert k["abandon_rate"] == pytest.approx(20 / 150)
    assert k["answer_rate"] == pytest.approx(130 / 160)  # the answer rate is always over all offered
    assert k["offered"] == 160


def test_kpis_by_day_by_hand() -> None:
    d = kpi.by_day(_hand_result(exclude_short=True))
    assert list(d["date"]) == ["2026-01-05", "2026-01-06"] and list(d["day"]) == [0, 1]
    np.testing.assert_allclose(d["offered"], [100, 60])
    np.testing.assert_allclose(d["service_level"], [60 / 90, 35 / 60])
    np.testing.assert_allclose(d["abandon_rate"], [10 / 90, 10 / 60])
    np.testing.assert_allclose(d["asa"], [10, 300 / 50])
    np.testing.assert_allclose(d["aht"], [220, 11_000 / 50])
    np.testing.assert_allclose(d["occupancy"], [0.5, 0.5])
    # day 0: 4 agents for one 12-hour interval; day 1: 2 then 1 agents over two intervals
    np.testing.assert_allclose(d["agents_available"], [4, 1.5])


def test_kpis_by_interval_by_hand() -> None:
    i = kpi.by_interval(_hand_result(exclude_short=False))
    np.testing.assert_array_equal(i["interval"], [0, 1, 2, 3])
    np.testing.assert_array_equal(i["start_s"], [0, 43_200, 86_400, 129_600])
    np.testing.assert_allclose(i["service_level"], [0.6, np.nan, 0.6, 0.5])
    np.testing.assert_allclose(i["asa"], [10, np.nan, 5, 10])
    np.testing.assert_allclose(i["agents_available"], [4, 0, 2, 1])


def test_break_pushed_past_the_shift_end_sends_the_agent_home_not_back_to_the_phone() -> None:
    # The break (14 to 19) fits the shift (0 to 20), but a call holds the agent until 18, so the
    # break runs 18 to 23, past the shift end: the agent logs off then and takes no new call.
    bench = Bench([(0.0, 20.0, ((14.0, 5.0),))])
    holding = bench.call(10.0, talk=8.0)
    waiting = bench.call(19.0, talk=1.0)
    bench.run(until=30.0)
    assert life(holding) == (10.0, 18.0, 0, "handled")
    assert life(waiting) == (None, None, None, "waiting")
    assert bench.seconds(0, State.BREAK) == 5.0
    assert bench.seconds(0, State.OFF) == 7.0


def test_break_pushed_into_the_next_break_runs_on_into_it() -> None:
    # Coffee 10–15 and lunch 15–25; a call until 14 pushes coffee to 14–19, when lunch is overdue:
    # the agent goes straight on to lunch (19–29) rather than picking up the waiting caller first.
    bench = Bench([(0.0, HORIZON, ((10.0, 5.0), (15.0, 10.0)))])
    bench.call(4.0, talk=10.0)
    waiting = bench.call(16.0, talk=1.0)
    bench.run()
    assert life(waiting) == (29.0, 30.0, 0, "handled")
    assert bench.seconds(0, State.BREAK) == 15.0
