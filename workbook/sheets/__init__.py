"""The workbook's sheets, one module each, and what the build knows of a reader's sheet."""

from __future__ import annotations

from typing import Protocol

from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.writing.xlsx import Book


class ReportSheet(Protocol):
    """A sheet a reader reads between the Cover and the Notes, as its module declares it: the build
    adds, orders and writes the sheets through this, and mypy holds each module to it."""

    #: Its section of templates/wording/, which names the sheet and gives its line of the contents.
    WORDING: str
    #: Whether it reads the values other sheets wrote under defined names, and so is written after them.
    SUMMARISES_OTHERS: bool

    def write(self, book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
        """Write the sheet's cells, charts and print setup."""
