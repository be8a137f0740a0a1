"""The guides name the package's modules and objects as they are: a path (`workbook/dataset/load.py`)
or a dotted name (`workbook.dataset.importers.partners.write_partner_files`) in a guide is there to be
found, so a module moved or renamed takes its mentions with it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from helpers import REPO

#: The guides a reader follows today; CHANGELOG.md tells of what was, at the time.
GUIDES = ("README.md", "data/README.md", "benchmarks/README.md", "templates/README.md")

#: A module or folder of the package written as a path, in backquotes.
_PATH = re.compile(r"`(workbook/[A-Za-z0-9_./]*)`")
#: An object of the package written as a dotted name, in backquotes.
_DOTTED = re.compile(r"`(workbook(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`")


def _mentions(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    return sorted({(guide, found) for guide in GUIDES
                   for found in pattern.findall((REPO / guide).read_text(encoding="utf-8"))})


def _resolves(dotted: str) -> bool:
    """Whether ``dotted`` is a module of the package, or an attribute of the longest module it starts with."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for name in parts[split:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_the_guides_name_modules_at_all() -> None:
    # Guards the two tests below against passing on nothing, were the patterns to stop matching.
    assert len(_mentions(_PATH)) > 20 and _mentions(_DOTTED)


@pytest.mark.parametrize(("guide", "path"), _mentions(_PATH))
def test_a_path_a_guide_names_is_in_the_package(guide: str, path: str) -> None:
    assert (REPO / path).exists(), f"{guide} names {path}, which is not in the repository"


@pytest.mark.parametrize(("guide", "dotted"), _mentions(_DOTTED))
def test_a_dotted_name_a_guide_gives_is_importable(guide: str, dotted: str) -> None:
    assert _resolves(dotted), f"{guide} names {dotted}, which the package does not have"


def test_a_stale_name_is_caught() -> None:
    assert not _resolves("workbook.importers.partners.write_partner_files")
    assert not _resolves("workbook.dataset.importers.partners.no_such_function")
    assert not (REPO / "workbook/reference.py").exists()
