"""The Categories sheet: exports by state and NAICS-3 category, national totals, the largest categories.

The matrix is a heat map of live SUMIFS over the CensusExports table for the
snapshot year; the national totals and their ranks are a table of their own, and
the chart reads a small ranked block that follows them, so the whole sheet follows
the SnapshotYear and TechCategory inputs and every edited figure.
"""

from __future__ import annotations

from typing import cast

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.categories import (LARGEST_COUNT, PRODUCT_KIND, CategoryFigures, category_figures,
                                       house_label_formula)
from workbook.writing.register import (CATEGORY_LIST, CATEGORY_TOTALS, CENSUS_EXPORTS, GOODS_EXPORTS_US,
                                       LARGEST_CATEGORIES, SNAPSHOT_YEAR, STATE_LIST, TECH_CATEGORY,
                                       TECH_CATEGORY_RANK_US, TECH_SHARE_OF_GOODS_US)
from workbook.sheets.data_tables import WideTable, state_blocks, wide_table
from workbook.writing.charts import HouseChart, data_label_format
from workbook.templates_loader import Wording, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import lines_height, row_height_for, rows_covered, table_text_lines
from workbook.writing.xlsx import (Book, TableColumn, column_width, fill_colour, print_setup, mark_small_values,
                                   string_literal, theme_colour, write_formula, write_table, write_value)

WORDING = "categories"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False

# Summary labels overflow into the empty name column, so values sit past it.
SUMMARY_VALUE_COL = 2
CODE_COL, NAME_COL, FIRST_CATEGORY_COL = 0, 1, 2

#: (defined name, wording key, style) of the U.S. summary block, in order.
SUMMARY = (
    (GOODS_EXPORTS_US, "goods_exports_us", "billions"),
    (TECH_CATEGORY_RANK_US, "tech_rank_us", "rank"),
    (TECH_SHARE_OF_GOODS_US, "tech_share_us", "ratio"),
)
#: Printed size (percent): the largest at which the matrix's rows fit one landscape page.
PRINT_SCALE = 73
#: Category columns of the matrix on each printed page; the state columns repeat on each.
CATEGORIES_PER_PAGE = 16
#: Height in points of a row of the matrix: one line of its 10-point figures.
MATRIX_ROW_HEIGHT = 12
#: Where the matrix's note sits in its heading's row, clear of the heading.
MATRIX_NOTE_COL = 7

#: Style and width of each column of the national totals table, by wording key.
TOTALS_LOOK = {
    "code": ("code_number", None),
    "label": ("wrapped", None),
    "kind": ("formula_text", None),
    "exports": ("billions", None),
    "share_of_goods": ("ratio", None),
    "rank": ("rank", None),
}
LARGEST_LOOK = {
    "rank": ("rank", None),
    "label": ("wrapped", None),
    "code": ("code_number", None),
    "exports": ("billions", None),
    "share_of_goods": ("ratio", None),
}
#: Columns of figures, whose headers sit right-aligned over them.
FIGURE_COLUMNS = ("exports", "share_of_goods", "rank")

