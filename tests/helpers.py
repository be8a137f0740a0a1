"""Shared helpers for the tests: where things are, and running the command as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from workbook.errors import MissingToolError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"


def run_cli(*args: object, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m workbook ARGS`` and capture what a user would see."""
    return subprocess.run(
        [sys.executable, "-m", "workbook", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or REPO, env={**os.environ, **(env or {})}, timeout=600,
    )


def build_workbook(out: Path, year: int, data: Path = DATA) -> Path:
    """``build --data DATA --year YEAR --out OUT``, which must succeed; the workbook's path."""
    result = run_cli("build", "--data", data, "--year", year, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


# ---------------------------------------------------------------- reading a built workbook

def open_workbook(path: Path, data_only: bool = False, read_only: bool = False):
    """Read a built workbook with openpyxl: formulas, or (data_only) the cached values.

    openpyxl warns that it cannot keep the data-bar, sparkline and other extensions
    it does not know; the tests only read, so those warnings are expected here.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*extension is not supported", category=UserWarning)
        return openpyxl.load_workbook(path, data_only=data_only, read_only=read_only)


def named_cell(book, name: str):
    """The cell a defined name points at."""
    sheet, cell = book.defined_names[name].attr_text.split("!")
    return book[sheet.strip("'")][cell.replace("$", "")]


def table_sheet(book, table_name: str):
    """The worksheet that holds the Excel table ``table_name`` (table names are unique in a workbook)."""
    sheets = [sheet for sheet in book.worksheets if table_name in sheet.tables]
    assert len(sheets) == 1, f"table {table_name!r} is on {len(sheets)} sheets"
    return sheets[0]


def table_rows(book, table_name: str, cells: bool = False) -> list[dict]:
    """The data rows of an Excel table as {header: value}, or (cells) as {header: cell}."""
    sheet = table_sheet(book, table_name)
    rows = list(sheet[sheet.tables[table_name].ref])
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row if cells else [cell.value for cell in row])) for row in rows[1:]]


def census_blocks(book) -> dict[str, tuple[int, int, int]]:
    """State code -> (rows, first row, last row) of its rows in the CensusExports table, counted from 1."""
    codes = [row["State code"] for row in table_rows(book, "CensusExports")]
    blocks = {}
    for position, code in enumerate(codes, start=1):
        rows, first, _ = blocks.get(code, (0, position, position))
        blocks[code] = (rows + 1, first, position)
    return blocks


def folded_away(sheet, letter: str) -> bool:
    """True where the column is hidden in an outline group (a reader unfolds it with the group's +)."""
    from openpyxl.utils import column_index_from_string

    index = column_index_from_string(letter)
    # openpyxl keys a run of columns by its first letter, with min and max.
    group = next((dimension for dimension in sheet.column_dimensions.values()
                  if dimension.min is not None and dimension.min <= index <= dimension.max), None)
    return group is not None and bool(group.hidden) and group.outline_level == 1


def sheet_part(path: Path, sheet_name: str) -> str:
    """The zip member that holds the sheet's cells."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(rf'<sheet name="{re.escape(sheet_name)}" sheetId="\d+" r:id="(rId\d+)"', book)[1]
    target = re.search(rf'<Relationship Id="{rel_id}" Type="[^"]+" Target="([^"]+)"', rels)[1]
    return f"xl/{target}"


def sheet_xml(path: Path, sheet_name: str) -> str:
    """The XML of a sheet's cells, conditional formats, sparklines and page setup."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(sheet_part(path, sheet_name)).decode()


def related(archive, part: str, kind: str) -> list[str]:
    """The parts that ``part`` of the open zip links to with a relationship of ``kind`` (drawing, chart, ...)."""
    import posixpath
    import re

    folder, name = posixpath.split(part)
    rels = archive.read(posixpath.join(folder, "_rels", name + ".rels")).decode()
    targets = re.findall(rf'Type="[^"]+/{kind}" Target="([^"]+)"', rels)
    return [posixpath.normpath(posixpath.join(folder, target)) for target in targets]


def charts_of(path: Path, sheet_name: str) -> list[str]:
    """The XML of each chart drawn on a sheet."""
    import zipfile

    part = sheet_part(path, sheet_name)
    with zipfile.ZipFile(path) as archive:
        return [archive.read(chart).decode()
                for drawing in related(archive, part, "drawing")
                for chart in related(archive, drawing, "chart")]


# ---------------------------------------------------------------- editing a built workbook as a person would

def set_number(source: Path, target: Path, sheet_name: str, cell: str, value: float) -> None:
    """Copy the workbook, typing ``value`` into one number cell, as an analyst would.

    The cell is edited in the sheet's XML: openpyxl would drop parts it does not know on saving.
    """
    import re
    import zipfile

    part = sheet_part(source, sheet_name)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>(</c>)', rf"\g<1><v>{value}</v>\g<2>",
                                     data.decode())
                assert count == 1, f"no number cell {cell} on {sheet_name}"
                data = xml.encode()
            new.writestr(item, data)


def census_cell(path: Path, code: str, naics3: int, year: int, sheet_name: str = "Census exports") -> str:
    """The cell of a Census table that holds one state's, category's and year's value."""
    from openpyxl.utils import get_column_letter

    sheet = open_workbook(path)[sheet_name]
    rows = list(sheet.iter_rows())
    header_index = next(index for index, row in enumerate(rows) if row[0].value == "State code")
    year_col = next(cell.column for cell in rows[header_index] if cell.value == str(year))
    row = next(row for row in rows[header_index + 1:] if row[0].value == code and row[1].value == naics3)
    return f"{get_column_letter(year_col)}{row[0].row}"


def type_over(source: Path, target: Path, sheet_name: str, cell: str, value: float) -> None:
    """Copy the workbook with a number typed over a formula cell: the formula is gone, as in Excel."""
    import re
    import zipfile

    part = sheet_part(source, sheet_name)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                xml, count = re.subn(rf'<c r="{cell}"( s="\d+")?( t="\w+")?><f>[^<]*</f><v>[^<]*</v></c>',
                                     rf'<c r="{cell}"\g<1>><v>{value}</v></c>', data.decode())
                assert count == 1, f"no formula cell {cell} on {sheet_name}"
                data = xml.encode()
            new.writestr(item, data)


# ---------------------------------------------------------------- tools the tests need

def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_tool(find: Callable[[], Path]) -> Path:
    """The tool ``find`` locates; skip the test without it, or fail it in CI."""
    try:
        return find()
    except MissingToolError as error:
        missing = str(error)
    # Outside the except block, so that the report is the one line and no traceback.
    if running_in_ci():
        pytest.fail(f"CI needs this tool: {missing}", pytrace=False)
    pytest.skip(missing)


def rewrite_part(source: Path, target: Path, part: str, change: Callable[[str], str]) -> Path:
    """Copy a workbook with one part's XML changed (which must change)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        assert part in old.namelist(), part
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                changed = change(data.decode())
                assert changed != data.decode(), f"nothing changed in {part}"
                data = changed.encode()
            new.writestr(item, data)
    return target
