"""A formula whose result is empty text is stored as text (``t="str"``), as Excel stores it.

Untyped, ``<v></v>`` reads as an empty number to viewers that never calculate, which
then show what Excel would not (a 0, or a cell that counts as a number).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from workbook.writing.xlsx import Book, write_formula

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _cells(path: Path, part: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Cell reference -> (type attribute, formula, cached value) of every formula cell of a sheet part."""
    with zipfile.ZipFile(path) as archive:
        root = fromstring(archive.read(part))
    cells = {}
    for cell in root.iter(f"{_MAIN}c"):
        formula = cell.find(f"{_MAIN}f")
        if formula is not None:
            value = cell.find(f"{_MAIN}v")
            cells[cell.get("r")] = (cell.get("t"), formula.text, None if value is None else (value.text or ""))
    return cells


def test_an_empty_text_result_is_stored_as_text(tmp_path: Path):
    path = tmp_path / "empty-text.xlsx"
    book = Book.create(path)
    sheet = book.add_sheet("Sheet")
    write_formula(sheet, 0, 0, 'IF(1=1,"","x")', None, "")
    write_formula(sheet, 1, 0, 'IF(1=1,"x","")', None, "x")
    write_formula(sheet, 2, 0, "1+1", None, 2)
    book.close()

    cells = _cells(path, "xl/worksheets/sheet1.xml")
    assert cells["A1"] == ("str", 'IF(1=1,"","x")', "")
    assert cells["A2"] == ("str", 'IF(1=1,"x","")', "x")
    assert cells["A3"] == (None, "1+1", "2")


def test_every_empty_text_result_of_the_default_build_is_text(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        parts = [name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
    empty = {(part, ref): kind for part in parts for ref, (kind, _, value) in _cells(default_workbook, part).items()
             if value == ""}
    # The build has such cells (Checks' blank differences, States' change percent of a new state, ...).
    assert empty
    assert {kind for kind in empty.values()} == {"str"}, [key for key, kind in empty.items() if kind != "str"][:5]
