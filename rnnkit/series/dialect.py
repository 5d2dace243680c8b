"""How a delimited text file is written: its separator, decimal mark and thousands separator.

`read_series` never guesses silently into wrong numbers. The separator is the
one of `,` `;` tab `|` that splits the file's first lines into the same number
of fields (:func:`sniff_separator`). The decimal mark and the thousands
separator are decided from every value cell of the file (:func:`number_marks`):
a cell such as `1,5`, `0,125`, `1.001,5` or `1,001.5` settles them; a cell
that reads two ways (`1,234`: 1.234 or 1234) with nothing else in the file to
decide is an error naming both readings and the keyword that settles it. A dot
alone (`1.234`) is a decimal point, as it always was, except in a file
separated by `;` (the European convention), where it is ambiguous too.

Example:
>>> sniff_separator(["datum;wert", "01.02.2020;1,5"], ".csv", "'a.csv'")
';'
>>> import pandas as pd
>>> number_marks(pd.DataFrame({"wert": ["1,5", "1.001,25"]}), ";", "'a.csv'")
(',', '.')
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd

#: The separators that are sniffed, in the order they are named in messages.
SEPARATORS = (",", ";", "\t", "|")
#: The default separator of each suffix (`.txt`: none).
SUFFIX_SEPARATOR = {".csv": ",", ".tsv": "\t"}
#: (decimal mark, thousands separator) conventions, in order of preference (a space stands
#: for the non-breaking spaces too: :func:`plain_spaces`).
CONVENTIONS = ((".", None), (".", ","), (",", None), (",", "."), (".", " "), (",", " "))
SAMPLE_LINES = 50
#: A number whose dot could be a thousands separator (`1.234`, `-12.500`).
LONE_DOT = r"[+-]?[1-9]\d{0,2}\.\d{3}"
#: A cell that holds a decimal mark or a thousands separator.
SPACED = r"\s*[+-]?\d{1,3}[ \u00a0\u202f]\d{3}"
MARKED = rf"[.,]|^{SPACED}"


def check_dialect(sep: str | None, decimal: str | None, thousands: str | None,
                  header: int | None) -> None:
    """Check `read_series`' keywords for text files: `sep`, `decimal`, `thousands`, `header`.

    Example:
    >>> check_dialect(";", ",", ".", 0)
    >>> check_dialect(";", ";", None, 0)
    Traceback (most recent call last):
    ...
    ValueError: decimal=';' must be '.' or ',' (or None to detect it).
    """
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1 and sep not in "\r\n"
                                and not sep.isalnum()):
        raise ValueError(f"sep={sep!r} must be one character such as ',' ';' '\\t' or '|' "
                         "(or None to detect it).")
    if decimal is not None and decimal not in (".", ","):
        raise ValueError(f"decimal={decimal!r} must be '.' or ',' (or None to detect it).")
    if thousands is not None and (thousands not in ("", ".", ",", " ", "'", "\u00a0")
                                  or thousands == decimal and thousands):
        raise ValueError(f"thousands={thousands!r} must be '', '.', ',', ' ' or \"'\" and differ "
                         "from decimal= ('' for none, None to detect it).")
    # sep == decimal is allowed: a comma-separated file may quote decimal-comma numbers ("1,5")
    if sep is not None and sep == thousands:
        raise ValueError(f"sep={sep!r} is also the thousands separator; they must differ.")
    if header is not None and (header != 0 or isinstance(header, bool)):
        raise ValueError(f"header={header!r} must be 0 (the first row names the columns) "
                         "or None (no header row).")


def _fields(line: str, separator: str) -> int:
    return len(next(csv.reader([line], delimiter=separator), []))


def sniff_separator(lines: list[str], suffix: str, where: str) -> str | None:
    """The separator that splits every line like the header; None: let pandas sniff (`.txt`).

    A separator is consistent when the header splits into more than one field
    and every line into the same number. One consistent separator is taken;
    several (`2020-01-01;1,5` splits at `,` and at `;`) are an error asking
    for `sep=`. None consistent and none in the header: one column (read with
    a separator the file does not hold). Otherwise (ragged rows) the suffix's
    own, as before: `,` for `.csv`, tab for `.tsv`, pandas' sniffer for `.txt`.

    Example:
    >>> sniff_separator(["a|b", "1|2"], ".txt", "'a.txt'")
    '|'
    """
    names = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
    counts = {sep: [_fields(line, sep) for line in lines] for sep in SEPARATORS}
    consistent = [sep for sep, n in counts.items() if n and n[0] > 1 and len(set(n)) == 1]
    if len(consistent) == 1:
        return consistent[0]
    if len(consistent) > 1:
        raise ValueError(
            f"{where} splits into columns with more than one separator "
            f"({', '.join(names[s] for s in consistent)}); pass sep= to say which, e.g. "
            f"sep={consistent[0]!r}.")
    if lines and all(counts[sep][0] == 1 for sep in SEPARATORS):  # one column
        if suffix == ".txt" and all(" " in line.strip() for line in lines):
            return None  # space-separated .txt: pandas sniffs it, as before
        unused = [sep for sep in (SUFFIX_SEPARATOR.get(suffix, "\t"),) + SEPARATORS
                  if not any(sep in line for line in lines)]
        return unused[0] if unused else SUFFIX_SEPARATOR.get(suffix)
    if suffix in SUFFIX_SEPARATOR:
        return SUFFIX_SEPARATOR[suffix]  # ragged rows: read as before, by the suffix
    return None


def _pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    mark = re.escape(decimal)
    whole = r"\d+" if thousands is None else \
        rf"(?:\d+|[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+)"
    return re.compile(rf"[+-]?(?:{whole}(?:{mark}\d*)?|{mark}\d+)(?:[eE][+-]?\d+)?")


PATTERNS = {convention: _pattern(*convention) for convention in CONVENTIONS}


def plain_spaces(cells: pd.Series) -> pd.Series:
    """Text cells with non-breaking spaces made plain (`1\u00a0234` → `1 234`).

    Example:
    >>> plain_spaces(pd.Series(["1\u00a0234,5"])).tolist()
    ['1 234,5']
    """
    return cells.str.replace("[\u00a0\u202f]", " ", regex=True)


def _value(cell: str, convention: tuple[str, str | None]) -> float:
    decimal, thousands = convention
    cell = cell.replace("\u00a0", " ").replace("\u202f", " ")
    if thousands:
        cell = cell.replace(thousands, "")
    return float(cell.replace(decimal, "."))


def _reading(convention: tuple[str, str | None]) -> str:
    decimal, thousands = convention
    return f"decimal={decimal!r}" + (f", thousands={thousands!r}" if thousands else "")


def number_marks(cells: pd.DataFrame, separator: str | None, where: str,
                 decimal: str | None = None,
                 thousands: str | None = None) -> tuple[str, str | None]:
    """The decimal mark and thousands separator (or None) of the table's text cells.

    Args:
        cells: the table read as text (every cell a `str` or NaN).
        separator: the file's separator (`;` makes a lone dot ambiguous).
        where: the file, for the messages.
        decimal: the decimal mark when given (`"."` or `","`), else None: detect.
        thousands: the thousands separator when given (`""`: none), else None: detect.

    Example:
    >>> number_marks(pd.DataFrame({"v": ["1,234"]}), ",", "'a.csv'")
    Traceback (most recent call last):
    ...
    ValueError: 'a.csv' holds numbers that read two ways: '1,234' is 1234 with decimal='.', \
