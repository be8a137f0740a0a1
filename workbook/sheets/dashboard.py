"""The Dashboard: the story of the snapshot year on one landscape page.

Key-figure tiles (the figure large, its change or comparison beneath, its source in small
print; a tile says when the workbook's figure differs from the published one), takeaway
sentences written by formulas, and five charts with action titles: the top ten states,
the trade balance, the trend, the top destinations of tech exports and the top sources of
tech imports. Everything follows SnapshotYear and every edited input.
The figures the charts read sit below the printed page.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.writing import register
from workbook.writing.charts import OFF_THE_CHART, HouseChart, gap_formula, gap_value, mark_formula, mark_number_format
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import DEFAULT_ROW_PIXELS, column_pixels, rows_covered
from workbook.model import SnapshotModel
from workbook.model.dashboard import dashboard_figures, headline_published, latest_published_year, ranked_states
from workbook.model.findings import check_status
from workbook.model.keys import NOT_PUBLISHED, Status
from workbook.model.partners import partner_figures, top_partners
from workbook.model.published import published_value as published_figure
from workbook.model.states import state_figures
from workbook.writing.prose import (BILLION, Phrase, amount_of, billions, choose, fill, joined, literal, percent,
                                    text_of, whole, year_phrase)
from workbook.writing.register import (OVER_THRESHOLD_USD, SNAPSHOT_YEAR, STATES_OVER_THRESHOLD, STATES_TECH_LEADING,
                                       STATES_TECH_TOP_THREE, TECH_CATEGORY, TECH_CATEGORY_RANK_US, TECH_EXPORTS_US,
                                       TECH_GOODS_BALANCE, TECH_GOODS_EXPORTS, TECH_GOODS_IMPORTS,
                                       TECH_SERVICES_BALANCE, TECH_SERVICES_EXPORTS, TECH_SERVICES_IMPORTS,
                                       TECH_TOTAL_BALANCE, TECH_TOTAL_EXPORTS, TECH_TOTAL_IMPORTS)
from workbook.sheets.data_tables import published_criteria, published_sum, wide_table
from workbook.sheets.key_findings import status_from_checks, us_change_phrase
from workbook.templates_loader import Wording, wording
from workbook.writing.xlsx import (Book, number_format, print_setup, string_literal, write_formula, write_header_row,
                                   write_value)

WORDING = "dashboard"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = True

#: The page is a grid of equal columns: a tile a column, a chart three.
GRID_COLUMNS = 9
#: Width of a grid column in characters: nine fit an A4 landscape page at full size, so the
#: tiles' small print stays at 8 pt on paper.
GRID_WIDTH = 13
#: Pixels of a grid column.
GRID_PIXELS = int(column_pixels(GRID_WIDTH))
CHART_COLUMNS = 3
#: The charts stand in two rows of three grid columns each: the top-ten states chart spans
#: both rows on the left (ten bars, every state named); the balance and the trend are the
#: first row's others, the top destinations and top sources the second's.
CHART_HEIGHT = 180
PARTNERS_CHART_HEIGHT = 160
#: Rows of the tiles and their heights in points: label (two lines), figure, comparison (two lines), source.
TILE_ROWS = (("label", 25), ("figure", 28), ("compare", 25), ("source", 25))
#: Columns, right of the printed page, of the balance and partner charts' helper cells.
BALANCE_HELPER_COL = GRID_COLUMNS + 1
BALANCE_NAMES = (
    (TECH_GOODS_EXPORTS, TECH_GOODS_IMPORTS, TECH_GOODS_BALANCE),
    (TECH_SERVICES_EXPORTS, TECH_SERVICES_IMPORTS, TECH_SERVICES_BALANCE),
    (TECH_TOTAL_EXPORTS, TECH_TOTAL_IMPORTS, TECH_TOTAL_BALANCE),
)
JOBS = "tech_exports_jobs"
#: Destinations and sources in the partners charts, each.
TOP_PARTNERS = 5


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    sheet.set_column(0, GRID_COLUMNS - 1, GRID_WIDTH)
    layout = SheetLayout(book, sheet, model.year)
    layout.opening(words["title"], words["subtitle"])
    tiles_row = layout.row
    layout.skip(len(TILE_ROWS) + 1)
    layout.heading(words["takeaways_heading"])
    takeaways_row = layout.row
    layout.skip(len(TAKEAWAYS) + 1)
    charts_title_row = layout.row
    partners_title_row = charts_title_row + 1 + rows_covered(CHART_HEIGHT)
    layout.row = partners_title_row + 1 + rows_covered(PARTNERS_CHART_HEIGHT) + 1
    notes_last = layout.notes(words["notes"])

    # The figures behind the charts and tiles, below the printed page.
    layout.skip(2)
    layout.heading(words["charts_data_heading"])
    layout.note(words["charts_data_note"])
    layout.skip()
    data = _ChartData(book, sheet, model, words)
    layout.row = data.top_ten(layout.row) + 2
    layout.row = data.balance(layout.row) + 2
    jobs_year_cell = data.jobs_year(layout.row)
    layout.row += 2
    layout.row = data.partners(layout.row) + 2
    # The year-by-year block last: a rebuild with a new year grows it without moving the others.
    data.trend(layout.row)

    _tiles(book, sheet, model, words, tiles_row, jobs_year_cell, data)
    _takeaways(book, sheet, model, words, takeaways_row, data)
    _charts(book, sheet, model, words, charts_title_row, partners_title_row, data)
    _partners_charts(book, sheet, model, words, partners_title_row, data)

    # The Dashboard is one page: its charts are never cut.
    print_setup(sheet, notes_last, GRID_COLUMNS - 1, pages_tall=1, centred=True)


# ---------------------------------------------------------------- the figures behind the charts

class _ChartData:
    """The blocks the charts and sentences read, laid out below the page; remembers where."""

    def __init__(self, book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording) -> None:
        self.book, self.sheet, self.model, self.words = book, sheet, model, words
        self.figures = model.figures(dashboard_figures)
        self.top_first = self.top_last = 0
        self.balance_first = self.balance_header = 0
        self.trend_first = self.trend_last = self.trend_header = 0
        self.partners_first = self.partners_last = self.partners_header = 0

    def _head(self, row: int, block: str) -> int:
        """A block's heading and its columns' headers (wording ``{block}_heading``, ``{block}_columns``);
        returns the block's first row."""
        self.sheet.write_string(row, 0, self.words[f"{block}_heading"], self.book.formats["heading"])
        write_header_row(self.book, self.sheet, row + 1, self.words[f"{block}_columns"])
        return row + 2

    def top_ten(self, row: int) -> int:
        formats, sheet = self.book.formats, self.sheet
        top = self.figures.top_states
        first = self._head(row, "top_ten")
        exports = register.STATE_SUMMARY.column("tech_exports")
        names = register.STATE_SUMMARY.column("state_name")
        for offset, entry in enumerate(ranked_states(top)):

            r = first + offset
            sheet.write_number(r, 0, entry.rank, formats["rank"])
            value_cell = xl_rowcol_to_cell(r, 2)
            write_formula(sheet, r, 2, f"LARGE({exports},{xl_rowcol_to_cell(r, 0)})", formats["usd_billions"],
                          entry.tech_exports)
            write_formula(sheet, r, 1, f"INDEX({names},MATCH({value_cell},{exports},0))", formats["text"],
                          entry.state_name)
        self.top_first, self.top_last = first, first + len(top) - 1
        return self.top_last

    def balance(self, row: int) -> int:
        """Goods, services and total, with helper cells folded away that give the chart a gap
        (#N/A) where a figure is not published."""
        formats, sheet, words = self.book.formats, self.sheet, self.words
        first = self._head(row, "balance")
        for offset, (label, names) in enumerate(zip(words["balance_rows"], BALANCE_NAMES)):
            r = first + offset
            sheet.write_string(r, 0, label, formats["label"])
            for col, name in enumerate(names, start=1):
                style = "change_billions" if col == 3 else "usd_billions"
                value = self.book.value_of(name)
                write_formula(sheet, r, col, name, formats[style], value)
                helper = BALANCE_HELPER_COL + col - 1
                write_formula(sheet, r, helper, gap_formula(xl_rowcol_to_cell(r, col)), formats[style],
                              gap_value(value))
        for col, label in enumerate(words["balance_columns"][1:], start=1):
            sheet.write_string(row + 1, BALANCE_HELPER_COL + col - 1,
                               words["balance_helper_header"].format(column=label), formats["header"])
        # Shown, right of the printed page: LibreOffice 7.4 prints a chart without the figures of
        # hidden columns, whatever the chart's own setting says.
        sheet.set_column(BALANCE_HELPER_COL, BALANCE_HELPER_COL + 2, GRID_WIDTH)
        self.balance_header, self.balance_first = row + 1, first
        return first + len(BALANCE_NAMES) - 1

    def jobs_year(self, row: int) -> str:
        """The latest year up to the snapshot year with jobs published (0 if none): an explicit array
        formula, which every engine evaluates as one (SUMPRODUCT(MAX(...)) is not, in Gnumeric)."""
        formats = self.book.formats
        self.sheet.write_string(row, 0, self.words["jobs_year_label"], formats["label"])
        published = register.PUBLISHED_FIGURES
        figures, years = published.column("figure"), published.column("year")
        formula = f'{{=MAX(IF(({figures}="{JOBS}")*({years}<={SNAPSHOT_YEAR}),{years},0))}}'
        self.sheet.write_array_formula(row, 1, row, 1, formula, formats["year"], latest_published_year(self.model, JOBS))
        return xl_rowcol_to_cell(row, 1)

    def trend(self, row: int) -> int:
        formats, sheet = self.book.formats, self.sheet
        trend = self.figures.trend
        first = self._head(row, "trend")
        mark_style = self.book.style_variant("usd_billions", num_format=mark_number_format())
        for offset, entry in enumerate(trend.itertuples()):
            r = first + offset
            write_value(sheet, r, 0, entry.year, formats["year"])
            year_cell = xl_rowcol_to_cell(r, 0)
            for col, table, value in ((1, register.CENSUS_EXPORTS, entry.exports),
                                      (2, register.CENSUS_IMPORTS, entry.imports)):
                year_column = wide_table(self.model, table).year_column(year_cell)
                formula = f"SUMIFS({year_column},{table.column('naics3')},{TECH_CATEGORY})"
                write_formula(sheet, r, col, formula, formats["usd_billions"], value)
            # The chart's marker: the snapshot year's exports, and below the axis in every other year.
            write_formula(sheet, r, 3, mark_formula(year_cell, xl_rowcol_to_cell(r, 1)), mark_style,
                          entry.exports if entry.year == self.model.year else OFF_THE_CHART)
        self.trend_header, self.trend_first, self.trend_last = row + 1, first, first + len(trend) - 1
        return self.trend_last


    def partners(self, row: int) -> int:
        """The top destinations (by exports) and top sources (by imports) of the Partners sheet, one
        list under the other, with helper cells folded away that give the chart a gap (#N/A) where a
        row has no figure: the other flow's rows, and every row of a year without partner data."""
        formats, sheet, words = self.book.formats, self.sheet, self.words
        figures = self.model.figures(partner_figures)
        partners = register.PARTNERS
        self._head(row, "partners")
        value_cols = (3, 4)
        for offset, col in enumerate(value_cols):
            sheet.write_string(row + 1, BALANCE_HELPER_COL + offset, words["balance_helper_header"].format(
                column=words["partners_columns"][col]), formats["header"])
        r = first = row + 2
        for flow, label, value_col in (("export", words["partners_flows"][0], value_cols[0]),
                                       ("import", words["partners_flows"][1], value_cols[1])):
            for rank, country, value in top_partners(figures, flow, TOP_PARTNERS):
                sheet.write_string(r, 0, label, formats["text"])
                sheet.write_number(r, 1, rank, formats["rank"])
                found = f"MATCH({xl_rowcol_to_cell(r, 1)},{partners.column(f'{flow}_rank')},0)"
                write_formula(sheet, r, 2, f'IFERROR(INDEX({partners.column("country")},{found}),"")',
                              formats["text"], country)
                write_formula(sheet, r, value_col, f'IFERROR(INDEX({partners.column(f"{flow}s")},{found}),"")',
                              formats["usd_billions"], "" if value is None else value)
                for offset, col in enumerate(value_cols):
                    cell = xl_rowcol_to_cell(r, col)
                    shown = value if col == value_col else None
                    write_formula(sheet, r, BALANCE_HELPER_COL + offset, gap_formula(cell), formats["usd_billions"],
                                  gap_value(shown))
                r += 1
        self.partners_header, self.partners_first, self.partners_last = row + 1, first, r - 1
        return r - 1


