"""An analyst edits a figure in the .ods edition in LibreOffice Calc, saves it as .ods, and takes the edit back.

``check`` passes the saved .ods, ``build`` will not overwrite it without ``--force``, and
``extract`` then ``build --data`` give a workbook whose ``diff`` against the original .ods
lists exactly that figure.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import DATA, run_cli
from workbook.checking import ods
from workbook_cells import row_of, tables

YEAR = 2020
TEXAS_TECH_EXPORTS = 500_000_000


@pytest.fixture(scope="module")
def edited(office, default_ods_edition, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    # The session's `build --ods` (tests/conftest.py), copied: this test writes beside it.
    folder = tmp_path_factory.mktemp("ods-edit")
    workbook = folder / "tech-trade-snapshot-2021.xlsx"
    original = workbook.with_suffix(".ods")
    for built, copy in zip(default_ods_edition, (workbook, original)):
        shutil.copyfile(built, copy)
    exports = tables(workbook)["CensusExports"]
    cell = f"{exports.column_letter(str(YEAR))}{row_of(workbook, exports, 'TX', 334)}"
    saved = folder / "edited" / original.name
    before, _, _ = office.run(original, [
        {"op": "read", "sheet": exports.sheet, "cell": cell},
        {"op": "set", "sheet": exports.sheet, "cell": cell, "value": TEXAS_TECH_EXPORTS},
        {"op": "save", "path": str(saved)},
    ])
    return SimpleNamespace(folder=folder, workbook=workbook, original=original, saved=saved, sheet=exports.sheet,
                           cell=cell, before=before)


def test_the_saved_ods_keeps_the_tools_marks_but_not_its_seal(edited):
    facts = ods.ods_facts(edited.saved)
    assert facts.custom["tech-trade version"]
    assert not ods.is_sealed_and_untouched(edited.saved)


def test_check_passes_the_edited_ods(edited):
    result = run_cli("check", edited.saved)
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_keeps_the_edited_ods_unless_forced(edited):
    folder = edited.saved.parent
    result = run_cli("build", "--data", DATA, "--ods", cwd=folder)
    assert result.returncode == 2
    assert "has been edited since tech-trade wrote it" in result.stderr and edited.saved.name in result.stderr
    assert not (folder / edited.workbook.name).exists()


def test_extract_then_build_gives_a_workbook_that_differs_by_that_figure_alone(edited):
    data = edited.folder / "data"
    result = run_cli("extract", edited.saved, "--out", data)
    assert result.returncode == 0, result.stderr
    rebuilt = edited.folder / "rebuilt.xlsx"
    result = run_cli("build", "--data", data, "--out", rebuilt)
    assert result.returncode == 0, result.stderr
    result = run_cli("diff", edited.original, rebuilt)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"'{edited.sheet}'!{edited.cell}: CensusExports {YEAR} TX 334 value_usd: {edited.before:.0f} -> "
        f"{TEXAS_TECH_EXPORTS}"]