#: The chart sits under the largest categories, on their page, left of where the matrix's
#: second printed page starts.
CHART_COL = 0
CHART_WIDTH, CHART_HEIGHT = 680, 440
#: Rows the chart covers, plus one to spare.
CHART_ROWS = rows_covered(CHART_HEIGHT) + 1
#: The heat map's middle colour sits at this percentile: most state-category
#: figures are small, and a few are very large.
HEAT_MID_PERCENTILE = 90


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    figures = model.figures(category_figures)

    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])
    layout.subtitle(words["subtitle"])
    # The matrix comes first, right under the title, so that its 53 rows print on one page
    # (two pages wide); the U.S. summary opens the page of national totals after it.
    last_matrix_row, last_col = _matrix(layout, model, figures, words)
    layout.row = last_matrix_row + 2
    summary_heading_row = _summary(layout, figures, words)
    layout.skip()
    totals_heading_row = layout.heading(words["totals_heading"])
    totals_first, totals_last = _totals(book, sheet, figures, words, totals_heading_row + 1,
                                       wide_table(model, CENSUS_EXPORTS))

    # The largest categories and their chart on a page of their own: the chart is never cut.
    layout.row = totals_last + 2
    largest_heading_row = layout.heading(words["largest_heading"])
    largest_first, largest_last = _largest(book, sheet, figures, words, largest_heading_row + 1)
    chart_row = largest_last + 2
    _chart(book, sheet, model, words, largest_heading_row, largest_first, largest_last, chart_row, last_col + 1)

    # Below the chart's rows, so that the print area holds it whole.
    layout.row = chart_row + CHART_ROWS
    last_row = layout.notes(words["notes"])
    layout.skip()
    layout.notes(words["analyst_notes"])
    # State code and name stay in view while the categories scroll by.
    sheet.freeze_panes(0, FIRST_CATEGORY_COL)
    # No repeated header row: the matrix fits one page tall, and its header would mislabel the totals.
    # The state code and name are written again where the matrix's second page starts.
    print_setup(sheet, last_row, last_col, scale=PRINT_SCALE, row_breaks=[summary_heading_row, largest_heading_row],
                col_breaks=[FIRST_CATEGORY_COL + CATEGORIES_PER_PAGE])
    # Pages left to right, then down: the matrix's two halves, then the totals and the chart.
    sheet.print_across()


# ---------------------------------------------------------------- summary

def _summary(layout: SheetLayout, figures: CategoryFigures, words: Wording) -> int:
    """The U.S. summary under its heading, at the cursor; returns the heading's row."""
    heading_row = layout.heading(words["summary_heading"])
    not_ranked = words["not_ranked"]
    tech_found = f"COUNTIF({CATEGORY_TOTALS.column('code')},{TECH_CATEGORY})=0"

    def tech_figure(column: str) -> str:
        return (f"IF({tech_found},{string_literal(not_ranked)},"
                f"INDEX({CATEGORY_TOTALS.column(column)},"
                f"MATCH({TECH_CATEGORY},{CATEGORY_TOTALS.column('code')},0)))")

    formulas = {
        "goods_exports_us": f"SUM({CATEGORY_TOTALS.column('exports')})",
        "tech_rank_us": tech_figure("rank"),
        "tech_share_us": tech_figure("share_of_goods"),
    }
    values = {
        "goods_exports_us": figures.goods_exports_us,
        "tech_rank_us": _or_not_ranked(figures.tech_rank_us, not_ranked),
        "tech_share_us": _or_not_ranked(figures.tech_share_of_goods_us, not_ranked),
    }
    for name, key, style in SUMMARY:
        layout.named_figure(name, words[key], formulas[key], values[key], style, SUMMARY_VALUE_COL)
    return heading_row


def _or_not_ranked(value: float | None, not_ranked: str) -> float | str:
    return not_ranked if value is None else value


# ---------------------------------------------------------------- matrix

def category_col(offset: int) -> int:
    """The column of the matrix's category number ``offset`` (from 0): the state's code and name
    come again after the first page's categories, so that the second printed page has them."""
    return FIRST_CATEGORY_COL + offset + (2 if offset >= CATEGORIES_PER_PAGE else 0)


