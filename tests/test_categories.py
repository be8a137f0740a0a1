"""The Categories sheet: the state x category matrix, national totals and ranks, the largest categories."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from helpers import (DATA, build_workbook, census_blocks, charts_of, folded_away, named_cell, open_workbook, run_cli,
                     sheet_xml, table_rows)
from workbook.templates_loader import wording

SHEET = "Categories"
TEXAS_TECH_2020 = 45_022_715_511
#: A territory whose Census rows a test takes away.
NO_EXPORTS_STATE = "VI"


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return pd.read_csv(DATA / "census_exports.csv")


@pytest.fixture(scope="module")
def categories() -> pd.DataFrame:
    return pd.read_csv(DATA / "categories.csv")


def matrix_rows(book) -> tuple[tuple, list[tuple]]:
    """The matrix's header row and its state rows (each starting with a two-letter code), as cells."""
    rows = list(book[SHEET].iter_rows())
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "Code" and row[1].value == "State")
    states = []
    for row in rows[header_index + 1:]:
        if not isinstance(row[0].value, str) or len(row[0].value) != 2:
            break
        states.append(row)
    return rows[header_index], states


def matrix(book) -> dict[tuple[str, int], object]:
    """(state code, category code) -> the matrix cell (cached value or formula, as ``book`` was read)."""
    header, states = matrix_rows(book)
    return {(row[0].value, category.value): cell.value for row in states
            for cell, category in zip(row[2:], header[2:]) if isinstance(category.value, int)}


def matrix_header(book) -> tuple[list[str], list[int], list]:
    """The matrix's state codes (in row order), category codes (in column order) and header cells."""
    header, states = matrix_rows(book)
    header_cells = [cell for cell in header[2:] if isinstance(cell.value, int)]
    return [row[0].value for row in states], [cell.value for cell in header_cells], header_cells


def holds_column(book) -> dict[str, tuple[str, int, object]]:
    """State code -> (column letter, row, cell value) of the folded helper beside the matrix that says
    whether all the state's CensusExports rows lie in its block."""
    header, states = matrix_rows(book)
    col = next(cell for cell in header if cell.value == wording("categories")["block_holds_state_header"]).column - 1
    return {row[0].value: (row[col].column_letter, row[col].row, row[col].value) for row in states}


BLOCK_RANGE = re.compile(r"'Census exports'!\$A\$(\d+):\$[A-Z]+\$(\d+)")


def national_totals(census: pd.DataFrame, year: int) -> pd.Series:
    return census[census["year"] == year].groupby("naics3")["value_usd"].sum()


def test_texas_tech_cell_of_the_2020_matrix_is_the_census_figure(default_values):
    assert matrix(default_values)[("TX", 334)] == TEXAS_TECH_2020


def test_every_matrix_cell_sums_the_snapshot_year_over_its_states_census_rows_alone(default_formulas):
    formulas = matrix(default_formulas)
    assert len(formulas) == len(pd.read_csv(DATA / "states.csv")) * len(pd.read_csv(DATA / "categories.csv"))
    holds = holds_column(default_formulas)
    for (state, code), formula in formulas.items():
        letter, row, _ = holds[state]
        # Over the state's block, a plain range every engine reads, while the helper says the block
        # holds all the state's rows; else over the whole table.
        assert formula.startswith(f"=IF(${letter}{row}=1,SUMIFS(INDEX('Census exports'!$A$"), formula
        block, whole = formula.split(",SUMIFS(INDEX(CensusExports[[State code]:[2025]]", 1)
        assert "CensusExports[State code]" not in block and "CensusExports[NAICS3]" not in block, formula
        assert "CensusExports[State code],$A" in whole and "CensusExports[NAICS3]," in whole, formula


def test_each_states_block_is_its_rows_of_census_exports(default_values, default_formulas):
    blocks = census_blocks(default_values)
    formulas = matrix(default_formulas)
    header_rows = 4
    for (state, _), formula in formulas.items():
        rows, first, last = blocks[state]
        # A block of one row takes the row below too (IronCalc reads INDEX(r,0,k) over two rows or more).
        last = max(last, first + 1)
        assert BLOCK_RANGE.search(formula).groups() == (str(first + header_rows), str(last + header_rows)), state
    # The helper compares the state's rows in its block with its rows in the whole table.
    values, helper_formulas = holds_column(default_values), holds_column(default_formulas)
    assert {value for _, _, value in values.values()} == {1}
    assert helper_formulas["TX"][2].startswith("=--(COUNTIF('Census exports'!$A$")
    assert helper_formulas["TX"][2].endswith("=COUNTIF(CensusExports[State code],$A" + str(helper_formulas["TX"][1]) + "))")


