"""The data sheets: each input table of ``data/`` as an Excel table the formulas read.

These cells are the workbook's inputs. Formulas elsewhere read them through
structured references (``CensusExports[State code]``), so a row added inside a table
counts everywhere.

Census trade is laid out wide: one row per state and category, one column per
year. A new year is then one new column (the way analysts add a year), the file
holds each figure once rather than with its keys repeated, and a blank cell is a
year with no trade reported, as a missing row is in ``data/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from workbook import register, schema
from workbook.model import SnapshotModel
from workbook.model.census_rows import wide_by_year
from workbook.model.partners import tech_partner_rows, wide_partners
from workbook.schema import Column
from workbook.model.published import not_published
from workbook.templates_loader import Wording, wording
from workbook.xlsx import Book, Options, TableColumn, literal_criterion, print_setup, string_literal, write_table

TITLE_ROW, DESCRIPTION_ROW, HEADER_ROW = 0, 1, 3

#: Style and column width of each data column, by its name in the data schema.
_COLUMN_LOOK = {
    "year": ("input_year", "year"),
    "state_code": ("input_text", "code"),
    "naics3": ("input_number", "code"),
    "value_usd": ("input_usd", "usd"),
    "state_name": ("input_text", "name"),
    "kind": ("input_text", "code"),
    "tile_row": ("input_number", "rank"),
    "tile_col": ("input_number", "rank"),
    "label": ("input_text", "text"),
    "figure": ("input_text", "name"),
    "subject": ("input_text", "name"),
    "value": ("input_number", "usd"),
    "unit": ("input_text", "code"),
    "quote": ("input_text", "wide_text"),
    "country": ("input_text", "name"),
}


def _look(column: str | int) -> tuple[str, str]:
    return _COLUMN_LOOK["value_usd"] if isinstance(column, int) else _COLUMN_LOOK[column]


@dataclass(frozen=True)
class DataSheet:
    """One data sheet: its wording section, its table in the register and the frame it shows."""

    key: str
    table: register.Table

    @property
    def words(self) -> Wording:
        return wording(self.key)

    @property
    def sheet_name(self) -> str:
        return str(self.words["sheet"])

    @property
    def table_name(self) -> str:
        return self.table.name

    def schema_column(self, name: str | int) -> Column | None:
        """The data schema's column behind a table column (a year column holds amounts)."""
        schema = _SCHEMAS[self.key]
        if isinstance(name, int):
            return schema.column("value_usd")
        return schema.column(name) if name in schema.column_names else None

    def frame(self, model: SnapshotModel) -> pd.DataFrame:
        data = model.data
        # Only this sheet's frame is made: pivoting both Census tables for each of the six
        # data sheets cost seconds at a million rows.
        return {
            "data_exports": lambda: wide_by_year(data.exports),
            "data_imports": lambda: wide_by_year(data.imports),
            "data_states": lambda: data.states,
            "data_categories": lambda: data.categories,
            "data_years": lambda: pd.DataFrame({"year": model.years}),
            "data_published": lambda: data.published,
            # The workbook holds the tech category's partner rows; data/ keeps every category.
            "data_partner_exports": lambda: wide_partners(tech_partner_rows(data.partner_exports, model.tech_naics3)),
            "data_partner_imports": lambda: wide_partners(tech_partner_rows(data.partner_imports, model.tech_naics3)),
        }[self.key]()


MAX_VALIDATION_LIST = 255


def _validate_inputs(sheet: Worksheet, first: int, last: int, col: int, column: Column | None) -> None:
    """Excel and LibreOffice refuse a typed value the data schema would reject."""
    if column is None:
        return
    rule = _validation_rule(column)
    if rule is not None:
        message = wording("data_validation")
        sheet.data_validation(first, col, last, col, {
            **rule, "ignore_blank": True, "error_title": message["title"],
            "error_message": message[column.kind if column.kind in message else "choice"].format(
                minimum=f"{column.minimum:g}" if column.minimum is not None else "",
                maximum=f"{column.maximum:g}" if column.maximum is not None else "",
                choices=", ".join(column.choices)),
        })


def _validation_rule(column: Column) -> Options | None:
    if column.choices:
        # Excel keeps a list typed into a rule to 255 characters; longer lists go unchecked here
        # (the loader still checks them on the way back in).
        if len(",".join(column.choices)) > MAX_VALIDATION_LIST:
            return None
        return {"validate": "list", "source": list(column.choices)}
    if column.kind in ("year", "integer"):
        return {"validate": "integer", "criteria": "between", "minimum": column.minimum, "maximum": column.maximum}
    if column.kind in ("amount", "number") and column.minimum is not None:
        return {"validate": "decimal", "criteria": "between", "minimum": column.minimum, "maximum": column.maximum}
    return None


_SCHEMAS = {
    "data_exports": schema.EXPORTS, "data_imports": schema.IMPORTS, "data_states": schema.STATES,
    "data_categories": schema.CATEGORIES, "data_years": schema.FileSchema(
        "years", "", (schema.YEAR,), key=("year",)), "data_published": schema.PUBLISHED,
    "data_partner_exports": schema.PARTNER_EXPORTS, "data_partner_imports": schema.PARTNER_IMPORTS,
}

