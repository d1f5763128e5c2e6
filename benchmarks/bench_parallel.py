"""Throughput of 20 replications of the baseline: serial vs process pool (2 workers) vs Dask LocalCluster.

The process pool and Dask can only beat serial with idle cores: run this on a quiet machine
(the load average is printed with the figures). Each backend is timed warm (workers already
started, as in the GUI and in repeated CLI experiments) and cold (start-up included); warm
figures are the best of `ROUNDS` rounds. Results are checked to be identical to the serial ones.

    .venv/bin/python benchmarks/bench_parallel.py
"""

from __future__ import annotations

import os
import time

from wfm.execution import DaskBackend, ProcessBackend, SerialBackend
from wfm.experiment import RunPlan, replicate
from wfm.scenario.io import default_scenario
from wfm.sim import same_values

REPS, SEED, WORKERS, ROUNDS = 20, 20260105, 2, 2


def _best(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    scenario = default_scenario()
    reference = replicate(scenario, RunPlan(REPS, SEED))
    serial_s = _best(lambda: replicate(scenario, RunPlan(REPS, SEED, SerialBackend())))

    def cold_pool() -> None:
        with ProcessBackend(WORKERS) as backend:
            replicate(scenario, RunPlan(REPS, SEED, backend))

    cold_pool_s = _best(cold_pool, 1)
    with ProcessBackend(WORKERS) as pool:
        pool.warm_up()
        assert same_values(replicate(scenario, RunPlan(REPS, SEED, pool)).runs, reference.runs)
        pool_s = _best(lambda: replicate(scenario, RunPlan(REPS, SEED, pool)))

    dask_s = cold_dask_s = float("nan")
    try:
        start = time.perf_counter()
        with DaskBackend(workers=WORKERS) as cluster:
            replicate(scenario, RunPlan(REPS, SEED, cluster))
            cold_dask_s = time.perf_counter() - start
            assert same_values(replicate(scenario, RunPlan(REPS, SEED, cluster)).runs, reference.runs)
            dask_s = _best(lambda: replicate(scenario, RunPlan(REPS, SEED, cluster)))
    except ImportError as exc:
        print(f"Dask skipped: {exc}")

    load = os.getloadavg()[0]
    print(f"{REPS} replications of {scenario.name!r}, {WORKERS} workers, best of {ROUNDS}")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at the end (other processes compete for the"
          " cores; a speed-up needs them idle)")
    print(f"{'backend':<28}{'seconds':>9}{'reps/s':>9}{'vs serial':>11}")
    for label, seconds in (
        ("serial", serial_s),
        ("process pool (warm)", pool_s),
        ("process pool (cold start)", cold_pool_s),
        ("Dask LocalCluster (warm)", dask_s),
        ("Dask LocalCluster (cold)", cold_dask_s),
    ):
        print(f"{label:<28}{seconds:>9.3f}{REPS / seconds:>9.1f}{serial_s / seconds:>10.2f}x")
    print(f"Dask overhead vs process pool (warm): {dask_s / pool_s - 1:+.0%}")
    target = 1.7
    speedup = serial_s / pool_s
    print(f"process pool speed-up {speedup:.2f}x (target >= {target}x): {'met' if speedup >= target else 'NOT met'}")


if __name__ == "__main__":
    main()
