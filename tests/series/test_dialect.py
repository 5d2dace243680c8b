"""Tests of rnnkit.series.dialect: text files read as written (separator, number marks, dates).

A table of file shapes as people have them: every row writes the file and
asserts either the exact values and index that `read_series` returns, or the
error type and the words of its message. The value rows run here; the error
rows run as rows of the bad-input table (`read-<id>` in tests/series/test_io.py,
which builds them from :data:`SHAPES`), so that each message is pinned once.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.series import read_series
from rnnkit.series.dialect import number_marks, sniff_separator

UTF8_BOM = "\ufeff"

# (id, file name, text, read_series keywords, expected): expected is
# ({column: values}, [index as str] or None for a row index) or (error type, words...).
SHAPES = [
    ("european-semicolon-decimal-comma", "eu.csv",
     "datum;wert\n31.01.2020;1,5\n29.02.2020;2,5\n31.03.2020;1.001,25\n",
     {"date_column": "datum"},
     ({"wert": [1.5, 2.5, 1001.25]}, ["2020-01-31", "2020-02-29", "2020-03-31"])),
    ("european-monthly-first-of-month", "eu.csv",
     "datum;wert\n01.02.2020;1,5\n01.03.2020;2,5\n", {"date_column": "datum", "dayfirst": True},
     ({"wert": [1.5, 2.5]}, ["2020-02-01", "2020-03-01"])),
    ("european-monthly-ambiguous", "eu.csv",
     "datum;wert\n01.02.2020;1,5\n01.03.2020;2,5\n", {"date_column": "datum"},
     (ValueError, "'datum'", "'01.02.2020'", "2020-02-01 with dayfirst=True",
      "2020-01-02 with dayfirst=False", "dayfirst=")),
    ("day-first-slashes-settled-by-a-day-above-12", "d.csv",
     "day,v\n01/02/2020,1\n13/02/2020,2\n", {"date_column": "day"},
     ({"v": [1, 2]}, ["2020-02-01", "2020-02-13"])),
    ("month-first-settled-by-a-day-above-12", "d.csv",
     "day,v\n01/31/2020,1\n02/01/2020,2\n", {"date_column": "day"},
     ({"v": [1, 2]}, ["2020-01-31", "2020-02-01"])),
    ("month-first-given", "d.csv",
     "day,v\n01/02/2020,1\n01/03/2020,2\n", {"date_column": "day", "dayfirst": False},
     ({"v": [1, 2]}, ["2020-01-02", "2020-01-03"])),
    ("day-and-month-first-mixed", "d.csv",
     "day,v\n13/01/2020,1\n01/14/2020,2\n", {"date_column": "day"},
     (ValueError, "mixes day-first", "'13/01/2020'", "'01/14/2020'")),
    ("dayfirst-contradicted-by-a-date", "d.csv",
     "day,v\n01/31/2020,1\n02/01/2020,2\n", {"date_column": "day", "dayfirst": True},
     (ValueError, "'day'", "'01/31/2020'", "not a date")),
    ("iso-dates-are-never-ambiguous", "d.csv",
     "day,v\n2020-01-02,1\n2020-02-01,2\n", {"date_column": "day"},
     ({"v": [1, 2]}, ["2020-01-02", "2020-02-01"])),
    ("two-digit-years-with-times", "d.csv",
     "t;v\n31.12.99 23:00;1\n01.01.00 01:00;2\n", {"date_column": "t"},
     ({"v": [1, 2]}, ["1999-12-31 23:00:00", "2000-01-01 01:00:00"])),
    ("thousands-comma-quoted", "t.csv",
     'date,v\n2020-01-01,"1,001.5"\n2020-02-01,"2,345"\n', {"date_column": "date"},
     ({"v": [1001.5, 2345.0]}, ["2020-01-01", "2020-02-01"])),
    ("comma-three-digits-ambiguous", "t.csv",
     'date,v\n2020-01-01,"1,234"\n2020-02-01,"2,345"\n', {"date_column": "date"},
     (ValueError, "'1,234'", "1234 with decimal='.', thousands=','", "1.234 with decimal=','",
      "decimal=")),
    ("comma-three-digits-settled-by-decimal", "t.csv",
     'date,v\n2020-01-01,"1,234"\n2020-02-01,"2,345"\n', {"date_column": "date", "decimal": ","},
     ({"v": [1.234, 2.345]}, ["2020-01-01", "2020-02-01"])),
    ("comma-three-digits-settled-by-thousands", "t.csv",
     'date,v\n2020-01-01,"1,234"\n2020-02-01,"2,345"\n',
     {"date_column": "date", "thousands": ","},
     ({"v": [1234, 2345]}, ["2020-01-01", "2020-02-01"])),
    ("comma-three-digits-settled-by-another-cell", "t.csv",
     'date,v\n2020-01-01,"1,234"\n2020-02-01,"0,5"\n', {"date_column": "date"},
     ({"v": [1.234, 0.5]}, ["2020-01-01", "2020-02-01"])),
    ("dot-three-digits-is-a-decimal-point", "t.csv",
     "date,v\n2020-01-01,1.234\n2020-02-01,2.345\n", {"date_column": "date"},
     ({"v": [1.234, 2.345]}, ["2020-01-01", "2020-02-01"])),
    ("dot-three-digits-in-a-semicolon-file", "t.csv",
     "date;v\n2020-01-01;1.234\n2020-02-01;2.345\n", {"date_column": "date"},
     (ValueError, "'1.234'", "1234 with decimal=','", "thousands='.'")),
    ("european-thousands-dots-integers", "t.csv",
     "date;v\n2020-01-01;1.234.567\n2020-02-01;2.345\n", {"date_column": "date"},
     ({"v": [1234567, 2345]}, ["2020-01-01", "2020-02-01"])),
    ("number-formats-mixed", "t.csv",
     'date,v,w\n2020-01-01,"1,5","1,001.5"\n', {"date_column": "date"},
     (ValueError, "more than one way", "'1,5'", "'1,001.5'", "decimal=")),
    ("tab-separated-csv", "t.csv", "date\tv\n2020-01-01\t1.5\n2020-01-02\t2\n",
     {"date_column": "date"}, ({"v": [1.5, 2.0]}, ["2020-01-01", "2020-01-02"])),
    ("pipe-separated", "t.txt", "date|v\n2020-01-01|1\n2020-01-02|2\n",
     {"date_column": "date"}, ({"v": [1, 2]}, ["2020-01-01", "2020-01-02"])),
    ("space-separated-txt", "t.txt", "date v\n2020-01-01 1\n2020-01-02 2\n",
     {"date_column": "date"}, ({"v": [1, 2]}, ["2020-01-01", "2020-01-02"])),
    ("tsv-with-decimal-commas", "t.tsv", "date\tv\n2020-01-01\t1,5\n2020-01-02\t2,25\n",
     {"date_column": "date"}, ({"v": [1.5, 2.25]}, ["2020-01-01", "2020-01-02"])),
    ("one-column-decimal-comma", "t.csv", "wert\n1,5\n2,5\n3\n", {},
     ({"wert": [1.5, 2.5, 3.0]}, None)),
    ("sep-given", "t.csv", "a;b\n1;2\n3;4\n", {"sep": ";"}, ({"a": [1, 3], "b": [2, 4]}, None)),
    ("two-separators-consistent", "t.txt", "a,b;c\n1,2;3\n", {},
     (ValueError, "more than one separator", "','", "';'", "sep=")),
    ("two-separators-settled-by-sep", "t.txt", "a,b;c\n1,2;3\n", {"sep": ";"},
     ({"a,b": [1.2], "c": [3]}, None)),
    ("utf8-bom-semicolon", "t.csv", UTF8_BOM + "datum;wert\n2020-01-01;1,5\n",
     {"date_column": "datum"}, ({"wert": [1.5]}, ["2020-01-01"])),
    ("no-header-one-column", "n.csv", "112\n118\n132\n", {},
     (ValueError, "header row", "['112']", "header=None")),
    ("no-header-one-column-header-none", "n.csv", "112\n118\n132\n", {"header": None},
     ({"column_0": [112, 118, 132]}, None)),
    ("no-header-european-splits-two-ways", "n.csv", "2020-01-01;1,5\n2020-01-02;2,5\n",
     {"header": None}, (ValueError, "more than one separator", "sep=")),
    ("no-header-dated-header-none", "n.csv", "2020-01-01;1,5\n2020-01-02;2,5\n",
     {"header": None, "date_column": "column_0", "sep": ";"},
     ({"column_1": [1.5, 2.5]}, ["2020-01-01", "2020-01-02"])),
    ("no-header-bad-cell-counts-file-rows", "n.csv", "1\n2\nx\n", {"header": None},
     (ValueError, "row 3", "'x'")),
    ("no-header-decimal-comma", "n.csv", "1,5\n2,5\n", {"sep": ";"},
     (ValueError, "['1,5']", "header=None")),
    ("numeric-names-after-text-header-fine", "n.csv", "month,2020\n2020-01-01,1\n", {},
     ({"2020": [1]}, None)),
]


#: The rows whose file is refused (run by the bad-input table) and those read.
REFUSED = [row for row in SHAPES if isinstance(row[4][0], type)]
READ = [row for row in SHAPES if row not in REFUSED]


@pytest.mark.parametrize("name, text, options, expected",
                         [pytest.param(*row[1:], id=row[0]) for row in READ])
def test_file_shapes_read_as_written(tmp_path, name, text, options, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    frame = read_series(path, **options)
    values, index = expected
    assert {c: frame[c].tolist() for c in frame.columns} == values
    assert [type(v) for v in frame.iloc[:, 0]] == [type(v) for v in values[next(iter(values))]]
    if index is None:
        assert not isinstance(frame.index, pd.DatetimeIndex)
    else:
        assert frame.index.astype(str).tolist() == index


def test_table_counts_and_ids_are_unique():
    assert len({row[0] for row in SHAPES}) == len(SHAPES) >= 30 and len(REFUSED) >= 10


def test_sniff_and_marks_directly():
    assert sniff_separator(["a\tb", "1\t2"], ".csv", "'x'") == "\t"
    assert sniff_separator(["v", "1,5"], ".csv", "'x'") == ";"  # unused: one column
    assert number_marks(pd.DataFrame({"v": ["0,125", "7"]}), ",", "'x'") == (",", None)
    assert number_marks(pd.DataFrame({"v": ["1,234"]}), ",", "'x'", decimal=".") == (".", ",")


def test_excel_header_of_numbers_is_refused(tmp_path):
    path = tmp_path / "n.xlsx"
    pd.DataFrame({"v": [1.5, 2.5, 3.5]}).to_excel(path, index=False, header=False)
    with pytest.raises(ValueError):  # the message is pinned by read-xlsx-header-of-numbers
        read_series(path)
    assert read_series(path, header=None)["column_0"].tolist() == [1.5, 2.5, 3.5]


def test_read_settings_are_kept_by_from_file(tmp_path):
    from rnnkit.series import SeriesWindows
    path = tmp_path / "eu.csv"
    dates = pd.date_range("2020-01-01", periods=40, freq="MS").strftime("%d.%m.%Y")
    path.write_text("datum;wert\n" + "".join(f"{d};{i},5\n" for i, d in enumerate(dates)))
    w = SeriesWindows.from_file(path, target="wert", date_column="datum", dayfirst=True,
                                window=4)
    assert w.frame["wert"].tolist()[:2] == [0.5, 1.5] and w.frequency == "MS"
    assert w.to_config(include_data=False)["read_series"]["dayfirst"] is True


# ============================================================================ property

FORMATS = [("%Y-%m-%d", None), ("%d.%m.%Y", True), ("%m/%d/%Y", False), ("%d/%m/%Y", True)]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quarters=st.lists(st.integers(-10**7, 10**7), min_size=3, max_size=30),
       sep=st.sampled_from([",", ";", "\t", "|"]), decimal=st.sampled_from([".", ","]),
       date_format=st.sampled_from(FORMATS), freq=st.sampled_from(["D", "MS", "h"]),
       suffix=st.sampled_from([".csv", ".txt"]))
def test_regular_series_written_by_pandas_read_back_exactly(
        tmp_path, quarters, sep, decimal, date_format, freq, suffix):
    fmt, dayfirst = date_format
    fmt = fmt + (" %H:%M" if freq == "h" else "")
    index = pd.date_range("2019-12-25", periods=len(quarters), freq=freq, name="when")
    source = pd.DataFrame({"value": [q / 4 for q in quarters]}, index=index)
    path = tmp_path / f"s{suffix}"
    source.to_csv(path, sep=sep, decimal=decimal, date_format=fmt)
    frame = read_series(path, date_column="when", dayfirst=dayfirst)
    assert frame.index.equals(index)
    assert frame["value"].astype("float64").tolist() == source["value"].tolist()
