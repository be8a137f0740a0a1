"""Reads the styles and wording kept in ``templates/`` (TOML), so that code holds no prose."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def template(name: str) -> dict:
    """The parsed ``templates/<name>.toml``."""
    text = resources.files("workbook.templates").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def wording(sheet: str) -> dict:
    """The titles, notes and labels of one sheet."""
    return template("wording")[sheet]


def styles() -> dict:
    return template("styles")
