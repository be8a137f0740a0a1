"""Trade partners: Census tech exports and imports by partner country, imported into data/, shown on
the Partners sheet, beside the published destinations, in Checks and on Balance.

The expected figures are the Census data's own (see the README of the Census partner
files): for 2020, exports to Mexico $38.37B, Canada $22.69B, China $21.35B, imports
from China $141.32B. These tests read the workbook's cached values; the analyst test
``tests/analyst/test_analyst_partners.py`` holds LibreOffice's recalculation to them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import DATA, build_workbook, named_cell, open_workbook, run_cli, set_number, sheet_xml, table_rows
from workbook.checking.check import check_workbook
from workbook.errors import InputError
from workbook.dataset.importers.partners import write_partner_files
from workbook.dataset.load import load_dataset
from workbook.dataset.schema import PARTNER_EXPORTS, PARTNER_IMPORTS
from workbook.templates_loader import wording

WORDS = wording("partners")
COLUMNS = WORDS["columns"]
BILLION = 1e9
#: The most the default workbook may weigh: small enough to email (recorded in benchmarks/README.md too).
MAX_DEFAULT_WORKBOOK_BYTES = 1_000_000


def partners_by_country(values) -> dict[str, dict]:
    return {row[COLUMNS["country"]]: row for row in table_rows(values, "Partners")}


# --- import-partners --------------------------------------------------------------------------------

SOURCE_HEADER = "year,naics3,naics3_label,country,{value}"
SOURCE_EXPORTS = ["2021,334,Computer & Electronic Products,Mexico,40",
                  '2020,334,Computer & Electronic Products,"Korea, South",7',
                  "2020,111,Agricultural Products,Cote d'Ivoire,3",
                  "2020,334,Computer & Electronic Products,Mexico,38"]
SOURCE_IMPORTS = ["2020,334,Computer & Electronic Products,China,141",
                  "2020,334,Computer & Electronic Products,Mexico,62"]


def write_sources(folder: Path, exports: list[str] = SOURCE_EXPORTS, imports: list[str] = SOURCE_IMPORTS):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for flow, rows in (("exports", exports), ("imports", imports)):
        path = folder / f"us_{flow}_by_naics3_country.csv"
        path.write_text("\n".join([SOURCE_HEADER.format(value=f"{flow}_usd"), *rows]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def data_folder_with_categories(folder: Path) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    shutil.copy(DATA / "categories.csv", data / "categories.csv")
    return data


def test_import_partners_writes_the_files_in_the_data_schema(tmp_path):
    exports, imports = write_sources(tmp_path / "census")
    data = data_folder_with_categories(tmp_path)
    result = run_cli("import-partners", "--exports", exports, "--imports", imports, "--data", data)
    assert result.returncode == 0, result.stderr
    assert (data / PARTNER_EXPORTS.filename).read_text(encoding="utf-8").splitlines() == [
        "year,naics3,country,value_usd",
        "2020,111,Cote d'Ivoire,3",
        '2020,334,"Korea, South",7',
        "2020,334,Mexico,38",
        "2021,334,Mexico,40",
    ]
    assert (data / PARTNER_IMPORTS.filename).read_text(encoding="utf-8").splitlines()[1:] == [
        "2020,334,China,141", "2020,334,Mexico,62"]


@pytest.mark.parametrize(("rows", "expected"), [
    (["2020,334,Computer & Electronic Products,Mexico,-38"], "row 2, column exports_usd: '-38': expected an amount"),
    (["2020,334,Computer & Electronic Products,Mexico,38 billion"], "row 2, column exports_usd: '38 billion'"),
    (["2020,334,Computer & Electronic Products,Mexico,38", "2020,334,Computer & Electronic Products,mexico,1"],
     "row 3, column year,naics3,country: 'year=2020, naics3=334, country=mexico': duplicate key"),
], ids=["negative", "text-in-number-column", "duplicate"])
def test_a_bad_source_row_stops_the_import_with_one_line_and_writes_nothing(tmp_path, rows, expected):
    exports, imports = write_sources(tmp_path / "census", exports=rows)
    data = data_folder_with_categories(tmp_path)
    kept = data / PARTNER_IMPORTS.filename
    kept.write_text("earlier file\n", encoding="utf-8")
    result = run_cli("import-partners", "--exports", exports, "--imports", imports, "--data", data)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and exports.name in result.stderr and expected in result.stderr
    assert not (data / PARTNER_EXPORTS.filename).exists()
    assert kept.read_text(encoding="utf-8") == "earlier file\n"


def test_an_unknown_category_stops_the_import_and_writes_nothing(tmp_path):
    exports, imports = write_sources(tmp_path / "census",
                                     imports=["2020,998,Made up,China,141", *SOURCE_IMPORTS])
    data = data_folder_with_categories(tmp_path)
    result = run_cli("import-partners", "--exports", exports, "--imports", imports, "--data", data)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"tech-trade: error: {imports}, row 2, column naics3: "
                                     "'998': unknown code (expected one listed in categories.csv)")
    assert sorted(path.name for path in data.iterdir()) == ["categories.csv"]


def test_other_readers_hand_a_tidy_table_that_is_checked_before_anything_is_written(tmp_path):
    data = data_folder_with_categories(tmp_path)
    good = pd.DataFrame({"year": [2020], "naics3": [334], "country": ["Mexico"], "value_usd": [38.0]})
    bad = pd.DataFrame({"year": [2020, 2020], "naics3": [334, 334], "country": ["Mexico", "Canada"],
                        "value_usd": [38.0, -1.0]})
    with pytest.raises(InputError) as raised:
        write_partner_files(good, bad, data)
    assert "partner_imports.csv, row 2, column value_usd: '-1'" in str(raised.value)
    assert sorted(path.name for path in data.iterdir()) == ["categories.csv"]
    written = write_partner_files(good, good, data)
    assert [path.name for path in written] == [PARTNER_EXPORTS.filename, PARTNER_IMPORTS.filename]


def test_the_bundled_partner_files_hold_the_census_figures():
    data = load_dataset(DATA)
    exports = data.partner_exports
    tech_2020 = exports[(exports["year"] == 2020) & (exports["naics3"] == 334)].set_index("country")["value_usd"]
    assert tech_2020.sum() == pytest.approx(199.63 * BILLION, abs=0.005 * BILLION)
    assert list(tech_2020.nlargest(3).index) == ["Mexico", "Canada", "China"]
    assert sorted(exports["year"].unique()) == list(range(2020, 2026))


# --- the workbook, 2020 --------------------------------------------------------------------------------


def test_partners_shows_the_top_destinations_and_sources_of_2020(default_values):
    rows = partners_by_country(default_values)
    top = sorted(rows.values(), key=lambda row: row[COLUMNS["export_rank"]])[:3]
    assert [row[COLUMNS["country"]] for row in top] == ["Mexico", "Canada", "China"]
    assert [round(row[COLUMNS["exports"]] / BILLION, 2) for row in top] == [38.37, 22.69, 21.35]
    assert [row[COLUMNS["export_rank"]] for row in top] == [1, 2, 3]
    china = rows["China"]
    assert round(china[COLUMNS["imports"]] / BILLION, 2) == 141.32 and china[COLUMNS["import_rank"]] == 1
    assert china[COLUMNS["balance"]] == pytest.approx(china[COLUMNS["exports"]] - china[COLUMNS["imports"]])


def test_partners_lists_every_partner_country_of_the_tech_category(default_values):
    data = load_dataset(DATA)
    countries = set()
    for trade in (data.partner_exports, data.partner_imports):
        countries |= set(trade.loc[trade["naics3"] == 334, "country"])
    rows = partners_by_country(default_values)
    assert set(rows) == countries
    shares = sum(row[COLUMNS["export_share"]] for row in rows.values())
    assert shares == pytest.approx(1.0)


def test_the_figures_are_live_formulas_over_the_partner_tables(default_formulas):
    row = table_rows(default_formulas, "Partners")[0]
    assert "PartnerExports[Country]" in row[COLUMNS["exports"]] and "SnapshotYear" in row[COLUMNS["exports"]]
    assert "PartnerImports[NAICS3],TechCategory" in row[COLUMNS["imports"]]
    assert row[COLUMNS["export_rank"]].startswith("=IF(ISNUMBER(") and "RANK(" in row[COLUMNS["export_rank"]]
    assert "SnapshotYear-1" in row[COLUMNS["export_change"]]


def test_the_top_ten_are_highlighted_by_rules_on_the_ranks(default_workbook, default_formulas):
    import re

    from openpyxl.utils import get_column_letter, range_boundaries

    first_col, header_row, _, _ = range_boundaries(default_formulas[WORDS["sheet"]].tables["Partners"].ref)
    headers = list(COLUMNS.values())
    ranks = [f"${get_column_letter(first_col + headers.index(COLUMNS[key]))}{header_row + 1}"
             for key in ("export_rank", "import_rank")]
    xml = sheet_xml(default_workbook, WORDS["sheet"])
    rules = re.findall(r'<cfRule type="expression"[^>]*><formula>([^<]*)</formula>', xml)
    # Among the sheet's other rules (the formats that show small figures), one per rank column.
    highlights = [rule for rule in rules if "&lt;=10)" in rule]
    assert sorted(highlights) == [f"AND(ISNUMBER({rank}),{rank}&lt;=10)" for rank in ranks]


def test_the_totals_are_national_and_named(default_values):
    from helpers import named_cell

    exports = named_cell(default_values, "TechExportsNational").value
    imports = named_cell(default_values, "TechImportsNational").value
    assert round(exports / BILLION, 2) == 199.63 and round(imports / BILLION, 1) == 392.2
    assert named_cell(default_values, "TechGoodsBalanceNational").value == pytest.approx(exports - imports)
    assert named_cell(default_values, "HasPartnerData").value == 1


def test_the_workbook_holds_the_tech_category_rows_of_the_partner_files(default_values):
    rows = table_rows(default_values, "PartnerExports")
    assert {row["NAICS3"] for row in rows} == {334}
    assert [header for header in rows[0] if header.isdigit()] == [str(year) for year in range(2020, 2026)]


def test_destinations_show_census_values_beside_the_published_ranks(default_values):
    words = wording("destinations")
    col = words["columns"]
    rows = {row[col["country"]]: row for row in table_rows(default_values, "Destinations")}
    for country, rank, value in (("Mexico", 1, 38.37), ("Canada", 2, 22.69), ("China", 3, 21.35)):
        assert rows[country][col["published_rank"]] == rank
        assert rows[country][col["census_rank"]] == rank
        assert round(rows[country][col["census_value"]] / BILLION, 2) == value
        assert 0 < rows[country][col["census_share"]] < 1
    for country in ("Ireland", "Switzerland", "Japan"):
        assert rows[country][col["census_value"]] == words["no_census_services"]
        assert rows[country][col["census_rank"]] in (None, "")


def test_checks_mark_the_published_top_three_product_destinations_as_matching(default_values):
    checks = wording("checks")
    rows = [row for row in table_rows(default_values, "PublishedChecks") if row["Figure"] == "top_destination_products"]
    assert {row["Subject"]: row["Status"] for row in rows} == {country: checks["matches"]
                                                                for country in ("Mexico", "Canada", "China")}
    assert {row["Subject"]: row["Workbook"] for row in rows} == {"Mexico": 1, "Canada": 2, "China": 3}


def test_balance_sets_the_national_balance_beside_the_sum_over_states_with_the_caveat(default_values):
    words = wording("balance")
    sheet = default_values[words["sheet"]]
    cells = {row[0].value: [cell.value for cell in row[1:4]] for row in sheet.iter_rows() if row[0].value}
    national, states, difference = cells[words["national_rows"]["exports"]]
    assert round(national / BILLION, 2) == 199.63 and round(states / BILLION, 2) == 197.26
    assert difference == pytest.approx(national - states)
    assert words["national_columns"]["national"] in cells[words["national_columns"]["trade"]]
    assert any("no state trade balances" in str(text) for text in cells)


def test_the_default_workbook_stays_email_sized(default_workbook):
    assert default_workbook.stat().st_size <= MAX_DEFAULT_WORKBOOK_BYTES


# --- a year without partner data -----------------------------------------------------------------------


def test_a_year_without_partner_data_says_so_and_shows_no_other_years_figures(values_2019):
    no_data = WORDS["no_data"].format(year=2019)
    rows = table_rows(values_2019, "Partners")
    assert rows and all(row[COLUMNS["exports"]] == no_data and row[COLUMNS["imports"]] == no_data for row in rows)
    for key in ("export_share", "export_rank", "export_change", "import_rank", "balance"):
        assert all(row[COLUMNS[key]] in (None, "") for row in rows), key
    destinations = wording("destinations")["columns"]
    products = [row for row in table_rows(values_2019, "Destinations") if row[destinations["flow"]] == "products"]
    # The line above the table says "no partner data" once; its cells show a dash.
    assert {row[destinations["census_value"]] for row in products} == {wording("destinations")["no_partner_data"]}
    checks = values_2019[wording("checks")["sheet"]]
    notes = [cell.value for row in checks.iter_rows(max_col=1) for cell in row if isinstance(cell.value, str)]
    assert wording("checks")["no_partner_data"].format(year=2019) in notes


@pytest.mark.usefixtures("require_libreoffice", "require_validator")
@pytest.mark.parametrize("year", [2019, 2021])
def test_builds_for_other_years_pass_the_check_in_libreoffice(workbook_of_year, year):
    # 2019 has no partner data and no published figures (tests/test_balance.py reads its Balance sheet).
    assert check_workbook(workbook_of_year(year)) == []


@pytest.mark.usefixtures("require_libreoffice", "require_validator")
def test_a_tech_category_without_partner_rows_says_no_partner_data_and_passes_the_check(tmp_path):
    # As after an analyst makes another category the tech one: the partner files extracted
    # from the workbook hold only the category it was built for.
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for name in ("partner_exports.csv", "partner_imports.csv"):
        rows = pd.read_csv(data / name)
        rows[rows["naics3"] == 334].to_csv(data / name, index=False)
    pd.DataFrame({"setting": ["tech_category"], "value": [333]}).to_csv(data / "settings.csv", index=False)
    path = build_workbook(tmp_path / "snapshot.xlsx", 2020, data)
    values = open_workbook(path, data_only=True)
    no_data = WORDS["no_data"].format(year=2020)
    [row] = table_rows(values, "Partners")
    assert row[COLUMNS["country"]] in (None, "") and row[COLUMNS["exports"]] == no_data
    assert named_cell(values, "HasPartnerData").value == 0
    # Another tech category is not the release's: its published figures differ without a known reason.
    assert [problem for problem in check_workbook(path)
            if not (problem.location.startswith("Checks!") and "without a known reason" in problem.message)] == []


# --- extract and diff ----------------------------------------------------------------------------------


def partner_cell(path: Path, country: str, year: int) -> str:
    from openpyxl.utils import get_column_letter

    sheet = open_workbook(path)[wording("data_partner_exports")["sheet"]]
    rows = list(sheet.iter_rows())
    header = next(index for index, row in enumerate(rows) if row[0].value == "Country")
    col = next(cell.column for cell in rows[header] if cell.value == str(year))
    row = next(row for row in rows[header + 1:] if row[0].value == country)
    return f"{get_column_letter(col)}{row[0].row}"


def test_an_edited_partner_figure_is_listed_by_diff_and_taken_back_by_extract(default_workbook, tmp_path):
    edited = tmp_path / "edited.xlsx"
    cell = partner_cell(default_workbook, "Mexico", 2020)
    sheet = wording("data_partner_exports")["sheet"]
    set_number(default_workbook, edited, sheet, cell, 40_000_000_000)
    result = run_cli("diff", default_workbook, edited)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"'{sheet}'!{cell}: PartnerExports 2020 334 Mexico value_usd: 38372935522 -> 40000000000"]
    out = tmp_path / "data"
    result = run_cli("extract", edited, "--out", out)
    assert result.returncode == 0, result.stderr
    extracted = load_dataset(out).partner_exports
    mexico = extracted[(extracted["country"] == "Mexico") & (extracted["year"] == 2020)]
    assert mexico["value_usd"].tolist() == [40e9]
    rebuilt = open_workbook(build_workbook(tmp_path / "rebuilt.xlsx", 2020, data=out), data_only=True)
    assert partners_by_country(rebuilt)["Mexico"][COLUMNS["exports"]] == 40e9


def test_a_country_spelt_in_another_case_in_one_file_is_one_partner_as_formulas_match_it(tmp_path):
    from workbook.model import build_model
    from workbook.model.partners import partner_figures

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    imports = data / PARTNER_IMPORTS.filename
    imports.write_text(imports.read_text(encoding="utf-8").replace(",Canada,", ",CANADA,"), encoding="utf-8")
    figures = build_model(load_dataset(data), 2020).figures(partner_figures)
    canada = figures.table[figures.table["country"].str.casefold() == "canada"]
    assert len(canada) == 1
    assert round(canada["exports"].iloc[0] / BILLION, 2) == 22.69
    assert canada["imports"].iloc[0] == pytest.approx(5_693_784_088)


# --- the Dashboard ---------------------------------------------------------------------------------------


def dashboard_partner_block(values) -> int:
    """The first row (from 1) of the Dashboard's block behind its partners chart."""
    heading = wording("dashboard")["partners_heading"]
    sheet = values[wording("dashboard")["sheet"]]
    return next(row[0].row for row in sheet.iter_rows(max_col=1) if row[0].value == heading) + 2


