"""The Dashboard's tiles and takeaways and the Key findings follow a switched year and an edited figure.

In one LibreOffice session an analyst picks every year of the data in turn, reading the
printed Dashboard and the whole Key findings sheet after each; then, back on 2020, types
over Texas's tech exports and the release's count of states over $1 billion. What
LibreOffice writes must be what the tool itself writes for that year or those inputs
(``build --year``, or ``build`` from the edited data): the tool computes every sentence in
pandas, LibreOffice from the formulas, so each checks the other. No cell of either sheet
is an error in any year.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from census_figures import with_value
from helpers import DATA, build_workbook, open_workbook
from workbook.checking.check import is_error_value
from workbook.templates_loader import wording
from workbook_cells import row_of, same_value, tables

YEAR = 2020
YEARS = tuple(sorted(pd.read_csv(DATA / "census_exports.csv", usecols=["year"])["year"].unique().tolist()))
#: Texas's tech exports typed over: $10 billion more than the data's.
TEXAS_TECH_EXPORTS = 54_900_000_000
#: The release's count of states over $1 billion typed over: the workbook's own count for 2020.
PUBLISHED_OVER_THRESHOLD = 31
DASHBOARD, KEY_FINDINGS = wording("dashboard")["sheet"], wording("key_findings")["sheet"]


def _ranges(path: Path) -> dict[str, str]:
    """The Dashboard's printed page, and the whole Key findings sheet (helper cells included)."""
    book = open_workbook(path)
    dashboard = str(book[DASHBOARD].print_area).split("!")[-1].replace("$", "")
    findings = book[KEY_FINDINGS]
    return {DASHBOARD: dashboard, KEY_FINDINGS: f"A1:{get_column_letter(findings.max_column)}{findings.max_row}"}


def _cached(path: Path, ranges: dict[str, str]) -> dict[str, list[list]]:
    """What the tool wrote into those ranges: the cached values."""
    book = open_workbook(path, data_only=True)
    return {sheet: [[cell.value for cell in row] for row in book[sheet][area]] for sheet, area in ranges.items()}


@pytest.fixture(scope="module")
def story(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("story")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    ranges = _ranges(source)
    where = tables(source)
    exports, published = where["CensusExports"], where["PublishedFigures"]
    texas = f"{exports.column_letter(str(YEAR))}{row_of(source, exports, 'TX', 334)}"
    over = (f"{published.column_letter(wording('data_columns')['value'])}"
            f"{row_of(source, published, 'states_tech_exports_over_1b', YEAR)}")

    def read_all() -> list[dict]:
        return [{"op": "read", "sheet": sheet, "range": area} for sheet, area in ranges.items()]

    actions = []
    for year in YEARS:
        actions += [{"op": "set_name", "name": "SnapshotYear", "value": year}, *read_all()]
    actions += [{"op": "set_name", "name": "SnapshotYear", "value": YEAR},
                {"op": "set", "sheet": exports.sheet, "cell": texas, "value": TEXAS_TECH_EXPORTS},
                {"op": "set", "sheet": published.sheet, "cell": over, "value": PUBLISHED_OVER_THRESHOLD},
                *read_all()]
    results = iter(office.run(source, actions))
    seen = {}
    for year in YEARS:
        next(results)
        seen[year] = {sheet: next(results) for sheet in ranges}
    next(results), next(results), next(results)
    edited = {sheet: next(results) for sheet in ranges}
    return SimpleNamespace(folder=folder, ranges=ranges, seen=seen, edited=edited)


@pytest.fixture(scope="module")
def edited_build(story, census_exports) -> Path:
    """``build`` from the data with the two edits made in the files."""
    data = story.folder / "edited-data"
    shutil.copytree(DATA, data)
    with_value(census_exports, "TX", 334, YEAR, TEXAS_TECH_EXPORTS).to_csv(data / "census_exports.csv", index=False)
    published = pd.read_csv(data / "published_figures.csv", keep_default_na=False, dtype=str)
    where = (published["figure"] == "states_tech_exports_over_1b") & (published["year"] == str(YEAR))
    published.loc[where, "value"] = str(PUBLISHED_OVER_THRESHOLD)
    published.to_csv(data / "published_figures.csv", index=False)
    return build_workbook(story.folder / "edited.xlsx", YEAR, data)


def _differences(seen: dict[str, list[list]], written: dict[str, list[list]]) -> list[tuple]:
    found = []
    for sheet, rows in seen.items():
        for row_index, (seen_row, written_row) in enumerate(zip(rows, written[sheet])):
            for col_index, (value, want) in enumerate(zip(seen_row, written_row)):
                if not same_value(value, want):
                    found.append((sheet, f"{get_column_letter(col_index + 1)}{row_index + 1}", value, want))
    return found


def _errors(seen: dict[str, list[list]]) -> list[tuple]:
    return [(sheet, value) for sheet, rows in seen.items() for row in rows for value in row
            if isinstance(value, str) and (is_error_value(value) or value.startswith("Err:"))]


@pytest.mark.parametrize("year", YEARS)
def test_every_sentence_and_tile_follows_the_year(story, workbook_of_year, year):
    written = _cached(workbook_of_year(year), story.ranges)
    assert _differences(story.seen[year], written) == []


@pytest.mark.parametrize("year", YEARS)
def test_no_error_cell_in_any_year(story, year):
    assert _errors(story.seen[year]) == []


def test_a_year_without_published_figures_says_so_in_words(story):
    not_published = wording("published")["not_published"]
    findings = story.seen[2019][KEY_FINDINGS]
    statuses = [row[4] for row in findings if row and row[0] in {
        entry["label"] for entry in wording("key_findings")["findings"].values()}]
    assert statuses and set(statuses) == {not_published}
    takeaways = [row[0] for row in story.seen[2019][DASHBOARD] if isinstance(row[0], str)]
    assert any("2019" in line and "publishes no" in line for line in takeaways)


def test_sentences_follow_an_edited_figure(story, edited_build):
    written = _cached(edited_build, story.ranges)
    assert _differences(story.edited, written) == []
    assert _errors(story.edited) == []
    text = " ".join(str(value) for row in story.edited[DASHBOARD] for value in row if isinstance(value, str))
    first_takeaway = next(row[0] for row in story.seen[YEAR][DASHBOARD]
                          if isinstance(row[0], str) and row[0].startswith("U.S. tech goods exports were"))
    assert first_takeaway not in text, "the exports sentence did not change with Texas's exports"
    # The release's count now equals the workbook's: the tile no longer sends the reader to Checks.
    assert "release: 32" not in text


def test_the_default_build_tells_where_the_release_differs(story):
    text = " ".join(str(value) for row in story.seen[YEAR][DASHBOARD] for value in row if isinstance(value, str))
    assert "release: 32, see Checks" in text
