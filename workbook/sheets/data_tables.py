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

from workbook.writing import register
from workbook.dataset import schema
from workbook.model import SnapshotModel
from workbook.model.census_rows import export_rows, wide_by_year, wide_years
from workbook.model.partners import tech_partner_rows, wide_partners
from workbook.dataset.schema import Column
from workbook.spreadsheet import quote_sheet_name
from xlsxwriter.utility import xl_rowcol_to_cell
from workbook.sheets.partial_years import mark_partial_years
from workbook.writing.words import not_published
from workbook.templates_loader import Wording, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.xlsx import Book, Options, TableColumn, literal_criterion, print_setup, string_literal, write_table

#: The table's header row, under the title, the description and a blank row: planned, since other
#: sheets' formulas name ranges of the table's rows (state_blocks).
HEADER_ROW = 3

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
        filename="years", description="", columns=(schema.YEAR,), key=("year",)), "data_published": schema.PUBLISHED,
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


@dataclass(frozen=True)
class WideTable:
    """A wide table (a column per year) as formulas read it: its columns from the first to the last.

    ``T[[State code]:[2025]]`` and ``T[[#Headers],[State code]:[2025]]`` are read alike by
    LibreOffice, IronCalc and Excel; the specifiers alone are not (LibreOffice rejects
    ``T[#Data]``, IronCalc ``T[[#Data]]``). The Notes tell an analyst to add a year by
    inserting a column before the last year's, inside this span, so the span takes it in.
    """

    table: register.Table
    #: The headers of the table's first column and of its last as the build writes it (its last year).
    first_header: str
    last_header: str

    @property
    def _columns(self) -> str:
        return f"[{self.first_header}]:[{self.last_header}]"

    @property
    def body(self) -> str:
        return f"{self.table.name}[{self._columns}]"

    @property
    def headers(self) -> str:
        return f"{self.table.name}[[#Headers],{self._columns}]"

    def year_column(self, year: str) -> str:
        """The data column whose header is the year ``year`` (a formula)."""
        return f"INDEX({self.body},0,{self.position(year)})"

    def has_year_column(self, year: str) -> str:
        """TRUE where the table has a column for the year (a formula)."""
        return f"ISNUMBER({self.position(year)})"

    def position(self, year: str) -> str:
        """The year's column counted from the table's first (a formula; #N/A where it has none)."""
        return f"MATCH(({year})&\"\",{self.headers},0)"


def wide_table(model: SnapshotModel, table: register.Table) -> WideTable:
    """The wide table ``table`` (CensusExports, CensusImports, PartnerExports or PartnerImports) as this build writes it."""
    return model.figures(_wide_tables)[table.name]


def _wide_tables(model: SnapshotModel) -> dict[str, WideTable]:
    data = model.data
    rows = {
        register.CENSUS_EXPORTS: data.exports, register.CENSUS_IMPORTS: data.imports,
        register.PARTNER_EXPORTS: tech_partner_rows(data.partner_exports, model.tech_naics3),
        register.PARTNER_IMPORTS: tech_partner_rows(data.partner_imports, model.tech_naics3),
    }
    tables = {}
    for table, trade in rows.items():
        # The columns as wide_by_year and wide_partners lay them out: the keys, then the years in order.
        keys = table.keys or ()
        years = wide_years(trade)
        last = table.header(int(years[-1])) if years else table.header(keys[-1])
        tables[table.name] = WideTable(table, table.header(keys[0]), last)
    return tables


def state_exports(year_column: str, code: str, naics3: str) -> str:
    """SUMIFS of a state's exports of a category in a year's column of CensusExports, over the whole table."""
    exports = register.CENSUS_EXPORTS
    return f"SUMIFS({year_column},{exports.column('state_code')},{code},{exports.column('naics3')},{naics3})"


# A grid of state x category or state x year cells that each summed the whole table would make
# opening the workbook cost the square of the data's size. Each cell reads its state's rows alone:
# the table is sorted by state code, then category, so a state's rows are one block. The usual
# dynamic range of a block, INDEX(r,a):INDEX(r,b), is one IronCalc cannot read (nor OFFSET's
# volatility is wanted), so a block is either a plain range written by the build (which grows as
# rows are inserted inside it) or one row found once per state; where an analyst has put a
# state's row outside its block, the cells fall back to summing the whole table: right, only slower.

