"""A workbook's inputs checked as ``extract`` checks them, every problem named by its sheet and cell.

``extract`` writes the input tables and settings as data files and loads them as ``build``
loads ``data/``, which stops at the first problem. ``check`` must find no less, and say all
of it: here the same files are written (in the workbook's order, not sorted) and loaded the
same way, and after each problem the records it concerns are set aside and the files loaded
again, until they pass. A problem's line in a data file leads back to the cell it came from.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbook import progress
from workbook.checking.findings import Finding, FoundBy
from workbook.dataset.data_files import write_data_file
from workbook.errors import InputError
from workbook.reading.inputs import InputCell, RecordCells, WorkbookInputs, input_tables
from workbook.dataset.load import load_dataset
from workbook.dataset.schema import SETTINGS, FileSchema
from workbook.spreadsheet import quote_sheet_name

#: Problems reported at most; a workbook with more has a systematic fault, which the first ones show.
MOST_PROBLEMS = 200
#: A data file's line named in a check's message ("the same year, state_code, naics3 as row 150").
_OTHER_ROW = re.compile(r"\bas row (\d+)\b")


@dataclass
class _Table:
    """One data file being checked: its schema, its records and where each came from."""

    schema: FileSchema
    #: What a problem is about: "the CensusExports table", "the settings".
    name: str
    #: Where a problem that names no record stands: the table's range, or its sheet.
    place: str
    frame: pd.DataFrame
    cells: RecordCells


def input_problems(inputs: WorkbookInputs) -> list[Finding]:
    """Every input of ``inputs`` that breaks the data schema, in the order the data checks meet them."""
    tables = _tables(inputs)
    problems: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="tech-trade-check-inputs-") as staging_name:
        staging = Path(staging_name)
        for table in tables.values():
            write_data_file(table.frame, table.schema, staging, sort=False)
        for _ in range(MOST_PROBLEMS):
            try:
                # Loaded again after each problem: its steps would bury the check's own.
                with progress.quiet():
                    load_dataset(staging)
                return problems
            except InputError as error:
                failing = tables.get(Path(error.file).name)
                if failing is None:
                    problems.append(_input_finding(str(inputs.path), _message(error, "the data")))
                    return problems
                found = _problem(error, failing, staging / failing.schema.filename)
                if found is None:
                    # A fault of the whole table (no rows at all): nothing further can be read from it;
                    # unless every record was set aside, when its faults were said already.
                    if not (failing.frame.empty and problems):
                        problems.append(_input_finding(failing.place, _message(error, failing.name)))
                    return problems
                problems.append(found)
                write_data_file(failing.frame, failing.schema, staging, sort=False)
    problems.append(_input_finding(str(inputs.path), f"more inputs may break the data checks than the {MOST_PROBLEMS} "
                                                     "above: correct those and check again"))
    return problems


def _input_finding(location: str, message: str) -> Finding:
    """One input that does not pass the data checks: its cell (``'Census exports'!K17``) and what is wrong."""
    return Finding(location, message, FoundBy.INPUTS)


def _problem(error: InputError, table: _Table, path: Path) -> Finding | None:
    """The problem at the cell of the record ``error`` names, which is then set aside; None if it names none."""
    record = _record_at(path, error.row)
    if record is None or record >= len(table.cells):
        return None
    cell, column = _cell_of(table, record, error.column)
    # "the same key as row 150" names a line of the data file: the cell of that record says more.
    error.expected = _OTHER_ROW.sub(lambda found: "as " + _other_cell(table, path, int(found[1]), column),
                                    error.expected)
    _set_aside(table, cell, column)
    return _input_finding(_location(cell), _message(error, table.name))


def _tables(inputs: WorkbookInputs) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for spec in input_tables():
        filename = spec.schema.filename
        if filename not in inputs.frames:
            continue
        sheet, ref = inputs.table_places.get(spec.table, ("", ""))
        tables[filename] = _Table(spec.schema, f"the {spec.table} table",
                                  f"{quote_sheet_name(sheet)}!{ref}" if sheet else spec.table,
                                  inputs.frames[filename].reset_index(drop=True), list(inputs.record_cells[filename]))
    if not inputs.settings:
        return tables
    settings = pd.DataFrame({"setting": list(inputs.settings), "value": list(inputs.settings.values())})
    setting_cells: RecordCells = [{"setting": inputs.setting_cells[name], "value": inputs.setting_cells[name]}
                                  for name in inputs.settings]
    tables[SETTINGS.filename] = _Table(SETTINGS, "the settings", "the settings (Cover and Notes)", settings,
                                       setting_cells)
    return tables


def _other_cell(table: _Table, path: Path, line: int, column: str) -> str:
    record = _record_at(path, line)
    if record is None or record >= len(table.cells):
        return f"line {line} of its data file"
    cells = table.cells[record]
    return _location(cells[column] if column in cells else next(iter(cells.values())))


def _location(cell: InputCell) -> str:
    return f"{quote_sheet_name(cell.sheet)}!{cell.cell}"


def _record_at(path: Path, line: int | None) -> int | None:
    """The record (from 0, after the header) that starts on ``line`` of the data file, or None."""
    if line is None:
        return None
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    start, record = 1, -1
    for fields in reader:
        if fields:
            if start == line:
                return record if record >= 0 else None
            record += 1
        start = reader.line_num + 1
    return None


def _cell_of(table: _Table, record: int, column: str | None) -> tuple[InputCell, str]:
    """The cell of ``record`` a problem in ``column`` is about, and that column.

    A duplicate key names several columns ("year,state_code,naics3"): its row is named by
    its first key cell in the row (a Census table's year stands in its column's header).
    """
    cells = table.cells[record]
    names = column.split(",") if column else []
    for name in [name for name in names if name != "year"] + names:
        if name in cells:
            return cells[name], name
    first = next(iter(cells))
    return cells[first], first


def _set_aside(table: _Table, cell: InputCell, column: str) -> None:
    """Leave out every record read from ``cell`` (a state code stands for every year of its row)."""
    keep = [index for index, cells in enumerate(table.cells)
            if not (column in cells and (cells[column].sheet, cells[column].cell) == (cell.sheet, cell.cell))]
    table.frame = table.frame.iloc[keep].reset_index(drop=True)
    table.cells = [table.cells[index] for index in keep]


def _message(error: InputError, table: str) -> str:
    column = f" {error.column}" if error.column else ""
    found = "" if error.value is None else f"{_shown(error.value)!r}: "
    return f"{table}{column}: {found}{error.expected}"


def _shown(value: object, limit: int = 60) -> object:
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}… ({len(value):,} characters)"
    return value