# ---------------------------------------------------------------- tiles

def _tiles(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, row: int, jobs_year_cell: str,
           data: _ChartData) -> None:
    tiles, said = words["tiles"], words["tile_words"]
    year = year_phrase(SNAPSHOT_YEAR, model.year)
    states = model.figures(state_figures)
    value = book.value_of
    no_figure = said["no_figure"]

    exports_change = us_change_phrase(book, model, said)

    total_imports, total_balance = value(TECH_TOTAL_IMPORTS), value(TECH_TOTAL_BALANCE)
    with_services_imports = choose(
        f"ISNUMBER({TECH_TOTAL_IMPORTS})", not isinstance(total_imports, str),
        fill(said["with_services_imports"], value=billions(TECH_TOTAL_IMPORTS, amount_of(total_imports))),
        fill(said["with_services_missing"], year=year))
    with_services_balance = choose(
        f"ISNUMBER({TECH_TOTAL_BALANCE})", not isinstance(total_balance, str),
        fill(said["with_services_balance"],
             sign=choose(f"{TECH_TOTAL_BALANCE}<0", amount_of(total_balance) < 0, literal(said["minus"]), literal("")),
             value=billions(TECH_TOTAL_BALANCE, amount_of(total_balance))),
        fill(said["with_services_missing"], year=year))

    semis, semis_growth = "semiconductor_exports", "semiconductor_exports_growth"
    semis_value = published_figure(model, semis, model.year)
    growth_value = published_figure(model, semis_growth, model.year)
    growth_sum = published_sum(semis_growth, SNAPSHOT_YEAR)
    semis_compare = choose(
        f"COUNTIFS({published_criteria(semis_growth, SNAPSHOT_YEAR)})=0", growth_value is NOT_PUBLISHED,
        fill(said["growth_missing"], year=year),
        fill(said["growth"],
             direction=choose(f"{growth_sum}<0", amount_of(growth_value) < 0, literal(said["down"]), literal(said["up"])),
             pct=percent(growth_sum, amount_of(growth_value))))

    jobs_year, jobs_value = headline_published(model, JOBS, True)
    jobs_sum = f"SUMIFS({register.PUBLISHED_FIGURES.column('value')},{published_criteria(JOBS, jobs_year_cell)})"

    def billions_text(formula: str, amount: object) -> Phrase:
        return joined(literal("$"), billions(formula, amount_of(amount)), literal("B"))

    services_published = published_figure(model, "tech_services_trade_balance", model.year)
    rank_published = published_figure(model, "tech_products_exports_rank", model.year)
    over_published = published_figure(model, "states_tech_exports_over_1b", model.year)
    leading_published = published_figure(model, "states_tech_leading", model.year)

    services = value(TECH_SERVICES_BALANCE)
    entries = [
        ("exports", TECH_GOODS_EXPORTS, value(TECH_GOODS_EXPORTS), "usd_billions", exports_change),
        ("imports", TECH_GOODS_IMPORTS, value(TECH_GOODS_IMPORTS), "usd_billions", with_services_imports),
        ("goods_balance", TECH_GOODS_BALANCE, value(TECH_GOODS_BALANCE), "change_billions", with_services_balance),
        ("services_balance",
         f"IF(ISNUMBER({TECH_SERVICES_BALANCE}),{TECH_SERVICES_BALANCE},{string_literal(no_figure)})",
         no_figure if isinstance(services, str) else services, "change_billions",
         _release(model, said, "tech_services_trade_balance",
                  billions_text(published_sum("tech_services_trade_balance", SNAPSHOT_YEAR), services_published),
                  year)),
        ("semiconductors",
         f"IF(COUNTIFS({published_criteria(semis, SNAPSHOT_YEAR)})=0,{string_literal(no_figure)},"
         f"{published_sum(semis, SNAPSHOT_YEAR)})",
         no_figure if semis_value is NOT_PUBLISHED else semis_value, "usd_billions", semis_compare),
        ("rank", TECH_CATEGORY_RANK_US, value(TECH_CATEGORY_RANK_US), "rank_figure",
         _release(model, said, "tech_products_exports_rank",
                  whole(published_sum("tech_products_exports_rank", SNAPSHOT_YEAR), amount_of(rank_published)),
                  year, differs_key="rank_compare_differs")),
        ("over_threshold", STATES_OVER_THRESHOLD, states.states_over_threshold, "count",
         _release(model, said, "states_tech_exports_over_1b",
                  whole(published_sum("states_tech_exports_over_1b", SNAPSHOT_YEAR), amount_of(over_published)), year)),
        ("leading", STATES_TECH_LEADING, states.states_tech_leading, "count",
         _release(model, said, "states_tech_leading",
                  whole(published_sum("states_tech_leading", SNAPSHOT_YEAR), amount_of(leading_published)), year)),
        ("jobs", f"IF({jobs_year_cell}=0,{string_literal(no_figure)},{jobs_sum})",
         no_figure if jobs_value is NOT_PUBLISHED else jobs_value, "count",
         choose(f"{jobs_year_cell}=0", jobs_year == 0, fill(said["jobs_missing"], year=year),
                fill(said["jobs_year"], jobs_year=year_phrase(jobs_year_cell, jobs_year)))),
    ]
    formats = book.formats
    heights = dict(TILE_ROWS)
    for offset, (key, _) in enumerate(TILE_ROWS):
        sheet.set_row(row + offset, heights[key])
    for col, (key, formula, cached, style, compare) in enumerate(entries):
        tile = tiles[key]
        sheet.write_string(row, col, tile["label"], formats["tile_label"])
        num_format = '"#"0' if style == "rank_figure" else number_format(style)
        write_formula(sheet, row + 1, col, formula, book.style_variant("tile_figure", num_format=num_format), cached)
        write_formula(sheet, row + 2, col, compare.formula, formats["tile_compare"], compare.text)
        sheet.write_string(row + 3, col, tile["source"], formats["tile_source"])


