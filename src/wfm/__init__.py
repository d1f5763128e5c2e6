"""wfm: workforce and KPI simulator for debt-collection contact centers."""

__version__ = "0.1.0"
