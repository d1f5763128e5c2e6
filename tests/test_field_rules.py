"""Field teams with territories, visit rules per debtor jurisdiction, visit selection and imported places (#13).

The runs use inline imported accounts, so the test knows every debtor's time zone, jurisdiction,
balance and map position. The rule check is the test's own: each logged visit's start and end
turned into the debtor's local time with zoneinfo, its local date against the `holidays` package,
and the local days between two visits of one account. It must agree with the run's auditor, find
nothing in a correct run, and find what a deliberately broken planner does wrong.
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest
from pydantic import ValidationError

from test_strategy import SEED, scenario
from wfm.scenario import Scenario
from wfm.scenario.field import FieldVisits
from wfm.scenario.io import load_scenario, scenario_from_mapping, scenario_to_toml
from wfm.scenario.portfolio_file import PortfolioError, read_portfolio
from wfm.sim import run
from wfm.sim.collections.field import FIELD_OUTCOMES, FieldTeam
from wfm.sim.collections.field_rules import FIELD_RULES
from wfm.sim.result import RunResult

H = 3600.0
DAY = 86_400.0
START = date(2026, 5, 4)  # a Monday: the Early May bank holiday in England, a working day in Italy
CENTER = ZoneInfo("Europe/Rome")
TZ = {"IT": "Europe/Rome", "GB": "Europe/London"}
ZONES = [{"name": "north", "centre_km": [0, 10], "spread_km": 3, "share": 0.5},
         {"name": "south", "centre_km": [0, -10], "spread_km": 3, "share": 0.5}]
POSTCODES = [{"code": "20121", "zone": "north", "centre_km": [1.0, 11.0], "spread_km": 0},
             {"code": "00184", "zone": "south", "centre_km": [-1.0, -9.0], "spread_km": 0}]
TEAMS = [{"name": "north", "zones": ["north"], "count": 2, "base_km": [0, 8], "shift_start": "08:00",
          "shift_hours": 8, "wage_per_hour": 20, "cost_per_km": 0.30, "speed_kmh": 30, "visit_minutes": 20},
         {"name": "south", "count": 1, "base_km": [0, -8], "shift_start": "09:00", "shift_hours": 9,
          "wage_per_hour": 25, "cost_per_km": 0.50, "speed_kmh": 25, "visit_minutes": 25}]
GB_RULES = {"visiting_start": "10:00", "visiting_end": "18:00", "days": ["mon", "tue", "wed", "thu", "fri"]}
FIELD: dict[str, Any] = {
    "teams": TEAMS, "zones": ZONES, "postcodes": POSTCODES, "weekly_budget": 400,
    "visiting_start": "09:00", "visiting_end": "19:00", "max_visits": 1, "per_days": 7,
    "by_region": {"GB": GB_RULES},
    "outcomes": {"nobody_home": 0.5, "wrong_address": 0.0, "third_party": 0.0},
    "nobody_home_by_hour": [{"start": "09:00", "end": "12:00", "factor": 10}],
    "nobody_home_by_weekday": {"sat": 0.0},
}
REPEAT = [{"name": "visit", "steps": [{"kind": "visit"}, {"kind": "wait", "days": 2}], "repeat": True}]


def accounts(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Inline accounts: half Italian, half English; a third with coordinates, a third with a postcode."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        region = "GB" if i % 2 else "IT"
        row: dict[str, Any] = {"account_id": f"A{i:04d}", "balance": float(round(rng.uniform(100, 9000), 2)),
                               "dpd": int(rng.integers(30, 400)), "segment": ["early", "mid", "late"][i % 3],
                               "timezone": TZ[region], "region": region}
        if i % 3 == 1:
            row["x_km"], row["y_km"] = float(rng.normal(0, 6)), float(rng.normal(0, 12))
        elif i % 3 == 2:
            row["postcode"] = ["20121", "00184"][i % 4 // 2]
        rows.append(row)
    return rows


def field_scenario(field: dict[str, Any], paths: list[dict[str, Any]], rows: list[dict[str, Any]],
                   horizon_days: int = 14, start: date = START) -> Scenario:
    data = tomllib.loads(scenario_to_toml(scenario(None)))
    data["calendar"].update(horizon_days=horizon_days, start_date=start)
    data["inbound"]["enabled"] = False
    data["outbound"]["portfolio"]["imported"] = rows
    data["strategy"] = {"enabled": True, "paths": paths, "field": field}
    return scenario_from_mapping(data, "<field rules test>")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return accounts(600)


@pytest.fixture(scope="module")
def mixed(rows: list[dict[str, Any]]) -> RunResult:
    """Two weeks of repeated visit steps to Italian and English debtors by two teams."""
    return run(field_scenario(FIELD, REPEAT, rows), SEED, record_calls=True)


# --------------------------------------------------------------------------------------------
# The test's own rule check
# --------------------------------------------------------------------------------------------


def local(start_s: float, zone: str) -> datetime:
    """The debtor's local wall time of run time `start_s` (center wall seconds since START's midnight)."""
    wall = datetime.combine(START, time()) + timedelta(seconds=start_s)
    return wall.replace(tzinfo=CENTER).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def rule_breaks(log: np.ndarray, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Visits breaking each rule, derived from the log alone (the test's reading of the rules)."""
    breaks = dict.fromkeys(FIELD_RULES, 0)
    days_off = {r: holidays.country_holidays(r, years=[2026]) for r in TZ}
    seen: dict[int, list[date]] = {}
    for row in np.sort(log, order="start_s"):
        a = int(row["account"])
        region = rows[a]["region"]
        start, end = local(float(row["start_s"]), TZ[region]), local(float(row["end_s"]), TZ[region])
        opens, closes = (10, 18) if region == "GB" else (9, 19)
        midnight = datetime.combine(start.date(), time())
        if start < midnight + timedelta(hours=opens) or end > midnight + timedelta(hours=closes):
            breaks["hours"] += 1
        if start.weekday() == 6 or (region == "GB" and start.weekday() == 5):
            breaks["weekday"] += 1
        if start.date() in days_off[region]:
            breaks["holiday"] += 1
        if any((start.date() - d).days < 7 for d in seen.get(a, [])):
            breaks["frequency"] += 1
        seen.setdefault(a, []).append(start.date())
    return breaks


