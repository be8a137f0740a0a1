"""The Map sheet: one tile per state at its grid position, live formulas, a colour scale that follows them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from helpers import DATA, census_cell, open_workbook, run_cli, set_number, sheet_xml
from workbook.engines.libreoffice import recalculate

MAP = "Map"
TEXAS_2020_TECH_EXPORTS = 45_022_715_511
TILE_FORMULA = re.compile(r'^=INDEX\(StateSummary\[Tech exports\],MATCH\("(?P<code>[^"]+)",StateSummary\[Code\],0\)\)$')


def tiles(sheet) -> dict[str, tuple[int, int]]:
    """State code -> (row, column) of each tile on the Map sheet, found by its formula."""
    found: dict[str, list[tuple[int, int]]] = {}
    for row in sheet.iter_rows():
        for cell in row:
            match = TILE_FORMULA.match(cell.value) if isinstance(cell.value, str) else None
            if match:
                found.setdefault(match["code"], []).append((cell.row, cell.column))
    duplicated = {code: places for code, places in found.items() if len(places) > 1}
    assert not duplicated, f"states with more than one tile: {duplicated}"
    return {code: places[0] for code, places in found.items()}


def tile_cell(sheet, code: str) -> str:
    row, col = tiles(sheet)[code]
    return f"{get_column_letter(col)}{row}"


def states_csv() -> pd.DataFrame:
    return pd.read_csv(DATA / "states.csv", keep_default_na=False)


def census_tech_exports(code: str, year: int) -> float:
    exports = pd.read_csv(DATA / "census_exports.csv")
    rows = exports[(exports["state_code"] == code) & (exports["year"] == year) & (exports["naics3"] == 334)]
    return float(rows["value_usd"].sum())


def test_every_state_has_exactly_one_tile_at_its_grid_position(default_formulas):
    found = tiles(default_formulas[MAP])
    states = states_csv()
    assert sorted(found) == sorted(states["state_code"])
    # The grid's top-left corner is wherever the map starts on the sheet: the same offset for every tile.
    offsets = {(found[code][0] - row, found[code][1] - col)
               for code, row, col in zip(states["state_code"], states["tile_row"], states["tile_col"])}
    assert len(offsets) == 1, offsets


def test_each_tile_reads_its_state_figure_for_the_snapshot_year(default_formulas):
    sheet = default_formulas[MAP]
    for code, (row, col) in tiles(sheet).items():
        formula = sheet.cell(row, col).value
        assert f'"{code}"' in formula and "StateSummary[Tech exports]" in formula
    # The column the tiles read follows the snapshot year cell.
    states = default_formulas["States"]
    texas_row = next(row for row in states.iter_rows() if row[0].value == "TX")
    tech_exports = next(cell for cell in texas_row if isinstance(cell.value, str) and "SUMIFS" in cell.value)
    assert "SnapshotYear" in tech_exports.value


def test_texas_tile_holds_the_census_figure_and_shows_its_code_in_billions(default_formulas, default_values):
    cell = tile_cell(default_formulas[MAP], "TX")
    assert default_values[MAP][cell].value == TEXAS_2020_TECH_EXPORTS
    number_format = default_formulas[MAP][cell].number_format
    assert '"TX "$#,##0.0,,,"B"' in number_format


def test_every_tile_caches_the_states_sheet_figure(default_formulas, default_values):
    states = default_values["States"]
    header = next(row for row in states.iter_rows(values_only=True) if row and row[0] == "Code")
    by_code = {row[0]: dict(zip(header, row)) for row in states.iter_rows(values_only=True)
               if row and row[0] in set(states_csv()["state_code"])}
    for code, (row, col) in tiles(default_formulas[MAP]).items():
        assert default_values[MAP].cell(row, col).value == by_code[code]["Tech exports"], code


def colour_scales(sheet) -> list:
    return [(ranges, rule) for ranges in sheet.conditional_formatting for rule in ranges.rules
            if rule.type == "colorScale"]


def cells_of(sqref) -> set[tuple[int, int]]:
    covered = set()
    for cell_range in str(sqref).split():
        min_col, min_row, max_col, max_row = range_boundaries(cell_range)
        covered |= {(row, col) for row in range(min_row, max_row + 1) for col in range(min_col, max_col + 1)}
    return covered


def test_one_colour_scale_covers_every_tile_and_nothing_empty(default_formulas):
    sheet = default_formulas[MAP]
    scales = colour_scales(sheet)
    assert len(scales) == 1
    covered = cells_of(scales[0][0].sqref)
    assert set(tiles(sheet).values()) <= covered
    assert all(sheet.cell(row, col).value is not None for row, col in covered)


def test_the_scale_points_are_the_legend_cells_with_live_formulas(default_formulas, default_values):
    sheet = default_formulas[MAP]
    ranges, rule = colour_scales(sheet)[0]
    points = [point.val.replace("$", "") for point in rule.colorScale.cfvo]
    assert [point.type for point in rule.colorScale.cfvo] == ["formula"] * 3
    assert [sheet[point].value for point in points] == [
        "=MIN(StateSummary[Tech exports])",
        "=MEDIAN(StateSummary[Tech exports])",
        "=PERCENTILE(StateSummary[Tech exports],0.9)",
    ]
    # The legend is coloured by the same rule.
    legend = {(sheet[point].row, sheet[point].column) for point in points}
    assert legend <= cells_of(ranges.sqref)
    figures = pd.Series([default_values[MAP].cell(row, col).value for row, col in tiles(sheet).values()])
    assert [default_values[MAP][point].value for point in points] == pytest.approx(
        [figures.min(), figures.median(), figures.quantile(0.9)])


def test_title_names_the_snapshot_year_and_sheet_says_tiles_are_not_to_scale(default_formulas, default_values):
    assert "SnapshotYear" in default_formulas[MAP]["A1"].value
    assert default_values[MAP]["A1"].value == "Tech exports by state, 2020: tile map"
    texts = [cell.value for row in default_values[MAP].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any("not drawn to scale" in text for text in texts)


def test_map_prints_on_one_landscape_page(default_workbook: Path):
    xml = sheet_xml(default_workbook, MAP)
    page_setup = re.search(r"<pageSetup [^>]*>", xml)[0]
    assert 'orientation="landscape"' in page_setup
    # fitToWidth and fitToHeight default to 1 page: absent means one page each way.
    assert "fitToWidth" not in page_setup and "fitToHeight" not in page_setup
    assert '<pageSetUpPr fitToPage="1"/>' in xml


def test_map_comes_after_states_and_before_the_data_sheets(default_formulas):
    names = default_formulas.sheetnames
    assert names.index("States") < names.index(MAP) < names.index("Census exports")


@pytest.mark.parametrize("year", [2019, 2025])
def test_tiles_follow_the_year_of_the_build(workbook_of_year, year: int):
    out = workbook_of_year(year)
    sheet = open_workbook(out)[MAP]
    values = open_workbook(out, data_only=True)[MAP]
    assert values[tile_cell(sheet, "TX")].value == census_tech_exports("TX", year)
    assert values["A1"].value == f"Tech exports by state, {year}: tile map"


def test_two_states_on_one_tile_are_refused_naming_both(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    states = states_csv()
    texas = states.loc[states["state_code"] == "TX"].iloc[0]
    states.loc[states["state_code"] == "OK", ["tile_row", "tile_col"]] = [texas["tile_row"], texas["tile_col"]]
    states.to_csv(data / "states.csv", index=False)
    result = run_cli("build", "--data", data, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 2
    assert "states.csv" in result.stderr and "OK" in result.stderr and "TX" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


# ---------------------------------------------------------------- live, in LibreOffice

def test_texas_tile_follows_an_edited_figure_in_libreoffice(default_workbook: Path, tmp_path: Path,
                                                            require_libreoffice: Path):
    tiny = 1234
    edited = tmp_path / "edited.xlsx"
    set_number(default_workbook, edited, "Census exports", census_cell(default_workbook, "TX", 334, 2020), tiny)
    recalculated = recalculate(edited, tmp_path / "recalculated")
    book = open_workbook(default_workbook)
    values = open_workbook(recalculated, data_only=True)[MAP]
    assert values[tile_cell(book[MAP], "TX")].value == tiny
    # Texas is now the smallest exporter: the scale's lowest point, and so its colour, follow.
    lowest = colour_scales(book[MAP])[0][1].colorScale.cfvo[0].val.replace("$", "")
    assert values[lowest].value == tiny


def test_tiles_follow_the_snapshot_year_cell_in_libreoffice(default_workbook: Path, tmp_path: Path,
                                                            require_libreoffice: Path):
    edited = tmp_path / "year-2025.xlsx"
    book = open_workbook(default_workbook)
    sheet_name, cell = book.defined_names["SnapshotYear"].attr_text.replace("$", "").split("!")
    set_number(default_workbook, edited, sheet_name.strip("'"), cell, 2025)
    recalculated = recalculate(edited, tmp_path / "recalculated")
    values = open_workbook(recalculated, data_only=True)[MAP]
    assert values["A1"].value == "Tech exports by state, 2025: tile map"
    for code in ("TX", "CA", "OR"):
        assert values[tile_cell(book[MAP], code)].value == census_tech_exports(code, 2025)
