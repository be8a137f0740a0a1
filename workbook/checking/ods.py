"""The OpenDocument edition: the workbook as .ods, made by LibreOffice, checked, sealed and read back.

``build --ods`` has LibreOffice convert the .xlsx it has just written (recalculating every
formula as it loads it) and keeps the .ods only once it is verified against the .xlsx:
every formula's value in the .ods (its cached ``office:value``, LibreOffice's own result)
equals the .xlsx's cached value, no cell is an error but a chart's deliberate ``NA()`` gap,
and the charts with their alternative text, the sparklines, the tables (database ranges),
the defined names, the conditional formats, the sheets' protection, the print areas and the
document properties are all there. The .ods is read as the zip of XML it is
(``content.xml``, ``meta.xml``), with defusedxml.

``check``, ``extract`` and ``diff`` read an .ods through LibreOffice: it converts the .ods to
.xlsx in a temporary folder (headless, a throwaway profile, macros off, links never
updated) and the .xlsx readers do the rest, so an .ods is read by exactly the rules an
.xlsx is. ``check`` takes the .ods's own cached values from its ``content.xml`` (LibreOffice,
told not to recalculate, would not carry all of them into an .xlsx: a zero shown as blank
comes out as empty text) and compares them with LibreOffice's recalculation of the .ods.

The seal: the .xlsx's seal (:mod:`workbook.writing.seal`) describes the .xlsx, so the .ods carries
a seal of its own, the user-defined document property ``tech-trade ods seal`` in
``meta.xml``: a SHA-256 over every part of the .ods as the tool wrote it, ``meta.xml``
included with the seal's own value blanked. LibreOffice keeps user-defined properties when
it saves, but rewrites the parts, so a saved file is no longer sealed and is compared
input by input (through LibreOffice), as an .xlsx saved by a spreadsheet is.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from io import BytesIO
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring, iterparse

from workbook.engines import libreoffice
from workbook import progress
from workbook.atomic import atomic_write_path
from workbook.checking.findings import Finding, FoundBy
from workbook.errors import TechTradeError
from workbook.reading.safe_read import check_ods_file, check_workbook_file
from workbook.writing.seal import SEAL_PROPERTY as XLSX_SEAL_PROPERTY
from workbook.writing.seal import parts_digest
from workbook.spreadsheet import quote_sheet_name, range_bounds
from workbook.checking.validation_copy import worksheet_parts_by_title


#: The user-defined document property of an .ods that holds its seal.
ODS_SEAL_PROPERTY = "tech-trade ods seal"
_SEAL_PENDING = "0" * 64
_META = "meta.xml"

#: (row, column), counted from 1.
Position = tuple[int, int]
#: (first column, first row, last column, last row), counted from 1.
Bounds = tuple[int, int, int, int]

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_META_NS = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_X14 = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}"
_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

#: The kinds of rule a conditional format of LibreOffice's holds.
_ODS_RULES = {f"{_CALCEXT}{name}" for name in ("condition", "data-bar", "color-scale", "icon-set", "date-is")}
#: A cell or range in ODF's notation: ``'Key findings'.E5``, ``$States.$F$5:.$F$9``.
_ODF_RANGE = re.compile(r"(?:\$?('(?:[^']|'')*'|[^'.:\s$][^'.:\s]*))?\.\$?([A-Z]+)\$?(\d+)"
                        r"(?::(?:\$?(?:'(?:[^']|'')*'|[^'.:\s$][^'.:\s]*))?\.\$?([A-Z]+)\$?(\d+))?")
_VOLATILE_FUNCTION = re.compile(r"\b(NOW|TODAY|RAND|RANDBETWEEN|RANDARRAY)\s*\(", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^-?PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")



# ---------------------------------------------------------------- what a spreadsheet holds


@dataclass
class SheetFacts:
    """What the checks compare on one sheet, in either format."""

    #: Every cell a formula computes (an array formula's whole range), with its formula.
    formulas: dict[Position, str] = field(default_factory=dict)
    #: The cells where a formula is written (an array formula's first cell).
    formula_cells: set[Position] = field(default_factory=set)
    #: Each cell's value (errors as their text, such as ``#N/A``), where it has one.
    values: dict[Position, object] = field(default_factory=dict)
    errors: set[Position] = field(default_factory=set)
    #: Each chart's name and alternative text ("" when it has none).
    charts: list[tuple[str, str]] = field(default_factory=list)
    sparklines: int = 0
    #: Each conditional format: the ranges it covers and how many rules it has.
    conditional_formats: list[tuple[tuple[Bounds, ...], int]] = field(default_factory=list)
    protected: bool = False
    #: The cells holding something that protection leaves open to editing (the inputs).
    unlocked: set[Position] = field(default_factory=set)
    print_area: tuple[Bounds, ...] = ()
    #: The rows and columns frozen at the top and left, and whether gridlines show (.xlsx only).
    frozen: tuple[int, int] = (0, 0)
    gridlines: bool = True
    selected: bool = False


@dataclass
class SpreadsheetFacts:
    sheets: dict[str, SheetFacts] = field(default_factory=dict)
    #: Each table (database range) by name: its sheet and range.
    tables: dict[str, tuple[str, Bounds]] = field(default_factory=dict)
    #: The workbook's defined names (print areas and titles aside).
    names: set[str] = field(default_factory=set)
    #: Title, subject, description, author and language.
    properties: dict[str, str] = field(default_factory=dict)
    keywords: set[str] = field(default_factory=set)
    #: The custom (user-defined) document properties.
    custom: dict[str, str] = field(default_factory=dict)


#: The document properties both formats keep in Dublin Core's terms, by the name the checks give them.
_PROPERTIES = (("title", f"{_DC}title"), ("subject", f"{_DC}subject"), ("description", f"{_DC}description"),
               ("author", f"{_DC}creator"), ("language", f"{_DC}language"))


def _keywords(text: str) -> set[str]:
    # LibreOffice keeps keywords as a list of words: it splits an .xlsx's at commas and spaces.
    return {word for word in re.split(r"[,;\s]+", text) if word}


# ---------------------------------------------------------------- reading an .xlsx


def xlsx_facts(path: Path) -> SpreadsheetFacts:
    """The facts of an .xlsx: the tool's own just written, or one LibreOffice converted from an .ods."""
    facts = SpreadsheetFacts()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        parts = worksheet_parts_by_title(archive)
        titles = list(parts)
        facts.sheets = {title: SheetFacts() for title in titles}
        unlocked_styles = _unlocked_styles(archive, names)
        workbook = fromstring(archive.read("xl/workbook.xml"))
        for defined in workbook.iter(f"{_MAIN}definedName"):
            name = defined.get("name", "")
            if name == "_xlnm.Print_Area" and defined.get("localSheetId") is not None:
                print_area = tuple(range_bounds(_without_sheet(reference))
                                   for reference in (defined.text or "").split(","))
                facts.sheets.setdefault(titles[int(defined.get("localSheetId", "0"))], SheetFacts()).print_area = (
                    print_area)
            elif not name.startswith("_xlnm."):
                facts.names.add(name)
        for title, part in parts.items():
            sheet = facts.sheets.setdefault(title, SheetFacts())
            _read_xlsx_sheet(archive.open(part), sheet, unlocked_styles)
            relationships = _relationships(archive, names, part)
            for kind, target in relationships:
                if kind == "table":
                    table = fromstring(archive.read(target))
                    facts.tables[table.get("displayName") or table.get("name") or ""] = (
                        title, range_bounds(table.get("ref", "")))
                elif kind == "drawing":
                    drawing = fromstring(archive.read(target))
                    for frame in drawing.iter(f"{_XDR}graphicFrame"):
                        properties = frame.find(f"{_XDR}nvGraphicFramePr/{_XDR}cNvPr")
                        if properties is not None:
                            sheet.charts.append((properties.get("name", ""), properties.get("descr", "")))
        if "docProps/core.xml" in names:
            core = fromstring(archive.read("docProps/core.xml"))
            for key, tag in _PROPERTIES:
                found = core.find(tag)
                if found is not None and found.text:
                    facts.properties[key] = found.text
            keywords = core.find(f"{_CORE}keywords")
            if keywords is not None and keywords.text:
                facts.keywords = _keywords(keywords.text)
        if "docProps/custom.xml" in names:
            for prop in fromstring(archive.read("docProps/custom.xml")).iter(f"{_CUSTOM}property"):
                facts.custom[prop.get("name", "")] = "".join(prop.itertext())
    return facts


