"""The Categories sheet: the state x category matrix, national totals and ranks, the largest categories."""

from __future__ import annotations

import posixpath
import re
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from helpers import DATA, open_workbook, run_cli

SHEET = "Categories"
TEXAS_TECH_2020 = 45_022_715_511


@pytest.fixture(scope="module")
def workbook_2019(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("categories-2019") / "snapshot-2019.xlsx"
    result = run_cli("build", "--data", DATA, "--year", 2019, "--out", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return pd.read_csv(DATA / "census_exports.csv")


@pytest.fixture(scope="module")
def categories() -> pd.DataFrame:
    return pd.read_csv(DATA / "categories.csv")


@cache
def load(path: Path, data_only: bool = True) -> openpyxl.Workbook:
    """The workbook as openpyxl reads it, once per test module: cached values, or formulas."""
    return open_workbook(path, data_only=data_only)


def matrix(path: Path, data_only: bool = True) -> dict[tuple[str, int], object]:
    """(state code, category code) -> the matrix cell (cached value or formula)."""
    sheet = load(path, data_only)[SHEET]
    rows = list(sheet.iter_rows())
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "Code" and row[1].value == "State")
    header = rows[header_index]
    cells = {}
    for row in rows[header_index + 1:]:
        if not isinstance(row[0].value, str) or len(row[0].value) != 2:
            break
        for cell, category in zip(row[2:], header[2:]):
            if isinstance(category.value, int):
                cells[(row[0].value, category.value)] = cell.value
    return cells


def matrix_header(path: Path) -> tuple[list[str], list[int], list]:
    """The matrix's state codes (in row order), category codes (in column order) and header cells."""
    sheet = load(path, False)[SHEET]
    rows = list(sheet.iter_rows())
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "Code" and row[1].value == "State")
    header_cells = [cell for cell in rows[header_index][2:] if cell.value is not None]
    states = []
    for row in rows[header_index + 1:]:
        if not isinstance(row[0].value, str) or len(row[0].value) != 2:
            break
        states.append(row[0].value)
    return states, [cell.value for cell in header_cells], header_cells


