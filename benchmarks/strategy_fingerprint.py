"""The strategy scenarios' results at a fixed seed, as JSON: the behaviour-kept check for strategy code.

kpi_fingerprint.py covers the scenarios without a strategy; this covers omnichannel.toml and
field.toml (with more accounts than shipped, so every path, channel and the field team are busy,
over their shipped horizon). Besides the overall KPIs it hashes every array of the run's
outbound and strategy series, so a change of one draw anywhere shows. Run before and after a
restructuring and diff:

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
ACCOUNTS = {"omnichannel": 20_000, "field": 30_000}


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
    data = tomllib.loads((ROOT / "scenarios" / f"{name}.toml").read_text())
    data["outbound"]["portfolio"]["accounts"] = ACCOUNTS[name]
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
