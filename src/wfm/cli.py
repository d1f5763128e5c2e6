"""`wfm` command line: the same experiment API as the GUI, headless, with rich progress and tables."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from wfm import __version__
from wfm.execution import BACKENDS, Backend, make_backend
from wfm.experiment import Comparison, RunPlan, Summary, compare, replicate, run_many
from wfm.kpi import DEFAULT_CURRENCY, HEADLINE, KPI_BY_KEY, KpiDef, format_kpi, format_money
from wfm.scenario import Scenario
from wfm.scenario.io import ScenarioError, default_scenario, load_scenario
from wfm.sim import Cancelled
from wfm.solvers import ServiceTarget, StaffingSolution, pacing_lever, solve_pacing, solve_staffing
from wfm.sweep import Axis, SweepResult, Value, load_sweep_plan, parse_axis, sweep, vary
from wfm.views import currency_of
from wfm.views.comparison import comparison_rows

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 1, 130

# KPIs shown by default in comparison and sweep tables (every KPI when --kpi all).
TABLE_KPIS: tuple[str, ...] = ("service_level", "abandon_rate", "asa", "occupancy")


def kpi_table(summary: Summary) -> Table:
    """The headline KPIs with their 95% confidence intervals, money in the scenario's currency."""
    currency = currency_of(summary)
    table = Table(title=f"{summary.scenario_name} — {summary.replications} replication(s), seed {summary.seed}")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    for key in HEADLINE + tuple(k for k in summary.kpis if k not in HEADLINE):
        if key not in summary.kpis or key not in KPI_BY_KEY:
            continue
        est, definition = summary.kpis[key], KPI_BY_KEY[key]
        ci = "" if math.isnan(est.half_width) else _ci_text(est.low, est.high, definition, currency)
        table.add_row(definition.label, format_kpi(est.mean, definition, currency), ci)
    return table


def _load(path: str | None, console: Console) -> Scenario | None:
    try:
        return default_scenario() if path is None else load_scenario(path)
    except ScenarioError as exc:
        _print_problems(exc, console)
        return None


def cmd_validate(args: argparse.Namespace, console: Console) -> int:
    """Check a scenario file and list every problem."""
    scenario = _load(args.scenario, console)
    if scenario is None:
        return EXIT_BAD_INPUT
    console.print(f"[green]OK[/]: {args.scenario} — {scenario.name!r}, {scenario.headcount} agents, "
                  f"{scenario.calendar.horizon_days} day(s), hash {scenario.content_hash()}")
    if scenario.outbound.enabled:
        for rule, preset, custom in scenario.outbound.compliance.loosened():
            console.print(f"[yellow]loosened[/] (loosen = true): {rule} = {custom}, the presets say {preset}",
                          markup=True, highlight=False)
    _print_warnings(scenario, console)
    return EXIT_OK


def _print_warnings(scenario: Scenario, console: Console) -> None:
    """Settings that pass validation but cannot keep a rule (`Outbound.warnings`), before any simulation."""
    for text in scenario.outbound.warnings():
        console.print(f"[yellow]warning[/]: {text}", markup=True, highlight=False)


def _print_problems(exc: ScenarioError, console: Console) -> None:
    console.print(f"[bold red]{exc.source}[/]: {len(exc.problems)} problem(s):")
    for problem in exc.problems:
        console.print(f"  • {problem}", markup=False, highlight=False)


def _output_path(args: argparse.Namespace, console: Console) -> tuple[bool, Path | None]:
    """The report path, refusing an existing file without --force before any simulation runs."""
    output = Path(args.output) if getattr(args, "output", None) else None
    if output is not None and output.exists() and not args.force:
        console.print(f"[red]{output} already exists[/]; pass --force to overwrite it or choose another name")
        return False, None
    return True, output


class _Setup(NamedTuple):
    """What a command that simulates one scenario needs, once its input is checked."""

    scenario: Scenario
    reps: int
    seed: int
    output: Path | None


def _setup(args: argparse.Namespace, console: Console, path: str | None, reps: int | None, seed: int | None
           ) -> _Setup | None:
    """Load the scenario (reps and seed not given come from it) and check the report path; None on bad input."""
    scenario = _load(path, console)
    if scenario is None:
        return None
    _print_warnings(scenario, console)
    ok, output = _output_path(args, console)
    if not ok:
        return None
    return _Setup(scenario, reps if reps is not None else scenario.run.replications,
                  seed if seed is not None else scenario.run.seed, output)


