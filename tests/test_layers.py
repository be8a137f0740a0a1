"""The package's folders are its layers: data travels up them, and no import runs back down.

README's "The package, folder by folder" draws the same order. Every import counts, a lazy one
inside a function included: a lazy import that runs back up is still a cycle, only a hidden one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbook"

#: The folders from the bottom up; the base modules at the top of the package stand below them all.
LAYERS = ("dataset", "model", "writing", "engines", "reading", "sheets", "checking", "commands")
#: The base: the package's own two files and what every layer relies on.
BASE_MODULES = {"__init__", "__main__", "errors", "spreadsheet", "progress", "atomic", "paths", "templates_loader"}
MOST_TOP_LEVEL_MODULES = 8


def _layer(module: str) -> int:
    """The height of a dotted ``workbook.…`` module: 0 for the base (and what the package itself
    holds, such as ``__version__``), then each folder's place in LAYERS."""
    parts = module.split(".")
    if module == "workbook.__main__":
        return len(LAYERS) + 1  # ``python -m workbook``: the command line's door, above every folder
    if len(parts) < 2 or parts[1] not in LAYERS:
        return 0
    return LAYERS.index(parts[1]) + 1


def _module_name(path: Path, package: Path) -> str:
    dotted = ".".join(path.relative_to(package.parent).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in ``path``, lazy ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "workbook":
            if node.module == "workbook":
                found += [(node.lineno, f"workbook.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "workbook"]
    return found


def _upward_imports(package: Path) -> list[str]:
    wrong = []
    for path in sorted(package.rglob("*.py")):
        if "templates" in path.relative_to(package).parts or "data" in path.relative_to(package).parts:
            continue
        importer = _module_name(path, package)
        for line, imported in _imports(path):
            if imported == "workbook":
                continue
            if _layer(imported) > _layer(importer):
                wrong.append(f"{path.relative_to(package.parent)}:{line} imports {imported}")
    return wrong


def test_every_folder_of_the_package_is_a_known_layer() -> None:
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert folders - {"templates", "data"} == set(LAYERS)


def test_at_most_eight_modules_stand_at_the_top_of_the_package() -> None:
    top = {path.stem for path in PACKAGE.glob("*.py")}
    assert top == BASE_MODULES
    assert len(top) <= MOST_TOP_LEVEL_MODULES


def test_no_import_runs_from_a_folder_to_one_above_it() -> None:
    assert _upward_imports(PACKAGE) == []


def test_an_import_back_up_is_found_even_inside_a_function(tmp_path: Path) -> None:
    planted = tmp_path / "workbook"
    (planted / "model").mkdir(parents=True)
    (planted / "model" / "__init__.py").write_text("")
    (planted / "model" / "figures.py").write_text(
        "def figures():\n    from workbook.sheets.states import write\n    return write\n")
    assert _upward_imports(planted) == ["workbook/model/figures.py:2 imports workbook.sheets.states"]


@pytest.mark.parametrize("module, height", [("workbook.errors", 0), ("workbook", 0),
                                            ("workbook.dataset.load", 1), ("workbook.commands.cli", 8)])
def test_a_module_stands_on_its_folder(module: str, height: int) -> None:
    assert _layer(module) == height