def test_helper_columns_sit_right_of_the_matrix_outside_the_printed_page(default_formulas):
    sheet = default_formulas[SHEET]
    letter = next(iter(holds_column(default_formulas).values()))[0]
    _, _, header_cells = matrix_header(default_formulas)
    assert column_index_from_string(letter) > max(cell.column for cell in header_cells)
    area = sheet.print_area if isinstance(sheet.print_area, str) else sheet.print_area[0]
    _, _, last_printed_col, _ = range_boundaries(area.split(",")[0].split("!")[-1])
    assert column_index_from_string(letter) > last_printed_col
    # Shown, not folded: LibreOffice prints a chart without the figures of hidden columns.
    assert not folded_away(sheet, letter)
    assert not any(folded_away(sheet, cell.column_letter) for cell in header_cells)


def test_matrix_rows_follow_the_states_sheet_and_columns_put_special_provisions_last(default_formulas,
                                                                                     categories: pd.DataFrame):
    states, codes, header_cells = matrix_header(default_formulas)
    names = pd.read_csv(DATA / "states.csv").sort_values("state_name", kind="stable")
    assert states == names["state_code"].tolist()
    products = sorted(categories.loc[categories["kind"] == "product", "naics3"])
    specials = sorted(categories.loc[categories["kind"] == "special", "naics3"])
    assert codes == products + specials
    # Special provisions are marked in their header: a * after the code, a fill of their own.
    marked = [cell.value for cell in header_cells if cell.number_format.endswith('"*"')]
    assert marked == specials


def test_every_state_cell_equals_the_census_data(default_values, census: pd.DataFrame):
    cells = matrix(default_values)
    expected = census[census["year"] == 2020].set_index(["state_code", "naics3"])["value_usd"]
    for key, value in cells.items():
        assert value == expected.get(key, 0), key


def test_the_national_tech_total_is_the_sum_of_the_states(default_values):
    cells = matrix(default_values)
    states_sum = sum(value for (state, code), value in cells.items() if code == 334)
    tech = next(row for row in table_rows(default_values, "CategoryTotals") if row["Code"] == 334)
    assert tech["Exports"] == states_sum
    assert tech["Exports"] == pytest.approx(197.26e9, abs=0.01e9)
    assert tech["Category"] == "Computer & electronic products"


def test_goods_exports_and_shares_add_up(default_values, census: pd.DataFrame):
    totals = table_rows(default_values, "CategoryTotals")
    goods = named_cell(default_values, "GoodsExportsUS").value
    assert goods == census.loc[census["year"] == 2020, "value_usd"].sum()
    assert goods == sum(row["Exports"] for row in totals)
    assert sum(row["Share of US goods"] for row in totals) == pytest.approx(1.0)


def test_tech_rank_among_us_product_categories_is_computed_from_the_data(default_values,
                                                                         census: pd.DataFrame,
                                                                         categories: pd.DataFrame):
    # The press release says tech ranked third in 2020; Census's state data ranks it where it ranks it.
    products = categories.loc[categories["kind"] == "product", "naics3"]
    totals = national_totals(census, 2020)
    product_totals = totals[totals.index.isin(products)]
    expected = int(product_totals.rank(method="min", ascending=False)[334])
    assert named_cell(default_values, "TechCategoryRankUS").value == expected
    assert named_cell(default_values, "TechShareOfGoodsUS").value == pytest.approx(totals[334] / totals.sum())


def test_special_provisions_are_not_ranked_and_products_take_every_rank_once(default_values):
    totals = table_rows(default_values, "CategoryTotals")
    specials = [row for row in totals if row["Kind"] == "special"]
    products = [row for row in totals if row["Kind"] == "product"]
    assert {row["Code"] for row in specials} == {910, 930, 980, 990}
    assert all(row["Rank among products"] == "n/a" for row in specials)
    assert sorted(row["Rank among products"] for row in products) == list(range(1, len(products) + 1))
    by_rank = sorted(products, key=lambda row: row["Rank among products"])
    assert [row["Exports"] for row in by_rank] == sorted((row["Exports"] for row in products), reverse=True)


def test_rank_formula_leaves_special_provisions_out(default_formulas):
    formula = table_rows(default_formulas, "CategoryTotals")[0]["Rank among products"]
    assert formula.startswith('=IF(CategoryTotals[[#This Row],[Kind]]<>"product","n/a",1+COUNTIFS(')


def test_largest_categories_block_lists_the_ten_largest_product_categories(default_values, default_formulas,
                                                                           census: pd.DataFrame,
                                                                           categories: pd.DataFrame):
    products = categories.loc[categories["kind"] == "product", "naics3"]
    totals = national_totals(census, 2020)
    expected = totals[totals.index.isin(products)].sort_values(ascending=False).head(10)
    largest = table_rows(default_values, "LargestCategories")
    assert [row["Rank"] for row in largest] == list(range(1, 11))
    assert [row["Code"] for row in largest] == expected.index.tolist()
    assert [row["Exports"] for row in largest] == expected.tolist()
    formulas = table_rows(default_formulas, "LargestCategories")
    assert all(row["Exports"].startswith("=IF(") and "MATCH(" in row["Exports"] for row in formulas)