def _write_excel(
    output: Path | None, summaries: Sequence[Summary], scenarios: Sequence[Scenario], force: bool, console: Console
) -> int:
    if output is None:
        return EXIT_OK
    from wfm.report.excel import ReportError, write_report

    try:
        path = write_report(output, list(summaries), list(scenarios), overwrite=force)
    except ReportError as exc:
        console.print(f"[red]{exc}[/]")
        return EXIT_FAILED
    console.print(f"Report written to [bold]{path}[/]")
    return EXIT_OK


@contextlib.contextmanager
def _progress(console: Console, description: str) -> Iterator[Callable[[float], None]]:
    """A rich progress bar, yielded as the `progress(fraction)` callable the experiment API takes."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=1.0)
        yield lambda fraction: bar.update(task, completed=fraction)


@contextlib.contextmanager
def _backend(args: argparse.Namespace) -> Iterator[Backend]:
    name = "dask" if args.scheduler else args.backend  # an address implies Dask, as --help says
    with make_backend(name, workers=args.workers, scheduler=args.scheduler) as backend:
        yield backend


@contextlib.contextmanager
def _plan(args: argparse.Namespace, console: Console, reps: int, seed: int, description: str) -> Iterator[RunPlan]:
    """The experiment plan of a command: its size and seed, the chosen backend, a progress bar."""
    with _backend(args) as backend, _progress(console, description) as progress:
        yield RunPlan(reps, seed, backend, progress)


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    """Run replications of one scenario, print the KPI table and optionally write the workbook."""
    setup = _setup(args, console, args.scenario, args.reps, args.seed)
    if setup is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = setup
    with _plan(args, console, reps, seed, f"Simulating {scenario.name}") as plan:
        summary = replicate(scenario, plan)
    console.print(kpi_table(summary))
    return _write_excel(output, [summary], [scenario], args.force, console)


def _kpi_keys(args: argparse.Namespace, available: Sequence[str]) -> list[str]:
    chosen = args.kpi or list(TABLE_KPIS)
    if chosen == ["all"]:
        return list(available)
    unknown = [k for k in chosen if k not in available]
    if unknown:
        raise ValueError(f"unknown KPI(s) {', '.join(unknown)}; use some of {', '.join(available)} or 'all'")
    return chosen


def _ci_text(low: float, high: float, definition: KpiDef, currency: str = DEFAULT_CURRENCY) -> str:
    if math.isnan(low):
        return ""
    return f"{format_kpi(low, definition, currency)} – {format_kpi(high, definition, currency)}"


def _delta(value: float, definition: KpiDef, currency: str) -> str:
    if math.isnan(value):
        return "–"
    if definition.unit == "ratio":
        return f"{value * 100:+.2f} pt"
    if definition.unit == "money":
        return format_money(value, currency, signed=True)
    return ("+" if value >= 0 else "") + format_kpi(value, definition, currency)


def comparison_table(comparison: Comparison) -> Table:
    """Each KPI of each scenario against the base (`wfm.views.comparison`): paired difference, CI, significance."""
    base = comparison.summaries[0]
    table = Table(title=f"Compared with {base.scenario_name} — {base.replications} paired replication(s), "
                        f"seed {base.seed}")
    for name, justify in (("scenario", "left"), ("KPI", "left"), ("base", "right"), ("scenario value", "right"),
                          ("difference", "right"), ("95% CI (paired)", "right"), ("significant", "center")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for index, row in comparison_rows(comparison):
        other = comparison.summaries[index]
        definition, currency = KPI_BY_KEY[row.key], currency_of(other)
        paired = row.paired
        if paired is None:
            difference, ci = row.note, ""
        else:
            difference = _delta(paired.mean, definition, currency)
            ci = "" if math.isnan(paired.half_width) else (
                f"{_delta(paired.low, definition, currency)} … {_delta(paired.high, definition, currency)}")
        table.add_row(
            other.scenario_name, definition.label, format_kpi(row.base.mean, definition, currency_of(base)),
            format_kpi(row.other.mean, definition, currency), difference, ci,
            "[bold green]yes[/]" if row.significant else "no",
        )
    return table


def _load_all(paths: Sequence[str], console: Console) -> list[Scenario] | None:
    loaded = [_load(path, console) for path in paths]
    return None if any(s is None for s in loaded) else [s for s in loaded if s is not None]


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    """Run two or more scenarios on common random numbers and show paired differences."""
    scenarios = _load_all(args.scenarios, console)
    if scenarios is None:
        return EXIT_BAD_INPUT
    reps = args.reps if args.reps is not None else scenarios[0].run.replications
    seed = args.seed if args.seed is not None else scenarios[0].run.seed
    if reps < 2:
        console.print(f"[red]--reps must be at least 2 to give confidence intervals, but got {reps}[/]")
        return EXIT_BAD_INPUT
    ok, output = _output_path(args, console)
    if not ok:
        return EXIT_BAD_INPUT
    keys = _kpi_keys(args, list(KPI_BY_KEY))
    with _plan(args, console, reps, seed, f"Comparing {len(scenarios)} scenarios") as plan:
        comparison = compare(run_many(scenarios, plan), keys)
    console.print(comparison_table(comparison))
    return _write_excel(output, comparison.summaries, scenarios, args.force, console)


def sweep_table(result: SweepResult, keys: Sequence[str]) -> Table:
    """One row per grid point: the swept values, then each KPI's mean and 95% CI."""
    table = Table(title=f"Sweep — {result.replications} replication(s) per point, seed {result.seed}")
    for axis in result.axes:
        table.add_column(axis.path, justify="right")
    for key in keys:
        table.add_column(KPI_BY_KEY[key].label, justify="right")
        table.add_column("95% CI", justify="right")
    for row in result.rows:
        cells = [str(row.values[axis.path]) for axis in result.axes]
        currency = currency_of(row.summary)
        for key in keys:
            est, definition = row.kpis[key], KPI_BY_KEY[key]
            cells += [format_kpi(est.mean, definition, currency), _ci_text(est.low, est.high, definition, currency)]
        table.add_row(*cells)
    return table


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    """Vary one or two scenario fields over a grid and tabulate the KPIs."""
    scenario_path, reps, seed = args.scenario, args.reps, args.seed
    axes: list[Axis] = []
    if args.plan:
        try:
            declared = load_sweep_plan(args.plan)
        except ScenarioError as exc:
            _print_problems(exc, console)
            return EXIT_BAD_INPUT
        axes += declared.axes
        scenario_path = scenario_path or (str(declared.scenario) if declared.scenario else None)
        reps = reps if reps is not None else declared.replications
        seed = seed if seed is not None else declared.seed
    axes += [parse_axis(text) for text in args.vary or ()]
    if not axes:
        console.print("[red]nothing to sweep[/]; give --vary PATH=START:STOP:STEP (or PATH=V1,V2) or --plan FILE")
        return EXIT_BAD_INPUT
    setup = _setup(args, console, scenario_path, reps, seed)
    if setup is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = setup
    keys = _kpi_keys(args, list(KPI_BY_KEY))
    with _plan(args, console, reps, seed, f"Sweeping {scenario.name}") as plan:
        result = sweep(scenario, axes, plan)
    console.print(sweep_table(result, keys))
    scenarios = [_scenario_of(scenario, row.values) for row in result.rows]
    return _write_excel(output, result.summaries, scenarios, args.force, console)


