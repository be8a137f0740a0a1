"""The workbook's inputs: the cells an analyst may edit, read back in the data schema.

A built workbook holds its inputs in named places: the settings (defined names: the
snapshot year on the Cover, the others on the Notes) and the input tables (StateList,
CategoryList, CensusExports, CensusImports, PublishedFigures, Destinations). This module reads them from any workbook the tool
made, after edits in Excel or LibreOffice, as data frames of the project's schema,
and each value with the cell it came from. ``extract`` writes them as ``data/``
files, ``diff`` compares two workbooks' inputs, and ``build`` uses their fingerprint
to tell whether a workbook has been edited since it was written.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbook import __version__
from workbook.errors import TechTradeError, one_line
from workbook.spreadsheet import quote_sheet_name
from workbook.reading.opendocument import is_ods
from workbook.reading.own import OwnContent, read_own
from workbook.writing import register
from workbook.reading.safe_read import check_workbook_file
from workbook.dataset.schema import FileSchema

if TYPE_CHECKING:
    # Only for the signatures: openpyxl is imported when a workbook is read, not to build one.
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: A row of an input table, as its key columns' values.
RowKey = tuple[object, ...]
#: (table, key) -> the cells of that row.
RowCells = dict[tuple[str, RowKey], "list[InputCell]"]
#: For each record of a table's data frame, in order: column of the data file -> the cell it was read from.
RecordCells = list[dict[str, "InputCell"]]

#: Custom document properties that mark a workbook as made by this tool.
MADE_BY_PROPERTY = "tech-trade version"
FINGERPRINT_PROPERTY = "tech-trade inputs"
#: The partial years of the data a workbook was built from ("2026 January; 2027 March": year and the last month
#: its figures cover), which no input table holds (a year column is headed by the year alone), so that extract
#: writes partial_years.csv back; absent where every year is whole.
PARTIAL_YEARS_PROPERTY = "tech-trade partial years"
#: A sheet's last row and column (XFD).
_LAST_ROW, _LAST_COLUMN = 1_048_576, 16_384
#: Rows of a table turned into JSON at a time, for its fingerprint.
_JSON_ROWS = 10_000


@dataclass(frozen=True)
class InputTable:
    """An Excel table of inputs and the data file it comes from."""

    table: str
    schema: FileSchema
    #: Header in the workbook -> column of the data file.
    headers: dict[str, str]
    #: Census trade is laid out with one column per year.
    wide_by_year: bool = False


def input_tables() -> tuple[InputTable, ...]:
    """The register's tables of inputs, each with the header of each of its data file's columns."""
    return tuple(InputTable(table.name, table.data_file, table.data_headers(), wide_by_year=table.year_columns)
                 for table in register.INPUT_TABLES if table.data_file is not None)


@dataclass(frozen=True)
class InputCell:
    """One input value and where it stands."""

    sheet: str
    cell: str
    label: str
    value: object


@dataclass(frozen=True)
class WorkbookInputs:
    """Everything an analyst can edit in one workbook, in the data schema."""

    path: Path
    frames: dict[str, pd.DataFrame]
    settings: dict[str, object]
    #: The cell of each setting, by its name in settings.csv.
    setting_cells: dict[str, InputCell]
    #: (table, key) -> the cells of that row, for reporting where a value stands.
    cells: RowCells
    formula_counts: dict[str, int]
    properties: dict[str, str]
    #: What the analyst added that the tool did not write: sheets, notes, defined names.
    own: OwnContent = field(default_factory=OwnContent)
    #: Data file name -> where each record of its frame was read from, column by column (a Census
    #: table's year is its column's header cell), so a check of the data can name the cell.
    record_cells: dict[str, RecordCells] = field(default_factory=dict)
    #: Every table of the workbook: name -> (sheet title, range such as "A5:H58").
    table_places: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def made_by_tool(self) -> bool:
        return MADE_BY_PROPERTY in self.properties

    @property
    def stored_fingerprint(self) -> str | None:
        return self.properties.get(FINGERPRINT_PROPERTY)

    def fingerprint(self) -> str:
        return fingerprint(self.frames, self.settings, self.formula_counts)


def _saved_by(path: Path) -> str:
    """The program that saved the workbook at ``path`` last, as its properties say; "a program" where they
    do not."""
    from workbook.reading.package import Package
    from workbook.reading.safe_read import open_workbook_safely

    try:
        with open_workbook_safely(path) as archive:
            application = Package(path, archive).application
    except TechTradeError:
        return "a program"
    return application or "a program"


def read_inputs(path: Path) -> WorkbookInputs:
    """Read the inputs of a workbook the tool made (or any workbook: ``made_by_tool`` tells)."""
    from workbook.reading.openpyxl_reading import load_workbook, why_unread

    path = Path(path)
    if is_ods(path):
        # An OpenDocument spreadsheet is read as LibreOffice saves it as .xlsx (workbook/checking/ods.py).
        from workbook.reading.opendocument import as_xlsx

        with as_xlsx(path) as converted:
            return replace(read_inputs(converted), path=path)
    # Refuses what is not a safe .xlsx (a zip bomb, XML entities, macros, encryption) before openpyxl reads it.
    check_workbook_file(path)

    try:
        book = load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise TechTradeError(f"{path}: not a workbook this tool can read ({why_unread(path, error)})") from None
    for sheet in book.worksheets:
        # openpyxl loads a cell past the last row or column, then fails on reading the sheet's rows.
        if sheet.max_row > _LAST_ROW or sheet.max_column > _LAST_COLUMN:
            raise TechTradeError(one_line(f"{path}: sheet {quote_sheet_name(sheet.title)} holds a cell past row "
                                          f"{_LAST_ROW:,} or column XFD, where no cell can be"))
    # (openpyxl's stubs lack the custom document properties it reads, hence the ignore.)
    properties = {prop.name: str(prop.value) for prop in book.custom_doc_props.props}  # type: ignore[attr-defined]
    frames: dict[str, pd.DataFrame] = {}
    cells: RowCells = {}
    record_cells: dict[str, RecordCells] = {}
    tables = {name: sheet for sheet in book.worksheets for name in sheet.tables}
    for spec in input_tables():
        if spec.table not in tables:
            if MADE_BY_PROPERTY in properties and not tables:
                # Every table gone at once is a program that keeps no Excel tables (Gnumeric), not an edit.
                raise TechTradeError(f"{path}: holds none of the tool's tables, so its inputs cannot be read back "
                                     f"(it was saved last by {_saved_by(path)}, which keeps no Excel tables); "
                                     "save it from Excel or LibreOffice, or take back a copy the tool wrote")
            if MADE_BY_PROPERTY in properties:
                raise TechTradeError(f"{path}: the input table {spec.table} is missing (was it renamed or deleted?)")
            continue
        ref = tables[spec.table].tables[spec.table].ref
        if not _is_range(ref):
            raise TechTradeError(one_line(f"{path}: the input table {spec.table} on sheet "
                                          f"{quote_sheet_name(tables[spec.table].title)} has no range of cells "
                                          f"({ref!r}), so its inputs cannot be read"))
        frame, table_cells, record_cells[spec.schema.filename] = _read_table(tables[spec.table], spec)
        frames[spec.schema.filename] = frame
        cells.update(table_cells)
    setting_cells = _read_settings(path, book)
    settings = {name: cell.value for name, cell in setting_cells.items()}
    own = read_own(path, book, lambda: _values_book(path), properties, _key_headers())
    if own.has_formulas:
        own.inputs_digest = data_digest(frames, settings)
    places = {name: (sheet.title, str(sheet.tables[name].ref)) for name, sheet in tables.items()}
    return WorkbookInputs(path=path, frames=frames, settings=settings, setting_cells=setting_cells, cells=cells,
                          formula_counts=_formula_counts(book), properties=properties, own=own,
                          record_cells=record_cells, table_places=places)


def _values_book(path: Path) -> Workbook:
    """The workbook with the cached values of its formulas, read only when an own sheet has formulas."""
    from workbook.reading.openpyxl_reading import load_workbook, why_unread

    try:
        return load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file, as read_inputs says
        raise TechTradeError(f"{path}: its formulas' values cannot be read ({why_unread(path, error)})") from None


def _key_headers() -> dict[str, tuple[str, ...]]:
    """The headers of each input table's key columns, by which a note on a row is kept."""
    keys = {}
    for spec in input_tables():
        header_of = {column: header for header, column in spec.headers.items()}
        keys[spec.table] = tuple(header_of[column] for column in spec.schema.key
                                 if column in header_of and not (spec.wide_by_year and column == "year"))
    return keys


