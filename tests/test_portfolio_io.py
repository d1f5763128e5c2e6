"""Portfolio files: CSV/XLSX round trips, separators and decimal commas, precise errors, the scenario hook.

Also an end-to-end run: the dialer calls exactly the imported accounts and places the file's balance.
"""

from __future__ import annotations

import copy
import csv
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from wfm.scenario import NO_ACCOUNTS, AccountTable, Scenario
from wfm.scenario.io import (
    ScenarioError,
    default_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_from_mapping,
    scenario_to_toml,
)
from wfm.scenario.outbound import ImportedAccount
from wfm.scenario.portfolio_file import MAX_PROBLEMS, PortfolioError, parse_number, read_portfolio
from wfm.sim import run
from wfm.sim.outbound.accounts import build_portfolio
from wfm.sweep import vary

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
SEGMENTS = ["early", "mid", "late"]

ACCOUNTS = (
    ImportedAccount(account_id="A-001", balance=1250.5, dpd=45, segment="early", phones=2, timezone="Europe/Rome"),
    ImportedAccount(account_id="A-002", balance=80.0, dpd=0, segment="mid"),
    ImportedAccount(account_id="A-003", balance=12_345.67, dpd=1200, segment="late", phones=3,
                    timezone="America/Bogota"),
    ImportedAccount(account_id="0042", balance=0.01, dpd=7, segment="early", phones=1, timezone="UTC+01:00"),
)
HEADER = ["account_id", "balance", "dpd", "segment", "phones", "timezone"]


def as_row(a: ImportedAccount) -> list[object]:
    return [a.account_id, a.balance, a.dpd, a.segment, a.phones, a.timezone]


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Accounts", before: str = "") -> Path:
    book = openpyxl.Workbook()
    if before:
        book.active.title = before
        book.active.append(["not", "the", "accounts"])
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def problems_of(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(PortfolioError) as info:
        read_portfolio(path, segments=SEGMENTS, **kwargs)
    return info.value.lines()


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(as_row(a) for a in ACCOUNTS)
    assert read_portfolio(path, segments=SEGMENTS) == ACCOUNTS


def test_xlsx_round_trip_first_sheet_and_named_sheet(tmp_path: Path) -> None:
    rows = [HEADER] + [as_row(a) for a in ACCOUNTS]
    first = write_xlsx(tmp_path / "first.xlsx", rows)
    assert read_portfolio(first, segments=SEGMENTS) == ACCOUNTS
    named = write_xlsx(tmp_path / "named.xlsx", rows, sheet="Accounts", before="Notes")
    assert read_portfolio(named, sheet="Accounts", segments=SEGMENTS) == ACCOUNTS


def test_xlsx_numeric_ids_text_amounts_and_blank_optional_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", [
        ["Account Number", "Outstanding", "Days Overdue", "Risk Segment", "Phone Count", "TZ", "Debtor name"],
        [1001, "1,250.50", 45.0, "Early", None, None, "Rossi"],
        [None, None, None, None, None, None, None],
        [1002.0, 99, 3, "LATE", 2, "Europe/London", "Bianchi"],
    ])
    assert read_portfolio(path, segments=SEGMENTS) == (
        ImportedAccount(account_id="1001", balance=1250.5, dpd=45, segment="early"),
        ImportedAccount(account_id="1002", balance=99.0, dpd=3, segment="late", phones=2, timezone="Europe/London"),
    )


def test_semicolon_bom_and_decimal_comma(tmp_path: Path) -> None:
    # What Excel writes in an Italian locale: BOM, ';' separator, '.' thousands, ',' decimals.
    text = ("Account;Amount Due;DPD;Segment\r\n"
            "A1;1.250,50;45;early\r\nA2;1250,50;12;mid\r\nA3;€ 80;0;late\r\nA4;1.234.567;9;late\r\n")
    path = write_text(tmp_path / "export.csv", "\ufeff" + text)
    accounts = read_portfolio(path, segments=SEGMENTS)
    assert [(a.account_id, a.balance) for a in accounts] == [
        ("A1", 1250.5), ("A2", 1250.5), ("A3", 80.0), ("A4", 1_234_567.0)]


