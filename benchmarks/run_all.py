"""`make bench`: run every benchmarks/bench_*.py and print one summary table.

A bench module that exposes `results()` (rows with `case`, `wfm_s`, `minimal_s`, `ratio`,
`target`, `detail`) is imported and its rows go into the comparison table. Any other bench
module is run as a script in its own process (it may start process pools or a Dask cluster,
which want a clean `__main__`); its own output is shown and the table records its wall time
and exit status. Exit status 1 when a case misses its target or a script fails, so a
regression is visible in CI logs; benchmarks are never part of `make test`.

Scripts: bench_horizon.py, bench_outbound.py, bench_parallel.py, bench_strategy.py (the collection
strategy at issue #12's and #13's sizes: CPU seconds and peak RSS per workload, each in a fresh
process) and bench_gui_responsiveness.py (the GUI event loop never stalls 100 ms during a run: a
wall-clock check that needs an idle machine, so it left the test suite, which runs in parallel workers).
"""

from __future__ import annotations

import importlib
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _run_script(path: Path) -> tuple[float, int]:
    print(f"== {path.name}")
    start = time.perf_counter()
    code = subprocess.run([sys.executable, str(path)], check=False).returncode
    return time.perf_counter() - start, code


def main() -> int:
    rows, scripts = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        if hasattr(module, "results"):
            rows.extend(module.results())
        else:
            scripts.append((path.name, *_run_script(path)))
    print()
    print(f"Python {platform.python_version()} on {platform.machine()}; best of 3 wall times")
    header = f"{'case':48} {'wfm':>9} {'minimal':>9} {'ratio':>6} {'target':>7}  ok"
    print(header)
    print("-" * len(header))
    failed = 0
    for row in rows:
        ok = row["ratio"] <= row["target"]
        failed += not ok
        print(f"{row['case']:48} {row['wfm_s']:8.3f}s {row['minimal_s']:8.3f}s {row['ratio']:6.2f}"
              f" {row['target']:6.2f}x  {'yes' if ok else 'NO'}")
        print(f"    {row['detail']}")
    for name, seconds, code in scripts:
        failed += code != 0
        print(f"{name:48} {seconds:8.1f}s (script, see its output above){'' if code == 0 else f' FAILED ({code})'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
