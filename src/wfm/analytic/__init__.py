"""Analytic queueing references (Erlang B, C and A) that the simulator is validated against."""

from wfm.analytic.erlang import (
    ErlangAResult,
    erlang_a,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_asa,
    erlang_c_occupancy,
    erlang_c_service_level,
    erlang_c_staffing,
)

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_a_staffing",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "erlang_c_staffing",
]
