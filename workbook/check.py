"""Check a finished workbook the way its readers will meet it.

Two things go wrong unseen when a workbook is written by a program:

* a formula's cached result (what viewers that never calculate show) is not what
  the formula computes, or the formula computes an error in some spreadsheet;
* the XML breaks the Office Open XML schema, and Excel offers to "repair" it.

So the check recalculates the workbook in LibreOffice and compares every formula
with its cached result, and runs the Open XML SDK validator meanwhile (on a copy
without the rows it checks itself, :mod:`workbook.validation_copy`).
"""

from __future__ import annotations

import contextlib
import datetime
import math
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard, cast

from openpyxl.cell.read_only import EMPTY_CELL, EmptyCell, ReadOnlyCell
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from workbook import libreoffice, progress, validator
from workbook.accessibility import AccessibilityProblem, accessibility_problems
from workbook.errors import TechTradeError
from workbook.ods import check_ods, is_ods
from workbook.openpyxl_reading import load_workbook
from workbook.safe_read import check_workbook_file
from workbook.spreadsheet import ERROR_VALUES, quote_sheet_name, range_bounds
from workbook.validation_copy import worksheet_parts_by_title

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


#: A finding of the check: a cell or schema problem, or an accessibility finding (which reads alike).
Finding = Problem | AccessibilityProblem


def check_workbook(path: Path, office_version: str | None = None, recalculated: Path | None = None) -> list[Finding]:
    """Every problem found in the workbook at ``path``; an empty list means none.

    Cell problems come first, in sheet order, then row, then column; schema
    problems follow, in the validator's order. Formulas with NOW, TODAY or RAND
    are checked for errors only: their results change on every calculation.

    ``recalculated`` is a copy of the workbook that a spreadsheet has already
    recalculated fully and saved (the add-in's, from the Calc the workbook is open
    in): its values are compared, and no LibreOffice is started.
    """
    path = Path(path)
    if is_ods(path):
        # An OpenDocument spreadsheet is read through LibreOffice (workbook/ods.py).
        return check_ods(path, recalculated)
    with progress.step(f"opened {path} safely (a zip within limits, no DTD, macros or external links)"):
        # Before openpyxl or LibreOffice reads a byte of it.
        check_workbook_file(path)
        if recalculated is not None:
            check_workbook_file(Path(recalculated))
    # A workbook at all? openpyxl reads its workbook part (not yet a sheet) before any tool starts.
    _load(path, data_only=False, read_only=True).close()
    # Fail before spending time if either tool is missing or the version is unknown.
    if recalculated is None:
        libreoffice.find_soffice()
    validator.find_validator()
    validator.check_office_version(office_version)
    with (tempfile.TemporaryDirectory(prefix="tech-trade-check-") as out_dir,
          contextlib.ExitStack() as running):
        # LibreOffice and the validator are programs of their own: they work side by side,
        # and beside the reading of the workbook here.
        with progress.step("started LibreOffice and the schema validator side by side") as step:
            recalculation: Callable[[], Path]
            if recalculated is None:
                recalculation = running.enter_context(libreoffice.recalculation_started(path, Path(out_dir)))
            else:
                # The copy given is the recalculated workbook.
                already = Path(recalculated)
                recalculation = lambda: already
            validation = running.enter_context(validator.validation_started(path, office_version))
            if validation.left_out is not None:
                step.result = (f"the rows of {len(validation.left_out.sheets_checked_here)} sheet(s) checked here "
                               f"rather than by the validator")
        with progress.step("read the formulas and their cached values") as step:
            formulas = _Sheets.read(path)
            step.result = f"{formulas.sheets_read} sheet(s) with formulas of {len(formulas.cells)}"
        with progress.step("recalculated every formula in LibreOffice"):
            recalculated_cells = _Sheets.read(recalculation(), recalculated=True, formulas=formulas)
        problems: list[Finding] = list(_cell_problems(formulas, recalculated_cells))
        with progress.step("validated against the Office Open XML schema") as step:
            findings = validation.findings()
            step.result = f"{len(findings)} finding(s)"
    problems += [_schema_problem(finding) for finding in findings]
    with progress.step("looked for accessibility problems (alternative text, tables, titles, contrast)"):
        problems += accessibility_problems(path)
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
    return bool(formula and _DELIBERATE_GAP.search(formula)) and cached == "#N/A" and recalculated == "#N/A"