def test_comma_separated_thousands_quoted_and_excel_sep_line(tmp_path: Path) -> None:
    comma = write_text(tmp_path / "us.csv", 'id,balance,dpd,segment\nA1,"1,250.50",45,early\nA2,7.5,1,mid\n')
    assert [a.balance for a in read_portfolio(comma, segments=SEGMENTS)] == [1250.5, 7.5]
    # Excel's "sep=;" hint line is hidden by Excel, so the header is still row 1 in messages.
    hinted = write_text(tmp_path / "hint.csv", "sep=;\nid;balance;dpd;segment\nA1;12,5;45;early\nA2;x;1;mid\n")
    assert problems_of(hinted) == [
        'hint.csv row 3, column "balance": "x" is not a number; write amounts like 1250,50 or 1.250,50']


def test_tab_separated_utf16_and_windows_1252(tmp_path: Path) -> None:
    utf16 = write_text(tmp_path / "unicode.txt", "id\tbalance\tdpd\tsegment\nÀ1\t10.5\t3\tearly\n", "utf-16")
    assert read_portfolio(utf16, segments=SEGMENTS) == (ImportedAccount(
        account_id="À1", balance=10.5, dpd=3, segment="early"),)
    ansi = write_text(tmp_path / "ansi.csv", "id;balance;dpd;segment\nCittà-1;10,5;3;early\n", "cp1252")
    assert read_portfolio(ansi, segments=SEGMENTS)[0].account_id == "Città-1"


@pytest.mark.parametrize(("text", "comma", "value"), [
    ("1250.50", False, 1250.5), ("1,250.50", False, 1250.5), ("1 250.50", False, 1250.5), ("$1,000", False, 1000),
    ("1.250,50", True, 1250.5), ("1250,50", True, 1250.5), ("1.250", True, 1250), ("1\u00a0250,5 €", True, 1250.5),
    ("-3", True, -3), ("0,01", True, 0.01),
])
def test_parse_number_accepts(text: str, comma: bool, value: float) -> None:
    assert parse_number(text, decimal_comma=comma) == value


@pytest.mark.parametrize(("text", "comma"), [
    ("12,50", False), ("1,25", False), ("1250.50", True), ("12.50", True), ("1.2.3", True), ("1,2,3", False),
    ("", False), ("abc", False), ("1e3", False), ("12,5x", True),
])
def test_parse_number_rejects_what_the_file_rule_does_not_allow(text: str, comma: bool) -> None:
    with pytest.raises(ValueError):
        parse_number(text, decimal_comma=comma)


# --------------------------------------------------------------------------------------------
# Malformed files: each message names the file, the row and column, the value and the fix
# --------------------------------------------------------------------------------------------

GOOD = "account_id,balance,dpd,segment,phones,timezone\nA1,100.00,30,early,1,\n"

