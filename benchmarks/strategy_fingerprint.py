"""The strategy scenarios' results at a fixed seed, as JSON: the behaviour-kept check for strategy code.

kpi_fingerprint.py covers the scenarios without a strategy; this covers omnichannel.toml and
field.toml (with more accounts than shipped, so every path, channel and the field team are busy,
over their shipped horizon), and omnichannel with the rest of the strategy's machinery switched
on. Besides the overall KPIs it hashes every array of the run's outbound and strategy series,
so a change of one draw anywhere shows. Run before and after a restructuring and diff:

    .venv/bin/python benchmarks/strategy_fingerprint.py > before.json
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from wfm import kpi
from wfm.scenario.io import scenario_from_mapping
from wfm.sim import run

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261201
ACCOUNTS = {"omnichannel": 20_000, "field": 30_000, "omnichannel_offers": 20_000}


def _offers(data: dict[str, Any]) -> None:
    """The rest of the strategy's machinery on omnichannel: batches over time with a term, score priority,
    follow-up of broken promises, plans, settlements, reminders, fading self-cure, a score-banded path."""
    strategy = data["strategy"]
    strategy["placements"] = [{"date": "2026-01-05", "share": 0.6}, {"date": "2026-01-14", "share": 0.4}]
    strategy["placement_term_days"] = 21
    strategy["follow_up_broken_promises"] = True
    strategy["self_cure_halflife_days"] = 180
    strategy["offers"] = {"plan_share": 0.3, "plan_every_days": 7, "settlement_share": 0.3, "reminder": "sms"}
    strategy["paths"].insert(0, {"name": "best_scored", "score_band": [0.8, 1.0], "balance_max": 1500,
                                 "steps": [{"kind": "email"}, {"kind": "phone", "attempts": 4, "days": 5}]})
    data["outbound"]["selection"]["priority"] = "score"


VARIANTS = {"omnichannel_offers": ("omnichannel", _offers)}


def _digest(value: Any) -> str:
    h = hashlib.sha256()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            h.update(_digest(getattr(value, f.name)).encode())
    elif isinstance(value, np.ndarray):
        h.update(repr(value.tolist()).encode())
    elif isinstance(value, dict):
        for key in sorted(value):
            h.update(str(key).encode())
            h.update(_digest(value[key]).encode())
    else:
        h.update(repr(value).encode())
    return h.hexdigest()[:16]


def fingerprint(name: str) -> dict[str, object]:
    shipped, change = VARIANTS.get(name, (name, None))
    data = tomllib.loads((ROOT / "scenarios" / f"{shipped}.toml").read_text())
    data["outbound"]["portfolio"]["accounts"] = ACCOUNTS[name]
    if change is not None:
        change(data)
    result = run(scenario_from_mapping(data, name), SEED, record_calls=True)
    overall = {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v))
               for k, v in kpi.overall(result).items()}
    return {"overall": overall, "outbound": _digest(result.outbound), "strategy": _digest(result.strategy),
            "by_interval": _digest(kpi.by_interval(result))}


def main(names: list[str]) -> None:
    out = {name: fingerprint(name) for name in (names or list(ACCOUNTS))}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
