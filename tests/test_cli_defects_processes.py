"""Issue 15, item 13: worker processes end with their parent, however the parent is stopped.

Real processes, not mocks: `wfm run` on the process pool is started in a subprocess, stopped
with a signal while its workers simulate, and every process it started must be gone within
a few seconds. The same for a parent killed outright (the GUI gets SIGTERM's default action,
or SIGKILL): its pool's workers must notice and exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil  # installed with dask.distributed, a dev dependency
import pytest

from wfm.scenario.io import default_scenario, save_scenario
from wfm.sweep import vary

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SRC = str(Path(__file__).resolve().parents[1] / "src")
GONE_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> Path:
    # The baseline over a week: a replication takes a few seconds, so the workers are busy when stopped.
    path = tmp_path_factory.mktemp("week") / "week.toml"
    return save_scenario(vary(default_scenario(), {"calendar.horizon_days": 7}), path)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), "COLUMNS": "200"}


def _workers_of(parent: psutil.Process, count: int, timeout_s: float = 60.0) -> list[psutil.Process]:
    """The parent's descendants once `count` pool workers run (the resource tracker included)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        children = parent.children(recursive=True)
        workers = [c for c in children if "spawn_main" in " ".join(_cmdline(c))]
        if len(workers) >= count:
            return children
        time.sleep(0.1)
    raise AssertionError(f"{count} workers did not start within {timeout_s} s")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _survivors(processes: list[psutil.Process]) -> list[str]:
    """Processes still alive (a zombie waiting to be reaped has ended)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(_cmdline(process))[:80]}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _wait_gone(processes: list[psutil.Process]) -> list[str]:
    deadline = time.monotonic() + GONE_WITHIN_S
    while _survivors(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _survivors(processes)


def _kill_leftovers(processes: list[psutil.Process]) -> None:
    for process in processes:  # only processes this test started
        try:
            process.kill()
        except psutil.Error:
            pass


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stopped_run_stops_its_workers(week, tmp_path, signum):
    report = tmp_path / "r.xlsx"
    command = [sys.executable, "-m", "wfm.cli", "run", str(week), "--reps", "4", "--backend", "processes",
               "--workers", "2", "-o", str(report)]
    cli = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    descendants: list[psutil.Process] = []
    try:
        descendants = _workers_of(psutil.Process(cli.pid), 2)
        time.sleep(1.0)  # into their first replications
        cli.send_signal(signum)
        out, _ = cli.communicate(timeout=GONE_WITHIN_S)
        assert cli.returncode == 128 + signum, out
        assert f"Stopped by {signal.Signals(signum).name}" in out and "Traceback" not in out
        assert _wait_gone(descendants) == []
        assert not report.exists() and list(tmp_path.iterdir()) == []  # no report, no temporary file
    finally:
        cli.kill()
        _kill_leftovers(descendants)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_end_with_a_killed_parent(week, signum):
    # The GUI's pool (`ProcessBackend(background=True)`), in a parent that installs no handler:
    # SIGTERM's default action, like SIGKILL, ends it without any clean-up of its own.
    script = textwrap.dedent(f"""
        from wfm.execution import ProcessBackend
        from wfm.experiment import RunPlan, replicate
        from wfm.scenario.io import load_scenario
        backend = ProcessBackend(workers=2, background=True)
        replicate(load_scenario({str(week)!r}), RunPlan(4, 1, backend))
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], env=_env())
    descendants: list[psutil.Process] = []
    try:
        descendants = _workers_of(psutil.Process(parent.pid), 2)
        time.sleep(1.0)
        parent.send_signal(signum)
        parent.wait(timeout=GONE_WITHIN_S)
        assert _wait_gone(descendants) == []
    finally:
        parent.kill()
        _kill_leftovers(descendants)
