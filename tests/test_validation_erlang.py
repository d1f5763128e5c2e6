"""The simulator against Erlang C (M/M/n) and Erlang A (M/M/n+M), with tolerances from the replications.

Each case runs seeded replications of a stationary one-day scenario (`stationary.stationary_scenario`:
one shift of n agents logged in from 00:00 for 16 hours, flat arrival rate, exponential talk, no ACW,
breaks, absence or redials, short abandons counted). A single 16-hour shift is used rather than
back-to-back templates covering 24 hours because at a shift change the leaving agents finish their
calls while the arriving ones log in, so for a few minutes more than n agents serve the queue: a
real perturbation of M/M/n that the formulas do not describe.

Only calls arriving between 02:00 and 15:00 are measured. The interval counters are by arrival
interval, so slicing them selects exactly those callers: the first two hours let the empty system
reach steady state (the relaxation time of the heaviest case is about an hour), and the last hour
keeps every measured caller clear of the shift end, when agents log off.

Per replication each KPI is a ratio over the measured window; over R replications the mean must
be within 4 standard errors (from the replication spread) of the analytic value. Besides the
waiting KPIs (SL, ASA, P(abandon)) the agents' occupancy (busy over logged-in time) is checked
against the formula's carried load per agent, and the arrival rate against the configured one:
the load the formulas are given is the load the simulator offered.

The reference for one agent fewer must be rejected by the same rule on every waiting KPI where
the analytic gap between n and n - 1 agents is at least 6 standard errors (there a correct
simulator rejects it with probability about 98%), and every case must have at least one such
KPI: a case whose replications are too few to tell n from n - 1 agents fails, it does not pass
silently. The replications of each case are chosen for that (the 200-agent Erlang C case needs
120: at 80 its gaps are 5.7 SE).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from stationary import stationary_scenario
from wfm.analytic import erlang_a, erlang_c_asa, erlang_c_occupancy, erlang_c_service_level
from wfm.sim import run

pytestmark = pytest.mark.slow

SEED = 20_260_105
SL_THRESHOLD_S = 20.0
HOURS = 16
WINDOW = slice(2 * 4, 15 * 4)  # 15-minute intervals of arrivals 02:00–15:00
WINDOW_S = (15 - 2) * 3600.0
TOLERANCE_SE = 4.0
DETECTABLE_SE = 6.0
WAITING_KPIS = ("service_level", "asa", "p_abandon")  # the queue's KPIs, which one agent more or less moves
KPIS = (*WAITING_KPIS, "occupancy", "arrival_rate")


@dataclass(frozen=True)
class Case:
    """A stationary queue: agents, offered load in Erlangs, mean handle time, patience (None: Erlang C)."""

    agents: int
    load: float
    mean_handle_s: float
    patience_s: float | None
    replications: int

    @property
    def arrival_rate(self) -> float:
        """Calls per second."""
        return self.load / self.mean_handle_s

    @property
    def label(self) -> str:
        model = "C" if self.patience_s is None else f"A(patience {self.patience_s:g} s)"
        return f"n={self.agents} a={self.load:g} h={self.mean_handle_s:g} s Erlang {model}"


# 5 to 200 agents, offered load 70% to 97% of the agents; Erlang C and Erlang A. Largest first: the
# parallel workers start the longest runs first (see conftest.py).
CASES = (
    Case(200, 190.0, 180, None, 120),
    Case(200, 194.0, 180, 180, 80),
    Case(100, 95.0, 180, 180, 40),
    Case(50, 45.0, 240, 300, 40),
    Case(20, 18.0, 180, None, 40),
    Case(10, 7.0, 300, 120, 40),
    Case(5, 4.85, 180, 120, 40),
    Case(5, 4.2, 180, None, 40),
)


def analytic(case: Case, agents: int) -> dict[str, float]:
    """The formula's SL, ASA, P(abandon) and occupancy for `agents` agents, and the offered arrival rate."""
    if case.patience_s is None:
        return {
            "service_level": erlang_c_service_level(agents, case.arrival_rate, case.mean_handle_s, SL_THRESHOLD_S),
            "asa": erlang_c_asa(agents, case.arrival_rate, case.mean_handle_s),
            "p_abandon": 0.0,
            "occupancy": erlang_c_occupancy(agents, case.arrival_rate, case.mean_handle_s),
            "arrival_rate": case.arrival_rate,
        }
    res = erlang_a(agents, case.arrival_rate, case.mean_handle_s, case.patience_s, SL_THRESHOLD_S)
    return {"service_level": res.service_level, "asa": res.asa, "p_abandon": res.p_abandon,
            "occupancy": res.occupancy, "arrival_rate": case.arrival_rate}


