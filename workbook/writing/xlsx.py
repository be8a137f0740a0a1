"""The writing layer's shared parts: the workbook, its styles, tables, formulas and names.

Sheet modules in :mod:`workbook.sheets` lay out cells with these; they never open
XlsxWriter options or parse templates themselves.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path
from string import Formatter
from typing import Any, Literal, TypeVar

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook.writing import register
from workbook.errors import FormatLimitError
from workbook.writing.excel_rules import MAX_TEXT_CONSTANT, check_workbook_rules
from workbook.writing.formula_names import check_workbook_references
from workbook.writing.hooks import (LimitedWorksheet, SealingWorkbook, cell_writers, covering_charts, formula_cell_count,
                                    store_numbers, written_value)
from workbook.writing.metrics import header_row_height
from workbook.spreadsheet import (MAX_COLUMNS, MAX_NAME_LENGTH, MAX_ROWS, MAX_SHEET_NAME_LENGTH,
                                  SHEET_NAME_FORBIDDEN, quote_sheet_name, utf16_length)
from workbook.templates_loader import STYLE_SECTIONS_NOT_CELL_STYLES, styles, wording

#: A piece of a filled template: a formula, or a phrase of prose.
Part = TypeVar("Part")

#: XlsxWriter's options for a table, a format, a chart, a rule: a dict of its named properties.
Options = dict[str, Any]

#: Builds are reproducible: the same inputs give the same bytes, so the creation
#: time is fixed (or taken from SOURCE_DATE_EPOCH, the convention for reproducible builds).
DEFAULT_BUILD_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)


def build_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else DEFAULT_BUILD_TIME


# ---------------------------------------------------------------- limits of the format

_NAME = re.compile(r"[A-Za-z_\\][A-Za-z0-9_.]*")
# A name Excel would read as a cell: A1 (up to three column letters) or R1C1.
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*")
_WILDCARD = re.compile(r"[~*?]")


def check_sheet_name(name: str, existing: Sequence[str] = ()) -> str:
    """Return ``name`` if Excel accepts it as a sheet name among ``existing``, else raise FormatLimitError."""
    blank = not name or not name.strip()
    return _first_broken_rule("sheet name", name, [
        (blank, "a sheet needs a name"),
        (utf16_length(name) > MAX_SHEET_NAME_LENGTH,
         f"{utf16_length(name)} characters, but a sheet name holds at most {MAX_SHEET_NAME_LENGTH}"),
        (any(character in SHEET_NAME_FORBIDDEN for character in name),
         f"a sheet name cannot hold any of {' '.join(SHEET_NAME_FORBIDDEN)}"),
        (name.startswith("'") or name.endswith("'"), "a sheet name cannot begin or end with an apostrophe"),
        (name.casefold() == "history", "Excel reserves the sheet name History"),
        (_taken(name, existing), "another sheet has this name (Excel ignores case)"),
    ])


def check_name(name: str, existing: Sequence[str] = (), what: str = "defined name") -> str:
    """Return ``name`` if Excel accepts it as a defined name (or table name), else raise FormatLimitError."""
    return _first_broken_rule(what, name, [
        (not 1 <= len(name) <= MAX_NAME_LENGTH, f"a name has 1 to {MAX_NAME_LENGTH} characters"),
        (not _NAME.fullmatch(name),
         "a name starts with a letter or underscore and holds only letters, digits, underscores and periods"),
        (bool(_CELL_LIKE.fullmatch(name)), "Excel would read this name as a cell reference"),
        (_taken(name, existing), "the name is already defined (Excel ignores case)"),
    ])


def _taken(name: str, existing: Sequence[str]) -> bool:
    """Whether ``existing`` holds ``name`` as Excel compares names: ignoring case."""
    return name.casefold() in {other.casefold() for other in existing}


def _first_broken_rule(what: str, name: str, rules: Sequence[tuple[bool, str]]) -> str:
    """Return ``name`` if it breaks none of ``rules`` (whether it breaks it, and what the rule says), else raise
    FormatLimitError with the first it breaks, in the order Excel's dialogs say them."""
    for broken, rule in rules:
        if broken:
            raise FormatLimitError(f"{what} {name!r}: {rule}")
    return name


