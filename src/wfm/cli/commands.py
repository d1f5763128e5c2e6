"""The commands that simulate and tabulate: run, compare, sweep; and validate and gui."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from rich.console import Console

from wfm.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    lit,
    load,
    load_all,
    output_path,
    print_problems,
    print_warnings,
    run_plan,
    setup,
    write_excel,
)
from wfm.cli.tables import (
    challenger_line,
    channel_table,
    comparison_table,
    kpi_table,
    strategy_table,
    sweep_table,
)
from wfm.experiment import Summary, compare, replicate, run_many
from wfm.kpi import KPI_BY_KEY, OUTBOUND_KPI_DEFS
from wfm.scenario import Scenario
from wfm.scenario.io import ScenarioError
from wfm.sweep import Axis, load_sweep_plan, parse_axis, sweep, vary

# KPIs shown by default in comparison and sweep tables (every KPI when --kpi all).
TABLE_KPIS: tuple[str, ...] = ("service_level", "abandon_rate", "asa", "occupancy")


def cmd_validate(args: argparse.Namespace, console: Console) -> int:
    """Check a scenario file and list every problem."""
    scenario = load(args.scenario, console)
    if scenario is None:
        return EXIT_BAD_INPUT
    console.print(f"[green]OK[/]: {lit(args.scenario)} — {lit(repr(scenario.name))}, {scenario.headcount} agents, "
                  f"{scenario.calendar.horizon_days} day(s), hash {scenario.content_hash()}")
    if scenario.outbound.enabled:
        compliance = scenario.outbound.compliance
        if compliance.by_country:
            packs = "; ".join(f"{p.label}: {', '.join(p.presets) or 'defaults'}" for p in compliance.packs())
            console.print(f"rule packs by debtor jurisdiction: {lit(packs)}", markup=True, highlight=False)
        for rule, preset, custom in compliance.loosened():
            console.print(f"[yellow]loosened[/] (loosen = true): {rule} = {custom}, the presets say {preset}",
                          markup=True, highlight=False)
    print_warnings(scenario, console)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    """Run replications of one scenario, print the KPI table and optionally write the workbook."""
    checked = setup(args, console, args.scenario, args.reps, args.seed)
    if checked is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = checked
    with run_plan(args, reps, seed, f"Simulating {lit(scenario.name)}") as plan:
        summary = replicate(scenario, plan)
    console.print(kpi_table(summary))
    print_strategy(summary, scenario, console)
    return write_excel(output, [summary], [scenario], args.force, console)


def print_strategy(summary: Summary, scenario: Scenario, console: Console) -> None:
    """The strategy's paths, its cost per euro by channel and the champion/challenger verdict, with a strategy."""
    paths = strategy_table(summary)
    if paths is not None:
        console.print(paths)
    channels = channel_table(summary, scenario.costs)
    if channels is not None:
        console.print(channels)
    line = challenger_line(summary, scenario.strategy)
    if line is not None:
        console.print(line, highlight=False)


def kpi_keys(args: argparse.Namespace, scenarios: Sequence[Scenario]) -> list[str] | None:
    """The KPIs --kpi chooses (the default table's when not given), None for 'all'; checked before simulating.

    An unknown key, or an outbound KPI asked of a scenario that does not dial, is refused now
    rather than after the simulation. 'all' is resolved after it (`computed_keys`): it means
    every KPI the runs have, whichever those are.
    """
    chosen = args.kpi or list(TABLE_KPIS)
    if "all" in chosen:
        return None
    unknown = [k for k in chosen if k not in KPI_BY_KEY]
    if unknown:
        raise ValueError(f"unknown KPI(s) {', '.join(unknown)}; use some of {', '.join(KPI_BY_KEY)} or 'all'")
    outbound = {k.key for k in OUTBOUND_KPI_DEFS}
    silent = list(dict.fromkeys(s.name for s in scenarios if not s.outbound.enabled))
    asked = [k for k in chosen if k in outbound]
    if asked and silent:
        raise ValueError(
            f"{', '.join(asked)}: outbound KPI(s), but {', '.join(repr(n) for n in silent)} dial(s) no calls;"
            " leave them out or set outbound.enabled = true"
        )
    return chosen


