"""wfm's inbound core against the minimal SimPy M/M/n+M model on the benchmark day.

Case: 200 agents, a constant 3,000 calls per hour, 180 s exponential handle time, 180 s
exponential patience, an 8-hour day, one replication. Both models run in this process, best
of 3 each; the target is wfm within 1.5× the minimal model.

Run alone (`python benchmarks/bench_inbound.py`, add `--profile` for a pyinstrument profile of
wfm) or through `benchmarks/run_all.py`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from minimal_mmn import simulate

from wfm.scenario import Scenario
from wfm.scenario.io import scenario_from_mapping
from wfm.sim import run

AGENTS, CALLS_PER_HOUR, HANDLE_S, PATIENCE_S, HOURS, SEED = 200, 3000, 180.0, 180.0, 8, 1
REPEATS = 3
TARGET_RATIO = 1.5


def benchmark_scenario() -> Scenario:
    """The benchmark day as a wfm scenario: one 8-hour shift, open 00:00–08:00, flat demand."""
    return scenario_from_mapping({
        "name": "benchmark M/M/200+M",
        "calendar": {"start_date": "2026-01-05", "horizon_days": 1,
                     "opening_hours": {"mon": {"open": "00:00", "close": f"{HOURS:02d}:00"}}},
        "inbound": {
            "demand": {"daily_volume": {"mon": CALLS_PER_HOUR * HOURS}, "intraday_shape": [1.0] * 24},
            "talk": {"distribution": "exponential", "mean_s": HANDLE_S},
            "acw": {"distribution": "fixed", "mean_s": 0},
            "patience": {"distribution": "exponential", "mean_s": PATIENCE_S},
            "service_level": {"exclude_short_abandons": False},
        },
        "groups": [{"name": "Agents", "shifts": [
            {"days": ["mon"], "start": "00:00", "length_h": HOURS, "headcount": AGENTS}]}],
    })


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    """Fastest wall time of `repeats` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def results() -> list[dict[str, object]]:
    """Rows for `run_all.py`: one per case."""
    scenario = benchmark_scenario()
    wfm_s, wfm_result = best_of(lambda: run(scenario, SEED))
    ref_s, tally = best_of(lambda: simulate(AGENTS, CALLS_PER_HOUR, HANDLE_S, PATIENCE_S, HOURS, SEED))
    inbound = wfm_result.inbound
    wfm_abandoned = inbound.abandoned.sum() / inbound.offered.sum()
    return [{
        "case": f"inbound M/M/{AGENTS}+M, {CALLS_PER_HOUR} calls/h, {HOURS} h",
        "wfm_s": wfm_s,
        "minimal_s": ref_s,
        "ratio": wfm_s / ref_s,
        "target": TARGET_RATIO,
        "detail": (f"wfm offered {inbound.offered.sum()}, abandoned {wfm_abandoned:.1%};"
                   f" minimal offered {tally.offered}, abandoned {tally.abandoned / tally.offered:.1%}"),
    }]


def profile() -> None:
    """Where wfm spends its time on the benchmark day (pyinstrument)."""
    from pyinstrument import Profiler

    scenario = benchmark_scenario()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    run(scenario, SEED)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile()
    else:
        for row in results():
            print(f"{row['case']}: wfm {row['wfm_s']:.3f} s, minimal {row['minimal_s']:.3f} s,"
                  f" ratio {row['ratio']:.2f} (target <= {row['target']}); {row['detail']}")