def _matrix(layout: SheetLayout, model: SnapshotModel, figures: CategoryFigures, words: Wording) -> tuple[int, int]:
    """The state x category matrix with its heat map, at the cursor; return its last row and column."""
    book, sheet = layout.book, layout.sheet
    formats = book.formats
    columns = words["matrix_columns"]
    matrix = figures.matrix
    heading_row = layout.heading(words["matrix_heading"])
    header_row = layout.row
    first_row, last_row = header_row + 1, header_row + len(matrix.index)
    category_cols = [category_col(offset) for offset in range(len(matrix.columns))]
    last_col = category_cols[-1]
    # The state's code and name again where the matrix's second printed page starts.
    label_copies = [(CODE_COL, col) for col in (FIRST_CATEGORY_COL + CATEGORIES_PER_PAGE,) if col < last_col]
    label_copies += [(NAME_COL, col + 1) for _, col in label_copies]

    # The note beside the heading: above or below the matrix, it would cost the matrix a printed row.
    layout.write_text(heading_row, MATRIX_NOTE_COL, words["matrix_note"], "note")
    # Again where the second printed page starts, which holds the tech column: its legend beside it.
    for source, col in label_copies:
        if source == CODE_COL:
            layout.write_text(heading_row, col, words["matrix_heading_continued"], "heading")
            layout.write_text(heading_row, col + MATRIX_NOTE_COL, words["matrix_note"], "note")
    for source, col in [(CODE_COL, CODE_COL), (NAME_COL, NAME_COL), *label_copies]:
        key = "state_code" if source == CODE_COL else "state_name"
        sheet.write_string(header_row, col, columns[key], formats["header"])
    for code, col in zip(matrix.columns, category_cols):
        # A column is the category whose code is its header: the formulas below read it there.
        style = "header_code" if figures.is_product(int(code)) else "header_special"
        sheet.write_number(header_row, col, int(code), formats[style])
    sheet.set_row(header_row, row_height_for("header"))

    # Beside the matrix, with the chart's helper cells: whether each state's rows are
    # all in its block of CensusExports, which its cells then sum alone.
    holds_col = last_col + 1
    sheet.write_string(header_row, holds_col, words["block_holds_state_header"], formats["header_number"])
    # Shown, right of the printed page: LibreOffice 7.4 prints a chart without the figures of hidden
    # columns, and the chart's helper cells share these columns.
    sheet.set_column(holds_col, holds_col + 1, column_width("rank") + 4)
    exports, blocks = wide_table(model, CENSUS_EXPORTS), state_blocks(model)
    for index, (label, values) in enumerate(matrix.iterrows()):
        row = first_row + index
        state_code = str(label)
        code_cell = xl_rowcol_to_cell(row, CODE_COL, col_abs=True)
        write_value(sheet, row, CODE_COL, state_code, formats["formula_text"])
        write_formula(sheet, row, NAME_COL,
                      f"INDEX({STATE_LIST.column('state_name')},"
                      f"MATCH({code_cell},{STATE_LIST.column('state_code')},0))",
                      formats["formula_text"], figures.state_names[state_code])
        for source, col in label_copies:
            write_formula(sheet, row, col, xl_rowcol_to_cell(row, source, col_abs=True), formats["formula_text"],
                          state_code if source == CODE_COL else figures.state_names[state_code])
        sheet.set_row(row, MATRIX_ROW_HEIGHT)
        block = blocks[state_code]
        write_formula(sheet, row, holds_col, block.holds_state(code_cell), formats["rank"], 1)
        holds = xl_rowcol_to_cell(row, holds_col, col_abs=True)
        for col, value in zip(category_cols, values):
            category_cell = xl_rowcol_to_cell(header_row, col, row_abs=True)
            write_formula(sheet, row, col, block.exports(exports, SNAPSHOT_YEAR, code_cell, category_cell, holds),
                          formats["millions_compact"], value)

    sheet.set_column(CODE_COL, CODE_COL, column_width("state_code"))
    # State names in the matrix, category labels (wrapped) in the totals below it.
    sheet.set_column(NAME_COL, NAME_COL, column_width("category_label"))
    sheet.set_column(FIRST_CATEGORY_COL, last_col, column_width("matrix"))
    # The first category column also holds the U.S. summary's figures, on the totals page.
    sheet.set_column(SUMMARY_VALUE_COL, SUMMARY_VALUE_COL, column_width("figure") - 2)
    for source, col in label_copies:
        sheet.set_column(col, col, column_width("state_code" if source == CODE_COL else "state_name"))
    mark_small_values(book, sheet, first_row, FIRST_CATEGORY_COL, last_row, last_col, "millions_compact")
    sheet.conditional_format(first_row, FIRST_CATEGORY_COL, last_row, last_col, {
        "type": "3_color_scale",
        "min_color": fill_colour("heat_scale_low"),
        "mid_type": "percentile", "mid_value": HEAT_MID_PERCENTILE,
        "mid_color": fill_colour("heat_scale_mid"),
        "max_color": fill_colour("heat_scale_high"),
    })
    # Tech's column: the header whose code is the TechCategory input, so the mark follows it.
    first_header = xl_rowcol_to_cell(header_row, FIRST_CATEGORY_COL, row_abs=True)
    sheet.conditional_format(header_row, FIRST_CATEGORY_COL, header_row, last_col, {
        "type": "formula", "criteria": f"={first_header}={TECH_CATEGORY}",
        "format": formats["rule_tech_header"],
    })
    return last_row, last_col


