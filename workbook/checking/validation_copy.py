"""A copy of a workbook for the Open XML SDK validator, without the cell rows it need not read.

The validator (``ooxml-validate``: Microsoft's Open XML SDK in WebAssembly) takes about
10 µs a byte: 27 s for the default workbook, most of it in the rows of a few big
sheets, which hold nothing but plain cells. Those rows are checked here instead,
against the SDK's own rules for them, and where every row of a sheet passes, the
validator is given the sheet with an empty ``<sheetData/>``. Everything else (the rest
of each sheet, styles, strings, tables, drawings, charts, the package) it reads as it
was, so its findings keep their exact words, part and XPath.

The check here accepts only a narrow subset of what the schema allows: rows, cells,
formulas and values, attributes in the schema's order and written the one way XlsxWriter
and LibreOffice write them, numbers in range, no namespaces, no character references,
no inline strings or extensions. A sheet with anything else in its rows goes to the
validator whole, so this copy can only make the validator quicker, never quieter.

The SDK's rules for these elements (its schema for ``CT_SheetData``, ``CT_Row``,
``CT_Cell``, ``CT_CellFormula``, and its semantic constraints) are:

* ``row``: ``r`` 1 to 1,048,576; ``s`` at most 65,490; ``outlineLevel`` 0 to 7; the
  rest booleans, a double (``ht``) and a list of strings (``spans``); children ``c``*;
* ``c``: ``r`` any string; ``s`` at most 65,490 and less than the number of ``xf`` in
  the styles part's ``cellXfs``; ``t`` one of b, n, e, s, str, inlineStr (``d`` only
  from Office 2010, so not accepted here); children ``f``?, ``v``?;
* ``f``: ``t`` one of normal, array, dataTable, shared (``shared`` needs ``si``);
  ``bx`` must be false (not accepted here); text content;
* ``v``: text content.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import TechTradeError
from workbook.reading.package import Package

MAIN_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

#: The most a row's or cell's style index may be (the SDK's semantic constraint).
MAX_STYLE_INDEX = 65_490
MAX_ROW = 1_048_576

# ---------------------------------------------------------------- the accepted rows, as bytes patterns

_BOOL = rb'"(?:0|1|true|false)"'
_UINT = rb'"[0-9]{1,9}"'
_DOUBLE = rb'"-?[0-9]{1,15}(?:\.[0-9]{1,17})?(?:[eE][-+]?[0-9]{1,3})?"'
# Attribute text: no markup, no references but the five predefined entities, no control
# characters (XML would normalise tabs and line breaks in attributes).
_TEXT = rb'"[^"<&\x00-\x1f]*+(?:&(?:amp|lt|gt|quot|apos);[^"<&\x00-\x1f]*+)*+"'
# Element text: the characters XML allows, and the five predefined entities.
_CONTENT = rb'[^<&\x00-\x08\x0b\x0c\x0e-\x1f]*+(?:&(?:amp|lt|gt|quot|apos);[^<&\x00-\x08\x0b\x0c\x0e-\x1f]*+)*+'


def _optional(name: bytes, value: bytes) -> bytes:
    return rb'(?: ' + name + rb'=' + value + rb')?+'


_FORMULA = (
    rb'<f(?:'
    # Any type but shared (which needs its group index) and dataTable.
    + _optional(rb't', rb'"(?:normal|array)"') + _optional(rb'aca', _BOOL) + _optional(rb'ref', _TEXT)
    + _optional(rb'ca', _BOOL) + _optional(rb'si', _UINT)
    + rb'| t="shared"' + _optional(rb'aca', _BOOL) + _optional(rb'ref', _TEXT) + _optional(rb'ca', _BOOL)
    + rb' si=' + _UINT
    + rb')(?:/>|>' + _CONTENT + rb'</f>)'
)
_VALUE = rb'(?:<v/>|<v>' + _CONTENT + rb'</v>)'
_CELL = (
    rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"' + _optional(rb's', _UINT)
    + _optional(rb't', rb'"(?:b|n|e|s|str|inlineStr)"') + _optional(rb'ph', _BOOL)
    + rb'(?:/>|>(?:' + _FORMULA + rb')?+(?:' + _VALUE + rb')?+</c>)'
)
_ROW = (
    rb'<row' + _optional(rb'r', rb'"[1-9][0-9]{0,6}"') + _optional(rb'spans', _TEXT) + _optional(rb's', _UINT)
    + _optional(rb'customFormat', _BOOL) + _optional(rb'ht', _DOUBLE) + _optional(rb'hidden', _BOOL)
    + _optional(rb'customHeight', _BOOL) + _optional(rb'outlineLevel', rb'"[0-7]"')
    + _optional(rb'collapsed', _BOOL) + _optional(rb'thickTop', _BOOL) + _optional(rb'thickBot', _BOOL)
    + _optional(rb'ph', _BOOL)
)
_ROW_END = rb'(?:/>|>(?:' + _CELL + rb')*+</row>)'
_SHEET_DATA = re.compile(rb'<sheetData>(?:' + _ROW + _ROW_END + rb')*+</sheetData>')
# Excel 2010's row attribute, which XlsxWriter writes on sheets with extensions (sparklines).
_SHEET_DATA_WITH_DESCENT = re.compile(
    rb'<sheetData>(?:' + _ROW + _optional(rb'x14ac:dyDescent', _DOUBLE) + _ROW_END + rb')*+</sheetData>')
_DESCENT_NAMESPACE = b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
#: The Office versions that know Excel 2010's attributes.
_OFFICE_2007 = "Office2007"
_SHEET_DATA_START = b"<sheetData"
_EMPTY_SHEET_DATA = b"<sheetData/>"

_DECLARATION = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml\s[^>]*?\?>)?\s*')
_ENCODING = re.compile(rb'encoding\s*=\s*["\']([^"\']*)["\']')
_ROOT = re.compile(rb'<worksheet\s[^>]*>')
_DEFAULT_NAMESPACE = b' xmlns="' + MAIN_NAMESPACE.encode() + b'"'
_STYLE_INDEX = re.compile(rb' s="([0-9]+)"')
_ROW_INDEX = re.compile(rb'<row r="([0-9]+)"')


@dataclass
class CopyReport:
    """What the copy left out: the sheets whose rows were checked here, and their bytes."""

    sheets_checked_here: list[str]
    bytes_left_out: int


def copy_for_validation(path: Path, out: Path, office_version: str | None = None) -> CopyReport:
    """Write to ``out`` the workbook at ``path`` with the rows of every sheet that passes left out.

    Every part is copied byte for byte but those sheets, in which only the content of
    ``<sheetData>`` is replaced by nothing. ``office_version`` is the validator's (None: the
    latest).
    """
    checked: list[str] = []
    left_out = 0
    with zipfile.ZipFile(path) as source:
        worksheets, style_count = _worksheets_and_style_count(source)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for info in source.infolist():
                data = source.read(info)
                if info.filename in worksheets:
                    reduced = without_checked_rows(data, style_count, office_version)
                    if reduced is not None:
                        checked.append(info.filename)
                        left_out += len(data) - len(reduced)
                        data = reduced
                copy.writestr(_stored(info), data)
    return CopyReport(checked, left_out)


def without_checked_rows(part: bytes, style_count: int, office_version: str | None = None) -> bytes | None:
    """The worksheet ``part`` with an empty ``<sheetData/>``, if every row in it passes; else None."""
    root = _plain_worksheet_root(part)
    if root is None or part.count(_SHEET_DATA_START) != 1:
        return None
    start = part.index(_SHEET_DATA_START)
    if b"<!" in part[:start]:
        return None  # a comment, CDATA or DTD before the rows: left to the validator
    knows_descent = _DESCENT_NAMESPACE in root and office_version != _OFFICE_2007
    found = (_SHEET_DATA_WITH_DESCENT if knows_descent else _SHEET_DATA).match(part, start)
    if found is None:
        return None
    rows = found.group(0)
    if not _acceptable_text(rows) or not _indexes_in_range(rows, style_count):
        return None
    return part[:start] + _EMPTY_SHEET_DATA + part[found.end():]


def _plain_worksheet_root(part: bytes) -> bytes | None:
    """The start tag of the root, for a UTF-8 part whose root ``<worksheet>`` declares the main
    namespace as the default one; else None."""
    declaration = _DECLARATION.match(part)
    assert declaration is not None  # every part of it is optional
    encoding = _ENCODING.search(declaration.group(0))
    if encoding is not None and encoding.group(1).lower() != b"utf-8":
        return None
    root = _ROOT.match(part, declaration.end())
    return root.group(0) if root is not None and _DEFAULT_NAMESPACE in root.group(0) else None


def _acceptable_text(rows: bytes) -> bool:
    """UTF-8 throughout, without U+FFFE or U+FFFF, and no "]]>" in text (all of which XML forbids)."""
    try:
        rows.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\xef\xbf\xbe" not in rows and b"\xef\xbf\xbf" not in rows and b"]]>" not in rows


def _indexes_in_range(rows: bytes, style_count: int) -> bool:
    # Any ' s="N"' counts, even one in a formula's text: a false alarm only sends the sheet whole.
    styles = [int(index) for index in _STYLE_INDEX.findall(rows)]
    if styles and max(styles) >= min(style_count, MAX_STYLE_INDEX + 1):
        return False
    row_numbers = [int(number) for number in _ROW_INDEX.findall(rows)]
    return not row_numbers or max(row_numbers) <= MAX_ROW


def _worksheets_and_style_count(source: zipfile.ZipFile) -> tuple[set[str], int]:
    """The workbook's worksheet parts, and the number of cell formats (``cellXfs/xf``) in its styles,
    both found through the relationships, as the SDK finds them; nothing where they cannot be read."""
    package = Package(Path(source.filename or ""), source)
    try:
        workbook_part = _only(package, package.targets("", "officeDocument"))
        if workbook_part is None:
            return set(), 0
        worksheets = {part for part in package.targets(workbook_part, "worksheet") if part in package.names}
        styles_part = _only(package, package.targets(workbook_part, "styles"))
        styles = package.xml(styles_part) if styles_part is not None else None
    except TechTradeError:
        return set(), 0
    if styles is None:
        return worksheets, 0
    return worksheets, len(styles.findall(f".//{{{MAIN_NAMESPACE}}}cellXfs/{{{MAIN_NAMESPACE}}}xf"))


def worksheet_parts_by_title(source: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's title and the name of its part, found through the relationships; as much
    as can be read (a title missing here is a sheet whose part could not be found)."""
    package = Package(Path(source.filename or ""), source)
    try:
        workbook_part = _only(package, package.targets("", "officeDocument"))
        if workbook_part is None:
            return {}
        return {name: part for name, part in package.sheets(workbook_part) if part in package.names}
    except TechTradeError:
        return {}


def table_places(source: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Every table of the workbook: its name -> (its sheet's title, its range such as ``A5:K45``),
    read from the parts, as much as can be read."""
    package = Package(Path(source.filename or ""), source)
    places: dict[str, tuple[str, str]] = {}
    for title, sheet_part in worksheet_parts_by_title(source).items():
        for table_part in package.targets(sheet_part, "table"):
            try:
                root = package.xml(table_part)
            except TechTradeError:
                continue
            name = None if root is None else root.get("name") or root.get("displayName")
            ref = None if root is None else root.get("ref")
            if name and ref:
                places[name] = (title, ref)
    return places


def _only(package: Package, parts: list[str]) -> str | None:
    """The one part of ``parts`` that is in the package; None if there is not exactly one."""
    present = [part for part in parts if part in package.names]
    return present[0] if len(present) == 1 and len(parts) == 1 else None


def _stored(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """The same entry, stored rather than compressed: the copy is read once, nearby."""
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_STORED
    copy.external_attr = info.external_attr
    return copy
