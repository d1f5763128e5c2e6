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

Per replication the KPI is a ratio over the measured calls; over R replications the mean must be
within 4 standard errors (from the replication spread) of the analytic value. The reference for
one agent fewer must be rejected by the same rule wherever that is detectable, i.e. wherever the
analytic gap between n and n - 1 agents is at least 6 standard errors (then a correct simulator
rejects it with probability about 98%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from stationary import stationary_scenario
from wfm.analytic import erlang_a, erlang_c_asa, erlang_c_service_level
from wfm.sim import run

pytestmark = pytest.mark.slow

SEED = 20_260_105
SL_THRESHOLD_S = 20.0
HOURS = 16
WINDOW = slice(2 * 4, 15 * 4)  # 15-minute intervals of arrivals 02:00–15:00
TOLERANCE_SE = 4.0
DETECTABLE_SE = 6.0
KPIS = ("service_level", "asa", "p_abandon")


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


# 5 to 200 agents, offered load 70% to 97% of the agents; Erlang C and Erlang A.
CASES = (
    Case(5, 4.2, 180, None, 40),
    Case(5, 4.85, 180, 120, 40),
    Case(10, 7.0, 300, 120, 40),
    Case(20, 18.0, 180, None, 40),
    Case(50, 45.0, 240, 300, 40),
    Case(100, 95.0, 180, 180, 40),
    Case(200, 190.0, 180, None, 80),
    Case(200, 194.0, 180, 180, 80),
)


def analytic(case: Case, agents: int) -> dict[str, float]:
    """The formula's SL, ASA and P(abandon) for `agents` agents."""
    if case.patience_s is None:
        return {
            "service_level": erlang_c_service_level(agents, case.arrival_rate, case.mean_handle_s, SL_THRESHOLD_S),
            "asa": erlang_c_asa(agents, case.arrival_rate, case.mean_handle_s),
            "p_abandon": 0.0,
        }
    res = erlang_a(agents, case.arrival_rate, case.mean_handle_s, case.patience_s, SL_THRESHOLD_S)
    return {"service_level": res.service_level, "asa": res.asa, "p_abandon": res.p_abandon}


@dataclass(frozen=True)
class Measured:
    """Replication mean and standard error of each KPI over the measured window."""

    mean: dict[str, float]
    se: dict[str, float]


@cache
def measure(case: Case) -> Measured:
    """Run the case's replications and take SL, ASA and P(abandon) over the measured arrivals."""
    scenario = stationary_scenario(case.agents, case.arrival_rate * 3600, case.mean_handle_s, case.patience_s,
                                   hours=HOURS, sl_threshold_s=SL_THRESHOLD_S)
    values: dict[str, list[float]] = {k: [] for k in KPIS}
    for rep in range(case.replications):
        inbound = run(scenario, SEED, replication=rep).inbound
        offered = inbound.offered[WINDOW].sum()
        answered = inbound.answered[WINDOW].sum()
        values["service_level"].append(inbound.answered_in_sl[WINDOW].sum() / offered)
        values["asa"].append(inbound.wait_answered_s[WINDOW].sum() / answered)
        values["p_abandon"].append(inbound.abandoned[WINDOW].sum() / offered)
    arrays = {k: np.asarray(v) for k, v in values.items()}
    return Measured(
        mean={k: float(a.mean()) for k, a in arrays.items()},
        se={k: float(a.std(ddof=1) / math.sqrt(a.size)) for k, a in arrays.items()},
    )


def detectable(case: Case, kpi: str) -> bool:
    """Whether n - 1 agents differ from n by at least DETECTABLE_SE standard errors on `kpi`."""
    got = measure(case)
    gap = abs(analytic(case, case.agents - 1)[kpi] - analytic(case, case.agents)[kpi])
    return got.se[kpi] > 0 and gap >= DETECTABLE_SE * got.se[kpi]


def test_cases_span_the_brief() -> None:
    assert min(c.agents for c in CASES) == 5 and max(c.agents for c in CASES) == 200
    occupancy = [c.load / c.agents for c in CASES]
    assert min(occupancy) == pytest.approx(0.70) and max(occupancy) == pytest.approx(0.97)
    assert {c.patience_s is None for c in CASES} == {True, False}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_simulation_agrees_with_erlang(case: Case) -> None:
    got = measure(case)
    expected = analytic(case, case.agents)
    if case.patience_s is None:
        # Without patience nobody abandons: exactly zero, not just close to it.
        assert got.mean["p_abandon"] == 0.0
    for kpi in KPIS:
        if got.se[kpi] == 0:
            continue
        deviation = abs(got.mean[kpi] - expected[kpi]) / got.se[kpi]
        assert deviation <= TOLERANCE_SE, (
            f"{case.label}: {kpi} simulated {got.mean[kpi]:.4f} ± {got.se[kpi]:.4f} (SE) vs analytic"
            f" {expected[kpi]:.4f}: {deviation:.1f} SE apart"
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_one_agent_fewer_is_rejected(case: Case) -> None:
    got = measure(case)
    wrong = analytic(case, case.agents - 1)
    for kpi in KPIS:
        if not detectable(case, kpi):
            continue
        deviation = abs(got.mean[kpi] - wrong[kpi]) / got.se[kpi]
        assert deviation > TOLERANCE_SE, (
            f"{case.label}: {kpi} simulated {got.mean[kpi]:.4f} ± {got.se[kpi]:.4f} is not told apart from"
            f" the reference for {case.agents - 1} agents, {wrong[kpi]:.4f}"
        )


def test_wrong_reference_is_detectable_in_most_cases() -> None:
    # The rejection test above would be empty if the replications were too few to tell n from n - 1.
    rejected = [c.label for c in CASES if any(detectable(c, k) for k in KPIS)]
    assert len(rejected) > len(CASES) / 2, f"only {rejected} can tell n from n - 1 agents"
    sl_rejected = [c.label for c in CASES if detectable(c, "service_level")]
    assert len(sl_rejected) > len(CASES) / 2, f"only {sl_rejected} can tell n from n - 1 agents on SL"


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