BAD_CSV: dict[str, tuple[str, list[str]]] = {
    "amount with letters": (
        GOOD + "A2,12.50x,30,early,1,\n",
        ['p.csv row 3, column "balance": "12.50x" is not a number; write amounts like 1250.50'],
    ),
    "decimal comma in a decimal-point file": (
        GOOD + 'A2,"12,50",30,early,1,\n',
        ['p.csv row 3, column "balance": "12,50" is not a number; this file uses the decimal point, so write 12.50'
         ' (or separate the columns with ; to use decimal commas)'],
    ),
    "unquoted decimal comma splits the row": (
        GOOD + "A2,12,50,30,early,1,\n",
        ['p.csv row 3: has 7 values but the header has 6 columns; a decimal comma in a comma-separated file splits'
         ' the number in two: quote it ("1250,50") or separate the columns with ;'],
    ),
    "decimal point in a semicolon file": (
        "id;balance;dpd;segment\nA1;1250.50;30;early\n",
        ['p.csv row 2, column "balance": "1250.50" is not a number; this ;-separated file uses the decimal comma,'
         ' so write 1250,50 (or separate the columns with , to keep decimal points)'],
    ),
    "zero and negative balances": (
        GOOD + "A2,0,30,early,1,\nA3,-20,30,early,1,\n",
        ['p.csv row 3, column "balance": "0" is not above 0; leave settled or credit accounts out of the file',
         'p.csv row 4, column "balance": "-20" is not above 0; leave settled or credit accounts out of the file'],
    ),
    "fractional and negative days past due": (
        GOOD + "A2,10,12.5,early,1,\nA3,10,-3,early,1,\n",
        ['p.csv row 3, column "dpd": "12.5" is not a whole number of days; write days past due like 120',
         'p.csv row 4, column "dpd": "-3" is negative; days past due are 0 or more'],
    ),
    "phone counts out of range": (
        GOOD + "A2,10,1,early,0,\nA3,10,1,early,11,\nA4,10,1,early,two,\n",
        ['p.csv row 3, column "phones": "0" is not a phone count; give 1 to 10 numbers per account',
         'p.csv row 4, column "phones": "11" is not a phone count; give 1 to 10 numbers per account',
         'p.csv row 5, column "phones": "two" is not a whole number; give how many phone numbers the account has,'
         ' 1 to 10'],
    ),
    "unknown segment": (
        GOOD + "A2,10,1,vip,1,\n",
        ['p.csv row 3, column "segment": "vip" is not a segment of the scenario; use one of "early", "mid", "late",'
         ' or add it to outbound.portfolio.segments'],
    ),
    "unknown time zone": (
        GOOD + "A2,10,1,early,1,Europe/Milano\n",
        ['p.csv row 3, column "timezone": "Europe/Milano" is not a time zone; use an IANA name such as'
         ' "Europe/Rome" or an offset such as "UTC+01:00", or leave it empty for the center\'s'],
    ),
    "duplicate account ids": (
        GOOD + "A2,10,1,early,1,\nA1,10,1,early,1,\n",
        ['p.csv row 4, column "account_id": "A1" is already the id of row 2; give each account its own id'],
    ),
    "empty required cells": (
        GOOD + ",10,1,,1,\n",
        ['p.csv row 3, column "account_id": is empty; give every account its own id',
         'p.csv row 3, column "segment": is empty; give the account\'s risk segment (one of "early", "mid",'
         ' "late")'],
    ),
    "missing required columns": (
        "Account,Amount,Region\nA1,10,North\n",
        ['p.csv row 1: has no "dpd" column (also accepted: days_past_due, days_overdue, days_in_arrears); the'
         ' header row has "Account", "Amount", "Region"',
         'p.csv row 1: has no "segment" column (also accepted: risk_segment, segment_name); the header row has'
         ' "Account", "Amount", "Region"'],
    ),
    "one column: unknown separator": (
        "account_id|balance|dpd|segment\nA1|10|1|early\n",
        ['p.csv row 1: has no "account_id" column (also accepted: account, id, account_number, account_no,'
         ' acct_id); the header row has "account_id|balance|dpd|segment" (only one column was found: is the file'
         ' separated by something other than "," or ";"?)'] + [
            f'p.csv row 1: has no "{f}" column (also accepted: {a}); the header row has'
            ' "account_id|balance|dpd|segment" (only one column was found: is the file separated by something'
            ' other than "," or ";"?)'
            for f, a in (("balance", "amount_due, balance_due, outstanding, outstanding_balance, amount"),
                         ("dpd", "days_past_due, days_overdue, days_in_arrears"),
                         ("segment", "risk_segment, segment_name"))],
    ),
    "two columns for one field": (
        "id,account_id,balance,dpd,segment\n1,A1,10,1,early\n",
        ['p.csv row 1, column "account_id": repeats the account_id given by column "id"; keep one of them or'
         ' rename the other'],
    ),
    "empty file": (
        "\ufeff\n\n",
        ["p.csv: is empty; its first row must name the columns account_id, balance, dpd, segment (optional:"
         " phones, timezone), with one account per row below"],
    ),
    "header only": (
        "account_id;balance;dpd;segment\n;;;\n",
        ["p.csv: has a header row but no accounts; add one row per account below it"],
    ),
    "unbalanced quote": (
        GOOD + 'A2,"10,1,early,1,\n',
        ['p.csv row 3, column "balance": "10,1,early,1," is not a number; write amounts like 1250.50',
         'p.csv row 3, column "dpd": is empty; give the days past due, like 120',
         'p.csv row 3, column "segment": is empty; give the account\'s risk segment (one of "early", "mid",'
         ' "late")'],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_malformed_csv_is_reported_precisely(tmp_path: Path, case: str) -> None:
    text, expected = BAD_CSV[case]
    assert problems_of(write_text(tmp_path / "p.csv", text)) == expected


def test_every_bad_row_is_reported_up_to_the_cap(tmp_path: Path) -> None:
    rows = "".join(f"B{i},oops,1,early,1,\n" for i in range(MAX_PROBLEMS + 10))
    lines = problems_of(write_text(tmp_path / "p.csv", GOOD + rows))
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == 'p.csv row 3, column "balance": "oops" is not a number; write amounts like 1250.50'
    assert lines[MAX_PROBLEMS - 1].startswith(f"p.csv row {MAX_PROBLEMS + 2}, ")
    assert lines[-1] == "and 10 more problem(s) in p.csv; fix the ones above and load again"


def test_bad_xlsx_cells_name_the_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", [
        ["ID", "Balance", "DPD", "Segment"],
        ["A1", "12,50", 3, "early"],
        ["A2", True, 4.5, "early"],
    ], sheet="Accounts", before="Notes")
    assert problems_of(path, sheet="Accounts") == [
        'book.xlsx sheet "Accounts", row 2, column "Balance": "12,50" is not a number; this file uses the decimal'
        ' point, so write 12.50 or store the amount as a number cell',
        'book.xlsx sheet "Accounts", row 3, column "Balance": "True" is not a number; write amounts like 1250.50',
        'book.xlsx sheet "Accounts", row 3, column "DPD": "4.5" is not a whole number of days; write days past due'
        ' like 120',
    ]
    assert problems_of(path, sheet="Portfolio") == [
        'book.xlsx sheet "Portfolio": does not exist; the workbook\'s sheets are "Notes", "Accounts": set'
        ' outbound.portfolio.sheet to one of them']


