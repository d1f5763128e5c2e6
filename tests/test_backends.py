"""Serial, process-pool and Dask runs give identical results, report progress and can be cancelled."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stationary import stationary_scenario
from wfm.execution import DaskBackend, ProcessBackend, SerialBackend, Task, make_backend
from wfm.experiment import RunPlan, compare, replicate, run_many
from wfm.sim import Cancelled, same_values

REPS, SEED = 4, 20260105  # more replications than workers: results come back out of order and must be re-sorted

# One worker starts the process pool and the Dask cluster once for all these tests (several
# reach the fixtures through request.getfixturevalue, which conftest.py's grouping cannot see).
pytestmark = pytest.mark.xdist_group("backends")


@pytest.fixture(scope="module")
def baseline(baseline_2d):
    # The default scenario (inbound, blended and outbound teams, predictive dialer) over two
    # days: whether a backend reproduces the serial runs bit for bit does not depend on the horizon.
    return baseline_2d


@pytest.fixture(scope="module")
def serial_summary(baseline):
    return replicate(baseline, RunPlan(REPS, SEED))


@pytest.fixture(scope="module")
def process_backend():
    with ProcessBackend(workers=2) as backend:
        yield backend


@pytest.fixture(scope="module")
def dask_backend():
    pytest.importorskip("distributed")
    with DaskBackend(workers=2, processes=True) as backend:
        yield backend


def _assert_same_summary(a, b):
    assert same_values(a.runs, b.runs)
    assert a.kpis == b.kpis  # Estimates compare field by field: bit-identical means and half-widths
    assert a.scenario_hash == b.scenario_hash and a.seed == b.seed and a.replications == b.replications


def test_process_pool_gives_the_serial_summary(baseline, serial_summary, process_backend):
    _assert_same_summary(serial_summary, replicate(baseline, RunPlan(REPS, SEED, process_backend)))


def test_dask_local_cluster_gives_the_serial_summary(baseline, serial_summary, dask_backend):
    _assert_same_summary(serial_summary, replicate(baseline, RunPlan(REPS, SEED, dask_backend)))


@pytest.mark.parametrize("backend_fixture", ["process_backend", "dask_backend"])
def test_comparison_is_identical_on_every_backend(request, backend_fixture):
    backend = request.getfixturevalue(backend_fixture)
    scenarios = [stationary_scenario(n, 100, 300, 180, hours=4) for n in (9, 10)]
    serial = compare(run_many(scenarios, RunPlan(3, 5)))
    parallel = compare(run_many(scenarios, RunPlan(3, 5, backend)))
    for a, b in zip(serial.summaries, parallel.summaries, strict=True):
        _assert_same_summary(a, b)
    assert serial.differences == parallel.differences


@pytest.mark.parametrize("backend_fixture", ["serial", "process_backend", "dask_backend"])
def test_progress_rises_to_one(request, backend_fixture):
    backend = SerialBackend() if backend_fixture == "serial" else request.getfixturevalue(backend_fixture)
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    seen: list[float] = []
    replicate(scenario, RunPlan(5, 1, backend, progress=seen.append))
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert all(0 <= f <= 1 for f in seen)


@pytest.mark.parametrize("backend_fixture", ["serial", "process_backend", "dask_backend"])
def test_cancel_stops_the_experiment(request, backend_fixture):
    backend = SerialBackend() if backend_fixture == "serial" else request.getfixturevalue(backend_fixture)
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    progressed: list[float] = []
    with pytest.raises(Cancelled):
        replicate(scenario, RunPlan(40, 1, backend, progress=progressed.append, cancel=lambda: bool(progressed)))
    # it stopped early: far fewer than the 40 replications reported done
    assert max(progressed) < 0.5
    # and the backend is still usable afterwards
    assert replicate(scenario, RunPlan(2, 1, backend)).replications == 2


def test_cancel_before_start_runs_nothing():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    progressed: list[float] = []
    with pytest.raises(Cancelled):
        SerialBackend().run_tasks([Task(scenario, 1, 0)], progressed.append, cancel=lambda: True)
    assert progressed == []


def test_make_backend_by_name():
    assert isinstance(make_backend("serial"), SerialBackend)
    with make_backend("processes", workers=3) as backend:
        assert isinstance(backend, ProcessBackend) and backend.workers == 3
    with pytest.raises(ValueError, match="not known; use one of serial, processes, dask"):
        make_backend("threads")
    with pytest.raises(ValueError, match="needs the 'dask' backend"):
        make_backend("processes", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="not a Dask scheduler address"):
        make_backend("dask", scheduler="localhost:8786")
    with pytest.raises(ValueError, match="at least 1"):
        ProcessBackend(workers=0)
    with pytest.raises(ValueError, match="never 'fork'"):
        ProcessBackend(context="fork")  # type: ignore[arg-type]


def test_missing_dask_says_how_to_install_it():
    # in a subprocess: hiding `distributed` here would pull it from under the live Dask fixture's threads
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from wfm.execution import make_backend\n"
        "try:\n    make_backend('dask')\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert "pip install wfm[dask]" in out.stdout


def test_dask_is_not_imported_by_the_experiment_api():
    code = "import sys, wfm.experiment, wfm.sweep, wfm.solvers, wfm.cli; print('distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_connecting_to_a_running_scheduler_leaves_it_running(baseline, serial_summary, dask_backend):
    address = dask_backend._cluster.scheduler_address
    with make_backend("dask", scheduler=address) as client_backend:
        assert client_backend.workers == 2
        _assert_same_summary(serial_summary, replicate(baseline, RunPlan(REPS, SEED, client_backend)))
    # the cluster belongs to someone else: closing our connection must not stop it
    assert replicate(stationary_scenario(5, 40, 300, 180, hours=4), RunPlan(2, 1, dask_backend)).replications == 2


def test_serial_progress_moves_within_a_run():
    scenario = stationary_scenario(5, 40, 300, 180, hours=4)
    seen: list[float] = []
    replicate(scenario, RunPlan(2, 1, progress=seen.append))
    assert len(seen) > 2 and any(0 < f < 0.5 for f in seen)
