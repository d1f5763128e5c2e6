"""Outbound benchmark: 60 blended agents, 22 working days, 50,000 accounts, predictive, one replication.

Target on a 2-core machine: <= 60 s wall time and <= 1.5 GB peak memory (issue #3).
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

from wfm.scenario import Scenario
from wfm.scenario.io import default_scenario_text, scenario_from_mapping
from wfm.sim import run

try:
    import tomllib
except ImportError:  # pragma: no cover
    sys.exit("Python >= 3.11 required")


def bench_scenario() -> Scenario:
    """The baseline center with one blended team of 60 over 22 working days and 50,000 accounts."""
    data = tomllib.loads(default_scenario_text())
    data["name"] = "Outbound benchmark"
    data["calendar"]["horizon_days"] = 26  # Mon 5 Jan - Sat 31 Jan 2026: 22 weekdays
    data["groups"] = [{
        "name": "Blended", "kind": "blended", "absence_rate": 0.05,
        "shifts": [
            {"name": "Early", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "length_h": 8,
             "headcount": 30, "breaks": [{"name": "lunch", "offset_min": 210, "duration_min": 30,
                                          "stagger_min": 60, "paid": False}]},
            {"name": "Late", "days": ["mon", "tue", "wed", "thu", "fri"], "start": "12:00", "length_h": 8,
             "headcount": 30, "breaks": [{"name": "lunch", "offset_min": 210, "duration_min": 30,
                                          "stagger_min": 60, "paid": False}]},
        ],
    }]
    data["inbound"]["demand"]["daily_volume"] = {"mon": 700, "tue": 600, "wed": 600, "thu": 550, "fri": 500}
    data["outbound"]["portfolio"]["accounts"] = 50_000
    data["outbound"]["dialer"]["mode"] = "predictive"
    return scenario_from_mapping(data)


def main(trace_memory: bool = False) -> dict[str, float]:
    """Time one replication; tracemalloc (which slows Python 2-3x) only when asked, RSS always."""
    scenario = bench_scenario()
    if trace_memory:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = run(scenario, 20260105)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    traced_peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    if trace_memory:
        tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ob = result.outbound
    figures = {
        "wall_s": wall, "cpu_s": cpu, "peak_traced_mb": traced_peak / 2**20, "peak_rss_mb": rss_mb,
        "attempts": float(ob.attempts.sum()), "rpc": float(ob.outcome("rpc").sum()),
        "drop_rate": float(ob.outcome("dropped").sum() / max(ob.live.sum(), 1)),
        "violations": float(ob.violations.sum()),
        # Throughput per CPU second: on a shared machine the wall time measures the neighbours too.
        "attempts_per_cpu_s": float(ob.attempts.sum()) / cpu,
        "attempts_per_s": float(ob.attempts.sum()) / wall,
    }
    print("bench_outbound: 60 blended agents, 22 working days, 50,000 accounts, predictive, 1 replication")
    for key, value in figures.items():
        print(f"  {key:>16}: {value:,.3f}")
    print(f"  target: wall <= 60 s ({'ok' if wall <= 60 else 'MISSED'}),"
          f" peak RSS <= 1536 MB ({'ok' if rss_mb <= 1536 else 'MISSED'})")
    return figures


if __name__ == "__main__":
    main(trace_memory="--trace-memory" in sys.argv)
