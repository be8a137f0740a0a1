"""The shared layout cursor: a sheet's title block written once, in the house styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import open_workbook
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import row_height_for, wrapped_height
from workbook.templates_loader import styles
from workbook.writing.xlsx import Book, column_width


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
    # The book must define what its formulas name.
    book.define_name("SnapshotYear", sheet, 10, 0, "")
    sheet.write_number(10, 0, 2020)
    book.close()

    formulas = open_workbook(path)["Layout"]
    values = open_workbook(path, data_only=True)["Layout"]
    assert formulas["A1"].value == '="Exports in "&SnapshotYear'
    assert values["A1"].value == "Exports in 2020"
    assert [values[f"A{row}"].value for row in (2, 4, 5, 6)] == [
        "What this sheet shows", "A section", "First note", "Second note"]
    # A title row is tall enough for the title's font.
    assert formulas.row_dimensions[1].height == row_height_for("title") >= styles()["title"]["font_size"] * 1.2


def test_entries_put_text_beside_a_label_on_rows_tall_enough_and_name_the_edition(tmp_path: Path) -> None:
    path = tmp_path / "entries.xlsx"
    book = Book.create(path)
    sheet = book.add_sheet("Entries")
    layout = SheetLayout(book, sheet, 2020, edition=2021)
    long_text = "A sentence that takes more than one line of a wide column. " * 4
    assert layout.entry("Label", long_text, "page_text") == 0
    assert layout.entry("Edition", "Tech Trade Snapshot {edition}, on {year}", "page_text") == 1
    assert layout.link("'Entries'!A1", "Entries", "This sheet", "page_text") == 2
    assert layout.row == 3
    book.define_name("SnapshotYear", sheet, 10, 0, "")
    book.define_name("Edition", sheet, 11, 0, "")
    sheet.write_number(10, 0, 2020)
    sheet.write_number(11, 0, 2021)
    book.close()

    formulas = open_workbook(path)["Entries"]
    values = open_workbook(path, data_only=True)["Entries"]
    assert values["B1"].value == long_text and formulas["B1"].alignment.wrap_text
    assert formulas["B2"].value == '="Tech Trade Snapshot "&Edition&", on "&SnapshotYear'
    assert values["B2"].value == "Tech Trade Snapshot 2021, on 2020"
    assert formulas["A3"].hyperlink.location == "'Entries'!A1" and values["B3"].value == "This sheet"
    # Four lines of text need four lines of height; one line, one.
    assert formulas.row_dimensions[1].height == wrapped_height(long_text, column_width("page_text"), "page_text")
    assert formulas.row_dimensions[1].height >= 3 * formulas.row_dimensions[2].height - 6


def test_a_summary_figure_is_labelled_named_and_marked_where_small(tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    book = Book.create(path)
    sheet = book.add_sheet("Figures")
    layout = SheetLayout(book, sheet, 2020)
    layout.opening("Figures", "Two of them")
    assert layout.named_figure("FirstFigure", "First figure", "1+1", 2, "billions", 3) == 3
    assert layout.live_line('"Seen "&FirstFigure', "Seen 2", "heading") == 4
    assert layout.units(["$ billions", None]) == 5
    assert layout.row == 6
    book.close()

    formulas = open_workbook(path)["Figures"]
    values = open_workbook(path, data_only=True)["Figures"]
    assert (values["A4"].value, formulas["D4"].value, values["D4"].value) == ("First figure", "=1+1", 2)
    assert formulas.parent.defined_names["FirstFigure"].attr_text == "Figures!$D$4"
    assert formulas.conditional_formatting  # "<0.01" for a figure too small for its unit
    assert (formulas["A5"].value, values["A5"].value) == ('="Seen "&FirstFigure', "Seen 2")
    assert formulas.row_dimensions[5].height == row_height_for("heading")
    assert values["A6"].value == "$ billions" and formulas.row_dimensions[6].height == row_height_for("units")


def test_the_cursor_refuses_to_pass_a_planned_row(tmp_path: Path) -> None:
    book = Book.create(tmp_path / "planned.xlsx")
    sheet = book.add_sheet("Planned")
    layout = SheetLayout(book, sheet, 2020)
    layout.opening("A title", "A subtitle")
    assert layout.reach(3) == 3
    layout.note("A note the plan did not count")
    with pytest.raises(ValueError, match=r"^sheet 'Planned': the text above row 4 takes \+1 rows more than its plan$"):
        layout.reach(3)


def test_text_naming_the_edition_needs_a_layout_given_one(tmp_path: Path) -> None:
    book = Book.create(tmp_path / "no-edition.xlsx")
    layout = SheetLayout(book, book.add_sheet("Sheet"), 2020)
    with pytest.raises(ValueError, match="edition"):
        layout.title("Tech Trade Snapshot {edition}")


def test_every_table_header_shows_whole_words_on_a_row_tall_enough(default_formulas) -> None:
    # A word longer than its column is broken mid-word ("categorie / s"), and a row too short
    # for its lines loses the first of them: both printed so before header rows were measured.
    from openpyxl.utils import range_boundaries

    from workbook.writing.metrics import BOLD_TEXT_PER_WIDTH, LINE_HEIGHT, header_lines

    for sheet in default_formulas.worksheets:
        # A width is stored once for a run of columns (min to max); XlsxWriter adds about 0.7 of padding.
        # (Another test's lookup of a column in the shared workbook leaves a dimension without a span.)
        widths = {col: (dimension.width - 0.7, dimension.hidden) for dimension in sheet.column_dimensions.values()
                  if dimension.min is not None and dimension.max is not None
                  for col in range(dimension.min, dimension.max + 1)}
        for table in sheet.tables.values():
            first_col, header_row, last_col, _ = range_boundaries(table.ref)
            height = sheet.row_dimensions[header_row].height
            for col in range(first_col, last_col + 1):
                header = str(sheet.cell(header_row, col).value)
                width, hidden = widths.get(col, (None, False))
                if width is None or hidden or width <= 0:
                    continue
                longest = max(len(word) for word in header.split())
                assert longest <= int(width * BOLD_TEXT_PER_WIDTH), (sheet.title, table.name, header, width)
                # Less a point: a height is stored in whole pixels.
                assert height is None or height >= header_lines(header, width) * LINE_HEIGHT - 1, (
                    sheet.title, table.name, header, height)