def _release(model: SnapshotModel, said: Wording, figure: str, published: Phrase, year: Phrase,
             differs_key: str = "release_differs") -> Phrase:
    """What a tile says of the release's figure, by the status Checks gives it for the year."""
    status = check_status(model, figure)
    checks = wording("checks")
    status_formula = status_from_checks(figure)
    return choose(f"{status_formula}={string_literal(checks['differs'])}", status is Status.DIFFERS,
                  fill(said[differs_key], published=published),
                  choose(f"{status_formula}={string_literal(checks['matches'])}", status is Status.MATCHES,
                         literal(said["release_matches"]), fill(said["release_missing"], year=year)))


# ---------------------------------------------------------------- takeaways

TAKEAWAYS = ("exports", "leaders", "states", "balance")


def _takeaways(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, row: int, data: _ChartData) -> None:
    said = words["takeaways"]
    value = book.value_of
    states = model.figures(state_figures)
    year = year_phrase(SNAPSHOT_YEAR, model.year)
    exports = fill(said["exports"], value=billions(TECH_EXPORTS_US, states.us_tech_exports), year=year,
                   change=us_change_phrase(book, model, said))

    top = data.figures.top_states
    name = {k: xl_rowcol_to_cell(data.top_first + k, 1) for k in range(2)}
    amount = {k: xl_rowcol_to_cell(data.top_first + k, 2) for k in range(2)}
    top_ten_range = f"{xl_rowcol_to_cell(data.top_first, 2)}:{xl_rowcol_to_cell(data.top_last, 2)}"
    us = states.us_tech_exports
    share_two = (top["tech_exports"].iloc[0] + top["tech_exports"].iloc[1]) / us if us else 0.0
    share_ten = top["tech_exports"].sum() / us if us else 0.0
    leaders = fill(
        said["leaders"],
        first=text_of(name[0], top["state_name"].iloc[0]), second=text_of(name[1], top["state_name"].iloc[1]),
        first_value=billions(amount[0], top["tech_exports"].iloc[0]),
        second_value=billions(amount[1], top["tech_exports"].iloc[1]),
        share=percent(f"IF({TECH_EXPORTS_US}=0,0,({amount[0]}+{amount[1]})/{TECH_EXPORTS_US})", share_two),
        top_ten_share=percent(f"IF({TECH_EXPORTS_US}=0,0,SUM({top_ten_range})/{TECH_EXPORTS_US})", share_ten))

    threshold = model.over_threshold_usd
    states_sentence = fill(
        said["states"], over=whole(STATES_OVER_THRESHOLD, states.states_over_threshold),
        threshold=choose(f"MOD({OVER_THRESHOLD_USD},{BILLION})=0", threshold % 1e9 == 0,
                         whole(f"{OVER_THRESHOLD_USD}/{BILLION}", threshold / 1e9),
                         billions(OVER_THRESHOLD_USD, threshold)),
        leading=whole(STATES_TECH_LEADING, states.states_tech_leading),
        top_three=whole(STATES_TECH_TOP_THREE, states.states_tech_top_three))

    goods_balance, total_balance = book.number_of(TECH_GOODS_BALANCE), value(TECH_TOTAL_BALANCE)
    has_total = not isinstance(total_balance, str)
    balance = fill(
        said["balance"], imports=billions(TECH_GOODS_IMPORTS, book.number_of(TECH_GOODS_IMPORTS)),

        goods_kind=choose(f"{TECH_GOODS_BALANCE}<0", goods_balance < 0, literal(said["deficit"]),
                          literal(said["surplus"])),
        goods_balance=billions(TECH_GOODS_BALANCE, goods_balance),
        total=choose(f"ISNUMBER({TECH_TOTAL_BALANCE})", has_total,
                     fill(said["total"],
                          total_kind=choose(f"{TECH_TOTAL_BALANCE}<0", has_total and amount_of(total_balance) < 0,
                                            literal(said["deficit"]), literal(said["surplus"])),
                          total_balance=billions(TECH_TOTAL_BALANCE, amount_of(total_balance))),
                     fill(said["total_missing"], year=year)))

    sentences = {"exports": exports, "leaders": leaders, "states": states_sentence, "balance": balance}
    for offset, key in enumerate(TAKEAWAYS):
        sentence = sentences[key]
        write_formula(sheet, row + offset, 0, sentence.formula, book.formats["takeaway"], sentence.text)


