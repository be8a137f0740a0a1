"""Check a finished workbook the way its readers will meet it.

Two things go wrong unseen when a workbook is written by a program:

* a formula's cached result (what viewers that never calculate show) is not what
  the formula computes, or the formula computes an error in some spreadsheet;
* the XML breaks the Office Open XML schema, and Excel offers to "repair" it.

So the check recalculates the workbook in LibreOffice and compares every formula
with its cached result, then runs the Open XML SDK validator.
"""

from __future__ import annotations

import datetime
import math
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from workbook import libreoffice, progress, validator
from workbook.errors import TechTradeError
from workbook.safe_read import check_workbook_file
from workbook.spreadsheet import ERROR_VALUES, quote_sheet_name

#: LibreOffice's own errors ("Err:502") when it has no Excel error value for them.
_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")

#: Numbers agree when this close: LibreOffice writes 15 significant digits, Python keeps 17.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9

#: A chart's helper cell leaves a missing figure out of its chart with #N/A (drawn as a gap):
#: a formula calling NA() whose cached result is #N/A, as LibreOffice's is, meant it.
_DELIBERATE_GAP = re.compile(r"\bNA\(\)", re.IGNORECASE)

# Results that change on every calculation cannot be compared with a cached one.
_VOLATILE_FUNCTION = re.compile(r"\b(NOW|TODAY|RAND|RANDBETWEEN|RANDARRAY)\s*\(", re.IGNORECASE)

# openpyxl drops what it cannot keep (data bars, sparklines, shapes) and says so;
# the check only reads values and never saves, so nothing it needs is lost.
_HARMLESS_OPENPYXL_WARNINGS = (
    r".* extension is not supported and will be removed",
    r"DrawingML support is incomplete",
    r"Cannot parse header or footer",
    r"Workbook contains no default style",
    r"Failed to load a conditional formatting rule",
)

_LONGEST_FORMULA_SHOWN = 80


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (``States!C5``, or a part and XPath) and what is wrong."""

    location: str
    message: str
    schema: bool = False
    #: A known quirk of another program's output, reported but not counted as a problem.
    note: bool = False

    def __str__(self) -> str:
        prefix = "schema: " if self.schema else ""
        return f"{prefix}{self.location}: {self.message}"


def check_workbook(path: Path, office_version: str | None = None) -> list[Problem]:
    """Every problem found in the workbook at ``path``; an empty list means none.

    Cell problems come first, in sheet order, then row, then column; schema
    problems follow, in the validator's order. Formulas with NOW, TODAY or RAND
    are checked for errors only: their results change on every calculation.
    """
    path = Path(path)
    with progress.step(f"opened {path} safely (a zip within limits, no DTD, macros or external links)"):
        # Before openpyxl or LibreOffice reads a byte of it.
        check_workbook_file(path)
    with progress.step("read the formulas and their cached values"):
        formulas = _load(path, data_only=False)
        cached = _load(path, data_only=True)
    # Fail before spending time if either tool is missing or the version is unknown.
    libreoffice.find_soffice()
    validator.find_validator()
    validator.check_office_version(office_version)
    with (progress.step("recalculated every formula in LibreOffice"),
          tempfile.TemporaryDirectory(prefix="tech-trade-check-") as out_dir):
        recalculated = _load(libreoffice.recalculate(path, Path(out_dir)), data_only=True)
    problems = list(_cell_problems(formulas, cached, recalculated))
    with progress.step("validated against the Office Open XML schema") as step:
        findings = validator.validate(path, office_version)
        step.result = f"{len(findings)} finding(s)"
    problems += [_schema_problem(finding) for finding in findings]
    return problems


def values_agree(cached: object, recalculated: object) -> bool:
    """Whether a recalculated result matches the cached one a viewer would show."""
    cached, recalculated = _comparable(cached), _comparable(recalculated)
    if isinstance(cached, bool) or isinstance(recalculated, bool):
        # bool is an int in Python, but TRUE and 1 are different results.
        return type(cached) is type(recalculated) and cached == recalculated
    if _is_number(cached) and _is_number(recalculated):
        return math.isclose(cached, recalculated, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return cached == recalculated


def is_error_value(value: object, is_formula: bool = True) -> bool:
    """Whether a cell value read by openpyxl is a spreadsheet error."""
    if not isinstance(value, str):
        return False
    # A text constant may say "#N/A"; only a formula's result is an error.
    return is_formula and (value in ERROR_VALUES or bool(_LIBREOFFICE_ERROR.match(value)))


def is_deliberate_gap(formula: str | None, cached: object, recalculated: object) -> bool:
    """Whether an #N/A is a chart's gap the workbook asked for: NA() in the formula, #N/A cached and recalculated."""
    return bool(formula) and bool(_DELIBERATE_GAP.search(formula)) and cached == "#N/A" and recalculated == "#N/A"


