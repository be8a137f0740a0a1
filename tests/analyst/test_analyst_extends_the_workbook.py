"""An analyst extends the workbook in LibreOffice as the Notes' steps say: a territory, a category,
a destination and a new year, then picks the new year, saves, and takes the edits back.

Every step inserts rows or columns inside a table (so the table grows), types the
inputs, and copies the formulas of the row above where a report table needs a
row of its own. The totals must include what was added, ``tech-trade check``
must pass, and ``extract`` then ``build`` must give a workbook with the same
figures (laid out afresh: the Map, the Trend year columns and the Categories
matrix only show new states, years and categories after that rebuild).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from census_figures import state_figures
from helpers import open_workbook
from workbook.templates_loader import wording
from workbook_cells import (cell_differences, check_findings, extract_and_build, formula_cell, is_libreoffice_note,
                            named_values, records, same_value, sheet_differences, table_records, tables)

NEW_YEAR = 2026
LAST_YEAR = 2025
#: The new year's figures: last year's, grown (exports) or shrunk (imports) a little, in whole dollars.
EXPORTS_GROWTH, IMPORTS_GROWTH = 1.05, 0.97
GUAM = {"State code": "GU", "State": "Guam", "Kind": "territory", "Tile row": 8, "Tile column": 8}
GUAM_TECH = {LAST_YEAR: 1_800_000_000, NEW_YEAR: 2_500_000_000}
#: A category the data does not have, large enough in Texas to push tech down Texas's ranking.
NEW_CATEGORY = {"NAICS3": 511, "Label": "Newspapers, Books & Other Published Matter", "Kind": "product"}
NEW_CATEGORY_EXPORTS = {"TX": 80_000_000_000, "CA": 1_000_000_000}
NEW_DESTINATION = ("services", "Canada", 30_000_000_000)
DESTINATION_VALUES = {("products", "Canada"): 40e9, ("products", "China"): 35e9, ("products", "Mexico"): 45e9,
                      ("services", "Ireland"): 20e9, ("services", "Switzerland"): 15e9, ("services", "Japan"): 10e9}
NAMES = ("TechExportsUS", "TechExportsUSPrevious", "StatesOverThreshold", "StatesTechTopThree", "StatesTechLeading",
         "TechGoodsExports", "TechGoodsImports", "TechGoodsBalance", "GoodsExportsUS", "TechCategoryRankUS")
GROWN = ("CensusExports", "CensusImports", "StateList", "CategoryList", "YearList", "StateSummary",
         "CategoryTotals", "Destinations")


def _grown(value: object, factor: float) -> object:
    return "" if value is None else round(value * factor)


@pytest.fixture(scope="module")
def extended(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """One LibreOffice session: every addition the Notes describe, the new year picked, read back, saved."""
    folder = tmp_path_factory.mktemp("extend")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    book = open_workbook(source)
    exports, imports = where["CensusExports"], where["CensusImports"]
    last_year_col = exports.last_column_letter
    assert exports.headers[-1] == imports.headers[-1] == str(LAST_YEAR)

    def year_values(table, factor: float) -> list:
        sheet = book[table.sheet]
        return [_grown(sheet.cell(row, table.last_col).value, factor) for row in range(table.first_row,
                                                                                   table.last_row + 1)]

    blank_years = [""] * (len(exports.headers) - 3)
    new_census_rows = [["GU", 334, *blank_years, GUAM_TECH[LAST_YEAR]],
                       *([code, NEW_CATEGORY["NAICS3"], *blank_years, ""] for code in NEW_CATEGORY_EXPORTS)]
    new_census_next_year = [GUAM_TECH[NEW_YEAR], *NEW_CATEGORY_EXPORTS.values()]
    exports_next_year = year_values(exports, EXPORTS_GROWTH)
    # The new rows go in above the table's last row, so they sit inside it.
    exports_next_year = exports_next_year[:-1] + new_census_next_year + exports_next_year[-1:]
    states, totals, destinations = where["StateSummary"], where["CategoryTotals"], where["Destinations"]
    state_list, category_list, year_list = where["StateList"], where["CategoryList"], where["YearList"]

    def new_row_from_above(table, *inputs) -> list[dict]:
        """Insert a row above the table's last row, copy the row above into it, type the inputs."""
        row = table.last_row
        return [
            {"op": "insert_rows", "sheet": table.sheet, "before": row},
            {"op": "copy", "sheet": table.sheet, "target": f"{table.first_column_letter}{row}",
             "source": f"{table.first_column_letter}{row - 1}:{table.last_column_letter}{row - 1}"},
            *({"op": "set", "sheet": table.sheet, "cell": f"{table.column_letter(header)}{row}", "value": value}
              for header, value in inputs),
        ]

    listed = [(book[destinations.sheet].cell(row, destinations.first_col).value,
               book[destinations.sheet].cell(row, destinations.first_col + 1).value)
              for row in range(destinations.first_row, destinations.last_row + 1)]
    destination_rows = listed[:-1] + [NEW_DESTINATION[:2]] + listed[-1:]
    actions = [
        # A territory: its State list row, its Census rows (with the category's new rows), its States row.
        {"op": "insert_rows", "sheet": state_list.sheet, "before": state_list.last_row},
        {"op": "set_range", "sheet": state_list.sheet, "cell": f"A{state_list.last_row}",
         "rows": [[GUAM[header] for header in state_list.headers]]},
        {"op": "insert_rows", "sheet": exports.sheet, "before": exports.last_row, "count": len(new_census_rows)},
        {"op": "set_range", "sheet": exports.sheet, "cell": f"A{exports.last_row}", "rows": new_census_rows},
        *new_row_from_above(states, ("Code", "GU")),
        # A category: its Category list row, its Census rows (above), its row of national totals.
        {"op": "insert_rows", "sheet": category_list.sheet, "before": category_list.last_row},
        {"op": "set_range", "sheet": category_list.sheet, "cell": f"A{category_list.last_row}",
         "rows": [[NEW_CATEGORY[header] for header in category_list.headers]]},
        *new_row_from_above(totals, ("Code", NEW_CATEGORY["NAICS3"])),
        # A destination, and the values of all of them.
        *new_row_from_above(destinations, ("Flow", NEW_DESTINATION[0]), ("Country", NEW_DESTINATION[1])),
        {"op": "set_range", "sheet": destinations.sheet,
         "cell": f"{destinations.column_letter('Value USD')}{destinations.first_row}",
         "rows": [[{**DESTINATION_VALUES, NEW_DESTINATION[:2]: NEW_DESTINATION[2]}[key]] for key in destination_rows]},
        # A new year: a column inside each Census table, its header typed as text, its figures below.
        {"op": "insert_columns", "sheet": exports.sheet, "before": last_year_col},
        {"op": "set", "sheet": exports.sheet, "cell": f"{last_year_col}{exports.header_row}", "value": str(NEW_YEAR)},
        {"op": "set_range", "sheet": exports.sheet, "cell": f"{last_year_col}{exports.first_row}",
         "rows": [[value] for value in exports_next_year]},
        {"op": "insert_columns", "sheet": imports.sheet, "before": imports.last_column_letter},
        {"op": "set", "sheet": imports.sheet, "cell": f"{imports.last_column_letter}{imports.header_row}",
         "value": str(NEW_YEAR)},
        {"op": "set_range", "sheet": imports.sheet, "cell": f"{imports.last_column_letter}{imports.first_row}",
         "rows": [[value] for value in year_values(imports, IMPORTS_GROWTH)]},
        {"op": "insert_rows", "sheet": year_list.sheet, "before": year_list.last_row},
        {"op": "set", "sheet": year_list.sheet, "cell": f"A{year_list.last_row}", "value": NEW_YEAR},
        {"op": "set_name", "name": "SnapshotYear", "value": NEW_YEAR},
    ]
    edits = len(actions)
    actions += [
        *({"op": "table_range", "table": name} for name in GROWN),
        *({"op": "read_name", "name": name} for name in NAMES),
        {"op": "read", "sheet": states.sheet, "range": states.whole(extra_rows=1)},
        {"op": "read", "sheet": totals.sheet, "range": totals.whole(extra_rows=1)},
        {"op": "read", "sheet": destinations.sheet, "range": destinations.whole(extra_rows=1)},
        {"op": "read", "sheet": where["IdentityChecks"].sheet, "range": where["IdentityChecks"].whole()},
        {"op": "save", "path": str(folder / "extended.xlsx")},
    ]
    results = office.run(source, actions)[edits:]
    ranges = dict(zip(GROWN, results[:len(GROWN)]))
    names = dict(zip(NAMES, results[len(GROWN):len(GROWN) + len(NAMES)]))
    states_block, totals_block, destinations_block, identities_block, saved = results[len(GROWN) + len(NAMES):]
    return SimpleNamespace(
        folder=folder, source=source, saved=Path(saved), before=where, ranges=ranges, names=names,
        states=records(states_block, "Code"), totals=records(totals_block, "Code"),
        destinations=records(destinations_block, ("Flow", "Country")),
        identities=records(identities_block, "Identity"),
    )


