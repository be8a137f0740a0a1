"""Formulas name only tables, columns and defined names the workbook defines: the writing
layer refuses anything else when the workbook is closed, and a header renamed in the
wording either reaches every formula or stops the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DATA, REPO, open_workbook, run_cli
from workbook.commands import build
from workbook.writing import register
from workbook.errors import EXIT_OK, EXIT_USAGE_OR_INPUT, UndefinedReferenceError
from workbook.writing.formula_names import names_in
from workbook.dataset.load import load_dataset
from workbook.sheets import states
from workbook.writing.xlsx import Book, TableColumn, write_formula, write_table


# ---------------------------------------------------------------- what a formula names

@pytest.mark.parametrize("formula, columns, names", [
    ("=SUM(StateSummary[Tech exports])", {("StateSummary", "Tech exports")}, set()),
    ("StateSummary[[#This Row],[Share of US]]*2", {("StateSummary", "Share of US")}, set()),
    ("INDEX(CensusExports[[#Data]],1,MATCH((SnapshotYear)&\"\",CensusExports[[#Headers]],0))",
     {("CensusExports", None)}, {"SnapshotYear"}),
    ("SUM(T[[A]:[B]])+T[@[C]]+T[@D]", {("T", "A"), ("T", "B"), ("T", "C"), ("T", "D")}, set()),
    ("T[Exports FY2020]+T[[#This Row],[Q1]]", {("T", "Exports FY2020"), ("T", "Q1")}, set()),
    ("T[Odd'[1']]", {("T", "Odd[1]")}, set()),
    ("SUM(Rows)", set(), {"Rows"}),
    # Functions, sheets, cells, whole columns, numbers, strings, error values and TRUE name nothing.
    ('IF(TRUE,\'Census exports\'!$A$1+States!B2:C3+SUM(A:A)+1e9+5E-3,"Ghost[x] Name"&#N/A)', set(), set()),
    ("_xlfn.STDEV.S(A1:A3)+IFERROR(1/0,0)", set(), set()),
    # Not cells: a name Excel would read as a name.
    ("ABCD1+TechExportsUS", set(), {"ABCD1", "TechExportsUS"}),
])
def test_what_a_formula_names(formula: str, columns: set, names: set):
    found = names_in(formula)
    assert set(found.columns) == columns
    assert set(found.names) == names


# ---------------------------------------------------------------- refused when the workbook is closed

def _book_with_a_table(path: Path) -> Book:
    book = Book.create(path)
    sheet = book.add_sheet("Data")
    write_table(book, sheet, 0, "Figures", [TableColumn("Value", "general_number", [1, 2, 3])])
    book.define_name("SnapshotYear", sheet, 5, 0, "a year")
    sheet.write_number(5, 0, 2020)
    return book


@pytest.mark.parametrize("formula, named", [
    ("SUM(Figures[Valeu])", "the column [Valeu] of the table Figures"),
    ("SUM(Figure[Value])", "the table Figure,"),
    ("SnapshotYaer+1", "SnapshotYaer, which is neither a defined name nor a table"),
])
def test_a_formula_naming_what_the_workbook_lacks_stops_the_build(tmp_path: Path, formula: str, named: str):
    path = tmp_path / "planted.xlsx"
    book = _book_with_a_table(path)
    report = book.add_sheet("Report sheet")
    write_formula(report, 3, 2, "SUM(Figures[Value])", None, 6)
    write_formula(report, 4, 2, formula, None, 0)
    with pytest.raises(UndefinedReferenceError) as raised:
        book.close()
    assert str(raised.value).startswith(f"'Report sheet'!C5: the formula ={formula} names {named}")
    assert not path.exists()


def test_array_formulas_are_checked_too(tmp_path: Path):
    book = _book_with_a_table(tmp_path / "array.xlsx")
    sheet = book.workbook.get_worksheet_by_name("Data")
    sheet.write_array_formula(7, 1, 7, 1, "{=MAX((Figures[Value]>1)*Figures[Velue])}", None, 3)
    with pytest.raises(UndefinedReferenceError, match=r"Data!B8: the formula .* names the column \[Velue\]"):
        book.close()


def test_names_are_checked_against_the_workbook_whatever_order_sheets_are_written(tmp_path: Path):
    path = tmp_path / "order.xlsx"
    book = Book.create(path)
    report = book.add_sheet("Report")
    # Written before the table and the name it uses exist.
    write_formula(report, 0, 0, "SUM(figures[value])+snapshotyear", None, 2026)
    data = book.add_sheet("Data")
    write_table(book, data, 0, "Figures", [TableColumn("Value", "general_number", [1, 2, 3])])
    data.write_number(5, 0, 2020)
    book.define_name("SnapshotYear", data, 5, 0, "a year")
    book.close()
    assert path.exists()


def test_conditional_formats_are_checked_too(tmp_path: Path):
    book = _book_with_a_table(tmp_path / "rules.xlsx")
    sheet = book.workbook.get_worksheet_by_name("Data")
    sheet.conditional_format(1, 0, 3, 0, {"type": "formula", "criteria": "=$A2=SnapshotYearr",
                                          "format": book.formats["rule_ok"]})
    with pytest.raises(UndefinedReferenceError, match=r"Data!A2: the formula =\$A2=SnapshotYearr names SnapshotYearr"):
        book.close()


def test_a_formula_planted_in_a_sheet_of_the_real_build_stops_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_states = states.write

    def write_with_a_stale_header(book, sheet, model):
        write_states(book, sheet, model)
        write_formula(sheet, 2, 8, f"SUM({register.STATE_SUMMARY.name}[Tech exprts])", None, 0)

    monkeypatch.setattr(states, "write", write_with_a_stale_header)
    out = tmp_path / "planted.xlsx"
    with pytest.raises(UndefinedReferenceError,
                       match=r"^States!I3: the formula =SUM\(StateSummary\[Tech exprts\]\) names the column "
                             r"\[Tech exprts\] of the table StateSummary"):
        build.build_workbook(DATA, out=out)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the register and the workbook agree

def test_the_default_build_defines_exactly_the_registers_tables_and_names(default_formulas):
    tables = {name: list(sheet.tables[name].tableColumns) for sheet in default_formulas.worksheets
              for name in sheet.tables}
    assert set(tables) == {table.name for table in register.TABLES}
    data = load_dataset(DATA)
    years = [str(year) for year in data.years]
    # The partner tables have a column per year of the partner data, which covers fewer years.
    years_of = {register.PARTNER_EXPORTS.name: data.partner_exports, register.PARTNER_IMPORTS.name: data.partner_imports}
    for table in register.TABLES:
        registered = list(table.headers().values())
        if table.years_after is not None:
            trade = years_of.get(table.name)
            registered[table.years_after:table.years_after] = (
                years if trade is None else [str(year) for year in sorted(trade["year"].unique())])
        assert [column.name for column in tables[table.name]] == registered, table.name
    assert set(default_formulas.defined_names) == {name.name for name in register.DEFINED_NAMES}


def test_the_settings_are_the_data_schemas():
    from workbook.dataset.schema import SETTINGS

    assert [setting.setting for setting in register.SETTINGS] == list(SETTINGS.column("setting").choices)
    assert {setting.name for setting in register.SETTINGS} <= {name.name for name in register.DEFINED_NAMES}


# ---------------------------------------------------------------- a header renamed in the wording

def _templates_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    wording = templates / "wording" / file
    text = wording.read_text(encoding="utf-8")
    assert text.count(old) == 1
    wording.write_text(text.replace(old, new), encoding="utf-8")
    return templates


def _renamed(text: str, old: str, new: str) -> str:
    """A formula or text with a column's header, old or new, spelt one way (the new first: it may hold the old),
    so that a cell of the renamed build and the default build's compare equal where only the header differs."""
    return text.replace(new, "\0").replace(old, "\0")


