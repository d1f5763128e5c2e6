"""`wfm solve staffing` and `wfm solve pacing`: the solvers' answer, its search table and its workbook."""

from __future__ import annotations

import argparse

from rich.console import Console

from wfm.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, lit, run_plan, setup, write_workbook
from wfm.cli.tables import staffing_table, sweep_table, verification_line
from wfm.scenario import Scenario
from wfm.solvers import ServiceTarget, pacing_lever, solve_pacing, solve_staffing
from wfm.sweep import parse_axis


def template_index(scenario: Scenario, group: str, shift: str) -> tuple[int, int]:
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


def cmd_solve_staffing(args: argparse.Namespace, console: Console) -> int:
    """The fewest agents on one shift template meeting the service-level target (and abandon cap)."""
    checked = setup(args, console, args.scenario, args.reps, args.seed)
    if checked is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = checked
    group, shift = template_index(scenario, args.group, args.shift)
    target = ServiceTarget(args.sl if args.sl is not None else scenario.inbound.service_level.target,
                           args.max_abandon)
    with run_plan(args, reps, seed, "Solving staffing") as plan:
        solution = solve_staffing(scenario, target, plan, group=group, shift=shift,
                                  verify_replications=args.verify_reps)
    console.print(staffing_table(solution))
    template = scenario.groups[group].shifts[shift]
    where = lit(f"{scenario.groups[group].name}/{template.name}")
    console.print(f"Answer: [bold]{solution.headcount}[/] agent(s) on {where} "
                  f"(now {template.headcount}).")
    console.print(verification_line(f"Fresh-seed check, {solution.headcount}", solution.verification)
                  + (" — [green]meets the target[/]" if solution.verified else " — [red]misses the target[/]"))
    if solution.verification_below is not None:
        verdict = ("misses the target beyond its CI" if solution.below_clearly_misses
                   else "misses the target" if solution.below_misses
                   else "[yellow]also meets the target on fresh seeds; add replications to tell them apart[/]")
        console.print(verification_line(f"Fresh-seed check, {solution.headcount - 1}", solution.verification_below)
                      + f" — {verdict}")
    from wfm.report import write_staffing_report

    return write_workbook(output, console,
                          lambda path: write_staffing_report(path, solution, scenario, overwrite=args.force))


def cmd_solve_pacing(args: argparse.Namespace, console: Console) -> int:
    """The dialer setting with most RPCs per agent-hour whose drop rate stays under the cap."""
    checked = setup(args, console, args.scenario, args.reps, args.seed)
    if checked is None:
        return EXIT_BAD_INPUT
    scenario, reps, seed, output = checked
    if args.values and not args.field:
        args.field = pacing_lever(scenario)[0]
    axis = parse_axis(f"{args.field}={args.values}") if args.values else None
    with run_plan(args, reps, seed, "Solving pacing") as plan:
        optimum = solve_pacing(scenario, plan, path=args.field, values=axis.values if axis else None,
                               drop_cap=args.drop_cap, conservative=not args.on_mean)
    console.print(sweep_table(optimum.sweep, [optimum.objective, optimum.cap.key]))
    judged = "mean" if args.on_mean else "95% CI upper end"
    if optimum.best_value is None:
        console.print(f"[red]No setting keeps the drop rate ({judged}) under {optimum.cap.at_most:.1%}[/];"
                      " try gentler settings.")
    else:
        console.print(f"Best: [bold]{lit(optimum.path)} = {lit(optimum.best_value)}[/] — drop rate ({judged}) under "
                      f"{optimum.cap.at_most:.1%}, most RPCs per agent-hour.")
    from wfm.report import write_pacing_report

    # The workbook is written without a best setting too: its search table shows how far each one is off.
    written = write_workbook(output, console,
                             lambda path: write_pacing_report(path, optimum, scenario, overwrite=args.force))
    return EXIT_FAILED if optimum.best_value is None else written
