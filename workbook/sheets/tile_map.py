"""The Map sheet: a tile-grid map of the states, one cell per state, coloured by its tech exports.

Each tile is a formula that reads the state's row of the States sheet, so it
follows the snapshot year and any edited figure. The tile's number format carries
the state's code as literal text, so one numeric cell shows both the code and the
value, and the colour scale, which colours numbers, recolours the tile when its
figure changes. The scale's three points are the legend's cells, so the legend
shows exactly the colours the tiles take. A second rule turns the text light on
the tiles the scale makes dark, from the point of the scale where light text reads
better than dark, so that every tile's text keeps its contrast whatever its value.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.writing.contrast import light_text_from, minimum_contrast
from workbook.errors import TechTradeError
from workbook.model import SnapshotModel
from workbook.model.tile_map import SCALE_TOP_PERCENTILE, MapFigures, map_figures
from workbook.writing.register import STATE_SUMMARY
from workbook.templates_loader import Wording, templates_folder, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import column_pixels, pixels_to_points
from workbook.writing.xlsx import (Book, column_width, fill_colour, font_colour, number_format, print_setup,
                                   string_literal, write_formula)

WORDING = "map"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False

#: The grid's first row, under the title, the subtitle, the note on positioning and a blank row.
GRID_FIRST_ROW = 4
#: A tile's height as a share of its width: square-ish, so that the map fits one landscape page.
TILE_HEIGHT_RATIO = 0.8
#: Height in points of the legend's labels: two lines of wrapped text.
LEGEND_LABEL_HEIGHT = 28
#: The styles of the colour scale's fills, low to high.
SCALE_STYLES = ("map_scale_low", "map_scale_mid", "map_scale_high")
#: Where the tile number format takes the state's code.
CODE_PLACEHOLDER = "{code}"


def tile_number_format(code: str) -> str:
    """The map tile's number format with ``code`` (and a space) as its literal prefix; no prefix for ""."""
    return number_format("map_tile").replace(CODE_PLACEHOLDER, _format_literal(f"{code} ") if code else "")


def _format_literal(text: str) -> str:
    """Text as a number format literal: quoted; a quote inside is escaped outside the quotes."""
    return '"' + text.replace('"', '"\\""') + '"'


def tile_formula(code: str) -> str:
    """The state's tech exports for the snapshot year, as its row of the States table has them."""
    return (f"INDEX({STATE_SUMMARY.column('tech_exports')},"
            f"MATCH({string_literal(code)},{STATE_SUMMARY.column('state_code')},0))")


def legend_formulas() -> tuple[str, str, str]:
    """The colour scale's lowest, middle and top points, over every state's figure."""
    exports = STATE_SUMMARY.column("tech_exports")
    return f"MIN({exports})", f"MEDIAN({exports})", f"PERCENTILE({exports},{SCALE_TOP_PERCENTILE})"


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    figures = model.figures(map_figures)

    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])
    # On a row of the default height, as the legend's heading: the map's one page is laid out with them.
    layout.line(words["subtitle"], "subtitle")
    layout.note(words["positioning"])
    layout.skip()
    layout.reach(GRID_FIRST_ROW)

    tile_width = column_width("map_tile")
    sheet.set_column(0, figures.cols - 1, tile_width)
    tile_height = _tile_height(tile_width)
    for row in range(GRID_FIRST_ROW, GRID_FIRST_ROW + figures.rows):
        sheet.set_row(row, tile_height)
    for tile in figures.tiles:
        write_formula(sheet, GRID_FIRST_ROW + tile.row, tile.col, tile_formula(tile.code),
                      book.style_variant("map_tile", num_format=tile_number_format(tile.code)), tile.tech_exports)

    layout.row = GRID_FIRST_ROW + figures.rows + 1
    legend_row = _legend(layout, figures, words, tile_height)
    _colour_scale(sheet, figures, legend_row)
    _light_text_on_dark_tiles(book, sheet, figures, legend_row)

    # What the scale's top point means, then the notes: full lines under the map, which a
    # note beside the legend would run past.
    layout.skip()
    layout.note(words["legend_note"])
    notes_row = layout.note(words["notes"])
    print_setup(sheet, notes_row, figures.cols - 1, pages_tall=1, centred=True)


def _tile_height(width_characters: float) -> float:
    """Row height in points for a tile ``width_characters`` wide."""
    width_points = pixels_to_points(column_pixels(width_characters))
    return round(width_points * TILE_HEIGHT_RATIO)