@dataclass(frozen=True)
class DefinedName:
    name: str
    sheet: str
    row: int
    col: int
    description: str

    @property
    def reference(self) -> str:
        return f"={quote_sheet_name(self.sheet)}!{xl_rowcol_to_cell(self.row, self.col, True, True)}"


@dataclass
class Book:
    """One workbook being written: XlsxWriter's workbook plus the project's formats and names."""

    workbook: Workbook
    #: The cell styles of styles.toml, by name.
    formats: dict[str, Format]
    names: list[DefinedName] = field(default_factory=list)
    #: Lock every cell but the inputs (``build --protect``).
    protect: bool = False

    @classmethod
    def create(cls, path: Path, protect: bool = False, in_memory: bool = False, year: int | None = None,
               edition: int | None = None) -> Book:
        """A new workbook at ``path``; with ``year`` and ``edition``, its document properties name them."""
        workbook = SealingWorkbook(str(path), {
            # Data strings stay strings: a name starting with "=" is not a formula, a URL not a link.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
            # Every part of the file is assembled in memory rather than in a temporary file of
            # its own: quicker where deleting files is slow, but all of the XML is held at once.
            "in_memory": in_memory,
        })
        document = wording("document")
        dated = year is not None and edition is not None
        workbook.set_properties({
            "title": document["edition_title"].format(edition=edition) if dated else document["title"],
            "subject": document["edition_subject"].format(year=year) if dated else document["subject"],
            "keywords": document["keywords"],
            "category": document["category"],
            "comments": document["comments"],
            "author": document["author"],
            "company": "",
            "created": build_time(),
        })
        workbook.language = document["language"]
        workbook.set_calc_mode("auto")
        return cls(workbook=workbook, formats=_make_formats(workbook), protect=protect)

    def add_sheet(self, name: str) -> Worksheet:
        existing = [sheet.get_name() for sheet in self.workbook.worksheets()]
        sheet = self.workbook.add_worksheet(check_sheet_name(name, existing), worksheet_class=LimitedWorksheet)
        sheet.hide_gridlines(2)
        sheet.set_footer(wording("document")["footer"])
        sheet.set_paper(9)  # A4; fit-to-width makes Letter print the same
        if self.protect:
            # No password: protection guards against typing over a formula by mistake,
            # it is not security. Filtering and sorting stay allowed.
            sheet.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True})
        return sheet

    def define_name(self, name: str, sheet: Worksheet, row: int, col: int, description: str) -> None:
        check_name(name, [entry.name for entry in self.names])
        defined = DefinedName(name, sheet.get_name(), row, col, description)
        self.workbook.define_name(name, defined.reference)
        self.names.append(defined)

    def value_of(self, name: str) -> float | str:
        """The value the cell behind a defined name holds as written: a formula's cached
        result (a number or text) or an input number. Sheets that summarise others use it as
        their cached values."""
        defined = next((entry for entry in self.names if entry.name == name), None)
        if defined is None:
            raise KeyError(f"no defined name {name!r} has been written yet")
        sheet = self.workbook.get_worksheet_by_name(defined.sheet)
        if sheet is None:
            raise KeyError(f"no sheet {defined.sheet!r} holds the defined name {name!r}")
        value = written_value(sheet, defined.row, defined.col)
        if not isinstance(value, (int, float, str)):
            raise TypeError(f"{name} is not a number or formula cell")
        return value

    def number_of(self, name: str) -> float:
        """As :meth:`value_of`, for a cell that always holds a number (never "not published")."""
        value = self.value_of(name)
        if isinstance(value, str):
            raise TypeError(f"{name} holds the text {value!r}, not a number")
        return value

    def style_variant(self, style: str, **changes: Any) -> Format:
        """A new format: a style of styles.toml with some properties changed (a per-cell number format)."""
        theme = styles()
        return self.workbook.add_format({**theme["base"], **theme[style], **changes})

    def formula_counts(self) -> dict[str, int]:
        """How many formula cells each sheet holds, as written (XlsxWriter's cell table)."""
        return {sheet.get_name(): formula_cell_count(sheet) for sheet in self.workbook.worksheets()}

    def close(self) -> None:
        """Check that every formula names only tables, columns and names the workbook defines
        (whatever order the sheets were written in) and keeps Excel's rules, then write the file."""
        check_workbook_references(self.workbook)
        check_workbook_rules(self.workbook)
        self.workbook.close()


