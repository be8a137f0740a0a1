"""The data sheets: each input table of ``data/`` as an Excel table the formulas read.

These cells are the workbook's inputs. Formulas elsewhere read them through
structured references (``CensusExports[Value USD]``), so a row added inside a table
counts everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.templates_loader import wording
from workbook.xlsx import Book, TableColumn, print_setup, write_table

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
}


@dataclass(frozen=True)
class DataSheet:
    """One data sheet: its wording section and the frame it shows."""

    key: str

    @property
    def words(self) -> dict:
        return wording(self.key)

    @property
    def sheet_name(self) -> str:
        return self.words["sheet"]

    @property
    def table_name(self) -> str:
        return self.words["table"]

    def frame(self, model: SnapshotModel) -> pd.DataFrame:
        data = model.data
        return {
            "data_exports": data.exports,
            "data_imports": data.imports,
            "data_states": data.states,
            "data_categories": data.categories,
            "data_years": pd.DataFrame({"year": model.years}),
            "data_published": data.published,
        }[self.key]


EXPORTS = DataSheet("data_exports")
IMPORTS = DataSheet("data_imports")
STATE_LIST = DataSheet("data_states")
CATEGORY_LIST = DataSheet("data_categories")
YEAR_LIST = DataSheet("data_years")
PUBLISHED = DataSheet("data_published")
ALL_DATA_SHEETS = (EXPORTS, IMPORTS, STATE_LIST, CATEGORY_LIST, YEAR_LIST, PUBLISHED)


def header(column: str) -> str:
    """The table header of a data column: what formulas name in structured references."""
    return wording("data_columns")[column]


def write(book: Book, sheet: Worksheet, model: SnapshotModel, data_sheet: DataSheet) -> tuple[int, int]:
    """Write one data sheet; return the (first, last) data rows of its table."""
    words = data_sheet.words
    frame = data_sheet.frame(model)
    sheet.write_string(TITLE_ROW, 0, words["title"], book.formats["title"])
    sheet.write_string(DESCRIPTION_ROW, 0, words["description"], book.formats["note"])
    columns = [
        TableColumn(header=header(name), style=_COLUMN_LOOK[name][0], width=_COLUMN_LOOK[name][1],
                    values=frame[name].tolist())
        for name in frame.columns
    ]
    first, last = write_table(book, sheet, HEADER_ROW, data_sheet.table_name, columns)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(sheet, last, len(columns) - 1, repeat_row=HEADER_ROW, landscape=False)
    return first, last