def computed_keys(chosen: list[str] | None, summaries: Sequence[Summary]) -> list[str]:
    """The chosen KPIs, or for 'all' every KPI that every summary has, in the KPI table's order."""
    if chosen is not None:
        return chosen
    return [k for k in KPI_BY_KEY if all(k in s.kpis for s in summaries)]


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    """Run two or more scenarios on common random numbers and show paired differences."""
    scenarios = load_all(args.scenarios, console)
    if scenarios is None:
        return EXIT_BAD_INPUT
    reps = args.reps if args.reps is not None else scenarios[0].run.replications
    seed = args.seed if args.seed is not None else scenarios[0].run.seed
    if reps < 2:
        console.print(f"[red]--reps must be at least 2 to give confidence intervals, but got {reps}[/]")
        return EXIT_BAD_INPUT
    ok, output = output_path(args, console)
    if not ok:
        return EXIT_BAD_INPUT
    chosen = kpi_keys(args, scenarios)
    warn_different_horizons(scenarios, args.scenarios, console)
    with run_plan(args, reps, seed, f"Comparing {len(scenarios)} scenarios") as plan:
        summaries = run_many(scenarios, plan)
    comparison = compare(summaries, computed_keys(chosen, summaries))
    console.print(comparison_table(comparison))
    return write_excel(output, comparison.summaries, scenarios, args.force, console)


def warn_different_horizons(scenarios: Sequence[Scenario], paths: Sequence[str], console: Console) -> None:
    """Say so when compared scenarios cover different periods: their totals are not comparable.

    Calls, costs and money collected are totals over the horizon; 5 days against 91 days makes
    every such difference "significant" and meaningless. Rates stay comparable.
    """
    days = [s.calendar.horizon_days for s in scenarios]
    starts = [s.calendar.start_date for s in scenarios]
    if len(set(days)) == 1 and len(set(starts)) == 1:
        return
    each = ", ".join(f"{lit(path)}: {d} day(s) from {start.isoformat()}"
                     for path, d, start in zip(paths, days, starts, strict=True))
    console.print(f"[yellow]warning[/]: the scenarios cover different periods ({each}); calls, costs and money"
                  " are totals over each period and cannot be compared, rates can. Give them one"
                  " calendar.horizon_days and start_date to compare everything.")


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    """Vary one or two scenario fields over a grid and tabulate the KPIs."""
    scenario_path, reps, seed = args.scenario, args.reps, args.seed
    axes: list[Axis] = []
    if args.plan:
        try:
            declared = load_sweep_plan(args.plan)
        except ScenarioError as exc:
            print_problems(exc, console)
            return EXIT_BAD_INPUT
        axes += declared.axes
        scenario_path = scenario_path or (str(declared.scenario) if declared.scenario else None)
        reps = reps if reps is not None else declared.replications
        seed = seed if seed is not None else declared.seed
    axes += [parse_axis(text) for text in args.vary or ()]
    if not axes:
        console.print("[red]nothing to sweep[/]; give --vary PATH=START:STOP:STEP (or PATH=V1,V2) or --plan FILE")
        return EXIT_BAD_INPUT
    checked = setup(args, console, scenario_path, reps, seed)
    if checked is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = checked
    chosen = kpi_keys(args, [scenario])
    with run_plan(args, reps, seed, f"Sweeping {lit(scenario.name)}") as plan:
        result = sweep(scenario, axes, plan)
    console.print(sweep_table(result, computed_keys(chosen, result.summaries)))
    # The scenario of each grid point, for the report's inputs sheet.
    scenarios = [vary(scenario, row.values) for row in result.rows]
    return write_excel(output, result.summaries, scenarios, args.force, console)


def cmd_gui(args: argparse.Namespace, console: Console) -> int:
    """Open the desktop application."""
    from wfm.gui.app import main as gui_main

    return gui_main([args.scenario] if args.scenario else [])
