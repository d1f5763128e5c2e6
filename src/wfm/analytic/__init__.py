"""Analytic queueing references (Erlang B, C and A) and the staffing requirement built on them."""

from wfm.analytic.erlang import (
    ErlangAResult,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_c_asa,
    erlang_c_occupancy,
    erlang_c_service_level,
)
from wfm.analytic.staffing import (
    SL_CEILING,
    StaffingRule,
    erlang_a_staffing,
    erlang_c_staffing,
    reachable_target,
    smallest_meeting,
)

__all__ = [
    "SL_CEILING",
    "ErlangAResult",
    "StaffingRule",
    "erlang_a",
    "erlang_a_staffing",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "erlang_c_staffing",
    "reachable_target",
    "smallest_meeting",
]