# ---------------------------------------------------------------- charts

def _partners_charts(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, title_row: int,
                     data: _ChartData) -> None:
    """Top destinations of tech exports and top sources of tech imports (Census partner data), side by
    side under the balance and trend charts; each reads its flow's rows of the partners block.

    A workbook built for a year without partner data has the titles, which say so, and no charts:
    two empty frames would print under them. Its rebuild for a year with partner data has them.
    """
    name = sheet.get_name()
    year = year_phrase(SNAPSHOT_YEAR, model.year)
    figures = model.figures(partner_figures)
    width = CHART_COLUMNS * GRID_PIXELS - 8
    for look, (flow, key) in enumerate((("export", "destinations"), ("import", "sources"))):
        first = data.partners_first + look * TOP_PARTNERS
        last = first + TOP_PARTNERS - 1
        leader = top_partners(figures, flow, 1)[0][1]
        title = choose(f"{register.HAS_PARTNER_DATA}=1", figures.has_data,
                       fill(words[f"{key}_chart_title"], year=year,
                            first=text_of(xl_rowcol_to_cell(first, 2), leader)),
                       fill(words[f"{key}_chart_no_data_title"], year=year))
        col = (1 + look) * CHART_COLUMNS
        write_formula(sheet, title_row, col, title.formula, book.formats["chart_title"], title.text)
        if not figures.has_data:
            continue
        chart = HouseChart(book, "bar", None)
        helper = BALANCE_HELPER_COL + look
        # Exports solid, imports hatched: the looks the balance and trend charts give each flow.
        chart.add_series([name, data.partners_header, 3 + look], [name, first, 2, last, 2],
                         [name, first, helper, last, helper], labels=True, gap=40, look=look)
        chart.show_hidden_cells()
        # Every bar is labelled: the axis's room goes to the five countries' names.
        chart.value_axis(minimum=0, shown=False)
        chart.category_axis(reverse=True, every_label=True)
        chart.place(sheet, title_row + 1, col, width=width, height=PARTNERS_CHART_HEIGHT,
                    description=words[f"{key}_chart_description"])


