"""The one module that reaches into XlsxWriter's insides: the private methods the tool overrides
and the undocumented state it reads while a workbook is being written.

XlsxWriter may change any of these in a release, so ``pyproject.toml`` caps its version and
``tests/test_xlsxwriter_hooks.py`` names whichever hook a new release removed or changed.
Everything else of the writing layer uses what this module provides and XlsxWriter's
documented interface alone.

- :class:`LimitedWorksheet` refuses what a sheet cannot hold, records each formula it is given
  (for the checks of :mod:`workbook.writing.formula_names` and :mod:`workbook.writing.excel_rules`),
  and takes a quicker way through XlsxWriter's preparation of a formula that calls only
  classic functions.
- :class:`SealingWorkbook` has its packager complete the parts XlsxWriter leaves short (the
  document's language in ``docProps/core.xml``; charts' data labels said in full) and write
  the custom properties last, holding the seal of every other part
  (:mod:`workbook.writing.seal`).
- The readers at the end give what XlsxWriter holds of a workbook being written: cells, tables,
  defined names, conditional formats, data validations and the cells charts cover.

The program named in ``docProps/app.xml`` stays XlsxWriter's "Microsoft Excel": LibreOffice
reads a chart's unwritten defaults by Excel's dialect only in a file whose program is
Microsoft's, and with another name it printed the Dashboard's charts empty or labelled with
their series' names (measured with LibreOffice 7.4). The tool is named in the document's
comments and in the custom property ``tech-trade version``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO, StringIO
from typing import Any, Literal, cast

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell, xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellFormulaTuple, CellNumberTuple, Worksheet

from workbook.errors import FormatLimitError
from workbook.spreadsheet import MAX_CELL_TEXT, MAX_COLUMNS, MAX_FORMULA_LENGTH, MAX_ROWS, utf16_length
from workbook.writing.seal import SEAL_PROPERTY, in_chunks, parts_digest

# ---------------------------------------------------------------- the worksheet

#: Functions as old as Excel 2007, which XlsxWriter never rewrites (it prefixes newer ones,
#: such as FILTER or XLOOKUP, with "_xlfn."). A formula calling only these is written as it is.
_CLASSIC_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "COUNTIFS", "IF", "IFERROR", "INDEX",
    "ISBLANK", "ISERROR", "ISNA", "ISNUMBER", "ISTEXT", "LARGE", "LEN", "MATCH", "MAX", "MEDIAN", "MIN", "MOD",
    "NOT", "OR", "PERCENTILE", "RANK", "ROUND", "ROWS", "SMALL", "SUBSTITUTE", "SUM", "SUMIF", "SUMIFS",
    "SUMPRODUCT", "TEXT", "NA", "FIXED", "CHOOSE",
    # The Trend table's year cells (N), its helper columns (ROW) and the Notes' text formulas:
    # through XlsxWriter's 30 expressions, these were a tenth of the time of writing the cells.
    "N", "ROW", "LEFT", "MID", "UPPER", "LOWER",
})
#: Every name followed by "(" (string literals included, which only errs on the safe side).
# \b: a name is tried from its first letter only, not from each letter inside it.
_FUNCTION_CALL = re.compile(r"\b[A-Za-z_][A-Za-z0-9._]*(?=\()")


class LimitedWorksheet(Worksheet):
    """A worksheet that refuses what a sheet cannot hold, rather than dropping or cutting it.

    XlsxWriter skips a write outside the sheet and truncates text past 32,767
    characters, each with no more than a return code; a workbook missing rows or
    showing cut text would mislead its reader, so here both stop the build.
    """

    def __init__(self) -> None:
        super().__init__()
        #: Each distinct formula text written on the sheet, and the first cell that holds it:
        #: what the check of the names formulas use reads when the workbook is closed.
        self.formula_cells: dict[str, tuple[int, int]] = {}
        #: An analyst's own sheet, carried into a rebuilt workbook: its formulas are the analyst's,
        #: computed by the application they were written in, and are not held to Excel's rules
        #: here (workbook/writing/excel_rules.py), only to naming what the workbook defines.
        self.own_work = False

    def _check_dimensions(self, row: int, col: int, ignore_row: bool = False, ignore_col: bool = False) -> int:
        if not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLUMNS):
            raise FormatLimitError(
                f"sheet {self.name!r}: row {row + 1:,}, column {col + 1:,} is outside the sheet, "
                f"which holds {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns")
        return super()._check_dimensions(row, col, ignore_row, ignore_col)

    def _write_string(self, row: int, col: int, string: str, cell_format: Format | None = None) -> Literal[0, -1, -2]:
        _check_text(self, row, col, string)
        return super()._write_string(row, col, string, cell_format)

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Format | None = None,
                       value: Any = 0) -> Literal[0, -1, -2]:
        if formula is not None and len(formula) > MAX_FORMULA_LENGTH:
            raise FormatLimitError(f"sheet {self.name!r}: the formula of {xl_rowcol_to_cell(row, col)} has "
                                   f"{len(formula):,} characters, but a formula holds at most {MAX_FORMULA_LENGTH:,}")
        if isinstance(value, str):
            _check_text(self, row, col, value)
        if formula is not None and formula not in self.formula_cells:
            self.formula_cells[formula] = (row, col)
        if formula and not formula.startswith("{") and _calls_only_classic_functions(formula):
            # XlsxWriter first searches every formula for a dynamic-array function (a long
            # regular expression, most of the time of writing a long formula); one that calls
            # only classic functions has none. The rest is what XlsxWriter does.
            if self._check_dimensions(row, col):
                return -1
            formula = self._prepare_formula(formula)
            if self.constant_memory and row > self.previous_row:
                self._write_single_row(row)
            self.table[row][col] = CellFormulaTuple(formula, cell_format, value)
            return 0
        return super()._write_formula(row, col, formula, cell_format, value)

    def _write_array_formula(self, first_row: int, first_col: int, last_row: int, last_col: int, formula: str,
                             cell_format: Format | None = None, value: Any = 0,
                             atype: str = "static") -> Literal[0, -1]:
        # Recorded in braces, as an array formula is read: the rules of workbook/writing/excel_rules.py
        # read a range given to a function of one value differently in one.
        braced = formula if formula is None or formula.startswith("{") else "{" + formula + "}"
        if braced is not None and braced not in self.formula_cells:
            self.formula_cells[braced] = (min(first_row, last_row), min(first_col, last_col))
        return super()._write_array_formula(first_row, first_col, last_row, last_col, formula, cell_format, value,
                                            atype)

    def _xml_formula_element(self, formula: str, result: Any,
                             attributes: Sequence[tuple[str, Any]] = ()) -> None:
        # A formula's text result is XML string content, where "_x0041_" stands for "A" as
        # it does in the shared strings. XlsxWriter escapes such text (and control
        # characters) in the shared strings but not here, so a name holding "_x0041_"
        # would show as "A" until recalculated.
        attributes = list(attributes)
        if isinstance(result, str):
            # (Unannotated in XlsxWriter, hence the ignore.)
            result = self._escape_control_characters(result)  # type: ignore[no-untyped-call]
            # XlsxWriter leaves an empty text result untyped, which readers that never
            # calculate take for an empty number; Excel itself marks it as text.
            if result == "" and not any(key == "t" for key, _ in attributes):
                attributes.append(("t", "str"))
        super()._xml_formula_element(formula, result, attributes)

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        # A number cell, or a formula cell with a number for its result (most of the package's
        # cells), written as XlsxWriter writes it, in one step: its reference ("B7") and style
        # index hold no character XML escapes, so XlsxWriter's search of each attribute for one,
        # and its list of attributes, are left out. Any other cell is XlsxWriter's to write.
        kind = cell.__class__
        if kind is CellNumberTuple:
            content = f"<v>{cell.number:.16G}</v>"
        elif kind is CellFormulaTuple and type(cell.value) in (int, float):
            # (Unannotated in XlsxWriter, hence the ignore.)
            content = f"<f>{self._escape_data(cell.formula)}</f><v>{cell.value}</v>"  # type: ignore[no-untyped-call]
        else:
            super()._write_cell(row, col, cell)
            return
        style = _style_attribute(self, row, col, cell.format)
        # (XlsxWriter declares the file handle None until the sheet is written, hence the ignore.)
        self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style}>{content}</c>')  # type: ignore[attr-defined]

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # XlsxWriter tries some 30 regular expressions on every formula (150 with future
        # functions) to prefix the newer functions: most of the time of writing a formula,
        # for tens of thousands of formulas. One that calls only classic functions needs
        # none of them; it is stripped of "=" and array braces as XlsxWriter strips it.
        if _calls_only_classic_functions(formula):
            if formula.startswith("{"):
                formula = formula[1:]
            if formula.startswith("="):
                formula = formula[1:]
            if formula.endswith("}"):
                formula = formula[:-1]
            return formula
        # (Unannotated in XlsxWriter, hence the ignore.)
        prepared: str = super()._prepare_formula(formula, expand_future_functions)  # type: ignore[no-untyped-call]
        return prepared


#: A worksheet's writers of one cell by its row and column: a number, a text, a blank.
CellWriters = tuple[Callable[[int, int, Any, Format | None], int], Callable[[int, int, str, Format | None], int],
                    Callable[[int, int, Any, Format | None], int]]


def cell_writers(sheet: Worksheet) -> CellWriters:
    """The worksheet's writers of a number, a text and a blank by row and column.

    XlsxWriter's public writers first look whether they were given an "A1" address; a data
    table's tens of thousands of cells, numbered already, are written past that look (a
    twentieth of a build's time). What the tool's worksheet checks of each cell still holds.
    """
    return sheet._write_number, sheet._write_string, sheet._write_blank


def store_numbers(sheet: Worksheet, col: int, cells: Sequence[tuple[int, float]], cell_format: Format | None) -> None:
    """Finite numbers written into column ``col``, each at its row, as XlsxWriter's ``_write_number``
    writes a finite number.

    The bounds are checked once, at the first and the last row, by the worksheet's own check
    (the tool's raises past the sheet's edge), which also takes them into the sheet's
    dimensions; each number is then stored. A data table's tens of thousands of figures are a
    tenth of a build, and each would otherwise check the same bounds again. A non-finite
    number is the caller's to refuse (``xlsx.cached``).
    """
    if not cells:
        return
    if sheet.constant_memory:
        for row, number in cells:
            sheet._write_number(row, col, number, cell_format)
        return
    rows = [row for row, _ in cells]
    for row in (min(rows), max(rows)):
        if sheet._check_dimensions(row, col):
            raise FormatLimitError(f"sheet {sheet.get_name()!r}: row {row + 1:,}, column {col + 1:,} is outside "
                                   f"the sheet")
    table = sheet.table
    for row, number in cells:
        table[row][col] = CellNumberTuple(number, cell_format)


def _style_attribute(sheet: Worksheet, row: int, col: int, cell_format: Format | None) -> str:
    """A cell's style attribute (`` s="3"``, or nothing) as XlsxWriter chooses it: the cell's format, else
    its row's, else its column's."""
    if not cell_format:
        row_info = sheet.row_info.get(row)
        if row_info is not None and row_info.row_format:
            cell_format = row_info.row_format
        elif col in sheet.col_info:
            cell_format = sheet.col_info[col].column_format
    return f' s="{cell_format._get_xf_index()}"' if cell_format else ""


@functools.lru_cache(maxsize=256)
def _calls_only_classic_functions(formula: str) -> bool:
    # Cached: a table's column formula is the same text on each of its rows.
    return all(name in _CLASSIC_FUNCTIONS for name in _FUNCTION_CALL.findall(formula))


def _check_text(sheet: Worksheet, row: int, col: int, text: str) -> None:
    if len(text) > MAX_CELL_TEXT // 2 and utf16_length(text) > MAX_CELL_TEXT:
        raise FormatLimitError(f"sheet {sheet.name!r}: the text of {xl_rowcol_to_cell(row, col)} has "
                               f"{utf16_length(text):,} characters, but a cell holds at most {MAX_CELL_TEXT:,}")


# ---------------------------------------------------------------- the workbook and its packager

#: A part as XlsxWriter's packager holds it before zipping: its text or bytes in memory, or a
#: file; the part's name; whether it is binary.
PackagedPart = tuple[StringIO | BytesIO | str, str, bool]


class SealingWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose file carries the seal in its custom properties, and its
    language in its document properties."""

    #: The document's language tag (``en-US``); None writes none.
    language: str | None = None

    def close(self) -> None:
        # Room for the seal, filled in by the packager once every other part is written. A
        # property set before packaging also makes XlsxWriter write the custom properties part.
        self.set_custom_property(SEAL_PROPERTY, "pending")
        super().close()

    def _get_packager(self) -> Packager:
        # XlsxWriter's documented way to put another packager in its place.
        return _SealingPackager()


