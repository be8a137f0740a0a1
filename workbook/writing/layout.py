"""A sheet's reading parts laid out top to bottom with a row cursor: title, subtitle,
headings, notes and paragraphs, in the house styles.

Every sheet starts the same way and speaks in the same voice, so the block is written
here once rather than in each sheet module. A sheet module makes a :class:`SheetLayout`,
calls its methods in reading order, and reads ``layout.row`` for where its own tables
and charts go::

    layout = SheetLayout(book, sheet, model.year)
    layout.opening(words["title"], words["subtitle"])   # the title a formula that follows SnapshotYear
    layout.heading(words["summary_heading"])
    first, last = write_table(book, sheet, layout.row, ...)
    layout.row = last + 2
    layout.notes(words["notes"])
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from xlsxwriter.worksheet import Worksheet

from workbook.templates_loader import styles
from workbook.writing.metrics import paragraph_characters_per_line, row_height_for, wrapped_height
from workbook.writing.xlsx import (Book, column_width, has_live_fields, live_text_formula, mark_small_values,
                                   write_formula, write_units_row)

#: The styles of the lines that stand out (a title, a subtitle, a heading): their rows are as tall as their font.
_SIZED_STYLES = ("title", "subtitle", "heading")


class SheetLayout:
    """A cursor down one sheet: each method writes one element at ``row`` and moves past it."""

    def __init__(self, book: Book, sheet: Worksheet, year: int, row: int = 0, col: int = 0,
                 edition: int | None = None) -> None:
        self.book = book
        self.sheet = sheet
        #: The snapshot year the workbook is built for: the cached value of year-following text.
        self.year = year
        #: The edition the workbook is built as, for text holding ``{edition}``.
        self.edition = edition
        self.row = row
        self.col = col

    def write_text(self, row: int, col: int, text: str, style: str) -> None:
        """``text`` in one cell; text holding ``{year}`` or ``{edition}`` is a formula that follows them."""
        if has_live_fields(text):
            if "{edition}" in text and self.edition is None:
                raise ValueError(f"{text!r} names the edition, but this layout was not given one")
            write_formula(self.sheet, row, col, live_text_formula(text), self.book.formats[style],
                          text.format(year=self.year, edition=self.edition))
        else:
            self.sheet.write_string(row, col, text, self.book.formats[style])

    def line(self, text: str, style: str, height: float | None = None) -> int:
        """One line of ``style`` at the cursor, on a row ``height`` points tall (None: the sheet's default)."""
        row = self.row
        self.write_text(row, self.col, text, style)
        if height is not None:
            self.sheet.set_row(row, height)
        self.row += 1
        return row

    def live_line(self, formula: str, text: str, style: str = "note") -> int:
        """One line of ``style`` whose text ``formula`` gives (``text``: what it gives for the build's
        figures), for text that follows cells other than the year's; a title, subtitle or heading
        row is as tall as its font."""
        row = self.row
        write_formula(self.sheet, row, self.col, formula, self.book.formats[style], text)
        if style in _SIZED_STYLES:
            self.sheet.set_row(row, row_height_for(style))
        self.row += 1
        return row

    def title(self, text: str) -> int:
        """The sheet's title, in A1 by convention (screen readers and the accessibility check look there)."""
        return self.line(text, "title", row_height_for("title"))

    def subtitle(self, text: str) -> int:
        return self.line(text, "subtitle", row_height_for("subtitle"))

    def opening(self, title: str, subtitle: str) -> int:
        """How most sheets open: the title, the subtitle, then a blank row; returns the title's row."""
        row = self.title(title)
        self.subtitle(subtitle)
        self.skip()
        return row

    def heading(self, text: str) -> int:
        """A section heading."""
        return self.line(text, "heading", row_height_for("heading"))

    def note(self, text: str) -> int:
        return self.line(text, "note")

    def named_figure(self, name: str, label: str, formula: str, value: object, style: str, value_col: int) -> int:
        """A summary's figure: its label, and in ``value_col`` (past the label, which overflows into the
        empty cells between) its formula in ``style``, small values marked, defined as ``name``."""
        row = self.row
        self.write_text(row, self.col, label, "label")
        write_formula(self.sheet, row, value_col, formula, self.book.formats[style], value)
        mark_small_values(self.book, self.sheet, row, value_col, row, value_col, style)
        self.book.define_name(name, self.sheet, row, value_col, label)
        self.row += 1
        return row

    def units(self, units: Sequence[str | None]) -> int:
        """The row above a table's header that names each column's unit (None: none)."""
        row = self.row
        write_units_row(self.book, self.sheet, row, self.col, units)
        self.sheet.set_row(row, row_height_for("units"))
        self.row += 1
        return row

    def paragraph(self, text: str, width: float, style: str = "note") -> int:
        """Text kept within ``width`` characters of column width (the printed page's): a longer
        text goes on as many rows as it needs, split between words. Rows rather than one wrapped
        cell, which would have to be merged across the columns; returns the row after it."""
        theme = styles()
        size = theme[style].get("font_size", theme["base"]["font_size"])
        per_line = paragraph_characters_per_line(width, style)
        height = row_height_for(style) if size > theme["base"]["font_size"] else None
        for line in textwrap.wrap(text, per_line, break_long_words=False, break_on_hyphens=False) or [text]:
            self.line(line, style, height)
        return self.row

    def notes(self, lines: Iterable[str] | str) -> int:
        """Notes, one per row; returns the last row written (the cursor is past it)."""
        last = self.row
        for line in ([lines] if isinstance(lines, str) else lines):
            last = self.note(line)
        return last

    def entry(self, label: str, text: str, width: str, label_width: str | None = None,
              label_style: str = "label", text_style: str = "page_text") -> int:
        """A label and, in the next column (``width`` of styles.toml's column widths), its text,
        wrapped, on a row tall enough for both (``label_width``: the label's column, where it wraps)."""
        row = self.row
        self.write_text(row, self.col, label, label_style)
        self.entry_text(row, text, width, text_style)
        if label_width is not None:
            self.sheet.set_row(row, max(wrapped_height(label, column_width(label_width), label_style),
                                        wrapped_height(text, column_width(width), text_style)))
        return row

    def entry_text(self, row: int, text: str, width: str, style: str = "page_text") -> int:
        """The text of an entry whose first column the caller wrote at ``row`` (an input, an
        example, a link), wrapped in the next column; the cursor moves past the row."""
        self.write_text(row, self.col + 1, text, style)
        self.sheet.set_row(row, wrapped_height(text, column_width(width), style))
        self.row = row + 1
        return row

    def link(self, target: str, text: str, description: str, width: str) -> int:
        """A link to ``target`` (``Sheet!A1`` or a web address) and, beside it, what it leads to."""
        row = self.row
        address = target if "://" in target or target.startswith("mailto:") else f"internal:{target}"
        self.sheet.write_url(row, self.col, address, self.book.formats["link"], text)
        return self.entry_text(row, description, width)

    def reach(self, row: int) -> int:
        """Check that the cursor stands at ``row``, a place planned before the text above it was
        written (a table whose cells formulas elsewhere on the sheet name); returns it."""
        if self.row != row:
            raise ValueError(f"sheet {self.sheet.get_name()!r}: the text above row {row + 1} takes "
                             f"{self.row - row:+} rows more than its plan")
        return row

    def skip(self, rows: int = 1) -> int:
        """Leave ``rows`` blank rows; returns the new cursor row."""
        self.row += rows
        return self.row


def prose_page(book: Book, sheet: Worksheet, year: int, edition: int | None, title: str,
               subtitle: str) -> SheetLayout:
    """A page of prose (the Cover, the Notes): a label column and a wide text column, with the
    title and subtitle written; returns the cursor below them."""
    sheet.set_column(0, 0, column_width("page_label"))
    sheet.set_column(1, 1, column_width("page_text"))
    layout = SheetLayout(book, sheet, year, edition=edition)
    layout.opening(title, subtitle)
    return layout