def test_wrong_kinds_of_file(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "real.xlsx", [HEADER])
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(xlsx.read_bytes())
    assert problems_of(renamed) == ["renamed.csv: is an Excel workbook (XLSX) with a .csv name; rename it to .xlsx"]
    text_as_xlsx = write_text(tmp_path / "text.xlsx", GOOD)
    assert problems_of(text_as_xlsx) == [
        "text.xlsx: is not an XLSX workbook; it looks like text: if it is CSV, rename it to .csv; save the portfolio"
        " from Excel as .xlsx or CSV"]
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert problems_of(legacy) == [
        "old.xls: is a legacy Excel .xls workbook; open it in Excel and save it as .xlsx or CSV"]
    binary = tmp_path / "blob.csv"
    binary.write_bytes(b"id,balance\x00\x01\x02")
    assert problems_of(binary) == [
        "blob.csv: is not a text file (it holds binary data); export the portfolio from Excel as CSV"]
    other = write_text(tmp_path / "p.json", "{}")
    assert problems_of(other) == [
        'p.json: is not a CSV or XLSX file (extension ".json"); export the portfolio from Excel as .csv or .xlsx']
    assert problems_of(write_text(tmp_path / "portfolio", GOOD)) == [
        "portfolio: is not a CSV or XLSX file (no extension); export the portfolio from Excel as .csv or .xlsx"]
    missing = tmp_path / "nowhere.csv"
    assert problems_of(missing) == [
        f"nowhere.csv: not found (looked for {missing}); check the name, and that a relative path starts from the"
        " scenario's folder"]
    assert problems_of(write_text(tmp_path / "p.csv", GOOD), sheet="Accounts") == [
        'p.csv: is a CSV file, which has no sheets; clear outbound.portfolio.sheet ("Accounts")']


