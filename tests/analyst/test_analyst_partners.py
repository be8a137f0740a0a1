"""An analyst switches the snapshot year in LibreOffice and reads the trade partners.

One LibreOffice session picks 2021 (a year with partner data), then 2019 (the state
data has it, the partner data does not), then 2020 again, recalculating each time.
The figures LibreOffice computes are held to the Census partner files read here with
plain pandas: the top destinations and sources of 2020, every partner figure of 2021,
and, for 2019, words instead of figures and no error cell anywhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import DATA
from workbook.templates_loader import wording
from workbook_cells import records, tables

YEARS = (2021, 2019, 2020)
NAMES = ("HasPartnerData", "TechExportsNational", "TechImportsNational", "TechGoodsBalanceNational")
COLUMNS = wording("partners")["columns"]
BILLION = 1e9
ERROR_VALUES = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def switched(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, SimpleNamespace]:
    folder = tmp_path_factory.mktemp("partners")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    blocks = [where[name] for name in ("Partners", "Destinations", "PublishedChecks")]
    actions = []
    for year in YEARS:
        actions += [
            {"op": "set_name", "name": "SnapshotYear", "value": year},
            *({"op": "read_name", "name": name} for name in NAMES),
            *({"op": "read", "sheet": block.sheet, "range": block.whole()} for block in blocks),
            {"op": "read", "sheet": "Balance", "range": "A1:F80"},
        ]
    results = office.run(source, actions)
    per_year = len(actions) // len(YEARS)
    found = {}
    for index, year in enumerate(YEARS):
        chunk = results[index * per_year:(index + 1) * per_year]
        names = dict(zip(NAMES, chunk[1:1 + len(NAMES)]))
        partners, destinations, checks, balance = chunk[1 + len(NAMES):]
        found[year] = SimpleNamespace(
            names=names, partners=records(partners, COLUMNS["country"]),
            destinations=records(destinations, ("Flow", "Country")),
            checks=records(checks, ("Figure", "Year", "Subject")), blocks=[partners, destinations, checks, balance])
    return found


def census(flow: str, year: int) -> pd.Series:
    """Tech (NAICS 334) trade by partner country for the year, from the data file."""
    trade = pd.read_csv(DATA / f"partner_{flow}.csv", keep_default_na=False)
    rows = trade[(trade["year"] == year) & (trade["naics3"] == 334)]
    return rows.groupby("country")["value_usd"].sum().astype(float)


def test_2020_gives_the_published_top_destinations_in_order_and_china_first_among_sources(switched):
    partners = switched[2020].partners
    top = sorted(partners.values(), key=lambda row: row[COLUMNS["export_rank"]])[:3]
    assert [row[COLUMNS["country"]] for row in top] == ["Mexico", "Canada", "China"]
    assert [round(row[COLUMNS["exports"]] / BILLION, 2) for row in top] == [38.37, 22.69, 21.35]
    assert round(partners["China"][COLUMNS["imports"]] / BILLION, 2) == 141.32
    assert partners["China"][COLUMNS["import_rank"]] == 1


def test_2020_checks_mark_the_published_top_three_products_destinations_as_matching(switched):
    matches = wording("checks")["matches"]
    for country in ("Mexico", "Canada", "China"):
        assert switched[2020].checks[("top_destination_products", 2020, country)]["Status"] == matches


def test_another_year_with_partner_data_recomputes_every_partner_figure(switched):
    exports, imports = census("exports", 2021), census("imports", 2021)
    before_exports, before_imports = census("exports", 2020), census("imports", 2020)
    partners = switched[2021].partners
    assert switched[2021].names["HasPartnerData"] == 1
    assert switched[2021].names["TechExportsNational"] == pytest.approx(exports.sum(), rel=1e-12)
    assert switched[2021].names["TechImportsNational"] == pytest.approx(imports.sum(), rel=1e-12)
    export_ranks = exports.reindex(list(partners), fill_value=0.0).rank(method="min", ascending=False)
    for country, row in partners.items():
        value, imported = exports.get(country, 0.0), imports.get(country, 0.0)
        assert row[COLUMNS["exports"]] == pytest.approx(value, rel=1e-12), country
        assert row[COLUMNS["imports"]] == pytest.approx(imported, rel=1e-12), country
        assert row[COLUMNS["export_share"]] == pytest.approx(value / exports.sum(), rel=1e-9), country
        assert row[COLUMNS["export_rank"]] == export_ranks[country], country
        assert row[COLUMNS["balance"]] == pytest.approx(value - imported, rel=1e-9, abs=1e-3), country
        before = before_exports.get(country, 0.0)
        if before:
            assert row[COLUMNS["export_change"]] == pytest.approx(value / before - 1, rel=1e-9), country
        else:
            assert row[COLUMNS["export_change"]] in (None, ""), country
        before = before_imports.get(country, 0.0)
        if before:
            assert row[COLUMNS["import_change"]] == pytest.approx(imported / before - 1, rel=1e-9), country
    mexico = switched[2021].destinations[("products", "Mexico")]
    assert mexico[wording("destinations")["columns"]["census_value"]] == pytest.approx(exports["Mexico"], rel=1e-12)


def test_a_year_without_partner_data_gives_words_and_no_error_cell(switched):
    no_data = wording("partners")["no_data"].format(year=2019)
    seen = switched[2019]
    assert seen.names["HasPartnerData"] == 0
    assert seen.names["TechExportsNational"] == no_data
    for row in seen.partners.values():
        assert row[COLUMNS["exports"]] == no_data and row[COLUMNS["imports"]] == no_data
        assert all(row[COLUMNS[key]] in (None, "") for key in ("export_share", "export_rank", "export_change",
                                                               "import_share", "import_rank", "balance"))
    # Destinations shows a dash, which one note beside the table explains: the page says
    # "no partner data" once rather than on every row.
    census_value = wording("destinations")["columns"]["census_value"]
    assert seen.destinations[("products", "Mexico")][census_value] == wording("destinations")["no_partner_data"]
    cells = [value for block in seen.blocks for row in block for value in row]
    assert not [value for value in cells if isinstance(value, str) and value.startswith(ERROR_VALUES)]