@dataclass(frozen=True)
class StateBlock:
    """A state's block of CensusExports rows as plain ranges of the Census exports sheet."""

    #: The block's rows, every column of the table (state code, NAICS3, the years).
    body: str
    codes: str
    categories: str

    def holds_state(self, code: str) -> str:
        """1 where every CensusExports row of the state ``code`` lies in the block, else 0 (a formula)."""
        codes = register.CENSUS_EXPORTS.column("state_code")
        return f"--(COUNTIF({self.codes},{code})=COUNTIF({codes},{code}))"

    def exports(self, exports: WideTable, year: str, code: str, naics3: str, holds: str) -> str:
        """The state's exports of a category in ``year``: over the block where ``holds`` is 1, else over the table."""
        position = exports.position(year)
        return (f"IF({holds}=1,SUMIFS(INDEX({self.body},0,{position}),{self.codes},{code},"
                f"{self.categories},{naics3}),{state_exports(exports.year_column(year), code, naics3)})")


def state_blocks(model: SnapshotModel) -> dict[str, StateBlock]:
    """Each state's block of the CensusExports table as the build writes it."""
    name = quote_sheet_name(EXPORTS.sheet_name)
    last_col = len(register.CENSUS_EXPORTS.keys or ()) + len(wide_years(model.data.exports)) - 1
    spans = model.figures(export_rows)
    table_rows = max((rows.last for rows in spans.values()), default=1)
    blocks = {}
    for code, rows in spans.items():
        # A state without rows gets the table's first row, which is not its own: its sums are 0.
        first, last = rows.first, rows.last
        if first == last:
            # Two rows at least: IronCalc gives #VALUE! for INDEX(r,0,k) over one row. The row
            # beside is another state's, which the SUMIFS leaves out by its state code.
            first, last = (first, last + 1) if last < table_rows else (max(first - 1, 1), last)
        first, last = HEADER_ROW + first, HEADER_ROW + last

        def cells(first_col: int, last_col: int) -> str:
            return (f"{name}!{xl_rowcol_to_cell(first, first_col, row_abs=True, col_abs=True)}:"
                    f"{xl_rowcol_to_cell(last, last_col, row_abs=True, col_abs=True)}")
        blocks[code] = StateBlock(body=cells(0, last_col), codes=cells(0, 0), categories=cells(1, 1))
    return blocks


def tech_row_formulas(code: str) -> dict[str, str]:
    """Formulas of a state's two helper cells: how many CensusExports rows of the tech category it
    has (``rows``), and where the one lies, counted from the table's first row (``row``, else 0)."""
    exports = register.CENSUS_EXPORTS
    codes, categories = exports.column("state_code"), exports.column("naics3")
    header_row = f"ROW({exports.name}[[#Headers],[{exports.header('state_code')}]])"
    return {
        "rows": f"COUNTIFS({codes},{code},{categories},{register.TECH_CATEGORY})",
        "row": (f"SUMPRODUCT(--({codes}={code}),--({categories}={register.TECH_CATEGORY}),"
                f"ROW({codes})-{header_row})"),
    }


def state_tech_exports(year_column: str, code: str, rows: str, row: str) -> str:
    """The state's tech exports in a year's column: its one row read directly, else a SUMIFS."""
    # N() reads a text typed over a figure as 0, as SUMIFS does.
    return (f"IF({rows}=1,N(INDEX({year_column},{row})),"
            f"IF({rows}=0,0,{state_exports(year_column, code, register.TECH_CATEGORY)}))")


def write(book: Book, sheet: Worksheet, model: SnapshotModel, data_sheet: DataSheet) -> tuple[int, int]:
    """Write one data sheet; return the (first, last) data rows of its table."""
    words = data_sheet.words
    frame = data_sheet.frame(model)
    layout = SheetLayout(book, sheet, model.year)
    # Its row keeps the default height (SheetLayout.title would size it to the title's font).
    layout.line(words["title"], "title")
    marks_partial_years = data_sheet is YEAR_LIST and bool(model.data.partial_years)
    layout.note(words["description_partial" if marks_partial_years else "description"])
    layout.skip()
    columns = [
        TableColumn(header=data_sheet.table.header(name), style=_look(name)[0], width=_look(name)[1],
                    values=cell_values(frame[name]))
        for name in frame.columns
    ]
    first, last = write_table(book, sheet, layout.reach(HEADER_ROW), data_sheet.table_name, columns)
    if marks_partial_years:
        mark_partial_years(book, sheet, first, 0, frame["year"].tolist(), model.data.partial_years, _look("year")[0])
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
