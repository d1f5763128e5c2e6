"""`wfm plan`: from an interval history to a roster proven by simulation, and the planning workbook.

The command runs `wfm.planning.pipeline` as the GUI's Planning section does: forecast the week
after the history (with its backtest against seasonal-naive), size it with Erlang A, roster it at
the lowest cost, correct the roster by simulation until every interval meets the target, and
simulate the planner's current roster and the current shifts re-staffed to the same target on
the same random numbers. Everything the planner types is checked before the forecast starts;
the workbook and the planned scenario are written only once the plan is complete, so Ctrl-C
leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from wfm.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    error,
    lit,
    load,
    print_warnings,
    run_plan,
    write_workbook,
)
from wfm.experiment import Estimate
from wfm.kpi import format_money
from wfm.planning import HistoryError, ScheduleInfeasible, read_history
from wfm.planning.history import History
from wfm.planning.pipeline import PlanResult, PlanSettings, Prepared, make_plan, prepare
from wfm.planning.requirements import Correction
from wfm.planning.tables import forecast_days, roster_lines, shift_rows
from wfm.scenario import Scenario
from wfm.scenario.io import save_scenario

DEFAULT_REPLICATIONS = 10
UNMET_SHOWN = 15
"""Unmet intervals listed on screen (the workbook lists them all)."""
LIMIT_OPTIONS = {"min_headcount": ("min_headcount", "--min-headcount"),
                 "max_headcount": ("max_headcount", "--max-headcount"),
                 "max_part_time_share": ("max_part_time", "--max-part-time")}
"""`GroupLimits` field → (argument, option)."""


def add_plan_parser(parser: argparse.ArgumentParser, backends: Sequence[str]) -> None:
    """The arguments of `wfm plan` (kept here, beside the command, as the parser's one call)."""
    parser.add_argument("history", help="interval export, CSV or XLSX (one row per interval: offered, answered, ...)")
    parser.add_argument("scenario", nargs="?", help="scenario TOML file whose groups, costs and rules are planned"
                                                    " (default: the built-in baseline)")
    parser.add_argument("--target", type=float, help="service-level target, e.g. 0.8 (default: the scenario's)")
    parser.add_argument("--replications", "--reps", dest="reps", type=int, default=DEFAULT_REPLICATIONS,
                        help=f"replications of every simulation, at least 2 (default: {DEFAULT_REPLICATIONS})")
    parser.add_argument("--seed", type=int, help="seed every simulation shares (default: the scenario's [run])")
    parser.add_argument("--backend", choices=backends, default="processes",
                        help="where replications run (default: processes); results are identical on all")
    parser.add_argument("--workers", type=int, help="worker processes (default: every core)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (implies --backend dask)")
    parser.add_argument("--start", type=_day, metavar="YYYY-MM-DD",
                        help="first planned day (default: the Monday after the history ends)")
    parser.add_argument("--timezone", help="time zone of the export's interval starts (default: the scenario's)")
    parser.add_argument("--country", default="IT", help="ISO country of the public holidays (default: IT)")
    parser.add_argument("--subdiv", help="region or province of regional holidays, e.g. MI")
    parser.add_argument("--backtest-weeks", type=int, default=PlanSettings.backtest_weeks,
                        help=f"held-out weeks scored against seasonal-naive (default: {PlanSettings.backtest_weeks};"
                             " 0 = none)")
    parser.add_argument("--groups", metavar="GROUP[,GROUP]",
                        help="groups to roster, comma-separated (default: every group taking inbound calls); the"
                             " others keep their shifts")
    parser.add_argument("--min-headcount", action="append", metavar="GROUP=N", help="fewest agents of a group")
    parser.add_argument("--max-headcount", action="append", metavar="GROUP=N", help="most agents of a group")
    parser.add_argument("--max-part-time", action="append", metavar="GROUP=SHARE",
                        help="most part-time agents of a group, a share (0.4 or 40%%)")
    parser.add_argument("--budget", type=float, help="most the planned groups' roster may cost a week (nominal:"
                                                   " every shift worked)")
    parser.add_argument("--rounds", type=int, default=PlanSettings.max_rounds,
                        help=f"simulation rounds of the correction (default: {PlanSettings.max_rounds})")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip re-staffing the current shifts to the target (faster; no like-for-like saving)")
    parser.add_argument("-o", "--out", "--output", dest="output", metavar="PLAN.xlsx",
                        help="the workbook, .xlsx (default: HISTORY's name + _plan.xlsx, next to it)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing workbook or scenario file")
    parser.add_argument("--save-scenario", metavar="PLANNED.toml",
                        help="also save the planned scenario (the forecast week with the planned roster)")


# --------------------------------------------------------------------------------------------
# Checking what the planner typed
# --------------------------------------------------------------------------------------------


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-05-04") from None


def parse_limits(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """--min-headcount, --max-headcount and --max-part-time as `PlanSettings.limits`.

    Raises:
        ValueError: for text that is not GROUP=NUMBER, a count that is not a whole number >= 0, a share
            outside 0-1, or a group given twice for the same limit.
    """
    limits: dict[str, dict[str, Any]] = {}
    for field, (dest, option) in LIMIT_OPTIONS.items():
        for text in getattr(args, dest) or ():
            group, value = _pair(option, text)
            if field in limits.get(group, {}):
                raise ValueError(f"{option} names {group!r} twice; give each group one value")
            limits.setdefault(group, {})[field] = (_share(option, group, value) if field == "max_part_time_share"
                                                   else _count(option, group, value))
    return limits


def _pair(option: str, text: str) -> tuple[str, str]:
    group, sep, value = text.partition("=")
    if not sep or not group.strip() or not value.strip():
        raise ValueError(f"{option} {text!r} is not GROUP=VALUE; write e.g. {option} Inbound=40")
    return group.strip(), value.strip()


def _count(option: str, group: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} {group}={text}: {text!r} is not a whole number of agents; write e.g."
                         f" {option} {group}=40") from None
    if value < 0:
        raise ValueError(f"{option} {group}={text}: a headcount cannot be negative; give 0 or more")
    return value


def _share(option: str, group: str, text: str) -> float:
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", ".")) / (100 if percent else 1)
    except ValueError:
        raise ValueError(f"{option} {group}={text}: {text!r} is not a share; write e.g. {option} {group}=0.4"
                         " or 40%") from None
    if not 0 <= value <= 1:
        raise ValueError(f"{option} {group}={text}: a share must lie between 0 and 1 (0% and 100%)")
    return value


def settings_of(args: argparse.Namespace) -> PlanSettings:
    """The planner's settings from the options (`PlanSettings` checks the target and the rounds)."""
    groups = None
    if args.groups is not None:
        groups = tuple(dict.fromkeys(g.strip() for g in args.groups.split(",") if g.strip()))
        if not groups:
            raise ValueError("--groups names no group; give e.g. --groups Inbound,Blended, or leave it out")
    limits = parse_limits(args)
    if groups is not None:
        stray = sorted(set(limits) - set(groups))
        if stray:
            raise ValueError(f"limits name {stray}, which --groups does not plan ({', '.join(groups)}); add them to"
                             " --groups or drop their limits")
    if args.budget is not None and not args.budget >= 0:
        raise ValueError(f"--budget must be a sum of money >= 0, but got {args.budget}")
    if args.backtest_weeks < 0:
        raise ValueError(f"--backtest-weeks must be 0 (no backtest) or more, but got {args.backtest_weeks}")
    if args.rounds < 1:
        raise ValueError(f"--rounds must be at least 1, but got {args.rounds}")
    return PlanSettings(target=args.target, start=args.start, country=args.country, subdiv=args.subdiv,
                        backtest_weeks=args.backtest_weeks, groups=groups, limits=limits, budget=args.budget,
                        max_rounds=args.rounds, compare_current_shifts=not args.no_reference)


def workbook_path(args: argparse.Namespace) -> Path:
    """-o, or the history's name with "_plan.xlsx" next to it."""
    if args.output:
        return Path(args.output)
    history = Path(args.history)
    return history.with_name(f"{history.stem}_plan.xlsx")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def scenario_target(args: argparse.Namespace, workbook: Path) -> Path | None:
    """Where --save-scenario writes, checked before any work.

    A .toml file that is not an input, not the workbook, and not an existing file unless --force.

    Raises:
        ValueError: naming the file and the fix.
    """
    if not args.save_scenario:
        return None
    target = Path(args.save_scenario)
    if target.suffix.lower() != ".toml":
        raise ValueError(f"--save-scenario {target}: a scenario is a .toml file; use e.g."
                         f" {target.with_suffix('.toml')}")
    if target.is_dir():
        raise ValueError(f"--save-scenario {target} is a folder; give a file name such as {target / 'planned.toml'}")
    inputs = [Path(args.history)] + ([Path(args.scenario)] if args.scenario else [])
    for source in inputs:
        if _same_file(target, source) or target.absolute() == source.absolute():
            raise ValueError(f"--save-scenario {target} is the input {source}; the plan never overwrites its"
                             " inputs: choose another name, e.g. planned.toml")
    if target.absolute() == workbook.absolute():
        raise ValueError(f"--save-scenario {target} is the workbook's path; choose another name")
    if target.exists() and not args.force:
        raise ValueError(f"{target} already exists; pass --force to replace it (the old one is kept as .bak),"
                         " or choose another name")
    return target


def check_workbook(path: Path, force: bool, console: Console) -> bool:
    """The workbook path checked before any work (`wfm.report.check_report_path`); False after saying why."""
    from wfm.report import ReportError, check_report_path

    try:
        check_report_path(path, overwrite=force)
    except ReportError as exc:
        error(console, str(exc))
        return False
    return True


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace, console: Console) -> int:
    """Forecast the history, roster the week at the lowest cost, prove the roster by simulation, write the workbook."""
    if args.reps < 2:
        error(console, f"--replications must be at least 2 for confidence intervals, but got {args.reps}")
        return EXIT_BAD_INPUT
    settings = settings_of(args)
    workbook = workbook_path(args)
    if not check_workbook(workbook, args.force, console):
        return EXIT_BAD_INPUT
    planned_file = scenario_target(args, workbook)
    scenario = load(args.scenario, console)
    if scenario is None:
        return EXIT_BAD_INPUT
    print_warnings(scenario, console)
    history = _read(args, scenario, console)
    if history is None:
        return EXIT_BAD_INPUT
    console.print(history_line(history))
    prepared = prepare(history, scenario, settings)
    print_forecast(prepared, console)
    seed = args.seed if args.seed is not None else scenario.run.seed
    groups = ", ".join(prepared.planned_groups)
    try:
        with run_plan(args, args.reps, seed, f"Planning {lit(groups)} for the week of {prepared.forecast.start_date}"
                      ) as plan:
            result = make_plan(prepared, plan)
    except ScheduleInfeasible as exc:
        error(console, f"No roster is possible: {exc}")
        return EXIT_BAD_INPUT
    except RuntimeError as exc:  # HiGHS found no roster in its time limit (the message says so)
        error(console, f"The plan failed: {exc}")
        return EXIT_FAILED
    print_plan(result, console)
    from wfm.report import write_plan_report

    written = write_workbook(workbook, console, lambda path: write_plan_report(
        path, result, history_file=args.history, scenario_file=args.scenario, overwrite=args.force))
    if planned_file is not None:  # even when the workbook could not be written: the plan took minutes to make
        source_dir = Path(args.scenario).parent if args.scenario else None
        saved = save_scenario(result.planned, planned_file, source_dir=source_dir)
        console.print(f"Planned scenario saved to [bold]{lit(saved)}[/]")
    return written