def _scenario_of(base: Scenario, values: dict[str, Value]) -> Scenario:
    """The scenario of a grid point, for the report's inputs sheet."""
    return vary(base, values)


def _template_index(scenario: Scenario, group: str, shift: str) -> tuple[int, int]:
    """Group and shift template by index or by name."""
    names = [g.name for g in scenario.groups]
    g = int(group) if group.isdigit() else names.index(group) if group in names else None
    if g is None:
        raise ValueError(f"group {group!r} not found; use an index or one of {', '.join(names)}")
    if g >= len(names):
        raise ValueError(f"group index {g} is out of range; the scenario has {len(names)} group(s)")
    shifts = [s.name for s in scenario.groups[g].shifts]
    s = int(shift) if shift.isdigit() else shifts.index(shift) if shift in shifts else None
    if s is None:
        raise ValueError(f"shift {shift!r} not found in group {names[g]!r}; use an index or one of {', '.join(shifts)}")
    return g, s


def staffing_table(solution: StaffingSolution) -> Table:
    """Every simulated candidate with its service level and abandon rate."""
    sl, ab = KPI_BY_KEY["service_level"], KPI_BY_KEY["abandon_rate"]
    table = Table(title=f"Staffing search on {solution.path} (Erlang A start: {solution.analytic_start})")
    for name in ("headcount", "service level", "abandon rate", "meets target"):
        table.add_column(name, justify="right")
    for point in solution.evaluated:
        table.add_row(str(point.headcount), format_kpi(point.service_level, sl),
                      format_kpi(point.abandon_rate, ab), "[green]yes[/]" if point.meets else "no")
    return table