def _read_table(sheet: Worksheet, spec: InputTable) -> tuple[pd.DataFrame, RowCells, RecordCells]:
    rows = list(sheet[sheet.tables[spec.table].ref])
    headers = [str(cell.value).strip() if cell.value is not None else "" for cell in rows[0]]
    header_cells = dict(zip(headers, rows[0]))
    records: list[dict[str, object]] = []
    cells: RowCells = {}
    record_cells: RecordCells = []

    def place(cell: Cell | MergedCell, label: str, value: object) -> InputCell:
        return InputCell(sheet.title, cell.coordinate, label, value)

    for row in rows[1:]:
        by_header = dict(zip(headers, row))
        if spec.wide_by_year:
            keys = {spec.headers[h]: _plain(by_header[h].value) for h in headers if h in spec.headers}
            for header, cell in by_header.items():
                if header.isdigit() and cell.value not in (None, ""):
                    record = {**keys, "year": int(header), "value_usd": _plain(cell.value)}
                    records.append(record)
                    record_cells.append({
                        **{column: place(by_header[h], column, record[column]) for h, column in spec.headers.items()
                           if h in by_header},
                        "year": place(header_cells[header], "year", record["year"]),
                        "value_usd": place(cell, "value_usd", record["value_usd"])})
                    # A key column whose header was changed is blank, as in a table of one row a record.
                    key = tuple(record.get(k) for k in spec.schema.key)
                    cells[(spec.table, key)] = [InputCell(sheet.title, cell.coordinate,
                                                          _label(spec, key, "value_usd"), record["value_usd"])]
        else:
            record = {spec.headers[h]: _plain(cell.value) for h, cell in by_header.items() if h in spec.headers}
            if all(value in (None, "") for value in record.values()):
                continue  # an empty row left inside the table is no input
            records.append(record)
            record_cells.append({column: place(by_header[h], column, record[column])
                                 for h, column in spec.headers.items() if h in by_header})
            key = tuple(record.get(k) for k in spec.schema.key)
            cells[(spec.table, key)] = [InputCell(sheet.title, by_header[h].coordinate, _label(spec, key, column),
                                                  record[column])
                                        for h, column in spec.headers.items() if h in by_header]
    frame = pd.DataFrame(records, columns=spec.schema.column_names)
    return frame, cells, record_cells