def _make_formats(workbook: Workbook) -> dict[str, Format]:
    theme = styles()
    base = theme["base"]
    skip = STYLE_SECTIONS_NOT_CELL_STYLES | {"base"}
    return {name: workbook.add_format({**base, **props}) for name, props in theme.items() if name not in skip}


def fold_columns(sheet: Worksheet, first_col: int, last_col: int, width: float, next_width: float | None = None) -> None:
    """Hide columns in an outline group, folded: the + above the column after them unfolds them.

    ``next_width`` is the width of that next column, which carries the group's folded mark.
    """
    sheet.set_column(first_col, last_col, width, None, {"level": 1, "hidden": True})
    sheet.set_column(last_col + 1, last_col + 1, next_width, None, {"collapsed": True})


def mark_small_values(book: Book, sheet: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                      style: str, sign_styles: dict[str, str] | None = None) -> None:
    """Show the cells' non-zero figures too small for ``style``'s unit as "<0.1" (styles.toml's small_values).

    A figure of $30 thousand in a column of $ millions would print as 0, or -0: a
    conditional rule shows it as "<1" in the column's own unit instead; a column never
    switches unit by size. Cells that also take a colour by their sign give ``sign_styles``
    ({"<": style, ">": style}): LibreOffice applies only the first rule that holds, so each
    rule here carries that colour too. Call this before adding the cells' other conditional formats.
    """
    rules = sorted(styles()["small_values"].get(style, ()), key=lambda rule: rule[0])
    cell = xl_rowcol_to_cell(first_row, first_col)
    theme = styles()
    for below, num_format in rules:
        small = f"ISNUMBER({cell}),{cell}<>0,ABS({cell})<{_plain_number(below)}"
        signs: dict[str, str | None] = {**sign_styles} if sign_styles else {"": None}
        for sign, colour in signs.items():
            condition = f"{small},{cell}{sign}0" if sign else small
            properties = {**(theme[colour] if colour else {}), "num_format": num_format}
            sheet.conditional_format(first_row, first_col, last_row, last_col, {
                "type": "formula", "criteria": f"=AND({condition})", "format": book.workbook.add_format(properties)})


def colour_statuses(book: Book, sheet: Worksheet, first_row: int, last_row: int, col: int,
                    status_styles: Sequence[tuple[str, str]]) -> None:
    """Colour a column of status words (a check's "Matches", "Differs"): each (word, style) of
    ``status_styles`` a rule, in that order, so that the colour follows the formula's word."""
    for status, style in status_styles:
        sheet.conditional_format(first_row, col, last_row, col, {
            "type": "cell", "criteria": "==", "value": string_literal(status), "format": book.formats[style]})


def _plain_number(number: float) -> str:
    """A number as a formula writes it: plain decimals, never 1e-06 (which Excel never writes)."""
    text = f"{number:.15f}".rstrip("0").rstrip(".")
    return text or "0"


def column_width(kind: str) -> int:
    width: int = styles()["column_widths"][kind]
    return width


def theme_colour(name: str) -> str:
    colour: str = styles()["theme"][name]
    return colour


