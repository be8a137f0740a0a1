"""Reads the styles and wording kept in ``templates/`` (TOML), so that code holds no prose.

``templates/styles.toml`` holds the cell styles; ``templates/wording/*.toml`` every
word the workbook shows, one file per sheet (or group of sheets), each file a set of
sections named after what they describe.

The templates bundled with the tool are used unless :func:`use_templates` names
another folder of the same layout (``tech-trade build --templates DIR``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeAlias

from xlsxwriter.format import Format

from workbook.errors import TechTradeError

#: A parsed TOML file, or a table of one.
TomlTable: TypeAlias = dict[str, Any]
#: One section of ``templates/wording/*.toml`` (e.g. one sheet's): the name of each text to the text,
#: a list of texts, or a table of further texts (a table's column headers, a figure's labels).
Wording: TypeAlias = Mapping[str, Any]
#: ``styles.toml``: each cell style's XlsxWriter format properties by style name, and the sections
#: named in STYLE_SECTIONS_NOT_CELL_STYLES.
Styles: TypeAlias = Mapping[str, Any]

#: A folder chosen by use_templates(); None for the bundled templates.
_chosen: Path | None = None

#: Sections of styles.toml that are not cell styles: the palette, the least contrast, column widths, the
#: chart style, the finer formats of small figures, the printed pages' margins.
STYLE_SECTIONS_NOT_CELL_STYLES = frozenset({"theme", "accessibility", "column_widths", "chart", "small_values",
                                            "page_margins"})
#: The alignments Excel indents text in: a style with an indent gives one of them.
INDENTED_ALIGNMENTS = ("left", "right", "distributed")


class TemplateError(TechTradeError):
    """A template that cannot be used as it is written (a misspelt or missing key)."""


@dataclass(frozen=True)
class ChartStyle:
    """The house chart style: styles.toml's [chart], with the cells' font from [theme].

    Every chart of the workbook is drawn in it (``workbook.writing.charts``), so that the charts
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
def _bundled() -> Traversable:
    return resources.files("workbook.templates")


def templates_folder() -> Traversable:
    """The folder the styles and wording are read from."""
    return _folder(_chosen)


def _folder(chosen: Path | None) -> Traversable:
    return chosen if chosen is not None else _bundled()


def use_templates(folder: Path | None) -> None:
    """Read styles and wording from ``folder`` (a copy of ``templates/``), or again from the
    bundled templates when None. A folder without ``styles.toml`` and ``wording/`` is refused."""
    global _chosen
    if folder is not None:
        folder = Path(folder)
        if not (folder / "styles.toml").is_file() or not (folder / "wording").is_dir():
            raise TechTradeError(f"{folder}: not a templates folder (expected styles.toml and wording/ in it, "
                                 "as in the tool's templates/)")
    _chosen = folder
    _template.cache_clear()
    _all_wording.cache_clear()
    _checked_styles.cache_clear()
    if folder is not None:
        try:
            check_wording(folder)
        except TechTradeError:
            use_templates(None)
            raise


def check_wording(folder: Path) -> None:
    """Raise TemplateError for a text of the bundled wording that ``folder``'s wording lacks (or holds as
    something else than a text or a table of texts): a sheet would otherwise stop half written."""
    copy = _all_wording(folder)
    for section, words in _all_wording(None).items():
        if section not in copy:
            raise TemplateError(f"{folder / 'wording'}: no section [{section}], which the bundled wording has")
        problem = _missing_words(words, copy[section], section)
        if problem is not None:
            raise TemplateError(f"{_file_of(folder, section)}: {problem}, which the bundled wording has")


def _missing_words(bundled: Wording, copy: Wording, where: str) -> str | None:
    for key, value in bundled.items():
        if key not in copy:
            return f"[{where}] has no {key!r}"
        if isinstance(value, Mapping):
            if not isinstance(copy[key], Mapping):
                return f"[{where}] {key!r} is not a table of texts"
            problem = _missing_words(value, copy[key], f"{where}.{key}")
            if problem is not None:
                return problem
        elif isinstance(value, str) and not isinstance(copy[key], str):
            return f"[{where}] {key!r} is not a text"
    return None


