"""A sheet's reading parts laid out top to bottom with a row cursor: title, subtitle,
headings, notes and paragraphs, in the house styles.

Every sheet starts the same way and speaks in the same voice, so the block is written
here once rather than in each sheet module. A sheet module makes a :class:`SheetLayout`,
calls its methods in reading order, and reads ``layout.row`` for where its own tables
and charts go::

    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])          # a formula that follows SnapshotYear
    layout.subtitle(words["subtitle"])
    layout.skip()
    layout.heading(words["summary_heading"])
    first, last = write_table(book, sheet, layout.row, ...)
    layout.row = last + 2
    layout.notes(words["notes"])
"""

from __future__ import annotations

from collections.abc import Iterable

from xlsxwriter.worksheet import Worksheet

from workbook.templates_loader import styles
from workbook.xlsx import Book, write_formula, year_title_formula

#: Points of row height per point of font size: a line of text with room above and below it.
LINE_HEIGHT_PER_POINT = 1.5


def row_height_for(style: str) -> float:
    """The height in points of a one-line row in ``style``, tall enough for its font."""
    theme = styles()
    size = theme[style].get("font_size", theme["base"]["font_size"])
    return round(size * LINE_HEIGHT_PER_POINT, 1)


class SheetLayout:
    """A cursor down one sheet: each method writes one element at ``row`` and moves past it."""

    def __init__(self, book: Book, sheet: Worksheet, year: int, row: int = 0, col: int = 0) -> None:
        self.book = book
        self.sheet = sheet
        #: The snapshot year the workbook is built for: the cached value of year-following text.
        self.year = year
        self.row = row
        self.col = col

    def _text(self, text: str, style: str, height: float | None = None) -> int:
        """One line of ``style``; text holding ``{year}`` is a formula that follows SnapshotYear."""
        row = self.row
        if "{year}" in text:
            write_formula(self.sheet, row, self.col, year_title_formula(text), self.book.formats[style],
                          text.format(year=self.year))
        else:
            self.sheet.write_string(row, self.col, text, self.book.formats[style])
        if height is not None:
            self.sheet.set_row(row, height)
        self.row += 1
        return row

    def title(self, text: str) -> int:
        """The sheet's title, in A1 by convention (screen readers and the accessibility check look there)."""
        return self._text(text, "title", row_height_for("title"))

    def subtitle(self, text: str) -> int:
        return self._text(text, "subtitle", row_height_for("subtitle"))

    def heading(self, text: str) -> int:
        """A section heading."""
        return self._text(text, "heading", row_height_for("heading"))

    def note(self, text: str) -> int:
        return self._text(text, "note")

    def notes(self, lines: Iterable[str] | str) -> int:
        """Notes, one per row; returns the last row written (the cursor is past it)."""
        last = self.row
        for line in ([lines] if isinstance(lines, str) else lines):
            last = self.note(line)
        return last

    def skip(self, rows: int = 1) -> int:
        """Leave ``rows`` blank rows; returns the new cursor row."""
        self.row += rows
        return self.row
