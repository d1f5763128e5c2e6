"""Agent-time accounting: every agent-second lands in exactly one state (DESIGN §8).

Time is booked when an agent changes state, split over the reporting intervals it spans,
so the per-interval staffing tables and the per-agent totals come from the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import numpy as np


class State(IntEnum):
    """What an agent is doing; the ledger keeps one time account per state."""

    OFF = 0
    IDLE = 1
    BUSY = 2
    BREAK = 3
    ABSENT = 4
    # Reserved by the dialer for one line: previewing the account or listening to it ring.
    # Waiting time like IDLE for occupancy, but the ACD may not route a call to the agent.
    DIALING = 5
    TRAINING = 6  # a new hire in class: paid, not taking calls


# States whose time is also tabulated per interval (OFF is the rest of the clock).
INTERVAL_STATES = (State.IDLE, State.BUSY, State.BREAK, State.ABSENT, State.DIALING, State.TRAINING)


class TimeLedger:
    """Books state durations per interval and agent group (summed over agents) and per agent."""

    def __init__(self, n_agents: int, n_intervals: int, interval_s: int,
                 agent_groups: Sequence[int] | None = None) -> None:
        self.interval_s = interval_s
        self.n_intervals = n_intervals
        # Group of each agent (all in group 0 unless given): planners need staffing per team,
        # e.g. how many inbound-capable agents were really there, not just the floor total.
        self.group_of: list[int] = list(agent_groups) if agent_groups is not None else [0] * n_agents
        self.n_groups = max(self.group_of, default=0) + 1
        # Python lists: scalar += on lists is several times faster than on numpy arrays.
        self.rows: dict[State, list[list[float]]] = {
            s: [[0.0] * n_intervals for _ in range(self.n_groups)] for s in INTERVAL_STATES
        }
        self.by_agent: list[list[float]] = [[0.0] * len(State) for _ in range(n_agents)]

    def add_agent(self, group: int = 0) -> int:
        """Open the time account of an agent who joins during the run (a new hire); returns its id."""
        self.by_agent.append([0.0] * len(State))
        self.group_of.append(group)
        return len(self.by_agent) - 1

    def book(self, agent_id: int, state: State, start: float, end: float) -> None:
        """Add the span [start, end) spent in `state` by agent `agent_id`."""
        if end <= start:
            return
        self.by_agent[agent_id][state] += end - start
        rows = self.rows.get(state)
        if rows is None:
            return
        row = rows[self.group_of[agent_id]]
        size = self.interval_s
        i = int(start // size)
        while start < end and i < self.n_intervals:
            stop = min(end, (i + 1) * size)
            row[i] += stop - start
            start = stop
            i += 1

    def group_interval_array(self, state: State) -> np.ndarray:
        """Agent-seconds in `state` per agent group and interval, shape (groups, intervals)."""
        return np.asarray(self.rows[state], dtype=float).reshape(self.n_groups, self.n_intervals)

    def interval_array(self, state: State) -> np.ndarray:
        """Agent-seconds in `state` per interval, summed over groups."""
        return self.group_interval_array(state).sum(axis=0)
