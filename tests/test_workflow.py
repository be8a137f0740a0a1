"""Around the workbook: take edits back (extract), say what changed (diff), never lose work
(build refuses to overwrite an edited workbook), and lock formulas (--protect)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from helpers import DATA, census_cell, named_cell, open_workbook, run_cli, set_number
from workbook.reading.inputs import read_inputs


@pytest.fixture
def built(tmp_path: Path, default_workbook: Path) -> Path:
    """A fresh copy of the default build that the test may edit."""
    copy = tmp_path / "snapshot.xlsx"
    shutil.copy(default_workbook, copy)
    return copy


@pytest.fixture
def texas_edited(built: Path, tmp_path: Path) -> tuple[Path, str]:
    """The build with Texas's 2020 tech exports typed over, as an analyst would."""
    cell = census_cell(built, "TX", 334, 2020)
    edited = tmp_path / "edited.xlsx"
    set_number(built, edited, "Census exports", cell, 1000)
    return edited, cell


def someone_elses_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Budget").write("A1", "a workbook the tool did not make")
    book.close()
    return path


def test_a_built_workbook_is_marked_as_the_tools_and_unedited(built: Path):
    inputs = read_inputs(built)
    assert inputs.made_by_tool
    assert inputs.fingerprint() == inputs.stored_fingerprint


def test_an_edited_input_changes_the_fingerprint(texas_edited):
    edited, _ = texas_edited
    inputs = read_inputs(edited)
    assert inputs.fingerprint() != inputs.stored_fingerprint


def test_extract_of_an_unedited_workbook_gives_back_the_data(built: Path, tmp_path: Path):
    result = run_cli("extract", built, "--out", tmp_path / "back")
    assert result.returncode == 0, result.stderr
    for name in ("states.csv", "categories.csv", "census_exports.csv", "census_imports.csv",
                 "published_figures.csv", "destinations.csv"):
        assert (tmp_path / "back" / name).read_bytes() == (DATA / name).read_bytes(), name
    settings = (tmp_path / "back" / "settings.csv").read_text()
    assert "snapshot_year,2020" in settings


def test_extract_takes_an_edit_back_and_a_rebuild_shows_it(texas_edited, tmp_path: Path):
    edited, _ = texas_edited
    assert run_cli("extract", edited, "--out", tmp_path / "back").returncode == 0
    rebuilt = tmp_path / "rebuilt.xlsx"
    result = run_cli("build", "--data", tmp_path / "back", "--out", rebuilt)
    assert result.returncode == 0, result.stderr
    before, after = read_inputs(edited), read_inputs(rebuilt)
    for name, frame in before.frames.items():
        assert after.frames[name].astype(str).values.tolist() == frame.astype(str).values.tolist(), name
    texas = next(row for row in open_workbook(rebuilt, data_only=True)["States"].iter_rows(values_only=True)
                 if row[0] == "TX")
    assert 1000 in texas


def test_extract_refuses_a_workbook_it_did_not_make_and_writes_nothing(tmp_path: Path):
    foreign = someone_elses_workbook(tmp_path / "budget.xlsx")
    result = run_cli("extract", foreign, "--out", tmp_path / "back")
    assert result.returncode == 2
    assert "not a workbook tech-trade made" in result.stderr and "\n" not in result.stderr.strip()
    assert not (tmp_path / "back").exists() or not any((tmp_path / "back").iterdir())


def test_extract_refuses_inputs_that_break_the_schema_and_writes_nothing(built: Path, tmp_path: Path):
    cell = census_cell(built, "CA", 334, 2020)
    broken = tmp_path / "broken.xlsx"
    set_number(built, broken, "Census exports", cell, -5)
    result = run_cli("extract", broken, "--out", tmp_path / "back")
    assert result.returncode == 2
    assert "CensusExports" in result.stderr and "value_usd" in result.stderr and "'-5'" in result.stderr
    assert not any(path.suffix == ".csv" for path in (tmp_path / "back").glob("*"))


def test_diff_lists_the_edited_input_cell_with_its_label_and_values(built: Path, texas_edited):
    edited, cell = texas_edited
    result = run_cli("diff", built, edited)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [f"'Census exports'!{cell}: CensusExports 2020 TX 334 value_usd: 45022715511 -> 1000"]


