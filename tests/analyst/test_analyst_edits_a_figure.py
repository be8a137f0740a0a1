"""An analyst changes Texas's 2020 tech exports in LibreOffice, saves, and takes the edit back.

Everything that depends on the figure must follow: the U.S. total, Texas's share
and rank, the counts, the Balance, Texas's tile on the Map and the Checks.
``tech-trade check`` on the saved workbook finds only the published figures the edit
takes beyond their known reasons, and extracting its inputs and building again must
give a workbook that shows the same values.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from census_figures import state_figures, tech_goods, with_value
from helpers import named_cell, open_workbook
from workbook.templates_loader import wording
from workbook_cells import (check_findings, extract_and_build, formula_cell, is_libreoffice_note, records, row_of,
                            same_value, sheet_differences, tables)

YEAR = 2020
#: Below the $1 billion threshold: Texas leaves the count, falls in rank, and tech in its categories.
TEXAS_TECH_EXPORTS = 500_000_000
NAMES = ("TechExportsUS", "StatesOverThreshold", "StatesTechTopThree", "StatesTechLeading",
         "TechGoodsExports", "TechGoodsImports", "TechGoodsBalance")


@pytest.fixture(scope="module")
def texas(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """One LibreOffice session: type over the figure, read what follows, save as .xlsx."""
    folder = tmp_path_factory.mktemp("texas")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    exports, states = where["CensusExports"], where["StateSummary"]
    published, identities = where["PublishedChecks"], where["IdentityChecks"]
    cell = f"{exports.column_letter(str(YEAR))}{row_of(source, exports, 'TX', 334)}"
    tile = formula_cell(source, "Map", '"TX"')
    edited = folder / "edited.xlsx"
    results = office.run(source, [
        {"op": "set", "sheet": exports.sheet, "cell": cell, "value": TEXAS_TECH_EXPORTS},
        *({"op": "read_name", "name": name} for name in NAMES),
        {"op": "read", "sheet": states.sheet, "range": states.whole()},
        {"op": "read", "sheet": "Map", "cell": tile},
        {"op": "read", "sheet": published.sheet, "range": published.whole()},
        {"op": "read", "sheet": identities.sheet, "range": identities.whole()},
        {"op": "save", "path": str(edited)},
    ])
    names = dict(zip(NAMES, results[1:1 + len(NAMES)]))
    states_block, tile_value, published_block, identities_block = results[1 + len(NAMES):-1]
    return SimpleNamespace(
        folder=folder, source=source, edited=edited, names=names, tile=tile_value,
        states=records(states_block, "Code"),
        published=records(published_block, ("Figure", "Year", "Subject")),
        identities=records(identities_block, "Identity"),
    )


@pytest.fixture(scope="module")
def expected(census_exports, state_codes):
    return state_figures(with_value(census_exports, "TX", 334, YEAR, TEXAS_TECH_EXPORTS), state_codes, YEAR)


def test_the_us_total_follows(texas, expected):
    assert texas.names["TechExportsUS"] == pytest.approx(expected.us_tech_exports, rel=1e-12)


def test_texas_share_and_rank_follow(texas, expected):
    row, want = texas.states["TX"], expected.table.loc["TX"]
    assert row["Tech exports"] == TEXAS_TECH_EXPORTS
    assert row["Share of US"] == pytest.approx(want["Share of US"], rel=1e-9)
    assert row["US rank"] == want["US rank"]
    assert row["Tech rank among categories"] == want["Tech rank among categories"]
    assert row["Over 1 billion"] == "No"
    # Every other state's share and rank moved with the total, too.
    for code, want_row in expected.table.iterrows():
        assert texas.states[code]["Share of US"] == pytest.approx(want_row["Share of US"], rel=1e-9), code
        assert texas.states[code]["US rank"] == want_row["US rank"], code


def test_the_counts_follow(texas, expected):
    assert texas.names["StatesOverThreshold"] == expected.over_threshold
    assert texas.names["StatesTechTopThree"] == expected.tech_top_three
    assert texas.names["StatesTechLeading"] == expected.tech_leading


def test_the_balance_follows(texas, census_exports, census_imports):
    exports = tech_goods(with_value(census_exports, "TX", 334, YEAR, TEXAS_TECH_EXPORTS), YEAR)
    imports = tech_goods(census_imports, YEAR)
    assert texas.names["TechGoodsExports"] == pytest.approx(exports, rel=1e-12)
    assert texas.names["TechGoodsBalance"] == pytest.approx(exports - imports, rel=1e-12)


def test_the_map_tile_follows(texas):
    assert texas.tile == TEXAS_TECH_EXPORTS


def test_the_checks_follow(texas, expected):
    words = wording("checks")
    texas_check = texas.published[("state_tech_exports", YEAR, "TX")]
    assert texas_check["Workbook"] == TEXAS_TECH_EXPORTS
    assert texas_check["Difference"] == pytest.approx(TEXAS_TECH_EXPORTS - texas_check["Published"])
    assert texas_check["Status"] == words["differs"]
    count_check = texas.published[("states_tech_exports_over_1b", YEAR, "")]
    assert count_check["Workbook"] == expected.over_threshold
    assert count_check["Status"] == words["differs"]
    # The edit changes figures, not how they add up.
    assert {key: row["Status"] for key, row in texas.identities.items()} == {
        key: words["holds"] for key in texas.identities}


def test_check_names_the_figures_the_edit_takes_beyond_their_known_reasons(texas):
    """Texas at $0.5 billion is no Census revision of the $44.9 billion published: the check says
    so for each figure the Checks sheet shows differing without a known reason, and finds nothing else."""
    words = wording("checks")
    unexplained = {row["What is compared"] for row in texas.published.values()
                   if row["Status"] == words["differs"] and not row["Known reason"]}
    assert {"Tech exports of Texas", "States that exported more than $1 billion of tech"} <= unexplained
    status, problems, notes = check_findings(texas.edited)
    assert all(problem.startswith("Checks!") and "without a known reason" in problem for problem in problems), problems
    assert {problem.split(": ", 2)[1] for problem in problems} == unexplained
    assert status == 1
    assert all(is_libreoffice_note(note) for note in notes)


def test_extract_and_build_give_back_the_edited_values(texas, office):
    rebuilt = extract_and_build(texas.edited, texas.folder)
    recalculated = texas.folder / "rebuilt-recalculated.xlsx"
    office.run(rebuilt, [{"op": "save", "path": str(recalculated)}])
    # The Notes name the data's checksum, which the edit changes; every other sheet must agree.
    sheets = [name for name in open_workbook(texas.edited).sheetnames if name != wording("notes")["sheet"]]
    assert sheet_differences(texas.edited, recalculated, sheets) == []
    assert same_value(named_cell(open_workbook(recalculated, data_only=True), "SnapshotYear").value, YEAR)
