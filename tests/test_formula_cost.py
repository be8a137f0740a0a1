"""Formulas that keep opening the workbook quick: nothing volatile, no whole column or row,
and no grid of cells that each scans the whole Census table (see benchmarks/README.md)."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from helpers import table_rows

#: Functions a spreadsheet recalculates on every change anywhere, whatever they read.
VOLATILE = ("OFFSET", "INDIRECT", "TODAY", "NOW", "RAND", "RANDBETWEEN", "CELL", "INFO")
#: A whole column (A:A, $C:$F) or a whole row (3:3) as a reference.
WHOLE_COLUMN = re.compile(r"(?<![\w\[\].$])\$?[A-Z]{1,3}:\$?[A-Z]{1,3}(?![\w(])")
WHOLE_ROW = re.compile(r"(?<![\w\[\].$:])\$?\d+:\$?\d+(?![\w(])")
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


@pytest.fixture(scope="module")
def every_formula(default_workbook: Path) -> list[tuple[str, str]]:
    """(part, formula) for each cell formula, table column formula, rule, sparkline range and
    defined name of the workbook, with its string literals emptied (a quoted text is not a reference)."""
    formulas = []
    with zipfile.ZipFile(default_workbook) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml"):
                continue
            xml = archive.read(name).decode()
            for tag, attributes, found in re.findall(
                    r"<(f|formula|definedName|xm:f|calculatedColumnFormula)\b([^>]*)>([^<]*)<", xml):
                # Print titles name the rows repeated on each printed page: a whole row, never calculated.
                if tag == "definedName" and 'name="_xlnm.' in attributes:
                    continue
                formulas.append((name, STRING_LITERAL.sub('""', html.unescape(found))))
    return formulas


def test_the_workbook_has_thousands_of_formulas_to_look_at(every_formula):
    assert len(every_formula) > 4_000


def test_no_formula_calls_a_volatile_function(every_formula):
    calls = re.compile(rf"\b({'|'.join(VOLATILE)})\(")
    assert [(part, formula) for part, formula in every_formula if calls.search(formula)] == []


def test_no_formula_reads_a_whole_column_or_row(every_formula):
    assert [(part, formula) for part, formula in every_formula
            if WHOLE_COLUMN.search(formula) or WHOLE_ROW.search(formula)] == []


@pytest.mark.parametrize("formula, whole", [
    ("SUM(A:A)", True), ("SUMIFS($C:$C,B:B,1)", True), ("SUM(3:3)", True), ("SUM(A1:A10)", False),
    ("INDEX(CensusExports[State code],$AJ5):INDEX(CensusExports[State code],$AK5)", False),
    ("'Census exports'!$A$5:$A$9", False), ("Trend!C5:L5", False),
])
def test_the_whole_column_and_row_patterns_tell_one_from_a_range(formula, whole):
    assert bool(WHOLE_COLUMN.search(formula) or WHOLE_ROW.search(formula)) is whole


def test_no_grid_of_cells_scans_the_whole_census_table_per_cell(default_formulas):
    # A formula filled over a state x year or state x category grid reads its state's rows
    # alone (its tech row, or its block as a plain range); the whole table only in the branch
    # taken where an analyst has put a state's row away from the others.
    whole_table_column = re.compile(r"CensusExports\[(?!\[#Headers\])")
    trend = table_rows(default_formulas, "TechTrend")
    years = [header for header in trend[0] if header.isdigit()]
    assert years and all(
        row[year].startswith("=IF(TechTrend[[#This Row],[Tech rows]]=1,N(INDEX(CensusExports[")
        and not whole_table_column.search(row[year].split(",IF(TechTrend[[#This Row],[Tech rows]]=0,0,")[0][len("=IF("):]
                                          .replace(f"CensusExports[{year}]", ""))
        for row in trend for year in years)
    sheet = default_formulas["Categories"]
    matrix = [cell.value for row in sheet.iter_rows() for cell in row
              if isinstance(cell.value, str) and cell.value.startswith("=IF(") and ",SUMIFS(INDEX('Census" in cell.value]
    assert len(matrix) > 1_000
    for formula in matrix:
        block, fallback = formula.split("),SUMIFS(", 1)
        assert not whole_table_column.search(block), formula
        assert "'Census exports'!" not in fallback, formula