@pytest.mark.parametrize("file, old_header, new_header, key", [
    ("states.toml", "Tech exports", "Tech exports USD", "tech_exports"),
    ("data.toml", "NAICS3", "NAICS code", "naics3"),
])
def test_a_renamed_header_reaches_every_formula_or_stops_the_build(tmp_path: Path, file: str, old_header: str,
                                                                   new_header: str, key: str, default_formulas,
                                                                   default_values):
    templates = _templates_with(tmp_path, file, f'{key} = "{old_header}"', f'{key} = "{new_header}"')
    out = tmp_path / "renamed.xlsx"
    built = run_cli("build", "--data", DATA, "--templates", templates, "--out", out)
    if built.returncode == EXIT_USAGE_OR_INPUT:
        # Stopped: one line naming the header a formula still spells the old way, and no file.
        assert built.stderr.count("\n") == 1
        assert f"[{old_header}]" in built.stderr and "which has no such column" in built.stderr
        assert not out.exists()
        return
    assert built.returncode == EXIT_OK, built.stderr
    # Carried: the tables carry the new header, and every column a formula names is a column of its table
    # (another table may keep a column of the old name: Trend's U.S. table has "Tech exports" too).
    formulas = open_workbook(out)
    headers = {name.casefold(): {column.name.casefold() for column in sheet.tables[name].tableColumns}
               for sheet in formulas.worksheets for name in sheet.tables}
    assert any(new_header.casefold() in columns for columns in headers.values())
    unresolved = [f"{sheet.title}!{cell.coordinate}" for sheet in formulas.worksheets for row in sheet.iter_rows()
                  for cell in row if cell.data_type == "f"
                  for table, header in names_in(getattr(cell.value, "text", None) or str(cell.value)).columns
                  if header is not None and header.casefold() not in headers.get(table.casefold(), set())]
    assert not unresolved
    # And nothing else changed: every cell holds the default build's formula and cached value, the header
    # aside (in the tables' header rows, in formulas and in the Notes' lists of columns). The default build
    # passes `check` (LibreOffice's recalculation and the validator, tests/test_build.py), so this one does
    # too, without the two minutes a second check takes.
    values = open_workbook(out, data_only=True)
    assert formulas.sheetnames == default_formulas.sheetnames
    changed = [f"{title}!{cell.coordinate}" for title in formulas.sheetnames
               for book, default in ((formulas, default_formulas), (values, default_values))
               for row, default_row in zip(book[title].iter_rows(), default[title].iter_rows(), strict=True)
               for cell, default_cell in zip(row, default_row, strict=True)
               if _renamed(str(getattr(cell.value, "text", cell.value)), old_header, new_header)
               != _renamed(str(getattr(default_cell.value, "text", default_cell.value)), old_header, new_header)]
    assert not changed


