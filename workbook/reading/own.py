"""The analyst's own work in a workbook: sheets, notes (cell comments) and defined names
that the tool did not write.

``extract`` reads them from an edited workbook and keeps them in the data folder, in
``own/`` (a manifest and one file per sheet, documented in ``data/README.md``);
``build --data`` reads them back (:func:`load_own`) and puts them into the new
workbook (:mod:`workbook.sheets.own_sheets`); ``diff`` compares them. A note on one of
the tool's tables is kept by the row's key (a state code, a category, a year) and the
column's header rather than by cell, so that a note on Texas stays on Texas when rows
move. What cannot be carried (charts, pictures, pivot tables, form controls) is listed.

The kept files are input like any other: text stays text, the format's limits are
checked, and a formula that links to another file is refused.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from workbook.errors import InputError
from workbook.spreadsheet import MAX_CELL_TEXT, MAX_FORMULA_LENGTH, range_bounds, utf16_length
from workbook.writing.xlsx import check_sheet_name

if TYPE_CHECKING:
    # Only for the signatures: openpyxl is imported when a workbook is read, not to build one.
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.styles.colors import Color
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from workbook.reading.package import DrawnObject

#: A JSON object as json.loads gives it: what own/ files hold, checked as they are read.
JsonObject = dict[str, Any]

#: Custom document properties in which a build lists the sheets and the defined names it
#: wrote, "/"-separated ("/" is in neither), over as many properties as 255 characters each
#: take ("tech-trade sheets", "tech-trade sheets 2", ...).
SHEETS_PROPERTY = "tech-trade sheets"
NAMES_PROPERTY = "tech-trade names"
_PROPERTY_TEXT = 255
_SEPARATOR = "/"
#: The charts a build drew on each sheet, so that check can say which ones a file no longer holds.
CHARTS_PROPERTY = "tech-trade charts"
#: The folder of the data folder that keeps the analyst's own work, and its manifest.
OWN_FOLDER = "own"
MANIFEST = "manifest.json"
#: Version of the files' layout, so a later tool can read an older folder.
OWN_FORMAT = 1
#: A reference to another file: "[1]Sheet!A1" as saved, "'C:\dir\[book.xlsx]Sheet'!A1"
#: or "https://...[book.xlsx]..." as typed, or a DDE link "app|'topic'!item".
_EXTERNAL_LINK = re.compile(r"\[\d+\]|\[[^\]]*\.(?:xl[a-z]*|ods|csv)\]|(?:https?|file|ftp)://|\|'", re.IGNORECASE)
#: Text in quotes and the start of a structured reference ("Table["), set aside before a formula
#: is searched for links (workbook.writing.formula_names reads what a formula names).
_STRING = re.compile(r'"(?:[^"]|"")*"')
_TABLE_REF = re.compile(r"\b([A-Za-z_][A-Za-z0-9_.]*)\[")
#: Tables and defined names of the tool's that a release renamed (old -> new), so that an
#: analyst's formulas follow them; CHANGELOG.md records each rename.
RENAMED: dict[str, str] = {}
_RELATION_KINDS = {
    "pivotTable": "pivot table",
    "ctrlProp": "form control",
    "oleObject": "embedded object",
}


@dataclass(frozen=True)
class OwnCell:
    """One cell of an own sheet: a value or a formula (with its last value), and its look."""

    cell: str
    value: object = None
    formula: str | None = None
    number_format: str | None = None
    bold: bool = False
    font_colour: str | None = None
    fill: str | None = None


@dataclass(frozen=True)
class OwnTable:
    name: str
    ref: str
    headers: tuple[str, ...]
    style: str | None = None


@dataclass(frozen=True)
class OwnSheet:
    name: str
    cells: tuple[OwnCell, ...]
    column_widths: dict[str, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    merged: tuple[str, ...] = ()
    frozen: str | None = None
    tables: tuple[OwnTable, ...] = ()
    #: The file of data/own it was read from, to name in a message.
    source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OwnNote:
    """A cell comment. On a tool table it is placed by ``table``, ``key`` (header -> value of
    the row's key columns) and ``column``; anywhere else by ``cell``."""

    sheet: str
    text: str
    author: str = ""
    cell: str | None = None
    table: str | None = None
    key: dict[str, object] | None = None
    column: str | None = None

    @property
    def place(self) -> str:
        """Where the note stands, as a person says it: a sheet and a cell, or a table row and column."""
        if self.table is not None:
            key = ", ".join(f"{header} {value}" for header, value in (self.key or {}).items())
            return f"{self.sheet}: {self.table} row {key}, column {self.column}"
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class OwnName:
    name: str
    refers_to: str


@dataclass
class OwnContent:
    """Everything the analyst added to a workbook, and what of it cannot be carried."""

    sheets: list[OwnSheet] = field(default_factory=list)
    notes: list[OwnNote] = field(default_factory=list)
    names: list[OwnName] = field(default_factory=list)
    #: One line per thing that cannot be carried: sheet and object.
    losses: list[str] = field(default_factory=list)
    #: The digest of the inputs the own formulas' values were computed from (see
    #: :func:`workbook.reading.inputs.data_digest`): a build from other data cannot vouch for them.
    inputs_digest: str | None = None

    @property
    def has_formulas(self) -> bool:
        return any(cell.formula is not None for sheet in self.sheets for cell in sheet.cells)

    def __bool__(self) -> bool:
        return bool(self.sheets or self.notes or self.names)


# ---------------------------------------------------------------- the tool's own parts

def parts_properties(sheets: list[str], names: list[str]) -> dict[str, str]:
    """The custom properties that list the sheets and defined names a build wrote."""
    properties = {}
    for prefix, items in ((SHEETS_PROPERTY, sheets), (NAMES_PROPERTY, sorted(names))):
        chunks, chunk = [], ""
        for item in items:
            joined = f"{chunk}{_SEPARATOR}{item}" if chunk else item
            if len(joined) > _PROPERTY_TEXT:
                chunks.append(chunk)
                joined = item
            chunk = joined
        chunks.append(chunk)
        for number, text in enumerate(chunks, start=1):
            properties[prefix if number == 1 else f"{prefix} {number}"] = text
    return properties


def charts_property(charts: dict[str, int]) -> str:
    """:data:`CHARTS_PROPERTY`'s text: each sheet with charts and how many ("Dashboard:4/Trend:1"; a sheet's
    name holds neither "/" nor ":")."""
    return _SEPARATOR.join(f"{sheet}:{count}" for sheet, count in charts.items() if count)


def charts_drawn(properties: dict[str, str]) -> dict[str, int] | None:
    """The charts the build drew, by sheet, as :data:`CHARTS_PROPERTY` lists them; None where it is absent."""
    text = properties.get(CHARTS_PROPERTY)
    if text is None:
        return None
    drawn = {}
    for item in text.split(_SEPARATOR):
        # Stripped: Gnumeric keeps the property with the line breaks and indents of its own XML around it.
        sheet, _, count = item.strip().rpartition(":")
        if sheet and count.strip().isdigit():
            drawn[sheet.strip()] = int(count)
    return drawn


def tool_sheets(properties: dict[str, str]) -> set[str]:
    """The sheets the tool wrote, by the custom properties that list them (none where they do not)."""
    return _tool_parts(properties)[0]


def _tool_parts(properties: dict[str, str]) -> tuple[set[str], set[str]]:
    """The sheets and (case-folded) defined names the tool wrote; none for a workbook from
    before the tool listed them, whose every part is then taken as the tool's."""
    def listed(prefix: str) -> list[str]:
        items, number = [], 1
        while (text := properties.get(prefix if number == 1 else f"{prefix} {number}")) is not None:
            items += [item for item in text.split(_SEPARATOR) if item]
            number += 1
        return items

    return set(listed(SHEETS_PROPERTY)), {name.casefold() for name in listed(NAMES_PROPERTY)}


# ---------------------------------------------------------------- reading a workbook

def read_own(path: Path, book: Workbook, values_book_loader: Callable[[], Workbook], properties: dict[str, str],
             key_headers: dict[str, tuple[str, ...]]) -> OwnContent:
    """The analyst's own work in ``book`` (openpyxl, formulas), read from ``path``.

    ``values_book_loader()`` opens the same file with cached values, called only when an
    own sheet holds a formula. ``key_headers`` gives the key columns of the tool's input
    tables by table name; any other table of the tool's is keyed by its first column.
    """
    tool_sheets, tool_names = _tool_parts(properties)
    content = OwnContent()
    if not tool_sheets:
        return content
    own_sheets = [sheet for sheet in book.worksheets if sheet.title not in tool_sheets]
    values = values_book_loader() if any(cell.data_type == "f" for sheet in own_sheets
                                         for row in sheet.iter_rows() for cell in row) else None
    for sheet in own_sheets:
        content.sheets.append(_read_sheet(sheet, values[sheet.title] if values is not None else None))
    for name, defined in book.defined_names.items():
        if name.casefold() not in tool_names and not name.startswith("_xlnm."):
            content.names.append(OwnName(name, defined.attr_text))
    content.notes, content.losses = _read_parts(path, book, tool_sheets, key_headers)
    return content


def _read_sheet(sheet: Worksheet, values: Worksheet | None) -> OwnSheet:
    from openpyxl.worksheet.formula import ArrayFormula

    cells = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None and not _has_look(cell):
                continue
            formula, value = None, cell.value
            if cell.data_type == "f":
                formula = cell.value.text if isinstance(cell.value, ArrayFormula) else str(cell.value)
                value = values[cell.coordinate].value if values is not None else None
            cells.append(OwnCell(
                cell=cell.coordinate, value=_json_value(value), formula=formula,
                number_format=None if cell.number_format == "General" else cell.number_format,
                bold=bool(cell.font and cell.font.b), font_colour=_rgb(cell.font.color if cell.font else None),
                fill=_rgb(cell.fill.fgColor) if cell.fill is not None and cell.fill.fill_type == "solid" else None))
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()
              if dimension.customWidth and dimension.width}
    heights = {row: dimension.height for row, dimension in sheet.row_dimensions.items()
               if dimension.customHeight and dimension.height}
    tables = tuple(OwnTable(table.name, table.ref,
                            tuple(str(column.name) for column in table.tableColumns),
                            table.tableStyleInfo.name if table.tableStyleInfo is not None else None)
                   for table in sheet.tables.values())
    frozen = sheet.freeze_panes if sheet.freeze_panes not in (None, "A1") else None
    return OwnSheet(sheet.title, tuple(cells), widths, heights,
                    tuple(str(merged) for merged in sheet.merged_cells.ranges), frozen, tables)


