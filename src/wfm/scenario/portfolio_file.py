"""Reading a debtor portfolio file (CSV or XLSX) into an `AccountTable`.

A planner's export from the collections system becomes the outbound portfolio. The file is
read once, at scenario load (`wfm.scenario.io.load_scenario`), so the simulation core never
touches files; its accounts become one immutable table that every copy of the scenario
shares. Every problem found is reported, each naming the file, the row as the spreadsheet
shows it (header = row 1), the column as written in the header, the bad value and the fix.

Columns are found by header name, case-insensitively; spaces, hyphens, dots and slashes count
as underscores ("Days Past Due" = days_past_due). Other columns are ignored. Accepted names:

    account_id (required): account_id, account, id, account_number, account_no, acct_id
    balance    (required): balance, amount_due, balance_due, outstanding, outstanding_balance, amount
    dpd        (required): dpd, days_past_due, days_overdue, days_in_arrears
    segment    (required): segment, risk_segment, segment_name
    phones     (optional, default 1): phones, phone_count, n_phones, phone_numbers
    timezone   (optional, default the center's): timezone, tz, time_zone
    country    (optional): country, country_code — the debtor's jurisdiction for public holidays (ISO code: IT, US)
    subdivision (optional, with country): subdivision, subdiv, state, province — e.g. NY for US, SCT for GB
    x_km, y_km (optional, together): x_km, map_x_km / y_km, map_y_km — the debtor's position on the
               field teams' map in km (home visits, `strategy.field`)
    postcode   (optional): postcode, post_code, postal_code, zip, zip_code, cap — looked up in the
               zone table `strategy.field.postcodes` (an account with coordinates uses those)

An account's country (and subdivision) replaces the compliance rules' holiday jurisdictions for
that debtor (`Rules.no_holidays`): a Colombian debtor rests on Colombia's holidays, a New Yorker
on New York's. Codes are checked against the `holidays` package.

Segment names match the scenario's segments case-insensitively. Account ids must be unique.

CSV files: UTF-8 with or without the BOM Excel writes (UTF-16 "Unicode text" and Windows-1252,
as older Excel saves, are also read); the separator is `,`, `;` or tab, whichever the header
row uses most; an Excel `sep=;` first line is honoured. Blank rows are skipped.

Numbers follow one rule per file, never a guess per value. In `;`-separated CSV files (what
Excel writes in Italian, Spanish and other decimal-comma locales) the decimal mark is the
comma and `.` groups thousands: `1.250,50`, `1250,50` and `1250` are all accepted. In `,`-
and tab-separated files, and in text cells of XLSX workbooks, the decimal mark is the point
and `,` groups thousands: `1,250.50` (quoted in CSV) and `1250.50`. A thousands mark is only
accepted between groups of three digits, so `12,50` in a decimal-point file or `1250.50` in a
`;` file is an error that shows the fix rather than a silently wrong amount. Spaces may group
thousands too, and a leading or trailing currency sign (€ $ £) is dropped. Numeric XLSX
cells are taken as they are.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from wfm.scenario.accounts import AccountTable
from wfm.scenario.field import postcode_key
from wfm.scenario.outbound import check_region, parse_tz

COLUMNS: dict[str, tuple[str, ...]] = {
    "account_id": ("account_id", "account", "id", "account_number", "account_no", "acct_id"),
    "balance": ("balance", "amount_due", "balance_due", "outstanding", "outstanding_balance", "amount"),
    "dpd": ("dpd", "days_past_due", "days_overdue", "days_in_arrears"),
    "segment": ("segment", "risk_segment", "segment_name"),
    "phones": ("phones", "phone_count", "n_phones", "phone_numbers"),
    "timezone": ("timezone", "tz", "time_zone"),
    "country": ("country", "country_code"),
    "subdivision": ("subdivision", "subdiv", "state", "province"),
    "x_km": ("x_km", "map_x_km"),
    "y_km": ("y_km", "map_y_km"),
    "postcode": ("postcode", "post_code", "postal_code", "zip", "zip_code", "cap"),
}
REQUIRED: tuple[str, ...] = ("account_id", "balance", "dpd", "segment")
MAX_PROBLEMS = 50
PROGRESS_ROWS = 25_000  # rows between two progress reports while a file is read

_ALIAS = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
_COUNTRY, _SUBDIVISION = list(COLUMNS).index("country"), list(COLUMNS).index("subdivision")  # in a row's values
_X, _Y = list(COLUMNS).index("x_km"), list(COLUMNS).index("y_km")
_SEPARATORS = re.compile(r"[\s\-./]+")
_SPACES = "\u00a0\u202f "  # no-break and narrow no-break spaces group thousands in many locales
_CURRENCY = "€$£"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc) compound files
_CSV_SUFFIXES = (".csv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class PortfolioProblem:
    """One thing wrong with a portfolio file: where (file, row, column) and what to do.

    Attributes:
        file: the file's name (without its folder), as the planner knows it.
        message: the bad value and the fix.
        row: spreadsheet row number (header = 1), or None for a problem with the whole file.
        column: the column's header as written in the file, or None.
        sheet: the XLSX worksheet when one was named, else "".
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str = ""

    def __str__(self) -> str:
        where = [f'sheet "{self.sheet}"'] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{self.file} {', '.join(where)}: {self.message}" if where else f"{self.file}: {self.message}"