def _unlocked_styles(archive: zipfile.ZipFile, names: set[str]) -> set[str]:
    """The cell formats (by their index, as cells name them) that leave a cell unlocked."""
    if "xl/styles.xml" not in names:
        return set()
    formats = fromstring(archive.read("xl/styles.xml")).find(f"{_MAIN}cellXfs")
    return {str(index) for index, xf in enumerate(formats if formats is not None else [])
            if (protection := xf.find(f"{_MAIN}protection")) is not None
            and protection.get("locked") in ("0", "false")}


def _without_sheet(reference: str) -> str:
    return reference.rpartition("!")[2].replace("$", "")


def _relationships(archive: zipfile.ZipFile, names: set[str], part: str) -> list[tuple[str, str]]:
    folder, _, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in names:
        return []
    found = []
    for relationship in fromstring(archive.read(rels)).iter(f"{_RELS}Relationship"):
        target = relationship.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            pieces = f"{folder}/{target}".split("/")
            resolved: list[str] = []
            for piece in pieces:
                if piece == "..":
                    if resolved:
                        resolved.pop()
                elif piece not in ("", "."):
                    resolved.append(piece)
            target = "/".join(resolved)
        found.append((relationship.get("Type", "").rpartition("/")[2], target))
    return found


def _read_xlsx_sheet(stream: IO[bytes], sheet: SheetFacts, unlocked_styles: set[str]) -> None:
    with stream:
        for _, element in iterparse(stream, events=("end",)):
            tag = element.tag
            if tag == f"{_MAIN}c":
                _read_xlsx_cell(element, sheet)
                if element.get("s") in unlocked_styles and len(element):
                    column, row, _, _ = range_bounds(element.get("r", "A1"))
                    sheet.unlocked.add((row, column))
                element.clear()
            elif tag == f"{_MAIN}row":
                element.clear()
            elif tag == f"{_MAIN}conditionalFormatting":
                ranges = tuple(sorted(range_bounds(reference) for reference in element.get("sqref", "").split()))
                sheet.conditional_formats.append((ranges, len(element.findall(f"{_MAIN}cfRule"))))
            elif tag == f"{_X14}sparkline":
                sheet.sparklines += 1
            elif tag == f"{_MAIN}sheetProtection":
                sheet.protected = element.get("sheet", "1") not in ("0", "false")
            elif tag == f"{_MAIN}sheetView":
                sheet.gridlines = element.get("showGridLines", "1") not in ("0", "false")
                sheet.selected = element.get("tabSelected", "0") in ("1", "true")
                pane = element.find(f"{_MAIN}pane")
                if pane is not None and pane.get("state") in ("frozen", "frozenSplit"):
                    sheet.frozen = (int(float(pane.get("ySplit", "0"))), int(float(pane.get("xSplit", "0"))))