def _load(path: Path, data_only: bool, read_only: bool = False) -> Workbook:
    with warnings.catch_warnings():
        for message in _HARMLESS_OPENPYXL_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning, module=r"openpyxl\.")
        try:
            return load_workbook(path, data_only=data_only, read_only=read_only)
        # A zip that is not a workbook lacks parts (KeyError) or holds malformed XML (SyntaxError).
        except (KeyError, ValueError, SyntaxError, OSError, zipfile.BadZipFile, InvalidFileException) as error:
            raise TechTradeError(f"{path}: not an .xlsx workbook ({error})") from None


# A formula (``<f>``, any prefix) and an error result (``t="e"``) in a sheet's XML: a sheet
# with neither can have no problem, so its cells are never read.
_FORMULA_MARK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_ERROR_MARK = re.compile(rb"\bt\s*=\s*[\"']e[\"']")


@dataclass
class _Sheets:
    """The cells the check needs from a workbook, by sheet title and (row, column).

    From the workbook checked: every formula's text and its cached value. From its
    recalculated copy: the cell at each of those positions, and every error cell.
    Sheets are read one row at a time (openpyxl's read-only mode), and only those whose
    XML holds a formula or an error value.
    """

    titles: list[str]
    cells: dict[str, dict[tuple[int, int], object]]
    formulas: dict[str, dict[tuple[int, int], str]]
    sheets_read: int

    @classmethod
    def read(cls, path: Path, recalculated: bool = False, formulas: _Sheets | None = None) -> _Sheets:
        with zipfile.ZipFile(path) as archive:
            parts = worksheet_parts_by_title(archive)
            marks = {title: _marked(archive, part, _ERROR_MARK if recalculated else _FORMULA_MARK)
                     for title, part in parts.items()}
        book = _load(path, data_only=recalculated, read_only=True)
        values = None if recalculated else _load(path, data_only=True, read_only=True)
        try:
            texts: dict[str, dict[tuple[int, int], str]] = {}
            cells: dict[str, dict[tuple[int, int], object]] = {}
            read = 0
            for sheet in book.worksheets:
                wanted = formulas.formulas.get(sheet.title, {}) if formulas is not None else {}
                texts[sheet.title], cells[sheet.title] = {}, {}
                # A sheet whose part was not found is read, to be safe.
                if not (marks.get(sheet.title, True) or wanted):
                    continue
                read += 1
                if recalculated:
                    cells[sheet.title] = _recalculated_cells(sheet, wanted)
                else:
                    texts[sheet.title] = _formulas_by_position(sheet)
                    # (values is the workbook read for its cached values, whenever not recalculated.)
                    if texts[sheet.title] and values is not None:
                        cells[sheet.title] = _values_at(values[sheet.title], texts[sheet.title])

            return cls(book.sheetnames if recalculated else [sheet.title for sheet in book.worksheets],
                       cells, texts, read)
        finally:
            book.close()
            if values is not None:
                values.close()


def _marked(archive: zipfile.ZipFile, part: str, mark: re.Pattern[bytes]) -> bool:
    try:
        return mark.search(archive.read(part)) is not None
    except (KeyError, OSError, zipfile.BadZipFile):
        return True


def _rows(sheet: ReadOnlyWorksheet) -> Iterator[ReadOnlyCell]:
    """Every cell a read-only sheet holds, whatever its stated dimensions say."""
    with warnings.catch_warnings():
        for message in _HARMLESS_OPENPYXL_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning, module=r"openpyxl\.")
        # The dimensions a file states may be wrong; unset, every row is read.
        sheet.reset_dimensions()
        # openpyxl's stubs give a read-only sheet the rows of an ordinary one; its rows hold
        # ReadOnlyCell, and EMPTY_CELL where a row has a gap.
        rows = cast(Iterator[tuple[ReadOnlyCell | EmptyCell, ...]], sheet.rows)
        for row in rows:
            for cell in row:
                if cell is not EMPTY_CELL:
                    yield cast(ReadOnlyCell, cell)