@dataclass(frozen=True)
class Measured:
    """Replication mean and standard error of each KPI over the measured window."""

    mean: dict[str, float]
    se: dict[str, float]


@cache
def measure(case: Case) -> Measured:
    """Run the case's replications and take every KPI over the measured window."""
    scenario = stationary_scenario(case.agents, case.arrival_rate * 3600, case.mean_handle_s, case.patience_s,
                                   hours=HOURS, sl_threshold_s=SL_THRESHOLD_S)
    values: dict[str, list[float]] = {k: [] for k in KPIS}
    for rep in range(case.replications):
        run_result = run(scenario, SEED, replication=rep)
        inbound = run_result.inbound
        offered = inbound.offered[WINDOW].sum()
        answered = inbound.answered[WINDOW].sum()
        values["service_level"].append(inbound.answered_in_sl[WINDOW].sum() / offered)
        values["asa"].append(inbound.wait_answered_s[WINDOW].sum() / answered)
        values["p_abandon"].append(inbound.abandoned[WINDOW].sum() / offered)
        staff = run_result.staff
        busy = staff.busy_s[WINDOW].sum()
        values["occupancy"].append(busy / (busy + staff.idle_s[WINDOW].sum()))
        values["arrival_rate"].append(offered / WINDOW_S)
    arrays = {k: np.asarray(v) for k, v in values.items()}
    return Measured(
        mean={k: float(a.mean()) for k, a in arrays.items()},
        se={k: float(a.std(ddof=1) / math.sqrt(a.size)) for k, a in arrays.items()},
    )


def gap_se(case: Case, kpi: str) -> float:
    """How many standard errors apart the analytic values for n and n - 1 agents are on `kpi`."""
    se = measure(case).se[kpi]
    gap = abs(analytic(case, case.agents - 1)[kpi] - analytic(case, case.agents)[kpi])
    return gap / se if se > 0 else math.inf if gap > 0 else 0.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_simulation_agrees_with_erlang_and_rejects_one_agent_fewer(case: Case) -> None:
    got = measure(case)
    expected = analytic(case, case.agents)
    for kpi in KPIS:
        if got.se[kpi] == 0:  # no spread at all (nobody abandons without patience): exactly the formula's value
            assert got.mean[kpi] == expected[kpi], f"{case.label}: {kpi} {got.mean[kpi]} vs {expected[kpi]}"
            continue
        deviation = abs(got.mean[kpi] - expected[kpi]) / got.se[kpi]
        assert deviation <= TOLERANCE_SE, (
            f"{case.label}: {kpi} simulated {got.mean[kpi]:.4f} ± {got.se[kpi]:.4f} (SE) vs analytic"
            f" {expected[kpi]:.4f}: {deviation:.1f} SE apart"
        )

    # The same tolerance is narrow enough to tell n agents from n - 1 ...
    wrong = analytic(case, case.agents - 1)
    detectable = [k for k in WAITING_KPIS if gap_se(case, k) >= DETECTABLE_SE]
    assert detectable, (
        f"{case.label}: {case.replications} replications cannot tell {case.agents} agents from {case.agents - 1}"
        f" on any waiting KPI (gaps {', '.join(f'{k} {gap_se(case, k):.1f}' for k in WAITING_KPIS)} SE);"
        " add replications"
    )
    # ... and where it is, the simulation is told apart from the wrong reference.
    for kpi in detectable:
        deviation = abs(got.mean[kpi] - wrong[kpi]) / got.se[kpi]
        assert deviation > TOLERANCE_SE, (
            f"{case.label}: {kpi} simulated {got.mean[kpi]:.4f} ± {got.se[kpi]:.4f} is not told apart from"
            f" the reference for {case.agents - 1} agents, {wrong[kpi]:.4f}"
        )


def comparison_table() -> str:
    """The analytic and simulated KPIs of every case, for reports (`python tests/test_validation_erlang.py`)."""
    lines = [f"{'case':44} {'KPI':14} {'analytic':>10} {'simulated':>10} {'SE':>8} {'z':>6} {'n-1':>10} {'gap/SE':>7}"]
    for case in CASES:
        got, exp, wrong = measure(case), analytic(case, case.agents), analytic(case, case.agents - 1)
        for kpi in KPIS:
            se = got.se[kpi]
            z = (got.mean[kpi] - exp[kpi]) / se if se else math.nan
            gap = abs(wrong[kpi] - exp[kpi]) / se if se else math.nan
            lines.append(f"{case.label:44} {kpi:14} {exp[kpi]:10.4f} {got.mean[kpi]:10.4f} {se:8.4f} {z:6.2f}"
                         f" {wrong[kpi]:10.4f} {gap:7.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(comparison_table())  # noqa: T201