@pytest.fixture(scope="module")
def extended_exports(census_exports: pd.DataFrame) -> pd.DataFrame:
    """The Census exports as the analyst extended them, as long rows."""
    last = census_exports[census_exports["year"] == LAST_YEAR]
    next_year = last.assign(year=NEW_YEAR, value_usd=[round(value * EXPORTS_GROWTH) for value in last["value_usd"]])
    added = [{"year": year, "state_code": "GU", "naics3": 334, "value_usd": value} for year, value in GUAM_TECH.items()]
    added += [{"year": NEW_YEAR, "state_code": code, "naics3": NEW_CATEGORY["NAICS3"], "value_usd": value}
              for code, value in NEW_CATEGORY_EXPORTS.items()]
    return pd.concat([census_exports, next_year, pd.DataFrame(added)], ignore_index=True)


@pytest.fixture(scope="module")
def expected(extended_exports, state_codes):
    return state_figures(extended_exports, [*state_codes, "GU"], NEW_YEAR)


def test_each_table_grew_by_what_was_inserted_inside_it(extended):
    def size(ref: str) -> tuple[int, int]:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        return max_col - min_col + 1, max_row - min_row + 1

    before = {name: (len(extended.before[name].headers),
                     extended.before[name].last_row - extended.before[name].header_row + 1) for name in GROWN}
    grown = {name: tuple(after - was for after, was in zip(size(extended.ranges[name]), before[name]))
             for name in GROWN}
    assert grown == {"CensusExports": (1, 3), "CensusImports": (1, 0), "StateList": (0, 1), "CategoryList": (0, 1),
                     "YearList": (0, 1), "StateSummary": (0, 1), "CategoryTotals": (0, 1), "Destinations": (0, 1)}


