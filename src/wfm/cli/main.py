"""The entry point: parse, check the options every command shares, run the command, turn errors into messages."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from wfm.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, error, make_console, print_problems
from wfm.cli.parser import build_parser
from wfm.execution import BackendError
from wfm.scenario.io import ScenarioError
from wfm.sim import Cancelled

# Signals that end a run the way Ctrl-C does: a service manager's stop, a closed terminal or ssh session.
STOP_SIGNALS: tuple[str, ...] = ("SIGTERM", "SIGHUP")


class Stopped(BaseException):
    """A stop signal arrived: unwinds like KeyboardInterrupt, so every `with` block closes what it opened.

    A BaseException, so that no `except Exception` on the way swallows it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@contextlib.contextmanager
def stop_signals_unwind() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `Stopped` while a command runs, and restore the handlers after.

    Their default action ends the process on the spot, skipping the clean-up that stops the
    worker processes and removes a half-written report (issue 15, item 13). Handlers can only
    be set from the main thread; elsewhere (a test runner's thread) the signals are left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    previous = {}
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            number = getattr(signal, name)
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _os_error_text(exc: OSError) -> str:
    """An operating-system error as one line: what failed, on which file, and what to check."""
    where = f" ({exc.filename})" if exc.filename else ""
    return (f"the system refused an operation{where}: {exc.strerror or exc}; check the path, the free space and"
            " your permissions, then run the command again")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `wfm` console script."""
    args = build_parser().parse_args(argv)
    console = make_console()
    for option in ("reps", "workers", "verify_reps"):
        value = getattr(args, option, None)
        if value is not None and value < 1:
            console.print(f"[red]--{option.replace('_', '-')} must be at least 1, but got {value}[/]")
            return EXIT_BAD_INPUT
    seed = getattr(args, "seed", None)
    if seed is not None and seed < 0:
        error(console, f"--seed must be a non-negative integer (0, 1, 2, ...), but got {seed}")
        return EXIT_BAD_INPUT
    try:
        with stop_signals_unwind():
            return int(args.func(args, console))
    except ScenarioError as exc:
        print_problems(exc, console)
        return EXIT_BAD_INPUT
    except (ValueError, ImportError) as exc:
        error(console, str(exc))
        return EXIT_BAD_INPUT
    except BackendError as exc:
        error(console, str(exc))
        return EXIT_FAILED
    except OSError as exc:
        # Whatever the system refused that no check foresaw (a file vanished, a full drive):
        # one line naming it, not a traceback.
        error(console, _os_error_text(exc))
        return EXIT_FAILED
    except (KeyboardInterrupt, Cancelled):
        console.print("[yellow]Interrupted[/]; nothing was written.")
        return EXIT_INTERRUPTED
    except Stopped as exc:
        console.print(f"[yellow]Stopped by {exc}[/]; the workers are stopped and nothing was written.")
        return 128 + exc.signum  # the shell's code for a process ended by that signal
