"""Where replications run: serially, in a local process pool, or on a Dask cluster.

Every backend runs the same pure task — `wfm.sim.run(scenario, seed, replication=i)` — and
returns the results in task order, so an experiment's numbers do not depend on where it ran:
serial, parallel and distributed runs are bit-identical for the same seeds.

All backends report progress (completed replications; serial runs and the process pool also
report within a run, so a long single replication does not sit at 0%) and poll a `cancel`
callable: on cancel they stop submitting, cancel what is still pending and raise
`wfm.sim.Cancelled`. Parallel backends keep only a bounded number of replications in
flight, which keeps cancellation prompt and memory flat however many replications are asked.

Worker processes never outlive their parent: leaving a backend's `with` block on an error (a
signal turned into an exception, Ctrl-C, a failed replication) stops the workers at once instead
of letting them finish their replications, and every worker watches its parent and exits when
the parent is gone, however it died (SIGTERM with the default action, SIGKILL, a crash).

Dask is optional (`pip install wfm[dask]`) and imported only when its backend is built.
"""

from __future__ import annotations

import abc
import concurrent.futures as cf
import itertools
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Self

from wfm.scenario import Scenario
from wfm.sim import Cancelled, RunResult, run
from wfm.sim.callbacks import Cancel, Progress, never_cancel, no_progress

BackendName = Literal["serial", "processes", "dask"]
BACKENDS: tuple[str, ...] = ("serial", "processes", "dask")

# How often a parallel backend wakes up to poll `cancel` while waiting for results (seconds).
_POLL_S = 0.05
# Replications in flight per worker: enough to keep workers busy between polls, few enough
# that a cancel leaves little work behind.
_IN_FLIGHT_PER_WORKER = 2
# How often a worker checks that its parent is still alive (seconds): the delay with which the
# workers of a killed parent stop.
_PARENT_POLL_S = 0.25
# How often a pool worker reports progress within a replication (seconds).
_REPORT_EVERY_S = 0.25


@dataclass(frozen=True)
class Task:
    """One replication to run.

    Attributes:
        scenario: the validated input.
        seed: experiment seed.
        replication: replication index; with `seed` it selects the random streams.
    """

    scenario: Scenario
    seed: int
    replication: int
    report: int | None = None
    """In a process pool: the experiment the worker reports progress within the replication for."""


Reports = Callable[[], dict[int, float]]
"""Drains the progress reports that arrived: {replication: fraction of it done}."""

_reports_to: Any = None
"""In a pool worker: the queue `run_task` reports progress within a replication on (None elsewhere)."""


