"""A readable reference of a built workbook, part by part, and its comparison with a fresh build.

XlsxWriter's own tests compare each file it writes with one Excel saved, part by part. Here the
reference is what the default build wrote when it was last accepted, kept as plain text under
``tests/reference/default/`` so that a change of output shows in review as a change of lines:

* one file per worksheet (``sheets/``): every cell with its value, formula and style, the rows'
  heights, the columns' widths, merged ranges, conditional formats, data validations, print setup,
  sparklines, whatever else the sheet's part holds, and the print area from the workbook's names;
* ``drawings.txt`` (each chart's anchor and alternative text), ``charts.txt`` (each chart's
  type, titles, series and their references, axes), ``tables.txt`` (each table's ref, name,
  columns), ``styles.txt`` (every style a cell or rule uses, described), ``package.txt`` (the
  workbook part, relationships, content types, document properties);
* ``parts.txt``: every part of the package, with where it is described or its SHA-256.

``docProps/custom.xml`` is left out: it holds the seal, a digest of everything else.

Formulas are long and repeat down a column, so a sheet's file names each formula written more
than a short line once, by a digest of its relative (R1C1) form, and its cells name that.
Styles are named by the digest of their description, or by their name in templates/styles.toml
where one of those styles is exactly it.

Regenerate with ``python3 tests/reference/regenerate.py`` after a deliberate change of output.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.cell import column_index_from_string

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference" / "default"
REGENERATE = "python3 tests/reference/regenerate.py"
#: The name the default build gives its file (tests/conftest.py's default_workbook).
DEFAULT_FILE_NAME = "tech-trade-snapshot-2021.xlsx"

#: The seal: a digest of every other part, so it changes with any of them.
LEFT_OUT = {"docProps/custom.xml"}

#: A formula longer than this is written once in the sheet's list of formulas and named by its cells.
INLINE_FORMULA = 48

_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
    "http://schemas.openxmlformats.org/package/2006/relationships": "",
    "http://schemas.openxmlformats.org/package/2006/content-types": "",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "xdr",
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main": "x14",
    "http://schemas.microsoft.com/office/excel/2006/main": "xm",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "vt",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/dc/dcmitype/": "dcmitype",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "http://schemas.microsoft.com/office/drawing/2010/main": "a14",
    "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main": "x15",
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac": "x14ac",
}

_DESCENT = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac}dyDescent"
_CELL = re.compile(r"^(\$?)([A-Z]{1,3})(\$?)(\d+)$")


# ---------------------------------------------------------------- reading XML as lines

def _name(tag: str) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}")
        prefix = _NAMESPACES.get(uri, uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _quote(value: str) -> str:
    return value if value and re.fullmatch(r"[^\s\"=]+", value) else json.dumps(value, ensure_ascii=False)


@dataclass
class _Resolver:
    """Turns an attribute that points elsewhere (a relationship, a style, a rule's format) into what it points at."""

    relationships: dict[str, str] = field(default_factory=dict)
    styles: "_Styles | None" = None

    def value(self, element: str, attribute: str, value: str) -> str:
        if attribute in ("r:id", "r:embed") and value in self.relationships:
            return self.relationships[value]
        if self.styles is not None:
            if attribute == "s" or (attribute == "style" and element == "col"):
                return self.styles.cell_style(int(value))
            if attribute == "dxfId" or attribute.endswith("DxfId"):
                return self.styles.rule_style(int(value))
        return value


def _attributes(element: Element, resolver: _Resolver) -> str:
    name = _name(element.tag)
    pairs = sorted((_name(key), value) for key, value in element.attrib.items())
    return " ".join(f"{key}={_quote(resolver.value(name, key, value))}" for key, value in pairs)


def _text(element: Element) -> str:
    """An element's own text, whitespace and all; nothing for the whitespace between elements."""
    text = element.text or ""
    return text if text.strip() else ""


def _is_leaf(element: Element) -> bool:
    return len(element) == 0


def xml_lines(element: Element, resolver: _Resolver | None = None, depth: int = 0) -> Iterator[str]:
    """An element and everything in it, one line per element, indented by depth.

    An element with one child and nothing else of its own is joined to it (``c:tx/c:strRef/c:f``);
    one whose children are all plain text elements is one line (``xdr:from col=3 colOff=0 row=15 rowOff=0``).
    """
    resolver = resolver or _Resolver()
    path = [_name(element.tag)]
    while len(element) == 1 and not element.attrib and not _text(element):
        element = element[0]
        path.append(_name(element.tag))
    head = "/".join(path)
    attributes = _attributes(element, resolver)
    text = _text(element)
    children = list(element)
    if children and all(_is_leaf(child) and not child.attrib for child in children) \
            and len({child.tag for child in children}) == len(children):
        pairs = " ".join(f"{_name(child.tag).split(':')[-1]}={_quote(_text(child))}" for child in children)
        yield "  " * depth + " ".join(part for part in (head, attributes, pairs) if part)
        return
    line = " ".join(part for part in (head, attributes) if part)
    if text:
        line += f": {text if text == text.strip() and chr(10) not in text else json.dumps(text, ensure_ascii=False)}"
    yield "  " * depth + line
    for child in children:
        yield from xml_lines(child, resolver, depth + 1)


# ---------------------------------------------------------------- the package

class _Package:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    def xml(self, part: str) -> Element:
        return fromstring(self.parts[part])

    def relationships(self, part: str) -> dict[str, str]:
        """rId -> the part (or address) a part's relationships point at."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.parts:
            return {}
        targets = {}
        for relationship in self.xml(rels):
            target = relationship.get("Target", "")
            if relationship.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") \
                    else target.lstrip("/")
            targets[relationship.get("Id", "")] = target
        return targets


# ---------------------------------------------------------------- styles

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _children(root: Element, tag: str) -> list[Element]:
    found = root.find(f"{_MAIN}{tag}")
    return [] if found is None else list(found)


def _described(element: Element | None) -> str:
    """One element's content as ``name(attr=value child(...))``, or nothing for an empty one."""
    if element is None:
        return ""
    attributes = " ".join(f"{_name(key)}={_quote(value)}" for key, value in sorted(element.attrib.items()))
    children = " ".join(filter(None, (_described(child) for child in element)))
    inner = " ".join(part for part in (attributes, children) if part)
    return f"{_name(element.tag)}({inner})" if inner else (_name(element.tag) if element.tag else "")


class _Styles:
    """The workbook's cell styles (``cellXfs``) and rule formats (``dxfs``), each described in words."""

    def __init__(self, package: _Package, names: dict[str, str]) -> None:
        root = package.xml("xl/styles.xml")
        formats = {int(code): text for code, text in BUILTIN_FORMATS.items()}
        for number_format in root.iter(f"{_MAIN}numFmt"):
            formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
        fonts, fills, borders = (_children(root, kind) for kind in ("fonts", "fills", "borders"))
        self.cell_descriptions = []
        for xf in _children(root, "cellXfs"):
            parts = [f"format={_quote(formats.get(int(xf.get('numFmtId', '0')), '?'))}",
                     _described(fonts[int(xf.get("fontId", "0"))]),
                     _described(fills[int(xf.get("fillId", "0"))]),
                     _described(borders[int(xf.get("borderId", "0"))]),
                     _described(xf.find(f"{_MAIN}alignment")),
                     _described(xf.find(f"{_MAIN}protection"))]
            self.cell_descriptions.append(" ".join(part for part in parts if part))
        self.rule_descriptions = [" ".join(_described(child) for child in dxf)
                                  for dxf in _children(root, "dxfs")]
        self.names = names
        self.used: dict[str, str] = {}

    def _key(self, kind: str, description: str) -> str:
        key = self.names.get(description) or (f"{kind}{hashlib.sha256(description.encode()).hexdigest()[:6]}"
                                               if description else f"{kind}none")
        self.used[key] = description
        return key

    def cell_style(self, index: int) -> str:
        return self._key("style-", self.cell_descriptions[index])

    def rule_style(self, index: int) -> str:
        return self._key("rule-", self.rule_descriptions[index])

    def lines(self) -> list[str]:
        return ["# Every style a cell, row, column or conditional format of the default build uses: a name from "
                "templates/styles.toml where the style is exactly one of those, else a digest of its description.",
                *(f"{key}: {description}" for key, description in sorted(self.used.items()))]


def styles_by_name() -> dict[str, str]:
    """The description of each named style of templates/styles.toml (each starts from [base]),
    as a workbook of them writes it."""
    import xlsxwriter

    from workbook.templates_loader import STYLE_SECTIONS_NOT_CELL_STYLES, styles

    theme = styles()
    base = theme["base"]
    # [base] last: a named style that is no more than the base keeps its own name.
    names = [name for name in theme if name not in STYLE_SECTIONS_NOT_CELL_STYLES and name != "base"] + ["base"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "styles.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        for row, name in enumerate(names):
            sheet.write_number(row, 0, 0, book.add_format({**base, **theme[name]}))
        book.close()
        package = _Package(path)
        described = _Styles(package, {})
        rows = {_position(cell.get("r", ""))[0] - 1: int(cell.get("s", "0"))
                for cell in package.xml("xl/worksheets/sheet1.xml").iter(f"{_MAIN}c")}
    named: dict[str, str] = {}
    for row, name in enumerate(names):
        # The first name wins where two styles of the file look the same.
        named.setdefault(described.cell_descriptions[rows[row]], name)
    return named


# ---------------------------------------------------------------- worksheets

def relative_formula(formula: str, row: int, col: int) -> str:
    """A formula with its relative cell references made relative to its cell (R1C1), so that a formula
    filled down a column reads the same in every row."""
    tokenizer = Tokenizer("=" + formula)
    pieces = []
    for token in tokenizer.items:
        value = token.value
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            sheet, _, reference = value.rpartition("!")
            ends = reference.split(":")
            matched = [_CELL.match(end) for end in ends]
            if all(matched):
                converted = ":".join(_r1c1(match, row, col) for match in matched if match)
                value = f"{sheet}!{converted}" if sheet else converted
        pieces.append(value)
    return "=" + "".join(pieces)


def _r1c1(match: re.Match[str], row: int, col: int) -> str:
    col_absolute, letters, row_absolute, digits = match.groups()
    target_row, target_col = int(digits), column_index_from_string(letters)
    row_part = f"R{target_row}" if row_absolute else (f"R[{target_row - row}]" if target_row != row else "R")
    col_part = f"C{target_col}" if col_absolute else (f"C[{target_col - col}]" if target_col != col else "C")
    return row_part + col_part


def _value(cell: Element, shared_strings: list[str]) -> str | None:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return json.dumps("".join(cell.itertext()), ensure_ascii=False)
    value = cell.find(f"{_MAIN}v")
    if value is None:
        return None
    text = value.text or ""
    if kind == "s":
        return json.dumps(shared_strings[int(text)], ensure_ascii=False)
    if kind == "str":
        return json.dumps(text, ensure_ascii=False)
    if kind == "b":
        return "TRUE" if text == "1" else "FALSE"
    if kind == "e":
        return text
    return text


def _shared_strings(package: _Package) -> list[str]:
    if "xl/sharedStrings.xml" not in package.parts:
        return []
    return ["".join(item.itertext()) for item in package.xml("xl/sharedStrings.xml")]


def sheet_lines(package: _Package, part: str, title: str, print_names: list[str], styles: _Styles,
                shared_strings: list[str]) -> list[str]:
    resolver = _Resolver(package.relationships(part), styles)
    root = package.xml(part)
    lines = [f"# Worksheet {json.dumps(title, ensure_ascii=False)} ({part})", "", "## The sheet"]
    for element in root:
        if _name(element.tag) not in ("sheetData", "dimension"):
            lines.extend(xml_lines(element, resolver))
    lines.extend(print_names)
    rows: list[str] = []
    cells: list[str] = []
    formulas: dict[str, tuple[str, str, int]] = {}
    # Every row carries the sheet's default descent of its text (sheetFormatPr): listed where it differs.
    format_properties = root.find(f"{_MAIN}sheetFormatPr")
    usual = {"r": None, "spans": None, _DESCENT: None if format_properties is None else format_properties.get(_DESCENT)}
    for row in root.iter(f"{_MAIN}row"):
        own = {key: value for key, value in row.attrib.items() if key not in usual or usual[key] != value}
        own.pop("r", None)
        own.pop("spans", None)
        if own:
            rows.append(f"row {row.get('r')} " + _attributes(Element(row.tag, own), resolver))
        for cell in row:
            cells.append(_cell_line(cell, resolver, shared_strings, formulas))
    lines += ["", "## Rows (height and the like, where a row has its own)", *rows]
    if formulas:
        lines += ["", "## Formulas (each named by cells as =#digest; shown as first written, "
                  "with the cell and how many cells use it)"]
        lines += [f"#{key} ({where}, {count} cell{'s' if count > 1 else ''}): ={text}"
                  for key, (text, where, count) in sorted(formulas.items(), key=lambda item: _position(item[1][1]))]
    lines += ["", "## Cells (@style, =formula, -> its cached value; a constant's value alone)", *cells]
    return lines


def _position(reference: str) -> tuple[int, int]:
    match = _CELL.match(reference)
    assert match is not None
    return int(match[4]), column_index_from_string(match[2])


def _cell_line(cell: Element, resolver: _Resolver, shared_strings: list[str],
               formulas: dict[str, tuple[str, str, int]]) -> str:
    reference = cell.get("r", "")
    row, col = _position(reference)
    words = [reference]
    if cell.get("s", "0") != "0":
        words.append("@" + resolver.value("c", "s", cell.get("s", "0")))
    formula = cell.find(f"{_MAIN}f")
    value = _value(cell, shared_strings)
    if formula is not None:
        text = formula.text or ""
        extra = " ".join(f"{key}={_quote(value)}" for key, value in sorted(formula.attrib.items()))
        if extra:
            words.append(f"[{extra}]")
        if len(text) <= INLINE_FORMULA:
            words.append("=" + text)
        else:
            relative = relative_formula(text, row, col)
            key = hashlib.sha256(relative.encode()).hexdigest()[:8]
            first, where, count = formulas.get(key, (text, reference, 0))
            formulas[key] = (first, where, count + 1)
            words.append(f"=#{key}")
        words.append(f"-> {value if value is not None else '(no cached value)'}")
    elif value is not None:
        words.append(value)
    return " ".join(words)


# ---------------------------------------------------------------- the whole reference

def describe(path: Path) -> dict[str, str]:
    """The reference of a built workbook: file name (under tests/reference/default/) -> its text."""
    package = _Package(path)
    styles = _Styles(package, styles_by_name())
    shared_strings = _shared_strings(package)
    book_part = "xl/workbook.xml"
    book = package.xml(book_part)
    book_rels = package.relationships(book_part)
    described: dict[str, str] = {"xl/sharedStrings.xml": "the cells of sheets/*.txt"}
    files: dict[str, list[str]] = {}

    # Print areas and titles are the workbook's names, local to a sheet; shown with the sheet too.
    print_names: dict[int, list[str]] = {}
    for name in book.iter(f"{_MAIN}definedName"):
        if name.get("name", "").startswith("_xlnm.") and name.get("localSheetId") is not None:
            print_names.setdefault(int(name.get("localSheetId", "0")), []).append(
                f"{name.get('name', '')[6:]}: {name.text}")

    drawing_of: dict[str, str] = {}
    sheets = list(book.iter(f"{_MAIN}sheet"))
    for position, sheet in enumerate(sheets):
        title = sheet.get("name", "")
        part = book_rels[sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "")]
        file = f"sheets/{position + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}.txt"
        files[file] = sheet_lines(package, part, title, print_names.get(position, []), styles, shared_strings)
        described[part] = file
        for target in package.relationships(part).values():
            if "/drawings/" in target:
                drawing_of[target] = title
            if "/tables/" in target:
                drawing_of[target] = title

    drawings = ["# Drawings: where each chart is anchored (cells counted from 0) and its alternative text"]
    charts = ["# Charts: type, titles, series (their names, categories and values as references), axes"]
    tables = ["# Tables: ref, name, columns (and a column's formula), style"]
    for part in sorted(package.parts, key=_natural):
        if part.startswith("xl/drawings/") and part.endswith(".xml"):
            drawings += ["", f"## {part} on {json.dumps(drawing_of.get(part, '?'), ensure_ascii=False)}",
                         *xml_lines(package.xml(part), _Resolver(package.relationships(part)))]
            described[part] = "drawings.txt"
        elif part.startswith("xl/charts/") and part.endswith(".xml"):
            charts += ["", f"## {part}", *xml_lines(package.xml(part), _Resolver(package.relationships(part)))]
            described[part] = "charts.txt"
        elif part.startswith("xl/tables/"):
            tables += ["", f"## {part} on {json.dumps(drawing_of.get(part, '?'), ensure_ascii=False)}",
                       *xml_lines(package.xml(part), _Resolver(styles=styles))]
            described[part] = "tables.txt"

    package_lines = ["# The workbook part, relationships, content types and document properties"]
    for part in ("xl/workbook.xml", "[Content_Types].xml", "docProps/core.xml", "docProps/app.xml"):
        if part in package.parts:
            package_lines += ["", f"## {part}", *xml_lines(package.xml(part))]
            described[part] = "package.txt"
    for part in sorted(package.parts, key=_natural):
        if part.endswith(".rels"):
            package_lines += ["", f"## {part}", *xml_lines(package.xml(part))]
            described[part] = "package.txt"

    files["drawings.txt"] = drawings
    files["charts.txt"] = charts
    files["tables.txt"] = tables
    files["package.txt"] = package_lines
    files["styles.txt"] = styles.lines()
    described["xl/styles.xml"] = "styles.txt (the styles cells and rules use)"

    parts = ["# Every part of the package: where it is described, and its SHA-256 "
             "(left out: docProps/custom.xml, the seal, a digest of all the others)"]
    for part in sorted(package.parts, key=_natural):
        if part in LEFT_OUT:
            continue
        digest = hashlib.sha256(package.parts[part]).hexdigest()
        where = described.get(part)
        # A part described in words changes its bytes with any shift of shared string or style
        # numbers: its digest would repeat every change as noise.
        parts.append(f"{part} -> {where}" if where else f"{part} sha256={digest}")
    files["parts.txt"] = parts
    return {name: "\n".join(lines) + "\n" for name, lines in files.items()}


def _natural(name: str) -> list[object]:
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]


