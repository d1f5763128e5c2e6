"""The SimPy model of a collections contact center. No Qt, no files, no printing."""

from wfm.sim.engine import Cancelled, run
from wfm.sim.result import AgentRow, CallRecord, InboundSeries, RunResult, StaffSeries, same_values
from wfm.sim.streams import SOURCES, make_streams, replication_seed

__all__ = [
    "SOURCES", "AgentRow", "CallRecord", "Cancelled", "InboundSeries", "RunResult", "StaffSeries",
    "make_streams", "replication_seed", "run", "same_values",
]