def run_task(task: Task) -> RunResult:
    """Run one task; module-level so process pools and Dask workers can import it by name."""
    target = _reports_to
    if task.report is None or target is None:
        return run(task.scenario, task.seed, replication=task.replication)
    last = [time.monotonic()]

    def report(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= _REPORT_EVERY_S:
            last[0] = now
            target.put((task.report, task.replication, fraction))

    return run(task.scenario, task.seed, report, replication=task.replication)


class Backend(abc.ABC):
    """Runs tasks and returns their results in task order; a context manager that closes itself."""

    name: str
    workers: int

    def run_tasks(
        self, tasks: Sequence[Task], progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> list[RunResult]:
        """Run every task; progress in [0, 1]; raise `Cancelled` when `cancel()` turns true."""
        return self._run(tasks, progress, cancel)

    @abc.abstractmethod
    def _run(self, tasks: Sequence[Task], progress: Progress, cancel: Cancel) -> list[RunResult]:
        """`run_tasks` of this kind of backend."""

    def close(self) -> None:
        """Release workers and connections (idempotent)."""
        return None

    def terminate(self) -> None:
        """Stop now, abandoning replications still running (default: `close`)."""
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        # Leaving on an exception (a signal, Ctrl-C, a failed replication) means nobody waits
        # for the results any more: waiting for the running replications would keep the
        # workers busy, and the process alive, for as long as they take.
        if kind is None:
            self.close()
        else:
            self.terminate()


class SerialBackend(Backend):
    """Runs replications one after the other in this process, with progress within each run."""

    name = "serial"
    workers = 1

    def _run(self, tasks: Sequence[Task], progress: Progress, cancel: Cancel) -> list[RunResult]:
        """Run the tasks in order; the engine itself polls `cancel` between chunks of simulated time."""
        results = []
        n = len(tasks)
        for i, task in enumerate(tasks):
            if cancel():
                raise Cancelled(f"cancelled after {i} of {n} replication(s)")

            def share(fraction: float, i: int = i) -> None:
                progress((i + fraction) / n)

            results.append(run(task.scenario, task.seed, share, cancel, replication=task.replication))
        return results


class _PooledBackend(Backend):
    """A backend whose workers take tasks as futures: the process pool and Dask."""

    def _run(self, tasks: Sequence[Task], progress: Progress, cancel: Cancel) -> list[RunResult]:
        """Run the tasks on the workers; progress counts completed replications (and parts, where reported)."""
        return _drive(tasks, self._submitter(), self.workers * _IN_FLIGHT_PER_WORKER, progress, cancel)

    @abc.abstractmethod
    def _submitter(self) -> Callable[[Task], Any]:
        """What hands one task to a worker and returns its future."""


def _drive(
    tasks: Sequence[Task], submit: Callable[[Task], Any], in_flight: int, progress: Progress, cancel: Cancel,
    reports: Reports | None = None,
) -> list[RunResult]:
    """Submit with a bounded window, collect in task order, and honour `cancel` between waits.

    Shared by the process-pool and Dask backends: both futures offer `add_done_callback`,
    `result` and `cancel`, so finished futures arrive on one queue whatever ran them, and the
    wait for them times out every `_POLL_S` to poll `cancel` (and to read `reports` of the
    replications still running, which count by the part of them done).
    """
    n = len(tasks)
    results: list[RunResult | None] = [None] * n
    index_of: dict[Any, int] = {}
    within: dict[int, float] = {}  # replication → fraction done, of those running
    finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
    next_task = done = 0
    try:
        while done < n:
            if cancel():
                raise Cancelled(f"cancelled after {done} of {n} replication(s)")
            while next_task < n and len(index_of) < in_flight:
                future = submit(tasks[next_task])
                index_of[future] = next_task
                future.add_done_callback(finished.put)
                next_task += 1
            try:
                future = finished.get(timeout=_POLL_S)
            except queue.Empty:
                parts = reports() if reports is not None else {}
                if parts:
                    within.update(parts)
                    progress((done + sum(within.values())) / n)
                continue
            index = index_of.pop(future)
            results[index] = future.result()
            within.pop(tasks[index].replication, None)
            done += 1
            progress((done + sum(within.values())) / n)
    except BaseException:
        for future in index_of:
            future.cancel()
        raise
    return [r for r in results if r is not None]


def _start_worker(parent: int, background: bool, reports_to: Any = None) -> None:
    """Worker initializer: exit with the parent, yield the CPU to an interactive one, report progress.

    Progress within a replication goes to `reports_to`, the pool's queue (`run_task`).
    A pool's workers wait on a queue whose write end they hold themselves, so they never see
    their parent go: killed with SIGTERM's default action or SIGKILL, the parent would leave
    them running their replications, then idle forever. A daemon thread polls the parent's
    pid instead (portable, unlike Linux's parent-death signal, which also fires when the
    *thread* that started the worker ends, e.g. the GUI's worker thread).
    """
    global _reports_to
    _reports_to = reports_to
    if background and hasattr(os, "nice"):
        os.nice(10)
    if hasattr(os, "getppid"):
        threading.Thread(target=_exit_with_parent, args=(parent,), name="wfm-parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """Exit this worker as soon as `parent` is no longer its parent (it died; the worker was adopted)."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)  # no clean-up: the results have nobody to go to


class ProcessBackend(_PooledBackend):
    """A local pool of worker processes (default: one per core).

    Workers start with "spawn" (or "forkserver"), never "fork": forking a process that has Qt
    loaded is unsafe, and the GUI drives experiments from a QThread. The pool starts on first
    use and is kept until `close()`, so repeated experiments pay the start-up once.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, context: Literal["spawn", "forkserver"] = "spawn",
                 *, background: bool = False) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, but got {workers}; omit it to use every core")
        if context not in ("spawn", "forkserver"):
            raise ValueError(f"context {context!r} is not allowed; use 'spawn' or 'forkserver' (never 'fork')")
        self.workers = workers or os.cpu_count() or 1
        self._context = context
        # An interactive caller (the GUI) shares the cores with the workers: lowering their
        # priority lets its event loop run on time while they still use every idle cycle.
        self._background = background
        self._pool: cf.ProcessPoolExecutor | None = None
        self._reports: Any = None  # the workers' progress queue, made with the pool
        self._experiments = itertools.count()

    def _ensure_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context(self._context)
            self._reports = context.Queue()
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context,
                initializer=_start_worker, initargs=(os.getpid(), self._background, self._reports),
            )
        return self._pool

    def _run(self, tasks: Sequence[Task], progress: Progress, cancel: Cancel) -> list[RunResult]:
        """Run the tasks on the workers, with progress within the replications that are running."""
        submit = self._submitter()
        experiment = next(self._experiments)  # reports of an earlier, cancelled experiment are ignored
        reports_from = self._reports

        def reports() -> dict[int, float]:
            parts: dict[int, float] = {}
            while True:
                try:
                    which, replication, fraction = reports_from.get_nowait()
                except queue.Empty:
                    return parts
                if which == experiment:
                    parts[replication] = fraction

        tasks = [replace(task, report=experiment) for task in tasks]
        return _drive(tasks, submit, self.workers * _IN_FLIGHT_PER_WORKER, progress, cancel, reports)

    def warm_up(self) -> None:
        """Start every worker now (imports included), so the first experiment is not slowed by it."""
        pool = self._ensure_pool()
        list(pool.map(_ready, range(self.workers)))

    def _submitter(self) -> Callable[[Task], Any]:
        pool = self._ensure_pool()
        return lambda task: pool.submit(run_task, task)

    def close(self) -> None:
        """Shut the pool down, dropping replications that have not started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._reports = None

    def terminate(self) -> None:
        """Stop the workers now, abandoning the replications they are running; the pool restarts on next use."""
        pool, self._pool = self._pool, None
        self._reports = None  # a worker killed while writing to it may leave it unreadable
        if pool is None:
            return
        # The executor has no public way to stop running work before Python 3.14's
        # terminate_workers(); its process table is the only handle on the workers.
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)


def _ready(_: int) -> bool:
    """A trivial task that forces a worker to start and import the simulator."""
    import wfm.sim  # noqa: F401

    return True


class BackendError(Exception):
    """A backend cannot be used (a scheduler that does not answer); the message names the cause and the fix."""


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "the Dask backend needs dask.distributed, which is not installed; run `pip install wfm[dask]`"
            " or choose the 'processes' backend"
        ) from None
    return distributed


class DaskBackend(_PooledBackend):
    """Replications on a Dask cluster: a running scheduler (`tcp://host:port`) or a LocalCluster.

    With `scheduler=None` an in-process `LocalCluster` of `workers` single-threaded worker
    processes is started (and stopped by `close()`); with an address the backend connects as a
    client and leaves the cluster running when it closes.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, processes: bool = True) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, but got {workers}; omit it to use every core")
        if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
            raise ValueError(
                f"scheduler {scheduler!r} is not a Dask scheduler address; use e.g. tcp://host:8786"
            )
        distributed = _import_distributed()
        self._cluster = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=processes,
                dashboard_address=":0",  # a free port: 8787 may be taken by another cluster
            )
            self._client = distributed.Client(self._cluster, set_as_default=False)
        else:
            self._client = _connect(distributed, scheduler)
        self.workers = max(1, sum(self._client.nthreads().values()))

    def _submitter(self) -> Callable[[Task], Any]:
        client = self._client
        if client is None:
            raise RuntimeError("this Dask backend is closed; build a new one")
        return lambda task: client.submit(run_task, task, pure=False)

    def close(self) -> None:
        """Disconnect, and stop the LocalCluster if this backend started it."""
        if self._client is not None:
            if self._cluster is not None:
                # shutdown() stops workers before the scheduler; closing the cluster directly
                # leaves workers logging failed heartbeats to a scheduler that is gone.
                self._client.shutdown()
            else:
                self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _connect(distributed: Any, scheduler: str) -> Any:
    """A client of the scheduler at `scheduler`, or a `BackendError` saying why there is none.

    Dask retries until its connect timeout (`distributed.comm.timeouts.connect`, 30 s by
    default) and then raises a bare OSError from deep in its event loop.
    """
    try:
        return distributed.Client(scheduler, set_as_default=False)
    except OSError as exc:
        raise BackendError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the address and port, start the"
            " scheduler (`dask scheduler`), or run locally with --backend processes"
        ) from None


def make_backend(
    name: str = "serial", workers: int | None = None, scheduler: str | None = None
) -> SerialBackend | ProcessBackend | DaskBackend:
    """Build a backend by name, as the CLI and GUI choose them.

    Args:
        name: 'serial', 'processes' or 'dask'.
        workers: worker processes for 'processes' and a local Dask cluster (default: every core).
        scheduler: a Dask scheduler address; implies the 'dask' backend.
    """
    if scheduler is not None and name not in ("dask", "serial"):
        raise ValueError(f"--scheduler {scheduler} needs the 'dask' backend, but {name!r} was chosen")
    if scheduler is not None or name == "dask":
        return DaskBackend(scheduler=scheduler, workers=workers)
    if name == "processes":
        return ProcessBackend(workers=workers)
    if name == "serial":
        return SerialBackend()
    raise ValueError(f"backend {name!r} is not known; use one of {', '.join(BACKENDS)}")
