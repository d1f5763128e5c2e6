"""`run(scenario, seed)`: build the model, advance it in chunks, return plain results.

The engine reports progress and checks for cancellation between chunks of simulated time,
so a GUI or CLI can drive it without the core knowing about either.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import simpy

from wfm.scenario import HOUR_S, Scenario
from wfm.sim.agents import build_roster
from wfm.sim.arrivals import arrival_times
from wfm.sim.blending import BlendingRouter
from wfm.sim.callbacks import Cancel, Progress, never_cancel, no_progress
from wfm.sim.collections.result import StrategySeries
from wfm.sim.collections.treatment import Treatment
from wfm.sim.costs import cost_breakdown
from wfm.sim.days import each_day
from wfm.sim.inbound import InboundACD
from wfm.sim.ledger import State, TimeLedger
from wfm.sim.outbound.dialer import Dialer
from wfm.sim.outbound.result import OutboundSeries
from wfm.sim.result import AgentRow, CostSeries, InboundSeries, RunResult, StaffSeries, WorkforceSeries
from wfm.sim.streams import make_streams
from wfm.sim.workforce import WorkforceFloor


class Cancelled(Exception):
    """Raised by `run` when its `cancel` callable asked it to stop."""


def run(
    scenario: Scenario,
    seed: int,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
    *,
    replication: int = 0,
    record_calls: bool = False,
) -> RunResult:
    """Simulate one replication of `scenario`.

    Args:
        scenario: the validated input.
        seed: experiment seed; with `replication` it fixes every random draw.
        progress: called with the fraction of simulated time done, after each chunk.
        cancel: polled after each chunk; when it returns True the run raises `Cancelled`.
        replication: index of this replication within an experiment (selects its streams).
        record_calls: keep a record per inbound call and per dial attempt (for tests and traces; costs memory).
    """
    cal = scenario.calendar
    streams = make_streams(seed, replication)
    env = simpy.Environment()
    roster = build_roster(scenario)
    n_intervals = cal.horizon_days * cal.intervals_per_day
    ledger = TimeLedger(len(roster), n_intervals, cal.interval_s, [e.group_index for e in roster])
    floor = WorkforceFloor(env, roster, ledger, scenario, streams.absence, streams.attrition, streams.hiring)
    acd = InboundACD(env, scenario, floor, streams.handle_times, streams.patience, streams.redials,
                     record_calls=record_calls)
    floor.on_free = acd.agent_free
    dialer = None
    treatment: Treatment | None = None
    if scenario.outbound.enabled:
        dialer = Dialer(env, scenario, floor, floor.agents, streams.dial_outcomes, streams.accounts,
                        record=record_calls)
        floor.on_free = BlendingRouter(scenario, acd, dialer).agent_free
        if scenario.strategy.enabled:
            treatment = Treatment(env, scenario, dialer, acd, streams.strategy, record=record_calls)
        dialer.start()
    floor.start()
    if scenario.inbound.enabled:
        feed = partial(_feed_day, scenario, acd, streams.arrivals)
        env.process(each_day(env, cal.horizon_days, feed))

    horizon = cal.horizon_s
    chunk = cal.interval_s
    t = 0
    while t < horizon:
        t = min(t + chunk, horizon)
        env.run(until=t)
        progress(t / horizon)
        if cancel():
            raise Cancelled(f"run cancelled at {t / HOUR_S:.2f} simulated hours")

    for agent in floor.agents:
        agent.close_books(horizon)
    inbound = acd.counters.freeze()
    workforce = floor.series()
    outbound = dialer.freeze() if dialer is not None else None
    strategy = treatment.freeze() if treatment is not None else None
    if treatment is not None and outbound is not None:
        outbound = treatment.placed_campaign(outbound)
    by_group = ledger.group_interval_array
    available_by_group = by_group(State.IDLE) + by_group(State.BUSY) + by_group(State.DIALING)
    return RunResult(
        seed=seed,
        replication=replication,
        scenario_hash=scenario.content_hash(),
        scenario_name=scenario.name,
        start_date=cal.start_date.isoformat(),
        horizon_s=float(horizon),
        interval_s=cal.interval_s,
        sl_threshold_s=scenario.inbound.service_level.threshold_s,
        short_abandon_s=scenario.inbound.service_level.short_abandon_s,
        exclude_short_abandons=scenario.inbound.service_level.exclude_short_abandons,
        inbound=inbound,
        staff=StaffSeries(
            idle_s=ledger.interval_array(State.IDLE),
            busy_s=ledger.interval_array(State.BUSY),
            break_s=ledger.interval_array(State.BREAK),
            absent_s=ledger.interval_array(State.ABSENT),
            dialing_s=ledger.interval_array(State.DIALING),
            training_s=ledger.interval_array(State.TRAINING),
            group_names=tuple(g.name for g in scenario.groups),
            available_by_group_s=_padded(available_by_group, len(scenario.groups)),
            busy_by_group_s=_padded(ledger.group_interval_array(State.BUSY), len(scenario.groups)),
        ),
        agents=tuple(
            AgentRow(
                agent_id=a.agent_id, group=a.entry.group, shift=a.entry.shift,
                idle_s=ledger.by_agent[a.agent_id][State.IDLE],
                busy_s=ledger.by_agent[a.agent_id][State.BUSY],
                break_s=ledger.by_agent[a.agent_id][State.BREAK],
                absent_s=ledger.by_agent[a.agent_id][State.ABSENT],
                off_s=ledger.by_agent[a.agent_id][State.OFF],
                calls_handled=a.calls_handled, shifts_worked=a.shifts_worked, shifts_absent=a.shifts_absent,
                dialing_s=ledger.by_agent[a.agent_id][State.DIALING],
                **floor.row_extras(a),
            )
            for a in floor.agents
        ),
        in_queue_end=acd.n_waiting,
        in_service_end=acd.in_service(),
        calls=acd.records(),
        outbound=outbound,
        workforce=workforce,
        costs=_costs(scenario, workforce, inbound, outbound, strategy),
        strategy=strategy,
    )


def _padded(by_group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group rows for every scenario group, also those without agents (the ledger sees none)."""
    out = np.zeros((n_groups, by_group.shape[1]))
    out[: by_group.shape[0]] = by_group
    return out


def _costs(
    scenario: Scenario, workforce: WorkforceSeries, inbound: InboundSeries, outbound: OutboundSeries | None,
    strategy: StrategySeries | None = None,
) -> CostSeries:
    """Money by day; outbound attempts and line time (ringing and talk) are billed as telephony."""
    if outbound is None:
        return cost_breakdown(scenario.costs, workforce, inbound, dialer_in_use=False)
    days = scenario.calendar.horizon_days
    return cost_breakdown(
        scenario.costs, workforce, inbound,
        attempts_per_day=outbound.outcomes.sum(axis=1).reshape(days, -1).sum(axis=1),
        phone_s_per_day=(outbound.ring_s + outbound.talk_s).reshape(days, -1).sum(axis=1),
        messages_per_day=None if strategy is None else strategy.message_cost_per_day,
        field_per_day=None if strategy is None or not len(strategy.field_cost) else strategy.field_cost,
        legal_per_day=None if strategy is None or not len(strategy.legal_cost) else strategy.legal_cost,
    )


def _feed_day(scenario: Scenario, acd: InboundACD, rng: np.random.Generator, day: int) -> None:
    """Draw and offer one day's arrivals at the start of that day (memory flat in the horizon)."""
    acd.feed_day(arrival_times(rng, scenario.inbound.demand, scenario.calendar, day))