def test_no_visit_breaks_a_rule_by_the_auditor_and_by_the_tests_own_check(mixed: RunResult,
                                                                            rows: list[dict[str, Any]]) -> None:
    s = mixed.strategy
    assert s is not None and s.field_log is not None
    assert len(s.field_log) > 200
    assert dict(zip(FIELD_RULES, s.field_violations.tolist(), strict=True)) == dict.fromkeys(FIELD_RULES, 0)
    assert rule_breaks(s.field_log, rows) == dict.fromkeys(FIELD_RULES, 0)
    visits = Counter(int(a) for a in s.field_log["account"])
    assert max(visits.values()) == 2  # the path asks every 2 days; the rule allows one a week


def test_english_debtors_are_visited_in_their_own_hours_and_not_on_their_bank_holiday(
        mixed: RunResult, rows: list[dict[str, Any]]) -> None:
    s = mixed.strategy
    assert s is not None and s.field_log is not None
    day0 = s.field_log[s.field_log["start_s"] < DAY]
    regions = {rows[int(a)]["region"] for a in day0["account"]}
    assert regions == {"IT"}  # 4 May: Italians are visited, the English rest
    english = [local(float(r["start_s"]), TZ["GB"]) for r in s.field_log if rows[int(r["account"])]["region"] == "GB"]
    assert english and min(t.hour for t in english) == 10  # the agents leave at 08:00 Rome, 07:00 London


def test_nobody_home_follows_the_hour_and_the_weekday(mixed: RunResult, rows: list[dict[str, Any]]) -> None:
    s = mixed.strategy
    assert s is not None and s.field_log is not None
    nobody, void = FIELD_OUTCOMES.index("nobody_home"), FIELD_OUTCOMES.index("void")
    morning = saturday = afternoon = 0
    for r in s.field_log:
        when = local(float(r["start_s"]), TZ[rows[int(r["account"])]["region"]])
        if r["outcome"] == void:
            continue
        if when.weekday() == 5:  # factor 0: somebody is always home
            saturday += 1
            assert r["outcome"] != nobody
        elif when.hour < 12:  # 0.5 × 10, capped at 1: nobody is ever home
            morning += 1
            assert r["outcome"] == nobody
        else:
            afternoon += r["outcome"] == nobody
    assert saturday > 20 and morning > 20 and afternoon > 20