# --------------------------------------------------------------------------------------------
# Scenario hook: load, conflicts, saving
# --------------------------------------------------------------------------------------------

SCENARIO = """
name = "Imported"

[inbound]
enabled = false

[[groups]]
name = "Team"
kind = "outbound"

[[groups.shifts]]
start = "09:00"
length_h = 8
headcount = 2

[outbound]
enabled = true

[outbound.portfolio]
file = "{file}"
"""


def scenario_dir(tmp_path: Path, file: str = "data/accounts.csv", extra: str = "") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    with (tmp_path / "data" / "accounts.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(as_row(a) for a in ACCOUNTS)
    return write_text(tmp_path / "scenario.toml", SCENARIO.format(file=file) + extra)


def problem_lines(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def test_load_reads_the_file_relative_to_the_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = scenario_dir(tmp_path)
    monkeypatch.chdir(REPO)  # the working folder must not matter
    scenario = load_scenario(path)
    assert scenario.outbound.portfolio.imported == ACCOUNTS
    assert scenario.outbound.portfolio.file == "data/accounts.csv"
    assert scenario.outbound.portfolio.size == len(ACCOUNTS)
    text = path.read_text(encoding="utf-8")
    assert parse_scenario(text, "s.toml", base_dir=tmp_path) == scenario


def test_xlsx_sheet_from_the_scenario(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "book.xlsx", [HEADER] + [as_row(a) for a in ACCOUNTS], sheet="Accounts", before="Notes")
    path = write_text(tmp_path / "s.toml", SCENARIO.format(file="book.xlsx") + 'sheet = "Accounts"\n')
    assert load_scenario(path).outbound.portfolio.imported == ACCOUNTS


def test_file_and_inline_accounts_conflict(tmp_path: Path) -> None:
    inline = ('imported = [{ account_id = "X", balance = 10.0, dpd = 1, segment = "early" }]\n')
    assert problem_lines(scenario_dir(tmp_path, extra=inline)) == [
        "outbound.portfolio.file: 'data/accounts.csv' is given together with an inline outbound.portfolio.imported"
        " list; keep one: remove `imported` to read the file, or clear `file` to use the inline accounts"]


def test_missing_file_and_other_problems_are_reported_together(tmp_path: Path) -> None:
    path = scenario_dir(tmp_path, file="data/nope.csv")
    path.write_text(path.read_text().replace("headcount = 2", "headcount = -2"), encoding="utf-8")
    assert problem_lines(path) == [
        f"outbound.portfolio.file: nope.csv: not found (looked for {tmp_path / 'data' / 'nope.csv'}); check the"
        " name, and that a relative path starts from the scenario's folder",
        "groups[0].shifts[0].headcount: -2 is not valid: input should be greater than or equal to 0",
    ]


def test_bad_rows_become_scenario_problems(tmp_path: Path) -> None:
    path = scenario_dir(tmp_path, extra='segments = [{ name = "early", share = 1.0 }]\n')
    assert problem_lines(path) == [
        f'outbound.portfolio.file: accounts.csv row {r}, column "segment": "{s}" is not a segment of the'
        ' scenario; use one of "early", or add it to outbound.portfolio.segments'
        for r, s in ((3, "mid"), (4, "late"))]


def test_text_without_a_folder_cannot_import(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(SCENARIO.format(file="accounts.csv"), "pasted.toml")
    assert [str(p) for p in info.value.problems] == [
        "outbound.portfolio.file: 'accounts.csv' is a portfolio file, but this scenario text has no folder to find"
        " it in; load the scenario file with load_scenario(path), or pass base_dir= to parse_scenario"]


def test_a_file_that_was_never_read_is_refused() -> None:
    data = default_scenario().model_dump(mode="json")
    data["outbound"]["portfolio"]["file"] = "accounts.csv"
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping(data)
    assert [str(p) for p in info.value.problems] == [
        "outbound.portfolio: file 'accounts.csv' is set but no accounts were read from it; load the scenario with"
        " wfm.scenario.io.load_scenario (which reads the file) or clear `file`"]


def test_saving_writes_the_file_name_not_the_accounts(tmp_path: Path) -> None:
    scenario = load_scenario(scenario_dir(tmp_path))
    text = scenario_to_toml(scenario)
    assert 'file = "data/accounts.csv"' in text
    assert "imported" not in text and "A-003" not in text
    copy = save_scenario(scenario, tmp_path / "copy.toml")
    assert load_scenario(copy) == scenario
    # Saved in another folder, the relative path is rewritten to still find the same file.
    elsewhere = save_scenario(scenario, tmp_path / "plans" / "q3" / "copy.toml", source_dir=tmp_path)
    assert 'file = "../../data/accounts.csv"' in elsewhere.read_text(encoding="utf-8")
    assert load_scenario(elsewhere).outbound.portfolio.imported == ACCOUNTS


def test_inline_accounts_are_still_saved_inline() -> None:
    data = default_scenario().model_dump(mode="json")
    data["outbound"]["portfolio"]["imported"] = [a.model_dump() for a in ACCOUNTS]
    scenario = scenario_from_mapping(data)
    assert parse_scenario(scenario_to_toml(scenario)) == scenario


def test_shipped_example_is_reproducible_and_loads(tmp_path: Path) -> None:
    out = tmp_path / "again.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_portfolio_example.py"), "--out", str(out)],
                   check=True)
    assert out.read_bytes() == (SCENARIOS / "portfolio_example.csv").read_bytes()
    scenario = load_scenario(SCENARIOS / "imported_portfolio.toml")
    accounts = scenario.outbound.portfolio.imported
    assert len(accounts) == 2_000 and len({a.account_id for a in accounts}) == 2_000
    with out.open(newline="", encoding="utf-8") as handle:
        total = sum(float(row["balance"]) for row in csv.DictReader(handle))
    assert sum(a.balance for a in accounts) == pytest.approx(total, rel=1e-12)


