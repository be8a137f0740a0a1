"""The States sheet: one row per state code with its tech exports, change, share, rank and flags.

Every figure is a formula over the data sheets and the settings (the snapshot year on the
Cover, the others on the Notes), so it follows the snapshot year and any edited figure.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xlsxwriter.utility import xl_col_to_name

from workbook.model import SnapshotModel
from workbook.model.states import YES, state_figures
from workbook.writing.register import (CENSUS_EXPORTS, OVER_THRESHOLD_USD, SNAPSHOT_YEAR, STATE_LIST, STATE_SUMMARY,
                                       STATES_OVER_THRESHOLD, STATES_TECH_LEADING, STATES_TECH_TOP_THREE, TECH_CATEGORY,
                                       TECH_EXPORTS_US, TECH_EXPORTS_US_CHANGE, TECH_EXPORTS_US_CHANGE_PERCENT,
                                       TECH_EXPORTS_US_PREVIOUS)
from workbook.sheets.data_tables import WideTable, wide_table
from workbook.templates_loader import wording
from workbook.writing.layout import SheetLayout
from workbook.writing.xlsx import Book, TableColumn, print_setup, mark_small_values, theme_colour, write_table

#: The name other sheets' formulas know the States table by.
TABLE = STATE_SUMMARY.name
# Labels overflow into the empty cells to their right, so values sit past them.
VALUE_COL = 5

#: (defined name, wording key, style, model attribute) of the U.S. summary block, in order.
SUMMARY = (
    (TECH_EXPORTS_US, "us_tech_exports", "billions", "us_tech_exports"),
    (TECH_EXPORTS_US_PREVIOUS, "us_tech_exports_previous", "billions", "us_tech_exports_previous"),
    (TECH_EXPORTS_US_CHANGE, "us_change", "billions_change", "us_change"),
    (TECH_EXPORTS_US_CHANGE_PERCENT, "us_change_ratio", "change_ratio", "us_change_ratio"),
    (STATES_OVER_THRESHOLD, "states_over_threshold", "count", "states_over_threshold"),
    (STATES_TECH_TOP_THREE, "states_tech_top_three", "count", "states_tech_top_three"),
    (STATES_TECH_LEADING, "states_tech_leading", "count", "states_tech_leading"),
)


def _sumifs_tech(exports: WideTable, year: str, state: str) -> str:
    return (f"SUMIFS({exports.year_column(year)},"
            f"{CENSUS_EXPORTS.column('state_code')},{state},"
            f"{CENSUS_EXPORTS.column('naics3')},{TECH_CATEGORY})")


def _formulas(col: dict[str, str], exports: WideTable) -> dict[str, str]:
    """The formula of each computed column, in the table's own structured references."""
    row = {key: STATE_SUMMARY.this_row(key) for key in col}
    whole = {key: STATE_SUMMARY.column(key) for key in col}
    previous_year = f"{SNAPSHOT_YEAR}-1"
    return {
        "state_name": (f"INDEX({STATE_LIST.column('state_name')},"
                       f"MATCH({row['state_code']},{STATE_LIST.column('state_code')},0))"),
        "tech_exports": _sumifs_tech(exports, SNAPSHOT_YEAR, row["state_code"]),
        # The first year of the data has no year before it: its previous year counts as 0.
        "tech_exports_previous": (f"IF({exports.has_year_column(previous_year)},"
                                  f"{_sumifs_tech(exports, previous_year, row['state_code'])},0)"),
        "change": f"{row['tech_exports']}-{row['tech_exports_previous']}",
        "change_ratio": f'IF({row["tech_exports_previous"]}=0,"",{row["change"]}/{row["tech_exports_previous"]})',
        "share_of_us": f"IF({TECH_EXPORTS_US}=0,0,{row['tech_exports']}/{TECH_EXPORTS_US})",
        "us_rank": f"RANK({row['tech_exports']},{whole['tech_exports']},0)",
        "goods_exports": (f"SUMIFS({exports.year_column(SNAPSHOT_YEAR)},"
                          f"{CENSUS_EXPORTS.column('state_code')},{row['state_code']})"),
        "tech_share_of_goods": f"IF({row['goods_exports']}=0,0,{row['tech_exports']}/{row['goods_exports']})",
        # Categories from 900 up are Census special provisions, not product categories.
        "tech_category_rank": (f"1+COUNTIFS({CENSUS_EXPORTS.column('state_code')},{row['state_code']},"
                               f"{CENSUS_EXPORTS.column('naics3')},\"<900\","
                               f"{exports.year_column(SNAPSHOT_YEAR)},\">\"&{row['tech_exports']})"),
        "over_threshold": f'IF({row["tech_exports"]}>{OVER_THRESHOLD_USD},"{YES}","No")',
        "tech_top_three": f'IF({row["tech_category_rank"]}<=3,"{YES}","No")',
        "tech_leading": f'IF({row["tech_category_rank"]}=1,"{YES}","No")',
    }


