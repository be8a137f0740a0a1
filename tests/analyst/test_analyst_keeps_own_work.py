"""An analyst adds their own work in LibreOffice — a sheet of formulas over the tool's tables
and names, a note on Texas's row of States, a widened column and a number format — saves,
takes the edits back and builds again: the work is all there, with the same values, and the
note stays on Texas when Texas's row moves.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import open_workbook, run_cli
from workbook_cells import check_findings, row_of, same_value, tables

OWN = "My analysis"
NOTE = "Ask the Texas office about the 2020 revision"
#: Calc's own formula syntax (";" between arguments) as typed; saved to .xlsx with ",".
FORMULAS = {
    "B1": "=MAX(StateSummary[Tech exports])",
    "B2": "=IF(TechExportsUS>0;B1/TechExportsUS;0)",
    "B3": '=INDEX(StateSummary[Tech exports];MATCH("TX";StateSummary[Code];0))',
    "B4": "=SnapshotYear",
}
LABELS = {"A1": "Largest state's tech exports", "A2": "Its share of the U.S.", "A3": "Texas",
          "A4": "Year", "A5": "=text, not a formula"}
#: Wider than any column XlsxWriter would give by default, in 1/100 mm as Calc takes it.
WIDTH = 7000
PERCENT = "0.0%"
#: A territory whose code sorts before Texas's, added to the data: Texas's row of States moves down.
GUAM = {"state_code": "GU", "state_name": "Guam", "kind": "territory", "tile_row": 8, "tile_col": 8}


def _note_on(path: Path, table: str, key: str) -> str | None:
    """The text of the note on ``key``'s row of ``table``, in whichever column it stands."""
    where = tables(path)[table]
    sheet = open_workbook(path)[where.sheet]
    row = row_of(path, where, key)
    notes = [sheet.cell(row, col).comment for col in range(where.first_col, where.last_col + 1)]
    return next((note.text for note in notes if note is not None), None)