def _read_xlsx_cell(cell: Element, sheet: SheetFacts) -> None:
    column, row, _, _ = range_bounds(cell.get("r", "A1"))
    position = (row, column)
    kind = cell.get("t", "n")
    formula = cell.find(f"{_MAIN}f")
    if formula is not None:
        text = formula.text or ""
        if formula.get("t") == "array" and formula.get("ref"):
            first_column, first_row, last_column, last_row = range_bounds(formula.get("ref", ""))
            for each_row in range(first_row, last_row + 1):
                for each_column in range(first_column, last_column + 1):
                    sheet.formulas[(each_row, each_column)] = f"{{{text}}}"
        else:
            sheet.formulas[position] = text
        sheet.formula_cells.add(position)
    value = cell.find(f"{_MAIN}v")
    raw = value.text if value is not None else None
    if kind == "e":
        sheet.errors.add(position)
        sheet.values[position] = raw or ""
    elif kind == "str":
        sheet.values[position] = raw or ""
    elif kind == "inlineStr":
        sheet.values[position] = "".join(cell.itertext())
    elif kind == "b":
        sheet.values[position] = raw not in (None, "0", "false")
    elif kind == "s":
        sheet.values[position] = None  # a shared string: a constant, never compared
    elif raw not in (None, ""):
        sheet.values[position] = float(raw or 0)


# ---------------------------------------------------------------- reading an .ods


def ods_facts(path: Path) -> SpreadsheetFacts:
    """The facts of an .ods, read from its content.xml (values as it caches them) and meta.xml."""
    facts = SpreadsheetFacts()
    with zipfile.ZipFile(path) as archive:
        charts = _chart_objects(archive)
        styles = _CellStyles()
        if "styles.xml" in archive.namelist():
            for _, element in iterparse(BytesIO(archive.read("styles.xml")), events=("end",)):
                styles.read(element)
        with archive.open("content.xml") as stream:
            _OdsContent(facts, charts, styles).read(stream)
        meta = fromstring(archive.read(_META)).find(f"{_OFFICE}meta")
        if meta is not None:
            for key, tag in _PROPERTIES:
                found = meta.find(tag)
                if found is not None and found.text:
                    facts.properties[key] = found.text
            facts.keywords = {keyword.text for keyword in meta.findall(f"{_META_NS}keyword") if keyword.text}
            for prop in meta.findall(f"{_META_NS}user-defined"):
                facts.custom[prop.get(f"{_META_NS}name", "")] = "".join(prop.itertext())
    return facts


