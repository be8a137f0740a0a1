"""What a formula names, and a check that the workbook defines all of it.

A formula that names a table, a column of a table or a defined name the workbook
does not define is written without complaint by XlsxWriter, and shows ``#REF!`` or
``#NAME?`` (or a repair prompt) only when the workbook is opened. The writing layer
calls :func:`check_workbook_references` when the workbook is closed, against the
tables and names actually written, so that a header renamed in the wording but
spelt the old way somewhere stops the build instead. The analyst's own sheets, carried
into a rebuilt workbook, are held to the same check (:class:`Defined`) before they are
written, and ``reading`` reads what a formula names with :func:`names_in` alone.

Formulas are read for the names they hold, not parsed in full: strings, quoted sheet
names, error values, numbers and cell references are stepped over; a name followed
by ``(`` is a function, by ``!`` a sheet, by ``[`` a table with a structured
reference; any other name must be a defined name or a table. Each distinct formula
text is read once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook.errors import UndefinedReferenceError
from workbook.spreadsheet import quote_sheet_name
from workbook.writing.hooks import conditional_formulas, defined_names, validation_formulas, written_tables

_BRACKETS = r"\[(?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*\]"
#: One match per string, quoted sheet name, error value or whole-column range (all stepped
#: over), or per name that is not a function or a sheet, with its structured reference if
#: it has one. Cells and numbers never match: they hold no names, and are most of a formula.
_PARTS = re.compile(r"""
    "(?:[^"]|"")*"
  | '(?:[^']|'')*'
  | \#(?:N/A|[A-Z0-9/_]+[!?])
  | \$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![\w.(\[!])
  | (?<![\w.$\#\\])(?!\$?[A-Za-z]{1,3}\$?[0-9]+(?![\w.]))((?:[^\W\d]|\\)[\w.]*+)(?![(!])(BRACKETS)?
  | (BRACKETS)
""".replace("BRACKETS", _BRACKETS), re.VERBOSE)
_LOGICAL = frozenset({"TRUE", "FALSE"})
_PLAIN_SPECIFIER = re.compile(r"(?:[^\[\]']|'.)*")
#: One bracketed part of a structured reference's specifiers: ``[#This Row]``, ``[Col]``.
INNER_SPECIFIER = re.compile(r"\[((?:[^\[\]']|'.)*)\]")
_ESCAPED = re.compile(r"'(.)")
#: A cell reference at the start or after an operator, a parenthesis or a sheet: a grid of formulas
#: differs in these alone, so both checks of formulas read one formula per grid. (Not after "[" or a
#: space, so that a header such as "Exports FY2020" is left as it is. "Not after any other character"
#: is one lookbehind, a third quicker than "at the start, or after one of these".)
CELL_IN_FORMULA = re.compile(r"(?<![^,(:+\-*/&=<>^!])\$?[A-Za-z]{1,3}\$?[0-9]+(?![\w.(\[!])")
#: The longest formula text a message shows.
_SHOWN = 200


@dataclass(frozen=True)
class FormulaNames:
    """The names one formula uses."""

    #: (table, column header) of each structured reference; the header is None for a
    #: reference to a table's parts (``Table[[#Data]]``) or the table alone.
    columns: frozenset[tuple[str, str | None]]
    #: Names that are neither functions nor sheets nor tables with brackets: defined names,
    #: or tables named alone.
    names: frozenset[str]


def names_in(formula: str) -> FormulaNames:
    """The tables, columns and names ``formula`` uses (with or without its leading ``=``)."""
    columns: set[tuple[str, str | None]] = set()
    names: set[str] = set()
    # A structured reference without its table (``[@Col]``) only appears in a table's own column
    # formula, which Excel reads against that table: stepped over.
    for word, brackets, _ in _PARTS.findall(formula):
        if not word:
            continue
        if brackets:
            headers = _headers(brackets[1:-1])
            if headers:
                columns.update((word, header) for header in headers)
            else:
                columns.add((word, None))
        elif word.upper() not in _LOGICAL:
            names.add(word)
    return FormulaNames(frozenset(columns), frozenset(names))


def _headers(inside: str) -> list[str]:
    """The column headers a structured reference's brackets name: ``Col``, ``[#This Row],[Col]``,
    ``@[Col]``, ``[Col1]:[Col2]``; item specifiers such as ``#Data`` are not columns.

    Inside the brackets an apostrophe escapes the next character (``'[``, ``'#``).
    """
    parts = [inside] if _PLAIN_SPECIFIER.fullmatch(inside) else INNER_SPECIFIER.findall(inside)
    headers = []
    for part in parts:
        part = part.strip().removeprefix("@").strip()
        if part and not part.startswith("#"):
            headers.append(_ESCAPED.sub(r"\1", part))
    return headers


class _Reader:
    """:func:`names_in`, each formula read once for all formulas that differ only in their cells."""

    def __init__(self) -> None:
        self._read: dict[str, FormulaNames] = {}

    def __call__(self, formula: str) -> FormulaNames:
        shape = CELL_IN_FORMULA.sub("A1", formula)
        found = self._read.get(shape)
        if found is None:
            found = self._read[shape] = names_in(shape)
        return found


@dataclass(frozen=True)
class Defined:
    """What a formula may name in a workbook: its tables with their columns' headers, and its
    defined names, all case-folded (Excel ignores case in both)."""

    tables: Mapping[str, frozenset[str]]
    names: frozenset[str]

    @classmethod
    def in_workbook(cls, workbook: Workbook, tables: Iterable[tuple[str, Iterable[str]]] = (),
                    names: Iterable[str] = ()) -> Defined:
        """What the XlsxWriter ``workbook`` defines as written so far, and ``tables`` (name, headers)
        and ``names`` besides (those about to be written)."""
        written = [(table.name, table.headers) for sheet in workbook.worksheets() for table in written_tables(sheet)]
        return cls({name.casefold(): frozenset(header.casefold() for header in headers)
                    for name, headers in [*written, *tables]},
                   frozenset(name.casefold() for name in [*(name for name, _ in defined_names(workbook)), *names]))

    def undefined(self, used: FormulaNames) -> str | None:
        """What of ``used`` this workbook does not define, as the end of a sentence about the
        formula ("names the table X, which the workbook does not define"); None if nothing."""
        for table, header in sorted(used.columns, key=lambda entry: (entry[0], entry[1] or "")):
            headers = self.tables.get(table.casefold())
            if headers is None:
                return f"names the table {table}, which the workbook does not define"
            if header is not None and header.casefold() not in headers:
                return f"names the column [{header}] of the table {table}, which has no such column"
        for name in sorted(used.names):
            if name.casefold() not in self.names and name.casefold() not in self.tables:
                return f"names {name}, which is neither a defined name nor a table of the workbook"
        return None


def check_workbook_references(workbook: Workbook) -> None:
    """Raise UndefinedReferenceError for the first formula of an XlsxWriter workbook that names
    a table, a column or a defined name the workbook does not define.

    Reads each sheet's formulas as its worksheet recorded them (``formula_cells``: distinct
    formula text -> the first cell holding it), its conditional formats' formulas, and the
    formulas of data validation lists.
    """
    defined = Defined.in_workbook(workbook)
    read = _Reader()
    # What the workbook lacks of each set of names, found once for the formulas that use the same names.
    lacking: dict[FormulaNames, str | None] = {}
    for sheet in workbook.worksheets():
        for formula, (row, col) in _formulas_of(sheet):
            used = read(formula)
            if used not in lacking:
                lacking[used] = defined.undefined(used)
            problem = lacking[used]
            if problem is not None:
                shown = formula if len(formula) <= _SHOWN else formula[:_SHOWN - 1] + "…"
                shown = shown if shown.startswith("=") else "=" + shown
                raise UndefinedReferenceError(
                    f"{quote_sheet_name(sheet.get_name())}!{xl_rowcol_to_cell(row, col)}: the formula {shown} "
                    f"{problem}; nothing was written")


def _formulas_of(sheet: Worksheet) -> Iterable[tuple[str, tuple[int, int]]]:
    yield from getattr(sheet, "formula_cells", {}).items()
    yield from conditional_formulas(sheet)
    for kind, key, source, cell in validation_formulas(sheet):
        if kind == "list" and key == "value":
            yield source, cell
