"""The Balance sheet: tech goods trade from Census, tech services trade derived from the
published totals with its arithmetic visible, totals, balances and a chart, following
the snapshot year."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import DATA, named_cell, open_workbook
from workbook.checking.check import ERROR_VALUES
from workbook.templates_loader import wording

WORDS = wording("balance")
NOT_PUBLISHED = wording("published")["not_published"]
SHEET = WORDS["sheet"]

PUBLISHED_TOTAL_IMPORTS = 475e9
PUBLISHED_TOTAL_BALANCE = -140e9
PUBLISHED_SERVICES_BALANCE = 55e9
GOODS_EXPORTS_2020 = 197.26e9
GOODS_IMPORTS_2020 = 392.15e9

NAMES = ("TechGoodsExports", "TechGoodsImports", "TechGoodsBalance",
         "TechServicesExports", "TechServicesImports", "TechServicesBalance",
         "TechTotalExports", "TechTotalImports", "TechTotalBalance")


def step(workbook: openpyxl.Workbook, key: str):
    """The value cell of a step of the derivation, found by its label."""
    label = WORDS["derivation_rows"][key]
    sheet = workbook[SHEET]
    rows = [row for row in sheet.iter_rows(max_col=1) if row[0].value == label]
    assert len(rows) == 1, f"{label!r}: {len(rows)} rows"
    return sheet.cell(row=rows[0][0].row, column=2)


def census_tech_total(filename: str, year: int) -> float:
    trade = pd.read_csv(DATA / filename)
    return float(trade.loc[(trade["year"] == year) & (trade["naics3"] == 334), "value_usd"].sum())


# --- goods, from Census -------------------------------------------------------------------------


def test_tech_goods_exports_and_imports_2020_are_the_sums_over_states(default_values):
    assert named_cell(default_values, "TechGoodsExports").value == pytest.approx(GOODS_EXPORTS_2020, abs=0.005e9)
    assert named_cell(default_values, "TechGoodsImports").value == pytest.approx(GOODS_IMPORTS_2020, abs=0.005e9)
    assert named_cell(default_values, "TechGoodsExports").value == pytest.approx(
        census_tech_total("census_exports.csv", 2020))
    assert named_cell(default_values, "TechGoodsImports").value == pytest.approx(
        census_tech_total("census_imports.csv", 2020))


def test_tech_goods_are_sumifs_of_the_tech_category_in_the_snapshot_years_column(default_formulas):
    for name, table in (("TechGoodsExports", "CensusExports"), ("TechGoodsImports", "CensusImports")):
        formula = named_cell(default_formulas, name).value
        assert formula.startswith("=")
        assert "SUMIFS(" in formula and f"{table}[[State code]:[2025]]" in formula
        assert "TechCategory" in formula and "SnapshotYear" in formula


def test_the_goods_balance_is_exports_minus_imports(default_values):
    assert named_cell(default_values, "TechGoodsBalance").value == pytest.approx(
        named_cell(default_values, "TechGoodsExports").value - named_cell(default_values, "TechGoodsImports").value)


def test_the_sheet_notes_that_trade_not_assigned_to_a_state_is_left_out_and_cites_n2(default_values):
    text = " ".join(str(cell.value) for row in default_values[SHEET].iter_rows() for cell in row if cell.value)
    assert "N2" in text
    assert "not assigned to a state" in text or "could not assign to a state" in text
    definitions = {note["id"] for note in wording("notes")["definitions"]}
    assert "N2" in definitions


# --- services, derived from the published totals --------------------------------------------------


def test_services_are_derived_from_the_published_totals_as_cached_values(default_values):
    goods_exports = named_cell(default_values, "TechGoodsExports").value
    goods_imports = named_cell(default_values, "TechGoodsImports").value
    services_exports = PUBLISHED_TOTAL_IMPORTS + PUBLISHED_TOTAL_BALANCE - goods_exports
    services_imports = PUBLISHED_TOTAL_IMPORTS - goods_imports
    assert named_cell(default_values, "TechServicesExports").value == pytest.approx(services_exports)
    assert named_cell(default_values, "TechServicesImports").value == pytest.approx(services_imports)
    assert named_cell(default_values, "TechServicesBalance").value == pytest.approx(services_exports - services_imports)
    # The derivation lands within $1 billion of the published $55 billion surplus.
    assert named_cell(default_values, "TechServicesBalance").value == pytest.approx(PUBLISHED_SERVICES_BALANCE, abs=1e9)


def test_totals_are_the_published_totals(default_values):
    assert named_cell(default_values, "TechTotalExports").value == pytest.approx(
        PUBLISHED_TOTAL_IMPORTS + PUBLISHED_TOTAL_BALANCE)
    assert named_cell(default_values, "TechTotalImports").value == pytest.approx(PUBLISHED_TOTAL_IMPORTS)
    assert named_cell(default_values, "TechTotalBalance").value == pytest.approx(PUBLISHED_TOTAL_BALANCE)


def test_the_published_services_balance_is_shown_next_to_the_derived_one(default_values):
    derived = named_cell(default_values, "TechServicesBalance")
    beside = default_values[SHEET].cell(row=derived.row, column=derived.column + 1)
    assert beside.value == pytest.approx(PUBLISHED_SERVICES_BALANCE)
    assert step(default_values, "published_services_balance").value == pytest.approx(PUBLISHED_SERVICES_BALANCE)
    assert step(default_values, "services_balance_difference").value == pytest.approx(
        derived.value - PUBLISHED_SERVICES_BALANCE)


def test_published_figures_are_looked_up_live_by_figure_and_snapshot_year(default_formulas):
    for key, figure in (("published_total_imports", "tech_imports"),
                        ("published_total_balance", "tech_trade_balance"),
                        ("published_services_balance", "tech_services_trade_balance")):
        formula = step(default_formulas, key).value
        assert f'"{figure}"' in formula
        assert "SUMIFS(PublishedFigures[Value]" in formula
        assert "COUNTIFS(" in formula and "PublishedFigures[Year],SnapshotYear" in formula
        assert f'"{NOT_PUBLISHED}"' in formula


@pytest.mark.parametrize(("key", "combines"), [
    ("derived_total_exports", ("published_total_imports", "published_total_balance")),
    ("services_imports", ("published_total_imports", "goods_imports")),
    ("services_exports", ("derived_total_exports", "goods_exports")),
    ("services_balance", ("services_exports", "services_imports")),
    ("services_balance_difference", ("services_balance", "published_services_balance")),
])
def test_each_derived_step_is_a_formula_over_the_cells_it_combines(default_formulas, key, combines):
    formula = step(default_formulas, key).value
    for other in combines:
        assert step(default_formulas, other).coordinate in formula, f"{key} does not reference {other}"


def test_derived_rows_are_labelled_derived_and_state_their_arithmetic(default_values):
    sheet = default_values[SHEET]
    for key in ("derived_total_exports", "services_imports", "services_exports", "services_balance"):
        label = WORDS["derivation_rows"][key]
        assert "derived" in label
        cell = step(default_values, key)
        arithmetic = sheet.cell(row=cell.row, column=cell.column + 1).value
        assert arithmetic == WORDS["derivation_how"][key]
        assert "−" in arithmetic or "+" in arithmetic, f"{key}: the arithmetic is not stated"
    assert "derived" in WORDS["summary_rows"]["services"]


def test_the_services_summary_points_at_the_derivation(default_formulas):
    assert named_cell(default_formulas, "TechServicesExports").value == (
        f"={step(default_formulas, 'services_exports').coordinate}")
    assert named_cell(default_formulas, "TechServicesImports").value == (
        f"={step(default_formulas, 'services_imports').coordinate}")


def test_the_title_follows_the_snapshot_year(default_values, default_formulas, values_2019):
    assert default_values[SHEET]["A1"].value == WORDS["title"].format(year=2020)
    assert "SnapshotYear" in default_formulas[SHEET]["A1"].value
    assert values_2019[SHEET]["A1"].value == WORDS["title"].format(year=2019)


# --- a year the release does not cover ----------------------------------------------------------------


def test_for_2019_goods_follow_the_year_and_derived_figures_are_not_published(values_2019):
    assert named_cell(values_2019, "TechGoodsExports").value == pytest.approx(
        census_tech_total("census_exports.csv", 2019))
    assert named_cell(values_2019, "TechGoodsImports").value == pytest.approx(
        census_tech_total("census_imports.csv", 2019))
    for name in NAMES[3:]:
        assert named_cell(values_2019, name).value == NOT_PUBLISHED, name
    for key in ("published_total_imports", "derived_total_exports", "services_balance", "services_balance_difference"):
        assert step(values_2019, key).value == NOT_PUBLISHED, key


def test_no_cell_of_the_sheet_is_an_error_in_2019(values_2019, workbook_2019: Path):
    # The chart's helper cells give #N/A on purpose where a figure is not published (a gap,
    # not a zero bar): their formulas call NA(). No other cell may be an error.
    formulas = open_workbook(workbook_2019)[SHEET]
    errors = [cell.coordinate for row in values_2019[SHEET].iter_rows() for cell in row
              if cell.value in ERROR_VALUES and "NA()" not in str(formulas[cell.coordinate].value)]
    assert errors == []


# The 2019 build passes the check in LibreOffice: tests/test_partners.py checks each other year's build.


# --- names and chart ----------------------------------------------------------------------------------


def test_every_figure_has_its_defined_name_on_the_balance_sheet(default_values):
    for name in NAMES:
        assert default_values.defined_names[name].attr_text.startswith(f"{SHEET}!"), name
        assert named_cell(default_values, name).value is not None


def test_a_clustered_column_chart_shows_exports_imports_and_balance(default_formulas):
    sheet = default_formulas[SHEET]
    charts = sheet._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart" and chart.type == "col" and chart.grouping == "clustered"
    assert chart.title.tx.strRef.f == f"{SHEET}!$A$1", "the chart's title is the sheet's title, which follows the year"
    assert chart.x_axis.title.tx.rich.p[0].r[0].t == WORDS["chart_x_axis"]
    assert chart.y_axis.title.tx.rich.p[0].r[0].t == WORDS["chart_y_axis"]
    assert "billions" in WORDS["chart_y_axis"]
    first = named_cell(default_formulas, "TechGoodsExports").row
    last = named_cell(default_formulas, "TechTotalExports").row
    # The series read the chart's helper columns beside the table, which give gaps for unpublished figures.
    expected = [f"{SHEET}!${column}${first}:${column}${last}" for column in "HIJ"]
    assert [series.val.numRef.f for series in chart.series] == expected


def test_the_chart_sits_below_every_cell_with_content_on_a_page_it_is_never_cut_across(default_formulas):
    sheet = default_formulas[SHEET]
    anchor = sheet._charts[0].anchor
    # Anchors count rows from 0, openpyxl's cells from 1.
    top, bottom = anchor._from.row + 1, anchor.to.row + 1
    last_content = max(cell.row for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert last_content < top
    last_printed = int(sheet.print_area.rsplit("$", 1)[1])
    assert bottom <= last_printed
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # Two pages, one page wide: the chart's page starts at a break above it, and ends with the sheet.
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert breaks and max(breaks) < top, "a page break above the chart, so that it is never cut across pages"
