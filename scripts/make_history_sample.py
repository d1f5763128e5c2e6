"""Write scenarios/history_sample.csv: 16 weeks of 15-minute intervals SIMULATED by wfm, as an ACD would export them.

The history is not real data. Each week is one run of the simulator (`wfm.sim.run`) on the
inbound side of scenarios/baseline.toml (outbound off, the Collections team left out), with:

- the weekly pattern of the baseline (Mon 1400, Tue 1200, Wed 1150, Thu 1100, Fri 1050, Sat 450
  calls in week 0; closed on Sunday), growing by `GROWTH` per week (a known trend);
- the baseline's intraday shape, opening hours, handle time (lognormal talk, mean 300 s, CV 0.6,
  plus 30 s after-call work), exponential patience with mean 180 s, 30% redials and
  8% day-to-day over-dispersion;
- the center closed on Italian public holidays (from the `holidays` package);
- the baseline's Inbound and Blended rosters, unchanged over the weeks, so the service level
  falls as volume grows.

Week w is replication w of the experiment seeded with `SEED`, so the file is the same on every
machine with the same wfm and numpy (tests/test_planning_forecast.py reads it; it does not
regenerate it). Rows are written as an Italian ACD export: `;`-separated, decimal comma, dates
day-first, service level as a percentage, every interval of every day in local time (Europe/Rome),
so the day clocks go forward (29 March 2026) has 92 rows: 02:00-02:45 does not exist.

Usage: python scripts/make_history_sample.py [--out PATH] [--weeks N] [--seed S]
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from wfm.scenario import Scenario
from wfm.scenario.io import load_scenario, scenario_from_mapping
from wfm.sim import RunResult, run

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "scenarios" / "history_sample.csv"
BASE = REPO / "scenarios" / "baseline.toml"
SEED = 20260105
START = date(2026, 1, 5)  # a Monday
WEEKS = 16
GROWTH = 0.01  # volume growth per week
HEADER = ("Interval start", "Offered", "Answered", "Abandoned", "AHT (s)", "Avg abandon time (s)", "ASA (s)",
          "Service level")


def week_scenario(base: Scenario, week: int) -> Scenario:
    """The inbound center of `base` in week `week`: volume grown, outbound off, holidays closed."""
    data = base.model_dump(mode="python")
    start = START + timedelta(weeks=week)
    days = [start + timedelta(days=d) for d in range(7)]
    closed = sorted(d for d in days if d in holidays.country_holidays("IT", years=start.year))
    factor = (1 + GROWTH) ** week
    data["name"] = f"History sample, week {week}"
    data["calendar"] |= {"start_date": start, "horizon_days": 7, "holidays": closed}
    demand = data["inbound"]["demand"]
    demand["daily_volume"] = {day: volume * factor for day, volume in demand["daily_volume"].items()}
    data["outbound"]["enabled"] = False
    data["groups"] = [g for g in data["groups"] if g["kind"] != "outbound"]
    return scenario_from_mapping(data, f"<history sample week {week}>")


def _seconds(total: float, count: float) -> str:
    return f"{total / count:.1f}".replace(".", ",") if count > 0 else ""


def week_rows(result: RunResult, start: date, zone: ZoneInfo) -> list[tuple[str, ...]]:
    """One row per existing local interval of the week's 7 days, as the Italian export writes it."""
    ib = result.inbound
    per_day = result.intervals_per_day
    minutes = result.interval_s // 60
    rows = []
    for index in range(result.n_intervals):
        day, slot = divmod(index, per_day)
        local = datetime.combine(start + timedelta(days=day), time()) + timedelta(minutes=slot * minutes)
        aware = local.replace(tzinfo=zone)
        if aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local:
            continue  # the hour clocks skip: no such interval
        offered, answered, abandoned = ib.offered[index], ib.answered[index], ib.abandoned[index]
        net = offered - (ib.abandoned_short[index] if result.exclude_short_abandons else 0)
        sl = f"{100 * ib.answered_in_sl[index] / net:.1f}%".replace(".", ",") if net > 0 else ""
        rows.append((
            f"{local:%d/%m/%Y %H:%M}", str(int(offered)), str(int(answered)), str(int(abandoned)),
            _seconds(ib.talk_s[index] + ib.acw_s[index], ib.handled[index]),
            _seconds(ib.wait_abandoned_s[index], abandoned), _seconds(ib.wait_answered_s[index], answered), sl,
        ))
    return rows


def make_rows(weeks: int = WEEKS, seed: int = SEED) -> list[tuple[str, ...]]:
    """Every row of the sample, week by week (week w = replication w at `seed`)."""
    base = load_scenario(BASE)
    zone = ZoneInfo(base.calendar.timezone)
    rows: list[tuple[str, ...]] = []
    for week in range(weeks):
        scenario = week_scenario(base, week)
        rows += week_rows(run(scenario, seed, replication=week), scenario.calendar.start_date, zone)
    return rows


def write(path: Path, rows: list[tuple[str, ...]], weeks: int, seed: int) -> None:
    """The CSV with Excel's separator hint and a title block saying how it was made."""
    title = [
        "sep=;",
        f"# SIMULATED interval history (not real data): {weeks} weeks from {START:%d/%m/%Y}, 15-minute intervals,"
        " local time Europe/Rome.",
        f"# Made by scripts/make_history_sample.py with wfm's simulator, seed {seed}: the inbound side of"
        " scenarios/baseline.toml",
        f"# with volume growing {GROWTH:.0%} per week and the center closed on Italian public holidays.",
    ]
    lines = title + [";".join(HEADER)] + [";".join(r) for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main() -> None:
    """Write the sample (arguments: see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rows = make_rows(args.weeks, args.seed)
    write(args.out, rows, args.weeks, args.seed)
    offered = np.array([int(r[1]) for r in rows])
    print(f"wrote {args.out}: {len(rows)} intervals, {offered.sum()} calls offered")  # noqa: T201


if __name__ == "__main__":
    main()
