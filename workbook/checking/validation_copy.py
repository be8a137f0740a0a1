"""A copy of a workbook for the Open XML SDK validator, without the cell rows it need not read.

The validator (``ooxml-validate``: Microsoft's Open XML SDK in WebAssembly) takes about
10 µs a byte: 27 s for the default workbook, most of it in the rows of a few big
sheets, which hold nothing but plain cells. Those rows are checked here instead,
against the SDK's own rules for them, and where every row of a sheet passes, the
validator is given the sheet with an empty ``<sheetData/>``. Everything else (the rest
of each sheet, styles, strings, tables, drawings, charts, the package) it reads as it
was, so its findings keep their exact words, part and XPath.

The check here accepts only a narrow subset of what the schema allows: rows, cells,
formulas, values and plain inline strings, as XlsxWriter, LibreOffice, openpyxl, Gnumeric
and IronCalc write them (attributes in any order, each once, in double quotes; white space
between elements), numbers in range, no namespaces but Excel 2010's declared row attribute,
no character references, no rich text or extensions. A sheet with anything else in its
rows goes to the validator whole, so this copy can only make the validator quicker, never
quieter.

The SDK's rules for these elements (its schema for ``CT_SheetData``, ``CT_Row``,
``CT_Cell``, ``CT_CellFormula``, and its semantic constraints) are:

* ``row``: ``r`` 1 to 1,048,576; ``s`` at most 65,490; ``outlineLevel`` 0 to 7; the
  rest booleans, a double (``ht``) and a list of strings (``spans``); children ``c``*;
* ``c``: ``r`` any string; ``s`` at most 65,490 and less than the number of ``xf`` in
  the styles part's ``cellXfs``; ``t`` one of b, n, e, s, str, inlineStr (``d`` only
  from Office 2010, so not accepted here); children ``f``?, ``v``?, ``is``?;
* ``f``: ``t`` one of normal, array, dataTable, shared (``shared`` needs ``si``);
  ``bx`` must be false (not accepted here); text content;
* ``v``: text content;
* ``is`` (an inline string, accepted here only in a cell of type inlineStr without ``v``):
  ``t``? (text, ``xml:space`` its one attribute), ``r``* (rich text, not accepted here).
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
_WHITE_SPACE = re.compile(rb"[ \t\r\n]+")
_ROW_NUMBER = rb'"[1-9][0-9]{0,6}"'
_CELL_REFERENCE = rb'"[A-Z]{1,3}[1-9][0-9]{0,6}"'

#: Each element the rows may hold: its attributes (the pattern of each one's quoted value) ...
_ROW_ATTRIBUTES = {
    b"r": _ROW_NUMBER, b"spans": _TEXT, b"s": _UINT, b"customFormat": _BOOL, b"ht": _DOUBLE, b"hidden": _BOOL,
    b"customHeight": _BOOL, b"outlineLevel": rb'"[0-7]"', b"collapsed": _BOOL, b"thickTop": _BOOL,
    b"thickBot": _BOOL, b"ph": _BOOL,
}
# Excel 2010's row attribute, which XlsxWriter writes on sheets with extensions (sparklines).
_DESCENT = {b"x14ac:dyDescent": _DOUBLE}
_ATTRIBUTES = {
    b"c": {b"r": _CELL_REFERENCE, b"s": _UINT, b"t": rb'"(?:b|n|e|s|str|inlineStr)"', b"ph": _BOOL},
    # Any type but dataTable; shared needs its group index (si), as _rows_pass checks.
    b"f": {b"t": rb'"(?:normal|array|shared)"', b"aca": _BOOL, b"ref": _TEXT, b"ca": _BOOL, b"si": _UINT},
    b"v": {}, b"is": {},
    b"t": {b"xml:space": rb'"preserve"'},
}
#: ... and the elements it may hold, in order, each at most once unless repeated (None: text, not elements).
_CHILDREN: dict[bytes, tuple[bytes, ...] | None] = {
    b"sheetData": (b"row",), b"row": (b"c",), b"c": (b"f", b"v", b"is"), b"is": (b"t",),
    b"f": None, b"v": None, b"t": None,
}
#: The elements that may stand more than once in their parent.
_REPEATED = frozenset({b"row", b"c"})


def _in_order(attributes: dict[bytes, bytes]) -> bytes:
    """The attributes, each optional, in the order listed (the schema's): the one way XlsxWriter and
    LibreOffice write them."""
    return b"".join(rb'(?: ' + name + rb'=' + value + rb')?+' for name, value in attributes.items())


# The quick path: the rows as XlsxWriter and LibreOffice write them (attributes in the schema's order, no
# white space, no inline strings) match one pattern; any other rows go through _rows_pass.
_FORMULA_ATTRIBUTES = _ATTRIBUTES[b"f"]
_QUICK_FORMULA = (
    rb'<f(?:' + _in_order(_FORMULA_ATTRIBUTES | {b"t": rb'"(?:normal|array)"'})
    + rb'| t="shared"' + _in_order({name: _FORMULA_ATTRIBUTES[name] for name in (b"aca", b"ref", b"ca")})
    + rb' si=' + _FORMULA_ATTRIBUTES[b"si"] + rb')(?:/>|>' + _CONTENT + rb'</f>)')
_QUICK_CELL = (
    rb'<c r=' + _CELL_REFERENCE + _in_order({name: value for name, value in _ATTRIBUTES[b"c"].items() if name != b"r"})
    + rb'(?:/>|>(?:' + _QUICK_FORMULA + rb')?+(?:<v/>|<v>' + _CONTENT + rb'</v>)?+</c>)')
_QUICK_ROW_END = rb'(?:/>|>(?:' + _QUICK_CELL + rb')*+</row>)'
_QUICK_SHEET_DATA = re.compile(
    rb'<sheetData>(?:<row' + _in_order(_ROW_ATTRIBUTES) + _QUICK_ROW_END + rb')*+</sheetData>')
_QUICK_SHEET_DATA_WITH_DESCENT = re.compile(
    rb'<sheetData>(?:<row' + _in_order(_ROW_ATTRIBUTES | _DESCENT) + _QUICK_ROW_END + rb')*+</sheetData>')
_STYLE_INDEX = re.compile(rb' s="([0-9]+)"')
_ROW_INDEX = re.compile(rb'<row r="([0-9]+)"')

_VALUE_PATTERNS = {pattern: re.compile(pattern) for element in (_ROW_ATTRIBUTES, _DESCENT, *_ATTRIBUTES.values())
                   for pattern in element.values()}
_CONTENT_PATTERN = re.compile(_CONTENT)
#: A tag (start, end or empty) with its attributes, text, or anything else markup may hold.
_TOKEN = re.compile(
    rb'<(?P<end>/)?(?P<name>[A-Za-z][A-Za-z0-9:]*)(?P<attributes>(?:[ \t\r\n]+[A-Za-z][A-Za-z0-9:]*="[^"<]*")*)'
    rb'[ \t\r\n]*(?P<empty>/)?>|(?P<text>[^<]+)|(?P<other><)')
_ATTRIBUTE = re.compile(rb'([A-Za-z][A-Za-z0-9:]*)="([^"<]*)"')
_SHEET_DATA_END = b"</sheetData>"
_DESCENT_NAMESPACE = b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
#: The Office versions that know Excel 2010's attributes.
_OFFICE_2007 = "Office2007"
_SHEET_DATA_START = b"<sheetData"
_EMPTY_SHEET_DATA = b"<sheetData/>"

_DECLARATION = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml\s[^>]*?\?>)?\s*')
_ENCODING = re.compile(rb'encoding\s*=\s*["\']([^"\']*)["\']')
_ROOT = re.compile(rb'<worksheet\s[^>]*>')
_DEFAULT_NAMESPACE = b' xmlns="' + MAIN_NAMESPACE.encode() + b'"'


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
    end = part.find(_SHEET_DATA_END, start)
    if end < 0:
        return None
    end += len(_SHEET_DATA_END)
    rows = part[start:end]
    if not _acceptable_text(rows):
        return None
    quick = _QUICK_SHEET_DATA_WITH_DESCENT if knows_descent else _QUICK_SHEET_DATA
    if quick.fullmatch(rows) is not None:
        if not _quick_indexes_in_range(rows, style_count):
            return None
    elif not _rows_pass(rows, style_count, knows_descent):
        return None
    return part[:start] + _EMPTY_SHEET_DATA + part[end:]


def _quick_indexes_in_range(rows: bytes, style_count: int) -> bool:
    """For rows the quick pattern matched: every style index less than the number of cell formats, every
    row number on the sheet."""
    # Any ' s="N"' counts, even one in a formula's text: a false alarm only sends the sheet whole.
    styles = [int(index) for index in _STYLE_INDEX.findall(rows)]
    row_numbers = [int(number) for number in _ROW_INDEX.findall(rows)]
    return (not styles or _style_exists(max(styles), style_count)) and max(row_numbers, default=1) <= MAX_ROW


def _style_exists(index: int, style_count: int) -> bool:
    """Whether a cell's or row's style index names one of the styles part's cell formats, within the SDK's limit."""
    return index < min(style_count, MAX_STYLE_INDEX + 1)


def _rows_pass(sheet_data: bytes, style_count: int, knows_descent: bool) -> bool:
    """Whether ``<sheetData>...</sheetData>`` holds nothing but the rows, cells, formulas, values and inline
    strings the module's docstring lists, each as the schema allows it: elements in their order, attributes
    in any order but each once, white space between elements, text where text may stand."""
    row_attributes = _ROW_ATTRIBUTES | _DESCENT if knows_descent else _ROW_ATTRIBUTES
    # Each open element, with the position in its parent's list of children of the last child met.
    open_elements: list[tuple[bytes, int]] = []
    cell_type = b""
    for token in _TOKEN.finditer(sheet_data):
        name, text = token["name"], token["text"]
        parent = open_elements[-1][0] if open_elements else None
        children = _CHILDREN.get(parent) if parent is not None else (b"sheetData",)
        if text is not None:
            if children is None:
                if _CONTENT_PATTERN.fullmatch(text) is None:
                    return False
            elif _WHITE_SPACE.fullmatch(text) is None:
                return False
        elif token["other"] is not None:
            return False  # a comment, CDATA, a processing instruction or a stray "<"
        elif token["end"] is not None:
            if parent != name or token["attributes"] or token["empty"]:
                return False
            open_elements.pop()
        else:
            if children is None or name not in children:
                return False
            place = children.index(name)
            last = open_elements[-1][1] if open_elements else -1
            if place < last or (place == last and name not in _REPEATED):
                return False
            if open_elements:
                open_elements[-1] = (open_elements[-1][0], place)
            attributes = _ATTRIBUTE.findall(token["attributes"])
            allowed = row_attributes if name == b"row" else _ATTRIBUTES.get(name, {})
            if not _attributes_pass(attributes, allowed, style_count):
                return False
            values = dict(attributes)
            if name == b"c":
                cell_type = values.get(b"t", b"n")
            elif name == b"f" and values.get(b"t") == b"shared" and b"si" not in values:
                return False
            elif name == b"is" and (cell_type != b"inlineStr" or last == children.index(b"v")):
                return False
            if not token["empty"]:
                open_elements.append((name, -1))
    return not open_elements


def _attributes_pass(attributes: list[tuple[bytes, bytes]], allowed: dict[bytes, bytes], style_count: int) -> bool:
    """Whether each attribute is one the element may have, once, with a value of its kind; a style index
    less than the number of cell formats, a row number on the sheet."""
    if len({name for name, _ in attributes}) != len(attributes):
        return False
    for name, value in attributes:
        pattern = allowed.get(name)
        if pattern is None or _VALUE_PATTERNS[pattern].fullmatch(b'"' + value + b'"') is None:
            return False
        if name == b"s" and not _style_exists(int(value), style_count):
            return False
        if name == b"r" and pattern is _ROW_NUMBER and int(value) > MAX_ROW:
            return False
    return True


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
