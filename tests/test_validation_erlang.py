"""The simulator against Erlang C (M/M/n) and Erlang A (M/M/n+M), with tolerances from the replications.

Each case runs seeded replications of a stationary one-day scenario (`stationary.stationary_scenario`:
one shift of n agents logged in from 00:00 for 16 hours, flat arrival rate, exponential talk, no ACW,
breaks, absence or redials, short abandons counted). A single 16-hour shift is used rather than
back-to-back templates covering 24 hours because at a shift change the leaving agents finish their
calls while the arriving ones log in, so for a few minutes more than n agents serve the queue: a
real perturbation of M/M/n that the formulas do not describe.

Only calls arriving between 01:00 and 15:30 are measured. The interval counters are by arrival
interval, so slicing them selects exactly those callers: the first hour lets the empty system
reach steady state (over 120 replications of the 200-agent Erlang C case, the service level per
half hour is within noise of its steady value from 00:30 on; only the first half hour, starting
empty, is visibly better), and the last half hour keeps every measured caller clear of the shift
end, when agents log off (waits here last seconds to minutes).

Per replication each KPI is a ratio over the measured window. Their mean over R replications
would need many replications to pin the heavy cases down (the queue of 200 agents at 95% load
swings for tens of minutes), so each KPI is estimated with control variates: quantities of each
replication whose expectation is known exactly, zero, and which move with the KPI. The KPI is
regressed on them over the replications; the intercept, where every control is at its known
mean, is the estimate, and the regression's standard error its standard error (R - q - 1
degrees of freedom for q controls). Per 15-minute interval k of arrival, with N_k callers offered,
H_k of them handled and S_k the sum of their talk minus h, the offered work's deviation is
x_k = h (N_k - λΔ) + S_k, and the controls are Σ(N_k - λΔ), ΣS_k and, for the spans of one and
four intervals, Σ_k (y_k² - h² Σ(λΔ + H_j)) with y_k the sum of x_j over the span ending at k (a
busy hour builds a queue, a quiet one drains it; the squares carry that). All have mean zero
exactly: arrivals are Poisson (independent counts of mean and variance λΔ per interval), and a
caller's talk is drawn apart from everything else and used only once they are answered, so each
handled caller's talk minus h has mean zero and variance h² whatever happened before; products of
different callers' terms have mean zero, and H_j stands in for its own mean.

The estimate must be within 4 standard errors of the analytic value. Besides the waiting KPIs
(SL, ASA, P(abandon)) the agents' occupancy (busy over logged-in time) is checked against the
formula's carried load per agent, and the arrival rate over the whole open day (plain replication
mean) against the configured one: the load the formulas are given is the load the simulator
offered. Each control's replication mean must be within 4 standard errors of zero: a simulator
whose arrivals or talk times are off fails there and cannot hide it by shifting the estimates.

The reference for one agent fewer must be rejected by the same rule on every waiting KPI where
the analytic gap between n and n - 1 agents is at least 6 standard errors (there a correct
simulator rejects it with probability about 98%), and every case must have at least one such
KPI: a case whose replications are too few to tell n from n - 1 agents fails, it does not pass
silently.

Power: a KPI off by 6 standard errors fails with probability about 98%, so 6 SE is the smallest
defect the test detects. The replications of each case (at least 25: 20 degrees of freedom) are
chosen so that every waiting KPI's 6 SE is at most what the plain replication mean over 02:00-15:00
gave with the replications used before (200 agents: 120 and 80, the others 40). Computed at SEED
(`python tests/test_validation_erlang.py` prints the current values), 6 SE before > after:

    case                reps      SL               ASA (s)        P(abandon)        occupancy
    n=200 a=190 C       120 > 30  0.0247 > 0.0195  1.29 > 0.95    -                 0.0034 > 0.00081
    n=200 a=194 A(180)   80 > 40  0.0070 > 0.0062  0.285 > 0.173  0.0016 > 0.0011   0.0032 > 0.0011
    n=100 a=95 A(180)    40 > 25  0.0143 > 0.0118  0.502 > 0.311  0.0030 > 0.0015   0.0054 > 0.0014
    n=50 a=45 A(300)     40 > 25  0.0283 > 0.0137  1.22 > 0.60    0.0042 > 0.0023   0.0102 > 0.0023
    n=20 a=18 C          40 > 25  0.0786 > 0.0398  19.8 > 13.8    -                 0.0185 > 0.0049
    n=10 a=7 A(120)      40 > 25  0.0279 > 0.0163  1.22 > 0.76    0.0131 > 0.0066   0.0254 > 0.0042
    n=5 a=4.85 A(120)    40 > 25  0.0331 > 0.0150  2.26 > 1.53    0.0180 > 0.0066   0.0217 > 0.0073
    n=5 a=4.2 C          40 > 25  0.101 > 0.0317   113 > 28.8     -                 0.0416 > 0.0103

The arrival rate of a case, a plain mean, loses the replications the controls save (6 SE of the
200-agent cases' rates go from 0.0028 to 0.0049 and 0.0036 to 0.0044 calls/s, i.e. 0.27% to 0.47%
and 0.34% to 0.41%; the others' by 10-15%, from 1.1-3.2% of the rate).
`test_offered_calls_are_the_poisson_arrivals_at_the_configured_rate` gives it back: it checks that
the engine offers exactly the calls the arrival draw makes, and the draw's rate to 0.17%, cheaply,
without simulating a queue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from stationary import stationary_scenario
from wfm.analytic import erlang_a, erlang_c_asa, erlang_c_occupancy, erlang_c_service_level
from wfm.sim import RunResult, make_streams, run
from wfm.sim.arrivals import arrival_times

pytestmark = pytest.mark.slow

SEED = 20_260_105
SL_THRESHOLD_S = 20.0
HOURS = 16
WINDOW = slice(1 * 4, 15 * 4 + 2)  # 15-minute intervals of arrivals 01:00–15:30
OPEN_S = HOURS * 3600.0  # the center takes calls 00:00-16:00
# Queues build over minutes to an hour: the controls square the work offered over one interval and
# over four (15 and 60 minutes).
CONTROL_SPANS = (1, 4)
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
# parallel workers start the longest runs first (see conftest.py). The replications of each case give
# every waiting KPI a standard error no larger than the plain replication mean had with the
# replications in the module docstring's table.
CASES = (
    Case(200, 190.0, 180, None, 30),
    Case(200, 194.0, 180, 180, 40),
    Case(100, 95.0, 180, 180, 25),
    Case(50, 45.0, 240, 300, 25),
    Case(20, 18.0, 180, None, 25),
    Case(10, 7.0, 300, 120, 25),
    Case(5, 4.85, 180, 120, 25),
    Case(5, 4.2, 180, None, 25),
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
    """Control-variate estimate and standard error of each KPI over the measured window.

    `controls` holds, per control, its mean over the replications and the standard error of that
    mean: each must be consistent with its known mean, zero.
    """

    mean: dict[str, float]
    se: dict[str, float]
    controls: tuple[tuple[float, float], ...]


def window_kpis(result: RunResult) -> dict[str, float]:
    """One replication's KPIs over the callers arriving in the measured window (the arrival rate over the day)."""
    inbound, staff = result.inbound, result.staff
    offered = inbound.offered[WINDOW].sum()
    answered = inbound.answered[WINDOW].sum()
    busy = staff.busy_s[WINDOW].sum()
    return {
        "service_level": inbound.answered_in_sl[WINDOW].sum() / offered,
        "asa": inbound.wait_answered_s[WINDOW].sum() / answered,
        "p_abandon": inbound.abandoned[WINDOW].sum() / offered,
        "occupancy": busy / (busy + staff.idle_s[WINDOW].sum()),
        "arrival_rate": inbound.offered.sum() / OPEN_S,  # every caller of the day: the most data
    }