# ---------------------------------------------------------------- comparing

def read_reference(folder: Path = REFERENCE) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*.txt"))}


def write_reference(files: dict[str, str], folder: Path = REFERENCE) -> None:
    for old in folder.rglob("*.txt"):
        old.unlink()
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def differences(reference: dict[str, str], fresh: dict[str, str], most: int = 20) -> list[str]:
    """The first differences between a reference and a fresh description, each as
    ``file (part), cell:`` then the old line and the new (a cell's or row's line starts with it)."""
    found: list[str] = []
    for name in sorted(set(reference) | set(fresh), key=_natural):
        if name not in fresh:
            found.append(f"{name}: in the reference, not written by the build")
            continue
        if name not in reference:
            found.append(f"{name}: written by the build, not in the reference")
            continue
        old, new = reference[name].splitlines(), fresh[name].splitlines()
        if old == new:
            continue
        title = f"{name} ({old[0].lstrip('# ')})" if name.startswith("sheets/") and old else name
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            if operation == "equal":
                continue
            removed, added = old[old_start:old_end], new[new_start:new_end]
            for index in range(max(len(removed), len(added))):
                before = removed[index].strip() if index < len(removed) else ""
                after = added[index].strip() if index < len(added) else ""
                found.append(_difference(title, before, after))
    shown = found[:most]
    if len(found) > most:
        shown.append(f"... and {len(found) - most} more")
    return shown