@pytest.fixture(scope="module")
def own_work(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("own-work")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    states = tables(source)["StateSummary"]
    texas_row = row_of(source, states, "TX")
    edited = folder / "edited.xlsx"
    results = office.run(source, [
        {"op": "add_sheet", "name": OWN},
        *({"op": "set", "sheet": OWN, "cell": cell, "value": text} for cell, text in LABELS.items()),
        *({"op": "set", "sheet": OWN, "cell": cell, "formula": formula} for cell, formula in FORMULAS.items()),
        {"op": "number_format", "sheet": OWN, "cell": "B2", "format": PERCENT},
        {"op": "column_width", "sheet": OWN, "column": "A", "width": WIDTH},
        {"op": "comment", "sheet": states.sheet, "cell": f"C{texas_row}", "text": NOTE},
        {"op": "read", "sheet": OWN, "range": "A1:B5"},
        {"op": "save", "path": str(edited)},
    ])
    data = folder / "data"
    extracted = run_cli("extract", edited, "--out", data)
    rebuilt = folder / "rebuilt.xlsx"
    built = run_cli("build", "--data", data, "--out", rebuilt)
    return SimpleNamespace(folder=folder, edited=edited, data=data, rebuilt=rebuilt, shown=results[-2],
                           extracted=extracted, built=built)


def test_extract_keeps_the_own_sheet_and_the_note_and_build_puts_them_back(own_work) -> None:
    assert own_work.extracted.returncode == 0, own_work.extracted.stderr
    assert (own_work.data / "own" / "manifest.json").is_file()
    assert own_work.built.returncode == 0, own_work.built.stderr
    assert "note:" not in own_work.built.stderr, "the data are those the own formulas were computed on"
    book = open_workbook(own_work.rebuilt)
    assert book.sheetnames[-1] == OWN, "the analyst's sheet comes after the tool's own"
    sheet = book[OWN]
    assert {cell: sheet[cell].value for cell in FORMULAS} == {
        cell: formula.replace(";", ",") for cell, formula in FORMULAS.items()}
    assert sheet["A5"].data_type == "s", "text that looks like a formula stays text"
    assert sheet["B2"].number_format.endswith(PERCENT)
    # 7000 hundredths of a millimetre: some 37 characters of the default font.
    assert sheet.column_dimensions["A"].width == pytest.approx(open_workbook(own_work.edited)[OWN]
                                                               .column_dimensions["A"].width, abs=0.5)
    assert _note_on(own_work.rebuilt, "StateSummary", "TX") == NOTE


def test_the_rebuilt_own_sheet_shows_the_same_values_and_passes_check(own_work, office) -> None:
    cached = open_workbook(own_work.rebuilt, data_only=True)[OWN]
    shown = [[cached.cell(row, col).value for col in (1, 2)] for row in range(1, 6)]
    assert all(same_value(left, right) for before, after in zip(own_work.shown, shown)
               for left, right in zip(before, after)), (own_work.shown, shown)
    recalculated = office.run(own_work.rebuilt, [{"op": "read", "sheet": OWN, "range": "A1:B5"}])[0]
    assert all(same_value(left, right) for before, after in zip(own_work.shown, recalculated)
               for left, right in zip(before, after)), (own_work.shown, recalculated)
    status, problems, _ = check_findings(own_work.rebuilt)
    assert (status, problems) == (0, [])


def test_the_note_stays_on_texas_when_texas_row_moves(own_work) -> None:
    data = own_work.folder / "data-with-guam"
    shutil.copytree(own_work.data, data)
    states = pd.read_csv(data / "states.csv", keep_default_na=False)
    pd.concat([states, pd.DataFrame([GUAM])]).to_csv(data / "states.csv", index=False)
    moved = own_work.folder / "moved.xlsx"
    result = run_cli("build", "--data", data, "--out", moved)
    assert result.returncode == 0, result.stderr
    where_before, where_after = tables(own_work.rebuilt)["StateSummary"], tables(moved)["StateSummary"]
    assert row_of(moved, where_after, "TX") == row_of(own_work.rebuilt, where_before, "TX") + 1
    assert _note_on(moved, "StateSummary", "TX") == NOTE
    assert _note_on(moved, "StateSummary", "TN") is None


def test_diff_lists_the_own_sheet_and_the_note(own_work, default_workbook: Path) -> None:
    result = run_cli("diff", default_workbook, own_work.edited)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"'{OWN}': own sheet added" in lines
    assert any(line.startswith("note at States: StateSummary row Code TX") and NOTE in line for line in lines), lines


def test_build_refuses_to_overwrite_own_work_and_says_extract_keeps_it(own_work) -> None:
    target = own_work.folder / "kept.xlsx"
    shutil.copy(own_work.edited, target)
    result = run_cli("build", "--data", own_work.data, "--out", target)
    assert result.returncode == 2
    assert "own sheets, notes or names" in result.stderr and "extract" in result.stderr
    assert target.read_bytes() == own_work.edited.read_bytes()


def test_a_chart_on_an_own_sheet_is_named_and_stops_extract_unless_loss_is_allowed(
        office, own_work, tmp_path: Path) -> None:
    charted = tmp_path / "charted.xlsx"
    office.run(own_work.edited, [
        {"op": "add_chart", "sheet": OWN, "name": "Shares", "range": "A1:B3"},
        {"op": "save", "path": str(charted)},
    ])
    refused = run_cli("extract", charted, "--out", tmp_path / "refused")
    assert refused.returncode == 3
    assert f"sheet '{OWN}': chart" in refused.stderr
    assert not (tmp_path / "refused" / "states.csv").exists()
    allowed = run_cli("extract", charted, "--out", tmp_path / "allowed", "--allow-loss")
    assert allowed.returncode == 0, allowed.stderr
    assert f"sheet '{OWN}': chart" in allowed.stderr
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert run_cli("build", "--data", tmp_path / "allowed", "--out", rebuilt).returncode == 0
    assert open_workbook(rebuilt)[OWN]["B1"].value == FORMULAS["B1"]

