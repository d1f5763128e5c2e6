"""What every command needs: loading scenarios, the report path, the backend, progress and the workbook."""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from wfm.execution import Backend, make_backend
from wfm.experiment import RunPlan, Summary
from wfm.scenario import Scenario
from wfm.scenario.io import ScenarioError, default_scenario, load_scenario

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 1, 130


def lit(text: object) -> str:
    """Text from a scenario, a file name or the command line, made safe inside rich markup.

    A scenario named "[bold]North[/bold]" or ":smile:" must print as typed (issue 15,
    item 18); the console is built with emoji codes off (`make_console`) and this escapes
    the brackets.
    """
    return escape(str(text))


def make_console() -> Console:
    """The console every command prints to: no emoji codes, since ":b:" in a value would become a picture."""
    return Console(emoji=False)


def error(console: Console, text: str) -> None:
    """An error as one red line, printed literally: no markup, no emoji codes, no wrapping when piped."""
    console.print(text, style="red", markup=False, highlight=False, emoji=False, soft_wrap=True)


def load(path: str | None, console: Console) -> Scenario | None:
    """The scenario at `path` (the built-in baseline when None); None after printing its problems.

    A portfolio file of a million accounts takes tens of seconds to read: its progress shows.
    """
    try:
        if path is None:
            return default_scenario()
        with progress_bar(f"Loading {lit(path)}", lazy=True) as progress:
            return load_scenario(path, progress=progress)
    except ScenarioError as exc:
        print_problems(exc, console)
        return None


def load_all(paths: Sequence[str], console: Console) -> list[Scenario] | None:
    """Every scenario, or None when any has problems (all of them printed)."""
    loaded = [load(path, console) for path in paths]
    return None if any(s is None for s in loaded) else [s for s in loaded if s is not None]


def print_problems(exc: ScenarioError, console: Console) -> None:
    """Every problem of a scenario file, one per line."""
    console.print(f"[bold red]{lit(exc.source)}[/]: {len(exc.problems)} problem(s):")
    for problem in exc.problems:
        console.print(f"  • {problem}", markup=False, highlight=False, emoji=False)


def output_path(args: argparse.Namespace, console: Console) -> tuple[bool, Path | None]:
    """The report path of -o, checked before any simulation runs (`wfm.report.target.check_report_path`).

    A wrong extension, a folder, an existing file without --force or a folder that cannot be
    written to is reported now, not after the simulation it would have wasted.
    """
    if not getattr(args, "output", None):
        return True, None
    from wfm.report import ReportError, check_report_path

    try:
        return True, check_report_path(args.output, overwrite=args.force)
    except ReportError as exc:
        error(console, str(exc))
        return False, None


class Setup(NamedTuple):
    """What a command that simulates one scenario needs, once its input is checked."""

    scenario: Scenario
    reps: int
    seed: int
    output: Path | None


def setup(args: argparse.Namespace, console: Console, path: str | None, reps: int | None, seed: int | None
          ) -> Setup | None:
    """Load the scenario (reps and seed not given come from it) and check the report path; None on bad input."""
    scenario = load(path, console)
    if scenario is None:
        return None
    print_warnings(scenario, console)
    ok, output = output_path(args, console)
    if not ok:
        return None
    return Setup(scenario, reps if reps is not None else scenario.run.replications,
                 seed if seed is not None else scenario.run.seed, output)


def print_warnings(scenario: Scenario, console: Console) -> None:
    """Settings that pass validation but cannot keep a rule (`Outbound.warnings`), before any simulation."""
    for text in scenario.outbound.warnings():
        console.print(f"[yellow]warning[/]: {lit(text)}", markup=True, highlight=False)


def write_excel(
    output: Path | None, summaries: Sequence[Summary], scenarios: Sequence[Scenario], force: bool, console: Console
) -> int:
    """The workbook of the results at `output` (nothing when None); the exit code."""
    from wfm.report import write_report

    return write_workbook(output, console, lambda path: write_report(path, summaries, scenarios, overwrite=force))


