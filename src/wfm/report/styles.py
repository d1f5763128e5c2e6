"""Cell formats and table layout shared by every sheet of the report.

Formats follow the KPI's unit (`wfm.kpi.KpiDef.unit`), so a KPI added to `KPI_DEFS` is shown
right without touching the report: ratios as percentages, seconds as mm:ss durations, money
in the scenario's currency (`money_format`), counts with a thousands separator.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from wfm.kpi import CURRENCY_SYMBOLS, DEFAULT_CURRENCY, KPI_BY_KEY, minor_units
from wfm.scenario.units import DAY_S

# Excel keeps durations as fractions of a day; "[m]:ss" shows minutes beyond 59 instead of wrapping.
FORMATS: dict[str, str] = {
    "ratio": "0.0%",
    "seconds": "[m]:ss",
    "count": "#,##0",
    # A count's mean over replications (1.7 attempts per account): a decimal below 100, where
    # rounding to a whole number would change what it says, none above.
    "count_mean": "[>=100]#,##0;0.0",
    "agents": "0.0",
    "number": "#,##0.00",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "time": "[hh]:mm",
    "general": "General",
    # Differences: a negative duration shows as ##### in Excel, so time deltas stay in seconds.
    "seconds_delta": '+0.0" s";-0.0" s";0.0" s"',
    "count_delta": "+#,##0.0;-#,##0.0;0.0",
    "ratio_delta": "+0.0%;-0.0%;0.0%",
    "agents_gap": "+0.0;[Red]-0.0;0.0",  # understaffing stands out in red
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}



def money_format(currency: str, decimals: int | None = None) -> str:
    """Excel number format for amounts in `currency`: its symbol when common, else its ISO code.

    `decimals` defaults to the currency's minor units (2, or 0 for yen-like currencies); charts
    pass 0 so axis labels stay short.
    """
    code = currency.strip().upper()
    places = decimals if decimals is not None else minor_units(code)
    number = "#,##0" + ("." + "0" * places if places else "")
    symbol = CURRENCY_SYMBOLS.get(code)
    prefix = symbol if symbol else f"{code} "
    return f'"{prefix}"{number}'


FORMATS["money"] = money_format(DEFAULT_CURRENCY)  # the default scenario's currency; sheets pass their own


def number_format(unit: str, currency: str = DEFAULT_CURRENCY) -> str:
    """The Excel format of a unit, money in the given currency."""
    return money_format(currency) if unit == "money" else FORMATS[unit]

TITLE_FONT = Font(bold=True, size=16, color="1F3864")
SUBTITLE_FONT = Font(italic=True, size=10, color="595959")
LABEL_FONT = Font(bold=True, size=10, color="404040")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
GOOD_FONT = Font(bold=True, color="006100")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(bold=True, color="9C0006")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN_BOTTOM = Border(bottom=Side(style="thin", color="BFBFBF"))
SUBTITLE_CHARS = 110  # characters of a subtitle line: within the narrowest printed table (Inputs, portrait)


def mean_unit(unit: str) -> str:
    """Display unit for a KPI's mean over replications: counts keep a decimal when small (1.7, not 2)."""
    return "count_mean" if unit == "count" else unit


def delta_unit(unit: str) -> str:
    """Display unit for a difference between two values of a KPI (signed, time in seconds)."""
    return {"ratio": "ratio_delta", "seconds": "seconds_delta", "count": "count_delta"}.get(unit, unit)


def unit_of(key: str) -> str:
    """The display unit of a KPI key; keys not (yet) in `KPI_DEFS` are shown as plain numbers."""
    definition = KPI_BY_KEY.get(key)
    return definition.unit if definition is not None else "number"


def cell_value(value: Any, unit: str) -> Any:
    """A value as Excel should store it: a number (never text), None for a missing value.

    NaN and infinities have no place in a workbook (Excel rejects the file), so a KPI without
    a value (no calls: no rate) becomes an empty cell. Seconds become fractions of a day so
    that the mm:ss format shows them as durations.
    """
    if value is None:
        return None
    if isinstance(value, bool | str | date | datetime):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    if unit == "seconds":
        return number / DAY_S
    if unit in ("count", "integer") and number.is_integer():
        return int(number)
    return number


@dataclass(frozen=True)
class Styled:
    """A value with its own unit, for tables whose rows mix units (one KPI per row).

    `currency` overrides the table's for money, in tables whose columns are different scenarios.
    """

    value: Any
    unit: str
    currency: str | None = None


