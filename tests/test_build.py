"""The default build: what a user gets from README's first command."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from helpers import REPO, named_cell, run_cli


def state_row(sheet, code: str) -> dict:
    header_row = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Code")
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == code:
            return dict(zip(header_row, row))
    raise AssertionError(f"no row for {code}")


def test_default_build_writes_the_2020_snapshot(default_formulas):
    assert default_formulas.sheetnames[:4] == ["Cover", "Dashboard", "Key findings", "States"]
    assert default_formulas.defined_names["SnapshotYear"].attr_text.startswith("Cover!")
    assert named_cell(default_formulas, "SnapshotYear").value == 2020


def test_texas_2020_tech_exports_equal_the_census_figure(default_values):
    texas = state_row(default_values["States"], "TX")
    assert texas["Tech exports"] == 45_022_715_511
    assert texas["State"] == "Texas"
    assert texas["US rank"] == 1


def test_state_figures_are_live_formulas_over_the_data(default_formulas):
    sheet = default_formulas["States"]
    header_row = next(row for row in sheet.iter_rows() if row[0].value == "Code")
    columns = {cell.value: cell.column_letter for cell in header_row}
    texas_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "TX")
    formula = sheet[f"{columns['Tech exports']}{texas_row}"].value
    # The snapshot year's column of the Census table, found by its header (over the table's span of columns).
    assert formula.startswith("=SUMIFS(INDEX(CensusExports[")
    assert "MATCH((SnapshotYear)&\"\",CensusExports[[#Headers]" in formula
    assert "SnapshotYear" in formula and "TechCategory" in formula
    assert sheet[f"{columns['US rank']}{texas_row}"].value.startswith("=RANK(")


def test_us_totals_and_counts_come_from_the_formulas(default_values):
    def named(name: str):
        return named_cell(default_values, name).value

    assert named("TechExportsUS") == pytest.approx(197.26e9, rel=1e-4)
    assert named("StatesOverThreshold") == 31
    assert named("StatesTechTopThree") == 29
    assert named("StatesTechLeading") == 14


def test_default_build_passes_the_check_in_libreoffice_and_the_validator(
        default_workbook: Path, require_libreoffice: Path, require_validator: Path):
    result = run_cli("check", default_workbook)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_the_workbook_has_no_macros_and_no_external_links(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        parts = archive.namelist()
    assert not any("vbaProject" in part or "externalLink" in part for part in parts)


def test_document_properties_name_the_publisher_title_keywords_and_language(default_formulas):
    # What the UK Analysis Function's accessibility checklist calls essential, as openpyxl reads it back.
    properties = default_formulas.properties
    assert properties.creator == "CompTIA Research"
    assert properties.language == "en-US"
    assert properties.title == "Tech Trade Snapshot 2021"
    assert properties.keywords == "technology trade, exports, imports, states, NAICS 334, Census"


def test_the_document_names_the_tool_that_made_it_and_keeps_excels_program_name(default_workbook: Path):
    from defusedxml.ElementTree import fromstring

    from workbook import __version__

    with zipfile.ZipFile(default_workbook) as archive:
        app = fromstring(archive.read("docProps/app.xml"))
        core = archive.read("docProps/core.xml").decode()
        custom = archive.read("docProps/custom.xml").decode()
    namespace = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    # LibreOffice reads the charts' unwritten defaults as Excel's only under Excel's program name:
    # under another, it printed the Dashboard's charts empty.
    assert app.findtext(f"{namespace}Application") == "Microsoft Excel"
    assert "Built by the tech-trade tool" in core
    assert re.search(rf'name="tech-trade version"><vt:lpwstr>{re.escape(__version__)}<', custom)


def test_document_properties_carry_no_personal_data(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        core = archive.read("docProps/core.xml").decode()
    # The author is the publisher the wording names, not whoever ran the build.
    assert re.findall(r"<dc:creator>([^<]*)</dc:creator>", core) == ["CompTIA Research"]
    assert "/root" not in core and "/home" not in core


def test_the_same_data_gives_a_byte_identical_workbook(default_workbook: Path, tmp_path: Path):
    # The default workbook was built with no options, from the bundled data; this one names the data folder.
    again = tmp_path / "again.xlsx"
    result = run_cli("build", "--data", REPO / "data", "--out", again)
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == default_workbook.read_bytes()


def test_build_with_no_options_uses_the_bundled_data(default_workbook: Path):
    # The session's default workbook is `build` run with no options in an empty folder (tests/conftest.py).
    assert default_workbook.name == "tech-trade-snapshot-2021.xlsx"


def test_version_and_help_answer():
    from workbook import __version__

    version = run_cli("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    help_text = run_cli("--help")
    assert help_text.returncode == 0
    for command in ("build", "check", "import-census", "import-release"):
        assert command in help_text.stdout
