"""A partial year taken in with ``import-census --partial-years`` ("2026 through January") is kept as such in
the data folder (partial_years.csv), said on the Notes where the workbook cites its sources, and carried back
by ``extract``; its column is still headed by the year alone, as every year column (a published interface)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from census_responses import state_response, write_state_responses
from helpers import DATA, charts_of, open_workbook, run_cli
from workbook.commands.cli import main
from workbook.errors import EXIT_OK


def test_the_partial_year_taken_in_is_listed_and_a_later_import_of_whole_years_removes_the_list(tmp_path: Path,
                                                                                                 capsys):
    responses = write_state_responses(tmp_path / "responses", years=[2024])
    year_to_date = []
    for flow in ("exports", "imports"):
        year_to_date.append(tmp_path / "responses" / f"{flow}-statenaics-2025-03.json")
        year_to_date[-1].write_bytes(state_response(flow, 2025, month=3))
    data = tmp_path / "data"
    assert main(["import-census", *map(str, responses), *map(str, year_to_date), "--partial-years",
                 "--data", str(data)]) == EXIT_OK
    assert f"wrote {data / 'partial_years.csv'}" in capsys.readouterr().out.splitlines()
    assert (data / "partial_years.csv").read_text() == "year,through_month\n2025,March\n"

    assert main(["import-census", *map(str, responses), "--data", str(data)]) == EXIT_OK
    assert not (data / "partial_years.csv").exists()


@pytest.fixture(scope="module")
def partial_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data with 2025 taken as January only, built."""
    folder = tmp_path_factory.mktemp("partial")
    data = folder / "data"
    shutil.copytree(DATA, data)
    (data / "partial_years.csv").write_text("year,through_month\n2025,January\n")
    built = run_cli("build", "--data", data, "--out", folder / "snapshot.xlsx")
    assert built.returncode == 0, built.stderr
    return folder / "snapshot.xlsx"


def test_the_notes_say_which_year_is_partial_and_extract_carries_it_back(tmp_path: Path, partial_build: Path):
    book = open_workbook(partial_build)
    notes = book["Notes"]
    texts = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row and len(row) > 1}
    assert texts["Partial years"].startswith("2025: January only. ")
    assert texts["Partial years"].endswith(" The Year list, the Trend's U.S. table and its chart show such a year "
                                           "marked, as 2025*.")
    assert any(str(value).endswith(" Partial years, year to date and not whole years: 2025: January only "
                                   "(Notes: Sources).") for row in book["Cover"].iter_rows(values_only=True)
               for value in row)
    trend = book["Trend"]
    assert "* Partial years, year to date and not whole years: 2025: January only (Notes: Sources)." in {
        row[0] for row in trend.iter_rows(values_only=True) if row}

    extracted = run_cli("extract", partial_build, "--out", tmp_path / "taken")
    assert extracted.returncode == 0, extracted.stderr
    assert pd.read_csv(tmp_path / "taken" / "partial_years.csv").to_dict("records") == [
        {"year": 2025, "through_month": "January"}]


def test_a_partial_year_the_census_files_do_not_hold_is_refused_in_one_line(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "partial_years.csv").write_text("year,through_month\n2031,January\n")
    built = run_cli("build", "--data", data, "--out", tmp_path / "snapshot.xlsx")
    assert built.returncode == 2
    assert built.stderr.count("\n") == 1 and "partial_years.csv" in built.stderr and "2031" in built.stderr
    assert not (tmp_path / "snapshot.xlsx").exists()


def _years_shown(sheet, first_row: int) -> dict[object, str]:
    """Each year in column A from ``first_row`` down, with its number format."""
    shown = {}
    for (cell,) in sheet.iter_rows(min_row=first_row, max_col=1):
        if cell.value is None:
            break
        shown[cell.value] = cell.number_format
    return shown


def test_the_year_list_the_trend_table_and_its_chart_mark_the_partial_year_which_stays_a_number(partial_build: Path):
    book = open_workbook(partial_build)
    # The Year list, which the Cover's snapshot year is picked from: 2025 is still the number 2025, shown "2025*".
    years = _years_shown(book["Year list"], 5)
    assert years[2025] == '0"*"' and years[2024] == "0" and set(map(type, years)) == {int}
    assert book["Year list"]["A2"].value.startswith("The years the snapshot year can be set to. * Partial year")
    # The Trend's U.S. table, which the chart reads.
    assert _years_shown(book["Trend"], 6) == {year: '0"*"' if year == 2025 else "0" for year in range(2016, 2026)}

    chart = next(xml for xml in charts_of(partial_build, "Trend") if "U.S. tech exports by year" in xml)
    categories = re.search(r"<c:cat>(.*?)</c:cat>", chart, flags=re.S)
    assert categories is not None
    assert re.findall(r"<c:v>([^<]*)</c:v>", categories[1]) == [*map(str, range(2016, 2025)), "2025*"]
    assert "<a:t>Year (* partial year, year to date)</a:t>" in chart
    # The labels are the formulas beside the table, which follow its years.
    label_range = re.search(r"<c:f>([^<]*)</c:f>", categories[1])
    assert label_range is not None
    sheet, cells = label_range[1].split("!")
    first = cells.split(":")[0].replace("$", "")
    assert book[sheet][first].value == '=IF(A6=2025,"2025*",A6&"")'


def test_the_default_build_marks_no_year(default_formulas):
    assert set(_years_shown(default_formulas["Year list"], 5).values()) == {"0"}
    assert set(_years_shown(default_formulas["Trend"], 6).values()) == {"0"}


def test_the_build_with_a_partial_year_recalculates_in_ironcalc_to_its_cached_values(partial_build: Path):
    from test_excel_rules_engine import ironcalc_disagreements

    count, differences = ironcalc_disagreements(partial_build)
    assert count > 6_000
    assert differences == []


@pytest.mark.libreoffice
@pytest.mark.validator
def test_the_build_with_a_partial_year_passes_check(partial_build: Path):
    from workbook.checking.check import check_workbook

    assert check_workbook(partial_build) == []