thousands=',' but 1.234 with decimal=','. Pass decimal= (and thousands=) to say which.
    """
    thousands = " " if thousands in ("\u00a0", "\u202f") else thousands
    if (decimal is not None and thousands is not None) or thousands not in (None, "", ".", ",",
                                                                           " "):
        return decimal or ".", thousands or None
    alive = [c for c in CONVENTIONS if (decimal is None or c[0] == decimal)
             and (thousands is None or c[1] == (thousands or None))]
    numbers = _number_cells(cells)
    fits = {c: numbers.str.fullmatch(PATTERNS[c].pattern).to_numpy(bool) for c in CONVENTIONS}
    numeric = np.logical_or.reduce(list(fits.values()))  # others: text, dates, bad cells
    kept = [c for c in alive if fits[c][numeric].all()]
    if not kept:
        _refuse_mixed(numbers[numeric].tolist(), alive, where)
    return _settle(kept, numbers, fits, separator, where)


def _number_cells(cells: pd.DataFrame) -> pd.Series:
    """The distinct stripped text cells of the table that hold a `.` or a `,`.

    A column that parses as plain numbers (`.` decimal, no thousands) gives
    only one cell that shows its dot is a decimal point (fast on big files),
    or, when every dotted cell could be grouped thousands (`1.234`), them all.
    """
    parts = []
    for name in cells.columns:
        column = cells[name].dropna().astype(str)
        if column.empty:
            continue
        if pd.to_numeric(column.iloc[:50], errors="coerce").notna().all() and \
                pd.to_numeric(column, errors="coerce").notna().all():
            column = column[column.str.contains(".", regex=False).to_numpy(bool)].str.strip()
            deciding = column[~column.str.fullmatch(LONE_DOT).to_numpy(bool)]
            parts.append(deciding.iloc[:1] if len(deciding) else column)
        else:  # only cells that hold a mark can decide (fast on a date column)
            marked = column.str.contains(".", regex=False) \
                | column.str.contains(",", regex=False) | column.str.match(SPACED)
            parts.append(plain_spaces(column[marked.to_numpy(bool)]).str.strip())
    found = pd.Series(pd.unique(pd.concat(parts)) if parts else [], dtype=object).astype(str)
    return found[found.str.contains(MARKED, regex=True).to_numpy(bool)].reset_index(drop=True)


def _refuse_mixed(numbers: list[str], alive: list, where: str) -> None:
    """Raise naming two cells that no one convention reads both of."""
    first = None
    for cell in numbers:
        fits = [c for c in alive if PATTERNS[c].fullmatch(cell)]
        if not fits:
            earlier = f"{first!r} and " if first else ""
            raise ValueError(
                f"{where} writes numbers in more than one way ({earlier}{cell!r}); pass "
                "decimal= and thousands= to say how they are written, e.g. decimal=',' "
                "thousands='.' for 1.234,5.")
        if len(fits) < len(alive):
            first = first or cell
        alive = fits


def _settle(alive: list, numbers: pd.Series, fits: dict, separator: str | None,
            where: str) -> tuple[str, str | None]:
    """Pick among the conventions left: they must read every cell alike, or it is an error.

    Cells that read two ways with nothing but a dot (`1.234`) keep the dot a
    decimal point, except in a `;`-separated file.
    """
    values = {c: pd.to_numeric(numbers.str.replace(c[1] or "\0", "", regex=False)
                               .str.replace(c[0], ".", regex=False), errors="coerce").to_numpy()
              for c in alive}
    commas = numbers.str.contains(",", regex=False).to_numpy(bool)
    lone_dots = False
    for i, one in enumerate(alive):
        for other in alive[i + 1:]:
            differ = np.flatnonzero(fits[one] & fits[other] & (values[one] != values[other]))
            if not len(differ):
                continue
            if separator != ";" and not commas[differ].any():
                lone_dots = True
                continue
            cell = numbers.iloc[differ[0]]
            raise ValueError(
                f"{where} holds numbers that read two ways: {cell!r} is "
                f"{_value(cell, one):g} with {_reading(one)} but {_value(cell, other):g} with "
                f"{_reading(other)}. Pass decimal= (and thousands=) to say which.")
    return [c for c in alive if c[0] == "." or not lone_dots][0]


def with_thousands(table: pd.DataFrame, cells: pd.DataFrame,
                   marks: tuple[str, str | None]) -> pd.DataFrame:
    """The table with its columns of grouped numbers (`1.001,5`) read as numbers.

    pandas' own `thousands=` also strips the mark from cells that are no
    numbers (a date `01.02.2020` would become 1022020), so a column is
    converted here only when every filled cell is a number as written.

    Example:
    >>> cells = pd.DataFrame({"d": ["01.02.2020"], "v": ["1.001,5"]})
    >>> with_thousands(cells.copy(), cells, (",", ".")).to_dict("list")
    {'d': ['01.02.2020'], 'v': [1001.5]}
    """
    decimal, thousands = marks
    if thousands is None:
        return table
    pattern = _pattern(decimal, thousands) if marks not in PATTERNS else PATTERNS[marks]
    for position, name in enumerate(cells.columns):
        column = plain_spaces(cells[name].dropna().astype(str)).str.strip()
        column = column[column != ""]
        if column.empty or not column.str.contains(re.escape(thousands)).any() or \
                not all(pattern.fullmatch(cell) for cell in column):
            continue
        values = plain_spaces(cells[name].astype(str)).str.strip().map(
            lambda v: _value(v, marks) if pattern.fullmatch(v) else np.nan)
        table.isetitem(position, values.astype("float64").to_numpy())
    return table


def check_header_row(names: list, where: str, marks: tuple[str, str | None] = (".", None)) -> None:
    """Raise when every cell of the header row is a number: the file has no header row.

    Example:
    >>> check_header_row(["3.5"], "'v.csv'")
    Traceback (most recent call last):
    ...
    ValueError: the header row of 'v.csv' holds only numbers (['3.5']): it looks like data, \