def work_controls(result: RunResult, case: Case) -> np.ndarray:
    """One replication's control variates, each with expectation exactly zero (see the module docstring).

    Per 15-minute interval k of arrival, from an hour before the window to its end:
    x_k = h (N_k - λΔ) + S_k, with N_k the callers offered, S_k the sum of (talk - h) over those
    handled, H_k their number. The controls are Σ(N_k - λΔ) and ΣS_k over the window, and for each
    span of L intervals in CONTROL_SPANS the sum over the window of y_k² - h² Σ(λΔ + H_j), y_k the
    sum of x_j over the L intervals ending with k.
    """
    inbound = result.inbound
    lead = max(CONTROL_SPANS)
    span = slice(WINDOW.start - lead, WINDOW.stop)
    # Every caller of these intervals answered is also handled (no talk cut short by the horizon),
    # so that S_k is a sum over all answered callers.
    assert np.array_equal(inbound.handled[span], inbound.answered[span]), f"{case.label}: calls still in service"
    h, per_interval = case.mean_handle_s, case.arrival_rate * result.interval_s
    offered_dev = inbound.offered[span] - per_interval
    handled = inbound.handled[span]
    talk_dev = inbound.talk_s[span] - h * handled
    work_dev = h * offered_dev + talk_dev
    work_var = h * h * (per_interval + handled)  # E[x_k²], with H_k standing in for its mean
    controls = [offered_dev[lead:].sum(), talk_dev[lead:].sum()]
    for length in CONTROL_SPANS:
        ones = np.ones(length)
        recent = np.convolve(work_dev, ones, "valid")[lead - length + 1:]
        expected = np.convolve(work_var, ones, "valid")[lead - length + 1:]
        controls.append(float((recent ** 2 - expected).sum()))
    return np.asarray(controls, dtype=float)