def _has_look(cell: Cell | MergedCell) -> bool:
    return bool(cell.has_style and (cell.number_format != "General" or (cell.font and cell.font.b)
                                    or (cell.fill is not None and cell.fill.fill_type == "solid")))


def _rgb(colour: Color | None) -> str | None:
    """An explicit colour as "#RRGGBB"; theme and indexed colours are not kept."""
    if colour is None or colour.type != "rgb" or not isinstance(colour.rgb, str):
        return None
    return "#" + colour.rgb[-6:].upper()


def _json_value(value: object) -> object:
    """A cell's value as JSON keeps it: a date or time as Excel's serial number, as the cell holds it."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        from openpyxl.utils.datetime import to_excel

        return to_excel(value)
    return str(value)


def _note(sheet: Worksheet, cell: str, text: str, author: str, tool: bool,
          key_headers: dict[str, tuple[str, ...]]) -> OwnNote:
    placed = _in_table(sheet, cell, key_headers) if tool else None
    if placed is not None:
        table, key, column = placed
        return OwnNote(sheet.title, text, author, table=table, key=key, column=column)
    return OwnNote(sheet.title, text, author, cell=cell)


def _in_table(sheet: Worksheet, coordinate: str,
              key_headers: dict[str, tuple[str, ...]]) -> tuple[str, dict[str, object], str] | None:
    cell = sheet[coordinate]
    for table in sheet.tables.values():
        min_col, min_row, max_col, max_row = range_bounds(table.ref)
        if not (min_col <= cell.column <= max_col and min_row < cell.row <= max_row):
            continue
        headers = [str(sheet.cell(min_row, col).value) for col in range(min_col, max_col + 1)]
        keys = key_headers.get(table.name) or (headers[0],)
        key = {header: _json_value(sheet.cell(cell.row, min_col + headers.index(header)).value)
               for header in keys if header in headers}
        return table.name, key, headers[cell.column - min_col]
    return None


def _read_parts(path: Path, book: Workbook, tool_sheets: set[str],
                key_headers: dict[str, tuple[str, ...]]) -> tuple[list[OwnNote], list[str]]:
    """The notes of every sheet, and one line for each thing on an own sheet that cannot
    be carried (sheet and object), read from the parts of the file itself: openpyxl
    would have to visit every cell of the data sheets to find a note."""
    from workbook.reading.package import Package
    from workbook.reading.safe_read import open_workbook_safely

    notes: list[OwnNote] = []
    losses: list[str] = []
    with open_workbook_safely(path) as archive:
        package = Package(Path(path), archive)
        workbook_part = package.target("", "officeDocument")
        for sheet_name, sheet_kind, part in package.all_sheets(workbook_part or ""):
            tool = sheet_name in tool_sheets
            if sheet_kind != "worksheet":
                if not tool:
                    losses.append(f"sheet {sheet_name!r}: a chart sheet cannot be carried")
                continue
            for _, kind, target in package.relationships(part):
                if kind == "comments":
                    notes.extend(_note(book[sheet_name], cell, text, author, tool, key_headers)
                                 for cell, text, author in package.comments(target))
                elif tool:
                    continue
                elif kind == "drawing":
                    losses.extend(f"sheet {sheet_name!r}: {_described(drawn)} cannot be carried"
                                  for drawn in package.drawn_objects(target))
                elif kind in _RELATION_KINDS:
                    losses.append(f"sheet {sheet_name!r}: {_RELATION_KINDS[kind]} "
                                  f"{PurePosixPath(target).name!r} cannot be carried")
    return notes, losses


def _described(drawn: DrawnObject) -> str:
    """``chart 'Sales'``; an object without a name (LibreOffice leaves some unnamed) by the cell it starts at."""
    if drawn.name:
        return f"{drawn.kind} {drawn.name!r}"
    if drawn.row is not None and drawn.column is not None:
        return f"{drawn.kind} at {xl_rowcol_to_cell(drawn.row, drawn.column)}"
    return drawn.kind


# ---------------------------------------------------------------- the files in data/own

def write_own(content: OwnContent, data_dir: Path) -> list[Path]:
    """Write ``content`` into ``data_dir/own/``: the manifest and one file per sheet."""
    folder = Path(data_dir) / OWN_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    sheets = []
    for number, sheet in enumerate(content.sheets, start=1):
        filename = f"sheet-{number:02d}.json"
        sheets.append({"name": sheet.name, "file": filename})
        written.append(_write_json(folder / filename, {
            "name": sheet.name,
            "cells": [_without_defaults(asdict(cell)) for cell in sheet.cells],
            "column_widths": sheet.column_widths,
            "row_heights": {str(row): height for row, height in sheet.row_heights.items()},
            "merged": list(sheet.merged),
            "frozen": sheet.frozen,
            "tables": [asdict(table) for table in sheet.tables],
        }))
    written.append(_write_json(folder / MANIFEST, {
        "format": OWN_FORMAT,
        "inputs_digest": content.inputs_digest,
        "sheets": sheets,
        "notes": [_without_defaults(asdict(note)) for note in content.notes],
        "names": [asdict(name) for name in content.names],
    }))
    return written


def _without_defaults(record: JsonObject) -> JsonObject:
    return {key: value for key, value in record.items() if value not in (None, False, "") or key in ("text",)}


def _write_json(path: Path, document: JsonObject) -> Path:
    from workbook.atomic import atomic_write_path

    with atomic_write_path(path) as tmp:
        Path(tmp).write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_own(data_dir: Path) -> OwnContent:
    """The analyst's own work kept in ``data_dir/own/``, checked as any input is; empty if none."""
    folder = Path(data_dir) / OWN_FOLDER
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        return OwnContent()
    manifest = _read_json(manifest_path)
    if manifest.get("format") != OWN_FORMAT:
        raise InputError(manifest_path, f"expected format {OWN_FORMAT}", place="format", value=manifest.get("format"))
    content = OwnContent(inputs_digest=manifest.get("inputs_digest"))
    names: list[str] = []
    for entry in manifest.get("sheets", []):
        path = folder / str(entry.get("file", ""))
        if not path.is_file() or path.parent != folder:
            raise InputError(manifest_path, "expected a sheet file in the same folder", place="sheets",
                             value=entry.get("file"))
        sheet = _sheet_from(path, _read_json(path))
        try:
            check_sheet_name(sheet.name, names)
        except Exception as error:
            raise InputError(path, str(error), place="name") from None
        names.append(sheet.name)
        content.sheets.append(sheet)
    for index, note in enumerate(manifest.get("notes", []), start=1):
        content.notes.append(_note_from(manifest_path, index, note))
    for index, name in enumerate(manifest.get("names", []), start=1):
        refers_to = str(name.get("refers_to", ""))
        _check_formula(manifest_path, f"name {index} ({name.get('name')})", refers_to)
        content.names.append(OwnName(str(name.get("name", "")), refers_to))
    return content


