"""The typed, frozen scenario: the single input of a simulation run.

Every field a planner may tweak lives here, validated before the engine starts so that a
run never fails half-way on bad input. This package only re-exports; each section lives in
a module of its own:

    units           seconds per minute/hour/day/week, "HH:MM" clock times, the base `Model`, `Duration`
    calendar        horizon, reporting grid, time zone, opening hours, holidays
    inbound         demand, patience, redials, service-level objective
    groups          agent groups, shift templates, breaks
    workforce       stress, learning, attrition, hiring, incentives
    costs           unit costs
    outbound        portfolio, dial outcomes, dialer, conversations, compliance rules
    accounts        imported accounts as one immutable column table
    targets         optional KPI targets (abandon, occupancy band, cost per call, recovery)
    field           field collection: home-visit teams and territories, visit rules, selection, outcomes, zones
    strategy        collection strategy: treatment paths, message channels, score, champion/challenger
    model           `Scenario` (all sections), schema version, content hash
    io              reading and writing scenario files (TOML), planner-readable problems
    portfolio_file  reading a debtor portfolio file (CSV/XLSX) into an `AccountTable`
"""

from wfm.scenario.accounts import MAX_PHONES, NO_ACCOUNTS, AccountRow, AccountTable, ImportedAccount
from wfm.scenario.calendar import Calendar, OpeningHours
from wfm.scenario.costs import Costs
from wfm.scenario.field import (
    FieldAgents,
    FieldGroup,
    FieldVisits,
    HourBand,
    Postcode,
    VisitOutcomes,
    VisitRules,
    VisitSelection,
    Zone,
)
from wfm.scenario.groups import AgentGroup, Break, Shift
from wfm.scenario.inbound import DEFAULT_INTRADAY_SHAPE, Demand, Inbound, Patience, Redial, ServiceLevel
from wfm.scenario.model import SCHEMA_VERSION, RunSettings, Scenario
from wfm.scenario.outbound import (
    PRESETS,
    Amd,
    Attempts,
    Blending,
    Compliance,
    Conversation,
    Dialer,
    Outbound,
    Portfolio,
    Rules,
    Segment,
    Selection,
    Window,
    parse_tz,
)
from wfm.scenario.strategy import (
    Channel,
    Offers,
    Placement,
    Responses,
    SendingWindow,
    Step,
    Strategy,
    TreatmentPath,
)
from wfm.scenario.targets import Targets
from wfm.scenario.units import (  # what a consumer needs; the field types stay in units
    DAY_S,
    HOUR_S,
    MINUTE_S,
    WEEK_S,
    WEEKDAYS,
    Duration,
    format_time_of_day,
)
from wfm.scenario.workforce import CALL_OUTCOMES, Attrition, Hiring, Incentives, Learning, Stress, Workforce

__all__ = [
    "AccountRow",
    "AccountTable",
    "AgentGroup",
    "Amd",
    "Attempts",
    "Attrition",
    "Blending",
    "Break",
    "CALL_OUTCOMES",
    "Calendar",
    "Channel",
    "Compliance",
    "Conversation",
    "Costs",
    "DAY_S",
    "DEFAULT_INTRADAY_SHAPE",
    "Demand",
    "Dialer",
    "Duration",
    "HOUR_S",
    "Hiring",
    "ImportedAccount",
    "Inbound",
    "Incentives",
    "Learning",
    "MAX_PHONES",
    "MINUTE_S",
    "NO_ACCOUNTS",
    "Offers",
    "OpeningHours",
    "Outbound",
    "PRESETS",
    "Patience",
    "Placement",
    "Portfolio",
    "Redial",
    "Responses",
    "Rules",
    "RunSettings",
    "SCHEMA_VERSION",
    "Scenario",
    "Segment",
    "SendingWindow",
    "Selection",
    "ServiceLevel",
    "Shift",
    "Step",
    "VisitOutcomes",
    "Zone",
    "FieldAgents",
    "FieldVisits",
    "FieldGroup",
    "HourBand",
    "Postcode",
    "VisitRules",
    "VisitSelection",
    "Strategy",
    "Stress",
    "Targets",
    "TreatmentPath",
    "WEEKDAYS",
    "WEEK_S",
    "Window",
    "Workforce",
    "format_time_of_day",
    "parse_tz",
]
