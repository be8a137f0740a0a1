"""The house chart style: every native chart of the workbook is made and placed here.

The style is styles.toml's [chart] (:class:`workbook.templates_loader.ChartStyle`): the
cells' font, one palette, one axis format for $ billions, data labels in the cells' own
number format, and series told apart by more than colour (bars by solid, hatched or
dotted fills; lines by markers and dashes), so that a chart reads in grey print and to a
reader who does not tell the colours apart. A chart cannot be placed without alternative
text describing what it shows (``description`` of ``insert_chart``), which screen readers
speak in its place.

A sheet module makes a :class:`HouseChart`, adds its series in order, sets its axes and
places it::

    chart = HouseChart(book, "bar", words["chart_title"])
    chart.add_series(name, categories, values, labels=True)
    chart.value_axis(words["chart_axis"])
    chart.category_axis(reverse=True)
    chart.place(sheet, row, col, width=480, height=300, description=words["chart_description"])
"""

from __future__ import annotations

from xlsxwriter.chart import Chart
from xlsxwriter.worksheet import Worksheet

from workbook.templates_loader import ChartStyle, chart_style, styles
from workbook.writing.register import SNAPSHOT_YEAR
from workbook.writing.xlsx import Book, Options

#: Chart types whose series are areas (bars, columns) rather than lines.
#: A chart's title, series name, categories or values: a formula's text, or [sheet, row, col]
#: (and [sheet, first row, first col, last row, last col] for a range).
Reference = str | list[str | int]

_BAR_KINDS = frozenset({"bar", "column"})


class MissingAltText(ValueError):
    """A chart placed without alternative text."""


#: What a chart's helper cell holds where its figure is missing: drawn as a gap, never as zero.
GAP = "#N/A"


def gap_formula(reference: str) -> str:
    """A chart's helper cell over ``reference``: its figure, or #N/A (a gap) where it holds text
    such as "not published". ``tech-trade check`` takes such a deliberate NA() for what it is."""
    return f"IF(ISNUMBER({reference}),{reference},NA())"


def gap_value(value: object) -> object:
    """The cached value of :func:`gap_formula` over a cell holding ``value``."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else GAP


#: A helper figure below a value axis that starts at 0, so that its point is drawn nowhere. A gap
#: (#N/A) would do in Excel, but LibreOffice 7.4 draws an error or a text as 0.
OFF_THE_CHART = -1


def mark_formula(year: str, figure: str) -> str:
    """A marker series' cell: ``figure`` in the snapshot year, off the chart in every other year."""
    return f"IF({year}={SNAPSHOT_YEAR},{figure},{OFF_THE_CHART})"


def mark_number_format() -> str:
    """$ billions for the snapshot year's figure; nothing for the others, which are off the chart."""
    positive = str(styles()["usd_billions"]["num_format"]).split(";")[0]
    return f'{positive};"";{positive}'


def data_label_format() -> str:
    """Data labels show figures as the cells do ($ billions, one decimal), and nothing for zero: a
    gap (#N/A), which LibreOffice 7.4 draws as a bar of zero, is not labelled "$0"."""
    positive, negative, _ = str(styles()["usd_billions"]["num_format"]).split(";")
    return f'{positive};{negative};""'


