"""The `wfm` arguments: one sub-command per task, the experiment options they share, and their help."""

from __future__ import annotations

import argparse
import textwrap

from wfm import __version__
from wfm.cli.commands import TABLE_KPIS, cmd_compare, cmd_gui, cmd_run, cmd_sweep, cmd_validate
from wfm.cli.plan import add_plan_parser, cmd_plan
from wfm.cli.solve import cmd_solve_pacing, cmd_solve_staffing
from wfm.execution import BACKENDS
from wfm.kpi import KPI_DEFS, OUTBOUND_KPI_DEFS

DESCRIPTION = "wfm: simulate debt-collection contact centers headless, with the same experiments as the GUI."

# One example per command, as a planner would type it from the project folder (issue 15, item 22).
EXAMPLES: dict[str, str] = {
    "run": "wfm run scenarios/baseline.toml --reps 10 -o reports/baseline.xlsx",
    "compare": "wfm compare scenarios/incentives_flat.toml scenarios/incentives_bonus.toml --kpi ptp_rate",
    "sweep": "wfm sweep scenarios/baseline.toml --vary 'groups[0].shifts[0].headcount=8:16:2' --kpi asa",
    "solve staffing": "wfm solve staffing scenarios/baseline.toml --group Inbound --shift Early --sl 0.8",
    "solve pacing": "wfm solve pacing scenarios/predictive.toml --values 0.01,0.02,0.03 -o reports/pacing.xlsx",
    "plan": "wfm plan scenarios/history_sample.csv scenarios/baseline.toml --max-headcount Inbound=60 -o plan.xlsx",
    "validate": "wfm validate scenarios/baseline.toml",
    "gui": "wfm gui scenarios/baseline.toml",
}


def kpi_keys_text() -> str:
    """Every key --kpi accepts, the outbound ones apart (they need a scenario that dials)."""
    outbound = {k.key for k in OUTBOUND_KPI_DEFS}
    plain = ", ".join(k.key for k in KPI_DEFS if k.key not in outbound)
    dialing = ", ".join(k.key for k in OUTBOUND_KPI_DEFS)
    return (textwrap.fill(f"KPI keys for --kpi ('all' for every KPI the runs compute): {plain}.", 100) + "\n"
            + textwrap.fill(f"With outbound dialing also: {dialing}.", 100))


def _epilog(*commands: str, kpis: bool = False) -> str:
    lines = ["example:" if len(commands) == 1 else "examples:"]
    lines += [f"  {EXAMPLES[c]}" for c in commands]
    return "\n".join(lines) + ("\n\n" + kpi_keys_text() if kpis else "")


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
                        help=f"KPI to show (repeatable; default: {', '.join(TABLE_KPIS)}; 'all' for every KPI;"
                             " the keys are listed below)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and --help)."""
    raw = argparse.RawDescriptionHelpFormatter  # keeps the examples' lines as written
    epilog = _epilog(*EXAMPLES, kpis=True) + "\n\nHelp on one command: wfm COMMAND --help"
    parser = argparse.ArgumentParser(prog="wfm", description=DESCRIPTION, formatter_class=raw, epilog=epilog)
    parser.add_argument("--version", action="version", version=f"wfm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, *, kpis: bool = False, within: argparse._SubParsersAction[
            argparse.ArgumentParser] = sub, example: str | None = None) -> argparse.ArgumentParser:
        return within.add_parser(name, help=help_text, description=help_text, formatter_class=raw,
                                 epilog=_epilog(example or name, kpis=kpis))

    p_run = command("run", "simulate a scenario and print its KPIs")
    p_run.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    _add_experiment_options(p_run, default_backend="serial")
    p_run.set_defaults(func=cmd_run)

    p_cmp = command("compare", "run scenarios on common random numbers; paired differences with CIs", kpis=True)
    p_cmp.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="two or more TOML files; the first is the base")
    _add_experiment_options(p_cmp)
    _add_kpi_option(p_cmp)
    p_cmp.set_defaults(func=cmd_compare)

    p_swp = command("sweep", "vary one or two scenario fields over a grid and tabulate the KPIs", kpis=True)
    p_swp.add_argument("scenario", nargs="?", help="scenario TOML file (default: the plan's, or the built-in baseline)")
    p_swp.add_argument("--vary", action="append", metavar="PATH=SPEC",
                       help="a swept field: PATH=START:STOP:STEP or PATH=V1,V2,... e.g. "
                            "groups[0].shifts[0].headcount=8:16:2 (at most two)")
    p_swp.add_argument("--plan", help="a sweep TOML file (scenario, replications, seed, [[axis]] path + range/values)")
    _add_experiment_options(p_swp)
    _add_kpi_option(p_swp)
    p_swp.set_defaults(func=cmd_sweep)

    p_solve = sub.add_parser("solve", help="staffing or pacing solvers", description="staffing or pacing solvers",
                             formatter_class=raw, epilog=_epilog("solve staffing", "solve pacing"))
    solve_sub = p_solve.add_subparsers(dest="problem", required=True)
    p_staff = command("staffing", "fewest agents on a shift template meeting the SL target", within=solve_sub,
                      example="solve staffing")
    p_staff.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    p_staff.add_argument("--group", default="0", help="agent group, by index or name (default: 0)")
    p_staff.add_argument("--shift", default="0", help="shift template in the group, by index or name (default: 0)")
    p_staff.add_argument("--sl", type=float, help="service-level target, e.g. 0.8 (default: the scenario's)")
    p_staff.add_argument("--max-abandon", type=float, help="cap on the abandon rate, e.g. 0.05")
    p_staff.add_argument("--verify-reps", type=int, help="replications of the fresh-seed check (default: --reps)")
    _add_experiment_options(p_staff)
    p_staff.set_defaults(func=cmd_solve_staffing)
    p_pace = command("pacing", "dialer setting with most RPCs per agent-hour under the drop cap", within=solve_sub,
                     example="solve pacing")
    p_pace.add_argument("scenario", nargs="?", help="scenario TOML file (default: the built-in baseline)")
    p_pace.add_argument("--field", help="the lever's path (default: outbound.dialer.target_drop_rate in predictive "
                                        "mode, outbound.dialer.lines_per_agent in power mode)")
    p_pace.add_argument("--values", help="grid: START:STOP:STEP or V1,V2,... (default: a grid for the lever)")
    p_pace.add_argument("--drop-cap", type=float, help="largest acceptable drop rate (default: the compliance cap)")
    p_pace.add_argument("--on-mean", action="store_true",
                        help="judge the cap on the mean drop rate instead of its 95%% CI upper end")
    _add_experiment_options(p_pace)
    p_pace.set_defaults(func=cmd_solve_pacing)

    p_plan = command("plan", "forecast an interval history, roster the week at the lowest cost meeting the SL"
                             " target, prove it by simulation and write the planning workbook")
    add_plan_parser(p_plan, BACKENDS)
    p_plan.set_defaults(func=cmd_plan)

    p_val = command("validate", "check a scenario file and list every problem")
    p_val.add_argument("scenario", help="scenario TOML file")
    p_val.set_defaults(func=cmd_validate)

    p_gui = command("gui", "open the desktop application")
    p_gui.add_argument("scenario", nargs="?", help="scenario to open (default: the built-in baseline)")
    p_gui.set_defaults(func=cmd_gui)
    return parser