def table_rows(path: Path, table: str, data_only: bool = True) -> list[dict]:
    sheet = load(path, data_only)[SHEET]
    min_col, min_row, max_col, max_row = range_boundaries(sheet.tables[table].ref)
    rows = list(sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col,
                                values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def named_value(path: Path, name: str) -> object:
    sheet, cell = load(path, False).defined_names[name].attr_text.split("!")
    return load(path)[sheet.strip("'")][cell.replace("$", "")].value


def national_totals(census: pd.DataFrame, year: int) -> pd.Series:
    return census[census["year"] == year].groupby("naics3")["value_usd"].sum()


def test_texas_tech_cell_of_the_2020_matrix_is_the_census_figure(default_workbook: Path):
    assert matrix(default_workbook)[("TX", 334)] == TEXAS_TECH_2020


def test_every_matrix_cell_is_a_sumifs_over_the_snapshot_year(default_workbook: Path):
    formulas = matrix(default_workbook, data_only=False)
    assert len(formulas) == len(pd.read_csv(DATA / "states.csv")) * len(pd.read_csv(DATA / "categories.csv"))
    texas_tech = formulas[("TX", 334)]
    assert texas_tech.startswith("=SUMIFS(INDEX(CensusExports[[#Data]],0,MATCH((SnapshotYear)&\"\",")
    assert "CensusExports[State code]" in texas_tech and "CensusExports[NAICS3]" in texas_tech
    assert all(formula.startswith("=SUMIFS(") and "SnapshotYear" in formula for formula in formulas.values())


def test_matrix_rows_follow_the_states_sheet_and_columns_put_special_provisions_last(default_workbook: Path,
                                                                                     categories: pd.DataFrame):
    states, codes, header_cells = matrix_header(default_workbook)
    names = pd.read_csv(DATA / "states.csv").sort_values("state_name", kind="stable")
    assert states == names["state_code"].tolist()
    products = sorted(categories.loc[categories["kind"] == "product", "naics3"])
    specials = sorted(categories.loc[categories["kind"] == "special", "naics3"])
    assert codes == products + specials
    # Special provisions are marked in their header: a * after the code, a fill of their own.
    marked = [cell.value for cell in header_cells if cell.number_format.endswith('"*"')]
    assert marked == specials


def test_every_state_cell_equals_the_census_data(default_workbook: Path, census: pd.DataFrame):
    cells = matrix(default_workbook)
    expected = census[census["year"] == 2020].set_index(["state_code", "naics3"])["value_usd"]
    for key, value in cells.items():
        assert value == expected.get(key, 0), key


def test_the_national_tech_total_is_the_sum_of_the_states(default_workbook: Path):
    cells = matrix(default_workbook)
    states_sum = sum(value for (state, code), value in cells.items() if code == 334)
    tech = next(row for row in table_rows(default_workbook, "CategoryTotals") if row["Code"] == 334)
    assert tech["Exports"] == states_sum
    assert tech["Exports"] == pytest.approx(197.26e9, abs=0.01e9)
    assert tech["Category"] == "Computer & Electronic Products"


def test_goods_exports_and_shares_add_up(default_workbook: Path, census: pd.DataFrame):
    totals = table_rows(default_workbook, "CategoryTotals")
    goods = named_value(default_workbook, "GoodsExportsUS")
    assert goods == census.loc[census["year"] == 2020, "value_usd"].sum()
    assert goods == sum(row["Exports"] for row in totals)
    assert sum(row["Share of US goods"] for row in totals) == pytest.approx(1.0)


def test_tech_rank_among_us_product_categories_is_computed_from_the_data(default_workbook: Path,
                                                                         census: pd.DataFrame,
                                                                         categories: pd.DataFrame):
    # The press release says tech ranked third in 2020; Census's state data ranks it where it ranks it.
    products = categories.loc[categories["kind"] == "product", "naics3"]
    totals = national_totals(census, 2020)
    product_totals = totals[totals.index.isin(products)]
    expected = int(product_totals.rank(method="min", ascending=False)[334])
    assert named_value(default_workbook, "TechCategoryRankUS") == expected
    assert named_value(default_workbook, "TechShareOfGoodsUS") == pytest.approx(totals[334] / totals.sum())


def test_special_provisions_are_not_ranked_and_products_take_every_rank_once(default_workbook: Path):
    totals = table_rows(default_workbook, "CategoryTotals")
    specials = [row for row in totals if row["Kind"] == "special"]
    products = [row for row in totals if row["Kind"] == "product"]
    assert {row["Code"] for row in specials} == {910, 930, 980, 990}
    assert all(row["Rank among products"] == "n/a" for row in specials)
    assert sorted(row["Rank among products"] for row in products) == list(range(1, len(products) + 1))
    by_rank = sorted(products, key=lambda row: row["Rank among products"])
    assert [row["Exports"] for row in by_rank] == sorted((row["Exports"] for row in products), reverse=True)


def test_rank_formula_leaves_special_provisions_out(default_workbook: Path):
    formula = table_rows(default_workbook, "CategoryTotals", data_only=False)[0]["Rank among products"]
    assert formula.startswith('=IF(CategoryTotals[[#This Row],[Kind]]<>"product","n/a",1+COUNTIFS(')


def test_largest_categories_block_lists_the_ten_largest_product_categories(default_workbook: Path,
                                                                           census: pd.DataFrame,
                                                                           categories: pd.DataFrame):
    products = categories.loc[categories["kind"] == "product", "naics3"]
    totals = national_totals(census, 2020)
    expected = totals[totals.index.isin(products)].sort_values(ascending=False).head(10)
    largest = table_rows(default_workbook, "LargestCategories")
    assert [row["Rank"] for row in largest] == list(range(1, 11))
    assert [row["Code"] for row in largest] == expected.index.tolist()
    assert [row["Exports"] for row in largest] == expected.tolist()
    formulas = table_rows(default_workbook, "LargestCategories", data_only=False)
    assert all(row["Exports"].startswith("=IF(") and "MATCH(" in row["Exports"] for row in formulas)


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The path of a sheet's XML part inside the workbook zip."""
    workbook = archive.read("xl/workbook.xml").decode()
    rel_id = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(rf'Id="{rel_id}" Type="[^"]+" Target="([^"]+)"', rels).group(1)
    return posixpath.join("xl", target)


def related(archive: zipfile.ZipFile, part: str, kind: str) -> list[str]:
    """The parts that ``part`` links to with a relationship of ``kind`` (drawing, chart, ...)."""
    folder, name = posixpath.split(part)
    rels = archive.read(posixpath.join(folder, "_rels", name + ".rels")).decode()
    targets = re.findall(rf'Type="[^"]+/{kind}" Target="([^"]+)"', rels)
    return [posixpath.normpath(posixpath.join(folder, target)) for target in targets]


def charts_of(path: Path, sheet: str) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        part = sheet_part(archive, sheet)
        return [archive.read(chart).decode()
                for drawing in related(archive, part, "drawing")
                for chart in related(archive, drawing, "chart")]


def test_bar_chart_of_the_largest_categories_reads_the_ranked_block(default_workbook: Path):
    charts = charts_of(default_workbook, SHEET)
    assert len(charts) == 1
    chart = charts[0]
    assert '<c:barDir val="bar"/>' in chart
    sheet = load(default_workbook, False)[SHEET]
    min_col, min_row, max_col, max_row = range_boundaries(sheet.tables["LargestCategories"].ref)
    # Categories are the block's labels (column B), values its exports (column D), data rows only.
    assert f"<c:f>{SHEET}!$B${min_row + 1}:$B${max_row}</c:f>" in chart
    assert f"<c:f>{SHEET}!$D${min_row + 1}:$D${max_row}</c:f>" in chart
    # Title from the heading cell (a formula of the year); both axes titled, with units.
    assert f"<c:f>{SHEET}!$A${min_row - 1}</c:f>" in chart
    assert chart.count("<c:title>") == 3 and "U.S. dollars, billions" in chart


def test_heat_map_and_tech_column_mark_are_conditional_formats(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        xml = archive.read(sheet_part(archive, SHEET)).decode()
    assert "<colorScale>" in xml
    # The tech header's rule compares each header's code with the TechCategory input.
    assert re.search(r"<formula>[A-Z]+\$\d+=TechCategory</formula>", xml)


def test_building_for_2019_gives_the_2019_matrix(workbook_2019: Path, census: pd.DataFrame,
                                                categories: pd.DataFrame):
    texas_tech_2019 = census.query("year == 2019 and state_code == 'TX' and naics3 == 334")["value_usd"].item()
    assert matrix(workbook_2019)[("TX", 334)] == texas_tech_2019 != TEXAS_TECH_2020
    assert named_value(workbook_2019, "GoodsExportsUS") == census.loc[census["year"] == 2019, "value_usd"].sum()
    title = load(workbook_2019)[SHEET]["A1"].value
    assert title.endswith("2019")
    largest = table_rows(workbook_2019, "LargestCategories")
    totals = national_totals(census, 2019)
    products = categories.loc[categories["kind"] == "product", "naics3"]
    assert largest[0]["Exports"] == totals[totals.index.isin(products)].max()