def dashboard_partner_rows(values) -> list[list]:
    """The rows of that block: trade, rank, country, exports, imports."""
    first = dashboard_partner_block(values)
    return [[cell.value for cell in row] for row in values[wording("dashboard")["sheet"]].iter_rows(
        min_row=first, max_row=first + 9, max_col=5)]


def test_the_dashboard_charts_the_top_destinations_and_sources(default_values, default_workbook):
    rows = dashboard_partner_rows(default_values)
    assert [row[2] for row in rows] == ["Mexico", "Canada", "China", "Hong Kong", "Netherlands",
                                        "China", "Mexico", "Taiwan", "Vietnam", "Malaysia"]
    assert [round(row[3] / BILLION, 2) for row in rows[:3]] == [38.37, 22.69, 21.35]
    assert round(rows[5][4] / BILLION, 2) == 141.32
    from helpers import charts_of

    # Two bar charts side by side: the five destinations, then the five sources.
    first = dashboard_partner_block(default_values)
    for rows_of_flow in ((first, first + 4), (first + 5, first + 9)):
        categories = f"$C${rows_of_flow[0]}:$C${rows_of_flow[1]}</c:f>"
        charts = [chart for chart in charts_of(default_workbook, wording("dashboard")["sheet"]) if categories in chart]
        assert len(charts) == 1 and '<c:barDir val="bar"/>' in charts[0] and charts[0].count("<c:ser>") == 1


def test_the_dashboard_partner_charts_say_who_led_or_that_the_year_has_no_partner_data(default_values, values_2019):
    words = wording("dashboard")
    texts = {cell.value for row in default_values[words["sheet"]].iter_rows() for cell in row}
    assert words["destinations_chart_title"].format(first="Mexico", year=2020) in texts
    assert words["sources_chart_title"].format(first="China", year=2020) in texts
    texts_2019 = {cell.value for row in values_2019[words["sheet"]].iter_rows() for cell in row}
    assert words["destinations_chart_no_data_title"].format(year=2019) in texts_2019
    assert words["sources_chart_no_data_title"].format(year=2019) in texts_2019


def test_the_dashboard_partners_chart_is_a_gap_in_a_year_without_partner_data(values_2019):
    rows = dashboard_partner_rows(values_2019)
    assert all(row[2] in (None, "") and row[3] in (None, "") and row[4] in (None, "") for row in rows)
