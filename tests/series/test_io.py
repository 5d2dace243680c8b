"""Tests of rnnkit.series.io (`read_series`), with its engines and cell parsing."""

from __future__ import annotations

import datetime
import sys

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, engines, read_series
from rnnkit.series.parsing import blank, excel_day_zero, is_datelike, row_number, to_numbers
from tests._bad_input import (
    bad_input_test,
    case,
    dated,
    duplicate_dates,
    t,
    unsorted_dates,
    using,
    with_cell,
)
from tests.series._helpers import make_workbook
from tests.series.test_dialect import REFUSED

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- read_series: files
    case("read-missing-file", using(lambda c: t(read_series, c.tmp / "nope.csv")),
         FileNotFoundError, "nope.csv", "does not exist"),
    case("read-unsupported-suffix", using(lambda c: t(read_series, c.write("d.json", "{}"))),
         ValueError, "'.json'", ".xlsx", ".csv"),
    case("read-folder", using(lambda c: t(read_series, c.tmp)), ValueError, "folder"),
    case("read-path-not-a-path", t(read_series, 123), ValueError, "path=123"),
    case("read-empty-csv-file", using(lambda c: t(read_series, c.write("e.csv", ""))),
         ValueError, "e.csv", "empty"),
    case("read-header-only", using(lambda c: t(read_series, c.write("h.csv", "month,value\n"))),
         ValueError, "h.csv", "no data rows"),
    case("read-not-utf8-csv",
         using(lambda c: t(read_series, c.write("latin.csv", "v,w\n1,caf\xe9\n", "latin-1"))),
         ValueError, "latin.csv", "UTF-8", "encoding="),
    case("read-bad-encoding",
         using(lambda c: t(read_series, c.csv(dated()), encoding="utf-9")),
         ValueError, "encoding='utf-9'", "'latin-1'"),
    case("read-damaged-xlsx", using(lambda c: t(read_series, c.write("bad.xlsx", "not a zip"))),
         ValueError, "bad.xlsx", "not a readable Excel workbook"),
    case("read-sheet-not-found",
         using(lambda c: t(read_series, c.xlsx({"sales": dated(), "costs": dated()}),
                           sheet="profit")),
         ValueError, "sheet='profit'", "'sales'", "'costs'"),
    case("read-sheet-index-out-of-range",
         using(lambda c: t(read_series, c.xlsx({"sales": dated()}), sheet=3)),
         ValueError, "sheet=3", "'sales'", "1 sheet(s)"),
    case("read-sheet-of-a-csv", using(lambda c: t(read_series, c.csv(dated()), sheet="x")),
         ValueError, "sheet='x'", ".csv"),
    case("read-column-not-found",
         using(lambda c: t(read_series, c.csv(dated()), columns=["price"])),
         KeyError, "'price'", "'month'", "'value'"),
    case("read-columns-not-names", using(lambda c: t(read_series, c.csv(dated()), columns=5)),
         ValueError, "columns=5"),
    case("read-date-column-not-found",
         using(lambda c: t(read_series, c.csv(dated()), date_column="day")),
         KeyError, "date_column='day'", "'month'"),
    case("read-date-auto-finds-none",
         using(lambda c: t(read_series, c.csv(pd.DataFrame({"v": [1, 2, 3]})),
                           date_column="auto")),
         ValueError, "date_column='auto'", "'v'"),
    case("read-no-numeric-column",
         using(lambda c: t(read_series, c.csv(pd.DataFrame({"name": ["a", "b", "c"],
                                                            "city": ["x", "y", "z"]})))),
         ValueError, "no numeric column", "'name'", "'city'"),
    case("read-non-numeric-cell",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 3, "abc")),
                           date_column="month")),
         ValueError, "'value'", "row 5", "'abc'"),
    case("read-all-empty-column",
         using(lambda c: t(read_series, c.csv(dated(empty=[None] * 12)), date_column="month",
                           columns=["value", "empty"])),
         ValueError, "'empty'", "empty"),
    case("read-missing-values-error",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 4, None)),
                           date_column="month")),
         ValueError, "missing value", "2000-05-01", "missing='interpolate'"),
    case("read-infinite-value",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 2, "inf")),
                           date_column="month")),
         ValueError, "'value'", "row 4", "finite"),
    case("read-bad-missing-option", using(lambda c: t(read_series, c.csv(dated()),
                                                      missing="fill")),
         ValueError, "missing='fill'", "'interpolate'"),
    case("read-duplicate-dates",
         using(lambda c: t(read_series, c.csv(duplicate_dates()), date_column="month")),
         ValueError, "duplicate", "2000-03-01", "(row 4)", "(row 5)"),
    case("read-unsorted-dates",
         using(lambda c: t(read_series, c.csv(unsorted_dates()), date_column="month")),
         ValueError, "'month'", "increasing order", "2000-03-01", "row 5", "sort=True"),
    case("read-sort-not-bool", using(lambda c: t(read_series, c.csv(dated()), sort="no")),
         ValueError, "sort='no'", "True or False"),
    case("read-not-a-date",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "month", 2, "soon")),
                           date_column="month")),
         ValueError, "'month'", "'soon'", "row 4"),
    case("read-bad-engine", using(lambda c: t(read_series, c.xlsx({"s": dated()}),
                                              engine="xlrd")),
         ValueError, "engine='xlrd'", "'calamine'"),
    case("read-fallback-index-not-bool",
         using(lambda c: t(read_series, c.csv(dated()), date_column="auto",
                           fallback_index="yes")),
         ValueError, "fallback_index='yes'", "True or False"),
    # ---------------------------------------------------------------- read_series: dialect
    case("read-bad-sep", using(lambda c: t(read_series, c.csv(dated()), sep="ab")),
         ValueError, "sep='ab'", "one character"),
    case("read-bad-decimal", using(lambda c: t(read_series, c.csv(dated()), decimal=";")),
         ValueError, "decimal=';'", "'.' or ','"),
    case("read-bad-thousands",
         using(lambda c: t(read_series, c.csv(dated()), decimal=",", thousands=",")),
         ValueError, "thousands=','", "differ from decimal="),
    case("read-sep-is-thousands", using(lambda c: t(read_series, c.csv(dated()), sep=",",
                                                    thousands=",")),
         ValueError, "sep=','", "thousands separator", "must differ"),
    case("read-bad-header", using(lambda c: t(read_series, c.csv(dated()), header=1)),
         ValueError, "header=1", "0", "None"),
    case("read-bad-dayfirst", using(lambda c: t(read_series, c.csv(dated()), dayfirst="yes")),
         ValueError, "dayfirst='yes'", "True, False or None"),
    case("read-sep-of-an-xlsx", using(lambda c: t(read_series, c.xlsx({"s": dated()}),
                                                  sep=";")),
         ValueError, "sep=';'", "Excel", "Drop sep="),
    case("read-xlsx-header-of-numbers",
         using(lambda c: t(read_series, c.xlsx({"s": pd.DataFrame({1.5: [2.5, 3.5]})}))),
         ValueError, "header row", "(sheet 's')", "['1.5']", "header=None"),
    # file shapes refused (tests/series/test_dialect.py SHAPES): read-<shape id>
    *[case(f"read-{shape}", using(lambda c, name=name, text=text, options=options:
                                  t(read_series, c.write(name, text), **options)),
           expected[0], *expected[1:])
      for shape, name, text, options, expected in REFUSED],
]