# ---------------------------------------------------------------- national totals

def _totals_formulas(col: dict[str, str], not_ranked: str, exports: WideTable) -> dict[str, str]:
    row = {key: CATEGORY_TOTALS.this_row(key) for key in col}
    whole = {key: CATEGORY_TOTALS.column(key) for key in col}
    find = f"MATCH({row['code']},{CATEGORY_LIST.column('naics3')},0)"
    product = string_literal(PRODUCT_KIND)
    return {
        # Census's label in the house style (sentence case, "n.e.s.o.i."), live from the Category list.
        "label": house_label_formula(f"INDEX({CATEGORY_LIST.column('label')},{find})"),
        "kind": f"INDEX({CATEGORY_LIST.column('kind')},{find})",
        "exports": (f"SUMIFS({exports.year_column(SNAPSHOT_YEAR)},"
                    f"{CENSUS_EXPORTS.column('naics3')},{row['code']})"),
        "share_of_goods": f"IF({GOODS_EXPORTS_US}=0,0,{row['exports']}/{GOODS_EXPORTS_US})",
        # Product categories that exported more, plus those that exported as much with a
        # smaller code: every rank is taken once, which the largest-categories block needs.
        "rank": (f"IF({row['kind']}<>{product},{string_literal(not_ranked)},"
                 f"1+COUNTIFS({whole['kind']},{product},{whole['exports']},\">\"&{row['exports']})"
                 f"+COUNTIFS({whole['kind']},{product},{whole['exports']},{row['exports']},"
                 f"{whole['code']},\"<\"&{row['code']}))"),
    }


def _totals(book: Book, sheet: Worksheet, figures: CategoryFigures, words: Wording, header_row: int,
            exports: WideTable) -> tuple[int, int]:
    col = CATEGORY_TOTALS.headers()
    totals = figures.totals.reset_index().rename(columns={"naics3": "code"})
    totals["rank"] = [_or_not_ranked(rank, words["not_ranked"]) for rank in totals["rank"]]
    formulas = _totals_formulas(col, words["not_ranked"], exports)
    columns = [
        TableColumn(header=col[key], style=style, width=width, values=totals[key].tolist(), formula=formulas.get(key),
                    header_style=_header_style(key))
        for key, (style, width) in TOTALS_LOOK.items()
    ]
    first, last = write_table(book, sheet, header_row, CATEGORY_TOTALS.name, columns)
    # The rank's column is a matrix column too: a little wider, so that its header takes three lines.
    rank_col = list(TOTALS_LOOK).index("rank")
    sheet.set_column(rank_col, rank_col, column_width("matrix") + 1)
    _fit_labels(sheet, first, totals["label"].tolist())
    _mark_tech_rows(book, sheet, first, last, len(columns) - 1, list(TOTALS_LOOK).index("code"))
    return first, last


def _largest(book: Book, sheet: Worksheet, figures: CategoryFigures, words: Wording, header_row: int) -> tuple[int, int]:
    col = LARGEST_CATEGORIES.headers()
    rank = LARGEST_CATEGORIES.this_row("rank")
    ranks = CATEGORY_TOTALS.column("rank")

    def pick(key: str) -> str:
        # Blank where there are fewer product categories than places in the block.
        return (f"IF({rank}>COUNT({ranks}),\"\","
                f"INDEX({CATEGORY_TOTALS.column(key)},MATCH({rank},{ranks},0)))")

    largest = figures.largest.set_index("rank").reindex(pd.Index(range(1, LARGEST_COUNT + 1), name="rank"))
    largest = largest.astype(object).where(largest.notna(), "").reset_index()
    columns = [
        TableColumn(header=col[key], style=style, width=width, values=largest[key].tolist(),
                    formula=None if key == "rank" else pick(key), header_style=_header_style(key))
        for key, (style, width) in LARGEST_LOOK.items()
    ]
    first, last = write_table(book, sheet, header_row, LARGEST_CATEGORIES.name, columns)
    _fit_labels(sheet, first, largest["label"].tolist())
    _mark_tech_rows(book, sheet, first, last, len(columns) - 1, list(LARGEST_LOOK).index("code"))
    return first, last


