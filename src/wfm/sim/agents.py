"""Agents on shifts: rostering, absence, breaks, and the state changes that feed the ledger.

An agent always finishes the call in hand before a break or the end of the shift: the
shift process asks for a pause and waits until the agent is actually free.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np
import simpy

from wfm.scenario import DAY_S, Scenario
from wfm.sim.ledger import State, TimeLedger


@dataclass(frozen=True)
class ShiftInstance:
    """One agent's shift on one day, in absolute seconds of the run."""

    day: int
    start: float
    end: float
    breaks: tuple[tuple[float, float], ...]  # (start, duration)


@dataclass(frozen=True)
class RosterEntry:
    """Who an agent is: group, template, whether the ACD may route inbound calls to them."""

    agent_id: int
    group: str
    group_index: int
    shift: str
    takes_inbound: bool
    absence_rate: float
    instances: tuple[ShiftInstance, ...]
    unpaid_break_s: float = 0.0  # unpaid break time per shift instance (wages leave it out)


def build_roster(scenario: Scenario) -> list[RosterEntry]:
    """Expand groups × shift templates × headcount into agents with their shift instances.

    Agent order (group, template, index) is fixed by the scenario, which keeps per-agent
    random draws attached to the same agent between runs.
    """
    cal = scenario.calendar
    roster: list[RosterEntry] = []
    for g_index, group in enumerate(scenario.groups):
        for shift in group.shifts:
            for k in range(shift.headcount):
                instances = []
                for day in range(cal.horizon_days):
                    if cal.weekday_of(day) not in shift.days or cal.date_of(day) in cal.holidays:
                        continue
                    start = day * DAY_S + shift.start_s
                    breaks = tuple(
                        (
                            start + 60 * (b.offset_min + b.stagger_min * k / max(shift.headcount, 1)),
                            60 * b.duration_min,
                        )
                        for b in shift.breaks
                    )
                    instances.append(ShiftInstance(day, start, start + shift.length_s, breaks))
                roster.append(
                    RosterEntry(
                        agent_id=len(roster), group=group.name, group_index=g_index, shift=shift.name,
                        takes_inbound=group.takes_inbound, absence_rate=group.absence_rate,
                        instances=tuple(instances),
                        unpaid_break_s=sum(60 * b.duration_min for b in shift.breaks if not b.paid),
                    )
                )
    return roster


class Agent:
    """A live agent during the run: its state, and the hooks the ACD and shift process use."""

    __slots__ = (
        "entry", "agent_id", "takes_inbound", "env", "ledger", "state", "since",
        "idle_token", "pause_request", "calls_handled", "shifts_worked", "shifts_absent", "leaves_at",
    )

    def __init__(self, entry: RosterEntry, env: simpy.Environment, ledger: TimeLedger) -> None:
        self.entry = entry
        self.agent_id = entry.agent_id
        self.takes_inbound = entry.takes_inbound
        self.env = env
        self.ledger = ledger
        self.state = State.OFF
        self.since = 0.0
        self.idle_token = 0  # bumped whenever the agent stops being idle: stale idle-list entries
        self.pause_request: tuple[simpy.Event, State] | None = None
        self.calls_handled = 0
        self.shifts_worked = 0
        self.shifts_absent = 0
        self.leaves_at = math.inf  # while on shift: when the agent next leaves the phones (a break, the shift end)

    def switch(self, state: State) -> None:
        """Close the current state's span in the ledger and enter `state`."""
        now = self.env.now
        self.ledger.book(self.agent_id, self.state, self.since, now)
        if self.state is State.IDLE:
            self.idle_token += 1
        self.state = state
        self.since = now

    def handle_factor(self) -> float:
        """Multiplier on this agent's handle times (stress, learning curve); 1 for the plain model."""
        return 1.0

    def conversion_factor(self) -> float:
        """Multiplier on this agent's promise-to-pay conversion (skill, stress, incentives); 1 by default."""
        return 1.0

    def end_call(self, outcome: str) -> None:
        """A call of kind `outcome` ends; the plain agent's state does not react to calls."""
        return None

    def earn_bonus(self, amount: float) -> None:
        """Credit the agent with a bonus; the plain agent is paid no bonus."""
        return None

    def close_books(self, horizon: float) -> None:
        """Book the open span up to the horizon at the end of the run."""
        self.ledger.book(self.agent_id, self.state, self.since, horizon)
        self.since = horizon


AgentT = TypeVar("AgentT", bound=Agent)


class CallFloor(Protocol):
    """The floor as the call handlers (inbound ACD, dialer) see it, whatever its kind of agent.

    They hand an agent back when a call ends and credit it with what its calls brought in.
    """

    def finish_handling(self, agent: Agent, outcome: str = "inbound") -> None:
        """The agent has finished a call of kind `outcome`."""
        ...

    def credit(self, agent: Agent, euros_collected: float = 0.0, kept_ptps: int = 0) -> None:
        """Money collected and promises kept on accounts the agent worked."""
        ...