def _verification_line(label: str, summary: Summary) -> str:
    sl, ab = summary.kpis["service_level"], summary.kpis["abandon_rate"]
    sl_def, ab_def = KPI_BY_KEY["service_level"], KPI_BY_KEY["abandon_rate"]
    return (f"{label}: service level {format_kpi(sl.mean, sl_def)} ({_ci_text(sl.low, sl.high, sl_def)}), "
            f"abandon rate {format_kpi(ab.mean, ab_def)} ({_ci_text(ab.low, ab.high, ab_def)})")


def cmd_solve_staffing(args: argparse.Namespace, console: Console) -> int:
    """The fewest agents on one shift template meeting the service-level target (and abandon cap)."""
    setup = _setup(args, console, args.scenario, args.reps, args.seed)
    if setup is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = setup
    group, shift = _template_index(scenario, args.group, args.shift)
    target = ServiceTarget(args.sl if args.sl is not None else scenario.inbound.service_level.target,
                           args.max_abandon)
    with _plan(args, console, reps, seed, "Solving staffing") as plan:
        solution = solve_staffing(scenario, target, plan, group=group, shift=shift,
                                  verify_replications=args.verify_reps)
    console.print(staffing_table(solution))
    template = scenario.groups[group].shifts[shift]
    console.print(f"Answer: [bold]{solution.headcount}[/] agent(s) on {scenario.groups[group].name}/{template.name} "
                  f"(now {template.headcount}).")
    console.print(_verification_line(f"Fresh-seed check, {solution.headcount}", solution.verification)
                  + (" — [green]meets the target[/]" if solution.verified else " — [red]misses the target[/]"))
    if solution.verification_below is not None:
        verdict = ("misses the target beyond its CI" if solution.below_clearly_misses
                   else "misses the target" if solution.below_misses
                   else "[yellow]also meets the target on fresh seeds; add replications to tell them apart[/]")
        console.print(_verification_line(f"Fresh-seed check, {solution.headcount - 1}", solution.verification_below)
                      + f" — {verdict}")
    summaries = [solution.verification] + ([solution.verification_below] if solution.verification_below else [])
    scenarios = [solution.scenario] + (
        [_scenario_of(scenario, {solution.path: solution.headcount - 1})] if solution.verification_below else []
    )
    return _write_excel(output, summaries, scenarios, args.force, console)


def cmd_solve_pacing(args: argparse.Namespace, console: Console) -> int:
    """The dialer setting with most RPCs per agent-hour whose drop rate stays under the cap."""
    setup = _setup(args, console, args.scenario, args.reps, args.seed)
    if setup is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = setup
    if args.values and not args.field:
        args.field = pacing_lever(scenario)[0]
    axis = parse_axis(f"{args.field}={args.values}") if args.values else None
    with _plan(args, console, reps, seed, "Solving pacing") as plan:
        optimum = solve_pacing(scenario, plan, path=args.field, values=axis.values if axis else None,
                               drop_cap=args.drop_cap, conservative=not args.on_mean)
    console.print(sweep_table(optimum.sweep, [optimum.objective, optimum.cap.key]))
    judged = "mean" if args.on_mean else "95% CI upper end"
    if optimum.best_value is None:
        console.print(f"[red]No setting keeps the drop rate ({judged}) under {optimum.cap.at_most:.1%}[/];"
                      " try gentler settings.")
        return EXIT_FAILED
    console.print(f"Best: [bold]{optimum.path} = {optimum.best_value}[/] — drop rate ({judged}) under "
                  f"{optimum.cap.at_most:.1%}, most RPCs per agent-hour.")
    best_scenario = vary(scenario, {optimum.path: optimum.best_value}, name=scenario.name)
    return _write_excel(output, [s for s in (optimum.best,) if s is not None], [best_scenario], args.force, console)


def cmd_gui(args: argparse.Namespace, console: Console) -> int:
    """Open the desktop application."""
    from wfm.gui.app import main as gui_main

    return gui_main([args.scenario] if args.scenario else [])


