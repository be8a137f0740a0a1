"""The Cover: the first sheet, the one the workbook opens on.

What a reader needs before anything else, as the conventions for releasing statistics
in spreadsheets ask: the title with the edition, what the workbook holds in plain words,
the snapshot year to pick, source, release date, contact, and contents with links. The
title, the summary and the release date follow the snapshot year. Technical matter is on
the Notes sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from workbook.writing import register
from workbook.writing.layout import SheetLayout, prose_page
from workbook.model import SnapshotModel
from workbook.sheets.partial_years import partial_years_covers
from workbook.templates_loader import Wording, wording
from workbook.writing.xlsx import Book, print_setup, string_literal, write_formula

WORDING = "cover"
LABEL_COL, TEXT_COL = 0, 1


@dataclass(frozen=True)
class ContentsEntry:
    sheet: str
    description: str


def write(book: Book, sheet: Worksheet, model: SnapshotModel, reading: list[ContentsEntry],
          inputs: list[ContentsEntry]) -> int:
    """Write the cover and define SnapshotYear on it; returns the row of the year's input cell."""
    words = wording(WORDING)
    layout = prose_page(book, sheet, model.year, model.edition, words["title"], words["subtitle"])

    layout.heading(words["summary_heading"])
    layout.entry(words["summary_label"], words["summary"], "page_text")
    layout.entry(words["source_label"], words["source"], "page_text")
    _release(layout, words, model)
    _contact(layout, words)
    layout.skip()

    layout.heading(words["year_heading"])
    year_row = layout.row
    sheet.write_number(year_row, LABEL_COL, model.year, book.formats["input_year_pick"])
    book.define_name(register.SNAPSHOT_YEAR, sheet, year_row, LABEL_COL, words["year_heading"])
    partial = model.data.partial_years
    year_note = words["year_note"] + (
        str(words["year_note_partial"]).format(years=partial_years_covers(partial)) if partial else "")
    layout.entry_text(year_row, year_note, "page_text")
    layout.skip()

    layout.heading(words["contents_heading"])
    for entry in reading:
        layout.link(f"'{entry.sheet}'!A1", entry.sheet, entry.description, "page_text")
    layout.skip()
    layout.heading(words["inputs_heading"])
    for entry in inputs:
        layout.link(f"'{entry.sheet}'!A1", entry.sheet, entry.description, "page_text")

    # One page: the cover is read, and sent, as a page of its own.
    print_setup(sheet, layout.row - 1, TEXT_COL, landscape=False, pages_tall=1, margins="prose")
    # The workbook opens here, at the top.
    sheet.activate()
    sheet.set_selection(0, 0, 0, 0)
    return year_row


def _release(layout: SheetLayout, words: Wording, model: SnapshotModel) -> None:
    """When the edition the snapshot year gives was released, as a formula over Edition."""
    released = dict(words["released"])
    unreleased = released.pop("unreleased")
    formula = string_literal(unreleased)
    for edition, date in sorted(released.items(), reverse=True):
        formula = f"IF({register.EDITION}={int(edition)},{string_literal(date)},{formula})"
    row = layout.row
    layout.write_text(row, LABEL_COL, words["release_label"], "label")
    write_formula(layout.sheet, row, TEXT_COL, formula, layout.book.formats["page_text"],
                  released.get(str(model.edition), unreleased))
    layout.row += 1


def _contact(layout: SheetLayout, words: Wording) -> None:
    contact = words["contact"]
    row = layout.row
    layout.write_text(row, LABEL_COL, words["contact_label"], "label")
    if contact.get("url"):
        layout.sheet.write_url(row, TEXT_COL, contact["url"], layout.book.formats["page_link"], contact["name"])
    else:
        layout.write_text(row, TEXT_COL, contact["name"], "page_text")
    layout.row += 1


def restrict_year(sheet: Worksheet, year_row: int, years_range: str) -> None:
    """The snapshot year is picked from the years of the Year list table."""
    words = wording(WORDING)
    sheet.data_validation(year_row, LABEL_COL, year_row, LABEL_COL, {
        "validate": "list", "source": years_range,
        "error_title": words["year_heading"], "error_message": words["year_error"],
    })
