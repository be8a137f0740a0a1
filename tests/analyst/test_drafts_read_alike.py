"""The Key findings drafts read as sentences in every year of the data, in an engine that follows
Excel's rules (IronCalc) as in LibreOffice.

A draft names countries with a list built down a column of working cells, whose formulas count the names
so far. LibreOffice reads a condition as 1, Excel and IronCalc do not (TRUE=1 is FALSE), so a
count left a condition once printed "...tech exports in 2020 were , Mexico, Canada and China."
in Excel only. Here the analyst picks each year in turn, in LibreOffice over UNO and in
IronCalc, and reads every draft: no stray comma, no error value, and the same words in both.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import ironcalc
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string, coordinate_to_tuple

from helpers import DATA, open_workbook
from workbook.writing import register
from workbook.checking.check import is_error_value
from workbook.templates_loader import wording
from workbook_cells import tables

YEARS = tuple(sorted(pd.read_csv(DATA / "census_exports.csv", usecols=["year"])["year"].unique().tolist()))
KEY_FINDINGS = wording("key_findings")
#: A comma with nothing before it: first in the text, after a space, or after another comma.
STRAY_COMMA = re.compile(r"^\s*,|\s,|,\s*,")


def _draft_cells(path: Path) -> tuple[str, str]:
    """The sheet and range of the drafts: the Draft column of the KeyFindings table."""
    table = tables(path)[register.KEY_FINDINGS.name]
    letter = table.column_letter(KEY_FINDINGS["columns"]["draft"])
    return table.sheet, f"{letter}{table.first_row}:{letter}{table.last_row}"


def _snapshot_year_cell(path: Path) -> tuple[str, str]:
    [(sheet, cell)] = list(open_workbook(path).defined_names[register.SNAPSHOT_YEAR].destinations)
    return sheet, cell.replace("$", "")


def _misread(drafts_by_year: dict[int, list[object]]) -> list[str]:
    """Each draft that is not a sentence: an error value (IronCalc's own #ERROR! among them), or
    text with a stray comma."""
    return [f"{year}: {draft!r}" for year, drafts in drafts_by_year.items() for draft in drafts
            if not isinstance(draft, str) or is_error_value(draft) or draft.startswith("#")
            or STRAY_COMMA.search(draft)]


@pytest.fixture(scope="module")
def in_libreoffice(office, default_workbook: Path) -> dict[int, list[object]]:
    sheet, area = _draft_cells(default_workbook)
    actions = []
    for year in YEARS:
        actions += [{"op": "set_name", "name": register.SNAPSHOT_YEAR, "value": year},
                    {"op": "read", "sheet": sheet, "range": area}]
    results = iter(office.run(default_workbook, actions))
    seen = {}
    for year in YEARS:
        next(results)
        seen[year] = [row[0] for row in next(results)]
    return seen


@pytest.fixture(scope="module")
def in_ironcalc(default_workbook: Path) -> dict[int, list[object]]:
    sheet, area = _draft_cells(default_workbook)
    names = open_workbook(default_workbook).sheetnames
    year_sheet, year_cell = _snapshot_year_cell(default_workbook)
    year_row, year_col = coordinate_to_tuple(year_cell)
    first, last = area.split(":")
    first_row, last_row = coordinate_to_tuple(first)[0], coordinate_to_tuple(last)[0]
    col = column_index_from_string(re.sub(r"\d", "", first))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ironcalc.load_from_xlsx(str(default_workbook), "en", "UTC")
    seen = {}
    for year in YEARS:
        model.set_user_input(names.index(year_sheet), year_row, year_col, str(year))
        model.evaluate()
        seen[year] = [model.get_formatted_cell_value(names.index(sheet), row, col)
                      for row in range(first_row, last_row + 1)]
    return seen


def test_the_drafts_read_without_a_stray_comma_in_every_year_in_libreoffice(in_libreoffice):
    assert not _misread(in_libreoffice)
    # The lists are there to be read: some draft names countries.
    assert any(" and " in draft and ", " in draft for drafts in in_libreoffice.values() for draft in drafts)


def test_the_drafts_read_without_a_stray_comma_in_every_year_in_ironcalc(in_ironcalc):
    assert not _misread(in_ironcalc)
    assert any(" and " in str(draft) and ", " in str(draft) for drafts in in_ironcalc.values() for draft in drafts)


def test_both_engines_draft_the_same_words(in_libreoffice, in_ironcalc):
    assert in_ironcalc == in_libreoffice
