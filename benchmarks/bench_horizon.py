"""Horizon scaling: the baseline with every workforce feature on, 90 days against its first 9.

Targets (issue #4): the 90-day replication takes at most 10 × the wall time of the 9-day one
(no worse-than-linear growth), and peak memory does not grow with the horizon beyond the
per-interval and per-day result tables (no per-call records are kept).
"""

from __future__ import annotations

import gc
import pickle
import time
import tracemalloc
from pathlib import Path

from wfm.scenario import Scenario
from wfm.scenario.io import load_scenario
from wfm.sim import run

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
WORKFORCE_ON = {
    "stress": {"enabled": True}, "learning": {"enabled": True},
    "attrition": {"enabled": True}, "hiring": {"enabled": True},
}


def scenario(days: int) -> Scenario:
    """The baseline over `days` days with stress, learning, attrition and hiring on."""
    data = load_scenario(BASELINE).model_dump(mode="json")
    data["calendar"]["horizon_days"] = days
    data["workforce"].update(WORKFORCE_ON)
    return Scenario.model_validate(data)


def wall_time(days: int, repeats: int = 5) -> tuple[float, int]:
    """Best of `repeats` wall times of one replication (after a warm-up run), and its handled calls."""
    s = scenario(days)
    handled = int(run(s, 1).inbound.handled.sum())  # warm-up: imports, caches
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run(s, 1)
        best = min(best, time.perf_counter() - start)
    return best, handled


def peak_memory(days: int) -> tuple[int, int]:
    """(peak traced bytes during one replication, pickled size of its result)."""
    s = scenario(days)
    gc.collect()
    tracemalloc.start()
    result = run(s, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, len(pickle.dumps(result))


def main() -> dict[str, float]:
    """Measure, print and return the figures."""
    short, long = 9, 90
    (t_short, calls_short), (t_long, calls_long) = wall_time(short), wall_time(long)
    (m_short, r_short), (m_long, r_long) = peak_memory(short), peak_memory(long)
    # Memory that is not result tables: what would grow if the model kept per-call state.
    working_short, working_long = m_short - r_short, m_long - r_long
    figures = {
        "time_9d_s": t_short, "time_90d_s": t_long, "time_ratio": t_long / t_short,
        "us_per_call_9d": t_short / calls_short * 1e6, "us_per_call_90d": t_long / calls_long * 1e6,
        "peak_9d_mb": m_short / 1e6, "peak_90d_mb": m_long / 1e6,
        "result_9d_mb": r_short / 1e6, "result_90d_mb": r_long / 1e6,
        "peak_minus_result_9d_mb": working_short / 1e6, "peak_minus_result_90d_mb": working_long / 1e6,
        "peak_per_day_9d_kb": m_short / short / 1e3, "peak_per_day_90d_kb": m_long / long / 1e3,
    }
    print(f"bench_horizon: one replication of the baseline with workforce dynamics on, {short} vs {long} days")
    print(f"  wall time   {t_short:7.3f} s  vs {t_long:7.3f} s   ratio {t_long / t_short:5.2f}  (target <= 10)")
    print(f"  per call    {t_short / calls_short * 1e6:7.2f} us vs {t_long / calls_long * 1e6:7.2f} us"
          f"  ({calls_short} vs {calls_long} handled calls: the work grows {calls_long / calls_short:.2f}x)")
    print(f"  peak memory {m_short / 1e6:7.2f} MB vs {m_long / 1e6:7.2f} MB  (tracemalloc)")
    print(f"  result size {r_short / 1e6:7.2f} MB vs {r_long / 1e6:7.2f} MB  (pickled interval/day tables)")
    print(f"  peak - result {working_short / 1e6:5.2f} MB vs {working_long / 1e6:5.2f} MB  (working memory)")
    ok_time = t_long / t_short <= 10
    print(f"  {'OK' if ok_time else 'SLOWER THAN LINEAR'}: time ratio {t_long / t_short:.2f}")
    return figures


if __name__ == "__main__":
    main()