# --------------------------------------------------------------------------------------------
# The accounts table: read once, shared by reference, compact to pickle, equal by content
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Scenario:
    return load_scenario(SCENARIOS / "imported_portfolio.toml")


def with_accounts(scenario: Scenario, table: AccountTable, file: str = "") -> Scenario:
    portfolio = scenario.outbound.portfolio.model_copy(update={"imported": table, "file": file})
    return scenario.model_copy(update={"outbound": scenario.outbound.model_copy(update={"portfolio": portfolio})})


def test_copies_and_revalidated_edits_share_the_one_table(shipped: Scenario) -> None:
    table = shipped.outbound.portfolio.imported
    assert isinstance(table, AccountTable) and len(table) == 2_000
    assert shipped.model_copy(update={"name": "Renamed"}).outbound.portfolio.imported is table
    assert copy.deepcopy(shipped).outbound.portfolio.imported is table
    assert pickle.loads(pickle.dumps(shipped)).outbound.portfolio.imported is not table  # another process
    # The scenario dumped to a dict, deep-copied, edited and validated again (the editor's and vary's way).
    data = copy.deepcopy(shipped.model_dump(mode="python"))
    assert data["outbound"]["portfolio"]["imported"] is table
    data["outbound"]["dialer"]["gain"] = 0.2
    edited = scenario_from_mapping(data)
    assert edited.outbound.dialer.gain == 0.2 and edited.outbound.portfolio.imported is table
    assert vary(shipped, {"outbound.dialer.gain": 0.3}).outbound.portfolio.imported is table