def controlled_mean(values: np.ndarray, controls: np.ndarray) -> tuple[float, float]:
    """The control-variate estimate of E[values] and its standard error.

    Least squares of the replications' values on an intercept and the controls: the intercept is
    the fitted value where every control is at its known mean, zero. Its standard error is the
    regression's, with R - q - 1 degrees of freedom for q controls (exact under normality).
    """
    design = np.column_stack([np.ones(len(values)), controls])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    residuals = values - design @ coef
    dof = len(values) - design.shape[1]
    variance = residuals @ residuals / dof * np.linalg.inv(design.T @ design)[0, 0]
    return float(coef[0]), math.sqrt(max(float(variance), 0.0))


@cache
def measure(case: Case) -> Measured:
    """Run the case's replications and estimate every KPI over the measured window."""
    scenario = stationary_scenario(case.agents, case.arrival_rate * 3600, case.mean_handle_s, case.patience_s,
                                   hours=HOURS, sl_threshold_s=SL_THRESHOLD_S)
    kpis, controls = [], []
    for rep in range(case.replications):
        result = run(scenario, SEED, replication=rep)
        kpis.append(window_kpis(result))
        controls.append(work_controls(result, case))
    control = np.asarray(controls)
    mean, se = {}, {}
    for kpi in KPIS:
        values = np.asarray([k[kpi] for k in kpis])
        if kpi == "arrival_rate":  # checked raw: the arrival-count control would make it exact by construction
            mean[kpi], se[kpi] = float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))
        elif values.std() == 0:  # no spread at all (nobody abandons without patience)
            mean[kpi], se[kpi] = float(values[0]), 0.0
        else:
            mean[kpi], se[kpi] = controlled_mean(values, control)
    n = len(control)
    return Measured(mean=mean, se=se, controls=tuple(
        (float(c.mean()), float(c.std(ddof=1) / math.sqrt(n))) for c in control.T))


