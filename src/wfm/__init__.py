"""wfm: workforce and KPI simulator for debt-collection contact centers."""

__version__ = "0.1.0"

# Load the scenario model first: `wfm.scenario` and `wfm.scenario.outbound` import each other.
from wfm import scenario as _scenario  # noqa: F401
