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
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.reader.excel
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl.workbook.workbook import Workbook

from workbook.errors import one_line

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


def why_unread(path: Path, error: Exception) -> str:
    """Why openpyxl could not read the workbook at ``path``, in one line: the first part that is not
    well-formed XML, where one is not (openpyxl's own error does not name it); else its ValueError for a
    step that failed ("Unable to read workbook: could not read worksheets from FILE.", then two lines of
    advice) names the step, and the exception it wraps says what was wrong there."""
    malformed = _malformed_part(path)
    if malformed is not None:
        return malformed
    found = re.match(r"Unable to read workbook: could not (.+?) from ", str(error))
    if found is not None and error.__cause__ is not None:
        return one_line(f"could not {found[1]}: {error.__cause__}")
    return one_line(error)


def _malformed_part(path: Path) -> str | None:
    """"part NAME is not well-formed XML: …" for the first XML part of the zip at ``path`` that is not."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    try:
                        fromstring(archive.read(name))
                    except (ParseError, DefusedXmlException) as error:
                        return one_line(f"part {name} is not well-formed XML: {error}")
    except (OSError, zipfile.BadZipFile, RuntimeError):
        pass  # the zip itself is what is wrong: openpyxl's error says so
    return None