def _difference(title: str, before: str, after: str) -> str:
    key = _line_key(before) or _line_key(after)
    if key and _line_key(before) in (key, None) and _line_key(after) in (key, None):
        title += f", {key}"
        before, after = before.removeprefix(key).strip(), after.removeprefix(key).strip()
    return f"{title}:\n    old: {before or '(nothing)'}\n    new: {after or '(nothing)'}"


def _line_key(line: str) -> str | None:
    """The cell (``F5``) or row (``row 4``) a sheet's line is about."""
    match = re.match(r"(row \d+|[A-Z]{1,3}\d+)(?= |$)", line)
    return match[1] if match else None


def build_default(folder: Path) -> Path:
    """The default build (``build --data data`` in an empty folder), as tests/conftest.py makes it."""
    result = subprocess.run([sys.executable, "-m", "workbook", "build", "--data", str(REPO / "data")],
                            capture_output=True, text=True, cwd=folder, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    if result.returncode != 0:
        raise SystemExit(f"the default build failed: {result.stderr.strip()}")
    return folder / DEFAULT_FILE_NAME


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as folder:
        files = describe(build_default(Path(folder)))
    write_reference(files)
    size = sum(len(text.encode()) for text in files.values())
    print(f"wrote {len(files)} files ({size / 1024:.0f} KiB) to {REFERENCE.relative_to(REPO)}/; "
          "review them with git diff before committing")
    return 0