def test_a_templates_folder_that_is_not_one_is_refused(tmp_path: Path):
    result = run_cli("build", "--data", DATA, "--templates", tmp_path, "--out", tmp_path / "x.xlsx")
    assert result.returncode == EXIT_USAGE_OR_INPUT
    assert result.stderr == (f"tech-trade: error: {tmp_path}: not a templates folder (expected styles.toml and "
                             "wording/ in it, as in the tool's templates/)\n")
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_stops_with_status_2_and_one_line_naming_the_formula(tmp_path: Path):
    # A build whose States sheet writes one formula naming a column StateSummary lacks, run as the command.
    script = (
        "import sys\n"
        "from workbook.commands.cli import main\n"
        "from workbook.sheets import states\n"
        "from workbook.writing.xlsx import write_formula\n"
        "write_states = states.write\n"
        "def planted(book, sheet, model):\n"
        "    write_states(book, sheet, model)\n"
        "    write_formula(sheet, 2, 8, 'SUM(StateSummary[Tech exprts])', None, 0)\n"
        "states.write = planted\n"
        "sys.exit(main(sys.argv[1:]))\n")
    out = tmp_path / "planted.xlsx"
    result = subprocess.run([sys.executable, "-c", script, "build", "--data", str(DATA), "--out", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == EXIT_USAGE_OR_INPUT
    assert result.stderr == ("tech-trade: error: States!I3: the formula =SUM(StateSummary[Tech exprts]) names the "
                             "column [Tech exprts] of the table StateSummary, which has no such column; "
                             "nothing was written\n")
    assert list(tmp_path.iterdir()) == []
