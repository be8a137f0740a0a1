"""An analyst adds a Census row for a state near the end of the table, away from that state's
other rows, as anyone typing in a new figure might, and makes its category the tech category.

The Categories matrix and the Trend table sum each state's figures over the state's
block of rows alone (found by helper cells) so that the workbook opens quickly; a
row outside the block must still count. The saved workbook must pass
``tech-trade check``, and ``extract`` then ``build`` must show the same figures.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from workbook.templates_loader import wording

from helpers import open_workbook, table_rows
from workbook_cells import check_findings, extract_and_build, records, tables

YEAR, EARLY_YEAR = 2020, 2016
NEW_VALUE, NEW_EARLY_VALUE = 123_456_789, 2_345_678


def _state_without(census: pd.DataFrame, last_state: str) -> tuple[str, int]:
    """A state (not the table's last) and a product category it has no Census row for."""
    pairs = set(zip(census["state_code"], census["naics3"]))
    categories = sorted(code for code in census["naics3"].unique() if code < 900)
    return next((str(state), int(code)) for state in sorted(census["state_code"].unique()) if state != last_state
                for code in categories if (state, code) not in pairs)


def _matrix_cell(path: Path, state: str, naics3: int) -> str:
    sheet = open_workbook(path)["Categories"]
    rows = list(sheet.iter_rows())
    header = next(row for row in rows if row[0].value == "Code" and row[1].value == "State")
    column = next(cell.column_letter for cell in header if cell.value == naics3)
    row = next(row[0].row for row in rows if row[0].value == state)
    return f"{column}{row}"


@pytest.fixture(scope="module")
def added(office, default_workbook: Path, census_exports: pd.DataFrame,
          tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("out-of-order")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    exports, trend = where["CensusExports"], where["TechTrend"]
    last_state = table_rows(open_workbook(source), "CensusExports")[-1]["State code"]
    state, naics3 = _state_without(census_exports, last_state)
    years = exports.headers[2:]
    new_row = [state, naics3, *(NEW_VALUE if year == str(YEAR) else NEW_EARLY_VALUE if year == str(EARLY_YEAR)
                                else "" for year in years)]
    matrix_cell = _matrix_cell(source, state, naics3)
    saved = folder / "added.xlsx"
    results = office.run(source, [
        # Inside the table, above its last row: among another state's rows.
        {"op": "insert_rows", "sheet": exports.sheet, "before": exports.last_row},
        {"op": "set_range", "sheet": exports.sheet, "cell": f"A{exports.last_row}", "rows": [new_row]},
        {"op": "set_name", "name": "TechCategory", "value": naics3},
        {"op": "read", "sheet": "Categories", "cell": matrix_cell},
        {"op": "read", "sheet": trend.sheet, "range": trend.whole()},
        {"op": "save", "path": str(saved)},
    ])
    matrix_value, trend_block = results[3:5]
    return SimpleNamespace(folder=folder, saved=saved, state=state, naics3=naics3, matrix_value=matrix_value,
                           trend=records(trend_block, "Code"), matrix_cell=matrix_cell)


def test_the_categories_matrix_counts_the_row(added):
    assert added.matrix_value == NEW_VALUE


def test_the_trend_table_counts_the_row_in_each_year(added):
    row = added.trend[added.state]
    assert row[str(YEAR)] == NEW_VALUE
    assert row[str(EARLY_YEAR)] == NEW_EARLY_VALUE
    # Years with no figure typed stay at nothing reported.
    assert row[str(YEAR + 1)] == 0


def test_check_finds_nothing_wrong_with_the_row_out_of_order(added):
    # The analyst made the new row's category the tech one, which is not the release's: the
    # Checks sheet's published figures differ without a known reason, and nothing else does.
    status, problems, _ = check_findings(added.saved)
    assert problems and all(line.startswith("Checks!") and "without a known reason" in line for line in problems)
    assert status == 1


def test_extract_and_build_sort_the_row_into_place_with_the_same_figures(added):
    rebuilt = extract_and_build(added.saved, added.folder)
    book = open_workbook(rebuilt, data_only=True)
    assert book["Categories"][_matrix_cell(rebuilt, added.state, added.naics3)].value == NEW_VALUE
    trend = {row["Code"]: row for row in table_rows(book, "TechTrend")}
    assert trend[added.state][str(YEAR)] == NEW_VALUE
    # Rebuilt, the state's rows are one block again: the matrix sums its block alone.
    codes = [row["State code"] for row in table_rows(book, "CensusExports")]
    assert codes.index(added.state) + codes.count(added.state) - 1 == len(codes) - 1 - codes[::-1].index(added.state)
    sheet = book["Categories"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Code" and row[1].value == "State")
    holds = next(cell.column_letter for cell in header if cell.value == wording("categories")["block_holds_state_header"])
    row = next(row[0].row for row in sheet.iter_rows() if row[0].value == added.state)
    assert sheet[f"{holds}{row}"].value == 1