def _values_at(sheet: ReadOnlyWorksheet, positions: dict[tuple[int, int], str]) -> dict[tuple[int, int], object]:
    return {(cell.row, cell.column): cell.value for cell in _rows(sheet) if (cell.row, cell.column) in positions}


def _recalculated_cells(sheet: ReadOnlyWorksheet,
                        formulas: dict[tuple[int, int], str]) -> dict[tuple[int, int], object]:
    """The cells at the formulas' positions, and every error cell."""
    return {(cell.row, cell.column): cell for cell in _rows(sheet)
            if (cell.row, cell.column) in formulas or _is_error_cell(cell, False)}


def _cell_problems(formulas: _Sheets, recalculated: _Sheets) -> Iterator[Problem]:
    for title in formulas.titles:
        if title not in recalculated.titles:
            yield Problem(quote_sheet_name(title), "sheet missing after recalculation in LibreOffice")
            continue
        # A recalculated copy's cells are the cells themselves (_recalculated_cells).
        yield from _sheet_problems(title, formulas.formulas[title], formulas.cells[title],
                                   cast(dict[tuple[int, int], ReadOnlyCell], recalculated.cells.get(title, {})))


def _sheet_problems(title: str, formula_text: dict[tuple[int, int], str], cached: dict[tuple[int, int], object],
                    recalculated: dict[tuple[int, int], ReadOnlyCell]) -> Iterator[Problem]:
    errors = {position for position, cell in recalculated.items()
              if _is_error_cell(cell, position in formula_text)}
    for row, column in sorted(set(formula_text) | errors):
        location = f"{quote_sheet_name(title)}!{get_column_letter(column)}{row}"
        problem = _cell_problem(
            formula_text.get((row, column)),
            cached.get((row, column)),
            recalculated.get((row, column), EMPTY_CELL),
        )
        if problem is not None:
            yield Problem(location, problem)


def _cell_problem(formula: str | None, cached: object, recalculated: ReadOnlyCell | EmptyCell) -> str | None:
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


def _formulas_by_position(sheet: ReadOnlyWorksheet) -> dict[tuple[int, int], str]:
    """(row, column) → formula text, for every cell a formula computes.

    An array formula is stored once, in its first cell, but computes every cell
    of its range.
    """
    formulas: dict[tuple[int, int], str] = {}
    for cell in _rows(sheet):
        if isinstance(cell.value, ArrayFormula):
            for position in _positions(cell.value.ref or cell.coordinate):
                formulas[position] = f"{{{cell.value.text}}}"
        elif isinstance(cell.value, DataTableFormula):
            formulas[(cell.row, cell.column)] = "data table"
        elif cell.data_type == "f":
            formulas.setdefault((cell.row, cell.column), str(cell.value))
    return formulas


def _positions(reference: str) -> Iterator[tuple[int, int]]:
    min_column, min_row, max_column, max_row = range_bounds(reference)
    for row in range(min_row, max_row + 1):
        for column in range(min_column, max_column + 1):
            yield row, column


def _is_error_cell(cell: ReadOnlyCell | EmptyCell, is_formula: bool) -> bool:
    return cell.data_type == "e" or is_error_value(cell.value, is_formula)


def _schema_problem(finding: validator.ValidatorFinding) -> Problem:
    where = finding.get("path") or {}
    part = str(where.get("partUri", "")).lstrip("/") or "package"
    location = f"{part} {where.get('xpath', '')}".strip()
    message = f"{finding.get('description', 'no description')} [{finding.get('id', 'unknown')}]"
    return Problem(location, _one_line(message), schema=True, note=is_known_writer_quirk(finding))


def is_known_writer_quirk(finding: validator.ValidatorFinding) -> bool:
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


def _is_number(value: object) -> TypeGuard[float]:
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