class _SealingPackager(Packager):
    def _write_core_file(self) -> None:
        super()._write_core_file()
        language = _workbook_of(self).language
        if language is not None:
            _edit_part(self.filenames, "docProps/core.xml", "</cp:coreProperties>",
                       f"<dc:language>{_xml_text(language)}</dc:language></cp:coreProperties>")

    def _write_chart_files(self) -> None:
        super()._write_chart_files()
        for _, name, _ in self.filenames:
            if name.startswith("xl/charts/chart"):
                _rewrite_part(self.filenames, name, _labels_show_values_alone)

    def _write_custom_file(self) -> None:
        # Deferred to the end of _create_package, when every other part exists.
        pass

    def _create_package(self) -> list[PackagedPart]:
        # (Unannotated in XlsxWriter, hence the ignore.)
        super()._create_package()  # type: ignore[no-untyped-call]
        files: list[PackagedPart] = self.filenames
        parts = {name: _Part(source) for source, name, _ in files}
        seal = parts_digest(parts, lambda name: parts[name].size, lambda name: parts[name].chunks())
        workbook = _workbook_of(self)
        workbook.custom_properties = [(name, seal if name == SEAL_PROPERTY else value, kind)
                                      for name, value, kind in workbook.custom_properties]
        Packager._write_custom_file(self)
        return files


