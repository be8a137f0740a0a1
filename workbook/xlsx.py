"""The writing layer's shared parts: the workbook, its styles, tables, formulas and names.

Sheet modules in :mod:`workbook.sheets` lay out cells with these; they never open
XlsxWriter options or parse templates themselves.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook.templates_loader import styles, wording

#: Builds are reproducible: the same inputs give the same bytes, so the creation
#: time is fixed (or taken from SOURCE_DATE_EPOCH, the convention for reproducible builds).
DEFAULT_BUILD_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)


def build_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else DEFAULT_BUILD_TIME


@dataclass(frozen=True)
class DefinedName:
    name: str
    sheet: str
    row: int
    col: int
    description: str

    @property
    def reference(self) -> str:
        return f"={quote_sheetname(self.sheet)}!{xl_rowcol_to_cell(self.row, self.col, True, True)}"


@dataclass
class Book:
    """One workbook being written: XlsxWriter's workbook plus the project's formats and names."""

    workbook: Workbook
    formats: dict
    names: list[DefinedName] = field(default_factory=list)

    @classmethod
    def create(cls, path: Path) -> Book:
        workbook = xlsxwriter.Workbook(str(path), {
            # Data strings stay strings: a name starting with "=" is not a formula, a URL not a link.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        })
        document = wording("document")
        workbook.set_properties({
            "title": document["title"],
            "subject": document["subject"],
            "keywords": document["keywords"],
            "category": document["category"],
            "comments": document["comments"],
            "author": "",
            "company": "",
            "created": build_time(),
        })
        workbook.set_calc_mode("auto")
        return cls(workbook=workbook, formats=_make_formats(workbook))

    def add_sheet(self, name: str) -> Worksheet:
        sheet = self.workbook.add_worksheet(name)
        sheet.hide_gridlines(2)
        sheet.set_footer(wording("document")["footer"])
        sheet.set_paper(9)  # A4; fit-to-width makes Letter print the same
        return sheet

    def define_name(self, name: str, sheet: Worksheet, row: int, col: int, description: str) -> None:
        defined = DefinedName(name, sheet.get_name(), row, col, description)
        self.workbook.define_name(name, defined.reference)
        self.names.append(defined)

    def value_of(self, name: str) -> object:
        """The value the cell behind a defined name holds as written: a formula's cached
        result or an input number. Sheets that summarise others use it as their cached values."""
        defined = next((entry for entry in self.names if entry.name == name), None)
        if defined is None:
            raise KeyError(f"no defined name {name!r} has been written yet")
        cell = self.workbook.get_worksheet_by_name(defined.sheet).table[defined.row][defined.col]
        # XlsxWriter keeps each written cell as a named tuple: Formula(formula, format, value)
        # or Number(number, format).
        if hasattr(cell, "formula"):
            return cell.value
        if hasattr(cell, "number"):
            return cell.number
        raise TypeError(f"{name} is not a number or formula cell")

    def style_variant(self, style: str, **changes):
        """A new format: a style of styles.toml with some properties changed (a per-cell number format)."""
        theme = styles()
        return self.workbook.add_format({**theme["base"], **theme[style], **changes})

    def formula_counts(self) -> dict[str, int]:
        """How many formula cells each sheet holds, as written (XlsxWriter's cell table)."""
        return {sheet.get_name(): sum(1 for cells in sheet.table.values() for cell in cells.values()
                                      if hasattr(cell, "formula"))
                for sheet in self.workbook.worksheets()}

    def close(self) -> None:
        self.workbook.close()


def _make_formats(workbook: Workbook) -> dict:
    theme = styles()
    base = theme["base"]
    skip = {"theme", "column_widths", "base", "chart"}
    return {name: workbook.add_format({**base, **props}) for name, props in theme.items() if name not in skip}


def column_width(kind: str) -> int:
    return styles()["column_widths"][kind]


def theme_colour(name: str) -> str:
    return styles()["theme"][name]


def chart_style(name: str) -> str:
    """A colour of the chart palette in styles.toml."""
    return styles()["chart"][name]


def fill_colour(style: str) -> str:
    """The fill colour of a named style, for colour scales and other rules that take a colour."""
    return styles()[style]["bg_color"]


def number_format(style: str) -> str:
    """The number format of a named style, for chart axes and data labels."""
    return styles()[style]["num_format"]


def sheet_range(sheet: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """An absolute range on ``sheet``, as chart series and data validation take it."""
    return (f"={quote_sheetname(sheet.get_name())}!"
            f"{xl_rowcol_to_cell(first_row, first_col, True, True)}:{xl_rowcol_to_cell(last_row, last_col, True, True)}")


# ---------------------------------------------------------------- formulas

def column_ref(table: str, column: str) -> str:
    """A whole table column, e.g. ``CensusExports[Value USD]``."""
    return f"{table}[{column}]"


def this_row_ref(table: str, column: str) -> str:
    """The same row of another column of the table, fully qualified.

    LibreOffice computes ``Table[[#This Row],[Col]]`` but gives #N/A for the
    unqualified ``[@Col]`` that Excel writes by default.
    """
    return f"{table}[[#This Row],[{column}]]"


def string_literal(text: str) -> str:
    """Text as a formula's string literal: quoted, with inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def year_title_formula(title: str) -> str:
    """A title with ``{year}`` in it as a formula, so that it follows the SnapshotYear cell."""
    before, _, after = title.partition("{year}")
    parts = [string_literal(before) if before else None, "SnapshotYear", string_literal(after) if after else None]
    return "&".join(part for part in parts if part)


def cached(value: object) -> object:
    """A formula's cached result, checked: a NaN would show as 0 or an error in readers."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"a formula's cached value must be finite, got {value!r}")
    if hasattr(value, "item"):  # numpy scalar -> Python scalar
        value = value.item()
    return value


def write_formula(sheet: Worksheet, row: int, col: int, formula: str, style, value: object) -> None:
    sheet.write_formula(row, col, formula, style, cached(value))


# ---------------------------------------------------------------- tables

#: Height in points of a table's header row: three lines of wrapped text.
HEADER_ROW_HEIGHT = 40


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
    last_row = first_row + rows
    last_col = first_col + len(columns) - 1
    sheet.add_table(first_row, first_col, last_row, last_col, {
        "name": name,
        "style": "Table Style Light 9",
        "columns": [_table_column_options(book, column) for column in columns],
    })
    # Headers wrap onto a second line rather than widen the columns.
    sheet.set_row(first_row, HEADER_ROW_HEIGHT)
    for offset, column in enumerate(columns):
        col = first_col + offset
        style = book.formats[column.style]
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


def _table_column_options(book: Book, column: TableColumn) -> dict:
    options = {"header": column.header, "format": book.formats[column.style],
               "header_format": book.formats[column.header_style]}
    if column.formula is not None:
        options["formula"] = column.formula
    return options


def write_value(sheet: Worksheet, row: int, col: int, value: object, style) -> None:
    """Write an input value by its type: text always as text, never as a formula or link."""
    value = cached(value)
    if value is None or (isinstance(value, str) and value == ""):
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, style)
    else:
        sheet.write_number(row, col, value, style)


def print_setup(sheet: Worksheet, last_row: int, last_col: int, repeat_row: int | None = None,
                landscape: bool = True) -> None:
    """Print area, orientation, one page wide, header rows repeated on every page."""
    sheet.print_area(0, 0, last_row, last_col)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)