def _chart_objects(archive: zipfile.ZipFile) -> set[str]:
    """The embedded objects that are charts, by their folder (``Object 1``)."""
    manifest = fromstring(archive.read("META-INF/manifest.xml"))
    return {entry.get(f"{_MANIFEST}full-path", "").strip("/")
            for entry in manifest.iter(f"{_MANIFEST}file-entry")
            if entry.get(f"{_MANIFEST}media-type") == "application/vnd.oasis.opendocument.chart"}


class _CellStyles:
    """Which cell styles leave a cell open to editing under protection: a style's own
    ``style:cell-protect``, else its parent's; protected when none says."""

    def __init__(self) -> None:
        self.parents: dict[str, str] = {}
        self.protection: dict[str, str] = {}
        self.cache: dict[str, bool] = {}

    def read(self, element: Element) -> None:
        if element.tag == f"{_STYLE}style" and element.get(f"{_STYLE}family") == "table-cell":
            name = element.get(f"{_STYLE}name", "")
            parent = element.get(f"{_STYLE}parent-style-name")
            if parent:
                self.parents[name] = parent
            properties = element.find(f"{_STYLE}table-cell-properties")
            if properties is not None and properties.get(f"{_STYLE}cell-protect"):
                self.protection[name] = properties.get(f"{_STYLE}cell-protect", "")

    def unlocked(self, name: str | None) -> bool:
        if name is None:
            return False
        if name not in self.cache:
            seen: set[str] = set()
            current: str | None = name
            while current is not None and current not in self.protection and current not in seen:
                seen.add(current)
                current = self.parents.get(current)
            value = self.protection.get(current, "protected") if current is not None else "protected"
            self.cache[name] = "protected" not in value
        return self.cache[name]


class _OdsContent:
    """content.xml read in one pass, row by row, keeping only what the checks compare."""

    def __init__(self, facts: SpreadsheetFacts, charts: set[str], styles: _CellStyles) -> None:
        self.facts = facts
        self.charts = charts
        self.styles = styles
        self.sheet: SheetFacts | None = None
        self.title = ""
        self.row = 0
        self.column = 0
        self.rows_repeated = 1
        self.row_cells: list[tuple[int, str | None, object, bool, tuple[int, int], bool]] = []

    def read(self, stream: IO[bytes]) -> None:
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                self.start(element)
            else:
                self.end(element)

    def start(self, element: Element) -> None:
        tag = element.tag
        if tag == f"{_TABLE}table":
            self.title = element.get(f"{_TABLE}name", "")
            self.sheet = self.facts.sheets.setdefault(self.title, SheetFacts())
            self.sheet.protected = element.get(f"{_TABLE}protected") == "true"
            self.sheet.print_area = tuple(bounds for _, bounds in _odf_ranges(element.get(f"{_TABLE}print-ranges", "")))
            self.row = 0
        elif tag == f"{_TABLE}table-row":
            self.column = 0
            self.rows_repeated = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            self.row_cells = []

    def end(self, element: Element) -> None:
        tag = element.tag
        sheet = self.sheet
        if tag == f"{_STYLE}style":
            self.styles.read(element)
        elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            repeated = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            formula = element.get(f"{_TABLE}formula")
            is_error = element.get(f"{_CALCEXT}value-type") == "error"
            value = _ods_value(element, is_error)
            if formula is not None or value is not None:
                span = (int(element.get(f"{_TABLE}number-matrix-rows-spanned", "0")),
                        int(element.get(f"{_TABLE}number-matrix-columns-spanned", "0")))
                unlocked = self.styles.unlocked(element.get(f"{_TABLE}style-name"))
                for offset in range(repeated):
                    self.row_cells.append((self.column + offset + 1, formula, value, is_error, span, unlocked))
            self.column += repeated
            element.clear()
        elif tag == f"{_TABLE}table-row" and sheet is not None:
            for repeat in range(self.rows_repeated if self.row_cells else 0):
                row = self.row + repeat + 1
                for column, formula, value, is_error, (rows_spanned, columns_spanned), unlocked in self.row_cells:
                    position = (row, column)
                    if formula is not None:
                        sheet.formula_cells.add(position)
                        text = formula.removeprefix("of:")
                        if rows_spanned or columns_spanned:
                            for each_row in range(row, row + max(rows_spanned, 1)):
                                for each_column in range(column, column + max(columns_spanned, 1)):
                                    sheet.formulas[(each_row, each_column)] = f"{{{text}}}"
                        else:
                            sheet.formulas[position] = text
                    sheet.values[position] = value
                    if unlocked:
                        sheet.unlocked.add(position)
                    if is_error:
                        sheet.errors.add(position)
            self.row += self.rows_repeated
            element.clear()
        elif tag == f"{_DRAW}frame" and sheet is not None:
            chart = element.find(f"{_DRAW}object")
            if chart is not None and chart.get(_XLINK_HREF, "").removeprefix("./").strip("/") in self.charts:
                description = element.find(f"{_SVG}desc")
                sheet.charts.append((element.get(f"{_DRAW}name", ""),
                                     "".join(description.itertext()) if description is not None else ""))
        elif tag == f"{_CALCEXT}sparkline" and sheet is not None:
            sheet.sparklines += 1
        elif tag == f"{_CALCEXT}conditional-format" and sheet is not None:
            ranges = tuple(sorted(bounds for _, bounds in
                                  _odf_ranges(element.get(f"{_CALCEXT}target-range-address", ""))))
            sheet.conditional_formats.append((ranges, sum(1 for child in element if child.tag in _ODS_RULES)))
        elif tag == f"{_TABLE}database-range":
            targets = _odf_ranges(element.get(f"{_TABLE}target-range-address", ""))
            name = element.get(f"{_TABLE}name", "")
            if targets and not name.startswith("__Anonymous"):
                self.facts.tables[name] = targets[0]
        elif tag in (f"{_TABLE}named-range", f"{_TABLE}named-expression"):
            name = element.get(f"{_TABLE}name", "")
            if not name.startswith("_xlnm.") and self.sheet is None:
                self.facts.names.add(name)
        elif tag == f"{_TABLE}table":
            self.sheet = None
            element.clear()


