"""Reads the styles and wording kept in ``templates/`` (TOML), so that code holds no prose.

``templates/styles.toml`` holds the cell styles; ``templates/wording/*.toml`` every
word the workbook shows, one file per sheet (or group of sheets), each file a set of
sections named after what they describe.

The templates bundled with the tool are used unless :func:`use_templates` names
another folder of the same layout (``tech-trade build --templates DIR``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from workbook.errors import TechTradeError

#: A folder chosen by use_templates(); None for the bundled templates.
_chosen: Path | None = None


@cache
def _bundled() -> Traversable:
    return resources.files("workbook.templates")


def templates_folder() -> Traversable:
    """The folder the styles and wording are read from."""
    return _chosen if _chosen is not None else _bundled()


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


def template(name: str) -> dict:
    """The parsed ``templates/<name>.toml``."""
    return _template(templates_folder(), name)


@cache
def _template(folder: Traversable, name: str) -> dict:
    entry = folder.joinpath(f"{name}.toml")
    return _parse(entry, entry.read_text(encoding="utf-8"))


@cache
def _all_wording(folder: Traversable) -> dict:
    sections: dict = {}
    for entry in sorted(folder.joinpath("wording").iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".toml"):
            for name, section in _parse(entry, entry.read_text(encoding="utf-8")).items():
                if name in sections:
                    raise TechTradeError(f"{entry}: wording section [{name}] is defined twice (again in {entry.name})")
                sections[name] = section
    return sections


def _parse(entry: Traversable, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TechTradeError(f"{entry}: not valid TOML ({error})") from None


def wording(section: str) -> dict:
    """The titles, notes and labels of one section, e.g. one sheet."""
    return _all_wording(templates_folder())[section]


def styles() -> dict:
    return template("styles")