def _xml_text(text: str) -> str:
    # As xml.sax.saxutils.escape, which would import urllib's HTTP client into every build (0.02 s).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _workbook_of(packager: Packager) -> SealingWorkbook:
    # XlsxWriter declares the packager's workbook None until it is given one, before packaging.
    return cast(SealingWorkbook, packager.workbook)


def _edit_part(files: list[PackagedPart], name: str, old: str, new: str) -> None:
    """Replace ``old``, which must be there once, by ``new`` in the XML of the part ``name`` as
    XlsxWriter holds it before zipping (text in memory, or a file)."""
    def replaced(text: str) -> str:
        if text.count(old) != 1:
            raise RuntimeError(f"{name}: XlsxWriter {xlsxwriter.__version__} no longer writes {old} "
                               "(workbook/writing/hooks.py completes it)")
        return text.replace(old, new)

    _rewrite_part(files, name, replaced)


def _rewrite_part(files: list[PackagedPart], name: str, change: Callable[[str], str]) -> None:
    """Put ``change(text)`` in place of the XML text of the part ``name`` as XlsxWriter holds it."""
    source = next(source for source, part, _ in files if part == name)
    if isinstance(source, StringIO):
        text = source.getvalue()
    elif isinstance(source, str):
        # newline="": the text as XlsxWriter wrote it, line ends untouched.
        with open(source, encoding="utf-8", newline="") as stream:
            text = stream.read()
    else:
        raise TypeError(f"{name}: XlsxWriter held it as bytes, not as XML text")
    text = change(text)
    if isinstance(source, StringIO):
        source.seek(0)
        source.truncate()
        source.write(text)
    else:
        with open(source, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)


