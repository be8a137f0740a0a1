"""The workbook follows the conventions for releasing statistics in spreadsheets, prints well,
and is safe to email."""

from __future__ import annotations

import re
import shutil
import socket
import zipfile
from pathlib import Path

from helpers import DATA, run_cli


def test_the_cover_comes_first_and_links_to_every_other_sheet(default_formulas):
    assert default_formulas.sheetnames[0] == "Cover"
    links = {cell.hyperlink.location.split("!")[0].strip("'")
             for row in default_formulas["Cover"].iter_rows() for cell in row
             if cell.hyperlink is not None and cell.hyperlink.location}
    assert links == set(default_formulas.sheetnames) - {"Cover"}


def test_no_cell_is_merged(default_formulas):
    for sheet in default_formulas.worksheets:
        assert not sheet.merged_cells.ranges, f"{sheet.title} has merged cells"


def test_tables_have_one_header_row_and_no_blank_rows_or_columns(default_formulas):
    for sheet in default_formulas.worksheets:
        for table in sheet.tables.values():
            rows = list(sheet[table.ref])
            headers = [cell.value for cell in rows[0]]
            # A spacer column would need a header all the same, and Excel names it "Column1".
            assert all(isinstance(header, str) and header and not re.fullmatch(r"Column\d+", header)
                       for header in headers), f"{table.name}: a blank or spacer column"
            for row in rows[1:]:
                assert any(cell.value not in (None, "") for cell in row), f"{table.name}: blank row {row[0].row}"


def test_every_sheet_prints_one_page_wide_with_a_footer(default_formulas):
    for sheet in default_formulas.worksheets:
        assert sheet.print_area, f"{sheet.title} has no print area"
        assert "&P" in (sheet.oddFooter.right.text or ""), f"{sheet.title} has no page number"
        assert "&A" in (sheet.oddFooter.center.text or ""), f"{sheet.title}'s footer does not name the sheet"
        if sheet.col_breaks.brk:
            # Too wide for one page at a readable size (the Categories matrix): a fixed size, split
            # where its pages break (its row labels written again there).
            assert sheet.page_setup.scale and not sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            continue
        # 1 is the default, which the file may leave out.
        assert sheet.page_setup.fitToWidth in (None, 1), f"{sheet.title} does not fit one page wide"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_wide_sheets_print_landscape(default_formulas):
    for sheet in default_formulas.worksheets:
        if sheet.max_column > 8 and not sheet.tables.get("CensusExports") and not sheet.tables.get("CensusImports"):
            assert sheet.page_setup.orientation == "landscape", f"{sheet.title} is wide but portrait"


def test_tables_repeat_their_header_row_on_every_page(default_formulas):
    for name in ("States", "Checks", "Census exports"):
        assert default_formulas[name].print_title_rows, f"{name} does not repeat its header row"


def test_every_indented_style_is_aligned_so_that_excel_indents_it(default_workbook: Path):
    # Excel indents text aligned left, right or distributed only; LibreOffice indents any.
    with zipfile.ZipFile(default_workbook) as archive:
        styles = archive.read("xl/styles.xml").decode("utf-8")
    indented = re.findall(r"<alignment [^>]*\bindent=\"[1-9][^>]*>", styles)
    assert indented
    assert [alignment for alignment in indented
            if not re.search(r'\bhorizontal="(left|right|distributed)"', alignment)] == []


def test_no_macros_external_links_or_personal_paths(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        names = archive.namelist()
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in names if name.endswith(".xml"))
    assert not any("vbaProject" in name or "externalLink" in name for name in names)
    assert not re.search(r"/(root|home|Users)/", text)
    assert "file:///" not in text


def test_no_personal_data_and_no_path_of_the_build_in_any_part(tmp_path: Path):
    """Built from a folder whose path names a person, into another: neither path, nor the home
    folder or the machine's name, shows anywhere in the file, and no property names a person."""
    owner = tmp_path / "Jane Q Analyst"
    data = owner / "private data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    out = owner / "outbox" / "snapshot.xlsx"
    out.parent.mkdir()
    result = run_cli("build", "--data", data, "--out", out)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        core = archive.read("docProps/core.xml").decode()
        app = archive.read("docProps/app.xml").decode()
    for private in ("Jane Q Analyst", "private data", "outbox", str(tmp_path), str(Path.home()) + "/",
                    socket.gethostname()):
        assert private not in text, f"{private!r} is in the workbook"
    # The author (and so the last to modify it) is the publisher the wording names, never a person.
    for element in ("dc:creator", "cp:lastModifiedBy"):
        assert re.findall(f"<{element}>([^<]*)</{element}>", core) == ["CompTIA Research"], f"{element} names someone"
    for element in ("Company", "Manager"):
        assert re.search(f"<{element}>[^<]+</{element}>", app) is None, f"{element} names someone"