def write_workbook(output: Path | None, console: Console, write: Callable[[Path], Path]) -> int:
    """Run `write(output)` (nothing when `output` is None) and say where the workbook went; the exit code."""
    if output is None:
        return EXIT_OK
    from wfm.report import ReportError

    try:
        path = write(output)
    except ReportError as exc:
        error(console, str(exc))
        return EXIT_FAILED
    console.print(f"Report written to [bold]{lit(path)}[/]")
    return EXIT_OK


# Without a terminal, a progress line is printed every `PLAIN_STEP` of the work, and at least
# every `PLAIN_EVERY_S` seconds, so a log shows the run is alive even when a step takes long.
PLAIN_STEP = 0.1
PLAIN_EVERY_S = 30.0


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class PlainProgress:
    """Progress as plain lines, for output that is not a terminal (a log file, a pipe, a scheduler's job).

    A rich bar redraws itself in place and shows nothing at all when it is not on a terminal,
    so a run of an hour written to a log was silent until its end (issue 15, item 19).
    """

    def __init__(self, console: Console, description: str) -> None:
        self.console = console
        self.description = description
        self.started = time.monotonic()
        self.shown: float | None = None  # the last fraction printed
        self.shown_at = self.started

    def __call__(self, fraction: float) -> None:
        """Print a line at the start, at each further step, at the end, and when the last line is old."""
        now = time.monotonic()
        shown = self.shown
        if shown is not None and not (
            int(fraction / PLAIN_STEP) > int(shown / PLAIN_STEP)  # the next step
            or (fraction >= 1.0 > shown)  # the end
            or now - self.shown_at >= PLAIN_EVERY_S  # alive, however slow the steps
        ):
            return
        self.shown, self.shown_at = fraction, now
        elapsed = now - self.started
        left = f", about {_duration(elapsed * (1 - fraction) / fraction)} left" if 0 < fraction < 1 else ""
        self.console.print(f"{self.description}: {fraction:4.0%} ({_duration(elapsed)} elapsed{left})",
                           markup=False, highlight=False, emoji=False, soft_wrap=True)


@contextlib.contextmanager
def progress_bar(description: str, *, lazy: bool = False) -> Iterator[Callable[[float], None]]:
    """Progress on standard error, yielded as the `progress(fraction)` callable the experiment API takes.

    A rich bar on a terminal, plain lines otherwise (`PlainProgress`); standard output keeps
    only the results, so they can be piped or compared. `description` is rich markup (escape
    scenario text with `lit`). With `lazy`, nothing shows until the first report: loading a
    scenario reports only while it reads a portfolio file.
    """
    err = Console(stderr=True, emoji=False)
    if not err.is_terminal:
        plain = PlainProgress(err, Text.from_markup(description).plain)
        if not lazy:
            plain(0.0)
        yield plain
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True)
    task = bar.add_task(description, total=1.0)
    started = False

    def update(fraction: float) -> None:
        nonlocal started
        if not started:
            bar.start()
            started = True
        bar.update(task, completed=fraction)

    if not lazy:
        update(0.0)
    try:
        yield update
    finally:
        if started:
            bar.stop()


@contextlib.contextmanager
def run_plan(args: argparse.Namespace, reps: int, seed: int, description: str) -> Iterator[RunPlan]:
    """The experiment plan of a command: its size and seed, the backend the options choose, a progress display."""
    with backend_of(args) as backend, progress_bar(description) as progress:
        yield RunPlan(reps, seed, backend, progress)


@contextlib.contextmanager
def backend_of(args: argparse.Namespace) -> Iterator[Backend]:
    """The backend the options choose, closed on leaving."""
    name = "dask" if args.scheduler else args.backend  # an address implies Dask, as --help says
    with make_backend(name, workers=args.workers, scheduler=args.scheduler) as backend:
        yield backend