class PortfolioError(ValueError):
    """A portfolio file could not be read; carries every problem found (up to `MAX_PROBLEMS`).

    Attributes:
        path: the file.
        problems: the problems kept, in file order.
        more: how many further problems were found but not kept.
    """

    def __init__(self, path: str | os.PathLike[str], problems: Iterable[PortfolioProblem], more: int = 0) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        self.more = more
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem, and a last "and N more" line when the list was cut."""
        out = [str(p) for p in self.problems]
        if self.more:
            out.append(f"and {self.more} more problem(s) in {self.path.name}; fix the ones above and load again")
        return out


class _Problems:
    """Collects problems up to the cap and counts the rest, so a bad file is reported in one go.

    `noun` names the kind of file in the fixes ("export the portfolio from Excel as CSV") and
    `sheet_setting` the setting that picks an XLSX sheet, so other imports (the interval history
    of `wfm.planning.history`) reuse these readers with their own words.
    """

    def __init__(self, path: Path, sheet: str, noun: str = "portfolio",
                 sheet_setting: str = "outbound.portfolio.sheet") -> None:
        self.path = path
        self.sheet = sheet
        self.noun = noun
        self.sheet_setting = sheet_setting
        self.kept: list[PortfolioProblem] = []
        self.more = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(PortfolioProblem(self.path.name, message, row, column, self.sheet))
        else:
            self.more += 1

    def fail(self, message: str, row: int | None = None, column: str | None = None) -> PortfolioError:
        self.add(message, row, column)
        return self.error()

    def error(self) -> PortfolioError:
        return PortfolioError(self.path, self.kept, self.more)

    def __bool__(self) -> bool:
        return bool(self.kept)


def read_portfolio(
    path: str | os.PathLike[str],
    *,
    sheet: str = "",
    segments: Sequence[str] | None = None,
    progress: Callable[[float], None] | None = None,
    postcodes: Collection[str] | None = None,
) -> AccountTable:
    """Read the accounts of a CSV or XLSX portfolio file, in file order, into one table.

    Rows are read one at a time and never all kept as text: a portfolio of 1.65 million
    accounts holds only its columns of values in memory, not millions of row lists of cells.

    Args:
        path: the file (.csv, .txt, .xlsx or .xlsm).
        sheet: XLSX worksheet to read; "" = the first one. Not allowed for CSV.
        segments: the scenario's segment names; segment cells are matched to them case-insensitively
            and written with the scenario's spelling. None = accept any name as written.
        progress: called with the share of the file's rows read so far (0 to 1), every
            `PROGRESS_ROWS` rows, so a front end can show a large file loading.
        postcodes: the field teams' zone table (`strategy.field.postcodes` codes); a postcode cell
            not in it is a problem. None = accept any postcode.

    Raises:
        PortfolioError: with every problem found, each naming the row, column, value and fix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    problems = _Problems(path, sheet if suffix in _XLSX_SUFFIXES else "")
    data = _read_bytes(path, problems)
    rows: Generator[Row, None, None]
    if suffix in _CSV_SUFFIXES:
        if sheet:
            raise problems.fail(f'is a CSV file, which has no sheets; clear outbound.portfolio.sheet ("{sheet}")')
        rows, total, decimal_comma = _csv_rows(data, problems)
        csv_file = True
    elif suffix in _XLSX_SUFFIXES:
        (rows, total), decimal_comma, csv_file = _xlsx_rows(data, sheet, problems), False, False
    elif suffix == ".xls" or data.startswith(_OLE_MAGIC):
        raise problems.fail("is a legacy Excel .xls workbook; open it in Excel and save it as .xlsx or CSV")
    else:
        kind = f'extension "{path.suffix}"' if path.suffix else "no extension"
        raise problems.fail(f"is not a CSV or XLSX file ({kind}); export the portfolio from Excel as .csv or .xlsx")
    del data  # the rows come from the decoded text (CSV) or the open workbook (XLSX) now
    with contextlib.closing(rows):  # an XLSX workbook is closed even when a bad row stops the reading
        return _accounts(_reporting(rows, total, progress), decimal_comma, csv_file, segments, problems, postcodes)


