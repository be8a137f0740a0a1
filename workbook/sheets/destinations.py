"""The Destinations sheet: the published top destinations of tech products and tech services.

The table ``Destinations`` is the input of ``data/destinations.csv``: flow, country and
a value an analyst enters (the release gives none). The published rank is looked up
in the PublishedFigures table for the snapshot year, and each value's share of the
listed destinations of its flow is computed once values are entered (blank before).
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from workbook.writing.layout import SheetLayout
from workbook.model import SnapshotModel
from workbook.model.destinations import CENSUS_FLOW, destination_figures
from workbook.model.keys import NoFigure
from workbook.writing.register import DESTINATIONS, HAS_PARTNER_DATA, PUBLISHED_FIGURES, SNAPSHOT_YEAR
from workbook.dataset.schema import DESTINATION_FIGURE_PREFIX
from workbook.sheets import partners
from workbook.writing.words import not_published, shown
from workbook.templates_loader import Wording, wording
from workbook.writing.xlsx import Book, TableColumn, column_width, literal_criterion_of, print_setup, string_literal, write_table

WORDING = "destinations"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False

#: Style and width of each column of the table, in order. The value an analyst enters and
#: its share come last, outside the print area: the release gives no values, so in the
#: printed report they would be empty boxes a reader cannot fill.
_LOOK = {
    "flow": ("input_text", "flag"),
    "country": ("input_text", "name"),
    "published_rank": ("rank", "rank"),
    "census_value": ("billions_2", "usd"),
    "census_share": ("ratio", "ratio"),
    "census_rank": ("rank", "rank"),
    "value_usd": ("input_usd", "usd"),
    "share_of_listed": ("ratio", "ratio"),
}
#: The columns for an analyst only, which the report does not print.
_UNPRINTED = ("value_usd", "share_of_listed")
#: The wording of each reason the Census partner data gives no value (a year without partner data is a
#: dash in each cell: the Notes say why once).
_NO_FIGURE_WORDS = {
    NoFigure.SERVICES_NOT_IN_CENSUS: "no_census_services",
    NoFigure.NO_PARTNER_DATA: "no_partner_data",
    NoFigure.NOT_IN_PARTNER_DATA: "not_in_census",
}


def _formulas(col: dict[str, str]) -> dict[str, str]:
    words = wording(WORDING)
    row = {key: DESTINATIONS.this_row(key) for key in col}
    # The figure that ranks a flow's destinations is named after the flow.
    criteria = (f"{PUBLISHED_FIGURES.column('figure')},"
                f"{string_literal(DESTINATION_FIGURE_PREFIX)}&{row['flow']},"
                f"{PUBLISHED_FIGURES.column('year')},{SNAPSHOT_YEAR},"
                f"{PUBLISHED_FIGURES.column('subject')},{literal_criterion_of(row['country'])}")
    listed = f"SUMIFS({DESTINATIONS.column('value_usd')},{DESTINATIONS.column('flow')},{row['flow']})"
    return {
        "published_rank": (f"IF(COUNTIFS({criteria})=0,{string_literal(not_published())},"
                           f"SUMIFS({PUBLISHED_FIGURES.column('value')},{criteria}))"),
        # Blank until a value is entered, and while the flow's listed values sum to 0.
        "share_of_listed": (f'IF(ISNUMBER({row["value_usd"]}),'
                            f'IF({listed}=0,"",{row["value_usd"]}/{listed}),"")'),
        # Census has partner data for goods (products) only; the words say why a value is missing.
        "census_value": (f'IF({row["flow"]}<>{string_literal(CENSUS_FLOW)},{string_literal(words["no_census_services"])},'
                         f'IF({HAS_PARTNER_DATA}<>1,{string_literal(words["no_partner_data"])},'
                         f'IF({partners.country_listed(row["country"])}=0,{string_literal(words["not_in_census"])},'
                         f'{partners.country_lookup("exports", row["country"])})))'),
        "census_share": (f'IF(ISNUMBER({row["census_value"]}),'
                         f'{partners.country_lookup("export_share", row["country"])},"")'),
        "census_rank": (f'IF(ISNUMBER({row["census_value"]}),'
                        f'{partners.country_lookup("export_rank", row["country"])},"")'),
    }


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    col = DESTINATIONS.headers()
    table = model.figures(destination_figures).table

    width = sum(column_width(width) for key, (_, width) in _LOOK.items() if key not in _UNPRINTED)
    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])
    layout.paragraph(words["subtitle"], width, "subtitle")
    layout.skip()
    table_header_row = layout.heading(words["table_heading"]) + 1

    formulas = _formulas(col)
    columns = [
        TableColumn(header=col[key], style=style, width=width,
                    values=[_shown(value, words) for value in table[key].tolist()], formula=formulas.get(key))
        for key, (style, width) in _LOOK.items()
    ]
    first, last = write_table(book, sheet, table_header_row, DESTINATIONS.name, columns)
    _validation(sheet, words, first, last)

    layout.row = last + 2
    layout.paragraph(words["census_note"], width)
    end_row = layout.paragraph(words["source_note"], width)
    # Below the analyst's columns, which it explains, and like them out of print.
    first_unprinted = list(_LOOK).index(_UNPRINTED[0])
    input_width = sum(column_width(_LOOK[key][1]) for key in _UNPRINTED)
    SheetLayout(book, sheet, model.year, row=last + 2, col=first_unprinted).paragraph(words["input_note"], input_width)
    sheet.freeze_panes(table_header_row + 1, 0)
    print_setup(sheet, end_row - 1, first_unprinted - 1, repeat_row=table_header_row)


def _shown(value: object, words: Wording) -> object:
    """What a cell of the table shows: a figure, or the words for why there is none."""
    return words[_NO_FIGURE_WORDS[value]] if isinstance(value, NoFigure) else shown(value)


def _validation(sheet: Worksheet, words: Wording, first: int, last: int) -> None:
    """Guard rails on the inputs: a flow the schema knows, a value of 0 or more."""
    keys = list(_LOOK)
    flow_col, value_col = keys.index("flow"), keys.index("value_usd")
    assert DESTINATIONS.data_file is not None, "the register declares Destinations with its data file"

    sheet.data_validation(first, flow_col, last, flow_col, {
        "validate": "list", "source": list(DESTINATIONS.data_file.column("flow").choices),
        "error_message": words["flow_error"],
    })
    sheet.data_validation(first, value_col, last, value_col, {
        "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
        "error_message": words["value_error"],
    })