test_bad_input = bad_input_test(BAD_INPUT)


# ============================================================================ reading

def test_read_excel_and_csv_agree(data_dir):
    xlsx = read_series(data_dir / "series" / "airpassengers.xlsx", date_column="month")
    csv = read_series(data_dir / "series" / "airpassengers.csv", date_column="auto")
    pd.testing.assert_frame_equal(xlsx, csv)
    assert xlsx.index.name == "month" and len(xlsx) == 144
    assert xlsx["passengers"].iloc[0] == 112
    plain = read_series(data_dir / "series" / "airpassengers.csv")
    assert isinstance(plain.index, pd.RangeIndex) and "passengers" in plain.columns


def test_openpyxl_fallback_when_calamine_is_missing(data_dir, monkeypatch):
    assert engines.excel_engine() == "calamine"
    calamine = read_series(data_dir / "series" / "co2_weekly.xlsx", date_column="week",
                           missing="drop")
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    assert engines.excel_engine() == "openpyxl"
    fallback = read_series(data_dir / "series" / "co2_weekly.xlsx", date_column="week",
                           missing="drop")
    pd.testing.assert_frame_equal(calamine, fallback)


def test_default_columns_skip_text_and_tsv_txt_read(data_dir, tmp_path):
    df = read_series(data_dir / "series" / "seattle_weather.csv", date_column="auto")
    assert list(df.columns) == ["precipitation", "temp_max", "temp_min", "wind"]
    assert df.index.name == "date"
    source = pd.read_csv(data_dir / "series" / "airpassengers.csv")
    source.to_csv(tmp_path / "a.tsv", sep="\t", index=False)
    source.to_csv(tmp_path / "a.txt", sep=";", index=False)
    for name in ("a.tsv", "a.txt"):
        got = read_series(tmp_path / name, date_column="month", columns="passengers")
        assert got["passengers"].tolist() == source["passengers"].tolist()