def _label(spec: InputTable, key: RowKey, column: str) -> str:
    return f"{spec.table} {' '.join(str(part) for part in key if part not in (None, ''))} {column}".strip()


def _plain(value: object) -> object:
    """A cell value as the data files hold it: whole numbers as int, text stripped."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _read_settings(path: Path, book: Workbook) -> dict[str, InputCell]:
    """Each setting's cell, found by its defined name wherever it stands; a formula is no setting."""
    settings: dict[str, InputCell] = {}
    for setting in register.SETTINGS:
        defined = book.defined_names.get(setting.name)
        if defined is None:
            continue
        for sheet_name, coordinate in defined.destinations:
            coordinate = coordinate.replace("$", "")
            if sheet_name not in book.sheetnames or not _is_cell(coordinate):
                raise TechTradeError(one_line(f"{path}: the name {setting.name} (setting {setting.setting}) refers "
                                              f"to {sheet_name}!{coordinate}, which is not a cell of the workbook"))
            cell = book[sheet_name][coordinate]
            if cell.data_type == "f":
                continue
            settings[setting.setting] = InputCell(sheet_name, cell.coordinate, f"setting {setting.setting}",
                                                  _plain(cell.value))
    return settings


def _is_cell(coordinate: str) -> bool:
    """Whether ``coordinate`` is one cell inside a sheet's bounds, as "B3" is and "B3:C4" or "XFE1" are not."""
    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        row, column = coordinate_to_tuple(coordinate)
    except Exception:  # openpyxl raises ValueError for "1A", UnboundLocalError for ""
        return False
    return 1 <= row <= _LAST_ROW and 1 <= column <= _LAST_COLUMN


def _is_range(ref: object) -> bool:
    """Whether a table's ``ref`` is a range of cells ("A4:L1684", never one cell) inside a sheet's bounds."""
    from openpyxl.utils.cell import range_boundaries

    if not isinstance(ref, str) or ":" not in ref:
        return False
    try:
        first_col, first_row, last_col, last_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return False
    return all(bound is not None for bound in (first_col, first_row, last_col, last_row)) \
        and _is_cell(ref.split(":")[0]) and _is_cell(ref.split(":")[-1])


def _formula_counts(book: Workbook) -> dict[str, int]:
    return {sheet.title: sum(1 for row in sheet.iter_rows() for cell in row if cell.data_type == "f")
            for sheet in book.worksheets}


