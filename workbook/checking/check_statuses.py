"""What the Checks sheet says after recalculation: identities that do not hold, and published
figures that differ from the workbook's without a known reason.

The sheet's statuses are formulas, so they are read from a recalculated copy (LibreOffice's,
or IronCalc's values where LibreOffice is not installed), never from the cached values of
the file, which a program that does not calculate may have left stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.utils.cell import get_column_letter

from workbook.checking.findings import Finding, FoundBy
from workbook.model.keys import Status
from workbook.writing.register import IDENTITY_CHECKS, PUBLISHED_CHECKS
from workbook.writing.words import status_word
from workbook.spreadsheet import quote_sheet_name, range_bounds
from workbook.templates_loader import wording

#: Reads a block of cells: (sheet, first row, first column, last row, last column), from 1 -> rows of values.
RangeReader = Callable[[str, int, int, int, int], Sequence[Sequence[object]]]


def status_problems(table_places: dict[str, tuple[str, str]], read: RangeReader, engine: str) -> list[Finding]:
    """The published figures that differ without a known reason, then the identities that do not hold,
    as ``engine`` recalculated them."""
    words = wording("checks")
    problems: list[Finding] = []
    for row in _rows(table_places, PUBLISHED_CHECKS.name, read):
        columns = words["columns"]
        if row.get(columns["status"]) == status_word(Status.DIFFERS) and not row.get(columns["reason"]):
            problems.append(Finding(
                row.location(columns["status"]),
                f"{row.get(columns['check'])}: the workbook's {_shown(row.get(columns['workbook']))} differs from the "
                f"published {_shown(row.get(columns['published']))} without a known reason (after recalculation "
                f"in {engine})", FoundBy.STATUSES, engines=(engine,)))
    broken = status_word(Status.BROKEN)
    for row in _rows(table_places, IDENTITY_CHECKS.name, read):
        columns = words["identity_columns"]
        if row.get(columns["status"]) == broken:
            problems.append(Finding(
                row.location(columns["status"]),
                f"{row.get(columns['identity'])}: {broken}, left side {_shown(row.get(columns['left']))}, "
                f"right side {_shown(row.get(columns['right']))} (after recalculation in {engine})", FoundBy.STATUSES,
                engines=(engine,)))
    return problems


@dataclass(frozen=True)
class _Row:
    sheet: str
    row: int
    #: Header -> (column from 1, value).
    cells: dict[str, tuple[int, object]]

    def get(self, header: str) -> object:
        return self.cells.get(header, (0, None))[1]

    def location(self, header: str) -> str:
        column = self.cells[header][0] if header in self.cells else 1
        return f"{quote_sheet_name(self.sheet)}!{get_column_letter(column)}{self.row}"


def _rows(table_places: dict[str, tuple[str, str]], table: str, read: RangeReader) -> list[_Row]:
    if table not in table_places:
        return []
    sheet, ref = table_places[table]
    first_column, first_row, last_column, last_row = range_bounds(ref)
    block = read(sheet, first_row, first_column, last_row, last_column)
    if not block:
        return []
    headers = [str(value).strip() if value is not None else "" for value in block[0]]
    return [_Row(sheet, first_row + offset,
                 {header: (first_column + index, value) for index, (header, value) in enumerate(zip(headers, values))})
            for offset, values in enumerate(block[1:], start=1)]


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"
    return repr(value) if isinstance(value, str) else str(value)