@dataclass(frozen=True)
class Column:
    """One column of a table: header text, display unit and width in characters."""

    header: str
    unit: str = "number"
    width: float = 12.0
    align: str | None = None


def write_title(
    ws: Worksheet, title: str, facts: Sequence[tuple[str, Any]], subtitle: str = "", per_row: int = 2
) -> int:
    """Title block at the top of a sheet; returns the first free row below it.

    `facts` are label/value pairs (scenario, generated, replications, seed…) laid out `per_row` to
    a row so the block stays short and prints within the page width.
    """
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    row = 2
    # One line per row: a long sentence in one cell runs past the printed page and is cut off.
    for line in textwrap.wrap(subtitle, SUBTITLE_CHARS):
        ws.cell(row=row, column=1, value=line).font = SUBTITLE_FONT
        row += 1
    for i in range(0, len(facts), per_row):
        for j, (label, value) in enumerate(facts[i:i + per_row]):
            col = 1 + 3 * j
            ws.cell(row=row, column=col, value=label).font = LABEL_FONT
            cell = ws.cell(row=row, column=col + 1, value=value)
            cell.alignment = Alignment(horizontal="left")
            if isinstance(value, datetime):
                cell.number_format = FORMATS["datetime"]
                letter = get_column_letter(col + 1)
                ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 17)
            elif isinstance(value, date):
                cell.number_format = FORMATS["date"]
        row += 1
    return row + 1


def write_table(
    ws: Worksheet,
    top: int,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    left: int = 1,
    freeze: bool = True,
    autofilter: bool = True,
    currency: str = DEFAULT_CURRENCY,
) -> tuple[int, int]:
    """A header row plus data rows with per-column formats; returns (first data row, last data row).

    A row value may be a `Styled` to override its column's unit (tables with one KPI per row).
    Money is formatted in `currency`.

    Values go through `cell_value`, so the table holds numbers in the unit Excel expects.
    The header row is frozen (with the first column) and gets an autofilter, which is what a
    planner reaches for first when a table is long.
    """
    for j, column in enumerate(columns):
        cell = ws.cell(row=top, column=left + j, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(left + j)
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(current, column.width)
    ws.row_dimensions[top].height = 45  # three lines of a wrapped header
    # Setting a style attribute looks the style up in the workbook's tables every time, which
    # dominated a year of intervals; a cell's style is the same per column and unit, so the
    # first such cell is styled and the others get a copy of its style indices.
    styled: dict[tuple[int, str, str], Any] = {}
    row = top
    for row_values in rows:
        row += 1
        for j, (column, value) in enumerate(zip(columns, row_values, strict=True)):
            unit, money = column.unit, currency
            if isinstance(value, Styled):
                value, unit, money = value.value, value.unit, value.currency or currency
            cell = ws.cell(row=row, column=left + j, value=cell_value(value, unit))
            style = styled.get((j, unit, money))
            if style is not None:
                cell._style = copy(style)
                continue
            if unit in FORMATS and unit != "text":
                cell.number_format = number_format(unit, money)
            cell.border = THIN_BOTTOM
            if column.align:
                cell.alignment = Alignment(horizontal=column.align)
            styled[(j, unit, money)] = copy(cell._style)
    if freeze:
        ws.freeze_panes = f"{get_column_letter(left + 1)}{top + 1}"
    if autofilter and row > top:
        ws.auto_filter.ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(columns) - 1)}{row}"
    return top + 1, row


PAGE_WIDTH_CHARS = {True: 190, False: 130}  # column-width characters one A4 page holds at ~75% (landscape, portrait)


def set_print_layout(
    ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None, title_cols: str | None = None
) -> None:
    """Print as few pages wide as keep the text readable, as tall as needed, and never cut a column.

    A table of a few columns prints one page wide. A wide one (every daily KPI) squeezed onto
    one page would shrink to an unreadable size, so it spreads over as many pages side by
    side as its width needs, each repeating `title_cols` (the date) and `title_rows` (the header).
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
    pages = max(1, math.ceil(width / PAGE_WIDTH_CHARS[landscape])) if title_cols else 1
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if pages > 1:
        ws.page_setup.pageOrder = "overThenDown"  # a day's row reads across its pages before the next days
        ws.print_title_cols = title_cols
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
