"""Reading an interval export of an ACD or cloud contact-center platform (CSV or XLSX) into a `History`.

A planner's week starts from last month's export: one row per interval with the calls offered,
answered and abandoned, the average handle time, the average time to abandon, the average speed
of answer and the service level. This module turns such a file into per-day, per-interval
arrays on the center's local clock, the input of `wfm.planning.forecast` and
`wfm.planning.patience`. Every problem found is reported in one go, each naming the file, the
row as the spreadsheet shows it (header = row 1), the column as written in the header, the bad
value and the fix, with the readers and the message style of the portfolio import
(`wfm.scenario.portfolio_file`).

Columns are found by header name, case-insensitively and without accents; spaces, hyphens,
dots and slashes count as underscores, and a unit in brackets or a % sign is ignored
("AHT (s)" = aht, "Service Level %" = service_level). Italian and Spanish names are accepted
beside the English ones. Other columns are ignored, and so are title lines above the header
(the header is the first row naming an offered and a start or date column).

    start          interval start, date and time in one cell (or give `date` and `time` apart);
                   a range "08:00-08:15" is read as its start
    offered        (required) calls offered
    answered       calls answered (handled)
    abandoned      calls abandoned
    aht            average handle time of the answered calls (talk + hold + after-call work)
    abandon_time   average wait of the abandoned calls
    asa            average speed of answer: average wait of the answered calls
    service_level  share answered within the threshold, as the ACD computed it

Dates are ISO (2026-01-05), day-first (05/01/2026, 5-1-26, 05.01.2026, 05-gen-2026,
05-ene-2026) or month-first (01/05/2026); a file uses one order. Slash-, dot- and dash-dated
files are read day-first, as Italian and Spanish exports write them, unless a date in the file
only makes sense month-first (a second field above 12) or `day_first=False` is given. Times are
"08:15", "8.15" (Italian) or "8:15 AM"; an ISO time may carry its UTC offset ("+01:00").
Durations are seconds (312 or "312,5"), "mm:ss" or "h:mm:ss", or time cells of a workbook.
Service levels are fractions (0.853) or percentages ("85,3%", 85.3): a column with a % sign or
a value above 1 is read as percentages throughout.

Numbers follow the portfolio rule, one per file: `;`-separated CSV files use the decimal comma
(`1.250,5`), `,`- and tab-separated files and text cells of workbooks the decimal point.

Local time and daylight saving: interval starts are read on the center's clock (`timezone`).
On the day clocks go back the repeated hour's rows (the same local times twice, or times with
their UTC offsets) are added into that hour's intervals; on the day they go forward the missing
hour has no rows, and a row at such a time is an error unless it has no calls (some exports pad
the grid). Intervals without a row are intervals without calls: exports leave them out.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as fixed_offset
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from wfm.scenario.portfolio_file import (
    PortfolioError,
    PortfolioProblem,
    Row,
    _blank,
    _cell_text,
    _csv_rows,
    _find_columns,
    _Problems,
    _read_bytes,
    _show,
    _xlsx_rows,
    parse_number,
)
from wfm.scenario.units import DAY_S, HOUR_S, MINUTE_S, WEEKDAYS, Weekday

COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "interval_start", "start_time", "interval", "interval_start_time", "period", "datetime",
              "date_time", "timestamp", "inizio", "inizio_intervallo", "intervallo", "data_ora", "inicio",
              "inicio_intervalo", "intervalo", "fecha_hora"),
    "date": ("date", "day", "data", "giorno", "fecha", "dia"),
    "time": ("time", "time_of_day", "ora", "orario", "hora"),
    "offered": ("offered", "calls_offered", "offered_calls", "contacts_offered", "inbound_calls", "calls", "offerte",
                "chiamate_offerte", "chiamate_entranti", "entranti", "ofrecidas", "llamadas_ofrecidas",
                "llamadas_entrantes", "recibidas", "llamadas_recibidas"),
    "answered": ("answered", "calls_answered", "answered_calls", "handled", "calls_handled", "handled_calls",
                 "risposte", "chiamate_risposte", "gestite", "chiamate_gestite", "atendidas", "llamadas_atendidas",
                 "contestadas"),
    "abandoned": ("abandoned", "calls_abandoned", "abandoned_calls", "abandons", "abbandonate",
                  "chiamate_abbandonate", "abandonadas", "llamadas_abandonadas"),
    "aht": ("aht", "avg_handle_time", "average_handle_time", "handle_time", "tmg", "tempo_medio_gestione",
            "tempo_medio_di_gestione", "tmo", "tiempo_medio_operacion", "tiempo_medio_de_operacion"),
    "abandon_time": ("abandon_time", "avg_abandon_time", "average_abandon_time", "avg_time_to_abandon",
                     "average_time_to_abandon", "tempo_medio_abbandono", "attesa_media_abbandono",
                     "tiempo_medio_abandono", "tiempo_medio_de_abandono"),
    "asa": ("asa", "avg_speed_of_answer", "average_speed_of_answer", "avg_answer_time", "tempo_medio_risposta",
            "attesa_media_risposta", "tiempo_medio_respuesta", "tiempo_medio_de_respuesta", "tme"),
    "service_level": ("service_level", "sl", "livello_di_servizio", "livello_servizio", "nivel_de_servicio",
                      "nivel_servicio"),
}
OPTIONAL: tuple[str, ...] = ("answered", "abandoned", "aht", "abandon_time", "asa", "service_level")
INTERVAL_MINUTES: tuple[int, ...] = (15, 30, 60)
_HEADER_SEARCH_ROWS = 20  # title lines an export may have above its header

_ALIAS = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_UNIT = re.compile(r"\([^)]*\)|\[[^\]]*\]|%")
_SEPARATORS = re.compile(r"[\s\-./]+")
_MONTHS = {  # English, Italian and Spanish month abbreviations, as Excel writes "05-gen-2026"
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                   "dec"), start=1)},
    **{m: i for i, m in enumerate(("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov",
                                   "dic"), start=1)},
    **{m: i for i, m in enumerate(("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
                                   "dic"), start=1)},
}
_TIME = r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?"
_OFFSET = r"(z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?:[ t]+{_TIME}\s*{_OFFSET})?$")
_DMY = re.compile(rf"^(\d{{1,2}})[/.\-]([a-z]{{3}}|\d{{1,2}})[/.\-](\d{{4}}|\d{{2}})(?:[ ,t]+{_TIME})?$")
_TIME_ONLY = re.compile(rf"^{_TIME}$")
_RANGE = re.compile(r"\s+-\s+|(?<=\d)-(?=\d{1,2}[:.]\d{2}\s*$)")


class HistoryError(PortfolioError):
    """An interval history file could not be read; carries every problem found, as a portfolio error does."""


class _HistoryProblems(_Problems):
    """The portfolio import's problem list, reported in file order: by row, then by column."""

    def __init__(self, path: Path, sheet: str) -> None:
        super().__init__(path, sheet, noun="interval export", sheet_setting="the history sheet")
        self.columns: dict[str, int] = {}  # header text → position, once the header is read

    def error(self) -> HistoryError:
        ordered = sorted(self.kept, key=lambda p: (p.row or 0, self.columns.get(p.column or "", -1)))
        return HistoryError(self.path, ordered, self.more)