def _add_experiment_options(parser: argparse.ArgumentParser, default_backend: str = "processes") -> None:
    parser.add_argument("--reps", type=int, help="number of replications (default: the scenario's [run])")
    parser.add_argument("--seed", type=int, help="experiment seed (default: the scenario's [run])")
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend,
                        help=f"where replications run (default: {default_backend}); results are identical on all")
    parser.add_argument("--workers", type=int, help="worker processes (default: every core)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (implies --backend dask)")
    parser.add_argument("-o", "--output", help="write an Excel report to this .xlsx file")
    parser.add_argument("--force", action="store_true", help="overwrite an existing report")


def _add_kpi_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kpi", action="append", metavar="KEY",
                        help=f"KPI to show (repeatable; default: {', '.join(TABLE_KPIS)}; 'all' for every KPI)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and --help)."""
    parser = argparse.ArgumentParser(prog="wfm", description=__doc__)
    parser.add_argument("--version", action="version", version=f"wfm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="simulate a scenario and print its KPIs")
    p_run.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    _add_experiment_options(p_run, default_backend="serial")
    p_run.set_defaults(func=cmd_run)

    p_cmp = sub.add_parser("compare", help="run scenarios on common random numbers; paired differences with CIs")
    p_cmp.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="two or more TOML files; the first is the base")
    _add_experiment_options(p_cmp)
    _add_kpi_option(p_cmp)
    p_cmp.set_defaults(func=cmd_compare)

    p_swp = sub.add_parser("sweep", help="vary one or two scenario fields over a grid and tabulate the KPIs")
    p_swp.add_argument("scenario", nargs="?", help="scenario TOML file (default: the plan's, or the built-in baseline)")
    p_swp.add_argument("--vary", action="append", metavar="PATH=SPEC",
                       help="a swept field: PATH=START:STOP:STEP or PATH=V1,V2,... e.g. "
                            "groups[0].shifts[0].headcount=8:16:2 (at most two)")
    p_swp.add_argument("--plan", help="a sweep TOML file (scenario, replications, seed, [[axis]] path + range/values)")
    _add_experiment_options(p_swp)
    _add_kpi_option(p_swp)
    p_swp.set_defaults(func=cmd_sweep)

    p_solve = sub.add_parser("solve", help="staffing or pacing solvers")
    solve_sub = p_solve.add_subparsers(dest="problem", required=True)
    p_staff = solve_sub.add_parser("staffing", help="fewest agents on a shift template meeting the SL target")
    p_staff.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    p_staff.add_argument("--group", default="0", help="agent group, by index or name (default: 0)")
    p_staff.add_argument("--shift", default="0", help="shift template in the group, by index or name (default: 0)")
    p_staff.add_argument("--sl", type=float, help="service-level target, e.g. 0.8 (default: the scenario's)")
    p_staff.add_argument("--max-abandon", type=float, help="cap on the abandon rate, e.g. 0.05")
    p_staff.add_argument("--verify-reps", type=int, help="replications of the fresh-seed check (default: --reps)")
    _add_experiment_options(p_staff)
    p_staff.set_defaults(func=cmd_solve_staffing)
    p_pace = solve_sub.add_parser("pacing", help="dialer setting with most RPCs per agent-hour under the drop cap")
    p_pace.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    p_pace.add_argument("--field", help="the lever's path (default: outbound.dialer.target_drop_rate in predictive "
                                        "mode, outbound.dialer.lines_per_agent in power mode)")
    p_pace.add_argument("--values", help="grid: START:STOP:STEP or V1,V2,... (default: a grid for the lever)")
    p_pace.add_argument("--drop-cap", type=float, help="largest acceptable drop rate (default: the compliance cap)")
    p_pace.add_argument("--on-mean", action="store_true",
                        help="judge the cap on the mean drop rate instead of its 95%% CI upper end")
    _add_experiment_options(p_pace)
    p_pace.set_defaults(func=cmd_solve_pacing)

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
    for option in ("reps", "workers", "verify_reps"):
        value = getattr(args, option, None)
        if value is not None and value < 1:
            console.print(f"[red]--{option.replace('_', '-')} must be at least 1, but got {value}[/]")
            return EXIT_BAD_INPUT
    try:
        return int(args.func(args, console))
    except ScenarioError as exc:
        _print_problems(exc, console)
        return EXIT_BAD_INPUT
    except (ValueError, ImportError) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, Cancelled):
        console.print("[yellow]Interrupted[/]; nothing was written.")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
