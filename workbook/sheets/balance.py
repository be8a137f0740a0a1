"""The Balance sheet: tech goods trade from Census, tech services trade derived from the
totals the press release publishes, totals and balances, and a chart of them.

The derivation is laid out one step per row, each a formula over the cells it
combines, with the arithmetic in words beside it, so a reader can follow it. For a
snapshot year without published figures the derived cells show "not published"
and every formula over them keeps to that text instead of an error.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.balance import (PUBLISHED_SERVICES_BALANCE, PUBLISHED_TOTAL_BALANCE, PUBLISHED_TOTAL_IMPORTS,
                                    BalanceFigures, balance_figures)
from workbook.model.keys import NoFigure
from workbook.model.partners import partner_figures
from workbook.writing.register import (CENSUS_EXPORTS, CENSUS_IMPORTS, SNAPSHOT_YEAR, TECH_CATEGORY,
                                       TECH_EXPORTS_NATIONAL, TECH_GOODS_BALANCE, TECH_GOODS_BALANCE_NATIONAL,
                                       TECH_GOODS_EXPORTS, TECH_GOODS_IMPORTS, TECH_IMPORTS_NATIONAL,
                                       TECH_SERVICES_BALANCE, TECH_SERVICES_EXPORTS, TECH_SERVICES_IMPORTS,
                                       TECH_TOTAL_BALANCE, TECH_TOTAL_EXPORTS, TECH_TOTAL_IMPORTS)
from workbook.sheets.data_tables import WideTable, published_value, wide_table
from workbook.writing.charts import HouseChart, gap_formula, gap_value
from workbook.writing.words import not_published, shown
from workbook.templates_loader import Wording, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import header_row_height, lines_height, rows_covered
from workbook.writing.xlsx import (Book, column_width, print_setup, mark_small_values,
                                   string_literal, write_formula, write_value)

WORDING = "balance"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False

#: The summary's header row, under the title, the subtitle, a blank row and the heading. The summary's
#: and the derivation's formulas name each other's cells, so their places are planned before either
#: is written, and the layout checks it reaches them.
SUMMARY_HEADER_ROW = 4
#: Rows of the summary, in order.
SUMMARY_ROWS = ("goods", "services", "total")
#: Columns of the summary, in order (keys of its wording).
SUMMARY_COLUMNS = ("trade", "exports", "imports", "balance", "published_balance", "how")
LABEL_COL, EXPORTS_COL, IMPORTS_COL, BALANCE_COL, PUBLISHED_COL, HOW_COL = range(len(SUMMARY_COLUMNS))

#: The derivation's header row: after the summary, a blank row, the heading and the note.
DERIVATION_HEADER_ROW = SUMMARY_HEADER_ROW + len(SUMMARY_ROWS) + 4
#: Steps of the derivation, in order, with the style of their value.
DERIVATION_STEPS = (
    ("published_total_imports", "billions"),
    ("published_total_balance", "billions_change"),
    ("derived_total_exports", "billions"),
    ("goods_imports", "billions"),
    ("services_imports", "billions"),
    ("goods_exports", "billions"),
    ("services_exports", "billions"),
    ("services_balance", "billions_change"),
    ("published_services_balance", "billions_change"),
    ("services_balance_difference", "billions_change"),
)
STEP_COL, VALUE_COL, ARITHMETIC_COL = 0, 1, 2
#: The national goods trade (Census partner totals) beside the sums over states, above the chart: the
#: comparison's rows, as (wording key, national defined name, sum-over-states defined name).
NATIONAL_ROWS = (
    ("exports", TECH_EXPORTS_NATIONAL, TECH_GOODS_EXPORTS),
    ("imports", TECH_IMPORTS_NATIONAL, TECH_GOODS_IMPORTS),
    ("balance", TECH_GOODS_BALANCE_NATIONAL, TECH_GOODS_BALANCE),
)
NATIONAL_COLUMNS = ("trade", "national", "states", "difference")
#: The chart's size in pixels: as wide as the columns it sits under, tall enough to read.
CHART_WIDTH, CHART_HEIGHT = 900, 360
#: Rows the chart covers, plus one to spare.
CHART_ROWS = rows_covered(CHART_HEIGHT) + 1
#: The chart's helper cells (exports, imports, balance), right of the summary, outside the printed page.
CHART_HELPER_COL = HOW_COL + 2
#: Height in points of a header row of two lines.
TWO_LINE_HEADER_HEIGHT = lines_height(2)
#: Height in points of a summary row: its source or arithmetic wraps onto two lines.
SUMMARY_ROW_HEIGHT = lines_height(2)

#: Defined name of each (summary row, column) cell.
NAMES = {
    ("goods", EXPORTS_COL): TECH_GOODS_EXPORTS,
    ("goods", IMPORTS_COL): TECH_GOODS_IMPORTS,
    ("goods", BALANCE_COL): TECH_GOODS_BALANCE,
    ("services", EXPORTS_COL): TECH_SERVICES_EXPORTS,
    ("services", IMPORTS_COL): TECH_SERVICES_IMPORTS,
    ("services", BALANCE_COL): TECH_SERVICES_BALANCE,
    ("total", EXPORTS_COL): TECH_TOTAL_EXPORTS,
    ("total", IMPORTS_COL): TECH_TOTAL_IMPORTS,
    ("total", BALANCE_COL): TECH_TOTAL_BALANCE,
}


def summary_row(key: str) -> int:
    return SUMMARY_HEADER_ROW + 1 + SUMMARY_ROWS.index(key)


def step_row(key: str) -> int:
    return DERIVATION_HEADER_ROW + 1 + [step for step, _ in DERIVATION_STEPS].index(key)


def _cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def _step(key: str) -> str:
    return _cell(step_row(key), VALUE_COL)


def _summary(key: str, col: int) -> str:
    return _cell(summary_row(key), col)


def _if_numbers(cells: tuple[str, ...], result: str) -> str:
    """``result``, or the "not published" text when any of ``cells`` holds no number."""
    tests = ",".join(f"ISNUMBER({cell})" for cell in cells)
    condition = tests if len(cells) == 1 else f"AND({tests})"
    return f"IF({condition},{result},{string_literal(not_published())})"


def _tech_goods(census: WideTable) -> str:
    """The tech category summed over every state of a wide Census table, 0 if it lacks the year."""
    return (f"IF({census.has_year_column(SNAPSHOT_YEAR)},"
            f"SUMIFS({census.year_column(SNAPSHOT_YEAR)},{census.table.column('naics3')},{TECH_CATEGORY}),0)")


def _derivation_formulas() -> dict[str, str]:
    return {
        "published_total_imports": published_value(PUBLISHED_TOTAL_IMPORTS, SNAPSHOT_YEAR),
        "published_total_balance": published_value(PUBLISHED_TOTAL_BALANCE, SNAPSHOT_YEAR),
        "derived_total_exports": _if_numbers(
            (_step("published_total_imports"), _step("published_total_balance")),
            f"{_step('published_total_imports')}+{_step('published_total_balance')}"),
        "goods_imports": _summary("goods", IMPORTS_COL),
        "services_imports": _if_numbers(
            (_step("published_total_imports"),),
            f"{_step('published_total_imports')}-{_step('goods_imports')}"),
        "goods_exports": _summary("goods", EXPORTS_COL),
        "services_exports": _if_numbers(
            (_step("derived_total_exports"),),
            f"{_step('derived_total_exports')}-{_step('goods_exports')}"),
        "services_balance": _if_numbers(
            (_step("services_exports"), _step("services_imports")),
            f"{_step('services_exports')}-{_step('services_imports')}"),
        "published_services_balance": published_value(PUBLISHED_SERVICES_BALANCE, SNAPSHOT_YEAR),
        "services_balance_difference": _if_numbers(
            (_step("services_balance"), _step("published_services_balance")),
            f"{_step('services_balance')}-{_step('published_services_balance')}"),
    }


def _summary_formulas(model: SnapshotModel) -> dict[tuple[str, int], str]:
    formulas = {
        ("goods", EXPORTS_COL): _tech_goods(wide_table(model, CENSUS_EXPORTS)),
        ("goods", IMPORTS_COL): _tech_goods(wide_table(model, CENSUS_IMPORTS)),
        ("services", EXPORTS_COL): _step("services_exports"),
        ("services", IMPORTS_COL): _step("services_imports"),
        ("services", PUBLISHED_COL): _step("published_services_balance"),
        ("total", PUBLISHED_COL): _step("published_total_balance"),
    }
    for col in (EXPORTS_COL, IMPORTS_COL):
        goods, services = _summary("goods", col), _summary("services", col)
        formulas[("total", col)] = _if_numbers((services,), f"{goods}+{services}")
    for key in SUMMARY_ROWS:
        exports, imports = _summary(key, EXPORTS_COL), _summary(key, IMPORTS_COL)
        formulas[(key, BALANCE_COL)] = _if_numbers((exports, imports), f"{exports}-{imports}")
    return formulas


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    formats = book.formats
    figures = model.figures(balance_figures)
    _columns(sheet)

    layout = SheetLayout(book, sheet, model.year)
    title_row = layout.opening(words["title"], words["subtitle"])
    # The summary: goods, services and total, with the published balances next to the derived ones.
    layout.heading(words["summary_heading"])
    layout.reach(SUMMARY_HEADER_ROW)
    # Headers of two lines: "Exports, $ billions" over its figures.
    sheet.set_row(SUMMARY_HEADER_ROW, TWO_LINE_HEADER_HEIGHT)
    for col, key in enumerate(SUMMARY_COLUMNS):
        header_style = "header_number" if col in (EXPORTS_COL, IMPORTS_COL, BALANCE_COL, PUBLISHED_COL) else "header"
        sheet.write_string(SUMMARY_HEADER_ROW, col, words["summary_columns"][key], formats[header_style])
    values = {
        ("goods", EXPORTS_COL): figures.goods_exports,
        ("goods", IMPORTS_COL): figures.goods_imports,
        ("goods", BALANCE_COL): figures.goods_balance,
        ("services", EXPORTS_COL): figures.services_exports,
        ("services", IMPORTS_COL): figures.services_imports,
        ("services", BALANCE_COL): figures.services_balance,
        ("services", PUBLISHED_COL): figures.published_services_balance,
        ("total", EXPORTS_COL): figures.total_exports,
        ("total", IMPORTS_COL): figures.total_imports,
        ("total", BALANCE_COL): figures.total_balance,
        ("total", PUBLISHED_COL): figures.published_total_balance,
    }
    summary_formulas = _summary_formulas(model)
    right_aligned = {name: book.style_variant(name, align="right") for name in ("billions_change", "billions")}
    for key in SUMMARY_ROWS:
        row = summary_row(key)
        sheet.write_string(row, LABEL_COL, words["summary_rows"][key], formats["label"])
        for col in (EXPORTS_COL, IMPORTS_COL, BALANCE_COL, PUBLISHED_COL):
            # Right-aligned, "not published" too: words under a figure's header line up with the figures.
            cell_format = right_aligned["billions_change" if col in (BALANCE_COL, PUBLISHED_COL) else "billions"]
            if (key, col) in summary_formulas:
                write_formula(sheet, row, col, summary_formulas[(key, col)], cell_format, shown(values[(key, col)]))
                mark_small_values(book, sheet, row, col, row, col,
                                  "billions_change" if col in (BALANCE_COL, PUBLISHED_COL) else "billions")
            else:
                # The release publishes no balance of tech goods alone, for any year.
                write_value(sheet, row, col, not_published(), cell_format)
            if (key, col) in NAMES:
                book.define_name(NAMES[(key, col)], sheet, row, col,
                                 f"{words['summary_rows'][key]}: {words['summary_columns'][SUMMARY_COLUMNS[col]]}")
        sheet.write_string(row, HOW_COL, words["summary_how"][key], formats["arithmetic_wrapped"])
        sheet.set_row(row, SUMMARY_ROW_HEIGHT)

    # The derivation, one step per row.
    layout.row = summary_row(SUMMARY_ROWS[-1]) + 2
    layout.heading(words["derivation_heading"])
    layout.note(words["derivation_note"])
    layout.reach(DERIVATION_HEADER_ROW)
    sheet.set_row(DERIVATION_HEADER_ROW, TWO_LINE_HEADER_HEIGHT)
    for col, key in enumerate(("step", "value", "how")):
        header_style = "header_number" if col == VALUE_COL else "header"
        sheet.write_string(DERIVATION_HEADER_ROW, col, words["derivation_columns"][key], formats[header_style])
    derivation_formulas = _derivation_formulas()
    for key, style in DERIVATION_STEPS:
        row = step_row(key)
        sheet.write_string(row, STEP_COL, words["derivation_rows"][key], formats["label"])
        write_formula(sheet, row, VALUE_COL, derivation_formulas[key], formats[style], shown(getattr(figures, key)))
        mark_small_values(book, sheet, row, VALUE_COL, row, VALUE_COL, style)
        sheet.write_string(row, ARITHMETIC_COL, words["derivation_how"][key], formats["arithmetic"])

    layout.row = step_row(DERIVATION_STEPS[-1][0]) + 2
    layout.notes(words["notes"])
    # The national figures and the chart on the second page, where the chart is never cut.
    national_heading_row = _national(layout, model, words)
    _chart(book, sheet, words, figures, title_row, layout)
    # Two pages, one page wide: the summary and the derivation; then the national figures and the
    # chart, which is never cut across pages.
    print_setup(sheet, layout.row + CHART_ROWS, HOW_COL, row_breaks=[national_heading_row])


def _national(layout: SheetLayout, model: SnapshotModel, words: Wording) -> int:
    """National goods trade (the partner totals) beside the sums over states, with why they differ,
    at the cursor; returns the heading's row."""
    book, sheet = layout.book, layout.sheet
    formats = book.formats
    figures, partners = model.figures(balance_figures), model.figures(partner_figures)
    national = {"exports": partners.world_exports, "imports": partners.world_imports,
                "balance": partners.world_balance}
    states = {"exports": figures.goods_exports, "imports": figures.goods_imports, "balance": figures.goods_balance}
    heading_row = layout.heading(words["national_heading"])
    layout.note(words["national_note"])
    header_row = layout.row
    # As tall as the longest header wraps to in its column.
    sheet.set_row(header_row, header_row_height([
        (words["national_columns"][key], column_width("balance_label" if col == 0 else "figure"))
        for col, key in enumerate(NATIONAL_COLUMNS)]))
    for col, key in enumerate(NATIONAL_COLUMNS):
        sheet.write_string(header_row, col, words["national_columns"][key], formats["header"])
    for offset, (key, national_name, states_name) in enumerate(NATIONAL_ROWS):
        row = header_row + 1 + offset
        # One unit and one number of decimals per column: national and state sums differ by millions.
        style_key = "billions_2"
        style = formats[style_key]
        sheet.write_string(row, 0, words["national_rows"][key], formats["label"])
        # A dash in a year without partner data, which the note above says: not the words in each cell.
        national_value = national[key]
        no_figure = string_literal(words["no_partner_figure"])
        write_formula(sheet, row, 1, f"IF(ISNUMBER({national_name}),{national_name},{no_figure})",
                      style, words["no_partner_figure"] if isinstance(national_value, NoFigure) else national_value)
        write_formula(sheet, row, 2, states_name, style, states[key])
        difference = "" if isinstance(national_value, NoFigure) else national_value - states[key]
        write_formula(sheet, row, 3, f'IF(ISNUMBER({national_name}),{national_name}-{states_name},"")',
                      formats[style_key], difference)
        for col in (1, 2, 3):
            mark_small_values(book, sheet, row, col, row, col, style_key)
    layout.row = header_row + len(NATIONAL_ROWS) + 2
    layout.notes(words["national_notes"])
    return heading_row