def _read(args: argparse.Namespace, scenario: Scenario, console: Console) -> History | None:
    """The history on the center's clock (--timezone or the scenario's); None after listing its problems."""
    try:
        return read_history(args.history, timezone=args.timezone or scenario.calendar.timezone)
    except HistoryError as exc:
        console.print(f"[bold red]{lit(exc.path)}[/]: {len(exc.problems)} problem(s):")
        for line in exc.lines():
            console.print(f"  • {line}", markup=False, highlight=False, emoji=False, soft_wrap=True)
        return None


# --------------------------------------------------------------------------------------------
# What the planner reads
# --------------------------------------------------------------------------------------------


def history_line(history: History) -> str:
    """The export in one line: file, days, grid and clock changes."""
    last = history.dates[-1]
    changes = ", ".join(f"{d} ({kind})" for d, kind in history.clock_changes) or "none"
    return (f"History [bold]{lit(history.source)}[/]: {history.days} day(s) from {history.start_date} to {last},"
            f" {history.interval_minutes}-minute intervals, {int(history.rows.sum())} row(s),"
            f" {history.daily_offered.sum():,.0f} calls, {lit(history.timezone)}; clock changes: {changes}")


def print_forecast(prepared: Prepared, console: Console) -> None:
    """The backtest against seasonal-naive, the forecast per day and the patience estimate."""
    result = prepared.forecast
    scored = prepared.backtest
    if scored is None:
        console.print(f"[yellow]No backtest[/]: {lit(prepared.backtest_note)}")
    else:
        table = Table(title=f"Backtest: {scored.weeks} held-out week(s), {len(scored.dates)} day(s) scored")
        for name in ("forecast", "daily MAPE", "daily WAPE", "interval WAPE"):
            table.add_column(name, justify="left" if name == "forecast" else "right")
        for name, accuracy in (("model", scored.model_error), ("seasonal-naive", scored.naive_error)):
            table.add_row(name, f"{accuracy.mape:.1%}", f"{accuracy.wape:.1%}", f"{accuracy.interval_wape:.1%}")
        table.caption = ("the model beats seasonal-naive" if scored.beats_naive
                         else "[red]the model does not beat seasonal-naive: check the history before trusting it[/]")
        console.print(table)
    table = Table(title=f"Forecast from {result.start_date}")
    for name in ("day", "calls", "AHT", "note"):
        table.add_column(name, justify="left" if name in ("day", "note") else "right")
    for day in forecast_days(result):
        table.add_row(f"{day.weekday.capitalize()} {day.day}", f"{day.calls:,.0f}",
                      "–" if math.isnan(day.aht_s) else f"{day.aht_s:.0f} s",
                      lit(f"closed: {day.closed}") if day.closed else "")
    growth = f"trend {result.trend_per_week:+.2%} a week" if result.trend_per_week else "no trend fitted"
    patience = result.patience
    caught = (f"patience {patience.mean_s:.0f} s ± {patience.std_error_s:.0f} s ({patience.abandons:,.0f} abandons)"
              if patience is not None else "no patience estimate (the export lacks abandons, abandon time or ASA)")
    table.caption = f"{lit(result.model)}; {growth}; {caught}"
    console.print(table)
    console.print(f"Target: service level ≥ {prepared.target:.0%} in every interval (lower end of its 95% interval);"
                  f" Erlang A asks for {prepared.erlang.sum() * prepared.week.calendar.interval_minutes / 60:,.1f}"
                  " agent-hours on the floor")