def test_the_gui_editor_keeps_the_table_while_editing(qtbot, shipped: Scenario) -> None:
    from wfm.gui.editor import ScenarioEditor
    from wfm.gui.sections import SECTION_TABS

    editor = ScenarioEditor(SECTION_TABS, shipped)
    qtbot.addWidget(editor)
    table = shipped.outbound.portfolio.imported
    editor.set_value(("outbound", "dialer", "gain"), 0.25)
    editor.set_value(("name",), "Edited twice")
    scenario = editor.scenario
    assert scenario is not None and scenario.name == "Edited twice" and scenario.outbound.dialer.gain == 0.25
    assert scenario.outbound.portfolio.imported is table


def test_a_pickled_scenario_carries_the_accounts_as_flat_columns(shipped: Scenario) -> None:
    table = shipped.outbound.portfolio.imported
    extra = len(pickle.dumps(shipped)) - len(pickle.dumps(with_accounts(shipped, NO_ACCOUNTS)))
    id_bytes = sum(len(a.encode()) for a in table.account_id.tolist())
    # At most the widest columns: float64 balance, int64 dpd and phones, int32 segment and zone
    # codes, int32 id length, plus the ids' text and a little framing. One pydantic object per
    # account took about 100 bytes per row more.
    per_row = 8 + 8 + 8 + 4 + 4 + 4
    assert extra <= len(table) * per_row + id_bytes + 2_048
    again = pickle.loads(pickle.dumps(shipped))
    restored = again.outbound.portfolio.imported
    assert again == shipped and restored.digest == table.digest
    assert restored.records() == table.records()
    assert not restored.balance.flags.writeable and not restored.account_id.flags.writeable


def test_the_table_cannot_be_changed(shipped: Scenario) -> None:
    table = shipped.outbound.portfolio.imported
    with pytest.raises(ValueError, match="read-only"):
        table.balance[0] = 1.0
    with pytest.raises(AttributeError, match="immutable"):
        table.balance = np.ones(len(table))


