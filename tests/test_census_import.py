"""``tech-trade import-census``: Census files as Census serves them, each recognised by its content.

The acceptance: the two genuine USA Trade Online downloads read as the tidy partner tables
made from them (every row, every value), and International Trade API responses made from
the shared state tables import to the very files of data/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from census_responses import (PARTNER_FILES, STATE_FILES, USA_TRADE_ONLINE, as_api_writes_it, partner_response,
                              shared_table, state_response, write_state_responses)
from helpers import DATA, run_cli
from workbook.commands.cli import main
from workbook.errors import EXIT_OK, EXIT_USAGE_OR_INPUT, InputError
from workbook.dataset.importers.census import read_census_file
from workbook.dataset.importers.census_tables import PARTNER, STATE
from workbook.dataset.importers.usa_trade_online import read_usa_trade_online

STATE_DATA_FILES = ("states.csv", "categories.csv", "census_exports.csv", "census_imports.csv")


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.astype(object).to_numpy().tolist()]


def import_census(capsys, *args: object) -> tuple[int, str, str]:
    status = main(["import-census", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_same_state_files(data: Path) -> None:
    for name in STATE_DATA_FILES:
        assert (data / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.parametrize("flow", ["exports", "imports"])
def test_a_usa_trade_online_download_reads_as_the_tidy_partner_table_made_from_it(flow: str):
    table = read_usa_trade_online(USA_TRADE_ONLINE[flow])
    assert (table.flow, table.level) == (flow, PARTNER)
    tidy = shared_table(PARTNER_FILES[flow])
    assert list(table.frame.columns) == list(tidy.columns)
    assert rows(table.frame) == rows(tidy)
    # The partial year is set apart, not mixed in.
    assert table.partial == {2026: "2026 through January"} and 2026 not in set(table.frame["year"])


def test_the_download_is_recognised_by_its_content_not_its_name(tmp_path: Path):
    renamed = tmp_path / "whatever.txt"
    shutil.copyfile(USA_TRADE_ONLINE["imports"], renamed)
    table = read_census_file(renamed)
    assert (table.flow, table.level, table.layout) == ("imports", PARTNER, "a USA Trade Online download")


def test_api_responses_made_from_the_shared_state_tables_import_to_the_files_of_data(tmp_path: Path, capsys):
    responses = write_state_responses(tmp_path / "responses")
    status, out, err = import_census(capsys, *reversed(responses), "--data", tmp_path / "data")
    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines() == [f"wrote {tmp_path / 'data' / name}" for name in STATE_DATA_FILES]
    assert_same_state_files(tmp_path / "data")


def test_the_tidy_tables_import_as_files_or_with_exports_and_imports(tmp_path: Path, capsys):
    status, _, err = import_census(capsys, STATE_FILES["imports"], STATE_FILES["exports"], "--data", tmp_path / "a")
    assert (status, err) == (EXIT_OK, "")
    assert_same_state_files(tmp_path / "a")
    status, _, err = import_census(capsys, "--exports", STATE_FILES["exports"], "--imports", STATE_FILES["imports"],
                                   "--data", tmp_path / "b")
    assert (status, err) == (EXIT_OK, "")
    assert_same_state_files(tmp_path / "b")


def test_files_of_different_layouts_go_together(tmp_path: Path, capsys):
    """The exports as a tidy table, the imports as API responses: one import."""
    responses = [path for path in write_state_responses(tmp_path / "responses") if path.name.startswith("imports")]
    status, _, err = import_census(capsys, STATE_FILES["exports"], *responses, "--data", tmp_path / "data")
    assert (status, err) == (EXIT_OK, "")
    assert_same_state_files(tmp_path / "data")


def test_a_partial_year_is_left_out_with_one_line_unless_asked_for(tmp_path: Path, capsys):
    responses = write_state_responses(tmp_path / "responses", years=[2024])
    year_to_date = {}
    for flow in ("exports", "imports"):
        # 2025 through March, as the API answers time=2025-03.
        year_to_date[flow] = tmp_path / "responses" / f"{flow}-statenaics-2025-03.json"
        year_to_date[flow].write_bytes(state_response(flow, 2025, month=3))
    status, _, err = import_census(capsys, *responses, *year_to_date.values(), "--data", tmp_path / "data")
    assert status == EXIT_OK
    assert err.splitlines() == [
        f"tech-trade: note: left out 2025 through March, a partial year, from {year_to_date[flow]} "
        "(--partial-years takes it in)" for flow in ("exports", "imports")]
    assert set(pd.read_csv(tmp_path / "data" / "census_exports.csv")["year"]) == {2024}

    status, _, err = import_census(capsys, *responses, *year_to_date.values(), "--partial-years",
                                   "--data", tmp_path / "with")
    assert status == EXIT_OK
    assert err.splitlines() == [f"tech-trade: note: took in 2025 through March as 2025, a partial year, from "
                                f"{year_to_date[flow]}" for flow in ("exports", "imports")]
    assert set(pd.read_csv(tmp_path / "with" / "census_exports.csv")["year"]) == {2024, 2025}


def test_quiet_keeps_the_partial_year_line_back(tmp_path: Path, capsys):
    responses = write_state_responses(tmp_path / "responses", years=[2024])
    extra = tmp_path / "responses" / "exports-2025-01.json"
    extra.write_bytes(state_response("exports", 2025, month=1))
    status, out, err = import_census(capsys, "-q", *responses, extra, "--data", tmp_path / "data")
    assert (status, out, err) == (EXIT_OK, "", "")


def test_one_flow_alone_is_refused_and_nothing_written(tmp_path: Path, capsys):
    status, out, err = import_census(capsys, STATE_FILES["exports"], "--data", tmp_path / "data")
    assert (status, out) == (EXIT_USAGE_OR_INPUT, "")
    assert err == (f"tech-trade: error: {STATE_FILES['exports']}: exports by state came without imports by state: "
                   "give the files of both flows together\n")
    assert not (tmp_path / "data").exists()


def test_the_same_year_in_two_files_is_refused(tmp_path: Path, capsys):
    responses = write_state_responses(tmp_path / "responses", years=[2020])
    copy = tmp_path / "responses" / "again.json"
    shutil.copyfile(responses[0], copy)
    status, _, err = import_census(capsys, *responses, copy, "--data", tmp_path / "data")
    assert status == EXIT_USAGE_OR_INPUT
    assert err == (f"tech-trade: error: {copy}, column year,state_code,naics3: '2020, AK, 111': the same year, "
                   f"state_code, naics3 is also in {responses[0]}: give each year's exports by state once\n")
    assert not (tmp_path / "data").exists()


def test_a_file_given_as_the_wrong_flow_is_refused(tmp_path: Path, capsys):
    status, _, err = import_census(capsys, "--exports", STATE_FILES["imports"], "--imports", STATE_FILES["exports"],
                                   "--data", tmp_path / "data")
    assert status == EXIT_USAGE_OR_INPUT
    assert err == (f"tech-trade: error: {STATE_FILES['imports']}: the file holds imports, but was given as "
                   "--exports\n")


def test_no_files_is_a_one_line_usage_error(tmp_path: Path, capsys):
    status, _, err = import_census(capsys, "--data", tmp_path / "data")
    assert status == EXIT_USAGE_OR_INPUT
    assert err == ("tech-trade: error: import-census: give the Census files to import (or --exports FILE "
                   "--imports FILE)\n")


def test_a_totals_row_that_is_not_the_sum_of_its_parts_is_named(tmp_path: Path):
    lines = USA_TRADE_ONLINE["exports"].read_bytes().split(b"\r\n")
    # Line 12 (index 11) is Afghanistan's All Commodities row for 2020.
    assert lines[11] == b'All States,All Commodities,Afghanistan,2020,"673,351,754"'
    lines[11] = b'All States,All Commodities,Afghanistan,2020,"673,351,755"'
    edited = tmp_path / "exports.csv"
    edited.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError) as raised:
        read_census_file(edited)
    assert str(raised.value) == (f"{edited}, row 12, column Commodity: '673,351,755': the total differs from the sum "
                                 "of its categories (673,351,754) by +1: a row is missing or a value was changed")


def test_named_states_in_a_download_give_state_trade(tmp_path: Path):
    download = tmp_path / "states.csv"
    download.write_text(
        "State Exports by NAICS Commodities,,,,\n"
        "Measures: Total Exports Value ($US),,,,\n"
        "State,Commodity,Country,Time,Total Exports Value ($US)\n"
        'Oregon,All Commodities,World Total,2020,"30,000,000"\n'
        'Oregon,334 Computer & Electronic Products,World Total,2020,"13,910,000"\n'
        'Oregon,336 Transportation Equipment,World Total,2020,"16,090,000"\n'
        'All States,All Commodities,World Total,2020,"1,429,995,404,019"\n', encoding="utf-8")
    table = read_census_file(download)
    assert (table.flow, table.level) == ("exports", STATE)
    assert rows(table.frame) == [(2020, "OR", "Oregon", 334, "Computer & Electronic Products", 13_910_000),
                                 (2020, "OR", "Oregon", 336, "Transportation Equipment", 16_090_000)]


def test_the_command_as_a_user_runs_it(tmp_path: Path):
    responses = write_state_responses(tmp_path / "responses", years=[2020])
    result = run_cli("import-census", *responses, "--data", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    exports = pd.read_csv(tmp_path / "data" / "census_exports.csv")
    bundled = pd.read_csv(DATA / "census_exports.csv")
    pd.testing.assert_frame_equal(exports, bundled[bundled["year"] == 2020].reset_index(drop=True))


def test_api_rows_of_trade_no_state_was_given_are_left_out(tmp_path: Path):
    records = json.loads(state_response("exports", 2020))
    records.append(["XX", "334", "Computer & Electronic Products", "5", "NA3", "-", "2020-12"])
    path = tmp_path / "exports.json"
    path.write_bytes(as_api_writes_it(records))
    table = read_census_file(path)
    assert "XX" not in set(table.frame["state_code"])
    assert len(table.frame) == len(records) - 2


def test_the_two_downloads_import_to_partner_files_of_the_shared_tables_rows(tmp_path: Path, capsys):
    status, out, err = import_census(capsys, USA_TRADE_ONLINE["exports"], USA_TRADE_ONLINE["imports"],
                                     "--data", tmp_path / "data")
    assert status == EXIT_OK
    assert err.splitlines() == [f"tech-trade: note: left out 2026 through January, a partial year, from "
                                f"{USA_TRADE_ONLINE[flow]} (--partial-years takes it in)" for flow in ("exports", "imports")]
    assert out.splitlines() == [f"wrote {tmp_path / 'data' / name}"
                                for name in ("partner_exports.csv", "partner_imports.csv")]
    for flow in ("exports", "imports"):
        written = pd.read_csv(tmp_path / "data" / f"partner_{flow}.csv", keep_default_na=False)
        tidy = shared_table(PARTNER_FILES[flow])[["year", "naics3", "country", f"{flow}_usd"]]
        assert sorted(rows(written)) == sorted(rows(tidy)), flow


def test_partial_years_takes_the_year_to_date_of_a_download_in():
    table = read_usa_trade_online(USA_TRADE_ONLINE["exports"], partial_years=True)
    assert table.partial == {2026: "2026 through January"} and table.partial_kept
    january = table.frame[table.frame["year"] == 2026]
    canada = january[(january["naics3"] == 334) & (january["country"] == "Canada")]
    assert len(canada) == 1 and len(january) > 0


def test_an_api_response_by_partner_country_leaves_totals_and_groupings_out(tmp_path: Path):
    path = tmp_path / "exports-naics334-2020-12.json"
    path.write_bytes(partner_response("exports", 2020))
    table = read_census_file(path)
    assert (table.flow, table.level) == ("exports", PARTNER)
    tidy = shared_table(PARTNER_FILES["exports"]).query("year == 2020 and naics3 == 334")
    assert rows(table.frame) == sorted((year, naics3, label, country.upper(), value)
                                       for year, naics3, label, country, value in rows(tidy))


def test_an_api_total_for_all_countries_that_is_not_their_sum_is_named(tmp_path: Path):
    records = json.loads(partner_response("imports", 2021))
    assert records[1][:2] == ["-", "TOTAL FOR ALL COUNTRIES"]
    records[1][3] = str(int(records[1][3]) + 7)
    path = tmp_path / "imports.json"
    path.write_bytes(as_api_writes_it(records))
    with pytest.raises(InputError) as raised:
        read_census_file(path)
    assert str(raised.value).startswith(f"{path}, row 2, column GEN_VAL_YR: '{records[1][3]}': the total for all "
                                        "countries differs from the sum of the countries (")
    assert str(raised.value).endswith(") by +7: a record is missing or a value was changed")


def test_countries_the_partner_data_does_not_spell_are_kept_as_the_api_writes_them_with_a_note(tmp_path: Path, capsys):
    responses = {}
    for flow in ("exports", "imports"):
        records = json.loads(partner_response(flow, 2021))
        records.append(["9999", "ATLANTIS", records[2][2], "5", "334", "NA3", "2021-12"])
        records[1][3] = str(int(records[1][3]) + 5)
        responses[flow] = tmp_path / f"{flow}.json"
        responses[flow].write_bytes(as_api_writes_it(records))
    status, _, err = import_census(capsys, *responses.values(), "--data", tmp_path / "data")
    assert status == EXIT_OK
    assert err.splitlines() == [f"tech-trade: note: kept 1 country name(s) as the API writes them, from "
                                f"{responses[flow]} (no earlier partner data spells them): ATLANTIS"
                                for flow in ("exports", "imports")]
    countries = set(pd.read_csv(tmp_path / "data" / "partner_exports.csv", keep_default_na=False)["country"])
    assert {"ATLANTIS", "Mexico", "Korea, South"} <= countries and "MEXICO" not in countries
