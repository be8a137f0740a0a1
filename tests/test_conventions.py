"""The workbook follows the conventions for releasing statistics in spreadsheets, prints well,
and is safe to email."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from helpers import open_workbook


@pytest.fixture(scope="module")
def book(default_workbook: Path):
    return open_workbook(default_workbook)


def test_the_cover_comes_first_and_links_to_every_sheet(book):
    assert book.sheetnames[0] == "About"
    links = {cell.hyperlink.location.split("!")[0].strip("'") for row in book["About"].iter_rows() for cell in row
             if cell.hyperlink is not None and cell.hyperlink.location}
    assert links == set(book.sheetnames)


def test_no_cell_is_merged(book):
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, f"{sheet.title} has merged cells"


def test_tables_have_one_header_row_and_no_blank_rows_or_columns(book):
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            rows = list(sheet[table.ref])
            headers = [cell.value for cell in rows[0]]
            # A spacer column would need a header all the same, and Excel names it "Column1".
            assert all(isinstance(header, str) and header and not re.fullmatch(r"Column\d+", header)
                       for header in headers), f"{table.name}: a blank or spacer column"
            for row in rows[1:]:
                assert any(cell.value not in (None, "") for cell in row), f"{table.name}: blank row {row[0].row}"


def test_every_sheet_prints_one_page_wide_with_a_footer(book):
    for sheet in book.worksheets:
        assert sheet.print_area, f"{sheet.title} has no print area"
        # 1 is the default, which the file may leave out.
        assert sheet.page_setup.fitToWidth in (None, 1), f"{sheet.title} does not fit one page wide"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in (sheet.oddFooter.right.text or ""), f"{sheet.title} has no page number"


def test_wide_sheets_print_landscape(book):
    for sheet in book.worksheets:
        if sheet.max_column > 8 and not sheet.tables.get("CensusExports") and not sheet.tables.get("CensusImports"):
            assert sheet.page_setup.orientation == "landscape", f"{sheet.title} is wide but portrait"


def test_tables_repeat_their_header_row_on_every_page(book):
    for name in ("States", "Checks", "Census exports"):
        assert book[name].print_title_rows, f"{name} does not repeat its header row"


def test_no_macros_external_links_or_personal_paths(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        names = archive.namelist()
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in names if name.endswith(".xml"))
    assert not any("vbaProject" in name or "externalLink" in name for name in names)
    assert not re.search(r"/(root|home|Users)/", text)
    assert "file:///" not in text
