"""Reads the styles and wording kept in ``templates/`` (TOML), so that code holds no prose.

``templates/styles.toml`` holds the cell styles; ``templates/wording/*.toml`` every
word the workbook shows, one file per sheet (or group of sheets), each file a set of
sections named after what they describe.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

from xlsxwriter.format import Format

#: Sections of styles.toml that are not cell styles: the palette, column widths, the chart style.
STYLE_SECTIONS_NOT_CELL_STYLES = frozenset({"theme", "column_widths", "chart"})


class TemplateError(ValueError):
    """A template that cannot be used as it is written (a misspelt or missing key)."""


@dataclass(frozen=True)
class ChartStyle:
    """The house chart style: styles.toml's [chart], with the cells' font from [theme].

    Every chart of the workbook is drawn in it (``workbook.charts``), so that the charts
    look alike, read in grey print, and speak in the cells' font.
    """

    font_name: str
    font_size: float
    title_font_size: float
    text: str
    gridlines: str
    palette: tuple[str, ...]
    highlight: str
    patterns: tuple[str, ...]
    markers: tuple[str, ...]
    dash_types: tuple[str, ...]
    line_width: float
    marker_size: float
    highlight_marker_size: float
    axis_billions: str


@cache
def template(name: str) -> dict:
    """The parsed ``templates/<name>.toml``."""
    text = resources.files("workbook.templates").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _all_wording() -> dict:
    sections: dict = {}
    folder = resources.files("workbook.templates").joinpath("wording")
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".toml"):
            for name, section in tomllib.loads(entry.read_text(encoding="utf-8")).items():
                if name in sections:
                    raise ValueError(f"wording section [{name}] is defined twice (again in {entry.name})")
                sections[name] = section
    return sections


def wording(section: str) -> dict:
    """The titles, notes and labels of one section, e.g. one sheet."""
    return _all_wording()[section]


@cache
def styles() -> dict:
    """styles.toml, its keys checked: a misspelt style property fails here, not in a built workbook."""
    theme = template("styles")
    check_styles(theme)
    return theme


def check_styles(theme: dict) -> None:
    """Raise TemplateError for a cell style property XlsxWriter has no setter for, or a bad [chart]."""
    for name, properties in theme.items():
        if name in STYLE_SECTIONS_NOT_CELL_STYLES:
            continue
        if not isinstance(properties, dict):
            raise TemplateError(f"styles.toml: [{name}] is not a table of format properties")
        for key in properties:
            if not callable(getattr(Format, f"set_{key}", None)):
                raise TemplateError(f"styles.toml: [{name}] has {key!r}, which is not an XlsxWriter format property")
    _chart_style(theme)


def chart_style() -> ChartStyle:
    """The house chart style."""
    return _chart_style(styles())


def _chart_style(theme: dict) -> ChartStyle:
    section = dict(theme.get("chart", {}))
    expected = {field.name for field in fields(ChartStyle)} - {"font_name"}
    unknown, missing = sorted(set(section) - expected), sorted(expected - set(section))
    problems = ([f"unknown key(s) {', '.join(unknown)}"] if unknown else []) + \
        ([f"no {', '.join(missing)}"] if missing else [])
    if problems:
        raise TemplateError(f"styles.toml: [chart] has {' and '.join(problems)}")
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in section.items()}
    return ChartStyle(font_name=theme["theme"]["font_name"], **values)