def test_columns_may_be_any_iterable_of_names(data_dir):
    path = data_dir / "series" / "seattle_weather.csv"
    wanted = pd.Index(["wind", "temp_max"])
    for columns in (wanted, tuple(wanted), (c for c in wanted)):
        df = read_series(path, date_column="date", columns=columns)
        assert list(df.columns) == ["wind", "temp_max"]


def test_sheet_by_name_and_index(tmp_path):
    path = make_workbook(tmp_path / "two.xlsx", {
        "notes": [["note"], ["hello"]],
        "data": [["day", "sales"], ["2020-01-01", 3], ["2020-01-02", 5], ["2020-01-03", 4]],
    })
    by_name = read_series(path, sheet="data", date_column="day")
    by_index = read_series(path, sheet=1, date_column="auto")
    pd.testing.assert_frame_equal(by_name, by_index)
    assert by_name["sales"].tolist() == [3, 5, 4]


@pytest.mark.parametrize("missing", ["error", "interpolate", "drop"])
def test_missing_values_on_co2_weekly(data_dir, missing):
    path = data_dir / "series" / "co2_weekly.xlsx"
    if missing == "error":
        with pytest.raises(ValueError, match=r"59 missing value.*co2_ppm.*1958-05-10.*"
                                             r"missing='interpolate'.*missing='drop'"):
            read_series(path, date_column="week", missing=missing)
        return
    df = read_series(path, date_column="week", missing=missing)
    raw = pd.read_csv(data_dir / "series" / "co2_weekly.csv", parse_dates=["week"],
                      index_col="week")["co2_ppm"]
    holes = raw.index[raw.isna()]
    assert len(holes) == 59 and not df["co2_ppm"].isna().any()
    if missing == "drop":
        assert len(df) == 2284 - 59 and not df.index.isin(holes).any()
        np.testing.assert_array_equal(df["co2_ppm"].to_numpy(), raw.dropna().to_numpy())
    else:
        assert len(df) == 2284
        hole = pd.Timestamp("1958-05-10")
        before, after = raw.loc[:hole].dropna().iloc[-1], raw.loc[hole:].dropna().iloc[0]
        assert min(before, after) <= df.loc[hole, "co2_ppm"] <= max(before, after)
        kept = raw.notna()
        np.testing.assert_array_equal(df["co2_ppm"].to_numpy()[kept.to_numpy()],
                                      raw[kept].to_numpy())
    w = SeriesWindows(df, window=52)
    assert w.frequency is not None and w.evaluate.__doc__