def _ods_value(cell: Element, is_error: bool) -> object:
    """A cell's value as the .ods caches it: a number, text, a truth value, or an error's text."""
    kind = cell.get(f"{_OFFICE}value-type")
    if is_error:
        return "\n".join("".join(paragraph.itertext()) for paragraph in cell.findall(f"{_TEXT}p"))
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(f"{_OFFICE}value", "0"))
    if kind == "boolean":
        return cell.get(f"{_OFFICE}boolean-value") == "true"
    if kind == "date":
        return datetime.datetime.fromisoformat(cell.get(f"{_OFFICE}date-value", ""))
    if kind == "time":
        found = _ISO_DURATION.match(cell.get(f"{_OFFICE}time-value", ""))
        if found:
            hours, minutes, seconds = (float(part) if part else 0.0 for part in found.groups())
            return (hours * 3600 + minutes * 60 + seconds) / 86400
        return None
    if kind == "string":
        text = cell.get(f"{_OFFICE}string-value")
        if text is None:
            text = "\n".join("".join(paragraph.itertext()) for paragraph in cell.findall(f"{_TEXT}p"))
        return text
    return None


def _odf_ranges(addresses: str) -> list[tuple[str, Bounds]]:
    """Each range of an ODF address list as (sheet, bounds); a range's second cell may leave out its sheet."""
    found = []
    for match in _ODF_RANGE.finditer(addresses):
        sheet_text, first_column, first_row, last_column, last_row = match.groups()
        sheet = (sheet_text or "")
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        first = range_bounds(f"{first_column}{first_row}")
        last = range_bounds(f"{last_column}{last_row}") if last_column else first
        found.append((sheet, (first[0], first[1], last[0], last[1])))
    return found


# ---------------------------------------------------------------- comparing


def _cell_name(position: Position) -> str:
    from openpyxl.utils.cell import get_column_letter

    return f"{get_column_letter(position[1])}{position[0]}"


def value_problems(formulas: SpreadsheetFacts, recalculated: SpreadsheetFacts) -> Iterator[tuple[str, str]]:
    """(cell, what is wrong) for each formula of ``formulas`` whose value in ``recalculated`` is an
    error (a deliberate ``NA()`` gap aside) or differs from its cached value in ``formulas``, and
    each other error cell of ``recalculated``."""
    from workbook.checking.check import is_deliberate_gap, values_agree

    for title, sheet in formulas.sheets.items():
        other = recalculated.sheets.get(title)
        if other is None:
            yield quote_sheet_name(title), "sheet missing after recalculation in LibreOffice"
            continue
        for position in sorted(set(sheet.formulas) | other.errors):
            formula = sheet.formulas.get(position)
            cached, value = sheet.values.get(position), other.values.get(position)
            where = f"{quote_sheet_name(title)}!{_cell_name(position)}"
            shown = f" (={_short(formula)})" if formula else ""
            if is_deliberate_gap(formula, cached, value):
                continue
            if position in other.errors:
                yield where, f"error {value} after recalculation{shown}"
            elif formula is None or _VOLATILE_FUNCTION.search(formula):
                continue
            elif position in sheet.errors:
                yield where, f"error {cached} cached, {_describe(value)} after recalculation{shown}"
            elif not values_agree(cached, value):
                yield where, f"recalculated value {_describe(value)} differs from cached value {_describe(cached)}{shown}"