def test_each_account_is_visited_by_the_team_of_its_territory(mixed: RunResult, rows: list[dict[str, Any]]) -> None:
    s = mixed.strategy
    assert s is not None and s.field_log is not None
    assert s.field_team_names == ("north", "south")
    checked = 0
    for r in s.field_log:
        row = rows[int(r["account"])]
        if "x_km" in row:
            assert (r["km_x"], r["km_y"]) == (row["x_km"], row["y_km"])
            zone = "north" if math.dist((row["x_km"], row["y_km"]), (0, 10)) < math.dist(
                (row["x_km"], row["y_km"]), (0, -10)) else "south"
        elif "postcode" in row:
            centre = {"20121": (1.0, 11.0), "00184": (-1.0, -9.0)}[row["postcode"]]
            assert (r["km_x"], r["km_y"]) == centre
            zone = "north" if row["postcode"] == "20121" else "south"
        else:
            continue
        checked += 1
        assert int(r["agent"]) in ((0, 1) if zone == "north" else (2,))
    assert checked > 100
    np.testing.assert_array_equal(s.field_team_visits.sum(axis=1), s.field_visits)


def test_each_team_pays_its_own_shifts_and_kilometres(mixed: RunResult) -> None:
    s = mixed.strategy
    assert s is not None
    italy = holidays.country_holidays("IT", years=[2026])
    working = np.array([(START + timedelta(days=d)).weekday() != 6 and START + timedelta(days=d) not in italy
                        for d in range(14)])
    np.testing.assert_allclose(s.field_team_cost[:, 0], working * 2 * 8 * 20 + s.field_team_km[:, 0] * 0.30)
    np.testing.assert_allclose(s.field_team_cost[:, 1], working * 1 * 9 * 25 + s.field_team_km[:, 1] * 0.50)
    np.testing.assert_allclose(s.field_cost, s.field_team_cost.sum(axis=1))


# --------------------------------------------------------------------------------------------
# A broken planner is caught
# --------------------------------------------------------------------------------------------


def broken_run(monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]], name: str, fake: Any) -> RunResult:
    monkeypatch.setattr(FieldTeam, name, fake)
    return run(field_scenario(FIELD, REPEAT, rows[:300], horizon_days=10), SEED, record_calls=True)


@pytest.mark.parametrize("broken", ["center_clock", "no_frequency_cap", "no_debtor_holidays"])
def test_a_broken_planner_is_caught_by_the_auditor_and_the_check(monkeypatch: pytest.MonkeyPatch,
                                                                 rows: list[dict[str, Any]], broken: str) -> None:
    window = FieldTeam.window

    def forgetful(self: FieldTeam, a: int, day: int, team: int) -> Any:
        self.visit_days.clear()
        return window(self, a, day, team)

    def no_holidays(self: FieldTeam, a: int, day: int, team: int) -> Any:
        self.rest_days = [set() for _ in self.rest_days]
        return window(self, a, day, team)

    fake, rule = {"center_clock": (lambda self, a, day: 0.0, "hours"),
                  "no_frequency_cap": (forgetful, "frequency"),
                  "no_debtor_holidays": (no_holidays, "holiday")}[broken]
    result = broken_run(monkeypatch, rows, "offset" if broken == "center_clock" else "window", fake)
    s = result.strategy
    assert s is not None and s.field_log is not None
    audited = dict(zip(FIELD_RULES, s.field_violations.tolist(), strict=True))
    assert audited[rule] > 0
    assert rule_breaks(s.field_log, rows) == audited


# --------------------------------------------------------------------------------------------
# Selection and priority
# --------------------------------------------------------------------------------------------


def one_week(selection: dict[str, Any], rows: list[dict[str, Any]]) -> RunResult:
    italians = [{**r, "timezone": "Europe/Rome", "region": "IT"} for r in rows]
    field = {**FIELD, "weekly_budget": 20, "selection": selection, "by_region": {}}
    once = [{"name": "visit", "steps": [{"kind": "visit"}]}]
    return run(field_scenario(field, once, italians, horizon_days=7, start=date(2026, 1, 12)), SEED,
               record_calls=True)


@pytest.mark.parametrize("priority", ["balance", "queue"])
def test_the_weeks_budget_goes_to_the_first_accounts_by_priority(rows: list[dict[str, Any]], priority: str) -> None:
    some = rows[:200]
    s = one_week({"priority": priority, "balance_min": 1000, "dpd_min": 60}, some).strategy
    assert s is not None and s.field_log is not None
    eligible = [i for i, r in enumerate(some) if r["balance"] >= 1000 and r["dpd"] >= 60]
    assert len(eligible) < len(some)
    if priority == "balance":
        eligible.sort(key=lambda i: -some[i]["balance"])
    assert sorted(int(a) for a in s.field_log["account"]) == sorted(eligible[:20])


