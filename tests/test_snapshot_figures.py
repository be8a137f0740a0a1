"""The figures a reader of the 2020 snapshot would check, as the default build shows them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import DATA, table_rows

LEADING_STATES_2020 = {"AZ", "CA", "CO", "FL", "ID", "MA", "MN", "NV", "NH", "NM", "OR", "TN", "VT", "VA"}


def census_2020(code: str) -> float:
    exports = pd.read_csv(DATA / "census_exports.csv")
    return float(exports.query("year == 2020 and naics3 == 334 and state_code == @code")["value_usd"].sum())


def test_the_fourteen_leading_states_are_flagged_as_leading(default_values, default_formulas):
    rows = table_rows(default_values, "StateSummary")
    assert {row["Code"] for row in rows if row["Tech leads"] == "Yes"} == LEADING_STATES_2020
    leads = [row["Tech leads"] for row in table_rows(default_formulas, "StateSummary")]
    assert all(str(formula).startswith("=IF(") for formula in leads)


@pytest.mark.parametrize(("name", "expected"), [
    ("StatesOverThreshold", 31), ("StatesTechTopThree", 29), ("StatesTechLeading", 14)])
def test_counts_of_states_come_out_of_formulas(default_values, default_formulas, name, expected):
    sheet, cell = default_formulas.defined_names[name].attr_text.split("!")
    sheet = sheet.strip("'")
    assert default_formulas[sheet][cell.replace("$", "")].value.startswith("=COUNTIF(")
    assert default_values[sheet][cell.replace("$", "")].value == expected


@pytest.mark.parametrize("code", ["TX", "CA", "OR"])
def test_states_carry_their_census_values(default_values, code):
    row = next(row for row in table_rows(default_values, "StateSummary") if row["Code"] == code)
    assert row["Tech exports"] == census_2020(code)


def test_every_published_figure_appears_on_checks_with_its_status(default_values):
    published = pd.read_csv(DATA / "published_figures.csv", keep_default_na=False)
    checks = table_rows(default_values, "PublishedChecks")
    shown = {(row["Figure"], row["Year"], row["Subject"] or ""): row for row in checks}
    for figure in published.itertuples():
        row = shown[(figure.figure, figure.year, figure.subject)]
        assert row["Published"] == pytest.approx(figure.value)
        assert row["Status"] in {"matches", "differs", "quoted", "not published"}


def test_checks_say_why_oregon_differs_and_that_the_counts_match(default_values):
    checks = {(row["Figure"], row["Subject"] or ""): row for row in table_rows(default_values, "PublishedChecks")}
    oregon = checks[("state_tech_exports", "OR")]
    assert oregon["Status"] == "differs" and "revised" in oregon["Known reason"]
    assert checks[("states_tech_leading", "")]["Status"] == "matches"
    assert checks[("states_tech_top_three", "")]["Status"] == "matches"
    assert checks[("states_tech_exports_over_1b", "")]["Status"] == "differs"
    assert checks[("state_tech_exports", "MS")]["Status"] == "matches"


def test_the_identities_hold_in_the_default_build(default_values):
    identities = table_rows(default_values, "IdentityChecks")
    assert len(identities) >= 5
    assert {row["Status"] for row in identities} == {"holds"}


def test_the_dashboard_points_at_the_sheets_below(default_values, default_formulas):
    dashboard = default_formulas["Dashboard"]
    values = default_values["Dashboard"]
    # A tile's figure sits beneath its label.
    below = {cell.value: dashboard.cell(cell.row + 1, cell.column) for row in dashboard.iter_rows(max_row=10)
             for cell in row if isinstance(cell.value, str)}
    assert below["Tech goods exports"].value == "=TechGoodsExports"
    assert values[below["Tech goods exports"].coordinate].value == pytest.approx(197.26e9, rel=1e-4)
    assert below["States where tech leads"].value == "=StatesTechLeading"


def test_the_dashboard_has_at_least_three_native_charts(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        names = archive.namelist()
        sheet_rels = archive.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
    assert sheet_rels.count("drawing") >= 1
    assert len([name for name in names if name.startswith("xl/charts/chart")]) >= 3


def test_the_default_build_is_email_ready(default_workbook: Path):
    assert default_workbook.stat().st_size < 600_000, "a few hundred KB at most"
    with zipfile.ZipFile(default_workbook) as archive:
        core = archive.read("docProps/core.xml").decode()
        parts = archive.namelist()
    # The title names the edition: the data year + 1.
    assert "<dc:title>Tech Trade Snapshot 2021</dc:title>" in core
    assert "<cp:keywords>" in core and "<dc:subject>" in core
    assert not any(part.endswith(".bin") or "externalLink" in part for part in parts)


def test_the_default_build_passes_the_schema_check_for_office_2016(default_workbook: Path, require_validator):
    from workbook.checking.validator import validate

    assert validate(default_workbook, office_version="Office2016") == []