def test_diff_of_a_workbook_with_itself_lists_nothing_and_says_so(built: Path):
    result = run_cli("diff", built, built)
    assert result.returncode == 0 and result.stdout == (
        f"no differences: {built} and {built} hold the same inputs and own work\n")


def test_build_refuses_to_overwrite_an_edited_workbook_and_suggests_extract(texas_edited):
    edited, _ = texas_edited
    before = edited.read_bytes()
    result = run_cli("build", "--out", edited)
    assert result.returncode == 2
    assert "has been edited" in result.stderr and "extract" in result.stderr and "--force" in result.stderr
    assert edited.read_bytes() == before


def test_build_with_force_replaces_an_edited_workbook(texas_edited):
    edited, _ = texas_edited
    result = run_cli("build", "--force", "--out", edited)
    assert result.returncode == 0, result.stderr
    inputs = read_inputs(edited)
    assert inputs.fingerprint() == inputs.stored_fingerprint


def test_build_refuses_to_overwrite_a_workbook_it_did_not_make(tmp_path: Path):
    foreign = someone_elses_workbook(tmp_path / "snapshot.xlsx")
    before = foreign.read_bytes()
    result = run_cli("build", "--out", foreign)
    assert result.returncode == 2 and "not a workbook tech-trade wrote" in result.stderr
    assert foreign.read_bytes() == before


def test_build_replaces_its_own_unedited_workbook(built: Path):
    result = run_cli("build", "--out", built)
    assert result.returncode == 0, result.stderr


def test_protect_locks_formulas_and_leaves_inputs_editable(tmp_path: Path):
    protected = tmp_path / "protected.xlsx"
    assert run_cli("build", "--protect", "--out", protected).returncode == 0
    with zipfile.ZipFile(protected) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert all("<sheetProtection" in archive.read(name).decode() for name in sheets)
    book = open_workbook(protected)
    assert named_cell(book, "SnapshotYear").protection.locked is False  # an input
    texas = next(row for row in book["States"].iter_rows() if row[0].value == "TX")
    assert texas[2].protection.locked is True  # a formula
    assert book["Census exports"]["C5"].protection.locked is False


def test_the_inputs_have_data_validation(built: Path):
    book = open_workbook(built)
    rules = book["Census exports"].data_validations.dataValidation
    assert any(rule.type == "decimal" and rule.operator in (None, "between") and rule.formula1 == "0" for rule in rules)
    year = named_cell(book, "SnapshotYear")
    assert any(rule.type == "list" and year.coordinate in rule.sqref
               for rule in book[year.parent.title].data_validations.dataValidation)


def test_checks_flag_a_formula_typed_over_after_recalculation(built: Path, tmp_path: Path, require_libreoffice):
    from helpers import type_over
    from workbook.engines.libreoffice import recalculate

    states = open_workbook(built)["States"]
    texas = next(row for row in states.iter_rows() if row[0].value == "TX")
    header = next(row for row in states.iter_rows() if row[0].value == "Code")
    exports_cell = texas[[cell.value for cell in header].index("Tech exports")].coordinate
    typed_over = tmp_path / "typed-over.xlsx"
    type_over(built, typed_over, "States", exports_cell, 1)
    recalculated = recalculate(typed_over, tmp_path / "recalculated")
    checks = open_workbook(recalculated, data_only=True)["Checks"]
    rows = [[cell.value for cell in row] for row in checks[checks.tables["IdentityChecks"].ref]]
    statuses = {row[0]: row[rows[0].index("Status")] for row in rows[1:]}
    assert statuses["Tech exports of the states sum to the U.S. total of the data"] == "broken"
    assert statuses["Shares of the U.S. sum to 100%"] == "holds"


def test_build_refuses_to_overwrite_a_file_that_is_no_workbook_at_all(tmp_path: Path):
    other = tmp_path / "snapshot.xlsx"
    other.write_text("notes, not a workbook\n")
    result = run_cli("build", "--out", other)
    assert result.returncode == 2 and "not a workbook tech-trade wrote" in result.stderr and "--force" in result.stderr
    assert other.read_text() == "notes, not a workbook\n"