def _file_of(folder: Path, section: str) -> Path:
    """The wording file of ``folder`` that holds ``section``."""
    for entry in sorted((folder / "wording").glob("*.toml")):
        if section in _parse(entry, entry.read_text(encoding="utf-8")):
            return entry
    return folder / "wording"


def template(name: str) -> TomlTable:
    """The parsed ``templates/<name>.toml``."""
    return _template(_chosen, name)


# The parsed templates are cached by the folder chosen (None: the bundled one), which unlike a
# Traversable is known to be hashable.
@cache
def _template(chosen: Path | None, name: str) -> TomlTable:
    entry = _folder(chosen).joinpath(f"{name}.toml")
    return _parse(entry, entry.read_text(encoding="utf-8"))


@cache
def _all_wording(chosen: Path | None) -> dict[str, Wording]:
    sections: dict[str, Wording] = {}
    for entry in sorted(_folder(chosen).joinpath("wording").iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".toml"):
            for name, section in _parse(entry, entry.read_text(encoding="utf-8")).items():
                if name in sections:
                    raise TechTradeError(f"{entry}: wording section [{name}] is defined twice (again in {entry.name})")
                sections[name] = section
    return sections


def _parse(entry: Traversable, text: str) -> TomlTable:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TechTradeError(f"{entry}: not valid TOML ({error})") from None


def wording(section: str) -> Wording:
    """The titles, notes and labels of one section, e.g. one sheet."""
    return _all_wording(_chosen)[section]


def styles() -> Styles:
    """styles.toml, its keys checked: a misspelt style property fails here, not in a built workbook."""
    return _checked_styles(_chosen)


@cache
def _checked_styles(chosen: Path | None) -> Styles:
    theme = _template(chosen, "styles")
    check_styles(theme)
    return theme


def check_styles(theme: Styles) -> None:
    """Raise TemplateError for a cell style property XlsxWriter has no setter for, or a bad [chart]."""
    for name, properties in theme.items():
        if name in STYLE_SECTIONS_NOT_CELL_STYLES:
            continue
        if not isinstance(properties, dict):
            raise TemplateError(f"styles.toml: [{name}] is not a table of format properties")
        for key in properties:
            if not callable(getattr(Format, f"set_{key}", None)):
                raise TemplateError(f"styles.toml: [{name}] has {key!r}, which is not an XlsxWriter format property")
        if properties.get("indent") and properties.get("align") not in INDENTED_ALIGNMENTS:
            # LibreOffice indents any text; Excel only text aligned one of these ways ("general" is not).
            raise TemplateError(f"styles.toml: [{name}] has an indent but no align of "
                                f"{', '.join(map(repr, INDENTED_ALIGNMENTS))}: Excel would not indent its text")
    for style, rules in theme.get("small_values", {}).items():
        if style not in theme or not all(isinstance(rule, list) and len(rule) == 2 and isinstance(rule[0], (int, float))
                                         and isinstance(rule[1], str) for rule in rules):
            raise TemplateError(f"styles.toml: [small_values] {style} must name a style and give "
                                f"[threshold, number format] pairs")
    _chart_style(theme)


def chart_style() -> ChartStyle:
    """The house chart style."""
    return _chart_style(styles())


def _chart_style(theme: Styles) -> ChartStyle:
    section = dict(theme.get("chart", {}))
    expected = {field.name for field in fields(ChartStyle)} - {"font_name"}
    unknown, missing = sorted(set(section) - expected), sorted(expected - set(section))
    problems = ([f"unknown key(s) {', '.join(unknown)}"] if unknown else []) + \
        ([f"no {', '.join(missing)}"] if missing else [])
    if problems:
        raise TemplateError(f"styles.toml: [chart] has {' and '.join(problems)}")
    values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                              for key, value in section.items()}
    return ChartStyle(font_name=theme["theme"]["font_name"], **values)
