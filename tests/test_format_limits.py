"""Limits of the .xlsx format are checked in the writing layer before anything is written: sheet
names, defined and table names, a cell's text, a formula's length, and the rows and columns of a
sheet. XlsxWriter alone would drop or truncate some of these with no more than a return code."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import DATA
from workbook.commands import build
from workbook.commands.cli import main
from workbook.errors import EXIT_USAGE_OR_INPUT, FormatLimitError
from workbook.spreadsheet import MAX_CELL_TEXT, MAX_COLUMNS, MAX_FORMULA_LENGTH, MAX_ROWS
from workbook.writing.xlsx import Book, TableColumn, check_name, check_sheet_name, write_table


@pytest.fixture
def book(tmp_path: Path):
    book = Book.create(tmp_path / "limits.xlsx")
    yield book
    book.close()


@pytest.mark.parametrize("name, problem", [
    ("A sheet name longer than 31 chars", "at most 31"),
    ("Exports [2020]", "cannot hold any of"),
    ("Exports/imports", "cannot hold any of"),
    ("Why?", "cannot hold any of"),
    ("'Quoted'", "apostrophe"),
    ("History", "reserves"),
    ("", "needs a name"),
])
def test_a_sheet_name_excel_refuses_is_an_error(book: Book, name: str, problem: str):
    with pytest.raises(FormatLimitError, match=problem):
        book.add_sheet(name)


def test_sheet_names_are_unique_ignoring_case(book: Book):
    book.add_sheet("States")
    with pytest.raises(FormatLimitError, match="another sheet has this name"):
        book.add_sheet("STATES")


def test_a_sheet_name_of_31_characters_and_accents_is_fine():
    assert check_sheet_name("Échanges par État") == "Échanges par État"
    assert check_sheet_name("x" * 31) == "x" * 31


@pytest.mark.parametrize("name, problem", [
    ("A1", "cell reference"),
    ("XFD1048576", "letters, digits|cell reference"),
    ("R1C1", "cell reference"),
    ("R", "cell reference"),
    ("1stYear", "starts with a letter"),
    ("Snapshot year", "starts with a letter"),
    ("x" * 256, "1 to 255"),
])
def test_a_defined_name_excel_refuses_is_an_error(book: Book, name: str, problem: str):
    sheet = book.add_sheet("About")
    with pytest.raises(FormatLimitError, match=problem):
        book.define_name(name, sheet, 0, 0, "")


def test_defined_names_are_unique_ignoring_case(book: Book):
    sheet = book.add_sheet("About")
    book.define_name("SnapshotYear", sheet, 0, 0, "")
    with pytest.raises(FormatLimitError, match="already defined"):
        book.define_name("snapshotyear", sheet, 1, 0, "")
    assert check_name("TechExportsUS.Previous") == "TechExportsUS.Previous"


def test_a_table_with_more_rows_than_a_sheet_holds_is_an_error_before_any_write(book: Book):
    sheet = book.add_sheet("Census exports")
    # The header takes a row: a sheet holds MAX_ROWS - 1 data rows from its first row.
    columns = [TableColumn(header="Year", style="input_year", values=range(MAX_ROWS))]
    with pytest.raises(FormatLimitError, match=f"a sheet holds {MAX_ROWS:,} rows"):
        write_table(book, sheet, 0, "CensusExports", columns)
    assert sheet.dim_rowmax is None, "nothing may be written before the check"


def test_a_table_name_excel_refuses_is_an_error(book: Book):
    sheet = book.add_sheet("States")
    with pytest.raises(FormatLimitError, match="table name 'State list'"):
        write_table(book, sheet, 0, "State list", [TableColumn(header="Code", style="input_text", values=["AK"])])


def test_a_write_outside_the_sheet_is_an_error_not_a_silent_skip(book: Book):
    sheet = book.add_sheet("States")
    with pytest.raises(FormatLimitError, match="outside the sheet"):
        sheet.write_number(MAX_ROWS, 0, 1)
    with pytest.raises(FormatLimitError, match="outside the sheet"):
        sheet.write_string(0, MAX_COLUMNS, "x")


def test_text_longer_than_a_cell_holds_is_an_error_not_a_silent_cut(book: Book):
    sheet = book.add_sheet("States")
    sheet.write_string(0, 0, "x" * MAX_CELL_TEXT)
    with pytest.raises(FormatLimitError, match="a cell holds at most 32,767"):
        sheet.write_string(1, 0, "x" * (MAX_CELL_TEXT + 1))
    # Excel counts UTF-16 code units: a character beyond U+FFFF counts twice.
    with pytest.raises(FormatLimitError, match="a cell holds at most 32,767"):
        sheet.write_string(2, 0, "\U0001f600" * (MAX_CELL_TEXT // 2 + 1))
    with pytest.raises(FormatLimitError, match="a cell holds at most 32,767"):
        sheet.write_formula(3, 0, '="x"', None, "x" * (MAX_CELL_TEXT + 1))


def test_a_formula_longer_than_excel_takes_is_an_error(book: Book):
    sheet = book.add_sheet("States")
    with pytest.raises(FormatLimitError, match=f"a formula holds at most {MAX_FORMULA_LENGTH:,}"):
        sheet.write_formula(0, 0, "=" + "+".join(["1"] * MAX_FORMULA_LENGTH), None, MAX_FORMULA_LENGTH)


def test_a_limit_broken_during_a_build_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch, capsys):
    wording = build.wording

    def with_a_bad_sheet_name(section: str):
        words = wording(section)
        return {**words, "sheet": "Cover: the first page [draft]"} if section == "cover" else words

    monkeypatch.setattr(build, "wording", with_a_bad_sheet_name)
    out = tmp_path / "limits.xlsx"
    assert main(["build", "--data", str(DATA), "--out", str(out)]) == EXIT_USAGE_OR_INPUT
    captured = capsys.readouterr()
    assert captured.err == ("tech-trade: error: sheet name 'Cover: the first page [draft]': "
                            "a sheet name cannot hold any of [ ] : * ? / \\\n")
    assert list(tmp_path.iterdir()) == [], "no workbook and no temporary file"
