"""Workforce dynamics on the floor (DESIGN §5): tenure, learning curve, stress, absence, turnover, hiring.

`WorkforceFloor` is the plain `Floor` (both are `ShiftFloor`s) plus the people changing over weeks and months. Each
feature reads only its own random stream (`absence`, `attrition`, `hiring`), and with every
feature off the floor makes exactly the plain model's decisions, so switching a feature on
never reshuffles arrivals, handle times or patience (common random numbers).

Memory stays flat in the horizon: the floor keeps one row of counters per day and group, and
per-agent state, never per-call records.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TypedDict

import numpy as np
import simpy

from wfm.scenario import DAY_S, HOUR_S, Scenario, Workforce
from wfm.sim.agents import Agent, RosterEntry, ShiftFloor, ShiftInstance
from wfm.sim.days import each_day
from wfm.sim.ledger import State, TimeLedger
from wfm.sim.result import STRESS_BINS, TENURE_BANDS, WorkforceSeries

_ON_SHIFT_REST = (State.IDLE, State.BREAK)


class Rules:
    """The workforce spec turned into per-second constants, read on every call by every agent."""

    def __init__(self, spec: Workforce) -> None:
        stress, learning, attrition, incentives = spec.stress, spec.learning, spec.attrition, spec.incentives
        bonus = incentives.scheme == "bonus"
        share = incentives.share if bonus else 0.0
        self.stress_on = stress.enabled
        self.gain = stress.gain_per_call + incentives.pressure * share
        self.outcome_gain = dict(stress.outcome_gain)
        self.back_to_back_s = stress.back_to_back_s
        self.back_to_back_gain = stress.back_to_back_gain
        self.recovery_on = stress.recovery_per_hour / HOUR_S
        self.recovery_off = stress.recovery_off_per_hour / HOUR_S
        self.aht_effect = stress.aht_effect
        self.conversion_effect = stress.conversion_effect
        self.absence_effect = stress.absence_effect
        self.attrition_effect = stress.attrition_effect
        self.chronic_weight = 1 - math.exp(-1 / stress.chronic_window_days)
        self.learning_on = learning.enabled
        self.p0 = learning.p0
        self.learning_tau_s = learning.time_constant_days * DAY_S
        self.attrition_on = attrition.enabled
        self.daily_hazard = attrition.annual_rate / 365
        self.early_s = attrition.early_days * DAY_S
        self.early_multiplier = attrition.early_multiplier
        self.bonus_on = bonus
        self.bonus_per_kept_ptp = incentives.bonus_per_kept_ptp
        self.bonus_per_euro = incentives.bonus_per_euro
        self.conversion_lift = 1 + incentives.max_conversion_lift * share
        self.hazard_relief = 1 - incentives.max_attrition_reduction * share


class WorkforceAgent(Agent):
    """An agent with a tenure, a learning curve, stress, and a place (slot) on the roster."""

    __slots__ = (
        "rules", "slot", "hire_time", "hire_day", "tenure_start_days", "nest_start", "training_left",
        "stress", "chronic", "last_call_end", "resign_day", "leave_day", "left", "bonus", "training_shifts",
    )

    def __init__(self, entry: RosterEntry, env: simpy.Environment, ledger: TimeLedger) -> None:
        super().__init__(entry, env, ledger)
        self.rules: Rules | None = None
        self.slot = entry.agent_id
        self.hire_time = 0.0  # seconds from the start of the run; negative for the initial roster
        self.hire_day = 0
        self.tenure_start_days = 0.0
        self.nest_start = 0.0  # when the learning curve started (end of training); inf while in class
        self.training_left = 0  # shift instances still to spend in training class
        self.stress = 0.0  # acute stress, as of `since` when not on a call
        self.chronic = 0.0  # smoothed end-of-shift stress
        self.last_call_end = -math.inf
        self.resign_day: int | None = None
        self.leave_day: int | None = None
        self.left = False
        self.bonus = 0.0
        self.training_shifts = 0

    # -- state ------------------------------------------------------------------------------

    def stress_now(self) -> float:
        """Acute stress at the current time: decayed over the open span unless on a call."""
        rules = self.rules
        if rules is None or not rules.stress_on or self.stress == 0.0 or self.state is State.BUSY:
            return self.stress
        rate = rules.recovery_on if self.state in _ON_SHIFT_REST else rules.recovery_off
        return self.stress * math.exp(-rate * (self.env.now - self.since))

    def productivity(self) -> float:
        """Learning-curve productivity in (0, 1]: p0 in class, rising toward 1 once nested."""
        rules = self.rules
        if rules is None or not rules.learning_on:
            return 1.0
        nested_s = max(0.0, self.env.now - self.nest_start)
        return 1.0 - (1.0 - rules.p0) * math.exp(-nested_s / rules.learning_tau_s)

    def switch(self, state: State) -> None:
        """Bring stress up to date over the span that closes, then change state."""
        if self.rules is not None and self.rules.stress_on:
            self.stress = self.stress_now()
        super().switch(state)

    def handle_factor(self) -> float:
        """Handle time multiplier: 1 / productivity × (1 + aht_effect × stress)."""
        rules = self.rules
        factor = 1.0
        if rules is None:
            return factor
        if rules.learning_on:
            factor /= self.productivity()
        if rules.stress_on:
            factor *= 1.0 + rules.aht_effect * self.stress_now()
        return factor

    def conversion_factor(self) -> float:
        """PTP conversion multiplier: productivity × (1 − conversion_effect × stress) × incentive lift."""
        rules = self.rules
        if rules is None:
            return 1.0
        factor = rules.conversion_lift
        if rules.learning_on:
            factor *= self.productivity()
        if rules.stress_on:
            factor *= 1.0 - rules.conversion_effect * self.stress_now()
        return factor

    def end_call(self, outcome: str) -> None:
        """A call ends (the agent is still BUSY): stress rises by gain × (1 − s)."""
        rules = self.rules
        now = self.env.now
        if rules is not None and rules.stress_on:
            gain = rules.gain + rules.outcome_gain.get(outcome, 0.0)
            if self.since - self.last_call_end <= rules.back_to_back_s:
                gain *= 1.0 + rules.back_to_back_gain
            self.stress = min(1.0, self.stress + gain * (1.0 - self.stress))
        self.last_call_end = now

    def earn_bonus(self, amount: float) -> None:
        """Add a bonus earned on the accounts the agent worked."""
        self.bonus += amount

    def leave_probability(self) -> float:
        """Probability of resigning today: 1 − exp(−daily hazard)."""
        rules = self.rules
        assert rules is not None
        hazard = rules.daily_hazard * rules.hazard_relief
        if self.env.now - self.hire_time < rules.early_s:
            hazard *= rules.early_multiplier
        if rules.stress_on:
            hazard *= 1.0 + rules.attrition_effect * self.chronic
        return -math.expm1(-hazard)


class _DayBook:
    """Per-day (and per-group) counters of the floor, turned into a WorkforceSeries at the end."""

    COUNTS = ("hires", "leavers", "requisitions", "present", "absent", "training")
    SECONDS = ("scheduled_s", "unpaid_break_s", "training_s", "overrun_s")

    def __init__(self, days: int, groups: int) -> None:
        self.days = days
        self.table = {name: np.zeros((days, groups)) for name in self.COUNTS + self.SECONDS}
        self.headcount = np.zeros((days, groups, len(TENURE_BANDS)), dtype=np.int64)
        self.stress_mean = np.full(days, np.nan)
        self.stress_p90 = np.full(days, np.nan)
        self.productivity_mean = np.full(days, np.nan)
        self.stress_histogram = np.zeros(STRESS_BINS + 1, dtype=np.int64)
        self.euros_collected = np.zeros(days)
        self.kept_ptps = np.zeros(days)
        self.bonus = np.zeros(days)
        # Values of the days whose shifts may still be running; reduced to aggregates two days later.
        self.open_stress: dict[int, list[float]] = {}
        self.open_productivity: dict[int, list[float]] = {}

    def add(self, name: str, day: int, group: int, amount: float = 1.0) -> None:
        if 0 <= day < self.days:
            self.table[name][day, group] += amount

    def close_days_before(self, day: int) -> None:
        """Reduce the per-shift values of every day before `day` to their daily aggregates."""
        for d in [d for d in self.open_stress if d < day]:
            values = np.asarray(self.open_stress.pop(d))
            if d < self.days and values.size:
                self.stress_mean[d] = values.mean()
                self.stress_p90[d] = np.quantile(values, 0.9)
        for d in [d for d in self.open_productivity if d < day]:
            values = np.asarray(self.open_productivity.pop(d))
            if d < self.days and values.size:
                self.productivity_mean[d] = values.mean()

    def freeze(self, group_names: tuple[str, ...], group_kinds: tuple[str, ...]) -> WorkforceSeries:
        self.close_days_before(self.days + 2)
        table = self.table

        def counts(name: str) -> np.ndarray:
            return table[name].astype(np.int64)

        return WorkforceSeries(
            group_names=group_names, group_kinds=group_kinds, headcount=self.headcount,
            hires=counts("hires"), leavers=counts("leavers"), requisitions=counts("requisitions"),
            present=counts("present"), absent=counts("absent"), training=counts("training"),
            scheduled_s=table["scheduled_s"], unpaid_break_s=table["unpaid_break_s"],
            training_s=table["training_s"], overrun_s=table["overrun_s"],
            stress_mean=self.stress_mean, stress_p90=self.stress_p90, stress_histogram=self.stress_histogram,
            productivity_mean=self.productivity_mean, euros_collected=self.euros_collected,
            kept_ptps=self.kept_ptps, bonus=self.bonus,
        )


class AgentExtras(TypedDict):
    """The workforce fields of an agent's result row (`AgentRow`)."""

    training_s: float
    slot: int
    hire_day: int
    leave_day: int | None
    tenure_start_days: float
    stress_end: float
    productivity_end: float
    bonus: float


