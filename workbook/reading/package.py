"""The parts of a workbook's package (the zip of an .xlsx), read by their relationships and their XML
namespaces, never by the prefixes a writer chose: a chart is found whether the drawing says
``xdr:graphicFrame`` (XlsxWriter, Excel, LibreOffice) or ``graphicFrame`` under a default namespace
(openpyxl). The one reader of parts: which part holds a sheet, what a part relates to, the objects a
drawing holds, the notes of a comments part. ``accessibility``, ``own`` (what extract cannot carry)
and ``validation_copy`` read parts through it.
"""

from __future__ import annotations

import functools
import posixpath
import pyexpat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from workbook.errors import TechTradeError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
#: The anchors of a drawing, each holding one object (or a group of them).
_ANCHORS = frozenset(f"{_DRAWING}{anchor}" for anchor in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"))


@dataclass(frozen=True)
class DrawnObject:
    """One object a drawing anchors: ``kind`` is chart, picture, shape or embedded object; ``name``
    its name (may be empty); ``row`` and ``column`` (from 0) the cell it starts at, where anchored to one."""

    kind: str
    name: str
    row: int | None = None
    column: int | None = None


class Package:
    """The parts of the zip, parsed on demand, and their relationships."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path, self.archive = path, archive
        self.names = set(archive.namelist())

    def xml(self, part: str) -> Element | None:
        """A small part (styles, a table, a drawing) parsed whole; None if there is no such part."""
        if part not in self.names:
            return None
        try:
            return fromstring(self.archive.read(part))
        except (ParseError, DefusedXmlException, ValueError) as error:
            raise self._malformed(part, error) from None

    def read_streamed(self, part: str, start: Callable[[str, dict[str, str]], None],
                      end: Callable[[str], None]) -> bool:
        """Call ``start`` and ``end`` for each element of a part (a sheet, which may be large), with
        its name as expat gives it, ``namespace}local``; False if there is no such part.

        expat's own callbacks, without building a tree: several times quicker than defusedxml's
        parser, which builds one in Python. It refuses a DTD and entities as defusedxml does.
        """
        if part not in self.names:
            return False
        parser = pyexpat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = _refuse_dtd
        parser.ExternalEntityRefHandler = _refuse_dtd
        parser.StartElementHandler, parser.EndElementHandler = start, end
        try:
            with self.archive.open(part) as stream:
                parser.ParseFile(stream)
        except pyexpat.ExpatError as error:
            raise self._malformed(part, error) from None
        return True

    def _malformed(self, part: str, error: Exception) -> TechTradeError:
        return TechTradeError(f"{self.path}: not an .xlsx workbook (part {part} is not well-formed XML: {error})")

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, kind, target part) of each internal relationship of ``part`` ("" for the package)."""
        folder, name = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if root is None:
            return []
        found = []
        for relationship in root.iter(f"{_PACKAGE_RELATIONSHIP}Relationship"):
            if relationship.get("TargetMode", "").lower() == "external":
                continue
            target = relationship.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((relationship.get("Id", ""), relationship.get("Type", "").rpartition("/")[2], target))
        return found

    def target(self, part: str, kind: str) -> str | None:
        return next((target for _, found, target in self.relationships(part) if found == kind), None)

    @functools.cached_property
    def application(self) -> str:
        """The program that saved the file last, as docProps/app.xml's Application says ("" where it does not)."""
        root = self.xml(self.target("", "extended-properties") or "")
        application = None if root is None else root.find(f"{_EXTENDED}Application")
        return "" if application is None else (application.text or "").strip()

    @functools.cached_property
    def custom_properties(self) -> dict[str, str]:
        """The document's custom properties as text, by name (none where it has no such part)."""
        root = self.xml(self.target("", "custom-properties") or "")
        if root is None:
            return {}
        return {prop.get("name", ""): "".join(prop.itertext()) for prop in root.iter(f"{_CUSTOM}property")}

    @property
    def saved_by_libreoffice(self) -> bool:
        """Whether the last program to save the file was LibreOffice."""
        return self.application.startswith("LibreOffice")

    def targets(self, part: str, kind: str) -> list[str]:
        return [target for _, found, target in self.relationships(part) if found == kind]

    def sheets(self, workbook_part: str) -> Iterator[tuple[str, str]]:
        """(name, part) of each worksheet, in the workbook's order (chart sheets have no cells to check)."""
        for name, kind, part in self.all_sheets(workbook_part):
            if kind == "worksheet":
                yield name, part

    def all_sheets(self, workbook_part: str) -> Iterator[tuple[str, str, str]]:
        """(name, kind, part) of each sheet of the workbook, worksheet or chart sheet, in its order."""
        root = self.xml(workbook_part)
        if root is None:
            return
        by_id = {rid: (kind, target) for rid, kind, target in self.relationships(workbook_part)}
        for sheet in root.iter(f"{_MAIN}sheet"):
            kind, target = by_id.get(sheet.get(f"{_RELATIONSHIP}id", ""), ("", ""))
            if target:
                yield sheet.get("name", ""), kind, target

    def worksheets(self) -> dict[str, str]:
        """Each worksheet's name and part, in the workbook's order; none where there is no workbook part."""
        workbook_part = self.target("", "officeDocument")
        return dict(self.sheets(workbook_part)) if workbook_part is not None else {}

    def charts_by_sheet(self) -> dict[str, int]:
        """How many charts each worksheet's drawings hold, by the sheet's name."""
        return {name: sum(1 for drawing in self.targets(part, "drawing") for drawn in self.drawn_objects(drawing)
                          if drawn.kind == "chart")
                for name, part in self.worksheets().items()}

    def drawn_objects(self, drawing_part: str) -> list[DrawnObject]:
        """The objects of a drawing part, one per anchor, whatever prefixes its writer used."""
        drawing = self.xml(drawing_part)
        if drawing is None:
            return []
        return [_drawn_object(anchor) for anchor in drawing if anchor.tag in _ANCHORS]

    def comments(self, comments_part: str) -> list[tuple[str, str, str]]:
        """(cell, text, author) of each note of a comments part."""
        root = self.xml(comments_part)
        if root is None:
            return []
        authors = [author.text or "" for author in root.iter(f"{_MAIN}author")]
        found = []
        for comment in root.iter(f"{_MAIN}comment"):
            text = "".join(piece.text or "" for piece in comment.iter(f"{_MAIN}t"))
            author_id = _int(comment.get("authorId"))
            found.append((comment.get("ref", ""), text, authors[author_id] if 0 <= author_id < len(authors) else ""))
        return found


def _drawn_object(anchor: Element) -> DrawnObject:
    start = anchor.find(f"{_DRAWING}from")
    row = column = None
    if start is not None:
        row_text, column_text = start.findtext(f"{_DRAWING}row"), start.findtext(f"{_DRAWING}col")
        if row_text is not None and column_text is not None and row_text.strip().isdigit() \
                and column_text.strip().isdigit():
            row, column = int(row_text), int(column_text)
    properties = next(anchor.iter(f"{_DRAWING}cNvPr"), None)
    name = "" if properties is None else properties.get("name", "").strip()
    if next(anchor.iter(f"{_CHART}chart"), None) is not None:
        kind = "chart"
    elif next(anchor.iter(f"{_DRAWING}pic"), None) is not None:
        kind = "picture"
    elif next(anchor.iter(f"{_DRAWING}graphicFrame"), None) is not None:
        kind = "embedded object"
    else:
        kind = "shape"
    return DrawnObject(kind, name, row, column)


def _refuse_dtd(*_: object) -> NoReturn:
    raise pyexpat.ExpatError("a DTD or an entity, which a workbook never needs")


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