#: Style and width of each column of the table.
_LOOK = {
    "state_code": ("formula_text", "state_code"),
    "state_name": ("formula_text", "state_name"),
    "tech_exports": ("millions", "figure"),
    "tech_exports_previous": ("millions", "figure"),
    "change": ("millions_change", "figure"),
    "change_ratio": ("change_ratio", "figure"),
    "share_of_us": ("ratio", "figure"),
    "us_rank": ("rank", "narrow"),
    "goods_exports": ("millions", "figure"),
    "tech_share_of_goods": ("ratio", "figure"),
    "tech_category_rank": ("rank", "flag"),
    "over_threshold": ("flag", "narrow"),
    "tech_top_three": ("flag", "narrow"),
    "tech_leading": ("flag", "narrow"),
}
#: Columns whose figures take a colour by their sign (and so do their small figures' rules).
SIGNED = ("change", "change_ratio")
#: Colours of a figure below and above zero.
SIGN_STYLES = {"<": "rule_bad", ">": "rule_ok"}


def _summary_formulas(col: dict[str, str]) -> dict[str, str]:
    whole = {key: STATE_SUMMARY.column(key) for key in col}
    return {
        "us_tech_exports": f"SUM({whole['tech_exports']})",
        "us_tech_exports_previous": f"SUM({whole['tech_exports_previous']})",
        "us_change": f"{TECH_EXPORTS_US}-{TECH_EXPORTS_US_PREVIOUS}",
        "us_change_ratio": (f'IF({TECH_EXPORTS_US_PREVIOUS}=0,"",'
                            f'{TECH_EXPORTS_US_CHANGE}/{TECH_EXPORTS_US_PREVIOUS})'),
        "states_over_threshold": f'COUNTIF({whole["over_threshold"]},"{YES}")',
        "states_tech_top_three": f'COUNTIF({whole["tech_top_three"]},"{YES}")',
        "states_tech_leading": f'COUNTIF({whole["tech_leading"]},"{YES}")',
    }


WORDING = "states"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording("states")
    figures = model.figures(state_figures)
    col = STATE_SUMMARY.headers()

    layout = SheetLayout(book, sheet, model.year)
    layout.opening(words["title"], words["subtitle"])
    layout.heading(words["summary_heading"])
    summary_formulas = _summary_formulas(col)
    for name, key, style, attribute in SUMMARY:
        layout.named_figure(name, words[key], summary_formulas[key], getattr(figures, attribute), style, VALUE_COL)
    layout.skip()

    layout.heading(words["table_heading"])
    # The columns' units sit in the row above the table's header.
    units_row = layout.units([words["units"].get(key) for key in _LOOK])
    header_row = layout.row
    table = figures.table.reset_index()
    formulas = _formulas(col, wide_table(model, CENSUS_EXPORTS))
    columns = [
        TableColumn(header=col[key], style=_LOOK[key][0], width=_LOOK[key][1], values=table[key].tolist(),
                    formula=formulas.get(key))
        for key in _LOOK
    ]
    first, last = write_table(book, sheet, header_row, TABLE, columns)
    for key, (style, _) in _LOOK.items():
        figure_col = _column(key)
        mark_small_values(book, sheet, first, figure_col, last, figure_col, style,
                          SIGN_STYLES if key in SIGNED else None)

    _highlight(book, sheet, first, last)
    layout.row = last + 2
    notes_row = layout.note(words["notes"])
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, notes_row, len(columns) - 1, repeat_rows=(units_row, header_row))


def _column(key: str) -> int:
    return list(_LOOK).index(key)


def _highlight(book: Book, sheet: Worksheet, first: int, last: int) -> None:
    """Data bars on exports, a colour rule on change, leading states highlighted.

    Conditional formats are evaluated by the reader, so they follow edited figures
    and the snapshot year without a rebuild.
    """
    formats = book.formats
    exports = _column("tech_exports")
    sheet.conditional_format(first, exports, last, exports, {
        "type": "data_bar", "bar_color": theme_colour("data_bar"), "bar_solid": True})
    for key in SIGNED:
        col = _column(key)
        sheet.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "<", "value": 0, "format": formats["rule_bad"]})
        sheet.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": ">", "value": 0, "format": formats["rule_ok"]})
    leading = xl_col_to_name(_column("tech_leading"))
    sheet.conditional_format(first, 0, last, _column("state_name"), {
        "type": "formula", "criteria": f'=${leading}{first + 1}="{YES}"', "format": formats["rule_highlight"]})
    for key in ("over_threshold", "tech_top_three", "tech_leading"):
        col = _column(key)
        sheet.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "==", "value": f'"{YES}"', "format": formats["rule_highlight"]})