def print_plan(result: PlanResult, console: Console) -> None:
    """The correction's rounds, what stayed unmet, the roster, and the three rosters' costs and intervals met."""
    console.print(rounds_table(result.correction))
    print_unmet(result.correction, console)
    console.print(schedule_table(result))
    console.print(costs_table(result))
    for line in saving_lines(result):
        console.print(line)


def rounds_table(correction: Correction) -> Table:
    """One row per roster-and-simulate round."""
    table = Table(title="Correction by simulation")
    for name in ("round", "requirement (agent-hours)", "intervals missed", "raised"):
        table.add_column(name, justify="right")
    for number, row in enumerate(correction.rounds, start=1):
        table.add_row(str(number), f"{row.requirement_agent_hours:,.1f}", str(row.missed), str(row.raised))
    return table


def print_unmet(correction: Correction, console: Console) -> None:
    """Intervals still missing the target, with the reason (the first `UNMET_SHOWN`)."""
    misses = [u for u in correction.unmet if u.reason != "too few calls"]
    thin = len(correction.unmet) - len(misses)
    if not misses:
        console.print("[green]Every judged interval meets the target[/]"
                      + (f"; {thin} interval(s) with too few calls to judge alone" if thin else ""))
        return
    table = Table(title=f"{len(misses)} interval(s) still below the target")
    for name in ("interval", "SL", "95% low", "required", "on floor", "reason"):
        table.add_column(name, justify="left" if name in ("interval", "reason") else "right")
    for unmet in misses[:UNMET_SHOWN]:
        table.add_row(lit(unmet.label), f"{unmet.service_level:.1%}", f"{unmet.low:.1%}", str(unmet.requirement),
                      f"{unmet.floor:.1f}", lit(f"{unmet.reason}: {unmet.detail}"))
    if len(misses) > UNMET_SHOWN:
        table.caption = f"and {len(misses) - UNMET_SHOWN} more (all in the workbook's Summary)"
    console.print(table)