@dataclass(frozen=True)
class History:
    """Interval history on the center's local clock: one row per day, one column per interval.

    Counts and time totals are kept rather than averages, so that any grouping (a day, a weekday,
    an interval of the day) is a sum followed by one division.

    Attributes:
        source: the file's name.
        timezone: the center's IANA time zone the interval starts were read in.
        interval_minutes: length of an interval: 15, 30 or 60.
        start_date: the first day of the history; day d is `start_date + d`.
        offered: calls offered, shape (days, intervals per day).
        answered: calls answered; without an answered column, offered − abandoned (or offered when the
            file has neither), the calls the AHT and ASA averages are taken over.
        abandoned: calls abandoned (zeros when the file had no such column).
        handle_s: total handle time of the answered calls, seconds (AHT × answered).
        abandon_wait_s: total wait of the abandoned calls, seconds (average abandon time × abandoned).
        answer_wait_s: total wait of the answered calls, seconds (ASA × answered).
        service_level: the ACD's service level per interval (NaN where not given).
        rows: how many rows of the file fed each interval: 0 (no calls, or the missing hour of a
            spring-forward day), 1, or 2 (the repeated hour of a fall-back day).
        columns: the optional columns the file had (see `OPTIONAL`).
        clock_changes: days on which clocks changed, with "forward" (23-hour day) or "back" (25 hours).
    """

    source: str
    timezone: str
    interval_minutes: int
    start_date: date
    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    handle_s: np.ndarray
    abandon_wait_s: np.ndarray
    answer_wait_s: np.ndarray
    service_level: np.ndarray
    rows: np.ndarray
    columns: frozenset[str] = frozenset()
    clock_changes: tuple[tuple[date, str], ...] = field(default=())

    @property
    def days(self) -> int:
        """Number of days from the first to the last day with a row."""
        return int(self.offered.shape[0])

    @property
    def intervals_per_day(self) -> int:
        """Intervals in a 24-hour day."""
        return DAY_S // (self.interval_minutes * MINUTE_S)

    @property
    def interval_s(self) -> int:
        """Length of an interval, seconds."""
        return self.interval_minutes * MINUTE_S

    @property
    def dates(self) -> tuple[date, ...]:
        """The calendar date of every day of the history."""
        return tuple(self.start_date + timedelta(days=d) for d in range(self.days))

    @property
    def weekdays(self) -> np.ndarray:
        """Weekday index (0 = Monday) of every day."""
        return np.array([d.weekday() for d in self.dates], dtype=int)

    @property
    def daily_offered(self) -> np.ndarray:
        """Calls offered per day."""
        return self.offered.sum(axis=1)

    def has(self, column: str) -> bool:
        """Whether the file gave the optional column `column` (see `OPTIONAL`)."""
        return column in self.columns

    def weekday_name(self, day: int) -> Weekday:
        """Weekday name ('mon'…'sun') of day `day`."""
        return WEEKDAYS[(self.start_date + timedelta(days=day)).weekday()]


