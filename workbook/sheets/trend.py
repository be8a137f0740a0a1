"""The Trend sheet: tech exports by state for every year of the data, U.S. totals, change and a line chart.

Each year's figures are SUMIFS over that year's column of the CensusExports
table, for the TechCategory input (a state's over its own rows alone, found by
helper columns folded away at the end of its table); the snapshot year's column is highlighted by
a rule that follows the SnapshotYear input.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.trend import TrendFigures, trend_figures
from workbook.writing.charts import OFF_THE_CHART, HouseChart, mark_formula, mark_number_format
from workbook.writing.register import (CENSUS_EXPORTS, SNAPSHOT_YEAR, STATE_LIST, TECH_CATEGORY,
                                       TECH_EXPORTS_US_FIRST_YEAR, TECH_EXPORTS_US_LAST_YEAR, TECH_TREND, TECH_TREND_US)
from workbook.model.census_rows import TECH_ROW_KEYS, tech_rows
from workbook.sheets.data_tables import WideTable, state_tech_exports, tech_row_formulas, wide_table
from workbook.sheets.partial_years import (mark_partial_years, partial_year_label, partial_years_covers,
                                          year_label_formula)
from workbook.spreadsheet import quote_sheet_name
from workbook.templates_loader import Wording, chart_style, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import column_pixels, header_row_height, rows_covered
from workbook.writing.xlsx import (Book, TableColumn, column_width, fold_columns, number_format,
                                   print_setup, mark_small_values, text_formula, theme_colour, write_formula,
                                   write_table)

WORDING = "trend"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False

#: The U.S. table's header row, under the title, the subtitle, a blank row and the heading: planned,
#: since the title names the table's first and last years' cells, and the layout checks it reaches it.
US_HEADER_ROW = 4
CODE_COL, NAME_COL, FIRST_YEAR_COL = 0, 1, 2

#: Style and width of each column of the U.S. table, by wording key.
US_LOOK = {
    "year": ("year", "code"),
    "exports": ("billions", "name"),
    "previous": ("billions", None),
    "change": ("billions_change", None),
    "change_ratio": ("change_ratio", None),
}

def year_column_width() -> float:
    """Width of a year column of the state table (and of the U.S. table's columns above it)."""
    return column_width("matrix") + 2


#: The line chart sits beside the U.S. table, clear of its columns; the state table starts below it.
CHART_COL = len(US_LOOK) + 1
CHART_HEIGHT = 300
#: The chart's least width, in pixels: with few years it reaches past the last year's column.
CHART_LEAST_WIDTH = 360
#: Pixels kept clear between the chart's right edge and the last year's column's.
CHART_RIGHT_MARGIN = 2
#: The pages the sheet prints on.
TREND_PAGES = 2


def chart_width(years: int) -> int:
    """The chart's width for ``years`` year columns: over the year columns beside the U.S. table, up to the
    last one, so that the printed page (which holds every chart) ends there. The sparklines beyond it are
    left to the workbook: LibreOffice prints them off their rows."""
    columns_beside = FIRST_YEAR_COL + years - CHART_COL
    span = columns_beside * column_pixels(year_column_width()) - CHART_RIGHT_MARGIN
    return max(CHART_LEAST_WIDTH, int(span))


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    figures = model.figures(trend_figures)

    layout = SheetLayout(book, sheet, model.year)
    # The first and last years of the U.S. table, whose rows follow its header row.
    year_cells = {"first": xl_rowcol_to_cell(US_HEADER_ROW + 1, CODE_COL),
                  "last": xl_rowcol_to_cell(US_HEADER_ROW + len(figures.us), CODE_COL)}
    first_year, last_year = figures.years[0], figures.years[-1]
    layout.live_line(text_formula(words["title"], year_cells), words["title"].format(first=first_year, last=last_year),
                     "title")
    layout.subtitle(words["subtitle"])
    layout.skip()
    us_heading_row = layout.heading(words["us_heading"])
    us_first, us_last = _us_table(book, sheet, figures, words, wide_table(model, CENSUS_EXPORTS),
                                  layout.reach(US_HEADER_ROW))
    mark_partial_years(book, sheet, us_first, list(US_LOOK).index("year"), figures.us.reset_index()["year"].tolist(),
                       model.data.partial_years, US_LOOK["year"][0])
    _chart(book, sheet, words, figures, model, us_first, us_last, us_heading_row)

    layout.row = max(us_last + 2, us_heading_row + rows_covered(CHART_HEIGHT) + 1)
    header_row = layout.heading(words["states_heading"]) + 1
    last_row, sparkline_col = _state_table(book, sheet, model, figures, words, header_row)

    layout.row = last_row + 2
    partial = ([str(words["partial_years_note"]).format(years=partial_years_covers(model.data.partial_years))]
               if model.data.partial_years else [])
    notes_row = layout.notes([*words["notes"], *partial])
    layout.skip()
    layout.notes(words["analyst_notes"])
    sheet.set_column(CODE_COL, CODE_COL, column_width("code"))
    sheet.set_column(NAME_COL, NAME_COL, column_width("state_name"))
    sheet.freeze_panes(0, FIRST_YEAR_COL)
    # The report prints the figures and leaves the sparklines to the workbook: LibreOffice 7.4
    # prints them off their rows, each over two to four rows of other states. Two pages: the U.S.
    # figures and the first states, then the rest; a third would hold a few states and the notes.
    print_setup(sheet, notes_row, sparkline_col - len(TECH_ROW_KEYS) - 1, repeat_row=header_row,
                pages_tall=TREND_PAGES)


# ---------------------------------------------------------------- United States

def _us_formulas(col: dict[str, str], exports: WideTable) -> dict[str, str]:
    row = {key: TECH_TREND_US.this_row(key) for key in col}
    tech = f"{CENSUS_EXPORTS.column('naics3')},{TECH_CATEGORY}"
    previous_year = f"{row['year']}-1"
    # A year whose previous year is not in the data has no change: blank, not 0.
    na = '""'
    return {
        # A year typed in that the data has no column for sums to 0 rather than an error.
        "exports": (f"IF({exports.has_year_column(row['year'])},"
                    f"SUMIFS({exports.year_column(row['year'])},{tech}),0)"),
        "previous": (f"IF({exports.has_year_column(previous_year)},"
                     f"SUMIFS({exports.year_column(previous_year)},{tech}),{na})"),
        "change": f"IF(ISNUMBER({row['previous']}),{row['exports']}-{row['previous']},{na})",
        "change_ratio": (f"IF(ISNUMBER({row['previous']}),"
                         f"IF({row['previous']}=0,\"\",{row['change']}/{row['previous']}),{na})"),
    }


def _us_table(book: Book, sheet: Worksheet, figures: TrendFigures, words: Wording,
              exports: WideTable, header_row: int) -> tuple[int, int]:
    col = TECH_TREND_US.headers()
    us = figures.us.reset_index()
    formulas = _us_formulas(col, exports)
    columns = [
        TableColumn(header=col[key], style=style, width=width, formula=formulas.get(key),
                    values=["" if value is None else value for value in us[key]],
                    header_style="header" if key == "year" else "header_number")
        for key, (style, width) in US_LOOK.items()
    ]
    first, last = write_table(book, sheet, header_row, TECH_TREND_US.name, columns)
    # The columns without a width of their own are the state table's year columns below.
    sheet.set_row(header_row, header_row_height([
        (column.header, column_width(column.width) if column.width else year_column_width()) for column in columns]))
    for offset, (key, (style, _)) in enumerate(US_LOOK.items()):
        mark_small_values(book, sheet, first, offset, last, offset, style)
    exports_col = list(US_LOOK).index("exports")
    book.define_name(TECH_EXPORTS_US_FIRST_YEAR, sheet, first, exports_col, words["first_year_name"])
    book.define_name(TECH_EXPORTS_US_LAST_YEAR, sheet, last, exports_col, words["last_year_name"])
    # The snapshot year's row, following the SnapshotYear input.
    sheet.conditional_format(first, 0, last, len(columns) - 1, {
        "type": "formula", "criteria": f"={xl_rowcol_to_cell(first, 0, col_abs=True)}={SNAPSHOT_YEAR}",
        "format": book.formats["rule_highlight"],
    })
    return first, last


def _chart(book: Book, sheet: Worksheet, words: Wording, figures: TrendFigures, model: SnapshotModel, first: int,
           last: int, top_row: int) -> None:
    """A line chart of the U.S. total by year, the U.S. table's live cells, with the snapshot year marked.

    The mark is a large marker in the highlight colour, fed by a helper column right of the printed
    page that holds the snapshot year's exports, and a figure below the axis in every other year.
    It is not folded away: LibreOffice 7.4 prints a chart without the figures of hidden columns.
    Where the data hold a partial year, the axis reads the years as labels from the column beside it,
    a partial year marked.
    """
    year, partial_years = model.year, model.data.partial_years
    name = sheet.get_name()
    year_col, exports_col = list(US_LOOK).index("year"), list(US_LOOK).index("exports")
    mark_col = _sparkline_col(figures) + 2
    us = figures.us.reset_index()
    mark_style = book.style_variant("usd_billions", num_format=mark_number_format(),
                                    font_color=theme_colour("muted_text"))
    sheet.write_string(first - 1, mark_col, words["chart_mark_header"], book.formats["header_number"])
    for offset, (row_year, exports) in enumerate(zip(us["year"], us["exports"])):
        row = first + offset
        year_cell, exports_cell = xl_rowcol_to_cell(row, year_col), xl_rowcol_to_cell(row, exports_col)
        write_formula(sheet, row, mark_col, mark_formula(year_cell, exports_cell), mark_style,
                      float(exports) if int(row_year) == year else OFF_THE_CHART)
    sheet.set_column(mark_col, mark_col, column_width("usd"))
    categories = [name, first, year_col, last, year_col]
    if partial_years:
        label_col = mark_col + 1
        sheet.write_string(first - 1, label_col, words["chart_label_header"], book.formats["header"])
        for offset in range(last - first + 1):
            formula = year_label_formula(first + offset, year_col, partial_years)
            row_year = int(us["year"].iloc[offset])
            write_formula(sheet, first + offset, label_col, formula, book.formats["formula_text"],
                          _year_label(row_year, partial_years))
        sheet.set_column(label_col, label_col, column_width("name"))
        categories = [name, first, label_col, last, label_col]
    chart = HouseChart(book, "line", words["chart_title"])
    chart.add_series([name, first - 1, exports_col], categories, [name, first, exports_col, last, exports_col])
    chart.mark_point([name, first - 1, mark_col], categories, [name, first, mark_col, last, mark_col])
    chart.category_axis(words["chart_x_axis_partial" if partial_years else "chart_x_axis"])
    # Whole $ billions, as the table beside it names its unit once.
    chart.value_axis(words["chart_y_axis"], num_format=number_format("billions").split(".")[0] + ",,,", minimum=0)
    chart.legend()
    chart.place(sheet, top_row, CHART_COL, width=chart_width(len(figures.years)), height=CHART_HEIGHT,
                description=str(words["chart_description"]) + (str(words["chart_description_partial"])
                                                                 if partial_years else ""))


def _year_label(year: int, partial_years: dict[int, str]) -> str:
    """The chart's label for ``year``, as its formula gives it."""
    return partial_year_label(year, partial_years[year]) if year in partial_years else str(year)


def _sparkline_col(figures: TrendFigures) -> int:
    """The column of the state table's sparklines: after the years and the folded helper columns."""
    return FIRST_YEAR_COL + len(figures.years) - 1 + len(TECH_ROW_KEYS) + 1


# ---------------------------------------------------------------- by state

def _state_table(book: Book, sheet: Worksheet, model: SnapshotModel, figures: TrendFigures, words: Wording,
                 header_row: int) -> tuple[int, int]:
    """The state x year table with a sparkline per state; return its last row and the sparklines' column."""
    col = TECH_TREND.headers()
    code = TECH_TREND.this_row("state_code")
    table = figures.table
    columns = [
        TableColumn(header=col["state_code"], style="formula_text", values=table.index.tolist()),
        TableColumn(header=col["state_name"], style="formula_text", values=table["state_name"].tolist(),
                    formula=(f"INDEX({STATE_LIST.column('state_name')},"
                             f"MATCH({code},{STATE_LIST.column('state_code')},0))")),
    ]
    # Where each state's tech row lies in CensusExports: the year columns read that row alone.
    model_rows = model.figures(tech_rows)
    tech_rows_cell, tech_row_cell = (TECH_TREND.this_row(key) for key in TECH_ROW_KEYS)
    helpers = tech_row_formulas(code)
    row_columns = [
        TableColumn(header=col[key], style="rank", header_style="header_number", formula=helpers[key],
                    values=[model_rows[state].value(key) for state in table.index])
        for key in TECH_ROW_KEYS
    ]
    # One column per year of the data, each read from that year's column of CensusExports.
    for year in figures.years:
        columns.append(TableColumn(
            header=TECH_TREND.header(year), style="millions_compact", header_style="header_number",
            values=table[year].tolist(),
            formula=state_tech_exports(CENSUS_EXPORTS.column(year), code, tech_rows_cell, tech_row_cell)))
    first, last = write_table(book, sheet, header_row, TECH_TREND.name, columns + row_columns)
    last_year_col = FIRST_YEAR_COL + len(figures.years) - 1
    mark_small_values(book, sheet, first, FIRST_YEAR_COL, last, last_year_col, "millions_compact")
    sheet.set_column(FIRST_YEAR_COL, last_year_col, year_column_width())
    # Sparklines are drawn in the column beside the table: the table has no empty column.
    # The helper columns before them are folded away: a reader sees the years, then the sparklines.
    sparkline_col = last_year_col + len(row_columns) + 1
    fold_columns(sheet, last_year_col + 1, sparkline_col - 1, column_width("rank"), column_width("usd"))
    sheet.write_string(header_row, sparkline_col, words["sparkline_header"], book.formats["header_set_off"])
    name = quote_sheet_name(sheet.get_name())
    rows = range(first, last + 1)
    # One group of sparklines, one per state: styled once, and one element in the file.
    sheet.add_sparkline(first, sparkline_col, {
        "location": [xl_rowcol_to_cell(row, sparkline_col) for row in rows],
        "range": [f"{name}!{xl_rowcol_to_cell(row, FIRST_YEAR_COL)}:{xl_rowcol_to_cell(row, last_year_col)}"
                  for row in rows],
        # Columns: LibreOffice 7.4 prints a line sparkline's markers but not its line, and
        # columns in full.
        "type": "column",
        "series_color": chart_style().palette[0],
        "high_point": True,
        "high_color": chart_style().palette[1],
    })

    # The snapshot year's column, following the SnapshotYear input (headers are text).
    first_header = xl_rowcol_to_cell(header_row, FIRST_YEAR_COL, row_abs=True)
    is_snapshot = f"={first_header}={SNAPSHOT_YEAR}&\"\""
    sheet.conditional_format(header_row, FIRST_YEAR_COL, header_row, last_year_col, {
        "type": "formula", "criteria": is_snapshot, "format": book.formats["rule_header_highlight"],
    })
    sheet.conditional_format(first, FIRST_YEAR_COL, last, last_year_col, {
        "type": "formula", "criteria": is_snapshot, "format": book.formats["rule_highlight"],
    })
    return last, sparkline_col