def schedule_table(result: PlanResult) -> Table:
    """The shift templates chosen, with headcount and cost."""
    schedule = result.schedule
    currency = result.planned.costs.currency
    solved = "optimal" if schedule.optimal else f"gap {schedule.gap:.2%}"
    table = Table(title=f"Roster chosen by the scheduler ({solved}, {schedule.seconds:.1f} s): nominal cost"
                        f" {format_money(schedule.cost, currency, 0)} a week, every shift worked")
    for name in ("group", "shift", "start", "length", "days", "agents", "part-time", "break patterns", "cost"):
        table.add_column(name, justify="left" if name in ("group", "shift", "days") else "right")
    for row in shift_rows(schedule):
        patterns = row.breaks.count(";") + 1 if row.breaks != "none" else 0
        table.add_row(lit(row.group), lit(row.name), row.start, row.length, row.days, str(row.headcount),
                      "yes" if row.part_time else "", str(patterns), format_money(row.cost, currency, 0))
    groups = [g.name for g in schedule.problem.groups]
    table.caption = "; ".join(f"{lit(g)}: {schedule.headcount(g)} agent(s), {schedule.part_time_share(g):.0%}"
                              " part-time" for g in groups)
    return table


def _money_ci(estimate: Estimate, currency: str) -> str:
    if math.isnan(estimate.half_width):
        return format_money(estimate.mean, currency, 0)
    return (f"{format_money(estimate.mean, currency, 0)} ({format_money(estimate.low, currency, 0)} –"
            f" {format_money(estimate.high, currency, 0)})")


