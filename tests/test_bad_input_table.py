"""The bad-input table as a whole: every area's rows, gathered from their test modules.

The rows live beside the tests of their module (`BAD_INPUT` in
`tests/series/test_io.py`, `tests/cli/test_forecast.py`, ...) and run there
through the one runner in `tests/_bad_input.py`. This module checks the table
itself: it stays large, covers every area of the public API, and no id is used
twice.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from tests._bad_input import Case

TESTS = Path(__file__).resolve().parent


def all_rows() -> dict[str, list[Case]]:
    """Every test module's `BAD_INPUT`, by module name."""
    tables = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        name = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        rows = getattr(importlib.import_module(name), "BAD_INPUT", None)
        if rows is not None:
            tables[name] = rows
    return tables


def test_the_table_is_large_and_covers_every_area():
    rows = [row for table in all_rows().values() for row in table]
    prefixes = {row.id.split("-")[0] for row in rows}
    assert {"read", "windows", "model", "charvocab", "text", "generate", "sample", "wordvocab",
            "bundle", "cli", "training", "plot", "datasets"} <= prefixes
    assert len(rows) >= 220


def test_row_ids_are_unique_across_areas():
    ids = [row.id for table in all_rows().values() for row in table]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, f"ids used twice: {repeated}"


def test_every_area_runs_its_rows():
    for name, table in all_rows().items():
        module = importlib.import_module(name)
        test = getattr(module, "test_bad_input", None)
        assert test is not None and table, f"{name} defines BAD_INPUT but does not run it"
