"""Reading a workbook back with openpyxl, without its charts and pictures.

openpyxl parses every chart and picture of every sheet as it loads a workbook, and
some charts other programs write stop it: a chart LibreOffice makes of a single
column raises IndexError in openpyxl's chart reader, which takes the whole load
down. The tool never uses openpyxl's charts or pictures (``own.py`` lists what a
sheet draws from the drawing parts themselves), so :func:`load_workbook` leaves them
unread. It does so by standing in for ``openpyxl.reader.excel.find_images`` while it
loads; ``tests/test_openpyxl_hooks.py`` fails, naming it, if a release of openpyxl
moves or changes that function.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import openpyxl.reader.excel
from openpyxl.workbook.workbook import Workbook

#: The function of openpyxl's reader that reads a drawing's charts and pictures: (archive, part) -> (charts, images).
HOOKED = "find_images"


@contextlib.contextmanager
def _drawings_left_unread() -> Iterator[None]:
    reader = openpyxl.reader.excel
    original = getattr(reader, HOOKED)
    setattr(reader, HOOKED, lambda archive, path: ([], []))
    try:
        yield
    finally:
        setattr(reader, HOOKED, original)


def load_workbook(path: Path, data_only: bool = False, read_only: bool = False) -> Workbook:
    """``openpyxl.load_workbook``, with every sheet's charts and pictures left unread."""
    with _drawings_left_unread():
        return openpyxl.load_workbook(path, data_only=data_only, read_only=read_only)
