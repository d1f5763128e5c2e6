"""Interval history import: locale formats, the days clocks change, XLSX cells, and row/column error messages."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from wfm.planning.history import HistoryError, read_history

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "history_sample.csv"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def slot(hour: int, minute: int, interval: int = 15) -> int:
    return (hour * 60 + minute) // interval


def test_italian_export_with_decimal_commas_percentages_and_durations(tmp_path: Path) -> None:
    path = write(tmp_path / "it.csv", (
        "Intervallo;Offerte;Risposte;Abbandonate;AHT (s);Attesa media abbandono;ASA;Livello di servizio\n"
        "05/01/2026 08:00;12;10;2;312,5;40;00:12;85,3%\n"
        "05/01/2026 8.15;1.204;1.200;4;05:00;1:00;0;100%\n"
    ))
    history = read_history(path)
    assert history.interval_minutes == 15
    assert history.start_date == date(2026, 1, 5)
    at, later = (0, slot(8, 0)), (0, slot(8, 15))
    assert history.offered[at] == 12 and history.offered[later] == 1204  # "1.204": a thousands point
    assert history.handle_s[at] == pytest.approx(312.5 * 10)
    assert history.handle_s[later] == pytest.approx(300 * 1200)  # mm:ss
    assert history.answer_wait_s[at] == pytest.approx(12 * 10)
    assert history.abandon_wait_s[at] == pytest.approx(40 * 2) and history.abandon_wait_s[later] == 60 * 4
    assert history.service_level[at] == pytest.approx(0.853) and history.service_level[later] == 1.0
    assert history.columns == {"answered", "abandoned", "aht", "abandon_time", "asa", "service_level"}


def test_spanish_export_with_month_names_date_and_time_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "es.csv", (
        "Fecha;Hora;Llamadas ofrecidas;Atendidas;Abandonadas;TMO\n"
        "05-ene-2026;09:00 - 09:30;30;28;2;280,0\n"
        "06-ene-2026;09:30 - 10:00;31;31;0;290\n"
    ))
    history = read_history(path)
    assert history.interval_minutes == 30  # from the ranges
    assert history.days == 2
    assert history.offered[0, slot(9, 0, 30)] == 30 and history.offered[1, slot(9, 30, 30)] == 31
    assert history.handle_s[0, slot(9, 0, 30)] == pytest.approx(280 * 28)


def test_day_first_unless_a_date_says_month_first(tmp_path: Path) -> None:
    day_first = read_history(write(tmp_path / "a.csv", "start,offered\n05/01/2026 10:00,3\n06/01/2026 10:00,4\n"))
    assert day_first.start_date == date(2026, 1, 5) and day_first.days == 2
    month_first = read_history(write(tmp_path / "b.csv", "start,offered\n01/05/2026 10:00,3\n01/13/2026 10:00,4\n"))
    assert month_first.start_date == date(2026, 1, 5) and month_first.days == 9
    with pytest.raises(HistoryError) as caught:
        read_history(write(tmp_path / "c.csv", "start,offered\n13/01/2026 10:00,3\n01/13/2026 10:00,4\n"))
    assert "only valid month-first (row 3) and one only valid day-first (row 2)" in str(caught.value)


def test_hourly_grid_is_read_from_the_starts(tmp_path: Path) -> None:
    history = read_history(write(tmp_path / "h.csv", "start,offered\n2026-01-05 08:00,3\n2026-01-05 10:00,4\n"))
    assert history.interval_minutes == 60 and history.offered.shape == (1, 24)


def test_spring_forward_day_has_no_missing_hour_and_padded_rows_are_skipped(tmp_path: Path) -> None:
    rows = ["start;offered"]
    day = datetime(2026, 3, 29)
    for quarter in range(96):
        moment = day + timedelta(minutes=15 * quarter)
        if moment.hour == 2:
            rows.append(f"{moment:%d/%m/%Y %H:%M};0")  # a padded grid: the hour that does not exist, no calls
        else:
            rows.append(f"{moment:%d/%m/%Y %H:%M};1")
    history = read_history(write(tmp_path / "spring.csv", "\n".join(rows)))
    assert history.clock_changes == ((date(2026, 3, 29), "forward"),)
    assert history.offered.sum() == 92
    assert history.rows[0, slot(2, 0):slot(3, 0)].sum() == 0


def test_a_call_in_the_missing_hour_is_an_error_naming_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "spring.csv", "Interval start;Offered\n29/03/2026 01:45;2\n29/03/2026 02:15;3\n")
    with pytest.raises(HistoryError) as caught:
        read_history(path)
    assert str(caught.value) == (
        'spring.csv row 3, column "Interval start": 02:15 on 2026-03-29 does not exist in Europe/Rome (clocks go'
        " forward that night); check the time zone, or whether the export is in UTC")


def test_fall_back_day_adds_the_repeated_hour_naive_or_with_offsets(tmp_path: Path) -> None:
    naive = write(tmp_path / "naive.csv", (
        "start;offered;aht\n25/10/2026 01:45;1;100\n25/10/2026 02:00;2;100\n25/10/2026 02:00;3;200\n"
        "25/10/2026 03:00;4;100\n"
    ))
    history = read_history(naive)
    assert history.clock_changes == ((date(2026, 10, 25), "back"),)
    at = (0, slot(2, 0))
    assert history.offered[at] == 5 and history.rows[at] == 2
    assert history.handle_s[at] == pytest.approx(2 * 100 + 3 * 200)
    third = write(tmp_path / "third.csv", "start;offered\n25/10/2026 02:00;2\n25/10/2026 02:00;3\n25/10/2026 02:00;1\n")
    with pytest.raises(HistoryError, match="row 4.*repeats the interval 2026-10-25 02:00 of row 2"):
        read_history(third)
    offsets = write(tmp_path / "offsets.csv", (
        "start,offered\n2026-10-25T02:00+02:00,2\n2026-10-25T02:00+01:00,3\n2026-10-25T01:00Z,7\n"
    ))
    with pytest.raises(HistoryError, match="row 4.*repeats the interval 2026-10-25 02:00 of row 3"):
        read_history(offsets)  # 01:00 UTC is 02:00 in the second pass of the hour, already given by row 3
    history = read_history(write(tmp_path / "offsets_ok.csv", "start,offered\n2026-10-25T02:00+02:00,2\n"
                                                             "2026-10-25T02:00+01:00,3\n2026-10-25T09:00-05:00,1\n"))
    assert history.interval_minutes == 60  # every start on the hour
    assert history.offered[0, 2] == 5 and history.rows[0, 2] == 2
    assert history.offered[0, 15] == 1  # 09:00 at UTC-05:00 is 15:00 in Rome


def test_a_repeated_interval_on_a_normal_day_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.csv", "start,offered\n2026-01-05 08:00,2\n2026-01-05 08:00,3\n")
    with pytest.raises(HistoryError) as caught:
        read_history(path)
    assert str(caught.value) == ('dup.csv row 3, column "start": repeats the interval 2026-01-05 08:00 of row 2; keep'
                                 " one row per interval")


def test_every_bad_cell_is_reported_with_row_column_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", (
        "Interval start;Offered;AHT;Service level\n"
        "05/01/2026 08:00;12.5;312.5;80%\n"
        "32/01/2026 08:15;3;abc;\n"
        "05/01/2026 08:20;3;300;\n"
        "05/01/2026;4;300;\n"
    ))
    with pytest.raises(HistoryError) as caught:
        read_history(path)
    assert caught.value.lines() == [
        'bad.csv row 2, column "Offered": "12.5" is not a number of calls; write a whole number such as 42 (this'
        " ;-separated file uses the decimal comma: write 12,5)",
        'bad.csv row 2, column "AHT": "312.5" is not a duration; write seconds (312,5) or mm:ss or h:mm:ss (05:12)'
        " (this ;-separated file uses the decimal comma: write 312,5)",
        'bad.csv row 3, column "Interval start": "32/01/2026 08:15" is not a date when read day/month/year, as the'
        " rest of the file is; correct it",
        'bad.csv row 3, column "AHT": "abc" is not a duration; write seconds (312,5) or mm:ss or h:mm:ss (05:12)',
        'bad.csv row 5, column "Interval start": "05/01/2026" has no time of day; give the interval start with its'
        " time, like 05/01/2026 08:15, or add a time column",
    ]


def test_off_grid_start_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=r'row 3, column "start": starts at 08:20, off the 15-minute grid'):
        read_history(write(tmp_path / "grid.csv", "start,offered\n2026-01-05 08:00,1\n2026-01-05 08:20,1\n"
                                                  "2026-01-05 08:15,1\n"), interval_minutes=15)
    with pytest.raises(HistoryError) as caught:
        read_history(write(tmp_path / "cols.csv", "when,calls handled\n2026-01-05 08:00,1\n"))
    assert 'row 1: has no "offered" column' in str(caught.value)
    assert 'row 1: has no interval start: give a "start" column' in str(caught.value)


def test_service_level_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=r'row 3, column "sl": 120% is not a service level'):
        read_history(write(tmp_path / "sl.csv", "start,offered,sl\n2026-01-05 08:00,1,85.5\n2026-01-05 08:15,1,120\n"))


def test_xlsx_with_datetime_and_time_cells_and_title_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Intervals"
    sheet.append(["Interval report, queue Collections"])
    sheet.append([])
    sheet.append(["Interval Start", "Offered", "Answered", "Abandoned", "AHT", "ASA", "Avg Abandon Time"])
    sheet.append([datetime(2026, 1, 5, 8, 0), 10, 9, 1, time(0, 5, 0), 12.5, timedelta(seconds=30)])
    sheet.append([datetime(2026, 1, 5, 8, 30), 8, 8, 0, 280, "0:10", None])
    book.save(tmp_path / "report.xlsx")
    history = read_history(tmp_path / "report.xlsx", sheet="Intervals")
    assert history.interval_minutes == 30
    assert history.offered[0, slot(8, 0, 30)] == 10 and history.offered[0, slot(8, 30, 30)] == 8
    assert history.handle_s[0, slot(8, 0, 30)] == pytest.approx(300 * 9)
    assert history.answer_wait_s[0, slot(8, 30, 30)] == pytest.approx(10 * 8)
    assert history.abandon_wait_s[0, slot(8, 0, 30)] == pytest.approx(30)
    with pytest.raises(HistoryError, match='sheet "Nope".*the workbook\'s sheets are "Intervals"'):
        read_history(tmp_path / "report.xlsx", sheet="Nope")


def test_the_shipped_sample_is_a_simulated_italian_export() -> None:
    history = read_history(SAMPLE)
    assert history.interval_minutes == 15 and history.days == 16 * 7
    assert history.start_date == date(2026, 1, 5)
    assert history.clock_changes == ((date(2026, 3, 29), "forward"),)
    assert history.rows[history.dates.index(date(2026, 3, 29))].sum() == 92
    assert history.columns == {"answered", "abandoned", "aht", "abandon_time", "asa", "service_level"}
    sundays = history.weekdays == 6
    assert history.offered[sundays].sum() == 0
    assert np.all(history.answered + history.abandoned <= history.offered)
    assert SAMPLE.read_text(encoding="utf-8").splitlines()[1].startswith("# SIMULATED interval history")


def test_the_sample_is_what_its_generator_writes() -> None:
    """The first two weeks again from the script (week w is replication w): a model change shows up here first.

    If the simulator's numbers change on purpose, regenerate the sample with
    `python scripts/make_history_sample.py` and say so in the commit.
    """
    spec = importlib.util.spec_from_file_location("make_history_sample", REPO / "scripts" / "make_history_sample.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    rows = generator.make_rows(weeks=2)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    body = lines[lines.index(";".join(generator.HEADER)) + 1:]
    assert body[:len(rows)] == [";".join(r) for r in rows]
