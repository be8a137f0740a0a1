"""``tech-trade check`` reads the inputs as ``extract`` does, and names every broken one by its sheet and cell.

The workbook is edited with openpyxl, which keeps the tables and drops every cached value:
the check says that in one line first, and still lists each input problem.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from workbook.commands import cli
from workbook.checking.input_check import input_problems
from workbook.reading.inputs import read_inputs

SHEET = "'Census exports'"
NUMBER_AS_TEXT = "45,022,715,511"


def census_cell(sheet, state: str, naics3: int, year: int | None = None) -> str:
    """The cell of a state's category under ``year`` (or its state code) in the CensusExports table."""
    table = sheet.tables["CensusExports"]
    rows = list(sheet[table.ref])
    headers = [str(cell.value) for cell in rows[0]]
    for row in rows[1:]:
        if row[0].value == state and row[1].value == naics3:
            return row[headers.index(str(year))].coordinate if year is not None else row[0].coordinate
    raise AssertionError(f"no row {state} {naics3}")


@pytest.fixture(scope="module")
def broken(default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy with five broken inputs; returns it and each one's cell."""
    path = tmp_path_factory.mktemp("broken-inputs") / "broken.xlsx"
    shutil.copy(default_workbook, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    sheet = book["Census exports"]
    cells = {
        "thousands separators": census_cell(sheet, "TX", 334, 2020),
        "text": census_cell(sheet, "CA", 334, 2019),
        "unknown code": census_cell(sheet, "NV", 334),
        "blank key": census_cell(sheet, "UT", 334),
        "duplicate key": census_cell(sheet, "WA", 334),
    }
    sheet[cells["thousands separators"]] = NUMBER_AS_TEXT
    sheet[cells["text"]] = "n/a"
    sheet[cells["unknown code"]] = "XX"
    sheet[cells["blank key"]] = None
    sheet[cells["duplicate key"]] = "OR"
    book.save(path)
    return path, cells


def test_every_broken_input_is_named_by_its_sheet_and_cell(broken):
    path, cells = broken
    found = {problem.location: problem.message for problem in input_problems(read_inputs(path))}
    assert set(found) == {f"{SHEET}!{cell}" for cell in cells.values()}, found
    assert found[f"{SHEET}!{cells['thousands separators']}"] == (
        f"the CensusExports table value_usd: {NUMBER_AS_TEXT!r}: expected an amount in whole U.S. dollars (at least 0 "
        "and at most 1e+15), written as plain digits without thousands separators or currency signs")
    assert "'n/a'" in found[f"{SHEET}!{cells['text']}"]
    assert found[f"{SHEET}!{cells['unknown code']}"] == (
        "the CensusExports table state_code: 'XX': unknown code (expected one listed in states.csv)")
    assert "a value is required" in found[f"{SHEET}!{cells['blank key']}"]
    assert "duplicate key" in found[f"{SHEET}!{cells['duplicate key']}"]


def test_a_workbook_whose_inputs_pass_has_no_input_problem(default_workbook):
    assert input_problems(read_inputs(default_workbook)) == []


def test_cli_lists_them_after_the_line_on_cached_values_and_exits_1(broken, monkeypatch, tmp_path, capsys):
    path, cells = broken
    # Only the parts that need no other program: what is asserted here does not depend on them.
    monkeypatch.setenv("TECH_TRADE_SOFFICE", str(tmp_path / "no-soffice"))
    monkeypatch.setenv("TECH_TRADE_OOXML_VALIDATE", str(tmp_path / "no-validator"))
    assert cli.main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}: no formula has a cached value: ")
    # In the order the data checks meet them: values in each column, then keys, then codes against other files.
    assert [line.split(": ", 1)[0] for line in lines[1:6]] == [f"{SHEET}!{cells[key]}" for key in (
        "blank key", "text", "thousands separators", "duplicate key", "unknown code")]
    assert f"{SHEET}!{cells['thousands separators']}: the CensusExports table value_usd: {NUMBER_AS_TEXT!r}" in lines[3]
    # Without LibreOffice the Checks sheet is read as IronCalc recalculated it: Texas reads $0.
    texas = [line for line in lines if line.startswith("Checks!") and "Tech exports of Texas" in line]
    assert len(texas) == 1 and "the workbook's 0 differs from the published 44,900,000,000 without a known reason " \
        "(after recalculation in IronCalc)" in texas[0], lines
