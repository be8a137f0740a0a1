"""Sheet modules take table names, column headers and defined names from the register
(``workbook/writing/register.py``) rather than spelling them, so that a name is changed in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import REPO
from workbook.writing import register

SHEETS = sorted((REPO / "workbook" / "sheets").glob("*.py"))


def _texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a module, docstrings aside (f-strings' literal parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _spelt(text: str) -> list[str]:
    """Registered table and defined names that ``text`` spells, as a formula would use them."""
    found = [name.name for name in register.DEFINED_NAMES if re.search(rf"(?<![\w.]){name.name}(?![\w.(])", text)]
    found += [table.name for table in register.TABLES if re.search(rf"(?<![\w.]){table.name}\[", text)
              or text == table.name]
    return found


@pytest.mark.parametrize("path", SHEETS, ids=[path.name for path in SHEETS])
def test_sheet_modules_spell_no_registered_name(path: Path):
    spelt = [f"{path.name}:{line}: {names}" for line, text in _texts(path) if (names := _spelt(text))]
    assert not spelt, "use the register's constants instead: " + "; ".join(spelt)


def test_the_lint_sees_a_name_spelt_in_a_formula():
    assert _spelt("IF(TechExportsUS=0,0,1/TechExportsUS)") == ["TechExportsUS"]
    assert _spelt("SUM(StateSummary[Tech exports])") == ["StateSummary"]
    assert _spelt("StateSummary") == ["StateSummary"]
    # A label that happens to hold a word, or a longer name, is not a name.
    assert _spelt("Tech exports, snapshot year") == []
    assert _spelt("TechExportsUSPrevious") == ["TechExportsUSPrevious"]


def test_names_and_tables_are_declared_once():
    names = [name.name.casefold() for name in register.DEFINED_NAMES]
    tables = [table.name.casefold() for table in register.TABLES]
    # Defined names and table names share one namespace in a workbook.
    assert len(set(names + tables)) == len(names) + len(tables)