def _columns(sheet: Worksheet) -> None:
    sheet.set_column(LABEL_COL, LABEL_COL, column_width("balance_label"))
    sheet.set_column(EXPORTS_COL, BALANCE_COL, column_width("figure"))
    # Wide enough for "not published", which a narrower cell spills over the balance beside it.
    sheet.set_column(PUBLISHED_COL, PUBLISHED_COL, column_width("usd"))
    sheet.set_column(HOW_COL, HOW_COL, column_width("balance_how"))


def _chart(book: Book, sheet: Worksheet, words: Wording, figures: BalanceFigures, title_row: int,
           layout: SheetLayout) -> None:
    """Exports, imports and balance of goods, services and the total: the summary's live cells, with
    its note, at the cursor; the cursor stops at the chart's first row.

    The chart reads them through helper cells to the right, outside the printed page, which give #N/A
    (a gap) where a figure is not published, so that no zero bar stands for a missing figure.
    """
    name = sheet.get_name()
    first, last = summary_row(SUMMARY_ROWS[0]), summary_row(SUMMARY_ROWS[-1])
    values = {EXPORTS_COL: ("exports", figures.goods_exports, figures.services_exports, figures.total_exports),
              IMPORTS_COL: ("imports", figures.goods_imports, figures.services_imports, figures.total_imports),
              BALANCE_COL: ("balance", figures.goods_balance, figures.services_balance, figures.total_balance)}
    chart = HouseChart(book, "column", [name, title_row, 0])
    for offset, col in enumerate((EXPORTS_COL, IMPORTS_COL, BALANCE_COL)):
        helper_col = CHART_HELPER_COL + offset
        key, *row_values = values[col]
        sheet.write_string(SUMMARY_HEADER_ROW, helper_col, words["chart_helper_header"].format(
            column=words["summary_columns"][key]), book.formats["header"])
        for key_row, value in zip(SUMMARY_ROWS, row_values):
            row = summary_row(key_row)
            write_formula(sheet, row, helper_col, gap_formula(_cell(row, col)), book.formats["usd_billions"],
                          gap_value(value))
        chart.add_series([name, SUMMARY_HEADER_ROW, col], [name, first, LABEL_COL, last, LABEL_COL],
                         [name, first, helper_col, last, helper_col], labels=True)
    # Shown, right of the printed page: LibreOffice 7.4 prints a chart without the figures of hidden columns.
    sheet.set_column(CHART_HELPER_COL, CHART_HELPER_COL + 2, column_width("usd"))
    chart.show_hidden_cells()
    chart.category_axis(words["chart_x_axis"], labels_low=True)
    chart.value_axis(words["chart_y_axis"])
    chart.legend()
    layout.note(words["chart_note"])
    chart.place(sheet, layout.row, 0, width=CHART_WIDTH, height=CHART_HEIGHT,
                description=words["chart_description"])