def write_csv(tmp_path, text: str, name: str = "s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_non_numeric_cell_of_a_workbook_names_its_sheet_and_row(tmp_path):
    xlsx = make_workbook(tmp_path / "bad.xlsx", {"Data": [["x", "y"], [1, 2], [2, "oops"],
                                                         [3, 4], [4, 5]]})
    with pytest.raises(ValueError, match=r"column 'y' of .*bad\.xlsx' \(sheet 'Data'\): row 3 "
                                         r"holds 'oops'"):
        read_series(xlsx)


def test_all_empty_column_is_refused_when_named_too(tmp_path):
    path = write_csv(tmp_path, "day,sales,returns\n2020-01-01,3,\n2020-01-02,4,\n")
    with pytest.raises(ValueError, match=r"column 'returns' .* is empty"):
        read_series(path, date_column="day", columns=["returns"])


def test_unsorted_dates_are_refused_unless_sort_is_asked(tmp_path):
    unsorted = write_csv(tmp_path, "day,v\n2020-01-02,1\n2020-01-01,2\n2020-01-03,3\n", "u.csv")
    with pytest.raises(ValueError, match=r"1 row\(s\) come after a later date: row 3 "
                                         r"\(2020-01-01, after 2020-01-02\).*sort=True"):
        read_series(unsorted, date_column="day")
    assert read_series(unsorted, date_column="day", sort=True)["v"].tolist() == [2, 1, 3]


def test_blank_rows_are_skipped_and_rows_are_counted_as_in_the_file(tmp_path):
    path = write_csv(tmp_path, "day,v\n2020-01-01,1\n,\n2020-01-02,2\n2020-01-03,x\n")
    with pytest.raises(ValueError, match=r"row 5 holds 'x'"):  # the blank row 3 still counts
        read_series(path, date_column="day")
    ok = write_csv(tmp_path, "day,v\n2020-01-01,1\n , \n2020-01-02,2\n\n", "ok.csv")
    assert read_series(ok, date_column="day")["v"].tolist() == [1, 2]


def test_date_column_auto_falls_back_to_a_row_index_when_asked(tmp_path, data_dir):
    path = write_csv(tmp_path, "load,temperature\n3,10.5\n5,11.0\n4,9.5\n")
    df = read_series(path, date_column="auto", fallback_index=True)
    assert isinstance(df.index, pd.RangeIndex) and list(df.index) == [0, 1, 2]
    assert list(df.columns) == ["load", "temperature"] and df["load"].tolist() == [3, 5, 4]
    with pytest.raises(ValueError):  # the message is pinned by the row read-date-auto-finds-none
        read_series(path, date_column="auto")
    dated_frame = read_series(data_dir / "series" / "airpassengers.csv", date_column="auto",
                              fallback_index=True)  # a date column is still used
    assert isinstance(dated_frame.index, pd.DatetimeIndex) and dated_frame.index.name == "month"


# ============================================================================ dates before 1900

def monthly_workbook(path, start: str, writer: str) -> pd.DatetimeIndex:
    """Monthly dates from `start` to 1901-06 in column `month`, written by openpyxl or pandas."""
    dates = pd.date_range(start, "1901-06-01", freq="MS", name="month")
    if writer == "pandas":
        pd.DataFrame({"month": dates, "value": np.arange(len(dates))}).to_excel(path, index=False)
    else:
        make_workbook(path, {"data": [["month", "value"]]
                             + [[d.to_pydatetime(), i] for i, d in enumerate(dates)]})
    return dates


def engines_used(monkeypatch) -> list[str]:
    """Record the engine of every sheet that read_series reads."""
    used: list[str] = []
    read_sheet = engines._read_sheet

    def recording(path, sheet, engine, *args):
        used.append(engine)
        return read_sheet(path, sheet, engine, *args)

    monkeypatch.setattr(engines, "_read_sheet", recording)
    return used


@pytest.mark.parametrize("writer", ["openpyxl", "pandas"])
@pytest.mark.parametrize("start", ["1749-01-01", "1850-01-01"])
def test_dates_before_1900_read_alike_on_every_engine(tmp_path, monkeypatch, start, writer):
    path = tmp_path / "historical.xlsx"
    dates = monthly_workbook(path, start, writer)
    used = engines_used(monkeypatch)
    for engine in ("calamine", "openpyxl", None):
        df = read_series(path, date_column="auto", engine=engine)
        pd.testing.assert_index_equal(df.index, dates, check_exact=True, exact=False)
        assert df["value"].tolist() == list(range(len(dates)))
    # calamine reads the negative serials as times of day: that sheet is read again with openpyxl
    assert used == ["calamine", "openpyxl", "openpyxl", "calamine", "openpyxl"]


def test_serials_around_1900_and_the_leap_year_quirk(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["when", "value"])
    serials = [-1.5, -1, 0.5, 1, 59, 61, 62]  # 60 would be Excel's fictitious 1900-02-29
    for row, serial in enumerate(serials, start=2):
        sheet.cell(row, 1, serial).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row, 2, row)
    book.save(tmp_path / "serials.xlsx")
    expected = pd.DatetimeIndex(["1899-12-28 12:00", "1899-12-29", "1899-12-30 12:00",
                                 "1900-01-01", "1900-02-28", "1900-03-01", "1900-03-02"])
    for engine in ("calamine", "openpyxl"):
        df = read_series(tmp_path / "serials.xlsx", date_column="when", engine=engine)
        assert df.index.tolist() == expected.tolist(), engine
    days = pd.date_range("1900-01-01", "1900-03-31", freq="D", name="day")
    make_workbook(tmp_path / "daily.xlsx", {"d": [["day", "v"]] + [[d.to_pydatetime(), 1.0]
                                                                   for d in days]})
    for engine in ("calamine", "openpyxl"):
        df = read_series(tmp_path / "daily.xlsx", date_column="day", engine=engine)
        pd.testing.assert_index_equal(df.index, days, exact=False)


