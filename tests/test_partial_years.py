"""A partial year taken in with ``import-census --partial-years`` ("2026 through January") is kept as such in
the data folder (partial_years.csv), said on the Notes where the workbook cites its sources, and carried back
by ``extract``; its column is still headed by the year alone, as every year column (a published interface)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from census_responses import state_response, write_state_responses
from helpers import DATA, open_workbook, run_cli
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


def test_the_notes_say_which_year_is_partial_and_extract_carries_it_back(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "partial_years.csv").write_text("year,through_month\n2025,January\n")
    built = run_cli("build", "--data", data, "--out", tmp_path / "snapshot.xlsx")
    assert built.returncode == 0, built.stderr

    book = open_workbook(tmp_path / "snapshot.xlsx")
    notes = book["Notes"]
    texts = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row and len(row) > 1}
    assert texts["Partial years"].startswith("2025: January only. ")
    assert any(str(value).endswith(" Partial years, year to date and not whole years: 2025: January only "
                                   "(Notes: Sources).") for row in book["Cover"].iter_rows(values_only=True)
               for value in row)
    trend = book["Trend"]
    assert "Partial years, year to date and not whole years: 2025: January only (Notes: Sources)." in {
        row[0] for row in trend.iter_rows(values_only=True) if row}

    extracted = run_cli("extract", tmp_path / "snapshot.xlsx", "--out", tmp_path / "taken")
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