def _charts(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, title_row: int, second_title_row: int,
            data: _ChartData) -> None:
    name = sheet.get_name()
    width = CHART_COLUMNS * GRID_PIXELS - 8
    chart_row = title_row + 1
    year = year_phrase(SNAPSHOT_YEAR, model.year)
    top = data.figures.top_states
    trend = data.figures.trend

    titles = [
        fill(words["top_ten_chart_title"], year=year,
             first=text_of(xl_rowcol_to_cell(data.top_first, 1), top["state_name"].iloc[0]),
             second=text_of(xl_rowcol_to_cell(data.top_first + 1, 1), top["state_name"].iloc[1])),
        fill(words["balance_chart_title"], year=year),
        fill(words["trend_chart_title"],
             first_year=year_phrase(xl_rowcol_to_cell(data.trend_first, 0), int(trend["year"].iloc[0])),
             last_year=year_phrase(xl_rowcol_to_cell(data.trend_last, 0), int(trend["year"].iloc[-1]))),
    ]
    for index, title in enumerate(titles):
        write_formula(sheet, title_row, index * CHART_COLUMNS, title.formula, book.formats["chart_title"], title.text)

    top_ten = HouseChart(book, "bar", None)
    top_ten.add_series(words["top_ten_chart_axis"], [name, data.top_first, 1, data.top_last, 1],
                       [name, data.top_first, 2, data.top_last, 2], labels=True, gap=40)
    top_ten.value_axis(words["top_ten_chart_axis"])
    top_ten.category_axis(reverse=True)
    # Down to the foot of the second row's charts: ten bars, each state named.
    top_ten_height = (second_title_row + 1 - chart_row) * DEFAULT_ROW_PIXELS + PARTNERS_CHART_HEIGHT
    top_ten.place(sheet, chart_row, 0, width=width, height=top_ten_height,
                  description=words["top_ten_chart_description"])

    balance = HouseChart(book, "column", None)
    last = data.balance_first + len(BALANCE_NAMES) - 1
    for col in (1, 2, 3):
        helper = BALANCE_HELPER_COL + col - 1
        # Only the balance is labelled: nine labels on narrow bars would overlap.
        balance.add_series([name, data.balance_header, col], [name, data.balance_first, 0, last, 0],
                           [name, data.balance_first, helper, last, helper], labels=col == 3)
    balance.show_hidden_cells()
    balance.category_axis(labels_low=True)
    # No axis title: the axis reads $400B, and the subtitle says what $B means; a title
    # would print sideways, and small, on the one page.
    balance.value_axis()
    balance.legend()
    balance.place(sheet, chart_row, CHART_COLUMNS, width=width, height=CHART_HEIGHT,
                  description=words["balance_chart_description"])

    trend_chart = HouseChart(book, "line", None)
    categories = [name, data.trend_first, 0, data.trend_last, 0]
    for col in (1, 2):
        trend_chart.add_series([name, data.trend_header, col], categories,
                               [name, data.trend_first, col, data.trend_last, col])
    trend_chart.mark_point([name, data.trend_header, 3], categories,
                           [name, data.trend_first, 3, data.trend_last, 3])
    trend_chart.category_axis(slanted=True)
    trend_chart.value_axis(minimum=0)
    trend_chart.legend()
    trend_chart.place(sheet, chart_row, 2 * CHART_COLUMNS, width=width, height=CHART_HEIGHT,
                      description=words["trend_chart_description"])
