"""Reading a workbook back with openpyxl, without its charts and pictures: the one loader of
openpyxl workbooks, and the one list of openpyxl's warnings that a read lets pass.

openpyxl parses every chart and picture of every sheet as it loads a workbook, and
some charts other programs write stop it: a chart LibreOffice makes of a single
column raises IndexError in openpyxl's chart reader, which takes the whole load
down. The tool never uses openpyxl's charts or pictures (``own.py`` lists what a
sheet draws from the drawing parts themselves), so :func:`load_workbook` leaves them
unread. It does so by standing in for ``openpyxl.reader.excel.find_images`` while it
loads; ``tests/test_openpyxl_hooks.py`` fails, naming it, if a release of openpyxl
moves or changes that function.

openpyxl warns of what it cannot keep (data bars, sparklines, shapes, a header it cannot
parse) and of what it supplies where another program left it out (a default style, as
Gnumeric leaves it out). The tool only reads and never saves what openpyxl read, so nothing
it needs is lost: :func:`load_workbook` lets those warnings pass, and
:func:`harmless_warnings_ignored` does so where a read-only workbook reads its rows later.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import openpyxl.reader.excel
from openpyxl.workbook.workbook import Workbook

#: openpyxl's warnings a read lets pass (regular expressions of their start).
HARMLESS_WARNINGS = (
    r".* extension is not supported and will be removed",
    r"DrawingML support is incomplete",
    r"Cannot parse header or footer",
    r"Workbook contains no default style",
    r"Failed to load a conditional formatting rule",
)

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


@contextlib.contextmanager
def harmless_warnings_ignored() -> Iterator[None]:
    """openpyxl's :data:`HARMLESS_WARNINGS` let pass meanwhile."""
    with warnings.catch_warnings():
        for message in HARMLESS_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning, module=r"openpyxl\.")
        yield


def load_workbook(path: Path, data_only: bool = False, read_only: bool = False) -> Workbook:
    """``openpyxl.load_workbook``, with every sheet's charts and pictures left unread and openpyxl's
    harmless warnings let pass; ``read_only`` reads a sheet's rows as they are asked for (within
    :func:`harmless_warnings_ignored`)."""
    with harmless_warnings_ignored(), _drawings_left_unread():
        return openpyxl.load_workbook(path, data_only=data_only, read_only=read_only)