def test_the_new_territory_counts_in_the_totals(extended, expected):
    guam = extended.states["GU"]
    assert guam["State"] == GUAM["State"]
    assert guam["Tech exports"] == GUAM_TECH[NEW_YEAR]
    assert guam["Tech exports previous year"] == GUAM_TECH[LAST_YEAR]
    assert guam["US rank"] == expected.table.loc["GU", "US rank"]
    assert extended.names["TechExportsUS"] == pytest.approx(expected.us_tech_exports, rel=1e-12)
    assert extended.names["TechExportsUSPrevious"] == pytest.approx(expected.us_tech_exports_previous, rel=1e-12)
    assert extended.names["StatesOverThreshold"] == expected.over_threshold


def test_the_new_year_is_the_snapshot_year_everywhere(extended, expected, census_imports):
    for code, want in expected.table.iterrows():
        seen = extended.states[code]
        for column in ("Tech exports", "Tech exports previous year", "Share of US", "US rank", "Goods exports",
                       "Tech rank among categories", "Over 1 billion", "Tech in top three", "Tech leads"):
            if isinstance(want[column], str):
                assert seen[column] == want[column], (code, column)
            else:
                assert seen[column] == pytest.approx(want[column], rel=1e-9), (code, column)
    assert extended.names["StatesTechTopThree"] == expected.tech_top_three
    assert extended.names["StatesTechLeading"] == expected.tech_leading
    imports_next_year = sum(round(value * IMPORTS_GROWTH) for value in
                            census_imports[(census_imports["year"] == LAST_YEAR) &
                                           (census_imports["naics3"] == 334)]["value_usd"])
    assert extended.names["TechGoodsExports"] == pytest.approx(expected.us_tech_exports, rel=1e-12)
    assert extended.names["TechGoodsImports"] == pytest.approx(imports_next_year, rel=1e-12)
    assert extended.names["TechGoodsBalance"] == pytest.approx(expected.us_tech_exports - imports_next_year,
                                                               rel=1e-12)


def test_the_new_category_counts_in_ranks_and_totals(extended, extended_exports, expected):
    texas = expected.table.loc["TX"]
    assert extended.states["TX"]["Tech rank among categories"] == texas["Tech rank among categories"]
    this_year = extended_exports[extended_exports["year"] == NEW_YEAR]
    assert extended.names["GoodsExportsUS"] == pytest.approx(this_year["value_usd"].sum(), rel=1e-12)
    row = extended.totals[NEW_CATEGORY["NAICS3"]]
    # The label in the house style, sentence case, as the Category list's formula writes it.
    label = NEW_CATEGORY["Label"]
    assert (row["Category"], row["Kind"]) == (label[0].upper() + label[1:].lower(), NEW_CATEGORY["Kind"])
    assert row["Exports"] == sum(NEW_CATEGORY_EXPORTS.values())
    products = this_year[this_year["naics3"] < 900].groupby("naics3")["value_usd"].sum()
    assert row["Rank among products"] == 1 + int((products > row["Exports"]).sum())
    assert extended.names["TechCategoryRankUS"] == 1 + int((products > products[334]).sum())


