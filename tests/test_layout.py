"""The shared layout cursor: a sheet's title block written once, in the house styles."""

from __future__ import annotations

from pathlib import Path

from helpers import open_workbook
from workbook.layout import SheetLayout, row_height_for
from workbook.templates_loader import styles
from workbook.xlsx import Book


def test_the_cursor_writes_a_year_following_title_and_moves_past_each_element(tmp_path: Path) -> None:
    path = tmp_path / "layout.xlsx"
    book = Book.create(path)
    sheet = book.add_sheet("Layout")
    layout = SheetLayout(book, sheet, 2020)
    assert layout.title("Exports in {year}") == 0
    assert layout.subtitle("What this sheet shows") == 1
    layout.skip()
    assert layout.heading("A section") == 3
    assert layout.notes(["First note", "Second note"]) == 5
    assert layout.row == 6
    book.close()

    formulas = open_workbook(path)["Layout"]
    values = open_workbook(path, data_only=True)["Layout"]
    assert formulas["A1"].value == '="Exports in "&SnapshotYear'
    assert values["A1"].value == "Exports in 2020"
    assert [values[f"A{row}"].value for row in (2, 4, 5, 6)] == [
        "What this sheet shows", "A section", "First note", "Second note"]
    # A title row is tall enough for the title's font.
    assert formulas.row_dimensions[1].height == row_height_for("title") >= styles()["title"]["font_size"] * 1.2