# --------------------------------------------------------------------------------------------
# Scenario checks, files and a save and load
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"agents": {"count": 3}}, "either agents"),
    ({"teams": [{**TEAMS[0], "zones": ["north"]}]}, r"zone\(s\) \['south'\] are in no team"),
    ({"teams": [{**TEAMS[0]}, {**TEAMS[1], "zones": ["north"]}]}, "teams 'north' and 'south'"),
    ({"by_region": {"GB": {**GB_RULES, "days": ["sat", "sun"]}}}, "Sundays"),
    ({"by_region": {"XX": GB_RULES}}, "by_region"),
    ({"postcodes": [{"code": "1", "zone": "east", "centre_km": [0, 0]}]}, "zone 'east'"),
    ({"nobody_home_by_hour": [{"start": "09:00", "end": "12:00", "factor": 2},
                              {"start": "11:00", "end": "13:00", "factor": 2}]}, "overlap"),
])
def test_field_mistakes_name_the_fix(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        FieldVisits.model_validate({**FIELD, **change})


def test_the_single_team_form_still_holds() -> None:
    spec = FieldVisits.model_validate({"agents": {"count": 3}})
    (team,) = spec.groups()
    assert (team.name, team.count, team.zones) == ("field", 3, ())
    assert spec.team_of_zone() == [0]


def test_teams_rules_and_bands_survive_a_save_and_load(rows: list[dict[str, Any]]) -> None:
    spec = field_scenario({**FIELD, "outcomes_by_segment": {"late": {"nobody_home": 0.3}}}, REPEAT, rows[:20])
    again = scenario_from_mapping(tomllib.loads(scenario_to_toml(spec)), "<again>")
    assert again.strategy.field == spec.strategy.field
    assert again.outbound.portfolio.imported == spec.outbound.portfolio.imported
    assert again.content_hash() == spec.content_hash()


def test_an_unknown_segment_or_postcode_is_refused(rows: list[dict[str, Any]]) -> None:
    with pytest.raises(Exception, match=r"segment\(s\) \['vip'\]"):
        field_scenario({**FIELD, "outcomes_by_segment": {"vip": {}}}, REPEAT, rows[:10])
    bad = [{**rows[0], "postcode": "99999"}, *rows[1:10]]
    with pytest.raises(Exception, match=r"imported\[0\] \(account A0000\): postcode '99999'"):
        field_scenario(FIELD, REPEAT, bad)


def test_a_portfolio_file_brings_coordinates_and_postcodes(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("account_id,balance,dpd,segment,x_km,y_km,cap\n"
                    "a1,100,30,early,1.5,-2,\n"
                    "a2,200,40,late,,,20121\n"
                    "a3,300,50,mid,,,\n")
    table = read_portfolio(path, postcodes=["20121"])
    assert table[0].x_km == 1.5 and table[0].y_km == -2.0 and table[1].postcode == "20121"
    assert table[2].x_km is None and table[2].postcode == "" and table.has_places()
    (tmp_path / "s.toml").write_text(_field_toml())
    loaded = load_scenario(tmp_path / "s.toml")
    assert loaded.outbound.portfolio.imported == table


def _field_toml() -> str:
    lines = scenario_to_toml(scenario(None)).replace('file = ""', 'file = "p.csv"', 1)
    return lines + ("\n[strategy]\nenabled = true\n[[strategy.paths]]\nname = \"v\"\n"
                    "steps = [{ kind = \"visit\" }]\n[strategy.field]\n"
                    "postcodes = [{ code = \"20121\", zone = \"city\", centre_km = [1, 1] }]\n")


@pytest.mark.parametrize(("body", "where"), [
    ("a1,100,30,early,east,2,\n", 'row 2, column "x_km": "east" is not a number'),
    ("a1,100,30,early,1.5,,\n", 'row 2, column "y_km": is empty but x_km is given'),
    ("a1,100,30,early,,,99999\n", 'row 2, column "cap": "99999" is not in the zone table'),
])
def test_a_bad_place_names_the_row_and_column(tmp_path: Path, body: str, where: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text("account_id,balance,dpd,segment,x_km,y_km,cap\n" + body)
    with pytest.raises(PortfolioError) as caught:
        read_portfolio(path, postcodes=["20121"])
    assert where in str(caught.value.lines())