def _read_json(path: Path) -> JsonObject:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(path, f"expected JSON in UTF-8 ({error})") from None
    if not isinstance(document, dict):
        raise InputError(path, "expected a JSON object")
    return document


def _sheet_from(path: Path, document: JsonObject) -> OwnSheet:
    cells = []
    for record in document.get("cells", []):
        cell = OwnCell(**{key: record[key] for key in OwnCell.__dataclass_fields__ if key in record})
        if cell.formula is not None:
            _check_formula(path, _cell_place(document, cell.cell), cell.formula)
        if isinstance(cell.value, str) and utf16_length(cell.value) > MAX_CELL_TEXT:
            raise InputError(path, f"expected at most {MAX_CELL_TEXT:,} characters, the most a spreadsheet cell holds",
                             place=_cell_place(document, cell.cell), value=cell.value)
        cells.append(cell)
    tables = tuple(OwnTable(table["name"], table["ref"], tuple(table["headers"]), table.get("style"))
                   for table in document.get("tables", []))
    return OwnSheet(str(document.get("name", "")), tuple(cells),
                    {str(key): float(value) for key, value in document.get("column_widths", {}).items()},
                    {int(key): float(value) for key, value in document.get("row_heights", {}).items()},
                    tuple(document.get("merged", [])), document.get("frozen"), tables, source=str(path))


