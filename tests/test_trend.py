"""The Trend sheet: tech exports by state for every year, U.S. totals and change, sparklines and a line chart."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl.utils.cell import get_column_letter, range_boundaries

from helpers import (DATA, charts_of, folded_away, named_cell, open_workbook, sheet_xml,
                     table_rows, table_sheet)
from workbook.templates_loader import wording

SHEET = "Trend"
#: U.S. tech exports (NAICS 334, sum of states) by year, in $ billions, from the Census data.
US_TECH_BILLIONS = {2016: 199.71, 2017: 206.06, 2018: 211.41, 2019: 209.26, 2020: 197.26,
                    2021: 220.32, 2022: 231.54, 2023: 228.43, 2024: 257.53, 2025: 298.87}


@pytest.fixture(scope="module")
def values_2025(workbook_of_year):
    """The cached values of the build for 2025."""
    return open_workbook(workbook_of_year(2025), data_only=True)


@pytest.fixture(scope="module")
def tech_census() -> pd.DataFrame:
    census = pd.read_csv(DATA / "census_exports.csv")
    return census[census["naics3"] == 334]


def table_ref(book, table: str) -> tuple[int, int, int, int]:
    return range_boundaries(table_sheet(book, table).tables[table].ref)


def test_us_total_of_each_year_is_the_census_sum(default_values, tech_census: pd.DataFrame):
    us = {row["Year"]: row["Tech exports"] for row in table_rows(default_values, "TechTrendUS")}
    assert list(us) == sorted(tech_census["year"].unique())
    sums = tech_census.groupby("year")["value_usd"].sum()
    for year, billions in US_TECH_BILLIONS.items():
        assert us[year] == sums[year]
        assert us[year] == pytest.approx(billions * 1e9, abs=0.01e9)


def test_year_on_year_change_of_the_us_total(default_values):
    us = {row["Year"]: row for row in table_rows(default_values, "TechTrendUS")}
    # The first year of the data has no year before it: its change is blank, not 0.
    assert us[2016]["Tech exports previous year"] is None and us[2016]["Change"] is None
    assert us[2016]["Change percent"] is None
    change = us[2020]["Tech exports"] - us[2019]["Tech exports"]
    assert us[2020]["Change"] == pytest.approx(change)
    assert us[2020]["Change"] == pytest.approx(-12.0e9, abs=0.01e9)
    assert us[2020]["Change percent"] == pytest.approx(change / us[2019]["Tech exports"])
    assert us[2025]["Change percent"] == pytest.approx(298.87 / 257.53 - 1, abs=1e-4)


def test_us_figures_are_sumifs_over_each_years_column_for_the_tech_category(default_formulas):
    formulas = table_rows(default_formulas, "TechTrendUS")[0]
    # The year's column found by its header over the table's span, a form every engine reads.
    assert formulas["Tech exports"] == ('=IF(ISNUMBER(MATCH((TechTrendUS[[#This Row],[Year]])&"",'
                                        'CensusExports[[#Headers],[State code]:[2025]],0)),'
                                        'SUMIFS(INDEX(CensusExports[[State code]:[2025]],0,'
                                        'MATCH((TechTrendUS[[#This Row],[Year]])&"",'
                                        'CensusExports[[#Headers],[State code]:[2025]],0)),'
                                        'CensusExports[NAICS3],TechCategory),0)')


def test_every_state_and_year_equals_the_census_data(default_values, tech_census: pd.DataFrame):
    rows = table_rows(default_values, "TechTrend")
    states = pd.read_csv(DATA / "states.csv").sort_values("state_name", kind="stable")
    assert [row["Code"] for row in rows] == states["state_code"].tolist()
    expected = tech_census.set_index(["state_code", "year"])["value_usd"]
    years = sorted(tech_census["year"].unique())
    for row in rows:
        assert [row[str(year)] for year in years] == [expected.get((row["Code"], year), 0) for year in years]
    texas = next(row for row in rows if row["Code"] == "TX")
    assert texas["2020"] == 45_022_715_511 and texas["State"] == "Texas"


def test_state_figures_read_the_states_tech_row_of_that_years_census_column(default_formulas):
    texas = next(row for row in table_rows(default_formulas, "TechTrend") if row["Code"] == "TX")
    rows, row = "TechTrend[[#This Row],[Tech rows]]", "TechTrend[[#This Row],[Tech row]]"
    assert texas["2016"] == (f"=IF({rows}=1,N(INDEX(CensusExports[2016],{row})),IF({rows}=0,0,"
                             "SUMIFS(CensusExports[2016],CensusExports[State code],TechTrend[[#This Row],[Code]],"
                             "CensusExports[NAICS3],TechCategory)))")
    assert "INDEX(CensusExports[2025]," in texas["2025"]


def test_helper_columns_find_each_states_tech_row_and_are_folded_away(default_values, default_formulas):
    codes = [(row["State code"], row["NAICS3"]) for row in table_rows(default_values, "CensusExports")]
    words = wording("state_rows")
    for row in table_rows(default_values, "TechTrend"):
        position = codes.index((row["Code"], 334)) + 1 if (row["Code"], 334) in codes else 0
        assert (row[words["rows"]], row[words["row"]]) == (int(position > 0), position), row["Code"]
    cells = table_rows(default_formulas, "TechTrend", cells=True)[0]
    sheet = default_formulas[SHEET]
    assert all(folded_away(sheet, cells[words[key]].column_letter) for key in ("rows", "row"))
    assert not any(folded_away(sheet, cells[str(year)].column_letter) for year in US_TECH_BILLIONS)


def test_a_sparkline_per_state_over_its_year_cells(default_workbook: Path, default_values, default_formulas):
    xml = sheet_xml(default_workbook, SHEET)
    assert "<x14:sparklineGroup" in xml
    min_col, min_row, max_col, max_row = table_ref(default_formulas, "TechTrend")
    sparklines = dict(re.findall(r"<x14:sparkline><xm:f>([^<]+)</xm:f><xm:sqref>([^<]+)</xm:sqref>", xml))
    states = len(pd.read_csv(DATA / "states.csv"))
    assert len(sparklines) == states
    # Texas's row: the sparkline beside the table (past its folded helper columns) draws the
    # row's year cells, C to the last year column.
    texas_row = min_row + 1 + [row["Code"] for row in table_rows(default_values, "TechTrend")].index("TX")
    assert sparklines[f"{SHEET}!C{texas_row}:L{texas_row}"] == f"{get_column_letter(max_col + 1)}{texas_row}"
    # Columns, the largest year marked: LibreOffice prints a line sparkline's markers but not its line.
    assert re.search(r'<x14:sparklineGroup[^>]*\btype="column"[^>]*\bhigh="1"', xml)


def test_the_page_ends_at_the_last_year_and_leaves_the_sparklines_to_the_workbook(default_formulas):
    # LibreOffice prints sparklines off their rows, each over other states: a printed page must not hold them.
    sheet = default_formulas[SHEET]
    min_col, min_row, max_col, max_row = table_ref(default_formulas, "TechTrend")
    last_year_col = min_col + 1 + len(US_TECH_BILLIONS)
    assert range_boundaries(sheet.print_area.replace("$", "").split("!")[-1])[2] == last_year_col
    assert max_col + 1 > last_year_col  # the sparklines' column, past the helper columns


def test_the_sparklines_header_is_set_off_from_the_last_years(default_formulas):
    min_col, min_row, max_col, max_row = table_ref(default_formulas, "TechTrend")
    header = default_formulas[SHEET].cell(min_row, max_col + 1)
    assert header.value == wording("trend")["sparkline_header"]
    assert header.alignment.indent >= 1


def test_line_chart_of_the_us_total_by_year(default_workbook: Path, default_formulas):
    charts = charts_of(default_workbook, SHEET)
    assert len(charts) == 1
    chart = charts[0]
    assert "<c:lineChart>" in chart
    min_col, min_row, max_col, max_row = table_ref(default_formulas, "TechTrendUS")
    assert f"<c:f>{SHEET}!$A${min_row + 1}:$A${max_row}</c:f>" in chart  # years
    assert f"<c:f>{SHEET}!$B${min_row + 1}:$B${max_row}</c:f>" in chart  # U.S. totals
    assert chart.count("<c:title>") == 3
    assert "Year" in chart and "$ billions" in chart


def test_snapshot_year_is_highlighted_by_a_rule_that_follows_the_year_input(default_workbook: Path):
    xml = sheet_xml(default_workbook, SHEET)
    rules = re.findall(r"<formula>([^<]*SnapshotYear[^<]*)</formula>", xml)
    # The state table's year header and its cells; the U.S. table's row.
    assert len(rules) == 3
    assert any(re.fullmatch(r'C\$\d+=SnapshotYear&amp;""', rule) for rule in rules)


def test_trend_figures_do_not_depend_on_the_snapshot_year(default_values, values_2025):
    assert table_rows(values_2025, "TechTrend") == table_rows(default_values, "TechTrend")
    assert table_rows(values_2025, "TechTrendUS") == table_rows(default_values, "TechTrendUS")
    title = values_2025[SHEET]["A1"].value
    assert title == "Tech exports by state and year, 2016–2025"


def test_first_and_last_year_names(default_values):
    def named(name: str):
        return named_cell(default_values, name).value

    assert named("TechExportsUSFirstYear") == pytest.approx(199.71e9, abs=0.01e9)
    assert named("TechExportsUSLastYear") == pytest.approx(298.87e9, abs=0.01e9)