class ShiftFloor(Generic[AgentT]):
    """A set of agents of one kind and the shift processes that log them in and out.

    `on_free(agent)` is called whenever an agent becomes available for work; the ACD
    decides whether to hand it a queued call or to put it on the idle list. Subclasses
    build the agents and refine the shift hooks (`_attendance`, `_shift_ended`), which
    receive the floor's own kind of agent.
    """

    def __init__(
        self,
        env: simpy.Environment,
        agents: list[AgentT],
        absence_rng: np.random.Generator,
        horizon_days: int,
    ) -> None:
        self.env = env
        self.agents = agents
        # One draw per agent per day in roster order, drawn up front: absence of agent i on day d
        # does not depend on anything that happens during the run.
        self.absence_draws = absence_rng.random((horizon_days, max(len(agents), 1)))
        self.on_free: Callable[[Agent], None] = lambda agent: None

    def start(self) -> None:
        """Start one shift process per agent."""
        for agent in self.agents:
            if agent.entry.instances:
                self.env.process(self._work_shifts(agent))

    def credit(self, agent: Agent, euros_collected: float = 0.0, kept_ptps: int = 0) -> None:
        """Credit an agent with money collected and promises kept on accounts it worked (for bonuses).

        The plain floor pays no bonus and ignores credits; the workforce floor books them.
        """
        return None

    def finish_handling(self, agent: Agent, outcome: str = "inbound") -> None:
        """The agent has finished a call: honour a pending pause, otherwise look for work.

        `outcome` says what kind of call it was ('inbound', or an outbound conversation result
        such as 'ptp' or 'refusal'), for the models of the agent's state (stress) to react to.
        """
        agent.end_call(outcome)
        request = agent.pause_request
        if request is not None:
            agent.pause_request = None
            event, state = request
            agent.switch(state)
            event.succeed()
        else:
            agent.switch(State.IDLE)
            self.on_free(agent)

    def _pause(self, agent: Agent, state: State) -> simpy.Event:
        """An event that fires when the agent is off the phone and in `state`."""
        event = self.env.event()
        # A line dialed for the agent may still be answered: wait for it like for a call in hand.
        if agent.state is State.BUSY or agent.state is State.DIALING:
            agent.pause_request = (event, state)
        else:
            agent.switch(state)
            event.succeed()
        return event

    def _available(self, agent: Agent) -> None:
        agent.switch(State.IDLE)
        self.on_free(agent)

    def _work_shifts(self, agent: AgentT) -> Generator[simpy.Event, None, None]:
        env = self.env
        for inst in agent.entry.instances:
            if inst.start > env.now:
                yield env.timeout(inst.start - env.now)
            attendance = self._attendance(agent, inst)
            if attendance is None:
                return  # the agent has left the company
            if attendance is not State.IDLE:  # absent, or in training
                agent.switch(attendance)
                yield env.timeout(inst.end - env.now)
                agent.switch(State.OFF)
                self._shift_ended(agent, inst, attendance)
                continue
            agent.shifts_worked += 1
            agent.leaves_at = inst.breaks[0][0] if inst.breaks else inst.end
            self._available(agent)
            for k, (break_start, duration) in enumerate(inst.breaks):
                if break_start > env.now:
                    yield env.timeout(break_start - env.now)
                yield self._pause(agent, State.BREAK)
                yield env.timeout(duration)
                # A break pushed back by a long call may end when the next break or the shift end is
                # already due: the agent then goes straight on to it instead of taking one more call.
                next_due = inst.breaks[k + 1][0] if k + 1 < len(inst.breaks) else inst.end
                agent.leaves_at = next_due
                if env.now < next_due:
                    self._available(agent)
            if inst.end > env.now:
                yield env.timeout(inst.end - env.now)
            yield self._pause(agent, State.OFF)
            self._shift_ended(agent, inst, State.IDLE)

    def _attendance(self, agent: AgentT, inst: ShiftInstance) -> State | None:
        """What the agent does on this shift: work (IDLE), ABSENT, TRAINING, or None once gone.

        One up-front uniform per day and roster slot decides absence in the plain model.
        """
        if self.absence_draws[inst.day, agent.agent_id] < agent.entry.absence_rate:
            agent.shifts_absent += 1
            return State.ABSENT
        return State.IDLE

    def _shift_ended(self, agent: AgentT, inst: ShiftInstance, attendance: State) -> None:
        """Hook called when a shift instance is over (and the call in hand finished)."""
        return None


class Floor(ShiftFloor[Agent]):
    """The plain floor: agents whose work never changes with tenure or stress (the model without workforce dynamics)."""

    def __init__(
        self,
        env: simpy.Environment,
        roster: list[RosterEntry],
        ledger: TimeLedger,
        absence_rng: np.random.Generator,
        horizon_days: int,
    ) -> None:
        super().__init__(env, [Agent(entry, env, ledger) for entry in roster], absence_rng, horizon_days)
