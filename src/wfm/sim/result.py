"""Plain-data results of one run: counters and numpy arrays, no live SimPy objects.

Everything here pickles cleanly, so results travel across processes and Dask workers, and
everything is documented because reports and tests read these fields directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np

from wfm.scenario.units import DAY_S
from wfm.sim.collections.result import StrategySeries
from wfm.sim.outbound.result import OutboundSeries


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
        training_s: new hires in class (paid, not taking calls); empty in results made without it.
        group_names: agent groups of the per-group arrays, in scenario order.
        available_by_group_s: agent-seconds available for work (idle, busy or waiting on the dialer)
            per group and interval, shape (groups, intervals).
        busy_by_group_s: agent-seconds handling calls per group and interval, shape (groups, intervals).
    """

    idle_s: np.ndarray
    busy_s: np.ndarray
    break_s: np.ndarray
    absent_s: np.ndarray
    dialing_s: np.ndarray | None = None
    training_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    group_names: tuple[str, ...] = ()
    available_by_group_s: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    busy_by_group_s: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

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
        training_s: seconds in training class (new hires).
        slot: roster slot (group × template × index) the agent fills; hires take a leaver's slot.
        hire_day: day the agent joined (0 for the agents on the roster at the start).
        leave_day: day the agent resigned and left at the end of the shift, or None if still employed.
        tenure_start_days: tenure at day 0 (agents on the initial roster) or 0 (hires).
        stress_end: stress at the end of the run (or when leaving).
        productivity_end: learning-curve productivity at the end of the run (1 when tenured).
        bonus: bonus money earned over the horizon.
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
    training_s: float = 0.0
    slot: int = -1
    hire_day: int = 0
    leave_day: int | None = None
    tenure_start_days: float = 0.0
    stress_end: float = 0.0
    productivity_end: float = 1.0
    bonus: float = 0.0


TENURE_BANDS: tuple[tuple[str, float], ...] = (("0-90d", 90.0), ("90-365d", 365.0), ("365d+", float("inf")))
STRESS_BINS = 100


def _empty(*shape: int) -> np.ndarray:
    return np.zeros(shape)


@dataclass(frozen=True)
class WorkforceSeries:
    """The people, one row per simulated day (and a column per agent group where it says so).

    Shifts count on the day they start. Arrays indexed [day, group] follow `group_names`.

    Attributes:
        group_names: names of the agent groups, in scenario order.
        group_kinds: 'inbound', 'outbound' or 'blended' per group.
        tenure_bands: labels of the tenure bands (tenure since hire) of `headcount`.
        headcount: employed agents at the start of the day (after the day's hires arrive), trainees
            included, as [day, group, tenure band].
        hires: new hires arriving, [day, group].
        leavers: agents leaving at the end of their shift, [day, group].
        requisitions: requisitions opened, [day, group].
        present: agent-shifts worked, [day, group].
        absent: agent-shifts missed, [day, group].
        training: agent-shifts in training class, [day, group].
        scheduled_s: scheduled length of the shifts worked (breaks included), [day, group].
        unpaid_break_s: unpaid break time in the shifts worked, [day, group].
        training_s: length of the shifts spent in training, [day, group].
        overrun_s: time agents spent finishing a call after their shift end, [day, group].
        stress_mean: mean end-of-shift stress of the agents who worked (NaN if none).
        stress_p90: 90th percentile of end-of-shift stress (NaN if none).
        stress_histogram: end-of-shift stress of every worked shift over the horizon: bin 0 counts
            the exact zeros, bins 1..`STRESS_BINS` split (0, 1] evenly.
        productivity_mean: mean learning-curve productivity of the agents who worked (NaN if none).
        euros_collected: money collected credited to agents (by the outbound model).
        kept_ptps: kept promises to pay credited to agents.
        bonus: bonus money earned.
    """

    group_names: tuple[str, ...] = ()
    group_kinds: tuple[str, ...] = ()
    tenure_bands: tuple[str, ...] = tuple(label for label, _ in TENURE_BANDS)
    headcount: np.ndarray = field(default_factory=lambda: _empty(0, 0, len(TENURE_BANDS)))
    hires: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    leavers: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    requisitions: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    present: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    absent: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    training: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    scheduled_s: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    unpaid_break_s: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    training_s: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    overrun_s: np.ndarray = field(default_factory=lambda: _empty(0, 0))
    stress_mean: np.ndarray = field(default_factory=lambda: _empty(0))
    stress_p90: np.ndarray = field(default_factory=lambda: _empty(0))
    stress_histogram: np.ndarray = field(default_factory=lambda: _empty(STRESS_BINS + 1))
    productivity_mean: np.ndarray = field(default_factory=lambda: _empty(0))
    euros_collected: np.ndarray = field(default_factory=lambda: _empty(0))
    kept_ptps: np.ndarray = field(default_factory=lambda: _empty(0))
    bonus: np.ndarray = field(default_factory=lambda: _empty(0))

    @property
    def paid_s(self) -> np.ndarray:
        """Paid seconds, [day, group]: scheduled minus unpaid breaks, plus overrun and training."""
        return self.scheduled_s - self.unpaid_break_s + self.overrun_s + self.training_s