def _header_style(key: str) -> str:
    return "header_number" if key in FIGURE_COLUMNS else "header"


def _fit_labels(sheet: Worksheet, first_row: int, labels: list[str]) -> None:
    """Give a row two lines where its category label wraps in the label column."""
    for index, label in enumerate(labels):
        if table_text_lines(str(label), column_width("category_label")) > 1:
            sheet.set_row(first_row + index, lines_height(2))


def _mark_tech_rows(book: Book, sheet: Worksheet, first: int, last: int, last_col: int, code_col: int) -> None:
    code_cell = xl_rowcol_to_cell(first, code_col, col_abs=True)
    sheet.conditional_format(first, 0, last, last_col, {
        "type": "formula", "criteria": f"={code_cell}={TECH_CATEGORY}", "format": book.formats["rule_highlight"],
    })


# ---------------------------------------------------------------- chart

def _chart(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, title_row: int, first: int, last: int,
           anchor_row: int, helper_col: int) -> None:
    """A bar chart of the largest product categories, largest on top, tech in the highlight colour.

    Tech is picked out live: two helper columns split the ranked block's exports into tech
    (the TechCategory input) and the others, and the chart overlays the two. They sit in the
    columns right of the matrix (from ``helper_col``), outside the printed page: the columns beside the block are
    the matrix's, too narrow to print them.
    """
    name = sheet.get_name()
    label_col = list(LARGEST_LOOK).index("label")
    code_col = list(LARGEST_LOOK).index("code")
    exports_col = list(LARGEST_LOOK).index("exports")
    others_col, tech_col = helper_col, helper_col + 1
    largest = model.figures(category_figures).largest.set_index("rank")
    helper_style = book.style_variant("usd_billions", num_format=data_label_format(),
                                      font_color=theme_colour("muted_text"))
    for col, key in ((others_col, "chart_others_header"), (tech_col, "chart_tech_header")):
        sheet.write_string(first - 1, col, words[key], book.formats["header"])
    for row in range(first, last + 1):
        rank = row - first + 1
        code, exports = xl_rowcol_to_cell(row, code_col), xl_rowcol_to_cell(row, exports_col)
        value = float(cast(float, largest.loc[rank, "exports"])) if rank in largest.index else 0.0
        is_tech = rank in largest.index and int(cast(int, largest.loc[rank, "code"])) == model.tech_naics3

        write_formula(sheet, row, others_col, f"IF(AND(ISNUMBER({exports}),{code}<>{TECH_CATEGORY}),{exports},0)",
                      helper_style, 0.0 if is_tech else value)
        write_formula(sheet, row, tech_col, f"IF(AND(ISNUMBER({exports}),{code}={TECH_CATEGORY}),{exports},0)",
                      helper_style, value if is_tech else 0.0)
    chart = HouseChart(book, "bar", [name, title_row, 0])
    chart.show_hidden_cells()
    categories = [name, first, label_col, last, label_col]
    # The two series share each bar's place: a category's bar is one or the other, the other is 0,
    # and a zero is not labelled.
    label_format = data_label_format()
    chart.add_series([name, first - 1, others_col], categories, [name, first, others_col, last, others_col],
                     labels=True, label_format=label_format, overlap=100, gap=60)
    chart.add_series([name, first - 1, tech_col], categories, [name, first, tech_col, last, tech_col],
                     highlight=True, label_format=label_format)
    chart.value_axis(words["chart_x_axis"])
    chart.category_axis(words["chart_y_axis"], reverse=True)
    chart.legend()
    chart.place(sheet, anchor_row, CHART_COL, width=CHART_WIDTH, height=CHART_HEIGHT,
                description=words["chart_description"])
