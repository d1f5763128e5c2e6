"""`wfm` command line: the same experiment API as the GUI, headless, with rich progress and tables."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from wfm import __version__
from wfm.experiment import Summary, replicate
from wfm.kpi import HEADLINE, KPI_BY_KEY, KpiDef
from wfm.scenario import Scenario
from wfm.scenario_io import ScenarioError, default_scenario, load_scenario

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED = 0, 2, 1


def format_value(value: float, definition: KpiDef) -> str:
    """A KPI value in the unit a planner reads it in."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if definition.unit == "ratio":
        return f"{value:.1%}"
    if definition.unit == "seconds":
        return f"{value:.1f} s"
    if definition.unit == "money":
        return f"€{value:,.2f}"
    if definition.unit == "agents":
        return f"{value:.1f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def kpi_table(summary: Summary) -> Table:
    """The headline KPIs with their 95% confidence intervals."""
    table = Table(title=f"{summary.scenario_name} — {summary.replications} replication(s), seed {summary.seed}")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    for key in HEADLINE + tuple(k for k in summary.kpis if k not in HEADLINE):
        if key not in summary.kpis or key not in KPI_BY_KEY:
            continue
        est, definition = summary.kpis[key], KPI_BY_KEY[key]
        ci = "" if math.isnan(est.half_width) else (
            f"{format_value(est.low, definition)} – {format_value(est.high, definition)}"
        )
        table.add_row(definition.label, format_value(est.mean, definition), ci)
    return table


def _load(path: str | None, console: Console) -> Scenario | None:
    try:
        return default_scenario() if path is None else load_scenario(path)
    except ScenarioError as exc:
        console.print(f"[bold red]{exc.source}[/]: {len(exc.problems)} problem(s):")
        for problem in exc.problems:
            console.print(f"  • {problem}", markup=False, highlight=False)
        return None


def cmd_validate(args: argparse.Namespace, console: Console) -> int:
    """Check a scenario file and list every problem."""
    scenario = _load(args.scenario, console)
    if scenario is None:
        return EXIT_BAD_INPUT
    console.print(f"[green]OK[/]: {args.scenario} — {scenario.name!r}, {scenario.headcount} agents, "
                  f"{scenario.calendar.horizon_days} day(s), hash {scenario.content_hash()}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    """Run replications of one scenario, print the KPI table and optionally write the workbook."""
    scenario = _load(args.scenario, console)
    if scenario is None:
        return EXIT_BAD_INPUT
    reps = args.reps if args.reps is not None else scenario.run.replications
    seed = args.seed if args.seed is not None else scenario.run.seed
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        console.print(f"[red]{output} already exists[/]; pass --force to overwrite it or choose another name")
        return EXIT_BAD_INPUT
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"Simulating {scenario.name}", total=1.0)
        summary = replicate(scenario, reps, seed, progress=lambda f: bar.update(task, completed=f))
    console.print(kpi_table(summary))
    if output is not None:
        from wfm.report.excel import ReportError, write_report

        try:
            path = write_report(output, [summary], [scenario], overwrite=args.force)
        except ReportError as exc:
            console.print(f"[red]{exc}[/]")
            return EXIT_FAILED
        console.print(f"Report written to [bold]{path}[/]")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace, console: Console) -> int:
    """Open the desktop application."""
    from wfm.gui.app import main as gui_main

    return gui_main([args.scenario] if args.scenario else [])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and --help)."""
    parser = argparse.ArgumentParser(prog="wfm", description=__doc__)
    parser.add_argument("--version", action="version", version=f"wfm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="simulate a scenario and print its KPIs")
    p_run.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    p_run.add_argument("--reps", type=int, help="number of replications (default: the scenario's [run])")
    p_run.add_argument("--seed", type=int, help="experiment seed (default: the scenario's [run])")
    p_run.add_argument("-o", "--output", help="write an Excel report to this .xlsx file")
    p_run.add_argument("--force", action="store_true", help="overwrite an existing report")
    p_run.set_defaults(func=cmd_run)

    p_val = sub.add_parser("validate", help="check a scenario file and list every problem")
    p_val.add_argument("scenario", help="scenario TOML file")
    p_val.set_defaults(func=cmd_validate)

    p_gui = sub.add_parser("gui", help="open the desktop application")
    p_gui.add_argument("scenario", nargs="?", help="scenario to open (default: the built-in baseline)")
    p_gui.set_defaults(func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `wfm` console script."""
    args = build_parser().parse_args(argv)
    console = Console(stderr=False)
    if getattr(args, "reps", None) is not None and args.reps < 1:
        console.print(f"[red]--reps must be at least 1, but got {args.reps}[/]")
        return EXIT_BAD_INPUT
    return int(args.func(args, console))


if __name__ == "__main__":
    sys.exit(main())
