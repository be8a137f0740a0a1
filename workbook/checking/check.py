"""Check a finished workbook the way its readers will meet it.

What goes wrong unseen when a workbook is written by a program, or edited:

* a formula's cached result (what viewers that never calculate show) is not what
  the formula computes, or the formula computes an error in some spreadsheet;
* the XML breaks the Office Open XML schema, and Excel offers to "repair" it;
* an input no longer reads as data (a figure pasted as text reads $0 in every formula), and
  the Checks sheet's statuses say so only to whoever reads them.

So the check recalculates the workbook in two engines, LibreOffice and IronCalc (Excel's
rules, :mod:`workbook.engines.ironcalc`), and compares every formula with its cached result;
reads the inputs as ``extract`` does (:mod:`workbook.checking.input_check`) and the Checks sheet as
recalculated (:mod:`workbook.checking.check_statuses`); and runs the Open XML SDK validator meanwhile
(on a copy without the rows it checks itself, :mod:`workbook.checking.validation_copy`). A part whose
program is not installed is left out, and the result says which.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self, TypeGuard, cast

from openpyxl.cell.read_only import EMPTY_CELL, EmptyCell, ReadOnlyCell
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from workbook.engines import ironcalc as ironcalc_engine, libreoffice
from workbook import progress
from workbook.checking import validator
from workbook.checking.accessibility import accessibility_problems
from workbook.checking.findings import Finding, FoundBy
from workbook.checking.check_statuses import status_problems
from workbook.errors import MissingToolError, TechTradeError, one_line
from workbook.checking.input_check import input_problems
from workbook.reading.inputs import read_inputs
from workbook.checking.ods import check_ods
from workbook.reading.opendocument import is_ods
from workbook.writing.register import IDENTITY_CHECKS, PUBLISHED_CHECKS
from workbook.reading.openpyxl_reading import harmless_warnings_ignored, load_workbook
from workbook.reading.own import charts_drawn, tool_sheets
from workbook.reading.package import Package
from workbook.reading.safe_read import check_workbook_file, open_workbook_safely
from workbook.spreadsheet import ERROR_VALUES, quote_sheet_name, range_bounds
from workbook.reading.sealed import is_sealed_and_untouched
from workbook.checking.validation_copy import table_places, worksheet_parts_by_title

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

_LONGEST_FORMULA_SHOWN = 80

#: A character escaped in a file's text (``_x000D_``, ``_x005F_`` for an underscore).
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


#: The parts of the check that need a program of their own, as standard error names them.
PART_LIBREOFFICE = "recalculation in LibreOffice"
PART_VALIDATOR = "validation against the Office Open XML schema"
PART_IRONCALC = "recalculation in IronCalc"

#: Engines as a finding names them.
LIBREOFFICE = "LibreOffice"
RECALCULATED_COPY = "the recalculated copy"
IRONCALC = "IronCalc"


@dataclass(frozen=True)
class LeftOut:
    """A part of the check that did not run, since the program it needs is missing, and how to install it."""

    part: str
    reason: str

    def __str__(self) -> str:
        return f"{self.part} left out: {self.reason}"


@dataclass
class CheckResult:
    """What a check found, in the parts it ran, and the parts it left out."""

    findings: list[Finding]
    left_out: list[LeftOut]
    #: The engines that recalculated the workbook, in the order findings name them.
    engines: list[str]
    validated: bool


def check_workbook(path: Path, office_version: str | None = None, recalculated: Path | None = None) -> list[Finding]:
    """Every problem found in the workbook at ``path``; an empty list means none.

    Every part runs: a missing LibreOffice, validator or IronCalc raises MissingToolError.
    """
    return run_check(path, office_version=office_version, recalculated=recalculated, require_all=True).findings


def run_check(path: Path, office_version: str | None = None, recalculated: Path | None = None,
              require_all: bool = False) -> CheckResult:
    """Check the workbook at ``path`` in every part whose program is installed.

    Findings come in this order: a workbook without cached values (one line), inputs that break
    the data schema, cell problems (in sheet order, then row, then column; a cell's line names
    the engines that disagree with its cached value), the Checks sheet's identities that do not
    hold and published figures that differ without a known reason, schema problems (in the
    validator's order), accessibility problems. Formulas with NOW, TODAY or RAND are checked for
    errors only: their results change on every calculation.

    ``recalculated`` is a copy of the workbook that a spreadsheet has already recalculated fully
    and saved (the add-in's, from the Calc the workbook is open in): its values are compared,
    and no LibreOffice is started. A part whose program is missing is left out (and said in the
    result), or with ``require_all`` raises MissingToolError.
    """
    path = Path(path)
    if is_ods(path):
        # An OpenDocument spreadsheet is read through LibreOffice (workbook/checking/ods.py): IronCalc reads
        # only .xlsx, and no ODF validator is at hand, so LibreOffice's recalculation is all it has.
        return CheckResult(check_ods(path, recalculated), [],
                           [LIBREOFFICE if recalculated is None else RECALCULATED_COPY], validated=False)
    with progress.step(f"opened {path} safely (a zip within limits, no DTD, macros or external links)"):
        # Before openpyxl or LibreOffice reads a byte of it.
        check_workbook_file(path)
        if recalculated is not None:
            check_workbook_file(Path(recalculated))
    # A workbook at all? openpyxl reads its workbook part (not yet a sheet) before any tool starts.
    _load(path, data_only=False, read_only=True).close()
    validator.check_office_version(office_version)
    # Find every program first: a missing one is said (or refused) before any time is spent.
    left_out: list[LeftOut] = []
    has_libreoffice = recalculated is not None or _found(libreoffice.find_soffice, PART_LIBREOFFICE, left_out,
                                                         require_all)
    has_validator = _found(validator.find_validator, PART_VALIDATOR, left_out, require_all)
    has_ironcalc = _found(ironcalc_engine.require_ironcalc, PART_IRONCALC, left_out, require_all)
    copy_engine = LIBREOFFICE if recalculated is None else RECALCULATED_COPY
    with zipfile.ZipFile(path) as archive:
        tables = table_places(archive)
    # The Checks sheet is read whole from IronCalc where LibreOffice is not there to read it from.
    status_sheets = sorted({tables[name][0] for name in (PUBLISHED_CHECKS.name, IDENTITY_CHECKS.name)
                            if name in tables})
    with (tempfile.TemporaryDirectory(prefix="tech-trade-check-") as out_dir,
          contextlib.ExitStack() as running):
        # LibreOffice, IronCalc and the validator are programs of their own: they work side by
        # side, and beside the reading of the workbook here.
        with progress.step("started the programs that recalculate and validate, side by side") as step:
            ironcalc_result = running.enter_context(ironcalc_engine.recalculation_started(path, status_sheets)) \
                if has_ironcalc else None
            recalculation: Callable[[], Path] | None = None
            if recalculated is not None:
                # The copy given is the recalculated workbook.
                already = Path(recalculated)
                recalculation = lambda: already
            elif has_libreoffice:
                recalculation = running.enter_context(libreoffice.recalculation_started(path, Path(out_dir)))
            validation = running.enter_context(validator.validation_started(path, office_version)) \
                if has_validator else None
            if validation is not None and validation.left_out is not None:
                step.result = (f"the rows of {len(validation.left_out.sheets_checked_here)} sheet(s) checked here "
                               f"rather than by the validator")
        problems: list[Finding] = []
        with progress.step("read the formulas and their cached values") as step:
            tool_written_sheets, charts_missing = _package_facts(path)
            formulas = _Sheets.read(path)
            step.result = f"{formulas.sheets_read} sheet(s) with formulas of {len(formulas.cells)}"
            uncached = _formulas_without_cached_values(path)
            has_cached_values = uncached is None
        if uncached is not None:
            problems.append(Finding(str(path), f"no formula has a cached value: {uncached:,} formulas; open and save "
                                               f"it in Excel or LibreOffice, or rebuild it", FoundBy.FORMULAS))
        with progress.step("read the inputs against the data schema") as step:
            input_findings = _input_problems(path)
            problems += input_findings
            step.result = f"{len(input_findings)} problem(s)"
        computed: dict[str, _Engine] = {}
        if ironcalc_result is not None:
            with progress.step("recalculated every formula in IronCalc"):
                try:
                    computed[IRONCALC] = running.enter_context(_IronCalcValues(ironcalc_result()))
                except ironcalc_engine.IronCalcError as error:
                    problems.append(Finding(str(path), f"IronCalc could not open or recalculate it ({error})",
                                            FoundBy.FORMULAS, engines=(IRONCALC,)))
        if recalculation is not None:
            with progress.step(f"recalculated every formula in {copy_engine}"):
                recalculated_path = recalculation()
                computed[copy_engine] = running.enter_context(_CopyValues(
                    _Sheets.read(recalculated_path, recalculated=True, formulas=formulas), recalculated_path))
        # LibreOffice first: its results are what the add-in's Calc shows, and what the statuses are read from.
        ordered = {name: computed[name] for name in (copy_engine, IRONCALC) if name in computed}
        problems += _cell_problems(formulas, ordered, compare_values=has_cached_values,
                                   excel_rules_sheets=tool_written_sheets)
        if ordered:
            # The statuses as LibreOffice computes them where it ran, else as IronCalc does.
            engine, values = next(iter(ordered.items()))
            problems += status_problems(tables, values.read_range, engine)
        findings: list[validator.ValidatorFinding] = []
        if validation is not None:
            with progress.step("validated against the Office Open XML schema") as step:
                findings = validation.findings()
                step.result = f"{len(findings)} finding(s)"
    problems += [_schema_problem(finding) for finding in findings]
    with progress.step("looked for accessibility problems (alternative text, tables, titles, contrast)"):
        problems += accessibility_problems(path)
    problems += charts_missing
    return CheckResult(problems, left_out, list(ordered), validated=validation is not None)


def _found(find: Callable[[], object], part: str, left_out: list[LeftOut], require_all: bool) -> bool:
    """Whether the program a part needs is installed; if not, the part is left out (or, ``require_all``, refused)."""
    try:
        find()
        return True
    except MissingToolError as error:
        if require_all:
            raise
        left_out.append(LeftOut(part, one_line(error)))
        return False


def _input_problems(path: Path) -> list[Finding]:
    """Every input that breaks the data schema, as ``extract`` reads them.

    A workbook the tool did not make has no inputs of its own; a missing input table is a finding.
    A workbook whose every part is as the tool wrote it (its seal holds) holds the inputs the
    build checked alike, and is not read again: at 10x the data, reading takes seconds.
    """
    if is_sealed_and_untouched(path):
        return []
    try:
        inputs = read_inputs(path)
    except TechTradeError as error:
        # The message names the file already; the problem's place names it once.
        return [Finding(str(path), one_line(error).removeprefix(f"{path}: "), FoundBy.INPUTS)]
    if not inputs.made_by_tool:
        return []
    return input_problems(inputs)


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
    with harmless_warnings_ignored():
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


class _Engine(Protocol):
    """A workbook recalculated by one engine: each cell's value, and blocks of them."""

    def has_sheet(self, title: str) -> bool: ...

    def value(self, title: str, row: int, column: int) -> ironcalc_engine.EngineValue: ...

    def error_cells(self, title: str) -> set[tuple[int, int]]:
        """Cells other than formulas that hold an error after recalculation."""
        ...

    def read_range(self, title: str, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> list[list[object]]: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exception: object) -> None: ...


class _CopyValues:
    """A copy of the workbook that a spreadsheet recalculated and saved (LibreOffice's)."""

    def __init__(self, sheets: _Sheets, path: Path) -> None:
        self._sheets = sheets
        self._path = path
        self._book: Workbook | None = None

    def has_sheet(self, title: str) -> bool:
        return title in self._sheets.titles

    def value(self, title: str, row: int, column: int) -> ironcalc_engine.EngineValue:
        # A recalculated copy's cells are the cells themselves (_recalculated_cells).
        cell = cast(dict[tuple[int, int], ReadOnlyCell], self._sheets.cells.get(title, {})).get((row, column),
                                                                                              EMPTY_CELL)
        value = _xml_text(_comparable(cell.value))
        if _is_error_cell(cell, True):
            return ironcalc_engine.EngineValue(str(cell.value), error=True)
        return ironcalc_engine.EngineValue(cast(float | str | bool | None, value))

    def error_cells(self, title: str) -> set[tuple[int, int]]:
        cells = cast(dict[tuple[int, int], ReadOnlyCell], self._sheets.cells.get(title, {}))
        return {position for position, cell in cells.items() if _is_error_cell(cell, False)}

    def read_range(self, title: str, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> list[list[object]]:
        if self._book is None:
            self._book = _load(self._path, data_only=True, read_only=True)
        if title not in self._book.sheetnames:
            return []
        sheet = self._book[title]
        return [list(row) for row in sheet.iter_rows(min_row=first_row, max_row=last_row, min_col=first_column,
                                                     max_col=last_column, values_only=True)]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._book is not None:
            self._book.close()


class _IronCalcValues:
    """The workbook as IronCalc recalculated it."""

    def __init__(self, workbook: ironcalc_engine.IronCalcWorkbook) -> None:
        self._workbook = workbook
        self._titles = set(workbook.sheet_titles)

    def has_sheet(self, title: str) -> bool:
        return title in self._titles

    def value(self, title: str, row: int, column: int) -> ironcalc_engine.EngineValue:
        return self._workbook.value(title, row, column)

    def error_cells(self, title: str) -> set[tuple[int, int]]:
        return set()

    def read_range(self, title: str, first_row: int, first_column: int, last_row: int,
                   last_column: int) -> list[list[object]]:
        if title not in self._titles:
            return []
        return [[self._workbook.value(title, row, column).value for column in range(first_column, last_column + 1)]
                for row in range(first_row, last_row + 1)]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exception: object) -> None:
        pass


def _package_facts(path: Path) -> tuple[set[str] | None, list[Finding]]:
    """Read from the package once: the sheets the tool wrote, which IronCalc must compute as cached
    (None: every sheet, in a file that does not list them); and the charts the build drew that the
    file no longer holds, said in one line. A file IronCalc saved keeps neither charts nor the
    property that counts them: one holding no chart at all is said so."""
    with open_workbook_safely(Path(path)) as archive:
        package = Package(Path(path), archive)
        properties = package.custom_properties
        drawn, held, saved_by = charts_drawn(properties), package.charts_by_sheet(), package.application
    sheets = tool_sheets(properties) or None
    if drawn is None:
        if saved_by.startswith("IronCalc") and not any(held.values()):
            return sheets, [Finding(str(path), f"holds no charts: {saved_by}, which saved it last, keeps none (a "
                                               "workbook the tool writes has charts); rebuild it, or edit it in "
                                               "Excel or LibreOffice", FoundBy.CHARTS)]
        return sheets, []
    missing = {sheet: count - held.get(sheet, 0) for sheet, count in drawn.items() if held.get(sheet, 0) < count}
    if not missing:
        return sheets, []
    listed = ", ".join(f"{quote_sheet_name(sheet)} {count}" for sheet, count in missing.items())
    return sheets, [Finding(str(path), f"{sum(missing.values())} of the {sum(drawn.values())} charts the tool drew "
                                       f"are missing ({listed})", FoundBy.CHARTS)]


def _cell_problems(formulas: _Sheets, engines: dict[str, _Engine], compare_values: bool = True,
                   excel_rules_sheets: set[str] | None = None) -> Iterator[Finding]:
    """Each cell where an engine's result is an error or differs from the cached value: one line per cell.

    IronCalc is held to the sheets the tool wrote (``excel_rules_sheets``; None: all). The analyst's
    own sheets are LibreOffice's alone: their formulas are the analyst's, which the build does not
    hold to Excel's rules either, and IronCalc lacks some of what Excel reads there (a defined name
    that refers to another name gives #NAME? in IronCalc 0.9.1).
    """
    for title in formulas.titles:
        held = {name: engine for name, engine in engines.items()
                if name != IRONCALC or excel_rules_sheets is None or title in excel_rules_sheets}
        present = {name: engine for name, engine in held.items() if engine.has_sheet(title)}
        for name in held:
            if name not in present:
                yield Finding(quote_sheet_name(title), f"sheet missing after recalculation in {name}", FoundBy.FORMULAS,
                              engines=(name,))
        if not present:
            continue
        formula_text, cached = formulas.formulas[title], formulas.cells[title]
        errors = set().union(*(engine.error_cells(title) for engine in present.values()))
        for row, column in sorted(set(formula_text) | errors):
            formula = formula_text.get((row, column))
            results = {name: engine.value(title, row, column) for name, engine in present.items()}
            problem = _cell_problem(formula, _xml_text(cached.get((row, column))), results, compare_values)
            if problem is not None:
                message, found_in = problem
                yield Finding(f"{quote_sheet_name(title)}!{get_column_letter(column)}{row}", message, FoundBy.FORMULAS,
                              engines=found_in)


def _cell_problem(formula: str | None, cached: object, results: dict[str, ironcalc_engine.EngineValue],
                  compare_values: bool) -> tuple[str, tuple[str, ...]] | None:
    """What is wrong with one cell, in each engine that finds it wrong, and those engines; or None.

    Engines that give the same result are named together: "error #VALUE! after recalculation in
    IronCalc", "recalculated value 42 in LibreOffice and IronCalc differs from cached value 999".
    """
    errors: dict[str, list[str]] = {}
    # Engines whose results agree with each other are one group: (result, engines).
    differing: list[tuple[object, list[str]]] = []
    for engine, result in results.items():
        if formula is not None and _is_data_table(formula) and engine == IRONCALC:
            continue
        if is_deliberate_gap(formula, cached if compare_values else "#N/A", result.value if result.error else None):
            continue
        if result.error:
            errors.setdefault(str(result.value), []).append(engine)
        elif (formula is not None and compare_values and not _VOLATILE_FUNCTION.search(formula)
              and not values_agree(cached, result.value)):
            group = next((names for value, names in differing if values_agree(value, result.value)), None)
            if group is None:
                differing.append((result.value, [engine]))
            else:
                group.append(engine)
    parts = [f"error {error} after recalculation in {_engines(names)}" for error, names in errors.items()]
    if differing:
        shown = ", ".join(f"{_describe(value)} in {_engines(names)}" for value, names in differing)
        verb = "differs" if len(differing) == 1 else "differ"
        parts.append(f"recalculated value{'s' if len(differing) > 1 else ''} {shown} {verb} from cached value "
                     f"{_describe(cached)}")
    if not parts:
        return None
    found_in = tuple(name for names in [*errors.values(), *(names for _, names in differing)] for name in names)
    return "; ".join(parts) + (f" ({_shorten(formula)})" if formula else ""), found_in


def _is_data_table(formula: str) -> bool:
    """A what-if data table's cell, which IronCalc does not compute."""
    return formula == "data table"


def _engines(names: list[str]) -> str:
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


#: A formula cell (any prefix) in a sheet's XML, and its parts: attributes, and what it holds.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.DOTALL)
_VALUE_WITH_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>[^<]")
_ANY_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v[\s/>]")
_TEXT_RESULT = re.compile(rb"""\bt\s*=\s*["']str["']""")


def _formulas_without_cached_values(path: Path) -> int | None:
    """The number of formulas, where none of them has a cached value; None as soon as one has.

    A program that does not calculate (openpyxl) saves a formula with an empty ``<v/>`` or none;
    an empty text result is ``t="str"`` with an empty ``<v></v>``, and is cached.
    """
    formulas = 0
    with zipfile.ZipFile(path) as archive:
        for part in worksheet_parts_by_title(archive).values():
            try:
                data = archive.read(part)
            except (KeyError, OSError, zipfile.BadZipFile):
                continue
            if not _FORMULA_MARK.search(data):
                continue
            for found in _CELL.finditer(data):
                body = found[2] or b""
                if not _FORMULA_MARK.search(body):
                    continue
                if _VALUE_WITH_TEXT.search(body) or (_TEXT_RESULT.search(found[1]) and _ANY_VALUE.search(body)):
                    return None
                formulas += 1
    return formulas or None


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


def _schema_problem(finding: validator.ValidatorFinding) -> Finding:
    where = finding.get("path") or {}
    part = str(where.get("partUri", "")).lstrip("/") or "package"
    location = f"{part} {where.get('xpath', '')}".strip()
    message = f"{finding.get('description', 'no description')} [{finding.get('id', 'unknown')}]"
    return Finding(location, _one_line(message), FoundBy.SCHEMA, note=is_known_writer_quirk(finding))


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


def _xml_text(value: object) -> object:
    """Text as a spreadsheet reads it from a file: ``_x005F_`` is "_", ``_x0041_`` "A".

    A formula's text result is stored with characters escaped so; openpyxl hands it over as
    stored, IronCalc decoded, so the file's side is decoded before the two are compared.
    """
    return _ESCAPED_CHARACTER.sub(lambda found: chr(int(found[1], 16)), value) if isinstance(value, str) else value


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        # 42, as a spreadsheet shows it, whether the engine read it as a whole number or a float.
        return str(int(value))
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