def test_bar_chart_of_the_largest_categories_reads_the_ranked_block(default_workbook: Path, default_formulas):
    charts = charts_of(default_workbook, SHEET)
    assert len(charts) == 1
    chart = charts[0]
    assert '<c:barDir val="bar"/>' in chart
    sheet = default_formulas[SHEET]
    min_col, min_row, max_col, max_row = range_boundaries(sheet.tables["LargestCategories"].ref)
    # Categories are the block's labels (column B), data rows only; the values are the block's
    # exports split into two series (tech, and the other categories), so tech stands out, in the
    # columns right of the matrix, shown: LibreOffice prints a chart without hidden columns' figures.
    assert chart.count(f"<c:f>{SHEET}!$B${min_row + 1}:$B${max_row}</c:f>") == 2
    series = re.findall(rf"<c:val><c:numRef><c:f>{SHEET}!\$([A-Z]+)\${min_row + 1}:\$([A-Z]+)\${max_row}</c:f>", chart)
    assert len(series) == 2 and all(first == last for first, last in series), series
    for letter, _ in series:
        assert not sheet.column_dimensions[letter].hidden and not any(
            dimension.hidden and dimension.min <= column_index_from_string(letter) <= dimension.max
            for dimension in sheet.column_dimensions.values()), letter
    # XlsxWriter leaves out plotVisOnly (visible cells only) when the chart plots hidden cells.
    assert "<c:plotVisOnly" not in chart
    # Title from the heading cell (a formula of the year); both axes titled, with units.
    assert f"<c:f>{SHEET}!$A${min_row - 1}</c:f>" in chart
    assert chart.count("<c:title>") == 3 and "U.S. dollars, billions" in chart


def test_heat_map_and_tech_column_mark_are_conditional_formats(default_workbook: Path):
    xml = sheet_xml(default_workbook, SHEET)
    assert "<colorScale>" in xml
    # The tech header's rule compares each header's code with the TechCategory input.
    assert re.search(r"<formula>[A-Z]+\$\d+=TechCategory</formula>", xml)


def test_building_for_2019_gives_the_2019_matrix(values_2019, census: pd.DataFrame, categories: pd.DataFrame):
    texas_tech_2019 = census.query("year == 2019 and state_code == 'TX' and naics3 == 334")["value_usd"].item()
    assert matrix(values_2019)[("TX", 334)] == texas_tech_2019 != TEXAS_TECH_2020
    assert named_cell(values_2019, "GoodsExportsUS").value == census.loc[census["year"] == 2019, "value_usd"].sum()
    title = values_2019[SHEET]["A1"].value
    assert title.endswith("2019")
    largest = table_rows(values_2019, "LargestCategories")
    totals = national_totals(census, 2019)
    products = categories.loc[categories["kind"] == "product", "naics3"]
    assert largest[0]["Exports"] == totals[totals.index.isin(products)].max()


@pytest.fixture(scope="module")
def without_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A build whose Census exports have no row at all for one territory (the States list still has it)."""
    folder = tmp_path_factory.mktemp("no-exports")
    data = folder / "data"
    shutil.copytree(DATA, data)
    exports = pd.read_csv(data / "census_exports.csv", keep_default_na=False)
    exports[exports["state_code"] != NO_EXPORTS_STATE].to_csv(data / "census_exports.csv", index=False)
    return NO_EXPORTS_STATE, build_workbook(folder / "snapshot.xlsx", 2020, data)


def test_a_state_with_no_census_rows_shows_zeros_and_passes_the_check(without_exports, require_libreoffice: Path,
                                                                      require_validator: Path):
    state, path = without_exports
    book = open_workbook(path, data_only=True)
    assert {value for (code, _), value in matrix(book).items() if code == state} == {0}
    # Its block is row 1 alone, which is another state's: nothing of it is summed.
    assert holds_column(book)[state][2] == 1
    result = run_cli("check", path)
    # The data is no longer the release's (the territory, at $0 in every category, counts as one where
    # tech leads), so the Checks sheet's published counts differ without a known reason; nothing else.
    found = [line for line in result.stdout.splitlines()
             if not (line.startswith("Checks!") and "without a known reason" in line)]
    assert found == [], result.stdout + result.stderr


def test_category_labels_print_in_the_house_style(default_values):
    # Census capitalises every word ("Printed Matter And Related Products, Nesoi"); the report
    # writes labels in sentence case, with Census's "nesoi" as the Notes explain it.
    labels = [row[wording("categories")["totals_columns"]["label"]] for row in table_rows(default_values, "CategoryTotals")]
    assert "Printed matter and related products, n.e.s.o.i." in labels
    assert "Goods returned (exports for Canada only)" in labels
    for label in labels:
        later_words = [word for word in label.split()[1:] if word[:1].isupper() and word != "Canada"]
        assert later_words == [] and "Nesoi" not in label, label
    notes = " ".join(str(cell.value) for row in default_values[wording("notes")["sheet"]].iter_rows() for cell in row
                     if cell.value)
    assert "n.e.s.o.i." in notes and "not elsewhere specified or indicated" in notes
