"""What keeps a workbook from reading well with a screen reader, or at all for some eyes.

``tech-trade check`` reports, one line each with its sheet and object:

* a chart or picture without alternative text (its ``descr``; one marked decorative needs none).
  LibreOffice 7.4 keeps a chart's description while the file is open but leaves it out
  when it saves as .xlsx, so in a file LibreOffice saved a chart without one is a
  note, not a problem: the analyst cannot put it back there, and
  ``extract`` + ``build`` restores the tool's own;
* a table with a default name (``Table1``: a formula reading ``Table1[Value]`` says
  nothing, nor does a screen reader announcing it), or with no header row;
* merged cells inside a table (sorting, filtering and reading row by row break);
* a sheet whose A1 holds no title (empty, or a table's header): A1 is where a
  screen reader starts;
* text and fill colours below the least contrast (styles.toml's
  ``[accessibility] min_contrast``, WCAG's 4.5:1): the colours of the cells that
  show something, each conditional format's colours over those cells, each data
  bar's colour under their text, and each colour scale's fills against every text
  colour its cells can take (their own, or one a rule over the same cells sets).

The parts are read straight from the zip, after :func:`~workbook.reading.safe_read.open_workbook_safely`
has accepted it: small parts parsed with defusedxml, sheets streamed through expat
(refusing a DTD or entities just as defusedxml does), keeping only each cell's
style and position. Nothing is calculated, so a colour scale is checked against
every text colour its cells may show, not the one a rule's formula picks for a
value (the Map's own test measures that).
"""

from __future__ import annotations

import colorsys
import functools
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from xml.etree.ElementTree import Element, TreeBuilder

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from workbook.checking.findings import Finding, FoundBy
from workbook.writing.contrast import contrast_ratio, minimum_contrast, scale_colours
from workbook.reading.package import Package
from workbook.reading.safe_read import open_workbook_safely
from workbook.spreadsheet import MAX_COLUMNS, quote_sheet_name

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
#: Why a chart in a file LibreOffice saved has no alternative text, and how to get it back.
CHART_TEXT_DROPPED_BY_LIBREOFFICE = ("no alternative text: LibreOffice leaves it out when it saves as .xlsx; "
                                     "`tech-trade extract` then `tech-trade build` puts the tool's descriptions back")

# Names as a streamed sheet's elements have them (namespace}local). What a cell that shows
# something holds: a value, inline text or a formula.
_SHOWING = frozenset({f"{_MAIN[1:]}v", f"{_MAIN[1:]}is", f"{_MAIN[1:]}f"})
_CELL, _ROW, _MERGE, _CONDITIONAL_FORMAT = (f"{_MAIN[1:]}{name}" for name in ("c", "row", "mergeCell",
                                                                              "conditionalFormatting"))
_HEX_COLOUR = re.compile(r"#[0-9A-F]{6}")
_CELL_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})$")

#: The names Excel, LibreOffice and XlsxWriter give a table nobody named.
_DEFAULT_TABLE_NAME = re.compile(r"(Table|Tabelle|Tableau|Tabla|Tabella|Tabel)_?\d+", re.IGNORECASE)

#: Text with no colour of its own is the window's text colour, a fill-less cell the window's background.
AUTOMATIC_TEXT = "#000000"
NO_FILL = "#FFFFFF"

#: Excel's default palette of indexed colours (0-63), used where styles.xml does not replace it.
_INDEXED = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF "
    "00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 "
    "0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF "
    "FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 "
    "993300 993366 333399 333333").split()
#: Indexed colours 64 and 65: the system's text and background colours.
_SYSTEM_TEXT, _SYSTEM_BACKGROUND = 64, 65
#: The theme's colours in the order a colour's ``theme`` index counts them (light 1 first, as Excel does).
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


def accessibility_problems(path: Path) -> list[Finding]:
    """Every accessibility finding in the workbook at ``path``, sheet by sheet; an empty list means none."""
    with open_workbook_safely(Path(path)) as archive:
        package = Package(Path(path), archive)
        workbook_part = package.target("", "officeDocument")
        if workbook_part is None:
            return []
        styles = _Styles(package, workbook_part)
        problems: list[Finding] = []
        for name, sheet_part in package.sheets(workbook_part):
            problems += _Sheet(package, styles, name, sheet_part).problems()
        return problems


# ---------------------------------------------------------------- colours


