"""Native Excel charts (openpyxl.chart) built from cell ranges of the report's own sheets.

Charts point at cells rather than embedding numbers, so a planner who edits or filters the
data sees the chart follow, and Excel or LibreOffice draw them with their own engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.chart.legend import Legend
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.worksheet.worksheet import Worksheet

WIDTH_CM = 14.0
HEIGHT_CM = 8.0


@dataclass(frozen=True)
class ColumnRange:
    """A column of a table on some sheet: header row plus data rows (for chart series)."""

    ws: Worksheet
    col: int
    header_row: int
    last_row: int

    def with_header(self) -> Reference:
        """The range including its header, so the series takes its name from it."""
        return Reference(self.ws, min_col=self.col, min_row=self.header_row, max_row=self.last_row)

    def data(self) -> Reference:
        """The data cells only (categories)."""
        return Reference(self.ws, min_col=self.col, min_row=self.header_row + 1, max_row=self.last_row)


@dataclass(frozen=True)
class Categories:
    """A chart's x axis: the category cells, the axis title, how they are written and how many get a label.

    Attributes:
        cells: the category column (times of day, dates, KPI names).
        title: the axis title ("" for none).
        number_format: how the labels are written ("hh:mm", "dd/mm"); None keeps the cells' own.
        label_every: label one category in this many, so 96 intervals do not overlap.
    """

    cells: ColumnRange
    title: str
    number_format: str | None = None
    label_every: int = 1

    @classmethod
    def days(cls, ws: Worksheet, header_row: int, last_row: int) -> Categories:
        """The dates in the first column of a by-day table."""
        return cls(ColumnRange(ws, 1, header_row, last_row), "Day", "dd/mm")


def _title(text: str, size_pt: float = 11) -> Title:
    """A chart title in a modest bold font; the default 18 pt crowds a dashboard-sized chart."""
    props = CharacterProperties(sz=int(size_pt * 100), b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _frame(chart: BarChart | LineChart, title: str, x: Categories, y_title: str, y_format: str | None) -> None:
    """Title, size, both axes and the legend of a chart whose series are added."""
    chart.set_categories(x.cells.data())
    chart.title = _title(title)
    chart.width = WIDTH_CM  # type: ignore[assignment]  # stubs say int; openpyxl takes cm as float (height: 7.5)
    chart.height = HEIGHT_CM
    chart.x_axis.title = x.title or None
    if x.number_format:
        chart.x_axis.number_format = x.number_format
        chart.x_axis.numFmt.sourceLinked = False
    if isinstance(chart.x_axis, TextAxis):  # what Bar/LineChart create; a date axis would have no label skip
        chart.x_axis.tickLblSkip = x.label_every
        chart.x_axis.tickMarkSkip = x.label_every
    chart.y_axis.title = y_title
    if y_format:
        chart.y_axis.number_format = y_format
    chart.y_axis.scaling.min = 0
    chart.legend = Legend(legendPos="b")
    # openpyxl >= 3.1 writes axes as deleted unless told otherwise; Excel then hides the labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _straight_lines(lines: Sequence[ColumnRange]) -> LineChart:
    """Line series drawn straight (Excel would smooth them)."""
    chart = LineChart()
    for line in lines:
        chart.add_data(line.with_header(), titles_from_data=True)
    for series in chart.series:
        series.smooth = False
    return chart


def _secondary_lines(
    categories: ColumnRange, lines: Sequence[ColumnRange], y_title: str, number_format: str
) -> LineChart:
    """Line series on a secondary y axis at the right (from zero), for rates drawn over volumes."""
    chart = _straight_lines(lines)
    chart.set_categories(categories.data())
    chart.y_axis.scaling.min = 0
    # Excel's own combo charts give the secondary group a hidden category axis of its own;
    # sharing the primary one makes LibreOffice draw a second, duplicated x axis on top.
    chart.x_axis = TextAxis(axId=500, crossAx=200, delete=True)
    chart.y_axis.axId = 200
    chart.y_axis.crossAx = 500
    chart.y_axis.title = y_title
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = None
    chart.y_axis.crosses = "max"
    chart.y_axis.delete = False
    return chart


def volume_and_rate_chart(
    title: str,
    x: Categories,
    bars: Sequence[ColumnRange],
    lines: Sequence[ColumnRange],
    *,
    bar_title: str,
    line_title: str,
    line_format: str = "0%",
    line_max: float | None = 1.0,
) -> BarChart:
    """Columns for volumes (left axis) with rate lines (right axis), e.g. offered and SL."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.gapWidth = 40
    for bar in bars:
        chart.add_data(bar.with_header(), titles_from_data=True)
    _frame(chart, title, x, bar_title, None)
    if lines:
        secondary = _secondary_lines(x.cells, lines, line_title, line_format)
        if line_max is not None:
            secondary.y_axis.scaling.max = line_max
        chart += secondary
    return chart


def lines_chart(
    title: str, x: Categories, lines: Sequence[ColumnRange], *, y_title: str, y_format: str | None = None,
) -> LineChart:
    """Plain line chart on one axis from zero, e.g. agents available against agents required."""
    chart = _straight_lines(lines)
    _frame(chart, title, x, y_title, y_format)
    return chart


def stacked_bars(
    title: str, x: Categories, series: Sequence[ColumnRange], *, y_title: str, y_format: str,
) -> BarChart:
    """Columns stacked per category, one series per part of a whole (costs by category per day)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100  # stacked columns must overlap fully, or Excel draws them side by side
    chart.gapWidth = 50
    for column in series:
        chart.add_data(column.with_header(), titles_from_data=True)
    _frame(chart, title, x, y_title, y_format)
    return chart


def clustered_bars(
    title: str, x: Categories, series: Sequence[ColumnRange], *, y_title: str, y_format: str,
    y_max: float | None = None,
) -> BarChart:
    """Side-by-side columns per category, one series per scenario (the comparison chart)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    for column in series:
        chart.add_data(column.with_header(), titles_from_data=True)
    _frame(chart, title, x, y_title, y_format)
    if y_max is not None:
        chart.y_axis.scaling.max = y_max
    return chart
