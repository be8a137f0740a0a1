"""The Key findings sheet: each finding drafted for the snapshot year beside the published sentence.

Its product destinations are drafted from the Census partner data (the Partners table's
export ranks), so that a year the release has not covered yet is drafted too; services
stay as the release names them, since Census publishes no services trade by country.
"""

from __future__ import annotations

from helpers import table_rows
from workbook.writing.metrics import word_wrapped_height
from workbook.sheets.key_findings import LOOK
from workbook.templates_loader import wording

WORDS = wording("key_findings")
COLUMNS = WORDS["columns"]


def draft(values, finding: str) -> str:
    label = WORDS["findings"][finding]["label"]
    [row] = [row for row in table_rows(values, "KeyFindings") if row[COLUMNS["finding"]] == label]
    return row[COLUMNS["draft"]]


def test_product_destinations_are_drafted_from_the_census_partner_ranks(default_values):
    # Census 2020 exports: Mexico $38.37B, Canada $22.69B, China $21.35B (data/partner_exports.csv).
    assert draft(default_values, "destinations_products") == WORDS["drafts"]["destinations_products"].format(
        year=2020, list="Mexico, Canada and China")


def test_a_year_without_partner_data_says_so_instead_of_naming_destinations(values_2019):
    assert draft(values_2019, "destinations_products") == WORDS["drafts"]["destinations_products_missing"].format(
        year=2019)


def test_services_destinations_stay_as_the_release_names_them(default_values):
    assert draft(default_values, "destinations_services") == WORDS["drafts"]["destinations_services"].format(
        list="Ireland, Switzerland and Japan")


def test_each_finding_row_is_as_tall_as_its_longest_wrapped_text_and_no_taller(default_values):
    # A row sized with a spare line prints an empty band under every finding.
    book = default_values
    sheet = book[WORDS["sheet"]]
    for row in table_rows(book, "KeyFindings", cells=True):
        number = row[COLUMNS["finding"]].row
        wanted = max(word_wrapped_height(str(row[COLUMNS[key]].value), width, style)
                     for key, (style, width) in LOOK.items() if key in ("finding", "draft", "published"))
        # Less a point: a height is stored in whole pixels.
        assert wanted - 1 <= sheet.row_dimensions[number].height <= wanted + 1, (number, wanted)
