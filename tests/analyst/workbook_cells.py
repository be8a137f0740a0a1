"""Where things are in a built workbook, and comparing what two workbooks show."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries

from helpers import open_workbook, run_cli

#: Numbers agree when this close (LibreOffice keeps 15 significant digits).
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Table:
    """An Excel table's place: its sheet, header row, data rows and headers (1-based rows)."""

    name: str
    sheet: str
    first_col: int
    header_row: int
    last_col: int
    last_row: int
    headers: tuple[str, ...]

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    def column_letter(self, header: str) -> str:
        return get_column_letter(self.first_col + self.headers.index(str(header)))

    @property
    def last_column_letter(self) -> str:
        return get_column_letter(self.last_col)

    @property
    def first_column_letter(self) -> str:
        return get_column_letter(self.first_col)

    def whole(self, extra_rows: int = 0) -> str:
        """The header and data rows, with ``extra_rows`` more rows (after inserting some)."""
        return (f"{self.first_column_letter}{self.header_row}:"
                f"{self.last_column_letter}{self.last_row + extra_rows}")


def tables(path: Path) -> dict[str, Table]:
    book = open_workbook(path)
    found = {}
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            headers = tuple(str(sheet.cell(min_row, col).value) for col in range(min_col, max_col + 1))
            found[table.name] = Table(table.name, sheet.title, min_col, min_row, max_col, max_row, headers)
    return found


def extract_and_build(saved: Path, folder: Path) -> Path:
    """``extract`` a saved workbook into FOLDER/data, ``build`` from it, and return the new workbook."""
    data = folder / "data"
    result = run_cli("extract", saved, "--out", data)
    assert result.returncode == 0, result.stderr
    rebuilt = folder / "rebuilt.xlsx"
    result = run_cli("build", "--data", data, "--out", rebuilt)
    assert result.returncode == 0, result.stderr
    return rebuilt


def row_of(path: Path, table: Table, *keys: object) -> int:
    """The sheet row of the table row whose first cells are ``keys``."""
    sheet = open_workbook(path)[table.sheet]
    for row in range(table.first_row, table.last_row + 1):
        values = [sheet.cell(row, table.first_col + offset).value for offset in range(len(keys))]
        if values == list(keys):
            return row
    raise KeyError(f"no row {keys} in {table.name}")


def formula_cell(path: Path, sheet_name: str, text: str) -> str:
    """The cell of ``sheet_name`` whose formula contains ``text``."""
    sheet = open_workbook(path)[sheet_name]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=") and text in cell.value:
                return cell.coordinate
    raise KeyError(f"no formula with {text!r} on {sheet_name}")


def table_records(path: Path, name: str, key: str | tuple[str, ...]) -> dict:
    """A table's rows as the workbook shows them (cached values), as {key: {header: value}}."""
    book = open_workbook(path, data_only=True)
    for sheet in book.worksheets:
        if name in sheet.tables:
            block = [[cell.value for cell in row] for row in sheet[sheet.tables[name].ref]]
            return records([[str(header) for header in block[0]], *block[1:]], key)
    raise KeyError(f"no table {name} in {path}")


def named_values(path: Path) -> dict[str, object]:
    """The value (cached) of every defined name of one cell."""
    book = open_workbook(path, data_only=True)
    values = {}
    for name, defined in book.defined_names.items():
        for sheet, coordinate in defined.destinations:
            values[name] = book[sheet][coordinate.replace("$", "")].value
    return values


def records(block: list[list], key: str | tuple[str, ...]) -> dict:
    """A block read with its header row, as {key: {header: value}}."""
    headers, *rows = block
    keys = (key,) if isinstance(key, str) else key
    result = {}
    for row in rows:
        record = dict(zip(headers, row))
        found = tuple(_key_value(record[name]) for name in keys)
        result[found[0] if isinstance(key, str) else found] = record
    return result


def _key_value(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def same_value(left: object, right: object) -> bool:
    left, right = _comparable(left), _comparable(right)
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    return left == right


def _comparable(value: object) -> object:
    # A formula's empty text and an empty cell look alike to a reader.
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return value


def cell_differences(left: Path, right: Path, sheets: list[str]) -> list[tuple[str, int, int, object, object]]:
    """Every cell of ``sheets`` whose value (cached) differs between the two workbooks:
    (sheet, row, column, left value, right value)."""
    first, second = open_workbook(left, data_only=True), open_workbook(right, data_only=True)
    differences = []
    for name in sheets:
        a, b = first[name], second[name]
        # Measured once per sheet: openpyxl counts max_row and max_column over every cell each time
        # they are read (read per row, they made one comparison of the workbook a minute's work).
        rows, columns = max(a.max_row, b.max_row), max(a.max_column, b.max_column)
        for row in range(1, rows + 1):
            for col in range(1, columns + 1):
                x, y = a.cell(row, col).value, b.cell(row, col).value
                if not same_value(x, y):
                    differences.append((name, row, col, x, y))
    return differences


def sheet_differences(left: Path, right: Path, sheets: list[str]) -> list[str]:
    """``cell_differences`` as lines to read in a failed assertion."""
    return [f"{name}!{get_column_letter(col)}{row}: {x!r} != {y!r}"
            for name, row, col, x, y in cell_differences(left, right, sheets)]


#: What ``check`` notes about every file LibreOffice saves: faults of its way of saving, not of the workbook.
LIBREOFFICE_NOTES = ("LibreOffice's way of saving sparklines",
                     "lost their alternative text when LibreOffice saved the file")


def is_libreoffice_note(note: str) -> bool:
    return any(known in note for known in LIBREOFFICE_NOTES)


def check_findings(path: Path) -> tuple[int, list[str], list[str]]:
    """``tech-trade check``: exit status, its problems, and its notes on LibreOffice's own output."""
    result = run_cli("check", path)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    problems = [line for line in lines if not line.startswith(str(path))]
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, problems, notes