def _load(path: Path, data_only: bool) -> Workbook:
    with warnings.catch_warnings():
        for message in _HARMLESS_OPENPYXL_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning, module=r"openpyxl\.")
        try:
            return openpyxl.load_workbook(path, data_only=data_only)
        # A zip that is not a workbook lacks parts (KeyError) or holds malformed XML (SyntaxError).
        except (KeyError, ValueError, SyntaxError, OSError, zipfile.BadZipFile, InvalidFileException) as error:
            raise TechTradeError(f"{path}: not an .xlsx workbook ({error})") from None


def _cell_problems(formulas: Workbook, cached: Workbook, recalculated: Workbook) -> Iterator[Problem]:
    for sheet in formulas.worksheets:
        if sheet.title not in recalculated.sheetnames:
            yield Problem(quote_sheet_name(sheet.title), "sheet missing after recalculation in LibreOffice")
            continue
        yield from _sheet_problems(sheet, cached[sheet.title], recalculated[sheet.title])


def _sheet_problems(formulas: Worksheet, cached: Worksheet, recalculated: Worksheet) -> Iterator[Problem]:
    formula_text = _formulas_by_position(formulas)
    positions = set(formula_text) | set(_error_positions(recalculated, formula_text))
    for row, column in sorted(positions):
        location = f"{quote_sheet_name(formulas.title)}!{get_column_letter(column)}{row}"
        problem = _cell_problem(
            formula_text.get((row, column)),
            cached.cell(row, column).value,
            recalculated.cell(row, column),
        )
        if problem is not None:
            yield Problem(location, problem)


def _cell_problem(formula: str | None, cached: object, recalculated: Cell) -> str | None:
    """What is wrong with one cell, or None."""
    shown = f" ({_shorten(formula)})" if formula else ""
    if is_deliberate_gap(formula, cached, recalculated.value):
        return None
    if _is_error_cell(recalculated, formula is not None):
        return f"error {recalculated.value} after recalculation{shown}"
    if formula is None or _VOLATILE_FUNCTION.search(formula):
        return None
    if not values_agree(cached, recalculated.value):
        return (f"recalculated value {_describe(recalculated.value)} differs from "
                f"cached value {_describe(cached)}{shown}")
    return None


def _formulas_by_position(sheet: Worksheet) -> dict[tuple[int, int], str]:
    """(row, column) → formula text, for every cell a formula computes.

    An array formula is stored once, in its first cell, but computes every cell
    of its range.
    """
    formulas: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, ArrayFormula):
                for position in _positions(cell.value.ref or cell.coordinate):
                    formulas[position] = f"{{{cell.value.text}}}"
            elif isinstance(cell.value, DataTableFormula):
                formulas[(cell.row, cell.column)] = "data table"
            elif cell.data_type == "f":
                formulas.setdefault((cell.row, cell.column), str(cell.value))
    return formulas


def _positions(reference: str) -> Iterator[tuple[int, int]]:
    min_column, min_row, max_column, max_row = range_boundaries(reference)
    for row in range(min_row, max_row + 1):
        for column in range(min_column, max_column + 1):
            yield row, column


def _error_positions(sheet: Worksheet, formulas: dict[tuple[int, int], str]) -> Iterator[tuple[int, int]]:
    for row in sheet.iter_rows():
        for cell in row:
            if _is_error_cell(cell, (cell.row, cell.column) in formulas):
                yield cell.row, cell.column


def _is_error_cell(cell: Cell, is_formula: bool) -> bool:
    return cell.data_type == "e" or is_error_value(cell.value, is_formula)


def _schema_problem(finding: dict) -> Problem:
    where = finding.get("path") or {}
    part = str(where.get("partUri", "")).lstrip("/") or "package"
    location = f"{part} {where.get('xpath', '')}".strip()
    message = f"{finding.get('description', 'no description')} [{finding.get('id', 'unknown')}]"
    return Problem(location, _one_line(message), schema=True, note=is_known_writer_quirk(finding))


def is_known_writer_quirk(finding: dict) -> bool:
    """A schema finding that is another program's habit, not a fault of the workbook's content.

    LibreOffice 7.4 saves every sparkline group with Excel's own revision id
    (``xr2:uid``, from the 2015 revision2 namespace that Excel itself writes)
    without declaring that namespace ignorable; the strict schema then calls the
    attribute undeclared. Excel reads such files; the tool's own builds never have it.
    """
    xpath = str((finding.get("path") or {}).get("xpath", ""))
    return (finding.get("id") == "Sch_UndeclaredAttribute" and "x14:sparklineGroup" in xpath
            and "/2015/revision2:uid'" in str(finding.get("description", "")))


def _comparable(value: object) -> object:
    """Dates and times as Excel serial numbers: openpyxl converts cells by their number format."""
    if value == "":
        return None
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        return to_excel(value)
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _shorten(formula: str) -> str:
    formula = _one_line(formula)
    if len(formula) > _LONGEST_FORMULA_SHOWN:
        return formula[: _LONGEST_FORMULA_SHOWN - 1] + "…"
    return formula


def _one_line(text: str) -> str:
    return " ".join(text.split())
