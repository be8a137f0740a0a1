"""IronCalc, an engine that follows Excel's rules (TRUE is not 1, a function given a range where it
expects a value reads one cell of it), recalculates every formula of the workbook to the value the
tool cached: the numbers a reader sees before any recalculation are the numbers Excel computes.

LibreOffice proves the same in test_check.py; one engine agreeing is not proof. A formula whose
helper cell gives #N/A on purpose (a chart's gap, ``NA()``) is cached as #N/A and must stay so.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import ironcalc
import pandas as pd
import pytest

from helpers import DATA, build_workbook, open_workbook


def ironcalc_disagreements(path: Path) -> tuple[int, list[str]]:
    """(formula cells, "sheet!cell: IronCalc value != cached value" for each that differs)."""
    formulas, cached = open_workbook(path), open_workbook(path, data_only=True)
    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    model.evaluate()
    sheets = {properties["name"]: index for index, properties in enumerate(model.get_worksheets_properties())}
    count, differences = 0, []
    for sheet in formulas.worksheets:
        values = {(cell.row, cell.column): cell.value for row in cached[sheet.title].iter_rows() for cell in row
                  if cell.value is not None}
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                count += 1
                expected = values.get((cell.row, cell.column))
                value = model.get_cell_value(sheets[sheet.title], cell.row, cell.column)
                if not _same(value, expected):
                    differences.append(f"{sheet.title}!{cell.coordinate}: {value!r} != {expected!r}  {cell.value[:120]}")
    return count, differences


def _same(engine: object, cached: object) -> bool:
    if isinstance(cached, bool) or isinstance(engine, bool):
        return engine == cached
    if isinstance(cached, (int, float)):
        return isinstance(engine, (int, float)) and math.isclose(engine, cached, rel_tol=1e-9, abs_tol=1e-9)
    if cached is None:
        return engine in (None, "")
    return engine == cached


@pytest.fixture(scope="module")
def edited_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data with Texas's 2020 tech exports halved."""
    data = tmp_path_factory.mktemp("edited") / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    exports = pd.read_csv(data / "census_exports.csv")
    texas = (exports["state_code"] == "TX") & (exports["naics3"] == 334) & (exports["year"] == 2020)
    assert texas.sum() == 1
    exports.loc[texas, "value_usd"] = exports.loc[texas, "value_usd"] // 2
    exports.to_csv(data / "census_exports.csv", index=False)
    return data


def test_ironcalc_recalculates_the_default_build_to_its_cached_values(default_workbook: Path):
    count, differences = ironcalc_disagreements(default_workbook)
    assert count > 6_000
    assert differences == []


@pytest.mark.parametrize("year", [2019, 2025])
def test_ironcalc_recalculates_another_years_build_to_its_cached_values(year: int, workbook_of_year):
    count, differences = ironcalc_disagreements(workbook_of_year(year))
    assert count > 6_000
    assert differences == []


def test_ironcalc_recalculates_a_build_from_an_edited_figure_to_its_cached_values(edited_data: Path, tmp_path: Path):
    path = build_workbook(tmp_path / "edited.xlsx", 2020, data=edited_data)
    count, differences = ironcalc_disagreements(path)
    assert count > 6_000
    assert differences == []


def test_the_comparison_sees_a_figure_ironcalc_computes_differently(tmp_path: Path):
    # The same check must be able to fail: a cached value the formula does not give is caught.
    import xlsxwriter

    path = tmp_path / "wrong-cache.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Figures")
        sheet.write_number(0, 0, 2)
        sheet.write_formula(0, 1, "=A1*2", None, 4)
        sheet.write_formula(0, 2, '=IF((A1>1)=1,"yes","no")', None, "yes")
    count, differences = ironcalc_disagreements(path)
    # TRUE=1 is FALSE by Excel's rules: IronCalc says "no" where LibreOffice would say "yes".
    assert count == 2 and differences == [f"Figures!C1: 'no' != 'yes'  =IF((A1>1)=1,\"yes\",\"no\")"]
