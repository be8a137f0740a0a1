"""The analyst's own work kept in data/own: put back by build as it was kept, checked as any input.

What LibreOffice makes of it (an own sheet added, a note typed, extract and build again)
is in tests/analyst/test_analyst_keeps_own_work.py; these tests start from the kept files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import DATA, open_workbook, run_cli
from workbook.reading.own import rewrite_renamed
from workbook.writing.formula_names import names_in

SHEET = {
    "name": "Director's note",
    "cells": [
        {"cell": "A1", "value": "Tech exports, $ billions", "bold": True, "fill": "#DDEBF7"},
        {"cell": "A2", "value": "Code"}, {"cell": "B2", "value": "Exports"},
        {"cell": "A3", "value": "TX"},
        {"cell": "B3", "value": 45022715511,
         "formula": '=INDEX(StateSummary[Tech exports],MATCH(A3,StateSummary[Code],0))'},
        {"cell": "A4", "value": "CA"},
        {"cell": "B4", "value": 37507715821,
         "formula": '=INDEX(StateSummary[Tech exports],MATCH(A4,StateSummary[Code],0))'},
        {"cell": "A6", "value": "=SUM(B3:B4)", "number_format": "@"},
        {"cell": "D1", "value": 2020, "formula": "=ReportYear"},
    ],
    "column_widths": {"A": 30.71},
    "row_heights": {"1": 24},
    "merged": ["A8:C8"],
    "frozen": "A3",
    "tables": [{"name": "TopTwo", "ref": "A2:B4", "headers": ["Code", "Exports"], "style": "TableStyleLight1"}],
}
MANIFEST = {
    "format": 1,
    "sheets": [{"name": SHEET["name"], "file": "sheet-01.json"}],
    "notes": [{"sheet": "States", "text": "Check with the state office", "author": "An analyst",
               "table": "StateSummary", "key": {"Code": "CA"}, "column": "Tech exports"}],
    "names": [{"name": "ReportYear", "refers_to": "SnapshotYear"}],
}


def _data_with_own(folder: Path, sheet: dict = SHEET, manifest: dict = MANIFEST) -> Path:
    data = folder / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    (data / "own").mkdir()
    (data / "own" / "sheet-01.json").write_text(json.dumps(sheet), encoding="utf-8")
    (data / "own" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("own")
    out = folder / "rebuilt.xlsx"
    result = run_cli("build", "--data", _data_with_own(folder), "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_build_puts_the_kept_sheet_back_after_the_tools_own_with_its_look(rebuilt: Path) -> None:
    book = open_workbook(rebuilt)
    assert book.sheetnames[-1] == SHEET["name"]
    sheet = book[SHEET["name"]]
    assert sheet["B3"].value == SHEET["cells"][4]["formula"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.column_dimensions["A"].width == pytest.approx(30.71, abs=0.2)
    assert sheet.row_dimensions[1].height == 24
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A8:C8"]
    assert sheet.freeze_panes == "A3"
    assert sheet.tables["TopTwo"].ref == "A2:B4"
    assert book.defined_names["ReportYear"].attr_text == "SnapshotYear"


def test_build_says_when_own_formulas_were_computed_on_other_data(tmp_path: Path) -> None:
    # The kept files name no data digest: the formulas' values cannot be vouched for.
    result = run_cli("build", "--data", _data_with_own(tmp_path), "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("tech-trade: note: the data differ from those the own sheets' formulas")


def test_text_that_looks_like_a_formula_stays_text(rebuilt: Path) -> None:
    cell = open_workbook(rebuilt)[SHEET["name"]]["A6"]
    assert (cell.data_type, cell.value) == ("s", "=SUM(B3:B4)")


def test_a_note_kept_by_its_row_key_lands_on_that_row(rebuilt: Path) -> None:
    states = open_workbook(rebuilt)["States"]
    noted = [(cell.coordinate, cell.comment.text) for row in states.iter_rows() for cell in row if cell.comment]
    assert len(noted) == 1
    coordinate, text = noted[0]
    assert text == "Check with the state office"
    assert states[f"A{states[coordinate].row}"].value == "CA"


@pytest.mark.libreoffice
@pytest.mark.validator
def test_the_rebuilt_workbook_with_own_work_passes_check(rebuilt: Path) -> None:
    result = run_cli("check", rebuilt)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_note_on_a_row_the_data_no_longer_has_stops_the_build(tmp_path: Path) -> None:
    manifest = {**MANIFEST, "notes": [{**MANIFEST["notes"][0], "key": {"Code": "ZZ"}}]}
    out = tmp_path / "out.xlsx"
    result = run_cli("build", "--data", _data_with_own(tmp_path, manifest=manifest), "--out", out)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == ("tech-trade: error: note at States: StateSummary row Code ZZ, column Tech exports: "
                                     "the rebuilt workbook has no such row in StateSummary")
    assert not out.exists()


def test_an_own_formula_naming_what_the_workbook_no_longer_has_stops_the_build(tmp_path: Path) -> None:
    cells = [{**cell, "formula": cell["formula"].replace("[Tech exports]", "[Tech exprts]")}
             if cell["cell"] == "B3" else cell for cell in SHEET["cells"]]
    out = tmp_path / "out.xlsx"
    result = run_cli("build", "--data", _data_with_own(tmp_path, sheet={**SHEET, "cells": cells}), "--out", out)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert "sheet \"Director's note\", cell B3: the formula =INDEX(StateSummary[Tech exprts]" in last
    assert last.endswith("names the column [Tech exprts] of the table StateSummary, which has no such column; "
                         "change the formula there or in the workbook")
    assert not out.exists()


def test_an_own_formula_is_read_for_the_tables_columns_and_names_it_uses() -> None:
    used = names_in('=SUMIFS(CensusExports[2020],CensusExports[[#This Row],[NAICS3]],TechCategory)'
                    '+\'Other sheet\'!B2+"Rate[x] and Name"+Rate*A1+SUM(B$3:C4)+Tax')
    assert used.columns == {("CensusExports", "2020"), ("CensusExports", "NAICS3")}
    assert used.names == {"TechCategory", "Rate", "Tax"}


def test_a_renamed_name_of_the_tools_is_rewritten_and_text_is_not() -> None:
    renamed = rewrite_renamed('=TechExportsUS*2&"TechExportsUS"+MyTechExportsUS', {"TechExportsUS": "TechGoodsUS"})
    assert renamed == '=TechGoodsUS*2&"TechExportsUS"+MyTechExportsUS'