COST_CATEGORIES: tuple[str, ...] = ("wages", "bonuses", "telephony", "dialer", "hiring", "overhead", "messages",
                                    "field", "legal")


@dataclass(frozen=True)
class CostSeries:
    """Money spent per simulated day, by category (DESIGN §6); see `wfm.sim.costs` for the arithmetic.

    Attributes:
        currency: currency of every amount.
        wages: wages for paid hours (work, paid breaks, overrun, training).
        bonuses: incentive bonuses earned.
        telephony: per-minute and per-attempt telephony charges.
        dialer: dialer seat licences.
        hiring: cost of the hires arriving.
        overhead: overhead per seat-day.
        messages: SMS, e-mail and letters of a collection strategy.
        field: the strategy's field agents: their shifts and kilometres.
        legal: the strategy's legal cases: fees, court and lawyer costs, contingency on recoveries.
    """

    currency: str = "EUR"
    wages: np.ndarray = field(default_factory=lambda: _empty(0))
    bonuses: np.ndarray = field(default_factory=lambda: _empty(0))
    telephony: np.ndarray = field(default_factory=lambda: _empty(0))
    dialer: np.ndarray = field(default_factory=lambda: _empty(0))
    hiring: np.ndarray = field(default_factory=lambda: _empty(0))
    overhead: np.ndarray = field(default_factory=lambda: _empty(0))
    messages: np.ndarray = field(default_factory=lambda: _empty(0))
    legal: np.ndarray = field(default_factory=lambda: _empty(0))  # before `field`, which shadows dataclasses.field
    field: np.ndarray = field(default_factory=lambda: _empty(0))

    def __post_init__(self) -> None:
        for name in ("messages", "field", "legal"):  # no strategy (or no such step): nothing spent, day by day
            if len(getattr(self, name)) != len(self.wages):
                object.__setattr__(self, name, np.zeros_like(self.wages))

    @property
    def total(self) -> np.ndarray:
        """Total cost per day: the sum of the categories."""
        return sum((getattr(self, c) for c in COST_CATEGORIES), start=np.zeros_like(self.wages))


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
        workforce: the people per day (headcount, hires, leavers, absence, stress, productivity).
        costs: money per day by category.
        strategy: what the collection strategy did (messages, money by cause, paths), or None without one.
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
    workforce: WorkforceSeries = field(default_factory=WorkforceSeries)
    costs: CostSeries = field(default_factory=CostSeries)
    strategy: StrategySeries | None = None

    @property
    def n_intervals(self) -> int:
        """Number of reporting intervals in the horizon."""
        return len(self.inbound.offered)

    @property
    def intervals_per_day(self) -> int:
        """Reporting intervals per day."""
        return DAY_S // self.interval_s


def sum_by_day(values: np.ndarray, per_day: int) -> np.ndarray:
    """Per-interval values summed by day along the leading axis (other axes kept).

    The one reshape every reader of per-interval arrays uses (costs, KPIs, views).
    """
    values = np.asarray(values, dtype=float)
    return values.reshape(-1, per_day, *values.shape[1:]).sum(axis=1)


def same_values(a: Any, b: Any) -> bool:
    """Deep equality of results, comparing numpy arrays element-wise (bit-identical floats)."""
    if is_dataclass(a) and is_dataclass(b):
        return type(a) is type(b) and all(
            same_values(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)
        )
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            # NaN marks "no value" (e.g. no agent worked that day): equal NaNs are equal results
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # both NaN
    return bool(a == b)