def costs_table(result: PlanResult) -> Table:
    """Cost of the week (95% interval) and intervals meeting the target, per roster."""
    currency = result.planned.costs.currency
    reps = result.check.planned.summary.replications
    table = Table(title=f"The week simulated: {reps} replication(s), seed {result.check.planned.summary.seed},"
                        " common random numbers")
    for name in ("roster", "agents", "cost of the week (95% CI)", "intervals meeting the target"):
        table.add_column(name, justify="left" if name == "roster" else "right")
    for line in roster_lines(result):
        if line.cost is None:
            table.add_row(line.label, "–", "–", lit(line.note))
            continue
        colour = "green" if line.meets_target else "red"
        table.add_row(line.label, str(line.headcount), _money_ci(line.cost, currency),
                      f"[{colour}]{line.met} of {line.judged}[/]")
    return table


def saving_lines(result: PlanResult) -> list[str]:
    """The paired cost differences, in words."""
    currency = result.planned.costs.currency
    difference = result.check.cost_difference
    lines = [f"Planned − current roster: {_signed_ci(difference, currency)} a week (paired)"]
    saving = result.saving_vs_reference
    if saving is not None:
        verdict = ("[green]the plan is cheaper[/]" if saving.low > 0 else "[red]the plan costs more[/]"
                   if saving.high < 0 else "[yellow]no clear difference[/]")
        lines.append(f"Saving against the current shifts re-staffed to the same target: {_signed_ci(saving, currency)}"
                     f" a week (paired) — {verdict}")
    return lines


def _signed_ci(estimate: Estimate, currency: str) -> str:
    text = format_money(estimate.mean, currency, 0, signed=True)
    if math.isnan(estimate.half_width):
        return text
    return f"{text} (95% CI {format_money(estimate.low, currency, 0, signed=True)} …" \
           f" {format_money(estimate.high, currency, 0, signed=True)})"