def _cell_place(document: JsonObject, cell: str) -> str:
    return f"sheet {str(document.get('name'))!r}, cell {cell}"


def _note_from(path: Path, index: int, record: JsonObject) -> OwnNote:
    note = OwnNote(**{key: record[key] for key in OwnNote.__dataclass_fields__ if key in record})
    if utf16_length(note.text) > MAX_CELL_TEXT:
        raise InputError(path, f"expected at most {MAX_CELL_TEXT:,} characters in a note",
                         place=f"note {index} ({note.place})", value=note.text)
    return note


def _check_formula(path: Path, where: str, formula: str) -> None:
    if len(formula) > MAX_FORMULA_LENGTH:
        raise InputError(path, f"expected a formula of at most {MAX_FORMULA_LENGTH:,} characters", place=where,
                         value=formula)
    # Table columns such as CensusExports[2020] are no links: they are set aside first.
    if _EXTERNAL_LINK.search(_without_table_references(_STRING.sub('""', formula))):
        raise InputError(path, "expected no link to another file or program in a formula", place=where,
                         value=formula)


# ---------------------------------------------------------------- formulas of the analyst's

def _without_table_references(text: str) -> str:
    """``text`` with each structured reference replaced by ``0``; brackets nest (``T[[#This Row],[2020]]``)."""
    rest, position = [], 0
    for found in _TABLE_REF.finditer(text):
        if found.start() < position:
            continue  # inside a reference already read
        depth, end = 0, found.end() - 1
        for end in range(found.end() - 1, len(text)):
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            if depth == 0:
                break
        rest.append(text[position:found.start()] + "0")
        position = end + 1
    rest.append(text[position:])
    return "".join(rest)


def rewrite_renamed(formula: str, renames: dict[str, str]) -> str:
    """``formula`` with each renamed table or defined name of the tool's given its new name."""
    if not renames:
        return formula
    pieces = re.split(r'("(?:[^"]|"")*")', formula)
    pattern = re.compile(r"(?<![A-Za-z0-9_.!$])(" + "|".join(map(re.escape, renames)) + r")(?![A-Za-z0-9_.(])")
    return "".join(piece if index % 2 else pattern.sub(lambda found: renames[found.group(1)], piece)
                   for index, piece in enumerate(pieces))
