"""The entry point: parse, check the options every command shares, run the command, turn errors into messages."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from wfm.cli.common import EXIT_BAD_INPUT, EXIT_INTERRUPTED, print_problems
from wfm.cli.parser import build_parser
from wfm.scenario.io import ScenarioError
from wfm.sim import Cancelled


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `wfm` console script."""
    args = build_parser().parse_args(argv)
    console = Console(stderr=False)
    for option in ("reps", "workers", "verify_reps"):
        value = getattr(args, option, None)
        if value is not None and value < 1:
            console.print(f"[red]--{option.replace('_', '-')} must be at least 1, but got {value}[/]")
            return EXIT_BAD_INPUT
    try:
        return int(args.func(args, console))
    except ScenarioError as exc:
        print_problems(exc, console)
        return EXIT_BAD_INPUT
    except (ValueError, ImportError) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, Cancelled):
        console.print("[yellow]Interrupted[/]; nothing was written.")
        return EXIT_INTERRUPTED
