"""Reads the styles and wording kept in ``templates/`` (TOML), so that code holds no prose.

``templates/styles.toml`` holds the cell styles; ``templates/wording/*.toml`` every
word the workbook shows, one file per sheet (or group of sheets), each file a set of
sections named after what they describe.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


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


def styles() -> dict:
    return template("styles")