def gap_se(case: Case, kpi: str) -> float:
    """How many standard errors apart the analytic values for n and n - 1 agents are on `kpi`."""
    se = measure(case).se[kpi]
    gap = abs(analytic(case, case.agents - 1)[kpi] - analytic(case, case.agents)[kpi])
    return gap / se if se > 0 else math.inf if gap > 0 else 0.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_simulation_agrees_with_erlang_and_rejects_one_agent_fewer(case: Case) -> None:
    got = measure(case)
    # The controls are checked against their known mean like the KPIs: a simulator whose arrivals or
    # talk times are off shows it here, and cannot hide it by shifting the controlled estimates.
    for i, (mean, se) in enumerate(got.controls):
        assert abs(mean) <= TOLERANCE_SE * se, f"{case.label}: control {i} has mean {mean:.4g} ± {se:.4g} (SE), not 0"
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


ARRIVAL_DAYS = 200  # days drawn per case: 6 SE of the rate about 0.17%, against 0.27% and 0.34% from 120 and 80 runs


@pytest.mark.parametrize("case", CASES[:2], ids=lambda c: c.label)
def test_offered_calls_are_the_poisson_arrivals_at_the_configured_rate(case: Case) -> None:
    """The arrival rate of the 200-agent cases, as precisely as their runs used to give it.

    The cases check the offered rate too, but over fewer runs than the plain means needed. The
    engine offers exactly the calls `arrival_times` draws from a replication's arrivals stream
    (checked here on one replication of a small case), so the rate is checked on that function over
    ARRIVAL_DAYS days, which cost a fraction of a second instead of a simulation each.
    """
    small = CASES[-1]
    scenario = stationary_scenario(small.agents, small.arrival_rate * 3600, small.mean_handle_s, small.patience_s,
                                   hours=HOURS, sl_threshold_s=SL_THRESHOLD_S)
    drawn = arrival_times(make_streams(SEED, 0).arrivals, scenario.inbound.demand, scenario.calendar, 0)
    offered = run(scenario, SEED, replication=0).inbound.offered
    assert np.array_equal(np.bincount((drawn // 900).astype(int), minlength=offered.size), offered)

    scenario = stationary_scenario(case.agents, case.arrival_rate * 3600, case.mean_handle_s, case.patience_s,
                                   hours=HOURS, sl_threshold_s=SL_THRESHOLD_S)
    rng = np.random.default_rng(SEED)
    rates = np.asarray([arrival_times(rng, scenario.inbound.demand, scenario.calendar, 0).size / OPEN_S
                        for _ in range(ARRIVAL_DAYS)])
    se = rates.std(ddof=1) / math.sqrt(ARRIVAL_DAYS)
    assert abs(rates.mean() - case.arrival_rate) <= TOLERANCE_SE * se, (rates.mean(), se, case.arrival_rate)
    assert DETECTABLE_SE * se < 0.002 * case.arrival_rate  # the power this test exists for


def comparison_table() -> str:
    """The analytic and simulated KPIs of every case, for reports (`python tests/test_validation_erlang.py`).

    "6 SE" is the smallest deviation the test detects with probability about 98%.
    """
    lines = [f"{'case':44} {'KPI':14} {'analytic':>10} {'simulated':>10} {'SE':>8} {'6 SE':>8} {'z':>6} {'n-1':>10}"
             f" {'gap/SE':>7}"]
    for case in CASES:
        got, exp, wrong = measure(case), analytic(case, case.agents), analytic(case, case.agents - 1)
        for kpi in KPIS:
            se = got.se[kpi]
            z = (got.mean[kpi] - exp[kpi]) / se if se else math.nan
            gap = abs(wrong[kpi] - exp[kpi]) / se if se else math.nan
            lines.append(f"{case.label:44} {kpi:14} {exp[kpi]:10.4f} {got.mean[kpi]:10.4f} {se:8.4g} {6 * se:8.4g}"
                         f" {z:6.2f} {wrong[kpi]:10.4f} {gap:7.1f}")
        lines.append(f"{case.label:44} controls (mean/SE): {', '.join(f'{m / s:+.2f}' for m, s in got.controls)}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(comparison_table())  # noqa: T201