class WorkforceFloor(ShiftFloor[WorkforceAgent]):
    """The floor with people who learn, tire, miss shifts, resign and are replaced."""

    def __init__(
        self,
        env: simpy.Environment,
        roster: list[RosterEntry],
        ledger: TimeLedger,
        scenario: Scenario,
        absence_rng: np.random.Generator,
        attrition_rng: np.random.Generator,
        hiring_rng: np.random.Generator,
    ) -> None:
        cal = scenario.calendar
        super().__init__(env, [WorkforceAgent(entry, env, ledger) for entry in roster], absence_rng, cal.horizon_days)
        spec = scenario.workforce
        self.rules = Rules(spec)
        self.horizon_days = cal.horizon_days
        self.ledger = ledger
        self.attrition_rng = attrition_rng
        self.hiring_spec = spec.hiring
        self.slot_entries = list(roster)
        self.slots: list[WorkforceAgent | None] = list(self.agents)
        self.slot_days = [frozenset(inst.day for inst in entry.instances) for entry in roster]
        self.group_names = tuple(g.name for g in scenario.groups)
        self.group_kinds = tuple(g.kind for g in scenario.groups)
        self.targets = [spec.hiring.target_headcount.get(g.name, g.headcount) for g in scenario.groups]
        self.pending: list[int] = [0] * len(scenario.groups)  # hires on their way, per group
        self.arrivals: dict[int, list[int]] = {}  # day -> groups of the hires arriving that day
        self.book = _DayBook(cal.horizon_days, len(scenario.groups))
        # Tenure of the initial roster (one draw per slot, whatever the features): tenure since hire.
        tenure = hiring_rng.standard_exponential(len(roster)) * spec.initial_tenure_mean_days
        for agent, days in zip(self.agents, tenure.tolist(), strict=True):
            agent.rules = self.rules
            agent.tenure_start_days = days
            agent.hire_time = agent.nest_start = -days * DAY_S

    # -- processes --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the daily people process first (it runs before shifts starting at midnight), then shifts."""
        self.env.process(each_day(self.env, self.horizon_days, self._begin_day))
        super().start()

    def _begin_day(self, day: int) -> None:
        for group in self.arrivals.pop(day, []):
            self._hire(group, day)
        self._count_heads(day)
        if self.rules.attrition_on:
            draws = self.attrition_rng.random(len(self.slots)).tolist()  # one per slot: stream stays aligned
            for agent, u in zip(list(self.slots), draws, strict=True):
                if agent is not None and agent.resign_day is None and u < agent.leave_probability():
                    self._resign(agent, day)
        if self.hiring_spec.enabled:
            self._open_requisitions(day)
        self.book.close_days_before(day - 1)

    def _count_heads(self, day: int) -> None:
        now = self.env.now
        for agent in self.slots:
            if agent is None:
                continue
            tenure_days = (now - agent.hire_time) / DAY_S
            band = next(i for i, (_, upper) in enumerate(TENURE_BANDS) if tenure_days < upper)
            self.book.headcount[day, agent.entry.group_index, band] += 1

    # -- turnover ---------------------------------------------------------------------------

    def _resign(self, agent: WorkforceAgent, day: int) -> None:
        """The agent hands in notice: leaves at the end of the current or today's shift, else now."""
        agent.resign_day = day
        if agent.state is State.OFF and day not in self.slot_days[agent.slot]:
            self._depart(agent)

    def _depart(self, agent: WorkforceAgent) -> None:
        day = min(int(self.env.now // DAY_S), self.horizon_days - 1)
        agent.left = True
        agent.leave_day = day
        self.slots[agent.slot] = None
        self.book.add("leavers", day, agent.entry.group_index)

    def _open_requisitions(self, day: int) -> None:
        committed = list(self.pending)
        for agent in self.slots:
            if agent is not None and agent.resign_day is None:
                committed[agent.entry.group_index] += 1
        arrival = day + self.hiring_spec.lead_time_days
        for group, target in enumerate(self.targets):
            missing = target - committed[group]
            if missing <= 0:
                continue
            self.book.add("requisitions", day, group, missing)
            self.pending[group] += missing
            if arrival < self.horizon_days:
                self.arrivals.setdefault(arrival, []).extend([group] * missing)

    def _hire(self, group: int, day: int) -> None:
        """A hire arrives and takes the first vacant slot of the group."""
        self.pending[group] -= 1
        slot = next(
            (i for i, e in enumerate(self.slot_entries) if e.group_index == group and self.slots[i] is None), None
        )
        if slot is None:  # cannot happen while targets are within the roster (validated); keep it safe
            return
        now = self.env.now
        template = self.slot_entries[slot]
        entry = dataclasses.replace(
            template, agent_id=self.ledger.add_agent(template.group_index),
            instances=tuple(inst for inst in template.instances if inst.start >= now),
        )
        agent = WorkforceAgent(entry, self.env, self.ledger)
        agent.rules = self.rules
        agent.slot = slot
        agent.hire_time = now
        agent.hire_day = day
        agent.training_left = self.hiring_spec.training_days
        agent.nest_start = math.inf if agent.training_left else now
        self.agents.append(agent)
        self.slots[slot] = agent
        self.book.add("hires", day, group)
        if entry.instances:
            self.env.process(self._work_shifts(agent))

    # -- hooks of the plain floor -----------------------------------------------------------

    def _attendance(self, agent: WorkforceAgent, inst: ShiftInstance) -> State | None:
        if agent.left:
            return None
        if agent.training_left > 0:
            agent.training_left -= 1
            return State.TRAINING
        rate = agent.entry.absence_rate
        if self.rules.stress_on:
            rate += self.rules.absence_effect * agent.chronic
        # Draws belong to the roster slot, so a hire inherits the leaver's row of absence draws.
        if self.absence_draws[inst.day, agent.slot] < rate:
            agent.shifts_absent += 1
            return State.ABSENT
        self.book.open_productivity.setdefault(inst.day, []).append(agent.productivity())
        return State.IDLE

    def _shift_ended(self, agent: WorkforceAgent, inst: ShiftInstance, attendance: State) -> None:
        book, day, group = self.book, inst.day, agent.entry.group_index
        if attendance is State.IDLE:
            book.add("present", day, group)
            book.add("scheduled_s", day, group, inst.end - inst.start)
            book.add("unpaid_break_s", day, group, agent.entry.unpaid_break_s)
            book.add("overrun_s", day, group, max(0.0, self.env.now - inst.end))
            stress = agent.stress_now()
            book.open_stress.setdefault(day, []).append(stress)
            book.stress_histogram[0 if stress <= 0.0 else min(math.ceil(stress * STRESS_BINS), STRESS_BINS)] += 1
            agent.chronic += (stress - agent.chronic) * self.rules.chronic_weight
        elif attendance is State.ABSENT:
            book.add("absent", day, group)
        elif attendance is State.TRAINING:
            agent.training_shifts += 1
            book.add("training", day, group)
            book.add("training_s", day, group, inst.end - inst.start)
            if agent.training_left == 0:
                agent.nest_start = self.env.now
        if agent.resign_day is not None and not agent.left:
            self._depart(agent)

    def credit(self, agent: Agent, euros_collected: float = 0.0, kept_ptps: int = 0) -> None:
        """Book money collected and promises kept on the agent's accounts, and the bonus they earn."""
        day = min(int(self.env.now // DAY_S), self.horizon_days - 1)
        book = self.book
        book.euros_collected[day] += euros_collected
        book.kept_ptps[day] += kept_ptps
        if self.rules.bonus_on:
            bonus = kept_ptps * self.rules.bonus_per_kept_ptp + euros_collected * self.rules.bonus_per_euro
            book.bonus[day] += bonus
            agent.earn_bonus(bonus)

    # -- results ----------------------------------------------------------------------------

    def series(self) -> WorkforceSeries:
        """The per-day workforce tables of the run."""
        return self.book.freeze(self.group_names, self.group_kinds)

    def row_extras(self, agent: WorkforceAgent) -> AgentExtras:
        """Workforce fields of an agent's result row."""
        return {
            "training_s": self.ledger.by_agent[agent.agent_id][State.TRAINING],
            "slot": agent.slot,
            "hire_day": agent.hire_day,
            "leave_day": agent.leave_day,
            "tenure_start_days": agent.tenure_start_days,
            "stress_end": agent.stress_now(),
            "productivity_end": agent.productivity(),
            "bonus": agent.bonus,
        }