@pytest.mark.parametrize(("columns", "message"), [
    ((["A", "B"], [10.0, 0.0], [1, 2], ["early", "late"]),
     "imported[1] (account B): balance 0.0 is not a number above 0"),
    ((["A"], [10.0], [-1], ["early"]), "imported[0] (account A): dpd -1 is negative"),
    ((["A"], [10.0], [1], ["early"], [300]), "imported[0] (account A): phones 300 is not a phone count from 1 to 10"),
    ((["A", "B"], [10.0], [1, 2], ["early", "late"]), "column balance has 1 rows but account_id has 2"),
])
def test_a_table_checks_its_rows_once_when_made(columns: tuple[list[object], ...], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        AccountTable.from_columns(*columns)


@pytest.mark.parametrize("change", [
    {"account_id": "A-009"}, {"balance": 1250.51}, {"dpd": 46}, {"segment": "mid"}, {"phones": 3},
    {"timezone": "Europe/Paris"},
])
def test_tables_are_equal_by_content(tmp_path: Path, change: dict[str, object]) -> None:
    table = AccountTable.from_accounts(ACCOUNTS)
    with (tmp_path / "a.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER] + [as_row(a) for a in ACCOUNTS])
    read = read_portfolio(tmp_path / "a.csv", segments=SEGMENTS)
    assert read is not table and read == table and hash(read) == hash(table)
    assert table == ACCOUNTS and table.records() == [a.model_dump() for a in ACCOUNTS]
    changed = AccountTable.from_accounts([ACCOUNTS[0].model_copy(update=change), *ACCOUNTS[1:]])
    assert changed != table and changed.digest != table.digest
    base = default_scenario()
    one, same, other = (with_accounts(base, t) for t in (table, read, changed))
    assert one == same and one.content_hash() == same.content_hash()
    assert one != other and one.content_hash() != other.content_hash()


def test_row_order_is_content() -> None:
    table = AccountTable.from_accounts(ACCOUNTS)
    swapped = AccountTable.from_accounts([ACCOUNTS[1], ACCOUNTS[0], *ACCOUNTS[2:]])
    assert swapped != table and sorted(swapped.records(), key=str) == sorted(table.records(), key=str)


def test_the_dialer_reads_the_table_as_its_rows_say(shipped: Scenario) -> None:
    spec, calendar = shipped.outbound.portfolio, shipped.calendar
    arrays = build_portfolio(spec, calendar, np.random.default_rng(1))
    rows = list(spec.imported)
    names = [s.name for s in spec.segments]
    zone_of = [a.timezone or calendar.timezone for a in rows]
    zones = sorted(set(zone_of))
    assert len(zones) > 1 and arrays.tz_names == tuple(zones)
    np.testing.assert_array_equal(arrays.segment, [names.index(a.segment) for a in rows])
    np.testing.assert_array_equal(arrays.balance, [a.balance for a in rows])
    np.testing.assert_array_equal(arrays.dpd, [a.dpd for a in rows])
    np.testing.assert_array_equal(arrays.phones, [a.phones for a in rows])
    np.testing.assert_array_equal(arrays.tz, [zones.index(z) for z in zone_of])
    assert arrays.balance.flags.writeable  # the run's own copy, never the shared table


# --------------------------------------------------------------------------------------------
# End to end: the dialer works the imported accounts
# --------------------------------------------------------------------------------------------

TINY = """
name = "Tiny imported campaign"

[calendar]
start_date = 2026-01-05
horizon_days = 1
timezone = "Europe/Rome"

[calendar.opening_hours]
mon = {{ open = "08:00", close = "20:00" }}

[inbound]
enabled = false

[[groups]]
name = "Collections"
kind = "outbound"
absence_rate = 0

[[groups.shifts]]
days = ["mon"]
start = "08:00"
length_h = 12
headcount = 3

[outbound]
enabled = true

[outbound.portfolio]
file = "tiny.csv"
invalid_number_share = 0
do_not_call_share = 0
segments = [{{ name = "early", share = 0.5 }}, {{ name = "late", share = 0.5 }}]

[outbound.dialer]
mode = "progressive"

[outbound.compliance]
windows = {{ mon = {{ start = "08:00", end = "21:00" }} }}

[run]
replications = 1
seed = {seed}
"""


def test_run_dials_exactly_the_imported_accounts(tmp_path: Path) -> None:
    zones = ["", "Europe/London", "America/Bogota"]
    with (tmp_path / "tiny.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Account ID", "Amount Due", "Days Past Due", "Segment", "Phone Count", "TZ"])
        for i in range(24):
            writer.writerow([f"T{i:02d}", f"{100 + 37.25 * i:.2f}".replace(".", ","), 10 * i,
                             "early" if i % 2 else "late", 1 + i % 3, zones[i % 3]])
    path = write_text(tmp_path / "tiny.toml", TINY.format(seed=7))
    scenario = load_scenario(path)
    accounts = scenario.outbound.portfolio.imported
    result = run(scenario, seed=7, record_calls=True)
    out = result.outbound
    assert out is not None and out.log is not None
    dialed = {accounts[int(i)].account_id for i in out.log.account}
    assert dialed == {f"T{i:02d}" for i in range(24)}
    assert out.accounts == 24
    expected_total = sum(100 + 37.25 * i for i in range(24))
    assert out.balance_placed == pytest.approx(expected_total, rel=1e-12)
    assert out.segments.names == ("early", "late")
    assert list(out.segments.accounts) == [12, 12]
    # The file's time zones reach the dialer: every attempt lies in the local 08:00-21:00 window,
    # and Bogota (6 h behind Rome) cannot be reached before 14:00 center time.
    assert np.all((out.log.local_s >= 8 * 3600) & (out.log.local_s < 21 * 3600))
    bogota = np.array([accounts[int(i)].timezone == "America/Bogota" for i in out.log.account])
    assert bogota.any() and np.all(out.log.time[bogota] >= 14 * 3600)
