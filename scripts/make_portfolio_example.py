"""Write scenarios/portfolio_example.csv: 2,000 made-up accounts for scenarios/imported_portfolio.toml.

The accounts follow the segments of scenarios/baseline.toml (early/mid/late shares, lognormal
balances, uniform days past due, 1-3 phone numbers), with a few debtors living abroad. Only
`random.Random.random()` is used, whose sequence Python guarantees for a given seed, so the
file is byte-for-byte the same on every machine; tests/test_portfolio_io.py checks that.

Usage: python scripts/make_portfolio_example.py [--out PATH] [--accounts N] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Sequence
from pathlib import Path
from statistics import NormalDist

OUT = Path(__file__).resolve().parents[1] / "scenarios" / "portfolio_example.csv"
HEADER = ("account_id", "balance", "dpd", "segment", "phones", "timezone")

# name, share, balance mean, balance cv, dpd min, dpd max (as in scenarios/baseline.toml)
SEGMENTS = (
    ("early", 0.40, 800.0, 0.8, 30, 90),
    ("mid", 0.35, 1_500.0, 0.8, 90, 360),
    ("late", 0.25, 2_500.0, 0.8, 360, 1_080),
)
PHONES = (0.55, 0.30, 0.15)
# Most debtors live in Italy (the center's zone: left empty); a few moved abroad.
TIMEZONES = (("", 0.94), ("Europe/London", 0.03), ("America/Bogota", 0.03))


def _pick(u: float, weights: Sequence[float]) -> int:
    total = 0.0
    for index, weight in enumerate(weights):
        total += weight
        if u < total:
            return index
    return len(weights) - 1


def make_rows(accounts: int = 2_000, seed: int = 20260105) -> list[tuple[str, str, int, str, int, str]]:
    """The example accounts, one tuple per CSV row (balance already formatted with two decimals)."""
    rng = random.Random(seed)
    normal = NormalDist()
    rows = []
    for i in range(1, accounts + 1):
        name, _, mean, cv, dpd_min, dpd_max = SEGMENTS[_pick(rng.random(), [s[1] for s in SEGMENTS])]
        sigma = math.sqrt(math.log(1 + cv * cv))
        mu = math.log(mean) - sigma * sigma / 2
        z = normal.inv_cdf(min(max(rng.random(), 1e-12), 1 - 1e-12))
        balance = max(round(math.exp(mu + sigma * z), 2), 1.0)
        dpd = dpd_min + int(rng.random() * (dpd_max - dpd_min + 1))
        phones = 1 + _pick(rng.random(), PHONES)
        zone = TIMEZONES[_pick(rng.random(), [w for _, w in TIMEZONES])][0]
        rows.append((f"IT-{i:06d}", f"{balance:.2f}", dpd, name, phones, zone))
    return rows


def write(path: Path, accounts: int = 2_000, seed: int = 20260105) -> Path:
    """Write the example CSV (comma-separated, decimal point, Unix line ends) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(make_rows(accounts, seed))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20260105)
    args = parser.parse_args(argv)
    write(args.out, args.accounts, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