def chart_style(name: str) -> str:
    """A colour of the chart palette in styles.toml."""
    colour: str = styles()["chart"][name]
    return colour


def fill_colour(style: str) -> str:
    """The fill colour of a named style, for colour scales and other rules that take a colour."""
    colour: str = styles()[style]["bg_color"]
    return colour


def font_colour(style: str) -> str:
    """The text colour of a named style, for choosing text that reads on a fill."""
    colour: str = styles()[style]["font_color"]
    return colour


def number_format(style: str) -> str:
    """The number format of a named style, for chart axes and data labels."""
    num_format: str = styles()[style]["num_format"]
    return num_format


def sheet_range(sheet: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """An absolute range on ``sheet``, as chart series and data validation take it."""
    return (f"={quote_sheet_name(sheet.get_name())}!"
            f"{xl_rowcol_to_cell(first_row, first_col, True, True)}:{xl_rowcol_to_cell(last_row, last_col, True, True)}")


# ---------------------------------------------------------------- formulas

def string_literal(text: str) -> str:
    """Text as a formula's string literal: quoted, with inner quotes doubled.

    Excel reads at most 255 characters in one text constant (LibreOffice reads more): longer
    text is joined from constants of at most 255 characters with "&", an expression that
    stands wherever a constant does (only comparisons bind looser than "&").
    """
    if utf16_length(text) <= MAX_TEXT_CONSTANT:
        return '"' + text.replace('"', '""') + '"'
    pieces: list[str] = []
    piece: list[str] = []
    length = 0
    for character in text:
        size = utf16_length(character)
        if length + size > MAX_TEXT_CONSTANT:
            pieces.append("".join(piece))
            piece, length = [], 0
        piece.append(character)
        length += size
    pieces.append("".join(piece))
    return "&".join('"' + piece.replace('"', '""') + '"' for piece in pieces)


def literal_criterion(text: str) -> str:
    """A COUNTIFS/SUMIFS criterion, as a string literal, that matches exactly ``text``.

    A criterion is a pattern: a leading "=", "<" or ">" compares, and "*", "?" and "~"
    are wildcards. Text from data ("=Canada", "*") must match only itself, so it is
    compared with "=" and its wildcards are escaped with "~".
    """
    return string_literal("=" + _WILDCARD.sub(lambda found: "~" + found.group(), text))


def literal_criterion_of(reference: str) -> str:
    """As :func:`literal_criterion`, for the text a cell holds (``reference`` is a formula)."""
    escaped = reference
    for wildcard in ("~", "*", "?"):
        escaped = f'SUBSTITUTE({escaped},"{wildcard}","~{wildcard}")'
    return f'"="&{escaped}'


#: The placeholders of live text and the defined names they stand for: ``{year}`` is the
#: snapshot year a reader picks, ``{edition}`` the edition that follows from it.
LIVE_FIELDS = {"year": register.SNAPSHOT_YEAR, "edition": register.EDITION}
_LIVE_FIELD = re.compile(r"\{(" + "|".join(LIVE_FIELDS) + r")\}")


def has_live_fields(text: str) -> bool:
    return _LIVE_FIELD.search(text) is not None


def live_text_formula(text: str) -> str:
    """Text with ``{year}`` or ``{edition}`` in it as a formula that follows those cells."""
    return text_formula(text, LIVE_FIELDS)


def template_parts(template: str, fields: Mapping[str, Part], literal: Callable[[str], Part]) -> list[Part]:
    """A wording template's pieces in order: its words as ``literal`` makes them, each ``{field}``
    as ``fields`` gives it (a formula, a phrase); empty words are left out. The one filler of
    templates: every text formula with placeholders is made from these pieces."""
    parts = []
    for words, field_name, _, _ in Formatter().parse(template):
        if words:
            parts.append(literal(words))
        if field_name is not None:
            parts.append(fields[field_name])
    return parts


def text_formula(template: str, fields: Mapping[str, str]) -> str:
    """A text with ``{field}`` placeholders as a formula joining its words and the formulas ``fields`` gives."""
    return "&".join(template_parts(template, fields, string_literal))


def cached(value: object) -> object:
    """A formula's cached result, checked: a NaN would show as 0 or an error in readers."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"a formula's cached value must be finite, got {value!r}")
    if hasattr(value, "item"):  # numpy scalar -> Python scalar
        value = value.item()
    return value


def write_formula(sheet: Worksheet, row: int, col: int, formula: str, style: Format | None, value: object) -> None:
    sheet.write_formula(row, col, formula, style, cached(value))


# ---------------------------------------------------------------- tables

@dataclass(frozen=True)
class TableColumn:
    """One column of an Excel table: input values, or formulas with their cached values.

    ``formula`` is one formula for the whole column (Excel fills it into a new row);
    ``row_formulas`` gives each row a formula of its own, for columns whose rows
    compute different things (a check of a state beside a check of a count).
    """

    header: str
    style: str
    values: Sequence[object]
    formula: str | None = None
    width: str | None = None
    row_formulas: Sequence[str | None] | None = None
    #: A style per row, for columns whose rows hold figures of different units.
    row_styles: Sequence[str] | None = None
    #: The header's style: a right-aligned header sits over right-aligned figures.
    header_style: str = "header"


def write_table(book: Book, sheet: Worksheet, first_row: int, name: str, columns: Sequence[TableColumn],
                first_col: int = 0) -> tuple[int, int]:
    """Write an Excel table and return (first data row, last data row).

    Formula columns are declared as the table's column formula (so Excel fills a new
    row) and also written cell by cell with their true cached values.
    """
    rows = len(columns[0].values)
    if rows == 0:
        raise ValueError(f"table {name} has no rows; Excel rejects a header-only table")
    check_name(name, what="table name")
    last_row = first_row + rows
    last_col = first_col + len(columns) - 1
    if last_row >= MAX_ROWS or last_col >= MAX_COLUMNS:
        raise FormatLimitError(
            f"sheet {sheet.get_name()!r}: table {name} of {rows:,} rows and {len(columns):,} columns from "
            f"{xl_rowcol_to_cell(first_row, first_col)} does not fit: a sheet holds {MAX_ROWS:,} rows "
            f"(one of them this table's header) and {MAX_COLUMNS:,} columns")
    sheet.add_table(first_row, first_col, last_row, last_col, {
        "name": name,
        "style": "Table Style Light 9",
        "columns": [_table_column_options(book, column) for column in columns],
    })
    # Headers wrap onto more lines rather than widen the columns.
    sheet.set_row(first_row, header_row_height([(column.header, column_width(column.width))
                                                for column in columns if column.width]))
    for offset, column in enumerate(columns):
        col = first_col + offset
        style = book.formats[column.style]
        if column.row_formulas is None and column.formula is None and column.row_styles is None:
            write_values(sheet, first_row + 1, col, column.values, style)
        else:
            for index, value in enumerate(column.values):
                row = first_row + 1 + index
                formula = column.row_formulas[index] if column.row_formulas is not None else column.formula
                if column.row_styles is not None:
                    style = book.formats[column.row_styles[index]]
                if formula is not None:
                    write_formula(sheet, row, col, formula, style, value)
                else:
                    write_value(sheet, row, col, value, style)
        if column.width:
            sheet.set_column(col, col, column_width(column.width))
    return first_row + 1, last_row


def write_header_row(book: Book, sheet: Worksheet, row: int, labels: Sequence[str], first_col: int = 0) -> None:
    """Column headers over a block of cells that is no Excel table (a chart's figures, helper cells)."""
    for offset, label in enumerate(labels):
        sheet.write_string(row, first_col + offset, label, book.formats["header"])


def write_units_row(book: Book, sheet: Worksheet, row: int, first_col: int, units: Sequence[str | None]) -> None:
    """The row above a table's header that gives each column its unit ("$ billions", "%"), in the header's colours.

    The table's headers are the names formulas use, so a unit lives here rather than in them.
    """
    style = book.formats["units"]
    for offset, unit in enumerate(units):
        if unit:
            sheet.write_string(row, first_col + offset, unit, style)
        else:
            sheet.write_blank(row, first_col + offset, None, style)


def _table_column_options(book: Book, column: TableColumn) -> dict[str, str | Format]:
    options: dict[str, str | Format] = {"header": column.header, "format": book.formats[column.style],
               "header_format": book.formats[column.header_style]}
    if column.formula is not None:
        options["formula"] = column.formula
    return options


def write_value(sheet: Worksheet, row: int, col: int, value: object, style: Format | None) -> None:
    """Write an input value by its type: text always as text, never as a formula or link."""
    write_values(sheet, row, col, (value,), style)


def write_values(sheet: Worksheet, first_row: int, col: int, values: Iterable[object], style: Format | None) -> None:
    """Write input values down a column from ``first_row``, each as :func:`write_value` writes it."""
    number, text, blank = cell_writers(sheet)
    plain_numbers: list[tuple[int, float]] = []
    for row, value in enumerate(values, first_row):
        value = cached(value)
        if value is None or (isinstance(value, str) and value == ""):
            blank(row, col, None, style)
        elif isinstance(value, str):
            text(row, col, value, style)
        elif isinstance(value, (int, float)):
            plain_numbers.append((row, value))
        elif isinstance(value, Fraction):
            number(row, col, value, style)
        else:
            raise TypeError(f"sheet {sheet.get_name()!r}: {xl_rowcol_to_cell(row, col)}: "
                            f"{value!r} is neither text nor a number")
    store_numbers(sheet, col, plain_numbers, style)


def page_margins(page: Literal["report", "prose"]) -> dict[str, float]:
    """The margins in inches of a printed page of the report, or of prose (styles.toml's [page_margins])."""
    margins: dict[str, float] = styles()["page_margins"][page]
    return margins


def print_setup(sheet: Worksheet, last_row: int, last_col: int, repeat_row: int | None = None,
                landscape: bool = True, *, repeat_rows: tuple[int, int] | None = None,
                repeat_cols: tuple[int, int] | None = None, scale: int | None = None,
                row_breaks: Sequence[int] = (), col_breaks: Sequence[int] = (), pages_tall: int = 0,
                centred: bool = False, margins: Literal["report", "prose"] = "report") -> None:
    """Print area (holding every chart inserted so far), orientation, margins and scale; header rows
    (and row labels) repeated on every page. Call it once the sheet's columns and charts are in place.

    By default a sheet prints one page wide, at whatever size that takes, on as many pages as its rows
    take; ``pages_tall`` keeps it to that many pages: 1 for a sheet that is read, or sent, as a page
    of its own (``centred`` across it). A sheet too
    wide to print one page wide at a readable size gives a ``scale`` (percent) instead,
    with ``col_breaks`` where its pages split and ``repeat_cols`` (its row labels)
    repeated on each; ``row_breaks`` start a page at those rows.
    """
    last_row, last_col = covering_charts(sheet, last_row, last_col)
    sheet.print_area(0, 0, last_row, last_col)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(**page_margins(margins))
    if centred:
        sheet.center_horizontally()
    if scale is None:
        sheet.fit_to_pages(1, pages_tall)
    else:
        sheet.set_print_scale(scale)
    if repeat_rows is not None:
        sheet.repeat_rows(*repeat_rows)
    elif repeat_row is not None:
        sheet.repeat_rows(repeat_row)
    if repeat_cols is not None:
        sheet.repeat_columns(*repeat_cols)
    if row_breaks:
        sheet.set_h_pagebreaks(list(row_breaks))
    if col_breaks:
        sheet.set_v_pagebreaks(list(col_breaks))