def _short(formula: str, longest: int = 80) -> str:
    formula = " ".join(formula.removeprefix("=").split())
    return formula if len(formula) <= longest else formula[:longest - 1] + "…"


def _describe(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    return repr(value) if isinstance(value, str) else str(value)


def structure_problems(workbook: SpreadsheetFacts, ods: SpreadsheetFacts) -> Iterator[str]:
    """What of the workbook's structure the .ods does not hold as the workbook does."""
    for title, sheet in workbook.sheets.items():
        other = ods.sheets.get(title)
        where = quote_sheet_name(title)
        if other is None:
            yield f"{where}: sheet missing"
            continue
        for position in sorted(sheet.formula_cells - other.formula_cells):
            if position not in other.formulas:
                yield f"{where}!{_cell_name(position)}: formula lost"
        if sorted(text for _, text in sheet.charts) != sorted(text for _, text in other.charts):
            yield (f"{where}: {len(sheet.charts)} chart(s) in the workbook, {len(other.charts)} in the .ods, "
                   f"with alternative text {sorted(text for _, text in other.charts)!r}")
        if sheet.sparklines != other.sparklines:
            yield f"{where}: {sheet.sparklines} sparkline(s) in the workbook, {other.sparklines} in the .ods"
        if sorted(sheet.conditional_formats) != sorted(other.conditional_formats):
            yield (f"{where}: {len(sheet.conditional_formats)} conditional format(s) in the workbook "
                   f"({sum(rules for _, rules in sheet.conditional_formats)} rules), "
                   f"{len(other.conditional_formats)} in the .ods "
                   f"({sum(rules for _, rules in other.conditional_formats)} rules), or over other cells")
        if sheet.protected != other.protected:
            yield f"{where}: {'protected' if sheet.protected else 'unprotected'} in the workbook, not in the .ods"
        if sheet.protected and sheet.unlocked != other.unlocked:
            differing = sorted(sheet.unlocked ^ other.unlocked)
            yield (f"{where}: {len(sheet.unlocked)} cell(s) open to editing in the workbook, {len(other.unlocked)} "
                   f"in the .ods; first differing: {_cell_name(differing[0])}")
        if sheet.print_area != other.print_area:
            yield f"{where}: print area {sheet.print_area} in the workbook, {other.print_area} in the .ods"
    for name, place in workbook.tables.items():
        if ods.tables.get(name) != place:
            yield f"table {name}: {place} in the workbook, {ods.tables.get(name)} in the .ods (database ranges)"
    for name in sorted(workbook.names - ods.names):
        yield f"defined name {name}: missing in the .ods"
    for key, value in workbook.properties.items():
        if ods.properties.get(key) != value:
            yield f"document property {key}: {value!r} in the workbook, {ods.properties.get(key)!r} in the .ods"
    if workbook.keywords != ods.keywords:
        yield f"document keywords: {sorted(workbook.keywords)} in the workbook, {sorted(ods.keywords)} in the .ods"
    for name, value in workbook.custom.items():
        if name != XLSX_SEAL_PROPERTY and ods.custom.get(name) != value:
            yield f"document property {name!r}: {value!r} in the workbook, {ods.custom.get(name)!r} in the .ods"


def verification_problems(workbook_path: Path, ods_path: Path) -> list[str]:
    """Everything in which the .ods LibreOffice made differs from the workbook it was made from."""
    workbook, ods = xlsx_facts(workbook_path), ods_facts(ods_path)
    return ([f"{where}: {what}" for where, what in value_problems(workbook, ods)]
            + list(structure_problems(workbook, ods)))


# ---------------------------------------------------------------- writing


def view_settings(workbook: SpreadsheetFacts) -> str:
    """The .ods's view settings, as the workbook sets its views: the sheet it opens on, the rows
    and columns frozen on each sheet, gridlines shown or not.

    A headless conversion has no view, so LibreOffice writes none of these into the .ods (they
    live in its settings.xml); without them the .ods would open with gridlines and nothing frozen.
    """
    def item(name: str, kind: str, value: object) -> str:
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f'<config:config-item config:name="{name}" config:type="{kind}">{shown}</config:config-item>'

    tables = []
    for title, sheet in workbook.sheets.items():
        rows, columns = sheet.frozen
        # Calc's panes: 0 top left, 1 top right, 2 bottom left, 3 bottom right.
        pane = (2 if rows else 0) + (1 if columns else 0)
        tables.append(
            f'<config:config-item-map-entry config:name="{_xml_attribute(title)}">'
            + item("CursorPositionX", "int", columns) + item("CursorPositionY", "int", rows)
            + item("HorizontalSplitMode", "short", 2 if columns else 0)
            + item("VerticalSplitMode", "short", 2 if rows else 0)
            + item("HorizontalSplitPosition", "int", columns) + item("VerticalSplitPosition", "int", rows)
            + item("ActiveSplitRange", "short", pane)
            + item("PositionLeft", "int", 0) + item("PositionRight", "int", columns)
            + item("PositionTop", "int", 0) + item("PositionBottom", "int", rows)
            + item("ShowGrid", "boolean", sheet.gridlines)
            + "</config:config-item-map-entry>")
    selected = [title for title, sheet in workbook.sheets.items() if sheet.selected] or list(workbook.sheets)[:1]
    gridlines = all(sheet.gridlines for sheet in workbook.sheets.values())
    return ('<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
            + item("ViewId", "string", "view1")
            + '<config:config-item-map-named config:name="Tables">' + "".join(tables)
            + "</config:config-item-map-named>"
            + (item("ActiveTable", "string", _xml_text(selected[0])) if selected else "")
            + item("ShowGrid", "boolean", gridlines) + item("HasColumnRowHeaders", "boolean", True)
            + item("HasSheetTabs", "boolean", True)
            + "</config:config-item-map-entry></config:config-item-map-indexed>")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attribute(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


def write_ods(workbook_path: Path, ods_path: Path) -> Path:
    """The .ods edition of the workbook at ``workbook_path``, written to ``ods_path`` once verified.

    LibreOffice writes into a private folder beside it; the .ods is checked against the
    workbook, sealed, and only then renamed into place, so an earlier .ods stays whole
    until the new one is complete, and a failed conversion leaves none.
    """
    ods_path = Path(ods_path)
    with tempfile.TemporaryDirectory(prefix=".tech-trade-ods-", dir=ods_path.parent or ".") as folder:
        with progress.step(f"converted {workbook_path} to .ods in LibreOffice (recalculated)"):
            try:
                converted = libreoffice.convert_to_ods(Path(workbook_path), Path(folder))
            except TechTradeError as error:
                raise TechTradeError(f"{ods_path}: not written: {error}") from None
        with progress.step("checked the .ods against the workbook (values, charts, tables, names, formats)"):
            workbook, edition = xlsx_facts(Path(workbook_path)), ods_facts(converted)
            problems = ([f"{where}: {what}" for where, what in value_problems(workbook, edition)]
                        + list(structure_problems(workbook, edition)))
        if problems:
            raise TechTradeError(f"{ods_path}: not written: the .ods LibreOffice made differs from {workbook_path} "
                                 f"in {len(problems)} thing(s); first: {problems[0]}")
        with atomic_write_path(ods_path) as temporary:
            write_sealed(converted, temporary, view_settings(workbook))
    return ods_path


def write_sealed(source: Path, target: Path, views: str | None = None) -> None:
    """Copy the .ods ``source`` to ``target`` with its seal in meta.xml (and without the workbook's),
    and, given ``views`` (see :func:`view_settings`), with those in its settings.xml and every row
    at the height the workbook gives it."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if views is not None:
        # LibreOffice marks the rows an .xlsx leaves at the default height (15 pt) as "optimal", and
        # fits them to their text again when it opens the .ods (about 13 pt): the Dashboard's charts,
        # whose size the .ods keeps in inches, then cover the cells below them (the lower charts'
        # titles, the sources). Fixed, the rows keep the height the workbook has in Excel.
        parts["content.xml"] = parts["content.xml"].replace(b'style:use-optimal-row-height="true"',
                                                            b'style:use-optimal-row-height="false"')
    if views is not None and "settings.xml" in parts:
        settings = parts["settings.xml"].decode("utf-8")
        marker = '<config:config-item-set config:name="ooo:view-settings">'
        if marker in settings and 'config:name="Views"' not in settings:
            parts["settings.xml"] = settings.replace(marker, marker + views, 1).encode("utf-8")
    meta = parts[_META].decode("utf-8")
    # The workbook's seal describes the .xlsx: in the .ods it would only mislead.
    meta = re.sub(rf'<meta:user-defined meta:name="{re.escape(XLSX_SEAL_PROPERTY)}"[^>]*>[^<]*</meta:user-defined>',
                  "", meta)
    if "</office:meta>" not in meta:
        raise TechTradeError(f"{source}: LibreOffice wrote no document properties (meta.xml)")
    meta = meta.replace("</office:meta>", _seal_element(_SEAL_PENDING) + "</office:meta>", 1)
    parts[_META] = meta.encode("utf-8")
    seal = _digest(parts)
    parts[_META] = meta.replace(_seal_element(_SEAL_PENDING), _seal_element(seal)).encode("utf-8")
    with zipfile.ZipFile(target, "w") as out:
        # The mimetype first and stored, as ODF requires, so that a program can tell the kind of file.
        for name, data in parts.items():
            stored = name == "mimetype"
            out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def _seal_element(value: str) -> str:
    return f'<meta:user-defined meta:name="{ODS_SEAL_PROPERTY}" meta:value-type="string">{value}</meta:user-defined>'


def _digest(parts: dict[str, bytes]) -> str:
    return parts_digest(parts, lambda name: len(parts[name]), lambda name: [parts[name]])


def is_sealed_and_untouched(path: Path) -> bool:
    """True where the .ods at ``path`` holds every part exactly as the tool wrote it (its seal matches).

    False for an .ods without a seal or whose parts differ in any byte (saved again by a
    spreadsheet): not yet an edit, only a file to compare input by input. Raises
    TechTradeError for a file that is not a safe .ods.
    """
    check_ods_file(path)
    with zipfile.ZipFile(path) as archive:
        meta_bytes = archive.read(_META)
        meta = fromstring(meta_bytes).find(f"{_OFFICE}meta")
        stored = None
        for prop in meta.findall(f"{_META_NS}user-defined") if meta is not None else []:
            if prop.get(f"{_META_NS}name") == ODS_SEAL_PROPERTY:
                stored = "".join(prop.itertext())
        if stored is None or not re.fullmatch(r"[0-9a-f]{64}", stored):
            return False
        text = meta_bytes.decode("utf-8")
        if _seal_element(stored) not in text:
            return False
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[_META] = text.replace(_seal_element(stored), _seal_element(_SEAL_PENDING)).encode("utf-8")
    return _digest(parts) == stored


# ---------------------------------------------------------------- reading an .ods back




def chart_text_problems(facts: SpreadsheetFacts) -> Iterator[tuple[str, str]]:
    """(sheet and chart, what is wrong) for each chart of an .ods without alternative text."""
    for title, sheet in facts.sheets.items():
        for name, text in sheet.charts:
            if not text.strip():
                yield f'{title}: chart "{name}"', "no alternative text; describe what it shows"


def check_ods(path: Path, recalculated: Path | None = None) -> list[Finding]:
    """``tech-trade check`` of an .ods: its formulas' cached values against LibreOffice's recalculation
    of it, every error cell, and its accessibility; one finding a line, as for an .xlsx.

    The .ods's cached values come from its content.xml; LibreOffice recalculates the .ods as it
    loads it and saves the result as .xlsx (or ``recalculated`` is such a copy already, saved by
    the Calc the .ods is open in), whose values and accessibility the .xlsx readers take. There
    is no schema validation: no ODF validator is at hand, and the Office Open XML validator's
    findings on LibreOffice's .xlsx would be about LibreOffice's export, not the .ods.
    """
    from workbook.checking.accessibility import CHART_TEXT_DROPPED_BY_LIBREOFFICE, accessibility_problems

    path = Path(path)
    with progress.step(f"opened {path} safely (a zip within limits, no DTD, macros or links to other files)"):
        check_ods_file(path)
        if recalculated is not None:
            check_workbook_file(Path(recalculated))
    if recalculated is None:
        libreoffice.find_soffice()
    with contextlib.ExitStack() as stack:
        if recalculated is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tech-trade-check-")))
            running = stack.enter_context(libreoffice.xlsx_conversion_started(path, folder, recalculate=True))
        with progress.step("read the formulas and their cached values from the .ods"):
            cached = ods_facts(path)
        with progress.step("recalculated every formula in LibreOffice"):
            copy = Path(recalculated) if recalculated is not None else running()
            recalculated_facts = xlsx_facts(copy)
        findings = [Finding(where, what, FoundBy.FORMULAS) for where, what in value_problems(cached, recalculated_facts)]
        with progress.step("looked for accessibility problems (alternative text, tables, titles, contrast)"):
            # The copy LibreOffice saved as .xlsx has lost the charts' alternative text; the .ods has it.
            findings += [problem for problem in accessibility_problems(copy)
                         if problem.message != CHART_TEXT_DROPPED_BY_LIBREOFFICE]
            findings += [Finding(where, what, FoundBy.ACCESSIBILITY) for where, what in chart_text_problems(cached)]
    return findings