def _reporting(rows: Iterator[Row], total: int, progress: Callable[[float], None] | None) -> Iterator[Row]:
    """The rows, calling `progress` with the share read every `PROGRESS_ROWS` rows and once at the end."""
    if progress is None:
        yield from rows
        return
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_ROWS == 0:
            progress(min(count / max(total, 1), 1.0))
        yield row
    progress(1.0)


def _read_bytes(path: Path, problems: _Problems) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise problems.fail(
            f"not found (looked for {path}); check the name, and that a relative path starts from the scenario's"
            " folder"
        ) from None
    except IsADirectoryError:
        raise problems.fail(f"is a folder ({path}), not a {problems.noun} file; name the CSV or XLSX file inside it") \
            from None
    except PermissionError:
        raise problems.fail("cannot be read (permission denied); close it in Excel or check its permissions") \
            from None
    except OSError as exc:
        raise problems.fail(f"cannot be read ({exc.strerror or exc}); check the file") from None


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

Row = tuple[int, list[Any]]


def _decode(data: bytes, problems: _Problems) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252 (older Excel)."""
    if data.startswith(_ZIP_MAGIC):
        raise problems.fail("is an Excel workbook (XLSX) with a .csv name; rename it to .xlsx")
    if data.startswith(_OLE_MAGIC):
        raise problems.fail("is a legacy Excel .xls workbook, not CSV; open it in Excel and save it as .xlsx or CSV")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise problems.fail(f"is not a text file (it holds binary data); export the {problems.noun} from Excel as CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes, problems: _Problems) -> tuple[Generator[Row, None, None], int, bool]:
    """A CSV file's rows with their spreadsheet numbers, how many there are (about), and its decimal mark.

    The rows are read as they are asked for, from lines cut out of the decoded text one at a
    time (not `splitlines`, nor `io.StringIO`, which keeps 4 bytes per character).
    """
    text = _decode(data, problems)
    end = "\n" if "\n" in text else "\r"  # "\r" alone: classic Mac line ends, as old Excel for Mac wrote
    lines = _lines(text, end)
    first = next(lines, "")
    delimiter = None
    if len(first.strip()) == 5 and first.strip().lower().startswith("sep="):
        delimiter = first.strip()[4]  # Excel's separator hint; Excel hides it, so the header stays row 1
    else:
        lines = itertools.chain([first], lines)
    if delimiter is None:
        delimiter = _sniff(next((ln for ln in _lines(text, end) if ln.strip() and not ln.strip().lower().startswith(
            "sep=")), ""))
    return _csv_records(csv.reader(lines, delimiter=delimiter), problems), text.count(end) + 1, delimiter == ";"


def _lines(text: str, end: str) -> Iterator[str]:
    """The lines of `text`, each with its line end (csv needs it to read a line break inside quotes)."""
    start = 0
    while start < len(text):
        stop = text.find(end, start)
        stop = len(text) if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _csv_records(reader: Iterator[list[str]], problems: _Problems) -> Generator[Row, None, None]:
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise problems.fail(f"is not valid CSV ({exc}); check the quotes on this row", number + 1) from None


def _sniff(header: str) -> str:
    """The separator the header row uses most (outside quotes); "," when it has none."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, sheet: str, problems: _Problems) -> tuple[Generator[Row, None, None], int]:
    """The rows of one worksheet, read as they are asked for, and about how many there are.

    Read in openpyxl's read-only mode: the cached values of formulas, one row at a time.
    """
    if data.startswith(_OLE_MAGIC):
        raise problems.fail("is a legacy Excel .xls workbook with an .xlsx name; open it in Excel and save it as .xlsx")
    if not data.startswith(_ZIP_MAGIC):
        hint = "; it looks like text: if it is CSV, rename it to .csv" if _looks_like_text(data) else ""
        raise problems.fail(f"is not an XLSX workbook{hint}; save the {problems.noun} from Excel as .xlsx or CSV")
    import openpyxl  # imported here: only XLSX portfolios need it, and it is slow to import

    # Excel workbooks often carry extensions openpyxl does not support (data validation,
    # conditional formats); it warns about them, but they do not affect the cell values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise problems.fail(
                f"could not be opened as an XLSX workbook ({exc}); open it in Excel and save it again as .xlsx"
            ) from None
        if sheet and sheet not in book.sheetnames:
            names = ", ".join(f'"{n}"' for n in book.sheetnames)
            book.close()
            raise problems.fail(f"does not exist; the workbook's sheets are {names}: set {problems.sheet_setting}"
                                " to one of them")
        worksheet = book[sheet] if sheet else book.worksheets[0]
    return _sheet_records(book, worksheet), int(getattr(worksheet, "max_row", 0) or 0)


