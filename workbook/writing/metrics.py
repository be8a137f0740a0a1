"""How much text a cell holds and how tall its row must be: the workbook's text metrics, in one place.

A spreadsheet file gives each row's height itself (LibreOffice keeps a row as tall as the
file says, so a row left at the default shows one line of a wrapped cell over the next
row), and the build cannot measure text: it counts characters against these measures,
taken from LibreOffice's print of Arial and kept a little low, so that a line is never cut.

Column widths count characters of the default font's digits; heights are points; chart
sizes are pixels, which XlsxWriter turns into cells by the pixel rule below.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from workbook.templates_loader import styles

# ---------------------------------------------------------------- characters a unit of column width holds

#: Characters of regular text a unit of column width holds in a table's cells, whose rows are
#: sized by counting characters, not words: widths count digits, and Arial's average letter is
#: narrower than a digit; kept low, so that a row never loses a line of a label.
TABLE_TEXT_PER_WIDTH = 1.2
#: Characters of regular text a unit of column width holds in the pages' prose (entries,
#: paragraphs, findings), measured on LibreOffice's print and kept a little low so that a
#: wrapped paragraph is never cut.
PAGE_TEXT_PER_WIDTH = 1.35
#: Characters of bold text a unit of column width holds (bold letters are wider): table headers,
#: and bold text of the pages.
BOLD_TEXT_PER_WIDTH = 1.15

# ---------------------------------------------------------------- heights of lines

#: Height in points of one line of 10-point text in a table's row.
LINE_HEIGHT = 13
#: Height in points of a table's header row: three lines of wrapped text.
HEADER_ROW_HEIGHT = 40
#: Points of row height per point of font size: a line of text with room above and below it.
LINE_HEIGHT_PER_POINT = 1.5
#: Points of row height per point of font size for each line of wrapped text.
WRAPPED_LINE_PER_POINT = 1.3

# ---------------------------------------------------------------- pixels

#: XlsxWriter's rule for the default font (Arial 10): a unit of column width is 7 pixels, and a
#: column has 5 pixels of padding.
PIXELS_PER_CHARACTER = 7
COLUMN_PADDING_PIXELS = 5
#: Points in a pixel, at the 96 pixels an inch that XlsxWriter sizes charts by.
POINTS_PER_PIXEL = 0.75
#: Height in pixels of a row left at the default height: where a chart's rows end.
DEFAULT_ROW_PIXELS = 20


def column_pixels(width: float) -> float:
    """Pixels of a column ``width`` characters wide."""
    return width * PIXELS_PER_CHARACTER + COLUMN_PADDING_PIXELS


def pixels_to_points(pixels: float) -> float:
    return pixels * POINTS_PER_PIXEL


def rows_covered(height: int) -> int:
    """Rows of the default height that a chart ``height`` pixels tall covers from its top row, a part row included."""
    return -(-height // DEFAULT_ROW_PIXELS)


# ---------------------------------------------------------------- heights of rows

def lines_height(lines: int) -> float:
    """The height in points of a table's row of ``lines`` lines of 10-point text."""
    return lines * LINE_HEIGHT


def row_height_for(style: str) -> float:
    """The height in points of a one-line row in ``style``, tall enough for its font."""
    theme = styles()
    size: float = theme[style].get("font_size", theme["base"]["font_size"])
    return round(size * LINE_HEIGHT_PER_POINT, 1)


def header_lines(text: str, width: float) -> int:
    """Lines a bold header takes in a column ``width`` wide, wrapped between words as the
    spreadsheet wraps it; a word longer than a line counts as the lines it is broken into."""
    per_line = max(1, int(width * BOLD_TEXT_PER_WIDTH))
    lines, used = 0, per_line
    for word in text.split():
        if used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        broken = math.ceil(len(word) / per_line)
        lines += broken
        used = len(word) - (broken - 1) * per_line
    return max(lines, 1)


def header_row_height(headers: Sequence[tuple[str, float]]) -> float:
    """A table's header row, as (header, column width) pairs: three lines at least, more where a
    header wraps onto more."""
    lines = max((header_lines(header, width) for header, width in headers), default=1)
    return max(HEADER_ROW_HEIGHT, lines_height(lines) + 1)


def table_text_lines(text: str, width: float) -> int:
    """Lines regular text takes in a table's cell ``width`` wide, by its count of characters."""
    return math.ceil(len(text) / (width * TABLE_TEXT_PER_WIDTH))


def wrapped_row_height(cells: Sequence[tuple[str, float]]) -> float:
    """The height of a table's row whose cells wrap text: enough lines for the longest, as (text, column
    width) pairs."""
    lines = max((table_text_lines(text, width) for text, width in cells if text), default=1)
    return lines_height(max(lines, 1))


def characters_per_line(width: float, style: str) -> int:
    """Characters of ``style``'s text a line of a cell ``width`` wide holds, less its indent."""
    theme = styles()
    look = {**theme["base"], **theme[style]}
    per_width = BOLD_TEXT_PER_WIDTH if look.get("bold") else PAGE_TEXT_PER_WIDTH
    # An indent takes about three characters' room.
    per_line: int = max(1, int(width * per_width) - 3 * look.get("indent", 0))
    return per_line


def _wrapped_lines_height(lines: int, style: str) -> float:
    theme = styles()
    font_size: float = {**theme["base"], **theme[style]}["font_size"]
    return round(lines * font_size * WRAPPED_LINE_PER_POINT + 3, 1)


def wrapped_height(text: str, width: float, style: str) -> float:
    """The height in points of a row whose cell ``width`` wide wraps ``text`` in ``style``."""
    per_line = characters_per_line(width, style)
    lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
    return _wrapped_lines_height(lines, style)


def word_wrapped_height(text: str, width: float, style: str) -> float:
    """As :func:`wrapped_height`, counting the lines as the spreadsheet wraps them, between words:
    for cells whose text fills most of a line, where dividing by the characters a line holds
    would count a line too few or too many."""
    per_line = characters_per_line(width, style)
    lines = sum(len(textwrap.wrap(line, per_line, break_on_hyphens=False)) or 1 for line in text.split("\n"))
    return _wrapped_lines_height(lines, style)


def paragraph_characters_per_line(width: float, style: str) -> int:
    """Characters of a paragraph in ``style`` a line ``width`` wide holds: fewer in a larger font."""
    theme = styles()
    size = theme[style].get("font_size", theme["base"]["font_size"])
    return max(1, int(width * PAGE_TEXT_PER_WIDTH * theme["base"]["font_size"] / size))