def read_history(
    path: str | os.PathLike[str],
    *,
    timezone: str = "Europe/Rome",
    sheet: str = "",
    interval_minutes: int | None = None,
    day_first: bool | None = None,
) -> History:
    """Read a CSV or XLSX interval export into a `History` (see the module docstring for the format).

    Args:
        path: the file (.csv, .txt, .xlsx or .xlsm).
        timezone: the center's IANA time zone, in which the interval starts are local times.
        sheet: XLSX worksheet to read; "" = the first one. Not allowed for CSV.
        interval_minutes: 15, 30 or 60; None = read from the interval starts (or the ranges' ends).
        day_first: how to read 05/01/2026: True = 5 January, False = 1 May, None = day-first unless
            the file shows otherwise.

    Raises:
        HistoryError: with every problem found, each naming the row, column, value and fix.
        ValueError: for an unknown time zone or an interval length other than 15, 30 or 60.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{timezone!r} is not a known time zone; use an IANA name such as \"Europe/Rome\"") from None
    if interval_minutes is not None and interval_minutes not in INTERVAL_MINUTES:
        raise ValueError(f"interval_minutes = {interval_minutes} is not supported; use 15, 30 or 60")
    path = Path(path)
    suffix = path.suffix.lower()
    problems = _HistoryProblems(path, sheet if suffix in (".xlsx", ".xlsm") else "")
    data = _read_bytes(path, problems)
    if suffix in (".csv", ".txt"):
        if sheet:
            raise problems.fail(f'is a CSV file, which has no sheets; do not name a sheet ("{sheet}")')
        records, _, decimal_comma = _csv_rows(data, problems)
        rows = list(records)  # an interval export is small: the header search looks ahead
    elif suffix in (".xlsx", ".xlsm"):
        rows, decimal_comma = list(_xlsx_rows(data, sheet, problems)[0]), False
    elif suffix == ".xls":
        raise problems.fail("is a legacy Excel .xls workbook; open it in Excel and save it as .xlsx or CSV")
    else:
        kind = f'extension "{path.suffix}"' if path.suffix else "no extension"
        raise problems.fail(f"is not a CSV or XLSX file ({kind}); export the intervals as .csv or .xlsx")
    return _history(rows, decimal_comma, zone, timezone, interval_minutes, day_first, problems)


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


def history_header(name: object) -> str:
    """A header cell as a column key: no accents, units or %, lower case, separators as underscores."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return _SEPARATORS.sub("_", _UNIT.sub(" ", text).strip().lower()).strip("_")


def _header_index(body: Sequence[Row]) -> int:
    """Which of the first non-blank rows is the header: the first naming an offered and a start or date column.

    Exports often open with title lines ("Interval report, queue Collections, January"); they
    are skipped. When no row looks like a header, the first one is taken, so its problems are
    reported.
    """
    for index, (_, cells) in enumerate(body[:_HEADER_SEARCH_ROWS]):
        names = {_ALIAS.get(history_header(c)) for c in cells if not _blank(c)}
        if "offered" in names and names & {"start", "date"}:
            return index
    return 0