def test_workbooks_after_1900_stay_on_the_fast_path(data_dir, monkeypatch):
    used = engines_used(monkeypatch)
    df = read_series(data_dir / "series" / "airpassengers.xlsx", date_column="month")
    assert used == ["calamine"] and len(df) == 144
    assert not engines.has_times_of_day(engines.read_table(
        data_dir / "series" / "co2_weekly.xlsx", engine="calamine")[0])


def test_times_of_day_among_dates_are_excel_day_zero():
    cells = pd.Series([datetime.time(6, 0), datetime.datetime(1900, 1, 1)], dtype=object)
    assert excel_day_zero(cells).tolist() == [pd.Timestamp("1899-12-30 06:00"),
                                              datetime.datetime(1900, 1, 1)]
    times = pd.Series([datetime.time(6, 0), datetime.time(7, 0)], dtype=object)
    assert excel_day_zero(times) is times  # a column of times only is not a date column


# ============================================================================ cell parsing

def test_cells_blank_numbers_and_dates():
    cells = pd.Series(["1", " 2.5 ", "", None, "n/a"], dtype=object)
    assert blank(cells).tolist() == [False, False, True, True, False]
    numbers, bad = to_numbers(cells)
    np.testing.assert_array_equal(numbers.to_numpy(), [1.0, 2.5, np.nan, np.nan, np.nan])
    assert bad.tolist() == [False, False, False, False, True]
    assert is_datelike(pd.Series(["2020-01-01", "1 March 2021"]))
    assert not is_datelike(pd.Series(["1999", "2000"]))  # numbers are values, not dates
    assert not is_datelike(pd.Series([None, ""], dtype=object))
    assert row_number(0) == 2  # the header is row 1
