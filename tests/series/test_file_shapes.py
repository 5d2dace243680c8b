"""Real-world file shapes for `read_series`: dates out of order, zones, gaps, titles, sheets.

A table of files as people have them (tests/series/test_dialect.py holds the
separators, decimal marks and date orders): every row writes the file and
asserts either the exact values and index `read_series` returns (and the
words of its notes), or the error type and the words of its message. The
error rows run as rows of the bad-input table (`read-shape-<id>`), so each
message is pinned once.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.series import read_series
from rnnkit.series.calendar import infer_frequency
from rnnkit.series.quality import ReadNote
from tests._bad_input import bad_input_test, case, t, using
from tests.series._helpers import make_workbook

NBSP = "\u00a0"
TITLED = [["Monthly sales report"], [], ["month", "sales"], ["2020-01-01", 3], ["2020-02-01", 5],
          ["2020-03-01", 4]]
ABOUT = {"About": [["This workbook holds the sales"], ["source: shop"]],
         "Data": [["month", "sales"], ["2020-01-01", 3], ["2020-02-01", 5], ["2020-03-01", 4]],
         "Notes": [["month", "remark"], ["2020-01-01", "new shop"]]}
MONTHS = ["2020-01-01", "2020-02-01", "2020-03-01"]
DST = ("t,v\n2021-03-28 01:00+01:00,1\n2021-03-28 03:00+02:00,2\n2021-03-28 04:00+02:00,3\n"
       "2021-03-28 05:00+02:00,4\n")
AUTUMN = ("t;v\n2021-10-31 01:00:00+02:00;1\n2021-10-31 02:00:00+02:00;2\n"
          "2021-10-31 02:00:00+01:00;3\n2021-10-31 03:00:00+01:00;4\n")
GAPPY = "month,v\n2020-01-01,1\n2020-02-01,2\n2020-04-01,4\n2020-05-01,5\n2020-07-01,7\n"

# (id, file name, text or {sheet: rows}, read_series keywords, expected): expected is
# ({column: values}, [index as str] or None, [words of the notes]) or (error type, words...).
SHAPES = [
    # ------------------------------------------------------------ order of the rows
    ("rows-out-of-order", "o.csv", "day,v\n2020-01-01,1\n2020-01-03,3\n2020-01-02,2\n"
     "2020-01-04,4\n2020-01-05,5\n2019-12-31,0\n", {"date_column": "day"},
     (ValueError, "not in increasing order", "2 row(s)", "row 4 (2020-01-02, after 2020-01-03)",
      "row 7 (2019-12-31, after 2020-01-05)", "sort=True")),
    ("rows-out-of-order-sorted-when-asked", "o.csv",
     "day,v\n2020-01-01,1\n2020-01-03,3\n2020-01-02,2\n", {"date_column": "day", "sort": True},
     ({"v": [1, 2, 3]}, ["2020-01-01", "2020-01-02", "2020-01-03"], [])),
    ("rows-newest-first", "o.csv", "day,v\n2020-01-03,3\n2020-01-02,2\n2020-01-01,1\n",
     {"date_column": "day"}, (ValueError, "2 row(s)", "row 3", "row 4", "sort=True")),
    ("duplicate-dates", "d.csv", "day,v\n2020-01-01,1\n2020-01-01,2\n",
     {"date_column": "day"}, (ValueError, "duplicate", "(row 2)", "(row 3)")),
    # ------------------------------------------------------------ time zones
    ("zones-across-spring-dst-to-utc", "z.csv", DST, {"date_column": "t"},
     ({"v": [1, 2, 3, 4]}, ["2021-03-28 00:00:00+00:00", "2021-03-28 01:00:00+00:00",
                            "2021-03-28 02:00:00+00:00", "2021-03-28 03:00:00+00:00"],
      ["time zones", "converted to UTC", "tz="])),
    ("zones-across-spring-dst-to-berlin", "z.csv", DST, {"date_column": "t",
                                                         "tz": "Europe/Berlin"},
     ({"v": [1, 2, 3, 4]}, ["2021-03-28 01:00:00+01:00", "2021-03-28 03:00:00+02:00",
                            "2021-03-28 04:00:00+02:00", "2021-03-28 05:00:00+02:00"],
      ["converted to Europe/Berlin"])),
    ("zones-across-autumn-dst-repeated-hour", "z.csv", AUTUMN, {"date_column": "t"},
     ({"v": [1, 2, 3, 4]}, ["2021-10-30 23:00:00+00:00", "2021-10-31 00:00:00+00:00",
                            "2021-10-31 01:00:00+00:00", "2021-10-31 02:00:00+00:00"],
      ["converted to UTC"])),
    ("zones-utc-z", "z.csv", "t,v\n2021-01-01T00:00Z,1\n2021-01-01T01:00Z,2\n",
     {"date_column": "t"}, ({"v": [1, 2]}, ["2021-01-01 00:00:00+00:00",
                                            "2021-01-01 01:00:00+00:00"], ["UTC"])),
    ("zones-mixed-with-naive", "z.csv", "t,v\n2021-01-01 00:00+01:00,1\n2021-01-01 01:00,2\n",
     {"date_column": "t"}, (ValueError, "mixes stamps with a time zone", "row 2", "row 3",
                            "'2021-01-01 01:00'")),
    ("zones-tz-for-naive-dates", "z.csv", "t,v\n2021-01-01,1\n2021-01-02,2\n",
     {"date_column": "t", "tz": "UTC"}, (ValueError, "tz='UTC'", "no time zone", "Drop tz=")),
    ("zones-unknown-tz", "z.csv", DST, {"date_column": "t", "tz": "Mars/Base"},
     (ValueError, "tz='Mars/Base'", "not a time zone", "'Europe/Berlin'")),
    # ------------------------------------------------------------ gaps
    ("gaps-monthly-refused", "g.csv", GAPPY, {"date_column": "month"},
     (ValueError, "2 date(s) missing", "monthly", "'MS'", "2020-03-01, 2020-06-01",
      "missing='interpolate'", "missing='drop'")),
    ("gaps-monthly-interpolated", "g.csv", GAPPY,
     {"date_column": "month", "missing": "interpolate"},
     ({"v": [1.0, 2.0, 2.966666666666667, 4.0, 5.0, 6.016393442622951, 7.0]},
      ["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01",
       "2020-07-01"], ["2 date(s) missing", "filled by time interpolation"])),
    ("gaps-monthly-dropped", "g.csv", GAPPY, {"date_column": "month", "missing": "drop"},
     ({"v": [1, 2, 4, 5, 7]}, ["2020-01-01", "2020-02-01", "2020-04-01", "2020-05-01",
                               "2020-07-01"],
      ["2 date(s) missing", "forecasts step by the inferred frequency 'MS'"])),
    ("gaps-many-named-first-few", "g.csv",
     "day,v\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in (1, 2, 3, 5, 7, 9, 11, 13, 15, 16,
                                                            17, 18, 19, 20)),
     {"date_column": "day"},
     (ValueError, "6 date(s) missing", "daily", "'D'", "2020-01-04, 2020-01-06, 2020-01-08, "
      "2020-01-10, 2020-01-12, ...")),
    ("gaps-hourly", "g.csv", "t,v\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n"
     "2020-01-01 03:00,4\n2020-01-01 04:00,5\n", {"date_column": "t"},
     (ValueError, "1 date(s) missing", "hourly", "2020-01-01 02:00:00")),
    ("gaps-irregular-noted", "g.csv", "t,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n"
     "2020-01-05 07:13,4\n", {"date_column": "t"},
     ({"v": [1, 2, 3, 4]}, ["2020-01-01 00:00:00", "2020-01-02 00:00:00",
                            "2020-01-03 00:00:00", "2020-01-05 07:13:00"],
      ["not evenly spaced"])),
    # ------------------------------------------------------------ title rows, blank columns
    ("title-rows-csv-detected", "t.csv", "Monthly sales report\n\nmonth,sales\n"
     "2020-01-01,3\n2020-02-01,5\n2020-03-01,4\n", {"date_column": "month"},
     ({"sales": [3, 5, 4]}, MONTHS, ["title rows", "'Monthly sales report'", "header_row=3"])),
    ("title-rows-csv-padded-by-excel", "t.csv", "Monthly sales report;;\nexported 2021;;\n"
     "month;sales;returns\n2020-01-01;3,5;1\n2020-02-01;5;0\n2020-03-01;4;2\n",
     {"date_column": "month"},
     ({"sales": [3.5, 5.0, 4.0], "returns": [1, 0, 2]}, MONTHS, ["header_row=3"])),
    ("title-rows-csv-header-row-given", "t.csv", "Monthly sales report\n\nmonth,sales\n"
     "2020-01-01,3\n2020-02-01,5\n2020-03-01,4\n", {"date_column": "month", "header_row": 3},
     ({"sales": [3, 5, 4]}, MONTHS, [])),
    ("title-rows-csv-skiprows-given", "t.csv", "Report\nmonth,sales\n2020-01-01,3\n"
     "2020-02-01,x\n2020-03-01,4\n", {"date_column": "month", "skiprows": 1},
     (ValueError, "row 4", "'x'")),
    ("title-rows-disagreeing-keywords", "t.csv", "month,sales\n2020-01-01,3\n",
     {"skiprows": 1, "header_row": 3}, (ValueError, "skiprows=1", "header_row=3", "disagree")),
    ("title-rows-bad-header-row", "t.csv", "month,sales\n2020-01-01,3\n", {"header_row": 0},
     (ValueError, "header_row=0", ">= 1")),
    ("title-rows-xlsx-detected", "t.xlsx", {"Sales": TITLED}, {"date_column": "month"},
     ({"sales": [3, 5, 4]}, MONTHS, ["(sheet 'Sales')", "title rows", "header_row=3"])),
    ("title-rows-xlsx-header-row-given", "t.xlsx", {"Sales": TITLED},
     {"date_column": "auto", "header_row": 3}, ({"sales": [3, 5, 4]}, MONTHS, [])),
    ("ragged-rows", "r.csv", "a,b\n1,2\n3,4,5\n", {},
     (ValueError, "different numbers of fields", "header_row=", "skiprows=", "sep=")),
    ("blank-unnamed-column-ignored", "b.csv", "month,sales,\n2020-01-01,3, \n2020-02-01,5,\n"
     "2020-03-01,4,\n", {"date_column": "month"}, ({"sales": [3, 5, 4]}, MONTHS, [])),
    ("blank-named-column-noted", "b.csv", "month,sales,comment\n2020-01-01,3,  \n"
     "2020-02-01,5,\n2020-03-01,4,\n", {"date_column": "month"},
     ({"sales": [3, 5, 4]}, MONTHS, ["column 'comment'", "blank", "left out"])),
    ("blank-xlsx-column-of-spaces-ignored", "b.xlsx",
     {"s": [["month", "sales", None], ["2020-01-01", 3, "  "], ["2020-02-01", 5, None],
            ["2020-03-01", 4, None]]}, {"date_column": "month"},
     ({"sales": [3, 5, 4]}, MONTHS, [])),
    # ------------------------------------------------------------ sheets
    ("sheets-data-on-the-second", "s.xlsx", ABOUT, {"date_column": "auto"},
     (ValueError, "(sheet 'About')", "other sheets", "'Data' (looks like a series: dates in "
      "'month', numbers in ['sales'])", "'Notes' (no numeric column)", "sheet=")),
    ("sheets-data-on-the-second-no-dates", "s.xlsx", ABOUT, {},
     (ValueError, "no numeric column", "'Data' (looks like a series")),
    ("sheets-data-picked", "s.xlsx", ABOUT, {"date_column": "auto", "sheet": "Data"},
     ({"sales": [3, 5, 4]}, MONTHS, [])),
    ("sheets-only-one", "s.xlsx", {"About": [["notes only"], ["x"]]}, {"date_column": "auto"},
     (ValueError, "no other sheet")),
    # ------------------------------------------------------------ numbers as text in .xlsx
    ("xlsx-text-decimal-commas", "n.xlsx",
     {"s": [["month", "v"], ["2020-01-01", "1,5"], ["2020-02-01", "2,25"],
            ["2020-03-01", 3]]}, {"date_column": "month"},
     ({"v": [1.5, 2.25, 3.0]}, MONTHS, [])),
    ("xlsx-text-space-thousands", "n.xlsx",
     {"s": [["month", "v"], ["2020-01-01", f"1{NBSP}234,5"], ["2020-02-01", "2 000,25"],
            ["2020-03-01", "7"]]}, {"date_column": "month"},
     ({"v": [1234.5, 2000.25, 7.0]}, MONTHS, [])),
    ("xlsx-text-ambiguous", "n.xlsx",
     {"s": [["month", "v"], ["2020-01-01", "1,234"], ["2020-02-01", "2,345"]]},
     {"date_column": "month"}, (ValueError, "'1,234'", "read two ways", "decimal=")),
    ("xlsx-text-settled-by-decimal", "n.xlsx",
     {"s": [["month", "v"], ["2020-01-01", "1,234"], ["2020-02-01", "2,345"]]},
     {"date_column": "month", "decimal": ","},
     ({"v": [1.234, 2.345]}, MONTHS[:2], [])),
    ("csv-space-thousands", "n.csv", f"datum;wert\n2020-01-01;1 234,5\n2020-02-01;1{NBSP}000\n"
     f"2020-03-01;12{NBSP}345{NBSP}678,25\n", {"date_column": "datum"},
     ({"wert": [1234.5, 1000.0, 12345678.25]}, MONTHS, [])),
    ("csv-space-thousands-given", "n.csv", "datum;wert\n2020-01-01;1 234\n2020-02-01;2 000\n",
     {"date_column": "datum", "thousands": " "},
     ({"wert": [1234, 2000]}, MONTHS[:2], [])),
    # ------------------------------------------------------------ outliers
    ("outlier-noted", "x.csv", "month,v\n2020-01-01,100\n2020-02-01,98\n2020-03-01,1e30\n"
     "2020-04-01,101\n", {"date_column": "month"},
     ({"v": [100.0, 98.0, 1e30, 101.0]}, MONTHS + ["2020-04-01"],
      ["column 'v'", "row 4 holds 1e+30", "kept"])),
    ("no-outlier-in-growth", "x.csv", "month,v\n2020-01-01,1\n2020-02-01,1000\n"
     "2020-03-01,100000\n", {"date_column": "month"},
     ({"v": [1, 1000, 100000]}, MONTHS, [])),
]

REFUSED = [row for row in SHAPES if isinstance(row[4][0], type)]
READ = [row for row in SHAPES if row not in REFUSED]


def write_shape(folder, name: str, content) -> object:
    """Write a text file, or a workbook from `{sheet: rows}` (openpyxl, as a user's Excel)."""
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
        return path
    return make_workbook(path, content)


BAD_INPUT = [
    case(f"read-shape-{shape}", using(lambda c, name=name, content=content, options=options:
                                      t(read_series, write_shape(c.tmp, name, content),
                                        **options)),
         expected[0], *expected[1:])
    for shape, name, content, options, expected in REFUSED
]

test_bad_input = bad_input_test(BAD_INPUT)


@pytest.mark.parametrize("name, content, options, expected",
                         [pytest.param(*row[1:], id=row[0]) for row in READ])
def test_file_shapes_read_exactly(tmp_path, name, content, options, expected):
    path = write_shape(tmp_path, name, content)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_series(path, **options)
    values, index, words = expected
    assert {c: frame[c].tolist() for c in frame.columns} == values
    assert frame.index.astype(str).tolist() == index
    notes = " ".join(frame.attrs["notes"])
    assert all(word in notes for word in words), notes
    assert bool(words) == bool(frame.attrs["notes"]), notes
    said = [str(w.message) for w in caught if issubclass(w.category, ReadNote)]
    assert said == frame.attrs["notes"]  # each note is also a warning, once


def test_table_counts():
    assert len({row[0] for row in SHAPES}) == len(SHAPES) >= 40 and len(REFUSED) >= 15


def test_read_frequency_is_unit_correct_after_gaps(tmp_path):
    path = write_shape(tmp_path, "g.csv", GAPPY)
    frame = read_series(path, date_column="month", missing="drop")
    for unit in ("s", "ms", "us", "ns"):
        assert infer_frequency(frame.index.as_unit(unit)) == "MS"


def test_shipped_series_read_without_gaps(data_dir):
    for name in ("airpassengers", "seatbelts", "visnights", "seattle_weather"):
        for suffix in (".csv", ".xlsx"):
            with warnings.catch_warnings():
                warnings.simplefilter("error", ReadNote)  # no note: regular, no outliers
                frame = read_series(data_dir / "series" / f"{name}{suffix}",
                                    date_column="auto")
            assert frame.attrs["notes"] == [] and infer_frequency(frame.index) is not None


# ============================================================================ property

DATE_FORMATS = [("%Y-%m-%d", None), ("%d.%m.%Y", True), ("%m/%d/%Y", False),
                ("%Y-%m-%dT%H:%M:%S", None)]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(thousandths=st.lists(st.integers(-10**8, 10**8), min_size=3, max_size=25),
       sep=st.sampled_from([",", ";", "\t", "|"]), decimal=st.sampled_from([".", ","]),
       date_format=st.sampled_from(DATE_FORMATS),
       freq=st.sampled_from(["D", "MS", "W-SUN", "QS-JAN", "B"]),
       title=st.booleans(), drop=st.integers(0, 3))
def test_regular_series_read_back_exactly_or_refused_naming_the_keyword(
        tmp_path, thousandths, sep, decimal, date_format, freq, title, drop):
    """Written by pandas, a series reads back exactly; a file that reads two ways is refused.

    With a title line above the header (skipped, with a note), and with one
    missing date (`drop`: refused by default, kept by `missing="drop"`).
    """
    fmt, dayfirst = date_format
    index = pd.date_range("2019-12-02", periods=len(thousandths), freq=freq, name="when")
    source = pd.DataFrame({"value": [v / 1000 for v in thousandths]}, index=index)
    if drop and len(source) > 3:
        source = source.drop(index[min(drop, len(source) - 2)])
    path = tmp_path / "s.csv"
    text = source.to_csv(sep=sep, decimal=decimal, date_format=fmt)
    path.write_text(("Sales report 2020\n\n" if title else "") + text, encoding="utf-8")
    options = {"date_column": "when", "dayfirst": dayfirst, "missing": "drop"}
    if sep == "," and decimal == ",":
        options["sep"] = sep  # a comma-separated file with decimal commas quotes each number
    try:
        frame = read_series(path, **options)
    except ValueError as exc:  # numbers that read two ways (1.234): never a guess
        assert "decimal=" in str(exc)
        frame = read_series(path, **options, decimal=decimal)
    assert frame.index.equals(source.index)
    np.testing.assert_array_equal(frame["value"].to_numpy("float64"),
                                  source["value"].to_numpy())
    assert any("title rows" in note for note in frame.attrs["notes"]) == title


def test_cli_prints_the_notes_in_its_own_words(tmp_path, capsys):
    import argparse

    from rnnkit.cli._series_file import add_file_options, read_target

    parser = argparse.ArgumentParser()
    add_file_options(parser)
    path = write_shape(tmp_path, "g.csv", "Sales\n\n" + GAPPY)
    args = parser.parse_args([str(path), "--missing", "drop", "--target", "v"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the notes are printed, not warned
        frame, _, read = read_target(args)
    printed = capsys.readouterr().out
    assert "Note: " in printed and "--header-row=3" in printed and "--missing='drop'" in printed
    assert len(frame) == 5 and read["missing"] == "drop"
    args = parser.parse_args([str(path), "--header-row", "3", "--tz", "UTC", "--sort"])
    with pytest.raises(ValueError, match="tz='UTC'"):  # the forecast command names --tz
        read_target(args)