def _canonical(value: object) -> object:
    """Values compared as the data means them: 1105483, 1105483.0 and "1105483" differ in type
    only in the file; a blank and an empty string are the same."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return repr(float(value))
    return str(value)


def canonical_frame(frame: pd.DataFrame, schema: FileSchema) -> list[list[object]]:
    """The table's rows as lists of canonical values, sorted by the canonical values of its key."""
    return _canonical_rows(frame.iloc[_key_order(frame, schema)], schema)


def _canonical_rows(frame: pd.DataFrame, schema: FileSchema) -> list[list[object]]:
    return [list(row) for row in zip(*(_canonical_column(frame[name]) for name in schema.column_names))]


def _key_order(frame: pd.DataFrame, schema: FileSchema) -> np.ndarray:
    """Positions of the rows sorted by their key's canonical values (all text), stably."""
    codes = [pd.factorize(np.asarray(_canonical_column(frame[name]), dtype=object), sort=True)[0]
             for name in schema.key]
    return np.lexsort(codes[::-1])


def _canonical_json(frame: pd.DataFrame, schema: FileSchema) -> Iterator[bytes]:
    """``json.dumps(canonical_frame(frame, schema))``, encoded, a few thousand rows at a time."""
    order = _key_order(frame, schema)
    yield b"["
    for start in range(0, len(order), _JSON_ROWS):
        yield (", " if start else "").encode()
        yield json.dumps(_canonical_rows(frame.iloc[order[start:start + _JSON_ROWS]], schema))[1:-1].encode()
    yield b"]"


def _canonical_column(values: pd.Series) -> list[object]:
    """``_canonical`` of each value of a column, as fast as its type allows.

    Value by value, a Census table near a sheet's million rows took over ten seconds and
    hundreds of MiB. Whole numbers and text are worked out once per distinct value; a
    column of mixed types (read back from an edited workbook) still goes value by value.
    """
    numpy_typed = not pd.api.types.is_extension_array_dtype(values.dtype)
    if (numpy_typed and values.dtype.kind in "iu") or isinstance(values.dtype, pd.StringDtype):
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        # A missing value (code -1) takes the last entry: blank.
        canonical = [_canonical(value) for value in distinct.tolist()] + [""]
        return [canonical[code] for code in codes.tolist()]
    if numpy_typed and values.dtype.kind == "f":
        if not values.hasnans:
            return list(map(repr, values.tolist()))
        return ["" if value != value else repr(value) for value in values.tolist()]
    return [_canonical(value) for value in values.tolist()]


def fingerprint(frames: dict[str, pd.DataFrame], settings: dict[str, object], formula_counts: dict[str, int]) -> str:
    """SHA-256 of the inputs and of where formulas stand: it changes with any edited
    input, added row or formula typed over, and not when a program merely re-saves."""
    schemas = {spec.schema.filename: spec.schema for spec in input_tables()}
    # The SHA-256 of json.dumps({"formulas": ..., "settings": ..., "tables": ...}, sort_keys=True),
    # fed piece by piece: the JSON of a million-row table never exists whole.
    head = json.dumps({"formulas": dict(sorted(formula_counts.items())),
                       "settings": {name: _canonical(value) for name, value in sorted(settings.items())}},
                      sort_keys=True)
    digest = hashlib.sha256(head[:-1].encode() + b', "tables": {')
    for position, (name, frame) in enumerate(sorted(frames.items())):
        digest.update((", " if position else "").encode() + json.dumps(name).encode() + b": ")
        for piece in _canonical_json(frame, schemas[name]):
            digest.update(piece)
    digest.update(b"}}")
    return digest.hexdigest()


def data_digest(frames: dict[str, pd.DataFrame], settings: dict[str, object]) -> str:
    """The fingerprint of the inputs alone, whatever sheets and formulas hold them."""
    return fingerprint(frames, settings, {})


def partial_years_property(partial_years: dict[int, str]) -> str:
    return "; ".join(f"{year} {month}" for year, month in sorted(partial_years.items()))


def partial_years_from_property(text: str | None) -> dict[int, str]:
    """:data:`PARTIAL_YEARS_PROPERTY` read back; what is not "YEAR Month" is left to the data checks (a year 0)."""
    partial: dict[int, str] = {}
    for entry in filter(None, (part.strip() for part in (text or "").split(";"))):
        year, _, month = entry.partition(" ")
        partial[int(year) if year.isdigit() else 0] = month.strip()
    return partial


def made_by_properties(checksum: str) -> dict[str, str]:
    return {MADE_BY_PROPERTY: __version__, FINGERPRINT_PROPERTY: checksum}