def _map_columns(header: list[Any], row: int, problems: _Problems) -> dict[str, int]:
    columns = _find_columns(header, row, problems, lambda cell: _ALIAS.get(history_header(cell)))
    found = ", ".join(f'"{str(c).strip()}"' for c in header if not _blank(c))
    if "offered" not in columns:
        problems.add(f'has no "offered" column (also accepted: {", ".join(COLUMNS["offered"][1:6])}, …); the header'
                     f" row has {found}", row)
    if "start" not in columns and not ("date" in columns and "time" in columns):
        problems.add(f'has no interval start: give a "start" column with date and time (also accepted:'
                     f' {", ".join(COLUMNS["start"][1:6])}, …) or a "date" and a "time" column; the header row has'
                     f" {found}", row)
    if "start" in columns:
        for name in ("date", "time"):  # the start column wins; a date or time beside it is ignored
            columns.pop(name, None)
    return columns


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass
class _Stamp:
    """An interval start as read from a row, before the file's date order and clock are known."""

    row: int
    column: str
    fields: tuple[int, int, int] | None  # (a, b, year) of a d/m/y or m/d/y date; None once resolved
    day: date | None
    minute: int  # minutes after midnight
    offset: int | None  # UTC offset in minutes when the row gave one
    end_minute: int | None  # end of a "08:00-08:15" range
    text: str = ""  # the cell as written, for messages


@dataclass
class _Record:
    stamp: _Stamp
    values: dict[str, float]


def _history(
    rows: list[Row], decimal_comma: bool, zone: ZoneInfo, timezone: str, interval_minutes: int | None,
    day_first: bool | None, problems: _HistoryProblems,
) -> History:
    body = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not body:
        raise problems.fail("is empty; its first row must name the columns (start, offered, answered, abandoned, aht,"
                            " …), with one interval per row below")
    at = _header_index(body)
    (header_row, header), data_rows = body[at], body[at + 1:]
    columns = _map_columns(header, header_row, problems)
    if problems:
        raise problems.error()
    problems.columns = {str(header[i]).strip(): i for i in columns.values()}
    if not data_rows:
        raise problems.fail("has a header row but no intervals; add one row per interval below it")
    reader = _CellReader(columns, header, decimal_comma, problems)
    records = [record for number, cells in data_rows if (record := reader.record(number, cells)) is not None]
    reader.check_percent_scale(records)
    _resolve_date_order(reader.stamps, day_first, problems)
    if problems:
        raise problems.error()
    minutes = interval_minutes or _interval_length(records, problems)
    if problems:
        raise problems.error()
    return _assemble(records, minutes, zone, timezone, frozenset(c for c in OPTIONAL if c in columns), problems)