#: What a chart's data labels show, every choice said: XlsxWriter writes only the ones that are
#: on, and a reader that takes the schema's defaults for the others (LibreOffice does, for a file
#: Microsoft Excel did not write) labels each point with its series' name and category too.
_VALUE_LABEL = ('<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
                '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def _labels_show_values_alone(text: str) -> str:
    return text.replace('<c:showVal val="1"/>', _VALUE_LABEL)


class _Part:
    """A part as XlsxWriter holds it before zipping: text or bytes in memory (text stored as
    UTF-8), or a file."""

    def __init__(self, source: StringIO | BytesIO | str) -> None:
        self.source = source
        self.content: bytes | None
        if isinstance(source, StringIO):
            self.content = source.getvalue().encode("utf-8")
            self.size = len(self.content)
        elif isinstance(source, BytesIO):
            self.content = source.getvalue()
            self.size = len(self.content)
        else:
            self.content = None
            self.size = os.path.getsize(source)

    def chunks(self) -> Iterator[bytes]:
        if self.content is not None:
            yield self.content
        elif isinstance(self.source, str):
            with open(self.source, "rb") as stream:
                yield from in_chunks(stream)


# ---------------------------------------------------------------- what a workbook being written holds

def written_value(sheet: Worksheet, row: int, col: int, strings: Mapping[int, str] | None = None) -> object:
    """What a cell holds as written so far: a formula's cached result or a number; a text when
    ``strings`` (:func:`shared_strings`) is given; None for any other cell, or one not written."""
    # XlsxWriter keeps each written cell as a named tuple until the file is closed: a formula
    # with its cached value, a number, or text as an index into the shared strings.
    cell = sheet.table.get(row, {}).get(col)
    if cell is None:
        return None
    if hasattr(cell, "formula"):
        return cell.value
    if hasattr(cell, "number"):
        return cell.number
    if hasattr(cell, "string") and strings is not None:
        return strings.get(cell.string, cell.string)
    return None


def shared_strings(workbook: Workbook) -> dict[int, str]:
    """The workbook's shared strings written so far, by index."""
    return {index: text for text, index in workbook.str_table.string_table.items()}


def formula_cell_count(sheet: Worksheet) -> int:
    """How many cells of ``sheet`` hold a formula, as written so far."""
    return sum(1 for cells in sheet.table.values() for cell in cells.values() if hasattr(cell, "formula"))


@dataclass(frozen=True)
class WrittenTable:
    """An Excel table as added to a sheet."""

    name: str
    #: The header row and the first column, and the last row and column (0-based).
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    headers: tuple[str, ...]
    #: Each column's formula, None for a column of values.
    formulas: tuple[str | None, ...]


def written_tables(sheet: Worksheet) -> list[WrittenTable]:
    tables = []
    for table in sheet.tables:
        corners = str(table["range"]).replace("$", "").split(":")
        first, last = corners[0], corners[-1]
        first_row, first_col = xl_cell_to_rowcol(first)
        last_row, last_col = xl_cell_to_rowcol(last)
        tables.append(WrittenTable(table["name"], first_row, first_col, last_row, last_col,
                                   tuple(column["name"] for column in table["columns"]),
                                   tuple(column.get("formula") or None for column in table["columns"])))
    return tables


def defined_names(workbook: Workbook) -> list[tuple[str, str]]:
    """Each defined name of the workbook and the formula it stands for, in the order defined."""
    return [(str(entry[0]), str(entry[2])) for entry in workbook.defined_names]


def conditional_formulas(sheet: Worksheet) -> Iterator[tuple[str, tuple[int, int]]]:
    """The formula of each conditional format of ``sheet`` that is a formula, and the first cell it covers."""
    for cell_range, rules in sheet.cond_formats.items():
        cell = first_cell(cell_range)
        for rule in rules:
            if rule.get("type") == "expression" and rule.get("criteria"):
                yield rule["criteria"], cell


def validation_formulas(sheet: Worksheet) -> Iterator[tuple[str, str, str, tuple[int, int]]]:
    """Each text a data validation of ``sheet`` takes, as (kind of validation, ``value``, ``minimum``
    or ``maximum``, the text, the first cell validated)."""
    for validation in sheet.validations:
        cell = first_cell(validation["cells"][0]) if validation.get("cells") else (0, 0)
        for key in ("value", "minimum", "maximum"):
            source = validation.get(key)
            if isinstance(source, str):
                yield str(validation.get("validate")), key, source, cell


def first_cell(cell_range: str | Sequence[int]) -> tuple[int, int]:
    """The first cell of a range as XlsxWriter keeps it: "A1:B5", or [first row, first col, ...]."""
    if isinstance(cell_range, (list, tuple)):
        return int(cell_range[0]), int(cell_range[1])
    return xl_cell_to_rowcol(str(cell_range).split()[0].split(":")[0])


def covering_charts(sheet: Worksheet, last_row: int, last_col: int) -> tuple[int, int]:
    """The last row and column of a range from A1 that holds ``last_row``, ``last_col`` and every chart
    inserted on the sheet so far, as XlsxWriter anchors each to the cells it covers (by the column
    widths and row heights set so far)."""
    for row, col, chart, x_offset, y_offset, x_scale, y_scale, anchor, *_ in sheet.charts:
        position = sheet._position_object_pixels(col, row, x_offset, y_offset, chart.width * x_scale,
                                                 chart.height * y_scale, anchor)
        last_col, last_row = max(last_col, position[4]), max(last_row, position[5])
    return last_row, last_col
