"""Plain-data results of one run: counters and numpy arrays, no live SimPy objects.

Everything here pickles cleanly, so results travel across processes and Dask workers, and
everything is documented because reports and tests read these fields directly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import numpy as np

from wfm.sim.outbound_result import OutboundSeries


@dataclass(frozen=True)
class InboundSeries:
    """Inbound counters per reporting interval, each call counted in the interval it arrived in.

    Attributes:
        offered: calls offered to the queue (first attempts and redials).
        answered: calls connected to an agent.
        abandoned: calls whose caller hung up before being answered.
        answered_in_sl: answered calls whose wait was within the service-level threshold.
        abandoned_short: abandoned calls with a wait within the short-abandon threshold.
        wait_answered_s: total wait of answered calls (seconds).
        wait_abandoned_s: total wait of abandoned calls (seconds).
        handled: calls whose handling (talk + after-call work) finished within the horizon.
        talk_s: total talk time of handled calls (seconds).
        acw_s: total after-call work of handled calls (seconds).
        redials: offered calls that were redials of an earlier abandoned call.
    """

    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    answered_in_sl: np.ndarray
    abandoned_short: np.ndarray
    wait_answered_s: np.ndarray
    wait_abandoned_s: np.ndarray
    handled: np.ndarray
    talk_s: np.ndarray
    acw_s: np.ndarray
    redials: np.ndarray


@dataclass(frozen=True)
class StaffSeries:
    """Agent-seconds per reporting interval, by state, summed over agents.

    Attributes:
        idle_s: logged in and waiting for work.
        busy_s: handling a call (talk and after-call work).
        break_s: on a scheduled break or lunch.
        absent_s: rostered but absent that day.
        dialing_s: reserved by the dialer for one line (previewing, listening to it ring);
            waiting time like `idle_s` (zero without outbound).
    """

    idle_s: np.ndarray
    busy_s: np.ndarray
    break_s: np.ndarray
    absent_s: np.ndarray
    dialing_s: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.dialing_s is None:  # older constructors: no dialer, no dialing time
            object.__setattr__(self, "dialing_s", np.zeros_like(self.idle_s))


@dataclass(frozen=True)
class AgentRow:
    """One agent's totals over the horizon; the six times add up to the horizon.

    Attributes:
        agent_id: index of the agent in the roster (stable for a scenario).
        group: name of the agent group.
        shift: name of the shift template.
        idle_s, busy_s, break_s, absent_s, off_s, dialing_s: seconds in each state.
        calls_handled: calls whose handling the agent finished.
        shifts_worked: shift instances the agent was present for.
        shifts_absent: shift instances the agent missed.
    """

    agent_id: int
    group: str
    shift: str
    idle_s: float
    busy_s: float
    break_s: float
    absent_s: float
    off_s: float
    calls_handled: int
    shifts_worked: int
    shifts_absent: int
    dialing_s: float = 0.0


@dataclass(frozen=True)
class CallRecord:
    """One inbound call's life, kept only when a run is asked to record calls (tests, traces).

    Attributes:
        call_id: arrival order (redials get later ids).
        arrival: time offered (seconds from the start of the run).
        answered: time connected, or None.
        ended: time handling ended or the caller abandoned, or None if still open at the horizon.
        agent_id: the agent who answered, or None.
        outcome: 'handled', 'abandoned', 'in_service' or 'waiting' at the end of the run.
    """

    call_id: int
    arrival: float
    answered: float | None
    ended: float | None
    agent_id: int | None
    outcome: str


@dataclass(frozen=True)
class RunResult:
    """Everything one replication measured.

    Attributes:
        seed: experiment seed; with `replication` it fixes every random draw.
        replication: index of the replication within the experiment.
        scenario_hash: `Scenario.content_hash()` of the input.
        scenario_name: the scenario's name, for labels.
        start_date: ISO date of day 0.
        horizon_s: simulated seconds.
        interval_s: length of a reporting interval (seconds).
        sl_threshold_s: service-level threshold used for `answered_in_sl`.
        short_abandon_s: short-abandon threshold used for `abandoned_short`.
        exclude_short_abandons: whether SL and abandon rates leave short abandons out.
        inbound: inbound counters per interval.
        staff: agent-seconds per interval.
        agents: per-agent totals.
        in_queue_end: callers still waiting when the horizon ended.
        in_service_end: calls still being handled when the horizon ended.
        calls: per-call records if requested, else an empty tuple.
        outbound: outbound campaign counters, or None when the scenario has no outbound.
    """

    seed: int
    replication: int
    scenario_hash: str
    scenario_name: str
    start_date: str
    horizon_s: float
    interval_s: int
    sl_threshold_s: float
    short_abandon_s: float
    exclude_short_abandons: bool
    inbound: InboundSeries
    staff: StaffSeries
    agents: tuple[AgentRow, ...]
    in_queue_end: int
    in_service_end: int
    calls: tuple[CallRecord, ...] = ()
    outbound: OutboundSeries | None = None

    @property
    def n_intervals(self) -> int:
        """Number of reporting intervals in the horizon."""
        return len(self.inbound.offered)

    @property
    def intervals_per_day(self) -> int:
        """Reporting intervals per day."""
        return 86_400 // self.interval_s


def same_values(a: Any, b: Any) -> bool:
    """Deep equality of results, comparing numpy arrays element-wise (bit-identical floats)."""
    if is_dataclass(a) and is_dataclass(b):
        return type(a) is type(b) and all(
            same_values(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)
        )
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
            and a.dtype == b.dtype and np.array_equal(a, b)
        )
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