class _Styles:
    """The text and fill colours of each cell style (xf) and each conditional format's style (dxf)."""

    def __init__(self, package: Package, workbook_part: str) -> None:
        self.theme = _theme_colours(package.xml(package.target(workbook_part, "theme") or ""))
        root = package.xml(package.target(workbook_part, "styles") or "")
        self.indexed = list(_INDEXED)
        self.fonts: list[str | None] = []
        self.fills: list[str | None] = []
        self.cells: list[tuple[int, int]] = []
        self.rules: list[tuple[str | None, str | None]] = []
        if root is None:
            return
        custom = root.find(f"{_MAIN}colors/{_MAIN}indexedColors")
        if custom is not None:
            self.indexed = [colour.get("rgb", "FF000000")[-6:] for colour in custom.iter(f"{_MAIN}rgbColor")]
        self.fonts = [self._font_colour(font) for font in root.iterfind(f"{_MAIN}fonts/{_MAIN}font")]
        self.fills = [self._fill_colour(fill, rule=False) for fill in root.iterfind(f"{_MAIN}fills/{_MAIN}fill")]
        self.cells = [(_int(xf.get("fontId")), _int(xf.get("fillId")))
                      for xf in root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")]
        self.rules = [(self._font_colour(dxf.find(f"{_MAIN}font")), self._fill_colour(dxf.find(f"{_MAIN}fill"), rule=True))
                      for dxf in root.iterfind(f"{_MAIN}dxfs/{_MAIN}dxf")]

    def cell(self, style: int) -> tuple[str, str]:
        """(text, fill) of a cell style, the window's colours where it sets none."""
        font, fill = self.cells[style] if 0 <= style < len(self.cells) else (0, 0)
        text = self.fonts[font] if 0 <= font < len(self.fonts) else None
        background = self.fills[fill] if 0 <= fill < len(self.fills) else None
        return text or AUTOMATIC_TEXT, background or NO_FILL

    def rule(self, dxf: int) -> tuple[str | None, str | None]:
        """(text, fill) a conditional format's style sets, None for what it leaves to the cell."""
        return self.rules[dxf] if 0 <= dxf < len(self.rules) else (None, None)

    def colour(self, element: Element | None) -> str | None:
        """An element's colour as #RRGGBB; None for automatic (the window's) colour, or one not understood."""
        if element is None or element.get("auto") in ("1", "true"):
            return None
        colour: str | None
        if element.get("rgb"):

            colour = "#" + element.get("rgb", "")[-6:].upper()
        elif element.get("theme") is not None:
            colour = _item(self.theme, _int(element.get("theme"), -1))
        elif element.get("indexed") is not None:
            index = _int(element.get("indexed"), -1)
            if index == _SYSTEM_TEXT:
                return None
            colour = NO_FILL if index == _SYSTEM_BACKGROUND else "#" + str(_item(self.indexed, index)).upper()
        else:
            return None
        if colour is None or not _HEX_COLOUR.fullmatch(colour):
            return None
        try:
            tint = float(element.get("tint") or 0)
        except ValueError:
            tint = 0
        return _tinted(colour, max(-1.0, min(1.0, tint))) if tint else colour

    def _font_colour(self, font: Element | None) -> str | None:
        return None if font is None else self.colour(font.find(f"{_MAIN}color"))

    def _fill_colour(self, fill: Element | None, rule: bool) -> str | None:
        pattern = None if fill is None else fill.find(f"{_MAIN}patternFill")
        if pattern is None:
            return None
        kind = pattern.get("patternType", "solid" if rule else "none")
        if kind == "none":
            return None
        foreground, background = pattern.find(f"{_MAIN}fgColor"), pattern.find(f"{_MAIN}bgColor")
        # A rule's solid fill is its background colour; a cell's is its foreground colour.
        # Other patterns mix both: their foreground stands for them.
        first, second = (background, foreground) if rule and kind == "solid" else (foreground, background)
        return self.colour(first) if first is not None else self.colour(second)


def _theme_colours(theme: Element | None) -> list[str]:
    scheme = None if theme is None else theme.find(f"{_DRAWINGML}themeElements/{_DRAWINGML}clrScheme")
    if scheme is None:
        return []
    colours = {}
    for entry in scheme:
        name = entry.tag.rpartition("}")[2]
        rgb = entry.find(f"{_DRAWINGML}srgbClr")
        system = entry.find(f"{_DRAWINGML}sysClr")
        value = rgb.get("val") if rgb is not None else (system.get("lastClr") if system is not None else None)
        if value:
            colours[name] = "#" + value.upper()
    return [colours.get(name, AUTOMATIC_TEXT) for name in _THEME_ORDER]


def _tinted(colour: str, tint: float) -> str:
    """A theme colour lightened (tint > 0) or darkened (tint < 0), as Excel applies a tint: in HLS."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in colorsys.hls_to_rgb(hue, lightness, saturation))


# ---------------------------------------------------------------- one sheet


@dataclass(frozen=True)
class _Range:
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @classmethod
    def of(cls, reference: str) -> _Range | None:
        try:
            bounds = range_boundaries(reference.replace("$", ""))
        except (ValueError, TypeError):
            return None
        return None if None in bounds else cls(*bounds)

    def contains(self, position: int) -> bool:
        row, col = divmod(position, _COLUMNS)
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col

    def overlaps(self, other: _Range) -> bool:
        return not (other.min_row > self.max_row or other.max_row < self.min_row
                    or other.min_col > self.max_col or other.max_col < self.min_col)


def _ranges(sqref: str) -> list[_Range]:
    return [found for found in map(_Range.of, sqref.split()) if found is not None]


#: A cell's position packed in one integer, row * _COLUMNS + column: a sheet of a million cells stays small.
_COLUMNS = MAX_COLUMNS + 1


@dataclass
class _ConditionalFormat:
    sqref: str
    ranges: list[_Range]
    rules: list[Element]

    def overlaps(self, other: _ConditionalFormat) -> bool:
        return any(mine.overlaps(theirs) for mine in self.ranges for theirs in other.ranges)

    @property
    def is_colour_scale(self) -> bool:
        return any(rule.find(f"{_MAIN}colorScale") is not None for rule in self.rules)


class _Sheet:
    """One worksheet's cells (their styles, not their values), merges, conditional formats, tables and drawings."""

    def __init__(self, package: Package, styles: _Styles, name: str, part: str) -> None:
        self.package, self.styles, self.part = package, styles, part
        self.name = quote_sheet_name(name)
        self.minimum = minimum_contrast()
        #: Style -> packed positions of the cells of that style that show something (a value, text or formula).
        self.cells: dict[int, array[int]] = {}
        self.a1_filled = False
        self.merged: list[str] = []
        self.formats: list[_ConditionalFormat] = []
        # Where the reading is: the cell's row, column and style, whether it shows something,
        # and the conditional format being read, if any.
        self._row = self._col = self._style = 0
        self._shows = False
        self._format: TreeBuilder | None = None
        self.found = package.read_streamed(part, self._start, self._end)

    def problems(self) -> list[Finding]:
        if not self.found:
            return []
        tables = list(self._tables())
        return [*self._title_problems(tables), *self._table_problems(tables), *self._drawing_problems(),
                *self._cell_colour_problems(), *self._rule_problems()]

    def _problem(self, what: str, message: str) -> Finding:
        return Finding(f"{self.name}{what}", message, FoundBy.ACCESSIBILITY)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        """Keep a cell's style and position, a merge, a conditional format; drop the rest as it streams by."""
        if self._format is not None:
            self._format.start("{" + name, attributes)
        elif name == _CELL:
            found = _CELL_REFERENCE.match(attributes.get("r", ""))
            if found:
                self._col, self._row = _column_number(found[1]), int(found[2])
            else:
                self._col += 1
            self._style = _int(attributes.get("s"))
            self._shows = False
        elif name in _SHOWING:
            self._shows = True
        elif name == _ROW:
            self._row = _int(attributes.get("r"), self._row + 1)
            self._col = 0
        elif name == _MERGE:
            self.merged.append(attributes.get("ref", ""))
        elif name == _CONDITIONAL_FORMAT:
            self._format = TreeBuilder()
            self._format.start("{" + name, attributes)

    def _end(self, name: str) -> None:
        if self._format is not None:
            self._format.end("{" + name)
            if name == _CONDITIONAL_FORMAT:
                element, self._format = self._format.close(), None
                sqref = element.get("sqref", "")
                self.formats.append(_ConditionalFormat(sqref, _ranges(sqref), list(element.iterfind(f"{_MAIN}cfRule"))))
        elif name == _CELL and self._shows:
            self.cells.setdefault(self._style, array("Q")).append(self._row * _COLUMNS + self._col)
            self.a1_filled |= (self._row, self._col) == (1, 1)

    def _styles_where(self, inside: Sequence[_Range], outside: Sequence[_Range] = ()) -> set[int]:
        """The styles of the cells that show something inside ``inside`` and outside ``outside``."""
        return {style for style, positions in self.cells.items()
                if any(any(r.contains(p) for r in inside) and not any(r.contains(p) for r in outside)
                       for p in positions)}

    # -------------------------------------------------------- title, tables

    def _tables(self) -> Iterator[tuple[str, _Range, str]]:
        """(display name, range, header row count) of each table on the sheet."""
        for part in self.package.targets(self.part, "table"):
            table = self.package.xml(part)
            if table is None:
                continue
            where = _Range.of(table.get("ref", ""))
            if where is not None:
                yield table.get("displayName") or table.get("name") or part, where, table.get("headerRowCount", "1")

    def _title_problems(self, tables: list[tuple[str, _Range, str]]) -> Iterator[Finding]:
        a1 = 1 * _COLUMNS + 1
        header = next((name for name, where, headers in tables if headers != "0" and where.contains(a1)), None)
        if header is not None:
            yield self._problem("!A1", f"no title: A1 is the header of table {header}; put the sheet's title above it")
        elif not self.a1_filled:
            yield self._problem("!A1", "no title: A1 is empty; a screen reader starts there")

    def _table_problems(self, tables: list[tuple[str, _Range, str]]) -> Iterator[Finding]:
        merged = [(reference, _Range.of(reference)) for reference in self.merged]
        for name, where, headers in tables:
            if _DEFAULT_TABLE_NAME.fullmatch(name):
                yield self._problem(f": table {name}", "a default name; name the table for what it holds")
            if headers == "0":
                yield self._problem(f": table {name}", "no header row; give each column a header")
            for reference, cells in merged:
                if cells is not None and where.overlaps(cells):
                    yield self._problem(f": table {name}", f"merged cells {reference} inside it; unmerge them")

    # -------------------------------------------------------- charts and pictures

    def _drawing_problems(self) -> Iterator[Finding]:
        for part in self.package.targets(self.part, "drawing"):
            drawing = self.package.xml(part)
            if drawing is None:
                continue
            charts = {rid: target for rid, kind, target in self.package.relationships(part) if kind == "chart"}
            for anchor in drawing:
                for kind, properties, chart_id in _drawn_objects(anchor):
                    if properties.get("descr", "").strip() or _is_decorative(properties):
                        continue
                    title = _chart_title(self.package.xml(charts[chart_id])) if chart_id in charts else ""
                    shown = f" ({title})" if title else ""
                    where = f': {kind} "{properties.get("name", "")}"{shown}'
                    if kind == "chart" and self.package.saved_by_libreoffice:
                        yield Finding(f"{self.name}{where}", CHART_TEXT_DROPPED_BY_LIBREOFFICE, FoundBy.ACCESSIBILITY,
                                      note=True)
                    else:
                        yield self._problem(where, "no alternative text; describe what it shows")

    # -------------------------------------------------------- colours

    def _cell_colour_problems(self) -> Iterator[Finding]:
        for style, positions in sorted(self.cells.items(), key=lambda item: min(item[1])):
            text, fill = self.styles.cell(style)
            ratio = contrast_ratio(text, fill)
            if ratio < self.minimum:
                first = _cell_name(min(positions))
                others = f" and {len(positions) - 1} more cell(s) of its style" if len(positions) > 1 else ""
                yield self._problem(f"!{first}{others}", self._low_contrast(text, fill, ratio))

    def _rule_problems(self) -> Iterator[Finding]:
        # Cells a colour scale fills: a rule's text there is measured against the scale's fills.
        scaled = [where for found in self.formats if found.is_colour_scale for where in found.ranges]
        for found in self.formats:
            styles = self._styles_where(found.ranges)
            if not styles:
                continue
            for rule in found.rules:
                problem = self._rule_problem(rule, found, styles, scaled)
                if problem:
                    yield self._problem(f": conditional format on {found.sqref}", problem)

    def _rule_problem(self, rule: Element, found: _ConditionalFormat, styles: set[int],
                      scaled: list[_Range]) -> str | None:
        cell_colours = [self.styles.cell(style) for style in sorted(styles)]
        if rule.get("dxfId") is not None:
            rule_text, rule_fill = self.styles.rule(_int(rule.get("dxfId"), -1))
            if rule_text is None and rule_fill is None:
                return None
            # A rule that sets only the text leaves the fill to the cell, or to a colour scale.
            behind = cell_colours if rule_fill else [
                self.styles.cell(style) for style in sorted(self._styles_where(found.ranges, scaled))]
            pairs = {(rule_text or text, rule_fill or fill) for text, fill in behind}
            if not pairs:
                return None
            text, fill = min(pairs, key=lambda pair: contrast_ratio(*pair))
            ratio = contrast_ratio(text, fill)
            return self._low_contrast(text, fill, ratio) if ratio < self.minimum else None
        bar = rule.find(f"{_MAIN}dataBar/{_MAIN}color")
        bar_fill = self.styles.colour(bar) if bar is not None else None
        if bar_fill:
            text = min({text for text, _ in cell_colours}, key=lambda colour: contrast_ratio(colour, bar_fill))
            ratio = contrast_ratio(text, bar_fill)
            return f"data bar: {self._low_contrast(text, bar_fill, ratio)}" if ratio < self.minimum else None
        scale = rule.find(f"{_MAIN}colorScale")
        if scale is not None:
            points = [self.styles.colour(colour) or NO_FILL for colour in scale.iterfind(f"{_MAIN}color")]
            texts = {text for text, _ in cell_colours} | self._rule_texts_over(found)
            for fill in scale_colours(points):
                best = max(texts, key=lambda colour: contrast_ratio(colour, fill))
                if contrast_ratio(best, fill) < self.minimum:
                    return (f"colour scale: on its fill {fill} no text colour its cells take reaches "
                            f"{self.minimum:g}:1 (the best, {best}, has {contrast_ratio(best, fill):.2f}:1)")
        return None

    def _rule_texts_over(self, scale: _ConditionalFormat) -> set[str]:
        """The text colours that rules set on ranges overlapping the scale's."""
        return {text for found in self.formats if found.overlaps(scale) for rule in found.rules
                if rule.get("dxfId") is not None
                for text in [self.styles.rule(_int(rule.get("dxfId"), -1))[0]] if text}

    def _low_contrast(self, text: str, fill: str, ratio: float) -> str:
        return f"text {text} on fill {fill} has a contrast of {ratio:.2f}:1, below {self.minimum:g}:1"


def _drawn_objects(anchor: Element) -> Iterator[tuple[str, Element, str | None]]:
    """("chart" or "picture", its non-visual properties, its chart's relationship id) of each object of an anchor."""
    for frame in anchor.iter(f"{_DRAWING}graphicFrame"):
        properties = frame.find(f"{_DRAWING}nvGraphicFramePr/{_DRAWING}cNvPr")
        chart = frame.find(f".//{_CHART}chart")
        if properties is not None and chart is not None:
            yield "chart", properties, chart.get(f"{_RELATIONSHIP}id")
    for picture in anchor.iter(f"{_DRAWING}pic"):
        properties = picture.find(f"{_DRAWING}nvPicPr/{_DRAWING}cNvPr")
        if properties is not None:
            yield "picture", properties, None


def _is_decorative(properties: Element) -> bool:
    return any(mark.get("val") in ("1", "true") for mark in properties.iter(_DECORATIVE))


def _chart_title(chart: Element | None) -> str:
    title = None if chart is None else chart.find(f"{_CHART}chart/{_CHART}title")
    if title is None:
        return ""
    rich = "".join(text.text or "" for text in title.iter(f"{_DRAWINGML}t"))
    cached = next((value.text or "" for value in title.iter(f"{_CHART}v")), "")
    return " ".join((rich or cached).split())


def _cell_name(position: int) -> str:
    row, col = divmod(position, _COLUMNS)
    return f"{get_column_letter(col)}{row}"


@functools.lru_cache(maxsize=None)
def _column_number(letters: str) -> int:
    return column_index_from_string(letters)


_Item = TypeVar("_Item")


def _item(items: list[_Item], index: int) -> _Item | None:
    return items[index] if 0 <= index < len(items) else None


def _int(value: str | None, default: int = 0) -> int:
    """An index attribute as a number; one that is missing or not a number counts as ``default``."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