EXPORTS = DataSheet("data_exports", register.CENSUS_EXPORTS)
IMPORTS = DataSheet("data_imports", register.CENSUS_IMPORTS)
STATE_LIST = DataSheet("data_states", register.STATE_LIST)
CATEGORY_LIST = DataSheet("data_categories", register.CATEGORY_LIST)
YEAR_LIST = DataSheet("data_years", register.YEAR_LIST)
PUBLISHED = DataSheet("data_published", register.PUBLISHED_FIGURES)
PARTNER_EXPORTS = DataSheet("data_partner_exports", register.PARTNER_EXPORTS)
PARTNER_IMPORTS = DataSheet("data_partner_imports", register.PARTNER_IMPORTS)
ALL_DATA_SHEETS = (EXPORTS, IMPORTS, STATE_LIST, CATEGORY_LIST, YEAR_LIST, PUBLISHED, PARTNER_EXPORTS, PARTNER_IMPORTS)


def cell_values(column: pd.Series) -> list[object]:
    """A column's values as the cells hold them: a missing number is None, a blank cell.

    Column by column, so that a million-row table is never a frame of Python objects as well.
    """
    values = column.tolist()
    if column.dtype.kind == "f" and bool(column.isna().any()):
        values = [None if value != value else value for value in values]
    return values


def year_column(table: str, year: str) -> str:
    """The data column of a wide Census table whose header is the year ``year`` (a formula).

    ``Table[[#Data]]`` and ``Table[[#Headers]]`` in this bracketed form are what
    LibreOffice computes; the short ``Table[#Headers]`` gives #VALUE! there.
    """
    return f"INDEX({table}[[#Data]],0,MATCH(({year})&\"\",{table}[[#Headers]],0))"


def state_rows_formulas(code: str, rows: str, first: str) -> dict[str, str]:
    """Formulas of the three helper cells that find a state's block of CensusExports rows.

    ``code`` is the cell of the state code; ``rows`` and ``first`` are the cells that
    hold the first two formulas. The table is sorted by state, so a state's rows are
    one block: ``first`` finds where it starts, and ``last`` where it ends. Where an
    analyst has added a row of the state elsewhere in the table, the block is not
    whole and ``last`` is the table's last row: the sums stay right, only slower.
    A state with no rows gets a block of row 1 alone, which is not its own, so its
    sums are 0.
    """
    codes = register.CENSUS_EXPORTS.column("state_code")
    end = f"{first}+MAX({rows},1)-1"
    return {
        "rows": f"COUNTIF({codes},{code})",
        "first": f"IFERROR(MATCH({code},{codes},0),1)",
        "last": f"IF(COUNTIF(INDEX({codes},{first}):INDEX({codes},{end}),{code})={rows},{end},ROWS({codes}))",
    }


def state_block(column: str, first: str, last: str) -> str:
    """The cells of a CensusExports column (a structured reference) from row ``first`` to ``last``."""
    return f"INDEX({column},{first}):INDEX({column},{last})"


def state_year_block(table: str, year: str, first: str, last: str) -> str:
    """The cells of the wide table's column for the year ``year`` (a formula), rows ``first`` to ``last``."""
    column = f"MATCH(({year})&\"\",{table}[[#Headers]],0)"
    return f"INDEX({table}[[#Data]],{first},{column}):INDEX({table}[[#Data]],{last},{column})"


def state_exports(year_block: str, code: str, naics3: str, first: str, last: str) -> str:
    """SUMIFS of a state's exports of a category over the state's block of CensusExports rows alone."""
    exports = register.CENSUS_EXPORTS
    return (f"SUMIFS({year_block},"
            f"{state_block(exports.column('state_code'), first, last)},{code},"
            f"{state_block(exports.column('naics3'), first, last)},{naics3})")


def has_year_column(table: str, year: str) -> str:
    """TRUE where the wide table has a column for the year (a formula)."""
    return f"ISNUMBER(MATCH(({year})&\"\",{table}[[#Headers]],0))"


def write(book: Book, sheet: Worksheet, model: SnapshotModel, data_sheet: DataSheet) -> tuple[int, int]:
    """Write one data sheet; return the (first, last) data rows of its table."""
    words = data_sheet.words
    frame = data_sheet.frame(model)
    sheet.write_string(TITLE_ROW, 0, words["title"], book.formats["title"])
    sheet.write_string(DESCRIPTION_ROW, 0, words["description"], book.formats["note"])
    columns = [
        TableColumn(header=data_sheet.table.header(name), style=_look(name)[0], width=_look(name)[1],
                    values=cell_values(frame[name]))
        for name in frame.columns
    ]
    first, last = write_table(book, sheet, HEADER_ROW, data_sheet.table_name, columns)
    for offset, name in enumerate(frame.columns):
        _validate_inputs(sheet, first, last, offset, data_sheet.schema_column(name))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(sheet, last, len(columns) - 1, repeat_row=HEADER_ROW, landscape=False)
    return first, last


def published_value(figure: str, year: str, subject: str = "") -> str:
    """Formula: the published figure for the year (and subject), or "not published".

    Reads the PublishedFigures table live, so a corrected figure or another
    snapshot year is followed everywhere. National figures have no subject, and
    are matched on figure and year alone.
    """
    criteria = published_criteria(figure, year, subject)
    return (f"IF(COUNTIFS({criteria})=0,{string_literal(not_published())},"
            f"{published_sum(figure, year, subject)})")


def published_sum(figure: str, year: str, subject: str = "") -> str:
    """Formula: the published figure's value (0 where none; the key makes it at most one row)."""
    return f"SUMIFS({register.PUBLISHED_FIGURES.column('value')},{published_criteria(figure, year, subject)})"


def published_criteria(figure: str, year: str, subject: str = "") -> str:
    """The COUNTIFS/SUMIFS criteria that pick one figure of the PublishedFigures table."""
    table = register.PUBLISHED_FIGURES
    criteria = f"{table.column('figure')},{string_literal(figure)},{table.column('year')},{year}"
    if subject:
        criteria += f",{table.column('subject')},{literal_criterion(subject)}"
    return criteria
