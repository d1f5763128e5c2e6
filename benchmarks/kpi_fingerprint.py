"""Overall KPIs of the shipped scenarios at a fixed seed, as JSON: the behaviour-kept check.

A restructuring must leave these numbers identical (or explain each change). Run it before and
after and diff the two files:

    .venv/bin/python benchmarks/kpi_fingerprint.py > before.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from wfm import kpi
from wfm.scenario.io import load_scenario, scenario_from_mapping
from wfm.sim import run

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261201
SHIPPED = ["baseline", "preview", "progressive", "power", "predictive", "incentives_bonus", "imported_portfolio"]


def inbound_only():
    """The baseline center with the dialer switched off and its outbound team taking no calls."""
    text = (ROOT / "scenarios" / "baseline.toml").read_text()
    import tomllib

    data = tomllib.loads(text)
    data["outbound"]["enabled"] = False
    data["groups"] = [g for g in data["groups"] if g["kind"] != "outbound"]
    for g in data["groups"]:
        g["kind"] = "inbound"
    return scenario_from_mapping(data, "baseline inbound-only")


def _digest(table: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for key in sorted(table):
        h.update(key.encode())
        h.update(repr(np.asarray(table[key]).tolist()).encode())
    return h.hexdigest()[:16]


def fingerprint(scenario) -> dict[str, object]:
    result = run(scenario, SEED)
    overall = {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v))
               for k, v in kpi.overall(result).items()}
    return {"overall": overall, "by_day": _digest(kpi.by_day(result)), "by_interval": _digest(kpi.by_interval(result))}


def main(names: list[str]) -> None:
    out: dict[str, object] = {}
    wanted = names or ["inbound_only", *SHIPPED]
    for name in wanted:
        scenario = inbound_only() if name == "inbound_only" else load_scenario(ROOT / "scenarios" / f"{name}.toml")
        out[name] = fingerprint(scenario)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
