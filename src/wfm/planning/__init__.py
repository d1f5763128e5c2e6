"""Planning: from an interval history to a roster proven by simulation (DESIGN §11).

Qt-free, beside `wfm.analytic`; the CLI and the GUI call it as they call the experiment API.
One module per step:

    history       reading an ACD interval export (CSV/XLSX) into a `History`
    patience      callers' patience from abandons on censored waits
    forecast      daily volume (Poisson regression), intraday shape, AHT; backtest against seasonal-naive;
                  the forecast into the scenario
    requirements  Erlang A per interval, then corrected by simulating the roster
    schedule      shift scheduling as an integer program (HiGHS), breaks placed by rule
    roster        the chosen roster into the scenario's groups and shifts
    check         the planned roster beside the current one, simulated on common random numbers
    pipeline      the whole loop: prepare (forecast, backtest, Erlang A), make_plan (roster, correct, prove)
    tables        what the front ends show of a plan: the rosters' costs and intervals met, the shifts chosen
"""

from wfm.planning.check import PlanCheck, RosterRun, check_plan, run_roster
from wfm.planning.forecast import Accuracy, Backtest, Forecast, apply_forecast, backtest, forecast
from wfm.planning.history import History, HistoryError, read_history
from wfm.planning.patience import PatienceEstimate, exponential_patience, patience_from_history
from wfm.planning.requirements import (
    Correction,
    ErlangStep,
    correct_by_simulation,
    erlang_requirement,
    floor_agents,
    interval_service_levels,
    simulate,
    weekly,
)
from wfm.planning.roster import apply_schedule, day_patterns, group_limits, standard_templates
from wfm.planning.schedule import (
    BreakRule,
    GroupLimits,
    Schedule,
    ScheduleInfeasible,
    ScheduleProblem,
    ShiftTemplate,
    expand_templates,
    screen_work_breaks,
    solve_schedule,
)

__all__ = [
    "Accuracy",
    "Backtest",
    "BreakRule",
    "Correction",
    "ErlangStep",
    "Forecast",
    "GroupLimits",
    "History",
    "HistoryError",
    "PatienceEstimate",
    "PlanCheck",
    "RosterRun",
    "Schedule",
    "ScheduleInfeasible",
    "ScheduleProblem",
    "ShiftTemplate",
    "apply_forecast",
    "apply_schedule",
    "backtest",
    "check_plan",
    "correct_by_simulation",
    "day_patterns",
    "erlang_requirement",
    "expand_templates",
    "exponential_patience",
    "floor_agents",
    "forecast",
    "group_limits",
    "interval_service_levels",
    "patience_from_history",
    "read_history",
    "run_roster",
    "screen_work_breaks",
    "simulate",
    "solve_schedule",
    "standard_templates",
    "weekly",
]