def _legend(layout: SheetLayout, figures: MapFigures, words: Wording, tile_height: float) -> int:
    """The legend at the cursor: the scale's three points as live formulas, coloured by the tiles' rule.
    Returns its row; the cursor is past it."""
    book, sheet = layout.book, layout.sheet
    formats = book.formats
    layout.line(words["legend_heading"], "heading")
    label_row = layout.row
    legend_row = label_row + 1
    layout.row = legend_row + 1
    sheet.set_row(label_row, LEGEND_LABEL_HEIGHT)
    sheet.set_row(legend_row, tile_height)
    legend_style = book.style_variant("map_tile", num_format=tile_number_format(""))
    values = (figures.scale_lowest, figures.scale_median, figures.scale_top)
    for col, (label, formula, value) in enumerate(zip(words["legend_labels"], legend_formulas(), values)):
        sheet.write_string(label_row, col, label, formats["map_legend_label"])
        write_formula(sheet, legend_row, col, formula, legend_style, value)
    return legend_row


def _coloured_cells(figures: MapFigures, legend_row: int) -> list[tuple[int, int]]:
    """Every tile and the legend's three cells: what the colour scale colours."""
    return [(GRID_FIRST_ROW + tile.row, tile.col) for tile in figures.tiles] + [(legend_row, col) for col in range(3)]


def _colour_scale(sheet: Worksheet, figures: MapFigures, legend_row: int) -> None:
    """One 3-colour scale over every tile and the legend, its points read from the legend cells."""
    cells = _coloured_cells(figures, legend_row)
    low, mid, top = (xl_rowcol_to_cell(legend_row, col, True, True) for col in range(3))
    first_row, first_col = cells[0]
    sheet.conditional_format(first_row, first_col, first_row, first_col, {
        "type": "3_color_scale",
        "multi_range": cell_ranges(cells),
        "min_type": "formula", "min_value": low, "min_color": fill_colour(SCALE_STYLES[0]),
        "mid_type": "formula", "mid_value": mid, "mid_color": fill_colour(SCALE_STYLES[1]),
        "max_type": "formula", "max_value": top, "max_color": fill_colour(SCALE_STYLES[2]),
    })


def _light_text_threshold(legend_row: int) -> str | None:
    """The value from which a tile's text is light: a formula over the legend cells, or None if never.

    The scale colours a value by where it lies between two of the legend's points,
    so the point where light text starts to read better is a fixed fraction of the
    way between the same two points, whatever the figures are.
    """
    try:
        switch = light_text_from([fill_colour(style) for style in SCALE_STYLES], font_colour("map_tile"),
                                 font_colour("rule_light_text"), minimum_contrast())
    except ValueError as error:
        raise TechTradeError(f"{templates_folder().joinpath('styles.toml')}: the Map's tiles would not all be "
                             f"readable: {error}; "
                             f"choose {', '.join(SCALE_STYLES)} running from pale to dark") from None
    if switch is None:
        return None
    segment, fraction = switch
    start, end = (xl_rowcol_to_cell(legend_row, col, True, True) for col in (segment, segment + 1))
    return f"{start}+{fraction!r}*({end}-{start})"


def _light_text_on_dark_tiles(book: Book, sheet: Worksheet, figures: MapFigures, legend_row: int) -> None:
    """Light text on the tiles (and legend cells) whose value the scale colours dark."""
    threshold = _light_text_threshold(legend_row)
    if threshold is None:
        return
    cells = _coloured_cells(figures, legend_row)
    first_row, first_col = cells[0]
    sheet.conditional_format(first_row, first_col, first_row, first_col, {
        "type": "cell", "criteria": ">=", "value": threshold,
        "multi_range": cell_ranges(cells), "format": book.formats["rule_light_text"],
    })


def cell_ranges(cells: list[tuple[int, int]]) -> str:
    """Cells as a space-separated list of ranges, each a run of neighbouring cells in one row."""
    runs: list[list[int]] = []  # [row, first col, last col]
    for row, col in sorted(cells):
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1:
            runs[-1][2] = col
        else:
            runs.append([row, col, col])
    return " ".join(
        xl_rowcol_to_cell(row, first) if first == last
        else f"{xl_rowcol_to_cell(row, first)}:{xl_rowcol_to_cell(row, last)}"
        for row, first, last in runs
    )