class HouseChart:
    """One native chart in the house style: add series in order, set the axes, then place it."""

    def __init__(self, book: Book, kind: str, title: Reference | None, subtype: str | None = None) -> None:
        """A chart of ``kind`` titled ``title`` (text, or [sheet, row, col] of a cell); ``None``
        where the sheet writes the chart's title in a cell above it."""
        options: Options = {"type": kind}
        if subtype is not None:
            options["subtype"] = subtype
        self.book = book
        chart = book.workbook.add_chart(options)
        if chart is None:
            raise ValueError(f"XlsxWriter draws no chart of type {kind!r}")
        self.chart: Chart = chart
        self.kind = kind
        self.style: ChartStyle = chart_style()
        self.series_count = 0
        if title is None:
            self.chart.set_title({"none": True})
        else:
            self.chart.set_title({"name": title, "overlay": False,
                                  "name_font": self.font(self.style.title_font_size, bold=True)})
        self.chart.set_chartarea({"border": {"none": True}})
        self.chart.set_legend({"none": True})
        # A cell without a figure (#N/A) is left out of the chart, never drawn as zero.
        self.chart.show_blanks_as("gap")

    def font(self, size: float | None = None, bold: bool = False, colour: str | None = None) -> Options:
        """The cells' font at the chart's size: every text of a chart uses it."""
        return {"name": self.style.font_name, "size": size or self.style.font_size, "bold": bold,
                "color": colour or self.style.text}

    # ------------------------------------------------------------ series

    def add_series(self, name: Reference, categories: Reference, values: Reference, *, labels: bool = False,
                   highlight: bool = False, label_format: str | None = None, overlap: int | None = None,
                   gap: int | None = None, look: int | None = None) -> None:
        """The next series, in the next look of the palette (or in the highlight colour).

        ``look`` picks a look of the palette instead: a chart of imports alone takes the look
        imports have in the charts beside it.

        ``labels`` writes each point's value beside it, in the cells' number format (or ``label_format``).
        ``highlight`` marks what the chart points at: a bar in the highlight colour, or on a
        line chart a large marker alone (its other points are gaps).
        """
        look = self.series_count if look is None else look
        self.series_count += 1
        colour = self.style.highlight if highlight else self.style.palette[look % len(self.style.palette)]
        series: Options = {"name": name, "categories": categories, "values": values}
        if self.kind in _BAR_KINDS:
            series.update(self._bar_look(look, colour, highlight))
            if overlap is not None:
                series["overlap"] = overlap
            if gap is not None:
                series["gap"] = gap
        else:
            series.update(self._line_look(look, colour, highlight))
        if labels or highlight:
            series["data_labels"] = {"value": True, "num_format": label_format or data_label_format(),
                                     "font": self.font(bold=highlight),
                                     "position": "outside_end" if self.kind in _BAR_KINDS else "above"}
        self.chart.add_series(series)

    def mark_point(self, name: Reference, categories: Reference, values: Reference) -> None:
        """A large marker in the highlight colour on a line chart, at the one point of ``values``
        on the chart (the snapshot year; see :func:`mark_formula`). The value axis starts at 0."""
        series: Options = {"name": name, "categories": categories, "values": values,
                           **self._line_look(0, self.style.highlight, highlight=True)}
        self.chart.add_series(series)

    def _bar_look(self, look: int, colour: str, highlight: bool) -> Options:
        pattern = "solid" if highlight else self.style.patterns[look % len(self.style.patterns)]
        border = {"color": self.style.palette[0] if highlight else colour, "width": 0.75}
        if pattern == "solid":
            return {"fill": {"color": colour}, "border": border}
        return {"pattern": {"pattern": pattern, "fg_color": colour, "bg_color": "#FFFFFF"}, "border": border}

    def _line_look(self, look: int, colour: str, highlight: bool) -> Options:
        if highlight:
            return {"line": {"none": True},
                    "marker": {"type": "diamond", "size": self.style.highlight_marker_size,
                               "fill": {"color": colour}, "border": {"color": self.style.palette[0]}}}
        return {"line": {"color": colour, "width": self.style.line_width,
                         "dash_type": self.style.dash_types[look % len(self.style.dash_types)]},
                "marker": {"type": self.style.markers[look % len(self.style.markers)], "size": self.style.marker_size,
                           "fill": {"color": colour}, "border": {"color": colour}}}

    # ------------------------------------------------------------ axes and legend

    def value_axis(self, name: str | None = None, num_format: str | None = None, minimum: float | None = None,
                   shown: bool = True) -> None:
        """The axis of the figures: $ billions unless said otherwise, light gridlines.

        ``shown=False`` leaves the axis and its gridlines out, for a small chart whose every
        bar is labelled with its value: the bars get the room the axis took.
        """
        axis: Options = {"num_format": num_format or self.style.axis_billions, "num_font": self.font(),
                      "major_gridlines": {"visible": shown, "line": {"color": self.style.gridlines}},
                      "line": {"none": True}, "visible": shown}
        if name:
            axis.update(name=name, name_font=self.font())
        if minimum is not None:
            axis["min"] = minimum
        # In a bar chart the value axis is the horizontal (x) one.
        (self.chart.set_x_axis if self.kind == "bar" else self.chart.set_y_axis)(axis)

    def category_axis(self, name: str | None = None, reverse: bool = False, labels_low: bool = False,
                      every_label: bool = False, slanted: bool = False) -> None:
        """The axis of the categories. ``reverse``: the first category on top of a bar chart
        (the value axis then stays at the bottom); ``labels_low``: labels stay below negative bars;
        ``every_label``: each category labelled, where a reader would otherwise skip some to fit;
        ``slanted``: labels at 45 degrees, where side by side they would run into one another
        (LibreOffice prints ten years on a small chart as one run of digits)."""
        font = {**self.font(), "rotation": -45} if slanted else self.font()
        axis: Options = {"num_font": font, "line": {"color": self.style.gridlines}}
        if every_label:
            axis["interval_unit"] = 1
        if name:
            axis.update(name=name, name_font=self.font())
        if reverse:
            axis.update(reverse=True, crossing="max")
        if labels_low:
            axis["label_position"] = "low"
        (self.chart.set_y_axis if self.kind == "bar" else self.chart.set_x_axis)(axis)

    def legend(self, position: str = "bottom") -> None:
        self.chart.set_legend({"position": position, "font": self.font()})

    def show_hidden_cells(self) -> None:
        """Plot cells in hidden rows or columns too: a chart's helper cells can be folded away."""
        self.chart.show_hidden_data()

    # ------------------------------------------------------------ placing

    def place(self, sheet: Worksheet, row: int, col: int, *, width: int, height: int, description: str,
              x_offset: int = 0, y_offset: int = 0) -> None:
        """Put the chart on ``sheet`` at (row, col), ``width`` x ``height`` pixels, with its alternative text.

        The chart moves with its cells but keeps its size, so an analyst resizing a column
        does not squash it.
        """
        if not description or not description.strip():
            raise MissingAltText(f"sheet {sheet.get_name()!r}: a chart needs alternative text describing what it shows")
        self.chart.set_size({"width": width, "height": height})
        sheet.insert_chart(row, col, self.chart, {"description": description, "object_position": 2,
                                                  "x_offset": x_offset, "y_offset": y_offset})
