"""An analyst picks another snapshot year in LibreOffice: the States figures follow the Census data of that year.

2019 has a year before it in the data and no published figures; 2025 is the
latest year. Figures published for 2020 only must say "not published" rather
than fail their checks.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from census_figures import state_figures
from helpers import open_workbook
from workbook.templates_loader import wording
from workbook_cells import check_findings, is_libreoffice_note, records, tables

YEARS = (2019, 2025)
NAMES = ("Edition", "TechExportsUS", "TechExportsUSPrevious", "StatesOverThreshold", "StatesTechTopThree", "StatesTechLeading")
#: Columns of the States table checked against the Census data.
COLUMNS = ("Tech exports", "Tech exports previous year", "Change", "Share of US", "US rank", "Goods exports",
           "Tech rank among categories", "Over 1 billion", "Tech in top three", "Tech leads")


@pytest.fixture(scope="module")
def switched(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, SimpleNamespace]:
    """One LibreOffice session: for each year, pick it, read the States and Checks, save a copy."""
    folder = tmp_path_factory.mktemp("years")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    states, published, identities = where["StateSummary"], where["PublishedChecks"], where["IdentityChecks"]
    actions = []
    for year in YEARS:
        actions += [
            {"op": "set_name", "name": "SnapshotYear", "value": year},
            *({"op": "read_name", "name": name} for name in NAMES),
            {"op": "read", "sheet": states.sheet, "range": states.whole()},
            {"op": "read", "sheet": published.sheet, "range": published.whole()},
            {"op": "read", "sheet": identities.sheet, "range": identities.whole()},
            {"op": "save", "path": str(folder / f"snapshot-{year}.xlsx")},
        ]
    results = office.run(source, actions)
    per_year = len(actions) // len(YEARS)
    found = {}
    for index, year in enumerate(YEARS):
        chunk = results[index * per_year:(index + 1) * per_year]
        names = dict(zip(NAMES, chunk[1:1 + len(NAMES)]))
        states_block, published_block, identities_block, saved = chunk[1 + len(NAMES):]
        found[year] = SimpleNamespace(names=names, states=records(states_block, "Code"), saved=Path(saved),
                                      published=records(published_block, ("Figure", "Year", "Subject")),
                                      identities=records(identities_block, "Identity"))
    return found


@pytest.mark.parametrize("year", YEARS)
def test_the_cover_names_the_edition_that_shows_the_year(switched, year):
    words = wording("cover")
    assert switched[year].names["Edition"] == year + 1
    cover = open_workbook(switched[year].saved, data_only=True)[words["sheet"]]
    assert cover["A1"].value == words["title"].format(edition=year + 1, year=year)
    released = next(row[1].value for row in cover.iter_rows() if row[0].value == words["release_label"])
    assert released == words["released"].get(str(year + 1), words["released"]["unreleased"])


@pytest.mark.parametrize("year", YEARS)
def test_the_states_follow_the_year(switched, census_exports, state_codes, year):
    expected = state_figures(census_exports, state_codes, year)
    seen = switched[year].states
    assert set(seen) == set(expected.table.index)
    for code, want in expected.table.iterrows():
        for column in COLUMNS:
            if isinstance(want[column], str):
                assert seen[code][column] == want[column], (code, column)
            else:
                assert seen[code][column] == pytest.approx(want[column], rel=1e-9), (code, column)


@pytest.mark.parametrize("year", YEARS)
def test_the_totals_and_counts_follow_the_year(switched, census_exports, state_codes, year):
    expected = state_figures(census_exports, state_codes, year)
    names = switched[year].names
    assert names["TechExportsUS"] == pytest.approx(expected.us_tech_exports, rel=1e-12)
    assert names["TechExportsUSPrevious"] == pytest.approx(expected.us_tech_exports_previous, rel=1e-12)
    assert names["StatesOverThreshold"] == expected.over_threshold
    assert names["StatesTechTopThree"] == expected.tech_top_three
    assert names["StatesTechLeading"] == expected.tech_leading


@pytest.mark.parametrize("year", YEARS)
def test_checks_of_figures_published_for_another_year_say_so(switched, year):
    checks, published = wording("checks"), wording("published")
    statuses = {row["Status"] for row in switched[year].published.values()}
    assert statuses <= {published["not_published"], checks["quoted"]}
    assert {row["Status"] for row in switched[year].identities.values()} <= {checks["holds"],
                                                                               published["not_published"]}


def test_check_passes_after_each_switch(switched):
    # Each check starts LibreOffice and the validator: run them side by side.
    with ThreadPoolExecutor(len(YEARS)) as pool:
        outcomes = dict(zip(YEARS, pool.map(check_findings, [switched[year].saved for year in YEARS])))
    for year, (status, problems, notes) in outcomes.items():
        assert problems == [] and status == 0, year
        assert all(is_libreoffice_note(note) for note in notes), year