def _sheet_records(book: Any, worksheet: Any) -> Generator[Row, None, None]:
    """A worksheet's rows with their numbers; closes the workbook when done (or when closed early)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
                yield number, list(cells)
    finally:
        book.close()


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut in two at the end of the sample
            return False
    return b"\x00" not in head


# --------------------------------------------------------------------------------------------
# Rows to accounts
# --------------------------------------------------------------------------------------------


def normalise_header(name: object) -> str:
    """A header cell as a column key: lower case, spaces/hyphens/dots/slashes as underscores."""
    return _SEPARATORS.sub("_", str(name).strip().lower()).strip("_")


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank_row(cells: list[Any]) -> bool:
    for cell in cells:  # a plain loop: most rows end at their first cell
        if not _blank(cell):
            return False
    return True


def _accounts(
    rows: Iterable[Row], decimal_comma: bool, csv_file: bool, segments: Sequence[str] | None, problems: _Problems,
    postcodes: Collection[str] | None = None,
) -> AccountTable:
    """Header, then one account per non-blank row; raises with every problem once all rows are read."""
    body = ((n, cells) for n, cells in rows if not _blank_row(cells))
    first = next(body, None)
    if first is None:
        raise problems.fail(
            "is empty; its first row must name the columns account_id, balance, dpd, segment (optional: phones,"
            " timezone), with one account per row below"
        )
    header_row, header = first
    columns = _map_columns(header, header_row, problems)
    if problems:
        raise problems.error()
    reader = _RowReader(columns, header, decimal_comma, csv_file, segments, problems, postcodes)
    read = 0
    for number, cells in body:
        reader.account(number, cells)
        read += 1
    if not read:
        raise problems.fail("has a header row but no accounts; add one row per account below it")
    if problems:
        raise problems.error()
    return reader.table()


def _find_columns(header: list[Any], row: int, problems: _Problems,
                  field_of: Callable[[Any], str | None]) -> dict[str, int]:
    """Which cell of a header names which field (`field_of`: None for a column not needed); a problem per repeat.

    Shared by every import that reads a header row (portfolio, interval history).
    """
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if _blank(cell):
            continue
        field = field_of(cell)
        if field is None:
            continue  # other columns of the export (name, address, …) are not needed
        if field in columns:
            first = str(header[columns[field]]).strip()
            problems.add(
                f'repeats the {field} given by column "{first}"; keep one of them or rename the other', row,
                str(cell).strip(),
            )
        else:
            columns[field] = index
    return columns


def _map_columns(header: list[Any], row: int, problems: _Problems) -> dict[str, int]:
    """Which cell of a row holds which field; problems for repeated and missing columns."""
    columns = _find_columns(header, row, problems, lambda cell: _ALIAS.get(normalise_header(cell)))
    found = [str(c).strip() for c in header if not _blank(c)]
    for field in REQUIRED:
        if field not in columns:
            others = ", ".join(COLUMNS[field][1:])
            listing = ", ".join(f'"{name}"' for name in found)
            hint = (" (only one column was found: is the file separated by something other than \",\" or \";\"?)"
                    if len(found) == 1 else "")
            problems.add(
                f'has no "{field}" column (also accepted: {others}); the header row has {listing}{hint}', row
            )
    return columns


def _show(cell: object) -> str:
    text = _cell_text(cell)
    return f'"{text if len(text) <= 40 else text[:37] + "..."}"'


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_BAD = object()  # marks a cell that could not be read (its problem is already recorded)


class _RowReader:
    """Reads data rows into columns of the accounts table, adding a problem per bad cell."""

    def __init__(
        self,
        columns: dict[str, int],
        header: list[Any],
        decimal_comma: bool,
        csv_file: bool,
        segments: Sequence[str] | None,
        problems: _Problems,
        postcodes: Collection[str] | None = None,
    ) -> None:
        self.columns = columns
        self.postcodes = None if postcodes is None else {postcode_key(c) for c in postcodes}
        self.names = {field: str(header[index]).strip() for field, index in columns.items()}
        self.width = len(header)
        self.decimal_comma = decimal_comma
        self.csv_file = csv_file
        self.segments = {s.casefold(): s for s in segments} if segments is not None else None
        self.known = ", ".join(f'"{s}"' for s in segments) if segments is not None else ""
        self.problems = problems
        self.seen: dict[str, int] = {}
        self.example = "1250,50 or 1.250,50" if decimal_comma else "1250.50"
        self.zones: set[str] = set()  # time zones already checked (a file holds few distinct ones)
        self.regions: set[str] = set()  # holiday jurisdictions already checked
        self.values: dict[str, list[Any]] = {field: [] for field in COLUMNS}
        self._plan = [(columns.get(field), getattr(self, f"_{field}"), self.names.get(field, field))
                      for field in COLUMNS]
        self._lists = [self.values[field] for field in COLUMNS]

    def account(self, row: int, cells: list[Any]) -> None:
        """Add one row's account to the columns, or its problems to the list."""
        # Excel pads every row of a CSV, header included, to the same width: a longer row was split.
        if self.csv_file and len(cells) > self.width:
            hint = ("; a decimal comma in a comma-separated file splits the number in two: quote it (\"1250,50\")"
                    " or separate the columns with ;") if not self.decimal_comma else "; check for a stray ;"
            self.problems.add(f"has {len(cells)} values but the header has {self.width} columns{hint}", row)
            return
        # One pass over the fields with their parser and cell index bound once (`_plan`): this
        # runs for every row of a file of millions.
        values = []
        width = len(cells)
        for index, parse, column in self._plan:
            cell = cells[index] if index is not None and index < width else None
            try:
                values.append(parse(row, cell))
            except ValueError as exc:
                self.problems.add(str(exc), row, column)
                values.append(_BAD)
        if _BAD in values:
            return
        if (values[_X] is None) != (values[_Y] is None):
            given, missing = ("x_km", "y_km") if values[_Y] is None else ("y_km", "x_km")
            self.problems.add(f"is empty but {self.names.get(given, given)} is given; give both map coordinates of"
                              " the account, or neither", row, self.names.get(missing, missing))
            return
        country, subdivision = values[_COUNTRY], values[_SUBDIVISION]
        if country or subdivision:
            region = f"{country}-{subdivision}" if subdivision else country
            if not self._region_known(region, row):
                return
        for column_values, value in zip(self._lists, values, strict=True):
            column_values.append(value)

    def table(self) -> AccountTable:
        """The accounts read so far, as one table (every cell was checked on the way in)."""
        v = self.values
        regions = [f"{c}-{d}" if c and d else c for c, d in zip(v["country"], v["subdivision"], strict=True)]
        return AccountTable.from_columns(v["account_id"], v["balance"], v["dpd"], v["segment"], v["phones"],
                                         v["timezone"], regions, v["x_km"], v["y_km"], v["postcode"])

    def _account_id(self, row: int, cell: Any) -> str:
        if _blank(cell):
            raise ValueError("is empty; give every account its own id")
        text = _cell_text(cell)
        if text in self.seen:
            raise ValueError(f"{_show(text)} is already the id of row {self.seen[text]}; give each account its own id")
        self.seen[text] = row
        return text

    def _balance(self, row: int, cell: Any) -> float:
        if _blank(cell):
            raise ValueError(f"is empty; give the balance owed, like {self.example}")
        try:
            value = self._number(cell)
        except ValueError:
            raise ValueError(f"{_show(cell)} is not a number; {self._amount_fix(cell)}") from None
        if not value > 0:
            raise ValueError(f"{_show(cell)} is not above 0; leave settled or credit accounts out of the file")
        return value

    def _amount_fix(self, cell: Any) -> str:
        text = str(cell).strip()
        if self.csv_file and self.decimal_comma and re.fullmatch(r"-?\d+\.\d+", text):
            return (f"this ;-separated file uses the decimal comma, so write {text.replace('.', ',')}"
                    " (or separate the columns with , to keep decimal points)")
        if not self.decimal_comma and re.fullmatch(r"-?\d+,\d+", text):
            return (f"this file uses the decimal point, so write {text.replace(',', '.')}"
                    + (" (or separate the columns with ; to use decimal commas)" if self.csv_file else
                       " or store the amount as a number cell"))
        return f"write amounts like {self.example}"

    def _dpd(self, row: int, cell: Any) -> int:
        if _blank(cell):
            raise ValueError("is empty; give the days past due, like 120")
        value = self._whole(cell, "is not a whole number of days; write days past due like 120")
        if value < 0:
            raise ValueError(f"{_show(cell)} is negative; days past due are 0 or more")
        return value

    def _segment(self, row: int, cell: Any) -> str:
        if _blank(cell):
            raise ValueError(f"is empty; give the account's risk segment{self._segment_hint()}")
        text = _cell_text(cell)
        if self.segments is None:
            return text
        if text.casefold() not in self.segments:
            raise ValueError(
                f"{_show(text)} is not a segment of the scenario; use one of {self.known}, or add it to"
                " outbound.portfolio.segments"
            )
        return self.segments[text.casefold()]

    def _segment_hint(self) -> str:
        return f" (one of {self.known})" if self.segments is not None else ""

    def _phones(self, row: int, cell: Any) -> int:
        if _blank(cell):
            return 1  # the model's default: one number
        value = self._whole(cell, "is not a whole number; give how many phone numbers the account has, 1 to 10")
        if not 1 <= value <= 10:
            raise ValueError(f"{_show(cell)} is not a phone count; give 1 to 10 numbers per account")
        return value

    def _timezone(self, row: int, cell: Any) -> str:
        if _blank(cell):
            return ""  # the center's time zone
        text = _cell_text(cell)
        if text in self.zones:
            return text
        try:
            parse_tz(text)
        except ValueError:
            raise ValueError(
                f'{_show(text)} is not a time zone; use an IANA name such as "Europe/Rome" or an offset such as'
                ' "UTC+01:00", or leave it empty for the center\'s'
            ) from None
        self.zones.add(text)
        return text

    def _country(self, row: int, cell: Any) -> str:
        return "" if _blank(cell) else _cell_text(cell).upper()

    def _subdivision(self, row: int, cell: Any) -> str:
        return "" if _blank(cell) else _cell_text(cell).upper()

    def _x_km(self, row: int, cell: Any) -> float | None:
        return self._coordinate(cell)

    def _y_km(self, row: int, cell: Any) -> float | None:
        return self._coordinate(cell)

    def _coordinate(self, cell: Any) -> float | None:
        if _blank(cell):
            return None  # the account's place comes from its postcode or its zone
        try:
            return self._number(cell)
        except ValueError:
            example = "12,5" if self.decimal_comma else "12.5"
            raise ValueError(f"{_show(cell)} is not a number; give the position on the field map in km, like"
                             f" {example}, or leave it empty") from None

    def _postcode(self, row: int, cell: Any) -> str:
        if _blank(cell):
            return ""
        text = _cell_text(cell)
        if self.postcodes is not None and postcode_key(text) not in self.postcodes:
            raise ValueError(f"{_show(text)} is not in the zone table strategy.field.postcodes; add it there (code,"
                             " zone, centre_km) or leave the cell empty to place the account by the zone shares")
        return text

    def _region_known(self, region: str, row: int) -> bool:
        """Whether the row's country and subdivision are a jurisdiction the holidays package knows; a problem if not."""
        if region in self.regions:
            return True
        column = self.names.get("country", "country")
        if region.startswith("-"):
            self.problems.add(f'subdivision "{region[1:]}" is given without a country; fill the country column'
                              ' (ISO code such as US) or clear the subdivision', row, column)
            return False
        try:
            check_region(region)
        except ValueError as exc:
            self.problems.add(str(exc), row, column)
            return False
        self.regions.add(region)
        return True

    def _number(self, cell: Any) -> float:
        if isinstance(cell, bool) or isinstance(cell, datetime | date | time):
            raise ValueError(cell)
        if isinstance(cell, int | float):
            value = float(cell)
        else:
            value = parse_number(str(cell), decimal_comma=self.decimal_comma)
        if not math.isfinite(value):
            raise ValueError(cell)
        return value

    def _whole(self, cell: Any, fix: str) -> int:
        if isinstance(cell, str) and cell.isascii() and cell.isdigit():
            return int(cell)  # the common case, without the general number rule
        try:
            value = self._number(cell)
        except ValueError:
            raise ValueError(f"{_show(cell)} {fix}") from None
        if not value.is_integer():
            raise ValueError(f"{_show(cell)} {fix}")
        return int(value)


def _number_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    group = f"[{re.escape(thousands)}{_SPACES}]"
    return re.compile(rf"^[+-]?(?:\d+|\d{{1,3}}(?:{group}\d{{3}})+)(?:{re.escape(decimal)}\d+)?$")


_DECIMAL_POINT = _number_pattern(".", ",")
_DECIMAL_COMMA = _number_pattern(",", ".")
_PLAIN_POINT = re.compile(r"\d+(?:\.\d+)?")
_PLAIN_COMMA = re.compile(r"\d+")


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """A number written by a spreadsheet, under the file's decimal mark (see the module docstring).

    Raises:
        ValueError: when `text` is not a number under that rule.
    """
    if (_PLAIN_COMMA if decimal_comma else _PLAIN_POINT).fullmatch(text):
        return float(text)  # the common case, without thousands marks (no "." in a decimal-comma file)
    value = text.strip().strip(_CURRENCY).strip(_SPACES)
    pattern = _DECIMAL_COMMA if decimal_comma else _DECIMAL_POINT
    if not pattern.match(value):
        raise ValueError(f"{text!r} is not a number")
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    for mark in thousands + _SPACES:
        value = value.replace(mark, "")
    return float(value.replace(decimal, "."))
