"""The Dashboard: the snapshot's headline figures as formulas over the sheets behind
them, and three native charts (top ten states, the trade balance, the trend)."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.dashboard import dashboard_figures, headline_published
from workbook.sheets.data_tables import EXPORTS, IMPORTS, PUBLISHED, header, published_value, year_column
from workbook.sheets.states import TABLE as STATES_TABLE
from workbook.templates_loader import wording
from workbook.xlsx import (Book, chart_style, column_ref, column_width, number_format, print_setup, sheet_range,
                           write_formula, write_value, year_title_formula)

WORDING = "dashboard"
SUMMARISES_OTHERS = True

TITLE_ROW, SUBTITLE_ROW, HEADLINES_HEADING_ROW = 0, 1, 3
HEADLINES_HEADER_ROW = HEADLINES_HEADING_ROW + 1
LABEL_COL, VALUE_COL, YEAR_COL, SOURCE_COL = 0, 1, 2, 3
#: Charts sit to the right of the tables, from this column.
CHART_COL = 5
#: Charts are a little larger than XlsxWriter's 480 x 288 pixels, to read well on one page.
CHART_SIZE = {"x_scale": 1.25, "y_scale": 1.1}
#: Rows a chart spans at the default row height (20 pixels); blocks are spaced so charts never overlap.
CHART_ROWS = 17
BALANCE_NAMES = (
    ("TechGoodsExports", "TechGoodsImports", "TechGoodsBalance"),
    ("TechServicesExports", "TechServicesImports", "TechServicesBalance"),
    ("TechTotalExports", "TechTotalImports", "TechTotalBalance"),
)


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    formats = book.formats
    sheet.set_column(LABEL_COL, LABEL_COL, column_width("label"))
    sheet.set_column(VALUE_COL, YEAR_COL, column_width("usd"))
    sheet.set_column(SOURCE_COL, SOURCE_COL, column_width("name"))
    write_formula(sheet, TITLE_ROW, 0, year_title_formula(words["title"]), formats["title"],
                  words["title"].format(year=model.year))
    sheet.write_string(SUBTITLE_ROW, 0, words["subtitle"], formats["subtitle"])

    row = _headlines(book, sheet, model, words, HEADLINES_HEADING_ROW)
    row = _top_ten(book, sheet, model, words, row + 1)
    row = _balance(book, sheet, words, row + 1)
    row = _trend(book, sheet, model, words, row + 1)
    sheet.write_string(row + 1, 0, words["notes"], formats["note"])
    print_setup(sheet, row + 1, CHART_COL + 8)
    # The Dashboard is one page: its charts are never cut.
    sheet.fit_to_pages(1, 1)


def _header_row(sheet: Worksheet, formats: dict, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels):
        sheet.write_string(row, col, label, formats["header"])


def _headlines(book: Book, sheet: Worksheet, model: SnapshotModel, words: dict, row: int) -> int:
    formats = book.formats
    sheet.write_string(row, 0, words["headlines_heading"], formats["heading"])
    _header_row(sheet, formats, row + 1, words["headline_columns"])
    row += 2
    for headline in words["headlines"]:
        sheet.write_string(row, LABEL_COL, headline["label"], formats["label"])
        style = formats[headline["style"]]
        if "name" in headline:
            write_formula(sheet, row, VALUE_COL, headline["name"], style, book.value_of(headline["name"]))
            write_formula(sheet, row, YEAR_COL, "SnapshotYear", formats["year"], model.year)
        else:
            year, value = headline_published(model, headline["published"], headline.get("latest", False))
            year_formula = _latest_year(headline["published"]) if headline.get("latest") else "SnapshotYear"
            year_cell = xl_rowcol_to_cell(row, YEAR_COL)
            write_formula(sheet, row, YEAR_COL, year_formula, formats["year"], year)
            write_formula(sheet, row, VALUE_COL, published_value(headline["published"], year_cell), style, value)
        sheet.write_string(row, SOURCE_COL, headline["source"], formats["text"])
        row += 1
    return row


def _latest_year(figure: str) -> str:
    """The most recent year up to SnapshotYear with the figure published (0 if none)."""
    table = PUBLISHED.table_name
    return (f"SUMPRODUCT(MAX(({column_ref(table, header('figure'))}=\"{figure}\")"
            f"*({column_ref(table, header('year'))}<=SnapshotYear)*{column_ref(table, header('year'))}))")


def _top_ten(book: Book, sheet: Worksheet, model: SnapshotModel, words: dict, row: int) -> int:
    formats = book.formats
    top = model.figures(dashboard_figures).top_states
    sheet.write_string(row, 0, words["top_ten_heading"], formats["heading"])
    _header_row(sheet, formats, row + 1, words["top_ten_columns"])
    first = row + 2
    exports = column_ref(STATES_TABLE, "Tech exports")
    names = column_ref(STATES_TABLE, "State")
    for offset, entry in enumerate(top.itertuples()):
        r = first + offset
        sheet.write_number(r, 0, entry.rank, formats["rank"])
        value_cell = xl_rowcol_to_cell(r, 2)
        write_formula(sheet, r, 2, f"LARGE({exports},{xl_rowcol_to_cell(r, 0)})", formats["usd_billions"],
                      entry.tech_exports)
        write_formula(sheet, r, 1, f"INDEX({names},MATCH({value_cell},{exports},0))", formats["text"],
                      entry.state_name)
    last = first + len(top) - 1
    chart = book.workbook.add_chart({"type": "bar"})
    chart.add_series({
        "name": words["top_ten_chart_axis"],
        "categories": sheet_range(sheet, first, 1, last, 1),
        "values": sheet_range(sheet, first, 2, last, 2),
        "fill": {"color": chart_style("series_1")},
        "data_labels": {"value": True, "num_format": number_format("usd_billions")},
    })
    chart.set_title({"name": words["top_ten_chart_title"]})
    chart.set_x_axis({"name": words["top_ten_chart_axis"], "num_format": chart_style("axis_billions")})
    # Largest at the top: categories reversed, and the value axis kept at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "interval_unit": 1})
    chart.set_legend({"none": True})
    sheet.insert_chart(row, CHART_COL, chart, CHART_SIZE)
    return max(last, row + CHART_ROWS) + 1


def _balance(book: Book, sheet: Worksheet, words: dict, row: int) -> int:
    formats = book.formats
    sheet.write_string(row, 0, words["balance_heading"], formats["heading"])
    _header_row(sheet, formats, row + 1, words["balance_columns"])
    first = row + 2
    for offset, (label, names) in enumerate(zip(words["balance_rows"], BALANCE_NAMES)):
        r = first + offset
        sheet.write_string(r, 0, label, formats["label"])
        for col, name in enumerate(names, start=1):
            style = "change_billions" if col == 3 else "usd_billions"
            write_formula(sheet, r, col, name, formats[style], book.value_of(name))
    last = first + len(BALANCE_NAMES) - 1
    chart = book.workbook.add_chart({"type": "column"})
    for col, colour in zip((1, 2, 3), ("series_1", "series_2", "series_3")):
        chart.add_series({
            "name": sheet_range(sheet, row + 1, col, row + 1, col),
            "categories": sheet_range(sheet, first, 0, last, 0),
            "values": sheet_range(sheet, first, col, last, col),
            "fill": {"color": chart_style(colour)},
        })
    chart.set_title({"name": words["balance_chart_title"]})
    # Negative balances put the axis mid-chart; the trade labels stay below the bars.
    chart.set_x_axis({"label_position": "low"})
    chart.set_y_axis({"name": words["balance_chart_axis"], "num_format": chart_style("axis_billions")})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(row, CHART_COL, chart, CHART_SIZE)
    return max(last, row + CHART_ROWS) + 1


def _trend(book: Book, sheet: Worksheet, model: SnapshotModel, words: dict, row: int) -> int:
    formats = book.formats
    trend = model.figures(dashboard_figures).trend
    sheet.write_string(row, 0, words["trend_heading"], formats["heading"])
    _header_row(sheet, formats, row + 1, words["trend_columns"])
    first = row + 2
    for offset, entry in enumerate(trend.itertuples()):
        r = first + offset
        write_value(sheet, r, 0, entry.year, formats["year"])
        year_cell = xl_rowcol_to_cell(r, 0)
        for col, table, value in ((1, EXPORTS.table_name, entry.exports), (2, IMPORTS.table_name, entry.imports)):
            formula = (f"SUMIFS({year_column(table, year_cell)},"
                       f"{column_ref(table, header('naics3'))},TechCategory)")
            write_formula(sheet, r, col, formula, formats["usd_billions"], value)
    last = first + len(trend) - 1
    chart = book.workbook.add_chart({"type": "line"})
    for col, colour in ((1, "series_1"), (2, "series_2")):
        chart.add_series({
            "name": sheet_range(sheet, row + 1, col, row + 1, col),
            "categories": sheet_range(sheet, first, 0, last, 0),
            "values": sheet_range(sheet, first, col, last, col),
            "line": {"color": chart_style(colour), "width": 2.25},
            "marker": {"type": "circle", "size": 5, "fill": {"color": chart_style(colour)},
                       "border": {"color": chart_style(colour)}},
        })
    chart.set_title({"name": words["trend_chart_title"]})
    chart.set_x_axis({"name": words["trend_chart_year_axis"]})
    chart.set_y_axis({"name": words["trend_chart_axis"], "num_format": chart_style("axis_billions")})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(row, CHART_COL, chart, CHART_SIZE)
    return max(last, row + CHART_ROWS) + 1