class _CellReader:
    """Reads a data row's cells into a `_Record`, adding a problem per bad cell."""

    def __init__(self, columns: dict[str, int], header: list[Any], decimal_comma: bool,
                 problems: _HistoryProblems) -> None:
        self.columns = columns
        self.names = {name: str(header[index]).strip() for name, index in columns.items()}
        self.decimal_comma = decimal_comma
        self.problems = problems
        self.example = "312,5" if decimal_comma else "312.5"
        self.percent_rows: list[int] = []  # rows whose service level carried a % sign
        self.service_level_over_one = False
        self.stamps: list[_Stamp] = []  # every start read, of good rows and bad (its date is checked too)

    def record(self, row: int, cells: list[Any]) -> _Record | None:
        """The row's interval start and values, or None when a cell is bad (its problem is recorded)."""
        before = len(self.problems.kept) + self.problems.more
        stamp = self._stamp(row, cells)
        if stamp is not None:
            self.stamps.append(stamp)
        values: dict[str, float] = {}
        for name in ("offered", *OPTIONAL):
            if name in self.columns:
                value = self._value(name, row, self._cell(cells, name))
                if value is not None:
                    values[name] = value
        if len(self.problems.kept) + self.problems.more > before or stamp is None:
            return None
        return _Record(stamp, values)

    def check_percent_scale(self, records: Sequence[_Record]) -> None:
        """Read the whole service-level column as percentages if any value says so (a % sign or above 1)."""
        if self.percent_rows or self.service_level_over_one:
            for record in records:
                if "service_level" in record.values:
                    record.values["service_level"] /= 100.0
        for record in records:
            value = record.values.get("service_level")
            if value is not None and not 0 <= value <= 1:
                shown = f"{value * 100:g}%" if self.percent_rows or self.service_level_over_one else f"{value:g}"
                self.problems.add(f"{shown} is not a service level; give a share between 0 and 1 or a percentage"
                                  " between 0% and 100%", record.stamp.row, self.names["service_level"])

    def _cell(self, cells: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _stamp(self, row: int, cells: list[Any]) -> _Stamp | None:
        if "start" in self.columns:
            column = self.names["start"]
            try:
                return _parse_stamp(self._cell(cells, "start"), row, column)
            except ValueError as exc:
                self.problems.add(str(exc), row, column)
                return None
        return self._date_and_time(row, cells)

    def _date_and_time(self, row: int, cells: list[Any]) -> _Stamp | None:
        day_column, time_column = self.names["date"], self.names["time"]
        try:
            stamp = _parse_stamp(self._cell(cells, "date"), row, day_column, date_only=True)
        except ValueError as exc:
            self.problems.add(str(exc), row, day_column)
            stamp = None
        try:
            minute, end = _parse_time_cell(self._cell(cells, "time"))
        except ValueError as exc:
            self.problems.add(str(exc), row, time_column)
            return None
        if stamp is None:
            return None
        stamp.minute, stamp.end_minute, stamp.column = minute, end, time_column
        return stamp

    def _value(self, name: str, row: int, cell: Any) -> float | None:
        column = self.names[name]
        try:
            if name in ("offered", "answered", "abandoned"):
                return self._count(cell)
            if name == "service_level":
                return self._service_level(row, cell)
            return self._duration(cell)
        except ValueError as exc:
            self.problems.add(str(exc), row, column)
            return None

    def _count(self, cell: Any) -> float | None:
        if _blank(cell):
            return None
        if isinstance(cell, str) and cell.isascii() and cell.strip().isdigit():
            return float(cell)
        value = self._number(cell, "is not a number of calls; write a whole number such as 42")
        if not value.is_integer() or value < 0:
            raise ValueError(f"{_show(cell)} is not a number of calls; write a whole number such as 42")
        return value

    def _number(self, cell: Any, fix: str) -> float:
        if isinstance(cell, bool) or isinstance(cell, datetime | date | time | timedelta):
            raise ValueError(f"{_show(cell)} {fix}")
        if isinstance(cell, int | float):
            value = float(cell)
        else:
            try:
                value = parse_number(str(cell).strip(), decimal_comma=self.decimal_comma)
            except ValueError:
                raise ValueError(f"{_show(cell)} {fix}{self._decimal_hint(cell)}") from None
        if not math.isfinite(value):
            raise ValueError(f"{_show(cell)} {fix}")
        return value

    def _decimal_hint(self, cell: Any) -> str:
        text = str(cell).strip()
        if self.decimal_comma and re.fullmatch(r"\d+\.\d+", text):
            return f" (this ;-separated file uses the decimal comma: write {text.replace('.', ',')})"
        if not self.decimal_comma and re.fullmatch(r"\d+,\d+", text):
            return f" (this file uses the decimal point: write {text.replace(',', '.')})"
        return ""

    def _duration(self, cell: Any) -> float | None:
        if _blank(cell):
            return None
        if isinstance(cell, timedelta):
            return cell.total_seconds()
        if isinstance(cell, time):
            return cell.hour * HOUR_S + cell.minute * MINUTE_S + cell.second + cell.microsecond / 1e6
        fix = f"is not a duration; write seconds ({self.example}) or mm:ss or h:mm:ss (05:12)"
        if isinstance(cell, str) and ":" in cell:
            parts = cell.strip().split(":")
            if not 2 <= len(parts) <= 3 or not all(re.fullmatch(r"\d+([.,]\d+)?", p) for p in parts):
                raise ValueError(f"{_show(cell)} {fix}")
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + float(part.replace(",", "."))
            return seconds
        value = self._number(cell, fix)
        if value < 0:
            raise ValueError(f"{_show(cell)} is negative; a duration is 0 seconds or more")
        return value

    def _service_level(self, row: int, cell: Any) -> float | None:
        if _blank(cell):
            return None
        text = str(cell).strip() if isinstance(cell, str) else None
        if text is not None and text.endswith("%"):
            self.percent_rows.append(row)
            value = self._number(text[:-1].strip(), "is not a service level; write a share (0.853) or a percentage"
                                                    " (85.3%)")
            return value
        value = self._number(cell, "is not a service level; write a share (0.853) or a percentage (85.3%)")
        if value > 1:
            self.service_level_over_one = True
        return value


def _parse_time_cell(cell: Any) -> tuple[int, int | None]:
    """Minutes after midnight of a time cell ("08:15", "8.15", "08:00-08:15", a time), and the range's end."""
    if isinstance(cell, time):
        return _whole_minute(cell.hour, cell.minute, cell.second, cell), None
    if isinstance(cell, datetime):
        return _whole_minute(cell.hour, cell.minute, cell.second, cell), None
    if isinstance(cell, timedelta):
        seconds = int(cell.total_seconds())
        return _whole_minute(seconds // HOUR_S, seconds % HOUR_S // MINUTE_S, seconds % MINUTE_S, cell), None
    if _blank(cell):
        raise ValueError("is empty; give the interval's start time, like 08:15")
    text = str(cell).strip().lower()
    parts = _RANGE.split(text, maxsplit=1)
    start = _clock(parts[0].strip(), cell)
    end = _clock(parts[1].strip(), cell) if len(parts) == 2 else None
    return start, end


def _clock(text: str, cell: Any) -> int:
    match = _TIME_ONLY.match(text)
    if match is None:
        raise ValueError(f"{_show(cell)} is not a time of day; write the interval start like 08:15 (or 8.15)")
    return _minutes_of(match.groups(), cell)


def _minutes_of(groups: Sequence[str | None], cell: Any) -> int:
    hour, minute = int(groups[0] or 0), int(groups[1] or 0)
    second = int(groups[2] or 0)
    meridian = (groups[3] or "").replace(".", "")
    if meridian:
        if not 1 <= hour <= 12:
            raise ValueError(f"{_show(cell)} is not a time of day; with AM/PM the hour is 1 to 12")
        hour = hour % 12 + (12 if meridian == "pm" else 0)
    if hour == 24 and minute == 0:
        hour = 24  # an end of range "24:00"
    elif hour > 23 or minute > 59:
        raise ValueError(f"{_show(cell)} is not a time of day; use 00:00 to 23:59")
    return _whole_minute(hour, minute, second, cell)


def _whole_minute(hour: int, minute: int, second: int, cell: Any) -> int:
    if second:
        raise ValueError(f"{_show(cell)} does not start on a whole minute; give the interval's start, like 08:15")
    return hour * 60 + minute


def _parse_stamp(cell: Any, row: int, column: str, *, date_only: bool = False) -> _Stamp:
    """An interval start (or, with `date_only`, a day) as the cell gives it."""
    what = "a date" if date_only else "an interval start"
    example = "05/01/2026" if date_only else "05/01/2026 08:15"
    if isinstance(cell, datetime):
        minute = 0 if date_only else _whole_minute(cell.hour, cell.minute, cell.second, cell)
        offset = None
        if cell.tzinfo is not None and not date_only:
            delta = cell.utcoffset()
            offset = int(delta.total_seconds() // 60) if delta is not None else None
        return _Stamp(row, column, None, cell.date(), minute, offset, None)
    if isinstance(cell, date):
        if not date_only:
            raise ValueError(f"{_show(cell)} is a date without a time; give the interval start (date and time) or"
                             " a separate time column")
        return _Stamp(row, column, None, cell, 0, None, None)
    if _blank(cell):
        raise ValueError(f"is empty; give {what}, like {example}")
    text = str(cell).strip().lower()
    parts = [text] if _ISO.match(text) else _RANGE.split(text, maxsplit=1)  # "-05:00" may be an ISO offset
    head = parts[0].strip()
    end = None
    if len(parts) == 2:
        end = _range_end(parts[1].strip(), cell)
    iso = _ISO.match(head)
    if iso:
        g = iso.groups()
        day = _date(int(g[0]), int(g[1]), int(g[2]), cell)
        return _Stamp(row, column, None, day, _stamp_minute(g[3:7], date_only, cell), _offset(g[7], cell), end)
    dmy = _DMY.match(head)
    if dmy:
        g = dmy.groups()
        year = int(g[2]) + (2000 if len(g[2]) == 2 else 0)
        month_name = g[1] if g[1].isalpha() else None
        minute = _stamp_minute(g[3:7], date_only, cell)
        if month_name is not None:
            if month_name not in _MONTHS:
                raise ValueError(f"{_show(cell)} has an unknown month {month_name!r}; write the month as a number or"
                                 " as gen/feb/mar… (Italian), ene/feb/mar… (Spanish) or jan/feb/mar…")
            return _Stamp(row, column, None, _date(year, _MONTHS[month_name], int(g[0]), cell), minute, None, end)
        return _Stamp(row, column, (int(g[0]), int(g[1]), year), None, minute, None, end, _cell_text(cell))
    raise ValueError(f"{_show(cell)} is not {what}; write it like {example} or 2026-01-05"
                     + ("" if date_only else " 08:15"))


def _stamp_minute(groups: Sequence[str | None], date_only: bool, cell: Any) -> int:
    if groups[0] is None:
        if date_only:
            return 0
        raise ValueError(f"{_show(cell)} has no time of day; give the interval start with its time, like"
                         " 05/01/2026 08:15, or add a time column")
    if date_only and int(groups[0]) == 0 and int(groups[1] or 0) == 0:
        return 0  # a date cell exported as "05/01/2026 00:00"
    if date_only:
        raise ValueError(f"{_show(cell)} has a time of day in the date column; keep the date here and the time in"
                         " the time column")
    return _minutes_of(groups, cell)


def _range_end(text: str, cell: Any) -> int:
    match = _TIME_ONLY.match(text) or re.search(rf"{_TIME}$", text)
    if match is None:
        raise ValueError(f"{_show(cell)} is not an interval; write its start, or a range like 08:00-08:15")
    return _minutes_of(match.groups(), cell)


def _offset(text: str | None, cell: Any) -> int | None:
    if text is None:
        return None
    if text == "z":
        return 0
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise ValueError(f"{_show(cell)} has no valid UTC offset; write it like +01:00")
    return (hours * 60 + minutes) * (1 if text[0] == "+" else -1)


def _date(year: int, month: int, day: int, cell: Any) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{_show(cell)} is not a date of the calendar (day {day}, month {month}, year {year})") \
            from None


def _resolve_date_order(stamps: Sequence[_Stamp], day_first: bool | None, problems: _Problems) -> None:
    """Read every d/m/y or m/d/y date of the file in one order (see the module docstring)."""
    pending = [s for s in stamps if s.fields is not None]
    if not pending:
        return
    if day_first is None:
        month_first_row = next((s for s in pending if s.fields is not None and s.fields[1] > 12), None)
        day_first_row = next((s for s in pending if s.fields is not None and s.fields[0] > 12), None)
        if month_first_row is not None and day_first_row is not None:
            problems.add(f"has a date that is only valid month-first (row {month_first_row.row}) and one only valid"
                         f" day-first (row {day_first_row.row}); write every date of the file in one order",
                         month_first_row.row, month_first_row.column)
            return
        day_first = month_first_row is None
    for stamp in pending:
        assert stamp.fields is not None
        a, b, year = stamp.fields
        day, month = (a, b) if day_first else (b, a)
        try:
            stamp.day = date(year, month, day)
        except ValueError:
            order = "day/month/year" if day_first else "month/day/year"
            problems.add(f'"{stamp.text}" is not a date when read {order}, as the rest of the file is; correct it',
                         stamp.row, stamp.column)
        stamp.fields = None


def _interval_length(records: Sequence[_Record], problems: _Problems) -> int:
    """15, 30 or 60: the ranges' length when given, else the grid the starts lie on."""
    lengths = {(r.stamp.end_minute - r.stamp.minute) % (24 * 60) for r in records if r.stamp.end_minute is not None}
    if lengths:
        if len(lengths) == 1 and (length := lengths.pop()) in INTERVAL_MINUTES:
            return length
        problems.add(f"has intervals of {sorted(lengths)} minutes; export 15-, 30- or 60-minute intervals, all of"
                     " one length")
        return 60
    grid = 60
    for record in records:
        grid = math.gcd(grid, record.stamp.minute % 60)
    if grid not in INTERVAL_MINUTES:
        first = next(r for r in records if r.stamp.minute % 60 % 15)
        problems.add(f"starts an interval at {first.stamp.minute // 60:02d}:{first.stamp.minute % 60:02d}, off the"
                     " 15-minute grid; export 15-, 30- or 60-minute intervals", first.stamp.row, first.stamp.column)
        return 60
    return grid


def _assemble(records: Sequence[_Record], minutes: int, zone: ZoneInfo, timezone: str, columns: frozenset[str],
              problems: _HistoryProblems) -> History:
    """Place every row on the local day-and-interval grid, handling the days clocks change."""
    placed: list[tuple[_Record, date, int]] = []
    seen: dict[tuple[date, int, int | None], list[int]] = {}
    for record in records:
        stamp = record.stamp
        assert stamp.day is not None
        if stamp.minute % minutes:
            problems.add(f"starts at {stamp.minute // 60:02d}:{stamp.minute % 60:02d}, off the {minutes}-minute grid"
                         f" of the file; give interval starts at multiples of {minutes} minutes", stamp.row,
                         stamp.column)
            continue
        local = datetime.combine(stamp.day, time()) + timedelta(minutes=stamp.minute)
        fold: int | None = None  # which of a repeated hour's two passes, when the row's UTC offset says
        if stamp.offset is not None:
            moment = local.replace(tzinfo=fixed_offset(timedelta(minutes=stamp.offset))).astimezone(zone)
            local, fold = moment.replace(tzinfo=None), moment.fold
        kind = _clock_kind(local, zone)
        if kind == "missing":
            if any(record.values.get(k, 0) for k in ("offered", "answered", "abandoned")):
                problems.add(f"{local:%H:%M} on {local:%Y-%m-%d} does not exist in {timezone} (clocks go forward that"
                             " night); check the time zone, or whether the export is in UTC", stamp.row, stamp.column)
            continue
        key = (local.date(), local.hour * 60 + local.minute, fold)
        earlier = seen.setdefault(key, [])
        allowed = 2 if kind == "repeated" and fold is None else 1
        if len(earlier) >= allowed:
            hint = "" if kind != "repeated" else " (the repeated hour of the clock change is allowed twice, not more)"
            problems.add(f"repeats the interval {local:%Y-%m-%d %H:%M} of row {earlier[0]}{hint}; keep one row per"
                         " interval", stamp.row, stamp.column)
            continue
        earlier.append(stamp.row)
        placed.append((record, local.date(), (local.hour * 60 + local.minute) // minutes))
    if problems:
        raise problems.error()
    if not placed:
        raise problems.fail("has no interval with calls; add one row per interval")
    return _arrays(placed, minutes, timezone, columns, problems.path.name, _clock_change_days(placed, zone))


def _clock_kind(local: datetime, zone: ZoneInfo) -> str:
    """'missing' (skipped by a spring-forward change), 'repeated' (a fall-back hour) or 'normal'."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "normal"
    round_trip = first.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    return "missing" if round_trip != local else "repeated"


def _clock_change_days(placed: Sequence[tuple[_Record, date, int]], zone: ZoneInfo) -> tuple[tuple[date, str], ...]:
    """Days of the history on which clocks changed, whether or not the file had rows at those hours."""
    first = min(d for _, d, _ in placed)
    last = max(d for _, d, _ in placed)
    out = []
    day = first
    while day <= last:
        start = datetime.combine(day, time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        hours = (end.astimezone(ZoneInfo("UTC")) - start.astimezone(ZoneInfo("UTC"))).total_seconds() / HOUR_S
        if hours != 24:
            out.append((day, "forward" if hours < 24 else "back"))
        day += timedelta(days=1)
    return tuple(out)


def _arrays(placed: Sequence[tuple[_Record, date, int]], minutes: int, timezone: str, columns: frozenset[str],
            source: str, changes: tuple[tuple[date, str], ...]) -> History:
    first = min(d for _, d, _ in placed)
    days = (max(d for _, d, _ in placed) - first).days + 1
    shape = (days, 24 * 60 // minutes)
    arrays = {name: np.zeros(shape) for name in ("offered", "answered", "abandoned", "handle_s", "abandon_wait_s",
                                                   "answer_wait_s", "sl_weight", "sl_sum", "rows")}
    for record, day, slot in placed:
        at = ((day - first).days, slot)
        v = record.values
        offered = v.get("offered", 0.0)
        abandoned = v.get("abandoned", 0.0)
        answered = v.get("answered", offered - abandoned if "abandoned" in v else offered)
        arrays["offered"][at] += offered
        arrays["answered"][at] += answered
        arrays["abandoned"][at] += abandoned
        arrays["handle_s"][at] += v.get("aht", 0.0) * answered
        arrays["answer_wait_s"][at] += v.get("asa", 0.0) * answered
        arrays["abandon_wait_s"][at] += v.get("abandon_time", 0.0) * abandoned
        if "service_level" in v:
            weight = max(offered, 1e-9)  # the repeated hour's two rows weigh by their calls
            arrays["sl_weight"][at] += weight
            arrays["sl_sum"][at] += v["service_level"] * weight
        arrays["rows"][at] += 1
    sl = np.full(shape, np.nan)
    np.divide(arrays["sl_sum"], arrays["sl_weight"], out=sl, where=arrays["sl_weight"] > 0)
    return History(
        source=source, timezone=timezone, interval_minutes=minutes, start_date=first,
        offered=arrays["offered"], answered=arrays["answered"], abandoned=arrays["abandoned"],
        handle_s=arrays["handle_s"], abandon_wait_s=arrays["abandon_wait_s"], answer_wait_s=arrays["answer_wait_s"],
        service_level=sl, rows=arrays["rows"].astype(int), columns=columns, clock_changes=changes,
    )


__all__ = ["COLUMNS", "OPTIONAL", "History", "HistoryError", "PortfolioProblem", "history_header", "read_history"]
