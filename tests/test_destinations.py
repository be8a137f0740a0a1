"""The Destinations sheet and data/destinations.csv: the published top destinations with
their published rank for the snapshot year, value inputs, and shares once values are entered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl.utils import range_boundaries

from helpers import DATA, build_workbook, open_workbook, run_cli, table_rows
from workbook.checking.check import check_workbook
from workbook.errors import InputError
from workbook.dataset.load import load_dataset, read_table
from workbook.dataset.schema import ALL_FILES, DESTINATIONS
from workbook.templates_loader import wording

WORDS = wording("destinations")
COLUMNS = WORDS["columns"]
NOT_PUBLISHED = wording("published")["not_published"]
SHEET = WORDS["sheet"]
TABLE = "Destinations"

PUBLISHED_2020 = [
    ("products", "Mexico", 1), ("products", "Canada", 2), ("products", "China", 3),
    ("services", "Ireland", 1), ("services", "Switzerland", 2), ("services", "Japan", 3),
]
INPUT_FILL = "FFF2CC"


def data_with_values(folder: Path, entered: dict[tuple[str, str], str]) -> Path:
    """A copy of the data folder with values entered in destinations.csv."""
    data = folder / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    path = data / DESTINATIONS.filename
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = [lines[0]]
    for line in lines[1:]:
        flow, country, _ = line.split(",")
        edited.append(f"{flow},{country},{entered.get((flow, country), '')}")
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    return data


#: Values entered for three product destinations and one services destination.
ENTERED = {("products", "Mexico"): "60000000000", ("products", "Canada"): "30000000000",
           ("products", "China"): "10000000000", ("services", "Ireland"): "5000000000"}


@pytest.fixture(scope="module")
def entered_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("destinations-entered")
    return build_workbook(folder / "entered.xlsx", 2020, data=data_with_values(folder, ENTERED))


# --- the sheet -------------------------------------------------------------------------------------


def test_the_six_published_destinations_are_listed_with_their_rank(default_values):
    rows = table_rows(default_values, TABLE, cells=True)
    listed = [(row[COLUMNS["flow"]].value, row[COLUMNS["country"]].value, row[COLUMNS["published_rank"]].value)
              for row in rows]
    assert listed == PUBLISHED_2020


def test_the_table_has_the_columns_of_the_data_file_and_the_computed_ones(default_values):
    table = default_values[SHEET].tables[TABLE]
    assert [column.name for column in table.tableColumns] == [
        COLUMNS["flow"], COLUMNS["country"], COLUMNS["published_rank"], COLUMNS["census_value"],
        COLUMNS["census_share"], COLUMNS["census_rank"], COLUMNS["value_usd"], COLUMNS["share_of_listed"]]


def test_the_values_for_an_analyst_to_enter_stay_out_of_the_print_area(default_values):
    """The release gives no values: in print, Value USD and Share of listed would be empty boxes."""
    sheet = default_values[SHEET]
    table = sheet.tables[TABLE]
    last_printed = range_boundaries(str(sheet.print_area).split("!")[-1].replace("$", ""))[2]
    first_col = range_boundaries(table.ref)[0]
    place = {column.name: first_col + offset for offset, column in enumerate(table.tableColumns)}
    assert place[COLUMNS["census_rank"]] == last_printed
    for key in ("value_usd", "share_of_listed"):
        assert place[COLUMNS[key]] > last_printed


def test_the_published_rank_is_looked_up_in_published_figures_for_the_snapshot_year(default_formulas):
    for row in table_rows(default_formulas, TABLE, cells=True):
        formula = row[COLUMNS["published_rank"]].value
        assert formula.startswith("=")
        assert "PublishedFigures[Value]" in formula and "PublishedFigures[Subject]" in formula
        assert "PublishedFigures[Year],SnapshotYear" in formula
        assert f"{TABLE}[[#This Row],[{COLUMNS['flow']}]]" in formula
        assert f"{TABLE}[[#This Row],[{COLUMNS['country']}]]" in formula
        assert "[@" not in formula


def test_value_cells_are_blank_inputs_and_shares_are_blank(default_values, default_formulas):
    for row, formula_row in zip(table_rows(default_values, TABLE, cells=True),
                                table_rows(default_formulas, TABLE, cells=True)):
        value = row[COLUMNS["value_usd"]]
        assert value.value is None
        assert value.fill.fgColor.rgb.endswith(INPUT_FILL), "a value cell is styled as an input"
        assert formula_row[COLUMNS["value_usd"]].value is None, "a value cell holds no formula"
        assert row[COLUMNS["share_of_listed"]].value in (None, "")
        assert formula_row[COLUMNS["share_of_listed"]].value.startswith("=IF(ISNUMBER(")


def test_the_title_follows_the_snapshot_year(default_values, default_formulas):
    assert default_values[SHEET]["A1"].value == WORDS["title"].format(year=2020)
    assert "SnapshotYear" in default_formulas[SHEET]["A1"].value


def test_the_source_note_cites_the_release_and_the_international_trade_administration(default_values):
    text = " ".join(str(cell.value) for row in default_values[SHEET].iter_rows(max_col=1) for cell in row if cell.value)
    assert "press release" in text
    assert "International Trade Administration" in text


def test_ranks_are_not_published_for_a_year_the_release_does_not_cover(values_2019):
    rows = table_rows(values_2019, TABLE, cells=True)
    assert [row[COLUMNS["country"]].value for row in rows] == [country for _, country, _ in PUBLISHED_2020]
    assert {row[COLUMNS["published_rank"]].value for row in rows} == {NOT_PUBLISHED}
    assert values_2019[SHEET]["A1"].value == WORDS["title"].format(year=2019)


def test_entered_values_give_shares_of_the_listed_destinations_of_the_same_flow(entered_workbook):
    entered = open_workbook(entered_workbook, data_only=True)
    rows = {row[COLUMNS["country"]].value: row for row in table_rows(entered, TABLE, cells=True)}
    share = {country: row[COLUMNS["share_of_listed"]].value for country, row in rows.items()}
    assert rows["Mexico"][COLUMNS["value_usd"]].value == 60e9
    assert share["Mexico"] == pytest.approx(0.6)
    assert share["Canada"] == pytest.approx(0.3)
    assert share["China"] == pytest.approx(0.1)
    # Ireland is the only services destination with a value; the others stay blank.
    assert share["Ireland"] == pytest.approx(1.0)
    assert share["Switzerland"] in (None, "") and share["Japan"] in (None, "")


@pytest.mark.usefixtures("require_libreoffice", "require_validator")
def test_the_workbook_with_entered_values_passes_the_check_in_libreoffice(entered_workbook):
    assert check_workbook(entered_workbook) == []


# --- the data file ---------------------------------------------------------------------------------


def test_the_data_file_lists_the_published_destinations_with_empty_values():
    destinations = load_dataset(DATA).destinations
    assert sorted(zip(destinations["flow"], destinations["country"])) == sorted(
        (flow, country) for flow, country, _ in PUBLISHED_2020)
    assert destinations["value_usd"].isna().all()
    assert DESTINATIONS in ALL_FILES


def write_destinations(tmp_path: Path, body: str) -> Path:
    path = tmp_path / DESTINATIONS.filename
    path.write_text("flow,country,value_usd\n" + body, encoding="utf-8")
    return path


def test_an_empty_value_loads_as_missing_and_a_value_as_a_number(tmp_path):
    frame = read_table(write_destinations(tmp_path, "products,Mexico,\nservices,Japan,1500\n"), DESTINATIONS)
    assert frame["value_usd"].isna().tolist() == [True, False]
    assert frame["value_usd"].iloc[1] == 1500


@pytest.mark.parametrize(("body", "expected"), [
    ("products,Mexico,lots\n", ["row 2", "column value_usd", "'lots'", "an amount in whole U.S. dollars"]),
    ("products,Mexico,-5\n", ["row 2", "column value_usd", "'-5'", "at least 0"]),
    ("goods,Mexico,\n", ["row 2", "column flow", "'goods'", "products, services"]),
    ("products,,\n", ["row 2", "column country", "a value is required"]),
    ("products,Mexico,\nproducts,Mexico,3\n", ["row 3", "duplicate key"]),
], ids=["text", "negative", "unknown-flow", "no-country", "duplicate"])
def test_a_bad_row_names_the_file_row_column_and_value(tmp_path, body, expected):
    with pytest.raises(InputError) as raised:
        read_table(write_destinations(tmp_path, body), DESTINATIONS)
    message = str(raised.value)
    assert DESTINATIONS.filename in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_a_bad_value_stops_the_build_with_one_line(tmp_path):
    data = data_with_values(tmp_path, {("services", "Japan"): "about 5"})
    out = tmp_path / "out.xlsx"
    result = run_cli("build", "--data", data, "--out", out)
    assert result.returncode == 2
    assert DESTINATIONS.filename in result.stderr and "column value_usd" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