so the first value would be lost as a column name. If the file has no header row, pass \
header=None (the columns are then named column_0, column_1, ...).
    """
    def numeric(name: object) -> bool:
        if isinstance(name, (int, float)) and not isinstance(name, bool):
            return True
        return bool(PATTERNS.get(marks, PATTERNS[(".", None)]).fullmatch(str(name).strip()))
    if names and all(numeric(n) for n in names):
        raise ValueError(
            f"the header row of {where} holds only numbers ({[str(n) for n in names]}): it "
            "looks like data, so the first value would be lost as a column name. If the file "
            "has no header row, pass header=None (the columns are then named column_0, "
            "column_1, ...).")


def text_numbers(column: pd.Series, marks: tuple[str, str | None]) -> pd.Series:
    """The column with its text cells that are numbers as written (`'1,5'`) made numbers.

    Other cells (numbers, dates, other text) are kept as they are: what a
    spreadsheet holds as text among numbers.

    Example:
    >>> text_numbers(pd.Series([1.5, "2,5", "1\u00a0234,5", "n/a"], dtype=object),
    ...              (",", " ")).tolist()
    [1.5, 2.5, 1234.5, 'n/a']
    """
    pattern = PATTERNS[marks] if marks in PATTERNS else _pattern(*marks)
    text = column.map(lambda v: isinstance(v, str)).astype(bool)
    if not text.any():
        return column
    cells = plain_spaces(column[text].astype(str)).str.strip()
    numbers = cells[cells.map(lambda v: bool(pattern.fullmatch(v))).astype(bool)]
    if numbers.empty:
        return column
    out = column.astype(object).copy()
    out[numbers.index] = [_value(v, marks) for v in numbers]
    return out