def test_the_new_destination_takes_its_share(extended):
    words = wording("published")
    services = {country: row for (flow, country), row in extended.destinations.items() if flow == "services"}
    listed = sum(row["Value USD"] for row in services.values())
    assert services["Canada"]["Share of listed"] == pytest.approx(NEW_DESTINATION[2] / listed, rel=1e-12)
    assert sum(row["Share of listed"] for row in services.values()) == pytest.approx(1.0, rel=1e-12)
    # No figure is published for the new year, nor for Canada among services.
    assert services["Canada"]["Published rank"] == words["not_published"]


def test_the_identities_still_hold(extended):
    checks, published = wording("checks"), wording("published")
    statuses = {key: row["Status"] for key, row in extended.identities.items()}
    assert set(statuses.values()) <= {checks["holds"], published["not_published"]}, statuses
    assert list(statuses.values()).count(checks["holds"]) >= 4, statuses


def test_check_passes_after_the_workbook_is_extended(extended):
    status, problems, notes = check_findings(extended.saved)
    assert problems == [] and status == 0
    assert all(is_libreoffice_note(note) for note in notes)


@pytest.fixture(scope="module")
def rebuilt(extended, office) -> Path:
    """``extract`` the saved workbook, ``build`` from what it wrote, and recalculate that in LibreOffice."""
    built = extract_and_build(extended.saved, extended.folder)
    recalculated = extended.folder / "rebuilt-recalculated.xlsx"
    office.run(built, [{"op": "save", "path": str(recalculated)}])
    return recalculated


def test_the_rebuild_shows_the_same_figures(extended, rebuilt):
    edited_names, rebuilt_names = named_values(extended.saved), named_values(rebuilt)
    assert set(edited_names) == set(rebuilt_names)
    # The Trend's last year is the last year it was built with: the rebuild's is the new year.
    assert same_value(edited_names.pop("TechExportsUSLastYear"),
                      table_records(extended.saved, "TechTrendUS", "Year")[LAST_YEAR]["Tech exports"])
    assert same_value(rebuilt_names.pop("TechExportsUSLastYear"), edited_names["TechExportsUS"])
    assert [name for name in edited_names if not same_value(edited_names[name], rebuilt_names[name])] == []
    keyed = {"StateSummary": "Code", "CategoryTotals": "Code", "LargestCategories": "Rank",
             "Destinations": ("Flow", "Country"), "PublishedChecks": ("Figure", "Year", "Subject"),
             "IdentityChecks": "Identity", "TechTrendUS": "Year"}
    for table, key in keyed.items():
        edited, again = table_records(extended.saved, table, key), table_records(rebuilt, table, key)
        if table == "TechTrendUS":
            # Trend's years are laid out at build time: the rebuild adds the new year's row.
            assert set(again) - set(edited) == {NEW_YEAR}
            again = {year: again[year] for year in edited}
        assert set(edited) == set(again), table
        for row_key, row in edited.items():
            for header, value in row.items():
                assert same_value(value, again[row_key][header]), (table, row_key, header, value,
                                                                    again[row_key][header])
    assert sheet_differences(extended.saved, rebuilt, ["Balance"]) == []
    # The Dashboard's year-by-year block (the data of its trend chart) is laid out at build time
    # too: the rebuild adds the new year's row, and nothing else differs.
    # The trend chart's title names the block's last year, so it names the new year too.
    dashboard = open_workbook(rebuilt, data_only=True)["Dashboard"]
    new_year_row = next(row for row in range(1, dashboard.max_row + 1) if dashboard.cell(row, 1).value == NEW_YEAR)
    title_rows = {row for row in range(1, dashboard.max_row + 1) for col in range(1, 10)
                  if str(dashboard.cell(row, col).value).endswith(f"–{NEW_YEAR}")}
    differing = {row for _, row, *_ in cell_differences(extended.saved, rebuilt, ["Dashboard"])}
    assert len(title_rows) == 1 and differing == {new_year_row} | title_rows


def test_the_rebuild_lays_out_the_new_territory_year_and_category(rebuilt):
    book = open_workbook(rebuilt, data_only=True)
    guam_tile = formula_cell(rebuilt, "Map", '"GU"')
    assert book["Map"][guam_tile].value == GUAM_TECH[NEW_YEAR]
    trend = tables(rebuilt)["TechTrend"]
    assert str(NEW_YEAR) in trend.headers
    assert "GU" in table_records(rebuilt, "TechTrend", "Code")
    categories = book["Categories"]
    assert NEW_CATEGORY["NAICS3"] in [cell.value for row in categories.iter_rows(max_row=20) for cell in row]
